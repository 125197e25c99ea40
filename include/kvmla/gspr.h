/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla catalog: which GSPR kind (KVMLA_GSPR_*, from KVMLA_GSPR_KINDS in
 * exits.h) a trapping instruction word is, by its opcode field.  Shared by
 * kvm/ (the kind field of kvm_exit_gspr, the gspr_<kind> stats) and tools/
 * (the kind of a kvm_exit_gspr record that carries only inst_word, as
 * upstream's does).  Encodings from the LoongArch ISA; the harness checks
 * them on words llvm-mc-19 assembles.
 */
#ifndef KVMLA_GSPR_H
#define KVMLA_GSPR_H

#include "enums.h"

/* cpucfg rd, rj: word >> 10 */
#define KVMLA_OP_CPUCFG		0x1b
/* csrrd/csrwr/csrxchg rd, [rj,] csr: word >> 24, csr in 23:10 */
#define KVMLA_OP_CSR		0x04
/* iocsr{rd,wr}.{b,h,w,d} rd, rj: word >> 10, size in bits 11:10 */
#define KVMLA_OP_IOCSR_FIRST	0x19200
#define KVMLA_OP_IOCSR_LAST	0x19207
/* idle level: word >> 15 */
#define KVMLA_OP_IDLE		0x0c91
/* cacop code, rj, si12: word >> 22 */
#define KVMLA_OP_CACOP		0x018

static inline unsigned int kvmla_gspr_kind(unsigned int w)
{
	if ((w >> 10) == KVMLA_OP_CPUCFG)
		return KVMLA_GSPR_CPUCFG;
	if ((w >> 24) == KVMLA_OP_CSR)
		return KVMLA_GSPR_CSR;
	if ((w >> 10) >= KVMLA_OP_IOCSR_FIRST &&
	    (w >> 10) <= KVMLA_OP_IOCSR_LAST)
		return KVMLA_GSPR_IOCSR;
	if ((w >> 15) == KVMLA_OP_IDLE)
		return KVMLA_GSPR_IDLE;
	if ((w >> 22) == KVMLA_OP_CACOP)
		return KVMLA_GSPR_CACOP;
	return KVMLA_GSPR_OTHER;
}

#endif /* KVMLA_GSPR_H */
