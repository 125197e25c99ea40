#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvmstat-la bench, side by side on one workload (test VMM, --loop):
#  1. probe cost per event: BPF run_time_ns / run_cnt with run-time stats on
#     (bpf(BPF_ENABLE_STATS)), ours vs a bpftrace one-liner counting the
#     same kvm:* events;
#  2. dashboard CPU per refresh, same refresh (1 s) and same events (every
#     kvm:* event): kvmstat-la (TUI, BPF) vs kvm_stat from the 6.12 tree (TUI,
#     in a private mount namespace whose /proc/cpuinfo carries the svm/vmx
#     flag it insists on) vs the bpftrace one-liner.
# Not part of make check.  Env: BENCH_SECS (default 12).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=$top/tools/kvmstat-la/kvmstat-la
V=$top/tests/vmm/kvmla-vmm
secs=${BENCH_SECS:-12}
tmp=$(mktemp -d /tmp/kvmla-bench.XXXXXX)
vmm=
cleanup() {
	[ -n "$vmm" ] && kill -TERM "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	for s in ours kvmstat; do tmux kill-session -t "kb$s$$" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
skip() { echo "SKIP: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$T" ] && [ -x "$V" ] || skip "build first (make)"
command -v tmux >/dev/null || skip "needs tmux"
kvm_stat=$(ls "$(scripts/prepare-kernel.sh 2>/dev/null || true)"/tools/kvm/kvm_stat/kvm_stat 2>/dev/null ||
	ls /var/cache/kvmla/*/linux-source-6.12/tools/kvm/kvm_stat/kvm_stat 2>/dev/null | head -1)

cpu_ns() { # on-CPU time of a process, all its threads, in ns (schedstat)
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}

"$V" -m 2 -c 1 -n kbench --loop --json /dev/null >/dev/null 2>&1 &
vmm=$!
sleep 1

# probe cost: ns/event over the BPF programs not in the id list $1 (those
# loaded by the tool under test), while they exist
prog_ids() { bpftool prog show -j 2>/dev/null | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
probe_cost() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
old = set(int(x) for x in sys.argv[1].split())
t = n = 0
for p in json.load(sys.stdin):
    if p["id"] not in old:
        t += p.get("run_time_ns", 0); n += p.get("run_cnt", 0)
print(f"{t / n:.1f} {n}" if n else "nan 0")' "$1"
}

# measure NAME PID: CPU seconds of PID over $secs after an 8 s warm-up
# (every tool here attaches every kvm:* event first); also probe cost for COMM
measure() {
	local name=$1 pid=$2 comm=${3:-}
	sleep 8
	local t0 c0 t1 c1
	t0=$(date +%s.%N); c0=$(cpu_ns "$pid")
	sleep "$secs"
	t1=$(date +%s.%N); c1=$(cpu_ns "$pid")
	awk -v a="$c0" -v b="$c1" -v x="$t0" -v y="$t1" \
		'BEGIN { printf "%.6f %.2f\n", (b - a) / 1e9, y - x }' >"$tmp/$name.cpu"
	[ -n "$comm" ] && probe_cost "${comm#ids:}" >"$tmp/$name.probe"
	true
}

# tui NAME COMM CMD: a dashboard in tmux (a real terminal)
tui() {
	local name=$1 comm=$2; shift 2
	local s=kb$name$$
	rm -f "$tmp/$name.pid"
	tmux new-session -d -s "$s" -x 160 -y 50 "sh -c 'echo \$\$ > $tmp/$name.pid; exec $*'"
	for _ in $(seq 200); do [ -s "$tmp/$name.pid" ] && break; sleep 0.05; done
	measure "$name" "$(cat "$tmp/$name.pid")" "$comm"
	tmux capture-pane -p -t "$s" >"$tmp/$name.screen"
	tmux kill-session -t "$s" 2>/dev/null
	sleep 1
}

echo "workload: kvmla-vmm -m 2 -c 1 --loop; ${secs} s per tool; refresh 1 s; every kvm:* event"
python3 "$top/bench/bpf-stats.py" $((secs * 3 + 60)) >"$tmp/stats.out" &
statp=$!
for _ in $(seq 100); do grep -q enabled "$tmp/stats.out" && break; sleep 0.1; done
grep -q enabled "$tmp/stats.out" || echo "note: BPF_ENABLE_STATS failed: run_time_ns stays 0"

tui ours "ids:$(prog_ids)" "$T" -s 1

before=$(prog_ids)
bpftrace -e 'tracepoint:kvm:* { @[probe, pid, tid] = count(); } interval:s:1 { print(@); }' \
	>/dev/null 2>&1 &
btp=$!
measure bpftrace "$btp" "ids:$before"
kill -INT "$btp"; wait "$btp" 2>/dev/null
kill "$statp" 2>/dev/null; wait "$statp" 2>/dev/null

if [ -n "$kvm_stat" ] && [ -r "$kvm_stat" ]; then
	# kvm_stat refuses a host whose cpuinfo lacks vmx/svm (this nested VM):
	# give it one in a private mount namespace
	awk '/^flags/ && !/ (svm|vmx)( |$)/ { sub(/: /, ": svm ") } { print }' /proc/cpuinfo >"$tmp/cpuinfo"
	tui kvmstat "" unshare -m sh -c "\"mount --bind $tmp/cpuinfo /proc/cpuinfo && exec python3 $kvm_stat -t -s 1\""
	grep -q "kvm_" "$tmp/kvmstat.screen" || echo "note: kvm_stat screen: $(head -3 "$tmp/kvmstat.screen" | tr '\n' ' ')"
else
	echo "note: kvm_stat not found (scripts/prepare-kernel.sh extracts the 6.12 tree)"
fi

# 3. what each tool costs the guests: KVM_RUN round trips per second of the
#    same workload run for $secs s with the tool attached, against none
kill -TERM "$vmm" 2>/dev/null; wait "$vmm" 2>/dev/null; vmm=
vm_cpu_ns() { # on-CPU ns of every thread of the kbt VM processes
	local f t=0
	for f in /proc/[0-9]*/cmdline; do
		if { tr "\0" " " <"$f"; } 2>/dev/null | grep -q -- "-name kbt-"; then
			t=$(( t + $(cat "${f%/cmdline}"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d\n", s }') ))
		fi
	done
	echo $t
}
workload() { # NAME: the workload for $secs s; "rate cpu_ns_per_round_trip"
	"$V" -m 2 -c 1 -n kbt --loop --json "$tmp/$1.vmm.json" >/dev/null 2>&1 &
	local p=$! c0 c1
	sleep 1; c0=$(vm_cpu_ns)
	sleep "$secs"; c1=$(vm_cpu_ns)
	kill -INT $p; wait $p
	[ -n "$c0" ] && [ -n "$c1" ] && [ -s "$tmp/$1.vmm.json" ] || { : >"$tmp/$1.rate"; return; }
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); n = d["totals"]["userspace_exits"]
print(n / 2 / (float(sys.argv[2]) + 1), (int(sys.argv[4]) - int(sys.argv[3])) / (n * float(sys.argv[2]) / (float(sys.argv[2]) + 1)))' \
		"$tmp/$1.vmm.json" "$secs" "$c0" "$c1" >"$tmp/$1.rate"
}
workload none
"$T" -s 1 -l >/dev/null 2>&1 &
tp=$!; sleep 8; workload ours; kill $tp; wait $tp 2>/dev/null
bpftrace -e 'tracepoint:kvm:* { @[probe, pid, tid] = count(); } interval:s:1 { print(@); }' >/dev/null 2>&1 &
tp=$!; sleep 8; workload bpftrace; kill -INT $tp; wait $tp 2>/dev/null
if [ -s "$tmp/cpuinfo" ]; then
	unshare -m sh -c "mount --bind $tmp/cpuinfo /proc/cpuinfo && exec python3 $kvm_stat -t -s 1 -l" >/dev/null 2>&1 &
	tp=$!; sleep 8; workload kvmstat; kill $tp; wait $tp 2>/dev/null
fi
echo "guest side, same workload with the tool attached (${secs} s each; CPU of the VM threads per KVM_RUN round trip):"
for t in none ours bpftrace kvmstat; do
	[ "$(wc -w <"$tmp/$t.rate" 2>/dev/null)" = 2 ] && [ "$(wc -w <"$tmp/none.rate")" = 2 ] || continue
	python3 - "$t" $(cat "$tmp/$t.rate") $(cat "$tmp/none.rate") <<'PY'
import sys
name, r, c, r0, c0 = sys.argv[1], *map(float, sys.argv[2:6])
label = {"none": "no tool", "ours": "kvmstat-la (BPF)", "bpftrace": "bpftrace one-liner",
         "kvmstat": "kvm_stat 6.12 (-t)"}[name]
print(f"  {label:<26} {r:10.0f} round trips/s/vCPU  {c / 1e3:8.2f} us CPU each  ({(c - c0) / 1e3:+.2f} us)")
PY
done

read -r oc ot <"$tmp/ours.cpu"
read -r opc on <"$tmp/ours.probe"
read -r bc bt <"$tmp/bpftrace.cpu"
read -r bpc bn <"$tmp/bpftrace.probe"
printf "%-28s %12s %14s %14s\n" tool "CPU s/refresh" "probe ns/event" "events probed"
printf "%-28s %12.5f %14s %14s\n" "kvmstat-la (BPF, TUI)" "$(echo "$oc / $ot" | bc -l)" "$opc" "$on"
printf "%-28s %12.5f %14s %14s\n" "bpftrace one-liner" "$(echo "$bc / $bt" | bc -l)" "$bpc" "$bn"
if [ -s "$tmp/kvmstat.cpu" ]; then
	read -r kc kt <"$tmp/kvmstat.cpu"
	printf "%-28s %12.5f %14s %14s\n" "kvm_stat 6.12 (-t, TUI)" "$(echo "$kc / $kt" | bc -l)" "n/a" "n/a"
fi
python3 - "$tmp" <<'PY2'
import os, sys
tmp = sys.argv[1]
def rd(n):
    p = os.path.join(tmp, n)
    return list(map(float, open(p).read().split())) if os.path.exists(p) and os.path.getsize(p) else None
none = rd("none.rate")
tot = {}
for t, cpu in (("ours", "ours.cpu"), ("bpftrace", "bpftrace.cpu"), ("kvmstat", "kvmstat.cpu")):
    rr, c = rd(t + ".rate"), rd(cpu)
    if not c or not none or not rr or len(rr) != 2 or len(none) != 2:
        continue
    r = rr
    imposed = max(rr[1] - none[1], 0)
    # per 1 s refresh: the tool's own CPU + what its probes add to the round trips of that second
    tot[t] = c[0] / c[1] + imposed * 1e-9 * r[0] * 2
if "ours" in tot:
    for t, lab in (("kvmstat", "kvm_stat"), ("bpftrace", "bpftrace")):
        if t in tot:
            print(f"ratio (host CPU per refresh, tool + its probes): {lab} / kvmstat-la = "
                  f"{tot[t] / tot['ours']:.1f}x  ({tot[t] * 1e3:.2f} ms vs {tot['ours'] * 1e3:.2f} ms)")
PY2
python3 - "$oc" "$ot" "$bc" "$bt" "${kc:-0}" "${kt:-1}" "$opc" "$bpc" <<'PY'
import sys
oc, ot, bc, bt, kc, kt = map(float, sys.argv[1:7])
opc, bpc = sys.argv[7], sys.argv[8]
o = oc / ot if ot else 0
def ratio(x):
    return f"{x / o:.1f}x" if o > 0 else ("inf (kvmstat-la used < 1 tick)" if x > 0 else "n/a")
print(f"ratio (process CPU per refresh): kvm_stat / kvmstat-la = {ratio(kc / kt if kt else 0)}  (target >= 20x)")
print(f"ratio (process CPU per refresh): bpftrace / kvmstat-la = {ratio(bc / bt if bt else 0)}")
try:
    print(f"ratio: bpftrace probe ns / kvmstat-la probe ns = {float(bpc) / float(opc):.2f}  "
          f"(kvmstat-la {float(opc):.1f} ns/event, target <= 100)")
except (ValueError, ZeroDivisionError):
    print("probe cost: not measured")
PY
