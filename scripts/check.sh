#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every test suite and prints one closing line:
#   N passed, N failed, N skipped
# A suite is an executable tests/<area>/run.sh (or tests/tools/<tool>/run.sh)
# that prints PASS:/FAIL:/SKIP: lines (tests/lib/ktest.{h,sh}).  A suite that
# exits non-zero without printing a FAIL line counts as one failure.
# Usage: scripts/check.sh [suite-name...]   e.g. scripts/check.sh table host
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=${KVMLA_CHECK_LOG:-$top/build/check.log}
mkdir -p "$(dirname "$log")"
: >"$log"

# Live suites need tracefs and debugfs; mount them when we may and they are
# missing (a fresh container often has neither mounted).
if [ "$(id -u)" = 0 ]; then
	mountpoint -q /sys/kernel/tracing 2>/dev/null ||
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	mountpoint -q /sys/kernel/debug 2>/dev/null ||
		mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
fi

# The order: fast and foundational first.
order="table build kvm-build host build-qemu qemu vmm la-vmm la-boot e2e exit-cost bpf tools/kvmstat-la tools/trace-viewer pkg prom"
for a in "$@"; do
	known=0
	for s in $order; do [ "$a" = "$s" ] || [ "tools/$a" = "$s" ] && known=1; done
	[ $known = 1 ] || { echo "check: unknown suite '$a' (suites: $order)" >&2; exit 2; }
done
suites=()
for s in $order; do
	if [ $# -gt 0 ]; then
		want=0
		for a in "$@"; do [ "$a" = "$s" ] || [ "tools/$a" = "$s" ] && want=1; done
		[ $want = 1 ] || continue
	fi
	suites+=("$s")
done

pass=0 fail=0 skip=0
for s in "${suites[@]}"; do
	echo "== suite $s" | tee -a "$log"
	# A listed suite that is missing is a failure, never a silent pass.
	if [ ! -x "tests/$s/run.sh" ]; then
		echo "FAIL: $s/suite: tests/$s/run.sh is missing or not executable" | tee -a "$log"
		fail=$((fail + 1))
		continue
	fi
	start=$(date +%s)
	out=$(mktemp) err=$(mktemp)
	"tests/$s/run.sh" >"$out" 2>"$err"
	rc=$?
	cat "$err" "$out" >>"$log"
	grep -E '^(PASS|FAIL|SKIP): ' "$out"
	p=$(grep -c '^PASS: ' "$out"); f=$(grep -c '^FAIL: ' "$out"); k=$(grep -c '^SKIP: ' "$out")
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $s/suite: exited $rc without a FAIL line (see $log)"
		f=1
	fi
	# a failing suite's last stderr lines, where CI shows them (the log may be lost)
	if [ "$f" != 0 ] && [ -s "$err" ]; then
		echo "   ($s: the last lines of its stderr)"
		tail -n 20 "$err" | cut -c1-300 | sed 's/^/   | /'
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
	echo "   ($s: $p passed, $f failed, $k skipped, $(( $(date +%s) - start )) s)"
	rm -f "$out" "$err"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
