#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks for tests/tools/kvmstat-la/run.sh.

  check.py counts  bpf|perf VMM.json TOOL.json   exact per VM / vCPU / event / reason
  check.py latency VMM.json TOOL.json BUCKET      user round trip histogram
  check.py schema  SCHEMA FILE [--lines]          JSON Schema validation
  check.py csv     VMM.json EVENT EXPR FILE...     sum of a CSV column over files
  check.py metrics VMM.json METRICS.txt            OpenMetrics lines
  check.py stats   VMM.json TOOL.json             KVM stats per vCPU
  check.py choice  TOOL.json PROVIDER BY TEXT      provider, provider_choice.by, text in its why
  check.py pio     VMM.json TOOL.json              kvm_pio per VM = the VMM's io_out + io_in
  check.py replay  TOOL.json ROUNDS VMS VCPUS [late] [VM...]  --replay of gen-la's scenario, exact
  check.py churn   STREAM.jsonl PROVIDER SLOTS VMM.json...  retention under VM churn (--keep-dead)
  check.py churn-metrics METRICS.txt VMM.json...   the same, scraped from --listen at the end
Prints nothing and exits 0 on success; one line "why" and exit 1 otherwise.
"""
import json
import sys


def fail(msg):
    print(msg)
    sys.exit(1)


def load(path):
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError as e:
        fail(f"{path}: not JSON ({e}): {text[:160]!r}")


def vm_map(tool):
    return {vm["name"]: vm for vm in tool["vms"]}


def ev(node, event):
    return node["events"].get(event, {"total": 0, "reasons": {}})


def reason(node, event, key):
    r = ev(node, event).get("reasons", {}).get(key)
    return r["total"] if r else 0


def expect(what, got, want):
    if got != want:
        fail(f"{what}: got {got}, want {want}")


def counts(provider, vmm, tool):
    vms = vm_map(tool)
    if len(tool["vms"]) != len(vmm["vms"]):
        fail(f"tool saw {len(tool['vms'])} VMs, VMM ran {len(vmm['vms'])}")
    sums = {}
    for v in vmm["vms"]:
        t = vms.get(v["name"])
        if t is None:
            fail(f"VM {v['name']} missing")
        expect(f"{v['name']} pid", t["pid"], v["pid"])
        tv = {c["vcpu"]: c for c in t["vcpus"]}
        vm_tot = {}
        for c in v["vcpus"]:
            tc = tv.get(c["vcpu_id"])
            w = f"{v['name']} vcpu {c['vcpu_id']}"
            if tc is None:
                fail(f"{w} missing")
            expect(f"{w} tid", tc["tid"], c["tid"])
            x, u = c["exits"], c["userspace_exits"]
            runs = sum(u.values())
            want = {
                "kvm_pio": x["io_out"] + x["io_in"],
                # an MMIO read is traced twice: unsatisfied-read at the exit,
                # read when KVM_RUN completes it
                "kvm_mmio": x["mmio_write"] + 2 * x["mmio_read"],
                "kvm_userspace_exit": runs,
                # kvm_fpu: load at each KVM_RUN start, unload at its end
                "kvm_fpu": 2 * runs,
            }
            for e, n in want.items():
                expect(f"{w} {e}", ev(tc, e)["total"], n)
                vm_tot[e] = vm_tot.get(e, 0) + n
            if provider == "bpf":
                rw = {
                    ("kvm_pio", "write"): x["io_out"],
                    ("kvm_pio", "read"): x["io_in"],
                    ("kvm_mmio", "write"): x["mmio_write"],
                    ("kvm_mmio", "read"): x["mmio_read"],
                    ("kvm_mmio", "unsatisfied_read"): x["mmio_read"],
                    ("kvm_fpu", "load"): runs,
                    ("kvm_fpu", "unload"): runs,
                }
                for k, n in u.items():
                    rw[("kvm_userspace_exit", k)] = n
                for (e, k), n in rw.items():
                    expect(f"{w} {e}({k})", reason(tc, e, k), n)
        for e, n in vm_tot.items():
            expect(f"{v['name']} {e}", ev(t, e)["total"], n)
            sums[e] = sums.get(e, 0) + n
    for e, n in sums.items():
        expect(f"all VMs {e}", ev(tool, e)["total"], n)


def drops(vmm, tool):
    """Maps too small: every event is either counted or counted as dropped."""
    want = 0
    for v in vmm["vms"]:
        for c in v["vcpus"]:
            x, u = c["exits"], c["userspace_exits"]
            runs = sum(u.values())
            want += x["io_out"] + x["io_in"] + x["mmio_write"] + 2 * x["mmio_read"] + runs + 2 * runs
    got = tool["total"]
    d = tool["dropped"]["counts"]
    if d == 0:
        fail("no dropped updates reported with tiny maps")
    expect("counted + dropped", got + d, want)


def latency(vmm, tool, bucket):
    vms = vm_map(tool)
    for v in vmm["vms"]:
        t = vms[v["name"]]
        tv = {c["vcpu"]: c for c in t["vcpus"]}
        for c in v["vcpus"]:
            w = f"{v['name']} vcpu {c['vcpu_id']}"
            lat = tv[c["vcpu_id"]]["latency"]["user"]
            u = c["userspace_exits"]
            # every return to userspace but the last (shutdown) is followed by KVM_RUN
            expect(f"{w} user round trips", lat["all"]["count"], sum(u.values()) - u.get("shutdown", 0))
            for k in ("io", "mmio", "hlt"):
                got = lat["reasons"].get(k, {"count": 0})["count"]
                expect(f"{w} user round trips ({k})", got, u.get(k, 0))
            h = lat["all"]["hist_log2"]
            if any(h[:bucket]):
                fail(f"{w}: round trips below bucket {bucket} (2^{bucket} ns): {h[:bucket + 1]}")
            mode = max(range(len(h)), key=lambda i: h[i])
            expect(f"{w} most common bucket", mode, bucket)


def schema(path, target, lines):
    import jsonschema
    s = load(path)
    jsonschema.Draft202012Validator.check_schema(s)
    val = jsonschema.Draft202012Validator(s)
    with open(target) as f:
        text = f.read()
    try:
        docs = [json.loads(x) for x in text.splitlines() if x.strip()] if lines else [json.loads(text)]
    except ValueError as e:
        fail(f"{target}: not JSON ({e}): {text[:160]!r}")
    if not docs:
        fail(f"{target}: empty")
    for d in docs:
        errs = sorted(val.iter_errors(d), key=lambda e: [str(p) for p in e.path])
        if errs:
            fail(f"{target}: {errs[0].message} at {list(errs[0].absolute_path)}")


def csv_sum(vmm, event, expr, files):
    want = eval(expr, {}, vmm["totals"])
    got = 0
    for fn in files:
        with open(fn) as f:
            rows = [r.rstrip("\n").split(",") for r in f if r.strip()]
        if not rows or rows[0][0] != "timestamp":
            fail(f"{fn}: no CSV header")
        col = rows[0].index(event)
        if len(rows) < 2:
            fail(f"{fn}: no interval lines")
        for r in rows[1:]:
            if r[0] == "timestamp":
                fail(f"{fn}: header repeated inside one file")
            got += int(r[col])
    expect(f"{event} summed over {len(files)} files", got, want)


def metrics(vmm, path):
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines or lines[-1] != "# EOF":
        fail("OpenMetrics text does not end with # EOF")
    have = {}
    for ln in lines:
        if ln.startswith("kvmstat_la_events_total{"):
            labels, val = ln[len("kvmstat_la_events_total{"):].rsplit("} ", 1)
            have[labels] = int(val)
    for v in vmm["vms"]:
        for c in v["vcpus"]:
            x = c["exits"]
            for rs, n in (("write", x["io_out"]), ("read", x["io_in"])):
                lab = (f'vm="{v["name"]}",pid="{v["pid"]}",vcpu="{c["vcpu_id"]}",'
                       f'event="kvm_pio",reason="{rs}"')
                expect(f"metric {lab}", have.get(lab), n)


def stats(vmm, tool, per_vcpu):
    """KVM stats (-d) against the VMM.  When the VMM read its own vCPUs'
    binary stats before and after the run (kvm_stats), every counter it saw
    move must be reported with exactly that value, per vCPU and summed per
    VM: the same kernel counters through an independent reader.  Without
    kvm_stats, fall back to the exits the guest caused."""
    vms = vm_map(tool)
    for v in vmm["vms"]:
        t = vms.get(v["name"])
        if t is None:
            fail(f"VM {v['name']} missing")
        own = [c.get("kvm_stats") for c in v["vcpus"]]
        if all(own):
            moved = sorted({k for ks in own for k, n in ks.items() if n})
            if "exits" not in moved:
                fail(f"{v['name']}: the VMM saw no kvm_stats exits move")
            for k in moved:
                expect(f"{v['name']} {k}", ev(t, k)["total"], sum(ks.get(k, 0) for ks in own))
        else:
            x = v["totals"]
            expect(f"{v['name']} io_exits", ev(t, "io_exits")["total"], x["io_out"] + x["io_in"])
            expect(f"{v['name']} mmio_exits", ev(t, "mmio_exits")["total"], x["mmio_write"] + x["mmio_read"])
            expect(f"{v['name']} halt_exits", ev(t, "halt_exits")["total"], x["hlt"])
        if not per_vcpu:
            continue
        tv = {c["vcpu"]: c for c in t["vcpus"]}
        for c in v["vcpus"]:
            w = f"{v['name']} vcpu {c['vcpu_id']}"
            if c["vcpu_id"] not in tv:
                fail(f"{w} missing")
            tc = tv[c["vcpu_id"]]
            if c.get("kvm_stats"):
                for k, n in c["kvm_stats"].items():
                    if n:
                        expect(f"{w} {k}", ev(tc, k)["total"], n)
                continue
            x = c["exits"]
            expect(f"{w} io_exits", ev(tc, "io_exits")["total"], x["io_out"] + x["io_in"])
            expect(f"{w} mmio_exits", ev(tc, "mmio_exits")["total"], x["mmio_write"] + x["mmio_read"])
            expect(f"{w} halt_exits", ev(tc, "halt_exits")["total"], x["hlt"])


def choice(tool, provider, by, text):
    """The provider that collected and how it was chosen (auto or a flag)."""
    c = tool.get("provider_choice")
    if c is None:
        fail("no provider_choice in the JSON")
    expect("provider", tool["provider"], provider)
    expect("provider_choice.by", c["by"], by)
    if text not in c["why"]:
        fail(f"provider_choice.why {c['why']!r} does not say {text!r}")


def pio(vmm, tool):
    vms = vm_map(tool)
    for v in vmm["vms"]:
        t = vms.get(v["name"])
        if t is None:
            fail(f"VM {v['name']} missing")
        x = v["totals"]
        expect(f"{v['name']} kvm_pio", ev(t, "kvm_pio")["total"], x["io_out"] + x["io_in"])


def la_scenario(rounds, late=False):
    """Per vCPU, the events of tests/tools/trace-viewer/la_fixture.c's
    vcpu_run() over ROUNDS rounds: {event: {reason value: count}} (reason
    None: the event has no reason field in the catalog).  Reason values as
    the records carry them: kvm_exit's ecode (22 GSPR, 1 TLBL, 0 INT,
    2 TLBS), kvm_out's KVM_EXIT_* (38 LOONGARCH_IOCSR, 6 MMIO),
    kvm_exit_gspr's kind, kvm_exit_csr's csr | op << 32, ..."""
    r = rounds
    ev = {
        "kvm_exit": {22: 3 * r, 1: r, 0: r, 2: r},
        "kvm_out": {38: r, 6: r},
        "kvm_exit_gspr": {0: r, 2: r, 3: r},
        "kvm_exit_csr": {0x41 | 1 << 32: r},
        "kvm_enter": 1 + 2 * r,
        "kvm_reenter": 4 * r,
        "kvm_exit_idle": r,
        "kvm_exit_iocsr": r + (1 if late else 0),  # late: the trace starts with one
        "kvm_exit_mmio": r,
        "kvm_gpa_fault": r,
        "kvm_irq": 2 * r,
        "kvm_tlb_flush": r // 4,
        "kvm_vpid_change": r // 16,
    }
    for once in ("kvm_vcpu_load", "kvm_exit_cpucfg", "kvm_exit_cache", "kvm_hypercall",
                 "kvm_timer", "kvm_aux", "kvm_vpid_rollover", "kvm_vcpu_put"):
        ev[once] = 1
    return {k: v for k, v in ev.items() if v}


def replay(tool, rounds, nvms, nvcpus, only):
    """kvmstat-la --replay of gen-la OUT ROUNDS VMS VCPUS [late]: VM m is
    pid 1000 + 100 m named la-vm-m (identity markers; with late, after every
    event), its vCPU v thread tgid + 1 + v named "CPU v/KVM"; every vCPU runs
    the scenario."""
    late = "late" in only
    only = [x for x in only if x != "late"]
    per = la_scenario(rounds, late)
    expect("provider", tool["provider"], "replay")
    expect("profile", tool["profile"], "loongarch")
    vms = {m: f"la-vm-{m}" for m in range(nvms) if not only or f"la-vm-{m}" in only}
    expect("VMs", [(v["pid"], v["name"]) for v in tool["vms"]],
           [(1000 + 100 * m, n) for m, n in sorted(vms.items())])
    names = {"kvm_exit": {22: "gspr", 1: "tlbl", 0: "int", 2: "tlbs"},
             "kvm_out": {38: "loongarch_iocsr", 6: "mmio"}}

    def check_events(what, node, k):
        for e, want in per.items():
            got = ev(node, e)
            if isinstance(want, dict):
                expect(f"{what} {e}", got["total"], k * sum(want.values()))
                have = {r["value"]: r["total"] for r in got.get("reasons", {}).values()}
                expect(f"{what} {e} reasons", have, {v: k * n for v, n in want.items()})
                for v, key in names.get(e, {}).items():
                    expect(f"{what} {e} reason {v} key", got["reasons"].get(key, {}).get("value"), v)
            else:
                expect(f"{what} {e}", got["total"], k * want)
        extra = set(node["events"]) - set(per)
        if any(node["events"][x]["total"] for x in extra):
            fail(f"{what}: events not in the scenario: {sorted(extra)}")

    check_events("all", tool, len(vms) * nvcpus)
    for v in tool["vms"]:
        check_events(v["name"], v, nvcpus)
        expect(f"{v['name']} vCPUs", [(c["vcpu"], c["tid"], c["thread"]) for c in v["vcpus"]],
               [(i, v["pid"] + 1 + i, f"CPU {i}/KVM") for i in range(nvcpus)])
        for c in v["vcpus"]:
            check_events(f"{v['name']} vcpu {c['vcpu']}", c, 1)


def vmm_want(c):
    """What one vCPU of the VMM caused: per event total, per (event, reason key)."""
    x, u = c["exits"], c["userspace_exits"]
    runs = sum(u.values())
    ev_ = {"kvm_pio": x["io_out"] + x["io_in"], "kvm_mmio": x["mmio_write"] + 2 * x["mmio_read"],
           "kvm_userspace_exit": runs, "kvm_fpu": 2 * runs}
    rs = {("kvm_pio", "write"): x["io_out"], ("kvm_pio", "read"): x["io_in"],
          ("kvm_mmio", "write"): x["mmio_write"], ("kvm_mmio", "read"): x["mmio_read"],
          ("kvm_mmio", "unsatisfied_read"): x["mmio_read"],
          ("kvm_fpu", "load"): runs, ("kvm_fpu", "unload"): runs}
    for k, n in u.items():
        rs[("kvm_userspace_exit", k)] = n
    return ev_, rs


def churn(stream, provider, slots, vmms):
    """A churn of short VMMs seen by --json-stream --keep-dead: every VM listed
    (alive, then dead) and then retired; at most 2 VMs listed at a time; at the
    end none, retired.vms = the VMs that ran, and the totals (top level and
    retired) exactly the VMMs' sums, with no update dropped.  slots > 0 (BPF
    tiny maps): more distinct keys passed than one bank's slots and hashes hold."""
    with open(stream) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    if len(lines) < 3:
        fail(f"{len(lines)} stream lines")
    want_ev, want_rs, names, keys = {}, {}, set(), 0
    for path in vmms:
        for v in load(path)["vms"]:
            names.add(v["name"])
            for c in v["vcpus"]:
                e, r = vmm_want(c)
                for k, n in e.items():
                    want_ev[k] = want_ev.get(k, 0) + n
                for k, n in r.items():
                    want_rs[k] = want_rs.get(k, 0) + n
                    keys += n > 0
    if slots and keys <= slots:
        fail(f"only {keys} keys passed, the tables hold {slots}: nothing to reuse")
    seen, dead, last_total, last_ret = set(), set(), 0, 0
    for i, d in enumerate(lines):
        if len(d["vms"]) > 2:
            fail(f"line {i + 1} lists {len(d['vms'])} VMs: dead ones were not retired")
        for v in d["vms"]:
            seen.add(v["name"])
            if not v["alive"]:
                dead.add(v["name"])
        if d["total"] < last_total or d["retired"]["total"] < last_ret:
            fail(f"line {i + 1}: a total went down ({d['total']} after {last_total}, "
                 f"retired {d['retired']['total']} after {last_ret})")
        last_total, last_ret = d["total"], d["retired"]["total"]
    for n in sorted(names):
        if n not in seen or n not in dead:
            fail(f"VM {n} was {'never listed' if n not in seen else 'never listed dead'}")
    end = lines[-1]
    if end["vms"]:
        fail(f"the last line still lists {[v['name'] for v in end['vms']]}")
    expect("retired VMs", end["retired"]["vms"], len(names))
    expect("dropped counts", end["dropped"]["counts"], 0)
    expect("dropped latency", end["dropped"]["latency"], 0)
    for node, what in ((end, "total"), (end["retired"], "retired")):
        for e, n in want_ev.items():
            expect(f"{what} {e}", ev(node, e)["total"], n)
        if provider == "bpf":
            for (e, k), n in want_rs.items():
                expect(f"{what} {e}({k})", reason(node, e, k), n)
    expect("total", end["total"], sum(want_ev.values()))


def churn_metrics(path, vmms):
    """After the churn: no series of a retired VM, kvmstat_la_retired_vms_total
    = the VMs that ran, the pid="retired" series sum to the VMMs' counts."""
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines or lines[-1] != "# EOF":
        fail("OpenMetrics text does not end with # EOF")
    want, names = {}, []
    for p in vmms:
        for v in load(p)["vms"]:
            names.append(v["name"])
            for c in v["vcpus"]:
                for k, n in vmm_want(c)[0].items():
                    want[k] = want.get(k, 0) + n
    got, nret = {}, None
    for ln in lines:
        if any(f'vm="{n}"' in ln for n in names):
            fail(f"a retired VM's series is still there: {ln}")
        if ln.startswith("kvmstat_la_retired_vms_total "):
            nret = int(ln.split()[1])
        if ln.startswith("kvmstat_la_events_total{"):
            labels, val = ln[len("kvmstat_la_events_total{"):].rsplit("} ", 1)
            if 'pid="retired"' not in labels:
                fail(f"a series of a VM that is not running: {ln}")
            e = labels.split('event="')[1].split('"')[0]
            got[e] = got.get(e, 0) + int(val)
    expect("kvmstat_la_retired_vms_total", nret, len(names))
    for e, n in want.items():
        expect(f'sum of kvmstat_la_events_total{{pid="retired",event="{e}"}}', got.get(e, 0), n)


def main(a):
    if a[0] == "counts":
        counts(a[1], load(a[2]), load(a[3]))
    elif a[0] == "drops":
        drops(load(a[1]), load(a[2]))
    elif a[0] == "latency":
        latency(load(a[1]), load(a[2]), int(a[3]))
    elif a[0] == "schema":
        schema(a[1], a[2], "--lines" in a)
    elif a[0] == "csv":
        csv_sum(load(a[1]), a[2], a[3], a[4:])
    elif a[0] == "metrics":
        metrics(load(a[1]), a[2])
    elif a[0] == "stats":
        stats(load(a[1]), load(a[2]), "--per-vcpu" in a)
    elif a[0] == "choice":
        choice(load(a[1]), a[2], a[3], a[4])
    elif a[0] == "replay":
        replay(load(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5:])
    elif a[0] == "pio":
        pio(load(a[1]), load(a[2]))
    elif a[0] == "churn":
        churn(a[1], a[2], int(a[3]), a[4:])
    elif a[0] == "churn-metrics":
        churn_metrics(a[1], a[2:])
    else:
        fail(f"unknown check {a[0]}")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as e:  # a check that crashes still says why, on one line
        fail(f"check.py {' '.join(sys.argv[1:2])} crashed: {type(e).__name__}: {e}")
