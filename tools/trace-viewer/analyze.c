// SPDX-License-Identifier: GPL-2.0
/*
 * The analyses: pure functions over decoded records (struct tv_rec), fed in
 * time order.  No I/O, no ncurses: tests drive them with arrays.
 *
 * Per vCPU thread (keyed by tid) a small state machine follows
 *   ENTRY -> guest, EXIT -> kernel (halted for halt/idle exits),
 *   UEXIT -> userspace, ENTRY -> guest ...
 * An exit's latency is exit -> next entry of the same thread, classed
 * "user" when a userspace exit happened in between, "kernel" otherwise.
 * Percentiles are nearest rank: exact over the sorted samples while exit
 * latencies are kept (up to opts.exact_samples, each under 2^32 ns), else
 * from each statistic's log-linear histogram, within TV_LL_MAX_REL_ERR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trace-viewer.h"

#define SLOW_KEEP 64
#define IRQ_PENDING_MAX 4096

void tv_opts_default(struct tv_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->vm = -1;
	o->vcpu = -1;
	o->tid = -1;
	o->slow_ns = 100000;
	o->top = 10;
	o->exact_samples = TV_EXACT_SAMPLES_DEFAULT;
}

uint64_t tv_reason_key(uint32_t isa, uint32_t code)
{
	return (uint64_t)isa << 32 | code;
}

/* floor(log2(ns)), 0 for 0 and 1, the last bucket taking the rest */
unsigned int tv_lat_bucket(uint64_t ns)
{
	unsigned int b;

	if (ns < 2)
		return 0;
	b = 63 - (unsigned int)__builtin_clzll(ns);
	return b < TV_LAT_BUCKETS - 1 ? b : TV_LAT_BUCKETS - 1;
}

unsigned int tv_ll_index(uint64_t ns)
{
	unsigned int shift;

	if (ns < 2 * TV_LL_SUB)
		return (unsigned int)ns;
	shift = 63 - (unsigned int)__builtin_clzll(ns) - TV_LL_SUB_BITS;
	return shift * TV_LL_SUB + (unsigned int)(ns >> shift);
}

uint64_t tv_ll_lo(unsigned int i)
{
	if (i < 2 * TV_LL_SUB)
		return i;
	return (uint64_t)(i % TV_LL_SUB + TV_LL_SUB) << (i / TV_LL_SUB - 1);
}

uint64_t tv_ll_hi(unsigned int i)
{
	if (i < 2 * TV_LL_SUB)
		return i;
	return tv_ll_lo(i) + ((1ull << (i / TV_LL_SUB - 1)) - 1);
}

const char *tv_state_name(int st)
{
	static const char *const n[] = { "guest", "kernel", "userspace", "halted" };

	return st >= 0 && st < TV_ST_NUM ? n[st] : "none";
}

const char *tv_latclass_name(int c)
{
	static const char *const n[] = { "kernel", "userspace", "all" };

	return c >= 0 && c < TV_LAT_NUM ? n[c] : "?";
}

const char *tv_profile_name(enum tv_profile p)
{
	return p == TV_PROFILE_X86 ? "x86" : p == TV_PROFILE_LOONGARCH ? "loongarch" : "unknown";
}

static void lat_init(struct tv_latstat *l)
{
	memset(l, 0, sizeof(*l));
	l->min = UINT64_MAX;
}

/* one latency and its buckets, computed once for the statistics it goes to */
struct latv { uint64_t ns; unsigned int hb, li; };

static struct latv latv_of(uint64_t ns)
{
	return (struct latv){ ns, tv_lat_bucket(ns), tv_ll_index(ns) };
}

static void lat_addv(struct tv_latstat *l, const struct latv *x)
{
	l->count++;
	l->sum += x->ns;
	if (x->ns < l->min)
		l->min = x->ns;
	if (x->ns > l->max)
		l->max = x->ns;
	l->hist[x->hb]++;
	if (!l->ll && l->count == 1)
		l->ll = calloc(TV_LL_BUCKETS, sizeof(*l->ll));
	if (l->ll)	/* an allocation that failed leaves the percentiles unknown */
		l->ll[x->li]++;
}

static void lat_add(struct tv_latstat *l, uint64_t ns)
{
	struct latv x = latv_of(ns);

	lat_addv(l, &x);
}

void tv_an_init(struct tv_analysis *an, const struct tv_opts *opts, enum tv_profile p)
{
	memset(an, 0, sizeof(*an));
	if (opts)
		an->opts = *opts;
	else
		tv_opts_default(&an->opts);
	an->profile = p;
	an->bin_ns = 1000;
	an->tl_ns = 1000;
	for (int c = 0; c < TV_LAT_NUM; c++)
		lat_init(&an->lat_total[c]);
	lat_init(&an->uexit_kernel);
	lat_init(&an->uexit_user);
	lat_init(&an->irq_lat);
}

static unsigned int hash32(uint64_t k)
{
	k *= 0x9e3779b97f4a7c15ull;
	return (unsigned int)(k >> 40);
}

int tv_reason_find(const struct tv_analysis *an, uint64_t key)
{
	unsigned int h = hash32(key) & 1023;

	for (unsigned int i = 0; i < 1024; i++, h = (h + 1) & 1023) {
		if (!an->reason_hkey[h])
			return -1;
		if (an->reason_hkey[h] == key + 1)
			return an->reason_hidx[h];
	}
	return -1;
}

int tv_an_reason(struct tv_analysis *an, uint64_t key, const char *name, const char *json_key)
{
	int idx = tv_reason_find(an, key);
	struct tv_reason *r;
	unsigned int h;

	if (idx >= 0)
		return idx;
	if (an->nr_reasons >= TV_MAX_REASONS)
		return -1;
	idx = an->nr_reasons++;
	r = &an->reasons[idx];
	memset(r, 0, sizeof(*r));
	r->key = key;
	if (name)
		snprintf(r->name, sizeof(r->name), "%s", name);
	else
		snprintf(r->name, sizeof(r->name), "reason_%u", (unsigned int)key);
	snprintf(r->json_key, sizeof(r->json_key), "%s", json_key ? json_key : r->name);
	r->halt = !strcasecmp(r->name, "hlt") || !strcasecmp(r->name, "idle-halt");
	for (int c = 0; c < TV_LAT_NUM; c++)
		lat_init(&r->lat[c]);
	h = hash32(key) & 1023;
	while (an->reason_hkey[h])
		h = (h + 1) & 1023;
	an->reason_hkey[h] = key + 1;
	an->reason_hidx[h] = (int16_t)idx;
	return idx;
}

/*
 * ---- tid -> tgid ----
 * An entry is the thread's process (a marker, a new process), or, for a
 * thread made by task_newtask with CLONE_THREAD, a link to the thread that
 * made it (TGID_LINK | its tid): the maker's own identity may come later
 * in the trace, so links are followed on each look-up, never resolved when
 * they are made.  A maker with no entry is taken for its process's main
 * thread (tid == tgid).
 */
#define TGID_LINK 0x80000000u
#define TGID_LINK_DEPTH 16

static uint32_t tgid_raw(const struct tv_analysis *an, uint32_t tid)
{
	unsigned int m, h;

	if (!an->cap_tgids)
		return 0;
	m = an->cap_tgids - 1;
	for (h = hash32(tid) & m; an->tgids[h][0]; h = (h + 1) & m)
		if (an->tgids[h][0] == tid + 1)
			return an->tgids[h][1];
	return 0;
}

static uint32_t tgid_of(const struct tv_analysis *an, uint32_t tid)
{
	uint32_t e = tgid_raw(an, tid);

	for (int d = 0; d < TGID_LINK_DEPTH && (e & TGID_LINK); d++) {
		uint32_t maker = e & ~TGID_LINK;

		e = tgid_raw(an, maker);
		if (!e)
			return maker;
	}
	return e & TGID_LINK ? 0 : e;
}

/* link: only where nothing explicit is known of tid */
static void tgid_put(struct tv_analysis *an, uint32_t tid, uint32_t val, bool link)
{
	unsigned int m, h;

	if ((an->nr_tgids + 1) * 2 > an->cap_tgids) {
		unsigned int ncap = an->cap_tgids ? an->cap_tgids * 2 : 256;
		uint32_t (*n)[2] = calloc(ncap, sizeof(*n));

		if (!n)
			return;
		for (unsigned int i = 0; i < an->cap_tgids; i++) {
			if (!an->tgids[i][0])
				continue;
			for (h = hash32(an->tgids[i][0] - 1) & (ncap - 1); n[h][0]; h = (h + 1) & (ncap - 1))
				;
			n[h][0] = an->tgids[i][0];
			n[h][1] = an->tgids[i][1];
		}
		free(an->tgids);
		an->tgids = n;
		an->cap_tgids = ncap;
	}
	m = an->cap_tgids - 1;
	for (h = hash32(tid) & m; an->tgids[h][0]; h = (h + 1) & m)
		if (an->tgids[h][0] == tid + 1)
			break;
	if (!an->tgids[h][0])
		an->nr_tgids++;
	else if (link && !(an->tgids[h][1] & TGID_LINK))
		return;
	an->tgids[h][0] = tid + 1;
	an->tgids[h][1] = link ? TGID_LINK | val : val;
	an->tgid_gen++;
}

void tv_an_set_tgid(struct tv_analysis *an, uint32_t tid, uint32_t tgid)
{
	tgid_put(an, tid, tgid & ~TGID_LINK, false);
}

uint32_t tv_an_tgid(const struct tv_analysis *an, uint32_t tid)
{
	return tgid_of(an, tid);
}

void tv_an_set_vm_name(struct tv_analysis *an, uint32_t tgid, const char *name)
{
	unsigned int i;

	for (i = 0; i < an->nr_vmnames; i++)
		if (an->vmnames[i].tgid == tgid)
			break;
	if (i == an->nr_vmnames) {
		if (an->nr_vmnames == an->cap_vmnames) {
			unsigned int nc = an->cap_vmnames ? an->cap_vmnames * 2 : 16;
			void *n = realloc(an->vmnames, nc * sizeof(*an->vmnames));

			if (!n)
				return;
			an->vmnames = n;
			an->cap_vmnames = nc;
		}
		an->nr_vmnames++;
	}
	an->vmnames[i].tgid = tgid;
	snprintf(an->vmnames[i].name, sizeof(an->vmnames[i].name), "%s", name);
	if (an->opts.vm_name[0] && !strcmp(an->opts.vm_name, name))
		an->opts.vm = tgid;
	/* the VM's main thread belongs to it */
	if (!tgid_raw(an, tgid) || (tgid_raw(an, tgid) & TGID_LINK))
		tv_an_set_tgid(an, tgid, tgid);
}

void tv_an_set_evname(struct tv_analysis *an, unsigned int evid, const char *name)
{
	if (evid >= an->nr_evcount)
		return;
	if (!an->evname) {
		an->evname = calloc(an->nr_evcount, sizeof(*an->evname));
		if (!an->evname)
			return;
	}
	snprintf(an->evname[evid], TV_NAME_LEN, "%s", name);
}

void tv_an_set_comm(struct tv_analysis *an, uint32_t tid, const char *comm)
{
	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		if (an->vcpus[i].tid == tid)
			tv_vcpu_set_comm(&an->vcpus[i], comm);
}

/* ---- vCPUs ---- */

static struct tv_vcpu *vcpu_find(struct tv_analysis *an, uint32_t tid)
{
	unsigned int m, h;

	if (!an->tid_hash_cap)
		return NULL;
	m = an->tid_hash_cap - 1;
	for (h = hash32(tid) & m; an->tid_hash[h]; h = (h + 1) & m)
		if (an->vcpus[an->tid_hash[h] - 1].tid == tid)
			return &an->vcpus[an->tid_hash[h] - 1];
	return NULL;
}

/* again whenever identities changed: a link's end may have been learnt since */
static void vcpu_resolve_tgid(struct tv_analysis *an, struct tv_vcpu *v)
{
	if (v->tgid_gen == an->tgid_gen)
		return;
	v->tgid_gen = an->tgid_gen;
	v->tgid = tgid_of(an, v->tid);
}

/* QEMU (and kvmla-vmm) name vCPU threads "CPU <n>/KVM": a vcpu_id when events carry none */
void tv_vcpu_set_comm(struct tv_vcpu *v, const char *comm)
{
	unsigned int n;
	char tail[8];

	snprintf(v->comm, sizeof(v->comm), "%s", comm);
	if (v->vcpu_id == TV_NO_VCPU && sscanf(comm, "CPU %u/%7s", &n, tail) == 2 &&
	    !strcmp(tail, "KVM"))
		v->vcpu_id = n;
}

static struct tv_vcpu *vcpu_get(struct tv_analysis *an, uint32_t tid)
{
	struct tv_vcpu *v = vcpu_find(an, tid);
	unsigned int m, h;

	if (v)
		return v;
	if (an->nr_vcpus == an->cap_vcpus) {
		unsigned int nc = an->cap_vcpus ? an->cap_vcpus * 2 : 16;
		struct tv_vcpu *n = realloc(an->vcpus, nc * sizeof(*n));

		if (!n)
			return NULL;
		an->vcpus = n;
		an->cap_vcpus = nc;
	}
	if ((an->nr_vcpus + 1) * 2 > an->tid_hash_cap) {
		unsigned int nc = an->tid_hash_cap ? an->tid_hash_cap * 2 : 64;
		uint32_t *n = calloc(nc, sizeof(*n));

		if (!n)
			return NULL;
		for (unsigned int i = 0; i < an->nr_vcpus; i++) {
			for (h = hash32(an->vcpus[i].tid) & (nc - 1); n[h]; h = (h + 1) & (nc - 1))
				;
			n[h] = i + 1;
		}
		free(an->tid_hash);
		an->tid_hash = n;
		an->tid_hash_cap = nc;
	}
	v = &an->vcpus[an->nr_vcpus];
	memset(v, 0, sizeof(*v));
	v->reason_count = calloc(TV_MAX_REASONS, sizeof(uint64_t));
	v->bins = calloc(TV_BINS_MAX, sizeof(*v->bins));
	if (!v->reason_count || !v->bins) {
		free(v->reason_count);
		free(v->bins);
		return NULL;
	}
	if (an->opts.fine_timeline) {	/* optional: a row without falls back to the coarse bins */
		if (an->nr_vcpus < TV_TL_ROWS)
			v->tl = calloc(TV_TL_BINS, sizeof(*v->tl));
		if (!v->tl)
			an->tl_partial = true;
	}
	v->tid = tid;
	v->vcpu_id = TV_NO_VCPU;
	v->state = TV_ST_NONE;
	v->cur_reason = -1;
	v->cur_ureason = -1;
	v->tgid_gen = ~0u;
	for (int c = 0; c < TV_LAT_NUM; c++)
		lat_init(&v->lat[c]);
	m = an->tid_hash_cap - 1;
	for (h = hash32(tid) & m; an->tid_hash[h]; h = (h + 1) & m)
		;
	an->tid_hash[h] = ++an->nr_vcpus;
	vcpu_resolve_tgid(an, v);
	if (an->comm_fn) {
		const char *c = an->comm_fn(tid, an->comm_arg);

		if (c)
			tv_vcpu_set_comm(v, c);
	}
	return v;
}

/* ---- time bins ---- */

static void rebin(struct tv_analysis *an)
{
	for (unsigned int i = 0; i < TV_BINS_MAX / 2; i++) {
		an->churn_tlb[i] = an->churn_tlb[2 * i] + an->churn_tlb[2 * i + 1];
		an->churn_vpid[i] = an->churn_vpid[2 * i] + an->churn_vpid[2 * i + 1];
		an->churn_exits[i] = an->churn_exits[2 * i] + an->churn_exits[2 * i + 1];
		for (unsigned int v = 0; v < an->nr_vcpus; v++)
			for (int s = 0; s < TV_ST_NUM; s++)
				an->vcpus[v].bins[i][s] = an->vcpus[v].bins[2 * i][s] +
							  an->vcpus[v].bins[2 * i + 1][s];
	}
	for (unsigned int i = TV_BINS_MAX / 2; i < TV_BINS_MAX; i++) {
		an->churn_tlb[i] = an->churn_vpid[i] = an->churn_exits[i] = 0;
		for (unsigned int v = 0; v < an->nr_vcpus; v++)
			memset(an->vcpus[v].bins[i], 0, sizeof(an->vcpus[v].bins[i]));
	}
	an->bin_ns *= 2;
	an->nr_bins = (an->nr_bins + 1) / 2;
}

/*
 * The bin of ts.  Bins double until the trace fits in TV_BINS_MAX; a width
 * cap keeps absurd timestamps (a corrupt file) from overflowing: anything
 * beyond goes to the last bin.
 */
#define BIN_NS_MAX (1ull << 52)

static unsigned int bin_of(struct tv_analysis *an, uint64_t ts)
{
	uint64_t rel = ts > an->win_first ? ts - an->win_first : 0;
	unsigned int b;

	while (rel / an->bin_ns >= TV_BINS_MAX && an->bin_ns < BIN_NS_MAX)
		rebin(an);
	b = rel / an->bin_ns >= TV_BINS_MAX ? TV_BINS_MAX - 1 : (unsigned int)(rel / an->bin_ns);
	if (b + 1 > an->nr_bins)
		an->nr_bins = b + 1;
	return b;
}

/* the fine timeline's bins, as the bins above but TV_TL_BINS of them */
static void tl_rebin(struct tv_analysis *an)
{
	for (unsigned int v = 0; v < an->nr_vcpus; v++) {
		uint64_t (*t)[TV_TL_NUM] = an->vcpus[v].tl;

		if (!t)
			continue;
		for (unsigned int i = 0; i < TV_TL_BINS / 2; i++)
			for (int s = 0; s < TV_TL_NUM; s++)
				t[i][s] = t[2 * i][s] + t[2 * i + 1][s];
		memset(t[TV_TL_BINS / 2], 0, TV_TL_BINS / 2 * sizeof(*t));
	}
	an->tl_ns *= 2;
	an->nr_tl = (an->nr_tl + 1) / 2;
}

static unsigned int tl_of(struct tv_analysis *an, uint64_t ts)
{
	uint64_t rel = ts > an->win_first ? ts - an->win_first : 0;
	unsigned int b;

	while (rel / an->tl_ns >= TV_TL_BINS && an->tl_ns < BIN_NS_MAX)
		tl_rebin(an);
	b = rel / an->tl_ns >= TV_TL_BINS ? TV_TL_BINS - 1 : (unsigned int)(rel / an->tl_ns);
	if (b + 1 > an->nr_tl)
		an->nr_tl = b + 1;
	return b;
}

static void tl_account(struct tv_analysis *an, struct tv_vcpu *v, uint64_t s, uint64_t end)
{
	tl_of(an, end);
	while (s < end) {
		unsigned int b = tl_of(an, s);
		uint64_t bend = an->win_first + (uint64_t)(b + 1) * an->tl_ns;
		uint64_t e = end;

		if (b + 1 < TV_TL_BINS && bend > s && bend > an->win_first && bend < end)
			e = bend;
		v->tl[b][v->state] += e - s;
		s = e;
	}
}

/* an exit of v begins at ts (the fine timeline's exit count) */
static void tl_exit(struct tv_analysis *an, struct tv_vcpu *v, uint64_t ts)
{
	if (v->tl)
		v->tl[tl_of(an, ts)][TV_TL_EXITS]++;
}

static void state_account(struct tv_analysis *an, struct tv_vcpu *v, uint64_t end)
{
	uint64_t s = v->state_since;

	if (v->state >= TV_ST_NUM || end <= s)
		return;
	v->state_ns[v->state] += end - s;
	if (v->tl)
		tl_account(an, v, s, end);
	bin_of(an, end);	/* grow the bins first, so that the loop is stable */
	while (s < end) {
		unsigned int b = bin_of(an, s);
		uint64_t bend = an->win_first + (uint64_t)(b + 1) * an->bin_ns;
		uint64_t e = end;

		/* the last bin, or a bin end that wrapped, takes the rest */
		if (b + 1 < TV_BINS_MAX && bend > s && bend > an->win_first && bend < end)
			e = bend;
		v->bins[b][v->state] += e - s;
		s = e;
	}
}

static void state_set(struct tv_analysis *an, struct tv_vcpu *v, int st, uint64_t ts)
{
	state_account(an, v, ts);
	v->state = (uint8_t)st;
	v->state_since = ts;
	if (an->obs)
		an->obs->state(an->obs->arg, v, st, ts);
}

static void obs_exit_begin(struct tv_analysis *an, struct tv_vcpu *v, int reason, uint64_t ts)
{
	if (an->obs)
		an->obs->exit_begin(an->obs->arg, v, reason, ts);
}

static void obs_exit_end(struct tv_analysis *an, struct tv_vcpu *v, uint64_t ts)
{
	if (an->obs)
		an->obs->exit_end(an->obs->arg, v, ts);
}

/* ---- matrices ---- */

static void csr_add(struct tv_analysis *an, uint32_t csr, uint32_t op, uint32_t vidx)
{
	uint64_t key = (uint64_t)csr << 32 | (uint64_t)(op & 0xff) << 24 | (vidx & 0xffffff);
	unsigned int m, h;

	if ((an->nr_csr + 1) * 2 > an->csr_hash_cap) {
		unsigned int nc = an->csr_hash_cap ? an->csr_hash_cap * 2 : 256;
		uint32_t *n = calloc(nc, sizeof(*n));

		if (!n)
			return;
		for (unsigned int i = 0; i < an->nr_csr; i++) {
			struct tv_csr_cell *c = &an->csr[i];
			uint64_t k = (uint64_t)c->csr << 32 | (uint64_t)c->op << 24 | c->vcpu_idx;

			for (h = hash32(k) & (nc - 1); n[h]; h = (h + 1) & (nc - 1))
				;
			n[h] = i + 1;
		}
		free(an->csr_hash);
		an->csr_hash = n;
		an->csr_hash_cap = nc;
	}
	m = an->csr_hash_cap - 1;
	for (h = hash32(key) & m; an->csr_hash[h]; h = (h + 1) & m) {
		struct tv_csr_cell *c = &an->csr[an->csr_hash[h] - 1];

		if (c->csr == csr && c->op == (op & 0xff) && c->vcpu_idx == (vidx & 0xffffff)) {
			c->count++;
			return;
		}
	}
	if (an->nr_csr == an->cap_csr) {
		unsigned int nc = an->cap_csr ? an->cap_csr * 2 : 64;
		struct tv_csr_cell *n = realloc(an->csr, nc * sizeof(*n));

		if (!n)
			return;
		an->csr = n;
		an->cap_csr = nc;
	}
	an->csr[an->nr_csr] = (struct tv_csr_cell){ csr, op & 0xff, vidx & 0xffffff, 1 };
	an->csr_hash[h] = ++an->nr_csr;
}

static void fault_add(struct tv_analysis *an, uint32_t kind, uint32_t path, uint32_t acc)
{
	static const char *const accn[] = { "read", "write", "exec" };
	unsigned int i;
	const char *kn, *pn;

	for (i = 0; i < an->nr_faults; i++)
		if (an->faults[i].kind == kind && an->faults[i].path == path && an->faults[i].acc == acc) {
			an->faults[i].count++;
			return;
		}
	if (i >= sizeof(an->faults) / sizeof(an->faults[0]))
		return;
	kn = tv_la_sym_name("FAULT_KIND", kind);
	pn = path == 0xff ? NULL : tv_la_sym_name("FAULT_PATH", path);
	an->faults[i].kind = kind;
	an->faults[i].path = path;
	an->faults[i].acc = acc;
	an->faults[i].count = 1;
	snprintf(an->faults[i].cls, TV_NAME_LEN, "%s%s%s/%s", kn ? kn : "kind?",
		 pn || path != 0xff ? "/" : "", pn ? pn : path != 0xff ? "path?" : "",
		 acc < 3 ? accn[acc] : "?");
	an->nr_faults++;
}

static void slow_add(struct tv_analysis *an, struct tv_vcpu *v, uint64_t ts, uint64_t lat, bool user,
		     int reason)
{
	unsigned int i;

	if (!an->slow) {
		an->slow = calloc(SLOW_KEEP, sizeof(*an->slow));
		if (!an->slow)
			return;
	}
	if (an->nr_slow == SLOW_KEEP && lat <= an->slow[SLOW_KEEP - 1].lat)
		return;
	i = an->nr_slow < SLOW_KEEP ? an->nr_slow++ : SLOW_KEEP - 1;
	while (i > 0 && an->slow[i - 1].lat < lat) {
		an->slow[i] = an->slow[i - 1];
		i--;
	}
	an->slow[i] = (struct tv_slow){ ts, lat, v->tid, v->vcpu_id, reason, user };
}

/*
 * One latency sample in 64 bits: ns (32) on top, so that sorting the keys
 * sorts the latencies, then reason (10), class (1), vCPU index (16).
 */
static uint64_t sample_key(unsigned int reason, unsigned int cls, unsigned int vidx, uint32_t ns)
{
	return (uint64_t)ns << 32 | (uint64_t)reason << 17 | (uint64_t)cls << 16 | vidx;
}

static int lat_sample(struct tv_analysis *an, int reason, int cls, unsigned int vidx, uint64_t ns)
{
	uint64_t key = sample_key(reason < 0 ? TV_MAX_REASONS : (unsigned int)reason, (unsigned int)cls & 1,
				  vidx > 0xffff ? 0xffff : vidx, ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns);

	if (an->lat_dropped)
		return 0;
	if (an->nr_lat >= an->opts.exact_samples) {	/* over budget: histograms from now on */
		free(an->lat);
		an->lat = NULL;
		an->nr_lat = an->cap_lat = 0;
		an->lat_dropped = true;
		return 0;
	}
	if (an->nr_lat == an->cap_lat) {
		size_t nc = an->cap_lat ? an->cap_lat * 2 : 4096;
		uint64_t *n;

		if (nc > an->opts.exact_samples)
			nc = an->opts.exact_samples;
		n = realloc(an->lat, nc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		an->lat = n;
		an->cap_lat = nc;
	}
	an->lat[an->nr_lat++] = key;
	return 0;
}

static void irq_queue(struct tv_analysis *an, uint32_t tgid, uint32_t vcpu, uint32_t irq, uint64_t ts)
{
	an->irq_queued++;
	for (unsigned int i = 0; i < an->nr_irqp; i++)
		if (an->irqp[i].tid == tgid && an->irqp[i].irq == (vcpu << 16 | (irq & 0xffff)))
			return;		/* already pending: coalesced */
	if (an->nr_irqp == an->cap_irqp) {
		unsigned int nc = an->cap_irqp ? an->cap_irqp * 2 : 64;
		void *n;

		if (nc > IRQ_PENDING_MAX)
			return;
		n = realloc(an->irqp, nc * sizeof(*an->irqp));
		if (!n)
			return;
		an->irqp = n;
		an->cap_irqp = nc;
	}
	an->irqp[an->nr_irqp++] = (struct tv_irq_pending){ tgid, vcpu << 16 | (irq & 0xffff), ts };
}

static void irq_deliver(struct tv_analysis *an, uint32_t tgid, uint32_t vcpu, uint32_t irq, uint64_t ts)
{
	an->irq_delivered++;
	for (unsigned int i = 0; i < an->nr_irqp; i++)
		if (an->irqp[i].tid == tgid && an->irqp[i].irq == (vcpu << 16 | (irq & 0xffff))) {
			if (ts >= an->irqp[i].ts)
				lat_add(&an->irq_lat, ts - an->irqp[i].ts);
			an->irqp[i] = an->irqp[--an->nr_irqp];
			return;
		}
}

/* The exit (or userspace exit) of v ends at ts: one latency sample. */
static int close_exit(struct tv_analysis *an, struct tv_vcpu *v, uint64_t ts)
{
	struct latv x;
	uint64_t lat;
	int cls, reason;

	if (!v->exit_ts)
		return 0;
	obs_exit_end(an, v, ts);
	if (ts < v->exit_ts) {		/* time went backwards (corrupt input): no sample */
		v->exit_ts = 0;
		v->in_user = false;
		return 0;
	}
	lat = ts - v->exit_ts;
	cls = v->in_user ? TV_LAT_USER : TV_LAT_KERNEL;
	reason = v->cur_reason >= 0 ? v->cur_reason : v->cur_ureason;
	if (lat_sample(an, reason, cls, (unsigned int)(v - an->vcpus), lat))
		return -ENOMEM;
	x = latv_of(lat);
	lat_addv(&an->lat_total[cls], &x);
	lat_addv(&an->lat_total[TV_LAT_ALL], &x);
	lat_addv(&v->lat[cls], &x);
	lat_addv(&v->lat[TV_LAT_ALL], &x);
	if (v->cur_reason >= 0) {
		lat_addv(&an->reasons[v->cur_reason].lat[cls], &x);
		lat_addv(&an->reasons[v->cur_reason].lat[TV_LAT_ALL], &x);
	}
	if (v->in_user && v->cur_ureason >= 0) {
		lat_addv(&an->reasons[v->cur_ureason].lat[TV_LAT_USER], &x);
		lat_addv(&an->reasons[v->cur_ureason].lat[TV_LAT_ALL], &x);
	}
	if (v->in_user && v->uexit_ts && ts >= v->uexit_ts)
		lat_add(&an->uexit_user, ts - v->uexit_ts);
	slow_add(an, v, v->exit_ts, lat, v->in_user, reason);
	v->exit_ts = 0;
	v->in_user = false;
	v->cur_ureason = -1;
	return 0;
}

static bool vcpu_pass(struct tv_analysis *an, struct tv_vcpu *v)
{
	const struct tv_opts *o = &an->opts;

	if (o->tid >= 0 && v->tid != (uint64_t)o->tid)
		return false;
	if (o->vcpu >= 0 && v->vcpu_id != (uint64_t)o->vcpu)
		return false;
	if (o->vm >= 0 || o->vm_name[0]) {
		vcpu_resolve_tgid(an, v);
		if (o->vm < 0 || v->tgid != (uint64_t)o->vm)
			return false;
	}
	return true;
}

static int count_ev(struct tv_analysis *an, unsigned int evid)
{
	if (evid >= an->nr_evcount) {
		unsigned int nc = evid + 64;
		uint64_t *n = realloc(an->evcount, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		memset(n + an->nr_evcount, 0, (nc - an->nr_evcount) * sizeof(*n));
		an->evcount = n;
		if (an->evname) {
			char (*e)[TV_NAME_LEN] = realloc(an->evname, nc * sizeof(*e));

			if (!e)
				return -ENOMEM;
			memset(e + an->nr_evcount, 0, (nc - an->nr_evcount) * sizeof(*e));
			an->evname = e;
		}
		an->nr_evcount = nc;
	}
	an->evcount[evid]++;
	return 0;
}

static int keep(struct tv_analysis *an, const struct tv_rec *r)
{
	if (!an->opts.keep_records)
		return 0;
	if (an->nr_recs == an->cap_recs) {
		size_t nc = an->cap_recs ? an->cap_recs * 2 : 4096;
		struct tv_rec *n = realloc(an->recs, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		an->recs = n;
		an->cap_recs = nc;
	}
	an->recs[an->nr_recs++] = *r;
	return 0;
}

void tv_an_missed(struct tv_analysis *an, int64_t events)
{
	an->missed_pages++;
	if (events > 0)
		an->missed_events += events;
}

/*
 * What each record kind does to the analysis: a handler per kind, in a table
 * (as kvm/exit.c's kvmla_exit_table is for exits).  .vcpu says how the
 * record's vCPU is found: every kind that a vCPU thread emits gets its
 * thread's row, created on first sight, whatever came before it (a trace
 * may start with a kvm_pio, and on x86 only kvm_entry/kvm_exit name the
 * vCPU); none for events that need not run in the vCPU thread (interrupts
 * queued from elsewhere, anything unknown).  .identity records (who is which VM) are never filtered.
 */
typedef int (*feed_fn)(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r);

enum feed_vcpu { FEED_VCPU_GET, FEED_VCPU_NONE };

struct feed_kind {
	feed_fn fn;		/* NULL: counted only */
	enum feed_vcpu vcpu;
	bool identity;
};

static int feed_marker(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	if (r->child)
		tv_an_set_tgid(an, r->child, r->tgid);
	return count_ev(an, r->evid);
}

static int feed_newtask(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	if (r->thread)
		tgid_put(an, r->child, r->tid, true);	/* the maker's process, whenever known */
	else
		tv_an_set_tgid(an, r->child, r->child);
	return count_ev(an, r->evid);
}

static int feed_exit(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	uint64_t key = tv_reason_key(an->profile == TV_PROFILE_X86 ? r->isa : 0, r->reason);
	int ridx;

	an->seen_exit = true;
	ridx = tv_reason_find(an, key);
	if (ridx < 0)
		ridx = tv_an_reason(an, key, NULL, NULL);
	v->exits++;
	if (ridx >= 0) {
		v->reason_count[ridx]++;
		an->reasons[ridx].count++;
	}
	an->churn_exits[bin_of(an, r->ts)]++;
	tl_exit(an, v, r->ts);
	if (v->exit_ts)		/* no re-entry since the last exit: it ends here */
		obs_exit_end(an, v, r->ts);
	obs_exit_begin(an, v, ridx, r->ts);
	v->cur_reason = ridx;
	v->cur_ureason = -1;
	v->exit_ts = r->ts;
	v->in_user = false;
	state_set(an, v, ridx >= 0 && an->reasons[ridx].halt ? TV_ST_HALTED : TV_ST_KERNEL, r->ts);
	return 0;
}

static int feed_uexit(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	int u = tv_reason_find(an, tv_reason_key(TV_ISA_UEXIT, r->reason));

	if (u < 0)
		u = tv_an_reason(an, tv_reason_key(TV_ISA_UEXIT, r->reason), NULL, NULL);
	if (u >= 0)
		an->reasons[u].count++;
	v->cur_ureason = u;
	v->uexits++;
	v->uexit_reason[r->reason < 64 ? r->reason : 63]++;
	if (v->exit_ts && !v->in_user) {
		if (r->ts >= v->exit_ts)
			lat_add(&an->uexit_kernel, r->ts - v->exit_ts);
	} else {
		/* no kvm_exit before it: the userspace exit is the exit */
		if (v->exit_ts)
			obs_exit_end(an, v, r->ts);
		obs_exit_begin(an, v, u, r->ts);
		tl_exit(an, v, r->ts);
		v->exit_ts = r->ts;
		v->cur_reason = -1;
	}
	v->in_user = true;
	v->uexit_ts = r->ts;
	if (r->reason == TV_KVM_EXIT_HLT)
		state_set(an, v, TV_ST_HALTED, r->ts);
	else if (v->state != TV_ST_HALTED)
		state_set(an, v, TV_ST_USER, r->ts);
	return 0;
}

static int feed_entry(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	an->seen_entry = true;
	v->entries++;
	if (close_exit(an, v, r->ts))
		return -ENOMEM;
	state_set(an, v, TV_ST_GUEST, r->ts);
	return 0;
}

static int feed_run(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	/* with kvm_entry in the trace, the guest is entered later */
	if (!an->seen_entry && close_exit(an, v, r->ts))
		return -ENOMEM;
	state_set(an, v, an->seen_entry ? TV_ST_KERNEL : TV_ST_GUEST, r->ts);
	return 0;
}

static int feed_gspr(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	an->gspr_kind[tv_slot(r->gspr_kind, TV_GSPR_SLOTS)]++;
	return 0;
}

static int feed_idle(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	state_set(an, v, TV_ST_HALTED, r->ts);
	return 0;
}

static int feed_pio(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)an;
	if (r->rw)
		v->pio_out++;
	else
		v->pio_in++;
	return 0;
}

static int feed_mmio(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)an;
	if (r->write == 1)
		v->mmio_write++;
	else if (r->write == 0)
		v->mmio_read++;
	return 0;
}

static int feed_csr(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	csr_add(an, r->csr, r->op, (uint32_t)(v - an->vcpus));
	return 0;
}

static int feed_fault(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	fault_add(an, r->fault_class, r->path_access & 0xff, r->path_access >> 8);
	return 0;
}

static int feed_tlb(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	an->tlb_total++;
	an->tlb_by_scope[tv_slot(r->scope, TV_TLB_SCOPE_SLOTS)]++;
	an->churn_tlb[bin_of(an, r->ts)]++;
	return 0;
}

static int feed_vpid(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	an->vpid_total++;
	an->churn_vpid[bin_of(an, r->ts)]++;
	return 0;
}

static int feed_rollover(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	(void)r;
	an->rollover_total++;
	return 0;
}

static int feed_irq_queue(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)v;
	irq_queue(an, tgid_of(an, r->tid), r->vcpu, r->irq, r->ts);
	return 0;
}

static int feed_irq_deliver(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	uint32_t vc = r->vcpu != TV_NO_VCPU ? r->vcpu : v->vcpu_id;
	uint32_t tg;

	vcpu_resolve_tgid(an, v);
	tg = v->tgid;

	irq_deliver(an, tg, vc, r->irq, r->ts);
	return 0;
}

static const struct feed_kind feed_table[TV_KIND_NUM] = {
	[TV_OTHER]	 = { NULL, FEED_VCPU_NONE, false },
	[TV_ENTRY]	 = { feed_entry, FEED_VCPU_GET, false },
	[TV_EXIT]	 = { feed_exit, FEED_VCPU_GET, false },
	[TV_UEXIT]	 = { feed_uexit, FEED_VCPU_GET, false },
	[TV_PIO]	 = { feed_pio, FEED_VCPU_GET, false },
	[TV_MMIO]	 = { feed_mmio, FEED_VCPU_GET, false },
	[TV_CSR]	 = { feed_csr, FEED_VCPU_GET, false },
	[TV_GSPR]	 = { feed_gspr, FEED_VCPU_GET, false },
	[TV_IDLE]	 = { feed_idle, FEED_VCPU_GET, false },
	[TV_FAULT]	 = { feed_fault, FEED_VCPU_GET, false },
	[TV_TLB]	 = { feed_tlb, FEED_VCPU_GET, false },
	[TV_VPID]	 = { feed_vpid, FEED_VCPU_GET, false },
	[TV_ROLLOVER]	 = { feed_rollover, FEED_VCPU_GET, false },
	[TV_IRQ_QUEUE]	 = { feed_irq_queue, FEED_VCPU_NONE, false },
	[TV_IRQ_DELIVER] = { feed_irq_deliver, FEED_VCPU_GET, false },
	[TV_WAKEUP]	 = { NULL, FEED_VCPU_GET, false },
	[TV_NEWTASK]	 = { feed_newtask, FEED_VCPU_NONE, true },
	[TV_MARKER]	 = { feed_marker, FEED_VCPU_NONE, true },
	[TV_RUN]	 = { feed_run, FEED_VCPU_GET, false },
	[TV_TIMER]	 = { NULL, FEED_VCPU_NONE, false },
};

/* a kind beyond the table: counted only, in no vCPU */
static const struct feed_kind feed_unknown = { NULL, FEED_VCPU_NONE, false };

/* inside --from/--to, relative to the first record */
static bool feed_in_window(const struct tv_analysis *an, const struct tv_rec *r)
{
	uint64_t rel = r->ts - an->first_ts;

	return !(r->ts < an->first_ts || rel < an->opts.from_ns ||
		 (an->opts.to_ns && rel > an->opts.to_ns));
}

/* the --vm/--vcpu/--tid filters, for a record without a vCPU context */
static bool feed_pass_no_vcpu(struct tv_analysis *an, const struct tv_rec *r)
{
	const struct tv_opts *o = &an->opts;

	if (o->tid < 0 && o->vcpu < 0 && o->vm < 0 && !o->vm_name[0])
		return true;
	/* kept only when the event names a vCPU that passes */
	if (r->kind != TV_IRQ_QUEUE && r->vcpu == TV_NO_VCPU)
		return false;
	if (o->vcpu >= 0 && r->vcpu != (uint64_t)o->vcpu)
		return false;
	if (o->tid >= 0)
		return false;
	if (o->vm >= 0 || o->vm_name[0]) {
		uint32_t tg = tgid_of(an, r->tid);

		if (o->vm < 0 || tg != (uint64_t)o->vm)
			return false;
	}
	return true;
}

/* a record that passed every filter: the window, the counts, the kept copy */
static int feed_count(struct tv_analysis *an, struct tv_vcpu *v, const struct tv_rec *r)
{
	if (!an->nr_used++)
		an->win_first = r->ts;
	if (r->ts > an->win_last)
		an->win_last = r->ts;
	an->kind_count[r->kind < TV_KIND_NUM ? r->kind : 0]++;
	if (count_ev(an, r->evid) || keep(an, r))
		return -ENOMEM;
	if (v) {
		v->events++;
		v->last_ts = r->ts;
	}
	return 0;
}

int tv_an_feed(struct tv_analysis *an, const struct tv_rec *r)
{
	const struct feed_kind *k = r->kind < TV_KIND_NUM ? &feed_table[r->kind] : &feed_unknown;
	struct tv_vcpu *v = NULL;
	int rc;

	if (!an->nr_records++)
		an->first_ts = r->ts;
	if (r->ts > an->last_ts)
		an->last_ts = r->ts;
	if (k->identity)
		return k->fn(an, NULL, r);
	if (!feed_in_window(an, r))
		return 0;
	if (k->vcpu == FEED_VCPU_GET) {
		v = vcpu_get(an, r->tid);
		if (!v)
			return -ENOMEM;
	}
	if (v && r->vcpu != TV_NO_VCPU && r->kind != TV_IRQ_QUEUE)
		v->vcpu_id = r->vcpu;
	if (v ? !vcpu_pass(an, v) : !feed_pass_no_vcpu(an, r))
		return 0;
	if (feed_count(an, v, r))
		return -ENOMEM;
	rc = k->fn ? k->fn(an, v, r) : 0;
	if (rc)
		return rc;
	if (an->obs)
		an->obs->record(an->obs->arg, v, r);
	return 0;
}

int tv_an_run(struct tv_analysis *an, const struct tv_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tv_an_feed(an, &recs[i]) < 0)
			return -ENOMEM;
	return tv_an_finish(an);
}

/* ---- finishing: percentiles ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* sorts k[] by its bits from 16 * first_digit up (the lower ones stay in any order) */
static int radix_sort(uint64_t *k, size_t n, int first_digit)
{
	uint64_t *tmp, *src = k, *dst;
	size_t *cnt;

	if (n < 2)
		return 0;
	if (n < 16384) {	/* the counting passes cost more than they save */
		qsort(k, n, sizeof(*k), cmp_u64);
		return 0;
	}
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc(65536 * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -ENOMEM;
	}
	dst = tmp;
	for (int pass = first_digit; pass < 4; pass++) {
		unsigned int sh = pass * 16;
		size_t sum = 0;
		bool trivial = false;

		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> sh) & 0xffff]++;
		for (unsigned int d = 0; d < 65536; d++) {
			size_t c = cnt[d];

			if (c == n)
				trivial = true;
			cnt[d] = sum;
			sum += c;
		}
		if (trivial)
			continue;
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & 0xffff]++] = src[i];
		uint64_t *t = src;

		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
	free(tmp);
	free(cnt);
	return 0;
}

/* nearest rank in the log-linear histogram: the midpoint of the rank's bucket, within [min, max] */
static uint64_t ll_rank(const struct tv_latstat *l, unsigned int p)
{
	uint64_t r = (l->count * p + 99) / 100, cum = 0, v = l->max;

	if (r == 0)
		r = 1;
	for (unsigned int i = 0; i < TV_LL_BUCKETS; i++) {
		cum += l->ll[i];
		if (cum >= r) {
			v = tv_ll_lo(i) + (tv_ll_hi(i) - tv_ll_lo(i)) / 2;
			break;
		}
	}
	return v < l->min ? l->min : v > l->max ? l->max : v;
}

/*
 * Exact percentiles of l: v[] the 50th, 90th and 99th of its n samples (the
 * nearest rank), when they are all of its samples.  A sample at UINT32_MAX
 * was clamped there (its value is not kept, its order is): a percentile that
 * lands on one comes from the histogram instead.
 */
static void set_pct(struct tv_latstat *l, uint64_t n, const uint32_t v[3])
{
	static const unsigned int ps[3] = { 50, 90, 99 };
	uint64_t *out[3] = { &l->p50, &l->p90, &l->p99 };

	if (!n || n != l->count)
		return;
	l->pct = true;
	l->pct_kind = TV_PCT_EXACT;
	for (int i = 0; i < 3; i++) {
		*out[i] = v[i];
		if (*out[i] == UINT32_MAX && l->max > UINT32_MAX) {
			if (!l->ll) {
				l->pct = false;
				l->pct_kind = TV_PCT_NONE;
				return;
			}
			*out[i] = ll_rank(l, ps[i]);
			l->pct_kind = TV_PCT_LOGLIN;
			l->pct_approx |= 1u << i;
		}
	}
}

/* The percentiles the exact pass did not set, from the histogram. */
static void ll_pct(struct tv_latstat *l)
{
	if (l->pct || !l->count || !l->ll)
		return;
	l->pct = true;
	l->pct_kind = TV_PCT_LOGLIN;
	l->pct_approx = 7;
	l->p50 = ll_rank(l, 50);
	l->p90 = ll_rank(l, 90);
	l->p99 = ll_rank(l, 99);
}

/* Calls fn on every latency statistic of an. */
static void each_latstat(struct tv_analysis *an, void (*fn)(struct tv_latstat *l))
{
	for (unsigned int r = 0; r < an->nr_reasons; r++)
		for (int c = 0; c < TV_LAT_NUM; c++)
			fn(&an->reasons[r].lat[c]);
	for (unsigned int v = 0; v < an->nr_vcpus; v++)
		for (int c = 0; c < TV_LAT_NUM; c++)
			fn(&an->vcpus[v].lat[c]);
	for (int c = 0; c < TV_LAT_NUM; c++)
		fn(&an->lat_total[c]);
	fn(&an->uexit_kernel);
	fn(&an->uexit_user);
	fn(&an->irq_lat);
}

static void ll_free(struct tv_latstat *l)
{
	free(l->ll);
	l->ll = NULL;
}

/*
 * Exact percentiles, every group in one walk of the samples sorted by
 * latency: a group's p-th percentile is its rank-th sample in that order
 * (rank = ceil(n * p / 100), at least 1).  The groups of a sample: its
 * (reason, class), its reason, its class, its vCPU, all.
 */
struct pgroup { uint64_t n, seen, rank[3]; uint32_t v[3]; unsigned int next; };

enum { G_RC = 0, G_R = 2 * (TV_MAX_REASONS + 1), G_C = G_R + TV_MAX_REASONS + 1, G_ALL = G_C + 2,
       G_V = G_ALL + 1 };

static void sample_groups(uint64_t k, unsigned int g[5])
{
	unsigned int reason = (unsigned int)(k >> 17) & 0x3ff, cls = (unsigned int)(k >> 16) & 1;

	if (reason > TV_MAX_REASONS)
		reason = TV_MAX_REASONS;
	g[0] = G_RC + reason * 2 + cls;
	g[1] = G_R + reason;
	g[2] = G_C + cls;
	g[3] = G_ALL;
	g[4] = G_V + ((unsigned int)k & 0xffff);
}

static void pct_apply(struct tv_analysis *an, const struct pgroup *gs, unsigned int ng)
{
	for (unsigned int r = 0; r < an->nr_reasons && r < TV_MAX_REASONS; r++) {
		for (int c = 0; c < 2; c++)
			set_pct(&an->reasons[r].lat[c], gs[G_RC + r * 2 + c].n, gs[G_RC + r * 2 + c].v);
		set_pct(&an->reasons[r].lat[TV_LAT_ALL], gs[G_R + r].n, gs[G_R + r].v);
	}
	for (int c = 0; c < 2; c++)
		set_pct(&an->lat_total[c], gs[G_C + c].n, gs[G_C + c].v);
	for (unsigned int v = 0; v < an->nr_vcpus && G_V + v < ng; v++)
		set_pct(&an->vcpus[v].lat[TV_LAT_ALL], gs[G_V + v].n, gs[G_V + v].v);
	set_pct(&an->lat_total[TV_LAT_ALL], gs[G_ALL].n, gs[G_ALL].v);
}

static int percentiles(struct tv_analysis *an)
{
	static const unsigned int ps[3] = { 50, 90, 99 };
	uint64_t *k = an->lat;
	size_t n = an->nr_lat;
	unsigned int ng = G_V + (an->nr_vcpus < 0xffff ? an->nr_vcpus : 0xffff) + 1, g[5];
	struct pgroup *gs;

	if (radix_sort(k, n, 2))
		return -ENOMEM;
	gs = calloc(ng, sizeof(*gs));
	if (!gs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		sample_groups(k[i], g);
		for (int j = 0; j < 5; j++)
			gs[g[j]].n++;
	}
	for (unsigned int j = 0; j < ng; j++)
		for (int i = 0; i < 3; i++) {
			gs[j].rank[i] = (gs[j].n * ps[i] + 99) / 100;
			if (!gs[j].rank[i])
				gs[j].rank[i] = 1;
		}
	for (size_t i = 0; i < n; i++) {
		sample_groups(k[i], g);
		for (int j = 0; j < 5; j++) {
			struct pgroup *p = &gs[g[j]];

			p->seen++;
			while (p->next < 3 && p->seen == p->rank[p->next])
				p->v[p->next++] = (uint32_t)(k[i] >> 32);
		}
	}
	pct_apply(an, gs, ng);
	free(gs);
	return 0;
}

static int vcpu_cmp(const void *a, const void *b)
{
	const struct tv_vcpu *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid - 1 < y->tgid - 1 ? -1 : 1;	/* unknown (0) last */
	if (x->vcpu_id != y->vcpu_id)
		return x->vcpu_id < y->vcpu_id ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Orders vCPUs by (VM, vcpu_id, tid) for output; remaps the CSR cells. */
static void sort_vcpus(struct tv_analysis *an)
{
	uint32_t *old_tid = malloc(an->nr_vcpus * sizeof(*old_tid) + 1);

	if (!old_tid)
		return;
	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		old_tid[i] = an->vcpus[i].tid;
	if (an->nr_vcpus > 1)
		qsort(an->vcpus, an->nr_vcpus, sizeof(*an->vcpus), vcpu_cmp);
	for (unsigned int c = 0; c < an->nr_csr; c++) {
		uint32_t t;

		if (an->csr[c].vcpu_idx >= an->nr_vcpus)
			continue;
		t = old_tid[an->csr[c].vcpu_idx];
		for (unsigned int i = 0; i < an->nr_vcpus; i++)
			if (an->vcpus[i].tid == t)
				an->csr[c].vcpu_idx = i;
	}
	/* the tid hash is stale now: feeding is over */
	free(an->tid_hash);
	an->tid_hash = NULL;
	an->tid_hash_cap = 0;
	free(old_tid);
}

static int build_vms(struct tv_analysis *an)
{
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		struct tv_vcpu *v = &an->vcpus[i];
		unsigned int j;

		if (!tv_vcpu_active(v))
			continue;
		for (j = 0; j < an->nr_vms; j++)
			if (an->vms[j].tgid == v->tgid)
				break;
		if (j == an->nr_vms) {
			if (an->nr_vms == an->cap_vms) {
				unsigned int nc = an->cap_vms ? an->cap_vms * 2 : 8;
				struct tv_vm *n = realloc(an->vms, nc * sizeof(*n));

				if (!n)
					return -ENOMEM;
				an->vms = n;
				an->cap_vms = nc;
			}
			memset(&an->vms[j], 0, sizeof(an->vms[j]));
			an->vms[j].tgid = v->tgid;
			for (unsigned int k = 0; k < an->nr_vmnames; k++)
				if (an->vmnames[k].tgid == v->tgid)
					snprintf(an->vms[j].name, sizeof(an->vms[j].name), "%s",
						 an->vmnames[k].name);
			if (!an->vms[j].name[0])
				snprintf(an->vms[j].name, sizeof(an->vms[j].name),
					 v->tgid ? "pid-%u" : "unknown", v->tgid);
			an->nr_vms++;
		}
		an->vms[j].exits += v->exits;
		an->vms[j].uexits += v->uexits;
		an->vms[j].nr_vcpus++;
		an->vms[j].events += v->events;
		an->vms[j].entries += v->entries;
		an->vms[j].pio_in += v->pio_in;
		an->vms[j].pio_out += v->pio_out;
		an->vms[j].mmio_read += v->mmio_read;
		an->vms[j].mmio_write += v->mmio_write;
		for (int c = 0; c < TV_LAT_NUM; c++)
			an->vms[j].lat_count[c] += v->lat[c].count;
	}
	/* by tgid, unknown last */
	for (unsigned int i = 1; i < an->nr_vms; i++)
		for (unsigned int j = i; j > 0; j--) {
			uint32_t a = an->vms[j - 1].tgid - 1, b = an->vms[j].tgid - 1;

			if (a <= b)
				break;
			struct tv_vm t = an->vms[j];

			an->vms[j] = an->vms[j - 1];
			an->vms[j - 1] = t;
		}
	return 0;
}

int tv_an_finish(struct tv_analysis *an)
{
	if (an->finished)
		return 0;
	an->finished = true;
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		struct tv_vcpu *v = &an->vcpus[i];

		if (v->state < TV_ST_NUM && an->win_last > v->state_since)
			state_account(an, v, an->win_last);
		vcpu_resolve_tgid(an, v);
	}
	if (an->opts.fine_timeline && an->nr_used)
		tl_of(an, an->win_last);	/* the fine bins reach the window's end */
	/* percentiles: (reason, class), reason, class, vCPU, all; before the vCPUs move */
	if (!an->lat_dropped && percentiles(an))
		return -ENOMEM;
	each_latstat(an, ll_pct);
	sort_vcpus(an);
	if (build_vms(an))
		return -ENOMEM;
	return 0;
}

void tv_an_free(struct tv_analysis *an)
{
	each_latstat(an, ll_free);
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		free(an->vcpus[i].reason_count);
		free(an->vcpus[i].bins);
		free(an->vcpus[i].tl);
	}
	free(an->vcpus);
	free(an->tid_hash);
	free(an->vms);
	free(an->tgids);
	free(an->vmnames);
	free(an->lat);
	free(an->csr);
	free(an->csr_hash);
	free(an->irqp);
	free(an->slow);
	free(an->recs);
	free(an->evcount);
	free(an->evname);
	memset(an, 0, sizeof(*an));
}
