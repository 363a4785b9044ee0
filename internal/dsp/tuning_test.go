package dsp

import (
	"math"
	"testing"
)

// tonePower returns the power spectrogram of a sum of sinusoids.
func tonePower(t *testing.T, sr float64, n int, freqs []float64) ([]float64, int) {
	t.Helper()
	x := make([]float32, int(sr))
	for i := range x {
		var v float64
		for j, f := range freqs {
			v += math.Sin(2*math.Pi*f*float64(i)/sr) / float64(j+2)
		}
		x[i] = float32(v)
	}
	s, _ := NewSTFT(n, n/4)
	spec, err := s.Compute(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	return Power(nil, spec), s.Frames(len(x))
}

func TestTunerEstimate(t *testing.T) {
	const sr, n = 22050.0, 2048
	tuner, err := NewTuner(sr, n, 150, 4000, 0.1, 0.01, 12)
	if err != nil {
		t.Fatal(err)
	}
	for _, dev := range []float64{0, 0.2, -0.3, 0.45} {
		// An A major triad detuned by dev semitones.
		var freqs []float64
		for _, semis := range []float64{0, 4, 7, 12} {
			freqs = append(freqs, 440*math.Exp2((semis+dev)/12))
		}
		p, frames := tonePower(t, sr, n, freqs)
		got, err := tuner.Estimate(p, frames)
		if err != nil {
			t.Fatal(err)
		}
		// Parabolic interpolation of power peaks is biased towards the
		// bin centre, so only the direction and rough size are checked.
		if math.Abs(got-dev) > 0.07 {
			t.Errorf("detuned by %g: estimate %g", dev, got)
		}
	}
	// A tone at a bin centre has no interpolation bias: bin 41 is
	// 441.43 Hz, 0.0562 semitones above A4, in the histogram bin [0.05, 0.06).
	p, frames := tonePower(t, sr, n, []float64{41 * sr / n})
	if got, _ := tuner.Estimate(p, frames); math.Abs(got-0.05) > 1e-9 {
		t.Errorf("bin-centred tone: estimate %g, want 0.05", got)
	}
	// Silence has no peaks: tuning 0.
	got, err := tuner.Estimate(make([]float64, 3*(n/2+1)), 3)
	if err != nil || got != 0 {
		t.Errorf("silence: %g, %v", got, err)
	}
	if _, err := tuner.Estimate(make([]float64, 10), 3); err == nil {
		t.Error("bad shape: no error")
	}
}

func TestTunerDeviation(t *testing.T) {
	tuner, _ := NewTuner(22050, 2048, 150, 4000, 0.1, 0.01, 12)
	tests := []struct{ f, want float64 }{
		{440, 0},
		{440 * math.Exp2(0.25/12), 0.25},
		{440 * math.Exp2(-0.25/12), -0.25},
		{261.6255653005986, 0}, // middle C
	}
	for _, tc := range tests {
		if got := tuner.deviation(tc.f); math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("deviation(%g) = %g, want %g", tc.f, got, tc.want)
		}
	}
}
