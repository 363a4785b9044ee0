package dsp

import (
	"math"
	"math/rand"
	"testing"
)

func TestDot(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for n := 0; n <= 70; n++ {
		a, b := make([]float64, n), make([]float64, n+3) // b may be longer
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		var want, scale float64
		for i := range a {
			want += a[i] * b[i]
			scale += math.Abs(a[i] * b[i])
		}
		for _, tc := range []struct {
			name string
			f    func(a, b []float64) float64
		}{{"dot", dot}, {"dotGo", dotGo}} {
			if got := tc.f(a, b); math.Abs(got-want) > 1e-14*scale {
				t.Errorf("%s, n %d: %v, want %v", tc.name, n, got, want)
			}
		}
	}
}

func TestDotAllocs(t *testing.T) {
	a := make([]float64, 100)
	if n := testing.AllocsPerRun(10, func() { _ = dot(a, a) }); n != 0 {
		t.Errorf("dot allocates %v times", n)
	}
}

func TestPowerMagnitudeExact(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for n := 0; n <= 37; n++ {
		spec := make([]complex128, n)
		for i := range spec {
			spec[i] = complex(rng.NormFloat64()*math.Pow(10, float64(rng.Intn(12)-6)), rng.NormFloat64())
		}
		if n > 3 {
			spec[1] = 0
		}
		p, mag := make([]float64, n), make([]float64, n)
		p32, m32 := make([]float32, n), make([]float32, n)
		PowerMagnitude(spec, p, mag, p32, m32)
		for k, v := range spec {
			pw := real(v)*real(v) + imag(v)*imag(v)
			if p[k] != pw || mag[k] != math.Sqrt(pw) || p32[k] != float32(pw) || m32[k] != float32(math.Sqrt(pw)) {
				t.Fatalf("n %d, bin %d: %v %v %v %v, want %v %v %v %v", n, k, p[k], mag[k], p32[k], m32[k],
					pw, math.Sqrt(pw), float32(pw), float32(math.Sqrt(pw)))
			}
		}
	}
}
