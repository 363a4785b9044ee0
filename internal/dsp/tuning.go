package dsp

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Tuner estimates the tuning deviation of a recording from A440, in
// fractions of a bin of a binsPerOctave-bin pitch scale, the way
// librosa.estimate_tuning does:
//
//  1. Pitch tracking on a spectrogram: in every frame, the bins between fmin
//     (inclusive) and fmax (exclusive) that exceed threshold times the frame's
//     maximum and are local maxima over frequency (strictly above the bin
//     below, at least the bin above) give a peak; parabolic interpolation of
//     the bin and its two neighbours refines its frequency and magnitude.
//  2. Peaks whose interpolated magnitude is at least the median over all
//     peaks are kept.
//  3. Each kept frequency's deviation from the nearest pitch of the scale is
//     histogrammed over [−0.5, 0.5) in steps of resolution; the left edge of
//     the fullest bin is the estimate (0 if there are no peaks).
//
// The deviation arithmetic is rounded to float32 as librosa's is. A Tuner
// owns its scratch memory and is not safe for concurrent use.
type Tuner struct {
	sr            float64
	n             int
	fmin, fmax    float64
	threshold     float64
	binsPerOctave int
	kLo, kHi      int // the bins of [fmin, fmax)

	edges  []float64
	counts []int
	pitch  []float64
	mag    []float64
	sorted []float64
	peaks  []uint64 // bins above the frame's threshold, 64 to a word
}

// NewTuner returns a Tuner for spectrograms of an n-point transform at sample
// rate sr.
func NewTuner(sr float64, n int, fmin, fmax, threshold, resolution float64, binsPerOctave int) (*Tuner, error) {
	switch {
	case sr <= 0 || n < 4:
		return nil, fmt.Errorf("dsp: tuner: bad sizes sr=%g n=%d", sr, n)
	case !(resolution > 0 && resolution <= 1):
		return nil, fmt.Errorf("dsp: tuner: resolution %g outside (0, 1]", resolution)
	case binsPerOctave < 1:
		return nil, fmt.Errorf("dsp: tuner: %d bins per octave", binsPerOctave)
	}
	num := int(math.Ceil(1 / resolution))
	if num < 2 {
		num = 2
	}
	t := &Tuner{
		sr: sr, n: n,
		fmin: math.Max(fmin, 0), fmax: math.Min(fmax, sr/2),
		threshold: threshold, binsPerOctave: binsPerOctave,
		edges:  make([]float64, num),
		counts: make([]int, num-1),
	}
	step := 1 / float64(num)
	for i := range t.edges {
		t.edges[i] = float64(i)*step - 0.5
	}
	// Bins whose frequency lies in [fmin, fmax).
	bins := n/2 + 1
	t.kLo = int(math.Ceil(t.fmin * float64(n) / sr))
	for t.kLo > 0 && float64(t.kLo-1)*sr/float64(n) >= t.fmin {
		t.kLo--
	}
	t.kHi = t.kLo
	for t.kHi < bins && float64(t.kHi)*sr/float64(n) < t.fmax {
		t.kHi++
	}
	return t, nil
}

// Estimate returns the tuning estimated from spec, a frames×(n/2+1)
// spectrogram stored frame by frame (librosa's chroma_stft passes the power
// spectrogram). It is Reset, AddFrame for every frame, then Result.
func (t *Tuner) Estimate(spec []float64, frames int) (float64, error) {
	bins := t.n/2 + 1
	if frames < 1 || len(spec) != frames*bins {
		return 0, fmt.Errorf("dsp: tuning of %d values as %d frames of %d bins", len(spec), frames, bins)
	}
	t.Reset()
	for f := 0; f < frames; f++ {
		t.AddFrame(spec[f*bins : (f+1)*bins])
	}
	return t.Result(), nil
}

// Reset forgets the frames added so far, to start a new recording.
func (t *Tuner) Reset() {
	t.pitch, t.mag = t.pitch[:0], t.mag[:0]
}

// AddFrame tracks the pitches of one spectrum frame s (n/2+1 bins; it
// panics otherwise): step 1 of the estimate, for callers that produce the
// spectrogram frame by frame. The frame is not retained.
func (t *Tuner) AddFrame(s []float64) {
	bins := t.n/2 + 1
	s = s[:bins:bins]
	kLo, kHi := t.kLo, t.kHi
	top := maxOf(s) // the spectra are NaN-free
	ref := t.threshold * top
	// Only bins above the threshold can be peaks (the gated values are
	// ≥ 0, and a bin gated to 0 is not above its left neighbour): find
	// them a word of 64 bins at a time, then visit their set bits.
	t.peaks = growSlice(t.peaks, (bins+63)/64)
	above(t.peaks, s, ref)
	for w, m := range t.peaks {
		for ; m != 0; m &= m - 1 {
			k := w*64 + bits.TrailingZeros64(m)
			if k < kLo || k >= kHi {
				continue
			}
			t.addPeak(s, k, ref)
		}
	}
}

// addPeak records bin k of the frame s (above ref) as a pitch if it is a
// peak of the gated spectrum: above its left neighbour and not below its
// right one (bins beyond the ends repeat the end bins).
func (t *Tuner) addPeak(s []float64, k int, ref float64) {
	bins := len(s)
	z := s[k]
	if k == 0 || !(z > gatedBin(s, k-1, ref)) || !(z >= gatedBin(s, min(k+1, bins-1), ref)) {
		return
	}
	var shift, skew float64
	if k < bins-1 {
		avg := 0.5 * (s[k+1] - s[k-1])
		curv := 2*s[k] - s[k+1] - s[k-1]
		if math.Abs(curv) < 0x1p-126 {
			curv++
		}
		shift = avg / curv
		skew = 0.5 * avg * shift
	}
	p := (float64(k) + shift) * t.sr / float64(t.n)
	if p > 0 {
		t.pitch = append(t.pitch, p)
		t.mag = append(t.mag, s[k]+skew)
	}
}

// gatedBin returns s[k] if it is above ref, else 0.
func gatedBin(s []float64, k int, ref float64) float64 {
	if s[k] > ref {
		return s[k]
	}
	return 0
}

// Result returns the tuning estimated from the frames added since the last
// Reset (steps 2 and 3; 0 if no peak was tracked).
func (t *Tuner) Result() float64 {
	if len(t.pitch) == 0 {
		return 0
	}
	t.sorted = append(t.sorted[:0], t.mag...)
	slices.Sort(t.sorted)
	m := len(t.sorted)
	median := t.sorted[m/2]
	if m%2 == 0 {
		median = 0.5 * (t.sorted[m/2-1] + t.sorted[m/2])
	}
	clear(t.counts)
	last := len(t.edges) - 1
	any := false
	for i, p := range t.pitch {
		if t.mag[i] < median {
			continue
		}
		r := t.deviation(p)
		if r < t.edges[0] || r > t.edges[last] {
			continue
		}
		j := sort.SearchFloat64s(t.edges, r) // first edge ≥ r
		if j == len(t.edges) || t.edges[j] > r {
			j--
		}
		if j == last {
			j--
		}
		t.counts[j]++
		any = true
	}
	if !any {
		return 0
	}
	best := 0
	for j, c := range t.counts {
		if c > t.counts[best] {
			best = j
		}
	}
	return t.edges[best]
}

// ResultWith returns the tuning estimated from the frames added to t and
// to other since their last Reset, as if they had all been added to one
// Tuner (the estimate does not depend on the order of the frames). It lets
// two analyses that share most frames track the shared ones once. other
// must have the parameters of t; neither is changed.
func (t *Tuner) ResultWith(other *Tuner) float64 {
	if other == nil || len(other.pitch) == 0 {
		return t.Result()
	}
	n := len(t.pitch)
	t.pitch = append(t.pitch, other.pitch...)
	t.mag = append(t.mag, other.mag...)
	r := t.Result()
	t.pitch, t.mag = t.pitch[:n], t.mag[:n]
	return r
}

// deviation returns the signed distance, in [−0.5, 0.5) scale bins, of
// frequency f from the nearest pitch of the A440 scale, rounded through
// float32 like librosa's computation.
func (t *Tuner) deviation(f float64) float64 {
	f32 := float32(f)
	oct := float32(math.Log2(float64(f32 / float32(440.0/16))))
	x := float32(t.binsPerOctave) * oct
	r := float32(math.Mod(float64(x), 1))
	if r < 0 {
		r++
	}
	if r >= 0.5 {
		r--
	}
	return float64(r)
}
