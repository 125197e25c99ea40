#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs, only when missing, the Debian 12 packages kvmla needs, by group:
#   build    the tools, the BPF programs and the test VMM (plain "make")
#   kernel   kvm.ko and the prepared 6.12 tree ("make kvm" without KDIR=)
#   test     what the test suites and benches use besides ("make check")
# Idempotent: a second run installs nothing and takes well under a second.
# Not root: prints the one apt-get line to run, and fails.
# Usage: scripts/deps.sh [--print] [build|kernel|test|all]...
#   (default: build; --print: list the missing packages and exit 0)
set -u
build=(
	make gcc pkg-config
	clang-19                # BPF programs
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libtraceevent-dev libtracefs-dev libtracecmd-dev libzstd-dev
	libjansson-dev libncurses-dev libmicrohttpd-dev
)
kernel=(
	clang-19 lld-19 llvm-19 make bc flex bison libelf-dev libssl-dev kmod cpio
	linux-source-6.12
)
test=(
	llvm-19 libclang-rt-19-dev # llvm-mc, llvm-objdump; libFuzzer targets
	sparse perl            # kvm-build: sparse, checkpatch.pl
	trace-cmd bpftrace linux-perf
	tmux chromium python3 python3-jsonschema
	qemu-user-static       # la-vmm: --expect-only of the LoongArch binary
	device-tree-compiler   # la-boot: dtc checks the FDT la-vmm builds
	util-linux bsdutils procps file curl git
	prometheus logrotate systemd # prom: Prometheus, promtool, logrotate, systemd-analyze
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian bash-completion # tests/pkg
)
usage() {
	echo "usage: scripts/deps.sh [--print] [build|kernel|test|all]..." >&2
	exit 2
}
print=0 groups=()
for a in "$@"; do
	case $a in
	--print) print=1 ;;
	build | kernel | test) groups+=("$a") ;;
	all) groups+=(build kernel test) ;;
	*) echo "deps: unknown group '$a'" >&2; usage ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || groups=(build)
pkgs=()
for g in "${groups[@]}"; do
	declare -n list=$g
	pkgs+=("${list[@]}")
done
missing=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
	[ "${s:0:2}" = "ii" ] || missing+=("$p")
done
if [ $print = 1 ]; then
	[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
	exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages (${groups[*]}); run as root:" >&2
	echo "  $line" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 &&
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
	{ echo "deps: apt-get failed; run: $line" >&2; exit 1; }
