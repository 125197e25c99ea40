// SPDX-License-Identifier: GPL-2.0
/*
 * --html FILE: one self-contained, offline page.  Inline CSS, inline SVG
 * (vCPU state timeline, latency histograms, CSR/MSR heatmap, churn), a few
 * lines of inline script for row highlighting; nothing is loaded from
 * anywhere.  Renders a finished analysis only.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace-viewer.h"

static const char *const st_color[TV_ST_NUM] = { "#2e9e4f", "#e0a020", "#d0453a", "#7a7fc0" };

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

static const char *vm_of(const struct tv_analysis *an, uint32_t tgid)
{
	for (unsigned int i = 0; i < an->nr_vms; i++)
		if (an->vms[i].tgid == tgid)
			return an->vms[i].name;
	return "unknown";
}

static bool shown(const struct tv_vcpu *v)
{
	return tv_vcpu_active(v);
}

static void timeline(FILE *f, const struct tv_analysis *an)
{
	const int W = 960, L = 170, RH = 22;
	unsigned int rows = 0, nb = an->nr_bins ? an->nr_bins : 1;
	double bw = (double)W / nb;
	char a[24];
	int y = 10;

	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		rows += shown(&an->vcpus[i]);
	fprintf(f, "<svg class=\"tl\" width=\"100%%\" viewBox=\"0 0 %d %u\" style=\"max-width:%dpx\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n", L + W + 10, rows * (RH + 6) + 40, L + W + 10);
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];

		if (!shown(v))
			continue;
		fprintf(f, "<text x=\"4\" y=\"%d\" class=\"lbl\">", y + 15);
		esc(f, vm_of(an, v->tgid));
		fprintf(f, " vcpu %d</text>\n", v->vcpu_id == TV_NO_VCPU ? -1 : (int)v->vcpu_id);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>\n",
			L, y, W, RH);
		for (unsigned int b = 0; b < an->nr_bins; b++) {
			double x = L + b * bw, h0 = 0;
			uint64_t tot = 0;

			for (int s = 0; s < TV_ST_NUM; s++)
				tot += v->bins[b][s];
			if (!tot)
				continue;
			/* stacked: the share of the bin spent in each state */
			for (int s = 0; s < TV_ST_NUM; s++) {
				double h = (double)RH * v->bins[b][s] / an->bin_ns;

				if (h <= 0)
					continue;
				if (h0 + h > RH)
					h = RH - h0;
				fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
					"fill=\"%s\"/>\n", x, y + RH - h0 - h, bw + 0.3, h, st_color[s]);
				h0 += h;
			}
		}
		y += RH + 6;
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\">0</text>", L, y + 14);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\">%s</text>\n", L + W,
		y + 14, tv_fmt_ns(a, sizeof(a), (uint64_t)nb * an->bin_ns));
	fprintf(f, "</svg>\n<p class=\"legend\">");
	for (int s = 0; s < TV_ST_NUM; s++)
		fprintf(f, "<span style=\"background:%s\"></span>%s ", st_color[s], tv_state_name(s));
	fprintf(f, " &mdash; each column is %s</p>\n", tv_fmt_ns(a, sizeof(a), an->bin_ns));
}

static void histogram(FILE *f, const char *title, const struct tv_latstat *l, const char *color)
{
	const int W = 460, H = 160, L = 40;
	uint64_t max = 0;
	int lo = TV_LAT_BUCKETS, hi = -1;
	char a[24];

	for (int i = 0; i < TV_LAT_BUCKETS; i++)
		if (l->hist[i]) {
			if (i < lo)
				lo = i;
			hi = i;
			if (l->hist[i] > max)
				max = l->hist[i];
		}
	fprintf(f, "<figure><figcaption>");
	esc(f, title);
	fprintf(f, " (%" PRIu64 ")</figcaption>\n", l->count);
	if (hi < 0) {
		fprintf(f, "<p class=\"none\">no samples</p></figure>\n");
		return;
	}
	int n = hi - lo + 1;
	double bw = (double)(W - L) / n;

	fprintf(f, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n", W,
		H + 40);
	for (int i = lo; i <= hi; i++) {
		double h = max ? (double)(H - 10) * log1p((double)l->hist[i]) / log1p((double)max) : 0;
		double x = L + (i - lo) * bw;

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			"<title>%s+: %" PRIu64 "</title></rect>\n", x + 1, H - h, bw - 2, h, color,
			tv_fmt_ns(a, sizeof(a), i ? 1ull << i : 0), l->hist[i]);
		if (n <= 16 || (i - lo) % 2 == 0)
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"ax\" transform=\"rotate(40 %.1f %d)\">"
				"%s</text>\n", x + 2, H + 12, x + 2, H + 12,
				tv_fmt_ns(a, sizeof(a), i ? 1ull << i : 0));
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", L, H, W, H);
	fprintf(f, "<text x=\"2\" y=\"12\" class=\"ax\">%" PRIu64 "</text></svg>\n", max);
	if (l->pct) {
		char p5[24], p9[24], p99[24], mx[24];

		fprintf(f, "<p class=\"pct\">p50 %s &middot; p90 %s &middot; p99 %s &middot; max %s</p>\n",
			tv_fmt_pct(p5, sizeof(p5), l, 0), tv_fmt_pct(p9, sizeof(p9), l, 1),
			tv_fmt_pct(p99, sizeof(p99), l, 2), tv_fmt_ns(mx, sizeof(mx), l->max));
	}
	fprintf(f, "</figure>\n");
}

static void heatmap(FILE *f, const struct tv_analysis *an)
{
	uint32_t regs[256];
	unsigned int nr = 0, cols = 0, colv[256];
	uint64_t max = 0;
	const int CW = 34, RH = 18, L = 130;

	if (!an->nr_csr) {
		fprintf(f, "<p class=\"none\">no %s traps in this trace</p>\n",
			an->profile == TV_PROFILE_X86 ? "MSR" : "CSR");
		return;
	}
	for (unsigned int i = 0; i < an->nr_csr; i++) {
		unsigned int j;

		for (j = 0; j < nr && regs[j] != an->csr[i].csr; j++)
			;
		if (j == nr && nr < 256)
			regs[nr++] = an->csr[i].csr;
		for (j = 0; j < cols && colv[j] != an->csr[i].vcpu_idx; j++)
			;
		if (j == cols && cols < 256)
			colv[cols++] = an->csr[i].vcpu_idx;
	}
	/* total per (register, vCPU), all ops */
	static uint64_t cell[256][256];

	memset(cell, 0, sizeof(cell));
	for (unsigned int i = 0; i < an->nr_csr; i++) {
		unsigned int r, c;

		for (r = 0; r < nr && regs[r] != an->csr[i].csr; r++)
			;
		for (c = 0; c < cols && colv[c] != an->csr[i].vcpu_idx; c++)
			;
		if (r < nr && c < cols) {
			cell[r][c] += an->csr[i].count;
			if (cell[r][c] > max)
				max = cell[r][c];
		}
	}
	fprintf(f, "<svg width=\"%u\" height=\"%u\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		L + cols * CW + 10, nr * RH + 40);
	for (unsigned int c = 0; c < cols; c++) {
		const struct tv_vcpu *v = colv[c] < an->nr_vcpus ? &an->vcpus[colv[c]] : NULL;

		fprintf(f, "<text x=\"%u\" y=\"14\" class=\"ax\">%s%d</text>\n", L + c * CW + 4,
			v ? "v" : "?", v && v->vcpu_id != TV_NO_VCPU ? (int)v->vcpu_id : -1);
	}
	for (unsigned int r = 0; r < nr; r++) {
		const char *n = an->profile == TV_PROFILE_LOONGARCH ? tv_la_csr_name(regs[r]) : NULL;

		fprintf(f, "<text x=\"4\" y=\"%u\" class=\"lbl\">%s 0x%x</text>\n", 20 + r * RH + 13,
			n ? n : "", regs[r]);
		for (unsigned int c = 0; c < cols; c++) {
			double t = cell[r][c] && max ? log1p((double)cell[r][c]) / log1p((double)max) : 0;
			int g = (int)(235 - 200 * t);

			fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\">"
				"<title>%" PRIu64 "</title></rect>\n", L + c * CW, 20 + r * RH, CW - 2, RH - 2,
				cell[r][c] ? g : 246, cell[r][c] ? g : 246, cell[r][c]);
		}
	}
	fprintf(f, "</svg>\n");
}

static void sparkline(FILE *f, const char *title, const uint64_t *v, unsigned int n, const char *color)
{
	const int W = 460, H = 60;
	uint64_t max = 0, tot = 0;

	for (unsigned int i = 0; i < n; i++) {
		tot += v[i];
		if (v[i] > max)
			max = v[i];
	}
	fprintf(f, "<figure><figcaption>");
	esc(f, title);
	fprintf(f, " (%" PRIu64 ")</figcaption><svg width=\"%d\" height=\"%d\" "
		"xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>",
		tot, W, H, W, H);
	if (max && n) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
		for (unsigned int i = 0; i < n; i++)
			fprintf(f, "%.1f,%.1f ", n > 1 ? (double)W * i / (n - 1) : 0.0,
				H - 2 - (double)(H - 6) * v[i] / max);
		fprintf(f, "\"/>");
	}
	fprintf(f, "</svg></figure>\n");
}

static void reason_rows(FILE *f, const struct tv_analysis *an, bool uexit, int cls)
{
	unsigned int order[TV_MAX_REASONS], nr = tv_sorted_reasons(an, order, uexit);
	uint64_t total = 0, max = 1;

	for (unsigned int i = 0; i < nr; i++) {
		total += an->reasons[order[i]].count;
		if (an->reasons[order[i]].count > max)
			max = an->reasons[order[i]].count;
	}
	fprintf(f, "<table class=\"hl\"><tr><th>reason</th><th>count</th><th>%%</th><th></th>"
		"<th>mean</th><th>p50</th><th>p99</th><th>max</th></tr>\n");
	for (unsigned int i = 0; i < nr; i++) {
		const struct tv_reason *r = &an->reasons[order[i]];
		const struct tv_latstat *l = &r->lat[cls];
		char m[24], p5[24], p99[24], mx[24];

		fprintf(f, "<tr><td>");
		esc(f, r->name);
		fprintf(f, "</td><td>%" PRIu64 "</td><td>%.1f</td><td><div class=\"bar\" "
			"style=\"width:%dpx\"></div></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			r->count, total ? 100.0 * r->count / total : 0.0, (int)(120 * r->count / max),
			l->count ? tv_fmt_ns(m, sizeof(m), l->sum / l->count) : "-",
			tv_fmt_pct(p5, sizeof(p5), l, 0),
			tv_fmt_pct(p99, sizeof(p99), l, 2),
			l->count ? tv_fmt_ns(mx, sizeof(mx), l->max) : "-");
	}
	if (!nr)
		fprintf(f, "<tr><td colspan=\"8\" class=\"none\">none in this trace</td></tr>\n");
	fprintf(f, "</table>\n");
}

/* the document head, its style sheet, and the file's summary */
static void html_head(FILE *f, const struct tv_analysis *an, const char *path)
{
	char a[24];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>trace-viewer: ");
	esc(f, path);
	fprintf(f, "</title>\n<style>\n"
		"body{font:14px/1.4 sans-serif;margin:18px 28px;color:#222;background:#fff}\n"
		"h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #ddd}\n"
		".meta{color:#555}.warn{color:#b00;font-weight:bold}\n"
		"table{border-collapse:collapse;margin:4px 0}td,th{padding:2px 10px;text-align:right}\n"
		"td:first-child,th:first-child{text-align:left}tr:nth-child(even){background:#f6f6f6}\n"
		"tr.sel{background:#ffe9a8}.bar{height:10px;background:#4a78c2}\n"
		".lbl{font:12px sans-serif;fill:#333}.ax{font:10px sans-serif;fill:#666}\n"
		".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n"
		"figure{display:inline-block;margin:6px 24px 6px 0;vertical-align:top}"
		"figcaption{font-weight:bold}.none{color:#888}.pct{margin:0;color:#444}\n"
		"</style></head>\n<body>\n<h1>trace-viewer report</h1>\n<p class=\"meta\">");
	esc(f, path);
	fprintf(f, " &middot; profile %s &middot; %" PRIu64 " records (%" PRIu64 " analysed) &middot; "
		"span %s</p>\n", tv_profile_name(an->profile), an->nr_records, an->nr_used,
		tv_fmt_ns(a, sizeof(a), an->last_ts - an->first_ts));
	if (an->missed_pages)
		fprintf(f, "<p class=\"warn\">%" PRIu64 " events were lost while recording (%" PRIu64
			" places)</p>\n", an->missed_events, an->missed_pages);
	else
		fprintf(f, "<p class=\"meta\">no events were lost while recording</p>\n");
	if (an->cut.on)
		fprintf(f, "<p class=\"warn\" id=\"truncated\">TRUNCATED: the file is cut short at byte %"
			PRIu64 " (%u CPUs lost data); this report covers the complete records before "
			"the cut</p>\n", an->cut.at, an->cut.ncpus);
}

static void html_exits(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "<h2>Exits by reason</h2>\n");
	if (!an->seen_exit)
		fprintf(f, "<p class=\"none\">no kvm_exit events in this trace; userspace exits below</p>\n");
	reason_rows(f, an, false, TV_LAT_ALL);
	if (an->kind_count[TV_GSPR]) {
		fprintf(f, "<p>GSPR exits by instruction:");
		for (unsigned int k = 0; k < TV_GSPR_SLOTS; k++)
			if (an->gspr_kind[k]) {
				const char *n = tv_la_sym_name("GSPR_KIND", k);

				fprintf(f, " %s&nbsp;%" PRIu64, n ? n : "?", an->gspr_kind[k]);
			}
		fprintf(f, "</p>\n");
	}
	fprintf(f, "<h2>Userspace exits (KVM_EXIT_*) and round trips</h2>\n");
	reason_rows(f, an, true, TV_LAT_USER);
}

static void html_vcpu_row(FILE *f, const struct tv_analysis *an, const struct tv_vcpu *v)
{
	const struct tv_latstat *l = &v->lat[TV_LAT_ALL];
	char p5[24], p99[24], mx[24];
	uint64_t t = 0;

	for (int s = 0; s < TV_ST_NUM; s++)
		t += v->state_ns[s];
	fprintf(f, "<tr><td>");
	esc(f, vm_of(an, v->tgid));
	fprintf(f, "</td><td>%u</td><td>%d</td><td>%u</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td>",
		v->tgid, v->vcpu_id == TV_NO_VCPU ? -1 : (int)v->vcpu_id, v->tid, v->exits, v->uexits);
	for (int s = 0; s < TV_ST_NUM; s++)
		fprintf(f, "<td>%.1f%%</td>", t ? 100.0 * v->state_ns[s] / t : 0.0);
	fprintf(f, "<td>%s</td><td>%s</td><td>%s</td>",
		tv_fmt_pct(p5, sizeof(p5), l, 0),
		tv_fmt_pct(p99, sizeof(p99), l, 2),
		l->count ? tv_fmt_ns(mx, sizeof(mx), l->max) : "-");
	fprintf(f, "</tr>\n");
}

static void html_vcpus(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "<h2>VMs and vCPUs</h2>\n<table class=\"hl\"><tr><th>VM</th><th>pid</th>"
		"<th>vCPU</th><th>tid</th><th>exits</th><th>user exits</th><th>guest</th>"
		"<th>kernel</th><th>user</th><th>halted</th><th>exit p50</th><th>p99</th><th>max</th></tr>\n");
	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		if (shown(&an->vcpus[i]))
			html_vcpu_row(f, an, &an->vcpus[i]);
	fprintf(f, "</table>\n");
}

static void html_faults(FILE *f, const struct tv_analysis *an)
{
	fprintf(f, "<h2>GPA fault classes</h2>\n<table><tr><th>class</th><th>count</th></tr>\n");
	for (unsigned int i = 0; i < an->nr_faults; i++) {
		fprintf(f, "<tr><td>");
		esc(f, an->faults[i].cls);
		fprintf(f, "</td><td>%" PRIu64 "</td></tr>\n", an->faults[i].count);
	}
	if (!an->nr_faults)
		fprintf(f, "<tr><td colspan=\"2\" class=\"none\">none</td></tr>\n");
	fprintf(f, "</table>\n");
}

static void html_slowest(FILE *f, const struct tv_analysis *an)
{
	char a[24];

	fprintf(f, "<h2>Slowest exits</h2>\n<table class=\"hl\"><tr><th>at</th><th>tid</th><th>vCPU</th>"
		"<th>reason</th><th>latency</th><th>through</th></tr>\n");
	for (unsigned int i = 0; i < an->nr_slow && i < an->opts.top; i++) {
		const struct tv_slow *sl = &an->slow[i];

		fprintf(f, "<tr><td>%s</td><td>%u</td><td>%d</td><td>",
			tv_fmt_ns(a, sizeof(a), sl->ts - an->first_ts), sl->tid, sl->vcpu_id == TV_NO_VCPU ? -1 : (int)sl->vcpu_id);
		esc(f, sl->reason >= 0 ? an->reasons[sl->reason].name : "?");
		fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n", tv_fmt_ns(a, sizeof(a), sl->lat),
			sl->user ? "userspace" : "kernel");
	}
	fprintf(f, "</table>\n");
}

/* One section at a time, top to bottom of the page. */
int tv_report_html(FILE *f, const struct tv_analysis *an, const char *path)
{
	html_head(f, an, path);
	fprintf(f, "<h2>vCPU state timeline</h2>\n");
	timeline(f, an);
	fprintf(f, "<h2>Exit &rarr; re-entry latency</h2>\n");
	histogram(f, "in-kernel", &an->lat_total[TV_LAT_KERNEL], "#e0a020");
	histogram(f, "userspace round trip", &an->lat_total[TV_LAT_USER], "#d0453a");
	histogram(f, "interrupt queue → deliver", &an->irq_lat, "#7a7fc0");
	fprintf(f, "<p class=\"pct\">Bars: log2 buckets. Percentiles: nearest rank; "
		"~ marks one from a log-linear histogram (%u buckets per power of two, within %.4g%%).</p>\n",
		TV_LL_SUB, 100 * TV_LL_MAX_REL_ERR);
	html_exits(f, an);
	html_vcpus(f, an);
	fprintf(f, "<h2>%s trap heatmap (traps per register and vCPU)</h2>\n",
		an->profile == TV_PROFILE_X86 ? "MSR" : "CSR");
	heatmap(f, an);
	fprintf(f, "<h2>Churn over time</h2>\n");
	sparkline(f, "exits", an->churn_exits, an->nr_bins, "#4a78c2");
	sparkline(f, "TLB flushes", an->churn_tlb, an->nr_bins, "#d0453a");
	sparkline(f, "VPID changes", an->churn_vpid, an->nr_bins, "#2e9e4f");
	html_faults(f, an);
	html_slowest(f, an);
	fprintf(f, "<script>\n"
		"document.querySelectorAll('table.hl tr').forEach(function (r) {\n"
		"  r.addEventListener('click', function () { r.classList.toggle('sel'); });\n"
		"});\n"
		"document.body.setAttribute('data-ready', '1');\n"
		"</script>\n</body></html>\n");
	return ferror(f) ? -1 : 0;
}
