// SPDX-License-Identifier: GPL-2.0
/*
 * Names from the kvmla catalog (include/kvmla), through the shared lookups
 * of tools/lib (libkvmla.a), which expand the catalog's X-macros: nothing
 * is retyped.  LoongArch exit reasons, CSRs and the value lists of our
 * events.
 */
#include <kvmla-tools.h>

#include "trace-viewer.h"

const char *tv_la_ecode_name(unsigned int code)
{
	return kvmla_ecode_name(code);
}

const char *tv_la_ecode_key(unsigned int code)
{
	return kvmla_ecode_key(code);
}

const char *tv_la_csr_name(unsigned int csr)
{
	return kvmla_csr_name(csr);
}

const char *tv_kvm_exit_name(unsigned int reason)
{
	return kvmla_kvm_exit_key(reason);
}

/* The json key of value in the catalog list KVMLA_SYMS_<list>, or NULL. */
const char *tv_la_sym_name(const char *list, unsigned int value)
{
	const struct kvmla_symlist *l = kvmla_symlist_find(list);
	const struct kvmla_sym *s = l ? kvmla_sym_by_value(l, value) : NULL;

	return s ? s->key : NULL;
}
