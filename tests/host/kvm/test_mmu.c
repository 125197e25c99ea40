// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/mmu.c in the host harness, over a simulated host: memslots from the
 * shim's struct kvm, host pfn = gfn + HOST_PFN0, host pages huge or not on
 * demand.  Tables are real (16 KiB pages, 3 levels, as the LoongArch
 * defconfig); tests walk them and check entries bit by bit.
 */
#include "kvm_internal.h"

/* ---- what the kernel gives mmu.c (asm/pgtable*.h, kvm_host.h) ---- */
#define CONFIG_PGTABLE_LEVELS	3
#ifndef srcu_read_lock
#define srcu_read_lock(s)	0
#define srcu_read_unlock(s, i)	((void)(i))
#endif
#define static_assert(c, m)	_Static_assert(c, m)
/* asm/pgtable-bits.h, 6.12 */
#define _PAGE_VALID		BIT(0)
#define _PAGE_DIRTY		BIT(1)
#define _PAGE_HUGE		BIT(6)
#define _PAGE_PRESENT		BIT(7)
#define _PAGE_WRITE		BIT(8)
#define _PAGE_MODIFIED		BIT(9)
#define _CACHE_SUC		(0UL << 4)
#define _CACHE_CC		(1UL << 4)
#define PFN_PTE_SHIFT		(PAGE_SHIFT - 12 + 12)
#define _PFN_MASK		(~((1UL << PFN_PTE_SHIFT) - 1) & \
				 ((1UL << 48) - 1))
#define KVM_MEMSLOT_INVALID	(1UL << 16)
#define HOST_PFN0		0x10000ULL
#define DEV_PFN			0x800000ULL	/* pfn_valid() is false above */

/* page-aligned, as the kernel's are */
u64 invalid_pte_table[2048] __aligned(1 << 14);
u64 invalid_pmd_table[2048] __aligned(1 << 14);

#define __get_free_page(gfp)	((unsigned long)fx_page_alloc())
#define free_page(p)		fx_page_free((void *)(p))
static int pages_live, alloc_fail_after = -1;
static void *fx_page_alloc(void)
{
	if (alloc_fail_after == 0)
		return NULL;
	if (alloc_fail_after > 0)
		alloc_fail_after--;
	pages_live++;
	return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}
static void fx_page_free(void *p)
{
	pages_live--;
	free(p);
}

typedef u64 kvm_pfn_t;
#define KVM_PFN_ERR_FAULT	(~0ULL)
#define is_error_noslot_pfn(p)	((p) == KVM_PFN_ERR_FAULT)
struct page;
struct folio;
#define pfn_valid(p)		((p) < DEV_PFN)
#define pfn_to_page(p)		((struct page *)(uintptr_t)(p))
#define page_folio(p)		((struct folio *)(p))
static int host_huge;
static size_t folio_size(struct folio *f)
{
	return host_huge ? 1UL << 25 : PAGE_SIZE;
}

enum kvm_mr_change { KVM_MR_CREATE, KVM_MR_DELETE, KVM_MR_MOVE,
		     KVM_MR_FLAGS_ONLY };
struct kvm_gfn_range {
	struct kvm_memory_slot *slot;
	gfn_t start, end;
};

static struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn)
{
	for (int i = 0; i < kvm->nr_slots; i++) {
		struct kvm_memory_slot *s = &kvm->slots[i];

		if (gfn >= s->base_gfn && gfn < s->base_gfn + s->npages)
			return s;
	}
	return NULL;
}

static bool host_writable = true, pfn_error, invalidate_race;
static int releases_clean, releases_dirty, remote_flushes;
static int manual_init_set;
static gfn_t dirty_gfns[64];
static int ndirty;

static kvm_pfn_t gfn_to_pfn_prot(struct kvm *kvm, gfn_t gfn, bool write,
				 bool *writable)
{
	struct kvm_memory_slot *s = gfn_to_memslot(kvm, gfn);

	*writable = host_writable;
	if (pfn_error)
		return KVM_PFN_ERR_FAULT;
	if (invalidate_race)
		kvm->mmu_invalidate_seq++;	/* a notifier ran meanwhile */
	return (s && s->id == 3 ? DEV_PFN : HOST_PFN0) + gfn;
}
static bool mmu_invalidate_retry_gfn(struct kvm *kvm, unsigned long seq,
				     gfn_t gfn)
{
	return kvm->mmu_invalidate_seq != seq;
}
#define kvm_release_pfn_clean(p)	(releases_clean++)
#define kvm_release_pfn_dirty(p)	(releases_dirty++)
#define kvm_flush_remote_tlbs(k)	(remote_flushes++)
#define kvm_slot_dirty_track_enabled(s) \
	(!!((s)->flags & KVM_MEM_LOG_DIRTY_PAGES))
#define kvm_dirty_log_manual_protect_and_init_set(k)	(manual_init_set)
static void mark_page_dirty_in_slot(struct kvm *kvm,
				    const struct kvm_memory_slot *slot,
				    gfn_t gfn)
{
	if (ndirty < 64)
		dirty_gfns[ndirty++] = gfn;
}

#include "../../../kvm/mmu.c"
#include "kvmla_fixture.h"

#define HUGE_PAGES	2048ULL
#define SMALL_GFN	0x100ULL
#define HUGE_GFN	0x800ULL

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	host_huge = 0;
	host_writable = true;
	pfn_error = false;
	invalidate_race = false;
	releases_clean = releases_dirty = remote_flushes = 0;
	manual_init_set = 0;
	ndirty = 0;
	alloc_fail_after = -1;
	for (int i = 0; i < 2048; i++) {
		invalid_pte_table[i] = 0;
		invalid_pmd_table[i] = (u64)invalid_pte_table;
	}
	/* slot 0: 16 small pages; slot 1: 2 huge pages, aligned */
	fx_kvm->slots[0] = (struct kvm_memory_slot){
		.base_gfn = SMALL_GFN, .npages = 16,
		.userspace_addr = 0x7f0000000000ULL + 0x4000, .id = 0 };
	fx_kvm->slots[1] = (struct kvm_memory_slot){
		.base_gfn = HUGE_GFN, .npages = 2 * HUGE_PAGES,
		.userspace_addr = 0x7e0000000000ULL, .id = 1 };
	fx_kvm->nr_slots = 2;
	if (kvmla_mmu_init(fx_kvm))
		abort();
	return v;
}

static void teardown(void)
{
	kvmla_mmu_deinit(fx_kvm);
}

static u64 gpa_of(gfn_t gfn)
{
	return gfn << PAGE_SHIFT;
}

/* The leaf entry mapping @gfn and its level, or 0. */
static u64 leaf(gfn_t gfn, int *level)
{
	int l;
	u64 *e = kvmla_s2_walk(fx_kvm, gpa_of(gfn), 0, NULL, &l);

	*level = l;
	return kvmla_s2_is_leaf(*e, l) ? *e : 0;
}

static int fault(struct kvm_vcpu *v, gfn_t gfn, bool write)
{
	return kvmla_mmu_handle_fault(v, gpa_of(gfn) + 0x18, write, false);
}

#define BASE_PROT (_PAGE_PRESENT | _PAGE_VALID | _CACHE_CC)

KTEST(init_fills_root_with_invalid_tables)
{
	setup();
	KT_EXPECT_EQ(pages_live, 1);
	for (int i = 0; i < 2048; i++)
		if (((u64 *)fx_kvm->arch.st.pgd)[i] != (u64)invalid_pmd_table)
			KT_FAILF("root[%d] not empty", i);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	KT_EXPECT(!fx_kvm->arch.st.pgd);
	return KT_PASS;
}

KTEST(read_fault_maps_small_page_clean)
{
	struct kvm_vcpu *v = setup();
	int l;

	KT_EXPECT_EQ(fault(v, SMALL_GFN + 3, false), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 3, &l),
		     BASE_PROT | KVMLA_S2_SOFTW |
		     ((HOST_PFN0 + SMALL_GFN + 3) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(l, 0);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 1);
	KT_EXPECT_EQ(pages_live, 3);		/* root, pmd table, pte table */
	KT_EXPECT_EQ(v->stat.fault_slow, 1);
	KT_EXPECT_EQ(releases_clean, 1);
	KT_EXPECT_EQ(ndirty, 0);
	KT_EXPECT(kvm_test_request(KVM_REQ_TLB_FLUSH_GPA, v));
	KT_EXPECT_EQ(v->arch.st.flush_gpa, gpa_of(SMALL_GFN + 3) + 0x18);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "path"), KVMLA_FAULT_PATH_SLOW);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "kind"), KVMLA_FAULT_KIND_RAM);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "level"), 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "write"), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 3, &l) & _PAGE_WRITE, 0);
	/* a neighbour reuses the tables */
	fault(v, SMALL_GFN + 4, false);
	KT_EXPECT_EQ(pages_live, 3);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 2);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	return KT_PASS;
}

KTEST(write_after_read_takes_fast_path_and_logs)
{
	struct kvm_vcpu *v = setup();
	int l;

	fault(v, SMALL_GFN, false);
	KT_EXPECT_EQ(fault(v, SMALL_GFN, true), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l) & (_PAGE_DIRTY | _PAGE_WRITE),
		     _PAGE_DIRTY);
	KT_EXPECT_EQ(v->stat.fault_fast, 1);
	KT_EXPECT_EQ(v->stat.fault_wrprot, 1);
	KT_EXPECT_EQ(ndirty, 1);
	KT_EXPECT_EQ(dirty_gfns[0], SMALL_GFN);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "path"), KVMLA_FAULT_PATH_FAST);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "write"), 1);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 1);
	teardown();
	return KT_PASS;
}

KTEST(write_fault_first_maps_dirty)
{
	struct kvm_vcpu *v = setup();
	int l;

	KT_EXPECT_EQ(fault(v, SMALL_GFN + 1, true), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 1, &l),
		     BASE_PROT | KVMLA_S2_SOFTW | _PAGE_DIRTY |
		     ((HOST_PFN0 + SMALL_GFN + 1) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(releases_dirty, 1);
	KT_EXPECT_EQ(ndirty, 1);
	teardown();
	return KT_PASS;
}

KTEST(read_only_host_or_slot_never_writable)
{
	struct kvm_vcpu *v = setup();
	int l;

	host_writable = false;
	fault(v, SMALL_GFN, false);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l) & (KVMLA_S2_SOFTW | _PAGE_DIRTY), 0);
	fx_kvm->slots[0].flags = KVM_MEM_READONLY;
	host_writable = true;
	KT_EXPECT_EQ(fault(v, SMALL_GFN + 2, true), -ENOENT);
	KT_EXPECT_EQ(fault(v, SMALL_GFN + 2, false), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 2, &l) & KVMLA_S2_SOFTW, 0);
	teardown();
	return KT_PASS;
}

KTEST(no_slot_is_mmio_and_errors_propagate)
{
	struct kvm_vcpu *v = setup();

	KT_EXPECT_EQ(fault(v, 0x5000, false), -ENOENT);
	fx_kvm->slots[0].flags = KVM_MEMSLOT_INVALID;
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), -ENOENT);
	fx_kvm->slots[0].flags = 0;
	pfn_error = true;
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), -EFAULT);
	KT_EXPECT_EQ((s32)FX_FIELD(kvm_gpa_fault, "result"), -EFAULT);
	pfn_error = false;
	alloc_fail_after = 1;		/* root exists; pmd ok, pte fails */
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), -ENOMEM);
	KT_EXPECT_EQ(releases_clean, 1);
	KT_EXPECT_EQ(pages_live, 1);
	teardown();
	return KT_PASS;
}

KTEST(invalidate_race_retries_without_mapping)
{
	struct kvm_vcpu *v = setup();
	int l;

	invalidate_race = true;
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l), 0);
	KT_EXPECT_EQ(releases_clean, 1);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	teardown();
	return KT_PASS;
}

KTEST(device_memory_is_uncached)
{
	struct kvm_vcpu *v = setup();
	int l;

	fx_kvm->slots[2] = (struct kvm_memory_slot){
		.base_gfn = 0x200, .npages = 4, .id = 3 };
	fx_kvm->nr_slots = 3;
	fault(v, 0x201, false);
	KT_EXPECT_EQ(leaf(0x201, &l) & (3UL << 4), _CACHE_SUC);
	teardown();
	return KT_PASS;
}

KTEST(huge_mapping_when_aligned_and_host_huge)
{
	struct kvm_vcpu *v = setup();
	int l;

	host_huge = 1;
	KT_EXPECT_EQ(fault(v, HUGE_GFN + 0x123, false), 0);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 0x123, &l),
		     BASE_PROT | KVMLA_S2_SOFTW | _PAGE_HUGE |
		     ((HOST_PFN0 + HUGE_GFN) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(l, 1);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 1);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(v->stat.fault_huge, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "level"), 1);
	KT_EXPECT_EQ(pages_live, 2);		/* root and pmd table */
	/* the small slot is never huge; nor a host page that is small */
	fault(v, SMALL_GFN, false);
	leaf(SMALL_GFN, &l);
	KT_EXPECT_EQ(l, 0);
	host_huge = 0;
	fault(v, HUGE_GFN + HUGE_PAGES + 5, false);
	leaf(HUGE_GFN + HUGE_PAGES + 5, &l);
	KT_EXPECT_EQ(l, 0);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	return KT_PASS;
}

KTEST(huge_over_small_mappings_flushes)
{
	struct kvm_vcpu *v = setup();
	int l;

	fault(v, HUGE_GFN, false);
	fault(v, HUGE_GFN + 1, true);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 2);
	host_huge = 1;
	fault(v, HUGE_GFN + 7, false);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 1, &l) & _PAGE_HUGE, _PAGE_HUGE);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 1);
	KT_EXPECT_EQ(remote_flushes, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "reason"), KVMLA_TLB_REASON_HUGE);
	KT_EXPECT_EQ(pages_live, 2);		/* the pte table is gone */
	teardown();
	return KT_PASS;
}

KTEST(dirty_logging_write_protects_and_splits_huge)
{
	struct kvm_vcpu *v = setup();
	struct kvm_memory_slot old, *s = &fx_kvm->slots[1];
	int l;

	host_huge = 1;
	fault(v, HUGE_GFN + 10, true);
	KT_EXPECT_EQ(leaf(HUGE_GFN, &l) & _PAGE_DIRTY, _PAGE_DIRTY);
	old = *s;
	s->flags |= KVM_MEM_LOG_DIRTY_PAGES;
	kvm_arch_commit_memory_region(fx_kvm, &old, s, KVM_MR_FLAGS_ONLY);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 10, &l) & _PAGE_DIRTY, 0);
	KT_EXPECT_EQ(remote_flushes, 1);
	ndirty = 0;
	/* a write splits the huge page; only that page becomes dirty */
	KT_EXPECT_EQ(fault(v, HUGE_GFN + 10, true), 0);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 0);
	KT_EXPECT_EQ(fx_kvm->stat.pages, HUGE_PAGES);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 10, &l),
		     BASE_PROT | KVMLA_S2_SOFTW | _PAGE_DIRTY |
		     ((HOST_PFN0 + HUGE_GFN + 10) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(l, 0);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 11, &l),
		     BASE_PROT | KVMLA_S2_SOFTW |
		     ((HOST_PFN0 + HUGE_GFN + 11) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(ndirty, 1);
	KT_EXPECT_EQ(dirty_gfns[0], HUGE_GFN + 10);
	/* no new huge mapping while logging */
	fault(v, HUGE_GFN + HUGE_PAGES, false);
	leaf(HUGE_GFN + HUGE_PAGES, &l);
	KT_EXPECT_EQ(l, 0);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	return KT_PASS;
}

KTEST(initially_set_skips_write_protect)
{
	struct kvm_vcpu *v = setup();
	struct kvm_memory_slot old, *s = &fx_kvm->slots[0];
	int l;

	fault(v, SMALL_GFN, true);
	manual_init_set = 1;
	old = *s;
	s->flags |= KVM_MEM_LOG_DIRTY_PAGES;
	kvm_arch_commit_memory_region(fx_kvm, &old, s, KVM_MR_FLAGS_ONLY);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l) & _PAGE_DIRTY, _PAGE_DIRTY);
	KT_EXPECT_EQ(remote_flushes, 0);
	/* userspace clears bits 0 and 2: those pages are protected */
	fault(v, SMALL_GFN + 1, true);
	fault(v, SMALL_GFN + 2, true);
	kvm_arch_mmu_enable_log_dirty_pt_masked(fx_kvm, s, 0, 0x5);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l) & _PAGE_DIRTY, 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 1, &l) & _PAGE_DIRTY, _PAGE_DIRTY);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 2, &l) & _PAGE_DIRTY, 0);
	/* other flag changes do nothing */
	kvm_arch_commit_memory_region(fx_kvm, s, s, KVM_MR_FLAGS_ONLY);
	kvm_arch_commit_memory_region(fx_kvm, &old, s, KVM_MR_CREATE);
	KT_EXPECT_EQ(remote_flushes, 0);
	kvm_arch_sync_dirty_log(fx_kvm, s);
	teardown();
	return KT_PASS;
}

KTEST(notifier_unmap_age_test_age)
{
	struct kvm_vcpu *v = setup();
	struct kvm_gfn_range r = { .start = SMALL_GFN + 1,
				   .end = SMALL_GFN + 3 };
	int l;

	for (int i = 0; i < 4; i++)
		fault(v, SMALL_GFN + i, false);
	KT_EXPECT(kvm_test_age_gfn(fx_kvm, &r));
	KT_EXPECT(kvm_age_gfn(fx_kvm, &r));
	KT_EXPECT(!kvm_test_age_gfn(fx_kvm, &r));
	KT_EXPECT(!kvm_age_gfn(fx_kvm, &r));
	KT_EXPECT_EQ(leaf(SMALL_GFN + 1, &l) & _PAGE_VALID, 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l) & _PAGE_VALID, _PAGE_VALID);
	/* an access makes it young again, on the fast path */
	fault(v, SMALL_GFN + 1, false);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 1, &l) & _PAGE_VALID, _PAGE_VALID);
	KT_EXPECT_EQ(v->stat.fault_fast, 1);

	KT_EXPECT(kvm_unmap_gfn_range(fx_kvm, &r));
	KT_EXPECT_EQ(leaf(SMALL_GFN + 1, &l), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 2, &l), 0);
	KT_EXPECT(leaf(SMALL_GFN + 3, &l));
	KT_EXPECT_EQ(fx_kvm->stat.pages, 2);
	KT_EXPECT(!kvm_unmap_gfn_range(fx_kvm, &r));
	/* a range covering whole tables frees them */
	r.start = 0;
	r.end = 1ULL << 33;
	KT_EXPECT(kvm_unmap_gfn_range(fx_kvm, &r));
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(pages_live, 1);
	teardown();
	return KT_PASS;
}

KTEST(flush_shadow_memslot_and_all)
{
	struct kvm_vcpu *v = setup();
	int l;

	host_huge = 1;
	fault(v, SMALL_GFN, false);
	fault(v, HUGE_GFN, false);
	kvm_arch_flush_shadow_memslot(fx_kvm, &fx_kvm->slots[0]);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l), 0);
	KT_EXPECT(leaf(HUGE_GFN, &l));
	KT_EXPECT_EQ(remote_flushes, 1);
	kvm_arch_flush_shadow_all(fx_kvm);
	KT_EXPECT_EQ(leaf(HUGE_GFN, &l), 0);
	KT_EXPECT_EQ(fx_kvm->stat.pages + fx_kvm->stat.hugepages, 0);
	KT_EXPECT_EQ(pages_live, 1);
	teardown();
	return KT_PASS;
}

KTEST(prepare_memory_region_bounds)
{
	struct kvm_memory_slot s = { .base_gfn = 0, .npages = 1 };

	setup();
	fx_kvm->arch.gpa_size = 1ULL << 30;
	s.base_gfn = ((1ULL << 30) >> PAGE_SHIFT) - 1;
	KT_EXPECT_EQ(kvm_arch_prepare_memory_region(fx_kvm, NULL, &s,
						    KVM_MR_CREATE), 0);
	s.npages = 2;
	KT_EXPECT_EQ(kvm_arch_prepare_memory_region(fx_kvm, NULL, &s,
						    KVM_MR_CREATE), -ENOMEM);
	KT_EXPECT_EQ(kvm_arch_prepare_memory_region(fx_kvm, &s, &s,
						    KVM_MR_DELETE), 0);
	/* a 48-bit VM still cannot place memory where the tables alias */
	fx_kvm->arch.gpa_size = 1ULL << 48;
	s.base_gfn = (1ULL << 47) >> PAGE_SHIFT;
	s.npages = 1;
	KT_EXPECT_EQ(kvm_arch_prepare_memory_region(fx_kvm, NULL, &s,
						    KVM_MR_CREATE), -ENOMEM);
	s.base_gfn--;
	KT_EXPECT_EQ(kvm_arch_prepare_memory_region(fx_kvm, NULL, &s,
						    KVM_MR_CREATE), 0);
	teardown();
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(init_fills_root_with_invalid_tables),
	KTEST_CASE(read_fault_maps_small_page_clean),
	KTEST_CASE(write_after_read_takes_fast_path_and_logs),
	KTEST_CASE(write_fault_first_maps_dirty),
	KTEST_CASE(read_only_host_or_slot_never_writable),
	KTEST_CASE(no_slot_is_mmio_and_errors_propagate),
	KTEST_CASE(invalidate_race_retries_without_mapping),
	KTEST_CASE(device_memory_is_uncached),
	KTEST_CASE(huge_mapping_when_aligned_and_host_huge),
	KTEST_CASE(huge_over_small_mappings_flushes),
	KTEST_CASE(dirty_logging_write_protects_and_splits_huge),
	KTEST_CASE(initially_set_skips_write_protect),
	KTEST_CASE(notifier_unmap_age_test_age),
	KTEST_CASE(flush_shadow_memslot_and_all),
	KTEST_CASE(prepare_memory_region_bounds),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/mmu", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
