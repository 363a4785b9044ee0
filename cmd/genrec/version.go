package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

const versionExamples = `  genrec version
  genrec --version
`

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", versionExamples, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(stdout, "genrec %s\n", programVersion())
	m, err := loadModel("")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model: %s\n", m.Describe())
	return nil
}

// programVersion returns the version set with -ldflags "-X main.version=…"
// when there is one; otherwise the main module's version from the build
// information (v1.2.3 for 'go install …@v1.2.3', a pseudo-version for a
// build in a Git checkout); otherwise devVersion.
func programVersion() string {
	if version != devVersion {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
