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
#include <time.h>
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
	struct ks_meta *meta;	/* mmapped, one per CPU and bank */
	__u64 *cidx, *lidx;	/* the indexes, mmapped (__u32 values, 8 bytes apart): a folded bank's are cleared */
	size_t *clive;		/* per CPU: live count slots, read once per refresh */
	size_t cmap_sz, lmap_sz, meta_sz, cidx_sz, lidx_sz;
	int npids_set;
	unsigned int bank;	/* the bank the programs write (kvmstat-la.h) */
	/* what folded banks counted (keys without the bank bit), sorted by key */
	struct ks_cslot *cacc;
	struct ks_lslot *lacc;
	size_t ncacc, capcacc, nlacc, caplacc;
	unsigned long long drops_acc[KS_DROP_SLOTS];
	unsigned long long switches;
	bool switch_always;	/* tests (KVMSTAT_LA_TINY_MAPS=N): a bank switch every refresh */
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
		/*
		 * tests: tables too small.  1: drops happen and are counted;
		 * N (a power of 2): N slots per CPU and bank, hashes of N keys
		 */
		int n = atoi(getenv("KVMSTAT_LA_TINY_MAPS"));

		d->cs = d->ls = n > 1 ? (__u32)n : 1;
		d->switch_always = n > 1;	/* live keys cross many switches */
		bpf_map__set_max_entries(s->maps.counts, n > 1 ? n : 2);
		bpf_map__set_max_entries(s->maps.lat, n > 1 ? n : 1);
	}
	/* the indexes: twice the slots (at most half full), a power of 2; two banks of all */
	s->rodata->cs_slots = d->cs;
	s->rodata->ls_slots = d->ls;
	s->rodata->ci_slots = 2 * d->cs;
	s->rodata->li_slots = 2 * d->ls;
	s->rodata->nr_cpus = d->ncpus;
	bpf_map__set_max_entries(s->maps.cindex, 2 * 2 * d->cs * d->ncpus);
	bpf_map__set_max_entries(s->maps.lindex, 2 * 2 * d->ls * d->ncpus);
	bpf_map__set_max_entries(s->maps.meta, 2 * d->ncpus);
	bpf_map__set_max_entries(s->maps.cslots, 2 * d->cs * d->ncpus);
	bpf_map__set_max_entries(s->maps.lslots, 2 * d->ls * d->ncpus);
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

static void *map_mmap(struct bpf_map *m, size_t *sz, int prot)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	/* an array's elements are 8-byte aligned: a __u32 index entry takes 8 bytes */
	*sz = ((size_t)(bpf_map__value_size(m) + 7) / 8 * 8 * bpf_map__max_entries(m) + page - 1) /
	      page * page;
	p = mmap(NULL, *sz, prot, MAP_SHARED, bpf_map__fd(m), 0);
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
	d->cmap = map_mmap(d->skel->maps.cslots, &d->cmap_sz, PROT_READ);
	/* a folded bank is cleared from here: histograms, claimed counts, indexes */
	d->lmap = map_mmap(d->skel->maps.lslots, &d->lmap_sz, PROT_READ | PROT_WRITE);
	d->meta = map_mmap(d->skel->maps.meta, &d->meta_sz, PROT_READ | PROT_WRITE);
	d->cidx = map_mmap(d->skel->maps.cindex, &d->cidx_sz, PROT_READ | PROT_WRITE);
	d->lidx = map_mmap(d->skel->maps.lindex, &d->lidx_sz, PROT_READ | PROT_WRITE);
	d->clive = calloc(d->ncpus, sizeof(*d->clive));
	if (!d->clive)
		return -ENOMEM;
	if (!d->cmap || !d->lmap || !d->meta || !d->cidx || !d->lidx) {
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
	int pid, tid, vcpu;
};
static struct tidmap *tids;
static size_t ntids, captids;

static void tid_learn(int pid, int tid, int vcpu)
{
	for (size_t i = 0; i < ntids; i++)
		if (tids[i].tid == tid) {
			tids[i].pid = pid;
			tids[i].vcpu = vcpu;
			return;
		}
	if (ntids == captids) {
		captids = captids ? captids * 2 : 64;
		tids = kvmla_xrealloc(tids, captids * sizeof(*tids));
	}
	tids[ntids].pid = pid;
	tids[ntids].tid = tid;
	tids[ntids++].vcpu = vcpu;
}

/* a retired VM's threads are forgotten */
static void tid_forget(const int *pids, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < ntids; i++)
		if (!ks_pid_listed(pids, n, tids[i].pid))
			tids[w++] = tids[i];
	ntids = w;
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
	/* a bank-1 key has KS_BANK_BIT in its event, fast slot or hash alike */
	if (n && ks_pid_selected(ctx, k->pid))
		ks_count_add(s, k->pid, vcpu_of(ctx, k->pid, k->tid, k->vcpu), k->event & ~KS_BANK_BIT,
			     k->reason, n);
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

/* the bank bit of a spill hash key (in event or kind), and the key without it */
static unsigned int key_bank(__u32 v)
{
	return !!(v & KS_BANK_BIT);
}

/* the count slots of a stripe (bank * ncpus + CPU) and its live ones */
static const struct ks_cslot *cstripe(struct bpf_data *d, unsigned int st, size_t *live)
{
	*live = live_slots(d->meta[st].cclaimed, d->cs);
	return &d->cmap[(size_t)st * d->cs];
}

static const struct ks_lslot *lstripe(struct bpf_data *d, unsigned int st, size_t *live)
{
	*live = live_slots(d->meta[st].lclaimed, d->ls);
	return &d->lmap[(size_t)st * d->ls];
}

/* bank b spilled into the count (lat) hash? */
static bool bank_spilled(struct bpf_data *d, unsigned int b, bool lat)
{
	for (int c = 0; c < d->ncpus; c++)
		if (lat ? d->meta[b * d->ncpus + c].lspill : d->meta[b * d->ncpus + c].cspill)
			return true;
	return false;
}

/* the counts: folded banks, the spill hash (if anything spilled) and the fast tables */
static void collect_counts(struct ks_ctx *ctx, struct bpf_data *d, struct ks_snapshot *s)
{
	static struct spill sp;
	size_t nk = read_spill(d, d->skel->maps.counts, sizeof(struct ks_count_key), sizeof(__u64),
			       bank_spilled(d, d->bank, false), &sp);
	void *bk = sp.keys, *bv = sp.vals;
	const struct ks_cslot *sl;

	/* tids learn their vCPU first (from every key that carried one) */
	for (size_t i = 0; i < nk; i++) {
		struct ks_count_key *k = (struct ks_count_key *)bk + i;

		if (k->vcpu >= 0)
			tid_learn(k->pid, k->tid, k->vcpu);
	}
	for (size_t i = 0; i < d->ncacc; i++)
		if (d->cacc[i].key.vcpu >= 0)
			tid_learn(d->cacc[i].key.pid, d->cacc[i].key.tid, d->cacc[i].key.vcpu);
	for (int c = 0; c < d->ncpus; c++) {
		sl = cstripe(d, d->bank * d->ncpus + c, &d->clive[c]);
		for (size_t j = 0; j < d->clive[c]; j++)
			if (sl[j].key.vcpu >= 0)
				tid_learn(sl[j].key.pid, sl[j].key.tid, sl[j].key.vcpu);
	}
	/* then the counts: folded, the hash entries, and the fast table's live slots in place */
	for (size_t i = 0; i < d->ncacc; i++)
		add_count(ctx, s, &d->cacc[i].key, d->cacc[i].count);
	for (size_t i = 0; i < nk; i++) {
		struct ks_count_key k = ((struct ks_count_key *)bk)[i];
		__u64 *v = (__u64 *)bv + i * d->ncpus;
		unsigned long long sum = 0;

		if (key_bank(k.event) != d->bank)
			continue;
		k.event &= ~KS_BANK_BIT;
		for (int c = 0; c < d->ncpus; c++)
			sum += v[c];
		add_count(ctx, s, &k, sum);
	}
	for (int c = 0; c < d->ncpus; c++) {
		sl = &d->cmap[((size_t)d->bank * d->ncpus + c) * d->cs];
		for (size_t j = 0; j < d->clive[c]; j++) {
			const volatile struct ks_cslot *v = &sl[j];

			add_count(ctx, s, (const struct ks_count_key *)&v->key, v->count);
		}
	}
}

static void add_lat(struct ks_ctx *ctx, struct ks_snapshot *s, const struct ks_lat_key *k,
		    const struct ks_lat_val *v)
{
	if (ks_pid_selected(ctx, k->pid))
		lat_merge(ks_lat_get(s, k->pid, vcpu_of(ctx, k->pid, k->tid, k->vcpu),
				     k->kind & ~KS_BANK_BIT, k->reason), v);
}

/* the latency histograms: folded banks, the fast tables' live slots, then the spill hash */
static void collect_latency(struct ks_ctx *ctx, struct bpf_data *d, struct ks_snapshot *s)
{
	static struct spill sp;
	size_t nl = read_spill(d, d->skel->maps.lat, sizeof(struct ks_lat_key),
			       sizeof(struct ks_lat_val), bank_spilled(d, d->bank, true), &sp);
	void *lkk = sp.keys, *lvv = sp.vals;

	for (size_t i = 0; i < d->nlacc; i++)
		add_lat(ctx, s, &d->lacc[i].key, &d->lacc[i].v);
	for (int c = 0; c < d->ncpus; c++) {
		size_t n;
		const struct ks_lslot *sl = lstripe(d, d->bank * d->ncpus + c, &n);

		for (size_t j = 0; j < n; j++)
			add_lat(ctx, s, &sl[j].key, &sl[j].v);
	}
	for (size_t i = 0; i < nl; i++) {
		struct ks_lat_key *k = (struct ks_lat_key *)lkk + i;
		struct ks_lat_val *v = (struct ks_lat_val *)lvv + i * d->ncpus;

		if (key_bank(k->kind) != d->bank)
			continue;
		for (int c = 0; c < d->ncpus; c++)
			add_lat(ctx, s, k, &v[c]);
	}
}

/* ---- bank switch: fold the written bank into userspace sums, free its slots ---- */

static int cmp_ckey(const void *a, const void *b)
{
	return memcmp(&((const struct ks_cslot *)a)->key, &((const struct ks_cslot *)b)->key,
		      sizeof(struct ks_count_key));
}

static int cmp_lkey(const void *a, const void *b)
{
	return memcmp(&((const struct ks_lslot *)a)->key, &((const struct ks_lslot *)b)->key,
		      sizeof(struct ks_lat_key));
}

static void cacc_add(struct bpf_data *d, const struct ks_count_key *k, __u64 n)
{
	if (d->ncacc == d->capcacc) {
		d->capcacc = d->capcacc ? d->capcacc * 2 : 256;
		d->cacc = kvmla_xrealloc(d->cacc, d->capcacc * sizeof(*d->cacc));
	}
	d->cacc[d->ncacc].key = *k;
	d->cacc[d->ncacc].key.event &= ~KS_BANK_BIT;
	d->cacc[d->ncacc++].count = n;
}

static void lacc_add(struct bpf_data *d, const struct ks_lat_key *k, const struct ks_lat_val *v)
{
	if (d->nlacc == d->caplacc) {
		d->caplacc = d->caplacc ? d->caplacc * 2 : 64;
		d->lacc = kvmla_xrealloc(d->lacc, d->caplacc * sizeof(*d->lacc));
	}
	d->lacc[d->nlacc].key = *k;
	d->lacc[d->nlacc].key.kind &= ~KS_BANK_BIT;
	d->lacc[d->nlacc++].v = *v;
}

/* the sums sorted by key, each key once; the retired VMs' keys dropped */
static void acc_compact(struct bpf_data *d, const int *pids, size_t n)
{
	size_t w = 0;

	qsort(d->cacc, d->ncacc, sizeof(*d->cacc), cmp_ckey);
	for (size_t i = 0; i < d->ncacc; i++) {
		if (ks_pid_listed(pids, n, (int)d->cacc[i].key.pid))
			continue;
		if (w && !cmp_ckey(&d->cacc[w - 1], &d->cacc[i]))
			d->cacc[w - 1].count += d->cacc[i].count;
		else
			d->cacc[w++] = d->cacc[i];
	}
	d->ncacc = w;
	w = 0;
	qsort(d->lacc, d->nlacc, sizeof(*d->lacc), cmp_lkey);
	for (size_t i = 0; i < d->nlacc; i++) {
		if (ks_pid_listed(pids, n, (int)d->lacc[i].key.pid))
			continue;
		if (w && !cmp_lkey(&d->lacc[w - 1], &d->lacc[i]))
			ks_lat_merge(&d->lacc[w - 1].v, &d->lacc[i].v);
		else
			d->lacc[w++] = d->lacc[i];
	}
	d->nlacc = w;
}

/* the spill hash entries of bank b: summed into the sums, then deleted */
static void fold_spill(struct bpf_data *d, unsigned int b, bool lat)
{
	static struct spill spc, spl;	/* one each: the buffers are sized per key and value */
	struct spill *sp = lat ? &spl : &spc;
	struct bpf_map *m = lat ? d->skel->maps.lat : d->skel->maps.counts;
	size_t ksz = lat ? sizeof(struct ks_lat_key) : sizeof(struct ks_count_key);
	size_t vsz = lat ? sizeof(struct ks_lat_val) : sizeof(__u64);
	size_t n = read_spill(d, m, ksz, vsz, bank_spilled(d, b, lat), sp);

	for (size_t i = 0; i < n; i++) {
		void *k = (char *)sp->keys + i * ksz;
		char *v = (char *)sp->vals + i * vsz * d->ncpus;

		if (key_bank(lat ? ((struct ks_lat_key *)k)->kind : ((struct ks_count_key *)k)->event) != b)
			continue;
		for (int c = 0; c < d->ncpus; c++) {
			if (lat)
				lacc_add(d, k, (const struct ks_lat_val *)(v + c * vsz));
			else
				cacc_add(d, k, *(const __u64 *)(v + c * vsz));
		}
		bpf_map_delete_elem(bpf_map__fd(m), k);
	}
}

/* bank b, no longer written: into the sums, then emptied for its next turn */
static void fold_bank(struct bpf_data *d, unsigned int b)
{
	for (int c = 0; c < d->ncpus; c++) {
		unsigned int st = b * d->ncpus + c;
		size_t nc, nl;
		const struct ks_cslot *cs = cstripe(d, st, &nc);
		struct ks_lslot *ls = (struct ks_lslot *)lstripe(d, st, &nl);

		for (size_t j = 0; j < nc; j++)
			cacc_add(d, &cs[j].key, cs[j].count);
		for (size_t j = 0; j < nl; j++)
			lacc_add(d, &ls[j].key, &ls[j].v);
		memset(ls, 0, nl * sizeof(*ls));	/* a claimed slot's histogram starts at 0 */
		memset(&d->cidx[(size_t)st * 2 * d->cs], 0, 2 * d->cs * sizeof(*d->cidx));
		memset(&d->lidx[(size_t)st * 2 * d->ls], 0, 2 * d->ls * sizeof(*d->lidx));
	}
	fold_spill(d, b, false);
	fold_spill(d, b, true);
	for (int c = 0; c < d->ncpus; c++) {
		struct ks_meta *m = &d->meta[b * d->ncpus + c];

		for (int k = 0; k < KS_DROP_SLOTS; k++) {
			d->drops_acc[k] += m->drops[k];
			m->drops[k] = 0;
		}
		m->cclaimed = m->lclaimed = m->cspill = m->lspill = 0;	/* not busy */
	}
}

/*
 * Flip the bank, wait until no program still writes the old one (each CPU
 * seen outside its programs once), fold it; pids: retired VMs, whose keys
 * are dropped (their counts are in the retired aggregate already).
 */
static void bank_switch(struct bpf_data *d, const int *pids, size_t n)
{
	unsigned int old = d->bank;
	struct timespec ts = { 0, 20000 };

	d->skel->bss->bank = old ^ 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int c = 0; c < d->ncpus; c++)
		while (__atomic_load_n(&d->meta[c].busy, __ATOMIC_ACQUIRE) & 1)
			nanosleep(&ts, NULL);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	fold_bank(d, old);
	acc_compact(d, pids, n);
	d->bank = old ^ 1;
	d->switches++;
}

/* the written bank is 3/4 full, or spilled: fold it, so that its slots are free again */
static bool bank_crowded(struct bpf_data *d)
{
	if (d->switch_always)
		return true;
	for (int c = 0; c < d->ncpus; c++) {
		const struct ks_meta *m = &d->meta[d->bank * d->ncpus + c];

		if (m->cspill || m->lspill || m->cclaimed * 4 >= (__u64)d->cs * 3 ||
		    m->lclaimed * 4 >= (__u64)d->ls * 3)
			return true;
	}
	return false;
}

static void bpf_retire(struct ks_ctx *ctx, const int *pids, size_t n)
{
	struct bpf_data *d = ctx->pdata;

	tid_forget(pids, n);
	bank_switch(d, pids, n);
	/* the -p/-g filter map has room for KS_MAX_PIDS: a retired VM's pid goes */
	for (size_t i = 0; i < n; i++) {
		__u32 pid = pids[i];

		bpf_map_delete_elem(bpf_map__fd(d->skel->maps.pids), &pid);
	}
}

static int bpf_collect(struct ks_ctx *ctx, struct ks_snapshot *s)
{
	struct bpf_data *d = ctx->pdata;

	if (ctx->o->guest || ctx->o->npids) {
		ks_vms_refresh(ctx, false);	/* -g re-finds guests by name */
		update_pids(ctx, d);
	}
	if (bank_crowded(d))
		bank_switch(d, NULL, 0);
	for (int k = 0; k < KS_DROP_SLOTS; k++)
		s->drops[k] += d->drops_acc[k];
	for (int c = 0; c < 2 * d->ncpus; c++)
		for (int k = 0; k < KS_DROP_SLOTS; k++)
			s->drops[k] += d->meta[c].drops[k];
	/* the per-CPU hashes only hold what did not fit the fast tables */
	collect_counts(ctx, d, s);
	collect_latency(ctx, d, s);
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
	if (d->cidx)
		munmap(d->cidx, d->cidx_sz);
	if (d->lidx)
		munmap(d->lidx, d->lidx_sz);
	free(d->cacc);
	free(d->lacc);
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
	.retire = bpf_retire,
};
