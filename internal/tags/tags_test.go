package tags

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/testaudio"
)

// tone is two seconds of a test signal at 44.1 kHz.
func tone() []float64 { return testaudio.Signal(2*44100, 44100, []float64{440, 550}, 0.05) }

// writeMP3 encodes the test tone to dir/name with lame and extra args.
func writeMP3(t *testing.T, dir, name string, lameArgs ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	testaudio.WriteMP3(t, p, tone(), 44100, 1, lameArgs...)
	return p
}

// need skips the test when a command is not installed.
func need(t *testing.T, cmd string) {
	t.Helper()
	if _, err := exec.LookPath(cmd); err != nil {
		t.Skipf("%s not installed", cmd)
	}
}

// runCmd runs a command and returns its trimmed stdout.
func runCmd(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v\n%s", name, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return strings.TrimSpace(string(out))
}

// id3Frame2 returns an ID3v2.2 frame.
func id3Frame2(id string, data []byte) []byte {
	return append([]byte{id[0], id[1], id[2], byte(len(data) >> 16), byte(len(data) >> 8), byte(len(data))}, data...)
}

// id3Frame3 returns an ID3v2.3 frame.
func id3Frame3(id string, data []byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte(id), uint32(len(data))), append([]byte{0, 0}, data...)...)
}

// id3Frame4 returns an ID3v2.4 frame.
func id3Frame4(id string, data []byte) []byte {
	return append(appendSyncsafe([]byte(id), len(data)), append([]byte{0, 0}, data...)...)
}

// id3Tag returns an ID3v2 tag of the given version and flags holding
// frames and padding zero bytes; a v2.4 footer is added when flags ask.
func id3Tag(major, flags byte, padding int, frames ...[]byte) []byte {
	body := bytes.Join(frames, nil)
	body = append(body, make([]byte, padding)...)
	tag := appendSyncsafe([]byte{'I', 'D', '3', major, 0, flags}, len(body))
	tag = append(tag, body...)
	if flags&id3Footer != 0 {
		tag = append(tag, appendSyncsafe([]byte{'3', 'D', 'I', major, 0, flags}, len(body))...)
	}
	return tag
}

// prepend writes prefix followed by the content of src to dir/name.
func prepend(t *testing.T, src, dir, name string, prefix []byte) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, append(append([]byte(nil), prefix...), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// mp3Regions splits an mp3 file, independently of the package, into its
// leading ID3v2 tag, its audio and its ID3v1 tail.
func mp3Regions(t *testing.T, data []byte) (tag, audio, tail []byte) {
	t.Helper()
	n := 0
	if len(data) >= 10 && string(data[:3]) == "ID3" {
		n = 10 + (int(data[6])<<21 | int(data[7])<<14 | int(data[8])<<7 | int(data[9]))
		if data[3] == 4 && data[5]&0x10 != 0 {
			n += 10
		}
	}
	end := len(data)
	if end-n >= 128 && string(data[end-128:end-125]) == "TAG" {
		end -= 128
	}
	return data[:n], data[n:end], data[end:]
}

// flacRegions splits a FLAC file into what precedes the audio frames and
// the audio frames, independently of the package.
func flacRegions(t *testing.T, data []byte) (meta, audio []byte) {
	t.Helper()
	pos := bytes.Index(data, []byte("fLaC"))
	if pos < 0 {
		t.Fatal("no fLaC marker")
	}
	pos += 4
	for {
		last := data[pos]&0x80 != 0
		pos += 4 + (int(data[pos+1])<<16 | int(data[pos+2])<<8 | int(data[pos+3]))
		if last {
			return data[:pos], data[pos:]
		}
	}
}

func sum(b []byte) [32]byte { return sha256.Sum256(b) }

// otherFrames returns the raw frames of an mp3's ID3v2 tag except the
// genre frames.
func otherFrames(t *testing.T, tag []byte) [][]byte {
	t.Helper()
	if len(tag) == 0 {
		return nil
	}
	h, err := parseID3Header(tag[:10])
	if err != nil {
		t.Fatal(err)
	}
	frames, err := parseFrames(h, tag[10:10+h.size])
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range frames {
		if f.id != h.genreID() {
			out = append(out, f.raw)
		}
	}
	return out
}

// noLeftovers fails if dir holds a temporary file of atomicfile.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteGenreMP3(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	plain := writeMP3(t, dir, "plain.mp3")
	text := func(enc byte, s string) []byte { return append([]byte{enc}, s...) }
	utf16le := func(s string) []byte {
		b := []byte{1, 0xFF, 0xFE}
		for _, r := range s {
			b = binary.LittleEndian.AppendUint16(b, uint16(r))
		}
		return b
	}
	cases := []struct {
		name      string
		make      func() string
		old       string
		major     byte
		sameSize  bool // the new tag fits in the old one
		ffmpegTag bool // ffprobe reads the genre back
	}{
		{"no tag", func() string { return plain }, "", 3, false, true},
		{"lame v2.3 and v1", func() string {
			return writeMP3(t, dir, "lame.mp3", "--tt", "A title", "--ta", "An artist", "--tg", "Rock")
		}, "Rock", 3, false, true},
		{"lame v2.3 only", func() string {
			return writeMP3(t, dir, "lame2.mp3", "--id3v2-only", "--tt", "t", "--tg", "Polka")
		}, "Polka", 3, false, true},
		{"ffmpeg v2.4", func() string {
			need(t, "ffmpeg")
			p := filepath.Join(dir, "ff.mp3")
			runCmd(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", plain, "-c", "copy",
				"-metadata", "title=T", "-metadata", "genre=Jazz", "-metadata", "artist=Ä", p)
			return p
		}, "Jazz", 4, true, true}, // ffmpeg leaves padding
		{"v2.2 reference and padding", func() string {
			return prepend(t, plain, dir, "v22.mp3", id3Tag(2, 0, 200,
				id3Frame2("TT2", text(0, "Title")), id3Frame2("TCO", text(0, "(17)")), id3Frame2("TP1", text(0, "X"))))
		}, "Rock", 2, true, false},
		{"v2.3 UTF-16, two genre frames", func() string {
			return prepend(t, plain, dir, "v23.mp3", id3Tag(3, 0, 0,
				id3Frame3("TCON", utf16le("Blues")), id3Frame3("TIT2", text(0, "T")), id3Frame3("TCON", text(0, "(32)"))))
		}, "Blues; Classical", 3, true, true}, // the dropped second frame frees room
		{"v2.4 footer, UTF-8 values", func() string {
			return prepend(t, plain, dir, "v24f.mp3", id3Tag(4, id3Footer, 0,
				id3Frame4("TIT2", text(3, "Tïtle")), id3Frame4("TCON", text(3, "17\x00Frëe"))))
		}, "Rock; Frëe", 4, true, true}, // the dropped footer frees room
		{"v2.4 experimental flag, big padding", func() string {
			return prepend(t, plain, dir, "v24p.mp3", id3Tag(4, id3Experimental, 4096,
				id3Frame4("TIT2", text(0, "T")), id3Frame4("TCON", text(0, "Jazz"))))
		}, "Jazz", 4, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.make()
			before, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if g, err := ReadGenre(p); err != nil || g != tc.old {
				t.Fatalf("ReadGenre before = %q, %v; want %q", g, err, tc.old)
			}
			if f, err := Detect(p); err != nil || f != MP3 {
				t.Fatalf("Detect = %v, %v", f, err)
			}
			if err := WriteGenre(p, "Hip-Hop", WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			after, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if g, err := ReadGenre(p); err != nil || g != "Hip-Hop" {
				t.Fatalf("ReadGenre after = %q, %v", g, err)
			}
			tagB, audioB, tailB := mp3Regions(t, before)
			tagA, audioA, tailA := mp3Regions(t, after)
			if sum(audioA) != sum(audioB) || len(audioA) != len(audioB) {
				t.Errorf("audio frames changed: %d bytes -> %d bytes", len(audioB), len(audioA))
			}
			if !bytes.Equal(tailA, tailB) {
				t.Errorf("ID3v1 tail changed")
			}
			if tagA[3] != tc.major {
				t.Errorf("tag version 2.%d, want 2.%d", tagA[3], tc.major)
			}
			if tc.sameSize != (len(after) == len(before)) {
				t.Errorf("size %d -> %d; same size expected: %v", len(before), len(after), tc.sameSize)
			}
			if got, want := otherFrames(t, tagA), otherFrames(t, tagB); !slicesEqual(got, want) {
				t.Errorf("other frames changed:\n got %q\nwant %q", got, want)
			}
			if _, err := exec.LookPath("ffprobe"); err == nil && tc.ffmpegTag {
				g := runCmd(t, "ffprobe", "-v", "error", "-show_entries", "format_tags=genre", "-of", "default=nw=1:nk=1", p)
				if g != "Hip-Hop" {
					t.Errorf("ffprobe reads genre %q", g)
				}
			}
			noLeftovers(t, dir)
		})
	}
}

func slicesEqual(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestWriteGenreNonLatin(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	plain := writeMP3(t, dir, "plain.mp3")
	v24 := prepend(t, plain, dir, "v24.mp3", id3Tag(4, 0, 0, id3Frame4("TIT2", []byte{0, 'T'})))
	const g = "Música ☃ 音楽"
	for _, p := range []string{plain, v24} {
		if err := WriteGenre(p, g, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, err := ReadGenre(p); err != nil || got != g {
			t.Errorf("%s: ReadGenre = %q, %v", filepath.Base(p), got, err)
		}
	}
	// A genre that starts with a parenthesis is escaped in v2.3.
	if err := WriteGenre(plain, "(Live)", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadGenre(plain); err != nil || got != "(Live)" {
		t.Errorf("ReadGenre = %q, %v", got, err)
	}
}

func TestRewriteInPlaceAndNoOp(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	p := writeMP3(t, dir, "a.mp3")
	if err := WriteGenre(p, "Rock", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	first, _ := os.Stat(p)
	// A second, different genre fits in the padding: same size.
	if err := WriteGenre(p, "Easy Listening", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	second, _ := os.Stat(p)
	if first.Size() != second.Size() {
		t.Errorf("size %d -> %d; the padding should absorb the change", first.Size(), second.Size())
	}
	// Writing the same genre again changes nothing, not even the file.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteGenre(p, "Easy Listening", WriteOptions{Backup: true}); err != nil {
		t.Fatal(err)
	}
	third, _ := os.Stat(p)
	if !third.ModTime().Equal(old) || !os.SameFile(second, third) {
		t.Errorf("a no-op write replaced the file")
	}
	if _, err := os.Stat(BackupPath(p)); !os.IsNotExist(err) {
		t.Errorf("a no-op write made a backup: %v", err)
	}
}

func TestWriteGenreFLAC(t *testing.T) {
	need(t, "flac")
	need(t, "metaflac")
	dir := t.TempDir()
	wav := filepath.Join(dir, "tone.wav")
	if err := os.WriteFile(wav, testaudio.WAV(tone(), 44100, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	encode := func(name string, args ...string) string {
		p := filepath.Join(dir, name)
		runCmd(t, "flac", append(append([]string{"--silent", "-f"}, args...), "-o", p, wav)...)
		return p
	}
	cases := []struct {
		name     string
		make     func() string
		old      string
		sameSize bool
	}{
		{"default: vendor only, padding", func() string { return encode("default.flac") }, "", true},
		{"tags, no padding", func() string {
			return encode("nopad.flac", "--padding=0", "-T", "ARTIST=Somebody", "-T", "GENRE=Pop", "-T", "TITLE=x")
		}, "Pop", false},
		{"tags, small padding", func() string {
			return encode("smallpad.flac", "--padding=2", "-T", "genre=Jazz", "-T", "TITLE=x")
		}, "Jazz", false},
		{"padding exactly used up", func() string {
			// GENRE=X (7) -> GENRE=Hip-Hop (13): 6 more bytes, what a
			// padding block of 2 bytes takes with its header.
			return encode("exact.flac", "--padding=2", "-T", "GENRE=X")
		}, "X", true},
		{"two genre comments", func() string {
			return encode("two.flac", "-T", "GENRE=Rock", "-T", "ALBUM=A", "-T", "Genre=Blues")
		}, "Rock; Blues", true},
		{"no VORBIS_COMMENT block", func() string {
			p := encode("novc.flac")
			runCmd(t, "metaflac", "--remove", "--block-type=VORBIS_COMMENT", "--dont-use-padding", p)
			return p
		}, "", true},
		{"ID3v2 before fLaC", func() string {
			src := encode("src.flac", "-T", "TITLE=x")
			return prepend(t, src, dir, "id3.flac", id3Tag(3, 0, 10, id3Frame3("TIT2", []byte{0, 'x'})))
		}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.make()
			before, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if g, err := ReadGenre(p); err != nil || g != tc.old {
				t.Fatalf("ReadGenre before = %q, %v; want %q", g, err, tc.old)
			}
			if f, err := Detect(p); err != nil || f != FLAC {
				t.Fatalf("Detect = %v, %v", f, err)
			}
			tagsBefore := otherComments(t, p)
			plainFLAC := bytes.HasPrefix(before, []byte("fLaC"))
			var infoBefore string
			if plainFLAC {
				infoBefore = runCmd(t, "metaflac", "--list", "--block-number=0,1", p)
			}
			if err := WriteGenre(p, "Hip-Hop", WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			after, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if g, err := ReadGenre(p); err != nil || g != "Hip-Hop" {
				t.Fatalf("ReadGenre after = %q, %v", g, err)
			}
			metaB, audioB := flacRegions(t, before)
			metaA, audioA := flacRegions(t, after)
			if sum(audioA) != sum(audioB) || len(audioA) != len(audioB) {
				t.Errorf("audio frames changed")
			}
			if tc.sameSize != (len(metaA) == len(metaB)) {
				t.Errorf("metadata %d -> %d bytes; same size expected: %v", len(metaB), len(metaA), tc.sameSize)
			}
			if i := bytes.Index(before, []byte("fLaC")); i > 0 && !bytes.Equal(before[:i], after[:i]) {
				t.Errorf("the bytes before fLaC changed")
			}
			if g := runCmd(t, "metaflac", "--show-tag=GENRE", p); g != "GENRE=Hip-Hop" {
				t.Errorf("metaflac reads %q", g)
			}
			if got := otherComments(t, p); got != tagsBefore {
				t.Errorf("other comments changed:\n got %q\nwant %q", got, tagsBefore)
			}
			if plainFLAC {
				// flac -t decodes every frame and checks the MD5 of the audio.
				runCmd(t, "flac", "--silent", "-t", p)
				if info := runCmd(t, "metaflac", "--list", "--block-number=0,1", p); info != infoBefore {
					t.Errorf("STREAMINFO/SEEKTABLE changed:\n%s\nwas\n%s", info, infoBefore)
				}
			}
			noLeftovers(t, dir)
		})
	}
}

// otherComments returns the Vorbis comments of a FLAC file other than
// GENRE, as exported by metaflac.
func otherComments(t *testing.T, p string) string {
	t.Helper()
	if i := mustRead(t, p); bytes.Index(i, []byte("fLaC")) != 0 {
		return "" // metaflac does not read a FLAC behind an ID3v2 tag
	}
	var keep []string
	for _, l := range strings.Split(runCmd(t, "metaflac", "--export-tags-to=-", p), "\n") {
		if !strings.HasPrefix(strings.ToUpper(l), "GENRE=") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnsupportedFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"tone.wav":  testaudio.WAV(tone()[:4410], 44100, 1),
		"x.ogg":     []byte("OggS\x00\x02 pretend vorbis"),
		"text.mp3":  []byte("not audio at all\n"),
		"empty.mp3": nil,
		"one.mp3":   {0xFF},
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadGenre(p); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: ReadGenre error %v, want ErrUnsupported", name, err)
		}
		if err := WriteGenre(p, "Rock", WriteOptions{Backup: true}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: WriteGenre error %v, want ErrUnsupported", name, err)
		}
		if !bytes.Equal(mustRead(t, p), data) {
			t.Errorf("%s changed", name)
		}
	}
	if _, err := ReadGenre(dir); err == nil {
		t.Error("ReadGenre of a folder: no error")
	}
	if err := WriteGenre(filepath.Join(dir, "missing.mp3"), "Rock", WriteOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if len(mustReadDir(t, dir)) != len(files) {
		t.Errorf("files were added: %v", mustReadDir(t, dir))
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestRefusedTags(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	plain := writeMP3(t, dir, "plain.mp3")
	tit2 := id3Frame3("TIT2", []byte{0, 'T'})
	overrun := id3Frame3("TIT2", []byte{0, 'T'})
	overrun[7] = 100 // declares 100 bytes of content, has 2
	flacData := func() []byte {
		need(t, "flac")
		wav := filepath.Join(dir, "t.wav")
		if err := os.WriteFile(wav, testaudio.WAV(tone()[:44100], 44100, 1), 0o644); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, "t.flac")
		runCmd(t, "flac", "--silent", "-f", "-o", f, wav)
		return mustRead(t, f)
	}
	cases := []struct {
		name   string
		prefix []byte        // prepended to plain.mp3
		data   func() []byte // whole file instead
		want   error
	}{
		{"unsynchronisation", id3Tag(3, id3Unsync, 0, tit2), nil, ErrUnsupportedTag},
		{"extended header", id3Tag(3, id3ExtHeader, 0, tit2), nil, ErrUnsupportedTag},
		{"v2.2 compression", id3Tag(2, 0x40, 0, id3Frame2("TT2", []byte{0, 'T'})), nil, ErrUnsupportedTag},
		{"unknown flag", id3Tag(3, 0x01, 0, tit2), nil, ErrUnsupportedTag},
		{"ID3v2.5", []byte("ID3\x05\x00\x00\x00\x00\x00\x00"), nil, ErrUnsupportedTag},
		{"size not syncsafe", []byte("ID3\x03\x00\x00\x00\x00\x00\x80"), nil, ErrMalformed},
		{"frame overruns tag", id3Tag(3, 0, 0, overrun), nil, ErrMalformed},
		{"bad frame ID", id3Tag(3, 0, 0, id3Frame3("T!T2", []byte{0, 'T'})), nil, ErrMalformed},
		{"tag past end of file", nil, func() []byte { return []byte("ID3\x03\x00\x00\x00\x00\x10\x00 short") }, ErrMalformed},
		{"FLAC truncated metadata", nil, func() []byte { return flacData()[:60] }, ErrMalformed},
		{"FLAC invalid block", nil, func() []byte {
			d := flacData()
			d[4] = 0x7F // the STREAMINFO header becomes type 127
			return d
		}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.mp3")
			var data []byte
			if tc.data != nil {
				data = tc.data()
			} else {
				data = append(append([]byte(nil), tc.prefix...), mustRead(t, plain)...)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			err := WriteGenre(p, "Rock", WriteOptions{Backup: true})
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("WriteGenre error %v, want %v", err, tc.want)
			}
			if !bytes.Equal(mustRead(t, p), data) {
				t.Error("file changed")
			}
			if names := mustReadDir(t, filepath.Dir(p)); len(names) != 1 {
				t.Errorf("leftovers: %v", names)
			}
		})
	}
}

func TestBackupAndMode(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	p := writeMP3(t, dir, "song.mp3", "--tt", "x", "--tg", "Rock")
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	orig := mustRead(t, p)
	if err := WriteGenre(p, "Jazz", WriteOptions{Backup: true}); err != nil {
		t.Fatal(err)
	}
	if bak := BackupPath(p); !bytes.Equal(mustRead(t, bak), orig) {
		t.Error("backup does not hold the original bytes")
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if g, _ := ReadGenre(p); g != "Jazz" {
		t.Errorf("genre %q", g)
	}
	// An existing backup is never replaced; the file stays as it is.
	tagged := mustRead(t, p)
	err = WriteGenre(p, "Blues", WriteOptions{Backup: true})
	if !errors.Is(err, ErrBackupExists) {
		t.Fatalf("error %v, want ErrBackupExists", err)
	}
	if !bytes.Equal(mustRead(t, p), tagged) || !bytes.Equal(mustRead(t, BackupPath(p)), orig) {
		t.Error("a refused write changed the file or its backup")
	}
}

func TestFailureLeavesOriginal(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	p := writeMP3(t, dir, "song.mp3")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	orig := mustRead(t, p)
	boom := errors.New("disk on fire")
	testHookAfterCopy = func() error { return boom }
	defer func() { testHookAfterCopy = nil }()
	err := WriteGenre(p, "Jazz", WriteOptions{Backup: true})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the injected one", err)
	}
	fi, _ := os.Stat(p)
	if !bytes.Equal(mustRead(t, p), orig) || !fi.ModTime().Equal(old) {
		t.Error("the original changed")
	}
	if names := mustReadDir(t, dir); len(names) != 1 {
		t.Errorf("leftovers (temporary file or backup): %v", names)
	}
}

func TestReadOnlyFolder(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	p := writeMP3(t, dir, "song.mp3")
	orig := mustRead(t, p)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skip("the folder stays writable (running as root?)")
	}
	for _, backup := range []bool{false, true} {
		if err := WriteGenre(p, "Jazz", WriteOptions{Backup: backup}); err == nil {
			t.Fatal("no error writing into a read-only folder")
		}
		if !bytes.Equal(mustRead(t, p), orig) {
			t.Error("the original changed")
		}
		if names := mustReadDir(t, dir); len(names) != 1 {
			t.Errorf("leftovers: %v", names)
		}
	}
}

func TestSymlinkIsFollowed(t *testing.T) {
	need(t, "lame")
	dir := t.TempDir()
	target := writeMP3(t, dir, "real.mp3")
	link := filepath.Join(dir, "link.mp3")
	if err := os.Symlink("real.mp3", link); err != nil {
		t.Skip(err)
	}
	if err := WriteGenre(link, "Folk", WriteOptions{Backup: true}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if g, _ := ReadGenre(target); g != "Folk" {
		t.Errorf("target genre %q", g)
	}
	if _, err := os.Stat(BackupPath(target)); err != nil {
		t.Errorf("backup of the target: %v", err)
	}
}

func TestBadGenre(t *testing.T) {
	need(t, "lame")
	p := writeMP3(t, t.TempDir(), "a.mp3")
	orig := mustRead(t, p)
	for _, g := range []string{"", "  ", "Rock\nPop", "a\x00b", "\xff\xfe"} {
		if err := WriteGenre(p, g, WriteOptions{}); err == nil {
			t.Errorf("genre %q accepted", g)
		}
	}
	if !bytes.Equal(mustRead(t, p), orig) {
		t.Error("file changed")
	}
}

func TestResolveGenres(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"Rock"}, "Rock"},
		{[]string{"(17)"}, "Rock"},
		{[]string{"(17)(32)"}, "Rock; Classical"},
		{[]string{"(4)Eurodisco"}, "Eurodisco"},
		{[]string{"((Live)"}, "(Live)"},
		{[]string{"17", "Jazz"}, "Rock; Jazz"},
		{[]string{"(RX)"}, "Remix"},
		{[]string{"(200)"}, "200"},
		{[]string{"017"}, "017"},
		{[]string{" "}, ""},
		{nil, ""},
	}
	for _, tc := range cases {
		if got := resolveGenres(tc.in); got != tc.want {
			t.Errorf("resolveGenres(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	cases := []struct {
		enc  byte
		in   []byte
		want []string
	}{
		{0, []byte("Caf\xe9"), []string{"Café"}},
		{0, []byte("a\x00b\x00"), []string{"a", "b"}},
		{1, []byte{0xFF, 0xFE, 'h', 0, 'i', 0, 0, 0}, []string{"hi"}},
		{1, []byte{0xFE, 0xFF, 0, 'h', 0, 'i'}, []string{"hi"}},
		{1, []byte{0xFF, 0xFE, 'a', 0, 0, 0, 0xFE, 0xFF, 0, 'b'}, []string{"a", "b"}},
		{2, []byte{0, 'o', 0, 'k'}, []string{"ok"}},
		{3, []byte("ün\x00ï"), []string{"ün", "ï"}},
	}
	for _, tc := range cases {
		got, err := decodeText(tc.enc, tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("decodeText(%d, %q) = %q, %v; want %q", tc.enc, tc.in, got, err, tc.want)
		}
	}
	if _, err := decodeText(9, []byte("x")); !errors.Is(err, ErrMalformed) {
		t.Errorf("encoding 9: %v", err)
	}
}
