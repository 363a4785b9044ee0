package cache

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// newFile writes a file and returns its path.
func newFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	c, err := Open(filepath.Join(t.TempDir(), "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	p := newFile(t, t.TempDir(), "x.mp3", "audio")
	k, err := FileKey(p, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(k, 3); !errors.Is(err, ErrMiss) {
		t.Fatalf("empty cache: %v, want ErrMiss", err)
	}
	want := Entry{Samples: 661500, Features: []float64{1.5, -2e-300, math.Pi}}
	if err := c.Put(k, want); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(k, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got.Samples != want.Samples || len(got.Features) != 3 {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range got.Features {
		if math.Float64bits(got.Features[i]) != math.Float64bits(want.Features[i]) {
			t.Errorf("value %d: %v, want %v bit for bit", i, got.Features[i], want.Features[i])
		}
	}
	if _, err := c.Get(k, 57); !errors.Is(err, ErrCorrupt) {
		t.Errorf("wrong value count: %v, want ErrCorrupt", err)
	}
	// Replacing works, and leaves no temporary file behind.
	if err := c.Put(k, Entry{Samples: 1, Features: []float64{0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(filepath.Dir(c.Path(k)))
	if err != nil || len(ents) != 1 {
		t.Errorf("entry folder holds %v (%v), want just the entry", ents, err)
	}
	if err := c.Put(k, Entry{Features: []float64{math.NaN()}}); err == nil {
		t.Error("NaN value stored")
	}
}

// TestKeyChanges checks that the key follows the recipe, the path, the
// size and the modification time.
func TestKeyChanges(t *testing.T) {
	dir := t.TempDir()
	p := newFile(t, dir, "x.wav", "12345")
	k0, err := FileKey(p, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := FileKey(p, "r1"); k != k0 {
		t.Error("same file, same recipe: key changed")
	}
	if k, _ := FileKey(p, "r2"); k == k0 {
		t.Error("recipe change kept the key")
	}
	q := newFile(t, dir, "y.wav", "12345")
	mt := time.Now().Add(-time.Hour)
	for _, f := range []string{p, q} {
		if err := os.Chtimes(f, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	k1, _ := FileKey(p, "r1")
	if k2, _ := FileKey(q, "r1"); k2 == k1 {
		t.Error("another path, same size and time: same key")
	}
	if k1 == k0 {
		t.Error("modification time change kept the key")
	}
	newFile(t, dir, "x.wav", "123456")
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
	if k, _ := FileKey(p, "r1"); k == k1 {
		t.Error("size change kept the key")
	}
	if _, err := FileKey(filepath.Join(dir, "missing"), "r1"); err == nil {
		t.Error("missing file: no error")
	}
}

// TestCorrupt damages an entry in every way that matters: each must read
// as ErrCorrupt, never as a wrong value, and a Put repairs it.
func TestCorrupt(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k, err := FileKey(newFile(t, t.TempDir(), "x.flac", "x"), "r")
	if err != nil {
		t.Fatal(err)
	}
	e := Entry{Samples: 10, Features: []float64{1, 2, 3, 4}}
	if err := c.Put(k, e); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(c.Path(k))
	if err != nil {
		t.Fatal(err)
	}
	other := k
	other[0] ^= 1
	damage := map[string][]byte{
		"empty":      {},
		"truncated":  good[:len(good)-5],
		"extended":   append(append([]byte(nil), good...), 0),
		"bit flip":   flip(good, len(good)/2),
		"bad magic":  flip(good, 0),
		"crc flip":   flip(good, len(good)-1),
		"other key":  encode(other, e),
		"text":       []byte("not a cache entry at all, but long enough to pass the length check........"),
		"huge count": withCount(good, 1<<30),
	}
	for name, b := range damage {
		if err := os.WriteFile(c.Path(k), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Get(k, 4); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %+v, %v; want ErrCorrupt", name, got, err)
		}
	}
	if err := c.Put(k, e); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(k, 4); err != nil || got.Samples != 10 {
		t.Errorf("after repair: %+v, %v", got, err)
	}
}

// flip returns a copy of b with one bit of byte i inverted.
func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x10
	return c
}

// withCount returns a copy of an entry file with its value count replaced
// and its checksum recomputed, as a hostile writer would make it.
func withCount(b []byte, n uint32) []byte {
	c := append([]byte(nil), b[:len(b)-4]...)
	binary.LittleEndian.PutUint32(c[headerLen-4:], n)
	return binary.LittleEndian.AppendUint32(c, crc32.ChecksumIEEE(c))
}
