//go:build amd64 && !purego

#include "textflag.h"

// KEY converts the 8 float32 bit patterns in r to order keys in place
// (signed int32 order = numeric order, -0 below +0), using t as a
// temporary: r ^= (r >>arith 31) >>logical 1. The map is its own inverse.
#define KEY(r, t) \
	VPSRAD $31, r, t \
	VPSRLD $1, t, t  \
	VPXOR  t, r, r

// SLIDE1 is one entry of the slide of medianLanes8 (see slidePair) with a
// constant offset: cur holds s[e] and prev s'[e−1] on entry; nxt receives
// s[e+1] and snew s'[e]; t[e] is stored to off(R9).
#define SLIDE1(off, cur, nxt, prev, snew) \
	VMOVDQU   (off+32)(R9), nxt \
	VPCMPGTD  cur, Y0, Y5       \
	VPBLENDVB Y5, cur, nxt, snew \
	VPMINSD   Y1, snew, Y7      \
	VPMAXSD   prev, Y7, Y7      \
	VMOVDQU   Y7, off(R9)

// SLIDE2 is two entries, e at off and e+1, leaving the roles of the
// registers as they were.
#define SLIDE2(off) \
	SLIDE1(off, Y3, Y4, Y2, Y6) \
	SLIDE1((off+32), Y4, Y3, Y6, Y2)

// func medianLanes8(dst *float32, dstStride int, src *float32, offs *int, n, size int, win *int32)
//
// Register use:
//	DI  the next output row (dst + i·dstStride)
//	R8  dstStride in bytes
//	SI  src
//	DX  offs
//	CX  outputs left
//	BX  size
//	R9  win: the sorted window, size+1 vectors of 8 keys (the last a sentinel)
//	R12 &win[size/2], the median
//	Y15 all MaxInt32, Y14 all MinInt32
TEXT ·medianLanes8(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ offs+24(FP), DX
	MOVQ n+32(FP), CX
	MOVQ size+40(FP), BX
	MOVQ win+48(FP), R9

	MOVL $0x7fffffff, AX
	MOVQ AX, X15
	VPBROADCASTD X15, Y15
	MOVL $0x80000000, AX
	MOVQ AX, X14
	VPBROADCASTD X14, Y14

	// The window starts as size+1 copies of the largest key.
	MOVQ R9, R10
	LEAQ 1(BX), R11

fill:
	VMOVDQU Y15, (R10)
	ADDQ    $32, R10
	DECQ    R11
	JNZ     fill

	MOVQ BX, R12
	SHRQ $1, R12
	SHLQ $5, R12
	ADDQ R9, R12

	// Insert line values 0…size−1: before inserting value k, entries
	// k…size are MaxInt32, so only entries 0…k change. Entry e becomes
	// max(old e−1, min(old e, v)).
	XORQ R13, R13

insert:
	MOVQ    (DX)(R13*8), AX
	VMOVDQU (SI)(AX*4), Y0
	KEY(Y0, Y1)
	VMOVDQA Y14, Y2
	MOVQ    R9, R10
	LEAQ    1(R13), R11

insertEntry:
	VMOVDQU (R10), Y3
	VPMINSD Y0, Y3, Y4
	VPMAXSD Y2, Y4, Y4
	VMOVDQU Y4, (R10)
	VMOVDQA Y3, Y2
	ADDQ    $32, R10
	DECQ    R11
	JNZ     insertEntry
	INCQ    R13
	CMPQ    R13, BX
	JLT     insert

	VMOVDQU (R12), Y0
	KEY(Y0, Y1)
	VMOVDQU Y0, (DI)
	ADDQ    R8, DI

	// Slide: for output i, value i−1 leaves and value i+size−1 enters.
	MOVQ DX, R13
	LEAQ (DX)(BX*8), R14
	DECQ CX
	JLE  done
	CMPQ BX, $31
	JEQ  slide31

slide:
	MOVQ    (R13), AX
	VMOVDQU (SI)(AX*4), Y0
	KEY(Y0, Y5)
	MOVQ    (R14), AX
	VMOVDQU (SI)(AX*4), Y1
	KEY(Y1, Y5)
	VMOVDQA Y14, Y2
	MOVQ    R9, R10
	VMOVDQU (R10), Y3
	MOVQ    BX, R11
	SHRQ    $1, R11

	// Entries e and e+1 (Y3 holds s[e], Y2 s'[e−1]): drop the leaving
	// value o (the entries from its first occurrence on move down by one:
	// s'[e] = s[e] < o ? s[e] : s[e+1]), then insert the entering value v:
	// t[e] = max(s'[e−1], min(s'[e], v)).
slidePair:
	VMOVDQU   32(R10), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y7
	VMOVDQU   Y7, (R10)
	VMOVDQU   64(R10), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y7
	VMOVDQU   Y7, 32(R10)
	ADDQ      $64, R10
	DECQ      R11
	JNZ       slidePair

	// The last entry, if size is odd.
	BTQ       $0, BX
	JCC       slideOut
	VMOVDQU   32(R10), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y7
	VMOVDQU   Y7, (R10)

slideOut:
	VMOVDQU (R12), Y0
	KEY(Y0, Y1)
	VMOVDQU Y0, (DI)
	ADDQ    R8, DI
	ADDQ    $8, R13
	ADDQ    $8, R14
	DECQ    CX
	JNZ     slide
	JMP     done

	// The slide for windows of 31 values (HPSS's kernel), fully unrolled:
	// the operations of slidePair with constant offsets, without the loop
	// counter and pointer updates (a fifth of the instructions per entry).
	// Two slides per pass over the window for windows of 31 values: slide
	// A (value i−1 leaves, i+30 enters) computes its entry e from the
	// stored window, and slide B (value i leaves, i+31 enters) its entry
	// e−1 from slide A's entries e−1 and e, still in registers; only slide
	// B's results are stored. That saves a load and a store per entry and
	// slide. Registers: Y0, Y1 slide A's leaving and entering keys, Y8, Y9
	// slide B's; Y3/Y4 the stored entries s[e], s[e+1]; Y2/Y6 slide A's
	// s'[e−1], s'[e]; Y10/Y11 slide A's results t[e−1], t[e]; Y12/Y13
	// slide B's s'[e−2], s'[e−1]; Y15 slide A's median.
slide31:
	CMPQ CX, $2
	JLT  single31

double31:
	MOVQ    (R13), AX
	VMOVDQU (SI)(AX*4), Y0
	KEY(Y0, Y5)
	MOVQ    (R14), AX
	VMOVDQU (SI)(AX*4), Y1
	KEY(Y1, Y5)
	MOVQ    8(R13), AX
	VMOVDQU (SI)(AX*4), Y8
	KEY(Y8, Y5)
	MOVQ    8(R14), AX
	VMOVDQU (SI)(AX*4), Y9
	KEY(Y9, Y5)
	VMOVDQA Y14, Y2
	VMOVDQA Y14, Y12
	VMOVDQU (R9), Y3
	VMOVDQU   32(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VMOVDQU   64(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 0(R9)
	VMOVDQU   96(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 32(R9)
	VMOVDQU   128(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 64(R9)
	VMOVDQU   160(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 96(R9)
	VMOVDQU   192(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 128(R9)
	VMOVDQU   224(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 160(R9)
	VMOVDQU   256(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 192(R9)
	VMOVDQU   288(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 224(R9)
	VMOVDQU   320(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 256(R9)
	VMOVDQU   352(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 288(R9)
	VMOVDQU   384(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 320(R9)
	VMOVDQU   416(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 352(R9)
	VMOVDQU   448(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 384(R9)
	VMOVDQU   480(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 416(R9)
	VMOVDQU   512(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VMOVDQA   Y10, Y15
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 448(R9)
	VMOVDQU   544(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 480(R9)
	VMOVDQU   576(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 512(R9)
	VMOVDQU   608(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 544(R9)
	VMOVDQU   640(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 576(R9)
	VMOVDQU   672(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 608(R9)
	VMOVDQU   704(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 640(R9)
	VMOVDQU   736(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 672(R9)
	VMOVDQU   768(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 704(R9)
	VMOVDQU   800(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 736(R9)
	VMOVDQU   832(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 768(R9)
	VMOVDQU   864(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 800(R9)
	VMOVDQU   896(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 832(R9)
	VMOVDQU   928(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 864(R9)
	VMOVDQU   960(R9), Y3
	VPCMPGTD  Y4, Y0, Y5
	VPBLENDVB Y5, Y4, Y3, Y2
	VPMINSD   Y1, Y2, Y7
	VPMAXSD   Y6, Y7, Y10
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y10, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 896(R9)
	VMOVDQU   992(R9), Y4
	VPCMPGTD  Y3, Y0, Y5
	VPBLENDVB Y5, Y3, Y4, Y6
	VPMINSD   Y1, Y6, Y7
	VPMAXSD   Y2, Y7, Y11
	VPCMPGTD  Y10, Y8, Y5
	VPBLENDVB Y5, Y10, Y11, Y12
	VPMINSD   Y9, Y12, Y7
	VPMAXSD   Y13, Y7, Y7
	VMOVDQU   Y7, 928(R9)
	VMOVDQU   992(R9), Y7
	VPCMPGTD  Y11, Y8, Y5
	VPBLENDVB Y5, Y11, Y7, Y13
	VPMINSD   Y9, Y13, Y7
	VPMAXSD   Y12, Y7, Y7
	VMOVDQU   Y7, 960(R9)
	KEY(Y15, Y5)
	VMOVDQU Y15, (DI)
	ADDQ    R8, DI
	VMOVDQU (R12), Y0
	KEY(Y0, Y5)
	VMOVDQU Y0, (DI)
	ADDQ    R8, DI
	ADDQ    $16, R13
	ADDQ    $16, R14
	SUBQ    $2, CX
	CMPQ    CX, $2
	JGE     double31
	TESTQ   CX, CX
	JZ      done

	// One slide (an odd number of outputs left).
single31:
	MOVQ    (R13), AX
	VMOVDQU (SI)(AX*4), Y0
	KEY(Y0, Y5)
	MOVQ    (R14), AX
	VMOVDQU (SI)(AX*4), Y1
	KEY(Y1, Y5)
	VMOVDQA Y14, Y2
	VMOVDQU (R9), Y3
	SLIDE2(0)
	SLIDE2(64)
	SLIDE2(128)
	SLIDE2(192)
	SLIDE2(256)
	SLIDE2(320)
	SLIDE2(384)
	SLIDE2(448)
	SLIDE2(512)
	SLIDE2(576)
	SLIDE2(640)
	SLIDE2(704)
	SLIDE2(768)
	SLIDE2(832)
	SLIDE2(896)
	SLIDE1(960, Y3, Y4, Y2, Y6)
	VMOVDQU (R12), Y0
	KEY(Y0, Y5)
	VMOVDQU Y0, (DI)
	ADDQ    R8, DI
	ADDQ    $8, R13
	ADDQ    $8, R14
	DECQ    CX
	JNZ     single31

done:
	VZEROUPPER
	RET

// func transpose8(dst *float32, dstRow, dstStep int, src *float32, srcRow, srcStep, blocks int)
//
// Transposes blocks 8×8 blocks of float32: for block b, row k of the
// source (8 values at src + b·srcStep + k·srcRow) becomes column k of the
// destination (dst + b·dstStep + j·dstRow, value k of row j). Strides are
// in values.
//
// Within a block (rows r0…r7, Y0…Y7): unpacking pairs of rows interleaves
// them (r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], …); shuffling
// two unpacked pairs gathers the values of one column of four rows in each
// 128-bit half (rows 0…3 of columns j and j+4); exchanging halves between
// the results for rows 0…3 and rows 4…7 completes the columns.
TEXT ·transpose8(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ dstRow+8(FP), R11
	SHLQ $2, R11
	MOVQ dstStep+16(FP), DX
	SHLQ $2, DX
	MOVQ src+24(FP), SI
	MOVQ srcRow+32(FP), R8
	SHLQ $2, R8
	MOVQ srcStep+40(FP), BX
	SHLQ $2, BX
	MOVQ blocks+48(FP), CX
	TESTQ CX, CX
	JLE   tdone
	LEAQ (R8)(R8*2), R9
	LEAQ (R11)(R11*2), R12

tblock:
	LEAQ    (SI)(R8*4), R10
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(R8*1), Y5
	VMOVUPS (R10)(R8*2), Y6
	VMOVUPS (R10)(R9*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xee, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xee, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xee, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xee, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	LEAQ    (DI)(R11*4), R13
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R11*1)
	VMOVUPS Y10, (DI)(R11*2)
	VMOVUPS Y11, (DI)(R12*1)
	VMOVUPS Y12, (R13)
	VMOVUPS Y13, (R13)(R11*1)
	VMOVUPS Y14, (R13)(R11*2)
	VMOVUPS Y15, (R13)(R12*1)

	ADDQ BX, SI
	ADDQ DX, DI
	DECQ CX
	JNZ  tblock

tdone:
	VZEROUPPER
	RET
