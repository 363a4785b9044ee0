//go:build amd64 && !purego

package dsp

import "golang.org/x/sys/cpu"

// medianLanes8 is the lane kernel of the float32 median filters (see
// median_lanes.go): running medians of windows of size values on 8 lanes
// at once. Line value j of lane k is src[offs[j]+k], j = 0 … n+size−2;
// output i of lane k goes to dst[i·dstStride+k], i = 0 … n−1. win is
// scratch for (size+1)·8 int32. n ≥ 1, size ≥ 2. It trusts its arguments:
// callers go through lanesKernel, which checks them.
//
//go:noescape
func medianLanes8(dst *float32, dstStride int, src *float32, offs *int, n, size int, win *int32)

// haveLanes reports whether the CPU and OS support the AVX2 lane kernel
// (golang.org/x/sys/cpu checks that the OS saves the YMM registers too).
var haveLanes = cpu.X86.HasAVX2

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
