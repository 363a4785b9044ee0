// Command genrec recognises the musical genre of audio files.
//
// It predicts the 16 top-level genres of the Free Music Archive for mp3 and
// WAV files, writes the WWW2018 challenge CSV, evaluates predictions against
// labels, computes the classic GTZAN feature table and trains its model.
// Run `genrec help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"

	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/pipeline"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// devVersion is the version of a build that says nothing else about
// itself.
const devVersion = "v0.1.0-dev"

// version is the program's version; release builds may set it with
// -ldflags "-X main.version=...". See programVersion.
var version = devVersion

// usageError marks errors caused by how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// windowFlag defines the --window flag, the same in every command that
// analyses audio, and returns a function that parses its value.
func windowFlag(fs *flagSet) func() (audio.Window, error) {
	v := fs.String("window", audio.Middle.String(), "which part of a file longer than "+
		strconv.Itoa(params.MiddleMinSeconds)+" s is analysed: "+audio.Middle.String()+" (centred on its middle, found by seeking) or "+
		audio.First.String()+" (from its start); shorter files are analysed from their start")
	return func() (audio.Window, error) {
		for _, w := range []audio.Window{audio.First, audio.Middle} {
			if *v == w.String() {
				return w, nil
			}
		}
		return 0, usagef("--window %q: want %s or %s", *v, audio.Middle, audio.First)
	}
}

// command is one subcommand of genrec.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"predict", "predict the genre probabilities of audio files or a feature table", runPredict},
		{"merge", "combine the outputs of sharded predict runs (predict --shard i/n)", runMerge},
		{"eval", "score predictions (or a labelled feature table) against labels", runEval},
		{"train", "train a model from labelled feature tables", runTrain},
		{"features", "compute the GTZAN feature table of audio files", runFeatures},
		{"bench", "measure speed and memory per stage, per clip and per core", runBench},
		{"tag", "write the predicted genre into files' tags (dry-run by default)", runTag},
		{"version", "print the program and model versions", runVersion},
	}
}

func main() {
	// Match Go's parallelism to the container's CPU quota, so that 5 granted
	// cores on a larger host mean 5 busy threads, not one per host core.
	runtime.GOMAXPROCS(pipeline.UsableCPUs())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes genrec with args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if !slices.ContainsFunc(commands, func(c command) bool { return c.name == rest[0] }) {
				fmt.Fprintf(stderr, "genrec help: unknown command %q\nRun 'genrec help' for usage.\n", rest[0])
				return exitUsage
			}
			// Asked-for help is data: it goes to stdout.
			return run(ctx, []string{rest[0], "-h"}, stdout, stdout)
		}
		printUsage(stdout)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, rest, stdout, stderr)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "genrec %s: %v\nRun 'genrec help %s' for usage.\n", name, err, name)
			return exitUsage
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			// Stopped by SIGINT/SIGTERM: say so rather than "context canceled".
			fmt.Fprintf(stderr, "genrec %s: interrupted (%v): %v\n", name, context.Cause(ctx), err)
			return exitFailure
		default:
			fmt.Fprintf(stderr, "genrec %s: %v\n", name, err)
			return exitFailure
		}
	}
	fmt.Fprintf(stderr, "genrec: unknown command %q\nRun 'genrec help' for usage.\n", name)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `genrec recognises the musical genre of audio files (16 FMA top-level genres).

Usage:
  genrec <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'genrec help <command>' for the flags and examples of a command, and
'genrec --version' for the program and model versions.

Data (CSV, JSON, reports) goes to stdout or to the file named by -o;
warnings, progress and errors go to stderr. Flags may come before or after
the paths; "--" ends the flags.

Exit status:
  0  success (files that could not be analysed still get a row, with a warning)
  1  runtime error: missing input, unreadable model, failed write, interrupted
  2  usage error: unknown command or flag, bad flag value, missing argument
`)
}

// flagSet is a command's flags with its full usage text.
type flagSet struct {
	*flag.FlagSet
	usage func()
	args  []string // positional arguments
}

// Args returns the positional arguments.
func (fs *flagSet) Args() []string { return fs.args }

// NArg returns the number of positional arguments.
func (fs *flagSet) NArg() int { return len(fs.args) }

// Arg returns the i'th positional argument, or "" if there is none.
func (fs *flagSet) Arg(i int) string {
	if i < 0 || i >= len(fs.args) {
		return ""
	}
	return fs.args[i]
}

// newFlagSet returns the flags of a command whose usage text (printed for
// -h, or by 'genrec help <command>') shows the synopsis, the flags and
// examples. Parse errors print one line, not the whole usage.
func newFlagSet(name, synopsis, examples string, out io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.usage = func() {
		fmt.Fprintf(out, "Usage: genrec %s %s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(out)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if examples != "" {
			fmt.Fprintf(out, "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors; -h prints
// the usage text. Flags may come before or after positional arguments;
// everything after "--" is positional.
func parseFlags(fs *flagSet, args []string) error {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.usage()
				return err
			}
			return usageError{err.Error()}
		}
		rest := fs.FlagSet.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			fs.args = append(fs.args, rest...)
			return nil
		}
		if len(rest) == 0 {
			return nil
		}
		fs.args = append(fs.args, rest[0])
		args = rest[1:]
	}
}
