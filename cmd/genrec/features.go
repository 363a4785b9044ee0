package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/pipeline"
)

const featuresExamples = `  genrec features ../shared/data/gtzan/clips -o clips.csv   # label = parent folder name
  genrec features --labels labels.csv --ext mp3 ~/Music/set > set.csv
`

func runFeatures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("features", "[flags] PATH...", featuresExamples, stderr)
	out := fs.String("o", "-", "write the table to `FILE` (atomically); - is stdout")
	labelsPath := fs.String("labels", "", "labels `FILE` (CSV file_id,genre; file_id with or without extension); default: parent folder name")
	jobs := fs.Int("jobs", 0, "number of parallel workers (default: all usable cores)")
	exts := fs.String("ext", "mp3,wav", "comma-separated `extensions` taken from folders (any case)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no input: give audio files or folders")
	}
	var labels map[string]string
	if *labelsPath != "" {
		f, err := os.Open(*labelsPath)
		if err != nil {
			return fmt.Errorf("labels: %w", err)
		}
		labels, err = dataset.ReadLabels(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("labels %s: %w", *labelsPath, err)
		}
	}
	paths, err := expandPaths(fs.Args(), splitList(*exts))
	if err != nil {
		return err
	}
	t := &dataset.Table{Features: features.Columns[:]}
	var failed int
	_, err = pipeline.Run(ctx, paths, pipeline.Options{Jobs: *jobs}, func(r pipeline.Result) error {
		if r.Err != nil {
			failed++
			slog.Warn("cannot analyse; no row", "file", r.Path, "reason", r.Err)
			return nil
		}
		name := filepath.Base(r.Path)
		label := filepath.Base(filepath.Dir(r.Path))
		if labels != nil {
			label = labels[name]
			if label == "" {
				label = labels[name[:len(name)-len(filepath.Ext(name))]]
			}
		}
		t.Rows = append(t.Rows, dataset.Row{Filename: name, Length: r.Samples, Values: r.Features, Label: label})
		return nil
	})
	if err != nil {
		return err
	}
	if err := writeOutput(*out, stdout, func(w io.Writer) error { return dataset.WriteTable(w, t) }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "genrec: %d rows, %d files could not be analysed\n", len(t.Rows), failed)
	if failed > 0 && len(t.Rows) == 0 {
		return fmt.Errorf("no file could be analysed")
	}
	return nil
}
