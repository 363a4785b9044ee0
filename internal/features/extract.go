package features

import (
	"fmt"
	"math"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// Extractor computes feature vectors. It owns all scratch buffers; it is not
// safe for concurrent use (use one per worker).
type Extractor struct {
	stft   *dsp.STFT
	mel    *dsp.Filterbank
	chroma *dsp.Filterbank
	dct    *dsp.DCT
	tuner  *dsp.Tuner
	freqs  []float64 // centre frequency of each STFT bin
	median *dsp.MedianScratch

	// Whole-clip matrices, frame by frame, grown to the longest clip.
	spec   []complex128 // STFT
	power  []float64    // |STFT|²
	mag32  []float32    // |STFT|, rounded to float32, for the separation
	melDB  []float64    // dB mel spectrogram (frames × NMels)
	harm32 []float32    // harmonic median filter
	perc32 []float32    // percussive median filter
	harm   []float64    // harmonic mask
	perc   []float64    // percussive mask (only if margin ≠ 1)
	wave   []float64    // one separated waveform

	// Per-frame feature tracks.
	chromaT   []float64 // frames × NChroma
	mfccT     []float64 // frames × NMFCC
	rms       []float64
	zcr       []float64
	centroid  []float64
	bandwidth []float64
	rolloff   []float64

	// Rhythm.
	tempoEst *TempoEstimator
	melT     []float64 // dB mel spectrogram, bands × frames
	onset    []float64 // onset strength envelope

	// One frame of scratch.
	frame []float64
	mag   []float64
}

// NewExtractor returns an Extractor for the recipe of internal/params.
func NewExtractor() *Extractor {
	e, err := newExtractor()
	if err != nil {
		// The recipe constants are fixed and valid; this cannot happen.
		panic(fmt.Sprintf("features: %v", err))
	}
	return e
}

func newExtractor() (*Extractor, error) {
	const sr = float64(params.SampleRate)
	st, err := dsp.NewSTFT(params.NFFT, params.Hop)
	if err != nil {
		return nil, fmt.Errorf("stft plan: %w", err)
	}
	mel, err := dsp.NewMelFilterbank(sr, params.NFFT, params.NMels, 0, sr/2)
	if err != nil {
		return nil, fmt.Errorf("mel filterbank: %w", err)
	}
	chroma, err := dsp.NewChromaFilterbank(sr, params.NFFT, params.NChroma, 0,
		params.ChromaCenterOctave, params.ChromaOctaveWidth)
	if err != nil {
		return nil, fmt.Errorf("chroma filterbank: %w", err)
	}
	dct, err := dsp.NewDCT(params.NMels, params.NMFCC)
	if err != nil {
		return nil, fmt.Errorf("dct plan: %w", err)
	}
	tuner, err := dsp.NewTuner(sr, params.NFFT, params.TuningFMin, params.TuningFMax,
		params.TuningThreshold, params.TuningResolution, params.NChroma)
	if err != nil {
		return nil, fmt.Errorf("tuner: %w", err)
	}
	tempoEst, err := NewTempoEstimator(params.SampleRate, params.Hop)
	if err != nil {
		return nil, fmt.Errorf("tempo estimator: %w", err)
	}
	return &Extractor{
		tempoEst: tempoEst,
		stft:     st,
		mel:      mel,
		chroma:   chroma,
		dct:      dct,
		tuner:    tuner,
		freqs:    dsp.FFTFrequencies(nil, sr, params.NFFT),
		median:   dsp.NewMedianScratch(params.NBins, params.HPSSKernel),
		frame:    make([]float64, params.NFFT),
		mag:      make([]float64, params.NBins),
	}, nil
}

// MinSamples is the shortest input Extract accepts: the centred framing
// reflects n_fft/2 samples about each end.
const MinSamples = params.NFFT/2 + 1

// grow returns s resliced to n values, reallocating only if it is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Extract computes the 57 columns of samples (mono, params.SampleRate,
// float32 in [-1, 1)) into dst (len(Columns); nil allocates) and returns it.
// The whole of samples is analysed; callers cut clips to
// params.MaxSamples themselves if they want to. It fails for inputs shorter
// than MinSamples or containing NaN or infinite values.
func (e *Extractor) Extract(dst []float64, samples []float32) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(Columns))
	} else if len(dst) != len(Columns) {
		return nil, fmt.Errorf("features: destination has %d values, want %d", len(dst), len(Columns))
	}
	if len(samples) < MinSamples {
		return nil, fmt.Errorf("features: %d samples, need at least %d", len(samples), MinSamples)
	}
	for i, v := range samples {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("features: sample %d is %v", i, v)
		}
	}
	frames := e.stft.Frames(len(samples))
	bins := params.NBins
	e.allocate(frames, len(samples))

	var err error
	if e.spec, err = e.stft.Compute(e.spec, samples); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	dsp.Power(e.power, e.spec)

	// Frame-wise spectral shape and mel spectrum.
	for t := 0; t < frames; t++ {
		p := e.power[t*bins : (t+1)*bins]
		m32 := e.mag32[t*bins : (t+1)*bins]
		for k, v := range p {
			m := math.Sqrt(v)
			e.mag[k] = m
			m32[k] = float32(m)
		}
		e.centroid[t], e.bandwidth[t] = centroidBandwidth(e.mag, e.freqs, params.BandwidthPower)
		e.rolloff[t] = rolloff(e.mag, e.freqs, params.RolloffPercent)
		e.mel.Apply(e.melDB[t*params.NMels:(t+1)*params.NMels], p)
	}
	dsp.PowerToDB(e.melDB, e.melDB, 1, params.Amin, params.TopDB)
	for t := 0; t < frames; t++ {
		e.dct.Transform(e.mfccT[t*params.NMFCC:(t+1)*params.NMFCC], e.melDB[t*params.NMels:(t+1)*params.NMels])
	}

	// Chroma with the estimated tuning.
	if err := e.chromagram(frames); err != nil {
		return nil, err
	}

	// Time-domain features.
	for t := 0; t < frames; t++ {
		e.rms[t] = frameRMS(e.stft.Frame(e.frame, samples, t))
		e.zcr[t] = frameZCR(edgeFrame(e.frame, samples, t*params.Hop-params.NFFT/2), params.ZCRThreshold)
	}

	dst[colChroma], dst[colChroma+1] = meanVar(e.chromaT)
	dst[colRMS], dst[colRMS+1] = meanVar(e.rms)
	dst[colCentroid], dst[colCentroid+1] = meanVar(e.centroid)
	dst[colBandwidth], dst[colBandwidth+1] = meanVar(e.bandwidth)
	dst[colRolloff], dst[colRolloff+1] = meanVar(e.rolloff)
	dst[colZCR], dst[colZCR+1] = meanVar(e.zcr)
	for i := 0; i < params.NMFCC; i++ {
		dst[colMFCC+2*i], dst[colMFCC+2*i+1] = meanVarStrided(e.mfccT, i, params.NMFCC)
	}

	tempo, err := e.tempo(frames)
	if err != nil {
		return nil, err
	}
	dst[colTempo] = tempo

	// Harmonic-percussive separation.
	if err := e.separate(dst, samples, frames); err != nil {
		return nil, err
	}
	return dst, nil
}

// allocate grows the buffers for a clip of m samples and the given frames.
func (e *Extractor) allocate(frames, m int) {
	bins := params.NBins
	e.spec = grow(e.spec, frames*bins)
	e.power = grow(e.power, frames*bins)
	e.mag32 = grow(e.mag32, frames*bins)
	e.harm32 = grow(e.harm32, frames*bins)
	e.perc32 = grow(e.perc32, frames*bins)
	e.harm = grow(e.harm, frames*bins)
	e.melDB = grow(e.melDB, frames*params.NMels)
	e.wave = grow(e.wave, m)
	e.chromaT = grow(e.chromaT, frames*params.NChroma)
	e.mfccT = grow(e.mfccT, frames*params.NMFCC)
	e.rms = grow(e.rms, frames)
	e.zcr = grow(e.zcr, frames)
	e.centroid = grow(e.centroid, frames)
	e.bandwidth = grow(e.bandwidth, frames)
	e.rolloff = grow(e.rolloff, frames)
}

// chromagram estimates the tuning from the power spectrogram and fills the
// chroma track, each frame divided by its maximum.
func (e *Extractor) chromagram(frames int) error {
	bins := params.NBins
	tuning, err := e.tuner.Estimate(e.power[:frames*bins], frames)
	if err != nil {
		return fmt.Errorf("features: tuning: %w", err)
	}
	err = e.chroma.SetChromaTuning(params.SampleRate, params.NFFT, tuning,
		params.ChromaCenterOctave, params.ChromaOctaveWidth)
	if err != nil {
		return fmt.Errorf("features: chroma filterbank: %w", err)
	}
	for t := 0; t < frames; t++ {
		c := e.chroma.Apply(e.chromaT[t*params.NChroma:(t+1)*params.NChroma], e.power[t*bins:(t+1)*bins])
		var top float64
		for _, v := range c {
			top = math.Max(top, math.Abs(v))
		}
		if top > tinyFloat32 {
			for i := range c {
				c[i] /= top
			}
		}
	}
	return nil
}

// tinyFloat32 is the smallest normal float32, librosa's "tiny" threshold
// for float32 data.
const tinyFloat32 = 0x1p-126
