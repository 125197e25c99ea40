// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/timer.c in the host harness, at 100 MHz (one tick = 10 ns): every
 * restore case (disabled, one-shot fired, one-shot remaining, periodic
 * with catch-up), the blocked-vCPU hrtimer, ONE_REG changes between put
 * and load, and the counter offset.
 */
#include "kvm_internal.h"

static int wakeups;
static bool fx_wake_up(struct kvm_vcpu *vcpu)
{
	wakeups++;
	return true;
}
#define kvm_vcpu_wake_up(v) fx_wake_up(v)

#include "../../../kvm/timer.c"
#include "kvmla_fixture.h"

#define HZ 100000000ULL
#define EN 1ULL
#define PERIODIC 2ULL
#define FIRED (~0ULL)

static int ti_queued;
int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	if (irq == KVMLA_INT_TI && source == KVMLA_IRQ_SOURCE_TIMER)
		ti_queued++;
	return 0;
}

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	ti_queued = 0;
	wakeups = 0;
	kvmla_timer_init(v, HZ);
	return v;
}

/* The vCPU runs with this timer state, then is put at @t. */
static void put_at(struct kvm_vcpu *v, u64 t, u64 tcfg, u64 tval)
{
	shim_now_ns = t;
	hw.gcsr[LOONGARCH_CSR_TCFG] = tcfg;
	hw.gcsr[LOONGARCH_CSR_TVAL] = tval;
	kvmla_timer_save(v, true);
}

static void load_at(struct kvm_vcpu *v, u64 t)
{
	shim_now_ns = t;
	hw.gcsr[LOONGARCH_CSR_TCFG] = 0xdead;	/* another guest ran here */
	hw.gcsr[LOONGARCH_CSR_TVAL] = 0xbeef;
	kvmla_timer_restore(v, true);
}

#define OP()	FX_FIELD(kvm_timer, "op")
#define LATE()	((s64)FX_FIELD(kvm_timer, "lateness_ns"))

KTEST(restore_disabled)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 1000, 0, 0x1234);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_SAVE);
	KT_EXPECT_EQ(FX_FIELD(kvm_timer, "tval"), 0x1234);
	load_at(v, 999999);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], 0);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 0x1234);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_DISABLED);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

/*
 * A stopped timer has no expiry, so its put and load need no clock (upstream
 * reads it only for an enabled timer too); a running one reads it once on
 * each side.
 */
KTEST(clock_read_only_for_running_timer)
{
	struct kvm_vcpu *v = setup();

	shim_clock_reads = 0;
	put_at(v, 1000, 0, 0x1234);
	load_at(v, 2000);
	KT_EXPECT_EQ(shim_clock_reads, 0);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 0x1234);
	/* periodic, 0x80 ticks (1280 ns at HZ) to go, loaded at once: 0x80 */
	put_at(v, 3000, KVMLA_TCFG_EN | KVMLA_TCFG_PERIODIC | 0x100, 0x80);
	KT_EXPECT_EQ(shim_clock_reads, 1);
	load_at(v, 3000);
	KT_EXPECT_EQ(shim_clock_reads, 2);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 0x80);
	return KT_PASS;
}

KTEST(restore_oneshot_fired_before_put_no_spurious_irq)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | 4000, FIRED);
	load_at(v, 1000000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], EN | 4000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], FIRED);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_FIRED);
	KT_EXPECT_EQ(LATE(), 0);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

/*
 * Oracle: upstream's _kvm_save_timer/kvm_restore_timer judge a one-shot
 * fired by TVAL being larger than TCFG (LoongArch manual vol. 1, 7.6.2:
 * a fired one-shot reads -1), not by TVAL being exactly -1.
 */
KTEST(restore_oneshot_fired_judged_by_tval_above_tcfg)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | 4000, FIRED - 1000);
	load_at(v, 1000000);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_FIRED);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], FIRED);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

KTEST(restore_oneshot_expired_while_away_one_irq)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | 4000, 500);		/* due at 5000 ns */
	load_at(v, 8000);
	KT_EXPECT_EQ(ti_queued, 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], FIRED);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_FIRED);
	KT_EXPECT_EQ(LATE(), 3000);
	/* the next put/load does not raise it again */
	put_at(v, 9000, EN | 4000, FIRED);
	load_at(v, 20000);
	KT_EXPECT_EQ(ti_queued, 1);
	return KT_PASS;
}

KTEST(restore_oneshot_remaining)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | 4000, 500);
	load_at(v, 2000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], EN | 4000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 300);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_REMAIN);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

KTEST(restore_periodic_within_period)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | PERIODIC | 1000, 500);
	load_at(v, 3000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 200);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_PERIODIC);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

KTEST(restore_periodic_catch_up)
{
	struct kvm_vcpu *v = setup();

	put_at(v, 0, EN | PERIODIC | 1000, 500);	/* due at 5000 ns */
	load_at(v, 5000 + 32500);		/* 3250 ticks late */
	KT_EXPECT_EQ(ti_queued, 1);		/* missed periods: one TI */
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 1000 - 250);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], EN | PERIODIC | 1000);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_PERIODIC);
	KT_EXPECT_EQ(LATE(), 32500);
	return KT_PASS;
}

KTEST(first_load_and_one_reg_use_the_sw_file)
{
	struct kvm_vcpu *v = setup();

	v->arch.gcsr[LOONGARCH_CSR_TCFG] = EN | 4000;
	v->arch.gcsr[LOONGARCH_CSR_TVAL] = 700;
	load_at(v, 100);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], EN | 4000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 700);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_REMAIN);

	/* put writes its snapshot to the SW file */
	put_at(v, 200, EN | 4000, 690);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_TVAL], 690);
	/* userspace sets TVAL (migration): it counts from the load */
	v->arch.gcsr[LOONGARCH_CSR_TVAL] = 50;
	load_at(v, 100000);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 50);
	KT_EXPECT_EQ(ti_queued, 0);
	/* the load tells the SW file what the hardware got */
	put_at(v, 100100, EN | 4000, 40);
	load_at(v, 100200);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_TVAL], 30);
	/* ONE_REG inside a load/put pair (as KVM_SET_ONE_REG does) survives */
	v->arch.gcsr[LOONGARCH_CSR_TVAL] = 3000;	/* below InitVal */
	shim_now_ns = 100300;
	hw.gcsr[LOONGARCH_CSR_TVAL] = 20;	/* the hardware's old count */
	kvmla_timer_save(v, true);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_TVAL], 3000);
	load_at(v, 100400);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 3000);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_REMAIN);
	return KT_PASS;
}

KTEST(blocked_vcpu_hrtimer_arm_fire_no_double)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	shim_now_ns = 0;
	hw.gcsr[LOONGARCH_CSR_TCFG] = EN | 4000;
	hw.gcsr[LOONGARCH_CSR_TVAL] = 100;		/* due at 1000 ns */
	kvmla_timer_block(v);
	KT_EXPECT_EQ(h->active, 1);
	KT_EXPECT_EQ(h->expires, 1000);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_ARM);
	kvmla_timer_save(v, true);				/* put while blocked */
	shim_now_ns = 1200;
	KT_EXPECT_EQ(h->function(h), HRTIMER_NORESTART);
	KT_EXPECT_EQ(ti_queued, 1);
	KT_EXPECT_EQ(wakeups, 1);
	KT_EXPECT_EQ(v->stat.timer_fires, 1);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_FIRE);
	KT_EXPECT_EQ(LATE(), 200);
	kvmla_timer_unblock(v);			/* already fired: no cancel */
	KT_EXPECT_EQ(h->cancels, 0);
	load_at(v, 1300);
	KT_EXPECT_EQ(ti_queued, 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], FIRED);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_RESTORE_FIRED);
	return KT_PASS;
}

KTEST(blocked_periodic_fire_then_load_no_double)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	shim_now_ns = 0;
	hw.gcsr[LOONGARCH_CSR_TCFG] = EN | PERIODIC | 1000;
	hw.gcsr[LOONGARCH_CSR_TVAL] = 100;
	kvmla_timer_block(v);
	kvmla_timer_save(v, true);
	shim_now_ns = 1000;
	h->function(h);
	KT_EXPECT_EQ(ti_queued, 1);
	load_at(v, 5000);		/* next period ends at 11000 ns */
	KT_EXPECT_EQ(ti_queued, 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 600);
	return KT_PASS;
}

KTEST(block_unarmed_when_disabled_or_fired_and_unblock_cancels)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	hw.gcsr[LOONGARCH_CSR_TCFG] = 0;
	kvmla_timer_block(v);
	KT_EXPECT_EQ(h->starts, 0);
	hw.gcsr[LOONGARCH_CSR_TCFG] = EN | 8;
	hw.gcsr[LOONGARCH_CSR_TVAL] = FIRED;
	kvmla_timer_block(v);
	KT_EXPECT_EQ(h->starts, 0);
	kvmla_timer_unblock(v);
	KT_EXPECT_EQ(h->cancels, 0);
	hw.gcsr[LOONGARCH_CSR_TVAL] = 6;	/* counting down from 8 */
	kvmla_timer_block(v);
	KT_EXPECT_EQ(h->starts, 1);
	kvmla_timer_unblock(v);
	KT_EXPECT_EQ(h->cancels, 1);
	KT_EXPECT_EQ(h->active, 0);
	KT_EXPECT_EQ(OP(), KVMLA_TIMER_OP_CANCEL);
	kvmla_timer_deinit(v);
	KT_EXPECT_EQ(h->cancels, 2);
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_restore_timer cancels the soft timer before it
 * restores ("freeze the soft-timer"): a callback running during the
 * restore would queue TI and rewrite TVAL under it.
 */
KTEST(restore_cancels_hrtimer_first)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	shim_now_ns = 0;
	hw.gcsr[LOONGARCH_CSR_TCFG] = EN | 4000;
	hw.gcsr[LOONGARCH_CSR_TVAL] = 100;		/* due at 1000 ns */
	kvmla_timer_block(v);
	kvmla_timer_save(v, true);				/* put while blocked */
	KT_EXPECT_EQ(h->active, 1);
	load_at(v, 500);		/* woken early, loaded again */
	KT_EXPECT_EQ(h->active, 0);
	KT_EXPECT_EQ(v->arch.st.timer.armed, 0);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TVAL], 50);
	KT_EXPECT_EQ(ti_queued, 0);
	return KT_PASS;
}

/*
 * Upstream cancels the soft timer on every restore; ours only when it was
 * armed (a blocked vCPU's put), since nothing else starts it: the load of
 * every userspace exit skips the hrtimer calls.
 */
KTEST(restore_cancels_only_an_armed_hrtimer)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	put_at(v, 1000, EN | 4000, 300);		/* not blocking */
	KT_EXPECT_EQ(h->starts, 0);
	load_at(v, 2000);
	KT_EXPECT_EQ(h->cancels, 0);
	shim_blocking = 1;
	put_at(v, 3000, EN | 4000, 300);		/* armed */
	shim_blocking = 0;
	KT_EXPECT_EQ(h->starts, 1);
	load_at(v, 3500);
	KT_EXPECT_EQ(h->cancels, 1);
	KT_EXPECT_EQ(h->active, 0);
	KT_EXPECT_EQ(v->arch.st.timer.armed, 0);
	load_at(v, 3600);
	KT_EXPECT_EQ(h->cancels, 1);
	return KT_PASS;
}

/*
 * Oracle: upstream's _kvm_save_timer arms the soft timer when the vCPU
 * is blocking (kvm_vcpu_is_blocking): a put inside kvm_vcpu_block()'s
 * loop must leave a timer that wakes the vCPU, since the load cancels it.
 */
KTEST(put_while_blocking_arms_hrtimer)
{
	struct kvm_vcpu *v = setup();
	struct hrtimer *h = &v->arch.st.timer.swtimer;

	shim_blocking = 1;
	put_at(v, 1000, EN | 4000, 300);		/* due at 4000 ns */
	KT_EXPECT_EQ(h->active, 1);
	KT_EXPECT_EQ(h->expires, 4000);
	KT_EXPECT_EQ(v->arch.st.timer.armed, 1);
	load_at(v, 2000);
	KT_EXPECT_EQ(h->active, 0);
	/* nothing to wait for: a fired one-shot, a disabled timer */
	h->starts = 0;
	put_at(v, 3000, EN | 4000, FIRED);
	put_at(v, 3000, 0, 7);
	KT_EXPECT_EQ(h->starts, 0);
	shim_blocking = 0;
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_restore_timer writes TCFG = 0 before ESTAT;
 * upstream's kvm_cpu_has_pending_timer reads ESTAT & (1 << INT_TI).
 */
KTEST(stop_and_hardware_ti)
{
	setup();
	hw.gcsr[LOONGARCH_CSR_TCFG] = EN | PERIODIC | 4;
	kvmla_timer_stop();
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_TCFG], 0);
	KT_EXPECT(!kvmla_timer_ti_pending());
	hw.gcsr[LOONGARCH_CSR_ESTAT] = BIT(INT_TI);
	KT_EXPECT(kvmla_timer_ti_pending());
	hw.gcsr[LOONGARCH_CSR_ESTAT] = ~BIT(INT_TI);
	KT_EXPECT(!kvmla_timer_ti_pending());
	return KT_PASS;
}

KTEST(counter_offset)
{
	struct kvm_vcpu *v = setup();
	struct kvm_vcpu *v1 = fx_vcpu_new(1);

	hw.counter = 1000;
	kvmla_timer_set_counter(v, 5000);
	KT_EXPECT_EQ(fx_kvm->arch.time_offset, 4000);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GCNTC], 4000);
	KT_EXPECT_EQ(kvmla_timer_get_counter(v), 1001 + 4000);
	kvmla_timer_set_counter(v1, 1);		/* vCPU 0 owns it */
	KT_EXPECT_EQ(fx_kvm->arch.time_offset, 4000);
	KT_EXPECT_EQ(kvmla_timer_get_counter(v1), 1002 + 4000);
	hw.csr[LOONGARCH_CSR_GCNTC] = 0;
	load_at(v1, 0);				/* every load applies it */
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GCNTC], 4000);
	hw.counter = 10;
	kvmla_timer_set_counter(v, 5);		/* behind the host: negative */
	KT_EXPECT_EQ(fx_kvm->arch.time_offset, -5);
	return KT_PASS;
}

KTEST(tick_conversions_do_not_overflow)
{
	KT_EXPECT_EQ(kvmla_timer_ticks(1000000000ULL * 3600 * 24 * 365, HZ),
		     HZ * 3600 * 24 * 365);
	KT_EXPECT_EQ(kvmla_timer_ns(HZ * 3600 * 24 * 365, HZ),
		     1000000000ULL * 3600 * 24 * 365);
	KT_EXPECT_EQ(kvmla_timer_ns(5, 0), 0);
	KT_EXPECT_EQ(kvmla_timer_ticks(15, HZ), 1);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(restore_disabled),
	KTEST_CASE(clock_read_only_for_running_timer),
	KTEST_CASE(restore_cancels_only_an_armed_hrtimer),
	KTEST_CASE(restore_oneshot_fired_before_put_no_spurious_irq),
	KTEST_CASE(restore_oneshot_fired_judged_by_tval_above_tcfg),
	KTEST_CASE(restore_oneshot_expired_while_away_one_irq),
	KTEST_CASE(restore_oneshot_remaining),
	KTEST_CASE(restore_periodic_within_period),
	KTEST_CASE(restore_periodic_catch_up),
	KTEST_CASE(first_load_and_one_reg_use_the_sw_file),
	KTEST_CASE(blocked_vcpu_hrtimer_arm_fire_no_double),
	KTEST_CASE(blocked_periodic_fire_then_load_no_double),
	KTEST_CASE(block_unarmed_when_disabled_or_fired_and_unblock_cancels),
	KTEST_CASE(restore_cancels_hrtimer_first),
	KTEST_CASE(stop_and_hardware_ti),
	KTEST_CASE(put_while_blocking_arms_hrtimer),
	KTEST_CASE(counter_offset),
	KTEST_CASE(tick_conversions_do_not_overflow),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/timer", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
