// SPDX-License-Identifier: GPL-2.0
/*
 * One voice for the kvmla tools: how an error is said (one line on stderr,
 * and {"error": ...} on stdout in JSON mode), the exit codes, and
 * allocation that cannot fail silently (out of memory restores the terminal,
 * says so in one line and exits 1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kvmla-tools.h"

static const char *prog = "kvmla";
static bool json_errors;
static void (*restore_fn)(void);
static long alloc_fail_at = -1;	/* KVMLA_TEST_ALLOC_FAIL: -1 unread, 0 off */

void kvmla_err_setup(const char *name, bool json)
{
	prog = name;
	json_errors = json;
}

void kvmla_err_json(bool json)
{
	json_errors = json;
}

bool kvmla_err_json_on(void)
{
	return json_errors;
}

void kvmla_err_restore(void (*restore)(void))
{
	restore_fn = restore;
}

/* one UTF-8 sequence at s: its length, or 0 when it is not well formed */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = *s >= 0xf0 && *s < 0xf5 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc2 && *s < 0xe0 ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void kvmla_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = *s < 0x80 ? 1 : utf8_len(s);

		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else if (n)
			fwrite(s, 1, n, f);
		else
			fputs("\\ufffd", f);	/* not UTF-8: JSON cannot hold it */
		s += n ? n : 1;
	}
	fputc('"', f);
}

void kvmla_json_error(FILE *f, const char *msg)
{
	fputs("{\"error\": ", f);
	kvmla_json_str(f, msg);
	fputs("}\n", f);
	fflush(f);
}

void kvmla_verr(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (json_errors)
		kvmla_json_error(stdout, msg);
	fprintf(stderr, "%s: %s\n", prog, msg);
}

void kvmla_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvmla_verr(fmt, ap);
	va_end(ap);
}

int kvmla_fail(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvmla_verr(fmt, ap);
	va_end(ap);
	return rc;
}

void kvmla_oom(void)
{
	if (restore_fn) {
		void (*restore)(void) = restore_fn;

		restore_fn = NULL;	/* once, even if restoring allocates */
		restore();
	}
	kvmla_err("out of memory");
	exit(KVMLA_EXIT_FAILURE);
}

/*
 * KVMLA_TEST_ALLOC_FAIL=N: the Nth allocation through these helpers fails,
 * for the tests of the out-of-memory path (docs/testing.md).
 */
static bool test_fail(void)
{
	static long count;

	if (alloc_fail_at < 0) {
		const char *e = getenv("KVMLA_TEST_ALLOC_FAIL");

		alloc_fail_at = e ? strtol(e, NULL, 10) : 0;
		if (alloc_fail_at < 0)
			alloc_fail_at = 0;
	}
	return alloc_fail_at && ++count == alloc_fail_at;
}

void *kvmla_xmalloc(size_t size)
{
	void *p = test_fail() ? NULL : malloc(size ? size : 1);

	if (!p)
		kvmla_oom();
	return p;
}

void *kvmla_xcalloc(size_t n, size_t size)
{
	void *p = test_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);

	if (!p)
		kvmla_oom();
	return p;
}

void *kvmla_xrealloc(void *old, size_t size)
{
	void *p = test_fail() ? NULL : realloc(old, size ? size : 1);

	if (!p)
		kvmla_oom();
	return p;
}

char *kvmla_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(kvmla_xmalloc(n), s, n);
}
