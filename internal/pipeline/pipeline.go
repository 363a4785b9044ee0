// Package pipeline runs genrec's one-way flow over many files: file →
// samples → features → probabilities, on a bounded pool of workers, each
// owning its decoder output and feature scratch, with results delivered in
// input order as soon as they are ready.
package pipeline

import (
	"context"
	"errors"
	"fmt"
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
	// Features holds the values of features.Columns; nil when the file
	// could not be analysed.
	Features []float64
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
}

// Stats counts what a run did.
type Stats struct {
	// Analysed is the number of files whose audio was analysed.
	Analysed int
	// Fallback is the number of files that got the fallback row.
	Fallback int
}

// worker owns the buffers of one goroutine.
type worker struct {
	ext  *features.Extractor
	cols []int // model feature j is features.Columns[cols[j]]
	x    []float64
	m    *model.Model
}

// modelColumns maps the model's features onto features.Columns.
func modelColumns(m *model.Model) ([]int, error) {
	pos := make(map[string]int, len(features.Columns))
	for i, c := range features.Columns {
		pos[c] = i
	}
	names := m.Features()
	cols := make([]int, len(names))
	for j, n := range names {
		i, ok := pos[n]
		if !ok {
			return nil, fmt.Errorf("model feature %q is not computed from audio", n)
		}
		cols[j] = i
	}
	return cols, nil
}

// process analyses one file into r.
func (w *worker) process(r *Result) {
	r.Features, r.Samples, r.Err = w.analyse(r.Path)
	if w.m == nil {
		return
	}
	if r.Err == nil {
		for j, c := range w.cols {
			w.x[j] = r.Features[c]
		}
		probs, err := w.m.Predict(nil, w.x)
		if err == nil {
			r.Probs = probs
			return
		}
		r.Err = fmt.Errorf("predict: %w", err)
	}
	fb := w.m.Fallback()
	r.Probs = append([]float64(nil), fb[:]...)
}

// analyse decodes path and computes its feature vector.
func (w *worker) analyse(path string) ([]float64, int, error) {
	samples, err := audio.Load(path, params.MaxSamples)
	if err != nil {
		return nil, 0, err
	}
	n := len(samples)
	if n < params.MinSamples {
		return nil, n, fmt.Errorf("%w: %.2f s", ErrTooShort, float64(n)/params.SampleRate)
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
		return nil, n, ErrSilent
	}
	f, err := w.ext.Extract(nil, samples)
	if err != nil {
		return nil, n, fmt.Errorf("features: %w", err)
	}
	for i, v := range f {
		if v != v || v > 1e300 || v < -1e300 {
			return nil, n, fmt.Errorf("%w: %s = %v", ErrBadFeatures, features.Columns[i], v)
		}
	}
	return f, n, nil
}

// Run analyses paths with a bounded pool of workers and calls emit once per
// path, in input order, as soon as the result and all earlier ones are ready.
// A file that cannot be analysed still gets its Result (with Err set and,
// with a model, the fallback probabilities): only a cancelled ctx or an
// error returned by emit stops the run early, and that error is returned.
func Run(ctx context.Context, paths []string, opt Options, emit func(Result) error) (Stats, error) {
	var st Stats
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = UsableCPUs()
	}
	if jobs > len(paths) {
		jobs = max(len(paths), 1)
	}
	var cols []int
	if opt.Model != nil {
		var err error
		if cols, err = modelColumns(opt.Model); err != nil {
			return st, err
		}
		if len(cols) == 0 {
			return st, errors.New("model has no features")
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	todo := make(chan int)
	done := make(chan Result, jobs)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{ext: features.NewExtractor(), cols: cols, m: opt.Model, x: make([]float64, len(cols))}
			for i := range todo {
				r := Result{Index: i, Path: paths[i]}
				w.process(&r)
				select {
				case done <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(todo)
		for i := range paths {
			select {
			case todo <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()

	pending := make(map[int]Result)
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
		}
	}
	if emitErr != nil {
		return st, emitErr
	}
	if err := ctx.Err(); err != nil && next < len(paths) {
		return st, err
	}
	if next < len(paths) {
		return st, fmt.Errorf("pipeline: %d of %d results missing", len(paths)-next, len(paths))
	}
	return st, nil
}
