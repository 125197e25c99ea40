/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla: the interfaces of the core (main.c, vm.c, vcpu.c, switch.S), and
 * the one header kvm/ C files (through kvm_internal.h) and the host harness
 * (through its shim) include for every concern.  One header per concern,
 * each with its state and its API:
 *   csr.h    the guest CSR table, the software CSR file, ESTAT fields
 *   exit.h   exit dispatch (exit.c)
 *   mmu.h    stage-2 tables (mmu.c)
 *   timer.h  the guest timer (timer.c)
 *   irq.h    guest interrupts (interrupt.c)
 *   vmid.h   VPIDs and guest TLB maintenance (vmid.c, tlb.c)
 *   fpu.h    lazy FPU/SIMD/LBT ownership (fpu.c, switch.S)
 * asm/kvm_host.h includes all but csr.h (their state is part of struct
 * kvm_vcpu_arch and struct kvm_arch); this header includes them all, once
 * struct kvm_vcpu is complete, as csr.h's inlines need.
 */
#ifndef KVMLA_KVMLA_H
#define KVMLA_KVMLA_H

#include "csr.h"
#include "exit.h"
#include "fpu.h"
#include "irq.h"
#include "mmu.h"
#include "timer.h"
#include "vmid.h"

/* The binary stats header in front of a descriptor array. */
#define KVMLA_STATS_HEADER(descs) {					\
	.name_size = KVM_STATS_NAME_SIZE,				\
	.num_desc = ARRAY_SIZE(descs),					\
	.id_offset = sizeof(struct kvm_stats_header),			\
	.desc_offset = sizeof(struct kvm_stats_header) +		\
		       KVM_STATS_NAME_SIZE,				\
	.data_offset = sizeof(struct kvm_stats_header) +		\
		       KVM_STATS_NAME_SIZE + sizeof(descs),		\
}

/* Guest features from the vCPU's CPUCFG words. */
static inline bool kvmla_guest_has_fpu(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_FP;
}

static inline bool kvmla_guest_has_lsx(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_LSX;
}

static inline bool kvmla_guest_has_lasx(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_LASX;
}

static inline bool kvmla_guest_has_lbt(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] &
	       (CPUCFG2_X86BT | CPUCFG2_ARMBT | CPUCFG2_MIPSBT);
}

/* main.c: per-CPU context and module-wide hardware facts. */
struct kvmla_pcpu {
	struct kvm_vcpu *last_vcpu;	/* whose guest CSRs the HW holds */
	unsigned long vpid_cache;	/* vmid.c: generation | last VPID */
};

DECLARE_PER_CPU(struct kvmla_pcpu, kvmla_pcpu);

extern unsigned long kvmla_vpid_mask;	/* from GSTAT.GIDBIT */
extern unsigned long kvmla_guest_eentry;	/* page-aligned exit vector */
/* The directly mapped copy of kvmla_switch_enter (vcpu.c calls it). */
extern void (*kvmla_switch_to_guest)(struct kvm_vcpu_arch *arch);

bool kvmla_main_has_lvz(void);
void kvmla_main_hw_enable(void);
void kvmla_main_hw_disable(void);

/* vm.c */
int kvmla_vm_gpa_check(struct kvm *kvm, unsigned long gpa);

/* vcpu.c */
void kvmla_vcpu_csr_save(struct kvm_vcpu *vcpu);	/* HW -> SW */
void kvmla_vcpu_csr_restore(struct kvm_vcpu *vcpu);	/* SW -> HW */
/* Steal-time area (gpa | KVM_STEAL_PHYS_VALID, or 0): attr or NOTIFY. */
void kvmla_vcpu_pvtime_set(struct kvm_vcpu *vcpu, u64 gpa);

/* switch.S (never traced, never exported). */
asmlinkage void kvmla_switch_enter(struct kvm_vcpu_arch *arch);
asmlinkage void kvmla_switch_exc_entry(void);
extern const unsigned long kvmla_switch_size;	/* bytes from exc_entry */

#endif /* KVMLA_KVMLA_H */
