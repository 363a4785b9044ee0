package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// Inputs returns a Source over command-line arguments: a file is taken as
// given (whatever its extension); a folder contributes the regular files
// directly in it (symbolic links followed) whose name has a non-empty stem
// and one of exts as its extension, in any letter case, sorted by name.
// A folder entry that exists but cannot be examined is kept, so that it
// still gets a row; folders, devices and dangling links are skipped.
//
// Every argument is examined, and every folder's names are read, before
// Inputs returns, so that a missing or unreadable input is reported before
// any output is written. Only the names are kept (read in chunks of
// dirChunk entries with Readdirnames: no per-entry metadata), because the
// stable, sorted output order needs all of them before the first can be
// emitted; about 100 bytes per file, half a megabyte for 5,000 files. Each
// file is examined (os.Stat) lazily, when the run reaches it.
func Inputs(args, exts []string) (Source, error) {
	s := &inputs{exts: exts}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		if !fi.IsDir() {
			s.items = append(s.items, inputItem{path: a})
			continue
		}
		names, err := listNames(a, exts)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		s.items = append(s.items, inputItem{path: a, names: names})
	}
	return s, nil
}

// inputItem is one command-line argument: a file (names nil) or a folder
// with the sorted names of its candidate files.
type inputItem struct {
	path  string
	names []string
}

// inputs is the Source of Inputs.
type inputs struct {
	exts  []string
	items []inputItem
	i, j  int // current item, next name within it
}

// Next returns the next file of the arguments, examining folder entries as
// it goes.
func (s *inputs) Next() (string, error) {
	for s.i < len(s.items) {
		it := &s.items[s.i]
		if it.names == nil {
			s.i++
			return it.path, nil
		}
		for s.j < len(it.names) {
			p := filepath.Join(it.path, it.names[s.j])
			it.names[s.j] = "" // let the name go once it has been used
			s.j++
			if keepEntry(p) {
				return p, nil
			}
		}
		it.names = nil
		s.i, s.j = s.i+1, 0
	}
	return "", io.EOF
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

// listNames returns the sorted names in folder dir that have one of exts as
// their extension. The result is never nil, so that an empty folder is
// still told apart from a file.
func listNames(dir string, exts []string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := []string{}
	for {
		chunk, err := f.Readdirnames(dirChunk)
		for _, n := range chunk {
			if HasExt(n, exts) {
				names = append(names, n)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read folder %s: %w", dir, err)
		}
	}
	slices.Sort(names)
	return slices.Clip(names), nil
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
