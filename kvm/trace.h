/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla tracepoints.  Nothing here is typed by hand: every event of
 * KVMLA_EVENTS (include/kvmla/events.h) becomes a tracepoint whose record
 * holds the fields of KVMLA_FIELDS_<event>, in that order, and whose output
 * prints every enumerated field (ecode, GSPR kind, CSR, exit reason, ...)
 * by name through __print_symbolic over the catalog's value lists.
 *
 * Callers pass the fields positionally, e.g.
 *	trace_kvm_exit(vcpu_id, ecode, esubcode, pc, badv);
 *
 * Events whose records are identical share one DECLARE_EVENT_CLASS.  The
 * expansion machinery is include/kvmla/tracegen.h.
 */
#ifdef KVMLA_TRACE_STUBS
/*
 * The measuring build: each trace_<event>() is an empty inline function,
 * each trace_<event>_enabled() a constant false.
 */
#ifndef KVMLA_TRACE_STUBS_H
#define KVMLA_TRACE_STUBS_H
#include "../include/kvmla/tracegen.h"
#define KVMLA_TP_STUB_OF(ev, ...) \
	static inline void trace_##ev(KVMLA_TP_TAIL(~KVMLA_FIELDS_##ev(KVMLA_TP_PARAM))) {} \
	static inline bool trace_##ev##_enabled(void) { return false; }
KVMLA_EVENTS(KVMLA_TP_STUB_OF)
static inline bool kvmla_trace_active(void) { return false; }
#endif
#elif !defined(KVMLA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KVMLA_TRACE_H

#include <linux/tracepoint.h>
#include "../include/kvmla/tracegen.h"

#ifndef KVMLA_TRACE_KEY_H
#define KVMLA_TRACE_KEY_H
/*
 * One switch for all kvmla events (tracepoints.c): every event registers
 * kvmla_trace_reg/unreg, which the tracing core calls when the event gets
 * its first probe and loses its last one, so kvmla_trace_key is on while
 * any kvmla event is.  The exit paths test it once per guest entry and
 * otherwise run copies that hold no event check at all.
 */
int kvmla_trace_reg(void);
void kvmla_trace_unreg(void);
DECLARE_STATIC_KEY_FALSE(kvmla_trace_key);

static __always_inline bool kvmla_trace_active(void)
{
	return static_branch_unlikely(&kvmla_trace_key);
}
#endif

#undef TRACE_SYSTEM
#define TRACE_SYSTEM KVMLA_TRACE_SYSTEM

KVMLA_EVENTS(KVMLA_TP_CLASS_OF)
KVMLA_EVENTS(KVMLA_TP_EVENT_OF)

#endif /* KVMLA_TRACE_H */

#ifndef KVMLA_TRACE_STUBS
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace

#include <trace/define_trace.h>
#endif
