# SPDX-License-Identifier: GPL-2.0
# tests/prom, part 1 (sourced by run.sh): checks that need no KVM.

# systemd-analyze verify needs each ExecStart binary at its path: the units are
# checked unchanged, in a private mount namespace whose /usr/sbin is an overlay
# holding the freshly built kvmstat-la (the host's /usr/sbin is not written); the
# man page of Documentation= comes from docs/man.  Any warning is a failure.
sd_verify() { # sd_verify WITH-BINARY(0|1) UNIT...
	local with=$1; shift
	rm -rf "$tmp/sd" && mkdir -p "$tmp/sd/up" "$tmp/sd/work" "$tmp/sd/man/man8"
	cp "$top/docs/man/kvmstat-la.8" "$tmp/sd/man/man8/"
	unshare -m sh -c '
		mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=$1/up,workdir=$1/work" /usr/sbin || exit 99
		rm -f /usr/sbin/kvmstat-la	# an installed one, hidden (a whiteout in the overlay)
		[ "$2" = 1 ] && cp "$3" /usr/sbin/kvmstat-la
		shift 3
		MANPATH=$0/man systemd-analyze verify "$@" 2>&1' "$tmp/sd" "$tmp/sd" "$with" "$T" "$@"
}
units_verify() {
	local u out rc
	for u in kvmstat-la kvmstat-la-exporter; do
		out=$(sd_verify 1 "$C/systemd/$u.service"); rc=$?
		if [ $rc = 99 ]; then kt_fail "systemd-verify-$u" "cannot mount an overlay on /usr/sbin (unshare -m)"
		elif [ $rc = 0 ] && [ -z "$out" ]; then kt_pass "systemd-verify-$u"
		else kt_fail "systemd-verify-$u" "rc=$rc: $(echo $out | head -c 300)"; fi
	done
	# the check can fail: without the binary, and with a misspelt key
	out=$(sd_verify 0 "$C/systemd/kvmstat-la-exporter.service")
	sed 's/^ProtectHome=/ProtectHom=/' "$C/systemd/kvmstat-la.service" >"$tmp/typo.service"
	local out2; out2=$(sd_verify 1 "$tmp/typo.service")
	if [[ $out == *"/usr/sbin/kvmstat-la is not executable"* ]] && [[ $out2 == *"Unknown key"* ]]; then
		kt_pass systemd-verify-catches-errors
	else kt_fail systemd-verify-catches-errors "no binary: '$out'; typo: '$out2'"; fi
}

# logrotate -d (debug: nothing is done) parses the snippet and would rotate
# the CSV log, sending the reload in postrotate
logrotate_debug() {
	local out
	out=$(logrotate -d -s "$tmp/lr.state" "$C/logrotate/kvmstat-la" 2>&1); local rc=$?
	if [ $rc = 0 ] && grep -q "rotating pattern: /var/log/kvmstat-la/kvmstat-la.csv" <<<"$out" &&
	   ! grep -qi "error" <<<"$out" && grep -q "systemctl reload kvmstat-la.service" "$C/logrotate/kvmstat-la"; then
		kt_pass logrotate-debug
	else kt_fail logrotate-debug "rc=$rc: $(grep -i -m2 'error\|pattern' <<<"$out")"; fi
}

# promtool on the recording rules; the dashboard's JSON model
rules_and_dashboard() {
	local out
	out=$(promtool check rules "$RULES" 2>&1) && kt_pass promtool-check-rules ||
		kt_fail promtool-check-rules "$(echo $out | head -c 300)"
	out=$($CHECK dashboard "$DASH") && kt_pass grafana-dashboard-model || kt_fail grafana-dashboard-model "$out"
}
