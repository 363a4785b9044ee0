package audio

/*
#cgo pkg-config: libavformat libavcodec libswresample libavutil
#include <stdlib.h>
#include "genrec_ffmpeg.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"github.com/genrec/genrec/internal/params"
)

const (
	// maxRoom bounds the room one conversion may ask for: no frame of a
	// supported rate comes close (8 kHz → 22,050 Hz of a 65,535-sample
	// FLAC block is about 181,000 samples).
	maxRoom = 1 << 22

	// minRate and maxRate bound the source sample rates accepted, in Hz;
	// streams outside them are reported as ErrUnsupported (a 1-Hz header
	// would otherwise cost unbounded resampling work).
	minRate = C.GENREC_MIN_RATE
	maxRate = C.GENREC_MAX_RATE
)

var quietOnce sync.Once

// cDecoder is one open file in the C decoder.
type cDecoder struct {
	c *C.genrec_dec
	f *os.File
}

// openC opens the file f (named path) with libavformat and prepares the
// decoder of its best audio stream. Errors wrap ErrUnsupported when FFmpeg
// cannot read the format or finds no decodable audio stream.
func openC(f *os.File, path string) (*cDecoder, error) {
	quietOnce.Do(func() { C.genrec_quiet() })
	c := (*C.genrec_dec)(C.calloc(1, C.size_t(unsafe.Sizeof(C.genrec_dec{}))))
	if c == nil {
		return nil, fmt.Errorf("out of memory")
	}
	c.fd = C.int(f.Fd())
	c.out_rate = C.int(params.SampleRate)
	name := C.CString(path)
	rc := C.genrec_open(c, name)
	C.free(unsafe.Pointer(name))
	runtime.KeepAlive(f)
	if rc != 0 {
		msg := C.GoString(&c.err[0])
		C.genrec_close(c)
		C.free(unsafe.Pointer(c))
		if msg == "" {
			msg = fmt.Sprintf("error %d", int(rc))
		}
		if rc == C.GENREC_UNSUPPORTED {
			return nil, fmt.Errorf("%s: %w", msg, ErrUnsupported)
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return &cDecoder{c: c, f: f}, nil
}

// close frees every C object of d.
func (d *cDecoder) close() {
	C.genrec_close(d.c)
	C.free(unsafe.Pointer(d.c))
	d.c = nil
	runtime.KeepAlive(d.f)
}

// rate, channels and duration describe the stream as opened.
func (d *cDecoder) rate() int          { return int(C.genrec_rate(d.c)) }
func (d *cDecoder) channels() int      { return int(C.genrec_channels(d.c)) }
func (d *cDecoder) duration() float64  { return float64(C.genrec_duration(d.c)) }
func (d *cDecoder) formatName() string { return C.GoString(C.genrec_format_name(d.c)) }

// seek positions the decoder at source sample pos of the stream and makes
// it discard everything before pos. When the demuxer cannot seek, decoding
// continues from the current position (still discarding), which is slower
// but gives the same samples.
func (d *cDecoder) seek(pos int64) bool {
	return C.genrec_seek(d.c, C.int64_t(pos)) == 0
}

// counters reports the source frames converted, the bytes read and the
// resamplers rebuilt so far.
func (d *cDecoder) counters() (frames int, bytes int64, reinits int) {
	return int(d.c.frames_in), int64(d.c.bytes_read), int(d.c.reinits)
}

// run appends converted samples to out until it holds want samples more
// than drop (want <= 0: until the end of the stream), after discarding
// the first drop samples produced. It returns the grown slice. A decoding
// failure after some output ends the stream quietly; before any, it is
// returned.
func (d *cDecoder) run(out []float32, want, drop int) ([]float32, error) {
	for want <= 0 || len(out) < want {
		if cap(out)-len(out) < minRoom {
			out = grow(out, minRoom)
		}
		room := cap(out) - len(out)
		rc := C.genrec_next(d.c, (*C.float)(unsafe.Pointer(unsafe.SliceData(out[len(out):cap(out)]))), C.int(room))
		switch rc {
		case C.GENREC_OK:
			n := int(d.c.n)
			if n < 0 || n > room {
				return out, fmt.Errorf("resampler wrote %d samples into room for %d", n, room)
			}
			k := min(drop, n)
			if k > 0 {
				base := len(out)
				copy(out[base:base+n-k], out[base+k:base+n])
				drop -= k
				n -= k
			}
			out = out[:len(out)+n]
		case C.GENREC_ROOM:
			need := int(d.c.n)
			if need <= room || need > maxRoom {
				return out, fmt.Errorf("resampler asks for room for %d samples", need)
			}
			out = grow(out, need)
		case C.GENREC_END:
			return out, nil
		default:
			if len(out) > 0 {
				return out, nil // damage after good audio: keep what came before
			}
			msg := C.GoString(&d.c.err[0])
			if rc == C.GENREC_BADFRAME {
				return out, fmt.Errorf("%s: %w", msg, ErrUnsupported)
			}
			return out, fmt.Errorf("%s", msg)
		}
	}
	return out, nil
}

// grow returns out with room for at least n more samples.
func grow(out []float32, n int) []float32 {
	if cap(out)-len(out) >= n {
		return out
	}
	c := max(2*cap(out), len(out)+n)
	g := make([]float32, len(out), c)
	copy(g, out)
	return g
}
