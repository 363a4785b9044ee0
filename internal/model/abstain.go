package model

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Abstention constants: how far from the training data an input must lie
// before Predict moves its output towards the target prior. Distances are
// the RMS of the standardised model inputs (Novelty); d_q is their
// AbstainQuantile quantile over the training rows, stored in the model.
// The shrinkage starts at AbstainStart·d_q and is complete at
// AbstainFull·d_q.
//
// The constants were set from measurements (docs/model.md): with the recipe
// trained on train.csv, d_q = 1.80; the 640 GTZAN clips of train.csv and
// valid.csv lie at 2.18 at most (1.21·d_q), the ten reference clips move by
// less than 0.1 when they go through mp3, and every synthetic non-music
// signal measured (white and brown noise, tones, a chord, a tone in noise,
// a sweep, clicks; 30 s each) lies at 3.71 or more (2.06·d_q). Start and
// full split that gap, leaving about 0.15·d_q on either side: no GTZAN clip
// is touched, and every synthetic signal gets exactly the target prior.
const (
	AbstainQuantile = 0.99
	AbstainStart    = 1.4
	AbstainFull     = 1.9
)

// distanceRMSZ names the distance Novelty computes, as stored in the file.
const distanceRMSZ = "rms_z"

// abstention is the stored rule that maps an input's distance from the
// training data to the weight of the target prior.
type abstention struct {
	quantile  float64 // q: which quantile of the training distances reference is
	reference float64 // d_q
	start     float64 // a: λ > 0 beyond a·d_q
	full      float64 // b: λ = 1 from b·d_q on
}

// fitAbstention returns the abstention rule for training rows whose
// standardised inputs are given by b, with the package constants.
func fitAbstention(b *base, X [][]float64) (abstention, error) {
	if len(X) == 0 {
		return abstention{}, errors.New("abstention: no rows")
	}
	d := make([]float64, len(X))
	z := make([]float64, 0, len(b.inputs))
	for i, row := range X {
		z = b.standardised(z, row)
		d[i] = rmsOf(z)
	}
	a := abstention{quantile: AbstainQuantile, reference: quantile(d, AbstainQuantile), start: AbstainStart, full: AbstainFull}
	if a.check() != nil {
		// Every training row standardised to 0 (one row, or constant
		// columns): any positive reference keeps the rule well defined.
		a.reference = 1
	}
	return a, a.check()
}

// check reports whether the rule is usable.
func (a abstention) check() error {
	lo, hi := a.bounds()
	if !finite(a.quantile, a.reference, a.start, a.full) || !(a.quantile > 0 && a.quantile <= 1) ||
		!(a.reference > 0) || !(a.start > 0) || !(a.full > a.start) || !(lo >= 0 && hi > lo && hi <= ZClip) {
		return fmt.Errorf("abstention: quantile %v, reference %v, start %v, full %v; want q in (0, 1], reference > 0, 0 < start < full, full·reference ≤ %g",
			a.quantile, a.reference, a.start, a.full, float64(ZClip))
	}
	return nil
}

// bounds returns the distances at which shrinkage starts and is complete.
func (a abstention) bounds() (lo, hi float64) { return a.start * a.reference, a.full * a.reference }

// lambda returns the weight of the target prior at distance d.
func (a abstention) lambda(d float64) float64 {
	lo, hi := a.bounds()
	return math.Min(1, math.Max(0, (d-lo)/(hi-lo)))
}

// rmsOf returns the root mean square of z (0 for an empty slice).
func rmsOf(z []float64) float64 {
	if len(z) == 0 {
		return 0
	}
	var ss float64
	for _, v := range z {
		ss += v * v
	}
	return math.Sqrt(ss / float64(len(z)))
}

// quantile returns the nearest-rank q-quantile of v (the ⌈q·n⌉-th
// smallest value); v is not modified.
func quantile(v []float64, q float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(len(s)-1, max(0, i))]
}
