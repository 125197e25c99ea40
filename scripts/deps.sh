#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs, only when missing, the Debian 12 packages kvmla builds and tests
# with.  Idempotent: a second run installs nothing and takes well under a
# second.  Not root: prints the one apt-get line to run, and fails.
# Usage: scripts/deps.sh [--print]   (--print: list the missing packages)
set -u
pkgs=(
	# toolchain: LoongArch kernel build, BPF, host harness, fuzzing
	clang-19 lld-19 llvm-19 libclang-rt-19-dev
	make gcc pkg-config bc flex bison libelf-dev libssl-dev kmod cpio
	sparse
	linux-source-6.12
	# BPF
	libbpf-dev bpftool
	# tracing
	libtraceevent-dev libtracefs-dev libtracecmd-dev trace-cmd
	# tools
	libjansson-dev libncurses-dev libmicrohttpd-dev zlib1g-dev libzstd-dev
	# tests and benches
	tmux chromium python3 python3-jsonschema bpftrace linux-perf
	util-linux procps curl
	# la-vmm (tests/la-vmm runs the LoongArch binary's --expect-only under qemu-user)
	qemu-user-static
)
missing=()
for p in "${pkgs[@]}"; do
	case $p in \#*) continue ;; esac
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
	[ "${s:0:2}" = "ii" ] || missing+=("$p")
done
if [ "${1:-}" = --print ]; then
	printf '%s\n' "${missing[@]}"
	exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages; run as root:" >&2
	echo "  $line" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 &&
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
	{ echo "deps: apt-get failed; run: $line" >&2; exit 1; }
