/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h: the bottom of kvmstat-la.  The clock, the signals that end or
 * reopen a run, and the --ready file; every other file may call these, and
 * util.c calls none of them back.  kvmstat-la.c (main) sits on top: no other
 * file uses a symbol it defines (tests/build checks this with nm).
 */
#ifndef KVMSTAT_LA_UTIL_H
#define KVMSTAT_LA_UTIL_H

#include <stdbool.h>

/* CLOCK_MONOTONIC in seconds */
double ks_now(void);
/* sleep up to secs; returns early on a signal */
void ks_nap(double secs);

/*
 * SIGINT and SIGTERM end the run; SIGHUP reopens the log file when
 * hup_reopens (-L FILE), else it ends the run too.  SIGPIPE is ignored.
 */
void ks_signals_init(bool hup_reopens);
bool ks_stopping(void);
/* a SIGHUP asked for the log to be reopened; _take also clears it */
bool ks_hup_pending(void);
bool ks_hup_take(void);

/* --ready FILE: create it (empty) once collection has started; NULL: nothing */
void ks_mark_ready(const char *ready_file);

#endif /* KVMSTAT_LA_UTIL_H */
