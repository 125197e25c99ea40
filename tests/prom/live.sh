# SPDX-License-Identifier: GPL-2.0
# tests/prom, part 2 (sourced by run.sh): one test VMM run watched by the
# exporter unit (scraped by a real Prometheus) and the log unit (rotated by
# logrotate), each started from its unit file as systemd would, sandboxed.

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The unit's CapabilityBoundingSet for setpriv: +bpf,+perfmon,... (minus $2)
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$1" | tr ' ' '\n' | grep -v "^${2:-none}\$" |
		sed 's/^CAP_//' | tr 'A-Z' 'a-z' | sed 's/^/+/' | paste -sd,
}

# sandboxed UNIT ENVFILE [DROP-CAP]: run the unit's ExecStart as systemd would,
# approximated: root with only the unit's capabilities (no new privileges), a
# private mount namespace where / (ProtectSystem=strict), /sys and tracefs
# (ProtectKernelTunables=) are read-only but $tmp/rw (ReadWritePaths=) and,
# for the log unit, /var/log/kvmstat-la (LogsDirectory=, here $tmp/log) are not.
# The process keeps its pid through the execs: SB_PID is kvmstat-la's (MAINPID).
sandboxed() {
	local unit=$1 env=$2 caps argv=()
	SB_PID=""
	caps=$(unit_caps "$unit" "${3:-none}")
	mapfile -t argv < <($CHECK exec "$unit" "$env" ExecStart)
	argv[0]=$T	# /usr/sbin/kvmstat-la: the freshly built one
	grep -qx 'ProtectSystem=strict' "$unit" && grep -qx 'NoNewPrivileges=yes' "$unit" || {
		echo "$unit: not ProtectSystem=strict with NoNewPrivileges=yes"; return 1; }
	unshare -m sh -c '
		tmp=$0 caps=$1; shift
		mount -t tmpfs none /var/log && mkdir /var/log/kvmstat-la &&
			mount --bind "$tmp/log" /var/log/kvmstat-la &&
			mount --bind "$tmp/rw" "$tmp/rw" &&
			mount -o remount,bind,ro / && mount -o remount,bind,ro /sys &&
			mount -o remount,bind,ro /sys/kernel/tracing || exit 99
		exec setpriv --bounding-set=-all,"$caps" --no-new-privs -- "$@"' "$tmp" "$caps" "${argv[@]}" &
	SB_PID=$!
	pids+=($SB_PID)
}

prom_start() {
	cat >"$tmp/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  scrape_timeout: 900ms
	  evaluation_interval: 1s
	rule_files: ["$RULES"]
	scrape_configs:
	  - job_name: kvmla
	    static_configs:
	      - targets: ["127.0.0.1:$eport"]
	EOF
	prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
		--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$tmp/prom.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 150); do
		curl -sf "$P/-/ready" >/dev/null && return 0
		sleep 0.2
	done
	return 1
}

until_ms() { # sleep until $1 ms after the VMM started
	while [ $(( ($(date +%s%N) - vmm_t0) / 1000000 )) -lt "$1" ]; do sleep 0.05; done
}

live_run() {
	[ $have_prom = 1 ] || return
	local name=kp$$ sd=8000 why lp ep
	pport=$(free_port) eport=$(free_port)
	P=http://127.0.0.1:$pport
	mkdir -p "$tmp/rw" "$tmp/log"
	prom_start || { kt_fail prometheus-start "not ready in 30 s: $(tail -3 "$tmp/prom.log")"; return; }
	kt_pass prometheus-start
	# what /etc/default/kvmstat-la would say; the selection keeps other suites' guests out
	cat >"$tmp/default" <<-EOF
	KVMSTAT_LA_LISTEN=127.0.0.1:$eport
	KVMSTAT_LA_EXPORTER_INTERVAL=0.2
	KVMSTAT_LA_EXPORTER_OPTS=-g $name-* -f $EVS --ready $tmp/rw/exporter.ready
	KVMSTAT_LA_INTERVAL=0.3
	KVMSTAT_LA_LOG_OPTS=-g $name-* -f $EVS --ready $tmp/rw/log.ready
	EOF
	"$V" -n "$name" -m 2 -c 2 --start-delay $sd --pio-out 2000 --pio-in 800 --mmio-write 300 \
		--mmio-read 200 --hlt 50 --cpuid 30 --delay-us 800 --hold 1500 \
		--json "$tmp/vmm.json" >"$tmp/vmm.out" 2>&1 &
	local vp=$!
	pids+=($vp)
	vmm_t0=$(date +%s%N)
	sandboxed "$C/systemd/kvmstat-la-exporter.service" "$tmp/default" 2>"$tmp/exporter.err"
	ep=$SB_PID
	sandboxed "$C/systemd/kvmstat-la.service" "$tmp/default" 2>"$tmp/log.err"
	lp=$SB_PID
	[ -n "$ep" ] && [ -n "$lp" ] || { kt_fail sandboxed-units "$(cat "$tmp/exporter.err" "$tmp/log.err")"; wait $vp; return; }
	for _ in $(seq 300); do
		[ -e "$tmp/rw/exporter.ready" ] && [ -e "$tmp/rw/log.ready" ] && break
		sleep 0.05
	done
	if [ $(( ($(date +%s%N) - vmm_t0) / 1000000 )) -ge $sd ]; then
		kt_fail sandboxed-units "not both ready before the guests ran: $(head -c 200 "$tmp/exporter.err" "$tmp/log.err")"
		wait $vp; return
	fi
	kt_pass sandboxed-units
	# logrotate mid-run, its postrotate being the unit's reload (no systemd here)
	until_ms $((sd + 1200))
	echo "MAINPID=$lp" >"$tmp/mainpid"
	local reload; reload=$($CHECK exec "$C/systemd/kvmstat-la.service" "$tmp/mainpid" ExecReload | paste -sd' ')
	sed "s|systemctl reload kvmstat-la.service|$reload|" "$C/logrotate/kvmstat-la" >"$tmp/logrotate.conf"
	nsenter --mount="/proc/$lp/ns/mnt" -- logrotate -f -s "$tmp/rw/lr.state" "$tmp/logrotate.conf" \
		>"$tmp/lr.out" 2>&1 || kt_fail logrotate-live "logrotate failed: $(head -c 200 "$tmp/lr.out")"
	wait $vp || { kt_fail prometheus-exact "VMM failed: $(tail -1 "$tmp/vmm.out")"; return; }
	local t_end; t_end=$(date +%s.%N)
	# a scrape that began after the VMM's last exit plus a refresh
	t_end=$(python3 -c "print($t_end + 0.5)")
	for _ in $(seq 60); do $CHECK scraped "$P" "$t_end" >/dev/null && break; sleep 0.25; done
	why=$($CHECK scraped "$P" "$t_end") || { kt_fail prometheus-exact "$why"; return; }
	why=$($CHECK exact "$P" "$tmp/vmm.json") && kt_pass prometheus-exact || kt_fail prometheus-exact "$why"
	why=$($CHECK panels "$P" "$DASH" 1m) && kt_pass grafana-panels-have-data || kt_fail grafana-panels-have-data "$why"
	why=$($CHECK vmvar "$P" "$DASH" "$tmp/vmm.json") && kt_pass grafana-vm-variable ||
		kt_fail grafana-vm-variable "$why"
	for _ in $(seq 20); do $CHECK rules "$P" "$RULES" >/dev/null && break; sleep 0.5; done
	why=$($CHECK rules "$P" "$RULES") && kt_pass recording-rules-have-data || kt_fail recording-rules-have-data "$why"
	promtool_case
	kill -TERM $lp; wait $lp; local rc=$?
	kill -TERM $ep; wait $ep
	log_check $rc
	caps_case
}

# promtool check metrics on the endpoint's text format (no Accept header, as
# curl asks); and promtool does reject an OpenMetrics-style family
promtool_case() {
	local out
	curl -sf "127.0.0.1:$eport/metrics" >"$tmp/metrics.txt" || { kt_fail promtool-check-metrics "no /metrics"; return; }
	if ! grep -q '^kvmstat_la_exit_latency_seconds_bucket{' "$tmp/metrics.txt"; then
		kt_fail promtool-check-metrics "no latency histogram in the page"
	elif out=$(promtool check metrics <"$tmp/metrics.txt" 2>&1); then
		printf '# TYPE x counter\n# HELP x y\nx_total 1\n' | promtool check metrics >/dev/null 2>&1 &&
			kt_fail promtool-check-metrics "promtool accepts a family without _total: the check cannot fail" ||
			kt_pass promtool-check-metrics
	else kt_fail promtool-check-metrics "$(echo $out | head -c 300)"; fi
}

# the CSV log across the rotation: the kvm_pio column sums to the VMM's exits
log_check() {
	local why
	if [ "$1" != 0 ]; then kt_fail logrotate-live "the log unit exited $1: $(head -c 200 "$tmp/log.err")"; return; fi
	[ -s "$tmp/log/kvmstat-la.csv.1" ] && [ -s "$tmp/log/kvmstat-la.csv" ] ||
		{ kt_fail logrotate-live "not rotated: $(ls "$tmp/log") $(head -c 200 "$tmp/lr.out")"; return; }
	why=$(python3 "$top/tests/tools/kvmstat-la/check.py" csv "$tmp/vmm.json" kvm_pio "io_out+io_in" \
		"$tmp/log/kvmstat-la.csv.1" "$tmp/log/kvmstat-la.csv") && kt_pass logrotate-live ||
		kt_fail logrotate-live "$why"
}

# the sandbox does restrict: the exporter unit without CAP_PERFMON cannot load
caps_case() {
	local rc=running
	sandboxed "$C/systemd/kvmstat-la-exporter.service" "$tmp/default" CAP_PERFMON \
		>/dev/null 2>"$tmp/nocap.err"
	for _ in $(seq 100); do
		kill -0 "$SB_PID" 2>/dev/null || { wait "$SB_PID"; rc=$?; break; }
		sleep 0.1
	done
	[ "$rc" = running ] && kill -TERM "$SB_PID"
	if [ $rc = 1 ] && grep -q "cannot load BPF programs" "$tmp/nocap.err"; then
		kt_pass unit-caps-needed
	else kt_fail unit-caps-needed "rc=$rc without CAP_PERFMON: $(head -c 200 "$tmp/nocap.err")"; fi
}
