/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: C enumerations of the value lists, for code that needs a
 * value by name (kvm/).  Expanded from the lists, never typed:
 *   KVMLA_<PREFIX>_<NAME> = value, in enum kvmla_list_<LIST>,
 * one enum for each list that KVMLA_VALUE_LISTS marks ENUM.  The prefix is
 * the one thing written here per list (the preprocessor cannot derive it):
 * a list marked ENUM without its KVMLA_ENUM_<LIST>_ below does not compile.
 * Not included by catalog.h, so BPF programs and tools that define their
 * own names do not collide with these.
 */
#ifndef KVMLA_ENUMS_H
#define KVMLA_ENUMS_H

#include "exits.h"
#include "events.h"

#define KVMLA_ENUM_ITEM_(prefix, v, N)	prefix##N = (v),
#define KVMLA_ENUM_ECODE_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_ECODE_, v, N)
#define KVMLA_ENUM_GSPR_KIND_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_GSPR_, v, N)
#define KVMLA_ENUM_INT_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_INT_, v, N)
#define KVMLA_ENUM_CSR_OP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_CSR_OP_, v, N)
#define KVMLA_ENUM_CSR_OUTCOME_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_CSR_OUTCOME_, v, N)
#define KVMLA_ENUM_RW_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_RW_, v, N)
#define KVMLA_ENUM_FAULT_PATH_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_FAULT_PATH_, v, N)
#define KVMLA_ENUM_FAULT_KIND_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_FAULT_KIND_, v, N)
#define KVMLA_ENUM_TLB_SCOPE_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_TLB_SCOPE_, v, N)
#define KVMLA_ENUM_TLB_REASON_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_TLB_REASON_, v, N)
#define KVMLA_ENUM_VPID_REASON_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_VPID_REASON_, v, N)
#define KVMLA_ENUM_TIMER_OP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_TIMER_OP_, v, N)
#define KVMLA_ENUM_IRQ_OP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_IRQ_OP_, v, N)
#define KVMLA_ENUM_IRQ_SOURCE_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_IRQ_SOURCE_, v, N)
#define KVMLA_ENUM_AUX_OP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_AUX_OP_, v, N)
#define KVMLA_ENUM_AUX_UNIT_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_AUX_UNIT_, v, N)
#define KVMLA_ENUM_LOAD_KIND_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_LOAD_KIND_, v, N)
#define KVMLA_ENUM_HCALL_FUNC_(v, N, ...) KVMLA_ENUM_ITEM_(KVMLA_HCALL_, v, N)

#define KVMLA_ENUM_DECL_NOENUM(LIST)
#define KVMLA_ENUM_DECL_ENUM(LIST) \
	enum kvmla_list_##LIST { KVMLA_SYMS_##LIST(KVMLA_ENUM_##LIST##_) };
#define KVMLA_ENUM_DECL_(LIST, E)	KVMLA_ENUM_DECL_##E(LIST)
KVMLA_VALUE_LISTS(KVMLA_ENUM_DECL_)

/* ESTAT.EsubCode names: X(code, sub, NAME, ...), not a value list. */
#define KVMLA_ENUM_ESUB_(c, v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_ESUBCODE_, v, N)
enum kvmla_esubcode { KVMLA_ESUBCODES(KVMLA_ENUM_ESUB_) };

#endif /* KVMLA_ENUMS_H */
