// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random (ecode, esubcode, instruction word, badv) and
 * register state fed to kvm/exit.c's dispatcher through the host
 * harness.  It must never crash, and any exit it does not know (an ecode
 * without a handler, a privileged instruction it does not emulate) must
 * end in an exception queued for the guest.
 *   tests/host/fuzz/fuzz.sh [seconds]   builds and runs it, time-bounded
 */
#include "kvm_internal.h"

#include "../kvm/mmio_bus.h"

#include "../../../kvm/exit.c"
#include "weak.h"

/* Neighbours: the MMU answers what the input says. */
static int fz_mmu_ret;
int kvmla_mmu_handle_fault_plain(struct kvm_vcpu *vcpu, unsigned long gpa,
				 bool write, bool exec)
{
	return fz_mmu_ret;
}

int kvmla_mmu_handle_fault_traced(struct kvm_vcpu *vcpu, unsigned long gpa,
				  bool write, bool exec)
{
	return fz_mmu_ret;
}

static struct kvm fz_kvm;
static struct kvm_vcpu fz_vcpu;
static struct kvm_run fz_run;

struct fz_input {
	u8 ecode, mmu, debug, pad;
	u16 esub;
	u32 insn;
	u64 badv, pc;
	u64 gprs[8];	/* $a0..$a7 */
	u8 io[8];
};

static bool fz_handled_ecode(unsigned int ec)
{
	switch (ec) {
	case KVMLA_ECODE_INT:
	case KVMLA_ECODE_TLBL: case KVMLA_ECODE_TLBS:
	case KVMLA_ECODE_TLBI: case KVMLA_ECODE_TLBM:
	case KVMLA_ECODE_FPDIS: case KVMLA_ECODE_LSXDIS:
	case KVMLA_ECODE_LASXDIS: case KVMLA_ECODE_BTDIS:
	case KVMLA_ECODE_GSPR: case KVMLA_ECODE_HVC:
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const int mmu_rets[4] = { 0, -ENOENT, -ENOENT, -EFAULT };
	static bool inited;
	struct fz_input in = { 0 };
	struct kvm_vcpu *v = &fz_vcpu;
	int ret;

	if (!inited) {
		hw_sim_reset();
		inited = true;
	}
	memcpy(&in, data, size < sizeof(in) ? size : sizeof(in));
	memset(&fz_kvm, 0, sizeof(fz_kvm));
	memset(v, 0, sizeof(*v));
	memset(&fz_run, 0, sizeof(fz_run));
	shim_trace_reset();
	shim_log[0] = '\0';
	fz_kvm.arch.gpa_size = 1ULL << 40;
	fz_kvm.arch.pv_features = in.pad;
	fz_kvm.arch.phyid_map[1] = v;
	v->kvm = &fz_kvm;
	v->run = &fz_run;
	v->arch.pc = in.pc;
	for (int i = 0; i < 8; i++)
		v->arch.gprs[4 + i] = in.gprs[i];
	v->arch.cpucfg[2] = in.insn;
	v->guest_debug = in.debug & 1 ? KVM_GUESTDBG_USE_SW_BP : 0;
	/*
	 * The state the other branches depend on, from the input too: a
	 * memslot (GPA 0x10000..0x1ffff, the steal-time area's check), the
	 * once-only warnings already given, and the interrupt lines IDLE
	 * looks at (badv is unused by GSPR exits)
	 */
	fz_kvm.nr_slots = (in.debug >> 1) & 1;
	fz_kvm.slots[0].base_gfn = 0x10000 >> PAGE_SHIFT;
	fz_kvm.slots[0].npages = 0x10000 >> PAGE_SHIFT;
	v->arch.st.exit.csr_warned = (in.debug >> 2) & 1;
	v->arch.st.exit.unknown_logged = (in.debug >> 3) & 1;
	hw_sim_gcsr_write(LOONGARCH_CSR_ECFG, in.badv & 0x1fff);
	hw_sim_gcsr_write(LOONGARCH_CSR_ESTAT, (in.badv >> 16) & 0x1fff);
	fz_mmu_ret = mmu_rets[in.mmu & 3];
	fx_bus_claims = (in.mmu >> 2) & 1;
	memcpy(&fx_bus_val, in.io, 8);
	v->arch.exit_estat = ((u64)(in.ecode & 63) << CSR_ESTAT_EXC_SHIFT) |
			     ((u64)(in.esub & 0x1ff) << CSR_ESTAT_ESUBCODE_SHIFT);
	v->arch.exit_badi = in.insn;
	v->arch.exit_badv = in.badv;

	/* debug bit 4: the plain copy of the handlers, else the traced one */
	ret = kvmla_exit_handle(v, !((in.debug >> 4) & 1));
	if (ret != RESUME_GUEST && ret != RESUME_HOST && ret != -EFAULT)
		abort();
	if (v->arch.gprs[0])
		abort();
	if (!fz_handled_ecode(in.ecode & 63) && !v->arch.st.exit.exc_pending)
		abort();
	if ((in.ecode & 63) == KVMLA_ECODE_GSPR &&
	    kvmla_gspr_kind(in.insn) == KVMLA_GSPR_OTHER &&
	    !v->arch.st.exit.exc_pending)
		abort();
	/* An emulated instruction moves PC by 4; a refused one raises. */
	switch (in.ecode & 63) {
	case KVMLA_ECODE_GSPR:
		if (v->arch.pc != in.pc + 4 && !v->arch.st.exit.exc_pending)
			abort();
		break;
	case KVMLA_ECODE_HVC:
		if (v->arch.pc != in.pc + 4 &&
		    !(ret == RESUME_HOST && fz_run.exit_reason == KVM_EXIT_DEBUG))
			abort();
		break;
	case KVMLA_ECODE_TLBL: case KVMLA_ECODE_TLBS: case KVMLA_ECODE_TLBM:
		if (ret == RESUME_GUEST && v->arch.pc != in.pc &&
		    v->arch.pc != in.pc + 4)
			abort();
		break;
	}
	if (ret == RESUME_HOST) {
		/* a read completes from whatever userspace left */
		memcpy(fz_run.mmio.data, in.io, 8);
		memcpy(fz_run.iocsr_io.data, in.io, 8);
		kvmla_exit_complete_user(v);
		if (v->arch.st.exit.io_kind != KVMLA_IO_NONE)
			abort();
	}
	return 0;
}
