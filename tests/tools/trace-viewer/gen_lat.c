// SPDX-License-Identifier: GPL-2.0
/*
 * gen-lat: writes a LoongArch trace.dat whose exit latencies (and interrupt
 * queue -> deliver latencies) are the numbers read from stdin, one per line,
 * in that order: one VM, one vCPU (la_fixture.c, lat_run()).
 *   gen-lat OUT < SAMPLES
 * run.sh's percentile cases compute the exact percentiles from the same file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "la_fixture.h"

int main(int argc, char **argv)
{
	struct la_scenario s = { .vms = 1, .vcpus_per_vm = 1 };
	unsigned long long v;
	uint64_t *lat = NULL;
	size_t n = 0, cap = 0;
	char err[256];

	if (argc != 2) {
		fprintf(stderr, "usage: gen-lat OUT < SAMPLES (ns, one per line)\n");
		return 2;
	}
	while (scanf("%llu", &v) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat) {
				fprintf(stderr, "gen-lat: out of memory\n");
				return 1;
			}
		}
		lat[n++] = v;
	}
	if (!feof(stdin) || !n) {
		fprintf(stderr, "gen-lat: stdin: expected one or more numbers (ns), one per line\n");
		return 2;
	}
	s.lat_ns = lat;
	s.nr_lat_ns = n;
	if (la_write_trace(argv[1], &s, err, sizeof(err))) {
		fprintf(stderr, "gen-lat: %s\n", err);
		return 1;
	}
	free(lat);
	return 0;
}
