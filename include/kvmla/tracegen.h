/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: the expansion of the tracepoint ABI (events.h) into the
 * kernel's tracing macros, for kvm/trace.h.  Kernel side only: it emits
 * DECLARE_EVENT_CLASS/DEFINE_EVENT, __field, TP_printk and
 * __print_symbolic, which <linux/tracepoint.h> and the trace stages
 * define.  Nothing here names an event; everything comes from
 * KVMLA_EVENTS and KVMLA_FIELDS_<event>.
 *
 *	KVMLA_EVENTS(KVMLA_TP_CLASS_OF)	one class per distinct record
 *	KVMLA_EVENTS(KVMLA_TP_EVENT_OF)	one tracepoint per event
 *
 * Every tracepoint registers kvmla_trace_reg/kvmla_trace_unreg (kvm/), so
 * that the module knows whether any of its events has a probe.
 *
 * Events whose records are identical share one class: an event joins
 * another's class by KVMLA_TP_SHARES_<event> below.  Every field printed
 * with a value list goes through __print_symbolic over that list, so every
 * ecode, GSPR kind, CSR, exit reason, ... prints as its catalog name.
 */
#ifndef KVMLA_TRACEGEN_H
#define KVMLA_TRACEGEN_H

#include "events.h"

/* Events that reuse another event's class: "~, owner". */
#define KVMLA_TP_SHARES_kvm_reenter	~, kvm_enter

/* Small preprocessor tools. */
#define KVMLA_TP_CAT_(a, b)		a##b
#define KVMLA_TP_CAT(a, b)		KVMLA_TP_CAT_(a, b)
#define KVMLA_TP_2ND_(a, b, ...)	b
#define KVMLA_TP_2ND(...)		KVMLA_TP_2ND_(__VA_ARGS__)
#define KVMLA_TP_3RD_(a, b, c, ...)	c
#define KVMLA_TP_3RD(...)		KVMLA_TP_3RD_(__VA_ARGS__)
#define KVMLA_TP_TAIL_(first, ...)	__VA_ARGS__
#define KVMLA_TP_TAIL(...)		KVMLA_TP_TAIL_(__VA_ARGS__)
#define KVMLA_TP_KEEP(...)		__VA_ARGS__
#define KVMLA_TP_DROP(...)

/* The class an event's record belongs to, and whether it declares it. */
#define KVMLA_TP_CLASS(ev) \
	KVMLA_TP_CAT(kvmla_, KVMLA_TP_2ND(KVMLA_TP_SHARES_##ev, ev, ~))
#define KVMLA_TP_IF_OWNER(ev) \
	KVMLA_TP_3RD(KVMLA_TP_SHARES_##ev, KVMLA_TP_DROP, KVMLA_TP_KEEP, ~)

/* Per field expansions of F(type, field, format, symbols). */
#define KVMLA_TP_PARAM(t, f, fmt, s)	, t f
#define KVMLA_TP_ARG(t, f, fmt, s)	, f
#define KVMLA_TP_ENTRY(t, f, fmt, s)	__field(t, f)
#define KVMLA_TP_ASSIGN(t, f, fmt, s)	__entry->f = f;

/* "vcpu_id=%u reason=%s ...": no separator before the first field. */
#define KVMLA_TP_FIRST_vcpu_id		~, ""
#define KVMLA_TP_SEP(f)			KVMLA_TP_2ND(KVMLA_TP_FIRST_##f, " ", ~)
#define KVMLA_TP_FMT(t, f, fmt, s)	KVMLA_TP_SEP(f) #f "=" fmt

/* A value prints as itself, or by name when the field has a value list. */
#define KVMLA_TP_PLAIN_NONE		~, KVMLA_TP_VAL_PLAIN
#define KVMLA_TP_VALUE(s) \
	KVMLA_TP_2ND(KVMLA_TP_PLAIN_##s, KVMLA_TP_VAL_SYM, ~)
#define KVMLA_TP_VAL_PLAIN(s, v)	v
/*
 * __print_symbolic() appends "{ -1, NULL }" after a comma, so each entry
 * brings its own leading comma and the list is expanded before
 * __print_symbolic() splits its arguments (hence the indirection).
 */
#define KVMLA_TP_SYM_ENTRY(v, N, ...)	, { v, #N }
#define KVMLA_TP_SYMBOLIC(...)		__print_symbolic(__VA_ARGS__)
#define KVMLA_TP_VAL_SYM(s, v) \
	KVMLA_TP_SYMBOLIC(v KVMLA_SYMS_##s(KVMLA_TP_SYM_ENTRY))
#define KVMLA_TP_PRINTARG(t, f, fmt, s)	, KVMLA_TP_VALUE(s)(s, __entry->f)

/* TP_printk() must see its commas, so its argument is expanded first. */
#define KVMLA_TP_PRINTK(...)		TP_printk(__VA_ARGS__)

/*
 * The tracing macros paste the class name, so it reaches them already
 * expanded, as an argument of these helpers.
 */
#define KVMLA_TP_DECLARE_(cls, ev)					\
	DECLARE_EVENT_CLASS(cls,					\
		TP_PROTO(KVMLA_TP_TAIL(~ KVMLA_FIELDS_##ev(KVMLA_TP_PARAM))), \
		TP_ARGS(KVMLA_TP_TAIL(~ KVMLA_FIELDS_##ev(KVMLA_TP_ARG))), \
		TP_STRUCT__entry(KVMLA_FIELDS_##ev(KVMLA_TP_ENTRY)),	\
		TP_fast_assign(KVMLA_FIELDS_##ev(KVMLA_TP_ASSIGN)),	\
		KVMLA_TP_PRINTK(KVMLA_FIELDS_##ev(KVMLA_TP_FMT)		\
				KVMLA_FIELDS_##ev(KVMLA_TP_PRINTARG)));
#define KVMLA_TP_DEFINE_(cls, ev)					\
	DEFINE_EVENT_FN(cls, ev,					\
		TP_PROTO(KVMLA_TP_TAIL(~ KVMLA_FIELDS_##ev(KVMLA_TP_PARAM))), \
		TP_ARGS(KVMLA_TP_TAIL(~ KVMLA_FIELDS_##ev(KVMLA_TP_ARG))),	\
		kvmla_trace_reg, kvmla_trace_unreg);

#define KVMLA_TP_CLASS_OF(ev, desc) \
	KVMLA_TP_IF_OWNER(ev)(KVMLA_TP_DECLARE_(KVMLA_TP_CLASS(ev), ev))
#define KVMLA_TP_EVENT_OF(ev, desc) \
	KVMLA_TP_DEFINE_(KVMLA_TP_CLASS(ev), ev)

#endif /* KVMLA_TRACEGEN_H */
