#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""List C functions longer than a limit that carry no written reason.

Usage: long-functions.py [--limit N] [--all] DIR...

A function is a top-level definition in kernel style: its head starts in
column 0 and its body opens with "{" alone in column 0 and closes with "}"
in column 0.  Its length counts the lines from the first line of its head to
the closing brace.  A function over the limit (default 110) passes only when
a comment holding "long because:" sits in the comment block just above it or
inside its body.  Prints one "FILE:LINE NAME LENGTH" line per offender (every
function over the limit with --all) and exits 1 if there is any.
"""
import os
import re
import sys

NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def functions(path):
    """Yield (name, head line, length, has_reason) for each definition."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] != "{":
            i += 1
            continue
        # the head: walk back over the lines of the signature (non-blank,
        # not a comment end, not a closing brace or preprocessor line)
        h = i - 1
        while h > 0 and lines[h - 1].strip() and not lines[h - 1].startswith(("}", "#")) \
                and not lines[h - 1].rstrip().endswith(("*/", ";")) and not lines[h].startswith(
                    tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")):
            h -= 1
        head = " ".join(lines[h:i])
        m = None
        for m in NAME.finditer(head.split("(")[0] + "(") if "(" in head else []:
            pass
        end = i + 1
        while end < len(lines) and lines[end] != "}" and not lines[end].startswith("};"):
            end += 1
        if not m or "=" in head.split("(")[0]:
            i = end + 1
            continue
        # the comment block just above the head
        above = []
        k = h - 1
        while k >= 0 and (lines[k].lstrip().startswith(("/*", "*", "//"))):
            above.append(lines[k])
            k -= 1
        body = lines[h:end + 1]
        reason = any("long because:" in l for l in above + body)
        yield m.group(1), h + 1, end - h + 1, reason
        i = end + 1


def main(argv):
    limit, show_all, dirs = 110, False, []
    it = iter(argv)
    for a in it:
        if a == "--limit":
            limit = int(next(it))
        elif a == "--all":
            show_all = True
        else:
            dirs.append(a)
    if not dirs:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    bad = 0
    for d in dirs:
        paths = [d] if os.path.isfile(d) else sorted(
            os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if f.endswith(".c"))
        for p in paths:
            for name, line, n, reason in functions(p):
                if n <= limit:
                    continue
                if show_all or not reason:
                    print("%s:%d %s %d%s" % (p, line, name, n, " (long because: given)" if reason else ""))
                if not reason:
                    bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
