// SPDX-License-Identifier: GPL-2.0
/*
 * exits: entering guest mode and every exit to root a LoongArch kvm host
 * handles (kvm/exit.c), each checked for ESTAT.Ecode/Esubcode, ERA, BADV
 * and BADI, which the host decodes (inst.word = badi, gpa = badv).
 */
#include "lvzt.h"

extern char g_hello[], g_hello_hvcl[], g_cpucfg[], g_iocsrrd[], g_iocsrwr[];
extern char g_idle[], g_cacop[], g_csrrd_sw[], g_csrwr_sw[], g_csrxchg_sw[];
extern char g_load[], g_store[], g_jump[], g_fetched[], g_fetched_hvcl[];
extern char g_hwcsr[], g_hwcsr_hvcl[], g_stlbps[], g_stlbps_hvcl[];

#define GID 5
#define A0 4
#define A1 5
#define A2 6

static u32 word(const char *insn)
{
	return *(const u32 *)insn;
}

/* One exit: ecode/esubcode, ERA = the GPA of the trapping instruction,
 * and BADI = its word when want_badi. */
static int check_exit(u64 ec, u64 want_ec, const char *at, int want_badi)
{
	if (!check_eq("exits taken", exit_rec.count, 1))
		return 0;
	check_eq("exit ecode (return of guest_enter)", ec, want_ec);
	check_eq("ESTAT.Ecode", ESTAT_ECODE(exit_rec.estat), want_ec);
	check_eq("ESTAT.Esubcode", ESTAT_ESUB(exit_rec.estat), 0);
	check_eq("ERA (guest PC)", exit_rec.era, GPA(at));
	if (want_badi)
		check_eq("BADI", exit_rec.badi & 0xffffffff, word(at));
	return 1;
}

static void run(const char *name, char *entry, u64 want_ec, int want_badi)
{
	case_begin(name);
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(entry));
		guest_regs[A1] = 0x420;	/* iocsr address (MISC_FUNC), cacop base, cpucfg index */
		check_exit(guest_enter(), want_ec, entry, want_badi);
	}
	case_end();
}

/* ertn with GSTAT.PVM runs the guest: it sees its own CRMD (DA mode, as the
 * host set it through gcsrwr), and its hvcl exits to root with GSTAT.PVM set
 * and GSTAT.VM clear (CSR_GSTAT_PVM/VM). */
static void guest_enter_exit(void)
{
	u64 ec;

	case_begin("guest-enter-hvcl-exit");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_hello));
		ec = guest_enter();
		if (check_exit(ec, EC_HVC, g_hello_hvcl, 1)) {
			check_eq("guest a0 at exit", guest_regs[A0], 0x1234);
			check_eq("GSTAT.PVM|VM at exit", exit_rec.gstat & 3, GSTAT_PVM);
			check_eq("GSTAT.GID at exit", GSTAT_GID(exit_rec.gstat), GID);
			check_eq("GSTAT.PVM|VM after the exit handler",
				 csrrd(CSR_GSTAT) & 3, 0);
		}
	}
	case_end();

	case_begin("guest-da-mode");
	if (need_lvz() && exit_rec.count == 1)
		/* CRMD: DA=1 (bit 3), PG=0, PLV0, IE=0 */
		check_eq("guest CRMD read in the guest", guest_regs[A1] & 0x1ff, 0x8);
	case_end();

	case_begin("guest-resume-after-hvcl");
	if (need_lvz() && exit_rec.count == 1) {
		/* the host's update_pc(): resume at ERA + 4 */
		guest_pc = exit_rec.era + 4;
		ec = guest_enter();
		check_eq("second exit ecode", ec, EC_HVC);
		check_eq("second exit ERA (the b back to hvcl, then hvcl)",
			 exit_rec.era, GPA(g_hello_hvcl));
		check_eq("exits", exit_rec.count, 2);
	}
	case_end();
}

/*
 * Stage 2: the guest's GPA is translated by root TLB entries tagged with
 * its guest id.  No entry: a root TLB refill with TLBRBADV = GPA (the kvm
 * host's refill handler walks the GPA page table, kvm/switch.S loads PGDL
 * with it), TLBRERA = guest PC, taken with GSTAT.PVM set (its ertn returns
 * to the guest).
 */
static void stage2_refill_load(void)
{
	const u64 gpa = 0x100000 + 0x10;
	u64 ec;

	case_begin("stage2-refill-load");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_load));
		guest_regs[A1] = gpa;
		tlbr_plan(gpa, hpa(guest_image), RW_CACHED);
		ec = guest_enter();
		if (check_eq("root TLB refills", tlbr_rec.count, 1)) {
			check_eq("TLBRBADV", tlbr_rec.badv, gpa);
			check_eq("TLBRERA.PC", tlbr_rec.era & ~3UL, GPA(g_load));
			check_eq("GSTAT.PVM in the refill handler",
				 tlbr_rec.gstat & GSTAT_PVM, GSTAT_PVM);
		}
		check_eq("exit after the refill", ec, EC_HVC);
		check_eq("value the guest loaded through the new entry",
			 guest_regs[A0] & 0xffffffff, *(u32 *)(guest_image + 0x10));
	}
	case_end();
}

static void stage2_refill_store(void)
{
	const u64 gpa = 0x180000 + 0x4000 + 0x20;	/* odd page of the pair */
	volatile u32 *host = (volatile u32 *)(guest_data + 0x20);
	u64 ec;

	case_begin("stage2-refill-store");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_store));
		guest_regs[A1] = gpa;
		guest_regs[A2] = 0x5eed1234;
		*host = 0;
		tlbr_plan(gpa, hpa(guest_image), RW_CACHED);
		ec = guest_enter();
		if (check_eq("root TLB refills", tlbr_rec.count, 1)) {
			check_eq("TLBRBADV", tlbr_rec.badv, gpa);
			check_eq("TLBRERA.PC", tlbr_rec.era & ~3UL, GPA(g_store));
		}
		check_eq("exit after the refill", ec, EC_HVC);
		check_eq("word stored by the guest, read by root at the HPA", *host,
			 0x5eed1234);
	}
	case_end();
}

static void stage2_refill_fetch(void)
{
	const u64 base = 0x200000;
	u64 ec;

	case_begin("stage2-refill-fetch");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_jump));
		guest_regs[A1] = base + GPA(g_fetched);
		tlbr_plan(base, hpa(guest_image), RW_CACHED);
		ec = guest_enter();
		if (check_eq("root TLB refills", tlbr_rec.count, 1)) {
			check_eq("TLBRBADV", tlbr_rec.badv, base + GPA(g_fetched));
			check_eq("TLBRERA.PC", tlbr_rec.era & ~3UL, base + GPA(g_fetched));
		}
		check_eq("exit after the refill", ec, EC_HVC);
		check_eq("ERA of the hvcl fetched through the new entry", exit_rec.era,
			 base + GPA(g_fetched_hvcl));
		check_eq("guest a0", guest_regs[A0], 0x77);
	}
	case_end();
}

/*
 * Stage-2 entry present but invalid (V=0) or clean (D=0): PIL/PIS/PIF/PME
 * (EXCCODE_TLBL/TLBS/TLBI/TLBM) to root with BADV = GPA and ERA = guest PC;
 * the host reads the GPA from BADV and, for MMIO, decodes BADI.
 */
static void stage2_fault(const char *name, char *entry, u64 gpa, u64 lo_flags,
			 u64 want_ec, u64 want_era, int want_badi)
{
	u64 ec;

	case_begin(name);
	if (need_lvz()) {
		guest_setup(GID);
		guest_map(GID, 1, gpa, hpa(guest_image), lo_flags);
		guest_reset_regs(GPA(entry));
		guest_regs[A1] = gpa;
		guest_regs[A2] = 0xabcd;
		ec = guest_enter();
		check_eq("root TLB refills", tlbr_rec.count, 0);
		if (check_eq("exits taken", exit_rec.count, 1)) {
			check_eq("exit ecode", ec, want_ec);
			check_eq("ESTAT.Ecode", ESTAT_ECODE(exit_rec.estat), want_ec);
			check_eq("BADV (GPA)", exit_rec.badv, gpa);
			check_eq("ERA (guest PC)", exit_rec.era, want_era);
			if (want_badi)
				check_eq("BADI", exit_rec.badi & 0xffffffff, word(entry));
		}
	}
	case_end();
}

/* Guest csrrd/csrwr of a CSR in the guest CSR file (HW_GCSR in
 * kvm_init_gcsr_flag, e.g. KS1/KS2) run in the guest without an exit, on
 * the registers root reaches with gcsrrd/gcsrwr. */
static void hw_csr_no_exit(void)
{
	case_begin("guest-hw-csr-no-exit");
	if (need_lvz()) {
		guest_setup(GID);
		gcsr_write(0x1357, CSR_KS1);
		gcsr_write(0, CSR_KS2);
		csrwr(0xabc, CSR_KS2);		/* the root's KS2 (kvm keeps state in KSn) */
		guest_reset_regs(GPA(g_hwcsr));
		guest_regs[A2] = 0x2468;
		if (check_exit(guest_enter(), EC_HVC, g_hwcsr_hvcl, 1)) {
			check_eq("guest KS1 read in the guest", guest_regs[A0], 0x1357);
			check_eq("guest KS2 by gcsrrd after the guest's csrwr",
				 gcsr_read(CSR_KS2), 0x2468);
			check_eq("root KS2 after the guest's csrwr", csrrd(CSR_KS2), 0xabc);
		}
	}
	case_end();
}

/*
 * STLBPS.PS (bits 5:0, CSR_STLBPGSIZE_PS in asm/loongarch.h) is the page
 * size of the STLB; the 6.12 kernel sets it with write_csr_stlbpgsize()
 * (arch/loongarch/mm/tlb.c) and kvm puts the guest's with gcsrwr.  The
 * guest's own csrwr stores it as the root's does: 14 (16 KiB), an LA464
 * page size (PRCFG2 bit 14), then 12 back.
 */
static void stlbps_write(void)
{
	case_begin("guest-csrwr-stlbps-stores");
	if (need_lvz()) {
		guest_setup(GID);
		gcsr_write(12, CSR_STLBPS);
		guest_reset_regs(GPA(g_stlbps));
		guest_regs[A2] = 14;
		if (check_exit(guest_enter(), EC_HVC, g_stlbps_hvcl, 1)) {
			check_eq("old value from the guest's csrwr", guest_regs[A2], 12);
			check_eq("the guest's read back", guest_regs[A0], 14);
			check_eq("gcsrrd STLBPS", gcsr_read(CSR_STLBPS), 14);
		}
		gcsr_write(12, CSR_STLBPS);
	}
	case_end();

	case_begin("root-csrwr-stlbps-stores");
	{
		u64 old = csrrd(CSR_STLBPS);

		csrwr(14, CSR_STLBPS);
		check_eq("root STLBPS after csrwr 14", csrrd(CSR_STLBPS), 14);
		csrwr(old, CSR_STLBPS);
		check_eq("root STLBPS restored", csrrd(CSR_STLBPS), old);
	}
	case_end();
}

/* An exit to root saves into the root's ESTAT/ERA/BADV/BADI/PRMD: the
 * guest's own copies (which the host saves and restores as guest state)
 * stay as they were. */
static void exit_leaves_guest_csrs(void)
{
	case_begin("exit-leaves-guest-csrs");
	if (need_lvz()) {
		guest_setup(GID);
		gcsr_write(0x1230, CSR_ERA);
		gcsr_write(0x4560, CSR_BADV);
		gcsr_write(0x5, CSR_PRMD);
		guest_reset_regs(GPA(g_cpucfg));
		guest_regs[A1] = 2;
		if (check_exit(guest_enter(), EC_GSPR, g_cpucfg, 1)) {
			check_eq("guest ERA", gcsr_read(CSR_ERA), 0x1230);
			check_eq("guest BADV", gcsr_read(CSR_BADV), 0x4560);
			check_eq("guest PRMD", gcsr_read(CSR_PRMD) & 0x7, 0x5);
			check_eq("guest ESTAT.Ecode", ESTAT_ECODE(gcsr_read(CSR_ESTAT)), 0);
		}
	}
	case_end();
}

/*
 * Stage-2 entries match on the guest id: an entry for another guest id, or a
 * root entry, at the GPA does not translate for this guest (it refills).
 */
static void stage2_gid_match(const char *name, int other_gid)
{
	const u64 gpa = 0x100000 + 0x10;

	case_begin(name);
	if (need_lvz()) {
		guest_setup(GID);
		guest_map(other_gid, 1, gpa, hpa(guest_image) + 0x4000, RW_CACHED);
		guest_use_gid(GID);
		guest_reset_regs(GPA(g_load));
		guest_regs[A1] = gpa;
		tlbr_plan(gpa, hpa(guest_image), RW_CACHED);
		if (check_eq("exit", guest_enter(), EC_HVC)) {
			check_eq("root TLB refills", tlbr_rec.count, 1);
			check_eq("value loaded through this guest's own entry",
				 guest_regs[A0] & 0xffffffff, *(u32 *)(guest_image + 0x10));
		}
	}
	case_end();
}

void prog_main(void)
{
	guest_enter_exit();
	hw_csr_no_exit();
	stlbps_write();
	exit_leaves_guest_csrs();
	stage2_gid_match("stage2-other-gid-entry-not-used", GID + 1);
	stage2_gid_match("stage2-root-entry-not-used", -1);
	run("gspr-cpucfg", g_cpucfg, EC_GSPR, 1);
	run("gspr-iocsrrd", g_iocsrrd, EC_GSPR, 1);
	run("gspr-iocsrwr", g_iocsrwr, EC_GSPR, 1);
	run("gspr-cacop", g_cacop, EC_GSPR, 1);	/* GCFG.GCI = 0 (ALL) */
	run("gspr-csrrd-swcsr", g_csrrd_sw, EC_GSPR, 1);
	run("gspr-csrwr-swcsr", g_csrwr_sw, EC_GSPR, 1);
	run("gspr-csrxchg-swcsr", g_csrxchg_sw, EC_GSPR, 1);
	stage2_refill_load();
	stage2_refill_store();
	stage2_refill_fetch();
	stage2_fault("stage2-pil", g_load, 0x300000 + 0x40, RW_CACHED & ~TLBLO_V,
		     EC_PIL, GPA(g_load), 1);
	stage2_fault("stage2-pis", g_store, 0x300000 + 0x44, RW_CACHED & ~TLBLO_V,
		     EC_PIS, GPA(g_store), 1);
	stage2_fault("stage2-pme", g_store, 0x300000 + 0x48, RW_CACHED & ~TLBLO_WE,
		     EC_PME, GPA(g_store), 1);
	stage2_fault("stage2-pif", g_jump, 0x300000 + GPA(g_fetched),
		     RW_CACHED & ~TLBLO_V, EC_PIF, 0x300000 + GPA(g_fetched), 0);
	/* last: an idle that does not trap waits forever (no interrupt armed) */
	run("gspr-idle", g_idle, EC_GSPR, 1);
}
