#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold BPF run-time statistics on (bpf(BPF_ENABLE_STATS), the syscall form of
kernel.bpf_stats_enabled=1, for when /proc/sys is read-only) for N seconds.
  bpf-stats.py SECONDS"""
import ctypes
import sys
import time

BPF_ENABLE_STATS = 32
BPF_STATS_RUN_TIME = 0
NR_BPF = 321  # x86_64

libc = ctypes.CDLL(None, use_errno=True)
attr = (ctypes.c_uint32 * 16)()
attr[0] = BPF_STATS_RUN_TIME
fd = libc.syscall(NR_BPF, BPF_ENABLE_STATS, ctypes.byref(attr), ctypes.sizeof(attr))
if fd < 0:
    sys.exit(f"bpf(BPF_ENABLE_STATS): errno {ctypes.get_errno()}")
print("enabled", flush=True)
time.sleep(float(sys.argv[1]))
