/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla internal interfaces of the core (main.c, vm.c, vcpu.c, switch.S)
 * used across kvm/ C files.  Needs only the types kvm_internal.h (or the
 * harness shim) provides.  The exit/MMU/timer/irq/VPID/FPU side is in
 * kvmla_ops.h.
 */
#ifndef KVMLA_KVMLA_H
#define KVMLA_KVMLA_H

/* Return values of exit handlers (kvmla_ops.h has the contract). */
#ifndef RESUME_GUEST
#define RESUME_HOST	0
#define RESUME_GUEST	1
#endif

/*
 * Guest CSRs the LVZ hardware keeps per guest, by LOONGARCH_CSR_<name>.
 * vcpu.c saves and restores the PLAIN ones on put/load; timer.c owns the
 * TIMER ones (it saves and restores them itself).
 */
#define KVMLA_GCSR_HW_PLAIN(X) \
	X(CRMD) X(PRMD) X(EUEN) X(MISC) X(ECFG) X(ESTAT) X(ERA) X(BADV) \
	X(BADI) X(EENTRY) X(TLBIDX) X(TLBEHI) X(TLBELO0) X(TLBELO1) \
	X(ASID) X(PGDL) X(PGDH) X(PGD) X(PWCTL0) X(PWCTL1) X(STLBPGSIZE) \
	X(RVACFG) X(CPUID) X(PRCFG1) X(PRCFG2) X(PRCFG3) \
	X(KS0) X(KS1) X(KS2) X(KS3) X(KS4) X(KS5) X(KS6) X(KS7) \
	X(TMID) X(CNTC) X(LLBCTL) \
	X(TLBRENTRY) X(TLBRBADV) X(TLBRERA) X(TLBRSAVE) X(TLBRELO0) \
	X(TLBRELO1) X(TLBREHI) X(TLBRPRMD) \
	X(DMWIN0) X(DMWIN1) X(DMWIN2) X(DMWIN3)
#define KVMLA_GCSR_HW_TIMER(X) X(TCFG) X(TVAL) X(TINTCLR)
#define KVMLA_GCSR_HW(X) KVMLA_GCSR_HW_PLAIN(X) KVMLA_GCSR_HW_TIMER(X)

/* Guest CSRs emulated in software (kept only in vcpu->arch.gcsr[]). */
#define KVMLA_GCSR_SW(X) \
	X(IMPCTL1) X(IMPCTL2) X(MERRCTL) X(MERRINFO1) X(MERRINFO2) \
	X(MERRENTRY) X(MERRERA) X(MERRSAVE) X(CTAG) X(DEBUG) X(DERA) \
	X(DESAVE) X(FWPC) X(FWPS) X(MWPC) X(MWPS) \
	X(DB0ADDR) X(DB0MASK) X(DB0CTRL) X(DB0ASID) \
	X(DB1ADDR) X(DB1MASK) X(DB1CTRL) X(DB1ASID) \
	X(DB2ADDR) X(DB2MASK) X(DB2CTRL) X(DB2ASID) \
	X(DB3ADDR) X(DB3MASK) X(DB3CTRL) X(DB3ASID) \
	X(DB4ADDR) X(DB4MASK) X(DB4CTRL) X(DB4ASID) \
	X(DB5ADDR) X(DB5MASK) X(DB5CTRL) X(DB5ASID) \
	X(DB6ADDR) X(DB6MASK) X(DB6CTRL) X(DB6ASID) \
	X(DB7ADDR) X(DB7MASK) X(DB7CTRL) X(DB7ASID) \
	X(IB0ADDR) X(IB0MASK) X(IB0CTRL) X(IB0ASID) \
	X(IB1ADDR) X(IB1MASK) X(IB1CTRL) X(IB1ASID) \
	X(IB2ADDR) X(IB2MASK) X(IB2CTRL) X(IB2ASID) \
	X(IB3ADDR) X(IB3MASK) X(IB3CTRL) X(IB3ASID) \
	X(IB4ADDR) X(IB4MASK) X(IB4CTRL) X(IB4ASID) \
	X(IB5ADDR) X(IB5MASK) X(IB5CTRL) X(IB5ASID) \
	X(IB6ADDR) X(IB6MASK) X(IB6CTRL) X(IB6ASID) \
	X(IB7ADDR) X(IB7MASK) X(IB7CTRL) X(IB7ASID) \
	X(PERFCTRL0) X(PERFCNTR0) X(PERFCTRL1) X(PERFCNTR1) \
	X(PERFCTRL2) X(PERFCNTR2) X(PERFCTRL3) X(PERFCNTR3)

/* Classes of guest CSR numbers (kvmla_gcsr_class[]). */
enum kvmla_gcsr_kind {
	KVMLA_GCSR_INVALID = 0,
	KVMLA_GCSR_HWCSR = 1,
	KVMLA_GCSR_SWCSR = 2,
};

/* One entry per CSR number below KVMLA_GCSR_SLOTS, built at compile time. */
extern const u8 kvmla_gcsr_class[KVMLA_GCSR_SLOTS];

static inline int kvmla_gcsr_kind(unsigned int csr)
{
	return csr < KVMLA_GCSR_SLOTS ? kvmla_gcsr_class[csr] :
					KVMLA_GCSR_INVALID;
}

/* Software CSR file of a vCPU. */
static inline u64 kvmla_sw_csr(struct kvm_vcpu *vcpu, unsigned int csr)
{
	return vcpu->arch.gcsr[csr];
}

static inline void kvmla_sw_csr_set(struct kvm_vcpu *vcpu, unsigned int csr,
				    u64 val)
{
	vcpu->arch.gcsr[csr] = val;
}

/* Guest features from the vCPU's CPUCFG words. */
static inline bool kvmla_guest_has_fpu(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_FP;
}

static inline bool kvmla_guest_has_lsx(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_LSX;
}

static inline bool kvmla_guest_has_lasx(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] & CPUCFG2_LASX;
}

static inline bool kvmla_guest_has_lbt(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cpucfg[2] &
	       (CPUCFG2_X86BT | CPUCFG2_ARMBT | CPUCFG2_MIPSBT);
}

/* main.c: per-CPU context and module-wide hardware facts. */
struct kvmla_pcpu {
	struct kvm_vcpu *last_vcpu;	/* whose guest CSRs the HW holds */
	unsigned long vpid_cache;	/* vmid.c: generation | last VPID */
};

DECLARE_PER_CPU(struct kvmla_pcpu, kvmla_pcpu);

extern unsigned long kvmla_vpid_mask;	/* from GSTAT.GIDBIT */
extern unsigned long kvmla_guest_eentry;	/* page-aligned exit vector */

bool kvmla_main_has_lvz(void);
void kvmla_main_hw_enable(void);
void kvmla_main_hw_disable(void);

/* vm.c */
int kvmla_vm_gpa_check(struct kvm *kvm, unsigned long gpa);

/* vcpu.c */
void kvmla_vcpu_csr_save(struct kvm_vcpu *vcpu);	/* HW -> SW */
void kvmla_vcpu_csr_restore(struct kvm_vcpu *vcpu);	/* SW -> HW */

/* switch.S (never traced, never exported). */
void kvmla_switch_enter(struct kvm_vcpu_arch *arch);
void kvmla_switch_exc_entry(void);
void kvmla_fpu_save_fp(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_fp(struct kvmla_fpu *fpu);
void kvmla_fpu_save_lsx(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_lsx(struct kvmla_fpu *fpu);
void kvmla_fpu_save_lasx(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_lasx(struct kvmla_fpu *fpu);

#endif /* KVMLA_KVMLA_H */
