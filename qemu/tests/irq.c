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
}
