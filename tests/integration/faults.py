#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Traffic and checks of the fault cases (tests/integration/faults.sh).

  faults.py garbage HOST PORT --conns N --rate BPS --seconds S --per-conn B
      random bytes over real TCP connections to HOST:PORT, N at a time,
      BPS bytes/s in all (0: as fast as possible), each connection closed
      (FIN) after B bytes and replaced; prints one JSON line: bytes sent,
      connections opened.
  faults.py junk IFACE DST_MAC SRC_IP DST_IP PORT --count N
      N raw Ethernet frames out of IFACE (AF_PACKET), round-robin over
      kinds of junk: random EtherType and bytes, IPv4 shorter than its
      header, IPv4 with a bad IHL, IPv4/TCP to PORT with a TCP data offset
      < 5, IPv4/TCP to PORT whose IP length claims more than the frame,
      IPv4/TCP to PORT cut inside the TCP header, an IPv4 fragment (offset
      > 0) with protocol TCP, UDP to PORT, IPv6 with a truncated header,
      802.1Q with junk inside; prints one JSON line: frames per kind.
  faults.py synflood DST_IP PORT --count N --rate PPS --src IP[,IP...]
      N crafted TCP SYNs (IP_HDRINCL raw socket) to DST_IP:PORT from the
      given source addresses with random source ports and sequence
      numbers; prints one JSON line: SYNs sent, distinct 4-tuples.
  faults.py sink TCP_HOST UDP_HOST PORT --seconds S
      accept TCP connections on TCP_HOST:PORT and read and drop what they
      send, count UDP datagrams to UDP_HOST:PORT, for S seconds (or until
      SIGTERM); prints one JSON line: TCP bytes and connections, UDP
      datagrams.
  faults.py restprobe URL --period P --seconds S --max-time T
      GET URL every P s for S s, each allowed T s; prints one JSON line:
      requests, ok, max and median seconds; exit 1 if one failed or took
      longer than T.
  faults.py tcp-bytes PCAP PORT
      TCP payload bytes of an Ethernet pcap (tcpdump -w) to and from PORT
      (IPv4, untagged), every segment: prints "IN OUT" (in: to PORT).
  faults.py ofgen-check STATS CTL SW [--at-most]
      ofxdp's per version/direction/type message counts (/api/v1/stats)
      against ofgen's truth (switches' sent = in, controller's sent = out):
      equal (default) or, with --at-most, never more than the truth;
      prints a table of the differing rows; exit 1 on a difference.
Every sender is bounded (count or seconds) and sends only to the
addresses given (inside the test's namespaces).
"""
import argparse
import errno
import json
import os
import random
import socket
import statistics
import struct
import sys
import time
import urllib.request


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, tot_len=None, ihl=5, frag=0x4000,
         ident=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0,
                      tot_len if tot_len is not None else 20 + len(payload),
                      ident, frag, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(src, dst, sport, dport, seq, flags, payload=b"", doff=5):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, doff << 4, flags,
                      65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 6,
                         len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def cmd_garbage(a):
    blob = os.urandom(1 << 20)
    rnd = random.Random(a.seed)
    socks = []
    sent = opened = failed = 0
    start = time.monotonic()
    end = start + a.seconds

    def new():
        nonlocal opened, failed
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((a.host, a.port))
        except OSError:
            failed += 1
            s.close()
            return None
        s.setblocking(False)
        opened += 1
        return [s, 0]

    while len(socks) < a.conns and time.monotonic() < end:
        c = new()
        if c:
            socks.append(c)
    while time.monotonic() < end and socks:
        for i, c in enumerate(socks):
            off = rnd.randrange(0, len(blob) - 65536)
            n = min(rnd.randrange(1, 65536), a.per_conn - c[1])
            try:
                k = c[0].send(blob[off:off + n])
            except BlockingIOError:
                k = 0
            except OSError:
                k = -1
            if k > 0:
                c[1] += k
                sent += k
            if k < 0 or c[1] >= a.per_conn:
                c[0].close()
                socks[i] = new() or c
        socks = [c for c in socks if c[0].fileno() >= 0]
        if a.rate:
            ahead = sent / a.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(min(ahead, 0.05))
    for c in socks:
        c[0].close()
    print(json.dumps({"bytes": sent, "connections": opened,
                      "connect_failed": failed,
                      "seconds": round(time.monotonic() - start, 2)}))
    return 0


def cmd_junk(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    dst = bytes.fromhex(a.dst_mac.replace(":", ""))
    src = bytes.fromhex("020000" + "%06x" % random.randrange(1 << 24))
    rnd = random.Random(a.seed)
    sip, dip, port = a.src_ip, a.dst_ip, a.port

    def t(flags=0x18, payload=b"x" * 40, doff=5):
        return tcp(sip, dip, rnd.randrange(1024, 65536), port,
                   rnd.randrange(1 << 32), flags, payload, doff)

    kinds = {
        "random_ethertype": lambda: struct.pack(
            "!H", rnd.choice([0x88b5, 0x88b6, 0x1234, 0x0101])) +
        rnd.randbytes(rnd.randrange(0, 200)),
        "ipv4_short": lambda: b"\x08\x00" + rnd.randbytes(rnd.randrange(0,
                                                                         20)),
        "ipv4_bad_ihl": lambda: b"\x08\x00" + ipv4(sip, dip, 6, t(),
                                                   ihl=rnd.choice([0, 3, 4,
                                                                   15])),
        "tcp_bad_doff": lambda: b"\x08\x00" + ipv4(
            sip, dip, 6, t(doff=rnd.choice([0, 1, 4]))),
        "tcp_doff_beyond": lambda: b"\x08\x00" + ipv4(sip, dip, 6,
                                                      t(doff=15)[:30]),
        "ip_len_long": lambda: b"\x08\x00" + ipv4(
            sip, dip, 6, t(), tot_len=rnd.choice([1500, 9000, 65535])),
        "tcp_hdr_cut": lambda: b"\x08\x00" + ipv4(
            sip, dip, 6, t()[:rnd.randrange(1, 20)]),
        "ipv4_fragment": lambda: b"\x08\x00" + ipv4(
            sip, dip, 6, rnd.randbytes(64), frag=rnd.randrange(1, 0x1fff)),
        "udp_to_port": lambda: b"\x08\x00" + ipv4(
            sip, dip, 17, struct.pack("!HHHH", rnd.randrange(1024, 65536),
                                      port, 8 + 32, 0) + rnd.randbytes(32)),
        "ipv6_short": lambda: b"\x86\xdd" + rnd.randbytes(rnd.randrange(0,
                                                                         40)),
        "vlan_junk": lambda: b"\x81\x00" + rnd.randbytes(rnd.randrange(0,
                                                                        100)),
    }
    counts = {k: 0 for k in kinds}
    names = list(kinds)
    for i in range(a.count):
        k = names[i % len(names)]
        frame = dst + src + kinds[k]()
        while True:
            try:
                s.send(frame)
                break
            except OSError as e:  # ENOBUFS: the veth's queue was full
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
        counts[k] += 1
    print(json.dumps(counts))
    return 0


def cmd_synflood(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    srcs = a.src.split(",")
    rnd = random.Random(a.seed)
    tuples = set()
    start = time.monotonic()
    for i in range(a.count):
        sip = srcs[i % len(srcs)]
        sport = rnd.randrange(1024, 65536)
        tuples.add((sip, sport))
        pkt = ipv4(sip, a.dst, 6, tcp(sip, a.dst, sport, a.port,
                                      rnd.randrange(1 << 32), 0x02),
                   ident=i & 0xFFFF)
        while True:
            try:
                s.sendto(pkt, (a.dst, 0))
                break
            except BlockingIOError:
                time.sleep(0.001)
        if a.rate and i % 100 == 99:
            ahead = (i + 1) / a.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    print(json.dumps({"syns": a.count, "tuples": len(tuples),
                      "seconds": round(time.monotonic() - start, 2)}))
    return 0


def cmd_sink(a):
    import selectors
    import signal

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    sel = selectors.DefaultSelector()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.tcp_host, a.port))
    ls.listen(512)
    ls.setblocking(False)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.bind((a.udp_host, a.port))
    us.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, "listen")
    sel.register(us, selectors.EVENT_READ, "udp")
    print("listening", file=sys.stderr, flush=True)
    tcp_bytes = conns = udp = 0
    end = time.monotonic() + a.seconds
    while not stop and time.monotonic() < end:
        for key, _ in sel.select(0.2):
            if key.data == "listen":
                try:
                    c, _ = ls.accept()
                except OSError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, "conn")
                conns += 1
            elif key.data == "udp":
                while True:
                    try:
                        us.recv(65536)
                        udp += 1
                    except OSError:
                        break
            else:
                try:
                    d = key.fileobj.recv(1 << 20)
                except OSError:
                    d = b""
                if d:
                    tcp_bytes += len(d)
                else:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
    print(json.dumps({"tcp_bytes": tcp_bytes, "tcp_connections": conns,
                      "udp_datagrams": udp}), flush=True)
    return 0


def cmd_restprobe(a):
    times, failed = [], 0
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(a.url, timeout=a.max_time) as r:
                r.read()
                ok = r.status == 200
        except OSError:
            ok = False
        dt = time.monotonic() - t0
        if ok:
            times.append(dt)
        else:
            failed += 1
        time.sleep(max(0.0, a.period - dt))
    out = {"requests": len(times) + failed, "ok": len(times),
           "max_s": round(max(times), 3) if times else None,
           "median_s": round(statistics.median(times), 3) if times else None}
    print(json.dumps(out))
    return 0 if not failed and times and max(times) <= a.max_time else 1


def cmd_tcp_bytes(a):
    tot = {"in": 0, "out": 0}
    with open(a.pcap, "rb") as f:
        magic = f.read(24)[:4]
        end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            caplen = struct.unpack(end + "IIII", h)[2]
            pkt = f.read(caplen)
            if len(pkt) < 34 or pkt[12:14] != b"\x08\x00" or pkt[23] != 6:
                continue
            ihl = (pkt[14] & 15) * 4
            ip_len = struct.unpack("!H", pkt[16:18])[0]
            t = 14 + ihl
            sport, dport = struct.unpack("!HH", pkt[t:t + 4])
            doff = (pkt[t + 12] >> 4) * 4
            n = ip_len - ihl - doff
            if dport == a.port:
                tot["in"] += n
            elif sport == a.port:
                tot["out"] += n
    print(tot["in"], tot["out"])
    return 0


def cmd_ofgen_check(a):
    def load(p):
        with open(p) as f:
            return json.load(f)

    st, ctl, sw = load(a.stats), load(a.ctl), load(a.sw)
    truth = {}
    for doc, d in ((sw, "in"), (ctl, "out")):
        for ver, types in doc.get("sent", {}).items():
            for name, c in types.items():
                k = (ver, d, name)
                m, b = truth.get(k, (0, 0))
                truth[k] = (m + c["msgs"], b + c["bytes"])
    got = {}
    for ver, vd in st.get("versions", {}).items():
        for d in ("in", "out"):
            for name, c in (vd.get(d) or {}).items():
                if name.startswith("OFPT_") and c["msgs"]:
                    got[(ver, d, name)] = (c["msgs"], c["bytes"])
    bad = 0
    print("%-4s %-3s %-26s %10s %12s %10s %12s" % (
        "ver", "dir", "type", "ofgen", "bytes", "ofxdp", "bytes"))
    for k in sorted(set(truth) | set(got)):
        t, g = truth.get(k, (0, 0)), got.get(k, (0, 0))
        if a.at_most:
            ok = g[0] <= t[0] and g[1] <= t[1]
        else:
            ok = t == g
        bad += not ok
        print("%-4s %-3s %-26s %10d %12d %10d %12d%s" % (
            k[0], k[1], k[2], t[0], t[1], g[0], g[1],
            "" if ok else "   <-- DIFFERS"))
    tm = sum(v[0] for v in truth.values())
    gm = sum(v[0] for v in got.values())
    print("total: ofgen %d msgs %d bytes, ofxdp %d msgs %d bytes" % (
        tm, sum(v[1] for v in truth.values()), gm,
        sum(v[1] for v in got.values())))
    if not tm:
        print("traffic check: ofgen sent nothing")
        bad += 1
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("garbage")
    g.add_argument("host")
    g.add_argument("port", type=int)
    g.add_argument("--conns", type=int, default=8)
    g.add_argument("--rate", type=int, default=0)
    g.add_argument("--seconds", type=float, default=10)
    g.add_argument("--per-conn", type=int, default=4 << 20)
    g.add_argument("--seed", type=int, default=1)
    j = sub.add_parser("junk")
    j.add_argument("iface")
    j.add_argument("dst_mac")
    j.add_argument("src_ip")
    j.add_argument("dst_ip")
    j.add_argument("port", type=int)
    j.add_argument("--count", type=int, default=1000)
    j.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("synflood")
    s.add_argument("dst")
    s.add_argument("port", type=int)
    s.add_argument("--count", type=int, default=100000)
    s.add_argument("--rate", type=int, default=0)
    s.add_argument("--src", required=True)
    s.add_argument("--seed", type=int, default=1)
    k = sub.add_parser("sink")
    k.add_argument("tcp_host")
    k.add_argument("udp_host")
    k.add_argument("port", type=int)
    k.add_argument("--seconds", type=float, default=60)
    r = sub.add_parser("restprobe")
    r.add_argument("url")
    r.add_argument("--period", type=float, default=0.25)
    r.add_argument("--seconds", type=float, default=10)
    r.add_argument("--max-time", type=float, default=1)
    t = sub.add_parser("tcp-bytes")
    t.add_argument("pcap")
    t.add_argument("port", type=int)
    o = sub.add_parser("ofgen-check")
    o.add_argument("stats")
    o.add_argument("ctl")
    o.add_argument("sw")
    o.add_argument("--at-most", action="store_true")
    a = p.parse_args()
    return {"garbage": cmd_garbage, "junk": cmd_junk,
            "synflood": cmd_synflood, "sink": cmd_sink, "restprobe": cmd_restprobe, "tcp-bytes": cmd_tcp_bytes,
            "ofgen-check": cmd_ofgen_check}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
