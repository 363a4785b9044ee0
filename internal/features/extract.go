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

	// The two sets' frames differ only at the edges (see ExtractSets):
	// frames t < head and t ≥ tailStart reach into the padding. Interior
	// frames feed tuner; the edge frames of the main pass (reflect-padded
	// when the GTZAN set is computed, else zero-padded) feed tunerEdge, and
	// the zero-padded edge frames computed in addition when both sets are
	// requested feed tunerZero.
	head, tailStart      int
	tunerEdge, tunerZero *dsp.Tuner
	chromaTuning         float64 // the tuning e.chroma is set to (NaN: none yet)

	// FMA-small only: the spectral contrast's peaks and valleys (frames ×
	// bands) and, when both sets are computed, the zero-padded edge frames'
	// float32 power and mel spectra (edge rows, see edgeRow).
	contrast    *contrastScratch
	peak        []float64
	valley      []float64
	edgePower32 []float32
	edgeMel     []float64
	zspec       []complex128 // one zero-padded STFT frame
	zmag32      []float32    // its float32 magnitude

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
	// Three tuners of the same recipe: the main pass's and the edge
	// frames' (see the fields).
	var tuners [3]*dsp.Tuner
	for i := range tuners {
		if tuners[i], err = dsp.NewTuner(sr, params.NFFT, params.TuningFMin, params.TuningFMax,
			params.TuningThreshold, params.TuningResolution, params.NChroma); err != nil {
			return nil, fmt.Errorf("tuner: %w", err)
		}
	}
	tuner, tunerEdge, tunerZero := tuners[0], tuners[1], tuners[2]
	contrast, err := newContrast()
	if err != nil {
		return nil, err
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
		tempoEst:     tempoEst,
		stft:         st,
		mel:          mel,
		chroma:       chroma,
		dct:          dct,
		tuner:        tuner,
		tunerEdge:    tunerEdge,
		tunerZero:    tunerZero,
		chromaTuning: math.NaN(),
		contrast:     contrast,
		zspec:        make([]complex128, params.NBins),
		zmag32:       make([]float32, params.NBins),
		freqs:        freqs,
		freqSq:       freqSq,
		ones:         ones,
		median:       dsp.NewMedianScratch(params.NBins, params.HPSSKernel),
		specRing:     make([]complex128, ringFrames*params.NBins),
		magRing:      make([]float32, ringFrames*params.NBins),
		percRing:     make([]float32, ringFrames*params.NBins),
		harm32:       make([]float32, hpssChunk*params.NBins),
		masked:       make([]complex128, params.NBins),
		olaH:         make([]float64, olaRing),
		frame:        make([]float64, params.NFFT),
		power:        make([]float64, params.NBins),
		mag:          make([]float64, params.NBins),
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

// Extract computes the 57 GTZAN columns (Columns) of samples (mono,
// params.SampleRate, float32 in [-1, 1)) into dst (len(Columns); nil
// allocates) and returns it: ExtractSets(dst, nil, samples).
// The whole of samples is analysed; callers cut clips to
// params.MaxSamples themselves if they want to. It fails for inputs shorter
// than MinSamples or containing NaN or infinite values.
func (e *Extractor) Extract(dst []float64, samples []float32) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(Columns))
	}
	if err := e.ExtractSets(dst, nil, samples); err != nil {
		return nil, err
	}
	return dst, nil
}

// ExtractSets computes, in one pass over samples (as for Extract), the
// GTZAN columns (Columns) into gtzan and the FMA-small columns
// (FMASmallColumns) into fma; a nil slice skips its set, and at least one
// must be given, of its set's length.
//
// The sets share the framing but not the padding (GTZAN reflects the
// signal at its ends, FMA-small pads it with zeros), so only the few edge
// frames that reach into the padding differ: they are transformed twice,
// every other frame once, and each frame's mel spectrum, float32 power and
// magnitude, tuning peaks and contrast serve both sets. Each set then gets
// its own tuning (estimated from all its frames), dB scale (clipped below
// its own maximum), MFCC statistics, chroma, onset envelope and tempo; the
// values are those of computing each set alone, bit for bit. Without the
// GTZAN set the separation, spectral shape and time-domain work are
// skipped. PlainOnly applies to the GTZAN set only.
func (e *Extractor) ExtractSets(gtzan, fma []float64, samples []float32) error {
	e.startTiming()
	doG, doF := gtzan != nil, fma != nil
	switch {
	case !doG && !doF:
		return fmt.Errorf("features: no feature set requested")
	case doG && len(gtzan) != len(Columns):
		return fmt.Errorf("features: destination has %d values, want %d", len(gtzan), len(Columns))
	case doF && len(fma) != len(FMASmallColumns):
		return fmt.Errorf("features: FMA-small destination has %d values, want %d", len(fma), len(FMASmallColumns))
	}
	if len(samples) < MinSamples {
		return fmt.Errorf("features: %d samples, need at least %d", len(samples), MinSamples)
	}
	for i, v := range samples {
		if v-v != 0 { // NaN or ±Inf, in one comparison
			return fmt.Errorf("features: sample %d is %v", i, v)
		}
	}
	frames := e.stft.Frames(len(samples))
	e.setEdges(frames, len(samples))
	e.allocate(frames, len(samples), doG && doF)
	e.tuner.Reset()
	e.tunerEdge.Reset()
	e.tunerZero.Reset()

	// One pass over the frames, the separation following chunk by chunk.
	m := len(samples)
	natural := min(m, (frames-1)*params.Hop)
	separate := doG && !e.PlainOnly
	clear(e.olaH)
	clear(e.olaP)
	e.waveDone = 0
	e.harmStats, e.percStats = runningStats{}, runningStats{}
	e.mark(StageSetup)
	const after = params.HPSSKernel - 1 - params.HPSSKernel/2 // frames a window reaches ahead
	next := 0                                                 // first frame not yet separated
	for t := 0; t < frames; t++ {
		e.analyseFrame(samples, t, doG, doF)
		if !separate {
			continue
		}
		for next < frames {
			n := min(hpssChunk, frames-next)
			if t+1 < min(frames, next+n+after) {
				break
			}
			if err := e.separateChunk(samples, next, n, frames, natural); err != nil {
				return err
			}
			next += n
		}
	}
	if doG {
		if e.PlainOnly {
			for _, c := range []int{colHarmony, colHarmony + 1, colPerceptr, colPerceptr + 1} {
				gtzan[c] = math.NaN()
			}
		} else {
			e.separationStats(gtzan, samples, natural)
			e.mark(StageInverse)
		}
	}

	// MFCC, onset envelope and tempo of each set.
	e.cepstra(gtzan, fma, frames)

	// Chroma with each set's estimated tuning.
	if err := e.chromaSets(gtzan, fma, frames); err != nil {
		return err
	}

	if doF {
		contrastMeans(fma[fmaContrast:fmaContrast+len(e.contrast.bands)], e.peak, e.valley, len(e.contrast.bands))
		e.mark(StageContrast)
	}
	if !doG {
		return nil
	}

	// Time-domain features.
	e.timeDomain(samples, frames)
	e.mark(StageTimeDomain)

	gtzan[colRMS], gtzan[colRMS+1] = meanVar(e.rms)
	gtzan[colCentroid], gtzan[colCentroid+1] = meanVar(e.centroid)
	gtzan[colBandwidth], gtzan[colBandwidth+1] = meanVar(e.bandwidth)
	gtzan[colRolloff], gtzan[colRolloff+1] = meanVar(e.rolloff)
	gtzan[colZCR], gtzan[colZCR+1] = meanVar(e.zcr)
	e.mark(StageStats)
	return nil
}

// analyseFrame computes STFT frame t of samples and everything that needs
// only that frame: power and magnitude, mel spectrum, tuning peaks and, for
// the GTZAN set (doG), spectral shape and the percussive median into the
// separation's rings; for the FMA-small set (doF) the contrast. The frame
// is reflect-padded when doG, else zero-padded; with both sets an edge
// frame is also computed zero-padded (analyseZeroEdge).
func (e *Extractor) analyseFrame(samples []float32, t int, doG, doF bool) {
	const bins = params.NBins
	edge := e.isEdge(t)
	slot := t % ringFrames
	var spec []complex128
	if doG {
		spec = e.stft.ComputeFrame(e.specRing[slot*bins:(slot+1)*bins], samples, t)
	} else {
		spec = e.stft.ComputeFrameZero(e.zspec, samples, t)
	}
	p, mag := e.power[:len(spec)], e.mag[:len(spec)]
	m32 := e.magRing[slot*bins : (slot+1)*bins]
	p32 := e.power32[t*bins : (t+1)*bins]
	m32, p32 = m32[:len(spec)], p32[:len(spec)]
	dsp.PowerMagnitude(spec, p, mag, p32, m32)
	e.mark(StageSTFT)
	if doG {
		var total float64
		if params.BandwidthPower == 2 {
			e.centroid[t], e.bandwidth[t], total = e.spectralShape2(mag)
		} else {
			e.centroid[t], e.bandwidth[t], total = spectralShape(mag, e.freqs, params.BandwidthPower)
		}
		e.rolloff[t] = rolloffOf(mag, e.freqs, params.RolloffPercent, total)
		e.mark(StageSpectral)
	}
	e.mel.Apply(e.melDB[t*params.NMels:(t+1)*params.NMels], p)
	e.mark(StageMel)
	if edge {
		e.tunerEdge.AddFrame(p)
	} else {
		e.tuner.AddFrame(p)
	}
	e.mark(StageTuning)
	if doF && (!doG || !edge) {
		e.contrastFrame(t, m32)
	}
	if doG && !e.PlainOnly {
		// One frame is one row: this cannot fail.
		_ = dsp.MedianFilterRows(e.percRing[slot*bins:(slot+1)*bins], m32, 1, bins, params.HPSSKernel, e.median)
		e.mark(StagePercussive)
	}
	if doG && doF && edge {
		e.analyseZeroEdge(samples, t)
	}
}

// contrastFrame computes the contrast peaks and valleys of frame t from its
// float32 magnitude (librosa's spectrogram is float32).
func (e *Extractor) contrastFrame(t int, m32 []float32) {
	nb := len(e.contrast.bands)
	e.contrast.frame(e.peak[t*nb:(t+1)*nb], e.valley[t*nb:(t+1)*nb], m32)
	e.mark(StageContrast)
}

// allocate grows the buffers for a clip of m samples and the given frames;
// both says whether both feature sets are computed.
func (e *Extractor) allocate(frames, m int, both bool) {
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
	nb := len(e.contrast.bands)
	e.peak = grow(e.peak, frames*nb)
	e.valley = grow(e.valley, frames*nb)
	if both {
		edges := e.edgeFrames(frames)
		e.edgePower32 = grow(e.edgePower32, edges*bins)
		e.edgeMel = grow(e.edgeMel, edges*params.NMels)
	}
}
