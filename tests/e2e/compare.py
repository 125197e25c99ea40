#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compares one LVZ scenario's two boots (tests/e2e/run.sh): upstream's
kvm.ko (the control) and ours, and prints one ktest line per check:

  lvz/S/ran                    E2E-DONE, VMM exit 0, its JSON "ok": true
                               (the VMM's counts and guest results as
                               constructed)
  lvz/S/same-results           ours' guest-visible results = the control's
  lvz/S/same-userspace-exits   ours' KVM_RUN returns by reason = the control's
  lvz/S/trace-matches-vmm      kvm_exit records by ecode = the VMM's
                               expected.ecode, kvm_exit_gspr records by the
                               kind of their instruction word (disassembled by
                               llvm-mc-19) = expected.gspr, kvm_out records =
                               the KVM_RUN returns the VMM saw; for ours also
                               kvm_exit_mmio / kvm_exit_iocsr records = the
                               MMIO / IOCSR accesses the VMM served
  lvz/S/stats-agree-with-trace the binary stats the VMM read (kvm_stats) =
                               the tracepoint counts of the same run
                               (upstream's int/cpucfg/idle/hypercall_exits;
                               ours' exit_<ecode>, exit_int, gspr_<kind>)
  lvz/S/viewer-matches-trace   `trace-viewer --json` of the trace.dat
                               imported from the boot's tracefs snapshot
                               (PREFIX.tv.json) reports every
                               event's records, kvm_exit by reason and
                               sched_switch as the init's own walk of the raw
                               pages counted them, GSPR exits by kind as the
                               VMM constructed them, and no missed events

  lvz/S/widths-match-vmm       `trace-cmd report` of PREFIX.dat (an
                               independent decoder): MMIO accesses by
                               direction and width (ours' kvm_exit_mmio,
                               upstream's kvm_mmio read/write) and, where the
                               module has the events (ours), IOCSR accesses
                               by direction and width (kvm_exit_iocsr) = the
                               accesses the VMM served, and CSR exits by CSR
                               and op (trace-viewer's csr_matrix) = the VMM's
                               constructed swcsr counts

Every check runs on the control first: when the control fails it, the line
is "FAIL: ...: control failed: emulator bug: <why>"; when only ours fails,
"FAIL: ...: ours: <why>".  Exception codes come from the tree's
asm/loongarch.h (EXCCODE_*); interrupts are ecode 0 (upstream's
kvm_handle_exit counts int_exits when ESTAT.Ecode is 0) or >= 64
(EXCCODE_INT_START, in case a module traces the interrupt number).

usage: compare.py TREE SCENARIO CONTROL_PREFIX OURS_PREFIX
  (PREFIX = build/e2e/NAME: reads NAME.e2e and NAME.vmm)
"""
import json
import re
import subprocess
import sys

# VMM ecode key -> EXCCODE_ macro of asm/loongarch.h
ECODE_MACRO = {
    "pil": "EXCCODE_TLBL", "pis": "EXCCODE_TLBS", "pif": "EXCCODE_TLBI",
    "pme": "EXCCODE_TLBM", "fpdis": "EXCCODE_FPDIS",
    "lsxdis": "EXCCODE_LSXDIS", "gspr": "EXCCODE_GSPR", "hvc": "EXCCODE_HVC",
}


def excodes(tree):
    vals = {}
    with open(f"{tree}/arch/loongarch/include/asm/loongarch.h") as f:
        for line in f:
            m = re.match(r"#define\s+(EXCCODE_\w+)\s+(\d+)\b", line)
            if m:
                vals[m.group(1)] = int(m.group(2))
    return vals


_kind_cache = {}


def gspr_kind(word):
    """The GSPR kind of an instruction word, by its llvm-mc disassembly."""
    if word in _kind_cache:
        return _kind_cache[word]
    data = " ".join(f"0x{(word >> (8 * i)) & 0xff:02x}" for i in range(4))
    r = subprocess.run(["llvm-mc-19", "--disassemble", "--triple=loongarch64",
                        "-mattr=+lvz"], input=data, capture_output=True,
                       text=True)
    mn = ""
    for line in r.stdout.splitlines():
        line = line.strip()
        if line and not line.startswith("."):
            mn = line.split()[0]
    if mn == "cpucfg":
        kind = "cpucfg"
    elif mn in ("csrrd", "csrwr", "csrxchg"):
        kind = "csr"
    elif mn.startswith("iocsr"):
        kind = "iocsr"
    elif mn in ("idle", "cacop"):
        kind = mn
    else:
        kind = f"other({mn or hex(word)})"
    _kind_cache[word] = kind
    return kind


class Run:
    def __init__(self, prefix, scenario):
        self.prefix = prefix
        self.lines = []
        self.missing = False
        try:
            with open(prefix + ".e2e", errors="replace") as f:
                self.lines = [l.rstrip("\n") for l in f]
        except OSError:
            self.missing = True
        self.done = "E2E-DONE" in self.lines
        self.vmm_exit = next((l.split(": ", 1)[1] for l in self.lines
                              if l.startswith("E2E-VMM-EXIT: ")), None)
        self.insmod = next((l.split(": ", 1)[1] for l in self.lines
                            if l.startswith("E2E-INSMOD: ")), None)
        self.counts = {}
        self.hist = {}
        self.meta = next((l for l in self.lines
                          if l.startswith("E2E-TRACE-META: ")), None)
        pre = next((l.split() for l in self.lines
                    if l.startswith("E2E-PREEMPT: ")), None)
        self.preempted = int(pre[2]) if pre else 0
        self.switches = int(pre[4]) if pre and len(pre) > 4 else None
        for l in self.lines:
            p = l.split()
            if l.startswith("E2E-TRACE: ") and len(p) == 3:
                self.counts[p[1]] = int(p[2])
            elif l.startswith("E2E-HIST: ") and len(p) == 5 and p[3] != "other":
                self.hist.setdefault(p[1], {})[int(p[3])] = int(p[4])
        self.json = None
        self.json_error = None
        try:
            with open(prefix + ".vmm", errors="replace") as f:
                for line in f:
                    self._take_json(line.strip(), scenario)
        except OSError:
            pass

    def _take_json(self, line, scenario):
        """The VMM's summary is the JSON object that starts at '{"schema":'.
        It can follow a guest line the VMM flushed unfinished (a vCPU
        stopped mid-printk), so it is looked for anywhere in the line."""
        at = line.find('{"schema":')
        if at < 0:
            return
        try:
            o = json.loads(line[at:])
        except ValueError as e:
            if '"schema":"kvmla-la-vmm' in line:
                self.json_error = f"garbled summary line ({e}): {line[:120]}"
            return
        if o.get("scenario") == scenario:
            self.json = o
            self.json_error = None

    def no_json(self):
        return "no JSON" + (f": {self.json_error}" if self.json_error else "")


def check_ran(r):
    if r.missing:
        return f"no boot output {r.prefix}.e2e (for ours: did kvm.ko build? build/e2e/kvm-build.log)"
    if not r.done:
        return f"the boot did not finish (see {r.prefix}.log)"
    if r.insmod != "0":
        return f"insmod gave {r.insmod}"
    if r.json is None:
        return f"{r.no_json()} line from the VMM (exit {r.vmm_exit})"
    if r.vmm_exit != "status 0" or not r.json.get("ok"):
        mm = r.json.get("mismatch") or ""
        why = r.json.get("error") or (mm if isinstance(mm, str) else "; ".join(mm))
        return f"VMM exit {r.vmm_exit}, ok {r.json.get('ok')}: {why}"[:300]
    return None


def results_of(r):
    return [(x.get("name"), x.get("vcpu"), x.get("got"))
            for x in (r.json or {}).get("results", [])]


def check_results(c, o):
    if o.json is None:
        return "no JSON from ours"
    a, b = results_of(c), results_of(o)
    if a == b:
        return None
    diff = [f"{x[0]}: control {x[2]} ours {y[2]}" for x, y in zip(a, b) if x != y]
    if len(a) != len(b):
        diff.append(f"{len(a)} results vs {len(b)}")
    return "; ".join(diff)[:300]


def check_uexits(c, o):
    if o.json is None:
        return "no JSON from ours"
    a = c.json.get("userspace_exits")
    b = o.json.get("userspace_exits")
    return None if a == b else f"control {a} ours {b}"


def trace_by_kind(r, ex):
    """(kvm_exit count by VMM ecode key, gspr count by kind, interrupts)"""
    by_code = r.hist.get("kvm_exit", {})
    code_key = {ex[m]: k for k, m in ECODE_MACRO.items()}
    ecode, ints = {}, 0
    for code, n in by_code.items():
        if code == 0 or code >= ex["EXCCODE_INT_START"]:
            ints += n
        else:
            k = code_key.get(code, f"ecode{code}")
            ecode[k] = ecode.get(k, 0) + n
    gspr = {}
    for word, n in r.hist.get("kvm_exit_gspr", {}).items():
        k = gspr_kind(word)
        gspr[k] = gspr.get(k, 0) + n
    return ecode, gspr, ints


def check_trace(r, ex):
    if r.json is None:
        return r.no_json()
    if r.meta is None:
        return "no trace report"
    if " lost 0 " not in r.meta + " " or " bad_pages 0" not in r.meta:
        return f"trace incomplete: {r.meta}"
    if "kvm_exit" not in r.hist:
        return "no kvm_exit histogram (no 'reason' field?)"
    ecode, gspr, _ = trace_by_kind(r, ex)
    exp = r.json["expected"]
    bad = []
    for k, v in exp["ecode"].items():
        if v is None or k == "int":
            continue
        n = ecode.get(k, 0)
        if k in ("fpdis", "lsxdis"):
            # A vCPU thread switched out (preempted or blocking) is put and
            # loses the units: each switch-out may add one trap (la-vmm's
            # fpu counts assume none).
            if not v <= n <= v + r.preempted:
                bad.append(f"kvm_exit {k} {n} (VMM {v}, + at most "
                           f"{r.preempted} switch-outs)")
        elif n != v:
            bad.append(f"kvm_exit {k} {n} (VMM {v})")
    for k, v in ecode.items():
        if k not in exp["ecode"] and v:
            bad.append(f"kvm_exit {k} {v} (VMM none)")
    for k, v in exp["gspr"].items():
        if v is not None and gspr.get(k, 0) != v:
            bad.append(f"gspr {k} {gspr.get(k, 0)} (VMM {v})")
    for k, v in gspr.items():
        if k not in exp["gspr"] and v:
            bad.append(f"gspr {k} {v} (VMM none)")
    # Every KVM_RUN return the VMM saw is one kvm_out (both modules have it),
    # unless some returned before entering (intr).
    ue = r.json.get("userspace_exits", {})
    if "kvm_out" in r.counts and ue.get("intr") == 0 and \
            r.counts["kvm_out"] != ue.get("total"):
        bad.append(f"kvm_out {r.counts['kvm_out']} (VMM KVM_RUN returns {ue.get('total')})")
    # Events only ours has: one record per access sent to userspace.
    seen = r.json.get("seen", {})
    for ev, kind in (("kvm_exit_mmio", "mmio"), ("kvm_exit_iocsr", "iocsr")):
        if ev in r.counts:
            n = sum(sum((seen.get(kind, {}).get(d) or {}).values())
                    for d in ("read", "write"))
            if r.counts[ev] != n:
                bad.append(f"{ev} {r.counts[ev]} (VMM {kind} accesses {n})")
    return "; ".join(bad)[:400] or None


def check_stats(r, ex):
    if r.json is None:
        return r.no_json()
    st = r.json.get("kvm_stats", {})
    ecode, gspr, ints = trace_by_kind(r, ex)
    if "exit_int" in st:
        # ours: exit_<excode> per exception code, exit_int, gspr_<kind>
        by_code = r.hist.get("kvm_exit", {})
        want = {"exit_int": ints}
        for k in st:
            m = f"EXCCODE_{k[5:].upper()}"
            if k.startswith("exit_") and m in ex:
                want[k] = by_code.get(ex[m], 0)
            elif k.startswith("gspr_") and k != "gspr_other":
                want[k] = gspr.get(k[5:], 0)
        want["gspr_other"] = sum(v for k, v in gspr.items()
                                 if k.startswith("other"))
        bad = [f"{k} {st.get(k)} (trace {v})" for k, v in want.items()
               if st.get(k) != v]
        return "; ".join(bad)[:400] or None
    want = {"int_exits": ints, "cpucfg_exits": gspr.get("cpucfg", 0),
            "idle_exits": gspr.get("idle", 0)}
    # hypercall_exits = HVC exits only when every hvcl is a service call
    # (la-vmm's scenarios say which; a guest boot does not)
    exp = r.json.get("expected")
    if exp is not None and set(exp.get("hvcl") or {}) <= {"0x100"}:
        want["hypercall_exits"] = ecode.get("hvc", 0)
    bad = [f"{k} {st.get(k)} (trace {v})" for k, v in want.items()
           if st.get(k) != v]
    return "; ".join(bad) or None


def tool_json(r, path, ext, tool):
    """(the JSON a tool wrote for this run, None) or (None, why not): the
    last line of its PREFIX.ext.err says why when there is one"""
    try:
        with open(path) as f:
            return json.load(f), None
    except (OSError, ValueError) as e:
        err = ""
        try:
            err = open(r.prefix + ext + ".err").read().strip().splitlines()[-1]
        except (OSError, IndexError):
            pass
        return None, f"no {tool} JSON ({err or e})"[:300]


def check_kvmstat(r, path=None):
    """kvmstat-la --replay --json of the boot's trace.dat (PREFIX.ks.json)
    against the init's own walk of the ring buffer: every event of
    kvmstat-la's LoongArch profile, and every event with a reason the init
    counts by value (E2E-HIST) under the same field, value by value."""
    ks, why = tool_json(r, path or r.prefix + ".ks.json", ".ks", "kvmstat-la")
    if why:
        return why
    if "error" in ks:
        return f"kvmstat-la: {ks['error']}"[:300]
    # kvmla's kvm.ko has its own catalog (kvm_exit_csr among it), which
    # kvmstat-la's LoongArch profile reads; upstream's events get the
    # generic profile
    want = "loongarch" if "kvm_exit_csr" in r.counts else "generic"
    if ks.get("provider") != "replay" or ks.get("profile") != want:
        return f"provider {ks.get('provider')}, profile {ks.get('profile')} (want replay, {want})"
    ev = ks.get("events") or {}
    if "kvm_exit" not in ev:
        return "no kvm_exit in kvmstat-la's events"
    if want == "loongarch" and not ev["kvm_exit"].get("reasons"):
        return "kvm_exit has no reasons in the LoongArch profile"
    bad = []
    for k, e in sorted(ev.items()):
        if e.get("total") != r.counts.get(k, 0):
            bad.append(f"{k} {e.get('total')} (init {r.counts.get(k, 0)})")
    # the events whose first key in kvmstat-la's profile is the field the
    # init counts by value (kvm_tlb_flush is keyed by scope there,
    # kvm_exit_gspr by kind)
    for k in ("kvm_exit", "kvm_out", "kvm_vpid_change", "kvm_userspace_exit"):
        hist = r.hist.get(k, {})
        if k not in ev or not ev[k].get("reasons"):
            continue
        got = {}
        for x in (ev[k].get("reasons") or {}).values():
            v = x["value"] & 0xffffffff
            got[v] = got.get(v, 0) + x["total"]
        if got != hist:
            bad.append(f"{k} by reason {dict(sorted(got.items()))} (init {dict(sorted(hist.items()))})")
    return "; ".join(bad)[:300] or None


def check_viewer(r, path=None):
    tv, why = tool_json(r, path or r.prefix + ".tv.json", ".tv", "trace-viewer")
    if why:
        return why
    if r.json is None:
        return r.no_json()
    bad = []
    if tv.get("profile") != "loongarch":
        bad.append(f"profile {tv.get('profile')}")
    if tv.get("missed_events"):
        bad.append(f"missed_events {tv['missed_events']}")
    ev = tv.get("events") or {}
    for k, v in r.counts.items():
        if ev.get(k, 0) != v:
            bad.append(f"{k} {ev.get(k, 0)} (init {v})")
    for k, v in ev.items():
        if v and k not in r.counts and k != "sched_switch":
            bad.append(f"{k} {v} (init none)")
    if r.switches is not None and ev.get("sched_switch", 0) != r.switches:
        bad.append(f"sched_switch {ev.get('sched_switch', 0)} (init {r.switches})")
    by = {}
    for x in (tv.get("exits") or {}).get("by_reason", []):
        by[x.get("code")] = by.get(x.get("code"), 0) + x.get("count", 0)
    if by != r.hist.get("kvm_exit", {}):
        bad.append(f"kvm_exit by reason {dict(sorted(by.items()))} "
                   f"(init {dict(sorted(r.hist.get('kvm_exit', {}).items()))})")
    kinds = tv.get("gspr_kinds") or {}
    # la-vmm's scenarios construct the GSPR kinds; a guest boot does not
    exp = (r.json.get("expected") or {}).get("gspr") or {}
    for k, v in exp.items():
        if v is not None and kinds.get(k, 0) != v:
            bad.append(f"gspr {k} {kinds.get(k, 0)} (VMM {v})")
    return "; ".join(bad)[:400] or None


def report_lines(r):
    """trace-cmd report of PREFIX.dat, or None"""
    try:
        p = subprocess.run(["trace-cmd", "report", r.prefix + ".dat"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return p.stdout.splitlines() if p.returncode == 0 else None


def by_width(lines, event, module_kind):
    """{"read"|"write": {len: n}} of one access event in trace-cmd's text"""
    out = {"read": {}, "write": {}}
    pat = re.compile(r"\s%s:\s+(.*)$" % event)
    for line in lines:
        m = pat.search(line)
        if not m:
            continue
        f = m.group(1)
        if module_kind == "ours":
            mm = re.search(r"len=(\d+) rw=(READ|WRITE)", f)
            if mm:
                d = "read" if mm.group(2) == "READ" else "write"
                out[d][mm.group(1)] = out[d].get(mm.group(1), 0) + 1
        else:
            mm = re.match(r"mmio (read|write) len (\d+) ", f)
            if mm:
                out[mm.group(1)][mm.group(2)] = out[mm.group(1)].get(mm.group(2), 0) + 1
    return out


def check_widths(r):
    if r.json is None:
        return r.no_json()
    lines = report_lines(r)
    if lines is None:
        return f"trace-cmd report {r.prefix}.dat failed"
    seen = r.json.get("seen", {})
    bad = []

    def cmp(kind, got):
        want = {d: {k: v for k, v in (seen.get(kind, {}).get(d) or {}).items() if v}
                for d in ("read", "write")}
        if got != want:
            bad.append(f"{kind} by width {got} (VMM {want})")

    # by the events the module has: ours' kvm_exit_* or the generic kvm_mmio
    if "kvm_exit_mmio" in r.counts:
        cmp("mmio", by_width(lines, "kvm_exit_mmio", "ours"))
    else:
        cmp("mmio", by_width(lines, "kvm_mmio", "upstream"))
    if "kvm_exit_iocsr" in r.counts:
        cmp("iocsr", by_width(lines, "kvm_exit_iocsr", "ours"))
    if "kvm_exit_csr" in r.counts:
        try:
            tv = json.load(open(r.prefix + ".tv.json"))
        except (OSError, ValueError):
            tv = {}
        got = {}
        for c in tv.get("csr_matrix") or []:
            key = (c.get("reg"), c.get("op"))
            got[key] = got.get(key, 0) + c.get("count", 0)
        want = {}
        for c in r.json["expected"].get("swcsr") or []:
            for op in ("rd", "wr", "xchg"):
                if c.get(op):
                    want[(int(c["csr"], 16), op)] = c[op]
        if got != want:
            bad.append(f"CSR exits {sorted(got.items())} (VMM {sorted(want.items())})")
    return "; ".join(bad)[:400] or None


def main():
    if len(sys.argv) != 5:
        print(__doc__.split("usage: ")[1].strip(), file=sys.stderr)
        return 2
    tree, sc, cpre, opre = sys.argv[1:]
    ex = excodes(tree)
    c, o = Run(cpre, sc), Run(opre, sc)
    base = f"lvz/{sc}"

    def report(case, cwhy, owhy_fn):
        if cwhy:
            print(f"FAIL: e2e/{base}/{case}: control failed: emulator bug: {cwhy}")
            return
        owhy = owhy_fn()
        if owhy:
            print(f"FAIL: e2e/{base}/{case}: ours: {owhy}")
        else:
            print(f"PASS: e2e/{base}/{case}")

    cran = check_ran(c)
    report("ran", cran, lambda: check_ran(o))
    report("same-results", cran, lambda: check_results(c, o))
    report("same-userspace-exits", cran, lambda: check_uexits(c, o))
    report("trace-matches-vmm", cran or check_trace(c, ex),
           lambda: check_trace(o, ex))
    report("stats-agree-with-trace", cran or check_stats(c, ex),
           lambda: check_stats(o, ex))
    report("viewer-matches-trace", cran or check_viewer(c),
           lambda: check_viewer(o))
    report("widths-match-vmm", cran or check_widths(c),
           lambda: check_widths(o))
    return 0


if __name__ == "__main__":
    sys.exit(main())
