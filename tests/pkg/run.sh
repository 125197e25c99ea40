#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/pkg: DKMS and the Debian packages (docs/install.md).  Cases:
#   deps                 dkms, debhelper, dh-dkms, lintian, ... are installed
#   version-one-place    dkms.conf, debian/changelog and both man pages carry VERSION
#   dkms-add|build|install  dkms against the cached LoongArch host tree
#                        (scripts/build-la-kernel.sh), in temp dkms/source/
#                        install trees (the system's are not touched)
#   dkms-vermagic        the module's vermagic is the tree's (from its vmlinux)
#   dkms-elf-loongarch   readelf: ELF machine LoongArch
#   dkms-module-version  modinfo version is VERSION
#   dkms-precedence      depmod with kvm/depmod.conf picks updates/dkms/kvm.ko
#                        over the stock kernel/.../kvm.ko, even with a search
#                        order that prefers the kernel's (and without the
#                        override file, that order picks the stock one)
#   dkms-remove          nothing left in the dkms tree or updates/dkms
#   deb-build            dpkg-buildpackage -us -uc -b on a copy of the checkout
#   deb-contents         each package holds exactly the expected files
#   lintian              lintian --pedantic -I: no tag outside the overrides
#   deb-install          dpkg -i kvmla-tools
#   tools-version        kvmstat-la --version and trace-viewer --version: VERSION
#   bash-completion      every option of each tool's --help is completed
#   kvmstat-la-json      installed kvmstat-la --once --json: the VMM's exact counts
#   deb-purge            dpkg --purge: dpkg -L empty, every file gone
# Needs root (dkms add, dpkg -i); live case also /dev/kvm and tracefs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite pkg
V=$top/tests/vmm/kvmla-vmm
CHECK="python3 $top/tests/tools/kvmstat-la/check.py"
ver=$(cat "$top/VERSION")
tmp=$(mktemp -d /tmp/kvmla-pkg.XXXXXX)
vmm_pid=
cleanup() {
	[ -n "$vmm_pid" ] && kill "$vmm_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

kt_need_root deps || exit 0

# ---- deps: a missing tool is a failure that names the apt-get line
need=(dkms dh-dkms debhelper dpkg-dev fakeroot lintian kmod binutils llvm-19
	bash-completion python3-jsonschema)
miss=()
for p in "${need[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
	[ "${s:0:2}" = ii ] || miss+=("$p")
done
bmiss=$("$top/scripts/deps.sh" --print build)
if [ ${#miss[@]} -gt 0 ] || [ -n "$bmiss" ]; then
	kt_fail deps "missing; run: apt-get install --no-install-recommends ${miss[*]} $(echo $bmiss)"
	exit 1
fi
kt_pass deps

# ---- the one version
why=""
conf_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$conf_ver" = "$ver" ] || why="$why dkms.conf:$conf_ver"
deb_ver=$(cd "$top" && dpkg-parsechangelog -S Version)
[ "${deb_ver%%-*}" = "$ver" ] || why="$why debian/changelog:$deb_ver"
for m in kvmstat-la.8 trace-viewer.1; do
	grep -q "^\.TH .* \"kvmla $ver\"" "$top/docs/man/$m" || why="$why $m"
done
[ -z "$why" ] && kt_pass version-one-place || kt_fail version-one-place "VERSION is $ver, but:$why"

# ---- DKMS against the cached, built LoongArch host tree
tree=$("$top/scripts/build-la-kernel.sh" 2>"$tmp/tree.log" | tail -n 1)
if [ ! -f "$tree/vmlinux" ]; then
	kt_fail dkms-add "no LoongArch host tree: $(tail -n 1 "$tmp/tree.log")"
else
	kver=$(cat "$tree/include/config/kernel.release")
	W=$tmp/dkms
	src=$W/src/kvmla-$ver
	lib=$W/root/lib/modules/$kver
	mkdir -p "$src" "$W/tree" "$lib/kernel/arch/loongarch/kvm" "$W/bin"
	# The DKMS source set, as kvmla-dkms ships it (debian/rules)
	(cd "$top" && git ls-files -co --exclude-standard dkms.conf VERSION \
		scripts/dkms-make.sh kvm include/kvmla | grep -v '\.gitignore$' |
		tar -cf - -T -) | tar -xf - -C "$src"
	# The stock kvm.ko that ours must win over
	cp "$tree/arch/loongarch/kvm/kvm.ko" "$lib/kernel/arch/loongarch/kvm/"
	# dkms strips with "strip", which must read LoongArch ELF
	ln -s "$(command -v llvm-strip-19)" "$W/bin/strip"
	dk() {
		(cd "$W" && PATH=$W/bin:$PATH KVMLA_JOBS=2 nice dkms --dkmstree "$W/tree" \
			--sourcetree "$W/src" --installtree "$W/root/lib/modules" \
			--kernelsourcedir "$tree" --no-depmod "$@" -k "$kver/loongarch64")
	}
	t0=$(date +%s)
	ok=1
	if dk add "kvmla/$ver" >"$tmp/add.log" 2>&1 && [ -d "$W/tree/kvmla/$ver" ]; then
		kt_pass dkms-add
	else kt_fail dkms-add "$(tail -n 2 "$tmp/add.log" | tr '\n' ' ')"; ok=0; fi
	mod=$W/tree/kvmla/$ver/$kver/loongarch64/module/kvm.ko
	if [ $ok = 1 ] && dk build "kvmla/$ver" >"$tmp/build.log" 2>&1 && [ -f "$mod" ]; then
		kt_pass dkms-build
	elif [ $ok = 1 ]; then
		kt_fail dkms-build "$(tail -n 3 "$W/tree/kvmla/$ver/build/make.log" "$tmp/build.log" 2>/dev/null | tr '\n' ' ' | tail -c 400)"; ok=0
	fi
	inst=$lib/updates/dkms/kvm.ko
	if [ $ok = 1 ] && dk install "kvmla/$ver" >"$tmp/install.log" 2>&1 && [ -f "$inst" ] &&
	   cmp -s "$mod" "$inst"; then
		kt_pass dkms-install
	elif [ $ok = 1 ]; then
		kt_fail dkms-install "no $inst: $(grep -v '^$' "$tmp/install.log" | tail -n 4 | tr '\n' ' ')"; ok=0
	fi
	if [ $ok = 1 ]; then
		# vermagic: the tree's release and its vmlinux's own vermagic string
		want=$(strings "$tree/vmlinux" | grep -m1 "^$kver SMP\|^$kver ")
		got=$(modinfo -F vermagic "$inst")
		[ -n "$want" ] && [ "$got" = "$want" ] && kt_pass dkms-vermagic ||
			kt_fail dkms-vermagic "module '$got', tree '$want'"
		m=$(readelf -h "$inst" | sed -n 's/^ *Machine: *//p')
		[ "$m" = LoongArch ] && kt_pass dkms-elf-loongarch || kt_fail dkms-elf-loongarch "ELF machine '$m'"
		got=$(modinfo -F version "$inst")
		[ "$got" = "$ver" ] && kt_pass dkms-module-version || kt_fail dkms-module-version "'$got', VERSION $ver"
		# precedence: a search order that prefers the kernel's own modules,
		# with and without the override that kvmla-dkms installs
		mkdir -p "$tmp/dd-with" "$tmp/dd-without"
		echo "search built-in updates" | tee "$tmp/dd-with/0.conf" >"$tmp/dd-without/0.conf"
		cp "$top/kvm/depmod.conf" "$tmp/dd-with/kvmla.conf"
		pick() { depmod -b "$W/root" -C "$1" "$kver" 2>/dev/null &&
			sed -n 's/^\([^:]*\/kvm\.ko\):.*/\1/p' "$lib/modules.dep"; }
		with=$(pick "$tmp/dd-with") without=$(pick "$tmp/dd-without")
		if [ "$with" = updates/dkms/kvm.ko ] && [ "$without" = kernel/arch/loongarch/kvm/kvm.ko ]; then
			kt_pass dkms-precedence
		else kt_fail dkms-precedence "with override: '$with', without: '$without'"; fi
		rm -f "$lib"/modules.*
	fi
	if [ -d "$W/tree/kvmla" ]; then
		dk remove "kvmla/$ver" >"$tmp/remove.log" 2>&1
		left=$(find "$W/tree/kvmla" "$lib/updates" 2>/dev/null)
		[ -z "$left" ] && kt_pass dkms-remove ||
			kt_fail dkms-remove "left: $(echo $left | head -c 300)"
	fi
	echo "pkg: dkms cycle $(( $(date +%s) - t0 )) s" >&2
fi

# ---- the Debian packages, built from a copy of the checkout
t0=$(date +%s)
B=$tmp/deb
mkdir -p "$B/kvmla-$ver"
(cd "$top" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$B/kvmla-$ver"
if (cd "$B/kvmla-$ver" && nice dpkg-buildpackage -us -uc -b -j2) >"$tmp/deb.log" 2>&1 &&
   [ -f "$B/kvmla-tools_${ver}_amd64.deb" ] && [ -f "$B/kvmla-dkms_${ver}_all.deb" ]; then
	kt_pass deb-build
else
	kt_fail deb-build "$(tail -n 4 "$tmp/deb.log" | tr '\n' ' ')"
	exit 1
fi
echo "pkg: deb build $(( $(date +%s) - t0 )) s" >&2
# contents, expected from construction: what the package is meant to hold
list() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort; }
{
	echo /usr/sbin/kvmstat-la; echo /usr/bin/trace-viewer
	echo /usr/share/man/man8/kvmstat-la.8.gz; echo /usr/share/man/man1/trace-viewer.1.gz
	echo /usr/share/bash-completion/completions/kvmstat-la
	echo /usr/share/bash-completion/completions/trace-viewer
	echo /usr/share/kvmla/schemas/kvmstat-la.v1.schema.json
	echo /usr/share/kvmla/schemas/trace-viewer.v1.schema.json
	echo /usr/share/kvmla/schemas/trace-viewer-trace-events.v1.schema.json
	for u in "$top"/contrib/systemd/*.service "$top"/contrib/systemd/*.socket "$top"/contrib/systemd/*.timer; do
		[ -f "$u" ] && echo "/lib/systemd/system/${u##*/}"
	done
	# with the units, their defaults and the log's rotation
	if [ -f "$top/contrib/systemd/kvmstat-la.service" ]; then
		echo /etc/default/kvmstat-la; echo /etc/logrotate.d/kvmstat-la
	fi
	echo /usr/share/doc/kvmla-tools/changelog.gz; echo /usr/share/doc/kvmla-tools/copyright
	echo /usr/share/lintian/overrides/kvmla-tools
} | sort >"$tmp/want-tools"
{
	(cd "$top" && git ls-files -co --exclude-standard dkms.conf VERSION scripts/dkms-make.sh \
		kvm include/kvmla | grep -v '\.gitignore$' | sed "s|^|/usr/src/kvmla-$ver/|")
	echo /lib/depmod.d/kvmla.conf
	echo /usr/share/doc/kvmla-dkms/changelog.gz; echo /usr/share/doc/kvmla-dkms/copyright
} | sort >"$tmp/want-dkms"
list "$B/kvmla-tools_${ver}_amd64.deb" >"$tmp/got-tools"
list "$B/kvmla-dkms_${ver}_all.deb" >"$tmp/got-dkms"
d=$(diff "$tmp/want-tools" "$tmp/got-tools"; diff "$tmp/want-dkms" "$tmp/got-dkms")
if [ -z "$d" ] && dpkg-deb -I "$B/kvmla-dkms_${ver}_all.deb" postinst | grep -q "dkms"; then
	kt_pass deb-contents
else kt_fail deb-contents "$(echo "$d" | head -n 8 | tr '\n' ' ')"; fi

# ---- lintian: every tag it prints (I: and P: included) is a failure
(cd "$B" && lintian -I --pedantic "kvmla_${ver}_amd64.changes") >"$tmp/lintian.log" 2>/dev/null
tags=$(grep -E '^[EWIPX]: ' "$tmp/lintian.log")
[ -z "$tags" ] && kt_pass lintian || kt_fail lintian "$(echo "$tags" | head -n 5 | tr '\n' ' ')"

# ---- install, use, purge kvmla-tools
if dpkg-query -W -f='${db:Status-Abbrev}' kvmla-tools 2>/dev/null | grep -q '^[ihr]'; then
	kt_fail deb-install "kvmla-tools is already installed here; this suite installs and purges it (dpkg --purge kvmla-tools first)"
	exit 1
fi
if dpkg -i "$B/kvmla-tools_${ver}_amd64.deb" >"$tmp/dpkg.log" 2>&1 &&
   [ "$(command -v kvmstat-la)" = /usr/sbin/kvmstat-la ] && [ -x /usr/bin/trace-viewer ]; then
	kt_pass deb-install
else kt_fail deb-install "$(tail -n 3 "$tmp/dpkg.log" | tr '\n' ' ')"; fi
files=$(dpkg -L kvmla-tools 2>/dev/null | while read -r f; do [ -f "$f" ] && echo "$f"; done)

a=$(/usr/sbin/kvmstat-la --version 2>&1) b=$(/usr/bin/trace-viewer --version 2>&1)
[ "$a" = "kvmstat-la $ver" ] && [ "$b" = "trace-viewer $ver" ] && kt_pass tools-version ||
	kt_fail tools-version "'$a', '$b' (VERSION $ver)"

# bash completion: each option --help lists must be offered for "-" (and
# for "SUB -" of trace-viewer's subcommands), through the installed file
complete_words() {	# complete_words TOOL WORD... : what TAB offers after the words
	bash -c '. /usr/share/bash-completion/bash_completion
		. "/usr/share/bash-completion/completions/$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		f=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		$f "$1" "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}" | sed "s/=$//"' _ "$@" 2>&1
}
why=""
got=$(complete_words kvmstat-la kvmstat-la -)
for o in $(/usr/sbin/kvmstat-la --help | grep -oE -- '(^|[ ,])-(-[a-z][a-z-]*|[0-9a-zA-Z])' | tr -d ' ,' | sort -u); do
	[ "$o" = "-?" ] && continue
	grep -qx -- "$o" <<<"$got" || why="$why kvmstat-la:$o"
done
help=$(/usr/bin/trace-viewer --help)
sect() { sed -n "/^$1/,/^\$/p" <<<"$help" | grep -oE -- '(^|[ ,])-(-[a-z][a-z-]*|[a-zA-Z])' | tr -d ' ,' | sort -u; }
for sub in report view; do
	got=$(complete_words trace-viewer trace-viewer "$sub" -)
	for o in $(sect "Report and view options"); do grep -qx -- "$o" <<<"$got" || why="$why $sub:$o"; done
done
got=$(complete_words trace-viewer trace-viewer record -)
for o in $(sect "Record options"); do grep -qx -- "$o" <<<"$got" || why="$why record:$o"; done
got=$(complete_words trace-viewer trace-viewer import -)
for o in $(sed -n '/^Import/,/^$/p' <<<"$help" | grep -oE -- '^ +-[a-z], --[a-z-]+' | tr -d ' ,' | sed 's/^-\(.\)--/-\1 --/'); do
	grep -qx -- "$o" <<<"$got" || why="$why import:$o"
done
got=$(complete_words trace-viewer trace-viewer "")
for s in report view record import; do grep -qx "$s" <<<"$got" || why="$why sub:$s"; done
[ -z "$why" ] && kt_pass bash-completion || kt_fail bash-completion "not completed:$why"

# the installed kvmstat-la on the x86 test VMM: exact counts (perf provider,
# as tests/tools/kvmstat-la's perf-exact-counts)
live=1
kt_need_kvm kvmstat-la-json || live=0
[ $live = 1 ] && { kt_need_tracefs kvmstat-la-json || live=0; }
[ $live = 1 ] && [ ! -x "$V" ] && ! make -s -C "$top/tests/vmm" >"$tmp/vmm.log" 2>&1 &&
	{ kt_fail kvmstat-la-json "tests/vmm does not build: $(tail -n 1 "$tmp/vmm.log")"; live=0; }
if [ $live = 1 ]; then
	name=pkg$$
	sd=6000
	"$V" -n "$name" --start-delay $sd --json "$tmp/vmm.json" -m 2 -c 2 --pio-out 120 \
		--pio-in 40 --mmio-write 30 --mmio-read 20 --hlt 10 --cpuid 5 >"$tmp/vmm.out" 2>&1 &
	vmm_pid=$!
	t0=$(date +%s%N)
	/usr/sbin/kvmstat-la --once --json --until-exit --provider perf -g "$name-*" \
		-f 'kvm_(pio|mmio|userspace_exit|fpu|exit|entry)$' --ready "$tmp/ready" \
		>"$tmp/ks.json" 2>"$tmp/ks.err" &
	kp=$!
	for _ in $(seq 400); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
	ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	wait $kp; rc=$?
	wait "$vmm_pid"; vrc=$?; vmm_pid=
	if [ ! -e "$tmp/ready" ] || [ $ready_ms -ge $sd ]; then
		kt_fail kvmstat-la-json "kvmstat-la ready after ${ready_ms} ms, guests started at $sd ms"
	elif [ $vrc -ne 0 ]; then kt_fail kvmstat-la-json "VMM failed: $(tail -n 1 "$tmp/vmm.out")"
	elif [ $rc -ne 0 ]; then kt_fail kvmstat-la-json "rc=$rc: $(head -c 300 "$tmp/ks.err")"
	elif ! why=$($CHECK schema /usr/share/kvmla/schemas/kvmstat-la.v1.schema.json "$tmp/ks.json" 2>&1); then
		kt_fail kvmstat-la-json "schema: $why"
	elif ! why=$($CHECK counts perf "$tmp/vmm.json" "$tmp/ks.json" 2>&1); then
		kt_fail kvmstat-la-json "$why"
	else kt_pass kvmstat-la-json; fi
fi

if dpkg --purge kvmla-tools >"$tmp/purge.log" 2>&1; then
	left=$(dpkg -L kvmla-tools 2>/dev/null)
	for f in $files; do [ -e "$f" ] && left="$left $f"; done
	[ -d /usr/share/kvmla ] && left="$left /usr/share/kvmla"
	[ -z "$left" ] && kt_pass deb-purge || kt_fail deb-purge "left: $(echo $left | head -c 300)"
else kt_fail deb-purge "$(tail -n 2 "$tmp/purge.log" | tr '\n' ' ')"; fi
exit 0
