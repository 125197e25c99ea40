#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host harness suite: builds every tests/host/kvm/test_*.c (each compiles
# the real kvm/<file>.c against the shims, under ASan/UBSan) and runs it.
# A test that does not build is one FAIL line; one that crashes without
# printing a FAIL line is another.  Ends with an informational gcov line
# coverage summary of kvm/*.c (not a PASS/FAIL line).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite host
B=$top/build/host
mkdir -p "$B"
# One run at a time per checkout: runs share build/host.
exec 8>"$B/.lock"
flock 8

tree=$("$top/scripts/prepare-kernel.sh" 2>"$B/prepare.log" | tail -n 1)
if [ -z "$tree" ] || [ ! -d "$tree/arch/loongarch" ]; then
	kt_fail build "scripts/prepare-kernel.sh gave no LoongArch 6.12 tree: $(tail -n 1 "$B/prepare.log")"
	exit 1
fi

tests=$(cd "$here/kvm" && ls test_*.c 2>/dev/null | sed 's/\.c$//')
if [ -z "$tests" ]; then
	kt_fail build "no tests/host/kvm/test_*.c"
	exit 1
fi

# Old counters would mix with this run's.
find "$B/obj" -name '*.gcda' -delete 2>/dev/null
# A test whose build fails must not run its last binary: relink them all.
for t in $tests; do rm -f "$B/$t"; done
make -s -k -j"$(nproc)" -C "$here" TREE="$tree" >"$B/build.log" 2>&1

for t in $tests; do
	if [ ! -x "$B/$t" ]; then
		why=$(grep -m1 -E "(error|undefined reference)" "$B/build.log" |
		      grep -F "$t" || grep -m1 -E "error" "$B/build.log")
		kt_fail "$t/build" "does not build: ${why:-see $B/build.log}"
		continue
	fi
	out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	      "$B/$t" 2>"$B/$t.stderr")
	rc=$?
	echo "$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' <<<"$out"; then
		kt_fail "$t/exit" "exited $rc: $(grep -m1 -E 'ERROR|runtime error' "$B/$t.stderr")"
	fi
	[ $rc -ne 0 ] && KT_FAILED=1
done

# The exit dispatcher's libFuzzer target, time-bounded (tests/host/fuzz).
"$here/fuzz/fuzz.sh" "${KVMLA_FUZZ_SECS:-10}" || KT_FAILED=1

# Coverage of each kvm/*.c from the test object that includes it.
if command -v gcov >/dev/null; then
	total=0 hit=0
	for src in "$top"/kvm/*.c; do
		f=$(basename "$src")
		case $f in asm-offsets.c|tracepoints.c|*.mod.c) continue ;; esac
		best="" bestpct=-1
		for o in "$B"/obj/test_*.gcda; do
			[ -f "$o" ] || continue
			line=$(cd "$B/obj" && gcov -n "$(basename "${o%.gcda}").o" 2>/dev/null |
			       grep -A1 -E "^File '.*/kvm/$f'" | tail -n 1)
			pct=$(sed -nE 's/Lines executed:([0-9.]+)% of ([0-9]+)/\1/p' <<<"$line")
			n=$(sed -nE 's/Lines executed:([0-9.]+)% of ([0-9]+)/\2/p' <<<"$line")
			[ -n "$pct" ] || continue
			if awk "BEGIN{exit !($pct > $bestpct)}"; then
				bestpct=$pct best=$n
			fi
		done
		if [ -n "$best" ]; then
			echo "INFO: coverage kvm/$f: $bestpct% of $best lines"
			total=$((total + best))
			hit=$(awk "BEGIN{printf \"%d\", $bestpct * $best / 100 + 0.5}")
			hits=$(( ${hits:-0} + hit ))
		else
			echo "INFO: coverage kvm/$f: no test"
		fi
	done
	[ "$total" -gt 0 ] &&
		echo "INFO: coverage kvm/*.c total (files with a test): $(awk "BEGIN{printf \"%.1f\", 100 * ${hits:-0} / $total}")% of $total lines (goal 80%)"
fi
exit $KT_FAILED
