// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness: weak stand-ins for everything one kvm/ file calls in the
 * others.  A test binary compiles one kvm file (its test includes it) and
 * links this; the file's own strong definitions win, the rest come from
 * here.  The stand-ins count their calls and return what the test sets in
 * shim_ops, so a test drives its file's neighbours.
 */
#include "kvm_internal.h"
#include "weak.h"

#define __weak __attribute__((weak))

struct shim_ops shim_ops;

/* ---- main.c ---- */
__weak DEFINE_PER_CPU(struct kvmla_pcpu, kvmla_pcpu);
__weak unsigned long kvmla_vpid_mask = 0xff;
__weak unsigned long kvmla_guest_eentry = 0x9000000000100000UL;
__weak void (*kvmla_switch_to_guest)(struct kvm_vcpu_arch *arch) =
	kvmla_switch_enter;
__weak bool kvmla_main_has_lvz(void) { return true; }
__weak void kvmla_main_hw_enable(void) { }
__weak void kvmla_main_hw_disable(void) { }

/* ---- vm.c ---- */
__weak int kvmla_vm_gpa_check(struct kvm *kvm, unsigned long gpa)
{
	return gpa < kvm->arch.gpa_size ? 0 : -ERANGE;
}

/* ---- vcpu.c ---- */
__weak const u8 kvmla_csr_classes[KVMLA_GCSR_SLOTS] = {
#define KVMLA_GCSR_HW(n) [LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_RO(n) [LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_TIMER(n) [LOONGARCH_CSR_##n] = KVMLA_CSR_HW,
#define KVMLA_GCSR_SW(n) [LOONGARCH_CSR_##n] = KVMLA_CSR_SW,
#define KVMLA_GCSR_PMU(n) [LOONGARCH_CSR_##n] = KVMLA_CSR_PMU,
#include "../../../kvm/gcsr-list.h"
};
__weak void kvmla_vcpu_csr_save(struct kvm_vcpu *vcpu) { (void)vcpu; }
__weak void kvmla_vcpu_csr_restore(struct kvm_vcpu *vcpu) { (void)vcpu; }
__weak void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu) { (void)vcpu; }
__weak void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu) { (void)vcpu; (void)cpu; }
__weak void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu) { (void)vcpu; }

/* ---- exit.c ---- */
static int shim_exit_handle(struct kvm_vcpu *vcpu, bool traced)
{
	shim_ops.exit_handle++;
	shim_ops.exit_handle_traced += traced;
	if (shim_ops.exit_handle_fn)
		return shim_ops.exit_handle_fn(vcpu);
	return shim_ops.exit_handle_ret;
}
__weak int kvmla_exit_handle_plain(struct kvm_vcpu *vcpu) { return shim_exit_handle(vcpu, false); }
__weak int kvmla_exit_handle_traced(struct kvm_vcpu *vcpu) { return shim_exit_handle(vcpu, true); }
__weak int kvmla_exit_complete_user(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.complete_user++;
	return shim_ops.complete_user_ret;
}
__weak void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
			      unsigned int esubcode, u64 badv, u32 badi)
{
	(void)vcpu; (void)ecode; (void)esubcode; (void)badv; (void)badi;
	shim_ops.inject++;
}

/* ---- timer.c ---- */
__weak void kvmla_timer_init(struct kvm_vcpu *vcpu, unsigned long hz)
{
	(void)vcpu;
	shim_ops.timer_init++;
	shim_ops.timer_hz = hz;
}
__weak void kvmla_timer_deinit(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.timer_deinit++; }
__weak void kvmla_timer_save_plain(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.timer_save++; }
__weak void kvmla_timer_save_traced(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.timer_save++;
	shim_ops.timer_traced++;
}
__weak void kvmla_timer_restore_plain(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.timer_restore++; }
__weak void kvmla_timer_restore_traced(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.timer_restore++;
	shim_ops.timer_traced++;
}
/* As timer.c's (test_timer checks those): TCFG off, ESTAT.TI read. */
__weak void kvmla_timer_stop(void) { hw_sim_gcsr_write(LOONGARCH_CSR_TCFG, 0); }
__weak bool kvmla_timer_ti_pending(void)
{
	return hw_sim_gcsr_read(LOONGARCH_CSR_ESTAT) & BIT(KVMLA_INT_TI);
}
__weak void kvmla_timer_block(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.timer_block++; }
__weak void kvmla_timer_unblock(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.timer_unblock++; }
__weak u64 kvmla_timer_get_counter(struct kvm_vcpu *vcpu) { (void)vcpu; return shim_ops.counter; }
__weak void kvmla_timer_set_counter(struct kvm_vcpu *vcpu, u64 val)
{
	(void)vcpu;
	shim_ops.counter = val;
	shim_ops.counter_sets++;
}

/* ---- interrupt.c ---- */
__weak int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	(void)vcpu; (void)irq; (void)source;
	return 0;
}
__weak int kvmla_irq_dequeue(struct kvm_vcpu *vcpu, unsigned int irq, int source)
{
	(void)vcpu; (void)irq; (void)source;
	return 0;
}
__weak int kvmla_irq_ioctl(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq)
{
	(void)vcpu;
	shim_ops.irq_ioctl++;
	shim_ops.irq_ioctl_irq = irq->irq;
	return shim_ops.irq_ioctl_ret;
}
__weak void kvmla_irq_deliver(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.irq_deliver++;
	shim_ops.mode_at_deliver = vcpu->mode;
	if (!shim_irqs_off)
		shim_ops.irqs_on_at_entry++;
	if (shim_ops.deliver_estat)
		hw.gcsr[LOONGARCH_CSR_ESTAT] |= shim_ops.deliver_estat;
	if (shim_ops.deliver_signals)
		shim_signal = 1;
	if (shim_ops.deliver_raises_request > 0) {
		shim_ops.deliver_raises_request--;
		kvm_make_request(KVM_REQ_TLB_FLUSH, vcpu);
	}
}
__weak bool kvmla_irq_pending(struct kvm_vcpu *vcpu) { (void)vcpu; return shim_ops.irq_pending; }
__weak void kvmla_irq_reset(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.irq_reset++; }
__weak u64 kvmla_irq_merge_estat(struct kvm_vcpu *vcpu, u64 estat)
{
	(void)vcpu;
	shim_ops.merge_estat++;
	return estat | shim_ops.merge_bits;
}

/* ---- vmid.c / tlb.c ---- */
__weak int kvmla_vmid_init(void) { shim_ops.vmid_init++; return shim_ops.vmid_init_ret; }
__weak void kvmla_vmid_deinit(void) { shim_ops.vmid_deinit++; }
__weak void kvmla_vmid_check(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.vmid_check++; }
__weak void kvmla_vmid_drop(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.vmid_drop++; }
__weak void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason)
{
	(void)vcpu; (void)reason;
	shim_ops.tlb_flush_all++;
}
__weak void kvmla_tlb_serve_requests_plain(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.tlb_serve++; }
__weak void kvmla_tlb_serve_requests_traced(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.tlb_serve++;
	shim_ops.tlb_serve_traced++;
}

/* ---- mmu.c ---- */
__weak int kvmla_mmu_init(struct kvm *kvm) { (void)kvm; shim_ops.mmu_init++; return shim_ops.mmu_init_ret; }
__weak void kvmla_mmu_deinit(struct kvm *kvm) { (void)kvm; shim_ops.mmu_deinit++; }
__weak void kvmla_mmu_vcpu_free(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.mmu_vcpu_free++; }
__weak int kvmla_mmu_handle_fault_plain(struct kvm_vcpu *vcpu, unsigned long gpa,
					bool write, bool exec)
{
	(void)vcpu; (void)gpa; (void)write; (void)exec;
	return 0;
}
__weak int kvmla_mmu_handle_fault_traced(struct kvm_vcpu *vcpu, unsigned long gpa,
					 bool write, bool exec)
{
	(void)vcpu; (void)gpa; (void)write; (void)exec;
	return 0;
}

/* ---- fpu.c ---- */
__weak void kvmla_fpu_init(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.fpu_init++; }
__weak void kvmla_fpu_load_pending_plain(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.fpu_load++; }
__weak void kvmla_fpu_load_pending_traced(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_ops.fpu_load++;
	shim_ops.fpu_load_traced++;
}
__weak void kvmla_fpu_lose(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.fpu_lose++; }
__weak void kvmla_fpu_reset(struct kvm_vcpu *vcpu) { (void)vcpu; shim_ops.fpu_reset++; }
__weak int kvmla_fpu_exit_plain(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	(void)vcpu; (void)ecode;
	return RESUME_GUEST;
}
__weak int kvmla_fpu_exit_traced(struct kvm_vcpu *vcpu, unsigned int ecode)
{
	(void)vcpu; (void)ecode;
	return RESUME_GUEST;
}
