# SPDX-License-Identifier: GPL-2.0
# tlb: guest fragments that fill and search the guest's own (GVA->GPA) TLB.
# a0 = entry count, a1 = GPA of a table of {TLBEHI, ASID, TLBELO} (24 bytes
# each).  g_tlb_search returns the mask of entries found in a2.
	.section .guest, "ax"
	.globl g_tlb_fill, g_tlb_search
g_tlb_fill:
1:	beqz	$a0, 2f
	ld.d	$t0, $a1, 0
	csrwr	$t0, 0x11		# TLBEHI
	ld.d	$t0, $a1, 8
	csrwr	$t0, 0x18		# ASID
	ld.d	$t0, $a1, 16
	csrwr	$t0, 0x12		# TLBELO0
	ld.d	$t0, $a1, 16
	csrwr	$t0, 0x13		# TLBELO1
	lu12i.w	$t0, 0xe000		# TLBIDX.PS = 14 (16 KiB), NE = 0
	csrwr	$t0, 0x10
	tlbfill
	addi.d	$a1, $a1, 24
	addi.d	$a0, $a0, -1
	b	1b
2:	hvcl	0x30
	b	2b

g_tlb_search:
	move	$a2, $zero
	move	$t1, $zero
1:	beq	$t1, $a0, 2f
	ld.d	$t0, $a1, 0
	csrwr	$t0, 0x11		# TLBEHI
	ld.d	$t0, $a1, 8
	csrwr	$t0, 0x18		# ASID
	tlbsrch
	csrrd	$t0, 0x10		# TLBIDX: NE (bit 31) set when not found
	srli.d	$t0, $t0, 31
	andi	$t0, $t0, 1
	bnez	$t0, 3f
	ori	$t2, $zero, 1
	sll.d	$t2, $t2, $t1
	or	$a2, $a2, $t2
3:	addi.d	$a1, $a1, 24
	addi.d	$t1, $t1, 1
	b	1b
2:	hvcl	0x31
	b	2b
