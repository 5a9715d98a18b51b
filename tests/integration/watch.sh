# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Integration cases of `ofxdp watch` (sourced by run.sh): two watchers
# live on the controller veth of an Open vSwitch <-> ovs-testcontroller
# connection with two hosts pinging - one in MODE printing every message
# as NDJSON, one in pcap mode taking only the PACKET_IN/PACKET_OUT/
# FLOW_MOD that carry host 1's frames (--inner 'ether host MAC1') into a
# -w file. Checks: the NDJSON lines equal tshark's dissection of a
# tcpdump capture of the same traffic per type and subtype; the -w file,
# dissected by tshark, holds exactly the messages of the lines that carry
# MAC1 (and some lines carry only host 2's frames, so the filter had
# something to leave out).

# case_watch MODE
case_watch() {
	local mode=$1 mac1 mac2 want got
	setup_ovs 1.3
	mac1=$(ip -n "$NL_NS_H1" -br link show a1-"$NL_ID" | awk '{print $3}')
	mac2=$(ip -n "$NL_NS_H2" -br link show a2-"$NL_ID" | awk '{print $3}')
	note "host 1 $mac1, host 2 $mac2"
	ip netns exec "$NL_NS_C" "$OFXDP" watch "$NL_VETH_C" --mode "$mode" -p "$OF_PORT" \
		--json >"$W/all.ndjson" 2>"$W/watch_all.err" &
	WA_PID=$!
	nl_track_pid "$WA_PID"
	ip netns exec "$NL_NS_C" "$OFXDP" watch "$NL_VETH_C" --mode pcap -p "$OF_PORT" \
		--type PACKET_IN,PACKET_OUT,FLOW_MOD --inner "ether host $mac1" \
		-w "$W/h1.pcap" 2>"$W/watch_h1.err" &
	WH_PID=$!
	nl_track_pid "$WH_PID"
	nl_wait_for 15 grep -q " mode: " "$W/watch_all.err" ||
		fail "watch --mode $mode did not start: $(head -1 "$W/watch_all.err")"
	nl_wait_for 15 grep -q " mode: " "$W/watch_h1.err" ||
		fail "watch --mode pcap did not start: $(head -1 "$W/watch_h1.err")"
	grep -q "^ofxdp: $mode mode: " "$W/watch_all.err" ||
		fail "asked for --mode $mode: $(head -1 "$W/watch_all.err")"
	start_tcpdump "$OF_PORT"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 20 0.05 || fail "data-plane traffic failed"
	# host 2 asks for an address nobody has: ARP broadcasts from MAC2
	# only, each one a PACKET_IN/PACKET_OUT without MAC1
	nl_h2 bash -c "echo x >/dev/udp/${NL_H2_IP%.*}.250/9" || true
	sleep 1
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	kill -INT "$WA_PID" "$WH_PID"
	nl_wait_for 5 nl_not kill -0 "$WA_PID" || fail "watch did not stop on SIGINT"
	nl_wait_for 5 nl_not kill -0 "$WH_PID" || fail "watch (pcap) did not stop on SIGINT"
	wait "$WA_PID" || fail "watch exited with status $?: $(tail -1 "$W/watch_all.err")"
	wait "$WH_PID" || fail "watch (pcap) exited with status $?: $(tail -1 "$W/watch_h1.err")"
	note "watch: $(tail -1 "$W/watch_all.err"); filtered: $(tail -1 "$W/watch_h1.err")"

	tools/watch-count.py "$W/all.ndjson" >"$W/all.json" || fail "bad NDJSON lines"
	tools/tshark-ofcount.py "$W/cap.pcap" "$OF_PORT" >"$W/ts.json" || fail "tshark failed"
	tools/ofcompare.py "$W/ts.json" "$W/all.json" --subtypes --versions 1.3 \
		--label "watch_$mode" >>"$W/cmp.txt" || {
		cat "$W/cmp.txt"
		fail "watch lines differ from tshark"
	}
	note "$(tail -2 "$W/cmp.txt" | head -1)"
	require_ts "$W/ts.json" 1.3 in OFPT_PACKET_IN 20

	# The lines that carry MAC1 (by the frame fields watch printed) and
	# those that carry only MAC2.
	read -r want got < <(python3 -c '
import json, sys
w = o = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m["type"] not in ("OFPT_PACKET_IN", "OFPT_PACKET_OUT", "OFPT_FLOW_MOD"):
        continue
    f = m.get("frame", {})
    macs = {f.get("eth_src"), f.get("eth_dst")}
    if sys.argv[2] in macs:
        w += 1
    elif f:
        o += 1
print(w, o)' "$W/all.ndjson" "$mac1")
	[ "$want" -gt 0 ] && [ "$got" -gt 0 ] ||
		fail "lines carrying $mac1: $want, carrying other frames only: $got (want both > 0)"
	# tshark's dissection of the -w file: messages and their frames
	python3 - "$W/h1.pcap" "$OF_PORT" "$mac1" "$want" <<'PY' || fail "the -w file does not hold exactly host 1's messages"
import subprocess, sys
path, port, mac, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
out = subprocess.run(["tshark", "-r", path, "-d", "tcp.port==%s,openflow" % port,
                      "-T", "fields", "-E", "separator=|", "-e", "openflow_v4.type",
                      "-e", "eth.addr"], capture_output=True, text=True, check=True).stdout
n = 0
for line in out.splitlines():
    types, addrs = line.split("|")
    for t in types.split(","):
        n += 1
        if t not in ("10", "13"):
            sys.exit("message of type %s in the file" % t)
    if mac not in addrs.split(","):
        sys.exit("a frame without %s: %s" % (mac, line))
print("-w file: %d messages, each carrying %s (lines: %d)" % (n, mac, want))
sys.exit(0 if n == want else 1)
PY
	grep -q "not written: 0 not whole, 0 write errors" "$W/watch_h1.err" ||
		fail "messages not written: $(tail -1 "$W/watch_h1.err")"
}
