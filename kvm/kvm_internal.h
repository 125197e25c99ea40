/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla gateway header: every kvm/ C file includes this one header and no
 * other, so that the host harness can put its shims in its place (it
 * defines the same guard first, as tools/testing/vma does).
 */
#ifndef KVMLA_KVM_INTERNAL_H
#define KVMLA_KVM_INTERNAL_H

#include <linux/bitops.h>
#include <linux/cpufeature.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/entry-kvm.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>
#include <asm/cpu-features.h>
#include <asm/fpu.h>
#include <asm/inst.h>
#include <asm/lbt.h>
#include <asm/loongarch.h>
#include <asm/mmu_context.h>
#include <asm/pgalloc.h>
#include <asm/pgtable.h>
#include <asm/setup.h>
#include <asm/time.h>
#include <asm/tlb.h>

#include <kvmla/catalog.h>
#include "hw.h"
#include "kvmla.h"
#include "trace.h"

#endif /* KVMLA_KVM_INTERNAL_H */
