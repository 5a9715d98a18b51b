#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Out-of-order flood: `ofxdp read` of a crafted capture keeps its memory
bounded by the reassembler's out-of-order cap.

  ooo_flood.py OFXDP [--conns N] [--segs N] [--cap-mib M] [--slack-mib S]

The capture (pcap, Ethernet, written to ofxdp's stdin, never to disk):
N connections 10.77.x.y:port -> 10.77.0.1:6653, each a SYN and then SEGS
one-byte segments, each 2 bytes after the previous one, behind a hole at
the first data byte that never fills. Every packet has the same timestamp,
so capture time never expires a hole: only the memory caps bound the
queues. A control capture has the same SYNs and no data.

Both are read with `OFXDP read - --json`; the peak RSS (ru_maxrss from
wait4) of the flood run may exceed the control run's by at most the
out-of-order cap (64 MiB, the default max_total_ooo_bytes) plus a slack.
Prints one line of figures; exit status 1 if the bound is exceeded or the
counters are not what the capture holds, 77 (skipped) for an
AddressSanitizer build.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import threading

PORT = 6653


def pcap(conns, segs):
    """Yield the capture in chunks of bytes."""
    yield struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + \
        b"\x08\x00"
    for c in range(conns):
        src = bytes([10, 77, 1 + c // 250, 1 + c % 250])
        sport = 20000 + c
        isn = 1000 + c

        def frame(seq, flags, payload):
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 40 + len(payload),
                             0, 0x4000, 64, 6, 0, src,
                             bytes([10, 77, 0, 1]))
            tcp = struct.pack(">HHIIBBHHH", sport, PORT, seq, 0, 5 << 4,
                              flags, 65535, 0, 0)
            f = eth + ip + tcp + payload
            return struct.pack("<IIII", 1700000000, 0, len(f), len(f)) + f

        out = [frame(isn, 0x02, b"")]  # SYN
        if segs:
            # one template: only the seq field (bytes 16+14+20+4) varies
            t = frame(0, 0x18, b"\x00")
            pre, post = t[:54], t[58:]
            for i in range(segs):
                out.append(pre + struct.pack(">I", isn + 1 + 1 + 2 * i) +
                           post)
        yield b"".join(out)


def run(ofxdp, conns, segs):
    """Feed the capture to `ofxdp read -`; return (maxrss KiB, stats)."""
    p = subprocess.Popen([ofxdp, "read", "-", "--of-port", str(PORT),
                          "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # stdout and stderr are read in threads while the input is written
    res = {}

    def reader(name, f):
        res[name] = f.read()

    ts = [threading.Thread(target=reader, args=("out", p.stdout)),
          threading.Thread(target=reader, args=("err", p.stderr))]
    for t in ts:
        t.start()
    try:
        for chunk in pcap(conns, segs):
            p.stdin.write(chunk)
        p.stdin.close()
    except BrokenPipeError:
        pass
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in ts:
        t.join()
    if p.returncode != 0:
        sys.exit("ofxdp read failed (%d): %s" %
                 (p.returncode, res["err"].decode(errors="replace")[:300]))
    return ru.ru_maxrss, json.loads(res["out"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ofxdp")
    ap.add_argument("--conns", type=int, default=640)
    ap.add_argument("--segs", type=int, default=4096)
    ap.add_argument("--cap-mib", type=int, default=64)
    ap.add_argument("--slack-mib", type=int, default=8)
    a = ap.parse_args()
    try:
        libs = subprocess.run(["ldd", a.ofxdp], capture_output=True,
                              text=True).stdout
    except OSError:
        libs = ""
    if "libasan" in libs:
        print("AddressSanitizer build: its allocator's memory is not "
              "comparable")
        return 77

    base, _ = run(a.ofxdp, a.conns, 0)
    peak, st = run(a.ofxdp, a.conns, a.segs)
    r = st["reassembly"]
    grew = peak - base
    bound = (a.cap_mib + a.slack_mib) * 1024
    print("%d conns x %d one-byte ooo segments: peak RSS %.1f MiB, "
          "control %.1f MiB, grew %.1f MiB (bound %d MiB); ooo_segs %d, "
          "gaps %d, ooo_limit_gaps %d" %
          (a.conns, a.segs, peak / 1024, base / 1024, grew / 1024,
           bound // 1024, r["ooo_segs"], r["gaps"],
           r.get("ooo_limit_gaps", -1)))
    ok = grew <= bound
    if r["connections_total"] != a.conns:
        print("connections_total %d, want %d" %
              (r["connections_total"], a.conns))
        ok = False
    # the cap was reached (visibly), the holes were given up, at the end
    # of the file the last ones too, and nothing stays queued
    if r.get("ooo_limit_gaps", 0) <= 0 or r["gaps"] < r["ooo_limit_gaps"]:
        print("ooo_limit_gaps %d, gaps %d: the cap was not reached" %
              (r.get("ooo_limit_gaps", -1), r["gaps"]))
        ok = False
    if r["ooo_bytes_queued"] != 0:
        print("ooo_bytes_queued %d after the end" % r["ooo_bytes_queued"])
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
