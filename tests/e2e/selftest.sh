# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/lvz.sh: compare.py must fail when it should.  Each
# case copies the control's basic run, changes one value, and expects the
# one check that watches it to fail (and blame the right side).
st_dir=$out/selftest
st_src=$out/basic-upstream

# st_mutate NAME PYTHON [SRC]: NAME.{e2e,vmm,tv.json,dat} = the control's
# (or SRC's), edited by PYTHON
# (which gets e2e = list of lines, j = the scenario's JSON object, tv =
# trace-viewer's JSON of the same run).
st_mutate() {
	mkdir -p "$st_dir"
	python3 - "${3:-$st_src}" "$st_dir/$1" "$2" <<'PY'
import json, shutil, sys
src, dst, code = sys.argv[1:]
e2e = open(src + ".e2e").read().splitlines()
vmm = open(src + ".vmm").read().splitlines()
idx = next(i for i, l in enumerate(vmm) if l.startswith("{"))
j = json.loads(vmm[idx])
try:
    tv = json.load(open(src + ".tv.json"))
except (OSError, ValueError):
    tv = None
exec(code)
vmm[idx] = json.dumps(j)
open(dst + ".e2e", "w").write("\n".join(e2e) + "\n")
open(dst + ".vmm", "w").write("\n".join(vmm) + "\n")
if tv is not None:
    json.dump(tv, open(dst + ".tv.json", "w"))
try:
    shutil.copyfile(src + ".dat", dst + ".dat")
except OSError:
    pass
PY
}

# st_expect CASE MUTANT "CHECK..." SIDE [SRC]: compare.py (control = st_src
# or SRC, or the mutant when SIDE is control) fails each CHECK blaming SIDE,
# passes the rest.
st_expect() {
	local c=$1 m=$st_dir/$2 side=$4 src=${5:-$st_src} res pre chk n=0
	if [ "$side" = control ]; then
		res=$(python3 tests/e2e/compare.py "$tree" basic "$m" "$src")
		pre="control failed: emulator bug:"
	else
		res=$(python3 tests/e2e/compare.py "$tree" basic "$src" "$m")
		pre="ours:"
	fi
	for chk in $3; do
		n=$((n + 1))
		if ! printf '%s\n' "$res" | grep -qF "FAIL: e2e/lvz/basic/$chk: $pre"; then
			kt_fail "$c" "compare.py did not fail $chk on $side: $(printf '%s' "$res" | tr '\n' '|')"
			return
		fi
	done
	if [ "$(printf '%s\n' "$res" | grep -c '^FAIL')" != $n ]; then
		kt_fail "$c" "more than '$3' failed: $(printf '%s' "$res" | grep '^FAIL' | tr '\n' '|')"
	else
		kt_pass "$c"
	fi
}

selftest_compare() {
	if [ "$(python3 tests/e2e/compare.py "$tree" basic "$st_src" "$st_src" | grep -c '^PASS')" != 7 ]; then
		kt_fail compare/selftest "the control's basic run does not pass all 7 checks against itself"
		return
	fi
	st_mutate result 'j["results"][0]["got"] = "0x1"'
	st_expect compare/detects-result result same-results ours
	# the same total, so the kvm_out check stays quiet
	st_mutate uexit 'j["userspace_exits"]["mmio"] += 1; j["userspace_exits"]["iocsr"] -= 1'
	st_expect compare/detects-userspace-exit uexit same-userspace-exits ours
	# one more store fault record: kvm_exit ecode 2 (EXCCODE_TLBS)
	st_mutate trace 'e2e[:] = [l if not l.startswith("E2E-HIST: kvm_exit reason 2 ") else "E2E-HIST: kvm_exit reason 2 %d" % (int(l.split()[-1]) + 1) for l in e2e]'
	# the init's walk and trace-viewer then disagree too
	st_expect compare/detects-trace trace "trace-matches-vmm viewer-matches-trace" ours
	st_mutate stats 'j["kvm_stats"]["cpucfg_exits"] += 1'
	st_expect compare/detects-stats stats stats-agree-with-trace ours
	st_expect compare/blames-control trace "trace-matches-vmm viewer-matches-trace" control
	# trace-viewer counting one more kvm_exit record than the init's walk
	st_mutate viewer 'tv["events"]["kvm_exit"] += 1'
	st_expect compare/detects-viewer viewer viewer-matches-trace ours
	# one more 8-byte MMIO write served than the trace holds
	st_mutate width 'j["seen"]["mmio"]["write"]["8"] += 1'
	st_expect compare/detects-width width widths-match-vmm ours
	# ours' run: one more CSR exit in trace-viewer's matrix than constructed
	if [ -f "$out/basic-ours.tv.json" ]; then
		st_mutate csr 'tv["csr_matrix"][0]["count"] += 1' "$out/basic-ours"
		st_expect compare/detects-csr csr widths-match-vmm ours "$out/basic-ours"
	else
		kt_fail compare/detects-csr "no trace-viewer JSON of ours' basic run"
	fi
}
selftest_compare
