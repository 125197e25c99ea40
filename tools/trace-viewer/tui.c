// SPDX-License-Identifier: GPL-2.0
/*
 * trace-viewer view: an ncurses timeline browser over a finished analysis
 * (records kept).  One row per vCPU over the whole window at first; each
 * column is an equal slice of the range shown (the last one ends at its
 * end), in the state that held the vCPU longest in it.  Keys:
 *   left/right h/l   move the cursor (the view pans when it leaves)
 *   PgUp/PgDn H/L    pan a screen            up/down k/j    select a vCPU
 *   + / -            zoom in / out around the cursor
 *   n / N            next / previous slow exit (any vCPU)
 *   0 / $            start / end             q              quit
 * The bottom lines show the record nearest the cursor on the selected vCPU.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvmla-tools.h"
#include "trace-viewer.h"

struct change { uint64_t ts; uint8_t st; };
struct vline {
	uint32_t tid;
	int vidx;
	struct change *ch;	/* state changes */
	size_t n, cap;
	size_t *recs;		/* indexes of this vCPU's records */
	size_t nrecs, caprecs;
};
struct slowx { uint64_t ts, lat; int row; int reason; };

struct view {
	struct tv_analysis *an;
	struct vline *rows;
	int nrows;
	struct slowx *slow;
	size_t nslow, capslow;
	uint64_t t0, t1, start, span, cursor;
	int sel;
};

static int push(void **v, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		void *p = realloc(*v, nc * sz);

		if (!p)
			return -1;
		*v = p;
		*cap = nc;
	}
	return 0;
}

static int build(struct view *w)
{
	struct tv_analysis *an = w->an;
	uint64_t *exit_ts;
	int *exit_reason;

	w->rows = calloc(an->nr_vcpus + 1, sizeof(*w->rows));
	exit_ts = calloc(an->nr_vcpus + 1, sizeof(*exit_ts));
	exit_reason = calloc(an->nr_vcpus + 1, sizeof(*exit_reason));
	if (!w->rows || !exit_ts || !exit_reason)
		return -1;
	for (unsigned int i = 0; i < an->nr_vcpus; i++)
		if (tv_vcpu_active(&an->vcpus[i])) {
			w->rows[w->nrows].tid = an->vcpus[i].tid;
			w->rows[w->nrows++].vidx = (int)i;
		}
	for (size_t i = 0; i < an->nr_recs; i++) {
		const struct tv_rec *r = &an->recs[i];
		struct vline *l = NULL;
		int row, st = -1;

		for (row = 0; row < w->nrows; row++)
			if (w->rows[row].tid == r->tid) {
				l = &w->rows[row];
				break;
			}
		if (!l)
			continue;
		if (push((void **)&l->recs, &l->nrecs, &l->caprecs, sizeof(*l->recs)))
			return -1;
		l->recs[l->nrecs++] = i;
		switch (r->kind) {
		case TV_ENTRY: st = TV_ST_GUEST; break;
		case TV_RUN: st = an->seen_entry ? TV_ST_KERNEL : TV_ST_GUEST; break;
		case TV_EXIT: {
			int ri = tv_reason_find(an, tv_reason_key(an->profile == TV_PROFILE_X86 ? r->isa : 0,
								  r->reason));

			st = ri >= 0 && an->reasons[ri].halt ? TV_ST_HALTED : TV_ST_KERNEL;
			exit_ts[row] = r->ts;
			exit_reason[row] = ri;
			break;
		}
		case TV_UEXIT:
			st = r->reason == TV_KVM_EXIT_HLT ? TV_ST_HALTED : TV_ST_USER;
			if (!exit_ts[row]) {
				exit_ts[row] = r->ts;
				exit_reason[row] = tv_reason_find(an, tv_reason_key(TV_ISA_UEXIT, r->reason));
			}
			break;
		case TV_IDLE: st = TV_ST_HALTED; break;
		default: break;
		}
		if ((r->kind == TV_ENTRY || (r->kind == TV_RUN && !an->seen_entry)) && exit_ts[row]) {
			uint64_t lat = r->ts - exit_ts[row];

			if (lat >= an->opts.slow_ns) {
				if (push((void **)&w->slow, &w->nslow, &w->capslow, sizeof(*w->slow)))
					return -1;
				w->slow[w->nslow++] = (struct slowx){ exit_ts[row], lat, row, exit_reason[row] };
			}
			exit_ts[row] = 0;
		}
		if (st >= 0) {
			if (push((void **)&l->ch, &l->n, &l->cap, sizeof(*l->ch)))
				return -1;
			l->ch[l->n++] = (struct change){ r->ts, (uint8_t)st };
		}
	}
	free(exit_ts);
	free(exit_reason);
	w->t0 = an->win_first;
	w->t1 = an->win_last > an->win_first ? an->win_last : an->win_first + 1;
	w->start = w->t0;
	w->span = w->t1 - w->t0;
	w->cursor = w->t0;
	return 0;
}

static int state_at(const struct vline *l, uint64_t t)
{
	size_t lo = 0, hi = l->n;

	if (!l->n || t < l->ch[0].ts)
		return -1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (l->ch[mid].ts <= t)
			lo = mid;
		else
			hi = mid;
	}
	return l->ch[lo].st;
}

/* the state that held l longest in [a, b) (up to the window's end t1); -1: none */
static int state_over(const struct vline *l, uint64_t a, uint64_t b, uint64_t t1)
{
	uint64_t ns[TV_ST_NUM] = { 0 };
	size_t i = 0, lo = 0, hi = l->n;
	int best = -1;

	if (b <= a)
		return state_at(l, a);
	while (hi - lo > 1) {	/* the last change at or before a */
		size_t mid = (lo + hi) / 2;

		if (l->ch[mid].ts <= a)
			lo = mid;
		else
			hi = mid;
	}
	for (i = lo; i < l->n && l->ch[i].ts < b; i++) {
		uint64_t s = l->ch[i].ts > a ? l->ch[i].ts : a;
		uint64_t e = i + 1 < l->n ? l->ch[i + 1].ts : t1;

		if (e > b)
			e = b;
		if (e > s && l->ch[i].st < TV_ST_NUM)
			ns[l->ch[i].st] += e - s;
	}
	for (int st = 0; st < TV_ST_NUM; st++)
		if (ns[st] && (best < 0 || ns[st] > ns[best]))
			best = st;
	return best;
}

/* column x of cols over the view: [*a, *b), the last one ending at the view's end */
static void column(const struct view *w, int x, int cols, uint64_t *a, uint64_t *b)
{
	*a = w->start + (uint64_t)((double)w->span * x / cols);
	*b = x + 1 == cols ? w->start + w->span : w->start + (uint64_t)((double)w->span * (x + 1) / cols);
}

static const struct tv_rec *nearest(const struct view *w, const struct vline *l, uint64_t t)
{
	size_t lo = 0, hi = l->nrecs;

	if (!l->nrecs)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (w->an->recs[l->recs[mid]].ts <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &w->an->recs[l->recs[lo]];
}

static void draw(struct view *w, const char *path, const char *msg)
{
	int H, W, L = 22, cols;
	char a[24], b[24], c[24], d[24];
	const struct tv_rec *r;

	getmaxyx(stdscr, H, W);
	erase();
	cols = W - L - 1;
	if (cols < 10 || H < 8) {
		mvprintw(0, 0, "terminal too small");
		refresh();
		return;
	}
	attron(A_BOLD);
	if (w->an->cut.on)	/* a cut file: say so in the title, as the reports do */
		mvprintw(0, 0, "trace-viewer view: %.*s  [CUT SHORT at byte %llu: %u CPUs lost data]",
			 W > 80 ? W - 70 : 10, path, (unsigned long long)w->an->cut.at, w->an->cut.ncpus);
	else
		mvprintw(0, 0, "trace-viewer view: %.*s", W - 20, path);
	attroff(A_BOLD);
	mvprintw(1, 0, "range %s..", tv_fmt_ns(a, sizeof(a), w->start - w->t0));
	printw("%s of %s  cursor %s  (%zu slow exits >= %s)  ? help",
	       tv_fmt_ns(a, sizeof(a), w->start + w->span - w->t0), tv_fmt_ns(b, sizeof(b), w->t1 - w->t0),
	       tv_fmt_ns(c, sizeof(c), w->cursor - w->t0), w->nslow, tv_fmt_ns(d, sizeof(d), w->an->opts.slow_ns));
	mvprintw(2, 0, "range (ns) %" PRIu64 "..%" PRIu64 "  zoom with + -, pan with h l or H L",
		 w->start, w->start + w->span);
	for (int row = 0; row < w->nrows && row + 3 < H - 5; row++) {
		const struct vline *l = &w->rows[row];
		const struct tv_vcpu *v = &w->an->vcpus[l->vidx];

		if (row == w->sel)
			attron(A_REVERSE);
		mvprintw(row + 3, 0, "%-8.8s v%-3d %7u", v->comm[0] ? v->comm : "-",
			 v->vcpu_id == TV_NO_VCPU ? -1 : (int)v->vcpu_id, v->tid);
		if (row == w->sel)
			attroff(A_REVERSE);
		for (int x = 0; x < cols; x++) {
			uint64_t t, e;
			int st;
			chtype ch;

			column(w, x, cols, &t, &e);
			st = state_over(l, t, e, w->t1);
			ch = st < 0 ? ' ' : "gkuh"[st];
			if (has_colors() && st >= 0)
				ch = ' ' | COLOR_PAIR(st + 1);
			if (w->cursor >= t && (w->cursor < e || x + 1 == cols))
				ch = '|' | A_BOLD;
			mvaddch(row + 3, L + x, ch);
		}
	}
	mvprintw(H - 4, 0, "legend: guest=g kernel=k userspace=u halted=h (colours when available)");
	if (w->nrows && (r = nearest(w, &w->rows[w->sel], w->cursor))) {
		const char *en = w->an->evname && r->evid < w->an->nr_evcount && w->an->evname[r->evid][0]
				 ? w->an->evname[r->evid] : "?";
		int ri = r->kind == TV_EXIT ?
			 tv_reason_find(w->an, tv_reason_key(w->an->profile == TV_PROFILE_X86 ? r->isa : 0,
							     r->reason)) :
			 r->kind == TV_UEXIT ? tv_reason_find(w->an, tv_reason_key(TV_ISA_UEXIT, r->reason)) : -1;

		mvprintw(H - 3, 0, "event: %s at %s cpu %u tid %u vcpu %d%s%s",
			 en, tv_fmt_ns(a, sizeof(a), r->ts - w->t0), r->cpu, r->tid,
			 r->vcpu == TV_NO_VCPU ? -1 : (int)r->vcpu, ri >= 0 ? " reason " : "",
			 ri >= 0 ? w->an->reasons[ri].name : "");
		mvprintw(H - 2, 0, "       a=0x%x b=0x%x c=0x%x x=0x%" PRIx64, r->arg1, r->arg2, r->arg3,
			 r->arg64);
	}
	if (msg)
		mvprintw(H - 1, 0, "%.*s", W - 1, msg);
	refresh();
}

static void clamp(struct view *w)
{
	if (w->span < 100)
		w->span = 100;
	if (w->span > w->t1 - w->t0)
		w->span = w->t1 - w->t0;
	if (w->start < w->t0)
		w->start = w->t0;
	if (w->start + w->span > w->t1)
		w->start = w->t1 - w->span;
	if (w->cursor < w->t0)
		w->cursor = w->t0;
	if (w->cursor > w->t1)
		w->cursor = w->t1;
	if (w->cursor < w->start)
		w->start = w->cursor;
	if (w->cursor >= w->start + w->span)
		w->start = w->cursor - w->span / 2 > w->t0 ? w->cursor - w->span / 2 : w->t0;
	if (w->start + w->span > w->t1)
		w->start = w->t1 - w->span;
}

static void jump(struct view *w, bool fwd, char *msg, size_t len)
{
	const struct slowx *best = NULL;
	char a[24];

	for (size_t i = 0; i < w->nslow; i++) {
		const struct slowx *s = &w->slow[i];

		if (fwd ? s->ts > w->cursor && (!best || s->ts < best->ts)
			: s->ts < w->cursor && (!best || s->ts > best->ts))
			best = s;
	}
	if (!best) {
		snprintf(msg, len, "no %s slow exit", fwd ? "later" : "earlier");
		return;
	}
	w->cursor = best->ts;
	w->sel = best->row;
	snprintf(msg, len, "slow exit: %s, %s", best->reason >= 0 ? w->an->reasons[best->reason].name : "?",
		 tv_fmt_ns(a, sizeof(a), best->lat));
}

int tv_tui_run(struct tv_analysis *an, const char *path)
{
	struct view w = { .an = an };
	char msg[160] = "";
	int ch, cols;

	if (!isatty(0) || !isatty(1)) {
		kvmla_err("view: needs a terminal (use the report, --json or --html)");
		return -1;
	}
	if (build(&w)) {
		kvmla_err("view: out of memory");
		return -1;
	}
	if (!w.nrows) {
		kvmla_err("view: no vCPU activity in %s", path);
		return -1;
	}
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		init_pair(1, COLOR_BLACK, COLOR_GREEN);
		init_pair(2, COLOR_BLACK, COLOR_YELLOW);
		init_pair(3, COLOR_BLACK, COLOR_RED);
		init_pair(4, COLOR_BLACK, COLOR_BLUE);
	}
	for (;;) {
		draw(&w, path, msg[0] ? msg : NULL);
		msg[0] = 0;
		ch = getch();
		cols = COLS > 30 ? COLS - 23 : 10;
		switch (ch) {
		case 'q': case 'Q': case 27: goto out;
		case KEY_LEFT: case 'h':
			w.cursor = w.cursor > w.t0 + w.span / cols ? w.cursor - w.span / cols : w.t0;
			break;
		case KEY_RIGHT: case 'l': w.cursor += w.span / cols + 1; break;
		case KEY_PPAGE: case 'H':
			w.start = w.start > w.t0 + w.span ? w.start - w.span : w.t0;
			w.cursor = w.start + w.span / 2;
			break;
		case KEY_NPAGE: case 'L': w.start += w.span; w.cursor = w.start + w.span / 2; break;
		case '+': case '=': w.span /= 2; w.start = w.cursor > w.span / 2 ? w.cursor - w.span / 2 : 0; break;
		case '-': w.span *= 2; w.start = w.cursor > w.span / 2 ? w.cursor - w.span / 2 : 0; break;
		case KEY_UP: case 'k': if (w.sel > 0) w.sel--; break;
		case KEY_DOWN: case 'j': if (w.sel + 1 < w.nrows) w.sel++; break;
		case 'n': jump(&w, true, msg, sizeof(msg)); break;
		case 'N': jump(&w, false, msg, sizeof(msg)); break;
		case '0': case KEY_HOME: w.cursor = w.t0; break;
		case '$': case KEY_END: w.cursor = w.t1; break;
		case '?':
			snprintf(msg, sizeof(msg), "arrows/hjkl move, PgUp/PgDn or H/L pan, +/- zoom, "
				 "n/N slow exit, 0/$ ends, q quit");
			break;
		default: break;
		}
		clamp(&w);
	}
out:
	endwin();
	for (int i = 0; i < w.nrows; i++) {
		free(w.rows[i].ch);
		free(w.rows[i].recs);
	}
	free(w.rows);
	free(w.slow);
	return 0;
}
