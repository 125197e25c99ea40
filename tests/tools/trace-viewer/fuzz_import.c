// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over `trace-viewer import`: the input is a snapshot's
 * events/header_page text, a NUL, and per_cpu/cpu0/trace_pipe_raw (the
 * pages).  The formats are gen-snap's, written once.  Each input is
 * imported (page size from the header, every commit checked) and, when
 * import accepts it, the trace.dat goes through the reader, the analyses
 * and the text and JSON reports.  Damaged pages and headers must give an
 * error or a report, never a crash.  Run with -close_fd_mask=2: import's
 * one-line errors, the expected outcome of most inputs, are not logged.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvmla-tools.h"
#include "la_fixture.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* in the working directory (run.sh runs the fuzzers in its scratch directory) */
static char dir[] = "fuzz-import.XXXXXX";
static char hp_path[128], cpu_path[128], out_path[128];
static FILE *null;

static void put(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char he[] = "# compressed entry header\n\ttype_len    :    5 bits\n"
		"\ttime_delta  :   27 bits\n\tarray       :   32 bits\n";
	struct la_event *evs;
	unsigned int nev = la_events(&evs, 1000);
	char path[256];

	(void)argc;
	(void)argv;
	kvmla_err_setup("trace-viewer", false);
	setenv("TV_NO_PROBE", "1", 1);		/* the formats are known good */
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/events", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/kvm", dir);
	mkdir(path, 0755);
	for (unsigned int i = 0; i < nev; i++) {
		snprintf(path, sizeof(path), "%s/events/kvm/%s", dir, evs[i].name);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/events/kvm/%s/format", dir, evs[i].name);
		put(path, evs[i].format, strlen(evs[i].format));
	}
	snprintf(path, sizeof(path), "%s/events/header_event", dir);
	put(path, he, strlen(he));
	snprintf(path, sizeof(path), "%s/per_cpu", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/per_cpu/cpu0", dir);
	mkdir(path, 0755);
	snprintf(hp_path, sizeof(hp_path), "%s/events/header_page", dir);
	snprintf(cpu_path, sizeof(cpu_path), "%s/per_cpu/cpu0/trace_pipe_raw", dir);
	snprintf(out_path, sizeof(out_path), "%s.dat", dir);
	null = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct tv_import_opts o = { .dir = dir, .output = out_path, .quiet = true };
	struct tv_analysis *an;
	struct tv_reader *rd;
	char err[256];

	if (!nul)
		return 0;
	put(hp_path, data, nul - data);
	put(cpu_path, nul + 1, size - (nul + 1 - data));
	unlink(out_path);
	if (tv_import(&o))
		return 0;
	rd = tv_reader_open(out_path, err, sizeof(err));
	if (!rd)
		return 0;
	an = calloc(1, sizeof(*an));
	if (an) {
		tv_an_init(an, NULL, tv_reader_profile(rd));
		if (!tv_reader_run(rd, an, NULL, NULL) && !tv_an_finish(an)) {
			tv_report_text(null, an, out_path);
			tv_report_json(null, an, out_path);
		}
		tv_an_free(an);
		free(an);
	}
	tv_reader_close(rd);
	return 0;
}
