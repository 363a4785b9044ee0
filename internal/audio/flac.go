package audio

/*
#cgo pkg-config: flac
#include <stdlib.h>
#include <FLAC/stream_decoder.h>
#include "fdread.h"

// genrec_flac is the state one FLAC decode shares with libFLAC's callbacks:
// the descriptor it reads, the format of the first audio frame and the
// samples of the frame decoded last, converted to interleaved float32.
typedef struct {
	int fd;
	long long consumed;     // bytes read from fd
	int ioerr;              // errno of a failed read, or 0
	unsigned rate, channels, bps; // format of the first frame; 0 before it
	int nomem;              // the sample buffer could not grow
	float *buf;             // interleaved samples of the last frame
	size_t cap;             // capacity of buf in samples
	size_t frames;          // frames in buf from the last process call
	int errors;             // decoder error callbacks so far
	int last_error;         // the last FLAC__StreamDecoderErrorStatus
	int eof;                // the read callback reached the end of the file
	int resyncs;            // times decoding was restarted after damage
	int skipped;            // frames skipped for a format unlike the first frame's
} genrec_flac;

static FLAC__StreamDecoderReadStatus genrec_flac_read(const FLAC__StreamDecoder *d,
		FLAC__byte buffer[], size_t *bytes, void *cd) {
	genrec_flac *s = cd;
	(void)d;
	if (*bytes == 0) return FLAC__STREAM_DECODER_READ_STATUS_ABORT;
	ssize_t r = genrec_fd_read(s->fd, buffer, *bytes, &s->consumed);
	if (r < 0) {
		s->ioerr = errno;
		*bytes = 0;
		return FLAC__STREAM_DECODER_READ_STATUS_ABORT;
	}
	*bytes = (size_t)r;
	if (r == 0) s->eof = 1;
	return r == 0 ? FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM : FLAC__STREAM_DECODER_READ_STATUS_CONTINUE;
}

// genrec_flac_write converts a decoded frame to float32 the way libsndfile
// does (an integer v of b bits becomes v / 2^(b-1)) and keeps it in s->buf.
static FLAC__StreamDecoderWriteStatus genrec_flac_write(const FLAC__StreamDecoder *d,
		const FLAC__Frame *fr, const FLAC__int32 *const in[], void *cd) {
	genrec_flac *s = cd;
	(void)d;
	unsigned ch = fr->header.channels, rate = fr->header.sample_rate;
	unsigned bps = fr->header.bits_per_sample, n = fr->header.blocksize;
	if (s->channels == 0) {
		if (ch == 0 || rate == 0 || bps == 0 || bps > 32) return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
		s->channels = ch;
		s->rate = rate;
		s->bps = bps;
	} else if (ch != s->channels || rate != s->rate || bps != s->bps) {
		// A FLAC stream has one format; a frame of another is damage
		// (a false sync whose header CRC matched by chance).
		s->skipped++;
		return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
	}
	size_t need = (size_t)n * ch;
	if (need > s->cap) {
		float *p = realloc(s->buf, need * sizeof *p);
		if (p == NULL) {
			s->nomem = 1;
			return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
		}
		s->buf = p;
		s->cap = need;
	}
	const float scale = 1.0f / (float)(1ull << (bps - 1));
	for (unsigned c = 0; c < ch; c++) {
		const FLAC__int32 *x = in[c];
		float *y = s->buf + c;
		for (unsigned i = 0; i < n; i++) y[(size_t)i * ch] = (float)x[i] * scale;
	}
	s->frames = n;
	return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}

static void genrec_flac_error(const FLAC__StreamDecoder *d, FLAC__StreamDecoderErrorStatus status, void *cd) {
	genrec_flac *s = cd;
	(void)d;
	s->errors++;
	s->last_error = (int)status;
}

// genrec_flac_init starts decoding the native FLAC (ogg == 0) or Ogg FLAC
// stream read from s->fd.
static FLAC__StreamDecoderInitStatus genrec_flac_init(FLAC__StreamDecoder *d, genrec_flac *s, int ogg) {
	FLAC__stream_decoder_set_md5_checking(d, false);
	if (ogg) {
		return FLAC__stream_decoder_init_ogg_stream(d, genrec_flac_read, NULL, NULL, NULL, NULL,
			genrec_flac_write, NULL, genrec_flac_error, s);
	}
	return FLAC__stream_decoder_init_stream(d, genrec_flac_read, NULL, NULL, NULL, NULL,
		genrec_flac_write, NULL, genrec_flac_error, s);
}

// GENREC_FLAC_MAX_RESYNCS bounds the restarts after damage in one file.
#define GENREC_FLAC_MAX_RESYNCS 64

// genrec_flac_next decodes up to the next audio frame and returns its
// frame count (the samples are in s->buf), or 0 when the stream ended,
// decoding failed or no frame came within a bounded number of steps.
// Frames whose CRC does not match come out as silence (libFLAC's choice);
// where libFLAC stops on damage before the end of the file, decoding is
// restarted at the next frame.
static long genrec_flac_next(FLAC__StreamDecoder *d, genrec_flac *s) {
	for (int step = 0; step < 4096; step++) {
		s->frames = 0;
		FLAC__bool ok = FLAC__stream_decoder_process_single(d);
		if (s->frames > 0) return (long)s->frames;
		FLAC__StreamDecoderState st = FLAC__stream_decoder_get_state(d);
		if (st == FLAC__STREAM_DECODER_ABORTED || (st == FLAC__STREAM_DECODER_END_OF_STREAM && s->eof)) return 0;
		int damaged = st == FLAC__STREAM_DECODER_END_OF_STREAM || // a false sync with a bogus sample number
			(!ok && (st == FLAC__STREAM_DECODER_SEARCH_FOR_FRAME_SYNC || st == FLAC__STREAM_DECODER_READ_FRAME));
		if (!damaged) {
			if (ok) continue; // metadata
			return 0;
		}
		// Damage libFLAC gave up on: drop its buffered input and look for
		// the next frame, a bounded number of times.
		if (s->ioerr || s->resyncs >= GENREC_FLAC_MAX_RESYNCS || !FLAC__stream_decoder_flush(d)) return 0;
		s->resyncs++;
	}
	return 0;
}

static const char *genrec_flac_error_string(int status) {
	return FLAC__StreamDecoderErrorStatusString[status];
}

static const char *genrec_flac_init_string(FLAC__StreamDecoderInitStatus status) {
	return FLAC__StreamDecoderInitStatusString[status];
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// decodeFLAC decodes the FLAC stream in f (positioned at its start; a
// leading ID3v2 tag is skipped by libFLAC) and returns its mono mix at the
// stream's rate. With ogg set the stream is FLAC in an Ogg container. With
// maxSamples > 0 it stops once the budget of source frames is reached.
//
// Frames whose format differs from the first frame's are damage and are
// skipped; frames failing their CRC decode as silence, as libFLAC makes
// them; after damage decoding resumes at the next frame (a bounded number
// of times), so a damaged file keeps at least the audio before the damage.
func decodeFLAC(f *os.File, maxSamples int, ogg bool, dec *Decoder) (_ []float32, st stats, _ error) {
	st.format = "flac"
	if ogg {
		st.format = "ogg-flac"
	}
	d := C.FLAC__stream_decoder_new()
	if d == nil {
		return nil, st, fmt.Errorf("flac: out of memory")
	}
	// libFLAC keeps a pointer to the state, so it lives in C memory.
	s := (*C.genrec_flac)(C.calloc(1, C.size_t(unsafe.Sizeof(C.genrec_flac{}))))
	if s == nil {
		C.FLAC__stream_decoder_delete(d)
		return nil, st, fmt.Errorf("flac: out of memory")
	}
	s.fd = C.int(f.Fd())
	defer func() {
		C.FLAC__stream_decoder_delete(d) // finishes the decode if needed
		st.bytesRead = int64(s.consumed)
		C.free(unsafe.Pointer(s.buf))
		C.free(unsafe.Pointer(s))
		runtime.KeepAlive(f) // the descriptor must stay open while libFLAC reads it
	}()
	useOgg := C.int(0)
	if ogg {
		useOgg = 1
	}
	if rc := C.genrec_flac_init(d, s, useOgg); rc != C.FLAC__STREAM_DECODER_INIT_STATUS_OK {
		if rc == C.FLAC__STREAM_DECODER_INIT_STATUS_UNSUPPORTED_CONTAINER {
			return nil, st, fmt.Errorf("Ogg FLAC (libFLAC built without Ogg): %w", ErrUnsupported)
		}
		return nil, st, fmt.Errorf("flac init: %s", C.GoString(C.genrec_flac_init_string(rc)))
	}

	mx := mixer{mono: dec.monoBuf(0)}
	for st.budget <= 0 || len(mx.mono) < st.budget {
		n := int(C.genrec_flac_next(d, s))
		if n <= 0 {
			break
		}
		if mx.channels == 0 {
			st.sourceRate, st.channels = int(s.rate), int(s.channels)
			if st.sourceRate < minWAVRate || st.sourceRate > maxWAVRate {
				return nil, st, fmt.Errorf("flac: sample rate %d Hz outside %d–%d Hz", st.sourceRate, minWAVRate, maxWAVRate)
			}
			st.budget = sourceBudget(maxSamples, st.sourceRate)
			mx.channels = st.channels
			if st.budget > 0 {
				mx.mono = dec.monoBuf(st.budget + n)
			}
		}
		mx.addInterleaved(unsafe.Slice((*float32)(unsafe.Pointer(s.buf)), n*st.channels))
	}
	if len(mx.mono) == 0 {
		return nil, st, flacFailure(d, s)
	}
	if st.budget > 0 && len(mx.mono) > st.budget {
		mx.mono = mx.mono[:st.budget]
	}
	st.sourceFrames = len(mx.mono)
	return mx.mono, st, nil
}

// flacFailure explains why a FLAC stream gave no audio frame.
func flacFailure(d *C.FLAC__StreamDecoder, s *C.genrec_flac) error {
	switch {
	case s.ioerr != 0:
		return fmt.Errorf("flac read: %w", syscall.Errno(s.ioerr))
	case s.nomem != 0:
		return fmt.Errorf("flac: out of memory")
	case s.errors > 0:
		return fmt.Errorf("no FLAC audio frame decoded (%s): %w", C.GoString(C.genrec_flac_error_string(s.last_error)), ErrNoAudio)
	}
	return fmt.Errorf("no FLAC audio frame decoded (%s): %w", C.GoString(C.FLAC__stream_decoder_get_resolved_state_string(d)), ErrNoAudio)
}
