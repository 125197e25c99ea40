#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Do a module's events carry what `perf kvm stat` reads on LoongArch?

    tests/e2e/perfnames.py TREE SNAPDIR

The oracle is perf's own source in the 6.12 tree:
tools/perf/arch/loongarch/util/kvm-stat.c names the tracepoints perf opens
(kvm_events_tp[]), the exit event and its reason field (kvm_exit_trace,
kvm_exit_reason), the entry events (kvm_entry_trace, kvm_reenter_trace),
the field it takes the vCPU id from on the entry event (vcpu_id_str; see
per_vcpu_record() in builtin-kvm.c) and the field its GSPR child event
decodes (evsel__intval(..., "inst_word") for the child_events[] entry).
SNAPDIR is a tracefs snapshot of a host running the module
(tests/e2e/snapshot.py): events/kvm/<event>/format.

Prints "ok" and exits 0 when every event and field is there as an integer
field; otherwise one line naming what is missing, exit 1.
"""
import os
import re
import sys


def perf_needs(tree):
    path = os.path.join(tree, "tools/perf/arch/loongarch/util/kvm-stat.c")
    src = open(path).read()

    def string_of(var):
        m = re.search(r"\b%s\s*=\s*\"([^\"]+)\"" % var, src)
        if not m:
            raise SystemExit("perfnames: %s: no %s" % (path, var))
        return m.group(1)

    tp = re.search(r"kvm_events_tp\[\]\s*=\s*\{(.*?)\};", src, re.S)
    events = re.findall(r"\"([^\"]+)\"", tp.group(1)) if tp else []
    child = re.search(r"child_events\[\]\s*=\s*\{\s*\{\s*\.name\s*=\s*\"([^\"]+)\"", src)
    gspr_fields = re.findall(r"evsel__intval\(evsel,\s*sample,\s*\"([^\"]+)\"\)", src)
    if not events or not child or not gspr_fields:
        raise SystemExit("perfnames: %s: cannot find kvm_events_tp, child_events or the "
                         "child's evsel__intval field" % path)
    need = {e: set() for e in events}
    need.setdefault(string_of("kvm_exit_trace"), set()).add(string_of("kvm_exit_reason"))
    need.setdefault(string_of("kvm_entry_trace"), set()).add(string_of("vcpu_id_str"))
    need.setdefault(string_of("kvm_reenter_trace"), set())
    need.setdefault(child.group(1), set()).update(gspr_fields)
    return need


def fields_of(fmt):
    out = {}
    for m in re.finditer(r"field:([^;]*?)\s+(\w+)(\[[^\]]*\])?;\s*offset:\d+;\s*size:(\d+);", fmt):
        out[m.group(2)] = (m.group(1), m.group(3), int(m.group(4)))
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: tests/e2e/perfnames.py TREE SNAPDIR", file=sys.stderr)
        return 2
    tree, snap = sys.argv[1:]
    need = perf_needs(tree)
    bad = []
    for ev, fields in sorted(need.items()):
        system, name = ev.split(":", 1)
        path = os.path.join(snap, "events", system, name, "format")
        try:
            have = fields_of(open(path).read())
        except OSError:
            bad.append("no event %s" % ev)
            continue
        for f in sorted(fields):
            if f not in have:
                bad.append("%s has no field %s" % (ev, f))
            elif have[f][1] or have[f][2] not in (1, 2, 4, 8):
                bad.append("%s's %s is not an integer field" % (ev, f))
    if bad:
        print("; ".join(bad))
        return 1
    print("ok: " + ", ".join("%s(%s)" % (e, ",".join(sorted(f))) for e, f in sorted(need.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
