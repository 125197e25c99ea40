// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/vmid.c in the host harness (8-bit VPIDs): the per-CPU generation
 * allocator, a new VPID on migration, generation change and request, the
 * rollover flush at wrap, GSTAT.GID and the LL-bit clear on every change.
 */
#include "kvm_internal.h"
#include "../../../kvm/vmid.c"
#include "kvmla_fixture.h"

#define GID(v)	((hw.csr[LOONGARCH_CSR_GSTAT] & CSR_GSTAT_GID) >> \
		 CSR_GSTAT_GID_SHIFT)

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	kvmla_vpid_mask = 0xff;
	kvmla_vmid_init();
	return v;
}

KTEST(init_starts_generation_one_everywhere)
{
	setup();
	for (int c = 0; c < NR_CPUS; c++)
		KT_EXPECT_EQ(per_cpu(kvmla_vpid_next, c), 0x100);
	return KT_PASS;
}

KTEST(first_entry_allocates_and_loads_gid)
{
	struct kvm_vcpu *v = setup();

	hw.csr[LOONGARCH_CSR_GSTAT] = 0x3;	/* other GSTAT bits kept */
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid_cpu, 0);
	KT_EXPECT_EQ(GID(v), 1);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GSTAT] & 0x3, 0x3);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_LLBCTL] & CSR_LLBCTL_WCLLB,
		     CSR_LLBCTL_WCLLB);
	KT_EXPECT_EQ(v->stat.vpid_changes, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "reason"),
		     KVMLA_VPID_REASON_MIGRATED);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "old_vpid"), 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "new_vpid"), 0x101);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "pcpu"), 0);
	/* same CPU, same generation: kept, no LL clear */
	hw.gcsr[LOONGARCH_CSR_LLBCTL] = 0;
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_LLBCTL], 0);
	KT_EXPECT_EQ(v->stat.vpid_changes, 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vpid_change), 1);
	return KT_PASS;
}

KTEST(migration_and_request_change_vpid)
{
	struct kvm_vcpu *v = setup();
	struct kvm_vcpu *w = fx_vcpu_new(1);

	kvmla_vmid_check(v);
	kvmla_vmid_check(w);
	KT_EXPECT_EQ(w->arch.st.vmid.vpid, 0x102);
	shim_cpu = 1;
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);	/* CPU 1's first */
	KT_EXPECT_EQ(v->arch.st.vmid.vpid_cpu, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "reason"),
		     KVMLA_VPID_REASON_MIGRATED);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "pcpu"), 1);
	v->arch.st.vmid.vpid_flush = 1;
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x102);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid_flush, 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "reason"),
		     KVMLA_VPID_REASON_REQUEST);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "old_vpid"), 0x101);
	KT_EXPECT_EQ(v->stat.vpid_changes, 3);
	KT_EXPECT_EQ(hw.invtlb, 0);
	return KT_PASS;
}

KTEST(rollover_at_wrap_flushes_and_bumps_generation)
{
	struct kvm_vcpu *v = setup();
	struct kvm_vcpu *w = fx_vcpu_new(1);

	kvmla_vmid_check(v);			/* 0x101 */
	per_cpu(kvmla_vpid_next, 0) = 0x1ff;
	kvmla_vmid_check(w);			/* wraps */
	/*
	 * Oracle: asm/tlb.h INVTLB_ALLGID (0x12) drops every guest id's
	 * entries, GVA->GPA and GPA->HPA alike; upstream kvm_update_vpid
	 * issues it (kvm_flush_tlb_all) at the wrap.  gtlbflush would leave
	 * the root TLB's GPA->HPA entries of the recycled guest ids behind.
	 */
	KT_EXPECT_EQ(hw.invtlb, 1);
	KT_EXPECT_EQ(hw.invtlb_op, INVTLB_ALLGID);
	KT_EXPECT_EQ(w->arch.st.vmid.vpid, 0x201);	/* VPID 0 skipped */
	KT_EXPECT_EQ(w->stat.vpid_rollovers, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_rollover, "generation"), 2);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_rollover, "pcpu"), 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "scope"), KVMLA_TLB_SCOPE_ALL);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "reason"),
		     KVMLA_TLB_REASON_ROLLOVER);
	/* v's VPID is of the old generation now */
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x202);
	KT_EXPECT_EQ(FX_FIELD(kvm_vpid_change, "reason"),
		     KVMLA_VPID_REASON_GENERATION);
	KT_EXPECT_EQ(GID(v), 2);
	KT_EXPECT_EQ(hw.invtlb, 1);
	return KT_PASS;
}

KTEST(generation_counter_wrap_restarts_at_one)
{
	struct kvm_vcpu *v = setup();

	per_cpu(kvmla_vpid_next, 0) = ~0UL;
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);
	KT_EXPECT_EQ(hw.invtlb, 1);	/* oracle: as above, INVTLB_ALLGID */
	KT_EXPECT_EQ(hw.invtlb_op, INVTLB_ALLGID);
	KT_EXPECT_EQ(v->stat.vpid_rollovers, 1);
	return KT_PASS;
}

KTEST(drop_forgets_the_vpid)
{
	struct kvm_vcpu *v = setup();

	kvmla_vmid_check(v);
	kvmla_vmid_drop(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid_cpu, -1);
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x102);
	kvmla_vmid_deinit();
	return KT_PASS;
}

KTEST(hardware_reset_of_the_core_cache_never_reuses_vpids)
{
	struct kvm_vcpu *v = setup();
	struct kvm_vcpu *w = fx_vcpu_new(1);

	kvmla_vmid_check(v);
	per_cpu(kvmla_pcpu, 0).vpid_cache = 0;	/* main.c's hw enable */
	kvmla_vmid_check(w);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);
	KT_EXPECT_EQ(w->arch.st.vmid.vpid, 0x102);
	kvmla_vmid_check(v);
	KT_EXPECT_EQ(v->arch.st.vmid.vpid, 0x101);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(init_starts_generation_one_everywhere),
	KTEST_CASE(first_entry_allocates_and_loads_gid),
	KTEST_CASE(migration_and_request_change_vpid),
	KTEST_CASE(rollover_at_wrap_flushes_and_bumps_generation),
	KTEST_CASE(generation_counter_wrap_restarts_at_one),
	KTEST_CASE(drop_forgets_the_vpid),
	KTEST_CASE(hardware_reset_of_the_core_cache_never_reuses_vpids),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/vmid", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
