package metrics

import (
	"bufio"
	"fmt"
	"io"

	"github.com/genrec/genrec/internal/genre"
)

// shortNames abbreviates genre.Classes for narrow tables.
var shortNames = [genre.N]string{
	"Blues", "Class", "Cntry", "EasyL", "Elect", "Exper", "Folk", "HipHp",
	"Instr", "Intl", "Jazz", "OldTm", "Pop", "Rock", "SlRnB", "Spokn",
}

// ShortName returns a name of at most 5 characters for class c, or "?"
// for an index outside genre.Classes.
func ShortName(c int) string {
	if c < 0 || c >= genre.N {
		return "?"
	}
	return shortNames[c]
}

// WriteText writes r as a readable report: the figures, the per-class
// precision/recall/F1 of the classes that occur (as true or predicted
// class), and the confusion matrix over those classes (rows true, columns
// predicted).
func (r Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "rows      %d", r.N)
	if r.Skipped > 0 {
		fmt.Fprintf(bw, " (%d skipped)", r.Skipped)
	}
	fmt.Fprintf(bw, "\nlog loss  %.4f\nmacro F1  %.4f (over %d classes present in the labels)\naccuracy  %.4f\nECE       %.4f (%d bins; mean top-1 confidence %.4f)\n",
		r.LogLoss, r.MacroF1, len(r.Present), r.Accuracy, r.ECE, ECEBins, r.MeanConfidence)

	var shown []int
	for c := 0; c < genre.N; c++ {
		if r.PerClass[c].Support > 0 || r.PerClass[c].Predicted > 0 {
			shown = append(shown, c)
		}
	}
	if len(shown) > 0 {
		fmt.Fprintf(bw, "\n%-20s %9s %6s %6s %6s %6s\n", "class", "precision", "recall", "F1", "true", "pred")
		for _, c := range shown {
			s := r.PerClass[c]
			fmt.Fprintf(bw, "%-20s %9.3f %6.3f %6.3f %6d %6d\n", genre.Classes[c], s.Precision, s.Recall, s.F1, s.Support, s.Predicted)
		}
		fmt.Fprintf(bw, "\nconfusion (rows true, columns predicted)\n%-6s", "")
		for _, c := range shown {
			fmt.Fprintf(bw, " %5s", ShortName(c))
		}
		bw.WriteString("\n")
		for _, t := range shown {
			fmt.Fprintf(bw, "%-6s", ShortName(t))
			for _, p := range shown {
				fmt.Fprintf(bw, " %5d", r.Confusion[t][p])
			}
			bw.WriteString("\n")
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
