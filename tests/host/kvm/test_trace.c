// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/trace.h against the catalog (include/kvmla/events.h):
 *   - every catalog event is a tracepoint and every tracepoint is in the
 *     catalog, with the catalog's fields in order as its arguments;
 *   - every field with a value list prints through __print_symbolic with
 *     every value of that list;
 *   - every event is fired somewhere in the kvm .c files, and nothing fires an
 *     event the catalog lacks;
 *   - docs/tracepoints.md is what scripts/gen-tracepoint-docs.sh makes.
 * trace.h is expanded by the C preprocessor with recording stand-ins for
 * the kernel's tracing macros.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/ktest.h"
#include "../../../include/kvmla/events.h"

static char top[PATH_MAX];

static int find_top(void)
{
	const char *env = getenv("KVMLA_TOP");
	char buf[PATH_MAX], probe[PATH_MAX + 64];

	if (env) {
		snprintf(top, sizeof(top), "%s", env);
		return 0;
	}
	/* This file is tests/host/kvm/test_trace.c. */
	snprintf(buf, sizeof(buf), "%s", __FILE__);
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(buf, '/');

		if (!slash)
			break;
		*slash = '\0';
	}
	if (buf[0] && strcmp(buf, __FILE__)) {
		snprintf(probe, sizeof(probe), "%s/include/kvmla/events.h", buf);
		if (!access(probe, R_OK)) {
			snprintf(top, sizeof(top), "%s", buf);
			return 0;
		}
	}
	if (!getcwd(buf, sizeof(buf)))
		return -1;
	for (;;) {
		char *slash;

		snprintf(probe, sizeof(probe), "%s/include/kvmla/events.h", buf);
		if (!access(probe, R_OK)) {
			snprintf(top, sizeof(top), "%s", buf);
			return 0;
		}
		slash = strrchr(buf, '/');
		if (!slash || slash == buf)
			return -1;
		*slash = '\0';
	}
}

/* The catalog, expanded here. */
struct ev {
	const char *name;
	const char *proto;	/* "u32 vcpu_id, u64 pc" */
};

#define F_PROTO(t, f, fmt, s)	", " #t " " #f
#define EV_(n, d)		{ #n, KVMLA_FIELDS_##n(F_PROTO) },
static const struct ev events[] = { KVMLA_EVENTS(EV_) };
#define NEV (sizeof(events) / sizeof(events[0]))

/* The preprocessed trace.h, one record per line. */
static char *expanded;

static const char stub_tracepoint[] =
	"#define TP_PROTO(a...) a\n"
	"#define TP_ARGS(a...) a\n"
	"#define TP_STRUCT__entry(a...) a\n"
	"#define TP_fast_assign(a...) a\n"
	"#define TP_printk(fmt, a...) PRINTK< fmt , a >\n"
	"#define DECLARE_EVENT_CLASS(n, p, a, s, f, pr) @CLASS n|pr\n"
	"#define DEFINE_EVENT(c, n, p, a) @EVENT n|c|p\n"
	"#define DEFINE_EVENT_FN(c, n, p, a, r, u) @EVENT n|c|p @REG n|r|u\n"
	"#define TRACE_EVENT(n, p, a, s, f, pr) @EVENT n|n|p\n";

static int expand_trace_h(void)
{
	char dir[] = "/tmp/kvmla-trace-XXXXXX", path[PATH_MAX + 64];
	char cmd[4 * PATH_MAX];
	size_t cap = 1 << 20, len = 0;
	FILE *f, *p;
	int c;

	if (expanded)
		return 0;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/linux", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/trace", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/linux/tracepoint.h", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(stub_tracepoint, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/trace/define_trace.h", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "${CC:-cc} -E -P -x c -I%s -I%s/include %s/kvm/trace.h "
		 "| tr '@' '\\n'; rm -rf %s", dir, top, top, dir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	expanded = malloc(cap);
	while ((c = fgetc(p)) != EOF) {
		if (len + 1 >= cap)
			expanded = realloc(expanded, cap *= 2);
		expanded[len++] = (char)c;
	}
	expanded[len] = '\0';
	return pclose(p) == 0 && len ? 0 : -1;
}

/* The line "<tag> name|..." of the expansion, or NULL. */
static const char *record(const char *tag, const char *name)
{
	char key[128];
	const char *s = expanded;

	snprintf(key, sizeof(key), "%s %s|", tag, name);
	while ((s = strstr(s, key))) {
		if (s == expanded || s[-1] == '\n')
			return s;
		s++;
	}
	return NULL;
}

/* Collapse runs of blanks to compare C text. */
static void squeeze(const char *in, char *out, size_t n, char stop)
{
	size_t o = 0;
	int blank = 0;

	for (; *in && *in != stop && *in != '\n' && o + 1 < n; in++) {
		if (*in == ' ' || *in == '\t') {
			blank = 1;
			continue;
		}
		if (blank && o && *in != ',' && out[o - 1] != '(')
			out[o++] = ' ';
		blank = 0;
		out[o++] = *in;
	}
	out[o] = '\0';
}

KTEST(every_catalog_event_is_a_tracepoint)
{
	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	for (size_t i = 0; i < NEV; i++)
		if (!record("EVENT", events[i].name))
			KT_FAILF("catalog event %s is not defined by trace.h",
				 events[i].name);
	return KT_PASS;
}

KTEST(every_tracepoint_is_in_the_catalog)
{
	const char *s;
	int n = 0;

	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	for (s = expanded; (s = strstr(s, "EVENT ")); s++) {
		char name[128];
		size_t i;

		if (s != expanded && s[-1] != '\n')
			continue;
		if (sscanf(s + 6, "%127[^|]", name) != 1)
			continue;
		n++;
		for (i = 0; i < NEV; i++)
			if (!strcmp(events[i].name, name))
				break;
		if (i == NEV)
			KT_FAILF("trace.h defines %s, which the catalog lacks",
				 name);
	}
	KT_EXPECT_EQ(n, NEV);
	return KT_PASS;
}

/*
 * kvmla_trace_key (kvm/tracepoints.c) is on while any event has a probe
 * only if every event registers the counting callbacks.
 */
KTEST(every_event_counts_toward_the_trace_key)
{
	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	for (size_t i = 0; i < NEV; i++) {
		const char *r = record("REG", events[i].name);
		char got[256];

		if (!r)
			KT_FAILF("%s has no registration callbacks",
				 events[i].name);
		squeeze(strchr(r, '|') + 1, got, sizeof(got), ';');
		if (strcmp(got, "kvmla_trace_reg|kvmla_trace_unreg"))
			KT_FAILF("%s registers %s", events[i].name, got);
	}
	return KT_PASS;
}

KTEST(tracepoint_arguments_are_the_catalog_fields)
{
	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	for (size_t i = 0; i < NEV; i++) {
		const char *r = record("EVENT", events[i].name);
		char got[1024], want[1024];

		if (!r)
			KT_FAILF("no tracepoint %s", events[i].name);
		r = strchr(r, '|');
		r = r ? strchr(r + 1, '|') : NULL;
		if (!r)
			KT_FAILF("malformed record for %s", events[i].name);
		squeeze(r + 1, got, sizeof(got), ';');
		squeeze(events[i].proto + 2, want, sizeof(want), '\0');
		if (strcmp(got, want))
			KT_FAILF("%s takes (%.200s), catalog says (%.200s)",
				 events[i].name, got, want);
		if (strncmp(got, "u32 vcpu_id", 11))
			KT_FAILF("%s does not start with u32 vcpu_id",
				 events[i].name);
	}
	return KT_PASS;
}

KTEST(events_with_equal_fields_share_a_class)
{
	const char *r;

	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	r = record("EVENT", "kvm_reenter");
	KT_EXPECT(r && !strncmp(strchr(r, '|') + 1, "kvmla_kvm_enter|", 16));
	KT_EXPECT(!record("CLASS", "kvmla_kvm_reenter"));
	KT_EXPECT(record("CLASS", "kvmla_kvm_enter"));
	return KT_PASS;
}

/* One symbolic field: its list must print whole. */
struct symcheck {
	const char *event, *field, *list;
	const char *const *names;
	const long *values;
	size_t n;
};

#define SYM_NAME_(v, N, ...)	#N,
#define SYM_VAL_(v, N, ...)	v,
#define SYMS_(l, ...)							\
	static const char *const names_##l[] = { KVMLA_SYMS_##l(SYM_NAME_) }; \
	static const long values_##l[] = { KVMLA_SYMS_##l(SYM_VAL_) };
KVMLA_VALUE_LISTS(SYMS_)

/* The value lists by name, from the one meta-list. */
#define SYMLIST_(l, ...)						\
	{ NULL, NULL, #l, names_##l, values_##l,			\
	  sizeof(values_##l) / sizeof(values_##l[0]) },
static const struct symcheck symlists[] = { KVMLA_VALUE_LISTS(SYMLIST_) };
static struct symcheck syms[256];
static size_t nsyms;

/* A field printed from list (not NONE); names stays NULL for a list
 * that KVMLA_VALUE_LISTS does not hold. */
static void add_sym(const char *ev, const char *field, const char *list)
{
	if (!strcmp(list, "NONE") || nsyms >= 256)
		return;
	syms[nsyms] = (struct symcheck){ ev, field, list, NULL, NULL, 0 };
	for (size_t i = 0; i < sizeof(symlists) / sizeof(symlists[0]); i++)
		if (!strcmp(symlists[i].list, list)) {
			syms[nsyms].names = symlists[i].names;
			syms[nsyms].values = symlists[i].values;
			syms[nsyms].n = symlists[i].n;
		}
	nsyms++;
}

#define F_ADD(t, f, fmt, s)	add_sym(cur, #f, #s);
#define EV_ADD(n, d)		cur = #n; KVMLA_FIELDS_##n(F_ADD)

static void collect_syms(void)
{
	const char *cur;

	if (nsyms)
		return;
	KVMLA_EVENTS(EV_ADD)
	(void)cur;
}

KTEST(symbolic_fields_print_every_catalog_name)
{
	if (expand_trace_h())
		KT_SKIP("cannot preprocess kvm/trace.h");
	collect_syms();
	KT_EXPECT(nsyms >= 20);
	for (size_t i = 0; i < nsyms; i++) {
		const struct symcheck *c = &syms[i];
		char cls[160], key[160], ent[160];
		const char *r, *r2, *ps, *end;
		const char *ev = c->event;

		if (!c->names)
			KT_FAILF("%s.%s: list %s is not in KVMLA_VALUE_LISTS",
				 ev, c->field, c->list);
		snprintf(cls, sizeof(cls), "kvmla_%s",
			 !strcmp(ev, "kvm_reenter") ? "kvm_enter" : ev);
		r = record("CLASS", cls);
		if (!r)
			KT_FAILF("no class %s", cls);
		r2 = strchr(r, '\n');
		snprintf(key, sizeof(key), "__print_symbolic(__entry->%s ",
			 c->field);
		ps = strstr(r, key);
		if (!ps || (r2 && ps > r2))
			KT_FAILF("%s.%s does not print by name", ev, c->field);
		end = strstr(ps, "})");
		if (!end)
			KT_FAILF("%s.%s: unterminated list", ev, c->field);
		for (size_t k = 0; k < c->n; k++) {
			const char *hit;
			int ok = 0;

			snprintf(ent, sizeof(ent), "\"%s\" }", c->names[k]);
			for (hit = ps; (hit = strstr(hit, ent)) && hit < end;
			     hit++) {
				const char *b = hit;

				while (b > ps && *b != '{')
					b--;
				if (strtol(b + 1, NULL, 0) == c->values[k])
					ok = 1;
			}
			if (!ok)
				KT_FAILF("%s.%s lacks { %ld, \"%s\" } of %s", ev,
					 c->field, c->values[k], c->names[k],
					 c->list);
		}
	}
	return KT_PASS;
}

/* Concatenation of the kvm .c files. */
static char *kvm_sources(void)
{
	char path[PATH_MAX + 300];
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/kvm", top);
	dir = opendir(path);
	if (!dir || !buf)
		return NULL;
	while ((d = readdir(dir))) {
		size_t l = strlen(d->d_name);
		FILE *f;
		int c;

		if (l < 3 || strcmp(d->d_name + l - 2, ".c"))
			continue;
		snprintf(path, sizeof(path), "%s/kvm/%s", top, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while ((c = fgetc(f)) != EOF) {
			if (len + 2 >= cap)
				buf = realloc(buf, cap *= 2);
			buf[len++] = (char)c;
		}
		buf[len++] = '\n';
		fclose(f);
	}
	closedir(dir);
	buf[len] = '\0';
	return buf;
}

KTEST(every_event_is_fired_and_only_catalog_events_are)
{
	char *src = kvm_sources();
	const char *s;

	if (!src)
		KT_SKIP("cannot read kvm/*.c");
	for (size_t i = 0; i < NEV; i++) {
		char call[160];

		snprintf(call, sizeof(call), "trace_%s(", events[i].name);
		if (!strstr(src, call))
			KT_FAILF("%s is never fired in kvm/*.c", events[i].name);
	}
	for (s = src; (s = strstr(s, "trace_kvm_")); s++) {
		char name[128];
		size_t i;

		if (sscanf(s + 6, "%127[a-z0-9_]", name) != 1)
			continue;
		if (s[6 + strlen(name)] != '(')
			continue;
		/* trace_<event>_enabled(): the event's own key, not a call */
		if (strlen(name) > 8 &&
		    !strcmp(name + strlen(name) - 8, "_enabled"))
			name[strlen(name) - 8] = '\0';
		for (i = 0; i < NEV; i++)
			if (!strcmp(events[i].name, name))
				break;
		if (i == NEV)
			KT_FAILF("kvm/*.c fires %s, which the catalog lacks",
				 name);
	}
	free(src);
	return KT_PASS;
}

KTEST(docs_agree_with_the_catalog)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "%s/scripts/gen-tracepoint-docs.sh --check",
		 top);
	KT_EXPECT_EQ(system(cmd), 0);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(every_catalog_event_is_a_tracepoint),
	KTEST_CASE(every_tracepoint_is_in_the_catalog),
	KTEST_CASE(every_event_counts_toward_the_trace_key),
	KTEST_CASE(tracepoint_arguments_are_the_catalog_fields),
	KTEST_CASE(events_with_equal_fields_share_a_class),
	KTEST_CASE(symbolic_fields_print_every_catalog_name),
	KTEST_CASE(every_event_is_fired_and_only_catalog_events_are),
	KTEST_CASE(docs_agree_with_the_catalog),
};

int main(int argc, char **argv)
{
	if (find_top()) {
		printf("SKIP: kvm/trace: cannot find the source tree\n");
		return 0;
	}
	return ktest_main("kvm/trace", cases, KTEST_N(cases));
}
