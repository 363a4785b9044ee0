package dsp

import (
	"math"
	"math/cmplx"
	"math/rand"
	"testing"
)

func randomSignal(n int, seed int64) []float32 {
	rng := rand.New(rand.NewSource(seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.Float64()*2 - 1)
	}
	return x
}

func TestSTFTFramingAndReflection(t *testing.T) {
	s, err := NewSTFT(16, 4)
	if err != nil {
		t.Fatal(err)
	}
	x := randomSignal(37, 3)
	if got := s.Frames(len(x)); got != 1+37/4 {
		t.Fatalf("Frames(37) = %d", got)
	}
	spec, err := s.Compute(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: pad by reflection explicitly, window, naive DFT.
	pad := make([]float64, 0, len(x)+16)
	for i := 8; i >= 1; i-- {
		pad = append(pad, float64(x[i]))
	}
	for _, v := range x {
		pad = append(pad, float64(v))
	}
	for i := len(x) - 2; i >= len(x)-9; i-- {
		pad = append(pad, float64(x[i]))
	}
	w := Hann(make([]float64, 16))
	for f := 0; f < s.Frames(len(x)); f++ {
		fr := make([]complex128, 16)
		for i := range fr {
			fr[i] = complex(pad[f*4+i]*w[i], 0)
		}
		want := naiveDFT(fr, false)[:9]
		if d := maxAbsDiff(spec[f*9:(f+1)*9], want); d > 1e-9 {
			t.Errorf("frame %d differs by %g", f, d)
		}
	}
}

func TestSTFTInverseRoundTrip(t *testing.T) {
	s, _ := NewSTFT(2048, 512)
	for _, n := range []int{1025, 4000, 22050, 30000} {
		x := randomSignal(n, int64(n))
		spec, err := s.Compute(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		y, err := s.Inverse(nil, spec, n)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if math.Abs(y[i]-float64(x[i])) > 1e-9 {
				t.Fatalf("n=%d sample %d: %g, want %g", n, i, y[i], x[i])
			}
		}
		// A mask of ones is the identity; a mask of 0.5 halves the signal.
		half := make([]float64, len(spec))
		for i := range half {
			half[i] = 0.5
		}
		z, err := s.InverseMasked(nil, spec, half, n)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if math.Abs(z[i]-0.5*float64(x[i])) > 1e-9 {
				t.Fatalf("n=%d masked sample %d: %g, want %g", n, i, z[i], 0.5*x[i])
			}
		}
	}
}

func TestSTFTErrors(t *testing.T) {
	s, _ := NewSTFT(2048, 512)
	if _, err := s.Compute(nil, make([]float32, 1024)); err == nil {
		t.Error("Compute of 1024 samples: no error")
	}
	if _, err := s.Compute(make([]complex128, 5), make([]float32, 2048)); err == nil {
		t.Error("Compute into a short destination: no error")
	}
	if _, err := s.Inverse(nil, make([]complex128, 1000), 10); err == nil {
		t.Error("Inverse of a partial frame: no error")
	}
	if _, err := NewSTFT(2048, 0); err == nil {
		t.Error("NewSTFT hop 0: no error")
	}
	if _, err := NewSTFT(1000, 10); err == nil {
		t.Error("NewSTFT n 1000: no error")
	}
}

func TestMagnitudePower(t *testing.T) {
	spec := []complex128{complex(3, 4), 0, complex(-1, 0)}
	m := Magnitude(nil, spec)
	p := Power(nil, spec)
	for i, want := range []float64{5, 0, 1} {
		if m[i] != want || math.Abs(p[i]-want*want) > 1e-12 {
			t.Errorf("value %d: magnitude %g power %g, want %g", i, m[i], p[i], want)
		}
	}
	_ = cmplx.Abs
}

func TestSTFTComputeNoAlloc(t *testing.T) {
	s, _ := NewSTFT(2048, 512)
	x := randomSignal(22050, 5)
	dst := make([]complex128, s.Frames(len(x))*s.Bins())
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := s.Compute(dst, x); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Compute allocates %g times per call", allocs)
	}
}

// normalizeOverlapRef is NormalizeOverlap summing the covering frames of
// every sample, the definition the periodic fast path must reproduce bit
// for bit.
func normalizeOverlapRef(s *STFT, dst []float64, frames int) {
	off := s.n / 2
	for i := range dst {
		pos := i + off
		t0 := 0
		if pos >= s.n {
			t0 = (pos-s.n)/s.hop + 1
		}
		t1 := min(frames-1, pos/s.hop)
		var w float64
		for t := t0; t <= t1; t++ {
			w += s.wsq[pos-t*s.hop]
		}
		if w > 0x1p-126 {
			dst[i] /= w
		}
	}
}

func TestNormalizeOverlapMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, tc := range []struct{ n, hop int }{{2048, 512}, {16, 4}, {16, 5}, {16, 16}, {8, 3}, {4, 1}} {
		s, err := NewSTFT(tc.n, tc.hop)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []int{0, 1, tc.n / 2, tc.n, 3*tc.n + 1, 50*tc.hop + 3} {
			for _, frames := range []int{1, 2, 1 + m/tc.hop, 1 + m/tc.hop + 2} {
				got := make([]float64, m)
				for i := range got {
					got[i] = rng.NormFloat64()
				}
				want := append([]float64(nil), got...)
				s.NormalizeOverlap(got, frames)
				normalizeOverlapRef(s, want, frames)
				for i := range got {
					if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
						t.Fatalf("n %d hop %d m %d frames %d: sample %d is %v, want %v", tc.n, tc.hop, m, frames, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestOverlapAddRing resynthesises random frames through AddFrameRing,
// normalising and clearing each sample once no later frame reaches it
// (NormalizeOverlapAt), and checks the result against AddFrame and
// NormalizeOverlap on the whole output, bit for bit.
func TestOverlapAddRing(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	for _, tc := range []struct{ n, hop, m, ring int }{
		{16, 4, 100, 16}, {16, 4, 100, 64}, {16, 5, 77, 32}, {2048, 512, 30000, 4096}, {2048, 512, 5000, 2048},
	} {
		s, err := NewSTFT(tc.n, tc.hop)
		if err != nil {
			t.Fatal(err)
		}
		frames := s.Frames(tc.m)
		limit := min(tc.m, (frames-1)*tc.hop)
		spec := make([]complex128, frames*s.Bins())
		for i := range spec {
			spec[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		want := make([]float64, limit)
		for f := 0; f < frames; f++ {
			s.AddFrame(want, spec[f*s.Bins():(f+1)*s.Bins()], f)
		}
		s.NormalizeOverlap(want, frames)

		got := make([]float64, 0, limit)
		ring := make([]float64, tc.ring)
		mask := tc.ring - 1
		done := 0
		for f := 0; f < frames; f++ {
			s.AddFrameRing(ring, spec[f*s.Bins():(f+1)*s.Bins()], f, limit)
			end := min(limit, (f+1)*tc.hop-tc.n/2)
			if f == frames-1 {
				end = limit
			}
			for done < end {
				a := done & mask
				k := min(end-done, tc.ring-a)
				seg := ring[a : a+k]
				s.NormalizeOverlapAt(seg, done, frames)
				got = append(got, seg...)
				clear(seg)
				done += k
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: %d samples, want %d", tc, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: sample %d is %v, want %v", tc, i, got[i], want[i])
			}
		}
	}
}
