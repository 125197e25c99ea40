// SPDX-License-Identifier: GPL-2.0
/*
 * Guest TLB maintenance.  A whole-guest flush is a new VPID (vmid.c);
 * a one-address flush invalidates that GPA under the vCPU's VPID.  Both
 * are served at guest entry, with IRQs off, on the CPU that will run the
 * guest.
 */
#include "kvm_internal.h"

void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason)
{
	vcpu->arch.st.vmid.vpid_flush = 1;
	trace_kvm_tlb_flush(vcpu->vcpu_id, KVMLA_TLB_SCOPE_VPID, reason, 0);
}

/*
 * invtlb GID_ADDR compares rj against the guest id in the position GSTAT
 * keeps it (CSR_GSTAT_GID), not against a right-aligned number; a TLB entry
 * covers an even/odd page pair, so the address names the pair.
 */
/* Out of line and last: the one-address flush stays a leaf while it is off. */
static noinline void kvmla_tlb_trace_gpa(struct kvm_vcpu *vcpu,
					 unsigned long gpa, int reason)
{
	trace_kvm_tlb_flush(vcpu->vcpu_id, KVMLA_TLB_SCOPE_GPA, reason, gpa);
}

void kvmla_tlb_flush_gpa(struct kvm_vcpu *vcpu, unsigned long gpa, int reason)
{
	unsigned long gid = (vcpu->arch.st.vmid.vpid & kvmla_vpid_mask) <<
			    CSR_GSTAT_GID_SHIFT;

	kvmla_invtlb(INVTLB_GID_ADDR, gid & CSR_GSTAT_GID,
		     gpa & (PAGE_MASK << 1));
	vcpu->stat.tlb_flush_gpa++;
	if (trace_kvm_tlb_flush_enabled())
		kvmla_tlb_trace_gpa(vcpu, gpa, reason);
}

void kvmla_tlb_serve_requests(struct kvm_vcpu *vcpu)
{
	unsigned long old = vcpu->arch.st.vmid.vpid;
	bool gpa;

	/* The stage-2 root the refill code walks while the guest runs. */
	vcpu->arch.guest_pgdl = (unsigned long)vcpu->kvm->arch.mmu.pgd;
	if (kvm_check_request(KVM_REQ_TLB_FLUSH, vcpu))
		kvmla_tlb_flush_all(vcpu, KVMLA_TLB_REASON_REQUEST);
	gpa = kvm_check_request(KVM_REQ_TLB_FLUSH_GPA, vcpu);
	kvmla_vmid_check(vcpu);
	/* A new VPID already left every old entry behind. */
	if (gpa && vcpu->arch.st.vmid.vpid == old)
		kvmla_tlb_flush_gpa(vcpu, vcpu->arch.st.vmid.flush_gpa,
				    KVMLA_TLB_REASON_REQUEST);
}
