#!/usr/bin/env python3
"""Generates the whole-process benchmark inputs (>= 1 GB each) from the repo's real fixtures.

  gen.py console OUT SIZE_MB  a long-running machine's console: the lab logs' boot-time kernel
                              messages (banner lines dropped, so it is one boot), timestamps
                              rewritten to keep rising, with a lab crash (oops, lockup, panic...)
                              inserted every SIZE/8 bytes.
  gen.py dense OUT SIZE_MB    crash-dense text: the syzkaller corpus logs, the lab logs and the
                              seed cases concatenated, repeated.
  gen.py many OUTDIR COUNT    COUNT small real logs in one directory: the fixture logs under
                              200 KB and the syzkaller corpus logs, copied round-robin.
"""
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "crates", "ktriage", "tests", "fixtures")
SYZ = os.path.join(HERE, "..", "crates", "ktriage-syz", "tests", "fixtures", "syzkaller")
TS = re.compile(rb"^\[\s*\d+\.\d+\]")
BANNER = (b"Linux version", b"Command line:", b"Kernel command line:", b"Booting Linux")


def lab_logs():
    return sorted(glob.glob(os.path.join(FIX, "lab", "*.log")))


def console(out, size):
    normal, crashes = [], []
    for p in lab_logs():
        lines = open(p, "rb").read().split(b"\n")
        cut = next((i for i, l in enumerate(lines) if b"lab-init: triggering" in l), len(lines))
        normal += [TS.sub(b"", l) for l in lines[:cut] if TS.match(l) and not any(b in l for b in BANNER)]
        crashes.append([TS.sub(b"", l) for l in lines[cut:] if TS.match(l) and not any(b in l for b in BANNER)])
    t = 0.0
    written = 0
    next_crash = size // 8
    ci = 0
    with open(out, "wb") as f:
        buf = []
        while written < size:
            for l in normal:
                t += 0.000731
                s = b"[%12.6f]%s\n" % (t, l)
                buf.append(s)
                written += len(s)
            if written >= next_crash:
                for l in crashes[ci % len(crashes)]:
                    t += 0.000731
                    s = b"[%12.6f]%s\n" % (t, l)
                    buf.append(s)
                    written += len(s)
                ci += 1
                next_crash += size // 8
            f.write(b"".join(buf))
            buf.clear()


def dense(out, size):
    parts = []
    for p in sorted(glob.glob(os.path.join(SYZ, "*"))):
        if os.path.basename(p).isdigit():
            data = open(p, "rb").read().replace(b"\r", b"")
            log = data.partition(b"\n\n")[2].split(b"\n\nREPORT:\n")[0]
            parts.append(log.rstrip(b"\n") + b"\n")
    for p in lab_logs() + sorted(glob.glob(os.path.join(FIX, "cases", "*", "*.log"))):
        parts.append(open(p, "rb").read())
    block = b"".join(parts)
    with open(out, "wb") as f:
        n = 0
        while n < size:
            f.write(block)
            n += len(block)


def many(out, count):
    src = sorted(p for p in glob.glob(os.path.join(FIX, "**", "*.log"), recursive=True)
                 if os.path.getsize(p) < 200_000)
    src += sorted(p for p in glob.glob(os.path.join(SYZ, "*")) if os.path.basename(p).isdigit())
    os.makedirs(out, exist_ok=True)
    for n in range(count):
        with open(src[n % len(src)], "rb") as f, open(os.path.join(out, "%04d.log" % n), "wb") as g:
            g.write(f.read())


if __name__ == "__main__":
    kind, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "many":
        many(out, n)
    else:
        {"console": console, "dense": dense}[kind](out, n * 1024 * 1024)
