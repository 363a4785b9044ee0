package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/audio"
	"github.com/genrec/genrec/internal/bench"
	"github.com/genrec/genrec/internal/pipeline"
)

const benchExamples = `  genrec bench                          # 50 synthesised clips, 3 rounds; summary on stdout, bench.json
  genrec bench --clips 500 --rounds 1 --json /tmp/bench.json
  genrec bench --cpuprofile cpu.out ../shared/fixtures/contract
  go tool pprof -top bin/genrec cpu.out # the hottest functions
`

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "[flags] [FOLDER]", benchExamples, stderr)
	clips := fs.Int("clips", 50, "number of clips to synthesise when no FOLDER is given")
	distinct := fs.Int("distinct", 16, "how many of the synthesised clips are encoded separately (the others are copies)")
	jobs := fs.Int("jobs", 0, "workers of the all-cores runs (default: all usable cores)")
	stageClips := fs.Int("stage-clips", 5, "how many clips are timed stage by stage on one core")
	rounds := fs.Int("rounds", 3, "how many times the throughput phases run, interleaved; the report gives the median of each ratio")
	minClips := fs.Int("min-clips", 100, "the fewest clips a throughput phase analyses: a FOLDER with fewer is taken in several passes")
	jsonPath := fs.String("json", "bench.json", "write the JSON report to `FILE` (atomically); - is stdout (the summary then goes to stderr); empty: none")
	keep := fs.String("keep", "", "synthesise the clips into `DIR` and keep them (default: a temporary folder, removed)")
	exts := fs.String("ext", audio.Extensions, "comma-separated `extensions` taken from FOLDER (any case)")
	modelPath := fs.String("model", "", "model `FILE` (default: the shipped model)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to `FILE`")
	memProfile := fs.String("memprofile", "", "write a heap profile (in use and allocated) to `FILE` at the end")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("at most one FOLDER")
	}
	if *clips < 1 || *distinct < 1 || *jobs < 0 || *stageClips < 1 || *minClips < 1 || *rounds < 1 {
		return usagef("--clips, --distinct, --stage-clips, --min-clips and --rounds must be >= 1 and --jobs >= 0")
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	for _, p := range []string{*jsonPath, *cpuProfile, *memProfile} {
		if p != "" && p != "-" {
			if err := atomicfile.CheckWritable(p); err != nil {
				return err
			}
		}
	}
	summary := stdout
	if *jsonPath == "-" {
		summary = stderr
	}

	tmp, err := os.MkdirTemp("", "genrec-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)

	cfg := bench.Config{Model: m, Jobs: *jobs, StageClips: *stageClips, TempDir: tmp, Progress: stderr, MinClips: *minClips, Rounds: *rounds}
	if fs.NArg() == 1 {
		folder := fs.Arg(0)
		if cfg.Paths, err = (pipeline.Listing{Exts: splitList(*exts)}).Files([]string{folder}); err != nil {
			return err
		}
		if len(cfg.Paths) == 0 {
			return fmt.Errorf("bench: no %s files in %s", *exts, folder)
		}
		cfg.Input = "folder " + folder
	} else {
		dir := filepath.Join(tmp, "clips")
		if *keep != "" {
			dir = *keep
		}
		fmt.Fprintf(stderr, "bench: synthesising %d clips (%d encoded with lame) in %s\n", *clips, min(*clips, *distinct), dir)
		if cfg.Paths, err = bench.Synthesise(ctx, dir, *clips, *distinct, pipeline.UsableCPUs()); err != nil {
			return err
		}
		cfg.Input = fmt.Sprintf("synthesised %d-s %d Hz stereo %d kbps mp3 (tones, noise, beat; %d distinct)",
			bench.ClipSeconds, bench.ClipRate, bench.ClipKbps, min(*clips, *distinct))
	}

	pipeline.TuneGC() // measure memory as predict runs
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	report, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *memProfile != "" {
		if err := atomicfile.Write(*memProfile, 0o644, func(w io.Writer) error {
			runtime.GC()
			return pprof.Lookup("allocs").WriteTo(w, 0)
		}); err != nil {
			return fmt.Errorf("bench: memory profile: %w", err)
		}
	}
	if err := report.WriteText(summary); err != nil {
		return err
	}
	switch *jsonPath {
	case "":
	case "-":
		return report.WriteJSON(stdout)
	default:
		if err := atomicfile.Write(*jsonPath, 0o644, report.WriteJSON); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		fmt.Fprintf(summary, "\nJSON report written to %s\n", *jsonPath)
	}
	return nil
}

// startCPUProfile starts writing a CPU profile to path and returns the
// function that stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("bench: cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
