package dsp

import (
	"math"
	"unsafe"
)

// The vector path of FFT and RFFT (used when useSIMD is true when the plan
// is built, and the transform is at least minSIMD values long) runs the
// same decimation-in-time algorithm on bit-reversed data as the pure-Go
// path, restructured for registers of two complex128 values:
//
//   - firstPassGather does the bit-reversal copy and the first two radix-2
//     stages in one sweep (for the real transform, straight from the real
//     samples read as complex pairs);
//   - the later stages are radix-4 passes (three complex multiplications
//     per four values: the inputs are multiplied by W^k, W^2k, W^3k, then
//     combined without multiplications), with a last radix-2 pass when the
//     number of stages is odd; the final pass can write to another buffer,
//     which the inverse real transform uses to write its output directly;
//   - untangle splits (or, inverse, re-tangles) the packed real transform
//     two frequencies at a time.
//
// The kernels read "split" twiddle tables: for the two columns k, k+1 that
// one register holds, the real parts [re w_k, re w_k, re w_k+1, re w_k+1]
// and then the imaginary parts likewise, so no shuffles of the twiddles
// are needed. The inverse passes read the forward tables as their
// conjugates. Portable Go versions of the kernels (the *Go functions
// below) define what they compute; fft_amd64.s holds the AVX2+FMA ones.

// minSIMD is the shortest complex transform that takes the vector path: it
// has at least one pass after the first.
const minSIMD = 16

// putSplit appends to tw the split layout of w0 and w1 (see above).
func putSplit(tw []float64, w0, w1 complex128) []float64 {
	return append(tw, real(w0), real(w0), real(w1), real(w1), imag(w0), imag(w0), imag(w1), imag(w1))
}

// expi returns exp(-2πik/size).
func expi(k, size int) complex128 {
	s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(size))
	return complex(c, s)
}

// simdTwiddles returns the split twiddle tables of the passes after the
// first for a forward transform of length n ≥ minSIMD: for each radix-4
// pass merging runs of m into 4m, per pair of columns k, k+1 (k even, k <
// m) the split W^k, W^2k, W^3k with W = exp(−2πi/4m) (24 float64); then,
// for a final radix-2 pass merging runs of m into 2m = n, per pair the
// split W^k with W = exp(−2πi/2m) (8 float64).
func simdTwiddles(n int) []float64 {
	var tw []float64
	m := 4
	for ; 4*m <= n; m *= 4 {
		for k := 0; k < m; k += 2 {
			for r := 1; r <= 3; r++ {
				tw = putSplit(tw, expi(r*k, 4*m), expi(r*(k+1), 4*m))
			}
		}
	}
	if 2*m <= n {
		for k := 0; k < m; k += 2 {
			tw = putSplit(tw, expi(k, 2*m), expi(k+1, 2*m))
		}
	}
	return tw
}

// untangleTwiddles returns the split table of untangle for a real
// transform of length 2m: per pair k, k+1 (k even, k < m/2) the split
// factors scale·rot·w^k with w = exp(−2πi/2m), where for the forward
// transform rot = −i, scale = 1/2 and w^k is used as it is, and for the
// inverse rot = +i, scale = 1/(2m) and w^k is conjugated.
func untangleTwiddles(m int, inverse bool) []float64 {
	var tw []float64
	u := func(k int) complex128 {
		w := expi(k, 2*m)
		if inverse {
			c := 0.5 / float64(m)
			return complex(c*imag(w), c*real(w)) // c·i·conj(w)
		}
		return complex(0.5*imag(w), -0.5*real(w)) // ½·(−i)·w
	}
	for k := 0; k < m/2; k += 2 {
		tw = putSplit(tw, u(k), u(k+1))
	}
	return tw
}

// passesSIMD runs the passes after the first on x (length n ≥ minSIMD,
// runs of 4 already transformed) with the split tables tw of simdTwiddles;
// the final pass writes its result to out (length n), which may be x.
func passesSIMD(out, x []complex128, tw []float64, inverse bool) {
	n := len(x)
	m := 4
	for ; 4*m <= n; m *= 4 {
		t := tw[:12*m]
		tw = tw[12*m:]
		d := x
		if 4*m == n {
			d = out
		}
		radix4Pass(d, x, t, m, inverse)
	}
	if 2*m <= n {
		radix2Pass(out, x, tw[:4*m], inverse)
	}
}

// transformSIMD is the vector path of FFT.Coefficients and unscaledInverse
// after the length checks.
func (f *FFT) transformSIMD(dst, src []complex128, inverse bool) {
	if &dst[0] == &src[0] {
		// In place: permute, then the first pass where the data lie.
		for i, j := range f.rev {
			if i < int(j) {
				dst[i], dst[j] = dst[j], dst[i]
			}
		}
		firstPass(dst, inverse)
	} else {
		firstPassGather(dst, src, f.rev, inverse)
	}
	passesSIMD(dst, dst, f.simd, inverse)
}

// asComplex returns the float64 slice x (even length) read as complex
// pairs: x[2j] + i·x[2j+1] is element j. It shares x's memory.
func asComplex(x []float64) []complex128 {
	return unsafe.Slice((*complex128)(unsafe.Pointer(unsafe.SliceData(x))), len(x)/2)
}

// coefficientsSIMD is the vector path of RFFT.Coefficients after the
// length checks.
func (r *RFFT) coefficientsSIMD(dst []complex128, src []float64) {
	m, h := r.n/2, r.n/4
	z := r.buf[:m]
	firstPassGather(z, asComplex(src), r.half.rev, false)
	passesSIMD(z, z, r.half.simd, false)
	untangle(dst, z, r.untw, 0.5, m)
	// The frequencies 0, m, 1, m−1 and m/2 that the kernel leaves (see
	// Coefficients for the formulas).
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	a, b := z[1], z[m-1]
	er, ei := 0.5*(real(a)+real(b)), 0.5*(imag(a)-imag(b))
	dr, di := 0.5*(real(a)-real(b)), 0.5*(imag(a)+imag(b))
	w1 := r.w[1]
	tr := real(w1)*di + imag(w1)*dr
	ti := imag(w1)*di - real(w1)*dr
	dst[1] = complex(er+tr, ei+ti)
	dst[m-1] = complex(er-tr, ti-ei)
	wh := r.w[h]
	dst[h] = complex(real(z[h])+real(wh)*imag(z[h]), imag(wh)*imag(z[h]))
}

// sequenceSIMD is the vector path of RFFT.Sequence after the length
// checks: the packed spectrum Z is built in natural order in dst (read as
// m complex values), gathered into the scratch buffer by the first pass,
// and the last pass writes the samples back into dst.
func (r *RFFT) sequenceSIMD(dst []float64, src []complex128) {
	m, h := r.n/2, r.n/4
	c := 0.5 / float64(m)
	zd := asComplex(dst)
	untangle(zd, src, r.untwInv, c, m)
	{
		a, b := real(src[0]), real(src[m])
		zd[0] = complex(c*(a+b), c*(a-b))
	}
	zd[1], zd[m-1] = untanglePair(src[1], src[m-1], r.w[1], c)
	zd[h] = untangleMid(src[h], r.w[h], c)
	z := r.buf[:m]
	firstPassGather(z, zd, r.half.rev, true)
	passesSIMD(zd, z, r.half.simd, true)
}

// firstPassGatherGo is the portable version of firstPassGatherAVX: the
// bit-reversal copy of src into dst fused with the first two stages.
func firstPassGatherGo(dst, src []complex128, rev []int32, inverse bool) {
	n := len(dst)
	for i := 0; i+3 < n; i += 4 {
		p := int(rev[i])
		q := dst[i : i+4 : i+4]
		x0, x1, x2, x3 := src[p], src[p+n/2], src[p+n/4], src[p+3*n/4]
		a0, a1 := x0+x1, x0-x1
		a2, a3 := x2+x3, x2-x3
		r3 := complex(imag(a3), -real(a3)) // −i·a3
		if inverse {
			r3 = -r3
		}
		q[0], q[2] = a0+a2, a0-a2
		q[1], q[3] = a1+r3, a1-r3
	}
}

// splitAt returns the twiddle at column k of a split table of pairs whose
// entries are stride float64 apart, the first at offset off of the pair.
func splitAt(tw []float64, k, stride, off int) complex128 {
	p := tw[(k/2)*stride+off:]
	return complex(p[2*(k%2)], p[4+2*(k%2)])
}

// radix4PassGo is the portable version of radix4FwdAVX and radix4InvAVX.
func radix4PassGo(dst, src []complex128, tw []float64, m int, inverse bool) {
	n := len(dst)
	for s := 0; s < n; s += 4 * m {
		for k := 0; k < m; k++ {
			w1, w2, w3 := splitAt(tw, k, 24, 0), splitAt(tw, k, 24, 8), splitAt(tw, k, 24, 16)
			rot := complex(0, -1)
			if inverse {
				w1, w2, w3 = conj(w1), conj(w2), conj(w3)
				rot = complex(0, 1)
			}
			t0 := src[s+k]
			t1 := w1 * src[s+2*m+k]
			t2 := w2 * src[s+m+k]
			t3 := w3 * src[s+3*m+k]
			a, b := t0+t2, t0-t2
			c, d := t1+t3, rot*(t1-t3)
			dst[s+k], dst[s+2*m+k] = a+c, a-c
			dst[s+m+k], dst[s+3*m+k] = b+d, b-d
		}
	}
}

// radix2PassGo is the portable version of radix2FwdAVX and radix2InvAVX.
func radix2PassGo(dst, src []complex128, tw []float64, inverse bool) {
	m := len(dst) / 2
	for k := 0; k < m; k++ {
		w := splitAt(tw, k, 8, 0)
		if inverse {
			w = conj(w)
		}
		a, t := src[k], w*src[k+m]
		dst[k], dst[k+m] = a+t, a-t
	}
}

// untangleGo is the portable version of untangleAVX.
func untangleGo(dst, src []complex128, tw []float64, scale float64, m int) {
	for k := 2; k < m/2; k++ {
		a, b := src[k], conj(src[m-k])
		e := complex(scale, 0) * (a + b)
		t := splitAt(tw, k, 8, 0) * (a - b)
		dst[k], dst[m-k] = e+t, conj(e-t)
	}
}

// conj returns the complex conjugate of z.
func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }
