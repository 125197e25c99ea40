// SPDX-License-Identifier: GPL-2.0
/*
 * Names from the kvmla catalog (include/kvmla), expanded here: nothing is
 * retyped.  LoongArch exit reasons, CSRs and the value lists of our events.
 */
#include <stdio.h>
#include <string.h>

#include <kvmla/catalog.h>

#include "trace-viewer.h"

struct sym { unsigned int v; const char *name, *key; };

#define SYM(v, n, k, ...) { v, #n, #k },
static const struct sym ecodes[] = { KVMLA_ECODES(SYM) };
static const struct sym csrs[] = { KVMLA_CSRS(SYM) };
static const struct sym kexits[] = { KVMLA_KVM_EXITS(SYM) };

#define LIST(name) static const struct sym l_##name[] = { KVMLA_SYMS_##name(SYM) };
LIST(GSPR_KIND) LIST(CSR_OP) LIST(CSR_OUTCOME) LIST(RW) LIST(FAULT_PATH) LIST(FAULT_KIND)
LIST(TLB_SCOPE) LIST(TLB_REASON) LIST(VPID_REASON) LIST(TIMER_OP) LIST(IRQ_OP)
LIST(IRQ_SOURCE) LIST(AUX_OP) LIST(AUX_UNIT) LIST(LOAD_KIND) LIST(HCALL_FUNC) LIST(INT)

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct { const char *list; const struct sym *s; size_t n; } lists[] = {
#define L(name) { #name, l_##name, N(l_##name) },
	L(GSPR_KIND) L(CSR_OP) L(CSR_OUTCOME) L(RW) L(FAULT_PATH) L(FAULT_KIND)
	L(TLB_SCOPE) L(TLB_REASON) L(VPID_REASON) L(TIMER_OP) L(IRQ_OP)
	L(IRQ_SOURCE) L(AUX_OP) L(AUX_UNIT) L(LOAD_KIND) L(HCALL_FUNC) L(INT)
	{ "ECODE", ecodes, N(ecodes) }, { "CSR", csrs, N(csrs) }, { "KVM_EXIT", kexits, N(kexits) },
};

static const struct sym *find(const struct sym *s, size_t n, unsigned int v)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].v == v)
			return &s[i];
	return NULL;
}

const char *tv_la_ecode_name(unsigned int code)
{
	const struct sym *s = find(ecodes, N(ecodes), code);

	return s ? s->name : NULL;
}

const char *tv_la_ecode_key(unsigned int code)
{
	const struct sym *s = find(ecodes, N(ecodes), code);

	return s ? s->key : NULL;
}

const char *tv_la_csr_name(unsigned int csr)
{
	const struct sym *s = find(csrs, N(csrs), csr);

	return s ? s->name : NULL;
}

const char *tv_kvm_exit_name(unsigned int reason)
{
	const struct sym *s = find(kexits, N(kexits), reason);

	return s ? s->key : NULL;
}

const char *tv_la_sym_name(const char *list, unsigned int value)
{
	for (size_t i = 0; i < N(lists); i++)
		if (!strcmp(lists[i].list, list)) {
			const struct sym *s = find(lists[i].s, lists[i].n, value);

			return s ? s->key : NULL;
		}
	return NULL;
}
