#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/la-vmm: the LoongArch test VMM (tests/e2e/vmm, build/e2e/la-vmm), on
# this (x86) machine: it is built clean, is a static LoongArch ELF, and every
# straight-line guest's disassembly holds exactly the instructions the VMM's
# expected counts say (an oracle independent of the C tables).  Cases:
#   build_no_warnings     make -C tests/e2e/vmm with -Wall -Wextra: no warning
#   static_elf            ELF64 LoongArch executable, no PT_INTERP, no DYNAMIC
#   guest_counts_<g>      llvm-objdump of guest g (basic, mmio, gspr, fpu)
#                         counts cpucfg, csr*, iocsr*, idle, cacop, hvcl, and
#                         loads/stores per width and signedness; they equal
#                         "la-vmm --expect-only g" (run under qemu-user)
#   usage_errors          bad scenario / option / no argument: exit 64, one
#                         line on stderr, nothing on stdout
#   help_lists_scenarios  --help names every scenario of --list
#   help_bug_report       --help ends pointing at a README.md section that exists
#   json_schema           --expect-only output of every scenario, and the
#                         recorded control run (fixtures/), validate against
#                         docs/json/kvmla-la-vmm.v1.schema.json, keys in order
#   control_fixture       fixtures/control-upstream-trace-all.jsonl (la-vmm
#                         --trace all with upstream's kvm.ko on the emulated
#                         LVZ host): every scenario ok, its expected counts
#                         equal today's construction, traced counts equal the
#                         expected ones (FPU reloads after a context switch
#                         aside)
# The guests run with KVM only on an LVZ host: `make e2e` does that.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite la-vmm

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VMM=$top/build/e2e/la-vmm
G=$top/build/e2e/guests
QU=${KVMLA_QEMU_USER:-$(command -v qemu-loongarch64-static || command -v qemu-loongarch64 || true)}

build_no_warnings() {
	rm -f "$VMM"
	if ! make -s -C "$top/tests/e2e/vmm" >"$tmp/build.log" 2>&1; then
		kt_fail build_no_warnings "make failed: $(grep -m1 -i error "$tmp/build.log")"
		return
	fi
	if grep -qi 'warning' "$tmp/build.log"; then
		kt_fail build_no_warnings "$(grep -m1 -i warning "$tmp/build.log")"
	elif [ ! -x "$VMM" ]; then
		kt_fail build_no_warnings "no $VMM after make"
	else
		kt_pass build_no_warnings
	fi
}

static_elf() {
	local h
	[ -x "$VMM" ] || { kt_skip static_elf "not built"; return; }
	h=$(llvm-readelf-19 -h -l "$VMM" 2>&1)
	if ! grep -q 'Machine:.*LoongArch' <<<"$h"; then
		kt_fail static_elf "not a LoongArch ELF"
	elif ! grep -q 'Type:.*EXEC' <<<"$h"; then
		kt_fail static_elf "not an executable (ET_EXEC)"
	elif grep -qE '^\s+(INTERP|DYNAMIC)' <<<"$h"; then
		kt_fail static_elf "has INTERP or DYNAMIC program headers"
	else
		kt_pass static_elf
	fi
}

# guest_counts G: static instruction counts of a straight-line guest vs the
# VMM's expected counts.  Every load and store of these guests is MMIO.
guest_counts() {
	local g=$1
	if [ -z "$QU" ]; then
		kt_skip "guest_counts_$g" "no qemu-loongarch64(-static) to run la-vmm --expect-only"
		return
	fi
	[ -f "$G/$g.elf" ] || { kt_fail "guest_counts_$g" "no $G/$g.elf"; return; }
	llvm-objdump-19 -d --mattr=+lvz,+lsx --no-show-raw-insn "$G/$g.elf" >"$tmp/$g.dis"
	"$QU" "$VMM" --expect-only "$g" >"$tmp/$g.json" 2>"$tmp/$g.err" || {
		kt_fail "guest_counts_$g" "la-vmm --expect-only failed: $(head -1 "$tmp/$g.err")"; return; }
	local why
	why=$(python3 - "$tmp/$g.dis" "$tmp/$g.json" <<'PY'
import json, re, sys
dis = [l.split('\t', 1)[1].strip() if '\t' in l else '' for l in open(sys.argv[1])]
ins = [d.split() for d in dis if d and re.match(r'^[a-z]', d)]
e = json.loads(open(sys.argv[2]).readline())['expected']
sw = {int(c['csr'], 16) for c in e['swcsr']}
got = {}
def add(k, n=1): got[k] = got.get(k, 0) + n
for i in ins:
    op, args = i[0], ' '.join(i[1:])
    if op == 'cpucfg': add(('gspr', 'cpucfg'))
    elif op in ('csrrd', 'csrwr', 'csrxchg'):
        if int(args.split(',')[-1]) in sw: add(('gspr', 'csr'))
    elif op.startswith('iocsrrd.'): add(('gspr', 'iocsr')); add(('iocsr_read', op[-1]))
    elif op.startswith('iocsrwr.'): add(('gspr', 'iocsr')); add(('iocsr_write', op[-1]))
    elif op == 'idle': add(('gspr', 'idle'))
    elif op == 'cacop': add(('gspr', 'cacop'))
    elif op == 'hvcl': add(('hvcl', hex(int(args))))
    elif re.match(r'^(ld|ldx|ldptr)\.(b|bu|h|hu|w|wu|d)$', op): add(('mmio_read', op.split('.')[1]))
    elif re.match(r'^(st|stx|stptr)\.(b|h|w|d)$', op): add(('mmio_write', op.split('.')[1]))
bad = []
for grp in ('gspr', 'hvcl', 'mmio_read', 'mmio_write', 'iocsr_read', 'iocsr_write'):
    for k, v in e[grp].items():
        if got.get((grp, k), 0) != v:
            bad.append('%s.%s: disassembly %d, expected %d' % (grp, k, got.get((grp, k), 0), v))
for (grp, k), v in got.items():
    if k not in e[grp]:
        bad.append('%s.%s: %d in the disassembly, not in the expected counts' % (grp, k, v))
swn = sum(c['rd'] + c['wr'] + c['xchg'] for c in e['swcsr'])
if swn != e['gspr']['csr']:
    bad.append('swcsr sum %d != gspr.csr %d' % (swn, e['gspr']['csr']))
print('; '.join(bad))
PY
) || why=${why:-the python checker failed}
	if [ -n "$why" ]; then kt_fail "guest_counts_$g" "$why"; else kt_pass "guest_counts_$g"; fi
}

usage_errors() {
	local a rc bad=""
	if [ -z "$QU" ]; then kt_skip usage_errors "no qemu-loongarch64(-static)"; return; fi
	for a in "nosuch" "--bogus basic" "" "--timeout-ms" "--vpid-vcpus 999 vpid"; do
		# shellcheck disable=SC2086
		"$QU" "$VMM" $a >"$tmp/o" 2>"$tmp/e"
		rc=$?
		if [ $rc != 64 ] || [ -s "$tmp/o" ] || [ "$(wc -l <"$tmp/e")" != 1 ]; then
			bad="'$a': exit $rc, stdout $(wc -c <"$tmp/o") bytes, stderr $(wc -l <"$tmp/e") lines"
			break
		fi
	done
	if [ -n "$bad" ]; then kt_fail usage_errors "$bad"; else kt_pass usage_errors; fi
}

help_lists_scenarios() {
	local s miss=""
	if [ -z "$QU" ]; then kt_skip help_lists_scenarios "no qemu-loongarch64(-static)"; return; fi
	"$QU" "$VMM" --help >"$tmp/help" || { kt_fail help_lists_scenarios "--help exit $?"; return; }
	for s in $("$QU" "$VMM" --list); do
		grep -q "^  $s	" "$tmp/help" || miss="$miss $s"
	done
	if [ -n "$miss" ]; then kt_fail help_lists_scenarios "missing:$miss"; else kt_pass help_lists_scenarios; fi
	kt_bug_report help_bug_report "$tmp/help"
}

json_schema() {
	local why
	if [ -z "$QU" ]; then kt_skip json_schema "no qemu-loongarch64(-static)"; return; fi
	"$QU" "$VMM" --expect-only all >"$tmp/exp.jsonl" 2>"$tmp/exp.err" ||
		{ kt_fail json_schema "la-vmm --expect-only all failed"; return; }
	why=$(python3 - "$top/docs/json/kvmla-la-vmm.v1.schema.json" "$tmp/exp.jsonl" \
		"$here/fixtures/control-upstream-trace-all.jsonl" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
order = schema['$defs']['result']['properties'].keys()
bad = []
docs = 0
for f in sys.argv[2:]:
    for line in open(f):
        d = json.loads(line)
        docs += 1
        for e in v.iter_errors(d):
            bad.append('%s %s: %s' % (f.split('/')[-1], d.get('scenario'), e.message[:120]))
        keys = [k for k in order if k in d]
        if list(d.keys()) != keys:
            bad.append('%s %s: key order %s' % (f.split('/')[-1], d.get('scenario'), list(d.keys())))
timeout = {"schema": "kvmla-la-vmm", "version": 1, "scenario": "basic", "ok": False, "error": "timed out"}
bad += ['timeout doc: ' + e.message for e in v.iter_errors(timeout)]
if docs < 16:
    bad.append('only %d documents' % docs)
print('; '.join(bad[:5]))
PY
) || why=${why:-the python checker failed}
	if [ -n "$why" ]; then kt_fail json_schema "$why"; else kt_pass json_schema; fi
}

control_fixture() {
	local why
	if [ -z "$QU" ]; then kt_skip control_fixture "no qemu-loongarch64(-static)"; return; fi
	[ -s "$tmp/exp.jsonl" ] || "$QU" "$VMM" --expect-only all >"$tmp/exp.jsonl" 2>/dev/null
	why=$(python3 - "$tmp/exp.jsonl" "$here/fixtures/control-upstream-trace-all.jsonl" <<'PY'
import json, sys
exp = {json.loads(l)['scenario']: json.loads(l) for l in open(sys.argv[1])}
bad = []
seen = set()
for line in open(sys.argv[2]):
    d = json.loads(line)
    s = d['scenario']
    seen.add(s)
    if not d['ok'] or d['mismatches'] or 'error' in d:
        bad.append('%s: not ok in the control run' % s)
    # --expect-only assumes LSX: the fpu counts compare only with a host that had it
    if (s != 'fpu' or d['lsx']) and d['expected'] != exp[s]['expected']:
        bad.append('%s: the construction changed since the control run (re-record the fixture)' % s)
    t = d.get('traced')
    if not t:
        bad.append('%s: no traced counts' % s)
        continue
    for k, w in d['expected']['ecode'].items():
        got = t['ecode'][k]
        if w is None:
            continue
        extra = got - w
        if extra and not (k in ('fpdis', 'lsxdis') and 0 < extra <= t['thread_switches']):
            bad.append('%s: traced ecode %s %d, expected %d' % (s, k, got, w))
    for k, w in d['expected']['gspr'].items():
        if t['gspr'][k] != w:
            bad.append('%s: traced gspr %s %d, expected %d' % (s, k, t['gspr'][k], w))
    if d['userspace_exits']['total'] != sum(d['expected']['userspace_exits'][k] for k in ('mmio', 'iocsr', 'hypercall', 'other')) + d['userspace_exits']['intr']:
        bad.append('%s: KVM_RUN returns differ from the construction' % s)
missing = set(exp) - seen
if missing:
    bad.append('scenarios missing from the fixture: %s' % sorted(missing))
print('; '.join(bad[:5]))
PY
) || why=${why:-the python checker failed}
	if [ -n "$why" ]; then kt_fail control_fixture "$why"; else kt_pass control_fixture; fi
}

build_no_warnings
static_elf
for g in basic mmio gspr fpu; do guest_counts "$g"; done
usage_errors
help_lists_scenarios
json_schema
control_fixture
exit $KT_FAILED
