// SPDX-License-Identifier: GPL-2.0
/*
 * exit-cost: a QEMU TCG plugin for the emulated LoongArch LVZ host that
 * counts, for every guest exit, the host (root-mode) instructions executed
 * from the exit to the next guest entry, and names the exit's kind.
 *
 * What the plugin sees is instruction words, their virtual addresses and,
 * inside callbacks that ask for them, the GPRs.  It cannot read CSRs.  So:
 *
 *  - Guest entry.  A KVM enters the guest with an ERTN while GSTAT.PVM is
 *    set, and sets PVM with a csrwr/csrxchg of GSTAT (CSR 0x50) a few
 *    instructions before (both upstream's kvm_switch_to_guest and ours'
 *    kvmla_switch_enter).  The plugin watches every csrwr/csrxchg of GSTAT
 *    and reads its source (and mask) GPRs at execution, so it knows the PVM
 *    value software last wrote.  An ERTN executed while that value is 1 is a
 *    guest entry.  Both modules clear PVM with a csrxchg on the exit path.
 *  - Guest exit.  After an entry the CPU runs the guest's code, which lies
 *    in the guest range (arg guest=LO-HI, default 0-0x10000: la-vmm's
 *    guests run at PC 0 in direct-address mode and are a few KiB).  The
 *    first instruction outside that range is the root's exception vector:
 *    the exit.  A fetch fault on the guest's first instruction (no guest
 *    instruction runs) is caught the same way.
 *  - Kind.  The exit path reads ESTAT with a csrrd (both modules, before
 *    anything else could); the first `csrrd rd, ESTAT` after the exit
 *    gives the GPR, read at the next root instruction: ecode = bits 21:16.
 *    For ecode 22 (GSPR) the kind of the trapping instruction comes from
 *    the word of the last guest instruction executed (an inline store).
 *  - Cost.  An inline add counts every executed instruction; the cost of an
 *    exit is the count at the entering ERTN minus the count at the exit
 *    vector: the vector's instruction through the one before that ERTN.
 *    Instructions below 0x8000000000000000 outside the guest range are
 *    user mode (la-vmm serving MMIO/IOCSR exits) and are counted apart.
 *  - Not every root exception from guest mode reaches the KVM: a root TLB
 *    miss on a guest access (stage 2) goes to TLBRENTRY, the kernel's refill
 *    handler (direct-address mode, so a low PC), whose ERTN returns to the
 *    guest.  Such an interval never clears PVM and never reads ESTAT: kind
 *    "tlbr".  Every KVM exit path clears PVM.
 *  - An exit still open when QEMU ends (the last one: la-vmm's "done"
 *    store) is printed with open=1 and no meaningful cost.
 *
 * Args: out=FILE (default stderr), guest=LO-HI (hex), hist=on (per-PC
 * counts of the exit paths by kind, to name where the instructions go;
 * only exits of at most HIST_CAP instructions are kept, so that the rare
 * long interval that holds a reschedule or a page allocation does not
 * drown the path every exit takes).
 *
 * Output: one line per exit
 *   exit kind=K ecode=N word=0xW cost=N user=N vec=0xPC open=0|1
 * (ecode 99: ESTAT was not read; kind "unknown", or "tlbr" as above)
 * then a "summary" line and, with hist=on, "hist kind=K exits=N" (the
 * exits kept) and "pc K 0xPC N" lines.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define INSN_ERTN	0x06483800u
#define CSR_ESTAT	0x5u
#define CSR_GSTAT	0x50u
#define GSTAT_PVM	(1u << 1)
#define NO_WORD		UINT64_MAX
#define USER_TOP	0x8000000000000000ull

enum vstate { ST_HOST, ST_GUEST, ST_EXIT };

/* Per vCPU of the emulated host; inline ops and conditions use the first five. */
struct vcpu {
	uint64_t icount;	/* every executed instruction */
	uint64_t ucount;	/* user-mode ones outside the guest range */
	uint64_t watch;		/* != 0: root instructions call on_root */
	uint64_t gword;		/* word of the last guest instruction */
	uint64_t hist;		/* != 0: root instructions call on_hist */
	/* callback state */
	uint64_t state, pvm, cleared, estat_reg, want_estat;
	uint64_t start, ustart, vec, word, estat;
};

struct rec {
	uint64_t cost, user, vec, word;
	uint32_t estat;
	bool has_estat, kvm, open;
	unsigned int kind;	/* index into kinds[] */
};

#define MAX_VCPUS	64
#define HIST_CAP	65536
#define MAX_KINDS	128

static struct qemu_plugin_scoreboard *sb;
static qemu_plugin_u64 sb_icount, sb_ucount, sb_watch, sb_gword, sb_hist;
static struct qemu_plugin_register *gpr[32];
static uint64_t guest_lo, guest_hi = 0x10000;
static const char *out_path;
static bool want_hist;

/*
 * The records, kinds and histogram are shared by the vCPUs (make e2e boots
 * one, but MTTCG runs several in parallel): changed under this lock only.
 */
static GMutex lock;
static struct rec *recs;
static size_t nrecs, caprecs;
static uint64_t n_entries, n_open_at_end, n_no_estat;

/* Kind names met so far, and the exits of each kept in the histogram. */
static char kinds[MAX_KINDS][24];
static uint64_t kind_hist_exits[MAX_KINDS];
static unsigned int nkinds;

/* The PCs of the current exit interval, per vCPU (len > HIST_CAP: too long). */
static struct { uint64_t *pc; size_t len; } ibuf[MAX_VCPUS];

/* Per (kind, PC) counts of exit-path instructions: open addressing, PC 0 free. */
static struct hslot { uint64_t pc, n; unsigned int kind; } *htab;
static size_t hcap, hused;

static void die(const char *msg)
{
	fprintf(stderr, "exit-cost: %s\n", msg);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static struct vcpu *vc(unsigned int idx)
{
	return qemu_plugin_scoreboard_find(sb, idx);
}

static uint64_t read_gpr(unsigned int r)
{
	GByteArray *buf;
	uint64_t v = 0;
	int n;

	if (r == 0)
		return 0;
	if (!gpr[r])
		die("no handle for a GPR (r0..r31 not offered by the target)");
	buf = g_byte_array_new();
	n = qemu_plugin_read_register(gpr[r], buf);
	if (n != 8)
		die("a GPR read did not give 8 bytes");
	memcpy(&v, buf->data, 8);	/* LoongArch and the build host: LE */
	g_byte_array_free(buf, TRUE);
	return v;
}

static size_t hslot_of(uint64_t pc, unsigned int kind)
{
	return ((pc >> 2) ^ ((uint64_t)kind << 40)) * 0x9e3779b97f4a7c15ull % hcap;
}

static void hist_add(uint64_t pc, unsigned int kind, uint64_t n)
{
	size_t i;

	if (2 * (hused + 1) > hcap) {
		struct hslot *old = htab;
		size_t oldcap = hcap, j;

		hcap = hcap ? 2 * hcap : 4096;
		htab = calloc(hcap, sizeof(*htab));
		if (!htab)
			die("out of memory");
		hused = 0;
		for (j = 0; j < oldcap; j++) {
			if (!old[j].pc)
				continue;
			i = hslot_of(old[j].pc, old[j].kind);
			while (htab[i].pc)
				i = (i + 1) % hcap;
			htab[i] = old[j];
			hused++;
		}
		free(old);
	}
	i = hslot_of(pc, kind);
	while (htab[i].pc && (htab[i].pc != pc || htab[i].kind != kind))
		i = (i + 1) % hcap;
	if (!htab[i].pc) {
		htab[i].pc = pc;
		htab[i].kind = kind;
		hused++;
	}
	htab[i].n += n;
}

/* csrwr/csrxchg of GSTAT: follow the PVM bit software writes. */
static void on_gstat(unsigned int cpu, void *udata)
{
	uint32_t w = (uint32_t)(uintptr_t)udata;
	unsigned int rd = w & 31, rj = (w >> 5) & 31;
	uint64_t val = read_gpr(rd);
	uint64_t mask = rj == 1 ? UINT64_MAX : read_gpr(rj);
	struct vcpu *v = vc(cpu);

	if (mask & GSTAT_PVM) {
		v->pvm = !!(val & GSTAT_PVM);
		if (!v->pvm && v->state == ST_EXIT)
			v->cleared = 1;
	}
}

/* Ecode names as la-vmm spells them (the rest by number). */
static const char *ecode_name(unsigned int ec)
{
	static const char *const names[] = {
		[0] = "int", [1] = "pil", [2] = "pis", [3] = "pif",
		[4] = "pme", [5] = "pnr", [6] = "pnx", [7] = "ppi",
		[8] = "ade", [9] = "ale", [10] = "bce", [11] = "sys",
		[12] = "brk", [13] = "ine", [14] = "ipe", [15] = "fpdis",
		[16] = "lsxdis", [17] = "lasxdis", [18] = "fpe",
		[22] = "gspr", [23] = "hvc", [24] = "gcm",
	};

	return ec < sizeof(names) / sizeof(names[0]) ? names[ec] : NULL;
}

/* The GSPR kind of a trapping word, as la-vmm decodes it. */
static const char *gspr_kind(uint64_t word)
{
	uint32_t w = (uint32_t)word;

	if (word == NO_WORD)
		return "none";
	switch (w >> 24) {
	case 0:
		return "cpucfg";
	case 4:
		return "csr";
	case 6:
		if ((w >> 22) == 0x18)
			return "cacop";
		if ((w >> 22) == 0x19 && (w >> 15) == 0xc90)
			return "iocsr";
		if ((w >> 22) == 0x19 && (w >> 15) == 0xc91)
			return "idle";
		break;
	}
	return "other";
}

static unsigned int kind_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i], name))
			return i;
	if (nkinds == MAX_KINDS)
		die("too many exit kinds");
	snprintf(kinds[nkinds], sizeof(kinds[0]), "%s", name);
	return nkinds++;
}

static unsigned int kind_of(const struct rec *r)
{
	unsigned int ec = (r->estat >> 16) & 0x3f;
	const char *name = ecode_name(ec);
	char kind[24];

	if (!r->kvm && !r->has_estat)
		snprintf(kind, sizeof(kind), "tlbr");
	else if (!r->has_estat)
		snprintf(kind, sizeof(kind), "unknown");
	else if (ec == 22)
		snprintf(kind, sizeof(kind), "gspr.%s", gspr_kind(r->word));
	else if (name)
		snprintf(kind, sizeof(kind), "%s", name);
	else
		snprintf(kind, sizeof(kind), "ecode%u", ec);
	return kind_index(kind);
}

/* Called under the lock, or from the atexit callback. */
static void close_exit(unsigned int cpu, struct vcpu *v, bool open)
{
	struct rec *r;

	if (nrecs == caprecs) {
		caprecs = caprecs ? 2 * caprecs : 1024;
		recs = xrealloc(recs, caprecs * sizeof(*recs));
	}
	r = &recs[nrecs++];
	r->cost = v->icount - v->start;
	r->user = v->ucount - v->ustart;
	r->vec = v->vec;
	r->word = v->word;
	r->estat = (uint32_t)v->estat;
	r->has_estat = v->want_estat == 0 && v->estat_reg == 0;
	r->kvm = v->cleared;
	r->open = open;
	if (r->kvm && !r->has_estat)
		n_no_estat++;
	r->kind = kind_of(r);
	if (want_hist && !open && cpu < MAX_VCPUS && ibuf[cpu].len <= HIST_CAP) {
		size_t i;

		for (i = 0; i < ibuf[cpu].len; i++)
			hist_add(ibuf[cpu].pc[i], r->kind, 1);
		kind_hist_exits[r->kind]++;
	}
}

static void on_ertn(unsigned int cpu, void *udata)
{
	struct vcpu *v = vc(cpu);

	(void)udata;
	if (!v->pvm)
		return;		/* an ERTN of the host, staying in root mode */
	/* on_hist saw this ERTN too: the cost stops before it. */
	if (want_hist && cpu < MAX_VCPUS && ibuf[cpu].len &&
	    ibuf[cpu].len <= HIST_CAP && v->state == ST_EXIT)
		ibuf[cpu].len--;
	g_mutex_lock(&lock);
	n_entries++;
	if (v->state == ST_EXIT)
		close_exit(cpu, v, false);
	g_mutex_unlock(&lock);
	v->state = ST_GUEST;
	v->gword = NO_WORD;
	v->watch = 1;
	v->hist = 0;
}

/* A root instruction (outside the guest range) while watch != 0. */
static void on_root(unsigned int cpu, void *udata)
{
	struct vcpu *v = vc(cpu);

	if (v->state == ST_GUEST) {
		/* The first root instruction after an entry: the exit vector. */
		v->state = ST_EXIT;
		v->start = v->icount;
		v->ustart = v->ucount;
		v->vec = (uint64_t)(uintptr_t)udata;
		v->word = v->gword;
		v->want_estat = 1;
		v->estat_reg = 0;
		v->estat = 0;
		v->cleared = 0;
		v->watch = 0;
		v->hist = want_hist;
		if (cpu < MAX_VCPUS)
			ibuf[cpu].len = 0;
		return;
	}
	if (v->estat_reg) {
		/* The instruction after the exit path's csrrd of ESTAT. */
		v->estat = read_gpr((unsigned int)v->estat_reg - 1);
		v->estat_reg = 0;
		v->watch = 0;
	}
}

static void on_estat_read(unsigned int cpu, void *udata)
{
	struct vcpu *v = vc(cpu);

	if (v->state != ST_EXIT || !v->want_estat)
		return;
	v->want_estat = 0;
	v->estat_reg = ((uintptr_t)udata & 31) + 1;
	v->watch = 1;
}

static void on_hist(unsigned int cpu, void *udata)
{
	if (cpu >= MAX_VCPUS || ibuf[cpu].len > HIST_CAP)
		return;
	if (ibuf[cpu].len == HIST_CAP) {
		ibuf[cpu].len++;	/* too long: left out */
		return;
	}
	if (!ibuf[cpu].pc) {
		ibuf[cpu].pc = malloc(HIST_CAP * sizeof(uint64_t));
		if (!ibuf[cpu].pc)
			die("out of memory");
	}
	ibuf[cpu].pc[ibuf[cpu].len++] = (uint64_t)(uintptr_t)udata;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		bool guest = pc >= guest_lo && pc < guest_hi;
		uint32_t w = 0;
		void *pcp = (void *)(uintptr_t)pc;

		if (qemu_plugin_insn_data(insn, &w, sizeof(w)) != sizeof(w))
			continue;	/* LoongArch words are 4 bytes */

		qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn,
			QEMU_PLUGIN_INLINE_ADD_U64, sb_icount, 1);
		if (guest) {
			qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(insn,
				QEMU_PLUGIN_INLINE_STORE_U64, sb_gword, w);
		} else {
			if (pc < USER_TOP)
				qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
					insn, QEMU_PLUGIN_INLINE_ADD_U64, sb_ucount, 1);
			qemu_plugin_register_vcpu_insn_exec_cond_cb(insn, on_root,
				QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_COND_NE, sb_watch,
				0, pcp);
			if (want_hist)
				qemu_plugin_register_vcpu_insn_exec_cond_cb(insn,
					on_hist, QEMU_PLUGIN_CB_NO_REGS,
					QEMU_PLUGIN_COND_NE, sb_hist, 0, pcp);
		}
		if (w == INSN_ERTN) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_ertn,
				QEMU_PLUGIN_CB_NO_REGS, NULL);
		} else if ((w >> 24) == 0x04 && !guest) {
			/* csrrd (rj 0), csrwr (rj 1), csrxchg (rj >= 2) */
			uint32_t csr = (w >> 10) & 0x3fff, rj = (w >> 5) & 31;

			if (csr == CSR_GSTAT && rj != 0)
				qemu_plugin_register_vcpu_insn_exec_cb(insn,
					on_gstat, QEMU_PLUGIN_CB_R_REGS,
					(void *)(uintptr_t)w);
			else if (csr == CSR_ESTAT && rj == 0)
				qemu_plugin_register_vcpu_insn_exec_cb(insn,
					on_estat_read, QEMU_PLUGIN_CB_NO_REGS,
					(void *)(uintptr_t)w);
		}
	}
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int cpu)
{
	GArray *regs = qemu_plugin_get_registers();
	guint i;

	(void)id;
	(void)cpu;
	for (i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *d =
			&g_array_index(regs, qemu_plugin_reg_descriptor, i);
		char *end;
		unsigned long r;

		if (d->name[0] != 'r' || !d->name[1])
			continue;
		r = strtoul(d->name + 1, &end, 10);
		if (*end || r > 31)
			continue;
		gpr[r] = d->handle;
	}
	g_array_free(regs, TRUE);
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
	FILE *f = stderr;
	size_t i;

	(void)id;
	(void)udata;
	if (out_path) {
		f = fopen(out_path, "w");
		if (!f) {
			perror(out_path);
			return;
		}
	}
	for (i = 0; i < (size_t)qemu_plugin_num_vcpus(); i++) {
		if (vc(i)->state != ST_EXIT)
			continue;
		close_exit(i, vc(i), true);
		n_open_at_end++;
	}
	fprintf(f, "# kvmla exit-cost 1 guest=0x%" PRIx64 "-0x%" PRIx64 "\n",
		guest_lo, guest_hi);
	for (i = 0; i < nrecs; i++) {
		struct rec *r = &recs[i];
		unsigned int ec = (r->estat >> 16) & 0x3f;

		fprintf(f, "exit kind=%s ecode=%u word=0x%08" PRIx64 " cost=%" PRIu64
			" user=%" PRIu64 " vec=0x%" PRIx64 " open=%d\n", kinds[r->kind],
			r->has_estat ? ec : 99u,
			r->word == NO_WORD ? 0 : r->word, r->cost, r->user, r->vec,
			r->open);
	}
	fprintf(f, "summary entries=%" PRIu64 " exits=%zu no_estat=%" PRIu64
		" open_at_end=%" PRIu64 "\n", n_entries, nrecs, n_no_estat,
		n_open_at_end);
	for (i = 0; want_hist && i < nkinds; i++)
		fprintf(f, "hist kind=%s exits=%" PRIu64 "\n", kinds[i],
			kind_hist_exits[i]);
	for (i = 0; i < hcap; i++)
		if (htab[i].pc)
			fprintf(f, "pc %s 0x%" PRIx64 " %" PRIu64 "\n",
				kinds[htab[i].kind], htab[i].pc, htab[i].n);
	if (f != stderr)
		fclose(f);
}

static bool parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	char *end;

	*lo = strtoull(s, &end, 16);
	if (*end != '-')
		return false;
	*hi = strtoull(end + 1, &end, 16);
	return !*end && *lo < *hi;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	if (strcmp(info->target_name, "loongarch64") != 0) {
		fprintf(stderr, "exit-cost: target %s is not loongarch64\n",
			info->target_name);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "out=", 4)) {
			out_path = a + 4;
		} else if (!strncmp(a, "guest=", 6)) {
			if (!parse_range(a + 6, &guest_lo, &guest_hi)) {
				fprintf(stderr, "exit-cost: bad range '%s'\n", a);
				return -1;
			}
		} else if (!strncmp(a, "hist=", 5)) {
			if (!qemu_plugin_bool_parse("hist", a + 5, &want_hist)) {
				fprintf(stderr, "exit-cost: bad '%s'\n", a);
				return -1;
			}
		} else {
			fprintf(stderr, "exit-cost: unknown argument '%s'\n", a);
			return -1;
		}
	}
	sb = qemu_plugin_scoreboard_new(sizeof(struct vcpu));
	sb_icount = qemu_plugin_scoreboard_u64_in_struct(sb, struct vcpu, icount);
	sb_ucount = qemu_plugin_scoreboard_u64_in_struct(sb, struct vcpu, ucount);
	sb_watch = qemu_plugin_scoreboard_u64_in_struct(sb, struct vcpu, watch);
	sb_gword = qemu_plugin_scoreboard_u64_in_struct(sb, struct vcpu, gword);
	sb_hist = qemu_plugin_scoreboard_u64_in_struct(sb, struct vcpu, hist);
	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
