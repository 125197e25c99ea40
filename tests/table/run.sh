#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Catalog suite: invariants of include/kvmla/, and every number checked
# against the Linux 6.12 tree by compiling static assertions (kcheck/).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite table
out="$top/build/table"
mkdir -p "$out"
cc=${CC:-gcc}
san="-fsanitize=address,undefined -fno-sanitize-recover=all"

# 1. Invariants (userspace, ASan/UBSan).
if $cc -std=gnu11 -Wall -Wextra -Werror $san -I"$top/include" \
	"$here/test_catalog.c" -o "$out/test_catalog" 2>"$out/build.log"; then
	"$out/test_catalog" || KT_FAILED=1
else
	kt_fail build_invariants "test_catalog.c does not compile: $(head -c 300 "$out/build.log")"
fi

# 2. Numbers against the tree: kcheck.c compiled with the tree's kbuild.
tree=$("$top/scripts/prepare-kernel.sh" 2>"$out/prepare.log" | tail -n 1)
kcheck() { # kcheck <include-dir> <workdir>: compile kcheck.o, 0 on success
	rm -rf "$2" && mkdir -p "$2" && cp "$here"/kcheck/* "$2"/ &&
		make -s -C "$tree" ARCH=loongarch LLVM="${KVMLA_LLVM:--19}" M="$2" \
			KVMLA_INCLUDE="$1" kcheck.o >"$2/log" 2>&1
}
# Catalog copy with one number changed: sed expression $1, on file $2.
mutant() {
	rm -rf "$out/mut" && mkdir -p "$out/mut" && cp -r "$top/include/kvmla" "$out/mut/" &&
		sed -i "$1" "$out/mut/kvmla/$2" && ! cmp -s "$out/mut/kvmla/$2" "$top/include/kvmla/$2"
}
if [ -z "$tree" ] || [ ! -f "$tree/include/generated/autoconf.h" ]; then
	for c in kernel_tree_cached tree_numbers_match csr_list_complete tree_check_catches_csr tree_check_catches_ecode tree_check_catches_exit; do
		kt_fail $c "scripts/prepare-kernel.sh gave no prepared LoongArch 6.12 tree: $(tail -n 1 "$out/prepare.log")"
	done
else
	# The cache is reused: a second call neither re-extracts nor re-prepares.
	stamp="$(dirname "$tree")/.prepared"
	before=$(stat -c %Y "$stamp" 2>/dev/null)
	again=$("$top/scripts/prepare-kernel.sh" 2>/dev/null | tail -n 1)
	if [ -n "$before" ] && [ "$again" = "$tree" ] && [ "$(stat -c %Y "$stamp")" = "$before" ]; then
		kt_pass kernel_tree_cached
	else kt_fail kernel_tree_cached "second prepare-kernel.sh call did not reuse $tree"; fi
	if kcheck "$top/include" "$out/kcheck"; then kt_pass tree_numbers_match
	else kt_fail tree_numbers_match "$(grep -m3 -E 'error' "$out/kcheck/log" | tr '\n' ' ')"; fi
	# The check must be able to fail: mutate one entry at a time.
	try_mutant() { # case, sed, file, expected error text
		if ! mutant "$2" "$3"; then kt_fail "$1" "mutation did not apply"; return; fi
		if kcheck "$out/mut" "$out/kmut"; then
			kt_fail "$1" "a wrong number compiled cleanly"
		elif grep -q "$4" "$out/kmut/log"; then kt_pass "$1"
		else kt_fail "$1" "failed for another reason: $(grep -m1 error "$out/kmut/log")"; fi
	}
	# Every CSR of the tree is in the catalog: regenerate and compare.
	if "$top/scripts/gen-csr-catalog.sh" "$tree" >"$out/csr.h" 2>"$out/gen.log" &&
		cmp -s "$out/csr.h" "$top/include/kvmla/csr.h"; then kt_pass csr_list_complete
	else kt_fail csr_list_complete "include/kvmla/csr.h differs from scripts/gen-csr-catalog.sh output"; fi
	try_mutant tree_check_catches_csr 's/X(0x5, ESTAT,/X(0x6, ESTAT,/' csr.h 'CSR ESTAT'
	try_mutant tree_check_catches_ecode 's/X(22, GSPR,/X(23, GSPR,/' exits.h 'ecode GSPR'
	try_mutant tree_check_catches_exit 's/X(38, LOONGARCH_IOCSR,/X(37, LOONGARCH_IOCSR,/' exits.h 'KVM_EXIT_LOONGARCH_IOCSR'
fi
exit $KT_FAILED
