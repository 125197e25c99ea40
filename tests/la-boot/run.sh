#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/la-boot: `la-vmm boot` (tests/e2e/vmm/boot.c) on this (x86) machine,
# without KVM: what it would hand a guest kernel.  Cases:
#   fdt_exact           `boot --dump-fdt` for 2 vCPUs, 64 MiB and a command
#                       line, decompiled by dtc, equals the tree written out
#                       by hand below from the bindings (cpus, memory, the
#                       LoongArch CPU interrupt controller, ns16550a, syscon +
#                       syscon-poweroff) and compiled by dtc
#   fdt_dtc_clean       dtc reports no warning on the dumped tree
#   usage_errors        bad --cpus / --mem / option, no --kernel, a non-ELF
#                       kernel: one line on stderr, exit 64 (2 for the file)
#   bootap_waits        the secondary-CPU loop (guests/bootap.S) unmasks IPI
#                       and SWI0, idles, reads IOCSR MBUF0 (0x1020) and jumps:
#                       its llvm-objdump holds exactly those instructions
# The guest boot itself runs on the emulated LVZ host (docs/e2e-boot.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite la-boot

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VMM=$top/build/e2e/la-vmm
QU=${KVMLA_QEMU_USER:-$(command -v qemu-loongarch64-static || command -v qemu-loongarch64 || true)}

make -s -C "$top/tests/e2e/vmm" >"$tmp/build.log" 2>&1 ||
	{ kt_fail build "make -C tests/e2e/vmm: $(grep -m1 -i error "$tmp/build.log")"; exit 1; }

# A minimal LoongArch ELF "kernel" (one PT_LOAD at 2 MiB) for --dump-fdt.
fake_kernel() {
	printf '\t.text\n\t.globl _start\n_start:\n\tb _start\n' >"$tmp/k.S"
	llvm-mc-19 --triple=loongarch64 -filetype=obj -o "$tmp/k.o" "$tmp/k.S" 2>/dev/null &&
		ld.lld-19 --image-base=0x9000000000200000 \
			-e _start -o "$tmp/k.elf" "$tmp/k.o"
}

run_vmm() { "$QU" "$VMM" "$@"; }

fdt_exact() {
	[ -x "$VMM" ] && [ -n "$QU" ] || { kt_fail fdt_exact "no la-vmm or qemu-user (scripts/deps.sh test)"; return; }
	command -v dtc >/dev/null || { kt_fail fdt_exact "no dtc (scripts/deps.sh test)"; return; }
	fake_kernel || { kt_fail fdt_exact "cannot link the test kernel"; return; }
	if ! run_vmm boot --kernel "$tmp/k.elf" --cpus 2 --mem 64 --cmdline "console=ttyS0 x=1" \
		--dump-fdt "$tmp/got.dtb" 2>"$tmp/err"; then
		kt_fail fdt_exact "la-vmm boot --dump-fdt failed: $(head -1 "$tmp/err")"
		return
	fi
	cat >"$tmp/want.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "kvmla,la-vmm";
	model = "kvmla la-vmm boot";
	chosen {
		bootargs = "console=ttyS0 x=1";
		stdout-path = "/serial@1fe001e0";
	};
	memory@0 {
		device_type = "memory";
		reg = <0 0 0 0x4000000>;
	};
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@0 { device_type = "cpu"; compatible = "loongarch,Loongson-3A5000"; reg = <0>; };
		cpu@1 { device_type = "cpu"; compatible = "loongarch,Loongson-3A5000"; reg = <1>; };
	};
	cpuic {
		compatible = "loongson,cpu-interrupt-controller";
		interrupt-controller;
		#address-cells = <0>;
		#interrupt-cells = <1>;
		phandle = <1>;
	};
	serial@1fe001e0 {
		compatible = "ns16550a";
		reg = <0 0x1fe001e0 0 0x100>;
		clock-frequency = <100000000>;
	};
	syscon@100e0000 {
		compatible = "syscon";
		reg = <0 0x100e0000 0 0x100>;
		reg-io-width = <4>;
		phandle = <2>;
	};
	poweroff {
		compatible = "syscon-poweroff";
		regmap = <2>;
		offset = <0>;
		value = <0x34>;
	};
};
DTS
	dtc -q -I dts -O dts "$tmp/want.dts" >"$tmp/want.out" 2>/dev/null
	dtc -q -I dtb -O dts "$tmp/got.dtb" >"$tmp/got.out" 2>/dev/null
	if diff -u "$tmp/want.out" "$tmp/got.out" >"$tmp/diff"; then
		kt_pass fdt_exact
	else
		kt_fail fdt_exact "tree differs: $(grep -m1 '^[-+][^-+]' "$tmp/diff")"
	fi
}

fdt_dtc_clean() {
	[ -f "$tmp/got.dtb" ] || { kt_fail fdt_dtc_clean "no dumped tree"; return; }
	dtc -I dtb -O dts -o /dev/null "$tmp/got.dtb" 2>"$tmp/dtc.err"
	if [ -s "$tmp/dtc.err" ]; then
		kt_fail fdt_dtc_clean "$(head -1 "$tmp/dtc.err")"
	else
		kt_pass fdt_dtc_clean
	fi
}

usage_errors() {
	local bad="" args rc want
	[ -x "$VMM" ] && [ -n "$QU" ] || { kt_fail usage_errors "no la-vmm or qemu-user (scripts/deps.sh test)"; return; }
	printf 'not an elf\n' >"$tmp/notelf"
	while IFS='|' read -r want args; do
		# shellcheck disable=SC2086
		run_vmm boot $args >"$tmp/o" 2>"$tmp/e"
		rc=$?
		if [ "$rc" != "$want" ] || [ -s "$tmp/o" ] || [ "$(wc -l <"$tmp/e")" != 1 ]; then
			bad="boot $args: exit $rc, $(wc -l <"$tmp/e") stderr lines (want exit $want, 1 line)"
			break
		fi
	done <<EOF2
64|--cpus 0 --kernel $tmp/k.elf
64|--cpus 5 --kernel $tmp/k.elf
64|--mem 8 --kernel $tmp/k.elf
64|--mem 512 --kernel $tmp/k.elf
64|--bogus 1
64|--cpus 1
64|--kernel
2|--kernel $tmp/notelf
2|--kernel $tmp/does-not-exist
EOF2
	if [ -n "$bad" ]; then kt_fail usage_errors "$bad"; else kt_pass usage_errors; fi
}

bootap_waits() {
	local d got want
	d=$(llvm-objdump-19 -d --mattr=+lvz "$top/build/e2e/guests/bootap.elf" 2>/dev/null |
		awk -F'\t' '/^ +[0-9a-f]+:/ { print $2 }')
	[ -n "$d" ] || { kt_fail bootap_waits "no disassembly of build/e2e/guests/bootap.elf"; return; }
	got=$(printf '%s\n' "$d" | sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ')
	# the counts by construction: ECFG set and cleared (2 csrwr), one ESTAT
	# clear, one idle, one MBUF0 read, one IPI_CLEAR write, one jump (jirl
	# with rd = zero prints as jr)
	for k in beqz:1 bstrpick.d:1 csrwr:2 csrxchg:1 idle:1 iocsrrd.d:1 iocsrwr.w:1 jr:1; do
		case " $got" in *" $k "*) ;; *) kt_fail bootap_waits "want $k, have: $got"; return ;; esac
	done
	# MBUF0 = 0x1020 = lu12i.w 1 (0x1000) + ori 32
	if ! llvm-objdump-19 -d --mattr=+lvz "$top/build/e2e/guests/bootap.elf" |
		grep -q 'ori	$t1, $t1, 32'; then
		kt_fail bootap_waits "no IOCSR MBUF0 (0x1020) address in: $got"
	else
		kt_pass bootap_waits
	fi
}

fdt_exact
fdt_dtc_clean
usage_errors
bootap_waits
exit $KT_FAILED
