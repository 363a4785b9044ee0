package features

import (
	"fmt"
	"slices"

	"github.com/genrec/genrec/internal/params"
)

// OnsetLag is the time lag, in frames, of the spectral-flux difference of
// the onset strength envelope (librosa onset_strength lag=1).
const OnsetLag = 1

// OnsetPad is the number of leading zero frames of the onset strength
// envelope: the lag plus the centring shift n_fft // (2·hop) that undoes the
// delay of centred STFT frames (librosa onset_strength center=True), 3 with
// the parameters of internal/params.
const OnsetPad = OnsetLag + params.NFFT/(2*params.Hop)

// OnsetAggregate selects how the per-band positive differences of one frame
// are combined into the onset strength of that frame.
type OnsetAggregate int

const (
	// OnsetMean averages over the mel bands: the default of
	// librosa.onset.onset_strength and librosa.beat.tempo.
	OnsetMean OnsetAggregate = iota

	// OnsetMedian takes the median over the mel bands (the mean of the two
	// middle values for an even count, as numpy.median does): what
	// librosa.beat.beat_track passes (aggregate=np.median) when it computes
	// the envelope itself from audio. This is the aggregate that
	// reproduces the GTZAN table's tempo column exactly on all ten
	// reference clips (the mean misses several by an octave), although the
	// table's README says "mean".
	OnsetMedian
)

// OnsetStrength computes the spectral-flux onset strength envelope of a dB
// mel spectrogram, as librosa.onset.onset_strength does with its defaults
// (lag 1, max_size 1, detrend False, center True, aggregate mean):
//
//	env[t] = 0                                              for t < OnsetPad
//	env[t] = mean over m of max(0, S[m, t−2] − S[m, t−3])   for OnsetPad ≤ t < nFrames
//
// i.e. the positive first difference over time, averaged over the bands,
// shifted right by OnsetPad frames and trimmed to nFrames.
//
// melDB is the nMels×nFrames row-major matrix melDB[m*nFrames+t], the
// power_to_db (ref 1, amin 1e-10, top_db 80) of a mel power spectrogram.
// The envelope is written to dst, which is grown if its capacity is below
// nFrames, and returned with length nFrames.
//
// Preconditions (a violation is a programming error and panics): nMels ≥ 0,
// nFrames ≥ 0 and len(melDB) ≥ nMels*nFrames. With nMels = 0 the envelope is
// all zeros.
func OnsetStrength(dst []float64, melDB []float64, nMels, nFrames int) []float64 {
	return OnsetStrengthAggregate(dst, melDB, nMels, nFrames, OnsetMean)
}

// OnsetStrengthAggregate is OnsetStrength with a choice of how the bands of
// a frame are combined; see OnsetAggregate. The median needs per-frame
// scratch space, taken from the stack for up to 256 bands (no heap
// allocation) and allocated once per call above that.
func OnsetStrengthAggregate(dst []float64, melDB []float64, nMels, nFrames int, agg OnsetAggregate) []float64 {
	if nMels < 0 || nFrames < 0 || len(melDB) < nMels*nFrames {
		panic(fmt.Sprintf("features: OnsetStrength of a %d×%d matrix given %d values", nMels, nFrames, len(melDB)))
	}
	if agg != OnsetMean && agg != OnsetMedian {
		panic(fmt.Sprintf("features: unknown onset aggregate %d", agg))
	}
	dst = slices.Grow(dst[:0], nFrames)[:nFrames]
	clear(dst)
	if nMels == 0 || nFrames <= OnsetPad {
		return dst
	}

	// The frame pair (t−OnsetPad, t−OnsetPad+OnsetLag) feeds env[t].
	first := OnsetPad
	if agg == OnsetMean {
		for m := 0; m < nMels; m++ {
			row := melDB[m*nFrames : (m+1)*nFrames]
			for t := first; t < nFrames; t++ {
				d := row[t-OnsetPad+OnsetLag] - row[t-OnsetPad]
				if d > 0 {
					dst[t] += d
				}
			}
		}
		for t := first; t < nFrames; t++ {
			dst[t] /= float64(nMels)
		}
		return dst
	}

	var stack [256]float64
	var diffs []float64
	if nMels <= len(stack) {
		diffs = stack[:nMels]
	} else {
		diffs = make([]float64, nMels)
	}
	for t := first; t < nFrames; t++ {
		a, b := t-OnsetPad, t-OnsetPad+OnsetLag
		for m := 0; m < nMels; m++ {
			d := melDB[m*nFrames+b] - melDB[m*nFrames+a]
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
