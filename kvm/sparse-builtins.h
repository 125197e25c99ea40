/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations of the LoongArch builtins for sparse alone (passed with
 * CF=-include); sparse 0.6.4 does not know them.  Compilers never see it.
 */
#ifdef __CHECKER__
unsigned int __builtin_loongarch_csrrd_w(unsigned int csr);
unsigned long __builtin_loongarch_csrrd_d(unsigned int csr);
unsigned int __builtin_loongarch_csrwr_w(unsigned int val, unsigned int csr);
unsigned long __builtin_loongarch_csrwr_d(unsigned long val, unsigned int csr);
unsigned int __builtin_loongarch_csrxchg_w(unsigned int val, unsigned int mask, unsigned int csr);
unsigned long __builtin_loongarch_csrxchg_d(unsigned long val, unsigned long mask,
					    unsigned int csr);
unsigned int __builtin_loongarch_iocsrrd_w(unsigned int addr);
unsigned long __builtin_loongarch_iocsrrd_d(unsigned int addr);
void __builtin_loongarch_iocsrwr_w(unsigned int val, unsigned int addr);
void __builtin_loongarch_iocsrwr_d(unsigned long val, unsigned int addr);
unsigned int __builtin_loongarch_cpucfg(unsigned int leaf);
#endif
