# SPDX-License-Identifier: GPL-2.0
# fpu: guest FP and LSX use.
	.section .guest, "ax"
	.globl g_fadd, g_fadd_hvcl, g_vadd, g_vadd_hvcl
g_fadd:
	fadd.d	$fa0, $fa1, $fa2
	movfr2gr.d $a2, $fa0
g_fadd_hvcl:
	hvcl	0x50
	b	g_fadd_hvcl
g_vadd:
	vadd.w	$vr0, $vr1, $vr2
g_vadd_hvcl:
	hvcl	0x51
	b	g_vadd_hvcl
	.globl g_fpinit
# a0, a1: doubles -> fa1, fa2; then falls into g_fadd
g_fpinit:
	movgr2fr.d $fa1, $a0
	movgr2fr.d $fa2, $a1
	b	g_fadd
