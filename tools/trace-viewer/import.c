// SPDX-License-Identifier: GPL-2.0
/*
 * trace-viewer import: a tracefs snapshot directory into a trace.dat (v6).
 *
 * A host without trace-cmd can still copy tracefs files with a shell:
 *
 *   DIR/events/header_page, DIR/events/header_event        (required)
 *   DIR/events/SYSTEM/EVENT/format                          (one or more)
 *   DIR/per_cpu/cpuN/trace_pipe_raw                         (raw pages)
 *   DIR/saved_cmdlines, DIR/printk_formats, DIR/trace_clock (optional)
 *
 * The page size is the end of header_page's "data" field.  Every page's
 * commit is checked against it before anything is written; the trace.dat
 * goes to a temporary file beside the output and is renamed over it only
 * when complete, so a failure leaves the output as it was.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvmla-tools.h"
#include "trace-viewer.h"

#define IMPORT_MAX_CPUS		8192
#define IMPORT_MAX_FILE		(64u << 20)	/* a text file of the snapshot */

/* "offset:N;" and "size:N;" of the header_page line that declares field */
static int hp_field(const char *hp, size_t len, const char *field, unsigned long *off,
		    unsigned long *size)
{
	const char *p = hp, *end = hp + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *o, *s, *name;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[256];

		if (ll < sizeof(line)) {
			memcpy(line, p, ll);
			line[ll] = 0;
			/* "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;" */
			name = strchr(line, ';');
			if (name && strstr(line, "field:")) {
				const char *w = name;

				while (w > line && (isalnum((unsigned char)w[-1]) || w[-1] == '_'))
					w--;
				o = strstr(name, "offset:");
				s = strstr(name, "size:");
				if ((size_t)(name - w) == strlen(field) && !strncmp(w, field, name - w) &&
				    o && s) {
					char *e1, *e2;

					errno = 0;
					*off = strtoul(o + 7, &e1, 10);
					*size = strtoul(s + 5, &e2, 10);
					if (!errno && e1 != o + 7 && *e1 == ';' && e2 != s + 5 && *e2 == ';')
						return 0;
					return -1;
				}
			}
		}
		p += ll + 1;
	}
	return -1;
}

int tv_import_page_size(const char *hp, size_t len, unsigned int *page, char *err, size_t errlen)
{
	unsigned long doff, dsize, coff, csize, toff, tsize;

	if (hp_field(hp, len, "data", &doff, &dsize)) {
		snprintf(err, errlen, "no 'data' field with offset and size: the page size "
			 "cannot be derived");
		return -1;
	}
	if (doff + dsize < 64 || doff + dsize > (1u << 20) || ((doff + dsize) & (doff + dsize - 1))) {
		snprintf(err, errlen, "data offset %lu + size %lu is not a page size "
			 "(a power of two, 64 B to 1 MiB)", doff, dsize);
		return -1;
	}
	/* what the v6 writer and the reader take: 8-byte timestamp and commit */
	if (hp_field(hp, len, "timestamp", &toff, &tsize) || hp_field(hp, len, "commit", &coff, &csize) ||
	    toff != 0 || tsize != 8 || coff != 8 || csize != 8 || doff != 16) {
		snprintf(err, errlen, "not the page header of a 64-bit kernel (timestamp at 0, "
			 "commit at 8, both 8 bytes, data at 16)");
		return -1;
	}
	*page = (unsigned int)(doff + dsize);
	return 0;
}

/* every page's commit within its page; 0, or -1 with err set (pages numbered from first) */
int tv_import_check_pages(const unsigned char *buf, size_t len, unsigned int page,
			  uint64_t first, char *err, size_t errlen)
{
	for (size_t p = 0; p + page <= len; p += page) {
		uint64_t commit, used;

		memcpy(&commit, buf + p + 8, 8);
		/* bit 31: events were lost before this page; bit 30: their count follows the data */
		used = (commit & ((1ull << 30) - 1)) + (commit & (1ull << 30) ? 8 : 0);
		if ((commit >> 32) || used > page - 16) {
			snprintf(err, errlen, "page %llu: commit %llu%s exceeds the page (%u bytes of data)",
				 (unsigned long long)(first + p / page),
				 (unsigned long long)(commit & ((1ull << 30) - 1)),
				 commit & (1ull << 30) ? " + 8 (a lost-event count)" : "", page - 16);
			return -1;
		}
	}
	return 0;
}

/* The clock name in tracefs's "[local] global counter ..." (or a bare name). */
int tv_import_clock(const char *text, size_t len, char *clock, size_t size)
{
	const char *b = memchr(text, '[', len), *e;
	size_t n;

	if (b) {
		e = memchr(b, ']', text + len - b);
		if (!e)
			return -1;
		b++;
	} else {	/* just the name */
		b = text;
		e = text + strcspn(text, " \t\n");
		if (e > text + len)
			e = text + len;
	}
	n = e - b;
	if (!n || n >= size || n > 32)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)b[i]) && b[i] != '_' && b[i] != '-')
			return -1;
	memcpy(clock, b, n);
	clock[n] = 0;
	return 0;
}

/* ---- the snapshot ---- */

struct snap {
	const struct tv_import_opts *o;
	char *hp, *he, *pk, *cl;
	size_t hpl, hel, pkl, cll;
	char clock[40];
	bool has_clock;
	unsigned int page;
	struct tvdat_fmt *fmts;
	unsigned int nfmts, capfmts;
	struct tvdat_cpu *cpus;
	unsigned int ncpus;
	uint64_t pages;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kvmla_err("import: %s", buf);
	return -1;
}

/*
 * A whole file, read until its end (tracefs files say size 0), NUL-ended.
 * 0; 1 when it does not exist and may be missing; -1 after an error line.
 */
static int slurp(const char *path, bool optional, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;
	struct stat st;

	if (fd < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return 1;
		return fail("%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail("%s: not a regular file", path);
	}
	buf = kvmla_xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap >= IMPORT_MAX_FILE) {
				close(fd);
				free(buf);
				return fail("%s: larger than %u MiB", path, IMPORT_MAX_FILE >> 20);
			}
			cap *= 2;
			buf = kvmla_xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return fail("%s: %s", path, strerror(e));
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

static int headers(struct snap *s, const char *dir)
{
	char path[PATH_MAX], err[256];

	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	if (slurp(path, false, &s->hp, &s->hpl))
		return -1;
	if (tv_import_page_size(s->hp, s->hpl, &s->page, err, sizeof(err)))
		return fail("%s: %s", path, err);
	snprintf(path, sizeof(path), "%s/events/header_event", dir);
	if (slurp(path, false, &s->he, &s->hel))
		return -1;
	return 0;
}

static int name_ok(const char *n)
{
	return n[0] != '.' && strlen(n) < 128;
}

/* events/SYSTEM/EVENT/format, systems and events in name order */
static int formats(struct snap *s, const char *dir)
{
	char path[PATH_MAX];
	struct dirent **sys = NULL;
	int nsys, rc = 0;

	snprintf(path, sizeof(path), "%s/events", dir);
	nsys = scandir(path, &sys, NULL, alphasort);
	if (nsys < 0)
		return fail("%s: %s", path, strerror(errno));
	for (int i = 0; i < nsys; i++) {
		struct dirent **ev = NULL;
		int nev;

		if (rc || !name_ok(sys[i]->d_name))
			goto next_sys;
		snprintf(path, sizeof(path), "%s/events/%s", dir, sys[i]->d_name);
		nev = scandir(path, &ev, NULL, alphasort);
		if (nev < 0 && errno != ENOTDIR)
			rc = fail("%s: %s", path, strerror(errno));
		if (nev < 0)	/* header_page, header_event, enable, ...: files */
			goto next_sys;
		for (int j = 0; j < nev; j++) {
			struct tvdat_fmt f;
			size_t len;
			char *text;
			int r;

			if (rc || !name_ok(ev[j]->d_name))
				goto next_ev;
			snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, sys[i]->d_name,
				 ev[j]->d_name);
			r = slurp(path, true, &text, &len);
			if (r) {	/* no format (events/SYSTEM/enable is a file) */
				rc = r < 0 ? -1 : 0;
				goto next_ev;
			}
			if (strncmp(text, "name:", 5) || !strstr(text, "\nID:")) {
				free(text);
				rc = fail("%s: not an event format (no 'name:' and 'ID:' lines)", path);
				goto next_ev;
			}
			f = (struct tvdat_fmt){ kvmla_xstrdup(sys[i]->d_name), text, len };
			if (s->nfmts == s->capfmts) {
				s->capfmts = s->capfmts ? 2 * s->capfmts : 64;
				s->fmts = kvmla_xrealloc(s->fmts, s->capfmts * sizeof(*s->fmts));
			}
			s->fmts[s->nfmts++] = f;
next_ev:
			free(ev[j]);
		}
		free(ev);
next_sys:
		free(sys[i]);
	}
	free(sys);
	if (!rc && !s->nfmts)
		return fail("%s/events: no SYSTEM/EVENT/format files", dir);
	return rc;
}

/* N of "cpuN" (decimal, no leading zero), or -1 */
static long cpu_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "cpu", 3) || !isdigit((unsigned char)name[3]) ||
	    (name[3] == '0' && name[4]))
		return -1;
	errno = 0;
	n = strtol(name + 3, &end, 10);
	return errno || *end ? -1 : n;
}

/* one CPU's file: a whole number of pages, each commit within its page */
static int cpu_file(struct snap *s, const char *dir, unsigned int c)
{
	char path[PATH_MAX], err[256];
	size_t chunk = s->page * (s->page < (256u << 10) ? (256u << 10) / s->page : 1);
	unsigned char *buf;
	struct stat st;
	uint64_t done = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace_pipe_raw", dir, c);
	s->cpus[c] = (struct tvdat_cpu){ NULL, -1, 0 };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;	/* no events on this CPU */
	if (fd < 0)
		return fail("%s: %s", path, strerror(errno));
	s->cpus[c].fd = fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return fail("%s: not a regular file", path);
	if (st.st_size % s->page)
		return fail("%s: %lld bytes, not a multiple of the page size %u (from header_page)",
			    path, (long long)st.st_size, s->page);
	buf = kvmla_xmalloc(chunk);
	while (done < (uint64_t)st.st_size) {
		size_t want = st.st_size - done < chunk ? st.st_size - done : chunk;
		ssize_t r = pread(fd, buf, want, done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)want) {
			free(buf);
			return fail("%s: %s", path, r < 0 ? strerror(errno) : "shorter than its size");
		}
		if (tv_import_check_pages(buf, want, s->page, done / s->page, err, sizeof(err))) {
			free(buf);
			return fail("%s: %s", path, err);
		}
		done += want;
	}
	free(buf);
	s->cpus[c].size = st.st_size;
	s->pages += st.st_size / s->page;
	return 0;
}

/* per_cpu/cpuN for N = 0 .. the highest present */
static int cpus(struct snap *s, const char *dir)
{
	char path[PATH_MAX];
	struct dirent *d;
	long max = -1;
	DIR *pc;

	snprintf(path, sizeof(path), "%s/per_cpu", dir);
	pc = opendir(path);
	if (!pc)
		return fail("%s: %s", path, strerror(errno));
	while ((d = readdir(pc))) {
		long n = cpu_number(d->d_name);

		if (n >= IMPORT_MAX_CPUS) {
			closedir(pc);
			return fail("%s/%s: at most %d CPUs", path, d->d_name, IMPORT_MAX_CPUS);
		}
		if (n > max)
			max = n;
	}
	closedir(pc);
	if (max < 0)
		return fail("%s: no cpuN directories", path);
	s->ncpus = (unsigned int)max + 1;
	s->cpus = kvmla_xcalloc(s->ncpus, sizeof(*s->cpus));
	for (unsigned int c = 0; c < s->ncpus; c++)
		s->cpus[c].fd = -1;
	for (unsigned int c = 0; c < s->ncpus; c++)
		if (cpu_file(s, dir, c))
			return -1;
	return 0;
}

/* saved_cmdlines, printk_formats, trace_clock: each may be missing */
static int optional_files(struct snap *s, const char *dir)
{
	char path[PATH_MAX], *text;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/saved_cmdlines", dir);
	if (slurp(path, true, &s->cl, &s->cll) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/printk_formats", dir);
	if (slurp(path, true, &s->pk, &s->pkl) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/trace_clock", dir);
	r = slurp(path, true, &text, &len);
	if (r)
		return r < 0 ? -1 : 0;
	r = tv_import_clock(text, len, s->clock, sizeof(s->clock));
	free(text);
	if (r)
		return fail("%s: no clock name (tracefs writes e.g. '[local] global counter')", path);
	s->has_clock = true;
	return 0;
}

/* the trace.dat into a temporary file beside the output, renamed over it when whole */
static int write_out(struct snap *s)
{
	const char *out = s->o->output;
	struct tvdat_info info = {
		.page_size = s->page,
		.header_page = s->hp, .header_page_len = s->hpl,
		.header_event = s->he, .header_event_len = s->hel,
		.fmts = s->fmts, .nr_fmts = s->nfmts,
		.printk = s->pk ? s->pk : "", .printk_len = s->pk ? s->pkl : 0,
		.cmdlines = s->cl ? s->cl : "", .cmdlines_len = s->cl ? s->cll : 0,
		.clock = s->has_clock ? s->clock : NULL,
		.nr_cpus = s->ncpus, .cpus = s->cpus,
	};
	size_t tl = strlen(out) + 16;
	char *tmp = kvmla_xmalloc(tl), err[256];
	mode_t mask = umask(0);
	int fd, rc = -1;

	umask(mask);
	snprintf(tmp, tl, "%s.tmp-XXXXXX", out);
	fd = mkstemp(tmp);
	if (fd < 0) {
		fail("%s: cannot create a file beside it: %s", out, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0666 & ~mask))
		fail("%s: %s", tmp, strerror(errno));
	else if (tvdat_write(fd, &info, err, sizeof(err)))
		fail("%s: %s", out, err);
	else if (fsync(fd))
		fail("%s: %s", out, strerror(errno));
	else
		rc = 0;
	if (close(fd) && !rc)
		rc = fail("%s: %s", out, strerror(errno));
	if (!rc && rename(tmp, out))
		rc = fail("%s: %s", out, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static void snap_free(struct snap *s)
{
	for (unsigned int i = 0; i < s->nfmts; i++) {
		free((char *)s->fmts[i].system);
		free((char *)s->fmts[i].text);
	}
	for (unsigned int c = 0; s->cpus && c < s->ncpus; c++)
		if (s->cpus[c].fd >= 0)
			close(s->cpus[c].fd);
	free(s->fmts);
	free(s->cpus);
	free(s->hp);
	free(s->he);
	free(s->pk);
	free(s->cl);
}

int tv_import(const struct tv_import_opts *o)
{
	struct snap s = { .o = o };
	struct stat st;
	int rc = 1;

	if (stat(o->dir, &st)) {
		fail("%s: %s", o->dir, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fail("%s: not a directory (a tracefs snapshot)", o->dir);
		return 1;
	}
	if (!headers(&s, o->dir) && !formats(&s, o->dir) && !optional_files(&s, o->dir) &&
	    !cpus(&s, o->dir) && !write_out(&s)) {
		rc = 0;
		if (!o->quiet)
			fprintf(stderr, "trace-viewer: wrote %s (%u CPUs, %llu pages of %u bytes, "
				"%u event formats)\n", o->output, s.ncpus,
				(unsigned long long)s.pages, s.page, s.nfmts);
	}
	snap_free(&s);
	return rc;
}
