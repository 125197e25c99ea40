#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Copies, at build time, the LoongArch definitions kvm/ code uses from the
# Linux 6.12 tree into one header for the host harness, so that nothing is
# retyped:  gen-tree-defs.sh TREE OUT.h
#   asm/loongarch.h  CSR numbers and fields, CPUCFG bits, ecodes, KS slots
#   asm/tlb.h        INVTLB_* operations (enum)
#   asm/inst.h       INSN_* instruction words
#   asm/kvm_para.h   hypercall numbers, the steal-time area
set -euo pipefail
tree=${1:?usage: $0 TREE OUT.h}
out=${2:?usage: $0 TREE OUT.h}
inc=$tree/arch/loongarch/include/asm
tmp=$out.tmp
{
	echo "/* Generated from $tree by $(basename "$0"); do not edit. */"
	grep -hE '^#define[[:space:]]+(LOONGARCH_CSR_|LOONGARCH_CPUCFG|CSR_|CPUCFG[0-9]|KVM_[A-Z]+_KS|EXCCODE_|EXSUBCODE_|EXCSUBCODE_|INT_|ESTATF_|ECFGF_|ECFGB_|FPU_CSR_TM|INSN_)' \
		"$inc/loongarch.h" "$inc/inst.h" | grep -v '\\$'
	echo "enum invtlb_ops {"
	sed -n '/^enum invtlb_ops {/,/^};/p' "$inc/tlb.h" | grep -E '^[[:space:]]*INVTLB_[A-Z_]+[[:space:]]*=' 
	echo "};"
	grep -hE '^#define[[:space:]]+(HYPERVISOR_|HYPERCALL_ENCODE|KVM_HCALL_|KVM_STEAL_PHYS_)' "$inc/kvm_para.h"
	sed -n '/^struct kvm_steal_time {/,/^};/p' "$inc/kvm_para.h"
} >"$tmp"
mv "$tmp" "$out"
