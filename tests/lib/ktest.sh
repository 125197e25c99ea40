# SPDX-License-Identifier: GPL-2.0
# ktest for shell suites: the same PASS/FAIL/SKIP lines as tests/lib/ktest.h.
#   . tests/lib/ktest.sh; kt_suite mysuite
#   kt_pass case; kt_fail case "why"; kt_skip case "why"
#   kt_need_root case || return   (prints SKIP when not root)
kt_suite() { KT_SUITE=$1; KT_FAILED=0; }
kt_pass() { echo "PASS: $KT_SUITE/$1"; }
kt_fail() { echo "FAIL: $KT_SUITE/$1: $2"; KT_FAILED=1; }
kt_skip() { echo "SKIP: $KT_SUITE/$1: $2"; }
kt_check() { # kt_check case "why" cmd... : PASS when cmd succeeds
	local c=$1 why=$2; shift 2
	if "$@"; then kt_pass "$c"; else kt_fail "$c" "$why"; fi
}
# kt_bug_report case FILE: FILE (a --help output) ends with the line
# 'Report bugs: see README.md ... section "S".' and README.md has "## S"
kt_bug_report() {
	local c=$1 f=$2 last sec readme
	readme="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/README.md"
	last=$(grep -v '^[[:space:]]*$' "$f" | tail -n 1)
	sec=$(sed -n 's/^Report bugs: see README\.md[^"]*section "\([^"]*\)"\.$/\1/p' <<<"$last")
	if [ -z "$sec" ]; then
		kt_fail "$c" "last line of --help is not 'Report bugs: see README.md ... section \"...\".': '$last'"
	elif ! grep -qxF "## $sec" "$readme"; then
		kt_fail "$c" "--help names section '$sec', README.md has no '## $sec'"
	else
		kt_pass "$c"
	fi
}
kt_need_root() {
	[ "$(id -u)" = 0 ] && return 0
	kt_skip "$1" "needs root"; return 1
}
kt_need_kvm() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && return 0
	kt_skip "$1" "needs /dev/kvm"; return 1
}
kt_need_tracefs() {
	[ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] && return 0
	kt_skip "$1" "needs tracefs with kvm events (/sys/kernel/tracing)"; return 1
}
