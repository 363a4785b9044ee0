package model

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
)

// coveredOf returns the genre indices that occur in y, in index order.
func coveredOf(y []int) []int {
	var seen [genre.N]bool
	for _, c := range y {
		seen[c] = true
	}
	var cov []int
	for c := range seen {
		if seen[c] {
			cov = append(cov, c)
		}
	}
	return cov
}

// spread turns log-probabilities l over the covered classes cov into
// probabilities over all genres, giving the uncovered ones PriorFloor
// shared equally, as scoreVariant and Model.Predict (target "train") do.
func spread(cov []int, l []float64) [genre.N]float64 {
	var p [genre.N]float64
	for c := range p {
		p[c] = PriorFloor / float64(genre.N-len(cov))
	}
	for k, c := range cov {
		p[c] = (1 - PriorFloor) * math.Exp(l[k])
	}
	return p
}

// tempered returns log-softmax(s/T).
func tempered(s []float64, T float64) []float64 {
	l := make([]float64, len(s))
	for k, v := range s {
		l[k] = v / T
	}
	logSoftmax(l)
	return l
}

// gbtStages holds, for one GBT configuration, the valid log-probabilities
// and the 2-contiguous-fold out-of-fold log-probabilities of train at
// every checkpoint (number of rounds).
type gbtStages struct {
	checkpoints []int
	valid       [][][]float64 // checkpoint × valid row × K
	oof         [][][]float64 // checkpoint × train row × K
}

// stageGBT fits cfg on train (and on each of 2 contiguous folds of it) and
// records the log-probabilities after each checkpoint.
func stageGBT(t *testing.T, cfg gbtConfig, checkpoints []int, train, valid gtzan) gbtStages {
	t.Helper()
	ytr, K := coveredLabels(train.y)
	cfg.Rounds = checkpoints[len(checkpoints)-1]
	st := gbtStages{checkpoints: checkpoints}
	logp := func(g *gbt, x []float64, r int) []float64 {
		l := make([]float64, K)
		g.logits(l, x, r)
		logSoftmax(l)
		return l
	}
	full, err := fitGBT(train.X, ytr, K, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fold := contiguousFolds(ytr, K, 2)
	var folds [2]*gbt
	for f := range folds {
		var fx [][]float64
		var fy []int
		for i, row := range train.X {
			if fold[i] != f {
				fx, fy = append(fx, row), append(fy, ytr[i])
			}
		}
		if folds[f], err = fitGBT(fx, fy, K, cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range checkpoints {
		v := make([][]float64, len(valid.X))
		for i, x := range valid.X {
			v[i] = logp(full, x, r)
		}
		o := make([][]float64, len(train.X))
		for i, x := range train.X {
			o[i] = logp(folds[fold[i]], x, r)
		}
		st.valid, st.oof = append(st.valid, v), append(st.oof, o)
	}
	return st
}

// meanNLL is the mean −log p of the labels.
func meanNLL(L [][]float64, y []int) float64 {
	var s float64
	for i, l := range L {
		s -= l[y[i]]
	}
	return s / float64(len(L))
}

// evalLogProbs scores covered-class log-probabilities on valid.
func evalLogProbs(cov []int, L [][]float64, y []int) metrics.Report {
	probs := make([][genre.N]float64, len(L))
	for i, l := range L {
		probs[i] = spread(cov, l)
	}
	return metrics.Evaluate(probs, y)
}

// gridOn reports whether the slow grids run (GENREC_GRID=1).
func gridOn() bool { return os.Getenv("GENREC_GRID") == "1" }

// TestGridGBT is the GBT tuning grid on the GTZAN validation split (set
// GENREC_GRID=1; about a minute on 2 cores). For every configuration and
// checkpoint it logs the valid figures without and with a temperature
// fitted on 2 contiguous folds of train, and the out-of-fold log loss on
// train, which chooses the number of rounds without looking at valid.
func TestGridGBT(t *testing.T) {
	if !gridOn() {
		t.Skip("slow grid: set GENREC_GRID=1 to run it")
	}
	dir := sharedDir(t)
	train := loadGTZAN(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadGTZAN(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	ytr, K := coveredLabels(train.y)
	cov := coveredOf(train.y)
	var idx [genre.N]int
	for k, c := range cov {
		idx[c] = k
	}
	checkpoints := []int{25, 50, 100, 150, 200, 300, 400, 600}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| config | rounds | OOF log loss | valid log loss | macro F1 | acc | ECE | T | log loss +T | ECE +T |\n|---|---|---|---|---|---|---|---|---|---|\n")
	n := 0
	for _, depth := range []int{2, 3, 4} {
		for _, lambda := range []float64{1, 10} {
			for _, mc := range []float64{1, 4} {
				for _, cs := range []float64{0.5, 1} {
					cfg := gbtConfig{Depth: depth, Eta: 0.05, Lambda: lambda, MinChild: mc, Subsample: 0.8, ColSample: cs, Seed: 1}
					n++
					st := stageGBT(t, cfg, checkpoints, train, valid)
					for c, r := range checkpoints {
						cal, err := fitCalibration(CalibTemperature, st.oof[c], ytr, K)
						if err != nil {
							t.Fatal(err)
						}
						T := cal.temperature()
						raw := evalLogProbs(cov, st.valid[c], valid.y)
						Lt := make([][]float64, len(st.valid[c]))
						for i, l := range st.valid[c] {
							Lt[i] = tempered(l, T)
						}
						tr := evalLogProbs(cov, Lt, valid.y)
						fmt.Fprintf(&tab, "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %.4f | %.4f |\n",
							cfg.String()[:strings.LastIndex(cfg.String(), ",")], r, meanNLL(st.oof[c], ytr), raw.LogLoss, raw.MacroF1, raw.Accuracy, raw.ECE, T, tr.LogLoss, tr.ECE)
					}
				}
			}
		}
	}
	t.Logf("%d configurations × %d checkpoints%s", n, len(checkpoints), tab.String())
}
