#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# The percentile cases' reference (run.sh, gen-lat):
#   pctl.py gen DIST N SEED      N latencies (ns) of distribution DIST, one a line
#   pctl.py check SAMPLES JSON   trace-viewer's p50/p90/p99 of the trace gen-lat made
#                                from SAMPLES against the exact ones
# Exact percentile: nearest rank, the smallest sample with at least p% of the
# samples at or below it: sorted[ceil(n * p / 100) - 1].  A percentile that
# trace-viewer calls "exact" must be equal; any other must be within the
# bound its JSON states (percentile_scheme.max_rel_error), and that bound
# must be at most 6.25 % (issue 13: 16 sub-buckets per power of two).
import json, math, random, sys

def gen(dist, n, seed):
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        if dist == "uniform":		# 1 us .. 1 ms
            v = rnd.randint(1000, 1000000)
        elif dist == "heavy":		# Pareto, alpha 0.3, from 10 us; p99 ~ 46 s, capped at 1000 s
            v = min(int(10000 / (1.0 - rnd.random()) ** (1 / 0.3)), 10**12)
        elif dist == "single":
            v = 123457
        elif dist == "clusters":	# 70 % around 2 us, 30 % around 10 s
            v = rnd.randint(1900, 2100) if rnd.random() < 0.7 else rnd.randint(10**10, 10**10 + 10**7)
        else:
            sys.exit("pctl.py: unknown distribution " + dist)
        out.append(v)
    return out

def exact(sorted_s, p):
    r = max(1, math.ceil(len(sorted_s) * p / 100))
    return sorted_s[r - 1]

def check(samples_path, json_path):
    s = sorted(int(x) for x in open(samples_path))
    d = json.load(open(json_path))
    bad = []
    if "percentile_scheme" not in d:	# still compare the values, at the bound
        bad.append("no percentile_scheme")
    bound = d.get("percentile_scheme", {}).get("max_rel_error", 0.0625)
    if bound > 0.0625:
        bad.append("stated bound %g > 0.0625" % bound)
    stats = {
        "latency.all": d["latency"]["all"],
        "latency.kernel": d["latency"]["kernel"],
        "exits.tlbl": [r for r in d["exits"]["by_reason"] if r["key"] == "tlbl"][0]["latency"]["all"],
        "vcpu0.all": d["vcpus"][0]["latency"]["all"],
        "vcpu0.kernel": d["vcpus"][0]["latency"]["kernel"],
        "interrupts": d["interrupts"]["latency"],
    }
    for name, st in stats.items():
        if st["count"] != len(s):
            bad.append("%s: count %d, expected %d" % (name, st["count"], len(s)))
            continue
        for p in (50, 90, 99):
            got, want = st["p%d_ns" % p], exact(s, p)
            if got is None:
                bad.append("%s p%d: null, exact %d" % (name, p, want))
            elif st.get("percentiles") == "exact" and got != want:
                bad.append("%s p%d: %d said exact, exact %d" % (name, p, got, want))
            elif abs(got - want) > bound * want:
                bad.append("%s p%d: %d, exact %d (%.2f%% off, bound %.3g%%)" %
                           (name, p, got, want, 100.0 * abs(got - want) / want, 100 * bound))
    for b in bad[:4]:
        print(b)
    return 1 if bad else 0

if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        print("\n".join(str(v) for v in gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: pctl.py gen DIST N SEED | pctl.py check SAMPLES JSON")
