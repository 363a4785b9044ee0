package sharedtest

import (
	"path/filepath"
	"testing"
)

func TestDirFromEnvironment(t *testing.T) {
	t.Setenv("GENREC_SHARED", "/some/where")
	if got := Dir(); got != "/some/where" {
		t.Errorf("Dir() = %q, want the value of GENREC_SHARED", got)
	}
}

func TestDirBesideModuleRoot(t *testing.T) {
	t.Setenv("GENREC_SHARED", "")
	got, err := filepath.Abs(Dir())
	if err != nil {
		t.Fatal(err)
	}
	// This package is internal/sharedtest: the module root is two up.
	want, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	if got != want {
		t.Errorf("Dir() = %q, want %q", got, want)
	}
}
