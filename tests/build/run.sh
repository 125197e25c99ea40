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
