// SPDX-License-Identifier: GPL-2.0
/* la-vmm: strings, buffered output and errno names without a libc. */
#include "lib.h"
#include "sys.h"
#include <asm-generic/errno.h>
#include <linux/sched.h>

void *memset(void *d, int c, size_t n)
{
	volatile unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	volatile unsigned char *p = d;
	const unsigned char *q = s;

	if (p < q) {
		while (n--)
			*p++ = *q++;
	} else {
		while (n--)
			p[n] = q[n];
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

struct obuf out_json = { .fd = 1 };
struct obuf out_err = { .fd = 2 };

void ob_flush(struct obuf *o)
{
	size_t off = 0;

	while (off < o->len) {
		long r = sys_write(o->fd, o->buf + off, o->len - off);

		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	o->len = 0;
}

void ob_chr(struct obuf *o, char c)
{
	if (o->len == sizeof(o->buf))
		ob_flush(o);
	o->buf[o->len++] = c;
}

void ob_str(struct obuf *o, const char *s)
{
	while (*s)
		ob_chr(o, *s++);
}

void ob_u64(struct obuf *o, uint64_t v)
{
	char t[24];
	int i = 0;

	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		ob_chr(o, t[--i]);
}

void ob_i64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		ob_chr(o, '-');
		ob_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(o, (uint64_t)v);
	}
}

void ob_hex(struct obuf *o, uint64_t v)
{
	static const char dig[] = "0123456789abcdef";
	char t[16];
	int i = 0;

	ob_str(o, "0x");
	do {
		t[i++] = dig[v & 15];
		v >>= 4;
	} while (v);
	while (i)
		ob_chr(o, t[--i]);
}

void ob_qstr(struct obuf *o, const char *s)
{
	ob_chr(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			ob_chr(o, '\\');
			ob_chr(o, (char)c);
		} else if (c < 0x20) {
			ob_str(o, "\\u00");
			ob_chr(o, "0123456789abcdef"[c >> 4]);
			ob_chr(o, "0123456789abcdef"[c & 15]);
		} else {
			ob_chr(o, (char)c);
		}
	}
	ob_chr(o, '"');
}

void ob_key(struct obuf *o, const char *k)
{
	ob_qstr(o, k);
	ob_chr(o, ':');
}

bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	unsigned int base = 10;

	if (!*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (d >= base || x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	*v = x;
	return true;
}

#define E(n) [n] = #n
static const char *const errnames[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(ERANGE), E(ENOSYS), E(EOPNOTSUPP),
	E(ETIMEDOUT),
};
#undef E

const char *errno_name(long err)
{
	if (err == 524)
		return "ENOTSUPP";
	if (err == 515)
		return "ENOIOCTLCMD";
	if (err > 0 && (unsigned long)err < sizeof(errnames) / sizeof(errnames[0]) &&
	    errnames[err])
		return errnames[err];
	return NULL;
}

int thread_start(volatile int *ctid, void *stack, size_t size,
		 int (*fn)(void *), void *arg)
{
	long ret;

	if (!stack)
		return -ENOMEM;
	*ctid = 1;
	ret = la_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		       CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID,
		       (uint8_t *)stack + size, NULL, ctid, fn, arg);
	return ret < 0 ? (int)ret : 0;
}
