package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/internal/testaudio"
)

// outcome is what a folder entry must get in the challenge CSV.
type outcome int

const (
	analysed outcome = iota // a row computed from the audio
	prior                   // a row holding the model's prior, with a warning
	noRow                   // no row at all: not a regular .mp3 file
)

func (o outcome) String() string {
	return [...]string{"analysed", "prior", "no row"}[o]
}

// errSkipKind marks a kind that cannot be built on this machine (an encoder
// is missing); the corpus test leaves it out and says so.
type errSkipKind struct{ why string }

func (e errSkipKind) Error() string { return e.why }

// hostileKind is one entry of the hostile corpus.
type hostileKind struct {
	kind   string  // what is hostile about it
	name   string  // its name in the folder
	want   outcome // what it must get
	reason string  // for prior: a substring of the warning's reason ("" = any)
	// build creates the entry at path (files, links, folders, FIFOs).
	build func(c *corpus, path string) error
}

// corpus builds the hostile folder; it caches encoded clips by key.
type corpus struct {
	t       *testing.T
	dir     string // the folder given to genrec
	scratch string // encoder work files, outside the folder
	clips   map[string][]byte
	seq     int // numbers the work files
}

// tones is an analysable test signal: a chord plus a little noise.
var tones = []float64{220, 330, 440, 660}

// lame returns secs of the test signal at rate on channels, encoded by
// lame with args (cached).
func (c *corpus) lame(rate, channels int, secs float64, args ...string) []byte {
	c.t.Helper()
	return c.lameSignal(fmt.Sprint(rate, channels, secs, args), testaudio.Signal(int(secs*float64(rate)), rate, tones, 0.05), rate, channels, args...)
}

// lameSignal encodes x with lame, cached under key.
func (c *corpus) lameSignal(key string, x []float64, rate, channels int, args ...string) []byte {
	c.t.Helper()
	if b, ok := c.clips["lame "+key]; ok {
		return b
	}
	c.seq++
	p := filepath.Join(c.scratch, fmt.Sprintf("clip%d.mp3", c.seq))
	testaudio.WriteMP3(c.t, p, x, rate, channels, args...)
	b, err := os.ReadFile(p)
	if err != nil {
		c.t.Fatal(err)
	}
	c.clips["lame "+key] = b
	return b
}

// base is the reference clip: 4 s, 44.1 kHz joint stereo, 128 kbps.
func (c *corpus) base() []byte { return c.lame(44100, 2, 4, "-b", "128") }

// ffmpeg encodes secs of the test signal at rate on channels with the
// given ffmpeg output options and returns the file's bytes.
func (c *corpus) ffmpeg(rate, channels int, secs float64, outExt string, opts ...string) ([]byte, error) {
	c.t.Helper()
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, errSkipKind{"ffmpeg not installed (Debian package ffmpeg)"}
	}
	c.seq++
	n := c.seq
	wav := filepath.Join(c.scratch, fmt.Sprintf("src%d.wav", n))
	out := filepath.Join(c.scratch, fmt.Sprintf("enc%d.%s", n, outExt))
	x := testaudio.Signal(int(secs*float64(rate)), rate, tones, 0.05)
	if err := os.WriteFile(wav, testaudio.WAV(x, rate, channels), 0o644); err != nil {
		return nil, err
	}
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", wav}, opts...)
	if b, err := exec.Command(ff, append(args, out)...).CombinedOutput(); err != nil {
		// An ffmpeg built without the encoder: the kind cannot be made here.
		return nil, errSkipKind{fmt.Sprintf("ffmpeg %v failed (encoder missing?): %v: %s", opts, err, bytes.TrimSpace(b))}
	}
	return os.ReadFile(out)
}

// bytesOf returns a build function that writes data.
func bytesOf(data func(c *corpus) []byte) func(*corpus, string) error {
	return func(c *corpus, path string) error { return os.WriteFile(path, data(c), 0o644) }
}

// encoded returns a build function that writes what enc returns.
func encoded(enc func(c *corpus) ([]byte, error)) func(*corpus, string) error {
	return func(c *corpus, path string) error {
		b, err := enc(c)
		if err != nil {
			return err
		}
		return os.WriteFile(path, b, 0o644)
	}
}

// randomBytes returns n bytes from a fixed seed.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// cut returns the first frac of data.
func cut(data []byte, frac float64) []byte { return data[:int(frac*float64(len(data)))] }

// syncsafe encodes n as a 4-byte ID3v2 synchsafe integer.
func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}

// id3Picture returns an ID3v2.3 tag holding one APIC frame of size bytes of
// random "picture" data, salted with fake MPEG frame headers.
func id3Picture(size int) []byte {
	pic := randomBytes(size, 11)
	copy(pic, []byte{0xFF, 0xD8, 0xFF, 0xE0}) // JPEG magic
	for i := 4; i+4 < len(pic); i += 4093 {
		copy(pic[i:], []byte{0xFF, 0xFB, 0x90, 0x64})
	}
	body := append([]byte("\x00image/jpeg\x00\x03cover\x00"), pic...)
	frame := append([]byte("APIC"), binary.BigEndian.AppendUint32(nil, uint32(len(body)))...)
	frame = append(frame, 0, 0)
	frame = append(frame, body...)
	tag := append([]byte("ID3\x03\x00\x00"), syncsafe(len(frame))...)
	return append(tag, frame...)
}

// bitWriter appends big-endian bit fields to a byte slice.
type bitWriter struct {
	buf  []byte
	nbit int
}

func (w *bitWriter) put(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.nbit%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>i&1 == 1 {
			w.buf[len(w.buf)-1] |= 0x80 >> (w.nbit % 8)
		}
		w.nbit++
	}
}

// layerI synthesises secs of MPEG-1 Layer I audio (48 kHz, mono,
// 128 kbps, 128-byte frames): no Debian encoder writes Layer I, so the
// frames are assembled by hand after ISO/IEC 11172-3 §2.4.1: subbands 1-4
// carry random 4-bit sample codes (band-limited noise at 0.75-3.75 kHz).
func layerI(secs float64) []byte {
	const frameBytes = 12 * 128000 / 48000 * 4
	r := rand.New(rand.NewPCG(5, 6))
	var out []byte
	for range int(secs * 48000 / 384) {
		w := &bitWriter{}
		w.put(0xFFF, 12) // sync
		w.put(1, 1)      // MPEG-1
		w.put(3, 2)      // Layer I
		w.put(1, 1)      // no CRC
		w.put(4, 4)      // 128 kbps
		w.put(1, 2)      // 48 kHz
		w.put(0, 2)      // no padding, private bit clear
		w.put(3, 2)      // single channel
		w.put(0, 6)      // mode extension, copyright, original, emphasis
		alloc := func(sb int) uint32 {
			if sb >= 1 && sb <= 4 {
				return 3 // 4-bit samples
			}
			return 0
		}
		for sb := range 32 {
			w.put(alloc(sb), 4)
		}
		for sb := range 32 {
			if alloc(sb) != 0 {
				w.put(8, 6) // scale factor 2^(1-8/3)
			}
		}
		for range 12 {
			for sb := range 32 {
				if alloc(sb) != 0 {
					w.put(r.Uint32N(15), 4) // all ones is forbidden
				}
			}
		}
		frame := make([]byte, frameBytes)
		copy(frame, w.buf)
		out = append(out, frame...)
	}
	return out
}

// zeroFrames returns n MPEG-1 Layer III frames (44.1 kHz, 128 kbps, no
// padding) whose side info and main data are all zeros: valid headers that
// decode to digital silence.
func zeroFrames(n int) []byte {
	frame := make([]byte, 144*128000/44100)
	copy(frame, []byte{0xFF, 0xFB, 0x90, 0x44})
	return bytes.Repeat(frame, n)
}

// square returns secs of a full-scale square wave (every sample ±1).
func square(rate int, secs float64) []float64 {
	x := make([]float64, int(secs*float64(rate)))
	for i := range x {
		if math.Sin(2*math.Pi*110*float64(i)/float64(rate)) >= 0 {
			x[i] = 1
		} else {
			x[i] = -1
		}
	}
	return x
}

// copyOf is a build function that writes the base clip.
func copyOf(c *corpus, path string) error { return os.WriteFile(path, c.base(), 0o644) }

// hostileKinds lists the corpus. unreadable is the outcome of a mode-000
// file, which depends on whether this process can read it anyway.
func hostileKinds(unreadable outcome) []hostileKind {
	return []hostileKind{
		// Not audio at all.
		{"empty file", "empty.mp3", prior, "empty file", bytesOf(func(*corpus) []byte { return nil })},
		{"one byte", "one-byte.mp3", prior, "unsupported", bytesOf(func(*corpus) []byte { return []byte{0xFF} })},
		{"ID3v2 header only", "id3v2-header.mp3", prior, "", bytesOf(func(*corpus) []byte {
			return append([]byte("ID3\x04\x00\x00"), syncsafe(0)...)
		})},
		{"ID3v2 tag with padding, no audio", "id3v2-padding.mp3", prior, "", bytesOf(func(*corpus) []byte {
			return append(append([]byte("ID3\x03\x00\x00"), syncsafe(4096)...), make([]byte, 4096)...)
		})},
		{"ID3v1 TAG only", "id3v1.mp3", prior, "", bytesOf(func(*corpus) []byte {
			return append([]byte("TAG"), make([]byte, 125)...)
		})},
		{"random bytes", "random.mp3", prior, "", bytesOf(func(*corpus) []byte { return randomBytes(64<<10, 1) })},
		{"text", "text.mp3", prior, "", bytesOf(func(*corpus) []byte {
			return bytes.Repeat([]byte("This is not an mp3 file, it is a text.\n"), 500)
		})},
		{"valid frame headers, zero bodies", "zero-frames.mp3", prior, "digital silence", bytesOf(func(*corpus) []byte { return zeroFrames(200) })},

		// Damaged mp3.
		{"truncated at 1%", "truncated-1.mp3", prior, "", bytesOf(func(c *corpus) []byte { return cut(c.base(), 0.01) })},
		{"truncated at 50%", "truncated-50.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return cut(c.base(), 0.5) })},
		{"truncated at 99%", "truncated-99.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return cut(c.base(), 0.99) })},
		{"8 kB of junk in the middle", "junk-middle.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			b := c.base()
			return bytes.Join([][]byte{b[:len(b)/2], randomBytes(8<<10, 2), b[len(b)/2:]}, nil)
		})},
		{"4 kB of junk before the audio", "junk-before.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			return append(randomBytes(4<<10, 3), c.base()...)
		})},
		{"64 kB of random junk before the audio", "junk-64k-before.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			return append(randomBytes(64<<10, 4), c.base()...)
		})},

		// Other formats named .mp3.
		{"WAV data named .mp3", "wav-inside.mp3", analysed, "", bytesOf(func(*corpus) []byte {
			return testaudio.WAV(testaudio.Signal(3*22050, 22050, tones, 0.05), 22050, 2)
		})},
		{"FLAC data named .mp3", "flac-inside.mp3", analysed, "", encoded(func(c *corpus) ([]byte, error) {
			return c.ffmpeg(44100, 2, 2, "flac", "-c:a", "flac")
		})},
		{"Ogg Vorbis data named .mp3", "ogg-inside.mp3", analysed, "", encoded(func(c *corpus) ([]byte, error) {
			return c.ffmpeg(44100, 2, 2, "ogg", "-c:a", "libvorbis")
		})},
		// FFmpeg probes by content: MP4/AAC is decoded like any other format.
		{"MP4/AAC data named .mp3", "m4a-inside.mp3", analysed, "", encoded(func(c *corpus) ([]byte, error) {
			return c.ffmpeg(44100, 2, 2, "m4a", "-c:a", "aac")
		})},

		// MPEG variants.
		{"MPEG-1 L3 44.1 kHz stereo", "stereo-44k.mp3", analysed, "", copyOf},
		{"MPEG-1 L3 44.1 kHz mono", "mono-44k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(44100, 1, 4, "-m", "m", "-b", "64") })},
		{"MPEG-1 L3 48 kHz dual channel", "dual-48k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(48000, 2, 4, "-m", "d", "-b", "160") })},
		{"MPEG-1 L3 32 kHz VBR", "vbr-32k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(32000, 2, 4, "-V", "4") })},
		{"MPEG-2 L3 24 kHz stereo", "mpeg2-24k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(24000, 2, 4, "-b", "64") })},
		{"MPEG-2 L3 22.05 kHz mono", "mpeg2-22k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(22050, 1, 4, "-m", "m", "-b", "48") })},
		{"MPEG-2 L3 16 kHz mono", "mpeg2-16k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(16000, 1, 4, "-m", "m", "-b", "32") })},
		{"MPEG-2.5 L3 12 kHz stereo", "mpeg25-12k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(12000, 2, 4, "-b", "32") })},
		{"MPEG-2.5 L3 11.025 kHz mono", "mpeg25-11k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(11025, 1, 4, "-m", "m", "-b", "16") })},
		{"MPEG-2.5 L3 8 kHz mono", "mpeg25-8k.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return c.lame(8000, 1, 4, "-m", "m", "-b", "8") })},
		{"MPEG-1 Layer II 44.1 kHz stereo", "layer2-44k.mp3", analysed, "", encoded(func(c *corpus) ([]byte, error) {
			return c.ffmpeg(44100, 2, 4, "mp2", "-c:a", "mp2", "-b:a", "192k")
		})},
		{"MPEG-2 Layer II 22.05 kHz mono", "layer2-22k.mp3", analysed, "", encoded(func(c *corpus) ([]byte, error) {
			return c.ffmpeg(22050, 1, 4, "mp2", "-c:a", "mp2", "-b:a", "64k")
		})},
		{"MPEG-1 Layer I 48 kHz mono (hand-assembled frames)", "layer1-48k.mp3", analysed, "", bytesOf(func(*corpus) []byte { return layerI(3) })},
		{"format change mid-stream (44.1 kHz then 22.05 kHz)", "format-change.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			return append(append([]byte(nil), c.base()...), c.lame(22050, 1, 4, "-m", "m", "-b", "48")...)
		})},

		// Content and length extremes.
		{"0.2 s", "short.mp3", prior, "too short", bytesOf(func(c *corpus) []byte { return c.lame(44100, 2, 0.2, "-b", "128") })},
		{"10 minutes", "ten-minutes.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			// 60 copies of a 10-s clip without the LAME/Xing header frame
			// (-t), which would otherwise announce a 10-s stream.
			return bytes.Repeat(c.lame(44100, 2, 10, "-t", "-b", "128"), 60)
		})},
		{"digital silence", "silence.mp3", prior, "digital silence", bytesOf(func(c *corpus) []byte {
			return c.lameSignal("silence", make([]float64, 3*44100), 44100, 2, "-b", "128")
		})},
		{"full-scale clipping", "clipping.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			return c.lameSignal("square", square(44100, 4), 44100, 2, "-b", "192")
		})},
		{"3 MB ID3v2 picture", "huge-id3.mp3", analysed, "", bytesOf(func(c *corpus) []byte { return append(id3Picture(3<<20), c.base()...) })},
		{"ID3v1 tag after the audio", "id3v1-after.mp3", analysed, "", bytesOf(func(c *corpus) []byte {
			return append(append([]byte(nil), c.base()...), append([]byte("TAGtitle"), make([]byte, 120)...)...)
		})},

		// Odd names (all hold the base clip).
		{"spaces in the name", "with  some spaces .mp3", analysed, "", copyOf},
		{"commas in the name", "a,b,,c.mp3", analysed, "", copyOf},
		{"quotes in the name", `say "hi" 'there'.mp3`, analysed, "", copyOf},
		{"newline in the name", "new\nline.mp3", analysed, "", copyOf},
		{"carriage return in the name", "carriage\rreturn.mp3", analysed, "", copyOf},
		{"tab in the name", "tab\there.mp3", analysed, "", copyOf},
		{"non-UTF-8 bytes in the name", "caf\xe9-\xff\xfe.mp3", analysed, "", copyOf},
		{"UTF-8 name", "café ♫ 音楽.mp3", analysed, "", copyOf},
		{"leading dash", "-o out.mp3", analysed, "", copyOf},
		{"250-byte name", strings.Repeat("x", 246) + ".mp3", analysed, "", copyOf},
		{"upper-case extension", "UPPER.MP3", analysed, "", copyOf},
		{"mixed-case extension", "mixed.Mp3", analysed, "", copyOf},

		// Things that are not regular files, and files that cannot be read.
		{"symlink to an mp3 outside the folder", "symlink.mp3", analysed, "", func(c *corpus, path string) error {
			target := filepath.Join(c.scratch, "link-target.mp3")
			if err := os.WriteFile(target, c.base(), 0o644); err != nil {
				return err
			}
			return os.Symlink(target, path)
		}},
		{"dangling symlink", "dangling.mp3", noRow, "", func(c *corpus, path string) error {
			return os.Symlink(filepath.Join(c.scratch, "does-not-exist.mp3"), path)
		}},
		{"unreadable file (mode 000)", "unreadable.mp3", unreadable, "permission denied", func(c *corpus, path string) error {
			if err := os.WriteFile(path, c.base(), 0o644); err != nil {
				return err
			}
			return os.Chmod(path, 0)
		}},
		{"directory named x.mp3 (holding an mp3)", "x.mp3", noRow, "", func(c *corpus, path string) error {
			if err := os.Mkdir(path, 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(path, "inside.mp3"), c.base(), 0o644)
		}},
		{"FIFO named .mp3", "fifo.mp3", noRow, "", func(_ *corpus, path string) error {
			return syscall.Mkfifo(path, 0o644)
		}},
		{"name with no stem", ".mp3", noRow, "", copyOf},
		{"other extension", "notes.mp3.txt", noRow, "", copyOf},
	}
}

// canReadMode000 reports whether this process reads files whose mode is
// 000 anyway (root, or CAP_DAC_OVERRIDE).
func canReadMode000(t *testing.T) bool {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// warningRE matches the pipeline's per-file warning in slog's text format.
var warningRE = regexp.MustCompile(`msg="cannot analyse; writing the prior" file=("(?:[^"\\]|\\.)*"|\S*) reason=("(?:[^"\\]|\\.)*"|.*)$`)

// unquoteSlog undoes slog's text quoting of a value.
func unquoteSlog(t *testing.T, s string) string {
	t.Helper()
	if !strings.HasPrefix(s, `"`) {
		return s
	}
	u, err := strconv.Unquote(s)
	if err != nil {
		t.Fatalf("cannot unquote log value %s: %v", s, err)
	}
	return u
}

// TestPredictHostileCorpus runs `genrec predict --ext mp3 -o out.csv DIR`
// on a folder of hostile entries built here and checks that the run
// succeeds with exactly one valid row per regular .mp3 file, the prior and
// a warning for each file that cannot be analysed, and a correct summary.
// The outcome of every kind is logged as a table (go test -v).
func TestPredictHostileCorpus(t *testing.T) {
	c := &corpus{t: t, dir: t.TempDir(), scratch: t.TempDir(), clips: map[string][]byte{}}
	unreadable := prior
	if canReadMode000(t) {
		// Root reads mode-000 files: the file is analysed like any other.
		unreadable = analysed
	}
	kinds := hostileKinds(unreadable)
	var built []hostileKind
	var skipped []string
	for _, k := range kinds {
		err := k.build(c, filepath.Join(c.dir, k.name))
		var skip errSkipKind
		switch {
		case errors.As(err, &skip):
			skipped = append(skipped, fmt.Sprintf("%s: %s", k.kind, skip.why))
		case err != nil:
			t.Fatalf("building %q: %v", k.kind, err)
		default:
			built = append(built, k)
		}
	}
	for _, s := range skipped {
		t.Logf("kind skipped: %s", s)
	}
	if len(built) < 20 {
		t.Fatalf("only %d hostile kinds could be built; want at least 20", len(built))
	}

	out := filepath.Join(t.TempDir(), "out.csv")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"predict", "--ext", "mp3", "-o", out, c.dir}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "goroutine ") {
		t.Errorf("stderr shows a panic:\n%s", stderr.String())
	}

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	preds, err := submission.Read(f)
	if err != nil {
		t.Fatalf("output is not a valid challenge CSV: %v", err)
	}
	m, err := loadModel("")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetTarget("fma"); err != nil {
		t.Fatal(err)
	}
	fallback := m.Fallback()
	// A row is the prior fallback when the pipeline says so with its
	// warning; an analysed row may also equal the prior (the model abstains
	// on inputs far from music), so equality alone decides nothing.
	rows := map[string][genre.N]float64{}
	for _, p := range preds {
		if _, dup := rows[p.FileID]; dup {
			t.Errorf("duplicate row %q", p.FileID)
		}
		rows[p.FileID] = p.Probs
	}

	reasons := map[string]string{} // base name → warning reason
	for _, line := range strings.Split(stderr.String(), "\n") {
		if mm := warningRE.FindStringSubmatch(line); mm != nil {
			name := filepath.Base(unquoteSlog(t, mm[1]))
			if _, dup := reasons[name]; dup {
				t.Errorf("two warnings for %q", name)
			}
			reasons[name] = unquoteSlog(t, mm[2])
		}
	}

	var wantAnalysed, wantPrior int
	var table strings.Builder
	fmt.Fprintf(&table, "%-52s %-9s %s\n", "kind", "got", "reason")
	for _, k := range built {
		id := submission.FileID(k.name)
		reason := reasons[k.name]
		probs, ok := rows[id]
		got := noRow
		switch {
		case ok && reason != "":
			got = prior
			if probs != fallback {
				t.Errorf("%s (%q): warned %q but the row is not the prior", k.kind, k.name, reason)
			}
		case ok:
			got = analysed
		}
		delete(rows, id)
		fmt.Fprintf(&table, "%-52s %-9s %s\n", k.kind, got, shortReason(reason))
		switch k.want {
		case analysed:
			wantAnalysed++
		case prior:
			wantPrior++
		}
		if got != k.want {
			t.Errorf("%s (%q): got %s, want %s (warning: %q)", k.kind, k.name, got, k.want, reason)
			continue
		}
		if got == prior && !strings.Contains(reason, k.reason) {
			t.Errorf("%s (%q): reason %q does not mention %q", k.kind, k.name, reason, k.reason)
		}
	}
	t.Logf("hostile corpus (%d kinds, %d skipped):\n%s", len(built), len(skipped), table.String())
	if len(rows) > 0 {
		var extra []string
		for id := range rows {
			extra = append(extra, strconv.Quote(id))
		}
		sort.Strings(extra)
		t.Errorf("rows for entries that must not get one: %s", strings.Join(extra, ", "))
	}
	summary := fmt.Sprintf("genrec: %d files: %d analysed, %d given the prior", wantAnalysed+wantPrior, wantAnalysed, wantPrior)
	if !strings.Contains(stderr.String(), summary) {
		t.Errorf("summary line %q missing; stderr:\n%s", summary, stderr.String())
	}
}

// shortReason strips the "decode <path>: " prefix from a warning's reason,
// for the table.
func shortReason(r string) string {
	if i := strings.LastIndex(r, ".mp3: "); i >= 0 {
		return r[i+len(".mp3: "):]
	}
	return r
}
