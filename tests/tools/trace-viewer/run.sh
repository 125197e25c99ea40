#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tools/trace-viewer suite:
#   unit tests of analyze.c (no files, no ncurses), property tests of its
#   per-vCPU/per-VM exactness over generated orders, LoongArch decoding from
#   catalog-generated formats, LoongArch trace.dat fixtures end to end (v6,
#   v7 zstd, v7 uncompressed), tracefs snapshots imported (4 KiB and 16 KiB
#   pages, bad snapshots), bad flags and hostile files, time-bounded
#   libFuzzer runs over the reader and import, a live recording of the test
#   VMM with exact counts (and a live snapshot imported), and the HTML report
#   in headless Chromium; --perfetto files against the Trace Event Format's
#   rules (techeck.py) and the generators' construction (LoongArch, x86).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite trace-viewer
TV=$top/tools/trace-viewer/trace-viewer
B=$top/build/tests/trace-viewer
JC="python3 $here/jcheck.py"
W=$(mktemp -d /tmp/tv-test.XXXXXX)
trap 'rm -rf "$W"' EXIT

if ! make -s -C "$top/tools/trace-viewer" >"$W/build.log" 2>&1 ||
   ! make -s -C "$here" B="$B" >>"$W/build.log" 2>&1; then
	kt_fail build "$(grep -m1 -E 'error|Error' "$W/build.log")"
	cat "$W/build.log" >&2
	exit 1
fi
if grep -q warning "$W/build.log"; then
	kt_fail build-warnings "$(grep -m1 warning "$W/build.log")"
else
	kt_pass build-warnings
fi

# make install puts the binary under DESTDIR/PREFIX
if make -s -C "$top/tools/trace-viewer" install DESTDIR="$W/root" PREFIX=/usr >/dev/null 2>&1 &&
   "$W/root/usr/bin/trace-viewer" --version | grep -q "^trace-viewer "; then
	kt_pass install
else
	kt_fail install "make install DESTDIR=... did not give a working binary"
fi

# ---- unit tests (their own PASS/FAIL lines) ----
"$B/test_analyze" || KT_FAILED=1
# property tests: per-vCPU and per-VM numbers add up to the totals, in any order
"$B/test_exact" || KT_FAILED=1
"$B/test_loongarch" || KT_FAILED=1
"$B/test_x86" || KT_FAILED=1
# libtracecmd leaks the name of the trace clock (lsan.supp)
LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0 "$B/test_hcache" || KT_FAILED=1

# ---- LoongArch trace.dat fixture, end to end ----
# 2 VMs x 2 vCPUs, 32 rounds, 20 us userspace round trips (la_fixture.c):
# per vCPU and round: GSPR x3 (CSR 800 ns, IOCSR to userspace 20.3 us,
# IDLE 50.2 us halted), TLBL 500 ns with a ram/fast/write fault, INT 200 ns
# after a timer interrupt queued 500 ns before delivery, TLBS to userspace
# as MMIO read 20.2 us; a TLB flush every 4 rounds, a VPID change every 16.
"$B/gen-la" "$W/la.dat" 32 2 2 20000 || kt_fail la-fixture "gen-la failed"
if "$TV" --json "$W/la.dat" >"$W/la.json" 2>"$W/err"; then
	kt_check la-profile "$(cat "$W/err")" $JC "$W/la.json" \
		'd["schema"] == "trace-viewer" and d["version"] == 1' \
		'd["profile"] == "loongarch"' 'd["missed_events"] == 0'
	kt_check la-exits-by-reason "counts differ" $JC "$W/la.json" \
		'd["exits"]["total"] == 768' 'reason("gspr")["count"] == 384' \
		'reason("int")["count"] == 128' 'reason("tlbl")["count"] == 128' \
		'reason("tlbs")["count"] == 128' 'reason("gspr")["name"] == "GSPR"' \
		'd["userspace_exits"]["total"] == 256' \
		'reason("mmio", "userspace_exits")["count"] == 128' \
		'reason("loongarch_iocsr", "userspace_exits")["count"] == 128'
	kt_check la-exits-by-vcpu-and-vm "counts differ" $JC "$W/la.json" \
		'len(d["vcpus"]) == 4' \
		'all(c["exits"] == 192 and c["userspace_exits"] == 64 for c in d["vcpus"])' \
		'all(c["by_reason"] == {"gspr": 96, "int": 32, "tlbl": 32, "tlbs": 32} for c in d["vcpus"])' \
		'all(c["pio_out"] == 32 and c["mmio_read"] == 32 for c in d["vcpus"])' \
		'vcpu("la-vm-1", 1)["tid"] == 1102 and vcpu("la-vm-1", 1)["comm"] == "CPU 1/KVM"' \
		'[(m["name"], m["pid"], m["vcpus"], m["exits"]) for m in d["vms"]] == [("la-vm-0", 1000, 2, 384), ("la-vm-1", 1100, 2, 384)]'
	kt_check la-latency "latencies differ" $JC "$W/la.json" \
		'd["latency"]["kernel"]["count"] == 512 and d["latency"]["userspace"]["count"] == 256' \
		'd["latency"]["kernel"]["p50_ns"] == 500 and d["latency"]["kernel"]["p90_ns"] == 50200' \
		'd["latency"]["kernel"]["min_ns"] == 200 and d["latency"]["kernel"]["max_ns"] == 50200' \
		'd["latency"]["userspace"]["p50_ns"] == 20200 and d["latency"]["userspace"]["p99_ns"] == 20300' \
		'reason("gspr")["latency"]["all"]["p50_ns"] == 20300' \
		'all(c["latency"]["all"]["count"] == 192 and c["latency"]["all"]["p50_ns"] == 800 and c["latency"]["all"]["p90_ns"] == 50200 and c["latency"]["all"]["min_ns"] == 200 for c in d["vcpus"])' \
		'all(c["latency"]["userspace"]["count"] == 64 and c["latency"]["kernel"]["count"] == 128 for c in d["vcpus"])' \
		'd["latency"]["in_userspace"]["min_ns"] == 20000' \
		'sum(d["latency"]["kernel"]["log2_hist"]) == 512 and d["latency"]["kernel"]["log2_hist"][15] == 128'
	kt_check la-state-timeline "state times differ" $JC "$W/la.json" \
		'all(c["state_ns"]["halted"] == 32 * 50000 for c in d["vcpus"])' \
		'all(c["state_ns"]["userspace"] == 32 * 40000 for c in d["vcpus"])' \
		'all(sum(t["halted"]) == 32 * 50000 for t in d["timeline"]["vcpus"])' \
		'0 < d["timeline"]["bins"] <= 512'
	kt_check la-csr-faults-churn-irq "values differ" $JC "$W/la.json" \
		'sorted((c["name"], c["op"], c["count"]) for c in d["csr_matrix"]) == [("TCFG", "wr", 32)] * 4' \
		'd["gpa_faults"] == [{"class": "ram/fast/write", "count": 128}]' \
		'd["churn"]["tlb_flushes"] == 32 and d["churn"]["vpid_changes"] == 8 and d["churn"]["vpid_rollovers"] == 4' \
		'sum(d["churn"]["tlb"]) == 32' \
		'd["interrupts"]["queued"] == 128 and d["interrupts"]["delivered"] == 128' \
		'd["interrupts"]["latency"]["min_ns"] == 500 and d["interrupts"]["latency"]["max_ns"] == 500' \
		'd["events"]["kvm_exit"] == 768 and d["events"]["kvm_enter"] == 260' \
		'd["gspr_kinds"] == {"csr": 128, "iocsr": 128, "idle": 128}'
	kt_check json-schema "does not validate (python3-jsonschema: scripts/deps.sh test)" python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$W/la.json" "$top/docs/json/trace-viewer.v1.schema.json"
else
	kt_fail la-profile "trace-viewer failed: $(cat "$W/err")"
fi

# the same scenario starting mid-round (each vCPU thread's first record an IOCSR
# write) with every identity marker at the end: each record counts in its vCPU
# and VM, per-vCPU sums equal per-VM sums equal the totals (gen-la's counts:
# 32 rounds + 1 IOCSR write per vCPU)
"$B/gen-la" "$W/late.dat" 32 2 2 20000 late || kt_fail la-late-identity "gen-la failed"
if "$TV" --json "$W/late.dat" >"$W/late.json" 2>"$W/err"; then
	kt_check la-late-identity "counts differ" $JC "$W/late.json" \
		'd["events"]["kvm_exit_iocsr"] == 4 * 33' \
		'all(c["pio_out"] == 33 and c["exits"] == 192 and c["userspace_exits"] == 64 for c in d["vcpus"])' \
		'[(c["vm"], c["vcpu_id"], c["tid"]) for c in d["vcpus"]] == [("la-vm-0", 0, 1001), ("la-vm-0", 1, 1002), ("la-vm-1", 0, 1101), ("la-vm-1", 1, 1102)]' \
		'[(m["name"], m["pid"], m["vcpus"], m["exits"], m["userspace_exits"]) for m in d["vms"]] == [("la-vm-0", 1000, 2, 384, 128), ("la-vm-1", 1100, 2, 384, 128)]' \
		'sum(c["pio_out"] + c["pio_in"] for c in d["vcpus"]) == d["events"]["kvm_exit_iocsr"]' \
		'sum(m["exits"] for m in d["vms"]) == sum(c["exits"] for c in d["vcpus"]) == d["exits"]["total"]' \
		'sum(m["userspace_exits"] for m in d["vms"]) == sum(c["userspace_exits"] for c in d["vcpus"]) == d["userspace_exits"]["total"]' \
		'sum(c["latency"]["all"]["count"] for c in d["vcpus"]) == d["latency"]["all"]["count"]'
else
	kt_fail la-late-identity "trace-viewer failed: $(cat "$W/err")"
fi

# filters and windows
"$TV" --json --vm la-vm-1 "$W/la.dat" >"$W/f1.json" 2>/dev/null &&
"$TV" --json --vm 1000 --vcpu 1 "$W/la.dat" >"$W/f2.json" 2>/dev/null &&
"$TV" --json --tid 1101 "$W/la.dat" >"$W/f3.json" 2>/dev/null &&
"$TV" --json --from 1ms --to 1.0015ms "$W/la.dat" >"$W/f4.json" 2>/dev/null
kt_check filters "filtered counts differ" $JC "$W/f1.json" \
	'd["exits"]["total"] == 384 and [m["name"] for m in d["vms"]] == ["la-vm-1"]'
kt_check filter-vm-vcpu "filtered counts differ" $JC "$W/f2.json" \
	'd["exits"]["total"] == 192 and [(c["vm"], c["vcpu_id"]) for c in d["vcpus"]] == [("la-vm-0", 1)]'
kt_check filter-tid "filtered counts differ" $JC "$W/f3.json" \
	'd["exits"]["total"] == 192 and [c["tid"] for c in d["vcpus"]] == [1101]'
kt_check window "windowed counts differ" $JC "$W/f4.json" \
	'd["exits"]["total"] == 4 and reason("gspr")["count"] == 4 and d["latency"]["all"]["count"] == 0'
"$TV" --vm no-such-vm "$W/la.dat" >/dev/null 2>"$W/err"
kt_check filter-unknown-vm "$(cat "$W/err")" grep -q "no VM named 'no-such-vm'" "$W/err"

# lost events recorded in the pages are reported (direct and libtracecmd paths):
# CPU 0's last page says 7 events were lost before it, CPU 1's second page an unknown number
python3 - "$W/la.dat" "$W/missed.dat" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"flyrecord\0") + 10
o0, s0, o1, s1 = struct.unpack_from("<QQQQ", d, i)
last = o0 + s0 - 4096
commit = struct.unpack_from("<Q", d, last + 8)[0]
assert commit + 8 <= 4096 - 16
struct.pack_into("<Q", d, last + 8, commit | (1 << 31) | (1 << 30))
struct.pack_into("<Q", d, last + 16 + commit, 7)
c1 = struct.unpack_from("<Q", d, o1 + 4096 + 8)[0]
struct.pack_into("<Q", d, o1 + 4096 + 8, c1 | (1 << 31))
open(sys.argv[2], "wb").write(d)
EOF
for path in direct libtracecmd; do
	if [ $path = direct ]; then "$TV" --json "$W/missed.dat" >"$W/missed.json" 2>&1
	else TV_NO_DIRECT=1 "$TV" --json "$W/missed.dat" >"$W/missed.json" 2>&1; fi
	kt_check missed-events-$path "lost events not reported" $JC "$W/missed.json" \
		'd["missed_events"] == 7 and d["missed_places"] == 2' 'd["exits"]["total"] == 768'
done
"$TV" "$W/missed.dat" 2>/dev/null | grep -q "WARNING: events were lost while recording: 7 events missed in 2 places"
kt_check missed-events-text "no warning in the text report" test $? = 0

# the text report names things from the catalog
"$TV" "$W/la.dat" >"$W/la.txt" 2>&1
kt_check text-report "missing lines" grep -q "^  GSPR  *384 " "$W/la.txt"
kt_check text-csr-names "no TCFG row" grep -q "^  TCFG *0x41 *wr" "$W/la.txt"

# trace-cmd reads our writer's files and prints the catalog's names
command -v trace-cmd >/dev/null ||
	kt_fail trace-cmd-installed "trace-cmd is not installed (scripts/deps.sh test)"
trace-cmd report "$W/la.dat" >"$W/la.report" 2>/dev/null
kt_check trace-cmd-reads-fixture "trace-cmd report output differs" \
	test "$(grep -c ' kvm_exit: ' "$W/la.report")" = 768
# (trace-cmd's x86 kvm plugin prefixes "<CANT FIND FIELD exit_reason>" to kvm_exit)
kt_check trace-cmd-symbolic "no reason=GSPR" grep -q "kvm_exit: .*vcpu_id=1 reason=GSPR esubcode=0" "$W/la.report"
# v7: zstd and uncompressed give the same analysis as v6
sed 's|"file": "[^"]*"|"file": ""|' "$W/la.json" >"$W/la.norm"
for c in zstd none; do
	if trace-cmd convert -i "$W/la.dat" -o "$W/la7$c.dat" --file-version 7 \
	   --compression $c >/dev/null 2>&1; then
		"$TV" --json "$W/la7$c.dat" 2>/dev/null | sed 's|"file": "[^"]*"|"file": ""|' >"$W/la7$c.norm"
		kt_check v7-$c "analysis differs from v6" cmp -s "$W/la.norm" "$W/la7$c.norm"
	else
		kt_skip v7-$c "trace-cmd convert cannot write v7 $c here"
	fi
done

# ---- percentiles against the exact ones ----
# gen-lat makes one exit, and one interrupt queue -> deliver, per latency given
# (one vCPU); pctl.py draws the latencies and computes the exact percentiles
# from the same file (nearest rank: sorted[ceil(n p / 100) - 1]).  Each
# trace-viewer p50/p90/p99 (all, in-kernel, the reason, the vCPU, its in-kernel
# class, interrupts) must equal the exact one when it says "exact", else be
# within the JSON's stated bound, itself at most 6.25 %.  Twice: exact samples
# kept (the default), and histograms only (--exact-samples 0).  heavy (p99 ~
# 35 s) and clusters (30 % at 10 s) go past 2^32 ns, where exact samples keep
# their order but not their value.
for dist in uniform heavy single clusters; do
	if ! python3 "$here/pctl.py" gen "$dist" 2000 13 >"$W/pct-$dist.txt" ||
	   ! "$B/gen-lat" "$W/pct-$dist.dat" <"$W/pct-$dist.txt"; then
		kt_fail "percentiles-$dist" "gen-lat failed"
		continue
	fi
	for mode in exact histogram; do
		args=(--json)
		[ "$mode" = histogram ] && args+=(--exact-samples 0)
		if "$TV" "${args[@]}" "$W/pct-$dist.dat" >"$W/pct-$dist-$mode.json" 2>"$W/err"; then
			kt_check "percentiles-$dist-$mode" "$(python3 "$here/pctl.py" check "$W/pct-$dist.txt" \
				"$W/pct-$dist-$mode.json" | head -1)" \
				python3 "$here/pctl.py" check "$W/pct-$dist.txt" "$W/pct-$dist-$mode.json"
		else
			kt_fail "percentiles-$dist-$mode" "trace-viewer failed: $(cat "$W/err")"
		fi
	done
done
kt_check percentiles-scheme "percentile_scheme or the kinds differ" $JC "$W/pct-clusters-exact.json" \
	'd["percentile_scheme"] == {"rank": "nearest", "exact_samples_max": 16777216, "exact_samples_dropped": False, "histogram": "log-linear", "sub_buckets": 16, "exact_below_ns": 32, "max_rel_error": 0.03125}' \
	'd["latency"]["all"]["percentiles"] == "log-linear" and d["latency"]["userspace"]["percentiles"] is None' \
	'reason("tlbl")["latency"]["all"]["percentiles"] == "log-linear"'
kt_check percentiles-kinds "percentiles kinds differ" $JC "$W/pct-uniform-exact.json" \
	'd["latency"]["all"]["percentiles"] == "exact" and d["vcpus"][0]["latency"]["all"]["percentiles"] == "exact"' \
	'd["vcpus"][0]["latency"]["kernel"]["percentiles"] == "log-linear"' \
	'd["interrupts"]["latency"]["percentiles"] == "log-linear"'
kt_check percentiles-dropped "exact_samples_dropped is not true" $JC "$W/pct-uniform-histogram.json" \
	'd["percentile_scheme"]["exact_samples_dropped"] is True and d["percentile_scheme"]["exact_samples_max"] == 0' \
	'd["latency"]["all"]["percentiles"] == "log-linear"'
# the text report marks each percentile from the histogram with ~ (clusters:
# p50 at 2 us exact, p90 and p99 at 10 s, past 2^32 ns, from the histogram)
"$TV" "$W/pct-clusters.dat" >"$W/pct-clusters.txt" 2>&1
"$TV" "$W/pct-uniform.dat" >"$W/pct-uniform.txt" 2>&1
kt_check percentiles-text-marks "the all line's ~ marks differ" awk '
	FNR == 1 { file++ }
	$1 == "all" && NF == 7 { seen[file] = 1; if (file == 1) ok1 = $4 !~ /^~/ && $5 ~ /^~/ && $6 ~ /^~/
				 else ok2 = $0 !~ /~/ }
	END { exit !(seen[1] && seen[2] && ok1 && ok2) }' "$W/pct-clusters.txt" "$W/pct-uniform.txt"
kt_check percentiles-json-schema "does not validate" python3 -c '
import json, sys, jsonschema
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), json.load(open(sys.argv[1])))' \
	"$top/docs/json/trace-viewer.v1.schema.json" "$W/pct-heavy-exact.json" "$W/pct-heavy-histogram.json"

# ---- import: a tracefs snapshot directory (gen-snap, a known LoongArch
# scenario per page size) into a trace.dat; the analysis must give gen-snap's
# counts.  Per round: cpu0 3 GSPR exits (800 ns to re-entry), cpu1 2 TLBL
# (500 ns), cpu4 1 INT (200 ns); cpu2 empty, cpu3 without a file ----
import_roundtrip() {	# import_roundtrip PAGE_SIZE ROUNDS
	local ps=$1 r=$2 c=import-${1}-r$2 s=$W/snap-$1-$2 n pages
	if ! "$B/gen-snap" "$s" "$ps" "$r" 2>"$W/err"; then kt_fail "$c" "gen-snap: $(cat "$W/err")"; return; fi
	if ! "$TV" import "$s" -o "$W/imp-$ps-$r.dat" 2>"$W/imp.err" ||
	   ! "$TV" --json "$W/imp-$ps-$r.dat" >"$W/imp-$ps-$r.json" 2>>"$W/imp.err"; then
		kt_fail "$c" "$(tail -1 "$W/imp.err")"; return
	fi
	pages=$(( ($(stat -c %s "$s"/per_cpu/cpu0/trace_pipe_raw) + $(stat -c %s "$s"/per_cpu/cpu1/trace_pipe_raw) +
		   $(stat -c %s "$s"/per_cpu/cpu4/trace_pipe_raw)) / ps ))
	n=$(find "$s/events" -name format | wc -l)
	kt_check "$c-summary" "summary: $(cat "$W/imp.err")" test "$(cat "$W/imp.err")" = \
		"trace-viewer: wrote $W/imp-$ps-$r.dat (5 CPUs, $pages pages of $ps bytes, $n event formats)"
	kt_check "$c-counts" "counts differ from gen-snap's" $JC "$W/imp-$ps-$r.json" \
		'd["profile"] == "loongarch" and d["missed_events"] == 0' \
		"d['exits']['total'] == 6 * $r" "reason('gspr')['count'] == 3 * $r" \
		"reason('tlbl')['count'] == 2 * $r" "reason('int')['count'] == $r" \
		"d['events'] == {'kvm_enter': 3, 'kvm_exit': 6 * $r, 'kvm_reenter': 6 * $r}"
	kt_check "$c-vcpus" "vCPUs differ from gen-snap's" $JC "$W/imp-$ps-$r.json" \
		"[(c['tid'], c['comm'], c['vcpu_id'], c['exits'], c['by_reason']) for c in d['vcpus']] == [(2001, 'CPU 0/KVM', 0, 3 * $r, {'gspr': 3 * $r}), (2002, 'CPU 1/KVM', 1, 2 * $r, {'tlbl': 2 * $r}), (2003, 'CPU 2/KVM', 2, $r, {'int': $r})]"
	# the last re-entry: round r-1, third exit (+2000 ns), +800 ns
	kt_check "$c-times" "timestamps differ from gen-snap's" $JC "$W/imp-$ps-$r.json" \
		'd["first_ts_ns"] == 4999000' "d['span_ns'] == 1000 + 10000 * ($r - 1) + 2800" \
		"d['latency']['kernel']['count'] == 6 * $r" \
		'd["latency"]["kernel"]["min_ns"] == 200 and d["latency"]["kernel"]["p50_ns"] == 500 and d["latency"]["kernel"]["max_ns"] == 800'
}
import_roundtrip 16384 1
import_roundtrip 16384 1000
import_roundtrip 4096 1
import_roundtrip 4096 1000
# the multi-page snapshots do span pages (else the cases above prove less)
kt_check import-multipage "cpu0 holds one page" test "$(stat -c %s "$W/snap-16384-1000/per_cpu/cpu0/trace_pipe_raw")" -gt 16384
# every command reads an imported file: trace-cmd, the text report, HTML, the viewer's refusal without a tty
trace-cmd report "$W/imp-16384-1000.dat" >"$W/imp.report" 2>/dev/null
kt_check import-trace-cmd "trace-cmd sees $(grep -c ' kvm_exit: ' "$W/imp.report") kvm_exit" \
	test "$(grep -c ' kvm_exit: .*reason=GSPR' "$W/imp.report") $(grep -c ' kvm_exit: ' "$W/imp.report")" = "3000 6000"
trace-cmd dump --options "$W/imp-16384-1000.dat" >"$W/imp.opts" 2>&1
kt_check import-clock "no [global] clock option: $(grep -A1 TRACECLOCK "$W/imp.opts" | tr '\n' ' ')" \
	grep -qx '\[global\]' "$W/imp.opts"
"$TV" "$W/imp-16384-1000.dat" >"$W/imp.txt" 2>&1
kt_check import-text-report "no GSPR row of 3000" grep -q "^  GSPR  *3000 " "$W/imp.txt"
"$TV" --html "$W/imp.html" "$W/imp-4096-1000.dat" >/dev/null 2>"$W/err"
kt_check import-html "$(cat "$W/err")" grep -q 'data-ready' "$W/imp.html"
# the viewer in a pseudo-terminal jumps to the first slow exit (GSPR's 800 ns are, TLBL's 500 not)
(sleep 1; printf n; sleep 0.3; printf q) |
	TERM=xterm timeout 20 script -qfec "stty cols 120 rows 30; '$TV' view --slow 700ns '$W/imp-16384-1.dat'" \
	"$W/imp-tui.log" >/dev/null 2>&1
kt_check import-view "no jump to a slow GSPR exit" grep -aq "slow exit: GSPR, 800ns" "$W/imp-tui.log"
# the default output name is trace.dat in the working directory
mkdir -p "$W/impcwd"
(cd "$W/impcwd" && "$TV" import -q "$W/snap-4096-1") >"$W/out" 2>"$W/err"
kt_check import-default-output "$(cat "$W/err")" test -s "$W/impcwd/trace.dat" -a ! -s "$W/out" -a ! -s "$W/err"

# bad snapshots: exit 1, one line naming the problem, nothing on stdout, the
# output untouched (an existing one) or not created, no temporary file left
import_bad() {	# import_bad case expected-substring damage-command...
	local c=$1 want=$2 s=$W/bad-$1 rc; shift 2
	rm -rf "$s"; cp -a "$W/snap-16384-1000" "$s"
	(cd "$s" && eval "$*") || { kt_fail "$c" "could not damage the snapshot"; return; }
	echo KEEP >"$W/keep.dat"
	"$TV" import "$s" -o "$W/keep.dat" >"$W/out" 2>"$W/err"; rc=$?
	rm -f "$W/new.dat"
	"$TV" import "$s" -o "$W/new.dat" >>"$W/out" 2>/dev/null
	if [ $rc -ne 1 ]; then kt_fail "$c" "exit $rc, expected 1"
	elif [ "$(wc -l <"$W/err")" != 1 ]; then kt_fail "$c" "$(wc -l <"$W/err") lines on stderr"
	elif ! grep -qF -- "$want" "$W/err" || ! grep -q '^trace-viewer: import: ' "$W/err"; then
		kt_fail "$c" "message: $(cat "$W/err")"
	elif [ -s "$W/out" ]; then kt_fail "$c" "stdout: $(head -c 200 "$W/out")"
	elif [ "$(cat "$W/keep.dat")" != KEEP ]; then kt_fail "$c" "the existing output was changed"
	elif [ -e "$W/new.dat" ]; then kt_fail "$c" "an output was created"
	elif ls "$W"/keep.dat.tmp-* "$W"/new.dat.tmp-* >/dev/null 2>&1; then kt_fail "$c" "a temporary file was left"
	else kt_pass "$c"; fi
}
import_bad import-missing-dir "$W/bad-import-missing-dir: No such file or directory" 'rm -rf "$PWD"'
import_bad import-not-a-dir "not a directory" 'rm -rf "$PWD" && echo x >"$PWD"'
import_bad import-no-header-page "events/header_page: No such file or directory" 'rm events/header_page'
import_bad import-no-header-event "events/header_event: No such file or directory" 'rm events/header_event'
import_bad import-no-data-field "events/header_page: no 'data' field with offset and size: the page size cannot be derived" \
	'sed -i /data/d events/header_page'
import_bad import-bad-page-size "data offset 16 + size 4000 is not a page size" 'sed -i s/size:16368/size:4000/ events/header_page'
import_bad import-32bit-header "not the page header of a 64-bit kernel" \
	'sed -i "s/commit;\toffset:8;\tsize:8/commit;\toffset:8;\tsize:4/" events/header_page'
import_bad import-no-formats "/events: no SYSTEM/EVENT/format files" 'rm -r events/kvm events/ftrace'
import_bad import-bad-format "events/kvm/kvm_exit/format: not an event format" 'echo garbage >events/kvm/kvm_exit/format'
import_bad import-cpu-not-pages "per_cpu/cpu1/trace_pipe_raw: 20000 bytes, not a multiple of the page size 16384 (from header_page)" \
	'truncate -s 20000 per_cpu/cpu1/trace_pipe_raw'
import_bad import-cpu-pages-of-4k "per_cpu/cpu0/trace_pipe_raw: 4096 bytes, not a multiple of the page size 16384" \
	'cp ../snap-4096-1/per_cpu/cpu0/trace_pipe_raw per_cpu/cpu0/'
import_bad import-bad-commit "per_cpu/cpu4/trace_pipe_raw: page 2: commit 16369 exceeds the page (16368 bytes of data)" \
	'printf "\xf1\x3f" | dd of=per_cpu/cpu4/trace_pipe_raw bs=1 seek=$((2 * 16384 + 8)) conv=notrunc status=none'
# 16361 bytes of data fit, but not with the 8-byte lost-event count bit 30 says follows them
import_bad import-bad-commit-lost-count "per_cpu/cpu0/trace_pipe_raw: page 1: commit 16361 + 8 (a lost-event count) exceeds the page (16368 bytes of data)" \
	'printf "\xe9\x3f\x00\x40" | dd of=per_cpu/cpu0/trace_pipe_raw bs=1 seek=$((16384 + 8)) conv=notrunc status=none'
import_bad import-unreadable-header "events/header_event: not a regular file" 'rm events/header_event && mkdir events/header_event'
import_bad import-unreadable-cpu "per_cpu/cpu1/trace_pipe_raw: not a regular file" \
	'rm per_cpu/cpu1/trace_pipe_raw && mkdir per_cpu/cpu1/trace_pipe_raw'
import_bad import-no-cpus "/per_cpu: no cpuN directories" 'rm -r per_cpu/* && mkdir per_cpu/cpux'
import_bad import-bad-clock "trace_clock: no clock name" 'echo "[x y" >trace_clock'
# an output directory that does not exist
"$TV" import "$W/snap-4096-1" -o "$W/no/such/dir/t.dat" >"$W/out" 2>"$W/err"
kt_check import-bad-output "exit $?: $(cat "$W/err")" grep -qx "trace-viewer: import: $W/no/such/dir/t.dat: cannot create a file beside it: No such file or directory" "$W/err"

# ---- bad flags and bad files: one line on stderr; exit status 2 for bad
# usage, 1 for a file that cannot be read ----
bad() {	# bad case expected-substring args...   (exit status in $want_rc)
	local c=$1 want=$2; shift 2
	"$TV" "$@" >"$W/out" 2>"$W/err"
	local rc=$? lines
	lines=$(wc -l <"$W/err")
	if [ $rc -ne "${want_rc:-1}" ]; then kt_fail "$c" "exit $rc, expected ${want_rc:-1}"
	elif [ "$lines" != 1 ]; then kt_fail "$c" "$lines lines on stderr"
	elif ! grep -q -- "^trace-viewer: .*$want" "$W/err"; then kt_fail "$c" "message: $(cat "$W/err")"
	elif [ -s "$W/out" ]; then kt_fail "$c" "stdout: $(head -c 200 "$W/out")"
	else kt_pass "$c"; fi
}
usage_bad() { want_rc=2 bad "$@"; }
usage_bad bad-flag "unknown or incomplete option '--bogus'" --bogus "$W/la.dat"
usage_bad bad-flag-missing-arg "unknown or incomplete option" "$W/la.dat" --from
usage_bad bad-time "--from: bad time" --from 12parsecs "$W/la.dat"
usage_bad bad-window "--to must be after --from" --from 2s --to 1s "$W/la.dat"
usage_bad bad-vcpu "--vcpu: bad vCPU id" --vcpu -3 "$W/la.dat"
usage_bad bad-exact-samples "--exact-samples: expected 0..4294967296" --exact-samples lots "$W/la.dat"
usage_bad no-file "no trace file given"
usage_bad two-files "exactly one trace file" "$W/la.dat" "$W/la.dat"
usage_bad record-bad-duration "bad duration" record -d -1
usage_bad record-bad-event "bad event" record -e 'kvm:$x'
usage_bad record-bad-flag "record: unknown or incomplete option" record --bogus
usage_bad import-no-dir "import: no snapshot directory given" import
usage_bad import-two-dirs "import: exactly one snapshot directory expected" import "$W" "$W"
usage_bad import-bad-flag "import: unknown or incomplete option '--bogus'" import --bogus "$W"
usage_bad import-missing-output "import: unknown or incomplete option '-o'" import "$W" -o
usage_bad import-empty-output "import: empty output file name" import "$W" -o ''
"$TV" import --help >"$W/out" 2>"$W/err"
kt_check import-help "exit $?: $(cat "$W/err")" grep -q "trace-viewer import DIR \[-o FILE\]" "$W/out"
"$TV" --help >"$W/out" 2>&1
kt_bug_report help-bug-report "$W/out"
# --json: the same line on stderr, and one {"error": ...} line on stdout
"$TV" --json --bogus "$W/la.dat" >"$W/out" 2>"$W/err"; rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$W/out")" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
   $JC "$W/out" 'list(d) == ["error"]' "\"unknown or incomplete option '--bogus'\" in d['error']" >/dev/null; then
	kt_pass bad-flag-json
else kt_fail bad-flag-json "exit $rc, stdout: $(head -c 200 "$W/out")"; fi
# out of memory (KVMLA_TEST_ALLOC_FAIL=1: the first allocation of the tools'
# helpers fails): one line, exit 1
KVMLA_TEST_ALLOC_FAIL=1 "$TV" "$W/la.dat" >"$W/out" 2>"$W/err"; rc=$?
if [ $rc = 1 ] && [ "$(cat "$W/err")" = "trace-viewer: out of memory" ] && [ ! -s "$W/out" ]; then
	kt_pass out-of-memory
else kt_fail out-of-memory "exit $rc: $(head -c 200 "$W/err")"; fi
bad missing-file "No such file" "$W/none.dat"
bad directory "not a regular file" "$W"
: >"$W/empty.dat"
bad empty-file "bad magic" "$W/empty.dat"
head -c 5000 /dev/urandom >"$W/random.dat"
bad random-file "bad magic" "$W/random.dat"
head -c 3000 "$W/la.dat" >"$W/trunc-header.dat"
bad truncated-header "truncated" "$W/trunc-header.dat"
# cut in CPU 2's data (page 4 of its 7, 1696 bytes into it; CPU 3's data is
# all lost).  This was refused whole until the reader learnt to read cut
# files: now exit 0, one warning line, "truncated" in the JSON, and the
# records of CPUs 0-1, the first 4 pages of CPU 2 and some of its 5th.
# trace-cmd counts the bounds on copies whose table ends CPU 2 after 4 and
# after 5 pages, CPU 3 empty (exact counts: the cut-v6-* cases below).
head -c 100000 "$W/la.dat" >"$W/trunc-data.dat"
python3 - "$W/la.dat" "$W/trunc-lo.dat" "$W/trunc-hi.dat" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
t = d.index(b"flyrecord\0") + 10
for path, pages in ((sys.argv[2], 4), (sys.argv[3], 5)):
    struct.pack_into("<Q", d, t + 16 * 2 + 8, pages * 4096)
    struct.pack_into("<Q", d, t + 16 * 3 + 8, 0)
    open(path, "wb").write(d)
EOF
lo=$(trace-cmd report "$W/trunc-lo.dat" 2>/dev/null | grep -c '\[00[0-3]\]')
hi=$(trace-cmd report "$W/trunc-hi.dat" 2>/dev/null | grep -c '\[00[0-3]\]')
"$TV" --json "$W/trunc-data.dat" >"$W/out" 2>"$W/err"; rc=$?
if [ $rc = 0 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
   grep -q "^trace-viewer: warning: $W/trunc-data.dat is cut short at byte 100000 (2 CPUs lost data)" "$W/err" &&
   $JC "$W/out" 'd["truncated"]["at_offset"] == 100000 and d["truncated"]["cpus"] == [2, 3]' \
	"$lo < d['records'] < $hi" >/dev/null; then
	kt_pass truncated-data
else kt_fail truncated-data "exit $rc ($lo..$hi): $(head -c 200 "$W/err") $($JC "$W/out" "$lo < d['records'] < $hi")"; fi

# ---- cut files, exact: gen-la's uniform trace (3 CPUs x 4 pages x 90
# kvm_exit records) cut at every section boundary and inside pages, v6 and
# v7 (cutcheck.py: the expected records from the construction) ----
rb=$("$B/gen-la" "$W/uni.dat" uniform 3 4 90)
v7=
if trace-cmd convert -i "$W/uni.dat" -o "$W/uni7.dat" --file-version 7 --compression none \
   >/dev/null 2>&1; then
	v7=$W/uni7.dat
else
	kt_skip cut-v7 "trace-cmd convert cannot write v7 here"
fi
mkdir -p "$W/cut"
python3 "$here/cutcheck.py" "$TV" "$W/uni.dat" 90 "${rb#record_bytes=}" \
	"$top/docs/json/trace-viewer.v1.schema.json" "$W/cut" $v7 >"$W/cut.out" 2>&1 ||
	kt_fail cutcheck "cutcheck.py failed: $(tail -1 "$W/cut.out")"
[ "$(grep -c '^PASS\|^FAIL' "$W/cut.out")" -ge 33 ] || kt_fail cutcheck "too few cases: $(tail -1 "$W/cut.out")"
while read -r st name rest; do
	case $st in
	PASS) kt_pass "$name" ;;
	FAIL) kt_fail "${name%:}" "$rest" ;;
	esac
done <"$W/cut.out"
# a page whose commit says 64 KB
python3 - "$W/la.dat" "$W/bad-page.dat" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"flyrecord\0") + 10
off = struct.unpack_from("<Q", d, i)[0]
struct.pack_into("<Q", d, off + 8, 65536)
open(sys.argv[2], "wb").write(d)
EOF
bad corrupt-page "page larger than the page size" "$W/bad-page.dat"
# a format text that libtraceevent cannot survive (found by the fuzzer)
python3 - "$W/la.dat" "$W/bad-format.dat" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"field:unsigned short common_type", d.index(b"name: kvm_exit\n"))
d[i + 7:i + 9] = b"\x8d\x8c"
open(sys.argv[2], "wb").write(d)
EOF
"$TV" "$W/bad-format.dat" >/dev/null 2>"$W/err"
rc=$?
if [ $rc -le 1 ] && [ "$(wc -l <"$W/err")" -le 1 ]; then
	kt_pass hostile-format
else
	kt_fail hostile-format "exit $rc: $(head -c 200 "$W/err")"
fi
# a damaged header on which libtracecmd's open loops for ever (found by the
# fuzzer, kept in fixtures/hostile: a v7 options section without its end
# option, libtracecmd reads on and follows a chain back to it): validate.c
# refuses it before libtracecmd sees it, at once
timeout 60 "$TV" "$here/fixtures/hostile/header-loop.dat" >/dev/null 2>"$W/err"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
   grep -q 'options section without its end option' "$W/err"; then
	kt_pass hostile-header-loop
else
	kt_fail hostile-header-loop "exit $rc: $(head -c 200 "$W/err")"
fi
# a v7 BUFFER option naming CPU 2686976 in a 28 KB file (found by the 1-hour
# fuzz run: libtracecmd sized its per-CPU tables by it, 800 MB): refused by
# validate.c in one line, in little memory (ulimit -v 262144: 256 MB)
rc=$( (ulimit -v 262144; timeout 60 "$TV" "$here/fixtures/hostile/cpu-number.dat" >/dev/null 2>"$W/err"); echo $?)
if [ "$rc" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] && grep -q 'CPU number past 8191' "$W/err"; then
	kt_pass hostile-cpu-number
else
	kt_fail hostile-cpu-number "exit $rc: $(head -c 200 "$W/err")"
fi
# a libtracecmd whose open never returns (LD_PRELOAD: no damaged file known
# now gets past validate.c and loops): one error line after the probe's
# 10 s, even from a parent that ignores or catches SIGALRM (bash's trap ''
# below; libFuzzer catches it, and its fuzz_reader hung on such an input).
# Without the probe's alarm the outer timeout ends it (exit 124).
cat >"$W/hang.c" <<'EOF2'
#include <unistd.h>
void *tracecmd_open(const char *file, int flags)
{
	(void)file;
	(void)flags;
	for (;;)
		pause();
}
EOF2
if ${CC:-cc} -shared -fPIC -o "$W/hang.so" "$W/hang.c" 2>"$W/err"; then
	timeout 60 bash -c 'trap "" ALRM; exec "$@"' - env LD_PRELOAD="$W/hang.so" "$TV" "$W/la.dat" \
		>/dev/null 2>"$W/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
	   grep -q 'corrupt trace.dat (its headers could not be read in 10 s)' "$W/err"; then
		kt_pass probe-timeout
	else
		kt_fail probe-timeout "exit $rc: $(head -c 200 "$W/err")"
	fi
else
	kt_fail probe-timeout "cannot build the hanging libtracecmd: $(head -c 200 "$W/err")"
fi
"$TV" --json "$W/empty.dat" >"$W/out" 2>/dev/null
kt_check json-error "no {\"error\"} on stdout" $JC "$W/out" '"bad magic" in d["error"]'

# ---- --perfetto: Trace Event Format files (perfetto.sh) ----
. "$here/perfetto.sh"

# ---- the viewer: refuses without a terminal; in a pseudo-terminal it
# jumps to the next slow exit and shows the event under the cursor ----
bad view-needs-tty "needs a terminal" view "$W/la.dat"
(sleep 1; printf n; sleep 0.3; printf +; sleep 0.3; printf j; sleep 0.3; printf q) |
	TERM=xterm timeout 20 script -qfec "stty cols 120 rows 30; '$TV' view --slow 40us '$W/la.dat'" \
	"$W/tui.log" >/dev/null 2>&1
rc=$?
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$W/tui.log" | tr -d '\r' >"$W/tui.txt"
if [ $rc -ne 0 ]; then kt_fail view-keys "exit $rc"
elif ! grep -aq "slow exit: GSPR, 50.20us" "$W/tui.txt"; then kt_fail view-keys "no jump to the slow exit"
elif ! grep -aq "exit at 28.30us cpu 0 tid 1001 vcpu 0 reason GSPR" "$W/tui.txt"; then
	kt_fail view-keys "no event under the cursor"
else kt_pass view-keys; fi

# a cut file in the viewer: its title says so (the file of truncated-data)
(sleep 1; printf q) | TERM=xterm timeout 20 script -qfec "stty cols 120 rows 30; '$TV' view '$W/trunc-data.dat'" \
	"$W/tui-cut.log" >/dev/null 2>&1
rc=$?
if [ $rc = 0 ] && sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$W/tui-cut.log" | tr -d '\r' |
   grep -aq "CUT SHORT at byte 100000: 2 CPUs lost data"; then
	kt_pass view-cut-title
else kt_fail view-cut-title "exit $rc, no CUT SHORT in the title"; fi

# ---- libFuzzer over the reader, time-bounded ----
if "$B/fuzz_reader" -help=1 >/dev/null 2>&1; then
	mkdir -p "$W/corpus"
	"$here/fuzz-seeds.sh" "$B" "$W/corpus"
	# leaks: ours are findings; the trace libraries' own are suppressed by
	# name (lsan.supp), and the case below shows the file is what does it
	supp=$here/lsan.supp
	if ! grep -q '^leak:tep_parse_event$' "$supp"; then
		kt_fail fuzz-lsan-supp "$supp does not name tep_parse_event"
	elif ! (cd "$W" && LSAN_OPTIONS=suppressions=$supp "$B/fuzz_reader" -runs=2 \
			"$here/fuzz-corpus/v6-cut.dat" >"$W/supp-on.log" 2>&1); then
		kt_fail fuzz-lsan-supp "v6-cut.dat leaks with the suppressions: $(grep -m1 -A3 'Direct leak' "$W/supp-on.log" | tr '\n' ' ')"
	elif (cd "$W" && "$B/fuzz_reader" -runs=2 "$here/fuzz-corpus/v6-cut.dat" >"$W/supp-off.log" 2>&1) ||
	     ! grep -q 'ERROR: LeakSanitizer' "$W/supp-off.log"; then
		kt_fail fuzz-lsan-supp "no library leak without the suppressions (the case cannot fail)"
	elif (cd "$W" && FUZZ_READER_LEAK=1 LSAN_OPTIONS=suppressions=$supp "$B/fuzz_reader" -runs=2 \
			"$here/fuzz-corpus/v6-cut.dat" >"$W/supp-ours.log" 2>&1) ||
	     ! grep -q 'in LLVMFuzzerTestOneInput' "$W/supp-ours.log"; then
		kt_fail fuzz-lsan-supp "a leak of our own (FUZZ_READER_LEAK) is hidden by $supp"
	else
		kt_pass fuzz-lsan-supp
	fi
	# the suppressions name glibc's sscanf for libtracecmd's %ms: none of ours
	if grep -nE 'scanf\(.*%[0-9]*m' "$top"/tools/trace-viewer/*.c >"$W/pm.txt"; then
		kt_fail fuzz-no-percent-m "a %m conversion in trace-viewer: $(head -1 "$W/pm.txt")"
	else
		kt_pass fuzz-no-percent-m
	fi
	# the committed inputs (regressions among them) leak nothing of ours
	if (cd "$W" && LSAN_OPTIONS=suppressions=$supp "$B/fuzz_reader" -runs=1 \
		"$here"/fuzz-corpus/* >"$W/replay.log" 2>&1); then
		kt_pass fuzz-reader-corpus
	else
		kt_fail fuzz-reader-corpus "$(grep -m1 -E 'ERROR|SUMMARY' "$W/replay.log"): $(grep -m1 -A2 'leak of' "$W/replay.log" | tail -1)"
	fi
	# the probe worker (fuzz_probe): an input on which libtracecmd crashes
	# (zstd-options-crash.dat: trace-viewer without its probe dies of it) and
	# inputs on which its open never returns (LD_PRELOAD of $W/hang.so) are
	# refused, the worker replaced: no crash of ours, no hang (1 s each)
	rc=$( (TV_NO_PROBE=1 "$TV" "$here/fixtures/hostile/zstd-options-crash.dat" >/dev/null 2>&1)
	     echo $?) 2>/dev/null
	if [ $rc -le 128 ]; then
		kt_fail fuzz-reader-hostile "trace-viewer without its probe did not die on zstd-options-crash.dat (exit $rc)"
	elif ! (cd "$W" && LSAN_OPTIONS=suppressions=$supp timeout -k 5 60 "$B/fuzz_reader" -runs=2 \
			-artifact_prefix="$W/hostile-" "$here/fixtures/hostile/zstd-options-crash.dat" \
			"$W/corpus/la-min.dat" >"$W/hostile.log" 2>&1); then
		kt_fail fuzz-reader-hostile "library crash: $(grep -m1 -E 'ERROR|SUMMARY' "$W/hostile.log")"
	elif ! grep -q 'probe worker: .*/fuzz_probe$' "$W/hostile.log"; then
		kt_fail fuzz-reader-hostile "not fuzz_probe: $(grep -m1 'probe worker' "$W/hostile.log")"
	elif [ ! -f "$W/hang.so" ] || ! (cd "$W" && LSAN_OPTIONS=suppressions=$supp timeout -k 5 30 \
			env LD_PRELOAD="$W/hang.so" "$B/fuzz_reader" -runs=2 "$W/corpus/la-min.dat" \
			"$W/corpus/v7-none.dat" >"$W/hostile-hang.log" 2>&1); then
		kt_fail fuzz-reader-hostile "library hang: $(grep -m1 -E 'ERROR|SUMMARY|ALARM' "$W/hostile-hang.log")"
	else
		kt_pass fuzz-reader-hostile
	fi
	# -timeout: an input that takes 15 s (thousands of times the usual few ms) is a
	# finding (exit 70, a timeout-* file), not a hang of the whole case; the outer
	# timeout is only a last resort above max_total_time + that.
	# -detect_leaks=0: no leak check per input (the libraries' leaks would make
	# libFuzzer scan the heap after most inputs, 8 times slower); LSan still
	# checks the whole run at exit, with the suppressions
	(cd "$W" && ASAN_OPTIONS=allocator_may_return_null=1 LSAN_OPTIONS=suppressions=$supp \
		timeout -k 5 60 "$B/fuzz_reader" -max_total_time="${TV_FUZZ_SECONDS:-10}" -seed="${TV_FUZZ_SEED:-1}" -timeout=15 \
		-detect_leaks=0 -max_len=65536 -rss_limit_mb=1024 -artifact_prefix="$W/" corpus \
		>"$W/fuzz.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		kt_pass fuzz-reader
	elif [ $rc -eq 70 ]; then
		kt_fail fuzz-reader "a slow input: $(grep -m1 -E 'ALARM|timeout' "$W/fuzz.log") (the timeout-* file is copied to /tmp)"
		cp "$W"/timeout-* /tmp/ 2>/dev/null
	else
		kt_fail fuzz-reader "exit $rc: $(grep -m1 -E 'ERROR|SUMMARY' "$W/fuzz.log")"
		cp "$W"/crash-* "$W"/leak-* "$W"/timeout-* /tmp/ 2>/dev/null
	fi
	# the pages alone (formats parsed once: thousands of inputs a second),
	# with the inputs that once hung the time bins as a regression corpus
	mkdir -p "$W/pcorpus"
	cp "$here"/fuzz-pages-corpus/* "$W/pcorpus/"
	(cd "$W" && timeout -k 5 60 "$B/fuzz_pages" -max_total_time="${TV_FUZZ_SECONDS:-10}" -seed="${TV_FUZZ_SEED:-1}" -timeout=5 \
		-detect_leaks=0 -artifact_prefix="$W/" pcorpus >"$W/fuzzp.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		kt_pass fuzz-pages
	else
		kt_fail fuzz-pages "exit $rc: $(grep -m1 -E 'ERROR|SUMMARY' "$W/fuzzp.log")"
		cp "$W"/crash-* "$W"/timeout-* /tmp/ 2>/dev/null
	fi
	# import: a header_page text, a NUL and cpu0's pages (seeds: gen-snap's 4 KiB and
	# 16 KiB snapshots) through import and, when accepted, the reader and reports;
	# -close_fd_mask=2: import's expected one-line errors are not logged
	mkdir -p "$W/icorpus"
	for ps in 4096 16384; do
		{ cat "$W/snap-$ps-1/events/header_page"; printf '\0'
		  cat "$W/snap-$ps-1/per_cpu/cpu0/trace_pipe_raw"; } >"$W/icorpus/seed-$ps"
	done
	(cd "$W" && timeout -k 5 60 "$B/fuzz_import" -max_total_time="${TV_FUZZ_SECONDS:-10}" -seed="${TV_FUZZ_SEED:-1}" -timeout=5 \
		-detect_leaks=0 -close_fd_mask=2 -artifact_prefix="$W/" icorpus >"$W/fuzzi.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		kt_pass fuzz-import
	else
		kt_fail fuzz-import "exit $rc: $(grep -m1 -E 'ERROR|SUMMARY' "$W/fuzzi.log")"
		cp "$W"/crash-* "$W"/timeout-* /tmp/ 2>/dev/null
	fi
else
	kt_fail fuzz-reader "$B/fuzz_reader is not a libFuzzer program (clang-19, libclang-rt-19-dev: scripts/deps.sh test)"
fi

# ---- live: record the test VMM, counts must equal its own ----
VMM=$top/tests/vmm/kvmla-vmm
live() {
	kt_need_root live-record || return
	kt_need_kvm live-record || return
	kt_need_tracefs live-record || return
	if ! make -s -C "$top/tests/vmm" >"$W/vmm-build.log" 2>&1; then
		kt_fail live-record "tests/vmm does not build: $(tail -n 1 "$W/vmm-build.log")"; return
	fi
	# 2 VMs x 2 vCPUs; other helpers may run guests too: record only the VMM's tree
	if ! "$TV" record -q -o "$W/live.dat" -- "$VMM" -m 2 -c 2 --pio-out 40 --pio-in 20 \
	     --mmio-write 12 --mmio-read 8 --hlt 5 --cpuid 3 --delay-us 300 --start-delay 300 --hold 300 \
	     --json "$W/vmm.json" 2>"$W/err"; then
		kt_fail live-record "$(tail -1 "$W/err")"
		return
	fi
	kt_pass live-record
	if ! "$TV" --json "$W/live.dat" >"$W/live.json" 2>"$W/err"; then
		kt_fail live-analyse "$(cat "$W/err")"
		return
	fi
	kt_check live-missed "events were lost" $JC "$W/live.json" 'd["missed_events"] == 0 and d["missed_places"] == 0'
	# the direct reader's own page walk against libtracecmd's iteration, on pages the kernel
	# wrote (time extends from the start delay and the hold, paddings)
	TV_NO_DIRECT=1 "$TV" --json "$W/live.dat" >"$W/live-nd.json" 2>/dev/null
	kt_check live-direct-is-libtracecmd "the direct reader and libtracecmd (TV_NO_DIRECT=1) differ" \
		cmp -s "$W/live.json" "$W/live-nd.json"
	VMM_JSON=$W/vmm.json kt_check live-vms "VMs differ" $JC "$W/live.json" \
		'sorted((m["name"], m["pid"], m["vcpus"]) for m in d["vms"]) == sorted((m["name"], m["pid"], len(m["vcpus"])) for m in v["vms"])'
	VMM_JSON=$W/vmm.json kt_check live-exact-counts "counts differ from the VMM's" $JC "$W/live.json" \
		'all(vcpu(m["name"], c["vcpu_id"])["tid"] == c["tid"] for m in v["vms"] for c in m["vcpus"])' \
		'all(vcpu(m["name"], c["vcpu_id"])["pio_out"] == c["exits"]["io_out"] for m in v["vms"] for c in m["vcpus"])' \
		'all(vcpu(m["name"], c["vcpu_id"])["pio_in"] == c["exits"]["io_in"] for m in v["vms"] for c in m["vcpus"])' \
		'all(vcpu(m["name"], c["vcpu_id"])["mmio_write"] == c["exits"]["mmio_write"] for m in v["vms"] for c in m["vcpus"])' \
		'all(vcpu(m["name"], c["vcpu_id"])["mmio_read"] == c["exits"]["mmio_read"] for m in v["vms"] for c in m["vcpus"])' \
		'all(all(vcpu(m["name"], c["vcpu_id"])["userspace_by_reason"].get(k, 0) == n for k, n in c["userspace_exits"].items()) for m in v["vms"] for c in m["vcpus"])' \
		'sum(m["userspace_exits"] for m in d["vms"]) == v["totals"]["userspace_exits"]'
	# the Trace Event file of the recording: a slice per userspace exit the VMM counted
	# (this host's KVM has no kvm_exit: each exit begins at its userspace exit)
	if "$TV" --perfetto "$W/live-pf.json" "$W/live.dat" 2>"$W/err"; then
		kt_check live-perfetto-format "$(python3 "$here/techeck.py" --names "$W/live-pf.json" | head -2)" \
			python3 "$here/techeck.py" --names --quiet "$W/live-pf.json"
		VMM_JSON=$W/vmm.json kt_check live-perfetto-counts "exit slices differ from the VMM's counts" $JC "$W/live-pf.json" \
			'len(evs(ph="X", cat="exit")) == v["totals"]["userspace_exits"]' \
			'len(evs(ph="X", cat="exit", name="io")) == v["totals"]["io_out"] + v["totals"]["io_in"]' \
			'len(evs(ph="X", cat="exit", name="mmio")) == v["totals"]["mmio_write"] + v["totals"]["mmio_read"]' \
			'len(evs(ph="X", cat="exit", name="hlt")) == v["totals"]["hlt"]' \
			'sorted((e["pid"], e["args"]["name"]) for e in evs(ph="M", name="process_name")) == sorted((m["pid"], m["name"]) for m in v["vms"])' \
			'sorted((e["tid"], e["args"]["name"]) for e in evs(ph="M", name="thread_name")) == sorted((c["tid"], "vCPU %d" % c["vcpu_id"]) for m in v["vms"] for c in m["vcpus"])'
	else
		kt_fail live-perfetto-format "$(cat "$W/err")"
	fi
	# every userspace round trip waits --delay-us 300 in the VMM
	kt_check live-latency-reflects-delay "round trips shorter than the VMM delay" $JC "$W/live.json" \
		'd["latency"]["userspace"]["count"] > 0' \
		'reason("io", "userspace_exits")["latency"]["userspace"]["min_ns"] >= 300000' \
		'reason("mmio", "userspace_exits")["latency"]["userspace"]["min_ns"] >= 300000' \
		'300000 <= d["latency"]["userspace"]["p50_ns"] < 10000000'
	# a longer delay moves the round trips by as much
	if "$TV" record -q -o "$W/live2.dat" -- "$VMM" -m 1 -c 1 --pio-out 30 --delay-us 1300 \
	     --start-delay 200 --json "$W/vmm2.json" 2>"$W/err" &&
	   "$TV" --json "$W/live2.dat" >"$W/live2.json" 2>>"$W/err"; then
		p300=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency"]["userspace"]["p50_ns"])' "$W/live.json")
		kt_check live-latency-tracks-delay "p50 did not move with the delay (300 us: $p300 ns)" $JC "$W/live2.json" \
			'd["latency"]["userspace"]["min_ns"] >= 1300000' \
			"d['latency']['userspace']['p50_ns'] >= 1300000 and d['latency']['userspace']['p50_ns'] > $p300"
	else
		kt_fail live-latency-tracks-delay "$(tail -1 "$W/err")"
	fi
	# trace-cmd reads the recording
	n=$(trace-cmd report "$W/live.dat" 2>/dev/null | grep -c ' kvm_pio: ')
	VMM_JSON=$W/vmm.json kt_check live-trace-cmd-report "trace-cmd sees $n kvm_pio" \
		$JC "$W/live.json" "$n == v['totals']['io_out'] + v['totals']['io_in']"
	"$TV" --json --vm kvmla-vm-1 "$W/live.dat" >"$W/live1.json" 2>/dev/null
	kt_check live-filter-vm "VM filter" $JC "$W/live1.json" '[m["name"] for m in d["vms"]] == ["kvmla-vm-1"]'
	# a one-page buffer per CPU cannot keep up with 20000 port writes: the
	# kernel's lost-event marks must come through as missed events
	if "$TV" record -q -b 4 -o "$W/lost.dat" -- "$VMM" --pio-out 20000 --json "$W/vmm3.json" 2>"$W/err" &&
	   "$TV" --json "$W/lost.dat" >"$W/lost.json" 2>>"$W/err"; then
		kt_check live-lost-events "overruns not reported" $JC "$W/lost.json" \
			'd["missed_events"] > 0 and d["missed_places"] > 0' \
			'sum(c["pio_out"] for c in d["vcpus"]) < 20000'
		dropped=$(trace-cmd report "$W/lost.dat" 2>/dev/null | grep -o '\[[0-9]* EVENTS DROPPED\]' |
			  awk '{ s += substr($1, 2) } END { printf "%d %d", s, NR }')
		kt_check live-lost-events-as-trace-cmd "trace-cmd report counts '$dropped'" $JC "$W/lost.json" \
			"'%d %d' % (d['missed_events'], d['missed_places']) == '$dropped'"
	else
		kt_fail live-lost-events "$(tail -1 "$W/err")"
	fi
	# a vCPU thread that names itself "CPU 0/KVM" only 150 ms after it appears (a
	# new thread a loaded machine does not run at once): its row still gets the
	# name and the vcpu_id in it (this host's KVM emits no kvm_exit to carry one)
	if "$TV" record -q -o "$W/late.dat" -- "$B/late-name" >"$W/late.tid" 2>"$W/err" &&
	   "$TV" --json "$W/late.dat" >"$W/late.json" 2>>"$W/err"; then
		kt_check live-late-thread-name "the thread's name came too late" $JC "$W/late.json" \
			"[(c['tid'], c['comm'], c['vcpu_id']) for c in d['vcpus']] == [($(cat "$W/late.tid"), 'CPU 0/KVM', 0)]"
	else
		kt_fail live-late-thread-name "$(tail -1 "$W/err")"
	fi
	# SIGINT ends a recording cleanly: the file is written and readable
	"$TV" record -q -d 60 -o "$W/int.dat" 2>"$W/err" &
	pid=$!
	sleep 1
	kill -INT $pid
	if wait $pid && "$TV" "$W/int.dat" >/dev/null 2>>"$W/err" &&
	   ! ls /sys/kernel/tracing/instances | grep -q "kvmla-tv-$pid\$"; then
		kt_pass record-sigint
	else
		kt_fail record-sigint "$(tail -1 "$W/err")"
	fi
	# SIGKILL: the recorder's keeper process writes the file from what was
	# recorded.  The command (a shell that runs the VMM, then sleeps) is left
	# running: the recorder is killed once the VMM has finished, so every
	# event of it is in the file and the counts must equal the VMM's own.
	rm -f "$W/wrap.pid"
	"$TV" record -q -o "$W/kill.dat" -- sh -c 'echo $$ >"$1"; shift; "$@"; exec sleep 60' sh \
		"$W/wrap.pid" "$VMM" -m 1 -c 2 --pio-out 40 --pio-in 20 --start-delay 300 --hold 300 \
		--json "$W/vmm-kill.json" 2>"$W/err" &
	pid=$!
	for _ in $(seq 200); do [ -s "$W/vmm-kill.json" ] && break; sleep 0.1; done
	sleep 0.3
	kill -KILL $pid
	wait $pid 2>/dev/null
	for _ in $(seq 200); do	# the keeper removes the instance last
		ls /sys/kernel/tracing/instances | grep -q "kvmla-tv-$pid\$" || break
		sleep 0.1
	done
	[ -s "$W/wrap.pid" ] && kill "$(cat "$W/wrap.pid")" 2>/dev/null
	if "$TV" --json "$W/kill.dat" >"$W/kill.json" 2>>"$W/err" && [ ! -s "$W/err" ] &&
	   ! ls /sys/kernel/tracing/instances | grep -q "kvmla-tv-$pid\$"; then
		VMM_JSON=$W/vmm-kill.json kt_check record-sigkill "counts differ from the VMM's" \
			$JC "$W/kill.json" 'd["truncated"] is None' \
			'all(vcpu(m["name"], c["vcpu_id"])["pio_out"] == c["exits"]["io_out"] == 40 for m in v["vms"] for c in m["vcpus"])' \
			'all(vcpu(m["name"], c["vcpu_id"])["pio_in"] == c["exits"]["io_in"] == 20 for m in v["vms"] for c in m["vcpus"])'
		# that real recording cut 100 bytes into the data of its busiest CPU
		# reads up to the cut: fewer records, one warning, "truncated" set
		python3 - "$W/kill.dat" "$W/kill-cut.dat" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
t = d.index(b"flyrecord\0") + 10
n = struct.unpack_from("<I", d, d.index(b"options  ") - 4)[0]
off, size = max((struct.unpack_from("<QQ", d, t + 16 * c) for c in range(n)), key=lambda e: e[1])
open(sys.argv[2], "wb").write(d[:off + 16 + 100])
EOF
		"$TV" --json "$W/kill-cut.dat" >"$W/kill-cut.json" 2>"$W/err"; rc=$?
		all=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$W/kill.json")
		if [ $rc = 0 ] && [ "$(wc -l <"$W/err")" = 1 ] && grep -q "warning: .* is cut short at byte" "$W/err" &&
		   $JC "$W/kill-cut.json" 'd["truncated"]["at_offset"] > 0' "0 < d['records'] < $all" >/dev/null; then
			kt_pass record-sigkill-cut
		else
			kt_fail record-sigkill-cut "exit $rc: $(head -c 200 "$W/err")"
		fi
	else
		kt_fail record-sigkill "$(tail -1 "$W/err")"
	fi
	# --duration with nothing to run ends on time and still writes a readable file
	if "$TV" record -q -d 0.3 -e kvm:kvm_pio -p $$ -o "$W/short.dat" 2>"$W/err" &&
	   "$TV" "$W/short.dat" >/dev/null 2>&1; then
		kt_pass record-duration
	else
		kt_fail record-duration "$(cat "$W/err")"
	fi
}
live

# ---- live import: a tracefs snapshot taken with plain shell (cat and dd, as on
# a host without trace-cmd) while the test VMM runs; imported, its counts must
# equal the VMM's own, per vCPU thread (no markers in a snapshot: VMs "unknown") ----
live_import() {
	local T=/sys/kernel/tracing inst S=$W/live-snap pids="" d n ps rc=0
	kt_need_root live-import || return
	kt_need_kvm live-import || return
	kt_need_tracefs live-import || return
	[ -x "$VMM" ] || { kt_fail live-import "tests/vmm/kvmla-vmm is not built"; return; }
	inst=$T/instances/kvmla-import-$$
	mkdir "$inst" || { kt_fail live-import "cannot create $inst"; return; }
	{
		echo 0 >"$inst/tracing_on" && echo 4096 >"$inst/buffer_size_kb" &&
		echo 0 >"$inst/buffer_percent" && echo 1 >"$inst/options/event-fork" &&
		echo 1 >"$inst/events/kvm/enable" && echo 1 >"$inst/tracing_on"
	} 2>"$W/err" || rc=1
	mkdir -p "$S/events" "$S/per_cpu"
	# readers while the workload runs
	for d in "$inst"/per_cpu/cpu*; do
		n=${d##*/}
		mkdir -p "$S/per_cpu/$n"
		cat "$d/trace_pipe_raw" >"$S/per_cpu/$n/trace_pipe_raw" &
		pids="$pids $!"
	done
	# only the VMM's tree: its pid (the shell's, before exec) and what it forks
	[ $rc = 0 ] && sh -c 'echo $$ >"$1/set_event_pid" && shift && exec "$@"' sh "$inst" \
		"$VMM" -m 2 -c 2 --pio-out 40 --pio-in 20 --mmio-write 12 --mmio-read 8 --hlt 5 --cpuid 3 \
		--start-delay 300 --hold 300 --json "$W/vmm-imp.json" >/dev/null 2>>"$W/err" || rc=1
	echo 0 >"$inst/tracing_on"
	# the readers block on an empty buffer: stop them, then take what is left without blocking
	for n in $pids; do kill "$n" 2>/dev/null; wait "$n" 2>/dev/null; done
	ps=$(sed -n 's/.*char data;.*offset:\([0-9]*\);.*size:\([0-9]*\);.*/\1 \2/p' "$T/events/header_page" |
	     awk '{ print $1 + $2 }')
	for d in "$inst"/per_cpu/cpu*; do
		dd if="$d/trace_pipe_raw" of="$S/per_cpu/${d##*/}/trace_pipe_raw" bs="$ps" iflag=nonblock \
			oflag=append conv=notrunc status=none 2>/dev/null
	done
	cat "$T/events/header_page" >"$S/events/header_page"
	cat "$T/events/header_event" >"$S/events/header_event"
	for d in "$T"/events/kvm/*/; do
		n=$(basename "$d")
		mkdir -p "$S/events/kvm/$n"
		cat "$d/format" >"$S/events/kvm/$n/format"
	done
	cat "$T/saved_cmdlines" >"$S/saved_cmdlines"
	cat "$inst/trace_clock" >"$S/trace_clock"
	echo 0 >"$inst/events/kvm/enable"
	rmdir "$inst"
	if [ $rc != 0 ]; then kt_fail live-import "the workload or tracefs failed: $(tail -1 "$W/err")"; return; fi
	if ! "$TV" import -q "$S" -o "$W/live-imp.dat" 2>"$W/err" ||
	   ! "$TV" --json "$W/live-imp.dat" >"$W/live-imp.json" 2>>"$W/err"; then
		kt_fail live-import "$(tail -1 "$W/err")"; return
	fi
	kt_pass live-import
	kt_check live-import-missed "events were lost" $JC "$W/live-imp.json" \
		'd["missed_events"] == 0 and d["missed_places"] == 0'
	VMM_JSON=$W/vmm-imp.json kt_check live-import-exact-counts "counts differ from the VMM's" $JC "$W/live-imp.json" \
		'sorted(c["tid"] for c in d["vcpus"]) == sorted(c["tid"] for m in v["vms"] for c in m["vcpus"])' \
		'all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["vcpu_id"] == c["vcpu_id"] for m in v["vms"] for c in m["vcpus"])' \
		'all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["pio_out"] == c["exits"]["io_out"] for m in v["vms"] for c in m["vcpus"])' \
		'all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["pio_in"] == c["exits"]["io_in"] for m in v["vms"] for c in m["vcpus"])' \
		'all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["mmio_write"] == c["exits"]["mmio_write"] for m in v["vms"] for c in m["vcpus"])' \
		'all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["mmio_read"] == c["exits"]["mmio_read"] for m in v["vms"] for c in m["vcpus"])' \
		'all(all([x for x in d["vcpus"] if x["tid"] == c["tid"]][0]["userspace_by_reason"].get(k, 0) == n for k, n in c["userspace_exits"].items()) for m in v["vms"] for c in m["vcpus"])' \
		'd["userspace_exits"]["total"] == v["totals"]["userspace_exits"]'
}
live_import

# ---- the HTML report opens in headless Chromium without errors ----
html() {
	local chrome
	"$TV" --html "$W/report.html" "$W/la.dat" 2>"$W/err" || { kt_fail html "$(cat "$W/err")"; return; }
	if grep -Eq '(src|href)="(https?:)?//' "$W/report.html" || grep -q '@import' "$W/report.html"; then
		kt_fail html-offline "the page references the network"
	else
		kt_pass html-offline
	fi
	chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
	if [ -z "$chrome" ]; then kt_fail html-chromium "chromium is not installed (scripts/deps.sh test)"; return; fi
	local prof; prof=$(mktemp -d "$W/chrome.XXXXXX")
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --window-size=1280,1600 \
		--screenshot="$W/shot.png" "file://$W/report.html" >"$W/chrome.out" 2>"$W/chrome.log"
	if [ ! -s "$W/shot.png" ]; then
		kt_fail html-chromium "no screenshot: $(tail -1 "$W/chrome.log")"
		return
	fi
	kt_check html-not-blank "the screenshot is blank" python3 "$here/png_stats.py" "$W/shot.png"
	# page errors: uncaught exceptions and console errors are logged as CONSOLE lines
	if grep -E 'CONSOLE|Uncaught|ERROR:.*(page|script)' "$W/chrome.log" | grep -v -E 'dbus|Fontconfig|gpu|GPU' >"$W/pageerr"; [ -s "$W/pageerr" ]; then
		kt_fail html-no-page-errors "$(head -1 "$W/pageerr")"
	else
		kt_pass html-no-page-errors
	fi
	# the same check sees an error in a page that has one (the check can fail)
	echo '<html><body><p>x</p><script>noSuchFunction();</script></body></html>' >"$W/broken.html"
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --screenshot="$W/broken.png" "file://$W/broken.html" \
		>/dev/null 2>"$W/broken.log"
	kt_check html-error-check-works "a page error went unseen" grep -q 'CONSOLE.*Uncaught' "$W/broken.log"
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--dump-dom "file://$W/report.html" >"$W/dom.html" 2>/dev/null
	kt_check html-dom "the scripted parts did not run" grep -q 'data-ready="1"' "$W/dom.html"
	[ -n "${TV_SCREENSHOT:-}" ] && cp "$W/shot.png" "$TV_SCREENSHOT"
}
html

# ---- the HTML timeline spans the whole trace, zooms and pans (tlcheck.py) ----
# gen-phases: one vCPU from 5 s on, 6 phases of 524.288 ms (3.145728 s in all,
# fine bins of 2.048 ms; each pattern but two lasts one bin); per phase the
# state that dominates it, its share and its exits per bin are known.
cat >"$W/phases.txt" <<'EOS'
256 g 1536000 k 512000            # guest 75%, 1 exit per 2.048 ms
256 h 1843200 g 204800            # halted 90%, 1 exit
256 u 1228800 k 819200            # userspace 60%, 2 exits
1   k 524288000                   # kernel 100%
1   g 524288000                   # guest 100%
256 g 1000000 k 100000 h 948000   # guest 48.8%, 2 exits
EOS
"$B/gen-phases" "$W/phases.dat" 5000000000 <"$W/phases.txt" || kt_fail gen-phases "gen-phases failed"
tl_dom() {	# PAGE KEYS OUT: the DOM after the keys are pressed on the page
	sed "s|</body>|<script>for (const k of '$2') document.dispatchEvent(new KeyboardEvent('keydown', {key: k}));</script></body>|" \
		"$1" >"$W/tl-keys.html"
	timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$W/tl-prof" \
		--enable-logging=stderr --v=0 --dump-dom "file://$W/tl-keys.html" >"$3" 2>"$W/tl-chrome.log"
}
tl_page_errors() {	# the last tl_dom's uncaught exceptions and console errors
	grep -E 'CONSOLE|Uncaught|ERROR:.*(page|script)' "$W/tl-chrome.log" | grep -v -E 'dbus|Fontconfig|gpu|GPU'
}
timeline_html() {
	local chrome keys out
	chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
	[ -n "$chrome" ] || { kt_fail html-timeline "chromium is not installed"; return; }
	if ! "$TV" --html "$W/phases.html" "$W/phases.dat" 2>"$W/err"; then
		kt_fail html-timeline "--html failed: $(cat "$W/err")"
		return
	fi
	# the whole trace; zoomed in around the centre; then panned; zoomed out to the whole again
	local keys out m name from to
	for keys in "" "+" "++l" "+hhh" "+lll" "+++l-" "++0"; do
		tl_dom "$W/phases.html" "$keys" "$W/tl-dom.html"
		if out=$(python3 "$here/tlcheck.py" "$W/tl-dom.html" "$W/phases.txt" 5000000000 "$keys" 2>&1); then
			kt_pass "html-timeline-keys[$keys]"
		else
			kt_fail "html-timeline-keys[$keys]" "$out"
		fi
		if out=$(tl_page_errors); then kt_fail "html-timeline-no-page-errors[$keys]" "$out"; fi
	done
	# an empty window (nothing analysed): no columns, a range of 0, and no page error
	"$TV" --html "$W/tl-empty.html" --from 100s "$W/phases.dat" 2>"$W/err"
	tl_dom "$W/tl-empty.html" "+l-" "$W/tl-dom.html"
	if out=$(tl_page_errors); then kt_fail html-timeline-empty "page error: $out"
	elif grep -q 'class="tlc"' "$W/tl-dom.html" || ! grep -q 'data-end-ns="0"' "$W/tl-dom.html"; then
		kt_fail html-timeline-empty "columns or a range in an empty window"
	else kt_pass html-timeline-empty; fi
	# the checks fail on broken pages: a fixed column width (the first 480 x 256 us), a zoom
	# that does nothing, the last state seen in a column instead of the dominant one
	for m in 'fixed-width@e0 = S;  /\* the shown range@e0 = Math.min(S, 480 * 256000);  /* the shown range@' \
		 'no-zoom@n = Math.max(MIN, Math.floor(w / 2))@n = w@+' \
		 'not-dominant@if (v\[k\] > 0 \&\& (d < 0 || v\[k\] > v\[d\])) d = k@if (v[k] > 0) d = k@'; do
		IFS='@' read -r name from to keys <<<"$m"
		sed "s#$from#$to#" "$W/phases.html" >"$W/tl-broken.html"
		if cmp -s "$W/phases.html" "$W/tl-broken.html"; then
			kt_fail "html-timeline-catches-$name" "the mutation did not apply"
			continue
		fi
		tl_dom "$W/tl-broken.html" "$keys" "$W/tl-dom.html"
		if out=$(python3 "$here/tlcheck.py" "$W/tl-dom.html" "$W/phases.txt" 5000000000 "$keys"); then
			kt_fail "html-timeline-catches-$name" "tlcheck.py passed a broken page"
		else
			kt_pass "html-timeline-catches-$name"
		fi
	done
}
timeline_html

# ---- the viewer's timeline spans the whole trace and zooms (tmux, no colours: letters) ----
tui_timeline() {
	local sock="tv-test-$$" F=5000000000 S=3145728000 step keys from to out i
	if ! command -v tmux >/dev/null; then kt_fail view-timeline "tmux is not installed"; return; fi
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 \
		"env TERM=vt100 '$TV' view '$W/phases.dat'; sleep 30" || { kt_fail view-timeline "tmux failed"; return; }
	# keys, then the range expected: + halves the span around the cursor (at the start);
	# L scrolls a screen and puts the cursor mid-screen; + again around it
	for step in ":$F:$((F + S))" "+:$F:$((F + S / 2))" "L+:$((F + 5 * S / 8)):$((F + 7 * S / 8))"; do
		IFS=: read -r keys from to <<<"$step"
		[ -n "$keys" ] && tmux -L "$sock" send-keys -l "$keys"
		for i in $(seq 50); do	# the screen, once it shows that range (5 s at most: a loaded machine)
			tmux -L "$sock" capture-pane -p >"$W/tui-tl.txt"
			grep -q "^range (ns) $from\.\.$to " "$W/tui-tl.txt" && break
			sleep 0.1
		done
		if out=$(python3 "$here/tlcheck.py" --tui "$W/tui-tl.txt" "$W/phases.txt" $F "$from" "$to"); then
			kt_pass "view-timeline[$keys]"
		else
			kt_fail "view-timeline[$keys]" "$out"
		fi
	done
	tmux -L "$sock" kill-server 2>/dev/null
}
tui_timeline

exit $KT_FAILED
