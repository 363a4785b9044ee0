package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("b.mp3")
	write("A.MP3")
	write("c.wav")
	write("notes.txt")
	write(".mp3") // no stem: not a clip
	if err := os.Mkdir(filepath.Join(dir, "folder.mp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "b.mp3"), filepath.Join(dir, "link.mp3")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dangling.mp3")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		exts []string
		want string
	}{
		{"folder, mp3 only", []string{dir}, []string{"mp3"}, "A.MP3,b.mp3,link.mp3"},
		{"folder with trailing slash", []string{dir + "/"}, []string{"mp3"}, "A.MP3,b.mp3,link.mp3"},
		{"folder, mp3 and wav", []string{dir}, []string{"mp3", "wav"}, "A.MP3,b.mp3,c.wav,link.mp3"},
		{"explicit file of any extension", []string{filepath.Join(dir, "notes.txt")}, []string{"mp3"}, "notes.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expandPaths(tt.args, tt.exts)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				names = append(names, filepath.Base(p))
			}
			if strings.Join(names, ",") != tt.want {
				t.Errorf("expandPaths = %v, want %s", names, tt.want)
			}
		})
	}
	if _, err := expandPaths([]string{filepath.Join(dir, "missing")}, []string{"mp3"}); err == nil {
		t.Error("missing input: no error")
	}
}

func TestSplitList(t *testing.T) {
	got := strings.Join(splitList(" mp3, .WAV,,flac "), "|")
	if got != "mp3|WAV|flac" {
		t.Errorf("splitList = %q", got)
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args     []string
		wantOut  string
		wantArgs string
	}{
		{[]string{"a", "-o", "x.csv", "b"}, "x.csv", "a|b"},
		{[]string{"-o", "x.csv", "a"}, "x.csv", "a"},
		{[]string{"a", "--", "-o", "b"}, "-", "a|-o|b"},
		{[]string{"--", "-dash.mp3"}, "-", "-dash.mp3"},
	}
	for _, tt := range tests {
		fs := newFlagSet("t", "", "", nil)
		out := fs.String("o", "-", "")
		if err := parseFlags(fs, tt.args); err != nil {
			t.Fatalf("parseFlags(%q): %v", tt.args, err)
		}
		if *out != tt.wantOut || strings.Join(fs.Args(), "|") != tt.wantArgs {
			t.Errorf("parseFlags(%q): -o %q args %q, want %q %q", tt.args, *out, fs.Args(), tt.wantOut, tt.wantArgs)
		}
	}
}
