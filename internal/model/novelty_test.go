package model

import (
	"math"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

// TestNoveltyShrinksTowardsTarget checks the abstention rule on the toy
// model: the stored reference is the nearest-rank quantile of the training
// rows' distances, inputs at a chosen distance get λ = clamp((d − lo)/(hi −
// lo), 0, 1), and Predict returns (1 − λ)·p + λ·π_t for every target, p
// being the prediction without abstention.
func TestNoveltyShrinksTowardsTarget(t *testing.T) {
	m := toyModel(t)
	a := m.abstain
	if a.quantile != AbstainQuantile || a.start != AbstainStart || a.full != AbstainFull {
		t.Fatalf("abstention %+v, want the package constants", a)
	}
	X, _ := toyData()
	var ds []float64
	for _, x := range X {
		d, _, err := m.Novelty(x)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	if want := quantile(ds, AbstainQuantile); a.reference != want {
		t.Fatalf("reference %v, want the %v quantile of the training distances %v", a.reference, AbstainQuantile, want)
	}
	lo, hi := a.bounds()
	if !(lo > 0 && hi > lo) {
		t.Fatalf("bounds %v, %v", lo, hi)
	}

	// Inputs along feature "a" (not log-transformed) with the other
	// standardised inputs at 0: d = |z_a|/√3.
	in := m.inputs
	at := func(d float64) []float64 {
		za := d * math.Sqrt(3)
		return []float64{in[0].Mean + za*in[0].Scale, math.Exp(in[1].Mean) - in[1].Offset, in[2].Mean}
	}
	plain := withoutAbstention(m)
	for _, target := range []string{TargetFMA, TargetTrain, TargetUniform} {
		if err := m.SetTarget(target); err != nil {
			t.Fatal(err)
		}
		if err := plain.SetTarget(target); err != nil {
			t.Fatal(err)
		}
		pi := m.Fallback()
		for _, tc := range []struct{ d, lambda float64 }{
			{0, 0}, {lo / 2, 0}, {lo, 0}, {lo + 0.25*(hi-lo), 0.25}, {(lo + hi) / 2, 0.5}, {hi, 1}, {2 * hi, 1}, {300, 1},
		} {
			x := at(tc.d)
			d, lambda, err := m.Novelty(x)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(d-tc.d) > 1e-9*(1+tc.d) || math.Abs(lambda-tc.lambda) > 1e-9 {
				t.Errorf("Novelty at distance %v: d %v, λ %v; want λ %v", tc.d, d, lambda, tc.lambda)
			}
			p0, err := plain.Predict(nil, x)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Predict(nil, x)
			if err != nil {
				t.Fatal(err)
			}
			checkRow(t, p)
			for c := range p {
				if want := (1-tc.lambda)*p0[c] + tc.lambda*pi[c]; math.Abs(p[c]-want) > 1e-12 {
					t.Errorf("target %s, d %v: p(%s) = %v, want (1−λ)·%v + λ·%v = %v", target, tc.d, genre.Classes[c], p[c], p0[c], pi[c], want)
				}
			}
		}
	}
	if _, _, err := m.Novelty([]float64{1, 2}); err == nil {
		t.Error("Novelty of a short vector succeeded")
	}
	if _, _, err := m.Novelty([]float64{1, math.NaN(), 3}); err == nil {
		t.Error("Novelty of a NaN succeeded")
	}
}

// withoutAbstention returns a copy of m whose abstention never acts
// (λ = 0 below RMS z ZClip − 1): the plain calibrated, prior-shifted
// regression, e.g. to reproduce the peer, which has no abstention.
func withoutAbstention(m *Model) *Model {
	c := *m
	c.abstain = abstention{quantile: 1, reference: 1, start: ZClip - 1, full: ZClip}
	return &c
}

func TestQuantile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3}
	for _, tc := range []struct{ q, want float64 }{{0.01, 1}, {0.2, 1}, {0.21, 2}, {0.5, 3}, {0.99, 5}, {1, 5}} {
		if got := quantile(v, tc.q); got != tc.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", v, tc.q, got, tc.want)
		}
	}
	if v[0] != 5 {
		t.Error("quantile sorted its input")
	}
}
