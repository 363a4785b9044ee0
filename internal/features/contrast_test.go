package features

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// TestContrastBands checks the band layout of the recipe against librosa's
// (fmin 200 Hz, 6 bands, quantile 0.02, n_fft 2048 at 22,050 Hz).
func TestContrastBands(t *testing.T) {
	c, err := newContrast()
	if err != nil {
		t.Fatal(err)
	}
	want := []contrastBand{
		{0, 18, 1}, {18, 37, 1}, {37, 74, 1}, {74, 148, 2},
		{148, 297, 3}, {297, 594, 6}, {594, 1025, 9},
	}
	if !slices.Equal(c.bands, want) {
		t.Errorf("bands %v, want %v", c.bands, want)
	}
	for _, tc := range []struct {
		fmin     float64
		bands    int
		quantile float64
	}{
		{0, 6, 0.02}, {200, 0, 0.02}, {200, 6, 0}, {200, 6, 1}, {2000, 6, 0.02},
	} {
		if _, err := contrastBands(22050, 2048, tc.fmin, tc.bands, tc.quantile); err == nil {
			t.Errorf("contrastBands(fmin %g, %d bands, quantile %g) accepted", tc.fmin, tc.bands, tc.quantile)
		}
	}
}

// TestContrastFrame checks the partial selection against sorting each
// band, on noise, falling and rising spectra, ties and silence.
func TestContrastFrame(t *testing.T) {
	c, err := newContrast()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	const bins = 1025
	for _, tc := range []struct {
		name string
		gen  func(k int) float32
	}{
		{"noise", func(int) float32 { return float32(rng.ExpFloat64()) }},
		{"falling", func(k int) float32 { return float32(math.Exp(-float64(k)/100) * (1 + 0.1*rng.Float64())) }},
		{"rising", func(k int) float32 { return float32(float64(k) * (1 + 0.1*rng.Float64())) }},
		{"ties", func(int) float32 { return float32(rng.Intn(3)) }},
		{"silence", func(int) float32 { return 0 }},
	} {
		for rep := 0; rep < 20; rep++ {
			mag := make([]float32, bins)
			for k := range mag {
				mag[k] = tc.gen(k)
			}
			peak, valley := make([]float64, len(c.bands)), make([]float64, len(c.bands))
			c.frame(peak, valley, mag)
			for k, b := range c.bands {
				s := slices.Clone(mag[b.lo:b.hi])
				slices.Sort(s)
				var lo, hi float64
				for i := 0; i < b.idx; i++ {
					lo += float64(s[i])
					hi += float64(s[len(s)-1-i])
				}
				lo, hi = lo/float64(b.idx), hi/float64(b.idx)
				if math.Abs(valley[k]-lo) > 1e-12*math.Abs(lo) || math.Abs(peak[k]-hi) > 1e-12*math.Abs(hi) {
					t.Fatalf("%s band %d: peak %g valley %g, sorting gives %g, %g", tc.name, k, peak[k], valley[k], hi, lo)
				}
			}
		}
	}
}
