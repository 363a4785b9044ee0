package audio

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/testaudio"
)

// cliDecode returns what the ffmpeg CLI makes of path as mono float32 at
// params.SampleRate, with extra input options (e.g. "-ss", "75") before
// -i; the test is skipped when the CLI is absent.
func cliDecode(tb testing.TB, path string, inputOpts ...string) []float32 {
	tb.Helper()
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		tb.Skip("the ffmpeg CLI is not installed (Debian package ffmpeg): nothing to compare the decoder with")
	}
	args := append([]string{"-nostdin", "-v", "error"}, inputOpts...)
	args = append(args, "-i", path, "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-ar", fmt.Sprint(params.SampleRate), "pipe:1")
	b, err := exec.Command(ff, args...).Output()
	if err != nil {
		tb.Fatalf("ffmpeg %v: %v", args, err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

// stereoSource writes secs of a two-channel test signal at rate (a chord
// plus noise on the left, another chord on the right) as a 16-bit WAV.
func stereoSource(path string, rate, channels int, secs float64) error {
	n := int(secs * float64(rate))
	l := testaudio.Signal(n, rate, []float64{220, 277.2, 329.6}, 0.05)
	r := testaudio.Signal(n, rate, []float64{440, 1500}, 0.02)
	x := make([]float64, 0, n*channels)
	for i := range n {
		x = append(x, l[i])
		if channels == 2 {
			x = append(x, r[i])
		}
	}
	return os.WriteFile(path, encodeWAV(wavSpec{rate: rate, channels: channels, bits: 16}, x), 0o644)
}

// encodedFixture returns a file made from stereoSource's signal at rate on
// channels by tool ("lame" or "ffmpeg") with the given options; ext names
// the output's extension.
func encodedFixture(tb testing.TB, name string, rate, channels int, tool string, opts ...string) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		if err := stereoSource(w, rate, channels, 4); err != nil {
			return err
		}
		defer os.Remove(w)
		switch tool {
		case "copy":
			return os.Rename(w, p)
		case "lame":
			return run("lame", append(append([]string{"--quiet"}, opts...), w, p)...)
		}
		args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", w}, opts...)
		return run("ffmpeg", append(args, p)...)
	})
}

// TestMatchesCLI decodes files of every format the package is meant for
// and compares Load's output with the ffmpeg CLI's, sample by sample.
//
// Result with Debian 12's FFmpeg 5.1: every signal below is bit-identical
// (max abs diff 0, same length), mp3 at all seven rates, CBR and VBR,
// mono and stereo, the three WAV sample formats, FLAC, Vorbis, Opus and
// AAC in M4A included.
func TestMatchesCLI(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("the ffmpeg CLI is not installed (Debian package ffmpeg): nothing to compare the decoder with")
	}
	type tc struct {
		name string
		path func(testing.TB) string
	}
	var cases []tc
	for _, rate := range []int{44100, 48000, 32000, 24000, 22050, 16000, 8000} {
		for _, ch := range []int{1, 2} {
			mode := map[int]string{1: "m", 2: "j"}[ch]
			for _, v := range []struct{ kind, a, b string }{{"cbr", "-b", "64"}, {"vbr", "-V", "4"}} {
				name := fmt.Sprintf("mp3-%d-%dch-%s", rate, ch, v.kind)
				cases = append(cases, tc{name, func(tb testing.TB) string {
					return encodedFixture(tb, name+".mp3", rate, ch, "lame", "-m", mode, v.a, v.b)
				}})
			}
		}
	}
	ff := func(name string, rate, ch int, opts ...string) tc {
		return tc{name, func(tb testing.TB) string { return encodedFixture(tb, name, rate, ch, "ffmpeg", opts...) }}
	}
	cases = append(cases,
		tc{"wav-s16-44k-stereo", func(tb testing.TB) string { return encodedFixture(tb, "s16.wav", 44100, 2, "copy") }},
		tc{"wav-s16-22k-mono", func(tb testing.TB) string { return encodedFixture(tb, "s16m.wav", 22050, 1, "copy") }},
		ff("f32.wav", 48000, 2, "-c:a", "pcm_f32le"),
		ff("s24.wav", 96000, 2, "-c:a", "pcm_s24le"),
		ff("s24-6ch.wav", 44100, 2, "-c:a", "pcm_s24le", "-ac", "6"),
		ff("t.flac", 44100, 2, "-c:a", "flac"),
		ff("t.ogg", 44100, 2, "-c:a", "libvorbis", "-q:a", "4"),
		ff("t.opus", 48000, 2, "-c:a", "libopus", "-b:a", "96k"),
		ff("t.m4a", 44100, 2, "-c:a", "aac", "-b:a", "128k"),
		ff("t.aiff", 44100, 2, "-c:a", "pcm_s16be"),
		ff("t-ffmpeg.mp3", 32000, 2, "-c:a", "libmp3lame", "-b:a", "96k"),
		ff("t.mp2", 48000, 1, "-c:a", "mp2", "-b:a", "96k"),
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.path(t)
			want := cliDecode(t, p)
			got, err := Load(p, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("%d samples, the CLI gives %d", len(got), len(want))
			}
			var worst float64
			for i := range min(len(got), len(want)) {
				worst = math.Max(worst, math.Abs(float64(got[i]-want[i])))
			}
			t.Logf("%s: %d samples, max abs diff from the CLI %g", filepath.Base(p), len(got), worst)
			if worst > 1e-7 {
				t.Errorf("max abs diff from the CLI %g > 1e-7", worst)
			}
		})
	}
}

// TestOtherFormatsNamedMP3 checks that formats are probed by content: a
// WAV, an MP4/AAC and an Ogg Opus file named .mp3 are decoded as such,
// exactly as the CLI decodes them.
func TestOtherFormatsNamedMP3(t *testing.T) {
	for _, tc := range []struct {
		format string
		opts   []string
	}{
		{"wav", []string{"-f", "wav"}},
		{"mov,mp4,m4a,3gp,3g2,mj2", []string{"-c:a", "aac", "-f", "mp4"}},
		{"ogg", []string{"-c:a", "libopus", "-f", "ogg"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			p := encodedFixture(t, "named-"+tc.opts[len(tc.opts)-1]+".mp3", 44100, 2, "ffmpeg", tc.opts...)
			out, st, err := load(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.format != tc.format {
				t.Errorf("format %q, want %q", st.format, tc.format)
			}
			want := cliDecode(t, p)
			if len(out) != len(want) {
				t.Fatalf("%d samples, the CLI gives %d", len(out), len(want))
			}
			for i := range out {
				if out[i] != want[i] {
					t.Fatalf("sample %d = %v, the CLI gives %v", i, out[i], want[i])
				}
			}
		})
	}
}
