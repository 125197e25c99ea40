// SPDX-License-Identifier: GPL-2.0
/*
 * Lazy FPU/LSX/LASX/LBT ownership.
 *
 * The guest starts owning no unit; its first use traps (FPDIS, LSXDIS,
 * LASXDIS, BTDIS).  The exit only records the wish; the registers are
 * loaded at the next entry with IRQs off, so a preemption between exit and
 * entry cannot throw the load away.  A wider unit is loaded on top of a
 * narrower one after saving the live narrow part, so only the upper halves
 * come from memory in effect.  When the guest FCSR has TM set (x87 top
 * mode), FPU state includes the LBT x87 stack top, so LBT is owned first;
 * the top (lbt.ftop, also ONE_REG LBT_FTOP) is saved and top mode left
 * before the FPRs are stored, so their order in memory does not depend on
 * it, and restored after FCSR.  On put every owned unit is saved and
 * given up.
 */
#include "kvm_internal.h"

#define KVMLA_EUEN_FPE		BIT(0)
#define KVMLA_EUEN_SXE		BIT(1)
#define KVMLA_EUEN_ASXE		BIT(2)
#define KVMLA_EUEN_BTE		BIT(3)
#define KVMLA_FCSR_TM		BIT(6)
#define KVMLA_AUX_VEC		(KVMLA_AUX_FPU | KVMLA_AUX_LSX | KVMLA_AUX_LASX)

/* The units a unit implies: LASX needs LSX needs FPU. */
static u32 kvmla_fpu_closure(u32 units)
{
	if (units & KVMLA_AUX_LASX)
		units |= KVMLA_AUX_LSX;
	if (units & KVMLA_AUX_LSX)
		units |= KVMLA_AUX_FPU;
	return units;
}

/*
 * One kvm_aux record per unit group in @units.  Out of line, behind one
 * check of the event's key (kvmla_fpu_trace()): while the event is off,
 * the callers test no unit bit and keep no argument alive for it.
 */
static noinline void kvmla_fpu_trace_units(struct kvm_vcpu *vcpu, int op,
					   u32 units)
{
	if (units & KVMLA_AUX_LBT)
		trace_kvm_aux(vcpu->vcpu_id, op, KVMLA_AUX_UNIT_LBT,
			      vcpu->arch.pc);
	if (units & KVMLA_AUX_LASX)
		trace_kvm_aux(vcpu->vcpu_id, op, KVMLA_AUX_UNIT_LASX,
			      vcpu->arch.pc);
	else if (units & KVMLA_AUX_LSX)
		trace_kvm_aux(vcpu->vcpu_id, op, KVMLA_AUX_UNIT_LSX,
			      vcpu->arch.pc);
	else if (units & KVMLA_AUX_FPU)
		trace_kvm_aux(vcpu->vcpu_id, op, KVMLA_AUX_UNIT_FPU,
			      vcpu->arch.pc);
}

static __always_inline void kvmla_fpu_trace(struct kvm_vcpu *vcpu, int op,
					    u32 units)
{
	if (trace_kvm_aux_enabled())
		kvmla_fpu_trace_units(vcpu, op, units);
}

void kvmla_fpu_init(struct kvm_vcpu *vcpu)
{
	vcpu->arch.st.aux.inuse = 0;
	vcpu->arch.st.aux.want = 0;
}

/*
 * The FPDIS/LSXDIS/LASXDIS/BTDIS exits, in two copies (fpu.h): the plain
 * one holds no event check.
 */
static __always_inline int kvmla_fpu_claim(struct kvm_vcpu *vcpu,
					   unsigned int ecode,
					   const bool traced)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	bool ok;
	u32 unit;

	switch (ecode) {
	case KVMLA_ECODE_FPDIS:
		unit = KVMLA_AUX_FPU;
		ok = kvmla_guest_has_fpu(vcpu);
		break;
	case KVMLA_ECODE_LSXDIS:
		unit = KVMLA_AUX_LSX;
		ok = kvmla_guest_has_lsx(vcpu);
		break;
	case KVMLA_ECODE_LASXDIS:
		unit = KVMLA_AUX_LASX;
		ok = kvmla_guest_has_lasx(vcpu);
		break;
	default:	/* BTDIS */
		unit = KVMLA_AUX_LBT;
		ok = kvmla_guest_has_lbt(vcpu) &&
		     IS_ENABLED(CONFIG_CPU_HAS_LBT);
		break;
	}
	if (!ok) {
		kvmla_exit_inject(vcpu, KVMLA_ECODE_INE, 0, vcpu->arch.pc,
				  vcpu->arch.exit_badi);
		return RESUME_GUEST;
	}
	if (st->aux.inuse & unit) {
		/* The unit is already enabled: the trap cannot happen. */
		vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		return RESUME_HOST;
	}
	/* Only this vCPU's thread reads it, at the coming entry. */
	st->aux.want |= unit;
	if (traced)
		kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_ENABLE, unit);
	return RESUME_GUEST;
}

int kvmla_fpu_exit_plain(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	return kvmla_fpu_claim(vcpu, ecode, false);
}

int kvmla_fpu_exit_traced(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	return kvmla_fpu_claim(vcpu, ecode, true);
}

static void kvmla_fpu_lbt_xfer(struct kvm_vcpu *vcpu, bool load)
{
	struct loongarch_lbt l;

	if (!IS_ENABLED(CONFIG_CPU_HAS_LBT))
		return;
	if (load) {
		l.scr0 = vcpu->arch.lbt.scr[0];
		l.scr1 = vcpu->arch.lbt.scr[1];
		l.scr2 = vcpu->arch.lbt.scr[2];
		l.scr3 = vcpu->arch.lbt.scr[3];
		l.eflags = vcpu->arch.lbt.eflags;
		_restore_lbt(&l);
	} else {
		_save_lbt(&l);
		vcpu->arch.lbt.scr[0] = l.scr0;
		vcpu->arch.lbt.scr[1] = l.scr1;
		vcpu->arch.lbt.scr[2] = l.scr2;
		vcpu->arch.lbt.scr[3] = l.scr3;
		vcpu->arch.lbt.eflags = l.eflags;
	}
}

/* Save the live part of the vector registers (the widest owned unit). */
static void kvmla_fpu_save_live(struct kvm_vcpu *vcpu, u32 inuse)
{
	if (inuse & KVMLA_AUX_LASX)
		kvmla_fpu_save_lasx(&vcpu->arch.fpu);
	else if (inuse & KVMLA_AUX_LSX)
		kvmla_fpu_save_lsx(&vcpu->arch.fpu);
	else if (inuse & KVMLA_AUX_FPU)
		kvmla_fpu_save_fp(&vcpu->arch.fpu);
}

/* Load the units the guest asked for (and their closure). */
static __always_inline void kvmla_fpu_load_wanted(struct kvm_vcpu *vcpu,
						  const bool traced)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	u32 want = kvmla_fpu_closure(st->aux.want | st->aux.inuse);
	u32 add = want & ~st->aux.inuse;
	u32 vec = add & KVMLA_AUX_VEC;

	st->aux.want = 0;
	if (!add)
		return;
	/* FCSR.TM: the FPU state involves the LBT stack top; LBT first. */
	if (vec && (vcpu->arch.fpu.fcsr & KVMLA_FCSR_TM) &&
	    kvmla_guest_has_lbt(vcpu) && IS_ENABLED(CONFIG_CPU_HAS_LBT))
		add |= KVMLA_AUX_LBT & ~st->aux.inuse;

	if (add & KVMLA_AUX_LBT) {
		kvmla_csr_xchg(LOONGARCH_CSR_EUEN, KVMLA_EUEN_BTE,
			       KVMLA_EUEN_BTE);
		kvmla_fpu_lbt_xfer(vcpu, true);
		st->aux.inuse |= KVMLA_AUX_LBT;
		vcpu->stat.aux_loads++;
		if (traced)
			kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_RESTORE,
					KVMLA_AUX_LBT);
	}
	if (!vec)
		return;
	/* Keep what is live, then load the wider registers over it. */
	kvmla_fpu_save_live(vcpu, st->aux.inuse);
	if (want & KVMLA_AUX_LASX) {
		kvmla_csr_xchg(LOONGARCH_CSR_EUEN, KVMLA_EUEN_FPE |
			       KVMLA_EUEN_SXE | KVMLA_EUEN_ASXE,
			       KVMLA_EUEN_FPE | KVMLA_EUEN_SXE |
			       KVMLA_EUEN_ASXE);
		kvmla_fpu_restore_lasx(&vcpu->arch.fpu);
	} else if (want & KVMLA_AUX_LSX) {
		kvmla_csr_xchg(LOONGARCH_CSR_EUEN, KVMLA_EUEN_FPE |
			       KVMLA_EUEN_SXE, KVMLA_EUEN_FPE | KVMLA_EUEN_SXE);
		kvmla_fpu_restore_lsx(&vcpu->arch.fpu);
	} else {
		kvmla_csr_xchg(LOONGARCH_CSR_EUEN, KVMLA_EUEN_FPE,
			       KVMLA_EUEN_FPE);
		kvmla_fpu_restore_fp(&vcpu->arch.fpu);
	}
	st->aux.inuse |= vec;
	/* FCSR (with TM) is back: the stack top goes last. */
	if ((vcpu->arch.fpu.fcsr & KVMLA_FCSR_TM) &&
	    (st->aux.inuse & KVMLA_AUX_LBT) && IS_ENABLED(CONFIG_CPU_HAS_LBT))
		kvmla_lbt_ftop_write(vcpu->arch.lbt.ftop);
	vcpu->stat.aux_loads++;
	if (traced)
		kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_RESTORE, vec);
}

static noinline void kvmla_fpu_load_plain(struct kvm_vcpu *vcpu)
{
	kvmla_fpu_load_wanted(vcpu, false);
}

static noinline void kvmla_fpu_load_traced(struct kvm_vcpu *vcpu)
{
	kvmla_fpu_load_wanted(vcpu, true);
}

/*
 * Run before every entry, IRQs off.  Units are asked for only by
 * kvmla_fpu_exit(), from this vCPU's thread, so a plain field says it:
 * no KVM request, whose making and serving (the request loop with IRQs
 * on) would cost every FPDIS/LSXDIS more than the load itself.  The
 * check stays a leaf; the load is a tail call.
 */
void kvmla_fpu_load_pending_plain(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.st.aux.want)
		kvmla_fpu_load_plain(vcpu);
}

void kvmla_fpu_load_pending_traced(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.st.aux.want)
		kvmla_fpu_load_traced(vcpu);
}

/*
 * Save the live units and disable them.  Out of line, reached by a tail
 * call: a put with no unit in use (most of them) stays a leaf.
 */
static noinline void kvmla_fpu_lose_live(struct kvm_vcpu *vcpu, u32 inuse)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	bool top_mode = false;

	/* In top mode: keep the stack top, leave the mode, then the FPRs. */
	if ((inuse & KVMLA_AUX_LBT) && (inuse & KVMLA_AUX_VEC) &&
	    IS_ENABLED(CONFIG_CPU_HAS_LBT) &&
	    (kvmla_fcsr_read() & KVMLA_FCSR_TM)) {
		vcpu->arch.lbt.ftop = kvmla_lbt_ftop_read();
		kvmla_lbt_tm_clear();
		top_mode = true;
	}
	kvmla_fpu_save_live(vcpu, inuse);
	if (top_mode)
		vcpu->arch.fpu.fcsr |= KVMLA_FCSR_TM;
	if (inuse & KVMLA_AUX_LBT)
		kvmla_fpu_lbt_xfer(vcpu, false);
	kvmla_csr_xchg(LOONGARCH_CSR_EUEN, 0, KVMLA_EUEN_FPE |
		       KVMLA_EUEN_SXE | KVMLA_EUEN_ASXE | KVMLA_EUEN_BTE);
	st->aux.inuse = 0;
	kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_SAVE, inuse);
	kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_DISABLE, inuse);
}

void kvmla_fpu_lose(struct kvm_vcpu *vcpu)
{
	u32 inuse = vcpu->arch.st.aux.inuse;

	if (inuse)
		kvmla_fpu_lose_live(vcpu, inuse);
}

void kvmla_fpu_reset(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;

	if (st->aux.inuse) {
		kvmla_csr_xchg(LOONGARCH_CSR_EUEN, 0, KVMLA_EUEN_FPE |
			       KVMLA_EUEN_SXE | KVMLA_EUEN_ASXE |
			       KVMLA_EUEN_BTE);
		kvmla_fpu_trace(vcpu, KVMLA_AUX_OP_DISCARD, st->aux.inuse);
	}
	st->aux.inuse = 0;
	st->aux.want = 0;
}
