package submission

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

// probsFrom turns arbitrary bytes into a valid row: 16 weights read as
// little-endian uint16 (missing bytes are zero), normalised to sum to 1;
// all-zero weights give the uniform row.
func probsFrom(raw []byte) []float64 {
	var w [2 * genre.N]byte
	copy(w[:], raw)
	p := make([]float64, genre.N)
	var sum float64
	for i := range p {
		p[i] = float64(binary.LittleEndian.Uint16(w[2*i:]))
		sum += p[i]
	}
	for i := range p {
		if sum == 0 {
			p[i] = 1.0 / float64(genre.N)
		} else {
			p[i] /= sum
		}
	}
	return p
}

// FuzzWriteRead writes a row with an arbitrary file id and probabilities
// through Writer and reads it back with Read: the same id (but for the
// reader's "\r\n" quirk below) and the same probabilities, bit for bit,
// must come back. Seeds are in
// testdata/fuzz/FuzzWriteRead.
func FuzzWriteRead(f *testing.F) {
	f.Add("000002", []byte{1, 0, 2, 0})
	f.Add("a, \"quoted\"\nname", []byte{255, 255})
	f.Fuzz(func(t *testing.T, id string, raw []byte) {
		probs := probsFrom(raw)
		var buf bytes.Buffer
		w, err := NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(id, probs); err != nil {
			t.Fatalf("Write(%q): %v", id, err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		preds, err := Read(&buf)
		if err != nil {
			t.Fatalf("Read of a written row: %v\n%q", err, buf.String())
		}
		if len(preds) != 1 {
			t.Fatalf("%d rows read back, want 1:\n%q", len(preds), buf.String())
		}
		// The file holds the id's bytes exactly (quoted where needed), but
		// encoding/csv's Reader turns "\r\n" inside a quoted field into
		// "\n" (found by this target with the id "\r\n"); only a file
		// name with a carriage return meets this.
		if want := strings.ReplaceAll(id, "\r\n", "\n"); preds[0].FileID != want {
			t.Fatalf("file id %q read back as %q", id, preds[0].FileID)
		}
		for i, p := range probs {
			if math.Float64bits(p) != math.Float64bits(preds[0].Probs[i]) {
				t.Fatalf("probability %d: wrote %v, read %v", i, p, preds[0].Probs[i])
			}
		}
	})
}
