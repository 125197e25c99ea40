/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: JSON schema names and versions, and limits shared by the
 * BPF programs and the tools.
 */
#ifndef KVMLA_ABI_H
#define KVMLA_ABI_H

#define KVMLA_JSON_SCHEMA_KVMSTAT      "kvmstat-la"
#define KVMLA_JSON_VERSION_KVMSTAT     1
#define KVMLA_JSON_SCHEMA_TRACEVIEWER  "trace-viewer"
#define KVMLA_JSON_VERSION_TRACEVIEWER 1
#define KVMLA_JSON_SCHEMA_VMM          "kvmla-vmm"
#define KVMLA_JSON_VERSION_VMM         1

/*
 * Latency histograms are log-linear (include/kvmla/lathist.h): a value under
 * 2 * KVMLA_LAT_SUB ns has a bucket of its own; above that, each power of two
 * [2^e, 2^(e+1)) ns is cut into KVMLA_LAT_SUB buckets of equal width, and
 * every value from 2^KVMLA_LAT_TOP_LOG2 ns on shares the last bucket.
 */
#define KVMLA_LAT_SUB_BITS 4
#define KVMLA_LAT_SUB      (1 << KVMLA_LAT_SUB_BITS)
#define KVMLA_LAT_TOP_LOG2 32
#define KVMLA_LAT_BUCKETS  ((KVMLA_LAT_TOP_LOG2 - KVMLA_LAT_SUB_BITS + 1) * KVMLA_LAT_SUB)
/* the power-of-two view of the same histogram (JSON hist_log2, OpenMetrics le) */
#define KVMLA_LAT_LOG2_BUCKETS KVMLA_LAT_TOP_LOG2

#endif /* KVMLA_ABI_H */
