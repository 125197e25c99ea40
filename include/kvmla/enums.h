/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: C enumerations of the value lists, for code that needs a
 * value by name (kvm/).  Expanded from the lists, never typed:
 *   KVMLA_<LIST>_<NAME> = value, in enum kvmla_<list>.
 * Not included by catalog.h, so BPF programs and tools that define their
 * own names do not collide with these.
 */
#ifndef KVMLA_ENUMS_H
#define KVMLA_ENUMS_H

#include "exits.h"
#include "events.h"

#define KVMLA_ENUM_ITEM_(prefix, v, N)	prefix##N = (v),
#define KVMLA_ENUM_ECODE_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_ECODE_, v, N)
#define KVMLA_ENUM_ESUB_(c, v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_ESUBCODE_, v, N)
#define KVMLA_ENUM_GSPR_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_GSPR_, v, N)
#define KVMLA_ENUM_INT_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_INT_, v, N)
#define KVMLA_ENUM_CSROP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_CSR_OP_, v, N)
#define KVMLA_ENUM_CSROUT_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_CSR_OUTCOME_, v, N)
#define KVMLA_ENUM_RW_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_RW_, v, N)
#define KVMLA_ENUM_FPATH_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_FAULT_PATH_, v, N)
#define KVMLA_ENUM_FKIND_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_FAULT_KIND_, v, N)
#define KVMLA_ENUM_TSCOPE_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_TLB_SCOPE_, v, N)
#define KVMLA_ENUM_TREASON_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_TLB_REASON_, v, N)
#define KVMLA_ENUM_VREASON_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_VPID_REASON_, v, N)
#define KVMLA_ENUM_TOP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_TIMER_OP_, v, N)
#define KVMLA_ENUM_IOP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_IRQ_OP_, v, N)
#define KVMLA_ENUM_ISRC_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_IRQ_SOURCE_, v, N)
#define KVMLA_ENUM_AOP_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_AUX_OP_, v, N)
#define KVMLA_ENUM_AUNIT_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_AUX_UNIT_, v, N)
#define KVMLA_ENUM_LOAD_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_LOAD_KIND_, v, N)
#define KVMLA_ENUM_HCALL_(v, N, ...)	KVMLA_ENUM_ITEM_(KVMLA_HCALL_, v, N)

enum kvmla_ecode { KVMLA_ECODES(KVMLA_ENUM_ECODE_) };
enum kvmla_esubcode { KVMLA_ESUBCODES(KVMLA_ENUM_ESUB_) };
enum kvmla_gspr_kind { KVMLA_GSPR_KINDS(KVMLA_ENUM_GSPR_) };
enum kvmla_int { KVMLA_INTS(KVMLA_ENUM_INT_) };
enum kvmla_csr_op { KVMLA_CSR_OPS(KVMLA_ENUM_CSROP_) };
enum kvmla_csr_outcome { KVMLA_CSR_OUTCOMES(KVMLA_ENUM_CSROUT_) };
enum kvmla_rw { KVMLA_RWS(KVMLA_ENUM_RW_) };
enum kvmla_fault_path { KVMLA_FAULT_PATHS(KVMLA_ENUM_FPATH_) };
enum kvmla_fault_kind { KVMLA_FAULT_KINDS(KVMLA_ENUM_FKIND_) };
enum kvmla_tlb_scope { KVMLA_TLB_SCOPES(KVMLA_ENUM_TSCOPE_) };
enum kvmla_tlb_reason { KVMLA_TLB_REASONS(KVMLA_ENUM_TREASON_) };
enum kvmla_vpid_reason { KVMLA_VPID_REASONS(KVMLA_ENUM_VREASON_) };
enum kvmla_timer_op { KVMLA_TIMER_OPS(KVMLA_ENUM_TOP_) };
enum kvmla_irq_op { KVMLA_IRQ_OPS(KVMLA_ENUM_IOP_) };
enum kvmla_irq_source { KVMLA_IRQ_SOURCES(KVMLA_ENUM_ISRC_) };
enum kvmla_aux_op { KVMLA_AUX_OPS(KVMLA_ENUM_AOP_) };
enum kvmla_aux_unit { KVMLA_AUX_UNITS(KVMLA_ENUM_AUNIT_) };
enum kvmla_load_kind { KVMLA_LOAD_KINDS(KVMLA_ENUM_LOAD_) };
enum kvmla_hcall_func { KVMLA_HCALL_FUNCS(KVMLA_ENUM_HCALL_) };

#endif /* KVMLA_ENUMS_H */
