package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/sharedtest"
)

// sharedDir returns ../shared beside the checkout, or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	sharedtest.Path(t, "data", "gtzan", "train.csv")
	return sharedtest.Dir()
}

// genrec runs the command in-process and returns its exit code and output.
func genrec(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPredictErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no input", []string{"predict"}, exitUsage},
		{"unknown flag", []string{"predict", "--nope", dir}, exitUsage},
		{"bad prior", []string{"predict", "--prior", "nonsense", dir}, exitUsage},
		{"negative jobs", []string{"predict", "--jobs", "-1", dir}, exitUsage},
		{"missing folder", []string{"predict", filepath.Join(dir, "missing")}, exitFailure},
		{"missing model", []string{"predict", "--model", filepath.Join(dir, "none.json"), dir}, exitFailure},
		{"unwritable output", []string{"predict", "-o", filepath.Join(dir, "no", "such", "out.csv"), dir}, exitFailure},
		{"unknown command", []string{"frobnicate"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := genrec(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 1 {
				t.Errorf("want a short error, got %d lines:\n%s", n+1, stderr)
			}
		})
	}
}

func TestRunShErrors(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	runSh, err := filepath.Abs(filepath.Join("..", "..", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	tests := []struct {
		name string
		env  []string
		msg  string
	}{
		{"unset TEST_DIRECTORY", []string{"OUTPUT_PATH=" + out}, "TEST_DIRECTORY is not set"},
		{"unset OUTPUT_PATH", []string{"TEST_DIRECTORY=" + t.TempDir()}, "OUTPUT_PATH is not set"},
		{"missing TEST_DIRECTORY", []string{"TEST_DIRECTORY=/nonexistent/x", "OUTPUT_PATH=" + out}, "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bash, runSh)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, tt.env...)
			b, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("run.sh exited 0; output:\n%s", b)
			}
			if !strings.Contains(string(b), tt.msg) {
				t.Errorf("output %q does not say %q", b, tt.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

func TestTrainIsDeterministicAndReproducesShippedModel(t *testing.T) {
	shared := sharedDir(t)
	// The shipped recipe: settings chosen on valid.csv (see
	// internal/model TestCompareGTZAN), trained on train.csv + valid.csv,
	// exactly as `make model` runs it.
	train := filepath.Join(shared, "data", "gtzan", "train.csv")
	valid := filepath.Join(shared, "data", "gtzan", "valid.csv")
	tracks := filepath.Join(shared, "data", "fma", "tracks.csv")
	dir := t.TempDir()
	var models [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "m"+string(rune('0'+i))+".json")
		if code, _, stderr := genrec(t, "train", "--table", train, "--table", valid, "--fma-tracks", tracks, "-o", out); code != exitOK {
			t.Fatalf("train exit %d:\n%s", code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, b)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Fatal("two training runs gave different model files")
	}
	shipped, err := os.ReadFile(filepath.Join("..", "..", "models", "genrec.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(models[0], shipped) {
		t.Error("models/genrec.json differs from what `make model` trains now; retrain and commit it")
	}
}

func TestPredictTableMatchesEval(t *testing.T) {
	shared := sharedDir(t)
	valid := filepath.Join(shared, "data", "gtzan", "valid.csv")
	code, stdout, stderr := genrec(t, "predict", "--table", valid, "--prior", "train")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 198 {
		t.Errorf("%d lines, want header + 197 rows", len(rows))
	}
	if len(rows) > 1 && rows[1][0] != strings.TrimSuffix(rows[1][0], ".wav") {
		t.Errorf("file_id %q keeps its extension", rows[1][0])
	}
	code, stdout, stderr = genrec(t, "eval", "--table", valid, "--prior", "train")
	if code != exitOK {
		t.Fatalf("eval exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"log loss", "macro F1", "accuracy", "prior-only log loss"} {
		if !strings.Contains(strings.ToLower(stdout), strings.ToLower(want)) {
			t.Errorf("eval report lacks %q:\n%s", want, stdout)
		}
	}
}

// TestTablesInBothLayouts trains on the FMA-small table and scores its
// valid split with predict --table and eval --table; tables of the two
// layouts cannot be mixed in one training, and a GTZAN model cannot read an
// FMA-small table.
func TestTablesInBothLayouts(t *testing.T) {
	shared := sharedDir(t)
	fma := filepath.Join(shared, "data", "fma-small")
	sharedtest.Path(t, "data", "fma-small", "train.csv")
	model := filepath.Join(t.TempDir(), "fma.json")
	code, _, stderr := genrec(t, "train", "--table", filepath.Join(fma, "train.csv"), "-o", model)
	if code != exitOK {
		t.Fatalf("train on fma-small: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "on 60 features") || !strings.Contains(stderr, "8 of 16 classes") {
		t.Errorf("train on fma-small: %s", stderr)
	}
	valid := filepath.Join(fma, "valid.csv")
	code, stdout, stderr := genrec(t, "predict", "--table", valid, "--model", model, "--prior", "uniform")
	if code != exitOK {
		t.Fatalf("predict --table fma-small: exit %d:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 801 || rows[1][0] != "148" {
		t.Errorf("predict --table fma-small: %d lines, first id %q; want header + 800 rows from track 148", len(rows), rows[1][0])
	}
	code, stdout, stderr = genrec(t, "eval", "--table", valid, "--model", model, "--prior", "uniform")
	if code != exitOK || !strings.Contains(stdout, "over 8 classes") {
		t.Fatalf("eval --table fma-small: exit %d:\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = genrec(t, "train", "--table", filepath.Join(fma, "train.csv"),
		"--table", filepath.Join(shared, "data", "gtzan", "train.csv"), "-o", model)
	if code != exitFailure || !strings.Contains(stderr, "one model is trained on one layout") {
		t.Errorf("mixed layouts: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = genrec(t, "eval", "--table", valid, "--prior", "train")
	if code != exitFailure || !strings.Contains(stderr, "fma-small layout") {
		t.Errorf("shipped GTZAN model on an fma-small table: exit %d, stderr %q", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("id,genre,a\n1,Rock,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = genrec(t, "predict", "--table", bad)
	if code != exitFailure || !strings.Contains(stderr, "no known layout") {
		t.Errorf("table in neither layout: exit %d, stderr %q", code, stderr)
	}
}
