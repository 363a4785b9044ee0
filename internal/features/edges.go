package features

import (
	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// The edge frames: a centred frame t reaches into the padding when
// t·hop < n/2 (the first head frames) or t·hop + n/2 > m (the frames from
// tailStart on); only those depend on the padding mode, and only they are
// computed twice when both feature sets are requested. Their zero-padded
// versions are kept in edge rows: frame t < head in row t, frame
// t ≥ tailStart in row head + t − tailStart.

// setEdges lays out the edge frames of a clip of m samples and frames
// frames (m ≥ MinSamples).
func (e *Extractor) setEdges(frames, m int) {
	const n, hop = params.NFFT, params.Hop
	e.head = min(frames, (n/2+hop-1)/hop)
	firstTail := (m-n/2)/hop + 1 // the first t with t·hop + n/2 > m
	e.tailStart = min(frames, max(e.head, firstTail))
}

// isEdge reports whether frame t reaches into the padding.
func (e *Extractor) isEdge(t int) bool { return t < e.head || t >= e.tailStart }

// edgeRow returns the edge row of edge frame t.
func (e *Extractor) edgeRow(t int) int {
	if t < e.head {
		return t
	}
	return e.head + t - e.tailStart
}

// edgeFrames returns the number of edge frames of a clip of frames frames.
func (e *Extractor) edgeFrames(frames int) int { return e.head + frames - e.tailStart }

// analyseZeroEdge computes the zero-padded version of edge frame t, when
// both sets are computed: its float32 power and mel spectrum into its edge
// row, its tuning peaks into tunerZero and its contrast.
func (e *Extractor) analyseZeroEdge(samples []float32, t int) {
	const bins = params.NBins
	r := e.edgeRow(t)
	spec := e.stft.ComputeFrameZero(e.zspec, samples, t)
	p, mag := e.power[:len(spec)], e.mag[:len(spec)]
	p32 := e.edgePower32[r*bins : (r+1)*bins]
	dsp.PowerMagnitude(spec, p, mag, p32[:len(spec)], e.zmag32[:len(spec)])
	e.mel.Apply(e.edgeMel[r*params.NMels:(r+1)*params.NMels], p)
	e.tunerZero.AddFrame(p)
	e.mark(StageEdges)
	e.contrastFrame(t, e.zmag32)
}

// swapEdgeRows exchanges the edge frames' rows of the frame-by-frame
// matrix m (width values per frame) with the edge rows of side.
func (e *Extractor) swapEdgeRows(m, side []float64, width, frames int) {
	e.forEdge(frames, func(t, r int) {
		a, b := m[t*width:(t+1)*width], side[r*width:(r+1)*width]
		for i := range a {
			a[i], b[i] = b[i], a[i]
		}
	})
}
