// SPDX-License-Identifier: GPL-2.0
/*
 * util.c: kvmstat-la's clock, run-ending signals and --ready file (util.h).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "util.h"

static volatile sig_atomic_t stop_flag, hup_flag;
static bool hup_reopens;	/* -L FILE: SIGHUP reopens it; otherwise a hangup ends us */

double ks_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ks_nap(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	nanosleep(&ts, NULL);
}

static void on_signal(int sig)
{
	if (sig == SIGHUP && hup_reopens)
		hup_flag = 1;
	else
		stop_flag = 1;
}

void ks_signals_init(bool reopens)
{
	struct sigaction sa;

	hup_reopens = reopens;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool ks_stopping(void)
{
	return stop_flag;
}

bool ks_hup_pending(void)
{
	return hup_flag;
}

bool ks_hup_take(void)
{
	if (!hup_flag)
		return false;
	hup_flag = 0;
	return true;
}

void ks_mark_ready(const char *ready_file)
{
	FILE *f;

	if (!ready_file)
		return;
	f = fopen(ready_file, "w");
	if (f)
		fclose(f);
}
