/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla exit dispatch (exit.c): its per-vCPU state and its API.
 *
 * Return contract of kvmla_exit_handle() and of every exit handler:
 *   RESUME_GUEST (1)  re-enter the guest;
 *   RESUME_HOST (0)   return to userspace, run->exit_reason set;
 *   -errno            fail KVM_RUN.
 *
 * Included by asm/kvm_host.h (the state is part of struct kvm_vcpu_arch):
 * needs only u8..u64 from the includer.  Counters: the exit.c group of
 * struct kvm_vcpu_stat there (hypercall_exits ... iocsr_write_exits).
 */
#ifndef KVMLA_KVM_EXIT_H
#define KVMLA_KVM_EXIT_H

#ifndef RESUME_GUEST
#define RESUME_HOST	0
#define RESUME_GUEST	1
#endif

struct kvm_vcpu;

/* What a pending user exit must complete on the next KVM_RUN. */
enum kvmla_user_io {
	KVMLA_IO_NONE = 0,
	KVMLA_IO_MMIO_READ,
	KVMLA_IO_IOCSR_READ,
};

/* vcpu->arch.st.exit */
struct kvmla_exit_state {
	/* A read userspace must complete on the next KVM_RUN. */
	u8 io_kind;			/* enum kvmla_user_io */
	u8 io_rd;			/* destination GPR */
	u8 io_len;			/* 1, 2, 4 or 8 */
	u8 io_signed;			/* sign-extend (else zero-extend) */
	u8 unknown_logged;		/* full state of an unknown exit logged */
	u8 csr_warned;			/* unsupported-CSR warning printed */

	/* An exception for the guest, raised at the next entry. */
	u8 exc_pending;
	u8 exc_ecode;
	u16 exc_esubcode;
	u32 exc_badi;
	u64 exc_badv;
};

/*
 * The dispatcher in two copies (kvmla_trace_key, trace.h): _plain with no
 * event check on any handler, _traced with every one.  @traced is a
 * constant in the run loop's copies, so the choice costs nothing there.
 */
int kvmla_exit_handle_plain(struct kvm_vcpu *vcpu);
int kvmla_exit_handle_traced(struct kvm_vcpu *vcpu);

static __always_inline int kvmla_exit_handle(struct kvm_vcpu *vcpu,
					     bool traced)
{
	return traced ? kvmla_exit_handle_traced(vcpu) :
			kvmla_exit_handle_plain(vcpu);
}

/* At KVM_RUN entry: complete an MMIO or IOCSR read userspace answered. */
int kvmla_exit_complete_user(struct kvm_vcpu *vcpu);
/* Queue an exception for the guest, raised at the next entry. */
void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
		       unsigned int esubcode, u64 badv, u32 badi);

#endif /* KVMLA_KVM_EXIT_H */
