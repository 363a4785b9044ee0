package dsp

import (
	"errors"
	"fmt"
)

// This file implements the median filters of harmonic–percussive source
// separation: a running median along the time axis (harmonic part) or the
// frequency axis (percussive part) of a spectrogram, with the boundary rule
// of scipy.ndimage.median_filter(mode='reflect').
//
// Matrix layout. A matrix of rows×cols values is stored row-major in one
// slice: element (r, c) is m[r*cols+c]. For a spectrogram the rows are the
// frequency bins and the columns the frames, so m[bin*nFrames+frame]:
//
//   - MedianFilterRows filters each row, i.e. along time; it is
//     median_filter(S, size=(1, size)) for S of shape (bins, frames).
//   - MedianFilterCols filters each column, i.e. along frequency; it is
//     median_filter(S, size=(size, 1)).
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
// Algorithm. Each line is copied once (with its reflected margins) into the
// scratch buffer; the window is kept sorted, and each step removes the
// value leaving the window and inserts the value entering it in one pass
// that shifts only the elements between the two positions: O(size) per
// output with a tiny constant and no sorting of windows. (Binary search was
// measured slower at size 31: its comparisons are unpredictable branches.)
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

// MedianScratch holds the working memory of the median filters. Its zero
// value is ready to use; it grows on first use for a given line length and
// window size and is reused afterwards, so that filtering a matrix of the
// same shape again allocates nothing. A MedianScratch must not be used by
// two goroutines at once.
type MedianScratch struct {
	line []float64 // one input line with its reflected margins
	win  []float64 // the current window, kept sorted
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

// grow makes sure the buffers hold a line of n values plus margins for a
// window of the given size.
func (s *MedianScratch) grow(n, size int) {
	if need := n + size - 1; cap(s.line) < need {
		s.line = make([]float64, need)
	}
	if cap(s.win) < size {
		s.win = make([]float64, size)
	}
}

// MedianFilterRows applies a running median of the given window size along
// every row of the rows×cols row-major matrix src (along time, for a
// spectrogram stored m[bin*nFrames+frame]) and writes the result to dst.
// dst and src must each hold at least rows*cols values; dst may be the same
// slice as src (the filter is then in place), but must not otherwise
// overlap it. scratch may be nil, in which case a temporary one is
// allocated.
func MedianFilterRows[T MedianFloat](dst, src []T, rows, cols, size int, scratch *MedianScratch) error {
	if err := checkMedianArgs(len(dst), len(src), rows, cols, size); err != nil {
		return err
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if scratch == nil {
		scratch = &MedianScratch{}
	}
	scratch.grow(cols, size)
	for r := 0; r < rows; r++ {
		medianLine(dst[r*cols:], src[r*cols:], cols, 1, size, scratch)
	}
	return nil
}

// MedianFilterCols applies a running median of the given window size along
// every column of the rows×cols row-major matrix src (along frequency, for
// a spectrogram stored m[bin*nFrames+frame]) and writes the result to dst.
// The conditions on dst, src and scratch are those of MedianFilterRows.
func MedianFilterCols[T MedianFloat](dst, src []T, rows, cols, size int, scratch *MedianScratch) error {
	if err := checkMedianArgs(len(dst), len(src), rows, cols, size); err != nil {
		return err
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if scratch == nil {
		scratch = &MedianScratch{}
	}
	scratch.grow(rows, size)
	for c := 0; c < cols; c++ {
		medianLine(dst[c:], src[c:], rows, cols, size, scratch)
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

// medianLine filters the n values src[0], src[stride], … into dst[0],
// dst[stride], …. s must have been grown for (n, size).
func medianLine[T MedianFloat](dst, src []T, n, stride, size int, s *MedianScratch) {
	before := size / 2
	total := n + size - 1
	line := s.line[:total]

	// Copy the line with its reflected margins: line[k] = x[k-before].
	for k := 0; k < before; k++ {
		line[k] = float64(src[reflectIndex(k-before, n)*stride])
	}
	for i, j := 0, 0; i < n; i, j = i+1, j+stride {
		line[before+i] = float64(src[j])
	}
	for k := before + n; k < total; k++ {
		line[k] = float64(src[reflectIndex(k-before, n)*stride])
	}

	if size == 1 {
		for i, j := 0, 0; i < n; i, j = i+1, j+stride {
			dst[j] = T(line[before+i])
		}
		return
	}

	// Sort the first window; insertion sort is enough for small windows
	// and does not allocate.
	win := s.win[:size]
	copy(win, line[:size])
	insertionSort(win)

	rank := size / 2
	dst[0] = T(win[rank])
	for i, j := 1, stride; i < n; i, j = i+1, j+stride {
		replaceSorted(win, line[i-1], line[i+size-1])
		dst[j] = T(win[rank])
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
