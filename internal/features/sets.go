package features

import (
	"fmt"
	"strings"
)

// Set names a feature table whose columns the Extractor computes.
type Set int

const (
	// GTZAN is the 57 columns of the GTZAN table (Columns): librosa
	// statistics with reflect-padded frames.
	GTZAN Set = iota
	// FMASmall is the 60 columns of the FMA-small table (FMASmallColumns):
	// librosa 0.10 defaults, zero-padded frames, with per-coefficient MFCC
	// means and variances, per-bin chroma means, the tempo and the spectral
	// contrast.
	FMASmall
)

// Sets lists the feature sets, in the order of their values.
var Sets = [...]Set{GTZAN, FMASmall}

// String returns the set's name as ParseSet accepts it.
func (s Set) String() string {
	switch s {
	case GTZAN:
		return "gtzan"
	case FMASmall:
		return "fma-small"
	}
	return fmt.Sprintf("Set(%d)", int(s))
}

// ParseSet returns the set named name ("gtzan" or "fma-small", in any
// case).
func ParseSet(name string) (Set, error) {
	for _, s := range Sets {
		if strings.EqualFold(name, s.String()) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("features: unknown feature set %q (want gtzan or fma-small)", name)
}

// ColumnsOf returns the column names of set s in its table's order (shared;
// do not modify), or nil for an unknown set.
func ColumnsOf(s Set) []string {
	switch s {
	case GTZAN:
		return Columns[:]
	case FMASmall:
		return FMASmallColumns[:]
	}
	return nil
}

// FMASmallColumns are the 60 feature names of the FMA-small table, in the
// table's order (the CSV header after "track_id,genre").
var FMASmallColumns = [...]string{
	"mfcc_mean_01", "mfcc_mean_02", "mfcc_mean_03", "mfcc_mean_04", "mfcc_mean_05",
	"mfcc_mean_06", "mfcc_mean_07", "mfcc_mean_08", "mfcc_mean_09", "mfcc_mean_10",
	"mfcc_mean_11", "mfcc_mean_12", "mfcc_mean_13", "mfcc_mean_14", "mfcc_mean_15",
	"mfcc_mean_16", "mfcc_mean_17", "mfcc_mean_18", "mfcc_mean_19", "mfcc_mean_20",
	"mfcc_var_01", "mfcc_var_02", "mfcc_var_03", "mfcc_var_04", "mfcc_var_05",
	"mfcc_var_06", "mfcc_var_07", "mfcc_var_08", "mfcc_var_09", "mfcc_var_10",
	"mfcc_var_11", "mfcc_var_12", "mfcc_var_13", "mfcc_var_14", "mfcc_var_15",
	"mfcc_var_16", "mfcc_var_17", "mfcc_var_18", "mfcc_var_19", "mfcc_var_20",
	"chroma_mean_01", "chroma_mean_02", "chroma_mean_03", "chroma_mean_04",
	"chroma_mean_05", "chroma_mean_06", "chroma_mean_07", "chroma_mean_08",
	"chroma_mean_09", "chroma_mean_10", "chroma_mean_11", "chroma_mean_12",
	"tempo",
	"contrast_mean_01", "contrast_mean_02", "contrast_mean_03", "contrast_mean_04",
	"contrast_mean_05", "contrast_mean_06", "contrast_mean_07",
}

// Indices of the columns in FMASmallColumns.
const (
	fmaMFCCMean = 0  // mfcc_mean_(i+1) at fmaMFCCMean+i
	fmaMFCCVar  = 20 // mfcc_var_(i+1) at fmaMFCCVar+i
	fmaChroma   = 40 // chroma_mean_(i+1) at fmaChroma+i, C first
	fmaTempo    = 52
	fmaContrast = 53 // contrast_mean_(k+1) at fmaContrast+k
)
