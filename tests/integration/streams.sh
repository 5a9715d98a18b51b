# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Integration case of REST stream sessions (sourced by run.sh): Open
# vSwitch <-> ovs-testcontroller (no flows: every frame is a PACKET_IN /
# PACKET_OUT exchange), two hosts, ofxdp attach with REST. Three sessions
# before the traffic: A (our API, PACKET_IN/PACKET_OUT/FLOW_MOD carrying
# host 1's MAC, read as NDJSON), B (PacketStreamer's own body on
# /wm/core/packettrace/json, host 2's MAC, direction both, read as
# Server-Sent Events), C (every PACKET_IN, a queue of 5, never read until
# the end). Checks against tshark's dissection of a tcpdump capture of the
# same traffic: A and B got exactly the messages carrying their host's
# frames and none other, lost nothing; C lost what did not fit (counted),
# and only C; deleting A and B ends their streams with a session_end line.

# streams_oracle PCAP PORT MAC: PACKET_IN/PACKET_OUT carrying MAC (eth src
# or dst of the carried frame), and all PACKET_INs, per tshark.
streams_oracle() {
	python3 - "$@" <<'PY'
import subprocess, sys
path, port, mac = sys.argv[1:4]
out = subprocess.run(["tshark", "-r", path, "-d", "tcp.port==%s,openflow" % port,
                      "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                      "-E", "separator=|", "-e", "openflow_v4.type",
                      "-e", "eth.src", "-e", "eth.dst"],
                     capture_output=True, text=True, check=True).stdout
carry = pins = 0
for line in out.splitlines():
    types, srcs, dsts = line.split("|")
    if not types:
        continue
    # the first Ethernet header is the capture's own; then one per
    # carried frame, in message order
    srcs, dsts = srcs.split(",")[1:], dsts.split(",")[1:]
    i = 0
    for t in types.split(","):
        if t not in ("10", "13"):
            continue
        pins += t == "10"
        if i < len(srcs) and mac in (srcs[i], dsts[i]):
            carry += 1
        i += 1
print(carry, pins)
PY
}

# stream_count FILE SSE MAC: message lines, lines carrying MAC, others,
# and the session_end line ("-" if none)
stream_count() {
	python3 - "$@" <<'PY'
import json, sys
path, sse, mac = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
n = carry = other = 0
end = "-"
for line in open(path):
    line = line.rstrip("\n")
    if sse:
        if not line.startswith("data: "):
            continue
        line = line[6:]
    if not line:
        continue
    m = json.loads(line)
    if "session_end" in m:
        end = m["session_end"]
        continue
    n += 1
    f = m.get("frame", {})
    if mac in (f.get("eth_src"), f.get("eth_dst")):
        carry += 1
    else:
        other += 1
print(n, carry, other, end)
PY
}

case_streams() {
	local mode=$1 mac1 mac2 a b c base want1 want2 pins n carry other end
	setup_ovs 1.3
	mac1=$(ip -n "$NL_NS_H1" -br link show a1-"$NL_ID" | awk '{print $3}')
	mac2=$(ip -n "$NL_NS_H2" -br link show a2-"$NL_ID" | awk '{print $3}')
	start_ofxdp "$mode" "$OF_PORT"
	base="http://127.0.0.1:$REST_PORT"
	a=$(nl_c curl -sf -X POST -d "{\"type\": [\"PACKET_IN\", \"PACKET_OUT\", \"FLOW_MOD\"], \"mac\": \"$mac1\", \"period\": 120}" \
		"$base/api/v1/streams" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessionId"])') ||
		fail "POST /api/v1/streams failed"
	b=$(nl_c curl -sf -X POST -d "{\"mac\": \"$mac2\", \"direction\": \"both\", \"period\": 120}" \
		"$base/wm/core/packettrace/json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessionId"])') ||
		fail "POST /wm/core/packettrace/json failed"
	c=$(nl_c curl -sf -X POST -d '{"type": "PACKET_IN", "queue": 5, "period": 120}' \
		"$base/api/v1/streams" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessionId"])') ||
		fail "POST /api/v1/streams (C) failed"
	note "sessions A $a (host 1 $mac1), B $b (host 2 $mac2), C $c"
	nl_c curl -sN "$base/api/v1/streams/$a" >"$W/a.ndjson" 2>/dev/null &
	nl_track_pid $!
	nl_c curl -sN -H 'Accept: text/event-stream' "$base/api/v1/streams/$b" >"$W/b.sse" 2>/dev/null &
	nl_track_pid $!
	# a second reader of A is refused while the first is attached
	sleep 0.5
	[ "$(nl_c curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/streams/$a?poll=1")" = 409 ] ||
		fail "a second reader of session A was not refused (409)"
	start_tcpdump "$OF_PORT"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 20 0.05 || fail "data-plane traffic failed"
	nl_h2 bash -c "for i in 1 2 3; do echo x >/dev/udp/${NL_H2_IP%.*}.250/9; sleep 0.3; done" || true
	sleep 1
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	nl_c curl -s "$base/api/v1/streams" >"$W/sessions.json"
	nl_c curl -sf -X DELETE "$base/api/v1/streams/$a" >/dev/null || fail "DELETE A failed"
	nl_c curl -sf -X POST -d "{\"sessionId\": \"$b\", \"period\": -1}" \
		"$base/wm/core/packettrace/json" >/dev/null || fail "PacketStreamer period -1 failed"
	nl_c curl -sf "$base/api/v1/streams/$c?poll=1" >"$W/c.json" || fail "poll of C failed"
	sleep 1.5
	[ "$(nl_c curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/streams/$a?poll=1")" = 404 ] ||
		fail "deleted session A still answers"

	read -r want1 pins < <(streams_oracle "$W/cap.pcap" "$OF_PORT" "$mac1")
	read -r want2 _ < <(streams_oracle "$W/cap.pcap" "$OF_PORT" "$mac2")
	note "tshark: $want1 PACKET_IN/OUT carry host 1, $want2 host 2, $pins PACKET_INs"
	[ "$want1" -gt 0 ] && [ "$want2" -gt 0 ] || fail "no traffic of one host"
	read -r n carry other end < <(stream_count "$W/a.ndjson" 0 "$mac1")
	note "A: $n lines, $carry carry host 1, $other other, end $end"
	[ "$n" = "$want1" ] && [ "$other" = 0 ] && [ "$end" = deleted ] ||
		fail "session A: $n lines ($other without host 1, end $end), tshark $want1"
	read -r n carry other end < <(stream_count "$W/b.sse" 1 "$mac2")
	note "B: $n events, $carry carry host 2, $other other, end $end"
	[ "$n" = "$want2" ] && [ "$other" = 0 ] && [ "$end" = deleted ] ||
		fail "session B: $n events ($other without host 2, end $end), tshark $want2"
	python3 - "$W/sessions.json" "$W/c.json" "$a" "$b" "$c" "$pins" <<'PY' || fail "session counters wrong"
import json, sys
ss = {s["sessionId"]: s for s in json.load(open(sys.argv[1]))["sessions"]}
c = json.load(open(sys.argv[2]))
a, b, cid, pins = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
for k in (a, b):
    assert ss[k]["dropped"] == 0, ("reader lost messages", k, ss[k])
s = ss[cid]
assert s["taken"] == pins, ("C took", s["taken"], "of", pins)
assert s["queued"] == 5 and s["dropped"] == pins - 5, s
assert len(c["messages"]) == 5 and c["dropped"] == pins - 5, c
assert all(m["type"] == "OFPT_PACKET_IN" for m in c["messages"])
print("C: %d PACKET_INs, 5 queued and polled, %d dropped; A and B: 0 dropped" % (pins, pins - 5))
PY
	stop_ofxdp
}
