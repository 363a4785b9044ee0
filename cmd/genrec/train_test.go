package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainFlags checks the validation of train's model flags, which
// happens before any table is read.
func TestTrainFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	table := filepath.Join(t.TempDir(), "missing.csv")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown calibration", []string{"--calibration", "isotonic"}, exitUsage, "--calibration"},
		{"one fold", []string{"--folds", "1"}, exitUsage, "--folds"},
		{"zero C", []string{"-C", "0"}, exitUsage, "-C"},
		{"valid flags, missing table", []string{"--calibration", "vector", "--folds", "3", "--log-scale=false"}, exitFailure, "missing.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"train", "--table", table, "-o", out}, tc.args...)
			code, _, stderr := genrec(t, args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, want %d; stderr %q should mention %q", code, tc.code, stderr, tc.msg)
			}
		})
	}
}
