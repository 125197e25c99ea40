#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install (once) the LoongArch uapi headers of Debian's linux-source-6.12
# (make ARCH=loongarch headers) into a cache outside the repository, for
# tests/e2e/vmm (la-vmm has no libc, so nothing else provides them).
#
# Cache: ${KVMLA_KCACHE:-/var/cache/kvmla}/la-uapi-<pkgver>/include, with a
# stamp file and a flock.  Prints the include directory (the last line).
set -euo pipefail

cache_root=${KVMLA_KCACHE:-/var/cache/kvmla}
die() { echo "la-uapi-headers: $*" >&2; exit 1; }

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (run scripts/deps.sh)"
tarball=$(dpkg -L linux-source-6.12 | grep -m1 'linux-source-6.12.tar.xz$') ||
	die "cannot find the linux-source-6.12 tarball"

dir="$cache_root/la-uapi-$pkgver"
stamp="$dir/.installed"
if [ -f "$stamp" ]; then
	echo "$dir/include"
	exit 0
fi
mkdir -p "$dir" || die "cannot create $dir (set KVMLA_KCACHE to a writable directory)"
exec 9>"$dir/.lock"
flock 9
if [ -f "$stamp" ]; then
	echo "$dir/include"
	exit 0
fi
work="$dir/src"
rm -rf "$work" "$dir/include"
mkdir -p "$work"
echo "la-uapi-headers: extracting the uapi parts of $tarball" >&2
tar -xJf "$tarball" -C "$work" --wildcards \
	'linux-source-6.12/Makefile' 'linux-source-6.12/scripts/*' \
	'linux-source-6.12/include/uapi/*' 'linux-source-6.12/arch/loongarch/*' \
	'linux-source-6.12/usr/*' 'linux-source-6.12/tools/include/*' >&2
make -s -C "$work/linux-source-6.12" ARCH=loongarch headers >&2 ||
	die "make ARCH=loongarch headers failed"
cp -a "$work/linux-source-6.12/usr/include" "$dir/include"
test -f "$dir/include/linux/kvm.h" -a -f "$dir/include/asm/kvm.h" ||
	die "the installed headers lack linux/kvm.h or asm/kvm.h"
rm -rf "$work"
touch "$stamp"
echo "$dir/include"
