package features

import (
	"math"
	"math/rand"
	"testing"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// benchClip returns a 30-s clip: a reference GTZAN clip if available,
// otherwise a synthetic one (noise plus tones with a beat).
func benchClip(b *testing.B) []float32 {
	b.Helper()
	if rows, err := readReference(clipsDir()+"/features.csv", GTZAN); err == nil && len(rows) > 0 {
		if x, _, err := readWAV(clipsDir() + "/" + rows[0].Filename); err == nil {
			return x[:min(len(x), params.MaxSamples)]
		}
	}
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, params.MaxSamples)
	for i := range x {
		t := float64(i) / params.SampleRate
		beat := math.Exp(-20 * math.Mod(t, 0.5))
		x[i] = float32(0.2*math.Sin(2*math.Pi*220*t) + 0.1*math.Sin(2*math.Pi*330*t) + 0.2*beat*rng.NormFloat64())
	}
	return x
}

// prepared returns an Extractor that has analysed x once, so its buffers
// are sized.
func prepared(b *testing.B, x []float32) *Extractor {
	b.Helper()
	e := NewExtractor()
	if _, err := e.Extract(nil, x); err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkSTFT(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	b.ReportAllocs()
	b.ResetTimer()
	spec := make([]complex128, params.NBins)
	frames := e.stft.Frames(len(x))
	for i := 0; i < b.N; i++ {
		for t := 0; t < frames; t++ {
			e.stft.ComputeFrame(spec, x, t)
		}
	}
}

func BenchmarkMel(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames, bins := e.stft.Frames(len(x)), params.NBins
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for t := 0; t < frames; t++ {
			for k, v := range e.power32[t*bins : (t+1)*bins] {
				e.power[k] = float64(v)
			}
			e.mel.Apply(e.melDB[t*params.NMels:(t+1)*params.NMels], e.power)
		}
	}
}

func BenchmarkMFCC(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames := e.stft.Frames(len(x))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// dB conversion and DCT of the (already dB) mel spectrogram.
		dsp.PowerToDB(e.melDB[:frames*params.NMels], e.melDB[:frames*params.NMels], 1, params.Amin, params.TopDB)
		for t := 0; t < frames; t++ {
			e.dct.Transform(e.mfccT[t*params.NMFCC:(t+1)*params.NMFCC], e.melDB[t*params.NMels:(t+1)*params.NMels])
		}
	}
}

func BenchmarkChroma(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames := e.stft.Frames(len(x))
	fma := make([]float64, len(FMASmallColumns))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.chromaSets(nil, fma, frames); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHPSS times the separation's share of Extract: the percussive
// median of every frame, the harmonic median and the masked overlap-add of
// every chunk, and the normalisation and statistics. It runs on whatever
// the rings hold after a whole Extract: the cost does not depend on it.
func BenchmarkHPSS(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames, bins := e.stft.Frames(len(x)), params.NBins
	natural := min(len(x), (frames-1)*params.Hop)
	dst := make([]float64, len(Columns))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for t := 0; t < frames; t++ {
			slot := t % ringFrames
			ring := e.magRing[slot*bins : (slot+1)*bins]
			if err := dsp.MedianFilterRows(e.percRing[slot*bins:(slot+1)*bins], ring, 1, bins, params.HPSSKernel, e.median); err != nil {
				b.Fatal(err)
			}
		}
		clear(e.olaH)
		e.waveDone = 0
		e.harmStats, e.percStats = runningStats{}, runningStats{}
		for c0 := 0; c0 < frames; c0 += hpssChunk {
			if err := e.separateChunk(x, c0, min(hpssChunk, frames-c0), frames, natural); err != nil {
				b.Fatal(err)
			}
		}
		e.separationStats(dst, x, natural)
	}
}

func BenchmarkTempo(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames := e.stft.Frames(len(x))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.tempo(frames)
	}
}

func BenchmarkExtract(b *testing.B) { benchmarkExtract(b, false) }

// BenchmarkExtractPlain is BenchmarkExtract with only the plain statistics
// (Extractor.PlainOnly: no separation, no tempo).
func BenchmarkExtractPlain(b *testing.B) { benchmarkExtract(b, true) }

// benchmarkExtract times Extract on a 30-s clip, all columns or the plain
// statistics only.
func benchmarkExtract(b *testing.B, plain bool) {
	x := benchClip(b)
	e := prepared(b, x)
	e.PlainOnly = plain
	dst := make([]float64, len(Columns))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Extract(dst, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractSets times ExtractSets on a 30-s clip for each set alone
// and for both in one call.
func BenchmarkExtractSets(b *testing.B) {
	x := benchClip(b)
	for _, tc := range setsCases {
		b.Run(tc.name, func(b *testing.B) {
			e := NewExtractor()
			g, f, err := extractSets(e, tc.gtzan, tc.fma, x)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := e.ExtractSets(g, f, x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkContrast times the spectral contrast of every frame of a clip
// and its means.
func BenchmarkContrast(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames, bins := e.stft.Frames(len(x)), params.NBins
	nb := len(e.contrast.bands)
	mag := make([]float32, frames*bins)
	for t := 0; t < frames; t++ {
		for k, v := range e.power32[t*bins : (t+1)*bins] {
			mag[t*bins+k] = float32(math.Sqrt(float64(v)))
		}
	}
	means := make([]float64, nb)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for t := 0; t < frames; t++ {
			e.contrast.frame(e.peak[t*nb:(t+1)*nb], e.valley[t*nb:(t+1)*nb], mag[t*bins:(t+1)*bins])
		}
		contrastMeans(means, e.peak[:frames*nb], e.valley[:frames*nb], nb)
	}
}

// BenchmarkTimeDomain times the RMS and zero-crossing tracks of a clip.
func BenchmarkTimeDomain(b *testing.B) {
	x := benchClip(b)
	e := prepared(b, x)
	frames := e.stft.Frames(len(x))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.timeDomain(x, frames)
	}
}
