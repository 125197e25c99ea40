#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reads the output of the exit-cost TCG plugin (qemu/plugins/exit-cost.c).

  exit-cost.py check PLUGIN_OUT VMM_OUT [E2E]
      the exits per kind the plugin saw against la-vmm's expected counts
      (its JSON line in VMM_OUT, by construction): every kind exact, "int"
      excepted (cannot be constructed); fpdis/lsxdis may exceed by at most
      the switch-outs of E2E's E2E-PREEMPT line; no exit of unknown kind.
      When E2E holds the kvm_exit records per ecode (E2E-HIST, kvm events
      on), the plugin's exits per ecode must also equal them, int included.
      Prints one line per kind; exit 0 when all agree, 1 otherwise.

  exit-cost.py report --tree TREE --dir DIR --scenarios "A B" \
                      --module NAME=KO ... --trace on|off [--json FILE]
      DIR/<scenario>-<NAME>.{txt,vmm,e2e}: plugin output, la-vmm output and
      E2E- lines of one boot.  Prints min / median / p99 root instructions
      per exit kind for every module side by side, the oracle check of every
      boot, and where each module's exit-path instructions go (symbols of
      vmlinux and of the module at E2E-MODULE-TEXT); --json writes the
      kvmla-exit-cost v1 document (docs/json/kvmla-exit-cost.v1.schema.json).
"""
import bisect
import json
import math
import os
import re
import subprocess
import sys

GSPR_KINDS = ("cpucfg", "csr", "iocsr", "idle", "cacop")
# Kinds that are not KVM exits la-vmm constructs: host interrupts, and root
# TLB refills from guest mode served by the kernel's refill handler.
UNCONSTRUCTED = ("int", "tlbr")
PREEMPT_SLACK = ("fpdis", "lsxdis")


def parse_plugin(path):
    exits, summary, hist, kept = [], {}, {}, {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "exit":
                d = dict(x.split("=", 1) for x in w[1:])
                exits.append({"kind": d["kind"], "ecode": int(d["ecode"]),
                              "cost": int(d["cost"]),
                              "user": int(d["user"]), "vec": int(d["vec"], 16),
                              "open": d["open"] == "1"})
            elif w[0] == "summary":
                summary = {k: int(v) for k, v in
                           (x.split("=", 1) for x in w[1:])}
            elif w[0] == "hist":
                d = dict(x.split("=", 1) for x in w[1:])
                kept[d["kind"]] = int(d["exits"])
            elif w[0] == "pc":
                hist.setdefault(w[1], {})[int(w[2], 16)] = int(w[3])
    if not summary:
        raise ValueError("%s: no summary line (QEMU did not end cleanly?)" % path)
    return exits, summary, (hist, kept)


def vmm_json(path):
    docs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                d = json.loads(line)
                if d.get("schema") == "kvmla-la-vmm":
                    docs.append(d)
    if len(docs) != 1:
        raise ValueError("%s: want one la-vmm JSON line, found %d" % (path, len(docs)))
    return docs[0]


def preempt(e2e):
    if not e2e or not os.path.exists(e2e):
        return 0
    with open(e2e) as f:
        for line in f:
            m = re.match(r"E2E-PREEMPT: la-vmm (\d+) of", line)
            if m:
                return int(m.group(1))
    return 0


def trace_ecodes(e2e):
    """kvm_exit records per ecode the init counted, or None (events off)."""
    if not e2e or not os.path.exists(e2e):
        return None
    recs, total = {}, None
    with open(e2e) as f:
        for line in f:
            m = re.match(r"E2E-HIST: kvm_exit reason (\d+) (\d+)$", line)
            if m:
                recs[int(m.group(1))] = int(m.group(2))
            m = re.match(r"E2E-TRACE: kvm_exit (\d+)$", line)
            if m:
                total = int(m.group(1))
    return recs if total else None


def counts(exits):
    c = {}
    for e in exits:
        c[e["kind"]] = c.get(e["kind"], 0) + 1
    return c


def check(plugin_out, vmm_out, e2e=None):
    """Returns (ok, lines)."""
    exits, summary, _ = parse_plugin(plugin_out)
    doc = vmm_json(vmm_out)
    exp = doc["expected"]
    got = counts(exits)
    slack = preempt(e2e)
    lines, ok = [], True

    def cmp(kind, want, have, allow=0):
        nonlocal ok
        good = want <= have <= want + allow
        ok = ok and good
        extra = " (up to +%d: switch-outs)" % allow if allow else ""
        lines.append("%s %s: plugin %d, la-vmm %d%s" %
                     ("ok  " if good else "BAD ", kind, have, want, extra))

    seen = set()
    for kind, want in exp["ecode"].items():
        if want is None:
            continue
        if kind == "gspr":
            have = sum(v for k, v in got.items() if k.startswith("gspr."))
            seen.update(k for k in got if k.startswith("gspr."))
        else:
            have = got.get(kind, 0)
            seen.add(kind)
        cmp(kind, want, have, slack if kind in PREEMPT_SLACK else 0)
    for kind, want in exp["gspr"].items():
        cmp("gspr." + kind, want, got.get("gspr." + kind, 0))
    for kind, have in sorted(got.items()):
        if kind in seen or kind in UNCONSTRUCTED:
            continue
        ok = False
        lines.append("BAD  %s: plugin %d, la-vmm constructs none" % (kind, have))
    recs = trace_ecodes(e2e)
    if recs is None:
        lines.append("--   no kvm_exit records (kvm events off): not compared")
    else:
        seen_ec = {}
        for e in exits:
            if e["ecode"] != 99:
                seen_ec[e["ecode"]] = seen_ec.get(e["ecode"], 0) + 1
        for ec in sorted(set(recs) | set(seen_ec)):
            have, want = seen_ec.get(ec, 0), recs.get(ec, 0)
            good = have == want
            ok = ok and good
            lines.append("%s ecode %d: plugin %d, kvm_exit records %d" %
                         ("ok  " if good else "BAD ", ec, have, want))
    if summary.get("no_estat", 0):
        ok = False
        lines.append("BAD  %d KVM exits without an ESTAT read" % summary["no_estat"])
    if not exits:
        ok = False
        lines.append("BAD  the plugin saw no exit")
    return ok, lines


# --- report -----------------------------------------------------------------

def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


class Symbols:
    """Names addresses: vmlinux text, module .text at its load address."""

    def __init__(self, vmlinux, ko):
        self.k, every = [], {}
        for line in run(["llvm-nm-19", "-n", "--defined-only", vmlinux]).splitlines():
            a, t, n = line.split()[:3]
            every[n] = int(a, 16)
            if t in "tTwW":
                self.k.append((int(a, 16), n))
        self.ka = [a for a, _ in self.k]
        if "_stext" not in every or "_etext" not in every:
            raise ValueError("%s has no _stext or _etext" % vmlinux)
        self.ktext = (every["_stext"], every["_etext"])
        self.m, self.msize, self.switch = [], 0, None
        for line in run(["llvm-objdump-19", "-h", ko]).splitlines():
            w = line.split()
            if len(w) > 2 and w[1] == ".text":
                self.msize = int(w[2], 16)
        for line in run(["llvm-objdump-19", "-t", ko]).splitlines():
            w = line.split()
            if len(w) >= 5 and w[-3] == ".text" and w[-4] in ("F", "l", "g"):
                self.m.append((int(w[0], 16), w[-1]))
            elif len(w) >= 4 and w[-3] == ".text":
                self.m.append((int(w[0], 16), w[-1]))
        self.m.sort()
        self.ma = [a for a, _ in self.m]
        for a, n in self.m:
            if n == "kvmla_switch_exc_entry":
                self.switch = a

    @staticmethod
    def find(addrs, syms, off):
        i = bisect.bisect_right(addrs, off) - 1
        return syms[i][1] if i >= 0 else "?"

    def name(self, pc, modtext, vecs):
        if pc < 0x8000000000000000:
            return "[tlb refill, DA]" if pc < 0x10000000 else "[user: la-vmm]"
        if self.ktext[0] <= pc < self.ktext[1]:
            return self.find(self.ka, self.k, pc)
        if modtext is not None and modtext <= pc < modtext + self.msize:
            return "kvm.ko:" + self.find(self.ma, self.m, pc - modtext)
        if self.switch is not None:
            for v in vecs:
                if v <= pc < v + 16384:
                    return "kvm.ko:" + self.find(self.ma, self.m,
                                                 self.switch + pc - v) + " (copy)"
        return "[kernel, other]"


def pct(sorted_vals, p):
    """Nearest rank: an observed value."""
    return sorted_vals[max(0, math.ceil(p / 100.0 * len(sorted_vals)) - 1)]


def kind_stats(exits):
    out = {}
    for e in exits:
        out.setdefault(e["kind"], []).append(e)
    res = {}
    for kind, es in sorted(out.items()):
        closed = sorted(e["cost"] for e in es if not e["open"])
        users = sorted(e["user"] for e in es if not e["open"])
        r = {"n": len(es), "closed": len(closed)}
        if closed:
            r.update(min=closed[0], median=closed[(len(closed) - 1) // 2],
                     p99=pct(closed, 99), max=closed[-1],
                     user_median=users[(len(users) - 1) // 2])
        res[kind] = r
    return res


def modtext_of(e2e):
    with open(e2e) as f:
        for line in f:
            m = re.match(r"E2E-MODULE-TEXT: (0x[0-9a-f]+)", line)
            if m:
                return int(m.group(1), 16)
    return None


def report(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="exit-cost.py report")
    ap.add_argument("--tree", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--module", action="append", required=True)
    ap.add_argument("--json")
    ap.add_argument("--trace", choices=("on", "off"), required=True)
    ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args(argv)
    scen = a.scenarios.split()
    mods = [m.split("=", 1) for m in a.module]
    doc = {"schema": "kvmla-exit-cost", "version": 1, "scenarios": scen,
           "unit": "root instructions from the exit vector to the entering ertn",
           "kvm_events": a.trace, "modules": {}, "checks": []}
    all_ok = True
    for name, ko in mods:
        syms = Symbols(os.path.join(a.tree, "vmlinux"), ko)
        exits, where, kept, nclosed = [], {}, {}, 0
        for s in scen:
            base = os.path.join(a.dir, "%s-%s" % (s, name))
            ok, lines = check(base + ".txt", base + ".vmm", base + ".e2e")
            all_ok = all_ok and ok
            doc["checks"].append({"scenario": s, "module": name, "ok": ok,
                                  "lines": lines})
            ex, _, (hist, hk) = parse_plugin(base + ".txt")
            exits += ex
            nclosed += sum(1 for e in ex if not e["open"])
            mt = modtext_of(base + ".e2e")
            vecs = {e["vec"] for e in ex}
            for kind, pcs in hist.items():
                w = where.setdefault(kind, {})
                for pc, n in pcs.items():
                    k = syms.name(pc, mt, vecs)
                    w[k] = w.get(k, 0) + n
            for kind, n in hk.items():
                kept[kind] = kept.get(kind, 0) + n
        wdoc = {}
        for kind, w in sorted(where.items()):
            n = kept.get(kind, 0)
            if not n:
                continue
            top = sorted(w.items(), key=lambda kv: -kv[1])[:a.top]
            wdoc[kind] = {"exits": n, "per_exit": round(sum(w.values()) / n, 1),
                          "symbols": [{"symbol": k, "per_exit": round(v / n, 1)}
                                      for k, v in top]}
        doc["modules"][name] = {
            "ko": ko, "kinds": kind_stats(exits), "closed_exits": nclosed,
            "where": wdoc}
    doc["ok"] = all_ok
    print_table(doc, [m for m, _ in mods])
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    return 0 if all_ok else 1


def print_table(doc, names):
    kinds = sorted({k for n in names for k in doc["modules"][n]["kinds"]})
    hdr = "%-14s" % "kind"
    for n in names:
        hdr += " | %-9s %6s %8s %8s %8s" % (n, "n", "min", "median", "p99")
    print(hdr)
    print("-" * len(hdr))
    for k in kinds:
        row = "%-14s" % k
        for n in names:
            s = doc["modules"][n]["kinds"].get(k)
            if not s:
                row += " | %-9s %6s %8s %8s %8s" % ("", "-", "-", "-", "-")
            elif "min" not in s:
                row += " | %-9s %6d %8s %8s %8s" % ("", s["n"], "open", "", "")
            else:
                row += " | %-9s %6d %8d %8d %8d" % ("", s["n"], s["min"],
                                                   s["median"], s["p99"])
        print(row)
    print()
    for c in doc["checks"]:
        print("oracle %-7s %-9s %s" % (c["scenario"], c["module"],
                                       "ok" if c["ok"] else "MISMATCH"))
        for line in c["lines"]:
            if line.startswith("BAD"):
                print("    " + line)
    print("\nwhere the instructions go, per exit of each kind (exits of at most"
          " 65536 instructions;\nsymbols of vmlinux, kvm.ko at E2E-MODULE-TEXT):")
    wk = sorted({k for n in names for k in doc["modules"][n]["where"]})
    for k in wk:
        ws = [doc["modules"][n]["where"].get(k) for n in names]
        print("\n  %s: %s" % (k, ", ".join(
            "%s %s over %d" % (n, w["per_exit"] if w else "-", w["exits"] if w else 0)
            for n, w in zip(names, ws))))
        per = {}
        for i, w in enumerate(ws):
            for sym in (w["symbols"] if w else []):
                per.setdefault(sym["symbol"], [0.0] * len(names))[i] = sym["per_exit"]
        rows = sorted(per.items(), key=lambda kv: -max(kv[1]))[:8]
        for sym, vals in rows:
            print("    " + "".join("%10.1f" % v for v in vals) + "  " + sym)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "check" and len(sys.argv) in (4, 5):
        ok, lines = check(*sys.argv[2:])
        print("\n".join(lines))
        return 0 if ok else 1
    if len(sys.argv) >= 2 and sys.argv[1] == "report":
        return report(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
