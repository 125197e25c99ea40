// SPDX-License-Identifier: GPL-2.0
/*
 * BPF provider: kvmstat-la.bpf.c aggregates in the kernel; each refresh
 * reads the per-CPU maps once.  Flow (libbpf-tools): open -> rodata ->
 * tp_btf or raw_tp -> load -> attach -> read -> destroy.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collect.h"
#include "kvmstat-la.skel.h"

struct bpf_data {
	struct kvmstat_la_bpf *skel;
	struct bpf_link **links;
	int nlinks;
	int ncpus;
	bool btf;
	bool nobatch;		/* BPF_MAP_LOOKUP_BATCH unsupported */
	__u32 cs, ls;		/* fast-table slots per CPU */
	struct ks_cslot *cmap;	/* mmapped stripes */
	struct ks_lslot *lmap;
	struct ks_meta *meta;	/* mmapped, one per CPU */
	size_t *clive;		/* per CPU: live count slots, read once per refresh */
	size_t cmap_sz, lmap_sz, meta_sz;
	int npids_set;
};

static bool verbose;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG || (!verbose && level == LIBBPF_INFO))
		return 0;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static struct bpf_program *dedicated(struct kvmstat_la_bpf *s, const char *ev, bool btf)
{
	if (!strcmp(ev, "kvm_entry"))
		return btf ? s->progs.ks_btf_entry : s->progs.ks_raw_entry;
	if (!strcmp(ev, "kvm_userspace_exit"))
		return btf ? s->progs.ks_btf_uexit : s->progs.ks_raw_uexit;
	if (!strcmp(ev, "kvm_pio"))
		return btf ? s->progs.ks_btf_pio : s->progs.ks_raw_pio;
	if (!strcmp(ev, "kvm_mmio"))
		return btf ? s->progs.ks_btf_mmio : s->progs.ks_raw_mmio;
	if (!strcmp(ev, "kvm_fpu"))
		return btf ? s->progs.ks_btf_fpu : s->progs.ks_raw_fpu;
	if (!strcmp(ev, "kvm_emulate_insn"))
		return btf ? s->progs.ks_btf_emul : s->progs.ks_raw_emul;
	return NULL;
}

static void all_autoload_off(struct kvmstat_la_bpf *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, false);
	bpf_program__set_autoload(s->progs.ks_generic, true);
}

static int try_load(struct ks_ctx *ctx, struct bpf_data *d, bool btf)
{
	struct ks_profile *p = &ctx->prof;
	struct kvmstat_la_bpf *s = kvmstat_la_bpf__open();
	bool x86 = !strcmp(p->name, "x86");

	if (!s)
		return -errno ? -errno : -EINVAL;
	all_autoload_off(s);
	s->rodata->do_latency = !ctx->o->no_latency;
	d->cs = d->ncpus <= 8 ? 4096 : d->ncpus <= 32 ? 1024 : 256;
	d->ls = d->ncpus <= 8 ? 256 : d->ncpus <= 32 ? 64 : 16;
	if (getenv("KVMSTAT_LA_TINY_MAPS")) {
		/* tests: tables too small, so that drops happen and are counted */
		d->cs = d->ls = 1;
		bpf_map__set_max_entries(s->maps.counts, 2);
		bpf_map__set_max_entries(s->maps.lat, 1);
	}
	/* the indexes: twice the slots (at most half full), a power of 2 */
	s->rodata->cs_slots = d->cs;
	s->rodata->ls_slots = d->ls;
	s->rodata->ci_slots = 2 * d->cs;
	s->rodata->li_slots = 2 * d->ls;
	bpf_map__set_max_entries(s->maps.cindex, 2 * d->cs * d->ncpus);
	bpf_map__set_max_entries(s->maps.lindex, 2 * d->ls * d->ncpus);
	bpf_map__set_max_entries(s->maps.meta, d->ncpus);
	bpf_map__set_max_entries(s->maps.cslots, d->cs * d->ncpus);
	bpf_map__set_max_entries(s->maps.lslots, d->ls * d->ncpus);
	for (int i = 0; i < p->nev; i++) {
		struct bpf_program *prog = x86 ? dedicated(s, p->ev[i].name, btf) : NULL;

		p->ev[i].dedicated = false;
		if (!prog || !ks_event_selected(ctx, i))
			continue;
		bpf_program__set_autoload(prog, true);
		p->ev[i].dedicated = true;
		if (!strcmp(p->ev[i].name, "kvm_entry"))
			s->rodata->idx_entry = i;
		else if (!strcmp(p->ev[i].name, "kvm_userspace_exit"))
			s->rodata->idx_uexit = i;
		else if (!strcmp(p->ev[i].name, "kvm_pio"))
			s->rodata->idx_pio = i;
		else if (!strcmp(p->ev[i].name, "kvm_mmio"))
			s->rodata->idx_mmio = i;
		else if (!strcmp(p->ev[i].name, "kvm_fpu"))
			s->rodata->idx_fpu = i;
		else if (!strcmp(p->ev[i].name, "kvm_emulate_insn"))
			s->rodata->idx_emul = i;
	}
	if (kvmstat_la_bpf__load(s)) {
		int err = -errno;

		kvmstat_la_bpf__destroy(s);
		return err ? err : -EINVAL;
	}
	d->skel = s;
	d->btf = btf;
	return 0;
}

static void *map_mmap(struct bpf_map *m, size_t *sz)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	*sz = ((size_t)bpf_map__value_size(m) * bpf_map__max_entries(m) + page - 1) / page * page;
	p = mmap(NULL, *sz, PROT_READ, MAP_SHARED, bpf_map__fd(m), 0);
	return p == MAP_FAILED ? NULL : p;
}

static void update_pids(struct ks_ctx *ctx, struct bpf_data *d)
{
	int fd = bpf_map__fd(d->skel->maps.pids);
	__u8 one = 1;

	d->skel->bss->filter_pid = ctx->o->npids || ctx->o->guest;

	for (size_t i = 0; i < ctx->nvms; i++) {
		__u32 pid = ctx->vms[i].pid;

		bpf_map_update_elem(fd, &pid, &one, BPF_ANY);
	}
}

/*
 * A classic tracepoint program through a perf event of our own that only
 * counts (libbpf's has sample_period 1: every event it lets through to perf
 * would be a sample, and the program lets every event through, so that
 * other perf users of the tracepoint still see it).  NULL and errno set on
 * failure; the link owns the fd.
 */
static struct bpf_link *attach_counting(struct bpf_program *prog, int tp_id, int cookie)
{
	LIBBPF_OPTS(bpf_perf_event_opts, o, .bpf_cookie = (__u64)cookie);
	struct perf_event_attr a;
	struct bpf_link *l;
	int fd, err;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = tp_id;
	fd = syscall(SYS_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return NULL;
	l = bpf_program__attach_perf_event_opts(prog, fd, &o);
	if (!l) {
		err = errno;
		close(fd);
		errno = err;
	}
	return l;
}

static int bpf_open_all(struct ks_ctx *ctx)
{
	struct ks_profile *p = &ctx->prof;
	struct bpf_data *d = calloc(1, sizeof(*d));
	int err, cfgfd;

	if (!d)
		return -ENOMEM;
	verbose = getenv("KVMSTAT_LA_VERBOSE") != NULL;
	libbpf_set_print(print_fn);
	ctx->pdata = d;
	d->ncpus = libbpf_num_possible_cpus();
	if (d->ncpus <= 0)
		return -EINVAL;
	/* tp_btf first; raw_tp twins when it is unavailable (or forced, for tests) */
	err = getenv("KVMSTAT_LA_FORCE_RAW_TP") ? -ENOTSUP : try_load(ctx, d, true);
	if (err)
		err = try_load(ctx, d, false);
	if (!err && verbose)
		fprintf(stderr, "kvmstat-la: BPF programs loaded (%s)\n", d->btf ? "tp_btf" : "raw_tp");
	if (err) {
		kvmla_err("cannot load BPF programs: %s (try -t for perf counters)", strerror(-err));
		return err;
	}
	d->cmap = map_mmap(d->skel->maps.cslots, &d->cmap_sz);
	d->lmap = map_mmap(d->skel->maps.lslots, &d->lmap_sz);
	d->meta = map_mmap(d->skel->maps.meta, &d->meta_sz);
	d->clive = calloc(d->ncpus, sizeof(*d->clive));
	if (!d->clive)
		return -ENOMEM;
	if (!d->cmap || !d->lmap || !d->meta) {
		err = -errno;
		kvmla_err("cannot mmap the BPF count tables: %s", strerror(-err));
		return err;
	}
	ks_vms_refresh(ctx, false);
	update_pids(ctx, d);
	cfgfd = bpf_map__fd(d->skel->maps.evcfg);
	d->links = calloc(p->nev + 8, sizeof(*d->links));
	if (!d->links)
		return -ENOMEM;
	for (int i = 0; i < p->nev; i++) {
		struct ks_event *e = &p->ev[i];
		struct ks_evcfg c = { 0 };
		struct bpf_link *l;
		__u32 key = i;

		if (!ks_event_selected(ctx, i))
			continue;
		if (e->dedicated) {
			l = bpf_program__attach(dedicated(d->skel, e->name, d->btf));
		} else {

			c.reason_off = e->reason.off;
			c.reason_size = e->reason.size;
			c.sub_off = e->sub.off;
			c.sub_size = e->sub.size;
			c.vcpu_off = e->vcpu.off;
			c.vcpu_size = e->vcpu.size;
			c.role = e->role;
			bpf_map_update_elem(cfgfd, &key, &c, BPF_ANY);
			l = attach_counting(d->skel->progs.ks_generic, e->id, i);
		}
		if (!l) {
			err = -errno;
			kvmla_err("cannot attach to kvm:%s: %s", e->name, strerror(-err));
			return err;
		}
		d->links[d->nlinks++] = l;
	}
	return 0;
}

/* tid -> vcpu_id learned from keys whose event carried a vcpu_id */
struct tidmap {
	int tid, vcpu;
};
static struct tidmap *tids;
static size_t ntids, captids;

static void tid_learn(int tid, int vcpu)
{
	for (size_t i = 0; i < ntids; i++)
		if (tids[i].tid == tid) {
			tids[i].vcpu = vcpu;
			return;
		}
	if (ntids == captids) {
		captids = captids ? captids * 2 : 64;
		tids = kvmla_xrealloc(tids, captids * sizeof(*tids));
	}
	tids[ntids].tid = tid;
	tids[ntids++].vcpu = vcpu;
}

/* the kernel's vcpu_id if an event of the thread carried it, else the thread name */
static int vcpu_of(struct ks_ctx *ctx, int pid, int tid, int vcpu)
{
	if (vcpu >= 0)
		return vcpu;
	for (size_t i = 0; i < ntids; i++)
		if (tids[i].tid == tid)
			return tids[i].vcpu;
	return ks_vm_vcpu_of_tid(ctx, pid, tid);
}

/*
 * Read a whole per-CPU hash in a few bpf() calls (BPF_MAP_LOOKUP_BATCH);
 * *n = entries read.  Returns -errno when batching is unsupported.
 */
static int read_batch(int fd, size_t ksz, size_t vsz, int ncpus, void **keys, void **vals,
		      size_t *n, size_t *cap)
{
	__u64 in = 0, out = 0;
	void *inp = NULL;
	int err;

	*n = 0;
	for (;;) {
		__u32 cnt;

		if (*cap - *n < 256) {
			*cap = *cap ? *cap * 2 : 1024;
			*keys = kvmla_xrealloc(*keys, *cap * ksz);
			*vals = kvmla_xrealloc(*vals, *cap * vsz * ncpus);
		}
		cnt = *cap - *n;
		err = bpf_map_lookup_batch(fd, inp, &out, (char *)*keys + *n * ksz,
					   (char *)*vals + *n * vsz * ncpus, &cnt, NULL);
		if (err && errno != ENOENT)
			return -errno;
		*n += cnt;
		if (err)	/* ENOENT: done */
			return 0;
		in = out;
		inp = &in;
	}
}

/* Room for entry n in a pair of growing key/value arrays (doubling). */
static void grow_kv(void **k, void **v, size_t *cap, size_t n, size_t ksz, size_t vsz)
{
	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 1024;
	*k = kvmla_xrealloc(*k, *cap * ksz);
	*v = kvmla_xrealloc(*v, *cap * vsz);
}

/* live slots of a CPU's stripe: the first claimed ones (capped: a torn read) */
static size_t live_slots(__u64 claimed, __u32 nslots)
{
	return claimed < nslots ? (size_t)claimed : nslots;
}

/* per-CPU hash -> (keys, ncpus values each): batched when the kernel can */
static size_t read_hash(struct bpf_data *d, int fd, size_t ksz, size_t vsz, void **k, void **v,
			size_t *cap)
{
	size_t n = 0;
	void *prev = NULL;
	char key[64], next[64];

	if (!d->nobatch && !read_batch(fd, ksz, vsz, d->ncpus, k, v, &n, cap))
		return n;
	d->nobatch = true;
	n = 0;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		grow_kv(k, v, cap, n, ksz, vsz * d->ncpus);
		if (bpf_map_lookup_elem(fd, key, (char *)*v + n * vsz * d->ncpus))
			continue;
		memcpy((char *)*k + n * ksz, key, ksz);
		n++;
	}
	return n;
}

static void add_count(struct ks_ctx *ctx, struct ks_snapshot *s, const struct ks_count_key *k,
		      unsigned long long n)
{
	if (n && ks_pid_selected(ctx, k->pid))
		ks_count_add(s, k->pid, vcpu_of(ctx, k->pid, k->tid, k->vcpu), k->event, k->reason, n);
}

/* one latency histogram (a fast-table slot, or one CPU's hash value) into l */
static void lat_merge(struct ks_lat *l, const struct ks_lat_val *v)
{
	ks_lat_merge(l, v);
}

/* a spill hash read back: keys, per-CPU values (buffers kept across samples) */
struct spill {
	void *keys, *vals;
	size_t cap;
};

/* the entries of a per-CPU spill hash, none when nothing spilled into it */
static size_t read_spill(struct bpf_data *d, struct bpf_map *map, size_t ksz, size_t vsz,
			 bool spilled, struct spill *sp)
{
	return spilled ? read_hash(d, bpf_map__fd(map), ksz, vsz, &sp->keys, &sp->vals, &sp->cap) : 0;
}

/* the counts: the spill hash (if anything spilled) and the fast tables */
static void collect_counts(struct ks_ctx *ctx, struct bpf_data *d, struct ks_snapshot *s,
			   bool spilled)
{
	static struct spill sp;
	size_t nk = read_spill(d, d->skel->maps.counts, sizeof(struct ks_count_key), sizeof(__u64),
			       spilled, &sp);
	void *bk = sp.keys, *bv = sp.vals;
	/* tids learn their vCPU first (from every key that carried one) */
	for (size_t i = 0; i < nk; i++) {
		struct ks_count_key *k = (struct ks_count_key *)bk + i;

		if (k->vcpu >= 0)
			tid_learn(k->tid, k->vcpu);
	}
	for (int c = 0; c < d->ncpus; c++) {
		d->clive[c] = live_slots(d->meta[c].cclaimed, d->cs);
		for (size_t j = 0; j < d->clive[c]; j++) {
			const struct ks_cslot *sl = &d->cmap[(size_t)c * d->cs + j];

			if (sl->key.vcpu >= 0)
				tid_learn(sl->key.tid, sl->key.vcpu);
		}
	}
	/* then the counts: the hash entries, and the fast table's live slots in place */
	for (size_t i = 0; i < nk; i++) {
		struct ks_count_key *k = (struct ks_count_key *)bk + i;
		__u64 *v = (__u64 *)bv + i * d->ncpus;
		unsigned long long sum = 0;

		for (int c = 0; c < d->ncpus; c++)
			sum += v[c];
		add_count(ctx, s, k, sum);
	}
	for (int c = 0; c < d->ncpus; c++) {
		for (size_t j = 0; j < d->clive[c]; j++) {
			const volatile struct ks_cslot *sl = &d->cmap[(size_t)c * d->cs + j];

			add_count(ctx, s, (const struct ks_count_key *)&sl->key, sl->count);
		}
	}
}

/* the latency histograms: the fast tables' live slots, then the spill hash */
static void collect_latency(struct ks_ctx *ctx, struct bpf_data *d, struct ks_snapshot *s,
			    bool spilled)
{
	static struct spill sp;
	size_t nl = read_spill(d, d->skel->maps.lat, sizeof(struct ks_lat_key),
			       sizeof(struct ks_lat_val), spilled, &sp);
	void *lkk = sp.keys, *lvv = sp.vals;
	for (int c = 0; c < d->ncpus; c++) {
		size_t n = live_slots(d->meta[c].lclaimed, d->ls);

		for (size_t j = 0; j < n; j++) {
			const struct ks_lslot *sl = &d->lmap[(size_t)c * d->ls + j];

			if (!ks_pid_selected(ctx, sl->key.pid))
				continue;
			lat_merge(ks_lat_get(s, sl->key.pid,
					     vcpu_of(ctx, sl->key.pid, sl->key.tid, sl->key.vcpu),
					     sl->key.kind, sl->key.reason), &sl->v);
		}
	}
	for (size_t i = 0; i < nl; i++) {
		struct ks_lat_key *k = (struct ks_lat_key *)lkk + i;
		struct ks_lat_val *v = (struct ks_lat_val *)lvv + i * d->ncpus;
		struct ks_lat *l;

		if (!ks_pid_selected(ctx, k->pid))
			continue;
		l = ks_lat_get(s, k->pid, vcpu_of(ctx, k->pid, k->tid, k->vcpu), k->kind, k->reason);
		for (int c = 0; c < d->ncpus; c++)
			lat_merge(l, &v[c]);
	}
}

static int bpf_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct bpf_data *d = ctx->pdata;
	__u64 cspill = 0, lspill = 0;

	if (ctx->o->guest || ctx->o->npids) {
		ks_vms_refresh(ctx, false);	/* -g re-finds guests by name */
		update_pids(ctx, d);
	}
	for (int c = 0; c < d->ncpus; c++) {
		const volatile struct ks_meta *m = &d->meta[c];

		cspill += m->cspill;
		lspill += m->lspill;
		for (int k = 0; k < KS_DROP_SLOTS; k++)
			s->drops[k] += m->drops[k];
	}
	/* the per-CPU hashes only hold what did not fit the fast tables */
	collect_counts(ctx, d, s, cspill);
	collect_latency(ctx, d, s, lspill);
	s->has_reasons = true;
	s->has_latency = !ctx->o->no_latency;
	return 0;
}

static void bpf_refresh(struct ks_ctx *ctx)
{
	ks_vms_refresh(ctx, false);
	update_pids(ctx, ctx->pdata);
}

static void bpf_close(struct ks_ctx *ctx)
{
	struct bpf_data *d = ctx->pdata;

	if (!d)
		return;
	for (int i = 0; i < d->nlinks; i++)
		bpf_link__destroy(d->links[i]);
	if (d->cmap)
		munmap(d->cmap, d->cmap_sz);
	if (d->lmap)
		munmap(d->lmap, d->lmap_sz);
	if (d->meta)
		munmap(d->meta, d->meta_sz);
	free(d->clive);
	free(d->links);
	kvmstat_la_bpf__destroy(d->skel);
	free(d);
	ctx->pdata = NULL;
}

/* the programs stop counting and let perf see every event again */
static void bpf_standby(struct ks_ctx *ctx)
{
	struct bpf_data *d = ctx->pdata;

	if (d && d->skel && d->skel->bss)
		d->skel->bss->standby = true;
}

const struct ks_provider ks_prov_bpf = {
	.name = "bpf",
	.open = bpf_open_all,
	.collect = bpf_collect,
	.refresh = bpf_refresh,
	.close = bpf_close,
	.standby = bpf_standby,
	.slow_close = true,
};
