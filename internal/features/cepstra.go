package features

import (
	"math"
	"slices"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// cepstra converts the mel spectrogram to dB and computes, for each
// requested set (a non-nil destination), the MFCC statistics and the tempo.
//
// e.melDB holds the mel power spectrum of every frame of the main pass
// (reflect-padded edges with the GTZAN set, zero-padded without it) and,
// with both sets, e.edgeMel the zero-padded edge frames'. The dB conversion
// (power_to_db) clips each set's matrix at its own maximum − top_db, and
// that maximum may come from an edge frame, so the sets' floors can differ.
// The set with the lower floor is clipped and transformed first; the other
// set's edge rows are then swapped in and everything is raised to its
// floor, which changes only the frames holding a value below it: only those
// and the edge frames are transformed again.
func (e *Extractor) cepstra(gtzan, fma []float64, frames int) {
	const nm = params.NMels
	mel := e.melDB[:frames*nm]
	head, tail := e.head, e.tailStart
	topInterior := dsp.PowerToDBUnclipped(mel[head*nm:tail*nm], mel[head*nm:tail*nm], 1, params.Amin)
	topEdge := max(dsp.PowerToDBUnclipped(mel[:head*nm], mel[:head*nm], 1, params.Amin),
		dsp.PowerToDBUnclipped(mel[tail*nm:], mel[tail*nm:], 1, params.Amin))
	if gtzan == nil || fma == nil {
		set, dst := GTZAN, gtzan
		if gtzan == nil {
			set, dst = FMASmall, fma
		}
		dsp.ClipBelow(mel, dbFloor(max(topInterior, topEdge)))
		for t := 0; t < frames; t++ {
			e.dctFrame(t)
		}
		e.mark(StageMFCC)
		e.setCepstra(set, dst, frames)
		return
	}

	edgeMel := e.edgeMel[:e.edgeFrames(frames)*nm]
	topZero := dsp.PowerToDBUnclipped(edgeMel, edgeMel, 1, params.Amin)
	floorG, floorF := dbFloor(max(topInterior, topEdge)), dbFloor(max(topInterior, topZero))
	first, firstDst, firstFloor := GTZAN, gtzan, floorG
	second, secondDst, secondFloor := FMASmall, fma, floorF
	if floorF < floorG {
		first, firstDst, firstFloor, second, secondDst, secondFloor = second, secondDst, secondFloor, first, firstDst, firstFloor
		e.swapEdgeRows(mel, edgeMel, nm, frames)
	}
	dsp.ClipBelow(mel, firstFloor)
	for t := 0; t < frames; t++ {
		e.dctFrame(t)
	}
	e.mark(StageMFCC)
	e.setCepstra(first, firstDst, frames)

	// The second set: its (unclipped) edge rows in, its floor applied.
	e.swapEdgeRows(mel, edgeMel, nm, frames)
	for t := 0; t < frames; t++ {
		if dsp.ClipBelow(mel[t*nm:(t+1)*nm], secondFloor) || e.isEdge(t) {
			e.dctFrame(t)
		}
	}
	e.mark(StageMFCC)
	e.setCepstra(second, secondDst, frames)
}

// dbFloor returns the value below which power_to_db clips a matrix whose
// largest dB value is top.
func dbFloor(top float64) float64 {
	if params.TopDB > 0 {
		return top - params.TopDB
	}
	return math.Inf(-1)
}

// dctFrame computes the MFCC of frame t from its dB mel spectrum.
func (e *Extractor) dctFrame(t int) {
	e.dct.Transform(e.mfccT[t*params.NMFCC:(t+1)*params.NMFCC], e.melDB[t*params.NMels:(t+1)*params.NMels])
}

// setCepstra writes the MFCC statistics of e.mfccT and the tempo of the dB
// mel spectrogram e.melDB into the set's columns of dst.
func (e *Extractor) setCepstra(set Set, dst []float64, frames int) {
	mfcc := e.mfccT[:frames*params.NMFCC]
	switch set {
	case GTZAN:
		for i := 0; i < params.NMFCC; i++ {
			dst[colMFCC+2*i], dst[colMFCC+2*i+1] = meanVarStrided(mfcc, i, params.NMFCC)
		}
		e.mark(StageStats)
		if e.PlainOnly {
			dst[colTempo] = math.NaN()
			return
		}
		e.onset = onsetMedianFrames(e.onset, e.melDB, params.NMels, frames)
		dst[colTempo] = e.tempoEst.Estimate(e.onset)
	case FMASmall:
		for i := 0; i < params.NMFCC; i++ {
			dst[fmaMFCCMean+i], dst[fmaMFCCVar+i] = meanVarStrided(mfcc, i, params.NMFCC)
		}
		e.mark(StageStats)
		e.onset = onsetMeanFrames(e.onset, e.melDB, params.NMels, frames)
		dst[fmaTempo] = e.tempoEst.Estimate(e.onset)
	}
	e.mark(StageTempo)
}

// onsetMeanFrames is OnsetStrength(dst, ·, nMels, nFrames) of the
// transpose of melDB: it reads the dB mel spectrogram frame by frame
// (melDB[t*nMels+m]), as the Extractor stores it (the FMA-small set's
// envelope, librosa.onset.onset_strength's default mean over the bands).
func onsetMeanFrames(dst, melDB []float64, nMels, nFrames int) []float64 {
	dst = slices.Grow(dst[:0], nFrames)[:nFrames]
	clear(dst)
	if nMels == 0 || nFrames <= OnsetPad {
		return dst
	}
	for t := OnsetPad; t < nFrames; t++ {
		a := melDB[(t-OnsetPad)*nMels : (t-OnsetPad+1)*nMels]
		b := melDB[(t-OnsetPad+OnsetLag)*nMels : (t-OnsetPad+OnsetLag+1)*nMels]
		b = b[:len(a)]
		var s float64
		for m, v := range a {
			if d := b[m] - v; d > 0 {
				s += d
			}
		}
		dst[t] = s / float64(nMels)
	}
	return dst
}
