package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// WAV format tags understood by the reader.
const (
	wavFormatPCM        = 0x0001
	wavFormatIEEEFloat  = 0x0003
	wavFormatExtensible = 0xFFFE
)

// wavFormat is the decoded "fmt " chunk of a WAV file.
type wavFormat struct {
	tag        uint16 // wavFormatPCM or wavFormatIEEEFloat after resolving EXTENSIBLE
	channels   int
	rate       int
	blockAlign int // bytes per frame
	sampleSize int // bytes per sample in the container
}

// maxWAVChannels bounds the channel count accepted from a header so that a
// corrupt header cannot make the reader allocate absurd frame buffers.
const maxWAVChannels = 1024

// minWAVRate and maxWAVRate bound the sample rate accepted from a header.
// Outside them a header is not audio genrec can analyse, and the bounds keep
// a hostile header from costing unbounded work: at 1 Hz the resampler's
// look-ahead margin alone upsamples to 2·10^7 samples, and at 10 MHz the 30 s
// budget is 3·10^8 source frames.
const (
	minWAVRate = 1000
	maxWAVRate = 768000
)

// decodeWAV reads a RIFF/WAVE file from f (positioned at its start) and
// returns its mono mix at the file's rate, reading no more than the frames
// the budget derived from maxSamples allows.
func decodeWAV(f *os.File, maxSamples int, d *Decoder) ([]float32, stats, error) {
	st := stats{format: "wav"}
	var size int64 = -1
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	var hdr [12]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return nil, st, fmt.Errorf("wav header: %w", ErrUnsupported)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return nil, st, fmt.Errorf("not a RIFF/WAVE file: %w", ErrUnsupported)
	}
	pos := int64(12)
	var fm *wavFormat
	for {
		var ch [8]byte
		if _, err := io.ReadFull(f, ch[:]); err != nil {
			if fm == nil {
				return nil, st, fmt.Errorf("wav: no fmt chunk: %w", ErrUnsupported)
			}
			return nil, st, fmt.Errorf("wav: no data chunk: %w", ErrNoAudio)
		}
		pos += 8
		id := string(ch[0:4])
		csize := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if csize < 16 || csize > 1<<16 {
				return nil, st, fmt.Errorf("wav: bad fmt chunk size %d: %w", csize, ErrUnsupported)
			}
			buf := make([]byte, csize)
			if _, err := io.ReadFull(f, buf); err != nil {
				return nil, st, fmt.Errorf("wav: truncated fmt chunk: %w", ErrUnsupported)
			}
			parsed, err := parseWAVFormat(buf)
			if err != nil {
				return nil, st, err
			}
			fm = parsed
			st.sourceRate, st.channels = fm.rate, fm.channels
			pos += csize
			if csize%2 == 1 {
				if _, err := f.Seek(1, io.SeekCurrent); err != nil {
					return nil, st, err
				}
				pos++
			}
		case "data":
			if fm == nil {
				return nil, st, fmt.Errorf("wav: data chunk before fmt chunk: %w", ErrUnsupported)
			}
			// Streaming writers leave the size at 0 or 0xFFFFFFFF; truncated
			// files announce more than they hold. Trust the file length.
			if size >= 0 && (csize == 0 || csize == 0xFFFFFFFF || pos+csize > size) {
				csize = size - pos
			}
			st.budget = sourceBudget(maxSamples, fm.rate)
			mono, frames, err := readWAVData(f, fm, csize, st.budget, d)
			st.sourceFrames = frames
			if err != nil {
				return nil, st, err
			}
			return mono, st, nil
		default:
			skip := csize + csize%2
			if size >= 0 && pos+skip > size {
				if fm == nil {
					return nil, st, fmt.Errorf("wav: no fmt chunk: %w", ErrUnsupported)
				}
				return nil, st, fmt.Errorf("wav: no data chunk: %w", ErrNoAudio)
			}
			if _, err := f.Seek(skip, io.SeekCurrent); err != nil {
				return nil, st, err
			}
			pos += skip
		}
	}
}

// parseWAVFormat decodes and validates the body of a "fmt " chunk.
func parseWAVFormat(b []byte) (*wavFormat, error) {
	le := binary.LittleEndian
	fm := &wavFormat{
		tag:        le.Uint16(b[0:2]),
		channels:   int(le.Uint16(b[2:4])),
		rate:       int(le.Uint32(b[4:8])),
		blockAlign: int(le.Uint16(b[12:14])),
	}
	bits := int(le.Uint16(b[14:16]))
	if fm.tag == wavFormatExtensible {
		if len(b) < 40 {
			return nil, fmt.Errorf("wav: short WAVE_FORMAT_EXTENSIBLE header: %w", ErrUnsupported)
		}
		// The sub-format GUID starts with the ordinary format tag.
		fm.tag = le.Uint16(b[24:26])
	}
	if fm.channels < 1 || fm.channels > maxWAVChannels {
		return nil, fmt.Errorf("wav: bad channel count %d: %w", fm.channels, ErrUnsupported)
	}
	if fm.rate < minWAVRate || fm.rate > maxWAVRate {
		return nil, fmt.Errorf("wav: bad sample rate %d: %w", fm.rate, ErrUnsupported)
	}
	// The container size comes from the block alignment when it is
	// consistent, from the bit depth otherwise.
	fm.sampleSize = (bits + 7) / 8
	if fm.blockAlign > 0 && fm.blockAlign%fm.channels == 0 {
		fm.sampleSize = fm.blockAlign / fm.channels
	}
	fm.blockAlign = fm.sampleSize * fm.channels
	switch fm.tag {
	case wavFormatPCM:
		if fm.sampleSize < 1 || fm.sampleSize > 4 {
			return nil, fmt.Errorf("wav: unsupported PCM sample size %d bytes: %w", fm.sampleSize, ErrUnsupported)
		}
	case wavFormatIEEEFloat:
		if fm.sampleSize != 4 && fm.sampleSize != 8 {
			return nil, fmt.Errorf("wav: unsupported float sample size %d bytes: %w", fm.sampleSize, ErrUnsupported)
		}
	default:
		return nil, fmt.Errorf("wav: unsupported format tag %#04x: %w", fm.tag, ErrUnsupported)
	}
	return fm, nil
}

// readWAVData reads up to dataSize bytes of sample frames (at most budget
// frames when budget > 0) and returns their mono mix and the number of
// frames read. A short read ends the signal at the last complete frame.
func readWAVData(r io.Reader, fm *wavFormat, dataSize int64, budget int, d *Decoder) ([]float32, int, error) {
	totalFrames := dataSize / int64(fm.blockAlign)
	if budget > 0 && int64(budget) < totalFrames {
		totalFrames = int64(budget)
	}
	if totalFrames <= 0 {
		return nil, 0, nil
	}
	const chunkBytes = 1 << 16
	framesPerChunk := chunkBytes / fm.blockAlign
	if framesPerChunk < 1 {
		framesPerChunk = 1
	}
	raw := make([]byte, framesPerChunk*fm.blockAlign)
	inter := make([]float32, framesPerChunk*fm.channels)
	mx := mixer{channels: fm.channels, mono: d.monoBuf(int(min(totalFrames, 1<<24)))}
	var done int64
	for done < totalFrames {
		want := min(int64(framesPerChunk), totalFrames-done)
		n, err := io.ReadFull(r, raw[:want*int64(fm.blockAlign)])
		got := n / fm.blockAlign
		if got > 0 {
			convertWAV(inter[:got*fm.channels], raw[:got*fm.blockAlign], fm)
			mx.addInterleaved(inter[:got*fm.channels])
			done += int64(got)
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break // truncated file: keep what was read
			}
			if done > 0 {
				break
			}
			return nil, 0, err
		}
	}
	return mx.mono, int(done), nil
}

// convertWAV converts little-endian samples in raw to float32 in dst with
// libsndfile's normalisation: integers are divided by 2^(bits-1) of their
// container (8-bit data is unsigned with offset 128), floats are narrowed
// to float32 and non-finite values replaced by zero.
func convertWAV(dst []float32, raw []byte, fm *wavFormat) {
	le := binary.LittleEndian
	switch {
	case fm.tag == wavFormatPCM && fm.sampleSize == 1:
		for i := range dst {
			dst[i] = float32(int(raw[i])-128) / 128
		}
	case fm.tag == wavFormatPCM && fm.sampleSize == 2:
		for i := range dst {
			dst[i] = float32(int16(le.Uint16(raw[2*i:]))) / 32768
		}
	case fm.tag == wavFormatPCM && fm.sampleSize == 3:
		for i := range dst {
			b := raw[3*i : 3*i+3]
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			dst[i] = float32(v) / (1 << 23)
		}
	case fm.tag == wavFormatPCM && fm.sampleSize == 4:
		for i := range dst {
			dst[i] = float32(int32(le.Uint32(raw[4*i:]))) / (1 << 31)
		}
	case fm.tag == wavFormatIEEEFloat && fm.sampleSize == 4:
		for i := range dst {
			dst[i] = finite32(float64(math.Float32frombits(le.Uint32(raw[4*i:]))))
		}
	case fm.tag == wavFormatIEEEFloat && fm.sampleSize == 8:
		for i := range dst {
			dst[i] = finite32(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	}
}

// maxFloatSample bounds the magnitude of a float WAV sample taken as audio.
// Real float audio stays near ±1; huge finite values (found by FuzzLoad:
// 3e38) overflow to infinity when channels are mixed or in the resampler's
// filter, whose output is then NaN.
const maxFloatSample = 1 << 20

// finite32 narrows v to float32, mapping NaN, infinities and magnitudes
// above maxFloatSample onto zero so that corrupt data cannot poison later
// arithmetic.
func finite32(v float64) float32 {
	if !(math.Abs(v) <= maxFloatSample) {
		return 0
	}
	return float32(v)
}
