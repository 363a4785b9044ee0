package features

import (
	"fmt"
	"math"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

// Spectral contrast (librosa.feature.spectral_contrast, 0.10), the
// contrast_mean_* columns of the FMA-small table.
//
// The band edges are 0, fmin, 2·fmin, …, 2^nBands·fmin Hz. Band k holds
// the bins whose frequency f satisfies edge[k] ≤ f ≤ edge[k+1]; for k > 0
// also the bin just below its first; the last band also every bin above its
// last (up to Nyquist). The number of averaged bins is
// idx = max(1, rint(quantile × the band's bin count)), rint rounding half to
// even as numpy.rint does. The bins ranked are the band's, except that for
// all bands but the last the highest bin is dropped (after idx is taken from
// the full count). The valley is the mean of the idx smallest magnitudes,
// the peak the mean of the idx largest; the contrast is
// power_to_db(peak) − power_to_db(valley), each of the two converted as one
// whole matrix (all bands and frames: ref 1, amin 1e-10, clipped at its own
// maximum − 80 dB), and the columns are its means over the frames.

// contrastBand is one band of the spectral contrast: the bins [lo, hi)
// that are ranked and the number idx averaged at each end.
type contrastBand struct{ lo, hi, idx int }

// contrastBands returns the bands of the spectral contrast of an
// nfft-point spectrum at sr Hz (bin k at k·sr/nfft Hz), as librosa lays
// them out, or an error for parameters librosa rejects.
func contrastBands(sr float64, nfft int, fmin float64, nBands int, quantile float64) ([]contrastBand, error) {
	if !(fmin > 0) || nBands < 1 || !(quantile > 0 && quantile < 1) {
		return nil, fmt.Errorf("features: spectral contrast fmin %g, %d bands, quantile %g", fmin, nBands, quantile)
	}
	freqs := dsp.FFTFrequencies(nil, sr, nfft)
	edges := make([]float64, nBands+2)
	for i := 1; i < len(edges); i++ {
		edges[i] = fmin * math.Exp2(float64(i-1))
	}
	for _, f := range edges[:len(edges)-1] {
		if f >= sr/2 {
			return nil, fmt.Errorf("features: spectral contrast band edge %g Hz above Nyquist", f)
		}
	}
	bands := make([]contrastBand, nBands+1)
	for k := range bands {
		first, last := -1, -1
		for i, f := range freqs {
			if f >= edges[k] && f <= edges[k+1] {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			return nil, fmt.Errorf("features: spectral contrast band %d (%g–%g Hz) holds no bin", k, edges[k], edges[k+1])
		}
		if k > 0 && first > 0 {
			first--
		}
		if k == nBands {
			last = len(freqs) - 1
		}
		count := last - first + 1
		hi := last + 1
		if k < nBands {
			hi-- // the band's highest bin is not ranked
		}
		idx := max(1, int(math.RoundToEven(quantile*float64(count))))
		if idx > hi-first {
			return nil, fmt.Errorf("features: spectral contrast band %d averages %d of %d bins", k, idx, hi-first)
		}
		bands[k] = contrastBand{lo: first, hi: hi, idx: idx}
	}
	return bands, nil
}

// contrastScratch holds the spectral contrast's bands and the scratch of
// its selections.
type contrastScratch struct {
	bands      []contrastBand
	cmin, cmax []uint32 // per chunk of contrastChunk bins: the extremes
	sel        []uint32 // the values selected so far, in order
	cneg       []uint32 // complemented chunk maxima
	cand       []uint32 // the candidates of one band's selection
	keys       []uint64 // their ranking keys
}

// contrastChunk is the number of bins whose extremes are found together.
const contrastChunk = 8

// newContrast returns the contrast of the recipe of internal/params.
func newContrast() (*contrastScratch, error) {
	bands, err := contrastBands(params.SampleRate, params.NFFT, params.ContrastFMin,
		params.ContrastBands, params.ContrastQuantile)
	if err != nil {
		return nil, err
	}
	most, widest := 0, 0
	for _, b := range bands {
		most = max(most, b.idx)
		widest = max(widest, b.hi-b.lo)
	}
	chunks := (widest + contrastChunk - 1) / contrastChunk
	return &contrastScratch{
		bands: bands,
		cmin:  make([]uint32, chunks),
		cmax:  make([]uint32, chunks),
		sel:   make([]uint32, most),
		cneg:  make([]uint32, chunks),
		cand:  make([]uint32, chunks*contrastChunk),
		keys:  make([]uint64, 32),
	}, nil
}

// frame writes the peak and valley of each band of the magnitude frame mag
// (non-negative, not NaN) into peak and valley (one value per band).
//
// Non-negative float32 values order as their bit patterns do, so the
// selection works on those as unsigned integers, whose minimum and maximum
// the compiler makes branch-free. The extremes of each chunk of
// contrastChunk bins come first; the idx-th smallest chunk minimum bounds
// the idx-th smallest value (each of those chunks holds a value at or
// below it), so only the few chunks whose minimum is within the bound are
// searched for the smallest values, and likewise for the largest: a
// partial selection, without sorting the band.
func (c *contrastScratch) frame(peak, valley []float64, mag []float32) {
	peak, valley = peak[:len(c.bands)], valley[:len(c.bands)]
	for k, b := range c.bands {
		v := mag[b.lo:b.hi]
		nc := (len(v) + contrastChunk - 1) / contrastChunk
		cmin, cmax := c.cmin[:nc], c.cmax[:nc]
		chunkExtremes(cmin, cmax, v)
		if b.idx == 1 {
			lo, hi := cmin[0], cmax[0]
			for i := 1; i < nc; i++ {
				lo = min(lo, cmin[i])
				hi = max(hi, cmax[i])
			}
			peak[k], valley[k] = float64(math.Float32frombits(hi)), float64(math.Float32frombits(lo))
			continue
		}
		valley[k] = c.smallest(v, cmin, b.idx)
		peak[k] = c.largest(v, cmax, b.idx)
	}
}

// chunkExtremes writes the smallest and largest bit pattern of each chunk
// of contrastChunk values of v (the last one may be shorter) into cmin and
// cmax.
func chunkExtremes(cmin, cmax []uint32, v []float32) {
	full := len(v) / contrastChunk
	for i := 0; i < full; i++ {
		blk := v[i*contrastChunk : (i+1)*contrastChunk : (i+1)*contrastChunk]
		a0, a1 := math.Float32bits(blk[0]), math.Float32bits(blk[1])
		a2, a3 := math.Float32bits(blk[2]), math.Float32bits(blk[3])
		a4, a5 := math.Float32bits(blk[4]), math.Float32bits(blk[5])
		a6, a7 := math.Float32bits(blk[6]), math.Float32bits(blk[7])
		cmin[i] = min(min(min(a0, a1), min(a2, a3)), min(min(a4, a5), min(a6, a7)))
		cmax[i] = max(max(max(a0, a1), max(a2, a3)), max(max(a4, a5), max(a6, a7)))
	}
	if rest := v[full*contrastChunk:]; len(rest) > 0 {
		lo, hi := math.Float32bits(rest[0]), math.Float32bits(rest[0])
		for _, x := range rest[1:] {
			u := math.Float32bits(x)
			lo, hi = min(lo, u), max(hi, u)
		}
		cmin[full], cmax[full] = lo, hi
	}
}

// insertBits inserts u into sel[:filled], ascending, keeping at most
// len(sel) values (the smallest), and returns the new count.
func insertBits(sel []uint32, filled int, u uint32) int {
	n := len(sel)
	if filled == n {
		if u >= sel[n-1] {
			return filled
		}
		filled--
	}
	j := filled
	for j > 0 && sel[j-1] > u {
		sel[j] = sel[j-1]
		j--
	}
	sel[j] = u
	return filled + 1
}

// nthSmallest returns the n-th smallest value of x (1 ≤ n ≤ len(x)),
// using sel (at least n long) as scratch. It visits x from its end:
// spectra mostly fall with frequency, so for chunk minima the smallest
// values come first and later ones are rarely inserted.
func nthSmallest(sel, x []uint32, n int) uint32 {
	sel = sel[:n]
	filled := 0
	for i := len(x) - 1; i >= 0; i-- {
		filled = insertBits(sel, filled, x[i])
	}
	return sel[n-1]
}

// smallest returns the mean of the n smallest values of v (n ≤ len(v)),
// given the minimum of each of its chunks. The n-th smallest chunk minimum
// bounds the n-th smallest value (each of those n chunks holds a value at
// or below it): the values within the bound, from the few chunks whose
// minimum is, are gathered and the n smallest of them summed.
func (c *contrastScratch) smallest(v []float32, cmin []uint32, n int) float64 {
	bound := nthSmallest(c.sel, cmin, n)
	cand, k := c.cand, 0
	for i, m := range cmin {
		if m > bound {
			continue
		}
		for _, x := range v[i*contrastChunk : min(len(v), (i+1)*contrastChunk)] {
			u := math.Float32bits(x)
			cand[k] = u
			if u <= bound { // compiled to a flag set: keep it
				k++
			}
		}
	}
	return c.meanOfSmallest(cand[:k], n)
}

// largest returns the mean of the n largest values of v, given the maximum
// of each of its chunks: smallest on the complements ^x, which order the
// other way.
func (c *contrastScratch) largest(v []float32, cmax []uint32, n int) float64 {
	cm := c.cneg[:len(cmax)]
	for i, m := range cmax {
		cm[i] = ^m
	}
	// Visited from the end by nthSmallest: reverse, so that the low
	// (mostly largest) chunks come first.
	for i, j := 0, len(cm)-1; i < j; i, j = i+1, j-1 {
		cm[i], cm[j] = cm[j], cm[i]
	}
	bound := nthSmallest(c.sel, cm, n)
	cand, k := c.cand, 0
	last := len(cm) - 1
	for i := range cm {
		if cm[last-i] > bound {
			continue
		}
		for _, x := range v[i*contrastChunk : min(len(v), (i+1)*contrastChunk)] {
			u := ^math.Float32bits(x)
			cand[k] = u
			if u <= bound {
				k++
			}
		}
	}
	sum := c.sumOfSmallest(cand[:k], n, true)
	return sum / float64(n)
}

// meanOfSmallest returns the mean of the n smallest float32 values whose
// bit patterns are in cand (at least n).
func (c *contrastScratch) meanOfSmallest(cand []uint32, n int) float64 {
	return c.sumOfSmallest(cand, n, false) / float64(n)
}

// sumOfSmallest returns the sum of the values of the n smallest of cand
// (bit patterns of float32 values, or their complements if complemented),
// in ascending order of cand. Up to 32 candidates are ranked by counting,
// without branches on the data; more (many equal values) are selected by
// insertion.
func (c *contrastScratch) sumOfSmallest(cand []uint32, n int, complemented bool) float64 {
	value := func(u uint32) float64 {
		if complemented {
			u = ^u
		}
		return float64(math.Float32frombits(u))
	}
	if len(cand) > 32 {
		sel := c.sel[:n]
		filled := 0
		for _, u := range cand {
			filled = insertBits(sel, filled, u)
		}
		var s float64
		for _, u := range sel {
			s += value(u)
		}
		return s
	}
	// Distinct keys (value, position): the rank of each candidate is the
	// number of keys below its own.
	keys := c.keys[:len(cand)]
	for i, u := range cand {
		keys[i] = uint64(u)<<5 | uint64(i)
	}
	sel := c.sel[:n]
	for _, ki := range keys {
		r := 0
		for _, kj := range keys {
			if kj < ki {
				r++
			}
		}
		if r < n {
			sel[r] = uint32(ki >> 5)
		}
	}
	var s float64
	for _, u := range sel {
		s += value(u)
	}
	return s
}

// contrastMeans converts the peak and valley matrices (frames × bands,
// frame by frame; both are overwritten) to dB as librosa does and writes
// the mean contrast of each band into dst.
func contrastMeans(dst, peak, valley []float64, bands int) {
	for _, m := range [2][]float64{peak, valley} {
		top := dsp.PowerToDBUnclipped(m, m, 1, params.Amin)
		dsp.ClipBelow(m, top-params.TopDB)
	}
	dst = dst[:bands]
	clear(dst)
	frames := len(peak) / bands
	for t := 0; t < frames; t++ {
		p, v := peak[t*bands:(t+1)*bands], valley[t*bands:(t+1)*bands]
		for k := range dst {
			dst[k] += p[k] - v[k]
		}
	}
	for k := range dst {
		dst[k] /= float64(frames)
	}
}
