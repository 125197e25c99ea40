/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla lazy FPU/LSX/LASX/LBT ownership (fpu.c; the register moves are in
 * switch.S): the guest's registers, who owns the units, and the API.
 *
 * Included by asm/kvm_host.h: needs u8..u64 and BIT() from the includer.
 * Counter: aux_loads in struct kvm_vcpu_stat there.
 */
#ifndef KVMLA_KVM_FPU_H
#define KVMLA_KVM_FPU_H

struct kvm_vcpu;

/* Floating-point/SIMD registers: every FPR at its full 256 bits. */
struct kvmla_fpu {
	u64 fpr[32][4];
	u64 fcc;	/* cf0 in bits 7:0 ... cf7 in bits 63:56 */
	u32 fcsr;
} __aligned(32);

/* LBT (binary translation) registers. */
struct kvmla_lbt {
	u64 scr[4];
	u64 eflags;
	u64 ftop;	/* x87 stack top, kept with the FPU in top mode (fpu.c) */
};

/* Aux units (bits of struct kvmla_aux_state). */
#define KVMLA_AUX_FPU		BIT(0)
#define KVMLA_AUX_LSX		BIT(1)
#define KVMLA_AUX_LASX		BIT(2)
#define KVMLA_AUX_LBT		BIT(3)

/* vcpu->arch.st.aux */
struct kvmla_aux_state {
	u32 inuse;			/* units the guest owns */
	u32 want;			/* units to load at entry */
};

void kvmla_fpu_init(struct kvm_vcpu *vcpu);
/* At entry, IRQs off; _traced records kvm_aux (exit.h's convention). */
void kvmla_fpu_load_pending_plain(struct kvm_vcpu *vcpu);
void kvmla_fpu_load_pending_traced(struct kvm_vcpu *vcpu);

static __always_inline void kvmla_fpu_load_pending(struct kvm_vcpu *vcpu,
						   bool traced)
{
	if (traced)
		kvmla_fpu_load_pending_traced(vcpu);
	else
		kvmla_fpu_load_pending_plain(vcpu);
}

void kvmla_fpu_lose(struct kvm_vcpu *vcpu);		/* put: save, give up */
/* Give up guest ownership without saving (vCPU reset). */
void kvmla_fpu_reset(struct kvm_vcpu *vcpu);
/* The FPDIS/LSXDIS/LASXDIS/BTDIS exits (exit.c dispatches). */
int kvmla_fpu_exit_plain(struct kvm_vcpu *vcpu, unsigned int ecode);
int kvmla_fpu_exit_traced(struct kvm_vcpu *vcpu, unsigned int ecode);

/* _traced records kvm_aux (exit.h's convention). */
static __always_inline int kvmla_fpu_exit(struct kvm_vcpu *vcpu,
					  unsigned int ecode, bool traced)
{
	return traced ? kvmla_fpu_exit_traced(vcpu, ecode) :
			kvmla_fpu_exit_plain(vcpu, ecode);
}

/*
 * switch.S: register moves (never traced, never exported), each with the
 * condition flags and FCSR: the FPRs at 64 bits (FP), 128 bits (LSX) or
 * 256 bits (LASX).
 */
asmlinkage void kvmla_fpu_save_fp(struct kvmla_fpu *fpu);
asmlinkage void kvmla_fpu_restore_fp(struct kvmla_fpu *fpu);
asmlinkage void kvmla_fpu_save_lsx(struct kvmla_fpu *fpu);
asmlinkage void kvmla_fpu_restore_lsx(struct kvmla_fpu *fpu);
asmlinkage void kvmla_fpu_save_lasx(struct kvmla_fpu *fpu);
asmlinkage void kvmla_fpu_restore_lasx(struct kvmla_fpu *fpu);

#endif /* KVMLA_KVM_FPU_H */
