/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: the one list of LoongArch exception codes, subcodes,
 * interrupt numbers, GSPR sub-kinds and generic KVM_EXIT_* reasons.
 *
 * Dependency-free X-macros, expanded by kvm/ (dispatch table, tracepoint
 * symbols, stats), bpf/ and tools/.  Numbers are literals so that the
 * expansion works in C, BPF C and inside TP_printk strings alike.
 * tests/table checks every number against the Linux 6.12 tree.
 */
#ifndef KVMLA_EXITS_H
#define KVMLA_EXITS_H

/*
 * ESTAT.Ecode values.
 * X(code, NAME, json_key, tree_constant, "description")
 * Ecode 0 is an interrupt; the tree spells it EXCCODE_RSV.
 */
#define KVMLA_ECODES(X) \
	X(0,  INT,     int,      EXCCODE_RSV,     "interrupt") \
	X(1,  TLBL,    tlbl,     EXCCODE_TLBL,    "TLB miss on a load") \
	X(2,  TLBS,    tlbs,     EXCCODE_TLBS,    "TLB miss on a store") \
	X(3,  TLBI,    tlbi,     EXCCODE_TLBI,    "TLB miss on an instruction fetch") \
	X(4,  TLBM,    tlbm,     EXCCODE_TLBM,    "TLB modified (store to a clean page)") \
	X(5,  TLBNR,   tlbnr,    EXCCODE_TLBNR,   "TLB read-inhibit") \
	X(6,  TLBNX,   tlbnx,    EXCCODE_TLBNX,   "TLB execute-inhibit") \
	X(7,  TLBPE,   tlbpe,    EXCCODE_TLBPE,   "TLB privilege error") \
	X(8,  ADE,     ade,      EXCCODE_ADE,     "address error") \
	X(9,  ALE,     ale,      EXCCODE_ALE,     "unaligned access") \
	X(10, BCE,     bce,      EXCCODE_BCE,     "bounds check error") \
	X(11, SYS,     sys,      EXCCODE_SYS,     "system call") \
	X(12, BP,      bp,       EXCCODE_BP,      "breakpoint") \
	X(13, INE,     ine,      EXCCODE_INE,     "instruction not exist") \
	X(14, IPE,     ipe,      EXCCODE_IPE,     "instruction privilege error") \
	X(15, FPDIS,   fpdis,    EXCCODE_FPDIS,   "FPU disabled") \
	X(16, LSXDIS,  lsxdis,   EXCCODE_LSXDIS,  "LSX disabled") \
	X(17, LASXDIS, lasxdis,  EXCCODE_LASXDIS, "LASX disabled") \
	X(18, FPE,     fpe,      EXCCODE_FPE,     "floating-point exception") \
	X(19, WATCH,   watch,    EXCCODE_WATCH,   "watchpoint") \
	X(20, BTDIS,   btdis,    EXCCODE_BTDIS,   "binary translation (LBT) disabled") \
	X(21, BTE,     bte,      EXCCODE_BTE,     "binary translation exception") \
	X(22, GSPR,    gspr,     EXCCODE_GSPR,    "guest privileged instruction") \
	X(23, HVC,     hvc,      EXCCODE_HVC,     "hypercall") \
	X(24, GCM,     gcm,      EXCCODE_GCM,     "guest CSR modified") \
	X(25, SE,      se,       EXCCODE_SE,      "security exception")

#define KVMLA_ECODE_MAX 25	/* highest code above; ESTAT.Ecode has 6 bits */
#define KVMLA_ECODE_SLOTS 64	/* size of an ecode-indexed table */

/*
 * ESTAT.EsubCode values that have names.
 * X(code, sub, NAME, json_key, tree_constant)
 */
#define KVMLA_ESUBCODES(X) \
	X(8,  0, ADEF, adef, EXSUBCODE_ADEF) \
	X(8,  1, ADEM, adem, EXSUBCODE_ADEM) \
	X(18, 0, FPE,  fpe,  EXCSUBCODE_FPE) \
	X(18, 1, VFPE, vfpe, EXCSUBCODE_VFPE) \
	X(19, 0, WPEF, wpef, EXCSUBCODE_WPEF) \
	X(19, 1, WPEM, wpem, EXCSUBCODE_WPEM) \
	X(24, 0, GCSC, gcsc, EXCSUBCODE_GCSC) \
	X(24, 1, GCHC, gchc, EXCSUBCODE_GCHC)

/*
 * Interrupt numbers (ESTAT.IS bits, KVM_INTERRUPT's irq).
 * X(irq, NAME, json_key, tree_constant)
 */
#define KVMLA_INTS(X) \
	X(0,  SWI0, swi0, INT_SWI0) \
	X(1,  SWI1, swi1, INT_SWI1) \
	X(2,  HWI0, hwi0, INT_HWI0) \
	X(3,  HWI1, hwi1, INT_HWI1) \
	X(4,  HWI2, hwi2, INT_HWI2) \
	X(5,  HWI3, hwi3, INT_HWI3) \
	X(6,  HWI4, hwi4, INT_HWI4) \
	X(7,  HWI5, hwi5, INT_HWI5) \
	X(8,  HWI6, hwi6, INT_HWI6) \
	X(9,  HWI7, hwi7, INT_HWI7) \
	X(10, PCOV, pcov, INT_PCOV) \
	X(11, TI,   ti,   INT_TI) \
	X(12, IPI,  ipi,  INT_IPI) \
	X(13, NMI,  nmi,  INT_NMI) \
	X(14, AVEC, avec, INT_AVEC)

#define KVMLA_INT_NUM 15

/*
 * What a GSPR exit turned out to be, from the trapping instruction.
 * X(kind, NAME, json_key, "description")
 */
#define KVMLA_GSPR_KINDS(X) \
	X(0, CSR,    csr,    "csrrd/csrwr/csrxchg") \
	X(1, CPUCFG, cpucfg, "cpucfg") \
	X(2, IOCSR,  iocsr,  "iocsrrd/iocsrwr") \
	X(3, IDLE,   idle,   "idle") \
	X(4, CACOP,  cacop,  "cacop") \
	X(5, OTHER,  other,  "any other privileged instruction")

#define KVMLA_GSPR_KIND_NUM 6

/*
 * Generic exit reasons to userspace (struct kvm_run::exit_reason).
 * X(reason, NAME, json_key)
 */
#define KVMLA_KVM_EXITS(X) \
	X(0,  UNKNOWN,          unknown) \
	X(1,  EXCEPTION,        exception) \
	X(2,  IO,               io) \
	X(3,  HYPERCALL,        hypercall) \
	X(4,  DEBUG,            debug) \
	X(5,  HLT,              hlt) \
	X(6,  MMIO,             mmio) \
	X(7,  IRQ_WINDOW_OPEN,  irq_window_open) \
	X(8,  SHUTDOWN,         shutdown) \
	X(9,  FAIL_ENTRY,       fail_entry) \
	X(10, INTR,             intr) \
	X(11, SET_TPR,          set_tpr) \
	X(12, TPR_ACCESS,       tpr_access) \
	X(13, S390_SIEIC,       s390_sieic) \
	X(14, S390_RESET,       s390_reset) \
	X(15, DCR,              dcr) \
	X(16, NMI,              nmi) \
	X(17, INTERNAL_ERROR,   internal_error) \
	X(18, OSI,              osi) \
	X(19, PAPR_HCALL,       papr_hcall) \
	X(20, S390_UCONTROL,    s390_ucontrol) \
	X(21, WATCHDOG,         watchdog) \
	X(22, S390_TSCH,        s390_tsch) \
	X(23, EPR,              epr) \
	X(24, SYSTEM_EVENT,     system_event) \
	X(25, S390_STSI,        s390_stsi) \
	X(26, IOAPIC_EOI,       ioapic_eoi) \
	X(27, HYPERV,           hyperv) \
	X(28, ARM_NISV,         arm_nisv) \
	X(29, X86_RDMSR,        x86_rdmsr) \
	X(30, X86_WRMSR,        x86_wrmsr) \
	X(31, DIRTY_RING_FULL,  dirty_ring_full) \
	X(32, AP_RESET_HOLD,    ap_reset_hold) \
	X(33, X86_BUS_LOCK,     x86_bus_lock) \
	X(34, XEN,              xen) \
	X(35, RISCV_SBI,        riscv_sbi) \
	X(36, RISCV_CSR,        riscv_csr) \
	X(37, NOTIFY,           notify) \
	X(38, LOONGARCH_IOCSR,  loongarch_iocsr) \
	X(39, MEMORY_FAULT,     memory_fault)

#define KVMLA_KVM_EXIT_NUM 40

#endif /* KVMLA_EXITS_H */
