package dsp

import (
	"math"
	"testing"
)

func TestSlaneyMelScale(t *testing.T) {
	tests := []struct{ hz, mel float64 }{
		{0, 0},
		{200.0 / 3, 1},
		{500, 7.5},
		{1000, 15},
		{6400, 42}, // one factor 6.4 above 1 kHz is 27 mels
		{8000, 45.245640471924965},
	}
	for _, tc := range tests {
		if got := HzToMel(tc.hz); math.Abs(got-tc.mel) > 1e-9 {
			t.Errorf("HzToMel(%g) = %.12g, want %.12g", tc.hz, got, tc.mel)
		}
		if got := MelToHz(tc.mel); math.Abs(got-tc.hz) > 1e-9*math.Max(1, tc.hz) {
			t.Errorf("MelToHz(%g) = %.12g, want %.12g", tc.mel, got, tc.hz)
		}
	}
}

func TestMelFilterbank(t *testing.T) {
	const sr, n, nMels = 22050.0, 2048, 128
	fb, err := NewMelFilterbank(sr, n, nMels, 0, sr/2)
	if err != nil {
		t.Fatal(err)
	}
	if fb.Rows != nMels || fb.Cols != n/2+1 {
		t.Fatalf("shape %d×%d", fb.Rows, fb.Cols)
	}
	step := HzToMel(sr/2) / (nMels + 1)
	for r := 0; r < nMels; r++ {
		left, centre, right := MelToHz(float64(r)*step), MelToHz(float64(r+1)*step), MelToHz(float64(r+2)*step)
		var peak float64
		for c := 0; c < fb.Cols; c++ {
			f := float64(c) * sr / n
			w := fb.At(r, c)
			if w < 0 {
				t.Fatalf("negative weight (%d,%d)", r, c)
			}
			if w > 0 && (f <= left || f >= right) {
				t.Fatalf("row %d has weight %g at %g Hz outside (%g, %g)", r, w, f, left, right)
			}
			// Independent evaluation of the triangle.
			var want float64
			if f > left && f < right {
				if f <= centre {
					want = (f - left) / (centre - left)
				} else {
					want = (right - f) / (right - centre)
				}
				want *= 2 / (right - left)
			}
			if math.Abs(w-want) > 1e-12 {
				t.Fatalf("weight (%d,%d) = %g, want %g", r, c, w, want)
			}
			peak = math.Max(peak, w)
		}
		// Slaney normalisation: the triangle's peak never exceeds 2/width.
		if peak > 2/(right-left)+1e-12 || peak == 0 {
			t.Errorf("row %d peak %g, bound %g", r, peak, 2/(right-left))
		}
	}
	// Known entries (computed by hand from the definition): band 0 spans
	// 0 … 2·step mels, all in the linear region.
	c0 := MelToHz(step)
	want := (sr / n) / c0 * 2 / MelToHz(2*step)
	if got := fb.At(0, 1); math.Abs(got-want) > 1e-12 {
		t.Errorf("weight (0,1) = %g, want %g", got, want)
	}
	// Apply is the dense matrix-vector product.
	x := make([]float64, fb.Cols)
	for i := range x {
		x[i] = math.Sin(float64(i)) + 1.5
	}
	y := fb.Apply(nil, x)
	for r := 0; r < fb.Rows; r++ {
		var s float64
		for c := 0; c < fb.Cols; c++ {
			s += fb.At(r, c) * x[c]
		}
		if math.Abs(s-y[r]) > 1e-12*math.Abs(s) {
			t.Fatalf("Apply row %d = %g, dense %g", r, y[r], s)
		}
	}
	if _, err := NewMelFilterbank(sr, n, nMels, 0, sr); err == nil {
		t.Error("fmax above Nyquist: no error")
	}
}

func TestChromaFilterbank(t *testing.T) {
	// At sr 7040 Hz and n 2048 bin 128 is exactly 440 Hz.
	const sr, n = 7040.0, 2048
	tests := []struct {
		tuning float64
		want   int // pitch class with the largest weight at 440 Hz
	}{
		{0, 9}, {0.4, 9}, {-0.4, 9}, {0.6, 8}, {-0.6, 10},
	}
	for _, tc := range tests {
		fb, err := NewChromaFilterbank(sr, n, 12, tc.tuning, 5, 2)
		if err != nil {
			t.Fatal(err)
		}
		best := 0
		for r := 1; r < 12; r++ {
			if fb.At(r, 128) > fb.At(best, 128) {
				best = r
			}
		}
		if best != tc.want {
			t.Errorf("tuning %g: 440 Hz peaks at class %d, want %d", tc.tuning, best, tc.want)
		}
	}
	fb, _ := NewChromaFilterbank(22050, 2048, 12, 0, 5, 2)
	for c := 0; c < fb.Cols; c++ {
		var norm float64
		for r := 0; r < 12; r++ {
			w := fb.At(r, c)
			if w < 0 || math.IsNaN(w) {
				t.Fatalf("weight (%d,%d) = %g", r, c, w)
			}
			norm += w * w
		}
		// Each column has unit norm before the octave weighting.
		p := 12 * HzToOctaves(float64(c)*22050/2048, 0, 12)
		if c == 0 {
			p = 12*HzToOctaves(22050.0/2048, 0, 12) - 18
		}
		oct := math.Exp(-0.5 * math.Pow((p/12-5)/2, 2))
		if math.Abs(math.Sqrt(norm)-oct) > 1e-12 {
			t.Fatalf("column %d norm %g, want octave weight %g", c, math.Sqrt(norm), oct)
		}
	}
	// Retuning in place equals building anew.
	a, _ := NewChromaFilterbank(22050, 2048, 12, 0.13, 5, 2)
	if err := fb.SetChromaTuning(22050, 2048, 0.13, 5, 2); err != nil {
		t.Fatal(err)
	}
	for i := range a.Weights {
		if a.Weights[i] != fb.Weights[i] {
			t.Fatalf("SetChromaTuning differs at %d", i)
		}
	}
}
