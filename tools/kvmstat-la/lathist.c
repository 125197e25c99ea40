// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the log-linear latency histograms (include/kvmla/lathist.h):
 * percentiles, and the coarser power-of-two view that JSON's hist_log2 and
 * the OpenMetrics buckets show.
 */
#include "collect.h"

/*
 * The pct-th percentile by nearest rank: the middle of the bucket that holds
 * the ceil(count * pct / 100)-th smallest value, or max_ns when that is
 * smaller (always so in the open last bucket).  Within
 * KVMLA_LAT_MAX_REL_ERR_PPM of the exact value.
 */
unsigned long long ks_lat_pct(const struct ks_lat *l, double pct)
{
	unsigned long long total = 0, acc = 0, need, mid;
	int k;

	for (k = 0; k < KVMLA_LAT_BUCKETS; k++)
		total += l->slots[k];
	if (!total)
		return 0;
	need = (unsigned long long)(total * pct / 100.0 + 0.999999);
	if (need < 1)
		need = 1;
	for (k = 0; k < KVMLA_LAT_BUCKETS - 1; k++) {
		acc += l->slots[k];
		if (acc >= need)
			break;
	}
	if (k == KVMLA_LAT_BUCKETS - 1)
		return l->max_ns;
	mid = kvmla_lat_lo(k) + (kvmla_lat_hi(k) - kvmla_lat_lo(k)) / 2;
	return l->max_ns && mid > l->max_ns ? l->max_ns : mid;
}

/* out[e] = the values in [2^e, 2^(e+1)) ns (e = 0 also holds 0; the last also what is above) */
void ks_lat_log2(const struct ks_lat *l, unsigned long long out[KVMLA_LAT_LOG2_BUCKETS])
{
	for (int e = 0; e < KVMLA_LAT_LOG2_BUCKETS; e++)
		out[e] = 0;
	for (int k = 0; k < KVMLA_LAT_BUCKETS; k++)
		out[kvmla_lat_bucket_log2(k)] += l->slots[k];
}
