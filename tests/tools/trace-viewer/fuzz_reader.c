// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over trace-viewer's reader: the input is a whole
 * trace.dat; it is opened (libtracecmd), decoded, analysed and rendered as
 * text and JSON.  Any input must give an error or a report, never a crash.
 *
 * Speed (docs/testing.md, "Fuzzing"): the input goes into one memfd made
 * once and rewritten per input (no file per input).  trace-viewer's own
 * probe (read.c: a fork per file, so that a format text libtraceevent
 * cannot survive is an error, not a crash) costs a fork of this large
 * process per input; here one long-lived probe worker, forked once, opens
 * what tv_reader_open would open (the input, or the stub of a cut file)
 * when asked through a pipe (tv_reader_set_probe).  When the worker dies
 * (the library crashed on the input) or hangs, the input is rejected and
 * a new worker is forked.
 * Built with -DFUZZ_MAIN (gcc), it replays the files given as arguments.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "../../../tools/trace-viewer/trace-viewer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORKER_SECONDS 10	/* read.c's PROBE_SECONDS */

static int memfd = -1;
static char path[64];
static pid_t worker = -1;
static int to_w = -1, from_w = -1;
static char *volatile leaked;

void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void worker_died(void)
{
	_exit(3);
}

static void worker_sig(int sig)
{
	(void)sig;
	_exit(3);
}

/*
 * The worker: a path in per input (a NUL-ended line), one byte out ('0'
 * opened, '2' refused).  The paths are /proc/<our pid>/fd/N.
 */
static void worker_loop(int in, int out)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = worker_sig };
	int nul = open("/dev/null", O_WRONLY);
	char p[128];

	/* a library crash here is the expected outcome of a bad input: no
	 * sanitizer report, no crash-* artifact from libFuzzer's callback */
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(worker_died);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	if (nul >= 0)
		dup2(nul, 2);
	while (read(in, p, sizeof(p)) > 0) {
		struct tracecmd_input *h;
		char c;

		p[sizeof(p) - 1] = '\0';
		h = tracecmd_open(p, TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
		c = h ? '0' : '2';
		if (h)
			tracecmd_close(h);
		if (write(out, &c, 1) != 1)
			break;
	}
	_exit(0);
}

static void worker_stop(void)
{
	if (worker > 0) {
		kill(worker, SIGKILL);
		waitpid(worker, NULL, 0);
	}
	if (to_w >= 0)
		close(to_w);
	if (from_w >= 0)
		close(from_w);
	worker = -1;
	to_w = from_w = -1;
}

static int worker_start(void)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		return -1;
	fflush(NULL);
	worker = fork();
	if (worker < 0)
		return -1;
	if (worker == 0) {
		close(a[1]);
		close(b[0]);
		worker_loop(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	to_w = a[1];
	from_w = b[0];
	return 0;
}

/* tv_reader_open's probe: 0 when libtracecmd opens path without dying or hanging. */
static int probe(const char *file)
{
	struct pollfd p;
	char msg[128], c;
	int n;

	/* /proc/self/fd/N is ours: the worker reads it as /proc/<pid>/fd/N */
	if (strncmp(file, "/proc/self/", 11))
		return -1;
	n = snprintf(msg, sizeof(msg), "/proc/%d/%s", (int)getpid(), file + 11);
	if (n < 0 || n >= (int)sizeof(msg))
		return -1;
	if (worker < 0 && worker_start())
		return -1;
	if (write(to_w, msg, n + 1) != n + 1)
		goto dead;
	p.fd = from_w;
	p.events = POLLIN;
	if (poll(&p, 1, WORKER_SECONDS * 1000) != 1 || read(from_w, &c, 1) != 1)
		goto dead;
	return c == '0' ? 0 : -1;
dead:
	worker_stop();
	return -1;
}

static int setup_once(void)
{
	if (memfd >= 0)
		return 0;
	memfd = memfd_create("fuzz.dat", 0);
	if (memfd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	/* bench/fuzz-rate.sh's peer: read.c's own probe, a fork per input */
	if (!getenv("FUZZ_READER_FORK_PROBE"))
		tv_reader_set_probe(probe);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static struct tv_analysis an;
	struct tv_reader *rd;
	char err[256];

	/* rewritten in place, then cut to size: truncating to 0 first would
	 * free and fault in its pages again every time */
	if (setup_once() || pwrite(memfd, data, size, 0) != (ssize_t)size ||
	    ftruncate(memfd, size))
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	/* run.sh's proof that lsan.supp hides none of our leaks */
	if (getenv("FUZZ_READER_LEAK")) {
		leaked = strdup("a leak of ours");
		leaked = NULL;
	}
	rd = tv_reader_open(path, err, sizeof(err));
	if (rd) {
		/* static: the analysis is large, and fresh pages per input cost */
		tv_an_init(&an, NULL, tv_reader_profile(rd));
		if (!tv_reader_run(rd, &an, NULL, NULL) && !tv_an_finish(&an)) {
			tv_report_text(null, &an, path);
			tv_report_json(null, &an, path);
		}
		tv_an_free(&an);
		tv_reader_close(rd);
	}
	return 0;
}

#ifdef FUZZ_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t buf[1 << 22];
		size_t n;

		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
