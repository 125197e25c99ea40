# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh: the LVZ scenarios of the VMM, each booted with
# upstream's kvm.ko and then with ours, compared by tests/e2e/compare.py.
# KVMLA_E2E_SCENARIOS overrides the list; KVMLA_E2E_TIMEOUT the time per boot.
scenarios=${KVMLA_E2E_SCENARIOS:-basic mmio gspr stage2 irq fpu smp vpid}
export KVMLA_E2E_TIMEOUT=${KVMLA_E2E_TIMEOUT:-30}

# snap NAME: the tracefs snapshot the boot sent (kvmla.snap=1) as the
# directory $out/NAME.snap (tests/e2e/snapshot.py); its error, if any, in
# $out/NAME.snap.err
snap() {
	rm -rf "$out/$1.snap"
	python3 tests/e2e/snapshot.py "$out/$1.e2e" "$out/$1.snap" 2>"$out/$1.snap.err"
}

# viewer NAME: trace-viewer import of the snapshot, then --json of it:
# $out/NAME.dat and $out/NAME.tv.json (errors in $out/NAME.tv.err)
viewer() {
	rm -f "$out/$1.dat" "$out/$1.tv.json"
	[ -d "$out/$1.snap" ] || { cat "$out/$1.snap.err" >"$out/$1.tv.err" 2>/dev/null; return; }
	"$tv" import -q "$out/$1.snap" -o "$out/$1.dat" 2>"$out/$1.tv.err" &&
		"$tv" --json "$out/$1.dat" >"$out/$1.tv.json" 2>>"$out/$1.tv.err"
}

tv=$top/tools/trace-viewer/trace-viewer
make -s -C tools/trace-viewer >"$out/trace-viewer-build.log" 2>&1 ||
	kt_fail trace-viewer-build "make -C tools/trace-viewer failed (see $out/trace-viewer-build.log)"

for sc in $scenarios; do
	boot "$sc-upstream" "$upstream_ko" on "$vmm" "$sc" kvmla.snap=1
	snap "$sc-upstream"
	viewer "$sc-upstream"
	if [ "$ours_built" = 1 ]; then
		boot "$sc-ours" "$ours_ko" on "$vmm" "$sc" kvmla.snap=1
		snap "$sc-ours"
		viewer "$sc-ours"
	else
		rm -f "$out/$sc-ours.e2e" "$out/$sc-ours.vmm"
	fi
	python3 tests/e2e/compare.py "$tree" "$sc" "$out/$sc-upstream" "$out/$sc-ours"
done
. tests/e2e/selftest.sh
. tests/e2e/perf-names.sh
