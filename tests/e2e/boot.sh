#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the LoongArch e2e host once under QEMU: packs an initramfs with
# build/e2e/init (tests/e2e/init/init.c), a kvm.ko and a VMM, runs it,
# captures the serial console and extracts the "E2E-" lines.
#
# Usage: tests/e2e/boot.sh [options]
#   --kvm upstream|ours|FILE   kvm.ko to load (default upstream: the tree's
#                              arch/loongarch/kvm/kvm.ko, the control;
#                              ours: kvm/kvm.ko, built by make -C kvm)
#   --lvz on|off               -cpu la464,lvz=... (default on)
#   --vmm FILE                 the VMM (default $KVMLA_VMM, else
#                              build/e2e/la-vmm, built by make -C tests/e2e/vmm)
#   --args "A,B,..."           the VMM's arguments (kvmla.vmm= on the
#                              kernel command line; split at ',' or ' ')
#   --name NAME                log name: build/e2e/NAME.{log,e2e,vmm}
#   --file SRC:DST             one more file in the initramfs (repeatable)
#   --timeout SEC              (default $KVMLA_E2E_TIMEOUT or 120)
#   --append "PARAMS"          more kernel parameters
#   --noload                   boot and power off without loading kvm.ko
#   --gdb                      QEMU waits for gdb on :1234 (-s -S)
#   --monitor SOCK             the QEMU monitor on unix socket SOCK
#   --qemu-arg ARG             one more QEMU argument (repeatable), e.g. -d int
#   --probe                    print "QEMU-PATH lvz|nolvz" and exit
#   --vmm none                 no /la-vmm in the initramfs (load checks only)
# Environment: KVMLA_QEMU (QEMU binary), KVMLA_KTREE (host kernel tree).
# Exit status 0 when the init reached E2E-DONE, 1 otherwise (2: bad usage).
# Prints the paths of the three output files on its last lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KVMLA_KCACHE:-/var/cache/kvmla}
out=$top/build/e2e

die() { echo "boot.sh: $*" >&2; exit 2; }

kvm=upstream lvz=on vmm=${KVMLA_VMM:-} args="" name="" timeout=${KVMLA_E2E_TIMEOUT:-120}
append="" noload=0 gdb=0 probe=0 monitor=none
files=() qargs=()
while [ $# -gt 0 ]; do
	case $1 in
	--kvm) kvm=${2:?}; shift ;;
	--lvz) lvz=${2:?}; shift ;;
	--vmm) vmm=${2:?}; shift ;;
	--args) args=${2?}; shift ;;
	--name) name=${2:?}; shift ;;
	--file) files+=("${2:?}"); shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--append) append=${2?}; shift ;;
	--noload) noload=1 ;;
	--gdb) gdb=1 ;;
	--probe) probe=1 ;;
	--monitor) monitor=unix:${2:?},server,nowait; shift ;;
	--qemu-arg) qargs+=("${2:?}"); shift ;;
	-h|--help) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
case $lvz in on|off) ;; *) die "--lvz takes on or off, not '$lvz'" ;; esac
case $timeout in ''|*[!0-9]*) die "--timeout takes seconds, not '$timeout'" ;; esac
case $args in *'"'*) die "--args may not hold a double quote" ;; esac

# The host kernel (not needed by --probe).
tree=${KVMLA_KTREE:-}
[ "$probe" = 1 ] && tree=/nonexistent
[ -n "$tree" ] || tree=$("$top/scripts/build-la-kernel.sh") || die "no host kernel (scripts/build-la-kernel.sh failed)"
[ "$probe" = 1 ] || [ -f "$tree/vmlinux" ] || die "no vmlinux in $tree"
[ "$probe" = 1 ] || [ -x "$tree/usr/gen_init_cpio" ] || die "no usr/gen_init_cpio in $tree"

# QEMU: KVMLA_QEMU, else the one scripts/build-qemu.sh builds from
# qemu/patches (cached): the series as committed.
qemu=${KVMLA_QEMU:-}
if [ -z "$qemu" ]; then
	qemu=$("$top/scripts/build-qemu.sh" | tail -n1) || die "scripts/build-qemu.sh failed"
fi
[ -n "$qemu" ] && [ -x "$qemu" ] || die "no QEMU for LoongArch (set KVMLA_QEMU)"
# A QEMU without the lvz property has no LVZ: fine for lvz=off only.
if "$qemu" -M virt -cpu la464 -device la464-loongarch-cpu,help 2>/dev/null | grep -q '^ *lvz='; then
	cpu="la464,lvz=$lvz"
	[ "$probe" = 1 ] && { echo "$qemu lvz"; exit 0; }
else
	[ "$probe" = 1 ] && { echo "$qemu nolvz"; exit 0; }
	[ "$lvz" = off ] || die "$qemu has no LVZ (no lvz property on la464); use --lvz off or set KVMLA_QEMU"
	cpu="la464"
fi

# kvm.ko
case $kvm in
upstream) ko=$tree/arch/loongarch/kvm/kvm.ko ;;
ours) ko=$top/kvm/kvm.ko ;;
*) ko=$kvm ;;
esac
[ "$noload" = 1 ] || [ -f "$ko" ] || die "no kvm.ko at $ko (ours: make -C kvm KDIR=$tree LLVM=-19)"

# The VMM: a static LoongArch ELF.
[ -n "$vmm" ] || vmm=$top/build/e2e/la-vmm
[ "$noload" = 1 ] || [ "$vmm" = none ] || [ -f "$vmm" ] ||
	die "no VMM at $vmm (--vmm FILE or KVMLA_VMM)"

# The init.
make -s -C "$top/tests/e2e" KTREE="$tree" OUT="$out" >&2 || die "cannot build the init"

[ -n "$name" ] || name=boot-$kvm-lvz$lvz
case $name in */*) name=$(basename "$name") ;; esac
mkdir -p "$out"
log=$out/$name.log e2e=$out/$name.e2e vmmout=$out/$name.vmm
work=$(mktemp -d "$out/.boot.XXXXXX")
trap 'rm -rf "$work"' EXIT

spec=$work/initramfs.spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "file /init $out/init 0755 0 0"
	if [ "$noload" = 0 ]; then
		echo "file /kvm.ko $ko 0644 0 0"
		[ "$vmm" = none ] || echo "file /la-vmm $vmm 0755 0 0"
	fi
	for f in "${files[@]}"; do
		src=${f%%:*} dst=${f#*:}
		[ -f "$src" ] && [ "$dst" != "$f" ] || die "--file wants SRC:DST with SRC a file, not '$f'"
		echo "file $dst $src 0755 0 0"
	done
} >"$spec"
"$tree/usr/gen_init_cpio" "$spec" >"$work/initrd.cpio" || die "gen_init_cpio failed"

cmdline="console=ttyS0,115200 earlycon=uart8250,mmio,0x1fe001e0 rdinit=/init panic=-1"
cmdline="$cmdline initcall_blacklist=i8042_init"
[ -n "$args" ] && cmdline="$cmdline kvmla.vmm=\"$args\""
[ "$noload" = 1 ] && cmdline="$cmdline kvmla.noload=1"
[ -n "$append" ] && cmdline="$cmdline $append"
# The init gives a stuck VMM up at 2/3 of the boot's time, so that the trace
# is still reported (the first kvmla.vmm_timeout on the line wins).
[ "$timeout" -ge 6 ] && cmdline="$cmdline kvmla.vmm_timeout=$((timeout * 2 / 3))"

g=()
[ "$gdb" = 1 ] && { g=(-s -S); timeout=0; echo "boot.sh: QEMU waits for gdb on :1234" >&2; }
start=$(date +%s.%N)
{
	echo "# qemu: $qemu -cpu $cpu"
	echo "# kvm.ko: $ko"
	echo "# vmm: $vmm"
	echo "# cmdline: $cmdline"
} >"$log"
# timeout 0 = none (gdb sessions).
timeout -k 5 "$timeout" "$qemu" -M virt -cpu "$cpu" -m 1G -smp 1 \
	-display none -monitor "$monitor" -serial stdio -nic none -no-reboot \
	-kernel "$tree/vmlinux" -initrd "$work/initrd.cpio" \
	-append "$cmdline" "${g[@]}" "${qargs[@]}" </dev/null >>"$log" 2>&1
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
tr -d '\r' <"$log" | grep -a '^E2E-' >"$e2e"
tr -d '\r' <"$log" | sed -n '/^E2E-VMM-BEGIN$/,/^E2E-VMM-END$/p' | sed '1d;$d' >"$vmmout"
printf '# qemu exit %s after %.1f s\n' "$rc" "$secs" >>"$log"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "boot.sh: timed out after $timeout s (see $log)" >&2
fi
echo "$log"
echo "$e2e"
echo "$vmmout"
grep -qx 'E2E-DONE' "$e2e"
