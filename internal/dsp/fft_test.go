package dsp

import (
	"math"
	"math/cmplx"
	"math/rand"
	"testing"
)

// naiveDFT is the O(n²) reference transform.
func naiveDFT(x []complex128, inverse bool) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	sign := -1.0
	if inverse {
		sign = 1
	}
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * cmplx.Rect(1, sign*2*math.Pi*float64(j*k%n)/float64(n))
		}
		if inverse {
			s /= complex(float64(n), 0)
		}
		out[k] = s
	}
	return out
}

func maxAbsDiff(a, b []complex128) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, cmplx.Abs(a[i]-b[i]))
	}
	return m
}

func TestFFTAgainstNaiveDFT(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 4, 8, 16, 32, 128, 1024} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		f, err := NewFFT(n)
		if err != nil {
			t.Fatal(err)
		}
		got := f.Coefficients(nil, x)
		if d := maxAbsDiff(got, naiveDFT(x, false)); d > 1e-9*float64(n) {
			t.Errorf("n=%d forward: max error %g", n, d)
		}
		inv := f.Sequence(nil, got)
		if d := maxAbsDiff(inv, x); d > 1e-12*float64(n) {
			t.Errorf("n=%d round trip: max error %g", n, d)
		}
		// In place gives the same result.
		y := append([]complex128(nil), x...)
		f.Coefficients(y, y)
		if d := maxAbsDiff(y, got); d != 0 {
			t.Errorf("n=%d in place differs by %g", n, d)
		}
	}
}

func TestFFTKnown(t *testing.T) {
	f, _ := NewFFT(4)
	got := f.Coefficients(nil, []complex128{1, 2, 3, 4})
	want := []complex128{10, complex(-2, 2), -2, complex(-2, -2)}
	if d := maxAbsDiff(got, want); d > 1e-12 {
		t.Errorf("FFT(1,2,3,4) = %v, want %v", got, want)
	}
}

func TestRFFTAgainstNaiveDFT(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{2, 4, 8, 16, 32, 64, 128, 512, 2048, 4096} {
		x := make([]float64, n)
		xc := make([]complex128, n)
		for i := range x {
			x[i] = rng.NormFloat64()
			xc[i] = complex(x[i], 0)
		}
		r, err := NewRFFT(n)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Coefficients(nil, x)
		want := naiveDFT(xc, false)[:n/2+1]
		if d := maxAbsDiff(got, want); d > 1e-9*float64(n) {
			t.Errorf("n=%d: max error %g", n, d)
		}
		back := r.Sequence(nil, got)
		for i := range x {
			if math.Abs(back[i]-x[i]) > 1e-12*float64(n) {
				t.Errorf("n=%d round trip sample %d: %g, want %g", n, i, back[i], x[i])
				break
			}
		}
	}
}

// TestRFFTSequenceAgainstNaiveDFT checks the inverse real transform of
// arbitrary coefficients (not those of a real sequence's transform) against
// the naive inverse DFT of their Hermitian extension, at every length class
// of the plan (the fused paths for even log₂(n/2) ≥ 4 and the general one).
func TestRFFTSequenceAgainstNaiveDFT(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096} {
		m := n / 2
		spec := make([]complex128, m+1)
		for i := range spec {
			spec[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		full := make([]complex128, n)
		full[0] = complex(real(spec[0]), 0)
		full[m] = complex(real(spec[m]), 0)
		for k := 1; k < m; k++ {
			full[k] = spec[k]
			full[n-k] = cmplx.Conj(spec[k])
		}
		want := naiveDFT(full, true)
		r, err := NewRFFT(n)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Sequence(make([]float64, n), spec)
		for i := range got {
			if d := math.Abs(got[i] - real(want[i])); d > 1e-12*float64(n) {
				t.Errorf("n=%d sample %d: %g, want %g", n, i, got[i], real(want[i]))
				break
			}
		}
	}
}

func TestRFFTInverseIgnoresEdgeImaginaryPartsSizes(t *testing.T) {
	for _, n := range []int{8, 32, 2048} {
		testRFFTInverseIgnoresEdgeImaginaryParts(t, n)
	}
}

func testRFFTInverseIgnoresEdgeImaginaryParts(t *testing.T, n int) {
	r, _ := NewRFFT(n)
	spec := make([]complex128, n/2+1)
	for i := range spec {
		spec[i] = complex(float64(i%5), float64(i%3)-1)
	}
	spec[0], spec[n/2] = complex(1, 5), complex(4, -7)
	a := r.Sequence(nil, spec)
	spec[0], spec[n/2] = 1, 4
	b := r.Sequence(nil, spec)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-15 {
			t.Fatalf("n=%d: imaginary parts of DC/Nyquist leak into sample %d: %g vs %g", n, i, a[i], b[i])
		}
	}
}

func TestRFFTInverseIgnoresEdgeImaginaryParts(t *testing.T) {
	r, _ := NewRFFT(8)
	spec := []complex128{complex(1, 5), 2, complex(0, 1), 3, complex(4, -7)}
	a := r.Sequence(nil, spec)
	spec[0], spec[4] = 1, 4
	b := r.Sequence(nil, spec)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-15 {
			t.Fatalf("imaginary parts of DC/Nyquist leak into sample %d: %g vs %g", i, a[i], b[i])
		}
	}
}

func TestFFTRejectsBadLengths(t *testing.T) {
	for _, n := range []int{0, -2, 3, 6, 1000} {
		if _, err := NewFFT(n); err == nil {
			t.Errorf("NewFFT(%d): no error", n)
		}
		if _, err := NewRFFT(n); err == nil {
			t.Errorf("NewRFFT(%d): no error", n)
		}
	}
	if _, err := NewRFFT(1); err == nil {
		t.Error("NewRFFT(1): no error")
	}
}

func TestHann(t *testing.T) {
	tests := []struct {
		n    int
		want []float64
	}{
		{1, []float64{0}},
		{4, []float64{0, 0.5, 1, 0.5}},
		{8, []float64{0, 0.14644660940672624, 0.5, 0.8535533905932737, 1, 0.8535533905932737, 0.5, 0.14644660940672624}},
	}
	for _, tc := range tests {
		got := Hann(make([]float64, tc.n))
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("Hann(%d)[%d] = %g, want %g", tc.n, i, got[i], tc.want[i])
			}
		}
	}
	// Periodic: the squared window overlap-added at hop n/4 is constant 1.5.
	w := Hann(make([]float64, 2048))
	for i := 0; i < 512; i++ {
		var s float64
		for k := 0; k < 4; k++ {
			s += w[i+512*k] * w[i+512*k]
		}
		if math.Abs(s-1.5) > 1e-12 {
			t.Fatalf("window-sum-square at %d = %g, want 1.5", i, s)
		}
	}
}

func BenchmarkRFFT2048(b *testing.B) { benchmarkRFFT(b, 2048) }

// benchmarkRFFT times the forward real transform of length n.
func benchmarkRFFT(b *testing.B, n int) {
	r, _ := NewRFFT(n)
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	dst := make([]complex128, n/2+1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Coefficients(dst, x)
	}
}

func BenchmarkIRFFT2048(b *testing.B) {
	r, _ := NewRFFT(2048)
	x := make([]complex128, 1025)
	for i := range x {
		x[i] = complex(math.Sin(float64(i)), math.Cos(float64(3*i)))
	}
	dst := make([]float64, 2048)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Sequence(dst, x)
	}
}

func BenchmarkFFT1024(b *testing.B) {
	f, _ := NewFFT(1024)
	x := make([]complex128, 1024)
	for i := range x {
		x[i] = complex(math.Sin(float64(i)), math.Cos(float64(3*i)))
	}
	dst := make([]complex128, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Coefficients(dst, x)
	}
}

// BenchmarkRFFT1024 is the tempogram's transform.
func BenchmarkRFFT1024(b *testing.B) { benchmarkRFFT(b, 1024) }
