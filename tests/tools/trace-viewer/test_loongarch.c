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

/*
 * A value per field from its name, never its position, within the field's
 * size; distinct between the fields of an event (the tests check).
 */
static uint64_t value_by_name(const struct la_field *f)
{
	uint32_t h = 2166136261u;	/* FNV-1a of the name */

	for (const char *p = f->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (!strcmp(f->name, "vcpu_id"))
		return 3;
	if (f->size == 1)
		return 1 + h % 250;
	if (f->size == 2)
		return 0x100 + h % 0xff00;
	return 0x1000 + (h & 0xfff) + (f->size == 8 ? 0x123456700000000ull : 0);
}

/* The same, but a symbolic field gets a known entry of its value list. */
static uint64_t value_for(const struct la_field *f)
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
	return value_by_name(f);
}

/* Sets vals[] of event e from "name=value ..." (strtoull: hex, negative).
 * -1 on a name e does not have. */
static int values_by_name(const struct la_event *e, const char *spec, uint64_t *vals)
{
	while (*spec) {
		char name[64];
		size_t n = strcspn(spec, "=");
		int i;

		if (!spec[n] || n >= sizeof(name))
			return -1;
		memcpy(name, spec, n);
		name[n] = 0;
		i = la_field_index(e, name);
		if (i < 0)
			return -1;
		vals[i] = strtoull(spec + n + 1, (char **)&spec, 0);
		spec += strspn(spec, " ");
	}
	return 0;
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

		for (unsigned int j = 0; j < evs[i].nf; j++) {
			vals[j] = value_for(&evs[i].f[j]);
			for (unsigned int k = 0; k < j; k++)
				if (vals[k] == vals[j] && !strcmp(evs[i].f[j].sym, "NONE") &&
				    !strcmp(evs[i].f[k].sym, "NONE"))
					KT_FAILF("%s: %s and %s get the same value", evs[i].name,
						 evs[i].f[k].name, evs[i].f[j].name);
		}
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

/* The line libtraceevent prints for event with the fields of spec. */
static int printed(const char *event, const char *spec, char *out, size_t len)
{
	const struct la_event *le = la_event(event);
	uint64_t vals[LA_MAX_FIELDS];
	unsigned char buf[128];
	struct tep_record rec;
	struct trace_seq s;

	memset(vals, 0, sizeof(vals));	/* the fields not named are 0 */
	if (!le || values_by_name(le, spec, vals))
		return -1;
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
#define PRINTS(ev, spec, want) do {						\
	if (printed(ev, spec, out, sizeof(out)))				\
		KT_FAILF("%s has no field of \"%s\"", ev, spec);		\
	KT_EXPECT_STREQ(out, want);						\
} while (0)
	PRINTS("kvm_exit", "vcpu_id=1 reason=22 pc=0x9000000000201234",
	       "kvm_exit vcpu_id=1 reason=GSPR esubcode=0 pc=0x9000000000201234 badv=0x0");
	PRINTS("kvm_exit_csr", "csr=0x41 op=1",
	       "kvm_exit_csr vcpu_id=0 csr=TCFG op=WR outcome=SW");
	PRINTS("kvm_out", "vcpu_id=2 exit_reason=38 pc=0x10",
	       "kvm_out vcpu_id=2 exit_reason=LOONGARCH_IOCSR pc=0x10");
	PRINTS("kvm_gpa_fault", "write=1 level=2 path=1 kind=1 result=-14 gpa=0xd0000000",
	       "kvm_gpa_fault vcpu_id=0 write=1 exec=0 level=2 path=SLOW kind=MMIO "
	       "result=-14 gpa=0xd0000000");
	PRINTS("kvm_irq", "vcpu_id=5 op=2 irq=11 source=2",
	       "kvm_irq vcpu_id=5 op=DELIVER irq=TI source=TIMER");
	PRINTS("kvm_hypercall", "func=0x101",
	       "kvm_hypercall vcpu_id=0 func=SWDBG result=0");
	return KT_PASS;
}

/* Which field each decoded slot holds (NULL: 0), by name. */
struct want {
	const char *event;
	enum tv_kind kind;
	const char *arg1, *arg2, *arg3, *arg64;	/* the field in each slot */
	uint32_t b_acc;		/* kvm_gpa_fault: the access class in arg2's bits 8.. */
	const char *set;	/* values the decoder interprets, by name */
};

/* vals[] of the field named name of event le, 0 for NULL */
static uint64_t field_value(const struct la_event *le, const uint64_t *vals, const char *name)
{
	int i = name ? la_field_index(le, name) : -1;

	return i < 0 ? 0 : vals[i];
}

KTEST(decoder_maps_every_event)
{
	/*
	 * Every field gets value_by_name() (distinct within the event, so a
	 * field in the wrong slot shows), then the values of .set.
	 */
	static const struct want w[] = {
		{ "kvm_enter", TV_ENTRY, .arg64 = "pc" },
		{ "kvm_reenter", TV_ENTRY, .arg64 = "pc" },
		{ "kvm_out", TV_UEXIT, .arg1 = "exit_reason", .arg64 = "pc" },
		{ "kvm_exit", TV_EXIT, .arg1 = "reason", .arg2 = "esubcode", .arg64 = "pc" },
		{ "kvm_exit_gspr", TV_GSPR, .arg1 = "kind", .arg2 = "inst_word", .arg64 = "pc" },
		{ "kvm_exit_csr", TV_CSR, .arg1 = "csr", .arg2 = "op", .arg3 = "outcome" },
		{ "kvm_exit_iocsr", TV_PIO, .arg1 = "rw", .arg3 = "len", .arg64 = "addr" },
		/* b: is-write, 1 for rw == 1 (WRITE) */
		{ "kvm_exit_mmio", TV_MMIO, .arg1 = "rw", .arg2 = "rw", .arg3 = "len", .arg64 = "gpa",
		  .set = "rw=1" },
		{ "kvm_exit_idle", TV_IDLE, .arg64 = "pc" },
		/* write and exec both set: exec wins */
		{ "kvm_gpa_fault", TV_FAULT, .arg1 = "kind", .arg2 = "path", .arg3 = "result", .arg64 = "gpa",
		  .b_acc = TV_ACC_EXEC },
		{ "kvm_tlb_flush", TV_TLB, .arg1 = "scope", .arg2 = "reason", .arg64 = "gpa" },
		{ "kvm_vpid_change", TV_VPID, .arg1 = "reason", .arg2 = "pcpu", .arg64 = "new_vpid" },
		{ "kvm_vpid_rollover", TV_ROLLOVER, .arg2 = "pcpu", .arg64 = "generation" },
		/* op 1 = DEQUEUE: neither queued nor delivered */
		{ "kvm_irq", TV_OTHER, .arg1 = "irq", .arg2 = "source", .arg3 = "op", .set = "op=1" },
		{ "kvm_exit_cpucfg", TV_OTHER, .arg1 = NULL },
		{ "kvm_exit_cache", TV_OTHER, .arg1 = NULL },
		{ "kvm_hypercall", TV_OTHER, .arg1 = NULL },
		{ "kvm_timer", TV_TIMER, .arg1 = "op" },
		{ "kvm_aux", TV_OTHER, .arg1 = NULL },
		{ "kvm_vcpu_load", TV_OTHER, .arg1 = NULL },
		{ "kvm_vcpu_put", TV_OTHER, .arg1 = NULL },
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
		uint32_t a, b, c;
		uint64_t x;

		if (!le)
			KT_FAILF("%s: no such event", w[k].event);
		for (const char *const *n = &w[k].arg1; n <= &w[k].arg64; n++)
			if (*n && la_field_index(le, *n) < 0)
				KT_FAILF("%s: no field %s", w[k].event, *n);
		for (unsigned int j = 0; j < le->nf; j++) {
			vals[j] = value_by_name(&le->f[j]);
			for (unsigned int i = 0; i < j; i++)
				if (vals[i] == vals[j])
					KT_FAILF("%s: %s and %s get the same value", w[k].event,
						 le->f[i].name, le->f[j].name);
		}
		if (w[k].set && values_by_name(le, w[k].set, vals))
			KT_FAILF("%s: no field of \"%s\"", w[k].event, w[k].set);
		a = field_value(le, vals, w[k].arg1);
		b = field_value(le, vals, w[k].arg2) | w[k].b_acc << 8;
		c = field_value(le, vals, w[k].arg3);
		x = field_value(le, vals, w[k].arg64);
		record_of(&rec, buf, la_encode(le, 4242, vals, buf));
		if (tv_reader_decode(rd, &rec, &r) != 1)
			KT_FAILF("%s: not decoded", w[k].event);
		if (r.kind != w[k].kind || r.tid != 4242 || r.vcpu != 3 || r.cpu != 1 ||
		    r.ts != 123456789 || r.evid != le->id)
			KT_FAILF("%s: kind %u tid %u vcpu %u", w[k].event, r.kind, r.tid, r.vcpu);
		if (w[k].kind == TV_OTHER && strcmp(w[k].event, "kvm_irq"))
			continue;
		if (r.arg1 != a || r.arg2 != b || r.arg3 != c || r.arg64 != x)
			KT_FAILF("%s: a=0x%x b=0x%x c=0x%x x=0x%llx, expected a=0x%x b=0x%x "
				 "c=0x%x x=0x%llx", w[k].event, r.arg1, r.arg2, r.arg3,
				 (unsigned long long)r.arg64, a, b, c, (unsigned long long)x);
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
	int vcpu;

	if (setup())
		KT_FAILF("setup");
	le = la_event("kvm_exit");
	record_of(&rec, buf, la_encode(le, 1, vals, buf));
	rec.size = 4;		/* shorter than the common header */
	KT_EXPECT_EQ(tv_reader_decode(rd, &rec, &r), 0);
	if (values_by_name(le, "vcpu_id=9 reason=22", vals))
		KT_FAILF("kvm_exit has no vcpu_id or reason");
	vcpu = la_field_index(le, "vcpu_id");
	/* up to the end of vcpu_id only: the rest is left zero */
	rec.size = (int)(le->f[vcpu].off + le->f[vcpu].size);
	KT_EXPECT(le->f[la_field_index(le, "reason")].off >= (unsigned int)rec.size);
	la_encode(le, 1, vals, buf);
	KT_EXPECT_EQ(tv_reader_decode(rd, &rec, &r), 1);
	KT_EXPECT_EQ(r.vcpu, 9);
	KT_EXPECT_EQ(r.reason, 0);
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
