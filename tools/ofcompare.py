#!/usr/bin/env python3
"""Compare ofxdp's per-version/type/direction counts with tshark's.

Usage: ofcompare.py TSHARK_JSON OFXDP_JSON [--versions 1.0,1.3] [--label L]
                    [--subtypes] [--connections] [--switches] [--no-types]
TSHARK_JSON: output of tools/tshark-ofcount.py (with --connections for
--connections and --switches).
OFXDP_JSON: `ofxdp read --json` output or /api/v1/stats (key "versions"),
or /get_of10_counts / /get_of13_counts (keys OF1x_in_counts: [msgs, bytes]);
for --switches: `ofxdp read --json` or /api/v1/switches (key "switches").

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
  --switches   per switch: tshark's connections grouped the way ofxdp
               groups them (by the datapath_id of the connection's last
               FEATURES_REPLY, else by the switch endpoint's address) and
               summed, against ofxdp's "switches" (matched by "id"): same
               set of ids, in/out msgs and bytes, per version/direction/
               type and per subtype msgs and bytes. Versions tshark does not
               dissect (undissected_versions, 1.1/1.2) are compared by
               presence only, and the in/out totals of such a switch without
               ofxdp's counts of those versions. A switch only one side
               lists is a difference unless it has no messages.
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


def host(endpoint):
    """Address of an "IP:port" / "[IPv6]:port" endpoint."""
    return str(endpoint).rsplit(":", 1)[0].strip("[]")


INVALID = "(invalid type)"


def add_versions(dst, versions):
    """Sum a "versions" dict into dst: {(ver, dir, type, subtype or None):
    [msgs, bytes]}; ofxdp's invalid_type, and tshark's types without an
    OFPT_ name, as type "(invalid type)"."""
    for ver, vd in (versions or {}).items():
        if not isinstance(vd, dict):
            continue
        for d in ("in", "out"):
            for name, c in (vd.get(d) or {}).items():
                if not isinstance(c, dict):
                    continue
                if not name.startswith("OFPT_"):
                    name = INVALID
                rows = [(name, None, c)] + [
                    (name, sub, sc)
                    for sub, sc in (c.get("subtypes") or {}).items()]
                for tname, sub, cc in rows:
                    e = dst.setdefault((ver, d, tname, sub), [0, 0])
                    m, b = pair(cc)
                    e[0] += m
                    e[1] += b
        inv = vd.get("invalid_type")
        if isinstance(inv, dict):
            for d in ("in", "out"):
                m, b = pair(inv.get(d) or (0, 0))
                if m or b:
                    e = dst.setdefault((ver, d, INVALID, None), [0, 0])
                    e[0] += m
                    e[1] += b


def new_switch():
    return {"n": 0, "in": [0, 0], "out": [0, 0], "rows": {},
            "undissected": set(), "address": None}


def oracle_switches(conns, of_conns, notes):
    """tshark's connections grouped into switches as ofxdp does: by the
    datapath_id of the first FEATURES_REPLY, else the switch's address. A
    connection of a version tshark does not dissect (its FEATURES_REPLY is
    invisible to tshark) takes the datapath_id that ofxdp's own connection
    list (of_conns, `read --json` only) gives the same endpoint pair."""
    sws = {}
    of_dpid = {}
    for c in of_conns or []:
        if isinstance(c, dict) and c.get("datapath_id"):
            of_dpid[(c.get("switch"), c.get("controller"))] = \
                c["datapath_id"]
            of_dpid.setdefault((c.get("controller"), c.get("switch")),
                               c["datapath_id"])
    for c in conns or []:
        # ofxdp names a connection's switch by its first FEATURES_REPLY
        # (a switch keeps its datapath_id for the life of a connection).
        dpid = c.get("datapath_id")
        und = c.get("undissected_versions") or []
        if dpid is None and und:
            dpid = of_dpid.get((c.get("switch"), c.get("controller")))
            if dpid:
                notes.append("%s <-> %s (%s, not dissected by tshark): "
                             "grouped under ofxdp's datapath_id %s" %
                             (c.get("switch"), c.get("controller"),
                              ",".join(und), dpid))
        key = dpid.lower() if dpid else host(c.get("switch"))
        e = sws.setdefault(key, new_switch())
        e.setdefault("conns", []).append(c)
        e["n"] += 1
        e["address"] = host(c.get("switch"))
        for d in ("in", "out"):
            m, b = pair(c.get(d) or {})
            e[d][0] += m
            e[d][1] += b
        add_versions(e["rows"], c.get("versions"))
        e["undissected"].update(c.get("undissected_versions") or [])
    return sws


def ofxdp_switches(doc):
    sws = {}
    lst = doc.get("switches") if isinstance(doc, dict) else doc
    for s in lst if isinstance(lst, list) else []:
        key = str(s.get("id")).lower()
        e = sws.setdefault(key, new_switch())
        e["n"] += s.get("connections") or 0
        e["address"] = s.get("address")
        for d in ("in", "out"):
            m, b = pair(s.get(d) or {})
            e[d][0] += m
            e[d][1] += b
        add_versions(e["rows"], s.get("versions"))
    return sws


UNDISSECTED = {"1.1", "1.2"}


def types_in_versions(versions):
    """{type: {versions}} of one connection's "versions" (both
    directions)."""
    out = {}
    for ver, vd in (versions or {}).items():
        for d in ("in", "out"):
            for name in (vd.get(d) or {}):
                out.setdefault(name, set()).add(ver)
    return out


def compare_switches(ts_conns, of_doc):
    """Print the per-switch side-by-side table; return (rows that differ,
    number of switches)."""
    notes = []
    of_conns = of_doc.get("connections") if isinstance(of_doc, dict) \
        else None
    ts, of = oracle_switches(ts_conns, of_conns, notes), \
        ofxdp_switches(of_doc)
    lines, bad = [], 0

    def row(sw, ver, d, tname, sub, a, b, mark=""):
        lines.append([sw, ver, d, tname, sub or "-",
                      str(a[0]), str(b[0]), str(a[1]), str(b[1]), mark])

    def empty(e):
        return e is None or not (any(e["in"]) or any(e["out"]) or any(
            m or b for m, b in e["rows"].values()))

    keys = sorted(set(ts) | set(of), key=lambda k: (not k.startswith("0x"), k))
    for key in keys:
        t, o = ts.get(key), of.get(key)
        if t is None or o is None:
            if empty(t) and empty(o):
                notes.append("%s: only in %s, no messages" %
                             (key, "tshark" if o is None else "ofxdp"))
                continue
            why = "missing in %s" % ("ofxdp" if o is None else "tshark")
            e = t or o
            for d in ("in", "out"):
                a = tuple(o[d]) if o else (0, 0)
                b = tuple(t[d]) if t else (0, 0)
                row(key, "*", d, "(total)", None, a, b,
                    "<-- differs: " + why)
            bad += 1
            continue
        und = t["undissected"] | (UNDISSECTED & {k[0] for k in o["rows"]})
        # In/out totals: without ofxdp's messages of the versions tshark
        # does not dissect (the oracle has none of them).
        for d in ("in", "out"):
            skip = [0, 0]
            for (ver, dd, tname, sub), (m, b) in o["rows"].items():
                if ver in und and dd == d and sub is None:
                    skip[0] += m
                    skip[1] += b
            a = (o[d][0] - skip[0], o[d][1] - skip[1])
            b = tuple(t[d])
            mark = "" if a == b else "<-- differs"
            bad += bool(mark)
            row(key, "*", d, "(total)" + (" w/o " + ",".join(sorted(und))
                                          if any(skip) else ""),
                None, a, b, mark)
        for ver in sorted(und):
            a_has = any(k[0] == ver and (v[0] or v[1])
                        for k, v in o["rows"].items())
            b_has = ver in t["undissected"]
            mark = "" if a_has == b_has else "<-- differs: %s" % (
                "tshark saw %s, ofxdp has none" % ver if b_has else
                "ofxdp has %s, tshark saw none" % ver)
            bad += bool(mark)
            lines.append([key, ver, "*", "(not dissected by tshark)", "-",
                          "yes" if a_has else "no", "yes" if b_has else "no",
                          "-", "-", mark])
        rkeys = sorted(set(t["rows"]) | set(o["rows"]),
                       key=lambda k: (k[0], k[1], k[2], k[3] or ""))
        sub_only = invalid = False
        for k in rkeys:
            if k[0] in und:
                continue
            a = tuple(o["rows"].get(k, (0, 0)))
            b = tuple(t["rows"].get(k, (0, 0)))
            mark = "" if a == b else "<-- differs"
            bad += bool(mark)
            row(key, k[0], k[1], k[2], k[3], a, b, mark)
            if mark and k[3] is not None and a == (0, 0) and \
                    o["rows"].get(k[:3] + (None,)) == \
                    t["rows"].get(k[:3] + (None,)):
                sub_only = True
            invalid |= bool(mark) and k[2] == INVALID
        # Hints for the known ways ofxdp's per-connection tables lose
        # detail (user/analysis/switches.c); they do not excuse the rows.
        if sub_only:
            n = max(len([r for r in subtype_counts(c.get("versions"))])
                    for c in t.get("conns", [{}]))
            notes.append("%s: subtypes missing in ofxdp while their types' "
                         "counts agree: its per-connection subtype table "
                         "full? (tshark: up to %d distinct subtypes on one "
                         "connection of this switch)" % (key, n))
        if invalid:
            mixed = sorted({"%s %s in %s" % (c.get("switch"), tn,
                                             "+".join(sorted(vs)))
                            for c in t.get("conns", [])
                            for tn, vs in types_in_versions(
                                c.get("versions")).items() if len(vs) > 1})
            notes.append("%s: ofxdp counts messages as invalid_type that "
                         "tshark dissects%s" % (key, (
                             "; tshark sees types in more than one version "
                             "on one connection (%s): ofxdp keeps one "
                             "version per type and connection" %
                             ", ".join(mixed)) if mixed else ""))
        if t["n"] != o["n"]:
            notes.append("%s: %d connection(s) in ofxdp, %d in tshark" %
                         (key, o["n"], t["n"]))
    bad = sum(1 for x in lines if x[9])
    head = ["switch", "ver", "dir", "type", "subtype", "ofxdp", "tshark",
            "of bytes", "ts bytes", ""]
    w = [max(len(x[i]) for x in [head] + lines) for i in range(9)]
    fmt = " ".join("%%-%ds" % n if i < 5 else "%%%ds" % n
                   for i, n in enumerate(w)) + "%s"
    print("switches (ofxdp \"switches\" vs tshark connections grouped by "
          "datapath_id / address)")
    for x in [head] + lines:
        print((fmt % (tuple(x[:9]) + ("  " + x[9] if x[9] else "",)))
              .rstrip())
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
                                 "--switches", "--no-types"}:
        sys.stderr.write(__doc__)
        sys.exit(2)
    with open(args[0]) as f:
        ts_doc = json.load(f)
    with open(args[1]) as f:
        of_doc = json.load(f)
    if ("--connections" in opts or "--switches" in opts) and \
            "connections" not in ts_doc:
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

    if "--switches" in opts:
        print()
        if not isinstance(of_doc.get("switches") if isinstance(of_doc, dict)
                          else of_doc, list):
            print("note: ofxdp's JSON has no \"switches\" list")
            bad_total += 1
        if any("versions" not in c for c in ts_doc["connections"]):
            print("note: tshark's connections have no \"versions\" "
                  "(older tshark-ofcount.py)")
            bad_total += 1
        bad, n = compare_switches(ts_doc["connections"], of_doc)
        bad_total += bad
        summary.append("switches %d row(s) differ (%d switches)" % (bad, n))

    if keys is not None and len(summary) == 1:
        print(types_line)  # the last line callers show (tests/offline)
    else:
        if keys is not None:
            print(types_line)
        print("%s%s" % (label, "; ".join(summary)))
    sys.exit(1 if bad_total else 0)


if __name__ == "__main__":
    main()
