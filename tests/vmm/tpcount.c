// SPDX-License-Identifier: GPL-2.0
/*
 * tpcount: counts tracepoint hits caused by one command and everything it
 * starts (threads, forked and re-executed children), and nothing else.
 *
 *   tpcount [-o FILE] [-e SYS:EVENT[/FILTER/]]... -- COMMAND [ARGS...]
 *
 * It forks, opens one perf counter per event on the child with
 * PERF_TYPE_TRACEPOINT (config = the event id from tracefs), inherit = 1
 * and enable_on_exec = 1, then lets the child exec COMMAND.  After COMMAND
 * exits (and so, for kvmla-vmm, all its VM processes), the inherited counts
 * are summed into each counter.  Output: one line per event, "COUNT SPEC",
 * to FILE (default stderr).  Exit status: COMMAND's; 1 or 2 on own errors.
 *
 * Other processes' events (other VMs on the same host) are not counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EVENTS 32

struct event {
	const char *spec;	/* as given */
	char sys[64], name[64], filter[256];
	uint64_t id;
	int fd;
};

static volatile pid_t child_pid;

/* SIGINT/SIGTERM go to COMMAND; tpcount still reports when it ends. */
static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tpcount [-o FILE] [-e SYS:EVENT[/FILTER/]]... -- COMMAND [ARGS...]\n"
"Counts tracepoint hits of COMMAND and its descendants (perf_event_open,\n"
"inherit, enable_on_exec).  Default events: kvm:kvm_pio kvm:kvm_mmio\n"
"kvm:kvm_userspace_exit.  FILTER is an ftrace filter, e.g.\n"
"kvm:kvm_mmio/type==1/.  Prints \"COUNT SPEC\" lines to FILE (default stderr).\n"
"SIGINT and SIGTERM are passed on to COMMAND.\n");
}

static __attribute__((noreturn)) void die(int code, const char *msg, const char *arg)
{
	fprintf(stderr, "tpcount: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(code);
}

static int parse_event(const char *spec, struct event *ev)
{
	const char *colon = strchr(spec, ':'), *slash = strchr(spec, '/');
	size_t ls, ln;

	memset(ev, 0, sizeof(*ev));
	ev->spec = spec;
	ev->fd = -1;
	if (!colon || (slash && slash < colon))
		return -1;
	ls = (size_t)(colon - spec);
	ln = slash ? (size_t)(slash - colon - 1) : strlen(colon + 1);
	if (!ls || !ln || ls >= sizeof(ev->sys) || ln >= sizeof(ev->name))
		return -1;
	memcpy(ev->sys, spec, ls);
	memcpy(ev->name, colon + 1, ln);
	if (slash) {
		size_t lf = strlen(slash + 1);

		if (lf < 2 || slash[lf] != '/' || lf - 1 >= sizeof(ev->filter))
			return -1;
		memcpy(ev->filter, slash + 1, lf - 1);
	}
	for (const char *p = ev->sys; *p; p++)
		if (*p == '/' || *p == '.')
			return -1;
	for (const char *p = ev->name; *p; p++)
		if (*p == '/' || *p == '.')
			return -1;
	return 0;
}

static int read_id(struct event *ev)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[256];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		unsigned long long id;
		FILE *f;
		int ok;

		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i],
			 ev->sys, ev->name);
		f = fopen(path, "r");
		if (!f)
			continue;
		ok = fscanf(f, "%llu", &id) == 1;
		fclose(f);
		if (ok) {
			ev->id = id;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const char *const dflt[] = {
		"kvm:kvm_pio", "kvm:kvm_mmio", "kvm:kvm_userspace_exit",
	};
	struct event ev[MAX_EVENTS];
	const char *out = NULL;
	int nev = 0, go[2], c, ws, rc;
	pid_t pid;
	FILE *of;
	char b = 1;

	while ((c = getopt(argc, argv, "+e:o:h")) != -1) {
		switch (c) {
		case 'e':
			if (nev == MAX_EVENTS)
				die(2, "too many events", NULL);
			if (parse_event(optarg, &ev[nev]))
				die(2, "bad event (want SYS:EVENT[/FILTER/])", optarg);
			nev++;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			die(2, "bad option (see -h)", NULL);
		}
	}
	if (optind >= argc)
		die(2, "no command given (see -h)", NULL);
	if (!nev)
		for (size_t i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
			parse_event(dflt[i], &ev[nev++]);
	for (int i = 0; i < nev; i++)
		if (read_id(&ev[i]))
			die(1, "no such tracepoint in tracefs (mounted? root?)",
			    ev[i].spec);
	of = out ? fopen(out, "w") : stderr;
	if (!of)
		die(1, "cannot open output", out);

	if (pipe2(go, O_CLOEXEC))
		die(1, "pipe", strerror(errno));
	pid = fork();
	if (pid < 0)
		die(1, "fork", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(127);	/* the parent gave up */
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "tpcount: cannot run %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	close(go[0]);
	for (int i = 0; i < nev; i++) {
		struct perf_event_attr a = {
			.type = PERF_TYPE_TRACEPOINT,
			.size = sizeof(a),
			.config = ev[i].id,
			.disabled = 1,
			.inherit = 1,
			.enable_on_exec = 1,
		};

		ev[i].fd = (int)syscall(SYS_perf_event_open, &a, pid, -1, -1,
					PERF_FLAG_FD_CLOEXEC);
		if (ev[i].fd < 0 ||
		    (ev[i].filter[0] &&
		     ioctl(ev[i].fd, PERF_EVENT_IOC_SET_FILTER, ev[i].filter))) {
			int e = errno;

			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			die(1, ev[i].fd < 0 ? "perf_event_open" :
			    "bad filter", strerror(e));
		}
	}
	{
		struct sigaction sa = { .sa_handler = forward,
					.sa_flags = SA_RESTART };

		child_pid = pid;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (write(go[1], &b, 1) != 1)
		die(1, "cannot start the command", strerror(errno));
	close(go[1]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			die(1, "waitpid", strerror(errno));
	rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	for (int i = 0; i < nev; i++) {
		uint64_t n = 0;

		if (read(ev[i].fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
			die(1, "cannot read counter", ev[i].spec);
		fprintf(of, "%llu %s\n", (unsigned long long)n, ev[i].spec);
	}
	if (fflush(of) || (of != stderr && fclose(of)))
		die(1, "cannot write output", out);
	return rc;
}
