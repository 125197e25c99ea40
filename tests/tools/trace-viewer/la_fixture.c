// SPDX-License-Identifier: GPL-2.0
/*
 * LoongArch fixtures from the catalog: see la_fixture.h.
 *
 * The record layout is what TP_STRUCT__entry gives for the catalog's fields
 * (kvm/trace.h expands KVMLA_FIELDS_<name> into __field(type, name) in
 * order): struct trace_entry (8 bytes), then each field at its natural
 * alignment.  The print fmt follows kvm/trace.h: "field=fmt" separated by
 * spaces, and __print_symbolic over the catalog's value list for fields
 * that have one.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmla/catalog.h>

#include "la_fixture.h"
#include "la_tracegen.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define FD(t, n, fmt, sym) { #t, #n, fmt, #sym, sizeof(t), 0, ((t)-1) < 0, 0 },
#define EVD(name, desc) { #name, 0, { KVMLA_FIELDS_##name(FD) }, 0, 0, 0, NULL, 0 },
static struct la_event events[] = { KVMLA_EVENTS(EVD) };
#define NR_EVENTS (sizeof(events) / sizeof(events[0]))

/* "{ 0, "INT" }, { 1, "TLBL" }, ..." for a value list, by its name */
#define SYMTXT(v, N, ...) "{ " #v ", \"" #N "\" }, "
static const struct { const char *list, *text; } symtext[] = {
#define ST(name, ...) { #name, KVMLA_SYMS_##name(SYMTXT) },
	KVMLA_VALUE_LISTS(ST)
};

static const char *sym_list(const char *name)
{
	for (size_t i = 0; i < sizeof(symtext) / sizeof(symtext[0]); i++)
		if (!strcmp(symtext[i].list, name))
			return symtext[i].text;
	return NULL;
}

/*
 * The format file of one event.  Layout and print fmt come from the same
 * expansion as kvm/trace.h (la_tracegen.c); the catalog alone gives the
 * natural-alignment layout too (nat_off), which a test compares.
 */
static void build(struct la_event *e, int id)
{
	char *buf = malloc(1 << 16);
	unsigned int off = 8, maxal = 4;
	struct tg_class tg;
	size_t len = 0;

	e->id = id;
	for (e->nf = 0; e->nf < LA_MAX_FIELDS && e->f[e->nf].name; e->nf++) {
		struct la_field *f = &e->f[e->nf];

		off = (off + f->size - 1) / f->size * f->size;
		f->nat_off = f->off = off;
		off += f->size;
		if (f->size > maxal)
			maxal = f->size;
	}
	e->nat_size = e->size = (off + maxal - 1) / maxal * maxal;
	if (!la_tracegen(e->name, &tg) && tg.nf == e->nf) {
		e->from_tracegen = 1;
		e->size = tg.size;
		for (unsigned int i = 0; i < e->nf; i++) {
			e->f[i].off = tg.f[i].off;
			e->f[i].size = tg.f[i].size;
			e->f[i].type = tg.f[i].type;
			e->f[i].is_signed = tg.f[i].is_signed;
		}
	}
	len += sprintf(buf + len, "name: %s\nID: %d\nformat:\n", e->name, id);
	len += sprintf(buf + len,
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
		"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n");
	for (unsigned int i = 0; i < e->nf; i++)
		len += sprintf(buf + len, "\tfield:%s %s;\toffset:%u;\tsize:%u;\tsigned:%d;\n",
			       e->f[i].type, e->f[i].name, e->f[i].off, e->f[i].size, e->f[i].is_signed);
	if (e->from_tracegen) {
		len += sprintf(buf + len, "\nprint fmt: %s\n", tg.print);
	} else {
		/* no tracegen expansion for this event: the same layout by hand */
		len += sprintf(buf + len, "\nprint fmt: \"");
		for (unsigned int i = 0; i < e->nf; i++)
			len += sprintf(buf + len, "%s%s=%s", i ? " " : "", e->f[i].name, e->f[i].fmt);
		len += sprintf(buf + len, "\"");
		for (unsigned int i = 0; i < e->nf; i++) {
			const char *sl = strcmp(e->f[i].sym, "NONE") ? sym_list(e->f[i].sym) : NULL;

			if (sl)
				len += sprintf(buf + len, ", __print_symbolic(REC->%s, %.*s)", e->f[i].name,
					       (int)strlen(sl) - 2, sl);
			else
				len += sprintf(buf + len, ", REC->%s", e->f[i].name);
		}
		len += sprintf(buf + len, "\n");
	}
	e->format = buf;
}

unsigned int la_events(struct la_event **out, int base)
{
	static int built;

	if (!built) {
		for (unsigned int i = 0; i < NR_EVENTS; i++)
			build(&events[i], base + (int)i);
		built = 1;
	}
	*out = events;
	return NR_EVENTS;
}

const struct la_event *la_event(const char *name)
{
	struct la_event *e;
	unsigned int n = la_events(&e, 1000);

	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

int la_field_index(const struct la_event *e, const char *field)
{
	for (unsigned int i = 0; i < e->nf; i++)
		if (!strcmp(e->f[i].name, field))
			return (int)i;
	return -1;
}

unsigned int la_encode(const struct la_event *e, int pid, const uint64_t *vals, unsigned char *buf)
{
	uint16_t type = (uint16_t)e->id;
	int32_t p = pid;

	memset(buf, 0, e->size);
	memcpy(buf, &type, 2);
	memcpy(buf + 4, &p, 4);
	for (unsigned int i = 0; i < e->nf; i++)
		memcpy(buf + e->f[i].off, &vals[i], e->f[i].size);	/* little endian */
	return e->size;
}

const char *la_print_format(void)
{
	return "name: print\nID: 5\nformat:\n"
	       "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	       "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	       "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	       "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	       "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	       "\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n\n"
	       "print fmt: \"%ps: %s\", (void *)REC->ip, REC->buf\n";
}

/* ---- trace.dat of a known scenario ---- */

static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";
static const char header_event[] =
	"# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n\n\tpadding     : type == 29\n\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n\tdata max type_len  == 28\n";

const char *la_header_page(void) { return header_page; }
const char *la_header_event(void) { return header_event; }

void la_cpu_put(struct la_cpu_out *c, uint64_t ts, const void *data, unsigned int len)
{
	int r = tvdat_page_add(&c->p, ts, data, len);

	if (r == 1) {
		tvdat_page_finish(&c->p);
		if (write(c->fd, c->page, sizeof(c->page)) != (ssize_t)sizeof(c->page))
			c->err = errno ? errno : EIO;
		c->size += sizeof(c->page);
		tvdat_page_init(&c->p, c->page, sizeof(c->page));
		r = tvdat_page_add(&c->p, ts, data, len);
	}
	if (r)
		c->err = EINVAL;
}

int la_cpu_flush(struct la_cpu_out *c)
{
	if (c->p.started) {
		tvdat_page_finish(&c->p);
		if (write(c->fd, c->page, sizeof(c->page)) != (ssize_t)sizeof(c->page))
			c->err = EIO;
		c->size += sizeof(c->page);
		c->p.started = 0;
	}
	return c->err;
}

static void emit(struct la_cpu_out *c, uint64_t ts, int pid, const char *name, ...)
{
	const struct la_event *e = la_event(name);
	unsigned char buf[128];
	uint64_t vals[LA_MAX_FIELDS];
	va_list ap;

	va_start(ap, name);
	for (unsigned int i = 0; i < e->nf; i++)
		vals[i] = va_arg(ap, uint64_t);
	va_end(ap);
	la_cpu_put(c, ts, buf, la_encode(e, pid, vals, buf));
}

unsigned int la_marker_encode(unsigned char *buf, const char *text)
{
	uint16_t type = 5;
	int32_t pid = 999;
	size_t n = strlen(text) + 1;

	memset(buf, 0, 16);
	memcpy(buf, &type, 2);
	memcpy(buf + 4, &pid, 4);
	memcpy(buf + 16, text, n);
	return (unsigned int)(16 + n);
}

static void marker(struct la_cpu_out *c, uint64_t ts, const char *text)
{
	unsigned char buf[160];

	la_cpu_put(c, ts, buf, la_marker_encode(buf, text));
}

#define U(x) ((uint64_t)(x))

/* One vCPU's whole run (see the expected counts in run.sh). */
static void vcpu_run(struct la_cpu_out *c, const struct la_scenario *s, int tid, unsigned int vid,
		     unsigned int pcpu, uint64_t t)
{
	const uint64_t D = s->delay_user_ns, pc = 0x9000000000200000ull;

	if (s->late)	/* the trace starts in the middle of a round */
		emit(c, t, tid, "kvm_exit_iocsr", U(vid), U(4), U(1), U(0x1000));
	emit(c, t + 1, tid, "kvm_vcpu_load", U(vid), U(pcpu), U(1));
	emit(c, t + 2, tid, "kvm_exit_cpucfg", U(vid), U(1), U(0x3f2f2fe));
	emit(c, t + 3, tid, "kvm_exit_cache", U(vid), U(8), pc);
	emit(c, t + 4, tid, "kvm_hypercall", U(vid), U(0x101), U(0));
	emit(c, t + 5, tid, "kvm_timer", U(vid), U(0), U(0), U(100000));
	emit(c, t + 6, tid, "kvm_aux", U(vid), U(1), U(1), pc);
	emit(c, t + 7, tid, "kvm_vpid_rollover", U(vid), U(pcpu), U(2));
	emit(c, t + 8, tid, "kvm_vcpu_put", U(vid), U(pcpu));
	emit(c, t + 10, tid, "kvm_enter", U(vid), pc);
	for (unsigned int r = 0; r < s->rounds; r++) {
		uint64_t t1;

		emit(c, t + 1000, tid, "kvm_exit", U(vid), U(22), U(0), pc, U(0));
		emit(c, t + 1100, tid, "kvm_exit_gspr", U(vid), U(0), U(0x04000400), pc);
		emit(c, t + 1200, tid, "kvm_exit_csr", U(vid), U(0x41), U(1), U(0));
		emit(c, t + 1800, tid, "kvm_reenter", U(vid), pc);
		emit(c, t + 3000, tid, "kvm_exit", U(vid), U(1), U(0), pc, U(0x120000000ull));
		emit(c, t + 3100, tid, "kvm_gpa_fault", U(vid), U(1), U(0), U(0), U(0), U(0), U(0),
		     U(0x120000000ull));
		emit(c, t + 3500, tid, "kvm_reenter", U(vid), pc);
		emit(c, t + 5000, tid, "kvm_exit", U(vid), U(22), U(0), pc, U(0));
		emit(c, t + 5100, tid, "kvm_exit_gspr", U(vid), U(2), U(0x06480000), pc);
		emit(c, t + 5200, tid, "kvm_exit_iocsr", U(vid), U(4), U(1), U(0x1000));
		emit(c, t + 5300, tid, "kvm_out", U(vid), U(38), pc);
		t1 = t + 5300 + D;
		emit(c, t1, tid, "kvm_enter", U(vid), pc);
		emit(c, t1 + 1000, tid, "kvm_irq", U(vid), U(0), U(11), U(2));
		emit(c, t1 + 1400, tid, "kvm_exit", U(vid), U(0), U(0), pc, U(0));
		emit(c, t1 + 1500, tid, "kvm_irq", U(vid), U(2), U(11), U(2));
		emit(c, t1 + 1600, tid, "kvm_reenter", U(vid), pc);
		emit(c, t1 + 3000, tid, "kvm_exit", U(vid), U(22), U(0), pc, U(0));
		emit(c, t1 + 3100, tid, "kvm_exit_gspr", U(vid), U(3), U(0x06488000), pc);
		emit(c, t1 + 3200, tid, "kvm_exit_idle", U(vid), pc);
		emit(c, t1 + 53200, tid, "kvm_reenter", U(vid), pc);
		emit(c, t1 + 60000, tid, "kvm_exit", U(vid), U(2), U(0), pc, U(0x1fe00000));
		emit(c, t1 + 60100, tid, "kvm_exit_mmio", U(vid), U(8), U(0), U(0x1fe00000));
		emit(c, t1 + 60200, tid, "kvm_out", U(vid), U(6), pc);
		t1 += 60200 + D;
		emit(c, t1, tid, "kvm_enter", U(vid), pc);
		if (r % 4 == 3)
			emit(c, t1 + 1000, tid, "kvm_tlb_flush", U(vid), U(1), U(3), U(0x120000000ull));
		if (r % 16 == 15)
			emit(c, t1 + 2000, tid, "kvm_vpid_change", U(vid), U(pcpu), U(1), U(r), U(r + 1));
		t = t1 + 5000;
	}
}

/* One vCPU's exits of known latencies (s->lat_ns): exit, re-entry lat_ns[i] later, 1 us in the guest. */
static void lat_run(struct la_cpu_out *c, const struct la_scenario *s, int tid, unsigned int vid,
		    unsigned int pcpu, uint64_t t)
{
	const uint64_t pc = 0x9000000000200000ull;

	emit(c, t, tid, "kvm_vcpu_load", U(vid), U(pcpu), U(1));
	emit(c, t + 10, tid, "kvm_enter", U(vid), pc);
	t += 1000;
	for (size_t i = 0; i < s->nr_lat_ns; i++) {
		emit(c, t, tid, "kvm_exit", U(vid), U(1), U(0), pc, U(0x120000000ull));
		emit(c, t, tid, "kvm_irq", U(vid), U(0), U(11), U(2));
		t += s->lat_ns[i];
		emit(c, t, tid, "kvm_irq", U(vid), U(2), U(11), U(2));
		emit(c, t, tid, "kvm_reenter", U(vid), pc);
		t += 1000;
	}
}

/*
 * One vCPU in the states of s->segs from s->first_ts: g re-enters the guest;
 * k is an exit (TLBL, ecode 1) handled in the kernel; h an idle exit (GSPR,
 * kvm_exit_idle): halted; u an exit to userspace (TLBS as MMIO, kvm_out).
 * Every segment but g begins one exit.  A re-entry at the end closes the last.
 */
static void seg_run(struct la_cpu_out *c, const struct la_scenario *s, int tid, unsigned int vid,
		    unsigned int pcpu, uint64_t t)
{
	const uint64_t pc = 0x9000000000200000ull;

	(void)pcpu;
	t = s->first_ts;
	for (size_t i = 0; i < s->nr_segs; i++) {
		switch (s->segs[i].st) {
		case 'g':
			emit(c, t, tid, "kvm_reenter", U(vid), pc);
			break;
		case 'k':
			emit(c, t, tid, "kvm_exit", U(vid), U(1), U(0), pc, U(0x120000000ull));
			break;
		case 'h':
			emit(c, t, tid, "kvm_exit", U(vid), U(22), U(0), pc, U(0));
			emit(c, t, tid, "kvm_exit_gspr", U(vid), U(3), U(0x06488000), pc);
			emit(c, t, tid, "kvm_exit_idle", U(vid), pc);
			break;
		default:
			emit(c, t, tid, "kvm_exit", U(vid), U(2), U(0), pc, U(0x1fe00000));
			emit(c, t, tid, "kvm_exit_mmio", U(vid), U(8), U(0), U(0x1fe00000));
			emit(c, t, tid, "kvm_out", U(vid), U(6), pc);
			break;
		}
		t += s->segs[i].ns;
	}
	emit(c, t, tid, "kvm_reenter", U(vid), pc);
}

/* The identity markers, on CPU 0 from mark_ts; the vCPU threads' names into cmdlines. */
static size_t markers(struct la_cpu_out *cpus, const struct la_scenario *s, uint64_t mark_ts,
		      char *cmdlines, size_t size)
{
	size_t cl = 0;

	for (unsigned int m = 0; m < s->vms; m++) {
		char text[128];
		int tgid = 1000 + 100 * (int)m;

		snprintf(text, sizeof(text), "kvmla-vm tgid=%d name=la-vm-%u\n", tgid, m);
		marker(&cpus[0], mark_ts + m * 10, text);
		for (unsigned int v = 0; v < s->vcpus_per_vm; v++) {
			snprintf(text, sizeof(text), "kvmla-thread tid=%d tgid=%d\n", tgid + 1 + (int)v, tgid);
			marker(&cpus[0], mark_ts + m * 10 + v + 1, text);
			cl += snprintf(cmdlines + cl, size - cl, "%d CPU %u/KVM\n", tgid + 1 + (int)v, v);
		}
	}
	return cl;
}

/* name is in the comma-separated list (NULL: every name is) */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
	return !list;
}

int la_write_trace(const char *path, const struct la_scenario *s, char *err, size_t errlen)
{
	unsigned int nv = s->vms * s->vcpus_per_vm, nf;
	struct la_cpu_out *cpus = calloc(nv, sizeof(*cpus));
	struct tvdat_cpu *tc = calloc(nv, sizeof(*tc));
	struct tvdat_fmt *fmts;
	struct la_event *evs;
	unsigned int ne = la_events(&evs, 1000);
	char cmdlines[8192] = "", tmpl[4200];
	size_t cl = 0;
	int out, rc;

	fmts = calloc(ne + 1, sizeof(*fmts));
	if (!cpus || !tc || !fmts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nf = 0;
	for (unsigned int i = 0; i < ne; i++)
		if (listed(s->only, evs[i].name))
			fmts[nf++] = (struct tvdat_fmt){ "kvm", evs[i].format, strlen(evs[i].format) };
	fmts[nf++] = (struct tvdat_fmt){ "ftrace", la_print_format(), strlen(la_print_format()) };
	for (unsigned int c = 0; c < nv; c++) {
		snprintf(tmpl, sizeof(tmpl), "%s.cpu%u.XXXXXX", path, c);
		cpus[c].fd = mkstemp(tmpl);
		if (cpus[c].fd < 0) {
			snprintf(err, errlen, "%s: %s", tmpl, strerror(errno));
			return -1;
		}
		unlink(tmpl);
		tvdat_page_init(&cpus[c].p, cpus[c].page, sizeof(cpus[c].page));
	}
	/* identity markers on CPU 0 first, and then the vCPUs' runs (each on its own CPU) */
	if (!s->late)
		cl = markers(cpus, s, 1000000, cmdlines, sizeof(cmdlines));
	for (unsigned int m = 0; m < s->vms; m++)
		for (unsigned int v = 0; v < s->vcpus_per_vm; v++) {
			unsigned int c = m * s->vcpus_per_vm + v;

			(s->nr_segs ? seg_run : s->nr_lat_ns ? lat_run : vcpu_run)(&cpus[c], s, 1000 + 100 * (int)m + 1 + (int)v,
							    v, c, 2000000 + 7 * c);
		}
	/* late: the markers after everything (a round lasts 70.5 us + 2 delays) */
	if (s->late)
		cl = markers(cpus, s, 2000000 + 7 * nv + 10000 +
			     (uint64_t)s->rounds * (70500 + 2 * s->delay_user_ns), cmdlines, sizeof(cmdlines));
	for (unsigned int c = 0; c < nv; c++) {
		if (la_cpu_flush(&cpus[c])) {
			snprintf(err, errlen, "writing pages: %s", strerror(cpus[c].err));
			return -1;
		}
		tc[c] = (struct tvdat_cpu){ NULL, cpus[c].fd, cpus[c].size };
	}
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct tvdat_info info = {
		.page_size = 4096,
		.header_page = header_page, .header_page_len = strlen(header_page),
		.header_event = header_event, .header_event_len = strlen(header_event),
		.fmts = fmts, .nr_fmts = nf,
		.printk = "", .printk_len = 0,
		.cmdlines = cmdlines, .cmdlines_len = cl,
		.clock = "local", .nr_cpus = nv, .cpus = tc,
	};
	rc = tvdat_write(out, &info, err, errlen);
	if (close(out) && !rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	for (unsigned int c = 0; c < nv; c++)
		close(cpus[c].fd);
	free(cpus);
	free(tc);
	free(fmts);
	return rc;
}

/*
 * A trace of known page contents, for cutting: ncpu CPUs of pages pages
 * each, every page holding exactly per_page kvm_exit records (GSPR, vcpu_id
 * = the CPU, tid 1001 + CPU) at 1 ms + 7 ns * CPU + 100 ns * i (i: the
 * record's index on its CPU).  Returns the bytes of one record (header and
 * data) in *rec_bytes, or -1 with err.
 */
int la_write_uniform(const char *path, unsigned int ncpu, unsigned int pages, unsigned int per_page,
		     unsigned int *rec_bytes, char *err, size_t errlen)
{
	const struct la_event *e = la_event("kvm_exit");
	struct la_cpu_out *cpus = calloc(ncpu, sizeof(*cpus));
	struct tvdat_cpu *tc = calloc(ncpu, sizeof(*tc));
	struct tvdat_fmt fmt = { "kvm", e->format, strlen(e->format) };
	unsigned char rec[128];
	unsigned int len;
	int out, rc;

	if (!cpus || !tc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*rec_bytes = 4 + ((la_encode(e, 0, (uint64_t[LA_MAX_FIELDS]){ 0 }, rec) + 3) & ~3u);
	if ((uint64_t)per_page * *rec_bytes > sizeof(cpus->page) - 16 || !per_page || !ncpu) {
		snprintf(err, errlen, "%u records of %u bytes do not fit a page", per_page, *rec_bytes);
		return -1;
	}
	for (unsigned int c = 0; c < ncpu; c++) {
		char tmpl[4200];

		snprintf(tmpl, sizeof(tmpl), "%s.cpu%u.XXXXXX", path, c);
		cpus[c].fd = mkstemp(tmpl);
		if (cpus[c].fd < 0) {
			snprintf(err, errlen, "%s: %s", tmpl, strerror(errno));
			return -1;
		}
		unlink(tmpl);
		for (unsigned int p = 0; p < pages; p++) {
			tvdat_page_init(&cpus[c].p, cpus[c].page, sizeof(cpus[c].page));
			for (unsigned int i = 0; i < per_page; i++) {
				uint64_t n = (uint64_t)p * per_page + i, vals[LA_MAX_FIELDS] = { c, 22, 0, 0, 0 };

				len = la_encode(e, 1001 + (int)c, vals, rec);
				if (tvdat_page_add(&cpus[c].p, 1000000 + 7 * c + 100 * n, rec, len))
					cpus[c].err = EINVAL;
			}
			tvdat_page_finish(&cpus[c].p);
			if (write(cpus[c].fd, cpus[c].page, 4096) != 4096)
				cpus[c].err = EIO;
		}
		if (cpus[c].err) {
			snprintf(err, errlen, "writing pages: %s", strerror(cpus[c].err));
			return -1;
		}
		tc[c] = (struct tvdat_cpu){ NULL, cpus[c].fd, (uint64_t)pages * 4096 };
	}
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct tvdat_info info = {
		.page_size = 4096,
		.header_page = header_page, .header_page_len = strlen(header_page),
		.header_event = header_event, .header_event_len = strlen(header_event),
		.fmts = &fmt, .nr_fmts = 1, .printk = "", .cmdlines = "", .clock = "local",
		.nr_cpus = ncpu, .cpus = tc,
	};
	rc = tvdat_write(out, &info, err, errlen);
	if (close(out) && !rc)
		rc = -1;
	for (unsigned int c = 0; c < ncpu; c++)
		close(cpus[c].fd);
	free(cpus);
	free(tc);
	return rc;
}
