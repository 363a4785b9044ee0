package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/model"
)

const trainExamples = `  # the shipped model (see README): chosen on valid.csv, trained on train+valid
  genrec train --table ../shared/data/gtzan/train.csv --table ../shared/data/gtzan/valid.csv \
      --fma-tracks ../shared/data/fma/tracks.csv -o models/genrec.json
  # the same recipe on train.csv only, to score it honestly on valid.csv:
  genrec train --table ../shared/data/gtzan/train.csv \
      --fma-tracks ../shared/data/fma/tracks.csv -o /tmp/train-only.json
  # a model on your own table, from 'genrec features':
  genrec train --table mine.csv -o mine.json
`

// stringsFlag collects the values of a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "--table FILE [--table FILE...] -o MODEL [flags]", trainExamples, stderr)
	var tables stringsFlag
	fs.Var(&tables, "table", "labelled feature table `FILE` in the Kaggle GTZAN layout (repeatable)")
	out := fs.String("o", "", "write the model to `FILE` (required)")
	tracks := fs.String("fma-tracks", "", "FMA `tracks.csv` whose genre_top counts become the model's fma target prior")
	cols := fs.String("features", "all", "comma-separated feature `columns` to use, or all (the 57 GTZAN columns)")
	def := model.DefaultTrainConfig()
	c := fs.Float64("C", def.C, "inverse L2 regularisation strength (larger: weaker regularisation)")
	logVar := fs.Bool("log-var", def.LogVar, "take the logarithm of the *_var columns before standardising")
	logScale := fs.Bool("log-scale", def.LogScale, "take the logarithm of the scale-like mean columns (rms, spectral centroid/bandwidth/roll-off, zero-crossing rate, tempo)")
	calib := fs.String("calibration", def.Calibration, "calibration fitted on out-of-fold predictions: "+model.CalibTemperature+", "+model.CalibVector+" or "+model.CalibNone)
	folds := fs.Int("folds", def.Folds, "number of contiguous per-class folds for the out-of-fold predictions")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(tables) == 0 || *out == "" {
		return usagef("need at least one --table and -o")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if *c <= 0 {
		return usagef("-C must be > 0")
	}
	switch *calib {
	case model.CalibTemperature, model.CalibVector, model.CalibNone:
	default:
		return usagef("--calibration %q: want %s, %s or %s", *calib, model.CalibTemperature, model.CalibVector, model.CalibNone)
	}
	if *folds < 2 {
		return usagef("--folds must be ≥ 2")
	}
	names := features.Columns[:]
	if *cols != "all" {
		names = splitList(*cols)
	}
	var X [][]float64
	var y []int
	var sources []string
	for _, path := range tables {
		t, err := dataset.ReadTableFile(path)
		if err != nil {
			return err
		}
		rows, err := t.Select(names)
		if err != nil {
			return fmt.Errorf("table %s: %w", path, err)
		}
		for i, r := range t.Rows {
			k, err := genre.Index(r.Label)
			if err != nil {
				return fmt.Errorf("table %s, row %s: %w", path, r.Filename, err)
			}
			X = append(X, rows[i])
			y = append(y, k)
		}
		sources = append(sources, fmt.Sprintf("%s (%d rows)", filepath.Base(path), len(t.Rows)))
	}
	var target [genre.N]float64
	if *tracks != "" {
		f, err := os.Open(*tracks)
		if err != nil {
			return fmt.Errorf("fma tracks: %w", err)
		}
		target, err = dataset.FMAPrior(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("fma tracks %s: %w", *tracks, err)
		}
	}
	cfg := def
	cfg.C, cfg.LogVar, cfg.LogScale, cfg.Source = *c, *logVar, *logScale, strings.Join(sources, ", ")
	cfg.Calibration, cfg.Folds = *calib, *folds
	m, err := model.Train(names, X, y, target, cfg)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(*out, 0o644, func(w io.Writer) error {
		_, err := m.WriteTo(w)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "genrec: %s; model written to %s\n", m.Describe(), *out)
	return ctx.Err()
}
