//go:build unix

package tags

import (
	"io/fs"
	"os"
	"syscall"
)

// restoreOwner gives path the owner and group of the original file, as far
// as the process is allowed to; a failure is not an error, since the
// content is already safely in place.
func restoreOwner(path string, orig fs.FileInfo) {
	o, ok := orig.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return
	}
	if n, ok := fi.Sys().(*syscall.Stat_t); ok && (n.Uid != o.Uid || n.Gid != o.Gid) {
		_ = os.Lchown(path, int(o.Uid), int(o.Gid))
	}
}
