#!/usr/bin/env python3
"""Compare ofxdp's per-version/type/direction counts with tshark's.

Usage: ofcompare.py TSHARK_JSON OFXDP_JSON [--versions 1.0,1.3] [--label L]
                    [--subtypes] [--connections] [--no-types]
TSHARK_JSON: output of tools/tshark-ofcount.py (with --connections for
--connections).
OFXDP_JSON: `ofxdp read --json` output or /api/v1/stats (key "versions"),
or /get_of10_counts / /get_of13_counts (keys OF1x_in_counts: [msgs, bytes]).

Sections (each a side-by-side table, differing rows marked):
  types        per version/direction/OFPT type: msgs, bytes (default; off
               with --no-types)
  --subtypes   per version/direction/type/subtype ("subtypes" of each type
               entry): msgs, bytes
  --connections  per TCP connection, matched by the (switch, controller)
               endpoint pair (several connections with the same pair are
               summed): in/out msgs and bytes, and datapath_id when tshark
               saw a FEATURES_REPLY (ofxdp's must be one tshark saw).
               Connections tshark flags as carrying versions it does not
               dissect (1.1, 1.2: undissected_versions) are matched but their
               counts are not compared; if tshark could not decide their
               roles by messages, a swapped pair is accepted. A connection
               only one side lists is a difference unless it has no messages.
--versions filters the types and subtypes sections only.
Exit status 1 on any difference (or no type rows at all), 2 on bad input.
"""
import json
import re
import sys

VERSION_KEY = re.compile(r"^\d+\.\d+$")


def pair(c):
    if isinstance(c, dict):
        return c.get("msgs", 0), c.get("bytes", 0)
    return c[0], c[1]


def ofxdp_counts(doc):
    out = {}
    if "versions" in doc:
        for ver, vd in doc["versions"].items():
            for d in ("in", "out"):
                for name, c in (vd.get(d) or {}).items():
                    if not name.startswith("OFPT_"):
                        continue
                    out[(ver, d, name)] = pair(c)
        return out
    for key, types in doc.items():  # oftraf shape
        if not key.startswith("OF1") or not key.endswith("_counts"):
            continue
        ver = "1." + key[3]
        d = "in" if "_in_" in key else "out"
        for name, (m, b) in types.items():
            out[(ver, d, name)] = (m, b)
    return out


def subtype_counts(versions):
    """{(ver, dir, type, subtype): (msgs, bytes)} from a "versions" dict."""
    out = {}
    for ver, vd in (versions or {}).items():
        if not isinstance(vd, dict):
            continue
        for d in ("in", "out"):
            for name, c in (vd.get(d) or {}).items():
                if not isinstance(c, dict):
                    continue
                for sub, sc in (c.get("subtypes") or {}).items():
                    out[(ver, d, name, sub)] = pair(sc)
    return out


def tshark_versions(doc):
    return {k: v for k, v in doc.items()
            if VERSION_KEY.match(k) and isinstance(v, dict)}


def table(title, head, keys, of, ts, width):
    """Print rows of (msgs, bytes) pairs; return the number that differ."""
    bad = 0
    print("%s" % title)
    print("%-*s %10s %10s %10s %10s" %
          (width, head, "ofxdp", "tshark", "of bytes", "ts bytes"))
    for k in keys:
        a, b = of.get(k, (0, 0)), ts.get(k, (0, 0))
        mark = "" if a == b else "  <-- differs"
        bad += a != b
        print("%-*s %10d %10d %10d %10d%s" %
              (width, " ".join(k), a[0], b[0], a[1], b[1], mark))
    return bad


def group_connections(conns, oracle):
    g = {}
    for c in conns or []:
        key = (c.get("switch"), c.get("controller"))
        e = g.setdefault(key, {"n": 0, "in": [0, 0], "out": [0, 0],
                               "dpids": [], "all_dpids": set(),
                               "undissected": set(), "by_messages": False})
        e["n"] += 1
        for d in ("in", "out"):
            m, b = pair(c.get(d) or {})
            e[d][0] += m
            e[d][1] += b
        if c.get("datapath_id"):
            e["dpids"].append(c["datapath_id"].lower())
        e["all_dpids"].update(x.lower() for x in c.get("datapath_ids") or [])
        if oracle:
            e["undissected"].update(c.get("undissected_versions") or [])
            e["by_messages"] |= c.get("role_source") == "messages"
    return g


def compare_connections(ts_conns, of_conns):
    ts, of = group_connections(ts_conns, True), group_connections(
        of_conns, False)
    # Roles tshark cannot decide (no dissected deciding message on a 1.1/1.2
    # connection): accept ofxdp's, swapping its entry onto tshark's pair.
    notes = []
    for key, t in ts.items():
        swapped = (key[1], key[0])
        if key not in of and swapped in of and swapped not in ts and \
                t["undissected"] and not t["by_messages"]:
            e = of.pop(swapped)
            e["in"], e["out"] = e["out"], e["in"]
            of[key] = e
            notes.append("%s <-> %s: roles swapped by ofxdp (tshark cannot "
                         "decide them: %s not dissected)" %
                         (key[0], key[1], ",".join(sorted(t["undissected"]))))
    bad = 0
    w = 47
    print("connections (switch controller)")
    print("%-*s %-4s %10s %10s %10s %10s" %
          (w, "switch controller", "dir", "ofxdp", "tshark", "of bytes",
           "ts bytes"))
    keys = sorted(set(ts) | set(of), key=lambda k: (str(k[0]), str(k[1])))
    for key in keys:
        t, o = ts.get(key), of.get(key)
        name = "%s %s" % (key[0], key[1])
        empty = lambda e: e is None or (  # noqa: E731
            e["in"][0] == e["out"][0] == 0 and e["in"][1] == e["out"][1] == 0)
        if t is None or o is None:
            if empty(t) and empty(o):
                print("%-*s      only in %s, no messages" %
                      (w, name, "tshark" if o is None else "ofxdp"))
                continue
            swapped = (key[1], key[0])
            why = "missing in %s" % ("ofxdp" if o is None else "tshark")
            if swapped in (of if o is None else ts):
                why += " (roles differ: the swapped pair is there)"
        for d in ("in", "out"):
            a = tuple(o[d]) if o else (0, 0)
            b = tuple(t[d]) if t else (0, 0)
            if t and t["undissected"]:
                print("%-*s %-4s %10d %10s %10d %10s  n/a: tshark does not "
                      "dissect %s" % (w, name, d, a[0], "-", a[1], "-",
                                      ",".join(sorted(t["undissected"]))))
                if o is None:
                    bad += 1
                    print("%-*s      <-- differs: %s" % (w, name, why))
                    break
                continue
            mark = ""
            if t is None or o is None:
                mark = "  <-- differs: " + why
            elif a != b:
                mark = "  <-- differs"
            bad += bool(mark)
            print("%-*s %-4s %10d %10d %10d %10d%s" %
                  (w, name, d, a[0], b[0], a[1], b[1], mark))
            if t is None or o is None:
                break  # one row is enough for a missing connection
        if t and o and t["dpids"]:
            ok = o["dpids"] and len(o["dpids"]) >= len(t["dpids"]) and \
                set(o["dpids"]) <= (t["all_dpids"] | set(t["dpids"]))
            mark = "" if ok else "  <-- differs"
            bad += not ok
            print("%-*s dpid %s / %s%s" %
                  (w, name, ",".join(o["dpids"]) or "null",
                   ",".join(t["dpids"]), mark))
            if ok and set(o["dpids"]) != set(t["dpids"]):
                print("%-*s      (tshark saw several: %s)" %
                      (w, name, ",".join(sorted(t["all_dpids"]))))
        if t and o and t["n"] != o["n"]:
            print("%-*s      note: %d connection(s) in ofxdp, %d in tshark" %
                  (w, name, o["n"], t["n"]))
    for n in notes:
        print("note: " + n)
    return bad, len(keys)


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
    opts = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    if len(args) != 2 or opts - {"--subtypes", "--connections",
                                 "--no-types"}:
        sys.stderr.write(__doc__)
        sys.exit(2)
    with open(args[0]) as f:
        ts_doc = json.load(f)
    with open(args[1]) as f:
        of_doc = json.load(f)
    if "--connections" in opts and "connections" not in ts_doc:
        sys.exit("%s has no \"connections\": run tshark-ofcount.py with "
                 "--connections" % args[0])
    ts_vers = tshark_versions(ts_doc)
    summary = []
    bad_total = 0

    keys = None
    if "--no-types" not in opts:
        of = ofxdp_counts(of_doc)
        ts = {}
        for ver, vd in ts_vers.items():
            for d in ("in", "out"):
                for name, c in (vd.get(d) or {}).items():
                    ts[(ver, d, name)] = pair(c)
        keys = sorted(set(ts) | set(of))
        if versions:
            keys = [k for k in keys if k[0] in versions]
        print("%-6s %-4s %-32s %10s %10s %10s %10s" %
              ("ver", "dir", "type", "ofxdp", "tshark", "of bytes",
               "ts bytes"))
        bad = 0
        for k in keys:
            a, b = of.get(k, (0, 0)), ts.get(k, (0, 0))
            mark = "" if a == b else "  <-- differs"
            bad += a != b
            print("%-6s %-4s %-32s %10d %10d %10d %10d%s" %
                  (k[0], k[1], k[2], a[0], b[0], a[1], b[1], mark))
        tot_a = sum(of.get(k, (0, 0))[0] for k in keys)
        tot_b = sum(ts.get(k, (0, 0))[0] for k in keys)
        types_line = ("%stotal messages: ofxdp %d, tshark %d; %d row(s) "
                      "differ" % (label, tot_a, tot_b, bad))
        bad_total += bad + (not keys)
        summary.append("types %d/%d differ" % (bad, len(keys)))

    if "--subtypes" in opts:
        of_s = subtype_counts(of_doc.get("versions"))
        ts_s = subtype_counts(ts_vers)
        skeys = sorted(set(of_s) | set(ts_s))
        if versions:
            skeys = [k for k in skeys if k[0] in versions]
        print()
        if "versions" in of_doc and not of_s and ts_s:
            print("note: ofxdp's JSON has no \"subtypes\" at all")
        bad = table("subtypes", "ver dir type subtype", skeys, of_s, ts_s, 72)
        bad_total += bad
        summary.append("subtypes %d/%d differ" % (bad, len(skeys)))

    if "--connections" in opts:
        print()
        if "connections" not in of_doc:
            print("note: ofxdp's JSON has no \"connections\"")
        bad, n = compare_connections(ts_doc["connections"],
                                     of_doc.get("connections"))
        bad_total += bad
        summary.append("connections %d row(s) differ (%d endpoint pairs)" %
                       (bad, n))

    if keys is not None and len(summary) == 1:
        print(types_line)  # the last line callers show (tests/offline)
    else:
        if keys is not None:
            print(types_line)
        print("%s%s" % (label, "; ".join(summary)))
    sys.exit(1 if bad_total else 0)


if __name__ == "__main__":
    main()
