#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks for tests/prom/run.sh, against a running Prometheus (URL).

  check.py scraped  URL TIME            a scrape of job kvmla after unix TIME?
  check.py exact    URL VMM.json        kvmstat_la_events_total == the VMM's counts
  check.py vmvar    URL DASHBOARD NAME  the dashboard's vm variable lists the VMM's VMs
  check.py panels   URL DASHBOARD WIN   every panel's PromQL returns data
  check.py rules    URL RULES           every recorded series exists
  check.py dashboard DASHBOARD          the JSON model's shape
  check.py exec UNIT ENVFILE KEY        the unit's KEY (ExecStart...) as systemd
                                        expands it: argv, one per line
Prints nothing and exits 0 on success; one line "why" and exit 1 otherwise.
"""
import json
import math
import re
import shlex
import sys
import urllib.parse
import urllib.request


def fail(msg):
    print(msg)
    sys.exit(1)


def query(url, expr):
    u = f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(u, timeout=10) as r:
            d = json.load(r)
    except Exception as e:  # an HTTP 400 carries Prometheus' parse error
        body = getattr(e, "read", lambda: b"")().decode(errors="replace")
        fail(f"query {expr!r}: {e} {body[:200]}")
    if d.get("status") != "success":
        fail(f"query {expr!r}: {d}")
    return d["data"]["result"]


def scraped(url, after):
    r = query(url, 'timestamp(up{job="kvmla"} == 1)')
    if not r or float(r[0]["value"][1]) <= float(after):
        fail("no successful scrape yet")


def want_counts(vmm):
    """The VMM's exits, as kvmstat-la names them (see tests/tools/kvmstat-la/check.py):
    (vm, pid, vcpu, event, reason) -> count"""
    want = {}
    for v in vmm["vms"]:
        for c in v["vcpus"]:
            x, u = c["exits"], c["userspace_exits"]
            runs = sum(u.values())
            k = (v["name"], str(v["pid"]), str(c["vcpu_id"]))
            rows = {
                ("kvm_pio", "write"): x["io_out"],
                ("kvm_pio", "read"): x["io_in"],
                ("kvm_mmio", "write"): x["mmio_write"],
                # an MMIO read is traced at the exit and at its completion
                ("kvm_mmio", "unsatisfied_read"): x["mmio_read"],
                ("kvm_mmio", "read"): x["mmio_read"],
                ("kvm_fpu", "load"): runs,
                ("kvm_fpu", "unload"): runs,
            }
            for r, n in u.items():
                rows[("kvm_userspace_exit", r)] = n
            for (e, r), n in rows.items():
                if n:
                    want[k + (e, r)] = n
    return want


def exact(url, vmm):
    if not all(re.fullmatch(r"[\w-]+", v["name"]) for v in vmm["vms"]):
        fail("VM names must be [A-Za-z0-9_-]+ to be listed in a PromQL regex")
    names = "|".join(v["name"] for v in vmm["vms"])
    got = {}
    for s in query(url, f'kvmstat_la_events_total{{vm=~"{names}"}}'):
        m = s["metric"]
        if m.get("job") != "kvmla":
            fail(f"series without job=kvmla: {m}")
        k = (m["vm"], m["pid"], m["vcpu"], m["event"], m.get("reason", ""))
        got[k] = int(float(s["value"][1]))
    want = want_counts(vmm)
    if not want:
        fail("the VMM reported no exits")
    for k, n in sorted(want.items()):
        if got.get(k) != n:
            fail(f"{k}: Prometheus has {got.get(k)}, the VMM caused {n}")
    extra = sorted(k for k in got if k not in want and got[k])
    if extra:
        fail(f"series the VMM did not cause: {extra[:3]}")


def load(path):
    with open(path) as f:
        return json.load(f)


def exprs(dash, window):
    """every panel's targets[].expr, Grafana's variables made concrete"""
    out = []
    for p in dash["panels"]:
        for t in p.get("targets", []):
            e = t["expr"]
            for var in ("$__rate_interval", "$__interval", "$__range", "${__rate_interval}"):
                e = e.replace(var, window)
            e = e.replace('"$vm"', '".*"').replace("${vm}", ".*")
            if "$" in e:
                fail(f"panel {p['title']!r}: a variable left in {e!r}")
            out.append((p["title"], t["refId"], e))
    return out


def panels(url, dash, window):
    for title, ref, e in exprs(dash, window):
        r = query(url, e)
        if not r:
            fail(f"panel {title!r} target {ref}: no data for {e}")
        vals = [float(s["value"][1]) for s in r]
        # a rate over a window in which the guests ran: some value is a number above 0
        if not any(math.isfinite(v) and v > 0 for v in vals) and "dropped" not in e:
            fail(f"panel {title!r} target {ref}: only {vals[:4]} for {e}")


def vmvar(url, dash, names):
    v = [t for t in dash["templating"]["list"] if t["name"] == "vm"][0]
    m = re.fullmatch(r"label_values\((\w+), *(\w+)\)", v["definition"])
    if not m:
        fail(f"vm variable: {v['definition']!r} is not label_values(METRIC, LABEL)")
    u = f"{url}/api/v1/label/{m[2]}/values?" + urllib.parse.urlencode({"match[]": m[1]})
    with urllib.request.urlopen(u, timeout=10) as r:
        have = set(json.load(r)["data"])
    for n in names:
        if n not in have:
            fail(f"vm variable: {n} not among {sorted(have)[:5]}")


def rules(url, path):
    recs = re.findall(r"^\s*- record: *(\S+)", open(path).read(), re.M)
    if not recs:
        fail("no recording rules")
    for rec in recs:
        if not query(url, rec):
            fail(f"recorded series {rec} is empty")


def dashboard(dash):
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
        fail(f"schemaVersion {dash.get('schemaVersion')} < 36")
    ids = [p["id"] for p in dash["panels"]]
    if len(set(ids)) != len(ids):
        fail(f"panel ids repeat: {ids}")
    for p in dash["panels"]:
        if not p.get("targets") or not p.get("title") or "gridPos" not in p:
            fail(f"panel {p.get('id')}: no title, targets or gridPos")
    text = json.dumps(dash)
    for need in ("kvmstat_la_events_total", "histogram_quantile", "_bucket",
                 "kvmstat_la_dropped_updates_total", "by (vm)", "by (vm, vcpu)", "reason"):
        if need not in text:
            fail(f"no panel uses {need}")


def unit_exec(unit, envfile, key):
    """Environment= then EnvironmentFile= (later wins); ${VAR} is replaced
    inside a word, a word that is only $VAR is split on white space."""
    env, line = {}, None
    for ln in open(unit):
        ln = ln.strip()
        if ln.startswith("Environment="):
            for kv in shlex.split(ln[len("Environment="):]):
                k, _, v = kv.partition("=")
                env[k] = v
        elif ln.startswith(key + "="):
            line = ln[len(key) + 1:]
    if line is None:
        fail(f"{unit}: no {key}=")
    for ln in open(envfile):
        ln = ln.strip()
        if ln and not ln.startswith("#"):
            k, _, v = ln.partition("=")
            env[k.strip()] = v.strip().strip('"')
    argv = []
    for w in shlex.split(line):
        m = re.fullmatch(r"\$(\w+)", w)
        if m:
            argv += env.get(m[1], "").split()
        else:
            argv.append(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m[1], ""), w))
    print("\n".join(argv))


def main(a):
    if a[0] == "exec":
        unit_exec(a[1], a[2], a[3])
    elif a[0] == "scraped":
        scraped(a[1], a[2])
    elif a[0] == "exact":
        exact(a[1], load(a[2]))
    elif a[0] == "panels":
        panels(a[1], load(a[2]), a[3])
    elif a[0] == "vmvar":
        vmvar(a[1], load(a[2]), [v["name"] for v in load(a[3])["vms"]])
    elif a[0] == "rules":
        rules(a[1], a[2])
    elif a[0] == "dashboard":
        dashboard(load(a[1]))
    else:
        fail(f"unknown check {a[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
