package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/internal/testaudio"
)

// synthGenre is the recipe of one synthesised genre: clip k is the sum of
// sines at freqs·(1+0.03k) plus white noise.
type synthGenre struct {
	folder string // folder name: a GTZAN or FMA genre name
	class  string // the challenge class it maps onto
	freqs  []float64
	noise  float64
}

// synthGenres are three genres that differ in pitch, brightness and noise.
// Their folder names mix a GTZAN name (classical), an FMA name
// (Electronic) and a GTZAN name mapped onto another class (metal → Rock).
var synthGenres = []synthGenre{
	{"classical", "Classical", []float64{196, 247, 294}, 0},
	{"Electronic", "Electronic", []float64{1800, 2700, 3600}, 0.05},
	{"metal", "Rock", []float64{82, 110}, 0.4},
}

const (
	synthClips = 4     // clips per genre
	synthRate  = 22050 // their sample rate
	synthSecs  = 3     // their length
)

// synthClip writes clip k of genre g to path: an mp3 (lame) or, for a
// name ending in .wav, a WAV file.
func synthClip(t *testing.T, path string, g synthGenre, k int) {
	t.Helper()
	freqs := make([]float64, len(g.freqs))
	for i, f := range g.freqs {
		freqs[i] = f * (1 + 0.03*float64(k))
	}
	x := testaudio.Signal(synthSecs*synthRate, synthRate, freqs, g.noise)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".wav") {
		if err := os.WriteFile(path, testaudio.WAV(x, synthRate, 1), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	testaudio.WriteMP3(t, path, x, synthRate, 1, "-b", "64")
}

// synthGenreFolders builds root/<genre>/clipK.{mp3,wav} (the last clip of
// each genre is a WAV) and returns the files with their classes.
func synthGenreFolders(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, g := range synthGenres {
		for k := range synthClips {
			ext := ".mp3"
			if k == synthClips-1 {
				ext = ".wav"
			}
			p := filepath.Join(root, g.folder, fmt.Sprintf("clip%d%s", k, ext))
			synthClip(t, p, g, k)
			files[p] = g.class
		}
	}
	return files
}

// classIndices returns the sorted indices of the named classes.
func classIndices(t *testing.T, names ...string) []int {
	t.Helper()
	var idx []int
	for _, n := range names {
		i, err := genre.Index(n)
		if err != nil {
			t.Fatal(err)
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx
}

// trainOK runs genrec train with args, expects success and returns
// stderr.
func trainOK(t *testing.T, args ...string) string {
	t.Helper()
	code, _, stderr := genrec(t, append([]string{"train"}, args...)...)
	if code != exitOK {
		t.Fatalf("genrec train %q: exit %d\n%s", args, code, stderr)
	}
	return stderr
}

// TestTrainFromAudioFolders trains on a synthesised folder per genre,
// checks the model, then trains again and checks that every feature
// vector came from the cache and the model file is byte-identical, and
// that a damaged cache entry is computed again.
func TestTrainFromAudioFolders(t *testing.T) {
	root := t.TempDir()
	files := synthGenreFolders(t, root)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	out1 := filepath.Join(t.TempDir(), "m1.json")
	out2 := filepath.Join(t.TempDir(), "m2.json")
	out3 := filepath.Join(t.TempDir(), "m3.json")
	n := len(files)

	stderr := trainOK(t, "--audio", root, "--cache", cacheDir, "--jobs", "2", "-o", out1)
	if want := fmt.Sprintf("features of %d audio files: 0 cached, %d computed, 0 could not be analysed", n, n); !strings.Contains(stderr, want) {
		t.Fatalf("first run: summary %q missing:\n%s", want, stderr)
	}
	m, err := model.Load(out1)
	if err != nil {
		t.Fatalf("model does not load: %v", err)
	}
	if got, want := m.Covered(), classIndices(t, "Classical", "Electronic", "Rock"); !slices.Equal(got, want) {
		t.Errorf("covered classes %v, want %v", got, want)
	}
	if err := m.SetTarget("train"); err != nil {
		t.Fatal(err)
	}
	// The model recognises its training clips.
	paths := make([]string, 0, n)
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	correct := 0
	_, err = pipeline.Run(context.Background(), paths, pipeline.Options{Model: m}, func(r pipeline.Result) error {
		if r.Err != nil {
			return fmt.Errorf("%s: %w", r.Path, r.Err)
		}
		best := 0
		for c := range r.Probs {
			if r.Probs[c] > r.Probs[best] {
				best = c
			}
		}
		if genre.Classes[best] == files[r.Path] {
			correct++
		} else {
			t.Logf("%s: predicted %s, labelled %s", r.Path, genre.Classes[best], files[r.Path])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if correct*3 < 2*n {
		t.Errorf("%d of %d training clips predicted correctly, want at least 2/3", correct, n)
	}

	// Second run: everything from the cache, the same model bytes.
	stderr = trainOK(t, "--audio", root, "--cache", cacheDir, "-o", out2)
	if want := fmt.Sprintf("features of %d audio files: %d cached, 0 computed", n, n); !strings.Contains(stderr, want) {
		t.Fatalf("second run: summary %q missing:\n%s", want, stderr)
	}
	sameFile(t, out1, out2)

	// A damaged entry is computed again (and repaired); the model is
	// still the same.
	var entries []string
	err = filepath.WalkDir(cacheDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			entries = append(entries, p)
		}
		return err
	})
	if err != nil || len(entries) != n {
		t.Fatalf("cache holds %d entries (%v), want %d", len(entries), err, n)
	}
	slices.Sort(entries)
	b, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(entries[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entries[1], []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr = trainOK(t, "--audio", root, "--cache", cacheDir, "-o", out3)
	if want := fmt.Sprintf("features of %d audio files: %d cached, 2 computed, 0 could not be analysed (2 damaged cache entries recomputed)", n, n-2); !strings.Contains(stderr, want) {
		t.Fatalf("after damage: summary %q missing:\n%s", want, stderr)
	}
	sameFile(t, out1, out3)
	stderr = trainOK(t, "--audio", root, "--cache", cacheDir, "-o", out3)
	if want := fmt.Sprintf("%d cached, 0 computed", n); !strings.Contains(stderr, want) {
		t.Errorf("damaged entries were not rewritten: %q missing:\n%s", want, stderr)
	}

	// Touching a file invalidates its entry only.
	if err := os.Chtimes(paths[0], mtimeAfter(t, paths[0]), mtimeAfter(t, paths[0])); err != nil {
		t.Fatal(err)
	}
	stderr = trainOK(t, "--audio", root, "--cache", cacheDir, "-o", out3)
	if want := fmt.Sprintf("%d cached, 1 computed", n-1); !strings.Contains(stderr, want) {
		t.Errorf("after touching a file: %q missing:\n%s", want, stderr)
	}

	// Without the cache, everything is computed and nothing is written.
	empty := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", empty)
	stderr = trainOK(t, "--audio", root, "--cache", "none", "-o", out3)
	if want := fmt.Sprintf("0 cached, %d computed", n); !strings.Contains(stderr, want) {
		t.Errorf("--cache none: %q missing:\n%s", want, stderr)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("--cache none wrote to the default cache folder: %v", ents)
	}
	sameFile(t, out1, out3)
}

// mtimeAfter returns a modification time an hour after path's.
func mtimeAfter(t *testing.T, path string) time.Time {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime().Add(time.Hour)
}

// sameFile fails the test unless the files at a and b are identical.
func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Errorf("%s and %s differ", a, b)
	}
}

// TestTrainFromAudioFMA trains on a synthesised folder in FMA's layout
// with a tiny tracks.csv, on its training split only.
func TestTrainFromAudioFMA(t *testing.T) {
	root := t.TempDir()
	var csv strings.Builder
	csv.WriteString("subset,split,track_id,genre_top,genres\n")
	id := 2
	for _, g := range synthGenres {
		for k := range synthClips {
			split := "training"
			if k == 0 {
				split = "validation"
			}
			synthClip(t, filepath.Join(root, fmt.Sprintf("%03d", id/1000), fmt.Sprintf("%06d.mp3", id)), g, k)
			fmt.Fprintf(&csv, "small,%s,%d,%s,[1]\n", split, id, g.class)
			id++
		}
	}
	// A track without genre_top, one missing from tracks.csv and a file
	// that is not named by a track id: all left out.
	synthClip(t, filepath.Join(root, "000", "000500.mp3"), synthGenres[0], 1)
	csv.WriteString("medium,training,500,,[]\n")
	synthClip(t, filepath.Join(root, "001", "001234.mp3"), synthGenres[0], 1)
	synthClip(t, filepath.Join(root, "000", "notes.mp3"), synthGenres[0], 1)
	tracks := filepath.Join(t.TempDir(), "tracks.csv")
	if err := os.WriteFile(tracks, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	out := filepath.Join(t.TempDir(), "fma.json")

	// The layout is detected; without labels it is a usage error.
	if code, _, stderr := genrec(t, "train", "--audio", root, "--cache", cacheDir, "-o", out); code != exitUsage || !strings.Contains(stderr, "--fma-tracks") {
		t.Errorf("fma layout without --fma-tracks: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := genrec(t, "train", "--audio", root, "--fma-tracks", tracks, "--split", "train", "-o", out); code != exitUsage {
		t.Errorf("--split train: exit %d, want %d; stderr %q", code, exitUsage, stderr)
	}

	training := len(synthGenres) * (synthClips - 1)
	stderr := trainOK(t, "--audio", root, "--fma-tracks", tracks, "--split", "training", "--cache", cacheDir, "-o", out)
	if want := fmt.Sprintf("features of %d audio files: 0 cached, %d computed", training, training); !strings.Contains(stderr, want) {
		t.Errorf("summary %q missing:\n%s", want, stderr)
	}
	if !strings.Contains(stderr, "files=3") {
		t.Errorf("no warning about the 3 unlabelled files:\n%s", stderr)
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Covered(), classIndices(t, "Classical", "Electronic", "Rock"); !slices.Equal(got, want) {
		t.Errorf("covered classes %v, want %v", got, want)
	}
	// tracks.csv's genre_top counts (4 of each class) are the fma target
	// prior, less the floor the other classes get.
	if err := m.SetTarget("fma"); err != nil {
		t.Fatal(err)
	}
	fb := m.Fallback()
	covered := classIndices(t, "Classical", "Electronic", "Rock")
	for _, c := range covered {
		if math.Abs(fb[c]-fb[covered[0]]) > 1e-12 || fb[c] < 0.3 {
			t.Errorf("fma prior of %s = %v, want the same ≈1/3 for the three classes", genre.Classes[c], fb[c])
		}
	}

	// All splits, with the layout named: every labelled file.
	all := len(synthGenres) * synthClips
	stderr = trainOK(t, "--audio", root, "--layout", "fma", "--fma-tracks", tracks, "--cache", cacheDir, "-o", out)
	if want := fmt.Sprintf("features of %d audio files: %d cached, %d computed", all, training, all-training); !strings.Contains(stderr, want) {
		t.Errorf("summary %q missing:\n%s", want, stderr)
	}
}

// TestTrainTableAndAudio checks that the table and audio paths meet at the
// same feature matrix: a model trained on the table 'genrec features'
// writes for a folder predicts exactly like one trained on the folder's
// audio; and that --table and --audio combine.
func TestTrainTableAndAudio(t *testing.T) {
	root := t.TempDir()
	synthGenreFolders(t, root)
	table := filepath.Join(t.TempDir(), "table.csv")
	args := []string{"features", "-o", table}
	for _, g := range synthGenres {
		args = append(args, filepath.Join(root, g.folder))
	}
	if code, _, stderr := genrec(t, args...); code != exitOK {
		t.Fatalf("genrec features: exit %d\n%s", code, stderr)
	}
	cacheDir := t.TempDir()
	fromTable := filepath.Join(t.TempDir(), "table.json")
	fromAudio := filepath.Join(t.TempDir(), "audio.json")
	both := filepath.Join(t.TempDir(), "both.json")
	trainOK(t, "--table", table, "-o", fromTable)
	trainOK(t, "--audio", root, "--cache", cacheDir, "-o", fromAudio)
	mt, err := model.Load(fromTable)
	if err != nil {
		t.Fatal(err)
	}
	ma, err := model.Load(fromAudio)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mt.Covered(), ma.Covered()) || !slices.Equal(mt.Features(), ma.Features()) {
		t.Fatalf("table model covers %v with %d features, audio model %v with %d", mt.Covered(), len(mt.Features()), ma.Covered(), len(ma.Features()))
	}
	for k := range 3 {
		x := make([]float64, len(ma.Features()))
		for j := range x {
			x[j] = float64(j+k) * 0.01
		}
		pt, err := mt.Predict(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		pa, err := ma.Predict(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		for c := range pt {
			if math.Abs(pt[c]-pa[c]) > 1e-12 {
				t.Fatalf("class %s: table model %v, audio model %v", genre.Classes[c], pt[c], pa[c])
			}
		}
	}

	stderr := trainOK(t, "--table", table, "--audio", root, "--cache", cacheDir, "-o", both)
	if !strings.Contains(stderr, "12 cached, 0 computed") {
		t.Errorf("--table with --audio: summary missing:\n%s", stderr)
	}
	if _, err := model.Load(both); err != nil {
		t.Fatal(err)
	}
}

// TestTrainAudioErrors checks the usage errors of train's audio flags and
// a folder that is no genre.
func TestTrainAudioErrors(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "classical"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "misc"), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.MkdirAll(filepath.Join(empty, "Jazz"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "m.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", []string{"-o", out}, exitUsage, "--audio"},
		{"bad layout", []string{"--audio", root, "--layout", "tree", "-o", out}, exitUsage, "--layout"},
		{"bad split", []string{"--audio", root, "--split", "dev", "-o", out}, exitUsage, "--split"},
		{"split without audio", []string{"--table", "x.csv", "--split", "test", "-o", out}, exitUsage, "--split"},
		{"split with genre folders", []string{"--audio", root, "--layout", "genre-folders", "--split", "test", "-o", out}, exitUsage, "--split"},
		{"unknown genre folder", []string{"--audio", root, "-o", out}, exitFailure, `"misc"`},
		{"missing root", []string{"--audio", filepath.Join(root, "nope"), "-o", out}, exitFailure, "nope"},
		{"no files", []string{"--audio", empty, "-o", out}, exitFailure, "no labelled"},
		{"feature not from audio", []string{"--audio", root, "--features", "length", "-o", out}, exitUsage, "length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := genrec(t, append([]string{"train", "--cache", "none"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, want %d; stderr %q should mention %q", code, tc.code, stderr, tc.msg)
			}
		})
	}
}
