package audio

/*
#cgo pkg-config: vorbisfile
#define OV_EXCLUDE_STATIC_CALLBACKS
#include <stdlib.h>
#include <vorbis/vorbisfile.h>
#include "fdread.h"

// genrec_ovsrc is the data source libvorbisfile reads through.
typedef struct {
	int fd;
	long long consumed; // bytes read from fd
} genrec_ovsrc;

// genrec_ov_read has fread's contract, as libvorbisfile expects: items read,
// 0 with errno == 0 at the end of the file, 0 with errno set on an error.
static size_t genrec_ov_read(void *ptr, size_t size, size_t nmemb, void *src) {
	genrec_ovsrc *s = src;
	if (size == 0 || nmemb == 0) return 0;
	ssize_t r = genrec_fd_read(s->fd, ptr, size * nmemb, &s->consumed);
	if (r < 0) return 0; // errno is set
	errno = 0;
	return (size_t)r / size;
}

// genrec_ov_open opens the Vorbis stream of s in streaming mode (no seek
// callback): only the start of the file is read, never its end.
static int genrec_ov_open(genrec_ovsrc *s, OggVorbis_File *vf) {
	ov_callbacks cb = { genrec_ov_read, NULL, NULL, NULL };
	return ov_open_callbacks(s, vf, NULL, 0, cb);
}

// GENREC_OV_FORMAT is returned by genrec_ov_next for audio of a chained
// link whose rate or channel count differs from the first link's.
#define GENREC_OV_FORMAT (-1000)

// genrec_ov_next decodes up to max frames into out, interleaved, and
// returns the frame count, 0 at the end of the stream, OV_HOLE after a gap
// in the data, another negative OV_ code on an error, or GENREC_OV_FORMAT.
static long genrec_ov_next(OggVorbis_File *vf, float *out, int max, long rate, int channels) {
	float **pcm;
	int link;
	long n = ov_read_float(vf, &pcm, max, &link);
	if (n <= 0) return n;
	vorbis_info *vi = ov_info(vf, -1);
	if (vi == NULL || vi->channels != channels || vi->rate != rate) return GENREC_OV_FORMAT;
	for (int c = 0; c < channels; c++) {
		const float *x = pcm[c];
		float *y = out + c;
		for (long i = 0; i < n; i++) y[i * channels] = x[i];
	}
	return n;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

const (
	// vorbisReadFrames is the number of frames requested per decode call.
	vorbisReadFrames = 4096

	// vorbisMaxIdle bounds consecutive decode calls that deliver no
	// samples (gaps in the data), a last line of defence against a decoder
	// that stops making progress.
	vorbisMaxIdle = 1000

	// maxVorbisChannels is the largest channel count Vorbis allows.
	maxVorbisChannels = 255
)

// vorbisOpenError describes an ov_open_callbacks failure.
func vorbisOpenError(rc C.int) error {
	switch rc {
	case C.OV_ENOTVORBIS:
		return fmt.Errorf("no Vorbis stream in the Ogg file: %w", ErrUnsupported)
	case C.OV_EVERSION:
		return fmt.Errorf("unsupported Vorbis version: %w", ErrUnsupported)
	case C.OV_EBADHEADER:
		return fmt.Errorf("vorbis: invalid stream header: %w", ErrNoAudio)
	case C.OV_EREAD:
		return fmt.Errorf("vorbis: read error")
	}
	return fmt.Errorf("vorbis open: error %d: %w", int(rc), ErrNoAudio)
}

// decodeVorbis decodes the Ogg Vorbis stream in f (positioned at its
// start) with libvorbisfile and returns its mono mix at the stream's rate.
// With maxSamples > 0 it stops once the budget of source frames is reached.
//
// The file is read as a stream, from its start only. Gaps in the data are
// skipped; other damage ends the stream, keeping what was decoded before
// it. In a chained stream whose format changes, the first part is kept.
func decodeVorbis(f *os.File, maxSamples int, d *Decoder) (_ []float32, st stats, _ error) {
	st.format = "vorbis"
	// libvorbisfile keeps pointers to both, so they live in C memory.
	src := (*C.genrec_ovsrc)(C.calloc(1, C.size_t(unsafe.Sizeof(C.genrec_ovsrc{}))))
	if src == nil {
		return nil, st, fmt.Errorf("vorbis: out of memory")
	}
	defer C.free(unsafe.Pointer(src))
	vf := (*C.OggVorbis_File)(C.calloc(1, C.size_t(unsafe.Sizeof(C.OggVorbis_File{}))))
	if vf == nil {
		return nil, st, fmt.Errorf("vorbis: out of memory")
	}
	defer C.free(unsafe.Pointer(vf))
	src.fd = C.int(f.Fd())
	defer func() {
		st.bytesRead = int64(src.consumed)
		runtime.KeepAlive(f) // the descriptor must stay open while libvorbisfile reads it
	}()
	if rc := C.genrec_ov_open(src, vf); rc != 0 {
		return nil, st, vorbisOpenError(rc) // libvorbisfile has already cleared vf
	}
	defer C.ov_clear(vf)

	vi := C.ov_info(vf, -1)
	if vi == nil {
		return nil, st, fmt.Errorf("vorbis: no stream information: %w", ErrNoAudio)
	}
	st.sourceRate, st.channels = int(vi.rate), int(vi.channels)
	if st.channels < 1 || st.channels > maxVorbisChannels {
		return nil, st, fmt.Errorf("vorbis: %d channels: %w", st.channels, ErrNoAudio)
	}
	if st.sourceRate < minWAVRate || st.sourceRate > maxWAVRate {
		return nil, st, fmt.Errorf("vorbis: sample rate %d Hz outside %d–%d Hz", st.sourceRate, minWAVRate, maxWAVRate)
	}
	st.budget = sourceBudget(maxSamples, st.sourceRate)

	mx := mixer{channels: st.channels}
	if st.budget > 0 {
		mx.mono = d.monoBuf(st.budget + vorbisReadFrames)
	} else {
		mx.mono = d.monoBuf(0)
	}
	buf := d.readBuf(vorbisReadFrames * st.channels)
	idle := 0
	var lastErr C.long
	for st.budget <= 0 || len(mx.mono) < st.budget {
		n := C.genrec_ov_next(vf, (*C.float)(unsafe.Pointer(&buf[0])), C.int(vorbisReadFrames), C.long(st.sourceRate), C.int(st.channels))
		if n > 0 {
			mx.addInterleaved(buf[:int(n)*st.channels])
			idle = 0
			continue
		}
		if n == C.OV_HOLE {
			if idle++; idle <= vorbisMaxIdle {
				continue
			}
		}
		lastErr = n
		break
	}
	if len(mx.mono) == 0 {
		if lastErr < 0 && lastErr != C.OV_HOLE {
			return nil, st, fmt.Errorf("vorbis read: error %d: %w", int(lastErr), ErrNoAudio)
		}
		return nil, st, fmt.Errorf("vorbis: %w", ErrNoAudio)
	}
	if st.budget > 0 && len(mx.mono) > st.budget {
		mx.mono = mx.mono[:st.budget]
	}
	st.sourceFrames = len(mx.mono)
	return mx.mono, st, nil
}
