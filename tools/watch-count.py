#!/usr/bin/env python3
"""Count `ofxdp watch --json` lines per version/direction/type/subtype.

Usage: watch-count.py [NDJSON]   (default: standard input)
Prints {"versions": {VER: {DIR: {TYPE: {"msgs", "bytes", "subtypes"}}}},
"lines": N}: the shape of `ofxdp read --json`'s "versions", so that
tools/ofcompare.py compares it with tshark's counts (tshark-ofcount.py).
Bytes are each message's "bytes" (what was seen of it). Exit 2 on a line
that is not a JSON object with version, direction and type.
"""
import json
import sys


def main():
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    versions, lines = {}, 0
    for n, line in enumerate(src, 1):
        try:
            m = json.loads(line)
            ver, d, t, b = m["version"], m["direction"], m["type"], m["bytes"]
        except (ValueError, KeyError, TypeError):
            sys.exit("watch-count: line %d is not a message: %.80s" % (n, line))
        lines += 1
        e = versions.setdefault(ver, {}).setdefault(d, {}).setdefault(
            t, {"msgs": 0, "bytes": 0})
        e["msgs"] += 1
        e["bytes"] += b
        if "subtype" in m:
            s = e.setdefault("subtypes", {}).setdefault(
                m["subtype"], {"msgs": 0, "bytes": 0})
            s["msgs"] += 1
            s["bytes"] += b
    json.dump({"versions": versions, "lines": lines}, sys.stdout, indent=1,
              sort_keys=True)
    print()


if __name__ == "__main__":
    main()
