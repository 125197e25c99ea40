// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the e2e test host (LoongArch, static, no libc, raw syscalls).
 *
 *  1. mounts devtmpfs, proc, sysfs and tracefs;
 *  2. loads /kvm.ko with finit_module and prints the result and the kernel's
 *     log lines written meanwhile (/dev/kmsg);
 *  3. prints what the load left behind: /dev/kvm, /proc/modules, events/kvm;
 *  4. when loaded: enables every event of events/kvm, runs /la-vmm with the
 *     arguments of kvmla.vmm= (kernel command line; split at ',' or spaces),
 *     disables tracing and prints the number of records per event, counted by
 *     walking the binary ring-buffer pages of per_cpu/cpuN/trace_pipe_raw
 *     (layout from events/header_page and events/header_event; event ids
 *     from events/kvm/<event>/format);
 *  5. with kvmla.snap=1 on the command line, sends the tracefs snapshot
 *     `trace-viewer import` reads (header files, the enabled events' formats,
 *     every raw page) as E2E-SNAP lines (tests/e2e/snapshot.py rebuilds it);
 *  6. unloads kvm (delete_module) and powers off.
 * A VMM still running after kvmla.vmm_timeout seconds (default 20) is given
 * up: the report then also holds the last lines of the text trace
 * (E2E-TRACE-TAIL), and kvm is not unloaded.
 *
 * Every line meant for the runner starts with "E2E-"; see docs/e2e.md.
 * kvmla.noload=1 on the command line skips the load (a boot smoke test).
 * kvmla.trace=0 leaves the kvm events disabled while the VMM runs (its
 * E2E-TRACE counts are then 0; sched_switch is still counted), so that
 * an exit costs what the module costs untraced (bench/exit-cost.sh).
 */
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/types.h>
#include <linux/wait.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- syscalls ---------------------------------------------------------- */

/* sys0() .. sys6(): la-vmm's raw syscall wrappers (tests/e2e/vmm/sys.h). */
#include "sys.h"

static long xopen(const char *p, int fl) { return sys4(__NR_openat, AT_FDCWD, p, fl, 0); }
static long xread(int fd, void *b, size_t n) { return sys3(__NR_read, fd, b, n); }
static long xwrite(int fd, const void *b, size_t n) { return sys3(__NR_write, fd, b, n); }
static void xclose(int fd) { sys1(__NR_close, fd); }

/* ---- small libc -------------------------------------------------------- */

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int seq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int sprefix(const char *s, const char *pre)
{
	while (*pre)
		if (*s++ != *pre++)
			return 0;
	return 1;
}

/* Output is collected in one line buffer and written with one write(). */
static char obuf[1024];
static size_t olen;

static void oflush(void)
{
	if (olen)
		xwrite(1, obuf, olen);
	olen = 0;
}

static void ochar(char c)
{
	if (olen == sizeof(obuf))
		oflush();
	obuf[olen++] = c;
}

static void ostr(const char *s)
{
	while (*s)
		ochar(*s++);
}

static void onum(long v)
{
	char t[24];
	int i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		t[i++] = '0' + u % 10;
	while ((u /= 10));
	if (v < 0)
		t[i++] = '-';
	while (i)
		ochar(t[--i]);
}

static void oline(const char *s)
{
	ostr(s);
	ostr("\n");
	oflush();
}

#define E(x) [x] = #x
static const char *const errnames[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(ENODEV), E(ENOTDIR), E(EISDIR),
	E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG), E(ENOSPC),
	E(ESPIPE), E(EROFS), E(ERANGE), E(ENOSYS), E(EOPNOTSUPP),
	E(ENOKEY), E(EKEYREJECTED), E(EBADMSG), E(ETIMEDOUT),
};

/* "0" or "-19 ENODEV" */
static void oerr(long rc)
{
	onum(rc);
	if (rc < 0 && -rc < (long)ARRAY_SIZE(errnames) && errnames[-rc]) {
		ostr(" ");
		ostr(errnames[-rc]);
	}
}

/* ---- files ------------------------------------------------------------- */

/* Reads a whole (small) file into buf, NUL-terminated; returns its length. */
static long slurp(const char *path, char *buf, size_t size)
{
	long fd = xopen(path, O_RDONLY), n, got = 0;

	if (fd < 0)
		return fd;
	while (got < (long)size - 1 && (n = xread(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	xclose(fd);
	buf[got] = 0;
	return got;
}

static long put(const char *path, const char *s)
{
	long fd = xopen(path, O_WRONLY | O_TRUNC), rc;

	if (fd < 0)
		return fd;
	rc = xwrite(fd, s, slen(s));
	xclose(fd);
	return rc < 0 ? rc : 0;
}

static int exists(const char *path)
{
	long fd = xopen(path, O_RDONLY | O_PATH);

	if (fd < 0)
		return 0;
	xclose(fd);
	return 1;
}

static void mnt(const char *src, const char *dst, const char *type)
{
	long rc;

	sys3(__NR_mkdirat, AT_FDCWD, dst, 0755);
	rc = sys5(__NR_mount, src, dst, type, 0, NULL);
	if (rc < 0 && rc != -EBUSY) {
		ostr("E2E-MOUNT: ");
		ostr(dst);
		ostr(" ");
		oerr(rc);
		oline("");
	}
}

static void spath(char *d, size_t size, const char *a, const char *b, const char *c)
{
	size_t n = 0;
	const char *parts[3] = { a, b, c };

	for (int i = 0; i < 3; i++)
		for (const char *p = parts[i]; p && *p && n < size - 1; p++)
			d[n++] = *p;
	d[n] = 0;
}

/* ---- kernel log -------------------------------------------------------- */

static long kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = xopen("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		sys3(__NR_lseek, kmsg_fd, 0, 2 /* SEEK_END */);
}

/* Prints every record logged since the last call: "E2E-KLOG: text". */
static int kmsg_drain(void)
{
	static char rec[2048];
	int lines = 0;
	long n;

	if (kmsg_fd < 0)
		return -1;
	while ((n = xread(kmsg_fd, rec, sizeof(rec) - 1)) > 0 || n == -EPIPE) {
		char *p = rec, *end;

		if (n < 0)
			continue; /* overwritten records: next read resyncs */
		rec[n] = 0;
		while (*p && *p != ';')
			p++;
		if (*p)
			p++;
		for (end = p; *end && *end != '\n'; end++)
			;
		*end = 0;
		ostr("E2E-KLOG: ");
		ostr(p);
		oline("");
		lines++;
	}
	return lines;
}

/* ---- the kernel command line ------------------------------------------ */

static char cmdline[4096];
static char *vmm_argv[64];

/* Value of "name=" in /proc/cmdline (quotes removed), or NULL. */
static char *cmdline_get(const char *name)
{
	static char vals[4][1024];
	static int nvals;
	size_t nl = slen(name);
	char *p = cmdline;

	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (sprefix(p, name) && p[nl] == '=') {
			char *v = vals[nvals++ & 3];
			size_t n = 0;
			int q = 0;

			for (p += nl + 1; *p && *p != '\n' && (q || *p != ' '); p++) {
				if (*p == '"')
					q = !q;
				else if (n < sizeof(vals[0]) - 1)
					v[n++] = *p;
			}
			v[n] = 0;
			return v;
		}
		while (*p && *p != ' ' && *p != '\n') {
			if (*p == '"')
				for (p++; *p && *p != '"'; p++)
					;
			if (*p)
				p++;
		}
	}
	return NULL;
}

/* ---- tracefs ----------------------------------------------------------- */

#define TR "/sys/kernel/tracing"
#define MAX_EV 128

#define MAX_HIST 64

/*
 * Per event: the record count, and for the first field of the event named
 * in hist_fields a histogram of its values (kvm_exit by ecode, kvm_out by
 * exit reason, kvm_exit_gspr by instruction word).
 */
static const char *const hist_fields[] = { "reason", "exit_reason", "inst_word" };

static struct {
	int id;
	long count;
	char name[64];
	const char *hfield;
	long hoff, hsize;
	int nhist;
	struct {
		__u64 value;
		long count;
	} hist[MAX_HIST];
	long hist_other;
} ev[MAX_EV];
static int nev;
static long unknown_records, bad_pages, missed_pages;

struct linux_dirent64 {
	__u64 d_ino;
	__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Calls fn(name) for each entry of a directory (not "." and ".."). */
static void for_dir(const char *path, void (*fn)(const char *))
{
	static char dbuf[8192];
	long fd = xopen(path, O_RDONLY | O_DIRECTORY), n;

	if (fd < 0)
		return;
	while ((n = sys3(__NR_getdents64, fd, dbuf, sizeof(dbuf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(dbuf + off);

			off += d->d_reclen;
			if (!seq(d->d_name, ".") && !seq(d->d_name, ".."))
				fn(d->d_name);
		}
	}
	xclose(fd);
}

static long parse_num(const char *s)
{
	long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* A line "\tfield:TYPE NAME;\toffset:N;\tsize:N;..." of a format file. */
static int format_field(const char *fmt, const char *name, long *off, long *size)
{
	size_t nl = slen(name);

	for (const char *s = fmt; *s; s++) {
		const char *e;

		if (!sprefix(s, "field:"))
			continue;
		for (e = s; *e && *e != ';' && *e != '\n'; e++)
			;
		if (*e != ';' || e - s < (long)nl + 1 || e[-1 - (long)nl] != ' ' ||
		    !sprefix(e - nl, name))
			continue;
		*off = -1;
		*size = -1;
		for (; *e && *e != '\n'; e++) {
			if (sprefix(e, "offset:"))
				*off = parse_num(e + 7);
			if (sprefix(e, "size:"))
				*size = parse_num(e + 5);
		}
		return *off >= 0 && *size > 0 && *size <= 8 ? 0 : -1;
	}
	return -1;
}

static void hist_setup(const char *fmt)
{
	for (int i = 0; i < (int)ARRAY_SIZE(hist_fields); i++)
		if (!format_field(fmt, hist_fields[i], &ev[nev].hoff, &ev[nev].hsize)) {
			ev[nev].hfield = hist_fields[i];
			return;
		}
}

/*
 * The event's id is the "ID: N" line of its format file (the separate "id"
 * file exists only with CONFIG_PERF_EVENTS).
 */
static void ev_add(const char *name)
{
	static char fmt[4096];
	char p[256];

	spath(p, sizeof(p), TR "/events/kvm/", name, "/format");
	if (nev == MAX_EV || slurp(p, fmt, sizeof(fmt)) <= 0)
		return;	/* "enable", "filter": no format file */
	for (char *s = fmt; *s; s++)
		if ((s == fmt || s[-1] == '\n') && sprefix(s, "ID: ")) {
			ev[nev].id = (int)parse_num(s + 4);
			spath(ev[nev].name, sizeof(ev[nev].name), name, NULL, NULL);
			hist_setup(fmt);
			nev++;
			return;
		}
}

/*
 * sched:sched_switch, to count how often the VMM's threads were switched
 * out (prev_comm "la-vmm", whatever prev_state): kvm's preempt notifier puts
 * a vCPU at every switch-out, preempted or blocking, so it loses its
 * FPU/LSX and its next use traps again.
 */
static int sw_id = -1;
static long sw_comm_off = -1;
static long vmm_switched_out, sw_records;

static void sched_setup(void)
{
	static char fmt[4096];

	if (slurp(TR "/events/sched/sched_switch/format", fmt, sizeof(fmt)) <= 0)
		return;
	for (char *s = fmt; *s; s++) {
		if ((s == fmt || s[-1] == '\n') && sprefix(s, "ID: "))
			sw_id = (int)parse_num(s + 4);
		if (sprefix(s, " prev_comm[")) {
			for (char *e = s; *e && *e != '\n'; e++)
				if (sprefix(e, "offset:"))
					sw_comm_off = parse_num(e + 7);
		}
	}
	if (sw_comm_off < 0)
		sw_id = -1;
}

static void sched_rec(const unsigned char *data, long dlen)
{
	sw_records++;
	if (sw_comm_off + 7 > dlen)
		return;
	if (sprefix((const char *)data + sw_comm_off, "la-vmm"))
		vmm_switched_out++;
}

/* "offset:N;" and "size:N;" of the line naming field in a header file. */
static int field_of(const char *text, const char *field, long *off, long *size)
{
	for (const char *p = text; *p; p++) {
		if (!sprefix(p, field))
			continue;
		for (; *p && *p != '\n'; p++) {
			if (sprefix(p, "offset:"))
				*off = parse_num(p + 7);
			if (sprefix(p, "size:"))
				*size = parse_num(p + 5);
		}
		return 0;
	}
	return -1;
}

static long pg_data_off, pg_data_size, pg_commit_size = 8;
static unsigned char page[65536];

static void hist_add(int i, const unsigned char *data, long dlen)
{
	__u64 v = 0;
	int h;

	if (!ev[i].hfield)
		return;
	if (ev[i].hoff + ev[i].hsize > dlen) {
		ev[i].hist_other++;
		return;
	}
	for (int b = 0; b < ev[i].hsize; b++)
		v |= (__u64)data[ev[i].hoff + b] << (8 * b);
	for (h = 0; h < ev[i].nhist; h++)
		if (ev[i].hist[h].value == v)
			break;
	if (h == ev[i].nhist) {
		if (h == MAX_HIST) {
			ev[i].hist_other++;
			return;
		}
		ev[i].nhist++;
		ev[i].hist[h].value = v;
	}
	ev[i].hist[h].count++;
}

static void count_rec(const unsigned char *data, long dlen)
{
	int id = data[0] | data[1] << 8;

	if (id == sw_id) {
		sched_rec(data, dlen);
		return;
	}
	for (int i = 0; i < nev; i++)
		if (ev[i].id == id) {
			ev[i].count++;
			hist_add(i, data, dlen);
			return;
		}
	unknown_records++;
}

static __u32 rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

/*
 * One ring-buffer page: a header (timestamp, commit = bytes of data, with
 * flag bits above bit 30), then events.  An event starts with a u32:
 * type_len in bits 4:0, time_delta in bits 31:5 (header_event).
 *   type_len 1..28: data of type_len*4 bytes follows the u32
 *   type_len 0: a u32 length (counting itself) follows, then the data
 *   29 padding (delta 0: the rest of the page), 30 time extend, 31 time stamp
 * The data begins with the u16 common_type = the event id.
 */
static void walk_page(long len)
{
	__u64 commit = 0;
	long end, off;

	if (len < pg_data_off)
		return;
	for (int i = 0; i < pg_commit_size && i < 8; i++)
		commit |= (__u64)page[8 + i] << (8 * i);
	if (commit & (3ull << 30))
		missed_pages++;
	end = pg_data_off + (long)(commit & 0x3fffffffull);
	if (end > len) {
		bad_pages++;
		end = len;
	}
	for (off = pg_data_off; off + 4 <= end;) {
		__u32 h = rd32(page + off);
		unsigned int type = h & 31;
		long data, dlen;

		if (type == 29) {
			if ((h >> 5) == 0 || off + 8 > end)
				break;
			off += 4 + rd32(page + off + 4);
			continue;
		}
		if (type == 30 || type == 31) {
			off += 8;
			continue;
		}
		if (type == 0) {
			if (off + 8 > end)
				break;
			dlen = (long)rd32(page + off + 4) - 4;
			data = off + 8;
		} else {
			dlen = type * 4;
			data = off + 4;
		}
		if (dlen < 2 || data + dlen > end) {
			bad_pages++;
			break;
		}
		count_rec(page + data, dlen);
		off = data + dlen;
	}
}

/*
 * The snapshot: "E2E-SNAP: PATH OFFSET LEN BASE64" lines of at most
 * SNAP_CHUNK bytes, in order, then "E2E-SNAP-SIZE: PATH SIZE".  Bytes not
 * sent are zero (a page's unused tail).  A line garbled on the console
 * breaks the offset chain, which snapshot.py reports.
 */
#define SNAP_CHUNK 48
static int snap;
static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void snap_bytes(const char *path, long base, const unsigned char *p, long n)
{
	for (long off = 0; off < n; off += SNAP_CHUNK) {
		long len = n - off < SNAP_CHUNK ? n - off : SNAP_CHUNK;

		ostr("E2E-SNAP: ");
		ostr(path);
		ostr(" ");
		onum(base + off);
		ostr(" ");
		onum(len);
		ostr(" ");
		for (long i = 0; i < len; i += 3) {
			const unsigned char *q = p + off + i;
			__u32 v = (__u32)q[0] << 16 | (i + 1 < len ? q[1] << 8 : 0) |
				  (i + 2 < len ? q[2] : 0);

			ochar(b64[v >> 18 & 63]);
			ochar(b64[v >> 12 & 63]);
			ochar(i + 1 < len ? b64[v >> 6 & 63] : '=');
			ochar(i + 2 < len ? b64[v & 63] : '=');
		}
		oline("");
	}
}

static void snap_size(const char *path, long size)
{
	ostr("E2E-SNAP-SIZE: ");
	ostr(path);
	ostr(" ");
	onum(size);
	oline("");
}

/* A tracefs text file, by its path under the tracefs root. */
static void snap_file(const char *rel)
{
	static char buf[16384];
	char p[256];
	long n;

	spath(p, sizeof(p), TR "/", rel, NULL);
	n = slurp(p, buf, sizeof(buf));
	if (n < 0)
		return;
	snap_bytes(rel, 0, (const unsigned char *)buf, n);
	snap_size(rel, n);
}

/* One raw page, without its zero tail. */
static void snap_page(const char *rel, long base, long n)
{
	long used = n;

	while (used > 0 && !page[used - 1])
		used--;
	snap_bytes(rel, base, page, used);
}

static long lost_events;

static void count_cpu(const char *cpu)
{
	char p[256], stats[1024];
	long fd, n, size = 0;

	spath(p, sizeof(p), TR "/per_cpu/", cpu, "/trace_pipe_raw");
	fd = xopen(p, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	spath(p, sizeof(p), "per_cpu/", cpu, "/trace_pipe_raw");
	while ((n = xread(fd, page, pg_data_off + pg_data_size)) > 0) {
		walk_page(n);
		if (snap)
			snap_page(p, size, n);
		size += n;
	}
	xclose(fd);
	if (snap)
		snap_size(p, size);
	spath(p, sizeof(p), TR "/per_cpu/", cpu, "/stats");
	if (slurp(p, stats, sizeof(stats)) > 0)
		for (char *s = stats; *s; s++)
			if ((s == stats || s[-1] == '\n') &&
			    (sprefix(s, "overrun:") || sprefix(s, "dropped events:"))) {
				while (*s != ':')
					s++;
				lost_events += parse_num(s + 1);
			}
}

/* The last TAIL_LINES lines of the text "trace" file (not consuming). */
#define TAIL_LINES 40
static char tail_buf[TAIL_LINES][200];

static void trace_tail(void)
{
	static char chunk[8192];
	long fd = xopen(TR "/trace", O_RDONLY), n, lines = 0;
	size_t col = 0;

	if (fd < 0)
		return;
	while ((n = xread(fd, chunk, sizeof(chunk))) > 0)
		for (long i = 0; i < n; i++) {
			char *l = tail_buf[lines % TAIL_LINES];

			if (chunk[i] == '\n') {
				l[col < sizeof(tail_buf[0]) ? col : sizeof(tail_buf[0]) - 1] = 0;
				if (l[0] != '#')
					lines++;
				col = 0;
			} else if (col < sizeof(tail_buf[0]) - 1) {
				l[col++] = chunk[i];
			}
		}
	xclose(fd);
	for (long i = lines > TAIL_LINES ? lines - TAIL_LINES : 0; i < lines; i++) {
		ostr("E2E-TRACE-TAIL: ");
		ostr(tail_buf[i % TAIL_LINES]);
		oline("");
	}
}

static void trace_report(void)
{
	static char hdr[2048];

	if (slurp(TR "/events/header_page", hdr, sizeof(hdr)) <= 0 ||
	    field_of(hdr, "field: char data", &pg_data_off, &pg_data_size) ||
	    field_of(hdr, "field: local_t commit", &(long){ 0 }, &pg_commit_size) ||
	    pg_data_off + pg_data_size > (long)sizeof(page)) {
		oline("E2E-TRACE-ERROR: cannot read events/header_page");
		return;
	}
	if (snap) {
		char p[256];

		snap_file("events/header_page");
		snap_file("events/header_event");
		snap_file("trace_clock");
		snap_file("saved_cmdlines");
		for (int i = 0; i < nev; i++) {
			spath(p, sizeof(p), "events/kvm/", ev[i].name, "/format");
			snap_file(p);
		}
		if (sw_id >= 0)
			snap_file("events/sched/sched_switch/format");
	}
	for_dir(TR "/per_cpu", count_cpu);
	oline("E2E-TRACE-BEGIN");
	for (int i = 0; i < nev; i++) {
		ostr("E2E-TRACE: ");
		ostr(ev[i].name);
		ostr(" ");
		onum(ev[i].count);
		oline("");
		for (int h = 0; h < ev[i].nhist; h++) {
			ostr("E2E-HIST: ");
			ostr(ev[i].name);
			ostr(" ");
			ostr(ev[i].hfield);
			ostr(" ");
			onum((long)ev[i].hist[h].value);
			ostr(" ");
			onum(ev[i].hist[h].count);
			oline("");
		}
		if (ev[i].hist_other) {
			ostr("E2E-HIST: ");
			ostr(ev[i].name);
			ostr(" ");
			ostr(ev[i].hfield);
			ostr(" other ");
			onum(ev[i].hist_other);
			oline("");
		}
	}
	if (sw_id >= 0) {
		ostr("E2E-PREEMPT: la-vmm ");
		onum(vmm_switched_out);
		ostr(" of ");
		onum(sw_records);
		oline(" switches");
	}
	ostr("E2E-TRACE-META: events ");
	onum(nev);
	ostr(" unknown ");
	onum(unknown_records);
	ostr(" lost ");
	onum(lost_events);
	ostr(" missed_pages ");
	onum(missed_pages);
	ostr(" bad_pages ");
	onum(bad_pages);
	oline("");
	oline("E2E-TRACE-END");
}

/* ---- the VMM ----------------------------------------------------------- */

static long run_vmm(void)
{
	static char *envp[] = { "PATH=/", NULL };
	char *v = cmdline_get("kvmla.vmm");
	int argc = 0;
	long pid, rc;
	int status = 0;

	vmm_argv[argc++] = "/la-vmm";
	if (v) {
		char *p = v;

		while (*p && argc < (int)ARRAY_SIZE(vmm_argv) - 1) {
			while (*p == ',' || *p == ' ')
				*p++ = 0;
			if (!*p)
				break;
			vmm_argv[argc++] = p;
			while (*p && *p != ',' && *p != ' ')
				p++;
		}
	}
	vmm_argv[argc] = NULL;
	ostr("E2E-VMM-ARGS:");
	for (int i = 0; i < argc; i++) {
		ostr(" ");
		ostr(vmm_argv[i]);
	}
	oline("");
	oline("E2E-VMM-BEGIN");
	pid = sys5(__NR_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0) {
		rc = sys3(__NR_execve, vmm_argv[0], vmm_argv, envp);
		ostr("E2E-VMM-EXEC: ");
		oerr(rc);
		oline("");
		sys1(__NR_exit, 127);
	}
	if (pid < 0) {
		oline("E2E-VMM-END");
		return pid;
	}
	/* Poll every 100 ms, so that a VMM stuck in KVM_RUN cannot hold the
	 * report back: after kvmla.vmm_timeout seconds (default 20) it is
	 * given up (and SIGKILLed, which a looping KVM_RUN may ignore). */
	{
		char *t = cmdline_get("kvmla.vmm_timeout");
		long limit = (t ? parse_num(t) : 20) * 10, polls = 0;
		struct { long sec, nsec; } tick = { 0, 100000000 };

		for (;;) {
			rc = sys4(__NR_wait4, pid, &status, WNOHANG, NULL);
			if (rc == pid || (rc < 0 && rc != -EINTR))
				break;
			if (++polls > limit) {
				sys2(__NR_kill, pid, SIGKILL);
				oline("E2E-VMM-END");
				ostr("E2E-VMM-EXIT: timeout ");
				onum(limit / 10);
				oline("");
				return 1;
			}
			sys2(__NR_nanosleep, &tick, NULL);
		}
	}
	oline("E2E-VMM-END");
	ostr("E2E-VMM-EXIT: ");
	if (rc < 0) {
		oerr(rc);
	} else if ((status & 0x7f) == 0) {
		ostr("status ");
		onum((status >> 8) & 0xff);
	} else {
		ostr("signal ");
		onum(status & 0x7f);
	}
	oline("");
	return 0;
}

/* ---- what the load left behind ---------------------------------------- */

static void report_state(const char *when)
{
	static char mods[8192];
	int listed = 0;

	if (slurp("/proc/modules", mods, sizeof(mods)) >= 0)
		for (char *s = mods; *s; s++)
			if ((s == mods || s[-1] == '\n') && sprefix(s, "kvm "))
				listed = 1;
	ostr("E2E-STATE: ");
	ostr(when);
	ostr(" devkvm ");
	ostr(exists("/dev/kvm") ? "present" : "absent");
	ostr(" module ");
	ostr(listed ? "listed" : "absent");
	ostr(" events ");
	ostr(exists(TR "/events/kvm") ? "present" : "absent");
	oline("");
}

/* ---- main -------------------------------------------------------------- */

static void power_off(void)
{
	oline("E2E-DONE");
	sys4(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
	    LINUX_REBOOT_CMD_POWER_OFF, NULL);
	oline("E2E-POWEROFF-FAILED");
	for (;;)
		sys0(__NR_sched_yield);
}

static void init_main(void)
{
	long fd, rc;
	int n;
	char *noload, *trace;

	mnt("devtmpfs", "/dev", "devtmpfs");
	mnt("proc", "/proc", "proc");
	mnt("sysfs", "/sys", "sysfs");
	mnt("tracefs", TR, "tracefs");
	slurp("/proc/cmdline", cmdline, sizeof(cmdline));
	ostr("E2E-INIT: ");
	ostr(cmdline);	/* ends with '\n' */
	oflush();

	noload = cmdline_get("kvmla.noload");
	snap = cmdline_get("kvmla.snap") != NULL;
	if (noload && seq(noload, "1"))
		power_off();

	kmsg_open();
	fd = xopen("/kvm.ko", O_RDONLY | O_CLOEXEC);
	rc = fd < 0 ? fd : sys3(__NR_finit_module, fd, "", 0);
	if (fd >= 0)
		xclose(fd);
	ostr("E2E-INSMOD: ");
	oerr(rc);
	oline("");
	n = kmsg_drain();
	ostr("E2E-KLOG-COUNT: ");
	onum(n);
	oline("");
	report_state("after-insmod");
	if (rc < 0)
		power_off();
	{
		/* where the module's code is, to name addresses in an oops or hang */
		static char text[64];

		if (slurp("/sys/module/kvm/sections/.text", text, sizeof(text)) > 0) {
			ostr("E2E-MODULE-TEXT: ");
			ostr(text);
			oflush();
		}
	}

	for_dir(TR "/events/kvm", ev_add);
	put(TR "/tracing_on", "0");
	put(TR "/trace", "");	/* O_TRUNC clears every CPU's buffer */
	trace = cmdline_get("kvmla.trace");
	rc = trace && seq(trace, "0") ? 0 : put(TR "/events/kvm/enable", "1");
	if (rc < 0) {
		ostr("E2E-TRACE-ERROR: enable ");
		oerr(rc);
		oline("");
	}
	sched_setup();
	if (sw_id >= 0)
		put(TR "/events/sched/sched_switch/enable", "1");
	put(TR "/tracing_on", "1");
	rc = run_vmm();
	put(TR "/tracing_on", "0");
	put(TR "/events/kvm/enable", "0");
	put(TR "/events/sched/sched_switch/enable", "0");
	if (rc == 1) {
		/* the VMM is stuck in the kernel: report what the trace holds */
		trace_tail();
		trace_report();
		kmsg_drain();
		power_off();
	}
	trace_report();
	kmsg_drain();

	rc = sys2(__NR_delete_module, "kvm", O_NONBLOCK);
	ostr("E2E-RMMOD: ");
	oerr(rc);
	oline("");
	kmsg_drain();
	report_state("after-rmmod");
	power_off();
}

__attribute__((used)) static void start_c(long *sp)
{
	(void)sp;
	init_main();
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	move $a0, $sp\n"
	"	bstrins.d $sp, $zero, 3, 0\n"
	"	bl start_c\n"
	"1:	b 1b\n");
