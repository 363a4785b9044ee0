//go:build !cgo

package audio

import (
	"errors"
	"os"
)

// errNoCgo is what every decode returns in a build without cgo, where
// FFmpeg's libraries cannot be linked (e.g. cross-compiled vet runs).
var errNoCgo = errors.New("built without cgo: FFmpeg's libraries are not linked")

// cDecoder stands in for the FFmpeg decoder in builds without cgo.
type cDecoder struct{}

// minRate and maxRate mirror the cgo build's bounds.
const (
	minRate = 1000
	maxRate = 768000
)

func openC(*os.File, string) (*cDecoder, error)                  { return nil, errNoCgo }
func (*cDecoder) close()                                         {}
func (*cDecoder) rate() int                                      { return 0 }
func (*cDecoder) channels() int                                  { return 0 }
func (*cDecoder) duration() float64                              { return 0 }
func (*cDecoder) formatName() string                             { return "" }
func (*cDecoder) seek(int64) bool                                { return false }
func (*cDecoder) counters() (int, int64, int)                    { return 0, 0, 0 }
func (*cDecoder) run(out []float32, _, _ int) ([]float32, error) { return out, errNoCgo }
