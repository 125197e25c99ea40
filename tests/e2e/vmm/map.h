/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical map shared by la-vmm and its guests.  The Makefile turns
 * every "#define MAP_..." line into ".equ MAP_..., value" (map.inc) for the
 * guest assembly, so both sides use one definition.  Values only, no
 * expressions.
 */
#ifndef LA_VMM_MAP_H
#define LA_VMM_MAP_H
/* RAM memslot 0: GPA 0, guest code starts at 0 (PC 0, direct address mode) */
#define MAP_RAM_SIZE		0x100000
/* RAM word the smp guests and the stage2 guest do not touch before it is set */
#define MAP_RAM_DATA		0x80000
/* Stage-2 scenario: memslot 1 at this GPA, MAP_S2_PAGES host pages */
#define MAP_S2_BASE		0x400000
#define MAP_S2_PAGES		24
/* MMIO (no memslot): results, end, control, test device */
#define MAP_REPORT		0x10000000
#define MAP_DONE		0x10000800
#define MAP_CTRL		0x10000808
#define MAP_DEV			0x10001000
#define MAP_DEV_SIZE		0x1000
/* CTRL commands: st.d (op << 32 | arg) */
#define MAP_OP_IRQ_RAISE	1
#define MAP_OP_IRQ_LOWER	2
#define MAP_OP_SLOT_READD	3
#define MAP_OP_PAGE_REMAP	4
#define MAP_OP_READY		5
#define MAP_OP_PAUSE		6
#define MAP_OP_REMAP_ASYNC	7
/* IOCSR addresses the guests use (all go to userspace in 6.12) */
#define MAP_IOCSR_A		0x20
#define MAP_IOCSR_B		0x28
#define MAP_IOCSR_C		0x30
#define MAP_IOCSR_D		0x38
/* Guest timer initial value (ticks) for the idle and irq guests */
#define MAP_TIMER_TICKS		0x10000
#endif
