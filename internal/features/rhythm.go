package features

import (
	"math"
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
		dst[t] = medianNonNegative(diffs)
	}
	return dst
}

// medianNonNegative returns the median of x, whose values are ≥ 0 (the
// mean of the two middle values for an even length), reordering x. It
// equals sorting x and reading the middle, without sorting: an onset
// envelope's band differences are mostly zeros, so it counts them first
// (when more than half are zero so is the median) and selects the middle
// ranks among the positive values.
func medianNonNegative(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return 0
	}
	// Move the positive values to the front.
	pos := 0
	for i, v := range x {
		if v > 0 {
			x[pos], x[i] = v, x[pos]
			pos++
		}
	}
	zeros := n - pos
	hi := n / 2                    // rank of the upper middle value
	lo := hi - 1 + n%2             // rank of the lower one (= hi for odd n)
	at := func(rank int) float64 { // the rank-th smallest of x
		if rank < zeros {
			return 0
		}
		return selectRank(x[:pos], rank-zeros)
	}
	if lo == hi {
		return at(hi)
	}
	a := at(lo)
	// After selectRank(lo), every value above position lo−zeros is ≥ a:
	// the next rank is the smallest of them.
	if lo < zeros {
		return 0.5 * (a + at(hi))
	}
	b := math.Inf(1)
	for _, v := range x[lo-zeros+1 : pos] {
		b = min(b, v)
	}
	return 0.5 * (a + b)
}

// selectRank returns the k-th smallest value of x (k from 0), leaving x
// partitioned around position k: x[:k] ≤ x[k] ≤ x[k+1:]. It is Hoare's
// selection with a median-of-three pivot.
func selectRank(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		// Order x[lo], x[mid], x[hi] and take the middle as the pivot.
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k] // j < k < i: x[k] equals the pivot
		}
	}
	return x[k]
}
