#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# jcheck.py FILE EXPR...: loads JSON FILE as `d` (and VMM JSON from $VMM_JSON
# as `v` when set); each EXPR must evaluate to True.  Prints the first false
# one and exits 1.
import json, os, sys
d = json.load(open(sys.argv[1]))
v = json.load(open(os.environ["VMM_JSON"])) if os.environ.get("VMM_JSON") else None
def vcpu(vm, vid):
    for c in d["vcpus"]:
        if c["vm"] == vm and c["vcpu_id"] == vid:
            return c
    raise KeyError("no vcpu %s/%s" % (vm, vid))
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
