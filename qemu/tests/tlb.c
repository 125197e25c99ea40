// SPDX-License-Identifier: GPL-2.0
/*
 * tlb: every invtlb op of asm/tlb.h (enum invtlb_ops) at its exact scope,
 * and gtlbflush.  Before each op the TLB holds
 *   root entries   R1 A/asid1/G0, R2 B/asid1/G0, R3 A/asid2/G0, R4 C/G1
 *   stage-2 (GPA->HPA, root-written with GTLBC.USETGID/TGID)
 *                  S1 gid1 P, S2 gid1 Q, S3 gid2 P, S4 a root entry at P
 *   guest (GVA->GPA, written by the guests with their own tlbfill)
 *                  gid1: a A1/asid1/G0, d D1/asid1/G0, b B1/asid2/G0, c C1/G1
 *                  gid2: a2 A2/asid1/G0, c2 C2/G1
 * After the op, root tlbsrch (with the entry's ASID, and USETGID/TGID for
 * stage-2) and each guest's own tlbsrch tell which survived; the expected
 * survivors follow from the op's description in asm/tlb.h.  Guest-id ops
 * take the gid in rj bits 23:16 (as kvm/tlb.c passes GSTAT & CSR_GSTAT_GID)
 * and the ASID in rj bits 9:0; the address is rk.
 */
#include "lvzt.h"

extern char g_tlb_fill[], g_tlb_search[];

#define VA_A 0x40000000UL
#define VA_B 0x40010000UL
#define VA_C 0x40020000UL
#define GPA_P 0x01000000UL
#define GPA_Q 0x01010000UL
#define G1_A 0x10000000UL
#define G1_D 0x10008000UL
#define G1_B 0x10010000UL
#define G1_C 0x10018000UL
#define G2_A 0x10020000UL
#define G2_C 0x10028000UL

#define LO(pa, g) ((pa) | TLBLO_V | TLBLO_WE | TLBLO_MAT_CC | ((g) ? TLBLO_G : 0))

struct gent {
	u64 ehi, asid, lo;
};

static const struct gent g1_tab[] = {
	{ G1_A, 1, LO(0x4000, 0) }, { G1_D, 1, LO(0x4000, 0) },
	{ G1_B, 2, LO(0x4000, 0) }, { G1_C, 3, LO(0x4000, 1) },
};
static const struct gent g2_tab[] = {
	{ G2_A, 1, LO(0x4000, 0) }, { G2_C, 3, LO(0x4000, 1) },
};

static void root_put(u32 k, u64 va, u64 asid, int g, int gid)
{
	csrwr(asid, CSR_ASID);
	tlb_put(mtlb_index(k), va, LO(0x100000, g), LO(0x104000, g), PS_16K, gid);
	csrwr(0, CSR_ASID);
}

static int root_has(u64 va, u64 asid, int gid)
{
	int r;

	csrwr(asid, CSR_ASID);
	r = tlb_find(va, gid) >= 0;
	csrwr(0, CSR_ASID);
	return r;
}

static u64 root_mask(void)
{
	return root_has(VA_A, 1, -1) | root_has(VA_B, 1, -1) << 1 |
	       root_has(VA_A, 2, -1) << 2 | root_has(VA_C, 3, -1) << 3;
}

static u64 s2_mask(void)
{
	return root_has(GPA_P, 0, 1) | root_has(GPA_Q, 0, 1) << 1 |
	       root_has(GPA_P, 0, 2) << 2 | root_has(GPA_P, 0, -1) << 3;
}

static void map_images(void)
{
	guest_map(1, 0, 0, hpa(guest_image), RW_CACHED);
	guest_map(2, 1, 0, hpa(guest_image), RW_CACHED);
}

/* Run fragment entry in guest gid over table t (copied to the guest's data
 * page); returns a2 (the search mask) or ~0 when the guest did not get to
 * its hvcl. */
static u64 guest_tlb(u32 gid, char *entry, const struct gent *t, int n)
{
	struct gent *d = (struct gent *)guest_data;
	u64 ec;

	for (int i = 0; i < n; i++)
		d[i] = t[i];
	guest_use_gid(gid);
	guest_reset_regs(GPA(entry));
	guest_regs[4] = n;
	guest_regs[5] = GPA(guest_data);
	ec = guest_enter();
	if (ec != EC_HVC) {
		fail("guest %d %s: exit ecode %d ERA %x (want hvcl)", (s64)gid,
		     entry == g_tlb_fill ? "fill" : "search", (s64)ec, exit_rec.era);
		return ~0UL;
	}
	return guest_regs[6];
}

static int populate(int lvz)
{
	__asm__ __volatile__("invtlb 0, $zero, $zero" ::: "memory");
	root_put(4, VA_A, 1, 0, -1);
	root_put(5, VA_B, 1, 0, -1);
	root_put(6, VA_A, 2, 0, -1);
	root_put(7, VA_C, 3, 1, -1);
	if (!lvz)
		return 1;
	root_put(8, GPA_P, 0, 1, 1);
	root_put(9, GPA_Q, 0, 1, 1);
	root_put(10, GPA_P, 0, 1, 2);
	root_put(11, GPA_P, 0, 1, -1);
	map_images();
	if (guest_tlb(1, g_tlb_fill, g1_tab, 4) == ~0UL)
		return 0;
	if (guest_tlb(2, g_tlb_fill, g2_tab, 2) == ~0UL)
		return 0;
	return 1;
}

/* ops are immediates: one arm each */
static void do_invtlb(u32 op, u64 rj, u64 rk)
{
	switch (op) {
#define OP(n) case n: __asm__ __volatile__("invtlb " #n ", %0, %1" :: "r"(rj), "r"(rk) : "memory"); break
	OP(0x0); OP(0x1); OP(0x2); OP(0x3); OP(0x4); OP(0x5); OP(0x6);
	OP(0x9); OP(0xa); OP(0xb); OP(0xc); OP(0xd); OP(0xe);
	OP(0x10); OP(0x11); OP(0x12); OP(0x13); OP(0x14); OP(0x15); OP(0x16);
#undef OP
	case 0x100:
		__asm__ __volatile__("gtlbflush" ::: "memory");
		break;
	}
}

#define ANY (~0UL)	/* not checked */

static void one(const char *name, u32 op, u64 rj, u64 rk, u64 want_root,
		u64 want_s2, u64 want_g1, u64 want_g2)
{
	u64 r, s = ANY, g1 = ANY, g2 = ANY;
	int lvz = has_lvz();

	case_begin(name);
	/* the base ops (0x0-0x6) on root entries need no LVZ */
	if (op > 0x6 && !need_lvz())
		goto out;
	if (lvz) {
		guest_setup(1);
		gcsr_write(PS_16K, CSR_STLBPS);
	}
	if (!populate(lvz))
		goto out;
	if (lvz)
		guest_use_gid(1);	/* GSTAT.GID = 1: "current" for gtlbflush */
	do_invtlb(op, rj, rk);
	r = root_mask();
	if (lvz) {
		s = s2_mask();
		map_images();
		g1 = guest_tlb(1, g_tlb_search, g1_tab, 4);
		g2 = guest_tlb(2, g_tlb_search, g2_tab, 2);
	}
	if (!lvz)
		want_s2 = want_g1 = want_g2 = ANY;
	if (want_root != ANY)
		check_eq("root entries left (R1 R2 R3 R4 = bits 0-3)", r, want_root);
	if (want_s2 != ANY)
		check_eq("stage-2 entries left (S1 S2 S3 S4 = bits 0-3)", s, want_s2);
	if (want_g1 != ANY)
		check_eq("guest 1 entries left (a d b c = bits 0-3)", g1, want_g1);
	if (want_g2 != ANY)
		check_eq("guest 2 entries left (a2 c2 = bits 0-1)", g2, want_g2);
out:
	case_end();
}

#define GID(g) ((u64)(g) << 16)

void prog_main(void)
{
	/* nothing flushed (0x200 is no op): everything is found */
	one("tlb-fill-baseline", 0x200, 0, 0, 0xf, 0xf, 0xf, 0x3);
	one("invtlb-0x0-all", 0x0, 0, 0, 0, 0, 0, 0);
	one("invtlb-0x1-current-all", 0x1, 0, 0, 0, ANY, ANY, ANY);
	one("invtlb-0x2-current-g1", 0x2, 0, 0, 0x7, ANY, ANY, ANY);
	one("invtlb-0x3-current-g0", 0x3, 0, 0, 0x8, ANY, ANY, ANY);
	one("invtlb-0x4-g0-asid", 0x4, 1, 0, 0xc, ANY, ANY, ANY);
	one("invtlb-0x5-addr-g0-asid", 0x5, 1, VA_A, 0xe, ANY, ANY, ANY);
	one("invtlb-0x6-addr-g1-or-asid", 0x6, 1, VA_A, 0xe, ANY, ANY, ANY);
	one("invtlb-0x6-addr-global", 0x6, 2, VA_C, 0x7, ANY, ANY, ANY);
	one("invtlb-0x9-gid", 0x9, GID(1), 0, 0xf, 0xf, 0x0, 0x3);
	one("invtlb-0xa-gid-g1", 0xa, GID(1), 0, 0xf, 0xf, 0x7, 0x3);
	one("invtlb-0xb-gid-g0", 0xb, GID(1), 0, 0xf, 0xf, 0x8, 0x3);
	one("invtlb-0xc-gid-g0-asid", 0xc, GID(1) | 1, 0, 0xf, 0xf, 0xc, 0x3);
	one("invtlb-0xd-gid-g0-asid-addr", 0xd, GID(1) | 1, G1_A, 0xf, 0xf, 0xe, 0x3);
	one("invtlb-0xe-gid-g1-asid-addr", 0xe, GID(1) | 3, G1_C, 0xf, 0xf, 0x7, 0x3);
	one("invtlb-0x10-allgid-gva", 0x10, 0, 0, 0xf, 0xf, 0x0, 0x0);
	one("invtlb-0x11-allgid-gpa", 0x11, 0, 0, 0xf, 0x8, 0xf, 0x3);
	one("invtlb-0x12-allgid", 0x12, 0, 0, 0xf, 0x8, 0x0, 0x0);
	one("invtlb-0x13-gid-gva", 0x13, GID(1), 0, 0xf, 0xf, 0x0, 0x3);
	one("invtlb-0x14-gid-gpa", 0x14, GID(1), 0, 0xf, 0xc, 0xf, 0x3);
	one("invtlb-0x15-gid-all", 0x15, GID(1), 0, 0xf, 0xc, 0x0, 0x3);
	one("invtlb-0x16-gid-addr", 0x16, GID(1), GPA_P, 0xf, 0xe, 0xf, 0x3);
	one("gtlbflush-current-gid", 0x100, 0, 0, 0xf, ANY, 0x0, ANY);
}
