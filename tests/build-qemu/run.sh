#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Suite build-qemu: scripts/build-qemu.sh, the cached LVZ QEMU build.
# The cheap cases check its input handling and cache key without building;
# the binary cases run only when the current series is already built (a cold
# build takes 13+ minutes: run scripts/build-qemu.sh once) and SKIP otherwise.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/ktest.sh
kt_suite build-qemu
script=scripts/build-qemu.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: stdout, stderr, status into $tmp/NAME.{out,err,rc}
run() {
	local n=$1; shift
	"$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
	echo $? >"$tmp/$n.rc"
}
lines() { grep -c '' "$1"; }

# A copy of the series, to change one thing at a time.
copy_patches() {
	rm -rf "$tmp/p"
	cp -r qemu/patches "$tmp/p"
}

bad_argument() {
	run badarg "$script" --bogus
	if [ "$(cat "$tmp/badarg.rc")" = 2 ] && [ "$(lines "$tmp/badarg.err")" = 1 ] &&
	   grep -q "^build-qemu: unknown argument '--bogus'" "$tmp/badarg.err" &&
	   [ ! -s "$tmp/badarg.out" ]; then
		kt_pass bad-argument
	else
		kt_fail bad-argument "want status 2 and one error line, got $(cat "$tmp/badarg.rc"): $(head -c 200 "$tmp/badarg.err")"
	fi
}

no_series() {
	mkdir -p "$tmp/empty"
	run noseries env KVMLA_QEMU_PATCHES="$tmp/empty" "$script" --key
	if [ "$(cat "$tmp/noseries.rc")" = 1 ] && [ "$(lines "$tmp/noseries.err")" = 1 ] &&
	   grep -q "^build-qemu: no series file in $tmp/empty\$" "$tmp/noseries.err"; then
		kt_pass no-series-file
	else
		kt_fail no-series-file "got status $(cat "$tmp/noseries.rc"): $(head -c 200 "$tmp/noseries.err")"
	fi
}

missing_patch() {
	copy_patches
	echo 9999-not-there.patch >>"$tmp/p/series"
	run missing env KVMLA_QEMU_PATCHES="$tmp/p" "$script" --key
	if [ "$(cat "$tmp/missing.rc")" = 1 ] && [ "$(lines "$tmp/missing.err")" = 1 ] &&
	   grep -q "^build-qemu: series names 9999-not-there.patch, which is not in $tmp/p\$" "$tmp/missing.err"; then
		kt_pass series-names-missing-patch
	else
		kt_fail series-names-missing-patch "got status $(cat "$tmp/missing.rc"): $(head -c 200 "$tmp/missing.err")"
	fi
}

key_of() { KVMLA_QEMU_PATCHES=$1 KVMLA_KCACHE=$tmp/cache "$script" --key; }

key_cases() {
	local k0 k
	k0=$(key_of "$top/qemu/patches")
	case $k0 in
	"$tmp/cache/qemu-"????????????????) kt_pass key-under-cache-root ;;
	*) kt_fail key-under-cache-root "want $tmp/cache/qemu-<16 hex>, got '$k0'" ;;
	esac

	copy_patches
	{ echo "# a comment"; echo; cat "$top/qemu/patches/series"; } >"$tmp/p/series"
	k=$(key_of "$tmp/p")
	kt_check key-ignores-series-comments "comment/blank lines changed the key ($k0 -> $k)" [ "$k" = "$k0" ]

	copy_patches
	first=$(head -n1 "$tmp/p/series")
	echo " " >>"$tmp/p/$first"
	k=$(key_of "$tmp/p")
	kt_check key-follows-patch-content "a changed patch kept the key $k0" [ "$k" != "$k0" ]

	copy_patches
	if [ "$(grep -c '' "$tmp/p/series")" -ge 2 ]; then
		{ sed -n 2p "$top/qemu/patches/series"; sed -n 1p "$top/qemu/patches/series"
		  sed -n '3,$p' "$top/qemu/patches/series"; } >"$tmp/p/series"
		k=$(key_of "$tmp/p")
		kt_check key-follows-series-order "a reordered series kept the key $k0" [ "$k" != "$k0" ]
	else
		kt_skip key-follows-series-order "the series has one patch"
	fi

	# nothing was created by --key
	kt_check key-builds-nothing "--key created $tmp/cache" [ ! -e "$tmp/cache" ]
}

binary_cases() {
	local dir bin stamp0 stamp1
	dir=$("$script" --key)
	# The cold build is part of the suite (cached: later runs are warm).
	if [ ! -f "$dir/.built" ]; then
		run cold "$script"
		if [ "$(cat "$tmp/cold.rc")" != 0 ]; then
			kt_fail cold-build "status $(cat "$tmp/cold.rc"): $(tail -n1 "$tmp/cold.err" 2>/dev/null)"
			return
		fi
	fi
	stamp0=$(stat -c %Y.%s "$dir/.built" 2>/dev/null)
	run warm "$script"
	stamp1=$(stat -c %Y.%s "$dir/.built" 2>/dev/null)
	bin=$(tail -n1 "$tmp/warm.out")
	# Warm means nothing was rebuilt: the stamp is the same file, untouched.
	if [ "$(cat "$tmp/warm.rc")" = 0 ] && [ "$bin" = "$dir/build/qemu-system-loongarch64" ] &&
	   [ -x "$bin" ] && [ -n "$stamp0" ] && [ "$stamp0" = "$stamp1" ]; then
		kt_pass warm-run-returns-path
	else
		kt_fail warm-run-returns-path "status $(cat "$tmp/warm.rc"), stamp $stamp0 -> $stamp1, last line '$bin'"
		return
	fi
	# la464 (and max) default to lvz=on, lvz=off turns it off: the CPU's
	# "lvz" property as the monitor reads it
	for c in la464:true la464,lvz=off:false max:true; do
		local cpu=${c%:*} want=${c##*:} got name
		got=$(echo "qom-get /machine/unattached/device[0] lvz" |
			timeout 20 "$bin" -M virt -cpu "$cpu" -display none -nic none -S \
			-serial none -no-reboot -monitor stdio 2>&1 | tr -d '\r' |
			grep -a -m1 -E '^(true|false)$')
		name=lvz-property-$(echo "$cpu" | tr ',=' '--')
		kt_check "$name" "-cpu $cpu: lvz reads '$got', want $want" [ "$got" = "$want" ]
	done
}

bad_argument
no_series
missing_patch
key_cases
binary_cases
exit $KT_FAILED
