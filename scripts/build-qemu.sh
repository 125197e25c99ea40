#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) and cache qemu-system-loongarch64 with kvmla's LVZ patch
# series (qemu/patches/series) on Debian's QEMU 10.0.2 source.
#
# Source: the orig tarball of bookworm-backports' qemu 1:10.0.2+ds-2+deb13u1~bpo12+1,
# fetched with "apt-get source --download-only" through a private apt
# configuration (no change to /etc/apt).  On the Debian mirror the .dsc and
# .debian.tar.xz of that version answer 404 while the orig tarball downloads,
# so only the orig tarball is used; its SHA256 is checked against the one the
# signed Sources index gives.  Two build tweaks are applied before the series:
# pycotap dropped from pythondeps.toml (test harness only, not in bookworm) and
# no edk2 blobs (the +ds tarball has none).
#
# The cache lives outside the repository, keyed by the source version, the
# series (names and contents) and this recipe:
#   ${KVMLA_KCACHE:-/var/cache/kvmla}/qemu-<key>/build/qemu-system-loongarch64
# The binary's path is the last line printed; a second run finds the stamp and
# returns at once.  Concurrent runs serialise on a flock.
#
# Usage: scripts/build-qemu.sh [--key]
#   --key   print the cache directory the current series maps to and exit
#           (nothing is fetched or built)
# Environment: KVMLA_KCACHE (cache root), KVMLA_JOBS (ninja -j, default 2),
#   KVMLA_QEMU_PATCHES (the patch directory, default qemu/patches).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${KVMLA_KCACHE:-/var/cache/kvmla}
jobs=${KVMLA_JOBS:-2}
srcpkg=qemu
srcver=1:10.0.2+ds-2+deb13u1~bpo12+1
orig=qemu_10.0.2+ds.orig.tar.xz
patchdir=${KVMLA_QEMU_PATCHES:-$top/qemu/patches}
keyonly=0
configure_args=(--python=/usr/bin/python3 --target-list=loongarch64-softmmu
	--enable-plugins --disable-download --disable-docs --disable-werror
	--disable-user --disable-install-blobs --enable-debug-info)
# Bump when the steps below change in a way the key would not see.
recipe=lvz-recipe-1

die() { echo "build-qemu: $*" >&2; exit 1; }
log() { echo "build-qemu: $*" >&2; }

case ${1-} in
'') ;;
--key) keyonly=1 ;;
*) echo "build-qemu: unknown argument '$1' (usage: scripts/build-qemu.sh [--key])" >&2; exit 2 ;;
esac
case $jobs in ''|*[!0-9]*|0) die "KVMLA_JOBS must be a positive number, not '$jobs'" ;; esac

[ -f "$patchdir/series" ] || die "no series file in $patchdir"
series=$(grep -v '^[[:space:]]*\(#\|$\)' "$patchdir/series" || true)
for p in $series; do
	[ -f "$patchdir/$p" ] || die "series names $p, which is not in $patchdir"
done

key=$({
	echo "$srcpkg $srcver $orig $recipe"
	printf '%s\n' "${configure_args[@]}"
	for p in $series; do echo "== $p"; cat "$patchdir/$p"; done
} | sha256sum | cut -c1-16)
dir=$cache_root/qemu-$key
bin=$dir/build/qemu-system-loongarch64
stamp=$dir/.built
if [ "$keyonly" = 1 ]; then
	echo "$dir"
	exit 0
fi

if [ -f "$stamp" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir (set KVMLA_KCACHE to a writable directory)"
exec 9>"$dir/.lock"
flock 9
if [ -f "$stamp" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
start=$(date +%s)

# ---- a private apt configuration: bookworm-backports binaries and sources ----
aptdir=$cache_root/apt-build-qemu
mkdir -p "$aptdir/lists/partial"
cat >"$aptdir/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
EOF
aptopts=(-o Dir::Etc::sourcelist="$aptdir/sources.list" -o Dir::Etc::sourceparts=-
	-o Dir::State::Lists="$aptdir/lists")
apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	log "apt-get update (private lists in $aptdir)"
	apt-get "${aptopts[@]}" -q update >&2 || die "apt-get update of the private lists failed"
	apt_updated=1
}

# ---- build dependencies ----
meson_ok() {
	local v
	v=$(meson --version 2>/dev/null) || return 1
	# QEMU 10.0 needs meson >= 1.5
	[ "$(printf '%s\n1.5.0\n' "$v" | sort -V | head -n 1)" = 1.5.0 ]
}
if ! meson_ok; then
	apt_update
	log "installing meson from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive apt-get "${aptopts[@]}" -q -y install meson/bookworm-backports >&2 ||
		die "installing meson/bookworm-backports failed"
	meson_ok || die "meson is still older than 1.5 ($(meson --version))"
fi
missing=
for p in libglib2.0-dev libpixman-1-dev libfdt-dev ninja-build flex bison pkg-config python3-venv xz-utils; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get -q -y install $missing >&2 || die "apt-get install$missing failed"
fi

# ---- the orig tarball (shared by all keys) ----
srcdir=$cache_root/src
mkdir -p "$srcdir"
tarball=$srcdir/$orig
want=
if [ ! -f "$tarball.sha256-ok" ]; then
	apt_update
	# (from a directory without the tarball: apt lists only what it would fetch)
	want=$(cd "$aptdir" && apt-get "${aptopts[@]}" source --print-uris --download-only "$srcpkg=$srcver" 2>/dev/null |
		awk -v f="$orig" '$2 == f { sub(/^SHA256:/, "", $4); print $4 }')
	[ -n "$want" ] || die "the Sources index names no $orig for $srcpkg $srcver"
	if [ ! -f "$tarball" ] || [ "$(sha256sum <"$tarball" | cut -d' ' -f1)" != "$want" ]; then
		log "apt-get source --download-only $srcpkg=$srcver (only the orig tarball is needed)"
		# The .dsc and .debian.tar.xz answer 404 on the mirror: apt then
		# fails after fetching the orig tarball, which is all we use.
		(cd "$srcdir" && apt-get "${aptopts[@]}" -q source --download-only "$srcpkg=$srcver" >&2) || true
	fi
	[ -f "$tarball" ] || die "apt-get source did not fetch $orig"
	[ "$(sha256sum <"$tarball" | cut -d' ' -f1)" = "$want" ] || die "$orig does not match its SHA256 in the Sources index"
	echo "$want" >"$tarball.sha256-ok"
fi

# ---- unpack, tweak, patch ----
rm -rf "$dir/src" "$dir/build"
mkdir -p "$dir/src"
log "unpacking $orig"
tar -xJf "$tarball" -C "$dir/src" --strip-components=1
cd "$dir/src"
grep -q '^pycotap = ' pythondeps.toml || die "pythondeps.toml has no pycotap line (tweak 1 no longer applies)"
sed -i '/^pycotap = /d' pythondeps.toml
grep -q '    unpack_edk2_blobs = bzip2.found()' meson.build || die "meson.build tweak 2 no longer applies"
sed -i 's/    unpack_edk2_blobs = bzip2.found()/    unpack_edk2_blobs = false/' meson.build
for p in $series; do
	log "applying $p"
	patch -p1 -s --no-backup-if-mismatch <"$patchdir/$p" || die "$p does not apply"
done

# ---- configure and build ----
mkdir -p "$dir/build"
cd "$dir/build"
log "configure ${configure_args[*]}"
../src/configure "${configure_args[@]}" >"$dir/configure.log" 2>&1 ||
	die "configure failed (see $dir/configure.log)"
log "ninja -j$jobs qemu-system-loongarch64 (log: $dir/build.log)"
nice ninja -j"$jobs" qemu-system-loongarch64 >"$dir/build.log" 2>&1 ||
	die "build failed: $(grep -m3 -E 'error|FAILED' "$dir/build.log" | tr '\n' ' ')"
[ -x "$bin" ] || die "the build left no $bin"
if grep -q 'warning:' "$dir/build.log"; then
	log "note: compiler warnings in $dir/build.log"
fi
touch "$stamp"
log "built in $(( $(date +%s) - start )) s"
echo "$bin"
