// SPDX-License-Identifier: GPL-2.0
/*
 * -l / -L FILE / -c: kvm_stat's log modes.  One line of per-interval deltas;
 * the text header repeats every 20 lines, the CSV header is written once per
 * file.  SIGHUP reopens FILE (logrotate); SIGTERM writes the partial last
 * interval before exiting, so no interval is lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "collect.h"

static FILE *logf;
static const char *log_path;
static struct ks_ctx *log_ctx;
static bool csv;
static int *cols;
static int ncols;
static int lines;
static char *line;		/* one log line */
static int *widths;		/* text columns: the event name's width */
static size_t line_cap;
static unsigned long long *totals;	/* per-event totals: this sample, the previous one */
static char *hdr;		/* the header line */

static void write_line(const char *p, size_t n);
static int write_errno;		/* the first failed write's errno */

/* the header line, built once (ks_log_open) */
static void header(struct ks_ctx *ctx)
{
	(void)ctx;
	if (hdr)
		write_line(hdr, strlen(hdr));
}

static int build_header(struct ks_ctx *ctx)
{
	size_t cap = 32, k;

	for (int i = 0; i < ncols; i++)
		cap += 2 + strlen(ctx->prof.ev[cols[i]].name);
	hdr = malloc(cap);
	if (!hdr)
		return -1;
	k = snprintf(hdr, cap, csv ? "timestamp" : "%-19s", "time");
	for (int i = 0; i < ncols; i++)
		k += snprintf(hdr + k, cap - k, "%c%s", csv ? ',' : ' ', ctx->prof.ev[cols[i]].name);
	snprintf(hdr + k, cap - k, "\n");
	return 0;
}

static int open_file(void)
{
	if (!log_path) {
		logf = stdout;
		return 0;
	}
	logf = fopen(log_path, "a");
	return logf ? 0 : -1;
}

static bool file_empty(void)
{
	struct stat st;

	return logf == stdout || (!fstat(fileno(logf), &st) && st.st_size == 0);
}

int ks_log_open(struct ks_ctx *ctx)
{
	struct ks_snapshot s;

	log_ctx = ctx;
	csv = ctx->o->csv;
	log_path = ctx->o->log_file;
	cols = calloc(ctx->prof.nev + 1, sizeof(int));
	if (!cols)
		return -1;
	ks_snapshot_init(&s);
	if (ctx->o->zero)
		ks_collect(ctx, &s);
	for (int i = 0; i < ctx->prof.nev; i++) {
		if (!ks_event_selected(ctx, i))
			continue;
		if (ctx->o->zero && !ks_sum(&s, -1, -2, i, true, 0))
			continue;
		cols[ncols++] = i;
	}
	ks_snapshot_free(&s);
	/* the line and the totals are allocated once: a write allocates nothing */
	line_cap = 32;
	widths = calloc(ncols + 1, sizeof(*widths));
	if (!widths)
		return -1;
	for (int i = 0; i < ncols; i++) {
		widths[i] = (int)strlen(ctx->prof.ev[cols[i]].name);
		line_cap += 22 + widths[i];
	}
	line = malloc(line_cap);
	totals = calloc(2 * (size_t)ctx->prof.nev + 2, sizeof(*totals));
	if (!line || !totals || build_header(ctx))
		return -1;
	if (open_file()) {
		kvmla_err("cannot open log file %s", log_path);
		return -1;
	}
	if (file_empty() || !csv)
		header(ctx);
	lines = 0;
	return 0;
}

void ks_log_reopen(void)
{
	if (!log_path || !logf)
		return;
	fclose(logf);
	if (open_file())
		return;
	if (file_empty() && log_ctx)
		header(log_ctx);
	lines = 0;
}

/* per-event totals of a snapshot, one pass (out: nev entries) */
static void event_totals(const struct ks_snapshot *s, unsigned long long *out, int nev)
{
	memset(out, 0, nev * sizeof(*out));
	for (size_t i = 0; s && i < s->ncounts; i++)
		if (s->counts[i].event >= 0 && s->counts[i].event < nev)
			out[s->counts[i].event] += s->counts[i].count;
}

/* v right-aligned in width columns at p (no printf: this runs every interval) */
static char *put_u64(char *p, unsigned long long v, int width)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (int i = n; i < width; i++)
		*p++ = ' ';
	while (n)
		*p++ = d[--n];
	return p;
}

/*
 * "YYYY-MM-DD HH:MM:SS" local time; localtime_r() and strftime() run once a
 * minute, the seconds are counted on from there.
 */
static void fmt_time(time_t t, char *out)
{
	static time_t base_t = -1;
	static struct tm base;
	static char prefix[24];
	long sec = base.tm_sec + (long)(t - base_t);

	if (base_t < 0 || t < base_t || sec > 59) {
		localtime_r(&t, &base);
		strftime(prefix, sizeof(prefix), "%Y-%m-%d %H:%M:", &base);
		base_t = t;
		sec = base.tm_sec;
	}
	memcpy(out, prefix, 17);
	out[17] = (char)('0' + sec / 10);
	out[18] = (char)('0' + sec % 10);
	out[19] = '\0';
}

/* the whole line in one write(2): stdio would copy it and flush it anyway */
static void write_line(const char *p, size_t n)
{
	int fd = fileno(logf);

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!write_errno)
				write_errno = w < 0 ? errno : ENOSPC;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

int ks_log_write(struct ks_ctx *ctx, const struct ks_snapshot *cur, const struct ks_snapshot *prev)
{
	int nev = ctx->prof.nev;
	unsigned long long *a = totals, *b = totals + nev + 1;
	char *p = line;

	log_ctx = ctx;
	if (!logf || !line || !totals)
		return -1;
	event_totals(cur, a, nev);
	event_totals(prev, b, nev);
	if (!csv && lines && lines % 20 == 0)
		header(ctx);
	fmt_time((time_t)cur->wall, p);	/* 19 characters: csv and text alike */
	p += 19;
	for (int i = 0; i < ncols; i++) {
		unsigned long long d = a[cols[i]] >= b[cols[i]] ? a[cols[i]] - b[cols[i]] : 0;

		*p++ = csv ? ',' : ' ';
		p = put_u64(p, d, csv ? 0 : widths[i]);
	}
	*p++ = '\n';
	write_line(line, (size_t)(p - line));
	lines++;
	return write_errno ? -write_errno : 0;
}

/* where the log goes, for an error line */
const char *ks_log_name(void)
{
	return log_path ? log_path : "standard output";
}

void ks_log_close(void)
{
	if (logf && logf != stdout)
		fclose(logf);
	logf = NULL;
	free(cols);
	cols = NULL;
	ncols = 0;
	free(line);
	line = NULL;
	free(hdr);
	hdr = NULL;
	free(widths);
	widths = NULL;
	free(totals);
	totals = NULL;
}
