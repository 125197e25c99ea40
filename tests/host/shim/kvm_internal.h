/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host harness: stands in for kvm/kvm_internal.h (same guard), so that the
 * real kvm/ C files compile in userspace on x86, as tools/testing/vma does
 * with vma_internal.h.  A test includes this first, then the kvm file:
 *
 *	#include "kvm_internal.h"
 *	#include "../../../kvm/vcpu.c"
 *
 * What the kernel gives kvm/ code comes from here: types, locks (no-ops),
 * IRQ and per-CPU state (one simulated CPU at a time), user copies,
 * generic KVM pieces, a simulated CSR file behind kvm/hw.h's names
 * (hw_sim.h), and trace_*() recorders for every catalog event
 * (trace_rec.h).  uapi is the tree's own, and LoongArch definitions are
 * copied from the tree at build time (tree-defs.h).
 */
#ifndef KVMLA_KVM_INTERNAL_H
#define KVMLA_KVM_INTERNAL_H

#define KVMLA_HOST_HARNESS 1

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the tree's uapi: linux/kvm.h with LoongArch's asm/kvm.h ---- */
#define __user
/*
 * (build/host/uapi: installed from the tree by shim/gen-uapi.sh.)
 * The kernel's kvm_stats_desc has a fixed name; uapi's is flexible. */
#define kvm_stats_desc kvm_stats_desc_uapi
#include <linux/kvm.h>
#include <asm/kvm_para.h>
#undef kvm_stats_desc

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef u64 gpa_t;
typedef u64 gfn_t;
typedef unsigned long hva_t;
typedef s64 ktime_t;
typedef unsigned int vm_fault_t;

/* ---- compiler and bit helpers ---- */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef noinline
#define noinline __attribute__((noinline))
#endif
#define __aligned(x) __attribute__((aligned(x)))
#define asmlinkage
#define __used __attribute__((used))
#define __maybe_unused __attribute__((unused))
#define __init
#define __exit
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ __volatile__("" : : : "memory")
#define smp_mb() __sync_synchronize()
#define smp_wmb() __sync_synchronize()
#define smp_rmb() __sync_synchronize()
#define smp_store_mb(var, val) do { WRITE_ONCE(var, val); smp_mb(); } while (0)
#define smp_store_release(p, v) WRITE_ONCE(*(p), v)
#define smp_load_acquire(p) READ_ONCE(*(p))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BITS_PER_LONG 64
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define _ULCAST_ (unsigned long)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define WARN_ON(c) ({ int __c = !!(c); if (__c) shim_warns++; __c; })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define BUG_ON(c) do { if (c) abort(); } while (0)
#define fallthrough __attribute__((fallthrough))
#define IS_ENABLED(x) 0
#define PAGE_SHIFT 14
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define gpa_to_gfn(gpa) ((gfn_t)((gpa) >> PAGE_SHIFT))
#define gfn_to_gpa(gfn) ((gpa_t)(gfn) << PAGE_SHIFT)

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / 64] >> (nr % 64)) & 1;
}
static inline void set_bit(long nr, volatile unsigned long *addr)
{
	addr[nr / 64] |= 1UL << (nr % 64);
}
static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	addr[nr / 64] &= ~(1UL << (nr % 64));
}
static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	clear_bit(nr, addr);
	return old;
}
static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	set_bit(nr, addr);
	return old;
}
#define __set_bit set_bit
#define __clear_bit clear_bit
#define __test_and_clear_bit test_and_clear_bit
#define __ffs(x) ((unsigned long)__builtin_ctzl(x))
#define __fls(x) (63UL - __builtin_clzl(x))
#define fls(x) ((x) ? 32 - __builtin_clz(x) : 0)
#define ffs(x) __builtin_ffs(x)
#define hweight64(x) __builtin_popcountll(x)
#define hweight32(x) __builtin_popcount(x)

/* ---- LoongArch definitions copied from the tree (build/host) ---- */
#include "tree-defs.h"

/* ---- logging: kept for tests to inspect ---- */
extern char shim_log[8192];
extern int shim_log_lines;
extern int shim_warns;
void shim_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define pr_err(...) shim_printk(__VA_ARGS__)
#define pr_warn(...) shim_printk(__VA_ARGS__)
#define pr_info(...) shim_printk(__VA_ARGS__)
#define pr_debug(...) do { } while (0)
#define pr_warn_once(...) shim_printk(__VA_ARGS__)
#define pr_err_ratelimited(...) shim_printk(__VA_ARGS__)
#define kvm_err(...) shim_printk(__VA_ARGS__)
#define kvm_info(...) shim_printk(__VA_ARGS__)
#define kvm_debug(...) do { } while (0)

/* ---- memory ---- */
#define GFP_KERNEL 0
#define GFP_KERNEL_ACCOUNT 0
#define __GFP_ZERO 0
#define kzalloc(n, f) calloc(1, n)
#define kcalloc(n, s, f) calloc(n, s)
#define kmalloc(n, f) malloc(n)
#define kvzalloc(n, f) calloc(1, n)
#define kfree(p) free(p)
#define kvfree(p) free(p)
extern int shim_page_fail;	/* __get_free_pages() fails when nonzero */
extern int shim_pages_live;	/* allocated and not yet freed */
unsigned long __get_free_pages(int gfp, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}
extern int shim_icache_flushes;
#define flush_icache_range(start, end) ((void)(start), (void)(end), \
					shim_icache_flushes++)

/* ---- user copies: fail on demand ---- */
extern int shim_uaccess_fail;	/* next copies fail when nonzero */
static inline unsigned long copy_from_user(void *to, const void *from,
					   unsigned long n)
{
	if (shim_uaccess_fail)
		return n;
	memcpy(to, from, n);
	return 0;
}
static inline unsigned long copy_to_user(void *to, const void *from,
					 unsigned long n)
{
	if (shim_uaccess_fail)
		return n;
	memcpy(to, from, n);
	return 0;
}
#define get_user(x, ptr) \
	(shim_uaccess_fail ? -EFAULT : ((x) = *(ptr), 0))
#define put_user(x, ptr) \
	(shim_uaccess_fail ? -EFAULT : (*(ptr) = (x), 0))

/* ---- one simulated CPU at a time; IRQ state tracked ---- */
#define NR_CPUS 4
extern int shim_cpu;
extern int shim_irqs_off;
#define smp_processor_id() (shim_cpu)
#define raw_smp_processor_id() (shim_cpu)
#define num_online_cpus() (NR_CPUS)
#define num_possible_cpus() (NR_CPUS)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < NR_CPUS; (c)++)
#define for_each_online_cpu(c) for_each_possible_cpu(c)
#define get_cpu() (shim_cpu)
#define put_cpu() do { } while (0)
#define preempt_disable() do { } while (0)
#define preempt_enable() do { } while (0)
#define local_irq_disable() (shim_irqs_off = 1)
#define local_irq_enable() (shim_irqs_off = 0)
#define local_irq_save(f) ((f) = shim_irqs_off, shim_irqs_off = 1)
#define local_irq_restore(f) (shim_irqs_off = (f))
#define irqs_disabled() (shim_irqs_off)
#define lockdep_assert_irqs_disabled() do { } while (0)
#define DEFINE_PER_CPU(t, n) t n[NR_CPUS]
#define DECLARE_PER_CPU(t, n) extern t n[NR_CPUS]
#define per_cpu_ptr(p, c) (&(*(p))[c])
#define this_cpu_ptr(p) per_cpu_ptr(p, shim_cpu)
#define per_cpu(n, c) ((n)[c])

/* ---- locks: single-threaded ---- */
typedef struct { int locked; } spinlock_t;
typedef struct { int locked; } rwlock_t;
struct mutex { int locked; };
#define spin_lock_init(l) ((l)->locked = 0)
#define spin_lock(l) ((l)->locked++)
#define spin_unlock(l) ((l)->locked--)
#define spin_lock_irqsave(l, f) ((void)(f), (l)->locked++)
#define spin_unlock_irqrestore(l, f) ((void)(f), (l)->locked--)
#define mutex_init(m) ((m)->locked = 0)
#define mutex_lock(m) ((m)->locked++)
#define mutex_unlock(m) ((m)->locked--)

/* ---- time, timers ---- */
extern u64 shim_now_ns;
extern u64 const_clock_freq;
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL
extern int shim_clock_reads;	/* ktime_get() calls */
#define ktime_get() ((ktime_t)(shim_clock_reads++, shim_now_ns))
#define ktime_to_ns(t) ((s64)(t))
#define ns_to_ktime(n) ((ktime_t)(n))
#define ktime_add_ns(t, n) ((t) + (n))
#define ktime_sub(a, b) ((a) - (b))
#define ktime_before(a, b) ((a) < (b))
#define ktime_after(a, b) ((a) > (b))
enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode {
	HRTIMER_MODE_ABS = 0, HRTIMER_MODE_REL = 1, HRTIMER_MODE_PINNED = 2,
	HRTIMER_MODE_ABS_PINNED = 2, HRTIMER_MODE_REL_PINNED = 3,
	HRTIMER_MODE_HARD = 8, HRTIMER_MODE_ABS_HARD = 8,
	HRTIMER_MODE_ABS_PINNED_HARD = 10, HRTIMER_MODE_REL_PINNED_HARD = 11,
};
#define CLOCK_MONOTONIC 1
struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *t);
	ktime_t expires;
	int active;
	int starts;
	int cancels;
};
static inline void hrtimer_init(struct hrtimer *t, int clock, int mode)
{
	(void)clock;
	(void)mode;
	memset(t, 0, sizeof(*t));
}
static inline void hrtimer_start(struct hrtimer *t, ktime_t when, int mode)
{
	(void)mode;
	t->expires = when;
	t->active = 1;
	t->starts++;
}
static inline int hrtimer_cancel(struct hrtimer *t)
{
	int was = t->active;

	t->active = 0;
	t->cancels++;
	return was;
}
#define hrtimer_try_to_cancel(t) hrtimer_cancel(t)
#define hrtimer_active(t) ((t)->active)
#define hrtimer_get_expires(t) ((t)->expires)

/* ---- scheduling, signals ---- */
extern int shim_signal;		/* a signal is pending */
extern int shim_need_resched;
extern int shim_xfer_work;	/* xfer_to_guest_mode_work_pending() */
extern int shim_xfer_ret;	/* xfer_to_guest_mode_handle_work() */
extern int shim_xfer_signal;	/* ... finds a signal, as vmlinux's does */
struct task_struct {
	struct { u64 run_delay; } sched_info;
};
extern struct task_struct shim_task;
#define current (&shim_task)
#define signal_pending(t) ((void)(t), shim_signal)
#define need_resched() (shim_need_resched)
#define cond_resched() do { } while (0)
#define schedule() do { } while (0)
#define sched_info_on() (1)
#define xfer_to_guest_mode_work_pending() (shim_xfer_work != 0)
#define guest_timing_enter_irqoff() do { } while (0)
#define guest_timing_exit_irqoff() do { } while (0)
#define guest_state_enter_irqoff() do { } while (0)
#define guest_state_exit_irqoff() do { } while (0)
#define lose_fpu(save) (shim_lose_fpu++)
extern int shim_lose_fpu;

/* ---- module plumbing ---- */
struct module;
#define THIS_MODULE ((struct module *)0)
#define module_init(fn) int (*shim_module_init)(void) = fn
#define module_exit(fn) void (*shim_module_exit)(void) = fn
#define MODULE_DESCRIPTION(s)
#define MODULE_LICENSE(s)
#define MODULE_VERSION(s)
#define MODULE_AUTHOR(s)
#define MODULE_DEVICE_TABLE(t, n) \
	static const void *shim_devtab_##n __attribute__((unused)) = &(n)
struct cpu_feature {
	u16 feature;
};
#define cpu_feature(x) 0
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL(s)
struct file {
	void *private_data;
};
struct vm_fault;
#define VM_FAULT_SIGBUS 0x2
#define ENOIOCTLCMD 515

/* ---- generic KVM, as much as kvm/ uses ---- */
#define KVM_USER_MEM_SLOTS 32767
#define KVM_MAX_VCPU_IDS 256
#define KVM_STATS_NAME_SIZE 48
#define HALT_POLL_HIST_COUNT 32
#define KVM_REQUEST_ARCH_BASE 8
#define KVM_ARCH_REQ(nr) ((nr) + KVM_REQUEST_ARCH_BASE)
#define KVM_REQ_TLB_FLUSH 0
#define KVM_REQ_VM_DEAD 1
#define KVM_REQ_UNBLOCK 2
#define KVM_REQ_DIRTY_RING_SOFT_FULL 3

enum { OUTSIDE_GUEST_MODE, IN_GUEST_MODE, EXITING_GUEST_MODE,
	READING_SHADOW_PAGE_TABLES };

struct kvm_vcpu_stat_generic {
	u64 halt_successful_poll;
	u64 halt_attempted_poll;
	u64 halt_poll_invalid;
	u64 halt_wakeup;
	u64 halt_poll_success_ns;
	u64 halt_poll_fail_ns;
	u64 halt_wait_ns;
	u64 halt_poll_success_hist[HALT_POLL_HIST_COUNT];
	u64 halt_poll_fail_hist[HALT_POLL_HIST_COUNT];
	u64 halt_wait_hist[HALT_POLL_HIST_COUNT];
	u64 blocking;
};

struct kvm_vm_stat_generic {
	u64 remote_tlb_flush;
	u64 remote_tlb_flush_requests;
};

/* The kernel's descriptor: uapi's, with the name inline. */
struct kvm_stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
	char name[KVM_STATS_NAME_SIZE];
};

#define SHIM_SCOPE_VM struct kvm_vm_stat
#define SHIM_SCOPE_VM_GENERIC struct kvm_vm_stat
#define SHIM_SCOPE_VCPU struct kvm_vcpu_stat
#define SHIM_SCOPE_VCPU_GENERIC struct kvm_vcpu_stat
#define SHIM_PFX_VM
#define SHIM_PFX_VCPU
#define SHIM_PFX_VM_GENERIC generic.
#define SHIM_PFX_VCPU_GENERIC generic.
#define SHIM_DESC(SCOPE, stat, type, unit, exp, sz) {			\
	.flags = (type) | (unit) | KVM_STATS_BASE_POW10,		\
	.exponent = (exp), .size = (sz),				\
	.offset = offsetof(SHIM_SCOPE_##SCOPE, SHIM_PFX_##SCOPE stat),	\
	.name = #stat }
#define STATS_DESC_COUNTER(SCOPE, stat) \
	SHIM_DESC(SCOPE, stat, KVM_STATS_TYPE_CUMULATIVE, KVM_STATS_UNIT_NONE, 0, 1)
#define STATS_DESC_ICOUNTER(SCOPE, stat) \
	SHIM_DESC(SCOPE, stat, KVM_STATS_TYPE_INSTANT, KVM_STATS_UNIT_NONE, 0, 1)
#define STATS_DESC_TIME_NSEC(SCOPE, stat) \
	SHIM_DESC(SCOPE, stat, KVM_STATS_TYPE_CUMULATIVE, KVM_STATS_UNIT_SECONDS, -9, 1)
#define STATS_DESC_LOGHIST_TIME_NSEC(SCOPE, stat, sz) \
	SHIM_DESC(SCOPE, stat, KVM_STATS_TYPE_LOG_HIST, KVM_STATS_UNIT_SECONDS, -9, sz)
#define STATS_DESC_IBOOLEAN(SCOPE, stat) \
	SHIM_DESC(SCOPE, stat, KVM_STATS_TYPE_INSTANT, KVM_STATS_UNIT_BOOLEAN, 0, 1)
#define KVM_GENERIC_VM_STATS()						\
	STATS_DESC_COUNTER(VM_GENERIC, remote_tlb_flush),		\
	STATS_DESC_COUNTER(VM_GENERIC, remote_tlb_flush_requests)
#define KVM_GENERIC_VCPU_STATS()					\
	STATS_DESC_COUNTER(VCPU_GENERIC, halt_successful_poll),		\
	STATS_DESC_COUNTER(VCPU_GENERIC, halt_attempted_poll),		\
	STATS_DESC_COUNTER(VCPU_GENERIC, halt_poll_invalid),		\
	STATS_DESC_COUNTER(VCPU_GENERIC, halt_wakeup),			\
	STATS_DESC_TIME_NSEC(VCPU_GENERIC, halt_poll_success_ns),	\
	STATS_DESC_TIME_NSEC(VCPU_GENERIC, halt_poll_fail_ns),		\
	STATS_DESC_TIME_NSEC(VCPU_GENERIC, halt_wait_ns),		\
	STATS_DESC_LOGHIST_TIME_NSEC(VCPU_GENERIC, halt_poll_success_hist, \
				     HALT_POLL_HIST_COUNT),		\
	STATS_DESC_LOGHIST_TIME_NSEC(VCPU_GENERIC, halt_poll_fail_hist, \
				     HALT_POLL_HIST_COUNT),		\
	STATS_DESC_LOGHIST_TIME_NSEC(VCPU_GENERIC, halt_wait_hist,	\
				     HALT_POLL_HIST_COUNT),		\
	STATS_DESC_IBOOLEAN(VCPU_GENERIC, blocking)

struct kvm_memory_slot {
	gfn_t base_gfn;
	unsigned long npages;
	unsigned long userspace_addr;
	u32 flags;
	short id;
	unsigned long *dirty_bitmap;
	struct kvm_arch_memory_slot *arch_ptr;
};
struct kvm_mmu_memory_cache {
	int nobjs;
};

struct kvm;
struct kvm_vcpu;

/* kvm/'s architecture structs, exactly as the module has them. */
#include "../../../kvm/asm/kvm_host.h"

struct kvm_vcpu {
	struct kvm *kvm;
	int cpu;
	int vcpu_id;
	int vcpu_idx;
	int mode;
	unsigned long requests;
	unsigned long guest_debug;
	bool wants_to_run;
	struct kvm_run *run;
	struct kvm_vcpu_stat stat;
	struct kvm_vcpu_arch arch;
};

struct srcu_struct {
	int readers;
};
#define srcu_read_lock(s) ((s)->readers++)
#define srcu_read_unlock(s, idx) ((void)(idx), (s)->readers--)

struct mm_struct;
struct kvm {
	struct kvm_arch arch;
	struct mm_struct *mm;		/* mmu.c: the host mapping */
	struct srcu_struct srcu;
	struct kvm_vm_stat stat;
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];
	int created_vcpus;
	unsigned long nr_memslot_pages;
	spinlock_t mmu_lock;		/* mmu.c */
	unsigned long mmu_invalidate_seq;
	/* harness memslots: a gfn is visible when inside one of these */
	struct kvm_memory_slot slots[4];
	int nr_slots;
};

#define kvm_get_vcpu(kvm, i) ((kvm)->vcpus[i])
#define kvm_for_each_vcpu(idx, v, kvm)					\
	for ((idx) = 0; (idx) < (unsigned long)(kvm)->created_vcpus &&	\
	     ((v) = (kvm)->vcpus[idx]); (idx)++)

static inline void kvm_make_request(int req, struct kvm_vcpu *vcpu)
{
	set_bit(req, &vcpu->requests);
}
static inline bool kvm_test_request(int req, struct kvm_vcpu *vcpu)
{
	return test_bit(req, &vcpu->requests);
}
static inline bool kvm_check_request(int req, struct kvm_vcpu *vcpu)
{
	return test_and_clear_bit(req, &vcpu->requests);
}
static inline void kvm_clear_request(int req, struct kvm_vcpu *vcpu)
{
	clear_bit(req, &vcpu->requests);
}
static inline bool kvm_request_pending(struct kvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->requests) != 0;
}
static inline int kvm_vcpu_exiting_guest_mode(struct kvm_vcpu *vcpu)
{
	int old = vcpu->mode;

	if (old == IN_GUEST_MODE)
		vcpu->mode = EXITING_GUEST_MODE;
	return old;
}
static inline void kvm_handle_signal_exit(struct kvm_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_INTR;
	vcpu->stat.signal_exits++;
}

/* The kvm_arch_* hooks kvm/ implements for generic KVM. */
int kvm_arch_init_vm(struct kvm *kvm, unsigned long type);
void kvm_arch_destroy_vm(struct kvm *kvm);
int kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext);
int kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl,
		      unsigned long arg);
long kvm_arch_dev_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg);
int kvm_arch_enable_virtualization_cpu(void);
void kvm_arch_disable_virtualization_cpu(void);
int kvm_arch_vcpu_precreate(struct kvm *kvm, unsigned int id);
int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_postcreate(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu);
void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu);
int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu);
int kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu);
int kvm_arch_vcpu_should_kick(struct kvm_vcpu *vcpu);
bool kvm_arch_vcpu_in_kernel(struct kvm_vcpu *vcpu);
bool kvm_arch_vcpu_preempted_in_kernel(struct kvm_vcpu *vcpu);
vm_fault_t kvm_arch_vcpu_fault(struct kvm_vcpu *vcpu, struct vm_fault *vmf);
int kvm_cpu_has_pending_timer(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_blocking(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_unblocking(struct kvm_vcpu *vcpu);
int kvm_arch_vcpu_ioctl_get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
int kvm_arch_vcpu_ioctl_set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
int kvm_arch_vcpu_ioctl_get_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu);
int kvm_arch_vcpu_ioctl_set_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu);
int kvm_arch_vcpu_ioctl_get_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs);
int kvm_arch_vcpu_ioctl_set_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs);
int kvm_arch_vcpu_ioctl_translate(struct kvm_vcpu *vcpu,
				  struct kvm_translation *tr);
int kvm_arch_vcpu_ioctl_get_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state);
int kvm_arch_vcpu_ioctl_set_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state);
int kvm_arch_vcpu_ioctl_set_guest_debug(struct kvm_vcpu *vcpu,
					struct kvm_guest_debug *dbg);
long kvm_arch_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg);
long kvm_arch_vcpu_async_ioctl(struct file *filp, unsigned int ioctl,
			       unsigned long arg);
extern const struct kvm_stats_desc kvm_vm_stats_desc[];
extern const struct kvm_stats_header kvm_vm_stats_header;
extern const struct kvm_stats_desc kvm_vcpu_stats_desc[];
extern const struct kvm_stats_header kvm_vcpu_stats_header;

bool kvm_is_visible_gfn(struct kvm *kvm, gfn_t gfn);
/* Guest memory: SHIM_GUEST_MEM bytes at gpa 0 (fails beyond). */
#define SHIM_GUEST_MEM 0x10000
extern u8 shim_guest_mem[SHIM_GUEST_MEM];
int kvm_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len);
int kvm_write_guest(struct kvm *kvm, gpa_t gpa, const void *data,
		    unsigned long len);
extern int shim_dirty_ring_full;
bool kvm_dirty_ring_check_request(struct kvm_vcpu *vcpu);
void kvm_destroy_vcpus(struct kvm *kvm);
int kvm_init(unsigned int size, unsigned int align, struct module *m);
void kvm_exit(void);
void kvm_vcpu_kick(struct kvm_vcpu *vcpu);
bool kvm_vcpu_wake_up(struct kvm_vcpu *vcpu);
void kvm_vcpu_halt(struct kvm_vcpu *vcpu);
bool kvm_vcpu_is_blocking(struct kvm_vcpu *vcpu);
extern int shim_blocking;	/* kvm_vcpu_is_blocking() answers this */
void kvm_sigset_activate(struct kvm_vcpu *vcpu);
void vcpu_load(struct kvm_vcpu *vcpu);
void vcpu_put(struct kvm_vcpu *vcpu);
void kvm_sigset_deactivate(struct kvm_vcpu *vcpu);
int xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu);
extern int shim_kvm_init_ret;
extern int shim_kvm_init_calls;
extern int shim_kvm_exit_calls;
extern int shim_halts;
extern int shim_kicks;
extern int shim_sigset;		/* activate - deactivate balance */

/* ---- the simulated hardware behind kvm/hw.h's names ---- */
#include "hw_sim.h"
/* ---- trace_*() recorders for every catalog event ---- */
#include "trace_rec.h"

#include "../../../kvm/kvmla.h"

/* Harness world switch: runs the guest model instead of entering one. */
extern const unsigned long kvmla_switch_size;
extern int shim_switch_calls;
extern int shim_switch_irqs_off;	/* IRQs were off at every entry */
extern void (*shim_guest)(struct kvm_vcpu_arch *arch);

#endif /* KVMLA_KVM_INTERNAL_H */
