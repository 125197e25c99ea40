// SPDX-License-Identifier: GPL-2.0
/*
 * gen-phases: writes a LoongArch trace.dat of one VM with one vCPU going
 * through known states (la_fixture.c, seg_run()), for the timeline cases.
 *   gen-phases OUT FIRST_TS < SPEC
 * SPEC: one phase a line, "REPEAT STATE NS [STATE NS]...": the pattern of
 * states (g guest, k kernel, u userspace, h halted) for NS each, REPEAT
 * times; '#' starts a comment.  The vCPU's first record is at FIRST_TS (ns,
 * above 1 ms: the identity markers come before), its last at FIRST_TS plus
 * the sum of every phase.  tlcheck.py reads the same SPEC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la_fixture.h"

static int add(struct la_seg **v, size_t *n, size_t *cap, char st, uint64_t ns)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			return -1;
	}
	(*v)[(*n)++] = (struct la_seg){ st, ns };
	return 0;
}

/* one SPEC line into segs; -1 when it is not "REPEAT STATE NS ..." */
static int line(char *l, struct la_seg **segs, size_t *n, size_t *cap)
{
	struct la_seg pat[64];
	unsigned int np = 0;
	unsigned long long rep, ns;
	char *tok, *save, st;

	if (strchr(l, '#'))
		*strchr(l, '#') = 0;
	tok = strtok_r(l, " \t\n", &save);
	if (!tok)
		return 0;
	if (sscanf(tok, "%llu", &rep) != 1)
		return -1;
	while ((tok = strtok_r(NULL, " \t\n", &save))) {
		if (strlen(tok) != 1 || !strchr("gkuh", tok[0]) || np == 64)
			return -1;
		st = tok[0];
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok || sscanf(tok, "%llu", &ns) != 1)
			return -1;
		pat[np++] = (struct la_seg){ st, ns };
	}
	if (!np)
		return -1;
	for (unsigned long long r = 0; r < rep; r++)
		for (unsigned int i = 0; i < np; i++)
			if (add(segs, n, cap, pat[i].st, pat[i].ns))
				return -2;
	return 0;
}

int main(int argc, char **argv)
{
	struct la_scenario s = { .vms = 1, .vcpus_per_vm = 1 };
	struct la_seg *segs = NULL;
	size_t n = 0, cap = 0;
	char buf[1024], err[256];
	int rc;

	if (argc != 3 || sscanf(argv[2], "%llu", (unsigned long long *)&s.first_ts) != 1 ||
	    s.first_ts <= 1000100) {
		fprintf(stderr, "usage: gen-phases OUT FIRST_TS (ns, above 1000100) < SPEC\n");
		return 2;
	}
	while (fgets(buf, sizeof(buf), stdin))
		if ((rc = line(buf, &segs, &n, &cap))) {
			fprintf(stderr, "gen-phases: %s\n", rc == -2 ? "out of memory" :
				"stdin: expected REPEAT STATE NS [STATE NS]... (states g k u h)");
			return rc == -2 ? 1 : 2;
		}
	if (!n) {
		fprintf(stderr, "gen-phases: stdin: no phases\n");
		return 2;
	}
	s.segs = segs;
	s.nr_segs = n;
	if (la_write_trace(argv[1], &s, err, sizeof(err))) {
		fprintf(stderr, "gen-phases: %s\n", err);
		return 1;
	}
	free(segs);
	return 0;
}
