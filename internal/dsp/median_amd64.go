//go:build amd64 && !purego

package dsp

// cpuidex executes CPUID with EAX = leaf and ECX = sub.
func cpuidex(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv0 reads extended control register 0 (the OS-enabled register
// state).
func xgetbv0() (lo, hi uint32)

// medianLanes8 is the lane kernel of the float32 median filters (see
// median_lanes.go): running medians of windows of size values on 8 lanes
// at once. Line value j of lane k is src[offs[j]+k], j = 0 … n+size−2;
// output i of lane k goes to dst[i·dstStride+k], i = 0 … n−1. win is
// scratch for (size+1)·8 int32. n ≥ 1, size ≥ 2. It trusts its arguments:
// callers go through lanesKernel, which checks them.
//
//go:noescape
func medianLanes8(dst *float32, dstStride int, src *float32, offs *int, n, size int, win *int32)

// haveLanes reports whether the CPU and OS support the AVX2 lane kernel.
var haveLanes = detectAVX2()

// detectAVX2 reports AVX2 support: the CPUID feature bit, and the OS
// saving the YMM registers (OSXSAVE, and XCR0 bits 1 and 2).
func detectAVX2() bool {
	maxLeaf, _, _, _ := cpuidex(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuidex(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuidex(7, 0)
	return b7&(1<<5) != 0
}

// callLanes8 runs the lane kernel on checked arguments.
func callLanes8(dst []float32, dstStride int, src []float32, offs []int, n, size int, win []int32) {
	medianLanes8(&dst[0], dstStride, &src[0], &offs[0], n, size, &win[0])
}

// transpose8 transposes blocks 8×8 blocks of float32 (see median_lanes.go,
// transposeBlocks, which checks its arguments).
//
//go:noescape
func transpose8(dst *float32, dstRow, dstStep int, src *float32, srcRow, srcStep, blocks int)

// callTranspose8 runs transpose8 on checked arguments.
func callTranspose8(dst []float32, dstRow, dstStep int, src []float32, srcRow, srcStep, blocks int) {
	transpose8(&dst[0], dstRow, dstStep, &src[0], srcRow, srcStep, blocks)
}
