package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
	"github.com/genrec/genrec/internal/report"
	"github.com/genrec/genrec/internal/submission"
)

const evalExamples = `  genrec eval --labels labels.csv predictions.csv   # score a challenge CSV (labels: file_id,genre)
  genrec eval --table ../shared/data/gtzan/valid.csv --prior train   # predict and score a labelled table
  genrec eval --table valid.csv --model m.json --report docs/img   # also write reliability.png, confusion.png, report.json
`

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "(--labels FILE PREDICTIONS.csv | --table FILE) [flags]", evalExamples, stderr)
	labelsPath := fs.String("labels", "", "labels `FILE`: CSV with header, columns file_id,genre")
	table := fs.String("table", "", "labelled feature `FILE` (Kaggle GTZAN or FMA-small layout): predict its rows and score them")
	modelPath := fs.String("model", "", "model `FILE` for --table (default: the shipped model)")
	prior := fs.String("prior", "train", "target class prior for --table: fma, train, uniform or a CSV `FILE`")
	reportDir := fs.String("report", "", "write a reliability diagram, a confusion matrix (PNG) and the figures (report.json) into `DIR`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var probs [][genre.N]float64
	var labels []int
	var baseline [genre.N]float64
	var what string
	switch {
	case *table != "" && *labelsPath == "" && fs.NArg() == 0:
		m, err := loadModel(*modelPath)
		if err != nil {
			return err
		}
		if err := m.SetTarget(*prior); err != nil {
			return usagef("--prior %s: %v", *prior, err)
		}
		t, predicted, err := tablePredictions(m, *table)
		if err != nil {
			return err
		}
		for i, r := range t.Rows {
			k, err := genre.Index(r.Label)
			if err != nil {
				return fmt.Errorf("table %s, row %s: %w", *table, r.Filename, err)
			}
			var row [genre.N]float64
			copy(row[:], predicted[i])
			probs = append(probs, row)
			labels = append(labels, k)
		}
		baseline = m.Fallback()
		what = fmt.Sprintf("table %s, prior %s; model: %s", filepath.Base(*table), *prior, m.Describe())
	case *labelsPath != "" && *table == "" && fs.NArg() == 1:
		var err error
		if probs, labels, err = readScored(*labelsPath, fs.Arg(0)); err != nil {
			return err
		}
		baseline = classFrequencies(labels)
		what = fmt.Sprintf("predictions %s against labels %s", filepath.Base(fs.Arg(0)), filepath.Base(*labelsPath))
	default:
		return usagef("give either --labels FILE and one predictions CSV, or --table FILE")
	}
	if len(labels) == 0 {
		return fmt.Errorf("nothing to score")
	}
	rep := metrics.Evaluate(probs, labels)
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	same := make([][genre.N]float64, len(labels))
	for i := range same {
		same[i] = baseline
	}
	base := metrics.Evaluate(same, labels)
	if _, err := fmt.Fprintf(stdout, "prior-only log loss: %.4f (%s)\n", base.LogLoss, baselineName(*table != "", *prior)); err != nil {
		return err
	}
	if *reportDir != "" {
		if err := report.Write(*reportDir, rep, what); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "genrec: report written to %s (%s, %s, %s)\n", *reportDir, report.ReliabilityFile, report.ConfusionFile, report.JSONFile)
	}
	return ctx.Err()
}

func baselineName(table bool, prior string) string {
	if table {
		return "the model's " + prior + " prior for every row"
	}
	return "the labels' own class frequencies for every row"
}

// readScored pairs the rows of a challenge CSV with their labels. Every
// labelled file must have a prediction and every prediction a label.
func readScored(labelsPath, predPath string) ([][genre.N]float64, []int, error) {
	lf, err := os.Open(labelsPath)
	if err != nil {
		return nil, nil, fmt.Errorf("labels: %w", err)
	}
	defer lf.Close()
	lab, err := dataset.ReadLabels(lf)
	if err != nil {
		return nil, nil, fmt.Errorf("labels %s: %w", labelsPath, err)
	}
	pf, err := os.Open(predPath)
	if err != nil {
		return nil, nil, fmt.Errorf("predictions: %w", err)
	}
	defer pf.Close()
	preds, err := submission.Read(pf)
	if err != nil {
		return nil, nil, fmt.Errorf("predictions %s: %w", predPath, err)
	}
	var probs [][genre.N]float64
	var labels []int
	seen := make(map[string]bool, len(preds))
	for _, p := range preds {
		g, ok := lab[p.FileID]
		if !ok {
			// Labels may name files with their extension.
			g, ok = lab[p.FileID+".mp3"]
		}
		if !ok {
			return nil, nil, fmt.Errorf("predictions %s: no label for %q", predPath, p.FileID)
		}
		k, err := genre.Index(g)
		if err != nil {
			return nil, nil, fmt.Errorf("labels %s: %w", labelsPath, err)
		}
		seen[p.FileID] = true
		probs = append(probs, p.Probs)
		labels = append(labels, k)
	}
	for id := range lab {
		if !seen[id] && !seen[strings.TrimSuffix(id, filepath.Ext(id))] {
			return nil, nil, fmt.Errorf("predictions %s: no row for labelled file %q", predPath, id)
		}
	}
	return probs, labels, nil
}

// classFrequencies returns the class frequencies of labels.
func classFrequencies(labels []int) [genre.N]float64 {
	var f [genre.N]float64
	for _, k := range labels {
		f[k] += 1 / float64(len(labels))
	}
	return f
}
