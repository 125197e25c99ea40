// SPDX-License-Identifier: GPL-2.0
/*
 * -l / -L FILE / -c: kvm_stat's log modes.  One line of per-interval deltas;
 * the text header repeats every 20 lines, the CSV header is written once per
 * file.  SIGHUP reopens FILE (logrotate); SIGTERM writes the partial last
 * interval before exiting, so no interval is lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "collect.h"

static FILE *logf;
static const char *log_path;
static struct ks_ctx *log_ctx;
static bool csv;
static int *cols;
static int ncols;
static int lines;

static void header(struct ks_ctx *ctx)
{
	if (csv) {
		fprintf(logf, "timestamp");
		for (int i = 0; i < ncols; i++)
			fprintf(logf, ",%s", ctx->prof.ev[cols[i]].name);
		fprintf(logf, "\n");
		return;
	}
	fprintf(logf, "%-19s", "time");
	for (int i = 0; i < ncols; i++)
		fprintf(logf, " %s", ctx->prof.ev[cols[i]].name);
	fprintf(logf, "\n");
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
	if (open_file()) {
		ks_err(ctx->o, "cannot open log file %s", log_path);
		return -1;
	}
	if (file_empty() || !csv)
		header(ctx);
	fflush(logf);
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
	fflush(logf);
	lines = 0;
}

int ks_log_write(struct ks_ctx *ctx, const struct ks_snapshot *cur, const struct ks_snapshot *prev)
{
	char ts[32];
	time_t t = (time_t)cur->wall;
	struct tm tm;

	log_ctx = ctx;
	if (!logf)
		return -1;
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	if (!csv && lines && lines % 20 == 0)
		header(ctx);
	fprintf(logf, csv ? "%s" : "%-19s", ts);
	for (int i = 0; i < ncols; i++) {
		unsigned long long a = ks_sum(cur, -1, -2, cols[i], true, 0);
		unsigned long long b = prev ? ks_sum(prev, -1, -2, cols[i], true, 0) : 0;
		unsigned long long d = a >= b ? a - b : 0;

		if (csv)
			fprintf(logf, ",%llu", d);
		else
			fprintf(logf, " %*llu", (int)strlen(ctx->prof.ev[cols[i]].name), d);
	}
	fprintf(logf, "\n");
	fflush(logf);
	lines++;
	return 0;
}

void ks_log_close(void)
{
	if (logf && logf != stdout)
		fclose(logf);
	logf = NULL;
	free(cols);
	cols = NULL;
	ncols = 0;
}
