// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/tlb.c in the host harness: KVM_REQ_TLB_FLUSH becomes a new VPID,
 * KVM_REQ_TLB_FLUSH_GPA an invtlb of that GPA under the current VPID
 * (skipped when the VPID changed anyway), both served at entry, and the
 * stage-2 root handed to the world switch.
 */
#include "kvm_internal.h"
#include "../../../kvm/tlb.c"
#include "kvmla_fixture.h"

/* vmid.c stand-in: a pending flush means a new VPID. */
static int checks;
void kvmla_vmid_check(struct kvm_vcpu *vcpu)
{
	checks++;
	if (vcpu->arch.st.vmid.vpid_flush || !vcpu->arch.st.vmid.vpid) {
		vcpu->arch.st.vmid.vpid += 1;
		vcpu->arch.st.vmid.vpid_flush = 0;
	}
}

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	checks = 0;
	kvmla_vpid_mask = 0xff;
	v->arch.st.vmid.vpid = 0x305;
	fx_kvm->arch.mmu.pgd = (void *)0x9000000001230000UL;
	return v;
}

KTEST(flush_request_gives_new_vpid)
{
	struct kvm_vcpu *v = setup();

	kvm_make_request(KVM_REQ_TLB_FLUSH, v);
	kvmla_tlb_serve_requests(v, true);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x306);
	KT_EXPECT(!kvm_test_request(KVM_REQ_TLB_FLUSH, v));
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "scope"), KVMLA_TLB_SCOPE_VPID);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "reason"),
		     KVMLA_TLB_REASON_REQUEST);
	KT_EXPECT_EQ(hw.invtlb, 0);
	KT_EXPECT_EQ(checks, 1);
	return KT_PASS;
}

/* The plain copy (no kvmla event has a probe): same work, no event check. */
KTEST(plain_serve_checks_no_event)
{
	struct kvm_vcpu *v = setup();

	shim_trace_on = false;
	v->arch.st.vmid.flush_gpa = 0x12345678;
	kvm_make_request(KVM_REQ_TLB_FLUSH_GPA, v);
	kvmla_tlb_serve_requests(v, false);
	KT_EXPECT_EQ(hw.invtlb, 1);
	KT_EXPECT_EQ(hw.invtlb_addr, 0x12345678 & (PAGE_MASK << 1));
	KT_EXPECT_EQ(v->stat.tlb_flush_gpa, 1);
	kvm_make_request(KVM_REQ_TLB_FLUSH, v);
	kvmla_tlb_serve_requests(v, false);
	KT_EXPECT(!kvm_test_request(KVM_REQ_TLB_FLUSH, v));
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x306);	/* a new VPID */
	KT_EXPECT_EQ(shim_trace_checks_off, 0);
	KT_EXPECT_EQ(shim_trace_n, 0);
	return KT_PASS;
}

KTEST(gpa_request_invalidates_that_gpa)
{
	struct kvm_vcpu *v = setup();

	v->arch.st.vmid.flush_gpa = 0x12345678;
	kvm_make_request(KVM_REQ_TLB_FLUSH_GPA, v);
	kvmla_tlb_serve_requests(v, true);
	KT_EXPECT_EQ(hw.invtlb, 1);
	KT_EXPECT_EQ(hw.invtlb_op, INVTLB_GID_ADDR);
	/*
	 * Oracle: asm/tlb.h INVTLB_GID_ADDR matches the guest id held in rj
	 * where GSTAT holds it, loongarch.h CSR_GSTAT_GID (bits 23:16,
	 * CSR_GSTAT_GID_SHIFT); upstream kvm_flush_tlb_gpa passes
	 * GSTAT & CSR_GSTAT_GID.  VPID 0x305 under an 8-bit mask is GID 5.
	 */
	KT_EXPECT_EQ(hw.invtlb_info, 0x05UL << CSR_GSTAT_GID_SHIFT);
	KT_EXPECT_EQ(hw.invtlb_info & ~CSR_GSTAT_GID, 0);
	/*
	 * Oracle: upstream kvm_flush_tlb_gpa aligns the address to the
	 * even/odd page pair one TLB entry maps (PAGE_MASK << 1).
	 */
	KT_EXPECT_EQ(hw.invtlb_addr, 0x12345678 & (PAGE_MASK << 1));
	KT_EXPECT_EQ(v->stat.tlb_flush_gpa, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "scope"), KVMLA_TLB_SCOPE_GPA);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "gpa"), 0x12345678);
	KT_EXPECT(!kvm_test_request(KVM_REQ_TLB_FLUSH_GPA, v));
	/* served once */
	kvmla_tlb_serve_requests(v, true);
	KT_EXPECT_EQ(hw.invtlb, 1);
	return KT_PASS;
}

KTEST(gpa_flush_skipped_when_vpid_changes)
{
	struct kvm_vcpu *v = setup();

	kvm_make_request(KVM_REQ_TLB_FLUSH, v);
	kvm_make_request(KVM_REQ_TLB_FLUSH_GPA, v);
	kvmla_tlb_serve_requests(v, true);
	KT_EXPECT_EQ(hw.invtlb, 0);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x306);
	KT_EXPECT(!kvm_test_request(KVM_REQ_TLB_FLUSH_GPA, v));
	return KT_PASS;
}

KTEST(entry_loads_stage2_root)
{
	struct kvm_vcpu *v = setup();

	kvmla_tlb_serve_requests(v, true);
	KT_EXPECT_EQ(v->arch.guest_pgdl, 0x9000000001230000UL);
	kvmla_tlb_flush_all(v, KVMLA_TLB_REASON_UNMAP);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid_flush, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "reason"), KVMLA_TLB_REASON_UNMAP);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(flush_request_gives_new_vpid),
	KTEST_CASE(plain_serve_checks_no_event),
	KTEST_CASE(gpa_request_invalidates_that_gpa),
	KTEST_CASE(gpa_flush_skipped_when_vpid_changes),
	KTEST_CASE(entry_loads_stage2_root),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/tlb", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
