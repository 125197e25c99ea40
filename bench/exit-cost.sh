#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Exit cost per kind (issue 12, point 3): the la-vmm scenarios under the LVZ
# QEMU with the exit-cost TCG plugin (qemu/plugins/exit-cost.c), once with
# upstream's kvm.ko (the tree's) and once with ours (kvm/kvm.ko), in one run.
# Prints min / median / p99 root instructions per exit kind for both modules
# side by side, each boot's exit counts against la-vmm's expected counts,
# and where each module's exit-path instructions go (symbols); writes the
# kvmla-exit-cost v1 JSON (docs/json/kvmla-exit-cost.v1.schema.json).
# Usage: bench/exit-cost.sh [--json FILE] [--scenarios "basic mmio ..."]
#                           [--trace on|off] [--stubs]
# --trace off (default): the kvm events stay disabled (kvmla.trace=0, the
# module's own cost); on: every kvm event enabled, as in make e2e.
# --stubs: a third module, ours built with KVMLA_TRACE_STUBS=1 (every kvmla
# tracepoint compiled to nothing; in build/exit-cost/stub/), named
# ours-notrace: what ours' disabled tracepoints cost is the difference.
# Default scenarios: basic mmio gspr stage2 irq fpu smp vpid; outputs in
# build/exit-cost/ (JSON: build/exit-cost/exit-cost.json).  Exit 1 when a
# boot fails or a count disagrees with la-vmm's.  See docs/exit-cost.md.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/exit-cost
json=$out/exit-cost.json
scenarios="basic mmio gspr stage2 irq fpu smp vpid"
trace=off
stubs=0
while [ $# -gt 0 ]; do
	case $1 in
	--json) json=${2:?}; shift ;;
	--scenarios) scenarios=${2:?}; shift ;;
	--trace) trace=${2:?}; shift ;;
	--stubs) stubs=1 ;;
	*) echo "exit-cost: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
die() { echo "exit-cost: $*" >&2; exit 1; }
case $trace in on) append="" ;; off) append="kvmla.trace=0" ;;
*) echo "exit-cost: --trace takes on or off, not '$trace'" >&2; exit 2 ;; esac

mkdir -p "$out"
tree=$("$top/scripts/build-la-kernel.sh") || die "no host kernel"
"$top/scripts/build-qemu.sh" >/dev/null || die "no LVZ QEMU"
nice make -s -C "$top/kvm" KDIR="$tree" LLVM=-19 >"$out/kvm-build.log" 2>&1 ||
	die "make -C kvm failed (see $out/kvm-build.log)"
nice make -s -C "$top/tests/e2e/vmm" >/dev/null || die "cannot build la-vmm"
make -s -C "$top/qemu/plugins" || die "cannot build the plugin"
so=$top/build/qemu-plugins/exit-cost.so
mkdir -p "$out"
mods="upstream ours"
modargs=(--module "upstream=$tree/arch/loongarch/kvm/kvm.ko" --module "ours=$top/kvm/kvm.ko")
if [ "$stubs" = 1 ]; then
	rm -rf "$out/stub"
	mkdir -p "$out/stub"
	cp -r "$top/kvm" "$top/include" "$top/scripts" "$out/stub/"
	make -s -C "$out/stub/kvm" clean >/dev/null 2>&1
	nice make -s -C "$out/stub/kvm" KDIR="$tree" LLVM=-19 KVMLA_TRACE_STUBS=1 \
		>"$out/kvm-stub-build.log" 2>&1 ||
		die "the KVMLA_TRACE_STUBS=1 build failed (see $out/kvm-stub-build.log)"
	mods="$mods ours-notrace"
	modargs+=(--module "ours-notrace=$out/stub/kvm/kvm.ko")
fi

rc=0
for m in $mods; do
	ko=$m
	[ "$m" = ours-notrace ] && ko=$out/stub/kvm/kvm.ko
	for s in $scenarios; do
		n=$s-$m
		rm -f "$out/$n.txt"
		if ! "$top/tests/e2e/boot.sh" --kvm "$ko" --lvz on --args "$s" \
			--name "cost-$n" --timeout 120 --append "$append" \
			--qemu-arg -plugin --qemu-arg "$so,out=$out/$n.txt,hist=on" >/dev/null; then
			echo "exit-cost: $n: the boot failed (build/e2e/cost-$n.log)" >&2
			rc=1
		fi
		cp "$top/build/e2e/cost-$n.vmm" "$out/$n.vmm"
		cp "$top/build/e2e/cost-$n.e2e" "$out/$n.e2e"
		[ -s "$out/$n.txt" ] || { echo "exit-cost: $n: no plugin output" >&2; exit 1; }
	done
done
python3 "$top/qemu/plugins/exit-cost.py" report --tree "$tree" --dir "$out" \
	--scenarios "$scenarios" \
	"${modargs[@]}" --trace "$trace" --json "$json" || rc=1
echo "JSON: $json"
exit $rc
