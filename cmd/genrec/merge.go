package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/submission"
)

const mergeExamples = `  genrec merge -o predictions.csv shard-0.csv shard-1.csv shard-2.csv
  genrec merge shard-*.jsonl > all.jsonl

The shards are the outputs of 'genrec predict --shard i/n' over the same
inputs, in one format (detected from their content: a JSON array, JSON lines,
or the challenge CSV), and may be given in any order.

Challenge CSVs must have the exact header; their rows are sorted by file_id,
the order in which 'genrec predict' writes the files of one folder, so the
merged CSV is byte-identical to a single run over one folder (the challenge
run). CSV rows carry no path: with --recursive or several arguments, a single
run writes them in walk order and merge in file_id order.

JSON and JSON-lines rows are sorted by path in the listing's order (folder by
folder, each name by stem, then extension), so the merge is identical to a
single run over one folder, --recursive or not, when every shard was given
the folder spelt the same way.

A file_id (CSV) or a path (JSON) found twice is an error. See docs/cluster.md.
`

// runMerge combines the outputs of sharded predict runs into one.
func runMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", "[flags] SHARD...", mergeExamples, stderr)
	out := fs.String("o", "-", "write the merged output to `FILE` (atomically); - is stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no input: give the shard files to merge")
	}
	if *out != "-" {
		if err := atomicfile.CheckWritable(*out); err != nil {
			return err
		}
	}
	format := ""
	var csvRows []csvShardRow
	var jsonRows []jsonShardRow
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("shard: %w", err)
		}
		f := sniffFormat(b)
		if f == "" {
			continue // an empty jsonl shard: no rows
		}
		if format == "" {
			format = f
		} else if f != format {
			return fmt.Errorf("shard %s is %s, the shards before it %s: all shards must have one format", path, f, format)
		}
		switch f {
		case formatCSV:
			preds, err := submission.Read(bytes.NewReader(b))
			if err != nil {
				return fmt.Errorf("shard %s: %w", path, err)
			}
			for _, p := range preds {
				csvRows = append(csvRows, csvShardRow{p, path})
			}
		default:
			rows, err := readJSONShard(b, f == formatJSON)
			if err != nil {
				return fmt.Errorf("shard %s: %w", path, err)
			}
			for i := range rows {
				rows[i].shard = path
			}
			jsonRows = append(jsonRows, rows...)
		}
	}
	var fill func(io.Writer) error
	if format == formatCSV {
		slices.SortStableFunc(csvRows, func(a, b csvShardRow) int { return cmp.Compare(a.FileID, b.FileID) })
		for i := 1; i < len(csvRows); i++ {
			if a, b := csvRows[i-1], csvRows[i]; a.FileID == b.FileID {
				return fmt.Errorf("file_id %q is in %s and in %s: shards overlap", a.FileID, a.shard, b.shard)
			}
		}
		fill = func(w io.Writer) error {
			sw, err := submission.NewWriter(w)
			if err != nil {
				return err
			}
			for _, r := range csvRows {
				if err := sw.Write(r.FileID, r.Probs[:]); err != nil {
					return err
				}
			}
			return sw.Flush()
		}
	} else {
		slices.SortStableFunc(jsonRows, func(a, b jsonShardRow) int { return pipeline.ComparePaths(a.Path, b.Path) })
		for i := 1; i < len(jsonRows); i++ {
			if a, b := jsonRows[i-1], jsonRows[i]; a.Path == b.Path {
				return fmt.Errorf("path %q is in %s and in %s: shards overlap", a.Path, a.shard, b.shard)
			}
		}
		array := format == formatJSON
		fill = func(w io.Writer) error { return writeJSONRows(w, jsonRows, array) }
	}
	if err := writeOutput(*out, stdout, fill); err != nil {
		return err
	}
	return nil
}

// csvShardRow is a challenge row and the shard it came from.
type csvShardRow struct {
	submission.Prediction
	shard string
}

// jsonShardRow is one object of a json or jsonl shard, kept as read.
type jsonShardRow struct {
	Path   string `json:"path"`
	FileID string `json:"file_id"`
	raw    []byte
	shard  string
}

// sniffFormat tells the format of a predict output from its first
// non-blank byte: '[' json, '{' jsonl, anything else the challenge CSV;
// "" for a blank file (an empty jsonl shard).
func sniffFormat(b []byte) string {
	switch t := bytes.TrimLeft(b, " \t\r\n"); {
	case len(t) == 0:
		return ""
	case t[0] == '[':
		return formatJSON
	case t[0] == '{':
		return formatJSONL
	}
	return formatCSV
}

// readJSONShard reads the objects of a json (array) or jsonl shard; each
// must have a path.
func readJSONShard(b []byte, array bool) ([]jsonShardRow, error) {
	var raws []json.RawMessage
	if array {
		if err := json.Unmarshal(b, &raws); err != nil {
			return nil, fmt.Errorf("not a JSON array of rows: %w", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			t := bytes.TrimSpace(sc.Bytes())
			if len(t) == 0 {
				continue
			}
			if !json.Valid(t) {
				return nil, fmt.Errorf("line %d: not a JSON object", line)
			}
			raws = append(raws, json.RawMessage(bytes.Clone(t)))
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	rows := make([]jsonShardRow, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &rows[i]); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
		if rows[i].Path == "" {
			return nil, fmt.Errorf("row %d: no path", i+1)
		}
		rows[i].raw = raw
	}
	return rows, nil
}

// writeJSONRows writes rows as predict does: one object per line, inside
// an array if asked.
func writeJSONRows(w io.Writer, rows []jsonShardRow, array bool) error {
	bw := bufio.NewWriter(w)
	if array && len(rows) == 0 {
		bw.WriteString("[]\n")
	}
	for i, r := range rows {
		switch {
		case array && i == 0:
			bw.WriteString("[\n")
		case array:
			bw.WriteString(",\n")
		}
		bw.Write(r.raw)
		if !array {
			bw.WriteByte('\n')
		}
	}
	if array && len(rows) > 0 {
		bw.WriteString("\n]\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
