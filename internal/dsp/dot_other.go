//go:build !amd64 || purego

package dsp

// dot returns Σ a[i]·b[i] over i < len(a); b must hold at least len(a)
// values (dotGo: there is no vector kernel here).
func dot(a, b []float64) float64 { return dotGo(a, b) }
