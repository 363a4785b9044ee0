package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/tags"
	"github.com/genrec/genrec/internal/testaudio"
)

// tagModelArgs returns the --model arguments for the tag tests: none when
// the shipped model loads, else a model trained from the shared GTZAN
// table (the test is skipped when that is not available either).
func tagModelArgs(t *testing.T) []string {
	t.Helper()
	_, err := loadModel("")
	if err == nil {
		return nil
	}
	t.Logf("shipped model unusable (%v); training one from the shared data", err)
	shared := sharedDir(t)
	p := filepath.Join(t.TempDir(), "model.json")
	code, _, stderr := genrec(t, "train", "--table", filepath.Join(shared, "data", "gtzan", "train.csv"),
		"--fma-tracks", filepath.Join(shared, "data", "fma", "tracks.csv"), "-o", p)
	if code != 0 {
		t.Skipf("no usable model: shipped: %v; training: %s", err, stderr)
	}
	return []string{"--model", p}
}

// tagFolder synthesises a folder for genrec tag: two untagged mp3s, one
// whose ID3v2 tag already names a genre (with a title), one with an
// unsynchronised tag genrec refuses, a FLAC file and a text file.
func tagFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mp3 := func(name string, freqs []float64, noise float64, args ...string) {
		x := testaudio.Signal(4*44100, 44100, freqs, noise)
		testaudio.WriteMP3(t, filepath.Join(dir, name), x, 44100, 1, args...)
	}
	mp3("a tone.mp3", []float64{220, 330}, 0.05)
	mp3("b noise.mp3", nil, 0.4)
	mp3("c tagged.mp3", []float64{440}, 0.1, "--tt", "Kept title", "--tg", "Polka")
	plain, err := os.ReadFile(filepath.Join(dir, "b noise.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	unsync := []byte("ID3\x03\x00\x80\x00\x00\x00\x0bTIT2\x00\x00\x00\x01\x00\x00\x00")
	tagPut(t, filepath.Join(dir, "d unsync.mp3"), append(unsync, plain...))
	tagPut(t, filepath.Join(dir, "e.flac"), tagFLAC(t, dir))
	tagPut(t, filepath.Join(dir, "notes.txt"), []byte("not audio"))
	return dir
}

// tagFLAC returns a FLAC encoding of a test tone (Debian flac).
func tagFLAC(t *testing.T, dir string) []byte {
	t.Helper()
	wav := filepath.Join(dir, ".tone.wav")
	tagPut(t, wav, testaudio.WAV(testaudio.Signal(3*44100, 44100, []float64{330}, 0.05), 44100, 1))
	defer os.Remove(wav)
	out := filepath.Join(dir, ".tone.flac")
	defer os.Remove(out)
	if _, err := exec.LookPath("flac"); err != nil {
		t.Skip("flac not installed (Debian package flac)")
	}
	if msg, err := exec.Command("flac", "--silent", "-f", "-o", out, wav).CombinedOutput(); err != nil {
		t.Fatalf("flac: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tagPut(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tagSnapshot records every file in dir: its content hash and mtime.
func tagSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := make(map[string]string)
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		s[e.Name()] = fmt.Sprintf("%x %v", sha256.Sum256(b), fi.ModTime())
	}
	return s
}

// tagAgeFiles sets the mtime of every file in dir an hour back, so that a
// rewrite within the test's second is visible.
func tagAgeFiles(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if err := os.Chtimes(filepath.Join(dir, e.Name()), old, old); err != nil {
			t.Fatal(err)
		}
	}
}

// tagAudioSum hashes the audio of a file: for mp3 the bytes after its
// ID3v2 tag and before an ID3v1 tail; for FLAC the frames after the last
// metadata block.
func tagAudioSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= 4 && string(b[:4]) == "fLaC" {
		p := 4
		for p+4 <= len(b) {
			last := b[p]&0x80 != 0
			p += 4 + (int(b[p+1])<<16 | int(b[p+2])<<8 | int(b[p+3]))
			if last {
				break
			}
		}
		if p > len(b) {
			t.Fatalf("%s: truncated FLAC metadata", path)
		}
		return sha256.Sum256(b[p:])
	}
	start := 0
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		start = 10 + (int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9]))
		if b[3] == 4 && b[5]&0x10 != 0 {
			start += 10
		}
	}
	end := len(b)
	if end-start >= 128 && string(b[end-128:end-125]) == "TAG" {
		end -= 128
	}
	return sha256.Sum256(b[start:end])
}

var planLine = regexp.MustCompile(`^(.+): (.+) -> (.+) \(p=([0-9.]+)\)( failed: .*)?$`)

// tagPlans parses genrec tag's output into file -> planned genre, and file ->
// skip reason.
func tagPlans(t *testing.T, stdout string) (planned, skipped map[string]string) {
	t.Helper()
	planned, skipped = map[string]string{}, map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if m := planLine.FindStringSubmatch(l); m != nil {
			planned[filepath.Base(m[1])] = m[3]
			continue
		}
		p, reason, ok := strings.Cut(l, ": skip (")
		if !ok {
			t.Fatalf("unexpected line %q", l)
		}
		skipped[filepath.Base(p)] = strings.TrimSuffix(reason, ")")
	}
	return planned, skipped
}

func TestTagDryRunChangesNothing(t *testing.T) {
	modelArgs := tagModelArgs(t)
	dir := tagFolder(t)
	tagAgeFiles(t, dir)
	before := tagSnapshot(t, dir)
	code, stdout, stderr := genrec(t, append([]string{"tag", "--min-confidence", "0", dir}, modelArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	planned, skipped := tagPlans(t, stdout)
	for _, f := range []string{"a tone.mp3", "b noise.mp3"} {
		if planned[f] == "" {
			t.Errorf("%s: no plan in\n%s", f, stdout)
		}
	}
	if !strings.Contains(skipped["c tagged.mp3"], `has genre "Polka"`) {
		t.Errorf("tagged file: %q", skipped["c tagged.mp3"])
	}
	if !strings.Contains(skipped["d unsync.mp3"], "cannot read its tags") {
		t.Errorf("unsynchronised tag: %q", skipped["d unsync.mp3"])
	}
	// FLAC is decoded (FFmpeg) and gets a plan like the mp3 files.
	if planned["e.flac"] == "" {
		t.Errorf("FLAC file: no plan:\n%s", stdout)
	}
	if _, ok := skipped["notes.txt"]; ok {
		t.Error("notes.txt was considered")
	}
	if !strings.Contains(stderr, "genrec tag: 5 files:") || !strings.Contains(stderr, "dry run") {
		t.Errorf("summary: %q", stderr)
	}
	if after := tagSnapshot(t, dir); len(after) != len(before) {
		t.Errorf("files added or removed: %d -> %d", len(before), len(after))
	} else {
		for name, s := range before {
			if after[name] != s {
				t.Errorf("%s changed in a dry run", name)
			}
		}
	}
}

func TestTagWriteAndOverwrite(t *testing.T) {
	modelArgs := tagModelArgs(t)
	dir := tagFolder(t)
	files := []string{"a tone.mp3", "b noise.mp3", "e.flac", "c tagged.mp3"}
	audio := map[string][32]byte{}
	for _, f := range files {
		audio[f] = tagAudioSum(t, filepath.Join(dir, f))
	}
	unsync, _ := os.ReadFile(filepath.Join(dir, "d unsync.mp3"))
	tagged, _ := os.ReadFile(filepath.Join(dir, "c tagged.mp3"))

	args := append([]string{"tag", "--write", "--min-confidence", "0", dir}, modelArgs...)
	code, stdout, stderr := genrec(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	planned, _ := tagPlans(t, stdout)
	for _, f := range files[:3] {
		if g, err := tags.ReadGenre(filepath.Join(dir, f)); err != nil || g != planned[f] || g == "" {
			t.Errorf("%s: genre %q, %v; planned %q", f, g, err, planned[f])
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "c tagged.mp3")); !bytes.Equal(got, tagged) {
		t.Error("an existing genre was overwritten without --overwrite")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "d unsync.mp3")); !bytes.Equal(got, unsync) {
		t.Error("a refused file changed")
	}
	if !strings.Contains(stderr, "3 tagged, 2 skipped, 0 failed") {
		t.Errorf("summary: %q", stderr)
	}

	// A second run finds the genres it wrote.
	_, stdout, _ = genrec(t, append([]string{"tag", "--min-confidence", "0", dir}, modelArgs...)...)
	if planned, _ := tagPlans(t, stdout); len(planned) != 0 {
		t.Errorf("second run plans %v", planned)
	}

	// --overwrite replaces an existing genre, keeping the other frames.
	code, stdout, stderr = genrec(t, append(args, "--overwrite")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	planned, skipped := tagPlans(t, stdout)
	if g, _ := tags.ReadGenre(filepath.Join(dir, "c tagged.mp3")); g != planned["c tagged.mp3"] || g == "" {
		t.Errorf("overwrite: genre %q, planned %q\n%s", g, planned["c tagged.mp3"], stdout)
	}
	if !strings.HasPrefix(skipped["a tone.mp3"], "already ") {
		t.Errorf("re-tagging with the same genre: %q", skipped["a tone.mp3"])
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "c tagged.mp3")); !bytes.Contains(got, []byte("Kept title")) {
		t.Error("the title frame was lost")
	}
	for _, f := range files {
		if tagAudioSum(t, filepath.Join(dir, f)) != audio[f] {
			t.Errorf("%s: audio frames changed", f)
		}
	}
	if names := tagDirNames(t, dir); len(names) != 6 {
		t.Errorf("files left behind: %v", names)
	}
}

func TestTagBackupAndFailedWrite(t *testing.T) {
	modelArgs := tagModelArgs(t)
	dir := t.TempDir()
	for _, name := range []string{"a.mp3", "b.mp3"} {
		testaudio.WriteMP3(t, filepath.Join(dir, name), testaudio.Signal(3*44100, 44100, []float64{300}, 0.1), 44100, 1)
	}
	origA, _ := os.ReadFile(filepath.Join(dir, "a.mp3"))
	origB, _ := os.ReadFile(filepath.Join(dir, "b.mp3"))
	// An existing backup is never replaced, so b.mp3 cannot be written.
	tagPut(t, filepath.Join(dir, "b.mp3.bak"), []byte("an older backup"))

	code, stdout, stderr := genrec(t, append([]string{"tag", "--write", "--backup", "--min-confidence", "0", dir}, modelArgs...)...)
	if code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if bak, _ := os.ReadFile(filepath.Join(dir, "a.mp3.bak")); !bytes.Equal(bak, origA) {
		t.Error("a.mp3.bak does not hold the original")
	}
	if g, _ := tags.ReadGenre(filepath.Join(dir, "a.mp3")); g == "" {
		t.Error("a.mp3 was not tagged although b.mp3 failed")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "b.mp3")); !bytes.Equal(got, origB) {
		t.Error("b.mp3 changed")
	}
	if bak, _ := os.ReadFile(filepath.Join(dir, "b.mp3.bak")); string(bak) != "an older backup" {
		t.Error("an existing backup was replaced")
	}
	if !regexp.MustCompile(`(?m)^.*b\.mp3: none -> .* failed: .*backup file already exists$`).MatchString(stdout) {
		t.Errorf("no failure line:\n%s", stdout)
	}
	if !strings.Contains(stderr, "1 tagged, 0 skipped, 1 failed") || !strings.Contains(stderr, "1 of 2 writes failed") {
		t.Errorf("stderr: %q", stderr)
	}
}

func TestTagMinConfidence(t *testing.T) {
	modelArgs := tagModelArgs(t)
	dir := tagFolder(t)
	before := tagSnapshot(t, dir)
	code, stdout, _ := genrec(t, append([]string{"tag", "--write", "--min-confidence", "1", dir}, modelArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	planned, skipped := tagPlans(t, stdout)
	if len(planned) != 0 || !strings.Contains(skipped["a tone.mp3"], "< --min-confidence 1") {
		t.Errorf("planned %v, skipped %v", planned, skipped)
	}
	for name, s := range tagSnapshot(t, dir) {
		if before[name] != s {
			t.Errorf("%s changed", name)
		}
	}
}

func TestTagUsage(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"tag"}, exitUsage},
		{[]string{"tag", "--min-confidence", "1.5", dir}, exitUsage},
		{[]string{"tag", "--min-confidence", "-0.1", dir}, exitUsage},
		{[]string{"tag", "--min-confidence", "NaN", dir}, exitUsage},
		{[]string{"tag", "--backup", dir}, exitUsage},
		{[]string{"tag", "--jobs", "-1", dir}, exitUsage},
		{[]string{"tag", "--bogus", dir}, exitUsage},
		{[]string{"tag", filepath.Join(dir, "missing.mp3")}, exitFailure},
		{[]string{"tag", "-h"}, exitOK},
	}
	for _, tc := range cases {
		if code, _, stderr := genrec(t, tc.args...); code != tc.code {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
	}
}

func TestTagReadOnlyFolder(t *testing.T) {
	modelArgs := tagModelArgs(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "a.mp3")
	testaudio.WriteMP3(t, p, testaudio.Signal(3*44100, 44100, []float64{300}, 0.1), 44100, 1)
	orig, _ := os.ReadFile(p)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skip("the folder stays writable (running as root?); internal/tags injects the failure instead")
	}
	code, stdout, _ := genrec(t, append([]string{"tag", "--write", "--min-confidence", "0", dir}, modelArgs...)...)
	if code != exitFailure || !strings.Contains(stdout, " failed: ") {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, orig) {
		t.Error("the original changed")
	}
	if names := tagDirNames(t, dir); len(names) != 1 {
		t.Errorf("leftovers: %v", names)
	}
}

func tagDirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
