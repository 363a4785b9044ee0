//go:build amd64 && !purego

#include "textflag.h"

// AVX2+FMA kernels of the FFT (see fft_amd64.go for their Go declarations
// and fft_simd.go for the transform they belong to).
//
// Data layout: complex128 values are (re, im) pairs of float64, so one YMM
// register holds two consecutive complex values [z0.re z0.im z1.re z1.im].
// Twiddle factors are stored "split": for the two values a register
// multiplies, one vector of real parts [w0.re w0.re w1.re w1.re] and one of
// imaginary parts [w0.im w0.im w1.im w1.im], so that
//
//	w·b = b·wre − swap(b)·wim in the real lanes, + in the imaginary lanes,
//
// where swap exchanges re and im (VPERMILPD $5): one VMULPD and one
// VFMADDSUB (which subtracts in the even, real, lanes and adds in the odd,
// imaginary, ones). With the same tables VFMSUBADD computes conj(w)·b,
// which the inverse transforms use.

// signodd<> flips the sign of the imaginary lanes (conjugation; after a
// swap, multiplication by −i). signeven<> flips the real lanes (after a
// swap, multiplication by +i).
DATA signodd<>+0(SB)/8, $0x0000000000000000
DATA signodd<>+8(SB)/8, $0x8000000000000000
DATA signodd<>+16(SB)/8, $0x0000000000000000
DATA signodd<>+24(SB)/8, $0x8000000000000000
GLOBL signodd<>(SB), RODATA|NOPTR, $32

DATA signeven<>+0(SB)/8, $0x8000000000000000
DATA signeven<>+8(SB)/8, $0x0000000000000000
DATA signeven<>+16(SB)/8, $0x8000000000000000
DATA signeven<>+24(SB)/8, $0x0000000000000000
GLOBL signeven<>(SB), RODATA|NOPTR, $32

// CMUL sets t = w·b (FMA = VFMADDSUB231PD) or conj(w)·b (FMA =
// VFMSUBADD231PD) for the split twiddles at re(w) and im(w).
#define CMUL(FMA, b, t, rew, imw) \
	VPERMILPD $5, b, t; \
	VMULPD    imw, t, t; \
	FMA       rew, b, t

// RADIX4 is the body of the radix-4 passes: runs of m values (CX = 16m
// bytes, R11 = 3·CX) become runs of 4m, reading src (SI) and writing dst
// (DI), n values in all (R8 = 16n bytes), with the twiddles at DX: per
// pair of columns k, k+1, the split W^k, W^2k, W^3k (192 bytes). Each
// register holds columns k, k+1 of one quarter of a block.
#define RADIX4(FMA) \
	MOVQ    dst_base+0(FP), DI; \
	MOVQ    dst_len+8(FP), R8; \
	SHLQ    $4, R8; \
	MOVQ    src_base+24(FP), SI; \
	MOVQ    tw_base+48(FP), DX; \
	MOVQ    m+72(FP), CX; \
	SHLQ    $4, CX; \
	LEAQ    (CX)(CX*2), R11; \
	XORQ    BX, BX; \
	LEAQ    signodd<>(SB), AX; \
	VMOVUPD (AX), Y15

// RADIX4LOOP runs the blocks (BX: block offset) and their columns (AX:
// column offset, R9: twiddles).
#define RADIX4LOOP(FMA, SIGN, blk, col) \
blk: \
	XORQ    AX, AX; \
	MOVQ    DX, R9; \
col: \
	LEAQ    (SI)(BX*1), R10; \
	ADDQ    AX, R10; \
	VMOVUPD (R10), Y0; \
	VMOVUPD (R10)(CX*1), Y1; \
	VMOVUPD (R10)(CX*2), Y2; \
	VMOVUPD (R10)(R11*1), Y3; \
	CMUL(FMA, Y2, Y4, (R9), 32(R9)); \
	CMUL(FMA, Y1, Y5, 64(R9), 96(R9)); \
	CMUL(FMA, Y3, Y6, 128(R9), 160(R9)); \
	VADDPD  Y5, Y0, Y7; \
	VSUBPD  Y5, Y0, Y8; \
	VADDPD  Y6, Y4, Y9; \
	VSUBPD  Y6, Y4, Y10; \
	VPERMILPD $5, Y10, Y10; \
	VXORPD  SIGN, Y10, Y10; \
	VADDPD  Y9, Y7, Y0; \
	VSUBPD  Y9, Y7, Y2; \
	VADDPD  Y10, Y8, Y1; \
	VSUBPD  Y10, Y8, Y3; \
	LEAQ    (DI)(BX*1), R10; \
	ADDQ    AX, R10; \
	VMOVUPD Y0, (R10); \
	VMOVUPD Y1, (R10)(CX*1); \
	VMOVUPD Y2, (R10)(CX*2); \
	VMOVUPD Y3, (R10)(R11*1); \
	ADDQ    $192, R9; \
	ADDQ    $32, AX; \
	CMPQ    AX, CX; \
	JLT     col; \
	LEAQ    (BX)(CX*4), BX; \
	CMPQ    BX, R8; \
	JLT     blk; \
	VZEROUPPER; \
	RET

// RADIX2 is the last radix-2 pass: dst[k], dst[k+m] = src[k] ± W^k·src[k+m]
// for k < m = len(dst)/2, with split twiddles per pair of columns (64
// bytes).
#define RADIX2(FMA, loop) \
	MOVQ    dst_base+0(FP), DI; \
	MOVQ    dst_len+8(FP), CX; \
	SHLQ    $3, CX; \
	MOVQ    src_base+24(FP), SI; \
	MOVQ    tw_base+48(FP), DX; \
	XORQ    AX, AX; \
loop: \
	VMOVUPD (SI)(AX*1), Y0; \
	LEAQ    (SI)(CX*1), R10; \
	VMOVUPD (R10)(AX*1), Y1; \
	CMUL(FMA, Y1, Y2, (DX), 32(DX)); \
	VADDPD  Y2, Y0, Y3; \
	VSUBPD  Y2, Y0, Y4; \
	VMOVUPD Y3, (DI)(AX*1); \
	LEAQ    (DI)(CX*1), R10; \
	VMOVUPD Y4, (R10)(AX*1); \
	ADDQ    $64, DX; \
	ADDQ    $32, AX; \
	CMPQ    AX, CX; \
	JLT     loop; \
	VZEROUPPER; \
	RET

// func firstPassGatherAVX(dst, src []complex128, rev []int32, inverse bool)
//
// Registers: DI dst, SI src, DX rev, CX values left, BX n/8·16, R12
// n/2·16, R13 n/4·16, R9 3n/4·16 (byte offsets), Y15 the ±i sign mask.
// Each iteration transforms the runs of four at i and i+4 (i ≡ 0 mod 8),
// whose values start at src[rev(i)] and src[rev(i)+n/8]: the low lane of
// every register belongs to run i, the high lane to run i+4.
TEXT ·firstPassGatherAVX(SB), NOSPLIT, $0-73
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    src_base+24(FP), SI
	MOVQ    rev_base+48(FP), DX
	MOVBLZX inverse+72(FP), AX
	LEAQ    signodd<>(SB), R8
	LEAQ    signeven<>(SB), R10
	TESTL   AX, AX
	CMOVQNE R10, R8
	VMOVUPD (R8), Y15
	MOVQ    CX, BX
	SHLQ    $1, BX                // n/8 values = 2n bytes
	MOVQ    CX, R12
	SHLQ    $3, R12               // n/2 values = 8n bytes
	MOVQ    CX, R13
	SHLQ    $2, R13               // n/4 values = 4n bytes
	LEAQ    (R12)(R13*1), R9      // 3n/4 values
	TESTQ   CX, CX
	JEQ     fpdone

fploop:
	MOVLQSX (DX), AX
	SHLQ    $4, AX
	LEAQ    (SI)(AX*1), R10       // &src[rev(i)]
	LEAQ    (R10)(BX*1), R11      // &src[rev(i)+n/8]
	VMOVUPD (R10), X0
	VINSERTF128 $1, (R11), Y0, Y0
	VMOVUPD (R10)(R12*1), X1
	VINSERTF128 $1, (R11)(R12*1), Y1, Y1
	VMOVUPD (R10)(R13*1), X2
	VINSERTF128 $1, (R11)(R13*1), Y2, Y2
	VMOVUPD (R10)(R9*1), X3
	VINSERTF128 $1, (R11)(R9*1), Y3, Y3
	VADDPD  Y1, Y0, Y4            // a0
	VSUBPD  Y1, Y0, Y5            // a1
	VADDPD  Y3, Y2, Y6            // a2
	VSUBPD  Y3, Y2, Y7            // a3
	VPERMILPD $5, Y7, Y7
	VXORPD  Y15, Y7, Y7           // ∓i·a3
	VADDPD  Y6, Y4, Y0            // outputs 0
	VSUBPD  Y6, Y4, Y2            // outputs 2
	VADDPD  Y7, Y5, Y1            // outputs 1
	VSUBPD  Y7, Y5, Y3            // outputs 3
	VPERM2F128 $0x20, Y1, Y0, Y8
	VPERM2F128 $0x20, Y3, Y2, Y9
	VPERM2F128 $0x31, Y1, Y0, Y10
	VPERM2F128 $0x31, Y3, Y2, Y11
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVUPD Y11, 96(DI)
	ADDQ    $32, DX
	ADDQ    $128, DI
	SUBQ    $8, CX
	JNZ     fploop

fpdone:
	VZEROUPPER
	RET

// func radix4FwdAVX(dst, src []complex128, tw []float64, m int)
//
// The forward radix-4 pass; see RADIX4. The pair of quarters (m and 2m)
// follows the bit-reversed input order: the quarter at 2m is multiplied by
// W^k, the one at m by W^2k. Y15 holds the mask that makes −i·D from
// swap(D).
TEXT ·radix4FwdAVX(SB), NOSPLIT, $0-80
	RADIX4(VFMADDSUB231PD)
	RADIX4LOOP(VFMADDSUB231PD, Y15, r4fblk, r4fcol)

// func radix4InvAVX(dst, src []complex128, tw []float64, m int)
//
// The inverse radix-4 pass: conjugate twiddles and +i instead of −i.
TEXT ·radix4InvAVX(SB), NOSPLIT, $0-80
	RADIX4(VFMSUBADD231PD)
	LEAQ    signeven<>(SB), AX
	VMOVUPD (AX), Y15
	RADIX4LOOP(VFMSUBADD231PD, Y15, r4iblk, r4icol)

// func radix2FwdAVX(dst, src []complex128, tw []float64)
TEXT ·radix2FwdAVX(SB), NOSPLIT, $0-72
	RADIX2(VFMADDSUB231PD, r2floop)

// func radix2InvAVX(dst, src []complex128, tw []float64)
TEXT ·radix2InvAVX(SB), NOSPLIT, $0-72
	RADIX2(VFMSUBADD231PD, r2iloop)

// func untangleAVX(dst, src []complex128, tw []float64, scale float64, m int)
//
// For k = 2, 4, …, m/2−2 and the pairs k, k+1 in one register: A =
// src[k:k+2], B = conj(src[m−k], src[m−k−1]) (loaded reversed, lanes
// swapped by VPERMPD $0x4E), E = scale·(A+B), T = u_k·(A−B) with u_k the
// split twiddles of pair k/2 (64 bytes each), dst[k:k+2] = E+T and
// dst[m−k−1:m−k+1] = conj(E−T) with its lanes swapped back.
// Registers: AX offset of k, BX offset of m−k−1, Y13 scale, Y15 signodd.
TEXT ·untangleAVX(SB), NOSPLIT, $0-88
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    tw_base+48(FP), DX
	VBROADCASTSD scale+72(FP), Y13
	MOVQ    m+80(FP), CX
	LEAQ    signodd<>(SB), AX
	VMOVUPD (AX), Y15
	MOVQ    CX, BX
	SUBQ    $3, BX
	SHLQ    $4, BX                // m−3 (k = 2)
	SHLQ    $3, CX                // m/2 in bytes: end of k
	MOVQ    $32, AX               // k = 2
	ADDQ    $64, DX
	CMPQ    AX, CX
	JGE     undone

unloop:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (SI)(BX*1), Y1
	VPERMPD $0x4E, Y1, Y1
	VXORPD  Y15, Y1, Y1
	VADDPD  Y1, Y0, Y2
	VMULPD  Y13, Y2, Y2           // E
	VSUBPD  Y1, Y0, Y3
	CMUL(VFMADDSUB231PD, Y3, Y4, (DX), 32(DX)) // T
	VADDPD  Y4, Y2, Y5
	VSUBPD  Y4, Y2, Y6
	VXORPD  Y15, Y6, Y6
	VPERMPD $0x4E, Y6, Y6
	VMOVUPD Y5, (DI)(AX*1)
	VMOVUPD Y6, (DI)(BX*1)
	ADDQ    $64, DX
	ADDQ    $32, AX
	SUBQ    $32, BX
	CMPQ    AX, CX
	JLT     unloop

undone:
	VZEROUPPER
	RET
