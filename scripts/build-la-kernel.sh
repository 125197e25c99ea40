#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) and cache the LoongArch test host kernel for make e2e:
# Debian's linux-source-6.12, tinyconfig + tests/e2e/host.config, built with
# clang (ARCH=loongarch LLVM=-19): vmlinux, upstream's kvm.ko (the control),
# usr/gen_init_cpio (host) and the uapi headers (headers_install).
#
#   ${KVMLA_KCACHE:-/var/cache/kvmla}/la-host-<key>/linux-source-6.12
#   ${KVMLA_KCACHE:-/var/cache/kvmla}/la-host-<key>/headers/include   (uapi)
#
# key = hash of (linux-source-6.12 version, clang version, host.config, the
# recipe section of this script).  Prints the tree's path on its last line;
# a second run finds the stamp file and returns at once.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
self="$top/scripts/build-la-kernel.sh"
fragment="$top/tests/e2e/host.config"
cache_root=${KVMLA_KCACHE:-/var/cache/kvmla}
llvm=${KVMLA_LLVM:--19}
jobs=${KVMLA_JOBS:-2}

die() { echo "build-la-kernel: $*" >&2; exit 1; }

[ -f "$fragment" ] || die "missing config fragment $fragment"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (run scripts/deps.sh)"
tarball=$(dpkg -L linux-source-6.12 | grep -m1 'linux-source-6.12.tar.xz$') ||
	die "cannot find the linux-source-6.12 tarball"
command -v "clang$llvm" >/dev/null || die "clang$llvm is missing (run scripts/deps.sh)"
clangver=$("clang$llvm" -dumpversion)

# Only the lines between the recipe markers go into the key, so comments
# elsewhere in this script do not throw the 6-minute build away.
recipe=$(sed -n '/^# --- recipe begin/,/^# --- recipe end/p' "$self")
key=$( { echo "$pkgver"; echo "$clangver"; cat "$fragment"; echo "$recipe"; } |
	sha256sum | cut -c1-16)
dir="$cache_root/la-host-$key"
tree="$dir/linux-source-6.12"
stamp="$dir/.built"
if [ -f "$stamp" ] && [ -f "$tree/vmlinux" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir (set KVMLA_KCACHE to a writable directory)"
# Serialise concurrent builders (parallel make, two checkouts).
exec 9>"$dir/.lock"
flock 9
if [ -f "$stamp" ] && [ -f "$tree/vmlinux" ]; then
	echo "$tree"
	exit 0
fi

for t in flex bison bc; do
	command -v $t >/dev/null || die "$t is missing (run scripts/deps.sh)"
done
# headers_install copies with rsync.
if ! command -v rsync >/dev/null; then
	[ "$(id -u)" = 0 ] || die "rsync is missing (apt-get install rsync)"
	echo "build-la-kernel: installing rsync" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >&2 ||
		die "cannot install rsync"
fi

start=$(date +%s)
mk() { nice -n 10 make -C "$tree" ARCH=loongarch LLVM="$llvm" "$@"; }

# --- recipe begin (everything up to the end marker is part of the cache key)
rm -rf "$tree" "$dir/headers"
echo "build-la-kernel: extracting $tarball into $dir" >&2
tar -xJf "$tarball" -C "$dir"
echo "build-la-kernel: tinyconfig + $(basename "$fragment")" >&2
mk -s tinyconfig >&2
(cd "$tree" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m -O . \
	.config "$fragment") >/dev/null
# A per-build version string: a kvm.ko built against another tree is refused
# at load ("version magic") instead of running with other struct layouts.
"$tree/scripts/config" --file "$tree/.config" --set-str LOCALVERSION "-kvmla-$key"
mk -s olddefconfig >&2
# Every line of the fragment must have stuck.
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qx -- "$line" "$tree/.config" ||
			die "config line '$line' did not stick (see $tree/.config)" ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" "$tree/.config" ||
			die "'$line' did not stick (see $tree/.config)" ;;
	esac
done <"$fragment"
echo "build-la-kernel: make -j$jobs vmlinux modules (about 6 min)" >&2
mk -s -j"$jobs" vmlinux modules >&2
mk -s usr/gen_init_cpio >&2
mk -s headers_install INSTALL_HDR_PATH="$dir/headers" >&2
[ -f "$tree/arch/loongarch/kvm/kvm.ko" ] || die "upstream kvm.ko was not built"
[ -x "$tree/usr/gen_init_cpio" ] || die "usr/gen_init_cpio was not built"
# --- recipe end

touch "$stamp"
echo "build-la-kernel: built in $(( $(date +%s) - start )) s" >&2
echo "$tree"
