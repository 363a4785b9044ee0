package dsp

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// medianMethods runs f once for each float32 method of this machine: the
// lane kernel (where it exists) and the block-pair method.
func medianMethods(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func(on bool) { lanesEnabled = on }(lanesEnabled)
	methods := []struct {
		name  string
		lanes bool
	}{{"blocks", false}, {"lanes", true}}
	for _, m := range methods {
		if m.lanes && !haveLanes {
			t.Logf("no lane kernel on this machine")
			continue
		}
		lanesEnabled = m.lanes
		t.Run(m.name, f)
	}
}

// naiveMedian32 is the float32 reference: sort every window by the order
// keys (so −0 sorts below +0 and the result's bits are defined) and take
// the element of rank size/2.
func naiveMedian32(x []float32, size int) []float32 {
	n := len(x)
	out := make([]float32, n)
	w := make([]uint32, size)
	for i := range x {
		for k := range w {
			w[k] = orderKey32(x[medianMirror(i-size/2+k, n)])
		}
		slices.Sort(w)
		out[i] = keyValue32(w[size/2])
	}
	return out
}

// medianData32 returns n float32 values of the given kind.
func medianData32(rng *rand.Rand, n int, kind string) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch kind {
		case "magnitudes": // |STFT|: non-negative, some exact zeros
			if rng.Intn(10) == 0 {
				x[i] = 0
			} else {
				x[i] = float32(math.Abs(rng.NormFloat64()))
			}
		case "ties": // few distinct values, signed zeros among them
			x[i] = []float32{-1, float32(math.Copysign(0, -1)), 0, 0.5, 2}[rng.Intn(5)]
		case "signed": // both signs, extremes and subnormals
			switch rng.Intn(8) {
			case 0:
				x[i] = float32(math.Copysign(0, -1))
			case 1:
				x[i] = []float32{math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)),
					float32(math.Inf(-1)), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}[rng.Intn(6)]
			default:
				x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.Intn(10)-5)))
			}
		default: // "sorted": monotone runs, the worst case for shifts
			x[i] = float32(i/7) - float32(n/14)
		}
	}
	return x
}

// sameBits reports whether a and b hold the same float32 bit patterns.
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// TestMedianFloat32Methods checks the float32 filters, with both methods,
// bit for bit against the sorting reference: every window size of the
// fast paths, lines shorter than half a window up to several blocks, all
// kinds of data, rows and columns (including column counts that are not
// multiples of the lane count), in place and not.
func TestMedianFloat32Methods(t *testing.T) {
	medianMethods(t, func(t *testing.T) {
		rng := rand.New(rand.NewSource(21))
		var s MedianScratch
		for _, kind := range []string{"magnitudes", "ties", "signed", "sorted"} {
			for _, size := range []int{2, 3, 4, 5, 8, 15, 16, 17, 30, 31, 32} {
				for _, n := range []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 62, 63, 64, 65, 130, 1025} {
					for _, lines := range []int{1, 3, 8, 11} {
						name := fmt.Sprintf("%s size %d n %d lines %d", kind, size, n, lines)
						x := medianData32(rng, n*lines, kind)
						want := make([]float32, len(x))
						for r := 0; r < lines; r++ {
							copy(want[r*n:], naiveMedian32(x[r*n:(r+1)*n], size))
						}
						got := make([]float32, len(x))
						if err := MedianFilterRows(got, x, lines, n, size, &s); err != nil {
							t.Fatal(err)
						}
						if !sameBits(got, want) {
							t.Fatalf("%s: rows differ", name)
						}
						in := slices.Clone(x)
						if err := MedianFilterRows(in, in, lines, n, size, &s); err != nil {
							t.Fatal(err)
						}
						if !sameBits(in, want) {
							t.Fatalf("%s: rows in place differ", name)
						}
						// The same lines as the columns of the transpose.
						tr := make([]float32, len(x))
						for r := 0; r < lines; r++ {
							for i := 0; i < n; i++ {
								tr[i*lines+r] = x[r*n+i]
							}
						}
						if err := MedianFilterCols(got, tr, n, lines, size, &s); err != nil {
							t.Fatal(err)
						}
						in = slices.Clone(tr)
						if err := MedianFilterCols(in, in, n, lines, size, &s); err != nil {
							t.Fatal(err)
						}
						for r := 0; r < lines; r++ {
							for i := 0; i < n; i++ {
								w := math.Float32bits(want[r*n+i])
								if math.Float32bits(got[i*lines+r]) != w || math.Float32bits(in[i*lines+r]) != w {
									t.Fatalf("%s: cols differ at line %d index %d", name, r, i)
								}
							}
						}
					}
				}
			}
		}
	})
}

// TestMedianFilterColsRing32 checks the ring filter on float32 data with
// both methods against MedianFilterCols, bit for bit: chunk sizes that do
// and do not divide the row count, rows fewer than the window, and column
// counts below, at and around the lane count (the kernel's last group of
// columns overlaps the one before).
func TestMedianFilterColsRing32(t *testing.T) {
	medianMethods(t, func(t *testing.T) {
		rng := rand.New(rand.NewSource(22))
		for _, tc := range []struct{ rows, cols, size, chunk int }{
			{1293, 37, 31, 248}, {300, 1025, 31, 248}, {100, 7, 31, 31}, {100, 8, 31, 62},
			{100, 9, 31, 17}, {5, 12, 31, 31}, {20, 13, 31, 4}, {16, 16, 31, 248}, {64, 9, 8, 16},
			{90, 10, 2, 10}, {80, 23, 32, 13}, {1, 9, 3, 1}, {47, 15, 30, 46},
		} {
			for _, kind := range []string{"magnitudes", "ties", "signed"} {
				m := medianData32(rng, tc.rows*tc.cols, kind)
				want := make([]float32, len(m))
				if err := MedianFilterCols(want, m, tc.rows, tc.cols, tc.size, nil); err != nil {
					t.Fatal(err)
				}
				for c := 0; c < tc.cols; c++ {
					line := make([]float32, tc.rows)
					for r := range line {
						line[r] = m[r*tc.cols+c]
					}
					for r, w := range naiveMedian32(line, tc.size) {
						if math.Float32bits(want[r*tc.cols+c]) != math.Float32bits(w) {
							t.Fatalf("%+v %s: cols differ from the reference", tc, kind)
						}
					}
				}
				if got := ringFilter(t, m, tc.rows, tc.cols, tc.size, tc.chunk); !sameBits(got, want) {
					t.Errorf("%+v %s: ring result differs", tc, kind)
				}
			}
		}
	})
}

// TestMedianLanesKernelChecks checks that the lane kernel's wrapper
// refuses arguments that would take it out of its slices.
func TestMedianLanesKernelChecks(t *testing.T) {
	const n, size = 4, 3
	src := make([]float32, (n+size-1)*medianLanes)
	dst := make([]float32, n*medianLanes)
	win := make([]int32, (size+1)*medianLanes)
	var s MedianScratch
	offs := slices.Clone(s.laneSeq(n + size - 1).offs)
	if haveLanes {
		lanesKernel(dst, medianLanes, src, checkLines(offs), n, size, win) // valid
	}
	bad := slices.Clone(offs)
	bad[len(bad)-1]++
	for _, tc := range []struct {
		name string
		call func()
	}{
		{"short dst", func() { lanesKernel(dst[:len(dst)-1], medianLanes, src, checkLines(offs), n, size, win) }},
		{"narrow stride", func() { lanesKernel(dst, medianLanes-1, src, checkLines(offs), n, size, win) }},
		{"offset beyond src", func() { lanesKernel(dst, medianLanes, src, checkLines(bad), n, size, win) }},
		{"negative offset", func() { bad := slices.Clone(offs); bad[1] = -1; checkLines(bad) }},
		{"short offsets", func() { lanesKernel(dst, medianLanes, src, checkLines(offs[:n]), n, size, win) }},
		{"short window", func() { lanesKernel(dst, medianLanes, src, checkLines(offs), n, size, win[:size*medianLanes]) }},
		{"size 1", func() { lanesKernel(dst, medianLanes, src, checkLines(offs), n, 1, win) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.call()
		})
	}
}

// TestMedianTranspose checks the lane kernel's transposes into and out of
// 8-wide matrices (whole 8×8 blocks by the vector kernel where there is
// one, the rest one by one) against the definition, for segment lengths
// below, at and above multiples of 8, and the checks of the vector one.
func TestMedianTranspose(t *testing.T) {
	for seg := 1; seg <= 41; seg++ {
		for _, extra := range []int{0, 1, 7, 30} {
			steps := seg + extra
			line := make([]float32, medianLanes*seg+extra)
			for i := range line {
				line[i] = float32(i)
			}
			in := make([]float32, steps*medianLanes)
			if haveLanes || steps < medianLanes {
				transposeIn(in, line, seg, steps)
				for j := 0; j < steps; j++ {
					for k := 0; k < medianLanes; k++ {
						if in[j*medianLanes+k] != line[k*seg+j] {
							t.Fatalf("seg %d steps %d: in[%d][%d] = %v", seg, steps, j, k, in[j*medianLanes+k])
						}
					}
				}
			}
			if haveLanes || seg < medianLanes {
				res := make([]float32, medianLanes*seg)
				transposeOut(res, in, seg)
				for i := 0; i < seg; i++ {
					for k := 0; k < medianLanes; k++ {
						if res[k*seg+i] != in[i*medianLanes+k] {
							t.Fatalf("seg %d: res[%d] = %v", seg, k*seg+i, res[k*seg+i])
						}
					}
				}
			}
		}
	}
	buf := make([]float32, 128)
	for _, tc := range []struct {
		name string
		call func()
	}{
		{"short dst", func() { transposeBlocks(buf[:63], 8, 64, buf, 8, 64, 1) }},
		{"short src", func() { transposeBlocks(buf, 8, 64, buf[:120], 8, 64, 2) }},
		{"zero stride", func() { transposeBlocks(buf, 0, 64, buf, 8, 64, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.call()
		})
	}
}

// TestMedianLanesExtremeKeys checks the float32 filters, with both
// methods, on the bit patterns whose order keys are the extremes (the
// NaNs 0x7fffffff and 0xffffffff map to the lane kernel's sentinels), ±0,
// ±Inf and the smallest subnormals, many tied, at and around HPSS's window
// of 31 (the lane kernel's unrolled path), for random line lengths (odd
// and even output counts per lane) along rows and, chunk by chunk, along
// columns.
func TestMedianLanesExtremeKeys(t *testing.T) {
	bits := []uint32{0x7fffffff, 0xffffffff, 0x80000000, 0, 0x7f800000, 0xff800000, 1, 0x80000001, 0x3f800000}
	medianMethods(t, func(t *testing.T) {
		rng := rand.New(rand.NewSource(23))
		var s MedianScratch
		for trial := 0; trial < 60; trial++ {
			size := 30 + trial%3
			n := 1 + rng.Intn(300)
			x := make([]float32, n)
			for i := range x {
				x[i] = math.Float32frombits(bits[rng.Intn(len(bits))])
			}
			want := naiveMedian32(x, size)
			got := make([]float32, n)
			if err := MedianFilterRows(got, x, 1, n, size, &s); err != nil {
				t.Fatal(err)
			}
			if !sameBits(got, want) {
				t.Fatalf("size %d n %d: rows differ", size, n)
			}
			// The same line as each of 9 columns, filtered through a ring.
			cols := 9
			m := make([]float32, n*cols)
			for r, v := range x {
				for c := 0; c < cols; c++ {
					m[r*cols+c] = v
				}
			}
			ring := ringFilter(t, m, n, cols, size, 1+rng.Intn(n+40))
			for r := 0; r < n; r++ {
				for c := 0; c < cols; c++ {
					if math.Float32bits(ring[r*cols+c]) != math.Float32bits(want[r]) {
						t.Fatalf("size %d n %d: ring differs at row %d column %d", size, n, r, c)
					}
				}
			}
		}
	})
}
