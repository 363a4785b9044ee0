package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/testaudio"
	"github.com/genrec/genrec/models"
)

// TestFaults runs the genrec binary, built here, as a subprocess under
// faults: a signal in the middle of a run, output folders that cannot be
// written, a full disk and broken model files. Each must give a non-zero
// exit, one clear error line on stderr (no panic trace) and no partial
// output or temporary file.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the genrec binary; skipped with -short")
	}
	bin := buildGenrec(t)
	t.Run("signal", func(t *testing.T) { testSignal(t, bin) })
	t.Run("output", func(t *testing.T) { testOutputFaults(t, bin) })
	t.Run("disk-full", func(t *testing.T) { testDiskFull(t, bin) })
	t.Run("model", func(t *testing.T) { testModelFaults(t, bin) })
}

// buildGenrec builds the command into a temporary folder.
func buildGenrec(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goBin); err != nil {
			t.Skip("no go command to build genrec with")
		}
	}
	bin := filepath.Join(t.TempDir(), "genrec")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// checkOneErrorLine fails unless stderr holds exactly one line that is not
// a per-file warning, starting with "genrec ", and no panic trace.
func checkOneErrorLine(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Fatalf("stderr shows a crash trace:\n%s", stderr)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.Contains(l, "level=WARN") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "genrec ") {
		t.Fatalf("want one error line starting with \"genrec \", got %d:\n%s", len(lines), stderr)
	}
	t.Logf("error line: %s", lines[0])
}

// checkFolder fails unless dir holds exactly the names in want.
func checkFolder(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("folder %s holds %q, want %q (a partial or temporary file was left)", dir, got, want)
	}
}

// exitCode runs cmd and returns its exit code and stderr; a process killed
// by a signal fails the test.
func exitCode(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode(), stderr.String()
	default:
		t.Fatalf("%v: %v; stderr:\n%s", cmd.Args, err, stderr.String())
		return 0, ""
	}
}

// clipFolder returns a folder of n copies of a 5-s clip, preceded (in name
// order) by bad files that get the prior at once and log a warning each.
func clipFolder(t *testing.T, n, bad int) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "clip.mp3")
	testaudio.WriteMP3(t, src, testaudio.Signal(5*44100, 44100, tones, 0.05), 44100, 2, "-b", "128")
	clip, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range bad {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("00-bad-%02d.mp3", i)), []byte("not audio"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("clip-%02d.mp3", i)), clip, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testSignal interrupts a run once its first rows are out (the warnings of
// the first files, which sort first, are on stderr) and checks that the
// output folder holds no partial CSV and no temporary file, and that a
// previous output file is left as it was.
func testSignal(t *testing.T, bin string) {
	in := clipFolder(t, 40, 2)
	for _, tc := range []struct {
		name     string
		sig      syscall.Signal
		previous bool // an older out.csv exists and must survive
	}{
		{"SIGTERM", syscall.SIGTERM, false},
		{"SIGINT", syscall.SIGINT, false},
		{"SIGTERM-keeps-previous-output", syscall.SIGTERM, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outDir := t.TempDir()
			out := filepath.Join(outDir, "out.csv")
			const old = "previous content\n"
			if tc.previous {
				if err := os.WriteFile(out, []byte(old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(bin, "predict", "--ext", "mp3", "--jobs", "1", "-o", out, in)
			pipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Read stderr until the first warning: by then rows are being
			// written to the temporary file.
			var stderr strings.Builder
			sc := bufio.NewScanner(pipe)
			for sc.Scan() {
				stderr.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "level=WARN") {
					break
				}
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			rest := make(chan struct{})
			go func() {
				b, _ := io.ReadAll(pipe)
				stderr.Write(b)
				close(rest)
			}()
			done := make(chan error, 1)
			go func() { <-rest; done <- cmd.Wait() }()
			var werr error
			start := time.Now()
			select {
			case werr = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("genrec did not stop within 30 s of %v", tc.sig)
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() <= 0 {
				t.Fatalf("after %v: %v, want a non-zero exit; stderr:\n%s", tc.sig, werr, stderr.String())
			}
			t.Logf("exit %d, %.2f s after the signal", ee.ExitCode(), time.Since(start).Seconds())
			checkOneErrorLine(t, stderr.String())
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("the error line does not say the run was interrupted:\n%s", stderr.String())
			}
			if tc.previous {
				checkFolder(t, outDir, "out.csv")
				if b, _ := os.ReadFile(out); string(b) != old {
					t.Errorf("the previous out.csv was changed to %q", b)
				}
			} else {
				checkFolder(t, outDir)
			}
		})
	}
}

// canMount reports whether this process can mount a tmpfs (root with
// CAP_SYS_ADMIN, e.g. in CI containers run privileged).
func mountTmpfs(t *testing.T, opts string) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Logf("cannot mount a tmpfs (%v)", err)
		return "", false
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir, true
}

// testOutputFaults points -o at places that cannot take the file.
func testOutputFaults(t *testing.T, bin string) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "a.mp3"), []byte("not audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) (out, checkDir string)
	}{
		{"read-only folder (mode 0555)", func(t *testing.T) (string, string) {
			dir := t.TempDir()
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
				f.Close()
				os.Remove(f.Name())
				t.Skip("this process writes into mode-0555 folders (root); see the read-only mount case")
			}
			return filepath.Join(dir, "out.csv"), dir
		}},
		{"read-only mount", func(t *testing.T) (string, string) {
			dir, ok := mountTmpfs(t, "ro,size=64k")
			if !ok {
				t.Skip("cannot mount a read-only tmpfs here (needs root with CAP_SYS_ADMIN)")
			}
			return filepath.Join(dir, "out.csv"), dir
		}},
		{"missing folder", func(t *testing.T) (string, string) {
			dir := t.TempDir()
			return filepath.Join(dir, "no", "such", "out.csv"), dir
		}},
		{"parent is a file", func(t *testing.T) (string, string) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "file", "out.csv"), ""
		}},
		{"output is a folder", func(t *testing.T) (string, string) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "out.csv"), 0o755); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "out.csv"), ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, checkDir := tc.setup(t)
			code, stderr := exitCode(t, exec.Command(bin, "predict", "--ext", "mp3", "-o", out, in))
			if code == 0 {
				t.Fatalf("exit 0, want non-zero; stderr:\n%s", stderr)
			}
			checkOneErrorLine(t, stderr)
			if checkDir != "" {
				checkFolder(t, checkDir)
			}
		})
	}
}

// testDiskFull fills the output's file system, or the process's file size
// limit, while the CSV is written.
func testDiskFull(t *testing.T, bin string) {
	// 120 files that get the prior at once: a CSV of about 40 kB.
	in := t.TempDir()
	for i := range 120 {
		name := fmt.Sprintf("%03d-%s.mp3", i, strings.Repeat("x", 60))
		if err := os.WriteFile(filepath.Join(in, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		cmd  func(t *testing.T) (*exec.Cmd, string)
	}{
		{"tmpfs of 16 kB", func(t *testing.T) (*exec.Cmd, string) {
			dir, ok := mountTmpfs(t, "size=16k")
			if !ok {
				t.Skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); the file size limit case covers a full disk")
			}
			return exec.Command(bin, "predict", "--ext", "mp3", "-o", filepath.Join(dir, "out.csv"), in), dir
		}},
		{"file size limit of 8 kB (RLIMIT_FSIZE)", func(t *testing.T) (*exec.Cmd, string) {
			// The limit is set in the child by prlimit or the shell's
			// ulimit; Go's runtime ignores the SIGXFSZ it raises, so the
			// write fails with EFBIG instead of killing the process.
			dir := t.TempDir()
			args := []string{"predict", "--ext", "mp3", "-o", filepath.Join(dir, "out.csv"), in}
			if p, err := exec.LookPath("prlimit"); err == nil {
				return exec.Command(p, append([]string{"--fsize=8192", bin}, args...)...), dir
			}
			sh, err := exec.LookPath("sh")
			if err != nil {
				t.Skip("neither prlimit nor sh to set a file size limit")
			}
			// ulimit -f counts 512-byte blocks.
			return exec.Command(sh, append([]string{"-c", `ulimit -f 16 && exec "$0" "$@"`, bin}, args...)...), dir
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, dir := tc.cmd(t)
			code, stderr := exitCode(t, cmd)
			if code == 0 {
				t.Fatalf("exit 0, want non-zero; stderr:\n%s", stderr)
			}
			checkOneErrorLine(t, stderr)
			checkFolder(t, dir)
		})
	}
}

// testModelFaults gives --model files that must be refused before any work.
func testModelFaults(t *testing.T, bin string) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "a.mp3"), []byte("not audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := models.Default
	flip := func(b []byte) []byte {
		// Change one digit inside the payload: the checksum no longer matches.
		b = bytes.Clone(b)
		i := bytes.Index(b, []byte(`"weights"`))
		for ; i < len(b) && (b[i] < '1' || b[i] > '8'); i++ {
		}
		b[i]++
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte // nil with dir: the model path is a folder
		dir  bool
		want string // in the error line
	}{
		{"one digit changed", flip(good), false, "checksum"},
		{"truncated to half", good[:len(good)/2], false, "corrupt"},
		{"truncated by one byte", good[:len(bytes.TrimSpace(good))-1], false, "corrupt"},
		{"other format version", regexp.MustCompile(`"version": *[0-9]+`).ReplaceAll(good, []byte(`"version": 99`)), false, "version 99"},
		{"other format name", bytes.Replace(good, []byte(`"genrec-model"`), []byte(`"other-model"`), 1), false, "not a genrec model"},
		{"empty file", []byte{}, false, "not a genrec model"},
		{"not JSON", []byte("\x00\x01binary junk"), false, "not a genrec model"},
		{"JSON array", []byte("[1,2,3]"), false, "not a genrec model"},
		{"folder", nil, true, "model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "model.json")
			if tc.dir {
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			outDir := t.TempDir()
			code, stderr := exitCode(t, exec.Command(bin, "predict", "--ext", "mp3", "--model", p, "-o", filepath.Join(outDir, "out.csv"), in))
			if code == 0 {
				t.Fatalf("exit 0, want non-zero; stderr:\n%s", stderr)
			}
			checkOneErrorLine(t, stderr)
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("error does not mention %q:\n%s", tc.want, stderr)
			}
			checkFolder(t, outDir)
		})
	}
}
