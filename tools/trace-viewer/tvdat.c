// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat version 6 writer (layout: trace-cmd.dat.v6(5)) and a builder of
 * ring-buffer pages in the kernel's format (header_page/header_event).
 * Used by `record` (pages come from trace_pipe_raw), by the test fixtures
 * and by the bench generator (pages built here).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace-viewer.h"

struct wbuf { int fd; int err; uint64_t off; };

static void w(struct wbuf *b, const void *p, size_t n)
{
	const char *c = p;

	while (!b->err && n) {
		ssize_t r = write(b->fd, c, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			b->err = errno;
			return;
		}
		c += r;
		n -= r;
		b->off += r;
	}
}

static void w4(struct wbuf *b, uint32_t v) { w(b, &v, 4); }
static void w8(struct wbuf *b, uint64_t v) { w(b, &v, 8); }
static void ws(struct wbuf *b, const char *s) { w(b, s, strlen(s) + 1); }

static int copy_fd(struct wbuf *b, int in, uint64_t size)
{
	static char buf[1 << 16];
	uint64_t done = 0;

	if (lseek(in, 0, SEEK_SET) < 0)
		return errno;
	while (!b->err && done < size) {
		size_t want = size - done > sizeof(buf) ? sizeof(buf) : size - done;
		ssize_t r = read(in, buf, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? errno : EIO;
		w(b, buf, r);
		done += r;
	}
	return b->err;
}

/* the initial format data: magic, version, endianness, page size, headers */
static void write_header(struct wbuf *b, const struct tvdat_info *in)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

	w(b, magic, sizeof(magic));
	ws(b, "6");
	w(b, "\0\x08", 2);		/* little endian, 8-byte long */
	w4(b, in->page_size);
	ws(b, "header_page");
	w8(b, in->header_page_len);
	w(b, in->header_page, in->header_page_len);
	ws(b, "header_event");
	w8(b, in->header_event_len);
	w(b, in->header_event, in->header_event_len);
}

/* true when fmts[i] is the first format of its system (ftrace's are apart) */
static bool first_of_system(const struct tvdat_info *in, unsigned int i)
{
	if (!strcmp(in->fmts[i].system, "ftrace"))
		return false;
	for (unsigned int j = 0; j < i; j++)
		if (!strcmp(in->fmts[j].system, in->fmts[i].system))
			return false;
	return true;
}

/* the ftrace formats, then the other systems in order of first appearance */
static void write_formats(struct wbuf *b, const struct tvdat_info *in)
{
	unsigned int nftrace = 0, nsys = 0;

	for (unsigned int i = 0; i < in->nr_fmts; i++)
		if (!strcmp(in->fmts[i].system, "ftrace"))
			nftrace++;
	w4(b, nftrace);
	for (unsigned int i = 0; i < in->nr_fmts; i++)
		if (!strcmp(in->fmts[i].system, "ftrace")) {
			w8(b, in->fmts[i].len);
			w(b, in->fmts[i].text, in->fmts[i].len);
		}
	for (unsigned int i = 0; i < in->nr_fmts; i++)
		nsys += first_of_system(in, i);
	w4(b, nsys);
	for (unsigned int i = 0; i < in->nr_fmts; i++) {
		const char *sys = in->fmts[i].system;
		unsigned int n = 0;

		if (!first_of_system(in, i))
			continue;
		for (unsigned int j = i; j < in->nr_fmts; j++)
			n += !strcmp(in->fmts[j].system, sys);
		ws(b, sys);
		w4(b, n);
		for (unsigned int j = i; j < in->nr_fmts; j++)
			if (!strcmp(in->fmts[j].system, sys)) {
				w8(b, in->fmts[j].len);
				w(b, in->fmts[j].text, in->fmts[j].len);
			}
	}
}

/* kallsyms (none), printk formats, saved cmdlines, CPU count, options */
static void write_rest(struct wbuf *b, const struct tvdat_info *in)
{
	w4(b, 0);			/* kallsyms */
	w4(b, in->printk_len);
	w(b, in->printk, in->printk_len);
	w8(b, in->cmdlines_len);
	w(b, in->cmdlines, in->cmdlines_len);
	w4(b, in->nr_cpus);
	if (in->clock) {
		/* TRACECMD_OPTION_TRACECLOCK (4): "[clock]" as in trace_clock */
		char cl[64];
		int n = snprintf(cl, sizeof(cl), "[%s]", in->clock);

		w(b, "options  ", 10);
		uint16_t id = 4;
		w(b, &id, 2);
		w4(b, n + 1);
		w(b, cl, n + 1);
		id = 0;
		w(b, &id, 2);
	}
}

/* "flyrecord": per CPU (offset, size), then each CPU's pages, page aligned */
static int write_flyrecord(struct wbuf *b, const struct tvdat_info *in)
{
	uint64_t fly_off, pos, *offs;

	w(b, "flyrecord", 10);
	fly_off = b->off;
	offs = calloc(in->nr_cpus ? in->nr_cpus : 1, 16);
	if (!offs)
		return -ENOMEM;
	w(b, offs, 16 * in->nr_cpus);
	pos = (b->off + in->page_size - 1) / in->page_size * in->page_size;
	for (unsigned int c = 0; c < in->nr_cpus; c++) {
		offs[2 * c] = pos;
		offs[2 * c + 1] = in->cpus[c].size;
		pos += (in->cpus[c].size + in->page_size - 1) / in->page_size * in->page_size;
	}
	for (unsigned int c = 0; c < in->nr_cpus && !b->err; c++) {
		static const char zero[4096];

		while (b->off < offs[2 * c] && !b->err) {
			uint64_t n = offs[2 * c] - b->off;

			w(b, zero, n > sizeof(zero) ? sizeof(zero) : n);
		}
		if (in->cpus[c].size) {
			int e = copy_fd(b, in->cpus[c].fd, in->cpus[c].size);

			if (e && !b->err)
				b->err = e;
		}
	}
	if (!b->err) {
		if (pwrite(b->fd, offs, 16 * in->nr_cpus, fly_off) != (ssize_t)(16 * in->nr_cpus))
			b->err = errno ? errno : EIO;
	}
	free(offs);
	return 0;
}

int tvdat_write(int fd, const struct tvdat_info *in, char *err, size_t errlen)
{
	struct wbuf b = { .fd = fd };

	write_header(&b, in);
	write_formats(&b, in);
	write_rest(&b, in);
	if (write_flyrecord(&b, in)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (b.err) {
		snprintf(err, errlen, "writing trace.dat: %s", strerror(b.err));
		return -b.err;
	}
	return 0;
}
/* ---- ring-buffer pages ---- */

#define RB_HDR 16
#define TL_EXTEND 30
#define MAX_DELTA ((1u << 27) - 1)

void tvdat_page_init(struct tvdat_page *p, unsigned char *buf, unsigned int page_size)
{
	memset(buf, 0, page_size);
	p->buf = buf;
	p->page_size = page_size;
	p->used = 0;
	p->started = false;
	p->last_ts = 0;
}

int tvdat_page_add(struct tvdat_page *p, uint64_t ts, const void *data, unsigned int len)
{
	unsigned int dlen = (len + 3) & ~3u, need;
	unsigned char *d;
	uint64_t delta;
	uint32_t h;

	if (!p->started) {
		memcpy(p->buf, &ts, 8);
		p->last_ts = ts;
	}
	delta = ts >= p->last_ts ? ts - p->last_ts : 0;
	need = (delta > MAX_DELTA ? 8 : 0) + 4 + (dlen > 112 ? 4 : 0) + dlen;
	if (RB_HDR + p->used + need > p->page_size) {
		if (!p->started)
			return -1;	/* event larger than a page */
		return 1;
	}
	p->started = true;
	d = p->buf + RB_HDR + p->used;
	if (delta > MAX_DELTA) {
		uint32_t hi = (uint32_t)(delta >> 27);

		h = TL_EXTEND | (uint32_t)(delta & MAX_DELTA) << 5;
		memcpy(d, &h, 4);
		memcpy(d + 4, &hi, 4);
		d += 8;
		delta = 0;
	}
	if (dlen > 112) {
		uint32_t l = dlen + 4;

		h = (uint32_t)delta << 5;
		memcpy(d, &h, 4);
		memcpy(d + 4, &l, 4);
		d += 8;
	} else {
		h = (dlen / 4) | (uint32_t)delta << 5;
		memcpy(d, &h, 4);
		d += 4;
	}
	memset(d, 0, dlen);
	memcpy(d, data, len);
	p->used += need;
	p->last_ts = ts;
	return 0;
}

void tvdat_page_finish(struct tvdat_page *p)
{
	uint64_t commit = p->used;

	memcpy(p->buf + 8, &commit, 8);
}
