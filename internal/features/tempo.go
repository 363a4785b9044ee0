package features

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/genrec/genrec/internal/dsp"
)

// The defaults of librosa's global tempo estimator (librosa.beat.tempo,
// later librosa.feature.tempo, as called by librosa.beat.beat_track).
const (
	// TempoStartBPM is the centre of the tempo prior, in BPM.
	TempoStartBPM = 120.0

	// TempoStdOctaves is the standard deviation of the prior, in octaves
	// (log2 BPM).
	TempoStdOctaves = 1.0

	// TempoACSeconds is the length of the autocorrelation window, in
	// seconds (librosa ac_size).
	TempoACSeconds = 8.0

	// TempoMaxBPM is the exclusive upper limit of the estimated tempo.
	TempoMaxBPM = 320.0
)

// smallestNormal is the smallest positive normal float64, numpy's
// finfo(float64).tiny, the threshold of librosa.util.normalize.
const smallestNormal = 0x1p-1022

// ErrTempoParams reports a sample rate or hop length for which no tempo
// can be estimated (non-positive, or an autocorrelation window too short to
// hold a lag below TempoMaxBPM).
var ErrTempoParams = errors.New("features: invalid tempo estimator parameters")

// TempoFrequency returns the tempo, in BPM, of an autocorrelation lag of
// lag frames at sr Hz and hop samples per frame: 60·sr/(hop·lag), +Inf for
// lag 0 (librosa.tempo_frequencies).
func TempoFrequency(lag, sr, hop int) float64 {
	if lag == 0 {
		return math.Inf(1)
	}
	return 60.0 * float64(sr) / (float64(hop) * float64(lag))
}

// TempoEstimator estimates the global tempo of an onset strength envelope
// the way librosa (0.7.1 and later; the GTZAN table's tempo column) does:
//
//  1. Autocorrelation tempogram (librosa.feature.tempogram): the envelope
//     is padded by win/2 frames on each side with linear ramps from 0 to
//     its edge values (np.pad mode 'linear_ramp', end values 0); for every
//     original frame t the win frames starting at padded index t are
//     multiplied by a periodic Hann window and autocorrelated for lags
//     0…win−1; each frame's autocorrelation is divided by its maximum
//     absolute value (norm=inf; frames that are all zero stay zero). win is
//     the number of whole frames in TempoACSeconds: (8·sr)/hop, 344 at
//     22,050 Hz and hop 512.
//  2. The tempogram is averaged over time.
//  3. Each lag k gets the score log1p(10⁶·mean[k]) + logprior[k], with
//     logprior[k] = −½·((log2 bpm_k − log2 TempoStartBPM)/TempoStdOctaves)²
//     and −Inf for lags whose tempo is not below TempoMaxBPM (lag 0, and at
//     22,050 Hz / hop 512 the lags 1…8).
//  4. The tempo is TempoFrequency of the first lag with the highest score,
//     so it is always lag-quantised: 60·sr/(hop·lag).
//
// Before librosa 0.7.1 step 3 was argmax(mean·prior), with lag 0 mapped to
// TempoStartBPM; since log1p(10⁶x) ≈ log x + log 10⁶ the two agree except
// where the mean tempogram is below about 10⁻⁵.
//
// An envelope with no non-zero value (silence) gives 0 BPM, as
// librosa.beat.beat_track returns for it; librosa.beat.tempo alone would
// return the prior's favourite, TempoFrequency(22) = 117.45… BPM.
//
// The estimator owns all its buffers: after the first call for a given
// envelope length, Estimate does not allocate. It is not safe for
// concurrent use.
type TempoEstimator struct {
	sr, hop  int
	win      int
	window   []float64 // periodic Hann, length win
	logPrior []float64 // per lag, −Inf where excluded
	bpm      []float64 // per lag
	padded   []float64 // ramp-padded envelope
	rfft     *dsp.RFFT // autocorrelation transform, ≥ 2·win points
	frame    []float64 // one windowed frame, zero-padded to the transform
	spec     []complex128
	acc      []float64 // sum of the frames' normalised power spectra
	mean     []float64 // mean tempogram of the last envelope
}

// NewTempoEstimator returns an estimator for envelopes of sr/hop frames per
// second, with librosa's default prior and window.
func NewTempoEstimator(sr, hop int) (est *TempoEstimator, err error) {
	if sr <= 0 || hop <= 0 {
		return nil, fmt.Errorf("%w: sr %d, hop %d", ErrTempoParams, sr, hop)
	}
	// librosa time_to_frames: floor(floor(ac_size·sr) / hop).
	win := int(math.Floor(TempoACSeconds*float64(sr))) / hop
	e := &TempoEstimator{sr: sr, hop: hop, win: win}
	e.window = make([]float64, win)
	for j := range e.window {
		e.window[j] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(j)/float64(win))
	}
	e.logPrior = make([]float64, win)
	e.bpm = make([]float64, win)
	allowed := false
	for k := 0; k < win; k++ {
		e.bpm[k] = TempoFrequency(k, sr, hop)
		if !(e.bpm[k] < TempoMaxBPM) {
			e.logPrior[k] = math.Inf(-1)
			continue
		}
		z := (math.Log2(e.bpm[k]) - math.Log2(TempoStartBPM)) / TempoStdOctaves
		e.logPrior[k] = -0.5 * z * z
		allowed = true
	}
	if !allowed {
		return nil, fmt.Errorf("%w: an %d-frame window at sr %d, hop %d has no lag below %g BPM",
			ErrTempoParams, win, sr, hop, TempoMaxBPM)
	}
	// A transform of at least 2·win−1 points makes the circular
	// autocorrelation of the zero-padded frame the linear one.
	nfft := 1 << bits.Len(uint(2*win-1))
	if e.rfft, err = dsp.NewRFFT(nfft); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTempoParams, err)
	}
	e.frame = make([]float64, nfft)
	e.spec = make([]complex128, nfft/2+1)
	e.acc = make([]float64, nfft/2+1)
	e.mean = make([]float64, win)
	return e, nil
}

// WinLength returns the autocorrelation window, in frames (the number of
// lags of the tempogram).
func (e *TempoEstimator) WinLength() int { return e.win }

// MeanTempogram returns the time-averaged, max-normalised autocorrelation
// tempogram (one value per lag 0…WinLength()−1) computed by the last call
// to Estimate. The slice is owned by the estimator and overwritten by the
// next call; it is all zeros before the first call and after an envelope
// without onsets.
func (e *TempoEstimator) MeanTempogram() []float64 { return e.mean }

// Estimate returns the global tempo, in BPM, of the onset strength envelope
// onset (one value per frame, non-negative as OnsetStrength produces). An
// empty or all-zero envelope gives 0.
func (e *TempoEstimator) Estimate(onset []float64) float64 {
	clear(e.mean)
	n := len(onset)
	silent := true
	for _, v := range onset {
		if v != 0 {
			silent = false
			break
		}
	}
	if silent {
		return 0
	}

	win, half := e.win, e.win/2
	if need := n + 2*half; cap(e.padded) < need {
		e.padded = make([]float64, need)
	}
	padded := e.padded[:n+2*half]
	// np.linspace(0, edge, half, endpoint=False) on the left, its reverse
	// on the right.
	first, last := onset[0], onset[n-1]
	for i := 0; i < half; i++ {
		padded[i] = float64(i) * (first / float64(half))
		padded[half+n+i] = float64(half-1-i) * (last / float64(half))
	}
	copy(padded[half:], onset)

	// The autocorrelation of a frame is the inverse transform of its power
	// spectrum, and its largest absolute value is the value at lag 0 (the
	// frame's energy, by the Cauchy–Schwarz inequality). The mean of the
	// normalised autocorrelations is therefore the inverse transform of
	// the mean of the power spectra, each divided by its frame's energy:
	// one inverse transform per clip instead of one per frame.
	frame, acc := e.frame, e.acc
	clear(acc)
	for t := 0; t < n; t++ {
		seg := padded[t : t+win]
		seg = seg[:len(e.window)]
		var energy float64
		for j, w := range e.window {
			v := seg[j] * w
			frame[j] = v
			energy += v * v
		}
		if energy < smallestNormal {
			energy = 1 // librosa leaves (near-)zero frames unnormalised
		}
		e.rfft.Coefficients(e.spec, frame)
		scale := 1 / energy
		for k, v := range e.spec {
			acc[k] += (real(v)*real(v) + imag(v)*imag(v)) * scale
		}
	}
	for k, v := range acc {
		e.spec[k] = complex(v/float64(n), 0)
	}
	e.rfft.Sequence(frame, e.spec)
	copy(e.mean, frame[:win])
	clear(frame[win:])
	return e.bpm[bestLag(e.mean, e.logPrior)]
}

// bestLag returns the first lag maximising log1p(1e6·tg[k]) + logPrior[k],
// ignoring lags whose score is −Inf or NaN. logPrior must have at least one
// finite entry.
func bestLag(tg, logPrior []float64) int {
	best, bestScore := -1, math.Inf(-1)
	for k, lp := range logPrior {
		if math.IsInf(lp, -1) {
			continue
		}
		s := math.Log1p(1e6*tg[k]) + lp
		if best < 0 || s > bestScore {
			best, bestScore = k, s
		}
	}
	if best < 0 {
		// Only with NaN scores everywhere: fall back to the prior.
		for k, lp := range logPrior {
			if best < 0 || lp > logPrior[best] {
				best = k
			}
		}
	}
	return best
}

// Tempo returns the global tempo, in BPM, of the onset strength envelope
// onset sampled every hop samples at sr Hz, with librosa's defaults (see
// TempoEstimator). It returns 0 for an empty or all-zero envelope and for
// parameters NewTempoEstimator rejects. It allocates; use a TempoEstimator
// to analyse many envelopes.
func Tempo(onset []float64, sr, hop int) float64 {
	e, err := NewTempoEstimator(sr, hop)
	if err != nil {
		return 0
	}
	return e.Estimate(onset)
}
