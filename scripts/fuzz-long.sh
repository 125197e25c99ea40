#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz-long: every libFuzzer target, one at a time under nice -n 19,
# until FUZZ_RUNS executions or FUZZ_SECONDS, whichever comes first
# (docs/testing.md, "Long fuzzing runs").  make check keeps its 10 s runs.
#   FUZZ_SECONDS  per target, default 3600
#   FUZZ_RUNS     per target, default 10000000
#   FUZZ_TARGETS  default "exit reader pages import"
#   FUZZ_OUT      default build/fuzz-long (a corpus and a log per target)
#   FUZZ_TIMEOUT  seconds one input may take, default 30: libFuzzer's clock
#                 is the wall clock and these runs are niced, so make
#                 check's 5 s limit would stop an hour's run on a busy
#                 machine's stall (docs/testing.md)
# Prints one table row per target: executions, exec/s, coverage (edges,
# features) when the seeds are loaded and at the end, crashes found.
# Exit 1 when a target found a crash, a leak of ours or a slow input (the
# inputs are in FUZZ_OUT/<target>/).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-3600}
runs=${FUZZ_RUNS:-10000000}
targets=${FUZZ_TARGETS:-exit reader pages import}
out=${FUZZ_OUT:-$top/build/fuzz-long}
tmo=${FUZZ_TIMEOUT:-30}
TB=$top/build/tests/trace-viewer
TVT=$top/tests/tools/trace-viewer
supp=$TVT/lsan.supp
mkdir -p "$out"

make -s -C "$top/tests/tools/trace-viewer" >/dev/null || { echo "fuzz-long: the trace-viewer targets do not build"; exit 1; }
"$top/tests/host/fuzz/fuzz.sh" --build || { echo "fuzz-long: fuzz_exit does not build"; exit 1; }

# seed DIR TARGET: the same seeds as make check's runs
seed() {
	local d=$1 t=$2 ps s
	mkdir -p "$d"
	case $t in
	exit)	python3 "$top/tests/host/fuzz/seeds.py" "$d" >/dev/null ;;
	reader)	"$TVT/fuzz-seeds.sh" "$TB" "$d" ;;
	pages)	cp "$TVT"/fuzz-pages-corpus/* "$d/" ;;
	import)	for ps in 4096 16384; do
			s=$out/snap-$ps
			rm -rf "$s"
			"$TB/gen-snap" "$s" "$ps" 1 >/dev/null
			{ cat "$s/events/header_page"; printf '\0'; cat "$s/per_cpu/cpu0/trace_pipe_raw"; } >"$d/seed-$ps"
		done ;;
	esac
}

# the flags of each target, as make check runs it, but for the slow-input limit
flags() {
	case $1 in
	exit)	echo "-timeout=$tmo" ;;
	reader)	echo "-timeout=$tmo -detect_leaks=0 -max_len=65536 -rss_limit_mb=1024" ;;
	pages)	echo "-timeout=$tmo -detect_leaks=0" ;;
	import)	echo "-timeout=$tmo -detect_leaks=0 -close_fd_mask=2" ;;
	esac
}

bin() {
	case $1 in
	exit)	echo "$top/build/host/fuzz/fuzz_exit" ;;
	*)	echo "$TB/fuzz_$1" ;;
	esac
}

run_all() {
printf '| target | seconds | executions | exec/s | cov at start | cov at end | features start/end | corpus | crashes |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
rc=0
for t in $targets; do
	d=$out/$t
	rm -rf "$d"
	mkdir -p "$d"
	seed "$d/corpus" "$t"
	start=$(date +%s)
	# shellcheck disable=SC2046
	(cd "$d" && ASAN_OPTIONS=allocator_may_return_null=1 LSAN_OPTIONS=suppressions=$supp \
		nice -n 19 "$(bin "$t")" $(flags "$t") -max_total_time="$secs" -runs="$runs" \
		-print_final_stats=1 -artifact_prefix="$d/" corpus >"$d/log" 2>&1)
	r=$?
	el=$(( $(date +%s) - start ))
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log")
	c0=$(grep -m1 -oE 'INITED cov: [0-9]+ ft: [0-9]+' "$d/log" | awk '{print $3, $5}')
	c1=$(grep -oE '(DONE|pulse|NEW|REDUCE) +cov: [0-9]+ ft: [0-9]+' "$d/log" | tail -1 | awk '{print $3, $5}')
	nc=$(find "$d/corpus" -type f | wc -l)
	cr=$(find "$d" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	if [ "$r" -ne 0 ] || [ "$cr" -ne 0 ]; then
		rc=1
		cr="$cr (exit $r: $(grep -m1 -E 'ERROR|SUMMARY|ALARM' "$d/log"))"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s |\n' "$t" "$el" "${n:-?}" "${eps:-?}" \
		"${c0%% *}" "${c1%% *}" "${c0##* }" "${c1##* }" "$nc" "$cr"
done
return $rc
}
run_all | tee "$out/summary.md"
exit "${PIPESTATUS[0]}"
