package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

// gaussians returns a deterministic sample of two 1-D Gaussian classes,
// x|Blues ~ N(−1, 1) and x|Classical ~ N(+1, 1), as evenly spaced
// quantiles. Under equal priors their true log-odds are 2x.
func gaussians(n0, n1 int) ([][]float64, []int) {
	var X [][]float64
	var y []int
	for c, n := range []int{n0, n1} {
		mu := float64(2*c - 1)
		for i := 0; i < n; i++ {
			u := (float64(i) + 0.5) / float64(n)
			X = append(X, []float64{mu + math.Sqrt2*math.Erfinv(2*u-1)})
			y = append(y, c)
		}
	}
	return X, y
}

func uniformPrior() [genre.N]float64 {
	var p [genre.N]float64
	for c := range p {
		p[c] = 1 / float64(genre.N)
	}
	return p
}

func sigmoid(t float64) float64 { return 1 / (1 + math.Exp(-t)) }

// TestPriorShift checks the prior shift against posteriors known in closed
// form: with training prior (π0, π1) and target π_t, the covered classes
// get M·σ(2x + log(π_t1/π_t0)) and the uncovered ones π_t(u).
func TestPriorShift(t *testing.T) {
	var custom [genre.N]float64
	for c := range custom {
		custom[c] = 0.6 / 14
	}
	custom[0], custom[1] = 0.1, 0.3
	tests := []struct {
		name      string
		n0, n1    int
		prior     [genre.N]float64 // given to Train (the "fma" target)
		target    string
		mass      float64 // M
		logOdds   float64 // log(π_t1/π_t0)
		uncovered float64 // π_t(u)
	}{
		{"fma target, balanced training", 2000, 2000, custom, TargetFMA, 0.4, math.Log(3), 0.6 / 14},
		{"uniform target, 3:1 training", 3000, 1000, custom, TargetUniform, 2.0 / 16, 0, 1.0 / 16},
		{"train target, 3:1 training", 3000, 1000, custom, TargetTrain, 1 - PriorFloor, -math.Log(3), PriorFloor / 14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			X, y := gaussians(tc.n0, tc.n1)
			m, err := Train([]string{"x"}, X, y, tc.prior, TrainConfig{C: 1e4})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SetTarget(tc.target); err != nil {
				t.Fatal(err)
			}
			for _, x := range []float64{-3, -1, -0.3, 0, 0.5, 1, 2.5} {
				p, err := m.Predict(nil, []float64{x})
				if err != nil {
					t.Fatal(err)
				}
				want1 := tc.mass * sigmoid(2*x+tc.logOdds)
				if math.Abs(p[1]-want1) > 0.003 || math.Abs(p[0]-(tc.mass-want1)) > 0.003 {
					t.Errorf("x=%v: p(Blues, Classical) = %.4f, %.4f; want %.4f, %.4f", x, p[0], p[1], tc.mass-want1, want1)
				}
				for c := 2; c < genre.N; c++ {
					if math.Abs(p[c]-tc.uncovered) > 1e-12 {
						t.Errorf("x=%v: p(%s) = %v, want %v", x, genre.Classes[c], p[c], tc.uncovered)
					}
				}
				checkRow(t, p)
			}
		})
	}
}

// checkRow asserts that p is a finite probability row summing to 1.
func checkRow(t *testing.T, p []float64) {
	t.Helper()
	var sum float64
	for c, v := range p {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("p[%d] = %v, want in [0, 1]", c, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("row sums to %v", sum)
	}
}

// toyModel trains a small three-class model with a log-transformed column.
// toyData returns the rows and labels of toyModel.
func toyData() ([][]float64, []int) {
	var X [][]float64
	var y []int
	classes := []int{4, 7, 13} // Electronic, Hip-Hop, Rock
	for i := 0; i < 60; i++ {
		k := i % 3
		f := float64(i)
		X = append(X, []float64{float64(k) + math.Sin(f), math.Exp(float64(k) + math.Cos(f)), 5})
		y = append(y, classes[k])
	}
	return X, y
}

func toyModel(t *testing.T) *Model {
	t.Helper()
	X, y := toyData()
	m, err := Train([]string{"a", "b_var", "const"}, X, y, uniformPrior(), TrainConfig{C: 1, LogVar: true, Calibration: CalibTemperature, Source: "toy"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPredictInvariants(t *testing.T) {
	m := toyModel(t)
	if got := m.Covered(); len(got) != 3 || got[0] != 4 || got[1] != 7 || got[2] != 13 {
		t.Fatalf("Covered = %v", got)
	}
	if !m.inputs[1].Log || m.inputs[0].Log || m.inputs[2].Scale != 1 {
		t.Fatalf("inputs = %+v", m.inputs)
	}
	inputs := [][]float64{
		{0, 1, 5}, {1e300, 1e300, -1e300}, {-1e300, 0, 0}, {-1e300, -5, 1e300}, {1, math.SmallestNonzeroFloat64, 5},
	}
	for _, target := range []string{TargetFMA, TargetTrain, TargetUniform} {
		if err := m.SetTarget(target); err != nil {
			t.Fatal(err)
		}
		fb := m.Fallback()
		checkRow(t, fb[:])
		dst := make([]float64, genre.N)
		for _, x := range inputs {
			p, err := m.Predict(dst, x)
			if err != nil {
				t.Fatalf("target %s, x=%v: %v", target, x, err)
			}
			checkRow(t, p)
		}
	}
	for _, tc := range []struct {
		dst []float64
		x   []float64
	}{
		{nil, []float64{1, 2}},
		{nil, []float64{1, math.NaN(), 3}},
		{nil, []float64{1, 2, math.Inf(-1)}},
		{make([]float64, 3), []float64{1, 2, 3}},
	} {
		if _, err := m.Predict(tc.dst, tc.x); err == nil {
			t.Errorf("Predict(len %d, %v) succeeded", len(tc.dst), tc.x)
		}
	}
}

func TestSetTarget(t *testing.T) {
	m := toyModel(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "genre,weight\nRock,3\nmetal,1\nHip-Hop,4\n")
	tests := []struct {
		name    string
		want    map[int]float64 // expected prior entries
		wantErr string
	}{
		{name: TargetUniform, want: map[int]float64{0: 1.0 / 16, 13: 1.0 / 16}},
		{name: TargetTrain, want: map[int]float64{4: (1 - PriorFloor) / 3, 0: PriorFloor / 13}},
		{name: TargetFMA, want: map[int]float64{5: 1.0 / 16}},
		{name: good, want: map[int]float64{13: 0.5 * (1 - PriorFloor), 7: 0.5 * (1 - PriorFloor), 0: PriorFloor / 14}},
		{name: "", wantErr: "empty"},
		{name: filepath.Join(dir, "missing.csv"), wantErr: "no such file"},
		{name: write("neg.csv", "Rock,-1\n"), wantErr: "line 1"},
		{name: write("zero.csv", "Rock,0\n"), wantErr: "sum"},
		{name: write("unknown.csv", "genre,weight\nPolka,1\n"), wantErr: "line 2"},
	}
	for _, tc := range tests {
		err := m.SetTarget(tc.name)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("SetTarget(%q) = %v, want error containing %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("SetTarget(%q): %v", tc.name, err)
			continue
		}
		fb := m.Fallback()
		for c, want := range tc.want {
			if math.Abs(fb[c]-want) > 1e-15 {
				t.Errorf("SetTarget(%q): prior of %s = %v, want %v", tc.name, genre.Classes[c], fb[c], want)
			}
		}
		if m.TargetName() != tc.name {
			t.Errorf("TargetName = %q, want %q", m.TargetName(), tc.name)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	X, y := gaussians(5, 5)
	one := make([]int, len(y))
	var zero [genre.N]float64
	nanRow := append(append([][]float64(nil), X[:9]...), []float64{math.NaN()})
	tests := []struct {
		name     string
		features []string
		X        [][]float64
		y        []int
		prior    [genre.N]float64
		cfg      TrainConfig
		wantErr  string
	}{
		{"no features", nil, X, y, uniformPrior(), TrainConfig{}, "no features"},
		{"duplicate feature", []string{"x", "x"}, X, y, uniformPrior(), TrainConfig{}, "repeated"},
		{"label count", []string{"x"}, X, y[:3], uniformPrior(), TrainConfig{}, "labels"},
		{"row width", []string{"x", "z"}, X, y, uniformPrior(), TrainConfig{}, "row 0"},
		{"NaN", []string{"x"}, nanRow, y, uniformPrior(), TrainConfig{}, "not finite"},
		{"class range", []string{"x"}, X, append(y[:9:9], 16), uniformPrior(), TrainConfig{}, "outside"},
		{"one class", []string{"x"}, X, one, uniformPrior(), TrainConfig{}, "at least 2"},
		{"zero prior", []string{"x"}, X, y, zero, TrainConfig{}, "prior"},
		{"negative C", []string{"x"}, X, y, uniformPrior(), TrainConfig{C: -1}, "C ="},
		{"no rows", []string{"x"}, nil, nil, uniformPrior(), TrainConfig{}, "no training rows"},
	}
	for _, tc := range tests {
		_, err := Train(tc.features, tc.X, tc.y, tc.prior, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func modelBytes(t *testing.T, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo returned %d, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

func TestDeterministicAndRoundTrip(t *testing.T) {
	a, b := modelBytes(t, toyModel(t)), modelBytes(t, toyModel(t))
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings on the same data gave different model bytes")
	}
	m, err := Read(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if c := modelBytes(t, m); !bytes.Equal(a, c) {
		t.Fatalf("write → read → write changed the bytes:\n%s\n---\n%s", a, c)
	}
	orig := toyModel(t)
	x := []float64{0.3, 2, 5}
	p1, _ := orig.Predict(nil, x)
	p2, _ := m.Predict(nil, x)
	for c := range p1 {
		if p1[c] != p2[c] {
			t.Fatalf("prediction differs after round trip: %v vs %v", p1, p2)
		}
	}
	// A changed target survives the round trip.
	if err := m.SetTarget(TargetTrain); err != nil {
		t.Fatal(err)
	}
	m2, err := Read(bytes.NewReader(modelBytes(t, m)))
	if err != nil || m2.TargetName() != TargetTrain || m2.Fallback() != m.Fallback() {
		t.Fatalf("target lost in round trip: %v", err)
	}
	// Save/Load.
	path := filepath.Join(t.TempDir(), "m.json")
	if err := orig.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// resign edits the compact payload of a model file and recomputes its
// checksum, to test validation behind the checksum.
func resign(t *testing.T, file []byte, edit func(string) string) []byte {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(file, &env); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if err := json.Compact(&body, env.Payload); err != nil {
		t.Fatal(err)
	}
	p := edit(body.String())
	sum := sha256.Sum256([]byte(p))
	env.SHA256 = hex.EncodeToString(sum[:])
	env.Payload = json.RawMessage(p)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cutField removes the object-valued field name (with its following comma)
// from the compact payload p.
func cutField(t *testing.T, p, name string) string {
	t.Helper()
	i := strings.Index(p, `"`+name+`":{`)
	if i < 0 {
		t.Fatalf("payload has no field %q", name)
	}
	j := i + strings.Index(p[i:], "}")
	if j+1 < len(p) && p[j+1] == ',' {
		j++
	}
	return p[:i] + p[j+1:]
}

func TestReadRejects(t *testing.T) {
	good := modelBytes(t, toyModel(t))
	s := string(good)
	cur := fmt.Sprintf(`"version": %d`, FormatVersion)
	if !strings.Contains(s, cur) {
		t.Fatalf("model file does not say %s", cur)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"binary", []byte{0x1f, 0x8b, 0, 1}, ErrFormat},
		{"other JSON", []byte(`{"format":"something-else","version":1}`), ErrFormat},
		{"version 1 (before calibration)", []byte(strings.Replace(s, cur, `"version": 1`, 1)), ErrVersion},
		{"version 2 (before abstention)", []byte(strings.Replace(s, cur, `"version": 2`, 1)), ErrVersion},
		{"next version", []byte(strings.Replace(s, cur, fmt.Sprintf(`"version": %d`, FormatVersion+1), 1)), ErrVersion},
		{"edited weight", []byte(strings.Replace(s, `"c": 1`, `"c": 2`, 1)), ErrChecksum},
		{"bad checksum", []byte(strings.Replace(s, `"sha256": "`, `"sha256": "0`, 1)), ErrChecksum},
		{"truncated", good[:len(good)/2], ErrCorrupt},
		{"no payload", []byte(fmt.Sprintf(`{"format":"genrec-model","version":%d,"sha256":""}`, FormatVersion)), ErrCorrupt},
		{"unknown calibration", resign(t, good, func(p string) string {
			return strings.Replace(p, `"method":"temperature"`, `"method":"isotonic"`, 1)
		}), ErrCorrupt},
		{"calibration method mismatch", resign(t, good, func(p string) string {
			return strings.Replace(p, `"method":"temperature"`, `"method":"vector"`, 1)
		}), ErrCorrupt},
		{"short calibration", resign(t, good, func(p string) string { return strings.Replace(p, `"bias":[`, `"bias":[0,`, 1) }), ErrCorrupt},
		{"infinite calibration", resign(t, good, func(p string) string { return strings.Replace(p, `"scale":[`, `"scale":[1e999,`, 1) }), ErrCorrupt},
		{"unknown field", resign(t, good, func(p string) string { return strings.Replace(p, `"covered"`, `"extra":1,"covered"`, 1) }), ErrCorrupt},
		{"NaN-like weight", resign(t, good, func(p string) string { return strings.Replace(p, `"intercepts":[`, `"intercepts":[1e999,`, 1) }), ErrCorrupt},
		{"short intercepts", resign(t, good, func(p string) string { return strings.Replace(p, `"intercepts":[`, `"intercepts":[1,`, 1) }), ErrCorrupt},
		{"wrong sample rate", resign(t, good, func(p string) string { return strings.Replace(p, `"sample_rate":22050`, `"sample_rate":44100`, 1) }), ErrCorrupt},
		{"class order", resign(t, good, func(p string) string { return strings.Replace(p, `"Blues","Classical"`, `"Classical","Blues"`, 1) }), ErrCorrupt},
		{"no abstention", resign(t, good, func(p string) string { return cutField(t, p, "abstention") }), ErrCorrupt},
		{"abstention distance", resign(t, good, func(p string) string { return strings.Replace(p, `"distance":"rms_z"`, `"distance":"mahalanobis"`, 1) }), ErrCorrupt},
		{"abstention start after full", resign(t, good, func(p string) string { return strings.Replace(p, `"start":1.4`, `"start":2.5`, 1) }), ErrCorrupt},
		{"abstention quantile 0", resign(t, good, func(p string) string { return strings.Replace(p, `"quantile":0.99`, `"quantile":0`, 1) }), ErrCorrupt},
		{"abstention reference negative", resign(t, good, func(p string) string { return strings.Replace(p, `"reference":`, `"reference":-`, 1) }), ErrCorrupt},
		{"abstention reference huge", resign(t, good, func(p string) string {
			return regexp.MustCompile(`"reference":[0-9.e+-]+`).ReplaceAllString(p, `"reference":1e300`)
		}), ErrCorrupt},
		{"prior sum", resign(t, good, func(p string) string { return strings.Replace(p, `"fma":[`, `"fma":[0.5,`, 1) }), ErrCorrupt},
	}
	for _, tc := range tests {
		_, err := Read(bytes.NewReader(tc.in))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	// An older file says clearly which version it is and which one is read.
	_, err := Read(strings.NewReader(strings.Replace(s, cur, `"version": 2`, 1)))
	if want := fmt.Sprintf("version 2, this build reads version %d", FormatVersion); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("version 2 file: err = %v, want it to name both versions (%q)", err, want)
	}
	// No prefix of a valid file may panic or be accepted.
	for n := 0; n < len(good)-1; n += 37 {
		if _, err := Read(bytes.NewReader(good[:n])); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
	if len(good) > 100_000 {
		t.Errorf("model file is %d bytes, want < 100 kB", len(good))
	}
}
