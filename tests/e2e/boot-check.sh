#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Pass criterion of the e2e boot scenarios (docs/e2e-boot.md): reads the
# runner's NAME.vmm (la-vmm boot's output inside the host) and NAME.e2e and
# prints one PASS:/FAIL: line for the scenario.
#   tests/e2e/boot-check.sh SCENARIO CPUS VMM-FILE E2E-FILE
# It passes when: the host's init saw la-vmm exit 0 (E2E-VMM-EXIT: status 0);
# la-vmm's summary says "result":"poweroff" with "cpus":CPUS; the guest's
# marker line says cpus=CPUS online=0[-CPUS-1]; and the guest's log up to
# its "reboot: Power down" line has no WARNING, Oops, BUG, "Call Trace",
# "Kernel panic" or RCU stall.  What a vCPU prints after that line races the
# VMM's exit and is cut off mid-line, and the 6.12 guest's own stop path
# warns there now and then under either kvm.ko (docs/e2e-boot.md, "After the
# power-down line").
set -u
[ $# = 4 ] || { echo "usage: $0 SCENARIO CPUS VMM-FILE E2E-FILE" >&2; exit 2; }
sc=$1 cpus=$2 vmm=$3 e2e=$4
case $cpus in ''|*[!0-9]*|0) echo "boot-check: CPUS must be a positive number, not '$cpus'" >&2; exit 2 ;; esac
fail() { echo "FAIL: e2e/$sc: $*"; exit 1; }
[ -f "$vmm" ] || fail "no VMM output $vmm"
[ -f "$e2e" ] || fail "no runner output $e2e"
online=0
[ "$cpus" -gt 1 ] && online="0-$((cpus - 1))"
grep -qx 'E2E-VMM-EXIT: status 0' "$e2e" ||
	fail "la-vmm did not exit 0 ($(grep -m1 '^E2E-VMM-EXIT' "$e2e" || echo 'no E2E-VMM-EXIT'))"
grep -q "KVMLA-GUEST-INIT-OK cpus=$cpus online=$online " "$vmm" ||
	fail "no marker 'KVMLA-GUEST-INIT-OK cpus=$cpus online=$online' ($(grep -m1 -o 'KVMLA-GUEST-INIT-OK.*' "$vmm" || echo 'the guest never reached /init'))"
grep -q "\"result\":\"poweroff\",\"cpus\":$cpus," "$vmm" ||
	fail "la-vmm's summary is not a poweroff of $cpus vCPUs"
bad=$(sed -n '1,/reboot: Power down/p' "$vmm" |
	grep -a -m1 -E 'WARNING|Oops|BUG[: ]|Call Trace|Kernel panic|rcu: INFO')
[ -z "$bad" ] || fail "guest log: $bad"
echo "PASS: e2e/$sc"
