package audio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/genrec/genrec/internal/params"
)

// mp3TenMinutes is a 10-minute 44.1 kHz stereo 128 kbps mp3, made cheaply:
// 20 copies of a 30-s clip encoded without the LAME/Xing header frame (-t),
// which would otherwise announce a 30-s stream.
func mp3TenMinutes(tb testing.TB) string {
	part := lameFixture(tb, "part30-noxing.mp3", 440, 44100, 2, 30, "-t", "-b", "128", "--cbr")
	return fixture(tb, "ten-minutes.mp3", func(p string) error {
		b, err := os.ReadFile(part)
		if err != nil {
			return err
		}
		return os.WriteFile(p, bytes.Repeat(b, 20), 0o644)
	})
}

// TestLongFileStopsAtBudget loads the 10-minute file for analysis: decoding
// must stop after the analysed 30 s, reading a small part of the file.
func TestLongFileStopsAtBudget(t *testing.T) {
	p := mp3TenMinutes(t)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	out, st, err := load(p, params.MaxSamples, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != params.MaxSamples {
		t.Fatalf("%d samples, want %d", len(out), params.MaxSamples)
	}
	need := params.AnalysisSeconds * 44100
	if st.sourceFrames > need+44100/10+4096 {
		t.Errorf("decoded %d source frames for %d needed", st.sourceFrames, need)
	}
	// 30 of 600 s is 5% of the file; allow read-ahead buffering.
	if st.bytesRead > fi.Size()/10 {
		t.Errorf("read %d of %d bytes for 30 of 600 s", st.bytesRead, fi.Size())
	}
	t.Logf("10-min file: read %d of %d bytes, decoded %d frames", st.bytesRead, fi.Size(), st.sourceFrames)
}

// TestWAVRateBounds checks that WAV headers with absurd sample rates are
// refused instead of costing unbounded resampling work (found by FuzzLoad:
// a 1-Hz header made Load allocate ~90 MB for a 2-kB file).
func TestWAVRateBounds(t *testing.T) {
	for _, tc := range []struct {
		rate int
		ok   bool
	}{
		{1, false}, {999, false}, {minRate, true}, {8000, true},
		{maxRate, true}, {maxRate + 1, false}, {10_000_000, false},
	} {
		p := filepath.Join(t.TempDir(), "a.wav")
		x := tone(440, 8000, 1, 1, 0.5)
		if err := os.WriteFile(p, encodeWAV(wavSpec{rate: tc.rate, channels: 1, bits: 16}, x), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p, params.MaxSamples)
		if tc.ok && err != nil {
			t.Errorf("rate %d: %v", tc.rate, err)
		}
		if !tc.ok && !errors.Is(err, ErrUnsupported) {
			t.Errorf("rate %d: error %v, want ErrUnsupported", tc.rate, err)
		}
	}
}

// BenchmarkLoadTenMinutes loads the 10-minute file for analysis; compare
// with BenchmarkLoadMP3 (a 30-s file of the same format): decoding stops at
// the analysed length, so time and memory per load must be about equal.
func BenchmarkLoadTenMinutes(b *testing.B) {
	p := mp3TenMinutes(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Load(p, params.MaxSamples); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/clip")
}
