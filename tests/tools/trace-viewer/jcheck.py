#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# jcheck.py FILE EXPR...: loads JSON FILE as `d` (and VMM JSON from $VMM_JSON
# as `v` when set; evs()/per()/ns() for Trace Event files); each EXPR must evaluate to True.  Prints the first false
# one and exits 1.
import json, os, sys
d = json.load(open(sys.argv[1]))
v = json.load(open(os.environ["VMM_JSON"])) if os.environ.get("VMM_JSON") else None
def vcpu(vm, vid):
    for c in d["vcpus"]:
        if c["vm"] == vm and c["vcpu_id"] == vid:
            return c
    raise KeyError("no vcpu %s/%s" % (vm, vid))
def evs(**kw):
    # Trace Event files (--perfetto): the events whose keys have these values
    return [e for e in d["traceEvents"] if all(e.get(k) == x for k, x in kw.items())]
def per(key, **kw):
    # {key(e): count} over evs(**kw)
    out = {}
    for e in evs(**kw):
        out[key(e)] = out.get(key(e), 0) + 1
    return out
def ns(x):
    return round(x * 1000)
def reason(name, key="exits"):
    for r in d[key]["by_reason"]:
        if r["key"] == name:
            return r
    raise KeyError("no reason " + name)
for e in sys.argv[2:]:
    try:
        ok = eval(e)
    except Exception as x:
        print("%s -> %s: %s" % (e, type(x).__name__, x))
        sys.exit(1)
    if ok is not True:
        print("false: " + e)
        sys.exit(1)
