/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LoongArch numbers both la-vmm halves (vmm.c, boot.c) use: CSR numbers
 * and CPUCFG bits from arch/loongarch/include/asm/loongarch.h of the 6.12
 * tree, the PV feature word from uapi asm/kvm_para.h.
 */
#ifndef LA_VMM_LA_H
#define LA_VMM_LA_H

#define CSR_CRMD	0x0
#define CSR_EUEN	0x2
#define CSR_ECFG	0x4
#define CSR_ESTAT	0x5
#define CSR_EENTRY	0xc
#define CSR_CPUID	0x20
#define CSR_TCFG	0x41
#define CSR_TVAL	0x42
#define CSR_IMPCTL1	0x80

#define CPUCFG2_FP	(1u << 0)
#define CPUCFG2_FPSP	(1u << 1)
#define CPUCFG2_FPDP	(1u << 2)
#define CPUCFG2_FPVERS1	(1u << 3)
#define CPUCFG2_LSX	(1u << 6)
#define CPUCFG2_LLFTP	(1u << 14)
#define CPUCFG2_LLFTPREV1 (1u << 15)

#define PV_FEATURE_IPI	(1u << 1)	/* KVM_FEATURE_IPI = 1 (uapi kvm_para.h) */
#define CPUCFG_KVM_FEATURE 0x40000004

#endif
