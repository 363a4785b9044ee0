package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/genrec/genrec/internal/genre"
)

// FMATrack is what genrec reads of one track's row in FMA's tracks.csv.
type FMATrack struct {
	// GenreTop is the track's top-level genre, "" when it has none.
	GenreTop string
	// Split is FMA's official split: "training", "validation" or "test"
	// ("" when the file has no split column).
	Split string
	// Subset is the FMA subset ("small", "medium", …; "" when absent).
	Subset string
}

// ReadFMATracks reads FMA's tracks.csv and returns its tracks by id. Two
// layouts are understood:
//
//   - one header line naming the columns track_id and genre_top, and
//     optionally split and subset (any order, other columns ignored), as
//     in the repository's ../shared/data/fma/tracks.csv;
//   - FMA's original fma_metadata/tracks.csv, whose three header lines hold
//     the column groups ("track", "set", …), the column names and
//     "track_id", and whose first column is the track id.
//
// Duplicate or non-numeric ids are errors naming their line.
func ReadFMATracks(r io.Reader) (map[int]FMATrack, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("fma tracks: empty input, want a header line")
	}
	if err != nil {
		return nil, fmt.Errorf("fma tracks: header: %w", err)
	}
	idCol := findColumn(header, "track_id")
	names := header
	if findColumn(header, "genre_top") < 0 {
		// The original layout: names on the second line, "track_id" in the
		// first column of the third.
		names, err = cr.Read()
		if err != nil || findColumn(names, "genre_top") < 0 {
			return nil, fmt.Errorf("fma tracks: no \"genre_top\" column in the header %q", strings.Join(header, ","))
		}
		third, err := cr.Read()
		if err != nil || len(third) == 0 || !strings.EqualFold(strings.TrimSpace(third[0]), "track_id") {
			return nil, errors.New("fma tracks: line 3 of FMA's three-line header must start with \"track_id\"")
		}
		idCol = 0
	}
	if idCol < 0 {
		return nil, fmt.Errorf("fma tracks: no \"track_id\" column in the header %q", strings.Join(header, ","))
	}
	genreCol, splitCol, subsetCol := findColumn(names, "genre_top"), findColumn(names, "split"), findColumn(names, "subset")
	field := func(rec []string, col int) string {
		if col < 0 || col >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[col])
	}
	tracks := make(map[int]FMATrack)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("fma tracks: %w", err)
		}
		line, _ := cr.FieldPos(0)
		id, err := strconv.Atoi(field(rec, idCol))
		if err != nil || id < 0 {
			return nil, fmt.Errorf("fma tracks: line %d: bad track_id %q", line, field(rec, idCol))
		}
		if _, dup := tracks[id]; dup {
			return nil, fmt.Errorf("fma tracks: line %d: track_id %d repeated", line, id)
		}
		tracks[id] = FMATrack{GenreTop: field(rec, genreCol), Split: field(rec, splitCol), Subset: field(rec, subsetCol)}
	}
	return tracks, nil
}

// FMAPriorOf returns the genre_top counts of tracks normalised to sum to
// 1, in genre.Classes order, exactly as FMAPrior computes them from the
// file. Tracks without a genre_top are skipped; an unknown genre is an
// error.
func FMAPriorOf(tracks map[int]FMATrack) ([genre.N]float64, error) {
	var prior [genre.N]float64
	var counts [genre.N]int
	total := 0
	for id, t := range tracks {
		if t.GenreTop == "" {
			continue
		}
		c, err := genre.Index(t.GenreTop)
		if err != nil {
			return prior, fmt.Errorf("fma prior: track %d: %w", id, err)
		}
		counts[c]++
		total++
	}
	if total == 0 {
		return prior, errors.New("fma prior: no track has a genre_top")
	}
	for c, n := range counts {
		prior[c] = float64(n) / float64(total)
	}
	return prior, nil
}
