# SPDX-License-Identifier: GPL-2.0
# kvmstat-la TUI in tmux (sourced by run.sh): every key through send-keys,
# the screen checked with capture-pane.
tui_case() {
	command -v tmux >/dev/null || { kt_fail tui "tmux is not installed (scripts/deps.sh test)"; return; }
	local name=ks$$tui s=ks$$
	start_vmm "$name" 0 -m 2 -c 2 --loop --delay-us 20 || { kt_fail tui "VMM did not start"; return; }
	tmux new-session -d -s "$s" -x 150 -y 45 \
		"'$T' -g '$name-*' -s 0.5 -f '$EVS'; echo kvmstat-la-exited-\$?; sleep 30"
	pane() { tmux capture-pane -p -t "$s"; }
	# key KEYS WANT-REGEX [WAIT]: send, wait, expect
	local bad=""
	key() {
		tmux send-keys -t "$s" "$1"
		sleep "${3:-0.9}"
		pane >"$tmp/pane"
		if ! grep -Eq -- "$2" "$tmp/pane"; then
			bad="$bad [$1: no /$2/]"
			cp "$tmp/pane" "$tmp/pane.bad"
		fi
	}
	sleep 2
	pane >"$tmp/pane"
	grep -q "kvmstat-la - guest $name-\*" "$tmp/pane" && grep -q "^kvm_pio " "$tmp/pane" &&
		grep -Eq "Event +Total +%Total +CurAvg/s" "$tmp/pane" || bad="$bad [start screen]"
	# the dashboard shows latency: auto picked BPF, and the header says why
	grep -q "provider bpf (auto: latency)" "$tmp/pane" || bad="$bad [no 'provider bpf (auto: latency)' in the header]"
	key x 'kvm_pio\(write\)'
	key x '^kvm_userspace_exit '
	grep -q 'kvm_pio(write)' "$tmp/pane" && bad="$bad [x did not hide children]"
	key b "^$name-0 +[0-9]+ "
	key b '^Event'
	key v 'VM.*PID'
	key v "VM +vCPU"
	grep -Eq "^$name-1 +1 +[0-9]+" "$tmp/pane" || bad="$bad [vCPU rows]"
	key v '^Event'
	key o 'Totalv'
	key o 'CurAvg/sv'
	key 1 'Event\^'
	key 1 'Eventv'
	key '>' '^Event .*Totalv'
	key '<' 'Eventv'
	key 7 'p99v'
	key f 'Show events matching regex'
	key 'kvm_pio$' 'regex' 0.3
	tmux send-keys -t "$s" Enter; sleep 0.9; pane >"$tmp/pane"
	grep -q 'regex filter: kvm_pio\$' "$tmp/pane" && grep -q '^kvm_pio ' "$tmp/pane" &&
		! grep -q '^kvm_mmio ' "$tmp/pane" || bad="$bad [f filter]"
	key c 'filters cleared'
	grep -q 'kvmstat-la - summary' "$tmp/pane" || bad="$bad [c: header]"
	local p1; p1=$(vm_pid "$name-1")
	key p 'Show guest with PID'
	grep -q "$p1  $name-1" "$tmp/pane" || bad="$bad [p: guest list]"
	tmux send-keys -t "$s" "$p1" Enter; sleep 0.9; pane >"$tmp/pane"
	grep -q "kvmstat-la - pid $p1" "$tmp/pane" || bad="$bad [p: header]"
	key b "^$name-1 +$p1 "
	grep -q "^$name-0 " "$tmp/pane" && bad="$bad [p: other VM shown]"
	key b '^Event'
	key g 'Show guest whose name matches'
	tmux send-keys -t "$s" "$name-0" Enter; sleep 0.9; pane >"$tmp/pane"
	grep -q "kvmstat-la - guest $name-0" "$tmp/pane" || bad="$bad [g: header]"
	key r 'counts reset'
	key s 'Set delay'
	tmux send-keys -t "$s" "0.3" Enter; sleep 0.9; pane >"$tmp/pane"
	grep -q ', 0.3 s\]' "$tmp/pane" || bad="$bad [s: delay]"
	key s 'Set delay'
	tmux send-keys -t "$s" "99" Enter; sleep 0.6; pane >"$tmp/pane"
	grep -q 'not a delay between' "$tmp/pane" || bad="$bad [s: bad delay]"
	key h 'interactive commands'
	key z '^Event'
	key ' ' '^Event'
	# the guest dies: DEAD, no crash; then it comes back under the same name
	kill -KILL "$(vm_pid "$name-0")"
	sleep 1.2; pane >"$tmp/pane"
	grep -q 'Guest is DEAD' "$tmp/pane" || bad="$bad [dead guest not shown]"
	local v2pid
	"$V" -n "$name" -m 1 -c 1 --loop --json /dev/null >/dev/null 2>&1 &
	v2pid=$!
	pids+=("$v2pid")
	sleep 1.5
	key b "^$name-0 +[0-9]+ "
	local np; np=$(vm_pid "$name-0")
	grep -Eq "^$name-0 +$np " "$tmp/pane" || bad="$bad [guest not re-found by name]"
	grep -q 'Guest is DEAD' "$tmp/pane" && bad="$bad [still DEAD after return]"
	key q 'kvmstat-la-exited-0' 1.0
	kill -INT "$v2pid" "$vmm_pid" 2>/dev/null
	wait "$v2pid" "$vmm_pid" 2>/dev/null
	tmux kill-session -t "$s" 2>/dev/null
	[ -z "$bad" ] && kt_pass tui-keys || kt_fail tui-keys "$bad"
}
tui_case

# --keep-dead in the dashboard: a short VMM's VM is listed while it runs,
# (DEAD) once it exited, then retired: gone from the VMs view, whose
# "(1 retired)" row has the VMM's kvm_pio count (io_out + io_in)
tui_retire_case() {
	command -v tmux >/dev/null || { kt_fail tui-retired "tmux is not installed (scripts/deps.sh test)"; return; }
	local name=ks$$tr s=ks$$tr bad="" want
	rm -f "$tmp/ready"
	tmux new-session -d -s "$s" -x 150 -y 30 \
		"'$T' -g '$name-*' -s 0.2 --keep-dead 3 --provider perf -f 'kvm_pio\$' --ready '$tmp/ready'; sleep 30"
	for _ in $(seq 200); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
	tmux send-keys -t "$s" b
	"$V" -n "$name" -m 1 -c 1 --start-delay 600 --pio-out 31 --pio-in 12 --hold 600 \
		--json "$tmp/tr.vmm.json" >/dev/null 2>&1 || bad="$bad [VMM failed]"
	sleep 0.6
	tmux capture-pane -p -t "$s" >"$tmp/pane.tr1"
	grep -Eq "^$name-0 \(DEAD\) +[0-9]+ +43 " "$tmp/pane.tr1" || bad="$bad [no '$name-0 (DEAD) PID 43' row]"
	sleep 3.5
	tmux capture-pane -p -t "$s" >"$tmp/pane.tr2"
	tmux kill-session -t "$s" 2>/dev/null
	want=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(t["io_out"] + t["io_in"])' "$tmp/tr.vmm.json")
	grep -q "^$name-0" "$tmp/pane.tr2" && bad="$bad [retired VM still listed]"
	grep -Eq "^\(1 retired\) +- +$want " "$tmp/pane.tr2" || bad="$bad [no '(1 retired) - $want' row]"
	[ -z "$bad" ] && kt_pass tui-retired || kt_fail tui-retired "$bad"
}
tui_retire_case

# Out of memory while the TUI is up: the terminal is restored (curses left:
# no alternate screen, cursor shown, cooked mode with echo) before the one
# line "kvmstat-la: out of memory", exit 1.  KVMLA_TEST_ALLOC_FAIL=40 fails
# an allocation of a later refresh (three per frame at -s 0.1); the raw
# output proves a frame was drawn before curses was left.
tui_oom_case() {
	command -v tmux >/dev/null || { kt_fail tui-out-of-memory "tmux is not installed (scripts/deps.sh test)"; return; }
	local s=ks$$oom bad="" raw=$tmp/oom.raw modes
	tmux new-session -d -s "$s" -x 120 -y 40 \
		"sleep 0.5; KVMLA_TEST_ALLOC_FAIL=40 '$T' -s 0.1 -f kvm_exit -g 'ks$$-none-*'; echo kvmstat-la-exited-\$?; stty -a; sleep 30"
	tmux pipe-pane -t "$s" -o "cat >'$raw'"
	for _ in $(seq 1 60); do
		tmux capture-pane -p -t "$s" | grep -q kvmstat-la-exited && break
		sleep 0.5
	done
	tmux capture-pane -p -t "$s" >"$tmp/pane"
	modes=$(tmux display -p -t "$s" '#{alternate_on} #{cursor_flag}')
	tmux kill-session -t "$s" 2>/dev/null
	grep -q '^kvmstat-la-exited-1$' "$tmp/pane" || bad="$bad [exit status: $(grep -o 'exited-[0-9]*' "$tmp/pane")]"
	grep -q '^kvmstat-la: out of memory$' "$tmp/pane" ||
		bad="$bad [no out-of-memory line]"
	[ "$modes" = "0 1" ] || bad="$bad [alternate screen, cursor: $modes]"
	grep -Eq '(^| )icanon( |;|$)' "$tmp/pane" && grep -Eq '(^| )echo( |;|$)' "$tmp/pane" ||
		bad="$bad [tty not cooked: $(grep -Eo -- '-?(icanon|echo) ' "$tmp/pane" | tr '\n' ' ')]"
	python3 - "$raw" <<'PY' || bad="$bad [raw output: no frame, or curses left after the message]"
import sys
d = open(sys.argv[1], "rb").read()
enter, frame = d.rfind(b"\x1b[?1049h"), d.find(b"kvmstat-la - ")
leave, msg = d.rfind(b"\x1b[?1049l"), d.find(b"kvmstat-la: out of memory")
sys.exit(0 if 0 <= enter < frame < leave < msg else 1)
PY
	[ -z "$bad" ] && kt_pass tui-out-of-memory || kt_fail tui-out-of-memory "$bad"
}
tui_oom_case
