// SPDX-License-Identifier: GPL-2.0
/*
 * --json / --json-stream: render a snapshot with jansson, in a fixed key
 * order (insertion order; events sorted by name, reasons by value, VMs by
 * pid, vCPUs by id).  Schema: docs/json/kvmstat-la.v1.schema.json.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collect.h"

static json_t *lat_json(const struct ks_lat *l)
{
	json_t *o = json_object(), *h = json_array();
	unsigned long long l2[KVMLA_LAT_LOG2_BUCKETS];

	json_object_set_new(o, "count", json_integer(l->count));
	json_object_set_new(o, "mean_ns", json_integer(l->count ? l->sum_ns / l->count : 0));
	json_object_set_new(o, "p50_ns", json_integer(ks_lat_pct(l, 50)));
	json_object_set_new(o, "p99_ns", json_integer(ks_lat_pct(l, 99)));
	json_object_set_new(o, "max_ns", json_integer(l->max_ns));
	ks_lat_log2(l, l2);
	for (int k = 0; k < KVMLA_LAT_LOG2_BUCKETS; k++)
		json_array_append_new(h, json_integer(l2[k]));
	json_object_set_new(o, "hist_log2", h);
	return o;
}

/* the reason key of the exit event that latency entries are keyed by */
static int role_event(struct ks_profile *p, int role)
{
	for (int i = 0; i < p->nev; i++)
		if (p->ev[i].role == role)
			return i;
	return -1;
}

/* user round trips are keyed by the userspace exit reason, others by the exit reason */
int ks_lat_reason_event(struct ks_profile *p, int kind)
{
	return role_event(p, kind == KS_LAT_USER ? KS_ROLE_UEXIT : KS_ROLE_EXIT);
}

static json_t *latency_json(struct ks_ctx *ctx, const struct ks_snapshot *s, int pid, int vcpu)
{
	json_t *o = json_object();

	for (int kind = 0; kind < KS_LAT_KINDS; kind++) {
		int xe = ks_lat_reason_event(&ctx->prof, kind);
		json_t *ko = json_object(), *ro = json_object();
		struct ks_lat all;
		unsigned long long *rv = NULL;
		size_t nr = 0;

		ks_lat_sum(s, pid, vcpu, kind, true, 0, &all);
		json_object_set_new(ko, "all", lat_json(&all));
		/* distinct reasons present in latency entries */
		rv = malloc((s->nlats + 1) * sizeof(*rv));
		for (size_t i = 0; rv && i < s->nlats; i++) {
			const struct ks_lat *l = &s->lats[i];
			size_t j;

			if (l->kind != kind || (pid != KS_ANY_PID && l->pid != pid) ||
			    (vcpu != -2 && l->vcpu != vcpu))
				continue;
			for (j = 0; j < nr && rv[j] != l->reason; j++)
				;
			if (j == nr)
				rv[nr++] = l->reason;
		}
		for (size_t i = 0; i < nr; i++)	/* small: insertion sort */
			for (size_t j = i + 1; j < nr; j++)
				if (rv[j] < rv[i]) {
					unsigned long long t = rv[i];

					rv[i] = rv[j];
					rv[j] = t;
				}
		for (size_t i = 0; i < nr; i++) {
			const struct ks_reason_name *rn = ks_reason(&ctx->prof, xe, rv[i]);
			struct ks_lat one;

			ks_lat_sum(s, pid, vcpu, kind, false, rv[i], &one);
			json_object_set_new(ro, rn ? rn->key : "unknown", lat_json(&one));
		}
		free(rv);
		json_object_set_new(ko, "reasons", ro);
		json_object_set_new(o, ks_lat_kind_name(kind), ko);
	}
	return o;
}

static json_t *events_json(struct ks_ctx *ctx, const struct ks_snapshot *cur,
			   const struct ks_snapshot *prev, int pid, int vcpu, bool all_events,
			   unsigned long long *total, unsigned long long *delta)
{
	struct ks_profile *p = &ctx->prof;
	double dt = prev ? cur->t - prev->t : 0;
	json_t *o = json_object();

	*total = *delta = 0;
	for (int i = 0; i < p->nev; i++) {
		unsigned long long t, dl;
		json_t *eo;

		if (!ks_event_selected(ctx, i))
			continue;
		t = ks_sum(cur, pid, vcpu, i, true, 0);
		dl = t - (prev ? ks_sum(prev, pid, vcpu, i, true, 0) : 0);
		if (prev && dl > t)
			dl = 0;
		if (!t && (!all_events || ctx->o->zero))
			continue;
		*total += t;
		*delta += dl;
		eo = json_object();
		json_object_set_new(eo, "total", json_integer(t));
		json_object_set_new(eo, "delta", json_integer(dl));
		json_object_set_new(eo, "rate", json_real(dt > 0 ? dl / dt : 0.0));
		if (cur->has_reasons && ks_event_has_reasons(p, i) && t) {
			json_t *ro = json_object();
			unsigned long long *rv;
			size_t nr = ks_distinct_reasons(cur, i, &rv);

			for (size_t k = 0; k < nr; k++) {
				unsigned long long rt = ks_sum(cur, pid, vcpu, i, false, rv[k]);
				unsigned long long rd = rt - (prev ? ks_sum(prev, pid, vcpu, i, false, rv[k]) : 0);
				const struct ks_reason_name *rn = ks_reason(p, i, rv[k]);
				char key[80];
				json_t *r;

				if (!rt)
					continue;
				snprintf(key, sizeof(key), "%s", rn ? rn->key : "unknown");
				if (json_object_get(ro, key))
					snprintf(key, sizeof(key), "%s_%llu", rn ? rn->key : "unknown", rv[k]);
				r = json_object();
				json_object_set_new(r, "name", json_string(rn ? rn->name : "?"));
				json_object_set_new(r, "value", json_integer(rv[k]));
				json_object_set_new(r, "total", json_integer(rt));
				json_object_set_new(r, "delta", json_integer(rd > rt ? 0 : rd));
				json_object_set_new(ro, key, r);
			}
			free(rv);
			json_object_set_new(eo, "reasons", ro);
		}
		json_object_set_new(o, p->ev[i].name, eo);
	}
	return o;
}

/* how p50_ns and p99_ns are computed, and their bound (include/kvmla/lathist.h) */
static json_t *pct_scheme_json(void)
{
	json_t *o = json_object();

	json_object_set_new(o, "rank", json_string("nearest"));
	json_object_set_new(o, "histogram", json_string("log-linear"));
	json_object_set_new(o, "sub_buckets", json_integer(KVMLA_LAT_SUB));
	json_object_set_new(o, "exact_below_ns", json_integer(2 * KVMLA_LAT_SUB));
	json_object_set_new(o, "open_from_ns", json_integer(1LL << KVMLA_LAT_TOP_LOG2));
	json_object_set_new(o, "max_rel_error", json_real(KVMLA_LAT_MAX_REL_ERR_PPM / 1e6));
	return o;
}

/*
 * VMs dead for --keep-dead seconds leave "vms"; what they counted is summed
 * here, so that the top-level totals never go down.
 */
static json_t *retired_json(struct ks_ctx *ctx, const struct ks_snapshot *cur,
			    const struct ks_snapshot *prev)
{
	json_t *o = json_object(), *ev;
	unsigned long long t, d;

	ev = events_json(ctx, cur, prev, KS_RETIRED_PID, -2, false, &t, &d);
	json_object_set_new(o, "vms", json_integer(cur->retired_vms));
	json_object_set_new(o, "keep_dead_s", json_real(ctx->o->keep_dead));
	json_object_set_new(o, "total", json_integer(t));
	json_object_set_new(o, "delta", json_integer(d));
	json_object_set_new(o, "events", ev);
	if (cur->has_latency)
		json_object_set_new(o, "latency", latency_json(ctx, cur, KS_RETIRED_PID, -2));
	return o;
}

char *ks_json_render(struct ks_ctx *ctx, const struct ks_snapshot *cur,
		     const struct ks_snapshot *prev, bool compact)
{
	json_t *root = json_object(), *vms = json_array(), *dr = json_object();
	unsigned long long t, d;
	char *out;

	json_object_set_new(root, "schema", json_string(KVMLA_JSON_SCHEMA_KVMSTAT));
	json_object_set_new(root, "version", json_integer(KVMLA_JSON_VERSION_KVMSTAT));
	json_object_set_new(root, "tool_version", json_string(KS_VERSION));
	json_object_set_new(root, "provider", json_string(ctx->prov->name));
	json_object_set_new(root, "provider_choice",
			    json_pack("{s:s, s:s}", "by", ctx->chose_auto ? "auto" : "flag",
				      "why", ctx->why));
	json_object_set_new(root, "profile", json_string(ctx->prof.name));
	json_object_set_new(root, "time", json_real(cur->wall));
	json_object_set_new(root, "interval_s", json_real(prev ? cur->t - prev->t : 0.0));
	json_object_set_new(dr, "counts", json_integer(cur->drops[KS_DROP_COUNT]));
	json_object_set_new(dr, "latency", json_integer(cur->drops[KS_DROP_LAT]));
	json_object_set_new(dr, "threads", json_integer(cur->drops[KS_DROP_THREAD]));
	json_object_set_new(dr, "reads", json_integer(cur->drops[KS_DROP_READ]));
	json_object_set_new(root, "dropped", dr);
	json_object_set_new(root, "percentile_scheme", pct_scheme_json());
	json_object_set_new(root, "events", events_json(ctx, cur, prev, KS_ANY_PID, -2, true, &t, &d));
	json_object_set_new(root, "total", json_integer(t));
	json_object_set_new(root, "delta", json_integer(d));
	if (cur->has_latency)
		json_object_set_new(root, "latency", latency_json(ctx, cur, KS_ANY_PID, -2));
	json_object_set_new(root, "retired", retired_json(ctx, cur, prev));
	for (size_t v = 0; v < cur->nvms; v++) {
		const struct ks_vm *vm = &cur->vms[v];
		json_t *vo = json_object(), *vc = json_array();
		int *ids;
		size_t nid;

		json_object_set_new(vo, "pid", json_integer(vm->pid));
		json_object_set_new(vo, "name", json_string(vm->name));
		json_object_set_new(vo, "alive", json_boolean(vm->alive));
		json_object_set_new(vo, "kernel_thread", json_boolean(vm->kthread));
		json_t *ev = events_json(ctx, cur, prev, vm->pid, -2, false, &t, &d);

		json_object_set_new(vo, "total", json_integer(t));
		json_object_set_new(vo, "delta", json_integer(d));
		json_object_set_new(vo, "events", ev);
		if (cur->has_latency)
			json_object_set_new(vo, "latency", latency_json(ctx, cur, vm->pid, -2));
		nid = ks_distinct_vcpus(cur, vm->pid, &ids);
		for (size_t k = 0; k < nid; k++) {
			json_t *co = json_object();
			const struct ks_vcpu *vp = NULL;

			for (int j = 0; j < vm->nvcpus; j++)
				if (vm->vcpus[j].vcpu == ids[k])
					vp = &vm->vcpus[j];
			json_object_set_new(co, "vcpu", json_integer(ids[k]));
			json_object_set_new(co, "tid", vp ? json_integer(vp->tid) : json_null());
			json_object_set_new(co, "thread", vp ? json_string(vp->thread) : json_null());
			ev = events_json(ctx, cur, prev, vm->pid, ids[k], false, &t, &d);
			json_object_set_new(co, "total", json_integer(t));
			json_object_set_new(co, "delta", json_integer(d));
			json_object_set_new(co, "events", ev);
			if (cur->has_latency)
				json_object_set_new(co, "latency", latency_json(ctx, cur, vm->pid, ids[k]));
			json_array_append_new(vc, co);
		}
		free(ids);
		json_object_set_new(vo, "vcpus", vc);
		json_array_append_new(vms, vo);
	}
	json_object_set_new(root, "vms", vms);
	out = json_dumps(root, (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_REAL_PRECISION(12));
	json_decref(root);
	return out;
}
