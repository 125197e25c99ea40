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
static int pages_live, pages_allocated, alloc_fail_after = -1;
/*
 * Table pages freed while a TLB flush was still owed: early_frees counts
 * frees made while remote_flushes still equals flush_mark (-1: no check).
 */
static int remote_flushes, flush_mark = -1, early_frees;
static void *fx_page_alloc(void)
{
	if (alloc_fail_after == 0)
		return NULL;
	if (alloc_fail_after > 0)
		alloc_fail_after--;
	pages_live++;
	pages_allocated++;
	return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}
static void fx_page_free(void *p)
{
	if (remote_flushes == flush_mark)
		early_frees++;
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
/*
 * The host's own mapping of the slot's memory: a 3-level tree whose PMD
 * entry is a huge leaf (_PAGE_HUGE | _PAGE_PRESENT) when host_huge is set,
 * else a pointer to a PTE table.  folio_huge is what the folio says, which
 * a PTE-mapped large folio shows apart from the mapping.
 */
static int host_huge, folio_huge;
static inline size_t folio_size(struct folio *f)
{
	return folio_huge ? 1UL << 25 : PAGE_SIZE;
}
struct mm_struct { int users; };
typedef struct { unsigned long pgd; } pgd_t;
typedef struct { pgd_t pgd; } p4d_t;
typedef struct { p4d_t p4d; } pud_t;
typedef struct { unsigned long pmd; } pmd_t;
static u64 host_pte_table[2048] __aligned(1 << 14);
static pgd_t host_pgd_entry;
static pmd_t host_pmd_entry;
static unsigned long host_walked_hva;
static int host_walk_irqs_off;
#define pmd_val(x)		((x).pmd)
static inline pgd_t *pgd_offset(struct mm_struct *mm, unsigned long a)
{
	host_walked_hva = a;
	host_walk_irqs_off = shim_irqs_off;
	host_pgd_entry.pgd = 1;
	return &host_pgd_entry;
}
#define pgdp_get(p)		(*(p))
#define p4dp_get(p)		(*(p))
#define pudp_get(p)		(*(p))
#define pmdp_get(p)		(*(p))
#define pgd_none(g)		0	/* asm-generic/pgtable-nop4d.h */
#define p4d_offset(g, a)	((p4d_t *)(g))
#define p4d_none(p)		0
#define p4d_present(p)		1
#define pud_offset(p, a)	((pud_t *)(p))	/* pgtable-nopud.h */
#define pud_none(p)		0
#define pud_present(p)		1
static inline pmd_t *pmd_offset(pud_t *pud, unsigned long a)
{
	host_pmd_entry.pmd = host_huge ? _PAGE_HUGE | _PAGE_PRESENT |
				(HOST_PFN0 << PFN_PTE_SHIFT) :
				(unsigned long)host_pte_table;
	return &host_pmd_entry;
}
/* asm/pgtable.h, 6.12: pmd_none, pmd_present, pmd_leaf */
#define pmd_none(p)	(pmd_val(p) == (unsigned long)invalid_pte_table)
#define pmd_present(p)	((pmd_val(p) & _PAGE_HUGE) ?			\
			 !!(pmd_val(p) & _PAGE_PRESENT) : !pmd_none(p))
#define pmd_leaf(p)	((pmd_val(p) & _PAGE_HUGE) != 0)
static inline unsigned long __gfn_to_hva_memslot(const struct kvm_memory_slot *s,
						 gfn_t gfn)
{
	return s->userspace_addr + (gfn - s->base_gfn) * PAGE_SIZE;
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
static int releases_clean, releases_dirty;
/* kvm_set_pfn_dirty/accessed (virt/kvm/kvm_main.c): calls, last pfn */
static int pfn_dirtied, pfn_accessed;
static kvm_pfn_t last_dirtied, last_accessed;
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
#define kvm_set_pfn_dirty(p)	(pfn_dirtied++, last_dirtied = (p))
#define kvm_set_pfn_accessed(p)	(pfn_accessed++, last_accessed = (p))
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

static struct mm_struct host_mm;
#define HUGE_PAGES	2048ULL
#define SMALL_GFN	0x100ULL
#define HUGE_GFN	0x800ULL

static struct kvm_vcpu *setup(void)
{
	struct kvm_vcpu *v = fx_setup();

	host_huge = 0;
	folio_huge = 0;
	pages_live = 0;		/* a failed case leaks its tables */
	pages_allocated = 0;
	flush_mark = -1;
	early_frees = 0;
	pfn_dirtied = pfn_accessed = 0;
	last_dirtied = last_accessed = 0;
	fx_kvm->mm = &host_mm;
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
	kvmla_mmu_vcpu_free(fx_vcpus[0]);
}

/*
 * Pages in the stage-2 tree: every live page but vCPU 0's spares (the
 * vCPU keeps up to one per level below the root across faults).
 */
static int tables_live(void)
{
	return pages_live - fx_vcpus[0]->arch.st.mmu.n;
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
	return kvmla_mmu_handle_fault(v, gpa_of(gfn) + 0x18, write, false, true);
}

#define BASE_PROT (_PAGE_PRESENT | _PAGE_VALID | _CACHE_CC)

KTEST(init_fills_root_with_invalid_tables)
{
	setup();
	KT_EXPECT_EQ(tables_live(), 1);
	for (int i = 0; i < 2048; i++)
		if (((u64 *)fx_kvm->arch.mmu.pgd)[i] != (u64)invalid_pmd_table)
			KT_FAILF("root[%d] not empty", i);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	KT_EXPECT(!fx_kvm->arch.mmu.pgd);
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
	KT_EXPECT_EQ(tables_live(), 3);		/* root, pmd table, pte table */
	KT_EXPECT_EQ(v->stat.fault_slow, 1);
	KT_EXPECT_EQ(releases_clean, 1);
	KT_EXPECT_EQ(ndirty, 0);
	KT_EXPECT(kvm_test_request(KVM_REQ_TLB_FLUSH_GPA, v));
	KT_EXPECT_EQ(v->arch.st.vmid.flush_gpa, gpa_of(SMALL_GFN + 3) + 0x18);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "path"), KVMLA_FAULT_PATH_SLOW);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "kind"), KVMLA_FAULT_KIND_RAM);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "level"), 0);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "write"), 0);
	KT_EXPECT_EQ(leaf(SMALL_GFN + 3, &l) & _PAGE_WRITE, 0);
	/* a neighbour reuses the tables */
	fault(v, SMALL_GFN + 4, false);
	KT_EXPECT_EQ(tables_live(), 3);
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
	KT_EXPECT_EQ(tables_live(), 1);
	/* the page it got stays a spare: the retry allocates one more */
	KT_EXPECT_EQ(v->arch.st.mmu.n, 1);
	alloc_fail_after = -1;
	pages_allocated = 0;
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), 0);
	KT_EXPECT_EQ(pages_allocated, 1);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	return KT_PASS;
}

/*
 * The spare tables outlive a fault: a fault allocates only the tables the
 * faults before it consumed, none when they consumed none.  One PTE table
 * maps 2048 pages (32 MiB); one PMD table 2048 PTE tables (64 GiB).
 */
KTEST(spare_tables_kept_across_faults)
{
	struct kvm_vcpu *v = setup();

	pages_allocated = 0;			/* the root is there */
	KT_EXPECT_EQ(fault(v, SMALL_GFN, false), 0);
	KT_EXPECT_EQ(pages_allocated, 2);	/* the two spares */
	KT_EXPECT_EQ(tables_live(), 3);		/* root, pmd table, pte table */
	KT_EXPECT_EQ(v->arch.st.mmu.n, 0);
	pages_allocated = 0;
	KT_EXPECT_EQ(fault(v, SMALL_GFN + 1, false), 0);
	KT_EXPECT_EQ(pages_allocated, 2);	/* the refill of both */
	KT_EXPECT_EQ(v->arch.st.mmu.n, 2);	/* none consumed */
	pages_allocated = 0;
	for (gfn_t g = SMALL_GFN + 2; g < SMALL_GFN + 16; g++)
		KT_EXPECT_EQ(fault(v, g, false), 0);
	KT_EXPECT_EQ(pages_allocated, 0);
	KT_EXPECT_EQ(v->arch.st.mmu.n, 2);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 16);
	/* the huge slot's first 32 MiB: a new pte table, one spare used */
	KT_EXPECT_EQ(fault(v, HUGE_GFN, false), 0);
	KT_EXPECT_EQ(pages_allocated, 0);
	KT_EXPECT_EQ(v->arch.st.mmu.n, 1);
	KT_EXPECT_EQ(tables_live(), 4);
	KT_EXPECT_EQ(fault(v, HUGE_GFN + 1, false), 0);
	KT_EXPECT_EQ(pages_allocated, 1);
	KT_EXPECT_EQ(v->arch.st.mmu.n, 2);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
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

	host_huge = folio_huge = 1;
	KT_EXPECT_EQ(fault(v, HUGE_GFN + 0x123, false), 0);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 0x123, &l),
		     BASE_PROT | KVMLA_S2_SOFTW | _PAGE_HUGE |
		     ((HOST_PFN0 + HUGE_GFN) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(l, 1);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 1);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(v->stat.fault_huge, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_gpa_fault, "level"), 1);
	KT_EXPECT_EQ(tables_live(), 2);		/* root and pmd table */
	/* the small slot is never huge; nor a host page that is small */
	fault(v, SMALL_GFN, false);
	leaf(SMALL_GFN, &l);
	KT_EXPECT_EQ(l, 0);
	host_huge = folio_huge = 0;
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
	host_huge = folio_huge = 1;
	fault(v, HUGE_GFN + 7, false);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 1, &l) & _PAGE_HUGE, _PAGE_HUGE);
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 1);
	KT_EXPECT_EQ(remote_flushes, 1);
	KT_EXPECT_EQ(FX_FIELD(kvm_tlb_flush, "reason"), KVMLA_TLB_REASON_HUGE);
	KT_EXPECT_EQ(tables_live(), 2);		/* the pte table is gone */
	teardown();
	return KT_PASS;
}

KTEST(dirty_logging_write_protects_and_splits_huge)
{
	struct kvm_vcpu *v = setup();
	struct kvm_memory_slot old, *s = &fx_kvm->slots[1];
	int l;

	host_huge = folio_huge = 1;
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
	/*
	 * A range covering whole tables drops the leaves but frees no table:
	 * the caller's TLB flush comes after this callback returns
	 * (virt/kvm/kvm_main.c kvm_handle_hva_range: flush_on_ret), and
	 * upstream's kvm_unmap_gfn_range leaves tables in place too.
	 */
	r.start = 0;
	r.end = 1ULL << 33;
	flush_mark = remote_flushes;
	KT_EXPECT(kvm_unmap_gfn_range(fx_kvm, &r));
	KT_EXPECT_EQ(fx_kvm->stat.pages, 0);
	KT_EXPECT_EQ(early_frees, 0);
	KT_EXPECT_EQ(tables_live(), 3);
	teardown();
	KT_EXPECT_EQ(pages_live, 0);
	return KT_PASS;
}

/*
 * Oracle for the order: the host's TLB refill walks the stage-2 tables
 * while a guest runs, and upstream's kvm_flush_range frees unlinked table
 * pages only after kvm_flush_remote_tlbs() (which takes every vCPU out of
 * the guest).  A free before the flush is a use-after-free by the walker.
 */
KTEST(huge_collapse_frees_small_table_after_flush)
{
	struct kvm_vcpu *v = setup();

	fault(v, HUGE_GFN, false);
	fault(v, HUGE_GFN + 1, false);
	KT_EXPECT_EQ(tables_live(), 3);
	host_huge = folio_huge = 1;
	flush_mark = remote_flushes;
	fault(v, HUGE_GFN + 7, false);
	KT_EXPECT_EQ(remote_flushes, flush_mark + 1);
	KT_EXPECT_EQ(early_frees, 0);
	KT_EXPECT_EQ(tables_live(), 2);
	teardown();
	return KT_PASS;
}

KTEST(flush_shadow_frees_tables_after_flush)
{
	struct kvm_vcpu *v = setup();
	int l;

	/* small pages filling slot 1's first PTE table */
	fault(v, HUGE_GFN + 3, false);
	fault(v, HUGE_GFN + HUGE_PAGES + 3, false);
	KT_EXPECT_EQ(tables_live(), 4);
	flush_mark = remote_flushes;
	kvm_arch_flush_shadow_memslot(fx_kvm, &fx_kvm->slots[1]);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 3, &l), 0);
	KT_EXPECT_EQ(early_frees, 0);
	KT_EXPECT_EQ(remote_flushes, flush_mark + 1);
	KT_EXPECT_EQ(tables_live(), 2);
	fault(v, HUGE_GFN + 3, false);
	flush_mark = remote_flushes;
	kvm_arch_flush_shadow_all(fx_kvm);
	KT_EXPECT_EQ(early_frees, 0);
	KT_EXPECT_EQ(remote_flushes, flush_mark + 1);
	KT_EXPECT_EQ(tables_live(), 1);
	teardown();
	return KT_PASS;
}

/*
 * Oracle: upstream decides a huge stage-2 mapping from the host's own
 * mapping of the hva (mmu.c host_pfn_mapping_level: a PMD leaf in
 * kvm->mm, asm/pgtable.h pmd_leaf), walked with IRQs off; a large folio
 * the host maps with PTEs (e.g. after a partial mprotect) is not enough.
 */
KTEST(huge_follows_host_mapping_level_not_folio)
{
	struct kvm_vcpu *v = setup();
	int l;

	folio_huge = 1;
	host_huge = 0;
	KT_EXPECT_EQ(fault(v, HUGE_GFN + 5, false), 0);
	KT_EXPECT_EQ(leaf(HUGE_GFN + 5, &l),
		     BASE_PROT | KVMLA_S2_SOFTW |
		     ((HOST_PFN0 + HUGE_GFN + 5) << PFN_PTE_SHIFT));
	KT_EXPECT_EQ(l, 0);
	KT_EXPECT_EQ(fx_kvm->stat.hugepages, 0);
	KT_EXPECT_EQ(host_walked_hva, fx_kvm->slots[1].userspace_addr +
		     5 * PAGE_SIZE);
	KT_EXPECT_EQ(host_walk_irqs_off, 1);
	KT_EXPECT_EQ(shim_irqs_off, 0);
	/* a host PMD leaf maps the next huge page as one */
	host_huge = 1;
	KT_EXPECT_EQ(fault(v, HUGE_GFN + HUGE_PAGES + 5, false), 0);
	KT_EXPECT_EQ(leaf(HUGE_GFN + HUGE_PAGES + 5, &l) & _PAGE_HUGE,
		     _PAGE_HUGE);
	KT_EXPECT_EQ(l, 1);
	teardown();
	return KT_PASS;
}

/*
 * Oracle: upstream's kvm_map_page_fast tells the host when it sets the
 * young bit (kvm_set_pfn_accessed) or the dirty bit (kvm_set_pfn_dirty);
 * otherwise reclaim sees an idle clean page the guest wrote.
 */
KTEST(fast_path_marks_host_page_accessed_and_dirty)
{
	struct kvm_vcpu *v = setup();
	struct kvm_gfn_range r = { .start = SMALL_GFN, .end = SMALL_GFN + 1 };

	fault(v, SMALL_GFN, false);
	KT_EXPECT(kvm_age_gfn(fx_kvm, &r));
	KT_EXPECT_EQ(pfn_accessed, 0);
	fault(v, SMALL_GFN, false);
	KT_EXPECT_EQ(v->stat.fault_fast, 1);
	KT_EXPECT_EQ(pfn_accessed, 1);
	KT_EXPECT_EQ(last_accessed, HOST_PFN0 + SMALL_GFN);
	KT_EXPECT_EQ(pfn_dirtied, 0);
	fault(v, SMALL_GFN, true);
	KT_EXPECT_EQ(v->stat.fault_fast, 2);
	KT_EXPECT_EQ(pfn_dirtied, 1);
	KT_EXPECT_EQ(last_dirtied, HOST_PFN0 + SMALL_GFN);
	KT_EXPECT_EQ(pfn_accessed, 1);		/* was young already */
	/* already dirty: nothing new to tell */
	fault(v, SMALL_GFN, true);
	KT_EXPECT_EQ(pfn_dirtied, 1);
	teardown();
	return KT_PASS;
}

/*
 * Oracle: a zapped leaf hands its young and dirty state to the host page
 * (arch/x86/kvm/mmu/tdp_mmu.c handle_changed_spte: kvm_set_pfn_dirty and
 * kvm_set_pfn_accessed of the old entry's pfn).
 */
KTEST(unmap_hands_dirty_and_young_to_host)
{
	struct kvm_vcpu *v = setup();
	struct kvm_gfn_range r = { .start = SMALL_GFN, .end = SMALL_GFN + 3 };

	fault(v, SMALL_GFN, false);
	fault(v, SMALL_GFN, true);		/* dirty via the fast path */
	fault(v, SMALL_GFN + 1, false);
	fault(v, SMALL_GFN + 2, false);
	KT_EXPECT(kvm_age_gfn(fx_kvm, &(struct kvm_gfn_range){
		.start = SMALL_GFN + 2, .end = SMALL_GFN + 3 }));
	pfn_dirtied = pfn_accessed = 0;
	KT_EXPECT(kvm_unmap_gfn_range(fx_kvm, &r));
	KT_EXPECT_EQ(pfn_dirtied, 1);
	KT_EXPECT_EQ(last_dirtied, HOST_PFN0 + SMALL_GFN);
	KT_EXPECT_EQ(pfn_accessed, 2);		/* +0 and +1; +2 was old */
	teardown();
	return KT_PASS;
}

KTEST(flush_shadow_memslot_and_all)
{
	struct kvm_vcpu *v = setup();
	int l;

	host_huge = folio_huge = 1;
	fault(v, SMALL_GFN, false);
	fault(v, HUGE_GFN, false);
	kvm_arch_flush_shadow_memslot(fx_kvm, &fx_kvm->slots[0]);
	KT_EXPECT_EQ(leaf(SMALL_GFN, &l), 0);
	KT_EXPECT(leaf(HUGE_GFN, &l));
	KT_EXPECT_EQ(remote_flushes, 1);
	kvm_arch_flush_shadow_all(fx_kvm);
	KT_EXPECT_EQ(leaf(HUGE_GFN, &l), 0);
	KT_EXPECT_EQ(fx_kvm->stat.pages + fx_kvm->stat.hugepages, 0);
	KT_EXPECT_EQ(tables_live(), 1);
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
	KTEST_CASE(spare_tables_kept_across_faults),
	KTEST_CASE(invalidate_race_retries_without_mapping),
	KTEST_CASE(device_memory_is_uncached),
	KTEST_CASE(huge_mapping_when_aligned_and_host_huge),
	KTEST_CASE(huge_over_small_mappings_flushes),
	KTEST_CASE(dirty_logging_write_protects_and_splits_huge),
	KTEST_CASE(initially_set_skips_write_protect),
	KTEST_CASE(notifier_unmap_age_test_age),
	KTEST_CASE(flush_shadow_memslot_and_all),
	KTEST_CASE(huge_collapse_frees_small_table_after_flush),
	KTEST_CASE(flush_shadow_frees_tables_after_flush),
	KTEST_CASE(huge_follows_host_mapping_level_not_folio),
	KTEST_CASE(fast_path_marks_host_page_accessed_and_dirty),
	KTEST_CASE(unmap_hands_dirty_and_young_to_host),
	KTEST_CASE(prepare_memory_region_bounds),
};

int main(int argc, char **argv)
{
	int r = ktest_main("kvm/mmu", cases, KTEST_N(cases));

	fx_teardown();
	return r;
}
