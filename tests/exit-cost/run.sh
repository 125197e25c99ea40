#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Suite exit-cost: the exit-cost TCG plugin (qemu/plugins/exit-cost.c,
# docs/exit-cost.md) counts the exits of real la-vmm runs, per kind, exactly
# as la-vmm constructs them, with upstream's kvm.ko and with ours.  The
# expected counts are la-vmm's own (its JSON "expected", by construction);
# the plugin's come from the ESTAT the exit path reads and the trapping
# guest word.  Then the checker must fail on outputs that are one exit off.
# Logs: build/exit-cost-test/.  Environment: KVMLA_QEMU (tests/e2e/boot.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/ktest.sh
kt_suite exit-cost
out=$top/build/exit-cost-test
mkdir -p "$out"
err=$out/run.err
: >"$err"
py=qemu/plugins/exit-cost.py

# ---- setup: all of it is buildable here, so a missing piece is a FAIL ---

tree=$(scripts/build-la-kernel.sh 2>>"$err" | tail -n1)
if [ -z "$tree" ] || [ ! -f "$tree/vmlinux" ]; then
	kt_fail setup/host-kernel "scripts/build-la-kernel.sh failed (see $err)"
	exit 1
fi
export KVMLA_KTREE=$tree
read -r qemu lvz < <(tests/e2e/boot.sh --probe 2>>"$err")
if [ "${lvz:-}" != lvz ]; then
	kt_fail setup/qemu "no LVZ QEMU (${qemu:-none}; scripts/build-qemu.sh, see $err)"
	exit 1
fi
make -s -C tests/e2e/vmm >"$out/la-vmm-build.log" 2>&1 ||
	{ kt_fail setup/la-vmm "make -C tests/e2e/vmm failed (see $out/la-vmm-build.log)"; exit 1; }
make -C kvm KDIR="$tree" LLVM=-19 >"$out/kvm-build.log" 2>&1 ||
	{ kt_fail setup/ours "make -C kvm failed (see $out/kvm-build.log)"; exit 1; }

# The plugin builds from clean with no diagnostic at all (-Wall -Wextra).
so=$out/plugin/exit-cost.so
rm -rf "$out/plugin"
if make -C qemu/plugins OUT="$out/plugin" QEMU_BIN="$qemu" >"$out/plugin-build.log" 2>&1 &&
	[ -f "$so" ] && ! grep -q 'warning:\|error:' "$out/plugin-build.log"; then
	kt_pass plugin-builds-clean
else
	kt_fail plugin-builds-clean "see $out/plugin-build.log"
	exit 1
fi

# ---- the oracle: la-vmm's counts per kind, both modules -----------------

# case MODULE SCENARIO [PARAMS]
oracle() {
	local m=$1 s=$2 n=$2-$1 ko
	case $m in upstream) ko=$tree/arch/loongarch/kvm/kvm.ko ;; ours) ko=$top/kvm/kvm.ko ;; esac
	rm -f "$out/$n.txt"
	tests/e2e/boot.sh --kvm "$ko" --lvz on --args "$s" --name "exit-cost-$n" \
		--timeout 120 --append "${3:-}" \
		--qemu-arg -plugin --qemu-arg "$so,out=$out/$n.txt" >"$out/$n.boot" 2>&1
	cp "$top/build/e2e/exit-cost-$n.vmm" "$out/$n.vmm" 2>/dev/null
	cp "$top/build/e2e/exit-cost-$n.e2e" "$out/$n.e2e" 2>/dev/null
	if [ ! -s "$out/$n.txt" ]; then
		kt_fail "$m/$s" "no plugin output (boot: build/e2e/exit-cost-$n.log)"
		return
	fi
	if python3 "$py" check "$out/$n.txt" "$out/$n.vmm" "$out/$n.e2e" >"$out/$n.check" 2>&1; then
		kt_pass "$m/$s"
	else
		kt_fail "$m/$s" "$(grep -m3 -v '^ok' "$out/$n.check" | tr '\n' ';') (see $out/$n.check)"
	fi
}
for m in upstream ours; do
	oracle "$m" basic
	oracle "$m" gspr kvmla.trace=0
done

# ---- the bench's report on these runs fits its schema -----------------

c=report-json-schema
if python3 "$py" report --tree "$tree" --dir "$out" --scenarios "basic gspr" \
	--module "upstream=$tree/arch/loongarch/kvm/kvm.ko" --module "ours=$top/kvm/kvm.ko" \
	--trace on --json "$out/report.json" >"$out/report.txt" 2>&1 &&
	python3 - "$top/docs/json/kvmla-exit-cost.v1.schema.json" "$out/report.json" <<'PY' 2>"$out/schema.err"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(doc)
assert doc["ok"] and len(doc["checks"]) == 4, "not every check ok"
PY
then
	kt_pass "$c"
else
	kt_fail "$c" "see $out/report.txt and $out/schema.err"
fi

# ---- the checker can fail -----------------------------------------------

# mutate NAME SED-EXPR [RUN]: a copy of a run (default upstream's basic)
# with one exit changed must fail the check.
mutate() {
	local c=check-fails/$1 f=$out/mut-$1.txt base=$out/${3:-basic-upstream}
	if [ ! -s "$base.txt" ]; then
		kt_fail "$c" "no upstream basic run to mutate"
		return
	fi
	sed "$2" "$base.txt" >"$f"
	if cmp -s "$f" "$base.txt"; then
		kt_fail "$c" "the mutation '$2' changed nothing"
	elif python3 "$py" check "$f" "$base.vmm" "$base.e2e" >/dev/null 2>&1; then
		kt_fail "$c" "the checker passed a run with '$2'"
	else
		kt_pass "$c"
	fi
}
mutate one-pis-less '0,/^exit kind=pis /{/^exit kind=pis /d}'
mutate one-pil-more '0,/^exit kind=pil /{/^exit kind=pil /p}'
mutate cpucfg-as-csr '0,/kind=gspr.cpucfg/s/kind=gspr.cpucfg/kind=gspr.csr/'
mutate unknown-kind '0,/kind=hvc/s/kind=hvc/kind=unknown/'
mutate no-estat 's/ no_estat=0 / no_estat=1 /'
# int is not constructible: only the kvm_exit records (kvm events on) see
# one host interrupt too many.
mutate one-int-more '0,/^exit kind=pis /{/^exit kind=pis /{p;s/kind=pis ecode=2/kind=int ecode=0/}}' basic-ours
exit 0
