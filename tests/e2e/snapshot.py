#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rebuild the tracefs snapshot the e2e host's /init sent over the console.

    tests/e2e/snapshot.py NAME.e2e DIR

NAME.e2e holds the init's "E2E-SNAP: PATH OFFSET LEN BASE64" lines (bytes
of PATH at OFFSET, in order, at most 48 a line) and "E2E-SNAP-SIZE: PATH
SIZE" lines (the file's length; bytes never sent are zero, a raw page's
unused tail).  DIR gets the files under their tracefs paths
(events/header_page, events/kvm/<event>/format, per_cpu/cpuN/trace_pipe_raw,
...), the layout `trace-viewer import` reads.  A missing, repeated or
garbled line (a kernel message printed into it) is an error: one line on
stderr, exit 1, and DIR is not written.
"""
import base64
import binascii
import os
import sys


def fail(msg):
    print("snapshot: " + msg, file=sys.stderr)
    sys.exit(1)


def parse(path):
    files = {}      # path -> {"data": bytearray, "next": expected offset, "size": int}
    try:
        lines = open(path, "rb").read().decode("ascii", "replace").splitlines()
    except OSError as e:
        fail("%s: %s" % (path, e.strerror))
    for no, line in enumerate(lines, 1):
        if line.startswith("E2E-SNAP: "):
            parts = line[len("E2E-SNAP: "):].split(" ")
            if len(parts) != 4:
                fail("%s:%d: garbled E2E-SNAP line" % (path, no))
            rel, off, ln, b64 = parts
            try:
                off, ln = int(off), int(ln)
                data = base64.b64decode(b64, validate=True)
            except (ValueError, binascii.Error):
                fail("%s:%d: garbled E2E-SNAP line" % (path, no))
            if len(data) != ln:
                fail("%s:%d: %s: %d bytes decoded, the line says %d" % (path, no, rel, len(data), ln))
            f = files.setdefault(rel, {"data": bytearray(), "next": 0, "size": None})
            if f["size"] is not None:
                fail("%s:%d: %s: bytes after its E2E-SNAP-SIZE line" % (path, no, rel))
            if off < f["next"]:
                fail("%s:%d: %s: offset %d goes back (expected %d or more)" % (path, no, rel, off, f["next"]))
            if off > len(f["data"]):
                f["data"].extend(bytes(off - len(f["data"])))
            f["data"][off:off + ln] = data
            f["next"] = off + ln
        elif line.startswith("E2E-SNAP-SIZE: "):
            parts = line[len("E2E-SNAP-SIZE: "):].split(" ")
            if len(parts) != 2 or not parts[1].isdigit():
                fail("%s:%d: garbled E2E-SNAP-SIZE line" % (path, no))
            rel, size = parts[0], int(parts[1])
            f = files.setdefault(rel, {"data": bytearray(), "next": 0, "size": None})
            if f["size"] is not None:
                fail("%s:%d: %s: a second E2E-SNAP-SIZE line" % (path, no, rel))
            if f["next"] > size:
                fail("%s:%d: %s: %d bytes sent, the size says %d" % (path, no, rel, f["next"], size))
            f["data"].extend(bytes(size - len(f["data"])))
            f["size"] = size
    if not files:
        fail("%s: no E2E-SNAP lines (was the host booted with kvmla.snap=1?)" % path)
    for rel, f in files.items():
        if f["size"] is None:
            fail("%s: %s: no E2E-SNAP-SIZE line (the snapshot was cut off)" % (path, rel))
        if rel.startswith("/") or ".." in rel.split("/"):
            fail("%s: %s: not a path under the tracefs root" % (path, rel))
    for need in ("events/header_page", "events/header_event"):
        if need not in files:
            fail("%s: the snapshot has no %s" % (path, need))
    return files


def main():
    if len(sys.argv) != 3:
        print("usage: tests/e2e/snapshot.py NAME.e2e DIR", file=sys.stderr)
        sys.exit(2)
    files = parse(sys.argv[1])
    out = sys.argv[2]
    for rel, f in sorted(files.items()):
        dst = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as fh:
            fh.write(bytes(f["data"]))


if __name__ == "__main__":
    main()
