// SPDX-License-Identifier: GPL-2.0
/*
 * gcsr: gcsrrd/gcsrwr/gcsrxchg from root on the guest CSR file (the host's
 * kvm_save/restore_hw_gcsr and set_gcsr_estat use them), separate from the
 * root CSR of the same number.
 */
#include "lvzt.h"

static void roundtrip(void)
{
	static const u32 ks[] = { CSR_KS0, CSR_KS1, CSR_KS2, CSR_KS3 };
	u64 v;

	case_begin("gcsrwr-gcsrrd-roundtrip");
	if (need_lvz()) {
		for (int i = 0; i < 4; i++)
			gcsr_write(0x0123456789abcdefUL ^ ((u64)i << 60), ks[i]);
		for (int i = 0; i < 4; i++) {
			v = gcsr_read(ks[i]);
			if (!check_eq("guest KSn", v, 0x0123456789abcdefUL ^ ((u64)i << 60)))
				break;
		}
		/* gcsrwr returns the old value in rd */
		check_eq("gcsrwr's old value", gcsr_write(0x1111, CSR_KS0),
			 0x0123456789abcdefUL);
		check_eq("guest ERA", (gcsr_write(0x4004, CSR_ERA), gcsr_read(CSR_ERA)),
			 0x4004);
	}
	case_end();
}

static void xchg_mask(void)
{
	const u64 old = 0xffff0000ffff0000UL, v = 0x123456789abcdef0UL;
	const u64 mask = 0x00ff00ff00ff00ffUL;

	case_begin("gcsrxchg-mask");
	if (need_lvz()) {
		gcsr_write(old, CSR_KS1);
		check_eq("gcsrxchg's old value", gcsr_xchg(v, mask, CSR_KS1), old);
		check_eq("guest KS1 after gcsrxchg", gcsr_read(CSR_KS1),
			 (old & ~mask) | (v & mask));
		gcsr_xchg(0, 0, CSR_KS1);
		check_eq("guest KS1 after a zero-mask gcsrxchg", gcsr_read(CSR_KS1),
			 (old & ~mask) | (v & mask));
	}
	case_end();
}

static void independent(void)
{
	case_begin("gcsr-root-independent");
	if (need_lvz()) {
		csrwr(0xaaaa5555, CSR_KS2);
		gcsr_write(0x5555aaaa, CSR_KS2);
		check_eq("root KS2 after gcsrwr", csrrd(CSR_KS2), 0xaaaa5555);
		check_eq("guest KS2 after csrwr", gcsr_read(CSR_KS2), 0x5555aaaa);
		csrwr(0x1, CSR_KS2);
		check_eq("guest KS2 after a second csrwr", gcsr_read(CSR_KS2), 0x5555aaaa);
		/* the guest's CRMD is not the root's */
		gcsr_write(0x8, CSR_CRMD);
		check_eq("guest CRMD", gcsr_read(CSR_CRMD) & 0x1ff, 0x8);
		check_eq("root CRMD", csrrd(CSR_CRMD) & 0x1ff, 0xb0);
		/* and the guest's EENTRY is not the root's */
		gcsr_write(0x3000, CSR_EENTRY);
		check_eq("guest EENTRY", gcsr_read(CSR_EENTRY), 0x3000);
		check_eq("root EENTRY still the harness vector", csrrd(CSR_EENTRY),
			 (u64)exc_entry_addr());
	}
	case_end();
}

void prog_main(void)
{
	roundtrip();
	xchg_mask();
	independent();
}
