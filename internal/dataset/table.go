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

// Row is one record of a feature table: one analysed audio file.
type Row struct {
	// Filename is the file the features were computed from.
	Filename string
	// Length is the number of audio samples analysed.
	Length int
	// Values holds one value per feature, in the order of Table.Features.
	Values []float64
	// Label is the genre label, empty when unknown.
	Label string
}

// Table is a feature table: named feature columns and one Row per file.
type Table struct {
	// Features names the feature columns, in file order.
	Features []string
	// Rows are the records, in file order.
	Rows []Row
}

const (
	colFilename = "filename"
	colLength   = "length"
	colLabel    = "label"
)

// ReadTable reads a feature table in the Kaggle layout:
// "filename,length,<feature columns…>[,label]". The header is required; the
// label column is optional and its values may be empty. Every feature value
// must be a finite number. Errors name the line of the bad record.
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
	if len(header) < 2 || !strings.EqualFold(header[0], colFilename) || !strings.EqualFold(header[1], colLength) {
		return nil, fmt.Errorf("read table: line 1: header must start with %q,%q, got %q", colFilename, colLength, strings.Join(header, ","))
	}
	hasLabel := strings.EqualFold(header[len(header)-1], colLabel)
	end := len(header)
	if hasLabel {
		end--
	}
	t := &Table{Features: append([]string(nil), header[2:end]...)}
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
		row, err := parseRow(rec, len(t.Features), hasLabel)
		if err != nil {
			return nil, fmt.Errorf("read table: line %d: %w", line, err)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
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
	row.Values = make([]float64, nFeatures)
	for j := 0; j < nFeatures; j++ {
		s := strings.TrimSpace(rec[2+j])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return row, fmt.Errorf("column %d: value %q is not a finite number", 3+j, rec[2+j])
		}
		row.Values[j] = v
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

// WriteTable writes t in the layout ReadTable reads, always with a label
// column. Floats are formatted with strconv 'g' and precision -1, so they
// read back bit for bit.
func WriteTable(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	header := make([]string, 0, len(t.Features)+3)
	header = append(header, colFilename, colLength)
	header = append(header, t.Features...)
	header = append(header, colLabel)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	rec := make([]string, len(header))
	for i, row := range t.Rows {
		if len(row.Values) != len(t.Features) {
			return fmt.Errorf("write table: row %d (%s) has %d values, table has %d features", i, row.Filename, len(row.Values), len(t.Features))
		}
		rec[0] = row.Filename
		rec[1] = strconv.Itoa(row.Length)
		for j, v := range row.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("write table: row %d (%s): feature %s is not finite", i, row.Filename, t.Features[j])
			}
			rec[2+j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		rec[len(rec)-1] = row.Label
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
