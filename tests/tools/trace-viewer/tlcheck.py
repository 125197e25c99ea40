#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the HTML timeline of a gen-phases trace, as Chromium left the DOM.

Usage: tlcheck.py DOM SPEC FIRST_TS [KEYS]
       tlcheck.py --tui SCREEN SPEC FIRST_TS START END

SPEC is gen-phases' input, FIRST_TS its first record's time: together they
give the trace's span and, per phase, its time range, its dominant state, that
state's share and its exits per ns.  KEYS are the keys pressed on the page
(+ - h l 0), replayed here by the rules docs/trace-viewer.md gives (zoom in:
half the width around the centre; out: twice, clamped to the trace; h/l: a
quarter of the width; 0: the whole trace; the width never below one ns per
column), so the range expected is known without the page.  Checks: the
timeline's data-start-ns/data-end-ns are that range; each vCPU row has
data-cols columns tiling it, the first starting at its start and the last
ending at its end; a column inside a phase is in the phase's dominant state
with its share (and, where the pattern repeats once per bin, its exits).

With --tui, SCREEN is `trace-viewer view`'s screen (tmux capture-pane, no
colours: the letters g k u h): its "range (ns)" line must be START..END, and
its first vCPU row's columns (97 on a 120-column terminal, each an equal slice of
the range, the last ending at its end) inside a phase must show the phase's
dominant state's letter (the cursor's column aside).
Prints the first failure and exits 1.
"""
import html.parser
import sys

STATES = {"g": "guest", "k": "kernel", "u": "userspace", "h": "halted"}


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tl, self.rows = None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "tl":
            self.tl = a
        elif tag == "g" and a.get("class") == "tlrow":
            self.rows.append([])
        elif tag == "rect" and a.get("class") == "tlc":
            self.rows[-1].append(a)


def phases(spec):
    """[(start, end, dominant, share, exits per ns, period)] relative to the first record."""
    out, t = [], 0
    for line in open(spec):
        f = line.split("#")[0].split()
        if not f:
            continue
        rep, pat = int(f[0]), [(f[i], int(f[i + 1])) for i in range(1, len(f), 2)]
        period = sum(ns for _, ns in pat)
        per = {}
        for st, ns in pat:
            per[st] = per.get(st, 0) + ns
        dom = max(per, key=lambda s: per[s])
        exits = sum(1 for st, _ in pat if st != "g")
        out.append((t, t + rep * period, STATES[dom], per[dom] / period, exits / period, period))
        t += rep * period
    return out, t


def replay(keys, span, cols):
    s, e, low = 0, span, min(span, cols)
    for k in keys:
        w = e - s
        if k == "+":
            n = max(low, w // 2)
            s, w = s + (w - n) // 2, n
        elif k == "-":
            n = min(span, w * 2)
            s, w = s - (n - w) // 2, n
        elif k in "hl":
            s += (-1 if k == "h" else 1) * max(1, w // 4)
        elif k == "0":
            s, w = 0, span
        s = max(0, min(s, span - w))
        e = s + w
    return s, e


def check(dom, spec, first, keys):
    ph, span = phases(spec)
    d = Dom()
    d.feed(open(dom, encoding="utf-8").read())
    if not d.tl:
        return "no timeline element (id tl)"
    cols = int(d.tl["data-cols"])
    s, e = replay(keys, span, cols)
    if int(d.tl["data-start-ns"]) != first + s or int(d.tl["data-end-ns"]) != first + e:
        return "range %s..%s, expected %d..%d" % (d.tl["data-start-ns"], d.tl["data-end-ns"],
                                                   first + s, first + e)
    # the fine bins: 1 us, doubled until the span fits in 2048 of them
    b = 1000
    while span // b >= 2048:
        b *= 2
    if not d.rows:
        return "no vCPU rows"
    for r, row in enumerate(d.rows):
        if len(row) != cols:
            return "row %d: %d columns, expected %d" % (r, len(row), cols)
        t = first + s
        for i, c in enumerate(row):
            t0, t1 = int(c["data-t0-ns"]), int(c["data-t1-ns"])
            if t0 != t or t1 <= t0:
                return "row %d column %d: %d..%d after %d" % (r, i, t0, t1, t)
            t = t1
            for p0, p1, st, share, xpn, period in ph:
                if not (first + p0 <= t0 and t1 <= first + p1):
                    continue
                if c["data-state"] != st or abs(float(c["data-frac"]) - share) > 0.001:
                    return "row %d column %d (%d..%d): %s %s, expected %s %.4f" % (
                        r, i, t0, t1, c["data-state"], c["data-frac"], st, share)
                want = xpn * (t1 - t0)
                if period == b and abs(int(c["data-exits"]) - want) > 0.5 + 1e-9:
                    return "row %d column %d: %s exits, expected %.2f" % (r, i, c["data-exits"], want)
        if t != first + e:
            return "row %d: the last column ends at %d, expected %d" % (r, t, first + e)
    return None


def check_tui(screen, spec, first, start, end):
    ph, _ = phases(spec)
    lines = open(screen, encoding="utf-8", errors="replace").read().split("\n")
    rng = [ln for ln in lines if ln.startswith("range (ns) ")]
    want = "%d..%d" % (start, end)
    if not rng or rng[0].split()[2] != want:
        return "range line %r, expected %s" % (rng[0] if rng else None, want)
    if len(lines) < 4 or len(lines[3]) < 23:
        return "no vCPU row on the screen's 4th line"
    cols = 120 - 23     # a 120-column terminal: 22 for the labels, one spare
    cells = lines[3][22:22 + cols].ljust(cols)
    letter = {v: k for k, v in STATES.items()}
    w, checked = end - start, 0
    for x in range(cols):
        a = start + w * x // cols
        b = end if x + 1 == cols else start + w * (x + 1) // cols
        for p0, p1, st, _, _, _ in ph:
            if first + p0 <= a and b <= first + p1 and cells[x] != "|":
                checked += 1
                if cells[x] != letter[st]:
                    return "column %d (%d..%d): %r, expected %r (%s)" % (x, a, b, cells[x], letter[st], cells)
    return None if checked else "no column checked"


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "--tui":
        err = check_tui(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
        if err:
            print(err)
            sys.exit(1)
        return
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    err = check(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) == 5 else "")
    if err:
        print(err)
        sys.exit(1)


if __name__ == "__main__":
    main()
