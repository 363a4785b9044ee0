package features

import (
	"fmt"
	"math"

	"github.com/genrec/genrec/internal/params"
)

// chromaSets computes the chroma columns of each requested set from the
// float32 power spectrogram e.power32 (the main pass's frames) and, with
// both sets, the zero-padded edge frames of e.edgePower32. Each set's
// tuning is estimated from all its frames: the interior frames' pitch
// peaks (e.tuner) with those of its own edge frames. The GTZAN set takes
// the mean and variance over all values; FMA-small the mean of each chroma
// bin. When the two tunings agree (the usual case) the interior frames'
// chroma serves both sets and only the edge frames are redone.
func (e *Extractor) chromaSets(gtzan, fma []float64, frames int) error {
	const nc, bins = params.NChroma, params.NBins
	chroma := e.chromaT[:frames*nc]
	tuning := e.tuner.ResultWith(e.tunerEdge)
	e.mark(StageTuning)
	if err := e.setChromaTuning(tuning); err != nil {
		return err
	}
	for t := 0; t < frames; t++ {
		e.chromaFrame(chroma[t*nc:(t+1)*nc], e.power32[t*bins:(t+1)*bins])
	}
	if gtzan != nil {
		gtzan[colChroma], gtzan[colChroma+1] = meanVar(chroma)
	}
	e.mark(StageChroma)
	if fma == nil {
		return nil
	}
	if gtzan != nil {
		zero := e.tuner.ResultWith(e.tunerZero)
		e.mark(StageTuning)
		if zero == tuning {
			e.forEdge(frames, func(t, r int) {
				e.chromaFrame(chroma[t*nc:(t+1)*nc], e.edgePower32[r*bins:(r+1)*bins])
			})
		} else {
			if err := e.setChromaTuning(zero); err != nil {
				return err
			}
			e.forEdge(frames, func(t, r int) {
				copy(e.power32[t*bins:(t+1)*bins], e.edgePower32[r*bins:(r+1)*bins])
			})
			for t := 0; t < frames; t++ {
				e.chromaFrame(chroma[t*nc:(t+1)*nc], e.power32[t*bins:(t+1)*bins])
			}
		}
	}
	means := fma[fmaChroma : fmaChroma+nc]
	clear(means)
	for t := 0; t < frames; t++ {
		for i, v := range chroma[t*nc : (t+1)*nc] {
			means[i] += v
		}
	}
	for i := range means {
		means[i] /= float64(frames)
	}
	e.mark(StageChroma)
	return nil
}

// setChromaTuning retunes the chroma filterbank, unless it already has the
// tuning.
func (e *Extractor) setChromaTuning(tuning float64) error {
	if tuning == e.chromaTuning {
		return nil
	}
	err := e.chroma.SetChromaTuning(params.SampleRate, params.NFFT, tuning,
		params.ChromaCenterOctave, params.ChromaOctaveWidth)
	if err != nil {
		e.chromaTuning = math.NaN()
		return fmt.Errorf("features: chroma filterbank: %w", err)
	}
	e.chromaTuning = tuning
	return nil
}

// chromaFrame writes the chroma of one float32 power frame into dst,
// divided by its maximum. (librosa's power spectrogram is float32; the
// rounding moves the chroma statistics by less than 1e-7, relative.)
func (e *Extractor) chromaFrame(dst []float64, p32 []float32) {
	c := e.chroma.Apply32(dst, p32)
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

// forEdge calls f with each edge frame and its edge row.
func (e *Extractor) forEdge(frames int, f func(t, r int)) {
	for t := 0; t < e.head; t++ {
		f(t, e.edgeRow(t))
	}
	for t := e.tailStart; t < frames; t++ {
		f(t, e.edgeRow(t))
	}
}

// tinyFloat32 is the smallest normal float32, librosa's "tiny" threshold
// for float32 data.
const tinyFloat32 = 0x1p-126
