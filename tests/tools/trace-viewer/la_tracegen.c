// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's view of our tracepoints, without the kernel: kvm/trace.h is
 * KVMLA_EVENTS(KVMLA_TP_CLASS_OF) + KVMLA_EVENTS(KVMLA_TP_EVENT_OF) from
 * include/kvmla/tracegen.h.  Here the same two expansions run through
 * userspace definitions of the tracing macros, in stages like the kernel's
 * trace_events.h: the record struct of each class (so offsets and sizes are
 * the compiler's), its fields with type names and signedness as
 * TP_STRUCT__entry/__field produce them, and the print fmt as TP_printk
 * stringifies it (REC->..., __print_symbolic left as text).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "la_tracegen.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#include <kvmla/tracegen.h>

#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wbool-compare"

#define TP_PROTO(...)
#define TP_ARGS(...)
#define TP_fast_assign(...)
#define TP_STRUCT__entry(...) __VA_ARGS__

/* kvm.ko's events carry reg/unreg callbacks (the trace key): not here */
#define DEFINE_EVENT_FN(cls, ev, proto, args, reg, unreg) DEFINE_EVENT(cls, ev, proto, args)

/* stage 1: struct trace_event_raw_<class> */
#define __field(t, n) t n;
#define TP_printk(...)
#define DECLARE_EVENT_CLASS(cls, proto, args, tstruct, assign, print) \
	struct tg_raw_##cls { unsigned short common_type; unsigned char common_flags; \
		unsigned char common_preempt_count; int common_pid; tstruct }
#define DEFINE_EVENT(cls, ev, proto, args) struct tg_unused_##ev
KVMLA_EVENTS(KVMLA_TP_CLASS_OF)
#undef __field
#undef DECLARE_EVENT_CLASS

/* stage 2: the fields (define_fields) */
static void tg_add(struct tg_class *c, const char *t, const char *n, size_t off, size_t size, int sgn)
{
	if (c->nf < TG_MAX_FIELDS)
		c->f[c->nf++] = (struct tg_field){ t, n, (unsigned int)off, (unsigned int)size, sgn };
}
#define __field(t, n) tg_add(c, #t, #n, offsetof(__typeof__(field), n), sizeof(field.n), \
			     (t)-1 < (t)1);
#define DECLARE_EVENT_CLASS(cls, proto, args, tstruct, assign, print) \
	static void tg_fields_##cls(struct tg_class *c) \
	{ struct tg_raw_##cls field; (void)field; c->size = sizeof(field); tstruct }
KVMLA_EVENTS(KVMLA_TP_CLASS_OF)
#undef __field
#undef DECLARE_EVENT_CLASS
#undef TP_printk

/* stage 3: print_fmt */
#define __field(t, n)
#define TG_STR_(...) #__VA_ARGS__
#define TG_STR(...) TG_STR_(__VA_ARGS__)
#define __entry REC
#define TP_printk(fmt, ...) "\"" fmt "\", " TG_STR(__VA_ARGS__)
#define DECLARE_EVENT_CLASS(cls, proto, args, tstruct, assign, print) \
	static const char tg_print_##cls[] = print
KVMLA_EVENTS(KVMLA_TP_CLASS_OF)
#undef DECLARE_EVENT_CLASS
#undef DEFINE_EVENT

/* stage 4: events -> classes */
struct tg_ev { const char *name; void (*fields)(struct tg_class *); const char *print; };
#define DEFINE_EVENT(cls, ev, proto, args) \
	static const struct tg_ev tg_ev_##ev = { #ev, tg_fields_##cls, tg_print_##cls }
KVMLA_EVENTS(KVMLA_TP_EVENT_OF)
#define TG_REF(ev, desc) &tg_ev_##ev,
static const struct tg_ev *const tg_events[] = { KVMLA_EVENTS(TG_REF) };

int la_tracegen(const char *event, struct tg_class *out)
{
	for (size_t i = 0; i < sizeof(tg_events) / sizeof(tg_events[0]); i++)
		if (!strcmp(tg_events[i]->name, event)) {
			memset(out, 0, sizeof(*out));
			tg_events[i]->fields(out);
			out->print = tg_events[i]->print;
			return 0;
		}
	return -1;
}
