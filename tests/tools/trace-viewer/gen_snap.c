// SPDX-License-Identifier: GPL-2.0
/*
 * gen-snap: writes a tracefs snapshot directory (what `trace-viewer import`
 * reads) of a known LoongArch scenario, for a given ring-buffer page size.
 *   gen-snap DIR PAGE_SIZE ROUNDS
 *
 * events/header_page says PAGE_SIZE (data at 16, PAGE_SIZE - 16 bytes),
 * events/kvm/NAME/format is every catalog event (la_fixture.c), and
 * events/ftrace/print the marker format.  Per round, starting at
 * 5,000,000 ns and 10,000 ns apart:
 *   cpu0: tid 2001 (vCPU 0) 3 kvm_exit GSPR (ecode 22), re-entry after 800 ns
 *   cpu1: tid 2002 (vCPU 1) 2 kvm_exit TLBL (ecode 1), re-entry after 500 ns
 *   cpu2: an empty trace_pipe_raw;  cpu3: a directory without one
 *   cpu4: tid 2003 (vCPU 2) 1 kvm_exit INT (ecode 0), re-entry after 200 ns
 * and before the first round each vCPU's kvm_enter at 4,999,000 ns.
 * saved_cmdlines names the threads "CPU N/KVM"; trace_clock selects "global".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "la_fixture.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

static const char header_event[] =
	"# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n\n\tpadding     : type == 29\n\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n\tdata max type_len  == 28\n";

static void die(const char *what)
{
	fprintf(stderr, "gen-snap: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path);
}

static void mkd(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) && errno != EEXIST)
		die(path);
}

struct cpu {
	FILE *f;
	unsigned char *page;
	struct tvdat_page p;
	unsigned int size;
};

/* one event into the CPU's pages; a full page goes to the file */
static void add(struct cpu *c, uint64_t ts, int tid, const char *name, const uint64_t *vals)
{
	const struct la_event *e = la_event(name);
	unsigned char rec[128];
	unsigned int len = la_encode(e, tid, vals, rec);
	int r = tvdat_page_add(&c->p, ts, rec, len);

	if (r == 1) {
		tvdat_page_finish(&c->p);
		if (fwrite(c->page, c->size, 1, c->f) != 1)
			die("write");
		tvdat_page_init(&c->p, c->page, c->size);
		r = tvdat_page_add(&c->p, ts, rec, len);
	}
	if (r)
		die("event does not fit a page");
}

/* one vCPU's run: exits of one ecode, each followed by a re-entry after lat ns */
static void vcpu(const char *dir, unsigned int cpu, unsigned int size, unsigned int rounds,
		 int tid, unsigned int vid, unsigned int n, unsigned int ecode, unsigned int lat)
{
	const uint64_t pc = 0x9000000000200000ull;
	struct cpu c = { .size = size, .page = malloc(size) };
	char path[4096];

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace_pipe_raw", dir, cpu);
	c.f = fopen(path, "w");
	if (!c.f || !c.page)
		die(path);
	tvdat_page_init(&c.p, c.page, size);
	add(&c, 4999000, tid, "kvm_enter", (uint64_t[]){ vid, pc });
	for (unsigned int r = 0; r < rounds; r++)
		for (unsigned int i = 0; i < n; i++) {
			uint64_t t = 5000000 + 10000ull * r + 1000 * i;

			/* vcpu_id, reason (ecode), esubcode, pc, badv */
			add(&c, t, tid, "kvm_exit", (uint64_t[]){ vid, ecode, 0, pc, 0 });
			add(&c, t + lat, tid, "kvm_reenter", (uint64_t[]){ vid, pc });
		}
	tvdat_page_finish(&c.p);
	if (fwrite(c.page, size, 1, c.f) != 1 || fclose(c.f))
		die(path);
	free(c.page);
}

int main(int argc, char **argv)
{
	struct la_event *evs;
	unsigned int nev = la_events(&evs, 1000), size, rounds;
	const char *dir;
	char hp[512], name[256];

	if (argc != 4) {
		fprintf(stderr, "usage: gen-snap DIR PAGE_SIZE ROUNDS\n");
		return 2;
	}
	dir = argv[1];
	size = strtoul(argv[2], NULL, 0);
	rounds = strtoul(argv[3], NULL, 0);
	if (size < 256 || (size & (size - 1))) {
		fprintf(stderr, "gen-snap: PAGE_SIZE: a power of two >= 256\n");
		return 2;
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		die(dir);
	mkd(dir, "events");
	mkd(dir, "events/kvm");
	mkd(dir, "events/ftrace");
	mkd(dir, "events/ftrace/print");
	mkd(dir, "per_cpu");
	snprintf(hp, sizeof(hp),
		 "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
		 "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
		 "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
		 "\tfield: char data;\toffset:16;\tsize:%u;\tsigned:0;\n", size - 16);
	put(dir, "events/header_page", hp);
	put(dir, "events/header_event", header_event);
	put(dir, "events/enable", "0\n");		/* files beside the systems, as in tracefs */
	put(dir, "events/kvm/enable", "0\n");
	for (unsigned int i = 0; i < nev; i++) {
		snprintf(name, sizeof(name), "events/kvm/%s", evs[i].name);
		mkd(dir, name);
		snprintf(name, sizeof(name), "events/kvm/%s/format", evs[i].name);
		put(dir, name, evs[i].format);
	}
	put(dir, "events/ftrace/print/format", la_print_format());
	for (unsigned int c = 0; c <= 4; c++) {
		snprintf(name, sizeof(name), "per_cpu/cpu%u", c);
		mkd(dir, name);
	}
	vcpu(dir, 0, size, rounds, 2001, 0, 3, 22, 800);
	vcpu(dir, 1, size, rounds, 2002, 1, 2, 1, 500);
	put(dir, "per_cpu/cpu2/trace_pipe_raw", "");
	vcpu(dir, 4, size, rounds, 2003, 2, 1, 0, 200);
	put(dir, "saved_cmdlines", "2001 CPU 0/KVM\n2002 CPU 1/KVM\n2003 CPU 2/KVM\n");
	put(dir, "trace_clock", "local [global] counter uptime perf mono mono_raw boot\n");
	put(dir, "printk_formats", "0xffffffff81000000 : \"kvmla import test\\n\"\n");
	return 0;
}
