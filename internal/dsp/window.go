package dsp

import "math"

// Hann writes the periodic Hann window of length len(dst) into dst and
// returns it: w[i] = 0.5 − 0.5·cos(2πi/n). This is the "fftbins" form used
// for spectral analysis (scipy get_window('hann', n, fftbins=True)): the
// symmetric window of length n+1 with its last sample dropped.
func Hann(dst []float64) []float64 {
	n := len(dst)
	for i := range dst {
		dst[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return dst
}
