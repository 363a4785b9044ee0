package features

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

func TestOnsetPad(t *testing.T) {
	if OnsetPad != 3 {
		t.Fatalf("OnsetPad = %d, want 3 (lag 1 + 2048/(2·512))", OnsetPad)
	}
}

func TestOnsetStrengthKnown(t *testing.T) {
	// 2 bands × 7 frames, rows are bands.
	mel := []float64{
		0, 1, 3, 2, 2, 5, 9, // band 0: diffs +1 +2 −1 0 +3 +4
		0, 0, -1, 4, 4, 4, 0, // band 1: diffs 0 −1 +5 0 0 −4
	}
	tests := []struct {
		name string
		agg  OnsetAggregate
		want []float64
	}{
		// env[t] = agg(max(0, S[:, t−2] − S[:, t−3])) for t ≥ 3; the last
		// two differences fall off the end.
		{"mean", OnsetMean, []float64{0, 0, 0, 0.5, 1, 2.5, 0}},
		// median of two values is their mean
		{"median", OnsetMedian, []float64{0, 0, 0, 0.5, 1, 2.5, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := OnsetStrengthAggregate(nil, mel, 2, 7, tc.agg)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if got := OnsetStrength(nil, mel, 2, 7); !slices.Equal(got, tests[0].want) {
		t.Errorf("OnsetStrength = %v", got)
	}
}

func TestOnsetStrengthMedianOdd(t *testing.T) {
	// 3 bands × 4 frames; only t = 3 is non-zero: diffs of frames 0→1.
	mel := []float64{
		0, 5, 0, 0,
		0, 1, 0, 0,
		0, -2, 0, 0,
	}
	got := OnsetStrengthAggregate(nil, mel, 3, 4, OnsetMedian)
	if want := []float64{0, 0, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("median: got %v, want %v", got, want)
	}
	got = OnsetStrengthAggregate(got, mel, 3, 4, OnsetMean)
	if want := []float64{0, 0, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("mean: got %v, want %v", got, want)
	}
}

// naiveOnset is the reference: librosa's steps one by one (difference,
// rectify, aggregate, pad, trim) on a band-major matrix.
func naiveOnset(mel []float64, nMels, nFrames int) []float64 {
	diff := make([]float64, 0, nFrames)
	for t := 0; t+1 < nFrames; t++ {
		s := 0.0
		for m := 0; m < nMels; m++ {
			s += math.Max(0, mel[m*nFrames+t+1]-mel[m*nFrames+t])
		}
		diff = append(diff, s/float64(nMels))
	}
	env := append(make([]float64, 3), diff...)
	return env[:nFrames]
}

func TestOnsetStrengthRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, tc := range []struct{ nMels, nFrames int }{
		{128, 1293}, {128, 4}, {128, 3}, {128, 1}, {1, 50}, {5, 10},
	} {
		mel := make([]float64, tc.nMels*tc.nFrames)
		for i := range mel {
			mel[i] = -80 * rng.Float64()
		}
		got := OnsetStrength(make([]float64, 2), mel, tc.nMels, tc.nFrames)
		want := naiveOnset(mel, tc.nMels, tc.nFrames)
		if len(got) != tc.nFrames {
			t.Fatalf("%+v: len %d", tc, len(got))
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%+v: env[%d] = %g, want %g", tc, i, got[i], want[i])
			}
		}
	}
}

func TestOnsetStrengthEdges(t *testing.T) {
	if got := OnsetStrength(nil, nil, 128, 0); len(got) != 0 {
		t.Errorf("no frames: %v", got)
	}
	if got := OnsetStrength(nil, nil, 0, 5); !slices.Equal(got, make([]float64, 5)) {
		t.Errorf("no bands: %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("short input did not panic")
		}
	}()
	OnsetStrength(nil, make([]float64, 10), 128, 5)
}

func TestOnsetStrengthNoAlloc(t *testing.T) {
	const nMels, nFrames = 128, 1293
	mel := make([]float64, nMels*nFrames)
	rng := rand.New(rand.NewSource(8))
	for i := range mel {
		mel[i] = rng.NormFloat64()
	}
	dst := make([]float64, nFrames)
	for _, agg := range []OnsetAggregate{OnsetMean, OnsetMedian} {
		if a := testing.AllocsPerRun(5, func() { dst = OnsetStrengthAggregate(dst, mel, nMels, nFrames, agg) }); a != 0 {
			t.Errorf("aggregate %d: %v allocations", agg, a)
		}
	}
}

func TestMedianNonNegative(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, n := range []int{1, 2, 3, 4, 5, 16, 127, 128, 129, 256} {
		for _, zeroFrac := range []float64{0, 0.3, 0.5, 0.51, 0.9, 1} {
			for rep := 0; rep < 20; rep++ {
				x := make([]float64, n)
				for i := range x {
					switch {
					case rng.Float64() < zeroFrac:
					case rep%4 == 0:
						x[i] = float64(rng.Intn(4)) // ties
					default:
						x[i] = rng.ExpFloat64()
					}
				}
				s := slices.Clone(x)
				slices.Sort(s)
				want := s[n/2]
				if n%2 == 0 {
					want = 0.5 * (s[n/2-1] + s[n/2])
				}
				if got := medianNonNegative(x); got != want {
					t.Fatalf("n %d, zeros %.2f, rep %d: median %g, want %g (%v)", n, zeroFrac, rep, got, want, s)
				}
			}
		}
	}
}
