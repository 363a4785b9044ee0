package dsp

import "unsafe"

// The lane kernel. Where the CPU has AVX2 (see median_amd64.go), float32
// data with windows of 2…maxBlockWindow values are filtered by an assembly
// kernel that runs the medians of 8 lines at once, one line per 32-bit
// lane of a vector register, instead of by the block-pair method.
//
// Each lane keeps its window sorted, as size vectors in memory (entry e
// of every lane in one vector), followed by a vector of sentinels that
// are above every key. The values are the order keys of orderKey32 with
// the top bit flipped, so that signed 32-bit comparison (the one AVX2
// has) is their numeric order; the median is entry size/2. Sliding the
// window by one value, o leaving and v entering, is two branch-free
// passes over the entries, fused into one:
//
//   - removal: s'[e] = s[e] if s[e] < o, else s[e+1]. The entries below
//     the first occurrence of o stay, that one and the ones above move
//     down by one (which occurrence of a tied value leaves does not
//     matter: they are equal), and the sentinel fills the top;
//   - insertion: t[e] = max(s'[e−1], min(s'[e], v)) (with s'[−1] below
//     every key): the entries below v stay, v takes the first place above
//     them, and the rest move up by one, pushing the sentinel out.
//
// That is four vector operations per entry: O(size) work per output, as
// in the sorted-window method, but for 8 outputs at once, without
// branches and without a dependency chain from one entry to the next.
// The first window is built the same way, by inserting size values into a
// window of sentinels (only the entries that are no longer sentinels
// change). The result is the key of rank size/2 of the multiset of the
// window's keys, as for the other methods, so all of them agree bit for
// bit, whatever the data (NaN included).
//
// For windows of 31 values (HPSS's kernel) the slide is unrolled, and
// two slides share one pass over the window: slide A computes entry e of
// its result from the stored window while slide B, one entry behind,
// computes its entry e−1 from slide A's entries e−1 and e, still in
// registers; only slide B's result is stored. Per entry and slide that is
// the four vector operations and half a load and a store, instead of a
// load, a store and the loop's bookkeeping. (An odd output left over takes
// a single unrolled slide.)
//
// The lanes are laid out to suit each filter:
//
//   - MedianFilterColsRing (the harmonic filter along time) reads the
//     ring in place: lane k is column c+k, and line value j of the 8
//     lanes is 8 adjacent values of one ring row. The columns are taken
//     8 at a time; the last group is moved back to end at the last column
//     (overlapping the previous one, which then writes some outputs
//     twice, with the same values). Fewer than 8 columns are gathered
//     into an 8-wide scratch matrix.
//   - MedianFilterCols gathers 8 columns' values, reflected margins
//     included, into an 8-wide scratch matrix (dst may be src, so the
//     kernel must not read src while writing dst).
//   - MedianFilterRows (the percussive filter along frequency) cuts each
//     row into 8 segments of equal length, lane k filtering segment k:
//     the segments' values with their margins (size−1 values, reflected
//     at the ends of the row) are transposed into an 8-wide scratch
//     matrix, and the results transposed back, 8×8 blocks at a time by
//     vector shuffles (transpose8).

// medianLanes is the number of lines the lane kernel filters at once.
const medianLanes = 8

// lanesEnabled switches the lane kernel on where it exists; tests switch
// it off to test the block-pair method.
var lanesEnabled = haveLanes

// useLanes reports whether the lane kernel filters T with the given
// window.
func useLanes[T MedianFloat](size int) bool {
	return lanesEnabled && useBlocks[T](size)
}

// asFloat32 views x, whose elements have the representation of float32
// (useBlocks[T] holds), as a []float32.
func asFloat32[T MedianFloat](x []T) []float32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&x[0])), len(x))
}

// laneLines is the list of line-value offsets the lane kernel reads
// (value j of lane k at src[offs[j]+k]), checked once: every offset is
// non-negative and max is the largest. A laneLines is made only by
// checkLines or laneSeq and never changed afterwards, so that the kernel
// can check it against a source slice in constant time, however many
// groups of lanes read it.
type laneLines struct {
	offs []int
	max  int
}

// checkLines returns offs as laneLines; it panics on a negative offset.
func checkLines(offs []int) laneLines {
	m := 0
	for _, o := range offs {
		if o < 0 {
			panic("dsp: negative median lane kernel offset")
		}
		m = max(m, o)
	}
	return laneLines{offs, m}
}

// laneSeq returns the offsets 0, 8, 16, … of the first n rows of an
// 8-wide scratch matrix.
func (s *MedianScratch) laneSeq(n int) laneLines {
	if len(s.laneOffs) < n {
		s.laneOffs = make([]int, n)
		for j := range s.laneOffs {
			s.laneOffs[j] = j * medianLanes
		}
	}
	return laneLines{s.laneOffs[:n], max(n-1, 0) * medianLanes}
}

// lanesBuffers returns the scratch input (steps rows) and output (n rows)
// matrices of 8 lanes, and the kernel's window.
func (s *MedianScratch) lanesBuffers(steps, n, size int) (in, out []float32, win []int32) {
	s.lanesIn = growSlice(s.lanesIn, steps*medianLanes)
	s.lanesOut = growSlice(s.lanesOut, n*medianLanes)
	s.laneWin = growSlice(s.laneWin, (size+1)*medianLanes)
	return s.lanesIn, s.lanesOut, s.laneWin
}

// growSlice returns s resliced to n values, reallocating only if it is too
// small.
func growSlice[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// lanesKernel checks the arguments of the lane kernel (it reads and
// writes through raw pointers) and runs it: the running medians of the
// windows of size values of 8 lines, line value j of lane k being
// src[lines.offs[j]+k] and output i of lane k going to dst[i·dstStride+k].
func lanesKernel(dst []float32, dstStride int, src []float32, lines laneLines, n, size int, win []int32) {
	if n < 1 || size < 2 || dstStride < medianLanes || len(lines.offs) < n+size-1 ||
		len(win) < (size+1)*medianLanes || len(dst) < (n-1)*dstStride+medianLanes {
		panic("dsp: bad median lane kernel arguments")
	}
	if lines.max > len(src)-medianLanes {
		panic("dsp: median lane kernel offset out of range")
	}
	callLanes8(dst, dstStride, src, lines.offs, n, size, win)
}

// lanesRow writes the running medians of x to y (which may be x) with the
// lane kernel, the row cut into 8 segments.
//
// The row is first copied with its reflected margins into line (line[j] =
// x[reflect(j − size/2)]), long enough for all 8 segments' windows, so that
// lane k's value j is simply line[k·seg+j]; the transposes into and out of
// the 8-wide matrices are then plain strided copies.
func (s *MedianScratch) lanesRow(y, x []float32, size int) {
	n := len(x)
	seg := (n + medianLanes - 1) / medianLanes // outputs per lane
	steps := seg + size - 1                    // line values per lane
	in, out, win := s.lanesBuffers(steps, seg, size)
	h := size / 2
	s.lanesLine = growSlice(s.lanesLine, medianLanes*seg+size-1)
	line := s.lanesLine
	copy(line[h:], x)
	for j := 0; j < h; j++ {
		line[j] = x[reflectIndex(j-h, n)]
	}
	for j := h + n; j < len(line); j++ {
		line[j] = x[reflectIndex(j-h, n)]
	}
	transposeIn(in, line, seg, steps)
	lanesKernel(out, medianLanes, in, s.laneSeq(steps), seg, size, win)
	// The outputs beyond n (at most 7, those of the last lanes) go to the
	// end of line, which is no longer needed.
	res := line[:medianLanes*seg]
	transposeOut(res, out, seg)
	copy(y, res[:n])
}

// transposeIn sets in[j·8+k] = line[k·seg+j] for j < steps and k < 8:
// whole blocks of 8 j by the vector transpose, the rest one by one.
func transposeIn(in, line []float32, seg, steps int) {
	l0 := line[:steps]
	l1 := line[seg:][:len(l0)]
	l2 := line[2*seg:][:len(l0)]
	l3 := line[3*seg:][:len(l0)]
	l4 := line[4*seg:][:len(l0)]
	l5 := line[5*seg:][:len(l0)]
	l6 := line[6*seg:][:len(l0)]
	l7 := line[7*seg:][:len(l0)]
	in = in[:medianLanes*len(l0)]
	j0 := transposeBlocks(in, medianLanes, medianLanes*medianLanes, line, seg, medianLanes, steps/medianLanes)
	for j := j0; j < len(l0); j++ {
		r := (*[medianLanes]float32)(in[j*medianLanes:])
		r[0], r[1], r[2], r[3] = l0[j], l1[j], l2[j], l3[j]
		r[4], r[5], r[6], r[7] = l4[j], l5[j], l6[j], l7[j]
	}
}

// transposeOut sets res[k·seg+i] = out[i·8+k] for i < seg and k < 8:
// whole blocks of 8 i by the vector transpose, the rest one by one.
func transposeOut(res, out []float32, seg int) {
	r0 := res[:seg]
	r1 := res[seg:][:len(r0)]
	r2 := res[2*seg:][:len(r0)]
	r3 := res[3*seg:][:len(r0)]
	r4 := res[4*seg:][:len(r0)]
	r5 := res[5*seg:][:len(r0)]
	r6 := res[6*seg:][:len(r0)]
	r7 := res[7*seg:][:len(r0)]
	out = out[:medianLanes*len(r0)]
	i0 := transposeBlocks(res, seg, medianLanes, out, medianLanes, medianLanes*medianLanes, seg/medianLanes)
	for i := i0; i < len(r0); i++ {
		o := (*[medianLanes]float32)(out[i*medianLanes:])
		r0[i], r1[i], r2[i], r3[i] = o[0], o[1], o[2], o[3]
		r4[i], r5[i], r6[i], r7[i] = o[4], o[5], o[6], o[7]
	}
}

// transposeBlocks transposes blocks 8×8 blocks with the vector kernel:
// value k of row j of block b, src[b·srcStep + k·srcRow + j], goes to
// dst[b·dstStep + j·dstRow + k]. It checks that both slices hold every
// value touched (strides are positive) and returns 8·blocks, the number of
// rows done.
func transposeBlocks(dst []float32, dstRow, dstStep int, src []float32, srcRow, srcStep, blocks int) int {
	if blocks <= 0 {
		return 0
	}
	last := func(row, step int) int { return (blocks-1)*step + (medianLanes-1)*row + medianLanes - 1 }
	if dstRow <= 0 || dstStep <= 0 || srcRow <= 0 || srcStep <= 0 ||
		last(dstRow, dstStep) >= len(dst) || last(srcRow, srcStep) >= len(src) {
		panic("dsp: bad median transpose arguments")
	}
	callTranspose8(dst, dstRow, dstStep, src, srcRow, srcStep, blocks)
	return blocks * medianLanes
}

// lanesCols writes the running medians along the columns of the rows×cols
// matrix src to dst (which may be src) with the lane kernel, 8 columns at
// a time.
func (s *MedianScratch) lanesCols(dst, src []float32, rows, cols, size int) {
	steps := rows + size - 1
	in, out, win := s.lanesBuffers(steps, rows, size)
	offs := s.laneSeq(steps)
	h := size / 2
	for c0 := 0; c0 < cols; c0 += medianLanes {
		g := min(medianLanes, cols-c0)
		for j := 0; j < steps; j++ {
			r := j - h
			if uint(r) >= uint(rows) {
				r = reflectIndex(r, rows)
			}
			row := in[j*medianLanes : (j+1)*medianLanes]
			copy(row, src[r*cols+c0:r*cols+c0+g])
			clear(row[g:])
		}
		lanesKernel(out, medianLanes, in, offs, rows, size, win)
		for r := 0; r < rows; r++ {
			copy(dst[r*cols+c0:r*cols+c0+g], out[r*medianLanes:r*medianLanes+g])
		}
	}
}

// lanesRing is MedianFilterColsRing with the lane kernel: off[j] is the
// ring offset of line value j's row. With 8 columns or more, the kernel
// reads the ring in place; with fewer, their values are gathered into an
// 8-wide matrix.
func (s *MedianScratch) lanesRing(dst, ring []float32, off []int, cols, n, size int) {
	if cols >= medianLanes {
		s.laneWin = growSlice(s.laneWin, (size+1)*medianLanes)
		lines := checkLines(off)
		for c0 := 0; c0 < cols; c0 += medianLanes {
			c := min(c0, cols-medianLanes)
			lanesKernel(dst[c:], cols, ring[c:], lines, n, size, s.laneWin)
		}
		return
	}
	steps := n + size - 1
	in, out, win := s.lanesBuffers(steps, n, size)
	for j, o := range off[:steps] {
		row := in[j*medianLanes : (j+1)*medianLanes]
		copy(row, ring[o:o+cols])
		clear(row[cols:])
	}
	lanesKernel(out, medianLanes, in, s.laneSeq(steps), n, size, win)
	for r := 0; r < n; r++ {
		copy(dst[r*cols:(r+1)*cols], out[r*medianLanes:r*medianLanes+cols])
	}
}
