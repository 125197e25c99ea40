// SPDX-License-Identifier: GPL-2.0
/*
 * Replay provider (--replay FILE): the counts of a recorded trace.dat (a
 * LoongArch guest boot, `trace-viewer record` or `import`), shown as the
 * live providers show theirs, in one snapshot.
 *
 * The file is read by trace-viewer's reader (tools/trace-viewer, libtv.a:
 * libtracecmd, checked pages, cut files); its analysis gives who is who:
 * each thread's VM process (identity markers, task_newtask), VM and thread
 * names.  The counts are this tool's: its profile is built from the file's
 * event formats, and every raw record of a profile event is counted by
 * (VM, vCPU, event, reason) with the same fields the BPF program reads
 * live (reason | sub << 32, vcpu_id).  No latency: counts only.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include "collect.h"
#include "trace-viewer.h"

struct replay_data {
	struct tv_reader *rd;
	struct tv_analysis an;
	struct ks_ctx *ctx;
	int *ev_of_id;			/* the file's event id -> profile event, -1 */
	int nid;
	struct ks_snapshot by_tid;	/* counts keyed by thread, then by VM */
	unsigned long long first_ts, last_ts;
	int collected;
};

static unsigned long long field(struct tep_handle *tep, const struct tep_record *rec,
				const struct ks_fieldref *f)
{
	if (!f->size || f->off < 0 || f->off + f->size > rec->size)
		return 0;
	return tep_read_number(tep, (const char *)rec->data + f->off, f->size);
}

static void on_raw(const struct tep_record *rec, void *arg)
{
	struct replay_data *d = arg;
	struct ks_profile *p = &d->ctx->prof;
	struct tep_record *r = (struct tep_record *)rec;	/* libtraceevent's API is not const */
	int type, ev, vcpu = KS_NO_VCPU;
	unsigned long long reason = 0;
	struct ks_event *e;

	if (rec->size < 8)
		return;
	type = tep_data_type(p->tep, r);
	if (type < 0 || type >= d->nid || (ev = d->ev_of_id[type]) < 0)
		return;
	e = &p->ev[ev];
	if (e->reason.size)
		reason = field(p->tep, rec, &e->reason) & 0xffffffffULL;
	if (e->sub.size)
		reason |= field(p->tep, rec, &e->sub) << 32;
	if (e->vcpu.size)
		vcpu = (int)field(p->tep, rec, &e->vcpu);
	if (!d->first_ts || rec->ts < d->first_ts)
		d->first_ts = rec->ts;
	if (rec->ts > d->last_ts)
		d->last_ts = rec->ts;
	ks_count_add(&d->by_tid, tep_data_pid(p->tep, r), vcpu, ev, reason, 1);
}

static const struct tv_vcpu *thread_row(const struct tv_analysis *an, uint32_t tid)
{
	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		if (an->vcpus[i].tid == tid)
			return &an->vcpus[i];
	return NULL;
}

/* -p and -g select the trace's VMs by their recorded pid and name */
static bool selected(const struct ks_opts *o, int pid, const char *name)
{
	if (!o->npids && !o->guest)
		return true;
	for (int i = 0; i < o->npids; i++)
		if (o->pids[i] == pid)
			return true;
	return o->guest && !fnmatch(o->guest, name, 0);
}

/*
 * thread -> its VM process, named by the trace; vCPUs from the analysis
 * rows.  Only selected VMs are added: ks_pid_selected() then keeps the rest
 * out.
 */
static void to_vms(struct ks_ctx *ctx, struct replay_data *d)
{
	const struct tv_analysis *an = &d->an;

	for (size_t i = 0; i < d->by_tid.ncounts; i++) {
		struct ks_count *c = &d->by_tid.counts[i];
		const struct tv_vcpu *row = thread_row(an, c->pid);
		uint32_t tgid = tv_an_tgid(an, c->pid);
		char name[64];
		struct ks_vm *vm;

		if (c->vcpu == KS_NO_VCPU && row && row->vcpu_id != TV_NO_VCPU)
			c->vcpu = (int)row->vcpu_id;
		snprintf(name, sizeof(name), "pid-%u", tgid ? tgid : (uint32_t)c->pid);
		for (unsigned int k = 0; k < an->nr_vmnames; k++)	/* from the markers */
			if (an->vmnames[k].tgid == tgid && an->vmnames[k].name[0])
				snprintf(name, sizeof(name), "%s", an->vmnames[k].name);
		c->pid = tgid ? (int)tgid : c->pid;
		if (!selected(ctx->o, c->pid, name))
			continue;
		vm = ks_vm_add_recorded(ctx, c->pid, name);
		if (!row || row->vcpu_id == TV_NO_VCPU || c->vcpu == KS_NO_VCPU)
			continue;
		int j;

		for (j = 0; j < vm->nvcpus && vm->vcpus[j].vcpu != c->vcpu; j++)
			;
		if (j == vm->nvcpus && vm->nvcpus < (int)(sizeof(vm->vcpus) / sizeof(vm->vcpus[0]))) {
			vm->nvcpus++;
			vm->vcpus[j].vcpu = c->vcpu;
			vm->vcpus[j].tid = (int)row->tid;
			snprintf(vm->vcpus[j].thread, sizeof(vm->vcpus[j].thread), "%s", row->comm);
		}
	}
}

static int replay_open(struct ks_ctx *ctx)
{
	struct replay_data *d = calloc(1, sizeof(*d));
	struct tv_opts opts;
	char err[256] = "";

	if (!d)
		return -ENOMEM;
	ctx->pdata = d;
	d->ctx = ctx;
	d->rd = tv_reader_open(ctx->o->replay, err, sizeof(err));
	if (!d->rd) {
		if (err[0])	/* names the file */
			kvmla_err("--replay: %s", err);
		else
			kvmla_err("--replay %s: cannot read it", ctx->o->replay);
		return -EINVAL;
	}
	if (ks_profile_from_tep(ctx, tv_reader_tep(d->rd)))
		return -ENOMEM;
	for (int i = 0; i < ctx->prof.nev; i++)
		if (ctx->prof.ev[i].id >= d->nid)
			d->nid = ctx->prof.ev[i].id + 1;
	d->ev_of_id = malloc((d->nid ? d->nid : 1) * sizeof(int));
	if (!d->ev_of_id)
		return -ENOMEM;
	memset(d->ev_of_id, 0xff, (d->nid ? d->nid : 1) * sizeof(int));
	for (int i = 0; i < ctx->prof.nev; i++)
		d->ev_of_id[ctx->prof.ev[i].id] = i;
	tv_opts_default(&opts);
	opts.exact_samples = 0;
	tv_an_init(&d->an, &opts, tv_reader_profile(d->rd));
	tv_reader_on_raw(d->rd, on_raw, d);
	if (tv_reader_run(d->rd, &d->an, NULL, NULL) || tv_an_finish(&d->an)) {
		kvmla_err("--replay %s: cannot read its records", ctx->o->replay);
		return -EINVAL;
	}
	to_vms(ctx, d);
	return 0;
}

/* the first sample is the start of the trace (nothing counted), the next its end */
static int replay_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct replay_data *d = ctx->pdata;

	s->has_reasons = true;
	s->has_latency = false;
	s->t = 0;
	if (!d->collected++)
		return 0;
	s->t = (d->last_ts - d->first_ts) / 1e9;
	for (size_t i = 0; i < d->by_tid.ncounts; i++) {
		const struct ks_count *c = &d->by_tid.counts[i];

		if (ks_pid_selected(ctx, c->pid) && ks_event_selected(ctx, c->event))
			ks_count_add(s, c->pid, c->vcpu, c->event, c->reason, c->count);
	}
	return 0;
}

static void replay_refresh(struct ks_ctx *ctx)
{
	(void)ctx;	/* nothing to follow: the VMs are the trace's */
}

static void replay_close(struct ks_ctx *ctx)
{
	struct replay_data *d = ctx->pdata;

	ctx->prof.tep = NULL;	/* the reader's */
	if (d) {
		if (d->rd) {
			tv_an_free(&d->an);
			tv_reader_close(d->rd);
		}
		ks_snapshot_free(&d->by_tid);
		free(d->ev_of_id);
		free(d);
	}
	ctx->pdata = NULL;
}

const struct ks_provider ks_prov_replay = {
	.name = "replay",
	.open = replay_open,
	.collect = replay_collect,
	.refresh = replay_refresh,
	.close = replay_close,
};
