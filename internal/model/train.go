package model

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/genrec/genrec/internal/genre"
)

// Defaults used for zero fields of TrainConfig.
const (
	// DefaultC is the inverse L2 strength chosen on the GTZAN validation
	// split (see the tuning test).
	DefaultC = 0.03
	// DefaultMaxIter bounds the L-BFGS iterations.
	DefaultMaxIter = 2000
	// DefaultTol is the bound on the largest component of the gradient of
	// the per-row objective at which training stops.
	DefaultTol = 1e-7
	// DefaultLogVar is whether variance columns are log-transformed by
	// default.
	DefaultLogVar = true
)

// TrainConfig sets how a model is trained.
type TrainConfig struct {
	// C is the inverse L2 strength, with scikit-learn's meaning: the
	// objective is Σ_i logloss_i + ‖W‖²/(2C); intercepts are not
	// penalised. Zero means DefaultC.
	C float64
	// MaxIter bounds the optimiser's iterations. Zero means DefaultMaxIter.
	MaxIter int
	// Tol stops training when the largest gradient component of the
	// objective divided by the number of rows is at most Tol. Zero means
	// DefaultTol.
	Tol float64
	// LogVar, when true, replaces every feature whose name ends in "_var"
	// by log(max(x, 0) + δ) before standardisation, δ being 1e-6 times the
	// median of the column's positive training values (see Input).
	LogVar bool
	// Source describes the training data; it is recorded in the model.
	Source string
}

// DefaultTrainConfig returns the configuration chosen on the GTZAN
// validation split.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{C: DefaultC, MaxIter: DefaultMaxIter, Tol: DefaultTol, LogVar: DefaultLogVar}
}

// withDefaults fills zero fields and checks the rest.
func (c TrainConfig) withDefaults() (TrainConfig, error) {
	if c.C == 0 {
		c.C = DefaultC
	}
	if c.MaxIter == 0 {
		c.MaxIter = DefaultMaxIter
	}
	if c.Tol == 0 {
		c.Tol = DefaultTol
	}
	if !(c.C > 0) || math.IsInf(c.C, 0) {
		return c, fmt.Errorf("C = %v, want a finite positive number", c.C)
	}
	if c.MaxIter < 0 {
		return c, fmt.Errorf("MaxIter = %d, want ≥ 0", c.MaxIter)
	}
	if !(c.Tol > 0) || math.IsInf(c.Tol, 0) {
		return c, fmt.Errorf("Tol = %v, want a finite positive number", c.Tol)
	}
	return c, nil
}

// logVarRelOffset is δ/median of a log-transformed column.
const logVarRelOffset = 1e-6

// Train fits a multinomial logistic regression of the classes y (indices
// into genre.Classes) on the rows of X, whose columns are named by
// features. Only the classes that occur in y (the covered classes) are
// modelled. Features are optionally log-transformed (cfg.LogVar) and then
// standardised with the training mean and population standard deviation
// (a zero deviation counts as 1). The objective, Σ_i −log p(y_i|x_i) +
// ‖W‖²/(2C), is minimised by L-BFGS from zero weights; the computation is
// sequential and deterministic, so equal inputs give byte-identical models.
//
// prior is the target prior stored in the model as the "fma" target and
// made current (see SetTarget); it must be finite, non-negative and not
// all zero, and is normalised. The class frequencies of y are stored as the
// training prior.
func Train(features []string, X [][]float64, y []int, prior [genre.N]float64, cfg TrainConfig) (*Model, error) {
	m, err := train(features, X, y, prior, cfg)
	if err != nil {
		return nil, fmt.Errorf("train model: %w", err)
	}
	return m, nil
}

func train(features []string, X [][]float64, y []int, prior [genre.N]float64, cfg TrainConfig) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkFeatures(features); err != nil {
		return nil, err
	}
	if len(X) != len(y) {
		return nil, fmt.Errorf("%d rows of features but %d labels", len(X), len(y))
	}
	if len(X) == 0 {
		return nil, errors.New("no training rows")
	}
	D := len(features)
	var counts [genre.N]int
	for i, row := range X {
		if len(row) != D {
			return nil, fmt.Errorf("row %d has %d values, want %d", i, len(row), D)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("row %d: feature %s is not finite", i, features[j])
			}
		}
		if y[i] < 0 || y[i] >= genre.N {
			return nil, fmt.Errorf("row %d: class %d outside [0, %d)", i, y[i], genre.N)
		}
		counts[y[i]]++
	}
	target, err := normalisePrior(prior)
	if err != nil {
		return nil, fmt.Errorf("prior: %w", err)
	}

	m := &Model{
		features: append([]string(nil), features...),
		fma:      target,
		cfg:      cfg,
		rows:     len(X),
		counts:   counts,
	}
	for c, n := range counts {
		if n > 0 {
			m.covered = append(m.covered, c)
			m.trainPrior[c] = float64(n) / float64(len(X))
		}
	}
	if len(m.covered) < 2 {
		return nil, fmt.Errorf("training data covers %d class, want at least 2", len(m.covered))
	}
	classOf := make(map[int]int, len(m.covered)) // genre index → model row
	for k, c := range m.covered {
		classOf[c] = k
	}

	// Input transform and scaler.
	m.inputs = make([]Input, D)
	col := make([]float64, len(X))
	for j := range features {
		in := Input{Scale: 1}
		if cfg.LogVar && strings.HasSuffix(features[j], "_var") {
			in.Log = true
			in.Offset = logOffset(X, j)
		}
		var mean float64
		for i, row := range X {
			col[i] = in.transform(row[j])
			mean += col[i]
		}
		mean /= float64(len(X))
		var ss float64
		for _, v := range col {
			ss += (v - mean) * (v - mean)
		}
		in.Mean = mean
		if sd := math.Sqrt(ss / float64(len(X))); sd > 0 {
			in.Scale = sd
		}
		m.inputs[j] = in
	}
	Z := make([]float64, len(X)*D)
	for i, row := range X {
		for j, v := range row {
			Z[i*D+j] = m.inputs[j].standardise(v)
		}
	}
	labels := make([]int, len(y))
	for i, c := range y {
		labels[i] = classOf[c]
	}

	K := len(m.covered)
	theta := make([]float64, K*D+K)
	obj := newLogistic(Z, labels, D, K, cfg.C)
	res := minimise(obj.eval, theta, cfg.MaxIter, cfg.Tol)
	m.fit = res
	m.weights = make([][]float64, K)
	for k := range m.weights {
		m.weights[k] = theta[k*D : (k+1)*D : (k+1)*D]
	}
	m.intercepts = theta[K*D:]
	if err := m.setTargetPrior("fma", target); err != nil {
		return nil, err
	}
	return m, nil
}

// checkFeatures rejects empty, repeated or missing feature names.
func checkFeatures(features []string) error {
	if len(features) == 0 {
		return errors.New("no features")
	}
	seen := make(map[string]bool, len(features))
	for _, f := range features {
		if f == "" {
			return errors.New("empty feature name")
		}
		if seen[f] {
			return fmt.Errorf("feature %q repeated", f)
		}
		seen[f] = true
	}
	return nil
}

// logOffset returns δ for column j: logVarRelOffset times the median of
// its positive values, or 1e-300 if it has none.
func logOffset(X [][]float64, j int) float64 {
	var pos []float64
	for _, row := range X {
		if row[j] > 0 {
			pos = append(pos, row[j])
		}
	}
	if len(pos) == 0 {
		return 1e-300
	}
	sort.Float64s(pos)
	med := pos[len(pos)/2]
	if len(pos)%2 == 0 {
		med = (pos[len(pos)/2-1] + pos[len(pos)/2]) / 2
	}
	return math.Max(logVarRelOffset*med, 1e-300)
}

// logistic is the L2-penalised multinomial logistic loss over standardised
// rows Z (n×D, row-major) with parameters θ = [W (K×D, row-major); b (K)],
// divided by n so that tolerances do not depend on the data size:
//
//	f(θ) = (1/n) Σ_i [logsumexp_k(W_k·z_i + b_k) − (W_{y_i}·z_i + b_{y_i})] + ‖W‖²/(2Cn).
type logistic struct {
	Z       []float64
	y       []int
	D, K    int
	l2      float64 // 1/(C n)
	logits  []float64
	invRows float64
}

func newLogistic(Z []float64, y []int, D, K int, C float64) *logistic {
	n := float64(len(y))
	return &logistic{Z: Z, y: y, D: D, K: K, l2: 1 / (C * n), logits: make([]float64, K), invRows: 1 / n}
}

func (o *logistic) eval(theta, g []float64) float64 {
	D, K := o.D, o.K
	W, b := theta[:K*D], theta[K*D:]
	gW, gb := g[:K*D], g[K*D:]
	clear(g)
	var loss float64
	for i, yi := range o.y {
		z := o.Z[i*D : (i+1)*D]
		maxL := math.Inf(-1)
		for k := 0; k < K; k++ {
			l := b[k] + dot(W[k*D:(k+1)*D], z)
			o.logits[k] = l
			maxL = math.Max(maxL, l)
		}
		ly := o.logits[yi]
		var sum float64
		for k := 0; k < K; k++ {
			o.logits[k] = math.Exp(o.logits[k] - maxL)
			sum += o.logits[k]
		}
		// logits now holds unnormalised probabilities.
		loss += maxL + math.Log(sum) - ly
		for k := 0; k < K; k++ {
			r := o.logits[k] / sum
			if k == yi {
				r--
			}
			axpy(r, z, gW[k*D:(k+1)*D])
			gb[k] += r
		}
	}
	loss *= o.invRows
	for i := range g {
		g[i] *= o.invRows
	}
	var ww float64
	for i, w := range W {
		ww += w * w
		gW[i] += o.l2 * w
	}
	return loss + 0.5*o.l2*ww
}
