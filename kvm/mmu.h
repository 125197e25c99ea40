/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla stage-2 MMU (mmu.c; the kvm_arch_* MMU callbacks live there too):
 * its per-VM state and its API.
 *
 * Included by asm/kvm_host.h: needs only the includer's basic types.
 * Counters: fault_* in struct kvm_vcpu_stat there; gauges: struct
 * kvm_vm_stat.
 */
#ifndef KVMLA_KVM_MMU_H
#define KVMLA_KVM_MMU_H

struct kvm;
struct kvm_vcpu;

/* kvm->arch.mmu */
struct kvmla_mmu_state {
	void *pgd;			/* stage-2 root table */
};

int kvmla_mmu_init(struct kvm *kvm);
void kvmla_mmu_deinit(struct kvm *kvm);
int kvmla_mmu_handle_fault(struct kvm_vcpu *vcpu, unsigned long gpa,
			   bool write, bool exec);

#endif /* KVMLA_KVM_MMU_H */
