//go:build amd64 && !purego

package dsp

import "golang.org/x/sys/cpu"

// useSIMD reports whether new plans use the AVX2+FMA kernels of
// fft_amd64.s. Tests set it to false to build plans on the pure-Go path.
var useSIMD = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// firstPassGatherAVX computes the first two radix-2 stages of a transform
// of length n = len(dst) (a multiple of 8) from the natural-order input src
// (length n) straight into dst in bit-reversed order: dst[i:i+4] is the
// length-4 transform of src[rev[i]+{0, n/2, n/4, 3n/4}] for i ≡ 0 mod 4,
// with −i as the primitive fourth root of unity, or +i when inverse. rev is
// the bit-reversal table of length n; dst and src must not overlap.
//
//go:noescape
func firstPassGatherAVX(dst, src []complex128, rev []int32, inverse bool)

// radix4FwdAVX runs one forward radix-4 decimation-in-time pass over the
// len(dst) values of src into dst (which may be src): every block of 4m
// values (four bit-reversed-order runs of m ≥ 2, m even) becomes one run
// of 4m. tw is the pass's table of split twiddle factors (see
// simdTwiddles): 24 float64 per pair of columns, 12m in all.
//
//go:noescape
func radix4FwdAVX(dst, src []complex128, tw []float64, m int)

// radix4InvAVX is radix4FwdAVX for the inverse transform: the same table,
// read as its conjugates, and +i for −i.
//
//go:noescape
func radix4InvAVX(dst, src []complex128, tw []float64, m int)

// radix2FwdAVX runs a final forward radix-2 pass merging the two halves of
// src (length 2m, m ≥ 2 even) into dst (which may be src): dst[k] and
// dst[k+m] are src[k] ± W^k·src[k+m], W = exp(−2πi/2m), with the split
// twiddles tw (8 float64 per pair of columns, 4m in all).
//
//go:noescape
func radix2FwdAVX(dst, src []complex128, tw []float64)

// radix2InvAVX is radix2FwdAVX with the conjugate twiddles.
//
//go:noescape
func radix2InvAVX(dst, src []complex128, tw []float64)

// untangleAVX computes, for k = 2, 3, …, m/2−1, with A = src[k] and
// B = conj(src[m−k]): dst[k] = scale·(A+B) + u_k·(A−B) and dst[m−k] =
// conj(scale·(A+B) − u_k·(A−B)), u_k read from the split table tw (8
// float64 per pair k, k+1, starting at k = 0). m ≥ 8 is a power of two;
// src needs m+1 values at most, dst the same, and dst may be src.
//
//go:noescape
func untangleAVX(dst, src []complex128, tw []float64, scale float64, m int)

// firstPassGather is firstPassGatherAVX (see there).
func firstPassGather(dst, src []complex128, rev []int32, inverse bool) {
	firstPassGatherAVX(dst, src, rev, inverse)
}

// radix4Pass runs radix4FwdAVX or radix4InvAVX.
func radix4Pass(dst, src []complex128, tw []float64, m int, inverse bool) {
	if inverse {
		radix4InvAVX(dst, src, tw, m)
	} else {
		radix4FwdAVX(dst, src, tw, m)
	}
}

// radix2Pass runs radix2FwdAVX or radix2InvAVX.
func radix2Pass(dst, src []complex128, tw []float64, inverse bool) {
	if inverse {
		radix2InvAVX(dst, src, tw)
	} else {
		radix2FwdAVX(dst, src, tw)
	}
}

// untangle is untangleAVX (see there).
func untangle(dst, src []complex128, tw []float64, scale float64, m int) {
	untangleAVX(dst, src, tw, scale, m)
}
