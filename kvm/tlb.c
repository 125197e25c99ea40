// SPDX-License-Identifier: GPL-2.0
/*
 * Guest TLB maintenance.  A whole-guest flush is a new VPID (vmid.c);
 * a one-address flush invalidates that GPA under the vCPU's VPID.  Both
 * are served at guest entry, with IRQs off, on the CPU that will run the
 * guest.
 */
#include "kvm_internal.h"

/* A whole-guest flush: a new VPID at the coming entry (vmid.c). */
static __always_inline void kvmla_tlb_flush_vpid(struct kvm_vcpu *vcpu,
						 int reason, const bool traced)
{
	vcpu->arch.st.vmid.vpid_flush = 1;
	if (traced)
		trace_kvm_tlb_flush(vcpu->vcpu_id, KVMLA_TLB_SCOPE_VPID, reason,
				    0);
}

void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason)
{
	kvmla_tlb_flush_vpid(vcpu, reason, true);
}

/*
 * invtlb GID_ADDR compares rj against the guest id in the position GSTAT
 * keeps it (CSR_GSTAT_GID), not against a right-aligned number; a TLB entry
 * covers an even/odd page pair, so the address names the pair.
 */
static __always_inline void kvmla_tlb_flush_one(struct kvm_vcpu *vcpu,
						unsigned long gpa, int reason,
						const bool traced)
{
	unsigned long gid = (vcpu->arch.st.vmid.vpid & kvmla_vpid_mask) <<
			    CSR_GSTAT_GID_SHIFT;

	kvmla_invtlb(INVTLB_GID_ADDR, gid & CSR_GSTAT_GID,
		     gpa & (PAGE_MASK << 1));
	vcpu->stat.tlb_flush_gpa++;
	if (traced)
		trace_kvm_tlb_flush(vcpu->vcpu_id, KVMLA_TLB_SCOPE_GPA, reason,
				    gpa);
}

/*
 * In two copies (vmid.h): the plain one, run before every entry while no
 * kvmla event has a probe, holds no event check.
 */
static __always_inline void kvmla_tlb_serve(struct kvm_vcpu *vcpu,
					    const bool traced)
{
	unsigned long old = vcpu->arch.st.vmid.vpid;
	bool gpa;

	/* The stage-2 root the refill code walks while the guest runs. */
	vcpu->arch.guest_pgdl = (unsigned long)vcpu->kvm->arch.mmu.pgd;
	if (kvm_check_request(KVM_REQ_TLB_FLUSH, vcpu))
		kvmla_tlb_flush_vpid(vcpu, KVMLA_TLB_REASON_REQUEST, traced);
	gpa = kvm_check_request(KVM_REQ_TLB_FLUSH_GPA, vcpu);
	kvmla_vmid_check(vcpu);
	/* A new VPID already left every old entry behind. */
	if (gpa && vcpu->arch.st.vmid.vpid == old)
		kvmla_tlb_flush_one(vcpu, vcpu->arch.st.vmid.flush_gpa,
				    KVMLA_TLB_REASON_REQUEST, traced);
}

void kvmla_tlb_serve_requests_plain(struct kvm_vcpu *vcpu)
{
	kvmla_tlb_serve(vcpu, false);
}

void kvmla_tlb_serve_requests_traced(struct kvm_vcpu *vcpu)
{
	kvmla_tlb_serve(vcpu, true);
}
