//go:build amd64 && !purego

package dsp

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
