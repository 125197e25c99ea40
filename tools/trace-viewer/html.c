// SPDX-License-Identifier: GPL-2.0
/*
 * --html FILE: one self-contained, offline page.  Inline CSS, inline SVG
 * (vCPU state timeline, latency histograms, CSR/MSR heatmap, churn), inline
 * script for the timeline's zoom and pan and for row highlighting; nothing is
 * loaded from anywhere.  Renders a finished analysis only.
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

/*
 * The vCPU state timeline spans the analysed window (first to last analysed
 * record) at any length.  The page embeds each row's bins (the fine ones of
 * opts.fine_timeline, else the coarse ones): ns in each state, and exits
 * begun.  The script (TL_SCRIPT) cuts the shown range into TL_COLS equal
 * columns, the last one ending at the range's end, and sums the bins into
 * them (a bin cut by a column edge counts in proportion); a column is drawn
 * in its dominant state's colour, paler when that state holds less of it.
 */
#define TL_COLS 480

static void tl_row_data(FILE *f, const uint64_t *b, unsigned int stride, unsigned int nb, int k)
{
	fputc('[', f);
	for (unsigned int i = 0; i < nb; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", b[(size_t)i * stride + k]);
	fputc(']', f);
}

static void tl_data(FILE *f, const struct tv_analysis *an, bool fine, unsigned int nb)
{
	bool first = true;

	fprintf(f, "<script type=\"application/json\" id=\"tl-data\">{\"rows\":[");
	for (unsigned int i = 0; i < an->nr_vcpus; i++) {
		const struct tv_vcpu *v = &an->vcpus[i];
		const uint64_t *b = fine ? &v->tl[0][0] : &v->bins[0][0];
		unsigned int stride = fine ? TV_TL_NUM : TV_ST_NUM;

		if (!shown(v))
			continue;
		fprintf(f, "%s\n[", first ? "" : ",");
		for (int k = 0; k < (fine ? TV_TL_NUM : TV_ST_NUM); k++) {
			if (k)
				fputc(',', f);
			tl_row_data(f, b, stride, nb, k);
		}
		fputc(']', f);
		first = false;
	}
	fprintf(f, "]}</script>\n");
}

static const char TL_SCRIPT[] =
"(function () {\n"
"var tl = document.getElementById('tl'), ds = tl.dataset;\n"
"var D = JSON.parse(document.getElementById('tl-data').textContent).rows;\n"
"var F = BigInt(ds.firstNs), S = +ds.spanNs, B = +ds.binNs, NB = +ds.bins, C = +ds.cols;\n"
"var X0 = +ds.x, CW = +ds.w / C, ST = ds.states.split(' '), COL = ds.colors.split(' ');\n"
"var MIN = Math.min(S, C), s0 = 0, e0 = S;  /* the shown range: ns from the first record */\n"
"var NS = 'http://www.w3.org/2000/svg', rows = tl.querySelectorAll('g.tlrow');\n"
"function fmt(ns) {\n"
"  return ns < 1e4 ? ns + 'ns' : ns < 1e7 ? (ns / 1e3).toFixed(2) + 'us' :\n"
"    ns < 1e10 ? (ns / 1e6).toFixed(2) + 'ms' : (ns / 1e9).toFixed(2) + 's';\n"
"}\n"
"function abs(ns) { return String(F + BigInt(ns)); }\n"
"/* colour c (#rrggbb) at strength a over white: columns overlap by a fraction of a pixel */\n"
"function tint(c, a) {\n"
"  var o = '#';\n"
"  for (var i = 1; i < 7; i += 2)\n"
"    o += ('0' + Math.round(255 - a * (255 - parseInt(c.substr(i, 2), 16))).toString(16)).slice(-2);\n"
"  return o;\n"
"}\n"
"/* row r's ns per state and exits in [a, b): bins cut by an edge count in proportion */\n"
"function agg(r, a, b) {\n"
"  var v = [0, 0, 0, 0, 0];\n"
"  for (var i = Math.floor(a / B); i < NB && i * B < b; i++) {\n"
"    var b0 = i * B, b1 = Math.min(b0 + B, S), o;\n"
"    if (b1 <= b0) continue;\n"
"    o = (Math.min(b, b1) - Math.max(a, b0)) / (b1 - b0);\n"
"    if (o > 0) for (var k = 0; k < r.length; k++) v[k] += r[k][i] * o;\n"
"  }\n"
"  return v;\n"
"}\n"
"function column(g, r, i, a, b) {\n"
"  var v = agg(r, a, b), d = -1, el = document.createElementNS(NS, 'rect'), fr;\n"
"  for (var k = 0; k < ST.length; k++) if (v[k] > 0 && (d < 0 || v[k] > v[d])) d = k;\n"
"  fr = d < 0 ? 0 : v[d] / (b - a);\n"
"  el.setAttribute('class', 'tlc');\n"
"  el.setAttribute('x', (X0 + i * CW).toFixed(2));\n"
"  el.setAttribute('y', g.dataset.y);\n"
"  el.setAttribute('width', (CW + 0.3).toFixed(2));\n"
"  el.setAttribute('height', g.dataset.h);\n"
"  el.setAttribute('fill', d < 0 ? 'none' : tint(COL[d], 0.25 + 0.75 * fr));\n"
"  el.setAttribute('data-t0-ns', abs(a));\n"
"  el.setAttribute('data-t1-ns', abs(b));\n"
"  el.setAttribute('data-state', d < 0 ? 'none' : ST[d]);\n"
"  el.setAttribute('data-frac', fr.toFixed(4));\n"
"  el.setAttribute('data-exits', Math.round(v[4]));\n"
"  g.appendChild(el);\n"
"}\n"
"function draw() {\n"
"  var w = e0 - s0;\n"
"  ds.startNs = abs(s0);\n"
"  ds.endNs = abs(e0);\n"
"  document.getElementById('tl-range').textContent = fmt(s0) + ' .. ' + fmt(e0) +\n"
"    ' of ' + fmt(S) + (w < S ? ' (zoomed ' + (S / w).toFixed(1) + 'x)' : ' (the whole trace)');\n"
"  document.getElementById('tl-a0').textContent = fmt(s0);\n"
"  document.getElementById('tl-a1').textContent = fmt(e0);\n"
"  rows.forEach(function (g, ri) {\n"
"    while (g.firstChild) g.removeChild(g.firstChild);\n"
"    if (S > 0) for (var i = 0; i < C; i++)\n"
"      column(g, D[ri], i, s0 + Math.floor(w * i / C), i + 1 == C ? e0 : s0 + Math.floor(w * (i + 1) / C));\n"
"  });\n"
"}\n"
"function show(s, w) {\n"
"  if (s + w > S) s = S - w;\n"
"  if (s < 0) s = 0;\n"
"  s0 = s; e0 = s + w; draw();\n"
"}\n"
"var act = {\n"
"  in: function () { var w = e0 - s0, n = Math.max(MIN, Math.floor(w / 2)); show(s0 + Math.floor((w - n) / 2), n); },\n"
"  out: function () { var w = e0 - s0, n = Math.min(S, w * 2); show(s0 - Math.floor((n - w) / 2), n); },\n"
"  left: function () { var w = e0 - s0; show(s0 - Math.max(1, Math.floor(w / 4)), w); },\n"
"  right: function () { var w = e0 - s0; show(s0 + Math.max(1, Math.floor(w / 4)), w); },\n"
"  all: function () { show(0, S); }\n"
"};\n"
"var keys = { '+': 'in', '=': 'in', '-': 'out', '_': 'out', ArrowLeft: 'left', h: 'left',\n"
"  ArrowRight: 'right', l: 'right', '0': 'all' };\n"
"document.addEventListener('keydown', function (e) {\n"
"  if (e.ctrlKey || e.metaKey || e.altKey || !keys[e.key]) return;\n"
"  e.preventDefault();\n"
"  act[keys[e.key]]();\n"
"});\n"
"tl.querySelectorAll('button[data-act]').forEach(function (b) {\n"
"  b.addEventListener('click', function () { act[b.dataset.act](); });\n"
"});\n"
"tl.querySelector('svg').addEventListener('wheel', function (e) {\n"
"  e.preventDefault();\n"
"  act[e.deltaY < 0 ? 'in' : 'out']();\n"
"}, { passive: false });\n"
"tl.addEventListener('mouseover', function (e) {\n"
"  var c = e.target.dataset;\n"
"  if (!c || !c.state) return;\n"
"  document.getElementById('tl-info').textContent = fmt(Number(BigInt(c.t0Ns) - F)) + ' .. ' +\n"
"    fmt(Number(BigInt(c.t1Ns) - F)) + ': ' + c.state + ' ' + (100 * c.frac).toFixed(1) + '%, ' +\n"
"    c.exits + ' exits';\n"
"});\n"
"window.tvTimeline = act;\n"
"draw();\n"
"})();\n";

static void tl_head(FILE *f, const struct tv_analysis *an, bool fine, unsigned int nb, int L, int W)
{
	uint64_t span = an->nr_used ? an->win_last - an->win_first : 0;
	char a[24];

	fprintf(f, "<div class=\"tlw\" id=\"tl\" data-first-ns=\"%" PRIu64 "\" data-span-ns=\"%" PRIu64
		"\" data-start-ns=\"%" PRIu64 "\" data-end-ns=\"%" PRIu64 "\" data-bin-ns=\"%" PRIu64
		"\" data-bins=\"%u\" data-cols=\"%d\" data-x=\"%d\" data-w=\"%d\" data-states=\"",
		an->win_first, span, an->win_first, an->win_first + span, fine ? an->tl_ns : an->bin_ns,
		nb, TL_COLS, L, W);
	for (int s = 0; s < TV_ST_NUM; s++)
		fprintf(f, "%s%s", s ? " " : "", tv_state_name(s));
	fprintf(f, "\" data-colors=\"");
	for (int s = 0; s < TV_ST_NUM; s++)
		fprintf(f, "%s%s", s ? " " : "", st_color[s]);
	fprintf(f, "\">\n<p class=\"tlbar\"><button type=\"button\" data-act=\"in\">zoom +</button> "
		"<button type=\"button\" data-act=\"out\">zoom &minus;</button> "
		"<button type=\"button\" data-act=\"left\">&larr;</button> "
		"<button type=\"button\" data-act=\"right\">&rarr;</button> "
		"<button type=\"button\" data-act=\"all\">whole trace</button> "
		"<span id=\"tl-range\">0ns .. %s</span></p>\n", tv_fmt_ns(a, sizeof(a), span));
}

static void timeline(FILE *f, const struct tv_analysis *an)
{
	const int W = 960, L = 170, RH = 22;
	bool fine = an->opts.fine_timeline && !an->tl_partial && an->nr_tl;
	unsigned int rows = 0, nb = fine ? an->nr_tl : an->nr_bins;
	int y = 10;

	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		rows += shown(&an->vcpus[i]);
	tl_head(f, an, fine, nb, L, W);
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
		fprintf(f, "<g class=\"tlrow\" data-tid=\"%u\" data-y=\"%d\" data-h=\"%d\"></g>\n",
			v->tid, y, RH);
		y += RH + 6;
	}
	fprintf(f, "<text id=\"tl-a0\" x=\"%d\" y=\"%d\" class=\"ax\">0</text>", L, y + 14);
	fprintf(f, "<text id=\"tl-a1\" x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\"></text>\n",
		L + W, y + 14);
	fprintf(f, "</svg>\n<p id=\"tl-info\" class=\"meta\">&nbsp;</p>\n</div>\n<p class=\"legend\">");
	for (int s = 0; s < TV_ST_NUM; s++)
		fprintf(f, "<span style=\"background:%s\"></span>%s ", st_color[s], tv_state_name(s));
	fprintf(f, " &mdash; %d columns over the range shown, each in the state that held the vCPU "
		"longest in it (paler: for less of it). Zoom: + / &minus; or the wheel; pan: &larr; / "
		"&rarr; or h / l; 0: the whole trace.</p>\n", TL_COLS);
	tl_data(f, an, fine, nb);
	fprintf(f, "<script>\n%s</script>\n", TL_SCRIPT);
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
		".tlbar{margin:4px 0}.tlbar button{font:12px sans-serif;margin-right:2px}#tl-info{margin:0;min-height:1.4em}\n"
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
