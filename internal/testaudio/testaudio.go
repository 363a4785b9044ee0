// Package testaudio synthesises audio fixtures for tests: WAV files of
// tones, chords and noise written in Go, and mp3 files encoded from them by
// Debian's lame. Tests that need an encoder skip when it is missing.
package testaudio

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
)

// Signal returns n samples at rate of a test signal: the sum of sines at
// freqs (amplitude 0.5 shared among them) plus white noise of the given
// amplitude, from a fixed seed.
func Signal(n, rate int, freqs []float64, noise float64) []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n)
	for i := range x {
		t := float64(i) / float64(rate)
		for _, f := range freqs {
			x[i] += 0.5 / float64(len(freqs)) * math.Sin(2*math.Pi*f*t)
		}
		x[i] += noise * (2*r.Float64() - 1)
	}
	return x
}

// WAV returns a 16-bit PCM WAV file holding x on every one of channels.
func WAV(x []float64, rate, channels int) []byte {
	data := make([]byte, 0, 44+2*len(x)*channels)
	le := binary.LittleEndian
	data = append(data, "RIFF"...)
	data = le.AppendUint32(data, uint32(36+2*len(x)*channels))
	data = append(data, "WAVEfmt "...)
	data = le.AppendUint32(data, 16)
	data = le.AppendUint16(data, 1)
	data = le.AppendUint16(data, uint16(channels))
	data = le.AppendUint32(data, uint32(rate))
	data = le.AppendUint32(data, uint32(rate*channels*2))
	data = le.AppendUint16(data, uint16(channels*2))
	data = le.AppendUint16(data, 16)
	data = append(data, "data"...)
	data = le.AppendUint32(data, uint32(2*len(x)*channels))
	for _, v := range x {
		s := int16(math.Max(-32768, math.Min(32767, math.Round(v*32767))))
		for range channels {
			data = le.AppendUint16(data, uint16(s))
		}
	}
	return data
}

// WriteMP3 encodes x (at rate, on channels) to an mp3 file at path with
// lame and the given extra lame arguments (e.g. "-b", "64"). The test is
// skipped when lame is not installed.
func WriteMP3(t testing.TB, path string, x []float64, rate, channels int, lameArgs ...string) {
	t.Helper()
	lame, err := exec.LookPath("lame")
	if err != nil {
		t.Skip("lame not installed (Debian package lame; scripts/install-deps installs it)")
	}
	wav := path + ".wav"
	if err := os.WriteFile(wav, WAV(x, rate, channels), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(wav)
	args := append([]string{"--quiet"}, lameArgs...)
	args = append(args, wav, path)
	if out, err := exec.Command(lame, args...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, out)
	}
}
