/* SPDX-License-Identifier: GPL-2.0 */
/* The record layout and print fmt of a kvm/ tracepoint, as kvm/trace.h makes them. */
#ifndef LA_TRACEGEN_H
#define LA_TRACEGEN_H

#define TG_MAX_FIELDS 10

struct tg_field { const char *type, *name; unsigned int off, size; int is_signed; };
struct tg_class {
	struct tg_field f[TG_MAX_FIELDS];
	unsigned int nf, size;
	const char *print;	/* the text after "print fmt: " */
};

int la_tracegen(const char *event, struct tg_class *out);

#endif
