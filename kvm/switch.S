/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla world switch.
 *
 * kvmla_switch_exc_entry and kvmla_switch_enter form one position-
 * independent block, kvmla_switch_size bytes long.  main.c copies it into
 * directly mapped pages and runs that copy: while a guest runs, PGDL holds
 * the guest's stage-2 root, so the world switch must not depend on TLB
 * mappings (module text is TLB mapped).  Nothing in the block refers to
 * an address outside it.
 *
 * kvmla_switch_enter(arch) is called from C with IRQs off.  It keeps the
 * host's callee-saved registers on the host stack, points the exception
 * vector, PGDL and ECFG at the guest's settings, loads the guest GPRs and
 * ERTNs into guest mode.  Any exception taken in guest mode lands on
 * kvmla_switch_exc_entry (page aligned: it is EENTRY while the guest
 * runs), which stores the guest GPRs and the exit CSRs into arch, puts
 * the host settings back and returns to the C caller of
 * kvmla_switch_enter, IRQs still off.  Nothing here traces or calls C.
 *
 * The symbols are ours (kvmla_*): the tree's vmlinux exports its own
 * world switch under kvm_* names.  None is exported.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/loongarch.h>
#include <asm/page.h>
#include <asm/regdef.h>
#include <asm/unwind_hints.h>
#include "kvmla-offsets.h"

#define GPR(n)		(KVMLA_ARCH_GPRS + (n) * 8)
/* Host frame: ra, fp (r22), s0-s8 (r23-r31). */
#define HOST_FRAME	(12 * 8)

/* GSTAT.GID and GTLBC.TGID sit at the same bits: one csrxchg copies. */
.if CSR_GSTAT_GID_SHIFT - CSR_GTLBC_TGID_SHIFT
.error "GSTAT.GID and GTLBC.TGID moved apart"
.endif

/* arch (a0) field -> CSR, through t0 */
.macro	arch2csr field, csr
	ld.d	t0, a0, \field
	csrwr	t0, \csr
.endm

/* CSR -> arch (a0) field, through t0 */
.macro	csr2arch csr, field
	csrrd	t0, \csr
	st.d	t0, a0, \field
.endm

/* arch field \new -> CSR, whose old value goes to arch field \old */
.macro	csrswap new, csr, old
	ld.d	t0, a0, \new
	csrwr	t0, \csr
	st.d	t0, a0, \old
.endm

/* GPRs \regs of arch (base \base) <- registers, or -> with \op ld.d */
.macro	gprs op, base, regs:vararg
	.irp	n, \regs
	\op	$r\n, \base, GPR(\n)
	.endr
.endm

	.text

/* The guest exit vector: the start of the block, page aligned. */
	.p2align PAGE_SHIFT
SYM_CODE_START(kvmla_switch_exc_entry)
	UNWIND_HINT_END_OF_STACK
	/* Free t0 to hold arch; every other GPR goes straight to arch. */
	csrwr	t0, KVM_TEMP_KS
	csrrd	t0, KVM_VCPU_KS
	gprs	st.d, t0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	gprs	st.d, t0, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22
	gprs	st.d, t0, 23, 24, 25, 26, 27, 28, 29, 30, 31
	move	a0, t0
	csr2arch	KVM_TEMP_KS, GPR(12)

	csr2arch	LOONGARCH_CSR_ERA, KVMLA_ARCH_PC
	csr2arch	LOONGARCH_CSR_ESTAT, KVMLA_ARCH_EXIT_ESTAT
	csr2arch	LOONGARCH_CSR_BADV, KVMLA_ARCH_EXIT_BADV
	csr2arch	LOONGARCH_CSR_BADI, KVMLA_ARCH_EXIT_BADI

	/* Root settings again; the next ERTN stays in root mode. */
	li.w	t1, CSR_GSTAT_PVM
	csrxchg	zero, t1, LOONGARCH_CSR_GSTAT
	li.w	t1, CSR_GTLBC_TGID
	csrxchg	zero, t1, LOONGARCH_CSR_GTLBC
	arch2csr	KVMLA_ARCH_HOST_ECFG, LOONGARCH_CSR_ECFG
	arch2csr	KVMLA_ARCH_HOST_EENTRY, LOONGARCH_CSR_EENTRY
	arch2csr	KVMLA_ARCH_HOST_PGDL, LOONGARCH_CSR_PGDL

	/* Host registers, then back into kvmla_switch_enter()'s caller. */
	ld.d	tp, a0, KVMLA_ARCH_HOST_TP
	ld.d	u0, a0, KVMLA_ARCH_HOST_U0
	ld.d	sp, a0, KVMLA_ARCH_HOST_SP
	ld.d	ra, sp, 0
	ld.d	fp, sp, 8
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8
	ld.d	$s\n, sp, (16 + \n * 8)
	.endr
	addi.d	sp, sp, HOST_FRAME
	jr	ra
SYM_CODE_END(kvmla_switch_exc_entry)

/* void kvmla_switch_enter(struct kvm_vcpu_arch *arch) */
SYM_CODE_START(kvmla_switch_enter)
	UNWIND_HINT_UNDEFINED
	addi.d	sp, sp, -HOST_FRAME
	st.d	ra, sp, 0
	st.d	fp, sp, 8
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8
	st.d	$s\n, sp, (16 + \n * 8)
	.endr
	st.d	sp, a0, KVMLA_ARCH_HOST_SP
	st.d	tp, a0, KVMLA_ARCH_HOST_TP
	st.d	u0, a0, KVMLA_ARCH_HOST_U0
	/* The exit vector finds arch here. */
	csrwr	a0, KVM_VCPU_KS
	csrrd	a0, KVM_VCPU_KS

	/* All exceptions at one vector while the guest runs (ECFG.VS=0). */
	csr2arch	LOONGARCH_CSR_ECFG, KVMLA_ARCH_HOST_ECFG
	li.w	t1, CSR_ECFG_VS
	csrxchg	zero, t1, LOONGARCH_CSR_ECFG
	csrswap	KVMLA_ARCH_GUEST_EENTRY, LOONGARCH_CSR_EENTRY, KVMLA_ARCH_HOST_EENTRY
	csrswap	KVMLA_ARCH_GUEST_PGDL, LOONGARCH_CSR_PGDL, KVMLA_ARCH_HOST_PGDL
	arch2csr	KVMLA_ARCH_PC, LOONGARCH_CSR_ERA

	/* Root TLB operations act on the guest's id while it runs. */
	csrrd	t0, LOONGARCH_CSR_GSTAT
	li.w	t1, CSR_GTLBC_TGID
	csrxchg	t0, t1, LOONGARCH_CSR_GTLBC
	/* ERTN lands in the guest (PVM), and root IRQs then cause exits. */
	li.w	t0, CSR_PRMD_PIE
	csrwr	t0, LOONGARCH_CSR_PRMD
	li.w	t0, CSR_GSTAT_PVM
	csrxchg	t0, t0, LOONGARCH_CSR_GSTAT

	/* a0 (r4) last: it points at the registers. */
	gprs	ld.d, a0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12
	gprs	ld.d, a0, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22
	gprs	ld.d, a0, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld.d	a0, a0, GPR(4)
	ertn
SYM_CODE_END(kvmla_switch_enter)
.Lswitch_end:

	.section .rodata
SYM_DATA(kvmla_switch_size, .quad .Lswitch_end - kvmla_switch_exc_entry)

	.text

/* FPU/SIMD state of struct kvmla_fpu (a0): full 256-bit slots. */
#define FPR(n)		(KVMLA_FPU_FPR + (n) * KVMLA_FPU_REG_BYTES)

.macro	kvmla_fcc_save
	movcf2gr	t1, $fcc0
	.irp	n, 1, 2, 3, 4, 5, 6, 7
	movcf2gr	t0, $fcc\n
	bstrins.d	t1, t0, (\n * 8 + 7), (\n * 8)
	.endr
	st.d	t1, a0, KVMLA_FPU_FCC
	movfcsr2gr	t0, $fcsr0
	st.w	t0, a0, KVMLA_FPU_FCSR
.endm

.macro	kvmla_fcc_restore
	ld.d	t1, a0, KVMLA_FPU_FCC
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	bstrpick.d	t0, t1, (\n * 8 + 7), (\n * 8)
	movgr2cf	$fcc\n, t0
	.endr
	ld.w	t0, a0, KVMLA_FPU_FCSR
	movgr2fcsr	$fcsr0, t0
.endm

SYM_FUNC_START(kvmla_fpu_save_fp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	fst.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	fst.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	fst.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	fst.d	$f\n, a0, FPR(\n)
	.endr
	kvmla_fcc_save
	jr	ra
SYM_FUNC_END(kvmla_fpu_save_fp)

SYM_FUNC_START(kvmla_fpu_restore_fp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	fld.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	fld.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	fld.d	$f\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	fld.d	$f\n, a0, FPR(\n)
	.endr
	kvmla_fcc_restore
	jr	ra
SYM_FUNC_END(kvmla_fpu_restore_fp)

SYM_FUNC_START(kvmla_fpu_save_lsx)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	vst	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	vst	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	vst	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	vst	$vr\n, a0, FPR(\n)
	.endr
	kvmla_fcc_save
	jr	ra
SYM_FUNC_END(kvmla_fpu_save_lsx)

SYM_FUNC_START(kvmla_fpu_restore_lsx)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	vld	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	vld	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	vld	$vr\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	vld	$vr\n, a0, FPR(\n)
	.endr
	kvmla_fcc_restore
	jr	ra
SYM_FUNC_END(kvmla_fpu_restore_lsx)

SYM_FUNC_START(kvmla_fpu_save_lasx)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	xvst	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	xvst	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	xvst	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	xvst	$xr\n, a0, FPR(\n)
	.endr
	kvmla_fcc_save
	jr	ra
SYM_FUNC_END(kvmla_fpu_save_lasx)

SYM_FUNC_START(kvmla_fpu_restore_lasx)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	xvld	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 8, 9, 10, 11, 12, 13, 14, 15
	xvld	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23
	xvld	$xr\n, a0, FPR(\n)
	.endr
	.irp	n, 24, 25, 26, 27, 28, 29, 30, 31
	xvld	$xr\n, a0, FPR(\n)
	.endr
	kvmla_fcc_restore
	jr	ra
SYM_FUNC_END(kvmla_fpu_restore_lasx)
