// Package pipeline runs genrec's one-way flow over many files: file →
// samples → features → probabilities, on a bounded pool of workers, each
// owning its decoder output and feature scratch, with results delivered in
// input order as soon as they are ready.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/params"
)

// ErrTooShort reports audio shorter than params.MinSeconds.
var ErrTooShort = errors.New("too short to analyse")

// ErrSilent reports audio that is digital silence.
var ErrSilent = errors.New("digital silence")

// ErrBadFeatures reports a feature vector with NaN or infinite values.
var ErrBadFeatures = errors.New("non-finite features")

// Result is the outcome for one input file.
type Result struct {
	// Index is the position of the file in the input list.
	Index int
	// Path is the file's path as given.
	Path string
	// Samples is the number of analysed samples at params.SampleRate.
	Samples int
	// Features holds the values of the columns of the run's feature set
	// (features.ColumnsOf(Options.Set), or the model's set); nil when the
	// file could not be analysed or was analysed in segments.
	Features []float64
	// Segments holds the features of each whole segment when
	// Options.Segments is set (see params.SegmentHop).
	Segments [][]float64
	// Probs holds genre.N probabilities in genre.Classes order when a model
	// was given: the model's prediction, or its fallback when Err is set.
	Probs []float64
	// Err says why the file could not be analysed; nil on success.
	Err error
}

// Options configure Run.
type Options struct {
	// Jobs is the number of workers; 0 means UsableCPUs().
	Jobs int
	// Model, when set, turns features into probabilities.
	Model *model.Model
	// DecodeOnly stops the analysis of every file after decoding and
	// resampling: Results then carry Samples but neither Features nor
	// Probs. It measures the decoding floor (genrec bench).
	DecodeOnly bool
	// PlainOnly computes only the plain statistics of every file (see
	// features.Extractor.PlainOnly): the separation and tempo columns of
	// Result.Features are NaN. It measures what those columns cost
	// (genrec bench) and cannot be combined with a Model.
	PlainOnly bool
	// MaxSamples bounds how much of each file is analysed: 0 means
	// params.MaxSamples (30 s), a negative value the whole file.
	MaxSamples int
	// Window is where in a file the analysed samples start: audio.Middle
	// (the zero value is audio.First) takes them from the middle of files
	// longer than params.MiddleMinSeconds.
	Window audio.Window
	// Set is the feature set of Result.Features when there is no model;
	// with a model, the set its features belong to is computed instead.
	Set features.Set
	// BothSets computes every feature set from each decode (the extra
	// sets' values are not returned): it measures what computing them
	// together costs (genrec bench).
	BothSets bool
	// Segments analyses each file in the segments of the Kaggle 3-second
	// layout instead of as a whole: Result.Segments gets one feature
	// vector per whole segment. It cannot be combined with a Model.
	Segments bool
}

// Stats counts what a run did.
type Stats struct {
	// Analysed is the number of files whose audio was analysed.
	Analysed int
	// Fallback is the number of files that got the fallback row.
	Fallback int
}

// Worker analyses files one at a time with buffers of its own: the
// decoder's sample buffers and the feature extractor's scratch memory,
// grown to the longest clip it has seen, are reused from file to file, so
// that a clip costs no fresh memory (and no page faults) once the first
// has been analysed. A Worker is not safe for concurrent use; Run
// gives each goroutine its own.
type Worker struct {
	dec        audio.Decoder
	ext        *features.Extractor
	cols       []int // model feature j is features.ColumnsOf(set)[cols[j]]
	x          []float64
	m          *model.Model
	decodeOnly bool
	maxSamples int
	window     audio.Window
	segments   bool
	set        features.Set // the set of Result.Features
	other      []float64    // the other set's values, with BothSets
}

// NewWorker returns a Worker configured by opt (opt.Jobs is ignored). It
// fails when the model reads a feature that is not computed from audio.
func NewWorker(opt Options) (*Worker, error) {
	w := &Worker{m: opt.Model, decodeOnly: opt.DecodeOnly, maxSamples: opt.MaxSamples, segments: opt.Segments,
		window: opt.Window, set: opt.Set}
	if features.ColumnsOf(opt.Set) == nil {
		return nil, fmt.Errorf("pipeline: unknown feature set %v", opt.Set)
	}
	switch {
	case w.maxSamples == 0:
		w.maxSamples = params.MaxSamples
	case w.maxSamples < 0:
		w.maxSamples = 0 // audio.Load: no limit
	}
	if opt.Segments && opt.Model != nil {
		return nil, errors.New("pipeline: segments and a model cannot be combined")
	}
	if opt.PlainOnly && opt.Model != nil {
		return nil, errors.New("pipeline: plain statistics and a model cannot be combined")
	}
	if opt.Segments && opt.Set != features.GTZAN {
		return nil, errors.New("pipeline: segments exist in the gtzan set only")
	}
	if opt.Model != nil {
		set, cols, err := modelColumns(opt.Model)
		if err != nil {
			return nil, err
		}
		w.set, w.cols, w.x = set, cols, make([]float64, len(cols))
	}
	if opt.BothSets {
		w.other = make([]float64, len(features.ColumnsOf(otherSet(w.set))))
	}
	w.ext = features.NewExtractor()
	w.ext.PlainOnly = opt.PlainOnly
	return w, nil
}

// modelColumns finds the feature set that holds all of the model's
// features (the first of features.Sets that does: a name both sets have,
// such as "tempo", is read from the gtzan set) and maps them onto its
// columns. A model without features, or with features no one set holds,
// is an error.
func modelColumns(m *model.Model) (features.Set, []int, error) {
	names := m.Features()
	if len(names) == 0 {
		return 0, nil, errors.New("pipeline: model has no features")
	}
	var missing string
	for _, set := range features.Sets {
		pos := make(map[string]int)
		for i, c := range features.ColumnsOf(set) {
			pos[c] = i
		}
		cols := make([]int, len(names))
		missing = ""
		for j, n := range names {
			i, ok := pos[n]
			if !ok {
				missing = n
				break
			}
			cols[j] = i
		}
		if missing == "" {
			return set, cols, nil
		}
	}
	return 0, nil, fmt.Errorf("pipeline: the model's features are not one set computed from audio (e.g. %q)", missing)
}

// otherSet is the feature set that is not s.
func otherSet(s features.Set) features.Set {
	if s == features.GTZAN {
		return features.FMASmall
	}
	return features.GTZAN
}

// Process analyses the file at path: decode, features and, with a model,
// probabilities (the model's fallback when the file cannot be analysed).
// It never panics: an internal failure becomes the Result's Err.
func (w *Worker) Process(path string) (r Result) {
	r.Path = path
	defer func() {
		if p := recover(); p != nil {
			r.Features, r.Err = nil, fmt.Errorf("analyse %s: internal error: %v", path, p)
			r.Probs = w.fallback()
		}
	}()
	r.Features, r.Segments, r.Samples, r.Err = w.analyse(path)
	if w.m == nil || w.decodeOnly {
		return r
	}
	if r.Err == nil {
		probs, err := w.Predict(r.Features)
		if err == nil {
			r.Probs = probs
			return r
		}
		r.Err = err
	}
	r.Probs = w.fallback()
	return r
}

// Predict returns the probabilities the worker's model gives to a vector
// of the values of the columns of the model's feature set. It fails
// without a model.
func (w *Worker) Predict(feat []float64) ([]float64, error) {
	if w.m == nil {
		return nil, errors.New("pipeline: predict: no model")
	}
	if n := len(features.ColumnsOf(w.set)); len(feat) != n {
		return nil, fmt.Errorf("pipeline: predict: %d feature values, want %d", len(feat), n)
	}
	for j, c := range w.cols {
		w.x[j] = feat[c]
	}
	probs, err := w.m.Predict(nil, w.x)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	return probs, nil
}

// fallback returns a copy of the model's fallback probabilities, or nil
// without a model.
func (w *Worker) fallback() []float64 {
	if w.m == nil || w.decodeOnly {
		return nil
	}
	fb := w.m.Fallback()
	return append([]float64(nil), fb[:]...)
}

// analyse decodes path and computes its feature vector, or the vectors of
// its segments (only decodes it with decodeOnly).
func (w *Worker) analyse(path string) ([]float64, [][]float64, int, error) {
	clip, err := w.dec.Decode(path, audio.Options{Seconds: float64(w.maxSamples) / params.SampleRate, Window: w.window})
	if err != nil {
		return nil, nil, 0, err
	}
	samples := clip.Samples // valid until the next file
	n := len(samples)
	if w.decodeOnly {
		return nil, nil, n, nil
	}
	minLen := params.MinSamples
	if w.segments {
		minLen = params.SegmentLength
	}
	if n < minLen {
		return nil, nil, n, fmt.Errorf("%w: %.2f s", ErrTooShort, float64(n)/params.SampleRate)
	}
	peak := float32(0)
	for _, s := range samples {
		if s > peak {
			peak = s
		} else if -s > peak {
			peak = -s
		}
	}
	if peak <= params.SilencePeak {
		return nil, nil, n, ErrSilent
	}
	if !w.segments {
		f, err := w.extract(samples)
		return f, nil, n, err
	}
	var segs [][]float64
	for start := 0; start+params.SegmentLength <= n; start += params.SegmentHop {
		f, err := w.extract(samples[start : start+params.SegmentLength])
		if err != nil {
			return nil, nil, n, fmt.Errorf("segment %d: %w", len(segs), err)
		}
		segs = append(segs, f)
	}
	return nil, segs, n, nil
}

// extract computes the feature vector of samples and checks it is finite.
func (w *Worker) extract(samples []float32) ([]float64, error) {
	f := make([]float64, len(features.ColumnsOf(w.set)))
	gtzan, fma := f, w.other
	if w.set == features.FMASmall {
		gtzan, fma = w.other, f
	}
	if err := w.ext.ExtractSets(gtzan, fma, samples); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	for i, v := range f {
		if w.set == features.GTZAN && w.ext.PlainOnly && !features.Plain(i) {
			continue // NaN: not computed
		}
		if v != v || v > 1e300 || v < -1e300 {
			return nil, fmt.Errorf("%w: %s = %v", ErrBadFeatures, features.ColumnsOf(w.set)[i], v)
		}
	}
	return f, nil
}

// Run analyses paths with a bounded pool of workers and calls emit once per
// path, in input order; see RunSource.
func Run(ctx context.Context, paths []string, opt Options, emit func(Result) error) (Stats, error) {
	if opt.Jobs <= 0 {
		opt.Jobs = UsableCPUs()
	}
	opt.Jobs = max(min(opt.Jobs, len(paths)), 1)
	return RunSource(ctx, Paths(paths), opt, emit)
}

// RunSource analyses the files of src with a bounded pool of workers and
// calls emit once per file, in source order, as soon as its result and
// all earlier ones are ready. A file that cannot be analysed still gets
// its Result (with Err set and, with a model, the fallback probabilities):
// only a cancelled ctx, an error of src or an error returned by emit stops
// the run early, and that error is returned.
//
// Memory does not grow with the number of files: src is read only when a
// worker is about to be free, and at most window(jobs) files are between
// being read from src and being emitted, so one slow file holds up a
// bounded number of finished results, not the rest of the run.
func RunSource(ctx context.Context, src Source, opt Options, emit func(Result) error) (Stats, error) {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = UsableCPUs()
	}
	if opt.Model != nil {
		if _, _, err := modelColumns(opt.Model); err != nil { // once, up front
			return Stats{}, err
		}
	}
	newProcess := func() func(string) Result {
		w, _ := NewWorker(opt) // cannot fail: checked above
		return w.Process
	}
	return run(ctx, src, jobs, window(jobs), newProcess, emit)
}

// window is how many files may be in flight (read from the source but not
// yet emitted) with the given number of workers: enough for the other
// workers to keep going while one works on a long file.
func window(jobs int) int { return max(4*jobs, 16) }

// job is one file handed to a worker.
type job struct {
	index int
	path  string
}

// run is RunSource with the per-worker processing function made by
// newProcess and an explicit in-flight window.
func run(parent context.Context, src Source, jobs, window int, newProcess func() func(string) Result, emit func(Result) error) (Stats, error) {
	var st Stats
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	tokens := make(chan struct{}, window) // one per file in flight
	todo := make(chan job)
	done := make(chan Result, jobs)

	// Written by the feeder, read once fed is closed.
	var (
		total     int   // files read from src and handed to a worker
		exhausted bool  // src reported io.EOF
		srcErr    error // error of src
	)
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		defer close(todo)
		for {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			p, err := src.Next()
			if errors.Is(err, io.EOF) {
				exhausted = true
				return
			}
			if err != nil {
				srcErr = fmt.Errorf("pipeline: input: %w", err)
				cancel()
				return
			}
			select {
			case todo <- job{total, p}:
				total++
			case <-ctx.Done():
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			process := newProcess()
			for j := range todo {
				if ctx.Err() != nil {
					return
				}
				r := process(j.path)
				r.Index, r.Path = j.index, j.path
				select {
				case done <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	pending := make(map[int]Result, window)
	next := 0
	var emitErr error
	for r := range done {
		if emitErr != nil {
			continue // drain so the workers can finish
		}
		pending[r.Index] = r
		for {
			q, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if q.Err == nil {
				st.Analysed++
			} else {
				st.Fallback++
			}
			if err := emit(q); err != nil {
				emitErr = err
				cancel()
				break
			}
			<-tokens
		}
	}
	cancel() // release the feeder if the workers stopped first
	<-fed
	switch {
	case emitErr != nil:
		return st, emitErr
	case srcErr != nil:
		return st, srcErr
	case (!exhausted || next < total) && parent.Err() != nil:
		return st, parent.Err()
	case !exhausted || next < total:
		return st, fmt.Errorf("pipeline: stopped after %d of %d results", next, total)
	}
	return st, nil
}
