// SPDX-License-Identifier: GPL-2.0
/*
 * lvzt harness: UART output, PASS/FAIL bookkeeping, power-off, the root
 * exception handler, root TLB helpers and guest setup.
 */
#include <stdarg.h>
#include "lvzt.h"

/* virt machine: 16550 at 0x1fe001e0, GED sleep control at 0x100e001c
 * (VIRT_GED_REG_ADDR; SLP_TYP=5 (S5) at bit 2, SLP_EN bit 5). */
#define UART	((volatile unsigned char *)0x800000001fe001e0UL)
#define GED_SLEEP ((volatile unsigned char *)0x80000000100e001cUL)

const char *cmdline;
static const char *cur_case;
static int cur_failed;
static int cur_skipped;		/* named in "skip=a,b,..." (run.sh, after a hang) */

void prog_main(void);

static void putc_(char c)
{
	while (!(UART[5] & 0x20))	/* LSR.THRE */
		;
	UART[0] = c;
}

void puts_raw(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void put_hex(u64 v)
{
	int i, started = 0;

	puts_raw("0x");
	for (i = 60; i >= 0; i -= 4) {
		int d = (v >> i) & 0xf;

		if (d || started || i == 0) {
			putc_("0123456789abcdef"[d]);
			started = 1;
		}
	}
}

static void put_dec(s64 v)
{
	char b[24];
	int n = 0;
	u64 u = v < 0 ? -(u64)v : (u64)v;

	if (v < 0)
		putc_('-');
	do {
		b[n++] = '0' + u % 10;
		u /= 10;
	} while (u);
	while (n)
		putc_(b[--n]);
}

/* %s, %x (64-bit hex), %d (64-bit signed) only. */
static void vprint(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc_(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			puts_raw(va_arg(ap, const char *));
			break;
		case 'x':
			put_hex(va_arg(ap, u64));
			break;
		case 'd':
			put_dec(va_arg(ap, s64));
			break;
		default:
			putc_('%');
			putc_(*fmt);
		}
	}
}

void printf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void poweroff(void)
{
	*GED_SLEEP = (5 << 2) | 0x20;
	for (;;)
		__asm__ __volatile__("idle 0");
}

static int in_skip_list(const char *name)
{
	const char *s = cmdline;

	for (; *s; s++) {
		int i = 0;

		if (s != cmdline && s[-1] != ' ' && s[-1] != ',' && s[-1] != '=')
			continue;
		while (name[i] && s[i] == name[i])
			i++;
		if (!name[i] && (s[i] == 0 || s[i] == ' ' || s[i] == ',')) {
			/* inside a skip= word? */
			for (const char *b = s; b >= cmdline && *b != ' '; b--)
				if (b[0] == '=' && b - cmdline >= 4 && b[-4] == 's' &&
				    b[-3] == 'k' && b[-2] == 'i' && b[-1] == 'p')
					return 1;
		}
	}
	return 0;
}

void case_begin(const char *name)
{
	cur_case = name;
	cur_failed = 0;
	cur_skipped = in_skip_list(name);
	printf_("# start %s%s\n", name, cur_skipped ? " (skipped)" : "");
}

/* Only the first failure of a case is printed: one line per case. */
void fail(const char *fmt, ...)
{
	va_list ap;

	if (cur_failed++)
		return;
	printf_("FAIL: qemu/%s: ", cur_case);
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	putc_('\n');
}

int check_eq(const char *what, u64 got, u64 want)
{
	if (got == want)
		return 1;
	fail("%s (got %x want %x)", what, got, want);
	return 0;
}

int case_end(void)
{
	if (cur_skipped)
		cur_failed = 1;		/* run.sh has printed its FAIL line */
	else if (!cur_failed)
		printf_("PASS: qemu/%s\n", cur_case);
	cur_case = "(between cases)";
	return !cur_failed;
}

int has_lvz(void)
{
	return (cpucfg(2) >> 10) & 1;	/* CPUCFG2_LVZP */
}

/* "-append selftest" runs the guest paths on a CPU without LVZ (the
 * fragments then run in root mode through the same TLB entries): a check
 * of the harness's own plumbing, never of a CPU. */
int need_lvz(void)
{
	if (cur_skipped)
		return 0;
	if (has_lvz() || cmdline_has("selftest"))
		return 1;
	fail("CPUCFG2.LVZP (bit 10) is clear: no LVZ, case not run");
	return 0;
}

u64 hpa(const void *p)
{
	return (u64)p & ((1UL << 48) - 1);
}

/* ---- root exceptions ---- */
struct exc_rec exc_rec;
volatile int exc_expect;
u64 exc_resume;
void (*irq_hook)(u64 estat);

void root_exception(u64 *regs)
{
	u64 estat = csrrd(CSR_ESTAT), era = csrrd(CSR_ERA);
	u64 ec = ESTAT_ECODE(estat);

	(void)regs;
	if (ec == EC_INT && irq_hook) {
		irq_hook(estat);
		return;
	}
	if (exc_expect) {
		exc_rec.estat = estat;
		exc_rec.era = era;
		exc_rec.badv = csrrd(CSR_BADV);
		exc_rec.badi = csrrd(CSR_BADI);
		exc_rec.count++;
		exc_expect = 0;
		csrwr(exc_resume ? exc_resume : era + 4, CSR_ERA);
		exc_resume = 0;
		return;
	}
	fail("unexpected root exception ecode %d esubcode %d ERA %x BADV %x BADI %x",
	     (s64)ec, (s64)ESTAT_ESUB(estat), era, csrrd(CSR_BADV), csrrd(CSR_BADI));
	printf_("# aborted in root exception\n");
	poweroff();
}

void tlbr_fatal_report(u64 badv, u64 era)
{
	fail("unexpected TLB refill (TLBRBADV %x TLBRERA %x, refills %d, fill planned %x)",
	     badv, era, (s64)tlbr_rec.count, tlbr_rec.ehi);
	printf_("# aborted in TLB refill\n");
	poweroff();
}

/* ---- TLB ---- */
u32 mtlb_index(u32 k)
{
	u64 c3 = csrrd(CSR_PRCFG3);
	u32 sets = 1u << FIELD(c3, 20, 6);	/* CSR_CONF3_STLBIDX */
	u32 ways = FIELD(c3, 12, 8) + 1;	/* CSR_CONF3_STLBWAYS */

	if (FIELD(c3, 0, 4) < 2)		/* no STLB */
		return k;
	return sets * ways + k;
}

static void set_tgid(int gid)
{
	u64 g = csrrd(CSR_GTLBC) & ~(0xffUL << GTLBC_TGID_SHIFT);

	if (gid >= 0)
		g |= GTLBC_USETGID | ((u64)gid << GTLBC_TGID_SHIFT);
	else
		g &= ~GTLBC_USETGID;
	csrwr(g, CSR_GTLBC);
}

void tlb_put(u32 idx, u64 ehi, u64 lo0, u64 lo1, u32 ps, int gid)
{
	int lvz = has_lvz();
	u64 gtlbc = lvz ? csrrd(CSR_GTLBC) : 0;

	if (lvz)
		set_tgid(gid);
	csrwr(ehi, CSR_TLBEHI);
	csrwr(lo0, CSR_TLBELO0);
	csrwr(lo1, CSR_TLBELO1);
	csrwr(((u64)ps << TLBIDX_PS_SHIFT) | idx, CSR_TLBIDX);
	__asm__ __volatile__("tlbwr" ::: "memory");
	if (lvz)
		csrwr(gtlbc, CSR_GTLBC);
}

/* tlbsrch for ehi (with the root ASID as it is) among root entries
 * (gid < 0) or the stage-2 entries of guest gid (GTLBC.USETGID/TGID). */
int tlb_find(u64 ehi, int gid)
{
	int lvz = has_lvz();
	u64 gtlbc = lvz ? csrrd(CSR_GTLBC) : 0, idx;

	if (lvz)
		set_tgid(gid);
	csrwr(ehi, CSR_TLBEHI);
	__asm__ __volatile__("tlbsrch" ::: "memory");
	idx = csrrd(CSR_TLBIDX);
	if (lvz)
		csrwr(gtlbc, CSR_GTLBC);
	return (idx & TLBIDX_NE) ? -1 : (int)(idx & 0xfff);
}

/* Map one 32 KiB GPA pair (two 16 KiB pages) for guest gid. */
void guest_map(u32 gid, u32 k, u64 gpa, u64 hpa_, u64 lo_flags)
{
	u64 lo0 = (hpa_ & ~0xfffUL) | lo_flags;
	u64 lo1 = ((hpa_ + 0x4000) & ~0xfffUL) | lo_flags;

	tlb_put(mtlb_index(k), gpa & ~0x7fffUL, lo0, lo1, PS_16K, gid);
}

void guest_reset_regs(u64 pc)
{
	for (int i = 0; i < 32; i++)
		guest_regs[i] = 0;
	guest_pc = pc;
	guest_prmd = 0;
	exit_rec.count = 0;
	tlbr_rec.count = 0;
	tlbr_rec.ehi = 0;
}

/* The guest CSRs a test starts from: DA mode, PLV0, IE off, vector at GPA 0. */
void guest_csr_init(void)
{
	if (!has_lvz())		/* selftest on a CPU without LVZ */
		return;
	gcsr_write(0x8, CSR_CRMD);	/* CSR_CRMD_DA */
	gcsr_write(0, CSR_PRMD);
	gcsr_write(0, CSR_EUEN);
	gcsr_write(0, CSR_ECFG);
	gcsr_write(0, CSR_TCFG);
	gcsr_write(0, CSR_CNTC);	/* guest time = counter + GCNTC (+ its CNTC) */
	gcsr_write(PS_16K, CSR_STLBPS);
	gcsr_write(0, CSR_ASID);
	gcsr_write(GPA(guest_vec), CSR_EENTRY);
	/* TLBRERA.IsTLBR left set by a guest refill a case never ertn'ed from
	 * would send every later guest exception to the refill vector */
	gcsr_write(0, CSR_TLBRERA);
}

/*
 * A fresh guest: GID gid, guest DA mode at PLV0 with interrupts off, the
 * guest image mapped at GPA 0 by MTLB entry 0 (as the kvm host's refill
 * handler would: GTLBC.USETGID with TGID = the guest id).
 */
void guest_setup(u32 gid)
{
	u64 gstat = csrrd(CSR_GSTAT) & ~(0xffUL << 16);

	__asm__ __volatile__("invtlb 0, $zero, $zero" ::: "memory");
	csrwr(0, CSR_GCFG);
	csrwr(0, CSR_GINTC);
	csrwr(gstat | ((u64)gid << 16), CSR_GSTAT);
	guest_map(gid, 0, 0, hpa(guest_image), RW_CACHED);
	guest_use_gid(gid);
	guest_csr_init();
	guest_reset_regs(0);
}

/* GSTAT.GID and GTLBC.TGID/USETGID for gid, as the kvm host sets them before
 * ertn (kvm/switch.S copies GSTAT.GID into GTLBC.TGID). */
void guest_use_gid(u32 gid)
{
	csrwr((csrrd(CSR_GSTAT) & ~(0xffUL << 16)) | ((u64)gid << 16), CSR_GSTAT);
	csrwr((csrrd(CSR_GTLBC) & ~(0xffUL << GTLBC_TGID_SHIFT)) |
	      GTLBC_USETGID | ((u64)gid << GTLBC_TGID_SHIFT), CSR_GTLBC);
}

void lib_start(u64 cmdline_pa)
{
	extern char __bss_start[], __bss_end[];

	for (char *p = __bss_start; p < __bss_end; p++)
		*p = 0;
	cmdline = (const char *)(0x9000000000000000UL | cmdline_pa);
	csrwr(PS_16K, CSR_STLBPS);
	csrwr(0, CSR_ASID);
	__asm__ __volatile__("invtlb 0, $zero, $zero" ::: "memory");
	prog_main();
	printf_("# done\n");
	poweroff();
}

int cmdline_has(const char *w)
{
	const char *s = cmdline;
	int n = 0;

	while (w[n])
		n++;
	for (; *s; s++) {
		int i = 0;

		while (i < n && s[i] == w[i])
			i++;
		if (i == n && (s[i] == 0 || s[i] == ' '))
			return 1;
	}
	return 0;
}

void tlbr_plan(u64 gpa, u64 hpa_, u64 lo_flags)
{
	tlbr_rec.ehi = (gpa & ~0x7fffUL) | PS_16K;	/* TLBREHI.PS in bits 5:0 */
	tlbr_rec.lo0 = (hpa_ & ~0xfffUL) | lo_flags;
	tlbr_rec.lo1 = ((hpa_ + 0x4000) & ~0xfffUL) | lo_flags;
}

void *exc_entry_addr(void)
{
	extern char exc_entry[];

	return exc_entry;
}
