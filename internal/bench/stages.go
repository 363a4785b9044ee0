package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/features"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/testaudio"
)

// Stage is the cost of one stage of the analysis of a clip on one core.
type Stage struct {
	// Name names the stage.
	Name string `json:"name"`
	// Ms is the mean time of the stage per clip, in milliseconds of CPU
	// time of the measuring thread (wall time where that clock is missing).
	Ms float64 `json:"ms_per_clip"`
	// Part says which measured whole the stage belongs to ("load",
	// "features"), or is empty for a whole.
	Part string `json:"part,omitempty"`
	// Note says how the stage was timed when that is not plain.
	Note string `json:"note,omitempty"`
}

// stageNames are the stages in report order; the feature stages between
// stFeatures and stModel are named by features.Stage.
const (
	stLoad     = "load (decode + mix + resample)"
	stDecode   = "decode + mix (FFmpeg)"
	stResample = "resample to 22,050 Hz (libswresample)"
	stFeatures = "features (Extractor.ExtractSets, 57 + 60 columns)"
	stModel    = "model"
)

// stopwatch returns a function that returns the time since it was last
// called (or since stopwatch was called): the CPU time of the calling
// thread, which other processes on a busy machine do not inflate, or the
// wall time where that clock is unavailable. The caller must be locked
// to its thread.
func stopwatch() func() time.Duration {
	clock := threadCPUTime
	if clock() < 0 {
		start := time.Now()
		clock = func() time.Duration { return time.Since(start) }
	}
	last := clock()
	return func() time.Duration {
		now := clock()
		d := now - last
		last = now
		return d
	}
}

// measureStages times every stage on each of paths in turn on one core
// (GOMAXPROCS 1 for the duration, the measuring goroutine locked to its
// thread) and returns the mean per analysable clip, with the number of
// clips used and their mean analysed length. Loading, ExtractSets (both
// feature sets, as the pipeline computes them from audio) as a whole
// and the model are timed in thread CPU time. The feature stages are the
// Extractor's own (features.Timings, monotonic time at the stage
// boundaries inside ExtractSets), scaled so that they add up to its
// thread CPU time: what other processes take from the thread is spread
// over the stages in proportion. tmp is a folder for the resampling
// probe's files.
func measureStages(ctx context.Context, paths []string, w *pipeline.Worker, tmp string) ([]Stage, int, float64, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	ext := features.NewExtractor()
	var dec audio.Decoder
	dst := make([]float64, len(features.Columns))
	fma := make([]float64, len(features.FMASmallColumns))
	acc := map[string]time.Duration{}
	var timings features.Timings
	clips, samples, warm := 0, 0, false
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, 0, 0, err
		}
		lap := stopwatch()
		x, err := dec.Load(p, params.MaxSamples)
		load := lap()
		if err != nil || len(x) < max(params.MinSamples, features.MinSamples) {
			continue // not analysable: the pipeline would give it the prior
		}
		if !warm {
			// Grow every buffer once, outside the timings.
			if err := ext.ExtractSets(dst, fma, x); err != nil {
				continue
			}
			if x, err = dec.Load(p, params.MaxSamples); err != nil {
				continue
			}
			warm = true
		}
		ext.Timings = &timings
		lap()
		err = ext.ExtractSets(dst, fma, x)
		feat := lap()
		ext.Timings = nil
		if err != nil {
			continue
		}
		model, err := timeModel(w, dst)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("stages: %s: %w", p, err)
		}
		acc[stLoad] += load
		acc[stFeatures] += feat
		acc[stModel] += model
		clips++
		samples += len(x)
	}
	if clips == 0 {
		return nil, 0, 0, fmt.Errorf("stages: none of the %d clips could be analysed", len(paths))
	}
	resample, err := resampleCost(tmp)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("stages: %w", err)
	}
	perClip := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(clips) }
	ms := func(name string) float64 { return perClip(acc[name]) }
	seconds := float64(samples) / float64(clips) / params.SampleRate
	// The probe resamples 30 s; scale to the clips' mean length.
	resampleMs := float64(resample.Microseconds()) / 1e3 * seconds / ClipSeconds
	stages := []Stage{
		{Name: stLoad, Ms: ms(stLoad), Note: "audio.Decoder.Load, as the workers decode: the decoding floor"},
		{Name: stDecode, Ms: max(0, ms(stLoad)-resampleMs), Part: "load", Note: "load minus the resampling probe"},
		{Name: stResample, Ms: resampleMs, Part: "load",
			Note: "probe: a 44.1 kHz mono WAV loaded minus the same bytes declared 22,050 Hz"},
		{Name: stFeatures, Ms: ms(stFeatures), Note: "the Extractor as shipped, with its stage clock running"},
	}
	scale := 0.0
	if total := timings.Total(); total > 0 {
		scale = float64(acc[stFeatures]) / float64(total)
	}
	for s := features.Stage(0); s < features.NumStages; s++ {
		stages = append(stages, Stage{Name: s.String(), Ms: perClip(timings.Stages[s]) * scale, Part: "features",
			Note: "the Extractor's own stage clock (features.Timings), scaled to Extract's thread CPU time"})
	}
	stages = append(stages,
		Stage{Name: stModel, Ms: ms(stModel), Note: "Worker.Predict: column selection, scaler, classifier, prior shift"},
	)
	return stages, clips, seconds, nil
}

// timeModel returns the mean time of one prediction from feat, averaged
// over enough calls to be above the clock's resolution.
func timeModel(w *pipeline.Worker, feat []float64) (time.Duration, error) {
	const calls = 200
	lap := stopwatch()
	for range calls {
		if _, err := w.Predict(feat); err != nil {
			return 0, err
		}
	}
	return lap() / calls, nil
}

// resampleCost estimates what resampling 30 s of 44.1 kHz mono audio to
// params.SampleRate costs inside audio.Load, which offers no separate
// hook: it loads the same samples once as a 44.1 kHz WAV file (read, then
// resampled) and once declared as 22,050 Hz (read only; the same bytes),
// and returns the difference of the fastest of a few loads of each.
func resampleCost(tmp string) (time.Duration, error) {
	x := Clip(0)
	files := map[int]string{}
	for _, rate := range []int{ClipRate, params.SampleRate} {
		p := filepath.Join(tmp, fmt.Sprintf("resample-probe-%d.wav", rate))
		if err := os.WriteFile(p, testaudio.WAV(x, rate, 1), 0o644); err != nil {
			return 0, fmt.Errorf("resampling probe: %w", err)
		}
		defer os.Remove(p)
		files[rate] = p
	}
	best := func(p string) (time.Duration, error) {
		d := time.Duration(math.MaxInt64)
		for range 5 {
			lap := stopwatch()
			if _, err := audio.Load(p, 0); err != nil {
				return 0, fmt.Errorf("resampling probe: %w", err)
			}
			d = min(d, lap())
		}
		return d, nil
	}
	with, err := best(files[ClipRate])
	if err != nil {
		return 0, err
	}
	without, err := best(files[params.SampleRate])
	if err != nil {
		return 0, err
	}
	return max(0, with-without), nil
}
