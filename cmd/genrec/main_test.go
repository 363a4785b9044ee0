package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/internal/testaudio"
)

// sharedDir returns ../shared beside the checkout, or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GENREC_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "gtzan", "train.csv")); err != nil {
		t.Skipf("shared data not found at %s (set GENREC_SHARED): %v", dir, err)
	}
	return dir
}

// genrec runs the command in-process and returns its exit code and output.
func genrec(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// hostilePayload builds a folder like the challenge's, with clips that
// decode and clips that cannot, and returns it with the file ids that must
// get an analysed row and those that must get the fallback row.
func hostilePayload(t *testing.T) (dir string, analysed, fallback []string) {
	dir = t.TempDir()
	put := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mp3 := func(name string, rate, channels int, secs float64, freqs []float64, noise float64, args ...string) {
		x := testaudio.Signal(int(secs*float64(rate)), rate, freqs, noise)
		testaudio.WriteMP3(t, filepath.Join(dir, name), x, rate, channels, args...)
	}
	mp3("tone.mp3", 44100, 2, 6, []float64{440, 660}, 0.05)
	mp3("noise 8k, mono.mp3", 8000, 1, 4, nil, 0.3, "-b", "32")
	mp3(`odd "quoted".MP3`, 22050, 1, 3, []float64{220}, 0.1)
	mp3("silence.mp3", 44100, 2, 3, nil, 0)
	mp3("short.mp3", 44100, 1, 0.2, []float64{440}, 0.1)
	analysed = []string{"tone", "noise 8k, mono", `odd "quoted"`}
	fallback = []string{"silence", "short"}

	put("empty.mp3", nil)
	put("text.mp3", []byte("this is not an mp3 file\n"))
	junk := make([]byte, 20000)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range junk {
		junk[i] = byte(r.UintN(256))
	}
	put("garbage.mp3", junk)
	tone, err := os.ReadFile(filepath.Join(dir, "tone.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	put("truncated.mp3", tone[:len(tone)/100])
	fallback = append(fallback, "empty", "text", "garbage", "truncated")

	put("wav_inside.mp3", testaudio.WAV(testaudio.Signal(3*22050, 22050, []float64{330}, 0.05), 22050, 1))
	analysed = append(analysed, "wav_inside")

	put("notes.txt", []byte("no row"))
	if err := os.Mkdir(filepath.Join(dir, "folder.mp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, analysed, fallback
}

func TestPredictHostileFolder(t *testing.T) {
	dir, analysed, fallback := hostilePayload(t)
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := genrec(t, "predict", "--ext", "mp3", "--prior", "fma", "-o", out, dir+"/")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	preds, err := submission.Read(f)
	if err != nil {
		t.Fatalf("output is not a valid challenge CSV: %v", err)
	}
	m, err := loadModel("")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetTarget("fma"); err != nil {
		t.Fatal(err)
	}
	prior := m.Fallback()
	rows := map[string]bool{}
	for _, p := range preds {
		if rows[p.FileID] {
			t.Errorf("duplicate row %q", p.FileID)
		}
		rows[p.FileID] = p.Probs == prior
	}
	if len(rows) != len(analysed)+len(fallback) {
		t.Errorf("%d rows, want %d: %v", len(rows), len(analysed)+len(fallback), rows)
	}
	for _, id := range analysed {
		if isPrior, ok := rows[id]; !ok || isPrior {
			t.Errorf("%q: row present %v, equal to the prior %v; want an analysed row", id, ok, isPrior)
		}
	}
	for _, id := range fallback {
		if isPrior, ok := rows[id]; !ok || !isPrior {
			t.Errorf("%q: row present %v, equal to the prior %v; want the prior", id, ok, isPrior)
		}
	}
	if !strings.Contains(stderr, "4 analysed, 6 given the prior") {
		t.Errorf("summary line missing or wrong:\n%s", stderr)
	}
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
	train := filepath.Join(shared, "data", "gtzan", "train.csv")
	tracks := filepath.Join(shared, "data", "fma", "tracks.csv")
	dir := t.TempDir()
	var models [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "m"+string(rune('0'+i))+".json")
		if code, _, stderr := genrec(t, "train", "--table", train, "--fma-tracks", tracks, "-o", out); code != exitOK {
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
