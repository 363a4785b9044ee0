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
			pw := float64(real(v)*real(v)) + float64(imag(v)*imag(v))
			if p[k] != pw || mag[k] != math.Sqrt(pw) || p32[k] != float32(pw) || m32[k] != float32(math.Sqrt(pw)) {
				t.Fatalf("n %d, bin %d: %v %v %v %v, want %v %v %v %v", n, k, p[k], mag[k], p32[k], m32[k],
					pw, math.Sqrt(pw), float32(pw), float32(math.Sqrt(pw)))
			}
		}
	}
}

func TestSoftMask2Exact(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	value := func() float32 {
		switch rng.Intn(6) {
		case 0:
			return 0
		case 1:
			return float32(rng.Float64()) * 0x1p-126 // subnormal, below the smallest normal
		case 2:
			return 0x1p-126
		default:
			return float32(rng.ExpFloat64() * math.Pow(10, float64(rng.Intn(8)-4)))
		}
	}
	for n := 0; n <= 41; n++ {
		spec := make([]complex128, n)
		x, ref := make([]float32, n), make([]float32, n)
		for k := range spec {
			spec[k] = complex(rng.NormFloat64(), rng.NormFloat64())
			x[k], ref[k] = value(), value()
		}
		got := make([]complex128, n)
		SoftMask2(got, spec, x, ref)
		want := make([]complex128, n)
		softMask2Go(want, spec, x, ref)
		for k := range spec {
			a, b := float64(x[k]), float64(ref[k])
			g := 0.5
			if max(a, b) >= 0x1p-126 {
				g = float64(a*a) / (float64(a*a) + float64(b*b))
			}
			w := complex(real(spec[k])*g, imag(spec[k])*g)
			if got[k] != w || want[k] != w {
				t.Fatalf("n %d, bin %d (x %g, ref %g): vector %v, Go %v, want %v", n, k, x[k], ref[k], got[k], want[k], w)
			}
		}
		SoftMask2(spec, spec, x, ref) // in place
		for k := range spec {
			if spec[k] != got[k] {
				t.Fatalf("n %d, bin %d: in place %v, want %v", n, k, spec[k], got[k])
			}
		}
	}
}

func TestDot32AndWindow(t *testing.T) {
	rng := rand.New(rand.NewSource(21))
	for n := 0; n <= 70; n++ {
		a, w := make([]float64, n), make([]float64, n+2)
		b := make([]float32, n+2)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i], w[i] = float32(rng.NormFloat64()), rng.Float64()
		}
		var want, scale float64
		for i := range a {
			want += a[i] * float64(b[i])
			scale += math.Abs(a[i] * float64(b[i]))
		}
		if got := dot32(a, b); math.Abs(got-want) > 1e-14*scale {
			t.Errorf("dot32, n %d: %v, want %v", n, got, want)
		}
		if got := dot32Go(a, b); math.Abs(got-want) > 1e-14*scale {
			t.Errorf("dot32Go, n %d: %v, want %v", n, got, want)
		}
		dst := make([]float64, n)
		window(dst, b, w)
		for i := range dst {
			if want := float64(b[i]) * w[i]; dst[i] != want {
				t.Fatalf("window, n %d, sample %d: %v, want %v", n, i, dst[i], want)
			}
		}
	}
}

func TestFilterbankApply32(t *testing.T) {
	f, err := NewChromaFilterbank(22050, 2048, 12, 0.1, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(23))
	x32 := make([]float32, f.Cols)
	x := make([]float64, f.Cols)
	for i := range x32 {
		x32[i] = float32(rng.ExpFloat64())
		x[i] = float64(x32[i])
	}
	got, want := f.Apply32(nil, x32), f.Apply(nil, x)
	for r := range want {
		if math.Abs(got[r]-want[r]) > 1e-11*math.Abs(want[r]) {
			t.Errorf("row %d: Apply32 %v, Apply %v", r, got[r], want[r])
		}
	}
}

func TestMulAddExact(t *testing.T) {
	rng := rand.New(rand.NewSource(29))
	for n := 0; n <= 23; n++ {
		dst, a, b := make([]float64, n), make([]float64, n+1), make([]float64, n+1)
		for i := range a {
			a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		for i := range dst {
			dst[i] = rng.NormFloat64()
		}
		want := append([]float64(nil), dst...)
		for i := range want {
			want[i] += float64(a[i] * b[i])
		}
		mulAdd(dst, a, b)
		for i := range dst {
			if dst[i] != want[i] {
				t.Fatalf("n %d, %d: %v, want %v", n, i, dst[i], want[i])
			}
		}
	}
}

func TestMaxOf(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	for n := 1; n <= 40; n++ {
		for rep := 0; rep < 5; rep++ {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			want := x[0]
			for _, v := range x {
				want = math.Max(want, v)
			}
			if got := maxOf(x); got != want {
				t.Fatalf("n %d: %v, want %v", n, got, want)
			}
		}
	}
}

func TestGemv12T(t *testing.T) {
	if !hasGemv12T() {
		t.Skip("no vector kernel on this machine or build")
	}
	rng := rand.New(rand.NewSource(43))
	for n := 0; n <= 9; n++ {
		wT, x := make([]float64, 12*n), make([]float32, n)
		for i := range wT {
			wT[i] = rng.NormFloat64()
		}
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		dst := make([]float64, 12)
		gemv12TAVX(dst, wT, x)
		for r := 0; r < 12; r++ {
			var want, scale float64
			for k := 0; k < n; k++ {
				want += wT[12*k+r] * float64(x[k])
				scale += math.Abs(wT[12*k+r] * float64(x[k]))
			}
			if math.Abs(dst[r]-want) > 1e-14*scale {
				t.Errorf("n %d, row %d: %v, want %v", n, r, dst[r], want)
			}
		}
	}
}

func TestAbove(t *testing.T) {
	rng := rand.New(rand.NewSource(47))
	for _, n := range []int{0, 1, 63, 64, 65, 128, 1025} {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(rng.Intn(5)) // ties with ref
		}
		mask := make([]uint64, (n+63)/64)
		for i := range mask {
			mask[i] = ^uint64(0) // must be overwritten
		}
		above(mask, s, 2)
		for i, v := range s {
			if got := mask[i/64]>>(i%64)&1 == 1; got != (v > 2) {
				t.Fatalf("n %d, bin %d (%v): bit %v", n, i, v, got)
			}
		}
		if n%64 != 0 && mask[len(mask)-1]>>(n%64) != 0 {
			t.Fatalf("n %d: bits beyond the end are set", n)
		}
	}
}

func TestApplyRuns(t *testing.T) {
	rng := rand.New(rand.NewSource(53))
	const rows, cols = 7, 40
	w := make([]float64, rows*cols)
	x := make([]float64, cols)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	var runs []bankRun
	for r := 0; r < rows; r++ {
		for lo := 0; lo < cols; {
			hi := min(cols, lo+rng.Intn(19)) // empty runs and runs of 1 … 18
			runs = append(runs, bankRun{r, lo, hi, r*cols + lo})
			lo = hi + 1
		}
	}
	checkRuns(rows, len(w), cols, runs)
	got, want := make([]float64, rows), make([]float64, rows)
	applyRuns(got, w, x, runs)
	applyRunsGo(want, w, x, runs)
	for r := range want {
		if math.Abs(got[r]-want[r]) > 1e-13*(1+math.Abs(want[r])) {
			t.Errorf("row %d: %v, want %v", r, got[r], want[r])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("checkRuns accepted a run past the weights")
		}
	}()
	checkRuns(rows, len(w), cols, []bankRun{{0, 0, cols, len(w) - 1}})
}
