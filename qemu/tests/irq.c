// SPDX-License-Identifier: GPL-2.0
/*
 * irq: interrupts and guest mode.  GINTC.VIP bit n (the host's
 * set_csr_gintc(CPU_IPn)) shows as guest ESTAT.IS bit n + 2 (kvm/vcpu.c
 * reads guest ESTAT IP0-7 as GINTC << 2) and interrupts the guest; a still
 * pending interrupt is taken again after the guest's ertn; a root timer
 * interrupt while the guest runs (the host enters with PRMD.PIE, kvm/switch.S)
 * exits to root.
 */
#include "lvzt.h"

extern char g_spin[], g_spin_end[], g_spin_hvcl[], g_estat[];
extern char g_ticlr_loop[], g_ticlr_loop_end[];

#define GID 4

static void vip_to_estat(void)
{
	case_begin("gintc-vip-to-guest-estat");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_estat));
		csrwr(0xa5, CSR_GINTC);
		if (check_eq("exit", guest_enter(), EC_HVC))
			check_eq("guest ESTAT.IS bits 9:2", FIELD(guest_regs[4], 2, 8), 0xa5);
		csrwr(0, CSR_GINTC);
		guest_reset_regs(GPA(g_estat));
		if (check_eq("exit", guest_enter(), EC_HVC))
			check_eq("guest ESTAT.IS bits 9:2 after GINTC = 0",
				 FIELD(guest_regs[4], 2, 8), 0);
	}
	case_end();
}

static void inject(void)
{
	u64 ec;

	case_begin("gintc-inject-interrupt");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_spin));
		guest_regs[4] = 50000000;
		gcsr_write(BIT(2), CSR_ECFG);		/* LIE HWI0 */
		gcsr_write(0x8 | 0x4, CSR_CRMD);	/* DA, IE */
		csrwr(1, CSR_GINTC);			/* VIP bit 0 = HWI0 */
		ec = guest_enter();
		if (check_eq("exit ecode", ec, EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl)", exit_rec.era,
			     GPA(guest_vec_hvcl))) {
			check_eq("guest ESTAT.Ecode", ESTAT_ECODE(guest_regs[10]), 0);
			check_eq("guest ESTAT.IS HWI0 (bit 2)", guest_regs[10] & BIT(2), BIT(2));
			check_eq("guest vector entries (s8)", guest_regs[31], 1);
		}
	}
	case_end();

	/* resume after the hvcl: the vector's ertn returns with IE back on and
	 * HWI0 still pending, so the guest takes it again at once */
	case_begin("guest-irq-retaken-after-ertn");
	if (need_lvz() && exit_rec.era == GPA(guest_vec_hvcl)) {
		guest_pc = exit_rec.era + 4;
		ec = guest_enter();
		if (check_eq("exit ecode", ec, EC_HVC)) {
			check_eq("exit ERA", exit_rec.era, GPA(guest_vec_hvcl));
			check_eq("guest vector entries (s8)", guest_regs[31], 2);
		}
	}
	case_end();

	/* and once GINTC is cleared, the ertn returns to the spin, which ends */
	case_begin("gintc-clear-stops-interrupt");
	if (need_lvz() && exit_rec.era == GPA(guest_vec_hvcl)) {
		csrwr(0, CSR_GINTC);
		guest_pc = exit_rec.era + 4;
		ec = guest_enter();
		if (check_eq("exit ecode", ec, EC_HVC)) {
			check_eq("exit ERA (the spin's own hvcl)", exit_rec.era, GPA(g_spin_hvcl));
			check_eq("guest vector entries (s8)", guest_regs[31], 2);
		}
	}
	csrwr(0, CSR_GINTC);
	case_end();
}

static void root_timer(void)
{
	u64 ec;

	case_begin("root-timer-exits-guest");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_spin));
		guest_regs[4] = 50000000;
		guest_prmd = BIT(2);			/* PRMD.PIE: root IE in guest mode */
		csrwr(BIT(11), CSR_ECFG);		/* root LIE TI */
		csrwr(0x10000 | 1, CSR_TCFG);		/* root timer, one-shot */
		ec = guest_enter();
		csrwr(0, CSR_TCFG);
		csrwr(1, CSR_TICLR);
		csrwr(0, CSR_ECFG);
		if (check_eq("exit ecode (INT)", ec, EC_INT)) {
			check_eq("root ESTAT.IS TI at exit", exit_rec.estat & BIT(11), BIT(11));
			check_eq("GSTAT.PVM at exit", exit_rec.gstat & GSTAT_PVM, GSTAT_PVM);
			check_eq("root PRMD.PIE at exit (root IE while in the guest)",
				 exit_rec.prmd & BIT(2), BIT(2));
			if (exit_rec.era < GPA(g_spin) || exit_rec.era > GPA(g_spin_end))
				fail("ERA %x not in the guest's spin loop", exit_rec.era);
			check_eq("guest vector entries (the guest saw nothing)",
				 guest_regs[31], 0);
		}
	}
	case_end();
}

/*
 * A root timer that expires while the CPU keeps entering and leaving the
 * guest, the guest running its own periodic timer and clearing its TI with
 * TICLR, must reach the root: root ESTAT.TI (bit 11), TCFG.En cleared (a
 * one-shot timer), and the next entry with PRMD.PIE exits with INT.  The
 * host kernel's tick is such a one-shot timer (constant_timer_next_event
 * writes TCFG = delta | En); losing one leaves the host without ticks.
 * The expiry is made to land at many points of the entry/exit cycle: each
 * round arms a short one-shot timer and re-enters the guest after every
 * hvcl until the INT exit arrives.
 */
#define EXPIRY_ROUNDS	10000
#define GTIMER_PERIOD	0x4000
#define EXPIRY_WAIT	10000000UL	/* constant timer ticks (100 ms) */

static void root_timer_expiry_during_entries(void)
{
	u64 ec = EC_HVC, t0, trips = 0, estat, tcfg;
	int r;

	case_begin("root-timer-expiry-during-guest-entries-reaches-root");
	if (!need_lvz()) {
		case_end();
		return;
	}
	guest_setup(GID);
	guest_reset_regs(GPA(g_ticlr_loop));
	/* the guest's own timer: periodic, GTIMER_PERIOD ticks, its TI never taken */
	gcsr_write(GTIMER_PERIOD | BIT(1) | BIT(0), CSR_TCFG);
	guest_prmd = BIT(2);			/* PRMD.PIE: root IE in guest mode */
	csrwr(BIT(11), CSR_ECFG);		/* root LIE TI */
	for (r = 0; r < EXPIRY_ROUNDS; r++) {
		csrwr(1, CSR_TICLR);
		/* one-shot, 4..128 ticks: TCFG.InitVal is bits 47:2 */
		csrwr((4UL * (1 + (r & 31))) | BIT(0), CSR_TCFG);
		t0 = rdtime();
		for (;;) {
			ec = guest_enter();
			if (ec != EC_HVC)
				break;
			trips++;
			guest_pc = exit_rec.era + 4;
			if (rdtime() - t0 > EXPIRY_WAIT)
				break;
		}
		if (ec != EC_INT)
			break;
		if (!(exit_rec.estat & BIT(11)))
			break;
		guest_pc = exit_rec.era;	/* resume where it was */
	}
	estat = csrrd(CSR_ESTAT);
	tcfg = csrrd(CSR_TCFG);
	gcsr_write(0, CSR_TCFG);
	csrwr(0, CSR_TCFG);
	csrwr(1, CSR_TICLR);
	csrwr(0, CSR_ECFG);
	if (r < EXPIRY_ROUNDS)
		fail("round %d (of %d, %d guest round trips): exit ecode %d, "
		     "exit root ESTAT %x; now root ESTAT %x, root TCFG %x, "
		     "guest ESTAT %x (want an INT exit with root ESTAT.TI, "
		     "TCFG.En 0)", (s64)r, (s64)EXPIRY_ROUNDS, trips, ec, exit_rec.estat,
		     estat, tcfg, gcsr_read(CSR_ESTAT));
	case_end();
}

/*
 * The same with a periodic root timer of a few ticks, which QEMU fires as
 * often as it can, for EXPIRY_SPAN of the counter: every root TI must come
 * to the root (INT exits, each with root ESTAT.TI), none may show in the
 * guest's ESTAT (the guest's own timer is armed far beyond the span, so a
 * TI there is not its own), and the root timer keeps TCFG.En.
 */
#define EXPIRY_SPAN	300000000UL	/* constant timer ticks (3 s) */

static void root_timer_periodic_during_entries(void)
{
	u64 ec, t0, trips = 0, ints = 0, seen = 0, bad = 0;

	case_begin("root-timer-ti-never-in-guest-estat");
	if (!need_lvz()) {
		case_end();
		return;
	}
	guest_setup(GID);
	guest_reset_regs(GPA(g_ticlr_loop));
	/* the guest's own timer: one-shot, 2^40 ticks away, its TI clear */
	gcsr_write(BIT(40) | BIT(0), CSR_TCFG);
	gcsr_write(1, CSR_TICLR);
	guest_prmd = BIT(2);			/* PRMD.PIE: root IE in guest mode */
	csrwr(BIT(11), CSR_ECFG);		/* root LIE TI */
	csrwr(1, CSR_TICLR);
	csrwr(16 | BIT(1) | BIT(0), CSR_TCFG);	/* periodic, 16 ticks */
	t0 = rdtime();
	while (rdtime() - t0 < EXPIRY_SPAN) {
		ec = guest_enter();
		if (ec == EC_HVC) {
			trips++;
			if (guest_regs[4] & BIT(11))
				seen++;
			guest_pc = exit_rec.era + 4;
		} else if (ec == EC_INT) {
			ints++;
			if (!(exit_rec.estat & BIT(11)))
				bad++;
			csrwr(1, CSR_TICLR);
			guest_pc = exit_rec.era;
		} else {
			fail("exit ecode %d at ERA %x", ec, exit_rec.era);
			break;
		}
	}
	check_eq("root TCFG.En (periodic)", csrrd(CSR_TCFG) & BIT(0), BIT(0));
	gcsr_write(0, CSR_TCFG);
	csrwr(0, CSR_TCFG);
	csrwr(1, CSR_TICLR);
	csrwr(0, CSR_ECFG);
	printf_("# %d guest round trips, %d INT exits\n", trips, ints);
	check_eq("guest hvcls that saw TI in the guest's ESTAT", seen, 0);
	check_eq("INT exits without root ESTAT.TI", bad, 0);
	if (!ints)
		fail("no INT exit in %d guest round trips", trips);
	case_end();
}

/*
 * After that exit the root's TI stays pending, whatever the guest does
 * with its own timer, until the root clears it with its own TICLR.
 */
static void root_timer_pending_until_root_ticlr(void)
{
	u64 ec;

	case_begin("root-timer-ti-pending-until-root-ticlr");
	if (need_lvz()) {
		guest_setup(GID);
		guest_reset_regs(GPA(g_ticlr_loop));
		gcsr_write(0x100 | BIT(1) | BIT(0), CSR_TCFG);
		csrwr(4 | BIT(0), CSR_TCFG);		/* one-shot, 4 ticks */
		while (!(csrrd(CSR_ESTAT) & BIT(11)) && csrrd(CSR_TCFG) & BIT(0))
			;
		check_eq("root TCFG.En after a one-shot expiry",
			 csrrd(CSR_TCFG) & BIT(0), 0);
		/* root interrupts off in guest mode (PRMD.PIE 0): no INT exit */
		for (int i = 0; i < 64; i++) {
			ec = guest_enter();
			if (!check_eq("exit ecode (root IE off in guest mode)", ec, EC_HVC))
				break;
			guest_pc = exit_rec.era + 4;
			if (!check_eq("root ESTAT.TI at the guest's hvcl",
				      exit_rec.estat & BIT(11), BIT(11)))
				break;
		}
		check_eq("root ESTAT.TI after the guest's TICLRs",
			 csrrd(CSR_ESTAT) & BIT(11), BIT(11));
		gcsr_write(0, CSR_TCFG);
		csrwr(1, CSR_TICLR);
		check_eq("root ESTAT.TI after the root's TICLR",
			 csrrd(CSR_ESTAT) & BIT(11), 0);
	}
	case_end();
}

/*
 * The host injects the guest's timer, IPI and software interrupts by
 * setting guest ESTAT bits with gcsrxchg (kvm_csr.h set_gcsr_estat(), used
 * by kvm/interrupt.c for INT_TI/INT_IPI/INT_SWI0/1) and withdraws them with
 * clear_gcsr_estat(): the guest then takes the interrupt.
 */
static void estat_inject(void)
{
	u64 ec;

	case_begin("gcsrxchg-estat-injects-timer");
	if (need_lvz()) {
		guest_setup(GID);
		gcsr_xchg(BIT(11), BIT(11), CSR_ESTAT);		/* CPU_TIMER */
		check_eq("guest ESTAT TI after set_gcsr_estat-style gcsrxchg",
			 gcsr_read(CSR_ESTAT) & BIT(11), BIT(11));
		guest_reset_regs(GPA(g_spin));
		guest_regs[4] = 50000000;
		gcsr_write(BIT(11), CSR_ECFG);
		gcsr_write(0x8 | 0x4, CSR_CRMD);
		ec = guest_enter();
		if (check_eq("exit ecode", ec, EC_HVC) &&
		    check_eq("exit ERA (guest vector's hvcl)", exit_rec.era,
			     GPA(guest_vec_hvcl)))
			check_eq("guest ESTAT.IS TI in its vector", guest_regs[10] & BIT(11),
				 BIT(11));
		gcsr_xchg(0, BIT(11), CSR_ESTAT);		/* clear_gcsr_estat */
		check_eq("guest ESTAT TI after clear_gcsr_estat-style gcsrxchg",
			 gcsr_read(CSR_ESTAT) & BIT(11), 0);
	}
	case_end();

	case_begin("gcsrxchg-estat-swi-ipi");
	if (need_lvz()) {
		gcsr_xchg(BIT(12) | BIT(1) | BIT(0), BIT(12) | BIT(1) | BIT(0), CSR_ESTAT);
		check_eq("guest ESTAT IPI|SWI1|SWI0", gcsr_read(CSR_ESTAT) & 0x1003, 0x1003);
		gcsr_xchg(0, BIT(12) | BIT(1) | BIT(0), CSR_ESTAT);
		check_eq("guest ESTAT IPI|SWI1|SWI0 cleared", gcsr_read(CSR_ESTAT) & 0x1003, 0);
	}
	case_end();
}

void prog_main(void)
{
	estat_inject();
	vip_to_estat();
	inject();
	root_timer();
	root_timer_pending_until_root_ticlr();
	root_timer_expiry_during_entries();
	root_timer_periodic_during_entries();
}
