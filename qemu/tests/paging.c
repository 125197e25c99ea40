// SPDX-License-Identifier: GPL-2.0
/*
 * paging: a guest with its own translation on, as a Linux guest runs: GVA
 * -> GPA by the guest's direct-map windows or its own TLB (guest CSRs, guest
 * TLB entries), then GPA -> HPA by the root's stage-2 entries.  The root
 * sees GPAs only: stage-2 refills and page faults report the GPA in
 * TLBRBADV/BADV (kvm/exit.c hands badv to kvm_handle_mm_fault as the GPA;
 * the refill handler walks the GPA table), while the guest's own
 * translation faults (refill, page invalid) and its syscalls stay in the
 * guest.
 */
#include "lvzt.h"

extern char g_pload[], g_pload_hvcl[], g_fill_load[], g_fill_load_hvcl[];
extern char g_syscall[], g_grefill[], g_grefill_hvcl[];

#define GID 7
#define GDMW 0x9000000000000000UL	/* the guest's cached window (CSR_DMW1_INIT) */
#define A0 4
#define A1 5

/* Guest paging on: DMW1 = cached PLV0 window 0x9000..., CRMD PG, DATF/DATM
 * cached, vector and refill vector set; PC in the window. */
static void guest_paging(char *entry)
{
	guest_setup(GID);
	gcsr_write(0x9000000000000011UL, CSR_DMW1);
	gcsr_write(0, CSR_DMW0);
	gcsr_write(GDMW | GPA(guest_vec), CSR_EENTRY);
	gcsr_write(GPA(g_grefill), CSR_TLBRENTRY);	/* physical (guest DA) */
	gcsr_write(0xb0, CSR_CRMD);			/* PG, DATF/DATM=CC, PLV0 */
	guest_reset_regs(GDMW | GPA(entry));
}

static void dmw_load(void)
{
	volatile u32 *host = (volatile u32 *)(guest_data + 0x10);

	case_begin("guest-dmw-two-stage");
	if (need_lvz()) {
		guest_paging(g_pload);
		*host = 0xc0ffee11;
		guest_regs[A1] = GDMW | (0x4000 + 0x10);
		if (check_eq("exit ecode", guest_enter(), EC_HVC)) {
			check_eq("exit ERA (a guest virtual address)", exit_rec.era,
				 GDMW | GPA(g_pload_hvcl));
			check_eq("word loaded through guest DMW + stage 2", guest_regs[A0],
				 0xffffffffc0ffee11UL);
			check_eq("root TLB refills", tlbr_rec.count, 0);
		}
	}
	case_end();
}

static void refill_gpa(void)
{
	const u64 gpa = 0x100000 + 0x10;

	case_begin("stage2-refill-badv-is-gpa-under-guest-paging");
	if (need_lvz()) {
		guest_paging(g_pload);
		guest_regs[A1] = GDMW | gpa;
		tlbr_plan(gpa, hpa(guest_image), RW_CACHED);
		if (check_eq("exit ecode", guest_enter(), EC_HVC) &&
		    check_eq("root TLB refills", tlbr_rec.count, 1)) {
			check_eq("TLBRBADV (the GPA, not the GVA)", tlbr_rec.badv, gpa);
			check_eq("TLBRERA.PC (the guest's virtual PC)", tlbr_rec.era & ~3UL,
				 GDMW | GPA(g_pload));
			check_eq("value loaded", guest_regs[A0] & 0xffffffff,
				 *(u32 *)(guest_image + 0x10));
		}
	}
	case_end();
}

static void pil_gpa(void)
{
	const u64 gpa = 0x300000 + 0x40;

	case_begin("stage2-pil-badv-is-gpa-under-guest-paging");
	if (need_lvz()) {
		guest_paging(g_pload);
		guest_map(GID, 1, gpa, hpa(guest_image), RW_CACHED & ~TLBLO_V);
		guest_regs[A1] = GDMW | gpa;
		if (check_eq("exit ecode", guest_enter(), EC_PIL)) {
			check_eq("BADV (the GPA, not the GVA)", exit_rec.badv, gpa);
			check_eq("ERA (the guest's virtual PC)", exit_rec.era, GDMW | GPA(g_pload));
			check_eq("BADI", exit_rec.badi & 0xffffffff, *(u32 *)g_pload);
		}
	}
	case_end();
}

/* A guest TLB entry GVA 0x20000000 pair -> GPA 0x0 / 0x4000 written by the
 * guest's tlbfill from guest TLB CSRs root set with gcsrwr. */
static void prep_guest_entry(u64 lo_flags)
{
	gcsr_write(0x20000000, CSR_TLBEHI);
	gcsr_write(0x0000 | lo_flags, CSR_TLBELO0);
	gcsr_write(0x4000 | lo_flags, CSR_TLBELO1);
	gcsr_write((u64)PS_16K << TLBIDX_PS_SHIFT, CSR_TLBIDX);
}

static void guest_tlb_two_stage(void)
{
	volatile u32 *host = (volatile u32 *)(guest_data + 0x20);

	case_begin("guest-tlb-two-stage");
	if (need_lvz()) {
		guest_paging(g_fill_load);
		prep_guest_entry(RW_CACHED);
		*host = 0x7e57da7a;
		guest_regs[A1] = 0x20004020;
		if (check_eq("exit ecode", guest_enter(), EC_HVC)) {
			check_eq("exit ERA", exit_rec.era, GDMW | GPA(g_fill_load_hvcl));
			check_eq("word loaded through the guest TLB + stage 2",
				 guest_regs[A0] & 0xffffffff, 0x7e57da7a);
			check_eq("root TLB refills", tlbr_rec.count, 0);
		}
	}
	case_end();
}

/* No guest entry for the GVA: the guest's own refill, in the guest (guest
 * TLBRBADV = GVA), not an exit. */
static void guest_refill(void)
{
	case_begin("guest-tlb-refill-stays-in-guest");
	if (need_lvz()) {
		guest_paging(g_pload);
		guest_regs[A1] = 0x30000010;
		if (check_eq("exit ecode", guest_enter(), EC_HVC) &&
		    check_eq("exit ERA (the guest refill vector's hvcl, a GPA: DA mode)",
			     exit_rec.era, GPA(g_grefill_hvcl))) {
			check_eq("guest TLBRBADV", guest_regs[10], 0x30000010);
			check_eq("guest TLBRERA.PC", guest_regs[11] & ~3UL, GDMW | GPA(g_pload));
			check_eq("root TLB refills", tlbr_rec.count, 0);
		}
	}
	case_end();
}

/* A guest entry with V=0: the guest's own PIL (EXCCODE_TLBL) in its vector
 * with guest BADV = GVA. */
static void explain_grefill(void);

static void guest_pil(void)
{
	case_begin("guest-page-invalid-stays-in-guest");
	if (need_lvz()) {
		guest_paging(g_fill_load);
		prep_guest_entry(RW_CACHED & ~TLBLO_V);
		guest_regs[A1] = 0x20004020;
		guest_enter();
		explain_grefill();
		if (check_eq("exit ecode", ESTAT_ECODE(exit_rec.estat), EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl)", exit_rec.era,
			     GDMW | GPA(guest_vec_hvcl))) {
			check_eq("guest ESTAT.Ecode", ESTAT_ECODE(guest_regs[10]), EC_PIL);
			check_eq("guest ERA", guest_regs[11], GDMW | (GPA(g_fill_load) + 4));
			check_eq("guest BADV (the GVA)", guest_regs[20], 0x20004020);
		}
	}
	case_end();
}

/* An unexpected guest TLB refill: say where. */
static void explain_grefill(void)
{
	if (exit_rec.era == GPA(g_grefill_hvcl))
		fail("the guest took its own TLB refill instead (guest TLBRBADV %x TLBRERA %x, guest EENTRY %x)",
		     guest_regs[10], guest_regs[11], gcsr_read(CSR_EENTRY));
}

/* syscall (EXCCODE_SYS 11) in the guest goes to the guest's vector. */
static void guest_syscall(void)
{
	case_begin("guest-syscall-stays-in-guest");
	if (need_lvz()) {
		guest_paging(g_syscall);
		guest_enter();
		explain_grefill();
		if (check_eq("exit ecode", ESTAT_ECODE(exit_rec.estat), EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl)", exit_rec.era,
			     GDMW | GPA(guest_vec_hvcl))) {
			check_eq("guest ESTAT.Ecode", ESTAT_ECODE(guest_regs[10]), 11);
			check_eq("guest ERA", guest_regs[11], GDMW | GPA(g_syscall));
			check_eq("exits", exit_rec.count, 1);
		}
	}
	case_end();
}

void prog_main(void)
{
	dmw_load();
	refill_gpa();
	pil_gpa();
	guest_tlb_two_stage();
	guest_refill();
	guest_pil();
	guest_syscall();
}
