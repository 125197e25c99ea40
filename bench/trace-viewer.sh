#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/trace-viewer.sh [EVENTS_MILLIONS]: trace-viewer's full analysis
# (--json: every analysis on) against `trace-cmd report` on the same
# multi-million-event trace.dat, in the same run; events/s, the ratio, and
# peak memory against the file size.  Targets: >= 4 M events/s, >= 13x
# trace-cmd report, peak RSS <= the trace's size.
# The file: a LoongArch trace of the test scenario (tests/tools/trace-viewer/
# la_fixture.c, 2 VMs x 2 vCPUs), about 97 events per round per 4 vCPUs.
# Also reports the zstd-compressed v7 conversion (libtracecmd path).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
TV=$top/tools/trace-viewer/trace-viewer
B=$top/build/tests/trace-viewer
millions=${1:-5}
W=$(mktemp -d /tmp/tv-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$top/tools/trace-viewer" >/dev/null && make -s -C "$top/tests/tools/trace-viewer" B="$B" "$B/gen-la" >/dev/null || exit 1
rounds=$(( millions * 1000000 / 97 / 4 * 4 ))
echo "generating ~${millions}M events ($rounds rounds x 4 vCPUs)..." >&2
"$B/gen-la" "$W/big.dat" "$rounds" 2 2 20000 || exit 1
size=$(stat -c %s "$W/big.dat")

measure() {	# measure OUTVAR-prefix cmd...: wall seconds and max RSS KB
	local p=$1; shift
	/usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out" 2>/dev/null || { echo "failed: $*" >&2; exit 1; }
	read -r "${p}_s" "${p}_kb" <"$W/time"
}
cat "$W/big.dat" >/dev/null	# same page-cache state for both
measure tv "$TV" --json -q "$W/big.dat"
events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$W/out")
measure tc trace-cmd report "$W/big.dat"
lines=$(wc -l <"$W/out")

awk -v ev="$events" -v ts="$tv_s" -v tk="$tv_kb" -v cs="$tc_s" -v ck="$tc_kb" -v sz="$size" -v ln="$lines" 'BEGIN {
	tvr = ev / ts / 1e6; tcr = ev / cs / 1e6
	printf "trace.dat: %.1f MB, %d events (trace-cmd report printed %d lines)\n", sz / 1048576, ev, ln
	printf "%-34s %8.2f s %8.2f M ev/s  peak RSS %7.1f MB\n", "trace-viewer --json (all analyses)", ts, tvr, tk / 1024
	printf "%-34s %8.2f s %8.2f M ev/s  peak RSS %7.1f MB\n", "trace-cmd report", cs, tcr, ck / 1024
	printf "ratio: %.1fx trace-cmd report; peak RSS %.0f%% of the file size\n", tvr / tcr, 100 * tk * 1024 / sz
	a = (tvr >= 4) ? "met" : "MISSED"; b = (tvr / tcr >= 13) ? "met" : "MISSED"
	c = (tk * 1024 <= sz) ? "met" : "MISSED"
	printf "targets: >= 4 M ev/s [%s], >= 13x [%s], RSS <= file [%s]\n", a, b, c
}'
if trace-cmd convert -i "$W/big.dat" -o "$W/big7z.dat" --file-version 7 --compression zstd >/dev/null 2>&1; then
	measure z "$TV" --json -q "$W/big7z.dat"
	awk -v ev="$events" -v s="$z_s" -v k="$z_kb" -v sz="$(stat -c %s "$W/big7z.dat")" 'BEGIN {
		printf "%-34s %8.2f s %8.2f M ev/s  peak RSS %7.1f MB (file %.1f MB)\n",
			"trace-viewer, v7 zstd", s, ev / s / 1e6, k / 1024, sz / 1048576 }'
fi
