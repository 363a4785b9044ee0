package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/sharedtest"
)

// TestMP3Tone checks length and spectral content of decoded mp3s of many
// flavours: MPEG-1/2/2.5, layer II and III, CBR and VBR, mono and stereo.
func TestMP3Tone(t *testing.T) {
	const secs = 4.0
	cases := []struct {
		name     string
		path     func(testing.TB) string
		rate     int     // expected source rate
		channels int     // expected source channels
		freq     float64 // tone frequency
		slackMs  float64 // allowed length error
	}{
		{"mpeg1-44k-stereo-cbr128", mp3Tone440, 44100, 2, 440, 5},
		{"mpeg2.5-8k-mono", func(tb testing.TB) string {
			return lameFixture(tb, "t8k.mp3", 440, 8000, 1, secs, "-m", "m", "-b", "24")
		}, 8000, 1, 440, 5},
		// At 16 kHz mono, lame needs >= 40 kbps frames to have room for its
		// gapless (LAME/Xing) header; without it the length is off by the
		// encoder delay and padding, as in the no-tag case below.
		{"mpeg2-16k-mono", func(tb testing.TB) string {
			return lameFixture(tb, "t16k.mp3", 440, 16000, 1, secs, "-m", "m", "-b", "64")
		}, 16000, 1, 440, 5},
		{"mpeg2-16k-mono-no-gapless-tag", func(tb testing.TB) string {
			return lameFixture(tb, "t16k-notag.mp3", 440, 16000, 1, secs, "-m", "m", "-b", "32")
		}, 16000, 1, 440, 120},
		{"mpeg2-24k-stereo", func(tb testing.TB) string {
			return lameFixture(tb, "t24k.mp3", 1000, 24000, 2, secs, "-b", "64")
		}, 24000, 2, 1000, 5},
		{"mpeg1-48k-stereo", func(tb testing.TB) string {
			return lameFixture(tb, "t48k.mp3", 440, 48000, 2, secs, "-b", "192")
		}, 48000, 2, 440, 5},
		{"mpeg1-44k-vbr", func(tb testing.TB) string {
			return lameFixture(tb, "tvbr.mp3", 440, 44100, 2, secs, "-V", "2")
		}, 44100, 2, 440, 5},
		{"layer2-44k-stereo", func(tb testing.TB) string {
			return ffmpegFixture(tb, "t44k.mp2", 440, 44100, 2, secs, "-c:a", "mp2", "-b:a", "192k", "-f", "mp2")
		}, 44100, 2, 440, 60}, // no gapless info in layer II: decoder delay and frame padding remain
		{"layer2-48k-mono", func(tb testing.TB) string {
			return ffmpegFixture(tb, "t48k-mono.mp2", 440, 48000, 1, secs, "-c:a", "mp2", "-b:a", "96k", "-ac", "1", "-f", "mp2")
		}, 48000, 1, 440, 60},
		{"ffmpeg-libmp3lame-32k", func(tb testing.TB) string {
			return ffmpegFixture(tb, "t32k-ff.mp3", 440, 32000, 2, secs, "-c:a", "libmp3lame", "-b:a", "96k")
		}, 32000, 2, 440, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			out, st, err := load(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.format != "mp3" || st.sourceRate != tc.rate || st.channels != tc.channels {
				t.Errorf("decoded as %s %d Hz %d ch, want mp3 %d Hz %d ch", st.format, st.sourceRate, st.channels, tc.rate, tc.channels)
			}
			dur := 10.0
			if tc.name != "mpeg1-44k-stereo-cbr128" {
				dur = secs
			}
			want := dur * params.SampleRate
			if diff := math.Abs(float64(len(out))-want) / params.SampleRate * 1000; diff > tc.slackMs {
				t.Errorf("got %d samples, want %.0f (off by %.1f ms > %.0f ms)", len(out), want, diff, tc.slackMs)
			}
			// Skip the edges (encoder ramp-up) and look at the tone.
			mid := out[len(out)/8 : len(out)*7/8]
			a := goertzelAmp(mid, tc.freq, params.SampleRate)
			total := rms(mid) * math.Sqrt2
			// FFmpeg mixes equal channels c to c·√2 (no normalisation).
			amp := 0.5 * math.Sqrt(float64(tc.channels))
			if a < 0.9*amp || a > 1.1*amp {
				t.Errorf("amplitude at %.0f Hz = %.3f, want ≈%.3f", tc.freq, a, amp)
			}
			if frac := (a * a) / (total * total); frac < 0.95 {
				t.Errorf("only %.1f%% of the energy at %.0f Hz", 100*frac, tc.freq)
			}
			for _, other := range []float64{tc.freq / 2, tc.freq * 2, tc.freq * 3, 3000} {
				if o := goertzelAmp(mid, other, params.SampleRate); o > a/100 {
					t.Errorf("energy at %.0f Hz (%.4f) not 40 dB below the tone (%.4f)", other, o, a)
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

// TestMP3BigID3 prepends a 300 kB ID3v2.3 tag with an APIC frame full of
// random bytes (with MPEG-like sync words in them) to an mp3.
func TestMP3BigID3(t *testing.T) {
	src := mp3Tone440(t)
	ref, err := Load(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	mp3, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	pic := make([]byte, 300_000)
	rng.Read(pic)
	for i := 0; i+4 < len(pic); i += 997 {
		copy(pic[i:], []byte{0xFF, 0xFB, 0x90, 0x64}) // fake frame headers
	}
	body := append([]byte("\x00image/jpeg\x00\x03cover\x00"), pic...)
	frame := append([]byte("APIC"), binary.BigEndian.AppendUint32(nil, uint32(len(body)))...)
	frame = append(frame, 0, 0)
	frame = append(frame, body...)
	tag := append([]byte("ID3\x03\x00\x00"), syncsafe(len(frame)+1024)...)
	tag = append(tag, frame...)
	tag = append(tag, make([]byte, 1024)...) // padding
	p := filepath.Join(t.TempDir(), "apic.mp3")
	if err := os.WriteFile(p, append(tag, mp3...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Load(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(ref) {
		t.Fatalf("with ID3 tag: %d samples, without: %d", len(out), len(ref))
	}
	for i := range out {
		if out[i] != ref[i] {
			t.Fatalf("sample %d differs: %v vs %v", i, out[i], ref[i])
		}
	}
}

// syncsafe encodes n as a 4-byte ID3v2 synchsafe integer.
func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}

// TestWAVFormats decodes WAV files in every supported sample format at
// 22,050 Hz (so no resampling happens) and checks the exact values.
func TestWAVFormats(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const frames = 5000
	cases := []struct {
		name string
		spec wavSpec
		tol  float64
	}{
		{"u8-mono", wavSpec{rate: 22050, channels: 1, bits: 8}, 1.0 / 128},
		{"s16-mono", wavSpec{rate: 22050, channels: 1, bits: 16}, 1.0 / 32768},
		{"s16-stereo", wavSpec{rate: 22050, channels: 2, bits: 16}, 1.0 / 32768},
		{"s24-stereo", wavSpec{rate: 22050, channels: 2, bits: 24}, 1.0 / (1 << 23)},
		{"s32-mono", wavSpec{rate: 22050, channels: 1, bits: 32}, 1e-7},
		{"f32-stereo", wavSpec{rate: 22050, channels: 2, bits: 32, float: true}, 1e-7},
		{"f64-mono", wavSpec{rate: 22050, channels: 1, bits: 64, float: true}, 1e-7},
		{"ext-s16-6ch", wavSpec{rate: 22050, channels: 6, bits: 16, extensible: true}, 1.0 / 32768},
		{"ext-f32-3ch", wavSpec{rate: 22050, channels: 3, bits: 32, float: true, extensible: true}, 1e-7},
		{"ext-s24-mono", wavSpec{rate: 22050, channels: 1, bits: 24, extensible: true}, 1.0 / (1 << 23)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float64, frames*tc.spec.channels)
			for i := range x {
				x[i] = 0.9 * (2*rng.Float64() - 1)
			}
			p := filepath.Join(t.TempDir(), tc.name+".wav")
			if err := os.WriteFile(p, encodeWAV(tc.spec, x), 0o644); err != nil {
				t.Fatal(err)
			}
			out, st, err := load(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.format != "wav" || st.channels != tc.spec.channels || st.sourceRate != 22050 {
				t.Errorf("stats %+v", st)
			}
			if len(out) != frames {
				t.Fatalf("got %d samples, want %d", len(out), frames)
			}
			c := tc.spec.channels
			var cli []float32
			if c > 2 {
				// libswresample's downmix of c channels: compare with the CLI.
				cli = cliDecode(t, p)
			}
			for i := 0; i < frames; i++ {
				var want float64
				switch c {
				case 1:
					want = x[i]
				case 2:
					want = (x[2*i] + x[2*i+1]) * math.Sqrt2 / 2 // FFmpeg: (L+R)/√2
				default:
					want = float64(cli[i])
				}
				if d := math.Abs(float64(out[i]) - want); d > tc.tol+1e-7 {
					t.Fatalf("sample %d = %v, want %v (diff %g > %g)", i, out[i], want, d, tc.tol)
				}
			}
		})
	}
}

// TestWAVInt16Exact checks that int16 WAV samples come out as exactly
// float32(v)/32768 (libsndfile's scaling), with every int16 value, and
// that stereo is mixed as FFmpeg mixes it for float output: (l+r)/√2.
func TestWAVInt16Exact(t *testing.T) {
	le := binary.LittleEndian
	var mono []byte
	for v := -32768; v <= 32767; v++ {
		mono = le.AppendUint16(mono, uint16(int16(v)))
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "all.wav")
	if err := os.WriteFile(p, encodeWAVRaw(wavSpec{rate: 22050, channels: 1, bits: 16}, mono), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Load(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 65536 {
		t.Fatalf("got %d samples", len(out))
	}
	for i, v := range out {
		if want := float32(int16(i-32768)) / 32768; v != want {
			t.Fatalf("sample %d = %v, want %v", i, v, want)
		}
	}

	rng := rand.New(rand.NewSource(3))
	var st []byte
	var l, r []int16
	for i := 0; i < 20000; i++ {
		a, b := int16(rng.Intn(65536)-32768), int16(rng.Intn(65536)-32768)
		l, r = append(l, a), append(r, b)
		st = le.AppendUint16(le.AppendUint16(st, uint16(a)), uint16(b))
	}
	p = filepath.Join(dir, "stereo.wav")
	if err := os.WriteFile(p, encodeWAVRaw(wavSpec{rate: 22050, channels: 2, bits: 16}, st), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = Load(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		want := (float64(l[i])/32768 + float64(r[i])/32768) * math.Sqrt2 / 2 // FFmpeg: (L+R)/√2
		if math.Abs(float64(v)-want) > 2e-7 {                                // float32 rounding of the matrix sum
			t.Fatalf("stereo sample %d = %v, want %v", i, v, want)
		}
	}
}

// TestWAVNamedMP3 checks that detection goes by content, not by name.
func TestWAVNamedMP3(t *testing.T) {
	p := filepath.Join(t.TempDir(), "actually-a-wav.mp3")
	x := tone(440, 22050, 2, 1, 0.5)
	if err := os.WriteFile(p, encodeWAV(wavSpec{rate: 22050, channels: 2, bits: 16}, x), 0o644); err != nil {
		t.Fatal(err)
	}
	out, st, err := load(p, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.format != "wav" || len(out) != 22050 {
		t.Fatalf("format %q, %d samples; want wav, 22050", st.format, len(out))
	}
}

// TestWAVResampledLength checks the output length for WAVs at other rates.
func TestWAVResampledLength(t *testing.T) {
	for _, tc := range []struct{ rate, frames int }{
		{44100, 44101}, {48000, 48000}, {8000, 12345}, {11025, 1000}, {96000, 96001},
	} {
		p := filepath.Join(t.TempDir(), "r.wav")
		if err := os.WriteFile(p, encodeWAV(wavSpec{rate: tc.rate, channels: 1, bits: 16}, tone(440, tc.rate, 1, float64(tc.frames)/float64(tc.rate), 0.5)), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := Load(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		// libswresample's flushed length: within one sample of n·22050/rate
		// (TestMatchesCLI checks it exactly against the CLI).
		want := float64(tc.frames) * 22050 / float64(tc.rate)
		if math.Abs(float64(len(out))-want) > 1 {
			t.Errorf("%d Hz, %d frames: got %d samples, want %.1f", tc.rate, tc.frames, len(out), want)
		}
	}
}

// TestResampleFilter checks libswresample's anti-aliasing (its default
// filter, as the CLI uses it) at 48 kHz → 22,050 Hz: a 15 kHz tone (which
// would alias to 7,050 Hz) must vanish and tones up to 9 kHz must pass
// almost unchanged. Its transition band is wider than soxr's HQ filter
// (librosa's): measured -1.3 dB at 10 kHz, -10 dB at 11 kHz, -36 dB at
// 12 kHz, -70 dB at 12.5 kHz.
func TestResampleFilter(t *testing.T) {
	cases := []struct {
		freq   float64
		minDB  float64 // bounds on output/input level in dB
		maxDB  float64
		aliasF float64 // where an alias would land (0: none)
	}{
		{15000, math.Inf(-1), -60, 7050},
		{5000, -0.5, 0.5, 0},
		{9000, -0.5, 0.5, 0},
		{11000, -12, -8, 0},
		{12500, math.Inf(-1), -60, 9550},
	}
	for _, tc := range cases {
		p := filepath.Join(t.TempDir(), "f.wav")
		x := tone(tc.freq, 48000, 1, 2, 0.5)
		if err := os.WriteFile(p, encodeWAV(wavSpec{rate: 48000, channels: 1, bits: 32, float: true}, x), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := Load(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		mid := out[len(out)/4 : len(out)*3/4]
		inRMS := 0.5 / math.Sqrt2
		db := 20 * math.Log10(rms(mid)/inRMS)
		if db < tc.minDB || db > tc.maxDB {
			t.Errorf("%.0f Hz tone: level change %.2f dB, want in [%g, %g]", tc.freq, db, tc.minDB, tc.maxDB)
		}
		if tc.aliasF > 0 {
			if a := goertzelAmp(mid, tc.aliasF, 22050); 20*math.Log10(a/0.5) > -60 {
				t.Errorf("%.0f Hz tone: alias at %.0f Hz only %.1f dB down", tc.freq, tc.aliasF, 20*math.Log10(a/0.5))
			}
		}
	}
}

// TestBudget loads 75-s files with maxSamples = params.MaxSamples and
// checks both the result and that decoding stopped early.
func TestBudget(t *testing.T) {
	long := func(tb testing.TB) string {
		return lameFixture(tb, "long75.mp3", 440, 44100, 2, 75, "-b", "128", "--cbr")
	}
	longWAV := func(tb testing.TB) string {
		return fixture(tb, "long75.wav", func(p string) error { return writeToneWAV(p, 440, 48000, 2, 75) })
	}
	longWAV22 := func(tb testing.TB) string {
		return fixture(tb, "long75-22k.wav", func(p string) error { return writeToneWAV(p, 440, 22050, 1, 75) })
	}
	for _, tc := range []struct {
		name string
		path func(testing.TB) string
		rate int
	}{
		{"mp3-44k", long, 44100},
		{"wav-48k", longWAV, 48000},
		{"wav-22k", longWAV22, 22050},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			out, st, err := load(p, params.MaxSamples, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != params.MaxSamples {
				t.Fatalf("got %d samples, want %d", len(out), params.MaxSamples)
			}
			need := params.AnalysisSeconds * tc.rate
			if st.sourceFrames > need+tc.rate/10+4096 {
				t.Errorf("decoded %d source frames for %d needed: budget not honoured", st.sourceFrames, need)
			}
			if st.sourceFrames < need {
				t.Errorf("decoded only %d source frames, %d needed", st.sourceFrames, need)
			}
			if st.format == "mp3" {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				// 30 of 75 s plus read-ahead buffering: well under half the file.
				if st.bytesRead > fi.Size()/2 {
					t.Errorf("read %d of %d bytes for 30 of 75 s", st.bytesRead, fi.Size())
				}
				t.Logf("read %d of %d bytes, decoded %d of %d frames", st.bytesRead, fi.Size(), st.sourceFrames, 75*tc.rate)
			}
			full, st2, err := load(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st2.sourceFrames < 75*tc.rate-tc.rate/10 || len(full) < 75*22050-100 {
				t.Fatalf("full decode: %d frames, %d samples", st2.sourceFrames, len(full))
			}
			// The truncated result must match the start of the full one.
			var worst float64
			for i := range out {
				worst = math.Max(worst, math.Abs(float64(out[i]-full[i])))
			}
			if worst > 1e-5 {
				t.Errorf("budgeted decode differs from full decode by up to %g", worst)
			}
			// Small limits work too.
			short, err := Load(p, 1000)
			if err != nil || len(short) != 1000 {
				t.Errorf("maxSamples=1000: %d samples, %v", len(short), err)
			}
		})
	}
}

// TestBadInputs feeds files that are not audio and expects a clean
// ErrUnsupported or ErrNoAudio.
func TestBadInputs(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	random := make([]byte, 256<<10)
	rng.Read(random)
	text := bytes.Repeat([]byte("This is not an mp3 file, just some text.\n"), 2000)
	id3only := append([]byte("ID3\x03\x00\x00"), syncsafe(2000)...)
	id3only = append(id3only, make([]byte, 2000)...)
	wavNoData := encodeWAVRaw(wavSpec{rate: 22050, channels: 1, bits: 16}, nil)
	wavBadFmt := encodeWAVRaw(wavSpec{rate: 22050, channels: 1, bits: 16}, make([]byte, 100))
	binary.LittleEndian.PutUint16(wavBadFmt[20:], 0x55) // MP3-in-WAV tag
	wavZeroCh := encodeWAVRaw(wavSpec{rate: 22050, channels: 1, bits: 16}, make([]byte, 100))
	binary.LittleEndian.PutUint16(wavZeroCh[22:], 0)
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one-byte", []byte{0xFF}},
		{"two-sync-bytes", []byte{0xFF, 0xFB}},
		{"text", text},
		{"random", random},
		{"zeros", make([]byte, 100000)},
		{"id3-only", id3only},
		{"riff-header-only", []byte("RIFF\x04\x00\x00\x00WAVE")},
		{"wav-no-samples", wavNoData},
		{"wav-bad-format", wavBadFmt},
		{"wav-zero-channels", wavZeroCh},
		{"flac-magic", append([]byte("fLaC"), random[:1000]...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.name+".mp3")
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := Load(p, params.MaxSamples)
			if err == nil {
				t.Fatalf("no error, %d samples", len(out))
			}
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrNoAudio) {
				t.Fatalf("error %q is neither ErrUnsupported nor ErrNoAudio", err)
			}
			if out != nil {
				t.Errorf("samples returned with error")
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.mp3"), 0); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want wrapped os.ErrNotExist", err)
	}
	if _, err := Load(t.TempDir(), 0); err == nil {
		t.Errorf("directory: no error")
	}
}

// TestTruncated cuts files at many points: the result must be samples
// (roughly in proportion) or an error, never a crash or hang.
func TestTruncated(t *testing.T) {
	srcs := map[string]string{"mp3": mp3Tone440(t)}
	w := filepath.Join(t.TempDir(), "w.wav")
	if err := writeToneWAV(w, 440, 44100, 2, 3); err != nil {
		t.Fatal(err)
	}
	srcs["wav"] = w
	for kind, src := range srcs {
		data, err := os.ReadFile(src)
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
				t.Logf("%s cut at %d/%d bytes: error %v", kind, cut, len(data), err)
				continue
			}
			if frac >= 0.5 {
				full, _ := Load(src, 0)
				if got, want := float64(len(out))/float64(len(full)), frac; math.Abs(got-want) > 0.05 {
					t.Errorf("%s cut at %.1f%%: got %.1f%% of the samples", kind, 100*frac, 100*got)
				}
			}
		}
	}
}

// TestNonUTF8Name loads a file whose name is not valid UTF-8.
func TestNonUTF8Name(t *testing.T) {
	src, err := os.ReadFile(mp3Tone440(t))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "caf\xe9 \xff\xfe.mp3")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Skipf("file system refuses non-UTF-8 names: %v", err)
	}
	if out, err := Load(p, 0); err != nil || len(out) == 0 {
		t.Fatalf("%d samples, %v", len(out), err)
	}
}

// TestConcurrent decodes the same files from many goroutines and expects
// identical results.
func TestConcurrent(t *testing.T) {
	files := []string{mp3Tone440(t), lameFixture(t, "t48k.mp3", 440, 48000, 2, 4, "-b", "192")}
	refs := make([][]float32, len(files))
	for i, f := range files {
		var err error
		if refs[i], err = Load(f, 0); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 4; k++ {
				i := (g + k) % len(files)
				out, err := Load(files[i], 0)
				if err != nil {
					errs <- err.Error()
					return
				}
				if len(out) != len(refs[i]) {
					errs <- "length differs"
					return
				}
				for j := range out {
					if out[j] != refs[i][j] {
						errs <- "samples differ"
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGTZANClip checks a real GTZAN clip loads to librosa's length.
func TestGTZANClip(t *testing.T) {
	p := sharedtest.Path(t, "data", "gtzan", "clips", "blues.00000.wav")
	out, st, err := load(p, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 661794 {
		t.Errorf("got %d samples, want 661794", len(out))
	}
	if st.sourceRate != 22050 || st.channels != 1 {
		t.Errorf("stats %+v", st)
	}
	for i, v := range out {
		if q := v * 32768; q != float32(math.Round(float64(q))) || v < -1 || v >= 1 {
			t.Fatalf("sample %d = %v is not an int16/32768", i, v)
		}
	}
	lim, err := Load(p, params.MaxSamples)
	if err != nil || len(lim) != params.MaxSamples {
		t.Fatalf("with MaxSamples: %d, %v", len(lim), err)
	}
}

// BenchmarkLoadMP3 measures decoding plus resampling of a 30-s 44.1 kHz
// stereo 128 kbps mp3.
func BenchmarkLoadMP3(b *testing.B) {
	p := mp3Clip30(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Load(p, params.MaxSamples); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/clip")
}

// BenchmarkDecoderLoadMP3 is BenchmarkLoadMP3 with one reused Decoder, as
// the pipeline's workers decode.
func BenchmarkDecoderLoadMP3(b *testing.B) {
	p := mp3Clip30(b)
	var d Decoder
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Load(p, params.MaxSamples); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/clip")
}
