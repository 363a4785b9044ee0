package dsp

import (
	"fmt"
	"math"
	"math/bits"
)

// FFT is a plan for the complex discrete Fourier transform of one power-of-two
// length, computed by an iterative decimation-in-time algorithm on
// bit-reversed data: the first two radix-2 stages fused into one pass
// without multiplications, then the remaining stages two at a time (radix
// 2², three complex multiplications per four values per pair of stages),
// with a last radix-2 stage when their number is odd. Each pass reads its
// twiddle factors from a contiguous table. It is not safe for concurrent
// use.
type FFT struct {
	n    int
	fwd  []complex128 // pass twiddles for the forward transform (see twiddles)
	inv  []complex128 // their conjugates
	rev  []int32      // bit-reversal permutation
	logN int
}

// NewFFT returns a plan for transforms of length n, which must be a power of
// two (n ≥ 1).
func NewFFT(n int) (*FFT, error) {
	if n < 1 || n&(n-1) != 0 {
		return nil, fmt.Errorf("dsp: FFT length %d is not a power of two", n)
	}
	logN := bits.TrailingZeros(uint(n))
	f := &FFT{n: n, logN: logN, rev: make([]int32, n)}
	for i := range f.rev {
		if logN > 0 {
			f.rev[i] = int32(bits.Reverse(uint(i)) >> (bits.UintSize - logN))
		}
	}
	f.fwd = twiddles(n, -1)
	f.inv = twiddles(n, 1)
	return f, nil
}

// twiddles returns the twiddle tables of the passes after the first (see
// butterflies) for a transform of length n and the given sign of the
// exponent: for each radix-2² pass merging runs of m into runs of 4m, the
// pairs exp(±2πik/(2m)), exp(±2πik/(4m)) for k < m; then for a final
// radix-2 pass merging runs of m into 2m, exp(±2πik/(2m)) for k < m.
func twiddles(n int, sign float64) []complex128 {
	w := func(k, size int) complex128 {
		s, c := math.Sincos(sign * 2 * math.Pi * float64(k) / float64(size))
		return complex(c, s)
	}
	var tw []complex128
	m := 4
	for ; 4*m <= n; m *= 4 {
		for k := 0; k < m; k++ {
			tw = append(tw, w(k, 2*m), w(k, 4*m))
		}
	}
	if 2*m <= n {
		for k := 0; k < m; k++ {
			tw = append(tw, w(k, 2*m))
		}
	}
	return tw
}

// Len returns the transform length of the plan.
func (f *FFT) Len() int { return f.n }

// Coefficients computes the forward transform X[k] = Σ x[j]·exp(-2πijk/n) of
// src into dst and returns dst. dst and src must have length Len; they may be
// the same slice. A nil dst is allocated.
func (f *FFT) Coefficients(dst, src []complex128) []complex128 {
	dst = f.prepare(dst, src)
	f.butterflies(dst, f.fwd, false)
	return dst
}

// Sequence computes the inverse transform x[j] = (1/n)·Σ X[k]·exp(2πijk/n) of
// src into dst and returns dst, with the same slice rules as Coefficients.
func (f *FFT) Sequence(dst, src []complex128) []complex128 {
	dst = f.unscaledInverse(dst, src)
	s := 1 / float64(f.n)
	for i, v := range dst {
		dst[i] = complex(real(v)*s, imag(v)*s)
	}
	return dst
}

// unscaledInverse is Sequence without the 1/n factor.
func (f *FFT) unscaledInverse(dst, src []complex128) []complex128 {
	dst = f.prepare(dst, src)
	f.butterflies(dst, f.inv, true)
	return dst
}

// prepare copies src into dst in bit-reversed order.
func (f *FFT) prepare(dst, src []complex128) []complex128 {
	if len(src) != f.n {
		panic(fmt.Sprintf("dsp: FFT input length %d, plan length %d", len(src), f.n))
	}
	if dst == nil {
		dst = make([]complex128, f.n)
	} else if len(dst) != f.n {
		panic(fmt.Sprintf("dsp: FFT output length %d, plan length %d", len(dst), f.n))
	}
	if &dst[0] == &src[0] {
		for i, j := range f.rev {
			if i < int(j) {
				dst[i], dst[j] = dst[j], dst[i]
			}
		}
		return dst
	}
	for i, j := range f.rev {
		dst[j] = src[i]
	}
	return dst
}

// cmul returns a·b.
func cmul(a, b complex128) complex128 {
	return complex(real(a)*real(b)-imag(a)*imag(b), real(a)*imag(b)+imag(a)*real(b))
}

// butterflies runs the stages in place on bit-reversed data with the twiddle
// tables of twiddles (forward or inverse, as inverse says).
func (f *FFT) butterflies(x []complex128, tw []complex128, inverse bool) {
	n := f.n
	switch {
	case n < 2:
		return
	case n == 2:
		a, b := x[0], x[1]
		x[0], x[1] = a+b, a-b
		return
	}
	// The first two radix-2 stages: twiddles 1 and ∓i.
	for i := 0; i+3 < n; i += 4 {
		q := x[i : i+4 : i+4]
		a0, a1 := q[0]+q[1], q[0]-q[1]
		a2, a3 := q[2]+q[3], q[2]-q[3]
		// a3 times −i (forward) or +i (inverse).
		r3 := complex(imag(a3), -real(a3))
		if inverse {
			r3 = -r3
		}
		q[0], q[2] = a0+a2, a0-a2
		q[1], q[3] = a1+r3, a1-r3
	}
	// Radix-2² passes: runs of m become runs of 4m.
	m := 4
	for ; 4*m <= n; m *= 4 {
		w := tw[:2*m]
		tw = tw[2*m:]
		for start := 0; start < n; start += 4 * m {
			q0 := x[start : start+m]
			q1 := x[start+m : start+2*m]
			q2 := x[start+2*m : start+3*m]
			q3 := x[start+3*m : start+4*m]
			q1, q2, q3 = q1[:len(q0)], q2[:len(q0)], q3[:len(q0)]
			w := w[:2*len(q0)]
			for k := range q0 {
				w2, w4 := w[2*k], w[2*k+1]
				t1 := cmul(w2, q1[k])
				a0, a1 := q0[k]+t1, q0[k]-t1
				t3 := cmul(w2, q3[k])
				a2, a3 := q2[k]+t3, q2[k]-t3
				u := cmul(w4, a2)
				v := cmul(w4, a3)
				// The second pair's twiddle is w4·(∓i).
				if inverse {
					v = complex(-imag(v), real(v))
				} else {
					v = complex(imag(v), -real(v))
				}
				q0[k], q2[k] = a0+u, a0-u
				q1[k], q3[k] = a1+v, a1-v
			}
		}
	}
	// A last radix-2 stage when the stage count is odd.
	if 2*m <= n {
		w := tw[:m]
		for start := 0; start < n; start += 2 * m {
			lo := x[start : start+m]
			hi := x[start+m : start+2*m]
			hi = hi[:len(lo)]
			w := w[:len(lo)]
			for k, a := range lo {
				t := cmul(w[k], hi[k])
				lo[k] = a + t
				hi[k] = a - t
			}
		}
	}
}

// RFFT is a plan for the discrete Fourier transform of real sequences of one
// even power-of-two length n. It packs the real input into a complex sequence
// of length n/2, transforms that, and untangles the n/2+1 non-negative
// frequency coefficients. It is not safe for concurrent use.
type RFFT struct {
	n    int
	half *FFT
	w    []complex128 // exp(-2πik/n), k ≤ n/2
	buf  []complex128
}

// NewRFFT returns a plan for real transforms of length n, a power of two ≥ 2.
func NewRFFT(n int) (*RFFT, error) {
	if n < 2 || n&(n-1) != 0 {
		return nil, fmt.Errorf("dsp: real FFT length %d is not a power of two ≥ 2", n)
	}
	h, err := NewFFT(n / 2)
	if err != nil {
		return nil, fmt.Errorf("dsp: real FFT half plan: %w", err)
	}
	r := &RFFT{n: n, half: h, w: make([]complex128, n/2+1), buf: make([]complex128, n/2)}
	for k := range r.w {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		r.w[k] = complex(c, s)
	}
	return r, nil
}

// Len returns the real sequence length of the plan.
func (r *RFFT) Len() int { return r.n }

// Coefficients computes the n/2+1 non-negative frequency coefficients of the
// real sequence src (length n) into dst (length n/2+1; nil allocates) and
// returns dst.
func (r *RFFT) Coefficients(dst []complex128, src []float64) []complex128 {
	n, m := r.n, r.n/2
	if len(src) != n {
		panic(fmt.Sprintf("dsp: real FFT input length %d, plan length %d", len(src), n))
	}
	if dst == nil {
		dst = make([]complex128, m+1)
	} else if len(dst) != m+1 {
		panic(fmt.Sprintf("dsp: real FFT output length %d, want %d", len(dst), m+1))
	}
	// Pack the samples in pairs, straight into bit-reversed order.
	z := r.buf[:m]
	rev := r.half.rev[:m]
	src = src[:2*m]
	for j, p := range rev {
		z[p&int32(m-1)] = complex(src[2*j], src[2*j+1])
	}
	r.half.butterflies(z, r.half.fwd, false)
	// Split Z into the transforms of the even (E) and odd (O) samples:
	// E[k] = (Z[k] + conj Z[m-k])/2, O[k] = (Z[k] - conj Z[m-k])/(2i),
	// X[k] = E[k] + w^k O[k], with Z[m] = Z[0].
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	w := r.w[:m]
	d := dst[:m]
	zz := z[:m]
	for k := 1; k < m; k++ {
		a := zz[k]
		b := zz[m-k]
		er, ei := 0.5*(real(a)+real(b)), 0.5*(imag(a)-imag(b))
		dr, di := 0.5*(real(a)-real(b)), 0.5*(imag(a)+imag(b))
		// o = d / i = (di, −dr).
		wk := w[k]
		d[k] = complex(er+real(wk)*di+imag(wk)*dr, ei+imag(wk)*di-real(wk)*dr)
	}
	return dst
}

// Sequence computes the real sequence of length n whose non-negative frequency
// coefficients are src (length n/2+1) into dst (length n; nil allocates) and
// returns dst. As numpy.fft.irfft does, it ignores the imaginary parts of the
// zero-frequency and Nyquist coefficients and includes the 1/n factor.
func (r *RFFT) Sequence(dst []float64, src []complex128) []float64 {
	n, m := r.n, r.n/2
	if len(src) != m+1 {
		panic(fmt.Sprintf("dsp: inverse real FFT input length %d, want %d", len(src), m+1))
	}
	if dst == nil {
		dst = make([]float64, n)
	} else if len(dst) != n {
		panic(fmt.Sprintf("dsp: inverse real FFT output length %d, plan length %d", len(dst), n))
	}
	// Z[k] = E[k] + i·conj(w^k)·O[k] with E[k] = (X[k] + conj X[m−k])/2
	// and O[k] = (X[k] − conj X[m−k])/2, written in bit-reversed order for
	// the half-length inverse transform.
	z := r.buf[:m]
	rev := r.half.rev[:m]
	w := r.w[:m]
	src = src[:m+1]
	{
		a, b := real(src[0]), real(src[m])
		z[0] = complex(0.5*(a+b), 0.5*(a-b))
	}
	for k := 1; k < m; k++ {
		a, b := src[k], src[m-k]
		er, ei := 0.5*(real(a)+real(b)), 0.5*(imag(a)-imag(b))
		dr, di := 0.5*(real(a)-real(b)), 0.5*(imag(a)+imag(b))
		wk := w[k]
		z[rev[k]&int32(m-1)] = complex(er-(di*real(wk)-dr*imag(wk)), ei+dr*real(wk)+di*imag(wk))
	}
	r.half.butterflies(z, r.half.inv, true)
	scale := 1 / float64(m)
	for j, v := range z {
		dst[2*j] = real(v) * scale
		dst[2*j+1] = imag(v) * scale
	}
	return dst
}
