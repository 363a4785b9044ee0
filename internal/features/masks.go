package features

import "math"

// softMask returns x^power / (x^power + ref^power), or zeroValue when
// max(x, ref) is negligible.
func softMask(x, ref, power, zeroValue float64) float64 {
	z := max(x, ref)
	if z < tinyFloat32 {
		return zeroValue
	}
	if power == 2 {
		// STFT magnitudes of samples in [−1, 1] are at most NFFT, and
		// z is at least the smallest normal float32, so the squares
		// neither overflow nor lose precision: no scaling by z needed.
		a, b := float64(x*x), float64(ref*ref) // rounded: no fused multiply-add
		return a / (a + b)
	}
	a, b := math.Pow(x/z, power), math.Pow(ref/z, power)
	return a / (a + b)
}
