package bench

import (
	"math"
	"testing"
)

// phase returns a Phase of n clips taking wall (and as much CPU) seconds,
// each clip 30 s of audio.
func phase(name string, workers int, wall float64) Phase {
	const n = 10
	return Phase{Name: name, Workers: workers, Clips: n, WallSeconds: wall, CPUSeconds: wall,
		ClipsPerSecond: n / wall, AudioSeconds: n * clipSeconds}
}

func round(decode, plain, e2e, decode2, e2e2 float64) []Phase {
	return []Phase{
		phase("decode-only", 1, decode), phase("plain-statistics", 1, plain), phase("end-to-end", 1, e2e),
		phase("decode-only", 2, decode2), phase("end-to-end", 2, e2e2),
	}
}

func TestRatiosOf(t *testing.T) {
	q := ratiosOf(round(1, 1.5, 3, 0.6, 1.6), 2)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"ratio", q.Ratio, 3},
		{"ratio CPU", q.RatioCPU, 3},
		{"plain", q.PlainRatio, 1.5},
		{"plain CPU", q.PlainRatioCPU, 1.5},
		{"all workers", q.RatioAll, 1.6 / 0.6},
		{"scaling", q.Scaling, 3 / 1.6},
		// 10 clips of 30 s: librosa 10 × (1.6 + 0.37) s against 3 s.
		{"librosa", q.LibrosaSpeedup, 19.7 / 3},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if q := ratiosOf(round(1, 1.5, 3, 0.6, 1.6), 1); q.Scaling != 0 || q.RatioAll != 0 {
		t.Errorf("one worker: scaling %v and all-workers ratio %v, want 0", q.Scaling, q.RatioAll)
	}
}

// TestMedianRounds checks that the report takes, ratio by ratio, the
// median over rounds of ratios measured within each round: a round where
// the whole machine was slow moves no ratio.
func TestMedianRounds(t *testing.T) {
	rounds := [][]Phase{
		round(1, 1.5, 3, 0.6, 1.6),
		round(2, 3, 6, 1.2, 3.2), // everything twice as slow: the same ratios
		round(1, 1.2, 4, 0.6, 2.5),
	}
	var rs []Ratios
	for _, r := range rounds {
		rs = append(rs, ratiosOf(r, 2))
	}
	m := medianRatios(rs)
	if m.Ratio != 3 || m.PlainRatio != 1.5 {
		t.Errorf("median ratio %v, plain %v; want 3 and 1.5", m.Ratio, m.PlainRatio)
	}
	ph := medianPhases(rounds)
	if len(ph) != 5 {
		t.Fatalf("%d phases, want 5", len(ph))
	}
	if ph[0].WallSeconds != 1 || ph[2].WallSeconds != 4 {
		t.Errorf("median decode-only and end-to-end runs: %v s and %v s, want 1 and 4", ph[0].WallSeconds, ph[2].WallSeconds)
	}
	if got := median([]float64{3, 1, 2, 10}); got != 2.5 {
		t.Errorf("median of an even count = %v, want 2.5", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median of nothing = %v", got)
	}
}
