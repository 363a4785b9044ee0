package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/genrec/genrec/internal/testaudio"
)

// The synthetic clips: what a typical challenge clip looks like to the
// decoder.
const (
	// ClipSeconds is the length of a synthetic clip.
	ClipSeconds = 30
	// ClipRate is the sample rate, in Hz, of a synthetic clip.
	ClipRate = 44100
	// ClipChannels is the channel count of a synthetic clip.
	ClipChannels = 2
	// ClipKbps is the constant bit rate, in kbit/s, of a synthetic clip.
	ClipKbps = 128
)

// ErrNoEncoder reports that the mp3 encoder lame is not installed.
var ErrNoEncoder = errors.New("lame not found: install Debian's lame package (scripts/install-deps does), or give genrec bench a FOLDER of clips")

// Lame returns the path of the lame encoder, or an error wrapping
// ErrNoEncoder.
func Lame() (string, error) {
	p, err := exec.LookPath("lame")
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoEncoder, err)
	}
	return p, nil
}

// Clip returns the mono signal, at ClipRate, of synthetic clip number i:
// a sustained three-tone chord, a decaying low thump and a burst of noise
// on every beat, and a little steady noise. The chord's root and the tempo
// change with i, so that clips differ in pitch and rhythm.
func Clip(i int) []float64 {
	n := ClipSeconds * ClipRate
	root := 110 * math.Pow(2, float64(i%12)/12)
	bpm := 70 + float64((i*23)%90)
	x := testaudio.Signal(n, ClipRate, []float64{root, root * 5 / 4, root * 3 / 2}, 0)
	noise := testaudio.Signal(n, ClipRate, nil, 1)
	beat := 60 / bpm
	for k := range x {
		t := float64(k) / ClipRate
		since := math.Mod(t, beat) // seconds since the last beat
		env := math.Exp(-since * 18)
		thump := 0.35 * env * math.Sin(2*math.Pi*55*since)
		x[k] = 0.5*x[k] + thump + noise[k]*(0.25*env+0.02)
	}
	return x
}

// WriteClip encodes synthetic clip number i (on ClipChannels identical
// channels) as a ClipKbps mp3 at path with the lame at lamePath.
func WriteClip(ctx context.Context, lamePath, path string, i int) error {
	wav := testaudio.WAV(Clip(i), ClipRate, ClipChannels)
	cmd := exec.CommandContext(ctx, lamePath, "--quiet", "-b", fmt.Sprint(ClipKbps), "-", path)
	cmd.Stdin = bytes.NewReader(wav)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("encode clip %d with lame: %w: %s", i, err, bytes.TrimSpace(out))
	}
	return nil
}

// Synthesise writes n synthetic clips into dir, named clip-00000.mp3 and
// on, and returns their paths in name order. The first min(n, distinct)
// clips are encoded with lame, jobs at a time; the others are copies of
// them in turn (decoding cost does not depend on the content, and
// encoding 500 clips would take longer than analysing them).
func Synthesise(ctx context.Context, dir string, n, distinct, jobs int) ([]string, error) {
	if n < 1 {
		return nil, fmt.Errorf("synthesise: %d clips", n)
	}
	lamePath, err := Lame()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synthesise: %w", err)
	}
	distinct = max(1, min(distinct, n))
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("clip-%05d.mp3", i))
	}
	errs := make([]error, distinct)
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i := range distinct {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = WriteClip(ctx, lamePath, paths[i], i)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("synthesise: %w", err)
	}
	for i := distinct; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := copyFile(paths[i], paths[i%distinct]); err != nil {
			return nil, fmt.Errorf("synthesise: %w", err)
		}
	}
	return paths, nil
}

// copyFile copies the file src to dst.
func copyFile(dst, src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}
