// SPDX-License-Identifier: GPL-2.0
/*
 * csr: the root-only LVZ CSRs, field by field, as asm/loongarch.h lays them
 * out and kvm/main.c, kvm/vcpu.c and kvm/switch.S program them.
 */
#include "lvzt.h"

/* GSTAT (0x50): VM b0 (set only in guest mode), PVM b1 rw, GIDBIT 9:4 ro,
 * GID 23:16 rw (CSR_GSTAT_*); all other bits read 0. */
static void gstat_fields(void)
{
	u64 g0, r, gidbit, gmask;

	case_begin("gstat-fields");
	if (need_lvz()) {
		g0 = csrrd(CSR_GSTAT);
		gidbit = GSTAT_GIDBIT(g0);
		gmask = gidbit ? (1UL << gidbit) - 1 : 0;
		check_eq("GSTAT.VM|PVM in root at reset", g0 & 3, 0);
		csrwr(~0UL, CSR_GSTAT);
		r = csrrd(CSR_GSTAT);
		csrwr(0, CSR_GSTAT);
		check_eq("GSTAT.PVM after writing ones", r & GSTAT_PVM, GSTAT_PVM);
		check_eq("GSTAT.VM after writing ones (read-only, root mode)",
			 r & GSTAT_VM, 0);
		check_eq("GSTAT.GIDBIT after writing ones (read-only)",
			 GSTAT_GIDBIT(r), gidbit);
		check_eq("GSTAT.GID low GIDBIT bits after writing ones",
			 GSTAT_GID(r) & gmask, gmask);
		check_eq("GSTAT reserved bits (63:24, 15:10, 3:2)",
			 r & ~0xff03f3UL, 0);
		/* what kvm/main.c writes: a vpid under vpid_mask in GID */
		csrwr((0x5aUL & gmask) << 16, CSR_GSTAT);
		check_eq("GSTAT.GID round trip", csrrd(CSR_GSTAT) & ~0x3f0UL,
			 (0x5aUL & gmask) << 16);
		csrwr(0, CSR_GSTAT);
		check_eq("GSTAT after writing 0", csrrd(CSR_GSTAT), gidbit << 4);
	}
	case_end();
}

/*
 * GCFG (0x51): capability bits are read-only (GCIP 19:16, TORUP b14, TOPP
 * b12, TOEP b10, TITP b8, SITP b6, MATP 2:0; kvm/main.c reads GCIP_SECURE
 * and MATP_ROOT from them) and each control bit is writable where its
 * capability is (TORU b15, TOP b13, TOE b11, TIT b9, SIT b7).
 */
static void gcfg_fields(void)
{
	const u64 caps = 0xf0000UL | BIT(14) | BIT(12) | BIT(10) | BIT(8) |
			 BIT(6) | 0x7;
	u64 c0, r, want = 0;

	case_begin("gcfg-capabilities-ro");
	if (need_lvz()) {
		c0 = csrrd(CSR_GCFG);
		csrwr(~0UL, CSR_GCFG);
		r = csrrd(CSR_GCFG);
		check_eq("GCFG capability bits after writing ones", r & caps, c0 & caps);
		csrwr(0, CSR_GCFG);
		check_eq("GCFG capability bits after writing 0",
			 csrrd(CSR_GCFG) & caps, c0 & caps);
	}
	case_end();

	case_begin("gcfg-controls-follow-capabilities");
	if (need_lvz()) {
		c0 = csrrd(CSR_GCFG);
		for (int b = 7; b <= 15; b += 2)	/* SIT TIT TOE TOP TORU */
			if (c0 & BIT(b - 1))
				want |= BIT(b);
		csrwr(BIT(15) | BIT(13) | BIT(11) | BIT(9) | BIT(7), CSR_GCFG);
		r = csrrd(CSR_GCFG);
		csrwr(0, CSR_GCFG);
		check_eq("GCFG TORU/TOP/TOE/TIT/SIT after writing ones",
			 r & (BIT(15) | BIT(13) | BIT(11) | BIT(9) | BIT(7)), want);
		check_eq("GCFG controls after writing 0",
			 csrrd(CSR_GCFG) & (BIT(15) | BIT(13) | BIT(11) | BIT(9) | BIT(7)), 0);
	}
	case_end();

	/* The value kvm_arch_enable_virtualization_cpu() writes, read back. */
	case_begin("gcfg-kvm-host-value");
	if (need_lvz()) {
		c0 = csrrd(CSR_GCFG);
		want = 0;
		if (c0 & BIT(18))		/* CSR_GCFG_GCIP_SECURE */
			want |= 2UL << 20;	/* CSR_GCFG_GCI_SECURE */
		if (c0 & BIT(1))		/* CSR_GCFG_MATP_ROOT */
			want |= 1UL << 4;	/* CSR_GCFG_MATC_ROOT */
		csrwr(want, CSR_GCFG);
		r = csrrd(CSR_GCFG);
		csrwr(0, CSR_GCFG);
		check_eq("GCFG GCI|MATC", r & ((3UL << 20) | (3UL << 4)), want);
	}
	case_end();
}

/* GINTC (0x52): VIP 7:0 is the host's injection field (set_csr_gintc /
 * clear_csr_gintc with CPU_IP0..7 = bits 0..7); bits 63:24 read 0. */
static void gintc_fields(void)
{
	u64 r;

	case_begin("gintc-vip-rw");
	if (need_lvz()) {
		csrwr(0xa5, CSR_GINTC);
		r = csrrd(CSR_GINTC);
		check_eq("GINTC.VIP", r & 0xff, 0xa5);
		csrxchg(0, 0x5a, CSR_GINTC);	/* clear_csr_gintc-style */
		check_eq("GINTC.VIP after clearing by mask", csrrd(CSR_GINTC) & 0xff, 0xa5);
		csrxchg(0, 0x05, CSR_GINTC);
		check_eq("GINTC.VIP after clearing 0x05", csrrd(CSR_GINTC) & 0xff, 0xa0);
		csrwr(~0UL, CSR_GINTC);
		r = csrrd(CSR_GINTC);
		csrwr(0, CSR_GINTC);
		check_eq("GINTC bits 63:24", r >> 24, 0);
		check_eq("GINTC.VIP after writing 0", csrrd(CSR_GINTC) & 0xff, 0);
	}
	case_end();
}

/* GCNTC (0x53): the 64-bit guest counter offset (kvm/vcpu.c
 * write_csr_gcntc(time_offset), a signed difference). */
static void gcntc_rw(void)
{
	case_begin("gcntc-rw");
	if (need_lvz()) {
		csrwr(0x8123456789abcdefUL, CSR_GCNTC);
		check_eq("GCNTC", csrrd(CSR_GCNTC), 0x8123456789abcdefUL);
		csrwr(0, CSR_GCNTC);
		check_eq("GCNTC after 0", csrrd(CSR_GCNTC), 0);
	}
	case_end();
}

/* GTLBC (0x15): GMTLBSZ 5:0, USETGID b12, TOTI b13, TGID 23:16 (the host
 * sets and clears USETGID/TOTI and bstrins'es TGID); others read 0. */
static void gtlbc_fields(void)
{
	u64 g0, sz, r;

	case_begin("gtlbc-fields");
	if (need_lvz()) {
		g0 = csrrd(CSR_GTLBC);
		sz = g0 & 0x3f;
		csrwr(sz | GTLBC_USETGID | GTLBC_TOTI | (0xabUL << 16), CSR_GTLBC);
		check_eq("GTLBC after GMTLBSZ|USETGID|TOTI|TGID=0xab", csrrd(CSR_GTLBC),
			 sz | GTLBC_USETGID | GTLBC_TOTI | (0xabUL << 16));
		csrwr(sz | ~0xff303fUL, CSR_GTLBC);
		r = csrrd(CSR_GTLBC);
		check_eq("GTLBC reserved bits (63:24, 15:14, 11:6)", r & ~0xff303fUL, 0);
		csrwr(sz, CSR_GTLBC);
		check_eq("GTLBC after clearing", csrrd(CSR_GTLBC), sz);
	}
	case_end();
}

/* TRGP (0x16): after a root tlbrd, GTLB (b0) says the entry read is a
 * guest-id-tagged one and RID (23:16) gives its guest id. */
static void trgp_tlbrd(void)
{
	u32 i0 = mtlb_index(2), i1 = mtlb_index(3);
	u64 t;

	case_begin("trgp-tlbrd");
	if (need_lvz()) {
		__asm__ __volatile__("invtlb 0, $zero, $zero" ::: "memory");
		tlb_put(i0, 0x40000000, 0x100000 | RW_CACHED, 0x104000 | RW_CACHED,
			PS_16K, 0x2a);
		tlb_put(i1, 0x40008000, 0x100000 | RW_CACHED, 0x104000 | RW_CACHED,
			PS_16K, -1);
		csrwr(i0, CSR_TLBIDX);
		__asm__ __volatile__("tlbrd" ::: "memory");
		t = csrrd(CSR_TRGP);
		check_eq("TRGP.GTLB after tlbrd of a TGID=0x2a entry", t & 1, 1);
		check_eq("TRGP.RID after tlbrd of a TGID=0x2a entry", FIELD(t, 16, 8), 0x2a);
		check_eq("TLBEHI of the tagged entry", csrrd(CSR_TLBEHI) & ~0x1fffUL,
			 0x40000000);
		csrwr(i1, CSR_TLBIDX);
		__asm__ __volatile__("tlbrd" ::: "memory");
		t = csrrd(CSR_TRGP);
		check_eq("TRGP.GTLB after tlbrd of a root entry", t & 1, 0);
		__asm__ __volatile__("invtlb 0, $zero, $zero" ::: "memory");
	}
	case_end();
}

void prog_main(void)
{
	gstat_fields();
	gcfg_fields();
	gintc_fields();
	gcntc_rw();
	gtlbc_fields();
	trgp_tlbrd();
}
