// SPDX-License-Identifier: GPL-2.0
/*
 * cfg: LVZ presence.  Run twice: "-cpu la464,lvz=on" and
 * "-cpu la464,lvz=off -append nolvz" (the command line tells the program
 * which CPU it was given; the CPU's answer is the thing checked).
 */
#include "lvzt.h"

extern char probe_gcsrrd[], probe_hvcl[];
u64 probe_gcsrrd_call(void);
u64 probe_hvcl_call(void);

/* CPUCFG2.LVZP (asm/loongarch.h CPUCFG2_LVZP, bit 10). */
static void cpucfg2_lvz(int want)
{
	case_begin(want ? "cpucfg2-lvz-on" : "cpucfg2-lvz-off");
	check_eq("CPUCFG2.LVZP (bit 10)", (cpucfg(2) >> 10) & 1, want);
	case_end();
}

/*
 * GSTAT.GIDBIT (CSR_GSTAT_GIDBIT, bits 9:4) is the guest-id width the host
 * reads at module init (kvm/main.c: vpid_mask = GENMASK(GIDBIT - 1, 0));
 * the GID field it sizes is 8 bits (CSR_GSTAT_GID_WIDTH), so 1..8.
 */
static void gstat_gidbit(void)
{
	u64 g;

	case_begin("gstat-gidbit");
	g = GSTAT_GIDBIT(csrrd(CSR_GSTAT));
	if (g < 1 || g > 8)
		fail("GSTAT.GIDBIT out of 1..8 (got %x)", g);
	case_end();
}

/* Without LVZ the LVZ instructions do not exist: INE (EXCCODE_INE 13) with
 * ERA at the instruction and BADI = its word. */
static void ine_probe(const char *name, u64 (*call)(void), char *insn)
{
	case_begin(name);
	exc_rec.count = 0;
	exc_expect = 1;
	call();
	if (check_eq("exceptions taken", exc_rec.count, 1)) {
		check_eq("ESTAT.Ecode", ESTAT_ECODE(exc_rec.estat), EC_INE);
		check_eq("ERA", exc_rec.era, (u64)insn);
		check_eq("BADI", exc_rec.badi, *(u32 *)insn);
	}
	exc_expect = 0;
	case_end();
}

void prog_main(void)
{
	if (cmdline_has("nolvz")) {
		cpucfg2_lvz(0);
		ine_probe("gcsrrd-ine-lvz-off", probe_gcsrrd_call, probe_gcsrrd);
		ine_probe("hvcl-ine-lvz-off", probe_hvcl_call, probe_hvcl);
		return;
	}
	cpucfg2_lvz(1);
	gstat_gidbit();
}
