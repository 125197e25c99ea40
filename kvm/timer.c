// SPDX-License-Identifier: GPL-2.0
/* The constant-frequency guest timer across put/load and blocking. */
#include "kvm_internal.h"

void kvmla_timer_init(struct kvm_vcpu *vcpu, unsigned long hz)
{
	vcpu->arch.st.timer.hz = hz;
}

void kvmla_timer_deinit(struct kvm_vcpu *vcpu)
{
}

void kvmla_timer_save(struct kvm_vcpu *vcpu)
{
}

void kvmla_timer_restore(struct kvm_vcpu *vcpu)
{
}

void kvmla_timer_block(struct kvm_vcpu *vcpu)
{
}

void kvmla_timer_unblock(struct kvm_vcpu *vcpu)
{
}

u64 kvmla_timer_get_counter(struct kvm_vcpu *vcpu)
{
	return 0;
}

void kvmla_timer_set_counter(struct kvm_vcpu *vcpu, u64 val)
{
}
