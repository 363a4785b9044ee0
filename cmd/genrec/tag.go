package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/tags"
	"github.com/genrec/genrec/models"
)

const tagExamples = `  genrec tag ~/Music/album                        # dry run: show what would change, write nothing
  genrec tag --write --backup ~/Music/album       # tag, keeping each original as <file>.bak
  genrec tag --write --overwrite --min-confidence 0.8 song.mp3
`

// tagCounts counts what genrec tag did.
type tagCounts struct {
	files, planned, written, skipped, failed int
}

// tagItem is one input file of genrec tag.
type tagItem struct {
	path string
	old  string // the genre tag the file has now
	skip string // why the file is not analysed; "" if it is
}

// runTag predicts the genre of audio files and writes it into their tags:
// the ID3v2 TCON frame of mp3 files, the GENRE comment of FLAC files. See
// docs/tagging.md.
//
// Files are checked before any audio is decoded: one whose tags cannot be
// read, or that already has a genre (without --overwrite), is skipped
// without analysis. The others are analysed in parallel; each is tagged
// when its top class has probability >= --min-confidence. Nothing is
// written without --write. One line per file goes to stdout, in input
// order, and a summary to stderr; the exit status is 1 if any write failed
// (the other files are still tagged).
//
// The default prior is "train": the model's own posterior over the genres
// it was trained on. The FMA prior that predict uses for the challenge
// keeps the mass of the genres the model cannot recognise (Electronic,
// Experimental, …) at their FMA frequencies, which caps the top
// probability of any recognisable genre well below 1 and would make the
// confidence threshold mean little for an arbitrary collection.
func runTag(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tag", "[flags] PATH...", tagExamples, stderr)
	modelPath := fs.String("model", "", "model `FILE` (default: the shipped model, "+models.DefaultName+")")
	prior := fs.String("prior", model.TargetTrain, "target class prior: train (the model's own posterior), fma, uniform, or a CSV `FILE` of genre,weight")
	jobs := fs.Int("jobs", 0, "number of parallel workers (default: all usable cores)")
	exts := fs.String("ext", "mp3,flac", "comma-separated `extensions` taken from folders (any case)")
	minConf := fs.Float64("min-confidence", 0.5, "tag only when the top genre's probability is at least `P` (0..1)")
	write := fs.Bool("write", false, "write the tags (default: dry run, print what would change)")
	backup := fs.Bool("backup", false, "with --write, keep each original file as <file>.bak (an existing .bak is never replaced: that file fails)")
	overwrite := fs.Bool("overwrite", false, "replace an existing genre tag (default: files that have one are skipped)")
	window := windowFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	win, err := window()
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no input: give mp3/FLAC files or folders")
	}
	if *jobs < 0 {
		return usagef("--jobs must be >= 0, got %d", *jobs)
	}
	if math.IsNaN(*minConf) || *minConf < 0 || *minConf > 1 {
		return usagef("--min-confidence must be in [0, 1], got %v", *minConf)
	}
	if *backup && !*write {
		return usagef("--backup needs --write")
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	if err := m.SetTarget(*prior); err != nil {
		return usagef("--prior %s: %v", *prior, err)
	}
	paths, err := pipeline.Listing{Exts: splitList(*exts)}.Files(fs.Args())
	if err != nil {
		return err
	}
	start := time.Now()

	items := make([]tagItem, len(paths))
	var todo []string
	var todoItem []int
	for i, p := range paths {
		items[i] = checkTags(p, *overwrite)
		if items[i].skip == "" {
			todo = append(todo, p)
			todoItem = append(todoItem, i)
		}
	}

	c := tagCounts{files: len(items)}
	next := 0 // the first item not yet reported
	skipUpTo := func(end int) {
		for ; next < end; next++ {
			fmt.Fprintf(stdout, "%s: skip (%s)\n", items[next].path, items[next].skip)
			c.skipped++
		}
	}
	if len(todo) > 0 {
		k := 0
		_, err = pipeline.Run(ctx, todo, pipeline.Options{Jobs: *jobs, Model: m, Window: win}, func(r pipeline.Result) error {
			i := todoItem[k]
			k++
			skipUpTo(i)
			next = i + 1
			it := items[i]
			if r.Err != nil {
				fmt.Fprintf(stdout, "%s: skip (cannot analyse: %s)\n", it.path, reason(it.path, r.Err))
				c.skipped++
				return nil
			}
			top := 0
			for j, p := range r.Probs {
				if p > r.Probs[top] {
					top = j
				}
			}
			name, p := genre.Classes[top], r.Probs[top]
			switch {
			case p < *minConf:
				fmt.Fprintf(stdout, "%s: skip (%s p=%.3f < --min-confidence %g)\n", it.path, name, p, *minConf)
				c.skipped++
				return nil
			case strings.EqualFold(strings.TrimSpace(it.old), name):
				fmt.Fprintf(stdout, "%s: skip (already %s, p=%.2f)\n", it.path, it.old, p)
				c.skipped++
				return nil
			}
			old := it.old
			if strings.TrimSpace(old) == "" {
				old = "none"
			}
			line := fmt.Sprintf("%s: %s -> %s (p=%.2f)", it.path, old, name, p)
			c.planned++
			if !*write {
				fmt.Fprintln(stdout, line)
				return nil
			}
			if err := tags.WriteGenre(it.path, name, tags.WriteOptions{Backup: *backup}); err != nil {
				fmt.Fprintf(stdout, "%s failed: %s\n", line, reason(it.path, err))
				c.failed++
				return nil
			}
			fmt.Fprintln(stdout, line)
			c.written++
			return nil
		})
		if err != nil {
			return err
		}
	}
	skipUpTo(len(items))

	secs := time.Since(start).Seconds()
	if !*write {
		fmt.Fprintf(stderr, "genrec tag: %d files: %d to tag, %d skipped, in %.1f s (dry run: nothing written; --write applies)\n",
			c.files, c.planned, c.skipped, secs)
		return nil
	}
	fmt.Fprintf(stderr, "genrec tag: %d files: %d tagged, %d skipped, %d failed, in %.1f s\n",
		c.files, c.written, c.skipped, c.failed, secs)
	if c.failed > 0 {
		return fmt.Errorf("%d of %d writes failed", c.failed, c.planned)
	}
	return nil
}

// checkTags reads the genre tag of path and says whether the file is to be
// analysed.
func checkTags(path string, overwrite bool) tagItem {
	it := tagItem{path: path}
	g, err := tags.ReadGenre(path)
	switch {
	case errors.Is(err, tags.ErrUnsupported):
		it.skip = "not an mp3 or FLAC file: no tags to write"
	case err != nil:
		it.skip = "cannot read its tags: " + reason(path, err)
	case strings.TrimSpace(g) != "" && !overwrite:
		it.skip = fmt.Sprintf("has genre %q; --overwrite replaces it", g)
	}
	it.old = g
	return it
}

// reason returns err's message without the leading "<word> <path>: " that
// the packages prefix, since the output line starts with the path already.
func reason(path string, err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " "+path+": "); i >= 0 && !strings.Contains(msg[:i], " ") {
		return msg[i+len(path)+3:]
	}
	return msg
}
