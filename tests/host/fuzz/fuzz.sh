#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer target of kvm/exit.c with clang-19 and runs it for
# a bounded time (default 10 s).  Prints one PASS/FAIL/SKIP line.
#   tests/host/fuzz/fuzz.sh [seconds]
#   tests/host/fuzz/fuzz.sh --build   builds it only (scripts/fuzz-long.sh)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
secs=${1:-10}
B=$top/build/host/fuzz
name=host/fuzz_exit
cc=${FUZZ_CC:-clang-19}
if ! command -v "$cc" >/dev/null; then
	echo "FAIL: $name: $cc not installed (scripts/deps.sh test)"
	exit 1
fi
if [ ! -f "$top/build/host/tree-defs.h" ] || [ ! -d "$top/build/host/uapi" ]; then
	make -s -C "$top/tests/host" >/dev/null 2>&1
fi
if [ ! -f "$top/build/host/tree-defs.h" ]; then
	echo "FAIL: $name: harness headers not generated (make -C tests/host failed)"
	exit 1
fi
mkdir -p "$B/corpus"
# one seed per exit path (seeds.py): the fuzzer starts at full line coverage
# of kvm/exit.c instead of finding each opcode by chance
python3 "$here/seeds.py" "$B/corpus" >/dev/null || { echo "FAIL: $name: seeds.py"; exit 1; }
flags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -w
	-I$top/tests/host/shim -I$top/tests/lib -I$top/build/host
	-I$top/include -I$top/build/host/uapi"
# shellcheck disable=SC2086
if ! "$cc" $flags "$here/fuzz_exit.c" "$top/tests/host/shim/shim.c" \
	"$top/tests/host/shim/weak.c" -o "$B/fuzz_exit" >"$B/build.log" 2>&1; then
	echo "FAIL: $name: does not build: $(grep -m1 error "$B/build.log")"
	exit 1
fi
[ "$secs" = --build ] && exit 0
cd "$B" || exit 1
if ./fuzz_exit -max_total_time="$secs" -timeout=5 -seed=1 corpus \
	>"$B/run.log" 2>&1; then
	echo "PASS: $name ($(grep -m1 -o 'Done [0-9]* runs' "$B/run.log") in ${secs}s)"
else
	echo "FAIL: $name: $(grep -m1 -E 'ERROR|runtime error|deadly' "$B/run.log") (crash input in $B)"
	exit 1
fi
