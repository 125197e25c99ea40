#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""samples.csv of make soak (t_s,proc,rss_kb,fds) as an SVG: RSS (MB) above,
open fds below, one line per process.  No dependency beyond Python.
  tests/soak/plot.py SAMPLES.csv OUT.svg"""
import csv
import sys

COLORS = {"tui": "#1f77b4", "stream": "#d62728", "metrics": "#2ca02c"}
W, H, PAD = 720, 200, 50


def panel(rows, key, scale, label, y0):
    procs = sorted({r["proc"] for r in rows})
    tmax = max(int(r["t_s"]) for r in rows) or 1
    vmax = max(float(r[key]) * scale for r in rows) or 1
    out = [f'<text x="{PAD}" y="{y0 - 8}" font-size="13">{label} (max {vmax:.0f})</text>',
           f'<rect x="{PAD}" y="{y0}" width="{W}" height="{H}" fill="none" stroke="#999"/>']
    for p in procs:
        pts = " ".join(f'{PAD + W * int(r["t_s"]) / tmax:.1f},'
                       f'{y0 + H - H * float(r[key]) * scale / vmax:.1f}'
                       for r in rows if r["proc"] == p)
        out.append(f'<polyline fill="none" stroke="{COLORS.get(p, "#000")}" stroke-width="1.5" points="{pts}"/>')
    out.append(f'<text x="{PAD}" y="{y0 + H + 16}" font-size="11">0 s</text>')
    out.append(f'<text x="{PAD + W - 40}" y="{y0 + H + 16}" font-size="11">{tmax} s</text>')
    return out


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: plot.py SAMPLES.csv OUT.svg\n")
        return 2
    rows = list(csv.DictReader(open(sys.argv[1])))
    if not rows:
        sys.stderr.write("plot.py: no samples\n")
        return 1
    body = panel(rows, "rss_kb", 1 / 1024, "RSS, MB", 40)
    body += panel(rows, "fds", 1, "open fds", 40 + H + 60)
    legend = [f'<text x="{PAD + 200 + 90 * i}" y="20" font-size="13" fill="{COLORS[p]}">{p}</text>'
              for i, p in enumerate(COLORS)]
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W + 2 * PAD}" height="{2 * H + 140}" '
           f'font-family="sans-serif">\n' + "\n".join(legend + body) + "\n</svg>\n")
    open(sys.argv[2], "w").write(svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
