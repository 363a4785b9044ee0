package report

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
)

func onehot(c int, p float64) [genre.N]float64 {
	var row [genre.N]float64
	for k := range row {
		row[k] = (1 - p) / float64(genre.N-1)
	}
	row[c] = p
	return row
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name    string
		probs   [][genre.N]float64
		labels  []int
		classes []string // expected Classes of report.json
		wantErr string
	}{
		{
			name:    "three classes",
			probs:   [][genre.N]float64{onehot(0, .9), onehot(1, .6), onehot(1, .7), onehot(13, .4)},
			labels:  []int{0, 1, 13, 13},
			classes: []string{"Blues", "Classical", "Rock"},
		},
		{
			name:    "one row",
			probs:   [][genre.N]float64{onehot(5, .2)},
			labels:  []int{7},
			classes: []string{"Experimental", "Hip-Hop"},
		},
		{name: "nothing scored", wantErr: "no rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sub", "dir")
			r := metrics.Evaluate(tc.probs, tc.labels)
			err := Write(dir, r, "test "+tc.name)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{ReliabilityFile, ConfusionFile} {
				f, err := os.Open(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := png.DecodeConfig(f)
				f.Close()
				if err != nil || cfg.Width < 200 || cfg.Height < 200 {
					t.Errorf("%s: %v, %dx%d; want a PNG picture", name, err, cfg.Width, cfg.Height)
				}
			}
			b, err := os.ReadFile(filepath.Join(dir, JSONFile))
			if err != nil {
				t.Fatal(err)
			}
			var f Figures
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			if f.Rows != r.N || f.LogLoss != r.LogLoss || f.ECE != r.ECE || f.MeanConfidence != r.MeanConfidence || f.Description != "test "+tc.name {
				t.Errorf("report.json figures %+v differ from the report", f)
			}
			if strings.Join(f.Classes, ",") != strings.Join(tc.classes, ",") || len(f.Confusion) != len(tc.classes) || len(f.PerClass) != len(tc.classes) {
				t.Errorf("classes %v, confusion %v; want classes %v", f.Classes, f.Confusion, tc.classes)
			}
			n := 0
			for _, bin := range f.Reliability {
				n += bin.N
			}
			if len(f.Reliability) != metrics.ECEBins || n != r.N {
				t.Errorf("%d bins holding %d rows, want %d bins holding %d", len(f.Reliability), n, metrics.ECEBins, r.N)
			}
		})
	}
}

func TestWriteUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := metrics.Evaluate([][genre.N]float64{onehot(0, .9)}, []int{0})
	if err := Write(filepath.Join(file, "dir"), r, ""); err == nil {
		t.Error("writing under a regular file succeeded")
	}
}
