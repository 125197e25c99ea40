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

/* log2 latency histograms: bucket i holds [2^i, 2^(i+1)) ns */
#define KVMLA_LAT_BUCKETS 32

#endif /* KVMLA_ABI_H */
