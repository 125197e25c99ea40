// SPDX-License-Identifier: GPL-2.0
/*
 * kvmstat-la.bpf.c: in-kernel aggregation for kvmstat-la.
 *
 * One generic classic-tracepoint program is attached to every profile
 * event; the attach cookie is the event's index and selects a ks_evcfg
 * (reason/sub/vcpu field offsets and role).  On x86 the events whose
 * arguments carry what we need (kvm_entry, kvm_userspace_exit, kvm_pio,
 * kvm_mmio) get tp_btf programs instead, with raw_tp twins loaded when
 * tp_btf is unavailable.  kvm_exit stays classic on x86: its exit reason is
 * computed inside the tracepoint, not passed as an argument.
 *
 * Maps are per-CPU; a failed insert is counted in `drops`, never silent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kvmstat-la.h"

/* writable at run time (the TUI's p/g/c keys change the VM filter) */
volatile bool filter_pid = false;
/* set while the probes are taken down in the background: count nothing */
volatile bool standby = false;
const volatile bool do_latency = true;
/* profile indexes of the events with dedicated programs (-1 = unused) */
const volatile int idx_entry = -1;
const volatile int idx_uexit = -1;
const volatile int idx_pio = -1;
const volatile int idx_mmio = -1;
const volatile int idx_fpu = -1;
const volatile int idx_emul = -1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KS_MAX_EVENTS);
	__type(key, __u32);
	__type(value, struct ks_evcfg);
} evcfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KS_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, KS_MAX_COUNTS);
	__type(key, struct ks_count_key);
	__type(value, __u64);
} counts SEC(".maps");

/*
 * Allocated on first use: a log-linear histogram is 3.7 KiB per CPU.  The
 * flag is uapi's BPF_F_NO_PREALLOC, which the LoongArch vmlinux.h here lacks.
 */
#define KS_NO_PREALLOC 1
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, KS_NO_PREALLOC);
	__uint(max_entries, KS_MAX_LAT);
	__type(key, struct ks_lat_key);
	__type(value, struct ks_lat_val);
} lat SEC(".maps");

/* per-thread latency state, direct-mapped by tid (threads migrate: not striped) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KS_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct ks_thread);
} threads SEC(".maps");

/* the bank the programs write (userspace flips it; see kvmstat-la.h) */
volatile __u32 bank = 0;
const volatile __u32 nr_cpus = 1;	/* stripes per bank */

/* CPU-striped fast tables; sizes set by userspace before load */
const volatile __u32 cs_slots = 1;	/* count slots per CPU */
const volatile __u32 ls_slots = 1;	/* latency slots per CPU */
const volatile __u32 ci_slots = 1;	/* count index entries per CPU, a power of 2 */
const volatile __u32 li_slots = 1;	/* latency index entries per CPU, a power of 2 */

/* per-CPU indexes: key hash -> slot + 1 in the CPU's stripe (0: free); userspace clears a bank's */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cindex SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lindex SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_cslot);
} cslots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_lslot);
} lslots SEC(".maps");

/* one ks_meta per CPU and bank (max_entries set to 2 * the CPU count by userspace) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_meta);
} meta SEC(".maps");

/* a slot is written before the claimed count that exposes it (x86 TSO) */
#define ks_barrier() asm volatile("" ::: "memory")

/* zero value used to insert new histogram entries */
static const struct ks_lat_val zero_lat;

/* this CPU's stripe in the bank being written */
static __always_inline __u32 my_stripe(void)
{
	return (bank & 1) * nr_cpus + bpf_get_smp_processor_id();
}

static __always_inline struct ks_meta *my_meta(void)
{
	__u32 st = my_stripe();

	return bpf_map_lookup_elem(&meta, &st);
}

static __always_inline void drop(__u32 slot)
{
	struct ks_meta *m = my_meta();

	if (m && slot < KS_DROP_SLOTS)
		m->drops[slot] += 1;
}

static __always_inline __u32 key_hash(__u32 pid, __u32 tid, __u32 x, __u64 reason)
{
	__u32 h = pid * 0x9e3779b1u ^ tid * 0x85ebca77u ^ x * 0xc2b2ae3du ^
		  (__u32)reason * 0x27d4eb2fu ^ (__u32)(reason >> 32) * 0x165667b1u;

	return h ^ (h >> 15);
}

static __always_inline bool key_eq(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
}

static __always_inline void hist_add(struct ks_lat_val *v, __u64 ns)
{
	__u32 b = kvmla_lat_index(ns);

	if (b >= KVMLA_LAT_BUCKETS)	/* cannot happen; the verifier wants it */
		b = KVMLA_LAT_BUCKETS - 1;
	v->slots[b] += 1;
	v->count += 1;
	v->sum_ns += ns;
	if (ns > v->max_ns)
		v->max_ns = ns;
}

/*
 * The slot of key k in this CPU's stripe: found through the stripe's index, or
 * the stripe's next free slot, claimed for k (*fresh).  NULL: not in the
 * fast table (index chain or stripe full) - the caller spills to the hash.
 */
static __always_inline void *fast_slot(void *table, void *index, __u32 stripe, __u32 nslots,
				       __u32 nidx, __u64 *claimed, __u32 h, const void *k,
				       bool *fresh)
{
	for (int i = 0; i < KS_PROBES; i++) {
		__u32 ii = stripe * nidx + ((h + i) & (nidx - 1));
		__u32 *e = bpf_map_lookup_elem(index, &ii);
		__u32 si;
		void *sl;

		if (!e)
			return NULL;
		if (!*e) {
			__u32 n = (__u32)*claimed;

			if (n >= nslots)
				return NULL;
			si = stripe * nslots + n;
			sl = bpf_map_lookup_elem(table, &si);
			if (!sl)
				return NULL;
			*e = n + 1;
			*fresh = true;
			return sl;
		}
		si = stripe * nslots + *e - 1;
		sl = bpf_map_lookup_elem(table, &si);
		if (sl && key_eq(sl, k))	/* the key leads both slot types */
			return sl;
	}
	return NULL;
}

static __always_inline void lat_add(__u32 pid, __u32 tid, __s32 vcpu, __u32 kind, __u64 reason,
				    __u64 ns)
{
	__u32 st = my_stripe();
	struct ks_lat_key k = { .pid = pid, .tid = tid, .vcpu = vcpu,
				.kind = kind | (st >= nr_cpus ? KS_BANK_BIT : 0), .reason = reason };
	struct ks_meta *m = bpf_map_lookup_elem(&meta, &st);
	struct ks_lslot *sl;
	struct ks_lat_val *v;
	bool fresh = false;

	if (!m)
		return;
	sl = fast_slot(&lslots, &lindex, st, ls_slots, li_slots, &m->lclaimed,
		       key_hash(pid, tid, kind, reason), &k, &fresh);
	if (sl) {
		if (fresh) {
			sl->key = k;
			hist_add(&sl->v, ns);
			ks_barrier();
			m->lclaimed += 1;	/* exposes the complete slot */
			return;
		}
		hist_add(&sl->v, ns);
		return;
	}
	m->lspill += 1;
	v = bpf_map_lookup_elem(&lat, &k);
	if (!v) {
		/* EEXIST from a concurrent insert is fine: look up again */
		bpf_map_update_elem(&lat, &k, &zero_lat, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&lat, &k);
		if (!v) {
			drop(KS_DROP_LAT);
			return;
		}
	}
	hist_add(v, ns);
}

static __always_inline void count_add(__u32 pid, __u32 tid, __s32 vcpu, __u32 event, __u64 reason)
{
	__u32 st = my_stripe();
	struct ks_count_key k = { .pid = pid, .tid = tid, .vcpu = vcpu,
				  .event = event | (st >= nr_cpus ? KS_BANK_BIT : 0), .reason = reason };
	struct ks_meta *m = bpf_map_lookup_elem(&meta, &st);
	static const __u64 one = 1;
	struct ks_cslot *sl;
	bool fresh = false;
	__u64 *v;

	if (!m)
		return;
	sl = fast_slot(&cslots, &cindex, st, cs_slots, ci_slots, &m->cclaimed,
		       key_hash(pid, tid, event, reason), &k, &fresh);
	if (sl) {
		if (fresh) {
			sl->key = k;
			sl->count = 1;
			ks_barrier();
			m->cclaimed += 1;	/* exposes the complete slot */
			return;
		}
		sl->count += 1;
		return;
	}
	m->cspill += 1;
	v = bpf_map_lookup_elem(&counts, &k);
	if (v) {
		*v += 1;
		return;
	}
	if (bpf_map_update_elem(&counts, &k, &one, BPF_NOEXIST)) {
		/* lost a race with another CPU's insert?  per-CPU: retry once */
		v = bpf_map_lookup_elem(&counts, &k);
		if (v)
			*v += 1;
		else
			drop(KS_DROP_COUNT);
	}
}

/*
 * The one handler: count, then run the latency state machine.
 * vcpu < 0 means "the event does not say": take it from the thread state.
 */
static __always_inline int count_event(__u32 event, __s32 vcpu, __u64 reason, __u32 role)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	struct ks_thread *st = NULL;
	__u64 now;

	if (standby)
		return 0;
	if (filter_pid && !bpf_map_lookup_elem(&pids, &pid))
		return 0;

	/*
	 * Counting needs no thread state: the key carries the tid, and
	 * userspace maps a tid to its vCPU (the vcpu_id some event of that
	 * thread carried, or the thread name).  Only the latency state machine
	 * looks the thread up.
	 */
	if (do_latency && role != KS_ROLE_NONE) {
		__u32 idx = tid & (KS_MAX_THREADS - 1);

		st = bpf_map_lookup_elem(&threads, &idx);
		if (st && st->tid != tid) {
			/* another thread's slot: take it over (a pending exit is lost) */
			if (st->tid && st->pending)
				drop(KS_DROP_THREAD);
			st->tid = tid;
			st->vcpu = vcpu;
			st->pending = 0;
			st->uexit_ts = 0;
			st->exit_ts = 0;
		}
		if (st) {
			if (vcpu < 0)
				vcpu = st->vcpu;
			else
				st->vcpu = vcpu;
		}
	}
	count_add(pid, tid, vcpu, event, reason);

	if (!do_latency || !st || role == KS_ROLE_NONE)
		return 0;
	now = bpf_ktime_get_ns();
	switch (role) {
	case KS_ROLE_EXIT:
		st->exit_ts = now;
		st->exit_reason = reason;
		st->uexit_ts = 0;
		st->pending = 1;
		break;
	case KS_ROLE_UEXIT:
		st->uexit_ts = now;
		st->uexit_reason = reason;
		if (st->pending)
			lat_add(pid, tid, vcpu, KS_LAT_KERNEL, st->exit_reason, now - st->exit_ts);
		break;
	case KS_ROLE_RUN:
	case KS_ROLE_RUN_ENTRY:
		/* the userspace round trip: return to userspace -> next KVM_RUN */
		if (st->uexit_ts)
			lat_add(pid, tid, vcpu, KS_LAT_USER, st->uexit_reason, now - st->uexit_ts);
		if (role == KS_ROLE_RUN) {
			st->uexit_ts = 0;
			break;
		}
		/* fall through */
	case KS_ROLE_ENTRY:
		if (st->pending) {
			if (!st->uexit_ts)
				lat_add(pid, tid, vcpu, KS_LAT_KERNEL, st->exit_reason,
					now - st->exit_ts);
			lat_add(pid, tid, vcpu, KS_LAT_TOTAL, st->exit_reason, now - st->exit_ts);
			st->pending = 0;
		}
		st->uexit_ts = 0;
		break;
	}
	return 0;
}

/*
 * Bank 0's ks_meta of the CPU says whether a program runs there (busy odd):
 * userspace, after a bank flip, waits to see each CPU outside (busy even),
 * so that nothing writes the old bank any more.  The fetching atomic adds
 * are full barriers: the flag is up before the bank is read.
 */
static __always_inline struct ks_meta *busy_enter(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ks_meta *b0 = bpf_map_lookup_elem(&meta, &cpu);

	if (b0)
		b0->busy_seen = __sync_fetch_and_add(&b0->busy, 1);
	return b0;
}

static __always_inline void busy_leave(struct ks_meta *b0)
{
	if (b0)
		b0->busy_seen = __sync_fetch_and_add(&b0->busy, 1);
}

static __always_inline int on_event(__u32 event, __s32 vcpu, __u64 reason, __u32 role)
{
	struct ks_meta *b0 = busy_enter();
	int ret = count_event(event, vcpu, reason, role);

	busy_leave(b0);
	return ret;
}

static __always_inline __u64 read_field(void *ctx, __u16 off, __u16 size)
{
	__u64 v = 0;

	if (!size)
		return 0;
	if (size > 8)
		size = 8;
	if (bpf_probe_read_kernel(&v, size & 0xf, (char *)ctx + off))
		drop(KS_DROP_READ);
	return v;	/* little-endian hosts: low bytes hold the value */
}

SEC("tracepoint")
int ks_generic(void *ctx)
{
	__u32 idx = (__u32)bpf_get_attach_cookie(ctx);
	struct ks_evcfg *c = bpf_map_lookup_elem(&evcfg, &idx);
	__u64 reason = 0;
	__s32 vcpu = KS_NO_VCPU;
	struct ks_meta *b0;

	/*
	 * Always 1: a classic tracepoint program returning 0 hides the event
	 * from every perf user of the tracepoint (kvm_stat, perf stat, perf
	 * record) while we run.  Our own perf event, the attach handle, only
	 * counts (sample_period 0), so passing the event on costs it an add.
	 */
	if (standby || !c)
		return 1;
	b0 = busy_enter();	/* a failed read is a drop: written to the bank too */
	if (c->reason_size)
		reason = read_field(ctx, c->reason_off, c->reason_size) & 0xffffffffULL;
	if (c->sub_size)
		reason |= read_field(ctx, c->sub_off, c->sub_size) << 32;
	if (c->vcpu_size)
		vcpu = (__s32)read_field(ctx, c->vcpu_off, c->vcpu_size);
	count_event(idx, vcpu, reason, c->role);
	busy_leave(b0);
	return 1;
}

/* x86 events with useful arguments: tp_btf, and raw_tp twins. */
static __always_inline int do_entry(struct kvm_vcpu *vcpu)
{
	return on_event(idx_entry, BPF_CORE_READ(vcpu, vcpu_id), 0, KS_ROLE_ENTRY);
}

static __always_inline int do_uexit(__u32 reason)
{
	return on_event(idx_uexit, KS_NO_VCPU, reason, KS_ROLE_UEXIT);
}

SEC("tp_btf/kvm_entry")
int BPF_PROG(ks_btf_entry, struct kvm_vcpu *vcpu)
{
	return do_entry(vcpu);
}

SEC("raw_tp/kvm_entry")
int BPF_PROG(ks_raw_entry, struct kvm_vcpu *vcpu)
{
	return do_entry(vcpu);
}

SEC("tp_btf/kvm_userspace_exit")
int BPF_PROG(ks_btf_uexit, __u32 reason, int err)
{
	return do_uexit(reason);
}

SEC("raw_tp/kvm_userspace_exit")
int BPF_PROG(ks_raw_uexit, __u32 reason, int err)
{
	return do_uexit(reason);
}

SEC("tp_btf/kvm_pio")
int BPF_PROG(ks_btf_pio, unsigned int rw)
{
	return on_event(idx_pio, KS_NO_VCPU, rw, KS_ROLE_NONE);
}

SEC("raw_tp/kvm_pio")
int BPF_PROG(ks_raw_pio, unsigned int rw)
{
	return on_event(idx_pio, KS_NO_VCPU, rw, KS_ROLE_NONE);
}

SEC("tp_btf/kvm_mmio")
int BPF_PROG(ks_btf_mmio, int type)
{
	return on_event(idx_mmio, KS_NO_VCPU, (__u32)type, KS_ROLE_NONE);
}

SEC("raw_tp/kvm_mmio")
int BPF_PROG(ks_raw_mmio, int type)
{
	return on_event(idx_mmio, KS_NO_VCPU, (__u32)type, KS_ROLE_NONE);
}

/* x86 kvm_fpu(load=1) is the start of KVM_RUN; load=0 its end */
SEC("tp_btf/kvm_fpu")
int BPF_PROG(ks_btf_fpu, int load)
{
	return on_event(idx_fpu, KS_NO_VCPU, load, load ? KS_ROLE_RUN : KS_ROLE_NONE);
}

SEC("raw_tp/kvm_fpu")
int BPF_PROG(ks_raw_fpu, int load)
{
	return on_event(idx_fpu, KS_NO_VCPU, load, load ? KS_ROLE_RUN : KS_ROLE_NONE);
}

/*
 * x86 kvm_emulate_insn: several per PIO/MMIO round trip; as a classic
 * tracepoint its record (instruction bytes) is built on every hit
 */
SEC("tp_btf/kvm_emulate_insn")
int BPF_PROG(ks_btf_emul, struct kvm_vcpu *vcpu, __u8 failed)
{
	return on_event(idx_emul, KS_NO_VCPU, 0, KS_ROLE_NONE);
}

SEC("raw_tp/kvm_emulate_insn")
int BPF_PROG(ks_raw_emul, struct kvm_vcpu *vcpu, __u8 failed)
{
	return on_event(idx_emul, KS_NO_VCPU, 0, KS_ROLE_NONE);
}

char LICENSE[] SEC("license") = "GPL";
