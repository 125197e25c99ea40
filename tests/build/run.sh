#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build suite: the Makefiles are honest.  In a scratch copy of the
# repository (the worktree is never touched), every C part is built; a
# second make compiles nothing; touching a shared header (the catalog in
# include/kvmla/, the tools' headers) makes a dry run compile exactly the
# objects that include it, by the compiler's own -M lists, not by our
# Makefiles' .d files; and the check fails on a part that tracks no header
# (tests/build/rebuild.py).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/ktest.sh"
kt_suite build

# Tool functions at the kernel half's standard: none in tools/ over 110 lines
# without a "long because:" comment beside it (tests/build/long-functions.py).
# First the checker itself, on a made-up file: it must see a long function.
LF="python3 $here/long-functions.py"
lf=$(mktemp -d /tmp/kvmla-long-fn.XXXXXX)
{ printf 'static int f(int x)\n{\n'; for i in $(seq 1 120); do printf '\tx++;\n'; done
  printf '\treturn x;\n}\n'; } >"$lf/long.c"
{ printf '/* long because: a made-up table */\n'; cat "$lf/long.c"; } >"$lf/reason.c"
if $LF "$lf/long.c" >/dev/null || ! $LF "$lf/reason.c" >/dev/null ||
   [ "$($LF --limit 200 "$lf/long.c"; echo $?)" != 0 ]; then
	kt_fail long-functions-checker "long-functions.py misses a 124-line function or its reason"
else
	kt_pass long-functions-checker
fi
rm -rf "$lf"
if out=$($LF "$top/tools" 2>&1); then
	kt_pass tool-functions-short
else
	kt_fail tool-functions-short "over 110 lines, no 'long because:': $(echo "$out" | sed "s|$top/||" | tr '\n' ' ')"
fi
B=$top/build/build-suite
mkdir -p "$B"
exec 8>"$B/.lock"
flock 8

tree=$("$top/scripts/prepare-kernel.sh" 2>"$B/prepare.log" | tail -n 1)
if [ -z "$tree" ] || [ ! -d "$tree/arch/loongarch" ]; then
	kt_fail setup "scripts/prepare-kernel.sh gave no LoongArch 6.12 tree: $(tail -n 1 "$B/prepare.log")"
	exit 1
fi

# The scratch copy: tracked and new files as they are in the worktree.
S=$(mktemp -d /tmp/kvmla-build-test.XXXXXX)
trap 'rm -rf "$S"' EXIT
if ! (cd "$top" && git ls-files -co --exclude-standard -z |
      xargs -0 -I{} sh -c '[ ! -e "$1" ] || printf "%s\0" "$1"' _ {} |
      tar --null -T - -cf -) | tar -C "$S" -xf -; then
	kt_fail setup "cannot copy the repository to $S"
	exit 1
fi
python3 "$here/rebuild.py" "$S" "$tree"
