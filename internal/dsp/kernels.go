package dsp

// The small vector kernels of the feature extractor's hot loops: dot
// products, filter-bank runs, power and magnitude, the soft mask,
// windowing and overlap-add, maxima, threshold masks, element-wise
// division. Each has a plain Go version here (the definition, and what
// runs without AVX2+FMA or with the purego tag), an AVX2+FMA version in
// kernels_amd64.s, and a dispatcher (kernels_amd64.go, kernels_other.go)
// that picks one by useSIMD. kernels_test.go checks the two against each
// other and against the obvious loops; where a kernel is documented as
// exact, bit for bit.

import "fmt"

// dotGo returns Σ a[i]·b[i] over i < len(a) in four partial sums:
// independent chains of additions run in parallel where one would wait on
// each addition's latency. b must hold at least len(a) values.
func dotGo(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Dot returns Σ a[i]·b[i] over i < len(a); b must hold at least len(a)
// values. The products are summed in an unspecified order (in partial
// sums, with fused multiply-adds where the CPU has them), so the result
// may differ from a sequential sum in the last bits.
func Dot(a, b []float64) float64 {
	if len(b) < len(a) {
		panic(fmt.Sprintf("dsp: Dot of %d values with %d", len(a), len(b)))
	}
	return dot(a, b)
}

// dot32Go is dotGo with b in float32.
func dot32Go(a []float64, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * float64(b[i])
		s1 += a[i+1] * float64(b[i+1])
		s2 += a[i+2] * float64(b[i+2])
		s3 += a[i+3] * float64(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += a[i] * float64(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// windowGo writes float64(x[i])·w[i] into dst[i] for i < len(dst).
func windowGo(dst []float64, x []float32, w []float64) {
	x, w = x[:len(dst)], w[:len(dst)]
	for i, v := range x {
		dst[i] = float64(v) * w[i]
	}
}

// mulAddGo adds a[i]·b[i] to dst[i] for i < len(dst), the product rounded
// before the addition (the conversion forbids a fused multiply-add, which
// the vector kernel does not use either).
func mulAddGo(dst, a, b []float64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i, v := range a {
		dst[i] += float64(v * b[i])
	}
}

// maxGo returns the largest value of x, which must be non-empty and
// NaN-free (a comparison is then math.Max, without the builtin's care for
// NaN and −0).
func maxGo(x []float64) float64 {
	top := x[0]
	for _, v := range x[1:] {
		if v > top {
			top = v
		}
	}
	return top
}

// divElemsGo divides dst[i] by d[i] for i < len(dst).
func divElemsGo(dst, d []float64) {
	d = d[:len(dst)]
	for i := range dst {
		dst[i] /= d[i]
	}
}

// aboveGo sets bit j of mask[w] when s[64w+j] > ref, and clears it
// otherwise, for all of s; mask must hold (len(s)+63)/64 words.
func aboveGo(mask []uint64, s []float64, ref float64) {
	for w := range (len(s) + 63) / 64 {
		var m uint64
		for j, v := range s[w*64 : min(len(s), w*64+64)] {
			if v > ref {
				m |= 1 << j
			}
		}
		mask[w] = m
	}
}

// applyRunsGo adds to dst[run.row] the dot product of w[run.woff:…] and
// x[run.lo:run.hi] for every run.
func applyRunsGo(dst, w, x []float64, runs []bankRun) {
	for _, r := range runs {
		dst[r.row] += dotGo(w[r.woff:r.woff+r.hi-r.lo], x[r.lo:r.hi])
	}
}

// checkRuns panics unless every run lies within slices of nDst, nW and nX
// values (the vector kernel of applyRuns reads and writes through raw
// pointers).
func checkRuns(nDst, nW, nX int, runs []bankRun) {
	for _, r := range runs {
		if r.row < 0 || r.row >= nDst || r.lo < 0 || r.hi < r.lo || r.hi > nX || r.woff < 0 || r.woff+r.hi-r.lo > nW {
			panic(fmt.Sprintf("dsp: filter run %+v outside dst %d, w %d, x %d", r, nDst, nW, nX))
		}
	}
}
