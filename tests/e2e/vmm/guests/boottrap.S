/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boottrap: where `la-vmm boot` points EENTRY, TLBRENTRY and MERRENTRY
 * until the kernel installs its own handlers (GPA BOOT_TRAP_BASE).  An
 * exception that early can only be a bug: store what the VMM needs to say
 * which (ESTAT, ERA, BADV, TLBRERA, TLBRBADV, CRMD) into the VMM's trap
 * registers (physical, the refill runs in direct address mode) and stop.
 * A TLB refill (every fetch of a not-yet-mapped page in paged mode) lands
 * here too, so CSR ERA/BADV still hold the original exception's values.
 */
	.text
	.globl	_start
_start:
	lu12i.w	$t3, 0x100e0		/* 0x100e0000: the VMM's power/trap block */
	csrrd	$t0, 0x5		/* ESTAT */
	st.d	$t0, $t3, 0x40
	csrrd	$t0, 0x6		/* ERA */
	st.d	$t0, $t3, 0x48
	csrrd	$t0, 0x7		/* BADV */
	st.d	$t0, $t3, 0x50
	csrrd	$t0, 0x8a		/* TLBRERA */
	st.d	$t0, $t3, 0x58
	csrrd	$t0, 0x89		/* TLBRBADV */
	st.d	$t0, $t3, 0x60
	csrrd	$t0, 0x0		/* CRMD */
	st.d	$t0, $t3, 0x68
1:
	b	1b
