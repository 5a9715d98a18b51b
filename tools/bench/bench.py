#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Helpers for tools/bench/run.sh.

  bench.py tshark-count PORT[,PORT...]   read `tshark -T fields` lines on
      stdin (see TSHARK_FIELDS), print per version/direction/type counts as
      JSON (same shape as tools/tshark-ofcount.py) when stdin closes.
  bench.py summarize WORKDIR OUTDIR      one row per capture and step from
      the step directories in WORKDIR; writes OUTDIR/bench.json and
      OUTDIR/bench.md and prints the table.
  bench.py smoke WORKDIR                 checks of the smoke run: zero loss
      and ofgen's truth == ofxdp's counts per version/direction/type; prints
      "N passed, M failed", exit status 1 on any failure.
  bench.py conns STEPDIR                 the live-connections step: ofxdp's
      memory with every connection up (VmRSS, the ring buffer's share, the
      rest against RSS_BUDGET_MB) and exact connection and message counts;
      exit status 1 on any failure.
  bench.py conns-up N FILE...            exit 0 when ofxdp's
      /get_ofNN_counts answers (FILEs) show N FEATURES_REPLYs in all.

A step directory holds: meta (KEY=VALUE lines written by run.sh), ctl.json
and sw.json (ofgen controller / switches results), and per capture
stats.json (ofxdp /api/v1/stats), tshark.json (tshark-count output),
mon.err (tcpdump/tshark exit summary), bpf-before / bpf-after (one
`bpftool -j prog show id N` object per line).
"""
import json
import os
import re
import sys

# tshark -T fields -E occurrence=a -E separator=';' -e <these>
TSHARK_FIELDS = ["tcp.dstport",
                 "openflow_1_0.type", "openflow.length",
                 "openflow_v4.type", "openflow_v4.length",
                 "openflow_v5.type", "openflow_v5.length",
                 "openflow_v6.type", "openflow_v6.length"]

T10 = ["HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR",
       "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
       "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
       "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "PORT_MOD", "STATS_REQUEST",
       "STATS_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY",
       "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY"]
T13 = ["HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
       "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
       "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
       "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
       "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY",
       "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST",
       "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY",
       "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD",
       "ROLE_STATUS", "TABLE_STATUS", "REQUESTFORWARD", "BUNDLE_CONTROL",
       "BUNDLE_ADD_MESSAGE", "CONTROLLER_STATUS"]
# (version label, type column, length column, type names, nested ERROR hdr)
TSHARK_VERS = [("1.0", 1, 2, T10, False), ("1.3", 3, 4, T13, True),
               ("1.4", 5, 6, T13, True), ("1.5", 7, 8, T13, True)]


# A capture "keeps up" at a step when it is idle (has worked off its
# backlog) within this many seconds after the generator stops; the idle
# check itself takes 2.0 s at least (1.5 s + one 0.5 s CPU sample).
KEEP_UP_S = 3.0

# ofxdp's memory besides the ring buffer with the live-connections step's
# connections open (issue 11: <= 64 MB at 10,000 live connections).
RSS_BUDGET_MB = 64


def tname(names, t):
    return "OFPT_" + names[t] if 0 <= t < len(names) else "OFPT_%d" % t


def tshark_count(ports):
    """Count top-level OpenFlow messages from tshark field lines.

    With -E occurrence=a every header in a frame is listed, including the
    copy of the failed request's header that tshark dissects inside an
    OFPT_ERROR's data (1.3+; not for 1.0): that one is not a message on the
    wire. An ERROR whose length leaves >= 8 bytes of data is followed by such
    a nested header, which is skipped.
    """
    counts = {}
    lines = 0
    for line in sys.stdin:
        lines += 1
        cols = line.rstrip("\n").split(";")
        if len(cols) < len(TSHARK_FIELDS):
            continue
        d = "in" if cols[0] in ports else "out"
        for ver, tc, lc, names, nested in TSHARK_VERS:
            if not cols[tc]:
                continue
            types = [int(x) for x in cols[tc].split(",") if x != ""]
            lens = [int(x) for x in cols[lc].split(",") if x != ""]
            i = 0
            while i < len(types):
                t = types[i]
                ln = lens[i] if i < len(lens) else 0
                c = counts.setdefault(ver, {"in": {}, "out": {}})[d]
                e = c.setdefault(tname(names, t), {"msgs": 0, "bytes": 0})
                e["msgs"] += 1
                e["bytes"] += ln
                i += 1
                if nested and t == 1 and ln >= 20:
                    i += 1
    json.dump({"frames": lines, "counts": counts}, sys.stdout, indent=1,
              sort_keys=True)
    print()


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def read_meta(path):
    meta = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
    except OSError:
        pass
    return meta


def truth(ctl, sw):
    """ofgen ground truth: {(ver, dir, type): msgs}, switches' sent = in,
    controller's sent = out."""
    out = {}
    for doc, d in ((sw, "in"), (ctl, "out")):
        for ver, types in (doc or {}).get("sent", {}).items():
            for name, c in types.items():
                out[(ver, d, name)] = out.get((ver, d, name), 0) + c["msgs"]
    return out


def ofxdp_counts(stats):
    out = {}
    for ver, vd in (stats or {}).get("versions", {}).items():
        for d in ("in", "out"):
            for name, c in (vd.get(d) or {}).items():
                if c["msgs"]:
                    out[(ver, d, name)] = c["msgs"]
    return out


def tshark_counts(doc):
    out = {}
    for ver, vd in ((doc or {}).get("counts") or {}).items():
        for d, types in vd.items():
            for name, c in types.items():
                out[(ver, d, name)] = c["msgs"]
    return out


def bpf_snap(path):
    progs = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    p = json.loads(line)
                    progs[p["id"]] = p
    except (OSError, ValueError):
        pass
    return progs


def type_diff(tr, got):
    """Per-type differences as 'ver/dir/TYPE truth->got' strings."""
    diffs = []
    for k in sorted(set(tr) | set(got)):
        if tr.get(k, 0) != got.get(k, 0):
            diffs.append("%s/%s/%s %d->%d" % (k[0], k[1], k[2][5:],
                                              tr.get(k, 0), got.get(k, 0)))
    return diffs


def step_row(sdir):
    meta = read_meta(os.path.join(sdir, "meta"))
    ctl = load(os.path.join(sdir, "ctl.json"))
    sw = load(os.path.join(sdir, "sw.json"))
    cap = meta.get("capture", "?")
    row = {"capture": cap, "rate": int(meta.get("rate", "0")),
           "dir": os.path.basename(sdir), "ok": bool(ctl and sw)}
    if not row["ok"]:
        row["error"] = meta.get("error", "ofgen result missing")
        return row
    tr = truth(ctl, sw)
    sent = sum(tr.values())
    dur = sw.get("duration_s") or 1
    row.update({"sent": sent, "achieved_msgs_per_s": round(sent / dur),
                "duration_s": round(dur, 3),
                "connections_failed": sw.get("connections_failed", 0) +
                ctl.get("connections_failed", 0)})
    clk = float(meta.get("clk_tck", "100"))
    cpu = (int(meta.get("cpu_after", "0")) -
           int(meta.get("cpu_before", "0"))) / clk
    row["cpu_s"] = round(cpu, 3)
    row["cpu_s_per_M"] = round(cpu / (sent / 1e6), 3) if sent else None
    row["cpu_ns_per_msg"] = round(cpu * 1e9 / sent, 1) if sent else None
    row["peak_rss_kb"] = int(meta.get("hwm_kb", "0"))
    # every CPU's busy time while ofgen ran: generator + kernel + monitor
    # (+ anything else running on the host)
    if "host_after" in meta and "host_before" in meta:
        row["host_cpu_s"] = round((int(meta["host_after"]) -
                                   int(meta["host_before"])) / clk, 2)
    row["drain_s"] = float(meta["drain_s"]) if "drain_s" in meta else None
    net = {}
    for k, v in meta.items():
        if k.startswith("after_") and ("before_" + k[6:]) in meta:
            try:
                net[k[6:]] = int(v) - int(meta["before_" + k[6:]])
            except ValueError:
                pass
    row["net"] = net
    row["tcp_retrans"] = sum(v for k, v in net.items()
                             if k.startswith("retrans_"))
    row["veth_drops"] = sum(v for k, v in net.items()
                            if k.endswith("_dropped"))
    counted = None
    diffs = []
    if cap in OFXDP_CAPTURES:
        st = load(os.path.join(sdir, "stats.json"))
        if st is None:
            row["error"] = "no /api/v1/stats"
        else:
            got = ofxdp_counts(st)
            counted = sum(got.values())
            diffs = type_diff(tr, got)
            loss = st.get("loss", {})
            kern = loss.get("kernel", {})
            reasm = st.get("reassembly", {})
            row["reserve_fail"] = kern.get("reserve_fail", 0)
            if kern.get("ring_hwm_bytes"):
                row["ring_hwm_mb"] = round(kern["ring_hwm_bytes"] / 2**20, 1)
            row["records_lost"] = loss.get("records_lost", 0)
            row["pcap_drop"] = loss.get("pcap_drop", 0)
            row["malformed"] = loss.get("malformed", 0)
            row["gaps"] = reasm.get("gaps", 0)
            row["resyncs"] = reasm.get("resyncs", 0)
            row["mode_hooks"] = st.get("hooks", "")
        b0 = bpf_snap(os.path.join(sdir, "bpf-before"))
        b1 = bpf_snap(os.path.join(sdir, "bpf-after"))
        if b1:
            rt = cnt = 0
            per = {}
            for pid, p in b1.items():
                q = b0.get(pid, {})
                drt = p.get("run_time_ns", 0) - q.get("run_time_ns", 0)
                dcnt = p.get("run_cnt", 0) - q.get("run_cnt", 0)
                rt += drt
                cnt += dcnt
                per[p.get("name", str(pid))] = {
                    "run_cnt": dcnt, "run_time_ns": drt,
                    "ns_per_run": round(drt / dcnt) if dcnt else None}
            row["bpf"] = per
            row["bpf_runs"] = cnt
            row["bpf_ns_per_pkt"] = round(rt / cnt) if cnt else None
            row["bpf_cpu_s"] = round(rt / 1e9, 3)
            row["bpf_ns_per_msg"] = round(rt / sent, 1) if sent else None
    elif cap == "tshark":
        doc = load(os.path.join(sdir, "tshark.json"))
        if doc is None:
            row["error"] = "no tshark count"
        else:
            got = tshark_counts(doc)
            counted = sum(got.values())
            diffs = type_diff(tr, got)
            row["frames"] = doc.get("frames", 0)
        err = _read(os.path.join(sdir, "mon.err"))
        m = re.search(r"(\d+) packets? dropped", err)
        row["pcap_drop"] = int(m.group(1)) if m else 0
        m = re.search(r"(\d+) packets? captured", err)
        row["pkts_captured"] = int(m.group(1)) if m else None
        # frames tshark gave up dissecting (tree depth limit)
        row["dissector_bugs"] = len(re.findall(
            r"Dissector bug.*in packet (\d+)", err))
    elif cap in WATCH_CAPTURES:
        # `ofxdp watch`'s summary on stderr: messages taken (printed), or
        # written (-w) and what could not be
        err = _read(os.path.join(sdir, "mon.err"))
        m = re.search(r"(\d+) messages taken of (\d+) seen", err)
        w = re.search(r"written (\d+) \((\d+) bytes, (\d+) files\), not "
                      r"written: (\d+) not whole, (\d+) write errors", err)
        lost = re.search(r"capture lost (\d+) ring records", err)
        row["records_lost"] = int(lost.group(1)) if lost else 0
        if not m or (cap == "watch-w" and not w):
            row["error"] = "no watch summary"
        else:
            counted = int(w.group(1)) if cap == "watch-w" else int(m.group(1))
            row["seen"] = int(m.group(2))
            if w:
                row["written_bytes"] = int(w.group(2))
                row["not_whole"] = int(w.group(4))
                row["write_errors"] = int(w.group(5))
                row["file_mb"] = round(
                    int(meta.get("written_file_bytes", "0")) / 2**20, 1)
            missing = max(0, sent - counted)
            row["missing"] = missing
            row["loss_pct"] = round(100.0 * missing / sent, 4) if sent \
                else None
            row["lossless"] = counted == sent and row["records_lost"] == 0
    elif cap == "tcpdump":
        err = _read(os.path.join(sdir, "mon.err"))
        m = re.search(r"(\d+) packets? captured", err)
        row["pkts_captured"] = int(m.group(1)) if m else None
        m = re.search(r"(\d+) packets? dropped by kernel", err)
        row["pcap_drop"] = int(m.group(1)) if m else None
    row["counted"] = counted
    if counted is not None and sent and cap not in WATCH_CAPTURES:
        # missing messages only; over-counts show up in type_diffs
        missing = sum(max(0, n - got.get(k, 0)) for k, n in tr.items())
        row["missing"] = missing
        row["loss_pct"] = round(100.0 * missing / sent, 4)
        row["type_diffs"] = diffs
        row["lossless"] = not diffs and row.get("reserve_fail", 0) == 0 \
            and row.get("records_lost", 0) == 0
    elif cap == "tcpdump":
        cap_, drop = row.get("pkts_captured"), row.get("pcap_drop")
        if cap_ is not None and drop is not None:
            row["loss_pct"] = round(100.0 * drop / max(1, cap_ + drop), 4)
            row["lossless"] = drop == 0
    # A live monitor must also keep up: idle again soon after the load
    # stops, not working off a backlog spooled to disk or memory.
    if "lossless" in row:
        row["keeps_up"] = row["lossless"] and \
            row.get("drain_s") is not None and row["drain_s"] <= KEEP_UP_S
    return row


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def notes(r):
    n = []
    for k in ("records_lost", "gaps", "resyncs", "malformed",
              "dissector_bugs", "connections_failed", "tcp_retrans",
              "veth_drops", "not_whole", "write_errors", "file_mb"):
        if r.get(k):
            n.append("%s=%s" % (k, r[k]))
    if r.get("pkts_captured") is not None:
        n.append("pkts=%s" % r["pkts_captured"])
    if r.get("ring_hwm_mb") is not None:
        n.append("ring backlog max %s MiB" % r["ring_hwm_mb"])
    return ", ".join(n) or "-"


def fmt(v, spec="%s"):
    return "-" if v is None else spec % v


def rate_label(r):
    if r == 0:
        return "unlimited"
    if r >= 1000000 and r % 1000000 == 0:
        return "%dM" % (r // 1000000)
    if r >= 1000 and r % 1000 == 0:
        return "%dk" % (r // 1000)
    return str(r)


# ofxdp's captures; "tc-nolat" = tc with --no-latency (the latency engine's
# cost is tc's CPU minus tc-nolat's at the same step).
OFXDP_CAPTURES = ("xdp", "tc", "pcap", "tc-nolat")
# `ofxdp watch` in tc mode: lines to /dev/null (--json), or -w to a file.
WATCH_CAPTURES = ("watch-json", "watch-w")


def latency_cost_lines(rows):
    """The latency engine's CPU per message: tc minus tc-nolat, per rate
    (same run), in ns per message sent."""
    by = {}
    for r in rows:
        if r.get("ok") and r.get("cpu_s_per_M") is not None:
            by[(r["capture"], r["rate"])] = r
    out = []
    for (cap, rate), r in sorted(by.items(), key=lambda kv: (
            kv[0][1] if kv[0][1] else 1 << 62)):
        base = by.get(("tc-nolat", rate))
        if cap != "tc" or not base:
            continue
        if not out:
            out += ["", "Latency engine cost (tc minus tc-nolat = tc "
                    "--no-latency, same rate, same run; CPU per message "
                    "sent):", ""]
        out.append("- %s: %+.1f ns/msg (tc %.1f, tc-nolat %.1f ns/msg; "
                   "counted %s / %s)" % (
                       rate_label(rate),
                       (r["cpu_s_per_M"] - base["cpu_s_per_M"]) * 1000,
                       r["cpu_s_per_M"] * 1000, base["cpu_s_per_M"] * 1000,
                       fmt(r.get("counted")), fmt(base.get("counted"))))
    return out


def ratio_lines(rows, best, key, what):
    """Lines giving each capture's best rate over tshark's and tcpdump's.

    @best: capture -> best step under criterion @key ("lossless" or
    "keeps_up"). A capture that met it even at the unlimited step only
    gives a lower bound (the generator, not the capture, was the limit):
    ">=".
    """
    out = []
    top = {}
    for r in rows:
        if r.get("ok") and r["rate"] == 0:
            top[r["capture"]] = r
    for peer in ("tshark", "tcpdump"):
        pb = best.get(peer)
        if not pb or not pb["achieved_msgs_per_s"]:
            continue
        if not out:
            out += ["", "Ratios, %s (same run; \">=\": met even at the "
                    "unlimited step, so the generator was the limit):" % what,
                    ""]
        for c, b in best.items():
            if c == peer or b is None:
                continue
            bound = ">=" if (c in top and top[c].get(key)) else ""
            out.append("- %s / %s: %s%.1fx" % (
                c, peer, bound,
                b["achieved_msgs_per_s"] / pb["achieved_msgs_per_s"]))
    return out


def best_steps(rows, key):
    """capture -> {rate, achieved_msgs_per_s} of its fastest step meeting
    @key, or None."""
    best = {}
    for r in rows:
        c = r["capture"]
        best.setdefault(c, None)
        if r.get(key):
            a = r.get("achieved_msgs_per_s", 0)
            if best[c] is None or a > best[c]["achieved_msgs_per_s"]:
                best[c] = {"rate": r["rate"], "achieved_msgs_per_s": a}
    return best


def best_lines(best, title):
    lines = ["", title, ""]
    for c, b in best.items():
        lines.append("- %s: %s" % (c, "none" if b is None else
                                   "%s (requested %s)" % (
                                       b["achieved_msgs_per_s"],
                                       rate_label(b["rate"]))))
    return lines


def features_replies(stats):
    return sum(n for (ver, d, name), n in ofxdp_counts(stats).items()
               if d == "in" and name == "OFPT_FEATURES_REPLY")


def conns_up(n, paths):
    got = 0
    for p in paths:
        for key, types in (load(p) or {}).items():
            if key.endswith("_in_counts"):
                got += (types.get("OFPT_FEATURES_REPLY") or [0])[0]
    return 0 if got >= n else 1


def mib(kb):
    return "-" if kb is None else "%.1f MiB" % (kb / 1024.0)


def conns_report(sdir):
    """Lines describing the live-connections step and the failed checks."""
    meta = read_meta(os.path.join(sdir, "meta"))
    n = int(meta.get("live_conns", "0"))
    lines, fails = [], []

    def check(ok, what):
        if not ok:
            fails.append(what)

    if "error" in meta:
        fails.append(meta["error"])
    kb = {k[:-3]: int(v) for k, v in meta.items()
          if k.endswith("_kb") and v.isdigit()}
    start = dict(kv.split("=", 1) for kv in meta.get("mem_start", "").split()
                 if "=" in kv)
    after = dict(kv.split("=", 1) for kv in
                 meta.get("mem_after_stats", "").split() if "=" in kv)
    if "VmRSS" in kb:
        rest = kb["VmRSS"] - kb.get("ring_rss", 0)
        srest = None
        if "VmRSS_kb" in start:
            srest = int(start["VmRSS_kb"]) - int(start.get("ring_rss_kb", 0))
        lines.append(
            "- ofxdp (tc mode) with %d live OpenFlow connections (all up "
            "after %s s): VmRSS %s = ring buffer mappings %s + %s besides "
            "the ring (RssAnon %s); before the first connection: %s besides "
            "the ring; so ~%.1f KiB per connection; peak VmHWM over the "
            "step %s (budget besides the ring: %d MB)" % (
                n, meta.get("up_s", "?"), mib(kb["VmRSS"]),
                mib(kb.get("ring_rss")), mib(rest), mib(kb.get("RssAnon")),
                mib(srest),
                (rest - srest) / n if srest is not None and n else 0,
                mib(int(meta["hwm_kb"]) if meta.get("hwm_kb", "").isdigit()
                    else None), RSS_BUDGET_MB))
        if "VmRSS_kb" in after:
            lines.append(
                "- after one GET /api/v1/stats (it lists every connection): "
                "%s besides the ring" % mib(int(after["VmRSS_kb"]) -
                                           int(after.get("ring_rss_kb", 0))))
        check(rest * 1024 <= RSS_BUDGET_MB * 1000 * 1000,
              "%s besides the ring > %d MB" % (mib(rest), RSS_BUDGET_MB))
    else:
        fails.append("no memory figures")
    during = load(os.path.join(sdir, "during.json"))
    if during:
        r = during.get("reassembly", {})
        lines.append(
            "- while all were up: connections_active %s, connections_total "
            "%s, connections_evicted %s, FEATURES_REPLYs %s (want %d each, "
            "0 evicted)" % (r.get("connections_active"),
                            r.get("connections_total"),
                            r.get("connections_evicted"),
                            features_replies(during), n))
        check(r.get("connections_active") == n and
              r.get("connections_total") == n and
              r.get("connections_evicted") == 0 and
              features_replies(during) == n,
              "connections not counted exactly while up")
    else:
        fails.append("no stats while the connections were up")
    ctl = load(os.path.join(sdir, "ctl.json"))
    sw = load(os.path.join(sdir, "sw.json"))
    st = load(os.path.join(sdir, "stats.json"))
    if ctl and sw and st:
        tr = truth(ctl, sw)
        got = ofxdp_counts(st)
        diffs = type_diff(tr, got)
        r = st.get("reassembly", {})
        failed = sw.get("connections_failed", 0) + \
            ctl.get("connections_failed", 0)
        lines.append(
            "- after the run: ofgen sent %d messages on %d connections "
            "(%d failed), ofxdp counted %d, type diffs: %s; "
            "connections_total %s, connections_closed %s, evicted %s" % (
                sum(tr.values()), sw.get("connections", 0), failed,
                sum(got.values()), "; ".join(diffs[:6]) or "none",
                r.get("connections_total"), r.get("connections_closed"),
                r.get("connections_evicted")))
        check(not diffs, "message counts differ from ofgen's")
        check(failed == 0, "%d ofgen connections failed" % failed)
        check(r.get("connections_total") == n and
              r.get("connections_closed") == n, "connections not all closed")
    else:
        fails.append("ofgen or ofxdp results missing after the run")
    return lines, fails


def conns(sdir):
    lines, fails = conns_report(sdir)
    print("\n".join(lines))
    for f in fails:
        print("FAIL: %s" % f)
    print("live connections step: %s" % ("FAIL" if fails else "PASS"))
    return 1 if fails else 0


def summarize(work, outdir):
    rows = []
    for name in sorted(os.listdir(work)):
        sdir = os.path.join(work, name)
        if name != "conns" and os.path.isfile(os.path.join(sdir, "meta")):
            rows.append(step_row(sdir))
    meta = read_meta(os.path.join(work, "run.meta"))
    order = {c: i for i, c in enumerate(meta.get("captures", "").split())}
    rows.sort(key=lambda r: (order.get(r["capture"], 99),
                             r["rate"] if r["rate"] else 1 << 62))
    best = best_steps(rows, "lossless")
    best_rt = best_steps(rows, "keeps_up")
    hdr = ["capture", "rate", "msgs/s", "sent", "counted", "loss %",
           "drops", "lag s", "host CPU s", "CPU s", "CPU s/M msgs", "peak RSS MB", "BPF ns/pkt",
           "BPF s/M msgs", "BPF CPU s", "reserve_fail", "notes", "type diffs"]
    lines = ["| " + " | ".join(hdr) + " |",
             "|" + "---|" * len(hdr)]
    for r in rows:
        if not r.get("ok"):
            lines.append("| %s | %s | error: %s |" % (
                r["capture"], rate_label(r["rate"]), r.get("error")))
            continue
        diffs = r.get("type_diffs")
        dtxt = "-" if diffs is None else (
            "none" if not diffs else "; ".join(diffs[:4]) +
            (" (+%d)" % (len(diffs) - 4) if len(diffs) > 4 else ""))
        lines.append("| " + " | ".join([
            r["capture"], rate_label(r["rate"]),
            fmt(r.get("achieved_msgs_per_s")), fmt(r.get("sent")),
            fmt(r.get("counted")), fmt(r.get("loss_pct"), "%.3f"),
            fmt(r.get("pcap_drop")), fmt(r.get("drain_s"), "%.1f"),
            fmt(r.get("host_cpu_s"), "%.2f"),
            fmt(r.get("cpu_s"), "%.2f"),
            fmt(r.get("cpu_s_per_M"), "%.3f"),
            fmt(r["peak_rss_kb"] / 1024.0 if r.get("peak_rss_kb") else None,
                "%.1f"),
            fmt(r.get("bpf_ns_per_pkt")), fmt(r.get("bpf_ns_per_msg") / 1000.0
                if r.get("bpf_ns_per_msg") is not None else None, "%.3f"),
            fmt(r.get("bpf_cpu_s"), "%.3f"),
            fmt(r.get("reserve_fail")), notes(r), dtxt]) + " |")
    lines += best_lines(best, "Highest loss-free step per capture "
                        "(achieved msgs/s, both directions):")
    lines += best_lines(best_rt, "Highest step per capture that is "
                        "loss-free and keeps up (idle within %.0f s after "
                        "the load stops):" % KEEP_UP_S)
    lines += ratio_lines(rows, best, "lossless", "loss-free")
    lines += ratio_lines(rows, best_rt, "keeps_up",
                         "loss-free and keeping up")
    lines += latency_cost_lines(rows)
    cdir = os.path.join(work, "conns")
    if os.path.isfile(os.path.join(cdir, "meta")):
        cl, cf = conns_report(cdir)
        lines += ["", "Live connections (`tools/bench/run.sh --conns`):", ""]
        lines += cl + ["- checks: %s" % ("all passed" if not cf else
                                         "FAILED: " + "; ".join(cf))]
    bb = os.path.join(outdir, "bpfbench.md")
    if os.path.isfile(bb):
        lines += ["", "BPF program cost by payload size (tools/bench/bpfbench: "
                  "BPF_PROG_TEST_RUN, mean of many runs on one frame of "
                  "64-byte PACKET_INs, consumer thread draining the ring as "
                  "the daemon does, kernel.bpf_stats_enabled=0 (its accounting "
                  "adds to every run); \"no match\" = parse + port lookup "
                  "only):",
                  "", _read(bb).rstrip()]
    md = "\n".join(lines) + "\n"
    intro = ("# ofxdp benchmark\n\n%s\n\nsent = ofgen truth (switches' sent "
             "+ controller's sent); counted = the capture's count of "
             "top-level OpenFlow messages; loss %% = missing / sent; "
             "drops = kernel/pcap drop count (tcpdump: packets, from its "
             "exit summary); CPU = utime+stime of the monitor process "
             "(tshark: tshark + dumpcap) from start of traffic to idle, "
             "CPU s/M msgs = that per million messages sent (0.020 = "
             "20 ns per message); "
             "BPF ns/pkt = run_time_ns/run_cnt of the ofx_* programs "
             "(kernel.bpf_stats_enabled=1; every packet on the interface, "
             "ACKs included), BPF s/M msgs = run_time_ns per million "
             "messages sent, "
             "BPF CPU s is not in CPU s; "
             "host CPU s = busy time of all CPUs while ofgen ran "
             "(generator, kernel, monitor, anything else on the host); "
             "lag s = time from the end of the load until the capture is "
             "idle again (2.0 s minimum: the check itself); "
             "notes: tcp_retrans / veth_drops = TCP retransmissions and "
             "veth drop counters in both namespaces during the step; ring "
             "backlog max = most bytes waiting in the BPF ring buffer "
             "(64 MiB by default).\n\n"
             % meta.get("desc", ""))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(intro + md)
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump({"run": meta, "steps": rows, "lossless_max": best,
                   "keeps_up_max": best_rt}, f,
                  indent=1, sort_keys=True)
        f.write("\n")
    print(md, end="")


def smoke(work):
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print("%s: %s" % ("PASS" if ok else "FAIL", what))
        if ok:
            passed += 1
        else:
            failed += 1

    steps = [os.path.join(work, n) for n in sorted(os.listdir(work))
             if os.path.isfile(os.path.join(work, n, "meta"))]
    check(len(steps) > 0, "smoke step ran")
    for sdir in steps:
        r = step_row(sdir)
        tag = "%s %s" % (r["capture"], rate_label(r["rate"]))
        check(r.get("ok", False), "%s: ofgen results present (%s)" %
              (tag, r.get("error", "ok")))
        if not r.get("ok"):
            continue
        check(r.get("sent", 0) > 0 and r.get("connections_failed", 1) == 0,
              "%s: ofgen sent %s msgs, no failed connection" %
              (tag, r.get("sent")))
        check(r.get("counted") is not None, "%s: ofxdp stats read" % tag)
        check(r.get("loss_pct") == 0, "%s: zero loss (sent %s, counted %s)"
              % (tag, r.get("sent"), r.get("counted")))
        check(r.get("type_diffs") == [],
              "%s: ofgen truth == ofxdp per version/direction/type%s" %
              (tag, "" if not r.get("type_diffs") else
               " (" + "; ".join(r["type_diffs"][:8]) + ")"))
        for k in ("reserve_fail", "records_lost", "gaps", "malformed"):
            check(r.get(k) == 0, "%s: loss counter %s == 0 (%s)" %
                  (tag, k, r.get(k)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "tshark-count":
        tshark_count([p for p in sys.argv[2].split(",") if p])
    elif len(sys.argv) == 4 and sys.argv[1] == "summarize":
        summarize(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "smoke":
        sys.exit(smoke(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "conns":
        sys.exit(conns(sys.argv[2]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "conns-up":
        sys.exit(conns_up(int(sys.argv[2]), sys.argv[3:]))
    elif len(sys.argv) == 2 and sys.argv[1] == "fields":
        print(" ".join("-e " + f for f in TSHARK_FIELDS))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
