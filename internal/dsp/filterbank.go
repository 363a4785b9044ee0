package dsp

import (
	"fmt"
	"math"
)

// Filterbank is a matrix of Rows filters over Cols spectrum bins, applied to
// one spectrum frame at a time. Each row remembers the runs of bins where
// its weights matter, so that sparse banks (mel) cost only their support.
type Filterbank struct {
	// Rows is the number of filters (output values).
	Rows int
	// Cols is the number of spectrum bins a filter reads.
	Cols int
	// Weights holds the filters row by row: weight (r, c) is Weights[r*Cols+c].
	Weights []float64

	runs   []bankRun // the bins Apply reads, row by row
	shape  [3]int    // Rows, Cols and len(Weights) when runs were made (checkRuns)
	top    []float64 // scratch of updateSpans: the largest weight of each bin
	denseT []float64 // banks of 12 dense filters (chroma): Weights bin by bin, for Apply32's vector kernel
}

// dense12 is the number of filters of the banks that Apply32 applies with a
// dense vector kernel when the CPU has one: the chroma bank, whose weights
// are significant in most of its bins.
const dense12 = 12

// bankRun is a run of consecutive bins [lo, hi) of one row whose weights
// Apply uses.
type bankRun struct {
	row, lo, hi int
	woff        int // index in the weights of the run's first weight
}

// negligibleWeight is the size, relative to the largest weight of its bin,
// below which Apply skips a weight. A chroma filter's weights fall off as a
// Gaussian of the distance in semitones and reach 1e-12 of the bin's
// largest about 3.7 semitones away; skipping them leaves out about a third
// of the chroma bank's products and moves each output by less than 1e-12
// of the bin's contribution, far below float32 rounding (6e-8), the
// precision of librosa's own spectrogram. Mel filters are exactly zero
// outside their triangles, so their outputs do not change at all.
const negligibleWeight = 1e-12

// newFilterbank allocates a zero bank.
func newFilterbank(rows, cols int) *Filterbank {
	return &Filterbank{
		Rows:    rows,
		Cols:    cols,
		Weights: make([]float64, rows*cols),
	}
}

// At returns weight (r, c).
func (f *Filterbank) At(r, c int) float64 { return f.Weights[r*f.Cols+c] }

// Row returns the weights of filter r (a view into Weights).
func (f *Filterbank) Row(r int) []float64 { return f.Weights[r*f.Cols : (r+1)*f.Cols] }

// updateSpans recomputes the runs of every row: the maximal runs of bins
// whose weight is non-zero and larger than negligibleWeight times the
// largest weight of its bin.
func (f *Filterbank) updateSpans() {
	f.runs = f.runs[:0]
	if len(f.top) != f.Cols {
		f.top = make([]float64, f.Cols)
	}
	top := f.top
	clear(top)
	for r := 0; r < f.Rows; r++ {
		for c, w := range f.Row(r) {
			top[c] = max(top[c], math.Abs(w))
		}
	}
	if f.Rows == dense12 && hasGemv12T() {
		if len(f.denseT) != f.Rows*f.Cols {
			f.denseT = make([]float64, f.Rows*f.Cols)
		}
		for r := 0; r < f.Rows; r++ {
			for c, w := range f.Row(r) {
				f.denseT[c*f.Rows+r] = w
			}
		}
	}
	for r := 0; r < f.Rows; r++ {
		start := -1
		for c, w := range f.Row(r) {
			keep := w != 0 && math.Abs(w) > negligibleWeight*top[c]
			switch {
			case keep && start < 0:
				start = c
			case !keep && start >= 0:
				f.runs = append(f.runs, bankRun{r, start, c, r*f.Cols + start})
				start = -1
			}
		}
		if start >= 0 {
			f.runs = append(f.runs, bankRun{r, start, f.Cols, r*f.Cols + start})
		}
	}
	checkRuns(f.Rows, len(f.Weights), f.Cols, f.runs)
	f.shape = [3]int{f.Rows, f.Cols, len(f.Weights)}
}

// Apply writes the filter outputs dst[r] = Σ_c W[r,c]·x[c] for one spectrum
// frame x (length Cols) into dst (length Rows; nil allocates) and returns
// it. Weights below negligibleWeight of their bin's largest are skipped.
func (f *Filterbank) Apply(dst, x []float64) []float64 {
	if len(x) != f.Cols {
		panic(fmt.Sprintf("dsp: filterbank input has %d bins, want %d", len(x), f.Cols))
	}
	if dst == nil {
		dst = make([]float64, f.Rows)
	}
	dst = dst[:f.Rows]
	if f.shape != [3]int{f.Rows, f.Cols, len(f.Weights)} {
		panic("dsp: filterbank resized after it was built")
	}
	clear(dst)
	applyRuns(dst, f.Weights, x, f.runs)
	return dst
}

// Apply32 is Apply for a float32 spectrum frame x, widened to float64 as
// it is read: the outputs are those of Apply on the widened frame, up to
// the order of summation (a bank of 12 filters, the chroma, is applied
// whole, negligible weights included, by a vector kernel where the CPU
// has one).
func (f *Filterbank) Apply32(dst []float64, x []float32) []float64 {
	if len(x) != f.Cols {
		panic(fmt.Sprintf("dsp: filterbank input has %d bins, want %d", len(x), f.Cols))
	}
	if dst == nil {
		dst = make([]float64, f.Rows)
	}
	dst = dst[:f.Rows]
	if f.shape != [3]int{f.Rows, f.Cols, len(f.Weights)} {
		panic("dsp: filterbank resized after it was built")
	}
	if f.denseT != nil {
		// All the weights, negligible ones included (see Apply).
		gemv12TAVX(dst, f.denseT, x)
		return dst
	}
	clear(dst)
	for _, run := range f.runs {
		base := run.row * f.Cols
		dst[run.row] += dot32(f.Weights[base+run.lo:base+run.hi], x[run.lo:run.hi])
	}
	return dst
}

// FFTFrequencies writes the centre frequency in Hz of each of the n/2+1
// non-negative bins of an n-point transform at sample rate sr into dst
// (length n/2+1; nil allocates) and returns it.
func FFTFrequencies(dst []float64, sr float64, n int) []float64 {
	if dst == nil {
		dst = make([]float64, n/2+1)
	}
	for k := range dst {
		dst[k] = float64(k) * sr / float64(n)
	}
	return dst
}

// Slaney's auditory-toolbox mel scale: linear (3 mels per 200 Hz) below
// 1 kHz, logarithmic above with 27 mels per factor 6.4.
const (
	melLinearHzPerMel = 200.0 / 3
	melBreakHz        = 1000.0
	melBreak          = melBreakHz / melLinearHzPerMel
)

var melLogStep = math.Log(6.4) / 27

// HzToMel converts a frequency in Hz to Slaney mels.
func HzToMel(hz float64) float64 {
	if hz >= melBreakHz {
		return melBreak + math.Log(hz/melBreakHz)/melLogStep
	}
	return hz / melLinearHzPerMel
}

// MelToHz converts Slaney mels to a frequency in Hz.
func MelToHz(mel float64) float64 {
	if mel >= melBreak {
		return melBreakHz * math.Exp(melLogStep*(mel-melBreak))
	}
	return mel * melLinearHzPerMel
}

// NewMelFilterbank returns nMels triangular filters over the n/2+1 bins of an
// n-point transform at sample rate sr, with band edges equally spaced on the
// Slaney mel scale between fmin and fmax (nMels+2 points; filter r rises from
// edge r to edge r+1 and falls to edge r+2), each scaled by 2/(width in Hz)
// so that all filters have the same area (Slaney normalisation). These are
// the defaults of librosa.filters.mel.
func NewMelFilterbank(sr float64, n, nMels int, fmin, fmax float64) (*Filterbank, error) {
	switch {
	case sr <= 0 || n < 2 || nMels < 1:
		return nil, fmt.Errorf("dsp: mel filterbank: bad sizes sr=%g n=%d nMels=%d", sr, n, nMels)
	case fmin < 0 || fmax <= fmin || fmax > sr/2:
		return nil, fmt.Errorf("dsp: mel filterbank: bad band [%g, %g] Hz at sr=%g", fmin, fmax, sr)
	}
	bins := n/2 + 1
	freqs := FFTFrequencies(nil, sr, n)
	edges := make([]float64, nMels+2)
	lo, hi := HzToMel(fmin), HzToMel(fmax)
	for i := range edges {
		edges[i] = MelToHz(lo + (hi-lo)*float64(i)/float64(nMels+1))
	}
	fb := newFilterbank(nMels, bins)
	for r := 0; r < nMels; r++ {
		left, centre, right := edges[r], edges[r+1], edges[r+2]
		scale := 2 / (right - left)
		row := fb.Row(r)
		for c, f := range freqs {
			up := (f - left) / (centre - left)
			down := (right - f) / (right - centre)
			w := math.Min(up, down)
			if w > 0 {
				row[c] = w * scale
			}
		}
	}
	fb.updateSpans()
	return fb, nil
}

// HzToOctaves converts a frequency in Hz to octaves above C0 of a scale whose
// A4 is 440·2^(tuning/binsPerOctave) Hz (A4 lies 4.75 octaves above C0).
func HzToOctaves(hz, tuning float64, binsPerOctave int) float64 {
	a4 := 440 * math.Exp2(tuning/float64(binsPerOctave))
	return math.Log2(hz / (a4 / 16))
}

// NewChromaFilterbank returns nChroma pitch-class filters over the n/2+1
// bins of an n-point transform at sample rate sr, following Ellis's chroma
// recipe as librosa.filters.chroma does with base_c and norm 2: every FFT
// bin k ≥ 1 is placed at its (fractional) pitch-class position, tuning
// (in fractions of a chroma bin) shifting the reference A4; bin 0 is put 1.5
// octaves below bin 1. Each pitch class receives a Gaussian bump around the
// bin's position whose width follows the bin's spacing in chroma bins (at
// least one), the columns are normalised to unit Euclidean norm over the
// pitch classes, weighted by a Gaussian over octaves centred on ctroct with
// standard deviation octwidth, and the rows are rotated so that row 0 is C.
// The weights are built over all n bins of the full transform and then cut to
// the n/2+1 non-negative ones.
func NewChromaFilterbank(sr float64, n, nChroma int, tuning, ctroct, octwidth float64) (*Filterbank, error) {
	if sr <= 0 || n < 2 || nChroma < 1 {
		return nil, fmt.Errorf("dsp: chroma filterbank: bad sizes sr=%g n=%d nChroma=%d", sr, n, nChroma)
	}
	fb := newFilterbank(nChroma, n/2+1)
	if err := fb.setChroma(sr, n, nChroma, tuning, ctroct, octwidth); err != nil {
		return nil, err
	}
	return fb, nil
}

// SetChromaTuning recomputes, in place and without allocating, the weights of
// a chroma bank built by NewChromaFilterbank for another tuning.
func (f *Filterbank) SetChromaTuning(sr float64, n int, tuning, ctroct, octwidth float64) error {
	if f.Cols != n/2+1 {
		return fmt.Errorf("dsp: chroma bank has %d bins, transform size %d needs %d", f.Cols, n, n/2+1)
	}
	return f.setChroma(sr, n, f.Rows, tuning, ctroct, octwidth)
}

func (f *Filterbank) setChroma(sr float64, n, nChroma int, tuning, ctroct, octwidth float64) error {
	if math.IsNaN(tuning) || math.IsInf(tuning, 0) {
		return fmt.Errorf("dsp: chroma filterbank: tuning %g", tuning)
	}
	nc := float64(nChroma)
	half := math.Round(nc / 2)
	roll := 3 * (nChroma / 12) // row shift that puts C first
	// position returns the pitch-class position of bin k (k ≤ n/2 only is
	// needed, but bin k+1 defines the width of bin k).
	position := func(k int) float64 {
		if k == 0 {
			return position1(sr, n, nc, tuning, nChroma) - 1.5*nc
		}
		return nc * HzToOctaves(float64(k)*sr/float64(n), tuning, nChroma)
	}
	next := position(0)
	for k := 0; k < f.Cols; k++ {
		p := next
		width := 1.0
		if k+1 < n {
			next = position(k + 1)
			width = math.Max(next-p, 1)
		}
		// The distance to pitch class c, wrapped into [−half, nc−half):
		// one remainder per bin, then a step down per class (the classes
		// are whole numbers apart).
		base := math.Mod(p+half+10*nc, nc)
		if base < 0 {
			base += nc
		}
		var norm float64
		for c := 0; c < nChroma; c++ {
			d := base - float64(c)
			if d < 0 {
				d += nc
			}
			d -= half
			w := math.Exp(-0.5 * (2 * d / width) * (2 * d / width))
			f.Weights[c*f.Cols+k] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		octave := math.Exp(-0.5 * ((p/nc - ctroct) / octwidth) * ((p/nc - ctroct) / octwidth))
		if norm == 0 {
			norm = 1
		}
		// Write the column rotated so that row 0 is C.
		var col [64]float64
		tmp := col[:0]
		if nChroma > len(col) {
			tmp = make([]float64, nChroma)
		} else {
			tmp = col[:nChroma]
		}
		for c := 0; c < nChroma; c++ {
			tmp[c] = f.Weights[c*f.Cols+k] / norm * octave
		}
		for c := 0; c < nChroma; c++ {
			f.Weights[c*f.Cols+k] = tmp[((c+roll)%nChroma+nChroma)%nChroma]
		}
	}
	f.updateSpans()
	return nil
}

// position1 is the chroma position of bin 1.
func position1(sr float64, n int, nc, tuning float64, nChroma int) float64 {
	return nc * HzToOctaves(sr/float64(n), tuning, nChroma)
}
