// Package atomicfile writes files so that readers see either the old content
// or the complete new content, never a partial file: the data goes to a
// temporary file in the destination's folder, is synced, and is renamed over
// the destination. A destination that exists and is not a regular file (a
// device such as /dev/null or /dev/stdout, a named pipe) is written in place
// instead: renaming over it would replace the device.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces the file at path with what fill writes. The
// temporary file lives in the same folder as path (so the final rename is
// atomic) and is removed on any error, including an error returned by fill.
// The new file gets permission perm exactly; the umask does not apply.
// When path names an existing device or named pipe, fill writes to it
// directly (see the package documentation).
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) (err error) {
	if special(path) {
		return writeInPlace(path, fill)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("write %q: not a file path", path)
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fillBuffered(tmp, fill); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename itself durable; a failure here does not undo the
	// write, so it is not reported as one.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// special reports whether path exists (after symbolic links) and is
// neither a regular file nor a directory.
func special(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}

// writeInPlace writes what fill writes to the existing special file path.
func writeInPlace(path string, fill func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fillBuffered(f, fill); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// fillBuffered runs fill on a buffer over w and flushes it.
func fillBuffered(w io.Writer, fill func(w io.Writer) error) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := fill(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// ErrIsDir is returned by CheckWritable when the path names a directory.
var ErrIsDir = errors.New("is a directory")

// CheckWritable reports, before any long work starts, whether Write(path, …)
// can succeed: the destination folder exists and accepts a new file, and path
// is not a directory. For an existing device or named pipe, which Write
// writes in place, only that it is not a directory is checked (opening a
// pipe could block). It leaves nothing behind.
func CheckWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("output %s: %w", path, ErrIsDir)
	}
	if special(path) {
		return nil
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".genrec-probe-*")
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	name := tmp.Name()
	tmp.Close()
	return os.Remove(name)
}
