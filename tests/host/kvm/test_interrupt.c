// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/interrupt.c in the host harness: KVM_INTERRUPT bounds, queue and
 * dequeue, delivery at entry in priority order to ESTAT and GINTC, the
 * ESTAT merge for ONE_REG, and raising a pending exception.
 */
#include "kvm_internal.h"
#include "../../../kvm/interrupt.c"
#include "kvmla_fixture.h"

static int ioctl_irq(struct kvm_vcpu *v, int irq)
{
	struct kvm_interrupt i = { .irq = (u32)irq };

	return kvmla_irq_ioctl(v, &i);
}

KTEST(ioctl_bounds_and_zero)
{
	struct kvm_vcpu *v = fx_setup();

	KT_EXPECT_EQ(ioctl_irq(v, 0), -EINVAL);
	KT_EXPECT_EQ(ioctl_irq(v, KVMLA_INT_NUM), -EINVAL);
	KT_EXPECT_EQ(ioctl_irq(v, -KVMLA_INT_NUM), -EINVAL);
	KT_EXPECT_EQ(ioctl_irq(v, 0x7fffffff), -EINVAL);
	KT_EXPECT_EQ(ioctl_irq(v, (int)0x80000000), -EINVAL);
	KT_EXPECT_EQ(v->arch.st.irq.pending, 0);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_irq), 0);
	KT_EXPECT_EQ(ioctl_irq(v, KVMLA_INT_NUM - 1), 0);
	KT_EXPECT_EQ(ioctl_irq(v, 1), 0);
	KT_EXPECT_EQ(v->arch.st.irq.pending, BIT(14) | BIT(1));
	KT_EXPECT_EQ(shim_kicks, 2);
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "op"), KVMLA_IRQ_OP_QUEUE);
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "irq"), 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "source"), KVMLA_IRQ_SOURCE_IOCTL);
	KT_EXPECT_EQ(ioctl_irq(v, -1), 0);
	KT_EXPECT_EQ(v->arch.st.irq.pending, BIT(14));
	KT_EXPECT_EQ(v->arch.st.irq.clear, BIT(1));
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "op"), KVMLA_IRQ_OP_DEQUEUE);
	KT_EXPECT_EQ(kvmla_irq_queue(v, KVMLA_INT_NUM, 0), -EINVAL);
	KT_EXPECT_EQ(kvmla_irq_dequeue(v, 99, 0), -EINVAL);
	return KT_PASS;
}

KTEST(deliver_routes_hwi_to_gintc_rest_to_estat)
{
	struct kvm_vcpu *v = fx_setup();

	kvmla_irq_queue(v, KVMLA_INT_HWI0, KVMLA_IRQ_SOURCE_IRQCHIP);
	kvmla_irq_queue(v, KVMLA_INT_HWI7, KVMLA_IRQ_SOURCE_IRQCHIP);
	kvmla_irq_queue(v, KVMLA_INT_TI, KVMLA_IRQ_SOURCE_TIMER);
	kvmla_irq_queue(v, KVMLA_INT_IPI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_queue(v, KVMLA_INT_SWI0, KVMLA_IRQ_SOURCE_PV_IPI);
	KT_EXPECT(kvmla_irq_pending(v));
	shim_trace_reset();
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GINTC], BIT(0) | BIT(7));
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT],
		     BIT(KVMLA_INT_TI) | BIT(KVMLA_INT_IPI) |
		     BIT(KVMLA_INT_SWI0));
	KT_EXPECT(!kvmla_irq_pending(v));
	KT_EXPECT_EQ(v->stat.irq_injected, 5);
	/* highest number (priority) first */
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_irq), 5);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_irq, 0), "irq"),
		     KVMLA_INT_IPI);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_irq, 1), "irq"),
		     KVMLA_INT_TI);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_irq, 2), "irq"),
		     KVMLA_INT_HWI7);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_irq, 3), "irq"),
		     KVMLA_INT_HWI0);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_irq, 4), "irq"),
		     KVMLA_INT_SWI0);
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "op"), KVMLA_IRQ_OP_DELIVER);
	KT_EXPECT_EQ(FX_FIELD(kvm_irq, "source"), KVMLA_IRQ_SOURCE_ENTRY);

	/* lowering clears the same bits, other bits stay */
	hw.gcsr[LOONGARCH_CSR_ESTAT] |= 0x3f << 16;	/* an ecode field */
	kvmla_irq_dequeue(v, KVMLA_INT_TI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_dequeue(v, KVMLA_INT_HWI7, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GINTC], BIT(0));
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT],
		     (0x3fULL << 16) | BIT(KVMLA_INT_IPI) |
		     BIT(KVMLA_INT_SWI0));
	KT_EXPECT_EQ(v->arch.st.irq.clear, 0);
	/* nothing queued: nothing written */
	hw.gcsr_writes = hw.csr_writes = 0;
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(hw.gcsr_writes + hw.csr_writes, 0);
	return KT_PASS;
}

KTEST(raise_then_lower_before_entry_nets_lower)
{
	struct kvm_vcpu *v = fx_setup();

	hw.gcsr[LOONGARCH_CSR_ESTAT] = BIT(KVMLA_INT_IPI);
	kvmla_irq_queue(v, KVMLA_INT_IPI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_dequeue(v, KVMLA_INT_IPI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT], 0);
	kvmla_irq_dequeue(v, KVMLA_INT_IPI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_queue(v, KVMLA_INT_IPI, KVMLA_IRQ_SOURCE_IOCTL);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT], BIT(KVMLA_INT_IPI));
	return KT_PASS;
}

KTEST(merge_estat_for_one_reg)
{
	struct kvm_vcpu *v = fx_setup();

	kvmla_irq_queue(v, KVMLA_INT_TI, 0);
	kvmla_irq_queue(v, KVMLA_INT_HWI2, 0);
	kvmla_irq_dequeue(v, KVMLA_INT_SWI1, 0);
	KT_EXPECT_EQ(kvmla_irq_merge_estat(v, BIT(1) | (0x22ULL << 16)),
		     BIT(KVMLA_INT_TI) | BIT(KVMLA_INT_HWI2) |
		     (0x22ULL << 16));
	return KT_PASS;
}

KTEST(pending_exception_is_raised_at_entry)
{
	struct kvm_vcpu *v = fx_setup();

	v->arch.pc = 0x9000000000001000ULL;
	hw.gcsr[LOONGARCH_CSR_CRMD] = 0x7 | 0x8 | 0x10;	/* PLV3, IE, DA */
	hw.gcsr[LOONGARCH_CSR_PRMD] = 0x0;
	hw.gcsr[LOONGARCH_CSR_EENTRY] = 0x9000000000200000ULL;
	hw.gcsr[LOONGARCH_CSR_ESTAT] = BIT(KVMLA_INT_TI) | (0x5ULL << 16);
	kvmla_exit_inject(v, KVMLA_ECODE_ADE, KVMLA_ESUBCODE_ADEM, 0x4000,
			  0xabcd);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(v->arch.st.exit.exc_pending, 0);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ERA], 0x9000000000001000ULL);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_PRMD], 0x7);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_CRMD], 0x18);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT],
		     BIT(KVMLA_INT_TI) |
		     ((u64)KVMLA_ECODE_ADE << CSR_ESTAT_EXC_SHIFT) |
		     ((u64)KVMLA_ESUBCODE_ADEM << CSR_ESTAT_ESUBCODE_SHIFT));
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_BADV], 0x4000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_BADI], 0xabcd);
	KT_EXPECT_EQ(v->arch.pc, 0x9000000000200000ULL);
	/* once */
	v->arch.pc = 1;
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(v->arch.pc, 1);
	return KT_PASS;
}

/*
 * Oracle: the architecture's vector spacing, as the kernel sets it up
 * (arch/loongarch/kernel/traps.c setup_vint_size: ECFG.VS =
 * ilog2(VECSIZE / 4), handlers at ecode * VECSIZE from EENTRY, VECSIZE
 * 0x200 in asm/setup.h), and upstream's _kvm_deliver_exception: entry =
 * EENTRY + ecode * ((1 << VS) * 4), or EENTRY itself when VS is 0.
 */
KTEST(exception_enters_at_its_vector)
{
	struct kvm_vcpu *v = fx_setup();
	const u64 eentry = 0x9000000000200000ULL;

	hw.gcsr[LOONGARCH_CSR_EENTRY] = eentry;
	/* Linux's own set-up: VS = 7, 0x200 bytes per vector */
	hw.gcsr[LOONGARCH_CSR_ECFG] = (7ULL << CSR_ECFG_VS_SHIFT) | 0x1fff;
	kvmla_exit_inject(v, KVMLA_ECODE_ADE, KVMLA_ESUBCODE_ADEM, 0, 0);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(v->arch.pc, eentry + EXCCODE_ADE * 0x200);
	/* VS = 1: two instructions per vector */
	hw.gcsr[LOONGARCH_CSR_ECFG] = 1ULL << CSR_ECFG_VS_SHIFT;
	kvmla_exit_inject(v, KVMLA_ECODE_INE, 0, 0, 0);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(v->arch.pc, eentry + EXCCODE_INE * 8);
	/* VS = 0: one entry for all */
	hw.gcsr[LOONGARCH_CSR_ECFG] = 0;
	kvmla_exit_inject(v, KVMLA_ECODE_INE, 0, 0, 0);
	kvmla_irq_deliver(v);
	KT_EXPECT_EQ(v->arch.pc, eentry);
	return KT_PASS;
}

KTEST(reset_forgets_everything_queued)
{
	struct kvm_vcpu *v = fx_setup();

	kvmla_irq_queue(v, KVMLA_INT_IPI, 0);
	kvmla_irq_dequeue(v, KVMLA_INT_TI, 0);
	kvmla_exit_inject(v, KVMLA_ECODE_INE, 0, 0, 0);
	kvmla_irq_reset(v);
	KT_EXPECT(!kvmla_irq_pending(v));
	KT_EXPECT_EQ(v->arch.st.irq.clear, 0);
	KT_EXPECT_EQ(v->arch.st.exit.exc_pending, 0);
	return KT_PASS;
}

/* exit.c's injector, so that this test links without it. */
void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
		       unsigned int esubcode, u64 badv, u32 badi)
{
	vcpu->arch.st.exit.exc_pending = 1;
	vcpu->arch.st.exit.exc_ecode = ecode;
	vcpu->arch.st.exit.exc_esubcode = esubcode;
	vcpu->arch.st.exit.exc_badv = badv;
	vcpu->arch.st.exit.exc_badi = badi;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(ioctl_bounds_and_zero),
	KTEST_CASE(deliver_routes_hwi_to_gintc_rest_to_estat),
	KTEST_CASE(raise_then_lower_before_entry_nets_lower),
	KTEST_CASE(merge_estat_for_one_reg),
	KTEST_CASE(pending_exception_is_raised_at_entry),
	KTEST_CASE(exception_enters_at_its_vector),
	KTEST_CASE(reset_forgets_everything_queued),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/interrupt", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
