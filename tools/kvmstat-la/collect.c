// SPDX-License-Identifier: GPL-2.0
/*
 * Collection: VM discovery, the snapshot struct, aggregation helpers.
 * Providers add raw counts; everything else reads snapshots.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kvmla-tools.h"
#include "collect.h"
#include "util.h"

void ks_snapshot_init(struct ks_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void ks_snapshot_free(struct ks_snapshot *s)
{
	free(s->counts);
	free(s->lats);
	free(s->vms);
	memset(s, 0, sizeof(*s));
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap && p)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	if (*cap < need)
		*cap = need;
	return kvmla_xrealloc(p, *cap * elem);
}

/* emptied for the next sample; the buffers stay (collecting allocates nothing) */
void ks_snapshot_clear(struct ks_snapshot *s)
{
	s->ncounts = s->nlats = s->nvms = 0;
	memset(s->drops, 0, sizeof(s->drops));
}

void ks_snapshot_copy(struct ks_snapshot *dst, const struct ks_snapshot *src)
{
	struct ks_snapshot keep = *dst;

	*dst = *src;
	dst->counts = grow(keep.counts, &keep.capcounts, src->ncounts, sizeof(*src->counts));
	dst->lats = grow(keep.lats, &keep.caplats, src->nlats, sizeof(*src->lats));
	dst->vms = grow(keep.vms, &keep.capvms, src->nvms, sizeof(*src->vms));
	dst->capcounts = keep.capcounts;
	dst->caplats = keep.caplats;
	dst->capvms = keep.capvms;
	/* an empty array may be NULL on either side: no memcpy from or to it */
	if (src->ncounts)
		memcpy(dst->counts, src->counts, src->ncounts * sizeof(*src->counts));
	if (src->nlats)
		memcpy(dst->lats, src->lats, src->nlats * sizeof(*src->lats));
	if (src->nvms)
		memcpy(dst->vms, src->vms, src->nvms * sizeof(*src->vms));
}

void ks_count_add(struct ks_snapshot *s, int pid, int vcpu, int event,
		  unsigned long long reason, unsigned long long n)
{
	struct ks_count *c;

	/* providers add in key order often: check the last entry first */
	if (s->ncounts) {
		c = &s->counts[s->ncounts - 1];
		if (c->pid == pid && c->vcpu == vcpu && c->event == event && c->reason == reason) {
			c->count += n;
			return;
		}
	}
	s->counts = grow(s->counts, &s->capcounts, s->ncounts + 1, sizeof(*s->counts));
	c = &s->counts[s->ncounts++];
	c->pid = pid;
	c->vcpu = vcpu;
	c->event = event;
	c->reason = reason;
	c->count = n;
}

struct ks_lat *ks_lat_get(struct ks_snapshot *s, int pid, int vcpu, int kind,
			  unsigned long long reason)
{
	struct ks_lat *l;

	for (size_t i = s->nlats; i-- > 0;) {
		l = &s->lats[i];
		if (l->pid == pid && l->vcpu == vcpu && l->kind == kind && l->reason == reason)
			return l;
	}
	s->lats = grow(s->lats, &s->caplats, s->nlats + 1, sizeof(*s->lats));
	l = &s->lats[s->nlats++];
	memset(l, 0, sizeof(*l));
	l->pid = pid;
	l->vcpu = vcpu;
	l->kind = kind;
	l->reason = reason;
	return l;
}

static int cmp_count(const void *a, const void *b)
{
	const struct ks_count *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return 0;
}

static int cmp_lat(const void *a, const void *b)
{
	const struct ks_lat *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return 0;
}

static int cmp_vm(const void *a, const void *b)
{
	const struct ks_vm *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* the newest sample becomes the previous one, buffers and all: no copy */
void ks_snapshot_swap(struct ks_snapshot *a, struct ks_snapshot *b)
{
	struct ks_snapshot t = *a;

	*a = *b;
	*b = t;
}

/*
 * Sort in place: insertion sort for the usual few dozen entries (providers
 * hand them over in a stable, nearly sorted order), qsort beyond that.
 * glibc's qsort mallocs a buffer once the array passes 1 KiB, which a
 * snapshot's VM and latency arrays do.
 */
static void sort_small(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *a = base, tmp[sizeof(struct ks_lat) > sizeof(struct ks_vm) ?
			     sizeof(struct ks_lat) : sizeof(struct ks_vm)];

	if (n > 64 || size > sizeof(tmp)) {
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		if (cmp(a + (j - 1) * size, a + i * size) <= 0)
			continue;
		memcpy(tmp, a + i * size, size);
		while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0) {
			memcpy(a + j * size, a + (j - 1) * size, size);
			j--;
		}
		memcpy(a + j * size, tmp, size);
	}
}

/* sort, then merge duplicates (counts and histograms) */
static void merge_counts(struct ks_snapshot *s)
{
	size_t w = 0;

	sort_small(s->counts, s->ncounts, sizeof(*s->counts), cmp_count);
	for (size_t i = 0; i < s->ncounts; i++) {
		if (w && !cmp_count(&s->counts[w - 1], &s->counts[i]))
			s->counts[w - 1].count += s->counts[i].count;
		else
			s->counts[w++] = s->counts[i];
	}
	s->ncounts = w;
	sort_small(s->lats, s->nlats, sizeof(*s->lats), cmp_lat);
	w = 0;
	for (size_t i = 0; i < s->nlats; i++) {
		if (w && !cmp_lat(&s->lats[w - 1], &s->lats[i]))
			ks_lat_merge(&s->lats[w - 1], &s->lats[i]);
		else
			s->lats[w++] = s->lats[i];
	}
	s->nlats = w;
}

/* ---- VM discovery ---- */

static struct ks_vm *vm_find(struct ks_ctx *ctx, int pid)
{
	for (size_t i = 0; i < ctx->nvms; i++)
		if (ctx->vms[i].pid == pid)
			return &ctx->vms[i];
	return NULL;
}

/* a new, zeroed VM entry for pid */
static struct ks_vm *vm_append(struct ks_ctx *ctx, int pid)
{
	struct ks_vm *vm;

	ctx->vms = grow(ctx->vms, &ctx->capvms, ctx->nvms + 1, sizeof(*ctx->vms));
	vm = &ctx->vms[ctx->nvms++];
	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	return vm;
}

static struct ks_vm *vm_add(struct ks_ctx *ctx, int pid)
{
	struct ks_vm *vm = vm_find(ctx, pid);

	if (vm)
		return vm;
	vm = vm_append(ctx, pid);
	vm->alive = true;
	vm->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/*
	 * Some kvm:* events fire in kernel threads: kvm_age_hva and
	 * kvm_test_age_hva from kdamond or kswapd ageing guest memory through
	 * the MMU notifiers.  Such a "VM" is that thread, named as ps does.
	 */
	if (kvmla_proc_kthread(pid, vm->name + 1, sizeof(vm->name) - 2)) {
		size_t n = strlen(vm->name + 1);

		vm->kthread = true;
		vm->name[0] = '[';
		vm->name[n + 1] = ']';
		vm->name[n + 2] = '\0';
	} else if (kvmla_proc_vm_name(pid, vm->name, sizeof(vm->name))) {
		snprintf(vm->name, sizeof(vm->name), "pid-%d", pid);
	}
	return vm;
}

/*
 * The process behind vm exited (its pidfd is readable): the pidfd is closed
 * at once.  The VM stays listed, dead; keeping the fd of every VM that ever
 * ran leaked one descriptor per VM (make soak: 25 in a minute of churn).
 */
static void vm_gone(struct ks_vm *vm)
{
	vm->alive = false;
	vm->gone = true;
	if (vm->pidfd >= 0)
		close(vm->pidfd);
	vm->pidfd = -1;
}

static bool vm_alive(struct ks_vm *vm)
{
	struct pollfd p = { .fd = vm->pidfd, .events = POLLIN };

	if (vm->gone)
		return false;
	if (vm->pidfd < 0)
		return kvmla_proc_alive(vm->pid);
	if (poll(&p, 1, 0) == 0)
		return true;
	vm_gone(vm);
	return false;
}

/* every live VM's pidfd in one poll(): readable = the process has exited */
static void vms_alive(struct ks_ctx *ctx)
{
	struct pollfd p[64];
	size_t idx[64];

	for (size_t i = 0; i < ctx->nvms;) {
		int n = 0;

		for (; i < ctx->nvms && n < 64; i++) {
			struct ks_vm *vm = &ctx->vms[i];

			if (!vm->alive)
				continue;
			if (vm->pidfd < 0) {
				vm->alive = kvmla_proc_alive(vm->pid);
				continue;
			}
			p[n] = (struct pollfd){ .fd = vm->pidfd, .events = POLLIN };
			idx[n++] = i;
		}
		if (n && poll(p, n, 0) > 0)
			for (int k = 0; k < n; k++)
				if (p[k].revents)
					vm_gone(&ctx->vms[idx[k]]);
	}
}

static void vm_threads(struct ks_vm *vm)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	double now = ks_now();

	/* new vCPU threads are rare: a scan every 0.2 s is plenty */
	if (vm->threads_t && now - vm->threads_t < 0.2)
		return;
	vm->threads_t = now;
	if (!vm_alive(vm)) {
		vm->alive = false;
		return;
	}

	snprintf(path, sizeof(path), "/proc/%d/task", vm->pid);
	dir = opendir(path);
	if (!dir) {
		vm->alive = false;
		return;
	}
	vm->alive = true;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name), v, j;
		char comm[32];

		if (tid <= 0)
			continue;
		for (j = 0; j < vm->nseen && vm->seen[j] != tid; j++)
			;
		if (j < vm->nseen)
			continue;
		if (kvmla_proc_thread_name(vm->pid, tid, comm, sizeof(comm)))
			continue;
		/* a VMM names a vCPU thread before its first KVM_RUN */
		v = kvmla_vcpu_from_thread_name(comm);
		if (vm->nseen < (int)(sizeof(vm->seen) / sizeof(vm->seen[0])))
			vm->seen[vm->nseen++] = tid;
		if (v < 0)
			continue;

		for (j = 0; j < vm->nvcpus; j++)
			if (vm->vcpus[j].vcpu == v)
				break;
		if (j == vm->nvcpus) {
			if (vm->nvcpus >= (int)(sizeof(vm->vcpus) / sizeof(vm->vcpus[0])))
				continue;
			vm->nvcpus++;
		}
		vm->vcpus[j].vcpu = v;
		vm->vcpus[j].tid = tid;
		snprintf(vm->vcpus[j].thread, sizeof(vm->vcpus[j].thread), "%s", comm);
	}
	closedir(dir);
}

bool ks_pid_selected(struct ks_ctx *ctx, int pid)
{
	if (!ctx->o->npids && !ctx->o->guest)
		return true;
	return vm_find(ctx, pid) != NULL;
}

/*
 * Refresh the VM list: -p pids, -g name pattern (re-found by name when a
 * guest dies and comes back), or with find_all every process holding a
 * kvm-vm fd.
 */
void ks_vms_refresh(struct ks_ctx *ctx, bool find_all)
{
	struct ks_opts *o = ctx->o;

	for (int i = 0; i < o->npids; i++)
		vm_add(ctx, o->pids[i]);
	if (o->guest || (find_all && !o->npids)) {
		DIR *dir = opendir("/proc");
		struct dirent *d;

		while (dir && (d = readdir(dir))) {
			int pid = atoi(d->d_name);
			char name[128];

			if (pid <= 0 || vm_find(ctx, pid))
				continue;
			if (o->guest) {
				if (kvmla_proc_vm_name(pid, name, sizeof(name)) ||
				    fnmatch(o->guest, name, 0))
					continue;
			} else if (!kvmla_proc_has_kvm_vm(pid)) {
				continue;
			}
			vm_add(ctx, pid);
		}
		if (dir)
			closedir(dir);
	}
	for (size_t i = 0; i < ctx->nvms; i++)
		if (ctx->vms[i].alive)
			vm_threads(&ctx->vms[i]);
}

/*
 * A VM of a recorded trace (--replay): named by the trace, never looked up
 * in /proc (its pid is the recording host's), shown as not running.
 */
struct ks_vm *ks_vm_add_recorded(struct ks_ctx *ctx, int pid, const char *name)
{
	struct ks_vm *vm = vm_find(ctx, pid);

	if (vm)
		return vm;
	vm = vm_append(ctx, pid);
	vm->pidfd = -1;
	vm->threads_t = 1e300;	/* no /proc/PID/task scan */
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	return vm;
}

/* follow this VM process (a provider found it); false if it is not selected */
bool ks_vm_track(struct ks_ctx *ctx, int pid)
{
	if (vm_find(ctx, pid))
		return true;
	if (!ks_pid_selected(ctx, pid))
		return false;
	vm_threads(vm_add(ctx, pid));
	return true;
}

int ks_vm_vcpu_of_tid(struct ks_ctx *ctx, int pid, int tid)
{
	struct ks_vm *vm = vm_find(ctx, pid);

	if (!vm && ks_pid_selected(ctx, pid)) {
		vm = vm_add(ctx, pid);
		vm_threads(vm);
	}

	for (int i = 0; vm && i < vm->nvcpus; i++)
		if (vm->vcpus[i].tid == tid)
			return vm->vcpus[i].vcpu;
	return KS_NO_VCPU;
}

/* ---- retirement: a VM dead for --keep-dead seconds leaves the lists ---- */

static bool pid_in(const int *pids, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* the entries of these pids become the retired aggregate's (pid and vCPU folded) */
static void fold_pids(struct ks_snapshot *s, const int *pids, size_t n)
{
	for (size_t i = 0; i < s->ncounts; i++)
		if (pid_in(pids, n, s->counts[i].pid)) {
			s->counts[i].pid = KS_RETIRED_PID;
			s->counts[i].vcpu = KS_NO_VCPU;
		}
	for (size_t i = 0; i < s->nlats; i++)
		if (pid_in(pids, n, s->lats[i].pid)) {
			s->lats[i].pid = KS_RETIRED_PID;
			s->lats[i].vcpu = KS_NO_VCPU;
		}
	merge_counts(s);
}

/* ctx->retired = the retired entries of s (a sorted prefix: the smallest pid) */
static void keep_retired(struct ks_ctx *ctx, const struct ks_snapshot *s)
{
	struct ks_snapshot *r = &ctx->retired;

	ks_snapshot_clear(r);
	for (size_t i = 0; i < s->ncounts && s->counts[i].pid == KS_RETIRED_PID; i++)
		ks_count_add(r, KS_RETIRED_PID, KS_NO_VCPU, s->counts[i].event,
			     s->counts[i].reason, s->counts[i].count);
	for (size_t i = 0; i < s->nlats && s->lats[i].pid == KS_RETIRED_PID; i++)
		*ks_lat_get(r, KS_RETIRED_PID, KS_NO_VCPU, s->lats[i].kind, s->lats[i].reason) =
			s->lats[i];
}

/* due for retirement: dead since before this sample began, for keep_dead seconds */
static bool vm_due(struct ks_ctx *ctx, const struct ks_vm *vm, double t)
{
	return !vm->alive && vm->dead_t > 0 && vm->dead_t < t &&
	       t - vm->dead_t >= ctx->o->keep_dead && !pid_in(ctx->o->pids, ctx->o->npids, vm->pid);
}

/*
 * Retire the VMs dead for --keep-dead seconds.  s holds raw counts (no 'r'
 * baseline subtracted yet) collected after the VM was seen dead, so they are
 * final: they move to pid KS_RETIRED_PID, in s and in the baseline alike (the
 * totals do not move), the VM leaves ctx->vms, and the provider forgets it.
 * --once and --until-exit show one interval: nothing is retired; -p VMs never are.
 */
static void retire_dead(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	int pids[KS_RETIRE_MAX];
	size_t n = 0, w = 0;

	if (ctx->o->once || ctx->o->until_exit)
		return;
	for (size_t i = 0; i < ctx->nvms; i++) {
		struct ks_vm *vm = &ctx->vms[i];

		if (n < KS_RETIRE_MAX && vm_due(ctx, vm, s->t)) {
			pids[n++] = vm->pid;
			if (vm->pidfd >= 0)
				close(vm->pidfd);
			continue;
		}
		ctx->vms[w++] = *vm;
	}
	if (!n)
		return;
	ctx->nvms = w;
	fold_pids(s, pids, n);
	keep_retired(ctx, s);
	if (ctx->have_base)
		fold_pids(&ctx->base, pids, n);
	ctx->nretired += n;
	if (ctx->prov->retire)
		ctx->prov->retire(ctx, pids, n);
}

/* dead_t: when a VM was first seen dead */
static void mark_dead(struct ks_ctx *ctx)
{
	double now = ks_now();

	for (size_t i = 0; i < ctx->nvms; i++) {
		struct ks_vm *vm = &ctx->vms[i];

		if (vm->alive)
			vm->dead_t = 0;
		else if (!vm->dead_t)
			vm->dead_t = now;
	}
}

/* sort, retire, attach the VM list, subtract the 'r' baseline */
void ks_snapshot_finish(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	/* what retired VMs counted, kept here: the provider reports them no more */
	for (size_t i = 0; i < ctx->retired.ncounts; i++)
		ks_count_add(s, KS_RETIRED_PID, KS_NO_VCPU, ctx->retired.counts[i].event,
			     ctx->retired.counts[i].reason, ctx->retired.counts[i].count);
	for (size_t i = 0; i < ctx->retired.nlats; i++) {
		const struct ks_lat *r = &ctx->retired.lats[i];

		ks_lat_merge(ks_lat_get(s, KS_RETIRED_PID, KS_NO_VCPU, r->kind, r->reason), r);
	}
	merge_counts(s);
	/* VMs seen in counts but not yet known (BPF without filters) */
	for (size_t i = 0; i < s->ncounts; i++)
		if (s->counts[i].pid != KS_RETIRED_PID && !vm_find(ctx, s->counts[i].pid) &&
		    ks_pid_selected(ctx, s->counts[i].pid)) {
			struct ks_vm *vm = vm_add(ctx, s->counts[i].pid);

			vm_threads(vm);
		}
	vms_alive(ctx);
	mark_dead(ctx);
	retire_dead(ctx, s);
	s->retired_vms = ctx->nretired;
	s->vms = grow(s->vms, &s->capvms, ctx->nvms, sizeof(*s->vms));
	s->nvms = ctx->nvms;
	if (ctx->nvms)	/* none yet: ctx->vms may be NULL, and memcpy's source must not */
		memcpy(s->vms, ctx->vms, ctx->nvms * sizeof(*s->vms));
	sort_small(s->vms, s->nvms, sizeof(*s->vms), cmp_vm);
	if (ctx->have_base) {
		const struct ks_snapshot *b = &ctx->base;

		for (size_t i = 0; i < s->ncounts; i++) {
			struct ks_count *c = &s->counts[i];
			const struct ks_count *bc = bsearch(c, b->counts, b->ncounts,
							    sizeof(*c), cmp_count);

			if (bc)
				c->count = c->count >= bc->count ? c->count - bc->count : 0;
		}
		for (size_t i = 0; i < s->nlats; i++) {
			struct ks_lat *l = &s->lats[i];
			const struct ks_lat *bl = bsearch(l, b->lats, b->nlats, sizeof(*l), cmp_lat);

			if (!bl)
				continue;
			for (int k = 0; k < KVMLA_LAT_BUCKETS; k++)
				l->slots[k] -= l->slots[k] >= bl->slots[k] ? bl->slots[k] : l->slots[k];
			l->count -= l->count >= bl->count ? bl->count : l->count;
			l->sum_ns -= l->sum_ns >= bl->sum_ns ? bl->sum_ns : l->sum_ns;
		}
	}
}

int ks_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	int err;

	ks_snapshot_clear(s);
	s->t = ks_now();
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s->wall = ts.tv_sec + ts.tv_nsec / 1e9;
	}
	err = ctx->prov->collect(ctx, s);
	if (err)
		return err;
	ks_snapshot_finish(ctx, s);
	return 0;
}

unsigned long long ks_sum(const struct ks_snapshot *s, int pid, int vcpu, int event,
			  bool reason_any, unsigned long long reason)
{
	unsigned long long t = 0;

	for (size_t i = 0; i < s->ncounts; i++) {
		const struct ks_count *c = &s->counts[i];

		if ((pid == KS_ANY_PID || c->pid == pid) && (vcpu == -2 || c->vcpu == vcpu) &&
		    (event < 0 || c->event == event) && (reason_any || c->reason == reason))
			t += c->count;
	}
	return t;
}

void ks_lat_sum(const struct ks_snapshot *s, int pid, int vcpu, int kind,
		bool reason_any, unsigned long long reason, struct ks_lat *out)
{
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->vcpu = vcpu;
	out->kind = kind;
	out->reason = reason;
	for (size_t i = 0; i < s->nlats; i++) {
		const struct ks_lat *l = &s->lats[i];

		if ((pid != KS_ANY_PID && l->pid != pid) || (vcpu != -2 && l->vcpu != vcpu) ||
		    l->kind != kind || (!reason_any && l->reason != reason))
			continue;
		ks_lat_merge(out, l);
	}
}

const struct ks_vm *ks_snap_vm(const struct ks_snapshot *s, int pid)
{
	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].pid == pid)
			return &s->vms[i];
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

size_t ks_distinct_reasons(const struct ks_snapshot *s, int event, unsigned long long **out)
{
	unsigned long long *v = kvmla_xmalloc((s->ncounts + 1) * sizeof(*v));
	size_t n = 0, w = 0;

	for (size_t i = 0; i < s->ncounts; i++)
		if (s->counts[i].event == event)
			v[n++] = s->counts[i].reason;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (!w || v[w - 1] != v[i])
			v[w++] = v[i];
	*out = v;
	return w;
}

size_t ks_distinct_vcpus(const struct ks_snapshot *s, int pid, int **out)
{
	int *v = kvmla_xmalloc((s->ncounts + 1) * sizeof(*v));
	size_t n = 0, w = 0;

	for (size_t i = 0; i < s->ncounts; i++)
		if (s->counts[i].pid == pid)
			v[n++] = s->counts[i].vcpu;
	qsort(v, n, sizeof(*v), cmp_int);
	for (size_t i = 0; i < n; i++)
		if (!w || v[w - 1] != v[i])
			v[w++] = v[i];
	*out = v;
	return w;
}

const char *ks_lat_kind_name(int kind)
{
	switch (kind) {
	case KS_LAT_KERNEL: return "kernel";
	case KS_LAT_USER:   return "user";
	case KS_LAT_TOTAL:  return "total";
	}
	return "?";
}

/* 'r': counts restart from zero (a baseline is subtracted from then on) */
void ks_reset(struct ks_ctx *ctx)
{
	struct ks_snapshot raw;

	ks_snapshot_init(&raw);
	ctx->have_base = false;
	if (!ks_collect(ctx, &raw)) {
		ks_snapshot_copy(&ctx->base, &raw);
		ctx->have_base = true;
	}
	ks_snapshot_free(&raw);
}

/* -p/-g changed (TUI keys): forget the VM list, find it again */
void ks_filters_changed(struct ks_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nvms; i++)
		if (ctx->vms[i].pidfd >= 0)
			close(ctx->vms[i].pidfd);
	ctx->nvms = 0;
	ks_vms_refresh(ctx, false);
}
