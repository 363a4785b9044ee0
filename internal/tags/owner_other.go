//go:build !unix

package tags

import "io/fs"

// restoreOwner does nothing where files have no Unix owner.
func restoreOwner(string, fs.FileInfo) {}
