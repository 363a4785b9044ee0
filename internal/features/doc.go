// Package features computes genrec's clip descriptors: the 57 librosa
// statistics of the GTZAN feature table (Kaggle layout) — chroma, RMS energy,
// spectral centroid, bandwidth and roll-off, zero-crossing rate, the
// harmonic and percussive waveforms of harmonic-percussive separation, the
// global tempo and 20 MFCCs, each summarised by its mean and population
// variance over the whole clip.
//
// The recipe is the one documented with the table
// (shared/data/README.md) and stated numerically in internal/params; the
// building blocks live in internal/dsp. An Extractor owns all scratch
// memory, so extracting clip after clip allocates nothing once its buffers
// have grown to the longest clip.
package features
