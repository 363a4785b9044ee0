package features

import "math"

// softMasks writes into hm and pm the soft masks of the median-filtered
// harmonic (h) and percussive (p) magnitudes: with H = h and P = margin·p
// for the harmonic mask (and symmetrically for the percussive one), the
// mask is H^power / (H^power + P^power), computed relative to max(H, P) to
// avoid overflow. Where both vanish (below the smallest normal float32) the
// masks are 0.5 each when margin is 1 (the energy is split) and 0
// otherwise.
func softMasks(hm, pm []float64, h, p []float32, margin, power float64) {
	split := 0.0
	if margin == 1 {
		split = 0.5
	}
	p = p[:len(h)]
	hm, pm = hm[:len(h)], pm[:len(h)]
	for i, hv := range h {
		x, y := float64(hv), float64(p[i])
		hm[i] = softMask(x, y*margin, power, split)
		pm[i] = softMask(y, x*margin, power, split)
	}
}

// harmonicMask is the harmonic half of softMasks for margin 1: it writes
// the harmonic mask into hm. The percussive mask is one minus it.
func harmonicMask(hm []float64, h, p []float32, power float64) {
	p = p[:len(h)]
	hm = hm[:len(h)]
	for i, hv := range h {
		hm[i] = softMask(float64(hv), float64(p[i]), power, 0.5)
	}
}

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
		a, b := x*x, ref*ref
		return a / (a + b)
	}
	a, b := math.Pow(x/z, power), math.Pow(ref/z, power)
	return a / (a + b)
}
