/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared set-up for the tests of exit/mmu/timer/interrupt/vmid/tlb/fpu:
 * a fresh simulated CPU, trace recorder and weak neighbours, one VM and
 * its vCPUs.  Include after the kvm file under test.
 */
#ifndef KVMLA_TEST_FIXTURE_H
#define KVMLA_TEST_FIXTURE_H

#include "weak.h"
#include "ktest.h"
#include "insns.h"

#define FX_MAX_VCPUS 8

static struct kvm *fx_kvm;
static struct kvm_vcpu *fx_vcpus[FX_MAX_VCPUS];
static int fx_nvcpus;

static struct kvm_vcpu *fx_vcpu_new(int id)
{
	struct kvm_vcpu *v = calloc(1, sizeof(*v));

	v->run = calloc(1, sizeof(*v->run));
	v->kvm = fx_kvm;
	v->vcpu_id = id;
	v->vcpu_idx = fx_nvcpus;
	v->arch.st.vmid.vpid_cpu = -1;
	fx_kvm->vcpus[fx_nvcpus] = v;
	fx_kvm->created_vcpus = ++fx_nvcpus;
	fx_vcpus[v->vcpu_idx] = v;
	return v;
}

static void fx_teardown(void)
{
	for (int i = 0; i < fx_nvcpus; i++) {
		free(fx_vcpus[i]->run);
		free(fx_vcpus[i]);
		fx_vcpus[i] = NULL;
	}
	fx_nvcpus = 0;
	free(fx_kvm);
	fx_kvm = NULL;
}

/* A VM with one vCPU (id 0), 1 TiB of guest physical space. */
static struct kvm_vcpu *fx_setup(void)
{
	fx_teardown();
	hw_sim_reset();
	shim_trace_reset();
	shim_trace_on = true;
	memset(&shim_ops, 0, sizeof(shim_ops));
	shim_log[0] = '\0';
	shim_log_lines = 0;
	shim_halts = 0;
	shim_blocking = 0;
	shim_kicks = 0;
	shim_now_ns = 0;
	shim_cpu = 0;
	shim_irqs_off = 0;
	fx_kvm = calloc(1, sizeof(*fx_kvm));
	fx_kvm->arch.gpa_size = 1ULL << 40;
	return fx_vcpu_new(0);
}

/* Field of the last record of an event; fails the test when absent. */
#define FX_LAST(ev) ({							\
	const struct shim_trace_rec *__r = shim_trace_last(SHIM_EV_##ev); \
	if (!__r)							\
		KT_FAILF("no %s record", #ev);				\
	__r;								\
})
#define FX_FIELD(ev, name)	shim_trace_field(FX_LAST(ev), name)

#endif /* KVMLA_TEST_FIXTURE_H */
