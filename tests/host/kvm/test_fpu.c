// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/fpu.c in the host harness: lazy FPU/LSX/LASX/LBT ownership.  The
 * simulated register file (hw.fpr) keeps what the guest changed while it
 * owned a unit, so a wider load must not lose it.  LBT is built in here
 * (CONFIG_CPU_HAS_LBT), and its registers are a plain struct.
 */
#include "kvm_internal.h"

/* What the tree's asm/lbt.h gives when CONFIG_CPU_HAS_LBT=y. */
struct loongarch_lbt {
	unsigned long scr0, scr1, scr2, scr3, eflags;
};
static struct loongarch_lbt hw_lbt;
static int lbt_restores, lbt_saves, lbt_restore_at_fpu;
static void _restore_lbt(struct loongarch_lbt *l)
{
	hw_lbt = *l;
	lbt_restores++;
	lbt_restore_at_fpu = hw.fpu_restores;
}
static void _save_lbt(struct loongarch_lbt *l)
{
	*l = hw_lbt;
	lbt_saves++;
}
static int fx_has_lbt = 1;
#undef IS_ENABLED
#define IS_ENABLED(opt) fx_has_lbt

#include "../../../kvm/fpu.c"
#include "kvmla_fixture.h"

#define EUEN()	(hw.csr[LOONGARCH_CSR_EUEN] & 0xf)

/* exit.c's injector. */
void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
		       unsigned int esubcode, u64 badv, u32 badi)
{
	vcpu->arch.st.exit.exc_pending = 1;
	vcpu->arch.st.exit.exc_ecode = ecode;
}

static struct kvm_vcpu *setup(u32 cpucfg2)
{
	struct kvm_vcpu *v = fx_setup();

	fx_has_lbt = 1;
	lbt_restores = lbt_saves = 0;
	lbt_restore_at_fpu = -1;
	memset(&hw_lbt, 0, sizeof(hw_lbt));
	v->arch.cpucfg[2] = cpucfg2;
	kvmla_fpu_init(v);
	for (int i = 0; i < 32; i++)
		for (int w = 0; w < 4; w++)
			v->arch.fpu.fpr[i][w] = ((u64)i << 8) | w;
	return v;
}

#define ALL (CPUCFG2_FP | CPUCFG2_LSX | CPUCFG2_LASX)

KTEST(fpdis_without_fp_injects_ine)
{
	struct kvm_vcpu *v = setup(0);

	KT_EXPECT_EQ(kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, KVMLA_ECODE_INE);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	v = setup(CPUCFG2_FP);
	kvmla_fpu_exit(v, KVMLA_ECODE_LSXDIS, true);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, KVMLA_ECODE_INE);
	kvmla_fpu_exit(v, KVMLA_ECODE_LASXDIS, true);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, KVMLA_ECODE_INE);
	kvmla_fpu_exit(v, KVMLA_ECODE_BTDIS, true);	/* no LBT in cpucfg2 */
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, KVMLA_ECODE_INE);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	return KT_PASS;
}

KTEST(fpdis_loads_at_entry)
{
	struct kvm_vcpu *v = setup(ALL);

	KT_EXPECT_EQ(kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.st.aux.want, KVMLA_AUX_FPU);
	KT_EXPECT_EQ(hw.fpu_restores, 0);	/* nothing yet */
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "op"), KVMLA_AUX_OP_ENABLE);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	KT_EXPECT_EQ(EUEN(), BIT(0));
	KT_EXPECT_EQ(hw.fpr[5][0], 0x500);
	KT_EXPECT_EQ(hw.fpr[5][1], 0);		/* only 64 bits loaded */
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU);
	KT_EXPECT_EQ(v->stat.aux_loads, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "op"), KVMLA_AUX_OP_RESTORE);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "unit"), KVMLA_AUX_UNIT_FPU);
	/* the trap cannot repeat while owned */
	KT_EXPECT_EQ(kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true), RESUME_HOST);
	KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_INTERNAL_ERROR);
	/* nothing more to load */
	hw.fpu_restores = 0;
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.fpu_restores, 0);
	return KT_PASS;
}

/*
 * The wish kvmla_fpu_exit() leaves is all the entry looks at, and it
 * makes no KVM request (whose serving costs every entry after it): with
 * nothing wished for the entry loads nothing, with a wish it loads that
 * unit once and forgets the wish.  Run through the plain copies (no kvmla
 * event has a probe), which check no event.
 */
KTEST(units_load_only_when_wanted)
{
	struct kvm_vcpu *v = setup(ALL);

	shim_trace_on = false;
	kvmla_fpu_load_pending(v, false);
	KT_EXPECT_EQ(hw.fpu_restores, 0);
	KT_EXPECT_EQ(v->arch.st.aux.inuse, 0);
	KT_EXPECT_EQ(v->stat.aux_loads, 0);
	KT_EXPECT_EQ(kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, false), RESUME_GUEST);
	KT_EXPECT(!kvm_request_pending(v));
	kvmla_fpu_load_pending(v, false);
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU);
	KT_EXPECT_EQ(EUEN(), BIT(0));
	KT_EXPECT_EQ(v->stat.aux_loads, 1);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	kvmla_fpu_load_pending(v, false);
	KT_EXPECT_EQ(v->stat.aux_loads, 1);
	KT_EXPECT_EQ(shim_trace_checks_off, 0);
	KT_EXPECT_EQ(shim_trace_n, 0);
	return KT_PASS;
}

KTEST(lsx_upper_halves_keep_live_low_halves)
{
	struct kvm_vcpu *v = setup(ALL);

	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_load_pending(v, true);
	hw.fpr[3][0] = 0xaaaa;			/* the guest computed */
	kvmla_fpu_exit(v, KVMLA_ECODE_LSXDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.fpr[3][0], 0xaaaa);
	KT_EXPECT_EQ(hw.fpr[3][1], 0x301);
	KT_EXPECT_EQ(hw.fpr[3][2], 0);
	KT_EXPECT_EQ(EUEN(), BIT(0) | BIT(1));
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU | KVMLA_AUX_LSX);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "unit"), KVMLA_AUX_UNIT_LSX);
	hw.fpr[3][1] = 0xbbbb;
	kvmla_fpu_exit(v, KVMLA_ECODE_LASXDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.fpr[3][0], 0xaaaa);
	KT_EXPECT_EQ(hw.fpr[3][1], 0xbbbb);
	KT_EXPECT_EQ(hw.fpr[3][3], 0x303);
	KT_EXPECT_EQ(EUEN(), BIT(0) | BIT(1) | BIT(2));
	KT_EXPECT_EQ(v->stat.aux_loads, 3);
	return KT_PASS;
}

KTEST(lasx_first_loads_everything)
{
	struct kvm_vcpu *v = setup(ALL);

	kvmla_fpu_exit(v, KVMLA_ECODE_LASXDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(v->arch.st.aux.inuse,
		     KVMLA_AUX_FPU | KVMLA_AUX_LSX | KVMLA_AUX_LASX);
	KT_EXPECT_EQ(hw.fpr[31][3], 0x1f03);
	KT_EXPECT_EQ(hw.fpu_restores, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "unit"), KVMLA_AUX_UNIT_LASX);
	return KT_PASS;
}

KTEST(put_saves_the_widest_and_gives_up)
{
	struct kvm_vcpu *v = setup(ALL);

	kvmla_fpu_lose(v);			/* nothing owned */
	KT_EXPECT_EQ(hw.fpu_saves, 0);
	kvmla_fpu_exit(v, KVMLA_ECODE_LASXDIS, true);
	kvmla_fpu_load_pending(v, true);
	hw.fpr[7][3] = 0x7777;
	hw.fcsr = 0x1f;
	kvmla_fpu_lose(v);
	KT_EXPECT_EQ(v->arch.fpu.fpr[7][3], 0x7777);
	KT_EXPECT_EQ(v->arch.fpu.fcsr, 0x1f);
	KT_EXPECT_EQ(hw.fpu_saves, 1);
	KT_EXPECT_EQ(EUEN(), 0);
	KT_EXPECT_EQ(v->arch.st.aux.inuse, 0);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_aux,
		     shim_trace_count(SHIM_EV_kvm_aux) - 2), "op"),
		     KVMLA_AUX_OP_SAVE);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "op"), KVMLA_AUX_OP_DISABLE);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "unit"), KVMLA_AUX_UNIT_LASX);
	return KT_PASS;
}

KTEST(preemption_before_entry_keeps_the_request)
{
	struct kvm_vcpu *v = setup(ALL);

	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_lose(v);			/* put before entry */
	KT_EXPECT_EQ(hw.fpu_saves, 0);
	KT_EXPECT_EQ(v->arch.st.aux.want, KVMLA_AUX_FPU);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU);
	KT_EXPECT_EQ(hw.fpu_restores, 1);
	return KT_PASS;
}

KTEST(fcsr_tm_owns_lbt_first)
{
	struct kvm_vcpu *v = setup(ALL | CPUCFG2_X86BT);

	v->arch.fpu.fcsr = BIT(6);		/* TM */
	v->arch.lbt.scr[2] = 0x5c2;
	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(lbt_restores, 1);
	KT_EXPECT_EQ(lbt_restore_at_fpu, 0);	/* before any FPU load */
	KT_EXPECT_EQ(hw.fpu_restores, 1);
	KT_EXPECT_EQ(hw_lbt.scr2, 0x5c2);
	KT_EXPECT_EQ(EUEN(), BIT(0) | BIT(3));
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU | KVMLA_AUX_LBT);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_aux, 1),
				      "unit"), KVMLA_AUX_UNIT_LBT);
	KT_EXPECT_EQ(shim_trace_field(shim_trace_nth(SHIM_EV_kvm_aux, 2),
				      "unit"), KVMLA_AUX_UNIT_FPU);
	/* put saves LBT too */
	hw_lbt.eflags = 0xef;
	kvmla_fpu_lose(v);
	KT_EXPECT_EQ(lbt_saves, 1);
	KT_EXPECT_EQ(v->arch.lbt.eflags, 0xef);
	KT_EXPECT_EQ(EUEN(), 0);
	/* without TM, LBT waits for its own trap */
	v = setup(ALL | CPUCFG2_X86BT);
	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(lbt_restores, 0);
	kvmla_fpu_exit(v, KVMLA_ECODE_BTDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(lbt_restores, 1);
	KT_EXPECT_EQ(hw.fpu_restores, 1);	/* FPU not reloaded */
	KT_EXPECT_EQ(v->arch.st.aux.inuse, KVMLA_AUX_FPU | KVMLA_AUX_LBT);
	return KT_PASS;
}

/*
 * Oracle: upstream saves and restores the x87 stack top with the FPU
 * state when FCSR.TM is set (asm/asmmacro.h fpu_save_csr: x86mftop into
 * the FTOP slot, then x86clrtm so the FPRs are stored in an order that
 * does not depend on TM; fpu_restore_csr: FCSR, then x86mttop of the
 * saved FTOP), and ONE_REG LBT_FTOP reads that value.
 */
KTEST(top_mode_ftop_saved_and_restored)
{
	struct kvm_vcpu *v = setup(ALL | CPUCFG2_X86BT);

	v->arch.fpu.fcsr = BIT(6);		/* TM */
	v->arch.lbt.ftop = 5;
	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.fcsr & BIT(6), BIT(6));
	KT_EXPECT_EQ(hw.ftop, 5);
	/* the guest pushes twice, then is put */
	hw.ftop = 3;
	kvmla_fpu_lose(v);
	KT_EXPECT_EQ(v->arch.lbt.ftop, 3);
	KT_EXPECT_EQ(hw.tm_at_fpu_save, 0);
	KT_EXPECT_EQ(v->arch.fpu.fcsr & BIT(6), BIT(6));
	/* and comes back with that top */
	hw.ftop = 0;
	hw.fcsr = 0;
	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.ftop, 3);
	kvmla_fpu_lose(v);
	/* without TM the top is not the FPU's to save */
	v = setup(ALL | CPUCFG2_X86BT);
	kvmla_fpu_exit(v, KVMLA_ECODE_FPDIS, true);
	kvmla_fpu_exit(v, KVMLA_ECODE_BTDIS, true);
	kvmla_fpu_load_pending(v, true);
	KT_EXPECT_EQ(hw.ftop_writes, 0);
	hw.ftop = 6;
	kvmla_fpu_lose(v);
	KT_EXPECT_EQ(v->arch.lbt.ftop, 0);
	return KT_PASS;
}

KTEST(btdis_without_host_lbt_injects_ine)
{
	struct kvm_vcpu *v = setup(ALL | CPUCFG2_X86BT);

	fx_has_lbt = 0;
	kvmla_fpu_exit(v, KVMLA_ECODE_BTDIS, true);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, KVMLA_ECODE_INE);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	return KT_PASS;
}

KTEST(reset_discards)
{
	struct kvm_vcpu *v = setup(ALL);

	kvmla_fpu_exit(v, KVMLA_ECODE_LSXDIS, true);
	kvmla_fpu_load_pending(v, true);
	kvmla_fpu_exit(v, KVMLA_ECODE_LASXDIS, true);
	kvmla_fpu_reset(v);
	KT_EXPECT_EQ(v->arch.st.aux.inuse, 0);
	KT_EXPECT_EQ(v->arch.st.aux.want, 0);
	KT_EXPECT_EQ(EUEN(), 0);
	KT_EXPECT_EQ(hw.fpu_saves, 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_aux, "op"), KVMLA_AUX_OP_DISCARD);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(fpdis_without_fp_injects_ine),
	KTEST_CASE(fpdis_loads_at_entry),
	KTEST_CASE(units_load_only_when_wanted),
	KTEST_CASE(lsx_upper_halves_keep_live_low_halves),
	KTEST_CASE(lasx_first_loads_everything),
	KTEST_CASE(put_saves_the_widest_and_gives_up),
	KTEST_CASE(preemption_before_entry_keeps_the_request),
	KTEST_CASE(fcsr_tm_owns_lbt_first),
	KTEST_CASE(top_mode_ftop_saved_and_restored),
	KTEST_CASE(btdis_without_host_lbt_injects_ine),
	KTEST_CASE(reset_discards),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/fpu", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
