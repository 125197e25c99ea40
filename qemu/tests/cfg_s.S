# SPDX-License-Identifier: GPL-2.0
# cfg: the LVZ instructions probed for INE when LVZ is off.
	.text
	.globl probe_gcsrrd_call, probe_gcsrrd, probe_hvcl_call, probe_hvcl
probe_gcsrrd_call:
	move	$a0, $zero
probe_gcsrrd:
	gcsrrd	$a0, 0x30
	ret
probe_hvcl_call:
probe_hvcl:
	hvcl	0
	ret
