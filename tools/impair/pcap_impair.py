#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Write an impaired copy of a clean capture (deterministic for a seed).

  pcap_impair.py IN.pcap OUT.pcap [--seed N] [--dup PCT] [--reorder PCT]
                 [--late PCT] [--merge PCT] [--fin PCT] [--max-shift S]

IN is a pcap (not pcapng) with Ethernet frames; OUT is a pcap of the same
kind. What is done, to TCP segments with payload (every other frame keeps
its place, bytes and time):

  --dup PCT      the segment appears twice (the copy 1-3 frames later)
  --reorder PCT  the segment comes 1-3 frames later
  --late PCT     loss repaired by a retransmission: the segment is gone
                 from its place and comes 4-12 frames later
  --merge PCT    the same, but the retransmission also carries the next
                 segment of its direction (as TCP repacketizes after a
                 loss: a new frame, lengths and checksums recomputed),
                 which still comes at its own place too
  --fin PCT      for each direction of a connection that sends a FIN:
                 one of (chosen at random) the last data segment before
                 the FIN comes right after the FIN; it is retransmitted
                 after the FIN; it is retransmitted after the connection's
                 last frame (the final ACK)

Nothing is moved past a RST of its connection (a receiver drops data
after a RST) nor more than --max-shift seconds (0.5) of capture time
later: ofxdp gives up a hole after 1 s of capture time (it cannot wait
for ever on a live link), tshark waits for ever; a permanent loss is not
what this models. A moved or copied frame gets the time of the frame it
follows (times stay in order). Counts of what was done: one JSON line on
stdout.
"""
import argparse
import json
import random
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("%s: not a pcap file (pcapng: convert it with editcap)"
                 % path)
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("%s: link type %d, only Ethernet (1)" % (path, linktype))
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(end + "IIII",
                                              data[off:off + 16])
        ts = sec * 10**9 + (frac if nsec else frac * 1000)
        frames.append({"ts": ts, "data": data[off + 16:off + 16 + incl],
                       "orig": orig})
        off += 16 + incl
    return data[:24], end, nsec, frames


def write_pcap(path, header, end, nsec, frames):
    with open(path, "wb") as f:
        f.write(header)
        for fr in frames:
            sec, sub = divmod(fr["ts"], 10**9)
            frac = sub if nsec else sub // 1000
            orig = max(fr["orig"], len(fr["data"]))
            f.write(struct.pack(end + "IIII", sec, frac, len(fr["data"]),
                                orig))
            f.write(fr["data"])


def parse(fr):
    """TCP facts of a frame: dict or None (not TCP)."""
    d = fr["data"]
    off, etype = 14, struct.unpack(">H", d[12:14])[0] if len(d) >= 14 else 0
    while etype in (0x8100, 0x88a8) and len(d) >= off + 4:
        etype = struct.unpack(">H", d[off + 2:off + 4])[0]
        off += 4
    if etype == 0x0800 and len(d) >= off + 20:
        ihl = (d[off] & 0x0f) * 4
        tot = struct.unpack(">H", d[off + 2:off + 4])[0]
        if d[off + 9] != 6 or struct.unpack(">H", d[off + 6:off + 8])[0] \
                & 0x3fff:
            return None
        src, dst = d[off + 12:off + 16], d[off + 16:off + 20]
        l4, end = off + ihl, off + tot
    elif etype == 0x86dd and len(d) >= off + 40:
        if d[off + 6] != 6:
            return None  # extension headers: left alone
        src, dst = d[off + 8:off + 24], d[off + 24:off + 40]
        l4 = off + 40
        end = l4 + struct.unpack(">H", d[off + 4:off + 6])[0]
    else:
        return None
    if len(d) < l4 + 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", d[l4:l4 + 8])
    doff = (d[l4 + 12] >> 4) * 4
    flags = d[l4 + 13]
    end = min(end, len(d))
    return {"ip": off, "v6": etype == 0x86dd, "l4": l4, "doff": doff,
            "src": (src, sport), "dst": (dst, dport),
            "conn": tuple(sorted([(src, sport), (dst, dport)])),
            "seq": seq, "flags": flags, "plen": max(0, end - l4 - doff),
            "pend": end}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def merged(fr, p, nxt, q):
    """A new frame: fr's headers, fr's payload then nxt's (contiguous)."""
    d = fr["data"]
    pay = d[p["l4"] + p["doff"]:p["pend"]] + \
        nxt["data"][q["l4"] + q["doff"]:q["pend"]]
    ip = bytearray(d[p["ip"]:p["l4"] + p["doff"]])
    tcp_off = p["l4"] - p["ip"]
    # the later segment's flags (PSH, FIN) and ACK number
    ip[tcp_off + 8:tcp_off + 12] = nxt["data"][q["l4"] + 8:q["l4"] + 12]
    ip[tcp_off + 13] = nxt["data"][q["l4"] + 13]
    tcplen = len(ip) - tcp_off + len(pay)
    if p["v6"]:
        struct.pack_into(">H", ip, 4, tcplen)
        pseudo = bytes(ip[8:40]) + struct.pack(">IxxxB", tcplen, 6)
    else:
        struct.pack_into(">H", ip, 2, tcp_off + tcplen)
        struct.pack_into(">H", ip, 10, 0)
        struct.pack_into(">H", ip, 10, csum(bytes(ip[:tcp_off])))
        pseudo = bytes(ip[12:20]) + struct.pack(">xBH", 6, tcplen)
    struct.pack_into(">H", ip, tcp_off + 16, 0)
    c = csum(pseudo + bytes(ip[tcp_off:]) + pay)
    struct.pack_into(">H", ip, tcp_off + 16, c)
    data = d[:p["ip"]] + bytes(ip) + pay
    return {"ts": fr["ts"], "data": data, "orig": len(data)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dup", type=float, default=0)
    ap.add_argument("--reorder", type=float, default=0)
    ap.add_argument("--late", type=float, default=0)
    ap.add_argument("--merge", type=float, default=0)
    ap.add_argument("--fin", type=float, default=0)
    ap.add_argument("--max-shift", type=float, default=0.5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    header, end, nsec, frames = read_pcap(a.inp)
    info = [parse(f) for f in frames]
    n = len(frames)
    max_shift = int(a.max_shift * 1e9)

    # Per connection: index of its first RST; per direction: its first FIN.
    rst, fin, last = {}, {}, {}
    for i, p in enumerate(info):
        if not p:
            continue
        last[p["conn"]] = i
        if p["flags"] & 0x04:
            rst.setdefault(p["conn"], i)
        if p["flags"] & 0x01:
            fin.setdefault(p["src"] + p["dst"], i)

    def limit(i):
        """Last position frame i may move behind."""
        p = info[i]
        hi = min(rst.get(p["conn"], n) - 1, n - 1)
        while hi > i and frames[hi]["ts"] - frames[i]["ts"] > max_shift:
            hi -= 1
        return hi

    # out: list of (sort key, frame); key = position it comes after.
    out = []
    cnt = {k: 0 for k in ("dup", "reorder", "late", "merge", "fin_reorder",
                          "fin_retrans", "final_ack_retrans")}
    moved = set()
    # FIN-adjacent: the direction's last data segment before its FIN.
    for key, fi in sorted(fin.items(), key=lambda kv: kv[1]):
        if not rng.random() * 100 < a.fin:
            continue
        src = key[:2]
        cand = [i for i in range(fi - 1, -1, -1) if info[i] and
                info[i]["src"] == src and info[i]["conn"] ==
                info[fi]["conn"] and info[i]["plen"] > 0]
        if not cand:
            continue
        li = cand[0]
        if li in moved:
            continue
        kind = rng.choice(["fin_reorder", "fin_retrans",
                           "final_ack_retrans"])
        conn = info[fi]["conn"]
        if kind == "fin_reorder":
            if fi > limit(li):
                kind = "fin_retrans"
            else:
                out.append((fi + 0.5, frames[li]))
                moved.add(li)
        if kind == "fin_retrans":
            out.append((fi + 0.4, frames[li]))
        if kind == "final_ack_retrans":
            out.append((last[conn] + 0.6, frames[li]))
        cnt[kind] += 1
    for i, p in enumerate(info):
        if i in moved:
            continue
        if not p or p["plen"] == 0 or p["flags"] & 0x07:
            out.append((i, frames[i]))  # not data, or SYN/FIN/RST
            continue
        r = rng.random() * 100
        hi = limit(i)
        if r < a.dup:
            out.append((i, frames[i]))
            out.append((min(i + rng.randint(1, 3), hi) + 0.3, frames[i]))
            cnt["dup"] += 1
        elif r < a.dup + a.reorder and hi > i:
            out.append((min(i + rng.randint(1, 3), hi) + 0.2, frames[i]))
            cnt["reorder"] += 1
        elif r < a.dup + a.reorder + a.late and hi > i:
            out.append((min(i + rng.randint(4, 12), hi) + 0.1, frames[i]))
            cnt["late"] += 1
        elif r < a.dup + a.reorder + a.late + a.merge and hi > i:
            nxt = next((j for j in range(i + 1, hi + 1) if info[j] and
                        info[j]["src"] == p["src"] and
                        info[j]["dst"] == p["dst"] and info[j]["plen"] > 0),
                       None)
            q = info[nxt] if nxt is not None else None
            if q and (p["seq"] + p["plen"]) & 0xffffffff == q["seq"] and \
                    not q["flags"] & 0x07 and \
                    p["plen"] + q["plen"] <= 60000:
                # the retransmission comes after the next segment
                out.append((min(nxt + rng.randint(1, 6), hi) + 0.15,
                            merged(frames[i], p, frames[nxt], q)))
                cnt["merge"] += 1
            else:
                out.append((i, frames[i]))
        else:
            out.append((i, frames[i]))
    out.sort(key=lambda kv: kv[0])  # stable: equal keys keep their order
    res, prev = [], 0
    for _, fr in out:
        ts = max(fr["ts"], prev)
        res.append({"ts": ts, "data": fr["data"], "orig": fr["orig"]})
        prev = ts
    write_pcap(a.out, header, end, nsec, res)
    cnt["frames_in"], cnt["frames_out"] = n, len(res)
    print(json.dumps(cnt, sort_keys=True))


if __name__ == "__main__":
    main()
