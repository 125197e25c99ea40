// SPDX-License-Identifier: GPL-2.0
/*
 * --json: renders a finished analysis as one JSON document
 * (docs/json/trace-viewer.v1.schema.json).  Keys are emitted in a fixed
 * order (JSON_PRESERVE_ORDER); maps keyed by name are built in a fixed
 * order too, so the output is byte-stable for a given input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <kvmla/abi.h>

#include "trace-viewer.h"


static json_t *lat_json(const struct tv_latstat *l)
{
	json_t *o = json_object(), *h = json_array();

	json_object_set_new(o, "count", json_integer(l->count));
	json_object_set_new(o, "mean_ns", json_integer(l->count ? l->sum / l->count : 0));
	json_object_set_new(o, "min_ns", json_integer(l->count ? l->min : 0));
	json_object_set_new(o, "p50_ns", l->pct ? json_integer(l->p50) : json_null());
	json_object_set_new(o, "p90_ns", l->pct ? json_integer(l->p90) : json_null());
	json_object_set_new(o, "p99_ns", l->pct ? json_integer(l->p99) : json_null());
	json_object_set_new(o, "max_ns", json_integer(l->max));
	json_object_set_new(o, "percentiles", !l->pct ? json_null() :
			    json_string(l->pct_kind == TV_PCT_EXACT ? "exact" : "log-linear"));
	for (int i = 0; i < TV_LAT_BUCKETS; i++)
		json_array_append_new(h, json_integer(l->hist[i]));
	json_object_set_new(o, "log2_hist", h);
	return o;
}

static void add_count(json_t *map, const char *key, uint64_t n)
{
	json_t *old = json_object_get(map, key);

	json_object_set_new(map, key, json_integer(n + (old ? json_integer_value(old) : 0)));
}

static json_t *u64_array(const uint64_t *v, unsigned int n)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static const char *vm_of(const struct tv_analysis *an, uint32_t tgid)
{
	for (unsigned int i = 0; i < an->nr_vms; i++)
		if (an->vms[i].tgid == tgid)
			return an->vms[i].name;
	return "unknown";
}

static json_t *reasons_json(const struct tv_analysis *an, const unsigned int *order, unsigned int nr,
			    bool present)
{
	json_t *o = json_object(), *a = json_array();
	uint64_t total = 0;

	for (unsigned int i = 0; i < nr; i++) {
		const struct tv_reason *r = &an->reasons[order[i]];
		json_t *e = json_object(), *l = json_object();

		total += r->count;
		json_object_set_new(e, "key", json_string(r->json_key));
		json_object_set_new(e, "name", json_string(r->name));
		json_object_set_new(e, "isa", json_integer(r->key >> 32));
		json_object_set_new(e, "code", json_integer(r->key & 0xffffffffu));
		json_object_set_new(e, "count", json_integer(r->count));
		for (int c = 0; c < TV_LAT_NUM; c++)
			json_object_set_new(l, tv_latclass_name(c), lat_json(&r->lat[c]));
		json_object_set_new(e, "latency", l);
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "traced", json_boolean(present));
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "by_reason", a);
	return o;
}

/* the options that narrowed the analysis */
static json_t *window_json(const struct tv_analysis *an)
{
	const struct tv_opts *w = &an->opts;
	json_t *o = json_object();

	json_object_set_new(o, "from_ns", json_integer(w->from_ns));
	json_object_set_new(o, "to_ns", w->to_ns ? json_integer(w->to_ns) : json_null());
	json_object_set_new(o, "vm", w->vm >= 0 ? json_integer(w->vm) : json_null());
	json_object_set_new(o, "vcpu", w->vcpu >= 0 ? json_integer(w->vcpu) : json_null());
	json_object_set_new(o, "tid", w->tid >= 0 ? json_integer(w->tid) : json_null());
	return o;
}

/* how the percentiles were computed, and the bound of the histogram's */
static json_t *pct_scheme_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	json_object_set_new(o, "rank", json_string("nearest"));
	json_object_set_new(o, "exact_samples_max", json_integer(an->opts.exact_samples));
	json_object_set_new(o, "exact_samples_dropped", json_boolean(an->lat_dropped));
	json_object_set_new(o, "histogram", json_string("log-linear"));
	json_object_set_new(o, "sub_buckets", json_integer(TV_LL_SUB));
	json_object_set_new(o, "exact_below_ns", json_integer(2 * TV_LL_SUB));
	json_object_set_new(o, "max_rel_error", json_real(TV_LL_MAX_REL_ERR));
	return o;
}

static json_t *vms_json(const struct tv_analysis *an)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < an->nr_vms; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(an->vms[i].name));
		json_object_set_new(e, "pid", json_integer(an->vms[i].tgid));
		json_object_set_new(e, "vcpus", json_integer(an->vms[i].nr_vcpus));
		json_object_set_new(e, "exits", json_integer(an->vms[i].exits));
		json_object_set_new(e, "userspace_exits", json_integer(an->vms[i].uexits));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *vcpu_id_json(uint32_t vcpu_id)
{
	return vcpu_id == TV_NO_VCPU ? json_null() : json_integer(vcpu_id);
}

/* a vCPU's userspace exits by KVM_EXIT_* key */
static json_t *vcpu_uexits_json(const struct tv_vcpu *v)
{
	json_t *ur = json_object();

	for (int r = 0; r < 64; r++)
		if (v->uexit_reason[r]) {
			const char *n = tv_kvm_exit_name(r);
			char k[24];

			if (!n) {
				snprintf(k, sizeof(k), "reason_%d", r);
				n = k;
			}
			add_count(ur, n, v->uexit_reason[r]);
		}
	return ur;
}

static json_t *vcpu_json(const struct tv_analysis *an, const struct tv_vcpu *v,
			 const unsigned int *order, unsigned int nr)
{
	json_t *e = json_object(), *br = json_object(), *st = json_object(), *l = json_object();

	json_object_set_new(e, "vm", json_string(vm_of(an, v->tgid)));
	json_object_set_new(e, "pid", json_integer(v->tgid));
	json_object_set_new(e, "tid", json_integer(v->tid));
	json_object_set_new(e, "vcpu_id", vcpu_id_json(v->vcpu_id));
	json_object_set_new(e, "comm", json_string(v->comm));
	json_object_set_new(e, "exits", json_integer(v->exits));
	json_object_set_new(e, "userspace_exits", json_integer(v->uexits));
	json_object_set_new(e, "entries", json_integer(v->entries));
	for (unsigned int j = 0; j < nr; j++)
		if (v->reason_count[order[j]])
			add_count(br, an->reasons[order[j]].json_key, v->reason_count[order[j]]);
	json_object_set_new(e, "by_reason", br);
	json_object_set_new(e, "userspace_by_reason", vcpu_uexits_json(v));
	json_object_set_new(e, "pio_in", json_integer(v->pio_in));
	json_object_set_new(e, "pio_out", json_integer(v->pio_out));
	json_object_set_new(e, "mmio_read", json_integer(v->mmio_read));
	json_object_set_new(e, "mmio_write", json_integer(v->mmio_write));
	for (int s = 0; s < TV_ST_NUM; s++)
		json_object_set_new(st, tv_state_name(s), json_integer(v->state_ns[s]));
	json_object_set_new(e, "state_ns", st);
	for (int c = 0; c < TV_LAT_NUM; c++)
		json_object_set_new(l, tv_latclass_name(c), lat_json(&v->lat[c]));
	json_object_set_new(e, "latency", l);
	return e;
}

static json_t *vcpus_json(const struct tv_analysis *an, const unsigned int *order, unsigned int nr)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		if (tv_vcpu_active(&an->vcpus[i]))
			json_array_append_new(a, vcpu_json(an, &an->vcpus[i], order, nr));
	return a;
}

static json_t *latency_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	json_object_set_new(o, "kernel", lat_json(&an->lat_total[TV_LAT_KERNEL]));
	json_object_set_new(o, "userspace", lat_json(&an->lat_total[TV_LAT_USER]));
	json_object_set_new(o, "all", lat_json(&an->lat_total[TV_LAT_ALL]));
	json_object_set_new(o, "exit_to_userspace", lat_json(&an->uexit_kernel));
	json_object_set_new(o, "in_userspace", lat_json(&an->uexit_user));
	return o;
}

/* per vCPU, per state: the time of each bin */
static json_t *timeline_json(const struct tv_analysis *an)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "start_ts_ns", json_integer(an->win_first));
	json_object_set_new(o, "bin_ns", json_integer(an->bin_ns));
	json_object_set_new(o, "bins", json_integer(an->nr_bins));
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		json_t *e;

		if (!tv_vcpu_active(v))
			continue;
		e = json_object();
		json_object_set_new(e, "tid", json_integer(v->tid));
		json_object_set_new(e, "vcpu_id", vcpu_id_json(v->vcpu_id));
		for (int s = 0; s < TV_ST_NUM; s++) {
			json_t *b = json_array();

			for (unsigned int k = 0; k < an->nr_bins; k++)
				json_array_append_new(b, json_integer(v->bins[k][s]));
			json_object_set_new(e, tv_state_name(s), b);
		}
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "vcpus", a);
	return o;
}

static json_t *csr_matrix_json(const struct tv_analysis *an)
{
	bool la = an->profile == TV_PROFILE_LOONGARCH;
	json_t *a = json_array();

	for (unsigned int i = 0; i < an->nr_csr; i++) {
		const struct tv_csr_cell *c = &an->csr[i];
		const char *n = la ? tv_la_csr_name(c->csr) : NULL;
		const char *op = la ? tv_la_sym_name("CSR_OP", c->op) : c->op ? "wr" : "rd";
		json_t *e = json_object();

		json_object_set_new(e, "reg", json_integer(c->csr));
		json_object_set_new(e, "name", n ? json_string(n) : json_null());
		json_object_set_new(e, "op", json_string(op ? op : "?"));
		json_object_set_new(e, "vcpu_id", c->vcpu_idx < an->nr_vcpus &&
				    an->vcpus[c->vcpu_idx].vcpu_id != TV_NO_VCPU ?
				    json_integer(an->vcpus[c->vcpu_idx].vcpu_id) : json_null());
		json_object_set_new(e, "count", json_integer(c->count));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *gspr_kinds_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	for (unsigned int k = 0; k < TV_GSPR_SLOTS; k++)
		if (an->gspr_kind[k]) {
			const char *n = tv_la_sym_name("GSPR_KIND", k);

			add_count(o, n ? n : "unknown", an->gspr_kind[k]);
		}
	return o;
}

static json_t *gpa_faults_json(const struct tv_analysis *an)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < an->nr_faults; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "class", json_string(an->faults[i].cls));
		json_object_set_new(e, "count", json_integer(an->faults[i].count));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *churn_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	json_object_set_new(o, "bin_ns", json_integer(an->bin_ns));
	json_object_set_new(o, "tlb_flushes", json_integer(an->tlb_total));
	json_object_set_new(o, "vpid_changes", json_integer(an->vpid_total));
	json_object_set_new(o, "vpid_rollovers", json_integer(an->rollover_total));
	json_object_set_new(o, "tlb", u64_array(an->churn_tlb, an->nr_bins));
	json_object_set_new(o, "vpid", u64_array(an->churn_vpid, an->nr_bins));
	json_object_set_new(o, "exits", u64_array(an->churn_exits, an->nr_bins));
	return o;
}

static json_t *interrupts_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	json_object_set_new(o, "queued", json_integer(an->irq_queued));
	json_object_set_new(o, "delivered", json_integer(an->irq_delivered));
	json_object_set_new(o, "latency", lat_json(&an->irq_lat));
	return o;
}

static json_t *slowest_json(const struct tv_analysis *an)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < an->nr_slow && i < an->opts.top; i++) {
		const struct tv_slow *s = &an->slow[i];
		json_t *e = json_object();

		json_object_set_new(e, "at_ns", json_integer(s->ts - an->first_ts));
		json_object_set_new(e, "tid", json_integer(s->tid));
		json_object_set_new(e, "vcpu_id", vcpu_id_json(s->vcpu_id));
		json_object_set_new(e, "reason", json_string(s->reason >= 0 ?
					an->reasons[s->reason].json_key : "unknown"));
		json_object_set_new(e, "latency_ns", json_integer(s->lat));
		json_object_set_new(e, "userspace", json_boolean(s->user));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *events_json(const struct tv_analysis *an)
{
	json_t *o = json_object();

	for (unsigned int i = 0; i < an->nr_evcount; i++)
		if (an->evcount[i])
			add_count(o, an->evname && an->evname[i][0] ? an->evname[i] : "unknown",
				  an->evcount[i]);
	return o;
}

/* Where a cut file ends; null for a whole file. */
static json_t *truncated_json(const struct tv_analysis *an)
{
	const struct tv_cut *c = &an->cut;
	json_t *o, *cpus;

	if (!c->on)
		return json_null();
	o = json_object();
	cpus = json_array();
	for (unsigned int i = 0; i < c->ncpus; i++)
		json_array_append_new(cpus, json_integer(c->cpus[i]));
	json_object_set_new(o, "at_offset", json_integer(c->at));
	json_object_set_new(o, "cpus", cpus);
	json_object_set_new(o, "last_ts_ns", c->has_ts ? json_integer(c->last_ts) : json_null());
	return o;
}

/* One section at a time, in the schema's order. */
json_t *tv_json_build(const struct tv_analysis *an, const char *path)
{
	unsigned int order[TV_MAX_REASONS], nr = tv_sorted_reasons(an, order, false);
	unsigned int uorder[TV_MAX_REASONS], unr = tv_sorted_reasons(an, uorder, true);
	json_t *root = json_object();

	json_object_set_new(root, "schema", json_string(KVMLA_JSON_SCHEMA_TRACEVIEWER));
	json_object_set_new(root, "version", json_integer(KVMLA_JSON_VERSION_TRACEVIEWER));
	json_object_set_new(root, "file", json_string(path));
	json_object_set_new(root, "profile", json_string(tv_profile_name(an->profile)));
	json_object_set_new(root, "records", json_integer(an->nr_records));
	json_object_set_new(root, "analysed", json_integer(an->nr_used));
	json_object_set_new(root, "first_ts_ns", json_integer(an->first_ts));
	json_object_set_new(root, "span_ns", json_integer(an->last_ts - an->first_ts));
	json_object_set_new(root, "missed_events", json_integer(an->missed_events));
	json_object_set_new(root, "missed_places", json_integer(an->missed_pages));
	json_object_set_new(root, "truncated", truncated_json(an));
	json_object_set_new(root, "window", window_json(an));
	json_object_set_new(root, "exits", reasons_json(an, order, nr, an->seen_exit));
	json_object_set_new(root, "userspace_exits", reasons_json(an, uorder, unr, true));
	json_object_set_new(root, "vms", vms_json(an));
	json_object_set_new(root, "vcpus", vcpus_json(an, order, nr));
	json_object_set_new(root, "percentile_scheme", pct_scheme_json(an));
	json_object_set_new(root, "latency", latency_json(an));
	json_object_set_new(root, "timeline", timeline_json(an));
	json_object_set_new(root, "csr_matrix", csr_matrix_json(an));
	json_object_set_new(root, "gspr_kinds", gspr_kinds_json(an));
	json_object_set_new(root, "gpa_faults", gpa_faults_json(an));
	json_object_set_new(root, "churn", churn_json(an));
	json_object_set_new(root, "interrupts", interrupts_json(an));
	json_object_set_new(root, "slowest", slowest_json(an));
	json_object_set_new(root, "events", events_json(an));
	return root;
}

int tv_report_json(FILE *f, const struct tv_analysis *an, const char *path)
{
	json_t *root = tv_json_build(an, path);
	char *text;
	int r;

	if (!root)
		return -1;
	/* one write: json_dumpf writes every token through stdio */
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return -1;
	r = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
	free(text);
	return r;
}
