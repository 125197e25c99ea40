#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Seeds of fuzz_reader (docs/testing.md, "Fuzzing") into DIR:
#   fuzz-seeds.sh BUILD_DIR DIR
# Small files parse fast (a whole trace.dat is parsed per input, and each
# LoongArch format with its symbol tables costs): gen-la --only files with a
# few formats, one with all of them, the late-identity scenario, an x86 one, and the
# committed corpus (v6 cut short, v7 plain and zstd, inputs the fuzzer found).
set -eu
B=$1 D=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$D"
"$B/gen-la" --only kvm_exit,kvm_enter,kvm_out "$D/la-min.dat" 2 1 2 5000
"$B/gen-la" --only kvm_exit,kvm_enter,kvm_reenter,kvm_out,kvm_exit_gspr,kvm_exit_iocsr,kvm_exit_mmio,kvm_irq \
	"$D/la-some.dat" 1 1 1 1000
"$B/gen-la" --only kvm_exit,kvm_enter,kvm_out,kvm_exit_iocsr "$D/la-late.dat" 1 1 2 1000 late
"$B/gen-la" "$D/la-all.dat" 1 1 1 1000
"$B/gen-x86" "$here/fixtures/x86" "$D/x86.dat" 2 >/dev/null
cp "$here"/fuzz-corpus/* "$D/"
