package features

// RecipeVersion numbers the computation behind a feature vector. Raise it
// whenever this package or internal/audio change what they compute, so that
// stored vectors of the old computation (genrec train's feature cache) are
// not read back.
const RecipeVersion = 2

// Columns are the 57 feature names of the GTZAN table, in the table's order
// (the CSV header between "length" and "label").
var Columns = [...]string{
	"chroma_stft_mean", "chroma_stft_var",
	"rms_mean", "rms_var",
	"spectral_centroid_mean", "spectral_centroid_var",
	"spectral_bandwidth_mean", "spectral_bandwidth_var",
	"rolloff_mean", "rolloff_var",
	"zero_crossing_rate_mean", "zero_crossing_rate_var",
	"harmony_mean", "harmony_var",
	"perceptr_mean", "perceptr_var",
	"tempo",
	"mfcc1_mean", "mfcc1_var", "mfcc2_mean", "mfcc2_var",
	"mfcc3_mean", "mfcc3_var", "mfcc4_mean", "mfcc4_var",
	"mfcc5_mean", "mfcc5_var", "mfcc6_mean", "mfcc6_var",
	"mfcc7_mean", "mfcc7_var", "mfcc8_mean", "mfcc8_var",
	"mfcc9_mean", "mfcc9_var", "mfcc10_mean", "mfcc10_var",
	"mfcc11_mean", "mfcc11_var", "mfcc12_mean", "mfcc12_var",
	"mfcc13_mean", "mfcc13_var", "mfcc14_mean", "mfcc14_var",
	"mfcc15_mean", "mfcc15_var", "mfcc16_mean", "mfcc16_var",
	"mfcc17_mean", "mfcc17_var", "mfcc18_mean", "mfcc18_var",
	"mfcc19_mean", "mfcc19_var", "mfcc20_mean", "mfcc20_var",
}

// Indices of the columns in Columns.
const (
	colChroma    = 0
	colRMS       = 2
	colCentroid  = 4
	colBandwidth = 6
	colRolloff   = 8
	colZCR       = 10
	colHarmony   = 12
	colPerceptr  = 14
	colTempo     = 16
	colMFCC      = 17 // mfcc1_mean; mfcc(i+1) mean/var at colMFCC+2i, +2i+1
)

// Plain reports whether Columns[i] is one of the plain statistics, the
// columns Extractor.PlainOnly computes: all but the separation's
// (harmony_*, perceptr_*) and the tempo.
func Plain(i int) bool {
	return i >= 0 && i < len(Columns) && (i < colHarmony || i > colTempo)
}
