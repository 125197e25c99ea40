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

# 1. Invariants (userspace, ASan/UBSan), with the tools' tables
# (tools/lib/catalog.c) linked in: build_catalog_test <include dir> <out>
build_catalog_test() {
	$cc -std=gnu11 -Wall -Wextra -Werror $san -I"$1" -I"$top/tools/lib" \
		"$here/test_catalog.c" "$top/tools/lib/catalog.c" -o "$2"
}
if build_catalog_test "$top/include" "$out/test_catalog" 2>"$out/build.log"; then
	"$out/test_catalog" || KT_FAILED=1
else
	kt_fail build_invariants "test_catalog.c does not compile: $(head -c 300 "$out/build.log")"
fi

# 2. One meta-list: every KVMLA_SYMS_<LIST> the headers define (grep, not
# the preprocessor) is in KVMLA_VALUE_LISTS, and nothing else is.
lists_defined() { # <include dir>
	grep -ho '^#define KVMLA_SYMS_[A-Z0-9_]*' "$1"/kvmla/*.h |
		sed 's/.*KVMLA_SYMS_//' | sort
}
lists_meta() { # <include dir>
	printf '#include <kvmla/events.h>\n#define L_(l, ...) l\nKVMLA_VALUE_LISTS(L_)\n' |
		$cc -E -P -I"$1" -x c - | tr -s ' \t' '\n' | sed '/^$/d' | sort
}
lists_check() { # <include dir>: prints the differences
	diff <(lists_defined "$1") <(lists_meta "$1") | grep '^[<>]' | tr '\n' ' '
}
d=$(lists_check "$top/include")
if [ -n "$d" ] || [ "$(lists_meta "$top/include" | wc -l)" -lt 20 ]; then
	kt_fail value_lists_complete "KVMLA_SYMS_ lists (<) and KVMLA_VALUE_LISTS (>) differ: $d"
else
	kt_pass value_lists_complete
fi

# The docs: generated from the catalog and current, with a section for
# every list a field prints from.
if "$top/scripts/gen-tracepoint-docs.sh" --check 2>"$out/docs.log"; then
	kt_pass tracepoint_docs_current
else
	kt_fail tracepoint_docs_current "$(head -n 1 "$out/docs.log")"
fi
used=$(printf '#include <kvmla/events.h>\n#define F_(t, f, fmt, s) s\n#define E_(n, d) KVMLA_FIELDS_##n(F_)\nKVMLA_EVENTS(E_)\n' |
	$cc -E -P -I"$top/include" -x c - | tr -s ' \t' '\n' | sed '/^$/d' | grep -vx NONE | sort -u)
miss=""
for l in $used; do
	grep -qx "### $l" "$top/docs/tracepoints.md" || miss="$miss $l"
done
if [ -z "$used" ]; then kt_fail value_lists_in_docs "no field prints from a list (expansion failed?)"
elif [ -n "$miss" ]; then kt_fail value_lists_in_docs "docs/tracepoints.md has no section for:$miss"
else kt_pass value_lists_in_docs; fi

# The checks can fail: a new list used by a field but left out of the
# meta-list must be caught by both the grep check and test_catalog.
rm -rf "$out/lmut" && mkdir -p "$out/lmut" && cp -r "$top/include/kvmla" "$out/lmut/"
sed -i -e 's/F(u32, kind, "%s", LOAD_KIND)/F(u32, kind, "%s", MUT_KIND)/' \
	-e 's|^#endif /\* KVMLA_EVENTS_H \*/|#define KVMLA_MUT_KINDS(X) X(0, ONE, one)\n#define KVMLA_SYMS_MUT_KIND(X) KVMLA_MUT_KINDS(X)\n&|' \
	"$out/lmut/kvmla/events.h"
if ! grep -q 'KVMLA_SYMS_MUT_KIND' "$out/lmut/kvmla/events.h" ||
   ! grep -q '"%s", MUT_KIND)' "$out/lmut/kvmla/events.h"; then
	kt_fail value_lists_check_catches_missing "mutation did not apply"
elif [ -z "$(lists_check "$out/lmut")" ]; then
	kt_fail value_lists_check_catches_missing "the grep check did not see KVMLA_SYMS_MUT_KIND"
elif ! build_catalog_test "$out/lmut" "$out/test_catalog_mut" 2>"$out/lmut.log"; then
	kt_fail value_lists_check_catches_missing "mutant does not compile: $(head -c 200 "$out/lmut.log")"
elif "$out/test_catalog_mut" 2>&1 | grep -q '^FAIL: table/event_symbol_lists_are_value_lists: .*kvm_vcpu_load.kind: list MUT_KIND is not in KVMLA_VALUE_LISTS'; then
	kt_pass value_lists_check_catches_missing
else
	kt_fail value_lists_check_catches_missing "test_catalog passed a list missing from KVMLA_VALUE_LISTS"
fi

# 3. Numbers against the tree: kcheck.c compiled with the tree's kbuild.
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
