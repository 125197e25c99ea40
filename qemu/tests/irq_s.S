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
