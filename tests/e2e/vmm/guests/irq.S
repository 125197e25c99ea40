# SPDX-License-Identifier: GPL-2.0
# irq: one guest timer interrupt, then KVM_INTERRUPT-injected HWI0 (2), IPI
# (12) and SWI1 (1), each asked for through CTRL IRQ_RAISE and taken by the
# handler with CRMD.IE on.  The handler counts them (s0 TI, s1 HWI0, s2 IPI,
# s3 SWI1), ORs ESTAT.IS into s5, clears TI itself (TICLR) and SWI1 itself
# (ESTAT), and asks the VMM to lower HWI0 and IPI (CTRL IRQ_LOWER).
# Reports: s0, s1, s2, s3 (slots 0..3), s5 (slot 4), ESTAT at the end
# (slot 5).  An exception other than an interrupt reports ESTAT in slot 31
# and ends the run.
	.include "map.inc"
	.equ	CSR_CRMD, 0x0
	.equ	CSR_ECFG, 0x4
	.equ	CSR_ESTAT, 0x5
	.equ	CSR_EENTRY, 0xc
	.equ	CSR_TCFG, 0x41
	.equ	CSR_TICLR, 0x44
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s6, MAP_CTRL
	move	$s0, $zero
	move	$s1, $zero
	move	$s2, $zero
	move	$s3, $zero
	move	$s5, $zero
	la.local $t0, handler
	csrwr	$t0, CSR_EENTRY
	li.w	$t0, 0x1806		# LIE: SWI1, HWI0, TI, IPI; VS = 0
	csrwr	$t0, CSR_ECFG
	li.w	$t0, 4			# CRMD.IE on
	csrxchg	$t0, $t0, CSR_CRMD
	# 1: guest timer (one-shot)
	li.d	$t0, MAP_TIMER_TICKS | 1
	csrwr	$t0, CSR_TCFG
1:	beqz	$s0, 1b
	# 2: HWI0
	li.d	$t0, (MAP_OP_IRQ_RAISE << 32) | 2
	st.d	$t0, $s6, 0
2:	beqz	$s1, 2b
	# 3: IPI
	li.d	$t0, (MAP_OP_IRQ_RAISE << 32) | 12
	st.d	$t0, $s6, 0
3:	beqz	$s2, 3b
	# 4: SWI1
	li.d	$t0, (MAP_OP_IRQ_RAISE << 32) | 1
	st.d	$t0, $s6, 0
4:	beqz	$s3, 4b
	li.w	$t0, 4			# CRMD.IE off
	csrxchg	$zero, $t0, CSR_CRMD
	st.d	$s0, $s8, 0
	st.d	$s1, $s8, 8
	st.d	$s2, $s8, 16
	st.d	$s3, $s8, 24
	st.d	$s5, $s8, 32
	csrrd	$t0, CSR_ESTAT
	st.d	$t0, $s8, 40
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
5:	b	5b

	# EENTRY bits 11:0 read as zero: the handler sits on a 4 KiB boundary
	.org	0x1000
handler:
	csrrd	$t0, CSR_ESTAT
	srli.d	$t1, $t0, 16
	andi	$t1, $t1, 0x3f		# Ecode
	bnez	$t1, bad
	li.w	$t1, 0x1fff
	and	$t1, $t0, $t1
	or	$s5, $s5, $t1
	andi	$t1, $t0, 0x800		# TI
	beqz	$t1, 1f
	addi.d	$s0, $s0, 1
	li.w	$t2, 1
	csrwr	$t2, CSR_TICLR
	csrwr	$zero, CSR_TCFG		# timer off
1:	andi	$t1, $t0, 0x4		# HWI0
	beqz	$t1, 2f
	addi.d	$s1, $s1, 1
	li.d	$t2, (MAP_OP_IRQ_LOWER << 32) | 2
	st.d	$t2, $s6, 0
2:	li.w	$t2, 0x1000		# IPI
	and	$t1, $t0, $t2
	beqz	$t1, 3f
	addi.d	$s2, $s2, 1
	li.d	$t2, (MAP_OP_IRQ_LOWER << 32) | 12
	st.d	$t2, $s6, 0
3:	andi	$t1, $t0, 0x2		# SWI1
	beqz	$t1, 4f
	addi.d	$s3, $s3, 1
	li.w	$t2, 2
	csrxchg	$zero, $t2, CSR_ESTAT
4:	ertn
bad:
	st.d	$t0, $s8, 248
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
6:	b	6b
