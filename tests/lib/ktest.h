/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest: the one test protocol of kvmla.  Every suite prints one line per
 * case, "PASS: suite/case", "FAIL: suite/case: why" or
 * "SKIP: suite/case: why", and scripts/check.sh counts them.
 *
 *	KTEST(answer) { KT_EXPECT_EQ(6 * 7, 42); return KT_PASS; }
 *	static const struct ktest_case cases[] = { KTEST_CASE(answer) };
 *	int main(void) { return ktest_main("mysuite", cases, KTEST_N(cases)); }
 */
#ifndef KVMLA_KTEST_H
#define KVMLA_KTEST_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

enum { KT_PASS = 0, KT_FAIL = 1, KT_SKIP = 2 };

struct ktest_case {
	const char *name;
	int (*fn)(void);
};

/* The reason for the last FAIL or SKIP, printed after the case name. */
static char ktest_why[512];

#define KTEST(name) static int test_##name(void)
#define KTEST_CASE(name) { #name, test_##name }
#define KTEST_N(a) (sizeof(a) / sizeof((a)[0]))

#define KT_SKIP(...) do { \
	snprintf(ktest_why, sizeof(ktest_why), __VA_ARGS__); \
	return KT_SKIP; \
} while (0)

#define KT_FAILF(...) do { \
	int _n = snprintf(ktest_why, sizeof(ktest_why), "%s:%d: ", \
			  __FILE__, __LINE__); \
	snprintf(ktest_why + _n, sizeof(ktest_why) - _n, __VA_ARGS__); \
	return KT_FAIL; \
} while (0)

#define KT_EXPECT(cond) do { \
	if (!(cond)) \
		KT_FAILF("expected %s", #cond); \
} while (0)

#define KT_EXPECT_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) \
		KT_FAILF("%s == %lld (0x%llx), expected %s == %lld (0x%llx)", \
			 #a, _a, (unsigned long long)_a, #b, _b, \
			 (unsigned long long)_b); \
} while (0)

#define KT_EXPECT_STREQ(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) \
		KT_FAILF("%s == \"%s\", expected \"%s\"", #a, \
			 _a ? _a : "(null)", _b ? _b : "(null)"); \
} while (0)

/*
 * Runs every case, or only those named on the command line.
 * Returns 1 when any case failed, so a suite's exit status agrees with
 * its lines.
 */
static inline int ktest_main_args(const char *suite,
				  const struct ktest_case *cases, size_t n,
				  int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		int r, want = argc <= 1;

		for (int a = 1; a < argc; a++)
			if (!strcmp(argv[a], cases[i].name))
				want = 1;
		if (!want)
			continue;
		ktest_why[0] = '\0';
		r = cases[i].fn();
		if (r == KT_PASS)
			printf("PASS: %s/%s\n", suite, cases[i].name);
		else if (r == KT_SKIP)
			printf("SKIP: %s/%s: %s\n", suite, cases[i].name,
			       ktest_why);
		else {
			printf("FAIL: %s/%s: %s\n", suite, cases[i].name,
			       ktest_why);
			failed = 1;
		}
		fflush(stdout);
	}
	return failed;
}

#define ktest_main(suite, cases, n) \
	ktest_main_args(suite, cases, n, argc, argv)

#endif /* KVMLA_KTEST_H */
