// SPDX-License-Identifier: GPL-2.0
/*
 * The ncurses dashboard.  kvm_stat's screen and keys, plus per-VM and
 * per-vCPU views, latency columns and sorting by any column.  It only
 * renders snapshots (collect.c fills them).
 */
#include <curses.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "collect.h"
#include "util.h"

enum view { V_EVENTS, V_VMS, V_VCPUS, V_NUM };
static const char *const view_name[V_NUM] = { "events", "VMs", "vCPUs" };

struct row {
	char label[160];
	char label2[32];
	unsigned long long total, delta;
	double rate;
	unsigned long long p50, p99, max;
	bool child;
	int parent;		/* index of the parent row, for sorting children under it */
};

/* what a screen line holds, as last handed to curses */
struct cline {
	bool valid;
	bool single;		/* one attribute from column 0 (put_text) */
	attr_t attr;
	char text[512];		/* single: the text; else the segments, serialized */
};

struct tui {
	struct ks_ctx *ctx;
	enum view view;
	int sort_col;		/* column index, see cols[] */
	bool sort_desc;
	bool children;		/* 'x' */
	bool help;
	char msg[256];
	char guest_buf[128];
	char filter_buf[128];
	struct row *rows;
	size_t nrows, cap;
	struct cline *lines;	/* what each screen line holds (put_line) */
	int nlines;
	bool full;		/* next draw starts from an empty screen */
};

/* columns: 0 name, 1 second label (PID / vCPU), 2 Total, 3 %Total, 4 CurAvg/s, 5 p50, 6 p99, 7 max */
#define NCOLS 8

static struct row *add_row(struct tui *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = kvmla_xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->nrows], 0, sizeof(struct row));
	t->rows[t->nrows].parent = (int)t->nrows;
	return &t->rows[t->nrows++];
}

static int lat_kind_for(const struct ks_snapshot *s, int pid, int vcpu)
{
	struct ks_lat l;

	ks_lat_sum(s, pid, vcpu, KS_LAT_TOTAL, true, 0, &l);
	return l.count ? KS_LAT_TOTAL : KS_LAT_USER;
}

static void set_lat(struct row *r, const struct ks_lat *l)
{
	r->p50 = ks_lat_pct(l, 50);
	r->p99 = ks_lat_pct(l, 99);
	r->max = l->max_ns;
}

/* one pass: totals per event (sel: selected events) */
static void per_event(const struct ks_snapshot *s, unsigned long long *out, int nev)
{
	memset(out, 0, nev * sizeof(*out));
	for (size_t i = 0; s && i < s->ncounts; i++)
		if (s->counts[i].event >= 0 && s->counts[i].event < nev)
			out[s->counts[i].event] += s->counts[i].count;
}

/* one pass: total of selected events for pid (and vcpu unless -2) */
static unsigned long long sum_sel(const struct ks_snapshot *s, const bool *sel, int pid, int vcpu)
{
	unsigned long long t = 0;

	for (size_t i = 0; s && i < s->ncounts; i++) {
		const struct ks_count *c = &s->counts[i];

		if (c->pid == pid && (vcpu == -2 || c->vcpu == vcpu) && sel[c->event])
			t += c->count;
	}
	return t;
}

/* what every view's rows are built from */
struct rows_in {
	const struct ks_snapshot *cur, *prev;
	double dt;		/* seconds between the samples */
	const bool *sel;	/* per event: selected by the filters */
};

static void set_counts(struct row *r, unsigned long long now, unsigned long long before,
		       double dt)
{
	r->total = now;
	r->delta = now >= before ? now - before : 0;
	r->rate = r->delta / dt;
}

/* exit latency of an exit or userspace-exit event (one reason unless all) */
static void set_event_lat(struct row *r, const struct ks_profile *p, const struct ks_snapshot *cur,
			  int ev, bool all, unsigned long long reason)
{
	struct ks_lat l;

	if (!cur->has_latency || (p->ev[ev].role != KS_ROLE_EXIT && p->ev[ev].role != KS_ROLE_UEXIT))
		return;
	ks_lat_sum(cur, -1, -2, p->ev[ev].role == KS_ROLE_UEXIT ? KS_LAT_USER : KS_LAT_TOTAL,
		   all, reason, &l);
	set_lat(r, &l);
}

/* the 'x' children of event ev: one row per reason that fired */
static void rows_event_reasons(struct tui *t, const struct rows_in *in, int ev, int parent)
{
	struct ks_profile *p = &t->ctx->prof;
	unsigned long long *rv;
	size_t nr = ks_distinct_reasons(in->cur, ev, &rv);

	for (size_t k = 0; k < nr; k++) {
		const struct ks_reason_name *rn = ks_reason(p, ev, rv[k]);
		unsigned long long rt = ks_sum(in->cur, -1, -2, ev, false, rv[k]);
		unsigned long long rp = in->prev ? ks_sum(in->prev, -1, -2, ev, false, rv[k]) : 0;
		struct row *r;

		if (!rt)
			continue;
		r = add_row(t);
		r->child = true;
		r->parent = parent;
		snprintf(r->label, sizeof(r->label), "  %s(%s)", p->ev[ev].name, rn ? rn->name : "?");
		set_counts(r, rt, rp, in->dt);
		set_event_lat(r, p, in->cur, ev, false, rv[k]);
	}
	free(rv);
}

/* the events view (kvm_stat's): one row per event that fired */
static void rows_events(struct tui *t, const struct rows_in *in)
{
	struct ks_profile *p = &t->ctx->prof;
	unsigned long long *tc = kvmla_xcalloc(p->nev + 1, sizeof(*tc));
	unsigned long long *tpv = kvmla_xcalloc(p->nev + 1, sizeof(*tpv));

	per_event(in->cur, tc, p->nev);
	per_event(in->prev, tpv, p->nev);
	for (int i = 0; i < p->nev; i++) {
		int parent = (int)t->nrows;
		struct row *r;

		if (!in->sel[i] || !tc[i])	/* kvm_stat: events that never fired are not listed */
			continue;
		r = add_row(t);
		snprintf(r->label, sizeof(r->label), "%s", p->ev[i].name);
		set_counts(r, tc[i], tpv[i], in->dt);
		set_event_lat(r, p, in->cur, i, true, 0);
		if (t->children && in->cur->has_reasons && ks_event_has_reasons(p, i))
			rows_event_reasons(t, in, i, parent);
	}
	free(tc);
	free(tpv);
}

/* one row for VM vm (the VMs view, vcpu -2), or for its vCPU vcpu */
static void row_vm(struct tui *t, const struct rows_in *in, const struct ks_vm *vm, int vcpu)
{
	struct row *r = add_row(t);
	struct ks_lat l;

	snprintf(r->label, sizeof(r->label), "%s%s", vm->name, vm->alive ? "" : " (DEAD)");
	if (t->view == V_VMS && vm->pid == KS_RETIRED_PID)
		snprintf(r->label2, sizeof(r->label2), "-");
	else if (t->view == V_VMS)
		snprintf(r->label2, sizeof(r->label2), "%d", vm->pid);
	else if (vcpu < 0)
		snprintf(r->label2, sizeof(r->label2), "other");
	else
		snprintf(r->label2, sizeof(r->label2), "%d", vcpu);
	set_counts(r, sum_sel(in->cur, in->sel, vm->pid, vcpu),
		   sum_sel(in->prev, in->sel, vm->pid, vcpu), in->dt);
	if (in->cur->has_latency) {
		ks_lat_sum(in->cur, vm->pid, vcpu, lat_kind_for(in->cur, vm->pid, vcpu), true, 0, &l);
		set_lat(r, &l);
	}
}

/* the VMs view: one row per VM */
static void rows_vms(struct tui *t, const struct rows_in *in)
{
	static struct ks_vm retired = { .pid = KS_RETIRED_PID, .alive = true };

	for (size_t v = 0; v < in->cur->nvms; v++)
		row_vm(t, in, &in->cur->vms[v], -2);
	/* VMs dead for --keep-dead seconds: one row of their sums */
	if (in->cur->retired_vms) {
		snprintf(retired.name, sizeof(retired.name), "(%llu retired)", in->cur->retired_vms);
		row_vm(t, in, &retired, -2);
	}
}

/* the vCPUs view: one row per vCPU of each VM */
static void rows_vcpus(struct tui *t, const struct rows_in *in)
{
	for (size_t v = 0; v < in->cur->nvms; v++) {
		const struct ks_vm *vm = &in->cur->vms[v];
		int *ids;
		size_t nid = ks_distinct_vcpus(in->cur, vm->pid, &ids);

		for (size_t k = 0; k < nid; k++)
			row_vm(t, in, vm, ids[k]);
		free(ids);
	}
}

static void build_rows(struct tui *t, const struct ks_snapshot *cur, const struct ks_snapshot *prev)
{
	struct ks_profile *p = &t->ctx->prof;
	bool *sel = kvmla_xcalloc(p->nev + 1, sizeof(*sel));
	struct rows_in in = {
		.cur = cur, .prev = prev, .sel = sel,
		.dt = prev && cur->t > prev->t ? cur->t - prev->t : 1,
	};

	t->nrows = 0;
	for (int i = 0; i < p->nev; i++)
		sel[i] = ks_event_selected(t->ctx, i);
	if (t->view == V_EVENTS)
		rows_events(t, &in);
	else if (t->view == V_VMS)
		rows_vms(t, &in);
	else
		rows_vcpus(t, &in);
	free(sel);
}

static struct tui *sort_t;

static int cmp_key(const struct row *a, const struct row *b, int col)
{
	switch (col) {
	case 0: return strcmp(a->label, b->label);
	case 1: {
		long x = atol(a->label2), y = atol(b->label2);

		return x < y ? -1 : x > y ? 1 : strcmp(a->label2, b->label2);
	}
	case 2: case 3: return a->total < b->total ? -1 : a->total > b->total;
	case 4: return a->delta < b->delta ? -1 : a->delta > b->delta;
	case 5: return a->p50 < b->p50 ? -1 : a->p50 > b->p50;
	case 6: return a->p99 < b->p99 ? -1 : a->p99 > b->p99;
	case 7: return a->max < b->max ? -1 : a->max > b->max;
	}
	return 0;
}

static int cmp_row(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	struct tui *t = sort_t;
	const struct row *ap, *bp;
	int c;

	/* children stay under their parent: compare parents first */
	ap = a->child ? &sort_t->rows[a->parent] : a;
	bp = b->child ? &sort_t->rows[b->parent] : b;
	if (ap != bp) {
		c = cmp_key(ap, bp, t->sort_col);
		if (!c && t->sort_col == 4)	/* kvm_stat: delta, then total */
			c = cmp_key(ap, bp, 2);
		if (!c)
			c = strcmp(ap->label, bp->label);
		return t->sort_desc ? -c : c;
	}
	if (a->child != b->child)
		return a->child ? 1 : -1;
	c = cmp_key(a, b, t->sort_col);
	if (!c)
		c = strcmp(a->label, b->label);
	return t->sort_desc ? -c : c;
}

static void sort_rows(struct tui *t)
{
	struct row *copy;

	if (!t->nrows)	/* rows may be NULL: no memcpy or qsort of it */
		return;
	copy = malloc(t->nrows * sizeof(*copy) + 1);
	if (!copy)
		return;
	/* cmp_row looks parents up in the unsorted array */
	memcpy(copy, t->rows, t->nrows * sizeof(*copy));
	sort_t = t;
	struct row *orig = t->rows;

	t->rows = copy;
	qsort(orig, t->nrows, sizeof(*orig), cmp_row);
	t->rows = orig;
	free(copy);
}

/* integer formatting only: printf's floating-point path is the slow one */
static void fmt_ns(char *buf, size_t size, unsigned long long ns)
{
	if (!ns)
		snprintf(buf, size, "-");
	else if (ns < 10000)
		snprintf(buf, size, "%lluns", ns);
	else if (ns < 10000000)
		snprintf(buf, size, "%llu.%lluus", (ns + 50) / 1000, (ns + 50) / 100 % 10);
	else
		snprintf(buf, size, "%llu.%llums", (ns + 50000) / 1000000, (ns + 50000) / 100000 % 10);
}

static const char *col_title(struct tui *t, int c)
{
	static const char *const base[NCOLS] = {
		"Event", "", "Total", "%Total", "CurAvg/s", "p50", "p99", "max"
	};

	if (c == 0 && t->view != V_EVENTS)
		return "VM";
	if (c == 1)
		return t->view == V_VMS ? "PID" : t->view == V_VCPUS ? "vCPU" : "";
	return base[c];
}

/*
 * Screen lines go through a cache of what each line holds: a line whose
 * text and attributes did not change is not handed to curses again, so a
 * refresh touches (and curses compares and writes) only the changed lines.
 * Any other drawing (help, prompts, guest list, a key) drops the cache.
 */
struct seg {
	attr_t attr;
	int x;
	const char *text;
};

static void cache_drop(struct tui *t)
{
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
}

/* the cache entry of line y, or NULL when y is off screen */
static struct cline *cline(struct tui *t, int y)
{
	if (y < 0 || y >= LINES)
		return NULL;
	if (t->nlines != LINES) {
		cache_drop(t);
		t->lines = kvmla_xcalloc(LINES, sizeof(*t->lines));
		t->nlines = LINES;
	}
	return &t->lines[y];
}

static void put_line(struct tui *t, int y, const struct seg *sg, int n)
{
	struct cline *cl = cline(t, y);
	char key[sizeof(cl->text)];
	size_t k = 0;

	if (!cl)
		return;
	key[0] = '\0';
	for (int i = 0; i < n && k < sizeof(key); i++)
		k += snprintf(key + k, sizeof(key) - k, "%lx:%d:%s\n", (unsigned long)sg[i].attr,
			      sg[i].x, sg[i].text);
	if (cl->valid && !cl->single && !strcmp(cl->text, key))
		return;
	cl->valid = true;
	cl->single = false;
	snprintf(cl->text, sizeof(cl->text), "%s", key);
	move(y, 0);
	clrtoeol();
	for (int i = 0; i < n; i++) {
		if (sg[i].x >= COLS)
			continue;
		attrset(sg[i].attr);
		mvaddnstr(y, sg[i].x, sg[i].text, COLS - sg[i].x);
	}
	attrset(A_NORMAL);
}

/* every byte a column of its own (a multibyte VM name is not) */
static bool ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/*
 * A line of one attribute from column 0.  When the cache holds such a line
 * with the same attribute, only the span from the first to the last changed
 * column goes to curses (the digits that moved), not the whole line; a line
 * with multibyte text is rewritten whole.
 */
static void put_text(struct tui *t, int y, attr_t attr, const char *text)
{
	struct cline *cl = cline(t, y);
	size_t on, nn, f, l;

	if (!cl)
		return;
	nn = strnlen(text, sizeof(cl->text) - 1);
	if (!cl->valid || !cl->single || cl->attr != attr || !ascii(text, nn) ||
	    !ascii(cl->text, strlen(cl->text))) {
		struct seg sg = { attr, 0, text };

		put_line(t, y, &sg, 1);
		cl->single = true;
		cl->attr = attr;
		memcpy(cl->text, text, nn);
		cl->text[nn] = '\0';
		return;
	}
	on = strlen(cl->text);
	for (f = 0; f < on && f < nn && cl->text[f] == text[f]; f++)
		;
	for (l = on > nn ? on : nn; l > f; l--) {
		char a = l - 1 < on ? cl->text[l - 1] : ' ', b = l - 1 < nn ? text[l - 1] : ' ';

		if (a != b)
			break;
	}
	if (l > f && (int)f < COLS) {
		attrset(attr);
		move(y, (int)f);
		for (size_t i = f; i < l && (int)i < COLS; i++)
			addch(i < nn ? (unsigned char)text[i] : ' ');
		attrset(A_NORMAL);
	}
	memcpy(cl->text, text, nn);
	cl->text[nn] = '\0';
}

static void header(struct tui *t, const struct ks_snapshot *cur)
{
	struct ks_opts *o = t->ctx->o;
	char title[256], info[256], l1[256], drops[256];
	struct seg sg[2];
	int dead = 0, nvm = 0, n = 0;

	for (size_t i = 0; i < cur->nvms; i++) {
		nvm++;
		dead += !cur->vms[i].alive;
	}
	if (o->guest)
		snprintf(title, sizeof(title), "kvmstat-la - guest %s", o->guest);
	else if (o->npids)
		snprintf(title, sizeof(title), "kvmstat-la - pid %d%s", o->pids[0],
			 o->npids > 1 ? ",..." : "");
	else
		snprintf(title, sizeof(title), "kvmstat-la - summary");
	snprintf(info, sizeof(info), "   [%s view, provider %s (%s%s%s), profile %s, %.1f s]",
		 view_name[t->view], t->ctx->prov->name, t->ctx->chose_auto ? "auto: " : "",
		 t->ctx->chose_auto ? t->ctx->why_short : "forced by ",
		 t->ctx->chose_auto ? "" : t->ctx->o->provider_flag, t->ctx->prof.name, o->interval);
	sg[0] = (struct seg){ A_BOLD, 0, title };
	sg[1] = (struct seg){ A_NORMAL, (int)strlen(title), info };
	put_line(t, 0, sg, 2);

	if ((o->guest || o->npids) && nvm && dead == nvm) {
		snprintf(l1, sizeof(l1), "Guest is DEAD%s",
			 o->guest ? " - waiting for it to come back (by name)" : "");
		sg[n++] = (struct seg){ A_REVERSE, 0, l1 };
	} else if (o->have_filter) {
		snprintf(l1, sizeof(l1), "regex filter: %s", o->filter_str);
		sg[n++] = (struct seg){ A_NORMAL, 0, l1 };
	}
	if (cur->drops[KS_DROP_COUNT] || cur->drops[KS_DROP_LAT] || cur->drops[KS_DROP_THREAD] ||
	    cur->drops[KS_DROP_READ]) {
		snprintf(drops, sizeof(drops),
			 "DROPPED updates: counts %llu latency %llu threads %llu reads %llu",
			 cur->drops[KS_DROP_COUNT], cur->drops[KS_DROP_LAT],
			 cur->drops[KS_DROP_THREAD], cur->drops[KS_DROP_READ]);
		sg[n++] = (struct seg){ A_NORMAL, 50, drops };
	}
	put_line(t, 1, sg, n);
}

static void draw(struct tui *t, const struct ks_snapshot *cur, const struct ks_snapshot *prev)
{
	static const int width[NCOLS] = { 40, 8, 12, 8, 10, 9, 9, 9 };
	unsigned long long sum = 0, dsum = 0;
	char line[512];
	size_t k = 0;
	int y = 3;

	if (t->full) {
		cache_drop(t);
		erase();
		t->full = false;
	}
	build_rows(t, cur, prev);
	sort_rows(t);
	header(t, cur);
	for (int c = 0; c < NCOLS; c++) {
		char title[32];

		if (c == 1 && t->view == V_EVENTS)
			continue;
		snprintf(title, sizeof(title), "%s%s", col_title(t, c),
			 c == t->sort_col ? (t->sort_desc ? "v" : "^") : "");
		k += snprintf(line + k, sizeof(line) - k, c == 0 ? "%-*s" : "%*s", width[c], title);
	}
	put_text(t, 2, A_BOLD, line);
	for (size_t i = 0; i < t->nrows; i++)
		if (!t->rows[i].child) {
			sum += t->rows[i].total;
			dsum += t->rows[i].delta;
		}
	for (size_t i = 0; i < t->nrows && y < LINES - 2; i++, y++) {
		struct row *r = &t->rows[i];
		char a[32], b[32], c[32];
		unsigned long long pct;

		fmt_ns(a, sizeof(a), r->p50);
		fmt_ns(b, sizeof(b), r->p99);
		fmt_ns(c, sizeof(c), r->max);
		k = snprintf(line, sizeof(line), "%-40.40s", r->label);
		if (t->view != V_EVENTS)
			k += snprintf(line + k, sizeof(line) - k, "%8s", r->label2);
		pct = sum ? (r->total * 1000 + sum / 2) / sum : 0;	/* tenths of a percent */
		snprintf(line + k, sizeof(line) - k, "%12llu%6llu.%llu%10llu%9s%9s%9s", r->total,
			 pct / 10, pct % 10, (unsigned long long)(r->rate + 0.5), a, b, c);
		put_text(t, y, A_NORMAL, line);
	}
	if (y < LINES - 1) {
		k = snprintf(line, sizeof(line), "%-40s", "Total");
		if (t->view != V_EVENTS)
			k += snprintf(line + k, sizeof(line) - k, "%8s", "");
		snprintf(line + k, sizeof(line) - k, "%12llu%8s%10llu", sum, "",
			 prev && cur->t > prev->t ?
			 (unsigned long long)(dsum / (cur->t - prev->t) + 0.5) : 0ULL);
		put_text(t, y++, A_BOLD, line);
	}
	/* lines the last frame used below this one */
	for (; y < LINES - 1; y++)
		put_line(t, y, NULL, 0);
	/*
	 * The bottom line always holds text (a message, else the key hint):
	 * curses' update looks for a blank bottom to clear with one sequence
	 * and compares every blank line from the bottom up, in both screen
	 * images, on every refresh; a non-blank last line ends that at once.
	 */
	put_text(t, LINES - 1, A_NORMAL, t->msg[0] ? t->msg :
		 "h help  q quit  v view  x reasons  f filter  g guest  p pid  r reset  1-8 sort");
	refresh();
}

static const char *const help_lines[] = {
	"kvmstat-la - interactive commands",
	"",
	"   b     toggle the per-VM (guest totals) view",
	"   v     cycle views: events -> VMs -> vCPUs",
	"   c     clear the filters (regex, pid, guest)",
	"   f     filter events by regular expression",
	"   g     show only the guests whose name matches (glob)",
	"   h     this help",
	"   o     toggle sorting: CurAvg/s <-> Total (kvm_stat)",
	"   1-8   sort by column N; again reverses the order",
	"   < >   sort by the column left / right",
	"   p     show only the guest with this PID",
	"   q     quit",
	"   r     reset the counts to zero",
	"   s     set the refresh delay",
	"   x     toggle reason children (kvm_exit(REASON) ...)",
	"   any other key refreshes",
	"",
	"Latency p50/p99/max: exit -> entry for exit events and VM/vCPU rows",
	"(userspace round trip when the kernel has no exit tracepoint), and",
	"return to userspace -> next KVM_RUN for userspace exit rows.",
	"",
	"Press any key to return.",
	NULL,
};

static void draw_help(void)
{
	erase();
	for (int i = 0; help_lines[i] && i < LINES - 1; i++)
		mvprintw(i, 0, "%s", help_lines[i]);
	refresh();
}

/* bottom-line prompt; returns false on empty input */
static bool prompt(const char *q, char *buf, size_t size)
{
	move(LINES - 1, 0);
	clrtoeol();
	printw("%s", q);
	echo();
	curs_set(1);
	timeout(-1);
	buf[0] = '\0';
	getnstr(buf, (int)size - 1);
	noecho();
	curs_set(0);
	return buf[0] != '\0';
}

static void list_guests(struct tui *t, const struct ks_snapshot *cur)
{
	int y = 3;

	erase();
	mvprintw(0, 0, "Guests (pid, name):");
	for (size_t i = 0; i < cur->nvms && y < LINES - 2; i++, y++)
		mvprintw(y, 2, "%8d  %s%s", cur->vms[i].pid, cur->vms[i].name,
			 cur->vms[i].alive ? "" : " (DEAD)");
	(void)t;
	refresh();
}

/* 'c': no regex, pid or guest filter */
static void key_clear(struct tui *t)
{
	struct ks_opts *o = t->ctx->o;

	o->have_filter = false;
	o->filter_str = NULL;
	o->npids = 0;
	o->guest = NULL;
	ks_filters_changed(t->ctx);
	snprintf(t->msg, sizeof(t->msg), "filters cleared");
}

/* 'f': the events to show, by regex */
static void key_filter(struct tui *t)
{
	struct ks_opts *o = t->ctx->o;
	char buf[128];
	regex_t re;

	if (!prompt("Show events matching regex: ", buf, sizeof(buf)))
		return;
	if (regcomp(&re, buf, REG_EXTENDED | REG_NOSUB)) {
		snprintf(t->msg, sizeof(t->msg), "invalid regex '%s'", buf);
		return;
	}
	if (o->have_filter)
		regfree(&o->filter);
	o->filter = re;
	o->have_filter = true;
	snprintf(t->filter_buf, sizeof(t->filter_buf), "%s", buf);
	o->filter_str = t->filter_buf;
}

/* 'g': the guests to show, by name (glob) */
static void key_guest(struct tui *t, struct ks_snapshot *cur)
{
	struct ks_opts *o = t->ctx->o;
	char buf[128];

	list_guests(t, cur);
	if (!prompt("Show guest whose name matches: ", buf, sizeof(buf)))
		return;
	snprintf(t->guest_buf, sizeof(t->guest_buf), "%s", buf);
	o->guest = t->guest_buf;
	o->npids = 0;
	ks_filters_changed(t->ctx);
}

/* 'p': the guest to show, by pid */
static void key_pid(struct tui *t, struct ks_snapshot *cur)
{
	struct ks_opts *o = t->ctx->o;
	char buf[128], *end;
	long pid;

	list_guests(t, cur);
	if (!prompt("Show guest with PID: ", buf, sizeof(buf)))
		return;
	pid = strtol(buf, &end, 10);
	if (*end || pid <= 0) {
		snprintf(t->msg, sizeof(t->msg), "'%s' is not a pid", buf);
		return;
	}
	o->pids[0] = (int)pid;
	o->npids = 1;
	o->guest = NULL;
	ks_filters_changed(t->ctx);
}

/* 's': the refresh interval */
static void key_delay(struct tui *t)
{
	char buf[128], *end;
	double d;

	if (!prompt("Set delay (0.1-25.5 s): ", buf, sizeof(buf)))
		return;
	d = strtod(buf, &end);
	if (*end || d < 0.1 || d > 25.5)
		snprintf(t->msg, sizeof(t->msg), "'%s' is not a delay between 0.1 and 25.5", buf);
	else
		t->ctx->o->interval = d;
}

/* '1'..'8': sort by that column; again: the other direction */
static void key_sort_column(struct tui *t, int c)
{
	if (t->sort_col == c)
		t->sort_desc = !t->sort_desc;
	else
		t->sort_desc = c >= 2;
	t->sort_col = c;
}

/* '<', '>': the previous or next sort column */
static void key_sort_step(struct tui *t, int ch)
{
	do	/* the events view has no second label column */
		t->sort_col = (t->sort_col + (ch == '<' ? NCOLS - 1 : 1)) % NCOLS;
	while (t->sort_col == 1 && t->view == V_EVENTS);
}

static void handle_key(struct tui *t, int ch, struct ks_snapshot *cur)
{
	t->msg[0] = '\0';
	switch (ch) {
	case 'b': t->view = t->view == V_VMS ? V_EVENTS : V_VMS; break;
	case 'v': t->view = (t->view + 1) % V_NUM; break;
	case 'c': key_clear(t); break;
	case 'f': key_filter(t); break;
	case 'g': key_guest(t, cur); break;
	case 'p': key_pid(t, cur); break;
	case 'o':
		t->sort_col = t->sort_col == 4 ? 2 : 4;
		t->sort_desc = true;
		break;
	case '<':
	case '>': key_sort_step(t, ch); break;
	case 'r':
		ks_reset(t->ctx);
		snprintf(t->msg, sizeof(t->msg), "counts reset");
		break;
	case 's': key_delay(t); break;
	case 'x': t->children = !t->children; break;
	case 'h': t->help = true; break;
	default:
		if (ch >= '1' && ch < '1' + NCOLS)
			key_sort_column(t, ch - '1');
		break;
	}
}

/* the terminal as it was: what an error exit does first while the TUI is up */
static void tui_restore(void)
{
	endwin();
}

int ks_tui_run(struct ks_ctx *ctx)
{
	struct tui t = { .ctx = ctx, .view = V_EVENTS, .sort_col = 4, .sort_desc = true,
			 .full = true };
	struct ks_snapshot prev, cur;
	double first = 0.25;	/* kvm_stat: a quick first refresh */
	int rc = 0;

	ks_snapshot_init(&prev);
	ks_snapshot_init(&cur);
	if (ks_collect(ctx, &prev))
		return 1;
	ks_mark_ready(ctx->o->ready_file);
	if (!initscr()) {
		kvmla_err("cannot initialise the terminal");
		return 1;
	}
	kvmla_err_restore(tui_restore);	/* out of memory leaves curses first */
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	/* no typeahead poll between output chunks: one write per redraw */
	typeahead(-1);
	/*
	 * ncurses 6.4 flushes its output after every cursor move until the
	 * screen has once been left and resumed (_endwin stays "initial"):
	 * twenty-odd write()s per refresh instead of one.  Leave and resume
	 * once, before the first frame.
	 */
	endwin();
	refresh();
	ks_snapshot_copy(&cur, &prev);
	draw(&t, &cur, NULL);
	while (!ks_stopping()) {
		double wait = first ? first : ctx->o->interval;
		double due = cur.t + wait;	/* from the last sample, not the one before */
		double left_ms = (due - ks_now()) * 1000;
		int ch;

		/* whole ms, rounded up: one wake-up per refresh, not a spin to the due time */
		timeout(left_ms > 0 ? (int)left_ms + 1 : 0);
		ch = getch();
		if (ch == 'q')
			break;
		if (ch != ERR)
			t.full = true;	/* keys, prompts and help draw over the screen */
		if (ch != ERR && ch != KEY_RESIZE) {
			if (t.help) {
				t.help = false;
				draw(&t, &cur, &prev);
				continue;
			}
			handle_key(&t, ch, &cur);
			if (t.help) {
				draw_help();
				continue;
			}
			if (ch == 'r' || ch == 'c' || ch == 'g' || ch == 'p') {
				ks_collect(ctx, &prev);
				ks_snapshot_copy(&cur, &prev);
			}
			draw(&t, &cur, &prev);
			continue;
		}
		if (ch == KEY_RESIZE) {
			draw(&t, &cur, &prev);
			continue;
		}
		if (ks_now() < due)
			continue;
		first = 0;
		ks_snapshot_swap(&prev, &cur);
		if (ks_collect(ctx, &cur)) {
			rc = 1;
			break;
		}
		if (ctx->o->listen)
			ks_metrics_update(ctx, &cur);
		if (!t.help)
			draw(&t, &cur, &prev);
	}
	endwin();
	kvmla_err_restore(NULL);
	cache_drop(&t);
	free(t.rows);
	ks_snapshot_free(&prev);
	ks_snapshot_free(&cur);
	return rc;
}
