// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla VM life: creation and teardown, the guest-physical space, the
 * capabilities we answer and the VM feature attributes.
 */
#include "kvm_internal.h"

/* Stage-2 gauges (mmu.c keeps them), after the generic VM stats. */
const struct kvm_stats_desc kvm_vm_stats_desc[] = {
	KVM_GENERIC_VM_STATS(),
	STATS_DESC_ICOUNTER(VM, hugepages),
	STATS_DESC_ICOUNTER(VM, pages),
};

const struct kvm_stats_header kvm_vm_stats_header =
	KVMLA_STATS_HEADER(kvm_vm_stats_desc);

/*
 * VM features (KVM_LOONGARCH_VM_FEAT_CTRL) offered when the host CPU has
 * the CPUCFG bit behind them; word 0 marks a feature offered always.
 */
static const struct kvmla_vm_feature {
	u8 feat;
	u8 word;
	u32 mask;
} kvmla_vm_features[] = {
	{ KVM_LOONGARCH_VM_FEAT_LSX,    2, CPUCFG2_LSX },
	{ KVM_LOONGARCH_VM_FEAT_LASX,   2, CPUCFG2_LASX },
	{ KVM_LOONGARCH_VM_FEAT_X86BT,  2, CPUCFG2_X86BT },
	{ KVM_LOONGARCH_VM_FEAT_ARMBT,  2, CPUCFG2_ARMBT },
	{ KVM_LOONGARCH_VM_FEAT_MIPSBT, 2, CPUCFG2_MIPSBT },
	{ KVM_LOONGARCH_VM_FEAT_PV_IPI, 0, 0 },
};

static unsigned long kvmla_vm_host_features(void)
{
	unsigned long feats = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kvmla_vm_features); i++) {
		const struct kvmla_vm_feature *f = &kvmla_vm_features[i];

		if (!f->word || (kvmla_cpucfg(f->word) & f->mask))
			feats |= BIT(f->feat);
	}
	/* Steal time needs the scheduler's run-delay accounting. */
	if (sched_info_on())
		feats |= BIT(KVM_LOONGARCH_VM_FEAT_PV_STEALTIME);
	return feats;
}

/* Guest-physical space: as wide as the host's virtual addresses. */
static unsigned long kvmla_vm_gpa_bits(void)
{
	u32 cfg1 = kvmla_cpucfg(1);

	return ((cfg1 & CPUCFG1_VABITS) >> 12) + 1;
}

/* 0 when gpa lies in the VM's guest-physical space, else -ERANGE. */
int kvmla_vm_gpa_check(struct kvm *kvm, unsigned long gpa)
{
	return gpa < kvm->arch.gpa_size ? 0 : -ERANGE;
}

int kvm_arch_init_vm(struct kvm *kvm, unsigned long type)
{
	int ret;

	if (type)
		return -EINVAL;

	kvm->arch.gpa_size = BIT(kvmla_vm_gpa_bits());
	kvm->arch.vm_features = kvmla_vm_host_features();
	kvm->arch.pv_features = BIT(KVM_FEATURE_IPI);
	if (kvm->arch.vm_features & BIT(KVM_LOONGARCH_VM_FEAT_PV_STEALTIME))
		kvm->arch.pv_features |= BIT(KVM_FEATURE_STEAL_TIME);
	kvm->arch.time_offset = 0;
	spin_lock_init(&kvm->arch.phyid_lock);
	memset(kvm->arch.phyid_map, 0, sizeof(kvm->arch.phyid_map));

	ret = kvmla_mmu_init(kvm);
	if (ret)
		return ret;
	return 0;
}

void kvm_arch_destroy_vm(struct kvm *kvm)
{
	kvm_destroy_vcpus(kvm);
	kvmla_mmu_deinit(kvm);
}

/* Upstream 6.12's answers: QEMU decides what to use from these. */
int kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext)
{
	switch (ext) {
	case KVM_CAP_MAX_VCPU_ID:
		return KVM_MAX_VCPU_IDS;
	case KVM_CAP_MAX_VCPUS:
		return KVM_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return KVM_USER_MEM_SLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), KVM_MAX_VCPUS);
	case KVM_CAP_ENABLE_CAP:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_SET_GUEST_DEBUG:
	case KVM_CAP_SYNC_MMU:
		return 1;
	default:
		return 0;
	}
}

static int kvmla_vm_has_attr(struct kvm *kvm, struct kvm_device_attr *attr)
{
	if (attr->group != KVM_LOONGARCH_VM_FEAT_CTRL)
		return -ENXIO;
	if (attr->attr >= BITS_PER_LONG)
		return -ENXIO;
	return kvm->arch.vm_features & BIT(attr->attr) ? 0 : -ENXIO;
}

int kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl,
		      unsigned long arg)
{
	struct kvm *kvm = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_device_attr attr;

	switch (ioctl) {
	case KVM_HAS_DEVICE_ATTR:
		if (copy_from_user(&attr, argp, sizeof(attr)))
			return -EFAULT;
		return kvmla_vm_has_attr(kvm, &attr);
	default:
		return -ENOIOCTLCMD;
	}
}

long kvm_arch_dev_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg)
{
	return -ENOIOCTLCMD;
}
