#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The build command of dkms.conf (MAKE[0]); dkms runs it in its copy of the
# DKMS source tree.  Usage: scripts/dkms-make.sh KDIR KERNELRELEASE [ignored]
#
# Builds kvm/kvm.ko with "make -C kvm KDIR=KDIR ARCH=loongarch [LLVM=-N]".
# For a tree built with clang, dkms appends "CC=clang LD=ld.lld" to the
# command; the unversioned clang may not be the tree's (Debian 12's is 14,
# which has no LoongArch backend), so those words are ignored here and
# LLVM=-N names the tree's own version, N from CONFIG_CLANG_VERSION
# (LLVM=1 when clang-N is not installed).  KVMLA_LLVM overrides that choice.
# A gcc-built tree (Debian's own kernels) builds with gcc.
# Exit: make's status; 2 for bad usage; 1 when KDIR is not the tree of
# KERNELRELEASE.
set -eu
[ $# -ge 2 ] || { echo "dkms-make: usage: dkms-make.sh KDIR KERNELRELEASE" >&2; exit 2; }
kdir=$1 kver=$2
rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) ||
	{ echo "dkms-make: $kdir is not a prepared kernel tree (no include/config/kernel.release)" >&2; exit 1; }
[ "$rel" = "$kver" ] ||
	{ echo "dkms-make: $kdir is the tree of $rel, not of $kver" >&2; exit 1; }
conf=$kdir/include/config/auto.conf
llvm=
if grep -q '^CONFIG_CC_IS_CLANG=y' "$conf"; then
	major=$(( $(sed -n 's/^CONFIG_CLANG_VERSION=//p' "$conf") / 10000 ))
	if command -v "clang-$major" >/dev/null; then llvm=-$major; else llvm=1; fi
fi
llvm=${KVMLA_LLVM:-$llvm}
jobs=${KVMLA_JOBS:-$(nproc)}
set -- make -j"$jobs" -C kvm KDIR="$kdir" ARCH=loongarch ${llvm:+LLVM=$llvm}
echo "dkms-make: $*"
exec "$@"
