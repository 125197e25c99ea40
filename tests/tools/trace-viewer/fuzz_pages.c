// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the ring-buffer pages: the input replaces the CPU
 * data of a small, valid LoongArch trace.dat (gen-la's scenario).  Each
 * input goes through the structural checks (validate.c), the direct reader
 * (its page walk, CPU merge), the decoder, the analyses and the three
 * renderers, and the Trace Event writer (which reads the pages a second
 * time through an observed analysis).  The formats are parsed once, so this runs thousands of inputs
 * a second where whole-file mutations (fuzz_reader) run tens.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event-parse.h>

#include "la_fixture.h"
#include "../../../tools/trace-viewer/trace-viewer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned char *tmpl;
static size_t tmpl_len, data_off;
static struct tv_reader *rd;
static FILE *null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct la_scenario s = { .vms = 1, .vcpus_per_vm = 2, .rounds = 3, .delay_user_ns = 1000 };
	char path[] = "/tmp/fuzz-pages.XXXXXX", err[256];
	struct tep_handle *tep = tep_alloc();
	struct la_event *evs;
	unsigned int nev = la_events(&evs, 1000);
	unsigned char *fly;
	FILE *f;
	int fd = mkstemp(path);

	(void)argc;
	(void)argv;
	close(fd);
	if (la_write_trace(path, &s, err, sizeof(err)))
		abort();
	f = fopen(path, "rb");
	tmpl = malloc(1 << 20);
	tmpl_len = fread(tmpl, 1, 1 << 20, f);
	fclose(f);
	unlink(path);
	fly = memmem(tmpl, tmpl_len, "flyrecord", 10);
	if (!fly)
		abort();
	memcpy(&data_off, fly + 10, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	for (unsigned int i = 0; i < nev; i++)
		tep_parse_event(tep, evs[i].format, strlen(evs[i].format), "kvm");
	tep_parse_event(tep, la_print_format(), strlen(la_print_format()), "ftrace");
	rd = tv_reader_from_tep(tep, err, sizeof(err));
	null = fopen("/dev/null", "w");
	if (!rd || !null)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = tmpl_len - data_off;
	unsigned char *buf = malloc(tmpl_len);
	int fd = memfd_create("pages.dat", 0);
	struct tv_layout lay;
	struct tv_analysis an;
	struct tv_opts o;
	char err[256];

	memcpy(buf, tmpl, tmpl_len);
	memcpy(buf + data_off, data, size < n ? size : n);
	if (fd < 0 || write(fd, buf, tmpl_len) != (ssize_t)tmpl_len ||
	    tv_validate(fd, err, sizeof(err), &lay) != 0 || !lay.direct) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	free(buf);
	tv_opts_default(&o);
	o.keep_records = (size & 1) != 0;
	o.fine_timeline = (size & 4) != 0;
	tv_an_init(&an, &o, tv_reader_profile(rd));
	tv_reader_use_fd(rd, fd, &lay, tmpl_len);
	if (!tv_reader_run(rd, &an, NULL, NULL) && !tv_an_finish(&an)) {
		tv_report_text(null, &an, "fuzz");
		tv_report_json(null, &an, "fuzz");
		tv_report_html(null, &an, "fuzz");
		if (size & 2)	/* every other input: it reads the pages again */
			tv_report_perfetto(null, &an, rd, &o, err, sizeof(err));
	}
	tv_reader_use_fd(rd, -1, NULL, 0);
	tv_an_free(&an);
	close(fd);
	return 0;
}
