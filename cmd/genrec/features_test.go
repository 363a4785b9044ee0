package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/params"
)

// TestFeaturesCommandMatchesTable runs `genrec features` on the ten
// original GTZAN clips and compares its table with the reference rows of
// ../shared/data/gtzan/clips/features.csv: same files, lengths, labels, and
// every column within the tolerance of issue 4 (1% relative or 1e-4
// absolute; 2e-5 for the near-zero harmony/perceptr means; 1 BPM for
// tempo). The 3-second layout gets ten whole segments per clip.
func TestFeaturesCommandMatchesTable(t *testing.T) {
	shared := sharedDir(t)
	clips := filepath.Join(shared, "data", "gtzan", "clips")
	ref, err := dataset.ReadTableFile(filepath.Join(clips, "features.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	labels := filepath.Join(dir, "labels.csv")
	var b strings.Builder
	b.WriteString("file_id,genre\n")
	for _, r := range ref.Rows {
		fmt.Fprintf(&b, "%s,%s\n", r.Filename, r.Label)
	}
	if err := os.WriteFile(labels, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clips.csv")
	if code, _, stderr := genrec(t, "features", "--seconds", "0", "--labels", labels, "-o", out, clips); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	got, err := dataset.ReadTableFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Features, ",") != strings.Join(features.Columns[:], ",") {
		t.Fatalf("columns differ from the Kaggle layout: %v", got.Features)
	}
	want := map[string]dataset.Row{}
	for _, r := range ref.Rows {
		want[r.Filename] = r
	}
	if len(got.Rows) != len(ref.Rows) {
		t.Fatalf("%d rows, want %d", len(got.Rows), len(ref.Rows))
	}
	worst, worstCol := 0.0, ""
	for _, r := range got.Rows {
		w, ok := want[r.Filename]
		if !ok {
			t.Fatalf("unexpected row %q", r.Filename)
		}
		if r.Length != w.Length || !strings.EqualFold(r.Label, w.Label) {
			t.Errorf("%s: length %d label %q, want %d %q", r.Filename, r.Length, r.Label, w.Length, w.Label)
		}
		for j, c := range got.Features {
			x, y := r.Values[j], w.Values[j]
			tol := math.Max(0.01*math.Abs(y), 1e-4)
			switch c {
			case "tempo":
				tol = 1
			case "harmony_mean", "perceptr_mean":
				tol = math.Max(0.01*math.Abs(y), 2e-5)
			}
			if f := math.Abs(x-y) / tol; f > worst {
				worst, worstCol = f, r.Filename+" "+c
			}
		}
	}
	t.Logf("worst column error: %.3g of its tolerance (%s)", worst, worstCol)
	if worst > 1 {
		t.Errorf("%s is outside its tolerance (%.3g × tolerance)", worstCol, worst)
	}

	// The 3-second layout: ten whole segments per 30-s clip, named
	// <stem>.<k>.wav, each SegmentLength samples long.
	code, stdout, stderr := genrec(t, "features", "--segment", "3s", filepath.Join(clips, "blues.00000.wav"))
	if code != exitOK {
		t.Fatalf("--segment 3s exit %d:\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 {
		t.Fatalf("--segment 3s: %d lines, want header + 10", len(rows))
	}
	for k, r := range rows[1:] {
		if r[0] != fmt.Sprintf("blues.00000.%d.wav", k) || r[1] != fmt.Sprint(params.SegmentLength) {
			t.Errorf("segment %d: %q %q", k, r[0], r[1])
		}
	}
	if code, _, _ := genrec(t, "features", "--segment", "5s", clips); code != exitUsage {
		t.Errorf("--segment 5s: exit %d, want %d", code, exitUsage)
	}
}
