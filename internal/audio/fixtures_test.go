package audio

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// fixtureDir holds the synthesised test files; TestMain creates and removes it.
var fixtureDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "genrec-audio-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "audio tests: cannot create fixture dir:", err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// WAVE format tags of the fmt chunk.
const (
	wavFormatPCM        = 1
	wavFormatIEEEFloat  = 3
	wavFormatExtensible = 0xFFFE
)

// wavSpec describes a WAV file to synthesise.
type wavSpec struct {
	rate       int
	channels   int
	bits       int  // container bits per sample
	float      bool // IEEE float instead of integer PCM
	extensible bool // write a WAVE_FORMAT_EXTENSIBLE header
}

// encodeWAV returns a complete WAV file holding the interleaved samples x
// (nominally in [-1,1]) in the format of s. Integer samples are quantised
// by rounding v·2^(bits-1) and clamping.
func encodeWAV(s wavSpec, x []float64) []byte {
	bps := s.bits / 8
	data := make([]byte, len(x)*bps)
	for i, v := range x {
		b := data[i*bps:]
		switch {
		case s.float && bps == 4:
			binary.LittleEndian.PutUint32(b, math.Float32bits(float32(v)))
		case s.float && bps == 8:
			binary.LittleEndian.PutUint64(b, math.Float64bits(v))
		case bps == 1:
			b[0] = byte(clampInt(math.Round(v*128), -128, 127) + 128)
		case bps == 2:
			binary.LittleEndian.PutUint16(b, uint16(int16(clampInt(math.Round(v*32768), -32768, 32767))))
		case bps == 3:
			q := clampInt(math.Round(v*(1<<23)), -(1 << 23), 1<<23-1)
			b[0], b[1], b[2] = byte(q), byte(q>>8), byte(q>>16)
		case bps == 4:
			binary.LittleEndian.PutUint32(b, uint32(int32(clampInt(math.Round(v*(1<<31)), -(1<<31), 1<<31-1))))
		}
	}
	return encodeWAVRaw(s, data)
}

// encodeWAVRaw wraps already encoded sample bytes in RIFF/WAVE chunks, with
// a LIST chunk before the data to exercise chunk skipping.
func encodeWAVRaw(s wavSpec, data []byte) []byte {
	le := binary.LittleEndian
	tag := uint16(wavFormatPCM)
	if s.float {
		tag = wavFormatIEEEFloat
	}
	var fmtc []byte
	hdr := make([]byte, 16)
	outerTag := tag
	if s.extensible {
		outerTag = wavFormatExtensible
	}
	block := s.channels * s.bits / 8
	le.PutUint16(hdr[0:], outerTag)
	le.PutUint16(hdr[2:], uint16(s.channels))
	le.PutUint32(hdr[4:], uint32(s.rate))
	le.PutUint32(hdr[8:], uint32(s.rate*block))
	le.PutUint16(hdr[12:], uint16(block))
	le.PutUint16(hdr[14:], uint16(s.bits))
	fmtc = append(fmtc, hdr...)
	if s.extensible {
		ext := make([]byte, 24)
		le.PutUint16(ext[0:], 22)
		le.PutUint16(ext[2:], uint16(s.bits))
		le.PutUint32(ext[4:], 0)
		le.PutUint16(ext[8:], tag)
		copy(ext[10:], []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
		fmtc = append(fmtc, ext...)
	}
	var out []byte
	chunk := func(id string, body []byte) {
		out = append(out, id...)
		out = le.AppendUint32(out, uint32(len(body)))
		out = append(out, body...)
		if len(body)%2 == 1 {
			out = append(out, 0)
		}
	}
	out = append(out, "RIFF\x00\x00\x00\x00WAVE"...)
	chunk("fmt ", fmtc)
	chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00test\x00"))
	chunk("data", data)
	le.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func clampInt(v float64, lo, hi int64) int64 {
	q := int64(v)
	if q < lo {
		return lo
	}
	if q > hi {
		return hi
	}
	return q
}

// tone returns seconds of a sine at freq Hz with amplitude amp, sampled at
// rate and copied to every one of channels (interleaved).
func tone(freq float64, rate, channels int, seconds, amp float64) []float64 {
	n := int(math.Round(seconds * float64(rate)))
	x := make([]float64, n*channels)
	for i := 0; i < n; i++ {
		v := amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
		for c := 0; c < channels; c++ {
			x[i*channels+c] = v
		}
	}
	return x
}

// fixtures memoises synthesised files by name.
var (
	fixtureMu    sync.Mutex
	fixtureFiles = map[string]string{}
	fixtureErrs  = map[string]string{}
)

// fixture returns the path of the named test file, building it on first use
// with build (which writes to the given path). A build that reports a
// missing tool skips the test.
func fixture(tb testing.TB, name string, build func(path string) error) string {
	tb.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if p, ok := fixtureFiles[name]; ok {
		return p
	}
	if msg, ok := fixtureErrs[name]; ok {
		tb.Skip(msg)
	}
	p := filepath.Join(fixtureDir, name)
	if err := build(p); err != nil {
		if se, ok := err.(skipError); ok {
			fixtureErrs[name] = string(se)
			tb.Skip(string(se))
		}
		tb.Fatalf("building fixture %s: %v", name, err)
	}
	fixtureFiles[name] = p
	return p
}

// skipError marks a fixture that cannot be built on this machine.
type skipError string

func (e skipError) Error() string { return string(e) }

// run executes an external encoder, reporting a skipError if it is missing.
func run(tool string, args ...string) error {
	if _, err := exec.LookPath(tool); err != nil {
		return skipError(fmt.Sprintf("%s not installed (Debian package %q); skipping test that needs an encoded fixture", tool, tool))
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %v\n%s", tool, args, err, out)
	}
	return nil
}

// writeToneWAV writes an int16 WAV tone to path.
func writeToneWAV(path string, freq float64, rate, channels int, seconds float64) error {
	return os.WriteFile(path, encodeWAV(wavSpec{rate: rate, channels: channels, bits: 16}, tone(freq, rate, channels, seconds, 0.5)), 0o644)
}

// lameFixture returns an mp3 of a tone encoded by lame with the given
// extra options.
func lameFixture(tb testing.TB, name string, freq float64, rate, channels int, seconds float64, opts ...string) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		if err := writeToneWAV(w, freq, rate, channels, seconds); err != nil {
			return err
		}
		defer os.Remove(w)
		return run("lame", append(append([]string{"--quiet"}, opts...), w, p)...)
	})
}

// ffmpegFixture returns a file of a tone encoded by ffmpeg with the given
// output options.
func ffmpegFixture(tb testing.TB, name string, freq float64, rate, channels int, seconds float64, opts ...string) string {
	return fixture(tb, name, func(p string) error {
		w := p + ".src.wav"
		if err := writeToneWAV(w, freq, rate, channels, seconds); err != nil {
			return err
		}
		defer os.Remove(w)
		args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", w}, opts...)
		return run("ffmpeg", append(args, p)...)
	})
}

// mp3Tone440 is the reference fixture: 10 s of 440 Hz, 44.1 kHz stereo,
// CBR 128 kbps, encoded by lame (with a LAME gapless header).
func mp3Tone440(tb testing.TB) string {
	return lameFixture(tb, "tone440_44k_stereo_128.mp3", 440, 44100, 2, 10, "-b", "128", "--cbr")
}

// mp3Clip30 is the benchmark fixture: 30 s, 44.1 kHz stereo, 128 kbps, with
// a chord plus noise so that the encoder has real work to do.
func mp3Clip30(tb testing.TB) string {
	return fixture(tb, "clip30_44k_stereo_128.mp3", func(p string) error {
		rng := rand.New(rand.NewSource(30))
		const rate = 44100
		n := 30 * rate
		x := make([]float64, 2*n)
		for i := 0; i < n; i++ {
			t := float64(i) / rate
			v := 0.2*math.Sin(2*math.Pi*220*t) + 0.15*math.Sin(2*math.Pi*277.2*t) + 0.1*math.Sin(2*math.Pi*329.6*t)
			x[2*i] = v + 0.05*rng.NormFloat64()
			x[2*i+1] = v + 0.05*rng.NormFloat64()
		}
		w := p + ".src.wav"
		if err := os.WriteFile(w, encodeWAV(wavSpec{rate: rate, channels: 2, bits: 16}, x), 0o644); err != nil {
			return err
		}
		defer os.Remove(w)
		return run("lame", "--quiet", "-b", "128", "--cbr", w, p)
	})
}

// goertzelAmp estimates the amplitude of the component at freq Hz in x
// sampled at rate, by the Goertzel algorithm over a Hann window.
func goertzelAmp(x []float32, freq float64, rate int) float64 {
	n := len(x)
	w := 2 * math.Pi * freq / float64(rate)
	coef := 2 * math.Cos(w)
	var s1, s2, wsum float64
	for i, v := range x {
		h := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		wsum += h
		s0 := float64(v)*h + coef*s1 - s2
		s2, s1 = s1, s0
	}
	re := s1 - s2*math.Cos(w)
	im := s2 * math.Sin(w)
	return 2 * math.Hypot(re, im) / wsum
}

// rms is the root mean square of x.
func rms(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(max(len(x), 1)))
}
