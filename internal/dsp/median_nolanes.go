//go:build !amd64 || purego

package dsp

// haveLanes reports whether the lane kernel exists: not on this platform.
const haveLanes = false

// callLanes8 is never called where haveLanes is false.
func callLanes8(dst []float32, dstStride int, src []float32, offs []int, n, size int, win []int32) {
	panic("dsp: no median lane kernel on this platform")
}

// callTranspose8 is never called where haveLanes is false.
func callTranspose8(dst []float32, dstRow, dstStep int, src []float32, srcRow, srcStep, blocks int) {
	panic("dsp: no transpose kernel on this platform")
}
