package dsp

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

// This file implements the median filters of harmonic–percussive source
// separation: a running median along the time axis (harmonic part) or the
// frequency axis (percussive part) of a spectrogram, with the boundary rule
// of scipy.ndimage.median_filter(mode='reflect').
//
// Matrix layout. A matrix of rows×cols values is stored row-major in one
// slice: element (r, c) is m[r*cols+c].
//
//   - MedianFilterRows filters each row; it is median_filter(M, size=(1,
//     size)) for M of shape (rows, cols).
//   - MedianFilterCols filters each column; it is median_filter(M,
//     size=(size, 1)).
//
// For a spectrogram stored frame by frame (m[frame*bins+bin], as
// internal/features stores it) the rows run along frequency (the
// percussive filter) and the columns along time (the harmonic one).
//
// Window and rank. For output index i the window covers the input indices
// i−size/2 … i−size/2+size−1 (scipy's origin 0), and the value returned is
// the element of rank size/2 (0-based) of the sorted window, which is the
// middle element for odd sizes and the upper of the two middle elements for
// even sizes, as scipy's rank filter does.
//
// Boundaries. Indices outside 0…n−1 are mapped by half-sample symmetric
// reflection, repeated as often as needed ("d c b a | a b c d | d c b a |
// a b c d …"): the extension is periodic with period 2n, and index j maps to
// j mod 2n, folded as 2n−1−k when k ≥ n. This matches scipy also when the
// line is shorter than half the window.
//
// Algorithms. The filters select existing values, so the result is exact
// in either precision. Each line is first copied, with its reflected
// margins, into scratch memory; columns are gathered a few adjacent ones at
// a time, so that the strided reads and writes use whole cache lines.
//
// float32 data with windows of 2…32 values (the fast path; HPSS uses it)
// take, on amd64 CPUs with AVX2, the lane kernel of median_lanes.go: a
// sorted window per line, 8 lines at once (one per 32-bit lane of the
// vectors), updated by branch-free min/max passes. Elsewhere they take the
// block-pair method of J. Suomela ("Median filtering is equivalent to
// sorting", 2014) in a bitmask form. Every value becomes a
// 32-bit key whose unsigned order is the numeric order (the IEEE bits with
// the sign handled; the value is recovered exactly from its key). The line
// is cut into blocks of size values; every window lies within two
// consecutive blocks, the tail of the first and the head of the second.
// Each block is sorted once, by a sorting network (keys packed with their
// position, so one 64-bit comparison orders them); for each pair the two
// sorted blocks are merged, which gives each of their 2·size ≤ 64 values a
// rank, and a window is a 64-bit mask of ranks. Sliding the window clears
// one bit and sets another, and the median, the set bit with size/2 set
// bits below it, is either the previous one or its nearest set neighbour
// above or below, depending only on whether the leaving and entering ranks
// lie below or above it: comparisons and one bit scan each way, combined
// without branches. The cost per output is a few dozen simple operations,
// whatever the data.
//
// float64 data and larger windows keep the window sorted and update it at
// each step by shifting the values between the leaving and the entering
// one: O(size) per output with a small constant.
//
// The input must not contain NaN: the result is unspecified (but the filter
// does not panic) if it does.

// ErrMedianShape reports inconsistent arguments to a median filter: a
// negative dimension, a window size below 1, or slices shorter than
// rows*cols.
var ErrMedianShape = errors.New("dsp: invalid median filter arguments")

// MedianFloat is the set of element types the median filters accept.
type MedianFloat interface {
	~float32 | ~float64
}

const (
	// maxBlockWindow is the largest window of the block-pair method: two
	// blocks must fit the 64 bits of the rank mask.
	maxBlockWindow = 32

	// medianSlots is the length of the block-pair arrays: the values of
	// two blocks (their rank-bit slots are the line positions modulo
	// 2·size), then sentinels. A power of two, so that masking an index
	// with medianSlots−1 proves it in range.
	medianSlots = 4 * maxBlockWindow

	// medianSentinel follows the values of a sorted block: above every
	// packed key and slot, so that merging needs no bounds tests.
	medianSentinel = math.MaxUint64

	// medianGroup is the number of adjacent columns MedianFilterCols
	// gathers at a time: several cache lines of each row, while the
	// gathered lines stay within a typical L2 cache.
	medianGroup = 32
)

// MedianScratch holds the working memory of the median filters. Its zero
// value is ready to use; it grows on first use for a given line length and
// window size and is reused afterwards, so that filtering a matrix of the
// same shape again allocates nothing. A MedianScratch must not be used by
// two goroutines at once.
type MedianScratch struct {
	line   []float64 // one line with its margins (sorted-window method)
	win    []float64 // the sorted window
	keys   []uint32  // a group of lines' keys with margins and block padding
	out    []float64 // a group of filtered lines (sorted-window method)
	out32  []float32 // a group of filtered lines (block-pair method)
	stride int       // distance between the lines of keys
	rowOff []int     // MedianFilterColsRing: ring offset of each line value

	// The lane kernel (median_lanes.go): 8-wide input and output
	// matrices, the offsets of the input's rows, the sorted windows.
	lanesIn, lanesOut []float32
	lanesLine         []float32 // MedianFilterRows: a row with its margins
	laneOffs          []int
	laneWin           []int32

	// The block-pair method: the two sorted blocks of a pair, each
	// followed by sentinels; the rank of each slot in the merged pair; the
	// key of each rank.
	a, b  [medianSlots]uint64
	rank  [medianSlots]uint8
	ranks [2 * maxBlockWindow]uint32
}

// NewMedianScratch returns a scratch sized for lines of up to n values and
// windows of up to size values, so that no later call allocates.
func NewMedianScratch(n, size int) *MedianScratch {
	s := &MedianScratch{}
	if n > 0 && size > 0 {
		s.grow(n, size, false) // float64 data, or float32 with large windows
		switch {
		case lanesEnabled && size >= 2 && size <= maxBlockWindow:
			// The largest use: MedianFilterCols with n rows.
			s.lanesBuffers(n+size-1, n, size)
			s.laneSeq(n + size - 1)
			s.lanesLine = make([]float32, n+medianLanes+size)
		case size >= 2 && size <= maxBlockWindow:
			s.grow(n, size, true)
		}
		s.rowOff = make([]int, n+size-1)
	}
	return s
}

// grow makes sure the buffers of the block-pair method (blocks) or of the
// sorted-window method (otherwise) hold a group of lines of n values with
// margins (and block padding) for a window of the given size.
func (s *MedianScratch) grow(n, size int, blocks bool) {
	s.stride = n + 2*size
	if blocks {
		if need := medianGroup * s.stride; cap(s.keys) < need {
			s.keys = make([]uint32, need)
		}
		if need := medianGroup * n; cap(s.out32) < need {
			s.out32 = make([]float32, need)
		}
		return
	}
	if need := n + size; cap(s.line) < need {
		s.line = make([]float64, need)
	}
	if cap(s.win) < size {
		s.win = make([]float64, size)
	}
	if need := medianGroup * n; cap(s.out) < need {
		s.out = make([]float64, need)
	}
}

// useBlocks reports whether the block-pair method filters T with the given
// window.
func useBlocks[T MedianFloat](size int) bool {
	var zero T
	return unsafe.Sizeof(zero) == 4 && size >= 2 && size <= maxBlockWindow
}

// MedianFilterRows applies a running median of the given window size along
// every row of the rows×cols row-major matrix src and writes the result to
// dst. dst and src must each hold at least rows*cols values; dst may be the
// same slice as src (the filter is then in place), but must not otherwise
// overlap it. scratch may be nil, in which case a temporary one is
// allocated.
func MedianFilterRows[T MedianFloat](dst, src []T, rows, cols, size int, scratch *MedianScratch) error {
	if err := checkMedianArgs(len(dst), len(src), rows, cols, size); err != nil {
		return err
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	s := scratch
	if s == nil {
		s = &MedianScratch{}
	}
	if useLanes[T](size) {
		x32, y32 := asFloat32(src[:rows*cols]), asFloat32(dst[:rows*cols])
		for r := 0; r < rows; r++ {
			s.lanesRow(y32[r*cols:(r+1)*cols], x32[r*cols:(r+1)*cols], size)
		}
		return nil
	}
	blocks := useBlocks[T](size)
	s.grow(cols, size, blocks)
	for r := 0; r < rows; r++ {
		x := src[r*cols : (r+1)*cols]
		y := dst[r*cols : (r+1)*cols]
		if blocks {
			keys := s.keys[:s.stride]
			for i, v := range x {
				keys[size/2+i] = orderKey32(float32(v))
			}
			out := s.out32[:cols]
			s.blockPairs(out, keys, size)
			for i, v := range out {
				y[i] = T(v)
			}
			continue
		}
		line := s.line[:cols+size-1]
		for i, v := range x {
			line[size/2+i] = float64(v)
		}
		out := s.out[:cols]
		s.sortedWindow(out, line, size)
		for i, v := range out {
			y[i] = T(v)
		}
	}
	return nil
}

// MedianFilterCols applies a running median of the given window size along
// every column of the rows×cols row-major matrix src and writes the result
// to dst. The conditions on dst, src and scratch are those of
// MedianFilterRows.
func MedianFilterCols[T MedianFloat](dst, src []T, rows, cols, size int, scratch *MedianScratch) error {
	if err := checkMedianArgs(len(dst), len(src), rows, cols, size); err != nil {
		return err
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	s := scratch
	if s == nil {
		s = &MedianScratch{}
	}
	if useLanes[T](size) {
		s.lanesCols(asFloat32(dst[:rows*cols]), asFloat32(src[:rows*cols]), rows, cols, size)
		return nil
	}
	blocks := useBlocks[T](size)
	s.grow(rows, size, blocks)
	stride := s.stride
	for c0 := 0; c0 < cols; c0 += medianGroup {
		g := min(medianGroup, cols-c0)
		if blocks {
			// Gather g columns' keys: line j starts at keys[j*stride].
			keys := s.keys[:g*stride]
			for r := 0; r < rows; r++ {
				row := src[r*cols+c0 : r*cols+c0+g]
				for j, v := range row {
					keys[j*stride+size/2+r] = orderKey32(float32(v))
				}
			}
			out := s.out32[:g*rows]
			for j := 0; j < g; j++ {
				s.blockPairs(out[j*rows:(j+1)*rows], keys[j*stride:(j+1)*stride], size)
			}
			for r := 0; r < rows; r++ {
				row := dst[r*cols+c0 : r*cols+c0+g]
				for j := range row {
					row[j] = T(out[j*rows+r])
				}
			}
			continue
		}
		out := s.out[:g*rows]
		line := s.line[:rows+size-1]
		for j := 0; j < g; j++ {
			for r := 0; r < rows; r++ {
				line[size/2+r] = float64(src[r*cols+c0+j])
			}
			s.sortedWindow(out[j*rows:(j+1)*rows], line, size)
		}
		for r := 0; r < rows; r++ {
			row := dst[r*cols+c0 : r*cols+c0+g]
			for j := range row {
				row[j] = T(out[j*rows+r])
			}
		}
	}
	return nil
}

// MedianFilterColsRing computes the output rows r0 … r0+n−1 of
// MedianFilterCols(·, src, rows, cols, size) for a rows×cols matrix src of
// which only a window of rows is held, in a ring of ringRows rows: row r of
// src is ring[(r mod ringRows)·cols … +cols]. It writes them to dst, an
// n×cols row-major matrix. Every row that the windows of these outputs reach
// (r0 − size/2 … r0+n−1 + size−1−size/2, mapped into 0…rows−1 by the
// boundary reflection) must be in the ring; that is the caller's duty, as
// the ring cannot tell. Filtering a long matrix chunk by chunk this way
// gives exactly the values of MedianFilterCols while holding only about
// n + size rows. dst must not overlap ring.
func MedianFilterColsRing[T MedianFloat](dst, ring []T, ringRows, rows, cols, r0, n, size int, scratch *MedianScratch) error {
	switch {
	case ringRows < 1 || r0 < 0 || n < 0 || rows < 0 || cols < 0 || r0+n > rows:
		return fmt.Errorf("%w: rows %d…%d of %d in a ring of %d", ErrMedianShape, r0, r0+n-1, rows, ringRows)
	case size < 1:
		return fmt.Errorf("%w: window size %d < 1", ErrMedianShape, size)
	case cols > 0 && (ringRows > (int(^uint(0)>>1))/cols || n > (int(^uint(0)>>1))/cols):
		return fmt.Errorf("%w: shape overflows", ErrMedianShape)
	case len(ring) < ringRows*cols:
		return fmt.Errorf("%w: ring has %d values, want %d×%d", ErrMedianShape, len(ring), ringRows, cols)
	case len(dst) < n*cols:
		return fmt.Errorf("%w: dst has %d values, want %d×%d", ErrMedianShape, len(dst), n, cols)
	}
	if n == 0 || cols == 0 {
		return nil
	}
	s := scratch
	if s == nil {
		s = &MedianScratch{}
	}
	// Line value j is src row r0 − size/2 + j, reflected.
	total := n + size - 1
	if cap(s.rowOff) < total {
		s.rowOff = make([]int, total)
	}
	off := s.rowOff[:total]
	for j := range off {
		off[j] = reflectIndex(r0-size/2+j, rows) % ringRows * cols
	}
	if useLanes[T](size) {
		s.lanesRing(asFloat32(dst[:n*cols]), asFloat32(ring[:ringRows*cols]), off, cols, n, size)
		return nil
	}
	blocks := useBlocks[T](size)
	s.grow(n, size, blocks)
	stride := s.stride
	for c0 := 0; c0 < cols; c0 += medianGroup {
		g := min(medianGroup, cols-c0)
		if blocks {
			keys := s.keys[:g*stride]
			for j, o := range off {
				row := ring[o+c0 : o+c0+g]
				for jj, v := range row {
					keys[jj*stride+j] = orderKey32(float32(v))
				}
			}
			out := s.out32[:g*n]
			for jj := 0; jj < g; jj++ {
				s.blockPairsFilled(out[jj*n:(jj+1)*n], keys[jj*stride:(jj+1)*stride], size)
			}
			for r := 0; r < n; r++ {
				row := dst[r*cols+c0 : r*cols+c0+g]
				for jj := range row {
					row[jj] = T(out[jj*n+r])
				}
			}
			continue
		}
		out := s.out[:g*n]
		line := s.line[:total]
		for jj := 0; jj < g; jj++ {
			for j, o := range off {
				line[j] = float64(ring[o+c0+jj])
			}
			s.sortedWindowFilled(out[jj*n:(jj+1)*n], line, size)
		}
		for r := 0; r < n; r++ {
			row := dst[r*cols+c0 : r*cols+c0+g]
			for jj := range row {
				row[jj] = T(out[jj*n+r])
			}
		}
	}
	return nil
}

// MedianFilter1D applies a running median of the given window size to the
// vector src and writes it to dst, which must be at least as long as src
// and may be the same slice. It is MedianFilterRows with a single row.
func MedianFilter1D[T MedianFloat](dst, src []T, size int, scratch *MedianScratch) error {
	return MedianFilterRows(dst, src, 1, len(src), size, scratch)
}

// checkMedianArgs validates the shared arguments of the median filters.
func checkMedianArgs(nDst, nSrc, rows, cols, size int) error {
	switch {
	case rows < 0 || cols < 0:
		return fmt.Errorf("%w: negative shape %d×%d", ErrMedianShape, rows, cols)
	case size < 1:
		return fmt.Errorf("%w: window size %d < 1", ErrMedianShape, size)
	case cols > 0 && rows > (int(^uint(0)>>1))/cols:
		return fmt.Errorf("%w: shape %d×%d overflows", ErrMedianShape, rows, cols)
	case nSrc < rows*cols:
		return fmt.Errorf("%w: src has %d values, want %d×%d", ErrMedianShape, nSrc, rows, cols)
	case nDst < rows*cols:
		return fmt.Errorf("%w: dst has %d values, want %d×%d", ErrMedianShape, nDst, rows, cols)
	}
	return nil
}

// reflectIndex maps any integer index onto 0…n−1 by repeated half-sample
// symmetric reflection (period 2n). n must be positive.
func reflectIndex(j, n int) int {
	p := 2 * n
	k := j % p
	if k < 0 {
		k += p
	}
	if k >= n {
		k = p - 1 - k
	}
	return k
}

// reflectMargins fills the margins of line, whose values x[0…n−1] are at
// line[before…before+n−1], for a window of the given size: line[k] =
// x[reflect(k−before)] for the size/2 values before and the size−1−size/2
// values after.
func reflectMargins[E any](line []E, n, size int) {
	before := size / 2
	total := n + size - 1
	for k := 0; k < before; k++ {
		line[k] = line[before+reflectIndex(k-before, n)]
	}
	for k := before + n; k < total; k++ {
		line[k] = line[before+reflectIndex(k-before, n)]
	}
}

// orderKey32 maps a float32 to an integer whose unsigned order is the
// numeric order of the values (−0 just below +0; NaNs at the ends).
func orderKey32(v float32) uint32 {
	b := math.Float32bits(v)
	return b ^ (uint32(int32(b)>>31) | 1<<31)
}

// keyValue32 inverts orderKey32.
func keyValue32(k uint32) float32 {
	// The top bit of k is set exactly for non-negative values.
	return math.Float32frombits(k ^ (uint32(int32(^k)>>31) | 1<<31))
}

// sortBlock writes the keys of blk (at most maxBlockWindow), each packed
// above its rank-bit slot (slot0, slot0+1, … in the order of blk), into
// items[0…31] in increasing order, followed by sentinels up to 32 values.
// It is Batcher's odd–even merge sorting network for 32 values (191
// comparators in 15 layers), written out layer by layer on 32 local
// variables: no branch depends on the data, the comparators of a layer are
// independent so the processor overlaps them, and most values stay in
// registers. (A merge sort waits on each comparison before it can load the
// next value; insertion sort mispredicts a branch for nearly every value.)
// The comparator list was generated from Batcher's recursive construction;
// TestSortBlock checks the result against a sort.
func sortBlock(items *[medianSlots]uint64, blk []uint32, slot0 int) {
	const n = maxBlockWindow
	x := (*[n]uint64)(items[:n])
	for i := len(blk); i < n; i++ {
		x[i] = medianSentinel
	}
	for i, k := range blk {
		x[i&(n-1)] = uint64(k)<<32 | uint64(slot0+i)
	}
	x0 := x[0]
	x1 := x[1]
	x2 := x[2]
	x3 := x[3]
	x4 := x[4]
	x5 := x[5]
	x6 := x[6]
	x7 := x[7]
	x8 := x[8]
	x9 := x[9]
	x10 := x[10]
	x11 := x[11]
	x12 := x[12]
	x13 := x[13]
	x14 := x[14]
	x15 := x[15]
	x16 := x[16]
	x17 := x[17]
	x18 := x[18]
	x19 := x[19]
	x20 := x[20]
	x21 := x[21]
	x22 := x[22]
	x23 := x[23]
	x24 := x[24]
	x25 := x[25]
	x26 := x[26]
	x27 := x[27]
	x28 := x[28]
	x29 := x[29]
	x30 := x[30]
	x31 := x[31]
	x0, x1 = min(x0, x1), max(x0, x1)
	x2, x3 = min(x2, x3), max(x2, x3)
	x4, x5 = min(x4, x5), max(x4, x5)
	x6, x7 = min(x6, x7), max(x6, x7)
	x8, x9 = min(x8, x9), max(x8, x9)
	x10, x11 = min(x10, x11), max(x10, x11)
	x12, x13 = min(x12, x13), max(x12, x13)
	x14, x15 = min(x14, x15), max(x14, x15)
	x16, x17 = min(x16, x17), max(x16, x17)
	x18, x19 = min(x18, x19), max(x18, x19)
	x20, x21 = min(x20, x21), max(x20, x21)
	x22, x23 = min(x22, x23), max(x22, x23)
	x24, x25 = min(x24, x25), max(x24, x25)
	x26, x27 = min(x26, x27), max(x26, x27)
	x28, x29 = min(x28, x29), max(x28, x29)
	x30, x31 = min(x30, x31), max(x30, x31)
	x0, x2 = min(x0, x2), max(x0, x2)
	x1, x3 = min(x1, x3), max(x1, x3)
	x4, x6 = min(x4, x6), max(x4, x6)
	x5, x7 = min(x5, x7), max(x5, x7)
	x8, x10 = min(x8, x10), max(x8, x10)
	x9, x11 = min(x9, x11), max(x9, x11)
	x12, x14 = min(x12, x14), max(x12, x14)
	x13, x15 = min(x13, x15), max(x13, x15)
	x16, x18 = min(x16, x18), max(x16, x18)
	x17, x19 = min(x17, x19), max(x17, x19)
	x20, x22 = min(x20, x22), max(x20, x22)
	x21, x23 = min(x21, x23), max(x21, x23)
	x24, x26 = min(x24, x26), max(x24, x26)
	x25, x27 = min(x25, x27), max(x25, x27)
	x28, x30 = min(x28, x30), max(x28, x30)
	x29, x31 = min(x29, x31), max(x29, x31)
	x1, x2 = min(x1, x2), max(x1, x2)
	x5, x6 = min(x5, x6), max(x5, x6)
	x0, x4 = min(x0, x4), max(x0, x4)
	x3, x7 = min(x3, x7), max(x3, x7)
	x9, x10 = min(x9, x10), max(x9, x10)
	x13, x14 = min(x13, x14), max(x13, x14)
	x8, x12 = min(x8, x12), max(x8, x12)
	x11, x15 = min(x11, x15), max(x11, x15)
	x17, x18 = min(x17, x18), max(x17, x18)
	x21, x22 = min(x21, x22), max(x21, x22)
	x16, x20 = min(x16, x20), max(x16, x20)
	x19, x23 = min(x19, x23), max(x19, x23)
	x25, x26 = min(x25, x26), max(x25, x26)
	x29, x30 = min(x29, x30), max(x29, x30)
	x24, x28 = min(x24, x28), max(x24, x28)
	x27, x31 = min(x27, x31), max(x27, x31)
	x2, x6 = min(x2, x6), max(x2, x6)
	x1, x5 = min(x1, x5), max(x1, x5)
	x10, x14 = min(x10, x14), max(x10, x14)
	x9, x13 = min(x9, x13), max(x9, x13)
	x0, x8 = min(x0, x8), max(x0, x8)
	x7, x15 = min(x7, x15), max(x7, x15)
	x18, x22 = min(x18, x22), max(x18, x22)
	x17, x21 = min(x17, x21), max(x17, x21)
	x26, x30 = min(x26, x30), max(x26, x30)
	x25, x29 = min(x25, x29), max(x25, x29)
	x16, x24 = min(x16, x24), max(x16, x24)
	x23, x31 = min(x23, x31), max(x23, x31)
	x2, x4 = min(x2, x4), max(x2, x4)
	x3, x5 = min(x3, x5), max(x3, x5)
	x10, x12 = min(x10, x12), max(x10, x12)
	x11, x13 = min(x11, x13), max(x11, x13)
	x18, x20 = min(x18, x20), max(x18, x20)
	x19, x21 = min(x19, x21), max(x19, x21)
	x26, x28 = min(x26, x28), max(x26, x28)
	x27, x29 = min(x27, x29), max(x27, x29)
	x0, x16 = min(x0, x16), max(x0, x16)
	x15, x31 = min(x15, x31), max(x15, x31)
	x1, x2 = min(x1, x2), max(x1, x2)
	x3, x4 = min(x3, x4), max(x3, x4)
	x5, x6 = min(x5, x6), max(x5, x6)
	x9, x10 = min(x9, x10), max(x9, x10)
	x11, x12 = min(x11, x12), max(x11, x12)
	x13, x14 = min(x13, x14), max(x13, x14)
	x17, x18 = min(x17, x18), max(x17, x18)
	x19, x20 = min(x19, x20), max(x19, x20)
	x21, x22 = min(x21, x22), max(x21, x22)
	x25, x26 = min(x25, x26), max(x25, x26)
	x27, x28 = min(x27, x28), max(x27, x28)
	x29, x30 = min(x29, x30), max(x29, x30)
	x4, x12 = min(x4, x12), max(x4, x12)
	x2, x10 = min(x2, x10), max(x2, x10)
	x6, x14 = min(x6, x14), max(x6, x14)
	x1, x9 = min(x1, x9), max(x1, x9)
	x5, x13 = min(x5, x13), max(x5, x13)
	x3, x11 = min(x3, x11), max(x3, x11)
	x20, x28 = min(x20, x28), max(x20, x28)
	x18, x26 = min(x18, x26), max(x18, x26)
	x22, x30 = min(x22, x30), max(x22, x30)
	x17, x25 = min(x17, x25), max(x17, x25)
	x21, x29 = min(x21, x29), max(x21, x29)
	x19, x27 = min(x19, x27), max(x19, x27)
	x4, x8 = min(x4, x8), max(x4, x8)
	x6, x10 = min(x6, x10), max(x6, x10)
	x5, x9 = min(x5, x9), max(x5, x9)
	x7, x11 = min(x7, x11), max(x7, x11)
	x20, x24 = min(x20, x24), max(x20, x24)
	x22, x26 = min(x22, x26), max(x22, x26)
	x21, x25 = min(x21, x25), max(x21, x25)
	x23, x27 = min(x23, x27), max(x23, x27)
	x2, x4 = min(x2, x4), max(x2, x4)
	x6, x8 = min(x6, x8), max(x6, x8)
	x10, x12 = min(x10, x12), max(x10, x12)
	x3, x5 = min(x3, x5), max(x3, x5)
	x7, x9 = min(x7, x9), max(x7, x9)
	x11, x13 = min(x11, x13), max(x11, x13)
	x18, x20 = min(x18, x20), max(x18, x20)
	x22, x24 = min(x22, x24), max(x22, x24)
	x26, x28 = min(x26, x28), max(x26, x28)
	x19, x21 = min(x19, x21), max(x19, x21)
	x23, x25 = min(x23, x25), max(x23, x25)
	x27, x29 = min(x27, x29), max(x27, x29)
	x1, x2 = min(x1, x2), max(x1, x2)
	x3, x4 = min(x3, x4), max(x3, x4)
	x5, x6 = min(x5, x6), max(x5, x6)
	x7, x8 = min(x7, x8), max(x7, x8)
	x9, x10 = min(x9, x10), max(x9, x10)
	x11, x12 = min(x11, x12), max(x11, x12)
	x13, x14 = min(x13, x14), max(x13, x14)
	x17, x18 = min(x17, x18), max(x17, x18)
	x19, x20 = min(x19, x20), max(x19, x20)
	x21, x22 = min(x21, x22), max(x21, x22)
	x23, x24 = min(x23, x24), max(x23, x24)
	x25, x26 = min(x25, x26), max(x25, x26)
	x27, x28 = min(x27, x28), max(x27, x28)
	x29, x30 = min(x29, x30), max(x29, x30)
	x8, x24 = min(x8, x24), max(x8, x24)
	x4, x20 = min(x4, x20), max(x4, x20)
	x12, x28 = min(x12, x28), max(x12, x28)
	x2, x18 = min(x2, x18), max(x2, x18)
	x10, x26 = min(x10, x26), max(x10, x26)
	x6, x22 = min(x6, x22), max(x6, x22)
	x14, x30 = min(x14, x30), max(x14, x30)
	x1, x17 = min(x1, x17), max(x1, x17)
	x9, x25 = min(x9, x25), max(x9, x25)
	x5, x21 = min(x5, x21), max(x5, x21)
	x13, x29 = min(x13, x29), max(x13, x29)
	x3, x19 = min(x3, x19), max(x3, x19)
	x11, x27 = min(x11, x27), max(x11, x27)
	x7, x23 = min(x7, x23), max(x7, x23)
	x8, x16 = min(x8, x16), max(x8, x16)
	x12, x20 = min(x12, x20), max(x12, x20)
	x10, x18 = min(x10, x18), max(x10, x18)
	x14, x22 = min(x14, x22), max(x14, x22)
	x9, x17 = min(x9, x17), max(x9, x17)
	x13, x21 = min(x13, x21), max(x13, x21)
	x11, x19 = min(x11, x19), max(x11, x19)
	x15, x23 = min(x15, x23), max(x15, x23)
	x4, x8 = min(x4, x8), max(x4, x8)
	x12, x16 = min(x12, x16), max(x12, x16)
	x20, x24 = min(x20, x24), max(x20, x24)
	x6, x10 = min(x6, x10), max(x6, x10)
	x14, x18 = min(x14, x18), max(x14, x18)
	x22, x26 = min(x22, x26), max(x22, x26)
	x5, x9 = min(x5, x9), max(x5, x9)
	x13, x17 = min(x13, x17), max(x13, x17)
	x21, x25 = min(x21, x25), max(x21, x25)
	x7, x11 = min(x7, x11), max(x7, x11)
	x15, x19 = min(x15, x19), max(x15, x19)
	x23, x27 = min(x23, x27), max(x23, x27)
	x2, x4 = min(x2, x4), max(x2, x4)
	x6, x8 = min(x6, x8), max(x6, x8)
	x10, x12 = min(x10, x12), max(x10, x12)
	x14, x16 = min(x14, x16), max(x14, x16)
	x18, x20 = min(x18, x20), max(x18, x20)
	x22, x24 = min(x22, x24), max(x22, x24)
	x26, x28 = min(x26, x28), max(x26, x28)
	x3, x5 = min(x3, x5), max(x3, x5)
	x7, x9 = min(x7, x9), max(x7, x9)
	x11, x13 = min(x11, x13), max(x11, x13)
	x15, x17 = min(x15, x17), max(x15, x17)
	x19, x21 = min(x19, x21), max(x19, x21)
	x23, x25 = min(x23, x25), max(x23, x25)
	x27, x29 = min(x27, x29), max(x27, x29)
	x1, x2 = min(x1, x2), max(x1, x2)
	x3, x4 = min(x3, x4), max(x3, x4)
	x5, x6 = min(x5, x6), max(x5, x6)
	x7, x8 = min(x7, x8), max(x7, x8)
	x9, x10 = min(x9, x10), max(x9, x10)
	x11, x12 = min(x11, x12), max(x11, x12)
	x13, x14 = min(x13, x14), max(x13, x14)
	x15, x16 = min(x15, x16), max(x15, x16)
	x17, x18 = min(x17, x18), max(x17, x18)
	x19, x20 = min(x19, x20), max(x19, x20)
	x21, x22 = min(x21, x22), max(x21, x22)
	x23, x24 = min(x23, x24), max(x23, x24)
	x25, x26 = min(x25, x26), max(x25, x26)
	x27, x28 = min(x27, x28), max(x27, x28)
	x29, x30 = min(x29, x30), max(x29, x30)
	x[0] = x0
	x[1] = x1
	x[2] = x2
	x[3] = x3
	x[4] = x4
	x[5] = x5
	x[6] = x6
	x[7] = x7
	x[8] = x8
	x[9] = x9
	x[10] = x10
	x[11] = x11
	x[12] = x12
	x[13] = x13
	x[14] = x14
	x[15] = x15
	x[16] = x16
	x[17] = x17
	x[18] = x18
	x[19] = x19
	x[20] = x20
	x[21] = x21
	x[22] = x22
	x[23] = x23
	x[24] = x24
	x[25] = x25
	x[26] = x26
	x[27] = x27
	x[28] = x28
	x[29] = x29
	x[30] = x30
	x[31] = x31
}

// blockPairs writes the running medians of the n = len(out) values of line
// (at line[size/2…]; the margins and padding are filled here) to out, by
// the block-pair method (see the file comment). 2 ≤ size ≤ maxBlockWindow;
// line must have room for n + 2·size keys.
func (s *MedianScratch) blockPairs(out []float32, line []uint32, size int) {
	reflectMargins(line, len(out), size)
	s.blockPairsFilled(out, line, size)
}

// blockPairsFilled is blockPairs for a line whose n + size − 1 values,
// margins included, are filled by the caller.
func (s *MedianScratch) blockPairsFilled(out []float32, line []uint32, size int) {
	n := len(out)
	// Pad the last block; the padding never enters a window.
	nb := (n-1)/size + 2 // blocks of the pairs
	pad := line[n+size-1 : nb*size]
	for i := range pad {
		pad[i] = math.MaxUint32
	}
	h := size / 2
	a, b := &s.a, &s.b
	for i := size; i < len(a); i++ {
		a[i], b[i] = medianSentinel, medianSentinel
	}
	rank, ranks := &s.rank, &s.ranks
	slotA, slotB := 0, size
	sortBlock(a, line[:size], slotA)
	for base := 0; base < n; base += size {
		sortBlock(b, line[base+size:base+2*size], slotB)
		// Merge the sorted blocks: each value's rank is its position in
		// the merged order. Branch-free (the outcome is unpredictable),
		// and from both ends at once (two independent chains); ties go to
		// the first block at the front and to the second at the back.
		ia, ib := 0, 0           // heads
		ja, jb := size-1, size-1 // tails
		for lo := 0; lo < size; lo++ {
			x, y := a[ia&(medianSlots-1)], b[ib&(medianSlots-1)]
			t := 0
			if x <= y {
				t = 1
			}
			x = min(x, y)
			rank[x&(medianSlots-1)] = uint8(lo)
			ranks[lo&(2*maxBlockWindow-1)] = uint32(x >> 32)
			ia += t
			ib += 1 - t
			hi := 2*size - 1 - lo
			x, y = a[ja&(medianSlots-1)], b[jb&(medianSlots-1)]
			t = 0
			if x > y {
				t = 1
			}
			x = max(x, y)
			rank[x&(medianSlots-1)] = uint8(hi)
			ranks[hi&(2*maxBlockWindow-1)] = uint32(x >> 32)
			ja -= t
			jb -= 1 - t
		}
		var mask uint64
		for i := slotA; i < slotA+size; i++ {
			mask |= 1 << (rank[i&(medianSlots-1)] & 63)
		}
		slideMedians(out[base:base+min(size, n-base)], rank, ranks, mask, selectBit(mask, h), slotA, slotB)
		a, b = b, a
		slotA, slotB = slotB, slotA
	}
}

// selectBit returns the position of set bit number j (0-based, from the
// least significant end) of m, which must have more than j set bits.
func selectBit(m uint64, j int) int {
	pos := 0
	for w := 32; w >= 2; w >>= 1 {
		c := bits.OnesCount64(m & (1<<uint(w) - 1))
		// step is all ones when bit j lies above the lower w bits.
		step := ^((j - c) >> 63)
		j -= c & step
		sh := w & step
		m >>= uint(sh)
		pos += sh
	}
	// Two bits left: bit 0 if it is set and wanted.
	return pos + int(1-(m&1)) + j
}

// slideMedians writes the medians of the windows of one block pair to out:
// out[0] that of the window of the slots slotA … slotA+size−1, whose rank
// mask is mask and whose median has rank p, and out[r] that of the window
// slid by r (slot slotA+r−1 leaves, slot slotB+r−1 enters). rank holds the
// rank of each slot's value in the merged pair and keys the key of each
// rank.
//
// The median's rank moves to the next set bit above when the leaving value
// is at or below it and the entering one above, to the next set bit below
// in the mirror case, and stays otherwise: a few comparisons and one bit
// scan each way, chosen without branches (the direction is as random as
// the data). It is a function of its own so that its few variables stay in
// registers.
func slideMedians(out []float32, rank *[medianSlots]uint8, keys *[2 * maxBlockWindow]uint32, mask uint64, p, slotA, slotB int) {
	if len(out) == 0 {
		return
	}
	out[0] = keyValue32(keys[p&(2*maxBlockWindow-1)])
	for r := 1; r < len(out); r++ {
		ra := int(rank[(slotA+r-1)&(medianSlots-1)])
		rb := int(rank[(slotB+r-1)&(medianSlots-1)])
		mask = mask&^(1<<uint(ra&63)) | 1<<uint(rb&63)
		up := p + 1 + bits.TrailingZeros64(mask>>uint((p+1)&63))
		down := 63 - bits.LeadingZeros64(mask&(1<<uint(p&63)-1))
		// All ones when the median moves up (ra ≤ p < rb) or down
		// (rb < p ≤ ra); the two exclude each other.
		toUp := (ra - p - 1) >> 63 & ((p - rb) >> 63)
		toDown := (rb - p) >> 63 &^ ((ra - p) >> 63)
		p += (up-p)&toUp + (down-p)&toDown
		out[r] = keyValue32(keys[p&(2*maxBlockWindow-1)])
	}
}

// sortedWindow writes the running medians of the n = len(out) values of
// line (at line[size/2…]; the margins are filled here) to out, keeping the
// window sorted and updating it by one shift per step.
func (s *MedianScratch) sortedWindow(out []float64, line []float64, size int) {
	reflectMargins(line, len(out), size)
	s.sortedWindowFilled(out, line, size)
}

// sortedWindowFilled is sortedWindow for a line whose n + size − 1 values,
// margins included, are filled by the caller.
func (s *MedianScratch) sortedWindowFilled(out []float64, line []float64, size int) {
	n := len(out)
	win := s.win[:size]
	copy(win, line[:size])
	insertionSort(win)
	rank := size / 2
	out[0] = win[rank]
	for i := 1; i < n; i++ {
		replaceSorted(win, line[i-1], line[i+size-1])
		out[i] = win[rank]
	}
}

// insertionSort sorts a in increasing order in place.
func insertionSort(a []float64) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i - 1
		for j >= 0 && a[j] > v {
			a[j+1] = a[j]
			j--
		}
		a[j+1] = v
	}
}

// replaceSorted removes one occurrence of old from the sorted slice win and
// inserts v, keeping win sorted. For the window sizes of spectrogram
// filtering (tens of values) linear scans beat binary search: their loop
// branches are predictable, where a binary search mispredicts about half of
// its comparisons.
func replaceSorted(win []float64, old, v float64) {
	n := len(win)
	r := 0
	for r < n && win[r] < old {
		r++
	}
	if r >= n || win[r] != old {
		// Only reachable with NaN in the data; fall back to an exact scan
		// and, failing that, drop the last element. Never panics.
		r = n - 1
		for i, w := range win {
			if w == old || (w != w && old != old) {
				r = i
				break
			}
		}
	}
	// Move the hole at r towards the place of v, shifting the elements in
	// between by one.
	if v >= win[r] {
		p := r + 1
		for p < n && win[p] <= v {
			win[p-1] = win[p]
			p++
		}
		win[p-1] = v
		return
	}
	p := r
	for p > 0 && win[p-1] > v {
		win[p] = win[p-1]
		p--
	}
	win[p] = v
}
