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
 * process per input; here one long-lived probe worker opens what
 * tv_reader_open would open (the input, or its headers' stub) when asked
 * through a pipe (tv_reader_set_probe).  The worker is fuzz_probe, next to
 * this program, started with posix_spawn under lighter ASan options
 * (fuzz_probe.c); without it, a fork of this process.  When the worker
 * dies (the library crashed on the input) or hangs, the input is rejected
 * and a new worker is started.  tv_reader_cache_headers: an input whose
 * header block was seen lately is neither probed nor parsed again.
 * FUZZ_READER_OLD=1: the forked worker and no cache (bench/fuzz-rate.sh's
 * peer).
 * Built with -DFUZZ_MAIN (gcc), it replays the files given as arguments.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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

/*
 * A worker that has not answered in this time is taken as looping (read.c
 * waits 10 s).  The slowest open of a 64 KiB input takes tens of ms here
 * even on a loaded machine; a library loop costs this much CPU per input.
 */
#define WORKER_MS 1000
#define HEADER_CACHE 64		/* header blocks kept (tv_reader_cache_headers) */
/* counted for the summary at exit (bench/fuzz-rate.sh) */
static unsigned long n_inputs, n_probes, n_workers;

static int memfd = -1;
static char path[64];
static pid_t worker = -1;
static char helper[4096];	/* fuzz_probe's path, "" to fork instead */
static char **helper_env;
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

/*
 * The helper's ASan options: ours (allocator_may_return_null...) and then
 * lighter ones.  An allocation libFuzzer would call a crash here
 * (-malloc_limit_mb, run.sh's -rss_limit_mb=1024) kills the helper instead.
 */
#define HELPER_ASAN "detect_leaks=0:malloc_context_size=0:quarantine_size_mb=0:symbolize=0:" \
		    "max_allocation_size_mb=1024:allocator_may_return_null=0"
extern char **environ;

/* fuzz_probe next to this program, and its environment: "" when missing */
static void helper_find(void)
{
	ssize_t n = readlink("/proc/self/exe", helper, sizeof(helper) - 16);
	const char *asan = getenv("ASAN_OPTIONS");
	size_t ne = 0, k = 0;
	char *slash;

	if (n <= 0 || getenv("FUZZ_READER_OLD"))
		goto none;
	helper[n] = '\0';
	slash = strrchr(helper, '/');
	if (!slash)
		goto none;
	strcpy(slash + 1, "fuzz_probe");
	if (access(helper, X_OK))
		goto none;
	while (environ[ne])
		ne++;
	helper_env = calloc(ne + 2, sizeof(*helper_env));
	if (!helper_env || asprintf(&helper_env[k++], "ASAN_OPTIONS=%s%s" HELPER_ASAN,
				    asan ? asan : "", asan ? ":" : "") < 0)
		goto none;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(environ[i], "ASAN_OPTIONS=", 13))
			helper_env[k++] = environ[i];
	return;
none:
	helper[0] = '\0';
}

/* fuzz_probe with its stdin and stdout on our pipes, stderr on /dev/null */
static pid_t helper_spawn(int in, int out)
{
	char *argv[] = { helper, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	pid_t pid;
	int r;

	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	r = posix_spawn(&pid, helper, &fa, &at, argv, helper_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return r ? -1 : pid;
}

static int worker_start(void)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		return -1;
	if (helper[0]) {
		worker = helper_spawn(a[0], b[1]);
	} else {
		fflush(NULL);
		worker = fork();
		if (worker == 0) {
			close(a[1]);
			close(b[0]);
			worker_loop(a[0], b[1]);
		}
	}
	n_workers += worker > 0;
	if (worker < 0) {
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		return -1;
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
	n_probes++;
	if (worker < 0 && worker_start())
		return -1;
	if (write(to_w, msg, n + 1) != n + 1)
		goto dead;
	p.fd = from_w;
	p.events = POLLIN;
	if (poll(&p, 1, WORKER_MS) != 1 || read(from_w, &c, 1) != 1)
		goto dead;
	return c == '0' ? 0 : -1;
dead:
	worker_stop();
	return -1;
}

static void summary(void)
{
	fprintf(stderr, "fuzz_reader: %lu inputs, %lu probed, %lu probe workers started\n",
		n_inputs, n_probes, n_workers);
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
	helper_find();
	fprintf(stderr, "fuzz_reader: probe worker: %s\n",
		helper[0] ? helper : "a fork of this process");
	/* most inputs keep the headers of the one they were mutated from */
	if (!getenv("FUZZ_READER_OLD"))
		tv_reader_cache_headers(getenv("FUZZ_READER_CACHE") ?
					atoi(getenv("FUZZ_READER_CACHE")) : HEADER_CACHE);
	atexit(summary);
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
	n_inputs++;
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
