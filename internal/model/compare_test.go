package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
)

// recipeOnValid holds what the shipped recipe (DefaultTrainConfig) trained
// on train.csv measured on valid.csv when it was chosen. TestCompareGTZAN
// asserts these figures (to the rounding shown) so that a change that makes
// the recipe worse fails. The aim of ECE ≤ 0.05 is not reached:
// with 197 rows and 15 bins the ECE of a perfectly calibrated model is
// itself about 0.08 (see the test log).
var recipeOnValid = struct{ logLoss, macroF1, ece float64 }{1.3720, 0.4859, 0.1357}

// fitter trains a predictor of covered-class log-probabilities on rows X
// with covered-class labels y in [0, K).
type fitter func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64)

// lrFitter fits the logistic regression of cfg (no calibration).
func lrFitter(cfg TrainConfig) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		c, err := cfg.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		b, err := fitBase(features, X, y, K, c)
		if err != nil {
			t.Fatal(err)
		}
		return func(dst, x []float64) { b.logProbs(dst, b.standardised(nil, x)) }
	}
}

// mlpFitter fits an MLP on the inputs of cfg, mixed with the regression of
// cfg with weight w (w = 1: the MLP alone).
func mlpFitter(cfg TrainConfig, mc MLPConfig, w float64) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		c, err := cfg.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		if err := mc.check(); err != nil {
			t.Fatal(err)
		}
		b, err := fitBase(features, X, y, K, c)
		if err != nil {
			t.Fatal(err)
		}
		D := len(X[0])
		Z := make([]float64, 0, len(X)*D)
		for _, row := range X {
			Z = append(Z, b.standardised(nil, row)...)
		}
		net, err := trainMLP(Z, y, D, K, mc)
		if err != nil {
			t.Fatal(err)
		}
		return func(dst, x []float64) {
			z := b.standardised(nil, x)
			b.logProbs(dst, z)
			h, l := make([]float64, net.H), make([]float64, K)
			net.forward(net.theta, z, h, l)
			logSoftmax(l)
			for k := range dst {
				dst[k] = math.Log((1-w)*math.Exp(dst[k]) + w*math.Exp(l[k]))
			}
		}
	}
}

// coveredLabels maps genre labels to covered-class indices and returns
// them with the number of covered classes.
func coveredLabels(y []int) ([]int, int) {
	var seen [genre.N]bool
	for _, c := range y {
		seen[c] = true
	}
	var idx [genre.N]int
	K := 0
	for c := range seen {
		if seen[c] {
			idx[c] = K
			K++
		}
	}
	out := make([]int, len(y))
	for i, c := range y {
		out[i] = idx[c]
	}
	return out, K
}

// scoreVariant trains fit on train, optionally calibrates it on
// out-of-fold predictions (folds from foldsOf), and scores valid with the
// "train" target, exactly as Model.Predict with TargetTrain does.
func scoreVariant(t *testing.T, fit fitter, calib string, foldsOf func(y []int, K int) []int, train, valid tableSplit) (metrics.Report, calibration) {
	t.Helper()
	ytr, K := coveredLabels(train.y)
	pred := fit(t, train.features, train.X, ytr, K)
	cal := identityCalibration(K)
	if calib != CalibNone {
		fold := foldsOf(ytr, K)
		nf := 0
		for _, f := range fold {
			nf = max(nf, f+1)
		}
		S := make([][]float64, len(train.X))
		for f := 0; f < nf; f++ {
			var fx [][]float64
			var fy []int
			for i, row := range train.X {
				if fold[i] != f {
					fx, fy = append(fx, row), append(fy, ytr[i])
				}
			}
			p := fit(t, train.features, fx, fy, K)
			for i, row := range train.X {
				if fold[i] == f {
					S[i] = make([]float64, K)
					p(S[i], row)
				}
			}
		}
		var err error
		if cal, err = fitCalibration(calib, S, ytr, K); err != nil {
			t.Fatal(err)
		}
	}
	var cov []int
	var seen [genre.N]bool
	for _, c := range train.y {
		seen[c] = true
	}
	for c := range seen {
		if seen[c] {
			cov = append(cov, c)
		}
	}
	probs := make([][genre.N]float64, len(valid.X))
	s, l := make([]float64, K), make([]float64, K)
	for i, x := range valid.X {
		pred(s, x)
		cal.apply(l, s)
		logSoftmax(l)
		for c := range probs[i] {
			probs[i][c] = PriorFloor / float64(genre.N-K)
		}
		for k, c := range cov {
			probs[i][c] = (1 - PriorFloor) * math.Exp(l[k])
		}
	}
	return metrics.Evaluate(probs, valid.y), cal
}

// seededFolds is a plain k-fold on a seeded permutation (not grouped).
func seededFolds(k int, seed uint64) func(y []int, K int) []int {
	return func(y []int, K int) []int {
		perm := rand.New(rand.NewPCG(seed, seed)).Perm(len(y))
		fold := make([]int, len(y))
		for r, i := range perm {
			fold[i] = r % k
		}
		return fold
	}
}

func contiguous(k int) func(y []int, K int) []int {
	return func(y []int, K int) []int { return contiguousFolds(y, K, k) }
}

// eceFloor estimates the ECE that perfectly calibrated predictions with
// the confidences of probs would show on len(probs) rows: labels are drawn
// from the predictions themselves (fixed seed) and the ECE averaged.
func eceFloor(probs [][genre.N]float64, reps int) float64 {
	rng := rand.New(rand.NewPCG(7, 7))
	ys := make([]int, len(probs))
	var sum float64
	for r := 0; r < reps; r++ {
		for i, p := range probs {
			u := rng.Float64()
			ys[i] = genre.N - 1
			for c, v := range p {
				if u -= v; u <= 0 {
					ys[i] = c
					break
				}
			}
		}
		sum += metrics.Evaluate(probs, ys).ECE
	}
	return sum / float64(reps)
}

// TestCompareGTZAN trains every candidate on train.csv, scores valid.csv
// with the "train" target (as the peer is scored), logs the comparison
// table, and asserts that the shipped recipe beats the classic peer by a
// clear margin and keeps the figures measured when it was chosen.
func TestCompareGTZAN(t *testing.T) {
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	prior := fmaPrior(t, dir)

	peerCfg := TrainConfig{C: 0.1}
	tuned := TrainConfig{C: 0.03, LogVar: true}
	logScale := TrainConfig{C: 0.03, LogVar: true, LogScale: true}
	mc := MLPConfig{Hidden: 16, L2: 3, Seed: 1, MaxIter: 3000, Patience: 100, StopFrac: 0.2}
	none := func([]int, int) []int { return nil }
	rows := []struct {
		name  string
		fit   fitter
		calib string
		folds func([]int, int) []int
	}{
		{"peer: LR C=0.1, raw features (reproduced)", lrFitter(peerCfg), CalibNone, none},
		{"LR C=0.03, log *_var (previous shipped)", lrFitter(tuned), CalibNone, none},
		{"LR C=0.03, log *_var + log scale means", lrFitter(logScale), CalibNone, none},
		{"  + temperature, 5-fold seeded random OOF", lrFitter(logScale), CalibTemperature, seededFolds(5, 1)},
		{"  + temperature, 5 contiguous folds OOF", lrFitter(logScale), CalibTemperature, contiguous(5)},
		{"  + vector scaling, 2 contiguous folds OOF", lrFitter(logScale), CalibVector, contiguous(2)},
		{"  + temperature, 2 contiguous folds OOF (shipped)", lrFitter(logScale), CalibTemperature, contiguous(2)},
		{"LR C=0.1, log *_var + log scale + temperature (2 folds)", lrFitter(TrainConfig{C: 0.1, LogVar: true, LogScale: true}), CalibTemperature, contiguous(2)},
		{"LR C=0.3, log *_var + log scale + temperature (2 folds)", lrFitter(TrainConfig{C: 0.3, LogVar: true, LogScale: true}), CalibTemperature, contiguous(2)},
		{"MLP 16 tanh, L2 3, early stopping (seed 1)", mlpFitter(logScale, mc, 1), CalibNone, none},
		{"ensemble: ½ LR + ½ MLP", mlpFitter(logScale, mc, 0.5), CalibNone, none},
		{"ensemble + temperature (2 folds)", mlpFitter(logScale, mc, 0.5), CalibTemperature, contiguous(2)},
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| model (trained on train.csv, scored on valid.csv) | log loss | macro F1 | accuracy | ECE | T |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		rep, cal := scoreVariant(t, r.fit, r.calib, r.folds, train, valid)
		T := "–"
		if r.calib == CalibTemperature {
			T = fmt.Sprintf("%.3f", cal.temperature())
		}
		fmt.Fprintf(&tab, "| %s | %.4f | %.4f | %.4f | %.4f | %s |\n", r.name, rep.LogLoss, rep.MacroF1, rep.Accuracy, rep.ECE, T)
		if strings.HasPrefix(r.name, "peer") && (math.Abs(rep.LogLoss-peer.logLoss) > 0.002 || math.Abs(rep.MacroF1-peer.macroF1) > 0.001) {
			t.Errorf("peer not reproduced: log loss %.4f, macro F1 %.4f; want %.3f, %.3f", rep.LogLoss, rep.MacroF1, peer.logLoss, peer.macroF1)
		}
	}

	// The shipped recipe through the real Train and Predict.
	m, err := Train(train.features, train.X, train.y, prior, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetTarget(TargetTrain); err != nil {
		t.Fatal(err)
	}
	probs := make([][genre.N]float64, len(valid.X))
	for i, x := range valid.X {
		if _, err := m.Predict(probs[i][:], x); err != nil {
			t.Fatal(err)
		}
	}
	r := metrics.Evaluate(probs, valid.y)
	// The same model with abstention switched off: on GTZAN clips it must
	// change nothing (no valid row is far enough from the training rows).
	plain := withoutAbstention(m)
	shrunk := 0
	for i, x := range valid.X {
		p, err := plain.Predict(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		_, lambda, err := m.Novelty(x)
		if err != nil {
			t.Fatal(err)
		}
		if lambda > 0 {
			shrunk++
		}
		for c := range p {
			if p[c] != probs[i][c] {
				t.Errorf("valid row %d: abstention changes p(%s) from %v to %v", i, genre.Classes[c], p[c], probs[i][c])
				break
			}
		}
	}
	lo, hi := m.abstain.bounds()
	fmt.Fprintf(&tab, "| **shipped recipe** (`DefaultTrainConfig`, Train+Predict) | %.4f | %.4f | %.4f | %.4f | %.3f |\n", r.LogLoss, r.MacroF1, r.Accuracy, r.ECE, m.calib.temperature())
	fmt.Fprintf(&tab, "\nAbstention from RMS z %.3f (full at %.3f): %d of %d valid rows shrunk; predictions identical without it.\n", lo, hi, shrunk, len(valid.X))
	t.Log(tab.String())
	t.Logf("ECE that perfectly calibrated predictions with the recipe's confidences would show on these %d rows (mean of 500 draws): %.4f", len(probs), eceFloor(probs, 500))

	if !(r.LogLoss <= peer.logLoss-0.05 && r.MacroF1 >= peer.macroF1+0.05) {
		t.Errorf("recipe (log loss %.4f, macro F1 %.4f) does not beat the peer (%.3f, %.3f) by a clear margin (0.05 each)", r.LogLoss, r.MacroF1, peer.logLoss, peer.macroF1)
	}
	if r.LogLoss > recipeOnValid.logLoss || r.MacroF1 < recipeOnValid.macroF1 || r.ECE > recipeOnValid.ece {
		t.Errorf("recipe: log loss %.4f, macro F1 %.4f, ECE %.4f; measured when chosen: ≤ %.4f, ≥ %.4f, ≤ %.4f",
			r.LogLoss, r.MacroF1, r.ECE, recipeOnValid.logLoss, recipeOnValid.macroF1, recipeOnValid.ece)
	}
}

// BenchmarkTrainRecipe times the shipped recipe (DefaultTrainConfig,
// including the out-of-fold calibration) on GTZAN train.csv + valid.csv.
func BenchmarkTrainRecipe(b *testing.B) {
	dir := sharedDir(b)
	train := loadTable(b, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(b, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	X := append(append([][]float64(nil), train.X...), valid.X...)
	y := append(append([]int(nil), train.y...), valid.y...)
	prior := fmaPrior(b, dir)
	b.ResetTimer()
	for range b.N {
		if _, err := Train(train.features, X, y, prior, DefaultTrainConfig()); err != nil {
			b.Fatal(err)
		}
	}
}
