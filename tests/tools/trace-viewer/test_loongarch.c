// SPDX-License-Identifier: GPL-2.0
/*
 * LoongArch decoding without LoongArch hardware (libtraceevent's utest
 * pattern): parse every kvm/ event format generated from the catalog with
 * tep_parse_event(), build raw records in that layout, then check that
 * libtraceevent reads each field back, prints catalog names through
 * __print_symbolic, and that trace-viewer's decoder maps each event.
 */
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "../../lib/ktest.h"
#include "la_fixture.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

static struct tep_handle *tep;
static struct tv_reader *rd;
static struct la_event *evs;
static unsigned int nev;

static int setup(void)
{
	char err[256];

	if (tep)
		return 0;
	nev = la_events(&evs, 1000);
	tep = tep_alloc();
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	for (unsigned int i = 0; i < nev; i++)
		if (tep_parse_event(tep, evs[i].format, strlen(evs[i].format), "kvm"))
			return -1;
	if (tep_parse_event(tep, la_print_format(), strlen(la_print_format()), "ftrace"))
		return -1;
	rd = tv_reader_from_tep(tep, err, sizeof(err));
	return rd ? 0 : -1;
}

static void record_of(struct tep_record *rec, unsigned char *buf, unsigned int len)
{
	memset(rec, 0, sizeof(*rec));
	rec->ts = 123456789;
	rec->data = buf;
	rec->size = (int)len;
	rec->cpu = 1;
}

/* Distinct value per field, within the field's size and its value list. */
static uint64_t value_for(const struct la_field *f, unsigned int i)
{
	if (!strcmp(f->name, "vcpu_id"))
		return 3;
	if (!strcmp(f->sym, "ECODE"))
		return 22;	/* GSPR */
	if (!strcmp(f->sym, "CSR"))
		return 0x41;	/* TCFG */
	if (!strcmp(f->sym, "KVM_EXIT"))
		return 38;	/* LOONGARCH_IOCSR */
	if (!strcmp(f->sym, "INT"))
		return 11;	/* TI */
	if (!strcmp(f->sym, "HCALL_FUNC"))
		return 0x101;	/* SWDBG */
	if (strcmp(f->sym, "NONE"))
		return 1;
	if (f->size == 1)
		return 1 + i;
	return 0x1000 + i * 0x11 + (f->size == 8 ? 0x123456700000000ull : 0);
}

KTEST(every_format_parses)
{
	if (setup())
		KT_FAILF("tep_parse_event failed for a generated format");
	KT_EXPECT_EQ(nev, 21);
	for (unsigned int i = 0; i < nev; i++) {
		struct tep_event *e = tep_find_event_by_name(tep, "kvm", evs[i].name);

		if (!e)
			KT_FAILF("event %s not found after parsing", evs[i].name);
		KT_EXPECT_EQ(e->id, evs[i].id);
		for (unsigned int j = 0; j < evs[i].nf; j++) {
			struct tep_format_field *f = tep_find_field(e, evs[i].f[j].name);

			if (!f)
				KT_FAILF("%s: no field %s", evs[i].name, evs[i].f[j].name);
			KT_EXPECT_EQ(f->offset, evs[i].f[j].off);
			KT_EXPECT_EQ(f->size, evs[i].f[j].size);
			KT_EXPECT_EQ(!!(f->flags & TEP_FIELD_IS_SIGNED), evs[i].f[j].is_signed);
		}
	}
	KT_EXPECT_EQ(tv_reader_profile(rd), TV_PROFILE_LOONGARCH);
	return KT_PASS;
}

/* kvm/trace.h's expansion (la_tracegen.c) agrees with the catalog alone */
KTEST(tracegen_layout_is_the_catalogs)
{
	if (setup())
		KT_FAILF("setup");
	for (unsigned int i = 0; i < nev; i++) {
		if (!evs[i].from_tracegen)
			KT_FAILF("%s: not in include/kvmla/tracegen.h's expansion", evs[i].name);
		KT_EXPECT_EQ(evs[i].size, evs[i].nat_size);
		for (unsigned int j = 0; j < evs[i].nf; j++)
			if (evs[i].f[j].off != evs[i].f[j].nat_off)
				KT_FAILF("%s.%s at %u, catalog order says %u", evs[i].name,
					 evs[i].f[j].name, evs[i].f[j].off, evs[i].f[j].nat_off);
		if (!strstr(evs[i].format, "print fmt: \"vcpu_id=%u"))
			KT_FAILF("%s: print fmt does not start with vcpu_id", evs[i].name);
	}
	return KT_PASS;
}

KTEST(every_field_reads_back)
{
	if (setup())
		KT_FAILF("setup");
	for (unsigned int i = 0; i < nev; i++) {
		struct tep_event *e = tep_find_event_by_name(tep, "kvm", evs[i].name);
		unsigned char buf[128];
		uint64_t vals[LA_MAX_FIELDS];
		struct tep_record rec;

		for (unsigned int j = 0; j < evs[i].nf; j++)
			vals[j] = value_for(&evs[i].f[j], j);
		record_of(&rec, buf, la_encode(&evs[i], 4242, vals, buf));
		KT_EXPECT_EQ(tep_data_type(tep, &rec), evs[i].id);
		KT_EXPECT_EQ(tep_data_pid(tep, &rec), 4242);
		for (unsigned int j = 0; j < evs[i].nf; j++) {
			unsigned long long v = 0;
			uint64_t want = vals[j];

			if (tep_get_field_val(NULL, e, evs[i].f[j].name, &rec, &v, 0))
				KT_FAILF("%s.%s: not readable", evs[i].name, evs[i].f[j].name);
			if (evs[i].f[j].size < 8)
				want &= (1ull << (8 * evs[i].f[j].size)) - 1;
			if (v != want)
				KT_FAILF("%s.%s == 0x%llx, expected 0x%llx", evs[i].name,
					 evs[i].f[j].name, v, (unsigned long long)want);
		}
	}
	return KT_PASS;
}

static int printed(const char *event, const uint64_t *vals, char *out, size_t len)
{
	const struct la_event *le = la_event(event);
	unsigned char buf[128];
	struct tep_record rec;
	struct trace_seq s;

	record_of(&rec, buf, la_encode(le, 7, vals, buf));
	trace_seq_init(&s);
	tep_print_event(tep, &s, &rec, "%s %s", TEP_PRINT_NAME, TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(out, len, "%s", s.buffer);
	trace_seq_destroy(&s);
	return 0;
}

KTEST(symbols_print_catalog_names)
{
	char out[512];

	if (setup())
		KT_FAILF("setup");
	printed("kvm_exit", (uint64_t[]){ 1, 22, 0, 0x9000000000201234ull, 0 }, out, sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_exit vcpu_id=1 reason=GSPR esubcode=0 pc=0x9000000000201234 badv=0x0");
	printed("kvm_exit_csr", (uint64_t[]){ 0, 0x41, 1, 0 }, out, sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_exit_csr vcpu_id=0 csr=TCFG op=WR outcome=SW");
	printed("kvm_out", (uint64_t[]){ 2, 38, 0x10 }, out, sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_out vcpu_id=2 exit_reason=LOONGARCH_IOCSR pc=0x10");
	printed("kvm_gpa_fault", (uint64_t[]){ 0, 1, 0, 2, 1, 1, (uint64_t)-14, 0xd0000000 }, out,
		sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_gpa_fault vcpu_id=0 write=1 exec=0 level=2 path=SLOW kind=MMIO "
			     "result=-14 gpa=0xd0000000");
	printed("kvm_irq", (uint64_t[]){ 5, 2, 11, 2 }, out, sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_irq vcpu_id=5 op=DELIVER irq=TI source=TIMER");
	printed("kvm_hypercall", (uint64_t[]){ 0, 0x101, 0 }, out, sizeof(out));
	KT_EXPECT_STREQ(out, "kvm_hypercall vcpu_id=0 func=SWDBG result=0");
	return KT_PASS;
}

struct want { const char *event; enum tv_kind kind; uint32_t a, b, c; uint64_t x; };

KTEST(decoder_maps_every_event)
{
	/* the values come from value_for(): vcpu_id 3, ECODE 22, CSR 0x41, ... */
	static const struct want w[] = {
		{ "kvm_enter", TV_ENTRY, 0, 0, 0, 0x123456700001011ull },
		{ "kvm_reenter", TV_ENTRY, 0, 0, 0, 0x123456700001011ull },
		{ "kvm_out", TV_UEXIT, 38, 0, 0, 0x123456700001022ull },
		{ "kvm_exit", TV_EXIT, 22, 0x1022, 0, 0x123456700001033ull },
		{ "kvm_exit_gspr", TV_GSPR, 1, 0x1022, 0, 0x123456700001033ull },
		{ "kvm_exit_csr", TV_CSR, 0x41, 1, 1, 0 },
		{ "kvm_exit_iocsr", TV_PIO, 1, 0, 0x1011, 0x123456700001033ull },
		{ "kvm_exit_mmio", TV_MMIO, 1, 1, 0x1011, 0x123456700001033ull },
		{ "kvm_exit_idle", TV_IDLE, 0, 0, 0, 0x123456700001011ull },
		{ "kvm_gpa_fault", TV_FAULT, 1, 1 | TV_ACC_EXEC << 8, 0x1066, 0x123456700001077ull },
		{ "kvm_tlb_flush", TV_TLB, 1, 1, 0, 0x123456700001033ull },
		{ "kvm_vpid_change", TV_VPID, 1, 0x1011, 0, 0x123456700001044ull },
		{ "kvm_vpid_rollover", TV_ROLLOVER, 0, 0x1011, 0, 0x123456700001022ull },
		{ "kvm_irq", TV_OTHER, 11, 1, 1, 0 },	/* op 1 = DEQUEUE */
		{ "kvm_exit_cpucfg", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_exit_cache", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_hypercall", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_timer", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_aux", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_vcpu_load", TV_OTHER, 0, 0, 0, 0 },
		{ "kvm_vcpu_put", TV_OTHER, 0, 0, 0, 0 },
	};

	if (setup())
		KT_FAILF("setup");
	KT_EXPECT_EQ(KTEST_N(w), nev);
	for (size_t k = 0; k < KTEST_N(w); k++) {
		const struct la_event *le = la_event(w[k].event);
		unsigned char buf[128];
		uint64_t vals[LA_MAX_FIELDS];
		struct tep_record rec;
		struct tv_rec r;

		for (unsigned int j = 0; j < le->nf; j++)
			vals[j] = value_for(&le->f[j], j);
		record_of(&rec, buf, la_encode(le, 4242, vals, buf));
		if (tv_reader_decode(rd, &rec, &r) != 1)
			KT_FAILF("%s: not decoded", w[k].event);
		if (r.kind != w[k].kind || r.tid != 4242 || r.vcpu != 3 || r.cpu != 1 ||
		    r.ts != 123456789 || r.evid != le->id)
			KT_FAILF("%s: kind %u tid %u vcpu %u", w[k].event, r.kind, r.tid, r.vcpu);
		if (w[k].kind == TV_OTHER && strcmp(w[k].event, "kvm_irq"))
			continue;
		if (r.a != w[k].a || r.b != w[k].b || r.c != w[k].c || r.x != w[k].x)
			KT_FAILF("%s: a=0x%x b=0x%x c=0x%x x=0x%llx", w[k].event, r.a, r.b, r.c,
				 (unsigned long long)r.x);
		KT_EXPECT_STREQ(tv_reader_event_name(rd, &r), w[k].event);
	}
	return KT_PASS;
}

KTEST(decoder_rejects_short_records)
{
	const struct la_event *le;
	unsigned char buf[128];
	uint64_t vals[LA_MAX_FIELDS] = { 0 };
	struct tep_record rec;
	struct tv_rec r;

	if (setup())
		KT_FAILF("setup");
	le = la_event("kvm_exit");
	record_of(&rec, buf, la_encode(le, 1, vals, buf));
	rec.size = 4;		/* shorter than the common header */
	KT_EXPECT_EQ(tv_reader_decode(rd, &rec, &r), 0);
	rec.size = 12;		/* vcpu_id only: the rest is left zero */
	vals[0] = 9;
	vals[1] = 22;
	la_encode(le, 1, vals, buf);
	KT_EXPECT_EQ(tv_reader_decode(rd, &rec, &r), 1);
	KT_EXPECT_EQ(r.vcpu, 9);
	KT_EXPECT_EQ(r.a, 0);
	buf[0] = 0xff;		/* unknown event id */
	buf[1] = 0x7f;
	KT_EXPECT_EQ(tv_reader_decode(rd, &rec, &r), 0);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(every_format_parses),
	KTEST_CASE(tracegen_layout_is_the_catalogs),
	KTEST_CASE(every_field_reads_back),
	KTEST_CASE(symbols_print_catalog_names),
	KTEST_CASE(decoder_maps_every_event),
	KTEST_CASE(decoder_rejects_short_records),
};

int main(int argc, char **argv)
{
	int r = ktest_main("trace-viewer/loongarch", cases, KTEST_N(cases));

	tv_reader_close(rd);
	tep_free(tep);
	return r;
}
