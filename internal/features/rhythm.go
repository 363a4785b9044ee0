package features

import (
	"slices"

	"github.com/genrec/genrec/internal/params"
)

// tempo returns the global tempo of the clip from the dB mel spectrogram in
// e.melDB (frames × NMels): onset strength envelope, then the tempo
// estimator (see OnsetStrength and TempoEstimator).
//
// The bands of a frame are combined by their median, not their mean: the
// table's tempo column is librosa.beat.beat_track's, which computes its
// envelope with aggregate=np.median. With the median all ten reference clips
// match exactly; with the mean several are off by an octave or more.
func (e *Extractor) tempo(frames int) float64 {
	e.onset = onsetMedianFrames(e.onset, e.melDB, params.NMels, frames)
	return e.tempoEst.Estimate(e.onset)
}

// onsetMedianFrames is OnsetStrengthAggregate(dst, ·, nMels, nFrames,
// OnsetMedian) of the transpose of melDB: it reads the dB mel spectrogram
// frame by frame (melDB[t*nMels+m]), as the Extractor stores it, and
// computes the same values. nMels must be at most 256.
func onsetMedianFrames(dst, melDB []float64, nMels, nFrames int) []float64 {
	dst = slices.Grow(dst[:0], nFrames)[:nFrames]
	clear(dst)
	if nMels == 0 || nFrames <= OnsetPad {
		return dst
	}
	var stack [256]float64
	diffs := stack[:nMels]
	for t := OnsetPad; t < nFrames; t++ {
		a := melDB[(t-OnsetPad)*nMels : (t-OnsetPad+1)*nMels]
		b := melDB[(t-OnsetPad+OnsetLag)*nMels : (t-OnsetPad+OnsetLag+1)*nMels]
		b = b[:len(a)]
		for m, v := range a {
			d := b[m] - v
			if d < 0 {
				d = 0
			}
			diffs[m] = d
		}
		slices.Sort(diffs)
		if nMels%2 == 1 {
			dst[t] = diffs[nMels/2]
		} else {
			dst[t] = 0.5 * (diffs[nMels/2-1] + diffs[nMels/2])
		}
	}
	return dst
}
