#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvmstat-la bench (bench/kvmstat-la.py): CPU per tool at equal refresh and
# equal events, kvmstat-la vs kvm_stat 6.12 vs a bpftrace one-liner, beside
# the floors of this machine (bench/floor.c).
# Env: BENCH_REPS, BENCH_WINDOW, BENCH_WARM.  Not part of make check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
b=$(mktemp -d /tmp/kvmstat-la-bench.XXXXXX)
trap 'rm -rf "$b"' EXIT
if cc -O2 -Wall -o "$b/floor" "$here/floor.c" -lncursesw 2>"$b/cc.log"; then
	export BENCH_FLOOR=$b/floor
else
	echo "note: bench/floor.c did not build ($(head -1 "$b/cc.log")): no floors"
fi
python3 "$here/kvmstat-la.py" "$@"
