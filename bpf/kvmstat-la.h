/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmstat-la.h: types shared by kvmstat-la.bpf.c and the userspace tool.
 * No libc: __u32/__u64 only.
 */
#ifndef KVMSTAT_LA_H
#define KVMSTAT_LA_H

#include <kvmla/abi.h>
#include <kvmla/lathist.h>

#define KS_MAX_EVENTS     512	/* profile events (tracefs kvm:* dirs) */
#define KS_MAX_COUNTS   16384	/* (pid, vcpu, event, reason) keys */
#define KS_MAX_LAT       4096	/* (pid, vcpu, kind, reason) histograms */
#define KS_MAX_THREADS  16384	/* vCPU threads tracked for latency */
#define KS_MAX_PIDS      1024	/* -p / -g filter */
#define KS_NO_VCPU        (-1)

/* What an event means for the exit -> entry latency state machine. */
enum ks_role {
	KS_ROLE_NONE  = 0,
	KS_ROLE_EXIT  = 1,	/* guest exit (x86 kvm_exit, LoongArch kvm_exit) */
	KS_ROLE_ENTRY = 2,	/* guest (re)entry (kvm_entry, kvm_enter, kvm_reenter) */
	KS_ROLE_UEXIT = 3,	/* KVM_RUN returns to userspace (kvm_userspace_exit, kvm_out) */
	KS_ROLE_RUN   = 4,	/* KVM_RUN starts (x86 kvm_fpu load=1) */
	KS_ROLE_RUN_ENTRY = 5,	/* both at once (LoongArch kvm_enter) */
};

/* Latency kinds (histogram families). */
enum ks_lat_kind {
	KS_LAT_KERNEL = 0,	/* exit -> entry, or exit -> return to userspace; exit reason */
	KS_LAT_USER   = 1,	/* return to userspace -> next KVM_RUN; userspace exit reason */
	KS_LAT_TOTAL  = 2,	/* exit -> next entry; exit reason */
	KS_LAT_KINDS  = 3,
};

/* Dropped/lost update counters (per-CPU array slots). */
enum ks_drop {
	KS_DROP_COUNT  = 0,	/* count map full */
	KS_DROP_LAT    = 1,	/* latency map full */
	KS_DROP_THREAD = 2,	/* thread state map update failed */
	KS_DROP_READ   = 3,	/* a field could not be read */
	KS_DROP_SLOTS  = 4,
};

/*
 * Per-event configuration for the generic classic-tracepoint program,
 * indexed by the attach cookie (the event's index in the profile).
 * Offsets are from the event's format file; size 0 = field absent.
 */
struct ks_evcfg {
	__u16 reason_off;
	__u16 reason_size;
	__u16 sub_off;		/* second key field, stored in reason bits 32..63 */
	__u16 sub_size;
	__u16 vcpu_off;
	__u16 vcpu_size;
	__u16 role;
	__u16 pad;
};

/*
 * vcpu is the tracepoint's vcpu_id when some event of the thread carried
 * one; otherwise KS_NO_VCPU and userspace maps tid -> vCPU by thread name.
 */
struct ks_count_key {
	__u32 pid;		/* VM process (tgid) */
	__u32 tid;		/* thread */
	__s32 vcpu;		/* vcpu_id, or KS_NO_VCPU */
	__u32 event;		/* profile index */
	__u64 reason;		/* reason | sub << 32 */
};

struct ks_lat_key {
	__u32 pid;
	__u32 tid;
	__s32 vcpu;
	__u32 kind;		/* enum ks_lat_kind */
	__u64 reason;		/* see enum ks_lat_kind */
};

struct ks_lat_val {
	__u64 slots[KVMLA_LAT_BUCKETS];
	__u64 count;
	__u64 sum_ns;
	__u64 max_ns;
};

/*
 * The fast path: CPU-striped, mmapable arrays (stripe = CPU id, so each
 * stripe has one writer).  A stripe's slots are handed out in order, so its
 * live slots are always the first ks_meta.cclaimed (lclaimed) ones; a
 * per-CPU open-addressed index (hash -> slot + 1, never mmapped) finds a
 * key's slot.  The per-CPU hashes above take what does not fit.  Userspace
 * reads the live prefix of each stripe through mmap, with no syscall.  A
 * slot is complete before the claimed count that exposes it moves.
 */
#define KS_PROBES 4		/* linear probing depth */

struct ks_cslot {
	struct ks_count_key key;
	__u64 count;
};

struct ks_lslot {
	struct ks_lat_key key;
	struct ks_lat_val v;	/* v.count != 0: live */
};

/*
 * Per-CPU bookkeeping of the fast tables, one 64-byte entry per CPU,
 * mmapped like them: how many slots of the CPU's stripes are live, and
 * whether anything spilled into the per-CPU hashes (userspace reads those
 * only then).  Single writer per entry (the CPU's programs).
 */
struct ks_meta {
	__u64 cclaimed;		/* count slots live in this stripe: 0 .. cclaimed-1 */
	__u64 lclaimed;		/* latency slots live */
	__u64 cspill;		/* count updates that went to the hash */
	__u64 lspill;		/* latency updates that went to the hash */
	__u64 drops[KS_DROP_SLOTS];
	__u64 busy;		/* bank 0's entry only: odd while a program of the CPU runs */
	__u64 busy_seen;	/* (what busy was when the last program began) */
};

/*
 * Banks: every fast table, index and ks_meta exists twice (bank b, CPU c:
 * stripe b * ncpus + c), and bank 1's keys (fast slots and spill hashes
 * alike) carry KS_BANK_BIT in event (count keys) or kind (latency keys).  The programs write the bank that
 * `bank` names when they begin.  Userspace flips it, waits until every CPU
 * was seen outside its programs (ks_meta.busy even), then reads the old
 * bank, folds it into its own sums (but the retired VMs' keys), and clears
 * it: its slots are free for the next flip.  No event is lost or counted
 * twice, and the keys of VMs that are gone stop taking slots.
 */
#define KS_BANK_BIT 0x80000000u

struct ks_thread {
	__u32 tid;		/* tag: the array is indexed by tid & mask */
	__u32 pad;
	__u64 exit_ts;
	__u64 uexit_ts;
	__u64 exit_reason;
	__u64 uexit_reason;
	__s32 vcpu;
	__u32 pending;		/* an exit is waiting for its entry */
};

#endif /* KVMSTAT_LA_H */
