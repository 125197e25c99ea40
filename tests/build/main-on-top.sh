#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# main-on-top.sh MAIN.o OBJ...: a tool's main file sits on top, as in
# libbpf-tools: no other object of the tool uses a symbol MAIN.o defines
# (by nm: MAIN.o's defined globals against each OBJ's undefined ones).
# Prints "OBJ uses SYM of MAIN.o" per use; exit 1 if any, 2 on bad usage.
set -u
[ $# -ge 2 ] || { echo "usage: main-on-top.sh MAIN.o OBJ..." >&2; exit 2; }
main=$1; shift
defs=$(nm -g --defined-only "$main" | awk 'NF == 3 { print $3 }' | sort -u) || exit 2
bad=0
for o in "$@"; do
	[ "$o" -ef "$main" ] && continue
	for s in $(nm -u "$o" | awk '{ print $NF }' | sort -u | comm -12 - <(printf '%s\n' "$defs")); do
		echo "$o uses $s of $main"
		bad=1
	done
done
exit $bad
