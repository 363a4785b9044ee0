package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/params"
)

// FormatName and FormatVersion identify the model file format.
const (
	FormatName    = "genrec-model"
	FormatVersion = 3
)

// maxFileBytes bounds what Read accepts; real models are ~30 kB.
const maxFileBytes = 16 << 20

// Errors returned (wrapped) by Read and Load; test with errors.Is.
var (
	// ErrFormat means the input is not a genrec model file.
	ErrFormat = errors.New("not a genrec model")
	// ErrVersion means the file is a genrec model of another version.
	ErrVersion = errors.New("unsupported model version")
	// ErrChecksum means the payload does not match its SHA-256 checksum.
	ErrChecksum = errors.New("model checksum mismatch")
	// ErrCorrupt means the file is truncated, malformed or inconsistent.
	ErrCorrupt = errors.New("corrupt model")
)

// num is a float64 that JSON-encodes with strconv 'g' and precision -1,
// which reads back bit for bit.
type num float64

// MarshalJSON implements json.Marshaler.
func (x num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("non-finite number %v", f)
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func nums(a []float64) []num {
	out := make([]num, len(a))
	for i, v := range a {
		out[i] = num(v)
	}
	return out
}

func floats(a []num) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = float64(v)
	}
	return out
}

// envelope is the top level of a model file. The checksum is the SHA-256
// of the payload in compact JSON form (json.Compact), so it does not depend
// on indentation.
type envelope struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	SHA256  string          `json:"sha256"`
	Payload json.RawMessage `json:"payload"`
}

type payload struct {
	Recipe     recipeJSON      `json:"recipe"`
	Classes    []string        `json:"classes"`
	Covered    []string        `json:"covered"`
	Scaler     scalerJSON      `json:"scaler"`
	Weights    [][]num         `json:"weights"`
	Intercepts []num           `json:"intercepts"`
	Calib      calibrationJSON `json:"calibration"`
	Abstain    abstentionJSON  `json:"abstention"`
	Priors     priorsJSON      `json:"priors"`
	Target     targetJSON      `json:"target"`
	Training   trainingJSON    `json:"training"`
	Data       dataJSON        `json:"data"`
}

type recipeJSON struct {
	SampleRate int      `json:"sample_rate"`
	NFFT       int      `json:"n_fft"`
	Hop        int      `json:"hop"`
	Features   []string `json:"features"`
}

type scalerJSON struct {
	Log    []bool `json:"log"`
	Offset []num  `json:"offset"`
	Mean   []num  `json:"mean"`
	Scale  []num  `json:"scale"`
}

type calibrationJSON struct {
	Method string `json:"method"`
	Scale  []num  `json:"scale"`
	Bias   []num  `json:"bias"`
}

type abstentionJSON struct {
	Distance  string `json:"distance"`
	Quantile  num    `json:"quantile"`
	Reference num    `json:"reference"`
	Start     num    `json:"start"`
	Full      num    `json:"full"`
}

type priorsJSON struct {
	Train []num `json:"train"`
	FMA   []num `json:"fma"`
}

type targetJSON struct {
	Name  string `json:"name"`
	Prior []num  `json:"prior"`
}

type trainingJSON struct {
	Optimiser   string `json:"optimiser"`
	C           num    `json:"c"`
	MaxIter     int    `json:"max_iter"`
	Tol         num    `json:"tol"`
	LogVar      bool   `json:"log_var"`
	LogScale    bool   `json:"log_scale"`
	Calibration string `json:"calibration"`
	Folds       int    `json:"folds"`
	Iterations  int    `json:"iterations"`
	Converged   bool   `json:"converged"`
	Objective   num    `json:"objective"`
	GradMax     num    `json:"grad_max"`
}

type dataJSON struct {
	Source      string `json:"source"`
	Rows        int    `json:"rows"`
	ClassCounts []int  `json:"class_counts"`
}

const optimiserName = "lbfgs"

// WriteTo writes the model as indented JSON: format name and version, the
// SHA-256 of the payload, and the payload (recipe, classes, scaler,
// weights, priors, current target, training configuration and data
// summary). Equal models give identical bytes.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	b, err := m.encode()
	if err != nil {
		return 0, fmt.Errorf("write model: %w", err)
	}
	n, err := w.Write(b)
	if err != nil {
		return int64(n), fmt.Errorf("write model: %w", err)
	}
	return int64(n), nil
}

// Save writes the model to path, replacing it atomically.
func (m *Model) Save(path string) error {
	b, err := m.encode()
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".genrec-model-*")
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Chmod(0o644)
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save model %s: %w", path, werr)
	}
	return nil
}

func (m *Model) encode() ([]byte, error) {
	p := payload{
		Recipe: recipeJSON{
			SampleRate: params.SampleRate,
			NFFT:       params.NFFT,
			Hop:        params.Hop,
			Features:   m.features,
		},
		Classes:    genre.Classes[:],
		Intercepts: nums(m.intercepts),
		Calib:      calibrationJSON{Method: m.calib.method, Scale: nums(m.calib.scale), Bias: nums(m.calib.bias)},
		Abstain: abstentionJSON{Distance: distanceRMSZ, Quantile: num(m.abstain.quantile), Reference: num(m.abstain.reference),
			Start: num(m.abstain.start), Full: num(m.abstain.full)},
		Priors: priorsJSON{Train: nums(m.trainPrior[:]), FMA: nums(m.fma[:])},
		Target: targetJSON{Name: m.targetName, Prior: nums(m.target[:])},
		Training: trainingJSON{
			Optimiser:   optimiserName,
			C:           num(m.cfg.C),
			MaxIter:     m.cfg.MaxIter,
			Tol:         num(m.cfg.Tol),
			LogVar:      m.cfg.LogVar,
			LogScale:    m.cfg.LogScale,
			Calibration: m.cfg.Calibration,
			Folds:       m.cfg.Folds,
			Iterations:  m.fit.Iterations,
			Converged:   m.fit.Converged,
			Objective:   num(m.fit.Value),
			GradMax:     num(m.fit.GradMax),
		},
		Data: dataJSON{Source: m.cfg.Source, Rows: m.rows, ClassCounts: m.counts[:]},
	}
	for _, c := range m.covered {
		p.Covered = append(p.Covered, genre.Classes[c])
	}
	for _, in := range m.inputs {
		p.Scaler.Log = append(p.Scaler.Log, in.Log)
		p.Scaler.Offset = append(p.Scaler.Offset, num(in.Offset))
		p.Scaler.Mean = append(p.Scaler.Mean, num(in.Mean))
		p.Scaler.Scale = append(p.Scaler.Scale, num(in.Scale))
	}
	for _, row := range m.weights {
		p.Weights = append(p.Weights, nums(row))
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	out, err := json.MarshalIndent(envelope{
		Format:  FormatName,
		Version: FormatVersion,
		SHA256:  hex.EncodeToString(sum[:]),
		Payload: body,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Read reads a model written by WriteTo. It checks the format name, the
// version, the payload checksum, the recipe against this build's params,
// every dimension and that every number is finite; failures wrap ErrFormat,
// ErrVersion, ErrChecksum or ErrCorrupt.
func Read(r io.Reader) (*Model, error) {
	m, err := decode(r)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return m, nil
}

// Load reads the model file at path (see Read).
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read model %s: %w", path, err)
	}
	defer f.Close()
	m, err := decode(f)
	if err != nil {
		return nil, fmt.Errorf("read model %s: %w", path, err)
	}
	return m, nil
}

func decode(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrCorrupt, maxFileBytes)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrFormat)
	}
	var env envelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if env.Format != FormatName {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrFormat, env.Format, FormatName)
	}
	if env.Version != FormatVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads version %d", ErrVersion, env.Version, FormatVersion)
	}
	var body bytes.Buffer
	if err := json.Compact(&body, env.Payload); err != nil || body.Len() == 0 {
		return nil, fmt.Errorf("%w: missing or malformed payload", ErrCorrupt)
	}
	sum := sha256.Sum256(body.Bytes())
	if got := hex.EncodeToString(sum[:]); got != env.SHA256 {
		return nil, fmt.Errorf("%w: payload hashes to %s, file says %q", ErrChecksum, got, env.SHA256)
	}
	var p payload
	dec := json.NewDecoder(&body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrCorrupt, err)
	}
	m, err := p.model()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

// model validates a decoded payload and builds the Model.
func (p *payload) model() (*Model, error) {
	rc := p.Recipe
	if rc.SampleRate != params.SampleRate || rc.NFFT != params.NFFT || rc.Hop != params.Hop {
		return nil, fmt.Errorf("recipe sample_rate %d, n_fft %d, hop %d differs from this build's %d, %d, %d",
			rc.SampleRate, rc.NFFT, rc.Hop, params.SampleRate, params.NFFT, params.Hop)
	}
	if err := checkFeatures(rc.Features); err != nil {
		return nil, fmt.Errorf("recipe: %w", err)
	}
	if len(p.Classes) != genre.N {
		return nil, fmt.Errorf("%d classes, want %d", len(p.Classes), genre.N)
	}
	for c, name := range p.Classes {
		if name != genre.Classes[c] {
			return nil, fmt.Errorf("class %d is %q, want %q", c, name, genre.Classes[c])
		}
	}
	m := &Model{features: rc.Features}
	for _, name := range p.Covered {
		c, err := genre.Index(name)
		if err != nil || genre.Classes[c] != name {
			return nil, fmt.Errorf("covered class %q is not a class name", name)
		}
		if len(m.covered) > 0 && c <= m.covered[len(m.covered)-1] {
			return nil, fmt.Errorf("covered classes not in class order at %q", name)
		}
		m.covered = append(m.covered, c)
	}
	D, K := len(rc.Features), len(m.covered)
	if K < 2 {
		return nil, fmt.Errorf("%d covered classes, want at least 2", K)
	}

	s := p.Scaler
	if len(s.Log) != D || len(s.Offset) != D || len(s.Mean) != D || len(s.Scale) != D {
		return nil, fmt.Errorf("scaler has %d/%d/%d/%d entries, want %d", len(s.Log), len(s.Offset), len(s.Mean), len(s.Scale), D)
	}
	m.inputs = make([]Input, D)
	for j := range m.inputs {
		in := Input{Log: s.Log[j], Offset: float64(s.Offset[j]), Mean: float64(s.Mean[j]), Scale: float64(s.Scale[j])}
		if !finite(in.Offset, in.Mean, in.Scale) || !(in.Scale > 0) || in.Offset < 0 || (in.Log && !(in.Offset > 0)) {
			return nil, fmt.Errorf("scaler of feature %s is invalid", rc.Features[j])
		}
		m.inputs[j] = in
	}
	if len(p.Weights) != K || len(p.Intercepts) != K {
		return nil, fmt.Errorf("%d weight rows and %d intercepts, want %d", len(p.Weights), len(p.Intercepts), K)
	}
	m.intercepts = floats(p.Intercepts)
	if !finite(m.intercepts...) {
		return nil, errors.New("non-finite intercept")
	}
	m.weights = make([][]float64, K)
	for k, row := range p.Weights {
		if len(row) != D {
			return nil, fmt.Errorf("weight row %d has %d entries, want %d", k, len(row), D)
		}
		m.weights[k] = floats(row)
		if !finite(m.weights[k]...) {
			return nil, fmt.Errorf("non-finite weight in row %d", k)
		}
	}

	cj := p.Calib
	if err := checkCalibrationMethod(cj.Method); err != nil {
		return nil, err
	}
	if len(cj.Scale) != K || len(cj.Bias) != K {
		return nil, fmt.Errorf("calibration has %d scales and %d biases, want %d", len(cj.Scale), len(cj.Bias), K)
	}
	m.calib = calibration{method: cj.Method, scale: floats(cj.Scale), bias: floats(cj.Bias)}
	if !finite(m.calib.scale...) || !finite(m.calib.bias...) {
		return nil, errors.New("non-finite calibration parameter")
	}

	aj := p.Abstain
	if aj.Distance != distanceRMSZ {
		return nil, fmt.Errorf("abstention distance %q, want %q", aj.Distance, distanceRMSZ)
	}
	m.abstain = abstention{quantile: float64(aj.Quantile), reference: float64(aj.Reference), start: float64(aj.Start), full: float64(aj.Full)}
	if err := m.abstain.check(); err != nil {
		return nil, err
	}

	d := p.Data
	if d.Rows < 1 || len(d.ClassCounts) != genre.N {
		return nil, fmt.Errorf("data summary: %d rows, %d class counts", d.Rows, len(d.ClassCounts))
	}
	total := 0
	for c, n := range d.ClassCounts {
		if n < 0 || (n > 0) != m.isCovered(c) {
			return nil, fmt.Errorf("data summary: class %s has %d rows, inconsistent with the covered classes", genre.Classes[c], n)
		}
		m.counts[c] = n
		total += n
	}
	if total != d.Rows {
		return nil, fmt.Errorf("data summary: class counts add up to %d, not %d rows", total, d.Rows)
	}
	m.rows = d.Rows

	var err error
	if m.trainPrior, err = prior16("training prior", p.Priors.Train); err != nil {
		return nil, err
	}
	for c := range m.trainPrior {
		if math.Abs(m.trainPrior[c]-float64(m.counts[c])/float64(m.rows)) > 1e-12 {
			return nil, fmt.Errorf("training prior of %s disagrees with the class counts", genre.Classes[c])
		}
	}
	if m.fma, err = prior16("fma prior", p.Priors.FMA); err != nil {
		return nil, err
	}
	target, err := prior16("target prior", p.Target.Prior)
	if err != nil {
		return nil, err
	}
	if p.Target.Name == "" {
		return nil, errors.New("target has no name")
	}
	for c := range target {
		if !(target[c] > 0) || !(m.fma[c] > 0) {
			return nil, fmt.Errorf("zero prior for class %s", genre.Classes[c])
		}
	}
	if err := m.setTargetPrior(p.Target.Name, target); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}

	t := p.Training
	m.cfg = TrainConfig{C: float64(t.C), MaxIter: t.MaxIter, Tol: float64(t.Tol), LogVar: t.LogVar, LogScale: t.LogScale,
		Calibration: t.Calibration, Folds: t.Folds, Source: d.Source}
	if t.Optimiser != optimiserName {
		return nil, fmt.Errorf("optimiser %q, want %q", t.Optimiser, optimiserName)
	}
	if _, err := m.cfg.withDefaults(); err != nil || t.C == 0 || t.Tol == 0 || t.MaxIter == 0 || t.Folds == 0 || t.Iterations < 0 {
		return nil, errors.New("invalid training configuration")
	}
	if t.Calibration != cj.Method {
		return nil, fmt.Errorf("training says calibration %q, the calibration is %q", t.Calibration, cj.Method)
	}
	m.fit = lbfgsResult{Iterations: t.Iterations, Converged: t.Converged, Value: float64(t.Objective), GradMax: float64(t.GradMax)}
	return m, nil
}

func (m *Model) isCovered(c int) bool {
	for _, k := range m.covered {
		if k == c {
			return true
		}
	}
	return false
}

// prior16 converts a stored prior, checking its length, that it is finite
// and non-negative, and that it sums to 1.
func prior16(what string, a []num) ([genre.N]float64, error) {
	var p [genre.N]float64
	if len(a) != genre.N {
		return p, fmt.Errorf("%s has %d entries, want %d", what, len(a), genre.N)
	}
	var sum float64
	for c, v := range a {
		p[c] = float64(v)
		if !finite(p[c]) || p[c] < 0 {
			return p, fmt.Errorf("%s of %s is %v", what, genre.Classes[c], p[c])
		}
		sum += p[c]
	}
	if math.Abs(sum-1) > 1e-9 {
		return p, fmt.Errorf("%s sums to %v, want 1", what, sum)
	}
	return p, nil
}

func finite(a ...float64) bool {
	for _, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
