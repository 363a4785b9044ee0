package features

import (
	"fmt"
	"math"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// Harmonic-percussive source separation, frame by frame.
//
// The median filters run on float32 magnitudes, as librosa's (whose STFT
// is complex64) do; they only select values, so this changes nothing but
// the rounding of the magnitudes (relative 6e-8, below 2e-7 in the
// waveform statistics), and halves the memory they stream through. The
// percussive filter (along frequency) runs on each frame as it is
// computed (analyseFrame); the harmonic one (along time) runs on chunks of
// hpssChunk frames once the frames its windows reach are in the ring
// (separateChunk). Each frame's soft masks are then computed from the two
// filtered magnitudes and applied to its STFT, and the masked frame is
// overlap-added into a ring that holds the part of the waveform later
// frames still reach. Each sample is normalised as soon as no later frame
// reaches it and taken into the waveform statistics (finishWave): neither
// the masks, nor a whole-clip spectrogram, nor the waveform is ever
// stored.
//
// The waveforms are resynthesised as the table's librosa did: the inverse
// STFT without a target length yields hop·(frames−1) samples (n_fft/2 cut at
// both ends of the overlap-added signal), which are then zero-extended to
// the input length: the last len mod hop samples are zero, and the
// statistics include them. (This matches the table to 1e-6, where a
// length-aware inverse, which fills those samples from the last frames, is
// off by up to 1e-3 in the variances.)

// separateChunk filters the frames c0 … c0+n−1 (of frames) along time,
// overlap-adds their masked STFT frames into the first natural samples of
// the waveform(s) and completes the samples no later frame reaches.
func (e *Extractor) separateChunk(samples []float32, c0, n, frames, natural int) error {
	const bins = params.NBins
	harm := e.harm32[:n*bins]
	if err := dsp.MedianFilterColsRing(harm, e.magRing, ringFrames, frames, bins, c0, n, params.HPSSKernel, e.median); err != nil {
		return fmt.Errorf("features: harmonic median filter: %w", err)
	}
	e.mark(StageHarmonic)
	defer e.mark(StageInverse)
	masked := e.masked[:bins]
	for i := 0; i < n; i++ {
		t := c0 + i
		slot := t % ringFrames
		spec := e.specRing[slot*bins : (slot+1)*bins]
		h := harm[i*bins : (i+1)*bins]
		p := e.percRing[slot*bins : (slot+1)*bins]
		h, p, masked := h[:len(spec)], p[:len(spec)], masked[:len(spec)]
		if params.HPSSMargin == 1 && params.HPSSPower == 2 {
			// The masks sum to one; only the harmonic one is needed.
			// (dsp.SoftMask2 is softMask2Half bin by bin.)
			dsp.SoftMask2(masked, spec, h, p)
			e.stft.AddFrameRing(e.olaH, masked, t, natural)
			e.finishWave(samples, t, frames, natural)
			continue
		}
		if params.HPSSMargin == 1 {
			// The same with another power: the general mask.
			for k, v := range spec {
				g := softMask(float64(h[k]), float64(p[k]), params.HPSSPower, 0.5)
				masked[k] = complex(real(v)*g, imag(v)*g)
			}
			e.stft.AddFrameRing(e.olaH, masked, t, natural)
			e.finishWave(samples, t, frames, natural)
			continue
		}
		for k, v := range spec {
			g := softMask(float64(h[k]), float64(p[k])*params.HPSSMargin, params.HPSSPower, 0)
			masked[k] = complex(real(v)*g, imag(v)*g)
		}
		e.stft.AddFrameRing(e.olaH, masked, t, natural)
		for k, v := range spec {
			g := softMask(float64(p[k]), float64(h[k])*params.HPSSMargin, params.HPSSPower, 0)
			masked[k] = complex(real(v)*g, imag(v)*g)
		}
		e.stft.AddFrameRing(e.olaP, masked, t, natural)
		e.finishWave(samples, t, frames, natural)
	}
	return nil
}

// finishWave completes, after frame t of frames has been overlap-added,
// the waveform samples that no later frame reaches (all of them, up to
// natural, after the last frame): it normalises them, adds them to the
// statistics and clears their ring slots for the samples to come.
func (e *Extractor) finishWave(samples []float32, t, frames, natural int) {
	end := min(natural, (t+1)*params.Hop-params.NFFT/2)
	if t == frames-1 {
		end = natural
	}
	mask := len(e.olaH) - 1
	for e.waveDone < end {
		a := e.waveDone & mask
		k := min(end-e.waveDone, len(e.olaH)-a) // to the end of the ring at most
		h := e.olaH[a : a+k]
		e.stft.NormalizeOverlapAt(h, e.waveDone, frames)
		s := samples[e.waveDone : e.waveDone+k]
		if params.HPSSMargin == 1 {
			// The inverse STFT is linear and reconstructs the input
			// exactly (each sample is a window-sum-square weighted
			// average of frames that all contain it), so the percussive
			// waveform, whose mask is one minus the harmonic one, is the
			// input minus the harmonic waveform: this saves a second
			// inverse STFT.
			addSeparated(&e.harmStats, &e.percStats, s, h)
		} else {
			p := e.olaP[a : a+k]
			e.stft.NormalizeOverlapAt(p, e.waveDone, frames)
			e.harmStats.addBlock(h)
			e.percStats.addBlock(p)
			clear(p)
		}
		clear(h)
		e.waveDone += k
	}
}

// separationStats writes the mean and variance of the harmonic and
// percussive waveforms into dst once finishWave has taken all their
// natural samples; the len(samples) − natural samples after them are zero
// (see above).
func (e *Extractor) separationStats(dst []float64, samples []float32, natural int) {
	zeros := len(samples) - natural
	e.harmStats.addZeros(zeros)
	e.percStats.addZeros(zeros)
	dst[colHarmony], dst[colHarmony+1] = e.harmStats.mean, e.harmStats.variance()
	dst[colPerceptr], dst[colPerceptr+1] = e.percStats.mean, e.percStats.variance()
}

// runningStats accumulates the mean and population variance of a sequence
// that arrives in blocks: each block's mean and sum of squared deviations
// are computed in two passes over it (in cache), then merged (Chan, Golub
// and LeVeque's pairwise update), which keeps the precision of a two-pass
// computation over the whole sequence without storing it.
type runningStats struct {
	n    float64 // values so far
	mean float64 // their mean
	m2   float64 // their sum of squared deviations from the mean
}

// merge adds a block of k values with mean bm and sum of squared
// deviations bm2.
func (r *runningStats) merge(k, bm, bm2 float64) {
	if k == 0 {
		return
	}
	n := r.n + k
	d := bm - r.mean
	r.mean += d * (k / n)
	r.m2 += bm2 + d*d*(r.n*k/n)
	r.n = n
}

// addBlock adds the values of x.
func (r *runningStats) addBlock(x []float64) {
	if len(x) == 0 {
		return
	}
	var s float64
	for _, v := range x {
		s += v
	}
	bm := s / float64(len(x))
	var m2 float64
	for _, v := range x {
		d := v - bm
		m2 += d * d
	}
	r.merge(float64(len(x)), bm, m2)
}

// addSeparated adds the block h of the harmonic waveform to harm and the
// block s − h of the percussive one (s is at least as long as h) to perc,
// both in the same two passes.
func addSeparated(harm, perc *runningStats, s []float32, h []float64) {
	if len(h) == 0 {
		return
	}
	s = s[:len(h)]
	var sumH, sumP float64
	for i, v := range h {
		sumH += v
		sumP += float64(s[i]) - v
	}
	k := float64(len(h))
	mh, mp := sumH/k, sumP/k
	var m2h, m2p float64
	for i, v := range h {
		dh, dp := v-mh, float64(s[i])-v-mp
		m2h += dh * dh
		m2p += dp * dp
	}
	harm.merge(k, mh, m2h)
	perc.merge(k, mp, m2p)
}

// addZeros adds k zeros.
func (r *runningStats) addZeros(k int) { r.merge(float64(k), 0, 0) }

// variance returns the population variance of the values so far (NaN for
// none).
func (r *runningStats) variance() float64 {
	if r.n == 0 {
		return math.NaN()
	}
	return r.m2 / r.n
}
