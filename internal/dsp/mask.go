package dsp

import "fmt"

// smallestFloat32 is the smallest normal float32, librosa's "tiny" for
// float32 data.
const smallestFloat32 = 0x1p-126

// SoftMask2 writes into dst the spectrum frame spec scaled bin by bin by
// the soft mask of power 2 of the magnitudes x against ref:
// dst[k] = spec[k]·x²/(x² + ref²) in float64, or spec[k]·½ where both x[k]
// and ref[k] are below the smallest normal float32 (librosa.util.softmask
// with split_zeros). All slices must have the length of spec; dst may be
// spec. x and ref must be NaN-free. The vector path computes exactly the
// same values.
func SoftMask2(dst, spec []complex128, x, ref []float32) {
	n := len(spec)
	if len(dst) != n || len(x) != n || len(ref) != n {
		panic(fmt.Sprintf("dsp: SoftMask2 of %d bins with %d, %d, %d", n, len(dst), len(x), len(ref)))
	}
	softMask2(dst, spec, x, ref)
}

// softMask2Go is the loop SoftMask2 computes.
func softMask2Go(dst, spec []complex128, x, ref []float32) {
	dst, x, ref = dst[:len(spec)], x[:len(spec)], ref[:len(spec)]
	for k, v := range spec {
		g := 0.5
		if a, b := float64(x[k]), float64(ref[k]); a >= smallestFloat32 || b >= smallestFloat32 {
			a, b = float64(a*a), float64(b*b) // rounded, as in the vector kernel
			g = a / (a + b)
		}
		dst[k] = complex(real(v)*g, imag(v)*g)
	}
}
