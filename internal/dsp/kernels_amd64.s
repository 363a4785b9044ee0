//go:build amd64 && !purego

#include "textflag.h"

// func dotAVX(a, b []float64) float64
//
// Four accumulators of four float64 each take 16 products per iteration
// (fused multiply-add), then groups of four, then single values; the
// sixteen lanes are added pairwise at the end.
TEXT ·dotAVX(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, DX
	ANDQ   $-16, DX
	JZ     quads

sixteens:
	VMOVUPD     (SI)(AX*8), Y4
	VMOVUPD     32(SI)(AX*8), Y5
	VMOVUPD     64(SI)(AX*8), Y6
	VMOVUPD     96(SI)(AX*8), Y7
	VFMADD231PD (DI)(AX*8), Y4, Y0
	VFMADD231PD 32(DI)(AX*8), Y5, Y1
	VFMADD231PD 64(DI)(AX*8), Y6, Y2
	VFMADD231PD 96(DI)(AX*8), Y7, Y3
	ADDQ        $16, AX
	CMPQ        AX, DX
	JLT         sixteens

quads:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  reduce

quadloop:
	VMOVUPD     (SI)(AX*8), Y4
	VFMADD231PD (DI)(AX*8), Y4, Y0
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         quadloop

reduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	CMPQ         AX, CX
	JGE          done

singles:
	VMOVSD      (SI)(AX*8), X4
	VFMADD231SD (DI)(AX*8), X4, X0
	INCQ        AX
	CMPQ        AX, CX
	JLT         singles

done:
	VZEROUPPER
	MOVSD X0, ret+48(FP)
	RET

// func powerMagAVX(spec []complex128, p, mag []float64, p32, m32 []float32)
//
// Four values per iteration: the squares of two registers of two complex
// values each are added pairwise (VHADDPD leaves the powers in the order
// 0, 2, 1, 3, which VPERMPD restores), then square-rooted; both are also
// rounded to float32. Only the first len(spec) rounded down to a multiple
// of four are done.
TEXT ·powerMagAVX(SB), NOSPLIT, $0-120
	MOVQ spec_base+0(FP), SI
	MOVQ spec_len+8(FP), CX
	MOVQ p_base+24(FP), DI
	MOVQ mag_base+48(FP), R8
	MOVQ p32_base+72(FP), R9
	MOVQ m32_base+96(FP), R10
	ANDQ $-4, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  pmdone

pmloop:
	MOVQ       AX, BX
	SHLQ       $4, BX
	VMOVUPD    (SI)(BX*1), Y0
	VMOVUPD    32(SI)(BX*1), Y1
	VMULPD     Y0, Y0, Y0
	VMULPD     Y1, Y1, Y1
	VHADDPD    Y1, Y0, Y2
	VPERMPD    $0xD8, Y2, Y2
	VMOVUPD    Y2, (DI)(AX*8)
	VCVTPD2PSY Y2, X3
	VMOVUPS    X3, (R9)(AX*4)
	VSQRTPD    Y2, Y4
	VMOVUPD    Y4, (R8)(AX*8)
	VCVTPD2PSY Y4, X5
	VMOVUPS    X5, (R10)(AX*4)
	ADDQ       $4, AX
	CMPQ       AX, CX
	JLT        pmloop

pmdone:
	VZEROUPPER
	RET

DATA smallestf32<>+0(SB)/8, $0x3810000000000000 // 2^-126, the smallest normal float32
GLOBL smallestf32<>(SB), RODATA|NOPTR, $8
DATA halfpd<>+0(SB)/8, $0x3fe0000000000000 // 0.5
GLOBL halfpd<>(SB), RODATA|NOPTR, $8

// func softMask2AVX(dst, spec []complex128, x, ref []float32)
//
// Four bins per iteration: the float32 magnitudes are widened, the gains
// a/(a+b) computed with a = x², b = ref², replaced by ½ where both x and
// ref are below 2^-126, then each gain is duplicated onto the real and
// imaginary parts of its bin (VPERMPD) and multiplied in. Only the first
// len(spec) rounded down to a multiple of four bins are done.
TEXT ·softMask2AVX(SB), NOSPLIT, $0-96
	MOVQ         dst_base+0(FP), DI
	MOVQ         spec_base+24(FP), SI
	MOVQ         spec_len+32(FP), CX
	MOVQ         x_base+48(FP), R8
	MOVQ         ref_base+72(FP), R9
	ANDQ         $-4, CX
	XORQ         AX, AX
	VBROADCASTSD smallestf32<>(SB), Y14
	VBROADCASTSD halfpd<>(SB), Y15
	CMPQ         AX, CX
	JGE          smdone

smloop:
	VCVTPS2PD (R8)(AX*4), Y0
	VCVTPS2PD (R9)(AX*4), Y1
	VMULPD    Y0, Y0, Y2
	VMULPD    Y1, Y1, Y3
	VADDPD    Y3, Y2, Y4
	VDIVPD    Y4, Y2, Y5
	VCMPPD    $1, Y14, Y0, Y6
	VCMPPD    $1, Y14, Y1, Y7
	VANDPD    Y7, Y6, Y6
	VBLENDVPD Y6, Y15, Y5, Y5
	VPERMPD   $0x50, Y5, Y8
	VPERMPD   $0xFA, Y5, Y9
	MOVQ      AX, BX
	SHLQ      $4, BX
	VMULPD    (SI)(BX*1), Y8, Y10
	VMULPD    32(SI)(BX*1), Y9, Y11
	VMOVUPD   Y10, (DI)(BX*1)
	VMOVUPD   Y11, 32(DI)(BX*1)
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       smloop

smdone:
	VZEROUPPER
	RET

// func dot32AVX(a []float64, b []float32) float64
//
// dotAVX with b widened from float32 as it is loaded (VCVTPS2PD).
TEXT ·dot32AVX(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, DX
	ANDQ   $-16, DX
	JZ     d32quads

d32sixteens:
	VCVTPS2PD   (DI)(AX*4), Y4
	VCVTPS2PD   16(DI)(AX*4), Y5
	VCVTPS2PD   32(DI)(AX*4), Y6
	VCVTPS2PD   48(DI)(AX*4), Y7
	VFMADD231PD (SI)(AX*8), Y4, Y0
	VFMADD231PD 32(SI)(AX*8), Y5, Y1
	VFMADD231PD 64(SI)(AX*8), Y6, Y2
	VFMADD231PD 96(SI)(AX*8), Y7, Y3
	ADDQ        $16, AX
	CMPQ        AX, DX
	JLT         d32sixteens

d32quads:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  d32reduce

d32quadloop:
	VCVTPS2PD   (DI)(AX*4), Y4
	VFMADD231PD (SI)(AX*8), Y4, Y0
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         d32quadloop

d32reduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	CMPQ         AX, CX
	JGE          d32done

d32singles:
	VCVTSS2SD   (DI)(AX*4), X4, X4
	VFMADD231SD (SI)(AX*8), X4, X0
	INCQ        AX
	CMPQ        AX, CX
	JLT         d32singles

d32done:
	VZEROUPPER
	MOVSD X0, ret+48(FP)
	RET

// func windowAVX(dst []float64, x []float32, w []float64)
//
// dst[i] = float64(x[i])·w[i], four at a time, for i below len(dst)
// rounded down to a multiple of four.
TEXT ·windowAVX(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ w_base+48(FP), DX
	ANDQ $-4, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  wdone

wloop:
	VCVTPS2PD (SI)(AX*4), Y0
	VMULPD    (DX)(AX*8), Y0, Y0
	VMOVUPD   Y0, (DI)(AX*8)
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       wloop

wdone:
	VZEROUPPER
	RET

// func mulAddAVX(dst, a, b []float64)
//
// dst[i] += a[i]·b[i], four at a time, for i below len(dst) rounded down to
// a multiple of four; the product is rounded before the addition (no fused
// multiply-add), as in Go.
TEXT ·mulAddAVX(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	ANDQ $-4, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  madone

maloop:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     maloop

madone:
	VZEROUPPER
	RET

// func maxAVX(x []float64) float64
//
// The largest of x (len(x) ≥ 1, NaN-free): four running maxima of four
// lanes, sixteen values per iteration, then the tail one by one. VMAXPD
// is exact, so the order does not matter.
TEXT ·maxAVX(SB), NOSPLIT, $0-32
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSD (SI), Y0
	VMOVAPD      Y0, Y1
	VMOVAPD      Y0, Y2
	VMOVAPD      Y0, Y3
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-16, DX
	JZ           mxreduce

mxloop:
	VMAXPD (SI)(AX*8), Y0, Y0
	VMAXPD 32(SI)(AX*8), Y1, Y1
	VMAXPD 64(SI)(AX*8), Y2, Y2
	VMAXPD 96(SI)(AX*8), Y3, Y3
	ADDQ   $16, AX
	CMPQ   AX, DX
	JLT    mxloop

mxreduce:
	VMAXPD       Y1, Y0, Y0
	VMAXPD       Y3, Y2, Y2
	VMAXPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VMAXSD       X1, X0, X0
	CMPQ         AX, CX
	JGE          mxdone

mxtail:
	VMAXSD (SI)(AX*8), X0, X0
	INCQ   AX
	CMPQ   AX, CX
	JLT    mxtail

mxdone:
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET

// func gemv12TAVX(dst []float64, wT []float64, x []float32)
//
// dst[r] = Σ_k wT[12k+r]·float64(x[k]) for r < 12, k < len(x): the twelve
// outputs live in three registers (two sets, for even and odd k, so that
// six chains of fused multiply-adds overlap), and each bin's value is
// widened and broadcast to multiply its twelve weights.
TEXT ·gemv12TAVX(SB), NOSPLIT, $0-72
	MOVQ   dst_base+0(FP), DI
	MOVQ   wT_base+24(FP), SI
	MOVQ   x_base+48(FP), DX
	MOVQ   x_len+56(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-2, BX
	JZ     g12tail

g12loop:
	VCVTSS2SD    (DX)(AX*4), X6, X6
	VBROADCASTSD X6, Y6
	VCVTSS2SD    4(DX)(AX*4), X7, X7
	VBROADCASTSD X7, Y7
	VFMADD231PD  (SI), Y6, Y0
	VFMADD231PD  32(SI), Y6, Y1
	VFMADD231PD  64(SI), Y6, Y2
	VFMADD231PD  96(SI), Y7, Y3
	VFMADD231PD  128(SI), Y7, Y4
	VFMADD231PD  160(SI), Y7, Y5
	ADDQ         $192, SI
	ADDQ         $2, AX
	CMPQ         AX, BX
	JLT          g12loop

g12tail:
	CMPQ         AX, CX
	JGE          g12done
	VCVTSS2SD    (DX)(AX*4), X6, X6
	VBROADCASTSD X6, Y6
	VFMADD231PD  (SI), Y6, Y0
	VFMADD231PD  32(SI), Y6, Y1
	VFMADD231PD  64(SI), Y6, Y2

g12done:
	VADDPD  Y3, Y0, Y0
	VADDPD  Y4, Y1, Y1
	VADDPD  Y5, Y2, Y2
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VZEROUPPER
	RET

// func divAVX(dst, d []float64)
//
// dst[i] /= d[i], four at a time, for i below len(dst) rounded down to a
// multiple of four (IEEE division: the same results as one at a time).
TEXT ·divAVX(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ d_base+24(FP), SI
	ANDQ $-4, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  dvdone

dvloop:
	VMOVUPD (DI)(AX*8), Y0
	VDIVPD  (SI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     dvloop

dvdone:
	VZEROUPPER
	RET

// func aboveAVX(mask []uint64, s []float64, ref float64)
//
// Bit j of mask[w] = s[64w+j] > ref, for the len(s)/64 whole words: four
// comparisons per VCMPPD, their four bits (VMOVMSKPD) shifted into place.
TEXT ·aboveAVX(SB), NOSPLIT, $0-56
	MOVQ         mask_base+0(FP), DI
	MOVQ         s_base+24(FP), SI
	MOVQ         s_len+32(FP), DX
	VBROADCASTSD ref+48(FP), Y1
	SHRQ         $6, DX
	JZ           abdone

abword:
	XORQ R8, R8
	XORQ CX, CX

abgroup:
	VMOVUPD   (SI), Y0
	VCMPPD    $14, Y1, Y0, Y2
	VMOVMSKPD Y2, AX
	SHLQ      CX, AX
	ORQ       AX, R8
	ADDQ      $32, SI
	ADDQ      $4, CX
	CMPQ      CX, $64
	JLT       abgroup
	MOVQ      R8, (DI)
	ADDQ      $8, DI
	DECQ      DX
	JNZ       abword

abdone:
	VZEROUPPER
	RET

// func bankAVX(dst, w, x []float64, runs []bankRun)
//
// For each run {row, lo, hi, woff} (four int64s): dst[row] +=
// Σ_{i<hi−lo} w[woff+i]·x[lo+i], in two four-lane accumulators of fused
// multiply-adds, then one value at a time. The caller checks the runs
// against the slices.
TEXT ·bankAVX(SB), NOSPLIT, $0-96
	MOVQ  dst_base+0(FP), DI
	MOVQ  w_base+24(FP), R8
	MOVQ  x_base+48(FP), R9
	MOVQ  runs_base+72(FP), R10
	MOVQ  runs_len+80(FP), R11
	TESTQ R11, R11
	JZ    bkdone

bkrun:
	MOVQ   0(R10), R12          // row
	MOVQ   8(R10), R13          // lo
	MOVQ   16(R10), CX          // hi
	MOVQ   24(R10), BX          // woff
	SUBQ   R13, CX              // n = hi − lo
	LEAQ   (R9)(R13*8), SI      // &x[lo]
	LEAQ   (R8)(BX*8), DX       // &w[woff]
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ   AX, AX
	MOVQ   CX, R13
	ANDQ   $-8, R13
	JZ     bkreduce

bkeights:
	VMOVUPD     (DX)(AX*8), Y2
	VMOVUPD     32(DX)(AX*8), Y3
	VFMADD231PD (SI)(AX*8), Y2, Y0
	VFMADD231PD 32(SI)(AX*8), Y3, Y1
	ADDQ        $8, AX
	CMPQ        AX, R13
	JLT         bkeights

bkreduce:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	CMPQ         AX, CX
	JGE          bkstore

bksingles:
	VMOVSD      (DX)(AX*8), X2
	VFMADD231SD (SI)(AX*8), X2, X0
	INCQ        AX
	CMPQ        AX, CX
	JLT         bksingles

bkstore:
	VADDSD (DI)(R12*8), X0, X0
	VMOVSD X0, (DI)(R12*8)
	ADDQ   $32, R10
	DECQ   R11
	JNZ    bkrun

bkdone:
	VZEROUPPER
	RET
