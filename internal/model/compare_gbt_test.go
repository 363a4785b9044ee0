package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
func stageGBT(t *testing.T, cfg gbtConfig, checkpoints []int, train, valid tableSplit) gbtStages {
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

// chosenGBT is the GBT configuration with the lowest out-of-fold log loss
// on train (2 contiguous folds) in TestGridGBT: chosen without valid.
var chosenGBT = gbtConfig{Rounds: 150, Depth: 3, Eta: 0.05, Lambda: 10, MinChild: 4, Subsample: 0.8, ColSample: 0.5, Seed: 1}

// gridOn reports whether the slow grids run (GENREC_GRID=1).
func gridOn() bool { return os.Getenv("GENREC_GRID") == "1" }

// TestGridGBT is the GBT tuning grid on the GTZAN validation split (set
// GENREC_GRID=1; about 4 minutes on 2 cores). For every configuration and
// checkpoint it logs the valid figures without and with a temperature
// fitted on 2 contiguous folds of train, and the out-of-fold log loss on
// train, which chooses the number of rounds without looking at valid.
func TestGridGBT(t *testing.T) {
	if !gridOn() {
		t.Skip("slow grid: set GENREC_GRID=1 to run it")
	}
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	ytr, K := coveredLabels(train.y)
	cov := coveredOf(train.y)
	checkpoints := []int{25, 50, 100, 150, 200, 300, 400, 600, 800}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| config | rounds | OOF log loss | valid log loss | macro F1 | acc | ECE | T | log loss +T | ECE +T |\n|---|---|---|---|---|---|---|---|---|---|\n")
	// 24 configurations of a full product, then 4 more strongly
	// regularised ones added after seeing the first 24 (28 in all).
	var cfgs []gbtConfig
	for _, depth := range []int{2, 3, 4} {
		for _, lambda := range []float64{1, 10} {
			for _, mc := range []float64{1, 4} {
				for _, cs := range []float64{0.5, 1} {
					cfgs = append(cfgs, gbtConfig{Depth: depth, Eta: 0.05, Lambda: lambda, MinChild: mc, Subsample: 0.8, ColSample: cs, Seed: 1})
				}
			}
		}
	}
	for _, depth := range []int{1, 2} {
		for _, cs := range []float64{0.3, 0.5} {
			cfgs = append(cfgs, gbtConfig{Depth: depth, Eta: 0.05, Lambda: 30, MinChild: 8, Subsample: 0.7, ColSample: cs, Seed: 1})
		}
	}
	n := len(cfgs)
	for _, cfg := range cfgs {
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
	t.Logf("%d configurations × %d checkpoints%s", n, len(checkpoints), tab.String())
}

// mixFitter pools the predictors of fits with weights w (summing to 1):
// arithmetic averages their probabilities, geometric their
// log-probabilities (then renormalises).
func mixFitter(fits []fitter, w []float64, geometric bool) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		preds := make([]func(dst, x []float64), len(fits))
		for m, f := range fits {
			preds[m] = f(t, features, X, y, K)
		}
		return func(dst, x []float64) {
			l := make([]float64, K)
			clear(dst)
			for m, p := range preds {
				p(l, x)
				for k, v := range l {
					if geometric {
						dst[k] += w[m] * v
					} else {
						dst[k] += w[m] * math.Exp(v)
					}
				}
			}
			if !geometric {
				for k, v := range dst {
					dst[k] = math.Log(v)
				}
			}
			logSoftmax(dst)
		}
	}
}

// stackFitter fits a log-linear pool softmax(Σ_m a_m·s_m + b) of the
// base predictors fits: the weights a_m and class biases b (L2 pull 1e-3
// per row) are fitted by maximum likelihood on 2-contiguous-fold
// out-of-fold log-probabilities s_m of the training rows, and the base
// predictors are then refitted on all of them. No valid row is used.
func stackFitter(fits []fitter, bias bool) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		M := len(fits)
		fold := contiguousFolds(y, K, 2)
		S := make([][][]float64, len(X)) // row × model × K
		for i := range S {
			S[i] = make([][]float64, M)
		}
		for f := 0; f < 2; f++ {
			var fx [][]float64
			var fy []int
			for i, row := range X {
				if fold[i] != f {
					fx, fy = append(fx, row), append(fy, y[i])
				}
			}
			for m, fit := range fits {
				p := fit(t, features, fx, fy, K)
				for i, row := range X {
					if fold[i] == f {
						S[i][m] = make([]float64, K)
						p(S[i][m], row)
					}
				}
			}
		}
		nb := 0
		if bias {
			nb = K
		}
		theta := make([]float64, M+nb)
		for m := range M {
			theta[m] = 1 / float64(M)
		}
		n := float64(len(X))
		const ridge = 1e-3
		l := make([]float64, K)
		obj := func(th, g []float64) float64 {
			clear(g)
			var loss float64
			for i, s := range S {
				for k := range l {
					l[k] = 0
					if bias {
						l[k] = th[M+k]
					}
					for m := range M {
						l[k] += th[m] * s[m][k]
					}
				}
				logSoftmax(l)
				loss -= l[y[i]]
				for k := range l {
					r := math.Exp(l[k])
					if k == y[i] {
						r--
					}
					for m := range M {
						g[m] += r * s[m][k] / n
					}
					if bias {
						g[M+k] += r / n
					}
				}
			}
			loss /= n
			for j, v := range th {
				loss += ridge * v * v
				g[j] += 2 * ridge * v
			}
			return loss
		}
		minimise(obj, theta, 500, 1e-9)
		preds := make([]func(dst, x []float64), M)
		for m, f := range fits {
			preds[m] = f(t, features, X, y, K)
		}
		t.Logf("stack weights %.3f", theta)
		return func(dst, x []float64) {
			s := make([]float64, K)
			for k := range dst {
				dst[k] = 0
				if bias {
					dst[k] = theta[M+k]
				}
			}
			for m, p := range preds {
				p(s, x)
				for k, v := range s {
					dst[k] += theta[m] * v
				}
			}
			logSoftmax(dst)
		}
	}
}

// rankGauss maps each column through its empirical distribution on the
// training rows and then through the standard normal quantile function:
// u is the mid-rank of x among the sorted training values (linear between
// them, clipped to [½/n, 1 − ½/n]) and z = Φ⁻¹(u).
type rankGauss struct{ sorted [][]float64 }

func fitRankGauss(X [][]float64) rankGauss {
	D := len(X[0])
	r := rankGauss{sorted: make([][]float64, D)}
	for j := range D {
		col := make([]float64, len(X))
		for i, row := range X {
			col[i] = row[j]
		}
		slices.Sort(col)
		r.sorted[j] = col
	}
	return r
}

func (r rankGauss) apply(x []float64) []float64 {
	z := make([]float64, len(x))
	for j, v := range x {
		s := r.sorted[j]
		n := float64(len(s))
		// Mid-rank position of v: (number below + number equal/2), with
		// linear interpolation between distinct neighbours.
		lo, _ := slices.BinarySearch(s, v)
		hi := lo
		for hi < len(s) && s[hi] == v {
			hi++
		}
		var pos float64
		switch {
		case hi > lo:
			pos = float64(lo+hi) / 2
		case lo == 0 || lo == len(s):
			pos = float64(lo)
		default:
			a, b := s[lo-1], s[lo]
			pos = float64(lo) - 0.5 + (v-a)/(b-a)
		}
		u := math.Max(0.5/n, math.Min(1-0.5/n, pos/n))
		z[j] = math.Sqrt2 * math.Erfinv(2*u-1)
	}
	return z
}

// rankGaussFitter is the logistic regression with inverse L2 strength C
// on rank-Gauss transformed columns (standardised again, no logs).
func rankGaussFitter(C float64) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		rg := fitRankGauss(X)
		Z := make([][]float64, len(X))
		for i, row := range X {
			Z[i] = rg.apply(row)
		}
		p := lrFitter(TrainConfig{C: C})(t, features, Z, y, K)
		return func(dst, x []float64) { p(dst, rg.apply(x)) }
	}
}

// ldaFitter is a Gaussian classifier with one shared covariance on the
// recipe's inputs (logs, standardised): the pooled within-class covariance
// S is shrunk to Σ = (1−α)·S + α·(tr S/D)·I, and
// log p(k|x) ∝ log π_k + μ_kᵀΣ⁻¹x − ½ μ_kᵀΣ⁻¹μ_k.
func ldaFitter(alpha float64) fitter {
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		cfg, err := TrainConfig{LogVar: true, LogScale: true, MaxIter: 1}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		b, err := fitBase(features, X, y, K, cfg) // only its inputs are used
		if err != nil {
			t.Fatal(err)
		}
		D := len(features)
		mu := make([][]float64, K)
		nk := make([]float64, K)
		for k := range mu {
			mu[k] = make([]float64, D)
		}
		Z := make([][]float64, len(X))
		for i, row := range X {
			Z[i] = b.standardised(nil, row)
			axpy(1, Z[i], mu[y[i]])
			nk[y[i]]++
		}
		for k := range mu {
			for j := range mu[k] {
				mu[k][j] /= nk[k]
			}
		}
		S := make([]float64, D*D)
		for i, z := range Z {
			for a := range D {
				da := z[a] - mu[y[i]][a]
				for c := range D {
					S[a*D+c] += da * (z[c] - mu[y[i]][c])
				}
			}
		}
		var tr float64
		for a := range D {
			tr += S[a*D+a]
		}
		for j := range S {
			S[j] *= (1 - alpha) / float64(len(Z))
		}
		for a := range D {
			S[a*D+a] += alpha * tr / float64(len(Z)) / float64(D)
		}
		L := cholesky(t, S, D)
		W := make([][]float64, K) // Σ⁻¹μ_k
		c0 := make([]float64, K)
		for k := range K {
			W[k] = cholSolve(L, mu[k], D)
			c0[k] = math.Log(nk[k]/float64(len(Z))) - 0.5*dot(mu[k], W[k])
		}
		return func(dst, x []float64) {
			z := b.standardised(nil, x)
			for k := range dst {
				dst[k] = c0[k] + dot(W[k], z)
			}
			logSoftmax(dst)
		}
	}
}

// cholesky returns the lower factor L (row-major D×D) of the symmetric
// positive definite A.
func cholesky(t *testing.T, A []float64, D int) []float64 {
	L := make([]float64, D*D)
	for i := range D {
		for j := 0; j <= i; j++ {
			s := A[i*D+j]
			for k := 0; k < j; k++ {
				s -= L[i*D+k] * L[j*D+k]
			}
			if i == j {
				if s <= 0 {
					t.Fatalf("cholesky: matrix not positive definite at %d", i)
				}
				L[i*D+i] = math.Sqrt(s)
			} else {
				L[i*D+j] = s / L[j*D+j]
			}
		}
	}
	return L
}

// cholSolve solves L·Lᵀ·x = b.
func cholSolve(L, b []float64, D int) []float64 {
	x := slices.Clone(b)
	for i := range D {
		for k := 0; k < i; k++ {
			x[i] -= L[i*D+k] * x[k]
		}
		x[i] /= L[i*D+i]
	}
	for i := D - 1; i >= 0; i-- {
		for k := i + 1; k < D; k++ {
			x[i] -= L[k*D+i] * x[k]
		}
		x[i] /= L[i*D+i]
	}
	return x
}

// TestGridCandidates is the tuning grid of the quick candidates on the
// GTZAN validation split (GENREC_GRID=1): GBT+LR pools over weights, the
// rank-Gauss regression over C and shrinkage LDA over α, each calibrated
// by temperature on 2 contiguous folds of train.
func TestGridCandidates(t *testing.T) {
	if !gridOn() {
		t.Skip("slow grid: set GENREC_GRID=1 to run it")
	}
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	lr := lrFitter(TrainConfig{C: 0.03, LogVar: true, LogScale: true})
	gb := gbtFitter(chosenGBT)
	type row struct {
		name string
		fit  fitter
	}
	var rows []row
	for _, w := range []float64{0.1, 0.2, 0.3, 0.4, 0.5} {
		rows = append(rows, row{fmt.Sprintf("LR + GBT arithmetic, w_GBT %.1f", w), mixFitter([]fitter{lr, gb}, []float64{1 - w, w}, false)})
		rows = append(rows, row{fmt.Sprintf("LR + GBT geometric, w_GBT %.1f", w), mixFitter([]fitter{lr, gb}, []float64{1 - w, w}, true)})
	}
	for _, C := range []float64{0.01, 0.03, 0.1} {
		rows = append(rows, row{fmt.Sprintf("rank-Gauss LR C=%g", C), rankGaussFitter(C)})
	}
	for _, a := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		rows = append(rows, row{fmt.Sprintf("shrinkage LDA α=%g", a), ldaFitter(a)})
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| model | log loss | macro F1 | acc | ECE | T | log loss (no T) |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		rep, cal := scoreVariant(t, r.fit, CalibTemperature, contiguous(2), train, valid)
		raw, _ := scoreVariant(t, r.fit, CalibNone, nil, train, valid)
		fmt.Fprintf(&tab, "| %s | %.4f | %.4f | %.4f | %.4f | %.3f | %.4f |\n", r.name, rep.LogLoss, rep.MacroF1, rep.Accuracy, rep.ECE, cal.temperature(), raw.LogLoss)
	}
	t.Log(tab.String())
}

// TestGridStack scores log-linear stacks of the candidates (weights fitted
// on out-of-fold predictions of train only; GENREC_GRID=1).
func TestGridStack(t *testing.T) {
	if !gridOn() {
		t.Skip("slow grid: set GENREC_GRID=1 to run it")
	}
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	lr := lrFitter(TrainConfig{C: 0.03, LogVar: true, LogScale: true})
	gb := gbtFitter(chosenGBT)
	rows := []struct {
		name string
		fit  fitter
	}{
		{"stack LR (= temperature)", stackFitter([]fitter{lr}, false)},
		{"stack LR + LDA α=0.3", stackFitter([]fitter{lr, ldaFitter(0.3)}, false)},
		{"stack LR + LDA α=0.3, class biases", stackFitter([]fitter{lr, ldaFitter(0.3)}, true)},
		{"stack LR + LDA α=0.1", stackFitter([]fitter{lr, ldaFitter(0.1)}, false)},
		{"stack LR + GBT", stackFitter([]fitter{lr, gb}, false)},
		{"stack LR + GBT + LDA α=0.3", stackFitter([]fitter{lr, gb, ldaFitter(0.3)}, false)},
		{"stack LR + rank-Gauss LR C=0.1", stackFitter([]fitter{lr, rankGaussFitter(0.1)}, false)},
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| model | log loss | macro F1 | acc | ECE |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		rep, _ := scoreVariant(t, r.fit, CalibNone, nil, train, valid)
		fmt.Fprintf(&tab, "| %s | %.4f | %.4f | %.4f | %.4f |\n", r.name, rep.LogLoss, rep.MacroF1, rep.Accuracy, rep.ECE)
	}
	t.Log(tab.String())
}

// cachedFitter memoises f by the rows it is given (their count and the
// addresses of the first and last rows, which the fold loops share with
// the full table), so that rows of a table that reuse a base model do not
// refit it.
func cachedFitter(f fitter) fitter {
	type key struct {
		n           int
		first, last *float64
	}
	memo := map[key]func(dst, x []float64){}
	return func(t *testing.T, features []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		k := key{len(X), &X[0][0], &X[len(X)-1][0]}
		if p, ok := memo[k]; ok {
			return p
		}
		p := f(t, features, X, y, K)
		memo[k] = p
		return p
	}
}

// quantiles returns the q-quantiles (nearest rank) of v, which it sorts.
func quantiles(v []float64, q ...float64) []float64 {
	slices.Sort(v)
	out := make([]float64, len(q))
	for i, p := range q {
		out[i] = v[min(len(v)-1, max(0, int(math.Ceil(p*float64(len(v))))-1))]
	}
	return out
}

// bootstrapECE returns the ECE of B bootstrap resamples of the rows
// (fixed seed).
func bootstrapECE(probs [][genre.N]float64, y []int, B int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	n := len(probs)
	bp, by := make([][genre.N]float64, n), make([]int, n)
	out := make([]float64, B)
	for b := range out {
		for i := range bp {
			j := rng.IntN(n)
			bp[i], by[i] = probs[j], y[j]
		}
		out[b] = metrics.Evaluate(bp, by).ECE
	}
	return out
}

// perfectECE returns the ECE of reps label draws from the predictions
// themselves: what perfectly calibrated predictions with these
// confidences show on len(probs) rows (fixed seed), with the classwise-ECE
// over classes of the same draws.
func perfectECE(probs [][genre.N]float64, reps int, seed uint64, classes []int) (ece, cw []float64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	ys := make([]int, len(probs))
	for range reps {
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
		ece = append(ece, metrics.Evaluate(probs, ys).ECE)
		cw = append(cw, classwiseECE(probs, ys, classes))
	}
	return ece, cw
}

// classwiseECE is the mean over classes of the 15-bin calibration error
// of p(class) against the indicator of the class (all rows, equal-width
// bins on [0, 1]). It is a different quantity from the top-1 ECE of the
// issue and is reported beside it, not instead of it.
func classwiseECE(probs [][genre.N]float64, y []int, classes []int) float64 {
	const bins = metrics.ECEBins
	var total float64
	for _, c := range classes {
		var n, conf, hit [bins]float64
		for i, p := range probs {
			b := max(0, min(bins-1, int(math.Ceil(p[c]*bins))-1))
			n[b]++
			conf[b] += p[c]
			if y[i] == c {
				hit[b]++
			}
		}
		for b := range n {
			total += math.Abs(hit[b]-conf[b]) / float64(len(probs))
		}
	}
	return total / float64(len(classes))
}

// TestECESampling measures how far the 15-bin ECE on the 197 valid rows
// can say anything: a bootstrap 90 % interval of the recipe's ECE, the
// distribution of the ECE of perfectly calibrated predictions with the
// recipe's confidences (labels drawn from the predictions), the share of
// those that reach the 0.05, and the same for classwise-ECE over
// the nine covered classes. It asserts that the floor is as measured, so
// the statement in docs/model.md stays true.
func TestECESampling(t *testing.T) {
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	m, err := Train(train.features, train.X, train.y, fmaPrior(t, dir), DefaultTrainConfig())
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
	cov := coveredOf(train.y)
	obs := metrics.Evaluate(probs, valid.y).ECE
	obsCW := classwiseECE(probs, valid.y, cov)
	boot := quantiles(bootstrapECE(probs, valid.y, 2000, 11), 0.05, 0.5, 0.95)
	pe, pcw := perfectECE(probs, 2000, 7, cov)
	var mean, meanCW float64
	below, atLeast := 0, 0
	for i, e := range pe {
		mean += e / float64(len(pe))
		meanCW += pcw[i] / float64(len(pcw))
		if e <= 0.05 {
			below++
		}
		if e >= obs {
			atLeast++
		}
	}
	atLeastCW := 0
	for _, e := range pcw {
		if e >= obsCW {
			atLeastCW++
		}
	}
	pq := quantiles(slices.Clone(pe), 0.05, 0.5, 0.95)
	cq := quantiles(slices.Clone(pcw), 0.05, 0.5, 0.95)
	t.Logf("\n| quantity (recipe trained on train.csv, %d valid rows) | value | 90 %% interval |\n|---|---|---|\n"+
		"| ECE (15 bins), observed | %.4f | bootstrap of rows: %.4f–%.4f (median %.4f) |\n"+
		"| ECE of perfectly calibrated predictions (labels drawn from p), mean | %.4f | %.4f–%.4f (median %.4f) |\n"+
		"| share of perfectly calibrated draws with ECE ≤ 0.05 | %.4f | |\n"+
		"| share of perfectly calibrated draws with ECE ≥ observed (p-value) | %.4f | |\n"+
		"| classwise-ECE (9 covered classes, 15 bins), observed | %.4f | |\n"+
		"| classwise-ECE of perfectly calibrated predictions, mean | %.4f | %.4f–%.4f |\n"+
		"| share of perfectly calibrated draws with classwise-ECE ≥ observed | %.4f | |",
		len(probs), obs, boot[0], boot[2], boot[1], mean, pq[0], pq[2], pq[1],
		float64(below)/float64(len(pe)), float64(atLeast)/float64(len(pe)),
		obsCW, meanCW, cq[0], cq[2], float64(atLeastCW)/float64(len(pcw)))
	// How the floor falls with more rows like these: rows drawn with
	// replacement from the valid predictions, labels from the predictions.
	rng := rand.New(rand.NewPCG(13, 13))
	var grow strings.Builder
	fmt.Fprintf(&grow, "\n| rows | floor mean | floor 95th percentile |\n|---|---|---|\n")
	for _, n := range []int{197, 500, 1000, 2000, 4000} {
		big := make([][genre.N]float64, n)
		for i := range big {
			big[i] = probs[rng.IntN(len(probs))]
		}
		e, _ := perfectECE(big, 200, 17, cov)
		var mu float64
		for _, v := range e {
			mu += v / float64(len(e))
		}
		fmt.Fprintf(&grow, "| %d | %.4f | %.4f |\n", n, mu, quantiles(e, 0.95)[0])
	}
	t.Log(grow.String())
	// The claim in docs/model.md: the floor is about 0.086, and a perfectly
	// calibrated model almost never shows ECE ≤ 0.05 on 197 rows.
	if mean < 0.07 || mean > 0.10 || float64(below)/float64(len(pe)) > 0.05 {
		t.Errorf("ECE floor %.4f with %d/%d draws ≤ 0.05; docs/model.md says ≈ 0.086 and almost none", mean, below, len(pe))
	}
}

// gbtOnValid holds figures measured on valid.csv (trained on train.csv)
// when this comparison was made; TestCompareGBT asserts them (±5e-4) so
// that the table in docs/model.md stays reproducible.
var gbtOnValid = map[string]struct{ logLoss, macroF1 float64 }{
	"gbt":        {1.5489, 0.4483},
	"gbt+T":      {1.5295, 0.4483},
	"lr+gbt geo": {1.3721, 0.4777},
	"lda+lr":     {1.3674, 0.4945},
}

// TestCompareGBT trains the candidates of the GBT study on train.csv and
// scores valid.csv like TestCompareGTZAN: the GBT chosen on out-of-fold
// train loss (chosenGBT), pools and stacks of it with the recipe's
// regression, the rank-Gauss regression and shrinkage LDA. Weights, C and
// α were chosen on valid in TestGridCandidates (GENREC_GRID=1), except
// the stacks, whose weights are fitted on train only. It asserts that the
// GBT is deterministic on GTZAN (two fits predict bit-identically) and that
// the key rows keep the figures measured.
func TestCompareGBT(t *testing.T) {
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))

	ytr, K := coveredLabels(train.y)
	a, err := fitGBT(train.X, ytr, K, chosenGBT)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fitGBT(train.X, ytr, K, chosenGBT)
	if err != nil {
		t.Fatal(err)
	}
	la, lb := make([]float64, K), make([]float64, K)
	for i, x := range valid.X {
		a.logits(la, x, -1)
		b.logits(lb, x, -1)
		if !slices.Equal(la, lb) {
			t.Fatalf("valid row %d: two GBT fits differ: %v, %v", i, la, lb)
		}
	}

	lr := cachedFitter(lrFitter(TrainConfig{C: 0.03, LogVar: true, LogScale: true}))
	gb := cachedFitter(gbtFitter(chosenGBT))
	none := func([]int, int) []int { return nil }
	rows := []struct {
		key, name string
		fit       fitter
		calib     string
		folds     func([]int, int) []int
	}{
		{"", "recipe: LR C=0.03, logs, + temperature (2 contiguous folds)", lr, CalibTemperature, contiguous(2)},
		{"gbt", "GBT " + chosenGBT.String() + " (chosen by OOF train loss)", gb, CalibNone, none},
		{"gbt+T", "  + temperature (2 contiguous folds)", gb, CalibTemperature, contiguous(2)},
		{"", "LR + GBT, arithmetic, w_GBT 0.1, + temperature", mixFitter([]fitter{lr, gb}, []float64{0.9, 0.1}, false), CalibTemperature, contiguous(2)},
		{"lr+gbt geo", "LR + GBT, geometric, w_GBT 0.1, + temperature", mixFitter([]fitter{lr, gb}, []float64{0.9, 0.1}, true), CalibTemperature, contiguous(2)},
		{"", "LR + GBT, geometric, w_GBT 0.3, + temperature", mixFitter([]fitter{lr, gb}, []float64{0.7, 0.3}, true), CalibTemperature, contiguous(2)},
		{"", "stack LR + GBT (log-linear, weights on OOF train)", stackFitter([]fitter{lr, gb}, false), CalibNone, none},
		{"", "rank-Gauss LR C=0.1, + temperature", rankGaussFitter(0.1), CalibTemperature, contiguous(2)},
		{"", "shrinkage LDA α=0.3, + temperature", ldaFitter(0.3), CalibTemperature, contiguous(2)},
		{"", "shrinkage LDA α=0.9, + temperature", ldaFitter(0.9), CalibTemperature, contiguous(2)},
		{"lda+lr", "stack LR + LDA α=0.1 (log-linear, weights on OOF train)", stackFitter([]fitter{lr, ldaFitter(0.1)}, false), CalibNone, none},
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
		if r.key == "" {
			if strings.HasPrefix(r.name, "recipe") && math.Abs(rep.LogLoss-recipeOnValid.logLoss) > 5e-4 {
				t.Errorf("recipe row: log loss %.4f, want %.4f", rep.LogLoss, recipeOnValid.logLoss)
			}
			continue
		}
		if w := gbtOnValid[r.key]; math.Abs(rep.LogLoss-w.logLoss) > 5e-4 || math.Abs(rep.MacroF1-w.macroF1) > 5e-4 {
			t.Errorf("%s: log loss %.4f, macro F1 %.4f; measured %.4f, %.4f", r.name, rep.LogLoss, rep.MacroF1, w.logLoss, w.macroF1)
		}
	}
	t.Log(tab.String())
}
