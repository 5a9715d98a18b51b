#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Write the seed inputs of the fuzz harnesses from tests/fixtures.

Usage: tests/fuzz/gen_seeds.py OUTDIR
  OUTDIR/fuzz_frame/       each fixture frame: 3 header bytes (link type 0 =
                           Ethernet, 2 bytes wire length beyond the capture),
                           then the frame; also as Linux cooked v1 and raw IP
  OUTDIR/fuzz_parse_diff/  each fixture frame as it is (Ethernet)
  OUTDIR/fuzz_read/        the small fixture pcaps, the first packets of the
                           big ones (pcap and pcapng)
  OUTDIR/fuzz_stream/      connections in fuzz_stream.c's segment format:
                           handshake, then OpenFlow messages of
                           tests/fixtures/ryu-packet_data (some split in
                           two segments or two ring chunks, some
                           retransmitted or cut by a snap length), ended by
                           FIN, RST or nothing
The committed corpus (tests/fuzz/corpus) is these, minimized with
libFuzzer's -merge=1 (make fuzz-build, then for each NAME:
build/fuzz/NAME -merge=1 tests/fuzz/corpus/NAME OUTDIR/NAME), plus the
regress-* inputs of fixed bugs. pcapng fixtures are read after
editcap -F pcap.
"""
import glob
import os
import random
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIX = os.path.join(ROOT, "tests", "fixtures")


def pcap_frames(path):
    """(linktype, [frame bytes]) of a pcap file (pcapng converted)."""
    tmp = None
    if path.endswith(".pcapng"):
        fd, tmp = tempfile.mkstemp(suffix=".pcap")
        os.close(fd)
        subprocess.run(["editcap", "-F", "pcap", path, tmp], check=True)
        path = tmp
    with open(path, "rb") as f:
        data = f.read()
    if tmp:
        os.unlink(tmp)
    magic = data[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0]
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, frames


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frames_seeds(out):
    pcaps = sorted(glob.glob(os.path.join(FIX, "*", "*.pcap*")))
    n = 0
    for p in pcaps:
        lt, frames = pcap_frames(p)
        if lt != 1:
            continue
        for fr in frames:
            n += 1
            write(os.path.join(out, "fuzz_parse_diff"), "f%05d" % n, fr)
            write(os.path.join(out, "fuzz_frame"), "f%05d" % n,
                  b"\x00\x00\x00" + fr)
            et = fr[12:14]
            if n % 8 == 0 and et in (b"\x08\x00", b"\x86\xdd"):
                # Linux cooked v1 (index 1), raw IP (index 5), snapped.
                sll = struct.pack(">HHH8s", 0, 1, 6, fr[6:12] + b"\0\0") + et
                write(os.path.join(out, "fuzz_frame"), "s%05d" % n,
                      b"\x01\x00\x00" + sll + fr[14:])
                write(os.path.join(out, "fuzz_frame"), "r%05d" % n,
                      b"\x05\x00\x40" + fr[14:])


def read_seeds(out):
    d = os.path.join(out, "fuzz_read")
    os.makedirs(d, exist_ok=True)
    for p in sorted(glob.glob(os.path.join(FIX, "*", "*.pcap*"))):
        base = os.path.basename(p)
        if os.path.getsize(p) <= 32768:
            with open(p, "rb") as f:
                write(d, base, f.read())
        else:
            # The first 40 packets, as pcap and as pcapng.
            for fmt, ext in (("pcap", ".pcap"), ("pcapng", ".pcapng")):
                dst = os.path.join(d, base + ".head" + ext)
                subprocess.run(["editcap", "-F", fmt, "-r", p, dst, "1-40"],
                               check=True)


SYN, FIN, RST, TRUNC, ABS = 0x08, 0x10, 0x20, 0x40, 0x80


CHUNKED = 0x80


def seg(conn, out_dir, flags=0, dseq=0, step=1, payload=b"", cap=0):
    """One segment in fuzz_stream.c's format; out_dir: controller->switch;
    cap: its byte 5 (CHUNKED, bytes not captured)."""
    b0 = conn | (4 if out_dir else 0) | flags
    return struct.pack(">BbBHB", b0, dseq, step, len(payload), cap) + payload


def stream_seeds(out):
    d = os.path.join(out, "fuzz_stream")
    rnd = random.Random(11)
    msgs = {}
    for v in ("of10", "of12", "of13", "of14", "of15"):
        files = sorted(glob.glob(os.path.join(FIX, "ryu-packet_data", v,
                                              "*.packet")))
        msgs[v] = [open(f, "rb").read() for f in files]
    n = 0
    for v, lst in msgs.items():
        hello = [m for m in lst if m[1] == 0]
        feat = [m for m in lst if m[1] == 6]
        for i in range(0, len(lst), 6):
            conn = (i // 6) % 4
            s = bytes([rnd.randrange(256)])
            s += seg(conn, False, SYN) + seg(conn, True, SYN)
            if hello:
                s += seg(conn, True, 0, 0, 1, hello[0])
                s += seg(conn, False, 0, 0, 1, hello[0])
            if feat:
                s += seg(conn, False, 0, 0, 2, feat[0])
            for j, m in enumerate(lst[i:i + 6]):
                out_dir = (m[1] % 2) == 0  # requests mostly from the controller
                kind = rnd.randrange(8)
                if kind == 0 and len(m) > 8:
                    # Split in two.
                    s += seg(conn, out_dir, 0, 0, 3, m[:8])
                    s += seg(conn, out_dir, 0, 0, 3, m[8:])
                elif kind == 1:
                    # A retransmission.
                    s += seg(conn, out_dir, 0, 0, 3, m)
                    s += seg(conn, out_dir, 0, -len(m) if len(m) < 128 else 0,
                             3, m if len(m) < 128 else b"")
                elif kind == 2:
                    # In two chunks, as from the BPF ring.
                    s += seg(conn, out_dir, 0, 0, 3, m, CHUNKED)
                elif kind == 3 and 16 < len(m) <= 16 + 127:
                    # Cut by a snap length.
                    s += seg(conn, out_dir, 0, 0, 3, m[:16], len(m) - 16)
                else:
                    s += seg(conn, out_dir, 0, 0, rnd.choice((1, 50, 0xc1)),
                             m)
            end = rnd.randrange(3)
            if end == 0:
                s += seg(conn, False, FIN) + seg(conn, True, FIN)
            elif end == 1:
                s += seg(conn, True, RST)
            n += 1
            write(d, "s%04d-%s" % (n, v), s)


def main():
    out = sys.argv[1]
    frames_seeds(out)
    read_seeds(out)
    stream_seeds(out)


if __name__ == "__main__":
    main()
