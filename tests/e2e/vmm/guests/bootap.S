/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bootap: where `la-vmm boot` parks every vCPU but the first (GPA
 * BOOT_AP_BASE, direct address mode, interrupts off).  The kernel's
 * loongson_boot_secondary() writes the entry into this CPU's mailbox
 * (IOCSR MBUF0, through MBUF_SEND) and then kicks it: by an IOCSR IPI
 * (IPI_SEND, which la-vmm turns into KVM_INTERRUPT(INT_IPI)) or, when the
 * guest found KVM, by a PV IPI (hvcl; kvm.ko raises SWI0).  So: unmask IPI
 * and SWI0 in ECFG, idle until one comes, read MBUF0; on zero wait again;
 * else acknowledge both, mask ECFG again and jump to the entry's physical
 * address (the kernel's smpboot_entry sets up its own windows).
 * a0 = vCPU index (unused).  Not a counted scenario.
 */
	.text
	.globl	_start
_start:
	li.w	$t0, 0x1001		/* ECFG.LIE: IPI (bit 12) | SWI0 (bit 0) */
	csrwr	$t0, 0x4		/* ECFG */
	li.w	$t1, 0x1020		/* IOCSR MBUF0 */
1:
	idle	0
	iocsrrd.d $t0, $t1
	beqz	$t0, 1b
	li.w	$t2, -1
	li.w	$t3, 0x100c		/* IOCSR IPI_CLEAR: every action bit */
	iocsrwr.w $t2, $t3
	li.w	$t2, 1
	csrxchg	$zero, $t2, 0x5		/* ESTAT: clear SWI0 */
	csrwr	$zero, 0x4		/* ECFG: mask everything again */
	bstrpick.d $t0, $t0, 47, 0	/* the entry's physical address */
	jirl	$zero, $t0, 0
