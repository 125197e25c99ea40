// SPDX-License-Identifier: GPL-2.0
/* Per-CPU VPID generations for guest TLB tagging. */
#include "kvm_internal.h"

int kvmla_vmid_init(void)
{
	return 0;
}

void kvmla_vmid_deinit(void)
{
}

void kvmla_vmid_check(struct kvm_vcpu *vcpu)
{
}

void kvmla_vmid_drop(struct kvm_vcpu *vcpu)
{
}
