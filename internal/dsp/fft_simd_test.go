package dsp

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand"
	"testing"
)

// fftPaths are the two implementations of the plans: the vector kernels
// (where useSIMD is true on this machine) and the pure-Go code, forced by
// building the plans with useSIMD false.
var fftPaths = []struct {
	name   string
	pureGo bool
}{{"simd", false}, {"purego", true}}

// withPath calls fn with plans built for the given path.
func withPath(t testing.TB, pureGo bool, fn func()) {
	t.Helper()
	saved := useSIMD
	if pureGo {
		useSIMD = false
	}
	defer func() { useSIMD = saved }()
	fn()
}

// fastNaiveDFT is the O(n²) DFT with the roots of unity tabulated (exact
// index arithmetic, one sincos per root).
func fastNaiveDFT(x []complex128, inverse bool) []complex128 {
	n := len(x)
	sign := -1.0
	if inverse {
		sign = 1
	}
	roots := make([]complex128, n)
	for k := range roots {
		roots[k] = cmplx.Rect(1, sign*2*math.Pi*float64(k)/float64(n))
	}
	out := make([]complex128, n)
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * roots[j*k%n]
		}
		if inverse {
			s /= complex(float64(n), 0)
		}
		out[k] = s
	}
	return out
}

// relErr returns ‖got − want‖₂ / ‖want‖₂ (or ‖got − want‖₂ if want is 0).
func relErr(got, want []complex128) float64 {
	var d, w float64
	for i := range want {
		d += sqAbs(got[i] - want[i])
		w += sqAbs(want[i])
	}
	if w == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / w)
}

func sqAbs(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

func toComplex(x []float64) []complex128 {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(v, 0)
	}
	return c
}

func randComplex(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return x
}

const tol = 1e-12

// TestFFTPathsAgainstNaiveDFT checks both paths of the complex transform,
// forward and inverse, out of place and in place, against the naive DFT and
// against each other, for every power of two up to 4096.
func TestFFTPathsAgainstNaiveDFT(t *testing.T) {
	t.Logf("useSIMD = %v", useSIMD)
	for n := 1; n <= 4096; n *= 2 {
		rng := rand.New(rand.NewSource(int64(n)))
		x := randComplex(rng, n)
		wantFwd := fastNaiveDFT(x, false)
		wantInv := fastNaiveDFT(x, true)
		results := map[string][2][]complex128{}
		for _, p := range fftPaths {
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				var f *FFT
				withPath(t, p.pureGo, func() {
					var err error
					if f, err = NewFFT(n); err != nil {
						t.Fatal(err)
					}
				})
				if !p.pureGo && useSIMD && n >= minSIMD && f.simd == nil {
					t.Fatal("plan does not take the vector path")
				}
				src := append([]complex128(nil), x...)
				fwd := f.Coefficients(make([]complex128, n), src)
				inv := f.Sequence(make([]complex128, n), src)
				if relErr(src, x) != 0 {
					t.Fatal("source modified")
				}
				inPlaceFwd := append([]complex128(nil), f.Coefficients(src, src)...)
				inPlaceBack := f.Sequence(src, src)
				tests := []struct {
					name      string
					got, want []complex128
				}{
					{"forward", fwd, wantFwd},
					{"inverse", inv, wantInv},
					{"round trip", f.Sequence(nil, fwd), x},
					{"forward in place", inPlaceFwd, fwd},
					{"round trip in place", inPlaceBack, x},
				}
				for _, tc := range tests {
					if e := relErr(tc.got, tc.want); e > tol {
						t.Errorf("%s: relative error %g", tc.name, e)
					}
				}
				results[p.name] = [2][]complex128{fwd, inv}
			})
		}
		a, b := results["simd"], results["purego"]
		if a[0] != nil && b[0] != nil {
			if e := relErr(a[0], b[0]); e > tol {
				t.Errorf("n=%d forward: paths differ by %g", n, e)
			}
			if e := relErr(a[1], b[1]); e > tol {
				t.Errorf("n=%d inverse: paths differ by %g", n, e)
			}
		}
	}
}

// TestRFFTPathsAgainstNaiveDFT checks both paths of the real transform at
// every length it supports up to 4096: the forward transform of a real
// sequence and the inverse of arbitrary coefficients (whose DC and Nyquist
// imaginary parts are ignored) against the naive DFT and each other, and
// the round trip.
func TestRFFTPathsAgainstNaiveDFT(t *testing.T) {
	for n := 2; n <= 4096; n *= 2 {
		m := n / 2
		rng := rand.New(rand.NewSource(int64(n) + 7))
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		wantFwd := fastNaiveDFT(toComplex(x), false)[:m+1]
		spec := randComplex(rng, m+1)
		full := make([]complex128, n)
		full[0] = complex(real(spec[0]), 0)
		full[m] = complex(real(spec[m]), 0)
		for k := 1; k < m; k++ {
			full[k] = spec[k]
			full[n-k] = cmplx.Conj(spec[k])
		}
		wantInv := fastNaiveDFT(full, true)
		results := map[string][2][]complex128{}
		for _, p := range fftPaths {
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				var r *RFFT
				withPath(t, p.pureGo, func() {
					var err error
					if r, err = NewRFFT(n); err != nil {
						t.Fatal(err)
					}
				})
				if !p.pureGo && useSIMD && m >= minSIMD && r.untw == nil {
					t.Fatal("plan does not take the vector path")
				}
				fwd := r.Coefficients(make([]complex128, m+1), x)
				inv := toComplex(r.Sequence(make([]float64, n), spec))
				back := toComplex(r.Sequence(nil, fwd))
				tests := []struct {
					name      string
					got, want []complex128
				}{
					{"forward", fwd, wantFwd},
					{"inverse", inv, wantInv},
					{"round trip", back, toComplex(x)},
				}
				for _, tc := range tests {
					if e := relErr(tc.got, tc.want); e > tol {
						t.Errorf("%s: relative error %g", tc.name, e)
					}
				}
				results[p.name] = [2][]complex128{fwd, inv}
			})
		}
		a, b := results["simd"], results["purego"]
		if a[0] != nil && b[0] != nil {
			if e := relErr(a[0], b[0]); e > tol {
				t.Errorf("n=%d forward: paths differ by %g", n, e)
			}
			if e := relErr(a[1], b[1]); e > tol {
				t.Errorf("n=%d inverse: paths differ by %g", n, e)
			}
		}
	}
}

// TestSIMDKernelsAgainstGo checks each kernel that the vector path calls
// (the assembly ones on amd64) against its portable Go definition.
func TestSIMDKernelsAgainstGo(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, n := range []int{16, 32, 64, 256, 512, 1024} {
		rev := mustFFT(t, n).rev
		tw := simdTwiddles(n)
		for _, inverse := range []bool{false, true} {
			name := fmt.Sprintf("n=%d inverse=%v", n, inverse)
			src := randComplex(rng, n)
			got, want := make([]complex128, n), make([]complex128, n)
			firstPassGather(got, src, rev, inverse)
			firstPassGatherGo(want, src, rev, inverse)
			if e := relErr(got, want); e > tol {
				t.Errorf("%s first pass: %g", name, e)
			}
			m, rest := 4, tw
			for ; 4*m <= n; m *= 4 {
				radix4Pass(got, src, rest[:12*m], m, inverse)
				radix4PassGo(want, src, rest[:12*m], m, inverse)
				if e := relErr(got, want); e > tol {
					t.Errorf("%s radix-4 pass m=%d: %g", name, m, e)
				}
				rest = rest[12*m:]
			}
			if 2*m <= n {
				radix2Pass(got, src, rest[:4*m], inverse)
				radix2PassGo(want, src, rest[:4*m], inverse)
				if e := relErr(got, want); e > tol {
					t.Errorf("%s radix-2 pass: %g", name, e)
				}
			}
			// The untangle of a real transform of length 2n; the kernel
			// leaves k = 0, 1, n/2, n−1 and n unwritten.
			ut := untangleTwiddles(n, inverse)
			usrc := randComplex(rng, n+1)
			got, want = make([]complex128, n+1), make([]complex128, n+1)
			untangle(got, usrc, ut, 0.25, n)
			untangleGo(want, usrc, ut, 0.25, n)
			if e := relErr(got, want); e > tol {
				t.Errorf("%s untangle: %g", name, e)
			}
			for _, k := range []int{0, 1, n / 2, n - 1, n} {
				if got[k] != 0 {
					t.Errorf("%s untangle wrote index %d", name, k)
				}
			}
		}
	}
}

func mustFFT(t *testing.T, n int) *FFT {
	t.Helper()
	f, err := NewFFT(n)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFFTNoAllocs checks that both paths transform into caller-owned
// slices without allocating.
func TestFFTNoAllocs(t *testing.T) {
	for _, p := range fftPaths {
		withPath(t, p.pureGo, func() {
			f := mustFFT(t, 1024)
			r, err := NewRFFT(2048)
			if err != nil {
				t.Fatal(err)
			}
			c, c2 := make([]complex128, 1024), make([]complex128, 1024)
			x, spec := make([]float64, 2048), make([]complex128, 1025)
			allocs := testing.AllocsPerRun(20, func() {
				f.Coefficients(c2, c)
				f.Sequence(c, c2)
				f.Coefficients(c, c)
				r.Coefficients(spec, x)
				r.Sequence(x, spec)
			})
			if allocs != 0 {
				t.Errorf("%s: %v allocations per run", p.name, allocs)
			}
		})
	}
}
