// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exit dispatch.  kvmla_exit_table[] has one slot per ESTAT.Ecode
 * value (64); every slot not named below goes to kvmla_exit_unknown().
 *
 * Return contract (exit.h): RESUME_GUEST re-enters the guest,
 * RESUME_HOST returns to userspace with run->exit_reason set, -errno fails
 * KVM_RUN.  A handler that completes an instruction advances PC by 4; one
 * that refuses it leaves PC on the instruction and queues an exception.
 */
#include "kvm_internal.h"
#include "kvmla/gspr.h"

/* ---- instruction words (checked against llvm-mc in tests/host) ---- */

#define KVMLA_RD(w)		((w) & 0x1f)
#define KVMLA_RJ(w)		(((w) >> 5) & 0x1f)
#define KVMLA_RK(w)		(((w) >> 10) & 0x1f)

/* hvcl code: word >> 15 */
#define KVMLA_OP_HVCL		0x0057

/* The PV hypercall ABI (Documentation/virt/kvm/loongarch/hypercalls). */
#define KVMLA_HC_SERVICE	0x100
#define KVMLA_HC_SWDBG		KVMLA_HCALL_SWDBG
#define KVMLA_HC_FN_IPI		KVMLA_HCALL_IPI
#define KVMLA_HC_FN_NOTIFY	KVMLA_HCALL_NOTIFY
#define KVMLA_HC_OK		0
#define KVMLA_HC_NOFUNC		(-1L)
#define KVMLA_HC_BADARG		(-2L)
#define KVMLA_PV_STEAL_TIME	KVM_FEATURE_STEAL_TIME

/* Paravirt CPUCFG leaves. */
#define KVMLA_CPUCFG_SIG	0x40000000
#define KVMLA_CPUCFG_FEAT	0x40000004
#define KVMLA_CPUCFG_SIG_VAL	0x004d564bU	/* "KVM\0", little-endian */

/*
 * A guest load or store, as MMIO sees it.  Returns false for any word that
 * is not one of ld/st, ldx/stx, ldptr/stptr.
 */
struct kvmla_mem_op {
	u8 len;
	u8 write;
	u8 sign;
	u8 rd;
};

static bool kvmla_exit_decode_mem(u32 w, struct kvmla_mem_op *op)
{
	/* Index: 0..3 ld.{b,h,w,d}, 4..7 st.*, 8..10 ld.{bu,hu,wu} */
	static const u8 lens[11] = { 1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4 };
	unsigned int idx;

	if ((w >> 22) >= 0xa0 && (w >> 22) <= 0xaa) {
		idx = (w >> 22) - 0xa0;			/* 2RI12 */
	} else if ((w >> 15) >= 0x7000 && (w >> 15) <= 0x7050 &&
		   !((w >> 15) & 7)) {
		idx = ((w >> 15) - 0x7000) >> 3;	/* 3R */
	} else if ((w >> 24) >= 0x24 && (w >> 24) <= 0x27) {
		unsigned int o = (w >> 24) - 0x24;	/* 2RI14 */

		/* ldptr.w, stptr.w, ldptr.d, stptr.d */
		idx = (o & 1 ? 4 : 0) + (o & 2 ? 3 : 2);
	} else {
		return false;
	}
	op->len = lens[idx];
	op->write = idx >= 4 && idx <= 7;
	op->sign = idx < 4;
	op->rd = KVMLA_RD(w);
	return true;
}

/* ---- small helpers ---- */

static void kvmla_exit_set_gpr(struct kvm_vcpu *vcpu, unsigned int r, u64 v)
{
	if (r)
		vcpu->arch.gprs[r] = v;
}

static u64 kvmla_exit_extend(u64 v, unsigned int len, bool sign)
{
	unsigned int shift = 64 - 8 * len;

	if (len >= 8)
		return v;
	if (sign)
		return (u64)((s64)(v << shift) >> shift);
	return v & (~0ULL >> shift);
}

static u64 kvmla_exit_le_load(const u8 *p, unsigned int len)
{
	u64 v = 0;

	while (len--)
		v = (v << 8) | p[len];
	return v;
}

static void kvmla_exit_le_store(u8 *p, u64 v, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++, v >>= 8)
		p[i] = v & 0xff;
}

void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
		       unsigned int esubcode, u64 badv, u32 badi)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;

	st->exit.exc_pending = 1;
	st->exit.exc_ecode = ecode;
	st->exit.exc_esubcode = esubcode;
	st->exit.exc_badv = badv;
	st->exit.exc_badi = badi;
}

static void kvmla_exit_inject_ine(struct kvm_vcpu *vcpu)
{
	kvmla_exit_inject(vcpu, KVMLA_ECODE_INE, 0, vcpu->arch.pc,
			  vcpu->arch.exit_badi);
}

/* ---- GSPR ---- */

/*
 * Every handler that records an event is written once, as an
 * __always_inline body taking a constant @traced, and compiled twice: the
 * _plain copy, run while no kvmla event has a probe (kvmla_trace_key,
 * trace.h), holds no event check at all, so it needs no stack frame for
 * one and tail-calls what it can; the _traced copy checks and records
 * every event as before.  Neither copy records anything the other would
 * not, in the same order, when the events are on.
 */
#define KVMLA_EXIT_GSPR_COPIES(kind)					\
static noinline int kvmla_exit_##kind##_plain(struct kvm_vcpu *vcpu,	\
					      u32 w)			\
{									\
	return kvmla_exit_##kind(vcpu, w, false);			\
}									\
static noinline int kvmla_exit_##kind##_traced(struct kvm_vcpu *vcpu,	\
					       u32 w)			\
{									\
	return kvmla_exit_##kind(vcpu, w, true);			\
}

#define KVMLA_EXIT_COPIES(what)						\
static int kvmla_exit_##what##_plain(struct kvm_vcpu *vcpu)		\
{									\
	return kvmla_exit_##what(vcpu, false);				\
}									\
static int kvmla_exit_##what##_traced(struct kvm_vcpu *vcpu)		\
{									\
	return kvmla_exit_##what(vcpu, true);				\
}

/* The copy of @fn for the constant @traced. */
#define KVMLA_EXIT_COPY(fn, traced)	((traced) ? fn##_traced : fn##_plain)

/* kvm_exit_gspr, recorded first by each GSPR handler. */
static __always_inline void kvmla_exit_gspr_note(struct kvm_vcpu *vcpu, u32 w,
						 const bool traced)
{
	if (traced)
		trace_kvm_exit_gspr(vcpu->vcpu_id, kvmla_gspr_kind(w), w,
				    vcpu->arch.pc);
}

static __always_inline int kvmla_exit_csr(struct kvm_vcpu *vcpu, u32 w,
					  const bool traced)
{
	unsigned int csr = (w >> 10) & 0x3fff, rd = KVMLA_RD(w);
	unsigned int rj = KVMLA_RJ(w);
	unsigned int op = rj == 0 ? KVMLA_CSR_OP_RD :
			  rj == 1 ? KVMLA_CSR_OP_WR : KVMLA_CSR_OP_XCHG;
	int cls = kvmla_csr_class(csr);
	u64 old = 0, val = vcpu->arch.gprs[rd];
	unsigned int outcome;

	kvmla_exit_gspr_note(vcpu, w, traced);
	if (cls == KVMLA_CSR_SW || cls == KVMLA_CSR_PMU) {
		old = kvmla_csr_sw_get(vcpu, csr);
		if (op == KVMLA_CSR_OP_WR)
			kvmla_csr_sw_set(vcpu, csr, val);
		else if (op == KVMLA_CSR_OP_XCHG)
			kvmla_csr_sw_set(vcpu, csr,
					 (old & ~vcpu->arch.gprs[rj]) |
					 (val & vcpu->arch.gprs[rj]));
		outcome = cls == KVMLA_CSR_PMU ? KVMLA_CSR_OUTCOME_PMU :
						  KVMLA_CSR_OUTCOME_SW;
	} else {
		/* Undefined CSRs read as 0 and ignore writes (manual 4.2.1). */
		if (!vcpu->arch.st.exit.csr_warned) {
			vcpu->arch.st.exit.csr_warned = 1;
			kvm_debug("kvmla: vcpu %u: unsupported csr 0x%x at 0x%lx\n",
				  vcpu->vcpu_id, csr, vcpu->arch.pc);
		}
		outcome = KVMLA_CSR_OUTCOME_UNSUPPORTED;
	}
	kvmla_exit_set_gpr(vcpu, rd, old);
	if (traced)
		trace_kvm_exit_csr(vcpu->vcpu_id, csr, op, outcome);
	vcpu->arch.pc += 4;
	return RESUME_GUEST;
}

KVMLA_EXIT_GSPR_COPIES(csr)

static __always_inline int kvmla_exit_cpucfg(struct kvm_vcpu *vcpu, u32 w,
					     const bool traced)
{
	u64 leaf = vcpu->arch.gprs[KVMLA_RJ(w)], v = 0;

	kvmla_exit_gspr_note(vcpu, w, traced);
	if (leaf < KVM_MAX_CPUCFG_REGS)
		v = vcpu->arch.cpucfg[leaf];
	else if (leaf == KVMLA_CPUCFG_SIG)
		v = KVMLA_CPUCFG_SIG_VAL;
	else if (leaf == KVMLA_CPUCFG_FEAT)
		v = vcpu->kvm->arch.pv_features;
	kvmla_exit_set_gpr(vcpu, KVMLA_RD(w), v);
	vcpu->stat.cpucfg_exits++;
	if (traced)
		trace_kvm_exit_cpucfg(vcpu->vcpu_id, (u32)leaf, v);
	vcpu->arch.pc += 4;
	return RESUME_GUEST;
}

KVMLA_EXIT_GSPR_COPIES(cpucfg)

static __always_inline int kvmla_exit_iocsr(struct kvm_vcpu *vcpu, u32 w,
					    const bool traced)
{
	struct kvm_run *run = vcpu->run;
	unsigned int sub = (w >> 10) & 7, len = 1U << (sub & 3);
	bool write = sub >= 4;
	u64 addr = vcpu->arch.gprs[KVMLA_RJ(w)];

	kvmla_exit_gspr_note(vcpu, w, traced);
	run->exit_reason = KVM_EXIT_LOONGARCH_IOCSR;
	run->iocsr_io.phys_addr = addr;
	run->iocsr_io.len = len;
	run->iocsr_io.is_write = write;
	memset(run->iocsr_io.data, 0, sizeof(run->iocsr_io.data));
	if (write) {
		kvmla_exit_le_store(run->iocsr_io.data,
				    vcpu->arch.gprs[KVMLA_RD(w)], len);
		vcpu->stat.iocsr_write_exits++;
	} else {
		vcpu->arch.st.exit.io_kind = KVMLA_IO_IOCSR_READ;
		vcpu->arch.st.exit.io_rd = KVMLA_RD(w);
		vcpu->arch.st.exit.io_len = len;
		vcpu->arch.st.exit.io_signed = 1;
		vcpu->stat.iocsr_read_exits++;
	}
	if (traced)
		trace_kvm_exit_iocsr(vcpu->vcpu_id, len, write, addr);
	vcpu->arch.pc += 4;
	return RESUME_HOST;
}

KVMLA_EXIT_GSPR_COPIES(iocsr)

/* ESTAT.IS and ECFG.LIE: interrupt lines 12..0. */
#define KVMLA_IRQ_LINES		GENMASK(12, 0)

static __always_inline int kvmla_exit_idle(struct kvm_vcpu *vcpu, u32 w,
					   const bool traced)
{
	u64 pending = kvmla_gcsr_read(LOONGARCH_CSR_ESTAT) &
		      kvmla_gcsr_read(LOONGARCH_CSR_ECFG) & KVMLA_IRQ_LINES;

	kvmla_exit_gspr_note(vcpu, w, traced);
	vcpu->stat.idle_exits++;
	if (traced)
		trace_kvm_exit_idle(vcpu->vcpu_id, vcpu->arch.pc);
	vcpu->arch.pc += 4;
	/* As the hardware would, IDLE returns at once on a pending line. */
	if (!pending)
		kvm_vcpu_halt(vcpu);
	return RESUME_GUEST;
}

KVMLA_EXIT_GSPR_COPIES(idle)

static __always_inline int kvmla_exit_cacop(struct kvm_vcpu *vcpu, u32 w,
					    const bool traced)
{
	kvmla_exit_gspr_note(vcpu, w, traced);
	/* The guest's caches are the host's: nothing to maintain. */
	if (traced)
		trace_kvm_exit_cache(vcpu->vcpu_id, KVMLA_RD(w), vcpu->arch.pc);
	vcpu->arch.pc += 4;
	return RESUME_GUEST;
}

KVMLA_EXIT_GSPR_COPIES(cacop)

/* Any other GSPR instruction: the guest gets INE. */
static __always_inline int kvmla_exit_gspr_other(struct kvm_vcpu *vcpu,
						 u32 w, const bool traced)
{
	kvmla_exit_gspr_note(vcpu, w, traced);
	kvmla_exit_inject_ine(vcpu);
	return RESUME_GUEST;
}

KVMLA_EXIT_GSPR_COPIES(gspr_other)

/*
 * Each GSPR kind has its own out-of-line handler, reached by a tail call:
 * the hot kinds (CSR, CPUCFG) do not pay for the frame the others need.
 */
static __always_inline int kvmla_exit_gspr(struct kvm_vcpu *vcpu,
					   const bool traced)
{
	u32 w = vcpu->arch.exit_badi;
	unsigned int kind = kvmla_gspr_kind(w);

	vcpu->stat.gspr_exits[kind]++;
	switch (kind) {
	case KVMLA_GSPR_CSR:
		return KVMLA_EXIT_COPY(kvmla_exit_csr, traced)(vcpu, w);
	case KVMLA_GSPR_CPUCFG:
		return KVMLA_EXIT_COPY(kvmla_exit_cpucfg, traced)(vcpu, w);
	case KVMLA_GSPR_IOCSR:
		return KVMLA_EXIT_COPY(kvmla_exit_iocsr, traced)(vcpu, w);
	case KVMLA_GSPR_IDLE:
		return KVMLA_EXIT_COPY(kvmla_exit_idle, traced)(vcpu, w);
	case KVMLA_GSPR_CACOP:
		return KVMLA_EXIT_COPY(kvmla_exit_cacop, traced)(vcpu, w);
	default:
		return KVMLA_EXIT_COPY(kvmla_exit_gspr_other, traced)(vcpu, w);
	}
}

KVMLA_EXIT_COPIES(gspr)

/* ---- completion of reads userspace answered ---- */

int kvmla_exit_complete_user(struct kvm_vcpu *vcpu)
{
	struct kvmla_vcpu_state *st = &vcpu->arch.st;
	struct kvm_run *run = vcpu->run;
	u64 v;

	switch (st->exit.io_kind) {
	case KVMLA_IO_MMIO_READ:
		v = kvmla_exit_le_load(run->mmio.data, st->exit.io_len);
		break;
	case KVMLA_IO_IOCSR_READ:
		v = kvmla_exit_le_load(run->iocsr_io.data, st->exit.io_len);
		break;
	default:
		return 0;
	}
	kvmla_exit_set_gpr(vcpu, st->exit.io_rd,
			   kvmla_exit_extend(v, st->exit.io_len, st->exit.io_signed));
	st->exit.io_kind = KVMLA_IO_NONE;
	return 0;
}

/* ---- HVC ---- */

static long kvmla_exit_pv_ipi(struct kvm_vcpu *vcpu)
{
	u64 words[2] = { vcpu->arch.gprs[5], vcpu->arch.gprs[6] };
	u64 base = vcpu->arch.gprs[7];
	struct kvm *kvm = vcpu->kvm;

	/* only the set bits: a 128-bit walk cost more than the IPI itself */
	for (unsigned int w = 0; w < 2; w++) {
		while (words[w]) {
			u64 id = base + w * 64 + __ffs(words[w]);
			struct kvm_vcpu *dst;

			words[w] &= words[w] - 1;
			if (id >= KVMLA_MAX_PHYID)
				return KVMLA_HC_OK;
			spin_lock(&kvm->arch.phyid_lock);
			dst = kvm->arch.phyid_map[id];
			spin_unlock(&kvm->arch.phyid_lock);
			if (!dst)
				continue;
			kvmla_irq_queue(dst, KVMLA_INT_SWI0, KVMLA_IRQ_SOURCE_PV_IPI);
			kvm_vcpu_kick(dst);
		}
	}
	return KVMLA_HC_OK;
}

/* The steal-time area: bit 0 enables it, bits 63..6 are its GPA. */
#define KVMLA_STEAL_VALID	BIT_ULL(0)
#define KVMLA_STEAL_GPA		GENMASK_ULL(63, 6)

static long kvmla_exit_pv_notify(struct kvm_vcpu *vcpu)
{
	u64 feature = vcpu->arch.gprs[5], gpa = vcpu->arch.gprs[6];
	bool visible;
	int idx;

	if (feature != BIT_ULL(KVMLA_PV_STEAL_TIME) ||
	    !(vcpu->kvm->arch.pv_features & BIT(KVMLA_PV_STEAL_TIME)))
		return KVMLA_HC_NOFUNC;
	if (gpa & ~(KVMLA_STEAL_GPA | KVMLA_STEAL_VALID))
		return KVMLA_HC_BADARG;
	if (gpa & KVMLA_STEAL_VALID) {
		idx = srcu_read_lock(&vcpu->kvm->srcu);
		visible = kvm_is_visible_gfn(vcpu->kvm,
					     (gpa & KVMLA_STEAL_GPA) >>
					     PAGE_SHIFT);
		srcu_read_unlock(&vcpu->kvm->srcu, idx);
		if (!visible)
			return KVMLA_HC_BADARG;
	}
	vcpu->arch.pvtime_gpa = gpa;
	kvm_make_request(KVM_REQ_STEAL_UPDATE, vcpu);
	return KVMLA_HC_OK;
}

static __always_inline int kvmla_exit_hvc(struct kvm_vcpu *vcpu,
					  const bool traced)
{
	u32 code = vcpu->arch.exit_badi & 0x7fff;
	u64 func = code;
	long ret = KVMLA_HC_NOFUNC;

	vcpu->stat.hypercall_exits++;
	if (code == KVMLA_HC_SWDBG &&
	    (vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP)) {
		/* PC stays on the breakpoint for the debugger. */
		vcpu->run->exit_reason = KVM_EXIT_DEBUG;
		if (traced)
			trace_kvm_hypercall(vcpu->vcpu_id, KVMLA_HC_SWDBG, 0);
		return RESUME_HOST;
	}
	if (code == KVMLA_HC_SERVICE) {
		func = vcpu->arch.gprs[4];
		if (func == KVMLA_HC_FN_IPI)
			ret = kvmla_exit_pv_ipi(vcpu);
		else if (func == KVMLA_HC_FN_NOTIFY)
			ret = kvmla_exit_pv_notify(vcpu);
	}
	vcpu->arch.gprs[4] = ret;
	if (traced)
		trace_kvm_hypercall(vcpu->vcpu_id, (u32)func, ret);
	vcpu->arch.pc += 4;
	return RESUME_GUEST;
}

KVMLA_EXIT_COPIES(hvc)

/* ---- stage-2 faults and MMIO ---- */

#ifndef kvmla_mmio_bus_has_devices
/* Whether any in-kernel device sits on the MMIO bus (SRCU read side held). */
static bool kvmla_mmio_bus_has_devices(struct kvm *kvm)
{
	struct kvm_io_bus *bus = srcu_dereference(kvm->buses[KVM_MMIO_BUS],
						  &kvm->srcu);

	return bus && bus->dev_count;
}
#endif

/*
 * In-kernel devices (ioeventfd, coalesced MMIO) claim their accesses on
 * the MMIO bus; true when one did and the access is complete.  A VM with
 * none (la-vmm's, QEMU's without ioeventfd) skips the bus search.
 */
static __always_inline bool kvmla_exit_mmio_bus(struct kvm_vcpu *vcpu,
						u64 gpa,
						const struct kvmla_mem_op *op,
						const bool traced)
{
	u8 buf[8] = { 0 };
	int idx, ret;
	u64 v;

	idx = srcu_read_lock(&vcpu->kvm->srcu);
	if (!kvmla_mmio_bus_has_devices(vcpu->kvm)) {
		srcu_read_unlock(&vcpu->kvm->srcu, idx);
		return false;
	}
	if (op->write) {
		kvmla_exit_le_store(buf, vcpu->arch.gprs[op->rd], op->len);
		ret = kvm_io_bus_write(vcpu, KVM_MMIO_BUS, gpa, op->len, buf);
	} else {
		ret = kvm_io_bus_read(vcpu, KVM_MMIO_BUS, gpa, op->len, buf);
	}
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (ret)
		return false;
	if (!op->write) {
		v = kvmla_exit_le_load(buf, op->len);
		kvmla_exit_set_gpr(vcpu, op->rd,
				   kvmla_exit_extend(v, op->len, op->sign));
	}
	if (traced)
		trace_kvm_exit_mmio(vcpu->vcpu_id, op->len, op->write, gpa);
	vcpu->arch.pc += 4;
	return true;
}

static __always_inline int kvmla_exit_mmio(struct kvm_vcpu *vcpu, u64 gpa,
					   const bool traced)
{
	struct kvm_run *run = vcpu->run;
	struct kvmla_mem_op op;

	if (!kvmla_exit_decode_mem(vcpu->arch.exit_badi, &op)) {
		kvmla_exit_inject(vcpu, KVMLA_ECODE_ADE, KVMLA_ESUBCODE_ADEM, gpa,
				  vcpu->arch.exit_badi);
		return RESUME_GUEST;
	}
	if (kvmla_exit_mmio_bus(vcpu, gpa, &op, traced))
		return RESUME_GUEST;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = op.len;
	run->mmio.is_write = op.write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (op.write) {
		kvmla_exit_le_store(run->mmio.data, vcpu->arch.gprs[op.rd],
				    op.len);
		vcpu->stat.mmio_write_exits++;
	} else {
		vcpu->arch.st.exit.io_kind = KVMLA_IO_MMIO_READ;
		vcpu->arch.st.exit.io_rd = op.rd;
		vcpu->arch.st.exit.io_len = op.len;
		vcpu->arch.st.exit.io_signed = op.sign;
		vcpu->stat.mmio_read_exits++;
	}
	if (traced)
		trace_kvm_exit_mmio(vcpu->vcpu_id, op.len, op.write, gpa);
	vcpu->arch.pc += 4;
	return RESUME_HOST;
}

static __always_inline int kvmla_exit_gpa_fault(struct kvm_vcpu *vcpu,
						bool write, const bool traced)
{
	unsigned int ecode = kvmla_csr_estat_ecode(vcpu->arch.exit_estat);
	u64 gpa = vcpu->arch.exit_badv;
	bool exec = ecode == KVMLA_ECODE_TLBI || gpa == vcpu->arch.pc;
	int ret;

	if (gpa >= vcpu->kvm->arch.gpa_size) {
		vcpu->stat.fault_beyond++;
		if (traced)
			trace_kvm_gpa_fault(vcpu->vcpu_id, write, exec, 0,
					    KVMLA_FAULT_PATH_SLOW,
					    KVMLA_FAULT_KIND_BEYOND, -EFAULT, gpa);
		kvmla_exit_inject(vcpu, KVMLA_ECODE_ADE,
				  exec ? KVMLA_ESUBCODE_ADEF : KVMLA_ESUBCODE_ADEM, gpa,
				  vcpu->arch.exit_badi);
		return RESUME_GUEST;
	}
	ret = kvmla_mmu_handle_fault(vcpu, gpa, write, exec, traced);
	if (ret != -ENOENT)
		return ret < 0 ? ret : RESUME_GUEST;

	/* No memslot: MMIO. */
	vcpu->stat.fault_mmio++;
	if (traced)
		trace_kvm_gpa_fault(vcpu->vcpu_id, write, exec, 0,
				    KVMLA_FAULT_PATH_SLOW, KVMLA_FAULT_KIND_MMIO, 0,
				    gpa);
	if (exec) {
		kvmla_exit_inject(vcpu, KVMLA_ECODE_ADE, KVMLA_ESUBCODE_ADEF, gpa, 0);
		return RESUME_GUEST;
	}
	return kvmla_exit_mmio(vcpu, gpa, traced);
}

static __always_inline int kvmla_exit_read_fault(struct kvm_vcpu *vcpu,
						 const bool traced)
{
	return kvmla_exit_gpa_fault(vcpu, false, traced);
}

KVMLA_EXIT_COPIES(read_fault)

static __always_inline int kvmla_exit_write_fault(struct kvm_vcpu *vcpu,
						  const bool traced)
{
	return kvmla_exit_gpa_fault(vcpu, true, traced);
}

KVMLA_EXIT_COPIES(write_fault)

/* ---- the rest ---- */

static int kvmla_exit_int(struct kvm_vcpu *vcpu)
{
	/* A host interrupt, taken when IRQs came back on (core counts). */
	return RESUME_GUEST;
}

static __always_inline int kvmla_exit_aux(struct kvm_vcpu *vcpu,
					  const bool traced)
{
	return kvmla_fpu_exit(vcpu, kvmla_csr_estat_ecode(vcpu->arch.exit_estat),
			      traced);
}

KVMLA_EXIT_COPIES(aux)

static int kvmla_exit_unknown(struct kvm_vcpu *vcpu)
{
	unsigned long estat = vcpu->arch.exit_estat;
	unsigned int ecode = kvmla_csr_estat_ecode(estat);
	unsigned int esub = kvmla_csr_estat_esubcode(estat);

	if (ecode <= KVMLA_ECODE_MAX)	/* the core counts the others */
		vcpu->stat.unknown_exits++;
	if (!vcpu->arch.st.exit.unknown_logged) {
		vcpu->arch.st.exit.unknown_logged = 1;
		kvm_err("kvmla: vcpu %u: unhandled exit ecode %u esubcode %u: estat 0x%lx era 0x%lx badv 0x%lx badi 0x%lx\n",
			vcpu->vcpu_id, ecode, esub, estat, vcpu->arch.pc,
			vcpu->arch.exit_badv, vcpu->arch.exit_badi);
	}
	/*
	 * Architectural exceptions the guest itself handles are reflected
	 * to it; anything else (GCM, codes the catalog does not know) is an
	 * instruction the guest may not execute.
	 */
	if (ecode > KVMLA_ECODE_MAX || ecode == KVMLA_ECODE_GCM ||
	    ecode == KVMLA_ECODE_INT)
		kvmla_exit_inject_ine(vcpu);
	else
		kvmla_exit_inject(vcpu, ecode, esub, vcpu->arch.exit_badv,
				  vcpu->arch.exit_badi);
	return RESUME_GUEST;
}

typedef int (*kvmla_exit_fn)(struct kvm_vcpu *vcpu);

/*
 * One table per copy (@copy is _plain or _traced).  Empty slots are the
 * default slot, kvmla_exit_unknown(); it and kvmla_exit_int() record
 * nothing and serve both.
 */
#define KVMLA_EXIT_TABLE(copy) {					\
	[KVMLA_ECODE_INT]	= kvmla_exit_int,			\
	[KVMLA_ECODE_TLBL]	= kvmla_exit_read_fault##copy,		\
	[KVMLA_ECODE_TLBI]	= kvmla_exit_read_fault##copy,		\
	[KVMLA_ECODE_TLBS]	= kvmla_exit_write_fault##copy,		\
	[KVMLA_ECODE_TLBM]	= kvmla_exit_write_fault##copy,		\
	[KVMLA_ECODE_FPDIS]	= kvmla_exit_aux##copy,			\
	[KVMLA_ECODE_LSXDIS]	= kvmla_exit_aux##copy,			\
	[KVMLA_ECODE_LASXDIS]	= kvmla_exit_aux##copy,			\
	[KVMLA_ECODE_BTDIS]	= kvmla_exit_aux##copy,			\
	[KVMLA_ECODE_GSPR]	= kvmla_exit_gspr##copy,		\
	[KVMLA_ECODE_HVC]	= kvmla_exit_hvc##copy,			\
}

static const kvmla_exit_fn kvmla_exit_table_plain[KVMLA_ECODE_SLOTS] =
	KVMLA_EXIT_TABLE(_plain);
static const kvmla_exit_fn kvmla_exit_table_traced[KVMLA_ECODE_SLOTS] =
	KVMLA_EXIT_TABLE(_traced);

/*
 * The core (vcpu.c) has already traced kvm_exit and counted the ecode.
 */
static __always_inline int kvmla_exit_dispatch(struct kvm_vcpu *vcpu,
					       const kvmla_exit_fn *table)
{
	unsigned int ecode = kvmla_csr_estat_ecode(vcpu->arch.exit_estat);

	if (!table[ecode])
		return kvmla_exit_unknown(vcpu);
	return table[ecode](vcpu);
}

int kvmla_exit_handle_plain(struct kvm_vcpu *vcpu)
{
	return kvmla_exit_dispatch(vcpu, kvmla_exit_table_plain);
}

int kvmla_exit_handle_traced(struct kvm_vcpu *vcpu)
{
	return kvmla_exit_dispatch(vcpu, kvmla_exit_table_traced);
}
