/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host harness: the names of kvm/hw.h over a simulated LoongArch CPU.
 * Guest CSRs, root CSRs and IOCSRs are plain arrays; CPUCFG words are set
 * by the test; TLB instructions are counted and recorded.  Every access is
 * counted so that tests can tell a fast path from a full reload.
 */
#ifndef KVMLA_HW_SIM_H
#define KVMLA_HW_SIM_H

#define HW_SIM_CSRS	0x1000
#define HW_SIM_IOCSRS	64

struct hw_sim {
	u64 gcsr[HW_SIM_CSRS];		/* guest CSRs (gcsrrd/gcsrwr) */
	u64 csr[HW_SIM_CSRS];		/* root CSRs (csrrd/csrwr) */
	u32 cpucfg[32];			/* CPUCFG words of this CPU */
	u64 counter;			/* rdtime.d; += counter_step per read */
	u64 counter_step;
	struct { u32 addr; u64 val; } iocsr[HW_SIM_IOCSRS];
	int nr_iocsr;
	/* access counts */
	int gcsr_reads, gcsr_writes, csr_reads, csr_writes;
	int iocsr_reads, iocsr_writes;
	int invtlb;			/* invtlb executed */
	int invtlb_op;			/* last invtlb operands */
	u64 invtlb_info, invtlb_addr;
	u64 tcfg_at_estat_write;	/* guest TCFG when ESTAT was written */
	/* FPU/SIMD register file (switch.S's kvmla_fpu_* act on it) */
	u64 fpr[32][4];
	u64 fcc;
	u32 fcsr;
	int fpu_saves, fpu_restores;
	/* LBT x87 emulation: stack top, top mode (FCSR.TM) at FPR saves */
	u32 ftop;
	int tm_at_fpu_save;		/* FCSR.TM when the FPRs were saved */
	int ftop_writes;
};

extern struct hw_sim hw;

/* Fresh simulated CPU: everything 0, counter steps by 1. */
void hw_sim_reset(void);

static inline u64 hw_sim_gcsr_read(unsigned int csr)
{
	hw.gcsr_reads++;
	return hw.gcsr[csr % HW_SIM_CSRS];
}

static inline void hw_sim_gcsr_write(unsigned int csr, u64 val)
{
	hw.gcsr_writes++;
	if (csr == LOONGARCH_CSR_ESTAT)
		hw.tcfg_at_estat_write = hw.gcsr[LOONGARCH_CSR_TCFG];
	hw.gcsr[csr % HW_SIM_CSRS] = val;
}

static inline u64 hw_sim_gcsr_xchg(unsigned int csr, u64 val, u64 mask)
{
	u64 old = hw.gcsr[csr % HW_SIM_CSRS];

	hw.gcsr_writes++;
	hw.gcsr[csr % HW_SIM_CSRS] = (old & ~mask) | (val & mask);
	return old;
}

static inline u64 hw_sim_csr_read(unsigned int csr)
{
	hw.csr_reads++;
	return hw.csr[csr % HW_SIM_CSRS];
}

static inline u64 hw_sim_csr_write(unsigned int csr, u64 val)
{
	u64 old = hw.csr[csr % HW_SIM_CSRS];

	hw.csr_writes++;
	hw.csr[csr % HW_SIM_CSRS] = val;
	return old;
}

static inline u64 hw_sim_csr_xchg(unsigned int csr, u64 val, u64 mask)
{
	u64 old = hw.csr[csr % HW_SIM_CSRS];

	hw.csr_writes++;
	hw.csr[csr % HW_SIM_CSRS] = (old & ~mask) | (val & mask);
	return old;
}

u64 hw_sim_iocsr_read(u32 addr);
void hw_sim_iocsr_write(u32 addr, u64 val);

#define kvmla_gcsr_read(csr)		hw_sim_gcsr_read(csr)
#define kvmla_gcsr_write(csr, val)	hw_sim_gcsr_write(csr, val)
#define kvmla_gcsr_xchg(csr, val, mask)	hw_sim_gcsr_xchg(csr, val, mask)
#define kvmla_csr_read(csr)		hw_sim_csr_read(csr)
#define kvmla_csr_write(csr, val)	((void)hw_sim_csr_write(csr, val))
#define kvmla_csr_xchg(csr, val, mask)	hw_sim_csr_xchg(csr, val, mask)

static inline u32 kvmla_iocsr_read32(u32 addr)
{
	return (u32)hw_sim_iocsr_read(addr);
}

static inline u64 kvmla_iocsr_read64(u32 addr)
{
	return hw_sim_iocsr_read(addr);
}

static inline void kvmla_iocsr_write32(u32 addr, u32 val)
{
	hw_sim_iocsr_write(addr, val);
}

static inline void kvmla_iocsr_write64(u32 addr, u64 val)
{
	hw_sim_iocsr_write(addr, val);
}

static inline u32 kvmla_cpucfg(u32 leaf)
{
	return leaf < 32 ? hw.cpucfg[leaf] : 0;
}

static inline u64 kvmla_stable_counter(void)
{
	u64 v = hw.counter;

	hw.counter += hw.counter_step;
	return v;
}

#define kvmla_invtlb(op, info, addr) do {				\
	hw.invtlb++;							\
	hw.invtlb_op = (op);						\
	hw.invtlb_info = (u64)(info);					\
	hw.invtlb_addr = (u64)(addr);					\
} while (0)

/* FCSR0, and the LBT stack top (asm/lbt.h: x86mftop/x86mttop/x86clrtm). */
#define KVMLA_SIM_FCSR_TM	(1U << 6)	/* loongarch.h FPU_CSR_TM */

static inline u32 kvmla_fcsr_read(void)
{
	return hw.fcsr;
}

static inline u32 kvmla_lbt_ftop_read(void)
{
	return hw.ftop;
}

static inline void kvmla_lbt_ftop_write(u32 top)
{
	hw.ftop = top & 7;
	hw.ftop_writes++;
}

static inline void kvmla_lbt_tm_clear(void)
{
	hw.fcsr &= ~KVMLA_SIM_FCSR_TM;
}

#endif /* KVMLA_HW_SIM_H */
