#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# cutcheck.py TV FILE PER_PAGE REC_BYTES SCHEMA WORKDIR [V7FILE]
#   FILE: a v6 trace.dat of gen-la's uniform scenario (every page of CPU c
#   holds PER_PAGE kvm_exit records of REC_BYTES bytes, record i of CPU c at
#   1 ms + 7 ns * c + 100 ns * i).  Cuts copies of it at every section
#   boundary and inside pages, runs TV on each and compares with what the
#   construction says survives: the records of the complete pages before the
#   cut, and the complete records of a partial page.  Where the boundaries
#   are comes from the v6 layout (trace-cmd's trace.dat format), read here.
#   V7FILE: the same trace converted to v7 (uncompressed), whose map of the
#   CPU data (the BUFFER option) comes after the data: cut anywhere, it is
#   refused with one line (exit 1).
#   Prints one "PASS name" or "FAIL name: why" line per case.
import json, os, struct, subprocess, sys

tv, src, per_page, rb, schema, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5], sys.argv[6]
data = open(src, "rb").read()
PAGE = struct.unpack_from("<I", data, data.index(b"\0", 10) + 3)[0]
fly = data.index(b"flyrecord\0")
table = fly + 10
ncpu = struct.unpack_from("<I", data, data.index(b"options  ") - 4)[0]
cpus = [struct.unpack_from("<QQ", data, table + 16 * c) for c in range(ncpu)]


def survivors(cut):
    """records kept per CPU, and the CPUs that lost data, for a cut at byte cut"""
    kept, lost = [], []
    for c in range(ncpu):
        off, size = cpus[c]
        if cut < table + 16 * (c + 1):	# its entry of the table is cut
            kept.append(0)
            lost.append(c)
            continue
        avail = max(0, min(size, cut - off))
        full, rest = divmod(avail, PAGE)
        part = min(per_page, (rest - 16) // rb) if rest >= 16 else 0
        kept.append(full * per_page + part)
        if avail < size:
            lost.append(c)
    return kept, lost


def expect(cut):
    kept, lost = survivors(cut)
    last = [1000000 + 7 * c + 100 * (kept[c] - 1) for c in lost if kept[c]]
    return sum(kept), {"at_offset": cut, "cpus": lost, "last_ts_ns": max(last) if last else None}


def run(path, *args):
    p = subprocess.run([tv, *args, path], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check_ok(name, cut):
    path = os.path.join(work, "cut-%s.dat" % name)
    open(path, "wb").write(data[:cut])
    rc, out, err = run(path, "--json")
    nrec, trunc = expect(cut)
    if rc != 0:
        return "exit %d: %s" % (rc, err.strip())
    lines = err.splitlines()
    if len(lines) != 1 or "warning: %s is cut short at byte %d " % (path, cut) not in lines[0]:
        return "stderr: %r" % err
    d = json.loads(out)
    if d["records"] != nrec or d["exits"]["total"] != nrec:
        return "records %d, exits %d, expected %d" % (d["records"], d["exits"]["total"], nrec)
    if d["truncated"] != trunc:
        return "truncated %r, expected %r" % (d["truncated"], trunc)
    return None


def check_err(name, cut, want):
    path = os.path.join(work, "cut-%s.dat" % name)
    open(path, "wb").write(data[:cut])
    rc, out, err = run(path)
    if rc != 1 or out or len(err.splitlines()) != 1 or not err.startswith("trace-viewer: "):
        return "exit %d, stdout %d bytes, stderr %r" % (rc, len(out), err)
    if want not in err:
        return "message %r lacks %r" % (err.strip(), want)
    return None


cases_err = [("header", 20), ("header-page", data.index(b"header_page") + 20),
             ("formats", data.index(b"name: kvm_exit")),
             ("options", data.index(b"options  ") + 12), ("flyrecord", fly + 4)]
cases_ok = [("table-start", table), ("table-mid", table + 16 + 5),
            ("table-end", table + 16 * ncpu)]
for c, (off, size) in enumerate(cpus):
    cases_ok += [("cpu%d-start" % c, off), ("cpu%d-page2" % c, off + 2 * PAGE),
                 ("cpu%d-page-header" % c, off + PAGE + 10),
                 ("cpu%d-record-end" % c, off + PAGE + 16 + 7 * rb),
                 ("cpu%d-mid-record" % c, off + PAGE + 16 + 7 * rb + 5),
                 ("cpu%d-page-tail" % c, off + size - PAGE + 16 + per_page * rb + 8),
                 ("cpu%d-last-byte" % c, off + size - 1)]
for name, cut in cases_err:
    why = check_err(name, cut, "corrupt or truncated trace.dat")
    print("FAIL cut-v6-%s: %s" % (name, why) if why else "PASS cut-v6-%s" % name)
for name, cut in cases_ok:
    why = check_ok(name, cut)
    print("FAIL cut-v6-%s: %s" % (name, why) if why else "PASS cut-v6-%s" % name)

# a cut file only libtracecmd could read (here 4-byte longs, byte 2 after the
# version string), which refuses cut files: one line, exit 1
whole = data
lsize = data.index(b"\0", 10) + 2
data = whole[:lsize] + b"\4" + whole[lsize + 1:]
why = check_err("4-byte-longs", cpus[1][0] + PAGE + 100, "can only be read whole")
print("FAIL cut-v6-needs-libtracecmd: %s" % why if why else "PASS cut-v6-needs-libtracecmd")
data = whole

# the whole file: no warning, "truncated": null, every record
rc, out, err = run(src, "--json")
d = json.loads(out) if rc == 0 else {}
ok = rc == 0 and not err and d.get("truncated", 0) is None and \
    d["records"] == ncpu * len(range(0, cpus[0][1], PAGE)) * per_page
print("PASS cut-v6-whole" if ok else "FAIL cut-v6-whole: exit %d %r %r" % (rc, err, d.get("truncated")))

# the schema, on a cut file's JSON; the banner of the HTML report, the text warning
try:
    import jsonschema
    path = os.path.join(work, "cut-cpu1-mid-record.dat")
    jsonschema.validate(json.loads(run(path, "--json")[1]), json.load(open(schema)))
    jsonschema.validate(d, json.load(open(schema)))
    print("PASS cut-v6-schema")
except Exception as x:	# noqa: BLE001
    print("FAIL cut-v6-schema: %s" % str(x).splitlines()[0])
html = os.path.join(work, "cut.html")
cut = cpus[1][0] + PAGE + 16 + 7 * rb + 5
rc, out, err = run(os.path.join(work, "cut-cpu1-mid-record.dat"), "--html", html)
page = open(html).read() if rc == 0 else ""
run(src, "--html", html + ".whole")
ok = 'id="truncated"' in page and "cut short at byte %d " % cut in page and \
    'id="truncated"' not in open(html + ".whole").read()
print("PASS cut-v6-html-banner" if ok else "FAIL cut-v6-html-banner: exit %d %r" % (rc, err))
rc, out, err = run(os.path.join(work, "cut-cpu1-mid-record.dat"))
ok = rc == 0 and "WARNING: the file is cut short at byte %d (2 CPUs lost data)" % cut in out
print("PASS cut-v6-text" if ok else "FAIL cut-v6-text: exit %d %r" % (rc, out[:300]))


def v7_sections(d):
    """(offset, id) of every section of a v7 file, following the options chain"""
    p = d.index(b"\0", 10) + 1 + 2 + 4		# version, endianness, long size, page size
    p = d.index(b"\0", d.index(b"\0", p) + 1) + 1	# compression name and version
    out, nxt = [], struct.unpack_from("<Q", d, p)[0]
    out.append((p, -1))
    while nxt:
        sid, _, _, size = struct.unpack_from("<HHIQ", d, nxt)
        out.append((nxt, sid))
        q, end, nxt = nxt + 16, nxt + 16 + size, 0
        while q < end:
            oid, osz = struct.unpack_from("<HI", d, q)
            if oid == 0:
                nxt = struct.unpack_from("<Q", d, q + 6)[0]
            if 16 <= oid <= 21:	# header page/event, ftrace and event formats, kallsyms, printk, cmdlines
                out.append((struct.unpack_from("<Q", d, q + 6)[0], "opt%d" % oid))
            if oid == 3:	# BUFFER: offset, name, clock, page size, CPUs (cpu, offset, size)
                r = d.index(b"\0", d.index(b"\0", q + 6 + 8) + 1) + 1 + 4
                n = struct.unpack_from("<I", d, r)[0]
                for c in range(n):
                    out.append((struct.unpack_from("<Q", d, r + 4 + 20 * c + 4)[0], "cpu%d" % c))
            q += 6 + osz
    return out


if len(sys.argv) > 7:
    data = open(sys.argv[7], "rb").read()
    rc, out, err = run(sys.argv[7], "--json")
    ok = rc == 0 and not err and json.loads(out)["records"] == sum(survivors(len(open(src, "rb").read()))[0])
    print("PASS cut-v7-whole" if ok else "FAIL cut-v7-whole: exit %d %r" % (rc, err))
    secs = v7_sections(data)
    cuts = [("header", 20, "corrupt or truncated trace.dat")]
    for off, sid in secs:
        what = "map" if sid == 0 and off > max(o for o, s in secs if str(s).startswith("cpu")) else sid
        cuts.append(("section-%s-%d" % (what, off), off + 5, "a v7 file keeps the map of its CPU data"
                     if sid != -1 else "corrupt or truncated trace.dat: first options section"))
        if isinstance(sid, str) and sid.startswith("opt"):	# a section before the options
            cuts[-1] = ("section-%s-%d" % (sid, off), off + 5, "corrupt or truncated trace.dat")
        elif isinstance(sid, str):	# a CPU's data: at its start and in a page
            cuts.append(("%s-page" % sid, off + PAGE + 100, "a v7 file keeps the map of its CPU data"))
    # the strings section (trace-cmd writes it last): no data lost, still a cut
    cuts.append(("last-byte", len(data) - 1, "a v7 file keeps the map of its CPU data"))
    for name, cut, want in cuts:
        why = check_err("v7-" + name, cut, want)
        print("FAIL cut-v7-%s: %s" % (name, why) if why else "PASS cut-v7-%s" % name)
