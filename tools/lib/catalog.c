// SPDX-License-Identifier: GPL-2.0
/*
 * The catalog (include/kvmla/) expanded into lookup arrays.  Nothing here
 * types a name: every string comes from an X-macro of the catalog.
 */
#include <string.h>
#include <kvmla/catalog.h>
#include "kvmla-tools.h"

#define KVMLA_SYM(value, NAME, key, ...) { (value), #NAME, #key },

#define KVMLA_LIST(list, ...)						\
	static const struct kvmla_sym syms_##list[] = {			\
		KVMLA_SYMS_##list(KVMLA_SYM)				\
	};
KVMLA_VALUE_LISTS(KVMLA_LIST)

#define KVMLA_LISTENT(list, ...) \
	{ #list, syms_##list, sizeof(syms_##list) / sizeof(syms_##list[0]) },

const struct kvmla_symlist kvmla_symlists[] = {
	KVMLA_VALUE_LISTS(KVMLA_LISTENT)
};
const unsigned int kvmla_nsymlists = sizeof(kvmla_symlists) / sizeof(kvmla_symlists[0]);

#define KVMLA_FIELD(type, field, fmt, symbols) { #type, #field, fmt, #symbols },
#define KVMLA_EVFIELDS(name, help)					\
	static const struct kvmla_event_field fields_##name[] = {	\
		KVMLA_FIELDS_##name(KVMLA_FIELD)			\
	};
KVMLA_EVENTS(KVMLA_EVFIELDS)

#define KVMLA_EVENT(name, help) \
	{ #name, help, fields_##name, sizeof(fields_##name) / sizeof(fields_##name[0]) },
const struct kvmla_event_desc kvmla_events[] = {
	KVMLA_EVENTS(KVMLA_EVENT)
};
const unsigned int kvmla_nevents = sizeof(kvmla_events) / sizeof(kvmla_events[0]);

const struct kvmla_symlist *kvmla_symlist_find(const char *name)
{
	for (unsigned int i = 0; i < kvmla_nsymlists; i++)
		if (!strcmp(kvmla_symlists[i].name, name))
			return &kvmla_symlists[i];
	return NULL;
}

const struct kvmla_sym *kvmla_sym_by_value(const struct kvmla_symlist *l,
					   unsigned long long value)
{
	if (!l)
		return NULL;
	for (unsigned int i = 0; i < l->nsyms; i++)
		if (l->syms[i].value == value)
			return &l->syms[i];
	return NULL;
}

const struct kvmla_sym *kvmla_sym_by_name(const struct kvmla_symlist *l, const char *name)
{
	if (!l)
		return NULL;
	for (unsigned int i = 0; i < l->nsyms; i++)
		if (!strcmp(l->syms[i].name, name))
			return &l->syms[i];
	return NULL;
}

const struct kvmla_sym *kvmla_sym_by_key(const struct kvmla_symlist *l, const char *key)
{
	if (!l)
		return NULL;
	for (unsigned int i = 0; i < l->nsyms; i++)
		if (!strcmp(l->syms[i].key, key))
			return &l->syms[i];
	return NULL;
}

const struct kvmla_event_desc *kvmla_event_find(const char *name)
{
	for (unsigned int i = 0; i < kvmla_nevents; i++)
		if (!strcmp(kvmla_events[i].name, name))
			return &kvmla_events[i];
	return NULL;
}

const struct kvmla_event_field *kvmla_event_field_find(const struct kvmla_event_desc *ev,
							const char *field)
{
	if (!ev)
		return NULL;
	for (unsigned int i = 0; i < ev->nfields; i++)
		if (!strcmp(ev->fields[i].name, field))
			return &ev->fields[i];
	return NULL;
}

const char *kvmla_ecode_name(unsigned int ecode)
{
	const struct kvmla_sym *s = kvmla_sym_by_value(kvmla_symlist_find("ECODE"), ecode);

	return s ? s->name : NULL;
}

const char *kvmla_ecode_key(unsigned int ecode)
{
	const struct kvmla_sym *s = kvmla_sym_by_value(kvmla_symlist_find("ECODE"), ecode);

	return s ? s->key : NULL;
}

const char *kvmla_kvm_exit_key(unsigned int reason)
{
	const struct kvmla_sym *s = kvmla_sym_by_value(kvmla_symlist_find("KVM_EXIT"), reason);

	return s ? s->key : NULL;
}

const char *kvmla_csr_name(unsigned int csr)
{
	const struct kvmla_sym *s = kvmla_sym_by_value(kvmla_symlist_find("CSR"), csr);

	return s ? s->name : NULL;
}
