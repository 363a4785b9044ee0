package features

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/genrec/genrec/internal/params"
)

const (
	testSR  = params.SampleRate
	testHop = params.Hop
	// testFrames is the envelope length of a 30-s GTZAN clip.
	testFrames = 1 + 661794/params.Hop
)

// impulseTrain returns an envelope of n frames with value 1 every period
// frames, starting at offset, and a small constant floor elsewhere.
func impulseTrain(n, period, offset int, floor float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = floor
	}
	for i := offset; i < n; i += period {
		x[i] = 1
	}
	return x
}

func TestTempoFrequency(t *testing.T) {
	tests := []struct {
		lag  int
		want float64
	}{
		{0, math.Inf(1)},
		{21, 123.046875},
		{22, 117.45383522727273},
		{24, 107.666015625},
		{27, 95.703125},
		{29, 89.10290948275862},
		{30, 86.1328125},
	}
	for _, tc := range tests {
		if got := TempoFrequency(tc.lag, testSR, testHop); got != tc.want {
			t.Errorf("lag %d: %v, want %v", tc.lag, got, tc.want)
		}
	}
}

func TestTempoEstimatorShape(t *testing.T) {
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	if e.WinLength() != 344 {
		t.Errorf("win length %d, want 344 (8 s at 22050/512)", e.WinLength())
	}
	// Lags 0…8 are at or above 320 BPM and excluded; lag 9 is allowed.
	for k := 0; k <= 8; k++ {
		if !math.IsInf(e.logPrior[k], -1) {
			t.Errorf("lag %d (%.1f BPM) not excluded", k, e.bpm[k])
		}
	}
	if math.IsInf(e.logPrior[9], -1) {
		t.Error("lag 9 excluded")
	}
}

func TestTempoImpulseTrains(t *testing.T) {
	tests := []struct {
		name    string
		period  int
		offset  int
		floor   float64
		n       int
		wantLag int
	}{
		{"period 21", 21, 5, 0, testFrames, 21},
		{"period 22", 22, 0, 0, testFrames, 22},
		{"period 22 with floor", 22, 3, 0.05, testFrames, 22},
		{"period 27", 27, 11, 0, testFrames, 27},
		{"period 30", 30, 1, 0.01, testFrames, 30},
		{"period 24 short clip", 24, 2, 0, 300, 24},
		// 43 frames = 60.1 BPM; its half period is not a lag with
		// evidence, so the prior cannot move it.
		{"period 43", 43, 0, 0, testFrames, 43},
		// 11 frames = 234.9 BPM: every 22nd frame is a pulse too, and the
		// prior prefers that octave, 117.5 BPM (librosa's classic octave
		// error).
		{"period 11", 11, 4, 0, testFrames, 22},
	}
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := impulseTrain(tc.n, tc.period, tc.offset, tc.floor)
			want := TempoFrequency(tc.wantLag, testSR, testHop)
			if got := e.Estimate(env); got != want {
				t.Errorf("estimator: %v BPM, want %v", got, want)
			}
			if got := Tempo(env, testSR, testHop); got != want {
				t.Errorf("Tempo: %v BPM, want %v", got, want)
			}
		})
	}
}

func TestTempoPrior(t *testing.T) {
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		evidence map[int]float64 // lag → mean tempogram value
		wantLag  int
	}{
		// Equal evidence at 117.5 and 58.7 BPM: the prior picks the one
		// nearer 120.
		{"60 vs 120", map[int]float64{22: 0.5, 44: 0.5}, 22},
		// 123.0 vs 117.5 BPM: log2 distance 0.036 vs 0.031 octave.
		{"adjacent lags", map[int]float64{21: 0.5, 22: 0.5}, 22},
		// 258 vs 64.6 BPM: 1.11 vs 0.89 octave from 120.
		{"fast vs slow", map[int]float64{10: 0.5, 40: 0.5}, 40},
		// Strong evidence beats the prior.
		{"strong slow", map[int]float64{22: 0.1, 44: 0.9}, 44},
		// Above 320 BPM nothing counts.
		{"excluded lag", map[int]float64{8: 1, 30: 0.01}, 30},
		// Nothing at all: the prior alone, 117.45 BPM.
		{"no evidence", map[int]float64{}, 22},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := make([]float64, e.WinLength())
			for k, v := range tc.evidence {
				tg[k] = v
			}
			if got := bestLag(tg, e.logPrior); got != tc.wantLag {
				t.Errorf("best lag %d (%.2f BPM), want %d", got, e.bpm[got], tc.wantLag)
			}
		})
	}
}

func TestTempoSilence(t *testing.T) {
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []float64
	}{
		{"empty", nil},
		{"all zero", make([]float64, testFrames)},
		{"one zero", []float64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.Estimate(tc.env); got != 0 {
				t.Errorf("got %v, want 0", got)
			}
			for k, v := range e.MeanTempogram() {
				if v != 0 {
					t.Fatalf("mean tempogram[%d] = %v after silence", k, v)
				}
			}
		})
	}
	// A single non-zero frame, even a tiny one, is finite and quantised.
	env := make([]float64, 100)
	env[50] = 1e-30
	got := e.Estimate(env)
	if math.IsNaN(got) || math.IsInf(got, 0) || got <= 0 || got >= TempoMaxBPM {
		t.Errorf("tiny envelope: %v", got)
	}
}

func TestTempoBadParams(t *testing.T) {
	for _, p := range []struct{ sr, hop int }{{0, 512}, {22050, 0}, {-1, 1}, {10, 512}} {
		if _, err := NewTempoEstimator(p.sr, p.hop); !errors.Is(err, ErrTempoParams) {
			t.Errorf("sr %d hop %d: err %v", p.sr, p.hop, err)
		}
		if got := Tempo([]float64{1, 0, 1}, p.sr, p.hop); got != 0 {
			t.Errorf("Tempo with sr %d hop %d = %v", p.sr, p.hop, got)
		}
	}
}

// naiveMeanTempogram spells librosa's tempogram out step by step: ramp
// padding, framing, Hann window, full autocorrelation, max-abs
// normalisation, mean over frames.
func naiveMeanTempogram(env []float64, win int) []float64 {
	n, half := len(env), win/2
	var padded []float64
	for i := 0; i < half; i++ { // linspace(0, env[0], half, endpoint=False)
		padded = append(padded, env[0]*float64(i)/float64(half))
	}
	padded = append(padded, env...)
	for i := half - 1; i >= 0; i-- { // reversed linspace(0, env[n-1], half)
		padded = append(padded, env[n-1]*float64(i)/float64(half))
	}
	mean := make([]float64, win)
	for t := 0; t < n; t++ {
		x := make([]float64, win)
		for j := range x {
			w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(j)/float64(win))
			x[j] = padded[t+j] * w
		}
		ac := make([]float64, win)
		peak := 0.0
		for k := range ac {
			for j := 0; j+k < win; j++ {
				ac[k] += x[j] * x[j+k]
			}
			peak = math.Max(peak, math.Abs(ac[k]))
		}
		if peak == 0 {
			peak = 1
		}
		for k := range ac {
			mean[k] += ac[k] / peak / float64(n)
		}
	}
	return mean
}

func TestMeanTempogramMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 7, 200, 600} {
		env := make([]float64, n)
		for i := range env {
			env[i] = rng.ExpFloat64()
		}
		e.Estimate(env)
		want := naiveMeanTempogram(env, e.WinLength())
		got := e.MeanTempogram()
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12*math.Max(1, math.Abs(want[k])) {
				t.Fatalf("n=%d lag %d: %v, want %v", n, k, got[k], want[k])
			}
		}
		if math.Abs(got[0]-1) > 1e-12 {
			t.Errorf("n=%d: lag-0 mean %v, want 1", n, got[0])
		}
	}
}

func TestTempoNoAlloc(t *testing.T) {
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		t.Fatal(err)
	}
	env := impulseTrain(testFrames, 23, 0, 0.1)
	e.Estimate(env) // sizes the buffers
	if a := testing.AllocsPerRun(3, func() { e.Estimate(env) }); a != 0 {
		t.Errorf("%v allocations per Estimate", a)
	}
}

func BenchmarkTempoEstimate(b *testing.B) {
	e, err := NewTempoEstimator(testSR, testHop)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(10))
	env := make([]float64, testFrames)
	for i := range env {
		env[i] = rng.ExpFloat64()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Estimate(env)
	}
}
