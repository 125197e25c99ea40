// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 (GPA -> HPA) tables of a VM.
 *
 * The tables have the host's page-table geometry and entry format, so the
 * host's TLB refill code walks them while the guest runs: one page per
 * table, PAGE_SHIFT - 3 index bits per level, CONFIG_PGTABLE_LEVELS
 * levels.  Level 0 holds page entries, level 1 page-table pointers or PMD
 * huge entries (_PAGE_HUGE), the top level is the root.  An empty
 * directory entry points at the host's invalid table of the level below,
 * as the refill code expects.
 *
 * Leaf bits used:
 *   _PAGE_PRESENT   the entry maps something (software bit);
 *   _PAGE_VALID     hardware valid; cleared to age a page (young bit);
 *   _PAGE_DIRTY     hardware writable; set only here, on a write fault,
 *                   after the page is logged dirty;
 *   KVMLA_S2_SOFTW  the page may be made writable (software bit).
 * _PAGE_WRITE is never set: page-walking hardware (PTW) treats it as
 * permission to set _PAGE_DIRTY itself, which would bypass dirty logging.
 *
 * Locking: kvm->mmu_lock guards every table.  The MMU notifier callbacks
 * are called with it held; everything else here takes it.
 *
 * Table lifetime: the refill code of every CPU running a vCPU of the VM
 * may be reading a table, so an unlinked table is freed only after
 * kvm_flush_remote_tlbs() has taken every vCPU out of the guest.  The MMU
 * notifier's unmap cannot do that (its caller flushes after it returns),
 * so it clears leaves and leaves the tables for the next memslot flush or
 * the VM's end.
 *
 * The host learns what the guest did to its pages: a leaf made young or
 * dirty here, and a young or dirty leaf dropped, is reported with
 * kvm_set_pfn_accessed()/kvm_set_pfn_dirty().
 */
#include "kvm_internal.h"

#define KVMLA_S2_SOFTW		_PAGE_MODIFIED
#define KVMLA_S2_LEVELS		CONFIG_PGTABLE_LEVELS
#define KVMLA_S2_TOP		(KVMLA_S2_LEVELS - 1)
#define KVMLA_S2_BITS		(PAGE_SHIFT - 3)
#define KVMLA_S2_ENTRIES	BIT(KVMLA_S2_BITS)
#define KVMLA_S2_HUGE_LEVEL	1

static_assert(KVMLA_S2_LEVELS == 3, "stage-2 layout assumes 3 levels");

/*
 * Tables unlinked from the tree and not yet freed: their subtree roots,
 * each with the level of its entries.
 */
#define KVMLA_S2_RECLAIM	16
struct kvmla_s2_reclaim {
	int n;
	u64 *tables[KVMLA_S2_RECLAIM];
	int levels[KVMLA_S2_RECLAIM];
};

/*
 * A fault creates at most one table per level below the root (two of the
 * three levels), or splits one huge leaf into one table: the spares always
 * suffice.
 */
static_assert(KVMLA_MMU_SPARES == 2, "one spare per level below the root");

static unsigned int kvmla_s2_shift(int level)
{
	return PAGE_SHIFT + level * KVMLA_S2_BITS;
}

static unsigned long kvmla_s2_index(u64 gpa, int level)
{
	return (gpa >> kvmla_s2_shift(level)) & (KVMLA_S2_ENTRIES - 1);
}

static u64 kvmla_s2_size(int level)
{
	return 1ULL << kvmla_s2_shift(level);
}

/* What an empty entry of a table at @level holds. */
static u64 kvmla_s2_empty(int level)
{
	if (level == 0)
		return 0;
	if (level == 1)
		return (u64)invalid_pte_table;
	return (u64)invalid_pmd_table;
}

static bool kvmla_s2_is_leaf(u64 e, int level)
{
	return level == 0 ? !!(e & _PAGE_PRESENT) : !!(e & _PAGE_HUGE);
}

static bool kvmla_s2_is_table(u64 e, int level)
{
	return level > 0 && e != kvmla_s2_empty(level) && !(e & _PAGE_HUGE);
}

static u64 kvmla_s2_pfn(u64 e)
{
	return (e & _PFN_MASK) >> PFN_PTE_SHIFT;
}

static void kvmla_s2_table_init(u64 *t, int level)
{
	u64 v = kvmla_s2_empty(level);

	for (unsigned long i = 0; i < KVMLA_S2_ENTRIES; i++)
		t[i] = v;
}

/* Allocate the spares the previous faults used (unlocked, may sleep). */
static int kvmla_s2_cache_fill(struct kvmla_mmu_vcpu *c)
{
	while (c->n < KVMLA_MMU_SPARES) {
		void *p = (void *)__get_free_page(GFP_KERNEL_ACCOUNT);

		if (!p)
			return -ENOMEM;
		c->pages[c->n++] = p;
	}
	return 0;
}

void kvmla_mmu_vcpu_free(struct kvm_vcpu *vcpu)
{
	struct kvmla_mmu_vcpu *c = &vcpu->arch.st.mmu;

	while (c->n)
		free_page((unsigned long)c->pages[--c->n]);
}

/*
 * The entry for @gpa at @target level, creating tables from @c on the way
 * (none when @c is NULL).  Stops early at a huge leaf or, without @c, at an
 * empty entry; *level tells where it stopped.
 */
static u64 *kvmla_s2_walk(struct kvm *kvm, u64 gpa, int target,
			  struct kvmla_mmu_vcpu *c, int *level)
{
	u64 *t = kvm->arch.mmu.pgd;
	int l;

	for (l = KVMLA_S2_TOP; l > target; l--) {
		u64 *e = &t[kvmla_s2_index(gpa, l)];

		if (*e == kvmla_s2_empty(l)) {
			if (!c || !c->n) {
				*level = l;
				return c ? NULL : e;
			}
			t = c->pages[--c->n];
			kvmla_s2_table_init(t, l - 1);
			*e = (u64)t;
			continue;
		}
		if (*e & _PAGE_HUGE) {
			*level = l;
			return e;
		}
		t = (u64 *)*e;
	}
	*level = target;
	return &t[kvmla_s2_index(gpa, target)];
}

/* A leaf goes away: the host page keeps what the guest did to it. */
static void kvmla_s2_leaf_gone(struct kvm *kvm, u64 e, int level)
{
	if (level == 0)
		kvm->stat.pages--;
	else
		kvm->stat.hugepages--;
	if (e & _PAGE_DIRTY)
		kvm_set_pfn_dirty(kvmla_s2_pfn(e));
	if (e & _PAGE_VALID)
		kvm_set_pfn_accessed(kvmla_s2_pfn(e));
}

/* Free a table and every table below it, dropping their leaves. */
static void kvmla_s2_free_table(struct kvm *kvm, u64 *t, int level)
{
	for (unsigned long i = 0; i < KVMLA_S2_ENTRIES; i++) {
		if (kvmla_s2_is_table(t[i], level))
			kvmla_s2_free_table(kvm, (u64 *)t[i], level - 1);
		else if (kvmla_s2_is_leaf(t[i], level))
			kvmla_s2_leaf_gone(kvm, t[i], level);
	}
	free_page((unsigned long)t);
}

/* Flush every vCPU out of the guest, then free the unlinked tables. */
static void kvmla_s2_reclaim_finish(struct kvm *kvm,
				    struct kvmla_s2_reclaim *rc)
{
	kvm_flush_remote_tlbs(kvm);
	while (rc->n) {
		rc->n--;
		kvmla_s2_free_table(kvm, rc->tables[rc->n], rc->levels[rc->n]);
	}
}

/* Unlink the table behind @e (an entry at @level) for a later free. */
static void kvmla_s2_unlink(struct kvm *kvm, u64 *e, int level,
			    struct kvmla_s2_reclaim *rc)
{
	if (rc->n == KVMLA_S2_RECLAIM)
		kvmla_s2_reclaim_finish(kvm, rc);
	rc->tables[rc->n] = (u64 *)*e;
	rc->levels[rc->n++] = level - 1;
	*e = kvmla_s2_empty(level);
}

/* ---- operations over a GPA range ---- */

enum kvmla_s2_op {
	KVMLA_S2_UNMAP,
	KVMLA_S2_AGE,
	KVMLA_S2_TEST_AGE,
	KVMLA_S2_WRPROT,
};

static void kvmla_s2_drop_leaf(struct kvm *kvm, u64 *e, int level)
{
	kvmla_s2_leaf_gone(kvm, *e, level);
	*e = kvmla_s2_empty(level);
}

/*
 * Apply @op to the leaves in [start, end); true if any leaf changed/was
 * young.  An unmap with @rc also unlinks the tables the range covers
 * whole, for kvmla_s2_reclaim_finish().
 */
static bool kvmla_s2_range(struct kvm *kvm, u64 *t, int level, u64 base,
			   u64 start, u64 end, enum kvmla_s2_op op,
			   struct kvmla_s2_reclaim *rc)
{
	u64 size = kvmla_s2_size(level);
	bool hit = false;

	for (unsigned long i = 0; i < KVMLA_S2_ENTRIES; i++) {
		u64 lo = base + i * size, hi = lo + size;
		u64 *e = &t[i];

		if (hi <= start || lo >= end)
			continue;
		if (kvmla_s2_is_table(*e, level)) {
			if (rc && lo >= start && hi <= end) {
				kvmla_s2_unlink(kvm, e, level, rc);
				hit = true;
				continue;
			}
			hit |= kvmla_s2_range(kvm, (u64 *)*e, level - 1,
					      lo, start, end, op, rc);
			continue;
		}
		if (!kvmla_s2_is_leaf(*e, level))
			continue;
		switch (op) {
		case KVMLA_S2_UNMAP:
			kvmla_s2_drop_leaf(kvm, e, level);
			hit = true;
			break;
		case KVMLA_S2_AGE:
			hit |= !!(*e & _PAGE_VALID);
			*e &= ~_PAGE_VALID;
			break;
		case KVMLA_S2_TEST_AGE:
			hit |= !!(*e & _PAGE_VALID);
			break;
		case KVMLA_S2_WRPROT:
			hit |= !!(*e & _PAGE_DIRTY);
			*e &= ~_PAGE_DIRTY;
			break;
		}
	}
	return hit;
}

static bool kvmla_mmu_range(struct kvm *kvm, gfn_t start, gfn_t end,
			    enum kvmla_s2_op op)
{
	if (!kvm->arch.mmu.pgd)
		return false;
	return kvmla_s2_range(kvm, kvm->arch.mmu.pgd, KVMLA_S2_TOP, 0,
			      (u64)start << PAGE_SHIFT, (u64)end << PAGE_SHIFT,
			      op, NULL);
}

/* Unmap [start, end) and free its tables, flushing in between. */
static void kvmla_mmu_unmap_free(struct kvm *kvm, gfn_t start, gfn_t end)
{
	struct kvmla_s2_reclaim rc = { 0 };

	spin_lock(&kvm->mmu_lock);
	if (kvm->arch.mmu.pgd)
		kvmla_s2_range(kvm, kvm->arch.mmu.pgd, KVMLA_S2_TOP, 0,
			       (u64)start << PAGE_SHIFT,
			       (u64)end << PAGE_SHIFT, KVMLA_S2_UNMAP, &rc);
	kvmla_s2_reclaim_finish(kvm, &rc);
	spin_unlock(&kvm->mmu_lock);
}

/* ---- lifetime ---- */

int kvmla_mmu_init(struct kvm *kvm)
{
	u64 *root = (u64 *)__get_free_page(GFP_KERNEL_ACCOUNT);

	if (!root)
		return -ENOMEM;
	kvmla_s2_table_init(root, KVMLA_S2_TOP);
	kvm->arch.mmu.pgd = root;
	return 0;
}

void kvmla_mmu_deinit(struct kvm *kvm)
{
	if (!kvm->arch.mmu.pgd)
		return;
	kvmla_s2_free_table(kvm, kvm->arch.mmu.pgd, KVMLA_S2_TOP);
	kvm->arch.mmu.pgd = NULL;
}

/* ---- faults ---- */

static void kvmla_mmu_flush_gpa(struct kvm_vcpu *vcpu, u64 gpa)
{
	vcpu->arch.st.vmid.flush_gpa = gpa;
	kvm_make_request(KVM_REQ_TLB_FLUSH_GPA, vcpu);
}

/*
 * The level at which the host itself maps @gfn's memory: 1 when its PMD
 * entry for the hva is a huge leaf, else 0.  IRQs stay off during the
 * walk so that the host cannot free the tables it reads; the answer is
 * used under mmu_lock after mmu_invalidate_retry_gfn() said no
 * invalidation ran or runs, so it is still the host's.
 */
static int kvmla_mmu_host_level(struct kvm *kvm,
				const struct kvm_memory_slot *slot, gfn_t gfn)
{
	unsigned long hva = __gfn_to_hva_memslot(slot, gfn);
	unsigned long irqflags;
	int host_level = 0;
	pgd_t g;
	p4d_t p;
	pud_t u;
	pmd_t m;

	local_irq_save(irqflags);
	g = pgdp_get(pgd_offset(kvm->mm, hva));
	if (pgd_none(g))
		goto out_irq;
	p = p4dp_get(p4d_offset(&g, hva));
	if (!p4d_present(p))
		goto out_irq;
	u = pudp_get(pud_offset(&p, hva));
	if (!pud_present(u))
		goto out_irq;
	m = pmdp_get(pmd_offset(&u, hva));
	if (pmd_present(m) && pmd_leaf(m))
		host_level = KVMLA_S2_HUGE_LEVEL;
out_irq:
	local_irq_restore(irqflags);
	return host_level;
}

/* A PMD-sized block may map @gfn -> @pfn. */
static bool kvmla_mmu_can_huge(struct kvm *kvm, struct kvm_memory_slot *slot,
			       gfn_t gfn, kvm_pfn_t pfn)
{
	u64 npages = kvmla_s2_size(KVMLA_S2_HUGE_LEVEL) >> PAGE_SHIFT;
	gfn_t first = gfn & ~(npages - 1);

	u64 huge = kvmla_s2_size(KVMLA_S2_HUGE_LEVEL);

	/* The host address and the GPA must agree within a huge page. */
	if ((slot->userspace_addr ^ ((u64)slot->base_gfn << PAGE_SHIFT)) &
	    (huge - 1) || kvm_slot_dirty_track_enabled(slot))
		return false;
	if (first < slot->base_gfn ||
	    first + npages > slot->base_gfn + slot->npages)
		return false;
	if ((pfn ^ gfn) & (npages - 1))
		return false;
	if (!pfn_valid(pfn))
		return false;
	return kvmla_mmu_host_level(kvm, slot, gfn) == KVMLA_S2_HUGE_LEVEL;
}

/* Replace the huge leaf @e by a table of write-protected small leaves. */
static void kvmla_mmu_split(struct kvm *kvm, u64 *e,
			    struct kvmla_mmu_vcpu *c)
{
	u64 *t = c->pages[--c->n];
	u64 leaf = *e & ~(_PAGE_HUGE | _PAGE_DIRTY);
	u64 pfn = kvmla_s2_pfn(*e);

	leaf &= ~_PFN_MASK;
	for (unsigned long i = 0; i < KVMLA_S2_ENTRIES; i++)
		t[i] = leaf | ((pfn + i) << PFN_PTE_SHIFT);
	*e = (u64)t;
	kvm->stat.hugepages--;
	kvm->stat.pages += KVMLA_S2_ENTRIES;
}

/*
 * Fast path: the mapping exists and only needs its young bit, or its
 * dirty bit where writing is allowed.  -EAGAIN sends the fault to the
 * slow path.
 */
static __always_inline int kvmla_mmu_fast(struct kvm_vcpu *vcpu, u64 gpa,
					  bool write,
					  struct kvm_memory_slot *slot)
{
	struct kvm *kvm = vcpu->kvm;
	int level, ret = -EAGAIN;
	u64 *e, v;

	spin_lock(&kvm->mmu_lock);
	e = kvmla_s2_walk(kvm, gpa, 0, NULL, &level);
	if (!kvmla_s2_is_leaf(*e, level))
		goto out_unlock;
	v = *e | _PAGE_VALID;
	/*
	 * The host learns of the access and the write while the leaf, and
	 * so the page, is still there (mmu_lock held).
	 */
	if (write) {
		if (!(v & KVMLA_S2_SOFTW) || level > 0)
			goto out_unlock;	/* not writable, or must split */
		if (!(v & _PAGE_DIRTY)) {
			vcpu->stat.fault_wrprot++;
			kvm_set_pfn_dirty(kvmla_s2_pfn(v));
		}
		v |= _PAGE_DIRTY;
		mark_page_dirty_in_slot(kvm, slot, gpa >> PAGE_SHIFT);
	}
	if (!(*e & _PAGE_VALID))
		kvm_set_pfn_accessed(kvmla_s2_pfn(v));
	*e = v;
	ret = level;
out_unlock:
	spin_unlock(&kvm->mmu_lock);
	return ret;
}

static __always_inline int kvmla_mmu_slow(struct kvm_vcpu *vcpu, u64 gpa,
					  bool write,
					  struct kvm_memory_slot *slot,
					  const bool traced)
{
	struct kvmla_mmu_vcpu *cache = &vcpu->arch.st.mmu;
	struct kvmla_s2_reclaim rc = { 0 };
	struct kvm *kvm = vcpu->kvm;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	unsigned long mmu_seq;
	u64 prot, *e;
	bool writable = false;
	kvm_pfn_t pfn;
	int level, ret;

	mmu_seq = kvm->mmu_invalidate_seq;
	/* The sequence is read before the host mapping it guards. */
	smp_rmb();
	pfn = gfn_to_pfn_prot(kvm, gfn, write, &writable);
	if (is_error_noslot_pfn(pfn))
		return -EFAULT;
	ret = kvmla_s2_cache_fill(cache);
	if (ret)
		goto out_release;

	spin_lock(&kvm->mmu_lock);
	if (mmu_invalidate_retry_gfn(kvm, mmu_seq, gfn)) {
		/* The host mapping changed under us; the guest re-faults. */
		ret = 0;
		goto out_unlock;
	}
	prot = _PAGE_PRESENT | _PAGE_VALID |
	       (pfn_valid(pfn) ? _CACHE_CC : _CACHE_SUC);
	if (writable && !(slot->flags & KVM_MEM_READONLY))
		prot |= KVMLA_S2_SOFTW;
	if (write)
		prot |= _PAGE_DIRTY;

	if (kvmla_mmu_can_huge(kvm, slot, gfn, pfn)) {
		u64 mask = KVMLA_S2_ENTRIES - 1;

		e = kvmla_s2_walk(kvm, gpa, KVMLA_S2_HUGE_LEVEL, cache,
				  &level);
		if (kvmla_s2_is_table(*e, level)) {
			/* Small mappings go; their TLB entries with them. */
			kvmla_s2_unlink(kvm, e, level, &rc);
			kvmla_s2_reclaim_finish(kvm, &rc);
			if (traced)
				trace_kvm_tlb_flush(vcpu->vcpu_id,
						    KVMLA_TLB_SCOPE_ALL,
						    KVMLA_TLB_REASON_HUGE, gpa);
		}
		if (!(*e & _PAGE_HUGE))
			kvm->stat.hugepages++;
		*e = prot | _PAGE_HUGE | ((pfn & ~mask) << PFN_PTE_SHIFT);
		vcpu->stat.fault_huge++;
	} else {
		e = kvmla_s2_walk(kvm, gpa, 0, cache, &level);
		if (level > 0) {
			/* A huge leaf under dirty logging: split it. */
			kvmla_mmu_split(kvm, e, cache);
			if (traced)
				trace_kvm_tlb_flush(vcpu->vcpu_id,
						    KVMLA_TLB_SCOPE_ALL,
						    KVMLA_TLB_REASON_HUGE, gpa);
			e = kvmla_s2_walk(kvm, gpa, 0, cache, &level);
		}
		if (!(*e & _PAGE_PRESENT))
			kvm->stat.pages++;
		*e = prot | (pfn << PFN_PTE_SHIFT);
	}
	if (write)
		mark_page_dirty_in_slot(kvm, slot, gfn);
	ret = level;
out_unlock:
	spin_unlock(&kvm->mmu_lock);
out_release:
	if (write)
		kvm_release_pfn_dirty(pfn);
	else
		kvm_release_pfn_clean(pfn);
	return ret;
}

/*
 * Resolve a stage-2 fault: 0 when the guest may retry the access, -ENOENT
 * when no memslot backs @gpa for this access (MMIO, or a write to a
 * read-only slot), another -errno on failure.
 */
static __always_inline int kvmla_mmu_fault(struct kvm_vcpu *vcpu,
					   unsigned long gpa, bool write,
					   bool exec, const bool traced)
{
	int ret, idx, path = KVMLA_FAULT_PATH_FAST;
	struct kvm_memory_slot *slot;

	/* The memslots stay while the SRCU read side is held. */
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	slot = gfn_to_memslot(vcpu->kvm, gpa >> PAGE_SHIFT);
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID) ||
	    (write && (slot->flags & KVM_MEM_READONLY))) {
		srcu_read_unlock(&vcpu->kvm->srcu, idx);
		return -ENOENT;
	}

	ret = kvmla_mmu_fast(vcpu, gpa, write, slot);
	if (ret >= 0) {
		vcpu->stat.fault_fast++;
	} else {
		path = KVMLA_FAULT_PATH_SLOW;
		vcpu->stat.fault_slow++;
		ret = kvmla_mmu_slow(vcpu, gpa, write, slot, traced);
	}
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (traced)
		trace_kvm_gpa_fault(vcpu->vcpu_id, write, exec,
				    ret < 0 ? 0 : ret, path, KVMLA_FAULT_KIND_RAM,
				    ret < 0 ? ret : 0, gpa);
	if (ret < 0)
		return ret;
	kvmla_mmu_flush_gpa(vcpu, gpa);
	return 0;
}

/* In two copies (mmu.h): the plain one checks no event. */
int kvmla_mmu_handle_fault_plain(struct kvm_vcpu *vcpu, unsigned long gpa,
				 bool write, bool exec)
{
	return kvmla_mmu_fault(vcpu, gpa, write, exec, false);
}

int kvmla_mmu_handle_fault_traced(struct kvm_vcpu *vcpu, unsigned long gpa,
				  bool write, bool exec)
{
	return kvmla_mmu_fault(vcpu, gpa, write, exec, true);
}

/* ---- memslots and dirty logging ---- */

void kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm,
					     struct kvm_memory_slot *slot,
					     gfn_t gfn_offset, unsigned long mask)
{
	gfn_t base = slot->base_gfn + gfn_offset;

	while (mask) {
		unsigned int bit = __ffs(mask);

		kvmla_mmu_range(kvm, base + bit, base + bit + 1,
				KVMLA_S2_WRPROT);
		mask &= mask - 1;
	}
}

int kvm_arch_prepare_memory_region(struct kvm *kvm,
				   const struct kvm_memory_slot *old,
				   struct kvm_memory_slot *new,
				   enum kvm_mr_change change)
{
	u64 gpa, size;

	if (change == KVM_MR_DELETE)
		return 0;
	gpa = (u64)new->base_gfn << PAGE_SHIFT;
	size = (u64)new->npages << PAGE_SHIFT;
	/* Within the VM, and within what the tables can index. */
	if (gpa + size > kvm->arch.gpa_size || gpa + size < gpa ||
	    gpa + size > kvmla_s2_size(KVMLA_S2_LEVELS))
		return -ENOMEM;
	return 0;
}

void kvm_arch_commit_memory_region(struct kvm *kvm,
				   struct kvm_memory_slot *old,
				   const struct kvm_memory_slot *new,
				   enum kvm_mr_change change)
{
	bool was, now;

	if (change != KVM_MR_FLAGS_ONLY)
		return;
	was = old->flags & KVM_MEM_LOG_DIRTY_PAGES;
	now = new->flags & KVM_MEM_LOG_DIRTY_PAGES;
	/* With "initially set" userspace write-protects as it clears. */
	if (was || !now || kvm_dirty_log_manual_protect_and_init_set(kvm))
		return;
	spin_lock(&kvm->mmu_lock);
	kvmla_mmu_range(kvm, new->base_gfn, new->base_gfn + new->npages,
			KVMLA_S2_WRPROT);
	spin_unlock(&kvm->mmu_lock);
	kvm_flush_remote_tlbs(kvm);
}

void kvm_arch_flush_shadow_all(struct kvm *kvm)
{
	kvmla_mmu_unmap_free(kvm, 0, ~0ULL >> PAGE_SHIFT);
}

void kvm_arch_flush_shadow_memslot(struct kvm *kvm,
				   struct kvm_memory_slot *slot)
{
	kvmla_mmu_unmap_free(kvm, slot->base_gfn,
			     slot->base_gfn + slot->npages);
}

void kvm_arch_sync_dirty_log(struct kvm *kvm, struct kvm_memory_slot *memslot)
{
	/* Pages are logged when their write fault is resolved. */
}

/* ---- MMU notifier callbacks (mmu_lock held by the caller) ---- */

bool kvm_unmap_gfn_range(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return kvmla_mmu_range(kvm, range->start, range->end, KVMLA_S2_UNMAP);
}

bool kvm_age_gfn(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return kvmla_mmu_range(kvm, range->start, range->end, KVMLA_S2_AGE);
}

bool kvm_test_age_gfn(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return kvmla_mmu_range(kvm, range->start, range->end,
			       KVMLA_S2_TEST_AGE);
}
