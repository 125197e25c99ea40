// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness: kvm/vcpu.c -- vCPU life cycle, load/put with the fast
 * path, the KVM_RUN loop, ONE_REG (CSR, CPUCFG, KVM, LBT), REGS, FPU,
 * mp_state, guest debug, vCPU attributes, the ioctl handlers with their
 * error returns, and the binary stats descriptors.
 */
#include "kvm_internal.h"
#include "weak.h"
#include "../../../kvm/vcpu.c"
#include "ktest.h"
#include "insns.h"

static struct kvm test_kvm;

static struct kvm_vcpu *vcpu_new_in(struct kvm *kvm, int id)
{
	struct kvm_vcpu *vcpu = calloc(1, sizeof(*vcpu));

	vcpu->kvm = kvm;
	vcpu->vcpu_id = id;
	vcpu->vcpu_idx = id;
	vcpu->run = calloc(1, sizeof(*vcpu->run));
	vcpu->wants_to_run = true;
	if (kvm_arch_vcpu_precreate(kvm, id) || kvm_arch_vcpu_create(vcpu))
		abort();
	kvm_arch_vcpu_postcreate(vcpu);
	kvm->vcpus[id] = vcpu;
	if (kvm->created_vcpus <= id)
		kvm->created_vcpus = id + 1;
	return vcpu;
}

/* A fresh VM (FP/LSX host, steal time offered) with one vCPU. */
static struct kvm_vcpu *vcpu_new(void)
{
	hw_sim_reset();
	memset(&shim_ops, 0, sizeof(shim_ops));
	memset(kvmla_pcpu, 0, sizeof(kvmla_pcpu));
	shim_trace_reset();
	shim_trace_on = true;
	shim_cpu = 0;
	shim_irqs_off = 0;
	shim_signal = 0;
	shim_uaccess_fail = 0;
	shim_switch_calls = 0;
	shim_switch_irqs_off = 1;
	shim_guest = NULL;
	memset(&test_kvm, 0, sizeof(test_kvm));
	test_kvm.arch.pv_features = BIT(KVM_FEATURE_IPI) |
				    BIT(KVM_FEATURE_STEAL_TIME);
	test_kvm.arch.mmu.pgd = &test_kvm;	/* any address: the root */
	hw.cpucfg[2] = CPUCFG2_FP | CPUCFG2_FPSP | CPUCFG2_FPDP |
		       CPUCFG2_LSX | CPUCFG2_LLFTP;
	return vcpu_new_in(&test_kvm, 0);
}

static void vcpu_free(void)
{
	kvm_destroy_vcpus(&test_kvm);
}

static long vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, void *arg)
{
	struct file f = { .private_data = vcpu };

	return kvm_arch_vcpu_ioctl(&f, ioctl, (unsigned long)arg);
}

static int set_reg(struct kvm_vcpu *vcpu, u64 id, u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)&val };

	return vcpu_ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

static int get_reg(struct kvm_vcpu *vcpu, u64 id, u64 *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)val };

	return vcpu_ioctl(vcpu, KVM_GET_ONE_REG, &reg);
}

/* ---- life cycle ---- */

KTEST(create_reset_state)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_CRMD], CSR_CRMD_DA);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_TMID], 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_CPUID], KVMLA_MAX_PHYID);
	KT_EXPECT_EQ(vcpu->arch.mp_state.mp_state, KVM_MP_STATE_RUNNABLE);
	KT_EXPECT_EQ(vcpu->arch.guest_eentry, kvmla_guest_eentry);
	KT_EXPECT_EQ(vcpu->arch.guest_pgdl, (unsigned long)&test_kvm);
	KT_EXPECT_EQ(vcpu->arch.last_cpu, -1);
	KT_EXPECT_EQ(vcpu->arch.flags, KVMLA_VCPU_SW_LATEST);
	KT_EXPECT_EQ(shim_ops.timer_init, 1);
	KT_EXPECT_EQ(shim_ops.timer_hz, const_clock_freq);
	KT_EXPECT_EQ(shim_ops.fpu_init, 1);
	KT_EXPECT_EQ(shim_ops.irq_reset, 1);
	vcpu_new_in(&test_kvm, 3);
	KT_EXPECT_EQ(test_kvm.vcpus[3]->arch.gcsr[LOONGARCH_CSR_TMID], 3);
	vcpu_free();
	return KT_PASS;
}

KTEST(destroy_forgets_vcpu_everywhere)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	kvmla_pcpu[0].last_vcpu = vcpu;
	kvmla_pcpu[2].last_vcpu = vcpu;
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_CPUID), 7), 0);
	vcpu_free();
	KT_EXPECT(kvmla_pcpu[0].last_vcpu == NULL);
	KT_EXPECT(kvmla_pcpu[2].last_vcpu == NULL);
	KT_EXPECT(test_kvm.arch.phyid_map[7] == NULL);
	KT_EXPECT_EQ(shim_ops.timer_deinit, 1);
	KT_EXPECT_EQ(shim_ops.vmid_drop, 1);
	/* The spare stage-2 tables the vCPU kept across faults go too. */
	KT_EXPECT_EQ(shim_ops.mmu_vcpu_free, 1);
	return KT_PASS;
}

/* ---- ONE_REG: CSRs ---- */

/*
 * Every CSR QEMU 8.2+ gets and puts (target/loongarch/kvm/kvm.c), by the
 * tree's uapi id macro over the tree's CSR number.
 */
#define QEMU_CSR(X) \
	X(CRMD) X(PRMD) X(EUEN) X(MISC) X(ECFG) X(ERA) X(BADV) X(BADI) \
	X(EENTRY) X(TLBIDX) X(TLBEHI) X(TLBELO0) X(TLBELO1) X(ASID) X(PGDL) \
	X(PGDH) X(PGD) X(PWCTL0) X(PWCTL1) X(STLBPGSIZE) X(RVACFG) \
	X(PRCFG1) X(PRCFG2) X(PRCFG3) X(KS0) X(KS1) X(KS2) X(KS3) X(KS4) \
	X(KS5) X(KS6) X(KS7) X(TMID) X(CNTC) X(TINTCLR) X(LLBCTL) \
	X(IMPCTL1) X(IMPCTL2) X(TLBRENTRY) X(TLBRBADV) X(TLBRERA) \
	X(TLBRSAVE) X(TLBRELO0) X(TLBRELO1) X(TLBREHI) X(TLBRPRMD) \
	X(DMWIN0) X(DMWIN1) X(DMWIN2) X(DMWIN3) X(TVAL) X(TCFG)
#define QEMU_CSR_NUM(n) LOONGARCH_CSR_##n,
static const unsigned int qemu_csrs[] = { QEMU_CSR(QEMU_CSR_NUM) };

KTEST(one_reg_every_qemu_csr_round_trips)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	for (size_t i = 0; i < ARRAY_SIZE(qemu_csrs); i++) {
		unsigned int csr = qemu_csrs[i];
		u64 id = KVM_IOC_CSRID(csr), want = 0x1234500000ULL + csr, got;

		KT_EXPECT_EQ(set_reg(vcpu, id, want), 0);
		KT_EXPECT_EQ(vcpu->arch.gcsr[csr], want);
		KT_EXPECT_EQ(get_reg(vcpu, id, &got), 0);
		KT_EXPECT_EQ(got, want);
	}
	/* ESTAT and CPUID are QEMU's too; their rules are tested below. */
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_ESTAT), 0), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_CPUID), 0), 0);
	vcpu_free();
	return KT_PASS;
}

/* The id layout the uapi fixes: 0x9030000000010000 | csr << 3. */
KTEST(one_reg_id_layout)
{
	KT_EXPECT_EQ(KVM_IOC_CSRID(LOONGARCH_CSR_ESTAT), 0x9030000000010028ULL);
	KT_EXPECT_EQ(KVM_IOC_CSRID(LOONGARCH_CSR_TCFG), 0x9030000000010208ULL);
	KT_EXPECT_EQ(KVM_IOC_CPUCFG(2), 0x9030000000040010ULL);
	KT_EXPECT_EQ(KVM_REG_LOONGARCH_COUNTER, 0x9030000000020001ULL);
	return KT_PASS;
}

KTEST(one_reg_sw_csrs_are_valid_too)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 v;

	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_PERFCTRL0), 5), 0);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_PERFCTRL0), &v), 0);
	KT_EXPECT_EQ(v, 5);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_DB7ASID), 9), 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_DB7ASID], 9);
	vcpu_free();
	return KT_PASS;
}

/* ESTAT bits 9:2 live in GINTC; reads merge them and queued IRQs back. */
KTEST(one_reg_estat_gintc_merge)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 id = KVM_IOC_CSRID(LOONGARCH_CSR_ESTAT), v;

	KT_EXPECT_EQ(set_reg(vcpu, id, 0x3ffUL | (1UL << 11)), 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_GINTC], 0xff);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_ESTAT], 0x3 | (1UL << 11));
	KT_EXPECT_EQ(get_reg(vcpu, id, &v), 0);
	KT_EXPECT_EQ(v, 0x3ffUL | (1UL << 11));
	KT_EXPECT_EQ(shim_ops.merge_estat, 1);

	/* A queued timer interrupt shows in the value userspace saves. */
	KT_EXPECT_EQ(set_reg(vcpu, id, 1UL << 2), 0);
	shim_ops.merge_bits = 1UL << (INT_TI + 2);
	KT_EXPECT_EQ(get_reg(vcpu, id, &v), 0);
	KT_EXPECT_EQ(v, (1UL << 2) | (1UL << (INT_TI + 2)));
	vcpu_free();
	return KT_PASS;
}

KTEST(one_reg_cpuid_once_and_unique)
{
	struct kvm_vcpu *a = vcpu_new(), *b = vcpu_new_in(&test_kvm, 1);
	u64 id = KVM_IOC_CSRID(LOONGARCH_CSR_CPUID), v;

	KT_EXPECT_EQ(set_reg(a, id, KVMLA_MAX_PHYID), -EINVAL);
	KT_EXPECT_EQ(set_reg(a, id, 5), 0);
	KT_EXPECT_EQ(set_reg(a, id, 5), 0);		/* same value again */
	KT_EXPECT_EQ(set_reg(a, id, 6), -EINVAL);	/* only once */
	KT_EXPECT_EQ(get_reg(a, id, &v), 0);
	KT_EXPECT_EQ(v, 5);
	KT_EXPECT_EQ(set_reg(b, id, 5), -EINVAL);	/* unique in the VM */
	KT_EXPECT_EQ(set_reg(b, id, 6), 0);
	KT_EXPECT(test_kvm.arch.phyid_map[5] == a);
	KT_EXPECT(test_kvm.arch.phyid_map[6] == b);
	KT_EXPECT_EQ(test_kvm.arch.phyid_lock.locked, 0);
	vcpu_free();
	return KT_PASS;
}

KTEST(one_reg_invalid_ids_and_sizes)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 csr_u32 = (KVM_IOC_CSRID(LOONGARCH_CSR_CRMD) &
		       ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U32;
	u64 v = 0;

	KT_EXPECT_EQ(set_reg(vcpu, csr_u32, 1), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, csr_u32, &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_GTLBC), &v),
		     -EINVAL);		/* a root CSR, not a guest one */
	KT_EXPECT_EQ(get_reg(vcpu, KVM_IOC_CSRID(0x7ff), &v), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(0xfff), 1), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_GPR | KVM_REG_SIZE_U64,
			     &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_FPSIMD | KVM_REG_SIZE_U64,
			     &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_MASK | KVM_REG_SIZE_U64,
			     &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_KVM | KVM_REG_SIZE_U64 | 9,
			     &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | 0x10000,
			     &v), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_VCPU_RESET, &v), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_REG_LOONGARCH_DEBUG_INST, 1), -EINVAL);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_IOC_CPUCFG(KVM_MAX_CPUCFG_REGS), &v),
		     -EINVAL);
	/* LBT ids exist only for a guest with an LBT flavour. */
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_LBT_SCR0, &v), -ENXIO);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_REG_LOONGARCH_LBT_FTOP, 1), -ENXIO);
	vcpu_free();
	return KT_PASS;
}

KTEST(one_reg_user_copy_faults)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_one_reg reg = { .id = KVM_IOC_CSRID(LOONGARCH_CSR_ERA) };
	u64 v = 0;

	reg.addr = (u64)(unsigned long)&v;
	shim_uaccess_fail = 1;
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_GET_ONE_REG, &reg), -EFAULT);
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_SET_ONE_REG, &reg), -EFAULT);
	shim_uaccess_fail = 0;
	/* Reading a bad id fails before any copy. */
	reg.id = KVM_IOC_CSRID(0x7ff);
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_GET_ONE_REG, &reg), -EINVAL);
	vcpu_free();
	return KT_PASS;
}

/* ---- ONE_REG: CPUCFG ---- */

KTEST(one_reg_cpucfg_rules)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 id = KVM_IOC_CPUCFG(2), fp = CPUCFG2_FP | CPUCFG2_FPSP |
		 CPUCFG2_FPDP, v;

	KT_EXPECT_EQ(set_reg(vcpu, id, fp), -EINVAL);	/* no LLFTP */
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | CPUCFG2_FP), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | CPUCFG2_FP |
			     CPUCFG2_FPSP), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | CPUCFG2_LSX), -EINVAL);
	/* The host has no LASX: refused even with LSX. */
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | fp | CPUCFG2_LSX |
			     CPUCFG2_LASX), -EINVAL);
	KT_EXPECT_EQ(vcpu->arch.cpucfg[2], 0);
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | fp | CPUCFG2_LSX), 0);
	KT_EXPECT_EQ(get_reg(vcpu, id, &v), 0);
	KT_EXPECT_EQ(v, CPUCFG2_LLFTP | fp | CPUCFG2_LSX);

	/* LASX needs LSX even on a LASX host. */
	hw.cpucfg[2] |= CPUCFG2_LASX;
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | fp | CPUCFG2_LASX),
		     -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, id, CPUCFG2_LLFTP | fp | CPUCFG2_LSX |
			     CPUCFG2_LASX), 0);

	/* Masks of other words: MSGINT, high bits, the PMU word. */
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(1), CPUCFG1_MSGINT), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(1), CPUCFG1_UAL), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(0), 1ULL << 32), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(0), 0x14c010), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(6), CPUCFG6_PMP), -EINVAL);
	/* Host without a PMU: word 6 must be 0. */
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(6), CPUCFG6_UPM), -EINVAL);
	/* PMU host: QEMU's PMU description passes, PMP itself does not. */
	hw.cpucfg[6] = CPUCFG6_PMP | CPUCFG6_PMBITS | CPUCFG6_UPM;
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(6), CPUCFG6_PMBITS |
			     (3 << CPUCFG6_PMNUM_SHIFT) | CPUCFG6_UPM), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(6), CPUCFG6_PMP |
			     CPUCFG6_PMBITS), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(6), 1U << 15), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(20), 1U << 31), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(20), 1U << 30), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(3), 1U << 17), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(3), 1U << 16), 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(7), 1), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CPUCFG(21), 0), -EINVAL);
	vcpu_free();
	return KT_PASS;
}

/* ---- ONE_REG: KVM and LBT sets ---- */

KTEST(one_reg_counter_goes_to_timer)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 v;

	KT_EXPECT_EQ(set_reg(vcpu, KVM_REG_LOONGARCH_COUNTER, 0xabcdef), 0);
	KT_EXPECT_EQ(shim_ops.counter_sets, 1);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_COUNTER, &v), 0);
	KT_EXPECT_EQ(v, 0xabcdef);
	vcpu_free();
	return KT_PASS;
}

/* The breakpoint QEMU plants: hvcl 0x101, as the assembler encodes it. */
KTEST(one_reg_debug_inst_is_hvcl_swdbg)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 v = 0;

#ifndef KVMLA_INSN_HVCL_SWDBG
	KT_SKIP("no llvm-mc-19: instruction words unavailable");
#else
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_DEBUG_INST, &v), 0);
	KT_EXPECT_EQ(v, KVMLA_INSN_HVCL_SWDBG);
#endif
	vcpu_free();
	return KT_PASS;
}

KTEST(one_reg_vcpu_reset)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	vcpu->arch.pvtime_gpa = 0x10001;
	vcpu->arch.gcsr[LOONGARCH_CSR_ESTAT] = 0x804;
	vcpu->arch.gcsr[LOONGARCH_CSR_GINTC] = 0x3;
	vcpu->arch.gcsr[LOONGARCH_CSR_ERA] = 0x1000;
	KT_EXPECT_EQ(set_reg(vcpu, KVM_REG_LOONGARCH_VCPU_RESET, 0), 0);
	KT_EXPECT_EQ(vcpu->arch.pvtime_gpa, 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_ESTAT], 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_GINTC], 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_ERA], 0x1000);
	KT_EXPECT_EQ(shim_ops.irq_reset, 2);	/* create + reset */
	KT_EXPECT_EQ(shim_ops.fpu_reset, 1);
	/* The next load must write the reset state into the hardware. */
	KT_EXPECT_EQ(vcpu->arch.flags & KVMLA_VCPU_HW_VALID, 0);
	vcpu_free();
	return KT_PASS;
}

KTEST(one_reg_lbt_registers)
{
	static const u64 ids[] = {
		KVM_REG_LOONGARCH_LBT_SCR0, KVM_REG_LOONGARCH_LBT_SCR1,
		KVM_REG_LOONGARCH_LBT_SCR2, KVM_REG_LOONGARCH_LBT_SCR3,
		KVM_REG_LOONGARCH_LBT_EFLAGS, KVM_REG_LOONGARCH_LBT_FTOP,
	};
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 v;

	vcpu->arch.cpucfg[2] = CPUCFG2_X86BT;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		KT_EXPECT_EQ(set_reg(vcpu, ids[i], 0x100 + i), 0);
	KT_EXPECT_EQ(vcpu->arch.lbt.scr[0], 0x100);
	KT_EXPECT_EQ(vcpu->arch.lbt.scr[3], 0x103);
	KT_EXPECT_EQ(vcpu->arch.lbt.eflags, 0x104);
	KT_EXPECT_EQ(vcpu->arch.lbt.ftop, 0x105);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_LBT_SCR2, &v), 0);
	KT_EXPECT_EQ(v, 0x102);
	KT_EXPECT_EQ(get_reg(vcpu, KVM_REG_LOONGARCH_LBT | KVM_REG_SIZE_U64 | 7,
			     &v), -EINVAL);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_REG_LOONGARCH_LBT | KVM_REG_SIZE_U64, 1),
		     -EINVAL);
	vcpu_free();
	return KT_PASS;
}

/* ---- REGS / FPU / SREGS ---- */

KTEST(regs_get_set)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_regs r, back;

	for (int i = 0; i < 32; i++)
		r.gpr[i] = 0x1000 + i;
	r.pc = 0x9000000000200000ULL;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_regs(vcpu, &r), 0);
	KT_EXPECT_EQ(vcpu->arch.gprs[0], 0);	/* $zero is not settable */
	KT_EXPECT_EQ(vcpu->arch.gprs[31], 0x101f);
	KT_EXPECT_EQ(vcpu->arch.pc, 0x9000000000200000ULL);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_get_regs(vcpu, &back), 0);
	KT_EXPECT_EQ(back.gpr[0], 0);
	KT_EXPECT_EQ(back.gpr[4], 0x1004);
	KT_EXPECT_EQ(back.pc, r.pc);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_get_sregs(vcpu, NULL), -ENOIOCTLCMD);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_sregs(vcpu, NULL), -ENOIOCTLCMD);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_translate(vcpu, NULL), -EINVAL);
	vcpu_free();
	return KT_PASS;
}

/* All 256 bits of every FPR (upstream once copied 64). */
KTEST(fpu_full_width_copy)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_fpu in, out;

	memset(&out, 0, sizeof(out));
	in.fcsr = 0x1f1f;
	in.fcc = 0x0102030405060708ULL;
	for (int i = 0; i < 32; i++)
		for (int w = 0; w < 4; w++)
			in.fpr[i].val64[w] = ((u64)i << 32) | (w + 1) * 0x1111;
	KT_EXPECT_EQ(sizeof(in.fpr[0]), 32);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_fpu(vcpu, &in), 0);
	KT_EXPECT_EQ(vcpu->arch.fpu.fpr[17][3], (17ULL << 32) | 0x4444);
	KT_EXPECT_EQ(vcpu->arch.fpu.fpr[31][2], (31ULL << 32) | 0x3333);
	KT_EXPECT_EQ(vcpu->arch.fpu.fcc, in.fcc);
	KT_EXPECT_EQ(vcpu->arch.fpu.fcsr, 0x1f1f);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_get_fpu(vcpu, &out), 0);
	KT_EXPECT(!memcmp(out.fpr, in.fpr, sizeof(in.fpr)));
	KT_EXPECT_EQ(out.fcc, in.fcc);
	KT_EXPECT_EQ(out.fcsr, in.fcsr);
	vcpu_free();
	return KT_PASS;
}

/* ---- mp_state, guest debug ---- */

KTEST(mp_state_runnable_only)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_STOPPED };

	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_mpstate(vcpu, &mp), -EINVAL);
	mp.mp_state = KVM_MP_STATE_HALTED;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_mpstate(vcpu, &mp), -EINVAL);
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_mpstate(vcpu, &mp), 0);
	mp.mp_state = 99;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_get_mpstate(vcpu, &mp), 0);
	KT_EXPECT_EQ(mp.mp_state, KVM_MP_STATE_RUNNABLE);
	vcpu_free();
	return KT_PASS;
}

KTEST(guest_debug_sw_breakpoints)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_guest_debug dbg = { 0 };

	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_guest_debug(vcpu, &dbg), 0);
	KT_EXPECT_EQ(vcpu->guest_debug,
		     KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP);
	dbg.control = KVM_GUESTDBG_USE_SW_BP;	/* not enabled: off */
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_guest_debug(vcpu, &dbg), 0);
	KT_EXPECT_EQ(vcpu->guest_debug, 0);
	dbg.control = KVM_GUESTDBG_ENABLE | (1U << 20);	/* not ours */
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_set_guest_debug(vcpu, &dbg), -EINVAL);
	KT_EXPECT_EQ(vcpu->guest_debug, 0);
	vcpu_free();
	return KT_PASS;
}

/* ---- vCPU attributes ---- */

static long attr(struct kvm_vcpu *vcpu, unsigned int ioctl, u32 group,
		 u64 a, u64 *val)
{
	struct kvm_device_attr da = {
		.group = group, .attr = a, .addr = (u64)(unsigned long)val,
	};

	return vcpu_ioctl(vcpu, ioctl, &da);
}

KTEST(attr_cpucfg)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 v = 0;

	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  2, NULL), 0);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  6, NULL), 0);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  CPUCFG_KVM_FEATURE, NULL), 0);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  3, NULL), -ENXIO);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR, 7, 0, NULL), -ENXIO);

	/* Mask of word 2 on an FP+LSX host: LSX yes, LASX and LBT no. */
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  2, &v), 0);
	KT_EXPECT(v & CPUCFG2_LSX);
	KT_EXPECT(v & CPUCFG2_LLFTP);
	KT_EXPECT(!(v & (CPUCFG2_LASX | CPUCFG2_X86BT | CPUCFG2_LVZP)));
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  6, &v), 0);
	KT_EXPECT_EQ(v, 0);
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  21, &v), -ENXIO);
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  2, &v), -ENXIO);

	/* The PV feature word: read, narrowed, and only known bits. */
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  CPUCFG_KVM_FEATURE, &v), 0);
	KT_EXPECT_EQ(v, BIT(KVM_FEATURE_IPI) | BIT(KVM_FEATURE_STEAL_TIME));
	v = BIT(KVM_FEATURE_IPI);
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  CPUCFG_KVM_FEATURE, &v), 0);
	KT_EXPECT_EQ(test_kvm.arch.pv_features, BIT(KVM_FEATURE_IPI));
	v = BIT(5);
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  CPUCFG_KVM_FEATURE, &v), -EINVAL);
	KT_EXPECT_EQ(test_kvm.arch.pv_features, BIT(KVM_FEATURE_IPI));
	shim_uaccess_fail = 1;
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_LOONGARCH_VCPU_CPUCFG,
			  2, &v), -EFAULT);
	shim_uaccess_fail = 0;
	vcpu_free();
	return KT_PASS;
}

KTEST(attr_pvtime_gpa)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 gpa;

	test_kvm.nr_slots = 1;
	test_kvm.slots[0].base_gfn = 0;
	test_kvm.slots[0].npages = 16;
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, NULL), 0);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL, 1, NULL), -ENXIO);
	gpa = 0x1020 | 1;			/* not 64-byte aligned */
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), -EINVAL);
	gpa = (16UL << PAGE_SHIFT) | 1;		/* outside every memslot */
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), -EINVAL);
	gpa = 0x1040 | 1;
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), 0);
	KT_EXPECT(kvm_test_request(KVM_REQ_STEAL_UPDATE, vcpu));
	gpa = 0;
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), 0);
	KT_EXPECT_EQ(gpa, 0x1041);
	/* Disabling (valid bit clear) needs no memslot. */
	gpa = 0;
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), 0);
	/* Steal time not offered: the attribute does not exist. */
	test_kvm.arch.pv_features = BIT(KVM_FEATURE_IPI);
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), -ENXIO);
	KT_EXPECT_EQ(attr(vcpu, KVM_HAS_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, NULL), -ENXIO);
	KT_EXPECT_EQ(attr(vcpu, KVM_GET_DEVICE_ATTR, 9, 0, &gpa), -ENXIO);
	vcpu_free();
	return KT_PASS;
}

/* ---- ioctl dispatch ---- */

KTEST(ioctl_dispatch_and_errors)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_interrupt irq = { .irq = 3 };
	struct file f = { .private_data = vcpu };
	struct kvm_device_attr da = { 0 };

	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_ENABLE_CAP, NULL), -EINVAL);
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_GET_REGS, NULL), -ENOIOCTLCMD);
	shim_uaccess_fail = 1;
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &da), -EFAULT);
	KT_EXPECT_EQ(vcpu_ioctl(vcpu, KVM_GET_ONE_REG, &da), -EFAULT);
	KT_EXPECT_EQ(kvm_arch_vcpu_async_ioctl(&f, KVM_INTERRUPT,
					       (unsigned long)&irq), -EFAULT);
	shim_uaccess_fail = 0;
	shim_ops.irq_ioctl_ret = -EINVAL;
	KT_EXPECT_EQ(kvm_arch_vcpu_async_ioctl(&f, KVM_INTERRUPT,
					       (unsigned long)&irq), -EINVAL);
	KT_EXPECT_EQ(shim_ops.irq_ioctl, 1);
	KT_EXPECT_EQ(shim_ops.irq_ioctl_irq, 3);
	KT_EXPECT_EQ(kvm_arch_vcpu_async_ioctl(&f, KVM_RUN, 0), -ENOIOCTLCMD);
	KT_EXPECT_EQ(kvm_arch_vcpu_fault(vcpu, NULL), VM_FAULT_SIGBUS);
	vcpu_free();
	return KT_PASS;
}

/* ---- load / put ---- */

/*
 * gcsr-list.h's hardware CSRs, each with whether a full load writes it
 * back (the read-only ones are only saved).
 */
static const struct {
	u16 csr;
	bool restored;
} hw_csrs[] = {
#define KVMLA_GCSR_HW(n)	{ LOONGARCH_CSR_##n, true },
#define KVMLA_GCSR_RO(n)	{ LOONGARCH_CSR_##n, false },
#include "../../../kvm/gcsr-list.h"
};

#define HW_CSRS_SAVED ARRAY_SIZE(hw_csrs)
/* the read-only ones (gcsr-list.h KVMLA_GCSR_RO) are saved, not restored */
#define HW_CSRS_RESTORED (HW_CSRS_SAVED - 4)

KTEST(load_full_then_fast)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	const struct shim_trace_rec *r;

	vcpu->arch.gcsr[LOONGARCH_CSR_ERA] = 0x1234;
	vcpu->arch.gcsr[LOONGARCH_CSR_GINTC] = 0x5;
	kvm_arch_vcpu_load(vcpu, 0);
	/*
	 * TCFG = 0 (load_full_stops_old_timer_before_estat), every writable
	 * HW CSR, then LLBCTL.WCLLB (load_full_clears_guest_ll_bit)
	 */
	KT_EXPECT_EQ(hw.gcsr_writes, 1 + HW_CSRS_RESTORED + 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ERA], 0x1234);
	KT_EXPECT_EQ(hw.csr[LOONGARCH_CSR_GINTC], 0x5);
	KT_EXPECT(kvmla_pcpu[0].last_vcpu == vcpu);
	KT_EXPECT_EQ(vcpu->stat.load_full, 1);
	r = shim_trace_last(SHIM_EV_kvm_vcpu_load);
	KT_EXPECT(r);
	KT_EXPECT_EQ(shim_trace_field(r, "kind"), KVMLA_LOAD_KIND_FULL);
	KT_EXPECT_EQ(shim_trace_field(r, "pcpu"), 0);
	KT_EXPECT_EQ(shim_ops.timer_restore, 1);
	KT_EXPECT_EQ(shim_irqs_off, 0);

	/* Put without a guest run: nothing to read back from the HW. */
	kvm_arch_vcpu_put(vcpu);
	KT_EXPECT_EQ(hw.gcsr_reads, 0);
	KT_EXPECT_EQ(shim_ops.fpu_lose, 1);
	KT_EXPECT_EQ(shim_ops.timer_save, 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vcpu_put), 1);

	/* Same CPU, nobody else: the fast path writes no guest CSR. */
	hw.gcsr_writes = 0;
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT_EQ(hw.gcsr_writes, 0);
	KT_EXPECT_EQ(vcpu->stat.load_fast, 1);
	r = shim_trace_last(SHIM_EV_kvm_vcpu_load);
	KT_EXPECT_EQ(shim_trace_field(r, "kind"), KVMLA_LOAD_KIND_FAST);
	vcpu_free();
	return KT_PASS;
}

KTEST(load_full_after_migration_or_other_vcpu)
{
	struct kvm_vcpu *a = vcpu_new(), *b = vcpu_new_in(&test_kvm, 1);

	kvm_arch_vcpu_load(a, 0);
	kvm_arch_vcpu_put(a);
	shim_cpu = 1;
	kvm_arch_vcpu_load(a, 1);			/* migrated */
	KT_EXPECT_EQ(a->stat.load_full, 2);
	KT_EXPECT_EQ(a->arch.last_cpu, 1);
	kvm_arch_vcpu_put(a);
	kvm_arch_vcpu_load(b, 1);			/* b took CPU 1 */
	kvm_arch_vcpu_put(b);
	kvm_arch_vcpu_load(a, 1);
	KT_EXPECT_EQ(a->stat.load_full, 3);
	KT_EXPECT_EQ(a->stat.load_fast, 0);
	kvm_arch_vcpu_put(a);
	/* Hardware enable (resume) forgets the owner: full again. */
	kvmla_pcpu[1].last_vcpu = NULL;
	kvm_arch_vcpu_load(a, 1);
	KT_EXPECT_EQ(a->stat.load_full, 4);
	kvm_arch_vcpu_put(a);
	/* A ONE_REG write makes the hardware copy stale. */
	KT_EXPECT_EQ(set_reg(a, KVM_IOC_CSRID(LOONGARCH_CSR_KS3), 77), 0);
	kvm_arch_vcpu_load(a, 1);
	KT_EXPECT_EQ(a->stat.load_full, 5);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_KS3], 77);
	shim_cpu = 0;
	vcpu_free();
	return KT_PASS;
}

KTEST(put_after_run_saves_hardware)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	kvm_arch_vcpu_load(vcpu, 0);
	vcpu->arch.flags &= ~KVMLA_VCPU_SW_LATEST;	/* as after a run */
	hw.gcsr[LOONGARCH_CSR_PRMD] = 0x7;
	hw.gcsr[LOONGARCH_CSR_TLBRERA] = 0x8000;
	hw.gcsr[LOONGARCH_CSR_TCFG] = 0x999;	/* timer.c's, not ours */
	hw.csr[LOONGARCH_CSR_GINTC] = 0x1ff;
	kvm_arch_vcpu_put(vcpu);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_PRMD], 0x7);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_TLBRERA], 0x8000);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_TCFG], 0);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_GINTC], 0xff);
	KT_EXPECT_EQ(hw.gcsr_reads, HW_CSRS_SAVED);
	KT_EXPECT(vcpu->arch.flags & KVMLA_VCPU_SW_LATEST);
	/* A second put has nothing new to save. */
	kvm_arch_vcpu_put(vcpu);
	KT_EXPECT_EQ(hw.gcsr_reads, HW_CSRS_SAVED);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: upstream's _kvm_vcpu_load sets CSR_LLBCTL_WCLLB (loongarch.h:
 * writing 1 clears the LL bit) after a full restore, so an SC of this
 * vCPU cannot pair with an LL another context left in the hardware.
 */
KTEST(load_full_clears_guest_ll_bit)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	vcpu->arch.gcsr[LOONGARCH_CSR_LLBCTL] = 0;
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_LLBCTL] & CSR_LLBCTL_WCLLB,
		     CSR_LLBCTL_WCLLB);
	kvm_arch_vcpu_put(vcpu);
	/* the fast path leaves the guest's LL bit alone */
	hw.gcsr[LOONGARCH_CSR_LLBCTL] = 0;
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT_EQ(vcpu->stat.load_fast, 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_LLBCTL], 0);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: upstream's _kvm_vcpu_put saves Root.GINTC on every put, after
 * the skip for an up-to-date software file: GINTC is a root CSR the next
 * vCPU on this CPU overwrites.
 */
KTEST(put_saves_gintc_every_time)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT(vcpu->arch.flags & KVMLA_VCPU_SW_LATEST);
	hw.csr[LOONGARCH_CSR_GINTC] = 0x3;
	kvm_arch_vcpu_put(vcpu);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_GINTC], 0x3);
	KT_EXPECT_EQ(hw.gcsr_reads, 0);
	/* a ONE_REG write in between wins over the stale hardware */
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT_EQ(set_reg(vcpu, KVM_IOC_CSRID(LOONGARCH_CSR_ESTAT),
			     0x3ULL << 2), 0);
	hw.csr[LOONGARCH_CSR_GINTC] = 0;
	kvm_arch_vcpu_put(vcpu);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_GINTC], 0x3);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_restore_timer writes TCFG = 0 before it
 * restores ESTAT ("avoid to get invalid timer interrupt for old timer
 * cfg"): the guest timer still counts with the last owner's setting and
 * firing now would set TI in this vCPU's ESTAT (the architecture's timer
 * raises ESTAT.TI on expiry).
 */
KTEST(load_full_stops_old_timer_before_estat)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	hw.gcsr[LOONGARCH_CSR_TCFG] = CSR_TCFG_EN | 4;	/* last owner's */
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT_EQ(hw.tcfg_at_estat_write & CSR_TCFG_EN, 0);
	kvm_arch_vcpu_put(vcpu);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_cpu_has_pending_timer also reads the hardware
 * guest ESTAT.TI (loongarch.h INT_TI): a one-shot that fired after the
 * guest's IDLE is pending there, not in the queue, and must wake the
 * halted vCPU (kvm_vcpu_check_block asks this).
 */
KTEST(pending_timer_counts_hardware_ti)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	kvm_arch_vcpu_load(vcpu, 0);
	shim_ops.irq_pending = 0;
	KT_EXPECT(!kvm_cpu_has_pending_timer(vcpu));
	hw.gcsr[LOONGARCH_CSR_ESTAT] = BIT(INT_TI);
	KT_EXPECT(kvm_cpu_has_pending_timer(vcpu));
	hw.gcsr[LOONGARCH_CSR_ESTAT] = 0;
	shim_ops.irq_pending = 1;
	KT_EXPECT(kvm_cpu_has_pending_timer(vcpu));
	kvm_arch_vcpu_put(vcpu);
	vcpu_free();
	return KT_PASS;
}

/* The software CSR file covers exactly the HW list, both directions. */
KTEST(csr_save_restore_cover_hw_list)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	for (size_t i = 0; i < HW_CSRS_SAVED; i++) {
		vcpu->arch.gcsr[hw_csrs[i].csr] = 0x40 + i;
		if (!hw_csrs[i].restored)	/* the CPU's own value */
			hw.gcsr[hw_csrs[i].csr] = 0x40 + i;
	}
	kvmla_vcpu_csr_restore(vcpu);
	memset(vcpu->arch.gcsr, 0, sizeof(vcpu->arch.gcsr));
	kvmla_vcpu_csr_save(vcpu);
	for (size_t i = 0; i < HW_CSRS_SAVED; i++)
		KT_EXPECT_EQ(vcpu->arch.gcsr[hw_csrs[i].csr], 0x40 + i);
	vcpu_free();
	return KT_PASS;
}

/*
 * PRCFG1-3 (the CPU's configuration words) and PGD (the page-table base the
 * hardware picks from PGDL/PGDH) are read-only guest CSRs: the 6.12 host's
 * _kvm_vcpu_put saves PRCFG1-3 and its _kvm_vcpu_load restores none of the
 * four (arch/loongarch/kvm/vcpu.c).  A vCPU whose software copies still
 * hold 0 (nothing put by the VMM yet) must not wipe what the CPU reports:
 * a guest whose PRCFG2 offers no page size refills its TLB for ever.
 */
KTEST(csr_restore_keeps_read_only_csrs)
{
	static const unsigned int ro[] = {
		LOONGARCH_CSR_PRCFG1, LOONGARCH_CSR_PRCFG2, LOONGARCH_CSR_PRCFG3,
		LOONGARCH_CSR_PGD,
	};
	struct kvm_vcpu *vcpu = vcpu_new();

	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		hw.gcsr[ro[i]] = 0x7000 + i;
		vcpu->arch.gcsr[ro[i]] = 0;
	}
	vcpu->arch.gcsr[LOONGARCH_CSR_PGDL] = 0x1234000;
	kvmla_vcpu_csr_restore(vcpu);
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
		KT_EXPECT_EQ(hw.gcsr[ro[i]], 0x7000 + i);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_PGDL], 0x1234000);
	/* saved on put as upstream does, so ONE_REG reads the CPU's words */
	kvmla_vcpu_csr_save(vcpu);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_PRCFG2], 0x7001);
	vcpu_free();
	return KT_PASS;
}

/*
 * The one CSR table (vcpu.c, from gcsr-list.h): timer CSRs are kept by the
 * hardware too; the eight performance CSRs are their own class; GSTAT (a
 * root-only CSR) and numbers past the table are unsupported.
 */
KTEST(csr_classes_from_gcsr_list)
{
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_CRMD), KVMLA_CSR_HW);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_TVAL), KVMLA_CSR_HW);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_IMPCTL1), KVMLA_CSR_SW);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_DB0ADDR), KVMLA_CSR_SW);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_PERFCTRL0), KVMLA_CSR_PMU);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_PERFCNTR3), KVMLA_CSR_PMU);
	KT_EXPECT_EQ(kvmla_csr_class(LOONGARCH_CSR_GSTAT), KVMLA_CSR_UNSUPPORTED);
	KT_EXPECT_EQ(kvmla_csr_class(0x4ff), KVMLA_CSR_UNSUPPORTED);
	KT_EXPECT_EQ(kvmla_csr_class(KVMLA_GCSR_SLOTS), KVMLA_CSR_UNSUPPORTED);
	KT_EXPECT_EQ(kvmla_csr_class(0x3fff), KVMLA_CSR_UNSUPPORTED);
	return KT_PASS;
}

/*
 * ESTAT fields (LoongArch manual, ESTAT: Ecode in bits 21:16, EsubCode in
 * bits 30:22), every other bit set around them.
 */
KTEST(estat_fields)
{
	KT_EXPECT_EQ(kvmla_csr_estat_ecode(0xffffffff8049ffffULL), 0x09);
	KT_EXPECT_EQ(kvmla_csr_estat_esubcode(0xffffffff8049ffffULL), 0x001);
	KT_EXPECT_EQ(kvmla_csr_estat_ecode(0x7fbf0000ULL), 0x3f);
	KT_EXPECT_EQ(kvmla_csr_estat_esubcode(0x7fbf0000ULL), 0x1fe);
	KT_EXPECT_EQ(kvmla_csr_estat_ecode(0xffffffff8000ffffULL), 0);
	KT_EXPECT_EQ(kvmla_csr_estat_esubcode(0xffffffff8000ffffULL), 0);
	return KT_PASS;
}

/* ---- KVM_RUN ---- */

static int guest_exits;
static u32 guest_ecodes[8];

/* The guest model: each entry exits with the next scripted ecode. */
static void guest_script(struct kvm_vcpu_arch *arch)
{
	u32 ecode = guest_ecodes[guest_exits++ % 8];

	arch->exit_estat = (u64)ecode << CSR_ESTAT_EXC_SHIFT |
			   (1UL << CSR_ESTAT_ESUBCODE_SHIFT);
	arch->exit_badv = 0xbad0 + guest_exits;
	arch->pc += 4;
}

static int exit_to_user_mmio(struct kvm_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_MMIO;
	return RESUME_HOST;
}

KTEST(run_exit_to_userspace)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	const struct shim_trace_rec *r;

	guest_exits = 0;
	guest_ecodes[0] = EXCCODE_TLBL;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_to_user_mmio;
	vcpu->arch.pc = 0x1000;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_MMIO);
	KT_EXPECT_EQ(shim_switch_calls, 1);
	KT_EXPECT_EQ(shim_switch_irqs_off, 1);
	KT_EXPECT_EQ(shim_irqs_off, 0);
	KT_EXPECT_EQ(shim_ops.complete_user, 1);
	KT_EXPECT_EQ(shim_ops.irq_deliver, 1);
	KT_EXPECT_EQ(shim_ops.irqs_on_at_entry, 0);
	/* tlb.c's kvmla_tlb_serve_requests() checks the VPID, once */
	KT_EXPECT_EQ(shim_ops.vmid_check, 0);
	KT_EXPECT_EQ(shim_ops.fpu_load, 1);
	KT_EXPECT_EQ(shim_ops.tlb_serve, 1);
	KT_EXPECT_EQ(shim_lose_fpu, 1);
	KT_EXPECT_EQ(shim_sigset, 0);
	KT_EXPECT_EQ(vcpu->stat.ecode_exits[EXCCODE_TLBL], 1);
	KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_MMIO], 1);
	KT_EXPECT_EQ(vcpu->arch.esubcode, 1);
	KT_EXPECT_EQ(vcpu->mode, OUTSIDE_GUEST_MODE);
	/* Loaded for the run, and put after it with the CSRs saved. */
	KT_EXPECT_EQ(vcpu->stat.load_full, 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vcpu_load), 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vcpu_put), 1);
	KT_EXPECT(vcpu->arch.flags & KVMLA_VCPU_SW_LATEST);
	KT_EXPECT_EQ(hw.gcsr_reads, HW_CSRS_SAVED);

	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_enter), 1);
	r = shim_trace_last(SHIM_EV_kvm_enter);
	KT_EXPECT_EQ(shim_trace_field(r, "pc"), 0x1000);
	r = shim_trace_last(SHIM_EV_kvm_exit);
	KT_EXPECT(r);
	KT_EXPECT_EQ(shim_trace_field(r, "vcpu_id"), 0);
	KT_EXPECT_EQ(shim_trace_field(r, "reason"), EXCCODE_TLBL);
	KT_EXPECT_EQ(shim_trace_field(r, "esubcode"), 1);
	KT_EXPECT_EQ(shim_trace_field(r, "pc"), 0x1004);
	KT_EXPECT_EQ(shim_trace_field(r, "badv"), 0xbad1);
	r = shim_trace_last(SHIM_EV_kvm_out);
	KT_EXPECT_EQ(shim_trace_field(r, "exit_reason"), KVM_EXIT_MMIO);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_reenter), 0);
	vcpu_free();
	return KT_PASS;
}

static int exit_count;

static int exit_resume_twice(struct kvm_vcpu *vcpu)
{
	if (++exit_count < 3)
		return RESUME_GUEST;
	vcpu->run->exit_reason = KVM_EXIT_DEBUG;
	return RESUME_HOST;
}

/* Interrupt exits and handled exits re-enter; each re-entry traced. */
/* four rounds: a host interrupt, a GSPR, two HVCs; the second HVC goes out */
static void script_irq_gspr_hvc_hvc(void)
{
	guest_exits = 0;
	exit_count = 0;
	guest_ecodes[0] = 0;			/* host interrupt */
	guest_ecodes[1] = EXCCODE_GSPR;
	guest_ecodes[2] = EXCCODE_HVC;
	guest_ecodes[3] = EXCCODE_HVC;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_resume_twice;
}

KTEST(run_reenters_until_host_exit)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	script_irq_gspr_hvc_hvc();
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(shim_switch_calls, 4);
	KT_EXPECT_EQ(shim_ops.exit_handle, 3);	/* not for the interrupt */
	KT_EXPECT_EQ(vcpu->stat.int_exits, 1);
	KT_EXPECT_EQ(vcpu->stat.ecode_exits[0], 1);
	KT_EXPECT_EQ(vcpu->stat.ecode_exits[EXCCODE_GSPR], 1);
	KT_EXPECT_EQ(vcpu->stat.ecode_exits[EXCCODE_HVC], 2);
	KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_DEBUG], 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit), 4);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_reenter), 3);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_enter), 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_out), 1);
	KT_EXPECT_EQ(shim_switch_irqs_off, 1);
	vcpu_free();
	return KT_PASS;
}

/*
 * With kvmla_trace_key off every round runs the plain copies: the exit
 * dispatcher, the TLB requests, the timer's save and restore (put, load)
 * are reached as _plain, and the only events checked are kvm_enter and
 * kvm_out, once per KVM_RUN; with it on, every one is the traced copy.
 */
KTEST(run_plain_rounds_check_no_event)
{
	for (int on = 0; on < 2; on++) {
		struct kvm_vcpu *vcpu = vcpu_new();

		shim_trace_on = on;
		script_irq_gspr_hvc_hvc();
		KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
		KT_EXPECT_EQ(shim_switch_calls, 4);
		KT_EXPECT_EQ(shim_ops.exit_handle, 3);
		KT_EXPECT_EQ(shim_ops.exit_handle_traced, on ? 3 : 0);
		KT_EXPECT_EQ(shim_ops.tlb_serve, 4);
		KT_EXPECT_EQ(shim_ops.tlb_serve_traced, on ? 4 : 0);
		KT_EXPECT_EQ(shim_ops.fpu_load, 4);
		KT_EXPECT_EQ(shim_ops.fpu_load_traced, on ? 4 : 0);
		/* vcpu_load's restore, vcpu_put's save */
		KT_EXPECT_EQ(shim_ops.timer_restore, 1);
		KT_EXPECT_EQ(shim_ops.timer_save, 1);
		KT_EXPECT_EQ(shim_ops.timer_traced, on ? 2 : 0);
		KT_EXPECT_EQ(vcpu->stat.ecode_exits[EXCCODE_HVC], 2);
		KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_DEBUG], 1);
		KT_EXPECT_EQ(shim_trace_checks_off, on ? 0 : 2);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_exit), on ? 4 : 0);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_reenter), on ? 3 : 0);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vcpu_load), on);
		KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_vcpu_put), on);
		vcpu_free();
	}
	return KT_PASS;
}

KTEST(run_signal_exits_counted)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	const struct shim_trace_rec *r;

	shim_signal = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EINTR);
	KT_EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_INTR);
	KT_EXPECT_EQ(vcpu->stat.signal_exits, 1);
	KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_INTR], 1);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	r = shim_trace_last(SHIM_EV_kvm_out);
	KT_EXPECT_EQ(shim_trace_field(r, "exit_reason"), KVM_EXIT_INTR);
	KT_EXPECT_EQ(shim_sigset, 0);
	shim_signal = 0;
	vcpu_free();
	return KT_PASS;
}

/*
 * A signal that only vmlinux's xfer_to_guest_mode_handle_work() sees (it
 * arrived after our own check) is counted in the slot vmlinux writes and
 * reaches our signal_exits; no guest CSR changes.  Oracle: kernel/entry/
 * kvm.c (kvm_handle_signal_exit: exit_reason KVM_EXIT_INTR, one
 * signal_exits increment, -EINTR).
 */
KTEST(run_signal_seen_by_vmlinux_counted_once)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	u64 csrs[KVMLA_GCSR_SLOTS];

	memcpy(csrs, vcpu->arch.gcsr, sizeof(csrs));
	shim_xfer_signal = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EINTR);
	KT_EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_INTR);
	KT_EXPECT_EQ(vcpu->stat.signal_exits, 1);
	KT_EXPECT_EQ(vcpu->arch.vmlinux_signal_exits, 0);
	KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_INTR], 1);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	KT_EXPECT(!memcmp(csrs, vcpu->arch.gcsr, sizeof(csrs)));
	vcpu_free();
	return KT_PASS;
}

static void guest_then_signal(struct kvm_vcpu_arch *arch)
{
	arch->exit_estat = 0;			/* interrupt exit */
	shim_signal = 1;
}

KTEST(run_signal_after_interrupt_exit)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	shim_guest = guest_then_signal;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EINTR);
	KT_EXPECT_EQ(shim_switch_calls, 1);
	KT_EXPECT_EQ(vcpu->stat.int_exits, 1);
	KT_EXPECT_EQ(vcpu->stat.signal_exits, 1);
	KT_EXPECT_EQ(shim_trace_count(SHIM_EV_kvm_reenter), 1);
	shim_signal = 0;
	vcpu_free();
	return KT_PASS;
}

KTEST(run_early_returns)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	/* immediate_exit: nothing runs. */
	vcpu->wants_to_run = false;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EINTR);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	vcpu->wants_to_run = true;
	/* Completing a user exit failed. */
	shim_ops.complete_user_ret = -EFAULT;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EFAULT);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	shim_ops.complete_user_ret = 0;
	/* Pending work failed (xfer_to_guest_mode_handle_work). */
	shim_xfer_ret = -EIO;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EIO);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	shim_xfer_ret = 0;
	KT_EXPECT_EQ(shim_sigset, 0);
	vcpu_free();
	return KT_PASS;
}

/* Work or a request arriving with IRQs off sends us round again. */
KTEST(run_retries_entry_on_late_request)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	guest_exits = 0;
	guest_ecodes[0] = EXCCODE_TLBS;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_to_user_mmio;
	kvm_make_request(KVM_REQ_TLB_FLUSH, vcpu);
	shim_xfer_work = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(shim_ops.tlb_flush_all, 1);
	KT_EXPECT_EQ(shim_ops.irq_deliver, 1);
	KT_EXPECT_EQ(shim_switch_calls, 1);

	/* A request raised once IRQs are off: back round, then entry. */
	guest_exits = 0;
	shim_switch_calls = 0;
	shim_ops.irq_deliver = 0;
	shim_ops.deliver_raises_request = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(shim_ops.irq_deliver, 2);
	KT_EXPECT_EQ(shim_ops.tlb_flush_all, 2);
	KT_EXPECT_EQ(shim_switch_calls, 1);
	KT_EXPECT_EQ(vcpu->mode, OUTSIDE_GUEST_MODE);
	KT_EXPECT_EQ(shim_irqs_off, 0);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: the kick protocol of generic KVM (kvm_vcpu_kick IPIs only a
 * vCPU it sees IN_GUEST_MODE; KVM_INTERRUPT queues without a request),
 * and upstream's kvm_pre_enter_guest, which stores IN_GUEST_MODE before
 * kvm_deliver_intr: an interrupt queued after delivery looked must find
 * the vCPU in guest mode and kick it out.
 */
KTEST(run_in_guest_mode_before_delivery)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	guest_exits = 0;
	guest_ecodes[0] = EXCCODE_TLBS;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_to_user_mmio;
	shim_ops.mode_at_deliver = -1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(shim_ops.irq_deliver, 1);
	KT_EXPECT_EQ(shim_ops.mode_at_deliver, IN_GUEST_MODE);
	KT_EXPECT_EQ(vcpu->mode, OUTSIDE_GUEST_MODE);
	vcpu_free();
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_pre_enter_guest clears KVM_LARCH_SWCSR_LATEST
 * once delivery has written the guest CSRs, before it may still leave
 * without entering; otherwise the put skips the save and a delivered
 * interrupt (ESTAT) is lost when the vCPU is reloaded elsewhere.
 */
KTEST(run_delivery_then_exit_keeps_delivered_csrs)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	shim_ops.deliver_estat = BIT(KVMLA_INT_IPI);
	/* a request and a signal arrive after delivery: no entry */
	shim_ops.deliver_raises_request = 1;
	shim_ops.deliver_signals = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EINTR);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	KT_EXPECT_EQ(shim_ops.irq_deliver, 1);
	KT_EXPECT_EQ(vcpu->arch.gcsr[LOONGARCH_CSR_ESTAT] & BIT(KVMLA_INT_IPI),
		     BIT(KVMLA_INT_IPI));
	KT_EXPECT(vcpu->arch.flags & KVMLA_VCPU_SW_LATEST);
	/* reloaded on another CPU, the interrupt is still there */
	shim_cpu = 1;
	hw.gcsr[LOONGARCH_CSR_ESTAT] = 0;
	kvm_arch_vcpu_load(vcpu, 1);
	KT_EXPECT_EQ(hw.gcsr[LOONGARCH_CSR_ESTAT] & BIT(KVMLA_INT_IPI),
		     BIT(KVMLA_INT_IPI));
	kvm_arch_vcpu_put(vcpu);
	shim_cpu = 0;
	shim_signal = 0;
	vcpu_free();
	return KT_PASS;
}

/* An ecode beyond the catalog is counted as unknown, still dispatched. */
KTEST(run_unknown_ecode_counted)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	guest_exits = 0;
	guest_ecodes[0] = 40;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_to_user_mmio;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(vcpu->stat.unknown_exits, 1);
	KT_EXPECT_EQ(shim_ops.exit_handle, 1);
	for (int i = 0; i <= KVMLA_ECODE_MAX; i++)
		KT_EXPECT_EQ(vcpu->stat.ecode_exits[i], 0);
	vcpu_free();
	return KT_PASS;
}

KTEST(run_requests_leave_or_serve)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	kvm_make_request(KVM_REQ_VM_DEAD, vcpu);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), -EIO);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	shim_dirty_ring_full = 1;
	kvm_make_request(KVM_REQ_DIRTY_RING_SOFT_FULL, vcpu);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(vcpu->run->exit_reason, KVM_EXIT_DIRTY_RING_FULL);
	KT_EXPECT_EQ(vcpu->stat.user_exits[KVM_EXIT_DIRTY_RING_FULL], 1);
	KT_EXPECT_EQ(shim_switch_calls, 0);
	shim_dirty_ring_full = 0;
	vcpu_free();
	return KT_PASS;
}

/* Steal time: odd/even version, run_delay since the last report. */
KTEST(run_steal_time_update)
{
	struct kvm_vcpu *vcpu = vcpu_new();
	struct kvm_steal_time *st = (void *)(shim_guest_mem + 0x1000);
	u64 gpa = 0x1000 | KVM_STEAL_PHYS_VALID;

	memset(shim_guest_mem, 0, sizeof(shim_guest_mem));
	test_kvm.nr_slots = 1;
	test_kvm.slots[0].npages = 4;
	shim_task.sched_info.run_delay = 1000;
	KT_EXPECT_EQ(attr(vcpu, KVM_SET_DEVICE_ATTR,
			  KVM_LOONGARCH_VCPU_PVTIME_CTRL,
			  KVM_LOONGARCH_VCPU_PVTIME_GPA, &gpa), 0);
	shim_task.sched_info.run_delay = 1700;
	guest_exits = 0;
	guest_ecodes[0] = EXCCODE_TLBL;
	shim_guest = guest_script;
	shim_ops.exit_handle_fn = exit_to_user_mmio;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(st->steal, 700);
	KT_EXPECT_EQ(st->version, 2);
	KT_EXPECT(!kvm_test_request(KVM_REQ_STEAL_UPDATE, vcpu));

	/* A load (rescheduled) asks for another update. */
	kvm_arch_vcpu_load(vcpu, 0);
	KT_EXPECT(kvm_test_request(KVM_REQ_STEAL_UPDATE, vcpu));
	shim_task.sched_info.run_delay = 1750;
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(st->steal, 750);
	KT_EXPECT_EQ(st->version, 4);
	KT_EXPECT_EQ(test_kvm.srcu.readers, 0);

	/* An area outside guest memory is skipped, not a failure. */
	vcpu->arch.pvtime_gpa = (2UL * SHIM_GUEST_MEM) | KVM_STEAL_PHYS_VALID;
	kvm_make_request(KVM_REQ_STEAL_UPDATE, vcpu);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(test_kvm.srcu.readers, 0);
	/* Switched off (valid bit clear): nothing is written. */
	vcpu->arch.pvtime_gpa = 0x1000;
	shim_task.sched_info.run_delay = 5000;
	kvm_make_request(KVM_REQ_STEAL_UPDATE, vcpu);
	KT_EXPECT_EQ(kvm_arch_vcpu_ioctl_run(vcpu), RESUME_HOST);
	KT_EXPECT_EQ(st->steal, 750);
	KT_EXPECT_EQ(st->version, 4);
	vcpu_free();
	return KT_PASS;
}

KTEST(misc_hooks)
{
	struct kvm_vcpu *vcpu = vcpu_new();

	shim_ops.irq_pending = 1;
	KT_EXPECT_EQ(kvm_arch_vcpu_runnable(vcpu), 1);
	KT_EXPECT_EQ(kvm_cpu_has_pending_timer(vcpu), 1);
	shim_ops.irq_pending = 0;
	KT_EXPECT_EQ(kvm_arch_vcpu_runnable(vcpu), 0);
	vcpu->mode = IN_GUEST_MODE;
	KT_EXPECT_EQ(kvm_arch_vcpu_should_kick(vcpu), 1);
	KT_EXPECT_EQ(vcpu->mode, EXITING_GUEST_MODE);
	KT_EXPECT_EQ(kvm_arch_vcpu_should_kick(vcpu), 0);
	KT_EXPECT(!kvm_arch_vcpu_in_kernel(vcpu));
	KT_EXPECT(!kvm_arch_vcpu_preempted_in_kernel(vcpu));
	kvm_arch_vcpu_blocking(vcpu);
	kvm_arch_vcpu_unblocking(vcpu);
	KT_EXPECT_EQ(shim_ops.timer_block, 1);
	KT_EXPECT_EQ(shim_ops.timer_unblock, 1);
	vcpu_free();
	return KT_PASS;
}

/* ---- binary stats ---- */

static const struct kvm_stats_desc *stat_by_name(const char *name)
{
	for (u32 i = 0; i < kvm_vcpu_stats_header.num_desc; i++)
		if (!strcmp(kvm_vcpu_stats_desc[i].name, name))
			return &kvm_vcpu_stats_desc[i];
	return NULL;
}

KTEST(stats_descriptors_from_catalog)
{
	const struct kvm_stats_desc *d;
	u32 n = kvm_vcpu_stats_header.num_desc;

	u64 covered = 0;

	/* Generic 11 + upstream 5 + catalog arrays + ours 19. */
	KT_EXPECT_EQ(n, 11 + 5 + KVMLA_ECODE_MAX + 1 + KVMLA_GSPR_KIND_NUM +
		     KVMLA_KVM_EXIT_NUM + 19);
	/* Every counter of struct kvm_vcpu_stat has its descriptor. */
	for (u32 i = 0; i < n; i++)
		covered += kvm_vcpu_stats_desc[i].size * sizeof(u64);
	KT_EXPECT_EQ(covered, sizeof(struct kvm_vcpu_stat));
	d = stat_by_name("exit_gspr");
	KT_EXPECT(d);
	KT_EXPECT_EQ(d->offset, offsetof(struct kvm_vcpu_stat, ecode_exits) +
		     EXCCODE_GSPR * sizeof(u64));
	KT_EXPECT_EQ(d->size, 1);
	KT_EXPECT_EQ(d->flags & KVM_STATS_TYPE_MASK, KVM_STATS_TYPE_CUMULATIVE);
	d = stat_by_name("gspr_iocsr");
	KT_EXPECT(d);
	KT_EXPECT_EQ(d->offset, offsetof(struct kvm_vcpu_stat, gspr_exits) +
		     2 * sizeof(u64));
	d = stat_by_name("user_exit_loongarch_iocsr");
	KT_EXPECT(d);
	KT_EXPECT_EQ(d->offset, offsetof(struct kvm_vcpu_stat, user_exits) +
		     KVM_EXIT_LOONGARCH_IOCSR * sizeof(u64));
	d = stat_by_name("signal_exits");
	KT_EXPECT(d);
	KT_EXPECT_EQ(d->offset, offsetof(struct kvm_vcpu_stat, signal_exits));
	KT_EXPECT(stat_by_name("halt_wait_hist"));
	/* Names are unique and fit; offsets stay inside the stats. */
	for (u32 i = 0; i < n; i++) {
		KT_EXPECT(strlen(kvm_vcpu_stats_desc[i].name) <
			  KVM_STATS_NAME_SIZE);
		KT_EXPECT(kvm_vcpu_stats_desc[i].offset +
			  kvm_vcpu_stats_desc[i].size * sizeof(u64) <=
			  sizeof(struct kvm_vcpu_stat));
		for (u32 j = i + 1; j < n; j++)
			KT_EXPECT(strcmp(kvm_vcpu_stats_desc[i].name,
					 kvm_vcpu_stats_desc[j].name));
	}
	KT_EXPECT_EQ(kvm_vcpu_stats_header.desc_offset,
		     sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE);
	/*
	 * Oracle: upstream's kvm_vcpu_stats_desc (arch/loongarch/kvm/vcpu.c)
	 * lists its five counters right after the generic ones, in this
	 * order; a reader that takes a bounded prefix of the descriptors
	 * (the e2e VMM keeps the first 48) still finds them.
	 */
	{
		static const char *const up[] = { "int_exits", "idle_exits",
			"cpucfg_exits", "signal_exits", "hypercall_exits" };

		for (u32 i = 0; i < ARRAY_SIZE(up); i++)
			KT_EXPECT_EQ(strcmp(kvm_vcpu_stats_desc[11 + i].name,
					    up[i]), 0);
	}
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(create_reset_state),
	KTEST_CASE(destroy_forgets_vcpu_everywhere),
	KTEST_CASE(one_reg_every_qemu_csr_round_trips),
	KTEST_CASE(one_reg_id_layout),
	KTEST_CASE(one_reg_sw_csrs_are_valid_too),
	KTEST_CASE(one_reg_estat_gintc_merge),
	KTEST_CASE(one_reg_cpuid_once_and_unique),
	KTEST_CASE(one_reg_invalid_ids_and_sizes),
	KTEST_CASE(one_reg_user_copy_faults),
	KTEST_CASE(one_reg_cpucfg_rules),
	KTEST_CASE(one_reg_counter_goes_to_timer),
	KTEST_CASE(one_reg_debug_inst_is_hvcl_swdbg),
	KTEST_CASE(one_reg_vcpu_reset),
	KTEST_CASE(one_reg_lbt_registers),
	KTEST_CASE(regs_get_set),
	KTEST_CASE(fpu_full_width_copy),
	KTEST_CASE(mp_state_runnable_only),
	KTEST_CASE(guest_debug_sw_breakpoints),
	KTEST_CASE(attr_cpucfg),
	KTEST_CASE(attr_pvtime_gpa),
	KTEST_CASE(ioctl_dispatch_and_errors),
	KTEST_CASE(load_full_then_fast),
	KTEST_CASE(load_full_after_migration_or_other_vcpu),
	KTEST_CASE(put_after_run_saves_hardware),
	KTEST_CASE(load_full_clears_guest_ll_bit),
	KTEST_CASE(put_saves_gintc_every_time),
	KTEST_CASE(load_full_stops_old_timer_before_estat),
	KTEST_CASE(pending_timer_counts_hardware_ti),
	KTEST_CASE(csr_save_restore_cover_hw_list),
	KTEST_CASE(csr_restore_keeps_read_only_csrs),
	KTEST_CASE(csr_classes_from_gcsr_list),
	KTEST_CASE(estat_fields),
	KTEST_CASE(run_exit_to_userspace),
	KTEST_CASE(run_reenters_until_host_exit),
	KTEST_CASE(run_plain_rounds_check_no_event),
	KTEST_CASE(run_signal_exits_counted),
	KTEST_CASE(run_signal_after_interrupt_exit),
	KTEST_CASE(run_signal_seen_by_vmlinux_counted_once),
	KTEST_CASE(run_early_returns),
	KTEST_CASE(run_retries_entry_on_late_request),
	KTEST_CASE(run_in_guest_mode_before_delivery),
	KTEST_CASE(run_delivery_then_exit_keeps_delivered_csrs),
	KTEST_CASE(run_unknown_ecode_counted),
	KTEST_CASE(run_requests_leave_or_serve),
	KTEST_CASE(run_steal_time_update),
	KTEST_CASE(misc_hooks),
	KTEST_CASE(stats_descriptors_from_catalog),
};

int main(int argc, char **argv)
{
	return ktest_main("host/vcpu", cases, KTEST_N(cases));
}
