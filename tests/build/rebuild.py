#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rebuild checks of the build suite (tests/build/run.sh), in a scratch copy.

  rebuild.py SCRATCH TREE

SCRATCH is a copy of the repository (it is built, and its headers' times
are changed); TREE is the prepared 6.12 tree tests/host builds against.

1. A dry run (make -n -w) of every C part of the clean copy lists each
   compile command: the objects and how they are compiled.
2. Every part is built.
3. The oracle: each compile command is run again by hand with -M instead of
   -c -o (the compiler's own list of the files that object reads), never
   the .d files our Makefiles ask for.
4. Nothing changed: a dry run of every part compiles nothing.
5. For each shared header H: H's time is set to now, a dry run of every part
   must compile exactly the objects whose -M list holds H; then H's time
   is put back (nothing is rebuilt for real, so the next header starts from
   the same built state).
6. The check can fail: with tools/trace-viewer's .d files removed (a
   Makefile that tracks no headers), touching events.h must be caught.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

SUITE = "build"
failed = False


def report(ok, case, why="", note=""):
    global failed
    if ok:
        print(f"PASS: {SUITE}/{case}{note}", flush=True)
    else:
        failed = True
        print(f"FAIL: {SUITE}/{case}: {why}", flush=True)


top = os.path.realpath(sys.argv[1])
tree = sys.argv[2]

# Every Makefile that compiles C (kvm/ and tests/table/kcheck are kbuild's,
# whose fixdep does this job).  tools/kvmstat-la's make also runs bpf/ and
# tools/lib through their own Makefiles.
PARTS = [
    ("tools/lib", []),
    ("bpf", []),
    ("tools/kvmstat-la", []),
    ("tools/trace-viewer", []),
    ("tests/vmm", []),
    ("tests/host", ["TREE=" + tree]),
    ("tests/tools/trace-viewer", []),
]

ENTER = re.compile(r"^make(\[\d+\])?: Entering directory '(.*)'$")
LEAVE = re.compile(r"^make(\[\d+\])?: Leaving directory '(.*)'$")


def make(part, args, dry):
    cmd = ["make", "-w", "-C", os.path.join(top, part)] + args
    if dry:
        cmd.insert(1, "-n")
    else:
        cmd = ["nice", "make", "-j2"] + cmd[1:]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


def compiles(output):
    """{object: (directory, argv)} of the compile commands in make -n -w output."""
    found = {}
    dirs = []
    for line in output.splitlines():
        m = ENTER.match(line)
        if m:
            dirs.append(m.group(2))
            continue
        m = LEAVE.match(line)
        if m:
            dirs.pop()
            continue
        try:
            argv = shlex.split(line)
        except ValueError:
            continue
        if not argv or "-c" not in argv or "-o" not in argv:
            continue
        if not re.search(r"(^|/)(cc|gcc|clang)(-\d+)?$", argv[0]):
            continue
        d = dirs[-1]
        obj = os.path.realpath(os.path.join(d, argv[argv.index("-o") + 1]))
        found[obj] = (d, argv)
    return found


def dry_run_all():
    objs = {}
    for part, args in PARTS:
        r = make(part, args, dry=True)
        if r.returncode != 0:
            return None, f"make -n -C {part}: {r.stdout.strip().splitlines()[-1:]}"
        objs.update(compiles(r.stdout))
    return objs, ""


def oracle(d, argv):
    """The files the compiler reads for this object (-M), as real paths."""
    cmd = []
    skip = False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MMD", "-MD", "-MP"):
            continue
        cmd.append(a)
    cmd.append("-M")
    r = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        return None
    words = r.stdout.replace("\\\n", " ").split(":", 1)[1].split()
    return {os.path.realpath(os.path.join(d, w)) for w in words}


def short(paths):
    names = sorted(os.path.relpath(p, top) for p in paths)
    more = f" (+{len(names) - 6} more)" if len(names) > 6 else ""
    return " ".join(names[:6]) + more


# 1. the compile commands of a clean copy
inventory, why = dry_run_all()
report(inventory is not None and len(inventory) > 0, "dry-run-lists-objects",
       why or "no compile command in make -n of a clean copy")
if not inventory:
    sys.exit(1)

# 2. build every part
for part, args in PARTS:
    r = make(part, args, dry=False)
    if r.returncode != 0:
        errs = [l for l in r.stdout.splitlines() if "rror" in l][:1]
        report(False, f"builds/{part}", " ".join(errs) or "make failed")
        sys.exit(1)
    report(True, f"builds/{part}")

# 3. the oracle
reads = {}
for obj, (d, argv) in inventory.items():
    deps = oracle(d, argv)
    if deps is None:
        report(False, "oracle", f"{argv[0]} -M failed for {os.path.relpath(obj, top)}")
        sys.exit(1)
    reads[obj] = deps

# 4. a second make compiles nothing
again, why = dry_run_all()
report(again == {}, "nothing-changed-compiles-nothing",
       why or f"would compile {short(again or {})}")


def check_header(case, header):
    """Touch header; the dry run must compile exactly its includers."""
    want = {o for o, deps in reads.items() if header in deps}
    st = os.stat(header)
    os.utime(header)
    try:
        got, why = dry_run_all()
    finally:
        os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns))
    if got is None:
        report(False, case, why)
        return None
    got = set(got)
    if not want:
        report(False, case, "no object includes it (-M): the oracle sees nothing")
    elif want - got:
        report(False, case, f"{len(want - got)} of {len(want)} objects that include it "
               f"are not rebuilt: {short(want - got)}")
    elif got - want:
        report(False, case, f"rebuilds objects that do not include it: {short(got - want)}")
    else:
        report(True, case, note=f" ({len(want)} objects)")
    return want, got


# 5. each shared header: the catalog, and the headers every tool shares
headers = sorted(glob.glob(os.path.join(top, "include/kvmla/*.h")))
headers += [os.path.join(top, h) for h in (
    "tools/lib/kvmla-tools.h",
    "bpf/kvmstat-la.h",                  # the BPF program's and kvmstat-la's
    "tools/kvmstat-la/util.h",
    "tools/trace-viewer/trace-viewer.h",
    "tests/tools/trace-viewer/la_fixture.h",
    "kvm/kvmla.h",                       # through the host harness
)]
for h in headers:
    rel = os.path.relpath(h, top)
    if not os.path.isfile(h):
        report(False, f"rebuild/{rel}", "missing")
        continue
    check_header(f"rebuild/{rel}", os.path.realpath(h))

# 6. the check catches a Makefile that tracks no headers
for d in glob.glob(os.path.join(top, "tools/trace-viewer/*.d")):
    os.unlink(d)
events = os.path.realpath(os.path.join(top, "include/kvmla/events.h"))
want = {o for o, deps in reads.items() if events in deps}
st = os.stat(events)
os.utime(events)
try:
    got, why = dry_run_all()
finally:
    os.utime(events, ns=(st.st_atime_ns, st.st_mtime_ns))
tv = os.path.join(top, "tools/trace-viewer") + "/"
lost = {o for o in want - set(got or {}) if o.startswith(tv)}
report(got is not None and len(lost) > 0, "catches-untracked-header",
       why or "with tools/trace-viewer/*.d removed, no missing rebuild was seen")
sys.exit(1 if failed else 0)
