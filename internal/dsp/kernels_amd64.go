//go:build amd64 && !purego

package dsp

import "fmt"

// dotAVX returns Σ a[i]·b[i] over i < len(a), with AVX2 fused multiply-adds
// in sixteen partial sums. b must hold at least len(a) values.
//
//go:noescape
func dotAVX(a, b []float64) float64

// dot returns Σ a[i]·b[i] over i < len(a); b must hold at least len(a)
// values. It runs dotAVX when the FFT plans use the vector kernels
// (useSIMD) and the vectors are long enough to gain from it.
func dot(a, b []float64) float64 {
	if useSIMD && len(a) >= 16 {
		return dotAVX(a, b[:len(a)])
	}
	return dotGo(a, b)
}

// powerMagAVX writes |spec[k]|² into p[k] and |spec[k]| into mag[k], and
// their float32 roundings into p32[k] and m32[k], for k below len(spec)
// rounded down to a multiple of 4. The other slices must be at least that
// long.
//
//go:noescape
func powerMagAVX(spec []complex128, p, mag []float64, p32, m32 []float32)

// powerMag is PowerMagnitude's kernel (see there); the slices have equal
// lengths.
func powerMag(spec []complex128, p, mag []float64, p32, m32 []float32) {
	done := 0
	if useSIMD {
		powerMagAVX(spec, p, mag, p32, m32)
		done = len(spec) &^ 3
	}
	powerMagGo(spec[done:], p[done:], mag[done:], p32[done:], m32[done:])
}

// softMask2AVX is softMask2Go (see SoftMask2) for the first len(spec)
// rounded down to a multiple of 4 bins; the other slices must be at least
// that long.
//
//go:noescape
func softMask2AVX(dst, spec []complex128, x, ref []float32)

// softMask2 is SoftMask2's kernel; the slices have equal lengths.
func softMask2(dst, spec []complex128, x, ref []float32) {
	done := 0
	if useSIMD {
		softMask2AVX(dst, spec, x, ref)
		done = len(spec) &^ 3
	}
	softMask2Go(dst[done:], spec[done:], x[done:], ref[done:])
}

// dot32AVX is dotAVX with b in float32: Σ a[i]·float64(b[i]) over i <
// len(a); b must hold at least len(a) values.
//
//go:noescape
func dot32AVX(a []float64, b []float32) float64

// dot32 returns Σ a[i]·float64(b[i]) over i < len(a); b must hold at
// least len(a) values.
func dot32(a []float64, b []float32) float64 {
	if useSIMD && len(a) >= 16 {
		return dot32AVX(a, b[:len(a)])
	}
	return dot32Go(a, b)
}

// windowAVX writes float64(x[i])·w[i] into dst[i] for i below len(dst)
// rounded down to a multiple of 4; x and w must be at least that long.
//
//go:noescape
func windowAVX(dst []float64, x []float32, w []float64)

// window writes float64(x[i])·w[i] into dst[i] for i < len(dst); x and w
// must be at least as long as dst.
func window(dst []float64, x []float32, w []float64) {
	done := 0
	if useSIMD {
		windowAVX(dst, x[:len(dst)], w[:len(dst)])
		done = len(dst) &^ 3
	}
	windowGo(dst[done:], x[done:], w[done:])
}

// mulAddAVX adds a[i]·b[i] to dst[i] for i below len(dst) rounded down to a
// multiple of 4 (product rounded, then added); a and b must be at least
// that long.
//
//go:noescape
func mulAddAVX(dst, a, b []float64)

// mulAdd adds a[i]·b[i] to dst[i] for i < len(dst); a and b must be at
// least as long as dst.
func mulAdd(dst, a, b []float64) {
	done := 0
	if useSIMD {
		mulAddAVX(dst, a[:len(dst)], b[:len(dst)])
		done = len(dst) &^ 3
	}
	mulAddGo(dst[done:], a[done:], b[done:])
}

// maxAVX returns the largest value of x, which must be non-empty and
// NaN-free.
//
//go:noescape
func maxAVX(x []float64) float64

// maxOf returns the largest value of x, which must be non-empty and
// NaN-free.
func maxOf(x []float64) float64 {
	if useSIMD && len(x) >= 16 {
		return maxAVX(x)
	}
	return maxGo(x)
}

// gemv12TAVX writes dst[r] = Σ_k wT[12k+r]·float64(x[k]) for r < 12 and
// k < len(x): a bank of 12 filters stored bin by bin (transposed) applied
// to a float32 frame. dst must hold 12 values and wT 12·len(x).
//
//go:noescape
func gemv12TAVX(dst []float64, wT []float64, x []float32)

// hasGemv12T reports whether gemv12TAVX can run.
func hasGemv12T() bool { return useSIMD }

// divAVX divides dst[i] by d[i] for i below len(dst) rounded down to a
// multiple of 4; d must be at least that long.
//
//go:noescape
func divAVX(dst, d []float64)

// divElems divides dst[i] by d[i] for i < len(dst); d must be at least as
// long as dst.
func divElems(dst, d []float64) {
	done := 0
	if useSIMD {
		divAVX(dst, d[:len(dst)])
		done = len(dst) &^ 3
	}
	divElemsGo(dst[done:], d[done:])
}

// aboveAVX sets bit j of mask[w] when s[64w+j] > ref (and clears it
// otherwise), for the len(s)/64 whole words of s; mask must hold that many
// words.
//
//go:noescape
func aboveAVX(mask []uint64, s []float64, ref float64)

// above sets bit j of mask[w] when s[64w+j] > ref, for all of s; mask must
// hold (len(s)+63)/64 words.
func above(mask []uint64, s []float64, ref float64) {
	if len(mask) < (len(s)+63)/64 {
		panic(fmt.Sprintf("dsp: threshold mask of %d words for %d values", len(mask), len(s)))
	}
	done := 0
	if useSIMD {
		aboveAVX(mask, s, ref)
		done = len(s) / 64
	}
	aboveGo(mask[done:], s[done*64:], ref)
}

// bankAVX adds to dst[row] the dot product of w[woff:woff+hi−lo] and
// x[lo:hi] for each run {row, lo, hi, woff} of runs, in one call. It
// trusts its arguments (see applyRuns).
//
//go:noescape
func bankAVX(dst, w, x []float64, runs []bankRun)

// applyRuns adds to dst[run.row] the dot product of the run's weights
// w[run.woff:…] and x[run.lo:run.hi] for every run. The runs must lie
// within the slices: callers check them once with checkRuns against
// slices of these lengths (the vector kernel reads and writes through raw
// pointers).
func applyRuns(dst, w, x []float64, runs []bankRun) {
	if !useSIMD {
		applyRunsGo(dst, w, x, runs)
		return
	}
	bankAVX(dst, w, x, runs)
}
