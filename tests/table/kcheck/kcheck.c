// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled against the Linux 6.12 tree (ARCH=loongarch), never loaded:
 * one static assertion per catalog entry, comparing our number with the
 * tree's own constant.  A catalog entry that disagrees with the tree, or
 * names a constant the tree does not have, breaks this build.
 */
#include <linux/build_bug.h>
#include <linux/kvm.h>
#include <asm/loongarch.h>
#include <asm/kvm_para.h>

#include "kvmla/catalog.h"

#define CHECK_ECODE(code, NAME, key, tree, ...) \
	static_assert((code) == (tree), "ecode " #NAME " != " #tree);
KVMLA_ECODES(CHECK_ECODE)
static_assert(KVMLA_ECODE_MAX == EXCCODE_SE, "KVMLA_ECODE_MAX");

#define CHECK_SUB(code, sub, NAME, key, tree) \
	static_assert((sub) == (tree), "esubcode " #NAME " != " #tree);
KVMLA_ESUBCODES(CHECK_SUB)

#define CHECK_INT(irq, NAME, key, tree) \
	static_assert((irq) == (tree), "irq " #NAME " != " #tree);
KVMLA_INTS(CHECK_INT)
static_assert(KVMLA_INT_NUM == EXCCODE_INT_NUM, "KVMLA_INT_NUM");

#define CHECK_CSR(num, NAME, key, alias) \
	static_assert((num) == LOONGARCH_CSR_##NAME, "CSR " #NAME);
KVMLA_CSRS(CHECK_CSR)

#define CHECK_EXIT(num, NAME, key, ...) \
	static_assert((num) == KVM_EXIT_##NAME, "KVM_EXIT_" #NAME);
KVMLA_KVM_EXITS(CHECK_EXIT)

#define CHECK_HCALL(num, NAME, key, ...) \
	static_assert((num) == KVMLA_TREE_HCALL_##NAME, "hcall " #NAME);
#define KVMLA_TREE_HCALL_IPI KVM_HCALL_FUNC_IPI
#define KVMLA_TREE_HCALL_NOTIFY KVM_HCALL_FUNC_NOTIFY
#define KVMLA_TREE_HCALL_SWDBG KVM_HCALL_SWDBG
KVMLA_HCALL_FUNCS(CHECK_HCALL)
