// SPDX-License-Identifier: GPL-2.0
/*
 * kvmla: offsets into struct kvm_vcpu as the tree lays it out, which is
 * how vmlinux was compiled.  Kbuild compiles this file without our
 * include override, so <asm/kvm_host.h> here is the tree's own; the
 * result, kvmla-upstream-offsets.h, is what asm-offsets.c compares our
 * layout against.  Nothing of it is linked into kvm.ko.
 *
 * Code built into vmlinux that our module reaches with a struct kvm_vcpu:
 * xfer_to_guest_mode_handle_work() (kernel/entry/kvm.c), which on a
 * pending signal sets vcpu->run->exit_reason and increments
 * vcpu->stat.signal_exits (kvm_handle_signal_exit(), inlined).
 */
#include <linux/kbuild.h>
#include <linux/kvm_host.h>

static void __used kvmla_upstream_offsets(void)
{
	OFFSET(KVMLA_UP_VCPU_RUN, kvm_vcpu, run);
	OFFSET(KVMLA_UP_VCPU_ARCH, kvm_vcpu, arch);
	DEFINE(KVMLA_UP_VCPU_SIGNAL_EXITS,
	       offsetof(struct kvm_vcpu, stat.signal_exits));
	DEFINE(KVMLA_UP_VCPU_SIGNAL_EXITS_SIZE,
	       sizeof(((struct kvm_vcpu *)0)->stat.signal_exits));
}
