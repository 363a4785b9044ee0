package audio

/*
#cgo pkg-config: soxr
#include <soxr.h>

// genrec_soxr_resample resamples mono float32 in[0:ilen] at irate to
// out[0:olen] at orate with SOXR_HQ quality on a single thread, storing the
// number of samples produced in *odone. It returns NULL or an error text.
static const char *genrec_soxr_resample(double irate, double orate,
		const float *in, size_t ilen, float *out, size_t olen, size_t *odone) {
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
	soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
	soxr_runtime_spec_t rt = soxr_runtime_spec(1);
	size_t idone = 0;
	return soxr_oneshot(irate, orate, 1, in, ilen, &idone, out, olen, odone, &io, &q, &rt);
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// resample converts the mono signal x from rate in to rate out with
// libsoxr's high-quality (SOXR_HQ, linear-phase) filter. The result has
// ceil(len(x)·out/in) samples, zero-padded if the resampler delivered
// fewer, matching librosa.resample's length. It is written into dst's
// memory when dst has room for it, else into a new slice.
func resample(dst, x []float32, in, out int) ([]float32, error) {
	if in == out {
		return x, nil
	}
	if len(x) == 0 {
		return nil, nil
	}
	olen := int((int64(len(x))*int64(out) + int64(in) - 1) / int64(in))
	if olen <= 0 {
		return nil, nil
	}
	y := dst[:0]
	if cap(y) < olen {
		y = make([]float32, olen)
	}
	y = y[:olen]
	var odone C.size_t
	msg := C.genrec_soxr_resample(C.double(in), C.double(out),
		(*C.float)(unsafe.Pointer(&x[0])), C.size_t(len(x)),
		(*C.float)(unsafe.Pointer(&y[0])), C.size_t(olen), &odone)
	if msg != nil {
		return nil, fmt.Errorf("soxr resample %d→%d Hz: %s", in, out, C.GoString(msg))
	}
	clear(y[min(int(odone), olen):])
	return y, nil
}
