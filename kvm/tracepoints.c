// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla: instantiates the tracepoints of trace.h (once per module).
 * Not built by the host harness, which records trace_*() calls instead.
 */
#include "kvm_internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"
