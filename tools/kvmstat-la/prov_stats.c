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

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct stats_data {
	char dir[256];		/* debugfs kvm dir, or "" for binary stats */
	bool binary;
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

static int steal_fds(int pid, const char *prefix, int *fds, int *ids, int max)
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
		if (fds[n] < 0)
			continue;
		ids[n] = link[strlen(prefix)] == ':' ? atoi(link + strlen(prefix) + 1) : KS_NO_VCPU;
		n++;
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
	return n;
}

/*
 * Read one binary stats fd (struct kvm_stats_header, descriptors, data).
 * vcpu < -1: take the vCPU from the header id ("kvm-PID/vcpu-N").
 */
static void read_stats_fd(struct ks_ctx *ctx, struct ks_snapshot *s, int sfd, int pid, int vcpu,
			  bool names_only)
{
	struct kvm_stats_header h;
	char *descs = NULL, id[49] = "";	/* KVM_STATS_NAME_SIZE (48) + NUL */
	size_t dsz;

	if (pread(sfd, &h, sizeof(h), 0) != sizeof(h))
		return;
	if (vcpu < -1) {
		char *v;

		if (pread(sfd, id, sizeof(id) - 1, h.id_offset) <= 0)
			return;
		v = strstr(id, "/vcpu-");
		vcpu = v ? atoi(v + 6) : KS_NO_VCPU;
	}
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsz * h.num_desc);
	if (!descs || pread(sfd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		goto out;
	for (unsigned int i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * dsz);
		unsigned long long v;
		int ev;

		if (d->size != 1)	/* histograms: skip */
			continue;
		if (pread(sfd, &v, sizeof(v), h.data_offset + d->offset) != sizeof(v))
			continue;
		ev = names_only ? add_name(&ctx->prof, d->name) : ks_event_find(&ctx->prof, d->name);
		if (ev < 0 || names_only || !ks_event_selected(ctx, ev))
			continue;
		ks_count_add(s, pid, vcpu, ev, 0, v);
	}
out:
	free(descs);
}

/*
 * KVM_GET_STATS_FD itself refuses callers outside the VM's mm (-EIO), so
 * the stats fds are taken from the VMM: those it opened (QEMU does for
 * query-stats), and, should the kernel allow it, new ones from its VM and
 * vCPU fds.
 */
static void read_binary(struct ks_ctx *ctx, struct ks_snapshot *s, int pid, bool names_only)
{
	int fds[256], ids[256], n;

	n = steal_fds(pid, "anon_inode:kvm-vm-stats", fds, ids, 1);
	n += steal_fds(pid, "anon_inode:kvm-vcpu-stats", fds + n, ids + n, 255);
	if (!n) {
		int obj[256], oid[256], m;

		m = steal_fds(pid, "anon_inode:kvm-vm", obj, oid, 1);
		m += steal_fds(pid, "anon_inode:kvm-vcpu", obj + m, oid + m, 255 - m);
		for (int i = 0; i < m; i++) {
			int sfd = ioctl(obj[i], KVM_GET_STATS_FD, NULL);

			if (sfd >= 0)
				fds[n++] = sfd;
			close(obj[i]);
		}
	}
	for (int i = 0; i < n; i++) {
		read_stats_fd(ctx, s, fds[i], pid, -2, names_only);
		close(fds[i]);
	}
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
	read_binary(ctx, s, pid, names_only);
}

static int stats_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct stats_data *d = ctx->pdata;

	ks_vms_refresh(ctx, true);
	for (size_t i = 0; i < ctx->nvms; i++)
		if (ctx->vms[i].alive)
			collect_vm(ctx, d, s, ctx->vms[i].pid, false);
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
	free(ctx->pdata);
	ctx->pdata = NULL;
}

const struct ks_provider ks_prov_stats = {
	.name = "stats",
	.open = stats_open,
	.collect = stats_collect,
	.refresh = NULL,
	.close = stats_close,
};
