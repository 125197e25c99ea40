# SPDX-License-Identifier: GPL-2.0
# smp: two vCPUs (a0 = vCPU index; CPUID CSR = index).  vCPU 1 enables SWI0,
# turns interrupts on, tells the VMM it is ready (CTRL READY) and waits for
# the interrupt; vCPU 0 starts only then and sends it a PV IPI: hvcl 0x100,
# a0 = 1 (IPI), a1:a2 = bitmap (bit 1), a3 = 0 (base).
#   vCPU 0: slot 0 = a0 after the hvcl (0)
#   vCPU 1: slot 0 = SWI0 interrupts taken (1), slot 1 = ESTAT.IS seen (0x1)
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s6, MAP_CTRL
	bnez	$a0, target
	li.w	$a0, 1
	li.w	$a1, 2
	move	$a2, $zero
	move	$a3, $zero
	hvcl	0x100
	st.d	$a0, $s8, 0
	b	done
target:
	move	$s0, $zero
	move	$s5, $zero
	la.local $t0, handler
	csrwr	$t0, 0xc
	li.w	$t0, 1			# ECFG.LIE: SWI0
	csrwr	$t0, 0x4
	li.w	$t0, 4
	csrxchg	$t0, $t0, 0x0		# CRMD.IE on
	li.d	$t0, (MAP_OP_READY << 32)
	st.d	$t0, $s6, 0
1:	beqz	$s0, 1b
	li.w	$t0, 4
	csrxchg	$zero, $t0, 0x0		# CRMD.IE off
	st.d	$s0, $s8, 0
	st.d	$s5, $s8, 8
done:
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
2:	b	2b

	# EENTRY bits 11:0 read as zero: the handler sits on a 4 KiB boundary
	.org	0x1000
handler:
	csrrd	$t0, 0x5
	li.w	$t1, 0x1fff
	and	$t1, $t0, $t1
	or	$s5, $s5, $t1
	andi	$t1, $t0, 1
	beqz	$t1, 3f
	addi.d	$s0, $s0, 1
	li.w	$t2, 1
	csrxchg	$zero, $t2, 0x5		# clear SWI0
3:	ertn
