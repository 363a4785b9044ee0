package pipeline

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target that TuneGC sets. Each
// worker holds about 65 MB of long-lived feature buffers (the whole-clip
// spectrogram matrices of a 30-s clip) and turns over about 8 MB of
// decoded audio per clip. With Go's default of 100 the heap may grow to
// twice the buffers before a collection, which is what peak memory then
// measures; 10 keeps it within a tenth of them. The cost is a collection
// about once per clip and worker, cheap here because the big buffers hold
// no pointers and are never scanned.
const GCPercent = 10

// TuneGC sets the garbage collector's target percentage to GCPercent,
// unless the user chose one with the GOGC environment variable. Commands
// that run the pipeline over many files call it once at start-up.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
}
