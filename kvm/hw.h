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

/* FCSR0: the guest's while the guest owns the FPU on this CPU. */
static inline u32 kvmla_fcsr_read(void)
{
	u32 v;

	asm volatile("movfcsr2gr %0, $fcsr0" : "=r" (v));
	return v;
}

/*
 * LBT x87 stack top (asm/lbt.h): read it, set it (0..7; x86mttop takes
 * an immediate), leave top mode (FCSR.TM).  Only with EUEN.BTE set and
 * CONFIG_CPU_HAS_LBT (callers test IS_ENABLED(), so that without it no
 * LBT instruction is emitted).
 */
static inline u32 kvmla_lbt_ftop_read(void)
{
	u32 v;

	asm volatile("x86mftop %0" : "=r" (v));
	return v;
}

static inline void kvmla_lbt_ftop_write(u32 top)
{
	switch (top & 7) {
	case 0:
		asm volatile("x86mttop 0" : : : "memory");
		break;
	case 1:
		asm volatile("x86mttop 1" : : : "memory");
		break;
	case 2:
		asm volatile("x86mttop 2" : : : "memory");
		break;
	case 3:
		asm volatile("x86mttop 3" : : : "memory");
		break;
	case 4:
		asm volatile("x86mttop 4" : : : "memory");
		break;
	case 5:
		asm volatile("x86mttop 5" : : : "memory");
		break;
	case 6:
		asm volatile("x86mttop 6" : : : "memory");
		break;
	default:
		asm volatile("x86mttop 7" : : : "memory");
		break;
	}
}

static inline void kvmla_lbt_tm_clear(void)
{
	asm volatile("x86clrtm" : : : "memory");
}

/* invtlb op, info, addr: op is a constant INVTLB_* (asm/tlb.h). */
#define kvmla_invtlb(op, info, addr) ({				\
	asm volatile("invtlb %0, %1, %2"				\
		     : : "i" (op), "r" ((unsigned long)(info)),		\
		       "r" ((unsigned long)(addr)) : "memory");		\
})

#endif /* KVMLA_HW_H */
