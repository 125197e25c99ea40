// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/exit.c in the host harness: the ecode table, every GSPR kind, CSR
 * classes, CPUCFG leaves, IOCSR and MMIO exits with their completions,
 * hypercalls, stage-2 fault outcomes and the default slot.  Instruction
 * words come from llvm-mc (insns.h).
 */
#include "kvm_internal.h"

#include "mmio_bus.h"

#include "../../../kvm/exit.c"
#include "kvmla_fixture.h"

/* Neighbours this test drives (strong, over weak.c's). */
static int mmu_ret;
static int mmu_calls, mmu_traced;
static bool mmu_write, mmu_exec;
static int mmu_fault(bool write, bool exec, bool traced)
{
	mmu_calls++;
	mmu_traced += traced;
	mmu_write = write;
	mmu_exec = exec;
	return mmu_ret;
}

int kvmla_mmu_handle_fault_plain(struct kvm_vcpu *vcpu, unsigned long gpa,
				 bool write, bool exec)
{
	return mmu_fault(write, exec, false);
}

int kvmla_mmu_handle_fault_traced(struct kvm_vcpu *vcpu, unsigned long gpa,
				  bool write, bool exec)
{
	return mmu_fault(write, exec, true);
}

static int irq_queued[FX_MAX_VCPUS][KVMLA_INT_NUM];
static int irq_source;
int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	irq_queued[vcpu->vcpu_idx][irq]++;
	irq_source = source;
	return 0;
}

static int fpu_exit_ecode = -1, fpu_exit_traced;
int kvmla_fpu_exit_plain(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	fpu_exit_ecode = ecode;
	return RESUME_GUEST;
}

int kvmla_fpu_exit_traced(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	fpu_exit_traced++;
	return kvmla_fpu_exit_plain(vcpu, ecode);
}

#define A0 4
#define A1 5
#define A2 6
#define A3 7
#define T5 17
#define PC0 0x120000000ULL

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	mmu_ret = 0;
	mmu_calls = 0;
	mmu_traced = 0;
	fpu_exit_traced = 0;
	fx_bus_claims = 0;
	fx_bus_devices = 1;
	memset(irq_queued, 0, sizeof(irq_queued));
	fpu_exit_ecode = -1;
	v->arch.pc = PC0;
	return v;
}

/* Run one exit of @ecode with BADI @insn and BADV @badv. */
static int run_exit(struct kvm_vcpu *v, unsigned int ecode, u32 insn, u64 badv)
{
	v->arch.exit_estat = (u64)ecode << CSR_ESTAT_EXC_SHIFT;
	v->arch.exit_badi = insn;
	v->arch.exit_badv = badv;
	return kvmla_exit_handle(v, kvmla_trace_active());
}

#define GSPR(v, insn) run_exit(v, EXCCODE_GSPR, insn, 0)

KTEST(gspr_kinds_decode)
{
	static const struct { u32 w; int kind; } c[] = {
		{ KVMLA_INSN_CPUCFG, KVMLA_GSPR_CPUCFG },
		{ KVMLA_INSN_CSRRD, KVMLA_GSPR_CSR },
		{ KVMLA_INSN_CSRWR, KVMLA_GSPR_CSR },
		{ KVMLA_INSN_CSRXCHG, KVMLA_GSPR_CSR },
		{ KVMLA_INSN_IOCSRRD_B, KVMLA_GSPR_IOCSR },
		{ KVMLA_INSN_IOCSRWR_D, KVMLA_GSPR_IOCSR },
		{ KVMLA_INSN_IDLE, KVMLA_GSPR_IDLE },
		{ KVMLA_INSN_CACOP, KVMLA_GSPR_CACOP },
		{ KVMLA_INSN_TLBCLR, KVMLA_GSPR_OTHER },
		{ KVMLA_INSN_ERTN, KVMLA_GSPR_OTHER },
		{ KVMLA_INSN_LD_W, KVMLA_GSPR_OTHER },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		KT_EXPECT_EQ(kvmla_gspr_kind(c[i].w), c[i].kind);
	return KT_PASS;
}

KTEST(mem_ops_decode)
{
	static const struct { u32 w; int len, write, sign; } c[] = {
		{ KVMLA_INSN_LD_B, 1, 0, 1 }, { KVMLA_INSN_LD_H, 2, 0, 1 },
		{ KVMLA_INSN_LD_W, 4, 0, 1 }, { KVMLA_INSN_LD_D, 8, 0, 1 },
		{ KVMLA_INSN_LD_BU, 1, 0, 0 }, { KVMLA_INSN_LD_HU, 2, 0, 0 },
		{ KVMLA_INSN_LD_WU, 4, 0, 0 },
		{ KVMLA_INSN_ST_B, 1, 1, 0 }, { KVMLA_INSN_ST_H, 2, 1, 0 },
		{ KVMLA_INSN_ST_W, 4, 1, 0 }, { KVMLA_INSN_ST_D, 8, 1, 0 },
		{ KVMLA_INSN_LDX_B, 1, 0, 1 }, { KVMLA_INSN_LDX_H, 2, 0, 1 },
		{ KVMLA_INSN_LDX_W, 4, 0, 1 }, { KVMLA_INSN_LDX_D, 8, 0, 1 },
		{ KVMLA_INSN_LDX_BU, 1, 0, 0 }, { KVMLA_INSN_LDX_HU, 2, 0, 0 },
		{ KVMLA_INSN_LDX_WU, 4, 0, 0 },
		{ KVMLA_INSN_STX_B, 1, 1, 0 }, { KVMLA_INSN_STX_H, 2, 1, 0 },
		{ KVMLA_INSN_STX_W, 4, 1, 0 }, { KVMLA_INSN_STX_D, 8, 1, 0 },
		{ KVMLA_INSN_LDPTR_W, 4, 0, 1 }, { KVMLA_INSN_LDPTR_D, 8, 0, 1 },
		{ KVMLA_INSN_STPTR_W, 4, 1, 0 }, { KVMLA_INSN_STPTR_D, 8, 1, 0 },
	};
	struct kvmla_mem_op op;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		KT_EXPECT(kvmla_exit_decode_mem(c[i].w, &op));
		KT_EXPECT_EQ(op.len, c[i].len);
		KT_EXPECT_EQ(op.write, c[i].write);
		KT_EXPECT_EQ(op.sign, c[i].sign);
		KT_EXPECT_EQ(op.rd, A0);
	}
	KT_EXPECT(kvmla_exit_decode_mem(KVMLA_INSN_LD_W_T5, &op));
	KT_EXPECT_EQ(op.rd, T5);
	KT_EXPECT(!kvmla_exit_decode_mem(KVMLA_INSN_ADD_D, &op));
	KT_EXPECT(!kvmla_exit_decode_mem(KVMLA_INSN_FLD_D, &op));
	KT_EXPECT(!kvmla_exit_decode_mem(KVMLA_INSN_CSRRD, &op));
	return KT_PASS;
}

KTEST(cpucfg_leaves)
{
	static const struct { u64 leaf, want; } c[] = {
		{ 0, 0x14c010 }, { 2, 0x7fff00cf }, { 20, 0x60f },
		{ 21, 0 }, { 0x40000000, 0x004d564b },
		{ 0x40000004, (1 << 1) | (1 << 2) }, { 0x40000008, 0 },
		{ 0xffffffff, 0 },
	};
	struct kvm_vcpu *v = setup();

	v->arch.cpucfg[0] = 0x14c010;
	v->arch.cpucfg[2] = 0x7fff00cf;
	v->arch.cpucfg[20] = 0x60f;
	fx_kvm->arch.pv_features = (1 << 1) | (1 << 2);
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		v->arch.gprs[A1] = c[i].leaf;
		v->arch.gprs[A0] = 0xdead;
		KT_EXPECT_EQ(GSPR(v, KVMLA_INSN_CPUCFG), RESUME_GUEST);
		KT_EXPECT_EQ(v->arch.gprs[A0], c[i].want);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_cpucfg, "leaf"), (u32)c[i].leaf);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_cpucfg, "value"), c[i].want);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_gspr, "kind"), KVMLA_GSPR_CPUCFG);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_gspr, "inst_word"),
			     KVMLA_INSN_CPUCFG);
	}
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4 * ARRAY_SIZE(c));
	KT_EXPECT_EQ(v->stat.cpucfg_exits, ARRAY_SIZE(c));
	KT_EXPECT_EQ(v->stat.gspr_exits[KVMLA_GSPR_CPUCFG], ARRAY_SIZE(c));
	/* $zero is never written */
	v->arch.gprs[A1] = 0;
	GSPR(v, KVMLA_INSN_CPUCFG_R0);
	KT_EXPECT_EQ(v->arch.gprs[0], 0);
	return KT_PASS;
}

KTEST(csr_sw_read_write_xchg)
{
	struct kvm_vcpu *v = setup();

	v->arch.gcsr[LOONGARCH_CSR_IMPCTL1] = 0x55;
	GSPR(v, KVMLA_INSN_CSRRD);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0x55);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "csr"), 0x80);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "op"), KVMLA_CSR_OP_RD);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "outcome"), KVMLA_CSR_OUTCOME_SW);

	v->arch.gprs[A0] = 0x77;
	GSPR(v, KVMLA_INSN_CSRWR);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_IMPCTL1], 0x77);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0x55);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "op"), KVMLA_CSR_OP_WR);

	v->arch.gprs[A0] = 0xab;
	v->arch.gprs[A2] = 0xf0;	/* mask */
	GSPR(v, KVMLA_INSN_CSRXCHG);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_IMPCTL1], 0xa7);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0x77);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "op"), KVMLA_CSR_OP_XCHG);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 12);
	KT_EXPECT_EQ(v->stat.gspr_exits[KVMLA_GSPR_CSR], 3);

	GSPR(v, KVMLA_INSN_CSRRD_R0);
	KT_EXPECT_EQ(v->arch.gprs[0], 0);
	return KT_PASS;
}

KTEST(csr_unsupported_reads_zero_ignores_writes)
{
	struct kvm_vcpu *v = setup();

	v->arch.gprs[A0] = 0x1234;
	GSPR(v, KVMLA_INSN_CSRRD_UNSUP);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "csr"), 0x7ff);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "outcome"),
		     KVMLA_CSR_OUTCOME_UNSUPPORTED);
	v->arch.gprs[A0] = 0x99;
	GSPR(v, KVMLA_INSN_CSRWR_UNSUP);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	KT_EXPECT_EQ(v->arch.gcsr[0x4ff], 0);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 8);
	KT_EXPECT(!v->arch.st.exit.exc_pending);
	return KT_PASS;
}

KTEST(csr_pmu_is_emulated_and_reported)
{
	struct kvm_vcpu *v = setup();

	v->arch.gprs[A0] = 0x3f;
	GSPR(v, KVMLA_INSN_CSRWR_PMU);
	KT_EXPECT_EQ(v->arch.gcsr[LOONGARCH_CSR_PERFCTRL0], 0x3f);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_csr, "outcome"), KVMLA_CSR_OUTCOME_PMU);
	GSPR(v, KVMLA_INSN_CSRRD_PMU);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0x3f);
	return KT_PASS;
}

KTEST(iocsr_write_exits_with_data)
{
	static const u32 w[] = { KVMLA_INSN_IOCSRWR_B, KVMLA_INSN_IOCSRWR_H,
				 KVMLA_INSN_IOCSRWR_W, KVMLA_INSN_IOCSRWR_D };
	struct kvm_vcpu *v = setup();

	for (int i = 0; i < 4; i++) {
		unsigned int len = 1U << i;

		v->arch.gprs[A0] = 0x1122334455667788ULL;
		v->arch.gprs[A1] = 0x1000 + i;
		KT_EXPECT_EQ(GSPR(v, w[i]), RESUME_HOST);
		KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_LOONGARCH_IOCSR);
		KT_EXPECT_EQ(v->run->iocsr_io.phys_addr, 0x1000 + i);
		KT_EXPECT_EQ(v->run->iocsr_io.len, len);
		KT_EXPECT_EQ(v->run->iocsr_io.is_write, 1);
		KT_EXPECT_EQ(v->run->iocsr_io.data[0], 0x88);
		KT_EXPECT_EQ(v->run->iocsr_io.data[len - 1],
			     (0x1122334455667788ULL >> (8 * (len - 1))) & 0xff);
		if (len < 8)
			KT_EXPECT_EQ(v->run->iocsr_io.data[len], 0);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_iocsr, "len"), len);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_iocsr, "rw"), KVMLA_RW_WRITE);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_iocsr, "addr"), 0x1000 + i);
		/* nothing to complete for a write */
		v->arch.gprs[A0] = 5;
		kvmla_exit_complete_user(v);
		KT_EXPECT_EQ(v->arch.gprs[A0], 5);
	}
	KT_EXPECT_EQ(v->stat.iocsr_write_exits, 4);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 16);
	return KT_PASS;
}

KTEST(iocsr_read_completes_sign_extended)
{
	static const struct { u32 w; u8 data[8]; u64 want; } c[] = {
		{ KVMLA_INSN_IOCSRRD_B, { 0x80 }, 0xffffffffffffff80ULL },
		{ KVMLA_INSN_IOCSRRD_H, { 0xff, 0x7f }, 0x7fff },
		{ KVMLA_INSN_IOCSRRD_W, { 0xfe, 0xff, 0xff, 0xff },
		  0xfffffffffffffffeULL },
		{ KVMLA_INSN_IOCSRRD_D, { 1, 2, 3, 4, 5, 6, 7, 0x88 },
		  0x8807060504030201ULL },
	};
	struct kvm_vcpu *v = setup();

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		v->arch.gprs[A1] = 0x20;
		KT_EXPECT_EQ(GSPR(v, c[i].w), RESUME_HOST);
		KT_EXPECT_EQ(v->run->iocsr_io.is_write, 0);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_iocsr, "rw"), KVMLA_RW_READ);
		memcpy(v->run->iocsr_io.data, c[i].data, 8);
		KT_EXPECT_EQ(kvmla_exit_complete_user(v), 0);
		KT_EXPECT_EQ(v->arch.gprs[A0], c[i].want);
		/* completes once */
		v->arch.gprs[A0] = 0;
		kvmla_exit_complete_user(v);
		KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	}
	KT_EXPECT_EQ(v->stat.iocsr_read_exits, 4);
	return KT_PASS;
}

KTEST(idle_halts)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(GSPR(v, KVMLA_INSN_IDLE), RESUME_GUEST);
	KT_EXPECT_EQ(shim_halts, 1);
	KT_EXPECT_EQ(v->stat.idle_exits, 1);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_idle, "pc"), PC0);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_idle, "vcpu_id"), 0);
	/* a pending line that is masked still halts */
	hw.gcsr[LOONGARCH_CSR_ESTAT] = BIT(KVMLA_INT_TI);
	hw.gcsr[LOONGARCH_CSR_ECFG] = BIT(KVMLA_INT_IPI);
	GSPR(v, KVMLA_INSN_IDLE);
	KT_EXPECT_EQ(shim_halts, 2);
	/* an enabled pending line returns at once */
	hw.gcsr[LOONGARCH_CSR_ECFG] |= BIT(KVMLA_INT_TI);
	KT_EXPECT_EQ(GSPR(v, KVMLA_INSN_IDLE), RESUME_GUEST);
	KT_EXPECT_EQ(shim_halts, 2);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 12);
	KT_EXPECT_EQ(v->stat.idle_exits, 3);
	return KT_PASS;
}

KTEST(cacop_is_a_noop)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(GSPR(v, KVMLA_INSN_CACOP), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_cache, "op"), 8);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_cache, "pc"), PC0);
	KT_EXPECT(!v->arch.st.exit.exc_pending);
	return KT_PASS;
}

KTEST(other_gspr_keeps_pc_and_injects_ine)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(GSPR(v, KVMLA_INSN_TLBCLR), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.pc, PC0);
	KT_EXPECT_EQ(v->arch.st.exit.exc_pending, 1);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_INE);
	KT_EXPECT_EQ(v->arch.st.exit.exc_badi, KVMLA_INSN_TLBCLR);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_gspr, "kind"), KVMLA_GSPR_OTHER);
	KT_EXPECT_EQ(v->stat.gspr_exits[KVMLA_GSPR_OTHER], 1);
	return KT_PASS;
}

#define HVC(v, insn) run_exit(v, EXCCODE_HVC, insn, 0)

KTEST(hypercall_unknown_returns_minus_one)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(HVC(v, KVMLA_INSN_HVCL_OTHER), RESUME_GUEST);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -1);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4);
	KT_EXPECT_EQ(FX_FIELD(kvm_hypercall, "func"), 5);
	KT_EXPECT_EQ((s64)FX_FIELD(kvm_hypercall, "result"), -1);
	v->arch.gprs[A0] = 77;		/* unknown service function */
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -1);
	KT_EXPECT_EQ(FX_FIELD(kvm_hypercall, "func"), 77);
	KT_EXPECT_EQ(v->stat.hypercall_exits, 2);
	return KT_PASS;
}

KTEST(hypercall_pv_ipi_injects_swi0)
{
	struct kvm_vcpu *v = setup();

	for (int i = 1; i < 4; i++)
		fx_vcpu_new(i);
	fx_kvm->arch.phyid_map[0] = fx_vcpus[0];
	fx_kvm->arch.phyid_map[2] = fx_vcpus[1];
	fx_kvm->arch.phyid_map[66] = fx_vcpus[2];
	fx_kvm->arch.phyid_map[3] = fx_vcpus[3];
	v->arch.gprs[A0] = KVMLA_HCALL_IPI;
	v->arch.gprs[A1] = 0x5;		/* phys 0 and 2 */
	v->arch.gprs[A2] = 0x4;		/* phys 64 + 2 */
	v->arch.gprs[A3] = 0;
	KT_EXPECT_EQ(HVC(v, KVMLA_INSN_HVCL_SERVICE), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	KT_EXPECT_EQ(irq_queued[0][KVMLA_INT_SWI0], 1);
	KT_EXPECT_EQ(irq_queued[1][KVMLA_INT_SWI0], 1);
	KT_EXPECT_EQ(irq_queued[2][KVMLA_INT_SWI0], 1);
	KT_EXPECT_EQ(irq_queued[3][KVMLA_INT_SWI0], 0);
	KT_EXPECT_EQ(irq_source, KVMLA_IRQ_SOURCE_PV_IPI);
	KT_EXPECT_EQ(shim_kicks, 3);
	KT_EXPECT_EQ(FX_FIELD(kvm_hypercall, "func"), KVMLA_HCALL_IPI);
	KT_EXPECT_EQ(FX_FIELD(kvm_hypercall, "result"), 0);
	/* base shifts the bitmap; ids past the map are ignored */
	v->arch.gprs[A0] = KVMLA_HCALL_IPI;
	v->arch.gprs[A1] = 0x3;
	v->arch.gprs[A2] = 0;
	v->arch.gprs[A3] = 2;		/* phys 2 and 3 */
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ(irq_queued[1][KVMLA_INT_SWI0], 2);
	KT_EXPECT_EQ(irq_queued[3][KVMLA_INT_SWI0], 1);
	v->arch.gprs[A0] = KVMLA_HCALL_IPI;
	v->arch.gprs[A1] = ~0ULL;
	v->arch.gprs[A3] = KVMLA_MAX_PHYID - 1;
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	return KT_PASS;
}

KTEST(hypercall_steal_time_notify)
{
	struct kvm_vcpu *v = setup();

	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;
	v->arch.gprs[A1] = BIT(KVM_FEATURE_STEAL_TIME);
	v->arch.gprs[A2] = 0x10001;
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -1);	/* not offered */
	KT_EXPECT_EQ(v->arch.pvtime_gpa, 0);

	fx_kvm->arch.pv_features = BIT(KVM_FEATURE_STEAL_TIME);
	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;
	v->arch.gprs[A1] = BIT(KVM_FEATURE_STEAL_TIME);
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -2);	/* no memory there */
	fx_kvm->slots[0] = (struct kvm_memory_slot){ .base_gfn = 0,
						     .npages = 16 };
	fx_kvm->nr_slots = 1;
	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;
	v->arch.gprs[A2] = 0x10021;			/* not 64-byte aligned */
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -2);
	KT_EXPECT_EQ(v->arch.pvtime_gpa, 0);
	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;
	v->arch.gprs[A2] = 0x10001;
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	KT_EXPECT_EQ(v->arch.pvtime_gpa, 0x10001);
	KT_EXPECT(kvm_test_request(KVM_REQ_STEAL_UPDATE, v));

	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;
	v->arch.gprs[A1] = KVM_FEATURE_STEAL_TIME;	/* old ABI value */
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -1);
	v->arch.gprs[A0] = KVMLA_HCALL_NOTIFY;		/* disable */
	v->arch.gprs[A1] = BIT(KVM_FEATURE_STEAL_TIME);
	v->arch.gprs[A2] = 0;
	HVC(v, KVMLA_INSN_HVCL_SERVICE);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0);
	KT_EXPECT_EQ(v->arch.pvtime_gpa, 0);
	return KT_PASS;
}

KTEST(hypercall_swdbg_exits_to_debugger)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(HVC(v, KVMLA_INSN_HVCL_SWDBG), RESUME_GUEST);
	KT_EXPECT_EQ((s64)v->arch.gprs[A0], -1);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4);

	v->arch.pc = PC0;
	v->guest_debug = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	KT_EXPECT_EQ(HVC(v, KVMLA_INSN_HVCL_SWDBG), RESUME_HOST);
	KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_DEBUG);
	KT_EXPECT_EQ(v->arch.pc, PC0);
	KT_EXPECT_EQ(FX_FIELD(kvm_hypercall, "func"), KVMLA_HCALL_SWDBG);
	return KT_PASS;
}

#define GPA 0x40000010ULL

KTEST(mmio_loads_complete_with_extension)
{
	static const struct { u32 w; u64 data, want; int len; } c[] = {
		{ KVMLA_INSN_LD_B, 0x80, 0xffffffffffffff80ULL, 1 },
		{ KVMLA_INSN_LD_BU, 0x80, 0x80, 1 },
		{ KVMLA_INSN_LD_H, 0x8001, 0xffffffffffff8001ULL, 2 },
		{ KVMLA_INSN_LD_HU, 0x8001, 0x8001, 2 },
		{ KVMLA_INSN_LD_W, 0x80000000, 0xffffffff80000000ULL, 4 },
		{ KVMLA_INSN_LD_WU, 0x80000000, 0x80000000, 4 },
		{ KVMLA_INSN_LD_D, 0x8000000000000001ULL,
		  0x8000000000000001ULL, 8 },
		{ KVMLA_INSN_LDX_B, 0x7f, 0x7f, 1 },
		{ KVMLA_INSN_LDX_WU, 0xfffffffe, 0xfffffffe, 4 },
		{ KVMLA_INSN_LDPTR_W, 0xffffffff, ~0ULL, 4 },
		{ KVMLA_INSN_LDPTR_D, 0x1234, 0x1234, 8 },
	};
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		v->arch.pc = PC0;
		KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, c[i].w, GPA),
			     RESUME_HOST);
		KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_MMIO);
		KT_EXPECT_EQ(v->run->mmio.phys_addr, GPA);
		KT_EXPECT_EQ(v->run->mmio.len, c[i].len);
		KT_EXPECT_EQ(v->run->mmio.is_write, 0);
		KT_EXPECT_EQ(v->arch.pc, PC0 + 4);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_mmio, "gpa"), GPA);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_mmio, "len"), c[i].len);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_mmio, "rw"), KVMLA_RW_READ);
		KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "kind"),
			     KVMLA_FAULT_KIND_MMIO);
		for (int b = 0; b < 8; b++)
			v->run->mmio.data[b] = (c[i].data >> (8 * b)) & 0xff;
		kvmla_exit_complete_user(v);
		KT_EXPECT_EQ(v->arch.gprs[A0], c[i].want);
	}
	KT_EXPECT_EQ(v->stat.mmio_read_exits, ARRAY_SIZE(c));
	KT_EXPECT_EQ(v->stat.fault_mmio, ARRAY_SIZE(c));
	KT_EXPECT_EQ(mmu_write, false);
	return KT_PASS;
}

KTEST(mmio_stores_carry_data)
{
	static const struct { u32 w; int len; } c[] = {
		{ KVMLA_INSN_ST_B, 1 }, { KVMLA_INSN_ST_H, 2 },
		{ KVMLA_INSN_ST_W, 4 }, { KVMLA_INSN_ST_D, 8 },
		{ KVMLA_INSN_STX_H, 2 }, { KVMLA_INSN_STPTR_W, 4 },
		{ KVMLA_INSN_STPTR_D, 8 },
	};
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		v->arch.gprs[A0] = 0xa1a2a3a4a5a6a7a8ULL;
		KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBS, c[i].w, GPA),
			     RESUME_HOST);
		KT_EXPECT_EQ(mmu_write, true);
		KT_EXPECT_EQ(v->run->mmio.is_write, 1);
		KT_EXPECT_EQ(v->run->mmio.len, c[i].len);
		KT_EXPECT_EQ(v->run->mmio.data[0], 0xa8);
		KT_EXPECT_EQ(v->run->mmio.data[c[i].len - 1],
			     0xa8 - (c[i].len - 1));
		if (c[i].len < 8)
			KT_EXPECT_EQ(v->run->mmio.data[c[i].len], 0);
		KT_EXPECT_EQ(FX_FIELD(kvm_exit_mmio, "rw"), KVMLA_RW_WRITE);
		KT_EXPECT_EQ(v->arch.st.exit.io_kind, KVMLA_IO_NONE);
	}
	KT_EXPECT_EQ(v->stat.mmio_write_exits, ARRAY_SIZE(c));
	/* TLBM is a write fault too */
	run_exit(v, EXCCODE_TLBM, KVMLA_INSN_ST_W, GPA);
	KT_EXPECT_EQ(mmu_write, true);
	return KT_PASS;
}

KTEST(mmio_unknown_instruction_injects_ade)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_FLD_D, GPA),
		     RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.st.exit.exc_pending, 1);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_ADE);
	KT_EXPECT_EQ(v->arch.st.exit.exc_esubcode, KVMLA_ESUBCODE_ADEM);
	KT_EXPECT_EQ(v->arch.st.exit.exc_badv, GPA);
	KT_EXPECT_EQ(v->arch.pc, PC0);
	return KT_PASS;
}

KTEST(ifetch_from_mmio_injects_adef)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBI, 0, GPA), RESUME_GUEST);
	KT_EXPECT_EQ(mmu_exec, true);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_ADE);
	KT_EXPECT_EQ(v->arch.st.exit.exc_esubcode, KVMLA_ESUBCODE_ADEF);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "exec"), 1);
	KT_EXPECT_EQ(v->run->exit_reason, 0);
	return KT_PASS;
}

KTEST(gpa_beyond_vm_injects_ade)
{
	struct kvm_vcpu *v = setup();
	u64 gpa = fx_kvm->arch.gpa_size;

	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_W, gpa),
		     RESUME_GUEST);
	KT_EXPECT_EQ(mmu_calls, 0);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_ADE);
	KT_EXPECT_EQ(v->arch.st.exit.exc_esubcode, KVMLA_ESUBCODE_ADEM);
	KT_EXPECT_EQ(v->arch.st.exit.exc_badv, gpa);
	KT_EXPECT_EQ(v->stat.fault_beyond, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "kind"), KVMLA_FAULT_KIND_BEYOND);
	KT_EXPECT_EQ((s32)FX_FIELD(kvm_gpa_fault, "result"), -EFAULT);
	/* the last byte inside is not beyond */
	mmu_ret = 0;
	run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_W, gpa - 1);
	KT_EXPECT_EQ(mmu_calls, 1);
	return KT_PASS;
}

KTEST(ram_fault_resumes_guest_and_errors_fail_run)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = 0;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBS, KVMLA_INSN_ST_W, GPA),
		     RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.pc, PC0);
	mmu_ret = -EFAULT;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_W, GPA), -EFAULT);
	return KT_PASS;
}

KTEST(aux_exits_go_to_fpu)
{
	static const int ec[] = { EXCCODE_FPDIS, EXCCODE_LSXDIS,
				  EXCCODE_LASXDIS, EXCCODE_BTDIS };
	struct kvm_vcpu *v = setup();

	for (size_t i = 0; i < ARRAY_SIZE(ec); i++) {
		KT_EXPECT_EQ(run_exit(v, ec[i], 0, 0), RESUME_GUEST);
		KT_EXPECT_EQ(fpu_exit_ecode, ec[i]);
	}
	return KT_PASS;
}

KTEST(unknown_ecode_logs_once_and_injects)
{
	struct kvm_vcpu *v = setup();

	v->arch.exit_badv = 0x55;
	KT_EXPECT_EQ(run_exit(v, 40, 0x1234, 0x55), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_INE);
	KT_EXPECT_EQ(shim_log_lines, 1);
	KT_EXPECT(strstr(shim_log, "ecode 40"));
	KT_EXPECT(strstr(shim_log, "badi 0x1234"));
	KT_EXPECT(strstr(shim_log, "badv 0x55"));
	KT_EXPECT_EQ(v->stat.unknown_exits, 0);	/* the core counts > max */

	/* an architectural one is reflected with its subcode and BADV */
	v->arch.exit_estat = ((u64)EXCCODE_ALE << CSR_ESTAT_EXC_SHIFT) |
			     (3ULL << CSR_ESTAT_ESUBCODE_SHIFT);
	v->arch.exit_badv = 0x1001;
	KT_EXPECT_EQ(kvmla_exit_handle(v, true), RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_ALE);
	KT_EXPECT_EQ(v->arch.st.exit.exc_esubcode, 3);
	KT_EXPECT_EQ(v->arch.st.exit.exc_badv, 0x1001);
	KT_EXPECT_EQ(v->stat.unknown_exits, 1);
	KT_EXPECT_EQ(shim_log_lines, 1);		/* logged once */

	run_exit(v, EXCCODE_GCM, 0, 0);
	KT_EXPECT_EQ(v->arch.st.exit.exc_ecode, EXCCODE_INE);
	return KT_PASS;
}

KTEST(every_ecode_has_a_slot)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	for (unsigned int ec = 0; ec < KVMLA_ECODE_SLOTS; ec++) {
		int r = run_exit(v, ec, KVMLA_INSN_LD_W, GPA);

		KT_EXPECT(r == RESUME_GUEST || r == RESUME_HOST);
	}
	return KT_PASS;
}

KTEST(in_kernel_mmio_bus_claims_access)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	fx_bus_claims = 1;
	v->arch.gprs[A0] = 0x11223344;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBS, KVMLA_INSN_ST_H, GPA),
		     RESUME_GUEST);
	KT_EXPECT_EQ(fx_bus_written[0], 0x44);
	KT_EXPECT_EQ(fx_bus_written[1], 0x33);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 4);
	KT_EXPECT_EQ(v->run->exit_reason, 0);
	KT_EXPECT_EQ(v->stat.mmio_write_exits, 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_exit_mmio, "rw"), KVMLA_RW_WRITE);
	fx_bus_claims = 1;
	fx_bus_val = 0x8081;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_B, GPA),
		     RESUME_GUEST);
	KT_EXPECT_EQ(v->arch.gprs[A0], 0xffffffffffffff81ULL);
	KT_EXPECT_EQ(v->arch.st.exit.io_kind, KVMLA_IO_NONE);
	KT_EXPECT_EQ(v->arch.pc, PC0 + 8);
	/* unclaimed: to userspace */
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_B, GPA),
		     RESUME_HOST);
	return KT_PASS;
}

/* A bus without devices is not searched: the access goes to userspace. */
KTEST(empty_mmio_bus_not_searched)
{
	struct kvm_vcpu *v = setup();

	mmu_ret = -ENOENT;
	fx_bus_devices = 0;
	fx_bus_claims = 1;		/* would claim, were it asked */
	v->arch.gprs[A0] = 0x11223344;
	KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBS, KVMLA_INSN_ST_H, GPA),
		     RESUME_HOST);
	KT_EXPECT_EQ(fx_bus_claims, 1);
	KT_EXPECT_EQ(v->run->exit_reason, KVM_EXIT_MMIO);
	KT_EXPECT_EQ(v->stat.mmio_write_exits, 1);
	return KT_PASS;
}

/*
 * With kvmla_trace_key off (no kvmla event has a probe) the exits run the
 * plain copies: they check no event at all, reach the plain copies of
 * their neighbours, and do what the traced copies do; with the key on,
 * the same exits record their events.
 */
KTEST(plain_copies_check_no_event)
{
	static const struct {
		unsigned int ecode;
		u32 w;
		int mmu, ret;
		u64 pc;
	} c[] = {
		{ EXCCODE_GSPR, KVMLA_INSN_CPUCFG, 0, RESUME_GUEST, PC0 + 4 },
		{ EXCCODE_GSPR, KVMLA_INSN_CSRRD, 0, RESUME_GUEST, PC0 + 4 },
		{ EXCCODE_GSPR, KVMLA_INSN_IOCSRWR_W, 0, RESUME_HOST, PC0 + 4 },
		{ EXCCODE_GSPR, KVMLA_INSN_IDLE, 0, RESUME_GUEST, PC0 + 4 },
		{ EXCCODE_GSPR, KVMLA_INSN_CACOP, 0, RESUME_GUEST, PC0 + 4 },
		{ EXCCODE_GSPR, KVMLA_INSN_TLBCLR, 0, RESUME_GUEST, PC0 },
		{ EXCCODE_HVC, KVMLA_INSN_HVCL_OTHER, 0, RESUME_GUEST, PC0 + 4 },
		{ EXCCODE_TLBS, KVMLA_INSN_ST_W, -ENOENT, RESUME_HOST, PC0 + 4 },
		{ EXCCODE_TLBL, KVMLA_INSN_LD_W, 0, RESUME_GUEST, PC0 },
		{ EXCCODE_FPDIS, 0, 0, RESUME_GUEST, PC0 },
	};

	for (int on = 0; on < 2; on++) {
		struct kvm_vcpu *v = setup();
		u64 beyond = fx_kvm->arch.gpa_size;

		shim_trace_on = on;
		for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
			v->arch.pc = PC0;
			mmu_ret = c[i].mmu;
			KT_EXPECT_EQ(run_exit(v, c[i].ecode, c[i].w, GPA),
				     c[i].ret);
			KT_EXPECT_EQ(v->arch.pc, c[i].pc);
		}
		v->arch.pc = PC0;
		KT_EXPECT_EQ(run_exit(v, EXCCODE_TLBL, KVMLA_INSN_LD_W, beyond),
			     RESUME_GUEST);
		KT_EXPECT_EQ(v->stat.fault_beyond, 1);
		KT_EXPECT_EQ(v->stat.gspr_exits[KVMLA_GSPR_CPUCFG], 1);
		KT_EXPECT_EQ(v->stat.hypercall_exits, 1);
		KT_EXPECT_EQ(v->stat.mmio_write_exits, 1);
		KT_EXPECT_EQ(mmu_calls, 2);
		KT_EXPECT_EQ(fpu_exit_ecode, EXCCODE_FPDIS);
		/* the traced copies' neighbours, only with the key on */
		KT_EXPECT_EQ(mmu_traced, on ? 2 : 0);
		KT_EXPECT_EQ(fpu_exit_traced, on);
		/* with it off: not one event checked, nothing recorded */
		KT_EXPECT_EQ(shim_trace_checks_off, 0);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_gspr), on ? 6 : 0);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_cpucfg), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_csr), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_iocsr), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_idle), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_cache), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_hypercall), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit_mmio), on);
		/* MMIO and beyond (the RAM fault's is the MMU's) */
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_gpa_fault), on ? 2 : 0);
		KT_EXPECT_EQ(shim_trace_n, on ? 15 : 0);
	}
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(gspr_kinds_decode),
	KTEST_CASE(empty_mmio_bus_not_searched),
	KTEST_CASE(plain_copies_check_no_event),
	KTEST_CASE(mem_ops_decode),
	KTEST_CASE(cpucfg_leaves),
	KTEST_CASE(csr_sw_read_write_xchg),
	KTEST_CASE(csr_unsupported_reads_zero_ignores_writes),
	KTEST_CASE(csr_pmu_is_emulated_and_reported),
	KTEST_CASE(iocsr_write_exits_with_data),
	KTEST_CASE(iocsr_read_completes_sign_extended),
	KTEST_CASE(idle_halts),
	KTEST_CASE(cacop_is_a_noop),
	KTEST_CASE(other_gspr_keeps_pc_and_injects_ine),
	KTEST_CASE(hypercall_unknown_returns_minus_one),
	KTEST_CASE(hypercall_pv_ipi_injects_swi0),
	KTEST_CASE(hypercall_steal_time_notify),
	KTEST_CASE(hypercall_swdbg_exits_to_debugger),
	KTEST_CASE(mmio_loads_complete_with_extension),
	KTEST_CASE(mmio_stores_carry_data),
	KTEST_CASE(in_kernel_mmio_bus_claims_access),
	KTEST_CASE(mmio_unknown_instruction_injects_ade),
	KTEST_CASE(ifetch_from_mmio_injects_adef),
	KTEST_CASE(gpa_beyond_vm_injects_ade),
	KTEST_CASE(ram_fault_resumes_guest_and_errors_fail_run),
	KTEST_CASE(aux_exits_go_to_fpu),
	KTEST_CASE(unknown_ecode_logs_once_and_injects),
	KTEST_CASE(every_ecode_has_a_slot),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/exit", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}

