package features

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/sharedtest"
)

// implemented lists the columns that Extract computes and that
// TestTableClips holds to tolerance; any other column is reported as
// skipped.
var implemented = map[string]bool{}

func init() {
	for _, c := range Columns {
		implemented[c] = true
	}
}

// tolerance returns the relative tolerance and the absolute tolerance (used
// when it is the larger allowance) of a column.
func tolerance(col string) (rel, abs float64) {
	switch {
	case col == "tempo":
		return 0, 1 // 1 BPM
	case col == "harmony_mean" || col == "perceptr_mean":
		return 0.01, 2e-5
	default:
		return 0.01, 1e-4
	}
}

// clipsDir returns the directory of the GTZAN reference clips, or "".
func clipsDir() string {
	return filepath.Join(sharedtest.Dir(), "data", "gtzan", "clips")
}

// readWAV reads a 16-bit PCM mono WAV file as float32 samples (int16/32768)
// and returns them with the sample rate.
func readWAV(path string) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("%s: not a RIFF/WAVE file", path)
	}
	var rate, channels, bitsPer int
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		size := int(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		body := b[p+8:]
		if size > len(body) {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, 0, fmt.Errorf("%s: short fmt chunk", path)
			}
			if f := binary.LittleEndian.Uint16(body[0:2]); f != 1 {
				return nil, 0, fmt.Errorf("%s: format %d is not PCM", path, f)
			}
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bitsPer = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			if channels != 1 || bitsPer != 16 {
				return nil, 0, fmt.Errorf("%s: %d channels of %d bits, want 16-bit mono", path, channels, bitsPer)
			}
			x := make([]float32, size/2)
			for i := range x {
				x[i] = float32(int16(binary.LittleEndian.Uint16(body[2*i:]))) / 32768
			}
			return x, rate, nil
		}
		p += 8 + size + size&1
	}
	return nil, 0, fmt.Errorf("%s: no data chunk", path)
}

// readReference reads a reference features.csv and checks that its
// columns are those of set, in the layout of set's table.
func readReference(path string, set Set) ([]dataset.Row, error) {
	t, err := dataset.ReadTableFile(path)
	if err != nil {
		return nil, err
	}
	layout := dataset.Kaggle
	if set == FMASmall {
		layout = dataset.FMASmall
	}
	if t.Layout != layout || !slices.Equal(t.Features, ColumnsOf(set)) {
		return nil, fmt.Errorf("%s: %v layout with columns %v, want the %v set's", path, t.Layout, t.Features, set)
	}
	return t.Rows, nil
}

// loadClips returns the reference rows and the samples of each clip, or
// skips the test.
func loadClips(tb testing.TB) ([]dataset.Row, [][]float32) {
	tb.Helper()
	dir := clipsDir()
	rows, err := readReference(filepath.Join(dir, "features.csv"), GTZAN)
	if os.IsNotExist(err) || (err != nil && strings.Contains(err.Error(), "no such file")) {
		tb.Skipf("GTZAN reference clips not found at %s (set GENREC_SHARED to the shared directory)", dir)
	}
	if err != nil {
		tb.Fatal(err)
	}
	clips := make([][]float32, len(rows))
	for i, r := range rows {
		x, rate, err := readWAV(filepath.Join(dir, r.Filename))
		if err != nil {
			tb.Fatal(err)
		}
		if rate != params.SampleRate || len(x) != r.Length {
			tb.Fatalf("%s: %d samples at %d Hz, table says %d at %d", r.Filename, len(x), rate, r.Length, params.SampleRate)
		}
		clips[i] = x
	}
	return rows, clips
}

// TestTableClips recomputes the reference table's rows for the ten GTZAN
// clips and compares every implemented column within tolerance.
func TestTableClips(t *testing.T) {
	rows, clips := loadClips(t)
	e := NewExtractor()
	got := make([][]float64, len(rows))
	for i := range rows {
		v, err := e.Extract(nil, clips[i])
		if err != nil {
			t.Fatalf("%s: %v", rows[i].Filename, err)
		}
		got[i] = v
	}
	for c, name := range Columns {
		rel, abs := tolerance(name)
		e := compareColumn(rows, got, c, rel, abs)
		switch {
		case !implemented[name]:
			t.Logf("%-24s SKIPPED (not implemented); worst rel %.3g (abs %.3g) on %s", name, e.worstRel, e.absAtWorstRel, e.relClip)
		case len(e.failed) > 0:
			t.Errorf("%-24s FAIL worst rel %.3g (abs %.3g) on %s", name, e.worstRel, e.absAtWorstRel, e.relClip)
		default:
			t.Logf("%-24s ok   worst rel %.3g (abs %.3g) on %s", name, e.worstRel, e.absAtWorstRel, e.relClip)
		}
	}
}

// columnErrors are the errors of one column over the reference clips.
type columnErrors struct {
	worstRel      float64 // the largest relative error (+Inf for NaN)
	relClip       string  // ... on this clip
	absAtWorstRel float64 // the absolute error on that clip
	worstAbs      float64 // the largest absolute error
	absClip       string  // ... on this clip
	failed        []int   // rows outside the tolerance
}

// compareColumn compares column c of got (one row per reference row) with
// the reference rows: a value passes when it is within rel relative or abs
// absolute of the reference; NaN never passes.
func compareColumn(rows []dataset.Row, got [][]float64, c int, rel, abs float64) columnErrors {
	var e columnErrors
	for i, r := range rows {
		want, have := r.Values[c], got[i][c]
		d := math.Abs(have - want)
		re := d / math.Max(math.Abs(want), 1e-300)
		if math.IsNaN(have) {
			re, d = math.Inf(1), math.Inf(1)
		}
		if re > e.worstRel || e.relClip == "" {
			e.worstRel, e.absAtWorstRel, e.relClip = re, d, r.Filename
		}
		if d > e.worstAbs || e.absClip == "" {
			e.worstAbs, e.absClip = d, r.Filename
		}
		if !(d <= rel*math.Abs(want) || d <= abs) {
			e.failed = append(e.failed, i)
		}
	}
	return e
}
