// SPDX-License-Identifier: GPL-2.0
/*
 * The log-linear latency histogram (include/kvmla/lathist.h, filled by
 * bpf/kvmstat-la.bpf.c with the same inline functions compiled here) and
 * kvmstat-la's reading of it (tools/kvmstat-la/lathist.c).
 *
 * The oracles are independent of the code under test: floor(log2) from the
 * compiler's count-leading-zeros, the bucket layout's own promises (every
 * value in exactly one bucket, buckets in order and adjacent, each at most
 * 1/16 of its lower bound wide), and percentiles computed exactly, by
 * nearest rank, from the sorted samples the histograms were filled with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#include "../../lib/ktest.h"
#include "../../../tools/kvmstat-la/collect.h"

#define NS 20000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double urand(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t exact_pct(const uint64_t *sorted, size_t n, double pct)
{
	size_t need = (size_t)ceil(n * pct / 100.0);

	return sorted[(need ? need : 1) - 1];
}

static void fill(struct ks_lat *l, const uint64_t *s, size_t n)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		l->slots[kvmla_lat_index(s[i])]++;
		l->count++;
		l->sum_ns += s[i];
		if (s[i] > l->max_ns)
			l->max_ns = s[i];
	}
}

/* |got - exact| <= exact * bound, the bound the JSON states */
static int within(uint64_t got, uint64_t exact)
{
	double bound = KVMLA_LAT_MAX_REL_ERR_PPM / 1e6;

	return fabs((double)got - (double)exact) <= (double)exact * bound;
}

static uint64_t some_value(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 64;
	case 1:
		return rnd() % (1ull << 20);
	case 2:
		return rnd() % (1ull << 32);
	default:
		return rnd() >> (rnd() % 64);
	}
}

KTEST(log2_is_floor_log2)
{
	for (int i = 0; i < 200000; i++) {
		uint64_t v = some_value() | 1;

		KT_EXPECT_EQ(kvmla_lat_log2(v), 63 - __builtin_clzll(v));
	}
	KT_EXPECT_EQ(kvmla_lat_log2(0), 0);
	KT_EXPECT_EQ(kvmla_lat_log2(~0ull), 63);
	return KT_PASS;
}

KTEST(buckets_adjacent_in_order)
{
	KT_EXPECT_EQ(kvmla_lat_lo(0), 0);
	for (unsigned int i = 0; i + 1 < KVMLA_LAT_BUCKETS; i++) {
		KT_EXPECT(kvmla_lat_lo(i) <= kvmla_lat_hi(i));
		KT_EXPECT_EQ(kvmla_lat_hi(i) + 1, kvmla_lat_lo(i + 1));
	}
	KT_EXPECT(kvmla_lat_hi(KVMLA_LAT_BUCKETS - 1) == ~0ull);
	KT_EXPECT_EQ(kvmla_lat_lo(KVMLA_LAT_BUCKETS - 1) >> (KVMLA_LAT_TOP_LOG2 - KVMLA_LAT_SUB_BITS - 1),
		     2 * KVMLA_LAT_SUB - 1);
	return KT_PASS;
}

KTEST(every_value_in_its_bucket)
{
	for (uint64_t v = 0; v < (1u << 16); v++) {
		unsigned int i = kvmla_lat_index(v);

		KT_EXPECT(i < KVMLA_LAT_BUCKETS);
		KT_EXPECT(kvmla_lat_lo(i) <= v && v <= kvmla_lat_hi(i));
	}
	for (int k = 0; k < 200000; k++) {
		uint64_t v = some_value();
		unsigned int i = kvmla_lat_index(v);

		KT_EXPECT(i < KVMLA_LAT_BUCKETS);
		KT_EXPECT(kvmla_lat_lo(i) <= v && v <= kvmla_lat_hi(i));
	}
	return KT_PASS;
}

KTEST(sixteen_buckets_per_power_of_two)
{
	for (unsigned int e = KVMLA_LAT_SUB_BITS + 1; e < KVMLA_LAT_TOP_LOG2; e++) {
		unsigned int a = kvmla_lat_index(1ull << e), b = kvmla_lat_index((2ull << e) - 1);

		KT_EXPECT_EQ(b - a + 1, KVMLA_LAT_SUB);
		for (unsigned int i = a; i <= b && i < KVMLA_LAT_BUCKETS - 1; i++)
			KT_EXPECT((kvmla_lat_hi(i) - kvmla_lat_lo(i) + 1) * KVMLA_LAT_SUB <=
				  kvmla_lat_lo(i));
	}
	KT_EXPECT(KVMLA_LAT_SUB >= 16);
	return KT_PASS;
}

KTEST(small_values_exact)
{
	uint64_t s[2 * KVMLA_LAT_SUB];
	struct ks_lat l;

	for (unsigned int v = 0; v < 2 * KVMLA_LAT_SUB; v++) {
		KT_EXPECT_EQ(kvmla_lat_index(v), v);
		s[v] = v;
	}
	fill(&l, s, 2 * KVMLA_LAT_SUB);
	KT_EXPECT_EQ(ks_lat_pct(&l, 50), exact_pct(s, 2 * KVMLA_LAT_SUB, 50));
	KT_EXPECT_EQ(ks_lat_pct(&l, 99), exact_pct(s, 2 * KVMLA_LAT_SUB, 99));
	return KT_PASS;
}

/* one distribution: percentiles of NS samples against the exact ones */
static int pct_case(uint64_t (*gen)(void))
{
	static uint64_t s[NS];
	static const double pcts[] = { 1, 10, 25, 50, 75, 90, 99, 99.9, 100 };
	static struct ks_lat l;

	for (int round = 0; round < 20; round++) {
		size_t n = 1 + rnd() % NS;

		for (size_t i = 0; i < n; i++)
			s[i] = gen();
		fill(&l, s, n);
		qsort(s, n, sizeof(s[0]), cmp_u64);
		for (size_t p = 0; p < sizeof(pcts) / sizeof(pcts[0]); p++) {
			uint64_t got = ks_lat_pct(&l, pcts[p]), want = exact_pct(s, n, pcts[p]);

			if (!within(got, want))
				KT_FAILF("n %zu p%g: %llu, exact %llu", n, pcts[p],
					 (unsigned long long)got, (unsigned long long)want);
		}
	}
	return KT_PASS;
}

static uint64_t gen_uniform(void) { return 1000 + rnd() % 10000000; }
static uint64_t gen_lognormal(void)
{
	double z = sqrt(-2 * log(urand() + 1e-300)) * cos(2 * M_PI * urand());

	return (uint64_t)exp(9.0 + 1.5 * z);
}
static uint64_t gen_bimodal(void) { return rnd() % 10 ? 2000 + rnd() % 300 : 1500000 + rnd() % 90000; }
static uint64_t gen_tight(void) { return 100000 + rnd() % 7; }

KTEST(pct_uniform) { return pct_case(gen_uniform); }
KTEST(pct_lognormal) { return pct_case(gen_lognormal); }
KTEST(pct_bimodal) { return pct_case(gen_bimodal); }
KTEST(pct_tight) { return pct_case(gen_tight); }

KTEST(pct_open_bucket_is_max)
{
	uint64_t s[3] = { 5ull << 32, 6ull << 32, 7ull << 32 };
	struct ks_lat l;

	fill(&l, s, 3);
	KT_EXPECT_EQ(kvmla_lat_index(s[0]), KVMLA_LAT_BUCKETS - 1);
	KT_EXPECT_EQ(ks_lat_pct(&l, 50), 7ull << 32);
	return KT_PASS;
}

KTEST(pct_empty_is_zero)
{
	struct ks_lat l;

	memset(&l, 0, sizeof(l));
	KT_EXPECT_EQ(ks_lat_pct(&l, 50), 0);
	return KT_PASS;
}

/* the power-of-two view equals a log2 histogram of the same samples */
KTEST(log2_view_of_the_samples)
{
	static uint64_t s[NS];
	unsigned long long want[KVMLA_LAT_LOG2_BUCKETS] = { 0 }, got[KVMLA_LAT_LOG2_BUCKETS];
	static struct ks_lat l;

	for (size_t i = 0; i < NS; i++) {
		unsigned int e;

		s[i] = some_value();
		e = s[i] ? 63 - __builtin_clzll(s[i]) : 0;
		want[e < KVMLA_LAT_LOG2_BUCKETS ? e : KVMLA_LAT_LOG2_BUCKETS - 1]++;
	}
	fill(&l, s, NS);
	ks_lat_log2(&l, got);
	for (int e = 0; e < KVMLA_LAT_LOG2_BUCKETS; e++)
		KT_EXPECT_EQ(got[e], want[e]);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(log2_is_floor_log2),
	KTEST_CASE(buckets_adjacent_in_order),
	KTEST_CASE(every_value_in_its_bucket),
	KTEST_CASE(sixteen_buckets_per_power_of_two),
	KTEST_CASE(small_values_exact),
	KTEST_CASE(pct_uniform),
	KTEST_CASE(pct_lognormal),
	KTEST_CASE(pct_bimodal),
	KTEST_CASE(pct_tight),
	KTEST_CASE(pct_open_bucket_is_max),
	KTEST_CASE(pct_empty_is_zero),
	KTEST_CASE(log2_view_of_the_samples),
};

int main(int argc, char **argv)
{
	return ktest_main("kvmstat-la/lathist", cases, KTEST_N(cases));
}
