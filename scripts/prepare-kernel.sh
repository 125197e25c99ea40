#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare (once) and cache a LoongArch Linux 6.12 tree from Debian's
# linux-source-6.12 package, for building kvm/ and the catalog checks.
#
# The cache lives outside the repository, keyed by the package version and the
# clang version:  ${KVMLA_KCACHE:-/var/cache/kvmla}/linux-<pkgver>-clang<ver>/
# Prints the prepared tree's path on stdout (the last line).  A second run
# finds the stamp file and returns at once.
set -euo pipefail

cache_root=${KVMLA_KCACHE:-/var/cache/kvmla}
llvm=${KVMLA_LLVM:--19}

die() { echo "prepare-kernel: $*" >&2; exit 1; }

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (run scripts/deps.sh)"
tarball=$(dpkg -L linux-source-6.12 | grep -m1 'linux-source-6.12.tar.xz$') ||
	die "cannot find the linux-source-6.12 tarball"
command -v "clang$llvm" >/dev/null || die "clang$llvm is missing (run scripts/deps.sh)"
clangver=$("clang$llvm" -dumpversion)

# The config tag changes when the config recipe below changes.
cfgtag=kvm-trace1
key="linux-${pkgver}-clang${clangver}-${cfgtag}"
dir="$cache_root/$key"
tree="$dir/linux-source-6.12"
stamp="$dir/.prepared"

if [ -f "$stamp" ] && [ -f "$tree/include/generated/autoconf.h" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir (set KVMLA_KCACHE to a writable directory)"
# Serialise concurrent preparers (parallel make, two checkouts).
exec 9>"$dir/.lock"
flock 9
if [ -f "$stamp" ]; then
	echo "$tree"
	exit 0
fi

rm -rf "$tree"
start=$(date +%s)
echo "prepare-kernel: extracting $tarball into $dir" >&2
tar -xJf "$tarball" -C "$dir"
mk() { make -C "$tree" ARCH=loongarch LLVM="$llvm" "$@"; }
echo "prepare-kernel: loongson3_defconfig" >&2
mk -s loongson3_defconfig >&2
# KVM as a module, and event tracing on, as distribution kernels have it,
# so that kvm/'s tracepoints are really compiled and checked.
"$tree/scripts/config" --file "$tree/.config" -e VIRTUALIZATION -m KVM \
	-e FTRACE -e ENABLE_DEFAULT_TRACERS
mk -s olddefconfig >&2
grep -q '^CONFIG_KVM=m' "$tree/.config" || die "CONFIG_KVM=m did not stick"
grep -q '^CONFIG_EVENT_TRACING=y' "$tree/.config" || die "CONFIG_EVENT_TRACING=y did not stick"
echo "prepare-kernel: modules_prepare" >&2
mk -s -j"$(nproc)" modules_prepare >&2
touch "$stamp"
echo "prepare-kernel: prepared in $(( $(date +%s) - start )) s" >&2
echo "$tree"
