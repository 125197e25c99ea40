// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla vCPU: life cycle, the KVM_RUN loop, load/put of the guest CSRs,
 * the register ioctls (ONE_REG, REGS, FPU), mp_state, vCPU attributes,
 * guest debug and the binary stats.
 */
#include "kvm_internal.h"

/* Binary stats: one named descriptor per element of the catalog arrays. */
#define KVMLA_STAT_AT(member, idx, stat_name) {				\
	.flags = KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE |	\
		 KVM_STATS_BASE_POW10,					\
	.exponent = 0,							\
	.size = 1,							\
	.offset = offsetof(struct kvm_vcpu_stat, member) +		\
		  (idx) * sizeof(u64),					\
	.name = stat_name,						\
}

#define KVMLA_STAT_ECODE(code, type, key, ...) \
	KVMLA_STAT_AT(ecode_exits, code, "exit_" #key),
#define KVMLA_STAT_GSPR(kind, type, key, ...) \
	KVMLA_STAT_AT(gspr_exits, kind, "gspr_" #key),
#define KVMLA_STAT_USER(reason, type, key, ...) \
	KVMLA_STAT_AT(user_exits, reason, "user_exit_" #key),

/* A plain counter under its member's name. */
#define KVMLA_STAT_ONE(member)	KVMLA_STAT_AT(member, 0, #member),

/*
 * Upstream's five counters come first, in upstream's order, so that a
 * reader that takes only a prefix of the descriptors still finds them.
 */
const struct kvm_stats_desc kvm_vcpu_stats_desc[] = {
	KVM_GENERIC_VCPU_STATS(),
	KVMLA_STAT_ONE(int_exits)
	KVMLA_STAT_ONE(idle_exits)
	KVMLA_STAT_ONE(cpucfg_exits)
	KVMLA_STAT_ONE(signal_exits)
	KVMLA_STAT_ONE(hypercall_exits)
	KVMLA_ECODES(KVMLA_STAT_ECODE)
	KVMLA_GSPR_KINDS(KVMLA_STAT_GSPR)
	KVMLA_KVM_EXITS(KVMLA_STAT_USER)
	STATS_DESC_COUNTER(VCPU, mmio_read_exits),
	STATS_DESC_COUNTER(VCPU, mmio_write_exits),
	STATS_DESC_COUNTER(VCPU, iocsr_read_exits),
	STATS_DESC_COUNTER(VCPU, iocsr_write_exits),
	STATS_DESC_COUNTER(VCPU, fault_fast),
	STATS_DESC_COUNTER(VCPU, fault_slow),
	STATS_DESC_COUNTER(VCPU, fault_huge),
	STATS_DESC_COUNTER(VCPU, fault_mmio),
	STATS_DESC_COUNTER(VCPU, fault_beyond),
	STATS_DESC_COUNTER(VCPU, fault_wrprot),
	STATS_DESC_COUNTER(VCPU, vpid_changes),
	STATS_DESC_COUNTER(VCPU, vpid_rollovers),
	STATS_DESC_COUNTER(VCPU, tlb_flush_gpa),
	STATS_DESC_COUNTER(VCPU, timer_fires),
	STATS_DESC_COUNTER(VCPU, irq_injected),
	STATS_DESC_COUNTER(VCPU, aux_loads),
	STATS_DESC_COUNTER(VCPU, load_full),
	STATS_DESC_COUNTER(VCPU, load_fast),
	STATS_DESC_COUNTER(VCPU, unknown_exits),
};

const struct kvm_stats_header kvm_vcpu_stats_header =
	KVMLA_STATS_HEADER(kvm_vcpu_stats_desc);

/* Which guest CSR numbers exist, and who keeps them (csr.h). */
const u8 kvmla_csr_classes[KVMLA_GCSR_SLOTS] = {
#define KVMLA_GCSR_HW(n) \
	[LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_RO(n) \
	[LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_TIMER(n) \
	[LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_SW(n) \
	[LOONGARCH_CSR_##n] = KVMLA_CSR_SW,
#define KVMLA_GCSR_PMU(n) \
	[LOONGARCH_CSR_##n] = KVMLA_CSR_PMU,
#include "gcsr-list.h"
};

/*
 * Guest CSR file, hardware <-> software.  Callers hold IRQs off and run
 * on the CPU the vCPU is loaded on.  GINTC (root CSR) rides along in the
 * software file under its own number.
 *
 * A CSR number is an immediate of gcsrrd/gcsrwr, so both directions are
 * unrolled from gcsr-list.h: one read (or write) and one memory access per
 * CSR, no loop and no call (the put of every exit to userspace saves the
 * whole file).  The read-only ones are saved for ONE_REG and never written
 * back.
 */
#define KVMLA_GCSR_SAVE_ONE(n) \
	(file[LOONGARCH_CSR_##n] = kvmla_gcsr_read(LOONGARCH_CSR_##n))

void kvmla_vcpu_csr_save(struct kvm_vcpu *vcpu)
{
	u64 *file = vcpu->arch.gcsr;

#define KVMLA_GCSR_HW(n)	KVMLA_GCSR_SAVE_ONE(n),
#define KVMLA_GCSR_RO(n)	KVMLA_GCSR_SAVE_ONE(n),
#include "gcsr-list.h"
	(void)0;	/* ends the comma list the two macros expand to */
	file[LOONGARCH_CSR_GINTC] = kvmla_csr_read(LOONGARCH_CSR_GINTC) & 0xff;
}

void kvmla_vcpu_csr_restore(struct kvm_vcpu *vcpu)
{
	const u64 *file = vcpu->arch.gcsr;

#define KVMLA_GCSR_HW(n) \
	kvmla_gcsr_write(LOONGARCH_CSR_##n, file[LOONGARCH_CSR_##n]),
#include "gcsr-list.h"
	(void)0;
	kvmla_csr_write(LOONGARCH_CSR_GINTC, file[LOONGARCH_CSR_GINTC]);
}

/* ---- life cycle ---- */

int kvm_arch_vcpu_precreate(struct kvm *kvm, unsigned int id)
{
	return 0;
}

int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;

	arch->guest_eentry = kvmla_guest_eentry;
	/* The root page-table walker sees the stage-2 tables in guest mode. */
	arch->guest_pgdl = (unsigned long)vcpu->kvm->arch.mmu.pgd;
	arch->last_cpu = -1;
	arch->flags = KVMLA_VCPU_SW_LATEST;
	arch->mp_state.mp_state = KVM_MP_STATE_RUNNABLE;

	/* Reset state of the guest: direct addressing, no CPUID yet. */
	arch->gcsr[LOONGARCH_CSR_CRMD] = CSR_CRMD_DA;
	arch->gcsr[LOONGARCH_CSR_TMID] = vcpu->vcpu_id;
	arch->gcsr[LOONGARCH_CSR_CPUID] = KVMLA_MAX_PHYID;

	kvmla_timer_init(vcpu, const_clock_freq);
	kvmla_fpu_init(vcpu);
	kvmla_irq_reset(vcpu);
	return 0;
}

void kvm_arch_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
}

/* Forget the CPUID this vCPU holds in its VM's map. */
static void kvmla_vcpu_cpuid_release(struct kvm_vcpu *vcpu)
{
	struct kvm_arch *ka = &vcpu->kvm->arch;
	u64 cpuid = vcpu->arch.gcsr[LOONGARCH_CSR_CPUID];

	spin_lock(&ka->phyid_lock);
	if (cpuid < KVMLA_MAX_PHYID && ka->phyid_map[cpuid] == vcpu)
		ka->phyid_map[cpuid] = NULL;
	spin_unlock(&ka->phyid_lock);
}

void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	int cpu;

	kvmla_timer_deinit(vcpu);
	kvmla_vmid_drop(vcpu);
	kvmla_vcpu_cpuid_release(vcpu);
	kvmla_mmu_vcpu_free(vcpu);
	/* No CPU may think its hardware still holds this vCPU. */
	for_each_possible_cpu(cpu) {
		struct kvmla_pcpu *pc = per_cpu_ptr(&kvmla_pcpu, cpu);

		if (pc->last_vcpu == vcpu)
			pc->last_vcpu = NULL;
	}
}

/* ---- load / put ---- */

/*
 * The load/put and KVM_RUN events, out of line: each userspace exit runs
 * all four, and keeps none of their arguments alive while they are off.
 */
static noinline void kvmla_vcpu_trace_load(struct kvm_vcpu *vcpu, int cpu,
					   bool fast)
{
	trace_kvm_vcpu_load(vcpu->vcpu_id, cpu,
			    fast ? KVMLA_LOAD_KIND_FAST : KVMLA_LOAD_KIND_FULL);
}

static noinline void kvmla_vcpu_trace_put(struct kvm_vcpu *vcpu, int cpu)
{
	trace_kvm_vcpu_put(vcpu->vcpu_id, cpu);
}

static noinline void kvmla_vcpu_trace_enter(struct kvm_vcpu *vcpu)
{
	trace_kvm_enter(vcpu->vcpu_id, vcpu->arch.pc);
}

static noinline void kvmla_vcpu_trace_out(struct kvm_vcpu *vcpu)
{
	trace_kvm_out(vcpu->vcpu_id, vcpu->run->exit_reason, vcpu->arch.pc);
}

/*
 * The load and the put, each in two copies (kvmla_trace_key, trace.h):
 * the plain one with no event check, the traced one with them all.
 */
static __always_inline void kvmla_vcpu_load(struct kvm_vcpu *vcpu, int cpu,
					    const bool traced)
{
	struct kvmla_pcpu *pc = per_cpu_ptr(&kvmla_pcpu, cpu);
	struct kvm_vcpu_arch *arch = &vcpu->arch;
	unsigned long irqflags;
	bool fast;

	local_irq_save(irqflags);
	/* Our CSRs are still in this CPU's hardware: nothing to reload. */
	fast = arch->last_cpu == cpu && pc->last_vcpu == vcpu &&
	       (arch->flags & KVMLA_VCPU_HW_VALID);
	if (fast) {
		vcpu->stat.load_fast++;
	} else {
		/*
		 * The guest timer still counts with the last owner's TCFG;
		 * stopped first, it cannot set TI in the ESTAT restored next
		 * (kvmla_timer_restore() then starts this vCPU's timer).
		 */
		kvmla_timer_stop();
		kvmla_vcpu_csr_restore(vcpu);
		/*
		 * Break any LL the hardware holds from another context, so
		 * that no SC of this vCPU can pair with it.
		 */
		kvmla_gcsr_xchg(LOONGARCH_CSR_LLBCTL, CSR_LLBCTL_WCLLB,
				CSR_LLBCTL_WCLLB);
		pc->last_vcpu = vcpu;
		arch->last_cpu = cpu;
		arch->flags |= KVMLA_VCPU_HW_VALID;
		vcpu->stat.load_full++;
	}
	kvmla_timer_restore(vcpu, traced);
	local_irq_restore(irqflags);
	/* Time spent descheduled shows up as steal time. */
	if (arch->pvtime_gpa & KVM_STEAL_PHYS_VALID)
		kvm_make_request(KVM_REQ_STEAL_UPDATE, vcpu);
	if (traced && trace_kvm_vcpu_load_enabled())
		kvmla_vcpu_trace_load(vcpu, cpu, fast);
}

static noinline void kvmla_vcpu_load_traced(struct kvm_vcpu *vcpu, int cpu)
{
	kvmla_vcpu_load(vcpu, cpu, true);
}

void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
	if (kvmla_trace_active())
		kvmla_vcpu_load_traced(vcpu, cpu);
	else
		kvmla_vcpu_load(vcpu, cpu, false);
}

static __always_inline void kvmla_vcpu_put(struct kvm_vcpu *vcpu,
					   const bool traced)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;
	unsigned long irqflags;
	int cpu;

	local_irq_save(irqflags);
	cpu = smp_processor_id();
	kvmla_fpu_lose(vcpu);
	if (!(arch->flags & KVMLA_VCPU_SW_LATEST)) {
		kvmla_vcpu_csr_save(vcpu);
		arch->flags |= KVMLA_VCPU_SW_LATEST;
	} else if (arch->flags & KVMLA_VCPU_HW_VALID) {
		/*
		 * GINTC is a root CSR: the next vCPU on this CPU overwrites
		 * it, so it is saved on every put (unless a ONE_REG write
		 * made the software copy the newer one).
		 */
		arch->gcsr[LOONGARCH_CSR_GINTC] =
			kvmla_csr_read(LOONGARCH_CSR_GINTC) & 0xff;
	}
	kvmla_timer_save(vcpu, traced);
	local_irq_restore(irqflags);
	if (traced && trace_kvm_vcpu_put_enabled())
		kvmla_vcpu_trace_put(vcpu, cpu);
}

static noinline void kvmla_vcpu_put_traced(struct kvm_vcpu *vcpu)
{
	kvmla_vcpu_put(vcpu, true);
}

void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu)
{
	if (kvmla_trace_active())
		kvmla_vcpu_put_traced(vcpu);
	else
		kvmla_vcpu_put(vcpu, false);
}

/* ---- KVM_RUN ---- */

void kvmla_vcpu_pvtime_set(struct kvm_vcpu *vcpu, u64 gpa)
{
	vcpu->arch.pvtime_gpa = gpa;
	vcpu->arch.last_steal = current->sched_info.run_delay;
	kvm_make_request(KVM_REQ_STEAL_UPDATE, vcpu);
}

/*
 * Add the time this vCPU's thread waited for a CPU to the guest's
 * steal-time area, with the odd/even version protocol around the update.
 */
static void kvmla_vcpu_steal_update(struct kvm_vcpu *vcpu)
{
	u64 gpa = vcpu->arch.pvtime_gpa & KVM_STEAL_PHYS_MASK;
	u64 delay = current->sched_info.run_delay;
	u32 vofs = offsetof(struct kvm_steal_time, version);
	struct kvm *kvm = vcpu->kvm;
	struct kvm_steal_time st;
	int idx;

	if (!(vcpu->arch.pvtime_gpa & KVM_STEAL_PHYS_VALID))
		return;
	idx = srcu_read_lock(&kvm->srcu);
	if (kvm_read_guest(kvm, gpa, &st, sizeof(st)))
		goto out_unlock;
	st.version |= 1;
	if (kvm_write_guest(kvm, gpa + vofs, &st.version, sizeof(st.version)))
		goto out_unlock;
	/* The guest must see the odd version before the new value. */
	smp_wmb();
	st.steal += delay - vcpu->arch.last_steal;
	vcpu->arch.last_steal = delay;
	kvm_write_guest(kvm, gpa, &st.steal, sizeof(st.steal));
	/* ... and the new value before the even version. */
	smp_wmb();
	st.version++;
	kvm_write_guest(kvm, gpa + vofs, &st.version, sizeof(st.version));
out_unlock:
	srcu_read_unlock(&kvm->srcu, idx);
}

/*
 * Requests served with IRQs on, when any is pending.  Inline in both
 * copies of the entry (kvmla_vcpu_round()): out of line, the GPA flush
 * each stage-2 fault requests would pay a call and a frame.  Returns
 * RESUME_GUEST, or RESUME_HOST / -errno to leave KVM_RUN.
 */
static __always_inline int kvmla_vcpu_requests(struct kvm_vcpu *vcpu)
{
	if (kvm_check_request(KVM_REQ_VM_DEAD, vcpu))
		return -EIO;
	if (kvm_dirty_ring_check_request(vcpu))
		return RESUME_HOST;
	if (kvm_check_request(KVM_REQ_TLB_FLUSH, vcpu))
		kvmla_tlb_flush_all(vcpu, KVMLA_TLB_REASON_REQUEST);
	if (kvm_check_request(KVM_REQ_STEAL_UPDATE, vcpu))
		kvmla_vcpu_steal_update(vcpu);
	return RESUME_GUEST;
}

/*
 * Get ready to enter: serve requests, leave for signals and pending
 * work, then with IRQs off deliver interrupts, pick the VPID and load
 * the FPU state the guest asked for.  Returns RESUME_GUEST with IRQs off
 * when the guest may be entered, else RESUME_HOST or -errno with IRQs on
 * (run->exit_reason set).
 */
static __always_inline int kvmla_vcpu_enter_prepare(struct kvm_vcpu *vcpu,
						    const bool traced)
{
	int ret;

	for (;;) {
		if (signal_pending(current)) {
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			vcpu->stat.signal_exits++;
			return -EINTR;
		}
		ret = xfer_to_guest_mode_handle_work(vcpu);
		if (ret) {
			/* It may have counted a signal exit in its own slot. */
			vcpu->stat.signal_exits +=
				vcpu->arch.vmlinux_signal_exits;
			vcpu->arch.vmlinux_signal_exits = 0;
			return ret;
		}
		ret = kvm_request_pending(vcpu) ? kvmla_vcpu_requests(vcpu) :
						  RESUME_GUEST;
		if (ret != RESUME_GUEST)
			return ret;

		local_irq_disable();
		/*
		 * Guest mode before delivery looks at the queue: whoever
		 * queues an interrupt after that sees the vCPU in guest
		 * mode and kicks it.  Pairs with kvm_vcpu_exiting_guest_mode()
		 * of a kicker.
		 */
		smp_store_mb(vcpu->mode, IN_GUEST_MODE);
		/* The hardware guest CSRs change from here on. */
		vcpu->arch.flags &= ~KVMLA_VCPU_SW_LATEST;
		kvmla_irq_deliver(vcpu);
		/* The TLB requests, then the VPID check (one per entry). */
		kvmla_tlb_serve_requests(vcpu, traced);
		kvmla_fpu_load_pending(vcpu, traced);
		if (!kvm_request_pending(vcpu) &&
		    !xfer_to_guest_mode_work_pending())
			break;
		vcpu->mode = OUTSIDE_GUEST_MODE;
		local_irq_enable();
	}
	return RESUME_GUEST;
}

static noinline void kvmla_vcpu_trace_exit(struct kvm_vcpu *vcpu, u32 ecode)
{
	trace_kvm_exit(vcpu->vcpu_id, ecode, vcpu->arch.esubcode, vcpu->arch.pc,
		       vcpu->arch.exit_badv);
}

static noinline void kvmla_vcpu_trace_reenter(struct kvm_vcpu *vcpu)
{
	trace_kvm_reenter(vcpu->vcpu_id, vcpu->arch.pc);
}

/* Account one exit and hand it to the dispatcher. */
static __always_inline int kvmla_vcpu_exit(struct kvm_vcpu *vcpu,
					   const bool traced)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;
	u32 ecode = kvmla_csr_estat_ecode(arch->exit_estat);

	arch->esubcode = kvmla_csr_estat_esubcode(arch->exit_estat);
	if (traced && trace_kvm_exit_enabled())
		kvmla_vcpu_trace_exit(vcpu, ecode);
	if (ecode <= KVMLA_ECODE_MAX)
		vcpu->stat.ecode_exits[ecode]++;
	else
		vcpu->stat.unknown_exits++;

	/* A host interrupt: it was taken when IRQs came back on. */
	if (ecode == 0) {
		vcpu->stat.int_exits++;
		return RESUME_GUEST;
	}
	return kvmla_exit_handle(vcpu, traced);
}

/*
 * One guest entry and the handling of its exit.  The run loop picks the
 * copy at the start of each round: the plain one holds no event check at
 * all, the traced one (some kvmla event has a probe) checks every event,
 * so the records and their order are those of one path.
 */
static __always_inline int kvmla_vcpu_round(struct kvm_vcpu *vcpu,
					    const bool traced)
{
	int ret;

	ret = kvmla_vcpu_enter_prepare(vcpu, traced);
	if (ret != RESUME_GUEST)
		return ret;

	guest_timing_enter_irqoff();
	guest_state_enter_irqoff();
	kvmla_switch_to_guest(&vcpu->arch);
	guest_state_exit_irqoff();
	vcpu->mode = OUTSIDE_GUEST_MODE;
	guest_timing_exit_irqoff();
	local_irq_enable();

	ret = kvmla_vcpu_exit(vcpu, traced);
	if (traced && ret == RESUME_GUEST && trace_kvm_reenter_enabled())
		kvmla_vcpu_trace_reenter(vcpu);
	return ret;
}

/* Out of line: the run loop keeps the registers of the plain copy only. */
static noinline int kvmla_vcpu_round_traced(struct kvm_vcpu *vcpu)
{
	return kvmla_vcpu_round(vcpu, true);
}

int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	ret = kvmla_exit_complete_user(vcpu);
	if (ret < 0)
		return ret;
	if (!vcpu->wants_to_run)
		return -EINTR;

	run->exit_reason = KVM_EXIT_UNKNOWN;
	/* The host's FPU context goes first: the guest may claim the unit. */
	lose_fpu(1);
	vcpu_load(vcpu);
	kvm_sigset_activate(vcpu);
	if (trace_kvm_enter_enabled())
		kvmla_vcpu_trace_enter(vcpu);

	do {
		if (kvmla_trace_active())
			ret = kvmla_vcpu_round_traced(vcpu);
		else
			ret = kvmla_vcpu_round(vcpu, false);
	} while (ret == RESUME_GUEST);

	if (run->exit_reason < KVMLA_KVM_EXIT_NUM)
		vcpu->stat.user_exits[run->exit_reason]++;
	if (trace_kvm_out_enabled())
		kvmla_vcpu_trace_out(vcpu);
	kvm_sigset_deactivate(vcpu);
	vcpu_put(vcpu);
	return ret;
}

int kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu)
{
	return kvmla_irq_pending(vcpu) &&
	       vcpu->arch.mp_state.mp_state == KVM_MP_STATE_RUNNABLE;
}

int kvm_arch_vcpu_should_kick(struct kvm_vcpu *vcpu)
{
	return kvm_vcpu_exiting_guest_mode(vcpu) == IN_GUEST_MODE;
}

bool kvm_arch_vcpu_in_kernel(struct kvm_vcpu *vcpu)
{
	return false;
}

bool kvm_arch_vcpu_preempted_in_kernel(struct kvm_vcpu *vcpu)
{
	return false;
}

vm_fault_t kvm_arch_vcpu_fault(struct kvm_vcpu *vcpu, struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

/*
 * Asked by kvm_vcpu_check_block() in the vCPU's own thread, loaded: a
 * timer that fired in the hardware after the guest's IDLE is pending in
 * the guest ESTAT, not in the queue.
 */
int kvm_cpu_has_pending_timer(struct kvm_vcpu *vcpu)
{
	bool ti;

	preempt_disable();
	ti = kvmla_timer_ti_pending();
	preempt_enable();
	return kvmla_irq_pending(vcpu) || ti;
}

void kvm_arch_vcpu_blocking(struct kvm_vcpu *vcpu)
{
	kvmla_timer_block(vcpu);
}

void kvm_arch_vcpu_unblocking(struct kvm_vcpu *vcpu)
{
	kvmla_timer_unblock(vcpu);
}

/* ---- ONE_REG ---- */

/* Bits of CPUCFG word @leaf a guest may have, given this host. */
static u64 kvmla_vcpu_cpucfg_mask(unsigned int leaf)
{
	u64 host2;

	switch (leaf) {
	case 0:
	case 4:
	case 5:
		return GENMASK(31, 0);
	case 1:
		return GENMASK(25, 0);		/* no MSGINT */
	case 2:
		host2 = kvmla_cpucfg(2);
		return CPUCFG2_FP | CPUCFG2_FPSP | CPUCFG2_FPDP |
		       CPUCFG2_FPVERS | CPUCFG2_LLFTP | CPUCFG2_LLFTPREV |
		       CPUCFG2_LSPW | CPUCFG2_LAM |
		       (host2 & (CPUCFG2_LSX | CPUCFG2_LASX | CPUCFG2_X86BT |
				 CPUCFG2_ARMBT | CPUCFG2_MIPSBT));
	case 3:
	case 16:
		return GENMASK(16, 0);
	case 17 ... 20:
		return GENMASK(30, 0);
	case 6:
		/*
		 * No PMU for guests: the PMU description may be copied from
		 * a PMU host, but PMP (present) stays clear.
		 */
		if (!(kvmla_cpucfg(6) & CPUCFG6_PMP))
			return 0;
		return GENMASK(14, 0) & ~(u64)CPUCFG6_PMP;
	default:
		return 0;
	}
}

/* CPUCFG2 rules: a feature bit requires these other bits. */
static const struct kvmla_cpucfg_dep {
	u32 feature;
	u32 requires;
} kvmla_vcpu_cpucfg2_deps[] = {
	{ 0,            CPUCFG2_LLFTP },	/* the constant timer, always */
	{ CPUCFG2_FP,   CPUCFG2_FPSP | CPUCFG2_FPDP },
	{ CPUCFG2_LSX,  CPUCFG2_FP },
	{ CPUCFG2_LASX, CPUCFG2_LSX },
};

static int kvmla_vcpu_cpucfg_check(unsigned int leaf, u64 val)
{
	size_t i;

	if (leaf >= KVM_MAX_CPUCFG_REGS)
		return -EINVAL;
	if (val & ~kvmla_vcpu_cpucfg_mask(leaf))
		return -EINVAL;
	if (leaf != 2)
		return 0;
	for (i = 0; i < ARRAY_SIZE(kvmla_vcpu_cpucfg2_deps); i++) {
		const struct kvmla_cpucfg_dep *d = &kvmla_vcpu_cpucfg2_deps[i];

		if ((val & d->feature) == d->feature &&
		    (val & d->requires) != d->requires)
			return -EINVAL;
	}
	return 0;
}

/* CSR.CPUID: settable once, below KVMLA_MAX_PHYID, unique in the VM. */
static int kvmla_vcpu_set_cpuid(struct kvm_vcpu *vcpu, u64 val)
{
	struct kvm_arch *ka = &vcpu->kvm->arch;
	int ret = 0;

	if (val >= KVMLA_MAX_PHYID)
		return -EINVAL;

	spin_lock(&ka->phyid_lock);
	if (vcpu->arch.flags & KVMLA_VCPU_CPUID_SET) {
		if (vcpu->arch.gcsr[LOONGARCH_CSR_CPUID] != val)
			ret = -EINVAL;
		goto out_unlock;
	}
	if (ka->phyid_map[val] && ka->phyid_map[val] != vcpu) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ka->phyid_map[val] = vcpu;
	vcpu->arch.gcsr[LOONGARCH_CSR_CPUID] = val;
	vcpu->arch.flags |= KVMLA_VCPU_CPUID_SET;
out_unlock:
	spin_unlock(&ka->phyid_lock);
	return ret;
}

static int kvmla_vcpu_get_csr(struct kvm_vcpu *vcpu, unsigned int csr,
			      u64 *val)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;
	u64 estat;

	if (kvmla_csr_class(csr) == KVMLA_CSR_UNSUPPORTED)
		return -EINVAL;
	if (csr != LOONGARCH_CSR_ESTAT) {
		*val = arch->gcsr[csr];
		return 0;
	}
	/*
	 * ESTAT as the guest would read it: the hardware lines held in
	 * GINTC and the interrupts still queued, so none is lost when a VMM
	 * saves the vCPU.
	 */
	estat = arch->gcsr[LOONGARCH_CSR_ESTAT] |
		((arch->gcsr[LOONGARCH_CSR_GINTC] & 0xff) <<
		 KVMLA_ESTAT_HWI_SHIFT);
	*val = kvmla_irq_merge_estat(vcpu, estat);
	return 0;
}

static int kvmla_vcpu_set_csr(struct kvm_vcpu *vcpu, unsigned int csr,
			      u64 val)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;

	if (kvmla_csr_class(csr) == KVMLA_CSR_UNSUPPORTED)
		return -EINVAL;
	switch (csr) {
	case LOONGARCH_CSR_CPUID:
		return kvmla_vcpu_set_cpuid(vcpu, val);
	case LOONGARCH_CSR_ESTAT:
		arch->gcsr[LOONGARCH_CSR_GINTC] =
			(val & KVMLA_ESTAT_HWI) >> KVMLA_ESTAT_HWI_SHIFT;
		arch->gcsr[LOONGARCH_CSR_ESTAT] = val & ~KVMLA_ESTAT_HWI;
		return 0;
	default:
		arch->gcsr[csr] = val;
		return 0;
	}
}

/* VCPU_RESET: what a guest reboot must not inherit. */
static void kvmla_vcpu_reset(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_arch *arch = &vcpu->arch;

	arch->pvtime_gpa = 0;
	kvmla_fpu_reset(vcpu);
	kvmla_irq_reset(vcpu);
	arch->gcsr[LOONGARCH_CSR_ESTAT] = 0;
	arch->gcsr[LOONGARCH_CSR_GINTC] = 0;
}

static u64 *kvmla_vcpu_lbt_reg(struct kvm_vcpu *vcpu, u64 id)
{
	switch (id) {
	case KVM_REG_LOONGARCH_LBT_SCR0:
	case KVM_REG_LOONGARCH_LBT_SCR1:
	case KVM_REG_LOONGARCH_LBT_SCR2:
	case KVM_REG_LOONGARCH_LBT_SCR3:
		return &vcpu->arch.lbt.scr[id - KVM_REG_LOONGARCH_LBT_SCR0];
	case KVM_REG_LOONGARCH_LBT_EFLAGS:
		return &vcpu->arch.lbt.eflags;
	case KVM_REG_LOONGARCH_LBT_FTOP:
		return &vcpu->arch.lbt.ftop;
	default:
		return NULL;
	}
}

/* The word of "hvcl KVM_HCALL_SWDBG" that guests plant as a breakpoint. */
static u64 kvmla_vcpu_swdbg_inst(void)
{
	return INSN_HVCL | KVM_HCALL_SWDBG;
}

static int kvmla_vcpu_get_reg(struct kvm_vcpu *vcpu, u64 id, u64 *val)
{
	unsigned int idx = (id & KVM_CSR_IDX_MASK) >> LOONGARCH_REG_SHIFT;
	u64 *lbt;

	switch (id & KVM_REG_LOONGARCH_MASK) {
	case KVM_REG_LOONGARCH_CSR:
		return kvmla_vcpu_get_csr(vcpu, idx, val);
	case KVM_REG_LOONGARCH_CPUCFG:
		if (idx >= KVM_MAX_CPUCFG_REGS)
			return -EINVAL;
		*val = vcpu->arch.cpucfg[idx];
		return 0;
	case KVM_REG_LOONGARCH_LBT:
		if (!kvmla_guest_has_lbt(vcpu))
			return -ENXIO;
		lbt = kvmla_vcpu_lbt_reg(vcpu, id);
		if (!lbt)
			return -EINVAL;
		*val = *lbt;
		return 0;
	case KVM_REG_LOONGARCH_KVM:
		switch (id) {
		case KVM_REG_LOONGARCH_COUNTER:
			*val = kvmla_timer_get_counter(vcpu);
			return 0;
		case KVM_REG_LOONGARCH_DEBUG_INST:
			*val = kvmla_vcpu_swdbg_inst();
			return 0;
		default:
			return -EINVAL;
		}
	default:
		return -EINVAL;
	}
}

static int kvmla_vcpu_set_reg(struct kvm_vcpu *vcpu, u64 id, u64 val)
{
	unsigned int idx = (id & KVM_CSR_IDX_MASK) >> LOONGARCH_REG_SHIFT;
	u64 *lbt;
	int ret;

	switch (id & KVM_REG_LOONGARCH_MASK) {
	case KVM_REG_LOONGARCH_CSR:
		return kvmla_vcpu_set_csr(vcpu, idx, val);
	case KVM_REG_LOONGARCH_CPUCFG:
		ret = kvmla_vcpu_cpucfg_check(idx, val);
		if (ret)
			return ret;
		vcpu->arch.cpucfg[idx] = val;
		return 0;
	case KVM_REG_LOONGARCH_LBT:
		if (!kvmla_guest_has_lbt(vcpu))
			return -ENXIO;
		lbt = kvmla_vcpu_lbt_reg(vcpu, id);
		if (!lbt)
			return -EINVAL;
		*lbt = val;
		return 0;
	case KVM_REG_LOONGARCH_KVM:
		switch (id) {
		case KVM_REG_LOONGARCH_COUNTER:
			kvmla_timer_set_counter(vcpu, val);
			return 0;
		case KVM_REG_LOONGARCH_VCPU_RESET:
			kvmla_vcpu_reset(vcpu);
			return 0;
		default:
			return -EINVAL;
		}
	default:
		return -EINVAL;
	}
}

static int kvmla_vcpu_one_reg(struct kvm_vcpu *vcpu, unsigned int ioctl,
			      struct kvm_one_reg *reg)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)reg->addr;
	u64 val = 0;
	int ret;

	if ((reg->id & KVM_REG_SIZE_MASK) != KVM_REG_SIZE_U64)
		return -EINVAL;
	if ((reg->id & ~(u64)KVM_REG_SIZE_MASK & KVM_REG_ARCH_MASK) !=
	    KVM_REG_LOONGARCH)
		return -EINVAL;

	if (ioctl == KVM_GET_ONE_REG) {
		ret = kvmla_vcpu_get_reg(vcpu, reg->id, &val);
		if (ret)
			return ret;
		return put_user(val, uaddr) ? -EFAULT : 0;
	}
	if (get_user(val, uaddr))
		return -EFAULT;
	ret = kvmla_vcpu_set_reg(vcpu, reg->id, val);
	/* The hardware copy is stale now: reload it on the next load. */
	vcpu->arch.flags &= ~KVMLA_VCPU_HW_VALID;
	return ret;
}

/* ---- REGS / FPU / SREGS ---- */

int kvm_arch_vcpu_ioctl_get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	memcpy(regs->gpr, vcpu->arch.gprs, sizeof(regs->gpr));
	regs->pc = vcpu->arch.pc;
	return 0;
}

int kvm_arch_vcpu_ioctl_set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	memcpy(&vcpu->arch.gprs[1], &regs->gpr[1],
	       sizeof(regs->gpr) - sizeof(regs->gpr[0]));
	vcpu->arch.gprs[0] = 0;		/* $zero stays zero */
	vcpu->arch.pc = regs->pc;
	return 0;
}

int kvm_arch_vcpu_ioctl_get_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu)
{
	struct kvmla_fpu *f = &vcpu->arch.fpu;
	int i;

	fpu->fcsr = f->fcsr;
	fpu->fcc = f->fcc;
	for (i = 0; i < ARRAY_SIZE(fpu->fpr); i++)
		memcpy(fpu->fpr[i].val64, f->fpr[i], sizeof(fpu->fpr[i].val64));
	return 0;
}

int kvm_arch_vcpu_ioctl_set_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu)
{
	struct kvmla_fpu *f = &vcpu->arch.fpu;
	int i;

	f->fcsr = fpu->fcsr;
	f->fcc = fpu->fcc;
	for (i = 0; i < ARRAY_SIZE(fpu->fpr); i++)
		memcpy(f->fpr[i], fpu->fpr[i].val64, sizeof(f->fpr[i]));
	return 0;
}

int kvm_arch_vcpu_ioctl_get_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs)
{
	return -ENOIOCTLCMD;
}

int kvm_arch_vcpu_ioctl_set_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs)
{
	return -ENOIOCTLCMD;
}

int kvm_arch_vcpu_ioctl_translate(struct kvm_vcpu *vcpu,
				  struct kvm_translation *tr)
{
	return -EINVAL;
}

/* ---- mp_state, debug ---- */

int kvm_arch_vcpu_ioctl_get_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state)
{
	*mp_state = vcpu->arch.mp_state;
	return 0;
}

int kvm_arch_vcpu_ioctl_set_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state)
{
	if (mp_state->mp_state != KVM_MP_STATE_RUNNABLE)
		return -EINVAL;
	vcpu->arch.mp_state = *mp_state;
	return 0;
}

/* Software breakpoints only: SWDBG hypercalls exit with KVM_EXIT_DEBUG. */
int kvm_arch_vcpu_ioctl_set_guest_debug(struct kvm_vcpu *vcpu,
					struct kvm_guest_debug *dbg)
{
	u32 ctl = dbg->control;

	if (ctl & ~KVM_GUESTDBG_VALID_MASK)
		return -EINVAL;
	vcpu->guest_debug = (ctl & KVM_GUESTDBG_ENABLE) ? ctl : 0;
	return 0;
}

/* ---- vCPU attributes ---- */

static int kvmla_vcpu_cpucfg_attr(struct kvm_vcpu *vcpu,
				  struct kvm_device_attr *attr, bool set)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)attr->addr;
	u64 val;

	if (attr->attr == CPUCFG_KVM_FEATURE) {
		if (!set)
			return put_user(vcpu->kvm->arch.pv_features, uaddr) ?
			       -EFAULT : 0;
		if (get_user(val, uaddr))
			return -EFAULT;
		if (val & ~(BIT(KVM_FEATURE_IPI) | BIT(KVM_FEATURE_STEAL_TIME) |
			    BIT(KVM_FEATURE_VIRT_EXTIOI)))
			return -EINVAL;
		vcpu->kvm->arch.pv_features = val;
		return 0;
	}
	if (set || attr->attr >= KVM_MAX_CPUCFG_REGS)
		return -ENXIO;
	return put_user(kvmla_vcpu_cpucfg_mask(attr->attr), uaddr) ?
	       -EFAULT : 0;
}

static int kvmla_vcpu_pvtime_attr(struct kvm_vcpu *vcpu,
				  struct kvm_device_attr *attr, bool set)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)attr->addr;
	u64 gpa;

	if (attr->attr != KVM_LOONGARCH_VCPU_PVTIME_GPA ||
	    !(vcpu->kvm->arch.pv_features & BIT(KVM_FEATURE_STEAL_TIME)))
		return -ENXIO;
	if (!set)
		return put_user(vcpu->arch.pvtime_gpa, uaddr) ? -EFAULT : 0;
	if (get_user(gpa, uaddr))
		return -EFAULT;
	/* 64-byte aligned area; bit 0 says it is valid. */
	if (gpa & ~(GENMASK_ULL(63, 6) | BIT_ULL(0)))
		return -EINVAL;
	if (gpa & BIT_ULL(0)) {
		int idx = srcu_read_lock(&vcpu->kvm->srcu);
		bool visible = kvm_is_visible_gfn(vcpu->kvm, gpa_to_gfn(gpa));

		srcu_read_unlock(&vcpu->kvm->srcu, idx);
		if (!visible)
			return -EINVAL;
	}
	kvmla_vcpu_pvtime_set(vcpu, gpa);
	return 0;
}

static int kvmla_vcpu_has_attr(struct kvm_vcpu *vcpu,
			       struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_LOONGARCH_VCPU_CPUCFG:
		if (attr->attr == 2 || attr->attr == 6 ||
		    attr->attr == CPUCFG_KVM_FEATURE)
			return 0;
		return -ENXIO;
	case KVM_LOONGARCH_VCPU_PVTIME_CTRL:
		if (attr->attr == KVM_LOONGARCH_VCPU_PVTIME_GPA &&
		    (vcpu->kvm->arch.pv_features & BIT(KVM_FEATURE_STEAL_TIME)))
			return 0;
		return -ENXIO;
	default:
		return -ENXIO;
	}
}

static int kvmla_vcpu_attr(struct kvm_vcpu *vcpu, unsigned int ioctl,
			   struct kvm_device_attr *attr)
{
	bool set = ioctl == KVM_SET_DEVICE_ATTR;

	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return kvmla_vcpu_has_attr(vcpu, attr);
	switch (attr->group) {
	case KVM_LOONGARCH_VCPU_CPUCFG:
		return kvmla_vcpu_cpucfg_attr(vcpu, attr, set);
	case KVM_LOONGARCH_VCPU_PVTIME_CTRL:
		return kvmla_vcpu_pvtime_attr(vcpu, attr, set);
	default:
		return -ENXIO;
	}
}

/* ---- ioctl entry points ---- */

long kvm_arch_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_device_attr attr;
	struct kvm_one_reg reg;

	switch (ioctl) {
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		if (copy_from_user(&reg, argp, sizeof(reg)))
			return -EFAULT;
		return kvmla_vcpu_one_reg(vcpu, ioctl, &reg);
	case KVM_HAS_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR:
		if (copy_from_user(&attr, argp, sizeof(attr)))
			return -EFAULT;
		return kvmla_vcpu_attr(vcpu, ioctl, &attr);
	case KVM_ENABLE_CAP:
		return -EINVAL;
	default:
		return -ENOIOCTLCMD;
	}
}

long kvm_arch_vcpu_async_ioctl(struct file *filp, unsigned int ioctl,
			       unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_interrupt irq;

	if (ioctl != KVM_INTERRUPT)
		return -ENOIOCTLCMD;
	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	return kvmla_irq_ioctl(vcpu, &irq);
}
