// SPDX-License-Identifier: GPL-2.0
/*
 * tv_reader_cache_headers (read.c), the fuzz target's header cache: files
 * written by la_write_uniform, whose header block depends on the CPU count
 * only (PAGES and PER_PAGE change the data alone), opened through a probe
 * hook that counts the probes and measures what it was given.  Expected
 * values: records = CPUs x pages x records per page (the generator's
 * construction); the stub = the bytes up to "flyrecord\0" and a table of
 * 16 bytes per CPU (trace-cmd.dat.v6(5)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/ktest.h"
#include "la_fixture.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

static char dir[] = "/tmp/tv-hcache-XXXXXX";
static unsigned int probes;
static long long probed_size;
static int refuse;		/* the hook refuses what it is given */

static int count_probe(const char *path)
{
	struct stat st;

	probes++;
	probed_size = stat(path, &st) ? -1 : (long long)st.st_size;
	return refuse ? -1 : 0;
}

/* a uniform file: ncpu CPUs, pages pages each of per_page kvm_exit records */
static const char *file(unsigned int ncpu, unsigned int pages, unsigned int per_page)
{
	static char path[8][128];
	static unsigned int k;
	char err[256];
	unsigned int rb;
	char *p = path[k++ % 8];

	snprintf(p, 128, "%s/u-%u-%u-%u.dat", dir, ncpu, pages, per_page);
	if (access(p, R_OK) && la_write_uniform(p, ncpu, pages, per_page, &rb, err, sizeof(err)))
		return NULL;
	return p;
}

/* the stub's size of path: up to the end of "flyrecord\0", then the table */
static long long stub_size(const char *path, unsigned int ncpu)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	for (size_t i = 0; i + 10 <= n; i++)
		if (!memcmp(buf + i, "flyrecord", 10))
			return (long long)(i + 10 + 16ull * ncpu);
	return -1;
}

/* records read from path, -1 when it does not open (err then says why) */
static long long records(const char *path, char *err, size_t errlen)
{
	static struct tv_analysis an;
	struct tv_reader *rd = tv_reader_open(path, err, errlen);
	long long n = -1;

	if (!rd)
		return -1;
	tv_an_init(&an, NULL, tv_reader_profile(rd));
	if (!tv_reader_run(rd, &an, NULL, NULL) && !tv_an_finish(&an))
		n = (long long)an.nr_records;
	tv_an_free(&an);
	tv_reader_close(rd);
	return n;
}

KTEST(same_headers_probed_and_parsed_once)
{
	const char *a = file(2, 1, 10), *b = file(2, 2, 20);
	char err[256];

	KT_EXPECT(a && b);
	tv_reader_cache_headers(4);
	probes = 0;
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 2 * 1 * 10);
	KT_EXPECT_EQ(probes, 1);
	/* libtracecmd got the headers only */
	KT_EXPECT_EQ(probed_size, stub_size(a, 2));
	/* other data, the same header block: no probe, its own records */
	KT_EXPECT_EQ(records(b, err, sizeof(err)), 2 * 2 * 20);
	KT_EXPECT_EQ(probes, 1);
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 2 * 1 * 10);
	KT_EXPECT_EQ(probes, 1);
	/* other headers (3 CPUs): probed */
	KT_EXPECT_EQ(records(file(3, 1, 10), err, sizeof(err)), 3 * 1 * 10);
	KT_EXPECT_EQ(probes, 2);
	tv_reader_cache_headers(0);
	return KT_PASS;
}

KTEST(refused_headers_refused_again_without_probe)
{
	const char *a = file(4, 1, 10), *b = file(4, 3, 5);
	char err[256], first[256];

	KT_EXPECT(a && b);
	tv_reader_cache_headers(4);
	probes = 0;
	refuse = 1;
	KT_EXPECT_EQ(records(a, first, sizeof(first)), -1);
	refuse = 0;
	KT_EXPECT(strstr(first, "its headers cannot be read") != NULL);
	KT_EXPECT_EQ(probes, 1);
	KT_EXPECT_EQ(records(b, err, sizeof(err)), -1);
	KT_EXPECT_EQ(probes, 1);
	/* the same message, with this file's name */
	KT_EXPECT(!strncmp(err, b, strlen(b)));
	KT_EXPECT_STREQ(err + strlen(b), first + strlen(a));
	tv_reader_cache_headers(0);
	return KT_PASS;
}

KTEST(least_recently_used_block_goes)
{
	const char *a = file(1, 1, 10), *b = file(2, 1, 10), *c = file(3, 1, 10);
	char err[256];

	KT_EXPECT(a && b && c);
	tv_reader_cache_headers(2);
	probes = 0;
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 10);
	KT_EXPECT_EQ(records(b, err, sizeof(err)), 20);
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 10);	/* a used last: b goes */
	KT_EXPECT_EQ(records(c, err, sizeof(err)), 30);
	KT_EXPECT_EQ(probes, 3);
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 10);
	KT_EXPECT_EQ(probes, 3);
	KT_EXPECT_EQ(records(b, err, sizeof(err)), 20);
	KT_EXPECT_EQ(probes, 4);
	tv_reader_cache_headers(0);
	return KT_PASS;
}

KTEST(off_by_default_probed_each_time)
{
	const char *a = file(2, 1, 10);
	char err[256];

	KT_EXPECT(a);
	probes = 0;
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 20);
	KT_EXPECT_EQ(records(a, err, sizeof(err)), 20);
	KT_EXPECT_EQ(probes, 2);
	/* read directly, so libtracecmd is given the headers only */
	KT_EXPECT_EQ(probed_size, stub_size(a, 2));
	return KT_PASS;
}

/* mappings of a file: lines of /proc/self/maps that name it */
static int mappings_of(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, name) != NULL;
	fclose(f);
	return n;
}

/*
 * libtracecmd 3.1.6 leaves the first page of each CPU of a v6 file mapped
 * after tracecmd_close() (read.c, use_stub): 4 CPUs x 50 opens would leave
 * 200 mappings of the file.  Expected: none of it, nor of its header stub.
 */
KTEST(reopening_a_file_leaves_no_mapping)
{
	const char *a = file(4, 2, 10);
	char err[256];

	KT_EXPECT(a);
	for (int i = 0; i < 50; i++)
		KT_EXPECT_EQ(records(a, err, sizeof(err)), 4 * 2 * 10);
	KT_EXPECT_EQ(mappings_of(a), 0);
	KT_EXPECT_EQ(mappings_of("tv-headers"), 0);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(off_by_default_probed_each_time),
	KTEST_CASE(reopening_a_file_leaves_no_mapping),
	KTEST_CASE(same_headers_probed_and_parsed_once),
	KTEST_CASE(refused_headers_refused_again_without_probe),
	KTEST_CASE(least_recently_used_block_goes),
};

int main(int argc, char **argv)
{
	char rm[64];
	int r;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	tv_reader_set_probe(count_probe);
	r = ktest_main("trace-viewer/hcache", cases, KTEST_N(cases));
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	if (system(rm))
		r = 1;
	return r;
}
