// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla: offsets into our own structs for switch.S, compiled to assembly
 * and turned into kvmla-offsets.h by Kbuild.
 */
#include <linux/kbuild.h>
#include "kvm_internal.h"
#include "kvmla-upstream-offsets.h"

/*
 * Drop-in guarantee, checked against the layout vmlinux was compiled with
 * (kvmla-upstream-offsets.h, from upstream-offsets.c): where vmlinux code
 * that kvm.ko calls with a struct kvm_vcpu reads or writes it, our layout
 * holds what that code expects.  xfer_to_guest_mode_handle_work() reads
 * vcpu->run and increments the u64 at upstream's stat.signal_exits, which
 * in our layout is arch.vmlinux_signal_exits, a counter vcpu.c folds into
 * our own signal_exits.
 */
static_assert(offsetof(struct kvm_vcpu, run) == KVMLA_UP_VCPU_RUN,
	      "vmlinux finds vcpu->run elsewhere");
static_assert(offsetof(struct kvm_vcpu, arch.vmlinux_signal_exits) ==
	      KVMLA_UP_VCPU_SIGNAL_EXITS,
	      "vmlinux's signal_exits increment misses arch.vmlinux_signal_exits");
static_assert(sizeof_field(struct kvm_vcpu, arch.vmlinux_signal_exits) ==
	      KVMLA_UP_VCPU_SIGNAL_EXITS_SIZE,
	      "vmlinux's signal_exits has another size");
static_assert(offsetofend(struct kvm_vcpu_arch, lbt) <=
	      offsetof(struct kvm_vcpu_arch, vmlinux_signal_exits),
	      "the vCPU state overlaps the slot vmlinux writes");

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
