// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness: kvm/main.c -- the LVZ probe, module init and exit with
 * their unwinding, the per-CPU enable/disable register values, and the
 * VPID width from GSTAT.GIDBIT.
 */
#include "kvm_internal.h"
#include "weak.h"
#include "../../../kvm/main.c"
#include "ktest.h"

static void reset(void)
{
	hw_sim_reset();
	memset(&shim_ops, 0, sizeof(shim_ops));
	memset(kvmla_pcpu, 0, sizeof(kvmla_pcpu));
	memset(shim_log, 0, sizeof(shim_log));
	shim_log_lines = 0;
	shim_kvm_init_ret = 0;
	shim_kvm_init_calls = 0;
	shim_kvm_exit_calls = 0;
	shim_cpu = 0;
	shim_icache_flushes = 0;
	kvmla_vpid_mask = 0;
}

KTEST(probe_without_lvz_is_enodev_with_one_line)
{
	reset();
	hw.cpucfg[2] = CPUCFG2_FP | CPUCFG2_LLFTP;	/* no LVZP */
	KT_EXPECT(!kvmla_main_has_lvz());
	KT_EXPECT_EQ(shim_module_init(), -ENODEV);
	KT_EXPECT_EQ(shim_log_lines, 1);
	KT_EXPECT(strstr(shim_log, "LVZ") || strstr(shim_log, "virtualization"));
	KT_EXPECT_EQ(shim_kvm_init_calls, 0);
	KT_EXPECT_EQ(shim_ops.vmid_init, 0);
	return KT_PASS;
}

KTEST(init_and_exit)
{
	reset();
	hw.cpucfg[2] = CPUCFG2_LVZP;
	/* GSTAT.GIDBIT = 8: VPIDs 0..255. */
	hw.csr[LOONGARCH_CSR_GSTAT] = 8UL << CSR_GSTAT_GIDBIT_SHIFT;
	KT_EXPECT_EQ(shim_module_init(), 0);
	KT_EXPECT_EQ(kvmla_vpid_mask, 0xff);
	/* The world switch runs from a page-aligned copy. */
	KT_EXPECT(kvmla_guest_eentry);
	KT_EXPECT_EQ(kvmla_guest_eentry % PAGE_SIZE, 0);
	KT_EXPECT(!memcmp((void *)kvmla_guest_eentry,
			  (void *)(unsigned long)kvmla_switch_exc_entry,
			  kvmla_switch_size));
	KT_EXPECT_EQ((unsigned long)kvmla_switch_to_guest - kvmla_guest_eentry,
		     (unsigned long)kvmla_switch_enter -
		     (unsigned long)kvmla_switch_exc_entry);
	KT_EXPECT_EQ(shim_icache_flushes, 1);
	KT_EXPECT_EQ(shim_pages_live, 1);
	KT_EXPECT_EQ(shim_ops.vmid_init, 1);
	KT_EXPECT_EQ(shim_kvm_init_calls, 1);
	KT_EXPECT_EQ(shim_log_lines, 0);
	shim_module_exit();
	KT_EXPECT_EQ(shim_kvm_exit_calls, 1);
	KT_EXPECT_EQ(shim_ops.vmid_deinit, 1);
	KT_EXPECT_EQ(shim_pages_live, 0);
	KT_EXPECT(kvmla_switch_to_guest == NULL);

	/* No GID bits at all: a zero mask, not an underflow. */
	reset();
	hw.cpucfg[2] = CPUCFG2_LVZP;
	KT_EXPECT_EQ(shim_module_init(), 0);
	KT_EXPECT_EQ(kvmla_vpid_mask, 0);
	shim_module_exit();
	KT_EXPECT_EQ(shim_pages_live, 0);
	return KT_PASS;
}

KTEST(init_unwinds_on_failure)
{
	reset();
	hw.cpucfg[2] = CPUCFG2_LVZP;
	shim_page_fail = 1;
	KT_EXPECT_EQ(shim_module_init(), -ENOMEM);
	KT_EXPECT_EQ(shim_ops.vmid_init, 0);
	shim_page_fail = 0;

	reset();
	hw.cpucfg[2] = CPUCFG2_LVZP;
	shim_ops.vmid_init_ret = -ENOSPC;
	KT_EXPECT_EQ(shim_module_init(), -ENOSPC);
	KT_EXPECT_EQ(shim_pages_live, 0);
	KT_EXPECT_EQ(shim_kvm_init_calls, 0);

	reset();
	hw.cpucfg[2] = CPUCFG2_LVZP;
	shim_kvm_init_ret = -EBUSY;
	KT_EXPECT_EQ(shim_module_init(), -EBUSY);
	KT_EXPECT_EQ(shim_ops.vmid_deinit, 1);
	KT_EXPECT_EQ(shim_pages_live, 0);
	return KT_PASS;
}

KTEST(hw_enable_register_values)
{
	struct kvm_vcpu *stale = (struct kvm_vcpu *)&hw;	/* any pointer */

	reset();
	/* Capabilities: secure cache-op trap and root memory types. */
	hw.csr[LOONGARCH_CSR_GCFG] = CSR_GCFG_GCIP_SECURE | CSR_GCFG_MATP_ROOT |
				     CSR_GCFG_TOP | CSR_GCFG_TIT;
	hw.csr[LOONGARCH_CSR_GSTAT] = CSR_GSTAT_PVM | (5UL << CSR_GSTAT_GID_SHIFT);
	hw.csr[LOONGARCH_CSR_GINTC] = 0xff;
	hw.csr[LOONGARCH_CSR_GTLBC] = CSR_GTLBC_TOTI | 0x20;	/* MTLB 32 */
	kvmla_pcpu[0].last_vcpu = stale;
	kvmla_pcpu[1].last_vcpu = stale;
	KT_EXPECT_EQ(kvm_arch_enable_virtualization_cpu(), 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GCFG],
		     CSR_GCFG_GCI_SECURE | CSR_GCFG_MATC_ROOT);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GSTAT], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GINTC], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GTLBC], CSR_GTLBC_USETGID | 0x20);
	KT_EXPECT_EQ(hw.invtlb, 1);
	KT_EXPECT_EQ(hw.invtlb_op, INVTLB_ALLGID);
	/* Guest CSRs did not survive (suspend): this CPU forgets. */
	KT_EXPECT(kvmla_pcpu[0].last_vcpu == NULL);
	KT_EXPECT(kvmla_pcpu[1].last_vcpu == stale);

	/* Without the capabilities, GCFG stays 0. */
	reset();
	KT_EXPECT_EQ(kvm_arch_enable_virtualization_cpu(), 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GCFG], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GTLBC], CSR_GTLBC_USETGID);
	return KT_PASS;
}

KTEST(hw_disable_register_values)
{
	reset();
	shim_cpu = 2;
	hw.csr[LOONGARCH_CSR_GCFG] = CSR_GCFG_GCI_SECURE;
	hw.csr[LOONGARCH_CSR_GSTAT] = CSR_GSTAT_PVM;
	hw.csr[LOONGARCH_CSR_GINTC] = 0x3;
	hw.csr[LOONGARCH_CSR_GTLBC] = CSR_GTLBC_USETGID | CSR_GTLBC_TOTI | 0x20;
	kvmla_pcpu[2].last_vcpu = (struct kvm_vcpu *)&hw;
	kvm_arch_disable_virtualization_cpu();
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GCFG], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GSTAT], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GINTC], 0);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GTLBC], 0x20);
	KT_EXPECT_EQ(hw.invtlb_op, INVTLB_ALLGID);
	KT_EXPECT(kvmla_pcpu[2].last_vcpu == NULL);
	shim_cpu = 0;
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(probe_without_lvz_is_enodev_with_one_line),
	KTEST_CASE(init_and_exit),
	KTEST_CASE(init_unwinds_on_failure),
	KTEST_CASE(hw_enable_register_values),
	KTEST_CASE(hw_disable_register_values),
};

int main(int argc, char **argv)
{
	return ktest_main("host/main", cases, KTEST_N(cases));
}
