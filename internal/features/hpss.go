package features

import (
	"fmt"

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
// overlap-added into the waveform: neither the masks nor a whole-clip
// spectrogram is ever stored.
//
// The waveforms are resynthesised as the table's librosa did: the inverse
// STFT without a target length yields hop·(frames−1) samples (n_fft/2 cut at
// both ends of the overlap-added signal), which are then zero-extended to
// the input length: the last len mod hop samples are zero, and the
// statistics include them. (This matches the table to 1e-6, where a
// length-aware inverse, which fills those samples from the last frames, is
// off by up to 1e-3 in the variances.)

// separateChunk filters the frames c0 … c0+n−1 (of frames) along time and
// overlap-adds their masked STFT frames into the first natural samples of
// the waveform(s).
func (e *Extractor) separateChunk(c0, n, frames, natural int) error {
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
			e.stft.AddFrame(e.wave[:natural], masked, t)
			continue
		}
		if params.HPSSMargin == 1 {
			// The same with another power: the general mask.
			for k, v := range spec {
				g := softMask(float64(h[k]), float64(p[k]), params.HPSSPower, 0.5)
				masked[k] = complex(real(v)*g, imag(v)*g)
			}
			e.stft.AddFrame(e.wave[:natural], masked, t)
			continue
		}
		for k, v := range spec {
			g := softMask(float64(h[k]), float64(p[k])*params.HPSSMargin, params.HPSSPower, 0)
			masked[k] = complex(real(v)*g, imag(v)*g)
		}
		e.stft.AddFrame(e.wave[:natural], masked, t)
		for k, v := range spec {
			g := softMask(float64(p[k]), float64(h[k])*params.HPSSMargin, params.HPSSPower, 0)
			masked[k] = complex(real(v)*g, imag(v)*g)
		}
		e.stft.AddFrame(e.wave2[:natural], masked, t)
	}
	return nil
}

// separationStats completes the inverse STFT of the waveform(s) that
// separateChunk accumulated and writes the mean and variance of the
// harmonic and percussive waveforms into dst.
func (e *Extractor) separationStats(dst []float64, samples []float32, frames, natural int) {
	wave := e.wave[:len(samples)]
	e.stft.NormalizeOverlap(wave[:natural], frames)
	if params.HPSSMargin != 1 {
		dst[colHarmony], dst[colHarmony+1] = meanVar(wave)
		wave = e.wave2[:len(samples)]
		e.stft.NormalizeOverlap(wave[:natural], frames)
		dst[colPerceptr], dst[colPerceptr+1] = meanVar(wave)
		return
	}
	// The inverse STFT is linear and reconstructs the input exactly (each
	// sample is a window-sum-square weighted average of frames that all
	// contain it), so the percussive waveform, whose mask is one minus the
	// harmonic one, is the input minus the harmonic waveform: this saves a
	// second inverse STFT. Both waveforms are zero beyond natural. Their
	// statistics are taken together, two passes for the four of them.
	h, s := wave[:natural], samples[:natural]
	s = s[:len(h)]
	var sumH, sumP float64
	for i, v := range h {
		sumH += v
		sumP += float64(s[i]) - v
	}
	n := float64(len(wave))
	meanH, meanP := sumH/n, sumP/n
	var varH, varP float64
	for i, v := range h {
		dh, dp := v-meanH, float64(s[i])-v-meanP
		varH += dh * dh
		varP += dp * dp
	}
	zeros := n - float64(natural) // the zero-extended tail
	varH += zeros * meanH * meanH
	varP += zeros * meanP * meanP
	dst[colHarmony], dst[colHarmony+1] = meanH, varH/n
	dst[colPerceptr], dst[colPerceptr+1] = meanP, varP/n
}
