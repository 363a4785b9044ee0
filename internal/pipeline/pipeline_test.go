package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// countingSource yields n synthetic paths and checks, at every call, that
// no more than window files are between being read and being emitted.
type countingSource struct {
	t       *testing.T
	n       int
	window  int
	read    atomic.Int64
	emitted *atomic.Int64
}

func (s *countingSource) Next() (string, error) {
	i := s.read.Load()
	if int(i) >= s.n {
		return "", io.EOF
	}
	if inFlight := i - s.emitted.Load(); inFlight >= int64(s.window) {
		s.t.Errorf("source read %d with %d emitted: more than %d in flight", i, s.emitted.Load(), s.window)
	}
	s.read.Add(1)
	return fmt.Sprint(i), nil
}

// TestRunOrderAndWindow holds the first file back until the window is
// full, then checks that the results come out in input order and that the
// source was never read ahead of the window.
func TestRunOrderAndWindow(t *testing.T) {
	const n, jobs, win = 200, 3, 8
	var emitted atomic.Int64
	src := &countingSource{t: t, n: n, window: win, emitted: &emitted}
	release := make(chan struct{})
	var once sync.Once
	newProcess := func() func(string) Result {
		return func(p string) Result {
			if p == "0" {
				<-release // the first file is slow
			}
			if src.read.Load() == win {
				once.Do(func() { close(release) })
			}
			return Result{Samples: len(p)}
		}
	}
	var got []string
	st, err := run(context.Background(), src, jobs, win, newProcess, func(r Result) error {
		got = append(got, r.Path)
		if r.Index != len(got)-1 {
			t.Errorf("result %d has index %d", len(got)-1, r.Index)
		}
		emitted.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Analysed != n || len(got) != n {
		t.Fatalf("analysed %d, emitted %d, want %d", st.Analysed, len(got), n)
	}
	for i, p := range got {
		if p != fmt.Sprint(i) {
			t.Fatalf("result %d is %s: out of order", i, p)
		}
	}
}

func TestRunEmitError(t *testing.T) {
	stop := errors.New("disk full")
	calls := 0
	_, err := run(context.Background(), Paths(make([]string, 50)), 2, 8, fakeProcess, func(Result) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want %v", err, stop)
	}
	if calls != 3 {
		t.Errorf("emit called %d times after failing at 3", calls)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := run(ctx, Paths(make([]string, 1000)), 2, 8, fakeProcess, func(Result) error {
		calls++
		if calls == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls >= 1000 {
		t.Errorf("the run went on after cancellation (%d results)", calls)
	}
}

// failingSource fails after two paths.
type failingSource struct{ i int }

func (s *failingSource) Next() (string, error) {
	s.i++
	if s.i > 2 {
		return "", errors.New("folder vanished")
	}
	return "x", nil
}

func TestRunSourceError(t *testing.T) {
	_, err := run(context.Background(), &failingSource{}, 2, 8, fakeProcess, func(Result) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "folder vanished") {
		t.Fatalf("err = %v, want the source's error", err)
	}
}

func TestRunEmpty(t *testing.T) {
	st, err := Run(context.Background(), nil, Options{}, func(Result) error {
		t.Error("emit called for no input")
		return nil
	})
	if err != nil || st != (Stats{}) {
		t.Fatalf("Run(nil) = %+v, %v", st, err)
	}
}

// fakeProcess returns a processing function that does nothing.
func fakeProcess() func(string) Result {
	return func(string) Result { return Result{} }
}

// TestRunUnreadableFiles runs the real workers over files that cannot be
// decoded: each still gets its result, with an error, in order.
func TestRunUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, body := range []string{"", "not audio at all", "ID3"} {
		p := filepath.Join(dir, fmt.Sprintf("%d.mp3", i))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, filepath.Join(dir, "missing.mp3"))
	var got []string
	st, err := Run(context.Background(), paths, Options{Jobs: 2}, func(r Result) error {
		if r.Err == nil {
			t.Errorf("%s: no error", r.Path)
		}
		got = append(got, r.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, paths) || st.Fallback != len(paths) {
		t.Errorf("results %v (fallback %d), want %v", got, st.Fallback, paths)
	}
}

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.mp3", "A.MP3", "c.wav", "notes.txt", ".mp3", "d.mp3"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.mp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("gone", filepath.Join(dir, "dangling.mp3")); err != nil {
		t.Fatal(err)
	}
	src, err := Inputs([]string{dir, filepath.Join(dir, "notes.txt")}, []string{"mp3"})
	if err != nil {
		t.Fatal(err)
	}
	// Files are examined when reached: one removed after listing is
	// skipped, not an error.
	if err := os.Remove(filepath.Join(dir, "d.mp3")); err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(p))
	}
	if got, want := strings.Join(names, ","), "A.MP3,b.mp3,notes.txt"; got != want {
		t.Errorf("Inputs yields %s, want %s", got, want)
	}
	if _, err := Inputs([]string{filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("missing input: no error")
	}
}

func TestHasExt(t *testing.T) {
	for name, want := range map[string]bool{"a.mp3": true, "a.MP3": true, ".mp3": false, "amp3": false, "a.mp4": false, "a.b.Mp3": true} {
		if got := HasExt(name, []string{"mp3"}); got != want {
			t.Errorf("HasExt(%q) = %v, want %v", name, got, want)
		}
	}
}
