#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make soak: kvmstat-la built with ASan and UBSan runs for SOAK_SECONDS in
# its three long-lived forms at once, while VMs of the x86 test VMM
# (tests/vmm/kvmla-vmm, on /dev/kvm) start and die every few seconds:
#   tui      the dashboard, in a tmux session
#   stream   --json-stream, to a file
#   metrics  --listen 127.0.0.1:PORT, scraped every 2 s
# Every SOAK_SAMPLE seconds the RSS and the open fds of each process go to
# $SOAK_OUT/samples.csv (t_s,proc,rss_kb,fds).  Not part of make check.
#   SOAK_SECONDS   default 3600
#   SOAK_SAMPLE    default 10
#   SOAK_OUT       default build/soak/run
#   SOAK_PORT      default 9187
#   SOAK_RSS_KB    allowed RSS growth from the first third to the end, default 16384
#   SOAK_FDS       allowed fd growth over the same span, default 2
# Fails (exit 1) on an ASan/UBSan/LSan report (leaks of libtraceevent, which
# libtracefs parses formats with, suppressed: lsan.supp), on a process that
# died, on fd or RSS growth beyond the bounds, or on a stream line or scrape
# that is not valid.  Needs root, /dev/kvm, tmux, curl, gcc.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${SOAK_SECONDS:-3600}
every=${SOAK_SAMPLE:-10}
out=${SOAK_OUT:-$top/build/soak/run}
port=${SOAK_PORT:-9187}
rss_bound=${SOAK_RSS_KB:-16384}
fd_bound=${SOAK_FDS:-2}
V=$top/tests/vmm/kvmla-vmm
K=$top/build/soak/kvmstat-la
sess=kvmla-soak-$$

die() { echo "soak: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
[ -c /dev/kvm ] || die "needs /dev/kvm"
for c in tmux curl gcc python3; do command -v $c >/dev/null || die "needs $c"; done

# ---- kvmstat-la under ASan and UBSan, in its own build directory ----
make -s -C "$top/tests/vmm" >/dev/null || die "tests/vmm does not build"
make -s -C "$top/tools/kvmstat-la" >/dev/null || die "kvmstat-la does not build (its BPF skeleton is needed)"
rm -rf "$top/build/soak/obj"
mkdir -p "$top/build/soak/obj" "$out"
# --replay's reader, trace-viewer's libtv.a (built by kvmstat-la's make, not
# instrumented), needs its headers and libtracecmd
flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -std=gnu11 -I/usr/include/traceevent
	-I$top/include -I$top/tools/lib -I$top/bpf -I$top/tools/kvmstat-la/build -I$top/tools/kvmstat-la
	-I$top/tools/trace-viewer $(pkg-config --cflags libtracecmd)"
# two compilers at a time (2 shared cores)
# shellcheck disable=SC2086
find "$top/tools/kvmstat-la" -maxdepth 1 -name '*.c' -print0 | xargs -0 -P 2 -I{} sh -c \
	'gcc '"$(echo $flags)"' -c -o "'"$top"'/build/soak/obj/$(basename {} .c).o" {}' ||
	die "kvmstat-la does not build with ASan"
# shellcheck disable=SC2046
gcc -fsanitize=address,undefined -o "$K" "$top"/build/soak/obj/*.o "$top/tools/trace-viewer/libtv.a" \
	"$top/tools/lib/libkvmla.a" $(pkg-config --libs libtracecmd) -lm \
	-lbpf -lelf -lz -ltracefs -ltraceevent -ljansson -lncursesw -lmicrohttpd -lpthread ||
	die "kvmstat-la does not link with ASan"

# quarantine_size_mb: ASan's freed-memory quarantine (256 MB by default)
# would itself look like growth; 16 MB fills within the first minutes
export ASAN_OPTIONS=quarantine_size_mb=16:detect_leaks=1
export LSAN_OPTIONS=suppressions=$here/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1

pids=() churn=
# each VMM runs in its own session (setsid): its id is its process group's,
# listed in vmm.pids, and ending the group ends its VM processes too
vmm_reap() {
	local p
	[ -f "$out/vmm.pids" ] || return 0
	while read -r p; do
		grep -qs "soak$$-" "/proc/$p/cmdline" && kill -KILL -- "-$p" 2>/dev/null
	done <"$out/vmm.pids"
	return 0
}
cleanup() {
	[ -n "$churn" ] && kill "$churn" 2>/dev/null
	tmux kill-session -t "$sess" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	vmm_reap
}
trap cleanup EXIT

# ---- the three processes ----
rm -f "$out"/*.err "$out"/stream.jsonl "$out"/scrape.* "$out"/samples.csv "$out/vmm.pids"
tmux new-session -d -s "$sess" -x 160 -y 48 \
	"exec env ASAN_OPTIONS=$ASAN_OPTIONS LSAN_OPTIONS=$LSAN_OPTIONS '$K' -s 1 -g 'soak$$-*' 2>'$out/tui.err'" ||
	die "tmux: no session"
sleep 1
tui=$(tmux list-panes -t "$sess" -F '#{pane_pid}')
"$K" --json-stream -s 1 -g "soak$$-*" >"$out/stream.jsonl" 2>"$out/stream.err" &
stream=$!
"$K" --listen "127.0.0.1:$port" -s 1 -g "soak$$-*" >/dev/null 2>"$out/metrics.err" &
metrics=$!
pids=("$stream" "$metrics")
# the listener is up once BPF is attached (seconds under ASan): scrapes
# count from the first one that answers, within a minute
for _ in $(seq 60); do
	curl -sf -m 5 "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break
	sleep 1
done

# ---- VM churn: every 1-4 s a VMM with 1-2 VMs of 1-2 vCPUs; half run to
# their end (--duration), half are killed (SIGKILL) mid-run ----
(
	i=0
	while :; do
		i=$((i + 1))
		m=$((1 + RANDOM % 2)) c=$((1 + RANDOM % 2))
		if [ $((i % 2)) = 0 ]; then
			setsid "$V" -n "soak$$-$i" -m $m -c $c --loop --duration $((1000 + RANDOM % 4000)) \
				--json /dev/null >/dev/null 2>&1 &
			echo $! >>"$out/vmm.pids"
		else
			setsid "$V" -n "soak$$-$i" -m $m -c $c --loop --json /dev/null >/dev/null 2>&1 &
			v=$!
			echo $v >>"$out/vmm.pids"
			(sleep "$((1 + RANDOM % 4))"; kill -KILL -- "-$v") 2>/dev/null &
		fi
		# keep the list short: drop the groups that are gone
		if [ $((i % 50)) = 0 ]; then
			while read -r p; do [ -d "/proc/$p" ] && echo "$p"; done <"$out/vmm.pids" >"$out/vmm.pids.new"
			mv "$out/vmm.pids.new" "$out/vmm.pids"
		fi
		sleep "$((1 + RANDOM % 4))"
	done
) 2>/dev/null &	# (bash's "Killed" notices)
churn=$!

# ---- samples and scrapes ----
echo "t_s,proc,rss_kb,fds" >"$out/samples.csv"
sample() {	# sample T NAME PID
	local rss fds
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$3/status" 2>/dev/null) || return 1
	fds=$(find "/proc/$3/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ -n "$rss" ] || return 1
	echo "$1,$2,$rss,$fds" >>"$out/samples.csv"
}
# what the open fds are, per process (diagnosis of fd growth)
fdtypes() {
	local pr
	for pr in "tui:$tui" "stream:$stream" "metrics:$metrics"; do
		find "/proc/${pr##*:}/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null |
			sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn >"$out/fds-${pr%%:*}-$1.txt"
	done
}
t0=$(date +%s) bad=
scrapes=0 scrape_bad=0
next=0
while :; do
	t=$(( $(date +%s) - t0 ))
	[ "$t" -ge "$secs" ] && break
	if [ "$t" -ge "$next" ]; then
		for pr in "tui:$tui" "stream:$stream" "metrics:$metrics"; do
			sample "$t" "${pr%%:*}" "${pr##*:}" || bad="$bad ${pr%%:*} died at ${t}s;"
		done
		next=$((next + every))
		[ -n "$bad" ] && break
		if [ -z "${third_done:-}" ] && [ "$t" -ge $((secs / 3)) ]; then
			third_done=1
			fdtypes third
		fi
	fi
	scrapes=$((scrapes + 1))
	# a failed request is a failure; a page without samples is not (no VM
	# of ours yet, or all gone), one with them is checked at the end
	if ! curl -sSf -m 5 "http://127.0.0.1:$port/metrics" >"$out/scrape.last" 2>>"$out/scrape.errors"; then
		scrape_bad=$((scrape_bad + 1))
		cp "$out/scrape.last" "$out/scrape.bad" 2>/dev/null
	fi
	sleep 2
done

# ---- the churn stops; once its VMs are gone and seen dead (3 intervals),
# one more sample: the "end" row, compared with the sample at a third ----
kill "$churn" 2>/dev/null; churn=
vmm_reap
sleep 4
t=$(( $(date +%s) - t0 ))
for pr in "tui:$tui" "stream:$stream" "metrics:$metrics"; do
	sample "$t" "${pr%%:*}" "${pr##*:}" || bad="$bad ${pr%%:*} died at the end;"
done
fdtypes end

# ---- stop (SIGTERM: each exits, LSan checks at exit) ----
kill -TERM "$stream" "$metrics" "$tui" 2>/dev/null
for p in "$stream" "$metrics"; do wait "$p" 2>/dev/null; done
for _ in $(seq 100); do kill -0 "$tui" 2>/dev/null || break; sleep 0.2; done
tmux kill-session -t "$sess" 2>/dev/null
pids=()

# ---- verdicts ----
fail=0
report() { echo "soak: $*"; fail=1; }
[ -n "$bad" ] && report "a process ended early:$bad"
for f in tui stream metrics; do
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$out/$f.err"; then
		report "$f: $(grep -m1 -E 'ERROR: |runtime error:' "$out/$f.err") (see $out/$f.err)"
	fi
done
python3 - "$out/stream.jsonl" <<'EOF' || fail=1
import json, sys
n = 0
first = last = None
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        print(f"soak: stream line {n + 1} is not JSON")
        sys.exit(1)
    row = (len(line), len(d.get("vms", [])), sum(1 for v in d.get("vms", []) if v.get("alive")))
    first = first or row
    last = row
    n += 1
if n == 0:
    print("soak: no stream line")
    sys.exit(1)
print(f"soak: {n} stream lines, all JSON; first {first[0]} bytes, {first[1]} VMs listed; "
      f"last {last[0]} bytes, {last[1]} VMs listed ({last[2]} alive)")
EOF
[ "$scrape_bad" -gt 0 ] && report "$scrape_bad of $scrapes scrapes failed: $(tail -1 "$out/scrape.errors")"
grep -q '^# TYPE' "$out/scrape.last" || report "the last scrape has no '# TYPE' line ($out/scrape.last)"
# growth from the first sample at or after a third of the run to the last
# (taken with no VM left)
python3 - "$out/samples.csv" "$rss_bound" "$fd_bound" "$secs" <<'EOF' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rss_bound, fd_bound, secs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ok = True
for p in ("tui", "stream", "metrics"):
    r = [x for x in rows if x["proc"] == p]
    if len(r) < 2:
        print(f"soak: {p}: fewer than 2 samples"); ok = False; continue
    base = next((x for x in r if int(x["t_s"]) >= secs // 3), r[0])
    last = r[-1]
    drss = int(last["rss_kb"]) - int(base["rss_kb"])
    dfd = int(last["fds"]) - int(base["fds"])
    mx = max(int(x["rss_kb"]) for x in r)
    print(f"soak: {p}: rss {r[0]['rss_kb']} -> {base['rss_kb']} (t={base['t_s']}s) -> "
          f"{last['rss_kb']} kB (max {mx}), fds {r[0]['fds']} -> {base['fds']} -> {last['fds']}")
    if drss > rss_bound:
        print(f"soak: {p}: RSS grew {drss} kB after t={base['t_s']}s (bound {rss_bound})"); ok = False
    if dfd > fd_bound:
        print(f"soak: {p}: fds grew by {dfd} after t={base['t_s']}s (bound {fd_bound})"); ok = False
sys.exit(0 if ok else 1)
EOF
python3 "$here/plot.py" "$out/samples.csv" "$out/samples.svg" 2>/dev/null
echo "soak: ${secs}s, $scrapes scrapes, samples in $out/samples.csv (plot: samples.svg)"
[ $fail = 0 ] && echo "soak: PASS" || echo "soak: FAIL"
exit $fail
