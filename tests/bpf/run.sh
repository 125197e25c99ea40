#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpf/: the programs build for x86 (skeleton) and compile with CO-RE for
# __TARGET_ARCH_loongarch; the x86 object loads and its probes run here.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite bpf
tmp=$(mktemp -d /tmp/kvmla-bpf-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
LLVM_OBJDUMP=$(command -v llvm-objdump-19 || command -v llvm-objdump)

# LoongArch CO-RE build (compile only; no LoongArch kernel here)
if make -s -C "$top/bpf" la >"$tmp/la.log" 2>&1; then
	o=$top/bpf/build/loongarch/kvmstat-la.bpf.o
	if [ -s "$o" ] && file "$o" | grep -q "eBPF"; then kt_pass loongarch-compile
	else kt_fail loongarch-compile "no eBPF object at $o"; fi
	# the generic program and the per-CPU maps are there, with BTF for CO-RE
	secs=$("$LLVM_OBJDUMP" -h "$o" 2>/dev/null)
	miss=""
	for s in tracepoint .maps .BTF .BTF.ext license; do
		grep -q " $s" <<<"$secs" || miss="$miss $s"
	done
	[ -z "$miss" ] && kt_pass loongarch-sections || kt_fail loongarch-sections "missing:$miss"
	bpftool btf dump file "$o" >"$tmp/btf" 2>&1
	miss=""
	for t in ks_count_key ks_lat_key ks_lat_val ks_evcfg; do
		grep -q "STRUCT '$t'" "$tmp/btf" || miss="$miss $t"
	done
	[ -z "$miss" ] && kt_pass loongarch-btf-types || kt_fail loongarch-btf-types "missing:$miss"
else
	kt_fail loongarch-compile "$(tail -3 "$tmp/la.log" | tr '\n' ' ')"
fi

# x86: vmlinux.h from the running kernel, skeleton, load + attach + count
if ! [ -r /sys/kernel/btf/vmlinux ]; then
	kt_skip x86-load "no /sys/kernel/btf/vmlinux"
elif ! make -s -C "$top/tools/kvmstat-la" >"$tmp/x86.log" 2>&1; then
	kt_fail x86-build "$(tail -3 "$tmp/x86.log" | tr '\n' ' ')"
else
	kt_pass x86-build
	if kt_need_root x86-load && kt_need_tracefs x86-load; then
		# loading and attaching every kvm:* event; prints one JSON snapshot
		if "$top/tools/kvmstat-la/kvmstat-la" --once --json -s 0.1 -f 'kvm_(pio|mmio|fpu|userspace_exit|entry|exit)$' \
			>"$tmp/o.json" 2>"$tmp/e" && grep -q '"provider": "bpf"' "$tmp/o.json"; then
			kt_pass x86-load
		else
			kt_fail x86-load "$(head -c 300 "$tmp/e") $(head -c 300 "$tmp/o.json")"
		fi
	fi
fi
[ $KT_FAILED = 0 ]
