package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/progress"
	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/models"
)

const predictExamples = `  genrec predict ~/Music/album                  # CSV of every mp3/WAV/FLAC/Ogg file in the folder on stdout
  genrec predict -o out.csv a.mp3 b.mp3          # two files, atomically written to out.csv
  genrec predict --ext mp3 --prior fma -o out.csv /crowdai-payload/   # the challenge run
  genrec predict --recursive --format jsonl --top-k 3 ~/Music > genres.jsonl
  genrec predict --format json song.mp3          # one JSON array
  genrec predict --shard 0/3 -o shard-0.csv /data/clips   # one third of the files (0/3, 1/3, 2/3),
  genrec merge -o out.csv shard-*.csv            # then the shards merged: same CSV as one run
  genrec predict --table valid.csv --prior train # rows of a GTZAN-layout feature table

Output formats (--format):
  csv    the challenge CSV: file_id and the 16 genre columns, one row per file
         (--top-k does not apply: the challenge needs all 16 columns)
  jsonl  one JSON object per line, written as soon as the file is done:
         {"path":"music/a.mp3","file_id":"a","genre":"Rock","probability":0.61,
          "probabilities":{"Blues":0.01,...}}
         path is the argument as given, joined with the names below it;
         probabilities holds the 16 genres, or the N best with --top-k N;
         a file that cannot be analysed gets the prior, "fallback":true and
         "error":"why"
  json   the same objects as one array

Rows come in input order: arguments in order, each folder's files sorted by
name without extension, then by extension (--recursive: sub-folders walked
where their name sorts). With --shard i/n (0 <= i < n) only the files whose
FNV-1a hash of the path relative to the folder argument (a file argument:
the path as given) is i modulo n are analysed: every machine agrees on the
split whatever the mount point; see docs/cluster.md.

On a terminal, stderr shows a progress line (count, rate, ETA); with
--recursive the ETA appears once the folders have been counted. Nothing is
drawn when stderr is not a terminal. Warnings and the summary go to stderr
(--quiet drops them); data goes to stdout or -o.
`

// Output formats of predict.
const (
	formatCSV   = "csv"
	formatJSON  = "json"
	formatJSONL = "jsonl"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 200 * time.Millisecond

func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predict", "[flags] PATH...", predictExamples, stderr)
	out := fs.String("o", "-", "write the output to `FILE` (atomically); - is stdout")
	modelPath := fs.String("model", "", "model `FILE` (default: the shipped model, "+models.DefaultName+")")
	prior := fs.String("prior", "fma", "target class prior: fma, train, uniform, or a CSV `FILE` of genre,weight")
	jobs := fs.Int("jobs", 0, "number of parallel workers (default: all usable cores)")
	exts := fs.String("ext", audio.Extensions, "comma-separated `extensions` taken from folders (any case)")
	window := windowFlag(fs)
	table := fs.String("table", "", "predict the rows of a feature table `FILE` (Kaggle GTZAN or FMA-small layout) instead of audio")
	recursive := fs.Bool("recursive", false, "take files from sub-folders too, at any depth (symbolic links to folders are not followed)")
	format := fs.String("format", formatCSV, "output `format`: csv (the challenge CSV), json or jsonl")
	topK := fs.Int("top-k", 0, "json/jsonl: give the `N` most probable genres only (0: all 16); csv always has 16 columns")
	shardFlag := fs.String("shard", "", "analyse only shard `i/n` of the files (0 <= i < n), for merging with genrec merge")
	quiet := fs.Bool("quiet", false, "no warnings, progress or summary on stderr (errors are still reported)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the analysis to `FILE` (for go tool pprof)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	win, err := window()
	if err != nil {
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
	switch *format {
	case formatCSV, formatJSON, formatJSONL:
	default:
		return usagef("--format must be csv, json or jsonl, got %q", *format)
	}
	if *topK < 0 || *topK > genre.N {
		return usagef("--top-k must be between 0 and %d, got %d", genre.N, *topK)
	}
	listing := pipeline.Listing{Exts: splitList(*exts), Recursive: *recursive}
	if *shardFlag != "" {
		if *table != "" {
			return usagef("--shard applies to audio files, not to --table")
		}
		sh, err := pipeline.ParseShard(*shardFlag)
		if err != nil {
			return usagef("--shard: %v", err)
		}
		listing.Shard = sh
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
	newRows := func(w io.Writer) (rowWriter, error) { return newRowWriter(w, *format, *topK) }
	if *table != "" {
		return predictTable(ctx, m, *table, *out, stdout, newRows)
	}
	// The folders' file names are listed now (names only); each file is
	// opened when a worker reaches it and its row is written as soon as it
	// and all rows before it are ready: memory does not grow with the
	// number of files.
	in, err := listing.Open(fs.Args())
	if err != nil {
		return err
	}
	var bar *progress.Bar
	if !*quiet && progress.IsTerminal(stderr) {
		countCtx, stopCount := context.WithCancel(ctx)
		defer stopCount()
		bar = startProgress(countCtx, stderr, listing, fs.Args(), in)
	}
	msgs := bar.Writer(stderr)
	if *quiet {
		msgs = io.Discard
	}
	log := slog.New(slog.NewTextHandler(msgs, &slog.HandlerOptions{Level: slog.LevelWarn}))

	pipeline.TuneGC()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	var st pipeline.Stats
	write := func(w io.Writer) error {
		rw, err := newRows(w)
		if err != nil {
			return err
		}
		st, err = pipeline.RunSource(ctx, in, pipeline.Options{Jobs: *jobs, Model: m, Window: win}, func(r pipeline.Result) error {
			if r.Err != nil {
				log.Warn("cannot analyse; writing the prior", "file", r.Path, "reason", r.Err)
			}
			bar.Add(1)
			return rw.Write(r.Path, submission.FileID(r.Path), r.Probs, r.Err)
		})
		if err != nil {
			return err
		}
		return rw.Close()
	}
	err = writeOutput(*out, stdout, write)
	bar.Stop()
	if err != nil {
		return err
	}
	if !*quiet {
		shard := ""
		if listing.Shard.N > 0 {
			shard = " (shard " + listing.Shard.String() + ")"
		}
		fmt.Fprintf(stderr, "genrec: %d files: %d analysed, %d given the prior, in %.1f s%s\n",
			st.Analysed+st.Fallback, st.Analysed, st.Fallback, time.Since(start).Seconds(), shard)
	}
	return nil
}

// startProgress starts the progress line of a run over in. The total is
// the listing's own count when it is final (always, unless recursive);
// for a recursive listing a background count of the folders gives it
// sooner.
func startProgress(ctx context.Context, stderr io.Writer, l pipeline.Listing, args []string, in *pipeline.Input) *progress.Bar {
	var counted atomic.Int64 // count + 1 once the background count is done
	if l.Recursive {
		go func() {
			if n, err := l.Count(ctx, args); err == nil {
				counted.Store(int64(n) + 1)
			}
		}()
	}
	total := func() (int, bool) {
		n, final := in.Estimate()
		if !final {
			if c := counted.Load(); c > 0 {
				return int(c - 1), true
			}
		}
		return n, final
	}
	return progress.Start(stderr, "files", total, progressInterval)
}

// predictTable writes the predictions for the rows of a feature table.
func predictTable(ctx context.Context, m *model.Model, path, out string, stdout io.Writer, newRows func(io.Writer) (rowWriter, error)) error {
	t, probs, err := tablePredictions(m, path)
	if err != nil {
		return err
	}
	return writeOutput(out, stdout, func(w io.Writer) error {
		rw, err := newRows(w)
		if err != nil {
			return err
		}
		for i, row := range t.Rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			id := strings.TrimSuffix(row.Filename, filepath.Ext(row.Filename))
			if err := rw.Write(row.Filename, id, probs[i], nil); err != nil {
				return err
			}
		}
		return rw.Close()
	})
}

// tablePredictions reads the feature table at path and returns it with the
// model's probabilities for each of its rows.
func tablePredictions(m *model.Model, path string) (*dataset.Table, [][]float64, error) {
	t, err := dataset.ReadTableFile(path)
	if err != nil {
		return nil, nil, err
	}
	X, err := t.Select(m.Features())
	if err != nil {
		return nil, nil, fmt.Errorf("table %s (%s layout) does not hold the model's features: %w", path, t.Layout, err)
	}
	probs := make([][]float64, len(t.Rows))
	for i, row := range t.Rows {
		if probs[i], err = m.Predict(nil, X[i]); err != nil {
			return nil, nil, fmt.Errorf("table %s, row %s: %w", path, row.Filename, err)
		}
	}
	return t, probs, nil
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

// rowWriter writes predict's output, one file at a time, each row reaching
// the underlying writer as soon as it is written.
type rowWriter interface {
	// Write writes the row of one file: its path as given, its file_id,
	// its probabilities and, for a fallback row, why it could not be
	// analysed.
	Write(path, fileID string, probs []float64, reason error) error
	// Close ends the output (the closing bracket of a JSON array).
	Close() error
}

// newRowWriter returns the rowWriter of format on w; topK (json, jsonl)
// keeps only the k most probable genres, 0 all of them.
func newRowWriter(w io.Writer, format string, topK int) (rowWriter, error) {
	switch format {
	case formatCSV:
		sw, err := submission.NewWriter(w)
		if err != nil {
			return nil, err
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
		return csvRows{sw}, nil
	case formatJSON, formatJSONL:
		return &jsonRows{w: w, array: format == formatJSON, topK: topK}, nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// csvRows writes the challenge CSV.
type csvRows struct{ sw *submission.Writer }

// Write writes and flushes one challenge row.
func (c csvRows) Write(_, fileID string, probs []float64, _ error) error {
	if err := c.sw.Write(fileID, probs); err != nil {
		return err
	}
	return c.sw.Flush()
}

// Close does nothing: every row is flushed.
func (c csvRows) Close() error { return nil }

// jsonRow is one object of the json and jsonl formats.
type jsonRow struct {
	Path          string             `json:"path"`
	FileID        string             `json:"file_id"`
	Genre         string             `json:"genre"`
	Probability   float64            `json:"probability"`
	Probabilities map[string]float64 `json:"probabilities"`
	Fallback      bool               `json:"fallback,omitempty"`
	Error         string             `json:"error,omitempty"`
}

// jsonRows writes JSON objects, one per line, inside an array if asked.
type jsonRows struct {
	w     io.Writer
	array bool
	topK  int
	n     int // rows written
	buf   bytes.Buffer
}

// Write writes one object with a single write to the underlying writer.
func (j *jsonRows) Write(path, fileID string, probs []float64, reason error) error {
	if err := submission.Check(probs); err != nil {
		return fmt.Errorf("row %q: %w", path, err)
	}
	order := make([]int, len(probs))
	for i := range order {
		order[i] = i
	}
	// Most probable first; ties in class order.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(probs[b], probs[a]) })
	k := len(order)
	if j.topK > 0 {
		k = j.topK
	}
	row := jsonRow{
		Path:          path,
		FileID:        fileID,
		Genre:         genre.Classes[order[0]],
		Probability:   probs[order[0]],
		Probabilities: make(map[string]float64, k),
	}
	for _, c := range order[:k] {
		row.Probabilities[genre.Classes[c]] = probs[c]
	}
	if reason != nil {
		row.Fallback, row.Error = true, reason.Error()
	}
	j.buf.Reset()
	switch {
	case j.array && j.n == 0:
		j.buf.WriteString("[\n")
	case j.array:
		j.buf.WriteString(",\n")
	}
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(row); err != nil {
		return fmt.Errorf("row %q: %w", path, err)
	}
	if j.array {
		j.buf.Truncate(j.buf.Len() - 1) // the separator comes with the next row
	}
	j.n++
	if _, err := j.w.Write(j.buf.Bytes()); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// Close ends the array.
func (j *jsonRows) Close() error {
	if !j.array {
		return nil
	}
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	if _, err := io.WriteString(j.w, end); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
