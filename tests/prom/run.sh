#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kvmstat-la as a service and under a real Prometheus (contrib/): the systemd
# units pass systemd-analyze verify, the logrotate snippet rotates a live CSV
# log, the exporter runs with only the unit's capabilities, promtool accepts
# its metrics, Prometheus scrapes exactly the test VMM's counts, and every
# PromQL of the Grafana dashboard and the recording rules returns data.
# A missing tool is a FAIL naming its package (installed here when root).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/prom
. "$top/tests/lib/ktest.sh"
kt_suite prom
T=$top/tools/kvmstat-la/kvmstat-la
V=$top/tests/vmm/kvmla-vmm
C=$top/contrib
CHECK="python3 $here/check.py"
DASH=$C/grafana/kvmla.json
RULES=$C/prometheus/kvmla.rules.yml
EVS='kvm_(pio|mmio|userspace_exit|fpu)$'
tmp=$(mktemp -d /tmp/kvmla-prom.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

export PATH=$PATH:/usr/sbin:/sbin	# logrotate
# ---- tools: installed when missing (as root), else a FAIL naming the package
need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null && return 0
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" \
			>>"$tmp/apt.log" 2>&1 || { apt-get update -qq >>"$tmp/apt.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" \
				>>"$tmp/apt.log" 2>&1; }
	fi
	command -v "$1" >/dev/null && return 0
	kt_fail "tool-$1" "$1 is missing: apt-get install $2 (scripts/deps.sh test)"
	return 1
}
have_prom=1 have_sd=1 have_lr=1
need prometheus prometheus || have_prom=0
need promtool prometheus || have_prom=0
need systemd-analyze systemd || have_sd=0
need logrotate logrotate || have_lr=0

if ! make -s -C "$top/tools/lib" >"$tmp/build.log" 2>&1 ||
   ! make -s -C "$top/tools/kvmstat-la" >>"$tmp/build.log" 2>&1 ||
   ! make -s -C "$top/tests/vmm" >>"$tmp/build.log" 2>&1; then
	kt_fail build "make failed: $(tail -3 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi

. "$here/units.sh"
[ $have_sd = 1 ] && units_verify
[ $have_prom = 1 ] && rules_and_dashboard
[ $have_lr = 1 ] && logrotate_debug

kt_need_root live || exit 0
kt_need_kvm live || exit 0
kt_need_tracefs live || exit 0
. "$here/live.sh"
live_run
