package audio

import (
	"errors"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/params"
)

// flacFixture returns a FLAC file (Ogg FLAC with ogg set) of a tone of
// the given sample size, encoded by Debian's flac.
func flacFixture(tb testing.TB, name string, freq float64, rate, channels, bits int, secs float64, ogg bool) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		x := tone(freq, rate, channels, secs, 0.5)
		if err := os.WriteFile(w, encodeWAV(wavSpec{rate: rate, channels: channels, bits: bits}, x), 0o644); err != nil {
			return err
		}
		defer os.Remove(w)
		args := []string{"--silent", "--force", "--no-keep-foreign-metadata"}
		if ogg {
			args = append(args, "--ogg")
		}
		return run("flac", append(args, "-o", p, w)...)
	})
}

// vorbisFixture returns an Ogg Vorbis file of a tone, encoded by ffmpeg's
// libvorbis or, failing that, by oggenc.
func vorbisFixture(tb testing.TB, name string, freq float64, rate, channels int, secs float64) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		if err := writeToneWAV(w, freq, rate, channels, secs); err != nil {
			return err
		}
		defer os.Remove(w)
		err := run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", w, "-c:a", "libvorbis", "-q:a", "5", "-f", "ogg", p)
		if err == nil {
			return nil
		}
		if _, lerr := exec.LookPath("oggenc"); lerr == nil {
			return run("oggenc", "--quiet", "-q", "5", "-o", p, w)
		}
		if _, ok := err.(skipError); ok {
			return skipError("neither ffmpeg with libvorbis nor oggenc (Debian vorbis-tools) is installed; skipping Vorbis test")
		}
		return skipError("ffmpeg cannot encode libvorbis and oggenc is missing: " + err.Error())
	})
}

// TestFLACVorbisTone decodes tones in FLAC, Ogg FLAC and Ogg Vorbis and
// checks the format, the length and that the tone is where it belongs.
func TestFLACVorbisTone(t *testing.T) {
	const secs = 4.0
	cases := []struct {
		name      string
		path      func(testing.TB) string
		format    string
		rate, ch  int
		freq      float64
		slackMs   float64 // allowed length error
		leakRatio float64 // energy allowed at other frequencies, relative to the tone
	}{
		{"flac-44k-stereo-16", func(tb testing.TB) string {
			return flacFixture(tb, "t44k.flac", 440, 44100, 2, 16, secs, false)
		}, "flac", 44100, 2, 440, 0.1, 1e-3},
		{"flac-48k-mono-24", func(tb testing.TB) string {
			return flacFixture(tb, "t48k-24.flac", 1000, 48000, 1, 24, secs, false)
		}, "flac", 48000, 1, 1000, 0.1, 1e-3},
		{"flac-8k-stereo-8", func(tb testing.TB) string {
			return flacFixture(tb, "t8k-8.flac", 440, 8000, 2, 8, secs, false)
		}, "flac", 8000, 2, 440, 0.1, 2e-2},
		{"ogg-flac-44k-stereo", func(tb testing.TB) string {
			return flacFixture(tb, "t44k.oga", 440, 44100, 2, 16, secs, true)
		}, "ogg", 44100, 2, 440, 0.1, 1e-3},
		{"vorbis-44k-stereo", func(tb testing.TB) string {
			return vorbisFixture(tb, "t44k.ogg", 440, 44100, 2, secs)
		}, "ogg", 44100, 2, 440, 5, 1e-2},
		{"vorbis-22k-mono", func(tb testing.TB) string {
			return vorbisFixture(tb, "t22k.ogg", 440, 22050, 1, secs)
		}, "ogg", 22050, 1, 440, 5, 1e-2},
		{"vorbis-48k-stereo", func(tb testing.TB) string {
			return vorbisFixture(tb, "t48k.ogg", 1000, 48000, 2, secs)
		}, "ogg", 48000, 2, 1000, 5, 1e-2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			out, st, err := load(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.format != tc.format || st.sourceRate != tc.rate || st.channels != tc.ch {
				t.Errorf("decoded as %s %d Hz %d ch, want %s %d Hz %d ch", st.format, st.sourceRate, st.channels, tc.format, tc.rate, tc.ch)
			}
			want := secs * params.SampleRate
			if diff := math.Abs(float64(len(out))-want) / params.SampleRate * 1000; diff > tc.slackMs {
				t.Errorf("got %d samples, want %.0f (off by %.2f ms > %.2f ms)", len(out), want, diff, tc.slackMs)
			}
			mid := out[len(out)/8 : len(out)*7/8]
			a := goertzelAmp(mid, tc.freq, params.SampleRate)
			// FFmpeg mixes equal channels c to c·√2 (no normalisation).
			amp := 0.5 * math.Sqrt(float64(tc.ch))
			if a < 0.9*amp || a > 1.1*amp {
				t.Errorf("amplitude at %.0f Hz = %.3f, want ≈%.3f", tc.freq, a, amp)
			}
			total := rms(mid) * math.Sqrt2
			if frac := (a * a) / (total * total); frac < 0.95 {
				t.Errorf("only %.1f%% of the energy at %.0f Hz", 100*frac, tc.freq)
			}
			for _, other := range []float64{tc.freq / 2, tc.freq * 2, tc.freq * 3, 3000} {
				if o := goertzelAmp(mid, other, params.SampleRate); o > a*tc.leakRatio {
					t.Errorf("energy at %.0f Hz (%.5f) above %g of the tone (%.4f)", other, o, tc.leakRatio, a)
				}
			}
			for i, v := range out {
				if math.IsNaN(float64(v)) || v < -1.01 || v > 1.01 {
					t.Fatalf("sample %d = %v out of range", i, v)
				}
			}
		})
	}
}

// TestFLACLossless checks that a 22,050 Hz FLAC file decodes to exactly the
// samples of the WAV it was encoded from (no resampling on either path),
// for mono and for the mean of stereo channels.
func TestFLACLossless(t *testing.T) {
	for _, ch := range []int{1, 2} {
		name := map[int]string{1: "mono", 2: "stereo"}[ch]
		t.Run(name, func(t *testing.T) {
			fl := flacFixture(t, "lossless-"+name+".flac", 523.25, 22050, ch, 16, 2, false)
			w := filepath.Join(t.TempDir(), "src.wav")
			if err := os.WriteFile(w, encodeWAV(wavSpec{rate: 22050, channels: ch, bits: 16}, tone(523.25, 22050, ch, 2, 0.5)), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Load(fl, 0)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Load(w, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("FLAC gave %d samples, WAV %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("sample %d: FLAC %v, WAV %v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestFLACVorbisBudget loads 1 s of 60-s files: decoding must stop at the
// budget and read only the start of the file.
func TestFLACVorbisBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(testing.TB) string
		rate int
	}{
		{"flac", func(tb testing.TB) string { return flacFixture(tb, "long60.flac", 440, 44100, 2, 16, 60, false) }, 44100},
		{"vorbis", func(tb testing.TB) string { return vorbisFixture(tb, "long60.ogg", 440, 44100, 2, 60) }, 44100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			out, st, err := load(p, params.SampleRate, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != params.SampleRate {
				t.Fatalf("got %d samples, want %d", len(out), params.SampleRate)
			}
			// One frame (at most 4,608 FLAC or 2,048 Vorbis samples) beyond need.
			if st.sourceFrames < tc.rate || st.sourceFrames > tc.rate+8192 {
				t.Errorf("decoded %d source frames; need %d", st.sourceFrames, tc.rate)
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			// 1 of 60 s plus read-ahead: a tenth of the file, plus what
			// libavformat reads besides: the Ogg demuxer looks for the
			// last page (up to 64 kB from the end) for the duration, and
			// each read fills the 32-kB AVIOContext buffer.
			if st.bytesRead > fi.Size()/10+128<<10 {
				t.Errorf("read %d of %d bytes for 1 of 60 s", st.bytesRead, fi.Size())
			}
			full, err := Load(p, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(float64(len(full)) - 60*params.SampleRate); d > 0.01*params.SampleRate {
				t.Errorf("full decode: %d samples, want ≈%d", len(full), 60*params.SampleRate)
			}
			var worst float64
			for i := range out {
				worst = math.Max(worst, math.Abs(float64(out[i]-full[i])))
			}
			if worst > 1e-5 {
				t.Errorf("budgeted decode differs from the full decode by up to %g", worst)
			}
		})
	}
}

// TestFLACVorbisTruncated cuts files at many points: the result must be
// the samples before the cut (roughly in proportion) or an error, never a
// crash or hang.
func TestFLACVorbisTruncated(t *testing.T) {
	srcs := map[string]string{
		"flac":   flacFixture(t, "long20.flac", 440, 44100, 2, 16, 20, false),
		"vorbis": vorbisFixture(t, "long20.ogg", 440, 44100, 2, 20),
	}
	for kind, src := range srcs {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		full, err := Load(src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, frac := range []float64{0.001, 0.01, 0.1, 0.5, 0.77, 0.999} {
			cut := int(frac * float64(len(data)))
			p := filepath.Join(t.TempDir(), "cut")
			if err := os.WriteFile(p, data[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := Load(p, 0)
			if err != nil {
				if !errors.Is(err, ErrNoAudio) && !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s cut at %d/%d bytes: error %v is neither ErrNoAudio nor ErrUnsupported", kind, cut, len(data), err)
				}
				if frac >= 0.5 {
					t.Errorf("%s cut at %.1f%%: %v", kind, 100*frac, err)
				}
				continue
			}
			// The headers come first and a partial frame or Ogg page is
			// lost, so a little less than frac of the audio survives.
			if got := float64(len(out)) / float64(len(full)); frac >= 0.5 && (got < frac-0.15 || got > frac+0.01) {
				t.Errorf("%s cut at %.1f%%: got %.1f%% of the samples", kind, 100*frac, 100*got)
			}
		}
	}
}

// TestFLACVorbisCorrupt damages files in several ways: every load must
// end with samples or a clean error, and damage in the middle must keep at
// least the audio before it.
func TestFLACVorbisCorrupt(t *testing.T) {
	srcs := map[string]string{
		"flac":   flacFixture(t, "long20.flac", 440, 44100, 2, 16, 20, false),
		"vorbis": vorbisFixture(t, "long20.ogg", 440, 44100, 2, 20),
	}
	rng := rand.New(rand.NewSource(8))
	for kind, src := range srcs {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		full, err := Load(src, 0)
		if err != nil {
			t.Fatal(err)
		}
		junk := func(n int) []byte {
			b := make([]byte, n)
			rng.Read(b)
			return b
		}
		damaged := map[string][]byte{}
		mid := append([]byte(nil), data...)
		copy(mid[len(mid)/2:], junk(len(mid)/10))
		damaged["random middle"] = mid
		flips := append([]byte(nil), data...)
		for i := 0; i < 20; i++ {
			flips[len(flips)/2+rng.Intn(len(flips)/2)] ^= byte(1 << rng.Intn(8))
		}
		damaged["bit flips"] = flips
		damaged["zeroed middle"] = append(append(append([]byte(nil), data[:len(data)/2]...), make([]byte, 4096)...), data[len(data)/2+4096:]...)
		damaged["magic then junk"] = append(append([]byte(nil), data[:64]...), junk(64<<10)...)
		damaged["headers only"] = data[:min(len(data), 8192)]
		for name, b := range damaged {
			p := filepath.Join(t.TempDir(), "damaged.mp3")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := Load(p, params.MaxSamples)
			if err != nil {
				if strings.Contains(err.Error(), "internal error") {
					t.Fatalf("%s, %s: Load panicked: %v", kind, name, err)
				}
				t.Logf("%s, %s: %v", kind, name, err)
				if strings.HasSuffix(name, "middle") || name == "bit flips" {
					t.Errorf("%s, %s: no samples (%v); the audio before the damage is good", kind, name, err)
				}
				continue
			}
			for i, v := range out {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("%s, %s: sample %d is %v", kind, name, i, v)
				}
			}
			if (strings.HasSuffix(name, "middle") || name == "bit flips") && len(out) < len(full)*4/10 {
				t.Errorf("%s, %s: %d of %d samples; want at least the part before the damage", kind, name, len(out), len(full))
			}
			t.Logf("%s, %s: %d of %d samples", kind, name, len(out), len(full))
		}
	}
}

// TestOggHeadersAndID3FLAC checks Ogg streams that hold only a header
// page and FLAC behind an ID3v2 tag, by content only.
func TestOggHeadersAndID3FLAC(t *testing.T) {
	page := func(packet string) []byte {
		h := []byte("OggS\x00\x02")
		h = append(h, make([]byte, 20)...) // granule, serial, sequence, CRC
		h = append(h, 1, byte(len(packet)))
		return append(h, packet...)
	}
	// A lone Opus or Vorbis header page is ErrUnsupported or yields no
	// audio.
	for name, data := range map[string][]byte{
		"opus.ogg":   page("OpusHead\x01\x02\x00\x0f\x80\xbb\x00\x00\x00\x00\x00"),
		"vorbis.ogg": page("\x01vorbis\x00\x00\x00\x00\x02\x44\xac\x00\x00"),
	} {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := Load(p, 0); err == nil || (!errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrNoAudio)) {
			t.Errorf("%s: %d samples, error %v; want ErrUnsupported or ErrNoAudio", name, len(out), err)
		}
	}

	// FLAC behind an ID3v2 tag (with padding) is FLAC, not MPEG.
	src, err := os.ReadFile(flacFixture(t, "id3.flac", 440, 44100, 1, 16, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	tagged := append([]byte("ID3\x03\x00\x00\x00\x00\x08\x00"), make([]byte, 1024)...)
	p := filepath.Join(t.TempDir(), "id3.flac")
	if err := os.WriteFile(p, append(tagged, src...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, st, err := load(p, 0, nil)
	if err != nil || st.format != "flac" || math.Abs(float64(len(out))-params.SampleRate) > 1 {
		t.Errorf("ID3v2 + FLAC: format %q, %d samples, %v; want flac, %d samples", st.format, len(out), err, params.SampleRate)
	}
}
