// Package dsp holds the signal-processing building blocks of genrec's
// feature extraction: a real FFT, the periodic Hann window, the centred
// short-time Fourier transform and its inverse, the Slaney mel and the chroma
// filterbanks, the orthonormal DCT-II, power-to-dB conversion, tuning
// estimation by parabolic pitch tracking and the running median filters of
// harmonic-percussive separation.
//
// The types follow the shape of gonum's dsp/fourier: a plan (FFT, RFFT,
// STFT, DCT, Filterbank, Tuner) is built once for a size, owns its
// precomputed tables and scratch memory, and its methods write into
// caller-owned destination slices, so the per-frame hot path does not
// allocate. Plans are not safe for concurrent use; build one per goroutine.
//
// The numerical conventions are those of the librosa recipe that the GTZAN
// feature table was computed with (see internal/params), re-derived from the
// published algorithms; everything is computed in float64, except that the
// median filters, which only select values, also take float32 data (their
// fast path).
//
// On amd64 CPUs with AVX2 and FMA (detected at start-up with
// golang.org/x/sys/cpu), the hot loops run kernels written in Go assembly:
// the FFT passes (fft_amd64.s), the median filters' sorted-window lanes
// (median_amd64.s) and the small kernels of kernels_amd64.s. Elsewhere, and
// with the purego build tag, the same functions run in plain Go. The
// kernels documented as exact (the medians, power and magnitude, the soft
// mask, overlap-add, the overlap normalisation) give bit-identical results
// on both paths; the others (FFT, dot products) differ in the last bits
// only, through the order of summation. The tests run both paths.
package dsp
