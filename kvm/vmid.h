/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla VPIDs (vmid.c) and guest TLB maintenance (tlb.c): their per-vCPU
 * state and their API.
 *
 * Included by asm/kvm_host.h: needs only u8..u64 from the includer.
 * Counters: vpid_changes, vpid_rollovers, tlb_flush_gpa in struct
 * kvm_vcpu_stat there.
 */
#ifndef KVMLA_KVM_VMID_H
#define KVMLA_KVM_VMID_H

struct kvm_vcpu;

/* vcpu->arch.st.vmid */
struct kvmla_vmid_state {
	u64 vpid;			/* the VPID in use ... */
	int vpid_cpu;			/* ... and the CPU it is valid on */
	u8 vpid_flush;			/* KVM_REQ_TLB_FLUSH seen */
	u64 flush_gpa;			/* for KVM_REQ_TLB_FLUSH_GPA */
};

int kvmla_vmid_init(void);
void kvmla_vmid_deinit(void);
void kvmla_vmid_check(struct kvm_vcpu *vcpu);	/* tlb.c, at entry, IRQs off */
void kvmla_vmid_drop(struct kvm_vcpu *vcpu);	/* destroy: every CPU */

void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason);
/* At entry; _traced records kvm_tlb_flush (exit.h's convention). */
void kvmla_tlb_serve_requests_plain(struct kvm_vcpu *vcpu);
void kvmla_tlb_serve_requests_traced(struct kvm_vcpu *vcpu);

static __always_inline void kvmla_tlb_serve_requests(struct kvm_vcpu *vcpu,
						     bool traced)
{
	if (traced)
		kvmla_tlb_serve_requests_traced(vcpu);
	else
		kvmla_tlb_serve_requests_plain(vcpu);
}

#endif /* KVMLA_KVM_VMID_H */
