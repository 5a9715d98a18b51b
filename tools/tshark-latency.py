#!/usr/bin/env python3
"""OpenFlow request/reply latency of a capture with tshark: the oracle of
ofxdp's latency engine (issue 8, the contract in the project notes).

tshark frames and reassembles the OpenFlow messages (TCP reassembly, also of
out-of-order segments unless --lossy) and gives, per message: the time of
the frame that completes it (frame.time_epoch), tcp.stream, the endpoints,
version, type, xid, and where its dissector exposes them the buffer_id of
PACKET_IN/PACKET_OUT/FLOW_MOD and the flags of multipart replies. What
tshark 4.0 does not expose (the frame a PACKET_IN/PACKET_OUT carries, the
1.0 stats flags, every field of 1.1/1.2 messages, which it does not
dissect) is read from the message's bytes (tcp.payload or
tcp.reassembled.data at the position of tshark's OpenFlow PDU). Where both
exist they are compared: a disagreement is reported on stderr and in
"oracle"."field_disagreements".

The switch side of each connection is decided exactly as
tools/tshark-ofcount.py does (imported: its scan() and report()): the
first message only a switch or only a controller sends, else the SYN's
sender, else the port. FROM = the role of the side that sent the request.

Matching (the contract): a request is answered by the first later message
of its reply type with the same xid on the same connection from the other
side, several pending requests of one kind, side and xid oldest first; an
OFPT_ERROR with that xid from the other side ends the oldest pending
request of any kind with that xid (error_replies, no sample). A reply more
than 5 s after its request does not match: the request is unreplied (also
when no reply comes before the file ends) and the reply an orphan.
orphan_replies: reply-type messages that match no pending request, except
later parts of a multipart reply whose first part matched. "multipart"
samples the first reply part, "multipart_complete" the part without MORE.
PACKET_IN (from the switch) is answered by the first later PACKET_OUT or
FLOW_MOD from the other side with its buffer_id (matched_by_buffer_id),
or, when the PACKET_IN has no buffer (0xffffffff), by a PACKET_OUT without
buffer carrying the same frame (same length, same first min(length, 64)
bytes; matched_by_data). A PACKET_OUT/FLOW_MOD with a buffer_id that no
pending PACKET_IN has is an orphan; an unbuffered one that matches nothing
is not. Percentiles: nearest rank of the exact sorted samples; mean =
floor(sum / count); all times in ns.

Where the contract is silent this oracle chooses (say so when it differs):
- an orphan reply's FROM is the role of the side opposite its sender (the
  side that would have sent the request);
- an OFPT_ERROR that ends no pending request is counted nowhere;
- a multipart request is one pending request for both kinds: no reply =
  unreplied in multipart and multipart_complete; an error before the first
  part = error_replies in both, after it = in multipart_complete only; a
  last part more than 5 s after the request = multipart_complete unreplied
  (and no orphan); orphan multipart parts count in "multipart" only;
- a PACKET_IN's frame is the data it carries (message length minus the
  offset of its data), not total_len; likewise a PACKET_OUT's;
- "later" is frame order; a latency is the difference of the two capture
  times (ns, integer arithmetic on tshark's decimal time).

Output (--json): {"latency": {KIND: {FROM: {"count", "unreplied",
"error_replies", "orphan_replies", "min_ns", "p50_ns", "p90_ns", "p99_ns",
"p999_ns", "max_ns", "mean_ns"[, "matched_by_buffer_id",
"matched_by_data"]}}}, "oracle": {"messages", "undissected_versions",
"field_disagreements", "truncated"}}; an entry only when one of its
counters is non-zero; percentiles null when count is 0. Without --json: a
table. --messages: one JSON line per OpenFlow message (what was extracted)
instead.

--compare OFXDP_JSON: compare with the "latency" object of
`ofxdp read FILE --json` output (- = stdin): counters exactly, min/max
within 1 us, percentiles and mean within 1 % relative + 1 us (--tol-rel,
--tol-ns: other tolerances, for a live capture compared with a tcpdump of
the same traffic); prints a table and exits 1 on any difference (or when
ofxdp printed no "latency").

Usage: tshark-latency.py FILE [--of-port P,...] [--lossy] [--json]
                         [--messages] [--compare OFXDP_JSON]
                         [--tol-rel R] [--tol-ns N]
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True


def _load_ofcount():
    """tools/tshark-ofcount.py as a module (its name has a dash)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "tshark-ofcount.py")
    spec = importlib.util.spec_from_file_location("tshark_ofcount", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


OFC = _load_ofcount()

WINDOW_NS = 5 * 10**9
NO_BUFFER = 0xffffffff
DATA_PREFIX = 64
ALL_VERSIONS = (1, 2, 3, 4, 5, 6)  # wire versions 1.0 .. 1.5
VERSION_NAMES = {1: "1.0", 2: "1.1", 3: "1.2", 4: "1.3", 5: "1.4",
                 6: "1.5"}
T_ERROR, T_PACKET_IN, T_PACKET_OUT, T_FLOW_MOD = 1, 10, 13, 14

# The one table of request -> reply kinds: (kind, request type, reply
# type, wire versions). Output order is the contract's.
KINDS = (
    ("echo", 2, 3, ALL_VERSIONS),
    ("features", 5, 6, ALL_VERSIONS),
    ("get_config", 7, 8, ALL_VERSIONS),
    ("barrier", 18, 19, (1,)),
    ("barrier", 20, 21, (2, 3, 4, 5, 6)),
    ("multipart", 16, 17, (1,)),
    ("multipart", 18, 19, (2, 3, 4, 5, 6)),
    ("queue_get_config", 20, 21, (1,)),
    ("queue_get_config", 22, 23, (2, 3, 4)),
    ("role", 24, 25, (3, 4, 5, 6)),
    ("get_async", 26, 27, (4, 5, 6)),
)
REQUESTS = {(v, rq): k for k, rq, _, vs in KINDS for v in vs}
REPLIES = {(v, rp): k for k, _, rp, vs in KINDS for v in vs}
KIND_ORDER = ("echo", "features", "get_config", "barrier", "multipart",
              "multipart_complete", "queue_get_config", "role", "get_async",
              "packet_in")
SIDES = ("controller", "switch")
COUNTERS = ("count", "unreplied", "error_replies", "orphan_replies")
PKT_IN_COUNTERS = ("matched_by_buffer_id", "matched_by_data")
PCTS = (("p50_ns", 50, 100), ("p90_ns", 90, 100), ("p99_ns", 99, 100),
        ("p999_ns", 999, 1000))
STAT_FIELDS = ("min_ns",) + tuple(p[0] for p in PCTS) + ("max_ns",
                                                         "mean_ns")

# tshark fields that expose what is also read from the bytes:
# (proto, OFPT type) -> field name (searched in the PDU's own tree).
TS_BUFFER_ID = {("openflow_v1", T_PACKET_IN): "openflow.buffer_id",
                ("openflow_v1", T_PACKET_OUT): "openflow.buffer_id",
                ("openflow_v1", T_FLOW_MOD): "openflow.buffer_id"}
for _p in ("openflow_v4", "openflow_v5", "openflow_v6"):
    TS_BUFFER_ID[(_p, T_PACKET_IN)] = _p + ".packet_in.buffer_id"
    TS_BUFFER_ID[(_p, T_PACKET_OUT)] = _p + ".packet_out.buffer_id"
    TS_BUFFER_ID[(_p, T_FLOW_MOD)] = _p + ".flowmod.buffer_id"
TS_MP_FLAGS = {"openflow_v1": "openflow.flags",  # a direct child only
               "openflow_v4": "openflow_v4.multipart_reply.flags",
               "openflow_v5": "openflow_v5.multipart_reply.flags",
               "openflow_v6": "openflow_v6.multipart_reply.flags"}
PROTO_VERSION = {"openflow_v1": 1, "openflow_v4": 4, "openflow_v5": 5,
                 "openflow_v6": 6}


def be(b, off, n):
    """Big-endian unsigned of n bytes at off, None when b is too short."""
    if b is None or len(b) < off + n:
        return None
    return int.from_bytes(b[off:off + n], "big")


def match_len(b, off):
    """Padded length of the ofp_match (1.2+) at off, None if unreadable."""
    n = be(b, off + 2, 2)
    return None if n is None else (n + 7) // 8 * 8


def buffer_id_of(ver, typ, b):
    """buffer_id of a PACKET_IN, PACKET_OUT or FLOW_MOD from its bytes."""
    if typ in (T_PACKET_IN, T_PACKET_OUT):
        return be(b, 8, 4)  # right after the header in every version
    if typ == T_FLOW_MOD:  # 1.0: after the 40-byte match, cookie,
        return be(b, 64, 4) if ver == 1 else be(b, 32, 4)  # command...
    return None


def data_offset(ver, typ, b):
    """Offset of the frame a PACKET_IN/PACKET_OUT carries, or None."""
    if typ == T_PACKET_IN:
        if ver == 1:
            return 18
        if ver == 2:
            return 24
        ml = match_len(b, 16 if ver == 3 else 24)  # 1.3+: cookie first
        return None if ml is None else (16 if ver == 3 else 24) + ml + 2
    if typ == T_PACKET_OUT:
        if ver == 1:
            al = be(b, 14, 2)
            return None if al is None else 16 + al
        if ver in (2, 3, 4, 5):
            al = be(b, 16, 2)
            return None if al is None else 24 + al
        al, ml = be(b, 12, 2), match_len(b, 16)  # 1.5: match, actions
        return None if al is None or ml is None else 16 + ml + al
    return None


def ns_of(epoch):
    """'1700000000.001500000' -> 1700000000001500000 (no float)."""
    sec, _, frac = epoch.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def run_tshark(path, ports, lossy):
    """Parse tshark's PDML of path: (messages in frame order, ofcount's
    connection state for the roles, oracle diagnostics)."""
    ooo = "FALSE" if lossy else "TRUE"
    cmd = ["tshark", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:" + ooo,
           "-o", "gui.max_tree_depth:100000", "-T", "pdml"]
    for p in ports:
        cmd += ["-d", "tcp.port==%s,openflow" % p]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    msgs, conns = [], {}
    diag = {"messages": 0, "undissected_versions": {},
            "fields_checked": 0, "field_disagreements": 0, "truncated": 0}
    try:
        for _, elem in ET.iterparse(proc.stdout):
            if elem.tag == "packet":
                OFC.scan(elem, ports, False, conns)
                packet_messages(elem, ports, msgs, diag)
                elem.clear()
    except ET.ParseError:
        pass  # no or truncated output: tshark's exit status tells
    proc.wait()
    if proc.returncode:
        sys.exit("tshark failed on %s" % path)
    diag["messages"] = len(msgs)
    return msgs, conns, diag


def packet_messages(elem, ports, msgs, diag):
    """Append the OpenFlow messages tshark completes in this frame."""
    pkt, buffers = {}, []
    for proto in elem.findall("proto"):
        name = proto.get("name")
        if name == "frame":
            for f in proto.findall("field"):
                if f.get("name") in ("frame.time_epoch", "frame.number"):
                    pkt[f.get("name")] = f.get("show")
        elif name in ("ip", "ipv6"):
            for f in proto.findall("field"):
                if f.get("name") in (name + ".src", name + ".dst"):
                    pkt[f.get("name").split(".")[1]] = f.get("show")
        elif name == "tcp":
            for f in proto.iter("field"):
                n = f.get("name")
                if n in ("tcp.srcport", "tcp.dstport", "tcp.stream") and \
                        n not in pkt:
                    pkt[n] = f.get("show")
                elif n == "tcp.payload":
                    buffers.append((int(f.get("pos")), f.get("value")))
    # A message that spans segments: tshark puts the reassembled bytes in
    # the tcp tree or, when the frame also holds other PDUs, beside it.
    for f in elem.iter("field"):
        if f.get("name") == "tcp.reassembled.data":
            buffers.append((0, f.get("value")))
    if "tcp.stream" not in pkt or not (pkt.get("tcp.srcport") in ports or
                                       pkt.get("tcp.dstport") in ports):
        return
    base = {"frame": int(pkt["frame.number"]),
            "t_ns": ns_of(pkt["frame.time_epoch"]),
            "stream": int(pkt["tcp.stream"]),
            "src": OFC.endpoint(pkt.get("src", "?"), pkt["tcp.srcport"]),
            "dst": OFC.endpoint(pkt.get("dst", "?"), pkt["tcp.dstport"])}
    for proto in elem.findall("proto"):
        name = proto.get("name")
        if name in OFC.PROTOS:
            m = dissected_message(proto, buffers, diag, base["frame"])
        elif name == "fake-field-wrapper":  # 1.1/1.2: tshark only frames
            for v in proto.findall("field"):
                if v.get("name") == "openflow.version":
                    m = raw_message(v, buffers, diag)
                    if m:
                        msgs.append(dict(base, **m))
            continue
        else:
            continue
        if m:
            msgs.append(dict(base, **m))


def dissected_message(proto, buffers, diag, frame):
    """A message of a version tshark dissects (1.0, 1.3, 1.4, 1.5)."""
    name = proto.get("name")
    _, pfx, tfield, lfield = OFC.PROTOS[name]
    fields = {}
    for f in proto.findall("field"):
        fields.setdefault(f.get("name"), f)
    xfield = pfx + ".xid" if name != "openflow_v1" else "openflow.xid"
    if not all(k in fields for k in (tfield, lfield, xfield)):
        return None
    typ = OFC.shown(fields[tfield])[1]
    xid = int(fields[xfield].get("show"), 0)
    length = int(fields[lfield].get("show"), 0)
    header = bytes.fromhex(fields[tfield].get("value") +
                           fields[lfield].get("value") +
                           fields[xfield].get("value"))
    raw = OFC.message_bytes(proto, buffers, header)
    ver = PROTO_VERSION[name]
    m = {"frame": frame, "version": ver, "type": typ, "xid": xid,
         "length": length}
    body_fields(m, raw, diag)
    # tshark's own fields, where it has them, win over the bytes.
    ts_field = TS_BUFFER_ID.get((name, typ))
    if ts_field:
        f = next((x for x in proto.iter("field")
                  if x.get("name") == ts_field), None)
        if f is not None:
            ts_val = int(f.get("value"), 16)
            check(m, "buffer_id", ts_val, diag)
    if typ in (17, 19) and REPLIES.get((ver, typ)) == "multipart":
        ts_field = TS_MP_FLAGS.get(name)
        f = fields.get(ts_field) if name == "openflow_v1" else next(
            (x for x in proto.iter("field") if x.get("name") == ts_field),
            None)
        if f is not None:
            check(m, "more", bool(int(f.get("value"), 16) & 1), diag)
    return m


def check(m, key, ts_val, diag):
    """Take tshark's value of key; count a disagreement with the bytes."""
    diag["fields_checked"] += m.get(key) is not None
    if m.get(key) is not None and m[key] != ts_val:
        diag["field_disagreements"] += 1
        print("tshark-latency: frame %s: %s tshark %r, bytes %r" %
              (m.get("frame", "?"), key, ts_val, m[key]), file=sys.stderr)
    m[key] = ts_val


def raw_message(vfield, buffers, diag):
    """A message tshark frames but does not dissect (1.1, 1.2): all from
    the bytes at the position of its version field."""
    try:
        pos, ver = int(vfield.get("pos")), int(vfield.get("show"), 0)
    except (TypeError, ValueError):
        return None
    for bpos, data in buffers:
        off = pos - bpos
        if not data or off < 0 or 2 * (off + 8) > len(data):
            continue
        head = bytes.fromhex(data[2 * off:2 * (off + 8)])
        length = be(head, 2, 2)
        if head[0] != ver or length < 8:
            continue
        raw = bytes.fromhex(data[2 * off:2 * (off + length)])
        name = VERSION_NAMES.get(ver, "0x%02x" % ver)
        diag["undissected_versions"][name] = \
            diag["undissected_versions"].get(name, 0) + 1
        m = {"version": ver, "type": head[1], "xid": be(head, 4, 4),
             "length": length}
        body_fields(m, raw, diag)
        return m
    return None


def body_fields(m, raw, diag):
    """buffer_id, carried frame and MORE of m from its bytes (raw: the
    whole message, or None/short when the capture lacks bytes)."""
    ver, typ = m["version"], m["type"]
    complete = raw is not None and len(raw) >= m["length"]
    if typ in (T_PACKET_IN, T_PACKET_OUT, T_FLOW_MOD):
        m["buffer_id"] = buffer_id_of(ver, typ, raw)
        off = data_offset(ver, typ, raw)
        if off is not None and complete and off <= m["length"]:
            d = raw[off:m["length"]]
            m["data_len"] = len(d)
            m["data64"] = d[:DATA_PREFIX].hex()
        elif typ != T_FLOW_MOD:
            diag["truncated"] += 1
    if REPLIES.get((ver, typ)) == "multipart":
        fl = be(raw, 10, 2)  # flags after the 2-byte stats/multipart type
        m["more"] = None if fl is None else bool(fl & 1)


def roles(conns, ports):
    """tcp.stream -> the switch's endpoint, by tshark-ofcount's rules."""
    _, connections = OFC.report(conns, ports, False)
    return {int(s): c["switch"] for s, c in zip(conns, connections)}


class Stats:
    """Counters and samples per (kind, FROM)."""

    def __init__(self):
        self.e = {}

    def get(self, kind, side):
        return self.e.setdefault((kind, side), {
            "samples": [], "count": 0, "unreplied": 0, "error_replies": 0,
            "orphan_replies": 0, "matched_by_buffer_id": 0,
            "matched_by_data": 0})

    def add(self, kind, side, what, n=1):
        self.get(kind, side)[what] += n

    def sample(self, kind, side, ns):
        e = self.get(kind, side)
        e["samples"].append(ns)
        e["count"] += 1

    def json(self):
        out = {}
        for kind in KIND_ORDER:
            for side in SIDES:
                e = self.e.get((kind, side))
                if e is None or not any(e[c] for c in COUNTERS):
                    continue
                out.setdefault(kind, {})[side] = summary(kind, e)
        return out


def summary(kind, e):
    """One FROM entry of the contract from counters and samples."""
    s = sorted(e["samples"])
    n = len(s)
    r = {c: e[c] for c in COUNTERS}
    r["min_ns"] = s[0] if n else None
    for key, num, den in PCTS:  # nearest rank: ceil(p * n)
        r[key] = s[max(1, -(-num * n // den)) - 1] if n else None
    r["max_ns"] = s[-1] if n else None
    r["mean_ns"] = sum(s) // n if n else None
    if kind == "packet_in":
        for c in PKT_IN_COUNTERS:
            r[c] = e[c]
    return r


class Pending:
    """One request awaiting its reply."""
    __slots__ = ("kind", "side", "xid", "t", "key", "first", "done",
                 "late")

    def __init__(self, kind, side, xid, t, key=None):
        self.kind, self.side, self.xid, self.t = kind, side, xid, t
        self.key = key          # packet_in: ("buf", id) / ("data", n, hex)
        self.first = False      # multipart: first reply part seen
        self.done = False
        self.late = False       # multipart: complete counted unreplied


class Join:
    """The contract's request/reply join over messages in frame order."""

    def __init__(self, switch_of):
        self.st = Stats()
        self.switch_of = switch_of
        self.pend = {}  # (stream, requester endpoint) -> [Pending], oldest
        #                 first

    def role(self, m, sender):
        return "switch" if self.switch_of.get(m["stream"]) == sender \
            else "controller"

    def expire(self, p, t):
        """Is p past the window at t? Then it is unreplied (and done)."""
        if t - p.t <= WINDOW_NS:
            return False
        if p.kind == "multipart":
            if not p.first:
                self.st.add("multipart", p.side, "unreplied")
            if not p.late:
                self.st.add("multipart_complete", p.side, "unreplied")
        else:
            self.st.add(p.kind, p.side, "unreplied")
        p.done = True
        return True

    def oldest(self, q, t, pred):
        """The oldest pending request in q that pred accepts and that is
        within the window at t (those past it become unreplied)."""
        for p in q:
            if not p.done and pred(p) and not self.expire(p, t):
                return p
        return None

    def message(self, m):
        st = self.st
        t, ver, typ, xid = m["t_ns"], m["version"], m["type"], m["xid"]
        if ver not in VERSION_NAMES:
            return  # not OpenFlow 1.0-1.5: no types to match
        me, peer = m["src"], m["dst"]
        mine = self.pend.setdefault((m["stream"], me), [])
        theirs = self.pend.setdefault((m["stream"], peer), [])
        while theirs and theirs[0].done:  # memory stays bounded
            theirs.pop(0)
        kind = REQUESTS.get((ver, typ))
        if kind:
            mine.append(Pending(kind, self.role(m, me), xid, t))
        elif typ == T_PACKET_IN:
            b = m.get("buffer_id")
            if b is not None and (b != NO_BUFFER or "data_len" in m):
                key = ("buf", b) if b != NO_BUFFER else \
                    ("data", m["data_len"], m["data64"])
                mine.append(Pending("packet_in", self.role(m, me), xid, t,
                                    key))
        kind = REPLIES.get((ver, typ))
        if kind == "multipart":
            self.multipart_part(m, theirs, self.role(m, peer))
        elif kind:
            p = self.oldest(theirs, t,
                            lambda p: p.kind == kind and p.xid == xid)
            if p:
                st.sample(kind, p.side, t - p.t)
                p.done = True
            else:
                st.add(kind, self.role(m, peer), "orphan_replies")
        elif typ == T_ERROR:
            p = self.oldest(theirs, t, lambda p: p.xid == xid)
            if p:
                if p.kind != "multipart":
                    st.add(p.kind, p.side, "error_replies")
                else:
                    if not p.first:
                        st.add("multipart", p.side, "error_replies")
                    st.add("multipart_complete", p.side, "error_replies")
                p.done = True
        elif typ in (T_PACKET_OUT, T_FLOW_MOD):
            self.packet_in_answer(m, theirs, self.role(m, peer))

    def multipart_part(self, m, theirs, peer_role):
        """One part of a multipart (stats) reply: it belongs to the oldest
        request with its xid that is within the window or whose first part
        came (a later part, even past the window, is no orphan)."""
        st, t, xid = self.st, m["t_ns"], m["xid"]
        p = None
        for q in theirs:
            if q.done or q.kind != "multipart" or q.xid != xid:
                continue
            if q.first or not self.expire(q, t):
                p = q
                break
        if p is None:
            st.add("multipart", peer_role, "orphan_replies")
            return
        late = t - p.t > WINDOW_NS
        if not p.first:
            st.sample("multipart", p.side, t - p.t)
            p.first = True
        if late and not p.late:
            st.add("multipart_complete", p.side, "unreplied")
            p.late = True
        if m.get("more") is False:
            if not p.late:
                st.sample("multipart_complete", p.side, t - p.t)
            p.done = True

    def packet_in_answer(self, m, theirs, peer_role):
        """A PACKET_OUT or FLOW_MOD: the answer of a pending PACKET_IN?"""
        st, t, b = self.st, m["t_ns"], m.get("buffer_id")
        if b is None:
            return
        if b != NO_BUFFER:
            p = self.oldest(theirs, t, lambda p: p.key == ("buf", b))
            if p:
                st.sample("packet_in", p.side, t - p.t)
                st.add("packet_in", p.side, "matched_by_buffer_id")
                p.done = True
            else:
                st.add("packet_in", peer_role, "orphan_replies")
        elif m["type"] == T_PACKET_OUT and "data_len" in m:
            key = ("data", m["data_len"], m["data64"])
            p = self.oldest(theirs, t, lambda p: p.key == key)
            if p:
                st.sample("packet_in", p.side, t - p.t)
                st.add("packet_in", p.side, "matched_by_data")
                p.done = True

    def end(self):
        """The file ended: whatever still waits is unreplied."""
        for q in self.pend.values():
            for p in q:
                if not p.done:
                    self.expire(p, p.t + WINDOW_NS + 1)
        return self.st


def join(msgs, switch_of):
    """Stats of the join of msgs (frame order)."""
    j = Join(switch_of)
    for m in msgs:
        j.message(m)
    return j.end()


def fmt_ns(v):
    if v is None:
        return "-"
    return "%.3f" % (v / 1e6)


def print_table(lat, out=sys.stdout):
    """Human table of a "latency" object (times in ms)."""
    cols = ("count", "unrepl", "errors", "orphans", "min", "p50", "p90",
            "p99", "p999", "max", "mean", "by_buf", "by_data")
    out.write("%-18s %-10s" % ("kind", "from") +
              "".join("%9s" % c for c in cols) + "   (times in ms)\n")
    for kind in KIND_ORDER:
        for side in SIDES:
            e = (lat.get(kind) or {}).get(side)
            if e is None:
                continue
            vals = [str(e.get(c)) for c in COUNTERS] + \
                [fmt_ns(e.get(f)) for f in STAT_FIELDS] + \
                [str(e.get(c, "")) for c in PKT_IN_COUNTERS]
            out.write("%-18s %-10s" % (kind, side) +
                      "".join("%9s" % v for v in vals) + "\n")
    if not lat:
        out.write("(no request, reply or orphan)\n")


# Tolerances of --compare: min/max within TOL_NS, other times within
# TOL_REL of the oracle's plus TOL_NS. Offline (the same capture) 1 us is
# the pcap time resolution and 1 % the histogram's error; live (--tol-rel,
# --tol-ns) the capture points differ (BPF hook vs tcpdump's timestamp).
TOL = {"rel": 0.01, "ns": 1000}


def within(a, b, field):
    """Does ofxdp's value a agree with the oracle's b for field?"""
    if a is None or b is None:
        return a is None and b is None
    if field in ("min_ns", "max_ns"):
        return abs(a - b) <= TOL["ns"]
    return abs(a - b) <= TOL["rel"] * abs(b) + TOL["ns"]


def compare(oracle, ofxdp_doc, label):
    """Print a table of oracle vs ofxdp; number of differences."""
    if not isinstance(ofxdp_doc, dict) or \
            not isinstance(ofxdp_doc.get("latency"), dict):
        print("%s: ofxdp's JSON has no \"latency\" object" % label)
        return 1
    theirs = ofxdp_doc["latency"]
    diffs, rows = 0, []
    kinds = list(KIND_ORDER) + sorted(set(theirs) - set(KIND_ORDER))
    for kind in kinds:
        tk = theirs.get(kind) or {}
        sides = list(SIDES) + sorted(set(tk) - set(SIDES))
        for side in sides:
            o = (oracle.get(kind) or {}).get(side)
            x = tk.get(side)
            if o is None and x is None:
                continue
            fields = COUNTERS + STAT_FIELDS + \
                (PKT_IN_COUNTERS if kind == "packet_in" else ())
            for f in fields:
                ov = o.get(f) if o else (None if f in STAT_FIELDS else 0)
                xv = x.get(f) if isinstance(x, dict) else None
                if x is None and f not in STAT_FIELDS:
                    xv = 0
                if f in STAT_FIELDS:
                    good = within(xv, ov, f)
                else:
                    good = ov == xv
                if not good:
                    diffs += 1
                rows.append((kind, side, f, ov, xv, good))
    print("%-18s %-10s %-20s %14s %14s" % ("kind", "from", "field",
                                           "tshark", "ofxdp"))
    for kind, side, f, ov, xv, good in rows:
        print("%-18s %-10s %-20s %14s %14s%s" % (
            kind, side, f, "null" if ov is None else ov,
            "null" if xv is None else xv, "" if good else "   <-- DIFFERS"))
    print("%s: %d values compared, %d differ" % (label, len(rows), diffs))
    return diffs


def main():
    ap = argparse.ArgumentParser(
        usage=__doc__.rsplit("Usage: ", 1)[1].strip())
    ap.add_argument("file")
    ap.add_argument("--of-port", default="6653,6633",
                    help="OpenFlow TCP ports, comma separated")
    ap.add_argument("--lossy", action="store_true",
                    help="no reassembly of out-of-order segments")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--messages", action="store_true")
    ap.add_argument("--compare", metavar="OFXDP_JSON")
    ap.add_argument("--tol-rel", type=float, default=TOL["rel"],
                    help="--compare: relative tolerance of times (0.01)")
    ap.add_argument("--tol-ns", type=int, default=TOL["ns"],
                    help="--compare: absolute tolerance of times, ns (1000)")
    a = ap.parse_args()
    TOL["rel"], TOL["ns"] = a.tol_rel, a.tol_ns
    ports = [p for p in a.of_port.split(",") if p]
    msgs, conns, diag = run_tshark(a.file, ports, a.lossy)
    switch_of = roles(conns, ports)
    if a.messages:
        for m in msgs:
            side = "switch" if switch_of.get(m["stream"]) == m["src"] \
                else "controller"
            print(json.dumps(dict(m, sender=side), sort_keys=True))
        return 0
    lat = join(msgs, switch_of).json()
    if a.compare:
        try:
            with (sys.stdin if a.compare == "-" else
                  open(a.compare)) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: cannot read %s: %s" % (a.file, a.compare, e))
            return 1
        return 1 if compare(lat, doc, a.file) else 0
    if a.json:
        json.dump({"latency": lat, "oracle": diag}, sys.stdout, indent=1)
        print()
    else:
        print_table(lat)
        print("oracle: %d messages, undissected %s, %d fields of tshark "
              "checked against the bytes, %d disagreements, %d truncated" % (
                  diag["messages"], diag["undissected_versions"] or "none",
                  diag["fields_checked"], diag["field_disagreements"],
                  diag["truncated"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
