/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: the tracepoint ABI of kvm/.  Event names, their fields and
 * the symbolic values those fields take.  kvm/trace.h is generated from
 * these lists by macro expansion, and bpf/ and tools/ read the same lists,
 * so a name is typed once.  Changing anything here is an ABI change: bump
 * KVMLA_EVENTS_VERSION and update docs/tracepoints.md in the same commit.
 */
#ifndef KVMLA_EVENTS_H
#define KVMLA_EVENTS_H

#include "exits.h"
#include "csr.h"

#define KVMLA_EVENTS_VERSION 1
/*
 * The trace system.  "kvm", as upstream uses, so that perf kvm stat's
 * LoongArch support (kvm:kvm_exit "reason", kvm:kvm_enter/kvm_reenter,
 * kvm:kvm_exit_gspr "inst_word") keeps working on our module.
 */
#define KVMLA_TRACE_SYSTEM kvm
#define KVMLA_TRACE_SYSTEM_STR "kvm"

/* Symbolic value lists used by event fields.  X(value, NAME, json_key) */
#define KVMLA_CSR_OPS(X) \
	X(0, RD,   rd) \
	X(1, WR,   wr) \
	X(2, XCHG, xchg)
#define KVMLA_CSR_OUTCOMES(X) \
	X(0, SW,          sw) \
	X(1, UNSUPPORTED, unsupported) \
	X(2, PMU,         pmu)
#define KVMLA_RWS(X) \
	X(0, READ,  read) \
	X(1, WRITE, write)
#define KVMLA_FAULT_PATHS(X) \
	X(0, FAST, fast) \
	X(1, SLOW, slow)
#define KVMLA_FAULT_KINDS(X) \
	X(0, RAM,    ram) \
	X(1, MMIO,   mmio) \
	X(2, BEYOND, beyond)
#define KVMLA_TLB_SCOPES(X) \
	X(0, ALL,  all) \
	X(1, GPA,  gpa) \
	X(2, VPID, vpid)
#define KVMLA_TLB_REASONS(X) \
	X(0, REQUEST,  request) \
	X(1, ROLLOVER, rollover) \
	X(2, HUGE,     huge) \
	X(3, UNMAP,    unmap) \
	X(4, WRPROT,   wrprot) \
	X(5, ENABLE,   enable)
#define KVMLA_VPID_REASONS(X) \
	X(0, MIGRATED,   migrated) \
	X(1, GENERATION, generation) \
	X(2, REQUEST,    request)
#define KVMLA_TIMER_OPS(X) \
	X(0, ARM,              arm) \
	X(1, CANCEL,           cancel) \
	X(2, FIRE,             fire) \
	X(3, SAVE,             save) \
	X(4, RESTORE_DISABLED, restore_disabled) \
	X(5, RESTORE_FIRED,    restore_fired) \
	X(6, RESTORE_REMAIN,   restore_remain) \
	X(7, RESTORE_PERIODIC, restore_periodic)
#define KVMLA_IRQ_OPS(X) \
	X(0, QUEUE,   queue) \
	X(1, DEQUEUE, dequeue) \
	X(2, DELIVER, deliver)
#define KVMLA_IRQ_SOURCES(X) \
	X(0, IOCTL,   ioctl) \
	X(1, PV_IPI,  pv_ipi) \
	X(2, TIMER,   timer) \
	X(3, IRQCHIP, irqchip) \
	X(4, ENTRY,   entry)
#define KVMLA_AUX_OPS(X) \
	X(0, SAVE,    save) \
	X(1, RESTORE, restore) \
	X(2, ENABLE,  enable) \
	X(3, DISABLE, disable) \
	X(4, DISCARD, discard)
#define KVMLA_AUX_UNITS(X) \
	X(1, FPU,  fpu) \
	X(2, LSX,  lsx) \
	X(3, LASX, lasx) \
	X(4, LBT,  lbt)
#define KVMLA_LOAD_KINDS(X) \
	X(0, FAST, fast) \
	X(1, FULL, full)
#define KVMLA_HCALL_FUNCS(X) \
	X(1,     IPI,     ipi) \
	X(2,     NOTIFY,  notify) \
	X(0x101, SWDBG,   swdbg)

/*
 * Events.  X(name, "when it fires")
 * The fields of event <name> are KVMLA_FIELDS_<name>(F), with
 * F(c_type, field, printf_format, symbols) where symbols names a value list
 * (KVMLA_SYMS_<symbols>) or is NONE.  Every event carries vcpu_id first;
 * every field is fixed-size.
 */
#define KVMLA_EVENTS(X) \
	X(kvm_enter,         "KVM_RUN enters the guest for the first time in this call") \
	X(kvm_reenter,       "the exit was handled in the kernel and the guest is entered again") \
	X(kvm_out,           "KVM_RUN returns to userspace") \
	X(kvm_exit,          "every guest exit, before it is handled") \
	X(kvm_exit_gspr,     "a GSPR exit, once its instruction is decoded") \
	X(kvm_exit_csr,      "a guest CSR access emulated in software") \
	X(kvm_exit_cpucfg,   "a guest CPUCFG emulated") \
	X(kvm_exit_iocsr,    "a guest IOCSR access sent to userspace") \
	X(kvm_exit_mmio,     "a guest MMIO access decoded and sent to userspace") \
	X(kvm_exit_idle,     "the guest executed IDLE") \
	X(kvm_exit_cache,    "the guest executed CACOP") \
	X(kvm_hypercall,     "a guest hypercall (HVC) was served") \
	X(kvm_gpa_fault,     "a stage-2 fault on a guest physical address was resolved") \
	X(kvm_tlb_flush,     "the guest TLB was flushed") \
	X(kvm_vpid_change,   "the vCPU got a new VPID") \
	X(kvm_vpid_rollover, "the VPID generation on a physical CPU rolled over") \
	X(kvm_timer,         "guest timer arm, cancel, fire, save or restore") \
	X(kvm_irq,           "an interrupt was queued, dequeued or delivered") \
	X(kvm_aux,           "FPU/LSX/LASX/LBT ownership changed") \
	X(kvm_vcpu_load,     "the vCPU was loaded on a physical CPU") \
	X(kvm_vcpu_put,      "the vCPU was put (descheduled)")

#define KVMLA_FIELDS_kvm_enter(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_reenter(F) KVMLA_FIELDS_kvm_enter(F)
#define KVMLA_FIELDS_kvm_out(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, exit_reason, "%s", KVM_EXIT) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, reason, "%s", ECODE) \
	F(u32, esubcode, "%u", NONE) \
	F(u64, pc, "0x%llx", NONE) \
	F(u64, badv, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_gspr(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, kind, "%s", GSPR_KIND) \
	F(u32, inst_word, "0x%08x", NONE) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_csr(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, csr, "%s", CSR) \
	F(u32, op, "%s", CSR_OP) \
	F(u32, outcome, "%s", CSR_OUTCOME)
#define KVMLA_FIELDS_kvm_exit_cpucfg(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, leaf, "0x%x", NONE) \
	F(u64, value, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_iocsr(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, len, "%u", NONE) \
	F(u32, rw, "%s", RW) \
	F(u64, addr, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_mmio(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, len, "%u", NONE) \
	F(u32, rw, "%s", RW) \
	F(u64, gpa, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_idle(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_exit_cache(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, op, "0x%x", NONE) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_hypercall(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, func, "%s", HCALL_FUNC) \
	F(s64, result, "%lld", NONE)
#define KVMLA_FIELDS_kvm_gpa_fault(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u8, write, "%u", NONE) \
	F(u8, exec, "%u", NONE) \
	F(u8, level, "%u", NONE) \
	F(u8, path, "%s", FAULT_PATH) \
	F(u32, kind, "%s", FAULT_KIND) \
	F(s32, result, "%d", NONE) \
	F(u64, gpa, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_tlb_flush(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, scope, "%s", TLB_SCOPE) \
	F(u32, reason, "%s", TLB_REASON) \
	F(u64, gpa, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_vpid_change(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, pcpu, "%u", NONE) \
	F(u32, reason, "%s", VPID_REASON) \
	F(u64, old_vpid, "0x%llx", NONE) \
	F(u64, new_vpid, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_vpid_rollover(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, pcpu, "%u", NONE) \
	F(u64, generation, "%llu", NONE)
#define KVMLA_FIELDS_kvm_timer(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, op, "%s", TIMER_OP) \
	F(s64, lateness_ns, "%lld", NONE) \
	F(u64, tval, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_irq(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, op, "%s", IRQ_OP) \
	F(u32, irq, "%s", INT) \
	F(u32, source, "%s", IRQ_SOURCE)
#define KVMLA_FIELDS_kvm_aux(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, op, "%s", AUX_OP) \
	F(u32, unit, "%s", AUX_UNIT) \
	F(u64, pc, "0x%llx", NONE)
#define KVMLA_FIELDS_kvm_vcpu_load(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, pcpu, "%u", NONE) \
	F(u32, kind, "%s", LOAD_KIND)
#define KVMLA_FIELDS_kvm_vcpu_put(F) \
	F(u32, vcpu_id, "%u", NONE) \
	F(u32, pcpu, "%u", NONE)

/*
 * Value lists by the names used in the symbols column above.  Every list
 * starts with (value, NAME, json_key), so a consumer declares its X as
 * X(value, NAME, json_key, ...) and can expand any of them.
 */
#define KVMLA_SYMS_ECODE(X)       KVMLA_ECODES(X)
#define KVMLA_SYMS_GSPR_KIND(X)   KVMLA_GSPR_KINDS(X)
#define KVMLA_SYMS_CSR(X)         KVMLA_CSRS(X)
#define KVMLA_SYMS_INT(X)         KVMLA_INTS(X)
#define KVMLA_SYMS_KVM_EXIT(X)    KVMLA_KVM_EXITS(X)
#define KVMLA_SYMS_CSR_OP(X)      KVMLA_CSR_OPS(X)
#define KVMLA_SYMS_CSR_OUTCOME(X) KVMLA_CSR_OUTCOMES(X)
#define KVMLA_SYMS_RW(X)          KVMLA_RWS(X)
#define KVMLA_SYMS_FAULT_PATH(X)  KVMLA_FAULT_PATHS(X)
#define KVMLA_SYMS_FAULT_KIND(X)  KVMLA_FAULT_KINDS(X)
#define KVMLA_SYMS_TLB_SCOPE(X)   KVMLA_TLB_SCOPES(X)
#define KVMLA_SYMS_TLB_REASON(X)  KVMLA_TLB_REASONS(X)
#define KVMLA_SYMS_VPID_REASON(X) KVMLA_VPID_REASONS(X)
#define KVMLA_SYMS_TIMER_OP(X)    KVMLA_TIMER_OPS(X)
#define KVMLA_SYMS_IRQ_OP(X)      KVMLA_IRQ_OPS(X)
#define KVMLA_SYMS_IRQ_SOURCE(X)  KVMLA_IRQ_SOURCES(X)
#define KVMLA_SYMS_AUX_OP(X)      KVMLA_AUX_OPS(X)
#define KVMLA_SYMS_AUX_UNIT(X)    KVMLA_AUX_UNITS(X)
#define KVMLA_SYMS_LOAD_KIND(X)   KVMLA_LOAD_KINDS(X)
#define KVMLA_SYMS_HCALL_FUNC(X)  KVMLA_HCALL_FUNCS(X)

/*
 * Every value list, once: L(LIST, ENUM).  LIST is its name above
 * (KVMLA_SYMS_<LIST>); ENUM says whether enums.h declares it as a C enum
 * (ENUM) or not (NOENUM: CSR numbers are the tree's LOONGARCH_CSR_*, exit
 * reasons the uapi's KVM_EXIT_*).  The tools' lookup tables, the docs
 * generator and the catalog tests expand this, so a list added here reaches
 * all of them; tests/table fails on a KVMLA_SYMS_ list missing from it.
 */
#define KVMLA_VALUE_LISTS(L) \
	L(ECODE,       ENUM) \
	L(GSPR_KIND,   ENUM) \
	L(CSR,         NOENUM) \
	L(INT,         ENUM) \
	L(KVM_EXIT,    NOENUM) \
	L(CSR_OP,      ENUM) \
	L(CSR_OUTCOME, ENUM) \
	L(RW,          ENUM) \
	L(FAULT_PATH,  ENUM) \
	L(FAULT_KIND,  ENUM) \
	L(TLB_SCOPE,   ENUM) \
	L(TLB_REASON,  ENUM) \
	L(VPID_REASON, ENUM) \
	L(TIMER_OP,    ENUM) \
	L(IRQ_OP,      ENUM) \
	L(IRQ_SOURCE,  ENUM) \
	L(AUX_OP,      ENUM) \
	L(AUX_UNIT,    ENUM) \
	L(LOAD_KIND,   ENUM) \
	L(HCALL_FUNC,  ENUM)

#endif /* KVMLA_EVENTS_H */
