// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/trace-viewer/analyze.c: pure functions over decoded
 * records.  No files, no ncurses: each case feeds an array of struct tv_rec
 * and checks exact results.
 */
#pragma GCC diagnostic ignored "-Woverride-init"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmla/enums.h>
#include "../../lib/ktest.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

/* x86 SVM exit codes as in the kernel's kvm_exit print fmt */
#define SVM 2
#define SVM_IO 0x7b
#define SVM_HLT 0x78
#define SVM_NPF 0x400

#define REC(t, k, tid_, ...) ((struct tv_rec){ .ts = (t), .kind = (k), .tid = (tid_), \
					       .vcpu = TV_NO_VCPU, __VA_ARGS__ })

static struct tv_analysis an;

static void start(enum tv_profile p, const struct tv_opts *o)
{
	tv_an_init(&an, o, p);
	tv_an_reason(&an, tv_reason_key(SVM, SVM_IO), "io", "io");
	tv_an_reason(&an, tv_reason_key(SVM, SVM_HLT), "hlt", "hlt");
	tv_an_reason(&an, tv_reason_key(SVM, SVM_NPF), "npf", "npf");
	tv_an_reason(&an, tv_reason_key(TV_ISA_UEXIT, 2), "io", "io");
	tv_an_reason(&an, tv_reason_key(TV_ISA_UEXIT, 5), "hlt", "hlt");
}

static int reason_count(uint32_t isa, uint32_t code)
{
	int i = tv_reason_find(&an, tv_reason_key(isa, code));

	return i < 0 ? -1 : (int)an.reasons[i].count;
}

static struct tv_vcpu *vcpu_by_tid(uint32_t tid)
{
	for (unsigned int i = 0; i < an.nr_vcpus; i++)
		if (an.vcpus[i].tid == tid)
			return &an.vcpus[i];
	return NULL;
}

/* One vCPU: io exit to userspace, hlt and npf handled in the kernel. */
static const struct tv_rec x86_mix[] = {
	REC(1000, TV_ENTRY, 100, .vcpu = 0),
	REC(2000, TV_EXIT, 100, .vcpu = 0, .reason = SVM_IO, .isa = SVM),
	REC(2100, TV_PIO, 100, .rw = 1, .port = 0x3f8, .len = 1),
	REC(2300, TV_UEXIT, 100, .reason = 2),
	REC(5000, TV_ENTRY, 100, .vcpu = 0),
	REC(6000, TV_EXIT, 100, .vcpu = 0, .reason = SVM_HLT, .isa = SVM),
	REC(6100, TV_ENTRY, 100, .vcpu = 0),
	REC(7000, TV_EXIT, 100, .vcpu = 0, .reason = SVM_NPF, .isa = SVM),
	REC(7050, TV_MMIO, 100, .mmio_type = 2, .write = 1, .len = 4, .gpa = 0xd0000000),
	REC(7400, TV_ENTRY, 100, .vcpu = 0),
};

KTEST(exit_breakdown_by_reason)
{
	start(TV_PROFILE_X86, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, x86_mix, KTEST_N(x86_mix)), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_IO), 1);
	KT_EXPECT_EQ(reason_count(SVM, SVM_HLT), 1);
	KT_EXPECT_EQ(reason_count(SVM, SVM_NPF), 1);
	KT_EXPECT_EQ(reason_count(TV_ISA_UEXIT, 2), 1);
	KT_EXPECT_EQ(an.nr_vcpus, 1);
	KT_EXPECT_EQ(an.vcpus[0].exits, 3);
	KT_EXPECT_EQ(an.vcpus[0].uexits, 1);
	KT_EXPECT_EQ(an.vcpus[0].pio_out, 1);
	KT_EXPECT_EQ(an.vcpus[0].pio_in, 0);
	KT_EXPECT_EQ(an.vcpus[0].mmio_write, 1);
	KT_EXPECT_EQ(an.vcpus[0].uexit_reason[2], 1);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(latency_kernel_vs_userspace)
{
	int io = -1;

	start(TV_PROFILE_X86, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, x86_mix, KTEST_N(x86_mix)), 0);
	/* kernel: hlt 100 ns, npf 400 ns; userspace: io 3000 ns */
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].count, 2);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].min, 100);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].max, 400);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p50, 100);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p99, 400);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].count, 1);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].sum, 3000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].p50, 3000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].count, 3);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].p50, 400);
	/* exit -> userspace exit 300 ns, then 2700 ns in userspace */
	KT_EXPECT_EQ(an.uexit_kernel.sum, 300);
	KT_EXPECT_EQ(an.uexit_user.sum, 2700);
	io = tv_reason_find(&an, tv_reason_key(SVM, SVM_IO));
	KT_EXPECT(io >= 0);
	KT_EXPECT_EQ(an.reasons[io].lat[TV_LAT_USER].count, 1);
	KT_EXPECT_EQ(an.reasons[io].lat[TV_LAT_KERNEL].count, 0);
	KT_EXPECT_EQ(an.reasons[io].lat[TV_LAT_ALL].p50, 3000);
	/* log2 histogram: 100 -> bucket 6 (64..127), 400 -> 8, 3000 -> 11 */
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].hist[6], 1);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].hist[8], 1);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].hist[11], 1);
	/* slowest first */
	KT_EXPECT_EQ(an.nr_slow, 3);
	KT_EXPECT_EQ(an.slow[0].lat, 3000);
	KT_EXPECT(an.slow[0].user);
	KT_EXPECT_EQ(an.slow[2].lat, 100);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(state_timeline)
{
	const struct tv_vcpu *v;
	uint64_t sum[TV_ST_NUM] = { 0 };

	start(TV_PROFILE_X86, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, x86_mix, KTEST_N(x86_mix)), 0);
	v = &an.vcpus[0];
	KT_EXPECT_EQ(v->state_ns[TV_ST_GUEST], 2900);
	KT_EXPECT_EQ(v->state_ns[TV_ST_KERNEL], 700);
	KT_EXPECT_EQ(v->state_ns[TV_ST_USER], 2700);
	KT_EXPECT_EQ(v->state_ns[TV_ST_HALTED], 100);
	/* the bins add up to the totals */
	for (unsigned int b = 0; b < an.nr_bins; b++)
		for (int s = 0; s < TV_ST_NUM; s++)
			sum[s] += v->bins[b][s];
	for (int s = 0; s < TV_ST_NUM; s++)
		KT_EXPECT_EQ(sum[s], v->state_ns[s]);
	/* 6.4 us in 1 us bins: bin 0 is guest only */
	KT_EXPECT_EQ(an.bin_ns, 1000);
	KT_EXPECT_EQ(an.nr_bins, 7);
	KT_EXPECT_EQ(v->bins[0][TV_ST_GUEST], 1000);
	KT_EXPECT_EQ(v->bins[1][TV_ST_KERNEL], 300);
	KT_EXPECT_EQ(v->bins[1][TV_ST_USER], 700);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(timeline_rebins_long_traces)
{
	struct tv_rec r[2000];
	uint64_t sum = 0;
	size_t n = 0;

	start(TV_PROFILE_X86, NULL);
	/* 1000 round trips of 1 ms: 1 s, far more than 512 bins of 1 us */
	for (int i = 0; i < 1000; i++) {
		r[n++] = REC(1000000ull * i, TV_ENTRY, 7, .vcpu = 3);
		r[n++] = REC(1000000ull * i + 600000, TV_EXIT, 7, .vcpu = 3, .reason = SVM_NPF, .isa = SVM);
	}
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT(an.nr_bins <= TV_BINS_MAX);
	KT_EXPECT(an.nr_bins > TV_BINS_MAX / 4);
	KT_EXPECT_EQ(an.bin_ns % 1000, 0);		/* 1 us, doubled */
	KT_EXPECT_EQ((an.bin_ns / 1000) & (an.bin_ns / 1000 - 1), 0);
	for (unsigned int b = 0; b < an.nr_bins; b++)
		sum += an.vcpus[0].bins[b][TV_ST_GUEST];
	KT_EXPECT_EQ(sum, 1000 * 600000ull);
	KT_EXPECT_EQ(an.vcpus[0].state_ns[TV_ST_KERNEL], 999 * 400000ull);
	KT_EXPECT_EQ(an.vcpus[0].vcpu_id, 3);
	tv_an_free(&an);
	return KT_PASS;
}

/* --html's fine bins: the same 1 s in 2048 bins at most, reaching the window's end */
KTEST(fine_timeline_spans_the_window)
{
	static struct tv_rec r[2000];
	struct tv_opts o;
	uint64_t g = 0, k = 0, x = 0, span = 999 * 1000000ull + 600000;
	size_t n = 0;

	tv_opts_default(&o);
	o.fine_timeline = true;
	start(TV_PROFILE_X86, &o);
	for (int i = 0; i < 1000; i++) {
		r[n++] = REC(1000000ull * i, TV_ENTRY, 7, .vcpu = 3);
		r[n++] = REC(1000000ull * i + 600000, TV_EXIT, 7, .vcpu = 3, .reason = SVM_NPF, .isa = SVM);
	}
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	/* 1 us doubled until 999.6 ms fits in 2048: 512 us, 1953 bins, the last holding the end */
	KT_EXPECT_EQ(an.tl_ns, 512000);
	KT_EXPECT_EQ(an.nr_tl, 1953);
	KT_EXPECT_EQ(an.win_last - an.win_first, span);
	KT_EXPECT(an.vcpus[0].tl != NULL);
	for (unsigned int b = 0; b < an.nr_tl; b++) {
		g += an.vcpus[0].tl[b][TV_ST_GUEST];
		k += an.vcpus[0].tl[b][TV_ST_KERNEL];
		x += an.vcpus[0].tl[b][TV_TL_EXITS];
	}
	KT_EXPECT_EQ(g, 1000 * 600000ull);
	KT_EXPECT_EQ(k, 999 * 400000ull);
	KT_EXPECT_EQ(x, 1000);
	/* bin 0 [0, 512 us): guest only; bin 1 [512, 1024 us): 88 us guest, the exit at 600 us, 400 kernel, 24 guest */
	KT_EXPECT_EQ(an.vcpus[0].tl[0][TV_ST_GUEST], 512000);
	KT_EXPECT_EQ(an.vcpus[0].tl[1][TV_ST_GUEST], 88000 + 24000);
	KT_EXPECT_EQ(an.vcpus[0].tl[1][TV_ST_KERNEL], 400000);
	KT_EXPECT_EQ(an.vcpus[0].tl[1][TV_TL_EXITS], 1);
	KT_EXPECT_EQ(an.vcpus[0].tl[0][TV_TL_EXITS], 0);
	tv_an_free(&an);
	/* without the option: none */
	start(TV_PROFILE_X86, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT(an.vcpus[0].tl == NULL);
	KT_EXPECT_EQ(an.nr_tl, 0);
	tv_an_free(&an);
	/* more rows than TV_TL_ROWS: the first ones get them, and the analysis says some lack them */
	start(TV_PROFILE_X86, &o);
	for (unsigned int i = 0; i < TV_TL_ROWS + 10; i++)
		r[i] = REC(1000 + i, TV_ENTRY, 100 + i, .vcpu = 0);
	KT_EXPECT_EQ(tv_an_run(&an, r, TV_TL_ROWS + 10), 0);
	KT_EXPECT(an.tl_partial);
	n = 0;
	for (unsigned int i = 0; i < an.nr_vcpus; i++)
		n += an.vcpus[i].tl != NULL;
	KT_EXPECT_EQ(n, TV_TL_ROWS);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(percentiles_nearest_rank)
{
	struct tv_rec r[200];
	size_t n = 0;

	start(TV_PROFILE_X86, NULL);
	/* latencies 1..100 us, in a shuffled order */
	for (int i = 0; i < 100; i++) {
		uint64_t lat = (uint64_t)((i * 37) % 100 + 1) * 1000, t = 1000000ull * (i + 1);

		r[n++] = REC(t, TV_EXIT, 9, .vcpu = 0, .reason = SVM_NPF, .isa = SVM);
		r[n++] = REC(t + lat, TV_ENTRY, 9, .vcpu = 0);
	}
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].count, 100);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p50, 50000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p90, 90000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p99, 99000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].max, 100000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].min, 1000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].p90, 90000);
	/* the one vCPU has them all */
	KT_EXPECT_EQ(an.vcpus[0].lat[TV_LAT_ALL].count, 100);
	KT_EXPECT_EQ(an.vcpus[0].lat[TV_LAT_ALL].p50, 50000);
	KT_EXPECT_EQ(an.vcpus[0].lat[TV_LAT_ALL].p99, 99000);
	KT_EXPECT_EQ(tv_lat_bucket(0), 0);
	KT_EXPECT_EQ(tv_lat_bucket(1), 0);
	KT_EXPECT_EQ(tv_lat_bucket(2), 1);
	KT_EXPECT_EQ(tv_lat_bucket(3), 1);
	KT_EXPECT_EQ(tv_lat_bucket(1024), 10);
	KT_EXPECT_EQ(tv_lat_bucket(~0ull), TV_LAT_BUCKETS - 1);
	tv_an_free(&an);
	return KT_PASS;
}

/*
 * The log-linear buckets against their definition: they tile 0..2^64-1 in
 * order with no gap or overlap, a value lands in the bucket whose bounds
 * hold it, a bucket above 2 * TV_LL_SUB is at most 1/TV_LL_SUB of its lower
 * bound wide (so its midpoint is within TV_LL_MAX_REL_ERR of any of its
 * values), and the bound is the one the issue asks for (<= 6.25 %).
 */
KTEST(loglinear_bucket_round_trip)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	KT_EXPECT(TV_LL_SUB >= 16 && TV_LL_MAX_REL_ERR <= 0.0625);
	KT_EXPECT_EQ(tv_ll_lo(0), 0);
	KT_EXPECT_EQ(tv_ll_hi(TV_LL_BUCKETS - 1), UINT64_MAX);
	for (unsigned int i = 0; i < TV_LL_BUCKETS; i++) {
		uint64_t lo = tv_ll_lo(i), hi = tv_ll_hi(i), w = hi - lo;

		KT_EXPECT(lo <= hi);
		KT_EXPECT_EQ(tv_ll_index(lo), i);
		KT_EXPECT_EQ(tv_ll_index(hi), i);
		if (i + 1 < TV_LL_BUCKETS)
			KT_EXPECT_EQ(tv_ll_lo(i + 1), hi + 1);
		if (i < 2 * TV_LL_SUB)
			KT_EXPECT_EQ(w, 0);
		else	/* (w + 1) / lo <= 1 / TV_LL_SUB; the midpoint is w/2 from lo, w - w/2 from hi */
			KT_EXPECT((w + 1) * TV_LL_SUB <= lo && (double)(w - w / 2) <= TV_LL_MAX_REL_ERR * lo);
	}
	for (uint64_t v = 0; v < 70000; v++)
		KT_EXPECT(tv_ll_lo(tv_ll_index(v)) <= v && v <= tv_ll_hi(tv_ll_index(v)));
	for (int k = 0; k < 100000; k++) {	/* xorshift64: values of every magnitude */
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (k % 64);
		KT_EXPECT(tv_ll_index(v) < TV_LL_BUCKETS);
		KT_EXPECT(tv_ll_lo(tv_ll_index(v)) <= v && v <= tv_ll_hi(tv_ll_index(v)));
	}
	/* by hand: 1000 is in [512, 1024), cut in 16 buckets of 32: [992, 1023] */
	if (TV_LL_SUB == 16) {
		KT_EXPECT_EQ(tv_ll_lo(tv_ll_index(1000)), 992);
		KT_EXPECT_EQ(tv_ll_hi(tv_ll_index(1000)), 1023);
		KT_EXPECT_EQ(tv_ll_lo(tv_ll_index(31)), 31);
		KT_EXPECT_EQ(tv_ll_hi(tv_ll_index(33)), 33);	/* [32, 64): buckets of 2 */
		KT_EXPECT_EQ(tv_ll_lo(tv_ll_index(33)), 32);
	}
	return KT_PASS;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest rank over the sorted samples, the reference */
static uint64_t ref_rank(const uint64_t *sorted, size_t n, unsigned int p)
{
	size_t r = (n * p + 99) / 100;

	return sorted[(r ? r : 1) - 1];
}

/* the bound docs/trace-viewer.md states (and JSON percentile_scheme.max_rel_error) */
#define DOC_MAX_REL_ERR 0.03125

static bool within(uint64_t got, uint64_t want)
{
	double d = got > want ? (double)(got - want) : (double)(want - got);

	return d <= DOC_MAX_REL_ERR * (double)want;
}

/*
 * 1000 exits of one vCPU, latencies heavy-tailed (up to 100 s, beyond the
 * 32-bit ns kept per exact sample), each also an interrupt's queue ->
 * deliver latency.  Exact percentiles by default where every sample is
 * under 2^32 ns; else (and with exact_samples 0, and for the interrupts)
 * within the histogram's bound of the reference.
 */
static uint64_t heavy[1000];

static int run_heavy(uint64_t exact_samples)
{
	static struct tv_rec r[4000];
	struct tv_opts o;
	uint64_t t = 1000;
	size_t n = 0;

	tv_opts_default(&o);
	o.exact_samples = exact_samples;
	start(TV_PROFILE_X86, &o);
	for (int i = 0; i < 1000; i++) {
		/* k^5 / 10^4: 100 ns .. 100 s, p50 under 2^32 ns, p90 over; shuffled (379 is prime to 1000) */
		uint64_t k = (uint64_t)(i * 379 % 1000) + 1;

		heavy[i] = k * k * k * k * k / 10000 + 100;
		r[n++] = REC(t, TV_EXIT, 9, .vcpu = 0, .reason = SVM_NPF, .isa = SVM);
		r[n++] = REC(t, TV_IRQ_QUEUE, 9, .vcpu = 0, .irq = 3);
		r[n++] = REC(t + heavy[i], TV_IRQ_DELIVER, 9, .vcpu = 0, .irq = 3);
		r[n++] = REC(t + heavy[i], TV_ENTRY, 9, .vcpu = 0);
		t += heavy[i] + 1000;
	}
	qsort(heavy, 1000, sizeof(heavy[0]), cmp_u64);
	return tv_an_run(&an, r, n);
}

KTEST(percentiles_loglinear_within_bound)
{
	static const unsigned int ps[3] = { 50, 90, 99 };

	for (int mode = 0; mode < 2; mode++) {
		const struct tv_latstat *ls[3];

		KT_EXPECT_EQ(run_heavy(mode ? 0 : TV_EXACT_SAMPLES_DEFAULT), 0);
		KT_EXPECT_EQ(an.lat_dropped, mode == 1);
		ls[0] = &an.lat_total[TV_LAT_KERNEL];
		ls[1] = &an.vcpus[0].lat[TV_LAT_KERNEL];	/* no exact samples of its own */
		ls[2] = &an.irq_lat;
		for (int s = 0; s < 3; s++) {
			const uint64_t got[3] = { ls[s]->p50, ls[s]->p90, ls[s]->p99 };

			KT_EXPECT_EQ(ls[s]->count, 1000);
			KT_EXPECT(ls[s]->pct);
			for (int i = 0; i < 3; i++) {
				uint64_t want = ref_rank(heavy, 1000, ps[i]);

				if (!within(got[i], want))
					KT_FAILF("mode %d stat %d p%u: %llu, exact %llu", mode, s, ps[i],
						 (unsigned long long)got[i], (unsigned long long)want);
			}
		}
		if (!mode) {	/* below 2^32 ns: exact; above: the histogram's */
			KT_EXPECT(ref_rank(heavy, 1000, 50) < UINT32_MAX && ref_rank(heavy, 1000, 90) > UINT32_MAX);
			KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].p50, ref_rank(heavy, 1000, 50));
			KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].pct_kind, TV_PCT_LOGLIN);
		} else {
			KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].pct_kind, TV_PCT_LOGLIN);
		}
		KT_EXPECT_EQ(an.irq_lat.pct_kind, TV_PCT_LOGLIN);
		tv_an_free(&an);
	}
	return KT_PASS;
}

/* Over the budget of exact samples: all of them dropped, percentiles from the histograms. */
KTEST(exact_samples_budget)
{
	struct tv_rec r[200];
	struct tv_opts o;
	size_t n = 0;

	tv_opts_default(&o);
	o.exact_samples = 99;
	start(TV_PROFILE_X86, &o);
	for (int i = 0; i < 100; i++) {
		uint64_t t = 1000000ull * (i + 1);

		r[n++] = REC(t, TV_EXIT, 9, .vcpu = 0, .reason = SVM_NPF, .isa = SVM);
		r[n++] = REC(t + 1000 * (uint64_t)(i + 1), TV_ENTRY, 9, .vcpu = 0);
	}
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT(an.lat_dropped);
	KT_EXPECT(an.lat == NULL);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].pct_kind, TV_PCT_LOGLIN);
	/* exact p50 50000 in [49152, 51199] (2048 wide): midpoint 50175 */
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].p50, 50175);
	KT_EXPECT(within(an.lat_total[TV_LAT_ALL].p99, 99000));
	tv_an_free(&an);
	/* exactly at the budget: exact */
	o.exact_samples = 100;
	start(TV_PROFILE_X86, &o);
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT(!an.lat_dropped);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].pct_kind, TV_PCT_EXACT);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].p50, 50000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].p99, 99000);
	tv_an_free(&an);
	return KT_PASS;
}

/* No kvm_exit/kvm_entry (as with kvm_pvm here): KVM_RUN returns and re-entries. */
KTEST(userspace_only_round_trips)
{
	static const struct tv_rec r[] = {
		REC(100, TV_RUN, 50, .load = 1),
		REC(1000, TV_PIO, 50, .rw = 0, .port = 0x3f9),
		REC(1100, TV_UEXIT, 50, .reason = 2),
		REC(301100, TV_RUN, 50, .load = 1),
		REC(400000, TV_UEXIT, 50, .reason = 5),
		REC(600000, TV_RUN, 50, .load = 1),
	};
	const struct tv_vcpu *v;

	start(TV_PROFILE_X86, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, KTEST_N(r)), 0);
	KT_EXPECT(!an.seen_exit);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].count, 2);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].min, 200000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_USER].max, 300000);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_KERNEL].count, 0);
	KT_EXPECT_EQ(reason_count(TV_ISA_UEXIT, 2), 1);
	KT_EXPECT_EQ(reason_count(TV_ISA_UEXIT, 5), 1);
	v = vcpu_by_tid(50);
	KT_EXPECT(v != NULL);
	KT_EXPECT_EQ(v->pio_in, 1);
	KT_EXPECT_EQ(v->state_ns[TV_ST_GUEST], 1000 + 98900);
	KT_EXPECT_EQ(v->state_ns[TV_ST_USER], 300000);
	KT_EXPECT_EQ(v->state_ns[TV_ST_HALTED], 200000);
	tv_an_free(&an);
	return KT_PASS;
}

/* Two VMs named by markers, threads learnt from markers and task_newtask. */
static const struct tv_rec two_vms[] = {
	REC(10, TV_MARKER, 1, .child = 201, .tgid = 200),	/* tid 201 in VM 200 */
	REC(20, TV_NEWTASK, 300, .child = 301, .thread = 1),	/* 300 creates thread 301 */
	REC(30, TV_NEWTASK, 300, .child = 302, .thread = 1),
	REC(100, TV_EXIT, 201, .vcpu = 0, .reason = SVM_IO, .isa = SVM),
	REC(200, TV_ENTRY, 201, .vcpu = 0),
	REC(300, TV_EXIT, 301, .vcpu = 0, .reason = SVM_HLT, .isa = SVM),
	REC(400, TV_ENTRY, 301, .vcpu = 0),
	REC(500, TV_EXIT, 302, .vcpu = 1, .reason = SVM_NPF, .isa = SVM),
	REC(600, TV_ENTRY, 302, .vcpu = 1),
	REC(700, TV_EXIT, 302, .vcpu = 1, .reason = SVM_NPF, .isa = SVM),
	REC(800, TV_ENTRY, 302, .vcpu = 1),
};

KTEST(breakdown_by_vm)
{
	start(TV_PROFILE_X86, NULL);
	tv_an_set_vm_name(&an, 200, "alpha");
	tv_an_set_vm_name(&an, 300, "beta");
	tv_an_set_tgid(&an, 300, 300);
	KT_EXPECT_EQ(tv_an_run(&an, two_vms, KTEST_N(two_vms)), 0);
	KT_EXPECT_EQ(an.nr_vms, 2);
	KT_EXPECT_STREQ(an.vms[0].name, "alpha");
	KT_EXPECT_EQ(an.vms[0].exits, 1);
	KT_EXPECT_EQ(an.vms[0].nr_vcpus, 1);
	KT_EXPECT_STREQ(an.vms[1].name, "beta");
	KT_EXPECT_EQ(an.vms[1].exits, 3);
	KT_EXPECT_EQ(an.vms[1].nr_vcpus, 2);
	/* sorted by VM then vcpu_id */
	KT_EXPECT_EQ(an.vcpus[0].tid, 201);
	KT_EXPECT_EQ(an.vcpus[1].tid, 301);
	KT_EXPECT_EQ(an.vcpus[2].tid, 302);
	KT_EXPECT_EQ(an.vcpus[2].tgid, 300);
	/* per-vCPU latency follows the vCPU through the sort: 302 had 100 + 100 */
	KT_EXPECT_EQ(an.vcpus[2].lat[TV_LAT_ALL].count, 2);
	KT_EXPECT_EQ(an.vcpus[2].lat[TV_LAT_ALL].p50, 100);
	KT_EXPECT_EQ(an.vcpus[1].lat[TV_LAT_ALL].count, 1);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(filter_vm_vcpu_tid)
{
	struct tv_opts o;

	tv_opts_default(&o);
	snprintf(o.vm_name, sizeof(o.vm_name), "beta");
	start(TV_PROFILE_X86, &o);
	tv_an_set_vm_name(&an, 200, "alpha");
	tv_an_set_vm_name(&an, 300, "beta");
	KT_EXPECT_EQ(an.opts.vm, 300);
	KT_EXPECT_EQ(tv_an_run(&an, two_vms, KTEST_N(two_vms)), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_IO), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_HLT), 1);
	KT_EXPECT_EQ(reason_count(SVM, SVM_NPF), 2);
	tv_an_free(&an);

	tv_opts_default(&o);
	o.vcpu = 1;
	start(TV_PROFILE_X86, &o);
	KT_EXPECT_EQ(tv_an_run(&an, two_vms, KTEST_N(two_vms)), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_IO), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_HLT), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_NPF), 2);
	tv_an_free(&an);

	tv_opts_default(&o);
	o.tid = 201;
	start(TV_PROFILE_X86, &o);
	KT_EXPECT_EQ(tv_an_run(&an, two_vms, KTEST_N(two_vms)), 0);
	KT_EXPECT_EQ(reason_count(SVM, SVM_IO), 1);
	KT_EXPECT_EQ(reason_count(SVM, SVM_NPF), 0);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].count, 1);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(time_window)
{
	struct tv_opts o;

	tv_opts_default(&o);
	o.from_ns = 450;	/* relative to the first record (ts 10) */
	o.to_ns = 750;
	start(TV_PROFILE_X86, &o);
	KT_EXPECT_EQ(tv_an_run(&an, two_vms, KTEST_N(two_vms)), 0);
	/* ts 500 (npf), 600 (entry), 700 (npf): one complete pair */
	KT_EXPECT_EQ(reason_count(SVM, SVM_NPF), 2);
	KT_EXPECT_EQ(reason_count(SVM, SVM_HLT), 0);
	KT_EXPECT_EQ(an.lat_total[TV_LAT_ALL].count, 1);
	KT_EXPECT_EQ(an.nr_used, 3);
	KT_EXPECT_EQ(an.win_first, 500);
	KT_EXPECT_EQ(an.win_last, 700);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(csr_trap_matrix)
{
	static const struct tv_rec r[] = {
		REC(10, TV_EXIT, 5, .vcpu = 0, .reason = 22),
		REC(11, TV_CSR, 5, .vcpu = 0, .csr = 0x41, .op = 1),	/* TCFG wr */
		REC(12, TV_ENTRY, 5, .vcpu = 0),
		REC(20, TV_EXIT, 5, .vcpu = 0, .reason = 22),
		REC(21, TV_CSR, 5, .vcpu = 0, .csr = 0x41, .op = 1),
		REC(22, TV_ENTRY, 5, .vcpu = 0),
		REC(30, TV_EXIT, 6, .vcpu = 1, .reason = 22),
		REC(31, TV_CSR, 6, .vcpu = 1, .csr = 0x5, .op = 0),	/* ESTAT rd */
		REC(32, TV_ENTRY, 6, .vcpu = 1),
	};
	unsigned int found = 0;

	start(TV_PROFILE_LOONGARCH, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, KTEST_N(r)), 0);
	KT_EXPECT_EQ(an.nr_csr, 2);
	for (unsigned int i = 0; i < an.nr_csr; i++) {
		const struct tv_csr_cell *c = &an.csr[i];
		uint32_t vid = an.vcpus[c->vcpu_idx].vcpu_id;

		if (c->csr == 0x41 && c->op == 1 && vid == 0 && c->count == 2)
			found++;
		if (c->csr == 0x5 && c->op == 0 && vid == 1 && c->count == 1)
			found++;
	}
	KT_EXPECT_EQ(found, 2);
	KT_EXPECT_STREQ(tv_la_csr_name(0x41), "TCFG");
	KT_EXPECT_STREQ(tv_la_sym_name("CSR_OP", 1), "wr");
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(gpa_fault_classes)
{
	static const struct tv_rec r[] = {
		REC(10, TV_EXIT, 5, .vcpu = 0, .reason = 1),
		/* kind ram, path fast, write */
		REC(11, TV_FAULT, 5, .vcpu = 0, .fault_class = 0, .path_access = 0 | TV_ACC_WRITE << 8),
		REC(12, TV_FAULT, 5, .vcpu = 0, .fault_class = 0, .path_access = 0 | TV_ACC_WRITE << 8),
		/* kind mmio, path slow, read */
		REC(13, TV_FAULT, 5, .vcpu = 0, .fault_class = 1, .path_access = 1 | TV_ACC_READ << 8),
		REC(14, TV_ENTRY, 5, .vcpu = 0),
	};

	start(TV_PROFILE_LOONGARCH, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, KTEST_N(r)), 0);
	KT_EXPECT_EQ(an.nr_faults, 2);
	KT_EXPECT_STREQ(an.faults[0].cls, "ram/fast/write");
	KT_EXPECT_EQ(an.faults[0].count, 2);
	KT_EXPECT_STREQ(an.faults[1].cls, "mmio/slow/read");
	KT_EXPECT_EQ(an.faults[1].count, 1);
	tv_an_free(&an);
	return KT_PASS;
}

/* GSPR kinds land in their catalog slot; a kind beyond the catalog in the last */
KTEST(gspr_kinds_by_catalog_slot)
{
	struct tv_rec r[] = {
		REC(0, TV_ENTRY, 5, .vcpu = 0),
		REC(100, TV_GSPR, 5, .vcpu = 0, .gspr_kind = KVMLA_GSPR_IDLE),
		REC(200, TV_GSPR, 5, .vcpu = 0, .gspr_kind = KVMLA_GSPR_IDLE),
		REC(300, TV_GSPR, 5, .vcpu = 0, .gspr_kind = KVMLA_GSPR_OTHER),
		REC(400, TV_GSPR, 5, .vcpu = 0, .gspr_kind = KVMLA_GSPR_KIND_NUM),
		REC(500, TV_GSPR, 5, .vcpu = 0, .gspr_kind = 1000),
	};

	start(TV_PROFILE_LOONGARCH, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, KTEST_N(r)), 0);
	KT_EXPECT_EQ(an.gspr_kind[KVMLA_GSPR_IDLE], 2);
	KT_EXPECT_EQ(an.gspr_kind[KVMLA_GSPR_OTHER], 1);
	KT_EXPECT_EQ(an.gspr_kind[TV_GSPR_SLOTS - 1], 2);
	KT_EXPECT_EQ(an.gspr_kind[KVMLA_GSPR_CSR], 0);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(tlb_vpid_churn)
{
	struct tv_rec r[64];
	size_t n = 0;
	uint64_t tlb = 0, vpid = 0;

	start(TV_PROFILE_LOONGARCH, NULL);
	r[n++] = REC(0, TV_ENTRY, 5, .vcpu = 0);
	for (int i = 0; i < 10; i++)
		r[n++] = REC(1000 + 100 * i, TV_TLB, 5, .vcpu = 0, .scope = 1);
	for (int i = 0; i < 4; i++)
		r[n++] = REC(5000 + 100 * i, TV_VPID, 5, .vcpu = 0, .reason = 1, .vpid = 0x10 + i);
	r[n++] = REC(9000, TV_ROLLOVER, 5, .vcpu = 0);
	KT_EXPECT_EQ(tv_an_run(&an, r, n), 0);
	KT_EXPECT_EQ(an.tlb_total, 10);
	KT_EXPECT_EQ(an.tlb_by_scope[1], 10);
	KT_EXPECT_EQ(an.vpid_total, 4);
	KT_EXPECT_EQ(an.rollover_total, 1);
	for (unsigned int b = 0; b < an.nr_bins; b++) {
		tlb += an.churn_tlb[b];
		vpid += an.churn_vpid[b];
	}
	KT_EXPECT_EQ(tlb, 10);
	KT_EXPECT_EQ(vpid, 4);
	KT_EXPECT_EQ(an.churn_tlb[1], 10);	/* 1.0 .. 1.9 us: bin 1 */
	KT_EXPECT_EQ(an.churn_vpid[5], 4);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(irq_queue_to_deliver)
{
	static const struct tv_rec r[] = {
		REC(0, TV_ENTRY, 5, .vcpu = 0),
		REC(1000, TV_IRQ_QUEUE, 9, .vcpu = 0, .irq = 11),
		REC(1500, TV_IRQ_QUEUE, 9, .vcpu = 0, .irq = 11),	/* coalesced */
		REC(4000, TV_IRQ_DELIVER, 5, .vcpu = 0, .irq = 11),
		REC(5000, TV_IRQ_QUEUE, 9, .vcpu = 0, .irq = 12),
		REC(5600, TV_IRQ_DELIVER, 5, .vcpu = 0, .irq = 12),
		REC(7000, TV_IRQ_DELIVER, 5, .vcpu = 0, .irq = 2),	/* never queued */
	};

	start(TV_PROFILE_LOONGARCH, NULL);
	KT_EXPECT_EQ(tv_an_run(&an, r, KTEST_N(r)), 0);
	KT_EXPECT_EQ(an.irq_queued, 3);
	KT_EXPECT_EQ(an.irq_delivered, 3);
	KT_EXPECT_EQ(an.irq_lat.count, 2);
	KT_EXPECT_EQ(an.irq_lat.min, 600);
	KT_EXPECT_EQ(an.irq_lat.max, 3000);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(missed_events_counted)
{
	start(TV_PROFILE_X86, NULL);
	tv_an_missed(&an, 17);
	tv_an_missed(&an, -1);		/* lost, count unknown */
	KT_EXPECT_EQ(tv_an_finish(&an), 0);
	KT_EXPECT_EQ(an.missed_events, 17);
	KT_EXPECT_EQ(an.missed_pages, 2);
	tv_an_free(&an);
	return KT_PASS;
}

KTEST(vcpu_id_from_thread_name)
{
	struct tv_vcpu v = { .vcpu_id = TV_NO_VCPU };

	tv_vcpu_set_comm(&v, "CPU 3/KVM");
	KT_EXPECT_EQ(v.vcpu_id, 3);
	v.vcpu_id = TV_NO_VCPU;
	tv_vcpu_set_comm(&v, "qemu-system-x86");
	KT_EXPECT_EQ(v.vcpu_id, TV_NO_VCPU);
	return KT_PASS;
}

/* ---- the observer (--perfetto): what the state machine says, in order ---- */
static char obs_log[512];
static unsigned int obs_records;

static void __attribute__((format(printf, 1, 2))) obs_put(const char *fmt, ...)
{
	size_t n = strlen(obs_log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(obs_log + n, sizeof(obs_log) - n, fmt, ap);
	va_end(ap);
}

static void obs_state(void *arg, const struct tv_vcpu *v, int st, uint64_t ts)
{
	(void)arg;
	obs_put("%u:%s@%llu ", v->tid, tv_state_name(st), (unsigned long long)ts);
}

static void obs_begin(void *arg, const struct tv_vcpu *v, int reason, uint64_t ts)
{
	(void)arg;
	obs_put("%u:begin %s@%llu ", v->tid, an.reasons[reason].name, (unsigned long long)ts);
}

static void obs_end(void *arg, const struct tv_vcpu *v, uint64_t ts)
{
	(void)arg;
	obs_put("%u:end@%llu ", v->tid, (unsigned long long)ts);
}

static void obs_record(void *arg, const struct tv_vcpu *v, const struct tv_rec *r)
{
	(void)arg; (void)v; (void)r;
	obs_records++;
}

KTEST(observer_sees_states_and_exits)
{
	static const struct tv_observer obs = { obs_state, obs_begin, obs_end, obs_record, NULL };
	/* hlt exit; io exit to userspace; a second userspace exit before any entry supersedes it */
	static const struct tv_rec recs[] = {
		REC(100, TV_ENTRY, 7, .vcpu = 0),
		REC(200, TV_EXIT, 7, .vcpu = 0, .reason = SVM_HLT, .isa = SVM),
		REC(500, TV_ENTRY, 7, .vcpu = 0),
		REC(600, TV_EXIT, 7, .vcpu = 0, .reason = SVM_IO, .isa = SVM),
		REC(650, TV_PIO, 7, .rw = 1, .port = 0x3f8, .len = 1),
		REC(700, TV_UEXIT, 7, .reason = 2),
		REC(800, TV_UEXIT, 7, .reason = 2),
		REC(900, TV_ENTRY, 7, .vcpu = 0),
	};

	obs_log[0] = 0;
	obs_records = 0;
	start(TV_PROFILE_X86, NULL);
	an.obs = &obs;
	KT_EXPECT_EQ(tv_an_run(&an, recs, sizeof(recs) / sizeof(recs[0])), 0);
	KT_EXPECT_STREQ(obs_log, "7:guest@100 7:begin hlt@200 7:halted@200 7:end@500 7:guest@500 "
				 "7:begin io@600 7:kernel@600 7:userspace@700 "
				 "7:end@800 7:begin io@800 7:userspace@800 7:end@900 7:guest@900 ");
	KT_EXPECT_EQ(obs_records, 8);
	tv_an_free(&an);
	return KT_PASS;
}

static const struct ktest_case cases[] = {
	KTEST_CASE(exit_breakdown_by_reason),
	KTEST_CASE(latency_kernel_vs_userspace),
	KTEST_CASE(state_timeline),
	KTEST_CASE(timeline_rebins_long_traces),
	KTEST_CASE(fine_timeline_spans_the_window),
	KTEST_CASE(percentiles_nearest_rank),
	KTEST_CASE(loglinear_bucket_round_trip),
	KTEST_CASE(percentiles_loglinear_within_bound),
	KTEST_CASE(exact_samples_budget),
	KTEST_CASE(userspace_only_round_trips),
	KTEST_CASE(breakdown_by_vm),
	KTEST_CASE(filter_vm_vcpu_tid),
	KTEST_CASE(time_window),
	KTEST_CASE(csr_trap_matrix),
	KTEST_CASE(gpa_fault_classes),
	KTEST_CASE(gspr_kinds_by_catalog_slot),
	KTEST_CASE(tlb_vpid_churn),
	KTEST_CASE(irq_queue_to_deliver),
	KTEST_CASE(missed_events_counted),
	KTEST_CASE(vcpu_id_from_thread_name),
	KTEST_CASE(observer_sees_states_and_exits),
};

int main(int argc, char **argv)
{
	return ktest_main("trace-viewer/analyze", cases, KTEST_N(cases));
}
