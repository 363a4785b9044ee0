// Package features computes genrec's clip descriptors: the 57 librosa
// statistics of the GTZAN feature table (Kaggle layout) — chroma, RMS energy,
// spectral centroid, bandwidth and roll-off, zero-crossing rate, the
// harmonic and percussive waveforms of harmonic-percussive separation, the
// global tempo and 20 MFCCs, each summarised by its mean and population
// variance over the whole clip.
//
// It also computes the 60 columns of the FMA-small table (FMASmallColumns:
// MFCC means and variances, per-bin chroma means, tempo and spectral
// contrast, librosa 0.10 defaults with zero-padded frames), alone or beside
// the GTZAN set from the same STFT (Extractor.ExtractSets; see Set).
//
// The recipe is the one documented with the table
// (shared/data/README.md) and stated numerically in internal/params; the
// building blocks live in internal/dsp. An Extractor owns all scratch
// memory, so extracting clip after clip allocates nothing once its buffers
// have grown to the longest clip.
package features
