/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect.h: kvmstat-la internals.  Providers fill a plain struct snapshot;
 * the TUI, JSON, log/CSV and metrics code only render snapshots.
 */
#ifndef KVMSTAT_LA_COLLECT_H
#define KVMSTAT_LA_COLLECT_H

#include <stdbool.h>
#include <stdio.h>
#include <regex.h>
#include <sys/types.h>
#include <kvmla/abi.h>
#include <linux/types.h>
#include "kvmstat-la.h"
#include "kvmla-tools.h"	/* kvmla_err(), kvmla_x*alloc(): the tools' one voice */

#define KS_VERSION "1.0.0"
#define KS_NAME_LEN 64
#define KS_ANY_PID (-1)		/* ks_sum(), ks_lat_sum(): every pid, the retired included */
#define KS_RETIRED_PID (-2)	/* counts and histograms folded from retired VMs */
#define KS_KEEP_DEAD_DEFAULT 60.0	/* --keep-dead: seconds a dead VM stays listed */
#define KS_RETIRE_MAX 64	/* VMs retired per sample at most (the rest: next sample) */

struct tep_handle;
struct tep_event;

enum ks_provider_id { KS_PROV_AUTO, KS_PROV_BPF, KS_PROV_PERF, KS_PROV_STATS, KS_PROV_REPLAY };

/* One field of an event record: offset/size from the format file. */
struct ks_fieldref {
	int off;
	int size;		/* 0: absent */
	char name[32];
	const char *symlist;	/* LoongArch: catalog list naming its values */
};

struct ks_reason_name {
	unsigned long long value;
	char name[64];
	char key[64];
};

struct ks_event {
	char name[KS_NAME_LEN];
	int id;			/* tracefs event id; -1 for stats fields */
	int role;		/* enum ks_role */
	struct ks_fieldref reason, sub, vcpu;
	struct tep_event *tev;	/* for symbolic names (x86) */
	struct ks_reason_name *names;
	int nnames;
	bool dedicated;		/* a dedicated BPF program handles it */
};

struct ks_profile {
	char name[16];		/* "x86", "loongarch", "stats" */
	char tracefs[256];
	struct tep_handle *tep;
	struct ks_event *ev;
	int nev;
};

struct ks_count {
	int pid;
	int vcpu;
	int event;
	unsigned long long reason;
	unsigned long long count;	/* cumulative */
};

struct ks_lat {
	int pid;
	int vcpu;
	int kind;
	unsigned long long reason;
	unsigned long long slots[KVMLA_LAT_BUCKETS];
	unsigned long long count, sum_ns, max_ns;
};

/*
 * dst += src, for latency histograms of either type: struct ks_lat (the
 * snapshot's) or struct ks_lat_val (the BPF program's) have the same fields.
 */
#define ks_lat_merge(dst, src) do {					\
	for (int b_ = 0; b_ < KVMLA_LAT_BUCKETS; b_++)			\
		(dst)->slots[b_] += (src)->slots[b_];			\
	(dst)->count += (src)->count;					\
	(dst)->sum_ns += (src)->sum_ns;					\
	if ((src)->max_ns > (dst)->max_ns)				\
		(dst)->max_ns = (src)->max_ns;				\
} while (0)

struct ks_vcpu {
	int vcpu;
	int tid;
	char thread[32];
};

struct ks_vm {
	int pid;
	char name[128];
	bool alive;
	bool kthread;		/* a kernel thread (kdamond, kswapd: MMU notifiers), "[comm]" */
	struct ks_vcpu vcpus[64];
	int nvcpus;
	int pidfd;		/* readable once the process has exited; -1: use /proc */
	bool gone;		/* its pidfd said it exited (and is closed): dead for good */
	double threads_t;	/* last /proc/PID/task scan */
	int seen[128];		/* tids already named (vCPU or not) */
	int nseen;
	double dead_t;		/* when it was first seen dead (ks_now()); 0: alive */
};

struct ks_snapshot {
	double t;			/* CLOCK_MONOTONIC seconds */
	double wall;			/* CLOCK_REALTIME seconds */
	struct ks_count *counts;
	size_t ncounts, capcounts;
	struct ks_lat *lats;
	size_t nlats, caplats;
	struct ks_vm *vms;
	size_t nvms, capvms;
	unsigned long long drops[KS_DROP_SLOTS];
	unsigned long long retired_vms;	/* VMs retired so far (their counts: pid KS_RETIRED_PID) */
	bool has_reasons;		/* provider splits by reason */
	bool has_latency;
};

struct ks_opts {
	enum ks_provider_id provider;
	const char *provider_flag;	/* the flag that forced it: "-d", "--provider perf" */
	const char *profile;		/* NULL: auto */
	const char *tracefs;
	const char *debugfs;
	const char *replay;		/* --replay FILE: a recorded trace.dat */
	double interval;		/* seconds */
	bool interval_set;
	bool once, log, csv, json, json_stream, zero, children, until_exit;
	bool no_latency, quiet, verbose;
	const char *log_file;
	const char *listen;
	const char *ready_file;
	int pids[KS_MAX_PIDS];
	int npids;
	const char *guest;		/* -g NAME (fnmatch pattern) */
	const char *filter_str;		/* -f REGEX */
	regex_t filter;
	bool have_filter;
	long count;			/* number of intervals (0 = forever) */
	double keep_dead;		/* --keep-dead: seconds a dead VM stays listed */
};

struct ks_ctx;

struct ks_provider {
	const char *name;
	int (*open)(struct ks_ctx *ctx);
	int (*collect)(struct ks_ctx *ctx, struct ks_snapshot *s);
	void (*refresh)(struct ks_ctx *ctx);	/* between samples: follow new VMs/threads */
	void (*close)(struct ks_ctx *ctx);
	/* probes stand aside before a background close (NULL: nothing to do) */
	void (*standby)(struct ks_ctx *ctx);
	bool slow_close;	/* closing waits on kernel grace periods */
	/*
	 * These VMs are retired: their final counts are folded into the
	 * retired aggregate already, so the provider must never report them
	 * again (and may free what it held for them).  NULL: nothing held.
	 */
	void (*retire)(struct ks_ctx *ctx, const int *pids, size_t n);
};

/* is pid among the n of pids? (the retire hooks' lists are short) */
static inline bool ks_pid_listed(const int *pids, size_t n, int pid)
{
	for (size_t k = 0; k < n; k++)
		if (pids[k] == pid)
			return true;
	return false;
}

struct ks_ctx {
	struct ks_opts *o;
	struct ks_profile prof;
	const struct ks_provider *prov;
	void *pdata;			/* provider private */
	struct ks_vm *vms;		/* known VMs (discovery) */
	size_t nvms, capvms;
	struct ks_snapshot base;	/* 'r' reset baseline */
	struct ks_snapshot retired;	/* retired VMs' counts, pid KS_RETIRED_PID (raw) */
	unsigned long long nretired;
	bool have_base;
	/* which provider and why (JSON provider_choice, TUI header, -v) */
	bool chose_auto;		/* picked by auto, not forced by a flag */
	bool quiet_open;		/* auto trying the stats: no error message */
	bool opened;			/* the provider is open already (auto tried it) */
	const char *why_short;		/* "latency", "counts only", ... */
	char why[200];
};

/* profile.c */
int ks_profile_load(struct ks_ctx *ctx);
int ks_profile_from_tep(struct ks_ctx *ctx, struct tep_handle *tep);
void ks_profile_free(struct ks_profile *p);
int ks_event_find(const struct ks_profile *p, const char *name);
const struct ks_reason_name *ks_reason(struct ks_profile *p, int event, unsigned long long reason);
bool ks_event_selected(struct ks_ctx *ctx, int event);
bool ks_event_has_reasons(const struct ks_profile *p, int event);

/* collect.c */
void ks_snapshot_init(struct ks_snapshot *s);
void ks_snapshot_free(struct ks_snapshot *s);
void ks_snapshot_copy(struct ks_snapshot *dst, const struct ks_snapshot *src);
void ks_snapshot_swap(struct ks_snapshot *a, struct ks_snapshot *b);
void ks_snapshot_clear(struct ks_snapshot *s);
void ks_count_add(struct ks_snapshot *s, int pid, int vcpu, int event,
		  unsigned long long reason, unsigned long long n);
struct ks_lat *ks_lat_get(struct ks_snapshot *s, int pid, int vcpu, int kind,
			  unsigned long long reason);
void ks_snapshot_finish(struct ks_ctx *ctx, struct ks_snapshot *s);
int ks_collect(struct ks_ctx *ctx, struct ks_snapshot *s);
void ks_vms_refresh(struct ks_ctx *ctx, bool find_all);
bool ks_pid_selected(struct ks_ctx *ctx, int pid);
int ks_vm_vcpu_of_tid(struct ks_ctx *ctx, int pid, int tid);
bool ks_vm_track(struct ks_ctx *ctx, int pid);
struct ks_vm *ks_vm_add_recorded(struct ks_ctx *ctx, int pid, const char *name);
/* aggregate: pid/vcpu/event -1 = any; reason_any: ignore reason */
unsigned long long ks_sum(const struct ks_snapshot *s, int pid, int vcpu, int event,
			  bool reason_any, unsigned long long reason);
void ks_lat_sum(const struct ks_snapshot *s, int pid, int vcpu, int kind,
		bool reason_any, unsigned long long reason, struct ks_lat *out);
/* lathist.c */
unsigned long long ks_lat_pct(const struct ks_lat *l, double pct);
void ks_lat_log2(const struct ks_lat *l, unsigned long long out[KVMLA_LAT_LOG2_BUCKETS]);
const struct ks_vm *ks_snap_vm(const struct ks_snapshot *s, int pid);
/* distinct values, sorted: returns count, fills *out (malloc) */
size_t ks_distinct_reasons(const struct ks_snapshot *s, int event, unsigned long long **out);
size_t ks_distinct_vcpus(const struct ks_snapshot *s, int pid, int **out);
const char *ks_lat_kind_name(int kind);
void ks_reset(struct ks_ctx *ctx);
void ks_filters_changed(struct ks_ctx *ctx);

/* providers */
extern const struct ks_provider ks_prov_bpf, ks_prov_perf, ks_prov_stats, ks_prov_replay;

/* provider.c: auto choice (stats when the view needs only their counts) */
int ks_provider_choose(struct ks_ctx *ctx, bool profile_only);

/* json.c */
char *ks_json_render(struct ks_ctx *ctx, const struct ks_snapshot *cur,
		     const struct ks_snapshot *prev, bool compact);
int ks_lat_reason_event(struct ks_profile *p, int kind);

/* log.c: -l/-L/-c */
int ks_log_open(struct ks_ctx *ctx);
/* 0, or -errno of a failed write (the line may be lost: stop) */
int ks_log_write(struct ks_ctx *ctx, const struct ks_snapshot *cur, const struct ks_snapshot *prev);
const char *ks_log_name(void);
void ks_log_reopen(void);
void ks_log_close(void);

/* metrics.c */
int ks_metrics_start(const char *addr);
struct sockaddr_in;
/* NULL if spec is [IPv4-ADDR]:PORT (sin filled), else what it should be */
const char *ks_listen_parse(const char *spec, struct sockaddr_in *sin);
void ks_metrics_update(struct ks_ctx *ctx, const struct ks_snapshot *cur);
void ks_metrics_stop(void);

/* tui.c */
int ks_tui_run(struct ks_ctx *ctx);

#endif /* KVMSTAT_LA_COLLECT_H */
