package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/report"
)

// TestEvalReport runs `genrec eval --report DIR` on the validation table
// and checks the pictures and the figures it writes, and that a report
// folder that cannot be created fails the command.
func TestEvalReport(t *testing.T) {
	shared := sharedDir(t)
	valid := filepath.Join(shared, "data", "gtzan", "valid.csv")
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		code int
	}{
		{"new folder", filepath.Join(t.TempDir(), "img"), exitOK},
		{"under a file", filepath.Join(blocker, "img"), exitFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := genrec(t, "eval", "--table", valid, "--prior", "train", "--report", tc.dir)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if tc.code != exitOK {
				return
			}
			if !strings.Contains(stdout, "ECE") {
				t.Errorf("eval output lacks the ECE:\n%s", stdout)
			}
			for _, name := range []string{report.ReliabilityFile, report.ConfusionFile} {
				b, err := os.ReadFile(filepath.Join(tc.dir, name))
				if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
					t.Errorf("%s: %v; want a PNG file", name, err)
				}
			}
			b, err := os.ReadFile(filepath.Join(tc.dir, report.JSONFile))
			if err != nil {
				t.Fatal(err)
			}
			var f report.Figures
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			if f.Rows != 197 || !(f.ECE > 0) || len(f.Classes) != 9 || !strings.Contains(f.Description, "valid.csv") {
				t.Errorf("report.json: rows %d, ECE %v, classes %v, description %q", f.Rows, f.ECE, f.Classes, f.Description)
			}
		})
	}
}
