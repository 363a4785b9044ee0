package features

import (
	"math"
	"math/bits"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// centroidBandwidth returns the spectral centroid (the magnitude-weighted
// mean frequency) and the spectral bandwidth of order p (the p-th root of
// the magnitude-weighted mean of |f − centroid|^p) of one magnitude frame.
// A silent frame has both zero.
func centroidBandwidth(mag, freqs []float64, p float64) (centroid, bandwidth float64) {
	centroid, bandwidth, _ = spectralShape(mag, freqs, p)
	return centroid, bandwidth
}

// spectralShape is centroidBandwidth that also returns the frame's total
// magnitude, summed in bin order (for rolloffOf).
func spectralShape(mag, freqs []float64, p float64) (centroid, bandwidth, sum float64) {
	var moment float64
	freqs = freqs[:len(mag)]
	for k, m := range mag {
		sum += m
		moment += m * freqs[k]
	}
	if sum < tinyFloat32 {
		return 0, 0, sum
	}
	centroid = moment / sum
	var dev float64
	if p == 2 {
		// Two partial sums halve the wait on the additions' latency.
		var d0, d1 float64
		k := 0
		for ; k+1 < len(mag); k += 2 {
			a, b := freqs[k]-centroid, freqs[k+1]-centroid
			d0 += mag[k] * a * a
			d1 += mag[k+1] * b * b
		}
		for ; k < len(mag); k++ {
			a := freqs[k] - centroid
			d0 += mag[k] * a * a
		}
		dev = d0 + d1
	} else {
		for k, m := range mag {
			dev += m * math.Pow(math.Abs(freqs[k]-centroid), p)
		}
	}
	dev /= sum
	if p == 2 {
		return centroid, math.Sqrt(dev), sum
	}
	return centroid, math.Pow(dev, 1/p), sum
}

// spectralShape2 is spectralShape(mag, e.freqs, 2) from three dot
// products, Σm, Σm·f and Σm·f², which the vector kernel computes in a
// fraction of the time of two sequential passes: Σm(f−c)² = Σm·f² − c·Σm·f
// for the centroid c. The subtraction costs some relative precision when
// the bandwidth is narrow (a pure 1-kHz tone with a 50-Hz bandwidth loses a
// factor 400 of 1e-16), far below float32 rounding.
func (e *Extractor) spectralShape2(mag []float64) (centroid, bandwidth, sum float64) {
	sum = dsp.Dot(mag, e.ones)
	if sum < tinyFloat32 {
		return 0, 0, sum
	}
	m1 := dsp.Dot(mag, e.freqs)
	centroid = m1 / sum
	dev := (dsp.Dot(mag, e.freqSq) - centroid*m1) / sum
	return centroid, math.Sqrt(max(dev, 0)), sum
}

// rolloff returns the lowest bin frequency at which the cumulative magnitude
// of the frame reaches the given fraction of its total (0 for silence).
func rolloff(mag, freqs []float64, fraction float64) float64 {
	var total float64
	for _, m := range mag {
		total += m
	}
	return rolloffOf(mag, freqs, fraction, total)
}

// rolloffOf is rolloff given the frame's total magnitude (summed in bin
// order, as rolloff sums it).
func rolloffOf(mag, freqs []float64, fraction, total float64) float64 {
	threshold := fraction * total
	var cum float64
	for k, m := range mag {
		cum += m
		if cum >= threshold {
			return freqs[k]
		}
	}
	return freqs[len(freqs)-1]
}

// frameRMS returns the root mean square of one frame.
func frameRMS(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

// meanVar returns the mean and population variance of x (two passes).
func meanVar(x []float64) (mean, variance float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		d := v - mean
		variance += d * d
	}
	return mean, variance / float64(len(x))
}

// meanVarStrided returns the mean and population variance of x[off],
// x[off+stride], ….
func meanVarStrided(x []float64, off, stride int) (mean, variance float64) {
	n := 0
	for i := off; i < len(x); i += stride {
		mean += x[i]
		n++
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean /= float64(n)
	for i := off; i < len(x); i += stride {
		d := x[i] - mean
		variance += d * d
	}
	return mean, variance / float64(n)
}

// timeDomain fills the RMS and zero-crossing-rate tracks of the frames of
// x. They are those of frameRMS on each reflection-padded STFT frame and of
// the zero-crossing rate of each edge-padded frame (frameZCR in the tests,
// which define the recipe), computed without copying frames:
// the RMS of a frame that lies inside x and starts on a hop boundary is
// taken from the per-hop sums of squares (the same terms, summed by hop),
// and the crossings from prefix counts of the sign changes, which are
// found once per sample (zcrFlips).
func (e *Extractor) timeDomain(x []float32, frames int) {
	const n, hop = params.NFFT, params.Hop
	m := len(x)
	const blocked = n%hop == 0 && (n/2)%hop == 0 // frames start on hop boundaries
	if blocked {
		e.hopSq = grow(e.hopSq, m/hop)
		for b := range e.hopSq {
			// Four partial sums: the additions' latency, not their
			// number, bounds a single running sum.
			blk := x[b*hop : (b+1)*hop]
			var s0, s1, s2, s3 float64
			i := 0
			for ; i+4 <= len(blk); i += 4 {
				a0, a1, a2, a3 := float64(blk[i]), float64(blk[i+1]), float64(blk[i+2]), float64(blk[i+3])
				s0 += a0 * a0
				s1 += a1 * a1
				s2 += a2 * a2
				s3 += a3 * a3
			}
			for ; i < len(blk); i++ {
				a := float64(blk[i])
				s0 += a * a
			}
			e.hopSq[b] = (s0 + s1) + (s2 + s3)
		}
	}
	for t := 0; t < frames; t++ {
		start := t*hop - n/2
		if blocked && start >= 0 && start+n <= m {
			var s float64
			for _, v := range e.hopSq[start/hop : (start+n)/hop] {
				s += v
			}
			e.rms[t] = math.Sqrt(s / n)
			continue
		}
		e.rms[t] = frameRMS(e.stft.Frame(e.frame, x, t))
	}

	// A frame [s, s+n) of the edge-padded signal counts the sign changes
	// between positions pos−1 and pos for pos in [max(1, s+1),
	// min(last, s+n−1)]: outside that range the padding repeats a sample.
	// The changes are packed 64 to a word (zcrFlips) with a running count
	// of the words before each, so that any frame's count is two prefix
	// counts.
	e.zcrFlips, e.zcrBefore = zcrFlips(e.zcrFlips, e.zcrBefore, x)
	count := func(i int) int { // changes at positions 0 … i
		w := i >> 6
		return int(e.zcrBefore[w]) + bits.OnesCount64(e.zcrFlips[w]&(2<<(i&63)-1))
	}
	last := m - 1
	for t := 0; t < frames; t++ {
		s := t*hop - n/2
		lo, hi := max(1, s+1), min(last, s+n-1)
		c := 0
		if hi >= lo {
			c = count(hi) - count(lo-1)
		}
		e.zcr[t] = float64(c) / n
	}
}

// zcrFlips returns, for the samples x, the words of sign changes (bit j of
// word w set when the samples at positions 64w+j−1 and 64w+j differ in
// sign, values of magnitude ≤ params.ZCRThreshold counting as positive;
// position 0 never changes) and, for each word, the number of changes in
// the words before it. It reuses flips and before.
func zcrFlips(flips []uint64, before []int32, x []float32) ([]uint64, []int32) {
	words := (len(x) + 63) / 64
	flips, before = grow(flips, words), grow(before, words)
	var carry uint64 // the sign bit of the last sample of the previous word
	if len(x) > 0 && float64(x[0]) < -params.ZCRThreshold {
		carry = 1 // position 0 compares with itself: no change
	}
	total := int32(0)
	for w := range flips {
		blk := x[w*64 : min(len(x), w*64+64)]
		var neg uint64
		for j, v := range blk {
			var b uint64
			if float64(v) < -params.ZCRThreshold { // branch-free: compiled to a flag set
				b = 1
			}
			neg |= b << j
		}
		f := neg ^ (neg<<1 | carry)
		if len(blk) < 64 {
			f &= 1<<len(blk) - 1
		}
		flips[w] = f
		before[w] = total
		total += int32(bits.OnesCount64(f))
		carry = neg >> 63
	}
	return flips, before
}
