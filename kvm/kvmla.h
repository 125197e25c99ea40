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

/* The binary stats header in front of a descriptor array. */
#define KVMLA_STATS_HEADER(descs) {					\
	.name_size = KVM_STATS_NAME_SIZE,				\
	.num_desc = ARRAY_SIZE(descs),					\
	.id_offset = sizeof(struct kvm_stats_header),			\
	.desc_offset = sizeof(struct kvm_stats_header) +		\
		       KVM_STATS_NAME_SIZE,				\
	.data_offset = sizeof(struct kvm_stats_header) +		\
		       KVM_STATS_NAME_SIZE + sizeof(descs),		\
}

/* Classes of guest CSR numbers (kvmla_gcsr_class[], from gcsr-list.h). */
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
/* The directly mapped copy of kvmla_switch_enter (vcpu.c calls it). */
extern void (*kvmla_switch_to_guest)(struct kvm_vcpu_arch *arch);

bool kvmla_main_has_lvz(void);
void kvmla_main_hw_enable(void);
void kvmla_main_hw_disable(void);

/* vm.c */
int kvmla_vm_gpa_check(struct kvm *kvm, unsigned long gpa);

/* vcpu.c */
void kvmla_vcpu_csr_save(struct kvm_vcpu *vcpu);	/* HW -> SW */
void kvmla_vcpu_csr_restore(struct kvm_vcpu *vcpu);	/* SW -> HW */
/* Steal-time area (gpa | KVM_STEAL_PHYS_VALID, or 0): attr or NOTIFY. */
void kvmla_vcpu_pvtime_set(struct kvm_vcpu *vcpu, u64 gpa);

/* switch.S (never traced, never exported). */
void kvmla_switch_enter(struct kvm_vcpu_arch *arch);
void kvmla_switch_exc_entry(void);
extern const unsigned long kvmla_switch_size;	/* bytes from exc_entry */
void kvmla_fpu_save_fp(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_fp(struct kvmla_fpu *fpu);
void kvmla_fpu_save_lsx(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_lsx(struct kvmla_fpu *fpu);
void kvmla_fpu_save_lasx(struct kvmla_fpu *fpu);
void kvmla_fpu_restore_lasx(struct kvmla_fpu *fpu);

#endif /* KVMLA_KVMLA_H */
