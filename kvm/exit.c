// SPDX-License-Identifier: GPL-2.0
/* Guest exit dispatch: one handler per ESTAT.Ecode, a default slot. */
#include "kvm_internal.h"

int kvmla_exit_init(void)
{
	return 0;
}

void kvmla_exit_deinit(void)
{
}

int kvmla_csr_class(unsigned int csr)
{
	return KVMLA_CSR_UNSUPPORTED;
}

int kvmla_exit_handle(struct kvm_vcpu *vcpu)
{
	return -EINVAL;
}

int kvmla_exit_complete_user(struct kvm_vcpu *vcpu)
{
	return 0;
}
