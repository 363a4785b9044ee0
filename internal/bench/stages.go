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
	"github.com/genrec/genrec/internal/dsp"
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

// stageNames are the stages in report order.
const (
	stLoad     = "load (decode + mix + resample)"
	stDecode   = "decode + mix (libmpg123)"
	stResample = "resample to 22,050 Hz (libsoxr)"
	stFeatures = "features (Extractor.Extract, all 57 columns)"
	stSTFT     = "STFT + power"
	stMel      = "mel filterbank"
	stMFCC     = "MFCC (dB + DCT)"
	stChroma   = "chroma (tuning + filterbank)"
	stTempo    = "tempo (onset envelope + tempogram)"
	stMedian   = "HPSS median filters"
	stISTFT    = "HPSS inverse STFT"
	stOther    = "rest (spectral shape, RMS, ZCR, masks, statistics)"
	stModel    = "model"
)

// stageKit holds the plans and buffers that time the feature stages one by
// one with the public functions of internal/dsp and internal/features. The
// Extractor composes the same functions (with private glue that is timed
// only as part of the "rest"); a stage hook in the Extractor would make
// this breakdown exact, and this file is where it would be used.
type stageKit struct {
	st     *dsp.STFT
	mel    *dsp.Filterbank
	chroma *dsp.Filterbank
	dct    *dsp.DCT
	tuner  *dsp.Tuner
	tempo  *features.TempoEstimator
	median *dsp.MedianScratch

	spec                 []complex128
	power, mag, melDB    []float64
	melT, onset, chromaT []float64
	mfcc, harm, perc     []float64
	wave                 []float64
}

// newStageKit builds the plans of the recipe in internal/params.
func newStageKit() (*stageKit, error) {
	const sr = float64(params.SampleRate)
	k := &stageKit{median: dsp.NewMedianScratch(params.NBins, params.HPSSKernel)}
	var err error
	if k.st, err = dsp.NewSTFT(params.NFFT, params.Hop); err != nil {
		return nil, fmt.Errorf("stft plan: %w", err)
	}
	if k.mel, err = dsp.NewMelFilterbank(sr, params.NFFT, params.NMels, 0, sr/2); err != nil {
		return nil, fmt.Errorf("mel filterbank: %w", err)
	}
	if k.chroma, err = dsp.NewChromaFilterbank(sr, params.NFFT, params.NChroma, 0,
		params.ChromaCenterOctave, params.ChromaOctaveWidth); err != nil {
		return nil, fmt.Errorf("chroma filterbank: %w", err)
	}
	if k.dct, err = dsp.NewDCT(params.NMels, params.NMFCC); err != nil {
		return nil, fmt.Errorf("dct plan: %w", err)
	}
	if k.tuner, err = dsp.NewTuner(sr, params.NFFT, params.TuningFMin, params.TuningFMax,
		params.TuningThreshold, params.TuningResolution, params.NChroma); err != nil {
		return nil, fmt.Errorf("tuner: %w", err)
	}
	if k.tempo, err = features.NewTempoEstimator(params.SampleRate, params.Hop); err != nil {
		return nil, fmt.Errorf("tempo estimator: %w", err)
	}
	return k, nil
}

// resize grows the buffers for a clip of m samples.
func (k *stageKit) resize(m int) int {
	frames, bins := k.st.Frames(m), params.NBins
	k.spec = resized(k.spec, frames*bins)
	k.power = resized(k.power, frames*bins)
	k.mag = resized(k.mag, frames*bins)
	k.harm = resized(k.harm, frames*bins)
	k.perc = resized(k.perc, frames*bins)
	k.melDB = resized(k.melDB, frames*params.NMels)
	k.melT = resized(k.melT, frames*params.NMels)
	k.chromaT = resized(k.chromaT, frames*params.NChroma)
	k.mfcc = resized(k.mfcc, frames*params.NMFCC)
	k.wave = resized(k.wave, m)
	return frames
}

// resized returns s with length n, reallocating only when it is too small.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// timeFeatures runs the feature stages of samples x one by one and adds
// their wall times to acc.
func (k *stageKit) timeFeatures(x []float32, acc map[string]time.Duration) error {
	frames := k.resize(len(x))
	bins := params.NBins
	lap := stopwatch()

	if _, err := k.st.Compute(k.spec, x); err != nil {
		return fmt.Errorf("stft: %w", err)
	}
	dsp.Power(k.power, k.spec)
	acc[stSTFT] += lap()

	for t := 0; t < frames; t++ {
		k.mel.Apply(k.melDB[t*params.NMels:(t+1)*params.NMels], k.power[t*bins:(t+1)*bins])
	}
	acc[stMel] += lap()

	dsp.PowerToDB(k.melDB, k.melDB, 1, params.Amin, params.TopDB)
	for t := 0; t < frames; t++ {
		k.dct.Transform(k.mfcc[t*params.NMFCC:(t+1)*params.NMFCC], k.melDB[t*params.NMels:(t+1)*params.NMels])
	}
	acc[stMFCC] += lap()

	tuning, err := k.tuner.Estimate(k.power, frames)
	if err != nil {
		return fmt.Errorf("tuning: %w", err)
	}
	if err := k.chroma.SetChromaTuning(params.SampleRate, params.NFFT, tuning,
		params.ChromaCenterOctave, params.ChromaOctaveWidth); err != nil {
		return fmt.Errorf("chroma filterbank: %w", err)
	}
	for t := 0; t < frames; t++ {
		k.chroma.Apply(k.chromaT[t*params.NChroma:(t+1)*params.NChroma], k.power[t*bins:(t+1)*bins])
	}
	acc[stChroma] += lap()

	for t := 0; t < frames; t++ {
		for m, v := range k.melDB[t*params.NMels : (t+1)*params.NMels] {
			k.melT[m*frames+t] = v
		}
	}
	k.onset = features.OnsetStrengthAggregate(k.onset, k.melT, params.NMels, frames, features.OnsetMedian)
	k.tempo.Estimate(k.onset)
	acc[stTempo] += lap()

	for i, v := range k.power {
		k.mag[i] = math.Sqrt(v)
	}
	if err := dsp.MedianFilterCols(k.harm, k.mag, frames, bins, params.HPSSKernel, k.median); err != nil {
		return fmt.Errorf("harmonic median: %w", err)
	}
	if err := dsp.MedianFilterRows(k.perc, k.mag, frames, bins, params.HPSSKernel, k.median); err != nil {
		return fmt.Errorf("percussive median: %w", err)
	}
	acc[stMedian] += lap()

	// The mask's values do not change the cost of the inverse; the
	// filtered magnitudes stand in for it.
	natural := min(len(x), (frames-1)*params.Hop)
	if _, err := k.st.InverseMasked(k.wave[:natural], k.spec, k.harm, natural); err != nil {
		return fmt.Errorf("inverse stft: %w", err)
	}
	acc[stISTFT] += lap()
	return nil
}

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
// thread, times in thread CPU time) and returns the mean per analysable
// clip, with the number of clips used and their mean analysed length.
// tmp is a folder for the resampling probe's files.
func measureStages(ctx context.Context, paths []string, w *pipeline.Worker, tmp string) ([]Stage, int, float64, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	kit, err := newStageKit()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("stages: %w", err)
	}
	ext := features.NewExtractor()
	dst := make([]float64, len(features.Columns))
	acc := map[string]time.Duration{}
	clips, samples, warm := 0, 0, false
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, 0, 0, err
		}
		lap := stopwatch()
		x, err := audio.Load(p, params.MaxSamples)
		load := lap()
		if err != nil || len(x) < max(params.MinSamples, features.MinSamples) {
			continue // not analysable: the pipeline would give it the prior
		}
		if !warm {
			// Grow every buffer once, outside the timings.
			if _, err := ext.Extract(dst, x); err != nil {
				continue
			}
			if err := kit.timeFeatures(x, map[string]time.Duration{}); err != nil {
				return nil, 0, 0, fmt.Errorf("stages: %s: %w", p, err)
			}
			warm = true
		}
		lap()
		if _, err := ext.Extract(dst, x); err != nil {
			continue
		}
		feat := lap()
		if err := kit.timeFeatures(x, acc); err != nil {
			return nil, 0, 0, fmt.Errorf("stages: %s: %w", p, err)
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
	ms := func(name string) float64 { return float64(acc[name].Microseconds()) / 1e3 / float64(clips) }
	seconds := float64(samples) / float64(clips) / params.SampleRate
	// The probe resamples 30 s; scale to the clips' mean length.
	resampleMs := float64(resample.Microseconds()) / 1e3 * seconds / ClipSeconds
	sub := []string{stSTFT, stMel, stMFCC, stChroma, stTempo, stMedian, stISTFT}
	rest := ms(stFeatures)
	for _, s := range sub {
		rest -= ms(s)
	}
	stages := []Stage{
		{Name: stLoad, Ms: ms(stLoad), Note: "audio.Load: the decoding floor"},
		{Name: stDecode, Ms: max(0, ms(stLoad)-resampleMs), Part: "load", Note: "load minus the resampling probe"},
		{Name: stResample, Ms: resampleMs, Part: "load",
			Note: "probe: a 44.1 kHz mono WAV loaded minus the same bytes declared 22,050 Hz"},
		{Name: stFeatures, Ms: ms(stFeatures), Note: "the Extractor as shipped"},
	}
	for _, s := range sub {
		stages = append(stages, Stage{Name: s, Ms: ms(s), Part: "features",
			Note: "timed separately with the internal/dsp and internal/features functions the Extractor uses"})
	}
	stages = append(stages,
		Stage{Name: stOther, Ms: max(0, rest), Part: "features", Note: "features minus the stages above"},
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
