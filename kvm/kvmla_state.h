/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State owned by the exit, MMU, timer, interrupt, VPID/TLB and FPU concerns.
 *
 * The core embeds struct kvmla_vcpu_state as member "st" of struct
 * kvm_vcpu_arch and struct kvmla_vm_state as member "st" of struct
 * kvm_arch.  Counters live in the core's struct kvm_vcpu_stat.
 *
 * Needs (from the including header): u8..u64, struct hrtimer.
 */
#ifndef KVMLA_STATE_H
#define KVMLA_STATE_H

#include "../include/kvmla/enums.h"

/* Aux units (bits of kvmla_vcpu_state::aux_inuse / aux_want). */
#define KVMLA_AUX_FPU		BIT(0)
#define KVMLA_AUX_LSX		BIT(1)
#define KVMLA_AUX_LASX		BIT(2)
#define KVMLA_AUX_LBT		BIT(3)

/* What a pending user exit must complete on the next KVM_RUN. */
enum kvmla_user_io {
	KVMLA_IO_NONE = 0,
	KVMLA_IO_MMIO_READ,
	KVMLA_IO_IOCSR_READ,
};

/* Why a CSR is trapped: built once by kvmla_exit_init(). */
enum kvmla_csr_class {
	KVMLA_CSR_UNSUPPORTED = 0,	/* reads 0, writes ignored */
	KVMLA_CSR_HW,			/* guest CSR in hardware (GCSR) */
	KVMLA_CSR_SW,			/* emulated in software */
	KVMLA_CSR_PMU,			/* SW, passed through lazily */
};

/* Timer bookkeeping between put and load. */
struct kvmla_timer {
	struct hrtimer swtimer;		/* armed only while blocked */
	u64 hz;				/* constant timer frequency */
	u64 tcfg;			/* guest TCFG at put */
	u64 tval;			/* guest TVAL at put */
	u64 expire_ns;			/* host monotonic expiry at put */
	u8 saved;			/* tcfg/tval/expire_ns valid */
	u8 armed;			/* swtimer armed */
	u8 ti_at_put;			/* TI already pending at put */
};

struct kvmla_vcpu_state {
	/* exit.c: a read userspace must complete on the next KVM_RUN. */
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

	/* interrupt.c: queued raises and lowers, delivered at entry. */
	unsigned long irq_pending;
	unsigned long irq_clear;

	/* timer.c */
	struct kvmla_timer timer;

	/* vmid.c: the VPID in use and the physical CPU it is valid on. */
	u64 vpid;
	int vpid_cpu;
	u8 vpid_flush;			/* KVM_REQ_TLB_FLUSH seen */
	u64 flush_gpa;			/* for KVM_REQ_TLB_FLUSH_GPA */

	/* fpu.c: units owned by the guest, units to load at entry. */
	u32 aux_inuse;
	u32 aux_want;
};

struct kvmla_vm_state {
	void *pgd;			/* stage-2 root table */
};

#endif /* KVMLA_STATE_H */
