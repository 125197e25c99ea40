/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host harness: what the weak neighbours (weak.c) counted and will return.
 * Reset with memset(&shim_ops, 0, sizeof(shim_ops)).
 */
#ifndef KVMLA_SHIM_WEAK_H
#define KVMLA_SHIM_WEAK_H

struct shim_ops {
	int exit_handle, exit_handle_ret;
	int exit_handle_traced;		/* of exit_handle, the _traced copy */
	int (*exit_handle_fn)(struct kvm_vcpu *vcpu);
	int complete_user, complete_user_ret;
	int inject;
	int timer_init, timer_deinit, timer_save, timer_restore;
	int timer_traced;		/* saves and restores, _traced copy */
	int timer_block, timer_unblock;
	unsigned long timer_hz;
	u64 counter;
	int counter_sets;
	int irq_ioctl, irq_ioctl_irq, irq_ioctl_ret;
	int irq_deliver, irqs_on_at_entry, irq_reset, irq_pending;
	int deliver_raises_request;	/* make KVM_REQ_TLB_FLUSH this often */
	int mode_at_deliver;		/* vcpu->mode when delivery ran */
	u64 deliver_estat;		/* delivery ORs this into guest ESTAT */
	int deliver_signals;		/* delivery makes a signal pending */
	int merge_estat;
	u64 merge_bits;
	int vmid_init, vmid_init_ret, vmid_deinit, vmid_check, vmid_drop;
	int tlb_flush_all, tlb_serve, tlb_serve_traced;
	int mmu_init, mmu_init_ret, mmu_deinit, mmu_vcpu_free;
	int fpu_init, fpu_load, fpu_load_traced, fpu_lose, fpu_reset;
};

extern struct shim_ops shim_ops;

#endif /* KVMLA_SHIM_WEAK_H */
