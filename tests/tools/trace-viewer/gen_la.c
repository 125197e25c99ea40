// SPDX-License-Identifier: GPL-2.0
/*
 * gen-la: writes a LoongArch trace.dat of the la_fixture scenario.
 *   gen-la OUT [ROUNDS [VMS [VCPUS_PER_VM [USER_DELAY_NS [late]]]]]
 * late: each vCPU thread starts mid-round (an IOCSR write first), identity last.
 *   gen-la --only EVENTS OUT ...  (the same, with only the formats of the
 *   comma-separated kvm EVENTS and ftrace:print: small fuzz seeds)
 *   gen-la OUT uniform CPUS PAGES PER_PAGE
 * uniform: every page of every CPU holds PER_PAGE kvm_exit records; prints
 * "record_bytes=N" (one record with its header), for cutting at known places.
 * Used by run.sh (exact expected counts) and bench/trace-viewer.sh (size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_fixture.h"

int main(int argc, char **argv)
{
	struct la_scenario s = { .vms = 2, .vcpus_per_vm = 2, .rounds = 32, .delay_user_ns = 20000 };
	char err[256];

	if (argc > 3 && !strcmp(argv[1], "--only")) {
		s.only = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc == 6 && !strcmp(argv[2], "uniform")) {
		unsigned int rb;

		if (la_write_uniform(argv[1], strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0),
				     strtoul(argv[5], NULL, 0), &rb, err, sizeof(err))) {
			fprintf(stderr, "gen-la: %s\n", err);
			return 1;
		}
		printf("record_bytes=%u\n", rb);
		return 0;
	}
	if (argc < 2 || argc > 7 || (argc == 7 && strcmp(argv[6], "late"))) {
		fprintf(stderr, "usage: gen-la OUT [ROUNDS [VMS [VCPUS_PER_VM [USER_DELAY_NS [late]]]]]\n");
		return 2;
	}
	if (argc > 2)
		s.rounds = strtoul(argv[2], NULL, 0);
	if (argc > 3)
		s.vms = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		s.vcpus_per_vm = strtoul(argv[4], NULL, 0);
	if (argc > 5)
		s.delay_user_ns = strtoull(argv[5], NULL, 0);
	s.late = argc > 6;
	if (!s.vms || !s.vcpus_per_vm || s.vms * s.vcpus_per_vm > 64) {
		fprintf(stderr, "gen-la: 1..64 vCPUs in all\n");
		return 2;
	}
	if (la_write_trace(argv[1], &s, err, sizeof(err))) {
		fprintf(stderr, "gen-la: %s\n", err);
		return 1;
	}
	return 0;
}
