// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and exceptions for the guest.
 *
 * Raises and lowers are queued as bits (bit n = interrupt n = ESTAT.IS bit
 * n) from any context and applied at guest entry with IRQs off, highest
 * number (highest priority) first: HWI0-7 through the root GINTC.HWIS
 * bits, every other line through the guest ESTAT.  A pending exception
 * (exit.c) is raised at the same point, before the interrupts.
 */
#include "kvm_internal.h"

#define KVMLA_IRQ_ALL		((1UL << KVMLA_INT_NUM) - 1)

int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	if (irq >= KVMLA_INT_NUM)
		return -EINVAL;
	clear_bit(irq, &vcpu->arch.st.irq.clear);
	set_bit(irq, &vcpu->arch.st.irq.pending);
	trace_kvm_irq(vcpu->vcpu_id, KVMLA_IRQ_OP_QUEUE, irq, source);
	return 0;
}

int kvmla_irq_dequeue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	if (irq >= KVMLA_INT_NUM)
		return -EINVAL;
	clear_bit(irq, &vcpu->arch.st.irq.pending);
	set_bit(irq, &vcpu->arch.st.irq.clear);
	trace_kvm_irq(vcpu->vcpu_id, KVMLA_IRQ_OP_DEQUEUE, irq, source);
	return 0;
}

/*
 * KVM_INTERRUPT: irq > 0 raises line irq, irq < 0 lowers line -irq; 0
 * (which would be SWI0, owned by the guest) and |irq| >= KVMLA_INT_NUM
 * are refused.
 */
int kvmla_irq_ioctl(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq)
{
	int line = (int)irq->irq;
	int ret;

	if (line > 0 && line < KVMLA_INT_NUM)
		ret = kvmla_irq_queue(vcpu, line, KVMLA_IRQ_SOURCE_IOCTL);
	else if (line < 0 && -line < KVMLA_INT_NUM)
		ret = kvmla_irq_dequeue(vcpu, -line, KVMLA_IRQ_SOURCE_IOCTL);
	else
		return -EINVAL;
	kvm_vcpu_kick(vcpu);
	return ret;
}

/*
 * Where the guest takes exception @ecode: ECFG.VS gives the spacing of
 * the vectors from EENTRY, 2^VS instructions each; with VS = 0 every
 * exception enters at EENTRY itself.
 */
static unsigned long kvmla_irq_vector(unsigned int ecode)
{
	u64 ecfg = kvmla_gcsr_read(LOONGARCH_CSR_ECFG);
	unsigned int vs = (ecfg & CSR_ECFG_VS) >> CSR_ECFG_VS_SHIFT;
	unsigned long base = kvmla_gcsr_read(LOONGARCH_CSR_EENTRY);

	if (!vs)
		return base;
	return base + ((unsigned long)ecode << (vs + 2));
}

static void kvmla_irq_raise_exception(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	unsigned long crmd, prmd, estat;

	st->exit.exc_pending = 0;
	/* Save PLV and IE into PRMD, then enter PLV0 with IE clear. */
	crmd = kvmla_gcsr_read(LOONGARCH_CSR_CRMD);
	prmd = kvmla_gcsr_read(LOONGARCH_CSR_PRMD);
	kvmla_gcsr_write(LOONGARCH_CSR_PRMD, (prmd & ~7UL) | (crmd & 7UL));
	kvmla_gcsr_write(LOONGARCH_CSR_CRMD, crmd & ~7UL);
	kvmla_gcsr_write(LOONGARCH_CSR_ERA, vcpu->arch.pc);
	estat = kvmla_gcsr_read(LOONGARCH_CSR_ESTAT);
	estat &= ~(CSR_ESTAT_EXC | CSR_ESTAT_ESUBCODE);
	estat |= (unsigned long)st->exit.exc_ecode << CSR_ESTAT_EXC_SHIFT;
	estat |= (unsigned long)st->exit.exc_esubcode << CSR_ESTAT_ESUBCODE_SHIFT;
	kvmla_gcsr_write(LOONGARCH_CSR_ESTAT, estat);
	kvmla_gcsr_write(LOONGARCH_CSR_BADV, st->exit.exc_badv);
	kvmla_gcsr_write(LOONGARCH_CSR_BADI, st->exit.exc_badi);
	vcpu->arch.pc = kvmla_irq_vector(st->exit.exc_ecode);
}

static void kvmla_irq_apply(unsigned int irq, bool raise)
{
	unsigned long bit;

	if (irq >= KVMLA_INT_HWI0 && irq <= KVMLA_INT_HWI7) {
		bit = 1UL << (irq - KVMLA_INT_HWI0);
		kvmla_csr_xchg(LOONGARCH_CSR_GINTC, raise ? bit : 0, bit);
	} else {
		bit = 1UL << irq;
		kvmla_gcsr_xchg(LOONGARCH_CSR_ESTAT, raise ? bit : 0, bit);
	}
}

/*
 * Apply the queued raises and clears.  Out of line, and reached by a tail
 * call: the entry with nothing queued (nearly every one) stays a leaf
 * without a stack frame, whatever the tracepoint below needs.
 */
static noinline void kvmla_irq_apply_queue(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	int irq;

	for (irq = KVMLA_INT_NUM - 1; irq >= 0; irq--) {
		if (test_and_clear_bit(irq, &st->irq.clear))
			kvmla_irq_apply(irq, false);
		if (test_and_clear_bit(irq, &st->irq.pending)) {
			kvmla_irq_apply(irq, true);
			vcpu->stat.irq_injected++;
			trace_kvm_irq(vcpu->vcpu_id, KVMLA_IRQ_OP_DELIVER, irq,
				      KVMLA_IRQ_SOURCE_ENTRY);
		}
	}
}

void kvmla_irq_deliver(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;

	if (st->exit.exc_pending)
		kvmla_irq_raise_exception(vcpu);
	if (READ_ONCE(st->irq.pending) || READ_ONCE(st->irq.clear))
		kvmla_irq_apply_queue(vcpu);
}

bool kvmla_irq_pending(struct kvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->arch.st.irq.pending) != 0;
}

void kvmla_irq_reset(struct kvm_vcpu *vcpu)
{
	vcpu->arch.st.irq.pending = 0;
	vcpu->arch.st.irq.clear = 0;
	vcpu->arch.st.exit.exc_pending = 0;
}

u64 kvmla_irq_merge_estat(struct kvm_vcpu *vcpu, u64 estat)
{
	unsigned long pend = READ_ONCE(vcpu->arch.st.irq.pending);
	unsigned long clr = READ_ONCE(vcpu->arch.st.irq.clear);

	return (estat & ~(u64)clr) | (pend & KVMLA_IRQ_ALL);
}
