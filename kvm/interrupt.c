// SPDX-License-Identifier: GPL-2.0
/* Interrupt queueing and delivery to the guest at entry. */
#include "kvm_internal.h"

int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	return 0;
}

int kvmla_irq_dequeue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	return 0;
}

int kvmla_irq_ioctl(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq)
{
	return -EINVAL;
}

void kvmla_irq_deliver(struct kvm_vcpu *vcpu)
{
}

bool kvmla_irq_pending(struct kvm_vcpu *vcpu)
{
	return false;
}

void kvmla_irq_reset(struct kvm_vcpu *vcpu)
{
}

u64 kvmla_irq_merge_estat(struct kvm_vcpu *vcpu, u64 estat)
{
	return estat;
}
