package dsp

import (
	"fmt"
	"math"
	"math/bits"
)

// FFT is a plan for the complex discrete Fourier transform of one power-of-two
// length, computed by an iterative radix-2 decimation-in-time algorithm with
// per-stage contiguous twiddle tables. It is not safe for concurrent use.
type FFT struct {
	n    int
	fwd  []complex128 // stage twiddles exp(-2πik/s), k < s/2, for s = 4, 8, …, n
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
	for size := 4; size <= n; size <<= 1 {
		for k := 0; k < size/2; k++ {
			sn, cs := math.Sincos(-2 * math.Pi * float64(k) / float64(size))
			f.fwd = append(f.fwd, complex(cs, sn))
			f.inv = append(f.inv, complex(cs, -sn))
		}
	}
	return f, nil
}

// Len returns the transform length of the plan.
func (f *FFT) Len() int { return f.n }

// Coefficients computes the forward transform X[k] = Σ x[j]·exp(-2πijk/n) of
// src into dst and returns dst. dst and src must have length Len; they may be
// the same slice. A nil dst is allocated.
func (f *FFT) Coefficients(dst, src []complex128) []complex128 {
	dst = f.prepare(dst, src)
	f.butterflies(dst, f.fwd)
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
	f.butterflies(dst, f.inv)
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

// butterflies runs the radix-2 stages in place on bit-reversed data with the
// given stage twiddle tables.
func (f *FFT) butterflies(x []complex128, tw []complex128) {
	n := f.n
	if n < 2 {
		return
	}
	// Size-2 stage: no multiplications.
	for i := 0; i+1 < n; i += 2 {
		a, b := x[i], x[i+1]
		x[i], x[i+1] = a+b, a-b
	}
	off := 0
	for size := 4; size <= n; size <<= 1 {
		half := size >> 1
		w := tw[off : off+half]
		off += half
		for start := 0; start < n; start += size {
			lo := x[start : start+half]
			hi := x[start+half : start+size]
			hi = hi[:len(lo)]
			w := w[:len(lo)]
			for k, a := range lo {
				b, c := hi[k], w[k]
				t := complex(real(c)*real(b)-imag(c)*imag(b), real(c)*imag(b)+imag(c)*real(b))
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
	z := r.buf
	for j := 0; j < m; j++ {
		z[j] = complex(src[2*j], src[2*j+1])
	}
	r.half.Coefficients(z, z)
	// Split Z into the transforms of the even (E) and odd (O) samples:
	// E[k] = (Z[k] + conj Z[m-k])/2, O[k] = (Z[k] - conj Z[m-k])/(2i),
	// X[k] = E[k] + w^k O[k].
	for k := 0; k <= m; k++ {
		a := z[k%m]
		b := z[(m-k)%m]
		bc := complex(real(b), -imag(b))
		e := (a + bc) * 0.5
		d := (a - bc) * 0.5
		o := complex(imag(d), -real(d)) // d / i
		dst[k] = e + r.w[k]*o
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
	z := r.buf
	for k := 0; k < m; k++ {
		a := src[k]
		b := src[m-k]
		if k == 0 {
			a = complex(real(a), 0)
			b = complex(real(b), 0)
		}
		bc := complex(real(b), -imag(b))
		e := (a + bc) * 0.5
		wc := complex(real(r.w[k]), -imag(r.w[k]))
		o := (a - bc) * 0.5 * wc
		z[k] = e + complex(-imag(o), real(o)) // e + i·o
	}
	r.half.unscaledInverse(z, z)
	scale := 1 / float64(m)
	for j, v := range z {
		dst[2*j] = real(v) * scale
		dst[2*j+1] = imag(v) * scale
	}
	return dst
}
