// SPDX-License-Identifier: GPL-2.0
/*
 * Structural checks of a trace.dat before libtracecmd sees it.
 * libtracecmd trusts the sizes and offsets in a file; a truncated or
 * hostile file could make it allocate or read out of bounds.  Here every
 * size and offset is checked against the file, and (v6, v7 uncompressed)
 * every ring-buffer page's commit against the page size, so that bad
 * input gives a one-line error instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace-viewer.h"

struct vf {
	struct tv_layout *lay;
	int fd;
	uint64_t size, pos;
	bool big;			/* the file is big endian */
	unsigned int page;
	char *err;
	size_t errlen;
	/* the headers are read field by field: through a window of the file */
	unsigned char win[4096];
	uint64_t win_at, win_len;
};

static int bad(struct vf *v, const char *what)
{
	snprintf(v->err, v->errlen, "corrupt or truncated trace.dat: %s", what);
	return -1;
}

static int get(struct vf *v, void *buf, uint64_t n)
{
	if (n > v->size || v->pos > v->size - n)
		return -1;
	if (n > sizeof(v->win)) {
		if (pread(v->fd, buf, n, v->pos) != (ssize_t)n)
			return -1;
	} else {
		if (v->pos < v->win_at || v->pos + n > v->win_at + v->win_len) {
			ssize_t r = pread(v->fd, v->win, sizeof(v->win), v->pos);

			v->win_at = v->pos;
			v->win_len = r > 0 ? (uint64_t)r : 0;
			if (n > v->win_len)
				return -1;
		}
		memcpy(buf, v->win + (v->pos - v->win_at), n);
	}
	v->pos += n;
	return 0;
}

/* An n-byte number in the file's byte order. */
static uint64_t decode(const struct vf *v, const unsigned char *b, int n)
{
	uint64_t x = 0;

	for (int i = 0; i < n; i++)
		x |= (uint64_t)b[i] << (8 * (v->big ? n - 1 - i : i));
	return x;
}

static int num(struct vf *v, uint64_t *o, int n)
{
	unsigned char b[8];

	if (get(v, b, n))
		return -1;
	*o = decode(v, b, n);
	return 0;
}

static int u16(struct vf *v, uint64_t *o) { return num(v, o, 2); }
static int u32(struct vf *v, uint64_t *o) { return num(v, o, 4); }
static int u64(struct vf *v, uint64_t *o) { return num(v, o, 8); }

static int skip(struct vf *v, uint64_t n)
{
	if (n > v->size || v->pos > v->size - n)
		return -1;
	v->pos += n;
	return 0;
}

/* A NUL-terminated string of at most max bytes. */
static int str(struct vf *v, char *out, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		char c;

		if (get(v, &c, 1))
			return -1;
		if (out)
			out[i] = c;
		if (!c)
			return 0;
	}
	return -1;
}

/* CPU c (of the file's table) lost data to a cut: cpu data ends with the file. */
static void cut(struct vf *v, uint64_t c)
{
	v->lay->truncated = true;
	if (c < 256)
		v->lay->cut[c] = true;
}

/*
 * Every page of a CPU's data: commit within the page.  cpu >= 0 (v6): data
 * that runs past the end of the file is a cut, not an error: its complete
 * pages are checked and kept, avail says how much of it there is (the
 * reader takes the complete records of a last, partial page).
 */
#define MAX_CPUS 8192	/* Linux's NR_CPUS at most; libtracecmd sizes tables by the CPU number */
#define CHECK_PAGES 64	/* pages read at once: one system call per page cost more than the copy */

static int pages(struct vf *v, uint64_t off, uint64_t size, int64_t cpu, uint64_t *avail)
{
	unsigned char *buf;
	uint64_t p, at = 0, got = 0;	/* buf holds [at, at + got) of the CPU's data */
	bool was_cut = false;

	*avail = size;
	if (!size)
		return 0;
	if (off > v->size || size > v->size - off) {
		if (cpu < 0)
			return bad(v, "CPU data beyond the end of the file");
		cut(v, (uint64_t)cpu);
		was_cut = true;
		*avail = size = off < v->size ? v->size - off : 0;
	}
	/* no larger than the data: a fresh large block per call costs page faults */
	buf = malloc(size && size < (uint64_t)v->page * CHECK_PAGES ? (size_t)size
								   : (size_t)v->page * CHECK_PAGES);
	if (!buf)
		return bad(v, "out of memory");
	for (p = 0; p < size; p += v->page) {
		uint64_t n = size - p < v->page ? size - p : v->page, commit = 0;
		bool part = n < v->page && was_cut;

		if (part && n < 16)
			break;	/* the cut is in the page header: nothing of it is kept */
		if (n >= 16 && p + 16 > at + got) {
			uint64_t want = size - p < (uint64_t)v->page * CHECK_PAGES ? size - p
										: (uint64_t)v->page * CHECK_PAGES;
			ssize_t r = pread(v->fd, buf, want, off + p);

			at = p;
			got = r > 0 ? (uint64_t)r : 0;
		}
		if (n < 16 || p + 16 > at + got) {
			free(buf);
			return bad(v, "short ring-buffer page");
		}
		commit = decode(v, buf + (p - at) + 8, 8);
		if (part)
			n = v->page;	/* the page as written: its commit may go past the cut */
		/* bit 30: a missed-events count is stored after the data */
		if ((commit & 0xfffffffull) + ((commit & (1ull << 30)) ? 8 : 0) > n - 16) {
			free(buf);
			return bad(v, "ring-buffer page larger than the page size");
		}
	}
	free(buf);
	return 0;
}

/*
 * v6: the table of CPU data after "flyrecord".  A file cut in the table or
 * in the data is read up to the cut: the CPUs whose entry or data is
 * missing are marked cut (lay->cut), their data ends with the file.
 */
static int v6_cpus(struct vf *v, uint64_t ncpu)
{
	v->lay->table_at = v->pos;
	v->lay->table_ncpu = ncpu < 256 ? (unsigned int)ncpu : 256;
	for (uint64_t c = 0; c < ncpu; c++) {
		uint64_t off, sz, save, avail;

		if (v->size - v->pos < 16) {	/* the rest of the table is cut */
			for (; c < ncpu; c++) {
				cut(v, c);
				if (c < 256)
					v->lay->ncpu = (unsigned int)c + 1;
			}
			break;
		}
		if (u64(v, &off) || u64(v, &sz))
			return bad(v, "CPU offsets");
		save = v->pos;
		if (pages(v, off, sz, (int64_t)c, &avail))
			return -1;
		if (c < 256) {
			v->lay->off[c] = off;
			v->lay->size[c] = avail;
			v->lay->ncpu = (unsigned int)c + 1;
		}
		if (sz && off % v->page)
			return bad(v, "CPU data not page aligned");
		if (sz % v->page)
			v->lay->direct = false;	/* a short last page: leave it to libtracecmd */
		v->pos = save;
	}
	return 0;
}

static int v6(struct vf *v)
{
	uint64_t n, cnt, nsys, ncpu;
	char name[16];

	if (str(v, name, 12) || strcmp(name, "header_page") || u64(v, &n) || n > (1 << 20) ||
	    skip(v, n))
		return bad(v, "header_page");
	if (str(v, name, 13) || strcmp(name, "header_event") || u64(v, &n) || n > (1 << 20) ||
	    skip(v, n))
		return bad(v, "header_event");
	if (u32(v, &cnt) || cnt > 4096)
		return bad(v, "ftrace formats");
	for (uint64_t i = 0; i < cnt; i++)
		if (u64(v, &n) || n > (1 << 20) || skip(v, n))
			return bad(v, "ftrace format");
	if (u32(v, &nsys) || nsys > 4096)
		return bad(v, "event systems");
	for (uint64_t s = 0; s < nsys; s++) {
		if (str(v, NULL, 256) || u32(v, &cnt) || cnt > 65536)
			return bad(v, "event system");
		for (uint64_t i = 0; i < cnt; i++)
			if (u64(v, &n) || n > (1 << 20) || skip(v, n))
				return bad(v, "event format");
	}
	if (u32(v, &n) || skip(v, n))
		return bad(v, "kallsyms");
	if (u32(v, &n) || skip(v, n))
		return bad(v, "printk formats");
	if (u64(v, &n) || n > (64 << 20) || skip(v, n))
		return bad(v, "saved command lines");
	if (u32(v, &ncpu) || ncpu == 0 || ncpu > MAX_CPUS)
		return bad(v, "CPU count");
	if (get(v, name, 10))
		return bad(v, "data section");
	if (!memcmp(name, "options  ", 10)) {
		for (int k = 0; k < 4096; k++) {
			uint64_t id, sz;

			if (u16(v, &id))
				return bad(v, "options");
			if (!id)
				break;
			if (u32(v, &sz) || skip(v, sz))
				return bad(v, "option");
			/* timestamps need an offset or a conversion: libtracecmd applies it */
			if (id == 7 || id == 12 || id == 14)
				v->lay->direct = false;
			/* CPUCOUNT must be 4 bytes, BUFFER options name other instances */
			if ((id == 8 && sz != 4) || id == 3)
				return bad(v, id == 3 ? "instance buffers are not supported" : "option");
			if (k == 4095)
				return bad(v, "options");
		}
		if (get(v, name, 10))
			return bad(v, "data section");
	}
	if (!memcmp(name, "latency  ", 10))
		return bad(v, "latency-format traces are not supported");
	if (memcmp(name, "flyrecord", 10))
		return bad(v, "no flyrecord data");
	if (ncpu > 256)
		v->lay->direct = false;
	return v6_cpus(v, ncpu);
}

/* v7 files (trace-cmd's) write the map of their CPU data after the data */
#define V7_CUT "cut short in its sections: a v7 file keeps the map of its CPU data " \
	       "at the end, so a cut one cannot be read"

/*
 * What follows the last options section: trace-cmd writes the strings
 * section (id 15, the sections' names) there, last in the file.  A cut in
 * it loses no data, but the file is cut all the same.
 */
static int v7_tail(struct vf *v, uint64_t tail)
{
	uint64_t id, flags, strid, size;

	if (!tail || tail >= v->size)
		return 0;
	v->pos = tail;
	if (u16(v, &id) || u16(v, &flags) || u32(v, &strid) || u64(v, &size))
		return bad(v, V7_CUT);
	if (id == 15 && size > v->size - v->pos)
		return bad(v, V7_CUT);
	return 0;
}

/* v7: the section chain, and the options that point into the file. */
static int v7(struct vf *v, bool compressed)
{
	uint64_t next, seen = 0, tail = 0;
	bool done;

	if (u64(v, &next))
		return bad(v, "first options section");
	if (next >= v->size)
		return bad(v, V7_CUT);
	while (next) {
		uint64_t id, flags, strid, size, end;

		if (++seen > 256)
			return bad(v, "too many options sections");
		v->pos = next;
		next = 0;
		if (u16(v, &id) || u16(v, &flags) || u32(v, &strid) || u64(v, &size))
			return bad(v, V7_CUT);
		if (id != 0)
			return bad(v, "options section expected");
		if (size > v->size - v->pos)
			return bad(v, V7_CUT);
		end = v->pos + size;
		if (end > tail)
			tail = end;
		if (flags & 1) {
			uint64_t csz, usz;

			if (u32(v, &csz) || u32(v, &usz) || csz > end - v->pos || usz > (256u << 20))
				return bad(v, "compressed section");
			continue;	/* its content is checked by the decompressor */
		}
		done = false;
		while (v->pos < end) {
			uint64_t oid, osz, ostart, off;

			if (u16(v, &oid) || u32(v, &osz) || osz > end - v->pos)
				return bad(v, "option");
			ostart = v->pos;
			if (oid == 0) {
				if (osz != 8 || u64(v, &next))
					return bad(v, "options chain");
				if (next >= v->size)
					return bad(v, V7_CUT);
				done = true;
				break;
			}
			if (oid == 7 || oid == 12 || oid == 14)
				v->lay->direct = false;
			if (oid >= 16 && oid <= 21) {	/* offsets of sections */
				if (osz != 8 || u64(v, &off) || off >= v->size)
					return bad(v, "section offset");
				uint64_t save = v->pos, sid, sfl, sstr, ssz;

				v->pos = off;
				if (u16(v, &sid) || u16(v, &sfl) || u32(v, &sstr) || u64(v, &ssz) ||
				    ssz > v->size - v->pos)
					return bad(v, "section");
				v->pos = save;
			}
			if (oid == 3 && !compressed) {	/* BUFFER: CPU data within the file */
				uint64_t bofs, pg, ncpu;
				char iname[64];

				if (u64(v, &bofs) || bofs >= v->size || str(v, iname, sizeof(iname)) ||
				    str(v, NULL, osz) || u32(v, &pg) || u32(v, &ncpu) ||
				    pg != v->page || ncpu > MAX_CPUS)
					return bad(v, "buffer option");
				if (iname[0] || ncpu > 256 || ++v->lay->nbuf > 1)
					v->lay->direct = false;	/* instances: leave them to libtracecmd */
				for (uint64_t c = 0; c < ncpu; c++) {
					uint64_t cpu, o, s, save;

					if (u32(v, &cpu) || u64(v, &o) || u64(v, &s) ||
					    v->pos > ostart + osz)
						return bad(v, "buffer option");
					/*
					 * libtracecmd sizes its per-CPU tables by the highest
					 * CPU number: one of 2.7 M in a 28 KB file took 800 MB
					 * (fixtures/hostile/cpu-number.dat).
					 */
					if (cpu >= MAX_CPUS)
						return bad(v, "buffer option: CPU number past 8191");
					save = v->pos;
					if (pages(v, o, s, -1, &s))
						return -1;
					v->pos = save;
					/* v7 numbers CPUs: keep them in order for the direct path */
					if (cpu != c || c >= 256 || s % v->page)
						v->lay->direct = false;
					else {
						v->lay->off[c] = o;
						v->lay->size[c] = s;
						v->lay->ncpu = (unsigned int)c + 1;
					}
				}
			}
			v->pos = ostart + osz;
		}
		/*
		 * libtracecmd reads options up to the end option whatever the
		 * section's size says: without one in the section it read on,
		 * and looped (fixtures/hostile/options-loop.dat)
		 */
		if (!done)
			return bad(v, "options section without its end option");
	}
	return v7_tail(v, tail);
}

/* Returns 0 when the pages were checked, 1 for compressed data, -1 with err set. */
int tv_validate(int fd, char *err, size_t errlen, struct tv_layout *lay)
{
	static struct tv_layout scratch;
	struct vf v = { .fd = fd, .err = err, .errlen = errlen, .lay = lay ? lay : &scratch };
	unsigned char hdr[10], endian, lsize;
	char ver[8], comp[64];
	uint64_t page;
	struct stat st;

	if (fstat(fd, &st))
		return bad(&v, strerror(errno));
	v.size = st.st_size;
	if (get(&v, hdr, 10) || memcmp(hdr, "\x17\x08\x44tracing", 10)) {
		snprintf(err, errlen, "not a trace.dat file (bad magic)");
		return -1;
	}
	if (str(&v, ver, sizeof(ver)) || (strcmp(ver, "6") && strcmp(ver, "7")))
		return bad(&v, "unsupported file version (6 and 7 are)");
	if (get(&v, &endian, 1) || get(&v, &lsize, 1) || endian > 1 || (lsize != 4 && lsize != 8))
		return bad(&v, "endianness or long size");
	v.big = endian == 1;
	if (u32(&v, &page) || page < 64 || page > (1 << 20) || (page & (page - 1)))
		return bad(&v, "page size");
	v.page = (unsigned int)page;
	memset(v.lay, 0, sizeof(*v.lay));
	v.lay->direct = lsize == 8;
	v.lay->big_endian = endian == 1;
	v.lay->page = v.page;
	if (!strcmp(ver, "6"))
		return v6(&v);
	if (str(&v, comp, sizeof(comp)) || str(&v, NULL, 64))
		return bad(&v, "compression header");
	if (v7(&v, strcmp(comp, "none") != 0))
		return -1;
	if (strcmp(comp, "none")) {
		v.lay->direct = false;
		return 1;
	}
	return 0;
}
