// SPDX-License-Identifier: GPL-2.0
/*
 * Event profiles.
 *
 *   loongarch  kvm/'s tracepoints; names and JSON keys from the catalog
 *              (include/kvmla/events.h value lists).
 *   x86        the running kernel's kvm:* events; symbolic names of a
 *              reason value come from the event's own print fmt, decoded by
 *              libtraceevent (never a retyped VMX/SVM table).
 *   generic    any other architecture: every kvm:* event, reasons by number.
 *
 * Picked from the running kernel (--profile overrides).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/utsname.h>
#include <traceevent/event-parse.h>
#include <tracefs/tracefs.h>
#include "kvmla-tools.h"
#include "collect.h"

static const char *tracefs_dir(struct ks_ctx *ctx)
{
	const char *d = ctx->o->tracefs;

	if (!d)
		d = getenv("KVMSTAT_LA_TRACEFS");
	return d ? d : "/sys/kernel/tracing";
}

int ks_event_find(const struct ks_profile *p, const char *name)
{
	for (int i = 0; i < p->nev; i++)
		if (!strcmp(p->ev[i].name, name))
			return i;
	return -1;
}

static void fieldref(struct tep_event *tev, const char *name, struct ks_fieldref *f)
{
	struct tep_format_field *ff = tep_find_field(tev, name);

	memset(f, 0, sizeof(*f));
	if (!ff || ff->size > 8 || ff->size <= 0 || (ff->flags & TEP_FIELD_IS_ARRAY))
		return;
	f->off = ff->offset;
	f->size = ff->size;
	snprintf(f->name, sizeof(f->name), "%s", name);
}

/* roles and reason fields, by event name, per profile */
struct ks_role_def {
	const char *event;
	int role;
	const char *reason;
	const char *sub;
};

static const struct ks_role_def x86_defs[] = {
	{ "kvm_exit",           KS_ROLE_EXIT,  "exit_reason", "isa" },
	{ "kvm_entry",          KS_ROLE_ENTRY, NULL,          NULL },
	{ "kvm_userspace_exit", KS_ROLE_UEXIT, "reason",      NULL },
	{ "kvm_pio",            KS_ROLE_NONE,  "rw",          NULL },
	{ "kvm_mmio",           KS_ROLE_NONE,  "type",        NULL },
	{ "kvm_fpu",            KS_ROLE_NONE,  "load",        NULL },	/* RUN when load=1 */
	{ NULL, 0, NULL, NULL }
};

static const struct ks_role_def la_roles[] = {
	{ "kvm_exit",    KS_ROLE_EXIT,  NULL, NULL },
	{ "kvm_enter",   KS_ROLE_RUN_ENTRY, NULL, NULL },
	{ "kvm_reenter", KS_ROLE_ENTRY, NULL, NULL },
	{ "kvm_out",     KS_ROLE_UEXIT, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

static const struct ks_role_def *role_def(const struct ks_role_def *defs, const char *ev)
{
	for (; defs->event; defs++)
		if (!strcmp(defs->event, ev))
			return defs;
	return NULL;
}

static bool is_loongarch_kernel(struct tep_handle *tep)
{
	struct utsname u;
	struct tep_event *e;

	if (!uname(&u) && !strncmp(u.machine, "loongarch", 9))
		return true;
	/* our kvm/ module on any machine: kvm_exit has the catalog's fields */
	e = tep_find_event_by_name(tep, "kvm", "kvm_exit");
	return e && tep_find_field(e, "esubcode") && tep_find_field(e, "badv");
}

static void setup_loongarch(struct ks_event *e)
{
	const struct kvmla_event_desc *d = kvmla_event_find(e->name);
	const struct ks_role_def *r = role_def(la_roles, e->name);
	int nsym = 0;

	e->role = r ? r->role : KS_ROLE_NONE;
	if (!d)
		return;
	/* first symbolic field is the reason, the second the sub key */
	for (unsigned int i = 0; i < d->nfields && nsym < 2; i++) {
		struct ks_fieldref *f = nsym ? &e->sub : &e->reason;

		if (!strcmp(d->fields[i].symbols, "NONE"))
			continue;
		fieldref(e->tev, d->fields[i].name, f);
		if (f->size) {
			f->symlist = d->fields[i].symbols;
			nsym++;
		}
	}
}

int ks_profile_load(struct ks_ctx *ctx)
{
	struct ks_profile *p = &ctx->prof;
	const char *dir = tracefs_dir(ctx);
	const char *systems[] = { "kvm", NULL };
	char path[512];
	struct stat st;

	snprintf(p->tracefs, sizeof(p->tracefs), "%s", dir);
	snprintf(path, sizeof(path), "%s/events/kvm", dir);
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		struct statfs sf;

		if (stat(dir, &st) || statfs(dir, &sf) || sf.f_type != TRACEFS_MAGIC)
			kvmla_err("tracefs not found at %s (mount it: mount -t tracefs nodev %s)",
			       dir, dir);
		else
			kvmla_err("no kvm events in %s (is KVM loaded? try -d for KVM stats)",
			       path);
		return -ENOENT;
	}
	p->tep = tracefs_local_events_system(dir, systems);
	if (!p->tep) {
		kvmla_err("cannot parse %s/events/kvm formats", dir);
		return -EINVAL;
	}
	return ks_profile_from_tep(ctx, p->tep);
}

/*
 * The profile from event formats already parsed: tracefs's (live) or a
 * recorded trace.dat's (--replay; the caller owns tep then and clears
 * p->tep before ks_profile_free()).
 */
int ks_profile_from_tep(struct ks_ctx *ctx, struct tep_handle *tep)
{
	struct ks_profile *p = &ctx->prof;
	struct tep_event **list;
	bool la;
	int n;

	p->tep = tep;
	list = tep_list_events(p->tep, TEP_EVENT_SORT_NAME);
	n = tep_get_events_count(p->tep);
	p->ev = calloc(n ? n : 1, sizeof(*p->ev));
	if (!p->ev)
		return -ENOMEM;
	la = is_loongarch_kernel(p->tep);
	if (ctx->o->profile)	/* x86, loongarch or generic: checked with the options */
		la = !strcmp(ctx->o->profile, "loongarch");
	if (la) {
		snprintf(p->name, sizeof(p->name), "loongarch");
	} else {
		struct tep_event *ke = tep_find_event_by_name(p->tep, "kvm", "kvm_exit");
		bool x86 = ke && tep_find_field(ke, "exit_reason") && tep_find_field(ke, "isa");

		snprintf(p->name, sizeof(p->name), "%s",
			 ctx->o->profile ? ctx->o->profile : x86 ? "x86" : "generic");
	}
	for (int i = 0; list && list[i]; i++) {
		struct tep_event *tev = list[i];
		struct ks_event *e;

		if (strcmp(tev->system, "kvm") || p->nev >= KS_MAX_EVENTS)
			continue;
		/* LoongArch profile: only the catalog's events */
		if (la && !kvmla_event_find(tev->name))
			continue;
		e = &p->ev[p->nev++];
		snprintf(e->name, sizeof(e->name), "%s", tev->name);
		e->id = tev->id;
		e->tev = tev;
		fieldref(tev, "vcpu_id", &e->vcpu);
		if (la) {
			setup_loongarch(e);
		} else {
			const struct ks_role_def *r = role_def(x86_defs, e->name);

			if (r) {
				e->role = r->role;
				if (r->reason)
					fieldref(tev, r->reason, &e->reason);
				if (r->sub)
					fieldref(tev, r->sub, &e->sub);
			}
		}
	}
	return 0;
}

void ks_profile_free(struct ks_profile *p)
{
	for (int i = 0; i < p->nev; i++)
		free(p->ev[i].names);
	free(p->ev);
	if (p->tep)
		tep_free(p->tep);
	memset(p, 0, sizeof(*p));
}

bool ks_event_has_reasons(const struct ks_profile *p, int event)
{
	return event >= 0 && event < p->nev && p->ev[event].reason.size;
}

/* Print the event's info with reason (and sub) set, other fields zero. */
static int print_info(struct ks_profile *p, struct ks_event *e, unsigned long long v,
		      char *out, size_t size)
{
	unsigned char buf[4096] = { 0 };
	struct tep_format_field *ct = tep_find_common_field(e->tev, "common_type");
	struct tep_record rec = { 0 };
	struct trace_seq s;
	unsigned int lo = (unsigned int)v, hi = (unsigned int)(v >> 32);
	unsigned short type = (unsigned short)e->id;

	if (!ct || e->reason.off + e->reason.size > (int)sizeof(buf))
		return -1;
	memcpy(buf + ct->offset, &type, sizeof(type));
	memcpy(buf + e->reason.off, &lo, e->reason.size < 4 ? e->reason.size : 4);
	if (e->sub.size)
		memcpy(buf + e->sub.off, &hi, e->sub.size < 4 ? e->sub.size : 4);
	rec.data = buf;
	rec.size = sizeof(buf);
	trace_seq_init(&s);
	tep_print_event(p->tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(out, size, "%s", s.buffer ? s.buffer : "");
	trace_seq_destroy(&s);
	return 0;
}

/*
 * The symbolic token for value v: compare the print of v with prints of the
 * same record carrying other values; what differs is the token.
 */
static void name_from_format(struct ks_profile *p, struct ks_event *e, unsigned long long v,
			     char *name, size_t size)
{
	static const unsigned int sentinels[] = { 0xfffffffeu, 0xfffffffdu, 0u };
	char a[1024], b[1024];
	size_t la, pre = (size_t)-1, suf = (size_t)-1;

	name[0] = '\0';
	if (print_info(p, e, v, a, sizeof(a)))
		return;
	la = strlen(a);
	for (size_t i = 0; i < sizeof(sentinels) / sizeof(sentinels[0]); i++) {
		unsigned long long sv = (v & ~0xffffffffULL) | sentinels[i];
		size_t lb, cp = 0, cs = 0;

		if (sv == v || print_info(p, e, sv, b, sizeof(b)) || !strcmp(a, b))
			continue;
		lb = strlen(b);
		while (cp < la && cp < lb && a[cp] == b[cp])
			cp++;
		while (cs < la - cp && cs < lb - cp && a[la - 1 - cs] == b[lb - 1 - cs])
			cs++;
		if (cp < pre)
			pre = cp;
		if (cs < suf)
			suf = cs;
	}
	if (pre == (size_t)-1 || pre + suf >= la)
		return;
	snprintf(name, size, "%.*s", (int)(la - pre - suf), a + pre);
	/* the raw value printed next to the name changed too: "IO (2" */
	char *par = strstr(name, " (");

	if (par && par[2] >= '0' && par[2] <= '9')
		*par = '\0';
}

const struct ks_reason_name *ks_reason(struct ks_profile *p, int event, unsigned long long v)
{
	struct ks_event *e;
	struct ks_reason_name *r;
	char tmp[64];

	if (event < 0 || event >= p->nev)
		return NULL;
	e = &p->ev[event];
	for (int i = 0; i < e->nnames; i++)
		if (e->names[i].value == v)
			return &e->names[i];
	r = realloc(e->names, (e->nnames + 1) * sizeof(*r));
	if (!r)
		return NULL;
	e->names = r;
	r = &e->names[e->nnames++];
	memset(r, 0, sizeof(*r));
	r->value = v;
	if (e->reason.symlist) {
		/* LoongArch: the catalog */
		const struct kvmla_sym *s1 = kvmla_sym_by_value(kvmla_symlist_find(e->reason.symlist),
							       (unsigned int)v);
		const struct kvmla_sym *s2 = e->sub.symlist ?
			kvmla_sym_by_value(kvmla_symlist_find(e->sub.symlist), v >> 32) : NULL;
		char n1[32], k1[32], n2[32] = "", k2[32] = "";

		if (s1) {
			snprintf(n1, sizeof(n1), "%s", s1->name);
			snprintf(k1, sizeof(k1), "%s", s1->key);
		} else {
			snprintf(n1, sizeof(n1), "%u", (unsigned int)v);
			snprintf(k1, sizeof(k1), "%u", (unsigned int)v);
		}
		if (e->sub.symlist) {
			if (s2) {
				snprintf(n2, sizeof(n2), ":%s", s2->name);
				snprintf(k2, sizeof(k2), "_%s", s2->key);
			} else {
				snprintf(n2, sizeof(n2), ":%u", (unsigned int)(v >> 32));
				snprintf(k2, sizeof(k2), "_%u", (unsigned int)(v >> 32));
			}
		}
		snprintf(r->name, sizeof(r->name), "%s%s", n1, n2);
		snprintf(r->key, sizeof(r->key), "%s%s", k1, k2);
		return r;
	}
	if (e->tev && e->reason.size)
		name_from_format(p, e, v, r->name, sizeof(r->name));
	if (!r->name[0])
		snprintf(r->name, sizeof(r->name), "%llu", v & 0xffffffffULL);
	kvmla_json_key(tmp, sizeof(tmp), r->name);
	/* "KVM_EXIT_IO" -> "io" */
	snprintf(r->key, sizeof(r->key), "%s",
		 !strncmp(tmp, "kvm_exit_", 9) && tmp[9] ? tmp + 9 : tmp[0] ? tmp : "0");
	return r;
}

bool ks_event_selected(struct ks_ctx *ctx, int event)
{
	if (!ctx->o->have_filter)
		return true;
	return regexec(&ctx->o->filter, ctx->prof.ev[event].name, 0, NULL, 0) == 0;
}
