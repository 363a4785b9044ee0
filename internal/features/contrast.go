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

// contrastScratch holds the spectral contrast's bands and the running
// selections of one band.
type contrastScratch struct {
	bands  []contrastBand
	lo, hi []float32 // the idx smallest (ascending) and largest (ascending) so far
}

// newContrast returns the contrast of the recipe of internal/params.
func newContrast() (*contrastScratch, error) {
	bands, err := contrastBands(params.SampleRate, params.NFFT, params.ContrastFMin,
		params.ContrastBands, params.ContrastQuantile)
	if err != nil {
		return nil, err
	}
	most := 0
	for _, b := range bands {
		most = max(most, b.idx)
	}
	return &contrastScratch{bands: bands, lo: make([]float32, most), hi: make([]float32, most)}, nil
}

// frame writes the peak and valley of each band of the magnitude frame mag
// into peak and valley (one value per band).
func (c *contrastScratch) frame(peak, valley []float64, mag []float32) {
	peak, valley = peak[:len(c.bands)], valley[:len(c.bands)]
	for k, b := range c.bands {
		v := mag[b.lo:b.hi]
		if b.idx == 1 {
			lo, hi := v[0], v[0]
			for _, x := range v[1:] {
				lo = min(lo, x)
				hi = max(hi, x)
			}
			peak[k], valley[k] = float64(hi), float64(lo)
			continue
		}
		peak[k], valley[k] = c.extremes(v, b.idx)
	}
}

// extremes returns the means of the n largest and the n smallest values of
// v (1 < n ≤ len(v), n ≤ len(c.lo)): a partial selection that keeps the n
// smallest and the n largest seen so far in order, by insertion.
func (c *contrastScratch) extremes(v []float32, n int) (peak, valley float64) {
	lo, hi := c.lo[:n], c.hi[:n]
	for i, x := range v[:n] { // insertion sort of the first n
		j := i
		for j > 0 && lo[j-1] > x {
			lo[j] = lo[j-1]
			j--
		}
		lo[j] = x
	}
	copy(hi, lo)
	loTop, hiBottom := lo[n-1], hi[0]
	for _, x := range v[n:] {
		if x < loTop {
			j := n - 1
			for j > 0 && lo[j-1] > x {
				lo[j] = lo[j-1]
				j--
			}
			lo[j] = x
			loTop = lo[n-1]
		}
		if x > hiBottom {
			j := 0
			for j+1 < n && hi[j+1] < x {
				hi[j] = hi[j+1]
				j++
			}
			hi[j] = x
			hiBottom = hi[0]
		}
	}
	var sl, sh float64
	for i := range lo {
		sl += float64(lo[i])
		sh += float64(hi[i])
	}
	return sh / float64(n), sl / float64(n)
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
