#!/usr/bin/env python3
"""Count OpenFlow messages in a capture with tshark: the independent oracle.

Prints JSON {"1.0": {"in": {"OFPT_HELLO": {"msgs": n, "bytes": b}, ...},
"out": {...}}, "1.3": ...} counting only top-level messages (tshark also
shows the request that an OFPT_ERROR carries as a nested header: that one is
not a message on the wire and is not counted). tshark dissects 1.0, 1.3, 1.4
and 1.5 only. Only TCP connections with an endpoint port in PORTS count.

Direction (the ofxdp contract of issue 7): "in" = switch -> controller,
"out" = controller -> switch. The switch side of each TCP connection is
decided by the first message (in frame order) whose type only a switch
sends (FEATURES_REPLY, PACKET_IN, ..., see SWITCH_TYPES) or only a
controller sends (FEATURES_REQUEST, FLOW_MOD, ..., see CONTROLLER_TYPES),
for the whole connection; without one, the sender of the SYN without ACK is
the switch; without a SYN, the side whose destination port is in PORTS.
--port-direction: the old rule for every message ("in" = destination port
is in PORTS).

Types with subtypes get "subtypes": {"OFPMP_PORT_DESC": {"msgs", "bytes"}}
(multipart/stats type, error type/code, PACKET_IN/FLOW_REMOVED/PORT_STATUS
reason, FLOW_MOD/GROUP_MOD/METER_MOD command, role, bundle control type,
experimenter id:type). The names come from tshark's own value strings
(PDML showname) except where tshark 4.0 has no name or a name that differs
from the specification of that version: those are the explicit tables below
(TSHARK_RENAMES, TSHARK_MISSING, OF10_*). tshark 4.0 does not dissect the
bodies of 1.0 ERROR, VENDOR, FLOW_REMOVED and PORT_STATUS: their subtype
fields are read from the message bytes tshark shows (tcp.payload or
tcp.reassembled.data at the position of tshark's OpenFlow PDU).

--connections adds a top-level "connections" list (one entry per TCP
connection, in capture order): switch, controller ("IP:port", IPv6
"[addr]:port"), datapath_id (first FEATURES_REPLY, "0x%016x", or null),
datapath_ids (all distinct ones, oracle only), datapath_id_last (that of
the last FEATURES_REPLY: the one ofxdp keeps), role_source
("messages"/"opener"/"port"), start ("handshake"/"midstream"), in/out
{"msgs", "bytes"}, versions (the connection's own per version/direction/
type counts with subtypes, same shape as the top-level ones; they sum to
them), and oracle-only extras: undissected_versions (versions
tshark saw but does not dissect, e.g. ["1.2"]: the counts of such a
connection are incomplete), role_conflicts (deciding messages that
contradict the decided role). Off by default: callers that sum over every
top-level key (tests/integration/run.sh ts_total) expect versions only.

tshark reassembles out-of-order segments (-o
tcp.reassemble_out_of_order:TRUE: a capture on a veth can hold a stream's
frames slightly out of order across CPUs, an impaired path more, see
tools/impair); --lossy turns that off
for captures that really lost segments, where tshark would otherwise wait
for the missing bytes and count nothing after them.

Usage: tshark-ofcount.py FILE PORT[,PORT...] [--lossy] [--port-direction]
                         [--connections]
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

# tshark protocol -> (version, field prefix, type field, length field)
PROTOS = {"openflow_v1": ("1.0", "openflow", "openflow_1_0.type",
                          "openflow.length"),
          "openflow_v4": ("1.3", "openflow_v4", "openflow_v4.type",
                          "openflow_v4.length"),
          "openflow_v5": ("1.4", "openflow_v5", "openflow_v5.type",
                          "openflow_v5.length"),
          "openflow_v6": ("1.5", "openflow_v6", "openflow_v6.type",
                          "openflow_v6.length")}

# Role rules of the contract (/tmp/spec/json-shape.md), by tshark's type name
# (tshark names the types per version, e.g. 1.0 STATS_REPLY vs 1.3
# MULTIPART_REPLY, BARRIER 18/19 vs 20/21).
SWITCH_TYPES = {"OFPT_" + t for t in (
    "FEATURES_REPLY", "GET_CONFIG_REPLY", "PACKET_IN", "FLOW_REMOVED",
    "PORT_STATUS", "STATS_REPLY", "MULTIPART_REPLY", "BARRIER_REPLY",
    "QUEUE_GET_CONFIG_REPLY", "ROLE_REPLY", "GET_ASYNC_REPLY", "ROLE_STATUS",
    "TABLE_STATUS", "REQUESTFORWARD", "CONTROLLER_STATUS")}
CONTROLLER_TYPES = {"OFPT_" + t for t in (
    "FEATURES_REQUEST", "GET_CONFIG_REQUEST", "SET_CONFIG", "PACKET_OUT",
    "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD", "STATS_REQUEST",
    "MULTIPART_REQUEST", "BARRIER_REQUEST", "QUEUE_GET_CONFIG_REQUEST",
    "ROLE_REQUEST", "GET_ASYNC_REQUEST", "SET_ASYNC", "METER_MOD")}

# Experimenter/vendor ids the contract names; any other: "0x%08x".
EXPERIMENTERS = {0x00002320: "NICIRA", 0x4f4e4600: "ONF", 0x005c16c7: "BSN"}

# 1.3-1.5 (tshark dissects the body): OFPT type -> (field suffix, prefix of
# the spec names). The name is tshark's when it has the prefix, else
# PREFIX_<number> (contract: unknown values as prefix and number).
V4_SUBFIELDS = {
    "OFPT_PACKET_IN": ("packet_in.reason", "OFPR"),
    "OFPT_FLOW_REMOVED": ("flow_removed.reason", "OFPRR"),
    "OFPT_PORT_STATUS": ("port_status.reason", "OFPPR"),
    "OFPT_FLOW_MOD": ("flowmod.command", "OFPFC"),
    "OFPT_GROUP_MOD": ("groupmod.command", "OFPGC"),
    "OFPT_METER_MOD": ("metermod.command", "OFPMC"),
    "OFPT_ROLE_REQUEST": ("role_request.role", "OFPCR_ROLE"),
    "OFPT_ROLE_REPLY": ("role_reply.role", "OFPCR_ROLE"),
    "OFPT_ROLE_STATUS": ("role_status.role", "OFPCR_ROLE"),
    "OFPT_BUNDLE_CONTROL": ("bundle_control.type", "OFPBCT"),
    "OFPT_MULTIPART_REQUEST": ("multipart_request.type", "OFPMP"),
    "OFPT_MULTIPART_REPLY": ("multipart_reply.type", "OFPMP"),
    "OFPT_TABLE_STATUS": ("table_status.reason", "OFPTR"),
    "OFPT_CONTROLLER_STATUS": ("controller_status.reason", "OFPCSR"),
}

# 1.4+ REQUESTFORWARD has no reason field: the reason is the type of the
# request it carries (OpenFlow 1.5.1 §7.4.6, enum ofp_requestforward_reason).
REQUESTFORWARD_REASONS = {"OFPT_GROUP_MOD": "OFPRFR_GROUP_MOD",
                          "OFPT_METER_MOD": "OFPRFR_METER_MOD"}

# Error type name -> prefix of its code names (for codes tshark cannot
# name: PREFIX_<number>). Spec names, 1.0 to 1.5.
ERROR_CODE_PREFIX = {
    "OFPET_HELLO_FAILED": "OFPHFC", "OFPET_BAD_REQUEST": "OFPBRC",
    "OFPET_BAD_ACTION": "OFPBAC", "OFPET_BAD_INSTRUCTION": "OFPBIC",
    "OFPET_BAD_MATCH": "OFPBMC", "OFPET_FLOW_MOD_FAILED": "OFPFMFC",
    "OFPET_GROUP_MOD_FAILED": "OFPGMFC", "OFPET_PORT_MOD_FAILED": "OFPPMFC",
    "OFPET_TABLE_MOD_FAILED": "OFPTMFC", "OFPET_QUEUE_OP_FAILED": "OFPQOFC",
    "OFPET_SWITCH_CONFIG_FAILED": "OFPSCFC",
    "OFPET_ROLE_REQUEST_FAILED": "OFPRRFC",
    "OFPET_METER_MOD_FAILED": "OFPMMFC",
    "OFPET_TABLE_FEATURES_FAILED": "OFPTFFC",
    "OFPET_BAD_PROPERTY": "OFPBPC", "OFPET_ASYNC_CONFIG_FAILED": "OFPACFC",
    "OFPET_FLOW_MONITOR_FAILED": "OFPMOFC", "OFPET_BUNDLE_FAILED": "OFPBFC",
}

# tshark 4.0 names that differ from the specification of that version
# (checked against the 1.3/1.4/1.5 specs and Ryu's ofproto_v1_x.py):
TSHARK_RENAMES = {
    # OFPET_SWITCH_CONFIG_FAILED code 2: tshark's value string has a typo
    # ("QCFC"); the spec (1.3, 1.4, 1.5) says OFPSCFC_EPERM.
    ("1.3", "OFPQCFC_EPERM"): "OFPSCFC_EPERM",
    ("1.4", "OFPQCFC_EPERM"): "OFPSCFC_EPERM",
    ("1.5", "OFPQCFC_EPERM"): "OFPSCFC_EPERM",
    # 1.5 GROUP_MOD command 5 is OFPGC_REMOVE_BUCKET in the spec.
    ("1.5", "OFPGC_DELETE_BUCKET"): "OFPGC_REMOVE_BUCKET",
    # 1.5 OFPET_BAD_ACTION code 17 is OFPBAC_BAD_METER in the spec.
    ("1.5", "OFPBAC_BAD_SET_METER"): "OFPBAC_BAD_METER",
}

# 1.5 error codes that tshark 4.0's value strings lack (it shows the bare
# number): (version, error type, code) -> spec name.
TSHARK_MISSING = {
    ("1.5", "OFPET_BAD_REQUEST", 16): "OFPBRC_MULTIPART_BAD_SCHED",
    ("1.5", "OFPET_BAD_REQUEST", 17): "OFPBRC_PIPELINE_FIELDS_ONLY",
    ("1.5", "OFPET_BAD_REQUEST", 18): "OFPBRC_UNKNOWN",
    ("1.5", "OFPET_FLOW_MOD_FAILED", 10): "OFPFMFC_IS_SYNC",
    ("1.5", "OFPET_GROUP_MOD_FAILED", 15): "OFPGMFC_UNKNOWN_BUCKET",
    ("1.5", "OFPET_GROUP_MOD_FAILED", 16): "OFPGMFC_BUCKET_EXISTS",
    ("1.5", "OFPET_ROLE_REQUEST_FAILED", 3): "OFPRRFC_ID_UNSUP",
    ("1.5", "OFPET_ROLE_REQUEST_FAILED", 4): "OFPRRFC_ID_IN_USE",
    ("1.5", "OFPET_TABLE_FEATURES_FAILED", 6): "OFPTFFC_BAD_CAPA",
    ("1.5", "OFPET_TABLE_FEATURES_FAILED", 7): "OFPTFFC_BAD_MAX_ENT",
    ("1.5", "OFPET_TABLE_FEATURES_FAILED", 8): "OFPTFFC_BAD_FEATURES",
    ("1.5", "OFPET_TABLE_FEATURES_FAILED", 9): "OFPTFFC_BAD_COMMAND",
    ("1.5", "OFPET_TABLE_FEATURES_FAILED", 10): "OFPTFFC_TOO_MANY",
    ("1.5", "OFPET_BUNDLE_FAILED", 16): "OFPBFC_SCHED_NOT_SUPPORTED",
    ("1.5", "OFPET_BUNDLE_FAILED", 17): "OFPBFC_SCHED_FUTURE",
    ("1.5", "OFPET_BUNDLE_FAILED", 18): "OFPBFC_SCHED_PAST",
}

# OpenFlow 1.0. tshark 4.0 names PACKET_IN reasons and FLOW_MOD commands
# with descriptions ("No matching flow (table-miss flow entry)", "New flow",
# ...) and even a reason 2 ("Packet has invalid TTL") that 1.0 does not
# have: the number tshark shows is mapped to the 1.0 spec name.
OF10_PACKET_IN_REASON = {0: "OFPR_NO_MATCH", 1: "OFPR_ACTION"}
OF10_FLOW_MOD_COMMAND = {0: "OFPFC_ADD", 1: "OFPFC_MODIFY",
                         2: "OFPFC_MODIFY_STRICT", 3: "OFPFC_DELETE",
                         4: "OFPFC_DELETE_STRICT"}
# Bodies tshark 4.0 does not dissect in 1.0 (decoded from the bytes, 1.0
# spec names and offsets).
OF10_FLOW_REMOVED_REASON = {0: "OFPRR_IDLE_TIMEOUT", 1: "OFPRR_HARD_TIMEOUT",
                            2: "OFPRR_DELETE"}           # u8 at offset 58
OF10_PORT_STATUS_REASON = {0: "OFPPR_ADD", 1: "OFPPR_DELETE",
                           2: "OFPPR_MODIFY"}            # u8 at offset 8
OF10_ERRORS = {  # type u16 at 8, code u16 at 10
    0: ("OFPET_HELLO_FAILED", ["OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM"]),
    1: ("OFPET_BAD_REQUEST", [
        "OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_STAT",
        "OFPBRC_BAD_VENDOR", "OFPBRC_BAD_SUBTYPE", "OFPBRC_EPERM",
        "OFPBRC_BAD_LEN", "OFPBRC_BUFFER_EMPTY", "OFPBRC_BUFFER_UNKNOWN"]),
    2: ("OFPET_BAD_ACTION", [
        "OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_VENDOR",
        "OFPBAC_BAD_VENDOR_TYPE", "OFPBAC_BAD_OUT_PORT",
        "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM", "OFPBAC_TOO_MANY",
        "OFPBAC_BAD_QUEUE"]),
    3: ("OFPET_FLOW_MOD_FAILED", [
        "OFPFMFC_ALL_TABLES_FULL", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM",
        "OFPFMFC_BAD_EMERG_TIMEOUT", "OFPFMFC_BAD_COMMAND",
        "OFPFMFC_UNSUPPORTED"]),
    4: ("OFPET_PORT_MOD_FAILED", ["OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR"]),
    5: ("OFPET_QUEUE_OP_FAILED", [
        "OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM"]),
}

VALUE_RE = re.compile(r"^(.*?)\s*\((0x[0-9a-fA-F]+|\d+)\)$")


def shown(field):
    """(name, number) of a value-string field: "Type: OFPMP_DESC (0)" ->
    ("OFPMP_DESC", 0); "Code: 60000" -> (None, 60000)."""
    text = (field.get("showname") or "").split(": ", 1)[-1].strip()
    m = VALUE_RE.match(text)
    if m:
        return m.group(1).strip(), int(m.group(2), 0)
    try:
        return None, int(field.get("show"), 0)
    except (TypeError, ValueError):
        return None, None


def named(ver, field, prefix):
    """Spec name of a value-string field: tshark's name if it has the
    expected prefix (after TSHARK_RENAMES), else PREFIX_<number>."""
    name, num = shown(field)
    if name:
        name = TSHARK_RENAMES.get((ver, name), name)
    if name and name.startswith(prefix + "_"):
        return name
    return "%s_%s" % (prefix, num)


def exp_name(exp, exp_type=None):
    s = EXPERIMENTERS.get(exp, "0x%08x" % exp)
    return s if exp_type is None else "%s:%u" % (s, exp_type)


def hexint(field):
    if field is None:
        return None
    try:
        return int(field.get("value"), 16)
    except (TypeError, ValueError):
        return None


def u(body, off, n):
    if body is None or len(body) < off + n:
        return None
    return int.from_bytes(body[off:off + n], "big")


def subtype_v4(ver, pfx, tname, fields):
    """Subtype of a 1.3/1.4/1.5 message from tshark's fields."""
    f = lambda suffix: fields.get(pfx + "." + suffix)  # noqa: E731
    if tname == "OFPT_ERROR":
        ft = f("error.type")
        if ft is None:
            return None
        tn, tnum = shown(ft)
        if not (tn and tn.startswith("OFPET_")):
            tn = "OFPET_%s" % tnum
        _, code = shown(f("error.code")) if f("error.code") is not None \
            else (None, None)
        if code is None:
            return None
        if tn == "OFPET_EXPERIMENTER":
            exp = hexint(f("error.experimenter"))
            return None if exp is None else tn + "/" + exp_name(exp, code)
        prefix = ERROR_CODE_PREFIX.get(tn)
        if prefix is None:  # error type unknown to tshark and the spec
            return "%s/%u" % (tn, code)
        cname = named(ver, f("error.code"), prefix)
        cname = TSHARK_MISSING.get((ver, tn, code), cname)
        return tn + "/" + cname
    if tname == "OFPT_EXPERIMENTER":
        exp = hexint(f("experimenter.experimenter"))
        _, et = shown(f("experimenter.exp_type")) \
            if f("experimenter.exp_type") is not None else (None, None)
        if exp is None or et is None:
            return None
        return exp_name(exp, et)
    if tname == "OFPT_REQUESTFORWARD":
        req = fields.get("")  # the unnamed "Request" subtree
        for ff in (req.findall("field") if req is not None else []):
            if ff.get("name") == pfx + ".type":
                return REQUESTFORWARD_REASONS.get(shown(ff)[0])
        return None
    sf = V4_SUBFIELDS.get(tname)
    if sf is None or f(sf[0]) is None:
        return None
    name = named(ver, f(sf[0]), sf[1])
    if name == "OFPMP_EXPERIMENTER":
        kind = sf[0].split(".")[0]  # multipart_request / multipart_reply
        exp = hexint(f(kind + ".experimenter.experimenter"))
        et = f(kind + ".experimenter.exp_type")
        if exp is None or et is None:
            return None
        return exp_name(exp, shown(et)[1])
    return name


def subtype_v1(tname, fields, length, body):
    """Subtype of a 1.0 message: tshark's fields where it dissects the
    body, else the message bytes (body: the whole message, or None)."""
    if tname in ("OFPT_STATS_REQUEST", "OFPT_STATS_REPLY"):
        ft = fields.get("openflow.stats.type")
        if ft is None:
            return None
        name, num = shown(ft)
        if name == "OFPST_VENDOR":  # vendor id u32 at 12, subtype u32 at 16
            exp = u(body, 12, 4)
            if exp is None:
                return None
            return exp_name(exp, u(body, 16, 4) if length >= 20 else None)
        return name if name and name.startswith("OFPST_") \
            else "OFPST_%s" % num
    if tname == "OFPT_PACKET_IN":
        f = fields.get("openflow.reason")
        if f is None:
            return None
        num = shown(f)[1]
        return OF10_PACKET_IN_REASON.get(num, "OFPR_%s" % num)
    if tname == "OFPT_FLOW_MOD":
        f = fields.get("openflow.command")
        if f is None:
            return None
        num = shown(f)[1]
        return OF10_FLOW_MOD_COMMAND.get(num, "OFPFC_%s" % num)
    if tname == "OFPT_ERROR":
        t, c = u(body, 8, 2), u(body, 10, 2)
        if t is None or c is None:
            return None
        tn, codes = OF10_ERRORS.get(t, ("OFPET_%u" % t, None))
        if codes is None:
            return "%s/%u" % (tn, c)
        cn = codes[c] if c < len(codes) else "%s_%u" % (
            ERROR_CODE_PREFIX[tn], c)
        return tn + "/" + cn
    if tname == "OFPT_VENDOR":  # vendor u32 at 8, subtype u32 at 12
        exp = u(body, 8, 4)
        if exp is None:
            return None
        return exp_name(exp, u(body, 12, 4) if length >= 16 else None)
    if tname == "OFPT_FLOW_REMOVED":
        r = u(body, 58, 1)
        return None if r is None else \
            OF10_FLOW_REMOVED_REASON.get(r, "OFPRR_%u" % r)
    if tname == "OFPT_PORT_STATUS":
        r = u(body, 8, 1)
        return None if r is None else \
            OF10_PORT_STATUS_REASON.get(r, "OFPPR_%u" % r)
    return None


OF10_RAW_TYPES = {"OFPT_ERROR", "OFPT_VENDOR", "OFPT_FLOW_REMOVED",
                  "OFPT_PORT_STATUS", "OFPT_STATS_REQUEST",
                  "OFPT_STATS_REPLY"}


def message_bytes(proto, buffers, header):
    """The bytes of tshark's OpenFlow PDU `proto`: the data source is the
    frame's TCP payload or tshark's reassembled data; the one whose bytes at
    the PDU's position are the header tshark decoded is it."""
    try:
        pos, size = int(proto.get("pos")), int(proto.get("size"))
    except (TypeError, ValueError):
        return None
    for base, data in buffers:
        off = pos - base
        if not data or off < 0 or 2 * (off + 8) > len(data):
            continue
        chunk = bytes.fromhex(data[2 * off:2 * (off + max(size, 8))])
        if chunk[1:8] == header:
            return chunk
    return None


def endpoint(ip, port):
    return ("[%s]:%s" if ":" in ip else "%s:%s") % (ip, port)


def main():
    args = sys.argv[1:]
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    unknown = flags - {"--lossy", "--port-direction", "--connections"}
    if len(args) != 2 or unknown:
        sys.exit("usage: " + __doc__.rsplit("Usage: ", 1)[1].strip())
    path, ports = args[0], [p for p in args[1].split(",") if p]
    port_dir = "--port-direction" in flags
    ooo = "FALSE" if "--lossy" in flags else "TRUE"
    cmd = ["tshark", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:" + ooo,
           # A segment with hundreds of messages exceeds the default tree
           # depth (500): tshark then silently stops dissecting it.
           "-o", "gui.max_tree_depth:100000", "-T", "pdml"]
    for p in ports:
        cmd += ["-d", "tcp.port==%s,openflow" % p]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    conns = {}   # tcp.stream -> state, see scan()
    try:
        for _, elem in ET.iterparse(proc.stdout):
            if elem.tag == "packet":
                scan(elem, ports, port_dir, conns)
                elem.clear()
    except ET.ParseError:
        pass  # no or truncated output: tshark's exit status tells
    proc.wait()
    if proc.returncode:
        sys.exit("tshark failed on %s" % path)
    counts, connections = report(conns, ports, port_dir)
    if "--connections" in flags:
        counts["connections"] = connections
    json.dump(counts, sys.stdout, indent=1, sort_keys=True)
    print()


def scan(elem, ports, port_dir, conns):
    """Account the OpenFlow messages of one PDML packet to its connection
    (conns is in capture order: dicts keep insertion order)."""
    pkt = {}
    buffers = []
    for proto in elem.findall("proto"):
        name = proto.get("name")
        if name in ("ip", "ipv6"):
            for f in proto.findall("field"):
                if f.get("name") in (name + ".src", name + ".dst"):
                    pkt[f.get("name").split(".")[1]] = f.get("show")
        elif name == "tcp":
            for f in proto.iter("field"):
                n = f.get("name")
                if n in ("tcp.srcport", "tcp.dstport", "tcp.stream",
                         "tcp.flags") and n not in pkt:
                    pkt[n] = f.get("show")
                elif n == "tcp.payload":  # hex, decoded when needed
                    buffers.append((int(f.get("pos")), f.get("value")))
                elif n == "tcp.reassembled.data":
                    buffers.append((0, f.get("value")))
        elif name == "fake-field-wrapper":
            # Reassembled out of order, tshark puts the reassembled data
            # here, not in the tcp tree.
            for f in proto.iter("field"):
                if f.get("name") == "tcp.reassembled.data":
                    buffers.append((0, f.get("value")))
    if "tcp.stream" not in pkt or not (pkt.get("tcp.srcport") in ports or
                                       pkt.get("tcp.dstport") in ports):
        return
    src = endpoint(pkt.get("src", "?"), pkt["tcp.srcport"])
    dst = endpoint(pkt.get("dst", "?"), pkt["tcp.dstport"])
    c = conns.get(pkt["tcp.stream"])
    if c is None:
        c = conns[pkt["tcp.stream"]] = {
            "first": src,        # sender of the first packet
            "syn": None,         # sender of the first SYN without ACK
            "switch": None,      # decided by the first deciding message
            "conflicts": 0, "port": {}, "dpids": [], "last_dpid": None,
            "undissected": set(),
            "sides": {src: {}, dst: {}}}  # sender -> {key: [msgs, bytes]}
    c["sides"].setdefault(src, {})
    c["sides"].setdefault(dst, {})
    c["port"][src] = pkt["tcp.srcport"]
    c["port"][dst] = pkt["tcp.dstport"]
    try:
        tflags = int(pkt.get("tcp.flags", "0"), 16)
    except ValueError:
        tflags = 0
    if tflags & 0x02 and not tflags & 0x10 and c["syn"] is None:
        c["syn"] = src
    for proto in elem.findall("proto"):
        name = proto.get("name")
        if name == "fake-field-wrapper":  # 1.1/1.2: not dissected
            if any(f.get("name") == "openflow.version.unknown"
                   for f in proto.iter("field")):
                for v in proto.findall("field"):
                    if v.get("name") == "openflow.version":
                        n = shown(v)[0]  # "1.2", or "Unknown"
                        if not n or n == "Unknown":
                            n = v.get("show")  # "0x5c"
                        c["undissected"].add(n)
        if name not in PROTOS:
            continue
        ver, pfx, tfield, lfield = PROTOS[name]
        fields = {}
        for f in proto.findall("field"):  # direct children only
            fields.setdefault(f.get("name"), f)
        tname = (shown(fields[tfield])[0] if tfield in fields else "") or ""
        length = int(fields[lfield].get("show")) if lfield in fields else 0
        if ver == "1.0":
            body = None
            if tname in OF10_RAW_TYPES and all(
                    k in fields for k in (tfield, lfield, "openflow.xid")):
                header = bytes.fromhex(fields[tfield].get("value") +
                                       fields[lfield].get("value") +
                                       fields["openflow.xid"].get("value"))
                body = message_bytes(proto, buffers, header)
            sub = subtype_v1(tname, fields, length, body)
            dpid = hexint(fields.get("openflow.datapath_id"))
        else:
            sub = subtype_v4(ver, pfx, tname, fields)
            dpid = hexint(fields.get(pfx + ".switch_features.datapath_id"))
        if tname == "OFPT_FEATURES_REPLY" and dpid is not None:
            if "0x%016x" % dpid not in c["dpids"]:
                c["dpids"].append("0x%016x" % dpid)
            c["last_dpid"] = "0x%016x" % dpid
        if tname in SWITCH_TYPES or tname in CONTROLLER_TYPES:
            sw = src if tname in SWITCH_TYPES else dst
            if c["switch"] is None:
                c["switch"] = sw
            elif c["switch"] != sw:
                c["conflicts"] += 1
        if port_dir:  # old rule, per message: "in" = to an OpenFlow port
            side = "in" if pkt["tcp.dstport"] in ports else "out"
            key = (side, ver, tname, sub)
            e = c.setdefault("by_port", {}).setdefault(key, [0, 0])
        else:
            e = c["sides"][src].setdefault((ver, tname, sub), [0, 0])
        e[0] += 1
        e[1] += length


def report(conns, ports, port_dir):
    """(counts per version/direction/type, connections list)."""
    counts, connections = {}, []
    for c in conns.values():
        sides = list(c["sides"])
        if c["switch"] is not None:
            sw, how = c["switch"], "messages"
        elif c["syn"] is not None:
            sw, how = c["syn"], "opener"
        else:
            # The side whose destination port (its peer's port) is an
            # OpenFlow port; if both are: the first packet's sender.
            cand = [k for k in sides
                    if any(c["port"][o] in ports for o in sides if o != k)]
            sw, how = (cand[0] if len(cand) == 1 else c["first"]), "port"
        ctl = ([k for k in sides if k != sw] or [None])[0]
        conn = {"switch": sw, "controller": ctl,
                "datapath_id": c["dpids"][0] if c["dpids"] else None,
                "datapath_ids": c["dpids"],
                "datapath_id_last": c["last_dpid"],
                "datapath_id_source":
                    "features_reply" if c["dpids"] else None,
                "role_source": "port" if port_dir else how,
                "start": "handshake" if c["syn"] else "midstream",
                "in": {"msgs": 0, "bytes": 0},
                "out": {"msgs": 0, "bytes": 0},
                "undissected_versions": sorted(c["undissected"]),
                "role_conflicts": c["conflicts"],
                "versions": {}}
        if port_dir:
            entries = [(k[0], k[1:], v)
                       for k, v in c.get("by_port", {}).items()]
        else:
            entries = [("in" if side == sw else "out", k, v)
                       for side, es in c["sides"].items()
                       for k, v in es.items()]
        for d, (ver, tname, sub), (m, b) in entries:
            conn[d]["msgs"] += m
            conn[d]["bytes"] += b
            for vers in (counts, conn["versions"]):
                t = vers.setdefault(ver, {"in": {}, "out": {}})[d]
                e = t.setdefault(tname, {"msgs": 0, "bytes": 0})
                e["msgs"] += m
                e["bytes"] += b
                if sub is not None:
                    se = e.setdefault("subtypes", {}).setdefault(
                        sub, {"msgs": 0, "bytes": 0})
                    se["msgs"] += m
                    se["bytes"] += b
        connections.append(conn)
    return counts, connections


if __name__ == "__main__":
    main()
