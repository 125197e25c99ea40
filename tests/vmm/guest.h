/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla-vmm guest: the layout of guest memory and the x86 machine code the
 * VMM generates at run time (32-bit protected mode, flat segments, no
 * paging).  Every vCPU runs the same code; %esi points at its own control
 * block, which holds the remaining phase count and the count of each kind.
 */
#ifndef KVMLA_VMM_GUEST_H
#define KVMLA_VMM_GUEST_H

#include <stddef.h>
#include <stdint.h>

/* The exit kinds the guest causes, in JSON order. */
#define VMM_KINDS(X)						\
	X(IO_OUT,     "io_out",     "--pio-out",    "port-I/O OUT")	\
	X(IO_IN,      "io_in",      "--pio-in",     "port-I/O IN")	\
	X(MMIO_WRITE, "mmio_write", "--mmio-write", "MMIO write")	\
	X(MMIO_READ,  "mmio_read",  "--mmio-read",  "MMIO read")	\
	X(HLT,        "hlt",        "--hlt",        "HLT")		\
	X(CPUID,      "cpuid",      "--cpuid",      "CPUID (in-kernel)")

enum vmm_kind {
#define X(id, key, flag, what) K_##id,
	VMM_KINDS(X)
#undef X
	NKINDS
};

/* Guest physical layout (one RAM slot at GPA 0). */
#define GUEST_RAM_SIZE	0x40000u	/* 256 KiB */
#define GUEST_CODE_GPA	0x1000u
#define GUEST_CODE_MAX	0x7000u
#define GUEST_CTL_GPA	0x8000u		/* control blocks, one per vCPU */
#define GUEST_CTL_SIZE	0x40u
#define VMM_MAX_VCPUS	((GUEST_RAM_SIZE - GUEST_CTL_GPA) / GUEST_CTL_SIZE)

/* Ports and unbacked MMIO addresses (no memslot there). */
#define GUEST_PORT_OUT	0x3f8u		/* 0x3f8 + kind offset */
#define GUEST_PORT_IN	0x3f9u
#define GUEST_MMIO_GPA	0xd0000000u
#define GUEST_MMIO_WRITE_GPA	GUEST_MMIO_GPA
#define GUEST_MMIO_READ_GPA	(GUEST_MMIO_GPA + 8)

/* A vCPU's control block, at GUEST_CTL_GPA + vcpu * GUEST_CTL_SIZE. */
struct guest_ctl {
	volatile uint32_t phases;	/* remaining; 0 = done (finite mode) */
	volatile uint32_t count[NKINDS];/* per phase, per kind */
	volatile uint32_t pad;
	volatile uint32_t cpuid_lo;	/* CPUIDs executed (64-bit, the */
	volatile uint32_t cpuid_hi;	/* guest counts them itself) */
};

/* Byte offsets inside struct guest_ctl that the generated code uses. */
#define CTL_PHASES_OFF	0
#define CTL_COUNT_OFF(k)	(4 + 4 * (k))
#define CTL_CPUID_OFF	0x20

/*
 * Generates the guest program into buf (at most cap bytes).  loop != 0: run
 * the mix forever (the VMM rewrites the counts to change it).  Otherwise
 * run ctl->phases phases, phase p in kind order rotated by p % NKINDS, and
 * finish with UD2, which with an empty IDT is a triple fault, i.e.
 * KVM_EXIT_SHUTDOWN: the guest's "done" signal, neither PIO nor MMIO.
 * Returns the code size, or 0 when it does not fit.
 */
size_t guest_gen(uint8_t *buf, size_t cap, int loop);

#endif /* KVMLA_VMM_GUEST_H */
