package model

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/genrec/genrec/internal/genre"
)

// Target names understood by SetTarget besides a CSV path.
const (
	TargetTrain   = "train"
	TargetFMA     = "fma"
	TargetUniform = "uniform"
)

// PriorFloor is the total probability shared by the classes to which a
// target prior gives no weight (for the "train" target: the classes without
// training data), so that no class ever gets probability 0.
const PriorFloor = 1e-4

// Input describes how one feature is turned into a model input:
// z = (t(x) − Mean)/Scale, where t(x) = log(max(x, 0) + Offset) if Log is
// set and t(x) = x otherwise. At prediction z is clipped to ±ZClip.
type Input struct {
	// Log selects the log transform.
	Log bool
	// Offset is δ of the log transform (0 when Log is false).
	Offset float64
	// Mean is the training mean of t(x).
	Mean float64
	// Scale is the training population standard deviation of t(x), or 1
	// if that is 0.
	Scale float64
}

func (in Input) transform(x float64) float64 {
	if in.Log {
		return math.Log(math.Max(x, 0) + in.Offset)
	}
	return x
}

func (in Input) standardise(x float64) float64 {
	return (in.transform(x) - in.Mean) / in.Scale
}

// ZClip bounds the standardised inputs at prediction. It is far outside
// anything seen in training (where |z| ≤ √n), so it changes no realistic
// prediction, but it keeps the logits finite for any finite input.
const ZClip = 1e3

// Model is a trained genre model: a multinomial logistic regression over
// the covered classes, its calibration, and the priors that map its output
// onto all genre.N classes. A Model is safe for concurrent Predict calls; SetTarget
// must not run concurrently with anything else.
type Model struct {
	features   []string
	covered    []int // genre indices with training data, ascending
	base             // the uncalibrated predictor over the covered classes
	calib      calibration
	trainPrior [genre.N]float64
	fma        [genre.N]float64 // the prior given to Train
	targetName string
	target     [genre.N]float64
	abstain    abstention
	cfg        TrainConfig
	rows       int
	counts     [genre.N]int

	// Derived from the target by setTargetPrior.
	shift []float64 // log π_target(c) − log π_train(c), per covered class
	mass  float64   // Σ_covered π_target(c)
}

// Features returns the feature names the model reads, in the order Predict
// expects them.
func (m *Model) Features() []string { return append([]string(nil), m.features...) }

// Inputs returns the transform and scaler of each feature, ordered like
// Features.
func (m *Model) Inputs() []Input { return append([]Input(nil), m.inputs...) }

// Covered returns the indices, in genre.Classes, of the classes the model
// was trained on, ascending.
func (m *Model) Covered() []int { return append([]int(nil), m.covered...) }

// TargetName returns the name of the current target prior: "train",
// "fma", "uniform" or the path given to SetTarget.
func (m *Model) TargetName() string { return m.targetName }

// Fallback returns the probabilities for a file that cannot be analysed:
// the current target prior.
func (m *Model) Fallback() [genre.N]float64 { return m.target }

// Predict writes into dst (length genre.N, or nil to allocate) the
// probabilities of the genre.N classes, in genre.Classes order, for the
// feature vector x, ordered like Features, and returns it. It fails for a
// vector of the wrong length or with a non-finite value (the caller then
// uses Fallback); any finite vector gives a prediction.
//
// With s(c) the regression's log-probabilities over the covered classes,
// q(c) = softmax(a·s + b)(c) their calibration, π_t
// the target prior, π_tr the training prior and M = Σ_covered π_t(c):
//
//	p(c) = M · q(c)·π_t(c)/π_tr(c) / Σ_covered q(c')·π_t(c')/π_tr(c')   (c covered)
//	p(u) = π_t(u)                                                       (u not covered)
//
// Finally the row is shrunk towards the target prior as far as x lies
// outside the training data (see Novelty): with λ = Novelty's weight,
//
//	p ← (1 − λ)·p + λ·π_t.
//
// The result is renormalised to sum to 1; every entry is finite and in
// [0, 1].
func (m *Model) Predict(dst []float64, x []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, genre.N)
	}
	if len(dst) != genre.N {
		return nil, fmt.Errorf("predict: destination has length %d, want %d", len(dst), genre.N)
	}
	if len(x) != len(m.features) {
		return nil, fmt.Errorf("predict: %d feature values, model reads %d", len(x), len(m.features))
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("predict: feature %s is not finite", m.features[j])
		}
	}
	var z [256]float64
	zs := z[:0]
	if len(x) > len(z) {
		zs = make([]float64, 0, len(x))
	}
	zs = m.standardised(zs, x)
	lambda := m.abstain.lambda(rmsOf(zs))
	var s, logit [genre.N]float64
	K := len(m.covered)
	m.logProbs(s[:K], zs)
	m.calib.apply(logit[:K], s[:K])
	maxL := math.Inf(-1)
	for k := range m.covered {
		logit[k] += m.shift[k]
		maxL = math.Max(maxL, logit[k])
	}
	if math.IsNaN(maxL) || math.IsInf(maxL, 0) { // unreachable with valid weights and ZClip
		return nil, errors.New("predict: non-finite model output")
	}
	var sum float64
	for k := range m.covered {
		logit[k] = math.Exp(logit[k] - maxL)
		sum += logit[k]
	}
	copy(dst, m.target[:])
	for k, c := range m.covered {
		dst[c] = m.mass * logit[k] / sum
	}
	if lambda > 0 {
		for c := range dst {
			dst[c] = (1-lambda)*dst[c] + lambda*m.target[c]
		}
	}
	var total float64
	for _, p := range dst {
		total += p
	}
	for c := range dst {
		dst[c] = math.Min(1, math.Max(0, dst[c]/total))
	}
	return dst, nil
}

// Novelty returns how far the feature vector x (ordered like Features) lies
// from the training data, d = the root mean square of its standardised,
// clipped model inputs, and the weight λ in [0, 1] that Predict gives the
// target prior for it:
//
//	λ = clamp((d − a·d_q)/((b − a)·d_q), 0, 1),
//
// d_q being the AbstainQuantile quantile of d over the training rows,
// a = AbstainStart and b = AbstainFull (all stored in the model). It fails
// like Predict for a vector of the wrong length or with a non-finite value.
func (m *Model) Novelty(x []float64) (d, lambda float64, err error) {
	if len(x) != len(m.features) {
		return 0, 0, fmt.Errorf("novelty: %d feature values, model reads %d", len(x), len(m.features))
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, fmt.Errorf("novelty: feature %s is not finite", m.features[j])
		}
	}
	d = rmsOf(m.standardised(make([]float64, 0, len(x)), x))
	return d, m.abstain.lambda(d), nil
}

// SetTarget chooses the prior the predictions are shifted to:
//
//   - "train": the training class frequencies, with PriorFloor shared by
//     the uncovered classes (predictions are then the regression's own,
//     scaled by 1 − PriorFloor);
//   - "fma": the prior given to Train (the FMA genre_top frequencies);
//   - "uniform": 1/genre.N for every class;
//   - anything else: the path of a CSV file of "genre,weight" records
//     (an optional header, genres named as genre.Index accepts, repeated
//     genres add up, missing genres weigh 0), normalised.
//
// In every case the classes with weight 0 share PriorFloor.
func (m *Model) SetTarget(name string) error {
	var p [genre.N]float64
	switch name {
	case "":
		return errors.New("set target: empty name")
	case TargetTrain:
		p = m.trainPrior
	case TargetFMA:
		p = m.fma
	case TargetUniform:
		for c := range p {
			p[c] = 1 / float64(genre.N)
		}
	default:
		var err error
		if p, err = readPriorFile(name); err != nil {
			return fmt.Errorf("set target %s: %w", name, err)
		}
	}
	p, err := normalisePrior(p)
	if err != nil {
		return fmt.Errorf("set target %s: %w", name, err)
	}
	if err := m.setTargetPrior(name, p); err != nil {
		return fmt.Errorf("set target %s: %w", name, err)
	}
	return nil
}

// setTargetPrior installs a normalised, floored target prior p.
func (m *Model) setTargetPrior(name string, p [genre.N]float64) error {
	shift := make([]float64, len(m.covered))
	var mass float64
	for k, c := range m.covered {
		if !(p[c] > 0) || !(m.trainPrior[c] > 0) {
			return fmt.Errorf("class %s: target %v, training prior %v, want both positive", genre.Classes[c], p[c], m.trainPrior[c])
		}
		shift[k] = math.Log(p[c]) - math.Log(m.trainPrior[c])
		mass += p[c]
	}
	m.targetName, m.target, m.shift, m.mass = name, p, shift, mass
	return nil
}

// normalisePrior checks that p is finite, non-negative and not all zero,
// scales it to sum to 1 and gives the zero-weight classes PriorFloor in
// total (scaling the others by 1 − PriorFloor).
func normalisePrior(p [genre.N]float64) ([genre.N]float64, error) {
	var sum float64
	zeros := 0
	for c, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return p, fmt.Errorf("weight of %s is %v, want finite and ≥ 0", genre.Classes[c], v)
		}
		sum += v
		if v == 0 {
			zeros++
		}
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return p, fmt.Errorf("weights sum to %v, want a finite positive number", sum)
	}
	keep := 1.0
	if zeros > 0 {
		keep = 1 - PriorFloor
	}
	for c, v := range p {
		if v == 0 {
			p[c] = PriorFloor / float64(zeros)
		} else {
			p[c] = keep * v / sum
		}
	}
	return p, nil
}

// readPriorFile reads "genre,weight" records from the CSV file at path.
func readPriorFile(path string) ([genre.N]float64, error) {
	var p [genre.N]float64
	f, err := os.Open(path)
	if err != nil {
		return p, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = 2
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p, err
		}
		line, _ := cr.FieldPos(0)
		w, werr := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if first && werr != nil && strings.EqualFold(strings.TrimSpace(rec[1]), "weight") {
			first = false
			continue // header
		}
		first = false
		if werr != nil || math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return p, fmt.Errorf("line %d: weight %q is not a finite number ≥ 0", line, rec[1])
		}
		c, err := genre.Index(rec[0])
		if err != nil {
			return p, fmt.Errorf("line %d: %w", line, err)
		}
		p[c] += w
	}
	return p, nil
}

// Describe returns a one-line summary of the model: its format version,
// inputs, covered classes and training data.
func (m *Model) Describe() string {
	cal := m.calib.method
	if cal == CalibTemperature {
		cal = fmt.Sprintf("temperature %.3f", m.calib.temperature())
	}
	lo, hi := m.abstain.bounds()
	return fmt.Sprintf("%s v%d, logistic regression (C=%g) on %d features, calibration %s, abstains from RMS z %.2f (full at %.2f), %d of %d classes covered, trained on %d rows (%s)",
		FormatName, FormatVersion, m.cfg.C, len(m.features), cal, lo, hi, len(m.covered), genre.N, m.rows, m.cfg.Source)
}
