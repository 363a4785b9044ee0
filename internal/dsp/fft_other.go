//go:build !amd64 || purego

package dsp

// useSIMD reports whether new plans use the vector kernels; there are none
// for this architecture or with the purego build tag, so the plans run the
// pure-Go transform.
var useSIMD = false

// firstPassGather is firstPassGatherGo: never used while useSIMD is false,
// but it keeps the SIMD driver buildable and testable everywhere.
func firstPassGather(dst, src []complex128, rev []int32, inverse bool) {
	firstPassGatherGo(dst, src, rev, inverse)
}

// radix4Pass is radix4PassGo.
func radix4Pass(dst, src []complex128, tw []float64, m int, inverse bool) {
	radix4PassGo(dst, src, tw, m, inverse)
}

// radix2Pass is radix2PassGo.
func radix2Pass(dst, src []complex128, tw []float64, inverse bool) {
	radix2PassGo(dst, src, tw, inverse)
}

// untangle is untangleGo.
func untangle(dst, src []complex128, tw []float64, scale float64, m int) {
	untangleGo(dst, src, tw, scale, m)
}
