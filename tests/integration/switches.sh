# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# switches_* integration cases (sourced by tests/integration/run.sh, which
# provides fail, note, py, rest_get, start_ofxdp/stop_ofxdp,
# start_tcpdump/stop_tcpdump, wait_rest_stable, OF_PORT, OF_PORT2, W).
#
# One Open vSwitch (userspace datapath) with three OpenFlow 1.3 bridges, each
# with an explicit datapath-id, in a chain
#
#   h1 -- b1 ==veth== b2 ==veth== b3 -- h2
#
# (the links between bridges are veth pairs in the switch namespace), all
# connected to one ovs-testcontroller over the control veth, each bridge
# from its own switch address (SW_IP[k], chosen by a source route towards its
# own controller address SW_CTL_IP[k]), so the switches are told apart by
# address as well as by datapath-id. b1 also has a passive listener
# ptcp:OF_PORT2:SW_IP[0] that ovs-ofctl (in the controller namespace) dumps
# flows and ports from: on those connections ovs-ofctl is the controller.
#
# The oracle is per connection (tcp.stream): tshark's messages grouped by
# connection, with the switch side decided per connection by the JSON
# contract's role rule (first deciding message, else the SYN sender, else the
# port rule), so directions are role-based, not port-based.

# sw_init - names and addresses (after nl_init).
sw_init() {
	local net=${NL_SW_IP%.*} k
	SW_BR=() SW_DPID=() SW_IP=() SW_CTL_IP=() SW_NAME=()
	for k in 0 1 2; do
		SW_BR+=("b$((k + 1))-$NL_ID")
		# Explicit ids with hex letters (formatting is checked too).
		SW_DPID+=("0000ab00c0de000$((k + 1))")
		SW_IP+=("$net.$((k + 2))")
		SW_NAME+=("sw$((k + 1))-$NL_ID")
	done
	SW_CTL_IP=("$NL_CTL_IP" "$net.11" "$net.12")
	SW_PASSIVE="${SW_IP[0]}:$OF_PORT2"
}

# sw_setup [CONTROLLER_ARGS...] - namespaces, addresses and source routes,
# OVS with the three bridges, ovs-testcontroller listening on the three
# controller addresses (CONTROLLER_ARGS e.g. -n: no flows), or with "osken"
# os-ken's LLDP link discovery (os_ken.topology.switches --observe-links)
# listening on every address.
sw_setup() {
	local k p=$NL_ID
	sw_init
	nl_topology || fail "topology setup failed"
	for k in 1 2; do
		ip -n "$NL_NS_S" addr add "${SW_IP[k]}/24" dev "$NL_VETH_S" || fail "address ${SW_IP[k]}"
		ip -n "$NL_NS_C" addr add "${SW_CTL_IP[k]}/24" dev "$NL_VETH_C" || fail "address ${SW_CTL_IP[k]}"
		ip -n "$NL_NS_S" route add "${SW_CTL_IP[k]}/32" dev "$NL_VETH_S" src "${SW_IP[k]}" ||
			fail "source route to ${SW_CTL_IP[k]}"
	done
	nl_wait_for 5 sw_addrs_ready || fail "addresses still tentative"
	nl_ovs_daemons_start || fail "Open vSwitch did not start"
	for k in 0 1 2; do
		nl_vsctl add-br "${SW_BR[k]}" -- set bridge "${SW_BR[k]}" datapath_type=netdev \
			protocols=OpenFlow13 fail_mode=secure \
			other_config:disable-in-band=true \
			other-config:datapath-id="${SW_DPID[k]}" || fail "bridge ${SW_BR[k]}"
	done
	# h1 on b1, h2 on b3; b1-b2 and b2-b3 linked by veth pairs in the
	# switch namespace. (Not patch ports: a PACKET_OUT flooded through a
	# patch port reaches the next bridge's table-miss within the same
	# translation, as a PACKET_IN with reason OFPR_ACTION, which
	# ovs-testcontroller ignores: the ARP never gets across.)
	# No IPv6 on them (no MLD/router solicitations into the bridges).
	ip netns exec "$NL_NS_S" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NL_NS_S" link add "l12-$p" type veth peer name "l21-$p" || fail "inter-bridge veth"
	ip -n "$NL_NS_S" link add "l23-$p" type veth peer name "l32-$p" || fail "inter-bridge veth"
	for k in l12 l21 l23 l32; do
		ip -n "$NL_NS_S" link set "$k-$p" up
	done
	nl_vsctl add-port "${SW_BR[0]}" "p1-$p" -- add-port "${SW_BR[0]}" "l12-$p" -- \
		add-port "${SW_BR[1]}" "l21-$p" -- add-port "${SW_BR[1]}" "l23-$p" -- \
		add-port "${SW_BR[2]}" "l32-$p" -- add-port "${SW_BR[2]}" "p2-$p" || fail "ports"
	for k in 0 1 2; do
		nl_wait_for 10 nl_ofctl -O OpenFlow13 show "${SW_BR[k]}" || fail "bridge ${SW_BR[k]} does not answer"
	done
	if [ "${1:-}" = osken ]; then
		sw_osken_start
	else
		nl_controller_start OpenFlow13 "$@" "ptcp:$NL_OF_PORT:${SW_CTL_IP[1]}" \
			"ptcp:$NL_OF_PORT:${SW_CTL_IP[2]}" || fail "ovs-testcontroller did not start"
	fi
	note "bridges: $(sw_dpids | tr '\n' ' ')"
}

# sw_osken_start - osken-manager with os_ken.topology.switches and
# --observe-links in the controller namespace on 0.0.0.0:OF_PORT: it sends
# an LLDP PACKET_OUT (chassis ID "dpid:<16 hex digits>" of that switch) on
# every port of every switch about every 0.9 s; LLDP that crosses a link
# between two bridges comes back as a PACKET_IN with the dpid of the neighbour.
sw_osken_start() {
	ip netns exec "$NL_NS_C" osken-manager --ofp-tcp-listen-port "$OF_PORT" --observe-links \
		--log-file "$OVS_LOGDIR/osken.log" os_ken.topology.switches \
		>"$OVS_LOGDIR/osken.out" 2>&1 &
	nl_track_pid "$!"
	nl_wait_for 20 nl_listening "$NL_NS_C" "$OF_PORT" ||
		fail "osken-manager does not listen on $OF_PORT: $(tail -1 "$OVS_LOGDIR/osken.out")"
}

# sw_addrs_ready - no tentative (DAD) address left on the control veths.
sw_addrs_ready() {
	! ip -n "$NL_NS_S" addr show dev "$NL_VETH_S" | grep -q tentative &&
		! ip -n "$NL_NS_C" addr show dev "$NL_VETH_C" | grep -q tentative
}

# sw_dpids - "BRIDGE DPID" per bridge, the datapath_id OVS reports.
sw_dpids() {
	local k
	for k in 0 1 2; do
		echo "${SW_BR[k]} $(nl_vsctl get bridge "${SW_BR[k]}" datapath_id | tr -d '"')"
	done
}

# sw_connect PROBE_MS [passive] - point each bridge at its controller address
# (b1 also listening on SW_PASSIVE with "passive"); waits until all three
# are connected.
sw_connect() {
	local probe=$1 passive=${2:-} k uuid extra
	for k in 0 1 2; do
		extra=()
		[ "$k" = 0 ] && [ "$passive" = passive ] && extra=("ptcp:$OF_PORT2:${SW_IP[0]}")
		nl_vsctl set-controller "${SW_BR[k]}" "tcp:${SW_CTL_IP[k]}:$OF_PORT" "${extra[@]}" ||
			fail "set-controller ${SW_BR[k]}"
	done
	for uuid in $(nl_vsctl --bare --columns=_uuid list controller); do
		nl_vsctl set controller "$uuid" inactivity_probe="$probe" || fail "inactivity_probe"
	done
	# (ss, not the Controller table's is_connected: OVS updates that a few
	# seconds late.)
	for k in 0 1 2; do
		nl_wait_for 15 sw_established "${SW_IP[k]}" "${SW_CTL_IP[k]}" ||
			fail "${SW_BR[k]} did not connect to tcp:${SW_CTL_IP[k]}:$OF_PORT"
	done
	sleep 0.5 # the OpenFlow handshakes
	if [ "$passive" = passive ]; then
		nl_wait_for 10 nl_listening "$NL_NS_S" "$OF_PORT2" || fail "no passive listener on $SW_PASSIVE"
	fi
	note "connected: $(nl_s ss -Htn state established "( sport = :$OF_PORT or dport = :$OF_PORT )" |
		awk '{print $3 "->" $4}' | tr '\n' ' ')"
}

# sw_established SWITCH_IP CONTROLLER_IP - an established TCP connection
# from SWITCH_IP to CONTROLLER_IP:OF_PORT in the switch namespace.
sw_established() {
	nl_s ss -Htn state established "( src $1 and dst $2 and dport = :$OF_PORT )" | grep -q .
}

# sw_disconnect - remove every controller, wait until no OpenFlow TCP
# connection is left (FIN on each).
sw_disconnect() {
	local k
	for k in 0 1 2; do
		nl_vsctl del-controller "${SW_BR[k]}" || fail "del-controller ${SW_BR[k]}"
	done
	nl_wait_for 10 nl_not nl_established "$NL_NS_C" "$OF_PORT" ||
		fail "connections on port $OF_PORT did not close"
}

# sw_passive_dumps N - N times dump-flows and dump-ports from the controller
# namespace over the veth to b1's passive listener (2N short connections).
sw_passive_dumps() {
	local i
	for i in $(seq "$1"); do
		nl_c ovs-ofctl --timeout=10 -O OpenFlow13 dump-flows "tcp:$SW_PASSIVE" >"$W/dump-flows.$i" ||
			fail "ovs-ofctl dump-flows tcp:$SW_PASSIVE failed"
		nl_c ovs-ofctl --timeout=10 -O OpenFlow13 dump-ports "tcp:$SW_PASSIVE" >"$W/dump-ports.$i" ||
			fail "ovs-ofctl dump-ports tcp:$SW_PASSIVE failed"
		grep -q "OFPST_PORT reply" "$W/dump-ports.$i" || fail "dump-ports: no port stats reply"
	done
	note "passive: $1 x dump-flows ($(grep -c "cookie=" "$W/dump-flows.1") flows) and dump-ports ($(grep -c "port " "$W/dump-ports.1") ports)"
}

# sw_expect FILE - what the checks expect: bridges with the
# datapath_id OVS reports, switch and controller addresses, passive
# listener, names of the --switch-names map.
sw_expect() {
	local k dpid
	{
		echo "passive ${SW_PASSIVE}"
		for k in 0 1 2; do
			dpid=$(nl_vsctl get bridge "${SW_BR[k]}" datapath_id | tr -d '"')
			echo "switch ${SW_BR[k]} $dpid ${SW_IP[k]} ${SW_CTL_IP[k]} ${SW_NAME[k]}"
		done
	} >"$1"
}

# sw_names_file FILE - the --switch-names map: names by switch IP, plus a
# comment, a blank line and an entry for a datapath-id that is not there.
sw_names_file() {
	local k
	{
		echo "# ofxdp --switch-names map for the switches_* cases"
		echo
		echo "0x00000000deadbeef not-present-$NL_ID"
		for k in 0 1 2; do
			echo "${SW_IP[k]} ${SW_NAME[k]}"
		done
	} >"$1"
}

# sw_oracle PCAP PORTS OUT - per-connection counts from tshark into OUT:
# our own grouping by tcp.stream (below), checked against the "connections"
# of `tools/tshark-ofcount.py --connections` when it prints them (an older
# tshark-ofcount.py ignores the flag and prints no connections).
sw_oracle() {
	local pcap=$1 ports=$2 out=$3
	"$TSCOUNT" "$pcap" "$ports" --connections >"$W/ts.json" || fail "tshark-ofcount.py failed"
	py "$SW_ORACLE_PY" "$pcap" "$ports" >"$W/oracle-own.json" ||
		fail "per-connection tshark oracle failed"
	py "$SW_ORACLE_MERGE_PY" "$W/ts.json" "$W/oracle-own.json" >"$out" ||
		fail "per-connection oracles disagree: tshark-ofcount.py's connections vs tshark -T pdml grouped by tcp.stream (see log)"
	py 'import json, sys
for c in json.load(open(sys.argv[1]))["connections"]:
    print("  oracle: switch %-21s controller %-21s in %4d msgs %6d B  out %4d msgs %6d B  role %-8s syn %s  in %s  out %s" % (
        c["switch"], c["controller"], c["in"]["msgs"], c["in"]["bytes"], c["out"]["msgs"], c["out"]["bytes"],
        c["role_source"], c.get("syn"),
        ",".join("%s:%d" % (t[5:], n) for t, n in sorted(c.get("types", {}).get("in", {}).items())),
        ",".join("%s:%d" % (t[5:], n) for t, n in sorted(c.get("types", {}).get("out", {}).items()))))' "$out"
}

# sw_fetch PATH OUT - GET an ofxdp REST path into OUT, the HTTP status into
# OUT.code (checked later by sw_need, so that a snapshot taken while the
# switches are connected does not end the case before the oracle checks).
sw_fetch() {
	nl_c curl -s --max-time 3 -o "$2" -w "%{http_code}" "http://127.0.0.1:$REST_PORT$1" >"$2.code"
	echo "$1" >"$2.path"
}

# sw_need OUT - fails the case unless sw_fetch got HTTP 200 and JSON.
sw_need() {
	local code path
	code=$(cat "$1.code" 2>/dev/null) path=$(cat "$1.path" 2>/dev/null)
	case $code in
	200) ;;
	000 | "") fail "GET $path: no answer within 3 s" ;;
	*) fail "GET $path: HTTP $code (ofxdp does not serve $path: not implemented in $OFXDP?)" ;;
	esac
	py 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null ||
		fail "GET $path: not JSON: $(head -c 100 "$1")"
}

# sw_rest PATH OUT - sw_fetch and sw_need.
sw_rest() {
	sw_fetch "$1" "$2"
	sw_need "$2"
}

# sw_compare_switches TS_JSON SWITCHES_JSON - the saved /api/v1/switches
# document against `tools/tshark-ofcount.py CAP PORTS --connections`
# (TS_JSON), whose connections tools/ofcompare.py --switches groups into
# switches as ofxdp does (datapath_id of the last FEATURES_REPLY, else the
# switch address): per switch in/out totals, per version/direction/type and
# per subtype msgs and bytes. The side-by-side table goes to the log (and to
# W/switches-cmp.txt); returns 1 on any difference.
sw_compare_switches() {
	local rc
	note "side by side: /api/v1/switches vs tshark per switch, type and subtype (tools/ofcompare.py --switches)"
	"$OFCMP" "$1" "$2" --no-types --switches --label "/api/v1/switches" >"$W/switches-cmp.txt" 2>&1
	rc=$?
	cat "$W/switches-cmp.txt"
	return "$rc"
}

# sw_check WHAT [PREFIX] - run the checks WHAT (python below) on the files
# in W; fail the case with PREFIX and the first problem found (all of them
# go to the log).
sw_check() {
	local out n
	out=$(py "$SW_CHECK_PY" "$1" "$W") && { note "$1 checks: $out"; return 0; }
	echo "$out"
	n=$(echo "$out" | grep -c "^PROBLEM")
	fail "${2:-}$(echo "$out" | grep -m1 "^PROBLEM" | cut -d' ' -f2-)$([ "$n" -gt 1 ] && echo " (+$((n - 1)) more in the log)")"
}

# ---------------------------------------------------------------------------
# Cases.

# case_switches MODE - ofxdp from before the handshakes: three bridges
# connect, data-plane traffic (PACKET_IN, FLOW_MOD, PACKET_OUT on each
# connection), 3 x dump-flows/dump-ports from the passive listener, then
# every connection closes; per-connection counts against the oracle, and
# per-switch counts (per type and subtype) against tshark-ofcount.py's
# connections grouped into switches (tools/ofcompare.py --switches).
case_switches() {
	local mode=$1
	sw_setup
	start_ofxdp "$mode" "$OF_PORT,$OF_PORT2"
	start_tcpdump "$OF_PORT" "$OF_PORT2"
	sw_connect 30000 passive
	nl_ping 10 0.05 || fail "data-plane traffic h1 -> h2 over b1, b2, b3 failed"
	sw_passive_dumps 3
	sleep 0.5
	sw_expect "$W/expect.txt"
	# While connected: the three switch connections are open, the six
	# ovs-ofctl ones closed (ofxdp publishes periodically: up to 5 s).
	local i
	for i in $(seq 25); do
		sw_fetch "/api/v1/connections?state=open" "$W/conns-open.json"
		[ "$(cat "$W/conns-open.json.code")" = 200 ] || break
		py 'import json, sys
sys.exit(len(json.load(open(sys.argv[1])).get("connections", [])) != 3)' "$W/conns-open.json" 2>/dev/null && break
		sleep 0.2
	done
	sw_disconnect
	sleep 1
	stop_tcpdump
	wait_rest_stable
	sw_oracle "$W/cap.pcap" "$OF_PORT,$OF_PORT2" "$W/oracle.json"
	sw_check oracle
	sw_need "$W/conns-open.json"
	sw_check open "ofxdp: "
	sw_rest /api/v1/connections "$W/conns.json"
	sw_rest /api/v1/switches "$W/switches.json"
	sw_rest /api/v1/stats "$W/stats.json"
	local swcmp=0
	sw_compare_switches "$W/ts.json" "$W/switches.json" || swcmp=1
	sw_check handshake "ofxdp vs tshark: "
	[ "$swcmp" = 0 ] ||
		fail "ofxdp vs tshark: /api/v1/switches per switch/type/subtype: $(tail -1 "$W/switches-cmp.txt" | sed 's/^[^:]*: //') (table in the log)"
	stop_ofxdp
}

# case_switches_midstream MODE - ofxdp (with a --switch-names map by IP)
# and tcpdump start on three running connections at a quiet moment; the
# switch identity comes from the map.
case_switches_midstream() {
	local mode=$1
	sw_setup -n
	sw_connect 30000
	nl_ping 5 0.05 || fail "data-plane traffic failed"
	sleep 0.5
	sw_names_file "$W/names.txt"
	attach_when_quiet "$mode" "$OF_PORT" --switch-names "$W/names.txt"
	# -n: every packet is a PACKET_IN/PACKET_OUT on every bridge it crosses.
	nl_ping 10 0.05 || fail "data-plane traffic failed"
	sleep 0.5
	sw_expect "$W/expect.txt"
	sw_disconnect
	sleep 1
	stop_tcpdump
	wait_rest_stable
	sw_oracle "$W/cap.pcap" "$OF_PORT" "$W/oracle.json"
	sw_check oracle-midstream
	sw_rest /api/v1/connections "$W/conns.json"
	sw_rest /api/v1/switches "$W/switches.json"
	sw_check midstream "ofxdp vs tshark: "
	stop_ofxdp
}

# case_switches_lldp MODE - os-ken's LLDP link discovery controls the three
# bridges; ofxdp joins the running connections and identifies each switch
# by the chassis ID of the LLDP PACKET_OUTs. (No count comparison: LLDP
# never stops, so ofxdp and tcpdump cannot start at the same message.)
case_switches_lldp() {
	local mode=$1
	command -v osken-manager >/dev/null ||
		skip "osken-manager missing (apt-get install python3-os-ken)"
	sw_setup osken
	sw_connect 30000
	sleep 1
	start_ofxdp "$mode" "$OF_PORT"
	start_tcpdump "$OF_PORT"
	sleep 3 # LLDP on every port about every 0.9 s
	sw_expect "$W/expect.txt"
	stop_tcpdump
	sw_oracle "$W/cap.pcap" "$OF_PORT" "$W/oracle.json"
	sw_check oracle-lldp
	sw_rest "/api/v1/connections?state=open" "$W/conns-open.json"
	sw_rest /api/v1/switches "$W/switches.json"
	sw_check lldp "ofxdp: "
	sw_disconnect
	stop_ofxdp
}

# ---------------------------------------------------------------------------
# Python parts.

# tshark -T pdml grouped by tcp.stream. argv: PCAP PORTS. Prints
# {"connections": [{"switch", "controller", "in", "out", "role_source",
# "syn", "types": {"in": {type: msgs}, "out": {...}}, "stream_bytes":
# {"in", "out"}, "lldp": {"in": [chassis ID...], "out": [...]}}]};
# "lldp": the LLDP chassis IDs in PACKET_IN/PACKET_OUT data; "stream_bytes"
# is the TCP payload without tshark-detected
# retransmissions, which the OpenFlow lengths must add up to.
SW_ORACLE_PY='
import json, subprocess, sys
import xml.etree.ElementTree as ET

PROTOS = {"openflow_v1": ("1.0", "openflow_1_0.type", "openflow.length"),
          "openflow_v4": ("1.3", "openflow_v4.type", "openflow_v4.length"),
          "openflow_v5": ("1.4", "openflow_v5.type", "openflow_v5.length"),
          "openflow_v6": ("1.5", "openflow_v6.type", "openflow_v6.length")}
SWITCH = set("OFPT_" + t for t in """FEATURES_REPLY GET_CONFIG_REPLY PACKET_IN
    FLOW_REMOVED PORT_STATUS STATS_REPLY MULTIPART_REPLY BARRIER_REPLY
    QUEUE_GET_CONFIG_REPLY ROLE_REPLY GET_ASYNC_REPLY ROLE_STATUS TABLE_STATUS
    REQUESTFORWARD CONTROLLER_STATUS""".split())
CONTROLLER = set("OFPT_" + t for t in """FEATURES_REQUEST GET_CONFIG_REQUEST
    SET_CONFIG PACKET_OUT FLOW_MOD GROUP_MOD PORT_MOD TABLE_MOD STATS_REQUEST
    MULTIPART_REQUEST BARRIER_REQUEST QUEUE_GET_CONFIG_REQUEST ROLE_REQUEST
    GET_ASYNC_REQUEST SET_ASYNC METER_MOD""".split())
RETRANS = {"tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
           "tcp.analysis.spurious_retransmission"}

def ep(ip, port):
    return ("[%s]:%s" % (ip, port)) if ":" in ip else ("%s:%s" % (ip, port))

def walk(e):
    yield e
    for c in e:
        yield from walk(c)

path, ports = sys.argv[1], [p for p in sys.argv[2].split(",") if p]
cmd = ["tshark", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
       "-o", "tcp.reassemble_out_of_order:TRUE",
       "-o", "gui.max_tree_depth:100000", "-T", "pdml"]
for p in ports:
    cmd += ["-d", "tcp.port==%s,openflow" % p]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
conns = {}
for _, pkt in ET.iterparse(proc.stdout):
    if pkt.tag != "packet":
        continue
    f = {}
    retrans = False
    for proto in pkt.findall("proto"):
        if proto.get("name") in ("ip", "ipv6", "tcp"):
            for x in walk(proto):
                if x.tag == "field":
                    f.setdefault(x.get("name"), x.get("show"))
                    if x.get("name") in RETRANS:
                        retrans = True
    if "tcp.stream" not in f:
        pkt.clear()
        continue
    src_ip = f.get("ip.src") or f.get("ipv6.src")
    dst_ip = f.get("ip.dst") or f.get("ipv6.dst")
    src = ep(src_ip, f["tcp.srcport"])
    dst = ep(dst_ip, f["tcp.dstport"])
    c = conns.setdefault(f["tcp.stream"], {"ends": sorted([src, dst]), "msgs": [],
        "payload": {}, "opener": None, "decider": None,
        "dport_of": {}})
    c["dport_of"][src] = f["tcp.dstport"] in ports
    syn = f.get("tcp.flags.syn") in ("1", "True")
    ack = f.get("tcp.flags.ack") in ("1", "True")
    if syn and not ack and c["opener"] is None:
        c["opener"] = src
    if not retrans:
        c["payload"][src] = c["payload"].get(src, 0) + int(f.get("tcp.len", "0"))
    for proto in pkt.findall("proto"):
        name = proto.get("name")
        if name not in PROTOS:
            continue
        ver, tfield, lfield = PROTOS[name]
        show = {}
        for x in proto.findall("field"):
            show.setdefault(x.get("name"), x.get("showname"))
        t = show.get(tfield, "").split(": ", 1)[-1].rsplit(" (", 1)[0]
        n = int(show[lfield].split(": ", 1)[-1]) if show.get(lfield) else 0
        chassis = None
        for x in walk(proto):
            if x.tag == "field" and x.get("name") == "lldp.chassis.id":
                chassis = bytes.fromhex(x.get("value", "")).decode("ascii", "replace")
                break
        c["msgs"].append((src, ver, t, n, chassis))
        if c["decider"] is None and (t in SWITCH or t in CONTROLLER):
            c["decider"] = src if t in SWITCH else dst
    pkt.clear()
proc.wait()
if proc.returncode:
    sys.exit("tshark failed on %s" % path)
out = []
for sid in sorted(conns, key=int):
    c = conns[sid]
    if c["decider"]:
        sw, how = c["decider"], "messages"
    elif c["opener"]:
        sw, how = c["opener"], "opener"
    else:
        sw = next((e for e in c["ends"] if c["dport_of"].get(e)), c["ends"][0])
        how = "port"
    ctl = [e for e in c["ends"] if e != sw][0]
    o = {"switch": sw, "controller": ctl, "role_source": how,
         "syn": c["opener"] is not None, "stream": int(sid),
         "in": {"msgs": 0, "bytes": 0}, "out": {"msgs": 0, "bytes": 0},
         "versions": {}, "types": {"in": {}, "out": {}}, "lldp": {"in": [], "out": []},
         "stream_bytes": {"in": c["payload"].get(sw, 0), "out": c["payload"].get(ctl, 0)}}
    for src, ver, t, n, chassis in c["msgs"]:
        d = "in" if src == sw else "out"
        if chassis and chassis not in o["lldp"][d]:
            o["lldp"][d].append(chassis)
        o[d]["msgs"] += 1
        o[d]["bytes"] += n
        o["types"][d][t] = o["types"][d].get(t, 0) + 1
        o["versions"][ver] = o["versions"].get(ver, 0) + 1
    out.append(o)
json.dump({"connections": out}, sys.stdout, indent=1, sort_keys=True)
print()
'

# argv: TSHARK_OFCOUNT_JSON OWN_JSON. Prints the oracle: our own grouping,
# after checking tshark-ofcount.py's "connections" (when present) against
# it: same connections (switch, controller) and the same in/out msgs and
# bytes.
SW_ORACLE_MERGE_PY='
import json, sys
ts = json.load(open(sys.argv[1]))
own = json.load(open(sys.argv[2]))
conns = ts.get("connections") if isinstance(ts, dict) else None
if conns is None:
    print("tshark-ofcount.py: no \"connections\" in its output; per-connection counts from tshark -T pdml by tcp.stream", file=sys.stderr)
else:
    def key(c):
        return (c["switch"], c["controller"])
    try:
        theirs = {key(c): c for c in conns}
    except (KeyError, TypeError) as e:
        sys.exit("tshark-ofcount.py connections: unexpected shape (%r)" % e)
    mine = {key(c): c for c in own["connections"]}
    bad = []
    for k in sorted(set(theirs) | set(mine)):
        a, b = theirs.get(k), mine.get(k)
        if a is None or b is None:
            bad.append("%s: only in %s" % (k, "pdml grouping" if a is None else "tshark-ofcount.py"))
            continue
        for d in ("in", "out"):
            for f in ("msgs", "bytes"):
                if a.get(d, {}).get(f) != b[d][f]:
                    bad.append("%s %s %s: tshark-ofcount.py %s, pdml grouping %s" % (k, d, f, a.get(d, {}).get(f), b[d][f]))
        for f in ("role_source", "start"):
            w = b["role_source"] if f == "role_source" else ("handshake" if b["syn"] else "midstream")
            if f in a and a[f] != w:
                bad.append("%s %s: tshark-ofcount.py %r, pdml grouping %r" % (k, f, a[f], w))
    for line in bad:
        print("oracle mismatch:", line, file=sys.stderr)
    if bad:
        sys.exit(1)
    print("tshark-ofcount.py connections agree with the pdml grouping (%d connections)" % len(mine), file=sys.stderr)
json.dump(own, sys.stdout, indent=1, sort_keys=True)
print()
'

# argv: WHAT DIR. Checks on DIR/{expect.txt, oracle.json, conns-open.json,
# conns.json, switches.json, stats.json}; prints "PROBLEM ..." lines and
# exits 1 on any, else prints a one-line summary.
SW_CHECK_PY='
import json, os, sys
what, d = sys.argv[1], sys.argv[2]
problems, info = [], []

def load(name):
    with open(os.path.join(d, name)) as f:
        return json.load(f)

def problem(msg):
    problems.append(msg)

def hexid(s):
    return None if s is None else "0x%016x" % int(s, 16)

exp = {"switches": []}
for line in open(os.path.join(d, "expect.txt")):
    w = line.split()
    if w[0] == "passive":
        exp["passive"] = w[1]
    elif w[0] == "switch":
        exp["switches"].append({"bridge": w[1], "dpid": hexid(w[2]), "ip": w[3],
                                "ctl_ip": w[4], "name": w[5]})
by_ip = {s["ip"]: s for s in exp["switches"]}

def host(e):
    return e.rsplit(":", 1)[0].strip("[]")

def conns_of(doc, label):
    c = doc.get("connections") if isinstance(doc, dict) else None
    if not isinstance(c, list):
        problem("%s: no \"connections\" list" % label)
        return []
    return c

if what == "open":
    conns = conns_of(load("conns-open.json"), "/api/v1/connections?state=open")
    seen = {}
    for c in conns:
        sw = c.get("switch", "")
        if c.get("state") != "open":
            problem("?state=open lists %s with state %r" % (sw, c.get("state")))
        s = by_ip.get(host(sw))
        if s and host(c.get("controller", "")) == s["ctl_ip"]:
            seen[s["bridge"]] = c
    for s in exp["switches"]:
        c = seen.get(s["bridge"])
        if c is None:
            problem("open connections: none from %s (%s) to %s" % (s["ip"], s["bridge"], s["ctl_ip"]))
        elif c.get("datapath_id") != s["dpid"]:
            problem("open connection of %s: datapath_id %r, want %s" % (s["bridge"], c.get("datapath_id"), s["dpid"]))
    if len(conns) != 3:
        problem("?state=open lists %d connections, want the 3 of the bridges: %s" % (len(conns), [c.get("switch") for c in conns]))
    info.append("%d open connections, the 3 bridges with their datapath_id" % len(conns))

elif what == "oracle-lldp":
    # os-ken sends each switch LLDP PACKET_OUTs with the dpid of that
    # switch; LLDP back from a neighbour bridge comes in as PACKET_IN with
    # the dpid of the neighbour.
    oc = load("oracle.json")["connections"]
    for e in exp["switches"]:
        m = [c for c in oc if host(c["switch"]) == e["ip"] and host(c["controller"]) == e["ctl_ip"]]
        own = "dpid:" + e["dpid"][2:]
        if len(m) != 1:
            problem("oracle: %d connections from %s to %s, want 1" % (len(m), e["ip"], e["ctl_ip"]))
            continue
        c = m[0]
        if c["lldp"]["out"] != [own]:
            problem("oracle: %s: LLDP chassis IDs in PACKET_OUTs %s, want [%s]" % (e["bridge"], c["lldp"]["out"], own))
        if not c["lldp"]["in"] or own in c["lldp"]["in"]:
            problem("oracle: %s: LLDP chassis IDs in PACKET_INs %s, want the neighbours" % (e["bridge"], c["lldp"]["in"]))
        if c["syn"]:
            problem("oracle: %s: capture was meant to start after the handshake" % e["bridge"])
        info.append("%s: LLDP out %s in %s" % (e["bridge"], ",".join(c["lldp"]["out"]), ",".join(c["lldp"]["in"])))
    if len(oc) != 3:
        problem("oracle: %d connections, want 3" % len(oc))

elif what == "lldp":
    # ofxdp joined the running connections; the dpid comes from the LLDP
    # that the controller has the switch send (PACKET_OUT), not from LLDP
    # the switch received from a neighbour (PACKET_IN).
    conns = conns_of(load("conns-open.json"), "/api/v1/connections?state=open")
    for e in exp["switches"]:
        m = [c for c in conns if host(c.get("switch", "")) == e["ip"] and host(c.get("controller", "")) == e["ctl_ip"]]
        if len(m) != 1:
            problem("?state=open: %d connections from %s to %s, want 1" % (len(m), e["ip"], e["ctl_ip"]))
            continue
        c = m[0]
        tag = "connection %s <-> %s" % (c.get("switch"), c.get("controller"))
        if c.get("datapath_id") != e["dpid"] or c.get("datapath_id_source") != "lldp":
            problem("%s: datapath_id %r from %r, want %s from lldp (%s)" % (tag, c.get("datapath_id"), c.get("datapath_id_source"), e["dpid"], e["bridge"]))
        for k, v in (("start", "midstream"), ("state", "open"), ("role_source", "messages")):
            if c.get(k) != v:
                problem("%s: %s %r, want %r" % (tag, k, c.get(k), v))
    if len(conns) != 3:
        problem("?state=open lists %d connections, want 3" % len(conns))
    sws = load("switches.json").get("switches")
    if not isinstance(sws, list):
        problem("/api/v1/switches: no \"switches\" list")
        sws = []
    got = sorted((s.get("datapath_id"), s.get("address"), s.get("datapath_id_source")) for s in sws)
    want = sorted((e["dpid"], e["ip"], "lldp") for e in exp["switches"])
    if got != want:
        problem("/api/v1/switches (datapath_id, address, source) %s, want %s" % (got, want))
    info.append("3 connections and switches identified by LLDP")

elif what in ("oracle", "oracle-midstream"):
    # The traffic really is what the case is about (so no check below can
    # pass on an empty or wrong capture).
    oc = load("oracle.json")["connections"]
    active = [c for c in oc if c["switch"] != exp.get("passive") and host(c["switch"]) in by_ip
              and host(c["controller"]) == by_ip[host(c["switch"])]["ctl_ip"]]
    passive = [c for c in oc if c["switch"] == exp.get("passive")]
    for c in oc:
        for dd in ("in", "out"):
            if c[dd]["bytes"] != c["stream_bytes"][dd]:
                problem("oracle self-check: %s %s: OpenFlow bytes %d != TCP stream bytes %d" % (c["switch"], dd, c[dd]["bytes"], c["stream_bytes"][dd]))
        if c["role_source"] != "messages":
            problem("oracle: connection %s <-> %s has no deciding message" % (c["switch"], c["controller"]))
    if len(active) != 3 or len({host(c["switch"]) for c in active}) != 3:
        problem("oracle: %d switch connections (want one from each of %s)" % (len(active), sorted(by_ip)))
    for c in active:
        ti, to = c["types"]["in"], c["types"]["out"]
        if what == "oracle":
            need = [("in", "OFPT_HELLO"), ("out", "OFPT_HELLO"), ("in", "OFPT_FEATURES_REPLY"),
                    ("out", "OFPT_FEATURES_REQUEST"), ("in", "OFPT_PACKET_IN"), ("out", "OFPT_FLOW_MOD")]
            if not c["syn"]:
                problem("oracle: no SYN on %s" % c["switch"])
        else:
            need = [("in", "OFPT_PACKET_IN"), ("out", "OFPT_PACKET_OUT")]
            if c["syn"] or ti.get("OFPT_HELLO") or ti.get("OFPT_FEATURES_REPLY"):
                problem("oracle: %s: capture was meant to start after the handshake" % c["switch"])
        for dd, t in need:
            if not c["types"][dd].get(t):
                problem("oracle: no %s %s on %s" % (dd, t, c["switch"]))
    if what == "oracle":
        if len(passive) != 6:
            problem("oracle: %d connections to the passive listener %s, want 6" % (len(passive), exp.get("passive")))
        for c in passive:
            if not c["types"]["out"].get("OFPT_MULTIPART_REQUEST") or not c["types"]["in"].get("OFPT_MULTIPART_REPLY"):
                problem("oracle: passive %s: want MULTIPART_REQUEST out and MULTIPART_REPLY in, got %s" % (c["controller"], c["types"]))
        if len(oc) != len(active) + len(passive):
            problem("oracle: %d connections, want %d" % (len(oc), len(active) + len(passive)))
    elif len(oc) != len(active):
        problem("oracle: %d connections, want %d" % (len(oc), len(active)))
    info.append("%d switch + %d passive connections; %s" % (len(active), len(passive),
        ", ".join("%s in %d/out %d" % (c["switch"], c["in"]["msgs"], c["out"]["msgs"]) for c in oc)))

else:  # handshake, midstream: ofxdp against the oracle
    mid = what == "midstream"
    oc = load("oracle.json")["connections"]
    conns = conns_of(load("conns.json"), "/api/v1/connections")
    got = {}
    for c in conns:
        k = (c.get("switch"), c.get("controller"))
        if k in got:
            problem("/api/v1/connections lists %s <-> %s twice" % k)
        got[k] = c
    want = {(c["switch"], c["controller"]): c for c in oc}
    for k in sorted(set(got) - set(want)):
        problem("/api/v1/connections: switch %s controller %s not in the capture (or roles swapped)" % k)
    for k, o in sorted(want.items()):
        c = got.get(k)
        if c is None:
            rev = got.get((k[1], k[0]))
            problem("/api/v1/connections: no switch %s controller %s%s" % (k[0], k[1],
                    " (listed with the roles swapped)" if rev else ""))
            continue
        tag = "connection %s <-> %s" % k
        for dd in ("in", "out"):
            for f in ("msgs", "bytes"):
                g = (c.get(dd) or {}).get(f)
                if g != o[dd][f]:
                    problem("%s: %s %s %r, tshark %d" % (tag, dd, f, g, o[dd][f]))
        if c.get("role_source") != o["role_source"]:
            problem("%s: role_source %r, want %r" % (tag, c.get("role_source"), o["role_source"]))
        st = "midstream" if mid else "handshake"
        if c.get("start") != st:
            problem("%s: start %r, want %r" % (tag, c.get("start"), st))
        if c.get("state") != "closed" or c.get("close_reason") != "fin":
            problem("%s: state %r close_reason %r, want closed/fin" % (tag, c.get("state"), c.get("close_reason")))
        if c.get("version") != "1.3":
            problem("%s: version %r, want 1.3" % (tag, c.get("version")))
        s = by_ip.get(host(k[0]))
        if k[0] == exp.get("passive"):
            # ovs-ofctl to the passive listener: ovs-ofctl is the controller.
            pass
        elif s is None:
            problem("%s: switch address not one of the bridges%s" % (tag, ""))
        elif mid:
            if c.get("switch_name") != s["name"]:
                problem("%s: switch_name %r, want %r (--switch-names entry for %s)" % (tag, c.get("switch_name"), s["name"], s["ip"]))
        else:
            if c.get("datapath_id") != s["dpid"] or c.get("datapath_id_source") != "features_reply":
                problem("%s: datapath_id %r from %r, want %s from features_reply (%s)" % (tag, c.get("datapath_id"), c.get("datapath_id_source"), s["dpid"], s["bridge"]))
    sws = load("switches.json").get("switches")
    if not isinstance(sws, list):
        problem("/api/v1/switches: no \"switches\" list")
        sws = []
    if mid:
        # No datapath-id was on the wire: switches by address, named by the map.
        by_addr = {}
        for s in sws:
            by_addr.setdefault(s.get("address"), []).append(s)
        if len(sws) != 3:
            problem("/api/v1/switches lists %d switches, want 3: %s" % (len(sws), [s.get("id") for s in sws]))
        for e in exp["switches"]:
            m = by_addr.get(e["ip"], [])
            if len(m) != 1:
                problem("/api/v1/switches: %d entries with address %s, want 1" % (len(m), e["ip"]))
            elif m[0].get("name") != e["name"]:
                problem("/api/v1/switches %s: name %r, want %r" % (e["ip"], m[0].get("name"), e["name"]))
    else:
        with_dpid = [s for s in sws if s.get("datapath_id") is not None]
        ids = sorted(s.get("datapath_id") for s in with_dpid)
        if ids != sorted(e["dpid"] for e in exp["switches"]):
            problem("/api/v1/switches datapath_ids %s, want %s (ovs-vsctl get bridge B datapath_id)" % (ids, sorted(e["dpid"] for e in exp["switches"])))
        for e in exp["switches"]:
            for s in with_dpid:
                if s.get("datapath_id") == e["dpid"]:
                    if s.get("id") != e["dpid"] or s.get("address") != e["ip"] or s.get("datapath_id_source") != "features_reply":
                        problem("/api/v1/switches %s: id %r address %r source %r, want %s %s features_reply" % (e["bridge"], s.get("id"), s.get("address"), s.get("datapath_id_source"), e["dpid"], e["ip"]))
                    if not s.get("connections"):
                        problem("/api/v1/switches %s: connections %r" % (e["bridge"], s.get("connections")))
        # ovs-ofctl on the passive listener never sees a FEATURES_REPLY:
        # that switch side is known by address only (a switch entry of its
        # own, or merged into the bridge with that address).
        extra = [s for s in sws if s.get("datapath_id") is None]
        for s in extra:
            if s.get("address") != host(exp["passive"]):
                problem("/api/v1/switches: unexpected switch without datapath_id: %s" % s.get("id"))
        if len(sws) not in (3, 4) or len(extra) > 1:
            problem("/api/v1/switches lists %d switches (%d without datapath_id), want the 3 bridges (+ at most the passive listener address)" % (len(sws), len(extra)))
        info.append("%d switches: %s" % (len(sws), ", ".join("%s@%s" % (s.get("id"), s.get("address")) for s in sws)))
        # Direction of the dumps: requests out, replies in, whole daemon.
        v = (load("stats.json").get("versions") or {}).get("1.3") or {}
        for t, dd, other in (("OFPT_MULTIPART_REQUEST", "out", "in"), ("OFPT_MULTIPART_REPLY", "in", "out")):
            n = sum(c["types"][dd].get(t, 0) for c in oc)
            g = ((v.get(dd) or {}).get(t) or {}).get("msgs", 0)
            w = ((v.get(other) or {}).get(t) or {}).get("msgs", 0)
            if g != n or w:
                problem("/api/v1/stats 1.3 %s: %d %s and %d %s, tshark (by role) %d %s, 0 %s" % (t, g, dd, w, other, n, dd, other))
    info.append("%d connections match tshark" % len(want))

for p in problems:
    print("PROBLEM", p)
if problems:
    sys.exit(1)
print("; ".join(info))
'
