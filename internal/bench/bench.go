package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/params"
	"github.com/genrec/genrec/internal/pipeline"
)

// The reference the maintainers measured for the Python way: librosa
// computing the same columns of a 30-s clip on one core of this kind of
// machine. librosa is not installable here; the figures are quoted.
const (
	// LibrosaGTZANSecondsPerClip is librosa's time for the 57 GTZAN
	// columns of one 30-s clip on one core (load 0.1 s, features 1.5 s).
	LibrosaGTZANSecondsPerClip = 1.6
	// LibrosaFMASecondsPerClip is librosa's time for the 60 FMA-small
	// columns of one 30-s clip on one core.
	LibrosaFMASecondsPerClip = 0.37
	// LibrosaSecondsPerClip is librosa's time for both sets, the work of
	// genrec's end-to-end phases.
	LibrosaSecondsPerClip = LibrosaGTZANSecondsPerClip + LibrosaFMASecondsPerClip
	// LibrosaDecodeMs is librosa's time to decode one 30-s clip.
	LibrosaDecodeMs = 25
)

// clipSeconds is the clip length LibrosaSecondsPerClip is quoted for,
// the 30 s the analysis reads.
const clipSeconds = float64(params.MaxSamples) / params.SampleRate

// The targets of issues 6 and 12, checked on every report.
const (
	// TargetRatio is the largest acceptable end-to-end time per clip as
	// a multiple of the decode-only time of the same clips.
	TargetRatio = 2.5
	// TargetScaling is the smallest acceptable throughput with n workers
	// as a multiple of n times the throughput of one worker.
	TargetScaling = 0.9
	// TargetPeakRSSMB is the largest acceptable peak resident set size.
	TargetPeakRSSMB = 200.0
	// TargetPlainRatio is TargetRatio for the plain statistics alone
	// (chroma, RMS, spectral shape, ZCR, MFCC: no separation, no tempo).
	TargetPlainRatio = 2.0
	// TargetLibrosaSpeedup is the smallest acceptable ratio of librosa's
	// time per clip and core to genrec's end-to-end time with one worker.
	TargetLibrosaSpeedup = 25.0
)

// Config says what Run measures.
type Config struct {
	// Paths are the clips, in order.
	Paths []string
	// Input describes where the clips come from, for the report.
	Input string
	// Model turns features into probabilities in the end-to-end phases
	// and is timed as the model stage.
	Model *model.Model
	// Jobs is the number of workers of the all-cores phases; 0 means
	// pipeline.UsableCPUs().
	Jobs int
	// StageClips is how many of the clips are timed stage by stage on
	// one core; 0 means 5.
	StageClips int
	// TempDir is a folder for the resampling probe's two WAV files.
	TempDir string
	// Progress, when set, receives one line as each phase starts.
	Progress io.Writer
	// Rounds is how many times the throughput phases run, interleaved
	// (all phases of round 1, then of round 2, …): each ratio is measured
	// within a round and the report gives the median over rounds, so that
	// the machine's drift from one minute to the next moves both sides of
	// a ratio alike. 0 means 1.
	Rounds int
	// MinClips is the fewest clips a throughput phase analyses: a shorter
	// Paths is repeated (in order, whole passes) until it reaches that
	// many, so that small folders still give stable rates. 0 means 1.
	MinClips int
}

// Report holds what Run measured.
type Report struct {
	// Date is when the measurement started, RFC 3339.
	Date string `json:"date"`
	// Machine describes where it ran.
	Machine Machine `json:"machine"`
	// Input describes the clips.
	Input string `json:"input"`
	// Files is the number of distinct clips; Clips is the number each
	// throughput phase analyses: Passes times Files.
	Files  int `json:"files"`
	Passes int `json:"passes"`
	Clips  int `json:"clips"`
	// StageClips is the number of clips timed stage by stage.
	StageClips int `json:"stage_clips"`
	// StageSeconds is the mean analysed length of those clips, in seconds.
	StageSeconds float64 `json:"stage_seconds"`
	// Stages are the per-clip costs on one core.
	Stages []Stage `json:"stages"`
	// Rounds is the number of rounds of throughput phases.
	Rounds int `json:"rounds"`
	// Phases are the throughput runs over all clips: for each phase, the
	// round with the median rate.
	Phases []Phase `json:"phases"`
	// RoundRatios are the ratios of each round; the fields below are their
	// medians.
	RoundRatios []Ratios `json:"round_ratios"`
	// Ratios are the medians over rounds.
	Ratios
	// PeakRSSMB is the process's peak resident set size over the whole
	// run (getrusage ru_maxrss), in MB (10^6 bytes).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// Targets are the checks of issues 6 and 12.
	Targets []Target `json:"targets"`
}

// Ratios are the figures of issues 6 and 12 computed from one round of phases.
type Ratios struct {
	// Ratio is the end-to-end time per clip over the decode-only time of
	// the same clips, with one worker.
	Ratio float64 `json:"ratio_end_to_end_over_decode_1_worker"`
	// RatioCPU is Ratio in CPU time (user and system) per clip, which
	// other processes on a busy machine do not inflate.
	RatioCPU float64 `json:"ratio_end_to_end_over_decode_cpu_time"`
	// PlainRatio and PlainRatioCPU are Ratio and RatioCPU for the plain
	// statistics alone (decode and features, no separation, no tempo,
	// no model).
	PlainRatio    float64 `json:"ratio_plain_statistics_over_decode_1_worker"`
	PlainRatioCPU float64 `json:"ratio_plain_statistics_over_decode_cpu_time"`
	// RatioAll is Ratio with all workers.
	RatioAll float64 `json:"ratio_end_to_end_over_decode_all_workers"`
	// Scaling is the end-to-end throughput with all workers over that
	// with one worker.
	Scaling float64 `json:"scaling_all_over_1_worker"`
	// LibrosaSpeedup is librosa's reference time for the audio genrec
	// analysed (LibrosaSecondsPerClip per 30 s of it) over genrec's
	// end-to-end time with one worker: per clip for 30-s clips, per
	// second of audio in general.
	LibrosaSpeedup float64 `json:"librosa_speedup_per_core"`
}

// Machine describes the machine and the process that measured.
type Machine struct {
	// CPU is the processor model.
	CPU string `json:"cpu"`
	// NumCPU is the number of logical CPUs the machine has.
	NumCPU int `json:"num_cpu"`
	// UsableCPUs is what genrec uses (cgroup quota aware).
	UsableCPUs int `json:"usable_cpus"`
	// GOMAXPROCS is the Go scheduler's parallelism.
	GOMAXPROCS int `json:"gomaxprocs"`
	// Go is the Go version.
	Go string `json:"go"`
	// Arch is GOOS/GOARCH.
	Arch string `json:"arch"`
	// LoadBefore and LoadAfter are the 1-minute load averages when the
	// measurement started and ended: above the number of CPUs, other
	// processes competed for them and wall times are inflated.
	LoadBefore float64 `json:"load_before"`
	LoadAfter  float64 `json:"load_after"`
}

// Phase is one run of the pipeline over all clips.
type Phase struct {
	// Name is "decode-only" (audio.Load: decode, mix, resample),
	// "plain-statistics" (decode and the plain statistics, see
	// features.Extractor.PlainOnly) or "end-to-end" (decode, both feature
	// sets, model).
	Name string `json:"name"`
	// Workers is the number of workers.
	Workers int `json:"workers"`
	// Clips is the number of clips; Analysed and Fallback split it.
	Clips    int `json:"clips"`
	Analysed int `json:"analysed"`
	Fallback int `json:"fallback"`
	// WallSeconds and CPUSeconds are the elapsed and CPU (user+system)
	// time of the phase.
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// AudioSeconds is the length of the audio decoded from the clips, at
	// most 30 s each (what the analysis reads).
	AudioSeconds float64 `json:"audio_seconds"`
	// ClipsPerSecond is Clips over WallSeconds.
	ClipsPerSecond float64 `json:"clips_per_second"`
	// AllocsPerClip and AllocMBPerClip are heap allocations (count and
	// MB) per clip, from runtime.MemStats.
	AllocsPerClip  float64 `json:"allocs_per_clip"`
	AllocMBPerClip float64 `json:"alloc_mb_per_clip"`
	// GCCycles is the number of garbage collections during the phase.
	GCCycles uint32 `json:"gc_cycles"`
	// PeakRSSMB is the peak resident set size during the phase (VmHWM
	// after resetting it), or 0 where Linux does not allow the reset.
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
}

// Target is one of the checks of issues 6 and 12.
type Target struct {
	// Name says what is checked.
	Name string `json:"name"`
	// Value is the measured value; Limit the bound it is checked against.
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	// Below is true when Value must not exceed Limit, false when it must
	// reach it.
	Below bool `json:"below"`
	// Met says whether the measurement meets the target.
	Met bool `json:"met"`
}

// Run measures the clips of cfg: the stage breakdown on one core, then
// decode-only and end-to-end runs with one worker and with all of them.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if len(cfg.Paths) == 0 {
		return nil, errors.New("bench: no clips")
	}
	if cfg.Model == nil {
		return nil, errors.New("bench: no model")
	}
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = pipeline.UsableCPUs()
	}
	nStage := cfg.StageClips
	if nStage <= 0 {
		nStage = 5
	}
	nStage = min(nStage, len(cfg.Paths))
	progress := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	r := &Report{
		Date: time.Now().Format(time.RFC3339),
		Machine: Machine{
			CPU: cpuModel(), NumCPU: runtime.NumCPU(), UsableCPUs: pipeline.UsableCPUs(),
			GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), Arch: runtime.GOOS + "/" + runtime.GOARCH,
			LoadBefore: loadAverage(),
		},
		Input: cfg.Input,
		Files: len(cfg.Paths),
	}
	paths := cfg.Paths
	r.Passes = 1
	for len(paths) < cfg.MinClips {
		paths = append(paths, cfg.Paths...)
		r.Passes++
	}
	r.Clips = len(paths)
	if err := warmCache(ctx, cfg.Paths); err != nil {
		return nil, err
	}
	w, err := pipeline.NewWorker(pipeline.Options{Model: cfg.Model})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	progress("bench: timing the stages on %d clips, one core", nStage)
	tmp := cfg.TempDir
	if tmp == "" {
		tmp = os.TempDir()
	}
	r.Stages, r.StageClips, r.StageSeconds, err = measureStages(ctx, cfg.Paths[:nStage], w, tmp)
	if err != nil {
		return nil, err
	}

	workers := []int{1}
	if jobs > 1 {
		workers = append(workers, jobs)
	}
	r.Rounds = max(cfg.Rounds, 1)
	rounds := make([][]Phase, r.Rounds)
	for round := range rounds {
		for _, n := range workers {
			names := []string{"decode-only", "end-to-end"}
			if n == 1 {
				names = []string{"decode-only", "plain-statistics", "end-to-end"}
			}
			for _, name := range names {
				opt := pipeline.Options{Jobs: n, Model: cfg.Model}
				switch name {
				case "decode-only":
					opt.DecodeOnly = true
				case "plain-statistics":
					opt.Model, opt.PlainOnly = nil, true
				case "end-to-end":
					opt.BothSets = true // both feature sets, as the combined model will read
				}
				progress("bench: round %d of %d: %s, %d worker(s), %d clips", round+1, r.Rounds, name, n, len(paths))
				ph, err := runPhase(ctx, name, paths, opt)
				if err != nil {
					return nil, err
				}
				rounds[round] = append(rounds[round], ph)
			}
		}
		r.RoundRatios = append(r.RoundRatios, ratiosOf(rounds[round], jobs))
	}
	r.Phases = medianPhases(rounds)
	r.Ratios = medianRatios(r.RoundRatios)
	r.PeakRSSMB = float64(maxRSS()) / 1e6
	r.Machine.LoadAfter = loadAverage()
	r.summarise(jobs)
	return r, nil
}

// warmCache reads every clip once so that the first phase does not pay
// for the disk.
func warmCache(ctx context.Context, paths []string) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			continue // the pipeline reports unreadable files itself
		}
		_, _ = io.Copy(io.Discard, f)
		f.Close()
	}
	return nil
}

// runPhase runs the pipeline over paths with opt and measures it.
func runPhase(ctx context.Context, name string, paths []string, opt pipeline.Options) (Phase, error) {
	debug.FreeOSMemory() // so that the phase's peak is its own
	reset := resetPeakRSS()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuTime(), time.Now()
	var samples int64
	st, err := pipeline.Run(ctx, paths, opt, func(res pipeline.Result) error {
		samples += int64(res.Samples)
		return nil
	})
	wall, cpu := time.Since(t0), cpuTime()-c0
	runtime.ReadMemStats(&m1)
	if err != nil {
		return Phase{}, fmt.Errorf("bench: %s with %d workers: %w", name, opt.Jobs, err)
	}
	n := float64(len(paths))
	ph := Phase{
		Name: name, Workers: opt.Jobs, Clips: len(paths), Analysed: st.Analysed, Fallback: st.Fallback,
		WallSeconds: wall.Seconds(), CPUSeconds: cpu.Seconds(),
		AudioSeconds:   float64(samples) / params.SampleRate,
		ClipsPerSecond: n / wall.Seconds(),
		AllocsPerClip:  float64(m1.Mallocs-m0.Mallocs) / n,
		AllocMBPerClip: float64(m1.TotalAlloc-m0.TotalAlloc) / 1e6 / n,
		GCCycles:       m1.NumGC - m0.NumGC,
	}
	if reset {
		ph.PeakRSSMB = float64(statusKiB("VmHWM")) / 1e6
	}
	return ph, nil
}

// phase returns the phase of the given name and workers, or nil.
func (r *Report) phase(name string, workers int) *Phase {
	return findPhase(r.Phases, name, workers)
}

// findPhase returns the phase of phases with the given name and workers,
// or nil.
func findPhase(phases []Phase, name string, workers int) *Phase {
	for i := range phases {
		if phases[i].Name == name && phases[i].Workers == workers {
			return &phases[i]
		}
	}
	return nil
}

// ratiosOf computes the ratios of one round of phases.
func ratiosOf(phases []Phase, jobs int) Ratios {
	var q Ratios
	find := func(name string, workers int) *Phase { return findPhase(phases, name, workers) }
	d1, e1 := find("decode-only", 1), find("end-to-end", 1)
	if d1 != nil && e1 != nil && e1.ClipsPerSecond > 0 {
		q.Ratio = d1.ClipsPerSecond / e1.ClipsPerSecond
		q.LibrosaSpeedup = LibrosaSecondsPerClip / clipSeconds * e1.AudioSeconds / e1.WallSeconds
		if d1.CPUSeconds > 0 {
			q.RatioCPU = e1.CPUSeconds / d1.CPUSeconds
		}
	}
	if p1 := find("plain-statistics", 1); d1 != nil && p1 != nil && p1.ClipsPerSecond > 0 {
		q.PlainRatio = d1.ClipsPerSecond / p1.ClipsPerSecond
		if d1.CPUSeconds > 0 {
			q.PlainRatioCPU = p1.CPUSeconds / d1.CPUSeconds
		}
	}
	dn, en := find("decode-only", jobs), find("end-to-end", jobs)
	if jobs > 1 && dn != nil && en != nil && en.ClipsPerSecond > 0 {
		q.RatioAll = dn.ClipsPerSecond / en.ClipsPerSecond
		if e1 != nil && e1.ClipsPerSecond > 0 {
			q.Scaling = en.ClipsPerSecond / e1.ClipsPerSecond
		}
	}
	return q
}

// median returns the median of x (the mean of the middle two for an even
// count), or 0 for none. It reorders x.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	slices.Sort(x)
	m := len(x) / 2
	if len(x)%2 == 1 {
		return x[m]
	}
	return 0.5 * (x[m-1] + x[m])
}

// medianRatios returns the field-by-field medians of rs.
func medianRatios(rs []Ratios) Ratios {
	field := func(get func(Ratios) float64) float64 {
		x := make([]float64, len(rs))
		for i, q := range rs {
			x[i] = get(q)
		}
		return median(x)
	}
	return Ratios{
		Ratio:          field(func(q Ratios) float64 { return q.Ratio }),
		RatioCPU:       field(func(q Ratios) float64 { return q.RatioCPU }),
		PlainRatio:     field(func(q Ratios) float64 { return q.PlainRatio }),
		PlainRatioCPU:  field(func(q Ratios) float64 { return q.PlainRatioCPU }),
		RatioAll:       field(func(q Ratios) float64 { return q.RatioAll }),
		Scaling:        field(func(q Ratios) float64 { return q.Scaling }),
		LibrosaSpeedup: field(func(q Ratios) float64 { return q.LibrosaSpeedup }),
	}
}

// medianPhases returns, for each phase of the rounds (the same list in
// every round), the round's run with the median rate (the lower middle one
// for an even number of rounds).
func medianPhases(rounds [][]Phase) []Phase {
	if len(rounds) == 0 {
		return nil
	}
	out := make([]Phase, len(rounds[0]))
	for i := range out {
		runs := make([]Phase, len(rounds))
		for k, ph := range rounds {
			runs[k] = ph[i]
		}
		slices.SortFunc(runs, func(a, b Phase) int { return cmp.Compare(a.ClipsPerSecond, b.ClipsPerSecond) })
		out[i] = runs[(len(runs)-1)/2]
	}
	return out
}

// summarise checks the targets.
func (r *Report) summarise(jobs int) {
	check := func(name string, v, limit float64, below bool) {
		met := v >= limit
		if below {
			met = v <= limit
		}
		r.Targets = append(r.Targets, Target{Name: name, Value: v, Limit: limit, Below: below, Met: met})
	}
	check("end-to-end / decode-only time per clip, 1 worker", r.Ratio, TargetRatio, true)
	check("the same in CPU time", r.RatioCPU, TargetRatio, true)
	check("plain statistics / decode-only time per clip, 1 worker", r.PlainRatio, TargetPlainRatio, true)
	check("the same in CPU time", r.PlainRatioCPU, TargetPlainRatio, true)
	check("librosa's time / end-to-end time for the same audio, 1 worker", r.LibrosaSpeedup, TargetLibrosaSpeedup, false)
	if jobs > 1 {
		check(fmt.Sprintf("throughput %d workers / 1 worker", jobs), r.Scaling, TargetScaling*float64(jobs), false)
	}
	check("peak RSS, MB", r.PeakRSSMB, TargetPeakRSSMB, true)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("bench: write JSON: %w", err)
	}
	return nil
}

// WriteText writes the report as a readable summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "genrec bench, %s\n", r.Date)
	fmt.Fprintf(&b, "machine: %s, %d CPUs (%d usable, GOMAXPROCS %d), %s %s\n", orUnknown(m.CPU), m.NumCPU, m.UsableCPUs, m.GOMAXPROCS, m.Go, m.Arch)
	fmt.Fprintf(&b, "load:    %.2f at the start, %.2f at the end (1-minute average; above %d, wall times are inflated)\n", m.LoadBefore, m.LoadAfter, m.NumCPU)
	if r.Passes > 1 {
		fmt.Fprintf(&b, "input:   %d clips, %s; each throughput phase makes %d passes (%d clips)\n\n", r.Files, r.Input, r.Passes, r.Clips)
	} else {
		fmt.Fprintf(&b, "input:   %d clips, %s\n\n", r.Clips, r.Input)
	}

	fmt.Fprintf(&b, "Per clip on one core, thread CPU time (mean of %d clips of %.1f s analysed at %d Hz):\n", r.StageClips, r.StageSeconds, params.SampleRate)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, s := range r.Stages {
		indent := "  "
		if s.Part != "" {
			indent = "      "
		}
		fmt.Fprintf(tw, "%s%s\t%.1f ms\t\n", indent, s.Name, s.Ms)
	}
	tw.Flush()

	if r.Rounds > 1 {
		fmt.Fprintf(&b, "\nThroughput over all %d clips, the median of %d interleaved rounds for each phase:\n", r.Clips, r.Rounds)
	} else {
		fmt.Fprintf(&b, "\nThroughput over all %d clips:\n", r.Clips)
	}
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  phase\tworkers\tclips/s\tms/clip\tCPU s\tallocs/clip\tMB alloc/clip\tGCs\tpeak RSS MB\tfallback\t")
	for _, p := range r.Phases {
		rss := "-"
		if p.PeakRSSMB > 0 {
			rss = fmt.Sprintf("%.0f", p.PeakRSSMB)
		}
		fmt.Fprintf(tw, "  %s\t%d\t%.2f\t%.0f\t%.1f\t%.0f\t%.1f\t%d\t%s\t%d\t\n", p.Name, p.Workers, p.ClipsPerSecond,
			1e3/p.ClipsPerSecond, p.CPUSeconds, p.AllocsPerClip, p.AllocMBPerClip, p.GCCycles, rss, p.Fallback)
	}
	tw.Flush()

	if r.Rounds > 1 {
		fmt.Fprintf(&b, "\nRatios of each round (the targets take their medians):\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  round\tend-to-end/decode\tCPU\tplain/decode\tCPU\tscaling\tvs librosa\t")
		for i, q := range r.RoundRatios {
			fmt.Fprintf(tw, "  %d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t\n", i+1, q.Ratio, q.RatioCPU, q.PlainRatio, q.PlainRatioCPU, q.Scaling, q.LibrosaSpeedup)
		}
		tw.Flush()
	}
	fmt.Fprintf(&b, "\nTargets (issues 6 and 12):\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, t := range r.Targets {
		op, verdict := "≥", "met"
		if t.Below {
			op = "≤"
		}
		if !t.Met {
			verdict = "NOT MET"
		}
		fmt.Fprintf(tw, "  %s\t%.2f\t%s %.2f\t%s\n", t.Name, t.Value, op, t.Limit, verdict)
	}
	tw.Flush()
	if r.RatioAll > 0 {
		fmt.Fprintf(&b, "  (end-to-end / decode-only with all workers: %.2f)\n", r.RatioAll)
	}
	fmt.Fprintf(&b, "\nlibrosa, the same 57 + 60 columns (quoted, not measured here): about %.2f s (%.2f + %.2f) per 30-s clip per core, decoding about %d ms;\n", LibrosaSecondsPerClip, LibrosaGTZANSecondsPerClip, LibrosaFMASecondsPerClip, LibrosaDecodeMs)
	if e1 := r.phase("end-to-end", 1); e1 != nil && e1.AudioSeconds > 0 {
		fmt.Fprintf(&b, "genrec end to end on one worker: %.0f ms per clip, %.0f ms per 30 s of audio: %.1f× faster per core.\n",
			1e3*e1.WallSeconds/float64(e1.Clips), 1e3*e1.WallSeconds/e1.AudioSeconds*clipSeconds, r.LibrosaSpeedup)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// orUnknown returns s, or "unknown CPU" when s is empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}
