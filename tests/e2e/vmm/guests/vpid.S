# SPDX-License-Identifier: GPL-2.0
# vpid: many vCPUs (a0 = index, CPUID CSR = index) run in turn on one host
# CPU, twice each.  Round 1: s0 = 3*a0 + 7, RAM word MAP_RAM_DATA + 8*a0 =
# s0 ^ 0x555, then CTRL PAUSE (the VMM runs the next vCPU).  Round 2: slot
# 0 = the RAM word, slot 1 = s0 (kept while other vCPUs ran), slot 2 = the
# CPUID CSR, then done.
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s6, MAP_CTRL
	li.w	$t0, 3
	mul.d	$s0, $a0, $t0
	addi.d	$s0, $s0, 7
	li.d	$s1, MAP_RAM_DATA
	alsl.d	$s1, $a0, $s1, 3
	xori	$t1, $s0, 0x555
	st.d	$t1, $s1, 0
	li.d	$t0, (MAP_OP_PAUSE << 32)
	st.d	$t0, $s6, 0
	ld.d	$t1, $s1, 0
	st.d	$t1, $s8, 0
	st.d	$s0, $s8, 8
	csrrd	$t1, 0x20
	st.d	$t1, $s8, 16
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
1:	b	1b
