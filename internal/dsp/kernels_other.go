//go:build !amd64 || purego

package dsp

// dot returns Σ a[i]·b[i] over i < len(a); b must hold at least len(a)
// values (dotGo: there is no vector kernel here).
func dot(a, b []float64) float64 { return dotGo(a, b) }

// powerMag is PowerMagnitude's kernel (powerMagGo: no vector kernel here).
func powerMag(spec []complex128, p, mag []float64, p32, m32 []float32) {
	powerMagGo(spec, p, mag, p32, m32)
}

// softMask2 is SoftMask2's kernel (softMask2Go: no vector kernel here).
func softMask2(dst, spec []complex128, x, ref []float32) { softMask2Go(dst, spec, x, ref) }

// dot32 returns Σ a[i]·float64(b[i]) over i < len(a) (dot32Go).
func dot32(a []float64, b []float32) float64 { return dot32Go(a, b) }

// window writes float64(x[i])·w[i] into dst[i] for i < len(dst) (windowGo).
func window(dst []float64, x []float32, w []float64) { windowGo(dst, x, w) }

// mulAdd adds a[i]·b[i] to dst[i] for i < len(dst) (mulAddGo).
func mulAdd(dst, a, b []float64) { mulAddGo(dst, a, b) }

// maxOf returns the largest value of x, non-empty and NaN-free (maxGo).
func maxOf(x []float64) float64 { return maxGo(x) }

// gemv12TAVX is never called here (hasGemv12T is false).
func gemv12TAVX(dst []float64, wT []float64, x []float32) { panic("dsp: no vector kernel") }

// hasGemv12T reports whether gemv12TAVX can run: never here.
func hasGemv12T() bool { return false }

// divElems divides dst[i] by d[i] for i < len(dst) (divElemsGo).
func divElems(dst, d []float64) { divElemsGo(dst, d) }

// above sets bit j of mask[w] when s[64w+j] > ref (aboveGo).
func above(mask []uint64, s []float64, ref float64) { aboveGo(mask, s, ref) }

// applyRuns adds to dst[run.row] the dot product of the run's weights and
// x[run.lo:run.hi] for every run (applyRunsGo).
func applyRuns(dst, w, x []float64, runs []bankRun) { applyRunsGo(dst, w, x, runs) }
