package features

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/genrec/genrec/internal/dataset"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/sharedtest"
)

// decodeFFmpeg decodes path as the FMA-small recipe does: FFmpeg's own
// decoder, stereo→mono downmix and resampler, float32 at
// params.SampleRate, the whole clip.
func decodeFFmpeg(path string) ([]float32, error) {
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path,
		"-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-ar", strconv.Itoa(params.SampleRate), "pipe:1")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ffmpeg %s: %v: %s", path, err, stderr.String())
	}
	x := make([]float32, out.Len()/4)
	if err := binary.Read(&out, binary.LittleEndian, x); err != nil {
		return nil, err
	}
	return x, nil
}

// loadFMAClips returns the FMA-small reference rows and the samples of each
// clip (rows keyed by track id = file name without .mp3), or skips the
// test when the shared material or ffmpeg is missing.
func loadFMAClips(tb testing.TB) ([]dataset.Row, [][]float32) {
	tb.Helper()
	dir := sharedtest.Path(tb, "data", "fma-small", "clips")
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		tb.Skip("ffmpeg not found: the FMA-small reference clips are decoded with the ffmpeg command of the recipe")
	}
	rows, err := readReference(filepath.Join(dir, "features.csv"), FMASmall)
	if err != nil {
		tb.Fatal(err)
	}
	clips := make([][]float32, len(rows))
	for i, r := range rows {
		if clips[i], err = decodeFFmpeg(filepath.Join(dir, r.Filename+".mp3")); err != nil {
			tb.Fatal(err)
		}
	}
	return rows, clips
}

// fmaTolerance returns the relative and the absolute tolerance of an
// FMA-small column: 1e-3 relative (1e-3 absolute near zero), 1 BPM for the
// tempo.
func fmaTolerance(col string) (rel, abs float64) {
	if col == "tempo" {
		return 0, 1
	}
	return 1e-3, 1e-3
}

// TestFMASmallTableClips recomputes the FMA-small reference rows of the
// eleven clips and compares every column within tolerance, printing each
// column's worst relative and absolute error.
func TestFMASmallTableClips(t *testing.T) {
	rows, clips := loadFMAClips(t)
	e := NewExtractor()
	got := make([][]float64, len(rows))
	for i := range rows {
		got[i] = make([]float64, len(FMASmallColumns))
		if err := e.ExtractSets(nil, got[i], clips[i]); err != nil {
			t.Fatalf("%s: %v", rows[i].Filename, err)
		}
	}
	for c, name := range FMASmallColumns {
		rel, abs := fmaTolerance(name)
		e := compareColumn(rows, got, c, rel, abs)
		for _, i := range e.failed {
			t.Errorf("%s %s: %.9g, table %.9g", rows[i].Filename, name, got[i][c], rows[i].Values[c])
		}
		status := "ok  "
		if len(e.failed) > 0 {
			status = "FAIL"
		}
		t.Logf("%-18s %s worst rel %.3g (%s)  worst abs %.3g (%s)", name, status, e.worstRel, e.relClip, e.worstAbs, e.absClip)
	}
}
