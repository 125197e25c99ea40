#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: runs every bench/*.sh (except this file), each printing its
# measurements and ratios against a peer measured in the same run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for b in "$here"/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== bench $(basename "$b" .sh)"
	bash "$b" || rc=1
done
exit $rc
