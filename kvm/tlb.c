// SPDX-License-Identifier: GPL-2.0
/* Guest TLB maintenance. */
#include "kvm_internal.h"

void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason)
{
}

void kvmla_tlb_flush_gpa(struct kvm_vcpu *vcpu, unsigned long gpa, int reason)
{
}

void kvmla_tlb_serve_requests(struct kvm_vcpu *vcpu)
{
}
