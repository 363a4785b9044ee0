package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/genrec/genrec/internal/bench"
	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/models"
)

// The end-to-end benchmarks run on synthetic 30-s, 44.1 kHz stereo,
// 128 kbps mp3 clips (internal/bench), encoded once per test binary:
//
//	go test -run '^$' -bench . -benchmem ./internal/pipeline
var (
	fixtureOnce  sync.Once
	fixtureDir   string
	fixturePaths []string
	fixtureErr   error
)

// benchClips is how many clips the fixture holds (4 encoded, the others
// copies), enough for every worker of a 2- to 8-core machine.
const benchClips = 16

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// clips returns the fixture's paths, skipping without lame.
func clips(b *testing.B) []string {
	b.Helper()
	fixtureOnce.Do(func() {
		if fixtureDir, fixtureErr = os.MkdirTemp("", "genrec-pipeline-bench-"); fixtureErr != nil {
			return
		}
		fixturePaths, fixtureErr = bench.Synthesise(context.Background(), fixtureDir, benchClips, 4, pipeline.UsableCPUs())
	})
	if errors.Is(fixtureErr, bench.ErrNoEncoder) {
		b.Skip(fixtureErr)
	}
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixturePaths
}

// shipped returns the shipped model.
func shipped(b *testing.B) *model.Model {
	b.Helper()
	m, err := model.Read(bytes.NewReader(models.Default))
	if err != nil {
		b.Fatalf("shipped model: %v", err)
	}
	return m
}

// benchmarkWorker times Worker.Process per clip with opt.
func benchmarkWorker(b *testing.B, opt pipeline.Options) {
	paths := clips(b)
	w, err := pipeline.NewWorker(opt)
	if err != nil {
		b.Fatal(err)
	}
	if r := w.Process(paths[0]); r.Err != nil { // grow the buffers
		b.Fatal(r.Err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.Process(paths[i%len(paths)]); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}

// BenchmarkProcess is the end-to-end path of one clip on one worker:
// decode, resample, the 57 features, the shipped model.
func BenchmarkProcess(b *testing.B) {
	benchmarkWorker(b, pipeline.Options{Model: shipped(b)})
}

// BenchmarkDecode is the decoding floor of the same clips: audio.Load
// (decode, mix to mono, resample to 22,050 Hz) alone.
func BenchmarkDecode(b *testing.B) {
	benchmarkWorker(b, pipeline.Options{DecodeOnly: true})
}

// BenchmarkRun runs the whole pipeline over the fixture with one worker
// and with all usable cores and reports clips per second.
func BenchmarkRun(b *testing.B) {
	m := shipped(b)
	for _, jobs := range []int{1, pipeline.UsableCPUs()} {
		b.Run(fmt.Sprintf("workers=%d", jobs), func(b *testing.B) {
			paths := clips(b)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st, err := pipeline.Run(context.Background(), paths, pipeline.Options{Jobs: jobs, Model: m},
					func(pipeline.Result) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				if st.Fallback != 0 {
					b.Fatalf("%d clips fell back", st.Fallback)
				}
			}
			b.ReportMetric(float64(len(paths)*b.N)/b.Elapsed().Seconds(), "clips/s")
		})
	}
}
