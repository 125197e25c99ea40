/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla guest timer (timer.c), the constant-frequency one: its per-vCPU
 * state and its API.
 *
 * Included by asm/kvm_host.h: needs u8..u64 and struct hrtimer from the
 * includer.  Counter: timer_fires in struct kvm_vcpu_stat there.
 */
#ifndef KVMLA_KVM_TIMER_H
#define KVMLA_KVM_TIMER_H

struct kvm_vcpu;

/* vcpu->arch.st.timer: bookkeeping between put and load. */
struct kvmla_timer {
	struct hrtimer swtimer;		/* armed only while blocked */
	u64 hz;				/* constant timer frequency */
	u64 tcfg;			/* guest TCFG at put */
	u64 tval;			/* guest TVAL at put */
	u64 expire_ns;			/* host monotonic expiry at put */
	u8 saved;			/* tcfg/tval/expire_ns valid */
	u8 armed;			/* swtimer armed */
	u8 ti_at_put;			/* TI already pending at put */
};

void kvmla_timer_init(struct kvm_vcpu *vcpu, unsigned long hz);
void kvmla_timer_deinit(struct kvm_vcpu *vcpu);
/* On put and on load; _traced records kvm_timer (exit.h's convention). */
void kvmla_timer_save_plain(struct kvm_vcpu *vcpu);
void kvmla_timer_save_traced(struct kvm_vcpu *vcpu);
void kvmla_timer_restore_plain(struct kvm_vcpu *vcpu);
void kvmla_timer_restore_traced(struct kvm_vcpu *vcpu);

static __always_inline void kvmla_timer_save(struct kvm_vcpu *vcpu,
					     bool traced)
{
	if (traced)
		kvmla_timer_save_traced(vcpu);
	else
		kvmla_timer_save_plain(vcpu);
}

static __always_inline void kvmla_timer_restore(struct kvm_vcpu *vcpu,
						bool traced)
{
	if (traced)
		kvmla_timer_restore_traced(vcpu);
	else
		kvmla_timer_restore_plain(vcpu);
}

void kvmla_timer_block(struct kvm_vcpu *vcpu);	/* vCPU about to halt */
void kvmla_timer_unblock(struct kvm_vcpu *vcpu);
/* Stop the hardware guest timer before a full CSR restore (IRQs off). */
void kvmla_timer_stop(void);
/* TI pending in the hardware guest ESTAT (the vCPU loaded here). */
bool kvmla_timer_ti_pending(void);
u64 kvmla_timer_get_counter(struct kvm_vcpu *vcpu);
void kvmla_timer_set_counter(struct kvm_vcpu *vcpu, u64 val);

#endif /* KVMLA_KVM_TIMER_H */
