#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job (make run): a bundled workload -- the test VMM running several
# VMs and vCPUs with an exit mix that changes every ~2 s -- with the
# kvmstat-la dashboard on it.  In a non-interactive terminal it prints one
# JSON snapshot and exits.  The workload is stopped on every exit path.
#
#   scripts/run.sh [kvmstat-la options...]
#   env: KVMLA_RUN_VMS (3), KVMLA_RUN_VCPUS (2), KVMLA_RUN_NAME (kvmla-demo)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=$top/tools/kvmstat-la/kvmstat-la
V=$top/tests/vmm/kvmla-vmm
vms=${KVMLA_RUN_VMS:-3}
vcpus=${KVMLA_RUN_VCPUS:-2}
name=${KVMLA_RUN_NAME:-kvmla-demo}

die() { echo "make run: $*" >&2; exit 1; }
[ -x "$T" ] || die "tools/kvmstat-la/kvmstat-la is not built (run: make)"
[ -x "$V" ] || die "tests/vmm/kvmla-vmm is not built (run: make)"
[ "$(id -u)" = 0 ] || die "needs root (KVM tracing); try: sudo make run"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || die "needs /dev/kvm"
if ! [ -d /sys/kernel/tracing/events/kvm ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		die "tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing"
fi

log=$(mktemp /tmp/kvmla-run.XXXXXX)
vmm=
starter=
cleanup() {
	[ -n "$starter" ] && kill "$starter" 2>/dev/null
	[ -z "$vmm" ] && [ -s "$log.pid" ] && vmm=$(cat "$log.pid")
	if [ -n "$vmm" ] && kill -0 "$vmm" 2>/dev/null; then
		kill -TERM "$vmm" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$vmm" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$vmm" 2>/dev/null
		wait "$vmm" 2>/dev/null
	fi
	rm -f "$log" "$log.pid" "$log.ready" "$log.err"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

start_workload() {
	# a little userspace work per exit keeps the demo light and the latency visible
	"$V" -m "$vms" -c "$vcpus" -n "$name" --loop --delay-us 20 --json "$log" >/dev/null 2>"$log.err" &
	vmm=$!
	echo "$vmm" >"$log.pid"
	for _ in $(seq 100); do
		n=$(grep -l -- "-name.$name-" /proc/[0-9]*/cmdline 2>/dev/null | wc -l)
		[ "$n" -ge "$vms" ] && break
		kill -0 "$vmm" 2>/dev/null || die "the workload failed: $(cat "$log.err")"
		sleep 0.1
	done
	rm -f "$log.err"
}

if [ -t 1 ] && [ -t 0 ]; then
	# attach first (every kvm:* event takes a few seconds on a busy host),
	# then start the guests: the dashboard finds them by name
	( while ! [ -e "$log.ready" ]; do sleep 0.05; done; start_workload; wait ) &
	starter=$!
	"$T" -g "$name-*" --ready "$log.ready" "$@"
	exit $?
else
	# not a terminal: attach first (the guests are found by name when they
	# appear), then one JSON snapshot of a 3 s interval
	ready=$log.ready
	"$T" --once --json -s 3 -g "$name-*" --ready "$ready" "$@" &
	tool=$!
	while ! [ -e "$ready" ] && kill -0 "$tool" 2>/dev/null; do sleep 0.05; done
	[ -e "$ready" ] && start_workload
	wait "$tool"
	rc=$?
	rm -f "$ready"
	exit $rc
fi
