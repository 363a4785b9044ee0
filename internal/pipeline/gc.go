package pipeline

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target that TuneGC sets. Each
// worker holds about 28 MB of long-lived buffers for a 30-s clip (the
// feature extractor's rings and tracks, about 20 MB, and its decoder's
// sample buffers, about 8 MB), all reused from clip to clip, so that a
// clip produces almost no garbage. With Go's default of 100 the heap may
// still grow to twice the live buffers before a collection, which is what
// peak memory then measures; 10 keeps it within a tenth of them. The
// collections are cheap: the big buffers hold no pointers and are never
// scanned.
const GCPercent = 10

// TuneGC sets the garbage collector's target percentage to GCPercent,
// unless the user chose one with the GOGC environment variable. Commands
// that run the pipeline over many files call it once at start-up.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
}
