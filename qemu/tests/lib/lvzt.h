/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvzt: a bare-metal harness for checking an emulated LoongArch LVZ CPU
 * (QEMU's virt machine) against the architecture as the Linux 6.12 tree
 * encodes it.  One program prints one line per case on the UART:
 *
 *	PASS: qemu/<case>
 *	FAIL: qemu/<case>: why (got X want Y)
 *
 * and "# done <program>" at the end, then powers the machine off.
 *
 * The root side runs at PLV0 in paged mode with two direct-map windows (as
 * a LoongArch Linux host does): 0x8000... uncached, 0x9000... cached.  A
 * "guest" is a code fragment of the image run in guest mode (GSTAT.PVM +
 * ertn) in guest DA mode, its GPA space mapped by root TLB entries tagged
 * with a guest id.  Every exit lands in lib/entry.S, which saves the guest
 * GPRs in guest_regs[] and the exit CSRs in exit_rec, then returns from
 * guest_enter() with the exit's ecode.
 */
#ifndef LVZT_H
#define LVZT_H

typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;

/* CSR numbers (arch/loongarch/include/asm/loongarch.h, LOONGARCH_CSR_*). */
#define CSR_CRMD	0x0
#define CSR_PRMD	0x1
#define CSR_EUEN	0x2
#define CSR_ECFG	0x4
#define CSR_ESTAT	0x5
#define CSR_ERA		0x6
#define CSR_BADV	0x7
#define CSR_BADI	0x8
#define CSR_EENTRY	0xc
#define CSR_TLBIDX	0x10
#define CSR_TLBEHI	0x11
#define CSR_TLBELO0	0x12
#define CSR_TLBELO1	0x13
#define CSR_GTLBC	0x15
#define CSR_TRGP	0x16
#define CSR_ASID	0x18
#define CSR_STLBPS	0x1e
#define CSR_PRCFG3	0x23
#define CSR_KS0		0x30
#define CSR_KS1		0x31
#define CSR_KS2		0x32
#define CSR_KS3		0x33
#define CSR_TID		0x40
#define CSR_TCFG	0x41
#define CSR_TVAL	0x42
#define CSR_CNTC	0x43
#define CSR_TICLR	0x44
#define CSR_GSTAT	0x50
#define CSR_GCFG	0x51
#define CSR_GINTC	0x52
#define CSR_GCNTC	0x53
#define CSR_TLBRENTRY	0x88
#define CSR_TLBRBADV	0x89
#define CSR_TLBRERA	0x8a
#define CSR_TLBREHI	0x8e
#define CSR_MERRSAVE	0x95
#define CSR_DMW0	0x180
#define CSR_DMW1	0x181

/* ESTAT.Ecode values (asm/loongarch.h EXCCODE_*). */
#define EC_INT		0
#define EC_PIL		1	/* EXCCODE_TLBL */
#define EC_PIS		2	/* EXCCODE_TLBS */
#define EC_PIF		3	/* EXCCODE_TLBI */
#define EC_PME		4	/* EXCCODE_TLBM */
#define EC_INE		13
#define EC_IPE		14
#define EC_FPD		15	/* EXCCODE_FPDIS */
#define EC_SXD		16	/* EXCCODE_LSXDIS */
#define EC_GSPR		22
#define EC_HVC		23
#define EC_GCM		24

/* Field helpers over asm/loongarch.h's shifts and widths. */
#define BIT(n)			(1UL << (n))
#define FIELD(v, sh, w)		(((v) >> (sh)) & ((1UL << (w)) - 1))
#define ESTAT_ECODE(e)		FIELD(e, 16, 6)	/* CSR_ESTAT_EXC */
#define ESTAT_ESUB(e)		FIELD(e, 22, 9)	/* CSR_ESTAT_ESUBCODE */
#define ESTAT_IS(e)		FIELD(e, 0, 15)	/* CSR_ESTAT_IS */

#define GSTAT_VM		BIT(0)		/* CSR_GSTAT_VM */
#define GSTAT_PVM		BIT(1)		/* CSR_GSTAT_PVM */
#define GSTAT_GIDBIT(v)		FIELD(v, 4, 6)	/* CSR_GSTAT_GIDBIT */
#define GSTAT_GID(v)		FIELD(v, 16, 8)	/* CSR_GSTAT_GID */
#define GTLBC_USETGID		BIT(12)		/* CSR_GTLBC_USETGID */
#define GTLBC_TOTI		BIT(13)		/* CSR_GTLBC_TOTI */
#define GTLBC_TGID_SHIFT	16		/* CSR_GTLBC_TGID_SHIFT */

/* TLB entry bits (CSR_TLBLO0_*, CSR_TLBIDX_*). */
#define TLBLO_V			BIT(0)
#define TLBLO_WE		BIT(1)
#define TLBLO_MAT_CC		(1UL << 4)
#define TLBLO_G			BIT(6)
#define TLBIDX_NE		BIT(31)
#define TLBIDX_PS_SHIFT		24

#define csrrd(n)	__builtin_loongarch_csrrd_d(n)
#define csrwr(v, n)	__builtin_loongarch_csrwr_d((u64)(v), n)
#define csrxchg(v, m, n) __builtin_loongarch_csrxchg_d((u64)(v), (u64)(m), n)

static inline u64 cpucfg(u32 n)
{
	return __builtin_loongarch_cpucfg(n);
}

static inline u64 rdtime(void)
{
	u64 t, id;

	__asm__ __volatile__("rdtime.d %0, %1" : "=r"(t), "=r"(id));
	return t;
}

/* lib/entry.S */
extern u64 guest_regs[32];	/* guest GPRs at the last exit; loaded on entry */
extern u64 guest_pc;		/* where guest_enter() ertn's to */
extern u64 guest_prmd;		/* root PRMD for the ertn (PIE for root irqs) */
struct exit_rec {
	u64 estat, era, badv, badi, gstat, prmd, crmd, count;
};
extern struct exit_rec exit_rec;
struct tlbr_rec {
	u64 badv, era, gstat, gtlbc, count, ehi, lo0, lo1, save_t1;
};
extern struct tlbr_rec tlbr_rec;	/* ehi/lo0/lo1: the entry to fill */
extern char guest_image[], guest_image_end[];
u64 guest_enter(void);		/* returns the exit's ecode */

/* Guest code addresses: the guest image is mapped at GPA 0. */
#define GPA(sym)	((u64)(sym) - (u64)guest_image)
#define GUEST_SPAN	0x8000UL	/* two 16 KiB pages, one root TLB pair */

/* lib.c */
void puts_raw(const char *s);
void printf_(const char *fmt, ...);
void poweroff(void) __attribute__((noreturn));
void case_begin(const char *name);
int case_end(void);			/* prints PASS unless a check failed */
void fail(const char *fmt, ...);
int check_eq(const char *what, u64 got, u64 want);
int has_lvz(void);
int need_lvz(void);			/* fails the case when CPUCFG2.LVZ is clear */
u64 hpa(const void *p);		/* host physical address of an image symbol */

/* root exception handling (lib.c: root_exception()) */
struct exc_rec {
	u64 estat, era, badv, badi, count;
};
extern struct exc_rec exc_rec;
extern volatile int exc_expect;		/* next root exception is expected */
extern u64 exc_resume;			/* 0: ERA + 4 */
extern void (*irq_hook)(u64 estat);	/* root interrupts */

/* TLB */
u32 mtlb_index(u32 k);			/* k-th MTLB entry's TLBIDX.Index */
void tlb_put(u32 idx, u64 ehi, u64 lo0, u64 lo1, u32 ps, int gid);
int tlb_find(u64 ehi, int gid);		/* tlbsrch: index or -1 */
void guest_setup(u32 gid);		/* GSTAT.GID, GTLBC.TGID/USETGID, map image */
void guest_map(u32 gid, u32 k, u64 gpa, u64 hpa, u64 lo_flags);
void guest_reset_regs(u64 pc);
void guest_use_gid(u32 gid);
/* a root TLB refill from the guest at gpa fills this pair */
void tlbr_plan(u64 gpa, u64 hpa_, u64 lo_flags);

#define PS_16K 14

/* lib/gcsr.S */
u64 gcsr_read(u32 n);
u64 gcsr_write(u64 v, u32 n);
u64 gcsr_xchg(u64 v, u64 mask, u32 n);
void guest_csr_init(void);
int cmdline_has(const char *w);
void *exc_entry_addr(void);
extern char guest_vec[], guest_vec_hvcl[], guest_data[];
#define RW_CACHED (TLBLO_V | TLBLO_WE | TLBLO_MAT_CC | TLBLO_G)

#endif
