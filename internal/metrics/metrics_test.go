package metrics

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

// row builds a probability row from class→probability pairs.
func row(kv ...float64) [genre.N]float64 {
	var p [genre.N]float64
	for i := 0; i+1 < len(kv); i += 2 {
		p[int(kv[i])] = kv[i+1]
	}
	return p
}

func TestEvaluate(t *testing.T) {
	nan := math.NaN()
	var allNaN [genre.N]float64
	for c := range allNaN {
		allNaN[c] = nan
	}
	tests := []struct {
		name                  string
		probs                 [][genre.N]float64
		labels                []int
		n, skipped            int
		logLoss, f1, acc, ece float64
		present               []int
		diag                  map[[2]int]int // expected non-zero confusion cells
	}{
		{
			// Rows: (y=0, top 0 @.85) (y=0, top 1 @.65) (y=1, top 1 @.90)
			// (y=1, top 2 @.50).
			// log loss = −(ln .85 + ln .35 + ln .9 + ln .3)/4
			//          = (0.16251893+1.04982212+0.10536052+1.20397280)/4.
			// class 0: P 1/1, R 1/2, F1 2/3; class 1: P 1/2, R 1/2, F1 1/2;
			// class 2 only predicted → not in the mean: macro F1 = 7/12.
			// ECE: one row per bin: (.15 + .65 + .10 + .50)/4 = .35.
			name: "hand computed",
			probs: [][genre.N]float64{
				row(0, .85, 1, .15),
				row(0, .35, 1, .65),
				row(0, .10, 1, .90),
				row(0, .20, 1, .30, 2, .50),
			},
			labels:  []int{0, 0, 1, 1},
			n:       4,
			logLoss: 2.52167437 / 4, f1: 7.0 / 12, acc: 0.5, ece: 0.35,
			present: []int{0, 1},
			diag:    map[[2]int]int{{0, 0}: 1, {0, 1}: 1, {1, 1}: 1, {1, 2}: 1},
		},
		{
			// p(true) = 0 is clipped to 1e-15 and the row renormalised by
			// 1 + 15e-15: loss = 15·ln 10 + ln(1+1.5e-14).
			name:    "clipped zero",
			probs:   [][genre.N]float64{row(1, 1)},
			labels:  []int{0},
			n:       1,
			logLoss: 34.538776394910684, f1: 0, acc: 0, ece: 1,
			present: []int{0},
			diag:    map[[2]int]int{{0, 1}: 1},
		},
		{
			// All-NaN row → uniform 1/16: loss ln 16; the tie goes to class
			// 0, which is right; confidence 1/16 → ECE 15/16.
			name:    "NaN row is uniform",
			probs:   [][genre.N]float64{allNaN},
			labels:  []int{0},
			n:       1,
			logLoss: 2.772588722239781, f1: 1, acc: 1, ece: 0.9375,
			present: []int{0},
			diag:    map[[2]int]int{{0, 0}: 1},
		},
		{
			// Unnormalised row: 1.5 is clipped to 1, then (1, .5) is
			// rescaled: p(true) = 1/3, top-1 confidence 2/3, wrong.
			name:    "skipped and renormalised",
			probs:   [][genre.N]float64{row(3, 1.5, 4, .5), row(0, 1)},
			labels:  []int{4, genre.N, -1},
			n:       1,
			skipped: 2,
			logLoss: math.Log(3), f1: 0, acc: 0, ece: 2.0 / 3,
			present: []int{4},
			diag:    map[[2]int]int{{4, 3}: 1},
		},
		{name: "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate(tc.probs, tc.labels)
			if r.N != tc.n || r.Skipped != tc.skipped {
				t.Errorf("N, Skipped = %d, %d; want %d, %d", r.N, r.Skipped, tc.n, tc.skipped)
			}
			for _, f := range []struct {
				what      string
				got, want float64
			}{
				{"log loss", r.LogLoss, tc.logLoss},
				{"macro F1", r.MacroF1, tc.f1},
				{"accuracy", r.Accuracy, tc.acc},
				{"ECE", r.ECE, tc.ece},
			} {
				if math.Abs(f.got-f.want) > 1e-8 {
					t.Errorf("%s = %.12g, want %.12g", f.what, f.got, f.want)
				}
			}
			if !reflect.DeepEqual(r.Present, tc.present) {
				t.Errorf("Present = %v, want %v", r.Present, tc.present)
			}
			for i := 0; i < genre.N; i++ {
				for j := 0; j < genre.N; j++ {
					if got, want := r.Confusion[i][j], tc.diag[[2]int{i, j}]; got != want {
						t.Errorf("Confusion[%d][%d] = %d, want %d", i, j, got, want)
					}
				}
			}
		})
	}
}

func TestPerClass(t *testing.T) {
	r := Evaluate([][genre.N]float64{
		row(0, .85, 1, .15),
		row(0, .35, 1, .65),
		row(0, .10, 1, .90),
		row(0, .20, 1, .30, 2, .50),
	}, []int{0, 0, 1, 1})
	want := [3]ClassScore{
		{Support: 2, Predicted: 1, Correct: 1, Precision: 1, Recall: .5, F1: 2.0 / 3},
		{Support: 2, Predicted: 2, Correct: 1, Precision: .5, Recall: .5, F1: .5},
		{Support: 0, Predicted: 1, Correct: 0},
	}
	for c, w := range want {
		if got := r.PerClass[c]; got != w {
			t.Errorf("PerClass[%d] = %+v, want %+v", c, got, w)
		}
	}
}

func TestWriteText(t *testing.T) {
	r := Evaluate([][genre.N]float64{row(13, .7, 11, .3), row(11, 1)}, []int{13, 13})
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"log loss", "macro F1", "accuracy  0.5000", "ECE", "OldTm", "Rock       1     1", "Old-Time / Historic"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Blues") {
		t.Errorf("report shows a class that does not occur:\n%s", out)
	}
}

func TestBins(t *testing.T) {
	// Confidences .85, .65, .90, .50 fall in bins 12, 9, 13 and 7 (of
	// (b/15, (b+1)/15]); rows 1 and 3 are right.
	r := Evaluate([][genre.N]float64{
		row(0, .85, 1, .15),
		row(0, .35, 1, .65),
		row(0, .10, 1, .90),
		row(0, .20, 1, .30, 2, .50),
	}, []int{0, 0, 1, 1})
	want := map[int]Bin{
		7:  {N: 1, Confidence: .50, Accuracy: 0},
		9:  {N: 1, Confidence: .65, Accuracy: 0},
		12: {N: 1, Confidence: .85, Accuracy: 1},
		13: {N: 1, Confidence: .90, Accuracy: 1},
	}
	for b, got := range r.Bins {
		w := want[b]
		w.Lo, w.Hi = float64(b)/ECEBins, float64(b+1)/ECEBins
		if got.N != w.N || math.Abs(got.Confidence-w.Confidence) > 1e-12 || got.Accuracy != w.Accuracy || got.Lo != w.Lo || got.Hi != w.Hi {
			t.Errorf("bin %d = %+v, want %+v", b, got, w)
		}
	}
	if math.Abs(r.MeanConfidence-0.725) > 1e-12 {
		t.Errorf("MeanConfidence = %v, want 0.725", r.MeanConfidence)
	}
}
