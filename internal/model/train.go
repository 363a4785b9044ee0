package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
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
	// DefaultLogScale is whether the scale-like mean columns are
	// log-transformed by default.
	DefaultLogScale = true
	// DefaultCalibration is the calibration method chosen on the GTZAN
	// validation split.
	DefaultCalibration = CalibTemperature
	// DefaultFolds is the number of folds of the out-of-fold predictions
	// that calibration is fitted on. Two large contiguous folds keep most
	// GTZAN artists on one side (see contiguousFolds); with more, smaller
	// folds the held-out predictions come out more confident than those for
	// unseen artists, and the fitted temperature sharpens the model where it
	// should soften it.
	DefaultFolds = 2
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
	// LogScale, when true, also log-transforms the positive scale-like
	// mean columns (ScaleColumns: RMS, spectral centroid, bandwidth and
	// roll-off, zero-crossing rate, tempo), whose spread grows with their
	// level, the same way.
	LogScale bool
	// Calibration is CalibNone (also meant by ""), CalibTemperature or
	// CalibVector: how the base predictor's log-probabilities are mapped
	// before the prior shift. The map is fitted on out-of-fold predictions
	// of the training rows (Folds contiguous, per-class folds, see
	// contiguousFolds), each fold's predictor trained with this same
	// configuration.
	Calibration string
	// Folds is the number of folds of the out-of-fold predictions. Zero
	// means DefaultFolds.
	Folds int
	// Source describes the training data; it is recorded in the model.
	Source string
}

// DefaultTrainConfig returns the configuration chosen on the GTZAN
// validation split.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{C: DefaultC, MaxIter: DefaultMaxIter, Tol: DefaultTol, LogVar: DefaultLogVar,
		LogScale: DefaultLogScale, Calibration: DefaultCalibration, Folds: DefaultFolds}
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
	if c.Calibration == "" {
		c.Calibration = CalibNone
	}
	if c.Folds == 0 {
		c.Folds = DefaultFolds
	}
	if err := checkCalibrationMethod(c.Calibration); err != nil {
		return c, err
	}
	if c.Folds < 2 || c.Folds > 100 {
		return c, fmt.Errorf("Folds = %d, want 2..100", c.Folds)
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

// ScaleColumns are the GTZAN columns that TrainConfig.LogScale
// log-transforms: positive means whose spread grows with their level.
var ScaleColumns = []string{"rms_mean", "spectral_centroid_mean", "spectral_bandwidth_mean", "rolloff_mean", "zero_crossing_rate_mean", "tempo"}

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
	K := len(m.covered)
	if K < 2 {
		return nil, fmt.Errorf("training data covers %d class, want at least 2", K)
	}
	classOf := make(map[int]int, K) // genre index → model row
	for k, c := range m.covered {
		classOf[c] = k
	}
	labels := make([]int, len(y))
	for i, c := range y {
		labels[i] = classOf[c]
	}

	base, err := fitBase(features, X, labels, K, cfg)
	if err != nil {
		return nil, err
	}
	m.base = *base
	if m.abstain, err = fitAbstention(base, X); err != nil {
		return nil, err
	}
	m.calib = identityCalibration(K)
	if cfg.Calibration != CalibNone {
		S, err := outOfFold(features, X, labels, K, cfg, contiguousFolds(labels, K, cfg.Folds))
		if err != nil {
			return nil, fmt.Errorf("calibration: %w", err)
		}
		if m.calib, err = fitCalibration(cfg.Calibration, S, labels, K); err != nil {
			return nil, err
		}
	}
	if err := m.setTargetPrior("fma", target); err != nil {
		return nil, err
	}
	return m, nil
}

// base is the uncalibrated predictor over the covered classes: the input
// transforms and the logistic regression.
type base struct {
	inputs     []Input
	weights    [][]float64 // K × D
	intercepts []float64   // K
	fit        lbfgsResult
}

// fitBase fits the input transforms and the base predictor to the rows X
// with covered-class labels in [0, K).
func fitBase(features []string, X [][]float64, labels []int, K int, cfg TrainConfig) (*base, error) {
	D := len(features)
	b := &base{inputs: make([]Input, D)}
	col := make([]float64, len(X))
	for j := range features {
		in := Input{Scale: 1}
		if (cfg.LogVar && strings.HasSuffix(features[j], "_var")) || (cfg.LogScale && slices.Contains(ScaleColumns, features[j])) {
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
		b.inputs[j] = in
	}
	Z := make([]float64, len(X)*D)
	for i, row := range X {
		for j, v := range row {
			Z[i*D+j] = b.inputs[j].standardise(v)
		}
	}

	theta := make([]float64, K*D+K)
	obj := newLogistic(Z, labels, D, K, cfg.C)
	b.fit = minimise(obj.eval, theta, cfg.MaxIter, cfg.Tol)
	b.weights = make([][]float64, K)
	for k := range b.weights {
		b.weights[k] = theta[k*D : (k+1)*D : (k+1)*D]
	}
	b.intercepts = theta[K*D:]
	return b, nil
}

// logProbs writes into out (length K) the log-probabilities of the base
// predictor for the standardised, clipped inputs z.
func (b *base) logProbs(out, z []float64) {
	K := len(b.intercepts)
	for k := 0; k < K; k++ {
		out[k] = b.intercepts[k] + dot(b.weights[k], z)
	}
	logSoftmax(out)
}

// logSoftmax replaces v by its log-softmax.
func logSoftmax(v []float64) {
	maxV := math.Inf(-1)
	for _, x := range v {
		maxV = math.Max(maxV, x)
	}
	var sum float64
	for _, x := range v {
		sum += math.Exp(x - maxV)
	}
	lse := maxV + math.Log(sum)
	for k := range v {
		v[k] -= lse
	}
}

// standardised returns the clipped model inputs of the raw row x.
func (b *base) standardised(dst, x []float64) []float64 {
	dst = dst[:0]
	for j, v := range x {
		dst = append(dst, math.Max(-ZClip, math.Min(ZClip, b.inputs[j].standardise(v))))
	}
	return dst
}

// contiguousFolds assigns each row to one of k folds: the rows of each
// class, in input order, are cut into k contiguous, near-equal blocks. The
// assignment is deterministic and stratified; on a table in GTZAN file
// order (clips of an artist are numbered consecutively) it also keeps most
// artists inside one fold, so out-of-fold predictions are nearly as hard
// as predictions for unseen artists.
func contiguousFolds(labels []int, K, k int) []int {
	count := make([]int, K)
	for _, c := range labels {
		count[c]++
	}
	seen := make([]int, K)
	fold := make([]int, len(labels))
	for i, c := range labels {
		fold[i] = seen[c] * k / count[c]
		seen[c]++
	}
	return fold
}

// outOfFold returns, for every row, the base log-probabilities of a base
// predictor fitted (with cfg) on the rows of the other folds; fold[i] in
// [0, cfg.Folds) is the fold of row i.
func outOfFold(features []string, X [][]float64, labels []int, K int, cfg TrainConfig, fold []int) ([][]float64, error) {
	count := make([]int, K)
	for _, c := range labels {
		count[c]++
	}
	for c, n := range count {
		if n < cfg.Folds {
			return nil, fmt.Errorf("covered class %d has %d rows, fewer than the %d folds", c, n, cfg.Folds)
		}
	}
	S := make([][]float64, len(X))
	z := make([]float64, 0, len(features))
	for f := 0; f < cfg.Folds; f++ {
		var fx [][]float64
		var fy []int
		for i, row := range X {
			if fold[i] != f {
				fx, fy = append(fx, row), append(fy, labels[i])
			}
		}
		b, err := fitBase(features, fx, fy, K, cfg)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		for i, row := range X {
			if fold[i] == f {
				S[i] = make([]float64, K)
				z = b.standardised(z, row)
				b.logProbs(S[i], z)
			}
		}
	}
	return S, nil
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
