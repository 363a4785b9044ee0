package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/genrec/genrec/internal/params"
)

// ErrUnsupported reports that a file is not in an audio format this package
// recognises: not a WAV, FLAC or Ogg Vorbis file and no MPEG audio frame
// in it (or a known container this package does not decode, such as MP4).
// It is returned wrapped; test for it with errors.Is.
var ErrUnsupported = errors.New("unsupported audio format")

// ErrNoAudio reports that a file was recognised as audio but decoding it
// produced no samples at all. It is returned wrapped; test for it with
// errors.Is.
var ErrNoAudio = errors.New("no audio samples")

// stats describes what one call to load did; tests use it to check that
// decoding stops early.
type stats struct {
	format       string // "wav", "mpeg", "flac", "ogg-flac" or "vorbis"
	sourceRate   int    // sample rate of the decoded file
	channels     int    // channel count of the decoded file
	sourceFrames int    // sample frames decoded from the file
	budget       int    // source frames the budget allowed (<= 0: no limit)
	bytesRead    int64  // bytes the MPEG, FLAC or Vorbis decoder read from the file
}

// Load decodes the file at path, mixes it to mono (mean of channels), resamples it to
// params.SampleRate and returns at most maxSamples samples (maxSamples <= 0: no limit), float32 in [-1,1).
//
// Integer sources (WAV, FLAC) always give values in [-1,1); float WAV data
// and decoded MPEG and Vorbis audio are passed on unclipped, exactly as
// librosa does, so rare overshoots slightly beyond ±1 are possible.
//
// The format is recognised from the content: RIFF/WAVE is read in pure Go,
// FLAC (native, behind an ID3v2 tag, or in Ogg) by libFLAC, Ogg Vorbis by
// libvorbisfile, anything else is decoded as MPEG audio by libmpg123. A
// file in none of these formats gives an error wrapping ErrUnsupported; a recognised file without
// any samples gives an error wrapping ErrNoAudio. A truncated or partly
// corrupt file yields the samples decoded before the damage. Every other
// failure is returned as "decode <path>: <cause>".
func Load(path string, maxSamples int) ([]float32, error) {
	out, _, err := load(path, maxSamples, nil)
	return out, err
}

// Decoder decodes files exactly as Load does but keeps its sample buffers
// (the mono mix at the source rate, the resampled signal and the read
// buffer) from call to call, so that decoding clip after clip of similar
// length allocates nothing once they have grown. Its zero value is ready
// to use. A Decoder must not be used by two goroutines at once.
type Decoder struct {
	mono []float32 // the mono mix at the source rate
	out  []float32 // the resampled signal
	read []float32 // one read of interleaved samples from a C decoder
}

// Load is the package's Load with d's buffers: the samples it returns are
// only valid until the next call of Load on d, which overwrites them.
func (d *Decoder) Load(path string, maxSamples int) ([]float32, error) {
	out, _, err := load(path, maxSamples, d)
	return out, err
}

// monoBuf returns an empty slice with room for at least n mono samples:
// d's buffer when d is not nil (grown if needed), else a new one.
func (d *Decoder) monoBuf(n int) []float32 {
	if d == nil {
		if n == 0 {
			return nil
		}
		return make([]float32, 0, n)
	}
	if cap(d.mono) < n {
		d.mono = make([]float32, 0, n)
	}
	return d.mono[:0]
}

// readBuf returns a slice of n samples for reading from a C decoder: d's
// buffer when d is not nil (grown if needed), else a new one.
func (d *Decoder) readBuf(n int) []float32 {
	if d == nil {
		return make([]float32, n)
	}
	if cap(d.read) < n {
		d.read = make([]float32, n)
	}
	return d.read[:n]
}

// load is Load plus a report of what was decoded; d, when not nil,
// provides the buffers.
func load(path string, maxSamples int, d *Decoder) (out []float32, st stats, err error) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
			err = fmt.Errorf("decode %s: internal error: %v", path, r)
		}
	}()
	if maxSamples < 0 {
		maxSamples = 0
	}
	mono, st, err := decodeFile(path, maxSamples, d)
	if d != nil && cap(mono) > cap(d.mono) {
		d.mono = mono[:0] // the mix outgrew the buffer: keep the larger one
	}
	if err != nil {
		return nil, st, fmt.Errorf("decode %s: %w", path, err)
	}
	if len(mono) == 0 {
		return nil, st, fmt.Errorf("decode %s: %w", path, ErrNoAudio)
	}
	out = mono
	if st.sourceRate != params.SampleRate {
		var dst []float32
		if d != nil {
			dst = d.out
		}
		out, err = resample(dst, mono, st.sourceRate, params.SampleRate)
		if d != nil && cap(out) > cap(d.out) {
			d.out = out[:0]
		}
		if err != nil {
			return nil, st, fmt.Errorf("decode %s: %w", path, err)
		}
	}
	if maxSamples > 0 && len(out) > maxSamples {
		out = out[:maxSamples:maxSamples]
	}
	if len(out) == 0 {
		return nil, st, fmt.Errorf("decode %s: %w", path, ErrNoAudio)
	}
	return out, st, nil
}

// decodeFile opens path, sniffs its format and returns its mono samples at
// the file's own rate, limited by the budget derived from maxSamples.
func decodeFile(path string, maxSamples int, d *Decoder) ([]float32, stats, error) {
	var st stats
	fi, err := os.Stat(path)
	if err != nil {
		return nil, st, err
	}
	if !fi.Mode().IsRegular() {
		// Directories cannot be read and FIFOs or devices could block forever.
		return nil, st, fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	}
	if fi.Size() == 0 {
		return nil, st, fmt.Errorf("empty file: %w", ErrUnsupported)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, st, err
	}
	defer f.Close()

	var head [sniffLen]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, st, err
	}
	kind := sniff(head[:n])
	if kind == "" && id3FLAC(f, head[:n]) {
		kind = "flac"
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, st, err
	}
	switch kind {
	case "":
		return decodeMPEG(f, maxSamples, d)
	case "wav":
		return decodeWAV(f, maxSamples, d)
	case "flac":
		return decodeFLAC(f, maxSamples, false, d)
	case "ogg-flac":
		return decodeFLAC(f, maxSamples, true, d)
	case "vorbis":
		return decodeVorbis(f, maxSamples, d)
	}
	return nil, st, fmt.Errorf("%s file: %w", kind, ErrUnsupported)
}

// sniffLen is how many leading bytes sniff looks at: enough for an Ogg
// page header with a full segment table and the start of its first packet.
const sniffLen = 27 + 255 + 16

// sniff names the container format recognised from the first bytes of a
// file: "wav" for RIFF/WAVE, "flac" for native FLAC, "vorbis" or
// "ogg-flac" for an Ogg stream whose first packet is a Vorbis or FLAC
// header, the name of a known format that this package cannot decode, or
// "" to let the MPEG decoder try.
func sniff(h []byte) string {
	switch {
	case len(h) >= 12 && string(h[0:4]) == "RIFF" && string(h[8:12]) == "WAVE":
		return "wav"
	case len(h) >= 4 && string(h[0:4]) == "RIFF":
		return "non-WAVE RIFF"
	case len(h) >= 4 && (string(h[0:4]) == "RF64" || string(h[0:4]) == "BW64"):
		return "RF64"
	case len(h) >= 4 && string(h[0:4]) == "RIFX":
		return "big-endian RIFX"
	case len(h) >= 4 && string(h[0:4]) == "fLaC":
		return "flac"
	case len(h) >= 4 && string(h[0:4]) == "OggS":
		return sniffOgg(h)
	case len(h) >= 4 && string(h[0:4]) == "FORM":
		return "AIFF/IFF"
	case len(h) >= 8 && string(h[4:8]) == "ftyp":
		return "MP4/M4A"
	case len(h) >= 4 && bytes.Equal(h[0:4], []byte{0x1a, 0x45, 0xdf, 0xa3}):
		return "Matroska/WebM"
	}
	return ""
}

// sniffOgg names the codec of an Ogg stream from the first packet of its
// first page (the codec's identification header).
func sniffOgg(h []byte) string {
	if len(h) < 27 {
		return "Ogg"
	}
	start := 27 + int(h[26]) // page header, then the segment table
	if start > len(h) {
		return "Ogg"
	}
	p := h[start:]
	switch {
	case bytes.HasPrefix(p, []byte("\x01vorbis")):
		return "vorbis"
	case bytes.HasPrefix(p, []byte("\x7fFLAC")):
		return "ogg-flac"
	case bytes.HasPrefix(p, []byte("OpusHead")):
		return "Ogg Opus"
	case bytes.HasPrefix(p, []byte("Speex   ")):
		return "Ogg Speex"
	}
	return "Ogg"
}

// id3FLAC reports whether the file whose first bytes are h starts with an
// ID3v2 tag followed by a native FLAC stream, as some taggers write them.
func id3FLAC(f *os.File, h []byte) bool {
	if len(h) < 10 || string(h[0:3]) != "ID3" {
		return false
	}
	size := int64(0)
	for _, b := range h[6:10] {
		if b&0x80 != 0 {
			return false // not a syncsafe size
		}
		size = size<<7 | int64(b)
	}
	off := 10 + size
	if h[5]&0x10 != 0 { // footer present
		off += 10
	}
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], off); err != nil {
		return false
	}
	return string(magic[:]) == "fLaC"
}

// sourceBudget is the number of source frames at rate that must be decoded
// to produce maxSamples output samples at params.SampleRate, including a
// margin that covers the resampling filter's look-ahead. It returns 0 (no
// limit) when maxSamples is 0.
func sourceBudget(maxSamples, rate int) int {
	if maxSamples <= 0 || rate <= 0 {
		return 0
	}
	if rate == params.SampleRate {
		return maxSamples
	}
	need := (int64(maxSamples)*int64(rate) + params.SampleRate - 1) / params.SampleRate
	// SOXR_HQ's filter reaches a few hundred input samples ahead; 50 ms of
	// source plus 1024 frames leaves a wide safety margin for any ratio.
	margin := int64(rate)/20 + 1024
	return int(need + margin)
}

// mixer accumulates interleaved multichannel float32 frames into a mono
// signal, computing the mean of the channels the way numpy does
// (sum in float32 channel by channel, then divide by the count).
type mixer struct {
	channels int
	mono     []float32
}

// addInterleaved mixes whole frames of interleaved samples and returns the
// number of frames added.
func (m *mixer) addInterleaved(x []float32) int {
	c := m.channels
	frames := len(x) / c
	switch c {
	case 1:
		m.mono = append(m.mono, x[:frames]...)
	case 2:
		for i := 0; i < frames; i++ {
			m.mono = append(m.mono, (x[2*i]+x[2*i+1])/2)
		}
	default:
		n := float32(c)
		for i := 0; i < frames; i++ {
			fr := x[i*c : i*c+c]
			s := fr[0]
			for _, v := range fr[1:] {
				s += v
			}
			m.mono = append(m.mono, s/n)
		}
	}
	return frames
}
