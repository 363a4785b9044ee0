package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/testaudio"
	"github.com/genrec/genrec/models"
)

// raceInputs returns a folder's worth of paths: short clips at several
// rates, interleaved with files that cannot be analysed.
func raceInputs(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range 12 {
		p := filepath.Join(dir, fmt.Sprintf("%02d.mp3", i))
		switch i % 3 {
		case 0, 1:
			rate := []int{44100, 22050, 16000}[i%3+i/6]
			x := testaudio.Signal(rate, rate, []float64{220 * float64(1+i%4), 330}, 0.05)
			testaudio.WriteMP3(t, p, x, rate, 1+i%2, "-b", "64")
		default:
			if err := os.WriteFile(p, []byte("not audio"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		paths = append(paths, p)
	}
	return paths
}

// TestRunRace runs the pool with several workers (run it with -race; `make
// race` does) and checks that every path is emitted once, in input order,
// with the same result as a single worker gives.
func TestRunRace(t *testing.T) {
	m, err := model.Read(bytes.NewReader(models.Default))
	if err != nil {
		t.Fatal(err)
	}
	paths := raceInputs(t)
	collect := func(jobs int) ([]Result, Stats) {
		t.Helper()
		var got []Result
		st, err := Run(context.Background(), paths, Options{Jobs: jobs, Model: m}, func(r Result) error {
			got = append(got, r)
			return nil
		})
		if err != nil {
			t.Fatalf("jobs %d: %v", jobs, err)
		}
		return got, st
	}
	one, st1 := collect(1)
	for _, jobs := range []int{3, 8} {
		many, st := collect(jobs)
		if st != st1 {
			t.Errorf("jobs %d: stats %+v, one worker: %+v", jobs, st, st1)
		}
		if len(many) != len(paths) {
			t.Fatalf("jobs %d: %d results for %d paths", jobs, len(many), len(paths))
		}
		for i, r := range many {
			if r.Path != paths[i] {
				t.Fatalf("jobs %d: result %d is %s, want %s (order)", jobs, i, r.Path, paths[i])
			}
			if (r.Err == nil) != (one[i].Err == nil) || !slices.Equal(r.Probs, one[i].Probs) {
				t.Errorf("jobs %d: %s differs from the one-worker result (err %v vs %v)", jobs, filepath.Base(r.Path), r.Err, one[i].Err)
			}
		}
	}
	if st1.Analysed+st1.Fallback != len(paths) || st1.Fallback < len(paths)/3 {
		t.Errorf("stats %+v for %d paths, a third of them not audio", st1, len(paths))
	}
}
