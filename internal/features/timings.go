package features

import "time"

// Stage names one part of the work of Extract, for Timings.
type Stage int

// The stages of Extract, in the order they are first entered.
const (
	// StageSetup checks the input and sizes the buffers.
	StageSetup Stage = iota
	// StageSTFT transforms each frame and takes its power and magnitude.
	StageSTFT
	// StageSpectral computes each frame's centroid, bandwidth and roll-off.
	StageSpectral
	// StageMel applies the mel filterbank to each frame.
	StageMel
	// StageTuning collects each frame's pitch peaks and estimates the
	// tuning from them.
	StageTuning
	// StagePercussive is the separation's median filter along frequency,
	// run on each frame.
	StagePercussive
	// StageHarmonic is the separation's median filter along time, run on
	// chunks of frames from the ring.
	StageHarmonic
	// StageInverse makes the soft masks, applies them, overlap-adds the
	// masked frames and takes the statistics of the two waveforms.
	StageInverse
	// StageMFCC converts the mel spectrogram to dB and takes its DCT.
	StageMFCC
	// StageChroma applies the tuned chroma filterbank and normalises.
	StageChroma
	// StageTimeDomain computes the RMS and zero-crossing-rate tracks.
	StageTimeDomain
	// StageStats takes the means and variances of the tracks.
	StageStats
	// StageTempo computes the onset envelope and estimates the tempo.
	StageTempo
	// StageContrast computes the spectral contrast of each frame and its
	// means (FMA-small only).
	StageContrast
	// StageEdges transforms the zero-padded edge frames that the FMA-small
	// set needs in addition when both sets are computed.
	StageEdges
	// NumStages is the number of stages.
	NumStages
)

var stageNames = [NumStages]string{
	StageSetup:      "input checks and buffers",
	StageSTFT:       "STFT + power",
	StageSpectral:   "spectral shape (centroid, bandwidth, roll-off)",
	StageMel:        "mel filterbank",
	StageTuning:     "tuning (pitch peaks, estimate)",
	StagePercussive: "HPSS median along frequency (percussive)",
	StageHarmonic:   "HPSS median along time (harmonic)",
	StageInverse:    "HPSS masks + inverse STFT",
	StageMFCC:       "MFCC (dB + DCT)",
	StageChroma:     "chroma filterbank",
	StageTimeDomain: "RMS + ZCR",
	StageStats:      "statistics",
	StageTempo:      "tempo (onset envelope + tempogram)",
	StageContrast:   "spectral contrast (FMA-small)",
	StageEdges:      "zero-padded edge frames (FMA-small beside GTZAN)",
}

// String returns a short description of the stage.
func (s Stage) String() string {
	if s < 0 || s >= NumStages {
		return "unknown stage"
	}
	return stageNames[s]
}

// Timings accumulates the time Extract spends in each stage. Set an
// Extractor's Timings field to one to have every later Extract add to it;
// the stages are timed with the monotonic clock at their boundaries (a few
// thousand readings per 30-s clip, well under 1 % of its cost), so they
// include whatever else ran on the CPU meanwhile: time a quiet machine, or
// scale them to the thread's CPU time as genrec bench does.
type Timings struct {
	// Stages holds the accumulated time of each stage.
	Stages [NumStages]time.Duration
	// Clips counts the calls of Extract that added to Stages.
	Clips int
}

// Total returns the sum of the stages.
func (t *Timings) Total() time.Duration {
	var d time.Duration
	for _, v := range t.Stages {
		d += v
	}
	return d
}

// startTiming starts the stage clock of one Extract; it does nothing
// unless e.Timings is set.
func (e *Extractor) startTiming() {
	if e.Timings != nil {
		e.Timings.Clips++
		e.lastMark = time.Now()
	}
}

// mark adds the time since the previous mark to stage s; it does nothing
// unless e.Timings is set.
func (e *Extractor) mark(s Stage) {
	if e.Timings != nil {
		now := time.Now()
		e.Timings.Stages[s] += now.Sub(e.lastMark)
		e.lastMark = now
	}
}
