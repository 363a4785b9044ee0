package features

import (
	"fmt"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// separate performs harmonic-percussive source separation of the clip,
// from the magnitude spectrogram in e.mag32 and the STFT in e.spec, and
// writes the mean and variance of both waveforms into dst.
//
// The median filters run on float32 magnitudes, as librosa's (whose STFT
// is complex64) do; they only select values, so this changes nothing but
// the rounding of the magnitudes (relative 6e-8, below 2e-7 in the
// waveform statistics), and halves the memory they stream through.
//
// The waveforms are resynthesised as the table's librosa did: the inverse
// STFT without a target length yields hop·(frames−1) samples (n_fft/2 cut at
// both ends of the overlap-added signal), which are then zero-extended to
// the input length: the last len mod hop samples are zero, and the
// statistics include them. (This matches the table to 1e-6, where a
// length-aware inverse, which fills those samples from the last frames, is
// off by up to 1e-3 in the variances.)
func (e *Extractor) separate(dst []float64, samples []float32, frames int) error {
	bins := params.NBins
	n := frames * bins
	mag := e.mag32[:n]
	// Matrices are frames × bins: time runs down the columns.
	if err := dsp.MedianFilterCols(e.harm32[:n], mag, frames, bins, params.HPSSKernel, e.median); err != nil {
		return fmt.Errorf("features: harmonic median filter: %w", err)
	}
	if err := dsp.MedianFilterRows(e.perc32[:n], mag, frames, bins, params.HPSSKernel, e.median); err != nil {
		return fmt.Errorf("features: percussive median filter: %w", err)
	}
	// With margin 1 the masks sum to one; only the harmonic one is needed.
	oneMask := params.HPSSMargin == 1
	if oneMask {
		harmonicMask(e.harm[:n], e.harm32[:n], e.perc32[:n], params.HPSSPower)
	} else {
		e.perc = grow(e.perc, n)
		softMasks(e.harm[:n], e.perc[:n], e.harm32[:n], e.perc32[:n], params.HPSSMargin, params.HPSSPower)
	}

	m := len(samples)
	natural := min(m, (frames-1)*params.Hop)
	wave := e.wave[:m]
	clear(wave[natural:])
	if _, err := e.stft.InverseMasked(wave[:natural], e.spec[:n], e.harm[:n], natural); err != nil {
		return fmt.Errorf("features: harmonic waveform: %w", err)
	}
	dst[colHarmony], dst[colHarmony+1] = meanVar(wave)
	if oneMask {
		// The inverse STFT is linear and reconstructs the input exactly
		// (each sample is a window-sum-square weighted average of frames
		// that all contain it), so the percussive waveform, whose mask is
		// one minus the harmonic one, is the input minus the harmonic
		// waveform. This saves a second inverse STFT.
		for i, v := range samples[:natural] {
			wave[i] = float64(v) - wave[i]
		}
	} else if _, err := e.stft.InverseMasked(wave[:natural], e.spec[:n], e.perc[:n], natural); err != nil {
		return fmt.Errorf("features: percussive waveform: %w", err)
	}
	dst[colPerceptr], dst[colPerceptr+1] = meanVar(wave)
	return nil
}
