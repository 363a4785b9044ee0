package dsp

import (
	"errors"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// medianMirror maps j onto 0…n−1 by reflecting about the half-sample boundaries
// one step at a time, the literal reading of "d c b a | a b c d | d c b a".
func medianMirror(j, n int) int {
	for j < 0 || j >= n {
		if j < 0 {
			j = -1 - j
		}
		if j >= n {
			j = 2*n - 1 - j
		}
	}
	return j
}

// naiveMedian1D is the reference: sort every window from scratch.
func naiveMedian1D(x []float64, size int) []float64 {
	n := len(x)
	out := make([]float64, n)
	w := make([]float64, size)
	for i := range x {
		for k := 0; k < size; k++ {
			w[k] = x[medianMirror(i-size/2+k, n)]
		}
		slices.Sort(w)
		out[i] = w[size/2]
	}
	return out
}

func TestMedianFilter1DKnown(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		size int
		want []float64
	}{
		{"identity size 1", []float64{3, 1, 2}, 1, []float64{3, 1, 2}},
		{"monotone size 3", []float64{1, 2, 3, 4, 5}, 3, []float64{1, 2, 3, 4, 5}},
		// padded: 5 | 5 1 4 2 3 | 3
		{"mixed size 3", []float64{5, 1, 4, 2, 3}, 3, []float64{5, 4, 2, 3, 3}},
		// spike removal
		{"spike size 3", []float64{0, 0, 9, 0, 0}, 3, []float64{0, 0, 0, 0, 0}},
		// n=2 < size/2: 9 1 | 1 9 | 9 1 (reflection repeats)
		{"short row size 5", []float64{1, 9}, 5, []float64{9, 1}},
		// n=3, size 7: padded 1 3 7 | 7 3 1 | 1 3 7
		{"short row size 7", []float64{7, 3, 1}, 7, []float64{3, 3, 3}},
		{"single value size 31", []float64{2.5}, 31, []float64{2.5}},
		// even size: window i-2…i+1, element of rank 2 (upper median)
		// padded: 2 1 | 1 2 3 4 | 4
		{"even size 4", []float64{1, 2, 3, 4}, 4, []float64{2, 2, 3, 4}},
		{"ties", []float64{1, 1, 2, 2, 1, 1}, 3, []float64{1, 1, 2, 2, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float64, len(tc.x))
			if err := MedianFilter1D(got, tc.x, tc.size, nil); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if ref := naiveMedian1D(tc.x, tc.size); !slices.Equal(ref, tc.want) {
				t.Errorf("reference disagrees with hand value: %v", ref)
			}
		})
	}
}

func TestMedianFilter1DRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var s MedianScratch
	for _, size := range []int{1, 2, 3, 4, 5, 8, 31, 32} {
		for _, n := range []int{1, 2, 3, 5, 7, 14, 15, 16, 17, 30, 31, 32, 33, 64, 200} {
			x := make([]float64, n)
			for i := range x {
				if rng.Intn(4) == 0 {
					x[i] = float64(rng.Intn(3)) // many ties
				} else {
					x[i] = rng.NormFloat64()
				}
			}
			got := make([]float64, n)
			if err := MedianFilter1D(got, x, size, &s); err != nil {
				t.Fatal(err)
			}
			if want := naiveMedian1D(x, size); !slices.Equal(got, want) {
				t.Fatalf("n=%d size=%d:\n got %v\nwant %v", n, size, got, want)
			}
		}
	}
}

// TestMedianFilterFloat32Random checks the float32 filters (the lane
// kernel or the block-pair method for windows up to 32) against the
// sorting reference, with ties,
// negative values and signed zeros, on rows and columns.
func TestMedianFilterFloat32Random(t *testing.T) {
	medianMethods(t, func(t *testing.T) {
		rng := rand.New(rand.NewSource(6))
		var s MedianScratch
		for size := 1; size <= 40; size++ {
			for _, n := range []int{1, 2, 3, 5, 14, 15, 16, 17, 30, 31, 32, 33, 63, 64, 65, 200} {
				const lines = 3
				x := make([]float32, n*lines)
				for i := range x {
					switch rng.Intn(6) {
					case 0:
						x[i] = float32(rng.Intn(3)) // many ties
					case 1:
						x[i] = float32(math.Copysign(0, -1))
					default:
						x[i] = float32(rng.NormFloat64())
					}
				}
				rows := make([]float32, len(x))
				if err := MedianFilterRows(rows, x, lines, n, size, &s); err != nil {
					t.Fatal(err)
				}
				for r := 0; r < lines; r++ {
					line := make([]float64, n)
					for i := range line {
						line[i] = float64(x[r*n+i])
					}
					for i, w := range naiveMedian1D(line, size) {
						if float64(rows[r*n+i]) != w {
							t.Fatalf("rows n=%d size=%d: line %d index %d: got %v, want %v", n, size, r, i, rows[r*n+i], w)
						}
					}
				}
				// The same lines as columns of the transpose.
				tr := make([]float32, len(x))
				for r := 0; r < lines; r++ {
					for i := 0; i < n; i++ {
						tr[i*lines+r] = x[r*n+i]
					}
				}
				cols := make([]float32, len(x))
				if err := MedianFilterCols(cols, tr, n, lines, size, &s); err != nil {
					t.Fatal(err)
				}
				for r := 0; r < lines; r++ {
					for i := 0; i < n; i++ {
						if cols[i*lines+r] != rows[r*n+i] {
							t.Fatalf("cols n=%d size=%d: line %d index %d differs from rows", n, size, r, i)
						}
					}
				}
			}
		}
	})
}

func medianTestMatrix(rng *rand.Rand, rows, cols int) []float64 {
	m := make([]float64, rows*cols)
	for i := range m {
		m[i] = rng.ExpFloat64()
	}
	return m
}

func medianTranspose(m []float64, rows, cols int) []float64 {
	t := make([]float64, len(m))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			t[c*rows+r] = m[r*cols+c]
		}
	}
	return t
}

func TestMedianFilterMatrix(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	tests := []struct{ rows, cols, size int }{
		{1, 1, 31}, {3, 4, 3}, {10, 40, 31}, {40, 10, 31}, {33, 35, 31}, {7, 9, 1},
	}
	for _, tc := range tests {
		src := medianTestMatrix(rng, tc.rows, tc.cols)
		var s MedianScratch

		// Rows: each row against the 1-D reference.
		rowsOut := make([]float64, len(src))
		if err := MedianFilterRows(rowsOut, src, tc.rows, tc.cols, tc.size, &s); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < tc.rows; r++ {
			want := naiveMedian1D(src[r*tc.cols:(r+1)*tc.cols], tc.size)
			if !slices.Equal(rowsOut[r*tc.cols:(r+1)*tc.cols], want) {
				t.Fatalf("%+v: row %d differs", tc, r)
			}
		}

		// Cols: equals Rows on the transpose.
		colsOut := make([]float64, len(src))
		if err := MedianFilterCols(colsOut, src, tc.rows, tc.cols, tc.size, &s); err != nil {
			t.Fatal(err)
		}
		tr := medianTranspose(src, tc.rows, tc.cols)
		trOut := make([]float64, len(tr))
		if err := MedianFilterRows(trOut, tr, tc.cols, tc.rows, tc.size, &s); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(colsOut, medianTranspose(trOut, tc.cols, tc.rows)) {
			t.Fatalf("%+v: cols differ from rows of the transpose", tc)
		}

		// In place gives the same result.
		inPlace := slices.Clone(src)
		if err := MedianFilterCols(inPlace, inPlace, tc.rows, tc.cols, tc.size, &s); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(inPlace, colsOut) {
			t.Fatalf("%+v: in-place cols differ", tc)
		}
		inPlace = slices.Clone(src)
		if err := MedianFilterRows(inPlace, inPlace, tc.rows, tc.cols, tc.size, &s); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(inPlace, rowsOut) {
			t.Fatalf("%+v: in-place rows differ", tc)
		}
	}
}

func TestMedianFilterFloat32(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const rows, cols, size = 20, 50, 31
	src64 := medianTestMatrix(rng, rows, cols)
	src32 := make([]float32, len(src64))
	for i, v := range src64 {
		src32[i] = float32(v)
		src64[i] = float64(src32[i]) // same values in both precisions
	}
	out64 := make([]float64, len(src64))
	out32 := make([]float32, len(src32))
	for _, f := range []struct {
		name string
		f64  func([]float64, []float64, int, int, int, *MedianScratch) error
		f32  func([]float32, []float32, int, int, int, *MedianScratch) error
	}{
		{"rows", MedianFilterRows[float64], MedianFilterRows[float32]},
		{"cols", MedianFilterCols[float64], MedianFilterCols[float32]},
	} {
		if err := f.f64(out64, src64, rows, cols, size, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.f32(out32, src32, rows, cols, size, nil); err != nil {
			t.Fatal(err)
		}
		for i := range out64 {
			if float64(out32[i]) != out64[i] {
				t.Fatalf("%s: float32 result differs at %d", f.name, i)
			}
		}
	}
}

func TestMedianFilterErrors(t *testing.T) {
	buf := make([]float64, 12)
	tests := []struct {
		name             string
		dst, src         []float64
		rows, cols, size int
	}{
		{"negative rows", buf, buf, -1, 3, 3},
		{"negative cols", buf, buf, 3, -1, 3},
		{"zero size", buf, buf, 3, 4, 0},
		{"short src", buf, buf[:11], 3, 4, 3},
		{"short dst", buf[:5], buf, 3, 4, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := MedianFilterRows(tc.dst, tc.src, tc.rows, tc.cols, tc.size, nil); !errors.Is(err, ErrMedianShape) {
				t.Errorf("rows: err = %v", err)
			}
			if err := MedianFilterCols(tc.dst, tc.src, tc.rows, tc.cols, tc.size, nil); !errors.Is(err, ErrMedianShape) {
				t.Errorf("cols: err = %v", err)
			}
		})
	}
	if err := MedianFilterRows(buf, buf, 0, 0, 31, nil); err != nil {
		t.Errorf("empty matrix: %v", err)
	}
}

// TestMedianFilterNoAlloc32 checks that the float32 filters, both
// methods, allocate nothing with a scratch from NewMedianScratch.
func TestMedianFilterNoAlloc32(t *testing.T) {
	medianMethods(t, func(t *testing.T) {
		const rows, cols, size, chunk = 300, 1025, 31, 248
		src := medianData32(rand.New(rand.NewSource(4)), rows*cols, "magnitudes")
		dst := make([]float32, len(src))
		s := NewMedianScratch(max(rows, cols), size)
		allocs := testing.AllocsPerRun(5, func() {
			_ = MedianFilterRows(dst, src, rows, cols, size, s)
			_ = MedianFilterCols(dst, src, rows, cols, size, s)
			_ = MedianFilterColsRing(dst[:chunk*cols], src, rows, rows, cols, 0, chunk, size, s)
		})
		if allocs != 0 {
			t.Errorf("allocations per run = %v, want 0", allocs)
		}
	})
}

func TestMedianFilterNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	const rows, cols, size = 64, 100, 31
	src := medianTestMatrix(rng, rows, cols)
	dst := make([]float64, len(src))
	s := NewMedianScratch(max(rows, cols), size)
	allocs := testing.AllocsPerRun(10, func() {
		_ = MedianFilterRows(dst, src, rows, cols, size, s)
		_ = MedianFilterCols(dst, src, rows, cols, size, s)
	})
	if allocs != 0 {
		t.Errorf("allocations per run = %v, want 0", allocs)
	}
}

func benchmarkMedian(b *testing.B, cols bool) {
	const rows, ncols, size = 1025, 1293, 31
	src := medianTestMatrix(rand.New(rand.NewSource(5)), rows, ncols)
	dst := make([]float64, len(src))
	benchmarkMedianOf(b, dst, src, rows, ncols, size, cols)
}

func benchmarkMedian32(b *testing.B, cols bool) {
	const rows, ncols, size = 1025, 1293, 31
	src64 := medianTestMatrix(rand.New(rand.NewSource(5)), rows, ncols)
	src := make([]float32, len(src64))
	for i, v := range src64 {
		src[i] = float32(v)
	}
	dst := make([]float32, len(src))
	benchmarkMedianOf(b, dst, src, rows, ncols, size, cols)
}

func benchmarkMedianOf[T MedianFloat](b *testing.B, dst, src []T, rows, ncols, size int, cols bool) {
	s := NewMedianScratch(max(rows, ncols), size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if cols {
			err = MedianFilterCols(dst, src, rows, ncols, size, s)
		} else {
			err = MedianFilterRows(dst, src, rows, ncols, size, s)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMedianFilterRows is the harmonic filter of one 30-s GTZAN clip:
// 1025 bins × 1293 frames, 31 frames along time.
func BenchmarkMedianFilterRows(b *testing.B) { benchmarkMedian(b, false) }

// BenchmarkMedianFilterCols is the percussive filter of one 30-s GTZAN
// clip: 1025 bins × 1293 frames, 31 bins along frequency.
func BenchmarkMedianFilterCols(b *testing.B) { benchmarkMedian(b, true) }

// BenchmarkMedianFilterRows32 is BenchmarkMedianFilterRows on float32 data
// (the block-pair method).
func BenchmarkMedianFilterRows32(b *testing.B) { benchmarkMedian32(b, false) }

// BenchmarkMedianFilterCols32 is BenchmarkMedianFilterCols on float32
// data (the block-pair method).
func BenchmarkMedianFilterCols32(b *testing.B) { benchmarkMedian32(b, true) }

// ringFilter runs MedianFilterColsRing over src chunk by chunk, feeding a
// ring of chunk+size−1 rows the way a streaming caller does, and returns
// the whole result. A row that has left the ring is overwritten, so reading
// it would change the result.
func ringFilter[T MedianFloat](t *testing.T, src []T, rows, cols, size, chunk int) []T {
	t.Helper()
	after := size - 1 - size/2
	ringRows := chunk + size - 1
	ring := make([]T, ringRows*cols)
	out := make([]T, rows*cols)
	s := &MedianScratch{}
	have := 0 // rows copied into the ring
	for r0 := 0; r0 < rows; r0 += chunk {
		n := min(chunk, rows-r0)
		need := min(rows, r0+n+after)
		for ; have < need; have++ {
			copy(ring[have%ringRows*cols:], src[have*cols:(have+1)*cols])
		}
		if err := MedianFilterColsRing(out[r0*cols:(r0+n)*cols], ring, ringRows, rows, cols, r0, n, size, s); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestMedianFilterColsRing(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, tc := range []struct{ rows, cols, size, chunk int }{
		{100, 7, 31, 31}, {100, 40, 31, 62}, {300, 33, 31, 248}, {5, 3, 31, 31},
		{20, 5, 31, 4}, {64, 9, 8, 16}, {90, 4, 1, 10}, {80, 6, 40, 13}, {1, 1, 3, 1},
	} {
		m := medianTestMatrix(rng, tc.rows, tc.cols)
		want := make([]float64, len(m))
		if err := MedianFilterCols(want, m, tc.rows, tc.cols, tc.size, nil); err != nil {
			t.Fatal(err)
		}
		if got := ringFilter(t, m, tc.rows, tc.cols, tc.size, tc.chunk); !slices.Equal(got, want) {
			t.Errorf("%+v float64: ring result differs", tc)
		}
		m32 := make([]float32, len(m))
		for i, v := range m {
			m32[i] = float32(v)
		}
		want32 := make([]float32, len(m))
		if err := MedianFilterCols(want32, m32, tc.rows, tc.cols, tc.size, nil); err != nil {
			t.Fatal(err)
		}
		if got := ringFilter(t, m32, tc.rows, tc.cols, tc.size, tc.chunk); !slices.Equal(got, want32) {
			t.Errorf("%+v float32: ring result differs", tc)
		}
	}
	if err := MedianFilterColsRing(make([]float32, 4), make([]float32, 4), 2, 3, 2, 2, 2, 3, nil); err == nil {
		t.Error("rows beyond the matrix: no error")
	}
}

// BenchmarkMedianHPSS32 is the separation's median filtering of one 30-s
// clip as internal/features does it: the percussive filter (31 bins along
// frequency) on each of 1293 frames of 1025 float32 magnitudes as it is
// computed, and the harmonic one (31 frames along time) on chunks of 248
// frames from a ring of 278.
func BenchmarkMedianHPSS32(b *testing.B) {
	const bins, frames, size, chunk = 1025, 1293, 31, 248
	const ringRows = chunk + size - 1
	rng := rand.New(rand.NewSource(8))
	src := make([]float32, frames*bins)
	for i := range src {
		src[i] = float32(math.Abs(rng.NormFloat64()))
	}
	ring := make([]float32, ringRows*bins)
	perc := make([]float32, ringRows*bins)
	harm := make([]float32, chunk*bins)
	s := NewMedianScratch(bins, size)
	after := size - 1 - size/2
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := 0
		for t := 0; t < frames; t++ {
			slot := t % ringRows
			row := ring[slot*bins : (slot+1)*bins]
			copy(row, src[t*bins:(t+1)*bins])
			if err := MedianFilterRows(perc[slot*bins:(slot+1)*bins], row, 1, bins, size, s); err != nil {
				b.Fatal(err)
			}
			for next < frames {
				n := min(chunk, frames-next)
				if t+1 < min(frames, next+n+after) {
					break
				}
				if err := MedianFilterColsRing(harm[:n*bins], ring, ringRows, frames, bins, next, n, size, s); err != nil {
					b.Fatal(err)
				}
				next += n
			}
		}
	}
}

// TestSortBlock checks the sorting network of the block-pair method against
// a sort, on blocks of every length with random keys, many ties, and 0–1
// inputs (a comparator network that sorts every 0–1 input sorts every
// input; these are a random sample of them).
func TestSortBlock(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	var items [medianSlots]uint64
	for trial := 0; trial < 20000; trial++ {
		n := 1 + rng.Intn(maxBlockWindow)
		blk := make([]uint32, n)
		for i := range blk {
			switch trial % 3 {
			case 0:
				blk[i] = rng.Uint32()
			case 1:
				blk[i] = uint32(rng.Intn(4))
			default:
				blk[i] = uint32(rng.Intn(2)) << 31
			}
		}
		slot0 := rng.Intn(medianSlots - maxBlockWindow)
		want := make([]uint64, maxBlockWindow)
		for i := range want {
			want[i] = medianSentinel
		}
		for i, k := range blk {
			want[i] = uint64(k)<<32 | uint64(slot0+i)
		}
		slices.Sort(want)
		sortBlock(&items, blk, slot0)
		if !slices.Equal(items[:maxBlockWindow], want) {
			t.Fatalf("trial %d, %d keys: got %x, want %x", trial, n, items[:maxBlockWindow], want)
		}
	}
}
