/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla hardware accessors: the only place where C code emits LoongArch
 * instructions.  Guest CSRs (LVZ gcsr*), root CSRs, IOCSRs, CPUCFG, the
 * guest TLB and the stable counter.  CSR numbers must be compile-time
 * constants (they are instruction immediates).
 *
 * The host harness replaces this header with tests/host/shim/hw_sim.h,
 * which gives the same names over a simulated CSR file, so keep every
 * accessor a macro or an inline with a plain signature.
 */
#ifndef KVMLA_HW_H
#define KVMLA_HW_H

/* Guest CSRs through the LVZ instructions. */
#define kvmla_gcsr_read(csr) ({					\
	unsigned long __v;						\
	asm volatile("gcsrrd %0, %1" : "=r" (__v) : "i" (csr) : "memory"); \
	__v;								\
})

#define kvmla_gcsr_write(csr, val) ({					\
	unsigned long __v = (val);					\
	asm volatile("gcsrwr %0, %1" : "+r" (__v) : "i" (csr) : "memory"); \
})

/* Writes the bits of val selected by mask; returns the old value. */
#define kvmla_gcsr_xchg(csr, val, mask) ({				\
	unsigned long __v = (val);					\
	asm volatile("gcsrxchg %0, %1, %2"				\
		     : "+r" (__v) : "r" ((unsigned long)(mask)), "i" (csr) \
		     : "memory");					\
	__v;								\
})

/* Root (host) CSRs. */
#define kvmla_csr_read(csr)		__builtin_loongarch_csrrd_d(csr)
#define kvmla_csr_write(csr, val)	\
	((void)__builtin_loongarch_csrwr_d((unsigned long)(val), csr))
#define kvmla_csr_xchg(csr, val, mask)	\
	__builtin_loongarch_csrxchg_d((unsigned long)(val),		\
				      (unsigned long)(mask), csr)

/* IOCSRs. */
static inline u32 kvmla_iocsr_read32(u32 addr)
{
	return __builtin_loongarch_iocsrrd_w(addr);
}

static inline u64 kvmla_iocsr_read64(u32 addr)
{
	return __builtin_loongarch_iocsrrd_d(addr);
}

static inline void kvmla_iocsr_write32(u32 addr, u32 val)
{
	__builtin_loongarch_iocsrwr_w(val, addr);
}

static inline void kvmla_iocsr_write64(u32 addr, u64 val)
{
	__builtin_loongarch_iocsrwr_d(val, addr);
}

/* CPUCFG word of the physical CPU. */
static inline u32 kvmla_cpucfg(u32 leaf)
{
	return __builtin_loongarch_cpucfg(leaf);
}

/* Stable counter (rdtime.d). */
static inline u64 kvmla_stable_counter(void)
{
	u64 val, id;

	asm volatile("rdtime.d %0, %1" : "=r" (val), "=r" (id));
	return val;
}

/* invtlb op, info, addr: op is a constant INVTLB_* (asm/tlb.h). */
#define kvmla_invtlb(op, info, addr) ({				\
	asm volatile("invtlb %0, %1, %2"				\
		     : : "i" (op), "r" ((unsigned long)(info)),		\
		       "r" ((unsigned long)(addr)) : "memory");		\
})

#endif /* KVMLA_HW_H */
