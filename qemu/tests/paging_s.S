# SPDX-License-Identifier: GPL-2.0
# paging: guest fragments run with the guest's own paging on (PC in the
# guest's cached direct-map window).
	.section .guest, "ax"
	.globl g_pload, g_pload_hvcl, g_fill_load, g_fill_load_hvcl
	.globl g_syscall, g_grefill, g_grefill_hvcl
g_pload:
	ld.w	$a0, $a1, 0
g_pload_hvcl:
	hvcl	0x60
	b	g_pload_hvcl

# tlbfill with the guest TLB CSRs root prepared, then load from a1
g_fill_load:
	tlbfill
	ld.w	$a0, $a1, 0
g_fill_load_hvcl:
	hvcl	0x61
	b	g_fill_load_hvcl

g_syscall:
	syscall	0
	hvcl	0x62
	b	g_syscall

# The guest's own TLB refill vector (entered in guest DA mode at its GPA):
# a6 = guest TLBRBADV, a7 = guest TLBRERA.
	.p2align 6
g_grefill:
	csrrd	$a6, 0x89
	csrrd	$a7, 0x8a
g_grefill_hvcl:
	hvcl	0x7e
	b	g_grefill_hvcl
