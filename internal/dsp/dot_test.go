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
