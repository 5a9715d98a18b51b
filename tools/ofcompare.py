#!/usr/bin/env python3
"""Compare ofxdp's per-version/type/direction counts with tshark's.

Usage: ofcompare.py TSHARK_JSON OFXDP_JSON [--versions 1.0,1.3] [--label L]
TSHARK_JSON: output of tools/tshark-ofcount.py.
OFXDP_JSON: `ofxdp read --json` output or /api/v1/stats (key "versions"),
or /get_of10_counts / /get_of13_counts (keys OF1x_in_counts: [msgs, bytes]).
Prints a side-by-side table; exit status 1 on any difference.
"""
import json
import sys


def ofxdp_counts(doc):
    out = {}
    if "versions" in doc:
        for ver, vd in doc["versions"].items():
            for d in ("in", "out"):
                for name, c in (vd.get(d) or {}).items():
                    if not name.startswith("OFPT_"):
                        continue
                    m, b = (c["msgs"], c["bytes"]) if isinstance(c, dict) \
                        else (c[0], c[1])
                    out[(ver, d, name)] = (m, b)
        return out
    for key, types in doc.items():  # oftraf shape
        if not key.startswith("OF1") or not key.endswith("_counts"):
            continue
        ver = "1." + key[3]
        d = "in" if "_in_" in key else "out"
        for name, (m, b) in types.items():
            out[(ver, d, name)] = (m, b)
    return out


def main():
    args = sys.argv[1:]
    versions, label = None, ""
    if "--versions" in args:
        i = args.index("--versions")
        versions = set(args[i + 1].split(","))
        del args[i:i + 2]
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1] + ": "
        del args[i:i + 2]
    with open(args[0]) as f:
        ts_doc = json.load(f)
    with open(args[1]) as f:
        of = ofxdp_counts(json.load(f))
    ts = {}
    for ver, vd in ts_doc.items():
        for d, types in vd.items():
            for name, c in types.items():
                ts[(ver, d, name)] = (c["msgs"], c["bytes"])
    keys = sorted(set(ts) | set(of))
    if versions:
        keys = [k for k in keys if k[0] in versions]
    bad = 0
    print("%-6s %-4s %-32s %10s %10s %10s %10s" %
          ("ver", "dir", "type", "ofxdp", "tshark", "of bytes", "ts bytes"))
    for k in keys:
        a, b = of.get(k, (0, 0)), ts.get(k, (0, 0))
        mark = "" if a == b else "  <-- differs"
        bad += a != b
        print("%-6s %-4s %-32s %10d %10d %10d %10d%s" %
              (k[0], k[1], k[2], a[0], b[0], a[1], b[1], mark))
    tot_a = sum(of.get(k, (0, 0))[0] for k in keys)
    tot_b = sum(ts.get(k, (0, 0))[0] for k in keys)
    print("%stotal messages: ofxdp %d, tshark %d; %d row(s) differ" %
          (label, tot_a, tot_b, bad))
    sys.exit(1 if bad or not keys else 0)


if __name__ == "__main__":
    main()
