// SPDX-License-Identifier: GPL-2.0
/*
 * timer: the guest's constant timer.  The guest's stable counter is the
 * root counter plus GCNTC (kvm/vcpu.c: write_csr_gcntc(time_offset) with
 * time_offset = guest time - drdtime()), and the guest's own timer (guest
 * TCFG/TVAL/TICLR, restored by kvm_restore_timer) interrupts the guest.
 */
#include "lvzt.h"

extern char g_rdtime[], g_rdtime_hvcl[], g_spin[], g_spin_end[], g_spin_hvcl[];

#define GID 3

/* Guest rdtime.d lies between the root counter read just before entry and
 * just after the exit, both plus GCNTC: an exact bracket, no tolerance. */
static void rdtime_offset(const char *name, u64 off)
{
	u64 t0, t1, g, ec;

	case_begin(name);
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_rdtime));
		csrwr(off, CSR_GCNTC);
		t0 = rdtime();
		ec = guest_enter();
		t1 = rdtime();
		csrwr(0, CSR_GCNTC);
		g = guest_regs[4];
		if (check_eq("exit", ec, EC_HVC) &&
		    ((s64)(g - (t0 + off)) < 0 || (s64)((t1 + off) - g) < 0))
			fail("guest rdtime.d %x outside root [%x, %x] + GCNTC %x", g, t0,
			     t1, off);
	}
	case_end();
}

/* Guest TCFG = En | 0x1000 ticks, guest ECFG.LIE TI (bit 11), guest CRMD.IE:
 * the guest takes its timer interrupt (ESTAT.IS bit 11, INT_TI) in its own
 * vector, which reports with hvcl 0x7f (a6 = guest ESTAT, a7 = guest ERA). */
static void guest_timer(void)
{
	u64 ec;

	case_begin("guest-timer-interrupt");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_spin));
		guest_regs[4] = 50000000;	/* spin bound: ~0.5 s of guest time */
		gcsr_write(BIT(11), CSR_ECFG);
		gcsr_write(0x1000 | 1, CSR_TCFG);	/* En, one-shot */
		gcsr_write(0x8 | 0x4, CSR_CRMD);	/* DA, IE */
		ec = guest_enter();
		if (check_eq("exit ecode", ec, EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl, not the spin's end)",
			     exit_rec.era, GPA(guest_vec_hvcl))) {
			check_eq("guest ESTAT.Ecode in its vector", ESTAT_ECODE(guest_regs[10]), 0);
			check_eq("guest ESTAT.IS TI (bit 11)", guest_regs[10] & BIT(11), BIT(11));
			if (guest_regs[11] < GPA(g_spin) || guest_regs[11] > GPA(g_spin_end))
				fail("guest ERA %x not in the spin loop", guest_regs[11]);
		}
	}
	case_end();

	case_begin("guest-ticlr-clears");
	if (need_lvz() && exit_rec.era == GPA(guest_vec_hvcl)) {
		check_eq("guest ESTAT TI read by gcsrrd", gcsr_read(CSR_ESTAT) & BIT(11),
			 BIT(11));
		gcsr_write(1, CSR_TICLR);
		check_eq("guest ESTAT TI after gcsrwr TICLR", gcsr_read(CSR_ESTAT) & BIT(11), 0);
		check_eq("root ESTAT TI", csrrd(CSR_ESTAT) & BIT(11), 0);
	}
	case_end();
	if (has_lvz()) {
		gcsr_write(0, CSR_TCFG);
		gcsr_write(1, CSR_TICLR);
	}
}

/*
 * A one-shot guest timer that has counted past zero has fired: the timer
 * interrupt is in the guest's ESTAT.IS bit 11 by then.  kvm.ko reads TVAL
 * and ESTAT one after the other when it puts a vCPU, and both modules'
 * restore paths take "TVAL above the initial value, TI clear" for a
 * one-shot the guest has already taken and cleared
 * (arch/loongarch/kvm/timer.c: "ticks > cfg", then TINTCLR when the saved
 * ESTAT has no TI); an emulator that lets the two disagree loses the
 * guest's timer interrupt for good.  Many short timers, each read from
 * the root as soon as TVAL shows it has fired.
 */
static void fired_means_pending(void)
{
	u64 tcfg = 0x100 | 1, tval = 0, estat = 0;	/* En, one-shot, 0x100 ticks */
	int i, spins;

	case_begin("guest-timer-fired-is-pending");
	if (need_lvz()) {
		for (i = 0; i < 400; i++) {
			gcsr_write(0, CSR_TCFG);
			gcsr_write(1, CSR_TICLR);
			gcsr_write(tcfg, CSR_TCFG);
			for (spins = 0; spins < 1000000; spins++) {
				tval = gcsr_read(CSR_TVAL);
				if (tval > (tcfg & ~3UL))
					break;
			}
			estat = gcsr_read(CSR_ESTAT);
			if (spins == 1000000) {
				fail("round %d: TVAL never counted past zero (last %x)", i, tval);
				break;
			}
			if (!(estat & BIT(11))) {
				fail("round %d: TVAL %x (fired) but guest ESTAT %x has no TI",
				     i, tval, estat);
				break;
			}
		}
		gcsr_write(0, CSR_TCFG);
		gcsr_write(1, CSR_TICLR);
	}
	case_end();
}

void prog_main(void)
{
	rdtime_offset("guest-rdtime-gcntc-zero", 0);
	rdtime_offset("guest-rdtime-gcntc-positive", 0x0000100000000000UL);
	rdtime_offset("guest-rdtime-gcntc-negative", -0x10UL);
	guest_timer();
	fired_means_pending();
}
