package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/cache"
	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/progress"
)

const trainExamples = `  # the shipped model (see README): chosen on valid.csv, trained on train+valid
  genrec train --table ../shared/data/gtzan/train.csv --table ../shared/data/gtzan/valid.csv \
      --fma-tracks ../shared/data/fma/tracks.csv -o models/genrec.json
  # the same recipe on train.csv only, to score it honestly on valid.csv:
  genrec train --table ../shared/data/gtzan/train.csv \
      --fma-tracks ../shared/data/fma/tracks.csv -o /tmp/train-only.json
  # a model on your own table, from 'genrec features':
  genrec train --table mine.csv -o mine.json
  # from labelled audio, a folder per genre (GTZAN or FMA genre names):
  #   ~/gtzan/blues/blues.00000.wav, ~/mine/Electronic/a.flac, …
  genrec train --audio ~/gtzan --audio ~/mine -o mine.json
  # from FMA's audio (fma_medium/000/000002.mp3, …) and its metadata, on
  # the official training split only; the features are cached, so a second
  # run with other model flags does not decode again:
  genrec train --audio fma_medium --fma-tracks fma_metadata/tracks.csv \
      --split training -o fma.json
`

// stringsFlag collects the values of a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "(--table FILE | --audio ROOT)... -o MODEL [flags]", trainExamples, stderr)
	var tables, roots stringsFlag
	fs.Var(&tables, "table", "labelled feature table `FILE` in the Kaggle GTZAN or the FMA-small layout (repeatable; all in one layout)")
	fs.Var(&roots, "audio", "labelled audio folder `ROOT` (repeatable): ROOT/<genre>/... or FMA's ROOT/000/000002.mp3 (see --layout)")
	out := fs.String("o", "", "write the model to `FILE` (required)")
	tracks := fs.String("fma-tracks", "", "FMA `tracks.csv`: its genre_top counts become the model's fma target prior (default: the training data's class frequencies), and it labels --audio folders in the fma layout")
	layout := fs.String("layout", layoutAuto, "layout of the --audio folders: "+layoutAuto+", "+layoutGenreFolders+" or "+layoutFMA)
	split := fs.String("split", "", "fma layout: train only on FMA's official `split` (training, validation or test)")
	exts := fs.String("ext", audio.Extensions, "comma-separated `extensions` of the audio files taken from --audio folders (any case)")
	jobs := fs.Int("jobs", 0, "number of parallel workers computing features from audio (default: all usable cores)")
	fs.IntVar(jobs, "workers", 0, "the same as --jobs")
	cacheDir := fs.String("cache", defaultFeatureCache(), "feature cache `DIR` for --audio; "+noCache+" disables it")
	window := windowFlag(fs)
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
	if len(tables)+len(roots) == 0 || *out == "" {
		return usagef("need at least one --table or --audio, and -o")
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
	if *jobs < 0 {
		return usagef("--jobs must be >= 0, got %d", *jobs)
	}
	switch *layout {
	case layoutAuto, layoutGenreFolders, layoutFMA:
	default:
		return usagef("--layout %q: want %s, %s or %s", *layout, layoutAuto, layoutGenreFolders, layoutFMA)
	}
	switch *split {
	case "", "training", "validation", "test":
	default:
		return usagef("--split %q: want training, validation or test", *split)
	}
	if len(roots) == 0 && (*split != "" || *layout != layoutAuto) {
		return usagef("--split and --layout apply to --audio folders")
	}
	names := features.Columns[:]
	if *cols != "all" {
		names = splitList(*cols)
	}
	var X [][]float64
	var y []int
	var sources []string
	var first *dataset.Table
	for i, path := range tables {
		t, err := dataset.ReadTableFile(path)
		if err != nil {
			return err
		}
		if i == 0 {
			first = t
			if *cols == "all" && t.Layout == dataset.FMASmall {
				names = t.Features
			}
		} else if t.Layout != first.Layout {
			return fmt.Errorf("table %s is in the %s layout, %s in the %s layout: one model is trained on one layout", path, t.Layout, tables[0], first.Layout)
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
		var err error
		if target, err = fmaPriorFile(*tracks); err != nil {
			return err
		}
	}
	if len(roots) > 0 {
		win, err := window()
		if err != nil {
			return err
		}
		opt := audioTrainOptions{layout: *layout, split: *split, exts: splitList(*exts), tracksPath: *tracks, jobs: *jobs, cacheDir: *cacheDir, window: win}
		ax, ay, src, err := trainFromAudio(ctx, roots, names, opt, stderr)
		if err != nil {
			return err
		}
		X, y, sources = append(X, ax...), append(y, ay...), append(sources, src...)
	}
	if *tracks == "" {
		// No FMA metadata: the training data's own class frequencies are
		// the target, so predictions are not shifted towards any prior.
		for _, k := range y {
			target[k]++
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

// fmaPriorFile returns the FMA class prior of the tracks.csv at path, in
// the repository's one-line-header layout or FMA's original one.
func fmaPriorFile(path string) ([genre.N]float64, error) {
	var prior [genre.N]float64
	f, err := os.Open(path)
	if err != nil {
		return prior, fmt.Errorf("fma tracks: %w", err)
	}
	defer f.Close()
	prior, err = dataset.FMAPrior(f)
	if err == nil {
		return prior, nil
	}
	// FMA's original three-line header has genre_top on its second line.
	if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		return prior, fmt.Errorf("fma tracks %s: %w", path, err)
	}
	tracks, terr := dataset.ReadFMATracks(f)
	if terr != nil {
		return prior, fmt.Errorf("fma tracks %s: %w", path, err)
	}
	prior, err = dataset.FMAPriorOf(tracks)
	if err != nil {
		return prior, fmt.Errorf("fma tracks %s: %w", path, err)
	}
	return prior, nil
}

// Layouts of a labelled audio folder (--layout).
const (
	layoutAuto         = "auto"
	layoutGenreFolders = "genre-folders" // ROOT/<genre>/…/file
	layoutFMA          = "fma"           // ROOT/000/000002.mp3, labels from tracks.csv
)

// noCache is the --cache value that disables the feature cache.
const noCache = "none"

// featureRecipe names how training computes a file's feature vector: the
// recipe version, the analysis parameters and the feature columns. It is
// part of every feature cache key.
func featureRecipe(w audio.Window) string {
	return fmt.Sprintf("genrec features v%d; sr=%d nfft=%d hop=%d mels=%d mfcc=%d chroma=%d max=%d min=%d window=%s/%d; %s",
		features.RecipeVersion, params.SampleRate, params.NFFT, params.Hop, params.NMels, params.NMFCC, params.NChroma,
		params.MaxSamples, params.MinSamples, w, params.MiddleMinSeconds, strings.Join(features.Columns[:], ","))
}

// defaultFeatureCache returns the default --cache folder:
// $XDG_CACHE_HOME/genrec, else the user cache folder's genrec (e.g.
// ~/.cache/genrec), else none.
func defaultFeatureCache() string {
	if d := os.Getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "genrec")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "genrec")
	}
	return noCache
}

// audioTrainOptions configure trainFromAudio.
type audioTrainOptions struct {
	layout     string   // layoutAuto, layoutGenreFolders or layoutFMA
	split      string   // FMA split to keep, "" for all
	exts       []string // file extensions to take
	tracksPath string   // FMA tracks.csv, "" when not given
	jobs       int      // workers; 0 means all usable cores
	cacheDir   string   // feature cache folder, or noCache
	window     audio.Window
}

// trainItem is one labelled audio file.
type trainItem struct {
	path  string
	class int // index in genre.Classes
}

// trainFromAudio lists the labelled audio files under roots, computes (or
// reads from the cache) their feature vectors and returns, for each file
// analysed, the values of the columns names and its class, plus a
// description of each root for the model's source. Files that cannot be
// analysed are left out with a warning; a summary line "features of N
// audio files: C cached, M computed, F could not be analysed" goes to
// stderr.
func trainFromAudio(ctx context.Context, roots, names []string, opt audioTrainOptions, stderr io.Writer) (X [][]float64, y []int, sources []string, err error) {
	cols, err := columnIndices(names)
	if err != nil {
		return nil, nil, nil, err
	}
	var fma map[int]dataset.FMATrack // read when a root needs it
	var items []trainItem
	for _, root := range roots {
		layout := opt.layout
		if layout == layoutAuto {
			if layout, err = detectLayout(root); err != nil {
				return nil, nil, nil, err
			}
		}
		var got []trainItem
		switch layout {
		case layoutGenreFolders:
			if opt.split != "" {
				return nil, nil, nil, usagef("--split needs the fma layout; %s is in the %s layout", root, layoutGenreFolders)
			}
			got, err = listGenreFolders(root, opt.exts)
		case layoutFMA:
			if opt.tracksPath == "" {
				return nil, nil, nil, usagef("%s is in the fma layout: give its labels with --fma-tracks tracks.csv", root)
			}
			if fma == nil {
				if fma, err = readFMATracksFile(opt.tracksPath); err != nil {
					return nil, nil, nil, err
				}
			}
			var skipped int
			got, skipped, err = listFMA(root, opt.exts, fma, opt.split)
			if skipped > 0 {
				slog.Warn("audio files without a genre_top in tracks.csv left out", "root", root, "files", skipped)
			}
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if len(got) == 0 {
			return nil, nil, nil, fmt.Errorf("audio %s: no labelled %s files found (%s layout)", root, strings.Join(opt.exts, "/"), layout)
		}
		items = append(items, got...)
		desc := fmt.Sprintf("%s (%s, %d files", filepath.Base(filepath.Clean(root)), layout, len(got))
		if opt.split != "" && layout == layoutFMA {
			desc += ", " + opt.split
		}
		sources = append(sources, desc+")")
	}

	feats, st, err := audioFeatures(ctx, items, opt, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	line := fmt.Sprintf("genrec: features of %d audio files: %d cached, %d computed, %d could not be analysed", len(items), st.cached, st.computed, st.failed)
	if st.corrupt > 0 {
		line += fmt.Sprintf(" (%d damaged cache entries recomputed)", st.corrupt)
	}
	fmt.Fprintln(stderr, line)
	for i, f := range feats {
		if f == nil {
			continue
		}
		row := make([]float64, len(cols))
		for j, c := range cols {
			row[j] = f[c]
		}
		X = append(X, row)
		y = append(y, items[i].class)
	}
	if len(X) == 0 {
		return nil, nil, nil, fmt.Errorf("none of the %d audio files could be analysed", len(items))
	}
	return X, y, sources, nil
}

// columnIndices maps feature names onto their positions in
// features.Columns.
func columnIndices(names []string) ([]int, error) {
	pos := make(map[string]int, len(features.Columns))
	for i, c := range features.Columns {
		pos[c] = i
	}
	cols := make([]int, len(names))
	for j, n := range names {
		i, ok := pos[n]
		if !ok {
			return nil, usagef("--features: %q is not a feature computed from audio", n)
		}
		cols[j] = i
	}
	return cols, nil
}

// readFMATracksFile reads FMA's tracks.csv at path.
func readFMATracksFile(path string) (map[int]dataset.FMATrack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fma tracks: %w", err)
	}
	defer f.Close()
	t, err := dataset.ReadFMATracks(f)
	if err != nil {
		return nil, fmt.Errorf("fma tracks %s: %w", path, err)
	}
	return t, nil
}

// subfolders returns the names of the folders directly in root (symbolic
// links to folders included, hidden ones left out), sorted.
func subfolders(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("audio: %w", err)
	}
	var dirs []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if fi, err := os.Stat(filepath.Join(root, e.Name())); err == nil && fi.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs, nil
}

// detectLayout tells the layout of root from its subfolders: all named by
// digits is FMA's layout, all named by genres is a folder per genre.
func detectLayout(root string) (string, error) {
	dirs, err := subfolders(root)
	if err != nil {
		return "", err
	}
	if len(dirs) == 0 {
		return "", fmt.Errorf("audio %s: no subfolders; want ROOT/<genre>/... or FMA's ROOT/000/000002.mp3", root)
	}
	digits := true
	for _, d := range dirs {
		digits = digits && strings.Trim(d, "0123456789") == ""
	}
	if digits {
		return layoutFMA, nil
	}
	for _, d := range dirs {
		if _, err := genre.Index(d); err != nil {
			return "", fmt.Errorf("audio %s: folder %q is neither a genre (GTZAN or FMA name) nor an FMA folder; rename it, or give --layout", root, d)
		}
	}
	return layoutGenreFolders, nil
}

// listGenreFolders lists the audio files under root/<genre>/ (at any
// depth below it), labelled by the genre folder's name; files directly in
// root are not labelled and are left out.
func listGenreFolders(root string, exts []string) ([]trainItem, error) {
	dirs, err := subfolders(root)
	if err != nil {
		return nil, err
	}
	var items []trainItem
	for _, d := range dirs {
		class, err := genre.Index(d)
		if err != nil {
			return nil, fmt.Errorf("audio %s: folder %q: %w", root, d, err)
		}
		files, err := audioFilesUnder(filepath.Join(root, d), exts)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			items = append(items, trainItem{f, class})
		}
	}
	return items, nil
}

// listFMA lists the audio files under root named by an FMA track id
// (000002.mp3), labelled by the track's genre_top in tracks and, with
// split set, only those of that split. It also returns how many files
// were left out for lack of a genre_top or a row in tracks.
func listFMA(root string, exts []string, tracks map[int]dataset.FMATrack, split string) ([]trainItem, int, error) {
	files, err := audioFilesUnder(root, exts)
	if err != nil {
		return nil, 0, err
	}
	var items []trainItem
	skipped := 0
	for _, f := range files {
		name := filepath.Base(f)
		id, err := strconv.Atoi(strings.TrimSuffix(name, filepath.Ext(name)))
		t, ok := tracks[id]
		if err != nil || !ok || t.GenreTop == "" {
			skipped++
			continue
		}
		if split != "" && t.Split != split {
			continue
		}
		class, err := genre.Index(t.GenreTop)
		if err != nil {
			return nil, 0, fmt.Errorf("fma track %d: %w", id, err)
		}
		items = append(items, trainItem{f, class})
	}
	return items, skipped, nil
}

// audioFilesUnder returns the regular files (or links to them) at any
// depth under dir whose extension is one of exts (any case), in lexical
// order; hidden files and folders are left out.
func audioFilesUnder(dir string, exts []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !hasAudioExt(d.Name(), exts) {
			return nil
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audio: %w", err)
	}
	return files, nil
}

// hasAudioExt reports whether name ends in "." and one of exts, in any
// case.
func hasAudioExt(name string, exts []string) bool {
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	for _, e := range exts {
		if ext != "" && strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}

// audioFeatureStats counts where the feature vectors of a training run
// came from.
type audioFeatureStats struct {
	cached   int // read from the cache
	computed int // decoded and computed (and then cached)
	failed   int // could not be analysed
	corrupt  int // damaged cache entries, computed again
}

// audioFeatures returns the feature vector (values of features.Columns)
// of each item, nil for a file that could not be analysed: from the cache
// when it holds the file's current version, otherwise computed by the
// analysis pipeline (the first params.AnalysisSeconds of the file, as
// predict analyses it) and then cached. A progress line is drawn on stderr
// when it is a terminal.
func audioFeatures(ctx context.Context, items []trainItem, opt audioTrainOptions, stderr io.Writer) ([][]float64, audioFeatureStats, error) {
	var st audioFeatureStats
	var c *cache.Cache
	if opt.cacheDir != noCache && opt.cacheDir != "" {
		var err error
		if c, err = cache.Open(opt.cacheDir); err != nil {
			slog.Warn("feature cache unusable; computing every file", "reason", err)
		}
	}
	recipe := featureRecipe(opt.window)
	feats := make([][]float64, len(items))
	keys := make([]cache.Key, len(items))
	keyed := make([]bool, len(items))
	var misses []int // indices of items to compute
	for i, it := range items {
		if c != nil {
			k, err := cache.FileKey(it.path, recipe)
			if err == nil {
				keys[i], keyed[i] = k, true
				e, err := c.Get(k, len(features.Columns))
				if err == nil {
					feats[i] = e.Features
					st.cached++
					continue
				}
				if errors.Is(err, cache.ErrCorrupt) {
					st.corrupt++
				}
			}
		}
		misses = append(misses, i)
	}

	var bar *progress.Bar
	logger := slog.Default()
	if progress.IsTerminal(stderr) {
		total := len(items)
		bar = progress.Start(stderr, "files", func() (int, bool) { return total, true }, 200*time.Millisecond)
		bar.Add(st.cached)
		logger = slog.New(slog.NewTextHandler(bar.Writer(stderr), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	defer bar.Stop()
	if len(misses) == 0 {
		return feats, st, nil
	}
	paths := make([]string, len(misses))
	for j, i := range misses {
		paths[j] = items[i].path
	}
	putFailed := false
	_, err := pipeline.Run(ctx, paths, pipeline.Options{Jobs: opt.jobs, Window: opt.window}, func(r pipeline.Result) error {
		defer bar.Add(1)
		i := misses[r.Index]
		if r.Err != nil {
			st.failed++
			logger.Warn("cannot analyse; left out of training", "file", r.Path, "reason", r.Err)
			return nil
		}
		feats[i] = r.Features
		st.computed++
		if c != nil && keyed[i] {
			if err := c.Put(keys[i], cache.Entry{Samples: r.Samples, Features: r.Features}); err != nil && !putFailed {
				putFailed = true
				logger.Warn("cannot write the feature cache", "reason", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	return feats, st, nil
}
