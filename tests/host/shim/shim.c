// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness: state and functions behind kvm_internal.h (the shim),
 * hw_sim.h and trace_rec.h, plus what switch.S does on hardware.
 */
#include <stdarg.h>
#include "kvm_internal.h"

struct hw_sim hw;
char shim_log[8192];
int shim_log_lines;
int shim_warns;
int shim_uaccess_fail;
int shim_cpu;
int shim_irqs_off;
u64 shim_now_ns;
int shim_clock_reads;
u64 const_clock_freq = 100000000;
int shim_signal;
int shim_need_resched;
int shim_xfer_work;
int shim_xfer_ret;
int shim_lose_fpu;
int shim_kvm_init_ret;
int shim_kvm_init_calls;
int shim_kvm_exit_calls;
int shim_halts;
int shim_kicks;
int shim_sigset;
int shim_switch_calls;
int shim_switch_irqs_off = 1;
void (*shim_guest)(struct kvm_vcpu_arch *arch);

struct shim_trace_rec shim_trace[SHIM_TRACE_RECORDS];
int shim_trace_n;
bool shim_trace_on = true;
int shim_trace_checks_off;

#define SHIM_EV_NAME(ev, desc) [SHIM_EV_##ev] = #ev,
const char *const shim_event_names[SHIM_EV_NUM] = {
	KVMLA_EVENTS(SHIM_EV_NAME)
};

int shim_page_fail;
int shim_pages_live;
int shim_icache_flushes;

unsigned long __get_free_pages(int gfp, unsigned int order)
{
	void *p;

	(void)gfp;
	if (shim_page_fail)
		return 0;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
	if (p)
		shim_pages_live++;
	return (unsigned long)p;
}

void free_pages(unsigned long addr, unsigned int order)
{
	(void)order;
	if (!addr)
		return;
	free((void *)addr);
	shim_pages_live--;
}

void hw_sim_reset(void)
{
	memset(&hw, 0, sizeof(hw));
	hw.counter_step = 1;
}

u64 hw_sim_iocsr_read(u32 addr)
{
	hw.iocsr_reads++;
	for (int i = 0; i < hw.nr_iocsr; i++)
		if (hw.iocsr[i].addr == addr)
			return hw.iocsr[i].val;
	return 0;
}

void hw_sim_iocsr_write(u32 addr, u64 val)
{
	hw.iocsr_writes++;
	for (int i = 0; i < hw.nr_iocsr; i++)
		if (hw.iocsr[i].addr == addr) {
			hw.iocsr[i].val = val;
			return;
		}
	if (hw.nr_iocsr == HW_SIM_IOCSRS)
		abort();
	hw.iocsr[hw.nr_iocsr].addr = addr;
	hw.iocsr[hw.nr_iocsr++].val = val;
}

void shim_printk(const char *fmt, ...)
{
	size_t used = strlen(shim_log);
	va_list ap;

	va_start(ap, fmt);
	if (used < sizeof(shim_log) - 1)
		vsnprintf(shim_log + used, sizeof(shim_log) - used, fmt, ap);
	va_end(ap);
	shim_log_lines++;
}

void shim_trace_reset(void)
{
	shim_trace_n = 0;
	shim_trace_checks_off = 0;
}

int shim_trace_count(enum shim_event ev)
{
	int n = 0;

	for (int i = 0; i < shim_trace_n; i++)
		n += shim_trace[i].ev == ev;
	return n;
}

const struct shim_trace_rec *shim_trace_nth(enum shim_event ev, int nth)
{
	for (int i = 0; i < shim_trace_n; i++)
		if (shim_trace[i].ev == ev && nth-- == 0)
			return &shim_trace[i];
	return NULL;
}

const struct shim_trace_rec *shim_trace_last(enum shim_event ev)
{
	for (int i = shim_trace_n - 1; i >= 0; i--)
		if (shim_trace[i].ev == ev)
			return &shim_trace[i];
	return NULL;
}

/* Field names of every event, in catalog order. */
#define SHIM_FIELD_NAME(t, f, fmt, s) #f,
#define SHIM_EV_FIELDS(ev, desc) \
	[SHIM_EV_##ev] = { KVMLA_FIELDS_##ev(SHIM_FIELD_NAME) NULL },
static const char *const shim_field_names[SHIM_EV_NUM][SHIM_TRACE_MAX_FIELDS + 1] = {
	KVMLA_EVENTS(SHIM_EV_FIELDS)
};

u64 shim_trace_field(const struct shim_trace_rec *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(shim_field_names[r->ev][i], name))
			return r->val[i];
	fprintf(stderr, "harness: event %s has no field %s\n",
		shim_event_names[r->ev], name);
	abort();
}

/* ---- generic KVM ---- */

struct task_struct shim_task;
u8 shim_guest_mem[SHIM_GUEST_MEM];
int shim_dirty_ring_full;

int kvm_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len)
{
	(void)kvm;
	if (gpa > SHIM_GUEST_MEM || len > SHIM_GUEST_MEM - gpa)
		return -EFAULT;
	memcpy(data, shim_guest_mem + gpa, len);
	return 0;
}

int kvm_write_guest(struct kvm *kvm, gpa_t gpa, const void *data,
		    unsigned long len)
{
	(void)kvm;
	if (gpa > SHIM_GUEST_MEM || len > SHIM_GUEST_MEM - gpa)
		return -EFAULT;
	memcpy(shim_guest_mem + gpa, data, len);
	return 0;
}

bool kvm_dirty_ring_check_request(struct kvm_vcpu *vcpu)
{
	if (!shim_dirty_ring_full)
		return false;
	vcpu->run->exit_reason = KVM_EXIT_DIRTY_RING_FULL;
	return true;
}

bool kvm_is_visible_gfn(struct kvm *kvm, gfn_t gfn)
{
	for (int i = 0; i < kvm->nr_slots; i++) {
		struct kvm_memory_slot *s = &kvm->slots[i];

		if (gfn >= s->base_gfn && gfn < s->base_gfn + s->npages)
			return true;
	}
	return false;
}

void kvm_destroy_vcpus(struct kvm *kvm)
{
	for (int i = 0; i < kvm->created_vcpus; i++) {
		if (!kvm->vcpus[i])
			continue;
		kvm_arch_vcpu_destroy(kvm->vcpus[i]);
		free(kvm->vcpus[i]->run);
		free(kvm->vcpus[i]);
		kvm->vcpus[i] = NULL;
	}
	kvm->created_vcpus = 0;
}

int kvm_init(unsigned int size, unsigned int align, struct module *m)
{
	(void)size;
	(void)align;
	(void)m;
	shim_kvm_init_calls++;
	return shim_kvm_init_ret;
}

void kvm_exit(void)
{
	shim_kvm_exit_calls++;
}

void kvm_vcpu_kick(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_kicks++;
}

bool kvm_vcpu_wake_up(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return true;
}

void kvm_vcpu_halt(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_halts++;
}

int shim_blocking;
bool kvm_vcpu_is_blocking(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return shim_blocking;
}

/* Generic KVM loads on the current CPU (preemption is off there). */
void vcpu_load(struct kvm_vcpu *vcpu)
{
	vcpu->cpu = shim_cpu;
	kvm_arch_vcpu_load(vcpu, shim_cpu);
}

void vcpu_put(struct kvm_vcpu *vcpu)
{
	kvm_arch_vcpu_put(vcpu);
	vcpu->cpu = -1;
}

void kvm_sigset_activate(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_sigset++;
}

void kvm_sigset_deactivate(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	shim_sigset--;
}

int shim_xfer_signal;
/*
 * vmlinux's version (kernel/entry/kvm.c), compiled with the tree's
 * layout: on a signal it sets run->exit_reason and increments the u64 at
 * upstream's stat.signal_exits, which is arch.vmlinux_signal_exits in
 * ours (kvm/asm-offsets.c checks that at build time).
 */
int xfer_to_guest_mode_handle_work(struct kvm_vcpu *vcpu)
{
	shim_xfer_work = 0;
	if (shim_xfer_signal) {
		shim_xfer_signal = 0;
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		vcpu->arch.vmlinux_signal_exits++;
		return -EINTR;
	}
	return shim_xfer_ret;
}

/* ---- what switch.S does on hardware ---- */

/*
 * The block main.c copies: here the two functions below, whose code
 * bytes it copies as it would switch.S's (never run from the copy).
 */
const unsigned long kvmla_switch_size = 64;

void kvmla_switch_exc_entry(void)
{
}

void kvmla_switch_enter(struct kvm_vcpu_arch *arch)
{
	shim_switch_calls++;
	if (!shim_irqs_off)
		shim_switch_irqs_off = 0;
	if (shim_guest)
		shim_guest(arch);
}

static void shim_fpu_save(struct kvmla_fpu *f, int words)
{
	for (int i = 0; i < 32; i++)
		memcpy(f->fpr[i], hw.fpr[i], words * sizeof(u64));
	f->fcc = hw.fcc;
	f->fcsr = hw.fcsr;
	hw.tm_at_fpu_save = !!(hw.fcsr & KVMLA_SIM_FCSR_TM);
	hw.fpu_saves++;
}

static void shim_fpu_restore(struct kvmla_fpu *f, int words)
{
	for (int i = 0; i < 32; i++)
		memcpy(hw.fpr[i], f->fpr[i], words * sizeof(u64));
	hw.fcc = f->fcc;
	hw.fcsr = f->fcsr;
	hw.fpu_restores++;
}

void kvmla_fpu_save_fp(struct kvmla_fpu *fpu) { shim_fpu_save(fpu, 1); }
void kvmla_fpu_restore_fp(struct kvmla_fpu *fpu) { shim_fpu_restore(fpu, 1); }
void kvmla_fpu_save_lsx(struct kvmla_fpu *fpu) { shim_fpu_save(fpu, 2); }
void kvmla_fpu_restore_lsx(struct kvmla_fpu *fpu) { shim_fpu_restore(fpu, 2); }
void kvmla_fpu_save_lasx(struct kvmla_fpu *fpu) { shim_fpu_save(fpu, 4); }
void kvmla_fpu_restore_lasx(struct kvmla_fpu *fpu) { shim_fpu_restore(fpu, 4); }
