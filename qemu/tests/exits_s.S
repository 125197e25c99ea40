# SPDX-License-Identifier: GPL-2.0
# exits: guest fragments (run in guest DA mode from their GPA).  Each ends
# in an hvcl so that a resumed guest stops at a known place.
	.section .guest, "ax"
	.globl g_hello, g_hello_hvcl
g_hello:
	csrrd	$a1, 0x0		# the guest's own CRMD
	li.w	$a0, 0x1234
g_hello_hvcl:
	hvcl	0x5
	b	g_hello_hvcl

	.globl g_cpucfg, g_iocsrrd, g_iocsrwr, g_idle, g_cacop
	.globl g_csrrd_sw, g_csrwr_sw, g_csrxchg_sw, g_end_hvcl
g_cpucfg:
	cpucfg	$a0, $a1
	b	g_end_hvcl
g_iocsrrd:
	iocsrrd.w $a0, $a1
	b	g_end_hvcl
g_iocsrwr:
	iocsrwr.w $a0, $a1
	b	g_end_hvcl
g_idle:
	idle	0
	b	g_end_hvcl
g_cacop:
	cacop	0x8, $a1, 0
	b	g_end_hvcl
g_csrrd_sw:
	csrrd	$a0, 0x95		# MERRSAVE: kept in software by the host
	b	g_end_hvcl
g_csrwr_sw:
	csrwr	$a0, 0x95
	b	g_end_hvcl
g_csrxchg_sw:
	csrxchg	$a0, $a2, 0x95
	b	g_end_hvcl
g_end_hvcl:
	hvcl	0x10
	b	g_end_hvcl

	.globl g_load, g_store, g_jump, g_fetched, g_fetched_hvcl
g_load:
	ld.w	$a0, $a1, 0
	hvcl	0x11
	b	g_end_hvcl
g_store:
	st.w	$a2, $a1, 0
	hvcl	0x12
	b	g_end_hvcl
g_jump:
	jirl	$zero, $a1, 0
g_fetched:
	li.w	$a0, 0x77
g_fetched_hvcl:
	hvcl	0x22
	b	g_fetched_hvcl

	.globl g_hwcsr, g_hwcsr_hvcl
# a hardware guest CSR is the guest's own: no exit
g_hwcsr:
	csrrd	$a0, 0x31		# KS1, written by root with gcsrwr
	csrwr	$a2, 0x32		# KS2, read back by root with gcsrrd
g_hwcsr_hvcl:
	hvcl	0x13
	b	g_hwcsr_hvcl

	.globl g_stlbps, g_stlbps_hvcl
# STLBPS (0x1e) is a hardware guest CSR too: the guest's csrwr stores PS
g_stlbps:
	csrwr	$a2, 0x1e		# a2 = new PS; a2 = old value
	csrrd	$a0, 0x1e		# read back
g_stlbps_hvcl:
	hvcl	0x14
	b	g_stlbps_hvcl
