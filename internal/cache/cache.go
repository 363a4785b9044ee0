// Package cache keeps the feature vectors genrec computes from audio files
// on disk, so that a second training run over the same files reads them
// back instead of decoding the audio again.
//
// An entry is found by a Key: a SHA-256 hash of the recipe (a string naming
// how the features were computed, to be changed whenever that computation
// changes), the file's absolute path, its size and its modification time.
// Editing, replacing or touching a file therefore misses the cache, and so
// does a new recipe; stale entries are simply never read again.
//
// Each entry is a small file of its own, dir/<2 hex digits>/<62 hex
// digits>, holding a magic number, the key, the sample count and the
// feature values, closed by a CRC-32. It is written to a temporary file in
// the same folder and renamed into place, so a reader sees a whole entry or
// none; entries are not synced to disk, because an entry damaged by a crash
// fails its checks on reading and is computed again (Get reports
// ErrCorrupt). Concurrent writers of the same entry are harmless: the last
// rename wins and both wrote the same content.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// ErrMiss reports that the cache holds no entry for a key.
var ErrMiss = errors.New("cache: no entry")

// ErrCorrupt reports an entry that exists but fails its checks (truncated,
// damaged, of another format, or holding another key); the caller should
// compute the value again and Put it, which replaces the entry.
var ErrCorrupt = errors.New("cache: corrupt entry")

// magic starts every entry file; its last byte is the format version.
var magic = [8]byte{'g', 'e', 'n', 'r', 'e', 'c', 'F', 1}

// maxValues bounds the feature count of an entry, so that a damaged header
// cannot ask for a huge allocation.
const maxValues = 1 << 16

// Key identifies one version of one file under one recipe.
type Key [sha256.Size]byte

// String returns the key in hexadecimal.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// FileKey returns the key of the file at path under recipe: a hash of the
// recipe, the file's absolute path, its size and its modification time
// (following symbolic links). It fails when the file cannot be stat'ed.
func FileKey(path, recipe string) (Key, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Key{}, fmt.Errorf("cache key %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Key{}, fmt.Errorf("cache key: %w", err)
	}
	h := sha256.New()
	for _, s := range []string{recipe, abs, strconv.FormatInt(fi.Size(), 10), strconv.FormatInt(fi.ModTime().UnixNano(), 10)} {
		h.Write([]byte(strconv.Itoa(len(s)))) // length-prefixed: no two field lists collide
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	var k Key
	h.Sum(k[:0])
	return k, nil
}

// Entry is what the cache holds for one file.
type Entry struct {
	// Samples is the number of analysed samples.
	Samples int
	// Features are the feature values, all finite.
	Features []float64
}

// Cache is a folder of entries. Its methods may be called from several
// goroutines (and processes) at once.
type Cache struct {
	dir string
}

// Open returns the cache in dir, creating the folder if needed.
func Open(dir string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("cache: empty folder name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir returns the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// Path returns the file that holds (or would hold) the entry of k.
func (c *Cache) Path(k Key) string {
	s := k.String()
	return filepath.Join(c.dir, s[:2], s[2:])
}

// Get returns the entry of k. It returns an error wrapping ErrMiss when
// there is none, and one wrapping ErrCorrupt when the entry is damaged or
// does not hold exactly want feature values (want <= 0: any count).
func (c *Cache) Get(k Key, want int) (Entry, error) {
	p := c.Path(k)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, ErrMiss
	}
	if err != nil {
		return Entry{}, fmt.Errorf("cache: %w", err)
	}
	e, err := decode(b, k)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, p, err)
	}
	if want > 0 && len(e.Features) != want {
		return Entry{}, fmt.Errorf("%w: %s: %d values, want %d", ErrCorrupt, p, len(e.Features), want)
	}
	return e, nil
}

// Put stores e as the entry of k, replacing any entry there, atomically.
func (c *Cache) Put(k Key, e Entry) (err error) {
	if len(e.Features) > maxValues {
		return fmt.Errorf("cache: %d values, at most %d", len(e.Features), maxValues)
	}
	for i, v := range e.Features {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cache: value %d is %v", i, v)
		}
	}
	if e.Samples < 0 {
		return fmt.Errorf("cache: negative sample count %d", e.Samples)
	}
	p := c.Path(k)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(encode(k, e)); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// Entry file layout, little-endian: magic [8]byte, key [32]byte,
// samples uint64, n uint32, n × float64, CRC-32 (IEEE) of all before it.
const headerLen = 8 + sha256.Size + 8 + 4

// encode returns the bytes of the entry file of e under k.
func encode(k Key, e Entry) []byte {
	b := make([]byte, 0, headerLen+8*len(e.Features)+4)
	b = append(b, magic[:]...)
	b = append(b, k[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(e.Samples))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.Features)))
	for _, v := range e.Features {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// decode checks and parses an entry file that must hold key k.
func decode(b []byte, k Key) (Entry, error) {
	if len(b) < headerLen+4 {
		return Entry{}, fmt.Errorf("%d bytes, too short", len(b))
	}
	if !bytes.Equal(b[:8], magic[:]) {
		return Entry{}, errors.New("bad magic number")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return Entry{}, errors.New("checksum mismatch")
	}
	if !bytes.Equal(b[8:8+sha256.Size], k[:]) {
		return Entry{}, errors.New("entry of another key")
	}
	samples := binary.LittleEndian.Uint64(b[8+sha256.Size:])
	n := binary.LittleEndian.Uint32(b[headerLen-4:])
	if n > maxValues || len(body) != headerLen+8*int(n) {
		return Entry{}, fmt.Errorf("%d bytes for %d values", len(b), n)
	}
	if samples > math.MaxInt32 {
		return Entry{}, fmt.Errorf("implausible sample count %d", samples)
	}
	e := Entry{Samples: int(samples), Features: make([]float64, n)}
	for i := range e.Features {
		v := math.Float64frombits(binary.LittleEndian.Uint64(body[headerLen+8*i:]))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Entry{}, fmt.Errorf("value %d is %v", i, v)
		}
		e.Features[i] = v
	}
	return e, nil
}
