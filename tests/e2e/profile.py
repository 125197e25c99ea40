#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The exit profile of one guest boot (tests/e2e/guest-boot.sh), and its checks.

    tests/e2e/profile.py TREE PREFIX [TRACE_VIEWER_JSON]

PREFIX = build/e2e/NAME (reads NAME.e2e, the host init's report, and
NAME.vmm, la-vmm boot's summary).  Prints the profile as one JSON object
(kvm_exit records by exception name, GSPR exits by instruction kind, the
binary stats, every event's record count) on stdout, then one line per
check on stderr-free stdout of the form "CHECK ok" or "CHECK bad: why":

  trace-complete     the ring buffer lost nothing (lost 0, bad_pages 0)
  stats-agree        the binary stats la-vmm read equal the tracepoint
                     counts of the same run (as compare.py's
                     stats-agree-with-trace)
  viewer-agrees      (with TRACE_VIEWER_JSON: `trace-viewer --json` of the
                     trace.dat imported from the same run's snapshot) its
                     per-event records, kvm_exit by reason and sched_switch
                     equal the init's own walk of the raw pages, with no
                     missed events (compare.py's check_viewer)
  kvmstat-la-agrees  `kvmstat-la --replay --json` of the same trace.dat
                     (PREFIX.ks.json) counts every event of its profile
                     (LoongArch for ours, generic for upstream's events) as
                     the init did, kvm_exit and kvm_out value by value
                     (compare.py's check_kvmstat)
"""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import compare  # noqa: E402


def ecode_names(ex):
    names = {}
    for m, v in ex.items():
        if m != "EXCCODE_INT_START" and v not in names:
            names[v] = m[len("EXCCODE_"):].lower()
    return names


def profile(r, ex):
    names = ecode_names(ex)
    by = {}
    for code, n in sorted(r.hist.get("kvm_exit", {}).items()):
        k = "int" if code == 0 or code >= ex["EXCCODE_INT_START"] else names.get(code, f"ecode{code}")
        by[k] = by.get(k, 0) + n
    _, gspr, _ = compare.trace_by_kind(r, ex)
    return {"exits": by, "gspr": dict(sorted(gspr.items())),
            "events": {k: v for k, v in sorted(r.counts.items()) if v},
            "kvm_stats": (r.json or {}).get("kvm_stats", {})}


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    tree, prefix = sys.argv[1], sys.argv[2]
    ex = compare.excodes(tree)
    r = compare.Run(prefix, None)
    print(json.dumps(profile(r, ex), sort_keys=False))
    if r.meta is None:
        print("trace-complete bad: no trace report")
    elif " lost 0 " not in r.meta + " " or " bad_pages 0" not in r.meta:
        print(f"trace-complete bad: {r.meta}")
    else:
        print("trace-complete ok")
    why = compare.check_stats(r, ex)
    print("stats-agree ok" if not why else f"stats-agree bad: {why}")
    if len(sys.argv) == 4:
        why = compare.check_viewer(r, sys.argv[3])
        print("viewer-agrees ok" if not why else f"viewer-agrees bad: {why}")
    why = compare.check_kvmstat(r)
    print("kvmstat-la-agrees ok" if not why else f"kvmstat-la-agrees bad: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
