// Package params holds the numbers that define genrec's analysis: the
// sample rate, the framing of the short-time Fourier transform, the mel and
// MFCC sizes and how much of each file is analysed. Every other package reads
// them from here, so the recipe is stated exactly once.
//
// The values reproduce the recipe of the classic GTZAN feature table
// (librosa defaults): 22,050 Hz mono, n_fft 2048, hop 512, Hann window,
// centred frames with reflect padding, 128 Slaney mel bands, 20 MFCCs.
package params

const (
	// SampleRate is the rate, in Hz, that every clip is resampled to.
	SampleRate = 22050

	// NFFT is the STFT frame length in samples.
	NFFT = 2048

	// Hop is the STFT hop length in samples.
	Hop = 512

	// NBins is the number of non-negative frequency bins of one frame.
	NBins = NFFT/2 + 1

	// NMels is the number of mel bands of the mel spectrogram.
	NMels = 128

	// NMFCC is the number of cepstral coefficients kept.
	NMFCC = 20

	// NChroma is the number of pitch classes of the chroma features.
	NChroma = 12

	// TopDB is the dynamic range, in dB below the maximum, kept by the
	// power-to-dB conversion used for MFCCs.
	TopDB = 80.0

	// Amin is the power floor of the power-to-dB conversion.
	Amin = 1e-10

	// RolloffPercent is the fraction of spectral energy below the
	// spectral roll-off frequency.
	RolloffPercent = 0.85

	// AnalysisSeconds is how much of each file, from its start, is analysed.
	AnalysisSeconds = 30

	// MaxSamples is AnalysisSeconds expressed in samples at SampleRate.
	MaxSamples = AnalysisSeconds * SampleRate

	// MiddleMinSeconds is the length, in seconds, above which a file asked
	// for its middle (audio.Middle) is analysed from its middle; shorter
	// files are always analysed from their start.
	MiddleMinSeconds = 60

	// MinSeconds is the shortest audio, in seconds, that genrec analyses;
	// shorter files get the model's prior.
	MinSeconds = 0.5

	// MinSamples is MinSeconds expressed in samples at SampleRate.
	MinSamples = SampleRate / 2
)

// The spectral and chroma feature recipe (librosa defaults of the GTZAN
// table).
const (
	// ZCRThreshold is the magnitude at or below which a sample counts as
	// zero (and zero as positive) for the zero-crossing rate.
	ZCRThreshold = 1e-10

	// BandwidthPower is the exponent p of the spectral bandwidth.
	BandwidthPower = 2.0

	// ChromaCenterOctave is the centre, in octaves above C0, of the Gaussian
	// octave weighting of the chroma filterbank.
	ChromaCenterOctave = 5.0

	// ChromaOctaveWidth is the standard deviation, in octaves, of the
	// chroma filterbank's octave weighting.
	ChromaOctaveWidth = 2.0

	// TuningFMin and TuningFMax bound, in Hz, the pitch tracking of the
	// tuning estimate (fmin inclusive, fmax exclusive).
	TuningFMin = 150.0
	TuningFMax = 4000.0

	// TuningThreshold is the fraction of a frame's maximum a spectral peak
	// must exceed to be tracked by the tuning estimate.
	TuningThreshold = 0.1

	// TuningResolution is the step, in fractions of a chroma bin, of the
	// tuning estimate.
	TuningResolution = 0.01
)

// The harmonic-percussive separation recipe of the harmony and perceptr
// features.
const (
	// HPSSKernel is the length, in frames (harmonic) and bins
	// (percussive), of the median filters.
	HPSSKernel = 31

	// HPSSPower is the exponent of the soft masks.
	HPSSPower = 2.0

	// HPSSMargin is the margin of the soft masks (1: plain Wiener-like
	// masks; bins where both filtered spectra vanish get 0.5 each).
	HPSSMargin = 1.0
)

// SilencePeak is the largest absolute sample value of audio that genrec
// treats as digital silence (below one 16-bit step): such a file carries no
// genre evidence and gets the model's prior.
const SilencePeak = 1.0 / 32768

// The Kaggle GTZAN "3-second" table cuts each clip into segments: segment
// k holds samples [k·SegmentHop, k·SegmentHop+SegmentLength), and only
// whole segments count.
const (
	// SegmentHop is the distance, in samples, between segment starts (3 s).
	SegmentHop = 3 * SampleRate
	// SegmentLength is the number of samples of one segment.
	SegmentLength = SegmentHop - 1
)

// Padding names how the centred STFT frames are extended beyond the ends
// of a clip (numpy.pad modes).
type Padding int

const (
	// PadReflect mirrors the signal about its first and last samples
	// (numpy "reflect"): librosa's default before 0.10.
	PadReflect Padding = iota
	// PadZero extends the signal with zeros (numpy "constant"): librosa
	// 0.10's default.
	PadZero
)

// The two feature tables differ in the padding of their frames; every
// other framing number (NFFT, Hop, the Hann window) is shared.
const (
	// GTZANPadding is the padding of the GTZAN table's recipe.
	GTZANPadding = PadReflect
	// FMASmallPadding is the padding of the FMA-small table's recipe
	// (librosa 0.10 defaults).
	FMASmallPadding = PadZero
)

// The spectral contrast of the FMA-small table (librosa
// feature.spectral_contrast defaults, on the magnitude spectrogram).
const (
	// ContrastFMin is the upper edge, in Hz, of the lowest band and the
	// lower edge of the first octave band.
	ContrastFMin = 200.0
	// ContrastBands is the number of octave bands above ContrastFMin; with
	// the band below it there are ContrastBands+1 contrast values.
	ContrastBands = 6
	// ContrastQuantile is the fraction of a band's bins averaged for its
	// peak (the largest) and its valley (the smallest); at least one bin.
	ContrastQuantile = 0.02
)
