package pipeline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Source yields the files of a run one at a time, in the order their
// results are delivered. Run asks for the next file only when a worker is
// about to be free, so a Source never needs to hold more than its own
// bookkeeping.
type Source interface {
	// Next returns the path of the next file, or io.EOF after the last
	// one. Any other error stops the run and is returned by Run.
	Next() (string, error)
}

// Paths returns a Source over a list of paths, in list order.
func Paths(paths []string) Source {
	return &pathList{paths: paths}
}

// pathList is the Source of Paths.
type pathList struct {
	paths []string
	i     int
}

// Next returns the next path of the list.
func (p *pathList) Next() (string, error) {
	if p.i >= len(p.paths) {
		return "", io.EOF
	}
	p.i++
	return p.paths[p.i-1], nil
}

// dirChunk is how many directory entries are read from the kernel at a
// time while listing a folder.
const dirChunk = 1024

// Listing says which files a run takes from its command-line arguments.
// It is the one implementation of genrec's input rules, shared by every
// command:
//
//   - a file argument is taken as given, whatever its extension;
//   - a folder argument contributes the regular files directly in it
//     (symbolic links to regular files count) whose name has a non-empty
//     stem and one of Exts as its extension, in any letter case; folders,
//     devices, FIFOs and dangling links are skipped; an entry that is a
//     regular file but cannot be examined is kept, so that it still gets a
//     row;
//   - with Recursive, the same rule applies in every sub-folder as well
//     (symbolic links to folders are not followed, so the walk ends);
//   - with a Shard, only the files of that shard are kept.
//
// Within a folder, entries come in the order of their name without the
// extension, then of the whole name (a.mp3 before a-1.mp3), so that the
// files of one folder come in the byte order of their challenge file_id;
// with Recursive, a sub-folder is walked where its name sorts. The paths
// yielded are the argument as the user gave it, joined with the names
// below it ("music/" and "a.mp3" give "music/a.mp3", "./music" gives
// "./music/a.mp3").
type Listing struct {
	// Exts are the extensions, without the dot, of the files taken from
	// folders.
	Exts []string
	// Recursive walks sub-folders too.
	Recursive bool
	// Shard, when its N is not 0, keeps only the files of one shard.
	Shard Shard
}

// Shard is part Index (0 ≤ Index < N, 0-based like a Kubernetes
// completion index) of a run split N ways. A file belongs to the shard
// FNV-1a 64 of its key, modulo N: the key of a file found in a folder
// argument is its path relative to that folder, with "/" separators; the
// key of a file argument is the argument as given. Keys do not depend on
// where the folder is mounted, so every machine agrees on the split.
type Shard struct {
	Index, N int
}

// ParseShard parses "i/n" with 0 ≤ i < n.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/n", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/n with whole numbers", s)
	}
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: want 0 ≤ i < n (shards are numbered from 0)", s)
	}
	return Shard{Index: i, N: n}, nil
}

// String returns the shard as "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.N) }

// Keeps reports whether the file with the given key belongs to the shard;
// every file belongs to the zero Shard.
func (s Shard) Keeps(key string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(s.N) == uint64(s.Index)
}

// Inputs returns a Source over command-line arguments by the rules of a
// Listing with the given extensions (not recursive, not sharded).
func Inputs(args, exts []string) (Source, error) {
	return Listing{Exts: exts}.Open(args)
}

// Files returns every file of args by the listing's rules, in order.
func (l Listing) Files(args []string) ([]string, error) {
	in, err := l.Open(args)
	if err != nil {
		return nil, err
	}
	var paths []string
	for {
		p, err := in.Next()
		if errors.Is(err, io.EOF) {
			return paths, nil
		}
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
}

// Open returns the Input over args.
//
// Every argument is examined, and the names of every folder argument are
// read, before Open returns, so that a missing or unreadable input is
// reported before any output is written. Only the names are kept (read in
// chunks of dirChunk entries, without per-entry metadata): the sorted
// order needs all of a folder's names before the first can be yielded;
// about 100 bytes per file, half a megabyte for 5,000 files. Each file is
// examined (os.Stat) lazily, when the run reaches it, and with Recursive
// each sub-folder is read when the walk reaches it; a sub-folder that
// cannot be read stops the run with an error naming it.
func (l Listing) Open(args []string) (*Input, error) {
	in := &Input{l: l}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		if !fi.IsDir() {
			if l.Shard.Keeps(a) {
				in.args = append(in.args, &folder{path: a, file: true})
				in.known.Add(1)
			}
			continue
		}
		f, err := in.list(a, "")
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		in.args = append(in.args, f)
	}
	return in, nil
}

// Input is the Source of a Listing over command-line arguments. Its Next
// must be called from one goroutine at a time; Estimate may be called
// from any goroutine.
type Input struct {
	l     Listing
	args  []*folder // the arguments not yet done
	stack []*folder // the folders being walked, innermost last

	known   atomic.Int64 // candidate files listed so far
	dropped atomic.Int64 // candidates that turned out not to be files
	pending atomic.Int64 // sub-folders listed but not yet read
}

// folder is a folder being listed, or a file argument (file set).
type folder struct {
	path    string  // as given, or joined below an argument
	rel     string  // path relative to the argument, with a trailing "/" ("" for the argument)
	entries []entry // sorted; used entries are released
	j       int     // next entry
	file    bool
}

// entry is a candidate file, or a sub-folder to walk (dir set).
type entry struct {
	name string
	dir  bool
}

// Estimate returns how many files the Input yields in all, and whether
// that number is final: without Recursive it is from the start; with it,
// once every sub-folder has been read. Until then n counts the files found
// so far. A candidate that turns out not to be a file (a FIFO, a dangling
// link) is counted until it is reached.
func (in *Input) Estimate() (n int, final bool) {
	return int(in.known.Load() - in.dropped.Load()), in.pending.Load() == 0
}

// Next returns the next file of the arguments, examining folder entries as
// it goes.
func (in *Input) Next() (string, error) {
	for {
		if len(in.stack) == 0 {
			if len(in.args) == 0 {
				return "", io.EOF
			}
			a := in.args[0]
			in.args[0], in.args = nil, in.args[1:]
			if a.file {
				return a.path, nil
			}
			in.stack = append(in.stack, a)
		}
		f := in.stack[len(in.stack)-1]
		if f.j >= len(f.entries) {
			in.stack[len(in.stack)-1], in.stack = nil, in.stack[:len(in.stack)-1]
			continue
		}
		e := f.entries[f.j]
		f.entries[f.j] = entry{} // let the name go once it has been used
		f.j++
		p := join(f.path, e.name)
		if e.dir {
			sub, err := in.list(p, f.rel+e.name+"/")
			in.pending.Add(-1)
			if err != nil {
				return "", fmt.Errorf("input: %w", err)
			}
			in.stack = append(in.stack, sub)
			continue
		}
		if keepEntry(p) {
			return p, nil
		}
		in.dropped.Add(1)
	}
}

// list reads folder dir, whose path relative to its argument is rel, and
// counts what it found.
func (in *Input) list(dir, rel string) (*folder, error) {
	entries, err := listDir(dir, func(name string) bool {
		return HasExt(name, in.l.Exts) && in.l.Shard.Keeps(rel+name)
	}, in.l.Recursive)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.dir {
			in.pending.Add(1)
		} else {
			in.known.Add(1)
		}
	}
	return &folder{path: dir, rel: rel, entries: entries}, nil
}

// join returns dir and name joined by one separator, keeping dir as given.
func join(dir, name string) string {
	if strings.HasSuffix(dir, string(filepath.Separator)) || strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + string(filepath.Separator) + name
}

// keepEntry reports whether the folder entry at p is a file to analyse: a
// regular file (through symbolic links), or an entry that is itself a
// regular file but cannot be examined.
func keepEntry(p string) bool {
	fi, err := os.Stat(p)
	if err == nil {
		return fi.Mode().IsRegular()
	}
	li, lerr := os.Lstat(p)
	return lerr == nil && li.Mode().IsRegular()
}

// listDir returns the entries of folder dir whose name passes keep and,
// with dirs, its sub-folders (not symbolic links to folders), sorted by
// compareNames. The result is never nil, so that an empty folder is still
// told apart from a file.
func listDir(dir string, keep func(string) bool, dirs bool) ([]entry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries := []entry{}
	for {
		var err error
		if dirs {
			// ReadDir gets each entry's type from the folder itself on
			// most file systems: no stat per entry.
			var des []fs.DirEntry
			des, err = f.ReadDir(dirChunk)
			for _, d := range des {
				if d.IsDir() {
					entries = append(entries, entry{name: d.Name(), dir: true})
				} else if keep(d.Name()) {
					entries = append(entries, entry{name: d.Name()})
				}
			}
		} else {
			var names []string
			names, err = f.Readdirnames(dirChunk)
			for _, n := range names {
				if keep(n) {
					entries = append(entries, entry{name: n})
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read folder %s: %w", dir, err)
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return compareNames(a.name, b.name) })
	return slices.Clip(entries), nil
}

// compareNames orders file names by their stem (the name without its
// extension, as submission.FileID takes it), then by the whole name.
func compareNames(a, b string) int {
	if c := strings.Compare(stem(a), stem(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// ComparePaths orders two paths yielded for the same argument as the
// listing yields them: by their first differing component, compared as
// names within a folder are (stem, then whole name). It lets the outputs
// of sharded runs be put back in the order of a single run.
func ComparePaths(a, b string) int {
	for {
		ac, arest, amore := strings.Cut(a, string(filepath.Separator))
		bc, brest, bmore := strings.Cut(b, string(filepath.Separator))
		if ac != bc || !amore || !bmore {
			if c := compareNames(ac, bc); c != 0 {
				return c
			}
			// Equal components: the path that ends here comes first.
			switch {
			case amore == bmore:
				return strings.Compare(arest, brest)
			case !amore:
				return -1
			default:
				return 1
			}
		}
		a, b = arest, brest
	}
}

// stem returns name without its extension.
func stem(name string) string {
	return name[:len(name)-len(filepath.Ext(name))]
}

// Count returns how many files Open(args) would yield, reading folders
// but examining no file: a candidate that is not a file (a FIFO, a
// dangling link) is counted. It is cheap next to analysing the files, and
// gives a progress display its total before a recursive walk has reached
// every sub-folder. It stops with ctx's error when ctx is done.
func (l Listing) Count(ctx context.Context, args []string) (int, error) {
	n := 0
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		entries, err := listDir(dir, func(name string) bool {
			return HasExt(name, l.Exts) && l.Shard.Keeps(rel+name)
		}, l.Recursive)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.dir {
				n++
				continue
			}
			if err := walk(join(dir, e.name), rel+e.name+"/"); err != nil {
				return err
			}
		}
		return nil
	}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return 0, fmt.Errorf("input: %w", err)
		}
		if !fi.IsDir() {
			if l.Shard.Keeps(a) {
				n++
			}
			continue
		}
		if err := walk(a, ""); err != nil {
			return 0, fmt.Errorf("input: %w", err)
		}
	}
	return n, nil
}

// HasExt reports whether name has a non-empty stem and one of exts (given
// without the dot) as its extension, in any letter case.
func HasExt(name string, exts []string) bool {
	for _, x := range exts {
		if len(name) > len(x)+1 && name[len(name)-len(x)-1] == '.' && strings.EqualFold(name[len(name)-len(x):], x) {
			return true
		}
	}
	return false
}
