/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla guest interrupts (interrupt.c): queued raises and lowers, delivered
 * at guest entry.  Its per-vCPU state and its API.
 *
 * Included by asm/kvm_host.h: needs only the includer's basic types.
 * Counter: irq_injected in struct kvm_vcpu_stat there.
 */
#ifndef KVMLA_KVM_IRQ_H
#define KVMLA_KVM_IRQ_H

struct kvm_vcpu;
struct kvm_interrupt;

/* vcpu->arch.st.irq: one bit per interrupt number. */
struct kvmla_irq_state {
	unsigned long pending;		/* raises not yet delivered */
	unsigned long clear;		/* lowers not yet delivered */
};

int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source);
int kvmla_irq_dequeue(struct kvm_vcpu *vcpu, unsigned int irq, int source);
int kvmla_irq_ioctl(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq);
void kvmla_irq_deliver(struct kvm_vcpu *vcpu);	/* entry, IRQs off */
bool kvmla_irq_pending(struct kvm_vcpu *vcpu);
void kvmla_irq_reset(struct kvm_vcpu *vcpu);
/* ESTAT as the guest sees it, queued interrupts merged. */
u64 kvmla_irq_merge_estat(struct kvm_vcpu *vcpu, u64 estat);

#endif /* KVMLA_KVM_IRQ_H */
