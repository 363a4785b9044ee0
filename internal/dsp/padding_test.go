package dsp

import (
	"math"
	"math/rand"
	"testing"
)

// TestComputeFrameZero checks the zero-padded frames against a direct
// transform of the zero-padded signal, and that interior frames are those
// of ComputeFrame bit for bit.
func TestComputeFrameZero(t *testing.T) {
	const n, hop = 64, 16
	s, err := NewSTFT(n, hop)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for _, m := range []int{n/2 + 1, n, 3*n + 5, 10 * hop} {
		x := make([]float32, m)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		padded := make([]float64, m+n)
		for i, v := range x {
			padded[i+n/2] = float64(v)
		}
		got := make([]complex128, s.Bins())
		ref := make([]complex128, s.Bins())
		for f := 0; f < s.Frames(m); f++ {
			s.ComputeFrameZero(got, x, f)
			interior := f*hop >= n/2 && f*hop+n/2 <= m
			if s.Interior(f, m) != interior {
				t.Errorf("m=%d frame %d: Interior %v, want %v", m, f, !interior, interior)
			}
			if interior {
				s.ComputeFrame(ref, x, f)
				for k := range got {
					if got[k] != ref[k] {
						t.Fatalf("m=%d interior frame %d bin %d: %v, ComputeFrame %v", m, f, k, got[k], ref[k])
					}
				}
				continue
			}
			for k := range got {
				var want complex128
				for i := 0; i < n; i++ {
					v := padded[f*hop+i] * s.window[i]
					want += complex(v, 0) * complex(math.Cos(2*math.Pi*float64(k*i)/n), -math.Sin(2*math.Pi*float64(k*i)/n))
				}
				if d := got[k] - want; math.Hypot(real(d), imag(d)) > 1e-9 {
					t.Fatalf("m=%d edge frame %d bin %d: %v, want %v", m, f, k, got[k], want)
				}
			}
		}
	}
}

func TestPowerToDBParts(t *testing.T) {
	x := []float64{1e-12, 1e-3, 1, 50, 1e-9, 7}
	whole := PowerToDB(nil, x, 1, 1e-10, 30)
	a, b := make([]float64, 2), make([]float64, 4)
	top := max(PowerToDBUnclipped(a, x[:2], 1, 1e-10), PowerToDBUnclipped(b, x[2:], 1, 1e-10))
	ClipBelow(a, top-30)
	ClipBelow(b, top-30)
	for i, v := range append(a, b...) {
		if v != whole[i] {
			t.Errorf("value %d: %g in parts, %g whole", i, v, whole[i])
		}
	}
	for _, tc := range []struct {
		x     []float64
		floor float64
		want  bool
	}{
		{[]float64{1, 2}, 1, false},
		{[]float64{1, 0.5}, 1, true},
		{nil, 0, false},
	} {
		if got := ClipBelow(tc.x, tc.floor); got != tc.want {
			t.Errorf("ClipBelow(%v, %g) = %v, want %v", tc.x, tc.floor, got, tc.want)
		}
	}
}

// TestTunerResultWith checks that splitting the frames over two tuners
// gives the estimate of one tuner that saw them all.
func TestTunerResultWith(t *testing.T) {
	const sr, n = 22050.0, 2048
	newTuner := func() *Tuner {
		tu, err := NewTuner(sr, n, 150, 4000, 0.1, 0.01, 12)
		if err != nil {
			t.Fatal(err)
		}
		return tu
	}
	all, a, b := newTuner(), newTuner(), newTuner()
	rng := rand.New(rand.NewSource(2))
	frame := make([]float64, n/2+1)
	for f := 0; f < 40; f++ {
		for k := range frame {
			frame[k] = rng.Float64() * 0.01
		}
		for _, hz := range []float64{441 * (1 + 0.01*rng.Float64()), 660, 1320} {
			frame[int(hz*n/sr+0.5)] += 1 + rng.Float64()
		}
		all.AddFrame(frame)
		if f%7 == 0 {
			b.AddFrame(frame)
		} else {
			a.AddFrame(frame)
		}
	}
	want := all.Result()
	if got := a.ResultWith(b); got != want {
		t.Errorf("ResultWith %g, one tuner %g", got, want)
	}
	if got := a.ResultWith(nil); got != a.Result() {
		t.Errorf("ResultWith(nil) %g, Result %g", got, a.Result())
	}
}
