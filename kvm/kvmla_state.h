/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State owned by the exit, MMU, timer, interrupt, VPID/TLB and FPU concerns.
 *
 * The core embeds struct kvmla_vcpu_state as member "st" of struct
 * kvm_vcpu_arch and struct kvmla_vm_state as member "st" of struct
 * kvm_arch, and struct kvmla_vcpu_stat as member "la" of struct
 * kvm_vcpu_stat, exposing it with KVMLA_VCPU_STAT_DESCS in its binary
 * stats descriptor table (and likewise kvmla_vm_stat / KVMLA_VM_STAT_DESCS).
 *
 * Needs (from the including header): u8..u64, struct hrtimer,
 * struct loongarch_fpu, struct loongarch_lbt.
 */
#ifndef KVMLA_STATE_H
#define KVMLA_STATE_H

#include "../include/kvmla/exits.h"

/* Aux units (bits of kvmla_vcpu_state::aux_inuse / aux_want). */
#define KVMLA_AUX_FPU		(1U << 0)
#define KVMLA_AUX_LSX		(1U << 1)
#define KVMLA_AUX_LASX		(1U << 2)
#define KVMLA_AUX_LBT		(1U << 3)

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

/* Number of CSR slots in the SW CSR file (0..KVMLA_CSR_SLOTS-1). */
#define KVMLA_CSR_SLOTS		0x800

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

	/* interrupt.c: queued raises and lowers, delivered at entry. */
	unsigned long irq_pending;
	unsigned long irq_clear;

	/* timer.c */
	struct kvmla_timer timer;

	/* vmid.c: the VPID in use and the physical CPU it is valid on. */
	u64 vpid;
	int vpid_cpu;
	u8 vpid_flush;			/* KVM_REQ_TLB_FLUSH seen */

	/* fpu.c: units owned by the guest, units to load at entry. */
	u32 aux_inuse;
	u32 aux_want;
	struct loongarch_fpu fpu;
	struct loongarch_lbt lbt;
};

struct kvmla_vm_state {
	u64 time_offset;		/* guest counter minus host counter */
	u64 gpa_size;			/* bytes of guest physical space */
	void *pgd;			/* stage-2 root table */
	u64 pages;			/* leaf PTE mappings */
	u64 hugepages;			/* leaf PMD mappings */
};

/*
 * Binary stats of these concerns.  X(name): one cumulative u64 counter.
 * exits_<ecode> and gspr_<kind> are expanded from the catalog.
 */
#define KVMLA_STAT_ECODE_(c, N, k, ...)	X_(exits_##k)
#define KVMLA_STAT_GSPR_(c, N, k, ...)	X_(gspr_##k)
#define KVMLA_VCPU_STATS(X_)				\
	KVMLA_ECODES(KVMLA_STAT_ECODE_)			\
	KVMLA_GSPR_KINDS(KVMLA_STAT_GSPR_)		\
	X_(exits_unknown)				\
	X_(mmio_read_exits)				\
	X_(mmio_write_exits)				\
	X_(iocsr_read_exits)				\
	X_(iocsr_write_exits)				\
	X_(csr_sw)					\
	X_(csr_unsupported)				\
	X_(csr_pmu)					\
	X_(hvc_ipi)					\
	X_(hvc_notify)					\
	X_(hvc_swdbg)					\
	X_(hvc_unknown)					\
	X_(fault_fast)					\
	X_(fault_slow)					\
	X_(fault_mmio)					\
	X_(fault_beyond)				\
	X_(fault_wrprot)				\
	X_(fault_ifetch_mmio)				\
	X_(vpid_changes)				\
	X_(vpid_rollovers)				\
	X_(tlb_flush_all)				\
	X_(tlb_flush_gpa)				\
	X_(timer_fires)					\
	X_(timer_injects)				\
	X_(irq_delivered)				\
	X_(aux_fpu)					\
	X_(aux_lsx)					\
	X_(aux_lasx)					\
	X_(aux_lbt)

#define KVMLA_STAT_FIELD_(n)	u64 n;
struct kvmla_vcpu_stat {
	KVMLA_VCPU_STATS(KVMLA_STAT_FIELD_)
};

#define KVMLA_VM_STATS(X_)				\
	X_(mmu_unmaps)					\
	X_(mmu_ages)					\
	X_(mmu_huge_splits)				\
	X_(mmu_wrprot_pages)
struct kvmla_vm_stat {
	KVMLA_VM_STATS(KVMLA_STAT_FIELD_)
};

/* Descriptors for the core's binary stats tables (kvm_host.h in scope). */
#define KVMLA_STAT_DESC_(stype, member, n)				\
	{								\
		STATS_DESC_COMMON(KVM_STATS_TYPE_CUMULATIVE,		\
				  KVM_STATS_UNIT_NONE,			\
				  KVM_STATS_BASE_POW10, 0, 1, 0),	\
		.offset = offsetof(struct stype, member.n),		\
		.name = #n,						\
	},
#define KVMLA_VCPU_DESC_(n)	KVMLA_STAT_DESC_(kvm_vcpu_stat, la, n)
#define KVMLA_VCPU_STAT_DESCS		KVMLA_VCPU_STATS(KVMLA_VCPU_DESC_)
#define KVMLA_VM_DESC_(n)	KVMLA_STAT_DESC_(kvm_vm_stat, la, n)
#define KVMLA_VM_STAT_DESCS		KVMLA_VM_STATS(KVMLA_VM_DESC_)

/* Increment one of our counters. */
#define KVMLA_STAT_INC(vcpu, n)		((vcpu)->stat.la.n++)
#define KVMLA_VM_STAT_INC(kvm, n)	((kvm)->stat.la.n++)

#endif /* KVMLA_STATE_H */
