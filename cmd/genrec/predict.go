package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/models"
)

const predictExamples = `  genrec predict ~/Music/album                  # CSV of every mp3/WAV in the folder on stdout
  genrec predict -o out.csv a.mp3 b.mp3          # two files, atomically written to out.csv
  genrec predict --ext mp3 --prior fma -o out.csv /crowdai-payload/   # the challenge run
  genrec predict --table valid.csv --prior train # rows of a GTZAN-layout feature table
`

func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predict", "[flags] PATH...", predictExamples, stderr)
	out := fs.String("o", "-", "write the CSV to `FILE` (atomically); - is stdout")
	modelPath := fs.String("model", "", "model `FILE` (default: the shipped model, "+models.DefaultName+")")
	prior := fs.String("prior", "fma", "target class prior: fma, train, uniform, or a CSV `FILE` of genre,weight")
	jobs := fs.Int("jobs", 0, "number of parallel workers (default: all usable cores)")
	exts := fs.String("ext", "mp3,wav", "comma-separated `extensions` taken from folders (any case)")
	table := fs.String("table", "", "predict the rows of a feature table `FILE` (Kaggle GTZAN layout) instead of audio")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *table == "" && fs.NArg() == 0 {
		return usagef("no input: give audio files or folders, or --table")
	}
	if *table != "" && fs.NArg() > 0 {
		return usagef("--table and audio paths are exclusive")
	}
	if *jobs < 0 {
		return usagef("--jobs must be >= 0, got %d", *jobs)
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	if err := m.SetTarget(*prior); err != nil {
		return usagef("--prior %s: %v", *prior, err)
	}
	if *out != "-" {
		if err := atomicfile.CheckWritable(*out); err != nil {
			return err
		}
	}
	if *table != "" {
		return predictTable(ctx, m, *table, *out, stdout)
	}
	// The folders' file names are listed now (names only); each file is
	// opened when a worker reaches it and its row is written as soon as it
	// and all rows before it are ready: memory does not grow with the
	// number of files.
	src, err := pipeline.Inputs(fs.Args(), splitList(*exts))
	if err != nil {
		return err
	}
	pipeline.TuneGC()
	start := time.Now()
	var st pipeline.Stats
	write := func(w io.Writer) error {
		sw, err := submission.NewWriter(w)
		if err != nil {
			return err
		}
		st, err = pipeline.RunSource(ctx, src, pipeline.Options{Jobs: *jobs, Model: m}, func(r pipeline.Result) error {
			if r.Err != nil {
				slog.Warn("cannot analyse; writing the prior", "file", r.Path, "reason", r.Err)
			}
			return sw.Write(submission.FileID(r.Path), r.Probs)
		})
		if err != nil {
			return err
		}
		return sw.Flush()
	}
	if err := writeOutput(*out, stdout, write); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "genrec: %d files: %d analysed, %d given the prior, in %.1f s\n",
		st.Analysed+st.Fallback, st.Analysed, st.Fallback, time.Since(start).Seconds())
	return nil
}

// predictTable writes the challenge CSV for the rows of a feature table.
func predictTable(ctx context.Context, m *model.Model, path, out string, stdout io.Writer) error {
	t, err := dataset.ReadTableFile(path)
	if err != nil {
		return err
	}
	X, err := t.Select(m.Features())
	if err != nil {
		return fmt.Errorf("table %s: %w", path, err)
	}
	return writeOutput(out, stdout, func(w io.Writer) error {
		sw, err := submission.NewWriter(w)
		if err != nil {
			return err
		}
		for i, row := range t.Rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, err := m.Predict(nil, X[i])
			if err != nil {
				return fmt.Errorf("row %s: %w", row.Filename, err)
			}
			id := strings.TrimSuffix(row.Filename, filepath.Ext(row.Filename))
			if err := sw.Write(id, p); err != nil {
				return err
			}
		}
		return sw.Flush()
	})
}

// loadModel reads the model at path, or the shipped model when path is "".
func loadModel(path string) (*model.Model, error) {
	if path == "" {
		m, err := model.Read(bytes.NewReader(models.Default))
		if err != nil {
			return nil, fmt.Errorf("shipped model %s: %w", models.DefaultName, err)
		}
		return m, nil
	}
	return model.Load(path)
}

// writeOutput runs fill on stdout when out is "-", otherwise on a file
// written atomically at out.
func writeOutput(out string, stdout io.Writer, fill func(io.Writer) error) error {
	if out == "-" {
		return fill(stdout)
	}
	return atomicfile.Write(out, 0o644, fill)
}

// splitList splits a comma-separated list, dropping empty items and dots.
func splitList(s string) []string {
	var items []string
	for _, it := range strings.Split(s, ",") {
		it = strings.TrimPrefix(strings.TrimSpace(it), ".")
		if it != "" {
			items = append(items, it)
		}
	}
	return items
}

// expandPaths turns the command-line paths into the list of files to
// analyse, as pipeline.Inputs yields them: a file is taken as given; a
// folder contributes the regular files directly in it whose extension is
// one of exts (any case), sorted by name. Commands that keep every result
// anyway (features) use it; predict streams from pipeline.Inputs instead.
func expandPaths(args, exts []string) ([]string, error) {
	src, err := pipeline.Inputs(args, exts)
	if err != nil {
		return nil, err
	}
	var paths []string
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			return paths, nil
		}
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
}
