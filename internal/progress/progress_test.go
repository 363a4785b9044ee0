package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	tests := []struct {
		done, total int
		known       bool
		elapsed     time.Duration
		want        string
	}{
		{0, 10, true, 0, "0/10 files (0%)"},
		{5, 10, true, 10 * time.Second, "5/10 files (50%), 0.5/s, ETA 10s"},
		{30, 0, false, 3 * time.Second, "30 files, 10.0/s"},
		{10, 10, true, 4 * time.Second, "10/10 files (100%), 2.5/s, ETA 0s"},
		{12, 10, true, 4 * time.Second, "12/10 files (120%), 3.0/s"}, // an estimate exceeded: no ETA
	}
	for _, tt := range tests {
		if got := Line("files", tt.done, tt.total, tt.known, tt.elapsed); got != tt.want {
			t.Errorf("Line(%d, %d, %v, %v) = %q, want %q", tt.done, tt.total, tt.known, tt.elapsed, got, tt.want)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, x := range map[string]any{"regular file": f, "pipe": w, "buffer": &bytes.Buffer{}, "nil file": (*os.File)(nil)} {
		if IsTerminal(x.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the Bar's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBar(t *testing.T) {
	var out syncBuffer
	b := Start(&out, "files", func() (int, bool) { return 4, true }, time.Millisecond)
	b.Add(2)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "2/4 files") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if _, err := b.Writer(&out).Write([]byte("a warning\n")); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "a warning\n\r2/4") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // drawn again after the warning
	}
	b.Stop()
	s := out.String()
	if !strings.Contains(s, "\r2/4 files (50%)") {
		t.Errorf("no progress line drawn: %q", s)
	}
	// The line is cleared before the warning and at the end.
	if i := strings.Index(s, "a warning"); i < 1 || s[i-1] != '\r' {
		t.Errorf("warning not written on a cleared line: %q", s)
	}
	if !strings.HasSuffix(s, "\r") {
		t.Errorf("line not cleared at Stop: %q", s)
	}

	var nilBar *Bar // does nothing
	nilBar.Add(1)
	nilBar.Stop()
	if w := nilBar.Writer(&out); w != &out {
		t.Error("nil Bar's Writer is not the writer given")
	}
}
