# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# latency_* integration cases (sourced by tests/integration/run.sh, which
# provides fail, note, py, rest_get, setup_ovs, start_ofxdp/stop_ofxdp,
# start_tcpdump/stop_tcpdump, wait_rest_stable, OF_PORT, OF_PORT2, W).
#
# latency_ovs_MODE: a real Open vSwitch and ovs-testcontroller (no flows:
# every ping is a PACKET_IN answered by a PACKET_OUT), echo probes after an
# idle period (OVS probes after 5 s of silence), and ovs-ofctl over the
# veth to the switch's passive listener (FEATURES, MULTIPART and BARRIER
# requests). ofxdp's latency figures are
# compared with an independent xid/buffer_id/frame join over tshark's
# dissection of a tcpdump capture of the same traffic
# (tools/tshark-latency.py): every count exactly, times within 5 % + 100 us
# (the capture points differ: the BPF hook or libpcap vs tcpdump). Every
# echo and barrier must be matched.
#
# latency_ofgen_MODE: ofgen's controller answers after a set delay with
# jitter (--reply-delay); ofgen itself reports the latencies it saw, and
# ofxdp's p50/p99 must agree with them within 5 % or 50 us.

TSLAT="$ROOT/tools/tshark-latency.py"

# lat_get JSON KIND FROM FIELD - one figure of a "latency" object (0 when
# the entry is absent, "null" for a null).
lat_get() {
	py 'import json,sys
d = json.load(open(sys.argv[1]))
d = d.get("latency", d.get("overall", d))
v = d.get(sys.argv[2], {}).get(sys.argv[3], {}).get(sys.argv[4], 0)
print("null" if v is None else v)' "$@"
}

# case_latency_ovs MODE
case_latency_ovs() {
	local mode=$1 k n proto=OpenFlow13 target
	setup_ovs 1.3
	start_ofxdp "$mode" "$OF_PORT,$OF_PORT2"
	start_tcpdump "$OF_PORT" "$OF_PORT2"
	note "connecting the switch (inactivity_probe 1 s) with a passive listener"
	nl_connect 1000 "ptcp:$OF_PORT2:$NL_SW_IP" || fail "switch did not connect"
	nl_wait_for 10 nl_listening "$NL_NS_S" "$OF_PORT2" || fail "no passive listener"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	target="tcp:$NL_SW_IP:$OF_PORT2"
	for k in 1 2 3; do
		nl_c ovs-ofctl --timeout=10 -O "$proto" dump-flows "$target" >/dev/null ||
			fail "ovs-ofctl dump-flows over TCP failed"
		nl_c ovs-ofctl --timeout=10 -O "$proto" add-flow "$target" \
			"priority=$((200 + k)),udp,tp_dst=$((5000 + k)),actions=drop" ||
			fail "ovs-ofctl add-flow over TCP failed"
		nl_c ovs-ofctl --timeout=10 -O "$proto" dump-ports "$target" >/dev/null ||
			fail "ovs-ofctl dump-ports over TCP failed"
	done
	note "idle 7 s (echo probes: OVS probes after >= 5 s of silence)"
	sleep 7
	nl_ping 10 0.02 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	sleep 1.5 # latency figures are published with the views, once a second
	rest_get /api/v1/stats >"$W/stats.json" || fail "GET /api/v1/stats failed"
	rest_get "/api/v1/latency?window=all" >"$W/lat_all.json" ||
		fail "GET /api/v1/latency failed"
	rest_get "/api/v1/latency?window=60s" >"$W/lat_60.json" ||
		fail "GET /api/v1/latency?window=60s failed"
	note "ofxdp vs tshark-latency.py (same traffic, tcpdump capture)"
	"$TSLAT" "$W/cap.pcap" --of-port "$OF_PORT,$OF_PORT2" --compare "$W/stats.json" \
		--tol-rel 0.05 --tol-ns 100000 ||
		fail "latency differs from tshark's xid join (see the table in the log)"
	# what the oracle compared must be there: every echo and barrier
	# matched, PACKET_INs by their frame, multipart pairs
	n=$(lat_get "$W/stats.json" echo switch count)
	[ "$n" -ge 1 ] || fail "no echo pair from the switch"
	for k in echo barrier; do
		local f
		for f in controller switch; do
			[ "$(lat_get "$W/stats.json" $k $f unreplied)" = 0 ] &&
				[ "$(lat_get "$W/stats.json" $k $f orphan_replies)" = 0 ] ||
				fail "$k from $f: not every request matched"
		done
	done
	n=$(lat_get "$W/stats.json" barrier controller count)
	[ "$n" -ge 3 ] || fail "only $n barrier pairs (ovs-ofctl add-flow sends one each)"
	n=$(lat_get "$W/stats.json" multipart controller count)
	[ "$n" -ge 6 ] || fail "only $n multipart pairs"
	n=$(lat_get "$W/stats.json" packet_in switch matched_by_data)
	[ "$n" -ge 20 ] || fail "only $n PACKET_INs matched by their frame"
	# the 60 s window holds it all (the case is shorter); /api/v1/latency
	# and the per-switch figures add up to the overall ones
	[ "$(lat_get "$W/lat_60.json" packet_in switch count)" = \
		"$(lat_get "$W/stats.json" packet_in switch count)" ] ||
		fail "60s window: packet_in count differs from the cumulative one"
	py 'import json,sys
d = json.load(open(sys.argv[1]))
tot = {}
for s in d["switches"]:
    for k, v in s["latency"].items():
        for f, e in v.items():
            tot[(k, f)] = tot.get((k, f), 0) + e["count"]
want = {(k, f): e["count"] for k, v in d["overall"].items() for f, e in v.items()}
if tot != want:
    sys.exit("per-switch counts %s != overall %s" % (tot, want))
if not d["enabled"] or d["window"] != "all":
    sys.exit("enabled/window wrong")' "$W/lat_all.json" || fail "per-switch latency does not add up"
	local code
	code=$(nl_c curl -s -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$REST_PORT/api/v1/latency?window=7s")
	[ "$code" = 400 ] || fail "window=7s answered $code, want 400"
	stop_ofxdp
}

# case_latency_ofgen MODE - ofgen on both ends of the veth: the controller
# answers PACKET_INs after 2 ms (+-200 us jitter), echo and barrier
# requests after 2 ms; the switches answer the controller's echo after
# 1 ms, barriers after 500 us, flow stats after 3 ms; 30 % of the
# PACKET_INs are buffered (answered by buffer_id), the rest carry a
# unique frame (answered by a PACKET_OUT with it, matched by data). Both
# ofgen roles report what they measured. ofxdp, attached on the
# controller's veth, sees the wire between them: for every kind the pair
# counts equal ofgen's; p50 is within 5 % or 50 us (the larger) of the
# figure of the role that answered (its "answer" time: request read to
# answer written); and p50 and p99 lie between that answer time and the
# requester's round trip (each widened by the same tolerance), since the
# wire time at the controller's interface includes the answerer's
# processing and excludes the requester's socket and scheduling delays.
case_latency_ofgen() {
	local mode=$1 ofgen=$ROOT/build/ofgen
	[ -x "$ofgen" ] || fail "$ofgen not built (make)"
	nl_topology || fail "topology setup failed"
	start_ofxdp "$mode" "$OF_PORT"
	nl_c "$ofgen" controller --listen "$NL_CTL_IP:$OF_PORT" --versions 1.0,1.3 \
		--expect 2 --duration 60 --reply-delay 2ms --reply-jitter 200us \
		--echo-interval 100 --barrier-interval 100 --stats-interval 250 \
		-o "$W/ctl.json" 2>"$W/ctl.err" &
	local cpid=$!
	nl_track_pid "$cpid"
	nl_wait_for 10 grep -q "listening" "$W/ctl.err" || fail "ofgen controller did not start"
	ip netns exec "$NL_NS_S" "$ofgen" switches --connect "$NL_CTL_IP:$OF_PORT" -n 2 \
		--versions 1.0,1.3 -d 6 -r 2000 --pin-buffered 30 \
		--reply-delay echo=1ms,barrier=500us,multipart=3ms --drain 1000 \
		-o "$W/sw.json" 2>"$W/sw.err" || fail "ofgen switches failed: $(tail -1 "$W/sw.err")"
	nl_wait_for 20 nl_not kill -0 "$cpid" || fail "ofgen controller did not end"
	wait_rest_stable
	sleep 1.5 # latency figures are published with the views, once a second
	rest_get /api/v1/stats >"$W/stats.json" || fail "GET /api/v1/stats failed"
	py 'import json, sys
ofx = json.load(open(sys.argv[1]))["latency"]
role = {"controller": json.load(open(sys.argv[2]))["latency"],
        "switch": json.load(open(sys.argv[3]))["latency"]}
other = {"controller": "switch", "switch": "controller"}
bad = 0
print("%-19s %-10s %7s %7s | %-30s | %-30s" % ("kind", "from", "ofgen",
      "ofxdp", "p50 answer/ofxdp/round trip", "p99 answer/ofxdp/round trip"))
def tol(v):
    return max(0.05 * v, 50000)
for kind in ("packet_in", "echo", "barrier", "multipart",
             "multipart_complete"):
    for side in ("switch", "controller"):
        ans = role[other[side]].get(kind, {}).get(side)  # who answered
        rt = role[side].get(kind, {}).get(side)  # who asked
        if not ans or not ans.get("count"):
            continue
        x = ofx.get(kind, {}).get(side, {})
        ok = x.get("count") == ans["count"] and not x.get("unreplied") and \
            not x.get("orphan_replies") and rt and rt.get("count")
        cells = []
        for f in ("p50_ns", "p99_ns"):
            a, b, r = ans[f], x.get(f), (rt or {}).get(f)
            cells.append("%9s %9s %9s" % (a, b, r))
            if b is None or r is None or b < a - tol(a) or b > r + tol(r):
                ok = False
            if f == "p50_ns" and b is not None and abs(b - a) > tol(a):
                ok = False
        print("%-19s %-10s %7d %7d | %s | %s%s" % (kind, side, ans["count"],
              x.get("count", 0), cells[0], cells[1],
              "" if ok else "   <-- DIFFERS"))
        bad += not ok
pin = ofx.get("packet_in", {}).get("switch", {})
print("packet_in matched by buffer_id %s, by data %s, unreplied %s" % (
    pin.get("matched_by_buffer_id"), pin.get("matched_by_data"),
    pin.get("unreplied")))
if not pin.get("matched_by_buffer_id") or not pin.get("matched_by_data"):
    print("both matching methods must have been used"); bad += 1
for need in (("packet_in", "switch"), ("echo", "controller"),
             ("barrier", "controller"), ("multipart", "controller")):
    if not ofx.get(need[0], {}).get(need[1], {}).get("count"):
        print("no %s pair from %s" % need); bad += 1
sys.exit(1 if bad else 0)' "$W/stats.json" "$W/ctl.json" "$W/sw.json" ||
		fail "ofxdp's latency differs from ofgen's own (see the table in the log)"
	stop_ofxdp
}
