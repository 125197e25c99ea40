// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reader's probe helper (docs/testing.md, "Fuzzing"): a small program
 * the fuzz target starts with posix_spawn and keeps, that opens with
 * libtracecmd each file named on stdin (one NUL-ended path per request) and
 * answers one byte on stdout: '0' opened, '2' refused.  When the library
 * crashes on a file, the helper dies without answering; when it loops, the
 * target kills it after its timeout.  Either way the target rejects the
 * input and starts a new helper.
 *
 * Built with ASan like the target, so that the library's calls of
 * intercepted functions (strlen, memcpy...) are checked as they will be in
 * the target, but with its own lighter options (no allocation stacks, no
 * quarantine, no leak check, no symbolising: fuzz_reader.c sets them).
 */
#include <unistd.h>

#include <trace-cmd.h>

/* One request at a time: the target waits for the answer before the next. */
int main(void)
{
	char p[256];

	tracecmd_set_loglevel(TEP_LOG_NONE);
	for (;;) {
		ssize_t n = read(0, p, sizeof(p) - 1);
		struct tracecmd_input *h;
		char c;

		if (n <= 0)
			return 0;
		p[n] = '\0';
		h = tracecmd_open(p, TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
		c = h ? '0' : '2';
		if (h)
			tracecmd_close(h);
		if (write(1, &c, 1) != 1)
			return 1;
	}
}
