package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree creates files (and folders, for names ending in "/") under a new
// folder and returns it.
func tree(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rel returns paths relative to dir, with "/" separators, space-separated.
func rel(dir string, paths []string) string {
	var r []string
	for _, p := range paths {
		r = append(r, filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator))))
	}
	return strings.Join(r, " ")
}

func TestListingOrder(t *testing.T) {
	dir := tree(t, "b.mp3", "a-1.mp3", "a.mp3", "a.b.mp3", "A.MP3", "sub/z.mp3", "sub/deep/y.wav", "sub/skip.txt", "empty/", "q.wav")
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    Listing
		want string
	}{
		{"flat", Listing{Exts: []string{"mp3"}}, "A.MP3 a.mp3 a-1.mp3 a.b.mp3 b.mp3"},
		{"flat, two extensions", Listing{Exts: []string{"mp3", "wav"}}, "A.MP3 a.mp3 a-1.mp3 a.b.mp3 b.mp3 q.wav"},
		// Links to folders are not followed: loop is not walked.
		{"recursive", Listing{Exts: []string{"mp3", "wav"}, Recursive: true}, "A.MP3 a.mp3 a-1.mp3 a.b.mp3 b.mp3 q.wav sub/deep/y.wav sub/z.mp3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := tt.l.Open([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if n, final := in.Estimate(); !tt.l.Recursive && (!final || n != strings.Count(tt.want, " ")+1) {
				t.Errorf("Estimate = %d, %v before the walk; want the exact count", n, final)
			}
			got, err := tt.l.Files([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if g := rel(dir, got); g != tt.want {
				t.Errorf("order\n  %s\nwant\n  %s", g, tt.want)
			}
			for _, p := range got {
				if _, err := in.Next(); err != nil {
					t.Fatal(err)
				}
				_ = p
			}
			if n, final := in.Estimate(); !final || n != len(got) {
				t.Errorf("Estimate = %d, %v after the walk; want %d, true", n, final, len(got))
			}
			c, err := tt.l.Count(context.Background(), []string{dir})
			if err != nil || c != len(got) {
				t.Errorf("Count = %d, %v; want %d", c, err, len(got))
			}
		})
	}
}

func TestListingUnreadableSubfolder(t *testing.T) {
	dir := tree(t, "a.mp3", "locked/b.mp3")
	if err := os.Chmod(filepath.Join(dir, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Join(dir, "locked"), 0o755)
	if _, err := os.ReadDir(filepath.Join(dir, "locked")); err == nil {
		t.Skip("this process reads mode-000 folders (root)")
	}
	_, err := Listing{Exts: []string{"mp3"}, Recursive: true}.Files([]string{dir})
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("err = %v, want one naming the unreadable folder", err)
	}
}

func TestParseShard(t *testing.T) {
	for s, want := range map[string]string{"0/1": "0/1", "2/3": "2/3", " 1 / 4 ": "1/4"} {
		sh, err := ParseShard(s)
		if err != nil || sh.String() != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %s", s, sh, err, want)
		}
	}
	for _, s := range []string{"", "1", "3/3", "-1/3", "0/0", "a/3", "1/b", "1/2/3"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q): no error", s)
		}
	}
}

// TestShards checks that shards are disjoint, cover every file, are
// spread, and that a file's shard depends on its path relative to the
// folder argument only (two mount points agree), or on a file argument as
// given.
func TestShards(t *testing.T) {
	var names []string
	for i := range 60 {
		names = append(names, fmt.Sprintf("d%d/clip%03d.mp3", i%3, i))
	}
	dir := tree(t, names...)
	other := filepath.Join(t.TempDir(), "mnt")
	if err := os.Symlink(dir, other); err != nil {
		t.Fatal(err)
	}
	const n = 4
	all, err := Listing{Exts: []string{"mp3"}, Recursive: true}.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i := range n {
		l := Listing{Exts: []string{"mp3"}, Recursive: true, Shard: Shard{i, n}}
		got, err := l.Files([]string{dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 5 {
			t.Errorf("shard %d has %d of %d files: not spread", i, len(got), len(all))
		}
		elsewhere, err := l.Files([]string{other + "/"})
		if err != nil {
			t.Fatal(err)
		}
		if rel(dir, got) != rel(other, elsewhere) {
			t.Errorf("shard %d differs with the folder mounted elsewhere", i)
		}
		for _, p := range got {
			if j, dup := seen[p]; dup {
				t.Errorf("%s is in shards %d and %d", p, j, i)
			}
			seen[p] = i
		}
		if c, err := l.Count(context.Background(), []string{dir}); err != nil || c != len(got) {
			t.Errorf("shard %d: Count = %d, %v; want %d", i, c, err, len(got))
		}
	}
	if len(seen) != len(all) {
		t.Errorf("the shards hold %d files, want %d", len(seen), len(all))
	}
	// A file argument is keyed by its path as given.
	f := filepath.Join(dir, "d0", "clip000.mp3")
	kept := 0
	for i := range n {
		got, err := Listing{Shard: Shard{i, n}}.Files([]string{f})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			kept++
			if !(Shard{i, n}).Keeps(f) {
				t.Errorf("file argument kept by shard %d that does not own it", i)
			}
		}
	}
	if kept != 1 {
		t.Errorf("file argument in %d shards, want 1", kept)
	}
}

// TestComparePaths checks that sorting a recursive listing's paths with
// ComparePaths gives back the listing's order.
func TestComparePaths(t *testing.T) {
	dir := tree(t, "a/c/d.wav", "a/z.mp3", "a.mp3", "a-1.mp3", "b.mp3", "c/e.mp3", "c.mp3", "x.mp3/inside.mp3", "x.mp3/a b/c.mp3")
	want, err := Listing{Exts: []string{"mp3", "wav"}, Recursive: true}.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, ComparePaths)
	if !slices.Equal(got, want) {
		t.Errorf("sorted\n  %s\nlisting\n  %s", rel(dir, got), rel(dir, want))
	}
}
