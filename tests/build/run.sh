#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build suite: the Makefiles are honest.  In a scratch copy of the
# repository (the worktree is never touched), every C part is built; a
# second make compiles nothing; touching a shared header (the catalog in
# include/kvmla/, the tools' headers) makes a dry run compile exactly the
# objects that include it, by the compiler's own -M lists, not by our
# Makefiles' .d files; and the check fails on a part that tracks no header
# (tests/build/rebuild.py).  Each tool's main file sits on top: no other
# object uses a symbol it defines (tests/build/main-on-top.sh).
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
rc=$?

# Each tool's main file sits on top (libbpf-tools): no other object of the
# tool uses a symbol it defines (tests/build/main-on-top.sh, by nm).  First
# the checker, on two made-up objects where the second calls into main's.
MOT="bash $here/main-on-top.sh"
printf 'int helper(void) { return 1; }\nint main(void) { return 0; }\n' >"$S/mot-main.c"
printf 'int helper(void);\nint user(void) { return helper(); }\n' >"$S/mot-user.c"
if ! cc -c -o "$S/mot-main.o" "$S/mot-main.c" || ! cc -c -o "$S/mot-user.o" "$S/mot-user.c"; then
	kt_fail main-on-top-checker "cannot compile the made-up objects"
elif $MOT "$S/mot-main.o" "$S/mot-user.o" >/dev/null || ! $MOT "$S/mot-main.o" "$S/mot-main.o" >/dev/null; then
	kt_fail main-on-top-checker "main-on-top.sh misses a call into main's file, or sees one in main alone"
else
	kt_pass main-on-top-checker
fi
for t in kvmstat-la/build/kvmstat-la.o trace-viewer/trace-viewer.o; do
	main=$S/tools/$t
	if [ ! -f "$main" ]; then
		kt_fail "main-on-top/${t%%/*}" "no $t in the built copy"
	elif out=$($MOT "$main" "$(dirname "$main")"/*.o); then
		kt_pass "main-on-top/${t%%/*}"
	else
		kt_fail "main-on-top/${t%%/*}" "$(echo "$out" | sed "s|$S/||g" | tr '\n' ' ')"
	fi
done
[ $rc = 0 ] && [ $KT_FAILED = 0 ]
