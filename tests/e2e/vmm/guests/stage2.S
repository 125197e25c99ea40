# SPDX-License-Identifier: GPL-2.0
# stage2: first-touch stage-2 faults over a1 pages of memslot 1 (stride a0 =
# the host page size), then the VMM replaces the memslot (delete + re-add with
# new contents) and later one page's host mapping (munmap + mmap) while the
# VM lives; the guest must read the new contents.
#   phase 1: st.d to word 0 and word 1 of every page (1 write fault a page),
#            sum of word 0 read back -> slot 0
#   phase 2: CTRL SLOT_READD; read word 0 of every page (1 read fault a
#            page): sum -> slot 1, page 0 -> slot 2, page a1-1 -> slot 3
#   phase 3: CTRL PAGE_REMAP 5; read page 5 (1 read fault) -> slot 4,
#            page 6 (still mapped, no fault) -> slot 5
#   phase 4: CTRL REMAP_ASYNC 7: a VMM thread replaces page 7's host page
#            (mremap of a filled page over it) about 20 ms later, while the
#            guest polls page 7 until it reads the new value (1 read fault,
#            when the MMU notifier has unmapped the old page) -> slot 6
	.include "map.inc"
	.text
	.globl	_start
_start:
	li.d	$s8, MAP_REPORT
	li.d	$s6, MAP_CTRL
	li.d	$s0, MAP_S2_BASE
	move	$s1, $a0		# stride
	move	$s2, $a1		# pages
	# phase 1: value(i) = i * 0x10001 + 0x5a00000000
	move	$t0, $s0
	move	$t1, $zero
	li.d	$t3, 0x5a00000000
1:	li.w	$t2, 0x10001
	mul.d	$t2, $t1, $t2
	add.d	$t2, $t2, $t3
	st.d	$t2, $t0, 0
	st.d	$t1, $t0, 8
	add.d	$t0, $t0, $s1
	addi.d	$t1, $t1, 1
	bltu	$t1, $s2, 1b
	move	$t0, $s0
	move	$t1, $zero
	move	$t4, $zero
2:	ld.d	$t2, $t0, 0
	add.d	$t4, $t4, $t2
	add.d	$t0, $t0, $s1
	addi.d	$t1, $t1, 1
	bltu	$t1, $s2, 2b
	st.d	$t4, $s8, 0
	# phase 2
	li.d	$t0, (MAP_OP_SLOT_READD << 32)
	st.d	$t0, $s6, 0
	move	$t0, $s0
	move	$t1, $zero
	move	$t4, $zero
3:	ld.d	$t2, $t0, 0
	add.d	$t4, $t4, $t2
	move	$t5, $t2
	bnez	$t1, 4f
	st.d	$t2, $s8, 16
4:	add.d	$t0, $t0, $s1
	addi.d	$t1, $t1, 1
	bltu	$t1, $s2, 3b
	st.d	$t4, $s8, 8
	st.d	$t5, $s8, 24
	# phase 3
	li.d	$t0, (MAP_OP_PAGE_REMAP << 32) | 5
	st.d	$t0, $s6, 0
	li.w	$t1, 5
	mul.d	$t0, $t1, $s1
	add.d	$t0, $t0, $s0
	ld.d	$t2, $t0, 0
	st.d	$t2, $s8, 32
	add.d	$t0, $t0, $s1
	ld.d	$t2, $t0, 0
	st.d	$t2, $s8, 40
	# phase 4
	li.d	$t0, (MAP_OP_REMAP_ASYNC << 32) | 7
	st.d	$t0, $s6, 0
	li.w	$t1, 7
	mul.d	$t0, $t1, $s1
	add.d	$t0, $t0, $s0
	li.d	$t3, 0xbeef000000000007
5:	ld.d	$t2, $t0, 0
	bne	$t2, $t3, 5b
	st.d	$t2, $s8, 48
	li.d	$t0, MAP_DONE
	st.d	$zero, $t0, 0
9:	b	9b
