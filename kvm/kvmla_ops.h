/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the vCPU/VM core (main.c, vm.c, vcpu.c) and the
 * exit, MMU, timer, interrupt, VPID/TLB and FPU concerns (exit.c, mmu.c,
 * timer.c, interrupt.c, vmid.c, tlb.c, fpu.c).  The core calls these.
 */
#ifndef KVMLA_OPS_H
#define KVMLA_OPS_H

struct kvm;
struct kvm_vcpu;
struct kvm_run;
struct kvm_interrupt;

/*
 * exit.c -- the exit dispatcher.
 * Return contract of kvmla_exit_handle() and every handler:
 *   RESUME_GUEST (1)  re-enter the guest;
 *   RESUME_HOST (0)   return to userspace, run->exit_reason set;
 *   -errno            fail KVM_RUN.
 */
int kvmla_exit_init(void);		/* build the CSR classification once */
void kvmla_exit_deinit(void);
int kvmla_exit_handle(struct kvm_vcpu *vcpu);
/* At KVM_RUN entry: complete an MMIO or IOCSR read userspace answered. */
int kvmla_exit_complete_user(struct kvm_vcpu *vcpu);

/* timer.c -- the constant-frequency guest timer. */
void kvmla_timer_init(struct kvm_vcpu *vcpu, unsigned long hz);
void kvmla_timer_deinit(struct kvm_vcpu *vcpu);
void kvmla_timer_save(struct kvm_vcpu *vcpu);	/* on put */
void kvmla_timer_restore(struct kvm_vcpu *vcpu);	/* on load */
void kvmla_timer_block(struct kvm_vcpu *vcpu);	/* vCPU about to halt */
void kvmla_timer_unblock(struct kvm_vcpu *vcpu);
/* Stop the hardware guest timer before a full CSR restore (IRQs off). */
void kvmla_timer_stop(void);
/* TI pending in the hardware guest ESTAT (the vCPU loaded here). */
bool kvmla_timer_ti_pending(void);
u64 kvmla_timer_get_counter(struct kvm_vcpu *vcpu);
void kvmla_timer_set_counter(struct kvm_vcpu *vcpu, u64 val);

/* interrupt.c -- queue, dequeue, deliver at entry. */
int kvmla_irq_queue(struct kvm_vcpu *vcpu, unsigned int irq, int source);
int kvmla_irq_dequeue(struct kvm_vcpu *vcpu, unsigned int irq, int source);
int kvmla_irq_ioctl(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq);
void kvmla_irq_deliver(struct kvm_vcpu *vcpu);	/* entry, IRQs off */
bool kvmla_irq_pending(struct kvm_vcpu *vcpu);
void kvmla_irq_reset(struct kvm_vcpu *vcpu);

/* vmid.c / tlb.c -- VPIDs and guest TLB maintenance. */
int kvmla_vmid_init(void);
void kvmla_vmid_deinit(void);
void kvmla_vmid_check(struct kvm_vcpu *vcpu);	/* entry, IRQs off */
void kvmla_tlb_flush_all(struct kvm_vcpu *vcpu, int reason);
void kvmla_tlb_flush_gpa(struct kvm_vcpu *vcpu, unsigned long gpa,
			 int reason);
void kvmla_tlb_serve_requests(struct kvm_vcpu *vcpu);	/* entry */

/* mmu.c -- stage-2 tables (the kvm_arch_* MMU callbacks live there too). */
int kvmla_mmu_init(struct kvm *kvm);
void kvmla_mmu_deinit(struct kvm *kvm);
int kvmla_mmu_handle_fault(struct kvm_vcpu *vcpu, unsigned long gpa,
			   bool write, bool exec);

/* fpu.c -- lazy FPU/LSX/LASX/LBT ownership. */
void kvmla_fpu_init(struct kvm_vcpu *vcpu);
void kvmla_fpu_load_pending(struct kvm_vcpu *vcpu);	/* entry, IRQs off */
void kvmla_fpu_lose(struct kvm_vcpu *vcpu);		/* put: save, give up */

/*
 * Additions by the exit/MMU/timer/irq/VPID/FPU concerns (additive only).
 */

/*
 * exit.c: class of a guest CSR number (enum kvmla_csr_class in
 * kvmla_state.h), from the table kvmla_exit_init() built.  ONE_REG uses it:
 * KVMLA_CSR_UNSUPPORTED ids are invalid there.
 */
int kvmla_csr_class(unsigned int csr);

/* interrupt.c: ESTAT as the guest sees it, queued interrupts merged. */
u64 kvmla_irq_merge_estat(struct kvm_vcpu *vcpu, u64 estat);

/* exit.c: queue an exception for the guest, raised at the next entry. */
void kvmla_exit_inject(struct kvm_vcpu *vcpu, unsigned int ecode,
		       unsigned int esubcode, u64 badv, u32 badi);

/* fpu.c: the FPDIS/LSXDIS/LASXDIS/BTDIS exits (exit.c dispatches). */
int kvmla_fpu_exit(struct kvm_vcpu *vcpu, unsigned int ecode);

/* fpu.c: give up guest ownership without saving (vCPU reset). */
void kvmla_fpu_reset(struct kvm_vcpu *vcpu);

/* vmid.c: forget this vCPU on every CPU (vCPU destroy). */
void kvmla_vmid_drop(struct kvm_vcpu *vcpu);

#endif /* KVMLA_OPS_H */
