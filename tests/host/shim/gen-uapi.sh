#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the LoongArch uapi headers the harness needs (linux/kvm.h with
# asm/kvm.h and asm/kvm_para.h, and what they include) from the 6.12
# tree, sanitized by the tree's own scripts/headers_install.sh as
# "make headers_install" would, without writing into the tree:
#   gen-uapi.sh TREE OUTDIR
set -euo pipefail
tree=${1:?usage: $0 TREE OUTDIR}
out=$(realpath -m "${2:?usage: $0 TREE OUTDIR}")
work=$out.work
rm -rf "$work" "$out.tmp"
mkdir -p "$work/scripts" "$out.tmp"
# headers_install.sh runs scripts/unifdef from the current directory.
${HOSTCC:-gcc} -O1 -w -o "$work/scripts/unifdef" "$tree/scripts/unifdef.c"

dirs=("$tree/arch/loongarch/include/uapi"
      "$tree/arch/loongarch/include/generated/uapi"
      "$tree/include/uapi")
find_hdr() {
	for d in "${dirs[@]}"; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}
todo=(linux/kvm.h asm/kvm.h asm/kvm_para.h linux/types.h)
declare -A done
while [ ${#todo[@]} -gt 0 ]; do
	h=${todo[0]}
	todo=("${todo[@]:1}")
	[ -n "${done[$h]:-}" ] && continue
	done[$h]=1
	src=$(find_hdr "$h") || continue	# a libc header: not ours
	mkdir -p "$out.tmp/$(dirname "$h")"
	(cd "$work" && sh "$tree/scripts/headers_install.sh" "$src" \
		"$out.tmp/$h")
	for inc in $(sed -nE 's/^#[[:space:]]*include[[:space:]]*<([^>]+)>.*/\1/p' \
		     "$out.tmp/$h"); do
		todo+=("$inc")
	done
done
rm -rf "$work" "$out"
mv "$out.tmp" "$out"
