/* SPDX-License-Identifier: GPL-2.0 */
/*
 * la-vmm process entry and thread creation (no libc on LoongArch here).
 *
 * _start: the kernel leaves argc at 0(sp), argv at 8(sp); hand sp to C.
 * la_clone(flags, stack_top, ptid, ctid, fn, arg): clone(2) that runs
 * fn(arg) on the new stack in the child, then exit(2)s the thread.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	move	$fp, $zero
	move	$a0, $sp
	bstrins.d $sp, $zero, 3, 0
	bl	la_main_entry
	/* la_main_entry does not return; be safe anyway */
	li.w	$a7, 94
	syscall	0

	.globl	la_clone
	.type	la_clone, @function
la_clone:
	addi.d	$a1, $a1, -16
	st.d	$a4, $a1, 0
	st.d	$a5, $a1, 8
	move	$a4, $zero
	li.w	$a7, 220
	syscall	0
	beqz	$a0, 1f
	jr	$ra
1:
	ld.d	$t0, $sp, 0
	ld.d	$a0, $sp, 8
	jirl	$ra, $t0, 0
	li.w	$a7, 93
	syscall	0
	.size	la_clone, . - la_clone

	.section .note.GNU-stack, "", @progbits
