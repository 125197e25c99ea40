# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/lvz.sh: the events `perf kvm stat` reads on
# LoongArch (the 6.12 tree's tools/perf/arch/loongarch/util/kvm-stat.c, the
# oracle; tests/e2e/perfnames.py) are in each module's tracefs, taken from
# the basic scenario's snapshot; a copy of ours' with inst_word renamed must
# fail.
pn_case() {
	local c=$1 dir=$2 want=$3 who=$4 res rc
	if [ ! -d "$dir" ]; then
		kt_fail "$c" "no snapshot $dir ($(cat "$dir.err" 2>/dev/null || echo 'the boot sent none'))"
		return
	fi
	res=$(python3 tests/e2e/perfnames.py "$tree" "$dir" 2>&1)
	rc=$?
	if [ "$want" = ok ] && [ $rc = 0 ]; then
		kt_pass "$c"
	elif [ "$want" = fail ] && [ $rc = 1 ] && [ "$res" = "kvm:kvm_exit_gspr has no field inst_word" ]; then
		kt_pass "$c"
	elif [ "$who" = control ]; then
		kt_fail "$c" "control failed: $res"
	else
		kt_fail "$c" "$res"
	fi
}

pn_case perf-kvm-stat/control-carries-fields "$out/basic-upstream.snap" ok control
if [ "$ours_built" = 1 ]; then
	pn_case perf-kvm-stat/ours-carries-fields "$out/basic-ours.snap" ok ours
	rm -rf "$out/selftest/perf.snap"
	mkdir -p "$out/selftest"
	if [ -d "$out/basic-ours.snap" ]; then
		cp -r "$out/basic-ours.snap" "$out/selftest/perf.snap"
		sed -i 's/ inst_word;/ inst;/' "$out/selftest/perf.snap/events/kvm/kvm_exit_gspr/format"
	fi
	pn_case perf-kvm-stat/detects-missing-field "$out/selftest/perf.snap" fail ours
fi
