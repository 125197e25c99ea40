// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests of tools/trace-viewer/analyze.c: every event counts in its
 * VM and its vCPU, whatever the order of arrival.
 *
 * A generator builds traces of a few VMs and vCPU threads: per thread a
 * stream of rounds (exit, port and MMIO accesses, CSR/MSR traps, a
 * userspace exit, the re-entry), cut at a random point so that a thread may
 * start in the middle of a round (with a kvm_pio, before any event that
 * names its vCPU), interleaved across threads in a random order; the
 * identity of each thread (a marker, a task_newtask by the VM's main thread
 * or by a sibling vCPU thread, or nothing at all) and each VM's name arrive
 * anywhere, late or never.  x86 traces name the vCPU in kvm_entry/kvm_exit
 * only, and some threads have neither (as on hosts without those
 * tracepoints).  The expected numbers are the generator's own counts, made
 * while it builds each stream; each case checks one analysis, over many
 * seeds, per vCPU, per VM and in total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/ktest.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

#define SVM 2
#define SVM_IO 0x7b
#define SVM_HLT 0x78
#define SVM_NPF 0x400
#define UEXIT_IO 2
#define UEXIT_MMIO 6

#define MAX_VMS 3
#define MAX_THR 4		/* vCPU threads per VM */
#define MAX_ITEMS 80		/* per thread */
#define MAX_RECS (MAX_VMS * MAX_THR * (MAX_ITEMS + 2) + 8)
#define NR_REASONS 3
#define NR_CSR 4		/* (csr, op) pairs */
#define SEEDS 400

enum { ID_MARKER, ID_NEWTASK_MAIN, ID_NEWTASK_SIBLING, ID_NONE };

/* what the generator put in, by construction */
struct counts {
	uint64_t exits, uexits, entries, by_reason[NR_REASONS], by_ureason[2];
	uint64_t pio_in, pio_out, mmio_read, mmio_write, csr[NR_CSR];
	uint64_t lat_kernel, lat_user, records;
};

struct thr {
	uint32_t tid, tgid_expected, vcpu_id;
	bool names_vcpu;	/* some record carries its vcpu_id */
	struct tv_rec items[MAX_ITEMS];
	unsigned int n, next;
	struct counts c;
};

struct gen {
	enum tv_profile prof;
	unsigned int nvm, nthr;
	struct thr t[MAX_VMS * MAX_THR];
	struct tv_rec recs[MAX_RECS];
	unsigned int nrec;
	/* VM names, set (as the reader does on a "kvmla-vm" marker) before record at[] */
	struct { uint32_t tgid; unsigned int at; bool named; } vm[MAX_VMS];
	struct counts total, per_vm[MAX_VMS + 1];	/* [nvm]: the unknown VM */
	uint32_t per_vm_tgid[MAX_VMS + 1];
	unsigned int per_vm_threads[MAX_VMS + 1];
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static const uint32_t x86_reason[NR_REASONS] = { SVM_IO, SVM_HLT, SVM_NPF };
static const uint32_t la_reason[NR_REASONS] = { 22, 1, 2 };	/* GSPR, TLBL, TLBS */
static const uint32_t csr_of[NR_CSR][2] = { { 0x41, 1 }, { 0x41, 0 }, { 0x5, 0 }, { 0x4, 1 } };

static void item(struct thr *t, struct tv_rec r)
{
	if (t->n < MAX_ITEMS)
		t->items[t->n++] = r;
}

/* One round: exit, what the exit does, maybe a userspace exit, the re-entry. */
static void round_of(const struct gen *g, struct thr *t)
{
	bool x86 = g->prof == TV_PROFILE_X86;
	unsigned int reason = below(NR_REASONS), n = below(4);
	struct tv_rec r = { .tid = t->tid, .vcpu = x86 ? TV_NO_VCPU : t->vcpu_id };
	struct tv_rec e = r;

	e.kind = TV_EXIT;
	e.vcpu = t->vcpu_id;
	e.reason = x86 ? x86_reason[reason] : la_reason[reason];
	e.isa = x86 ? SVM : 0;
	item(t, e);
	for (unsigned int i = 0; i < n; i++) {
		struct tv_rec a = r;

		switch (below(4)) {
		case 0:
			a.kind = TV_PIO;
			a.rw = below(2);
			a.port = 0x3f8;
			a.len = 1;
			break;
		case 1:
			a.kind = TV_MMIO;
			a.write = below(3);	/* 2: x86 "unsatisfied read", neither */
			a.len = 4;
			a.gpa = 0xd0000000;
			break;
		case 2: {
			unsigned int c = below(NR_CSR);

			a.kind = TV_CSR;
			a.csr = csr_of[c][0];
			a.op = csr_of[c][1];
			break;
		}
		default:
			if (x86) {
				a.kind = TV_WAKEUP;
				a.halt_ns = 100;
			} else {
				unsigned int k = below(3);

				a.kind = k == 0 ? TV_GSPR : k == 1 ? TV_IDLE : TV_TLB;
			}
			break;
		}
		item(t, a);
	}
	if (below(2)) {
		struct tv_rec u = r;

		u.kind = TV_UEXIT;
		u.reason = below(2) ? UEXIT_IO : UEXIT_MMIO;
		item(t, u);
	}
	e = r;
	e.kind = TV_ENTRY;
	e.vcpu = t->vcpu_id;
	item(t, e);
}

/*
 * The thread's stream: rounds, cut at both ends; threads of "no
 * kvm_entry/kvm_exit" hosts lose those records.  Then its counts, by the
 * documented rules: an exit (or a userspace exit with no exit before it)
 * is closed by the next entry: one latency sample, "userspace" when a
 * userspace exit came in between.
 */
static void thread_stream(const struct gen *g, struct thr *t)
{
	bool x86 = g->prof == TV_PROFILE_X86, no_entry_exit = x86 && !below(4);
	unsigned int rounds = 1 + below(10), cut, keep, w = 0;
	bool open = false, user = false;

	t->n = 0;
	for (unsigned int i = 0; i < rounds; i++)
		round_of(g, t);
	cut = below(t->n);			/* often mid-round: a kvm_pio first */
	keep = t->n - cut;
	keep -= below(keep);			/* and a cut end */
	memmove(t->items, t->items + cut, keep * sizeof(t->items[0]));
	for (unsigned int i = 0; i < keep; i++)
		if (!no_entry_exit || (t->items[i].kind != TV_ENTRY && t->items[i].kind != TV_EXIT))
			t->items[w++] = t->items[i];
	if (!w) {				/* at least one record: a port write */
		t->items[0] = (struct tv_rec){ .tid = t->tid, .vcpu = x86 ? TV_NO_VCPU : t->vcpu_id,
					       .kind = TV_PIO, .rw = 1 };
		w = 1;
	}
	t->n = w;
	memset(&t->c, 0, sizeof(t->c));
	t->names_vcpu = false;
	for (unsigned int i = 0; i < t->n; i++) {
		const struct tv_rec *r = &t->items[i];

		t->c.records++;
		if (r->vcpu != TV_NO_VCPU)
			t->names_vcpu = true;
		switch (r->kind) {
		case TV_EXIT:
			t->c.exits++;
			for (unsigned int k = 0; k < NR_REASONS; k++)
				if (r->reason == (x86 ? x86_reason[k] : la_reason[k]))
					t->c.by_reason[k]++;
			open = true;
			user = false;
			break;
		case TV_UEXIT:
			t->c.uexits++;
			t->c.by_ureason[r->reason == UEXIT_MMIO]++;
			open = true;
			user = true;
			break;
		case TV_ENTRY:
			t->c.entries++;
			if (open)
				(*(user ? &t->c.lat_user : &t->c.lat_kernel))++;
			open = user = false;
			break;
		case TV_PIO:
			(*(r->rw ? &t->c.pio_out : &t->c.pio_in))++;
			break;
		case TV_MMIO:
			if (r->write == 1)
				t->c.mmio_write++;
			else if (r->write == 0)
				t->c.mmio_read++;
			break;
		case TV_CSR:
			for (unsigned int k = 0; k < NR_CSR; k++)
				if (r->csr == csr_of[k][0] && r->op == csr_of[k][1])
					t->c.csr[k]++;
			break;
		}
	}
}

static void counts_add(struct counts *to, const struct counts *c)
{
	uint64_t *a = (uint64_t *)to;
	const uint64_t *b = (const uint64_t *)c;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		a[i] += b[i];
}

static void generate(struct gen *g, uint64_t seed)
{
	struct tv_rec ident[MAX_VMS * MAX_THR];
	unsigned int nident = 0, left = 0, tgid_pos[MAX_VMS * MAX_THR];
	uint64_t ts = 1000;

	rng_state = seed;
	memset(g, 0, sizeof(*g));
	g->prof = below(2) ? TV_PROFILE_X86 : TV_PROFILE_LOONGARCH;
	g->nvm = 1 + below(MAX_VMS);
	for (unsigned int m = 0; m < g->nvm; m++) {
		uint32_t tgid = 1000 * (m + 1);
		unsigned int nt = 1 + below(MAX_THR), mode0 = ID_NONE;

		g->vm[m].tgid = tgid;
		g->vm[m].named = below(3) != 0;
		g->per_vm_tgid[m] = tgid;
		for (unsigned int i = 0; i < nt; i++) {
			struct thr *t = &g->t[g->nthr++];
			unsigned int mode = below(4);

			if (mode == ID_NEWTASK_SIBLING && (i == 0 || mode0 == ID_NONE))
				mode = ID_NEWTASK_MAIN;
			if (i == 0)
				mode0 = mode;
			t->tid = tgid + 1 + i;
			t->vcpu_id = i;
			t->tgid_expected = mode == ID_NONE ? 0 : tgid;
			thread_stream(g, t);
			left += t->n;
			if (mode == ID_MARKER)
				ident[nident++] = (struct tv_rec){ .kind = TV_MARKER, .tid = 77,
					.vcpu = TV_NO_VCPU, .child = t->tid, .tgid = tgid };
			else if (mode != ID_NONE)
				ident[nident++] = (struct tv_rec){ .kind = TV_NEWTASK, .vcpu = TV_NO_VCPU,
					.tid = mode == ID_NEWTASK_MAIN ? tgid : tgid + 1,
					.child = t->tid, .thread = 1 };
		}
	}
	/* identity records: anywhere, early or late */
	for (unsigned int i = 0; i < nident; i++)
		tgid_pos[i] = below(left + 1);
	for (unsigned int m = 0; m < g->nvm; m++)
		g->vm[m].at = below(left + 1);
	/* a random interleaving of the threads' streams, in time order */
	for (unsigned int pos = 0; pos <= left; pos++) {
		unsigned int k;

		for (unsigned int i = 0; i < nident; i++)
			if (tgid_pos[i] == pos) {
				g->recs[g->nrec] = ident[i];
				g->recs[g->nrec++].ts = ts++;
			}
		if (pos == left)
			break;
		do
			k = below(g->nthr);
		while (g->t[k].next == g->t[k].n);
		g->recs[g->nrec] = g->t[k].items[g->t[k].next++];
		ts += 1 + below(3000);
		g->recs[g->nrec++].ts = ts;
	}
	for (unsigned int i = 0; i < g->nthr; i++) {
		const struct thr *t = &g->t[i];
		unsigned int m = t->tgid_expected ? t->tgid_expected / 1000 - 1 : g->nvm;

		counts_add(&g->total, &t->c);
		counts_add(&g->per_vm[m], &t->c);
		g->per_vm_threads[m]++;
	}
}

static struct tv_analysis an;

/* Feeds the trace as the reader would: VM names when their marker comes. */
static int analyse(const struct gen *g)
{
	tv_an_init(&an, NULL, g->prof);
	for (unsigned int i = 0; i <= g->nrec; i++) {
		for (unsigned int m = 0; m < g->nvm; m++)
			if (g->vm[m].named && g->vm[m].at == i) {
				char name[32];

				snprintf(name, sizeof(name), "vm-%u", m);
				tv_an_set_vm_name(&an, g->vm[m].tgid, name);
			}
		if (i < g->nrec && tv_an_feed(&an, &g->recs[i]))
			return -1;
	}
	return tv_an_finish(&an);
}

static const struct tv_vcpu *row(uint32_t tid)
{
	for (unsigned int i = 0; i < an.nr_vcpus; i++)
		if (an.vcpus[i].tid == tid)
			return &an.vcpus[i];
	return NULL;
}

static const struct tv_vm *vm_row(uint32_t tgid)
{
	for (unsigned int i = 0; i < an.nr_vms; i++)
		if (an.vms[i].tgid == tgid)
			return &an.vms[i];
	return NULL;
}

static uint64_t reason_total(uint32_t isa, uint32_t code)
{
	int i = tv_reason_find(&an, tv_reason_key(isa, code));

	return i < 0 ? 0 : an.reasons[i].count;
}

static uint64_t row_reason(const struct tv_vcpu *v, uint32_t isa, uint32_t code)
{
	int i = tv_reason_find(&an, tv_reason_key(isa, code));

	return i < 0 ? 0 : v->reason_count[i];
}

/* fails the case with the seed, for a rerun */
#define CHECK_EQ(seed, what, got, want) do { \
	uint64_t _g = (got), _w = (want); \
	if (_g != _w) { \
		KT_FAILF("seed %llu: %s: %llu, expected %llu", (unsigned long long)(seed), \
			 what, (unsigned long long)_g, (unsigned long long)_w); \
	} \
} while (0)

#define FOR_SEEDS(g, seed) \
	for (uint64_t seed = 1; seed <= SEEDS; seed++) \
		if (generate(g, seed * 7919), analyse(g)) { \
			KT_FAILF("seed %llu: analysis failed", (unsigned long long)seed); \
		} else

#define DONE() do { tv_an_free(&an); } while (0)

static struct gen G;

/* Every thread is a row in the VM of its process (0: unknown), with its vcpu_id once known. */
KTEST(every_thread_a_row_in_its_vm)
{
	FOR_SEEDS(&G, seed) {
		unsigned int rows = 0;

		for (unsigned int i = 0; i < an.nr_vcpus; i++)
			rows += tv_vcpu_active(&an.vcpus[i]);
		CHECK_EQ(seed, "vCPU rows", rows, G.nthr);
		for (unsigned int i = 0; i < G.nthr; i++) {
			const struct thr *t = &G.t[i];
			const struct tv_vcpu *v = row(t->tid);

			if (!v || !tv_vcpu_active(v))
				KT_FAILF("seed %llu: no row for tid %u", (unsigned long long)seed, t->tid);
			CHECK_EQ(seed, "row's records", v->events, t->c.records);
			CHECK_EQ(seed, "row's VM", v->tgid, t->tgid_expected);
			CHECK_EQ(seed, "row's vcpu_id", v->vcpu_id, t->names_vcpu ? t->vcpu_id : TV_NO_VCPU);
		}
		for (unsigned int m = 0; m <= G.nvm; m++) {
			const struct tv_vm *vm = vm_row(G.per_vm_tgid[m]);

			CHECK_EQ(seed, "VM's vCPUs", vm ? vm->nr_vcpus : 0, G.per_vm_threads[m]);
			CHECK_EQ(seed, "VM's records", vm ? vm->events : 0, G.per_vm[m].records);
		}
		DONE();
	}
	return KT_PASS;
}

/* Exits and userspace exits, by reason: per vCPU, per VM and in total. */
KTEST(exits_by_reason_add_up)
{
	FOR_SEEDS(&G, seed) {
		bool x86 = G.prof == TV_PROFILE_X86;
		uint64_t vm_by[MAX_VMS + 1][NR_REASONS] = { { 0 } }, sum = 0, usum = 0;

		for (unsigned int i = 0; i < G.nthr; i++) {
			const struct thr *t = &G.t[i];
			const struct tv_vcpu *v = row(t->tid);
			unsigned int m = t->tgid_expected ? t->tgid_expected / 1000 - 1 : G.nvm;

			if (!v)
				KT_FAILF("seed %llu: no row for tid %u", (unsigned long long)seed, t->tid);
			CHECK_EQ(seed, "vCPU exits", v->exits, t->c.exits);
			CHECK_EQ(seed, "vCPU userspace exits", v->uexits, t->c.uexits);
			CHECK_EQ(seed, "vCPU userspace exits (io)", v->uexit_reason[UEXIT_IO], t->c.by_ureason[0]);
			CHECK_EQ(seed, "vCPU userspace exits (mmio)", v->uexit_reason[UEXIT_MMIO],
				 t->c.by_ureason[1]);
			for (unsigned int k = 0; k < NR_REASONS; k++) {
				uint64_t n = row_reason(v, x86 ? SVM : 0, x86 ? x86_reason[k] : la_reason[k]);

				CHECK_EQ(seed, "vCPU exits by reason", n, t->c.by_reason[k]);
				vm_by[m][k] += n;
			}
			sum += v->exits;
			usum += v->uexits;
		}
		for (unsigned int m = 0; m <= G.nvm; m++) {
			const struct tv_vm *vm = vm_row(G.per_vm_tgid[m]);

			CHECK_EQ(seed, "VM exits", vm ? vm->exits : 0, G.per_vm[m].exits);
			CHECK_EQ(seed, "VM userspace exits", vm ? vm->uexits : 0, G.per_vm[m].uexits);
			for (unsigned int k = 0; k < NR_REASONS; k++)
				CHECK_EQ(seed, "VM exits by reason", vm_by[m][k], G.per_vm[m].by_reason[k]);
		}
		for (unsigned int k = 0; k < NR_REASONS; k++)
			CHECK_EQ(seed, "exits by reason",
				 reason_total(x86 ? SVM : 0, x86 ? x86_reason[k] : la_reason[k]),
				 G.total.by_reason[k]);
		CHECK_EQ(seed, "userspace exits (io)", reason_total(TV_ISA_UEXIT, UEXIT_IO), G.total.by_ureason[0]);
		CHECK_EQ(seed, "userspace exits (mmio)", reason_total(TV_ISA_UEXIT, UEXIT_MMIO),
			 G.total.by_ureason[1]);
		CHECK_EQ(seed, "exits", sum, G.total.exits);
		CHECK_EQ(seed, "userspace exits", usum, G.total.uexits);
		DONE();
	}
	return KT_PASS;
}

/* Port and MMIO accesses: per vCPU, per VM and in total (the kvm_pio count). */
KTEST(pio_mmio_add_up)
{
	FOR_SEEDS(&G, seed) {
		struct counts vm_sum[MAX_VMS + 1] = { { 0 } }, sum = { 0 };

		for (unsigned int i = 0; i < G.nthr; i++) {
			const struct thr *t = &G.t[i];
			const struct tv_vcpu *v = row(t->tid);
			unsigned int m = t->tgid_expected ? t->tgid_expected / 1000 - 1 : G.nvm;

			if (!v)
				KT_FAILF("seed %llu: no row for tid %u", (unsigned long long)seed, t->tid);
			CHECK_EQ(seed, "vCPU pio_in", v->pio_in, t->c.pio_in);
			CHECK_EQ(seed, "vCPU pio_out", v->pio_out, t->c.pio_out);
			CHECK_EQ(seed, "vCPU mmio_read", v->mmio_read, t->c.mmio_read);
			CHECK_EQ(seed, "vCPU mmio_write", v->mmio_write, t->c.mmio_write);
			vm_sum[m].pio_in += v->pio_in;
			vm_sum[m].pio_out += v->pio_out;
			vm_sum[m].mmio_read += v->mmio_read;
			vm_sum[m].mmio_write += v->mmio_write;
			sum.pio_in += v->pio_in;
			sum.pio_out += v->pio_out;
		}
		for (unsigned int m = 0; m <= G.nvm; m++) {
			const struct tv_vm *vm = vm_row(G.per_vm_tgid[m]);

			CHECK_EQ(seed, "VM row pio_in", vm ? vm->pio_in : 0, G.per_vm[m].pio_in);
			CHECK_EQ(seed, "VM row pio_out", vm ? vm->pio_out : 0, G.per_vm[m].pio_out);
			CHECK_EQ(seed, "VM row mmio_read", vm ? vm->mmio_read : 0, G.per_vm[m].mmio_read);
			CHECK_EQ(seed, "VM row mmio_write", vm ? vm->mmio_write : 0, G.per_vm[m].mmio_write);
			CHECK_EQ(seed, "VM pio_in", vm_sum[m].pio_in, G.per_vm[m].pio_in);
			CHECK_EQ(seed, "VM pio_out", vm_sum[m].pio_out, G.per_vm[m].pio_out);
			CHECK_EQ(seed, "VM mmio_read", vm_sum[m].mmio_read, G.per_vm[m].mmio_read);
			CHECK_EQ(seed, "VM mmio_write", vm_sum[m].mmio_write, G.per_vm[m].mmio_write);
		}
		CHECK_EQ(seed, "kvm_pio records", an.kind_count[TV_PIO], G.total.pio_in + G.total.pio_out);
		CHECK_EQ(seed, "pio in vCPUs", sum.pio_in + sum.pio_out, an.kind_count[TV_PIO]);
		DONE();
	}
	return KT_PASS;
}

/* Exit latencies: sample counts per vCPU, per VM and in total, by class. */
KTEST(latency_counts_add_up)
{
	FOR_SEEDS(&G, seed) {
		uint64_t vm_k[MAX_VMS + 1] = { 0 }, vm_u[MAX_VMS + 1] = { 0 }, k = 0, u = 0;

		for (unsigned int i = 0; i < G.nthr; i++) {
			const struct thr *t = &G.t[i];
			const struct tv_vcpu *v = row(t->tid);
			unsigned int m = t->tgid_expected ? t->tgid_expected / 1000 - 1 : G.nvm;

			if (!v)
				KT_FAILF("seed %llu: no row for tid %u", (unsigned long long)seed, t->tid);
			CHECK_EQ(seed, "vCPU kernel latencies", v->lat[TV_LAT_KERNEL].count, t->c.lat_kernel);
			CHECK_EQ(seed, "vCPU userspace latencies", v->lat[TV_LAT_USER].count, t->c.lat_user);
			CHECK_EQ(seed, "vCPU latencies", v->lat[TV_LAT_ALL].count, t->c.lat_kernel + t->c.lat_user);
			CHECK_EQ(seed, "vCPU entries", v->entries, t->c.entries);
			vm_k[m] += v->lat[TV_LAT_KERNEL].count;
			vm_u[m] += v->lat[TV_LAT_USER].count;
			k += v->lat[TV_LAT_KERNEL].count;
			u += v->lat[TV_LAT_USER].count;
		}
		for (unsigned int m = 0; m <= G.nvm; m++) {
			const struct tv_vm *vm = vm_row(G.per_vm_tgid[m]);

			CHECK_EQ(seed, "VM row kernel latencies", vm ? vm->lat_count[TV_LAT_KERNEL] : 0,
				 G.per_vm[m].lat_kernel);
			CHECK_EQ(seed, "VM row userspace latencies", vm ? vm->lat_count[TV_LAT_USER] : 0,
				 G.per_vm[m].lat_user);
			CHECK_EQ(seed, "VM row entries", vm ? vm->entries : 0, G.per_vm[m].entries);
			CHECK_EQ(seed, "VM kernel latencies", vm_k[m], G.per_vm[m].lat_kernel);
			CHECK_EQ(seed, "VM userspace latencies", vm_u[m], G.per_vm[m].lat_user);
		}
		CHECK_EQ(seed, "kernel latencies", an.lat_total[TV_LAT_KERNEL].count, G.total.lat_kernel);
		CHECK_EQ(seed, "userspace latencies", an.lat_total[TV_LAT_USER].count, G.total.lat_user);
		CHECK_EQ(seed, "latencies in vCPUs", k + u, an.lat_total[TV_LAT_ALL].count);
		DONE();
	}
	return KT_PASS;
}

/* The CSR/MSR trap matrix: every cell names a vCPU; per vCPU and in total. */
KTEST(csr_matrix_adds_up)
{
	FOR_SEEDS(&G, seed) {
		uint64_t total = 0;

		for (unsigned int c = 0; c < an.nr_csr; c++) {
			if (an.csr[c].vcpu_idx >= an.nr_vcpus)
				KT_FAILF("seed %llu: a CSR cell of no vCPU (%llu traps)", (unsigned long long)seed,
					 (unsigned long long)an.csr[c].count);
			total += an.csr[c].count;
		}
		for (unsigned int i = 0; i < G.nthr; i++) {
			const struct thr *t = &G.t[i];

			for (unsigned int k = 0; k < NR_CSR; k++) {
				uint64_t n = 0;

				for (unsigned int c = 0; c < an.nr_csr; c++)
					if (an.csr[c].vcpu_idx < an.nr_vcpus &&
					    an.vcpus[an.csr[c].vcpu_idx].tid == t->tid &&
					    an.csr[c].csr == csr_of[k][0] && an.csr[c].op == csr_of[k][1])
						n += an.csr[c].count;
				CHECK_EQ(seed, "vCPU CSR traps", n, t->c.csr[k]);
			}
		}
		CHECK_EQ(seed, "CSR traps", total, an.kind_count[TV_CSR]);
		DONE();
	}
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(every_thread_a_row_in_its_vm),
	KTEST_CASE(exits_by_reason_add_up),
	KTEST_CASE(pio_mmio_add_up),
	KTEST_CASE(latency_counts_add_up),
	KTEST_CASE(csr_matrix_adds_up),
};

int main(int argc, char **argv)
{
	return ktest_main("trace-viewer/exact", cases, KTEST_N(cases));
}
