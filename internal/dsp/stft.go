package dsp

import (
	"fmt"
	"math"
)

// STFT is a plan for the centred short-time Fourier transform with a periodic
// Hann window and its inverse. Frame t covers the samples [t·hop − n/2,
// t·hop + n/2) of the signal, which is extended beyond its ends by reflection
// about the first and last samples (… x2 x1 | x0 x1 x2 … and likewise at the
// end), so a signal of m samples has 1 + m/hop frames. Spectrogram matrices
// are stored frame by frame: entry (t, k) of a matrix with Bins() bins per
// frame is at index t·Bins()+k. It is not safe for concurrent use.
type STFT struct {
	n, hop int
	window []float64
	wsq    []float64 // the squared window, for the inverse's normalisation
	full   []float64 // full[r]: the sum of wsq over all frames covering a position ≡ r (mod hop)
	divs   []float64 // full[r], or 1 where that is negligible (NormalizeOverlapAt leaves those samples)
	rfft   *RFFT
	frame  []float64
	masked []complex128 // one masked frame of the inverse
}

// NewSTFT returns a plan for frames of n samples (a power of two ≥ 2) taken
// every hop samples (1 ≤ hop ≤ n).
func NewSTFT(n, hop int) (*STFT, error) {
	if hop < 1 || hop > n {
		return nil, fmt.Errorf("dsp: STFT hop %d outside [1, %d]", hop, n)
	}
	r, err := NewRFFT(n)
	if err != nil {
		return nil, fmt.Errorf("dsp: STFT: %w", err)
	}
	s := &STFT{
		n:      n,
		hop:    hop,
		window: Hann(make([]float64, n)),
		wsq:    make([]float64, n),
		rfft:   r,
		frame:  make([]float64, n),
	}
	for i, w := range s.window {
		s.wsq[i] = w * w
	}
	// A position pos covered by all the frames that can cover it gets
	// wsq[pos − t·hop] from frames t = pos/hop, pos/hop − 1, …, i.e. the
	// window positions r, r + hop, … below n, r = pos mod hop; they are
	// added in frame order (decreasing window position), as
	// NormalizeOverlap adds them at the edges.
	s.full = make([]float64, hop)
	for r := range s.full {
		top := r + (n-1-r)/hop*hop
		var w float64
		for j := top; j >= r; j -= hop {
			w += s.wsq[j]
		}
		s.full[r] = w
	}
	s.divs = make([]float64, hop)
	for r, w := range s.full {
		s.divs[r] = 1 // dividing by 1 is leaving the sample as it is
		if w > overlapTiny {
			s.divs[r] = w
		}
	}
	return s, nil
}

// Size returns the frame length n.
func (s *STFT) Size() int { return s.n }

// Hop returns the hop length.
func (s *STFT) Hop() int { return s.hop }

// Bins returns the number of non-negative frequency bins per frame, n/2+1.
func (s *STFT) Bins() int { return s.n/2 + 1 }

// Window returns the analysis window (owned by the plan; do not modify).
func (s *STFT) Window() []float64 { return s.window }

// Frames returns the number of centred frames of a signal of m samples.
func (s *STFT) Frames(m int) int { return 1 + m/s.hop }

// MinSamples returns the shortest signal the centred transform accepts: the
// reflection padding of n/2 samples needs n/2+1 samples.
func (s *STFT) MinSamples() int { return s.n/2 + 1 }

// Reflect returns the sample at index i of x extended by reflection padding
// about its first and last samples; i must lie within len(x)−1 of the ends.
func Reflect(x []float32, i int) float32 {
	m := len(x)
	if i < 0 {
		return x[-i]
	}
	if i >= m {
		return x[2*(m-1)-i]
	}
	return x[i]
}

// Frame copies the unwindowed centred frame t of x (reflection padded) into
// dst (length n) and returns it.
func (s *STFT) Frame(dst []float64, x []float32, t int) []float64 {
	start := t*s.hop - s.n/2
	if start >= 0 && start+s.n <= len(x) {
		for i, v := range x[start : start+s.n] {
			dst[i] = float64(v)
		}
		return dst
	}
	for i := range dst {
		dst[i] = float64(Reflect(x, start+i))
	}
	return dst
}

// Compute writes the centred STFT of x into dst (Frames(len(x))·Bins()
// values, frame by frame; nil allocates) and returns it. It returns an error
// if x is shorter than MinSamples.
func (s *STFT) Compute(dst []complex128, x []float32) ([]complex128, error) {
	if len(x) < s.MinSamples() {
		return nil, fmt.Errorf("dsp: STFT of %d samples, need at least %d", len(x), s.MinSamples())
	}
	frames, bins := s.Frames(len(x)), s.Bins()
	if dst == nil {
		dst = make([]complex128, frames*bins)
	} else if len(dst) != frames*bins {
		return nil, fmt.Errorf("dsp: STFT destination has %d values, want %d", len(dst), frames*bins)
	}
	for t := 0; t < frames; t++ {
		s.ComputeFrame(dst[t*bins:(t+1)*bins], x, t)
	}
	return dst, nil
}

// ComputeFrame writes frame t of the centred STFT of x into dst (Bins()
// values) and returns it: one frame of Compute, for callers that process
// the transform frame by frame. x must hold at least MinSamples samples
// and t lie in [0, Frames(len(x))).
func (s *STFT) ComputeFrame(dst []complex128, x []float32, t int) []complex128 {
	f := s.frame
	if start := t*s.hop - s.n/2; start >= 0 && start+s.n <= len(x) {
		// Inside x: copy and window in one pass.
		window(f, x[start:start+s.n], s.window)
	} else {
		s.Frame(f, x, t)
		for i, w := range s.window {
			f[i] *= w
		}
	}
	return s.rfft.Coefficients(dst, f)
}

// Interior reports whether frame t of a signal of m samples lies wholly
// inside the signal, so that it does not depend on how the signal is
// padded: t·hop ≥ n/2 and t·hop + n/2 ≤ m. Only the first ⌈n/(2·hop)⌉
// frames and the last few are not interior.
func (s *STFT) Interior(t, m int) bool {
	start := t*s.hop - s.n/2
	return start >= 0 && start+s.n <= m
}

// FrameZero is Frame with the signal extended by zeros instead of by
// reflection (numpy's "constant" padding, librosa 0.10's default).
func (s *STFT) FrameZero(dst []float64, x []float32, t int) []float64 {
	start := t*s.hop - s.n/2
	dst = dst[:s.n]
	for i := range dst {
		j := start + i
		if j >= 0 && j < len(x) {
			dst[i] = float64(x[j])
		} else {
			dst[i] = 0
		}
	}
	return dst
}

// ComputeFrameZero is ComputeFrame with the signal extended by zeros
// instead of by reflection: frame t of librosa 0.10's default centred STFT
// (pad_mode "constant"). Interior frames (see Interior) are the same as
// ComputeFrame's, bit for bit. x must hold at least one sample.
func (s *STFT) ComputeFrameZero(dst []complex128, x []float32, t int) []complex128 {
	if s.Interior(t, len(x)) {
		return s.ComputeFrame(dst, x, t)
	}
	f := s.FrameZero(s.frame, x, t)
	for i, w := range s.window {
		f[i] *= w
	}
	return s.rfft.Coefficients(dst, f)
}

// Magnitude writes |z| of every value of spec into dst (same length; nil
// allocates) and returns it.
func Magnitude(dst []float64, spec []complex128) []float64 {
	if dst == nil {
		dst = make([]float64, len(spec))
	}
	for i, v := range spec[:len(dst)] {
		dst[i] = math.Hypot(real(v), imag(v))
	}
	return dst
}

// Power writes |z|² of every value of spec into dst (same length; nil
// allocates) and returns it.
func Power(dst []float64, spec []complex128) []float64 {
	if dst == nil {
		dst = make([]float64, len(spec))
	}
	for i, v := range spec[:len(dst)] {
		dst[i] = real(v)*real(v) + imag(v)*imag(v)
	}
	return dst
}

// Inverse writes into dst (length m; nil allocates) the signal of m samples
// whose centred STFT is spec (frame by frame, Bins() values per frame): each
// frame is inverse transformed, windowed again and overlap-added, the sum is
// divided by the overlap-added squared window wherever that is not
// negligible, and the result is trimmed by n/2 at the start and cut or
// zero-extended to m samples. This is the least-squares inverse of Compute
// (librosa.istft with centre and length).
func (s *STFT) Inverse(dst []float64, spec []complex128, m int) ([]float64, error) {
	return s.InverseMasked(dst, spec, nil, m)
}

// InverseMasked is Inverse of the spectrogram spec·mask (element by element;
// mask has one real gain per value of spec, or is nil for none), without
// materialising the product.
func (s *STFT) InverseMasked(dst []float64, spec []complex128, mask []float64, m int) ([]float64, error) {
	bins := s.Bins()
	if len(spec)%bins != 0 || len(spec) == 0 {
		return nil, fmt.Errorf("dsp: inverse STFT of %d values, not a whole number of %d-bin frames", len(spec), bins)
	}
	if m < 0 {
		return nil, fmt.Errorf("dsp: inverse STFT length %d is negative", m)
	}
	if mask != nil && len(mask) != len(spec) {
		return nil, fmt.Errorf("dsp: inverse STFT mask has %d values, spectrogram %d", len(mask), len(spec))
	}
	if dst == nil {
		dst = make([]float64, m)
	} else if len(dst) != m {
		return nil, fmt.Errorf("dsp: inverse STFT destination has %d samples, want %d", len(dst), m)
	}
	frames := len(spec) / bins
	clear(dst)
	for t := 0; t < frames; t++ {
		in := spec[t*bins : (t+1)*bins]
		if mask != nil {
			if len(s.masked) != bins {
				s.masked = make([]complex128, bins)
			}
			g := mask[t*bins : (t+1)*bins]
			for k, v := range in {
				s.masked[k] = complex(real(v)*g[k], imag(v)*g[k])
			}
			in = s.masked
		}
		s.AddFrame(dst, in, t)
	}
	s.NormalizeOverlap(dst, frames)
	return dst, nil
}

// AddFrame adds the windowed inverse transform of frame (Bins() values),
// taken as frame t of a centred STFT, to the signal being resynthesised in
// dst: sample i of the frame lands at dst[t·hop − n/2 + i], and samples
// that fall outside dst are dropped. It is the overlap-add step of Inverse,
// for callers that produce the frames one at a time; after all frames,
// NormalizeOverlap completes the inverse.
func (s *STFT) AddFrame(dst []float64, frame []complex128, t int) {
	start, lo, hi := s.frameSpan(t, len(dst))
	if lo >= hi {
		return
	}
	f := s.rfft.Sequence(s.frame, frame)
	mulAdd(dst[start+lo:start+hi], s.window[lo:hi], f[lo:hi])
}

// frameSpan returns the position start of frame t in the output and the
// range [lo, hi) of its samples that land in the output's first limit
// samples (empty when lo ≥ hi).
func (s *STFT) frameSpan(t, limit int) (start, lo, hi int) {
	start = t*s.hop - s.n/2
	lo, hi = 0, s.n
	if start < 0 {
		lo = -start
	}
	if start+hi > limit {
		hi = limit - start
	}
	return start, lo, hi
}

// overlapTiny is the window-square sum below which NormalizeOverlap leaves
// a sample as it is: the smallest normal float32, librosa's threshold.
const overlapTiny = 0x1p-126

// NormalizeOverlap divides each sample of dst, the overlap-added frames
// 0 … frames−1 of AddFrame, by the sum of the squared windows that cover it
// (added in frame order), wherever that sum exceeds the smallest normal
// float32 (librosa's threshold).
func (s *STFT) NormalizeOverlap(dst []float64, frames int) {
	s.NormalizeOverlapAt(dst, 0, frames)
}

// NormalizeOverlapAt is NormalizeOverlap for the part of the output that
// starts at sample from: dst[j] is output sample from+j. It lets callers
// that keep only a window of the output (AddFrameRing) normalise each
// sample once no later frame reaches it.
func (s *STFT) NormalizeOverlapAt(dst []float64, from, frames int) {
	const tiny = overlapTiny
	off := s.n / 2
	edge := func(j int) {
		pos := from + j + off
		// The frames t with t·hop ≤ pos < t·hop + n, in increasing order.
		t0 := 0
		if pos >= s.n {
			t0 = (pos-s.n)/s.hop + 1
		}
		t1 := min(frames-1, pos/s.hop)
		var w float64
		for t := t0; t <= t1; t++ {
			w += s.wsq[pos-t*s.hop]
		}
		if w > tiny {
			dst[j] /= w
		}
	}
	// Between the edges, every frame that can cover a position exists
	// (pos ≥ n−1 and pos/hop ≤ frames−1) and the sum is periodic: full.
	lo := min(len(dst), max(0, s.n-1-off-from))
	hi := max(lo, min(len(dst), frames*s.hop-off-from))
	for j := 0; j < lo; j++ {
		edge(j)
	}
	// One run of the period at a time, divided as a vector.
	r := (from + lo + off) % s.hop
	for j := lo; j < hi; {
		k := min(hi-j, s.hop-r)
		divElems(dst[j:j+k], s.divs[r:r+k])
		j += k
		r = 0
	}
	for j := hi; j < len(dst); j++ {
		edge(j)
	}
}

// AddFrameRing is AddFrame into a ring that holds a window of the output:
// output sample i of the frame (0 ≤ i < limit; the others are dropped) is
// added to ring[i mod len(ring)]. len(ring) must be a power of two of at
// least n. The caller normalises (NormalizeOverlapAt) and clears the
// samples below (t+1)·hop − n/2 before adding frame t+1, which does not
// reach them.
func (s *STFT) AddFrameRing(ring []float64, frame []complex128, t, limit int) {
	if len(ring) < s.n || len(ring)&(len(ring)-1) != 0 {
		panic(fmt.Sprintf("dsp: overlap-add ring of %d samples, want a power of two ≥ %d", len(ring), s.n))
	}
	start, lo, hi := s.frameSpan(t, limit)
	if lo >= hi {
		return
	}
	f := s.rfft.Sequence(s.frame, frame)
	a := (start + lo) & (len(ring) - 1)
	n1 := min(hi-lo, len(ring)-a) // up to the end of the ring, then from its start
	mulAdd(ring[a:a+n1], s.window[lo:lo+n1], f[lo:lo+n1])
	if lo+n1 < hi {
		mulAdd(ring[:hi-lo-n1], s.window[lo+n1:hi], f[lo+n1:hi])
	}
}

// PowerMagnitude writes, for every value z of spec, |z|² into power, |z|
// into mag, and the float32 roundings of both into power32 and mag32. All
// slices must have the length of spec. The results are exactly those of
// the obvious loop (re² + im² without fused multiply-add, then the square
// root), on the vector path too.
func PowerMagnitude(spec []complex128, power, mag []float64, power32, mag32 []float32) {
	n := len(spec)
	if len(power) != n || len(mag) != n || len(power32) != n || len(mag32) != n {
		panic(fmt.Sprintf("dsp: PowerMagnitude of %d values into %d, %d, %d, %d", n, len(power), len(mag), len(power32), len(mag32)))
	}
	powerMag(spec, power, mag, power32, mag32)
}

// powerMagGo is the loop PowerMagnitude computes.
func powerMagGo(spec []complex128, p, mag []float64, p32, m32 []float32) {
	p, mag, p32, m32 = p[:len(spec)], mag[:len(spec)], p32[:len(spec)], m32[:len(spec)]
	for k, v := range spec {
		// The conversions round each square (no fused multiply-add),
		// as the vector kernel does.
		pw := float64(real(v)*real(v)) + float64(imag(v)*imag(v))
		p[k] = pw
		p32[k] = float32(pw)
		mg := math.Sqrt(pw)
		mag[k] = mg
		m32[k] = float32(mg)
	}
}
