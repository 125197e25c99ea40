#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) and cache the LoongArch e2e *guest* kernel that `la-vmm boot`
# runs under kvm.ko: Debian's linux-source-6.12, tinyconfig +
# tests/e2e/guest.config, built with clang (ARCH=loongarch LLVM=-19), with a
# built-in initramfs holding /init (tests/e2e/guest/init.c, static, no libc).
#
#   ${KVMLA_KCACHE:-/var/cache/kvmla}/la-guest-<key>/linux-source-6.12/vmlinux
#   ${KVMLA_KCACHE:-/var/cache/kvmla}/la-guest-<key>/vmlinux   (stripped copy)
#
# key = hash of (linux-source-6.12 version, clang version, guest.config,
# init.c, the recipe section of this script).  Prints the stripped image's
# path on its last line; a second run finds the stamp file and returns at once.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
self="$top/scripts/build-la-guest.sh"
fragment="$top/tests/e2e/guest.config"
initsrc="$top/tests/e2e/guest/init.c"
cache_root=${KVMLA_KCACHE:-/var/cache/kvmla}
llvm=${KVMLA_LLVM:--19}
jobs=${KVMLA_JOBS:-2}

die() { echo "build-la-guest: $*" >&2; exit 1; }

[ -f "$fragment" ] || die "missing config fragment $fragment"
[ -f "$initsrc" ] || die "missing guest init $initsrc"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (run scripts/deps.sh)"
tarball=$(dpkg -L linux-source-6.12 | grep -m1 'linux-source-6.12.tar.xz$') ||
	die "cannot find the linux-source-6.12 tarball"
command -v "clang$llvm" >/dev/null || die "clang$llvm is missing (run scripts/deps.sh)"
clangver=$("clang$llvm" -dumpversion)

# Only the recipe lines go into the key: comments elsewhere do not rebuild.
recipe=$(sed -n '/^# --- recipe begin/,/^# --- recipe end/p' "$self")
key=$( { echo "$pkgver"; echo "$clangver"; cat "$fragment"; cat "$initsrc"; echo "$recipe"; } |
	sha256sum | cut -c1-16)
dir="$cache_root/la-guest-$key"
tree="$dir/linux-source-6.12"
image="$dir/vmlinux"
stamp="$dir/.built"

if [ -f "$stamp" ] && [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir (set KVMLA_KCACHE to a writable directory)"
exec 9>"$dir/.lock"
flock 9
if [ -f "$stamp" ] && [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

for t in flex bison bc; do
	command -v $t >/dev/null || die "$t is missing (run scripts/deps.sh)"
done
uapi=$("$top/scripts/la-uapi-headers.sh" | tail -n1) || die "no LoongArch uapi headers"

start=$(date +%s)
mk() { nice -n 10 make -C "$tree" ARCH=loongarch LLVM="$llvm" "$@"; }

# --- recipe begin (everything up to the end marker is part of the cache key)
rm -rf "$tree" "$dir/initramfs" "$image"
mkdir -p "$dir/initramfs"
resdir=$("clang$llvm" -print-resource-dir)
"clang$llvm" --target=loongarch64-linux-gnu -ffreestanding -nostdlib -static \
	-fuse-ld=lld -mno-lsx -O2 -fno-builtin -fno-stack-protector -nostdinc \
	-isystem "$resdir/include" -I"$uapi" -Wall -Wextra -fno-pic -fno-pie \
	-o "$dir/initramfs/init" "$initsrc" 2>&1 | { grep -v 'triple-implied ABI' >&2 || true; }
[ -x "$dir/initramfs/init" ] || die "cannot build the guest /init"
cat >"$dir/initramfs/spec" <<SPEC
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/kmsg 0600 0 0 c 1 11
dir /sys 0755 0 0
file /init $dir/initramfs/init 0755 0 0
SPEC
echo "build-la-guest: extracting $tarball into $dir" >&2
tar -xJf "$tarball" -C "$dir"
echo "build-la-guest: tinyconfig + $(basename "$fragment")" >&2
mk -s tinyconfig >&2
(cd "$tree" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m -O . \
	.config "$fragment") >/dev/null
"$tree/scripts/config" --file "$tree/.config" --set-str LOCALVERSION "-kvmla-guest" \
	--set-str INITRAMFS_SOURCE "$dir/initramfs/spec"
mk -s olddefconfig >&2
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
echo "build-la-guest: make -j$jobs vmlinux (about 6 min)" >&2
mk -s -j"$jobs" vmlinux >&2
"llvm-objcopy$llvm" --strip-all "$tree/vmlinux" "$image"
# --- recipe end

touch "$stamp"
echo "build-la-guest: built in $(( $(date +%s) - start )) s" >&2
echo "$image"
