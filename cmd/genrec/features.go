package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/pipeline"
)

const featuresExamples = `  genrec features ../shared/data/gtzan/clips -o clips.csv   # label = parent folder name
  genrec features --seconds 0 ../shared/data/gtzan/clips     # whole files, exactly the Kaggle 30-s table
  genrec features --segment 3s ../shared/data/gtzan/clips    # the Kaggle 3-second table
  genrec features --labels labels.csv --ext mp3 ~/Music/set > set.csv
  genrec features --set fma-small --seconds 0 ../shared/data/fma-small/clips   # the FMA-small table's 60 columns
`

func runFeatures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("features", "[flags] PATH...", featuresExamples, stderr)
	out := fs.String("o", "-", "write the table to `FILE` (atomically); - is stdout")
	labelsPath := fs.String("labels", "", "labels `FILE` (CSV file_id,genre; file_id with or without extension); default: parent folder name")
	jobs := fs.Int("jobs", 0, "number of parallel workers (default: all usable cores)")
	exts := fs.String("ext", audio.Extensions, "comma-separated `extensions` taken from folders (any case)")
	seconds := fs.Float64("seconds", params.AnalysisSeconds, "analyse the first `N` seconds of each file; 0 analyses whole files")
	segment := fs.String("segment", "", "write one row per 3-second segment (Kaggle features_3_sec layout): 3s")
	setName := fs.String("set", features.GTZAN.String(), "feature `set`: gtzan (the GTZAN table's 57 columns, Kaggle layout) or fma-small (the FMA-small table's 60 columns and layout)")
	window := windowFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set, err := features.ParseSet(*setName)
	if err != nil {
		return usagef("--set: %v", err)
	}
	win, err := window()
	if err != nil {
		return err
	}
	if *segment != "" && set != features.GTZAN {
		return usagef("--segment applies to the gtzan set only")
	}
	if *seconds < 0 {
		return usagef("--seconds must be >= 0, got %v", *seconds)
	}
	if *segment != "" && *segment != "3s" {
		return usagef("--segment: only 3s is supported, got %q", *segment)
	}
	opt := pipeline.Options{Jobs: *jobs, Segments: *segment != "", MaxSamples: -1, Set: set, Window: win}
	if *seconds > 0 {
		opt.MaxSamples = max(1, int(math.Round(*seconds*params.SampleRate)))
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
		labels, err = dataset.ReadRawLabels(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("labels %s: %w", *labelsPath, err)
		}
	}
	paths, err := pipeline.Listing{Exts: splitList(*exts)}.Files(fs.Args())
	if err != nil {
		return err
	}
	t := &dataset.Table{Features: features.ColumnsOf(set)}
	if set == features.FMASmall {
		t.Layout = dataset.FMASmall
	}
	var failed int
	_, err = pipeline.Run(ctx, paths, opt, func(r pipeline.Result) error {
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
		if set == features.FMASmall {
			// track_id is the file name without its extension.
			t.Rows = append(t.Rows, dataset.Row{Filename: strings.TrimSuffix(name, filepath.Ext(name)), Values: r.Features, Label: label})
			return nil
		}
		if !opt.Segments {
			t.Rows = append(t.Rows, dataset.Row{Filename: name, Length: r.Samples, Values: r.Features, Label: label})
			return nil
		}
		stem := name[:len(name)-len(filepath.Ext(name))]
		for k, f := range r.Segments {
			t.Rows = append(t.Rows, dataset.Row{Filename: fmt.Sprintf("%s.%d.wav", stem, k), Length: params.SegmentLength, Values: f, Label: label})
		}
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
