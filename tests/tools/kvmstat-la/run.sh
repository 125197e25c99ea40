#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvmstat-la live tests: the test VMM (tests/vmm/kvmla-vmm) runs guests with a
# known exit mix; kvmstat-la must report exactly those counts.  Other suites may
# run KVM guests at the same time, so every exact test selects its own VMs by a
# unique name (-g NAME-*).
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/tools/kvmstat-la
. "$top/tests/lib/ktest.sh"
kt_suite kvmstat-la
T=$top/tools/kvmstat-la/kvmstat-la
V=$top/tests/vmm/kvmla-vmm
SCHEMA=$top/docs/json/kvmstat-la.v1.schema.json
CHECK="python3 $here/check.py"
tmp=$(mktemp -d /tmp/kvmstat-la-test.XXXXXX)
pids=()
cleanup() {
	# CONT too: a held kvmstat-la-bg child is stopped and would keep the TERM pending
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null; done
	wait 2>/dev/null
	tmux kill-session -t "ks$$" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- build (quiet); a build failure is a failure
if ! make -s -C "$top/tools/lib" >"$tmp/build.log" 2>&1 ||
   ! make -s -C "$top/tools/kvmstat-la" >>"$tmp/build.log" 2>&1; then
	kt_fail build "make failed: $(tail -3 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi
kt_pass build
[ -x "$V" ] || make -s -C "$top/tests/vmm" >>"$tmp/build.log" 2>&1

# ---- checks that need nothing live
# the log-linear latency histogram and its percentiles (test_lathist.c)
if cc -O2 -Wall -Wextra -Werror -std=gnu11 -I"$top/include" -I"$top/tools/lib" -I"$top/bpf" \
	-I"$top/tools/kvmstat-la" -I/usr/include/traceevent -o "$tmp/test_lathist" \
	"$here/test_lathist.c" "$top/tools/kvmstat-la/lathist.c" -lm >>"$tmp/build.log" 2>&1; then
	"$tmp/test_lathist"
else
	kt_fail lathist/build "test_lathist.c: $(tail -3 "$tmp/build.log" | tr '\n' ' ')"
fi
out=$("$T" --version 2>&1); [[ $out == "kvmstat-la "* ]] && kt_pass version || kt_fail version "got '$out'"
"$T" --help >"$tmp/help" 2>&1
miss=""
for f in once log log-to-file csv set-delay pid guest fields skip-zero-records debugfs tracepoints json json-stream listen profile; do
	grep -q -- "--$f" "$tmp/help" || miss="$miss $f"
done
[ -z "$miss" ] && kt_pass help-lists-flags || kt_fail help-lists-flags "missing:$miss"
kt_bug_report help-bug-report "$tmp/help"
# docs: every flag of --help in the man page and docs/kvmstat-la.md, every key too
miss=""
for f in $(grep -oE -- '--[a-z][a-z-]+' "$tmp/help" | sort -u); do
	grep -q -- "$(sed 's/-/\\\\-/g' <<<"$f")" "$top/docs/man/kvmstat-la.8" || miss="$miss man:$f"
	grep -q -- "\`$f" "$top/docs/kvmstat-la.md" || miss="$miss md:$f"
done
for k in b c f g h o p q r s x v; do
	grep -q "^\.B $k\$" "$top/docs/man/kvmstat-la.8" || miss="$miss man-key:$k"
	grep -q "^| \`$k\` |" "$top/docs/kvmstat-la.md" || miss="$miss md-key:$k"
done
[ -z "$miss" ] && kt_pass docs-cover-flags-and-keys || kt_fail docs-cover-flags-and-keys "missing:$miss"
# bad usage: exit 2 and one line "kvmstat-la: ..." on stderr, nothing on stdout;
# with --json the same line on stderr and one {"error": ...} line on stdout
bad() {	# bad CASE EXPECTED-SUBSTRING ARGS...
	local c=$1 want=$2 rc; shift 2
	"$T" "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
	if [ $rc -ne 2 ]; then kt_fail "$c" "exit $rc, expected 2"
	elif [ "$(wc -l <"$tmp/e")" != 1 ]; then kt_fail "$c" "$(wc -l <"$tmp/e") lines on stderr: $(head -c 300 "$tmp/e")"
	elif ! grep -q -- "^kvmstat-la: .*$want" "$tmp/e"; then kt_fail "$c" "message: $(cat "$tmp/e")"
	elif [ -s "$tmp/o" ]; then kt_fail "$c" "stdout: $(head -c 200 "$tmp/o")"
	else kt_pass "$c"; fi
}
bad_json() {	# bad_json CASE EXPECTED-SUBSTRING ARGS...
	local c=$1 want=$2 rc why; shift 2
	"$T" "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
	if [ $rc -ne 2 ]; then kt_fail "$c" "exit $rc, expected 2"
	elif [ "$(wc -l <"$tmp/o")" != 1 ] || ! grep -q '^{"error": "' "$tmp/o"; then
		kt_fail "$c" "stdout: $(head -c 300 "$tmp/o")"
	elif ! why=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
assert list(d) == ["error"] and sys.argv[2] in d["error"], d' "$tmp/o" "$want" 2>&1); then
		kt_fail "$c" "$why"
	elif ! why=$($CHECK schema "$SCHEMA" "$tmp/o"); then kt_fail "$c" "$why"
	elif [ "$(wc -l <"$tmp/e")" != 1 ]; then kt_fail "$c" "$(wc -l <"$tmp/e") lines on stderr"
	else kt_pass "$c"; fi
}
bad bad-delay "0.1 and 25.5" -s 99 --once
bad bad-flag "unknown or incomplete option '--bogus'" --bogus
bad bad-flag-missing-value "unknown or incomplete option '-s'" -s
bad bad-pid "'x' is not a pid" -p 12,x
bad bad-keep-dead "--keep-dead: '-1' is not a number of seconds from 0 to 86400" --keep-dead -1
bad bad-provider "not bpf, perf or stats" --provider ebpf
bad bad-count "not a positive count" -n 0
bad extra-argument "unexpected argument 'extra'" extra
bad csv-without-log "needs -l or -L" -c
bad bad-regex "invalid regular expression" -f '('
bad bad-listen "--listen: 'localhost' is not ADDR:PORT" --listen localhost
bad bad-listen-address "is not IPv4-ADDR:PORT" --listen 300.1.2.3:9101
bad bad-profile "--profile: 'arm' is not x86, loongarch or generic" --profile arm
bad_json bad-flag-json "unknown or incomplete option '--bogus'" --json --bogus
bad_json bad-delay-json "0.1 and 25.5" --json -s 99
bad_json bad-value-json-stream "not a positive count" --json-stream -n x

# profiles: LoongArch names from the catalog (a tracefs with kvm/'s formats:
# fixtures/), auto-picked from the fields; unknown events left out
fx=$tmp/tracefs-la
cp -r "$here/fixtures/tracefs-loongarch" "$fx"
mkdir -p "$fx/per_cpu/cpu0"
out=$("$T" --tracefs "$fx" -f help 2>&1)
[ "$out" = "$(printf 'kvm_exit\nkvm_exit_csr\nkvm_out')" ] && kt_pass profile-loongarch-events ||
	kt_fail profile-loongarch-events "got: $(echo $out)"
out=$("$T" --tracefs "$fx" --decode kvm_exit=22,0,25,63 2>&1)
[ "$out" = "$(printf 'profile loongarch\n22 GSPR gspr\n0 INT int\n25 SE se\n63 63 63')" ] &&
	kt_pass profile-loongarch-ecodes || kt_fail profile-loongarch-ecodes "got: $(echo $out)"
# the CSR trap matrix key: csr | op << 32
out=$("$T" --tracefs "$fx" --decode kvm_exit_csr=0x100000005,0x200000000,0x41 2>&1)
[ "$out" = "$(printf 'profile loongarch\n0x100000005 ESTAT:WR estat_wr\n0x200000000 CRMD:XCHG crmd_xchg\n0x41 TCFG:RD tcfg_rd')" ] &&
	kt_pass profile-loongarch-csr-matrix || kt_fail profile-loongarch-csr-matrix "got: $(echo $out)"
out=$("$T" --tracefs "$fx" --decode kvm_out=2,38 2>&1)
[ "$out" = "$(printf 'profile loongarch\n2 IO io\n38 LOONGARCH_IOCSR loongarch_iocsr')" ] &&
	kt_pass profile-loongarch-kvm-exit || kt_fail profile-loongarch-kvm-exit "got: $(echo $out)"
# --replay: the LoongArch profile fed from a recorded trace.dat.
# fixtures/la-r8-2x2.dat is tests/tools/trace-viewer's gen-la scenario
# (la_fixture.c: `gen-la OUT 8 2 2 20000`): 2 VMs x 2 vCPUs, 8 rounds, its
# counts known by construction (check.py la_scenario)
rp=$here/fixtures/la-r8-2x2.dat
if "$T" --replay "$rp" --json >"$tmp/replay.json" 2>"$tmp/replay.err"; then
	why=$($CHECK replay "$tmp/replay.json" 8 2 2) && why=$($CHECK schema "$SCHEMA" "$tmp/replay.json") &&
		why=$($CHECK choice "$tmp/replay.json" replay flag "--replay: the counts of") &&
		kt_pass replay-exact || kt_fail replay-exact "$why"
else
	kt_fail replay-exact "rc=$?: $(head -c 200 "$tmp/replay.err")"
fi
"$T" --replay "$rp" --json -g 'la-vm-1' >"$tmp/replay1.json" 2>"$tmp/replay.err" &&
	why=$($CHECK replay "$tmp/replay1.json" 8 2 2 la-vm-1) && kt_pass replay-guest-filter ||
	kt_fail replay-guest-filter "$why $(head -c 200 "$tmp/replay.err")"
# la-r4-1x2-late.dat (`gen-la OUT 4 1 2 20000 late`): each vCPU thread's
# events come before the marker that says which VM it belongs to
"$T" --replay "$here/fixtures/la-r4-1x2-late.dat" --json >"$tmp/replayl.json" 2>"$tmp/replay.err" &&
	why=$($CHECK replay "$tmp/replayl.json" 4 1 2 late) && kt_pass replay-identity-late ||
	kt_fail replay-identity-late "$why $(head -c 200 "$tmp/replay.err")"
# the text of --once: 6 exits per round (3 GSPR) x 8 rounds x 4 vCPUs
out=$("$T" --replay "$rp" 2>&1 | awk '$1 == "kvm_exit" || $1 == "kvm_exit(GSPR)" || $1 == "kvm_out(MMIO)" { print $1, $2, $3 }')
[ "$out" = "$(printf 'kvm_exit 192 192\nkvm_exit(GSPR) 96 96\nkvm_out(MMIO) 32 32')" ] &&
	kt_pass replay-text || kt_fail replay-text "got: $(echo $out)"
"$T" --replay "$tmp/none.dat" --json >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q '^kvmstat-la: --replay: .*none.dat' "$tmp/e" &&
	grep -q '^{"error": ' "$tmp/o" && kt_pass replay-missing-file ||
	kt_fail replay-missing-file "rc=$rc: $(cat "$tmp/e")"
head -c 4096 "$here/fixtures/la-r8-2x2.dat" | tr '\0-\377' '\377\0-\376' >"$tmp/junk.dat"	# every byte changed
"$T" --replay "$tmp/junk.dat" >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q '^kvmstat-la: --replay: .*junk.dat: not a trace.dat' "$tmp/e" &&
	[ ! -s "$tmp/o" ] && kt_pass replay-not-a-trace || kt_fail replay-not-a-trace "rc=$rc: $(cat "$tmp/e")"
bad replay-with-log "--replay prints one snapshot" --replay "$rp" -l
bad replay-with-provider "--replay prints one snapshot" --replay "$rp" -b

# x86: names read from the running kernel's format files (SVM isa=2, VMX isa=1)
if [ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] &&
   grep -q '"io"' /sys/kernel/tracing/events/kvm/kvm_exit/format; then
	out=$("$T" --decode kvm_exit=0x20000007b,0x200000078,0x10000001e,0x10000000c 2>&1)
	[ "$out" = "$(printf 'profile x86\n0x20000007b io io\n0x200000078 hlt hlt\n0x10000001e IO_INSTRUCTION io_instruction\n0x10000000c HLT hlt')" ] &&
		kt_pass profile-x86-exit-names || kt_fail profile-x86-exit-names "got: $(echo $out)"
	out=$("$T" --decode kvm_userspace_exit=2,6 2>&1; "$T" --decode kvm_mmio=0,2 2>&1)
	[ "$out" = "$(printf 'profile x86\n2 KVM_EXIT_IO io\n6 KVM_EXIT_MMIO mmio\nprofile x86\n0 unsatisfied-read unsatisfied_read\n2 write write')" ] &&
		kt_pass profile-x86-field-names || kt_fail profile-x86-field-names "got: $(echo $out)"
else
	kt_skip profile-x86-exit-names "needs a readable x86 kvm:kvm_exit format (root, tracefs)"
fi

# non-root: one line, non-zero exit; in JSON mode {"error":...} on stdout
if ! command -v setpriv >/dev/null || [ "$(id -u)" != 0 ]; then
	kt_skip non-root "needs root and setpriv to drop privileges"
else
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T" --once >"$tmp/o" 2>"$tmp/e"
	rc=$?
	if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && [ ! -s "$tmp/o" ] && grep -q "^kvmstat-la: .*root" "$tmp/e"; then
		kt_pass non-root
	else
		kt_fail non-root "rc=$rc stderr=$(head -c 200 "$tmp/e")"
	fi
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T" --json >"$tmp/o" 2>"$tmp/e"
	rc=$?
	if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/o")" = 1 ] && grep -q '^{"error": *"' "$tmp/o" &&
	   $CHECK schema "$SCHEMA" "$tmp/o" >"$tmp/why"; then
		kt_pass non-root-json
	else
		kt_fail non-root-json "rc=$rc stdout=$(head -c 200 "$tmp/o") $(cat "$tmp/why" 2>/dev/null)"
	fi
fi

kt_need_root live || exit 0
kt_need_kvm live || exit 0
kt_need_tracefs live || exit 0
[ -x "$V" ] || { kt_fail live "tests/vmm/kvmla-vmm does not build: $(tail -n 1 "$tmp/build.log")"; exit 1; }

# out of memory (KVMLA_TEST_ALLOC_FAIL=1: the first allocation of the tools'
# helpers fails): one line, exit 1; with --json also {"error": "out of memory"}
KVMLA_TEST_ALLOC_FAIL=1 "$T" --once -s 0.1 -g "ks$$-none-*" >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc = 1 ] && [ "$(cat "$tmp/e")" = "kvmstat-la: out of memory" ] && [ ! -s "$tmp/o" ]; then
	kt_pass out-of-memory
else kt_fail out-of-memory "rc=$rc stderr=$(head -c 200 "$tmp/e") stdout=$(head -c 200 "$tmp/o")"; fi
KVMLA_TEST_ALLOC_FAIL=1 "$T" --json -s 0.1 -g "ks$$-none-*" >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc = 1 ] && [ "$(cat "$tmp/o")" = '{"error": "out of memory"}' ] &&
   [ "$(cat "$tmp/e")" = "kvmstat-la: out of memory" ]; then
	kt_pass out-of-memory-json
else kt_fail out-of-memory-json "rc=$rc stdout=$(head -c 200 "$tmp/o") stderr=$(head -c 200 "$tmp/e")"; fi

# missing tracefs: a path without it, and a private mount namespace with an empty one
"$T" --once --tracefs "$tmp/none" >/dev/null 2>"$tmp/e"; rc=$?
if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q "mount -t tracefs" "$tmp/e"; then
	kt_pass no-tracefs-path
else kt_fail no-tracefs-path "rc=$rc: $(cat "$tmp/e")"; fi
if command -v unshare >/dev/null; then
	unshare -m sh -c "mount -t tmpfs none /sys/kernel/tracing && exec '$T' --once" >/dev/null 2>"$tmp/e"; rc=$?
	if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q "mount -t tracefs" "$tmp/e"; then
		kt_pass no-tracefs-mount
	else kt_fail no-tracefs-mount "rc=$rc: $(cat "$tmp/e")"; fi
else
	kt_skip no-tracefs-mount "no unshare"
fi

# output that cannot be written (a full disk: /dev/full) is one error line and
# exit 1 in every output mode; a reader that goes away (EPIPE) is a quiet stop
full_case() {
	local c=$1; shift
	timeout 20 "$T" "$@" -s 0.1 -g "nosuchvm$$" >/dev/full 2>"$tmp/full.e"; local rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$tmp/full.e")" = 1 ] &&
	   grep -q "^kvmstat-la: writing .*: No space left on device$" "$tmp/full.e"; then
		kt_pass "$c"
	else kt_fail "$c" "rc=$rc stderr: $(head -c 200 "$tmp/full.e")"; fi
}
full_case disk-full-once --once
full_case disk-full-json --once --json
full_case disk-full-stream --json-stream -n 3
full_case disk-full-log -l -n 3
full_case disk-full-csv -l -c -n 3
timeout 20 "$T" --json-stream -n 50 -s 0.1 -g "nosuchvm$$" 2>"$tmp/pipe.e" | head -c 1 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && ! [ -s "$tmp/pipe.e" ] && kt_pass reader-gone ||
	kt_fail reader-gone "rc=$rc stderr: $(head -c 200 "$tmp/pipe.e")"

EVS='kvm_(pio|mmio|userspace_exit|fpu|exit|entry)$'
MIX="-m 2 -c 2 --pio-out 120 --pio-in 40 --mmio-write 30 --mmio-read 20 --hlt 10 --cpuid 5"

# start_vmm NAME START_DELAY_MS ARGS...: VMM in background, waits for its VMs
start_vmm() {
	local name=$1 sd=$2; shift 2
	"$V" -n "$name" --start-delay "$sd" --json "$tmp/$name.vmm.json" "$@" \
		>"$tmp/$name.vmm.out" 2>&1 &
	vmm_pid=$!
	pids+=("$vmm_pid")
	vmm_t0=$(date +%s%N)
	for _ in $(seq 100); do
		[ "$(grep -l -- "-name.$name-" /proc/[0-9]*/cmdline 2>/dev/null | wc -l)" -ge 1 ] && return 0
		sleep 0.05
	done
	return 1
}
# wait_ready FILE START_DELAY_MS: did the tool attach before the guests ran?
wait_ready() {
	for _ in $(seq 400); do
		if [ -e "$1" ]; then
			local ms=$(( ($(date +%s%N) - vmm_t0) / 1000000 ))
			[ $ms -lt "$2" ] && return 0
			echo "tool attached after ${ms} ms, guests started at $2 ms"; return 1
		fi
		sleep 0.05
	done
	echo "tool never became ready"; return 1
}

# exact counts: --once --json --until-exit for one provider
exact() {
	local case=$1 prov=$2 sd=$3 evs=$4; shift 4
	local name=ks$$$case
	if [ "$prov" = bpf ] && ! [ -r /sys/kernel/btf/vmlinux ]; then
		kt_skip "$case" "no kernel BTF (/sys/kernel/btf/vmlinux) for the BPF provider"; return
	fi
	rm -f "$tmp/ready"
	start_vmm "$name" "$sd" $MIX "$@" || { kt_fail "$case" "VMM did not start"; return; }
	"$T" --once --json --until-exit --provider "$prov" -g "$name-*" ${evs:+-f "$evs"} \
		--ready "$tmp/ready" >"$tmp/$case.json" 2>"$tmp/$case.err" &
	local tp=$!
	local why; why=$(wait_ready "$tmp/ready" "$sd")
	local ok=$?
	wait $tp; local rc=$?
	wait "$vmm_pid"; local vrc=$?
	if [ $ok -ne 0 ]; then kt_fail "$case" "$why"; return; fi
	if [ $vrc -ne 0 ]; then kt_fail "$case" "VMM failed: $(tail -1 "$tmp/$name.vmm.out")"; return; fi
	if [ $rc -ne 0 ]; then kt_fail "$case" "kvmstat-la rc=$rc: $(head -c 300 "$tmp/$case.err")"; return; fi
	cp "$tmp/$name.vmm.json" "$tmp/$case.vmm.json"
	# a forced provider stays what the flag says, whatever auto would pick
	why=$($CHECK counts "$prov" "$tmp/$case.vmm.json" "$tmp/$case.json") &&
		why=$($CHECK choice "$tmp/$case.json" "$prov" flag "forced by --provider") &&
		kt_pass "$case" || kt_fail "$case" "$why"
}

exact bpf-exact-counts bpf 6000 "$EVS"
exact perf-exact-counts perf 6000 "$EVS"
# a perf_event_open that fails mid-run (a VM found by a refresh; the
# KVMLA_TEST_PERF_OPEN_FAIL hook fails the first open) ends the run with one
# error: --json gets the error object alone, never one before a snapshot
perf_fail_case() {
	local c=perf-open-fails-mid-run name=ks$$pf
	KVMLA_TEST_PERF_OPEN_FAIL=1 "$T" --once --json -s 4 --provider perf -f 'kvm_pio$' \
		-g "$name-*" >"$tmp/pf.json" 2>"$tmp/pf.err" &
	local tp=$!
	sleep 0.5
	"$V" -n "$name" -m 1 -c 1 --start-delay 1500 --pio-out 20 --json "$tmp/pf.vmm.json" \
		>/dev/null 2>&1
	wait $tp; local rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$tmp/pf.json")" = 1 ] && [ "$(wc -l <"$tmp/pf.err")" = 1 ] &&
	   grep -Eq '^\{"error": "perf_event_open\(kvm tracepoint, tid [0-9]+\): Invalid argument"\}$' \
		"$tmp/pf.json"; then
		kt_pass $c
	else kt_fail $c "rc=$rc stdout $(wc -l <"$tmp/pf.json") lines: $(head -c 120 "$tmp/pf.json") stderr: $(head -c 120 "$tmp/pf.err")"; fi
}
perf_fail_case
# the raw_tp fallback (kernels without tp_btf) counts the same
KVMSTAT_LA_FORCE_RAW_TP=1 exact bpf-raw-tp-exact-counts bpf 6000 "$EVS"
# every kvm:* event attached (kvm_stat's default set): slower to attach
exact bpf-exact-counts-all-events bpf 20000 ""

# lost updates are counted, never silent: tables too small on purpose
tiny_case() {
	local name=ks$$tiny sd=6000
	rm -f "$tmp/ready"
	start_vmm "$name" $sd -m 1 -c 2 --pio-out 60 --pio-in 20 --mmio-write 10 --mmio-read 5 --hlt 3 ||
		{ kt_fail dropped-counted "VMM did not start"; return; }
	KVMSTAT_LA_TINY_MAPS=1 "$T" --once --json --until-exit -g "$name-*" -f 'kvm_(pio|mmio|userspace_exit|fpu)$' \
		--ready "$tmp/ready" >"$tmp/tiny.json" 2>"$tmp/tiny.err" &
	local tp=$! why
	why=$(wait_ready "$tmp/ready" $sd) || { kt_fail dropped-counted "$why"; wait $tp; return; }
	wait $tp; wait "$vmm_pid"
	# no provider flag, latency wanted (--json): auto picks BPF
	why=$($CHECK drops "$tmp/$name.vmm.json" "$tmp/tiny.json") &&
		why=$($CHECK choice "$tmp/tiny.json" bpf auto "latency histograms need probes") &&
		kt_pass dropped-counted ||
		kt_fail dropped-counted "$why"
}
tiny_case

# retention: a churn of short VMMs (one VM process each, every ~1 s) under
# --json-stream --keep-dead 0.5.  Each VM is listed alive, then dead, then
# retired: its counts move to "retired", the totals stay exactly the VMMs'
# sums.  BPF with KVMSTAT_LA_TINY_MAPS=16 (16 slots per CPU and bank, spill
# hashes of 16 keys): more keys pass than that holds, so only the bank switch,
# which frees the slots of folded and retired keys, keeps the count of dropped
# updates at 0.  Tiny maps switch banks at every refresh, and each VM runs for
# several refreshes (--delay-us): live keys cross switches, exactly.
churn_case() {	# churn_case CASE PROVIDER TINY
	local c=$1 prov=$2 tiny=$3 name=ks$$ch$3 n=6 k tp why slots=0 files=()
	local port=$(( 20000 + ($$ + ${#prov}) % 20000 + 1 ))
	[ -n "$tiny" ] && slots=$(( tiny * $(nproc --all) + tiny ))
	rm -f "$tmp/ready"
	env ${tiny:+KVMSTAT_LA_TINY_MAPS=$tiny} "$T" --json-stream -s 0.2 --keep-dead 0.5 --provider "$prov" \
		--listen "127.0.0.1:$port" \
		-g "$name-*" -f 'kvm_(pio|mmio|userspace_exit|fpu)$' --ready "$tmp/ready" \
		>"$tmp/$c.jsonl" 2>"$tmp/$c.err" &
	tp=$!
	pids+=("$tp")
	for _ in $(seq 200); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
	[ -e "$tmp/ready" ] || { kt_fail "$c" "tool never became ready: $(head -c 300 "$tmp/$c.err")"; return; }
	for k in $(seq $n); do
		"$V" -n "$name-$k" -m 1 -c 1 --start-delay 700 --pio-out $((20 * k)) --pio-in 7 \
			--mmio-write 5 --mmio-read $k --hlt 2 --delay-us 4000 \
			--json "$tmp/$c.$k.vmm.json" >/dev/null 2>&1 ||
			{ kt_fail "$c" "VMM $k failed"; kill "$tp"; return; }
		files+=("$tmp/$c.$k.vmm.json")
	done
	sleep 1.5	# keep-dead 0.5 s, then the retiring sample
	python3 -c "import urllib.request as u,sys; sys.stdout.write(u.urlopen(u.Request('http://127.0.0.1:$port/metrics', headers={'Accept': 'application/openmetrics-text;version=1.0.0'}), timeout=5).read().decode())" \
		>"$tmp/$c.metrics" 2>"$tmp/$c.curl"
	kill -INT "$tp"; wait "$tp"
	why=$($CHECK schema "$SCHEMA" "$tmp/$c.jsonl" --lines) &&
		why=$($CHECK churn "$tmp/$c.jsonl" "$prov" "$slots" "${files[@]}") &&
		why=$($CHECK churn-metrics "$tmp/$c.metrics" "${files[@]}") &&
		kt_pass "$c" || kt_fail "$c" "$why"
}
churn_case retire-churn-bpf-tiny-maps bpf 16
churn_case retire-churn-perf perf ""

# exiting: the probes are taken down by a child in its own session (the
# kernel's grace periods take seconds), which holds nothing but the probes
# and, while it works, hides no event from perf counters (kvm_cpuid is a
# classic tracepoint program: returning 0 would hide it)
detach_case() {
	local c=detach-in-background name=ks$$dt bg="" st="" bad="" got want
	out=$(KVMSTAT_LA_DETACH=hold "$T" --once --json -s 0.2 -f 'kvm_cpuid$' 2>"$tmp/dt.err")
	[[ $out == "{"*"}" ]] || { kt_fail $c "no snapshot: $(head -c 200 "$tmp/dt.err")"; return; }
	for _ in $(seq 100); do
		bg=$(pgrep -x kvmstat-la-bg -n) && st=$(awk '{print $3}' "/proc/$bg/stat" 2>/dev/null)
		[ "$st" = T ] && break
		sleep 0.05
	done
	[ "$st" = T ] || { kt_fail $c "no stopped kvmstat-la-bg child (state '$st')"; return; }
	pids+=("$bg")
	for f in /proc/"$bg"/fd/*; do
		l=$(readlink "$f"); n=${f##*/}
		if [ "$n" -le 2 ]; then [ "$l" = /dev/null ] || bad="$bad $n:$l"
		elif ! [[ $l =~ ^anon_inode:(bpf|\[perf_event\]|\[pidfd\]) ]]; then bad="$bad $n:$l"; fi
	done
	[ "$(ps -o sid= -p "$bg" | tr -d ' ')" = "$bg" ] || bad="$bad session"
	bpftool perf list 2>/dev/null | grep -q "pid $bg .*tracepoint  *kvm_cpuid" || bad="$bad kvm_cpuid-not-held"
	"$top/tests/vmm/tpcount" -o "$tmp/dt.tp" -e kvm:kvm_cpuid -- \
		"$V" -n "$name" -m 1 -c 1 --cpuid 7 --json "$tmp/dt.vmm.json" >/dev/null 2>&1 ||
		bad="$bad vmm-failed"
	got=$(awk '{print $1}' "$tmp/dt.tp" 2>/dev/null)
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["cpuid"])' \
		"$tmp/dt.vmm.json" 2>/dev/null)
	[ -n "$want" ] && [ "$got" = "$want" ] || bad="$bad perf-saw-$got-of-$want-cpuid"
	kill -CONT "$bg"
	for _ in $(seq 1200); do [ -d "/proc/$bg" ] && [ "$(awk '{print $3}' "/proc/$bg/stat" 2>/dev/null)" != Z ] || break; sleep 0.05; done
	if [ -d "/proc/$bg" ] && [ "$(awk '{print $3}' "/proc/$bg/stat" 2>/dev/null)" != Z ]; then
		bad="$bad still-running-after-60s"
	else
		local keep=() q	# gone: its pid may be reused before cleanup
		for q in "${pids[@]}"; do [ "$q" = "$bg" ] || keep+=("$q"); done
		pids=("${keep[@]}")
	fi
	bpftool perf list 2>/dev/null | grep -q "pid $bg " && bad="$bad probes-left"
	[ -z "$bad" ] && kt_pass $c || kt_fail $c "$bad"
}
detach_case

# while kvmstat-la counts kvm_cpuid with BPF (the generic classic-tracepoint
# program), a perf counter on the same tracepoint still sees every event
coexist_case() {
	local c=coexists-with-perf name=ks$$co got want ks
	rm -f "$tmp/ready-co"
	"$T" --json-stream -s 0.5 --provider bpf -f 'kvm_cpuid$' -g "$name-*" --ready "$tmp/ready-co" \
		>"$tmp/co.json" 2>"$tmp/co.err" &
	local tp=$!
	pids+=("$tp")
	for _ in $(seq 400); do [ -e "$tmp/ready-co" ] && break; sleep 0.05; done
	"$top/tests/vmm/tpcount" -o "$tmp/co.tp" -e kvm:kvm_cpuid -- \
		"$V" -n "$name" -m 1 -c 1 --start-delay 1500 --cpuid 77 --json "$tmp/co.vmm.json" \
		>/dev/null 2>&1
	sleep 1.2
	kill -INT "$tp"; wait "$tp"
	got=$(awk '{print $1}' "$tmp/co.tp" 2>/dev/null)
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["cpuid"])' \
		"$tmp/co.vmm.json" 2>/dev/null)
	ks=$(tail -n 1 "$tmp/co.json" | python3 -c '
import json, sys
print(json.loads(sys.stdin.read())["events"].get("kvm_cpuid", {}).get("total"))' 2>/dev/null)
	[ -n "$want" ] && [ "$got" = "$want" ] && [ "$ks" = "$want" ] && kt_pass $c ||
		kt_fail $c "VMM cpuid $want, perf counter $got, kvmstat-la $ks: $(head -c 200 "$tmp/co.err")"
}
coexist_case

# a pid that is a kernel thread (kvm_age_hva fires in kdamond/kswapd) is
# named as ps does and flagged; the VMM's VMs are not
out=$("$T" --once --json -s 0.2 -p 2 2>&1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s:%s" % (v["pid"], v["name"], v["kernel_thread"]) for v in d["vms"]))' 2>&1)
vmm=$(python3 -c '
import json, sys
print(sorted({v["kernel_thread"] for v in json.load(open(sys.argv[1]))["vms"]}))' "$tmp/bpf-exact-counts.json" 2>&1)
[ "$out" = "2:[kthreadd]:True" ] && [ "$vmm" = "[False]" ] && kt_pass kernel-thread-named ||
	kt_fail kernel-thread-named "-p 2: '$out'; VMM VMs: '$vmm'"

# schema: snapshot, JSON Lines, error object
for f in bpf-exact-counts perf-exact-counts; do
	if [ -s "$tmp/$f.json" ]; then
		why=$($CHECK schema "$SCHEMA" "$tmp/$f.json") && kt_pass "schema-$f" || kt_fail "schema-$f" "$why"
	else kt_skip "schema-$f" "no output from $f"; fi
done

# latency: a known userspace delay lands in its log2 bucket (100 us -> bucket 16)
exact latency-run bpf 6000 "$EVS" --delay-us 100
if [ -s "$tmp/latency-run.json" ]; then
	why=$($CHECK latency "$tmp/latency-run.vmm.json" "$tmp/latency-run.json" 16) &&
		kt_pass latency-bucket || kt_fail latency-bucket "$why"
else
	kt_fail latency-bucket "no output"
fi

. "$here/live2.sh"

[ $KT_FAILED = 0 ]
