// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's constant-frequency timer.
 *
 * While the vCPU is loaded the hardware counts the guest TVAL down.  On put
 * the state is saved with its host-time expiry; on load it is rebuilt from
 * how much host time passed.  Four restore cases:
 *
 *   disabled           TCFG.En clear: registers back as they were.
 *   one-shot fired     it expired before or during the absence (a fired
 *                      one-shot reads TVAL -1, so TVAL above TCFG): TVAL is
 *                      restored all-ones so it cannot fire a second time;
 *                      if it expired while away, TI is queued once (never
 *                      lost, never doubled).
 *   one-shot remaining TVAL = the ticks still to go.
 *   periodic           TVAL = the position in the current period; missed
 *                      periods collapse into one TI (catch-up).
 *
 * A pinned hrtimer stands in for the hardware only while the vCPU blocks:
 * armed when blocking starts and at every put while blocking, cancelled
 * before every restore that follows, so its callback never runs under a
 * restore.  timer.armed is set before the hrtimer starts and cleared by
 * whoever cancels it or, last of all, by its callback.
 */
#include "kvm_internal.h"

#define KVMLA_TCFG_EN		BIT_ULL(0)
#define KVMLA_TCFG_PERIODIC	BIT_ULL(1)
#define KVMLA_TCFG_INITVAL	(~3ULL)
#define KVMLA_TVAL_FIRED	(~0ULL)
#define KVMLA_NSEC		1000000000ULL

static u64 kvmla_timer_ticks(u64 ns, u64 hz)
{
	return (ns / KVMLA_NSEC) * hz + (ns % KVMLA_NSEC) * hz / KVMLA_NSEC;
}

static u64 kvmla_timer_ns(u64 ticks, u64 hz)
{
	if (!hz)
		return 0;
	return (ticks / hz) * KVMLA_NSEC + (ticks % hz) * KVMLA_NSEC / hz;
}

static u64 kvmla_timer_now(void)
{
	return ktime_to_ns(ktime_get());
}

/*
 * The kvm_timer record, out of line: the put and load paths, which run on
 * every userspace exit, keep none of its arguments alive while it is off.
 */
static noinline void kvmla_timer_trace(struct kvm_vcpu *vcpu, int op,
				       s64 late, u64 tval)
{
	trace_kvm_timer(vcpu->vcpu_id, op, late, tval);
}

static enum hrtimer_restart kvmla_timer_wakeup(struct hrtimer *t)
{
	struct kvmla_vcpu_state *st = container_of(t, struct kvmla_vcpu_state,
						   timer.swtimer);
	struct kvm_vcpu_arch *arch = container_of(st, struct kvm_vcpu_arch, st);
	struct kvm_vcpu *vcpu = container_of(arch, struct kvm_vcpu, arch);
	s64 late = kvmla_timer_now() - st->timer.expire_ns;

	/* Record the expiry, so that the restore does not raise TI again. */
	if (st->timer.tcfg & KVMLA_TCFG_PERIODIC)
		st->timer.expire_ns += kvmla_timer_ns(st->timer.tcfg &
						      KVMLA_TCFG_INITVAL,
						      st->timer.hz);
	else
		st->timer.tval = KVMLA_TVAL_FIRED;
	kvmla_csr_sw_set(vcpu, LOONGARCH_CSR_TVAL, st->timer.tval);
	vcpu->stat.timer_fires++;
	trace_kvm_timer(vcpu->vcpu_id, KVMLA_TIMER_OP_FIRE, late, 0);
	kvmla_irq_queue(vcpu, KVMLA_INT_TI, KVMLA_IRQ_SOURCE_TIMER);
	kvm_vcpu_wake_up(vcpu);
	/*
	 * Last: while armed is set, a restore or an unblock cancels, which
	 * waits for this callback; once it reads 0, nothing here is left.
	 */
	smp_store_release(&st->timer.armed, 0);
	return HRTIMER_NORESTART;
}

void kvmla_timer_init(struct kvm_vcpu *vcpu, unsigned long hz)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;

	t->hz = hz;
	t->saved = 0;
	t->armed = 0;
	hrtimer_init(&t->swtimer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED_HARD);
	t->swtimer.function = kvmla_timer_wakeup;
}

void kvmla_timer_deinit(struct kvm_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->arch.st.timer.swtimer);
	vcpu->arch.st.timer.armed = 0;
}

/* Snapshot the live hardware timer (vCPU loaded). */
static void kvmla_timer_snapshot(struct kvm_vcpu *vcpu)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;

	t->tcfg = kvmla_gcsr_read(LOONGARCH_CSR_TCFG);
	t->tval = kvmla_gcsr_read(LOONGARCH_CSR_TVAL);
	t->ti_at_put = !!(kvmla_gcsr_read(LOONGARCH_CSR_ESTAT) &
			  (1ULL << KVMLA_INT_TI));
	/* A stopped timer has no expiry: the clock is read only when on. */
	if (t->tcfg & KVMLA_TCFG_EN)
		t->expire_ns = kvmla_timer_now() +
			       kvmla_timer_ns(t->tval, t->hz);
	t->saved = 1;
}

static bool kvmla_timer_oneshot_fired(struct kvmla_timer *t)
{
	return !(t->tcfg & KVMLA_TCFG_PERIODIC) && t->tval > t->tcfg;
}

/* Let the hrtimer raise TI at the snapshot's expiry, if it can fire. */
static void kvmla_timer_arm(struct kvm_vcpu *vcpu)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;

	if (!(t->tcfg & KVMLA_TCFG_EN) || kvmla_timer_oneshot_fired(t))
		return;
	t->armed = 1;
	hrtimer_start(&t->swtimer, ns_to_ktime(t->expire_ns),
		      HRTIMER_MODE_ABS_PINNED_HARD);
	trace_kvm_timer(vcpu->vcpu_id, KVMLA_TIMER_OP_ARM, 0, t->tval);
}

/* Save and restore in two copies (timer.h): the plain ones check no event. */
static __always_inline void kvmla_timer_put(struct kvm_vcpu *vcpu,
					    const bool traced)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;

	/*
	 * Since the load the SW file held what the hardware was given; if it
	 * differs now, userspace set the timer (ONE_REG) and the next load
	 * starts it from there.
	 */
	if (!t->saved && (kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TCFG) != t->tcfg ||
			  kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TVAL) != t->tval))
		return;
	kvmla_timer_snapshot(vcpu);
	/* The SW file holds the same snapshot; a later difference is ONE_REG. */
	kvmla_csr_sw_set(vcpu, LOONGARCH_CSR_TCFG, vcpu->arch.st.timer.tcfg);
	kvmla_csr_sw_set(vcpu, LOONGARCH_CSR_TVAL, vcpu->arch.st.timer.tval);
	if (traced && trace_kvm_timer_enabled())
		kvmla_timer_trace(vcpu, KVMLA_TIMER_OP_SAVE, 0, t->tval);
	/* Put inside kvm_vcpu_block(): the load cancelled the hrtimer. */
	if (kvm_vcpu_is_blocking(vcpu))
		kvmla_timer_arm(vcpu);
}

void kvmla_timer_save_plain(struct kvm_vcpu *vcpu)
{
	kvmla_timer_put(vcpu, false);
}

void kvmla_timer_save_traced(struct kvm_vcpu *vcpu)
{
	kvmla_timer_put(vcpu, true);
}

static __always_inline void kvmla_timer_load(struct kvm_vcpu *vcpu,
					     const bool traced)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;
	bool recount = false;
	u64 now = 0, tval;
	s64 late = 0;
	int op;

	/*
	 * A callback from here on would race with the restore: cancel a
	 * queued hrtimer, waiting for a running callback.  Unarmed (every
	 * load but the one after blocking), there is none to cancel.
	 */
	if (smp_load_acquire(&t->armed)) {
		hrtimer_cancel(&t->swtimer);
		t->armed = 0;
	}
	kvmla_csr_write(LOONGARCH_CSR_GCNTC, vcpu->kvm->arch.time_offset);
	if (!t->saved || kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TCFG) != t->tcfg ||
	    kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TVAL) != t->tval) {
		/* First load, or userspace set the timer: count from now. */
		t->tcfg = kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TCFG);
		t->tval = kvmla_csr_sw_get(vcpu, LOONGARCH_CSR_TVAL);
		recount = true;
	}
	t->saved = 0;
	/* Only a running timer needs the clock (a stopped one, no expiry). */
	if (t->tcfg & KVMLA_TCFG_EN) {
		now = kvmla_timer_now();
		if (recount)
			t->expire_ns = now + kvmla_timer_ns(t->tval, t->hz);
	}

	if (!(t->tcfg & KVMLA_TCFG_EN)) {
		op = KVMLA_TIMER_OP_RESTORE_DISABLED;
		tval = t->tval;
	} else if (kvmla_timer_oneshot_fired(t)) {
		op = KVMLA_TIMER_OP_RESTORE_FIRED;
		tval = KVMLA_TVAL_FIRED;
	} else if (now < t->expire_ns) {
		op = (t->tcfg & KVMLA_TCFG_PERIODIC) ?
		     KVMLA_TIMER_OP_RESTORE_PERIODIC :
		     KVMLA_TIMER_OP_RESTORE_REMAIN;
		tval = kvmla_timer_ticks(t->expire_ns - now, t->hz);
	} else if (!(t->tcfg & KVMLA_TCFG_PERIODIC)) {
		/* Expired while away: exactly one TI. */
		op = KVMLA_TIMER_OP_RESTORE_FIRED;
		late = now - t->expire_ns;
		tval = KVMLA_TVAL_FIRED;
		kvmla_irq_queue(vcpu, KVMLA_INT_TI, KVMLA_IRQ_SOURCE_TIMER);
	} else {
		u64 period = t->tcfg & KVMLA_TCFG_INITVAL;
		u64 past = kvmla_timer_ticks(now - t->expire_ns, t->hz);

		op = KVMLA_TIMER_OP_RESTORE_PERIODIC;
		late = now - t->expire_ns;
		tval = period ? period - past % period : 0;
		kvmla_irq_queue(vcpu, KVMLA_INT_TI, KVMLA_IRQ_SOURCE_TIMER);
	}
	/* TCFG restarts the count from InitVal, so TVAL goes last. */
	kvmla_gcsr_write(LOONGARCH_CSR_TCFG, t->tcfg);
	kvmla_gcsr_write(LOONGARCH_CSR_TVAL, tval);
	t->tval = tval;
	kvmla_csr_sw_set(vcpu, LOONGARCH_CSR_TCFG, t->tcfg);
	kvmla_csr_sw_set(vcpu, LOONGARCH_CSR_TVAL, tval);
	if (traced && trace_kvm_timer_enabled())
		kvmla_timer_trace(vcpu, op, late, tval);
}

void kvmla_timer_restore_plain(struct kvm_vcpu *vcpu)
{
	kvmla_timer_load(vcpu, false);
}

void kvmla_timer_restore_traced(struct kvm_vcpu *vcpu)
{
	kvmla_timer_load(vcpu, true);
}

void kvmla_timer_stop(void)
{
	kvmla_gcsr_write(LOONGARCH_CSR_TCFG, 0);
}

bool kvmla_timer_ti_pending(void)
{
	return kvmla_gcsr_read(LOONGARCH_CSR_ESTAT) & BIT_ULL(KVMLA_INT_TI);
}

void kvmla_timer_block(struct kvm_vcpu *vcpu)
{
	kvmla_timer_snapshot(vcpu);
	kvmla_timer_arm(vcpu);
}

void kvmla_timer_unblock(struct kvm_vcpu *vcpu)
{
	struct kvmla_timer *t = &vcpu->arch.st.timer;
	int cancelled;

	/* Pairs with the callback's release: 0 means it is over. */
	if (!smp_load_acquire(&t->armed))
		return;
	/* 0: the callback ran (or was running) and the vCPU woke for it. */
	cancelled = hrtimer_cancel(&t->swtimer);
	t->armed = 0;
	if (cancelled)
		trace_kvm_timer(vcpu->vcpu_id, KVMLA_TIMER_OP_CANCEL, 0, 0);
}

u64 kvmla_timer_get_counter(struct kvm_vcpu *vcpu)
{
	return kvmla_stable_counter() + vcpu->kvm->arch.time_offset;
}

void kvmla_timer_set_counter(struct kvm_vcpu *vcpu, u64 val)
{
	/* One guest counter per VM: vCPU 0 sets it, the others follow. */
	if (vcpu->vcpu_id)
		return;
	vcpu->kvm->arch.time_offset = (s64)(val - kvmla_stable_counter());
	kvmla_csr_write(LOONGARCH_CSR_GCNTC, vcpu->kvm->arch.time_offset);
}
