# SPDX-License-Identifier: GPL-2.0
# gspr: every GSPR kind upstream's 6.12 kvm emulates.  14 cpucfg (slots
# 0..13), 8 software-CSR accesses (IMPCTL1 rd/wr, MERRSAVE wr/rd/xchg/rd,
# DESAVE xchg/rd; slots 14..21), iocsr reads of every width (slots 22..25)
# and writes of every width, an idle woken by the guest timer (ESTAT after it,
# slot 26; ESTAT after clearing TI, slot 27), one cacop (index type).
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 16, 20, 21, 0x40000000, 0x40000004, 0x40000005, 0x12345
	li.w	$t0, \idx
	cpucfg	$t1, $t0
	st.d	$t1, $s8, 0
	addi.d	$s8, $s8, 8
	.endr
	# $s8 = MAP_REPORT + 14*8 (slot 14)
	# IMPCTL1 (0x80): the VMM set it through KVM_SET_ONE_REG
	csrrd	$t1, 0x80
	st.d	$t1, $s8, 0
	li.d	$t1, 0x2c2c
	csrwr	$t1, 0x80
	st.d	$t1, $s8, 8
	# MERRSAVE (0x95)
	li.d	$t1, 0x77
	csrwr	$t1, 0x95
	st.d	$t1, $s8, 16
	csrrd	$t1, 0x95
	st.d	$t1, $s8, 24
	li.d	$t1, 0xaaaa5555aaaa5555
	li.d	$t2, 0x0ff0
	csrxchg	$t1, $t2, 0x95
	st.d	$t1, $s8, 32
	csrrd	$t1, 0x95
	st.d	$t1, $s8, 40
	# DESAVE (0x502): csrxchg with a full mask, then read it back
	li.d	$t1, 0x0123456789abcdef
	li.w	$t2, -1
	csrxchg	$t1, $t2, 0x502
	st.d	$t1, $s8, 48
	csrrd	$t1, 0x502
	st.d	$t1, $s8, 56
	# iocsr reads b, h, w, d (slots 22..25)
	li.w	$t0, 0x40
	iocsrrd.b $t1, $t0
	st.d	$t1, $s8, 64
	li.w	$t0, 0x48
	iocsrrd.h $t1, $t0
	st.d	$t1, $s8, 72
	li.w	$t0, 0x50
	iocsrrd.w $t1, $t0
	st.d	$t1, $s8, 80
	li.w	$t0, 0x58
	iocsrrd.d $t1, $t0
	st.d	$t1, $s8, 88
	# iocsr writes b, h, w, d
	li.d	$t1, 0x8877665544332211
	li.w	$t0, 0x60
	iocsrwr.b $t1, $t0
	li.w	$t0, 0x68
	iocsrwr.h $t1, $t0
	li.w	$t0, 0x70
	iocsrwr.w $t1, $t0
	li.w	$t0, 0x78
	iocsrwr.d $t1, $t0
	# idle woken by the guest timer (one-shot), interrupts off
	li.d	$t1, MAP_TIMER_TICKS | 1
	csrwr	$t1, 0x41
	idle	0
	csrrd	$t1, 0x5
	st.d	$t1, $s8, 96
	li.w	$t1, 1
	csrwr	$t1, 0x44
	csrwr	$zero, 0x41
	csrrd	$t1, 0x5
	st.d	$t1, $s8, 104
	# cacop, index type (code 0: cache 0, op 0)
	cacop	0x0, $zero, 0
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
1:	b	1b
