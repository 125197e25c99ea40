// SPDX-License-Identifier: GPL-2.0
/* Lazy FPU/LSX/LASX/LBT ownership. */
#include "kvm_internal.h"

void kvmla_fpu_init(struct kvm_vcpu *vcpu)
{
}

void kvmla_fpu_load_pending(struct kvm_vcpu *vcpu)
{
}

void kvmla_fpu_lose(struct kvm_vcpu *vcpu)
{
}

void kvmla_fpu_reset(struct kvm_vcpu *vcpu)
{
}
