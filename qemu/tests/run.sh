#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the bare-metal LVZ test programs of qemu/tests/ into
# build/qemu-tests/ and runs each under the LVZ QEMU, passing the
# "PASS: qemu/<case>" / "FAIL: qemu/<case>: why" lines through.  A program
# that hangs, aborts or prints nothing yields a FAIL line naming it (and the
# case it was in).
#   QEMU: $KVMLA_QEMU, else the one scripts/build-qemu.sh builds from qemu/patches
#         (cached; the series under test, never a stray binary).
#   KVMLA_QEMU_TIMEOUT: seconds per program (default 30).
#   KVMLA_QEMU_CPU: replaces "la464,lvz=on|off" (only to try the harness on a
#         QEMU without the lvz property; the lvz cases then fail).
#   KVMLA_QEMU_APPEND: more command-line words for every program (e.g.
#         "selftest": run the guest paths on a CPU without LVZ, harness check).
#   Usage: qemu/tests/run.sh [program...]   e.g. qemu/tests/run.sh cfg exits
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/qemu-tests
tmo=${KVMLA_QEMU_TIMEOUT:-30}

# program  cpu-options  command-line  (one line per run; a program may run twice)
runs='cfg     lvz=on  -
cfg     lvz=off nolvz
csr     lvz=on  -
gcsr    lvz=on  -
exits   lvz=on  -
tlb     lvz=on  -
timer   lvz=on  -
irq     lvz=on  -
fpu     lvz=on  -
paging  lvz=on  -'

die() { echo "FAIL: qemu/suite: $*"; exit 1; }

for t in clang-19 llvm-mc-19 ld.lld-19; do
	command -v $t >/dev/null || die "$t is missing (apt-get install clang-19 llvm-19 lld-19)"
done

qemu=${KVMLA_QEMU:-}
if [ -z "$qemu" ]; then
	qemu=$("$top/scripts/build-qemu.sh" | tail -n 1) ||
		die "scripts/build-qemu.sh failed"
fi
[ -x "$qemu" ] || die "no LVZ QEMU at '$qemu' (set KVMLA_QEMU=<qemu-system-loongarch64>)"

# ---- build ----
mkdir -p "$out"
cflags="--target=loongarch64-linux-gnu -ffreestanding -nostdlib -O2 -fno-builtin
	-fno-stack-protector -mno-lsx -fno-pic -fno-jump-tables -Wall -Werror -I$here/lib"
mcflags="--triple=loongarch64 -mattr=+lvz,+d -filetype=obj"
build() { # build <obj> <src>: C or assembler by the suffix
	case $2 in
	*.c) clang-19 $cflags -c "$2" -o "$1" 2>>"$out/build.log" ;;
	*.S) llvm-mc-19 $mcflags -o "$1" "$2" 2>>"$out/build.log" ;;
	esac
}
: >"$out/build.log"
libobjs=
for s in entry.S gcsr.S guest.S lib.c; do
	o=$out/lib-${s%.*}.o
	build "$o" "$here/lib/$s" || die "building lib/$s failed: $(head -n 3 "$out/build.log")"
	libobjs="$libobjs $o"
done

progs=$(echo "$runs" | awk '{print $1}' | uniq | tr '\n' ' ')
[ $# -gt 0 ] && progs="$*"
for p in $progs; do
	rm -f "$out/$p.elf"
	objs=
	for s in "$here/$p.c" "$here/${p}_s.S"; do
		[ -f "$s" ] || continue
		o=$out/$(basename "${s%.*}").o
		build "$o" "$s" || { echo "FAIL: qemu/$p: build failed: $(tail -n 3 "$out/build.log" | tr '\n' ' ')"; continue 2; }
		objs="$objs $o"
	done
	[ -n "$objs" ] || { echo "FAIL: qemu/$p: no such program"; continue; }
	ld.lld-19 -T "$here/lib/link.ld" -o "$out/$p.elf" $libobjs $objs 2>>"$out/build.log" ||
		echo "FAIL: qemu/$p: link failed: $(tail -n 2 "$out/build.log" | tr '\n' ' ')"
done

# ---- run ----
# A program that hangs in a case is run again with "skip=<those cases>" so
# that the cases after it still report; lines already printed are not
# repeated.
rc=0 ran=0
run_one() { # run_one <prog> <cpu> <append> <log>
	local args=(-M virt -cpu "${KVMLA_QEMU_CPU:-la464,$2}" -m 256M -nographic -no-reboot
		-nic none -monitor none -serial stdio -display none -kernel "$out/$1.elf")
	[ -n "$3" ] && args+=(-append "$3")
	timeout -k 5 "$tmo" "$qemu" "${args[@]}" </dev/null 2>"$4.err" | tr -d '\r' >"$4"
	return "${PIPESTATUS[0]}"
}
while read -r p cpu app; do
	case " $progs " in *" $p "*) ;; *) continue ;; esac
	[ -f "$out/$p.elf" ] || continue
	ran=$((ran + 1))
	tag=$p-${cpu//=/-}
	log=$out/$tag.log
	[ "$app" = - ] && app=
	app="$app${KVMLA_QEMU_APPEND:+ $KVMLA_QEMU_APPEND}"
	app=${app# }
	skip= seen=" "
	for attempt in 1 2 3 4 5 6; do
		a=$app
		[ -n "$skip" ] && a="${a:+$a }skip=${skip#,}"
		run_one "$p" "$cpu" "$a" "$log"
		st=$?
		while IFS= read -r l; do
			c=${l#*: qemu/}; c=${c%%:*}
			case $seen in *" $c "*) continue ;; esac
			seen="$seen$c "
			echo "$l"
			case $l in FAIL:*) rc=1 ;; esac
		done < <(grep -E '^(PASS|FAIL|SKIP): ' "$log")
		grep -q '^# done' "$log" && break
		last=$(grep '^# start ' "$log" | tail -n 1 | cut -d' ' -f3)
		why="exit status $st"
		[ "$st" = 124 ] && why="timed out after ${tmo}s"
		[ -s "$log.err" ] && why="$why: $(head -n 1 "$log.err")"
		rc=1
		if [ -z "$last" ] || [ "$attempt" = 6 ]; then
			echo "FAIL: qemu/$tag: did not finish (${last:+in case $last, }$why)"
			break
		fi
		case $seen in
		*" $last "*) echo "FAIL: qemu/$tag: did not finish after case $last ($why)"; break ;;
		esac
		echo "FAIL: qemu/$last: did not finish ($why); rerunning $p without it"
		seen="$seen$last "
		skip="$skip,$last"
	done
done <<<"$runs"
[ $ran -gt 0 ] || die "no program ran (programs: $progs)"
exit $rc
