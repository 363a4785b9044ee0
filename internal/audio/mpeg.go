package audio

/*
#cgo pkg-config: libmpg123
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <mpg123.h>

// genrec_io is a buffered reader over a file descriptor. libmpg123's own fd
// reader issues one read(2) per frame part and one per byte while hunting
// for a frame header; buffering makes both cheap.
typedef struct {
	int fd;
	size_t pos, len;      // unread bytes are buf[pos:len]
	off_t end;            // file offset just past buf[len-1]
	long long consumed;   // bytes read from the descriptor, for statistics
	unsigned char buf[1 << 16];
} genrec_io;

static ssize_t genrec_io_fill(genrec_io *io, void *dst, size_t n) {
	for (;;) {
		ssize_t r = read(io->fd, dst, n);
		if (r < 0 && errno == EINTR) continue;
		if (r > 0) { io->end += r; io->consumed += r; }
		return r;
	}
}

static mpg123_ssize_t genrec_io_read(void *h, void *dst, size_t n) {
	genrec_io *io = h;
	unsigned char *out = dst;
	size_t got = 0;
	while (got < n) {
		if (io->pos == io->len) {
			if (n - got >= sizeof io->buf) {
				// Large request: bypass the buffer.
				ssize_t r = genrec_io_fill(io, out + got, n - got);
				if (r < 0) return got > 0 ? (mpg123_ssize_t)got : -1;
				if (r == 0) break;
				got += r;
				continue;
			}
			ssize_t r = genrec_io_fill(io, io->buf, sizeof io->buf);
			if (r < 0) return got > 0 ? (mpg123_ssize_t)got : -1;
			if (r == 0) break;
			io->pos = 0;
			io->len = r;
		}
		size_t k = io->len - io->pos;
		if (k > n - got) k = n - got;
		memcpy(out + got, io->buf + io->pos, k);
		io->pos += k;
		got += k;
	}
	return (mpg123_ssize_t)got;
}

static off_t genrec_io_lseek(void *h, off_t off, int whence) {
	genrec_io *io = h;
	off_t start = io->end - (off_t)io->len;   // file offset of buf[0]
	off_t target;
	if (whence == SEEK_SET) target = off;
	else if (whence == SEEK_CUR) target = start + (off_t)io->pos + off;
	else {
		off_t r = lseek(io->fd, off, whence);
		if (r < 0) return -1;
		io->pos = io->len = 0;
		io->end = r;
		return r;
	}
	if (target < 0) return -1;
	if (target >= start && target <= io->end) {
		io->pos = (size_t)(target - start);
		return target;
	}
	off_t r = lseek(io->fd, target, SEEK_SET);
	if (r < 0) return -1;
	io->pos = io->len = 0;
	io->end = r;
	return r;
}

// genrec_mpg123_open prepares a fresh handle that decodes the MPEG stream
// read through io to 32-bit float at its native rate and channel count,
// quietly and gaplessly. On failure it returns NULL and stores an mpg123
// error code.
static mpg123_handle *genrec_mpg123_open(genrec_io *io, long resync, int *err) {
	mpg123_handle *mh = mpg123_new(NULL, err);
	if (mh == NULL) return NULL;
	mpg123_param(mh, MPG123_VERBOSE, 0, 0.);
	mpg123_param(mh, MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_SKIP_ID3V2, 0.);
	// Gapless support may be compiled out; then this call fails harmlessly.
	mpg123_param(mh, MPG123_ADD_FLAGS, MPG123_GAPLESS, 0.);
	mpg123_param(mh, MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0.);
	mpg123_param(mh, MPG123_RESYNC_LIMIT, resync, 0.);
	if (mpg123_format_none(mh) != MPG123_OK ||
	    mpg123_format2(mh, 0, MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32) != MPG123_OK ||
	    mpg123_replace_reader_handle(mh, genrec_io_read, genrec_io_lseek, NULL) != MPG123_OK ||
	    mpg123_open_handle(mh, io) != MPG123_OK) {
		*err = mpg123_errcode(mh);
		mpg123_delete(mh);
		return NULL;
	}
	return mh;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"unsafe"
)

const (
	// mpegResyncLimit is how many bytes libmpg123 may skip while looking for
	// the next frame header, at the start or after damage; beyond that the
	// stream is given up. It keeps garbage from being scanned at length
	// while tolerating a few kilobytes of junk before the first frame.
	mpegResyncLimit = 32 << 10

	// mpegReadFrames is the number of stereo frames requested per
	// mpg123_read call.
	mpegReadFrames = 8 * 1152

	// mpegMaxIdle bounds consecutive read calls that deliver no samples, a
	// last line of defence against a decoder that stops making progress.
	mpegMaxIdle = 1000
)

var mpg123InitOnce sync.Once
var mpg123InitErr error

// initMPG123 performs libmpg123's one-time global initialisation.
func initMPG123() error {
	mpg123InitOnce.Do(func() {
		if rc := C.mpg123_init(); rc != C.MPG123_OK {
			mpg123InitErr = fmt.Errorf("mpg123_init: %s", C.GoString(C.mpg123_plain_strerror(rc)))
		}
	})
	return mpg123InitErr
}

// mpegError describes the current error of handle mh.
func mpegError(mh *C.mpg123_handle) string {
	return C.GoString(C.mpg123_strerror(mh))
}

// decodeMPEG decodes the MPEG audio stream in f (positioned at its start)
// and returns its mono mix at the stream's rate. With maxSamples > 0 it
// stops once the budget of source frames is reached.
func decodeMPEG(f *os.File, maxSamples int, d *Decoder) (_ []float32, st stats, _ error) {
	st.format = "mpeg"
	if err := initMPG123(); err != nil {
		return nil, st, err
	}
	// The reader state lives in C memory: libmpg123 keeps a pointer to it.
	io := (*C.genrec_io)(C.calloc(1, C.size_t(unsafe.Sizeof(C.genrec_io{}))))
	if io == nil {
		return nil, st, fmt.Errorf("out of memory")
	}
	defer C.free(unsafe.Pointer(io))
	io.fd = C.int(f.Fd())
	var cerr C.int
	mh := C.genrec_mpg123_open(io, C.long(mpegResyncLimit), &cerr)
	if mh == nil {
		return nil, st, fmt.Errorf("mpg123 open: %s", C.GoString(C.mpg123_plain_strerror(cerr)))
	}
	defer func() {
		C.mpg123_close(mh)
		C.mpg123_delete(mh)
		st.bytesRead = int64(io.consumed)
		runtime.KeepAlive(f) // the descriptor must stay open while mh uses it
	}()

	var crate C.long
	var cch, cenc C.int
	if rc := C.mpg123_getformat(mh, &crate, &cch, &cenc); rc != C.MPG123_OK {
		return nil, st, fmt.Errorf("no MPEG audio frame found (%s): %w", mpegError(mh), ErrUnsupported)
	}
	if cenc != C.MPG123_ENC_FLOAT_32 || (cch != 1 && cch != 2) || crate <= 0 {
		return nil, st, fmt.Errorf("mpg123 chose unexpected output format rate=%d channels=%d encoding=%#x",
			int(crate), int(cch), int(cenc))
	}
	st.sourceRate, st.channels = int(crate), int(cch)
	st.budget = sourceBudget(maxSamples, st.sourceRate)

	mx := mixer{channels: st.channels}
	if st.budget > 0 {
		mx.mono = d.monoBuf(st.budget + mpegReadFrames)
	} else {
		mx.mono = d.monoBuf(0)
	}
	buf := d.readBuf(mpegReadFrames * 2)
	idle := 0
	var done C.size_t // outside the loop: its address goes to C, so it lives on the heap
	for st.budget <= 0 || len(mx.mono) < st.budget {
		rc := C.mpg123_read(mh, unsafe.Pointer(&buf[0]), C.size_t(len(buf)*4), &done)
		n := int(done) / 4
		if n > 0 {
			mx.addInterleaved(buf[:n])
			idle = 0
		} else if idle++; idle > mpegMaxIdle {
			break
		}
		switch rc {
		case C.MPG123_OK:
			continue
		case C.MPG123_DONE:
		case C.MPG123_NEW_FORMAT:
			C.mpg123_getformat(mh, &crate, &cch, &cenc)
			if int(crate) == st.sourceRate && int(cch) == st.channels && cenc == C.MPG123_ENC_FLOAT_32 {
				continue
			}
			// A stream glued from parts with different formats: keep the
			// first part, which is all the analysis needs.
			if len(mx.mono) == 0 {
				st.sourceRate, st.channels = int(crate), int(cch)
				if cenc == C.MPG123_ENC_FLOAT_32 && (cch == 1 || cch == 2) && crate > 0 {
					st.budget = sourceBudget(maxSamples, st.sourceRate)
					mx.channels = st.channels
					continue
				}
			}
		default:
			// Damage the decoder cannot resync past. What was decoded
			// before it is still good audio.
			if len(mx.mono) == 0 {
				return nil, st, fmt.Errorf("mpg123 read: %s", mpegError(mh))
			}
		}
		break
	}
	if st.budget > 0 && len(mx.mono) > st.budget {
		mx.mono = mx.mono[:st.budget]
	}
	st.sourceFrames = len(mx.mono)
	return mx.mono, st, nil
}
