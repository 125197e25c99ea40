/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: the log-linear latency histogram shared by the BPF program
 * (bpf/kvmstat-la.bpf.c, which fills it) and kvmstat-la (which reads it).
 *
 * Bucket of a value v (ns), with m = floor(log2 v):
 *   v < 2 * SUB                 bucket v (exact)
 *   2 * SUB <= v < 2^TOP        bucket (m - SUB_BITS) * SUB + (v >> (m - SUB_BITS))
 *   v >= 2^TOP                  the last bucket
 * In the middle case v >> (m - SUB_BITS) lies in [SUB, 2 * SUB), so the
 * power of two [2^m, 2^(m+1)) owns the SUB buckets from (m - SUB_BITS + 1) *
 * SUB on, each 2^(m - SUB_BITS) wide: at most 1/SUB of its lower bound.  The
 * middle of a bucket is therefore within 1/(2 * SUB) (3.125 %) of every value
 * in it.  Only shifts and compares: the BPF verifier takes it as is.
 */
#ifndef KVMLA_LATHIST_H
#define KVMLA_LATHIST_H

#include "abi.h"

#define KVMLA_LAT_MAX_REL_ERR_PPM (1000000 / (2 * KVMLA_LAT_SUB))

/* floor(log2 v), 0 for v = 0, without a loop (BPF has no clz) */
static inline unsigned int kvmla_lat_log2(unsigned long long v)
{
	unsigned int r = 0, s;

	s = (v > 0xffffffffULL) << 5; v >>= s; r |= s;
	s = (v > 0xffff) << 4; v >>= s; r |= s;
	s = (v > 0xff) << 3; v >>= s; r |= s;
	s = (v > 0xf) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	return r | (unsigned int)(v >> 1);
}

static inline unsigned int kvmla_lat_index(unsigned long long v)
{
	unsigned int m, sh;

	if (v < 2 * KVMLA_LAT_SUB)
		return (unsigned int)v;
	m = kvmla_lat_log2(v);
	if (m >= KVMLA_LAT_TOP_LOG2)
		return KVMLA_LAT_BUCKETS - 1;
	sh = m - KVMLA_LAT_SUB_BITS;
	return sh * KVMLA_LAT_SUB + (unsigned int)(v >> sh);
}

/* the smallest value of bucket i */
static inline unsigned long long kvmla_lat_lo(unsigned int i)
{
	if (i < 2 * KVMLA_LAT_SUB)
		return i;
	return (unsigned long long)(i % KVMLA_LAT_SUB + KVMLA_LAT_SUB) << (i / KVMLA_LAT_SUB - 1);
}

/* the largest value of bucket i (the last bucket has no end) */
static inline unsigned long long kvmla_lat_hi(unsigned int i)
{
	if (i >= KVMLA_LAT_BUCKETS - 1)
		return ~0ULL;
	return kvmla_lat_lo(i + 1) - 1;
}

/* the power of two bucket i lies in: floor(log2) of its values */
static inline unsigned int kvmla_lat_bucket_log2(unsigned int i)
{
	return kvmla_lat_log2(kvmla_lat_lo(i));
}

#endif /* KVMLA_LATHIST_H */
