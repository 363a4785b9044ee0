package audio

import (
	"errors"
	"fmt"
	"os"

	"github.com/genrec/genrec/internal/params"
)

// ErrUnsupported reports that a file is not audio FFmpeg can decode: a
// format its libavformat does not recognise, a container without an audio
// stream, or an audio stream without a decoder (or of an absurd rate or
// channel count). It is returned wrapped; test for it with errors.Is.
var ErrUnsupported = errors.New("unsupported audio format")

// ErrNoAudio reports that a file was recognised as audio but decoding it
// produced no samples at all. It is returned wrapped; test for it with
// errors.Is.
var ErrNoAudio = errors.New("no audio samples")

// Clip is the audio Decode returns and where it came from.
type Clip struct {
	// Samples is the mono signal at params.SampleRate.
	Samples []float32
	// Channels and SourceRate describe the decoded stream as opened.
	Channels   int
	SourceRate int
	// Duration is the length of the whole file in seconds, as the
	// container states or estimates it (0 when unknown).
	Duration float64
	// Start is where Samples begin in the file, in seconds (0 for First).
	Start float64
}

// stats describes what one decode did; tests use it to check that
// decoding stops early and seeks.
type stats struct {
	format       string // libavformat's demuxer name, e.g. "mp3", "wav"
	sourceRate   int    // sample rate of the decoded stream
	channels     int    // its channel count
	sourceFrames int    // sample frames given to the resampler
	bytesRead    int64  // bytes read from the file
	seeked       bool   // a Middle window was reached by seeking
	reinits      int    // resamplers rebuilt after a mid-stream format change
}

// Load decodes the file at path, mixes it to mono, resamples it to
// params.SampleRate and returns at most maxSamples samples from its start
// (maxSamples <= 0: the whole file). It is Decode with the First window
// and a limit in samples.
//
// The result is exactly what `ffmpeg -i path -f f32le -ac 1 -ar 22050`
// writes (or its first maxSamples samples): FFmpeg decodes the file and
// one libswresample context with default options converts it, so stereo
// becomes (L+R)/√2 and float sources are not clipped. The format is
// recognised from the content (and, as in FFmpeg, the name as a hint). A
// file FFmpeg cannot read gives an error wrapping ErrUnsupported; a file
// recognised as audio without any samples one wrapping ErrNoAudio. A
// truncated or partly corrupt file yields the samples decoded before and
// around the damage. Every error reads "decode <path>: <cause>".
func Load(path string, maxSamples int) ([]float32, error) {
	out, _, err := load(path, maxSamples, nil)
	return out, err
}

// Decode decodes the part of the file at path that opt chooses, as Load
// does, and says where it came from. With opt.Window == Middle and a file
// longer than params.MiddleMinSeconds, it seeks to the window's start
// instead of decoding everything before it.
func Decode(path string, opt Options) (Clip, error) {
	c, _, err := decode(path, opt.samples(), opt.Window, nil)
	return c, err
}

// Decoder decodes files exactly as Load and Decode do but keeps its
// sample buffer from call to call, so that decoding clip after clip of
// similar length allocates no sample memory once it has grown (FFmpeg's
// own objects are made and freed in C for every file). Its zero value is
// ready to use. A Decoder must not be used by two goroutines at once.
type Decoder struct {
	out []float32 // the converted signal
}

// Load is the package's Load with d's buffer: the samples it returns are
// only valid until the next call on d, which overwrites them.
func (d *Decoder) Load(path string, maxSamples int) ([]float32, error) {
	out, _, err := load(path, maxSamples, d)
	return out, err
}

// Decode is the package's Decode with d's buffer: the samples it returns
// are only valid until the next call on d, which overwrites them.
func (d *Decoder) Decode(path string, opt Options) (Clip, error) {
	c, _, err := decode(path, opt.samples(), opt.Window, d)
	return c, err
}

// load is Load plus a report of what was decoded; d, when not nil,
// provides the buffer.
func load(path string, maxSamples int, d *Decoder) ([]float32, stats, error) {
	c, st, err := decode(path, max(maxSamples, 0), First, d)
	return c.Samples, st, err
}

// decode returns want samples (0: all) of the window w of the file at
// path, in d's buffer when d is not nil.
func decode(path string, want int, w Window, d *Decoder) (c Clip, st stats, err error) {
	defer func() {
		if r := recover(); r != nil {
			c = Clip{}
			err = fmt.Errorf("decode %s: internal error: %v", path, r)
		}
	}()
	var buf []float32
	if d != nil {
		buf = d.out[:0]
	}
	c, st, err = decodeFile(path, want, w, buf)
	if d != nil && cap(c.Samples) > cap(d.out) {
		d.out = c.Samples[:0] // the signal outgrew the buffer: keep the larger one
	}
	if err == nil && len(c.Samples) == 0 {
		err = ErrNoAudio
	}
	if err != nil {
		return Clip{}, st, fmt.Errorf("decode %s: %w", path, err)
	}
	if want > 0 && len(c.Samples) > want {
		c.Samples = c.Samples[:want:want]
	}
	finite(c.Samples)
	return c, st, nil
}

// decodeFile opens path and converts the window of want samples into buf.
func decodeFile(path string, want int, w Window, buf []float32) (Clip, stats, error) {
	var st stats
	fi, err := os.Stat(path)
	if err != nil {
		return Clip{}, st, err
	}
	if !fi.Mode().IsRegular() {
		// Directories cannot be read and FIFOs or devices could block forever.
		return Clip{}, st, fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	}
	if fi.Size() == 0 {
		return Clip{}, st, fmt.Errorf("empty file: %w", ErrUnsupported)
	}
	f, err := os.Open(path)
	if err != nil {
		return Clip{}, st, err
	}
	defer f.Close()
	cd, err := openC(f, path)
	if err != nil {
		return Clip{}, st, err
	}
	defer cd.close()
	c := Clip{Channels: cd.channels(), SourceRate: cd.rate(), Duration: cd.duration()}
	st.format, st.sourceRate, st.channels = cd.formatName(), c.SourceRate, c.Channels

	drop := 0
	if p, ok := planWindow(w, want, c.Duration, c.SourceRate); ok {
		st.seeked = cd.seek(p.srcFrom)
		drop = p.drop
		c.Start = float64(p.start) / params.SampleRate
	}
	if n := initialCap(want, c.Duration); cap(buf) < n {
		buf = make([]float32, 0, n)
	}
	out, err := cd.run(buf[:0], want, drop)
	st.sourceFrames, st.bytesRead, st.reinits = cd.counters()
	c.Samples = out
	return c, st, err
}

// finite replaces NaN and infinite samples, which only float sources with
// absurd values produce (the CLI would pass them on), by 0: the analysis
// must never see them.
func finite(x []float32) {
	for i, v := range x {
		if v-v != 0 {
			x[i] = 0
		}
	}
}

// minRoom is the least free space, in samples, offered to the C decoder
// per call; it asks for more when a frame needs it.
const minRoom = 16 << 10

// initialCap is the capacity to give a new output buffer: want samples
// plus room for one frame, or less when the container says the file is
// shorter (a file of unknown length starts small and grows).
func initialCap(want int, dur float64) int {
	n := want
	if est := int(min(dur, 1e6)*params.SampleRate) + 1024; dur > 0 && (want <= 0 || est < want) {
		n = est
	}
	return max(n, 0) + minRoom
}
