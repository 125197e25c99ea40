// SPDX-License-Identifier: GPL-2.0
/*
 * gen-x86: writes an x86 trace.dat of a known scenario, in the layouts of
 * the event formats of a 6.18 x86 host (fixtures/x86, copied from tracefs:
 * field offsets are read from them, not retyped here).
 *   gen-x86 FIXTURES OUT [ROUNDS [storm]]
 * Three vCPU threads, each on its own CPU: 3001 and 3002 are vCPUs 0 and 1
 * of VM "x86-vm-a" (pid 3000, named by markers); 3201 is vCPU 0 of a VM
 * nothing names (the report's "unknown").  Per vCPU and round (VMX):
 *   IO_INSTRUCTION, port 0x3f8 out, to userspace (KVM_EXIT_IO) for 20 us;
 *   EPT_VIOLATION at GPA 0xfeb00000, 600 ns;  MSR_WRITE of MSR 0x6e0, 400 ns;
 *   an interrupt (vector 0xec) accepted, EXTERNAL_INTERRUPT, injected, 200 ns;
 *   HLT, 30 us halted.
 * storm: in its first round, thread 3001 also accepts 100 interrupts while in
 * the guest (before the HLT exit) and 100 while halted (many events inside
 * one slice).
 * Used by run.sh (the --perfetto cases count these).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../tools/trace-viewer/trace-viewer.h"
#include "la_fixture.h"

enum { EV_ENTRY, EV_EXIT, EV_UEXIT, EV_PIO, EV_FPU, EV_MSR, EV_FAULT, EV_ACCEPT, EV_INJ, EV_NUM };
static const char *const ev_names[EV_NUM] = {
	"kvm_entry", "kvm_exit", "kvm_userspace_exit", "kvm_pio", "kvm_fpu", "kvm_msr",
	"kvm_page_fault", "kvm_apic_accept_irq", "kvm_inj_virq",
};
static char *ev_text[EV_NUM];
static int ev_id[EV_NUM];

static char *slurp(const char *dir, const char *name)
{
	char path[512], *buf = calloc(1, 1 << 16);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.format", dir, name);
	f = fopen(path, "r");
	if (!f || !buf) {
		fprintf(stderr, "gen-x86: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* offset and size of a field, from the format text */
static void field(int ev, const char *name, unsigned int *off, unsigned int *size)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s;", name);
	p = strstr(ev_text[ev], key);
	if (!p || sscanf(p + strlen(key), "\toffset:%u;\tsize:%u;", off, size) != 2) {
		fprintf(stderr, "gen-x86: %s has no field %s\n", ev_names[ev], name);
		exit(1);
	}
}

/* one record: name=value pairs, ending with NULL */
static void rec(struct la_cpu_out *c, uint64_t ts, int pid, int ev, ...)
{
	unsigned char buf[128] = { 0 };
	uint16_t type = (uint16_t)ev_id[ev];
	unsigned int end = 8, off, size;
	const char *p = ev_text[ev];
	const char *name;
	va_list ap;

	memcpy(buf, &type, 2);
	memcpy(buf + 4, &pid, 4);
	while ((p = strstr(p, "offset:"))) {	/* the record's size: the end of its last field */
		if (sscanf(p, "offset:%u;\tsize:%u;", &off, &size) == 2 && off + size > end)
			end = off + size;
		p++;
	}
	va_start(ap, ev);
	while ((name = va_arg(ap, const char *))) {
		uint64_t v = va_arg(ap, uint64_t);

		field(ev, name, &off, &size);
		memcpy(buf + off, &v, size);
	}
	va_end(ap);
	la_cpu_put(c, ts, buf, (end + 7) & ~7u);
}

static void marker(struct la_cpu_out *c, uint64_t ts, const char *text)
{
	unsigned char buf[160];

	la_cpu_put(c, ts, buf, la_marker_encode(buf, text));
}

#define U(x) ((uint64_t)(x))
#define EXIT(c, t, tid, vid, reason) \
	rec(c, t, tid, EV_EXIT, "exit_reason", U(reason), "isa", U(1), "vcpu_id", U(vid), \
	    "guest_rip", U(0xfff0), NULL)
#define ENTRY(c, t, tid, vid) rec(c, t, tid, EV_ENTRY, "vcpu_id", U(vid), NULL)

static void storm(struct la_cpu_out *c, int tid, unsigned int vid, uint64_t from, uint64_t step)
{
	for (unsigned int i = 0; i < 100; i++)
		rec(c, from + i * step, tid, EV_ACCEPT, "apicid", U(vid), "vec", U(0x30 + i), NULL);
}

static void vcpu_run(struct la_cpu_out *c, int tid, unsigned int vid, unsigned int rounds, uint64_t t,
		     bool with_storm)
{
	ENTRY(c, t, tid, vid);
	for (unsigned int r = 0; r < rounds; r++) {
		EXIT(c, t + 1000, tid, vid, 30);
		rec(c, t + 1100, tid, EV_PIO, "rw", U(1), "port", U(0x3f8), "size", U(1), NULL);
		rec(c, t + 1200, tid, EV_UEXIT, "reason", U(2), NULL);
		rec(c, t + 21200, tid, EV_FPU, "load", U(1), NULL);
		ENTRY(c, t + 21300, tid, vid);
		EXIT(c, t + 22000, tid, vid, 48);
		rec(c, t + 22100, tid, EV_FAULT, "vcpu_id", U(vid), "fault_address", U(0xfeb00000),
		    "error_code", U(0x2), NULL);
		ENTRY(c, t + 22600, tid, vid);
		EXIT(c, t + 23000, tid, vid, 32);
		rec(c, t + 23100, tid, EV_MSR, "write", U(1), "ecx", U(0x6e0), NULL);
		ENTRY(c, t + 23400, tid, vid);
		rec(c, t + 24000, tid, EV_ACCEPT, "apicid", U(vid), "vec", U(0xec), NULL);
		EXIT(c, t + 24100, tid, vid, 1);
		rec(c, t + 24200, tid, EV_INJ, "vector", U(0xec), NULL);
		ENTRY(c, t + 24300, tid, vid);
		if (with_storm && r == 0)
			storm(c, tid, vid, t + 24400, 5);
		EXIT(c, t + 25000, tid, vid, 12);
		if (with_storm && r == 0)
			storm(c, tid, vid, t + 25100, 100);
		ENTRY(c, t + 55000, tid, vid);
		t += 60000;
	}
}

static int write_trace(const char *out, struct la_cpu_out *cpus, unsigned int nc, const char *cmdlines)
{
	struct tvdat_fmt fmts[EV_NUM + 1];
	struct tvdat_cpu tc[8];
	char err[256];
	int fd, rc;

	for (unsigned int i = 0; i < EV_NUM; i++)
		fmts[i] = (struct tvdat_fmt){ "kvm", ev_text[i], strlen(ev_text[i]) };
	fmts[EV_NUM] = (struct tvdat_fmt){ "ftrace", la_print_format(), strlen(la_print_format()) };
	for (unsigned int c = 0; c < nc; c++) {
		if (la_cpu_flush(&cpus[c])) {
			fprintf(stderr, "gen-x86: writing pages: %s\n", strerror(cpus[c].err));
			return 1;
		}
		tc[c] = (struct tvdat_cpu){ NULL, cpus[c].fd, cpus[c].size };
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "gen-x86: %s: %s\n", out, strerror(errno));
		return 1;
	}
	struct tvdat_info info = {
		.page_size = 4096,
		.header_page = la_header_page(), .header_page_len = strlen(la_header_page()),
		.header_event = la_header_event(), .header_event_len = strlen(la_header_event()),
		.fmts = fmts, .nr_fmts = EV_NUM + 1, .printk = "", .printk_len = 0,
		.cmdlines = cmdlines, .cmdlines_len = strlen(cmdlines),
		.clock = "local", .nr_cpus = nc, .cpus = tc,
	};
	rc = tvdat_write(fd, &info, err, sizeof(err));
	if (close(fd) || rc) {
		fprintf(stderr, "gen-x86: %s\n", rc ? err : strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int tids[] = { 3001, 3002, 3201 };
	static const unsigned int vids[] = { 0, 1, 0 };
	struct la_cpu_out cpus[3] = { 0 };
	unsigned int rounds = 16;
	char tmpl[600];

	if (argc < 3 || argc > 5 || (argc == 5 && strcmp(argv[4], "storm"))) {
		fprintf(stderr, "usage: gen-x86 FIXTURES OUT [ROUNDS [storm]]\n");
		return 2;
	}
	if (argc >= 4)
		rounds = (unsigned int)strtoul(argv[3], NULL, 0);
	for (int i = 0; i < EV_NUM; i++) {
		ev_text[i] = slurp(argv[1], ev_names[i]);
		if (sscanf(strstr(ev_text[i], "ID: ") ? strstr(ev_text[i], "ID: ") : "", "ID: %d", &ev_id[i]) != 1)
			return fprintf(stderr, "gen-x86: %s: no ID\n", ev_names[i]), 1;
	}
	for (unsigned int c = 0; c < 3; c++) {
		snprintf(tmpl, sizeof(tmpl), "%s.cpu%u.XXXXXX", argv[2], c);
		cpus[c].fd = mkstemp(tmpl);
		if (cpus[c].fd < 0)
			return fprintf(stderr, "gen-x86: %s: %s\n", tmpl, strerror(errno)), 1;
		unlink(tmpl);
		tvdat_page_init(&cpus[c].p, cpus[c].page, sizeof(cpus[c].page));
	}
	marker(&cpus[0], 1000000, "kvmla-vm tgid=3000 name=x86-vm-a\n");
	marker(&cpus[0], 1000001, "kvmla-thread tid=3001 tgid=3000\n");
	marker(&cpus[0], 1000002, "kvmla-thread tid=3002 tgid=3000\n");
	for (unsigned int c = 0; c < 3; c++)
		vcpu_run(&cpus[c], tids[c], vids[c], rounds, 2000000 + 7 * c, argc == 5 && c == 0);
	return write_trace(argv[2], cpus, 3, "3001 CPU 0/KVM\n3002 CPU 1/KVM\n3201 CPU 0/KVM\n");
}
