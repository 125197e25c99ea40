/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal kernel types for CO-RE compilation of kvmla BPF programs with
 * __TARGET_ARCH_loongarch.  Only what the programs touch; field offsets are
 * relocated against the running kernel's BTF at load time
 * (preserve_access_index), so no layout is assumed here.
 */
#ifndef KVMLA_BPF_LOONGARCH_VMLINUX_H
#define KVMLA_BPF_LOONGARCH_VMLINUX_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
};

enum {
	BPF_F_MMAPABLE = 1024,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

/* LoongArch's user_pt_regs, for bpf_tracing.h's __TARGET_ARCH_loongarch. */
struct user_pt_regs {
	unsigned long regs[32];
	unsigned long orig_a0;
	unsigned long csr_era;
	unsigned long csr_badv;
	unsigned long reserved[10];
} __attribute__((preserve_access_index));

struct pt_regs {
	unsigned long regs[32];
	unsigned long orig_a0;
	unsigned long csr_era;
	unsigned long csr_badv;
	unsigned long csr_crmd;
	unsigned long csr_prmd;
	unsigned long csr_euen;
	unsigned long csr_ecfg;
	unsigned long csr_estat;
} __attribute__((preserve_access_index));

struct kvm_vcpu {
	int vcpu_id;
} __attribute__((preserve_access_index));

/* The common header of every trace event record. */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __attribute__((preserve_access_index));

#endif /* KVMLA_BPF_LOONGARCH_VMLINUX_H */
