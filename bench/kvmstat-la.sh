#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvmstat-la bench (bench/kvmstat-la.py): total CPU per tool at equal refresh
# and equal events, kvmstat-la vs kvm_stat 6.12 vs a bpftrace one-liner.
# Env: BENCH_REPS, BENCH_WINDOW, BENCH_WARM.  Not part of make check.
exec python3 "$(dirname "$0")/kvmstat-la.py" "$@"
