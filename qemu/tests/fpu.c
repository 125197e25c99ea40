// SPDX-License-Identifier: GPL-2.0
/*
 * fpu: the host enters the guest with its own EUEN.FPE/SXE clear and loads
 * the FPU lazily (kvm/exit.c kvm_handle_fpu_disabled/lsx_disabled for
 * EXCCODE_FPDIS 15 / EXCCODE_LSXDIS 16); the guest's own EUEN decides
 * whether the guest itself sees the disabled exception.
 */
#include "lvzt.h"

extern char g_fadd[], g_fadd_hvcl[], g_vadd[], g_vadd_hvcl[], g_fpinit[];

#define GID 6
#define D1_5  0x3ff8000000000000UL	/* 1.5 */
#define D2_25 0x4002000000000000UL	/* 2.25 */
#define D3_75 0x400e000000000000UL	/* 3.75 */

static void fpd(void)
{
	u64 ec;

	case_begin("guest-fpu-root-fpe-clear-exits-fpd");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_fpinit));
		guest_regs[4] = D1_5;
		guest_regs[5] = D2_25;
		gcsr_write(1, CSR_EUEN);	/* guest FPE */
		csrwr(0, CSR_EUEN);		/* root FPE clear */
		ec = guest_enter();
		if (check_eq("exits", exit_rec.count, 1)) {
			check_eq("exit ecode", ec, EC_FPD);
			check_eq("ERA", exit_rec.era, GPA(g_fpinit));
			check_eq("BADI", exit_rec.badi & 0xffffffff, *(u32 *)g_fpinit);
		}
	}
	case_end();

	case_begin("guest-fpu-after-root-fpe-set");
	if (need_lvz() && exit_rec.count == 1) {
		csrwr(1, CSR_EUEN);
		guest_pc = exit_rec.era;
		ec = guest_enter();
		csrwr(0, CSR_EUEN);
		if (check_eq("exit ecode", ec, EC_HVC)) {
			check_eq("exit ERA", exit_rec.era, GPA(g_fadd_hvcl));
			check_eq("1.5 + 2.25 computed by the guest", guest_regs[6], D3_75);
		}
	}
	case_end();
}

static void sxd(void)
{
	u64 ec;

	case_begin("guest-lsx-root-sxe-clear-exits-sxd");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_vadd));
		gcsr_write(3, CSR_EUEN);	/* guest FPE | SXE */
		csrwr(1, CSR_EUEN);		/* root FPE only */
		ec = guest_enter();
		csrwr(0, CSR_EUEN);
		if (check_eq("exits", exit_rec.count, 1)) {
			check_eq("exit ecode", ec, EC_SXD);
			check_eq("ERA", exit_rec.era, GPA(g_vadd));
		}
	}
	case_end();
}

/* Guest EUEN.FPE clear: the guest's own FPD, in the guest's vector. */
static void own_fpd(void)
{
	u64 ec;

	case_begin("guest-fpu-guest-fpe-clear-guest-fpd");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_fadd));
		gcsr_write(0, CSR_EUEN);
		csrwr(1, CSR_EUEN);
		ec = guest_enter();
		csrwr(0, CSR_EUEN);
		if (check_eq("exit ecode", ec, EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl)", exit_rec.era,
			     GPA(guest_vec_hvcl))) {
			check_eq("guest ESTAT.Ecode", ESTAT_ECODE(guest_regs[10]), EC_FPD);
			check_eq("guest ERA", guest_regs[11], GPA(g_fadd));
		}
	}
	case_end();
}

void prog_main(void)
{
	fpd();
	sxd();
	own_fpd();
}
