#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Usage: <this script> KDIR NM MODULE
# Every undefined symbol of MODULE must be exported by the tree KDIR:
# from its Module.symvers when it has one, else from the EXPORT_SYMBOL*
# names in its sources (cached in build/, about 20 s the first time; a
# tracepoint export stands for the tracepoint's symbols, and a name made
# by a macro, "prefix##x", for every name with that prefix).
# Prints the missing names and exits 1 when there are any.
set -eu
kdir=$1 nm=$2 mod=$3
top=$(cd "$(dirname "$0")/.." && pwd)

prefixes=/dev/null
if [ -f "$kdir/Module.symvers" ]; then
	exports=$(mktemp)
	trap 'rm -f "$exports"' EXIT
	awk '{ print $2 }' "$kdir/Module.symvers" | sort -u >"$exports"
else
	key=$(printf '%s' "$(cd "$kdir" && pwd)" | md5sum | cut -c1-12)
	exports=$top/build/kernel-exports-v2-$key.txt
	prefixes=$exports.prefixes
	if [ ! -s "$exports" ] || [ "$kdir/Makefile" -nt "$exports" ]; then
		mkdir -p "$top/build"
		echo "symcheck: indexing EXPORT_SYMBOL* names of $kdir" >&2
		grep -rhoE --include='*.[chS]' \
			'EXPORT_(TRACEPOINT_)?SYMBOL(_GPL|_NS|_NS_GPL)?\([A-Za-z0-9_#]+' \
			"$kdir" 2>/dev/null | sort -u >"$exports.raw"
		# A tracepoint export covers the symbols of the tracepoint;
		# "name##x" (exports made by a macro) covers a name prefix.
		awk -F'(' '
			$2 ~ /##/ { next }
			$1 ~ /TRACEPOINT/ {
				print "__tracepoint_" $2; print "__traceiter_" $2
				print "__SCK__tp_func_" $2; print "__SCT__tp_func_" $2
				next
			}
			{ print $2 }' "$exports.raw" | sort -u >"$exports.tmp"
		awk -F'(' '$2 ~ /##/ { sub(/##.*/, "", $2)
			if (length($2) >= 4 && $2 !~ /^(_+|__trace(iter|point)_)$/) print $2 }' \
			"$exports.raw" | sort -u >"$prefixes.tmp"
		rm -f "$exports.raw"
		mv "$prefixes.tmp" "$prefixes"
		mv "$exports.tmp" "$exports"
	fi
fi

missing=$("$nm" -u "$mod" | awk '{ print $NF }' | sort -u |
	  comm -23 - "$exports" |
	  grep -vxE 'param_ops_[a-z]+|bpf_trace_run[0-9]+' || true)	# exported by macros
if [ -n "$missing" ]; then
	echo "symcheck: $mod uses symbols $kdir does not export:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "symcheck: every undefined symbol of $mod is exported by the tree"
