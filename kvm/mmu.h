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

/*
 * vcpu->arch.st.mmu: spare table pages of one vCPU, one per level below
 * the root (which always exists).
 * A fault tops it up before taking mmu_lock and takes from it under the
 * lock; what a fault leaves unused stays for the next one, so a fault
 * allocates only the tables earlier faults consumed.  Only the vCPU's own
 * thread touches it.
 */
#define KVMLA_MMU_SPARES	2
struct kvmla_mmu_vcpu {
	int n;
	void *pages[KVMLA_MMU_SPARES];
};

int kvmla_mmu_init(struct kvm *kvm);
void kvmla_mmu_deinit(struct kvm *kvm);
void kvmla_mmu_vcpu_free(struct kvm_vcpu *vcpu);
/* _traced records kvm_gpa_fault and kvm_tlb_flush (exit.h's convention). */
int kvmla_mmu_handle_fault_plain(struct kvm_vcpu *vcpu, unsigned long gpa,
				 bool write, bool exec);
int kvmla_mmu_handle_fault_traced(struct kvm_vcpu *vcpu, unsigned long gpa,
				  bool write, bool exec);

static __always_inline int kvmla_mmu_handle_fault(struct kvm_vcpu *vcpu,
						  unsigned long gpa, bool write,
						  bool exec, bool traced)
{
	return traced ? kvmla_mmu_handle_fault_traced(vcpu, gpa, write, exec) :
			kvmla_mmu_handle_fault_plain(vcpu, gpa, write, exec);
}

#endif /* KVMLA_KVM_MMU_H */
