# SPDX-License-Identifier: GPL-2.0
# irq: guest fragments (the same as timer_s.S).
	.section .guest, "ax"
	.globl g_rdtime, g_rdtime_hvcl, g_spin, g_spin_end, g_spin_hvcl, g_estat
g_rdtime:
	rdtime.d $a0, $a1
g_rdtime_hvcl:
	hvcl	0x20
	b	g_rdtime_hvcl

# Spin a0 iterations with interrupts as the guest CSRs say, then hvcl 0x40.
g_spin:
	addi.d	$a0, $a0, -1
	bnez	$a0, g_spin
g_spin_end:
g_spin_hvcl:
	hvcl	0x40
	b	g_spin_hvcl

g_estat:
	csrrd	$a0, 0x5		# the guest's ESTAT
	hvcl	0x41
	b	g_estat

# The guest's own timer work in a loop: read its ESTAT into a0, clear its
# TI (TICLR.CLR, bit 0) and report with hvcl 0x42, forever; root resumes
# it after each hvcl.
	.globl g_ticlr_loop, g_ticlr_loop_end
g_ticlr_loop:
	csrrd	$a0, 0x5		# the guest's ESTAT
	li.w	$t0, 1
	csrwr	$t0, 0x44		# the guest's TICLR
	hvcl	0x42
	b	g_ticlr_loop
g_ticlr_loop_end:
