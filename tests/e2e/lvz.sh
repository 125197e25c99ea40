# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh: the LVZ scenarios of the VMM, each booted with
# upstream's kvm.ko and then with ours, compared by tests/e2e/compare.py.
# KVMLA_E2E_SCENARIOS overrides the list; KVMLA_E2E_TIMEOUT the time per boot.
scenarios=${KVMLA_E2E_SCENARIOS:-basic mmio gspr stage2 irq fpu smp vpid}
export KVMLA_E2E_TIMEOUT=${KVMLA_E2E_TIMEOUT:-30}

for sc in $scenarios; do
	boot "$sc-upstream" "$upstream_ko" on "$vmm" "$sc"
	if [ "$ours_built" = 1 ]; then
		boot "$sc-ours" "$ours_ko" on "$vmm" "$sc"
	else
		rm -f "$out/$sc-ours.e2e" "$out/$sc-ours.vmm"
	fi
	python3 tests/e2e/compare.py "$tree" "$sc" "$out/$sc-upstream" "$out/$sc-ours"
done
. tests/e2e/selftest.sh
