#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Suite e2e: kvm.ko in a LoongArch host kernel under QEMU (tests/e2e/boot.sh).
# Every scenario boots first with upstream's kvm.ko (the control, built from
# the same tree) and then with ours (kvm/).  A case the control fails is an
# emulator failure ("control failed: emulator bug"); one only ours fails is
# ours.  Logs: build/e2e/<scenario>-<upstream|ours>.{log,e2e,vmm}.
# Environment: KVMLA_QEMU, KVMLA_VMM (see tests/e2e/boot.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/ktest.sh
kt_suite e2e
out=$top/build/e2e
mkdir -p "$out"
cache=${KVMLA_KCACHE:-/var/cache/kvmla}
err=$out/run.err
: >"$err"

# ---- setup --------------------------------------------------------------

tree=$(scripts/build-la-kernel.sh 2>>"$err" | tail -n1)
if [ -z "$tree" ] || [ ! -f "$tree/vmlinux" ]; then
	kt_fail setup/host-kernel "scripts/build-la-kernel.sh failed (see $err)"
	exit 1
fi
export KVMLA_KTREE=$tree
upstream_ko=$tree/arch/loongarch/kvm/kvm.ko

ours_ko=$top/kvm/kvm.ko
ours_built=1
if ! make -C kvm KDIR="$tree" LLVM=-19 >"$out/kvm-build.log" 2>&1; then
	ours_built=0
fi

read -r qemu qemu_lvz < <(tests/e2e/boot.sh --probe 2>>"$err")
vmm=${KVMLA_VMM:-}
if [ -z "$vmm" ]; then
	vmm=$top/build/e2e/la-vmm
	make -s -C tests/e2e/vmm >"$out/la-vmm-build.log" 2>&1 ||
		{ kt_fail la-vmm-build "make -C tests/e2e/vmm failed (see $out/la-vmm-build.log)"; exit 1; }
fi

# boot NAME KVM LVZ VMM ARGS [PARAMS]: one boot (PARAMS: more kernel
# parameters); its E2E lines in $out/NAME.e2e
boot() {
	KVMLA_QEMU=${BOOT_QEMU:-${KVMLA_QEMU:-}} tests/e2e/boot.sh --name "$1" --kvm "$2" --lvz "$3" --vmm "$4" --args "$5" \
		--append "${6:-}" >"$out/$1.boot" 2>&1
}

# The value after "KEY: " of the first line starting with it.
e2e_get() { sed -n "s/^$2: //p" "$out/$1.e2e" 2>/dev/null | head -n1; }

# The kernel's log lines of the load; the kernel's own taint notice for an
# out-of-tree module is not the module's and is left out.
klog_lines() {
	sed -n 's/^E2E-KLOG: //p' "$out/$1.e2e" 2>/dev/null |
		grep -v ': loading out-of-tree module taints kernel\.$'
}

clean_state="after-insmod devkvm absent module absent events absent"

# ---- scenario nolvz: no LVZ in the CPU, the load must fail cleanly ------

# Run once per QEMU without LVZ: $nl is the scenario name, $nl_qemu its QEMU.
nolvz_ran=0
nolvz_boot() {
	[ "$nolvz_ran" = 1 ] && return 0
	nolvz_ran=1
	BOOT_QEMU=$nl_qemu boot "$nl-upstream" "$upstream_ko" off none ""
	[ "$ours_built" = 1 ] && BOOT_QEMU=$nl_qemu boot "$nl-ours" "$ours_ko" off none ""
	return 0
}

# Control: insmod fails with -ENODEV (upstream's main.c returns it when
# cpu_has_lvz is false; measured on QEMU with lvz=off).
nolvz_control_insmod() {
	local c=$nl/control-enodev rc
	nolvz_boot
	rc=$(e2e_get $nl-upstream E2E-INSMOD)
	if [ "$rc" = "-19 ENODEV" ]; then kt_pass $c
	else kt_fail $c "control failed: emulator bug: insmod gave '${rc:-no result}' (want -19 ENODEV; $out/$nl-upstream.log)"
	fi
}

# Control: one log line, upstream's kvm_err() text.
nolvz_control_line() {
	local c=$nl/control-one-line lines n
	nolvz_boot
	lines=$(klog_lines $nl-upstream)
	n=$(printf '%s' "$lines" | grep -c '')
	if [ "$n" = 1 ] && printf '%s\n' "$lines" |
		grep -Eqx 'kvm \[[0-9]+\]: Hardware virtualization not available'; then
		kt_pass $c
	else
		kt_fail $c "control failed: emulator bug: $n log lines: $(printf '%s' "$lines" | tr '\n' '|')"
	fi
}

nolvz_control_clean() {
	local c=$nl/control-leaves-nothing st
	nolvz_boot
	st=$(e2e_get $nl-upstream E2E-STATE)
	if [ "$st" = "$clean_state" ]; then kt_pass $c
	else kt_fail $c "control failed: emulator bug: '$st'"
	fi
}

# ours_case CASE CHECK-FUNCTION: FAIL as an emulator bug when the control
# failed the same check, SKIP when ours did not build.
ours_pre() {
	if [ "$ours_built" != 1 ]; then
		kt_fail "$1" "our kvm.ko did not build (see $out/kvm-build.log)"
		return 1
	fi
	return 0
}

nolvz_ours_insmod() {
	local c=$nl/ours-enodev rc crc
	ours_pre $c || return
	nolvz_boot
	crc=$(e2e_get $nl-upstream E2E-INSMOD)
	rc=$(e2e_get $nl-ours E2E-INSMOD)
	if [ "$crc" != "-19 ENODEV" ]; then
		kt_fail $c "control failed: emulator bug (control insmod '${crc:-none}')"
	elif [ "$rc" = "$crc" ]; then kt_pass $c
	else kt_fail $c "insmod gave '${rc:-no result}', upstream '$crc' ($out/$nl-ours.log)"
	fi
}

nolvz_ours_line() {
	local c=$nl/ours-one-line lines n
	ours_pre $c || return
	nolvz_boot
	lines=$(klog_lines $nl-ours)
	n=$(printf '%s' "$lines" | grep -c '')
	echo "# $nl: ours logged: $(printf '%s' "$lines" | tr '\n' '|')"
	echo "# $nl: upstream logged: $(klog_lines $nl-upstream | tr '\n' '|')"
	if [ "$n" = 1 ]; then kt_pass $c
	else kt_fail $c "$n log lines (upstream 1): $(printf '%s' "$lines" | tr '\n' '|')"
	fi
}

nolvz_ours_clean() {
	local c=$nl/ours-leaves-nothing st
	ours_pre $c || return
	nolvz_boot
	st=$(e2e_get $nl-ours E2E-STATE)
	if [ "$(e2e_get $nl-upstream E2E-STATE)" != "$clean_state" ]; then
		kt_fail $c "control failed: emulator bug"
	elif [ "$st" = "$clean_state" ]; then kt_pass $c
	else kt_fail $c "'$st' ($out/$nl-ours.log)"
	fi
}

nolvz_run() { # NAME QEMU
	nl=$1 nl_qemu=$2 nolvz_ran=0
	nolvz_control_insmod
	nolvz_control_line
	nolvz_control_clean
	nolvz_ours_insmod
	nolvz_ours_line
	nolvz_ours_clean
}
# -cpu la464,lvz=off (or plain la464 on a QEMU without the property) ...
nolvz_run nolvz "$qemu"

# ---- LVZ scenarios: the VMM's guests ----------------------------------

if [ "$qemu_lvz" != lvz ]; then
	kt_fail lvz/all "no QEMU with LVZ ($qemu has no lvz property; set KVMLA_QEMU)"
	exit 1
fi
if [ ! -f "$vmm" ]; then
	kt_fail lvz/all "no VMM at $vmm (KVMLA_VMM)"
	exit 1
fi
. tests/e2e/lvz.sh
. tests/e2e/guest-boot.sh
exit 0
