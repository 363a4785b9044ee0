package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Layout names the column layout of a feature table file.
type Layout int

const (
	// Kaggle is the layout of the GTZAN table ("features_30_sec.csv"):
	// "filename,length,<feature columns…>[,label]".
	Kaggle Layout = iota
	// FMASmall is the layout of the FMA-small table:
	// "track_id,genre,<feature columns…>".
	FMASmall
)

// String returns the layout's name as the command line spells it: "gtzan"
// for Kaggle, "fma-small" for FMASmall.
func (l Layout) String() string {
	switch l {
	case Kaggle:
		return "gtzan"
	case FMASmall:
		return "fma-small"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// Row is one record of a feature table: one analysed audio file.
type Row struct {
	// Filename is the file the features were computed from; in the
	// FMASmall layout, the track id (the file name without its extension).
	Filename string
	// Length is the number of audio samples analysed; 0 in the FMASmall
	// layout, which does not record it.
	Length int
	// Values holds one value per feature, in the order of Table.Features.
	Values []float64
	// Label is the genre label, empty when unknown.
	Label string
}

// Table is a feature table: named feature columns and one Row per file.
type Table struct {
	// Layout is the file layout the table was read from and is written in.
	Layout Layout
	// Features names the feature columns, in file order.
	Features []string
	// Rows are the records, in file order.
	Rows []Row
}

const (
	colFilename = "filename"
	colLength   = "length"
	colLabel    = "label"
	colTrackID  = "track_id"
	colGenre    = "genre"
)

// ReadTable reads a feature table in either layout, recognised by its
// header: Kaggle, "filename,length,<feature columns…>[,label]", whose label
// column is optional, or FMASmall, "track_id,genre,<feature columns…>".
// Labels may be empty. Every feature value must be a finite number. A
// header in neither layout is an error that names both; errors in records
// name their line.
func ReadTable(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("read table: empty input, want a header line")
	}
	if err != nil {
		return nil, fmt.Errorf("read table: header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	layout, err := layoutOf(header)
	if err != nil {
		return nil, fmt.Errorf("read table: line 1: %w", err)
	}
	hasLabel := layout == FMASmall || strings.EqualFold(header[len(header)-1], colLabel)
	start, end := 2, len(header)
	if layout == Kaggle && hasLabel {
		end--
	}
	t := &Table{Layout: layout, Features: append([]string(nil), header[start:end]...)}
	seen := make(map[string]bool, len(t.Features))
	for _, f := range t.Features {
		if f == "" {
			return nil, errors.New("read table: line 1: empty feature name in header")
		}
		if seen[f] {
			return nil, fmt.Errorf("read table: line 1: duplicate feature column %q", f)
		}
		seen[f] = true
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// csv.ParseError already carries the line number.
			return nil, fmt.Errorf("read table: %w", err)
		}
		line, _ := cr.FieldPos(0)
		var row Row
		if layout == FMASmall {
			row, err = parseFMARow(rec)
		} else {
			row, err = parseRow(rec, len(t.Features), hasLabel)
		}
		if err != nil {
			return nil, fmt.Errorf("read table: line %d: %w", line, err)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// layoutOf recognises a table's layout from its header (fields trimmed).
func layoutOf(header []string) (Layout, error) {
	if len(header) >= 2 {
		switch {
		case strings.EqualFold(header[0], colFilename) && strings.EqualFold(header[1], colLength):
			return Kaggle, nil
		case strings.EqualFold(header[0], colTrackID) && strings.EqualFold(header[1], colGenre):
			return FMASmall, nil
		}
	}
	head := strings.Join(header, ",")
	if len(head) > 80 {
		head = head[:80] + "…"
	}
	return 0, fmt.Errorf("header %q is in no known layout: want %q (gtzan, Kaggle) or %q (fma-small)",
		head, colFilename+","+colLength+",<features>[,"+colLabel+"]", colTrackID+","+colGenre+",<features>")
}

// parseFMARow converts one CSV record of the FMASmall layout into a Row.
func parseFMARow(rec []string) (Row, error) {
	row := Row{Filename: strings.TrimSpace(rec[0]), Label: strings.TrimSpace(rec[1])}
	if row.Filename == "" {
		return row, errors.New("empty track_id")
	}
	var err error
	row.Values, err = parseValues(rec[2:], 3)
	return row, err
}

// parseValues parses feature values; first is the 1-based column of
// fields[0], for error messages.
func parseValues(fields []string, first int) ([]float64, error) {
	vals := make([]float64, len(fields))
	for j, f := range fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("column %d: value %q is not a finite number", first+j, f)
		}
		vals[j] = v
	}
	return vals, nil
}

// parseRow converts one CSV record (already checked for field count by
// encoding/csv) into a Row.
func parseRow(rec []string, nFeatures int, hasLabel bool) (Row, error) {
	var row Row
	row.Filename = strings.TrimSpace(rec[0])
	if row.Filename == "" {
		return row, errors.New("empty filename")
	}
	n, err := strconv.Atoi(strings.TrimSpace(rec[1]))
	if err != nil || n < 0 {
		return row, fmt.Errorf("length %q is not a non-negative integer", rec[1])
	}
	row.Length = n
	if row.Values, err = parseValues(rec[2:2+nFeatures], 3); err != nil {
		return row, err
	}
	if hasLabel {
		row.Label = strings.TrimSpace(rec[len(rec)-1])
	}
	return row, nil
}

// ReadTableFile reads the feature table stored at path (see ReadTable).
func ReadTableFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", path, err)
	}
	defer f.Close()
	t, err := ReadTable(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Select returns, for every row, the values of the named feature columns in
// the order of names. The result is a fresh matrix that does not alias the
// table. An unknown or repeated name is an error.
func (t *Table) Select(names []string) ([][]float64, error) {
	index := make(map[string]int, len(t.Features))
	for j, f := range t.Features {
		index[f] = j
	}
	cols := make([]int, len(names))
	used := make(map[string]bool, len(names))
	for k, name := range names {
		j, ok := index[name]
		if !ok {
			return nil, fmt.Errorf("select: feature %q not in table", name)
		}
		if used[name] {
			return nil, fmt.Errorf("select: feature %q requested twice", name)
		}
		used[name] = true
		cols[k] = j
	}
	out := make([][]float64, len(t.Rows))
	flat := make([]float64, len(t.Rows)*len(names))
	for i, row := range t.Rows {
		if len(row.Values) != len(t.Features) {
			return nil, fmt.Errorf("select: row %d (%s) has %d values, table has %d features", i, row.Filename, len(row.Values), len(t.Features))
		}
		dst := flat[i*len(names) : (i+1)*len(names) : (i+1)*len(names)]
		for k, j := range cols {
			dst[k] = row.Values[j]
		}
		out[i] = dst
	}
	return out, nil
}

// WriteTable writes t in its layout, as ReadTable reads it: Kaggle always
// with a label column, FMASmall with the genre as its second column. Floats
// are formatted with strconv 'g' and precision -1, so they read back bit
// for bit.
func WriteTable(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(t.Features)+3)
	switch t.Layout {
	case Kaggle:
		header = append(header, colFilename, colLength)
		header = append(header, t.Features...)
		header = append(header, colLabel)
	case FMASmall:
		header = append(header, colTrackID, colGenre)
		header = append(header, t.Features...)
	default:
		return fmt.Errorf("write table: unknown layout %v", t.Layout)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	rec := make([]string, len(header))
	for i, row := range t.Rows {
		if len(row.Values) != len(t.Features) {
			return fmt.Errorf("write table: row %d (%s) has %d values, table has %d features", i, row.Filename, len(row.Values), len(t.Features))
		}
		for j, v := range row.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("write table: row %d (%s): feature %s is not finite", i, row.Filename, t.Features[j])
			}
			rec[2+j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		if t.Layout == FMASmall {
			rec[0], rec[1] = row.Filename, row.Label
		} else {
			rec[0], rec[1] = row.Filename, strconv.Itoa(row.Length)
			rec[len(rec)-1] = row.Label
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}
