#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Imposed CPU by alternation within one guest run (bench/imposed.py): what
# kvmstat-la's no-probe mode and kvm_stat 6.12 cost the vCPU thread per
# round trip, and the total-CPU ratio between them.
# Env: BENCH_ROUNDS, BENCH_TOGGLE_S, BENCH_TOGGLE, BENCH_SLICE, BENCH_WARM,
# BENCH_SETTLE.  Not part of make check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/imposed.py" "$@"
