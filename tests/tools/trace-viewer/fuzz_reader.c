// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over trace-viewer's reader: the input is a whole
 * trace.dat; it is opened (libtracecmd), decoded, analysed and rendered as
 * text and JSON.  Any input must give an error or a report, never a crash.
 * Built with -DFUZZ_MAIN (gcc), it replays the files given as arguments.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../../tools/trace-viewer/trace-viewer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct tv_analysis *an;
	struct tv_reader *rd;
	char path[64], err[256];
	int fd = memfd_create("fuzz.dat", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (!null)
		null = fopen("/dev/null", "w");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rd = tv_reader_open(path, err, sizeof(err));
	if (rd) {
		an = malloc(sizeof(*an));
		if (an) {
			tv_an_init(an, NULL, tv_reader_profile(rd));
			if (!tv_reader_run(rd, an, NULL, NULL) && !tv_an_finish(an)) {
				tv_report_text(null, an, path);
				tv_report_json(null, an, path);
			}
			tv_an_free(an);
			free(an);
		}
		tv_reader_close(rd);
	}
	close(fd);
	return 0;
}

#ifdef FUZZ_MAIN
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t buf[1 << 22];
		size_t n;

		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
