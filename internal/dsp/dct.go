package dsp

import (
	"fmt"
	"math"
)

// DCT is a plan for the first k coefficients of the orthonormal type-II
// discrete cosine transform of length n:
//
//	X[j] = s_j · Σ_i x[i]·cos(π·j·(2i+1)/(2n)),  s_0 = √(1/n), s_j = √(2/n).
//
// It stores the k×n basis, so a transform costs k·n multiply-adds.
type DCT struct {
	n, k  int
	basis []float64
	rows  []bankRun // one run per coefficient, over the whole input (applyRuns)
}

// NewDCT returns a plan for the first k (1 ≤ k ≤ n) coefficients of length-n
// transforms.
func NewDCT(n, k int) (*DCT, error) {
	if n < 1 || k < 1 || k > n {
		return nil, fmt.Errorf("dsp: DCT of %d coefficients of length %d", k, n)
	}
	d := &DCT{n: n, k: k, basis: make([]float64, k*n)}
	for j := 0; j < k; j++ {
		s := math.Sqrt(2 / float64(n))
		if j == 0 {
			s = math.Sqrt(1 / float64(n))
		}
		for i := 0; i < n; i++ {
			d.basis[j*n+i] = s * math.Cos(math.Pi*float64(j)*float64(2*i+1)/float64(2*n))
		}
		d.rows = append(d.rows, bankRun{row: j, lo: 0, hi: n, woff: j * n})
	}
	checkRuns(k, len(d.basis), n, d.rows)
	return d, nil
}

// Len returns the input length n.
func (d *DCT) Len() int { return d.n }

// Coefficients returns the number k of coefficients computed.
func (d *DCT) Coefficients() int { return d.k }

// Transform writes the first k coefficients of src (length n) into dst
// (length k; nil allocates) and returns dst.
func (d *DCT) Transform(dst, src []float64) []float64 {
	if len(src) != d.n {
		panic(fmt.Sprintf("dsp: DCT input length %d, plan length %d", len(src), d.n))
	}
	if dst == nil {
		dst = make([]float64, d.k)
	}
	if len(dst) < d.k {
		panic(fmt.Sprintf("dsp: DCT output length %d, plan gives %d", len(dst), d.k))
	}
	clear(dst[:d.k])
	applyRuns(dst, d.basis, src, d.rows)
	return dst
}

// PowerToDB converts the power values of src into decibels in dst (same
// length; nil allocates; may be src) and returns dst:
// 10·log10(max(amin, x)) − 10·log10(max(amin, ref)), then, if topDB > 0,
// raised to at least (maximum of the result − topDB). The maximum is taken
// over all of src, so pass a whole spectrogram.
func PowerToDB(dst, src []float64, ref, amin, topDB float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(src))
	}
	top := PowerToDBUnclipped(dst, src, ref, amin)
	if topDB > 0 {
		ClipBelow(dst, top-topDB)
	}
	return dst
}

// PowerToDBUnclipped is PowerToDB without the top_db clipping: it writes
// 10·log10(max(amin, x)) − 10·log10(max(amin, ref)) of every value of src
// into dst (at least as long as src; may be src) and returns the largest
// result (−Inf for none). Callers that convert a spectrogram in parts take
// the maximum over the parts and clip each with ClipBelow(part, max − topDB):
// the values are those of PowerToDB on the whole.
func PowerToDBUnclipped(dst, src []float64, ref, amin float64) (top float64) {
	// 10·log10(v) as (10/ln 10)·ln(v): one logarithm without the
	// splitting of v that math.Log10 does first (the two differ by about
	// one unit in the last place). A comparison clamps v to amin as
	// math.Max would, NaN included, for the positive amin of dB scales.
	const dB = 10 / math.Ln10
	off := dB * math.Log(math.Max(amin, ref))
	top = math.Inf(-1)
	dst = dst[:len(src)]
	for i, v := range src {
		if v < amin {
			v = amin
		}
		db := dB*math.Log(v) - off
		dst[i] = db
		if db > top {
			top = db
		}
	}
	return top
}

// ClipBelow raises every value of x below floor to floor and reports
// whether it changed any.
func ClipBelow(x []float64, floor float64) (changed bool) {
	for i, v := range x {
		if v < floor {
			x[i] = floor
			changed = true
		}
	}
	return changed
}
