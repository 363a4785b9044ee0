package submission

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

const wantHeader = "file_id,Blues,Classical,Country,Easy Listening,Electronic,Experimental,Folk,Hip-Hop,Instrumental,International,Jazz,Old-Time / Historic,Pop,Rock,Soul-RnB,Spoken"

func uniform() []float64 {
	p := make([]float64, genre.N)
	for i := range p {
		p[i] = 1.0 / float64(genre.N)
	}
	return p
}

func TestWriterHeaderAndQuoting(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"plain", "with,comma", `quote"name`, "new\nline", "Ünïcødé – ♫"}
	for _, id := range ids {
		if err := w.Write(id, uniform()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != wantHeader {
		t.Fatalf("header = %q", first)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ids)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(ids)+1)
	}
	for i, id := range ids {
		r := rows[i+1]
		if r[0] != id {
			t.Errorf("row %d id = %q, want %q", i, r[0], id)
		}
		for _, s := range r[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v != 1.0/float64(genre.N) {
				t.Errorf("row %d value %q does not round-trip", i, s)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	bad := func(f func(p []float64) []float64) []float64 { return f(uniform()) }
	tests := []struct {
		name  string
		probs []float64
		ok    bool
	}{
		{"uniform", uniform(), true},
		{"short", uniform()[:15], false},
		{"negative", bad(func(p []float64) []float64 { p[0] = -0.1; p[1] += 0.1; return p }), false},
		{"NaN", bad(func(p []float64) []float64 { p[3] = math.NaN(); return p }), false},
		{"sum off", bad(func(p []float64) []float64 { p[0] += 1e-3; return p }), false},
	}
	for _, tt := range tests {
		if err := Check(tt.probs); (err == nil) != tt.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestFileID(t *testing.T) {
	tests := map[string]string{
		"/a/b/song.mp3":         "song",
		"UPPER.MP3":             "UPPER",
		"dir/x.y.Mp3":           "x.y",
		"classical,00001.mp3":   "classical,00001",
		"/tmp/payload/q\"n.mp3": "q\"n",
	}
	for in, want := range tests {
		if got := FileID(in); got != want {
			t.Errorf("FileID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	p := uniform()
	p[0], p[1] = p[0]+0.01, p[1]-0.01
	for _, id := range []string{"a", "b,c"} {
		if err := w.Write(id, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].FileID != "b,c" || got[0].Probs[0] != p[0] {
		t.Errorf("Read = %+v", got)
	}
	bad := []string{
		"",
		"file_id,Blues\n",
		strings.Replace(wantHeader, "Blues", "blues", 1) + "\n",
		wantHeader + "\nx" + strings.Repeat(",0.5", 16) + "\n",
	}
	for _, in := range bad {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q): no error", in)
		}
	}
}
