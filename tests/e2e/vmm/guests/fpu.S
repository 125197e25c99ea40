# SPDX-License-Identifier: GPL-2.0
# fpu: the guest enables FP and LSX in its EUEN and uses them; kvm loads the
# units lazily (FPDIS / LSXDIS exits, kernel-internal) and loses them at
# every return to userspace, so values must survive the report stores.
# a0 = 1 when the VMM gave the guest LSX (cpucfg2), a1 = bits of 1.5,
# a2 = 0x1111111111111111.
#   slot 0: 1.5 + 1.5          slot 1: 3.0 + 1.5 (fa2 kept over an exit)
#   slot 2: lane 1 of vr4+vr4  slot 3: lane 0 of it, after an exit
#   slot 4: fa2 again, after LSX use and another exit
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.w	$t0, 3			# EUEN: FPE | SXE
	csrwr	$t0, 0x2
	movgr2fr.d $fa0, $a1
	fadd.d	$fa2, $fa0, $fa0
	movfr2gr.d $t1, $fa2
	st.d	$t1, $s8, 0
	fadd.d	$fa3, $fa2, $fa0
	movfr2gr.d $t1, $fa3
	st.d	$t1, $s8, 8
	beqz	$a0, 1f
	vreplgr2vr.d $vr4, $a2
	vadd.d	$vr5, $vr4, $vr4
	vpickve2gr.d $t1, $vr5, 1
	st.d	$t1, $s8, 16
	vpickve2gr.d $t1, $vr5, 0
	st.d	$t1, $s8, 24
1:	movfr2gr.d $t1, $fa2
	st.d	$t1, $s8, 32
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
2:	b	2b
