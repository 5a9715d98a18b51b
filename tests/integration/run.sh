#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Integration tests: ofxdp on a real Open vSwitch <-> controller connection
# in network namespaces (tools/netns-lib.sh), every count compared with
# tshark's dissection of a tcpdump capture of the same traffic.
#
# Usage: tests/integration/run.sh [CASE...]     (default: every case)
#        tests/integration/run.sh --list
# Env:   OFXDP=path (default ./ofxdp), OFXDP_IT_LOG=file (default
#        build/integration.log), OFXDP_IT_TIMEOUT=seconds per case (90),
#        OFXDP_IT_REST_PORT=port of ofxdp's REST server (18080)
#
# Prints "PASS name", "FAIL name: reason" or "SKIP name: reason" per case
# and ends with "N passed, M failed"; exit status 1 on any failure. The
# side-by-side tables (type, dir, ofxdp, tshark) go to the log.
#
# Direction: "in" = sent by the switch side of its connection, "out" by
# the controller side, as ofxdp decides it from the message types (and the
# tshark oracle, tools/tshark-ofcount.py, independently from tshark's
# dissection). In the big_* cases ovs-ofctl also connects to a passive
# listener of the switch on a second OpenFlow port: on that connection the
# switch is the side that listens, and its MULTIPART_REPLYs count as "in".
# The switches_* cases (tests/integration/switches.sh) also check
# per-switch and per-connection views; the rest_* and privdrop_* cases
# (tests/integration/rest.sh) REST security, slow REST clients and
# attach --user; the dashboard_* cases (tests/integration/dashboard.sh) the
# dashboard in headless chromium.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
SELF="$ROOT/tests/integration/run.sh"
OFXDP=${OFXDP:-$ROOT/ofxdp}
LOG=${OFXDP_IT_LOG:-$ROOT/build/integration.log}
CASE_TIMEOUT=${OFXDP_IT_TIMEOUT:-90}
TSCOUNT="$ROOT/tools/tshark-ofcount.py"
OFCMP="$ROOT/tools/ofcompare.py"
REST_PORT=${OFXDP_IT_REST_PORT:-18080}
REST_TOKEN= # set by a case that starts ofxdp with --rest-token
OF_PORT=16653
OF_PORT2=16654 # the switch's passive listener (big_* cases)

ALL_CASES=(
	of10_tc of10_xdp of10_pcap
	of13_tc of13_xdp of13_pcap
	big_of13_tc big_of13_xdp big_of13_pcap big_of10_tc
	midstream_of13_tc midstream_of13_xdp midstream_of13_pcap
	errors oftraf
	sigkill_tc sigkill_xdp
	switches_tc switches_pcap switches_midstream_tc switches_lldp_tc
	status_tc
	latency_ovs_tc latency_ovs_xdp latency_ovs_pcap
	latency_ofgen_tc latency_ofgen_xdp latency_ofgen_pcap
	ports64_pcap ports64_tc
	tls_tc tls_pcap
	rest_security rest_slow_clients privdrop_tc privdrop_pcap privdrop_clsact
	impair_tc impair_xdp impair_pcap
	watch_tc watch_xdp watch_pcap
	streams_tc streams_pcap
	prometheus_tc prometheus_pcap prometheus_token
	garbage_flood_tc garbage_flood_xdp syn_flood_tc conns10k_tc
	tiny_ring_tc tiny_ring_xdp
	iface_deleted_tc iface_deleted_xdp iface_deleted_pcap
	sigkill_restart_tc sigkill_restart_xdp sigkill_restart_clsact
	console_tc console_pcap console_lines
	dashboard_tc dashboard_token
	events_tc events_pcap
)

# ---------------------------------------------------------------------------
# Helpers used inside one case (a child process of the runner).

# fail REASON - record the case's failure reason and end the case.
fail() {
	echo "FAIL: $*"
	echo "$*" >"$RESULT"
	exit 1
}

# skip REASON - the case cannot run here (a tool is missing): SKIP, not FAIL.
skip() {
	echo "SKIP: $*"
	echo "SKIP $*" >"$RESULT"
	exit 0
}

# note MSG - log line with a timestamp.
note() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }

# start_ofxdp MODE PORTS [ARGS...] - `ofxdp attach` on the controller-side
# veth (ARGS: more options), REST on the controller namespace's
# 127.0.0.1:REST_PORT; waits until REST answers and checks that the
# requested mode is the one running.
start_ofxdp() {
	local mode=$1 ports=$2
	shift 2
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$ports" --mode "$mode" \
		--rest "127.0.0.1:$REST_PORT" --server "$@" >"$W/ofxdp.out" 2>&1 &
	OFX_PID=$!
	nl_track_pid "$OFX_PID"
	if ! nl_wait_for 15 ofxdp_up || ! rest_get /get_of_counts >/dev/null; then
		cat "$W/ofxdp.out"
		kill -0 "$OFX_PID" 2>/dev/null ||
			fail "ofxdp attach --mode $mode exited: $(head -1 "$W/ofxdp.out")"
		fail "ofxdp REST did not answer within 15 s"
	fi
	nl_wait_for 5 grep -q " mode: " "$W/ofxdp.out"
	note "ofxdp: $(grep " mode: " "$W/ofxdp.out")"
	grep -q "^ofxdp: $mode mode: " "$W/ofxdp.out" ||
		fail "asked for --mode $mode, ofxdp says: $(head -1 "$W/ofxdp.out")"
}

# ofxdp_up - REST answers, or ofxdp is gone (no use waiting).
ofxdp_up() {
	rest_get /get_of_counts || ! kill -0 "$OFX_PID" 2>/dev/null
}

# stop_ofxdp - SIGTERM, wait up to 5 s; fails the case if it does not exit 0.
stop_ofxdp() {
	kill -TERM "$OFX_PID" 2>/dev/null
	local rc
	if ! nl_wait_for 5 nl_not kill -0 "$OFX_PID"; then
		fail "ofxdp did not exit within 5 s of SIGTERM"
	fi
	wait "$OFX_PID"
	rc=$?
	[ "$rc" = 0 ] || fail "ofxdp exited with status $rc after SIGTERM"
}

# rest_get PATH - GET from ofxdp's REST server in the controller namespace
# (with REST_TOKEN as a bearer token when a case set it).
rest_get() {
	nl_c curl -sf --max-time 3 ${REST_TOKEN:+-H "Authorization: Bearer $REST_TOKEN"} \
		"http://127.0.0.1:$REST_PORT$1"
}

# start_tcpdump PORT... - capture the OpenFlow ports on the controller veth.
start_tcpdump() {
	local filter="" p
	for p in "$@"; do
		filter="${filter:+$filter or }tcp port $p"
	done
	ip netns exec "$NL_NS_C" tcpdump -i "$NL_VETH_C" -s 0 -U -n -w "$W/cap.pcap" "$filter" \
		2>"$W/tcpdump.err" &
	TD_PID=$!
	nl_track_pid "$TD_PID"
	nl_wait_for 10 grep -q "listening on" "$W/tcpdump.err" ||
		fail "tcpdump did not start: $(head -1 "$W/tcpdump.err")"
}

# stop_tcpdump - SIGTERM (a background job ignores SIGINT), wait.
stop_tcpdump() {
	kill -TERM "$TD_PID" 2>/dev/null
	nl_wait_for 5 nl_not kill -0 "$TD_PID" || fail "tcpdump did not stop"
	wait "$TD_PID" 2>/dev/null
	note "tcpdump: $(grep -h "captured\|dropped by kernel" "$W/tcpdump.err" | tr '\n' ' ')"
	grep -q "^0 packets dropped by kernel" "$W/tcpdump.err" ||
		fail "tcpdump dropped packets: the oracle is incomplete"
}

# wait_rest_stable - poll /get_of_counts until two reads 0.6 s apart agree
# (the daemon publishes its counters periodically).
wait_rest_stable() {
	local a b i
	a=$(rest_get /get_of_counts)
	for i in $(seq 20); do
		sleep 0.6
		b=$(rest_get /get_of_counts)
		[ -n "$a" ] && [ "$a" = "$b" ] && return 0
		a=$b
	done
	fail "ofxdp counters still changing after $((i * 6 / 10)) s of silence"
}

# py CODE ARGS... - run a small python3 program (python3 is a dependency of
# openvswitch-switch).
py() {
	local code=$1
	shift
	python3 -c "$code" "$@"
}

# tcp_payload_bytes PCAP TS_JSON DIR [unique] - TCP payload bytes in one
# direction, every segment seen (as ofxdp's TCP_OF_* counters count them),
# or with "unique" without tshark-detected retransmissions (the stream
# bytes, which the OpenFlow lengths must add up to). "in" = sent by a
# connection's switch side, as the oracle's roles (TS_JSON, made with
# --connections) decided.
tcp_payload_bytes() {
	local filter="tcp.len > 0" sw
	[ "${4:-}" = unique ] && filter="$filter && !tcp.analysis.retransmission && !tcp.analysis.fast_retransmission && !tcp.analysis.spurious_retransmission"
	sw=$(py 'import json,sys
print(",".join(c["switch"] for c in json.load(open(sys.argv[1])).get("connections", [])))' "$2")
	tshark -r "$1" -2 -Y "$filter" -T fields -e ip.src -e ipv6.src -e tcp.srcport -e tcp.len 2>/dev/null |
		awk -F'\t' -v sw=",$sw," -v dir="$3" '
			{ src = ($1 != "" ? $1 : "[" $2 "]") ":" $3
			  d = index(sw, "," src ",") ? "in" : "out" }
			d == dir { s += $4 }
			END { print s + 0 }'
}

# ts_get TS_JSON VER DIR TYPE FIELD - one number from tshark-ofcount output.
ts_get() {
	py 'import json,sys
d = json.load(open(sys.argv[1]))
print(d.get(sys.argv[2], {}).get(sys.argv[3], {}).get(sys.argv[4], {}).get(sys.argv[5], 0))' "$@"
}

# ts_total TS_JSON DIR FIELD - sum over all versions and types.
ts_total() {
	py 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(c[sys.argv[3]] for k, v in d.items() if k != "connections"
          for c in v.get(sys.argv[2], {}).values()))' "$@"
}

# compare_all PCAP PORTS VER FROM_SYN - every ofxdp view vs the tshark oracle:
#   oracle self-check: OpenFlow lengths add up to the TCP payload (FROM_SYN=1)
#   REST /get_of1X_counts (oftraf shape, version VER) and /api/v1/stats
#   REST /get_of_counts totals: OF messages/bytes and TCP payload bytes
#   `ofxdp read PCAP --json`
compare_all() {
	local pcap=$1 ports=$2 ver=$3 from_syn=$4 tag bad=0 d
	tag=1${ver#1.}
	"$TSCOUNT" "$pcap" "$ports" --connections >"$W/ts.json" || fail "tshark-ofcount failed"
	rest_get "/get_of${tag}_counts" >"$W/rest_v.json" || fail "GET /get_of${tag}_counts failed"
	rest_get /api/v1/stats >"$W/rest_full.json" || fail "GET /api/v1/stats failed"
	rest_get /get_of_counts >"$W/rest_tot.json" || fail "GET /get_of_counts failed"
	note "REST /get_of_counts: $(cat "$W/rest_tot.json")"
	for d in in out; do
		local tsm tsb tcpb tcpu ofm ofb ofseg_b
		tsm=$(ts_total "$W/ts.json" $d msgs)
		tsb=$(ts_total "$W/ts.json" $d bytes)
		tcpb=$(tcp_payload_bytes "$pcap" "$W/ts.json" $d)
		tcpu=$(tcp_payload_bytes "$pcap" "$W/ts.json" $d unique)
		read -r ofm ofb ofseg_b < <(py 'import json,sys
d = json.load(open(sys.argv[1])); k = sys.argv[2]
print(d["OF_%s_counts" % k][0], d["OF_%s_counts" % k][1], d["TCP_OF_%s_counts" % k][1])' \
			"$W/rest_tot.json" $d)
		note "dir $d: tshark $tsm msgs $tsb bytes, TCP payload $tcpb bytes ($tcpu without retransmissions); ofxdp $ofm msgs $ofb bytes, TCP payload $ofseg_b bytes"
		if [ "$from_syn" = 1 ] && [ "$tsb" != "$tcpu" ]; then
			cp "$pcap" "$(dirname "$LOG")/integration-$CASE.pcap"
			note "capture kept as $(dirname "$LOG")/integration-$CASE.pcap"
			fail "oracle self-check: tshark OpenFlow bytes $tsb != TCP stream bytes $tcpu ($d)"
		fi
		if [ "$ofm" != "$tsm" ] || [ "$ofb" != "$tsb" ]; then
			note "MISMATCH /get_of_counts OF_${d}_counts"
			bad=1
		fi
		[ "$ofseg_b" = "$tcpb" ] ||
			{ note "MISMATCH /get_of_counts TCP_OF_${d}_counts bytes"; bad=1; }
	done
	note "side by side: REST /get_of${tag}_counts vs tshark (OpenFlow $ver)"
	"$OFCMP" "$W/ts.json" "$W/rest_v.json" --versions "$ver" \
		--label "REST /get_of${tag}_counts" || bad=1
	note "side by side: REST /api/v1/stats vs tshark (all versions)"
	"$OFCMP" "$W/ts.json" "$W/rest_full.json" --label "REST /api/v1/stats" || bad=1
	note "side by side: ofxdp read --json vs tshark (all versions)"
	if "$OFXDP" read "$pcap" --of-port "$ports" --json >"$W/read.json" 2>"$W/read.err"; then
		"$OFCMP" "$W/ts.json" "$W/read.json" --label "ofxdp read" || bad=1
	else
		note "ofxdp read failed: $(head -1 "$W/read.err")"
		bad=1
	fi
	[ "$bad" = 0 ] || fail "counts differ from tshark (see the table in the log)"
}

# attach_when_quiet MODE PORTS [ARGS...] - start ofxdp and tcpdump on
# running connections, retried (3 tries) until neither saw a byte for
# 1.2 s: the join then happens on a message boundary of a quiet
# connection, which the tests that follow expect.
attach_when_quiet() {
	local try
	for try in 1 2 3; do
		note "attaching to the running connections (try $try)"
		start_ofxdp "$@"
		start_tcpdump "$2"
		sleep 1.2
		if [ "$(stat -c %s "$W/cap.pcap")" = 24 ] &&
			rest_get /get_of_counts | py 'import json, sys
sys.exit(any(any(v) for v in json.load(sys.stdin).values()))'; then
			return 0
		fi
		note "traffic during the attach window: retrying"
		stop_tcpdump
		stop_ofxdp
	done
	fail "connections never quiet for 1.2 s"
}

# require_ts TS_JSON VER DIR TYPE MIN - the traffic really contained MIN+
# messages of TYPE (so a case cannot pass on an empty capture).
require_ts() {
	local n
	n=$(ts_get "$1" "$2" "$3" "$4" msgs)
	[ "$n" -ge "$5" ] || fail "traffic check: tshark saw $n $4 ($2 $3), want >= $5"
}

# proto_of VER - ovs protocol name for "1.0"/"1.3".
proto_of() {
	case $1 in
	1.0) echo OpenFlow10 ;;
	1.3) echo OpenFlow13 ;;
	esac
}

# setup_ovs VER - topology, OVS and a no-flow ovs-testcontroller.
setup_ovs() {
	nl_topology || fail "topology setup failed"
	nl_ovs_start "$(proto_of "$1")" || fail "Open vSwitch did not start"
	nl_controller_start "$(proto_of "$1")" -n || fail "ovs-testcontroller did not start"
}

# ---------------------------------------------------------------------------
# Cases.

# case_live VER MODE - capture from the SYN: handshake, PACKET_IN/OUT from
# data-plane traffic, echo probes from an idle period, FIN.
case_live() {
	local ver=$1 mode=$2
	setup_ovs "$ver"
	start_ofxdp "$mode" "$OF_PORT"
	start_tcpdump "$OF_PORT"
	note "connecting the switch (inactivity_probe 1 s)"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	note "idle 6 s (echo probes; OVS probes after >= 5 s of silence)"
	sleep 6
	nl_ping 20 0.02 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$OF_PORT" "$ver" 1
	require_ts "$W/ts.json" "$ver" in OFPT_HELLO 1
	require_ts "$W/ts.json" "$ver" out OFPT_HELLO 1
	require_ts "$W/ts.json" "$ver" in OFPT_PACKET_IN 20
	require_ts "$W/ts.json" "$ver" out OFPT_PACKET_OUT 20
	require_ts "$W/ts.json" "$ver" in OFPT_ECHO_REQUEST 1
	require_ts "$W/ts.json" "$ver" out OFPT_ECHO_REPLY 1
	stop_ofxdp
}

# case_big VER MODE - messages larger than the MTU in both directions:
# 2000 flows dumped by ovs-ofctl over the veth from the switch's passive
# listener (multipart/stats replies of up to 64 KB), then deleted, so the
# switch sends 2000 FLOW_REMOVED to the controller in large batched
# segments.
case_big() {
	local ver=$1 mode=$2 proto nflows=2000 n
	proto=$(proto_of "$ver")
	setup_ovs "$ver"
	start_ofxdp "$mode" "$OF_PORT,$OF_PORT2"
	start_tcpdump "$OF_PORT" "$OF_PORT2"
	nl_connect 5000 "ptcp:$OF_PORT2:$NL_SW_IP" || fail "switch did not connect"
	nl_wait_for 10 nl_listening "$NL_NS_S" "$OF_PORT2" || fail "no passive listener"
	nl_ping 5 0.05 || fail "data-plane traffic failed"
	py 'import sys
for i in range(int(sys.argv[1])):
    print("priority=100,udp,nw_dst=10.9.%d.%d,tp_dst=%d,actions=drop" % (i // 250, i % 250 + 1, 1000 + i))' \
		"$nflows" >"$W/flows.txt"
	sed -i 's/^/send_flow_rem,/' "$W/flows.txt"
	nl_ofctl -O "$proto" add-flows "$NL_BR" "$W/flows.txt" || fail "add-flows failed"
	note "dumping $nflows flows over the veth"
	nl_c ovs-ofctl --timeout=20 -O "$proto" dump-flows "tcp:$NL_SW_IP:$OF_PORT2" >"$W/dump.txt" ||
		fail "ovs-ofctl dump-flows over TCP failed"
	n=$(grep -c "priority=100" "$W/dump.txt")
	[ "$n" = "$nflows" ] || fail "dump-flows listed $n flows, want $nflows"
	note "deleting the flows (FLOW_REMOVED to the controller)"
	nl_ofctl -O "$proto" del-flows "$NL_BR" udp || fail "del-flows failed"
	sleep 1
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$OF_PORT,$OF_PORT2" "$ver" 1
	local reply
	if [ "$ver" = 1.0 ]; then reply=OFPT_STATS_REPLY; else reply=OFPT_MULTIPART_REPLY; fi
	# The switch listens on OF_PORT2: its replies are "in", ovs-ofctl's
	# requests "out" (roles by message type, not by port).
	require_ts "$W/ts.json" "$ver" in "$reply" 2
	require_ts "$W/ts.json" "$ver" out "${reply%_REPLY}_REQUEST" 1
	require_ts "$W/ts.json" "$ver" in OFPT_FLOW_REMOVED "$nflows"
	local maxlen
	maxlen=$(tshark -r "$W/cap.pcap" -d "tcp.port==$OF_PORT,openflow" \
		-d "tcp.port==$OF_PORT2,openflow" -T fields -E occurrence=a \
		-e openflow.length -e openflow_v4.length 2>/dev/null |
		tr ',\t' '\n' | sort -n | tail -1)
	note "largest OpenFlow message: $maxlen bytes"
	[ "${maxlen:-0}" -gt 1500 ] || fail "no message larger than the MTU (max $maxlen)"
	stop_ofxdp
}

# case_midstream VER MODE - ofxdp and tcpdump start on a connection that is
# already up (after traffic), at a quiet moment, so both see the same
# messages from a message boundary on; tshark dissects a stream without its
# SYN as well. Exact comparison, minus the oracle self-check on TCP bytes
# (which holds too, since nothing is in flight when the captures start).
case_midstream() {
	local ver=$1 mode=$2
	setup_ovs "$ver"
	nl_connect 5000 || fail "switch did not connect"
	nl_ping 20 0.02 || fail "data-plane traffic failed"
	sleep 0.5
	# Attach both, then make sure the attach window was quiet for both
	# (hosts' ARP refreshes can trigger a PACKET_IN at any moment): no
	# packet in the capture yet and all ofxdp counters zero; else retry.
	attach_when_quiet "$mode" "$OF_PORT"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$OF_PORT" "$ver" 1
	require_ts "$W/ts.json" "$ver" in OFPT_PACKET_IN 20
	require_ts "$W/ts.json" "$ver" out OFPT_PACKET_OUT 20
	local hello
	hello=$(ts_get "$W/ts.json" "$ver" in OFPT_HELLO msgs)
	[ "$hello" = 0 ] || fail "capture was meant to start after the handshake"
	stop_ofxdp
}

# case_ports64 MODE - 64 OpenFlow ports (OFX_MAX_PORTS), five digits
# each: ofxdp starts (pcap mode's capture filter once truncated beyond ~35
# such ports) and counts exactly like tshark, REST and `ofxdp read` of the
# capture with the same 64 ports.
case_ports64() {
	local mode=$1 ports
	ports=$(py 'import sys
print(",".join([sys.argv[1]] + [str(60000 + 17 * i) for i in range(63)]))' "$OF_PORT")
	setup_ovs 1.3
	start_ofxdp "$mode" "$ports"
	grep -qF "OpenFlow ports $ports;" "$W/ofxdp.out" ||
		fail "ofxdp does not list the 64 ports: $(head -1 "$W/ofxdp.out" | cut -c1-200)"
	start_tcpdump "$OF_PORT"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 20 0.02 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$ports" 1.3 1
	require_ts "$W/ts.json" 1.3 in OFPT_PACKET_IN 10
	require_ts "$W/ts.json" 1.3 out OFPT_PACKET_OUT 10
	stop_ofxdp
}

# expect_error NAME ONE_LINE CMD... - CMD (an executable, not a shell
# function: it runs under timeout) must exit non-zero (1-124) within 10 s
# with a message; ONE_LINE=1: exactly one line of output.
expect_error() {
	local name=$1 one=$2 rc lines
	shift 2
	timeout 10 "$@" >"$W/err.out" 2>&1
	rc=$?
	lines=$(wc -l <"$W/err.out")
	note "$name: exit $rc, $lines line(s): $(head -2 "$W/err.out" | tr '\n' '|')"
	[ "$rc" = 124 ] && fail "$name: still running after 10 s"
	[ "$rc" -ge 125 ] && fail "$name: the command could not be run (exit $rc)"
	[ "$rc" != 0 ] || fail "$name: exit status 0"
	[ "$lines" -ge 1 ] || fail "$name: no message"
	[ "$one" = 1 ] && [ "$lines" != 1 ] && fail "$name: $lines lines of output, want 1"
	return 0
}

case_errors() {
	nl_topology || fail "topology setup failed"
	expect_error "unknown interface" 1 \
		ip netns exec "$NL_NS_C" "$OFXDP" attach nosuch0 --mode tc --rest "127.0.0.1:$REST_PORT" --server
	expect_error "bad port list" 0 \
		ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port 70000 --rest "127.0.0.1:$REST_PORT" --server
	expect_error "missing file" 0 "$OFXDP" read "$W/no-such-file.pcap" --json
	# REST address in use: a plain listener holds 127.0.0.1:REST_PORT.
	ip netns exec "$NL_NS_C" python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' \
		"$REST_PORT" &
	local lpid=$!
	nl_track_pid "$lpid"
	nl_wait_for 5 nl_listening "$NL_NS_C" "$REST_PORT" || fail "test listener did not start"
	local m
	for m in tc pcap; do
		expect_error "REST address in use ($m)" 0 \
			ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --mode "$m" --rest "127.0.0.1:$REST_PORT" --server
	done
	kill "$lpid"
	# Nothing may stay attached after those failures.
	local left
	left=$(nl_c bpftool net show dev "$NL_VETH_C" | grep -c " id ")
	[ "$left" = 0 ] || fail "programs left on $NL_VETH_C after failed starts"
}

# bpf_attached - programs bpftool sees on the veth (netlink XDP, clsact
# filters; tcx needs a newer bpftool) plus an "xdp" flag from ip link.
bpf_attached() {
	{
		nl_c bpftool net show dev "$NL_VETH_C" | grep " id "
		nl_c ip -d link show dev "$NL_VETH_C" | grep -o "prog/xdp id [0-9]*"
	} 2>/dev/null
}

# pid_links PID - "id:attach" of the BPF links PID holds on the veth
# (from /proc/PID/fdinfo: link_id and ifindex, printed for tcx and XDP links;
# bpftool 7.1 shows no ifindex for tcx links).
pid_links() {
	local ifindex f
	ifindex=$(nl_c cat "/sys/class/net/$NL_VETH_C/ifindex")
	for f in /proc/"$1"/fdinfo/*; do
		awk -v want="$ifindex" '
			/^link_id:/ { id = $2 }
			/^link_type:/ { type = $2 }
			/^ifindex:/ { ifi = $2 }
			END { if (id != "" && ifi == want) print id ":" type }' "$f" 2>/dev/null
	done
}

case_sigkill() {
	local mode=$1 links_run l
	nl_topology || fail "topology setup failed"
	start_ofxdp "$mode" "$OF_PORT"
	links_run=$(pid_links "$OFX_PID" | tr '\n' ' ')
	note "while running: bpftool net/ip link: $(bpf_attached | tr '\n' ' '); ofxdp's links on the veth: $links_run"
	if [ -z "$(bpf_attached)" ] && [ -z "$links_run" ]; then
		fail "positive control: nothing of ofxdp visible on $NL_VETH_C while running"
	fi
	kill -9 "$OFX_PID"
	wait "$OFX_PID" 2>/dev/null
	sleep 0.5
	local after
	after=$(bpf_attached)
	[ -z "$after" ] || fail "after SIGKILL still attached: $(echo "$after" | tr '\n' ' ')"
	for l in $links_run; do
		bpftool link show id "${l%%:*}" >/dev/null 2>&1 &&
			fail "after SIGKILL BPF link ${l%%:*} still exists"
	done
	nl_listening "$NL_NS_C" "$REST_PORT" && fail "REST port still listening after SIGKILL"
	note "after SIGKILL: nothing attached to $NL_VETH_C (bpftool net, ip link, links $links_run gone)"
}

# case_status MODE - `ofxdp status IFACE` lists what a running ofxdp
# attached (hooks, the process holding each link, its kernel counters) and
# nothing once it stopped; `attach --pin` puts the counter maps where
# bpftool reads them by path, and takes them away at exit (on the root
# namespace's lo, the one with the host's bpffs: no traffic is sent).
case_status() {
	local mode=$1 out pin=/sys/fs/bpf/ofxdp/lo pid
	nl_topology || fail "topology setup failed"
	start_ofxdp "$mode" "$OF_PORT"
	out=$(ip netns exec "$NL_NS_C" "$OFXDP" status "$NL_VETH_C" 2>&1) ||
		fail "ofxdp status failed: $out"
	note "status while running: $(echo "$out" | head -4 | tr '\n' '|')"
	echo "$out" | grep -q "^$NL_VETH_C .*tcx ingress .*ofx_tc_ingress .*ofxdp\[$OFX_PID\]" ||
		fail "status does not list tcx ingress held by ofxdp[$OFX_PID]: $out"
	echo "$out" | grep -q "^$NL_VETH_C .*tcx egress .*ofx_tc_egress .*ofxdp\[$OFX_PID\]" ||
		fail "status does not list tcx egress held by ofxdp[$OFX_PID]: $out"
	echo "$out" | grep -q "^kernel counters (map ofx_kstats" ||
		fail "status shows no kernel counters: $out"
	stop_ofxdp
	out=$(ip netns exec "$NL_NS_C" "$OFXDP" status "$NL_VETH_C" 2>&1) ||
		fail "ofxdp status failed after stop: $out"
	echo "$out" | grep -q "no ofxdp program attached" ||
		fail "status after stop still lists: $out"

	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf ||
		fail "no bpffs at /sys/fs/bpf"
	"$OFXDP" attach lo --mode tc --of-port "$OF_PORT" --pin --duration 4s \
		--interval 10s >"$W/pin.out" 2>&1 &
	pid=$!
	nl_track_pid "$pid"
	nl_wait_for 5 test -e "$pin/ofx_ports" ||
		fail "no $pin/ofx_ports: $(head -2 "$W/pin.out")"
	bpftool map dump pinned "$pin/ofx_kstats" >/dev/null 2>&1 ||
		fail "bpftool cannot dump $pin/ofx_kstats"
	bpftool map dump pinned "$pin/ofx_ports" | grep -q "\"key\": $OF_PORT," ||
		fail "pinned ofx_ports does not hold port $OF_PORT"
	wait "$pid" || fail "ofxdp attach lo --pin exited with $?"
	[ ! -e "$pin" ] || fail "pins left in $pin after exit"
	note "pinned maps read by bpftool, gone after exit"
}

# case_oftraf - oftraf's command line and REST contract as NSTAT uses it:
# four flags + --server, /get_of_counts with exactly the four keys as
# [count, bytes] integer pairs, JSON content type (no CORS header: only
# with --rest-cors), the oftraf shape of /get_of13_counts, HEAD /stop
# refused and GET /stop (kept for oftraf's command line) ending the
# process.
case_oftraf() {
	setup_ovs 1.3
	ip netns exec "$NL_NS_C" "$OFXDP" --rest-host 127.0.0.1 --rest-port "$REST_PORT" \
		--of-port "$OF_PORT" --ifname "$NL_VETH_C" --server >"$W/ofxdp.out" 2>&1 &
	OFX_PID=$!
	nl_track_pid "$OFX_PID"
	nl_wait_for 15 rest_get /get_of_counts || fail "REST did not answer: $(head -1 "$W/ofxdp.out")"
	note "ofxdp: $(head -1 "$W/ofxdp.out")"
	nl_connect 5000 || fail "switch did not connect"
	nl_ping 10 0.05 || fail "data-plane traffic failed"
	sleep 1.5
	nl_c curl -s -D "$W/hdr.txt" --max-time 3 "http://127.0.0.1:$REST_PORT/get_of_counts" \
		>"$W/tot.json" || fail "GET /get_of_counts failed"
	note "headers: $(tr -d '\r' <"$W/hdr.txt" | tr '\n' '|')"
	note "/get_of_counts: $(cat "$W/tot.json")"
	grep -qi "^HTTP/1.[01] 200" "$W/hdr.txt" || fail "/get_of_counts: status not 200"
	grep -qi "^Content-Type: application/json" "$W/hdr.txt" || fail "no JSON content type"
	grep -qi "^Access-Control-Allow-Origin" "$W/hdr.txt" && fail "a CORS header without --rest-cors"
	py 'import json, sys
d = json.load(open(sys.argv[1]))
keys = {"OF_in_counts", "OF_out_counts", "TCP_OF_in_counts", "TCP_OF_out_counts"}
assert set(d) == keys, "keys %s" % sorted(d)
for k, v in d.items():
    assert isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v), k
assert d["OF_in_counts"][0] >= 10 and d["OF_out_counts"][0] >= 10, "too few messages"' \
		"$W/tot.json" || fail "/get_of_counts does not have the oftraf shape (or no traffic)"
	rest_get /get_of13_counts >"$W/v13.json" || fail "GET /get_of13_counts failed"
	py 'import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"OF13_in_counts", "OF13_out_counts"}, sorted(d)
assert d["OF13_in_counts"]["OFPT_PACKET_IN"][0] >= 10
assert all(k.startswith("OFPT_") and len(v) == 2 for x in d.values() for k, v in x.items())' \
		"$W/v13.json" || fail "/get_of13_counts does not have the oftraf shape"
	nl_c curl -s -o /dev/null -I -w "%{http_code}" --max-time 3 \
		"http://127.0.0.1:$REST_PORT/stop" >"$W/head.txt"
	sleep 0.5
	[ "$(cat "$W/head.txt")" = 405 ] && kill -0 "$OFX_PID" 2>/dev/null ||
		fail "HEAD /stop: HTTP $(cat "$W/head.txt"), want 405 and ofxdp running"
	nl_c curl -s -o /dev/null -w "%{http_code}" --max-time 3 \
		"http://127.0.0.1:$REST_PORT/stop" >"$W/stop.txt"
	note "HEAD /stop: HTTP $(cat "$W/head.txt"); GET /stop: HTTP $(cat "$W/stop.txt")"
	nl_wait_for 5 nl_not kill -0 "$OFX_PID" || fail "/stop did not end ofxdp within 5 s"
	[ -z "$(bpf_attached)" ] || fail "programs left after /stop"
}

# case_tls MODE - a real TLS connection on the OpenFlow port (openssl
# s_client in the switch namespace, s_server in the controller namespace:
# a TLS handshake, a request, a 300 KB answer, close_notify): counted as
# TLS, not OpenFlow. Every TLS record and byte is compared with tshark's
# TLS dissection of a tcpdump capture (the client, the SYN sender, is
# the switch side: in), live and with `ofxdp read` of the capture.
case_tls() {
	local mode=$1 d got
	command -v openssl >/dev/null || skip "openssl is missing (make deps)"
	nl_topology || fail "topology setup failed"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ofxdp-test \
		-keyout "$W/key.pem" -out "$W/cert.pem" >"$W/req.out" 2>&1 ||
		fail "openssl req failed: $(tail -1 "$W/req.out")"
	head -c 300000 /dev/urandom >"$W/blob.bin"
	start_ofxdp "$mode" "$OF_PORT"
	start_tcpdump "$OF_PORT"
	(cd "$W" && exec ip netns exec "$NL_NS_C" openssl s_server -WWW -naccept 1 \
		-accept "$NL_CTL_IP:$OF_PORT" -cert "$W/cert.pem" -key "$W/key.pem" \
		>"$W/server.out" 2>&1) &
	nl_track_pid $!
	nl_wait_for 10 nl_listening "$NL_NS_C" "$OF_PORT" || fail "s_server does not listen"
	printf 'GET /blob.bin HTTP/1.0\r\n\r\n' |
		timeout 20 ip netns exec "$NL_NS_S" openssl s_client -quiet -ign_eof \
			-connect "$NL_CTL_IP:$OF_PORT" >"$W/client.out" 2>"$W/client.err" ||
		fail "s_client failed: $(tail -2 "$W/client.err" | tr '\n' ' ')"
	got=$(stat -c %s "$W/client.out")
	[ "$got" -gt 300000 ] || fail "s_client received $got bytes, want the 300000-byte file"
	nl_wait_for 10 nl_not nl_established "$NL_NS_C" "$OF_PORT" || fail "TLS connection did not close"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	rest_get /api/v1/stats >"$W/rest_full.json" || fail "GET /api/v1/stats failed"
	rest_get /api/v1/connections >"$W/rest_conns.json" || fail "GET /api/v1/connections failed"
	"$OFXDP" read "$W/cap.pcap" --of-port "$OF_PORT" --json >"$W/read.json" 2>"$W/read.err" ||
		fail "ofxdp read failed: $(head -1 "$W/read.err")"
	# The oracle: tshark's TLS records (one length field each; TLS 1.3
	# encrypted records show no content type) and TCP payload bytes per
	# direction (in = sent by the client, from the switch's address).
	tshark -r "$W/cap.pcap" -d "tcp.port==$OF_PORT,tls" -Y tls -T fields -E occurrence=a \
		-e ip.src -e tls.record.length 2>/dev/null |
		awk -F'\t' -v sw="$NL_SW_IP" '{ n = split($2, t, ","); r[$1 == sw ? "in" : "out"] += n }
			END { print r["in"] + 0, r["out"] + 0 }' >"$W/ts_records.txt"
	tshark -r "$W/cap.pcap" -Y "tcp.len > 0" -T fields -e ip.src -e tcp.len 2>/dev/null |
		awk -F'\t' -v sw="$NL_SW_IP" '{ b[$1 == sw ? "in" : "out"] += $2 }
			END { print b["in"] + 0, b["out"] + 0 }' >"$W/ts_bytes.txt"
	note "tshark: TLS records in/out $(cat "$W/ts_records.txt"), TCP payload bytes in/out $(cat "$W/ts_bytes.txt")"
	for d in rest_full read; do
		py 'import json, sys
d = json.load(open(sys.argv[1]))
rin, rout = map(int, open(sys.argv[2]).read().split())
bin_, bout = map(int, open(sys.argv[3]).read().split())
p = d["protocols"]
print("%s: totals %s, protocols %s" % (sys.argv[4], d["totals"],
      {k: v for k, v in p.items() if v}))
bad = []
def want(what, got, exp):
    if got != exp:
        bad.append("%s %s, want %s" % (what, got, exp))
want("OpenFlow messages in", d["totals"]["in"]["msgs"], 0)
want("OpenFlow messages out", d["totals"]["out"]["msgs"], 0)
want("versions", d["versions"], {})
want("tls_connections", p["tls_connections"], 1)
want("tls_records_in", p["tls_records_in"], rin)
want("tls_records_out", p["tls_records_out"], rout)
want("tls_bytes_in", p["tls_bytes_in"], bin_)
want("tls_bytes_out", p["tls_bytes_out"], bout)
want("unverified messages", p["unverified_msgs_in"] + p["unverified_msgs_out"], 0)
want("tls_bad_records", p["tls_bad_records"], 0)
if rin < 3 or rout < 3 or bout < 300000:
    bad.append("traffic check: too little TLS (records %d/%d, bytes out %d)" % (rin, rout, bout))
c = d["connections"]
want("connections", len(c), 1)
if c:
    want("protocol", c[0]["protocol"], "tls")
    want("switch", c[0]["switch"].rsplit(":", 1)[0], sys.argv[5])
    want("connection tls in bytes", c[0]["tls"]["in"]["bytes"], bin_)
    want("connection tls out records", c[0]["tls"]["out"]["records"], rout)
    want("connection messages", c[0]["in"]["msgs"] + c[0]["out"]["msgs"], 0)
for b in bad:
    print("MISMATCH " + b)
sys.exit(1 if bad else 0)' "$W/$d.json" "$W/ts_records.txt" "$W/ts_bytes.txt" "$d" "$NL_SW_IP" ||
			fail "$d: TLS connection not counted as TLS (see the log)"
	done
	py 'import json, sys
c = json.load(open(sys.argv[1]))["connections"]
assert len(c) == 1 and c[0]["protocol"] == "tls", c' "$W/rest_conns.json" ||
		fail "/api/v1/connections does not show the connection as tls"
	stop_ofxdp
}

# shellcheck source=tests/integration/switches.sh
. "$ROOT/tests/integration/switches.sh"
# shellcheck source=tests/integration/latency.sh
. "$ROOT/tests/integration/latency.sh"
# shellcheck source=tests/integration/rest.sh
. "$ROOT/tests/integration/rest.sh"
# shellcheck source=tests/integration/impair.sh
. "$ROOT/tests/integration/impair.sh"
# shellcheck source=tests/integration/watch.sh
. "$ROOT/tests/integration/watch.sh"
# shellcheck source=tests/integration/streams.sh
. "$ROOT/tests/integration/streams.sh"
# shellcheck source=tests/integration/prometheus.sh
. "$ROOT/tests/integration/prometheus.sh"
# shellcheck source=tests/integration/faults.sh
. "$ROOT/tests/integration/faults.sh"
# shellcheck source=tests/integration/console.sh
. "$ROOT/tests/integration/console.sh"
# shellcheck source=tests/integration/dashboard.sh
. "$ROOT/tests/integration/dashboard.sh"
# shellcheck source=tests/integration/events.sh
. "$ROOT/tests/integration/events.sh"

# run_case NAME - body of one case (child process).
run_case() {
	local name=$1
	CASE=$name
	# shellcheck source=tools/netns-lib.sh
	. "$ROOT/tools/netns-lib.sh"
	NL_OF_PORT=$OF_PORT
	nl_init "$$" || fail "nl_init failed"
	W=$NL_DIR/work
	mkdir -p "$W"
	trap 'nl_cleanup' EXIT
	trap 'exit 143' TERM INT
	note "case $name: netns $NL_NS_C/$NL_NS_S, veth $NL_VETH_C, dir $NL_DIR"
	[ -x "$OFXDP" ] || fail "$OFXDP not built (make)"
	case $name in
	of10_tc | of10_xdp | of10_pcap) case_live 1.0 "${name#of10_}" ;;
	of13_tc | of13_xdp | of13_pcap) case_live 1.3 "${name#of13_}" ;;
	big_of13_*) case_big 1.3 "${name#big_of13_}" ;;
	big_of10_*) case_big 1.0 "${name#big_of10_}" ;;
	midstream_of13_*) case_midstream 1.3 "${name#midstream_of13_}" ;;
	errors) case_errors ;;
	oftraf) case_oftraf ;;
	sigkill_tc | sigkill_xdp) case_sigkill "${name#sigkill_}" ;;
	switches_tc | switches_pcap) case_switches "${name#switches_}" ;;
	switches_midstream_*) case_switches_midstream "${name#switches_midstream_}" ;;
	switches_lldp_*) case_switches_lldp "${name#switches_lldp_}" ;;
	status_tc) case_status tc ;;
	latency_ovs_*) case_latency_ovs "${name#latency_ovs_}" ;;
	latency_ofgen_*) case_latency_ofgen "${name#latency_ofgen_}" ;;
	ports64_pcap | ports64_tc) case_ports64 "${name#ports64_}" ;;
	tls_tc | tls_pcap) case_tls "${name#tls_}" ;;
	rest_security) case_rest_security ;;
	rest_slow_clients) case_rest_slow_clients ;;
	privdrop_tc | privdrop_pcap | privdrop_clsact) case_privdrop "${name#privdrop_}" ;;
	impair_tc | impair_xdp | impair_pcap) case_impair "${name#impair_}" ;;
	watch_tc | watch_xdp | watch_pcap) case_watch "${name#watch_}" ;;
	streams_tc | streams_pcap) case_streams "${name#streams_}" ;;
	prometheus_token) case_prometheus_token ;;
	prometheus_tc | prometheus_pcap) case_prometheus "${name#prometheus_}" ;;
	garbage_flood_*) case_garbage_flood "${name#garbage_flood_}" ;;
	syn_flood_tc) case_syn_flood tc ;;
	tiny_ring_*) case_tiny_ring "${name#tiny_ring_}" ;;
	conns10k_tc) case_conns10k tc ;;
	iface_deleted_*) case_iface_deleted "${name#iface_deleted_}" ;;
	sigkill_restart_*) case_sigkill_restart "${name#sigkill_restart_}" ;;
	console_tc | console_pcap) case_console_tui "${name#console_}" ;;
	console_lines) case_console_lines ;;
	dashboard_tc) case_dashboard tc ;;
	dashboard_token) case_dashboard tc token ;;
	events_tc | events_pcap) case_events "${name#events_}" ;;
	*) fail "unknown case $name" ;;
	esac
	# (a case function that does not exist: "command not found")
	[ $? != 127 ] || fail "case $name: its function is missing"
	echo PASS >"$RESULT"
}

# ---------------------------------------------------------------------------
# Runner.

if [ "${1:-}" = "--case" ]; then
	RESULT=$3
	run_case "$2"
	exit 0
fi
if [ "${1:-}" = "--list" ]; then
	printf '%s\n' "${ALL_CASES[@]}"
	exit 0
fi

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=("${ALL_CASES[@]}")
pass=0
fail=0

if [ "$(id -u)" != 0 ]; then
	for c in "${cases[@]}"; do
		echo "SKIP $c: needs root (network namespaces, BPF, Open vSwitch)"
	done
	echo "$pass passed, $fail failed"
	exit 0
fi
for tool in ip ovs-vsctl ovs-vswitchd ovsdb-server ovs-testcontroller tshark tcpdump curl bpftool python3 openssl; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL setup: $tool is missing (make deps)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

mkdir -p "$(dirname "$LOG")"
: >"$LOG"
echo "log: $LOG"
RESDIR=$(mktemp -d)
trap 'rm -rf "$RESDIR"' EXIT
# tshark stops dissecting a frame after gui.max_tree_depth (default 256)
# nested layers ("Dissector bug ... saved_layers_len <
# prefs.gui_max_tree_depth"): a 50 KB GRO'd segment carries ~600
# FLOW_REMOVED messages. A private preferences file lifts the limit for
# every tshark the cases run.
mkdir -p "$RESDIR/wireshark"
echo "gui.max_tree_depth: 100000" >"$RESDIR/wireshark/preferences"
export WIRESHARK_CONFIG_DIR="$RESDIR/wireshark"
suite_start=$SECONDS
for c in "${cases[@]}"; do
	start=$SECONDS
	{
		echo
		echo "===== $c"
	} >>"$LOG"
	timeout -k 5 "$CASE_TIMEOUT" "$SELF" --case "$c" "$RESDIR/$c" >>"$LOG" 2>&1
	rc=$?
	secs=$((SECONDS - start))
	res=$(cat "$RESDIR/$c" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$res" = PASS ]; then
		echo "PASS $c (${secs}s)"
		pass=$((pass + 1))
	elif [ "$rc" = 0 ] && [ "${res#SKIP }" != "$res" ]; then
		echo "SKIP $c: ${res#SKIP } (${secs}s)"
	else
		[ "$rc" = 124 ] && res="timed out after ${CASE_TIMEOUT}s"
		echo "FAIL $c: ${res:-exit status $rc} (${secs}s)"
		fail=$((fail + 1))
	fi
	echo "===== $c: rc $rc, ${secs}s, ${res:-no result}" >>"$LOG"
done
echo "suite time: $((SECONDS - suite_start))s" >>"$LOG"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
