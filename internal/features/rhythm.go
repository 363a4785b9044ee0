package features

import "github.com/genrec/genrec/internal/params"

// tempo returns the global tempo of the clip from the dB mel spectrogram in
// e.melDB (frames × NMels): onset strength envelope, then the tempo
// estimator (see OnsetStrength and TempoEstimator).
//
// The bands of a frame are combined by their median, not their mean: the
// table's tempo column is librosa.beat.beat_track's, which computes its
// envelope with aggregate=np.median. With the median all ten reference clips
// match exactly; with the mean several are off by an octave or more.
func (e *Extractor) tempo(frames int) (float64, error) {
	nm := params.NMels
	// OnsetStrength reads the bands-by-frames layout.
	e.melT = grow(e.melT, nm*frames)
	for t := 0; t < frames; t++ {
		row := e.melDB[t*nm : (t+1)*nm]
		for m, v := range row {
			e.melT[m*frames+t] = v
		}
	}
	e.onset = OnsetStrengthAggregate(e.onset, e.melT, nm, frames, OnsetMedian)
	return e.tempoEst.Estimate(e.onset), nil
}
