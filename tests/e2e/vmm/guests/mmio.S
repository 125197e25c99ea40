# SPDX-License-Identifier: GPL-2.0
# mmio: MMIO loads of every width and signedness (ld.*, ldx.*, ldptr.*),
# each reported (slots 0..18), then 10 device stores (st.*, stx.*, stptr.*)
# and done.  Device reads below MAP_DEV+0x800 return a value with the top bit
# of every width set (sign extension visible), from 0x800 up one with every
# top bit clear.
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s7, MAP_DEV
	ld.b	$t1, $s7, 0x00
	st.d	$t1, $s8, 0
	ld.bu	$t2, $s7, 0x08
	st.d	$t2, $s8, 8
	ld.h	$t3, $s7, 0x10
	st.d	$t3, $s8, 16
	ld.hu	$a4, $s7, 0x18
	st.d	$a4, $s8, 24
	ld.w	$a5, $s7, 0x20
	st.d	$a5, $s8, 32
	ld.wu	$a6, $s7, 0x28
	st.d	$a6, $s8, 40
	ld.d	$a7, $s7, 0x30
	st.d	$a7, $s8, 48
	# ldx: index register holds the offset
	li.w	$t0, 0x40
	ldx.b	$t1, $s7, $t0
	st.d	$t1, $s8, 56
	li.w	$t0, 0x48
	ldx.bu	$t2, $s7, $t0
	st.d	$t2, $s8, 64
	li.w	$t0, 0x50
	ldx.h	$t3, $s7, $t0
	st.d	$t3, $s8, 72
	li.w	$t0, 0x58
	ldx.hu	$t4, $s7, $t0
	st.d	$t4, $s8, 80
	li.w	$t0, 0x60
	ldx.w	$t5, $s7, $t0
	st.d	$t5, $s8, 88
	li.w	$t0, 0x68
	ldx.wu	$t6, $s7, $t0
	st.d	$t6, $s8, 96
	li.w	$t0, 0x70
	ldx.d	$t7, $s7, $t0
	st.d	$t7, $s8, 104
	ldptr.w	$t8, $s7, 0x80
	st.d	$t8, $s8, 112
	ldptr.d	$s0, $s7, 0x88
	st.d	$s0, $s8, 120
	# positive values: no sign extension
	addi.d	$s4, $s7, 0x7ff
	addi.d	$s4, $s4, 1		# MAP_DEV + 0x800
	ld.b	$s1, $s4, 0x0
	st.d	$s1, $s8, 128
	ld.h	$s2, $s4, 0x8
	st.d	$s2, $s8, 136
	ld.w	$s3, $s4, 0x10
	st.d	$s3, $s8, 144
	# 10 device stores
	li.d	$t1, 0x0123456789abcdef
	st.b	$t1, $s7, 0x100
	st.h	$t1, $s7, 0x108
	st.w	$t1, $s7, 0x110
	st.d	$t1, $s7, 0x118
	li.d	$t2, 0xfedcba9876543210
	li.w	$t0, 0x120
	stx.b	$t2, $s7, $t0
	li.w	$t0, 0x128
	stx.h	$t2, $s7, $t0
	li.w	$t0, 0x130
	stx.w	$t2, $s7, $t0
	li.w	$t0, 0x138
	stx.d	$t2, $s7, $t0
	stptr.w	$t1, $s7, 0x140
	stptr.d	$t2, $s7, 0x148
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
1:	b	1b
