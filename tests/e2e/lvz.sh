# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh: the LVZ scenarios of the VMM, each booted with
# upstream's kvm.ko and then with ours, compared by tests/e2e/compare.py.
# KVMLA_E2E_SCENARIOS overrides the list; KVMLA_E2E_TIMEOUT the time per boot.
scenarios=${KVMLA_E2E_SCENARIOS:-basic mmio gspr stage2 irq fpu smp vpid}
export KVMLA_E2E_TIMEOUT=${KVMLA_E2E_TIMEOUT:-30}

# A boot whose VMM hung (its own timeout) or whose host never finished.
hung() {
	! grep -qx 'E2E-DONE' "$out/$1.e2e" 2>/dev/null ||
		grep -q '^E2E-VMM-EXIT: timeout' "$out/$1.e2e"
}

# boot_once_more NAME KVM SCENARIO: the emulator has a known, rare guest-timer
# stall (docs/platform.md, "Known faults"): with either module a guest may
# wait for ever for its timer.  A hung boot is booted once more, and said so
# on stderr (build/check.log) and in build/e2e/rebooted; a second hang, and
# any wrong count or result, still fails.
boot_once_more() {
	boot "$1" "$2" on "$vmm" "$3"
	if hung "$1"; then
		echo "e2e: $1 hung ($(grep -m1 '^E2E-VMM-EXIT' "$out/$1.e2e" 2>/dev/null ||
			echo 'the host did not finish')); booted once more" | tee -a "$out/rebooted" >&2
		cp "$out/$1.log" "$out/$1.hung.log" 2>/dev/null
		boot "$1" "$2" on "$vmm" "$3"
	fi
}

rm -f "$out/rebooted"
for sc in $scenarios; do
	boot_once_more "$sc-upstream" "$upstream_ko" "$sc"
	if [ "$ours_built" = 1 ]; then
		boot_once_more "$sc-ours" "$ours_ko" "$sc"
	else
		rm -f "$out/$sc-ours.e2e" "$out/$sc-ours.vmm"
	fi
	python3 tests/e2e/compare.py "$tree" "$sc" "$out/$sc-upstream" "$out/$sc-ours"
done
. tests/e2e/selftest.sh
