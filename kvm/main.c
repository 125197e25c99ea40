// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla module life: the LVZ probe, per-CPU virtualization enable and
 * disable, and registration with the generic KVM code.
 */
#include "kvm_internal.h"

DEFINE_PER_CPU(struct kvmla_pcpu, kvmla_pcpu);

/* GSTAT.GIDBIT wide mask of usable VPIDs; set at module init. */
unsigned long kvmla_vpid_mask;
/* Where guest exits land (EENTRY while a guest runs). */
unsigned long kvmla_guest_eentry;
void (*kvmla_switch_to_guest)(struct kvm_vcpu_arch *arch);
static unsigned int kvmla_switch_order;

/* CPUCFG2.LVZP: the CPU implements the virtualization extension. */
bool kvmla_main_has_lvz(void)
{
	return kvmla_cpucfg(2) & CPUCFG2_LVZP;
}

/*
 * Put this CPU's guest-control CSRs into the state every guest expects.
 * Also called on resume, when the hardware lost all guest CSRs: forget
 * which vCPU they belonged to so that the next load is a full one.
 */
void kvmla_main_hw_enable(void)
{
	unsigned long caps = kvmla_csr_read(LOONGARCH_CSR_GCFG);
	unsigned long gcfg = 0;

	kvmla_csr_write(LOONGARCH_CSR_GCFG, 0);
	kvmla_csr_write(LOONGARCH_CSR_GSTAT, 0);
	kvmla_csr_write(LOONGARCH_CSR_GINTC, 0);
	kvmla_csr_xchg(LOONGARCH_CSR_GTLBC, 0,
		       CSR_GTLBC_USETGID | CSR_GTLBC_TOTI);

	/*
	 * Guest cache ops on secure lines trap when the CPU can, and guest
	 * memory access types follow the root page tables.  Privileged
	 * instructions, exceptions and the timer stay with the guest
	 * (TOP, TOE and TIT clear).
	 */
	if (caps & CSR_GCFG_GCIP_SECURE)
		gcfg |= CSR_GCFG_GCI_SECURE;
	if (caps & CSR_GCFG_MATP_ROOT)
		gcfg |= CSR_GCFG_MATC_ROOT;
	kvmla_csr_write(LOONGARCH_CSR_GCFG, gcfg);

	kvmla_invtlb(INVTLB_ALLGID, 0, 0);
	kvmla_csr_xchg(LOONGARCH_CSR_GTLBC, CSR_GTLBC_USETGID,
		       CSR_GTLBC_USETGID);

	this_cpu_ptr(&kvmla_pcpu)->last_vcpu = NULL;
	this_cpu_ptr(&kvmla_pcpu)->vpid_cache = 0;
}

/* Leave nothing of a guest behind on this CPU. */
void kvmla_main_hw_disable(void)
{
	kvmla_csr_write(LOONGARCH_CSR_GCFG, 0);
	kvmla_csr_write(LOONGARCH_CSR_GSTAT, 0);
	kvmla_csr_write(LOONGARCH_CSR_GINTC, 0);
	kvmla_csr_xchg(LOONGARCH_CSR_GTLBC, 0,
		       CSR_GTLBC_USETGID | CSR_GTLBC_TOTI);
	kvmla_invtlb(INVTLB_ALLGID, 0, 0);
	this_cpu_ptr(&kvmla_pcpu)->last_vcpu = NULL;
}

int kvm_arch_enable_virtualization_cpu(void)
{
	kvmla_main_hw_enable();
	return 0;
}

void kvm_arch_disable_virtualization_cpu(void)
{
	kvmla_main_hw_disable();
}

/*
 * Copy the world switch (switch.S) into directly mapped pages: the copy
 * is what runs, and its first byte is the guest exit vector.
 */
static int kvmla_main_switch_init(void)
{
	unsigned long code = (unsigned long)kvmla_switch_exc_entry;
	unsigned long page;

	kvmla_switch_order = get_order(kvmla_switch_size);
	page = __get_free_pages(GFP_KERNEL, kvmla_switch_order);
	if (!page)
		return -ENOMEM;
	memcpy((void *)page, (void *)code, kvmla_switch_size);
	flush_icache_range(page, page + kvmla_switch_size);
	kvmla_guest_eentry = page;
	kvmla_switch_to_guest = (void *)(page +
		((unsigned long)kvmla_switch_enter - code));
	return 0;
}

static void kvmla_main_switch_deinit(void)
{
	free_pages(kvmla_guest_eentry, kvmla_switch_order);
	kvmla_guest_eentry = 0;
	kvmla_switch_to_guest = NULL;
}

static int kvmla_main_setup(void)
{
	unsigned long gstat = kvmla_csr_read(LOONGARCH_CSR_GSTAT);
	unsigned int gidbits;
	int ret;

	gidbits = (gstat & CSR_GSTAT_GIDBIT) >> CSR_GSTAT_GIDBIT_SHIFT;
	kvmla_vpid_mask = gidbits ? GENMASK(gidbits - 1, 0) : 0;

	ret = kvmla_main_switch_init();
	if (ret)
		goto out;
	ret = kvmla_vmid_init();
	if (ret)
		goto out_switch;
	return 0;

out_switch:
	kvmla_main_switch_deinit();
out:
	return ret;
}

static void kvmla_main_teardown(void)
{
	kvmla_vmid_deinit();
	kvmla_main_switch_deinit();
}

static int __init kvmla_main_init(void)
{
	int ret;

	if (!kvmla_main_has_lvz()) {
		kvm_info("kvmla: no LoongArch virtualization (CPUCFG2.LVZP clear)\n");
		return -ENODEV;
	}
	ret = kvmla_main_setup();
	if (ret)
		goto out;
	ret = kvm_init(sizeof(struct kvm_vcpu), __alignof__(struct kvm_vcpu),
		       THIS_MODULE);
	if (ret)
		goto out_setup;
	return 0;

out_setup:
	kvmla_main_teardown();
out:
	return ret;
}

static void __exit kvmla_main_exit(void)
{
	kvm_exit();
	kvmla_main_teardown();
}

/* udev loads us on CPUs with LVZ, as it would the stock module. */
static const struct cpu_feature kvmla_main_lvz_alias[] = {
	{ .feature = cpu_feature(LOONGARCH_LVZ) },
	{ }
};
MODULE_DEVICE_TABLE(cpu, kvmla_main_lvz_alias);

module_init(kvmla_main_init);
module_exit(kvmla_main_exit);

MODULE_DESCRIPTION("kvmla: observable LoongArch KVM (LVZ)");
MODULE_LICENSE("GPL");
/*
 * From VERSION (kvm/Kbuild).  DKMS needs a version to replace the stock
 * kvm.ko, which has none: an equal (empty) version is refused.
 */
MODULE_VERSION(KVMLA_VERSION);
