package model

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
	"github.com/genrec/genrec/internal/sharedtest"
)

// sharedDir locates the shared data directory (env GENREC_SHARED, else
// ../../../shared) or skips the test.
func sharedDir(t testing.TB) string {
	t.Helper()
	sharedtest.Path(t, "data", "gtzan", "train.csv")
	return sharedtest.Dir()
}

// tableSplit is one split of a feature table (GTZAN or FMA-small) as
// model inputs.
type tableSplit struct {
	features []string
	X        [][]float64
	y        []int
}

// loadTable reads a feature table of either layout (dataset.ReadTableFile)
// with every feature column and its genre labels.
func loadTable(t testing.TB, path string) tableSplit {
	t.Helper()
	tab, err := dataset.ReadTableFile(path)
	if err != nil {
		t.Fatal(err)
	}
	X, err := tab.Select(tab.Features)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]int, len(tab.Rows))
	for i, r := range tab.Rows {
		if y[i], err = genre.Index(r.Label); err != nil {
			t.Fatalf("%s: %v", r.Filename, err)
		}
	}
	return tableSplit{tab.Features, X, y}
}

func fmaPrior(t testing.TB, dir string) [genre.N]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "data", "fma", "tracks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := dataset.FMAPrior(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func score(t testing.TB, m *Model, d tableSplit) metrics.Report {
	t.Helper()
	probs := make([][genre.N]float64, len(d.X))
	for i, x := range d.X {
		if _, err := m.Predict(probs[i][:], x); err != nil {
			t.Fatal(err)
		}
	}
	return metrics.Evaluate(probs, d.y)
}

// peer holds the classic peer's figures on the GTZAN validation split
// (logistic regression, C = 0.1, scored with the training prior).
var peer = struct{ logLoss, macroF1, accuracy, priorOnly float64 }{1.434, 0.416, 0.447, 2.146}

// shrunk counts the rows of d that m's abstention moves towards the prior.
func shrunk(t testing.TB, m *Model, d tableSplit) int {
	t.Helper()
	n := 0
	for _, x := range d.X {
		_, lambda, err := m.Novelty(x)
		if err != nil {
			t.Fatal(err)
		}
		if lambda > 0 {
			n++
		}
	}
	return n
}

// TestTuneGTZAN trains on the GTZAN training split, scores the validation
// split with the "train" target (as the peer is scored), logs a table over
// C with and without the log transform of the *_var columns (without
// abstention, which the peer does not have, and the log loss with it), and
// asserts that the default configuration beats the peer.
func TestTuneGTZAN(t *testing.T) {
	dir := sharedDir(t)
	train := loadTable(t, filepath.Join(dir, "data", "gtzan", "train.csv"))
	valid := loadTable(t, filepath.Join(dir, "data", "gtzan", "valid.csv"))
	prior := fmaPrior(t, dir)

	// The prior-only baseline: every row is the training prior.
	m0, err := Train(train.features, train.X, train.y, prior, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := m0.SetTarget(TargetTrain); err != nil {
		t.Fatal(err)
	}
	base := make([][genre.N]float64, len(valid.y))
	for i := range base {
		base[i] = m0.Fallback()
	}
	r0 := metrics.Evaluate(base, valid.y)
	t.Logf("prior only: log loss %.4f, macro F1 %.4f, accuracy %.4f (peer: %.3f)", r0.LogLoss, r0.MacroF1, r0.Accuracy, peer.priorOnly)
	if math.Abs(r0.LogLoss-peer.priorOnly) > 0.001 {
		t.Errorf("prior-only log loss %.4f, peer's %.3f: scoring differs from the peer's", r0.LogLoss, peer.priorOnly)
	}

	t.Logf("%-7s %-6s %8s %8s %8s %8s %5s %9s", "log_var", "C", "logloss", "macroF1", "accuracy", "ECE", "iters", "time")
	for _, logVar := range []bool{false, true} {
		for _, C := range []float64{0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.3, 1, 3, 10} {
			start := time.Now()
			m, err := Train(train.features, train.X, train.y, prior, TrainConfig{C: C, LogVar: logVar})
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			if err := m.SetTarget(TargetTrain); err != nil {
				t.Fatal(err)
			}
			// Without abstention: the plain regression, as the peer has it.
			r := score(t, withoutAbstention(m), valid)
			ra := score(t, m, valid)
			t.Logf("%-7v %-6g %8.4f %8.4f %8.4f %8.4f %5d %9v   with abstention: log loss %.4f, %d rows shrunk",
				logVar, C, r.LogLoss, r.MacroF1, r.Accuracy, r.ECE, m.fit.Iterations, el.Round(time.Millisecond), ra.LogLoss, shrunk(t, m, valid))
			if !m.fit.Converged {
				t.Errorf("C=%g log_var=%v did not converge", C, logVar)
			}
			if C == 0.1 && !logVar && (math.Abs(r.LogLoss-peer.logLoss) > 0.002 || math.Abs(r.Accuracy-peer.accuracy) > 0.001) {
				t.Errorf("C=0.1 without log transform should reproduce the peer (%.3f, %.3f), got %.4f, %.4f", peer.logLoss, peer.accuracy, r.LogLoss, r.Accuracy)
			}
		}
	}

	// The default configuration: fast, deterministic, better than the peer.
	cfg := DefaultTrainConfig()
	cfg.Source = "GTZAN train.csv"
	start := time.Now()
	m, err := Train(train.features, train.X, train.y, prior, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("training took %v (timing is reported by benchmarks, not asserted)", time.Since(start))
	m2, err := Train(train.features, train.X, train.y, prior, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 bytes.Buffer
	if _, err := m.WriteTo(&b1); err != nil {
		t.Fatal(err)
	}
	if _, err := m2.WriteTo(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("two trainings on GTZAN gave different model bytes")
	}
	if b1.Len() >= 100_000 {
		t.Errorf("model file is %d bytes, want < 100 kB", b1.Len())
	}
	r := score(t, m, valid) // FMA target, for information
	t.Logf("default (C=%g, log_var=%v), fma target: log loss %.4f, macro F1 %.4f, accuracy %.4f, ECE %.4f; model %d bytes",
		cfg.C, cfg.LogVar, r.LogLoss, r.MacroF1, r.Accuracy, r.ECE, b1.Len())
	if err := m.SetTarget(TargetTrain); err != nil {
		t.Fatal(err)
	}
	r = score(t, m, valid)
	t.Logf("default (C=%g, log_var=%v), train target: log loss %.4f, macro F1 %.4f, accuracy %.4f, ECE %.4f",
		cfg.C, cfg.LogVar, r.LogLoss, r.MacroF1, r.Accuracy, r.ECE)
	if !(r.LogLoss < peer.logLoss && r.MacroF1 > peer.macroF1 && r.Accuracy > peer.accuracy) {
		t.Errorf("default model (log loss %.4f, macro F1 %.4f, accuracy %.4f) does not beat the peer (%.3f, %.3f, %.3f)",
			r.LogLoss, r.MacroF1, r.Accuracy, peer.logLoss, peer.macroF1, peer.accuracy)
	}
	var rep strings.Builder
	if err := r.WriteText(&rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("validation report, train target:\n%s", rep.String())
}
