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
	char (*comms)[16];		/* the last comm read of each of tids.v[] */
	unsigned int cap_comms;
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

static void set_comm(struct rec *r, int tid, const char *comm)
{
	unsigned int i;

	for (i = 0; i < r->tids.n && r->tids.v[i] != tid; i++)
		;
	if (i == r->tids.n)
		return;
	if (i >= r->cap_comms) {
		unsigned int nc = r->tids.cap > i ? r->tids.cap : i + 64;
		char (*n)[16] = realloc(r->comms, nc * sizeof(*n));

		if (!n)
			return;
		memset(n + r->cap_comms, 0, (nc - r->cap_comms) * sizeof(*n));
		r->comms = n;
		r->cap_comms = nc;
	}
	snprintf(r->comms[i], sizeof(r->comms[i]), "%.15s", comm);
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

			if (tid <= 0)
				continue;
			if (!seen_has(&r->tids, tid)) {
				seen_add(&r->tids, tid);
				tracefs_printf(r->inst, "kvmla-thread tid=%d tgid=%d\n", tid, pid);
			}
			/*
			 * Read again at each scan: a new thread names itself ("CPU 0/KVM",
			 * where the vcpu_id comes from when no event carries it) only once
			 * it runs, which on a loaded machine may be long after it appears.
			 */
			snprintf(cp, sizeof(cp), "/proc/%d/task/%d/comm", pid, tid);
			if (read_small(cp, comm, sizeof(comm)) > 0) {
				comm[strcspn(comm, "\n")] = 0;
				set_comm(r, tid, comm);
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

/* One recording: what tv_record() sets up, runs, writes and takes down. */
struct session {
	const struct tv_record_opts *o;
	struct rec r;
	struct fmtlist fl;
	int ncpu, subbuf;
	struct tracefs_cpu **tc;	/* per CPU: trace_pipe_raw */
	int *fds;			/* per CPU: the spool file */
	uint64_t *sizes;		/* per CPU: bytes spooled */
	void *buf;			/* one sub-buffer */
	char *hp, *he, *pk, *clock;	/* header_page, header_event, printk_formats */
	int hpl, hel, pkl;
	pid_t child, keeper;
	int go_fd, status, keeper_fd;
	bool child_done;
	double t0;
};

/* the events to record and their formats (identity events always) */
static int rec_events(struct session *s)
{
	const struct tv_record_opts *o = s->o;

	if (o->nr_events == 0) {
		if (tracefs_event_enable(s->r.inst, "kvm", NULL) || fmt_add_system(&s->fl, "kvm")) {
			kvmla_err("record: no kvm events in tracefs (is kvm loaded?)");
			return -1;
		}
	}
	for (unsigned int i = 0; i < o->nr_events; i++) {
		char sys[64], *ev;

		snprintf(sys, sizeof(sys), "%s", o->events[i]);
		ev = strchr(sys, ':');
		if (ev)
			*ev++ = 0;
		if (tracefs_event_enable(s->r.inst, sys, ev && *ev ? ev : NULL) ||
		    fmt_add_system(&s->fl, sys)) {
			kvmla_err("record: no such event '%s'", o->events[i]);
			return -1;
		}
	}
	/* identity: thread creation, and our markers (ftrace:print) */
	if (!tracefs_event_enable(s->r.inst, "task", "task_newtask"))
		fmt_add(&s->fl, "task", "task_newtask");
	fmt_add(&s->fl, "ftrace", "print");
	s->hp = tracefs_instance_file_read(NULL, "events/header_page", &s->hpl);
	s->he = tracefs_instance_file_read(NULL, "events/header_event", &s->hel);
	s->pk = tracefs_instance_file_read(NULL, "printk_formats", &s->pkl);
	if (!s->hp || !s->he) {
		kvmla_err("record: cannot read events/header_page");
		return -1;
	}
	s->clock = tracefs_get_clock(s->r.inst);
	return 0;
}

/* whose events: the command we start, --pid's tree, or everyone */
static int rec_target(struct session *s)
{
	char pids[64];

	if (s->o->cmd) {
		s->child = child_start(s->o->cmd, &s->go_fd);
		if (s->child < 0) {
			kvmla_err("record: fork: %s", strerror(errno));
			return -1;
		}
		s->r.root = s->child;
	} else if (s->o->pid) {
		if (kill(s->o->pid, 0)) {
			kvmla_err("record: no process %d", s->o->pid);
			return -1;
		}
		s->r.root = s->o->pid;
	}
	if (!s->r.root)
		return 0;
	snprintf(pids, sizeof(pids), "%d %d", s->r.root, getpid());
	if (tracefs_instance_file_write(s->r.inst, "options/event-fork", "1") < 0 ||
	    tracefs_instance_file_write(s->r.inst, "set_event_pid", pids) < 0) {
		kvmla_err("record: cannot set the pid filter");
		return -1;
	}
	return 0;
}

/* per CPU: trace_pipe_raw and an unlinked spool file next to the output */
static int rec_open_cpus(struct session *s)
{
	s->tc = kvmla_xcalloc(s->ncpu, sizeof(*s->tc));
	s->fds = kvmla_xcalloc(s->ncpu, sizeof(*s->fds));
	s->sizes = kvmla_xcalloc(s->ncpu, sizeof(*s->sizes));
	for (int c = 0; c < s->ncpu; c++) {
		char tmpl[4200];

		s->fds[c] = -1;
		s->tc[c] = tracefs_cpu_open(s->r.inst, c, true);
		if (s->tc[c] && !s->subbuf)
			s->subbuf = tracefs_cpu_read_size(s->tc[c]);
		snprintf(tmpl, sizeof(tmpl), "%s.cpu%d.XXXXXX", s->o->output, c);
		s->fds[c] = mkstemp(tmpl);
		if (s->fds[c] < 0) {
			kvmla_err("record: %s: %s", tmpl, strerror(errno));
			return -1;
		}
		unlink(tmpl);
	}
	if (s->subbuf <= 0) {
		kvmla_err("record: cannot open trace_pipe_raw");
		return -1;
	}
	s->buf = kvmla_xmalloc(s->subbuf);
	return 0;
}

static int rec_setup(struct session *s)
{
	tracefs_trace_off(s->r.inst);
	if (tracefs_instance_set_buffer_size(s->r.inst, s->o->buffer_kb, -1) < 0) {
		kvmla_err("record: cannot set the buffer size to %u KB", s->o->buffer_kb);
		return -1;
	}
	if (rec_events(s) || rec_target(s) || rec_open_cpus(s))
		return -1;
	tracefs_print_init(s->r.inst);
	if (tracefs_trace_on(s->r.inst)) {
		kvmla_err("record: cannot turn tracing on");
		return -1;
	}
	return 0;
}

/* spool pages until SIGINT, the command's exit or --duration; then drain */
static int rec_loop(struct session *s)
{
	double last_scan = 0;

	scan_vms(&s->r);
	s->t0 = now_s();
	if (s->child > 0) {
		if (write(s->go_fd, "g", 1) != 1)
			return -1;
		close(s->go_fd);
		s->go_fd = -1;
	}
	if (!s->o->quiet)
		fprintf(stderr, "trace-viewer: recording%s (Ctrl-C to stop)\n",
			s->child > 0 ? " while the command runs" : "");
	while (!stop) {
		int got = drain(s->tc, s->fds, s->ncpu, s->buf, s->sizes, false);
		double t = now_s();

		if (got < 0) {
			kvmla_err("record: write: %s", strerror(errno));
			return -1;
		}
		if (t - last_scan > 0.05) {
			scan_vms(&s->r);
			last_scan = t;
		}
		if (s->child > 0 && !s->child_done && waitpid(s->child, &s->status, WNOHANG) == s->child)
			s->child_done = true;
		if (s->child_done || (s->o->duration > 0 && t - s->t0 >= s->o->duration))
			break;
		if (!got)
			usleep(10000);
	}
	tracefs_trace_off(s->r.inst);
	if (drain(s->tc, s->fds, s->ncpu, s->buf, s->sizes, false) < 0 ||
	    drain(s->tc, s->fds, s->ncpu, s->buf, s->sizes, true) < 0) {
		kvmla_err("record: write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The cmdlines: the kernel's saved ones (the comm when the thread's events
 * were recorded) for every thread they still hold, then the last comm we
 * read ourselves for the threads of the VMs that they no longer hold (the
 * kernel keeps few).  A reader keeps the first comm of a tid.
 */
static void rec_saved_cmdlines(struct session *s)
{
	int sl = 0;
	char *saved = tracefs_instance_file_read(NULL, "saved_cmdlines", &sl);
	struct seen done = { 0 };

	for (char *line = saved, *nl; line && *line; line = nl) {
		int pid;
		char comm[32];

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = 0;
		else
			nl = line + strlen(line);
		if (sscanf(line, "%d %31[^\n]", &pid, comm) == 2 && strcmp(comm, "<...>") &&
		    !seen_has(&done, pid)) {
			add_cmdline(&s->r, pid, comm);
			seen_add(&done, pid);
		}
	}
	free(saved);
	for (unsigned int i = 0; i < s->r.tids.n; i++)
		if (i < s->r.cap_comms && s->r.comms[i][0] && !seen_has(&done, s->r.tids.v[i]))
			add_cmdline(&s->r, s->r.tids.v[i], s->r.comms[i]);
	free(done.v);
}

/* the trace.dat: headers, formats, cmdlines, then the spooled pages */
static int rec_write(struct session *s)
{
	struct tvdat_cpu *cpus = kvmla_xcalloc(s->ncpu, sizeof(*cpus));
	struct tvdat_info info = {
		.page_size = (unsigned int)s->subbuf,
		.header_page = s->hp, .header_page_len = s->hpl,
		.header_event = s->he, .header_event_len = s->hel,
		.fmts = s->fl.v, .nr_fmts = s->fl.n,
		.printk = s->pk ? s->pk : "", .printk_len = s->pk ? s->pkl : 0,
		.clock = s->clock, .nr_cpus = s->ncpu, .cpus = cpus,
	};
	char err[256];
	int out, rc = -1;

	rec_saved_cmdlines(s);
	info.cmdlines = s->r.cmdlines ? s->r.cmdlines : "";
	info.cmdlines_len = s->r.cmdlines_len;
	out = open(s->o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		kvmla_err("record: %s: %s", s->o->output, strerror(errno));
		goto out_free;
	}
	for (int c = 0; c < s->ncpu; c++)
		cpus[c] = (struct tvdat_cpu){ NULL, s->fds[c], s->sizes[c] };
	if (tvdat_write(out, &info, err, sizeof(err))) {
		kvmla_err("record: %s: %s", s->o->output, err);
		close(out);
		goto out_free;
	}
	if (close(out)) {
		kvmla_err("record: %s: %s", s->o->output, strerror(errno));
		goto out_free;
	}
	rc = 0;
out_free:
	free(cpus);
	return rc;
}

/*
 * The keeper: a process forked when the recording starts that outlives a
 * recorder killed with SIGKILL (or crashed).  The recorder holds the write
 * end of a pipe to it and sends 'd' once it has finished (written the file
 * or failed on its own).  If the pipe closes without that, the recorder
 * died: the keeper stops tracing, drops a page cut by the death from the
 * spool files, takes what is left in the ring buffers, writes the trace.dat
 * and removes the instance.  It ignores SIGINT/SIGTERM/SIGHUP: those reach
 * the recorder, which ends cleanly and says 'd'.
 */
static int keeper_finish(struct session *s)
{
	int rc;

	tracefs_trace_off(s->r.inst);
	for (int c = 0; c < s->ncpu; c++) {
		off_t end = lseek(s->fds[c], 0, SEEK_END);

		s->sizes[c] = end > 0 ? (uint64_t)end - (uint64_t)end % (unsigned int)s->subbuf : 0;
		if (ftruncate(s->fds[c], (off_t)s->sizes[c]) ||
		    lseek(s->fds[c], (off_t)s->sizes[c], SEEK_SET) < 0)
			return -1;
	}
	if (drain(s->tc, s->fds, s->ncpu, s->buf, s->sizes, false) < 0 ||
	    drain(s->tc, s->fds, s->ncpu, s->buf, s->sizes, true) < 0)
		return -1;
	rc = rec_write(s);
	if (!rc && !s->o->quiet)
		fprintf(stderr, "trace-viewer: the recorder died: wrote %s from what it had recorded\n",
			s->o->output);
	for (int c = 0; c < s->ncpu; c++)	/* open readers keep the instance busy */
		if (s->tc[c])
			tracefs_cpu_close(s->tc[c]);
	tracefs_print_close(s->r.inst);
	tracefs_instance_destroy(s->r.inst);
	return rc;
}

static void keeper_start(struct session *s)
{
	int p[2];
	char c = 0;

	if (pipe(p))
		return;		/* no keeper: a killed recorder leaves no file, as before */
	fflush(NULL);
	s->keeper = fork();
	if (s->keeper < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (s->keeper > 0) {
		close(p[0]);
		s->keeper_fd = p[1];
		return;
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	close(p[1]);
	if (s->go_fd >= 0)
		close(s->go_fd);	/* the command's start pipe is the recorder's alone */
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(c == 'd' ? 0 : keeper_finish(s) ? 1 : 0);
}

/* the recorder is done, whatever happened: the keeper ends without doing anything */
static void keeper_stop(struct session *s)
{
	if (s->keeper <= 0)
		return;
	if (write(s->keeper_fd, "d", 1) != 1)
		kill(s->keeper, SIGKILL);	/* it must not write the file after us */
	close(s->keeper_fd);
	waitpid(s->keeper, NULL, 0);
	s->keeper = 0;
}

/* the summary, and the command's own failure */
static int rec_report(struct session *s)
{
	if (!s->o->quiet) {
		uint64_t total = 0;

		for (int c = 0; c < s->ncpu; c++)
			total += s->sizes[c];
		fprintf(stderr, "trace-viewer: wrote %s (%llu KB of events, %.1fs)\n", s->o->output,
			(unsigned long long)(total >> 10), now_s() - s->t0);
	}
	if (s->child > 0 && s->child_done && !(WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0)) {
		kvmla_err("record: the command exited with status %d",
			  WIFEXITED(s->status) ? WEXITSTATUS(s->status) : 128 + WTERMSIG(s->status));
		return 1;
	}
	return 0;
}

/* everything rec_setup() took, whatever step failed; rc: did we fail */
static void rec_teardown(struct session *s, int rc)
{
	keeper_stop(s);
	if (s->child > 0 && !s->child_done) {
		if (s->go_fd >= 0) {
			close(s->go_fd);	/* the child exits without running */
			s->go_fd = -1;
		} else if (rc) {
			kill(s->child, SIGTERM);
		}
		waitpid(s->child, &s->status, 0);
	}
	if (s->go_fd >= 0)
		close(s->go_fd);
	for (int c = 0; s->tc && c < s->ncpu; c++) {
		if (s->tc[c])
			tracefs_cpu_close(s->tc[c]);
		if (s->fds && s->fds[c] > 0)
			close(s->fds[c]);
	}
	tracefs_print_close(s->r.inst);
	tracefs_instance_destroy(s->r.inst);
	tracefs_instance_free(s->r.inst);
	for (unsigned int i = 0; i < s->fl.n; i++) {
		free((char *)s->fl.v[i].system);
		free((char *)s->fl.v[i].text);
	}
	free(s->fl.v);
	free(s->tc);
	free(s->fds);
	free(s->sizes);
	free(s->buf);
	free(s->hp);
	free(s->he);
	free(s->pk);
	free(s->clock);
	free(s->r.cmdlines);
	free(s->r.vms.v);
	free(s->r.tids.v);
	free(s->r.comms);
}

int tv_record(const struct tv_record_opts *o)
{
	struct session s = {
		.o = o, .r = { .o = o }, .ncpu = sysconf(_SC_NPROCESSORS_CONF), .go_fd = -1,
		.keeper_fd = -1,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	char name[64];
	int rc = 1;

	if (!tracefs_tracing_dir()) {
		kvmla_err("record: tracefs is not mounted "
			  "(mount -t tracefs nodev /sys/kernel/tracing)");
		return 1;
	}
	snprintf(name, sizeof(name), "kvmla-tv-%d", getpid());
	s.r.inst = tracefs_instance_create(name);
	if (!s.r.inst) {
		kvmla_err("record: cannot create tracefs instance %s: %s", name, strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!rec_setup(&s)) {
		keeper_start(&s);
		if (!rec_loop(&s) && !rec_write(&s))
			rc = rec_report(&s);
	}
	rec_teardown(&s, rc);
	return rc;
}
