package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/genrec/genrec/internal/genre"
)

// ReadLabels reads a label file: CSV with a header naming the columns
// "file_id" and "genre" (case-insensitive, any order, other columns
// ignored). It returns a map from file id to the canonical class name in
// genre.Classes; GTZAN names are mapped by genre.Index. Empty ids, unknown
// genres and repeated ids are errors that name their line.
func ReadLabels(r io.Reader) (map[string]string, error) {
	return readLabels(r, true)
}

// ReadRawLabels reads a label file like ReadLabels but keeps each genre as
// written (trimmed), for tables whose labels are not challenge classes
// (e.g. the ten GTZAN genres). Empty genres are errors.
func ReadRawLabels(r io.Reader) (map[string]string, error) {
	return readLabels(r, false)
}

// readLabels reads a label file, mapping genres onto genre.Classes when
// canonical is set.
func readLabels(r io.Reader, canonical bool) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("read labels: empty input, want a header line \"file_id,genre\"")
	}
	if err != nil {
		return nil, fmt.Errorf("read labels: header: %w", err)
	}
	idCol, genreCol := findColumn(header, "file_id"), findColumn(header, "genre")
	if idCol < 0 || genreCol < 0 {
		return nil, fmt.Errorf("read labels: line 1: header must name columns \"file_id\" and \"genre\", got %q", strings.Join(header, ","))
	}
	labels := make(map[string]string)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read labels: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if idCol >= len(rec) || genreCol >= len(rec) {
			return nil, fmt.Errorf("read labels: line %d: %d fields, want at least %d", line, len(rec), max(idCol, genreCol)+1)
		}
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			return nil, fmt.Errorf("read labels: line %d: empty file_id", line)
		}
		g := strings.TrimSpace(rec[genreCol])
		if canonical {
			c, err := genre.Index(g)
			if err != nil {
				return nil, fmt.Errorf("read labels: line %d: %w", line, err)
			}
			g = genre.Classes[c]
		} else if g == "" {
			return nil, fmt.Errorf("read labels: line %d: empty genre", line)
		}
		if _, dup := labels[id]; dup {
			return nil, fmt.Errorf("read labels: line %d: file_id %q repeated", line, id)
		}
		labels[id] = g
	}
	return labels, nil
}

// FMAPrior reads FMA's tracks.csv (see ReadFMATracks) and returns the
// genre_top counts normalised to sum to 1, in genre.Classes order (see
// FMAPriorOf). Tracks with an empty genre_top are skipped; an unknown genre
// is an error.
func FMAPrior(r io.Reader) ([genre.N]float64, error) {
	tracks, err := ReadFMATracks(r)
	if err != nil {
		return [genre.N]float64{}, fmt.Errorf("fma prior: %w", err)
	}
	return FMAPriorOf(tracks)
}

// findColumn returns the index of the header field equal to name (trimmed,
// case-insensitive, ignoring a byte-order mark), or -1.
func findColumn(header []string, name string) int {
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}
