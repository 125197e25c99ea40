// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness: kvm/vm.c -- VM creation and teardown, the guest-physical
 * space, KVM_CHECK_EXTENSION, the VM feature attributes and the VM ioctl
 * handlers with their error returns.
 */
#include "kvm_internal.h"
#include "weak.h"
#include "../../../kvm/vm.c"
#include "ktest.h"

static struct kvm *vm_new(void)
{
	struct kvm *kvm = calloc(1, sizeof(*kvm));

	hw_sim_reset();
	memset(&shim_ops, 0, sizeof(shim_ops));
	/* VALEN 48: CPUCFG1.VABITS holds VALEN - 1. */
	hw.cpucfg[1] = 47UL << 12;
	hw.cpucfg[2] = CPUCFG2_FP | CPUCFG2_LSX | CPUCFG2_LLFTP;
	if (kvm_arch_init_vm(kvm, 0)) {
		free(kvm);
		return NULL;
	}
	return kvm;
}

static void vm_free(struct kvm *kvm)
{
	kvm_arch_destroy_vm(kvm);
	free(kvm);
}

static long vm_ioctl(struct kvm *kvm, unsigned int ioctl, void *arg)
{
	struct file f = { .private_data = kvm };

	return kvm_arch_vm_ioctl(&f, ioctl, (unsigned long)arg);
}

KTEST(create_sets_gpa_size_from_valen)
{
	struct kvm *kvm = vm_new();

	KT_EXPECT(kvm);
	KT_EXPECT_EQ(kvm->arch.gpa_size, 1UL << 48);
	KT_EXPECT_EQ(shim_ops.mmu_init, 1);
	KT_EXPECT_EQ(kvmla_vm_gpa_check(kvm, (1UL << 48) - 1), 0);
	KT_EXPECT_EQ(kvmla_vm_gpa_check(kvm, 1UL << 48), -ERANGE);
	vm_free(kvm);
	KT_EXPECT_EQ(shim_ops.mmu_deinit, 1);
	return KT_PASS;
}

KTEST(create_rejects_nonzero_type)
{
	struct kvm kvm = { 0 };

	hw_sim_reset();
	memset(&shim_ops, 0, sizeof(shim_ops));
	KT_EXPECT_EQ(kvm_arch_init_vm(&kvm, 1), -EINVAL);
	KT_EXPECT_EQ(shim_ops.mmu_init, 0);
	return KT_PASS;
}

KTEST(create_fails_when_mmu_init_fails)
{
	struct kvm kvm = { 0 };

	hw_sim_reset();
	memset(&shim_ops, 0, sizeof(shim_ops));
	shim_ops.mmu_init_ret = -ENOMEM;
	KT_EXPECT_EQ(kvm_arch_init_vm(&kvm, 0), -ENOMEM);
	return KT_PASS;
}

KTEST(pv_features_ipi_and_steal_time)
{
	struct kvm *kvm = vm_new();

	KT_EXPECT_EQ(kvm->arch.pv_features,
		     BIT(KVM_FEATURE_IPI) | BIT(KVM_FEATURE_STEAL_TIME));
	vm_free(kvm);
	return KT_PASS;
}

/* Upstream 6.12's answers, cap by cap. */
KTEST(check_extension_matches_upstream_set)
{
	static const long one[] = {
		KVM_CAP_ONE_REG, KVM_CAP_ENABLE_CAP, KVM_CAP_READONLY_MEM,
		KVM_CAP_SYNC_MMU, KVM_CAP_IMMEDIATE_EXIT, KVM_CAP_IOEVENTFD,
		KVM_CAP_MP_STATE, KVM_CAP_SET_GUEST_DEBUG,
	};
	struct kvm *kvm = vm_new();

	for (size_t i = 0; i < ARRAY_SIZE(one); i++)
		KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, one[i]), 1);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_NR_VCPUS),
		     NR_CPUS);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_MAX_VCPUS), 256);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_MAX_VCPU_ID),
		     KVM_MAX_VCPU_IDS);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_NR_MEMSLOTS),
		     KVM_USER_MEM_SLOTS);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_IRQCHIP), 0);
	KT_EXPECT_EQ(kvm_vm_ioctl_check_extension(kvm, KVM_CAP_HLT), 0);
	vm_free(kvm);
	return KT_PASS;
}

static int has_attr(struct kvm *kvm, u32 group, u64 attr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr };

	return vm_ioctl(kvm, KVM_HAS_DEVICE_ATTR, &a);
}

/* Host with FP+LSX, no LASX/LBT/PMU: upstream's numbering. */
KTEST(feature_attrs_follow_host_cpucfg)
{
	struct kvm *kvm = vm_new();

	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_LSX), 0);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_LASX), -ENXIO);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_X86BT), -ENXIO);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_PMU), -ENXIO);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_PV_IPI), 0);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL,
			      KVM_LOONGARCH_VM_FEAT_PV_STEALTIME), 0);
	vm_free(kvm);

	/* Every extension present on the host. */
	hw_sim_reset();
	kvm = calloc(1, sizeof(*kvm));
	hw.cpucfg[1] = 47UL << 12;
	hw.cpucfg[2] = CPUCFG2_FP | CPUCFG2_LSX | CPUCFG2_LASX |
		       CPUCFG2_X86BT | CPUCFG2_ARMBT | CPUCFG2_MIPSBT;
	KT_EXPECT_EQ(kvm_arch_init_vm(kvm, 0), 0);
	for (u64 f = KVM_LOONGARCH_VM_FEAT_LSX;
	     f <= KVM_LOONGARCH_VM_FEAT_MIPSBT; f++)
		KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL, f), 0);
	vm_free(kvm);
	return KT_PASS;
}

KTEST(feature_attr_errors)
{
	struct kvm *kvm = vm_new();
	struct kvm_device_attr a = { 0 };

	KT_EXPECT_EQ(has_attr(kvm, 1, KVM_LOONGARCH_VM_FEAT_LSX), -ENXIO);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL, 64), -ENXIO);
	KT_EXPECT_EQ(has_attr(kvm, KVM_LOONGARCH_VM_FEAT_CTRL, 1000), -ENXIO);
	shim_uaccess_fail = 1;
	KT_EXPECT_EQ(vm_ioctl(kvm, KVM_HAS_DEVICE_ATTR, &a), -EFAULT);
	shim_uaccess_fail = 0;
	KT_EXPECT_EQ(vm_ioctl(kvm, KVM_GET_DEVICE_ATTR, &a), -ENOIOCTLCMD);
	KT_EXPECT_EQ(vm_ioctl(kvm, KVM_CREATE_IRQCHIP, NULL), -ENOIOCTLCMD);
	KT_EXPECT_EQ(kvm_arch_dev_ioctl(NULL, KVM_GET_API_VERSION, 0),
		     -ENOIOCTLCMD);
	vm_free(kvm);
	return KT_PASS;
}

KTEST(stats_descriptors)
{
	KT_EXPECT_EQ(kvm_vm_stats_header.num_desc, 4);
	KT_EXPECT_STREQ(kvm_vm_stats_desc[2].name, "hugepages");
	KT_EXPECT_EQ(kvm_vm_stats_desc[2].offset,
		     offsetof(struct kvm_vm_stat, hugepages));
	KT_EXPECT_EQ(kvm_vm_stats_desc[3].flags & KVM_STATS_TYPE_MASK,
		     KVM_STATS_TYPE_INSTANT);
	KT_EXPECT_EQ(kvm_vm_stats_header.data_offset,
		     sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE +
		     sizeof(kvm_vm_stats_desc));
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(create_sets_gpa_size_from_valen),
	KTEST_CASE(create_rejects_nonzero_type),
	KTEST_CASE(create_fails_when_mmu_init_fails),
	KTEST_CASE(pv_features_ipi_and_steal_time),
	KTEST_CASE(check_extension_matches_upstream_set),
	KTEST_CASE(feature_attrs_follow_host_cpucfg),
	KTEST_CASE(feature_attr_errors),
	KTEST_CASE(stats_descriptors),
};

int main(int argc, char **argv)
{
	return ktest_main("host/vm", cases, KTEST_N(cases));
}
