package features

import "math"

// sqrtf is math.Sqrt, named for brevity in matrix loops.
func sqrtf(v float64) float64 { return math.Sqrt(v) }

// softMasks replaces the median-filtered harmonic (h) and percussive (p)
// magnitudes, in place, by their soft masks: with H = h and P = margin·p for
// the harmonic mask (and symmetrically for the percussive one), the mask is
// H^power / (H^power + P^power), computed relative to max(H, P) to avoid
// overflow. Where both vanish (below the smallest normal float32) the masks
// are 0.5 each when margin is 1 (the energy is split) and 0 otherwise.
func softMasks(h, p []float64, margin, power float64) {
	split := 0.0
	if margin == 1 {
		split = 0.5
	}
	for i := range h {
		mh := softMask(h[i], p[i]*margin, power, split)
		mp := softMask(p[i], h[i]*margin, power, split)
		h[i], p[i] = mh, mp
	}
}

// harmonicMask is the harmonic half of softMasks for margin 1: it replaces
// h in place by its mask and leaves p alone. The percussive mask is one
// minus it.
func harmonicMask(h, p []float64, power float64) {
	for i := range h {
		h[i] = softMask(h[i], p[i], power, 0.5)
	}
}

// softMask returns x^power / (x^power + ref^power), or zeroValue when
// max(x, ref) is negligible.
func softMask(x, ref, power, zeroValue float64) float64 {
	z := max(x, ref)
	if z < tinyFloat32 {
		return zeroValue
	}
	a, b := x/z, ref/z
	if power == 2 {
		a, b = a*a, b*b
	} else {
		a, b = math.Pow(a, power), math.Pow(b, power)
	}
	return a / (a + b)
}
