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
// twiddle factors from a contiguous table. On amd64 with AVX2 and FMA,
// transforms of 16 values or more run the same algorithm in assembly
// kernels, with the bit-reversal copy fused into the first pass and the
// later stages as radix-4 passes (see fft_simd.go). It is not safe for
// concurrent use.
type FFT struct {
	n    int
	fwd  []complex128 // pass twiddles for the forward transform (see twiddles)
	inv  []complex128 // their conjugates
	rev  []int32      // bit-reversal permutation
	simd []float64    // split twiddles of the vector path (simdTwiddles); nil: pure Go
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
	if useSIMD && n >= minSIMD {
		f.simd = simdTwiddles(n)
	}
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
	if f.simd != nil {
		dst = f.check(dst, src)
		f.transformSIMD(dst, src, false)
		return dst
	}
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
	if f.simd != nil {
		dst = f.check(dst, src)
		f.transformSIMD(dst, src, true)
		return dst
	}
	dst = f.prepare(dst, src)
	f.butterflies(dst, f.inv, true)
	return dst
}

// check checks the lengths of dst and src and returns dst, allocated if
// nil.
func (f *FFT) check(dst, src []complex128) []complex128 {
	if len(src) != f.n {
		panic(fmt.Sprintf("dsp: FFT input length %d, plan length %d", len(src), f.n))
	}
	if dst == nil {
		dst = make([]complex128, f.n)
	} else if len(dst) != f.n {
		panic(fmt.Sprintf("dsp: FFT output length %d, plan length %d", len(dst), f.n))
	}
	return dst
}

// prepare copies src into dst in bit-reversed order.
func (f *FFT) prepare(dst, src []complex128) []complex128 {
	dst = f.check(dst, src)
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
	firstPass(x, inverse)
	laterPasses(x, tw, inverse)
}

// firstPass runs the first two radix-2 stages (twiddles 1 and ∓i) in place
// on the runs of 4 of x.
func firstPass(x []complex128, inverse bool) {
	n := len(x)
	for i := 0; i+3 < n; i += 4 {
		q := x[i : i+4 : i+4]
		a0, a1 := q[0]+q[1], q[0]-q[1]
		a2, a3 := q[2]+q[3], q[2]-q[3]
		// a3 times −i; the inverse transform's +i swaps outputs 1 and 3.
		r3 := complex(imag(a3), -real(a3))
		q[0], q[2] = a0+a2, a0-a2
		if inverse {
			q[1], q[3] = a1-r3, a1+r3
		} else {
			q[1], q[3] = a1+r3, a1-r3
		}
	}
}

// laterPasses runs the passes after the first two radix-2 stages (see
// butterflies) on x, whose runs of 4 are already transformed.
func laterPasses(x []complex128, tw []complex128, inverse bool) {
	n := len(x)
	m, tw := radix4Passes(x, tw, inverse, n)
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

// radix4Passes runs the radix-2² passes on x, whose runs of 4 are already
// transformed, up to runs of length limit, with the twiddle tables tw of
// those passes. It returns the run length reached and the rest of tw.
func radix4Passes(x []complex128, tw []complex128, inverse bool, limit int) (int, []complex128) {
	n := len(x)
	// Radix-2² passes: runs of m become runs of 4m. The second pair of
	// butterflies multiplies by w4·(−i) forward and w4·(+i) inverse, so the
	// inverse only exchanges the destinations of outputs 1 and 3.
	m := 4
	for ; 4*m <= limit; m *= 4 {
		w := tw[:2*m]
		tw = tw[2*m:]
		for start := 0; start < n; start += 4 * m {
			q0 := x[start : start+m]
			q1 := x[start+m : start+2*m]
			q2 := x[start+2*m : start+3*m]
			q3 := x[start+3*m : start+4*m]
			q1, q2, q3 = q1[:len(q0)], q2[:len(q0)], q3[:len(q0)]
			o1, o3 := q1, q3
			if inverse {
				o1, o3 = q3, q1
			}
			o1, o3 = o1[:len(q0)], o3[:len(q0)]
			// k = 0: all twiddles are 1.
			{
				b0, b1, b2, b3 := q0[0], q1[0], q2[0], q3[0]
				a0, a1 := b0+b1, b0-b1
				a2, a3 := b2+b3, b2-b3
				v := complex(imag(a3), -real(a3))
				q0[0], q2[0] = a0+a2, a0-a2
				o1[0], o3[0] = a1+v, a1-v
			}
			w := w[:2*len(q0)]
			for k := 1; k < len(q0); k++ {
				wp := w[2*k : 2*k+2 : 2*k+2]
				w2r, w2i := real(wp[0]), imag(wp[0])
				w4r, w4i := real(wp[1]), imag(wp[1])
				b0, b1, b2, b3 := q0[k], q1[k], q2[k], q3[k]
				t1r := w2r*real(b1) - w2i*imag(b1)
				t1i := w2r*imag(b1) + w2i*real(b1)
				t3r := w2r*real(b3) - w2i*imag(b3)
				t3i := w2r*imag(b3) + w2i*real(b3)
				a0r, a0i := real(b0)+t1r, imag(b0)+t1i
				a1r, a1i := real(b0)-t1r, imag(b0)-t1i
				a2r, a2i := real(b2)+t3r, imag(b2)+t3i
				a3r, a3i := real(b2)-t3r, imag(b2)-t3i
				ur := w4r*a2r - w4i*a2i
				ui := w4r*a2i + w4i*a2r
				// v = −i·w4·a3.
				vi := -(w4r*a3r - w4i*a3i)
				vr := w4r*a3i + w4i*a3r
				q0[k] = complex(a0r+ur, a0i+ui)
				q2[k] = complex(a0r-ur, a0i-ui)
				o1[k] = complex(a1r+vr, a1i+vi)
				o3[k] = complex(a1r-vr, a1i-vi)
			}
		}
	}
	return m, tw
}

// lastPassReal runs the final radix-2² pass of a transform of length len(x)
// = 4m, whose runs of m are already transformed, with the pass twiddles w,
// writing the result to out (length 2·len(x)) as interleaved real and
// imaginary parts.
func lastPassReal(out []float64, x []complex128, w []complex128, inverse bool) {
	m := len(x) / 4
	q0 := x[0:m]
	q1 := x[m : 2*m]
	q2 := x[2*m : 3*m]
	q3 := x[3*m : 4*m]
	q1, q2, q3 = q1[:len(q0)], q2[:len(q0)], q3[:len(q0)]
	p0 := out[0 : 2*m]
	p1 := out[2*m : 4*m]
	p2 := out[4*m : 6*m]
	p3 := out[6*m : 8*m]
	if inverse {
		p1, p3 = p3, p1
	}
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	w = w[:2*len(q0)]
	for k := range q0 {
		wp := w[2*k : 2*k+2 : 2*k+2]
		w2r, w2i := real(wp[0]), imag(wp[0])
		w4r, w4i := real(wp[1]), imag(wp[1])
		b0, b1, b2, b3 := q0[k], q1[k], q2[k], q3[k]
		t1r := w2r*real(b1) - w2i*imag(b1)
		t1i := w2r*imag(b1) + w2i*real(b1)
		t3r := w2r*real(b3) - w2i*imag(b3)
		t3i := w2r*imag(b3) + w2i*real(b3)
		a0r, a0i := real(b0)+t1r, imag(b0)+t1i
		a1r, a1i := real(b0)-t1r, imag(b0)-t1i
		a2r, a2i := real(b2)+t3r, imag(b2)+t3i
		a3r, a3i := real(b2)-t3r, imag(b2)-t3i
		ur := w4r*a2r - w4i*a2i
		ui := w4r*a2i + w4i*a2r
		// v = −i·w4·a3.
		vi := -(w4r*a3r - w4i*a3i)
		vr := w4r*a3i + w4i*a3r
		j := 2 * k
		d0 := p0[j : j+2 : j+2]
		d1 := p1[j : j+2 : j+2]
		d2 := p2[j : j+2 : j+2]
		d3 := p3[j : j+2 : j+2]
		d0[0], d0[1] = a0r+ur, a0i+ui
		d2[0], d2[1] = a0r-ur, a0i-ui
		d1[0], d1[1] = a1r+vr, a1i+vi
		d3[0], d3[1] = a1r-vr, a1i-vi
	}
}

// RFFT is a plan for the discrete Fourier transform of real sequences of one
// even power-of-two length n. It packs the real input into a complex sequence
// of length n/2, transforms that, and untangles the n/2+1 non-negative
// frequency coefficients; for n ≥ 16 the packing is fused with the first
// two butterfly stages, and in the inverse the untangling with the first
// two stages and the last stage with the unpacking. When the half-length
// plan takes the vector path (see FFT), so do the packing, the untangling
// and their inverses. It is not safe for concurrent use.
type RFFT struct {
	n       int
	half    *FFT
	w       []complex128 // exp(-2πik/n), k ≤ n/2
	buf     []complex128
	untw    []float64 // split table of the forward untangle (vector path)
	untwInv []float64 // and of the inverse
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
	if h.simd != nil {
		r.untw = untangleTwiddles(n/2, false)
		r.untwInv = untangleTwiddles(n/2, true)
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
	if r.untw != nil {
		r.coefficientsSIMD(dst, src)
		return dst
	}
	z := r.buf[:m]
	if m < 8 {
		// Pack the samples in pairs, straight into bit-reversed order.
		rev := r.half.rev[:m]
		src = src[:2*m]
		for j, p := range rev {
			z[p&int32(m-1)] = complex(src[2*j], src[2*j+1])
		}
		r.half.butterflies(z, r.half.fwd, false)
	} else {
		r.packFirst(z, src)
		laterPasses(z, r.half.fwd, false)
	}
	// Split Z into the transforms of the even (E) and odd (O) samples:
	// E[k] = (Z[k] + conj Z[m-k])/2, O[k] = (Z[k] - conj Z[m-k])/(2i),
	// X[k] = E[k] + w^k O[k], with Z[m] = Z[0]. For the mirror index,
	// E[m-k] = conj E[k], O[m-k] = −conj O[k] and w^(m−k) = −conj w^k, so
	// X[m−k] = conj(E[k] − w^k O[k]).
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	h := m / 2
	w := r.w[:h+1]
	lo := dst[:h+1]
	zz := z[:m]
	for k := 1; k < h; k++ {
		a := zz[k]
		b := zz[m-k]
		er, ei := 0.5*(real(a)+real(b)), 0.5*(imag(a)-imag(b))
		dr, di := 0.5*(real(a)-real(b)), 0.5*(imag(a)+imag(b))
		// o = d / i = (di, −dr); t = w^k·o.
		wk := w[k]
		tr := real(wk)*di + imag(wk)*dr
		ti := imag(wk)*di - real(wk)*dr
		lo[k] = complex(er+tr, ei+ti)
		dst[m-k] = complex(er-tr, ti-ei)
	}
	if h > 0 {
		a := zz[h]
		// Z[m−h] = Z[h]: E = Re a, O = Im a, w^h = −i.
		wk := w[h]
		er, di := real(a), imag(a)
		lo[h] = complex(er+real(wk)*di, imag(wk)*di)
	}
	return dst
}

// packFirst packs the real samples src (length 2·len(z), len(z) ≥ 8) in
// pairs into z in bit-reversed order and runs the first two radix-2 stages
// of the forward transform: the run of four at 4a reads the pairs rev(4a) +
// {0, m/2, m/4, 3m/4}.
func (r *RFFT) packFirst(z []complex128, src []float64) {
	m := len(z)
	q := m / 4
	s0 := src[0 : 2*q]
	s1 := src[2*q : 4*q]
	s2 := src[4*q : 6*q]
	s3 := src[6*q : 8*q]
	s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
	rev := r.half.rev[:m]
	for i := 0; i+3 < len(z); i += 4 {
		p := 2 * int(rev[i])
		if p+1 >= len(s0) {
			panic("dsp: bad bit-reversal table")
		}
		// Pairs p, p+m/2, p+m/4, p+3m/4 of the bit-reversed run.
		x0r, x0i := s0[p], s0[p+1]
		x1r, x1i := s2[p], s2[p+1]
		x2r, x2i := s1[p], s1[p+1]
		x3r, x3i := s3[p], s3[p+1]
		a0r, a0i := x0r+x1r, x0i+x1i
		a1r, a1i := x0r-x1r, x0i-x1i
		a2r, a2i := x2r+x3r, x2i+x3i
		a3r, a3i := x2r-x3r, x2i-x3i
		// a3 times −i is (a3i, −a3r).
		o := z[i : i+4 : i+4]
		o[0] = complex(a0r+a2r, a0i+a2i)
		o[2] = complex(a0r-a2r, a0i-a2i)
		o[1] = complex(a1r+a3i, a1i-a3r)
		o[3] = complex(a1r-a3i, a1i+a3r)
	}
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
	if r.untw != nil {
		r.sequenceSIMD(dst, src)
		return dst
	}
	// Z[k] = E[k] + i·conj(w^k)·O[k] with E[k] = (X[k] + conj X[m−k])/2
	// and O[k] = (X[k] − conj X[m−k])/2, written in bit-reversed order for
	// the half-length inverse transform. With s = i·conj(w^k)·O[k], the
	// mirror is Z[m−k] = conj(E[k] − s). The 1/m of the inverse transform
	// is folded into the 1/2 here (exact: both are powers of two).
	z := r.buf[:m]
	rev := r.half.rev[:m]
	h := m / 2
	w := r.w[:h+1]
	src = src[:m+1]
	if r.half.logN%2 == 0 && m >= 16 {
		// Untangling fused with the first two stages, then the radix-2²
		// passes, the last of which writes straight to dst.
		r.untangleFirst(z, src)
		q, tw := radix4Passes(z, r.half.inv, true, m/4)
		lastPassReal(dst, z, tw[:2*q], true)
		return dst
	}
	c := 0.5 / float64(m)
	{
		a, b := real(src[0]), real(src[m])
		z[0] = complex(c*(a+b), c*(a-b))
	}
	for k := 1; k < h; k++ {
		zk, zmk := untanglePair(src[k], src[m-k], w[k], c)
		z[rev[k]&int32(m-1)] = zk
		z[rev[m-k]&int32(m-1)] = zmk
	}
	if h > 0 {
		z[rev[h]&int32(m-1)] = untangleMid(src[h], w[h], c)
	}
	r.half.butterflies(z, r.half.inv, true)
	for j, v := range z {
		dst[2*j] = real(v)
		dst[2*j+1] = imag(v)
	}
	return dst
}

// untanglePair returns Z[k] and Z[m−k] (see Sequence) from a = X[k],
// b = X[m−k], wk = w^k and the scale c.
func untanglePair(a, b, wk complex128, c float64) (complex128, complex128) {
	e := complex(c*(real(a)+real(b)), c*(imag(a)-imag(b)))
	dr, di := c*(real(a)-real(b)), c*(imag(a)+imag(b))
	s := complex(dr*imag(wk)-di*real(wk), dr*real(wk)+di*imag(wk))
	return e + s, complex(real(e)-real(s), imag(s)-imag(e))
}

// untangleMid returns Z[m/2] from a = X[m/2] = X[m−m/2] and wk = w^(m/2) = −i.
func untangleMid(a, wk complex128, c float64) complex128 {
	er, di := c*2*real(a), c*2*imag(a)
	return complex(er-di*real(wk), di*imag(wk))
}

// firstInv4 runs the first two stages of the inverse transform on the run
// of four whose bit-reversed positions hold x0..x3 and stores it in o.
func firstInv4(o []complex128, x0, x1, x2, x3 complex128) {
	o = o[:4:4]
	a0, a1 := x0+x1, x0-x1
	a2, a3 := x2+x3, x2-x3
	// a3 times +i.
	r3 := complex(-imag(a3), real(a3))
	o[0], o[2] = a0+a2, a0-a2
	o[1], o[3] = a1+r3, a1-r3
}

// untangleFirst computes Z (see Sequence) from the coefficients src with the
// first two stages of the inverse transform of length m = len(z) ≥ 16 fused:
// the run of four at rev(p) (p < m/4) holds Z at p + {0, m/2, m/4, 3m/4},
// and the mirrors of those are the run of p' = m/4 − p, so runs p and p'
// are computed together; runs 0 and m/8 are their own mirrors.
func (r *RFFT) untangleFirst(z []complex128, src []complex128) {
	m := len(z)
	h, q, e := m/2, m/4, m/8
	rev := r.half.rev[:m]
	w := r.w[:h+1]
	src = src[:m+1]
	c := 0.5 / float64(m)
	{
		a, b := real(src[0]), real(src[m])
		z0 := complex(c*(a+b), c*(a-b))
		zq, z3q := untanglePair(src[q], src[m-q], w[q], c)
		zh := untangleMid(src[h], w[h], c)
		firstInv4(z[0:4], z0, zh, zq, z3q)
	}
	{
		ze, z7e := untanglePair(src[e], src[m-e], w[e], c)
		z3e, z5e := untanglePair(src[3*e], src[m-3*e], w[3*e], c)
		i := int(rev[e])
		firstInv4(z[i:i+4], ze, z5e, z3e, z7e)
	}
	for p := 1; p < e; p++ {
		// Run p: Z[p], Z[p+h], Z[p+q], Z[p+3q]; run p' = q−p: Z[q−p],
		// Z[3q−p], Z[h−p], Z[m−p].
		x0, y3 := untanglePair(src[p], src[m-p], w[p], c)
		x2, y1 := untanglePair(src[q+p], src[3*q-p], w[q+p], c)
		y2, x1 := untanglePair(src[h-p], src[h+p], w[h-p], c)
		y0, x3 := untanglePair(src[q-p], src[3*q+p], w[q-p], c)
		i := int(rev[p])
		firstInv4(z[i:i+4], x0, x1, x2, x3)
		j := int(rev[q-p])
		firstInv4(z[j:j+4], y0, y1, y2, y3)
	}
}
