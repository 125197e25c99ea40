// SPDX-License-Identifier: GPL-2.0
/*
 * Invariants of the catalog in include/kvmla/: unique numbers and names,
 * snake_case JSON keys, ordered ecode table, fixed-size tracepoint fields
 * that start with vcpu_id, and value lists that exist.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>

#include "kvmla/catalog.h"
#include "kvmla-tools.h"	/* tools/lib: the tools' lookup tables */
#include "../lib/ktest.h"

struct ent {
	long long v;
	const char *name;
	const char *key;
	int alias;
};

#define ENT(v, N, k, ...) { (v), #N, #k, 0 },
#define CSR_ENT(v, N, k, a) { (v), #N, #k, (a) },

static const struct ent ecodes[] = { KVMLA_ECODES(ENT) };
static const struct ent ints[] = { KVMLA_INTS(ENT) };
static const struct ent gspr[] = { KVMLA_GSPR_KINDS(ENT) };
static const struct ent exits[] = { KVMLA_KVM_EXITS(ENT) };
static const struct ent csrs[] = { KVMLA_CSRS(CSR_ENT) };

static bool snake(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_')
			return false;
	return s[-1] != '_';
}

/* Unique values (aliases excepted), unique names, unique snake_case keys. */
static int check_list(const struct ent *e, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (!snake(e[i].key))
			KT_FAILF("%s %s: json key \"%s\" is not snake_case",
				 what, e[i].name, e[i].key);
		for (size_t j = i + 1; j < n; j++) {
			if (e[i].v == e[j].v && !e[j].alias)
				KT_FAILF("%s %s and %s share value %lld", what,
					 e[i].name, e[j].name, e[i].v);
			if (!strcmp(e[i].name, e[j].name))
				KT_FAILF("%s name %s twice", what, e[i].name);
			if (!strcmp(e[i].key, e[j].key))
				KT_FAILF("%s key %s twice", what, e[i].key);
		}
	}
	return KT_PASS;
}

KTEST(ecodes_unique_snake)
{
	return check_list(ecodes, KTEST_N(ecodes), "ecode");
}

KTEST(ecodes_dense_and_bounded)
{
	/* Every hardware ecode 0..MAX has a name, in order. */
	KT_EXPECT_EQ(KTEST_N(ecodes), KVMLA_ECODE_MAX + 1);
	for (size_t i = 0; i < KTEST_N(ecodes); i++)
		KT_EXPECT_EQ(ecodes[i].v, (long long)i);
	KT_EXPECT(KVMLA_ECODE_MAX < KVMLA_ECODE_SLOTS);
	return KT_PASS;
}

KTEST(esubcodes_name_known_ecodes)
{
#define SUB(code, sub, N, k, t) { code, sub, #k },
	static const struct { int code, sub; const char *key; } s[] = {
		KVMLA_ESUBCODES(SUB)
	};
	for (size_t i = 0; i < KTEST_N(s); i++) {
		KT_EXPECT(s[i].code >= 0 && s[i].code <= KVMLA_ECODE_MAX);
		KT_EXPECT(snake(s[i].key));
		for (size_t j = i + 1; j < KTEST_N(s); j++)
			KT_EXPECT(s[i].code != s[j].code || s[i].sub != s[j].sub);
	}
	return KT_PASS;
}

KTEST(ints_unique_snake)
{
	KT_EXPECT_EQ(KTEST_N(ints), KVMLA_INT_NUM);
	return check_list(ints, KTEST_N(ints), "irq");
}

KTEST(gspr_kinds_unique_snake)
{
	KT_EXPECT_EQ(KTEST_N(gspr), KVMLA_GSPR_KIND_NUM);
	return check_list(gspr, KTEST_N(gspr), "gspr kind");
}

KTEST(kvm_exits_unique_snake)
{
	KT_EXPECT_EQ(KTEST_N(exits), KVMLA_KVM_EXIT_NUM);
	return check_list(exits, KTEST_N(exits), "KVM_EXIT");
}

KTEST(csrs_unique_snake)
{
	int r = check_list(csrs, KTEST_N(csrs), "CSR");
	long long max = 0;

	if (r != KT_PASS)
		return r;
	for (size_t i = 0; i < KTEST_N(csrs); i++) {
		if (csrs[i].v > max)
			max = csrs[i].v;
		if (!csrs[i].alias)
			continue;
		/* An alias shares its number with an earlier entry. */
		bool found = false;

		for (size_t j = 0; j < i; j++)
			found |= csrs[j].v == csrs[i].v && !csrs[j].alias;
		if (!found)
			KT_FAILF("CSR %s is marked alias but has no twin",
				 csrs[i].name);
	}
	KT_EXPECT_EQ(max, KVMLA_CSR_NUM_MAX);
	return KT_PASS;
}

/* Every value list of the meta-list, as (value, NAME, key). */
#define VAL3(v, N, k, ...) { (v), #N, #k, 0 },
#define LIST(name, ...) \
	static const struct ent name##_l[] = { KVMLA_SYMS_##name(VAL3) };
KVMLA_VALUE_LISTS(LIST)
static const struct {
	const char *name;
	const struct ent *e;
	size_t n;
} lists[] = {
#define LISTENT(name, ...) { #name, name##_l, KTEST_N(name##_l) },
	KVMLA_VALUE_LISTS(LISTENT)
};

KTEST(value_lists_unique_snake)
{
	for (size_t i = 0; i < KTEST_N(lists); i++) {
		int r;

		/* CSR numbers have aliases: csrs_unique_snake checks them. */
		if (!strcmp(lists[i].name, "CSR"))
			continue;
		r = check_list(lists[i].e, lists[i].n, lists[i].name);
		if (r != KT_PASS)
			return r;
		for (size_t j = i + 1; j < KTEST_N(lists); j++)
			if (!strcmp(lists[i].name, lists[j].name))
				KT_FAILF("list %s twice in KVMLA_VALUE_LISTS",
					 lists[i].name);
	}
	return KT_PASS;
}

/*
 * The tools' tables (tools/lib/catalog.c) hold every list of the
 * meta-list, entry for entry, and nothing else.
 */
KTEST(value_lists_reach_the_tools)
{
	KT_EXPECT_EQ(kvmla_nsymlists, KTEST_N(lists));
	for (size_t i = 0; i < KTEST_N(lists); i++) {
		const struct kvmla_symlist *l = kvmla_symlist_find(lists[i].name);

		if (!l)
			KT_FAILF("list %s is not in the tools' tables",
				 lists[i].name);
		if (l->nsyms != lists[i].n)
			KT_FAILF("list %s: the tools have %u entries, the catalog %zu",
				 lists[i].name, l->nsyms, lists[i].n);
		for (size_t k = 0; k < lists[i].n; k++)
			if (l->syms[k].value != (unsigned long long)lists[i].e[k].v ||
			    strcmp(l->syms[k].name, lists[i].e[k].name) ||
			    strcmp(l->syms[k].key, lists[i].e[k].key))
				KT_FAILF("list %s entry %zu: tools %s, catalog %s",
					 lists[i].name, k, l->syms[k].name,
					 lists[i].e[k].name);
	}
	return KT_PASS;
}

/* Tracepoint fields: fixed-size C types only; the symbols list must exist. */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

struct field {
	const char *name, *fmt, *syms;
	size_t size;
	int nsyms;	/* entries of the value list named by syms */
};

#define KVMLA_SYMS_NONE(X)

struct event {
	const char *name, *when;
	const struct field *f;
	size_t nf;
};

#define SYMCOUNT(v, ...) + 1
#define FIELD_AS_I(t, n, f, s) { #n, f, #s, sizeof(t), 0 KVMLA_SYMS_##s(SYMCOUNT) },
#define DECL(name, when) \
	static const struct field name##_fields[] = { \
		KVMLA_FIELDS_##name(FIELD_AS_I) };
KVMLA_EVENTS(DECL)
#define EVT(name, when) \
	{ #name, when, name##_fields, KTEST_N(name##_fields) },
static const struct event events[] = { KVMLA_EVENTS(EVT) };

KTEST(events_unique_and_named)
{
	for (size_t i = 0; i < KTEST_N(events); i++) {
		KT_EXPECT(!strncmp(events[i].name, "kvm_", 4));
		KT_EXPECT(snake(events[i].name));
		KT_EXPECT(strlen(events[i].when) > 10);
		for (size_t j = i + 1; j < KTEST_N(events); j++)
			if (!strcmp(events[i].name, events[j].name))
				KT_FAILF("event %s twice", events[i].name);
	}
	return KT_PASS;
}

KTEST(event_fields_fixed_size_vcpu_first)
{
	for (size_t i = 0; i < KTEST_N(events); i++) {
		const struct event *e = &events[i];

		if (e->nf < 1 || strcmp(e->f[0].name, "vcpu_id") ||
		    e->f[0].size != 4)
			KT_FAILF("%s: first field must be u32 vcpu_id", e->name);
		for (size_t j = 0; j < e->nf; j++) {
			const struct field *f = &e->f[j];

			if (!snake(f->name))
				KT_FAILF("%s.%s: not snake_case", e->name,
					 f->name);
			if (f->size != 1 && f->size != 2 && f->size != 4 &&
			    f->size != 8)
				KT_FAILF("%s.%s: size %zu", e->name, f->name,
					 f->size);
			/* A symbolic field prints with %s, a plain one not. */
			if (!strcmp(f->syms, "NONE") == !strcmp(f->fmt, "%s"))
				KT_FAILF("%s.%s: format %s with symbols %s",
					 e->name, f->name, f->fmt, f->syms);
			for (size_t k = j + 1; k < e->nf; k++)
				if (!strcmp(f->name, e->f[k].name))
					KT_FAILF("%s.%s twice", e->name,
						 f->name);
		}
	}
	return KT_PASS;
}

/*
 * Every symbolic field names a value list that exists (else this file does
 * not compile) and has entries, so it never prints as a bare number.
 */
KTEST(event_symbol_lists_exist)
{
	int symbolic = 0;

	for (size_t i = 0; i < KTEST_N(events); i++)
		for (size_t j = 0; j < events[i].nf; j++) {
			const struct field *f = &events[i].f[j];

			if (!strcmp(f->syms, "NONE"))
				continue;
			symbolic++;
			if (f->nsyms < 1)
				KT_FAILF("%s.%s: value list %s is empty",
					 events[i].name, f->name, f->syms);
		}
	KT_EXPECT(symbolic >= 10);
	return KT_PASS;
}

/*
 * Every list a field prints from is in the meta-list (so the tools, the
 * docs and these tests expand it) and in the tools' tables.
 */
KTEST(event_symbol_lists_are_value_lists)
{
	for (size_t i = 0; i < KTEST_N(events); i++)
		for (size_t j = 0; j < events[i].nf; j++) {
			const struct field *f = &events[i].f[j];
			bool found = false;

			if (!strcmp(f->syms, "NONE"))
				continue;
			for (size_t k = 0; k < KTEST_N(lists); k++)
				found |= !strcmp(lists[k].name, f->syms);
			if (!found)
				KT_FAILF("%s.%s: list %s is not in KVMLA_VALUE_LISTS",
					 events[i].name, f->name, f->syms);
			if (!kvmla_symlist_find(f->syms))
				KT_FAILF("%s.%s: list %s is not in the tools' tables",
					 events[i].name, f->name, f->syms);
		}
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(ecodes_unique_snake),
	KTEST_CASE(ecodes_dense_and_bounded),
	KTEST_CASE(esubcodes_name_known_ecodes),
	KTEST_CASE(ints_unique_snake),
	KTEST_CASE(gspr_kinds_unique_snake),
	KTEST_CASE(kvm_exits_unique_snake),
	KTEST_CASE(csrs_unique_snake),
	KTEST_CASE(value_lists_unique_snake),
	KTEST_CASE(value_lists_reach_the_tools),
	KTEST_CASE(events_unique_and_named),
	KTEST_CASE(event_fields_fixed_size_vcpu_first),
	KTEST_CASE(event_symbol_lists_exist),
	KTEST_CASE(event_symbol_lists_are_value_lists),
};

int main(int argc, char **argv)
{
	return ktest_main("table", cases, KTEST_N(cases));
}
