#!/usr/bin/env python3
"""Count OpenFlow messages in a capture with tshark: the independent oracle.

Prints JSON {"1.0": {"in": {"OFPT_HELLO": {"msgs": n, "bytes": b}, ...},
"out": {...}}, "1.3": ...} counting only top-level messages (tshark also
shows the request that an OFPT_ERROR carries as a nested header: that one is
not a message on the wire and is not counted). "in" = destination port is
an OpenFlow port. tshark dissects 1.0, 1.3, 1.4 and 1.5 only.

tshark reassembles out-of-order segments (a capture on a veth can hold a
stream's frames slightly out of order across CPUs); --lossy turns that off
for captures that really lost segments, where tshark would otherwise wait
for the missing bytes and count nothing after them.

Usage: tshark-ofcount.py FILE PORT[,PORT...] [--lossy]
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

PROTOS = {"openflow_v1": ("1.0", "openflow_1_0.type", "openflow.length"),
          "openflow_v4": ("1.3", "openflow_v4.type", "openflow_v4.length"),
          "openflow_v5": ("1.4", "openflow_v5.type", "openflow_v5.length"),
          "openflow_v6": ("1.5", "openflow_v6.type", "openflow_v6.length")}


def main():
    path, ports = sys.argv[1], [p for p in sys.argv[2].split(",") if p]
    ooo = "FALSE" if "--lossy" in sys.argv[3:] else "TRUE"
    cmd = ["tshark", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:" + ooo,
           # A segment with hundreds of messages exceeds the default tree
           # depth (500): tshark then silently stops dissecting it.
           "-o", "gui.max_tree_depth:100000", "-T", "pdml"]
    for p in ports:
        cmd += ["-d", "tcp.port==%s,openflow" % p]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    counts = {}
    for _, elem in ET.iterparse(proc.stdout):
        if elem.tag != "packet":
            continue
        dport = None
        for proto in elem.findall("proto"):
            name = proto.get("name")
            if name == "tcp":
                for f in proto.findall("field"):
                    if f.get("name") == "tcp.dstport":
                        dport = f.get("show")
            if name not in PROTOS:
                continue
            ver, tfield, lfield = PROTOS[name]
            direction = "in" if dport in ports else "out"
            show = {}
            for f in proto.findall("field"):  # direct children only
                show.setdefault(f.get("name"), f.get("showname"))
            tname = show.get(tfield, "")
            # "Type: OFPT_HELLO (0)" -> OFPT_HELLO
            tname = tname.split(": ", 1)[-1].rsplit(" (", 1)[0]
            length = 0
            if show.get(lfield):
                length = int(show[lfield].split(": ", 1)[-1])
            c = counts.setdefault(ver, {"in": {}, "out": {}})[direction]
            e = c.setdefault(tname, {"msgs": 0, "bytes": 0})
            e["msgs"] += 1
            e["bytes"] += length
        elem.clear()
    proc.wait()
    if proc.returncode:
        sys.exit("tshark failed on %s" % path)
    json.dump(counts, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
