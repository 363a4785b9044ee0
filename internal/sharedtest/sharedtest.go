// Package sharedtest finds, for tests, the project's shared material: the
// folder named by $GENREC_SHARED, or the folder "shared" beside the
// checkout (../shared from the module root). Its data is never committed;
// tests that need it skip with a clear message when it is absent.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared folder's path; it may not exist.
func Dir() string {
	if d := os.Getenv("GENREC_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared")
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared")
		}
		dir = parent
	}
}

// Path returns the path of elem inside the shared folder, skipping the test
// when it does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir()}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared material not found: %v (it lives in ../shared beside the checkout; set GENREC_SHARED to use another folder)", err)
	}
	return p
}
