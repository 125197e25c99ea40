// SPDX-License-Identifier: GPL-2.0
/*
 * Reading trace.dat (v6, v7, compressed or not) through libtracecmd and
 * decoding records into struct tv_rec.  Field offsets are looked up once per
 * event type (tep_find_field); the hot loop reads fixed-size fields straight
 * from the record, bounds-checked against the record size.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create */
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <ctype.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#include "trace-viewer.h"
#include <kvmla/gspr.h>

enum dst { D_VCPU, D_ARG1, D_ARG2, D_ARG3, D_ARG64, D_NONE };

struct fdec { uint16_t off; uint8_t size; uint8_t dst; uint8_t is_signed; };

enum special {
	SP_NONE, SP_X86_EXIT, SP_X86_MMIO, SP_NEWTASK, SP_MARKER, SP_LA_IRQ, SP_LA_FAULT, SP_LA_GSPR,
	SP_LA_MMIO, SP_X86_FAULT, SP_X86_FPU,
};

struct dec {
	uint8_t kind, special, nf;
	struct fdec f[8];
	/* LA kvm_gpa_fault: extra fields packed into path_access */
	struct fdec extra[4];
	uint8_t nextra;
	struct tep_event *ev;
};

struct symtab { uint64_t *val; char **name; unsigned int n; };

struct hc_ent;

struct tv_reader {
	struct tracecmd_input *h;
	struct hc_ent *hc;		/* h is the header cache's (tv_reader_cache_headers) */
	struct tep_handle *tep;
	enum tv_profile profile;
	struct dec **dec;		/* by event id */
	unsigned int nr_dec;
	bool swap;			/* file endianness differs from ours */
	uint64_t file_size;
	struct symtab x86[3];		/* [isa] exit reason names from kvm_exit's print fmt */
	/* run state */
	struct tv_analysis *an;
	tv_progress_fn progress;
	void *progress_arg;
	uint64_t n, max_off;
	int err;
	bool checked_pages;		/* pages validated: records must stay inside theirs */
	unsigned int page_size;
	struct tv_layout lay;		/* where the pages are (direct reading) */
	int fd;
	int stub_fd;			/* a v6 file read directly: its headers, no CPU data */
	uint64_t cut_last_ts;		/* the latest record read from a CPU that was cut */
	bool cut_any;
	tv_raw_fn raw_fn;		/* tv_reader_on_raw(): every raw record, as read */
	void *raw_arg;
};

static inline __attribute__((always_inline)) uint64_t rd_num(const struct tv_reader *rd, const unsigned char *p, unsigned int size,
		       bool is_signed)
{
	uint64_t v = 0;

	if (!rd->swap) {
		switch (size) {
		case 1: return is_signed ? (uint64_t)(int64_t)*(const int8_t *)p : *p;
		case 2: { uint16_t t; memcpy(&t, p, 2);
			return is_signed ? (uint64_t)(int64_t)(int16_t)t : t; }
		case 4: { uint32_t t; memcpy(&t, p, 4);
			return is_signed ? (uint64_t)(int64_t)(int32_t)t : t; }
		case 8: memcpy(&v, p, 8); return v;
		}
		return 0;
	}
	return tep_read_number(rd->tep, p, size);
}

static bool add_field(struct tep_event *ev, struct fdec *f, const char *name, enum dst d)
{
	struct tep_format_field *fld = tep_find_field(ev, name);

	if (!fld || (fld->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_STRING)))
		return false;
	if (fld->size != 1 && fld->size != 2 && fld->size != 4 && fld->size != 8)
		return false;
	if (fld->offset < 0 || fld->offset > 0xffff)
		return false;
	f->off = fld->offset;
	f->size = fld->size;
	f->dst = d;
	f->is_signed = !!(fld->flags & TEP_FIELD_IS_SIGNED);
	return true;
}

struct fmap { const char *field; enum dst d; };
struct emap {
	const char *sys, *name;
	enum tv_kind kind;
	enum special sp;
	struct fmap f[7];
};

/* x86 and generic events: names and fields from the file's own formats. */
static const struct emap x86_map[] = {
	{ "kvm", "kvm_entry", TV_ENTRY, SP_NONE, { { "vcpu_id", D_VCPU }, { "rip", D_ARG64 } } },
	/* kvm_fpu(load) is where KVM_RUN starts: the end of a userspace round trip */
	{ "kvm", "kvm_fpu", TV_RUN, SP_X86_FPU, { { "load", D_ARG1 } } },
	{ "kvm", "kvm_exit", TV_EXIT, SP_X86_EXIT,
	  { { "vcpu_id", D_VCPU }, { "exit_reason", D_ARG1 }, { "isa", D_ARG2 }, { "guest_rip", D_ARG64 } } },
	{ "kvm", "kvm_userspace_exit", TV_UEXIT, SP_NONE, { { "reason", D_ARG1 }, { "errno", D_ARG3 } } },
	{ "kvm", "kvm_pio", TV_PIO, SP_NONE,
	  { { "rw", D_ARG1 }, { "port", D_ARG2 }, { "size", D_ARG3 }, { "val", D_ARG64 } } },
	{ "kvm", "kvm_mmio", TV_MMIO, SP_X86_MMIO, { { "type", D_ARG1 }, { "len", D_ARG3 }, { "gpa", D_ARG64 } } },
	{ "kvm", "kvm_msr", TV_CSR, SP_NONE, { { "ecx", D_ARG1 }, { "write", D_ARG2 }, { "data", D_ARG64 } } },
	{ "kvm", "kvm_page_fault", TV_FAULT, SP_X86_FAULT,
	  { { "vcpu_id", D_VCPU }, { "error_code", D_ARG1 }, { "fault_address", D_ARG64 } } },
	{ "kvm", "kvm_inj_virq", TV_IRQ_DELIVER, SP_NONE, { { "vector", D_ARG1 }, { "irq", D_ARG1 } } },
	{ "kvm", "kvm_apic_accept_irq", TV_IRQ_QUEUE, SP_NONE, { { "apicid", D_VCPU }, { "vec", D_ARG1 } } },
	{ "kvm", "kvm_vcpu_wakeup", TV_WAKEUP, SP_NONE,
	  { { "ns", D_ARG64 }, { "waited", D_ARG1 }, { "valid", D_ARG2 } } },
	{ "kvm", "kvm_pv_tlb_flush", TV_TLB, SP_NONE, { { "vcpu_id", D_VCPU } } },
	{ "kvm", "kvm_hv_flush_tlb", TV_TLB, SP_NONE, { { "processor_mask", D_ARG64 } } },
};

static const struct emap common_map[] = {
	{ "task", "task_newtask", TV_NEWTASK, SP_NEWTASK, { { "pid", D_ARG1 }, { "clone_flags", D_ARG64 } } },
	{ "ftrace", "print", TV_MARKER, SP_MARKER, { { NULL, D_NONE } } },
};

/*
 * LoongArch: our kvm/ events.  The fields are those of the catalog
 * (KVMLA_FIELDS_<name>); here we only say which ones the analyses use.
 */
static const struct emap la_map[] = {
	{ "kvm", "kvm_enter", TV_ENTRY, SP_NONE, { { "vcpu_id", D_VCPU }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_reenter", TV_ENTRY, SP_NONE, { { "vcpu_id", D_VCPU }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_out", TV_UEXIT, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "exit_reason", D_ARG1 }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_exit", TV_EXIT, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "reason", D_ARG1 }, { "esubcode", D_ARG2 }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_exit_gspr", TV_GSPR, SP_LA_GSPR,
	  { { "vcpu_id", D_VCPU }, { "kind", D_ARG1 }, { "inst_word", D_ARG2 }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_exit_csr", TV_CSR, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "csr", D_ARG1 }, { "op", D_ARG2 }, { "outcome", D_ARG3 } } },
	{ "kvm", "kvm_exit_iocsr", TV_PIO, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "rw", D_ARG1 }, { "len", D_ARG3 }, { "addr", D_ARG64 } } },
	{ "kvm", "kvm_exit_mmio", TV_MMIO, SP_LA_MMIO,
	  { { "vcpu_id", D_VCPU }, { "rw", D_ARG1 }, { "len", D_ARG3 }, { "gpa", D_ARG64 } } },
	{ "kvm", "kvm_exit_idle", TV_IDLE, SP_NONE, { { "vcpu_id", D_VCPU }, { "pc", D_ARG64 } } },
	{ "kvm", "kvm_gpa_fault", TV_FAULT, SP_LA_FAULT,
	  { { "vcpu_id", D_VCPU }, { "kind", D_ARG1 }, { "path", D_ARG2 }, { "result", D_ARG3 }, { "gpa", D_ARG64 } } },
	{ "kvm", "kvm_tlb_flush", TV_TLB, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "scope", D_ARG1 }, { "reason", D_ARG2 }, { "gpa", D_ARG64 } } },
	{ "kvm", "kvm_vpid_change", TV_VPID, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "reason", D_ARG1 }, { "pcpu", D_ARG2 }, { "new_vpid", D_ARG64 } } },
	{ "kvm", "kvm_vpid_rollover", TV_ROLLOVER, SP_NONE,
	  { { "vcpu_id", D_VCPU }, { "pcpu", D_ARG2 }, { "generation", D_ARG64 } } },
	{ "kvm", "kvm_timer", TV_TIMER, SP_NONE, { { "vcpu_id", D_VCPU }, { "op", D_ARG1 } } },
	{ "kvm", "kvm_irq", TV_IRQ_QUEUE, SP_LA_IRQ,
	  { { "vcpu_id", D_VCPU }, { "op", D_ARG3 }, { "irq", D_ARG1 }, { "source", D_ARG2 } } },
};

static struct dec *dec_new(struct tep_event *ev, const struct emap *m)
{
	struct dec *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ev = ev;
	d->kind = m ? m->kind : TV_OTHER;
	d->special = m ? m->sp : SP_NONE;
	for (int i = 0; m && i < 7 && m->f[i].field; i++) {
		bool dup = false;

		/* alternatives share a destination: the first present wins */
		for (int j = 0; j < d->nf; j++)
			if (d->f[j].dst == m->f[i].d)
				dup = true;
		if (!dup && add_field(ev, &d->f[d->nf], m->f[i].field, m->f[i].d))
			d->nf++;
	}
	if (!m || d->nf == 0) {
		/* at least the vcpu_id, when the event has one */
		d->nf = 0;
		if (add_field(ev, &d->f[0], "vcpu_id", D_VCPU))
			d->nf = 1;
		if (m && m->sp == SP_MARKER)
			d->nf = 0;
	}
	/* upstream's kvm_exit_gspr has inst_word but no kind: decode the word */
	if (m && m->sp == SP_LA_GSPR && !tep_find_field(ev, "kind"))
		d->special = SP_LA_GSPR;
	else if (m && m->sp == SP_LA_GSPR)
		d->special = SP_NONE;
	if (m && m->sp == SP_LA_FAULT) {
		static const char *const ex[] = { "write", "exec", "level" };

		for (int i = 0; i < 3; i++)
			if (add_field(ev, &d->extra[d->nextra], ex[i], D_ARG2))
				d->nextra++;
	}
	return d;
}

static int sym_add(struct symtab *t, uint64_t v, const char *name)
{
	uint64_t *nv = realloc(t->val, (t->n + 1) * sizeof(*nv));
	char **nn;

	if (!nv)
		return -1;
	t->val = nv;
	nn = realloc(t->name, (t->n + 1) * sizeof(*nn));
	if (!nn)
		return -1;
	t->name = nn;
	t->val[t->n] = v;
	t->name[t->n] = strdup(name);
	if (!t->name[t->n])
		return -1;
	t->n++;
	return 0;
}

/* Evaluates a symbol value: "12", "0x040 + 3", "-1". */
static bool eval_sym(const char *s, uint64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 0);

	while (*end == ' ')
		end++;
	if (*end == '+') {
		long long w = strtoll(end + 1, &end, 0);

		v += w;
	}
	while (*end == ' ' || *end == ')')
		end++;
	if (*end)
		return false;
	*out = (uint64_t)v;
	return true;
}

/* Collects __print_symbolic tables in the order they appear. */
static void collect_syms(struct tep_print_arg *a, struct symtab *tabs, int *n, int depth)
{
	if (!a || depth > 64)
		return;
	switch (a->type) {
	case TEP_PRINT_SYMBOL:
		if (*n < 2) {
			for (struct tep_print_flag_sym *s = a->symbol.symbols; s; s = s->next) {
				uint64_t v;

				if (s->value && s->str && eval_sym(s->value, &v))
					sym_add(&tabs[*n], v & 0xffffffffull, s->str);
			}
			(*n)++;
		}
		break;
	case TEP_PRINT_OP:
		collect_syms(a->op.left, tabs, n, depth + 1);
		collect_syms(a->op.right, tabs, n, depth + 1);
		break;
	case TEP_PRINT_TYPE:
		collect_syms(a->typecast.item, tabs, n, depth + 1);
		break;
	default:
		break;
	}
}

static void x86_names(struct tv_reader *rd, struct tep_event *ev)
{
	struct symtab tabs[2] = { { 0 } };
	int n = 0;

	for (struct tep_print_arg *a = ev->print_fmt.args; a; a = a->next)
		collect_syms(a, tabs, &n, 0);
	/* kvm_exit: isa == 1 (VMX) first, then SVM; one table means no isa split */
	if (n == 2) {
		rd->x86[1] = tabs[0];
		rd->x86[2] = tabs[1];
	} else if (n == 1) {
		rd->x86[0] = tabs[0];
	}
}

const char *tv_reader_x86_reason(struct tv_reader *rd, uint32_t isa, uint32_t code)
{
	struct symtab *t = &rd->x86[isa < 3 ? isa : 0];

	if (!t->n)
		t = &rd->x86[0];
	for (unsigned int i = 0; i < t->n; i++)
		if (t->val[i] == code)
			return t->name[i];
	return NULL;
}

static const struct emap *find_map(const struct emap *m, size_t n, struct tep_event *ev)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].name, ev->name) && !strcmp(m[i].sys, ev->system))
			return &m[i];
	return NULL;
}

static int setup(struct tv_reader *rd, char *err, size_t errlen)
{
	struct tep_event **evs = tep_list_events(rd->tep, TEP_EVENT_SORT_ID);
	struct tep_event *kexit = tep_find_event_by_name(rd->tep, "kvm", "kvm_exit");
	unsigned int maxid = 0;
	int nev = tep_get_events_count(rd->tep);

	if (!evs) {
		snprintf(err, errlen, "no event formats");
		return -1;
	}
	rd->swap = tep_is_file_bigendian(rd->tep) != tep_is_local_bigendian(rd->tep);
	if (kexit && tep_find_field(kexit, "exit_reason") && tep_find_field(kexit, "isa"))
		rd->profile = TV_PROFILE_X86;
	else if (kexit && tep_find_field(kexit, "reason"))
		rd->profile = TV_PROFILE_LOONGARCH;
	else if (tep_find_event_by_name(rd->tep, "kvm", "kvm_reenter"))
		rd->profile = TV_PROFILE_LOONGARCH;
	else if (tep_find_event_by_name(rd->tep, "kvm", "kvm_entry"))
		rd->profile = TV_PROFILE_X86;
	for (int i = 0; i < nev && evs[i]; i++)
		if ((unsigned int)evs[i]->id > maxid)
			maxid = evs[i]->id;
	if (maxid > 0xffff) {
		snprintf(err, errlen, "event id %u out of range", maxid);
		return -1;
	}
	rd->nr_dec = maxid + 1;
	rd->dec = calloc(rd->nr_dec, sizeof(*rd->dec));
	if (!rd->dec) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < nev && evs[i]; i++) {
		struct tep_event *ev = evs[i];
		const struct emap *m = NULL;

		/* two formats with one ID (a damaged file): the first decodes */
		if (ev->id < 0 || rd->dec[ev->id])
			continue;
		if (rd->profile == TV_PROFILE_LOONGARCH)
			m = find_map(la_map, sizeof(la_map) / sizeof(la_map[0]), ev);
		else
			m = find_map(x86_map, sizeof(x86_map) / sizeof(x86_map[0]), ev);
		if (!m)
			m = find_map(common_map, sizeof(common_map) / sizeof(common_map[0]), ev);
		rd->dec[ev->id] = dec_new(ev, m);
		if (!rd->dec[ev->id]) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (rd->profile == TV_PROFILE_X86 && kexit)
		x86_names(rd, kexit);
	return 0;
}

static void tv_reader_free(struct tv_reader *rd)
{
	for (unsigned int i = 0; i < rd->nr_dec; i++)
		free(rd->dec[i]);
	free(rd->dec);
	for (int t = 0; t < 3; t++) {
		for (unsigned int i = 0; i < rd->x86[t].n; i++)
			free(rd->x86[t].name[i]);
		free(rd->x86[t].name);
		free(rd->x86[t].val);
	}
	free(rd);
}

struct tv_reader *tv_reader_from_tep(struct tep_handle *tep, char *err, size_t errlen)
{
	struct tv_reader *rd = calloc(1, sizeof(*rd));

	if (!rd) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rd->tep = tep;
	rd->fd = -1;
	rd->stub_fd = -1;
	if (setup(rd, err, errlen)) {
		tv_reader_free(rd);
		return NULL;
	}
	return rd;
}

/*
 * libtraceevent parses the file's format texts; a malformed one can crash
 * it, and a damaged header can make libtracecmd loop for ever.  So the file
 * is opened first in a child: if that child dies, or has not finished after
 * PROBE_SECONDS, the file is rejected with an error instead of taking us
 * down or hanging.
 */
#define PROBE_SECONDS 10
static void probe_died(int sig)
{
	(void)sig;
	_exit(3);
}

static tv_probe_fn probe_hook;

void tv_reader_set_probe(tv_probe_fn fn)
{
	probe_hook = fn;
}

static int probe(const char *path, char *err, size_t errlen)
{
	int status = 0;
	pid_t pid;

	if (probe_hook) {
		if (!probe_hook(path))
			return 0;
		snprintf(err, errlen, "%s: corrupt trace.dat (its headers cannot be read)", path);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;	/* no probe: go on */
	if (pid == 0) {
		/* a crash here is the expected outcome of a bad file: no core, no report */
		static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
		struct sigaction sa = { .sa_handler = probe_died };
		struct tracecmd_input *h;
		int fd = open("/dev/null", O_WRONLY);

		for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			sigaction(fatal[i], &sa, NULL);

		if (fd >= 0)
			dup2(fd, 2);
		/*
		 * SIGALRM's default action ends the child.  The default, whatever
		 * the parent had: ignored across an exec, or caught (libFuzzer
		 * catches it for its own timeouts), the alarm would not end it.
		 */
		signal(SIGALRM, SIG_DFL);
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGALRM);
		sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
		alarm(PROBE_SECONDS);
		h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS |
					TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
		if (!h)
			_exit(2);
		tracecmd_close(h);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		snprintf(err, errlen, "%s: cannot read trace.dat (truncated or corrupt)", path);
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(err, errlen, "%s: corrupt trace.dat (its headers could not be read in %d s)",
			 path, PROBE_SECONDS);
	else
		snprintf(err, errlen, "%s: corrupt trace.dat (its event formats cannot be parsed)", path);
	return -1;
}

/*
 * A v6 file read directly, whole or cut in its CPU table or data (which
 * libtracecmd would refuse): only its headers (formats, cmdlines) are
 * wanted from libtracecmd; the data is read within the layout validate.c
 * found.  So libtracecmd gets a copy of the headers with a complete table
 * of empty CPUs, in memory.
 */
static int stub_open(const char *path, const struct tv_layout *lay)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), out = memfd_create("tv-headers", 0);
	uint64_t done = 0, zero[2] = { 0, 0 };
	char buf[65536];

	if (in < 0 || out < 0)
		goto fail;
	while (done < lay->table_at) {
		size_t n = lay->table_at - done < sizeof(buf) ? lay->table_at - done : sizeof(buf);
		ssize_t got = pread(in, buf, n, done);

		if (got <= 0 || write(out, buf, got) != got)
			goto fail;
		done += got;
	}
	for (unsigned int c = 0; c < lay->table_ncpu; c++)
		if (write(out, zero, 16) != 16)
			goto fail;
	close(in);
	return out;
fail:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return -1;
}

/*
 * The header cache (tv_reader_cache_headers, for fuzz targets): a header
 * block (the stub's bytes) and what came of it: libtracecmd's handle, or
 * the error that refused it.  LRU, at most hc_max entries; an entry in use
 * by an open reader is not evicted.
 */
struct hc_ent {
	unsigned char *key;
	size_t len;
	uint64_t hash, last;
	struct tracecmd_input *h;	/* NULL: refused, err says why */
	char *err;			/* without the file's name */
	unsigned int users;
};
static struct hc_ent *hc;		/* hc_cap slots, free ones have no key */
static unsigned int hc_n, hc_cap, hc_max;
static uint64_t hc_clock;

static void hc_drop(struct hc_ent *e)
{
	if (e->h)
		tracecmd_close(e->h);
	free(e->key);
	free(e->err);
	memset(e, 0, sizeof(*e));
	hc_n--;
}

/* Call it with no reader open (an entry in use is kept until the next call). */
void tv_reader_cache_headers(unsigned int n)
{
	bool busy = false;

	for (unsigned int i = 0; i < hc_cap; i++) {
		if (hc[i].key && hc[i].users)
			busy = true;
		else if (hc[i].key)
			hc_drop(&hc[i]);
	}
	if (!busy) {
		free(hc);
		hc = NULL;
		hc_cap = 0;
	}
	hc_max = n;
}

/* The stub's bytes and their FNV-1a hash; NULL when it cannot be read. */
static unsigned char *hc_key(int fd, size_t *len, uint64_t *hash)
{
	struct stat st;
	unsigned char *k;
	uint64_t h = 14695981039346656037ull;

	if (fstat(fd, &st) || !(k = malloc(st.st_size ? st.st_size : 1)))
		return NULL;
	if (pread(fd, k, st.st_size, 0) != st.st_size) {
		free(k);
		return NULL;
	}
	for (off_t i = 0; i < st.st_size; i++)
		h = (h ^ k[i]) * 1099511628211ull;
	*len = st.st_size;
	*hash = h;
	return k;
}

static struct hc_ent *hc_find(const unsigned char *key, size_t len, uint64_t hash)
{
	for (unsigned int i = 0; i < hc_cap; i++)
		if (hc[i].key && hc[i].hash == hash && hc[i].len == len &&
		    !memcmp(hc[i].key, key, len)) {
			hc[i].last = ++hc_clock;
			return &hc[i];
		}
	return NULL;
}

/* Keeps key (owned from now on) with its outcome; NULL when there is no room. */
static struct hc_ent *hc_add(unsigned char *key, size_t len, uint64_t hash,
			     struct tracecmd_input *h, const char *err)
{
	struct hc_ent *e = NULL;

	if (!hc && (hc = calloc(hc_max, sizeof(*hc))))
		hc_cap = hc_max;
	for (unsigned int i = 0; i < hc_cap && hc_n < hc_max && !e; i++)
		if (!hc[i].key)
			e = &hc[i];
	for (unsigned int i = 0; i < hc_cap && !e; i++)	/* full: the least recently used */
		if (hc[i].key && !hc[i].users) {
			for (unsigned int j = i + 1; j < hc_cap; j++)
				if (hc[j].key && !hc[j].users && hc[j].last < hc[i].last)
					i = j;
			hc_drop(&hc[i]);
			e = &hc[i];
		}
	if (!e) {
		free(key);
		return NULL;
	}
	*e = (struct hc_ent){ .key = key, .len = len, .hash = hash, .h = h,
			      .err = err ? strdup(err) : NULL, .last = ++hc_clock };
	hc_n++;
	return e;
}

/*
 * A v6 file that is read directly gives libtracecmd its headers only, and
 * so no CPU data to map.  libtracecmd 3.1.6 never unmaps the pages it maps
 * of a v6 file: its handle starts in compressed-page mode, which only a v7
 * file's compression section turns off, and its page release then looks
 * for the page among compressed chunks, so the mapping outlives
 * tracecmd_close().  One per CPU per open is harmless to a command that
 * reads one file, but a fuzz target opening files for an hour reached the
 * kernel's limit of 65,530 mappings.
 */
static bool use_stub(const struct tv_layout *lay)
{
	return lay->truncated || (lay->table_at && lay->direct && lay->ncpu &&
				  !getenv("TV_NO_DIRECT"));
}

/* err without "path: " */
static const char *err_tail(const char *err, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(err, path, n) && err[n] == ':' && err[n + 1] == ' ' ? err + n + 2 : err;
}

/*
 * libtracecmd's handle of file (the file or its stub), probed first; with
 * the cache on and a stub, a kept block is reused (*ent: the entry in use).
 */
static struct tracecmd_input *headers_open(const char *path, const char *file, int stub,
					   struct hc_ent **ent, char *err, size_t errlen)
{
	struct tracecmd_input *h;
	unsigned char *key = NULL;
	size_t len = 0;
	uint64_t hash = 0;

	*ent = NULL;
	if (hc_max && stub >= 0 && (key = hc_key(stub, &len, &hash))) {
		struct hc_ent *e = hc_find(key, len, hash);

		if (e) {
			free(key);
			if (!e->h) {
				snprintf(err, errlen, "%s: %s", path, e->err);
				return NULL;
			}
			e->users++;
			*ent = e;
			return e->h;
		}
	}
	/* TV_NO_PROBE: for a fuzz target whose formats are known good */
	if (!getenv("TV_NO_PROBE") && probe(file, err, errlen)) {
		char why[200];

		/* the message names the file, not its stub */
		snprintf(why, sizeof(why), "%s", err_tail(err, file));
		snprintf(err, errlen, "%s: %s", path, why);
		if (key)
			hc_add(key, len, hash, NULL, why);
		return NULL;
	}
	h = tracecmd_open(file, TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!h)
		snprintf(err, errlen, "%s: cannot read trace.dat (truncated or corrupt)", path);
	if (key) {
		*ent = hc_add(key, len, hash, h, h ? NULL : err_tail(err, path));
		if (*ent && h)
			(*ent)->users++;
	}
	return h;
}

/* The checks before libtracecmd: a regular file, the magic, validate.c's. */
static int file_check(const char *path, struct stat *st, struct tv_layout *lay, int *compressed,
		      char *err, size_t errlen)
{
	char magic[10], verr[200];
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), st) || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto bad;
	}
	if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x17\x08\x44tracing", 10)) {
		snprintf(err, errlen, "%s: not a trace.dat file (bad magic)", path);
		goto bad;
	}
	*compressed = tv_validate(fileno(f), verr, sizeof(verr), lay);
	if (*compressed < 0) {
		snprintf(err, errlen, "%s: %s", path, verr);
		goto bad;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -1;
}

struct tv_reader *tv_reader_open(const char *path, char *err, size_t errlen)
{
	struct tracecmd_input *h;
	struct tv_reader *rd;
	struct hc_ent *ent;
	struct stat st;
	int compressed, stub = -1;
	struct tv_layout lay;
	char hpath[64];

	if (file_check(path, &st, &lay, &compressed, err, errlen))
		return NULL;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	if (lay.truncated && !lay.direct) {
		snprintf(err, errlen, "%s: cut short in its CPU data, and its layout (4-byte longs, "
			 "timestamp offsets or over 256 CPUs) can only be read whole", path);
		return NULL;
	}
	if (use_stub(&lay)) {
		stub = stub_open(path, &lay);
		if (stub >= 0) {
			snprintf(hpath, sizeof(hpath), "/proc/self/fd/%d", stub);
			if (access(hpath, R_OK)) {	/* no /proc */
				close(stub);
				stub = -1;
			}
		}
		/* a whole file can still be given whole; a cut one cannot */
		if (stub < 0 && lay.truncated) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return NULL;
		}
	}
	h = headers_open(path, stub < 0 ? path : hpath, stub, &ent, err, errlen);
	if (!h) {
		if (stub >= 0)
			close(stub);
		return NULL;
	}
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		if (ent)
			ent->users--;
		else
			tracecmd_close(h);
		if (stub >= 0)
			close(stub);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rd->h = h;
	rd->hc = ent;
	rd->tep = tracecmd_get_tep(h);
	rd->file_size = st.st_size;
	rd->checked_pages = compressed == 0;
	rd->lay = lay;
	rd->fd = -1;
	rd->stub_fd = stub;
	if (lay.truncated || (lay.direct && lay.ncpu && !getenv("TV_NO_DIRECT")))
		rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	rd->page_size = tracecmd_get_tep(h) ? tep_get_page_size(tracecmd_get_tep(h)) : 0;
	if (!rd->tep || (lay.truncated && rd->fd < 0) || setup(rd, err, errlen)) {
		if (!rd->tep)
			snprintf(err, errlen, "%s: no event formats", path);
		else if (lay.truncated && rd->fd < 0)	/* a cut file is only read directly */
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		tv_reader_close(rd);
		return NULL;
	}
	if (rd->profile == TV_PROFILE_UNKNOWN) {
		snprintf(err, errlen, "%s: no KVM events (kvm:kvm_exit) in this trace", path);
		tv_reader_close(rd);
		return NULL;
	}
	return rd;
}

enum tv_profile tv_reader_profile(const struct tv_reader *rd) { return rd->profile; }

struct tep_handle *tv_reader_tep(const struct tv_reader *rd) { return rd->tep; }

void tv_reader_on_raw(struct tv_reader *rd, tv_raw_fn fn, void *arg)
{
	rd->raw_fn = fn;
	rd->raw_arg = arg;
}

void tv_reader_use_fd(struct tv_reader *rd, int fd, const struct tv_layout *lay, uint64_t size)
{
	rd->fd = fd;
	if (lay)
		rd->lay = *lay;
	rd->file_size = size;
	rd->checked_pages = true;
	rd->page_size = lay ? lay->page : 0;
}
uint64_t tv_reader_file_size(const struct tv_reader *rd) { return rd->file_size; }

void tv_reader_close(struct tv_reader *rd)
{
	if (!rd)
		return;
	if (rd->hc)
		rd->hc->users--;	/* the cache keeps the handle */
	else if (rd->h)
		tracecmd_close(rd->h);
	if (rd->fd >= 0)
		close(rd->fd);
	if (rd->stub_fd >= 0)
		close(rd->stub_fd);
	tv_reader_free(rd);
}

static void set_dst(struct tv_rec *o, enum dst d, uint64_t v)
{
	switch (d) {
	case D_VCPU: o->vcpu = (uint32_t)v; break;
	case D_ARG1: o->arg1 = (uint32_t)v; break;
	case D_ARG2: o->arg2 = (uint32_t)v; break;
	case D_ARG3: o->arg3 = (uint32_t)v; break;
	case D_ARG64: o->arg64 = v; break;
	default: break;
	}
}

/* "kvmla-thread tid=N tgid=M" and "kvmla-vm tgid=M name=S" */
static void marker(struct tv_reader *rd, struct tep_record *rec, struct tv_rec *o)
{
	struct tep_format_field *f = tep_find_field(rd->dec[o->evid]->ev, "buf");
	char buf[160];
	unsigned int tid, tgid;
	int len;

	o->kind = TV_OTHER;
	if (!f || f->offset < 0 || f->offset >= rec->size)
		return;
	len = rec->size - f->offset;
	if (len > (int)sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	memcpy(buf, (char *)rec->data + f->offset, len);
	buf[len] = 0;
	if (sscanf(buf, "kvmla-thread tid=%u tgid=%u", &tid, &tgid) == 2) {
		o->kind = TV_MARKER;
		o->child = tid;
		o->tgid = tgid;
	} else if (!strncmp(buf, "kvmla-vm tgid=", 14) && rd->an) {
		char name[64];

		if (sscanf(buf, "kvmla-vm tgid=%u name=%63[^\n]", &tgid, name) == 2)
			tv_an_set_vm_name(rd->an, tgid, name);
		o->kind = TV_MARKER;	/* identity only: child = 0 */
	}
}

int tv_reader_decode(struct tv_reader *rd, struct tep_record *rec, struct tv_rec *o)
{
	const unsigned char *p = rec->data;
	unsigned int size = rec->size, id;
	uint16_t type;
	int32_t pid;
	struct dec *d;

	if (rd->raw_fn)
		rd->raw_fn(rec, rd->raw_arg);
	if (size < 8 || !p)
		return 0;
	type = (uint16_t)rd_num(rd, p, 2, false);
	id = type;
	if (id >= rd->nr_dec || !(d = rd->dec[id]))
		return 0;
	pid = (int32_t)rd_num(rd, p + 4, 4, true);
	memset(o, 0, sizeof(*o));
	o->ts = rec->ts;
	o->tid = (uint32_t)pid;
	o->cpu = (uint16_t)rec->cpu;
	o->evid = (uint16_t)id;
	o->kind = d->kind;
	o->vcpu = TV_NO_VCPU;
	for (unsigned int i = 0; i < d->nf; i++) {
		const struct fdec *f = &d->f[i];

		if ((unsigned int)f->off + f->size <= size)
			set_dst(o, f->dst, rd_num(rd, p + f->off, f->size, f->is_signed));
	}
	switch (d->special) {
	case SP_X86_EXIT:
		if (o->isa == 1)	/* VMX: basic reason in the low 16 bits */
			o->reason &= 0xffff;
		break;
	case SP_X86_MMIO:
		/* KVM_TRACE_MMIO_READ_UNSATISFIED 0, READ 1, WRITE 2 */
		o->write = o->mmio_type == 2 ? 1 : o->mmio_type == 1 ? 0 : 2;
		break;
	case SP_X86_FPU:
		if (!o->load)
			o->kind = TV_OTHER;	/* unload */
		break;
	case SP_LA_MMIO:
		o->write = o->rw == 1 ? 1 : 0;
		break;
	case SP_X86_FAULT: {
		uint32_t ec = o->fault_class;	/* the error code, raw */

		/* class: kind (0 ram, 1 mmio=rsvd), path (0 n/a), access */
		o->fault_class = (ec & 8) ? 1 : 0;
		o->path_access = (ec & 16) ? TV_ACC_EXEC : (ec & 2) ? TV_ACC_WRITE : TV_ACC_READ;
		o->path_access <<= 8;
		o->path_access |= 0xff;	/* no path */
		break;
	}
	case SP_LA_FAULT: {
		uint32_t path = o->path_access & 0xff, acc = TV_ACC_READ;

		for (unsigned int i = 0; i < d->nextra; i++) {
			const struct fdec *f = &d->extra[i];
			uint64_t v;

			if ((unsigned int)f->off + f->size > size)
				continue;
			v = rd_num(rd, p + f->off, f->size, false);
			if (i == 0 && v)
				acc = TV_ACC_WRITE;
			if (i == 1 && v)
				acc = TV_ACC_EXEC;
		}
		o->path_access = path | acc << 8;
		break;
	}
	case SP_LA_GSPR:
		o->gspr_kind = kvmla_gspr_kind(o->arg2);	/* arg2: inst_word */
		break;
	case SP_LA_IRQ:
		/* op: QUEUE 0, DEQUEUE 1, DELIVER 2 */
		o->kind = o->irq_op == 0 ? TV_IRQ_QUEUE : o->irq_op == 2 ? TV_IRQ_DELIVER : TV_OTHER;
		break;
	case SP_NEWTASK:
		o->thread = (o->clone_flags & 0x00010000) ? 1 : 0;	/* CLONE_THREAD */
		o->clone_flags = 0;
		break;
	case SP_MARKER:
		marker(rd, rec, o);
		break;
	default:
		break;
	}
	return 1;
}

void tv_reader_names(struct tv_reader *rd, struct tv_analysis *an)
{
	if (rd->profile == TV_PROFILE_X86) {
		for (int isa = 0; isa < 3; isa++)
			for (unsigned int i = 0; i < rd->x86[isa].n; i++) {
				if (isa == 0 && (rd->x86[1].n || rd->x86[2].n))
					break;
				char key[TV_NAME_LEN];
				const char *nm = rd->x86[isa].name[i];
				size_t j;

				for (j = 0; nm[j] && j < sizeof(key) - 1; j++)
					key[j] = isalnum((unsigned char)nm[j]) ? tolower((unsigned char)nm[j]) : '_';
				key[j] = 0;
				tv_an_reason(an, tv_reason_key(isa, (uint32_t)rd->x86[isa].val[i]), nm, key);
			}
	}
	for (unsigned int c = 0; c < 64; c++) {
		const char *nm = tv_kvm_exit_name(c);

		if (nm)
			tv_an_reason(an, tv_reason_key(TV_ISA_UEXIT, c), nm, nm);
	}
	if (rd->profile == TV_PROFILE_LOONGARCH) {
		for (unsigned int c = 0; c < 64; c++) {
			const char *nm = tv_la_ecode_name(c);

			if (nm)
				tv_an_reason(an, tv_reason_key(0, c), nm, tv_la_ecode_key(c));
		}
	}
}

static void names_after(struct tv_reader *rd, struct tv_analysis *an)
{
	for (unsigned int i = 0; i < an->nr_evcount && i < rd->nr_dec; i++)
		if (an->evcount[i] && rd->dec[i])
			tv_an_set_evname(an, i, rd->dec[i]->ev->name);
	an->comm_fn = NULL;
}

const char *tv_reader_event_name(struct tv_reader *rd, const struct tv_rec *r)
{
	if (r->evid < rd->nr_dec && rd->dec[r->evid])
		return rd->dec[r->evid]->ev->name;
	return "?";
}

static const char *comm_of(uint32_t tid, void *arg)
{
	struct tv_reader *rd = arg;
	const char *c = tep_data_comm_from_pid(rd->tep, (int)tid);

	return c && strcmp(c, "<...>") ? c : NULL;
}

static int cb(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct tv_reader *rd = data;
	struct tv_rec r;

	(void)h;
	(void)cpu;
	if (rd->checked_pages && rd->page_size &&
	    (rec->offset % rd->page_size) + (uint64_t)rec->size > rd->page_size) {
		rd->err = -EINVAL;
		return -1;
	}
	if (rec->missed_events)
		tv_an_missed(rd->an, rec->missed_events);
	if (tv_reader_decode(rd, rec, &r)) {
		if (tv_an_feed(rd->an, &r) < 0) {
			rd->err = -ENOMEM;
			return -1;
		}
	}
	if (rd->progress && !(++rd->n & 0x3ffff)) {
		if (rec->offset > rd->max_off)
			rd->max_off = rec->offset;
		rd->progress(rd->n, rd->max_off, rd->progress_arg);
	}
	return 0;
}

/*
 * Direct reading (uncompressed files whose timestamps need no conversion):
 * each CPU's pages are read in chunks with pread() and walked here, and the
 * CPUs are merged by timestamp.  Same records as tracecmd_iterate_events(),
 * without a malloc per record and without mapping the file: memory stays a
 * few hundred KB.
 *
 * A ring-buffer page: an 8-byte timestamp, a commit word (the file's long:
 * 4 or 8 bytes; bits 0-26 the bytes of data, bit 31 events were lost before
 * the page, bit 30 their count is stored after the data), then the data:
 * records, each a 32-bit header (5 bits type_len, 27 bits time delta; the
 * type_len is the low bits on a little-endian file, the high bits on a
 * big-endian one).  type_len 1-28: a payload of type_len * 4 bytes follows;
 * 0: a 32-bit length (payload + 4) then the payload; 29: padding, a 32-bit
 * length to skip; 30: a time extend (delta += next word << 27); 31: an
 * absolute time stamp (its top 5 bits taken from the current time).  The
 * walk reads the same records with the same times as libtraceevent's
 * kbuffer, inline, which the per-record library calls cost a third of the
 * run on a real trace.  The pages were checked (validate.c): the commit is
 * within the page; a record header whose second word would lie past the
 * page ends the page (kbuffer read whatever bytes followed), so a walk
 * never leaves its page.  Mapping the chunks instead of pread() was
 * measured slower here (page-table work outweighs the copy on this nested
 * VM), on dense and sparse pages alike.
 */
#define CHUNK_PAGES 64
#define PW_TS_MSB (0xf8ull << 56)

struct dcpu {
	uint64_t pos, end;		/* next file offset to read, end of this CPU's data */
	unsigned char *buf;		/* CHUNK_PAGES pages (and a slack) read with pread() */
	unsigned int npages, page;	/* pages in buf, current page */
	uint64_t buf_off;		/* file offset of buf */
	const unsigned char *pd;	/* the current page's data (after its header) */
	unsigned int size;		/* committed bytes of data */
	unsigned int curr, next;	/* current record's header, the next header */
	int esize;			/* current record's payload size */
	void *data;			/* current record's payload */
	unsigned long long ts;
	bool done;
	unsigned int part;		/* a cut file: bytes of its last page present, 0 none */
};

/* the file's byte order and long size; room: a page's bytes after its header */
struct pwfmt { bool swap, be; unsigned int lsize, room; };

static inline uint32_t pw_u32(const struct pwfmt *f, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return f->swap ? __builtin_bswap32(v) : v;
}

static uint64_t pw_long(const struct pwfmt *f, const unsigned char *p, unsigned int size)
{
	uint64_t v;

	if (size == 4)
		return pw_u32(f, p);
	memcpy(&v, p, 8);
	return f->swap ? __builtin_bswap64(v) : v;
}

/* Steps c to its page's next record (time and padding records skipped): false at the end. */
static inline bool pw_next(const struct pwfmt *f, struct dcpu *c)
{
	for (;;) {
		unsigned int at = c->next, tl, delta, idx;
		const unsigned char *p = c->pd + at;
		uint32_t w;
		int len;

		c->curr = at;
		if (at >= c->size)
			return false;
		w = pw_u32(f, p);
		tl = f->be ? w >> 27 : w & 31;
		delta = f->be ? w & 0x7ffffff : w >> 5;
		if ((tl == 0 || tl >= 29) && at + 8 > f->room) {
			c->next = c->size;	/* its second word would be past the page: the page ends */
			continue;
		}
		switch (tl) {
		case 29:	/* padding */
			c->ts += delta;
			c->next = at + 4 + pw_u32(f, p + 4);
			if (c->next <= at)	/* a length that wraps: nothing more on the page */
				c->next = c->size;
			continue;
		case 30:	/* time extend */
			c->ts += ((uint64_t)pw_u32(f, p + 4) << 27) + delta;
			c->next = at + 8;
			continue;
		case 31:	/* absolute time stamp */
			c->ts = (((uint64_t)pw_u32(f, p + 4) << 27) + delta) | (c->ts & PW_TS_MSB);
			c->next = at + 8;
			continue;
		case 0:
			len = (int)pw_u32(f, p + 4) - 4;
			len = (len + 3) & ~3;
			idx = at + 8;
			break;
		default:
			len = (int)tl * 4;
			idx = at + 4;
			break;
		}
		c->ts += delta;
		c->next = idx + (unsigned int)len;
		c->esize = len;
		c->data = (void *)(c->pd + idx);
		return true;
	}
}

/* Starts the walk of the page at pg; the events lost before it, as kbuffer reports them. */
static long long pw_load(const struct pwfmt *f, struct dcpu *c, const unsigned char *pg)
{
	uint64_t commit = pw_long(f, pg + 8, f->lsize);
	long long lost = 0;

	c->ts = pw_long(f, pg, 8);
	c->pd = pg + 8 + f->lsize;
	c->size = (unsigned int)commit & ((1u << 27) - 1);
	if (commit & (1ull << 31))
		lost = (commit & (1ull << 30)) ? (long long)pw_long(f, c->pd + c->size, f->lsize) : -1;
	c->next = 0;
	if (!pw_next(f, c))
		c->data = NULL;
	/* kbuffer reports them only when the page's first record opens its data */
	return c->curr ? 0 : lost;
}

/*
 * The last page of a cut CPU, in buf at page index pi: the part after the
 * cut is zeroed and the commit (8 bytes, the file's order) is clamped to
 * the bytes present; direct_run() drops a record that still runs past them.
 */
static void dcpu_clamp(struct tv_reader *rd, struct dcpu *c, unsigned int pi)
{
	unsigned char *pg = c->buf + (size_t)pi * rd->lay.page, *cm = pg + 8;
	uint64_t commit = 0, len, room = c->part - 16;

	memset(pg + c->part, 0, rd->lay.page - c->part);
	for (int i = 0; i < 8; i++)
		commit |= (uint64_t)cm[i] << (8 * (rd->lay.big_endian ? 7 - i : i));
	len = commit & 0xfffffffull;
	if (len <= room)
		return;
	/* keep the flag bits; a missed-events count after the data is lost */
	commit = (commit & ~0xfffffffull & ~(1ull << 30)) | room;
	for (int i = 0; i < 8; i++)
		cm[i] = (unsigned char)(commit >> (8 * (rd->lay.big_endian ? 7 - i : i)));
}

static int dcpu_load(struct tv_reader *rd, const struct pwfmt *f, struct dcpu *c)
{
	unsigned int ps = rd->lay.page;

	for (;;) {
		long long lost;

		if (c->page + 1 < c->npages) {
			c->page++;
		} else {
			uint64_t left = c->end - c->pos, n = (uint64_t)CHUNK_PAGES * ps, got;

			if (!left) {
				c->done = true;
				return 0;
			}
			if (n > left)
				n = left;
			if (pread(rd->fd, c->buf, n, c->pos) != (ssize_t)n)
				return -EIO;
			got = n;
			c->buf_off = c->pos;
			c->npages = (unsigned int)(got / ps);
			c->pos += (uint64_t)got;
			c->page = 0;
			c->part = got % ps >= 16 ? (unsigned int)(got % ps) : 0;
			if (c->part)	/* a cut: the partial page last */
				dcpu_clamp(rd, c, c->npages++);
			if (!c->npages) {
				c->done = true;
				return 0;
			}
		}
		lost = pw_load(f, c, c->buf + (size_t)c->page * ps);
		if (lost)
			tv_an_missed(rd->an, (int)lost);
		if (c->data)
			return 0;
	}
}

/* One record of CPU ci to the analysis: 1 to go on, 0 the CPU ends here (a cut), <0 an error. */
static int direct_one(struct tv_reader *rd, struct dcpu *c, unsigned int ci)
{
	unsigned int ps = rd->lay.page;
	size_t off = (size_t)((unsigned char *)c->data - c->buf);
	int size = c->esize;
	struct tep_record rec;
	struct tv_rec r;

	if (c->part && c->page + 1 == c->npages && c->pos == c->end && size >= 0 &&
	    off % ps + (size_t)size > c->part)
		return 0;	/* the record runs past the cut: it and the rest are lost */
	if (size < 0 || off % ps + (size_t)size > ps)
		return -EINVAL;	/* an event crosses its page */
	if (ci < 256 && rd->lay.cut[ci] && (!rd->cut_any || c->ts > rd->cut_last_ts)) {
		rd->cut_any = true;
		rd->cut_last_ts = c->ts;
	}
	rec.ts = c->ts;
	rec.data = c->data;
	rec.size = size;
	rec.cpu = (int)ci;
	rec.offset = c->buf_off + off;
	if (tv_reader_decode(rd, &rec, &r) && tv_an_feed(rd->an, &r) < 0)
		return -ENOMEM;
	return 1;
}

static void direct_progress(struct tv_reader *rd, const struct dcpu *cpus, uint64_t total)
{
	uint64_t done_bytes = 0;

	for (unsigned int i = 0; i < rd->lay.ncpu; i++)
		done_bytes += cpus[i].pos - rd->lay.off[i];
	rd->progress(rd->n, done_bytes * (rd->file_size ? rd->file_size : 1) / (total ? total : 1),
		     rd->progress_arg);
}

/* CPU a's next record comes before CPU b's: earlier, or as early and a lower CPU number */
static inline bool cpu_before(const struct dcpu *cpus, unsigned int a, unsigned int b)
{
	return cpus[a].ts < cpus[b].ts || (cpus[a].ts == cpus[b].ts && a < b);
}

/* h[0..n): a min-heap of CPU numbers by cpu_before(); restores it from i down */
static void heap_down(const struct dcpu *cpus, unsigned int *h, unsigned int n, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, m = i, t;

		if (l < n && cpu_before(cpus, h[l], h[m]))
			m = l;
		if (l + 1 < n && cpu_before(cpus, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * The merge: the CPU with the earliest record (the lowest-numbered on a tie)
 * goes first, and keeps going while its records come before every other
 * CPU's next one.  The CPUs with records left are a heap: a trace of many
 * CPUs costs a few comparisons per record, not one per CPU.
 */
static int direct_merge(struct tv_reader *rd, const struct pwfmt *f, struct dcpu *cpus,
			unsigned int *h, uint64_t total)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < rd->lay.ncpu; i++)
		if (!cpus[i].done)
			h[n++] = i;
	for (unsigned int i = n / 2; i-- > 0;)
		heap_down(cpus, h, n, i);
	while (n) {
		unsigned int ci = h[0], oi = n > 1 ? h[1] : 0;	/* earliest, second earliest */
		struct dcpu *c = &cpus[ci];

		if (n > 2 && cpu_before(cpus, h[2], oi))
			oi = h[2];
		do {
			int k = direct_one(rd, c, ci);

			if (k < 0)
				return k;
			if (!k) {
				c->done = true;
				break;
			}
			if (rd->progress && !(++rd->n & 0x3ffff))
				direct_progress(rd, cpus, total);
			if (!pw_next(f, c)) {
				int err = dcpu_load(rd, f, c);

				if (err)
					return err;
				if (c->done)
					break;
			}
		} while (n == 1 || cpu_before(cpus, ci, oi));
		if (c->done)
			h[0] = h[--n];
		heap_down(cpus, h, n, 0);
	}
	return 0;
}

static int direct_run(struct tv_reader *rd)
{
	unsigned int n = rd->lay.ncpu, ps = rd->lay.page;
	struct dcpu *cpus = calloc(n, sizeof(*cpus));
	unsigned int *heap = calloc(n ? n : 1, sizeof(*heap));
	bool host_be = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	unsigned int ls = tep_get_header_page_size(rd->tep) == 4 ? 4 : 8;
	struct pwfmt f = { rd->lay.big_endian != host_be, rd->lay.big_endian, ls, ps - 8 - ls };
	uint64_t total = 0;
	int err = 0;

	if (!cpus || !heap) {
		free(cpus);
		free(heap);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n && !err; i++) {
		cpus[i].pos = rd->lay.off[i];
		cpus[i].end = rd->lay.off[i] + rd->lay.size[i];
		total += rd->lay.size[i];
		/* slack: a cut page is zeroed past the cut */
		cpus[i].buf = calloc(1, (size_t)CHUNK_PAGES * ps + 64);
		if (!cpus[i].buf)
			err = -ENOMEM;
		else
			err = dcpu_load(rd, &f, &cpus[i]);
	}
	if (!err)
		err = direct_merge(rd, &f, cpus, heap, total);
	for (unsigned int i = 0; i < n; i++)
		free(cpus[i].buf);
	free(cpus);
	free(heap);
	return err;
}

/* where the file was cut, for the reports */
static void cut_report(const struct tv_reader *rd, struct tv_analysis *an)
{
	struct tv_cut *c = &an->cut;

	if (!rd->lay.truncated)
		return;
	c->on = true;
	c->at = rd->file_size;
	c->has_ts = rd->cut_any;
	c->last_ts = rd->cut_last_ts;
	for (unsigned int i = 0; i < rd->lay.ncpu && i < 256; i++)
		if (rd->lay.cut[i])
			c->cpus[c->ncpus++] = (uint16_t)i;
}

int tv_reader_run(struct tv_reader *rd, struct tv_analysis *an, tv_progress_fn fn, void *arg)
{
	int r;

	rd->an = an;
	an->comm_fn = comm_of;
	an->comm_arg = rd;
	rd->progress = fn;
	rd->progress_arg = arg;
	tv_reader_names(rd, an);
	if (rd->fd >= 0) {
		r = direct_run(rd);
		if (r)
			return r;
		names_after(rd, an);
		cut_report(rd, an);
		return 0;
	}
	r = tracecmd_iterate_events(rd->h, NULL, 0, cb, rd);
	if (rd->err)
		return rd->err;
	(void)r;
	names_after(rd, an);
	return 0;
}
