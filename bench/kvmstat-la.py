#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kvmstat-la bench: total CPU each dashboard costs at equal refresh (1 s) and
equal events (every kvm:* event), measured side by side in one run.

For each tool (none, kvmstat-la TUI with BPF, kvmstat-la TUI with no probes
(the default provider choice with --no-latency: KVM's stats), bpftrace
one-liner, kvm_stat 6.12 -t TUI)
and each of REPS repetitions, in an order rotated every repetition (machine
load drift cancels): the tool starts and attaches, then the workload
(kvmla-vmm -m 1 -c 1 --loop, a PIO/MMIO-heavy mix at the highest exit rate it
reaches) runs for LEAD + WINDOW s.  Measured:
  - over the last WINDOW s (the guest is running and the tool has found it):
    the tool's own CPU (schedstat on-CPU ns of all its threads; the
    utime/stime of /proc/PID/stat tick at 10 ms, too coarse for < 1 ms/s);
  - over the whole run: the workload's CPU (getrusage of the VMM and its VM children) per KVM_RUN
    round trip (exits to userspace, from the VMM's own JSON count).
imposed CPU/s = (workload CPU per round trip with the tool - without any
tool in the same repetition; median over repetitions) x the no-tool round-trip rate: what the tool's probes add in
the kernel on the vCPU threads at equal events.  total = own + imposed.
Before that, in a pass of its own (run-time stats cost two clock reads per
program run, so they are off while CPU is measured): the probes' cost per
event, BPF run_time_ns/run_cnt (BPF_ENABLE_STATS), kvmstat-la vs bpftrace.

Also measured the same way: both tools in log mode (-l, stdout to
/dev/null; kvmstat-la with BPF and with the stats, its default for -l), and the floors from bench/floor.c (BENCH_FLOOR): a process that
only wakes once a second, an ncurses program that only rewrites
FLOOR_LINES numbers a second, and a program that writes those lines to the
terminal with one write() a second and no curses at all.  kvm_stat's CPU over a floor's is the most any
dashboard of that kind can show against kvm_stat on this machine.

Env: BENCH_REPS (default 5), BENCH_WINDOW (s, default 5), BENCH_WARM (s, default 3),
BENCH_VMS (default 1: one VM, one vCPU, leaving the other core to the tool).
Not part of make check.
"""
import ctypes
import glob
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
T = os.path.join(TOP, "tools/kvmstat-la/kvmstat-la")
V = os.path.join(TOP, "tests/vmm/kvmla-vmm")
REPS = int(os.environ.get("BENCH_REPS", "5"))
WINDOW = float(os.environ.get("BENCH_WINDOW", "5"))
VMS = os.environ.get("BENCH_VMS", "1")
WARM = float(os.environ.get("BENCH_WARM", "3"))
LEAD = 2.0  # s of workload before the own-CPU window opens: the tool has found the guest
FLOOR_LINES = 10  # the rows kvmstat-la's events view shows for this workload
BPFTRACE = 'tracepoint:kvm:* { @[probe, pid, tid] = count(); } interval:s:1 { print(@); }'


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(0)


def enable_bpf_stats():
    """bpf(BPF_ENABLE_STATS): run_time_ns/run_cnt while the fd is open"""
    libc = ctypes.CDLL(None, use_errno=True)
    attr = (ctypes.c_uint32 * 16)()
    fd = libc.syscall(321, 32, ctypes.byref(attr), ctypes.sizeof(attr))  # x86_64 NR_bpf
    return fd if fd >= 0 else None


def progs():
    try:
        out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True).stdout
        return {p["id"]: p for p in json.loads(out)}
    except (OSError, ValueError):
        return {}


def cpu_ns(pid):
    t = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            t += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return t


def find_kvm_stat():
    try:
        tree = subprocess.run([os.path.join(TOP, "scripts/prepare-kernel.sh")], capture_output=True,
                              text=True, timeout=60).stdout.strip()
        p = os.path.join(tree, "tools/kvm/kvm_stat/kvm_stat")
        if os.path.exists(p):
            return p
    except (OSError, subprocess.SubprocessError):
        pass
    c = glob.glob("/var/cache/kvmla/*/linux-source-6.12/tools/kvm/kvm_stat/kvm_stat")
    return c[0] if c else None


def kvm_stat_cmd(tmp, *args):
    """argv of kvm_stat -t -s 1 ARGS, or None (said why).  kvm_stat refuses a
    host whose cpuinfo lacks vmx/svm (this nested VM): it is given one in a
    private mount namespace"""
    ks = find_kvm_stat()
    if not ks:
        print("note: kvm_stat not found (scripts/prepare-kernel.sh extracts the 6.12 tree)")
        return None
    ci = os.path.join(tmp, "cpuinfo")
    with open(ci, "w") as f:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags") and not re.search(r" (svm|vmx)( |$)", line):
                line = line.replace(": ", ": svm ", 1)
            f.write(line)
    return ["unshare", "-m", "sh", "-c",
            f"mount --bind {ci} /proc/cpuinfo && exec python3 {ks} -t -s 1 " + " ".join(args)]


class Tool:
    def __init__(self, name, label, argv, tui, vm_first=False):
        self.name, self.label, self.argv, self.tui = name, label, argv, tui
        # the KVM stats provider reads the VMs there are when it starts:
        # the workload's VM is created (its start delayed) before the tool
        self.vm_first = vm_first
        self.pid = None
        self.proc = None
        self.session = None

    def start(self, tmp):
        if self.argv is None:
            return
        if self.tui:
            self.session = f"kb{self.name}{os.getpid()}"
            pidf = os.path.join(tmp, self.name + ".pid")
            if os.path.exists(pidf):
                os.unlink(pidf)
            script = os.path.join(tmp, self.name + ".sh")
            with open(script, "w") as f:
                f.write(f"echo $$ > {pidf}\nexec {' '.join(shlex.quote(a) for a in self.argv)}\n")
            subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", "160", "-y", "50",
                            "sh " + script], check=True)
            for _ in range(200):
                if os.path.exists(pidf) and os.path.getsize(pidf):
                    break
                time.sleep(0.05)
            self.pid = int(open(pidf).read())
        else:
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,
                                         stderr=open(os.path.join(tmp, self.name + ".err"), "w"))
            self.pid = self.proc.pid

    def screen(self):
        if not self.session:
            return ""
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True,
                              text=True).stdout

    def stop(self):
        if self.session:
            subprocess.run(["tmux", "kill-session", "-t", self.session], stderr=subprocess.DEVNULL)
            self.session = None
        if self.proc:
            self.proc.send_signal(2)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        # the tool (and kvm_stat) may still be taking its probes down: let
        # that finish before the next tool's window (kvmstat-la's background
        # child, kvmstat-la-bg, included)
        for _ in range(600):
            busy = self.pid and os.path.exists(f"/proc/{self.pid}")
            if not busy:
                busy = subprocess.run(["pgrep", "-x", "kvmstat-la-bg"], stdout=subprocess.DEVNULL).returncode == 0
            if not busy:
                break
            time.sleep(0.05)
        self.pid = None


def vm_has_stats_fds(name):
    """the workload's VM process holds its vCPU's binary stats fd"""
    for c in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            if f"-name\0{name}-0\0".encode() not in open(c, "rb").read():
                continue
            fd = os.path.dirname(c) + "/fd"
            return any(os.readlink(f"{fd}/{x}").startswith("anon_inode:kvm-vcpu-stats") for x in os.listdir(fd))
        except OSError:
            pass
    return False


def workload(tmp, tag, steady=None, before=None):
    """run the workload for LEAD + WINDOW s, calling steady() after LEAD s
    (the guest runs and the tool has found it); (round trips, workload CPU s).
    before: the guest waits (--start-delay) until before() has started the
    tool and it has warmed up for WARM s"""
    out = os.path.join(tmp, tag + ".vmm.json")
    name = f"kbt{os.getpid()}"
    delay = ["--start-delay", str(int((WARM + 2) * 1000))] if before else []
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen([V, "-m", VMS, "-c", "1", "-n", name, "--loop", *delay,
                          "--duration", str(int((LEAD + WINDOW) * 1000)), "--json", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if before:
        for _ in range(200):
            if vm_has_stats_fds(name):
                break
            time.sleep(0.01)
        before()
        time.sleep(max(0.0, t0 + WARM + 2 - time.monotonic()))
    time.sleep(LEAD)
    if steady:
        steady()
    p.wait()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    try:
        n = json.load(open(out))["totals"]["userspace_exits"]
    except (OSError, ValueError, KeyError):
        n = 0
    return n, cpu


def main():
    if os.geteuid() != 0:
        skip("needs root")
    if not (os.access(T, os.X_OK) and os.access(V, os.X_OK)):
        skip("build first (make)")
    if not shutil.which("tmux"):
        skip("needs tmux")
    tmp = tempfile.mkdtemp(prefix="kvmla-bench.")
    tools = [Tool("none", "no tool", None, False),
             Tool("ours", "kvmstat-la (BPF, TUI)", [T, "-s", "1", "-b"], True),
             # no probes: the default provider choice reads KVM's stats when
             # the view needs counts only (-v: the log tool says what it chose)
             Tool("oursstats", "kvmstat-la (stats, TUI)", [T, "-s", "1", "--no-latency"], True, True)]
    if shutil.which("bpftrace"):
        tools.append(Tool("bpftrace", "bpftrace one-liner", ["bpftrace", "-e", BPFTRACE], False))
    ks = kvm_stat_cmd(tmp)
    if ks:
        tools.append(Tool("kvmstat", "kvm_stat 6.12 (-t, TUI)", ks, True))
    floor = os.environ.get("BENCH_FLOOR")
    tools.append(Tool("ourslog", "kvmstat-la -l (BPF, log)", [T, "-s", "1", "-l", "-b"], False))
    tools.append(Tool("oursstatslog", "kvmstat-la -l (stats, log)", [T, "-s", "1", "-l", "-v"], False, True))
    if ks:
        tools.append(Tool("kvmstatlog", "kvm_stat 6.12 (-t -l, log)", kvm_stat_cmd(tmp, "-l"), False))
    if floor and os.access(floor, os.X_OK):
        tools.append(Tool("floorwake", "floor: wake only", [floor, "wake"], False))
        tools.append(Tool("floornc", f"floor: ncurses {FLOOR_LINES} lines", [floor, "ncurses", str(FLOOR_LINES)],
                          True))
        tools.append(Tool("floortty", f"floor: tty {FLOOR_LINES} lines", [floor, "tty", str(FLOOR_LINES)], True))
    res = {t.name: {"own": [], "rt": [], "cpu_rt": [], "probe": [], "rep": []} for t in tools}
    # 1. probe cost per event, in its own pass: BPF run-time stats add two
    #    clock reads per program run, so they stay off while CPU is measured
    stats_fd = enable_bpf_stats()
    if stats_fd is None:
        print("note: BPF_ENABLE_STATS failed: run_time_ns stays 0")
    try:
        for t in tools:
            if t.name not in ("ours", "bpftrace") or stats_fd is None:
                continue
            before = progs()
            t.start(tmp)
            time.sleep(WARM)
            workload(tmp, f"{t.name}probe")
            rt = cnt = 0
            for pid, p in progs().items():
                if pid not in before:
                    rt += p.get("run_time_ns", 0)
                    cnt += p.get("run_cnt", 0)
            if cnt:
                res[t.name]["probe"].append(rt / cnt)
            t.stop()
            time.sleep(0.5)
    finally:
        for t in tools:
            t.stop()
        if stats_fd is not None:
            os.close(stats_fd)
    print(f"workload: kvmla-vmm -m {VMS} -c 1 --loop, {WINDOW:g} s per window; refresh 1 s; every kvm:* event; "
          f"{REPS} repetitions, order rotated")
    try:
        for rep in range(REPS):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for t in order:
                if not t.vm_first:
                    t.start(tmp)
                    time.sleep(WARM if t.argv else 0.5)
                mark = {}

                def steady(t=t, mark=mark):
                    mark["c0"] = cpu_ns(t.pid) if t.pid else 0
                    mark["w0"] = time.monotonic()
                n, wcpu = workload(tmp, f"{t.name}{rep}", steady,
                                   (lambda t=t: t.start(tmp)) if t.vm_first else None)
                if rep == 0 and t.vm_first:
                    said = t.screen() if t.tui else open(os.path.join(tmp, t.name + ".err")).read()
                    m = re.search(r"provider \w+ \([^)]*\)", said)
                    print(f"  {t.label}: {m.group(0) if m else 'provider not shown: ' + said[:200]!r}")
                w1 = time.monotonic()
                c1 = cpu_ns(t.pid) if t.pid else 0
                c0, w0 = mark["c0"], mark["w0"]
                if t.name == "kvmstat" and rep == 0 and "kvm_" not in t.screen():
                    print("note: kvm_stat screen: " + " ".join(t.screen().splitlines()[:3]))
                t.stop()
                if n:
                    res[t.name]["rep"].append(rep)
                    res[t.name]["own"].append((c1 - c0) / 1e9 / (w1 - w0))
                    res[t.name]["rt"].append(n / WINDOW)
                    res[t.name]["cpu_rt"].append(wcpu / n)
                print(f"  rep {rep + 1} {t.label:<24} round trips {n:>9}  own CPU "
                      f"{(c1 - c0) / 1e6 / (w1 - w0):7.3f} ms/s  workload {wcpu / n * 1e6 if n else 0:6.3f} "
                      "us/round trip", flush=True)
                time.sleep(0.5)
    finally:
        for t in tools:
            t.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median
    if not res["none"]["cpu_rt"]:
        print("no baseline measured")
        return 1
    base_cpu = med(res["none"]["cpu_rt"])
    rate = med(res["none"]["rt"])
    print(f"equal events: {rate:.0f} round trips/s (no-tool median); medians of {REPS}:")
    print(f"{'tool':<26}{'own ms/refresh':>15}{'imposed us/rt':>15}{'imposed ms/s':>14}"
          f"{'total ms/s':>12}{'probe ns/ev':>13}")
    total = {}
    for t in tools[1:]:
        r = res[t.name]
        if not r["own"]:
            continue
        own = med(r["own"])
        nb = dict(zip(res["none"]["rep"], res["none"]["cpu_rt"]))
        d = [c - nb[k] for k, c in zip(r["rep"], r["cpu_rt"]) if k in nb]
        imp_rt = med(d) if d else med(r["cpu_rt"]) - base_cpu
        imp = max(imp_rt, 0) * rate
        total[t.name] = own + imp
        probe = f"{med(r['probe']):.1f}" if r["probe"] else "n/a"
        print(f"{t.label:<26}{own * 1e3:>15.3f}{imp_rt * 1e6:>+15.3f}{imp * 1e3:>14.3f}"
              f"{(own + imp) * 1e3:>12.3f}{probe:>13}")
    own = {n: med(r["own"]) for n, r in res.items() if r["own"]}
    if "ours" in total:
        o = res["ours"]
        for n, lab in (("kvmstat", "kvm_stat"), ("bpftrace", "bpftrace")):
            if n in total:
                print(f"ratio {lab} / kvmstat-la: process CPU per refresh "
                      f"{med(res[n]['own']) / med(o['own']):.1f}x, total CPU/s "
                      f"{total[n] / total['ours']:.1f}x" + ("  (target >= 20x)" if n == "kvmstat" else ""))
    if "kvmstatlog" in own and "ourslog" in own:
        print(f"ratio kvm_stat -l / kvmstat-la -l: process CPU per refresh "
              f"{own['kvmstatlog'] / own['ourslog']:.1f}x")
    # the no-probe mode: kvm_stat's total (own + imposed) over kvmstat-la's
    for ours, theirs, lab in (("oursstats", "kvmstat", "TUI"), ("oursstatslog", "kvmstatlog", "log")):
        if ours in total and theirs in total:
            print(f"ratio kvm_stat / kvmstat-la (stats, no probes), {lab}: process CPU per refresh "
                  f"{own[theirs] / own[ours]:.1f}x, total CPU/s {total[theirs] / total[ours]:.1f}x"
                  "  (target >= 20x)")
    # the ceiling: what kvm_stat costs over what doing (almost) nothing costs
    for n, lab, peer in (("floorwake", "a process that only wakes once per refresh", "kvmstatlog"),
                         ("floornc", f"ncurses rewriting {FLOOR_LINES} lines", "kvmstat"),
                         ("floortty", f"one write() of {FLOOR_LINES} lines to the terminal, no curses",
                          "kvmstat")):
        if n in own and peer in own and own[n] > 0:
            print(f"ceiling: {lab} costs {own[n] * 1e6:.0f} us/refresh here; kvm_stat"
                  f"{' -l' if peer == 'kvmstatlog' else ''} / it = {own[peer] / own[n]:.1f}x "
                  "(no dashboard of that kind can show more)")
    if res["ours"]["probe"]:
        print(f"probe cost: kvmstat-la {med(res['ours']['probe']):.1f} ns/event (target <= 100)" +
              (f", bpftrace {med(res['bpftrace']['probe']):.1f} ns/event"
               if "bpftrace" in res and res["bpftrace"]["probe"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
