package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplacesWholeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, "new content")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new content" {
		t.Errorf("content = %q, want %q", got, "new content")
	}
	assertOnlyFile(t, dir, "out.csv")
}

func TestWriteFailureKeepsOriginalAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, 0o644, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old" {
		t.Errorf("original changed to %q", got)
	}
	assertOnlyFile(t, dir, "out.csv")
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		wantErr bool
	}{
		{"new file in existing folder", filepath.Join(dir, "a.csv"), false},
		{"missing folder", filepath.Join(dir, "nope", "a.csv"), true},
		{"directory", dir, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckWritable(tt.path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckWritable(%q) = %v, wantErr %v", tt.path, err, tt.wantErr)
			}
		})
	}
	assertOnlyFile(t, dir)
}

func assertOnlyFile(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != len(want) {
		t.Fatalf("folder holds %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("folder holds %q, want %q", names, want)
		}
	}
}

// TestWriteSpecialFileInPlace writes to a named pipe, as to /dev/null or
// /dev/stdout: the data must go through the pipe and the pipe must stay a
// pipe (a rename over it would replace it with a regular file, which, run
// as root on /dev/null, breaks the machine), with no temporary file left.
func TestWriteSpecialFileInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := CheckWritable(fifo); err != nil {
		t.Fatalf("CheckWritable(fifo) = %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	want := "file_id,Blues\nx,1\n"
	if err := Write(fifo, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, want)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != want {
		t.Errorf("read %q through the pipe, want %q", b, want)
	}
	fi, err := os.Lstat(fifo)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("after Write the path is %v, want a named pipe", fi.Mode())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("folder holds %d entries after Write, want only the pipe", len(ents))
	}
}
