package audio

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/params"
)

// FuzzLoad decodes arbitrary bytes as a file, the way genrec meets a
// hostile clip: Load must return samples or an error, never panic (the
// recover in load turns a Go panic into an "internal error", which counts
// as a failure here), hang or return out-of-range output. Seeds are in
// testdata/fuzz/FuzzLoad: a tiny mp3, Layer II, WAV, FLAC and Ogg Vorbis
// files, an ID3 tag and a few headers.
func FuzzLoad(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00\x44\xac\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00"))
	f.Add([]byte{0xFF, 0xFB, 0x90, 0x44, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			t.Skip("inputs above 1 MB add nothing but time")
		}
		p := filepath.Join(t.TempDir(), "in.mp3")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := Load(p, params.MaxSamples)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Load took %v on %d bytes", d, len(data))
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Load panicked: %v", err)
			}
			if out != nil {
				t.Fatalf("samples returned with error %v", err)
			}
			return
		}
		if len(out) == 0 || len(out) > params.MaxSamples {
			t.Fatalf("%d samples, want 1..%d", len(out), params.MaxSamples)
		}
		for i, v := range out {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("sample %d is %v", i, v)
			}
		}
	})
}
