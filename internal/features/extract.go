package features

import (
	"fmt"
	"math"
	"time"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// Extractor computes feature vectors. It owns all scratch buffers; it is not
// safe for concurrent use (use one per worker).
//
// It makes one pass over the STFT frames: each frame is transformed, its
// spectral shape, mel spectrum, tuning peaks and percussive (along
// frequency) median are computed at once, and the harmonic separation
// follows a chunk of hpssChunk frames behind, as soon as the time windows
// of its medians are complete. Only the spectral values the separation
// still needs are kept, in rings of ringFrames frames; the STFT itself is
// never held for the whole clip.
type Extractor struct {
	// Timings, when set, receives the time of each stage of every later
	// Extract (see Timings); nil, the default, costs nothing.
	Timings  *Timings
	lastMark time.Time // the previous stage boundary

	// PlainOnly limits Extract to the plain statistics: chroma, RMS,
	// spectral shape, zero-crossing rate and MFCC. The separation
	// (harmony_*, perceptr_*) and tempo columns are then NaN. It measures
	// what those columns cost (genrec bench); models need all of them.
	PlainOnly bool

	stft   *dsp.STFT
	mel    *dsp.Filterbank
	chroma *dsp.Filterbank
	dct    *dsp.DCT
	tuner  *dsp.Tuner
	freqs  []float64 // centre frequency of each STFT bin
	freqSq []float64 // its square
	ones   []float64 // 1 for each bin (a magnitude's sum as a dot product)
	median *dsp.MedianScratch

	// Whole-clip matrices, frame by frame, grown to the longest clip.
	power32 []float32 // |STFT|², rounded to float32, for the chroma
	melDB   []float64 // dB mel spectrogram (frames × NMels)

	// The separated waveforms: the overlap-add rings (the percussive one
	// only if margin ≠ 1), the first sample not yet completed, and the
	// statistics of the completed ones (see finishWave).
	olaH, olaP           []float64
	waveDone             int
	harmStats, percStats runningStats

	// The separation's rings: frame t is in slot t mod ringFrames.
	specRing []complex128 // STFT
	magRing  []float32    // |STFT|, rounded to float32
	percRing []float32    // percussive (frequency) median of magRing
	harm32   []float32    // harmonic (time) medians of one chunk
	masked   []complex128 // one masked frame

	// Per-frame feature tracks.
	chromaT   []float64 // frames × NChroma
	mfccT     []float64 // frames × NMFCC
	rms       []float64
	zcr       []float64
	centroid  []float64
	bandwidth []float64
	rolloff   []float64
	hopSq     []float64 // sum of squared samples of each whole hop
	zcrFlips  []uint64  // sign changes, 64 positions to a word (zcrFlips)
	zcrBefore []int32   // sign changes in the words before each

	// Rhythm.
	tempoEst *TempoEstimator
	onset    []float64 // onset strength envelope

	// One frame of scratch.
	frame []float64
	power []float64
	mag   []float64
}

const (
	// hpssChunk is the number of frames the harmonic median filter
	// processes at a time: a multiple of the kernel, as the block-pair
	// median works in blocks of the kernel's size (each chunk sorts one
	// block more than it outputs).
	hpssChunk = 8 * params.HPSSKernel

	// olaRing is the length of the overlap-add rings: a power of two
	// (dsp.STFT.AddFrameRing; NFFT is one) that holds a frame, the part of
	// the waveform that the next frame reaches.
	olaRing = params.NFFT

	// ringFrames is the number of frames the separation's rings hold: a
	// chunk and the kernel's reach on either side of it.
	ringFrames = hpssChunk + params.HPSSKernel - 1
)

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
	freqs := dsp.FFTFrequencies(nil, sr, params.NFFT)
	freqSq, ones := make([]float64, len(freqs)), make([]float64, len(freqs))
	for k, f := range freqs {
		freqSq[k], ones[k] = f*f, 1
	}
	e := &Extractor{
		tempoEst: tempoEst,
		stft:     st,
		mel:      mel,
		chroma:   chroma,
		dct:      dct,
		tuner:    tuner,
		freqs:    freqs,
		freqSq:   freqSq,
		ones:     ones,
		median:   dsp.NewMedianScratch(params.NBins, params.HPSSKernel),
		specRing: make([]complex128, ringFrames*params.NBins),
		magRing:  make([]float32, ringFrames*params.NBins),
		percRing: make([]float32, ringFrames*params.NBins),
		harm32:   make([]float32, hpssChunk*params.NBins),
		masked:   make([]complex128, params.NBins),
		olaH:     make([]float64, olaRing),
		frame:    make([]float64, params.NFFT),
		power:    make([]float64, params.NBins),
		mag:      make([]float64, params.NBins),
	}
	if params.HPSSMargin != 1 {
		e.olaP = make([]float64, olaRing)
	}
	return e, nil
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
	e.startTiming()
	if dst == nil {
		dst = make([]float64, len(Columns))
	} else if len(dst) != len(Columns) {
		return nil, fmt.Errorf("features: destination has %d values, want %d", len(dst), len(Columns))
	}
	if len(samples) < MinSamples {
		return nil, fmt.Errorf("features: %d samples, need at least %d", len(samples), MinSamples)
	}
	for i, v := range samples {
		if v-v != 0 { // NaN or ±Inf, in one comparison
			return nil, fmt.Errorf("features: sample %d is %v", i, v)
		}
	}
	frames := e.stft.Frames(len(samples))
	e.allocate(frames, len(samples))
	e.tuner.Reset()

	// One pass over the frames, the separation following chunk by chunk.
	m := len(samples)
	natural := min(m, (frames-1)*params.Hop)
	clear(e.olaH)
	clear(e.olaP)
	e.waveDone = 0
	e.harmStats, e.percStats = runningStats{}, runningStats{}
	e.mark(StageSetup)
	const after = params.HPSSKernel - 1 - params.HPSSKernel/2 // frames a window reaches ahead
	next := 0                                                 // first frame not yet separated
	for t := 0; t < frames; t++ {
		e.analyseFrame(samples, t)
		if e.PlainOnly {
			continue
		}
		for next < frames {
			n := min(hpssChunk, frames-next)
			if t+1 < min(frames, next+n+after) {
				break
			}
			if err := e.separateChunk(samples, next, n, frames, natural); err != nil {
				return nil, err
			}
			next += n
		}
	}
	if e.PlainOnly {
		for _, c := range []int{colHarmony, colHarmony + 1, colPerceptr, colPerceptr + 1} {
			dst[c] = math.NaN()
		}
	} else {
		e.separationStats(dst, samples, natural)
		e.mark(StageInverse)
	}

	dsp.PowerToDB(e.melDB, e.melDB, 1, params.Amin, params.TopDB)
	for t := 0; t < frames; t++ {
		e.dct.Transform(e.mfccT[t*params.NMFCC:(t+1)*params.NMFCC], e.melDB[t*params.NMels:(t+1)*params.NMels])
	}
	e.mark(StageMFCC)

	// Chroma with the estimated tuning.
	if err := e.chromagram(frames); err != nil {
		return nil, err
	}

	// Time-domain features.
	e.timeDomain(samples, frames)
	e.mark(StageTimeDomain)

	dst[colChroma], dst[colChroma+1] = meanVar(e.chromaT)
	dst[colRMS], dst[colRMS+1] = meanVar(e.rms)
	dst[colCentroid], dst[colCentroid+1] = meanVar(e.centroid)
	dst[colBandwidth], dst[colBandwidth+1] = meanVar(e.bandwidth)
	dst[colRolloff], dst[colRolloff+1] = meanVar(e.rolloff)
	dst[colZCR], dst[colZCR+1] = meanVar(e.zcr)
	for i := 0; i < params.NMFCC; i++ {
		dst[colMFCC+2*i], dst[colMFCC+2*i+1] = meanVarStrided(e.mfccT, i, params.NMFCC)
	}
	e.mark(StageStats)
	if e.PlainOnly {
		dst[colTempo] = math.NaN()
		return dst, nil
	}
	dst[colTempo] = e.tempo(frames)
	e.mark(StageTempo)
	return dst, nil
}

// analyseFrame computes STFT frame t of samples into its ring slot and
// everything that needs only that frame: power and magnitude, spectral
// shape, mel spectrum, tuning peaks and the percussive median.
func (e *Extractor) analyseFrame(samples []float32, t int) {
	const bins = params.NBins
	slot := t % ringFrames
	spec := e.stft.ComputeFrame(e.specRing[slot*bins:(slot+1)*bins], samples, t)
	p, mag := e.power[:len(spec)], e.mag[:len(spec)]
	m32 := e.magRing[slot*bins : (slot+1)*bins]
	p32 := e.power32[t*bins : (t+1)*bins]
	m32, p32 = m32[:len(spec)], p32[:len(spec)]
	dsp.PowerMagnitude(spec, p, mag, p32, m32)
	e.mark(StageSTFT)
	var total float64
	if params.BandwidthPower == 2 {
		e.centroid[t], e.bandwidth[t], total = e.spectralShape2(mag)
	} else {
		e.centroid[t], e.bandwidth[t], total = spectralShape(mag, e.freqs, params.BandwidthPower)
	}
	e.rolloff[t] = rolloffOf(mag, e.freqs, params.RolloffPercent, total)
	e.mark(StageSpectral)
	e.mel.Apply(e.melDB[t*params.NMels:(t+1)*params.NMels], p)
	e.mark(StageMel)
	e.tuner.AddFrame(p)
	e.mark(StageTuning)
	if e.PlainOnly {
		return
	}
	// One frame is one row: this cannot fail.
	_ = dsp.MedianFilterRows(e.percRing[slot*bins:(slot+1)*bins], m32, 1, bins, params.HPSSKernel, e.median)
	e.mark(StagePercussive)
}

// allocate grows the buffers for a clip of m samples and the given frames.
func (e *Extractor) allocate(frames, m int) {
	bins := params.NBins
	e.power32 = grow(e.power32, frames*bins)
	e.melDB = grow(e.melDB, frames*params.NMels)
	e.chromaT = grow(e.chromaT, frames*params.NChroma)
	e.mfccT = grow(e.mfccT, frames*params.NMFCC)
	e.rms = grow(e.rms, frames)
	e.zcr = grow(e.zcr, frames)
	e.centroid = grow(e.centroid, frames)
	e.bandwidth = grow(e.bandwidth, frames)
	e.rolloff = grow(e.rolloff, frames)
}

// chromagram estimates the tuning from the frames added to the tuner and
// fills the chroma track from the float32 power spectrogram, each frame
// divided by its maximum. (librosa's power spectrogram is float32; the
// rounding moves the chroma statistics by less than 1e-7, relative.)
func (e *Extractor) chromagram(frames int) error {
	bins := params.NBins
	tuning := e.tuner.Result()
	e.mark(StageTuning)
	err := e.chroma.SetChromaTuning(params.SampleRate, params.NFFT, tuning,
		params.ChromaCenterOctave, params.ChromaOctaveWidth)
	if err != nil {
		return fmt.Errorf("features: chroma filterbank: %w", err)
	}
	for t := 0; t < frames; t++ {
		c := e.chroma.Apply32(e.chromaT[t*params.NChroma:(t+1)*params.NChroma], e.power32[t*bins:(t+1)*bins])
		var top float64
		for _, v := range c {
			top = max(top, math.Abs(v))
		}
		if top > tinyFloat32 {
			for i := range c {
				c[i] /= top
			}
		}
	}
	e.mark(StageChroma)
	return nil
}

// tinyFloat32 is the smallest normal float32, librosa's "tiny" threshold
// for float32 data.
const tinyFloat32 = 0x1p-126
