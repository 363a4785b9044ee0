package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/dataset"
)

// TestEvalLabelsMatchesEvalTable scores the same predictions two ways —
// predict a table to a challenge CSV and score it against a labels file,
// and score the table directly — and expects the same figures.
func TestEvalLabelsMatchesEvalTable(t *testing.T) {
	shared := sharedDir(t)
	valid := filepath.Join(shared, "data", "gtzan", "valid.csv")
	dir := t.TempDir()
	pred := filepath.Join(dir, "pred.csv")
	if code, _, stderr := genrec(t, "predict", "--table", valid, "--prior", "train", "-o", pred); code != exitOK {
		t.Fatalf("predict exit %d:\n%s", code, stderr)
	}
	tab, err := dataset.ReadTableFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	labels := filepath.Join(dir, "labels.csv")
	f, err := os.Create(labels)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"file_id", "genre"})
	for _, r := range tab.Rows {
		w.Write([]string{strings.TrimSuffix(r.Filename, ".wav"), r.Label})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	code, byLabels, stderr := genrec(t, "eval", "--labels", labels, pred)
	if code != exitOK {
		t.Fatalf("eval --labels exit %d:\n%s", code, stderr)
	}
	code, byTable, stderr := genrec(t, "eval", "--table", valid, "--prior", "train")
	if code != exitOK {
		t.Fatalf("eval --table exit %d:\n%s", code, stderr)
	}
	// The figures and the confusion matrix agree; only the prior-only
	// baseline line differs (label frequencies vs the model's prior).
	strip := func(s string) string {
		i := strings.Index(s, "prior-only")
		if i < 0 {
			t.Fatalf("no prior-only line in:\n%s", s)
		}
		return s[:i]
	}
	if strip(byLabels) != strip(byTable) {
		t.Errorf("eval --labels and eval --table disagree:\n--- labels\n%s\n--- table\n%s", byLabels, byTable)
	}

	// A prediction without a label, and a label without a prediction, are errors.
	if err := os.WriteFile(labels, []byte("file_id,genre\nnot_there,rock\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := genrec(t, "eval", "--labels", labels, pred); code != exitFailure {
		t.Errorf("eval with mismatched labels: exit %d, want %d", code, exitFailure)
	}
}
