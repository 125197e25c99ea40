# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh: a 6.12 LoongArch Linux guest
# (scripts/build-la-guest.sh) booted by `la-vmm boot` with 1 and 2 vCPUs,
# first under upstream's kvm.ko (the control), then under ours.  The pass
# criterion is tests/e2e/boot-check.sh (docs/e2e-boot.md).

guest=$("$top/scripts/build-la-guest.sh" 2>>"$err" | tail -n1)

# kvmstat-la reads each boot's trace.dat too (--replay, the kvmstat-la-agrees check)
ks=$top/tools/kvmstat-la/kvmstat-la
make -s -C tools/kvmstat-la >"$out/kvmstat-la-build.log" 2>&1 ||
	kt_fail kvmstat-la-build "make -C tools/kvmstat-la failed (see $out/kvmstat-la-build.log)"

# boot_guest NAME KO CPUS: one host boot running `la-vmm boot`, with a ring
# buffer that holds the whole boot (about 110000 records, 3.5 MB, for one
# vCPU), which the init sends as a snapshot
boot_guest() {
	KVMLA_QEMU=${KVMLA_QEMU:-} tests/e2e/boot.sh --name "$1" --kvm "$2" --lvz on \
		--vmm "$vmm" --file "$guest:/guest-vmlinux" \
		--args "boot,--kernel,/guest-vmlinux,--cpus,$3,--timeout-ms,60000" \
		--append "kvmla.vmm_timeout=90 trace_buf_size=32M kvmla.snap=1" --timeout 150 \
		>"$out/$1.boot" 2>&1
}

# profile_check CASE NAME WHO: the boot's exit profile (NAME.profile.json,
# docs/e2e-boot.md) and its checks: the trace is complete, the binary stats
# agree with the tracepoint counts, and trace-viewer on the boot's trace.dat
# (imported from its snapshot, kvmla.snap=1) counts what the init counted
# (tests/e2e/profile.py)
profile_check() {
	local res line chk why
	snap "$2"
	viewer "$2"
	rm -f "$out/$2.ks.json"
	[ -f "$out/$2.dat" ] &&
		"$ks" --replay "$out/$2.dat" --json >"$out/$2.ks.json" 2>"$out/$2.ks.err"
	res=$(python3 tests/e2e/profile.py "$tree" "$out/$2" "$out/$2.tv.json" 2>&1)
	printf '%s\n' "$res" | head -n1 >"$out/$2.profile.json"
	for chk in trace-complete stats-agree viewer-agrees kvmstat-la-agrees; do
		line=$(printf '%s\n' "$res" | grep "^$chk " || echo "$chk bad: profile.py: $(printf '%s' "$res" | tail -n1)")
		case $line in
		"$chk ok") kt_pass "$1/$chk" ;;
		*) why=${line#"$chk bad: "}
		   if [ "$3" = control ]; then
			kt_fail "$1/$chk" "control failed: $why"
		   else
			kt_fail "$1/$chk" "$why"
		   fi ;;
		esac
	done
}

# guest_check CASE NAME CPUS WHO: boot-check's line as this suite's, blamed
# on the emulator when the control fails
guest_check() {
	local line
	line=$(tests/e2e/boot-check.sh "$2" "$3" "$out/$2.vmm" "$out/$2.e2e")
	case $line in
	PASS:*) kt_pass "$1" ;;
	*) if [ "$4" = control ]; then
		kt_fail "$1" "control failed: emulator bug: ${line#*: e2e/$2: }"
	   else
		kt_fail "$1" "${line#*: e2e/$2: }"
	   fi ;;
	esac
}

if [ ! -f "$guest" ]; then
	kt_fail guest/build "scripts/build-la-guest.sh failed (see $err)"
else
	for n in 1 2; do
		boot_guest "guest-${n}cpu-upstream" "$upstream_ko" $n
		guest_check "guest/${n}cpu/control" "guest-${n}cpu-upstream" $n control
		profile_check "guest/${n}cpu/control" "guest-${n}cpu-upstream" control
		if ours_pre "guest/${n}cpu/ours"; then
			boot_guest "guest-${n}cpu-ours" "$ours_ko" $n
			guest_check "guest/${n}cpu/ours" "guest-${n}cpu-ours" $n ours
			profile_check "guest/${n}cpu/ours" "guest-${n}cpu-ours" ours
		fi
	done
fi

# boot-check must fail a warning the guest prints before it powers off, and
# pass one printed after its "reboot: Power down" line (the 6.12 guest's
# stop path, cut off by the VMM's exit: docs/e2e-boot.md).  The logs are
# made here: BEFORE and AFTER go around the power-down line.
bc_log() {
	local d=$out/selftest/$1
	mkdir -p "$out/selftest"
	printf 'E2E-VMM-EXIT: status 0\n' >"$d.e2e"
	{
		printf '[    0.100000] smp: Brought up 1 node, 2 CPUs\n'
		printf '%s' "$2"
		printf '[    0.900000] KVMLA-GUEST-INIT-OK cpus=2 online=0-1 affinity=2\n'
		printf '[    0.910000] reboot: Power down\n'
		printf '%s' "$3"
		printf '{"schema":"kvmla-la-vmm-boot","version":1,"result":"poweroff","cpus":2,"mem_mib":128}\n'
	} >"$d.vmm"
}

bc_expect() {
	local got
	got=$(tests/e2e/boot-check.sh "$2" 2 "$out/selftest/$2.vmm" "$out/selftest/$2.e2e")
	case $got in
	"$3"*) kt_pass "$1" ;;
	*) kt_fail "$1" "boot-check said '$got', not '$3...'" ;;
	esac
}

w='[    0.500000] WARNING: CPU: 1 PID: 0 at kernel/smp.c:661 0x900000000027d538'
bc_log clean '' ''
bc_expect guest/check/passes-clean clean "PASS: e2e/clean"
bc_log warn-before "$w"$'\n' ''
bc_expect guest/check/detects-warning warn-before "FAIL: e2e/warn-before: guest log: $w"
bc_log oops-before '[    0.500000] Oops[#1]:'$'\n' ''
bc_expect guest/check/detects-oops oops-before "FAIL: e2e/oops-before: guest log: [    0.500000] Oops"
bc_log warn-after '' "${w:0:40}"
bc_expect guest/check/after-power-down warn-after "PASS: e2e/warn-after"

# The VMM's summary can follow an unfinished guest line on the console (a
# vCPU stopped mid-printk: warn-after above); profile.py still finds it, and a
# summary cut by other output is named as garbled, not as missing.
summary_of() {
	python3 -c 'import sys; sys.path.insert(0, "tests/e2e"); import compare
r = compare.Run(sys.argv[1], None)
print(r.json["result"] if r.json else r.no_json())' "$out/selftest/$1"
}
got=$(summary_of warn-after)
[ "$got" = poweroff ] && kt_pass guest/check/summary-after-partial-line ||
	kt_fail guest/check/summary-after-partial-line "compare.Run read '$got', not poweroff"
sed -i 's/"mem_mib":128}$/"mem_[    0.920000] rcu: foo\n/' "$out/selftest/warn-after.vmm"
got=$(summary_of warn-after)
case $got in
"no JSON: garbled summary line ("*) kt_pass guest/check/summary-garbled-named ;;
*) kt_fail guest/check/summary-garbled-named "compare.Run said '$got'" ;;
esac

# kvmstat-la-agrees must see one kvm_out MMIO return less, and one kvm_exit
# more, in a copy of ours' 1-vCPU boot's kvmstat-la JSON
ks_mutant() {
	python3 - "$out/guest-1cpu-ours" "$1" <<'PY'
import json, sys
sys.path.insert(0, "tests/e2e")
import compare
r = compare.Run(sys.argv[1], None)
d = json.load(open(sys.argv[1] + ".ks.json"))
if sys.argv[2] == "out":
    x = d["events"]["kvm_out"]["reasons"]
    next(iter(x.values()))["total"] -= 1
else:
    d["events"]["kvm_exit"]["total"] += 1
json.dump(d, open(sys.argv[1] + ".ks-mut.json", "w"))
print(compare.check_kvmstat(r) is None, compare.check_kvmstat(r, sys.argv[1] + ".ks-mut.json") is None)
PY
}
if [ -s "$out/guest-1cpu-ours.ks.json" ]; then
	for m in out exit; do
		got=$(ks_mutant $m 2>&1)
		[ "$got" = "True False" ] && kt_pass guest/check/kvmstat-la-detects-$m ||
			kt_fail guest/check/kvmstat-la-detects-$m "check on the real and the mutated JSON: '$got' (want 'True False')"
	done
else
	kt_fail guest/check/kvmstat-la-detects "no kvmstat-la JSON of ours' 1-vCPU boot"
fi
