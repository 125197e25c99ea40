// SPDX-License-Identifier: GPL-2.0
/*
 * VPIDs (guest ids) tag the guest's TLB entries.  Each physical CPU hands
 * them out from its own counter, kvmla_vpid_next: the low bits
 * (kvmla_vpid_mask) are the VPID, the bits above are a generation.  When
 * the low bits wrap, the generation advances and every guest-id-tagged
 * TLB entry of the CPU (GVA->GPA and GPA->HPA) is dropped once, so every
 * VPID of an older generation is stale.  VPID 0 of each generation is
 * never handed out.  The counter only grows (a CPU's
 * hardware enable after resume flushes its guest TLB but does not reuse
 * VPIDs), so two vCPUs never share a VPID on one CPU.
 *
 * A vCPU needs a new VPID when it runs on another CPU than its VPID came
 * from, when its CPU moved to a new generation, or when KVM_REQ_TLB_FLUSH
 * asked for one.  On every change the guest's LL bit is cleared
 * (LLBCTL.WCLLB), so an LL/SC pair cannot straddle the change.
 */
#include "kvm_internal.h"

static DEFINE_PER_CPU(unsigned long, kvmla_vpid_next);

static unsigned long kvmla_vmid_first(void)
{
	return kvmla_vpid_mask + 1;	/* generation 1, VPID 0 */
}

int kvmla_vmid_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(kvmla_vpid_next, cpu) = kvmla_vmid_first();
	return 0;
}

void kvmla_vmid_deinit(void)
{
}

/* Next VPID on this CPU; rolls the generation over when it wraps. */
static unsigned long kvmla_vmid_alloc(struct kvm_vcpu *vcpu, int cpu)
{
	unsigned long *next = per_cpu_ptr(&kvmla_vpid_next, cpu);
	unsigned long vpid = *next + 1;

	if (!(vpid & kvmla_vpid_mask)) {
		if (!vpid)	/* the generation counter itself wrapped */
			vpid = kvmla_vmid_first();
		/*
		 * Every guest id is about to be reused: drop all of their
		 * entries, the root TLB's GPA->HPA ones included, or a
		 * recycled id could reach pages the host has freed since.
		 */
		kvmla_invtlb(INVTLB_ALLGID, 0, 0);
		vcpu->stat.vpid_rollovers++;
		trace_kvm_vpid_rollover(vcpu->vcpu_id, cpu,
					vpid / (kvmla_vpid_mask + 1));
		trace_kvm_tlb_flush(vcpu->vcpu_id, KVMLA_TLB_SCOPE_ALL,
				    KVMLA_TLB_REASON_ROLLOVER, 0);
		vpid++;		/* skip VPID 0 */
	}
	*next = vpid;
	return vpid;
}

/* The VPID in use goes to GSTAT.GID, for the coming entry. */
static void kvmla_vmid_load(struct kvm_vcpu *vcpu)
{
	kvmla_csr_xchg(LOONGARCH_CSR_GSTAT,
		       (vcpu->arch.st.vmid.vpid & kvmla_vpid_mask) <<
		       CSR_GSTAT_GID_SHIFT, CSR_GSTAT_GID);
}

/* Whether @vcpu's VPID is one @cpu handed out in its current generation. */
static bool kvmla_vmid_current(struct kvmla_vcpu_state *st, int cpu)
{
	unsigned long cache = *per_cpu_ptr(&kvmla_vpid_next, cpu);

	return st->vmid.vpid_cpu == cpu && st->vmid.vpid &&
	       !((st->vmid.vpid ^ cache) & ~kvmla_vpid_mask);
}

/*
 * A new VPID for @vcpu on @cpu, loaded.  Out of line and reached by a tail
 * call: the check below, run before every entry, stays a leaf without a
 * stack frame, and works out no reason for the event here.
 */
static noinline void kvmla_vmid_renew(struct kvm_vcpu *vcpu, int cpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	unsigned long old = st->vmid.vpid;
	int reason;

	if (st->vmid.vpid_cpu != cpu || !old)
		reason = KVMLA_VPID_REASON_MIGRATED;
	else if (!kvmla_vmid_current(st, cpu))
		reason = KVMLA_VPID_REASON_GENERATION;
	else
		reason = KVMLA_VPID_REASON_REQUEST;
	st->vmid.vpid = kvmla_vmid_alloc(vcpu, cpu);
	st->vmid.vpid_cpu = cpu;
	st->vmid.vpid_flush = 0;
	vcpu->stat.vpid_changes++;
	trace_kvm_vpid_change(vcpu->vcpu_id, cpu, reason, old, st->vmid.vpid);
	kvmla_gcsr_xchg(LOONGARCH_CSR_LLBCTL, CSR_LLBCTL_WCLLB,
			CSR_LLBCTL_WCLLB);
	kvmla_vmid_load(vcpu);
}

void kvmla_vmid_check(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	int cpu = smp_processor_id();

	if (unlikely(!kvmla_vmid_current(st, cpu) || st->vmid.vpid_flush)) {
		kvmla_vmid_renew(vcpu, cpu);
		return;
	}
	kvmla_vmid_load(vcpu);
}

void kvmla_vmid_drop(struct kvm_vcpu *vcpu)
{
	vcpu->arch.st.vmid.vpid = 0;
	vcpu->arch.st.vmid.vpid_cpu = -1;
}
