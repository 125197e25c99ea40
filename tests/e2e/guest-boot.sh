# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/e2e/run.sh: a 6.12 LoongArch Linux guest
# (scripts/build-la-guest.sh) booted by `la-vmm boot` with 1 and 2 vCPUs,
# first under upstream's kvm.ko (the control), then under ours.  The pass
# criterion is tests/e2e/boot-check.sh (docs/e2e-boot.md).

guest=$("$top/scripts/build-la-guest.sh" 2>>"$err" | tail -n1)

# boot_guest NAME KO CPUS: one host boot running `la-vmm boot`
boot_guest() {
	KVMLA_QEMU=${KVMLA_QEMU:-} tests/e2e/boot.sh --name "$1" --kvm "$2" --lvz on \
		--vmm "$vmm" --file "$guest:/guest-vmlinux" \
		--args "boot,--kernel,/guest-vmlinux,--cpus,$3,--timeout-ms,60000" \
		--append kvmla.vmm_timeout=90 --timeout 150 >"$out/$1.boot" 2>&1
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
		if ours_pre "guest/${n}cpu/ours"; then
			boot_guest "guest-${n}cpu-ours" "$ours_ko" $n
			guest_check "guest/${n}cpu/ours" "guest-${n}cpu-ours" $n ours
		fi
	done
fi
