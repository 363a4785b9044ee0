package audio

import (
	"math"

	"github.com/genrec/genrec/internal/params"
)

// Window chooses which part of a file Decode analyses.
type Window int

const (
	// First takes the samples from the start of the file.
	First Window = iota
	// Middle takes the samples centred on the middle of a file longer than
	// params.MiddleMinSeconds, seeking there instead of decoding what lies
	// before; shorter files are taken from their start.
	Middle
)

// String names the window as the command-line flags spell it.
func (w Window) String() string {
	switch w {
	case First:
		return "first"
	case Middle:
		return "middle"
	}
	return "window(?)"
}

// Options says how much of a file Decode returns and from where.
type Options struct {
	// Seconds is how much audio to return, in seconds at
	// params.SampleRate (rounded to whole samples); 0 returns the whole
	// file from the window's start.
	Seconds float64
	// Window is where the returned audio starts.
	Window Window
}

// samples is Seconds in output samples (0: no limit).
func (o Options) samples() int {
	if o.Seconds <= 0 || math.IsNaN(o.Seconds) {
		return 0
	}
	return int(math.Min(math.Round(o.Seconds*params.SampleRate), math.MaxInt32))
}

// windowPreroll is how much audio, in seconds, is decoded before a Middle
// window's start and then discarded: it refills an mp3 decoder's bit
// reservoir and overlap, and the resampler's filter, so that the window's
// first samples are those of a decode from the start of the file.
const windowPreroll = 0.5

// plan is where a Middle window starts, in the terms the decoder needs.
type plan struct {
	start   int   // first output sample of the window (at params.SampleRate)
	srcFrom int64 // source sample at which conversion starts
	drop    int   // output samples produced from srcFrom before start
}

// planWindow places a window of want output samples in a file of dur
// seconds at source rate rate. It reports false when the window is the
// file's start (First, a short or unknown length, or no limit).
//
// Conversion starts up to windowPreroll before the window, at a source
// sample that falls exactly on an output sample of a whole-file decode
// (a multiple of rate/gcd(rate, params.SampleRate)), so that the
// resampler's phase is the same as there.
func planWindow(w Window, want int, dur float64, rate int) (plan, bool) {
	if w != Middle || want <= 0 || rate <= 0 || !(dur > params.MiddleMinSeconds) {
		return plan{}, false
	}
	total := int(dur * params.SampleRate)
	if want >= total {
		return plan{}, false
	}
	start := (total - want) / 2
	unit := int64(rate / gcd(rate, params.SampleRate))           // source samples per aligned step
	outUnit := unit * params.SampleRate / int64(rate)            // output samples per aligned step
	pre := int64(start) - int64(windowPreroll*params.SampleRate) // output sample to start from
	steps := max(pre, 0) / outUnit
	return plan{start: start, srcFrom: steps * unit, drop: start - int(steps*outUnit)}, true
}

// gcd is the greatest common divisor of two positive numbers.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
