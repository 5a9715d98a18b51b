#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# demo.sh (`make demo`) - ofxdp's live console (full-screen on a terminal:
# keys 1-6 switch views, ? lists the keys, q quits) on a real OpenFlow 1.3
# connection: Open vSwitch (netdev datapath) <-> ovs-testcontroller across a
# veth pair in private network namespaces (tools/netns-lib.sh), continuous
# data-plane traffic h1 -> h2 (every packet a PACKET_IN + PACKET_OUT) and a
# flow dump every 2 s over the switch's passive listener (multipart replies
# of tens of KB). ofxdp runs in the foreground in the controller namespace
# with REST on that namespace's 127.0.0.1:5555.
#
# Usage: sudo tools/demo.sh [--forever]     (after `make`)
# Env:   DEMO_SECONDS (default 20), OFXDP (default ./ofxdp), DEMO_MODE
#        (auto|xdp|tc|pcap, default auto)
# Everything is torn down on exit (Ctrl-C included).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OFXDP=${OFXDP:-$ROOT/ofxdp}
SECS=${DEMO_SECONDS:-20}
MODE=${DEMO_MODE:-auto}
FOREVER=0
case ${1:-} in
--forever) FOREVER=1 ;;
"") ;;
*)
	echo "usage: $0 [--forever]   (env DEMO_SECONDS, DEMO_MODE)" >&2
	exit 2
	;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces, BPF, Open vSwitch): sudo make demo" >&2
	exit 1
fi
if [ ! -x "$OFXDP" ]; then
	echo "demo: $OFXDP not found: run make first" >&2
	exit 1
fi
for tool in ovs-vswitchd ovsdb-server ovs-testcontroller ovs-ofctl; do
	command -v "$tool" >/dev/null || {
		echo "demo: $tool missing (make deps)" >&2
		exit 1
	}
done

# shellcheck source=tools/netns-lib.sh
. "$ROOT/tools/netns-lib.sh"
NL_OF_PORT=6653
PORT2=6654
nl_init "$$" || exit 1
trap 'nl_cleanup; echo "demo: torn down"' EXIT
trap 'exit 130' INT TERM

die() {
	echo "demo: $*" >&2
	exit 1
}

echo "demo: namespaces $NL_NS_C (controller, $NL_CTL_IP) and $NL_NS_S (switch, $NL_SW_IP)"
nl_topology || die "topology setup failed"
nl_ovs_start OpenFlow13 || die "Open vSwitch did not start"
nl_controller_start OpenFlow13 -n || die "ovs-testcontroller did not start"
nl_connect 5000 "ptcp:$PORT2:$NL_SW_IP" || die "switch did not connect"
nl_wait_for 10 nl_listening "$NL_NS_S" "$PORT2" || die "no passive listener on $PORT2"

# 500 flows so each dump is a ~45 KB multipart reply.
for ((i = 0; i < 500; i++)); do
	echo "priority=100,udp,nw_dst=10.9.$((i / 250)).$((i % 250 + 1)),tp_dst=$((1000 + i)),actions=drop"
done >"$NL_DIR/flows.txt"
nl_ofctl -O OpenFlow13 add-flows "$NL_BR" "$NL_DIR/flows.txt" || die "add-flows failed"

# Data plane: 20 UDP datagrams/s h1 -> h2 (no ping binary needed).
# shellcheck disable=SC2016 # expanded by the inner bash
ip netns exec "$NL_NS_H1" bash -c 'i=0; while :; do
	echo "ofxdp demo $i" >"/dev/udp/$1/9"; i=$((i + 1)); sleep 0.05
done' demo-traffic "$NL_H2_IP" 2>/dev/null &
nl_track_pid $!
# Control plane: a flow dump over the veth every 2 s.
# shellcheck disable=SC2016 # expanded by the inner bash
ip netns exec "$NL_NS_C" bash -c 'while :; do
	ovs-ofctl --timeout=5 -O OpenFlow13 dump-flows "tcp:$1:$2" >/dev/null; sleep 2
done' demo-dump "$NL_SW_IP" "$PORT2" 2>/dev/null &
nl_track_pid $!

dur=()
if [ "$FOREVER" = 0 ]; then
	dur=(--duration "$SECS")
	echo "demo: ofxdp console for $SECS s (DEMO_SECONDS; --forever until Ctrl-C)"
else
	echo "demo: ofxdp console until Ctrl-C"
fi
echo "demo: REST: ip netns exec $NL_NS_C curl 127.0.0.1:5555/get_of13_counts"
echo "demo: console keys: 1-6 (or t s w l e o) views, j/k select, Enter subtypes, < > sort, ? help, q quit"
sleep 1
# Foreground, so the console owns the terminal; Ctrl-C stops ofxdp, then
# the EXIT trap tears everything down.
ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" \
	--of-port "$NL_OF_PORT,$PORT2" --mode "$MODE" --rest 127.0.0.1:5555 "${dur[@]}"
rc=$?
echo "demo: ofxdp exited with status $rc"
exit "$rc"
