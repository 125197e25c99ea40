/* SPDX-License-Identifier: GPL-2.0 */
/* la-vmm: the few libc pieces it needs (strings, output, errno names). */
#ifndef LA_VMM_LIB_H
#define LA_VMM_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* An output buffer flushed to a file descriptor. */
struct obuf {
	int fd;
	size_t len;
	char buf[16384];
};

extern struct obuf out_json;	/* stdout */
extern struct obuf out_err;	/* stderr */

void ob_flush(struct obuf *o);
void ob_str(struct obuf *o, const char *s);
void ob_chr(struct obuf *o, char c);
void ob_u64(struct obuf *o, uint64_t v);
void ob_i64(struct obuf *o, int64_t v);
void ob_hex(struct obuf *o, uint64_t v);	/* "0x..." */
/* JSON helpers: a quoted key followed by ':' */
void ob_key(struct obuf *o, const char *k);
void ob_qstr(struct obuf *o, const char *s);	/* quoted, escaped */

const char *errno_name(long err);	/* err > 0: "ENOENT" ..., NULL if unknown */
bool parse_u64(const char *s, uint64_t *v);

/*
 * Threads: la_clone (start.S) runs fn(arg) on stack_top in a new thread of
 * this process; thread_start does so on the stack [stack, stack + size)
 * (-ENOMEM when stack is NULL) and sets *ctid to 1, which the kernel clears
 * (and futex-wakes) when the thread exits.  0 or -errno.
 */
long la_clone(unsigned long flags, void *stack_top, volatile int *ptid,
	      volatile int *ctid, int (*fn)(void *), void *arg);
int thread_start(volatile int *ctid, void *stack, size_t size,
		 int (*fn)(void *), void *arg);

#endif
