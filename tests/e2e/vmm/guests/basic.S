# SPDX-License-Identifier: GPL-2.0
# basic: the guest of the first control run, by upstream's kvm.ko on an
# emulated LVZ CPU.  3 cpucfg, 2 iocsr reads + 2 writes, 4 accesses of the
# software-kept CSR MERRSAVE (0x95), 2 "hvcl 0x100", 21 MMIO stores (14
# reports, 6 device stores, 1 done) + 2 MMIO loads, and an idle with the guest
# timer armed.  Runs at GPA 0 in direct-address mode with interrupts off.
# Report slot n is "st.d value, s8, 8*n" (one MMIO store each).
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s7, MAP_DEV
	# cpucfg 0, 4, 0x40000000 -> slots 0..2
	li.w	$t0, 0
	cpucfg	$t1, $t0
	st.d	$t1, $s8, 0
	li.w	$t0, 4
	cpucfg	$t1, $t0
	st.d	$t1, $s8, 8
	li.w	$t0, 0x40000000
	cpucfg	$t1, $t0
	st.d	$t1, $s8, 16
	# iocsr reads (w, d) -> slots 3, 4
	li.w	$t0, MAP_IOCSR_A
	iocsrrd.w $t1, $t0
	st.d	$t1, $s8, 24
	li.w	$t0, MAP_IOCSR_B
	iocsrrd.d $t1, $t0
	st.d	$t1, $s8, 32
	# iocsr writes (w, d)
	li.d	$t1, 0x1122334455667788
	li.w	$t0, MAP_IOCSR_C
	iocsrwr.w $t1, $t0
	li.w	$t0, MAP_IOCSR_D
	iocsrwr.d $t1, $t0
	# MERRSAVE: csrwr, csrrd, csrxchg, csrrd -> slots 5..8
	li.d	$t1, 0x5a5a0001
	csrwr	$t1, 0x95
	st.d	$t1, $s8, 40
	csrrd	$t1, 0x95
	st.d	$t1, $s8, 48
	li.d	$t1, 0x1234567887654321
	li.d	$t2, 0xffff0000
	csrxchg	$t1, $t2, 0x95
	st.d	$t1, $s8, 56
	csrrd	$t1, 0x95
	st.d	$t1, $s8, 64
	# hvcl 0x100: a0 = 0 (no such service), then a0 = 1 (PV IPI, empty
	# bitmap) -> slots 9, 10
	li.w	$a0, 0
	hvcl	0x100
	st.d	$a0, $s8, 72
	li.w	$a0, 1
	move	$a1, $zero
	move	$a2, $zero
	move	$a3, $zero
	hvcl	0x100
	st.d	$a0, $s8, 80
	# MMIO loads: ld.w (sign-extends), ld.bu -> slots 11, 12
	ld.w	$t1, $s7, 0x10
	st.d	$t1, $s8, 88
	ld.bu	$t1, $s7, 0x18
	st.d	$t1, $s8, 96
	# idle with the guest timer armed (one-shot); ESTAT after -> slot 13
	li.d	$t1, MAP_TIMER_TICKS | 1
	csrwr	$t1, 0x41
	idle	0
	csrrd	$t1, 0x5
	st.d	$t1, $s8, 104
	# 6 device stores: st.b, st.h, st.w, st.d, stptr.w, stptr.d
	li.d	$t1, 0x0123456789abcdef
	st.b	$t1, $s7, 0x20
	st.h	$t1, $s7, 0x22
	st.w	$t1, $s7, 0x24
	st.d	$t1, $s7, 0x28
	stptr.w	$t1, $s7, 0x30
	stptr.d	$t1, $s7, 0x38
	# done
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
1:	b	1b
