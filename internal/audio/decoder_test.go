package audio

import (
	"slices"
	"testing"

	"github.com/genrec/genrec/internal/params"
)

// TestDecoderMatchesLoad decodes files of every format, rate and length
// one after another with one Decoder (so that its buffers are reused,
// grown and shrunk in use) and checks every result against Load's.
func TestDecoderMatchesLoad(t *testing.T) {
	paths := []string{
		mp3Clip30(t),
		mp3Tone440(t),
		lameFixture(t, "long75.mp3", 440, 44100, 2, 75, "-b", "128", "--cbr"),
		fixture(t, "long75-22k.wav", func(p string) error { return writeToneWAV(p, 440, 22050, 1, 75) }),
		fixture(t, "long75.wav", func(p string) error { return writeToneWAV(p, 440, 48000, 2, 75) }),
		flacFixture(t, "dec-tone.flac", 440, 44100, 2, 16, 3, false),
		vorbisFixture(t, "dec-tone.ogg", 440, 44100, 2, 3),
		mp3Clip30(t),
	}
	var d Decoder
	for _, max := range []int{params.MaxSamples, 0} {
		for _, p := range paths {
			want, err := Load(p, max)
			if err != nil {
				t.Fatalf("Load %s: %v", p, err)
			}
			got, err := d.Load(p, max)
			if err != nil {
				t.Fatalf("Decoder.Load %s: %v", p, err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s (max %d): Decoder gives %d samples differing from Load's %d", p, max, len(got), len(want))
			}
		}
	}
	if _, err := d.Load(paths[len(paths)-1]+".missing", 0); err == nil {
		t.Error("a missing file decoded without error")
	}
}

// TestDecoderReuses checks that decoding the same clip again reuses the
// Decoder's memory: the samples come back in the same buffer and the call
// allocates (almost) nothing.
func TestDecoderReuses(t *testing.T) {
	p := mp3Clip30(t)
	var d Decoder
	first, err := d.Load(p, params.MaxSamples)
	if err != nil {
		t.Fatal(err)
	}
	start := &first[0]
	bytes := testing.AllocsPerRun(3, func() {
		x, err := d.Load(p, params.MaxSamples)
		if err != nil {
			t.Fatal(err)
		}
		if &x[0] != start {
			t.Error("the samples moved to a new buffer")
		}
	})
	// The file handle and a few small values; no sample buffers.
	if bytes > 20 {
		t.Errorf("%v allocations per reused decode", bytes)
	}
}
