package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/submission"
	"github.com/genrec/genrec/internal/testaudio"
)

// TestExpandPaths checks the one listing every command uses
// (pipeline.Listing.Files) against the challenge rules: regular files
// directly in the folder whose extension matches in any case, with a
// non-empty stem; links to regular files count; dangling links, folders
// named x.mp3 and FIFOs do not; an unreadable regular file is kept.
func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("b.mp3")
	write("A.MP3")
	write("c.wav")
	write("notes.txt")
	write(".mp3") // no stem: not a clip
	if err := os.Chmod(write("locked.mp3"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.mp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "b.mp3"), filepath.Join(dir, "link.mp3")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dangling.mp3")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.mp3"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		exts []string
		want string
	}{
		{"folder, mp3 only", []string{dir}, []string{"mp3"}, "A.MP3,b.mp3,link.mp3,locked.mp3"},
		{"folder with trailing slash", []string{dir + "/"}, []string{"mp3"}, "A.MP3,b.mp3,link.mp3,locked.mp3"},
		{"folder, mp3 and wav", []string{dir}, []string{"mp3", "wav"}, "A.MP3,b.mp3,c.wav,link.mp3,locked.mp3"},
		{"explicit file of any extension", []string{filepath.Join(dir, "notes.txt")}, []string{"mp3"}, "notes.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pipeline.Listing{Exts: tt.exts}.Files(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				names = append(names, filepath.Base(p))
				if !strings.HasPrefix(p, tt.args[0]) {
					t.Errorf("path %q does not start with the argument as given, %q", p, tt.args[0])
				}
			}
			if strings.Join(names, ",") != tt.want {
				t.Errorf("listing = %v, want %s", names, tt.want)
			}
		})
	}
	if _, err := (pipeline.Listing{Exts: []string{"mp3"}}).Files([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing input: no error")
	}
}

func TestSplitList(t *testing.T) {
	got := strings.Join(splitList(" mp3, .WAV,,flac "), "|")
	if got != "mp3|WAV|flac" {
		t.Errorf("splitList = %q", got)
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args     []string
		wantOut  string
		wantArgs string
	}{
		{[]string{"a", "-o", "x.csv", "b"}, "x.csv", "a|b"},
		{[]string{"-o", "x.csv", "a"}, "x.csv", "a"},
		{[]string{"a", "--", "-o", "b"}, "-", "a|-o|b"},
		{[]string{"--", "-dash.mp3"}, "-", "-dash.mp3"},
	}
	for _, tt := range tests {
		fs := newFlagSet("t", "", "", nil)
		out := fs.String("o", "-", "")
		if err := parseFlags(fs, tt.args); err != nil {
			t.Fatalf("parseFlags(%q): %v", tt.args, err)
		}
		if *out != tt.wantOut || strings.Join(fs.Args(), "|") != tt.wantArgs {
			t.Errorf("parseFlags(%q): -o %q args %q, want %q %q", tt.args, *out, fs.Args(), tt.wantOut, tt.wantArgs)
		}
	}
}

// formatFolder returns a folder holding two analysable clips and one file
// that is not audio.
func formatFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i, n := range []string{"one", "two"} {
		x := testaudio.Signal(22050, 22050, []float64{220 * float64(i+1), 330, 440}, 0.05)
		testaudio.WriteMP3(t, filepath.Join(dir, n+".mp3"), x, 22050, 1, "-b", "64")
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.mp3"), []byte("not audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// predictRow is what the json and jsonl formats hold per file.
type predictRow struct {
	Path          string             `json:"path"`
	FileID        string             `json:"file_id"`
	Genre         string             `json:"genre"`
	Probability   float64            `json:"probability"`
	Probabilities map[string]float64 `json:"probabilities"`
	Fallback      bool               `json:"fallback"`
	Error         string             `json:"error"`
}

func TestPredictFormats(t *testing.T) {
	dir := formatFolder(t)
	arg := dir + "/." // an unusual spelling, kept in the paths
	wantPaths := []string{arg + "/broken.mp3", arg + "/one.mp3", arg + "/two.mp3"}
	tests := []struct {
		format string
		topK   int
	}{
		{"csv", 0}, {"csv", 3}, {"json", 0}, {"json", 3}, {"jsonl", 0}, {"jsonl", 1}, {"jsonl", 16},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s top-%d", tt.format, tt.topK), func(t *testing.T) {
			code, stdout, stderr := genrec(t, "predict", "--format", tt.format, "--top-k", fmt.Sprint(tt.topK), arg)
			if code != exitOK {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			if tt.format == "csv" {
				rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 4 || len(rows[0]) != 1+genre.N || rows[1][0] != "broken" {
					t.Errorf("csv: %d rows of %d columns, first %q; want header + 3 rows of 17 columns", len(rows), len(rows[0]), rows[1][0])
				}
				return
			}
			var rows []predictRow
			if tt.format == "json" {
				if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
					t.Fatalf("not a JSON array: %v\n%s", err, stdout)
				}
			} else {
				lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
				for _, l := range lines {
					var r predictRow
					if err := json.Unmarshal([]byte(l), &r); err != nil {
						t.Fatalf("line %q: %v", l, err)
					}
					rows = append(rows, r)
				}
			}
			if len(rows) != len(wantPaths) {
				t.Fatalf("%d rows, want %d:\n%s", len(rows), len(wantPaths), stdout)
			}
			wantK := tt.topK
			if wantK == 0 {
				wantK = genre.N
			}
			for i, r := range rows {
				if r.Path != wantPaths[i] {
					t.Errorf("row %d: path %q, want %q (as given)", i, r.Path, wantPaths[i])
				}
				if r.FileID != submission.FileID(wantPaths[i]) {
					t.Errorf("row %d: file_id %q", i, r.FileID)
				}
				if len(r.Probabilities) != wantK {
					t.Errorf("row %d: %d probabilities, want %d", i, len(r.Probabilities), wantK)
				}
				best := 0.0
				for g, p := range r.Probabilities {
					if _, err := genre.Index(g); err != nil {
						t.Errorf("row %d: unknown genre %q", i, g)
					}
					best = max(best, p)
				}
				if r.Probabilities[r.Genre] != r.Probability || r.Probability != best {
					t.Errorf("row %d: genre %s %v is not the most probable (%v)", i, r.Genre, r.Probability, best)
				}
				if broken := i == 0; r.Fallback != broken || (r.Error != "") != broken {
					t.Errorf("row %d: fallback %v, error %q", i, r.Fallback, r.Error)
				}
			}
		})
	}
}

func TestPredictJSONEmpty(t *testing.T) {
	code, stdout, stderr := genrec(t, "predict", "--format", "json", t.TempDir())
	if code != exitOK || stdout != "[]\n" {
		t.Errorf("exit %d, stdout %q, want 0 and an empty array; stderr:\n%s", code, stdout, stderr)
	}
}

// TestPredictRecursive checks the order of a recursive run and that
// folders are only walked with --recursive. The files are not audio: each
// gets the prior, which is quick.
func TestPredictRecursive(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.mp3", "a/z.mp3", "a/c/d.wav", "a-1.mp3", "a.mp3", "c.mp3", "c/e.mp3", "skip.txt", "x.mp3/inside.mp3"} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		// Names sort by stem, then whole name: folder a before a.mp3.
		{[]string{"--recursive"}, "a/c/d.wav a/z.mp3 a.mp3 a-1.mp3 b.mp3 c/e.mp3 c.mp3 x.mp3/inside.mp3"},
		{nil, "a.mp3 a-1.mp3 b.mp3 c.mp3"},
	}
	for _, tt := range tests {
		args := append([]string{"predict", "--format", "jsonl", "--quiet"}, tt.args...)
		code, stdout, stderr := genrec(t, append(args, dir)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d:\n%s", tt.args, code, stderr)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var r predictRow
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			got = append(got, filepath.ToSlash(strings.TrimPrefix(r.Path, dir+string(filepath.Separator))))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%v: order\n  %s\nwant\n  %s", tt.args, g, tt.want)
		}
	}
}

// TestPredictStderr checks that nothing but warnings and the summary go to
// stderr when it is not a terminal (no progress line), and nothing at all
// with --quiet; the data on stdout is the same either way.
func TestPredictStderr(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.mp3"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := genrec(t, "predict", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "/s") {
		t.Errorf("progress drawn on a stderr that is not a terminal:\n%q", stderr)
	}
	if !strings.Contains(stderr, "cannot analyse") || !strings.Contains(stderr, "genrec: 1 files: 0 analysed, 1 given the prior") {
		t.Errorf("warning or summary missing:\n%s", stderr)
	}
	code, quietOut, quietErr := genrec(t, "predict", "--quiet", dir)
	if code != exitOK || quietErr != "" {
		t.Errorf("--quiet: exit %d, stderr %q, want 0 and nothing", code, quietErr)
	}
	if quietOut != stdout {
		t.Errorf("--quiet changed the data:\n%s\nwant:\n%s", quietOut, stdout)
	}
}

func TestPredictUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--format", "xml", dir},
		{"--top-k", "17", dir},
		{"--top-k", "-1", dir},
		{"--shard", "3/3", dir},
		{"--shard", "1", dir},
		{"--shard", "a/b", dir},
		{"--shard", "0/0", dir},
		{"--shard", "0/2", "--table", "t.csv"},
	} {
		code, stdout, stderr := genrec(t, append([]string{"predict"}, args...)...)
		if code != exitUsage || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, want 2 and nothing; stderr:\n%s", args, code, stdout, stderr)
		}
	}
}
