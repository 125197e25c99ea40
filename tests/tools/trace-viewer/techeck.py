#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# techeck.py FILE: checks a Trace Event Format file (the JSON Object Format of
# the Trace Event Format document: {"traceEvents": [...], "displayTimeUnit"})
# against the rules the viewers rely on, written from that document:
#   - the top level is an object with a list "traceEvents"; displayTimeUnit,
#     when present, is "ms" or "ns";
#   - every event has a known "ph", a string "name", integer "pid" and "tid";
#     every event but metadata has a number "ts" >= 0;
#   - "X": a number "dur" >= 0; "B"/"E": balanced per thread, an "E" closes the
#     latest open "B" (same name when it has one) and not before it;
#     "i"/"I": scope "s" is "g", "p" or "t"; "C": args of numbers;
#     "M": process_name/thread_name with args.name a string, *_sort_index with
#     an integer args.sort_index;
#   - per thread, the events come in time order (monotonic per track), and the
#     slices nest: two slices of one thread are disjoint or one holds the
#     other (no partial overlap); per process, each counter's samples come in
#     time order;
# and one rule of trace-viewer's own (--names): every thread that has events
# has a thread_name and every process a process_name.  --quiet: no "ok" line.
# Times are compared in integer nanoseconds (the file has microseconds with
# three decimals).  Prints "ok: N events" or every broken rule (up to 20) and
# exits 1.
import json
import sys

PH = set("XBEiICMbenstfPOND(),Rcv")
errs = []


def err(i, msg):
    if len(errs) < 20:
        errs.append("event %d: %s" % (i, msg))


def ns(x):
    return round(x * 1000)


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def check_event(i, e, names):
    if not isinstance(e, dict):
        return err(i, "not an object")
    ph = e.get("ph")
    if ph not in PH:
        return err(i, "unknown ph %r" % (ph,))
    if not isinstance(e.get("name"), str):
        err(i, "no string name")
    if not is_int(e.get("pid")) or not is_int(e.get("tid")):
        err(i, "pid/tid not integers")
    if ph != "M" and (not is_num(e.get("ts")) or e["ts"] < 0):
        err(i, "ts missing or negative")
    if ph == "X" and (not is_num(e.get("dur")) or e["dur"] < 0):
        err(i, "X without a dur >= 0")
    if ph in "iI" and e.get("s", "t") not in ("g", "p", "t"):
        err(i, "instant scope %r" % (e.get("s"),))
    if ph == "C" and (not isinstance(e.get("args"), dict) or not e["args"] or
                      not all(is_num(v) for v in e["args"].values())):
        err(i, "counter without numeric args")
    if ph == "M":
        a = e.get("args")
        if e.get("name") in ("process_name", "thread_name"):
            if not isinstance(a, dict) or not isinstance(a.get("name"), str):
                err(i, "%s without args.name" % e["name"])
            else:
                names.add((e["name"], e.get("pid"), e.get("tid") if e["name"] == "thread_name" else None))
        elif e.get("name") in ("process_sort_index", "thread_sort_index"):
            if not isinstance(a, dict) or not is_int(a.get("sort_index")):
                err(i, "%s without an integer args.sort_index" % e["name"])


def check_tracks(evs):
    last, open_b, slices, counters = {}, {}, {}, {}
    for i, e in enumerate(evs):
        if not isinstance(e, dict) or e.get("ph") in (None, "M") or not is_num(e.get("ts")):
            continue
        ph, t = e["ph"], ns(e["ts"])
        if ph == "C":
            k = (e.get("pid"), e.get("name"))
            if t < counters.get(k, t):
                err(i, "counter %r of pid %r goes back in time" % k[::-1])
            counters[k] = t
            continue
        if ph in "iI" and e.get("s", "t") != "t":
            continue
        k = (e.get("pid"), e.get("tid"))
        if t < last.get(k, t):
            err(i, "thread %r: ts %s before the previous event's" % (k, e["ts"]))
        last[k] = t
        if ph == "X" and is_num(e.get("dur")):
            slices.setdefault(k, []).append((t, t + ns(e["dur"]), i))
        elif ph == "B":
            open_b.setdefault(k, []).append((t, e.get("name"), i))
        elif ph == "E":
            st = open_b.get(k)
            if not st:
                err(i, "E without an open B on thread %r" % (k,))
                continue
            b, name, bi = st.pop()
            if e.get("name") not in (None, "", name):
                err(i, "E %r closes B %r" % (e.get("name"), name))
            slices.setdefault(k, []).append((b, t, bi))
    for k, st in open_b.items():
        for b, name, bi in st:
            err(bi, "B %r on thread %r never ends" % (name, k))
    return slices


def check_nesting(slices):
    for k, sl in slices.items():
        sl.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for s, e, i in sl:
            while stack and s >= stack[-1][1]:
                stack.pop()
            if stack and e > stack[-1][1]:
                err(i, "thread %r: slice [%d, %d] ns overlaps event %d [%d, %d] ns partially"
                    % (k, s, e, stack[-1][2], stack[-1][0], stack[-1][1]))
                continue
            stack.append((s, e, i))


def main():
    names_rule = "--names" in sys.argv[1:]
    quiet = "--quiet" in sys.argv[1:]
    path = [a for a in sys.argv[1:] if a not in ("--names", "--quiet")][0]
    try:
        d = json.load(open(path))
    except ValueError as x:
        print("not JSON: %s" % x)
        return 1
    if not isinstance(d, dict) or not isinstance(d.get("traceEvents"), list):
        print("no traceEvents list")
        return 1
    if d.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        errs.append("displayTimeUnit %r" % (d["displayTimeUnit"],))
    evs, names = d["traceEvents"], set()
    for i, e in enumerate(evs):
        check_event(i, e, names)
    check_nesting(check_tracks(evs))
    if names_rule:
        for i, e in enumerate(evs):
            if not isinstance(e, dict) or e.get("ph") == "M":
                continue
            if ("process_name", e.get("pid"), None) not in names:
                err(i, "pid %r has no process_name" % e.get("pid"))
            elif e.get("ph") != "C" and e.get("s") not in ("g", "p") and \
                    ("thread_name", e.get("pid"), e.get("tid")) not in names:
                err(i, "thread %r of pid %r has no thread_name" % (e.get("tid"), e.get("pid")))
    if errs:
        print("\n".join(errs))
        return 1
    if not quiet:
        print("ok: %d events" % len(evs))
    return 0


sys.exit(main())
