#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/trace-viewer.sh [EVENTS_MILLIONS [REAL_MILLIONS]]: trace-viewer's full
# analysis (--json: every analysis on) against `trace-cmd report` on the same
# multi-million-event trace.dat, in the same run; events/s, the ratio, and
# peak memory against the file size.  Targets: >= 4 M events/s, >= 13x
# trace-cmd report, peak RSS <= the trace's size.  Each side runs REPS (3)
# times, interleaved, from a warm page cache; the medians are reported.
# Wall times follow the machine's load: each side's CPU time (user + system)
# is reported too, and the targets are checked on both.
#
# Two traces:
# - the fixture: a LoongArch trace of the test scenario (tests/tools/
#   trace-viewer/la_fixture.c, 2 VMs x 2 vCPUs), about 97 events per round
#   per 4 vCPUs, EVENTS_MILLIONS (5) million events;
# - a real one (x86, root, /dev/kvm and tracefs; skipped without them):
#   `trace-viewer record` of the test VMM (tests/vmm, 2 VMs x 2 vCPUs, MMIO,
#   port I/O, HLT and CPUID exits in 3 phases) with every kvm event on
#   (kvm_emulate_insn included), about REAL_MILLIONS (6) million events.  It
#   is written to $TV_BENCH_DIR (/var/tmp), which needs about 40 bytes per
#   event free, and deleted at the end (TV_BENCH_KEEP=1 keeps it;
#   TV_BENCH_REAL=FILE benches FILE instead of recording one).
# TV_BIN=PATH benches another trace-viewer build (e.g. an older one, for a
# before/after on the same files).
# Also reports the fixture as zstd-compressed v7 (the libtracecmd path).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
TV=${TV_BIN:-$top/tools/trace-viewer/trace-viewer}
B=$top/build/tests/trace-viewer
millions=${1:-5}
real_millions=${2:-6}
reps=${REPS:-3}
W=$(mktemp -d /tmp/tv-bench.XXXXXX)
RD=${TV_BENCH_DIR:-/var/tmp}
REAL=$RD/kvmla-tv-bench-$$.dat
cleanup() {
	rm -rf "$W"
	[ "${TV_BENCH_KEEP:-0}" = 1 ] || rm -f "$REAL"
}
trap cleanup EXIT
make -s -C "$top/tools/trace-viewer" >/dev/null && make -s -C "$top/tests/tools/trace-viewer" B="$B" "$B/gen-la" >/dev/null || exit 1

# measure PREFIX cmd...: wall seconds (to the ms), CPU seconds (user + system)
# and max RSS KB of one run
measure() {
	local p=$1 t0 t1 u s; shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f "%M %U %S" -o "$W/time" "$@" >"$W/out" 2>/dev/null || { echo "failed: $*" >&2; exit 1; }
	t1=$EPOCHREALTIME
	read -r "${p}_kb" u s <"$W/time"
	printf -v "${p}_s" '%.3f' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
	printf -v "${p}_cpu" '%.2f' "$(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }')"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# bench LABEL FILE: REPS interleaved runs of each side, medians, targets
bench() {
	local label=$1 f=$2 size events lines i tvs=() tvk=() tcs=() tck=() tvc=() tcc=()
	size=$(stat -c %s "$f")
	cat "$f" >/dev/null	# same page-cache state for both
	for ((i = 0; i < reps; i++)); do
		measure tv "$TV" --json -q "$f"
		tvs+=("$tv_s"); tvk+=("$tv_kb"); tvc+=("$tv_cpu")
		[ "$i" = 0 ] && events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$W/out")
		measure tc trace-cmd report "$f"
		tcs+=("$tc_s"); tck+=("$tc_kb"); tcc+=("$tc_cpu")
		[ "$i" = 0 ] && lines=$(wc -l <"$W/out")
	done
	awk -v lb="$label" -v ev="$events" -v ts="$(median "${tvs[@]}")" -v tk="$(median "${tvk[@]}")" \
	    -v cs="$(median "${tcs[@]}")" -v ck="$(median "${tck[@]}")" -v sz="$size" -v ln="$lines" \
	    -v tl="${tvs[*]}" -v cl="${tcs[*]}" -v n="$reps" \
	    -v tu="$(median "${tvc[@]}")" -v cu="$(median "${tcc[@]}")" 'BEGIN {
		tvr = ev / ts / 1e6; tcr = ev / cs / 1e6
		printf "== %s: %.1f MB, %d events (trace-cmd report printed %d lines); median of %d (runs: %s | %s s)\n",
			lb, sz / 1048576, ev, ln, n, tl, cl
		printf "%-34s %8.3f s %8.2f M ev/s  peak RSS %7.1f MB\n", "trace-viewer --json (all analyses)", ts, tvr, tk / 1024
		printf "%-34s %8.3f s %8.2f M ev/s  peak RSS %7.1f MB\n", "trace-cmd report", cs, tcr, ck / 1024
		printf "ratio: %.1fx trace-cmd report; peak RSS %.0f%% of the file size\n", tvr / tcr, 100 * tk * 1024 / sz
		if (tu > 0 && cu > 0)
			printf "CPU time (user + system): %.2f s (%.1f M ev/s) against %.2f s, %.1fx\n",
				tu, ev / tu / 1e6, cu, cu / tu
		a = (tvr >= 4) ? "met" : "MISSED"; b = (tvr / tcr >= 13) ? "met" : "MISSED"
		c = (tk * 1024 <= sz) ? "met" : "MISSED"
		printf "targets (wall): >= 4 M ev/s [%s], >= 13x [%s], RSS <= file [%s]\n", a, b, c
		if (tu > 0 && cu > 0)
			printf "targets (CPU time): >= 4 M ev/s [%s], >= 13x [%s]\n",
				(ev / tu / 1e6 >= 4) ? "met" : "MISSED", (cu / tu >= 13) ? "met" : "MISSED"
	}'
}

# the real trace: the test VMM's exits recorded with every kvm event on
record_real() {
	local vmm=$top/tests/vmm/kvmla-vmm need avail s
	if [ "$(id -u)" != 0 ] || [ ! -w /dev/kvm ] || [ ! -d /sys/kernel/tracing/events/kvm ]; then
		echo "== real trace: skipped (needs root, /dev/kvm and tracefs with kvm events)"
		return 1
	fi
	make -s -C "$top/tests/vmm" >/dev/null 2>&1 || { echo "== real trace: tests/vmm does not build"; return 1; }
	need=$((real_millions * 40 * 1000000 / 1024 + 65536))	# KB: ~40 bytes an event, 64 MB spare
	avail=$(df -Pk "$RD" | awk 'NR == 2 { print $4 }')
	if [ "$avail" -lt "$need" ]; then
		echo "== real trace: skipped ($RD has $((avail / 1024)) MB free, needs $((need / 1024)) MB)"
		return 1
	fi
	# about 7.2 events per exit; per vCPU and phase: MMIO w/r, PIO out/in, HLT, CPUID
	s=$((real_millions * 1000000 / 4 / 3 / 7))
	echo "recording ~${real_millions}M events of the test VMM into $REAL..." >&2
	"$TV" record -q -o "$REAL" -- "$vmm" -m 2 -c 2 --mmio-write $((s * 27 / 100)) \
		--mmio-read $((s * 27 / 100)) --pio-out $((s * 27 / 100)) --pio-in $((s * 13 / 100)) \
		--hlt $((s * 2 / 100)) --cpuid $((s * 4 / 100)) --phases 3 --json "$W/vmm.json" >/dev/null 2>"$W/rec.err" ||
		{ echo "== real trace: recording failed: $(tail -1 "$W/rec.err")"; return 1; }
	python3 - "$TV" "$REAL" <<-'EOF'
	import json, subprocess, sys
	d = json.loads(subprocess.run([sys.argv[1], "--json", "-q", sys.argv[2]], capture_output=True).stdout)
	ev = sorted(d["events"].items(), key=lambda kv: -kv[1])
	print("real trace: %d events, %d missed; %s" % (d["records"], d["missed_events"],
	      ", ".join("%s %d" % kv for kv in ev[:6])))
	EOF
}

rounds=$(( millions * 1000000 / 97 / 4 * 4 ))
echo "generating ~${millions}M events ($rounds rounds x 4 vCPUs)..." >&2
"$B/gen-la" "$W/big.dat" "$rounds" 2 2 20000 || exit 1
bench "LoongArch fixture (gen-la)" "$W/big.dat"
if [ -n "${TV_BENCH_REAL:-}" ]; then
	bench "real recording $TV_BENCH_REAL" "$TV_BENCH_REAL"
elif record_real; then
	bench "real x86 recording (test VMM, every kvm event)" "$REAL"
fi
if trace-cmd convert -i "$W/big.dat" -o "$W/big7z.dat" --file-version 7 --compression zstd >/dev/null 2>&1; then
	events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' \
		<("$TV" --json -q "$W/big.dat"))
	measure z "$TV" --json -q "$W/big7z.dat"
	awk -v ev="$events" -v s="$z_s" -v k="$z_kb" -v sz="$(stat -c %s "$W/big7z.dat")" 'BEGIN {
		printf "%-34s %8.3f s %8.2f M ev/s  peak RSS %7.1f MB (file %.1f MB)\n",
			"fixture as v7 zstd, trace-viewer", s, ev / s / 1e6, k / 1024, sz / 1048576 }'
fi
