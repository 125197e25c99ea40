#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvm-build suite: kvm.ko from a clean state against the prepared 6.12
# tree with clang-19, W=1 with zero warnings, every undefined symbol
# exported by the tree, sparse clean on our files, checkpatch --strict
# clean on kvm/, no shared lines with upstream, and the build's wiring
# (our asm/kvm_host.h and trace.h win, our assembly names, no copy of
# virt/kvm committed, nothing written into the tree).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite kvm-build
B=$top/build/kvm-build
mkdir -p "$B"
exec 8>"$B/.lock"
flock 8
llvm=${KVMLA_LLVM:--19}

tree=$("$top/scripts/prepare-kernel.sh" 2>"$B/prepare.log" | tail -n 1)
if [ -z "$tree" ] || [ ! -f "$tree/include/generated/autoconf.h" ]; then
	kt_fail build "scripts/prepare-kernel.sh gave no prepared LoongArch 6.12 tree: $(tail -n 1 "$B/prepare.log")"
	exit 1
fi
for t in clang llvm-nm llvm-readelf; do
	command -v "$t$llvm" >/dev/null || {
		kt_fail build "$t$llvm is not installed (scripts/deps.sh kernel)"
		exit 1
	}
done

# Our files in kvm/ (the copied virt/ and build products are ignored).
ours=$(cd "$top" && git ls-files -co --exclude-standard kvm |
       grep -E '(\.[chS]|/Kbuild|/Makefile|\.sh)$' | sort)

# ---- 1. clean W=1 build ----
stamp=$B/stamp
touch "$stamp"
sleep 1
make -s -C "$top/kvm" KDIR="$tree" LLVM="$llvm" clean >/dev/null 2>&1
start=$(date +%s)
if nice make -C "$top/kvm" KDIR="$tree" LLVM="$llvm" W=1 -j"$(nproc)" \
	modules >"$B/build.log" 2>&1; then
	kt_pass build
else
	kt_fail build "make kvm failed: $(grep -m1 -E 'error|Error' "$B/build.log")"
fi
echo "INFO: clean W=1 build took $(( $(date +%s) - start )) s"
ko=$top/kvm/kvm.ko
if [ ! -f "$ko" ]; then
	kt_fail kvm_ko "no kvm/kvm.ko"
	exit 1
fi
kt_pass kvm_ko

if "llvm-readelf$llvm" -h "$ko" | grep -qE 'Machine:[[:space:]]+LoongArch'; then
	kt_pass elf_machine_loongarch
else
	kt_fail elf_machine_loongarch "$("llvm-readelf$llvm" -h "$ko" | grep Machine)"
fi

# Compiler and assembler warnings (modpost's "undefined!" notes are not:
# without a Module.symvers they are expected, and symcheck judges them).
warns=$(grep -E '(^|[^A-Z])warning:' "$B/build.log" | grep -v 'modpost:' || true)
if [ -z "$warns" ]; then
	kt_pass w1_zero_warnings
else
	kt_fail w1_zero_warnings "$(grep -c . <<<"$warns") warnings, first: $(head -n 1 <<<"$warns")"
fi

# ---- 2. undefined symbols vs the tree's exports ----
if "$top/kvm/symcheck.sh" "$tree" "llvm-nm$llvm" "$ko" >"$B/symcheck.log" 2>&1; then
	kt_pass symbols_exported_by_tree
else
	kt_fail symbols_exported_by_tree "$(tail -n +2 "$B/symcheck.log" | tr '\n' ' ' | head -c 300)"
fi

# ... and the check itself catches a symbol the tree does not export.
printf 'void kvmla_not_exported_probe(void);\nvoid probe(void) { kvmla_not_exported_probe(); }\n' |
	"clang$llvm" --target=loongarch64-linux-gnu -c -x c - -o "$B/probe.o" 2>/dev/null
if "$top/kvm/symcheck.sh" "$tree" "llvm-nm$llvm" "$B/probe.o" >"$B/probe.log" 2>&1; then
	kt_fail symcheck_catches_unexported "symcheck accepted kvmla_not_exported_probe"
elif grep -qx 'kvmla_not_exported_probe' "$B/probe.log"; then
	kt_pass symcheck_catches_unexported
else
	kt_fail symcheck_catches_unexported "symcheck failed without naming the symbol: $(head -c 200 "$B/probe.log")"
fi

# ---- 3. wiring of the build ----
syms=$("llvm-nm$llvm" "$ko")
if grep -qE ' [Tt] kvmla_switch_enter$' <<<"$syms" &&
   ! grep -qE ' [TtDd] (kvm_enter_guest|kvm_exc_entry|kvm_(save|restore)_(fpu|lsx|lasx))$' <<<"$syms" &&
   ! grep -qE '__ksymtab_kvmla_' <<<"$syms"; then
	kt_pass asm_symbols_ours_unexported
else
	kt_fail asm_symbols_ours_unexported "kvmla_switch_enter missing, a kvm_* world-switch name defined, or a kvmla_ symbol exported"
fi

# The world switch calls nothing (no tracing while guest state is live),
# enters the guest with ertn, and its exit vector is page aligned.
dis=$("llvm-objdump$llvm" -d "$top/kvm/switch.o" 2>/dev/null)
vec=$("llvm-nm$llvm" "$top/kvm/switch.o" | awk '$3 == "kvmla_switch_exc_entry" { print $1 }')
align=$("llvm-readelf$llvm" -S "$top/kvm/switch.o" | awk '/ \.text / { print $NF }')
if [ -n "$dis" ] && ! grep -qE '\s(bl|b)\s+[-0-9]|\sjirl\s+\$ra' <<<"$dis" &&
   grep -A200 '<kvmla_switch_enter>:' <<<"$dis" | grep -q 'ertn' &&
   [ -n "$vec" ] && [ $((16#$vec % 4096)) = 0 ] && [ "${align:-0}" -ge 4096 ]; then
	kt_pass switch_no_calls_ertn_aligned_vector
else
	kt_fail switch_no_calls_ertn_aligned_vector "switch.o calls out, lacks ertn, or its vector is not page aligned (offset ${vec:-?}, .text align ${align:-?})"
fi

# The world switch is copied to directly mapped pages (main.c): its
# code must be position independent, with no relocation at all.
if "llvm-readelf$llvm" -r "$top/kvm/switch.o" | grep -q "Relocation section '.rela.text'"; then
	kt_fail switch_position_independent "switch.o's .text has relocations: it cannot run from a copy"
else
	kt_pass switch_position_independent
fi

# hw.h really emits LVZ instructions: one gcsrrd per hardware-kept guest
# CSR and one gcsrwr per writable one in vcpu.o's save/restore accessors.
wantwr=$(grep -c '^KVMLA_GCSR_HW(' "$top/kvm/gcsr-list.h")
wantrd=$((wantwr + $(grep -c '^KVMLA_GCSR_RO(' "$top/kvm/gcsr-list.h")))
dis=$("llvm-objdump$llvm" -d "$top/kvm/vcpu.o" 2>/dev/null)
rd=$(grep -cE '\sgcsrrd\s' <<<"$dis")
wr=$(grep -cE '\sgcsrwr\s' <<<"$dis")
if [ "$rd" = "$wantrd" ] && [ "$wr" = "$wantwr" ]; then
	kt_pass hw_accessors_emit_lvz
else
	kt_fail hw_accessors_emit_lvz "vcpu.o has $rd gcsrrd and $wr gcsrwr, expected $wantrd and $wantwr"
fi

# The tracepoints are really built (the prepared tree has event tracing
# on): one __tracepoint_<event> per catalog event, and the kvm_exit print
# format names every ecode of the catalog.
events=$(printf '#include "kvmla/events.h"\n#define E(n, w) n\nKVMLA_EVENTS(E)\n' |
	 cpp -P -I"$top/include" - | tr -s ' \n' '\n' | grep .)
syms=$("llvm-nm$llvm" "$ko" 2>/dev/null | awk '$2 ~ /[DdBbRr]/ { print $3 }')
missing_tp=$(for e in $events; do grep -qx "__tracepoint_$e" <<<"$syms" || echo "$e"; done)
fmt=$("llvm-strings$llvm" "$ko" | grep -m1 '^"vcpu_id=%u reason=%s esubcode')
want_names=$(printf '#include "kvmla/exits.h"\n#define E(v, N, ...) { v, #N }\nKVMLA_ECODES(E)\n' |
	     cpp -P -I"$top/include" - | grep -o '{ [0-9]*, "[A-Z]*" }')
missing_names=$(while read -r n; do [ -z "$n" ] || grep -qF "$n" <<<"$fmt" || echo "$n"; done <<<"$want_names")
if [ -z "$events" ]; then
	kt_fail tracepoints_built "no events read from the catalog"
elif [ -n "$missing_tp" ]; then
	kt_fail tracepoints_built "kvm.ko lacks __tracepoint_ for: $(tr '\n' ' ' <<<"$missing_tp")"
elif [ -z "$fmt" ] || [ -n "$missing_names" ]; then
	kt_fail tracepoints_built "kvm_exit print fmt lacks: $(tr '\n' ' ' <<<"${missing_names:-the whole format}")"
else
	kt_pass tracepoints_built
fi

deps() { tr ' \\' '\n\n' <"$1" | grep -E '\.h$' | sed "s|^$top/||"; }
cmd=$top/kvm/.tracepoints.o.cmd
if [ -f "$cmd" ] && deps "$cmd" | grep -qx 'kvm/trace.h' &&
   ! deps "$cmd" | grep -q 'arch/loongarch/kvm/trace.h'; then
	kt_pass trace_include_path_is_ours
else
	kt_fail trace_include_path_is_ours "tracepoints.o did not read kvm/trace.h alone"
fi

cmd=$top/kvm/virt/.kvm_main.o.cmd
if [ -f "$cmd" ] && deps "$cmd" | grep -qx 'kvm/asm/kvm_host.h' &&
   ! deps "$cmd" | grep -q 'arch/loongarch/include/asm/kvm_host.h'; then
	kt_pass generic_code_sees_our_kvm_host_h
else
	kt_fail generic_code_sees_our_kvm_host_h "virt/kvm_main.o did not use kvm/asm/kvm_host.h alone"
fi

if [ -z "$(cd "$top" && git ls-files kvm/virt)" ] &&
   (cd "$top" && git check-ignore -q kvm/virt/kvm_main.c); then
	kt_pass virt_copy_not_committed
else
	kt_fail virt_copy_not_committed "kvm/virt is tracked or not ignored"
fi

if [ -z "$(find "$tree/virt/kvm" "$tree/arch/loongarch/kvm" -newer "$stamp" \
	   -type f 2>/dev/null | head -n 1)" ]; then
	kt_pass tree_untouched
else
	kt_fail tree_untouched "the build wrote into $tree"
fi

# LLVM follows the tree's compiler: a gcc tree (Debian's loong64 headers)
# builds with the native gcc, a clang tree with LLVM=-19.
fake=$B/fake-kdir
mkdir -p "$fake/include/config"
echo 'CONFIG_CC_IS_GCC=y' >"$fake/include/config/auto.conf"
gcc_cmd=$(make -n -s -C "$top/kvm" KDIR="$fake" KVM_SRC="$tree" modules 2>/dev/null | grep -m1 -- "-C $fake")
echo 'CONFIG_CC_IS_CLANG=y' >"$fake/include/config/auto.conf"
clang_cmd=$(make -n -s -C "$top/kvm" KDIR="$fake" KVM_SRC="$tree" modules 2>/dev/null | grep -m1 -- "-C $fake")
if [ -n "$gcc_cmd" ] && ! grep -q 'LLVM=' <<<"$gcc_cmd" &&
   grep -q 'LLVM=-19' <<<"$clang_cmd"; then
	kt_pass llvm_follows_tree_compiler
else
	kt_fail llvm_follows_tree_compiler "gcc tree: '${gcc_cmd:-none}'; clang tree: '${clang_cmd:-none}'"
fi

# ---- 4. sparse on the same objects ----
if command -v sparse >/dev/null; then
	nice make -C "$top/kvm" KDIR="$tree" LLVM="$llvm" C=2 -j"$(nproc)" \
		modules >"$B/sparse.log" 2>&1
	# Upstream's generic virt/ code and clang's predefined-macro noise
	# (arch/loongarch/Makefile's CHECKFLAGS) are not ours.
	bad=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$B/sparse.log" |
	      grep -v '/kvm/virt/' | grep -v 'preprocessor token .* redefined' || true)
	if ! grep -qE 'CHECK +.*/kvm/vcpu\.c$' "$B/sparse.log"; then
		kt_fail sparse_clean "sparse did not check kvm/vcpu.c (see $B/sparse.log)"
	elif [ -z "$bad" ]; then
		kt_pass sparse_clean
	else
		kt_fail sparse_clean "$(grep -c . <<<"$bad") findings, first: $(head -n 1 <<<"$bad")"
	fi
else
	kt_fail sparse_clean "sparse is not installed (scripts/deps.sh test)"
fi

# ---- 5. checkpatch --strict, one case per file ----
for f in $ours; do
	case $f in *.sh) continue ;; esac
	out=$("$tree/scripts/checkpatch.pl" --strict --no-tree -q -f "$top/$f" 2>&1 |
	      grep -E '^(ERROR|WARNING|CHECK)' | head -n 1)
	if [ -z "$out" ]; then
		kt_pass "checkpatch/$f"
	else
		kt_fail "checkpatch/$f" "$out"
	fi
done

# ---- 6. originality ----
hook=$top/../shared/hooks/check-originality
if [ -x "$hook" ]; then
	out=$("$hook" "$top" 2>&1)
	if grep -q 'no shared lines with upstream' <<<"$out"; then
		kt_pass originality
	else
		kt_fail originality "$(tr '\n' ' ' <<<"$out" | head -c 400)"
	fi
else
	kt_skip originality "no ../shared/hooks/check-originality next to the repository"
fi
exit $KT_FAILED
