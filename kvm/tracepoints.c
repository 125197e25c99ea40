// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla: instantiates the tracepoints of trace.h (once per module).
 * Not built by the host harness, which records trace_*() calls instead.
 */
#include "kvm_internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#ifndef KVMLA_TRACE_STUBS
/*
 * On while at least one kvmla event has a probe (ftrace, perf, BPF): the
 * tracing core calls the registration callbacks of an event, under its
 * tracepoint mutex, when its first probe comes and its last one goes, so
 * the key counts the events in use.
 */
DEFINE_STATIC_KEY_FALSE(kvmla_trace_key);

int kvmla_trace_reg(void)
{
	static_branch_inc(&kvmla_trace_key);
	return 0;
}

void kvmla_trace_unreg(void)
{
	static_branch_dec(&kvmla_trace_key);
}
#endif
