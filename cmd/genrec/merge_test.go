package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/testaudio"
)

// namedClips synthesises a folder of short mp3 clips, each a different
// chord, and returns it. Names include stems that are prefixes of others
// (a, a-1, a.b) so that the order of rows is put to the test.
func namedClips(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names := []string{"a", "a-1", "a.b", "b", "B2", "track 01", "track 02", "track10", "x_y", "z", "000123", "émile"}
	for i, n := range names {
		f0 := 110 * float64(i+1)
		x := testaudio.Signal(22050, 22050, []float64{f0, 1.5 * f0, 2 * f0}, 0.02*float64(i%4))
		testaudio.WriteMP3(t, filepath.Join(dir, n+".mp3"), x, 22050, 1, "-b", "64")
	}
	return dir
}

// csvIDs returns the file_ids of a challenge CSV, in order.
func csvIDs(t *testing.T, b []byte) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

// TestShardMergeEqualsSingleRun runs predict once on a folder and three
// times with --shard i/3, merges the shards (given out of order) and
// checks the merged CSV is byte-identical to the single run, and that the
// shards are disjoint and cover every file. JSON-lines shards are merged
// the same way.
func TestShardMergeEqualsSingleRun(t *testing.T) {
	dir := namedClips(t)
	out := t.TempDir()
	single := filepath.Join(out, "single.csv")
	if code, _, stderr := genrec(t, "predict", "--ext", "mp3", "-o", single, dir); code != exitOK {
		t.Fatalf("predict exit %d:\n%s", code, stderr)
	}
	want, err := os.ReadFile(single)
	if err != nil {
		t.Fatal(err)
	}
	ids := csvIDs(t, want)
	if len(ids) != 12 || !slices.IsSorted(ids) {
		t.Fatalf("single run: %d rows %q, want 12 sorted by file_id", len(ids), ids)
	}

	const n = 3
	var shards, jsonShards []string
	seen := map[string]int{}
	nonEmpty := 0
	for i := n - 1; i >= 0; i-- { // out of order on purpose
		p := filepath.Join(out, fmt.Sprintf("shard-%d.csv", i))
		// A different spelling of the folder: the split must not depend on it.
		arg := dir + "/"
		code, _, stderr := genrec(t, "predict", "--shard", fmt.Sprintf("%d/%d", i, n), "--ext", "mp3", "-o", p, arg)
		if code != exitOK {
			t.Fatalf("shard %d: exit %d:\n%s", i, code, stderr)
		}
		if !strings.Contains(stderr, fmt.Sprintf("(shard %d/%d)", i, n)) {
			t.Errorf("shard %d: summary does not name the shard:\n%s", i, stderr)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got := csvIDs(t, b)
		if len(got) > 0 {
			nonEmpty++
		}
		for _, id := range got {
			if j, dup := seen[id]; dup {
				t.Errorf("%s is in shards %d and %d", id, j, i)
			}
			seen[id] = i
		}
		shards = append(shards, p)

		jp := filepath.Join(out, fmt.Sprintf("shard-%d.jsonl", i))
		code, _, stderr = genrec(t, "predict", "--shard", fmt.Sprintf("%d/%d", i, n), "--ext", "mp3", "--format", "jsonl", "-o", jp, dir)
		if code != exitOK {
			t.Fatalf("jsonl shard %d: exit %d:\n%s", i, code, stderr)
		}
		jsonShards = append(jsonShards, jp)
	}
	if len(seen) != len(ids) {
		t.Errorf("the shards hold %d files, the single run %d", len(seen), len(ids))
	}
	if nonEmpty < 2 {
		t.Errorf("only %d of %d shards got files: the split is not spread", nonEmpty, n)
	}

	merged := filepath.Join(out, "merged.csv")
	if code, _, stderr := genrec(t, append([]string{"merge", "-o", merged}, shards...)...); code != exitOK {
		t.Fatalf("merge exit %d:\n%s", code, stderr)
	}
	got, err := os.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("merged CSV differs from the single run:\n--- merged\n%s\n--- single\n%s", got, want)
	}

	code, wantJSONL, stderr := genrec(t, "predict", "--ext", "mp3", "--format", "jsonl", "--quiet", dir)
	if code != exitOK {
		t.Fatalf("jsonl run exit %d:\n%s", code, stderr)
	}
	code, gotJSONL, stderr := genrec(t, append([]string{"merge"}, jsonShards...)...)
	if code != exitOK {
		t.Fatalf("jsonl merge exit %d:\n%s", code, stderr)
	}
	if gotJSONL != wantJSONL {
		t.Errorf("merged jsonl differs from the single run:\n--- merged\n%s\n--- single\n%s", gotJSONL, wantJSONL)
	}
}

// TestShardMergeRecursiveJSONL checks that merged JSON-lines shards of a
// recursive run come back in the single run's walk order. The files are
// not audio (each gets the prior, quickly): only the order is tested.
func TestShardMergeRecursiveJSONL(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		p := filepath.Join(dir, fmt.Sprintf("artist%d", i%4), fmt.Sprintf("album%d", i%3), fmt.Sprintf("%02d track.mp3", i))
		if i%5 == 0 {
			p = filepath.Join(dir, fmt.Sprintf("loose%d.mp3", i))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, want, stderr := genrec(t, "predict", "--recursive", "--format", "jsonl", "--quiet", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var shards []string
	for i := range 3 {
		p := filepath.Join(t.TempDir(), "shard.jsonl")
		code, _, stderr := genrec(t, "predict", "--recursive", "--format", "jsonl", "--quiet", "--shard", fmt.Sprintf("%d/3", i), "-o", p, dir)
		if code != exitOK {
			t.Fatalf("shard %d: exit %d:\n%s", i, code, stderr)
		}
		shards = append(shards, p)
	}
	code, got, stderr := genrec(t, append([]string{"merge"}, shards...)...)
	if code != exitOK {
		t.Fatalf("merge exit %d:\n%s", code, stderr)
	}
	if got != want {
		t.Errorf("merged:\n%s\nsingle run:\n%s", got, want)
	}
}

// TestMergeErrors checks that merge refuses overlapping shards, foreign
// CSVs and mixed formats, and writes nothing then.
func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	header := "file_id,Blues,Classical,Country,Easy Listening,Electronic,Experimental,Folk,Hip-Hop,Instrumental,International,Jazz,Old-Time / Historic,Pop,Rock,Soul-RnB,Spoken\n"
	row := func(id string) string { return id + ",1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n" }
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", header+row("1")+row("3"))
	b := write("b.csv", header+row("2"))
	dup := write("dup.csv", header+row("3"))
	badHeader := write("bad.csv", strings.Replace(header, "Blues", "blues", 1)+row("4"))
	short := write("short.csv", "file_id,Blues\n4,1\n")
	badProb := write("prob.csv", header+"5,0.5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n")
	jl := write("a.jsonl", `{"path":"x/1.mp3","file_id":"1"}`+"\n")
	jlDup := write("b.jsonl", `{"path":"x/1.mp3","file_id":"1"}`+"\n")
	jlBad := write("c.jsonl", "{not json\n")

	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no shards", []string{"merge"}, exitUsage, "no input"},
		{"missing shard", []string{"merge", filepath.Join(dir, "none.csv")}, exitFailure, "no such file"},
		{"duplicate file_id", []string{"merge", a, b, dup}, exitFailure, `file_id "3" is in`},
		{"header mismatch", []string{"merge", a, badHeader}, exitFailure, "header"},
		{"too few columns", []string{"merge", a, short}, exitFailure, "short.csv"},
		{"bad probabilities", []string{"merge", a, badProb}, exitFailure, "sum"},
		{"mixed formats", []string{"merge", a, jl}, exitFailure, "one format"},
		{"duplicate path", []string{"merge", jl, jlDup}, exitFailure, `path "x/1.mp3" is in`},
		{"bad json line", []string{"merge", jl, jlBad}, exitFailure, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			code, stdout, stderr := genrec(t, append(tt.args, "-o", out)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q does not say %q", stderr, tt.msg)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}

	// The good case, on stdout: rows sorted by file_id.
	code, stdout, stderr := genrec(t, "merge", b, a)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := header + row("1") + row("2") + row("3"); stdout != want {
		t.Errorf("merged:\n%s\nwant:\n%s", stdout, want)
	}
}

// TestHelp checks that every command has help with examples on stdout,
// exit 0, and that the usage lists the exit codes.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}} {
			code, stdout, stderr := genrec(t, args...)
			if code != exitOK {
				t.Errorf("%v: exit %d", args, code)
			}
			out := stdout + stderr // -h writes the usage where the command writes messages
			if !strings.Contains(out, "Usage: genrec "+c.name) || !strings.Contains(out, "Examples:") {
				t.Errorf("%v: no usage with examples:\n%s", args, out)
			}
		}
	}
	code, stdout, _ := genrec(t, "help")
	if code != exitOK || !strings.Contains(stdout, "Exit status:") || !strings.Contains(stdout, "merge") {
		t.Errorf("genrec help: exit %d, no exit codes or merge:\n%s", code, stdout)
	}
	code, stdout, stderr := genrec(t, "help", "nosuch")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "unknown command") {
		t.Errorf("help nosuch: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, stderr := genrec(t, args...)
		if code != exitOK || !strings.HasPrefix(stdout, "genrec v") || !strings.Contains(stdout, "\nmodel: ") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}
