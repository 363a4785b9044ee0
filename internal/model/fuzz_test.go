package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/models"
)

// checkLoaded fails unless a model that Read accepted behaves: it predicts
// a valid challenge row (or refuses the input with an error) for a few
// feature vectors, its fallback is a valid row, and it writes itself back
// to a file that reads back to the same bytes.
func checkLoaded(t *testing.T, m *Model) {
	t.Helper()
	fb := m.Fallback()
	if err := submission.Check(fb[:]); err != nil {
		t.Fatalf("fallback: %v", err)
	}
	d := len(m.Features())
	for _, v := range []float64{0, 1, -1e6, 1e300, math.NaN()} {
		x := make([]float64, d)
		for j := range x {
			x[j] = v
		}
		p, err := m.Predict(nil, x)
		if err != nil {
			continue
		}
		if err := submission.Check(p); err != nil {
			t.Fatalf("Predict(all %v): %v", v, err)
		}
	}
	var w1, w2 bytes.Buffer
	if _, err := m.WriteTo(&w1); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	m2, err := Read(bytes.NewReader(w1.Bytes()))
	if err != nil {
		t.Fatalf("a written model does not read back: %v", err)
	}
	if _, err := m2.WriteTo(&w2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Fatal("write, read, write does not give the same bytes")
	}
}

// checkReadError fails unless err wraps one of the documented errors.
func checkReadError(t *testing.T, err error) {
	t.Helper()
	for _, e := range []error{ErrFormat, ErrVersion, ErrChecksum, ErrCorrupt} {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("Read error %q wraps none of ErrFormat, ErrVersion, ErrChecksum, ErrCorrupt", err)
}

// smallModel derives a small valid model from the shipped one, keeping its
// first two features, and returns its file and its compact payload. The
// shipped file itself (30 kB) is a poor seed: the fuzzer minimises every
// interesting mutation of it byte by byte and so runs a few inputs a second.
func smallModel(tb testing.TB) (file, body []byte) {
	tb.Helper()
	var env envelope
	if err := json.Unmarshal(models.Default, &env); err != nil {
		tb.Fatal(err)
	}
	var p payload
	if err := json.Unmarshal(env.Payload, &p); err != nil {
		tb.Fatal(err)
	}
	const d = 2
	p.Recipe.Features = p.Recipe.Features[:d]
	s := &p.Scaler
	s.Log, s.Offset, s.Mean, s.Scale = s.Log[:d], s.Offset[:d], s.Mean[:d], s.Scale[:d]
	for k := range p.Weights {
		p.Weights[k] = p.Weights[k][:d]
	}
	body, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(body)
	file, err = json.MarshalIndent(envelope{Format: FormatName, Version: FormatVersion, SHA256: hex.EncodeToString(sum[:]), Payload: body}, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(file)); err != nil {
		tb.Fatalf("the small seed model does not read: %v", err)
	}
	return file, body
}

// FuzzRead feeds arbitrary bytes to the model-file reader: it must refuse
// them with a documented error or return a model that works. Most
// mutations break the checksum; FuzzReadPayload gets past it. The
// shipped model is tested as it is by TestShippedModelReads.
func FuzzRead(f *testing.F) {
	file, _ := smallModel(f)
	f.Add(file)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data))
		if err != nil {
			checkReadError(t, err)
			return
		}
		checkLoaded(t, m)
	})
}

// FuzzReadPayload fuzzes the payload of a model file and seals it with a
// matching checksum, format name and version, so that the payload's
// validation (dimensions, finiteness, priors, class names) is what is
// exercised.
func FuzzReadPayload(f *testing.F) {
	_, body := smallModel(f)
	f.Add(body)
	f.Fuzz(func(t *testing.T, payload []byte) {
		var body bytes.Buffer
		if json.Compact(&body, payload) != nil {
			return // not JSON: FuzzRead covers that
		}
		sum := sha256.Sum256(body.Bytes())
		file, err := json.Marshal(envelope{Format: FormatName, Version: FormatVersion, SHA256: hex.EncodeToString(sum[:]), Payload: body.Bytes()})
		if err != nil {
			return
		}
		m, err := Read(bytes.NewReader(file))
		if err != nil {
			checkReadError(t, err)
			return
		}
		checkLoaded(t, m)
	})
}

// TestShippedModelReads checks the shipped model like the fuzz targets
// check what they load.
func TestShippedModelReads(t *testing.T) {
	m, err := Read(bytes.NewReader(models.Default))
	if err != nil {
		t.Fatal(err)
	}
	checkLoaded(t, m)
}
