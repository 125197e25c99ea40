#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fuzz_reader's executions per second (docs/testing.md, "Fuzzing"): each
# seed of fuzz-seeds.sh replayed RUNS times (-runs: the same work every
# time, no mutation), with the target's probe worker and, as the peer, with
# read.c's own probe (a fork of the fuzzer per input, FUZZ_READER_FORK_PROBE).
# Then 60 s of real fuzzing from those seeds (FUZZ_RATE_SECONDS), as make
# check runs it.  Under nice -n 19: a loaded machine gives lower numbers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=$top/build/tests/trace-viewer
T=$top/tests/tools/trace-viewer
runs=${FUZZ_RATE_RUNS:-200}
secs=${FUZZ_RATE_SECONDS:-60}
make -s -C "$T" >/dev/null || { echo "fuzz-rate: the fuzz targets do not build"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$T/fuzz-seeds.sh" "$B" "$W/seeds" >/dev/null
export LSAN_OPTIONS=suppressions=$T/lsan.supp
rate() {	# rate FILE [ENV=VALUE]: executions per second of FILE replayed
	local t0 t1
	t0=$(date +%s%N)
	(cd "$W" && env "${@:2}" nice -n 19 "$B/fuzz_reader" -detect_leaks=0 -runs="$runs" "$1" >/dev/null 2>&1)
	t1=$(date +%s%N)
	echo $(( runs * 1000000000 / (t1 - t0) ))
}
printf '%-20s %8s %12s %12s %7s\n' seed bytes worker/s fork/s ratio
for f in "$W"/seeds/*; do
	a=$(rate "$f" X=1)
	b=$(rate "$f" FUZZ_READER_FORK_PROBE=1)
	printf '%-20s %8s %12s %12s %7s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$a" "$b" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1fx", b ? a / b : 0 }')"
done
mkdir -p "$W/corpus"
cp "$W"/seeds/* "$W/corpus/"
(cd "$W" && ASAN_OPTIONS=allocator_may_return_null=1 nice -n 19 "$B/fuzz_reader" -detect_leaks=0 \
	-max_total_time="$secs" -timeout=15 -max_len=65536 -rss_limit_mb=1024 -print_final_stats=1 \
	corpus >"$W/fuzz.log" 2>&1)
echo "fuzzing ${secs} s: $(sed -n 's/^stat::number_of_executed_units: *//p' "$W/fuzz.log") executions," \
	"$(sed -n 's/^stat::average_exec_per_sec: *//p' "$W/fuzz.log")/s," \
	"$(grep -oE 'DONE +cov: [0-9]+' "$W/fuzz.log" | awk '{print $3}') edges"
