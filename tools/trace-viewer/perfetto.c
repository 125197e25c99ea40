// SPDX-License-Identifier: GPL-2.0
/*
 * --perfetto FILE: the trace in the Trace Event Format (the JSON that
 * chrome://tracing and the Perfetto UI open).
 *
 * The slices are not computed here: the records are fed a second time
 * through the same analysis (analyze.c) with an observer attached, and its
 * state machine says when each vCPU changes state and when an exit begins
 * and ends.  This file only cuts those moments into slices:
 *   - a state slice ("guest", "kernel", "userspace", "halted") runs from one
 *     state change to the next, and is also cut where an exit begins or
 *     ends, so that it lies wholly inside or wholly outside every exit;
 *   - an exit slice runs from the exit to the re-entry; the state slices
 *     inside it are its children.  It is written when it ends, before its
 *     children (held back meanwhile), so that the events of each thread
 *     come in the file in time order.
 * Identities (which VM a thread is in, vCPU numbers, names) come from the
 * first, finished analysis: they may be learnt only late in the file.
 * Timestamps are microseconds from the first record, written exactly
 * (three decimals: nanoseconds).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmla-tools.h"
#include "trace-viewer.h"

#define PF_PENDING_MAX 65536	/* events held back inside one open slice, at most */
#define PF_DETAILS 6		/* records whose fields become the exit's args */

enum pf_type { PF_STATE, PF_INSTANT };

struct pf_pending {
	uint8_t type, state;
	uint64_t ts, dur;
	struct tv_rec r;		/* PF_INSTANT */
};

struct pf_thread {
	uint32_t tid, pid;
	int vm;				/* index in an->vms, -1: none */
	int state;			/* TV_ST_NONE before the first */
	uint64_t since, last;
	bool exit_open, has_exit_rec;
	uint64_t exit_ts;
	int reason;
	struct tv_rec exit_rec;
	struct tv_rec det[PF_DETAILS];
	unsigned int ndet, npend;
	struct pf_pending *pend;		/* held back, [cap] */
	unsigned int cap;
};

struct pf {
	FILE *f;
	const struct tv_analysis *an;	/* the first pass: identities, bins */
	struct tv_analysis *an2;	/* the observed pass: reason names */
	bool la;
	uint64_t t0;			/* the time origin: the first record */
	struct pf_thread *th;		/* by tid */
	unsigned int nth;
	uint64_t *bins;			/* [vm][bin]: exits begun */
	unsigned int nbins;
	bool first;
};

/* ---- writing ---- */

/* ns since the first record, as microseconds with three decimals */
static void jtime(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned int)(ns % 1000));
}

static uint64_t rel(const struct pf *pf, uint64_t ts)
{
	return ts > pf->t0 ? ts - pf->t0 : 0;
}

static void ev_start(struct pf *pf, const char *ph, const char *cat, const char *name,
		     uint32_t pid, uint32_t tid)
{
	fputs(pf->first ? "\n" : ",\n", pf->f);
	pf->first = false;
	fprintf(pf->f, "{\"ph\":\"%s\"", ph);
	if (cat)
		fprintf(pf->f, ",\"cat\":\"%s\"", cat);
	fputs(",\"name\":", pf->f);
	kvmla_json_str(pf->f, name);
	fprintf(pf->f, ",\"pid\":%u,\"tid\":%u", pid, tid);
}

static const char *reason_name(const struct pf *pf, int reason)
{
	return reason >= 0 && (unsigned int)reason < pf->an2->nr_reasons ? pf->an2->reasons[reason].name
									  : "exit";
}

/* the fields of one detail record of an exit as args; *gpa: "gpa" already written */
static void detail_args(struct pf *pf, const struct tv_rec *r, bool *gpa)
{
	FILE *f = pf->f;
	const char *n;

	switch (r->kind) {
	case TV_FAULT:
		fprintf(f, ",\"gpa\":\"0x%" PRIx64 "\",\"fault\":\"%s\"", r->gpa,
			r->fault_class ? "mmio" : "ram");
		*gpa = true;
		break;
	case TV_MMIO:
		fprintf(f, ",\"mmio\":\"%s\",\"len\":%u", r->write == 1 ? "write" : "read", r->len);
		if (!*gpa)
			fprintf(f, ",\"gpa\":\"0x%" PRIx64 "\"", r->gpa);
		*gpa = true;
		break;
	case TV_CSR:
		if (pf->la) {
			n = tv_la_csr_name(r->csr);
			fprintf(f, ",\"csr\":\"0x%x\",\"csr_name\":", r->csr);
			kvmla_json_str(f, n ? n : "?");
			n = tv_la_sym_name("CSR_OP", r->op);
			fputs(",\"csr_op\":", f);
			kvmla_json_str(f, n ? n : "?");
		} else {
			fprintf(f, ",\"msr\":\"0x%x\",\"msr_op\":\"%s\"", r->csr, r->write ? "wrmsr" : "rdmsr");
		}
		break;
	case TV_PIO:
		if (pf->la)
			fprintf(f, ",\"iocsr\":\"0x%" PRIx64 "\",\"iocsr_op\":\"%s\"", r->addr,
				r->rw ? "write" : "read");
		else
			fprintf(f, ",\"port\":\"0x%x\",\"pio\":\"%s\"", r->port, r->rw ? "out" : "in");
		fprintf(f, ",\"size\":%u", r->len);
		break;
	case TV_GSPR:
		n = tv_la_sym_name("GSPR_KIND", r->gspr_kind);
		fputs(",\"gspr\":", f);
		kvmla_json_str(f, n ? n : "unknown");
		break;
	case TV_UEXIT: {
		int u = tv_reason_find(pf->an2, tv_reason_key(TV_ISA_UEXIT, r->reason));

		fputs(",\"userspace_exit\":", f);
		kvmla_json_str(f, reason_name(pf, u));
		break;
	}
	default:
		break;
	}
}

static void exit_args(struct pf *pf, const struct pf_thread *th)
{
	const struct tv_rec *r = &th->exit_rec;
	bool gpa = false;

	fputs(",\"args\":{\"vcpu_thread\":", pf->f);
	fprintf(pf->f, "%u", th->tid);
	if (th->has_exit_rec && pf->la)
		fprintf(pf->f, ",\"ecode\":%u,\"esubcode\":%u,\"pc\":\"0x%" PRIx64 "\"",
			r->reason, r->esubcode, r->pc);
	else if (th->has_exit_rec)
		fprintf(pf->f, ",\"exit_reason\":%u,\"isa\":\"%s\",\"guest_rip\":\"0x%" PRIx64 "\"",
			r->reason, r->isa == 1 ? "VMX" : r->isa == 2 ? "SVM" : "?", r->pc);
	for (unsigned int i = 0; i < th->ndet; i++)
		detail_args(pf, &th->det[i], &gpa);
	fputc('}', pf->f);
}

static void instant_out(struct pf *pf, uint32_t pid, uint32_t tid, uint64_t ts, const struct tv_rec *r)
{
	const char *op;
	char name[64];

	if (r->kind == TV_TIMER) {
		op = tv_la_sym_name("TIMER_OP", r->timer_op);
		snprintf(name, sizeof(name), "timer %s", op ? op : "?");
		ev_start(pf, "i", "timer", name, pid, tid);
	} else {
		ev_start(pf, "i", "irq", r->kind == TV_IRQ_QUEUE ? "irq queued" : "irq delivered", pid, tid);
	}
	fputs(",\"s\":\"t\"", pf->f);
	jtime(pf->f, "ts", ts);
	if (r->kind == TV_TIMER)
		fprintf(pf->f, ",\"args\":{\"op\":%u}}", r->timer_op);
	else if (r->vcpu != TV_NO_VCPU)
		fprintf(pf->f, ",\"args\":{\"irq\":%u,\"vcpu\":%u}}", r->irq, r->vcpu);
	else
		fprintf(pf->f, ",\"args\":{\"irq\":%u}}", r->irq);
}

static void pending_out(struct pf *pf, const struct pf_thread *th, const struct pf_pending *p)
{
	if (p->type == PF_INSTANT) {
		instant_out(pf, th->pid, th->tid, p->ts, &p->r);
		return;
	}
	ev_start(pf, "X", "state", tv_state_name(p->state), th->pid, th->tid);
	jtime(pf->f, "ts", p->ts);
	jtime(pf->f, "dur", p->dur);
	fputc('}', pf->f);
}

/* slices before what they hold: by start, slices before instants, longer first */
static bool pend_before(const struct pf_pending *a, const struct pf_pending *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->type != b->type)
		return a->type == PF_STATE;
	return a->dur > b->dur;
}

static void flush(struct pf *pf, struct pf_thread *th)
{
	for (unsigned int i = 1; i < th->npend; i++)
		for (unsigned int j = i; j > 0 && pend_before(&th->pend[j], &th->pend[j - 1]); j--) {
			struct pf_pending t = th->pend[j];

			th->pend[j] = th->pend[j - 1];
			th->pend[j - 1] = t;
		}
	for (unsigned int i = 0; i < th->npend; i++)
		pending_out(pf, th, &th->pend[i]);
	th->npend = 0;
}

/* the open exit ends at ts: it, then what happened inside it */
static void exit_out(struct pf *pf, struct pf_thread *th, uint64_t ts)
{
	ev_start(pf, "X", "exit", reason_name(pf, th->reason), th->pid, th->tid);
	jtime(pf->f, "ts", rel(pf, th->exit_ts));
	jtime(pf->f, "dur", ts - th->exit_ts);
	exit_args(pf, th);
	fputc('}', pf->f);
	flush(pf, th);
}

static void cut(struct pf *pf, struct pf_thread *th, uint64_t ts);

/* room for two more held events (the array grows up to PF_PENDING_MAX) */
static bool room(struct pf_thread *th)
{
	unsigned int nc = th->cap ? th->cap * 2 : 16;
	struct pf_pending *n;

	if (th->npend + 2 <= th->cap)
		return true;
	if (nc > PF_PENDING_MAX || !(n = realloc(th->pend, nc * sizeof(*n))))
		return false;
	th->pend = n;
	th->cap = nc;
	return true;
}

/*
 * p (times absolute) is held back while a slice that may hold it is open
 * (an exit, or the current state), and written after that slice.  When too
 * much is held, the open slice is cut in two there.
 */
static void emit(struct pf *pf, struct pf_thread *th, struct pf_pending p)
{
	uint64_t at = p.ts;

	p.ts = rel(pf, p.ts);
	if (!room(th) && !th->cap) {	/* out of memory: out now, perhaps out of order */
		pending_out(pf, th, &p);
		return;
	}
	if (th->exit_open) {
		if (!room(th)) {	/* the state and the exit both end at `at` */
			if (th->state < TV_ST_NUM && at > th->since)
				th->pend[th->npend++] = (struct pf_pending){
					.type = PF_STATE, .state = (uint8_t)th->state,
					.ts = rel(pf, th->since), .dur = at - th->since };
			th->since = at;
			exit_out(pf, th, at);
			th->exit_ts = at;
		}
		th->pend[th->npend++] = p;
		return;
	}
	if (p.type == PF_STATE) {	/* the current state ends: it and what it held */
		if (!room(th))
			flush(pf, th);
		th->pend[th->npend++] = p;
		flush(pf, th);
		return;
	}
	if (th->state >= TV_ST_NUM) {	/* nothing open */
		pending_out(pf, th, &p);
		return;
	}
	if (!room(th))
		cut(pf, th, at);
	th->pend[th->npend++] = p;
}

/* ---- the observer ---- */

static struct pf_thread *thread_of(struct pf *pf, uint32_t tid)
{
	unsigned int lo = 0, hi = pf->nth;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (pf->th[mid].tid == tid)
			return &pf->th[mid];
		if (pf->th[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* never before the thread's last time: corrupt input cannot make a slice go backwards */
static uint64_t clamp(struct pf_thread *th, uint64_t ts)
{
	if (ts < th->last)
		ts = th->last;
	th->last = ts;
	return ts;
}

static void cut(struct pf *pf, struct pf_thread *th, uint64_t ts)
{
	if (th->state < TV_ST_NUM && ts > th->since)
		emit(pf, th, (struct pf_pending){ .type = PF_STATE, .state = (uint8_t)th->state,
						  .ts = th->since, .dur = ts - th->since });
	th->since = ts;
}

static void on_state(void *arg, const struct tv_vcpu *v, int st, uint64_t ts)
{
	struct pf *pf = arg;
	struct pf_thread *th = thread_of(pf, v->tid);

	if (!th)
		return;
	ts = clamp(th, ts);
	if (st == th->state)
		return;
	cut(pf, th, ts);
	th->state = st;
}

static void on_exit_end(void *arg, const struct tv_vcpu *v, uint64_t ts)
{
	struct pf *pf = arg;
	struct pf_thread *th = thread_of(pf, v->tid);

	if (!th || !th->exit_open)
		return;
	ts = clamp(th, ts);
	cut(pf, th, ts);
	exit_out(pf, th, ts);
	th->exit_open = false;
}

static void on_exit_begin(void *arg, const struct tv_vcpu *v, int reason, uint64_t ts)
{
	struct pf *pf = arg;
	struct pf_thread *th = thread_of(pf, v->tid);

	if (!th)
		return;
	on_exit_end(arg, v, ts);
	ts = clamp(th, ts);
	cut(pf, th, ts);
	th->exit_open = true;
	th->has_exit_rec = false;
	th->exit_ts = ts;
	th->reason = reason;
	th->ndet = 0;
	if (th->vm >= 0 && pf->nbins) {
		uint64_t b = ts > pf->an->win_first ? (ts - pf->an->win_first) / pf->an->bin_ns : 0;

		pf->bins[(size_t)th->vm * pf->nbins + (b < pf->nbins ? b : pf->nbins - 1)]++;
	}
}

/* a record inside the open exit: its fields become the exit's args (the first of each kind) */
static void add_detail(struct pf_thread *th, const struct tv_rec *r)
{
	if (r->kind == TV_EXIT) {
		th->exit_rec = *r;
		th->has_exit_rec = true;
		return;
	}
	for (unsigned int i = 0; i < th->ndet; i++)
		if (th->det[i].kind == r->kind)
			return;
	if (th->ndet < PF_DETAILS)
		th->det[th->ndet++] = *r;
}

static void on_record(void *arg, const struct tv_vcpu *v, const struct tv_rec *r)
{
	struct pf *pf = arg;
	struct pf_thread *th = thread_of(pf, r->tid);
	bool instant = r->kind == TV_IRQ_QUEUE || r->kind == TV_IRQ_DELIVER || r->kind == TV_TIMER;

	(void)v;
	if (!th) {
		/* a thread with no vCPU row (an interrupt sent from elsewhere): its VM's process */
		if (instant)
			instant_out(pf, tv_an_tgid(pf->an, r->tid), r->tid, rel(pf, r->ts), r);
		return;
	}
	if (instant) {
		emit(pf, th, (struct pf_pending){ .type = PF_INSTANT, .ts = clamp(th, r->ts), .r = *r });
		return;
	}
	switch (r->kind) {
	case TV_EXIT: case TV_FAULT: case TV_MMIO: case TV_CSR: case TV_PIO: case TV_GSPR: case TV_UEXIT:
		if (th->exit_open)
			add_detail(th, r);
		break;
	default:
		break;
	}
}

/* ---- the whole file ---- */

static int threads_init(struct pf *pf)
{
	const struct tv_analysis *an = pf->an;

	pf->th = calloc(an->nr_vcpus + 1, sizeof(*pf->th));
	if (!pf->th)
		return -1;
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		unsigned int j = pf->nth++;

		/* insertion by tid */
		while (j > 0 && pf->th[j - 1].tid > v->tid) {
			pf->th[j] = pf->th[j - 1];
			j--;
		}
		memset(&pf->th[j], 0, sizeof(pf->th[j]));
		pf->th[j].tid = v->tid;
		pf->th[j].pid = v->tgid;
		pf->th[j].state = TV_ST_NONE;
		pf->th[j].vm = -1;
		for (unsigned int m = 0; m < an->nr_vms; m++)
			if (an->vms[m].tgid == v->tgid)
				pf->th[j].vm = (int)m;
	}
	pf->nbins = an->nr_bins;
	pf->bins = calloc((size_t)an->nr_vms * pf->nbins + 1, sizeof(*pf->bins));
	return pf->bins ? 0 : -1;
}

/* process and thread names, vCPUs in order */
static void metadata_out(struct pf *pf)
{
	const struct tv_analysis *an = pf->an;
	char name[80];

	for (unsigned int m = 0; m < an->nr_vms; m++) {
		ev_start(pf, "M", NULL, "process_name", an->vms[m].tgid, an->vms[m].tgid);
		fputs(",\"args\":{\"name\":", pf->f);
		kvmla_json_str(pf->f, an->vms[m].name);
		fputs("}}", pf->f);
	}
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];

		if (!tv_vcpu_active(v))
			continue;
		if (v->vcpu_id != TV_NO_VCPU)
			snprintf(name, sizeof(name), "vCPU %u", v->vcpu_id);
		else
			snprintf(name, sizeof(name), "thread %u", v->tid);
		ev_start(pf, "M", NULL, "thread_name", v->tgid, v->tid);
		fputs(",\"args\":{\"name\":", pf->f);
		kvmla_json_str(pf->f, name);
		fputs("}}", pf->f);
		ev_start(pf, "M", NULL, "thread_sort_index", v->tgid, v->tid);
		fprintf(pf->f, ",\"args\":{\"sort_index\":%u}}", v->vcpu_id != TV_NO_VCPU ? v->vcpu_id : v->tid);
	}
}

/* the exit rate of each VM: one sample per bin, and 0 after the last */
static void counters_out(struct pf *pf)
{
	const struct tv_analysis *an = pf->an;

	for (unsigned int m = 0; m < an->nr_vms; m++)
		for (unsigned int b = 0; b <= pf->nbins; b++) {
			uint64_t n = b < pf->nbins ? pf->bins[(size_t)m * pf->nbins + b] : 0;

			ev_start(pf, "C", NULL, "exit rate", an->vms[m].tgid, an->vms[m].tgid);
			jtime(pf->f, "ts", rel(pf, an->win_first + (uint64_t)b * an->bin_ns));
			fprintf(pf->f, ",\"args\":{\"exits/s\":%.17g}}", (double)n * 1e9 / (double)an->bin_ns);
		}
}

/* every thread's last state and open exit end with the analysed window */
static void threads_finish(struct pf *pf, uint64_t end)
{
	for (unsigned int i = 0; i < pf->nth; i++) {
		struct pf_thread *th = &pf->th[i];
		uint64_t ts = clamp(th, end);

		cut(pf, th, ts);
		if (th->exit_open) {
			exit_out(pf, th, ts);
			th->exit_open = false;
		}
		flush(pf, th);
	}
}

int tv_report_perfetto(FILE *f, const struct tv_analysis *an, struct tv_reader *rd,
		       const struct tv_opts *opts, char *err, size_t errlen)
{
	struct tv_observer obs = { on_state, on_exit_begin, on_exit_end, on_record, NULL };
	struct pf pf = { .f = f, .an = an, .la = an->profile == TV_PROFILE_LOONGARCH,
			 .t0 = an->first_ts, .first = true };
	int rc = -1;

	obs.arg = &pf;
	pf.an2 = malloc(sizeof(*pf.an2));
	if (!pf.an2 || threads_init(&pf)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	tv_an_init(pf.an2, opts, an->profile);
	pf.an2->obs = &obs;
	fputs("{\"traceEvents\":[", f);
	metadata_out(&pf);
	rc = tv_reader_run(rd, pf.an2, NULL, NULL);
	if (!rc)
		rc = tv_an_finish(pf.an2);
	if (rc) {
		snprintf(err, errlen, "reading the trace again: %s", strerror(rc < 0 ? -rc : rc));
		rc = -1;
		tv_an_free(pf.an2);
		goto out;
	}
	threads_finish(&pf, pf.an2->win_last);
	counters_out(&pf);
	fprintf(f, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"schema\":\"trace-viewer-trace-events\","
		"\"version\":1,\"producer\":\"trace-viewer %s\","
		"\"profile\":\"%s\",\"first_ts_ns\":\"%" PRIu64 "\",\"exit_rate_bin_ns\":\"%" PRIu64 "\"}}\n",
		TV_VERSION, tv_profile_name(an->profile), an->first_ts, an->bin_ns);
	tv_an_free(pf.an2);
	rc = 0;
out:
	for (unsigned int i = 0; pf.th && i < pf.nth; i++)
		free(pf.th[i].pend);
	free(pf.an2);
	free(pf.th);
	free(pf.bins);
	return rc;
}
