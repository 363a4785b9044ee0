package audio

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/params"
)

// threePartSource writes 180 s of stereo 16-bit WAV at rate: 440 Hz for
// the first and last minute, 1 kHz in between, so that the middle of the
// file differs from its start.
func threePartSource(path string, rate int) error {
	n := 180 * rate
	x := make([]float64, 2*n)
	for i := range n {
		f := 440.0
		if i >= 60*rate && i < 120*rate {
			f = 1000
		}
		v := 0.5 * math.Sin(2*math.Pi*f*float64(i)/float64(rate))
		x[2*i], x[2*i+1] = v, 0.8*v
	}
	return os.WriteFile(path, encodeWAV(wavSpec{rate: rate, channels: 2, bits: 16}, x), 0o644)
}

// threePartFixture encodes threePartSource's signal with tool ("copy",
// "lame" or "flac") and options.
func threePartFixture(tb testing.TB, name, tool string, rate int, opts ...string) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		if err := threePartSource(w, rate); err != nil {
			return err
		}
		defer os.Remove(w)
		switch tool {
		case "copy":
			return os.Rename(w, p)
		case "flac":
			return run("flac", append(append([]string{"--silent", "--force"}, opts...), "-o", p, w)...)
		}
		return run("lame", append(append([]string{"--quiet"}, opts...), w, p)...)
	})
}

// TestMiddleWindow decodes the middle 30 s of 3-minute files and checks
// them against the whole file decoded from the start and sliced at the
// window's start, and that decoding sought instead of reading the file.
//
// What is decoded is 30.5 s (sourceFrames); what is read depends on the
// demuxer: WAV seeks by arithmetic, FLAC by its seek table, and mp3
// without fast seeking (as the CLI) parses its way to the target without
// decoding, about 10 times faster than decoding the whole file.
//
// WAV and FLAC seek exactly: the window is bit-identical to the slice (the
// half-second preroll refills the resampler, which starts on an output
// sample of the whole-file decode). After an mp3 seek libavformat dates
// the first frame from its byte position, which can be off by a few
// samples; so the mp3 window is compared at the best lag within ±1 mp3
// frame (1,152 source samples, 576 output samples): with Debian 12's
// FFmpeg 5.1 the lag is 0 and the samples are identical.
func TestMiddleWindow(t *testing.T) {
	const secs = 30
	want := secs * params.SampleRate
	for _, tc := range []struct {
		name     string
		path     func(testing.TB) string
		maxLag   int
		maxDiff  float64
		maxBytes float64 // fraction of the file that may be read
	}{
		{"wav-44k", func(tb testing.TB) string { return threePartFixture(tb, "three.wav", "copy", 44100) }, 0, 0, 0.25},
		{"wav-48k", func(tb testing.TB) string { return threePartFixture(tb, "three48.wav", "copy", 48000) }, 0, 0, 0.25},
		{"flac-44k", func(tb testing.TB) string { return threePartFixture(tb, "three.flac", "flac", 44100) }, 0, 0, 0.33},
		// libavformat's exact mp3 seek reads (parses, without decoding)
		// the packets up to the target: the window ends at 105 of 180 s.
		{"mp3-44k-cbr", func(tb testing.TB) string { return threePartFixture(tb, "three.mp3", "lame", 44100, "-b", "128") }, 576, 1e-4, 0.62},
		{"mp3-44k-vbr", func(tb testing.TB) string { return threePartFixture(tb, "three-vbr.mp3", "lame", 44100, "-V", "2") }, 576, 1e-4, 0.62},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			began := time.Now()
			c, st, err := decode(p, want, Middle, nil)
			took := time.Since(began)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Samples) != want {
				t.Fatalf("%d samples, want %d", len(c.Samples), want)
			}
			// mp3 durations include the encoder padding (180.036 s).
			if math.Abs(c.Duration-180) > 0.1 || math.Abs(c.Start-(c.Duration-secs)/2) > 0.001 {
				t.Errorf("duration %.3f s, start %.3f s; want 180, 75", c.Duration, c.Start)
			}
			if !st.seeked {
				t.Error("the decoder did not seek")
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if float64(st.bytesRead) > tc.maxBytes*float64(fi.Size()) {
				t.Errorf("read %d of %d bytes for 30 of 180 s", st.bytesRead, fi.Size())
			}
			if need := 31 * st.sourceRate; st.sourceFrames > need {
				t.Errorf("decoded %d source frames, want ≤ %d (30 s + preroll)", st.sourceFrames, need)
			}
			begFull := time.Now()
			full, err := Load(p, 0)
			tookFull := time.Since(begFull)
			if err != nil {
				t.Fatal(err)
			}
			start := int(math.Round(c.Start * params.SampleRate))
			lag, diff := bestLag(c.Samples, full, start, tc.maxLag)
			t.Logf("read %d of %d bytes in %v (whole file: %v); lag %d, max abs diff %g from the whole-file decode",
				st.bytesRead, fi.Size(), took, tookFull, lag, diff)
			if diff > tc.maxDiff {
				t.Errorf("max abs diff %g (at lag %d) > %g", diff, lag, tc.maxDiff)
			}
			// The window is the 1-kHz part, not the 440-Hz start.
			if a := goertzelAmp(c.Samples, 1000, params.SampleRate); a < 0.5 {
				t.Errorf("1 kHz amplitude %.3f in the middle window", a)
			}
			// First is today's behaviour: the start, at 440 Hz.
			first, err := Decode(p, Options{Seconds: secs})
			if err != nil || first.Start != 0 || goertzelAmp(first.Samples, 440, params.SampleRate) < 0.5 {
				t.Errorf("First window: start %v, err %v", first.Start, err)
			}
		})
	}
}

// bestLag finds the lag in [-maxLag, maxLag] at which x best matches
// full[start+lag:], and the max abs diff there.
func bestLag(x, full []float32, start, maxLag int) (int, float64) {
	bestL, best := 0, math.Inf(1)
	for lag := -maxLag; lag <= maxLag; lag++ {
		o := start + lag
		if o < 0 || o+len(x) > len(full) {
			continue
		}
		var worst float64
		for i, v := range x {
			if d := math.Abs(float64(v - full[o+i])); d > worst {
				worst = d
				if worst > best {
					break
				}
			}
		}
		if worst < best {
			bestL, best = lag, worst
		}
	}
	return bestL, best
}

// TestShortFileMiddleIsStart checks that files of at most
// params.MiddleMinSeconds are analysed from the start with Middle.
func TestShortFileMiddleIsStart(t *testing.T) {
	p := lameFixture(t, "long75.mp3", 440, 44100, 2, 75, "-b", "128", "--cbr")
	short := mp3Tone440(t)
	for _, tc := range []struct {
		path  string
		start float64
	}{{short, 0}, {p, 22.5}} { // 75 s of mp3 last 75.05 s with the padding
		c, err := Decode(tc.path, Options{Seconds: 30, Window: Middle})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c.Start-tc.start) > 0.05 {
			t.Errorf("%s: start %.3f, want %.3f", filepath.Base(tc.path), c.Start, tc.start)
		}
	}
}
