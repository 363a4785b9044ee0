package tags

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/genrec/genrec/internal/atomicfile"
)

// ErrUnsupported reports a file that is neither mp3 nor FLAC.
var ErrUnsupported = errors.New("unsupported file format (only mp3 and FLAC tags are supported)")

// ErrUnsupportedTag reports a tag feature this package cannot rewrite
// safely, such as ID3v2 unsynchronisation or an extended header.
var ErrUnsupportedTag = errors.New("unsupported tag feature")

// ErrMalformed reports a tag or metadata block that does not parse.
var ErrMalformed = errors.New("malformed tag")

// ErrBackupExists reports that WriteGenre was asked for a backup but a file
// already exists at BackupPath; nothing is written then.
var ErrBackupExists = errors.New("backup file already exists")

// maxMeta bounds the metadata read into memory: an ID3v2 tag cannot be
// larger (its size field has 28 bits), and FLAC metadata beyond it is
// refused as malformed.
const maxMeta = 1 << 28

// Format is an audio file format whose genre tag this package handles.
type Format int

// The formats.
const (
	// MP3 is MPEG audio with an ID3v2 tag (or none yet).
	MP3 Format = iota + 1
	// FLAC is a native FLAC stream with a VORBIS_COMMENT block.
	FLAC
)

// String returns "mp3" or "flac".
func (f Format) String() string {
	switch f {
	case MP3:
		return "mp3"
	case FLAC:
		return "flac"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// WriteOptions configure WriteGenre.
type WriteOptions struct {
	// Backup keeps the original file at BackupPath(path).
	Backup bool
}

// BackupPath returns where WriteGenre keeps the original of path when
// asked for a backup: path with ".bak" appended.
func BackupPath(path string) string { return path + ".bak" }

// Detect returns the format of the file at path, recognised from its
// content; a file in neither format gives an error wrapping ErrUnsupported.
func Detect(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("tags: %w", err)
	}
	defer f.Close()
	format, _, err := detect(f)
	if err != nil {
		return 0, fmt.Errorf("tags %s: %w", path, err)
	}
	return format, nil
}

// detect recognises the format of r and returns the length of the ID3v2
// tag at its start (0 if none).
func detect(r io.ReaderAt) (Format, int64, error) {
	var head [10]byte
	n, err := r.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return 0, 0, err
	}
	var id3Len int64
	if n == len(head) && bytes.HasPrefix(head[:], []byte("ID3")) {
		h, err := parseID3Header(head[:])
		if err != nil {
			return 0, 0, err
		}
		id3Len = h.regionLen()
	}
	var magic [4]byte
	if m, _ := r.ReadAt(magic[:], id3Len); m == 4 && string(magic[:]) == "fLaC" {
		return FLAC, id3Len, nil
	}
	if id3Len > 0 || (n >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0) {
		return MP3, id3Len, nil
	}
	return 0, 0, ErrUnsupported
}

// ReadGenre returns the genre tag of the mp3 or FLAC file at path, or ""
// when it has none. See the package documentation for what is read.
func ReadGenre(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("tags: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("tags: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("tags %s: not a regular file", path)
	}
	format, id3Len, err := detect(f)
	if err != nil {
		return "", fmt.Errorf("tags %s: %w", path, err)
	}
	var g string
	switch format {
	case MP3:
		g, err = readMP3Genre(f, fi.Size(), id3Len)
	case FLAC:
		g, err = readFLACGenre(f, id3Len)
	}
	if err != nil {
		return "", fmt.Errorf("tags %s: read %s genre: %w", path, format, err)
	}
	return g, nil
}

// checkGenre rejects genre text that cannot be stored sensibly.
func checkGenre(genre string) error {
	if strings.TrimSpace(genre) == "" {
		return errors.New("empty genre")
	}
	if !utf8.ValidString(genre) {
		return fmt.Errorf("genre %q is not valid UTF-8", genre)
	}
	for _, r := range genre {
		if unicode.IsControl(r) {
			return fmt.Errorf("genre %q contains a control character", genre)
		}
	}
	return nil
}

// readSpan reads the n bytes at off in r. Memory grows with the bytes
// actually read, so a hostile length field in a short file costs nothing;
// a span past the end of r gives io.ErrUnexpectedEOF.
func readSpan(r io.ReaderAt, off, n int64) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, io.NewSectionReader(r, off, n), n); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf.Bytes(), nil
}

// plan is how a file is rewritten: the new metadata, then the old file's
// bytes from keepFrom on, unchanged.
type plan struct {
	head     []byte
	keepFrom int64
	same     bool // the new file would equal the old one
}

// testHookAfterCopy, when set by a test, runs after the new file's content
// has been written to the temporary file; an error it returns fails the
// write there.
var testHookAfterCopy func() error

// WriteGenre sets the genre tag of the mp3 or FLAC file at path to genre,
// keeping the audio and every other tag byte for byte, by writing a new
// file beside it and renaming it over the original. On any error the
// original is unchanged. See the package documentation for the details.
func WriteGenre(path, genre string, opt WriteOptions) error {
	if err := checkGenre(genre); err != nil {
		return fmt.Errorf("tags %s: %w", path, err)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	f, err := os.Open(real)
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("tags %s: not a regular file", path)
	}
	format, id3Len, err := detect(f)
	if err != nil {
		return fmt.Errorf("tags %s: %w", path, err)
	}
	var p plan
	switch format {
	case MP3:
		p, err = planMP3(f, id3Len, genre)
	case FLAC:
		p, err = planFLAC(f, id3Len, genre)
	}
	if err != nil {
		return fmt.Errorf("tags %s: write %s genre: %w", path, format, err)
	}
	if p.same {
		return nil
	}
	var bak string
	if opt.Backup {
		bak = BackupPath(real)
		if err := backup(f, fi, real, bak); err != nil {
			return fmt.Errorf("tags %s: %w", path, err)
		}
	}
	size := fi.Size()
	err = atomicfile.Write(real, fi.Mode().Perm(), func(w io.Writer) error {
		if _, err := w.Write(p.head); err != nil {
			return err
		}
		n, err := io.Copy(w, io.NewSectionReader(f, p.keepFrom, size-p.keepFrom))
		if err != nil {
			return fmt.Errorf("copy audio: %w", err)
		}
		if n != size-p.keepFrom {
			return fmt.Errorf("copy audio: file changed while writing (%d of %d bytes)", n, size-p.keepFrom)
		}
		if testHookAfterCopy != nil {
			return testHookAfterCopy()
		}
		return nil
	})
	if err != nil {
		if bak != "" {
			os.Remove(bak)
		}
		return fmt.Errorf("tags: %w", err)
	}
	restoreOwner(real, fi)
	return nil
}

// backup keeps the original at bak: a hard link when possible, else a
// synced copy with the original's mode and modification time. It never
// replaces an existing file.
func backup(f *os.File, fi fs.FileInfo, real, bak string) error {
	if _, err := os.Lstat(bak); err == nil {
		return fmt.Errorf("backup %s: %w", bak, ErrBackupExists)
	}
	err := os.Link(real, bak)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup %s: %w", bak, ErrBackupExists)
	}
	// No hard links here (some file systems): copy.
	out, err := os.OpenFile(bak, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup %s: %w", bak, ErrBackupExists)
		}
		return fmt.Errorf("backup: %w", err)
	}
	_, err = io.Copy(out, io.NewSectionReader(f, 0, fi.Size()))
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chtimes(bak, fi.ModTime(), fi.ModTime())
	}
	if err != nil {
		os.Remove(bak)
		return fmt.Errorf("backup %s: %w", bak, err)
	}
	restoreOwner(bak, fi)
	return nil
}
