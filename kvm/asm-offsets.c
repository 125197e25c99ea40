// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla: offsets into our own structs for switch.S, compiled to assembly
 * and turned into kvmla-offsets.h by Kbuild.
 */
#include <linux/kbuild.h>
#include "kvm_internal.h"

#define ARCH_OFF(sym, mem) OFFSET(sym, kvm_vcpu_arch, mem)

static void __used kvmla_offsets(void)
{
	ARCH_OFF(KVMLA_ARCH_GPRS, gprs);
	ARCH_OFF(KVMLA_ARCH_PC, pc);
	ARCH_OFF(KVMLA_ARCH_HOST_SP, host_sp);
	ARCH_OFF(KVMLA_ARCH_HOST_TP, host_tp);
	ARCH_OFF(KVMLA_ARCH_HOST_U0, host_u0);
	ARCH_OFF(KVMLA_ARCH_HOST_PGDL, host_pgdl);
	ARCH_OFF(KVMLA_ARCH_HOST_EENTRY, host_eentry);
	ARCH_OFF(KVMLA_ARCH_HOST_ECFG, host_ecfg);
	ARCH_OFF(KVMLA_ARCH_GUEST_EENTRY, guest_eentry);
	ARCH_OFF(KVMLA_ARCH_GUEST_PGDL, guest_pgdl);
	ARCH_OFF(KVMLA_ARCH_EXIT_ESTAT, exit_estat);
	ARCH_OFF(KVMLA_ARCH_EXIT_BADV, exit_badv);
	ARCH_OFF(KVMLA_ARCH_EXIT_BADI, exit_badi);
	BLANK();
	OFFSET(KVMLA_FPU_FPR, kvmla_fpu, fpr);
	OFFSET(KVMLA_FPU_FCC, kvmla_fpu, fcc);
	OFFSET(KVMLA_FPU_FCSR, kvmla_fpu, fcsr);
	DEFINE(KVMLA_FPU_REG_BYTES, sizeof(((struct kvmla_fpu *)0)->fpr[0]));
}
