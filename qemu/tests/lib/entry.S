# SPDX-License-Identifier: GPL-2.0
# lvzt entry, exception vectors and the guest world switch.
# Assembled with llvm-mc-19 --triple=loongarch64 -mattr=+lvz,+d.
#
# QEMU's virt machine loads the ELF at its physical address (the 0x9000...
# link address with the top bits dropped) and starts it in DA mode at PLV0.
# We set the two direct-map windows a LoongArch Linux host uses, jump to the
# cached window and turn paging on, so the root side runs as a host kernel
# does; only the TLB refill vector runs in DA mode (physical addresses).

	.equ CRMD, 0x0
	.equ PRMD, 0x1
	.equ ESTAT, 0x5
	.equ ERA, 0x6
	.equ BADV, 0x7
	.equ BADI, 0x8
	.equ EENTRY, 0xc
	.equ KS0, 0x30
	.equ GSTAT, 0x50
	.equ GTLBC, 0x15
	.equ TLBRENTRY, 0x88
	.equ TLBRBADV, 0x89
	.equ TLBRERA, 0x8a
	.equ TLBRSAVE, 0x8b
	.equ TLBRELO0, 0x8c
	.equ TLBRELO1, 0x8d
	.equ TLBREHI, 0x8e
	.equ DMW0, 0x180
	.equ DMW1, 0x181
	# CRMD: PLV0, IE=0, DA=0, PG=1, DATF=1 (cached), DATM=1 (cached)
	.equ CRMD_ROOT, 0xb0

	.section .text.start, "ax"
	.globl _start
_start:
	li.d	$t0, 0x8000000000000001	# DMW0: VSEG 8, uncached, PLV0
	csrwr	$t0, DMW0
	li.d	$t0, 0x9000000000000011	# DMW1: VSEG 9, cached, PLV0
	csrwr	$t0, DMW1
	la.abs	$t0, 1f
	jirl	$zero, $t0, 0
1:	li.w	$t0, CRMD_ROOT
	csrwr	$t0, CRMD
	la.abs	$sp, __stack_top
	la.abs	$t0, exc_entry
	csrwr	$t0, EENTRY
	la.abs	$t0, tlbr_entry
	bstrpick.d $t0, $t0, 47, 0	# refill runs in DA mode: physical
	csrwr	$t0, TLBRENTRY
	move	$a0, $a1		# the command line (physical address)
	bl	lib_start
2:	b	2b

# --------------------------------------------------------------------------
# General exception/interrupt entry (root CSRs).  A guest exit when in_guest
# is set (the flag, not GSTAT.PVM, decides: a CPU that forgets PVM must fail
# a check, not send us off into the guest's registers).
	.text
	.p2align 12
	.globl exc_entry
exc_entry:
	csrwr	$t0, KS0
	la.pcrel $t0, in_guest
	ld.d	$t0, $t0, 0
	bnez	$t0, guest_exit
	csrrd	$t0, KS0
	addi.d	$sp, $sp, -256
	.irp n,1,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	st.d	$r\n, $sp, 8*\n
	.endr
	addi.d	$t0, $sp, 256
	st.d	$t0, $sp, 8*3
	move	$a0, $sp
	bl	root_exception
	.irp n,1,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld.d	$r\n, $sp, 8*\n
	.endr
	addi.d	$sp, $sp, 256
	ertn

guest_exit:
	la.pcrel $t0, guest_regs
	.irp n,1,2,3,4,5,6,7,8,9,10,11,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	st.d	$r\n, $t0, 8*\n
	.endr
	csrrd	$t1, KS0
	st.d	$t1, $t0, 8*12
	la.pcrel $t0, exit_rec
	csrrd	$t1, ESTAT
	st.d	$t1, $t0, 0
	csrrd	$t1, ERA
	st.d	$t1, $t0, 8
	csrrd	$t1, BADV
	st.d	$t1, $t0, 16
	csrrd	$t1, BADI
	st.d	$t1, $t0, 24
	csrrd	$t1, GSTAT
	st.d	$t1, $t0, 32
	csrrd	$t1, PRMD
	st.d	$t1, $t0, 40
	csrrd	$t1, CRMD
	st.d	$t1, $t0, 48
	ld.d	$t1, $t0, 56
	addi.d	$t1, $t1, 1
	st.d	$t1, $t0, 56
	la.pcrel $t0, in_guest
	st.d	$zero, $t0, 0
	ori	$t1, $zero, 2		# GSTAT.PVM: the next ertn stays in root
	csrxchg	$zero, $t1, GSTAT
	la.pcrel $t0, root_ctx
	ld.d	$ra, $t0, 0
	ld.d	$sp, $t0, 8
	ld.d	$tp, $t0, 16
	ld.d	$fp, $t0, 24
	.irp n,23,24,25,26,27,28,29,30,31
	ld.d	$r\n, $t0, 8*(\n-19)
	.endr
	csrrd	$a0, ESTAT
	bstrpick.d $a0, $a0, 21, 16
	jr	$ra

# u64 guest_enter(void): run the guest from guest_pc with guest_regs until
# its next exit; returns ESTAT.Ecode of that exit.
	.globl guest_enter
guest_enter:
	la.pcrel $t0, root_ctx
	st.d	$ra, $t0, 0
	st.d	$sp, $t0, 8
	st.d	$tp, $t0, 16
	st.d	$fp, $t0, 24
	.irp n,23,24,25,26,27,28,29,30,31
	st.d	$r\n, $t0, 8*(\n-19)
	.endr
	la.pcrel $t0, guest_pc
	ld.d	$t1, $t0, 0
	csrwr	$t1, ERA
	la.pcrel $t0, guest_prmd
	ld.d	$t1, $t0, 0
	csrwr	$t1, PRMD
	la.pcrel $t0, in_guest
	ori	$t1, $zero, 1
	st.d	$t1, $t0, 0
	ori	$t1, $zero, 2		# GSTAT.PVM: ertn enters the guest
	csrxchg	$t1, $t1, GSTAT
	la.pcrel $t0, guest_regs
	.irp n,1,2,3,4,5,6,7,8,9,10,11,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld.d	$r\n, $t0, 8*\n
	.endr
	ld.d	$t0, $t0, 8*12
	ertn

# --------------------------------------------------------------------------
# TLB refill (DA mode, physical addresses; pc-relative loads reach the
# data at its physical alias).  From a guest: record, fill the entry the
# test put in tlbr_rec, return.  Anything else is fatal.
	.p2align 12
	.globl tlbr_entry
tlbr_entry:
	csrwr	$t0, TLBRSAVE
	la.pcrel $t0, in_guest
	ld.d	$t0, $t0, 0
	beqz	$t0, tlbr_fatal
	la.pcrel $t0, tlbr_rec
	st.d	$t1, $t0, 64
	csrrd	$t1, TLBRBADV
	st.d	$t1, $t0, 0
	csrrd	$t1, TLBRERA
	st.d	$t1, $t0, 8
	csrrd	$t1, GSTAT
	st.d	$t1, $t0, 16
	csrrd	$t1, GTLBC
	st.d	$t1, $t0, 24
	ld.d	$t1, $t0, 32
	addi.d	$t1, $t1, 1
	st.d	$t1, $t0, 32
	addi.d	$t1, $t1, -16		# a refill storm: the fill does not take
	bgtz	$t1, tlbr_fatal
	ld.d	$t1, $t0, 40
	beqz	$t1, tlbr_fatal		# nothing to fill
	csrwr	$t1, TLBREHI
	ld.d	$t1, $t0, 48
	csrwr	$t1, TLBRELO0
	ld.d	$t1, $t0, 56
	csrwr	$t1, TLBRELO1
	tlbfill
	ld.d	$t1, $t0, 64
	csrrd	$t0, TLBRSAVE
	ertn

tlbr_fatal:
	la.abs	$t0, 1f			# back to the cached window, paging on
	jirl	$zero, $t0, 0
1:	li.w	$t0, CRMD_ROOT
	csrwr	$t0, CRMD
	la.pcrel $t0, in_guest
	st.d	$zero, $t0, 0
	la.abs	$sp, __stack_top
	csrrd	$a0, TLBRBADV
	csrrd	$a1, TLBRERA
	bl	tlbr_fatal_report
2:	b	2b

	.data
	.p2align 3
	.globl in_guest, root_ctx, guest_regs, guest_pc, guest_prmd, exit_rec, tlbr_rec
in_guest:	.dword 0
root_ctx:	.space 8*13
guest_regs:	.space 8*32
guest_pc:	.dword 0
guest_prmd:	.dword 0
exit_rec:	.space 8*8
tlbr_rec:	.space 8*9
