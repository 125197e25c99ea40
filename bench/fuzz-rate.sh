#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fuzz_reader's executions per second (docs/testing.md, "Fuzzing"), as a
# ratio against its peer measured in the same run: the old way
# (FUZZ_READER_OLD=1: a forked probe worker, no header cache) and now
# (fuzz_probe as the worker, tv_reader_cache_headers), each fuzzing from the
# same seeds (fuzz-seeds.sh) with the same -seed and the flags of make check,
# FUZZ_RATE_SECONDS (60) each, FUZZ_RATE_ROUNDS (2) rounds taken in turn.
# Then both at equal executions (FUZZ_RATE_RUNS, 20000): their edges and
# features, so that the speed is not bought with coverage.  Under
# nice -n 19, on a shared machine: the load average is printed with it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=$top/build/tests/trace-viewer
T=$top/tests/tools/trace-viewer
secs=${FUZZ_RATE_SECONDS:-60}
rounds=${FUZZ_RATE_ROUNDS:-2}
runs=${FUZZ_RATE_RUNS:-20000}
make -s -C "$T" >/dev/null || { echo "fuzz-rate: the fuzz targets do not build"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$T/fuzz-seeds.sh" "$B" "$W/seeds" >/dev/null
export LSAN_OPTIONS=suppressions=$T/lsan.supp

# fuzz WAY LIMIT: one run from the seeds; prints "executions seconds edges features probed"
fuzz() {
	local env=X=1 t0 t1
	[ "$1" = old ] && env=FUZZ_READER_OLD=1
	rm -rf "$W/corpus"
	cp -r "$W/seeds" "$W/corpus"
	t0=$(date +%s%N)
	(cd "$W" && env "$env" ASAN_OPTIONS=allocator_may_return_null=1 nice -n 19 "$B/fuzz_reader" \
		-detect_leaks=0 "$2" -seed=1 -timeout=15 -max_len=65536 -rss_limit_mb=1024 \
		-print_final_stats=1 corpus >"$W/fuzz.log" 2>&1)
	t1=$(date +%s%N)
	echo "$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/fuzz.log")" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" \
		"$(grep -oE 'DONE +cov: [0-9]+ ft: [0-9]+' "$W/fuzz.log" | awk '{ print $3, $5 }')" \
		"$(sed -n 's/^fuzz_reader: [0-9]* inputs, \([0-9]*\) probed.*/\1/p' "$W/fuzz.log")"
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-4s %8s %11s %8s %6s %9s %7s\n' round way seconds executions exec/s edges features probed
declare -A ex sec
for r in $(seq "$rounds"); do
	order="old new"
	[ $((r % 2)) = 0 ] && order="new old"
	for way in $order; do
		read -r n s e f p < <(fuzz "$way" -max_total_time="$secs")
		ex[$way]=$(( ${ex[$way]:-0} + n ))
		sec[$way]=$(awk -v a="${sec[$way]:-0}" -v b="$s" 'BEGIN { print a + b }')
		printf '%-6s %-4s %8s %11s %8s %6s %9s %7s\n' "$r" "$way" "$s" "$n" \
			"$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%d", n / s }')" "$e" "$f" "$p"
	done
done
awk -v a="${ex[new]}" -v b="${sec[new]}" -v c="${ex[old]}" -v d="${sec[old]}" 'BEGIN {
	printf "rate: now %d/s, old way %d/s, ratio %.2fx\n", a / b, c / d, (a / b) / (c / d) }'
for way in old new; do
	read -r n s e f p < <(fuzz "$way" -runs="$runs")
	echo "at $n executions, $way: $e edges, $f features, $p probed, in $s s"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
