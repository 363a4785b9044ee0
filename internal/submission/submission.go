// Package submission writes the CSV that the WWW2018 "Learning to Recognize
// Musical Genre" grader reads: a header of file_id and the 16 class names,
// then one row of 16 probabilities per clip.
package submission

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/genrec/genrec/internal/genre"
)

// Header returns the exact header row of the challenge CSV.
func Header() []string {
	h := make([]string, 0, genre.N+1)
	h = append(h, "file_id")
	return append(h, genre.Classes[:]...)
}

// Writer writes challenge rows to an underlying writer through encoding/csv,
// so file ids that contain commas, quotes or newlines are quoted.
type Writer struct {
	cw     *csv.Writer
	record []string
}

// NewWriter returns a Writer on w and writes the header.
func NewWriter(w io.Writer) (*Writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return nil, fmt.Errorf("write header: %w", err)
	}
	return &Writer{cw: cw, record: make([]string, genre.N+1)}, nil
}

// Write writes the row of one clip. probs must hold genre.N finite values
// in [0,1] that sum to 1 within 1e-6; anything else is an error, so a bad
// row never reaches the grader.
func (w *Writer) Write(fileID string, probs []float64) error {
	if err := Check(probs); err != nil {
		return fmt.Errorf("row %q: %w", fileID, err)
	}
	w.record[0] = fileID
	for i, p := range probs {
		// 'g' with -1 digits is the shortest text that reads back as p.
		w.record[i+1] = strconv.FormatFloat(p, 'g', -1, 64)
	}
	if err := w.cw.Write(w.record); err != nil {
		return fmt.Errorf("row %q: %w", fileID, err)
	}
	return nil
}

// Flush writes buffered rows and reports any write error.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// Check reports whether probs is a valid challenge row: genre.N finite
// values in [0,1] summing to 1 within 1e-6.
func Check(probs []float64) error {
	if len(probs) != genre.N {
		return fmt.Errorf("%d probabilities, want %d", len(probs), genre.N)
	}
	sum := 0.0
	for i, p := range probs {
		if math.IsNaN(p) || p < 0 || p > 1 {
			return fmt.Errorf("probability of %s is %v", genre.Classes[i], p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("probabilities sum to %v", sum)
	}
	return nil
}

// FileID returns the challenge's file_id of a clip path: its base name
// without the extension (".mp3" in any case for challenge clips).
func FileID(path string) string {
	base := filepath.Base(path)
	return base[:len(base)-len(filepath.Ext(base))]
}

// Prediction is one row of a challenge CSV.
type Prediction struct {
	FileID string
	Probs  [genre.N]float64
}

// Read reads a challenge CSV: the exact header, then rows of a file_id and
// genre.N probabilities. Rows are checked like Write checks them.
func Read(r io.Reader) ([]Prediction, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = genre.N + 1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	for i, h := range Header() {
		if head[i] != h {
			return nil, fmt.Errorf("header column %d is %q, want %q", i+1, head[i], h)
		}
	}
	var preds []Prediction
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return preds, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		p := Prediction{FileID: rec[0]}
		for i, s := range rec[1:] {
			if p.Probs[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		if err := Check(p.Probs[:]); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		preds = append(preds, p)
	}
}
