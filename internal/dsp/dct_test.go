package dsp

import (
	"math"
	"testing"
)

func TestDCTKnownVectors(t *testing.T) {
	tests := []struct {
		x, want []float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{5, -2.230442497387663, 0, -0.15851266778110726}},
		{[]float64{1, 1, 1, 1, 1, 1, 1, 1, 1}, []float64{3, 0, 0, 0, 0, 0, 0, 0, 0}},
		{[]float64{2}, []float64{2}},
	}
	for _, tc := range tests {
		d, err := NewDCT(len(tc.x), len(tc.x))
		if err != nil {
			t.Fatal(err)
		}
		got := d.Transform(nil, tc.x)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("DCT(%v)[%d] = %.15g, want %.15g", tc.x, i, got[i], tc.want[i])
			}
		}
	}
}

func TestDCTOrthonormal(t *testing.T) {
	for _, n := range []int{1, 2, 5, 128} {
		d, _ := NewDCT(n, n)
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				var s float64
				for i := 0; i < n; i++ {
					s += d.basis[a*n+i] * d.basis[b*n+i]
				}
				want := 0.0
				if a == b {
					want = 1
				}
				if math.Abs(s-want) > 1e-12 {
					t.Fatalf("n=%d rows %d,%d inner product %g", n, a, b, s)
				}
			}
		}
	}
	// Truncation keeps the leading coefficients.
	full, _ := NewDCT(128, 128)
	part, _ := NewDCT(128, 20)
	x := make([]float64, 128)
	for i := range x {
		x[i] = math.Cos(0.3*float64(i)) * float64(i%7)
	}
	a, b := full.Transform(nil, x), part.Transform(nil, x)
	for i := range b {
		if a[i] != b[i] {
			t.Fatalf("coefficient %d: %g vs %g", i, a[i], b[i])
		}
	}
	if _, err := NewDCT(4, 5); err == nil {
		t.Error("NewDCT(4, 5): no error")
	}
}

func TestPowerToDB(t *testing.T) {
	x := []float64{1, 10, 100, 1e-12, 0, 1e-3}
	got := PowerToDB(nil, x, 1, 1e-10, 0)
	want := []float64{0, 10, 20, -100, -100, -30}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("no top_db: dB[%d] = %g, want %g", i, got[i], want[i])
		}
	}
	got = PowerToDB(nil, x, 1, 1e-10, 80)
	want = []float64{0, 10, 20, -60, -60, -30}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("top_db 80: dB[%d] = %g, want %g", i, got[i], want[i])
		}
	}
	got = PowerToDB(nil, []float64{10}, 10, 1e-10, 80)
	if got[0] != 0 {
		t.Errorf("ref 10: %g, want 0", got[0])
	}
}
