// fdread.h: a read(2) loop shared by the cgo decoders of package audio.
#ifndef GENREC_FDREAD_H
#define GENREC_FDREAD_H

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

// genrec_fd_read reads up to n bytes from fd into dst, retrying when
// interrupted by a signal, and adds what it read to *consumed. It returns
// the byte count, 0 at the end of the file or -1 with errno set.
static inline ssize_t genrec_fd_read(int fd, void *dst, size_t n, long long *consumed) {
	for (;;) {
		ssize_t r = read(fd, dst, n);
		if (r < 0 && errno == EINTR) continue;
		if (r > 0) *consumed += r;
		return r;
	}
}

#endif
