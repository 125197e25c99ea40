// SPDX-License-Identifier: GPL-2.0
/*
 * perf provider: perf_event_open() tracepoint counters, no BPF.
 *
 * One counter per (thread, parent event): never one filtered counter per
 * reason (kvm_stat's design costs ~37 ns per filtered counter per hit).
 * Counters are per thread of each VM process, grouped per thread and read
 * with PERF_FORMAT_GROUP, so counts split per VM and per vCPU (vCPU from the
 * thread name "CPU n/KVM").  No reasons, no latency.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "collect.h"

struct perf_thread {
	int pid, tid;
	int leader;
	int nfd;
	int *fds;
	int *events;		/* profile index of each group member */
	unsigned long long *last;	/* last values (kept after the thread dies) */
	bool gone;
};

struct perf_data {
	struct perf_thread *th;
	size_t nth, cap;
	unsigned long long *buf;
	int err, err_tid;		/* a refresh's failure, said by the next collect */
};

/* is the thread still there? (one that exits while opened fails in several ways) */
static bool thread_alive(int pid, int tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	return !access(path, F_OK);
}

/* KVMLA_TEST_PERF_OPEN_FAIL=N: the Nth open fails with EINVAL (tests) */
static bool perf_open_test_fail(void)
{
	static long at = -1, n;

	if (at < 0) {
		const char *e = getenv("KVMLA_TEST_PERF_OPEN_FAIL");

		at = e ? strtol(e, NULL, 10) : 0;
	}
	if (at <= 0 || ++n != at)
		return false;
	errno = EINVAL;
	return true;
}

static int perf_open(int id, int tid, int group)
{
	struct perf_event_attr a;

	if (perf_open_test_fail())
		return -1;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = id;
	a.sample_period = 1;
	a.read_format = PERF_FORMAT_GROUP;
	return syscall(SYS_perf_event_open, &a, tid, -1, group, PERF_FLAG_FD_CLOEXEC);
}

static struct perf_thread *thread_find(struct perf_data *d, int tid)
{
	for (size_t i = 0; i < d->nth; i++)
		if (d->th[i].tid == tid)
			return &d->th[i];
	return NULL;
}

static int thread_open(struct ks_ctx *ctx, struct perf_data *d, int pid, int tid)
{
	struct ks_profile *p = &ctx->prof;
	struct perf_thread *t;

	if (d->nth == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->th = realloc(d->th, d->cap * sizeof(*d->th));
		if (!d->th)
			return -ENOMEM;
	}
	t = &d->th[d->nth];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	t->leader = -1;
	t->fds = calloc(p->nev, sizeof(int));
	t->events = calloc(p->nev, sizeof(int));
	t->last = calloc(p->nev, sizeof(unsigned long long));
	if (!t->fds || !t->events || !t->last)
		return -ENOMEM;
	for (int i = 0; i < p->nev; i++) {
		int fd;

		if (!ks_event_selected(ctx, i))
			continue;
		fd = perf_open(p->ev[i].id, tid, t->leader);
		if (fd < 0) {
			int err = -errno;

			if (err == -ESRCH)	/* thread gone meanwhile */
				break;
			for (int k = 0; k < t->nfd; k++)
				close(t->fds[k]);
			free(t->fds);
			free(t->events);
			free(t->last);
			return err;
		}
		if (t->leader < 0)
			t->leader = fd;
		t->fds[t->nfd] = fd;
		t->events[t->nfd++] = i;
	}
	d->nth++;
	return 0;
}

static int scan_threads(struct ks_ctx *ctx, struct perf_data *d)
{
	char path[64];

	for (size_t v = 0; v < ctx->nvms; v++) {
		struct ks_vm *vm = &ctx->vms[v];
		struct dirent *de;
		DIR *dir;

		if (!vm->alive)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", vm->pid);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			int tid = atoi(de->d_name), err;

			if (tid <= 0 || thread_find(d, tid))
				continue;
			err = thread_open(ctx, d, vm->pid, tid);
			if (err && err != -ESRCH && thread_alive(vm->pid, tid)) {
				closedir(dir);
				d->err_tid = tid;
				return err;
			}
		}
		closedir(dir);
	}
	return 0;
}

/*
 * Said once, where the run stops: an error line while the run went on would
 * put an {"error"} object before the --json snapshot.
 */
static int perf_failed(struct perf_data *d, int err)
{
	if (err)
		kvmla_err("perf_event_open(kvm tracepoint, tid %d): %s", d->err_tid, strerror(-err));
	return err;
}

static int perf_open_all(struct ks_ctx *ctx)
{
	struct perf_data *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->buf = calloc(ctx->prof.nev + 1, sizeof(unsigned long long));
	if (!d->buf)
		return -ENOMEM;
	ctx->pdata = d;
	ks_vms_refresh(ctx, true);
	return perf_failed(d, scan_threads(ctx, d));
}

static int perf_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct perf_data *d = ctx->pdata;
	int err;

	ks_vms_refresh(ctx, true);
	err = d->err ? d->err : scan_threads(ctx, d);
	if (err)
		return perf_failed(d, err);
	for (size_t i = 0; i < d->nth; i++) {
		struct perf_thread *t = &d->th[i];
		int vcpu = ks_vm_vcpu_of_tid(ctx, t->pid, t->tid);
		ssize_t n = -1;

		if (!ks_pid_selected(ctx, t->pid))
			continue;
		if (!t->gone && t->leader >= 0)
			n = read(t->leader, d->buf, (t->nfd + 1) * sizeof(unsigned long long));
		if (n == (ssize_t)((t->nfd + 1) * sizeof(unsigned long long)) &&
		    d->buf[0] == (unsigned long long)t->nfd)
			memcpy(t->last, d->buf + 1, t->nfd * sizeof(unsigned long long));
		for (int k = 0; k < t->nfd; k++)
			if (t->last[k])
				ks_count_add(s, t->pid, vcpu, t->events[k], 0, t->last[k]);
	}
	s->has_reasons = false;
	s->has_latency = false;
	return 0;
}

static void perf_refresh(struct ks_ctx *ctx)
{
	struct perf_data *d = ctx->pdata;

	ks_vms_refresh(ctx, true);
	if (!d->err)
		d->err = scan_threads(ctx, d);
}

static void thread_free(struct perf_thread *t)
{
	for (int k = 0; k < t->nfd; k++)
		close(t->fds[k]);
	free(t->fds);
	free(t->events);
	free(t->last);
}

/* retired VMs: their threads' counters are closed, their last values dropped */
static void perf_retire(struct ks_ctx *ctx, const int *pids, size_t n)
{
	struct perf_data *d = ctx->pdata;
	size_t w = 0;

	for (size_t i = 0; i < d->nth; i++) {
		if (ks_pid_listed(pids, n, d->th[i].pid))
			thread_free(&d->th[i]);
		else
			d->th[w++] = d->th[i];
	}
	d->nth = w;
}

static void perf_close(struct ks_ctx *ctx)
{
	struct perf_data *d = ctx->pdata;

	if (!d)
		return;
	for (size_t i = 0; i < d->nth; i++)
		thread_free(&d->th[i]);
	free(d->th);
	free(d->buf);
	free(d);
	ctx->pdata = NULL;
}

const struct ks_provider ks_prov_perf = {
	.name = "perf",
	.open = perf_open_all,
	.collect = perf_collect,
	.refresh = perf_refresh,
	.close = perf_close,
	.slow_close = true,
	.retire = perf_retire,
};
