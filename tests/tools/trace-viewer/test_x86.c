// SPDX-License-Identifier: GPL-2.0
/*
 * x86 decoding from the file's own formats: the event format files of a
 * 6.18 x86 host (fixtures/x86, copied from tracefs) are parsed with
 * tep_parse_event(); exit-reason names must come from kvm_exit's print fmt
 * (VMX and SVM __print_symbolic tables), and records built in that layout
 * must decode and analyse (kvm_entry/kvm_exit are not emitted by every
 * KVM, e.g. kvm_pvm here, so the live suite cannot cover them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "../../lib/ktest.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

#ifndef FIXTURES
#define FIXTURES "fixtures/x86"
#endif

static struct tep_handle *tep;
static struct tv_reader *rd;

static int load(const char *name, const char *sys)
{
	char path[512], *buf;
	size_t n;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s.format", FIXTURES, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	buf = malloc(1 << 16);
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	r = tep_parse_event(tep, buf, n, sys);
	free(buf);
	return r;
}

static int setup(void)
{
	static const char *const kvm[] = { "kvm_exit", "kvm_entry", "kvm_userspace_exit", "kvm_pio",
					   "kvm_mmio", "kvm_fpu", "kvm_msr" };
	char err[256];

	if (tep)
		return rd ? 0 : -1;
	tep = tep_alloc();
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	for (size_t i = 0; i < sizeof(kvm) / sizeof(kvm[0]); i++)
		if (load(kvm[i], "kvm"))
			return -1;
	if (load("task_newtask", "task"))
		return -1;
	rd = tv_reader_from_tep(tep, err, sizeof(err));
	return rd ? 0 : -1;
}

/* A raw record of event `name` with fields set by name. */
static unsigned int build(const char *name, int pid, unsigned char *buf, const char **fields,
			  const uint64_t *vals, int n)
{
	struct tep_event *e = tep_find_event_by_name(tep, "kvm", name);
	uint16_t type = (uint16_t)e->id;
	unsigned int size = 8;

	memset(buf, 0, 128);
	memcpy(buf, &type, 2);
	memcpy(buf + 4, &pid, 4);
	for (struct tep_format_field *f = e->format.fields; f; f = f->next)
		if ((unsigned int)(f->offset + f->size) > size)
			size = f->offset + f->size;
	for (int i = 0; i < n; i++) {
		struct tep_format_field *f = tep_find_field(e, fields[i]);

		memcpy(buf + f->offset, &vals[i], f->size);
	}
	return (size + 7) & ~7u;
}

static struct tv_rec dec(const char *name, uint64_t ts, int pid, const char **fields,
			 const uint64_t *vals, int n)
{
	unsigned char buf[128];
	struct tep_record rec = { .ts = ts, .data = buf };
	struct tv_rec r = { 0 };

	rec.size = (int)build(name, pid, buf, fields, vals, n);
	tv_reader_decode(rd, &rec, &r);
	return r;
}

KTEST(profile_is_x86)
{
	if (setup())
		KT_FAILF("cannot parse fixtures/x86");
	KT_EXPECT_EQ(tv_reader_profile(rd), TV_PROFILE_X86);
	return KT_PASS;
}

KTEST(reason_names_from_print_fmt)
{
	if (setup())
		KT_FAILF("setup");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 1, 30), "IO_INSTRUCTION");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 1, 12), "HLT");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 1, 48), "EPT_VIOLATION");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 2, 0x7b), "io");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 2, 0x400), "npf");
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 2, 0x40 + 14), "PF excp");	/* "0x040 + 14" */
	KT_EXPECT_STREQ(tv_reader_x86_reason(rd, 2, 0x80000001u), "vmgexit_mmio_read");
	KT_EXPECT(tv_reader_x86_reason(rd, 2, 0x7777) == NULL);
	return KT_PASS;
}

KTEST(decode_exit_entry_userspace)
{
	static const char *ex[] = { "exit_reason", "isa", "vcpu_id", "guest_rip" };
	struct tv_rec r;

	if (setup())
		KT_FAILF("setup");
	r = dec("kvm_exit", 100, 77, ex, (uint64_t[]){ 0x7b, 2, 3, 0xfff0 }, 4);
	KT_EXPECT_EQ(r.kind, TV_EXIT);
	KT_EXPECT_EQ(r.reason, 0x7b);
	KT_EXPECT_EQ(r.isa, 2);
	KT_EXPECT_EQ(r.vcpu, 3);
	KT_EXPECT_EQ(r.pc, 0xfff0);
	KT_EXPECT_EQ(r.tid, 77);
	/* VMX: the basic reason is the low 16 bits (bit 31 = failed entry) */
	r = dec("kvm_exit", 100, 77, ex, (uint64_t[]){ 0x8000001e, 1, 0, 0 }, 4);
	KT_EXPECT_EQ(r.reason, 30);
	r = dec("kvm_entry", 100, 77, (const char *[]){ "vcpu_id" }, (uint64_t[]){ 5 }, 1);
	KT_EXPECT_EQ(r.kind, TV_ENTRY);
	KT_EXPECT_EQ(r.vcpu, 5);
	r = dec("kvm_userspace_exit", 100, 77, (const char *[]){ "reason" }, (uint64_t[]){ 2 }, 1);
	KT_EXPECT_EQ(r.kind, TV_UEXIT);
	KT_EXPECT_EQ(r.reason, 2);
	r = dec("kvm_pio", 100, 77, (const char *[]){ "rw", "port", "size" },
		(uint64_t[]){ 1, 0x3f8, 1 }, 3);
	KT_EXPECT_EQ(r.kind, TV_PIO);
	KT_EXPECT_EQ(r.rw, 1);
	KT_EXPECT_EQ(r.port, 0x3f8);
	/* kvm_mmio types: 0 unsatisfied read, 1 read, 2 write */
	r = dec("kvm_mmio", 100, 77, (const char *[]){ "type", "len", "gpa" },
		(uint64_t[]){ 2, 4, 0xd0000000 }, 3);
	KT_EXPECT_EQ(r.kind, TV_MMIO);
	KT_EXPECT_EQ(r.write, 1);
	KT_EXPECT_EQ(r.gpa, 0xd0000000);
	r = dec("kvm_mmio", 100, 77, (const char *[]){ "type" }, (uint64_t[]){ 0 }, 1);
	KT_EXPECT_EQ(r.write, 2);
	r = dec("kvm_fpu", 100, 77, (const char *[]){ "load" }, (uint64_t[]){ 1 }, 1);
	KT_EXPECT_EQ(r.kind, TV_RUN);
	r = dec("kvm_fpu", 100, 77, (const char *[]){ "load" }, (uint64_t[]){ 0 }, 1);
	KT_EXPECT_EQ(r.kind, TV_OTHER);
	r = dec("kvm_msr", 100, 77, (const char *[]){ "write", "ecx" }, (uint64_t[]){ 1, 0x6e0 }, 2);
	KT_EXPECT_EQ(r.kind, TV_CSR);
	KT_EXPECT_EQ(r.csr, 0x6e0);
	KT_EXPECT_EQ(r.write, 1);
	return KT_PASS;
}

KTEST(analysis_uses_file_names)
{
	static const char *ex[] = { "exit_reason", "isa", "vcpu_id" };
	struct tv_analysis an;
	struct tv_rec r[6];
	int io;

	if (setup())
		KT_FAILF("setup");
	r[0] = dec("kvm_entry", 1000, 9, (const char *[]){ "vcpu_id" }, (uint64_t[]){ 0 }, 1);
	r[1] = dec("kvm_exit", 2000, 9, ex, (uint64_t[]){ 0x7b, 2, 0 }, 3);
	r[2] = dec("kvm_userspace_exit", 2500, 9, (const char *[]){ "reason" }, (uint64_t[]){ 2 }, 1);
	r[3] = dec("kvm_fpu", 9000, 9, (const char *[]){ "load" }, (uint64_t[]){ 1 }, 1);
	r[4] = dec("kvm_entry", 9500, 9, (const char *[]){ "vcpu_id" }, (uint64_t[]){ 0 }, 1);
	r[5] = dec("kvm_exit", 9700, 9, ex, (uint64_t[]){ 0x78, 2, 0 }, 3);
	tv_an_init(&an, NULL, TV_PROFILE_X86);
	tv_reader_names(rd, &an);
	KT_EXPECT_EQ(tv_an_run(&an, r, 6), 0);
	io = tv_reason_find(&an, tv_reason_key(2, 0x7b));
	KT_EXPECT(io >= 0);
	KT_EXPECT_STREQ(an.reasons[io].name, "io");
	KT_EXPECT_EQ(an.reasons[io].count, 1);
	/* with kvm_entry in the trace the round trip ends at the entry, not at kvm_fpu */
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].count, 1);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].max, 7500);
	KT_EXPECT_EQ(an.vcpus[0].state_ns[TV_ST_KERNEL], 500 + 500);
	KT_EXPECT_EQ(an.vcpus[0].state_ns[TV_ST_USER], 6500);
	tv_an_free(&an);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(profile_is_x86),
	KTEST_CASE(reason_names_from_print_fmt),
	KTEST_CASE(decode_exit_entry_userspace),
	KTEST_CASE(analysis_uses_file_names),
};

int main(int argc, char **argv)
{
	int r = ktest_main("trace-viewer/x86", cases, KTEST_N(cases));

	tv_reader_close(rd);
	tep_free(tep);
	return r;
}
