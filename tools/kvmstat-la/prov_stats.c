// SPDX-License-Identifier: GPL-2.0
/*
 * KVM stats provider (-d).  Per VM and per vCPU counters from debugfs
 * (<debugfs>/kvm/<pid>-<fd>/<stat>, vcpuN/<stat>) where it is readable;
 * otherwise from the binary stats fd of each VM and vCPU (KVM_GET_STATS_FD),
 * whose fds are copied out of the VMM with pidfd_getfd() (root).
 * Values count from VM start, so a baseline is taken at open (like kvm_stat).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "collect.h"
#include "util.h"

#define KVM_STATS_NAME_SIZE 48	/* the uapi name field (not exported as a macro) */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct svm;

struct stats_data {
	char dir[256];		/* debugfs kvm dir, or "" for binary stats */
	bool binary;
	struct svm *svm;	/* binary stats: per VM, kept between refreshes */
	int nsvm;
	double scan_t;		/* last /proc scan for new VMs */
	struct nonvm { int pid; double t; } *nonvm;	/* processes seen holding no VM */
	size_t nnonvm, capnonvm;
};

static int add_name(struct ks_profile *p, const char *name)
{
	int i = ks_event_find(p, name);
	struct ks_event *e;

	if (i >= 0)
		return i;
	if (p->nev >= KS_MAX_EVENTS)
		return -1;
	e = realloc(p->ev, (p->nev + 1) * sizeof(*e));
	if (!e)
		return -1;
	p->ev = e;
	e = &p->ev[p->nev];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->id = -1;
	return p->nev++;
}

static bool read_u64(const char *path, unsigned long long *v)
{
	char buf[64], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	*v = strtoull(buf, &end, 10);
	return end != buf && (*end == '\n' || !*end);	/* histograms have several values */
}

static void read_dir(struct ks_ctx *ctx, struct ks_snapshot *s, const char *dir, int pid,
		     int vcpu, bool names_only)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[600];
		unsigned long long v;
		int ev;

		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!read_u64(path, &v))
			continue;
		ev = names_only ? add_name(&ctx->prof, de->d_name) : ks_event_find(&ctx->prof, de->d_name);
		if (ev < 0 || names_only || !ks_event_selected(ctx, ev))
			continue;
		ks_count_add(s, pid, vcpu, ev, 0, v);
	}
	if (d)
		closedir(d);
}

/* ---- binary stats (KVM_GET_STATS_FD) ---- */

/*
 * The fds, descriptors and event of each value are kept between refreshes:
 * a refresh is one pread() of each fd's data block.  New VMs (/proc scan) and
 * new vCPUs (the VMM's fds again) are looked for every STATS_RESCAN_S; the
 * counters count from the VM's start, so one found late loses nothing.
 */
#define STATS_RESCAN_S 5.0

struct sfd {
	int fd;
	int vcpu;
	unsigned int nval;
	unsigned long long data_off;
	size_t data_size;		/* bytes read per refresh */
	unsigned long long *buf;
	bool read_once;			/* buf holds a complete read */
	unsigned int *off;		/* u64 index of each value in buf */
	int *ev;			/* its event, -1: not in the profile */
	char (*name)[KVM_STATS_NAME_SIZE + 1];
};

struct svm {
	int pid;
	struct sfd *f;
	int nf;
	double t;			/* fds taken at */
	bool dead;			/* fds closed, buf keeps the final values */
};

static int steal_fds(int pid, const char *prefix, int *fds, int max)
{
	char path[64], link[128], p2[320];
	int pidfd, n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	while (pidfd >= 0 && n < max && (de = readdir(d))) {
		ssize_t l;

		snprintf(p2, sizeof(p2), "%s/%s", path, de->d_name);
		l = readlink(p2, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strncmp(link, prefix, strlen(prefix)) ||
		    (link[strlen(prefix)] && link[strlen(prefix)] != ':'))
			continue;
		fds[n] = syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		if (fds[n] >= 0)
			n++;
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
	return n;
}

static void sfd_free(struct sfd *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	free(f->off);
	free(f->ev);
	free(f->name);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* the event of each value; names_only: add unknown names to the profile */
static void sfd_resolve(struct ks_ctx *ctx, struct sfd *f, bool names_only)
{
	for (unsigned int i = 0; i < f->nval; i++)
		f->ev[i] = names_only ? add_name(&ctx->prof, f->name[i]) :
			   ks_event_find(&ctx->prof, f->name[i]);
}

/*
 * Parse one binary stats fd (struct kvm_stats_header, descriptors, data):
 * the VM or vCPU it belongs to ("kvm-PID/vcpu-N") and its one-value
 * counters (histograms skipped).  Takes fd.
 */
static bool sfd_load(struct sfd *f, int fd)
{
	struct kvm_stats_header h;
	char *descs = NULL, id[KVM_STATS_NAME_SIZE + 1] = "", *v;
	size_t dsz, top = 0;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) ||
	    pread(fd, id, sizeof(id) - 1, h.id_offset) <= 0 || h.num_desc > 4096)
		return false;
	v = strstr(id, "/vcpu-");
	f->vcpu = v ? atoi(v + 6) : KS_NO_VCPU;
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsz * h.num_desc);
	f->off = calloc(h.num_desc + 1, sizeof(*f->off));
	f->ev = calloc(h.num_desc + 1, sizeof(*f->ev));
	f->name = calloc(h.num_desc + 1, sizeof(*f->name));
	if (!descs || !f->off || !f->ev || !f->name ||
	    pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc)) {
		free(descs);
		return false;
	}
	for (unsigned int i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * dsz);

		if (d->size != 1 || d->offset % sizeof(__u64))	/* histograms: skip */
			continue;
		f->off[f->nval] = d->offset / sizeof(__u64);
		snprintf(f->name[f->nval], sizeof(f->name[0]), "%.*s",
			 (int)(h.name_size < KVM_STATS_NAME_SIZE ? h.name_size : KVM_STATS_NAME_SIZE),
			 d->name);
		if (d->offset + sizeof(__u64) > top)
			top = d->offset + sizeof(__u64);
		f->nval++;
	}
	free(descs);
	f->data_off = h.data_offset;
	f->data_size = top;
	f->buf = calloc(1, top ? top : 1);
	return f->buf != NULL;
}

/*
 * KVM_GET_STATS_FD itself refuses callers outside the VM's mm (-EIO), so
 * the stats fds are taken from the VMM: those it opened (QEMU does for
 * query-stats), and, should the kernel allow it, new ones from its VM and
 * vCPU fds.
 */
static void svm_open(struct ks_ctx *ctx, struct svm *m, bool names_only)
{
	int fds[256], n;

	m->t = ks_now();
	n = steal_fds(m->pid, "anon_inode:kvm-vm-stats", fds, 1);
	n += steal_fds(m->pid, "anon_inode:kvm-vcpu-stats", fds + n, 255);
	if (!n) {
		int obj[256], m2;

		m2 = steal_fds(m->pid, "anon_inode:kvm-vm", obj, 1);
		m2 += steal_fds(m->pid, "anon_inode:kvm-vcpu", obj + m2, 255 - m2);
		for (int i = 0; i < m2; i++) {
			int sfd = ioctl(obj[i], KVM_GET_STATS_FD, NULL);

			if (sfd >= 0)
				fds[n++] = sfd;
			close(obj[i]);
		}
	}
	/*
	 * Fewer than held (the VMM is closing them as it exits): keep what was
	 * held, a VM's vCPUs never go away.
	 */
	if (n < m->nf) {
		while (n > 0)
			close(fds[--n]);
		return;
	}
	for (int i = 0; i < m->nf; i++)
		sfd_free(&m->f[i]);
	m->nf = 0;
	free(m->f);
	m->f = calloc(n ? n : 1, sizeof(*m->f));
	for (int i = 0; i < n; i++) {
		if (!m->f) {
			close(fds[i]);
			continue;
		}
		if (!sfd_load(&m->f[m->nf], fds[i])) {
			sfd_free(&m->f[m->nf]);
			continue;
		}
		sfd_resolve(ctx, &m->f[m->nf++], names_only);
	}
}

static void svm_read(struct ks_ctx *ctx, struct ks_snapshot *s, struct svm *m)
{
	for (int i = 0; i < m->nf; i++) {
		struct sfd *f = &m->f[i];

		if (!m->dead && pread(f->fd, f->buf, f->data_size, f->data_off) ==
				(ssize_t)f->data_size)
			f->read_once = true;
		if (!f->read_once)
			continue;
		for (unsigned int k = 0; k < f->nval; k++)
			if (f->ev[k] >= 0 && ks_event_selected(ctx, f->ev[k]))
				ks_count_add(s, m->pid, f->vcpu, f->ev[k], 0, f->buf[f->off[k]]);
	}
}

static void svm_close(struct svm *m)
{
	for (int i = 0; i < m->nf; i++)
		sfd_free(&m->f[i]);
	free(m->f);
	memset(m, 0, sizeof(*m));
}

/* counts of a VM seen dead: read once more, then only from the kept buffers */
static void svm_keep_final(struct ks_ctx *ctx, struct ks_snapshot *s, struct svm *m)
{
	svm_read(ctx, s, m);
	if (m->dead)
		return;
	for (int i = 0; i < m->nf; i++)
		if (m->f[i].fd >= 0) {
			close(m->f[i].fd);
			m->f[i].fd = -1;
		}
	m->dead = true;
}

static struct svm *svm_get(struct stats_data *d, int pid)
{
	struct svm *m;

	for (int i = 0; i < d->nsvm; i++)
		if (d->svm[i].pid == pid)
			return &d->svm[i];
	m = realloc(d->svm, (d->nsvm + 1) * sizeof(*m));
	if (!m)
		return NULL;
	d->svm = m;
	m = &d->svm[d->nsvm++];
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	return m;
}

static void read_binary(struct ks_ctx *ctx, struct stats_data *d, struct ks_snapshot *s, int pid,
			bool names_only)
{
	struct svm *m = svm_get(d, pid);

	if (!m)
		return;
	/* none held yet (a VMM that opens them late): look again at each refresh */
	if (!m->t || names_only || !m->nf || ks_now() - m->t >= STATS_RESCAN_S)
		svm_open(ctx, m, names_only);
	if (!names_only)
		svm_read(ctx, s, m);
}

static void collect_vm(struct ks_ctx *ctx, struct stats_data *d, struct ks_snapshot *s,
		       int pid, bool names_only)
{
	if (!d->binary) {
		char pre[32];
		DIR *dir = opendir(d->dir);
		struct dirent *de;

		snprintf(pre, sizeof(pre), "%d-", pid);
		while (dir && (de = readdir(dir))) {
			char vd[512];

			if (strncmp(de->d_name, pre, strlen(pre)))
				continue;
			snprintf(vd, sizeof(vd), "%s/%s", d->dir, de->d_name);
			read_dir(ctx, s, vd, pid, KS_NO_VCPU, names_only);
			DIR *v = opendir(vd);
			struct dirent *ve;

			while (v && (ve = readdir(v))) {
				char cd[800];

				if (strncmp(ve->d_name, "vcpu", 4) || ve->d_type != DT_DIR)
					continue;
				snprintf(cd, sizeof(cd), "%s/%s", vd, ve->d_name);
				read_dir(ctx, s, cd, pid, atoi(ve->d_name + 4), names_only);
			}
			if (v)
				closedir(v);
		}
		if (dir)
			closedir(dir);
		return;
	}
	read_binary(ctx, d, s, pid, names_only);
}

/*
 * New VMs, all of them selected (no -p, no -g): a process is a VM when it
 * holds an anon_inode:kvm-vm fd, which takes a readlink() of each of its
 * fds.  A process seen without one is looked at again only after
 * STATS_NONVM_S: a VMM creates its VM as it starts.
 */
#define STATS_NONVM_S 30.0

static int cmp_nonvm(const void *a, const void *b)
{
	return ((const struct nonvm *)a)->pid - ((const struct nonvm *)b)->pid;
}

static void scan_new_vms(struct ks_ctx *ctx, struct stats_data *d, double now)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	size_t n = d->nnonvm;

	while (dir && (de = readdir(dir))) {
		struct nonvm key = { atoi(de->d_name), 0 }, *hit;
		bool known = false;

		if (key.pid <= 0)
			continue;
		for (size_t i = 0; i < ctx->nvms && !known; i++)
			known = ctx->vms[i].pid == key.pid;
		hit = bsearch(&key, d->nonvm, n, sizeof(key), cmp_nonvm);
		if (known || (hit && now - hit->t < STATS_NONVM_S))
			continue;
		if (kvmla_proc_has_kvm_vm(key.pid)) {
			ks_vm_track(ctx, key.pid);
		} else if (hit) {
			hit->t = now;
		} else if (d->nnonvm < d->capnonvm || (d->capnonvm = d->capnonvm * 2 + 64,
			   d->nonvm = kvmla_xrealloc(d->nonvm, d->capnonvm * sizeof(key)))) {
			key.t = now;
			d->nonvm[d->nnonvm++] = key;
		}
	}
	if (dir)
		closedir(dir);
	qsort(d->nonvm, d->nnonvm, sizeof(*d->nonvm), cmp_nonvm);
}

static int stats_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct stats_data *d = ctx->pdata;
	double now = ks_now();

	/* binary stats: new VMs are looked for every STATS_RESCAN_S */
	if (!d->binary || now - d->scan_t >= STATS_RESCAN_S) {
		if (d->binary && !ctx->o->npids && !ctx->o->guest && d->scan_t)
			scan_new_vms(ctx, d, now);
		else
			ks_vms_refresh(ctx, true);
		d->scan_t = now;
	}
	for (size_t i = 0; i < ctx->nvms; i++) {
		if (ctx->vms[i].alive && kvmla_proc_alive(ctx->vms[i].pid)) {
			collect_vm(ctx, d, s, ctx->vms[i].pid, false);
			continue;
		}
		/*
		 * A dead VM keeps its last counts: one final read through the
		 * held fds (the kernel's counters outlive the process), then the
		 * fds go, since each keeps the dead VM's memory.
		 */
		for (int k = 0; d->binary && k < d->nsvm; k++)
			if (d->svm[k].pid == ctx->vms[i].pid)
				svm_keep_final(ctx, s, &d->svm[k]);
	}
	s->has_reasons = false;
	s->has_latency = false;
	return 0;
}

static int stats_open(struct ks_ctx *ctx)
{
	const char *dbg = ctx->o->debugfs ? ctx->o->debugfs : "/sys/kernel/debug";
	struct stats_data *d = calloc(1, sizeof(*d));
	struct ks_snapshot s;
	struct stat st;

	if (!d)
		return -ENOMEM;
	ctx->pdata = d;
	snprintf(ctx->prof.name, sizeof(ctx->prof.name), "stats");
	snprintf(d->dir, sizeof(d->dir), "%s/kvm", dbg);
	d->binary = stat(d->dir, &st) || access(d->dir, R_OK | X_OK);
	if (!d->binary) {
		/* a locked-down debugfs lists the files but refuses reads (EPERM) */
		char probe[600];
		unsigned long long v;

		snprintf(probe, sizeof(probe), "%s/exits", d->dir);
		d->binary = !read_u64(probe, &v);
	}
	ks_snapshot_init(&s);
	ks_vms_refresh(ctx, true);
	if (!d->binary)
		read_dir(ctx, &s, d->dir, 0, KS_NO_VCPU, true);
	for (size_t i = 0; i < ctx->nvms; i++)
		collect_vm(ctx, d, &s, ctx->vms[i].pid, true);
	/* names sorted, as in the tracepoint profiles */
	for (int i = 0; i < ctx->prof.nev; i++)
		for (int j = i + 1; j < ctx->prof.nev; j++)
			if (strcmp(ctx->prof.ev[j].name, ctx->prof.ev[i].name) < 0) {
				struct ks_event t = ctx->prof.ev[i];

				ctx->prof.ev[i] = ctx->prof.ev[j];
				ctx->prof.ev[j] = t;
			}
	for (int i = 0; i < d->nsvm; i++)	/* the events, as sorted */
		for (int k = 0; k < d->svm[i].nf; k++)
			sfd_resolve(ctx, &d->svm[i].f[k], false);
	if (!ctx->prof.nev) {
		if (ctx->quiet_open) {	/* auto: BPF instead */
			ks_snapshot_free(&s);
			return -ENOENT;
		}
		kvmla_err("no KVM stats: %s missing or unreadable (mount debugfs: mount -t debugfs nodev %s) and no selected VM holds binary stats fds",
		       d->dir, dbg);
		ks_snapshot_free(&s);
		return -ENOENT;
	}
	/* baseline: count from now, like kvm_stat -d */
	if (!ks_collect(ctx, &s)) {
		ks_snapshot_copy(&ctx->base, &s);
		ctx->have_base = true;
	}
	ks_snapshot_free(&s);
	return 0;
}

static void stats_close(struct ks_ctx *ctx)
{
	struct stats_data *d = ctx->pdata;

	for (int i = 0; d && i < d->nsvm; i++)
		svm_close(&d->svm[i]);
	if (d) {
		free(d->svm);
		free(d->nonvm);
	}
	free(ctx->pdata);
	ctx->pdata = NULL;
}

/* retired VMs: their binary stats entries go (a closed entry has pid 0) */
static void stats_retire(struct ks_ctx *ctx, const int *pids, size_t n)
{
	struct stats_data *d = ctx->pdata;
	int w = 0;

	for (int i = 0; i < d->nsvm; i++) {
		if (ks_pid_listed(pids, n, d->svm[i].pid) || !d->svm[i].pid)
			svm_close(&d->svm[i]);
		else
			d->svm[w++] = d->svm[i];
	}
	d->nsvm = w;
}

const struct ks_provider ks_prov_stats = {
	.name = "stats",
	.open = stats_open,
	.collect = stats_collect,
	.refresh = NULL,
	.close = stats_close,
	.retire = stats_retire,
};
