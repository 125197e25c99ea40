// SPDX-License-Identifier: GPL-2.0
/* The text report: renders a finished struct tv_analysis. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace-viewer.h"

const char *tv_fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns == UINT64_MAX)
		snprintf(buf, len, "-");
	else if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 10000000000ull)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

const char *tv_fmt_pct(char *buf, size_t len, const struct tv_latstat *l, int which)
{
	const uint64_t ns[3] = { l->p50, l->p90, l->p99 };
	char v[24];

	if (!l->pct || which < 0 || which > 2)
		return "-";
	snprintf(buf, len, "%s%s", l->pct_approx >> which & 1 ? "~" : "",
		 tv_fmt_ns(v, sizeof(v), ns[which]));
	return buf;
}

static const char *vm_name(const struct tv_analysis *an, uint32_t tgid)
{
	for (unsigned int i = 0; i < an->nr_vms; i++)
		if (an->vms[i].tgid == tgid)
			return an->vms[i].name;
	return "?";
}

static void lat_line(FILE *f, const char *label, const struct tv_latstat *l)
{
	char a[24], b[24], c[24], d[24], e[24];

	if (!l->count) {
		fprintf(f, "  %-22s %10d\n", label, 0);
		return;
	}
	fprintf(f, "  %-22s %10" PRIu64 " %10s %10s %10s %10s %10s\n", label, l->count,
		tv_fmt_ns(a, sizeof(a), l->sum / l->count),
		tv_fmt_pct(b, sizeof(b), l, 0), tv_fmt_pct(c, sizeof(c), l, 1),
		tv_fmt_pct(d, sizeof(d), l, 2),
		tv_fmt_ns(e, sizeof(e), l->max));
}

static void hist(FILE *f, const char *label, const struct tv_latstat *l)
{
	uint64_t max = 0;
	char lo[24], hi[24];

	if (!l->count)
		return;
	for (int i = 0; i < TV_LAT_BUCKETS; i++)
		if (l->hist[i] > max)
			max = l->hist[i];
	fprintf(f, "\n  %s latency (log2 buckets)\n", label);
	for (int i = 0; i < TV_LAT_BUCKETS; i++) {
		int w;

		if (!l->hist[i])
			continue;
		w = (int)(l->hist[i] * 40 / max);
		fprintf(f, "  %10s .. %-10s %10" PRIu64 " |%.*s\n",
			tv_fmt_ns(lo, sizeof(lo), i ? 1ull << i : 0),	/* the last: all above */
			i == TV_LAT_BUCKETS - 1 ? "" : tv_fmt_ns(hi, sizeof(hi), (2ull << i) - 1),
			l->hist[i], w ? w : 1,
			"########################################");
	}
}

static int cmp_reason(const void *a, const void *b, void *an)
{
	const struct tv_reason *r = ((struct tv_analysis *)an)->reasons;
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	if (r[x].count != r[y].count)
		return r[x].count < r[y].count ? 1 : -1;
	return x < y ? -1 : 1;
}

unsigned int tv_sorted_reasons(const struct tv_analysis *an, unsigned int *out, bool uexit)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < an->nr_reasons; i++)
		if (an->reasons[i].count && ((an->reasons[i].key >> 32) == TV_ISA_UEXIT) == uexit)
			out[n++] = i;
	qsort_r(out, n, sizeof(*out), cmp_reason, (void *)an);
	return n;
}

static void reason_table(FILE *f, const struct tv_analysis *an, const unsigned int *order,
			 unsigned int nr, uint64_t total, int cls)
{
	fprintf(f, "  %-22s %10s %7s %10s %10s %10s %10s %10s\n", "reason", "count", "%",
		"mean", "p50", "p90", "p99", "max");
	for (unsigned int i = 0; i < nr; i++) {
		const struct tv_reason *r = &an->reasons[order[i]];
		const struct tv_latstat *l = &r->lat[cls];
		char m[24], p5[24], p9[24], p99[24], mx[24];

		fprintf(f, "  %-22s %10" PRIu64 " %6.2f%% %10s %10s %10s %10s %10s\n", r->name, r->count,
			total ? 100.0 * r->count / total : 0.0,
			l->count ? tv_fmt_ns(m, sizeof(m), l->sum / l->count) : "-",
			tv_fmt_pct(p5, sizeof(p5), l, 0), tv_fmt_pct(p9, sizeof(p9), l, 1),
			tv_fmt_pct(p99, sizeof(p99), l, 2),
			l->count ? tv_fmt_ns(mx, sizeof(mx), l->max) : "-");
	}
}

static int vcpu_num(const struct tv_vcpu *v)
{
	return v->vcpu_id == TV_NO_VCPU ? -1 : (int)v->vcpu_id;
}

/* the file, the profile, the window and filters, lost events */
static void text_header(FILE *f, const struct tv_analysis *an, const char *path)
{
	const struct tv_opts *o = &an->opts;
	char a[24], b[24];

	fprintf(f, "trace-viewer %s: %s\n", TV_VERSION, path);
	fprintf(f, "profile %s, %" PRIu64 " records, %" PRIu64 " analysed, span %s\n",
		tv_profile_name(an->profile), an->nr_records, an->nr_used,
		tv_fmt_ns(a, sizeof(a), an->last_ts - an->first_ts));
	if (o->from_ns || o->to_ns)
		fprintf(f, "window: %s .. %s after the first event\n",
			tv_fmt_ns(a, sizeof(a), o->from_ns),
			o->to_ns ? tv_fmt_ns(b, sizeof(b), o->to_ns) : "end");
	if (o->vm >= 0 || o->vm_name[0] || o->vcpu >= 0 || o->tid >= 0)
		fprintf(f, "filter: vm %s, vcpu %s, tid %s\n",
			o->vm_name[0] ? o->vm_name : o->vm >= 0 ? "(pid)" : "any",
			o->vcpu >= 0 ? "(set)" : "any", o->tid >= 0 ? "(set)" : "any");
	if (an->missed_pages)
		fprintf(f, "WARNING: events were lost while recording: %" PRIu64
			" events missed in %" PRIu64 " places\n", an->missed_events, an->missed_pages);
	else
		fprintf(f, "missed events: 0\n");
	if (an->cut.on)
		fprintf(f, "WARNING: the file is cut short at byte %" PRIu64 " (%u CPUs lost data): "
			"this covers the complete records before the cut\n", an->cut.at, an->cut.ncpus);
}

static uint64_t reasons_total(const struct tv_analysis *an, const unsigned int *order,
			      unsigned int nr)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < nr; i++)
		total += an->reasons[order[i]].count;
	return total;
}

static void text_exits(FILE *f, const struct tv_analysis *an, const unsigned int *order,
		       unsigned int nr)
{
	unsigned int uorder[TV_MAX_REASONS], un = tv_sorted_reasons(an, uorder, true);
	uint64_t total = reasons_total(an, order, nr), ut = reasons_total(an, uorder, un);

	fprintf(f, "\nExits by reason (%" PRIu64 " exits)\n", total);
	if (!an->seen_exit)
		fprintf(f, "  (no kvm_exit events in this trace: this kernel's KVM did not emit them;\n"
			   "   exits that reached userspace are below)\n");
	reason_table(f, an, order, nr, total, TV_LAT_ALL);
	fprintf(f, "\nUserspace exits by reason (%" PRIu64 " KVM_RUN returns; latency = round trip)\n",
		ut);
	reason_table(f, an, uorder, un, ut, TV_LAT_USER);
}

static void text_gspr(FILE *f, const struct tv_analysis *an)
{
	if (!an->kind_count[TV_GSPR])
		return;
	fprintf(f, "\nGSPR exits by instruction:");
	for (unsigned int k = 0; k < TV_GSPR_SLOTS; k++)
		if (an->gspr_kind[k]) {
			const char *n = tv_la_sym_name("GSPR_KIND", k);

			fprintf(f, " %s:%" PRIu64, n ? n : "?", an->gspr_kind[k]);
		}
	fputc('\n', f);
}

static void text_vms(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "\nExits by VM\n  %-20s %8s %6s %12s %12s\n", "vm", "pid", "vcpus", "exits",
		"user exits");
	for (unsigned int i = 0; i < an->nr_vms; i++)
		fprintf(f, "  %-20s %8u %6u %12" PRIu64 " %12" PRIu64 "\n", an->vms[i].name,
			an->vms[i].tgid, an->vms[i].nr_vcpus, an->vms[i].exits, an->vms[i].uexits);
}

static void text_vcpus(FILE *f, const struct tv_analysis *an, const unsigned int *order,
		       unsigned int nr)
{
	fprintf(f, "\nExits by vCPU\n  %-16s %5s %8s %-12s %10s %10s %8s %8s %8s %8s  top reasons\n",
		"vm", "vcpu", "tid", "comm", "exits", "user exits", "pio_in", "pio_out",
		"mmio_rd", "mmio_wr");
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		unsigned int shown = 0;

		if (!tv_vcpu_active(v))
			continue;
		fprintf(f, "  %-16s %5d %8u %-12s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64
			" %8" PRIu64 " %8" PRIu64 " ", vm_name(an, v->tgid), vcpu_num(v), v->tid,
			v->comm[0] ? v->comm : "-", v->exits, v->uexits, v->pio_in, v->pio_out,
			v->mmio_read, v->mmio_write);
		for (unsigned int j = 0; j < nr && shown < 3; j++)
			if (v->reason_count[order[j]]) {
				fprintf(f, " %s:%" PRIu64, an->reasons[order[j]].name,
					v->reason_count[order[j]]);
				shown++;
			}
		fputc('\n', f);
	}
}

static void text_vcpu_uexits(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "\nUserspace exits (KVM_EXIT_*) by vCPU\n");
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];

		if (!v->uexits)
			continue;
		fprintf(f, "  %s vcpu %d:", vm_name(an, v->tgid), vcpu_num(v));
		for (int r = 0; r < 64; r++)
			if (v->uexit_reason[r]) {
				const char *n = tv_kvm_exit_name(r);

				fprintf(f, " %s:%" PRIu64, n ? n : "?", v->uexit_reason[r]);
			}
		fputc('\n', f);
	}
}

static void text_latency(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "\nExit -> re-entry latency by vCPU\n  %-22s %10s %10s %10s %10s %10s %10s\n", "vm/vcpu",
		"count", "mean", "p50", "p90", "p99", "max");
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		char label[64];

		if (!v->lat[TV_LAT_ALL].count)
			continue;
		snprintf(label, sizeof(label), "%.16s/%d", vm_name(an, v->tgid), vcpu_num(v));
		lat_line(f, label, &v->lat[TV_LAT_ALL]);
	}

	fprintf(f, "\nExit -> re-entry latency\n  %-22s %10s %10s %10s %10s %10s %10s\n", "class",
		"count", "mean", "p50", "p90", "p99", "max");
	lat_line(f, "in-kernel", &an->lat_total[TV_LAT_KERNEL]);
	lat_line(f, "userspace round trip", &an->lat_total[TV_LAT_USER]);
	lat_line(f, "all", &an->lat_total[TV_LAT_ALL]);
	lat_line(f, "  exit -> to userspace", &an->uexit_kernel);
	lat_line(f, "  in userspace", &an->uexit_user);
	fprintf(f, "  (percentiles: nearest rank; ~ from a log-linear histogram, within %.4g%%)\n",
		100 * TV_LL_MAX_REL_ERR);
	hist(f, "in-kernel", &an->lat_total[TV_LAT_KERNEL]);
	hist(f, "userspace round trip", &an->lat_total[TV_LAT_USER]);
}

static void text_states(FILE *f, const struct tv_analysis *an)
{
	char a[24];

	fprintf(f, "\nvCPU state time\n  %-16s %5s %10s %8s %8s %10s %8s\n", "vm", "vcpu", "total",
		"guest", "kernel", "userspace", "halted");
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		uint64_t t = 0;

		for (int s = 0; s < TV_ST_NUM; s++)
			t += v->state_ns[s];
		if (!t)
			continue;
		fprintf(f, "  %-16s %5d %10s %7.2f%% %7.2f%% %9.2f%% %7.2f%%\n", vm_name(an, v->tgid),
			vcpu_num(v), tv_fmt_ns(a, sizeof(a), t),
			100.0 * v->state_ns[0] / t, 100.0 * v->state_ns[1] / t,
			100.0 * v->state_ns[2] / t, 100.0 * v->state_ns[3] / t);
	}
}

static void text_csr_matrix(FILE *f, const struct tv_analysis *an)
{
	bool la = an->profile == TV_PROFILE_LOONGARCH;

	fprintf(f, "\n%s trap matrix (%u cells)\n", an->profile == TV_PROFILE_X86 ? "MSR" : "CSR",
		an->nr_csr);
	for (unsigned int i = 0; i < an->nr_csr && i < 64; i++) {
		const struct tv_csr_cell *c = &an->csr[i];
		const char *n = la ? tv_la_csr_name(c->csr) : NULL;
		const char *op = la ? tv_la_sym_name("CSR_OP", c->op) : c->op ? "wr" : "rd";

		fprintf(f, "  %-12s 0x%-6x %-5s vcpu %-4d %10" PRIu64 "\n", n ? n : "-", c->csr,
			op ? op : "?",
			c->vcpu_idx < an->nr_vcpus ? (int)an->vcpus[c->vcpu_idx].vcpu_id : -1, c->count);
	}
}

/* GPA faults, TLB/VPID churn, interrupts */
static void text_memory_irqs(FILE *f, const struct tv_analysis *an)
{
	char a[24];

	fprintf(f, "\nGPA fault classes\n");
	for (unsigned int i = 0; i < an->nr_faults; i++)
		fprintf(f, "  %-24s %10" PRIu64 "\n", an->faults[i].cls, an->faults[i].count);
	fprintf(f, "\nTLB and VPID churn: %" PRIu64 " TLB flushes, %" PRIu64 " VPID changes, %" PRIu64
		" rollovers (bins of %s)\n", an->tlb_total, an->vpid_total, an->rollover_total,
		tv_fmt_ns(a, sizeof(a), an->bin_ns));
	fprintf(f, "\nInterrupts: %" PRIu64 " queued, %" PRIu64 " delivered\n", an->irq_queued,
		an->irq_delivered);
	lat_line(f, "queue -> deliver", &an->irq_lat);
}

static void text_slowest(FILE *f, const struct tv_analysis *an)
{
	char a[24];

	fprintf(f, "\nSlowest exits\n");
	for (unsigned int i = 0; i < an->nr_slow && i < an->opts.top; i++) {
		const struct tv_slow *s = &an->slow[i];

		fprintf(f, "  %12.6f s  tid %-7u vcpu %-3d %-20s %s%s\n",
			(s->ts - an->first_ts) / 1e9, s->tid, (int)s->vcpu_id,
			s->reason >= 0 ? an->reasons[s->reason].name : "?",
			tv_fmt_ns(a, sizeof(a), s->lat), s->user ? " (userspace)" : "");
	}
}

static void text_events(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "\nEvents\n");
	for (unsigned int i = 0; i < an->nr_evcount; i++)
		if (an->evcount[i])
			fprintf(f, "  %-28s %12" PRIu64 "\n",
				an->evname && an->evname[i][0] ? an->evname[i] : "?", an->evcount[i]);
}

/* One section at a time, in reading order. */
int tv_report_text(FILE *f, const struct tv_analysis *an, const char *path)
{
	unsigned int order[TV_MAX_REASONS], nr = tv_sorted_reasons(an, order, false);

	text_header(f, an, path);
	text_exits(f, an, order, nr);
	text_gspr(f, an);
	text_vms(f, an);
	text_vcpus(f, an, order, nr);
	text_vcpu_uexits(f, an);
	text_latency(f, an);
	text_states(f, an);
	text_csr_matrix(f, an);
	text_memory_irqs(f, an);
	text_slowest(f, an);
	text_events(f, an);
	return ferror(f) ? -1 : 0;
}
