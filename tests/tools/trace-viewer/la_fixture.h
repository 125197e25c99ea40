/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LoongArch fixtures without LoongArch hardware: the event format text of
 * every kvm/ tracepoint, generated from the catalog (KVMLA_EVENTS,
 * KVMLA_FIELDS_<name>, KVMLA_SYMS_<list>) in the layout the kernel writes
 * to events/kvm/<name>/format (common fields, the fixed-size fields at
 * their C offsets, a print fmt with __print_symbolic), plus raw records in
 * that layout, and a writer of whole trace.dat files of a known scenario.
 */
#ifndef LA_FIXTURE_H
#define LA_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "../../../tools/trace-viewer/trace-viewer.h"

#define LA_MAX_FIELDS 10

struct la_field {
	const char *type, *name, *fmt, *sym;
	unsigned int size, off;
	int is_signed;
	unsigned int nat_off;	/* natural-alignment offset from the catalog alone */
};

struct la_event {
	const char *name;
	int id;
	struct la_field f[LA_MAX_FIELDS];
	unsigned int nf, size;		/* record size with the common header */
	unsigned int nat_size;		/* the same, from the catalog alone */
	char *format;			/* the format file's text */
	int from_tracegen;		/* layout and print fmt from kvm/trace.h's expansion */
};

/* All events of the catalog, ids from base.  Returns the count. */
unsigned int la_events(struct la_event **out, int base);
const struct la_event *la_event(const char *name);
int la_field_index(const struct la_event *e, const char *field);
/* Raw record: common header (type, pid) and the values by field order. */
unsigned int la_encode(const struct la_event *e, int pid, const uint64_t *vals, unsigned char *buf);
/* The ftrace:print format (markers). */
const char *la_print_format(void);
/* The header_page and header_event texts of a 64-bit kernel with 4 KiB pages. */
const char *la_header_page(void);
const char *la_header_event(void);

/* Scenario counts for one round of one vCPU (see la_fixture.c). */
struct la_scenario {
	unsigned int vms, vcpus_per_vm, rounds;
	uint64_t delay_user_ns;		/* userspace round trip */
	/*
	 * late: each vCPU thread starts with an IOCSR write before anything
	 * else of it, and the identity markers come after every event
	 */
	int late;
	/*
	 * lat_ns: instead of the rounds, each vCPU makes one exit per sample,
	 * back in the guest lat_ns[i] ns later, with an interrupt queued at the
	 * exit and delivered at the re-entry (the same latency)
	 */
	const uint64_t *lat_ns;
	size_t nr_lat_ns;
	/*
	 * segs: instead, one vCPU (one VM) goes through these states in turn from
	 * first_ts on (seg_run() in la_fixture.c), and a last entry ends the trace
	 */
	const struct la_seg *segs;
	size_t nr_segs;
	uint64_t first_ts;
	/*
	 * only: a comma-separated list of the kvm events whose formats the file
	 * carries (NULL: all); records of the others stay, as unknown ids
	 * (small, fast-to-parse fuzz seeds)
	 */
	const char *only;
};
/* g guest, k kernel, u userspace, h halted; for ns */
struct la_seg { char st; uint64_t ns; };
/* one CPU's ring-buffer pages, written to fd as each fills (err: an errno) */
struct la_cpu_out {
	int fd;
	uint64_t size;
	unsigned char page[4096];
	struct tvdat_page p;
	int err;
};
void la_cpu_put(struct la_cpu_out *c, uint64_t ts, const void *data, unsigned int len);
/* writes the last, partly filled page, if any; returns c->err */
int la_cpu_flush(struct la_cpu_out *c);
int la_write_trace(const char *path, const struct la_scenario *s, char *err, size_t errlen);
/* ncpu CPUs x pages pages x per_page kvm_exit records (see la_fixture.c), for cutting */
int la_write_uniform(const char *path, unsigned int ncpu, unsigned int pages, unsigned int per_page,
		     unsigned int *rec_bytes, char *err, size_t errlen);

/*
 * An ftrace "print" record (event id 5, pid 999) holding a marker line, as
 * `record` writes them, into buf (160 bytes); returns its length.
 */
unsigned int la_marker_encode(unsigned char *buf, const char *text);

#endif /* LA_FIXTURE_H */
