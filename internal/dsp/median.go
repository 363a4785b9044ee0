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
// take the block-pair method of J. Suomela ("Median filtering is
// equivalent to sorting", 2014) in a bitmask form. Every value becomes a
// 32-bit key whose unsigned order is the numeric order (the IEEE bits with
// the sign handled; the value is recovered exactly from its key). The line
// is cut into blocks of size values; every window lies within two
// consecutive blocks, the tail of the first and the head of the second.
// Each block is sorted once (keys packed with their position, so one
// 64-bit comparison orders them); for each pair the two sorted blocks are
// merged, which gives each of their 2·size ≤ 64 values a rank, and a window
// is a 64-bit mask of ranks. Sliding the window clears one bit and sets
// another, and the median, the set bit with size/2 set bits below it, is
// either the previous one or its nearest set neighbour above or below,
// found with a population count and bit scans. The cost per output is a few
// dozen simple operations, whatever the data.
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

	// The block-pair method: the two sorted blocks of a pair, each
	// followed by sentinels; the rank bit of each slot; the key of each
	// rank.
	a, b  [medianSlots]uint64
	bits  [medianSlots]uint64
	ranks [2 * maxBlockWindow]uint32
}

// NewMedianScratch returns a scratch sized for lines of up to n values and
// windows of up to size values, so that no later call allocates.
func NewMedianScratch(n, size int) *MedianScratch {
	s := &MedianScratch{}
	if n > 0 && size > 0 {
		s.grow(n, size)
	}
	return s
}

// grow makes sure the buffers hold a group of lines of n values with
// margins and block padding for a window of the given size.
func (s *MedianScratch) grow(n, size int) {
	s.stride = n + 2*size
	if need := n + size; cap(s.line) < need {
		s.line = make([]float64, need)
	}
	if cap(s.win) < size {
		s.win = make([]float64, size)
	}
	if need := medianGroup * s.stride; cap(s.keys) < need {
		s.keys = make([]uint32, need)
	}
	if need := medianGroup * n; cap(s.out) < need {
		s.out = make([]float64, need)
		s.out32 = make([]float32, need)
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
	s.grow(cols, size)
	blocks := useBlocks[T](size)
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
	s.grow(rows, size)
	blocks := useBlocks[T](size)
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
	s.grow(n, size)
	// Line value j is src row r0 − size/2 + j, reflected.
	total := n + size - 1
	if cap(s.rowOff) < total {
		s.rowOff = make([]int, total)
	}
	off := s.rowOff[:total]
	for j := range off {
		off[j] = reflectIndex(r0-size/2+j, rows) % ringRows * cols
	}
	blocks := useBlocks[T](size)
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
// items in increasing order. It is a branch-free merge sort: blk is padded
// with sentinels to 32 values, sorted in runs of four by a sorting network,
// and the runs merged pairwise three times, each merge filling its output
// from both ends at once (two independent chains). Insertion sort, the
// obvious choice for so few values, mispredicts a branch for nearly every
// value.
func sortBlock(items *[medianSlots]uint64, blk []uint32, slot0 int) {
	const n = maxBlockWindow
	var x, y [n]uint64
	for i := len(blk); i < n; i++ {
		x[i] = medianSentinel
	}
	for i, k := range blk {
		x[i&(n-1)] = uint64(k)<<32 | uint64(slot0+i)
	}
	for i := 0; i < n; i += 4 {
		a, b, c, d := x[i&(n-1)], x[(i+1)&(n-1)], x[(i+2)&(n-1)], x[(i+3)&(n-1)]
		a, b = min(a, b), max(a, b)
		c, d = min(c, d), max(c, d)
		a, c = min(a, c), max(a, c)
		b, d = min(b, d), max(b, d)
		b, c = min(b, c), max(b, c)
		x[i&(n-1)], x[(i+1)&(n-1)], x[(i+2)&(n-1)], x[(i+3)&(n-1)] = a, b, c, d
	}
	mergeRuns(&y, &x, 4)
	mergeRuns(&x, &y, 8)
	mergeRuns(&y, &x, 16)
	copy(items[:len(blk)], y[:])
}

// mergeRuns merges each pair of adjacent sorted runs of m values of src
// into a sorted run of 2m values of dst. The front half of each output run
// takes the smaller head and the back half the larger tail; ties go to the
// first run at the front and to the second at the back, which orders equal
// values consistently (first run before second) so that the two halves
// partition the values exactly.
func mergeRuns(dst, src *[maxBlockWindow]uint64, m int) {
	const mask = maxBlockWindow - 1
	for s := 0; s < maxBlockWindow; s += 2 * m {
		i, j := s, s+m           // heads
		ii, jj := s+m-1, s+2*m-1 // tails
		for k := 0; k < m; k++ {
			x, y := src[i&mask], src[j&mask]
			t := 0
			if x <= y {
				t = 1
			}
			dst[(s+k)&mask] = min(x, y)
			i += t
			j += 1 - t
			x, y = src[ii&mask], src[jj&mask]
			t = 0
			if x > y {
				t = 1
			}
			dst[(s+2*m-1-k)&mask] = max(x, y)
			ii -= t
			jj -= 1 - t
		}
	}
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
	bits, ranks := &s.bits, &s.ranks
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
			bits[x&(medianSlots-1)] = 1 << uint(lo)
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
			bits[x&(medianSlots-1)] = 1 << uint(hi)
			ranks[hi&(2*maxBlockWindow-1)] = uint32(x >> 32)
			ja -= t
			jb -= 1 - t
		}
		var mask uint64
		for i := slotA; i < slotA+size; i++ {
			mask |= bits[i&(medianSlots-1)]
		}
		p := selectBit(mask, h)
		out[base] = keyValue32(ranks[p&(2*maxBlockWindow-1)])
		m := min(size, n-base)
		for r := 1; r < m; r++ {
			mask = mask&^bits[(slotA+r-1)&(medianSlots-1)] | bits[(slotB+r-1)&(medianSlots-1)]
			p = nextMedianBit(mask, p, h)
			out[base+r] = keyValue32(ranks[p&(2*maxBlockWindow-1)])
		}
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

// nextMedianBit returns the position of set bit number h of m, given the
// position p of set bit number h of the mask before one bit was cleared
// and another set: p if it is still set with h set bits below it, else the
// nearest set bit above or below p.
func nextMedianBit(m uint64, p, h int) int {
	low := m & (1<<uint(p) - 1)
	below := bits.OnesCount64(low)
	q := p + 1 + bits.TrailingZeros64(m>>uint(p+1))
	if below > h {
		q = 63 - bits.LeadingZeros64(low)
	}
	if below == h && m>>uint(p)&1 != 0 {
		q = p
	}
	return q
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
