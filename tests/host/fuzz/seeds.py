#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Structured seeds for fuzz_exit (tests/host/fuzz/fuzz_exit.c): one input
per exit path, so that the fuzzer starts from every handler instead of
finding each opcode and magic value by chance.
  tests/host/fuzz/seeds.py DIR     writes DIR/<name> (104 bytes each)
The layout is fuzz_exit.c's struct fz_input (x86-64, little-endian):
  u8 ecode, mmu, debug, pad; u16 esub; u32 insn; u64 badv, pc;
  (debug: bit 0 software breakpoints on, 1 a memslot, 2 and 3 the once-only
  warnings given; badv of a GSPR exit: ECFG 12:0 and ESTAT 28:16)
  u64 gprs[8] ($a0..$a7 = r4..r11); u8 io[8]
Encodings: include/kvmla/gspr.h and kvm/exit.c (the ISA's opcode fields)."""
import os
import struct
import sys

GSPR, HVC = 22, 23
TLBL, TLBS, TLBI, TLBM = 1, 2, 3, 4
A0, A1, A2, A3 = 4, 5, 6, 7      # register numbers


def seed(ecode=0, esub=0, insn=0, badv=0, pc=0x9000000000001000, mmu=0,
         debug=0, pad=0, a=(), io=b"\x11\x22\x33\x44\x55\x66\x77\x88"):
    gprs = list(a) + [0] * (8 - len(a))
    return struct.pack("<BBBBH2xI4xQQ8Q8s", ecode, mmu, debug, pad, esub,
                       insn & 0xffffffff, badv, pc, *gprs, io)


def rd_rj(rd, rj):
    return rd | (rj << 5)


def seeds():
    # every ecode slot, with and without a subcode
    for ec in range(64):
        for es in (0, 1):
            yield f"ecode-{ec}-{es}", seed(ec, es)
    # GSPR: cpucfg leaves (in range, the signature, the features, beyond)
    for leaf in (2, 0x13, 0x40000000, 0x40000004, 0x40000008):
        yield f"cpucfg-{leaf:x}", seed(GSPR, insn=(0x1b << 10) | rd_rj(A0, A1),
                                       a=(0, leaf), pad=0xff)
    # csrrd / csrwr / csrxchg (rj 0, 1, a register) over CSR classes
    for csr in (0x0, 0x1, 0x5, 0x6, 0x7, 0x20, 0x30, 0x40, 0x88, 0x180,
                0x200, 0x201, 0x21f, 0x500, 0x3fff):
        for rj, op in ((0, "rd"), (1, "wr"), (A1, "xchg")):
            w = (0x04 << 24) | (csr << 10) | rd_rj(A0, rj)
            yield f"csr{op}-{csr:x}", seed(GSPR, insn=w, a=(0x1234, 0xff00ff))
    # iocsr{rd,wr}.{b,h,w,d}
    for sub in range(8):
        w = ((0x19200 + sub) << 10) | rd_rj(A0, A1)
        yield f"iocsr-{sub}", seed(GSPR, insn=w, a=(0x8877665544332211, 0x1020))
    yield "idle", seed(GSPR, insn=0x0c91 << 15)
    # a line both pending (ESTAT, badv 28:16) and enabled (ECFG, badv 12:0)
    yield "idle-pending", seed(GSPR, insn=0x0c91 << 15, badv=(4 << 16) | 4)
    # the once-only warnings already given (debug bits 2, 3)
    for csr in (0x3fff, 0x7, 0x500):
        yield f"csr-warned-{csr:x}", seed(GSPR, insn=(0x04 << 24) | (csr << 10), debug=4)
    yield "unknown-logged", seed(13, debug=8)
    yield "cacop", seed(GSPR, insn=(0x018 << 22) | rd_rj(9, A1))
    yield "gspr-other", seed(GSPR, insn=0x00000000)
    # HVC: unknown code, the service calls, the software breakpoint
    yield "hvc-0", seed(HVC, insn=0x002b8000)
    yield "hvc-7fff", seed(HVC, insn=0x002b8000 | 0x7fff)
    yield "hvc-ipi", seed(HVC, insn=0x002b8000 | 0x100,
                          a=(1, 0b1011, 1 << 63, 0))
    yield "hvc-ipi-base", seed(HVC, insn=0x002b8000 | 0x100,
                               a=(1, 1, 0, 1020))
    yield "hvc-func-x", seed(HVC, insn=0x002b8000 | 0x100, a=(3,))
    for name, gpa, feat in (("off", 0, 4), ("on", 0x10000 | 1, 4),
                            ("bad", 0x10000 | 2, 4), ("nofeat", 1, 4),
                            ("wrongbit", 1, 2)):
        yield f"hvc-notify-{name}", seed(HVC, insn=0x002b8000 | 0x100,
                                         a=(2, feat, gpa),
                                         pad=0 if name == "nofeat" else 4)
    # the steal-time area inside a memslot (debug bit 1: GPA 0x10000..0x1ffff)
    yield "hvc-notify-slot", seed(HVC, insn=0x002b8000 | 0x100,
                                  a=(2, 4, 0x10000 | 1), pad=4, debug=2)
    for dbg in (0, 1):
        yield f"hvc-swdbg-{dbg}", seed(HVC, insn=0x002b8000 | 0x101, debug=dbg)
    # stage-2 faults: MMU outcomes (mmu & 3: ok, MMIO, MMIO, -EFAULT; bit 2:
    # an in-kernel device claims it), beyond the GPA space, fetches
    mem = []
    for k in range(11):                      # ld/st.{b,h,w,d}, ld.{bu,hu,wu}
        mem.append((f"2ri12-{k}", ((0xa0 + k) << 22) | rd_rj(A0, A1)))
    for k in range(11):                      # ldx/stx
        mem.append((f"3r-{k}", ((0x7000 + 8 * k) << 15) | rd_rj(A0, A1) | (A2 << 10)))
    for o in range(4):                       # ldptr/stptr.{w,d}
        mem.append((f"ptr-{o}", ((0x24 + o) << 24) | rd_rj(A0, A1)))
    mem.append(("notmem", 0x00000000))
    mem.append(("notmem-3r-hi", (0x7058 << 15)))     # past stx.d
    mem.append(("notmem-3r-odd", (0x7001 << 15)))    # not a multiple of 8
    mem.append(("notmem-ptr-hi", (0x28 << 24)))      # past stptr.d
    for ec, en in ((TLBL, "tlbl"), (TLBS, "tlbs"), (TLBM, "tlbm")):
        for name, w in mem:
            for m in (1, 5):
                yield f"{en}-{name}-m{m}", seed(ec, insn=w, badv=0x1fe001e0, mmu=m,
                                                a=(0x8877665544332211,))
        yield f"{en}-ram", seed(ec, insn=mem[0][1], badv=0x1000, mmu=0)
        yield f"{en}-efault", seed(ec, insn=mem[0][1], badv=0x1000, mmu=3)
        yield f"{en}-beyond", seed(ec, insn=mem[0][1], badv=1 << 41, mmu=1)
    yield "tlbi-mmio", seed(TLBI, badv=0x1fe00000, mmu=1)
    yield "tlbi-beyond", seed(TLBI, badv=1 << 41, mmu=1)
    yield "tlbl-exec", seed(TLBL, insn=mem[0][1], badv=0x1000, pc=0x1000, mmu=1)
    for ec in (15, 16, 17, 20):
        yield f"aux-{ec}", seed(ec)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: seeds.py DIR\n")
        return 2
    os.makedirs(sys.argv[1], exist_ok=True)
    n = 0
    for name, data in seeds():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(data)
        n += 1
    print(f"{n} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
