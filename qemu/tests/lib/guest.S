# SPDX-License-Identifier: GPL-2.0
# The guest's exception vector, at GPA 0 (the start of the guest image).
# It reports to root with hvcl 0x7f, guest ESTAT in a6, guest ERA in a7 and
# guest BADV in t8;
# when root resumes it after the hvcl, it returns with the guest's ertn
# (a still-pending interrupt is then taken again).

	.equ ESTAT, 0x5
	.equ ERA, 0x6
	.section .guest.vec, "ax"
	.globl guest_vec, guest_vec_hvcl
guest_vec:
	csrrd	$a6, ESTAT
	csrrd	$a7, ERA
	csrrd	$t8, 0x7		# BADV
	addi.d	$s8, $s8, 1		# count of guest exceptions taken
guest_vec_hvcl:
	hvcl	0x7f
	ertn
