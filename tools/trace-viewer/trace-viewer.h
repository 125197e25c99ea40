/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace-viewer: offline analysis of recorded KVM traces.
 *
 * Flow: read.c decodes trace.dat records (libtracecmd) into the compact
 * struct tv_rec form and feeds them to analyze.c, whose functions are pure
 * over those records and fill a struct tv_analysis.  report.c, json.c,
 * html.c and tui.c only render a finished analysis.
 */
#ifndef TRACE_VIEWER_H
#define TRACE_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kvmla/events.h>

#define TV_VERSION "1.0.0"

/*
 * Per-value counters of a catalog list: one slot per catalog value, and a
 * last one for any value beyond the catalog (tv_slot()).
 */
#define TV_ONE_(...)		+ 1
#define TV_GSPR_SLOTS		(KVMLA_GSPR_KIND_NUM + 1)
#define TV_TLB_SCOPE_SLOTS	(0 KVMLA_TLB_SCOPES(TV_ONE_) + 1)

static inline unsigned int tv_slot(uint64_t v, unsigned int nslots)
{
	return v < nslots - 1 ? (unsigned int)v : nslots - 1;
}

/* Normalised event kinds: both profiles decode into these. */
enum tv_kind {
	TV_OTHER = 0,
	TV_ENTRY,	/* guest entered (x86 kvm_entry, LA kvm_enter/kvm_reenter) */
	TV_EXIT,	/* guest exit: reason, isa (x86) or esubcode (LA) */
	TV_UEXIT,	/* KVM_RUN returns to userspace: reason = KVM_EXIT_* */
	TV_PIO,		/* x86 kvm_pio, LA kvm_exit_iocsr: rw (1 = out), port, len */
	TV_MMIO,	/* write (1 = write, 0 = read), len, gpa */
	TV_CSR,		/* LA kvm_exit_csr (csr, op, outcome); x86 kvm_msr (csr = msr, write) */
	TV_GSPR,	/* LA kvm_exit_gspr: gspr_kind */
	TV_IDLE,	/* LA kvm_exit_idle */
	TV_FAULT,	/* stage-2 fault: fault_class, path_access, gpa */
	TV_TLB,		/* TLB flush: scope, tlb_reason */
	TV_VPID,	/* VPID change: reason, vpid (the new one) */
	TV_ROLLOVER,	/* VPID generation rollover */
	TV_IRQ_QUEUE,	/* interrupt queued: irq (line or vector) */
	TV_IRQ_DELIVER,	/* interrupt delivered: irq */
	TV_WAKEUP,	/* x86 kvm_vcpu_wakeup: halt ended; halt_ns */
	TV_NEWTASK,	/* task_newtask: child (new pid), thread (1: CLONE_THREAD) */
	TV_MARKER,	/* our tid->tgid/name marker (ftrace print) */
	TV_RUN,		/* KVM_RUN entered from userspace (x86 kvm_fpu load) */
	TV_TIMER,	/* LA kvm_timer: op (KVMLA_TIMER_OP_*); counted only */
	TV_KIND_NUM
};

enum tv_profile { TV_PROFILE_UNKNOWN, TV_PROFILE_X86, TV_PROFILE_LOONGARCH };

#define TV_NO_VCPU 0xffffffffu
/* reason keys with this "isa" are userspace exit reasons (KVM_EXIT_*) */
#define TV_ISA_UEXIT 0x100u
#define TV_KVM_EXIT_HLT 5

/*
 * One decoded record: 48 bytes.  The decoder (read.c) fills up to three
 * 32-bit arguments and one 64-bit argument by position (arg1..arg3, arg64,
 * from its field tables); everything else reads them by the name they have
 * for the record's kind.
 */
struct tv_rec {
	uint64_t ts;		/* ns */
	union {
		uint64_t arg64;
		uint64_t pc;		/* ENTRY, EXIT (guest rip on x86), GSPR, IDLE, UEXIT */
		uint64_t gpa;		/* MMIO, FAULT, TLB (LoongArch) */
		uint64_t addr;		/* PIO: LoongArch IOCSR address (x86: the value) */
		uint64_t data;		/* CSR: x86 MSR data */
		uint64_t halt_ns;	/* WAKEUP: ns halted */
		uint64_t vpid;		/* VPID: the new VPID */
		uint64_t generation;	/* ROLLOVER */
		uint64_t clone_flags;	/* NEWTASK, before decoding (then 0) */
	};
	uint32_t tid;		/* common_pid */
	uint32_t vcpu;		/* vcpu_id field, TV_NO_VCPU when the event has none */
	union {
		uint32_t arg1;
		uint32_t reason;	/* EXIT: exit reason (LoongArch: ecode); UEXIT: KVM_EXIT_*;
					 * VPID: why it changed */
		uint32_t rw;		/* PIO, MMIO (LoongArch): 1 = out / write */
		uint32_t mmio_type;	/* MMIO (x86): KVM_TRACE_MMIO_* */
		uint32_t csr;		/* CSR: CSR number (LoongArch) or MSR (x86) */
		uint32_t gspr_kind;	/* GSPR: KVMLA_GSPR_* */
		uint32_t fault_class;	/* FAULT: 0 RAM, 1 MMIO (x86: the error code, raw) */
		uint32_t scope;		/* TLB: KVMLA_TLB_SCOPE_* */
		uint32_t irq;		/* IRQ_QUEUE, IRQ_DELIVER: line or vector */
		uint32_t child;		/* NEWTASK: the new task; MARKER: the thread (0: a VM name) */
		uint32_t load;		/* RUN: x86 kvm_fpu load (0: unload, not a RUN) */
		uint32_t timer_op;	/* TIMER: KVMLA_TIMER_OP_* */
	};
	union {
		uint32_t arg2;
		uint32_t isa;		/* EXIT: x86 ISA (1 VMX, 2 SVM) */
		uint32_t esubcode;	/* EXIT (LoongArch) */
		uint32_t inst_word;	/* GSPR: the trapping instruction */
		uint32_t port;		/* PIO: x86 port */
		uint32_t write;		/* MMIO: 1 write, 0 read, 2 other; CSR (x86): 1 = wrmsr */
		uint32_t op;		/* CSR (LoongArch): KVMLA_CSR_OP_* */
		uint32_t path_access;	/* FAULT: path | access (TV_ACC_*) << 8 */
		uint32_t tlb_reason;	/* TLB */
		uint32_t pcpu;		/* VPID, ROLLOVER: the physical CPU */
		uint32_t thread;	/* NEWTASK: 1 with CLONE_THREAD */
		uint32_t tgid;		/* MARKER: the thread's VM process */
	};
	union {
		uint32_t arg3;
		uint32_t len;		/* PIO, MMIO: bytes */
		uint32_t outcome;	/* CSR (LoongArch) */
		uint32_t result;	/* FAULT (LoongArch) */
		uint32_t irq_op;	/* LoongArch kvm_irq: 0 queue, 1 dequeue, 2 deliver */
		uint32_t err;		/* UEXIT (x86): errno */
	};
	uint16_t kind;		/* enum tv_kind */
	uint16_t cpu;
	uint16_t evid;		/* the file's event id (for names and counts) */
};
_Static_assert(sizeof(struct tv_rec) == 48, "struct tv_rec: 48 bytes");

/* Fault classes (GPA faults).  LoongArch: kind x path x access. */
enum { TV_ACC_READ, TV_ACC_WRITE, TV_ACC_EXEC };

/* ---- names (catalog.c) ---- */
const char *tv_la_ecode_name(unsigned int code);
const char *tv_la_ecode_key(unsigned int code);
const char *tv_la_csr_name(unsigned int csr);
const char *tv_kvm_exit_name(unsigned int reason);	/* KVM_EXIT_* json key */
const char *tv_la_sym_name(const char *list, unsigned int value);

/* ---- analysis (analyze.c) ---- */
#define TV_LAT_BUCKETS 32	/* == KVMLA_LAT_BUCKETS */
#define TV_BINS_MAX 512		/* time bins kept for timelines and churn */
/*
 * The HTML timeline's finer bins (opts.fine_timeline): 1 us, doubled until
 * the window fits in TV_TL_BINS; per bin the ns in each state and the exits
 * begun.  Only the first TV_TL_ROWS vCPU rows get them (memory bound).
 */
#define TV_TL_BINS 2048
#define TV_TL_ROWS 256
#define TV_MAX_REASONS 512
#define TV_NAME_LEN 48

enum tv_state { TV_ST_GUEST, TV_ST_KERNEL, TV_ST_USER, TV_ST_HALTED, TV_ST_NUM, TV_ST_NONE = 255 };
enum { TV_TL_EXITS = TV_ST_NUM, TV_TL_NUM };	/* a fine bin: ns per state, then exits */
enum tv_latclass { TV_LAT_KERNEL, TV_LAT_USER, TV_LAT_ALL, TV_LAT_NUM };

struct tv_opts {
	uint64_t from_ns, to_ns;	/* window relative to first event; to 0 = end */
	int64_t vm;			/* tgid filter, -1 none */
	char vm_name[64];		/* name filter (resolved by tgid at the end) */
	int64_t vcpu;			/* vcpu_id filter, -1 none */
	int64_t tid;			/* thread filter, -1 none */
	uint64_t slow_ns;		/* "slow exit" threshold */
	unsigned int top;		/* rows in top lists */
	uint64_t exact_samples;		/* exit-latency samples kept for exact percentiles */
	bool keep_records;		/* keep every record (viewer) */
	bool fine_timeline;		/* keep the fine timeline bins (--html) */
};

/*
 * Log-linear latency histogram, for percentiles when exact samples are not
 * kept: a value below 2 * TV_LL_SUB is its own bucket; above, each power of
 * two [2^e, 2^(e+1)) is cut into TV_LL_SUB buckets of equal width.  A
 * bucket is at most 1/TV_LL_SUB of its lower bound wide, so its midpoint is
 * within TV_LL_MAX_REL_ERR (relative) of any value in it.  TV_LL_SUB_BITS 0
 * makes it a log2 histogram (the tests build that to show they catch it).
 */
#ifndef TV_LL_SUB_BITS
#define TV_LL_SUB_BITS 4
#endif
#define TV_LL_SUB	(1u << TV_LL_SUB_BITS)
#define TV_LL_BUCKETS	((65 - TV_LL_SUB_BITS) * TV_LL_SUB)
#define TV_LL_MAX_REL_ERR (1.0 / (2 * TV_LL_SUB))
/* exit-latency samples kept for exact percentiles by default (8 bytes each) */
#define TV_EXACT_SAMPLES_DEFAULT (16u << 20)

unsigned int tv_ll_index(uint64_t ns);
uint64_t tv_ll_lo(unsigned int i);	/* the smallest value of bucket i */
uint64_t tv_ll_hi(unsigned int i);	/* the largest */

enum tv_pct { TV_PCT_NONE, TV_PCT_EXACT, TV_PCT_LOGLIN };

struct tv_latstat {
	uint64_t count, sum, min, max;
	uint64_t p50, p90, p99;
	bool pct;			/* percentiles computed (nearest rank) */
	uint8_t pct_kind;		/* enum tv_pct: all exact, or any from the log-linear histogram */
	uint8_t pct_approx;		/* from the histogram: bit 0 p50, bit 1 p90, bit 2 p99 */
	uint64_t hist[TV_LAT_BUCKETS];
	uint64_t *ll;			/* [TV_LL_BUCKETS], allocated on the first sample */
};

struct tv_reason {
	uint64_t key;			/* isa << 32 | code */
	char name[TV_NAME_LEN];
	char json_key[TV_NAME_LEN];
	uint64_t count;
	bool halt;			/* a halt/idle exit: the vCPU is halted until re-entry */
	struct tv_latstat lat[TV_LAT_NUM];
};

struct tv_vcpu {
	uint32_t tid, tgid, vcpu_id;
	char comm[24];
	uint64_t events;		/* records counted in this row (rows exist on first sight) */
	uint64_t exits, uexits, entries;
	uint64_t *reason_count;		/* [nr_reasons] counts */
	uint64_t uexit_reason[64];	/* by KVM_EXIT_* (<64) */
	uint64_t pio_in, pio_out, mmio_read, mmio_write;
	uint64_t state_ns[TV_ST_NUM];
	struct tv_latstat lat[TV_LAT_NUM];	/* exit -> re-entry; percentiles in [all] */
	/* timeline: ns in each state per bin */
	uint64_t (*bins)[TV_ST_NUM];
	/* fine timeline (opts.fine_timeline): [TV_TL_BINS], NULL when not kept */
	uint64_t (*tl)[TV_TL_NUM];
	/* live state */
	uint8_t state;
	bool in_user;
	uint64_t state_since, exit_ts, uexit_ts, last_ts;
	int cur_reason, cur_ureason;
	unsigned int tgid_gen;
};

struct tv_vm {
	uint32_t tgid;
	char name[64];
	uint64_t exits, uexits;
	unsigned int nr_vcpus;
	/* the sums of its vCPU rows */
	uint64_t events, entries, pio_in, pio_out, mmio_read, mmio_write;
	uint64_t lat_count[TV_LAT_NUM];
};

/* A thread that had a record counted: shown, and counted in its VM. */
static inline bool tv_vcpu_active(const struct tv_vcpu *v)
{
	return v->events != 0;
}

struct tv_csr_cell { uint32_t csr, op; uint32_t vcpu_idx; uint64_t count; };

struct tv_fault_cell { uint32_t kind, path, acc; char cls[TV_NAME_LEN]; uint64_t count; };

struct tv_slow { uint64_t ts, lat; uint32_t tid, vcpu_id; int reason; bool user; };


struct tv_irq_pending { uint32_t tid, irq; uint64_t ts; };

/*
 * An observer of the per-vCPU state machine (the --perfetto writer), called
 * while records are fed, in their order.  v is valid only during the call
 * (rows move); its tid is the key.
 */
struct tv_observer {
	/* v is in state st from ts on (it may be the state it was in) */
	void (*state)(void *arg, const struct tv_vcpu *v, int st, uint64_t ts);
	/* an exit of v begins at ts: reason index (a KVM_EXIT_* one when no kvm_exit came first) */
	void (*exit_begin)(void *arg, const struct tv_vcpu *v, int reason, uint64_t ts);
	/* v's open exit ends at ts: re-entry, or superseded by the next exit */
	void (*exit_end)(void *arg, const struct tv_vcpu *v, uint64_t ts);
	/* a record that passed the filters, after the analysis took it (v NULL: no vCPU row) */
	void (*record)(void *arg, const struct tv_vcpu *v, const struct tv_rec *r);
	void *arg;
};

struct tv_analysis {
	struct tv_opts opts;
	enum tv_profile profile;
	uint64_t first_ts, last_ts;	/* of all records seen */
	uint64_t win_first, win_last;	/* of records analysed */
	uint64_t nr_records, nr_used;
	uint64_t missed_events, missed_pages;
	uint64_t kind_count[TV_KIND_NUM];

	struct tv_reason reasons[TV_MAX_REASONS];
	unsigned int nr_reasons;
	uint64_t reason_hkey[1024];	/* key + 1 */
	int16_t reason_hidx[1024];

	struct tv_vcpu *vcpus;
	unsigned int nr_vcpus, cap_vcpus;
	uint32_t *tid_hash;		/* open addressing: tid -> vcpu idx + 1 */
	unsigned int tid_hash_cap;

	struct tv_vm *vms;
	unsigned int nr_vms, cap_vms;

	/* tgid and names learnt from markers / task_newtask: hash tid -> tgid */
	uint32_t (*tgids)[2];
	unsigned int nr_tgids, cap_tgids;
	struct { uint32_t tgid; char name[64]; } *vmnames;
	unsigned int nr_vmnames, cap_vmnames;

	/* latency samples (exact percentiles), packed (analyze.c) */
	uint64_t *lat;
	size_t nr_lat, cap_lat;
	bool lat_dropped;		/* more than opts.exact_samples: histograms only */
	struct tv_latstat lat_total[TV_LAT_NUM];
	struct tv_latstat uexit_kernel;	/* exit -> kvm_userspace_exit part */
	struct tv_latstat uexit_user;	/* userspace_exit -> entry part */

	/* CSR/MSR trap matrix */
	struct tv_csr_cell *csr;
	unsigned int nr_csr, cap_csr;
	uint32_t *csr_hash;		/* cell idx + 1 */
	unsigned int csr_hash_cap;

	/* GPA fault classes */
	struct tv_fault_cell faults[64];
	unsigned int nr_faults;

	/* churn over time */
	uint64_t bin_ns;		/* width of a time bin */
	unsigned int nr_bins;
	uint64_t churn_tlb[TV_BINS_MAX], churn_vpid[TV_BINS_MAX], churn_exits[TV_BINS_MAX];
	uint64_t tlb_total, vpid_total, rollover_total;
	uint64_t tlb_by_scope[TV_TLB_SCOPE_SLOTS];
	/* fine timeline: width and count of its bins; tl_partial: a row has none */
	uint64_t tl_ns;
	unsigned int nr_tl;
	bool tl_partial;

	/* LoongArch GSPR exits by decoded instruction kind (KVMLA_GSPR_KINDS) */
	uint64_t gspr_kind[TV_GSPR_SLOTS];

	/* interrupts */
	struct tv_irq_pending *irqp;
	unsigned int nr_irqp, cap_irqp;
	struct tv_latstat irq_lat;
	uint64_t irq_queued, irq_delivered;

	/* slowest exits */
	struct tv_slow *slow;
	unsigned int nr_slow;

	/* kept records (viewer) */
	struct tv_rec *recs;
	size_t nr_recs, cap_recs;

	/* records per event id (names filled in by the reader) */
	uint64_t *evcount;
	char (*evname)[TV_NAME_LEN];
	unsigned int nr_evcount;

	unsigned int tgid_gen;
	/* optional: comm of a thread (the reader's cmdlines); NULL in tests */
	const char *(*comm_fn)(uint32_t tid, void *arg);
	void *comm_arg;
	bool seen_entry, seen_exit;	/* kvm_entry / kvm_exit present (not on every kernel) */
	bool finished;
	const struct tv_observer *obs;	/* NULL: none */
	char err[160];
	/*
	 * A file cut short (read.c): the offset where it ends, the CPUs that
	 * lost data, the latest record read from them (has_ts: one was).
	 */
	struct tv_cut { bool on, has_ts; uint64_t at, last_ts; unsigned int ncpus; uint16_t cpus[256]; } cut;
};

void tv_an_init(struct tv_analysis *an, const struct tv_opts *opts, enum tv_profile p);
/* Registers a reason name before or during feeding (names come from the reader). */
int tv_an_reason(struct tv_analysis *an, uint64_t key, const char *name, const char *json_key);
int tv_an_feed(struct tv_analysis *an, const struct tv_rec *r);
void tv_an_missed(struct tv_analysis *an, int64_t events);
/* Thread and VM identity (markers written by `record`, task_newtask). */
void tv_an_set_tgid(struct tv_analysis *an, uint32_t tid, uint32_t tgid);
void tv_an_set_vm_name(struct tv_analysis *an, uint32_t tgid, const char *name);
void tv_an_set_comm(struct tv_analysis *an, uint32_t tid, const char *comm);
void tv_vcpu_set_comm(struct tv_vcpu *v, const char *comm);
void tv_an_set_evname(struct tv_analysis *an, unsigned int evid, const char *name);
/* The process of a thread as known so far (0: unknown). */
uint32_t tv_an_tgid(const struct tv_analysis *an, uint32_t tid);
int tv_an_finish(struct tv_analysis *an);
void tv_an_free(struct tv_analysis *an);
void tv_opts_default(struct tv_opts *o);
/* Helpers over results. */
unsigned int tv_lat_bucket(uint64_t ns);
const char *tv_state_name(int st);
const char *tv_latclass_name(int c);
const char *tv_profile_name(enum tv_profile p);
int tv_reason_find(const struct tv_analysis *an, uint64_t key);
uint64_t tv_reason_key(uint32_t isa, uint32_t code);
/* Reason indexes with count > 0, most frequent first; uexit selects KVM_EXIT_* ones. */
unsigned int tv_sorted_reasons(const struct tv_analysis *an, unsigned int *out, bool uexit);
/* Feeds a whole array (unit tests, viewer). */
int tv_an_run(struct tv_analysis *an, const struct tv_rec *recs, size_t n);

/* ---- reading (read.c) ---- */
struct tv_reader;
struct tep_handle;
struct tep_record;
typedef void (*tv_progress_fn)(uint64_t done, uint64_t total, void *arg);
struct tv_reader *tv_reader_open(const char *path, char *err, size_t errlen);
/*
 * Structural checks before libtracecmd (validate.c): 0 ok, 1 ok but
 * compressed, -1 bad.  When lay is given it gets where each CPU's pages are,
 * and whether they may be read directly (uncompressed, no timestamp
 * offsets or conversions to apply).
 */
struct tv_layout {
	bool direct;
	bool big_endian;
	unsigned int page, ncpu, nbuf;
	uint64_t off[256], size[256];	/* size: the bytes present (less than the table's when cut) */
	/* v6 cut in its CPU table or data: cut[c] for each CPU that lost data */
	bool truncated;
	bool cut[256];
	uint64_t table_at;		/* where the table of CPU data starts */
	unsigned int table_ncpu;
};
int tv_validate(int fd, char *err, size_t errlen, struct tv_layout *lay);
/*
 * Direct reading of fd's pages (validated, lay) by a reader made with
 * tv_reader_from_tep; fd -1 detaches.
 */
void tv_reader_use_fd(struct tv_reader *rd, int fd, const struct tv_layout *lay, uint64_t size);
/*
 * tv_reader_open first opens the file in a forked child (a crash or a hang
 * of libtracecmd there is an error, not ours); fn replaces that fork, for
 * a fuzz target that keeps one long-lived child (fn: 0 when path opens
 * without dying, -1 otherwise).  NULL restores the fork.
 */
typedef int (*tv_probe_fn)(const char *path);
void tv_reader_set_probe(tv_probe_fn fn);
/*
 * For a fuzz target (off by default): keep the verdict and the parsed
 * headers of the last n distinct header blocks.  A v6 file read directly
 * gives libtracecmd its headers only (the stub of a cut file: the bytes
 * before the CPU table, and a table of empty CPUs), cache or not, so that
 * what libtracecmd reads is exactly the cache's key; a file whose block is
 * byte-identical to a kept one is neither probed nor parsed again (a
 * refused block gives the same error).  0 empties and disables the cache.
 */
void tv_reader_cache_headers(unsigned int n);
/* A reader over a tep with formats loaded but no file (fixtures, fuzz). */
struct tv_reader *tv_reader_from_tep(struct tep_handle *tep, char *err, size_t errlen);
enum tv_profile tv_reader_profile(const struct tv_reader *rd);
/* The file's event formats (owned by the reader). */
struct tep_handle *tv_reader_tep(const struct tv_reader *rd);
/*
 * fn sees every raw record tv_reader_run() reads, before it is decoded
 * (kvmstat-la --replay counts them with its own profile).
 */
typedef void (*tv_raw_fn)(const struct tep_record *rec, void *arg);
void tv_reader_on_raw(struct tv_reader *rd, tv_raw_fn fn, void *arg);
/* Decodes one raw record; returns 1 when decoded, 0 when ignored. */
int tv_reader_decode(struct tv_reader *rd, struct tep_record *rec, struct tv_rec *out);
/* Registers every reason name the file's formats know. */
void tv_reader_names(struct tv_reader *rd, struct tv_analysis *an);
int tv_reader_run(struct tv_reader *rd, struct tv_analysis *an, tv_progress_fn fn, void *arg);
uint64_t tv_reader_file_size(const struct tv_reader *rd);
void tv_reader_close(struct tv_reader *rd);
const char *tv_reader_event_name(struct tv_reader *rd, const struct tv_rec *r);
/* Exit reason name by isa/code from the file's formats (x86), NULL if none. */
const char *tv_reader_x86_reason(struct tv_reader *rd, uint32_t isa, uint32_t code);

/* ---- outputs ---- */
#include <stdio.h>
int tv_report_text(FILE *f, const struct tv_analysis *an, const char *path);
int tv_report_json(FILE *f, const struct tv_analysis *an, const char *path);
int tv_report_html(FILE *f, const struct tv_analysis *an, const char *path);
/*
 * The Trace Event Format (perfetto.c): an is the finished analysis of the
 * file (identities, names); the records are read again from rd, with the
 * options opts (as given: a --vm name not yet resolved), through an observed
 * analysis.  0, or -1 with err.
 */
int tv_report_perfetto(FILE *f, const struct tv_analysis *an, struct tv_reader *rd,
		       const struct tv_opts *opts, char *err, size_t errlen);
int tv_tui_run(struct tv_analysis *an, const char *path);
/* Formats ns as "1.23us" into buf. */
const char *tv_fmt_ns(char *buf, size_t len, uint64_t ns);
/* Percentile which (0 p50, 1 p90, 2 p99) of l: "-" when none, "~1.23us" when from the histogram. */
const char *tv_fmt_pct(char *buf, size_t len, const struct tv_latstat *l, int which);

/* ---- recording (record.c) ---- */
struct tv_record_opts {
	const char *output;
	const char **events;		/* "sys:event" or "sys" */
	unsigned int nr_events;
	double duration;		/* seconds, 0 = until the command exits / SIGINT */
	unsigned int buffer_kb;		/* per CPU */
	int pid;			/* filter to this pid and its children, 0 = all */
	char **cmd;			/* command to run, NULL = none */
	bool quiet;
};
int tv_record(const struct tv_record_opts *o);

/* ---- a tracefs snapshot directory into a trace.dat (import.c) ---- */
struct tv_import_opts {
	const char *dir;		/* events/, per_cpu/cpuN/trace_pipe_raw, ... */
	const char *output;
	bool quiet;
};
int tv_import(const struct tv_import_opts *o);
/* The page size from header_page's text (data offset + size); 0, or -1 with err. */
int tv_import_page_size(const char *hp, size_t len, unsigned int *page, char *err, size_t errlen);
/* Every page's commit within the page (pages numbered from first in err); 0 or -1. */
int tv_import_check_pages(const unsigned char *buf, size_t len, unsigned int page,
			  uint64_t first, char *err, size_t errlen);
/* The clock of trace_clock's text ("[local] global ..."); 0 or -1. */
int tv_import_clock(const char *text, size_t len, char *clock, size_t size);

/* ---- trace.dat v6 writer (tvdat.c) ---- */
struct tvdat_fmt { const char *system; const char *text; size_t len; };
struct tvdat_cpu { const char *path; int fd; uint64_t size; };
struct tvdat_info {
	unsigned int page_size;
	const char *header_page, *header_event;
	size_t header_page_len, header_event_len;
	const struct tvdat_fmt *fmts;	/* system "ftrace" goes to the ftrace section */
	unsigned int nr_fmts;
	const char *printk; size_t printk_len;
	const char *cmdlines; size_t cmdlines_len;
	const char *clock;		/* trace clock name, NULL = none */
	unsigned int nr_cpus;
	const struct tvdat_cpu *cpus;	/* raw ring-buffer pages per CPU (fd) */
};
int tvdat_write(int fd, const struct tvdat_info *info, char *err, size_t errlen);

/* A ring-buffer page builder (fixtures, generator). */
struct tvdat_page {
	unsigned char *buf;
	unsigned int page_size, used;
	uint64_t last_ts;
	bool started;
};
void tvdat_page_init(struct tvdat_page *p, unsigned char *buf, unsigned int page_size);
/* Appends an event; returns 0, or 1 when the page is full (flush, re-init, retry). */
int tvdat_page_add(struct tvdat_page *p, uint64_t ts, const void *data, unsigned int len);
void tvdat_page_finish(struct tvdat_page *p);

#endif /* TRACE_VIEWER_H */
