// SPDX-License-Identifier: GPL-2.0
/*
 * trace-viewer record: KVM events into a trace.dat, through libtracefs.
 * A private tracefs instance, per-CPU trace_pipe_raw read by tracefs_cpu,
 * pages spooled to per-CPU temporary files, then a v6 trace.dat written
 * with the formats of the recorded systems.  Works where `trace-cmd record`
 * cannot enable ftrace (read-only /proc/sys), because only the instance is
 * touched.
 *
 * VM identity: KVM's x86 events carry no VM, so while recording we scan
 * /proc for processes holding a kvm-vm fd and write markers into the
 * instance ("kvmla-vm tgid=N name=S", "kvmla-thread tid=N tgid=M"), and
 * record task:task_newtask; the reader turns both into tid -> VM.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "kvmla-tools.h"
#include "trace-viewer.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct seen { int *v; unsigned int n, cap; };

static bool seen_has(struct seen *s, int x)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->v[i] == x)
			return true;
	return false;
}

static void seen_add(struct seen *s, int x)
{
	if (s->n == s->cap) {
		unsigned int nc = s->cap ? s->cap * 2 : 64;
		int *n = realloc(s->v, nc * sizeof(*n));

		if (!n)
			return;
		s->v = n;
		s->cap = nc;
	}
	s->v[s->n++] = x;
}

struct rec {
	const struct tv_record_opts *o;
	struct tracefs_instance *inst;
	struct seen vms, tids;
	char *cmdlines;
	size_t cmdlines_len, cmdlines_cap;
	int root;			/* pid tree to follow, 0 = all */
};

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

static int ppid_of(int pid)
{
	char buf[512], *p = kvmla_proc_stat(pid, buf, sizeof(buf));

	return p && p[1] == ' ' ? atoi(p + 2) : 0;	/* "state ppid ..." */
}

static bool in_tree(int pid, int root)
{
	for (int i = 0; i < 64 && pid > 1; i++) {
		if (pid == root)
			return true;
		pid = ppid_of(pid);
	}
	return false;
}

/* The VM's name: QEMU's -name, else comm-pid, else pid-N. */
static void vm_name(int pid, char *name, size_t len)
{
	char path[64], buf[64];

	if (!kvmla_proc_vm_name(pid, name, len))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = 0;
		snprintf(name, len, "%.32s-%d", buf, pid);
	} else {
		snprintf(name, len, "pid-%d", pid);
	}
}

static void add_cmdline(struct rec *r, int tid, const char *comm)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %s\n", tid, comm);

	if (r->cmdlines_len + n + 1 > r->cmdlines_cap) {
		size_t nc = r->cmdlines_cap ? r->cmdlines_cap * 2 : 4096;
		char *c = realloc(r->cmdlines, nc);

		if (!c)
			return;
		r->cmdlines = c;
		r->cmdlines_cap = nc;
	}
	memcpy(r->cmdlines + r->cmdlines_len, line, n);
	r->cmdlines_len += n;
}

/* Writes identity markers for KVM VM processes and their threads. */
static void scan_vms(struct rec *r)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		int pid = atoi(d->d_name);
		char path[64], name[64];
		struct dirent *t;
		DIR *tasks;

		if (pid <= 0 || pid == getpid())
			continue;
		if (!seen_has(&r->vms, pid)) {
			if (r->root && !in_tree(pid, r->root))
				continue;
			if (!kvmla_proc_has_kvm_vm(pid))
				continue;
			seen_add(&r->vms, pid);
			vm_name(pid, name, sizeof(name));
			tracefs_printf(r->inst, "kvmla-vm tgid=%d name=%s\n", pid, name);
		}
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		tasks = opendir(path);
		if (!tasks)
			continue;
		while ((t = readdir(tasks))) {
			int tid = atoi(t->d_name);
			char cp[96], comm[32];

			if (tid <= 0 || seen_has(&r->tids, tid))
				continue;
			seen_add(&r->tids, tid);
			tracefs_printf(r->inst, "kvmla-thread tid=%d tgid=%d\n", tid, pid);
			snprintf(cp, sizeof(cp), "/proc/%d/task/%d/comm", pid, tid);
			if (read_small(cp, comm, sizeof(comm)) > 0) {
				comm[strcspn(comm, "\n")] = 0;
				add_cmdline(r, tid, comm);
			}
		}
		closedir(tasks);
	}
	closedir(proc);
}

struct fmtlist { struct tvdat_fmt *v; unsigned int n, cap; };

static int fmt_add(struct fmtlist *l, const char *sys, const char *ev)
{
	char *text;
	int size = 0;

	for (unsigned int i = 0; i < l->n; i++)	/* system already added */
		if (!strcmp(l->v[i].system, sys) && !ev)
			return 0;
	text = tracefs_event_file_read(NULL, sys, ev, "format", &size);
	if (!text || size <= 0) {
		free(text);
		return -1;
	}
	if (l->n == l->cap) {
		unsigned int nc = l->cap ? l->cap * 2 : 128;
		struct tvdat_fmt *n = realloc(l->v, nc * sizeof(*n));

		if (!n) {
			free(text);
			return -1;
		}
		l->v = n;
		l->cap = nc;
	}
	l->v[l->n++] = (struct tvdat_fmt){ strdup(sys), text, (size_t)size };
	return 0;
}

static int fmt_add_system(struct fmtlist *l, const char *sys)
{
	char **evs;
	int n = 0;

	for (unsigned int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].system, sys))
			return 0;
	evs = tracefs_system_events(NULL, sys);
	for (int i = 0; evs && evs[i]; i++)
		if (!fmt_add(l, sys, evs[i]))
			n++;
	tracefs_list_free(evs);
	return n ? 0 : -1;
}

static int child_start(char **cmd, int *go_fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		close(p[0]);
		execvp(cmd[0], cmd);
		kvmla_err("record: cannot run '%s': %s", cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int drain(struct tracefs_cpu **tc, int *fds, int ncpu, void *buf, uint64_t *sizes,
		 bool flush)
{
	int got = 0;

	for (int c = 0; c < ncpu; c++) {
		int n;

		if (!tc[c])
			continue;
		for (;;) {
			n = flush ? tracefs_cpu_flush(tc[c], buf) : tracefs_cpu_read(tc[c], buf, true);
			if (n <= 0)
				break;
			if (write(fds[c], buf, n) != n)
				return -1;
			sizes[c] += n;
			got++;
		}
	}
	return got;
}

int tv_record(const struct tv_record_opts *o)
{
	int ncpu = sysconf(_SC_NPROCESSORS_CONF), go_fd = -1, rc = 1, status = 0;
	struct tracefs_cpu **tc = NULL;
	struct fmtlist fl = { 0 };
	struct rec r = { .o = o };
	struct tvdat_cpu *cpus = NULL;
	uint64_t *sizes = NULL;
	char name[64], err[256];
	int *fds = NULL, out = -1, subbuf = 0;
	pid_t child = 0;
	void *buf = NULL;
	double t0, last_scan = 0;
	bool child_done = false;
	char *hp = NULL, *he = NULL, *pk = NULL, *clock = NULL;
	int hpl = 0, hel = 0, pkl = 0;
	struct sigaction sa = { .sa_handler = on_signal };

	if (!tracefs_tracing_dir()) {
		kvmla_err("record: tracefs is not mounted "
			"(mount -t tracefs nodev /sys/kernel/tracing)");
		return 1;
	}
	snprintf(name, sizeof(name), "kvmla-tv-%d", getpid());
	r.inst = tracefs_instance_create(name);
	if (!r.inst) {
		kvmla_err("record: cannot create tracefs instance %s: %s", name,
			strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	tracefs_trace_off(r.inst);
	if (tracefs_instance_set_buffer_size(r.inst, o->buffer_kb, -1) < 0) {
		kvmla_err("record: cannot set the buffer size to %u KB",
			o->buffer_kb);
		goto out;
	}
	if (o->nr_events == 0) {
		if (tracefs_event_enable(r.inst, "kvm", NULL) || fmt_add_system(&fl, "kvm")) {
			kvmla_err("record: no kvm events in tracefs (is kvm loaded?)");
			goto out;
		}
	}
	for (unsigned int i = 0; i < o->nr_events; i++) {
		char sys[64], *ev;

		snprintf(sys, sizeof(sys), "%s", o->events[i]);
		ev = strchr(sys, ':');
		if (ev)
			*ev++ = 0;
		if (tracefs_event_enable(r.inst, sys, ev && *ev ? ev : NULL) ||
		    fmt_add_system(&fl, sys)) {
			kvmla_err("record: no such event '%s'", o->events[i]);
			goto out;
		}
	}
	/* identity: thread creation, and our markers (ftrace:print) */
	if (!tracefs_event_enable(r.inst, "task", "task_newtask"))
		fmt_add(&fl, "task", "task_newtask");
	fmt_add(&fl, "ftrace", "print");
	hp = tracefs_instance_file_read(NULL, "events/header_page", &hpl);
	he = tracefs_instance_file_read(NULL, "events/header_event", &hel);
	pk = tracefs_instance_file_read(NULL, "printk_formats", &pkl);
	if (!hp || !he) {
		kvmla_err("record: cannot read events/header_page");
		goto out;
	}
	clock = tracefs_get_clock(r.inst);

	if (o->cmd) {
		child = child_start(o->cmd, &go_fd);
		if (child < 0) {
			kvmla_err("record: fork: %s", strerror(errno));
			goto out;
		}
		r.root = child;
	} else if (o->pid) {
		if (kill(o->pid, 0)) {
			kvmla_err("record: no process %d", o->pid);
			goto out;
		}
		r.root = o->pid;
	}
	if (r.root) {
		char pids[64];

		snprintf(pids, sizeof(pids), "%d %d", r.root, getpid());
		if (tracefs_instance_file_write(r.inst, "options/event-fork", "1") < 0 ||
		    tracefs_instance_file_write(r.inst, "set_event_pid", pids) < 0) {
			kvmla_err("record: cannot set the pid filter");
			goto out;
		}
	}

	tc = calloc(ncpu, sizeof(*tc));
	fds = calloc(ncpu, sizeof(*fds));
	sizes = calloc(ncpu, sizeof(*sizes));
	cpus = calloc(ncpu, sizeof(*cpus));
	if (!tc || !fds || !sizes || !cpus)
		goto out;
	for (int c = 0; c < ncpu; c++) {
		char tmpl[4200];

		fds[c] = -1;
		tc[c] = tracefs_cpu_open(r.inst, c, true);
		if (tc[c] && !subbuf)
			subbuf = tracefs_cpu_read_size(tc[c]);
		snprintf(tmpl, sizeof(tmpl), "%s.cpu%d.XXXXXX", o->output, c);
		fds[c] = mkstemp(tmpl);
		if (fds[c] < 0) {
			kvmla_err("record: %s: %s", tmpl, strerror(errno));
			goto out;
		}
		unlink(tmpl);
	}
	if (subbuf <= 0) {
		kvmla_err("record: cannot open trace_pipe_raw");
		goto out;
	}
	buf = malloc(subbuf);
	if (!buf)
		goto out;
	tracefs_print_init(r.inst);
	if (tracefs_trace_on(r.inst)) {
		kvmla_err("record: cannot turn tracing on");
		goto out;
	}
	scan_vms(&r);
	t0 = now_s();
	if (child > 0) {
		if (write(go_fd, "g", 1) != 1)
			goto out;
		close(go_fd);
		go_fd = -1;
	}
	if (!o->quiet)
		fprintf(stderr, "trace-viewer: recording%s (Ctrl-C to stop)\n",
			child > 0 ? " while the command runs" : "");
	while (!stop) {
		int got = drain(tc, fds, ncpu, buf, sizes, false);
		double t = now_s();

		if (got < 0) {
			kvmla_err("record: write: %s", strerror(errno));
			goto out;
		}
		if (t - last_scan > 0.05) {
			scan_vms(&r);
			last_scan = t;
		}
		if (child > 0 && !child_done && waitpid(child, &status, WNOHANG) == child)
			child_done = true;
		if (child_done || (o->duration > 0 && t - t0 >= o->duration))
			break;
		if (!got)
			usleep(10000);
	}
	tracefs_trace_off(r.inst);
	if (drain(tc, fds, ncpu, buf, sizes, false) < 0 || drain(tc, fds, ncpu, buf, sizes, true) < 0) {
		kvmla_err("record: write: %s", strerror(errno));
		goto out;
	}
	{
		/* saved cmdlines for the threads we did not see ourselves */
		int sl = 0;
		char *saved = tracefs_instance_file_read(NULL, "saved_cmdlines", &sl);

		for (char *line = saved, *nl; line && *line; line = nl) {
			int pid;
			char comm[32];

			nl = strchr(line, '\n');
			if (nl)
				*nl++ = 0;
			else
				nl = line + strlen(line);
			if (sscanf(line, "%d %31[^\n]", &pid, comm) == 2 && !seen_has(&r.tids, pid))
				add_cmdline(&r, pid, comm);
		}
		free(saved);
	}
	out = open(o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		kvmla_err("record: %s: %s", o->output, strerror(errno));
		goto out;
	}
	for (int c = 0; c < ncpu; c++)
		cpus[c] = (struct tvdat_cpu){ NULL, fds[c], sizes[c] };
	{
		struct tvdat_info info = {
			.page_size = (unsigned int)subbuf,
			.header_page = hp, .header_page_len = hpl,
			.header_event = he, .header_event_len = hel,
			.fmts = fl.v, .nr_fmts = fl.n,
			.printk = pk ? pk : "", .printk_len = pk ? pkl : 0,
			.cmdlines = r.cmdlines ? r.cmdlines : "", .cmdlines_len = r.cmdlines_len,
			.clock = clock, .nr_cpus = ncpu, .cpus = cpus,
		};

		if (tvdat_write(out, &info, err, sizeof(err))) {
			kvmla_err("record: %s: %s", o->output, err);
			goto out;
		}
	}
	if (close(out)) {
		out = -1;
		kvmla_err("record: %s: %s", o->output, strerror(errno));
		goto out;
	}
	out = -1;
	rc = 0;
	if (!o->quiet) {
		uint64_t total = 0;

		for (int c = 0; c < ncpu; c++)
			total += sizes[c];
		fprintf(stderr, "trace-viewer: wrote %s (%llu KB of events, %.1fs)\n", o->output,
			(unsigned long long)(total >> 10), now_s() - t0);
	}
	if (child > 0 && child_done && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		kvmla_err("record: the command exited with status %d",
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		rc = 1;
	}
out:
	if (child > 0 && !child_done) {
		if (go_fd >= 0) {
			close(go_fd);	/* the child exits without running */
			go_fd = -1;
		} else if (rc) {
			kill(child, SIGTERM);
		}
		waitpid(child, &status, 0);
	}
	if (go_fd >= 0)
		close(go_fd);
	if (out >= 0)
		close(out);
	for (int c = 0; tc && c < ncpu; c++) {
		if (tc[c])
			tracefs_cpu_close(tc[c]);
		if (fds && fds[c] > 0)
			close(fds[c]);
	}
	tracefs_print_close(r.inst);
	tracefs_instance_destroy(r.inst);
	tracefs_instance_free(r.inst);
	for (unsigned int i = 0; i < fl.n; i++) {
		free((char *)fl.v[i].system);
		free((char *)fl.v[i].text);
	}
	free(fl.v);
	free(tc);
	free(fds);
	free(sizes);
	free(cpus);
	free(buf);
	free(hp);
	free(he);
	free(pk);
	free(clock);
	free(r.cmdlines);
	free(r.vms.v);
	free(r.tids.v);
	return rc;
}
