# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# netns-lib.sh - test topology for ofxdp: network namespaces, veth pairs,
# a private Open vSwitch (netdev datapath) and ovs-testcontroller.
#
# Source it from bash (root needed), then:
#
#   nl_init                 # names, addresses, temp dir (once per run)
#   trap nl_cleanup EXIT
#   nl_topology             # namespaces and veth pairs
#   nl_ovs_start OpenFlow13 # ovsdb-server + ovs-vswitchd + bridge (no controller)
#   nl_controller_start OpenFlow13 -n   # ovs-testcontroller on NL_CTL_IP:NL_OF_PORT
#   nl_connect              # switch -> controller, waits until connected
#   nl_ping 5               # h1 -> h2 pings (data plane -> PACKET_IN/OUT)
#   nl_disconnect           # del-controller, waits until the TCP session is gone
#   nl_cleanup              # kills what it started (by pid), deletes netns, temp dir
#
# Layout (all names carry the run id, so parallel runs never collide):
#
#   netns ofc-ID (controller)          netns ofs-ID (switch)
#     vc-ID NL_CTL_IP/24  <-- veth -->   vs-ID NL_SW_IP/24
#     ovs-testcontroller ptcp           ovs-vswitchd, bridge br-ID (netdev)
#                                          p1-ID ----- veth ----- a1-ID  netns ofh1-ID (NL_H1_IP)
#                                          p2-ID ----- veth ----- a2-ID  netns ofh2-ID (NL_H2_IP)
#
# Only controller <-> switch OpenFlow traffic crosses vc-ID/vs-ID;
# ovs-vsctl/ovs-ofctl talk to the daemons over unix sockets in NL_DIR.
# Addresses are 10.200.N.0/24 (control) and 10.201.N.0/24 (hosts), used only
# inside these namespaces.

NL_OVS_SCHEMA=${NL_OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

# nl_log MSG... - progress message on stderr (quiet unless NL_VERBOSE=1).
nl_log() {
	[ "${NL_VERBOSE:-0}" = 1 ] && echo "netns-lib: $*" >&2
	return 0
}

# nl_die MSG... - print and fail (callers decide whether to exit).
nl_err() {
	echo "netns-lib: $*" >&2
	return 1
}

# nl_init [ID] - choose names, addresses and a private temp dir for one run.
# Sets NL_ID, NL_DIR, NL_NS_C, NL_NS_S, NL_NS_H1, NL_NS_H2, NL_VETH_C,
# NL_VETH_S, NL_BR, NL_CTL_IP, NL_SW_IP, NL_H1_IP, NL_H2_IP, NL_OF_PORT and
# exports the OVS_* directories so every ovs-* command uses the private
# daemons.
nl_init() {
	NL_ID=${1:-$$}
	NL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ofxdp-nl.XXXXXX") || return 1
	NL_NS_C="ofc-$NL_ID"
	NL_NS_S="ofs-$NL_ID"
	NL_NS_H1="ofh1-$NL_ID"
	NL_NS_H2="ofh2-$NL_ID"
	NL_VETH_C="vc-$NL_ID"
	NL_VETH_S="vs-$NL_ID"
	NL_BR="br-$NL_ID"
	local n=$((NL_ID % 250 + 1))
	NL_CTL_IP="10.200.$n.1"
	NL_SW_IP="10.200.$n.2"
	NL_H1_IP="10.201.$n.1"
	NL_H2_IP="10.201.$n.2"
	NL_OF_PORT=${NL_OF_PORT:-16653}
	NL_PIDS=()
	NL_NETNS=()
	export OVS_RUNDIR="$NL_DIR/run" OVS_LOGDIR="$NL_DIR/log" \
		OVS_DBDIR="$NL_DIR/db" OVS_SYSCONFDIR="$NL_DIR/etc"
	mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" "$OVS_DBDIR" "$OVS_SYSCONFDIR"
	nl_log "id $NL_ID dir $NL_DIR"
}

# nl_c CMD... / nl_s CMD... / nl_h1 / nl_h2 - run CMD in that namespace.
# Don't background these functions to get a pid ("nl_c cmd &" forks a
# subshell whose pid is not CMD's): use "ip netns exec NS CMD &" instead.
nl_c() { ip netns exec "$NL_NS_C" "$@"; }
nl_s() { ip netns exec "$NL_NS_S" "$@"; }
nl_h1() { ip netns exec "$NL_NS_H1" "$@"; }
nl_h2() { ip netns exec "$NL_NS_H2" "$@"; }

# nl_track_pid PID - remember a pid for nl_cleanup.
nl_track_pid() { NL_PIDS+=("$1"); }

# nl_wait_for SECONDS CMD... - run CMD every 0.1 s until it succeeds.
# Return: 0 when it succeeded, 1 on timeout.
nl_wait_for() {
	local secs=$1
	shift
	local end=$((SECONDS + secs))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# nl_add_netns NAME - create a namespace with lo up, remembered for cleanup.
nl_add_netns() {
	ip netns add "$1" || return 1
	NL_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# nl_topology - namespaces, veth pairs and addresses (see the layout above).
nl_topology() {
	local ns
	for ns in "$NL_NS_C" "$NL_NS_S" "$NL_NS_H1" "$NL_NS_H2"; do
		nl_add_netns "$ns" || return 1
	done
	# No IPv6 on the hosts: no router solicitations or MLD reports
	# reaching the bridge (and the controller) at random moments.
	for ns in "$NL_NS_H1" "$NL_NS_H2"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add "$NL_VETH_C" netns "$NL_NS_C" type veth \
		peer name "$NL_VETH_S" netns "$NL_NS_S" || return 1
	ip link add a1-"$NL_ID" netns "$NL_NS_H1" type veth \
		peer name p1-"$NL_ID" netns "$NL_NS_S" || return 1
	ip link add a2-"$NL_ID" netns "$NL_NS_H2" type veth \
		peer name p2-"$NL_ID" netns "$NL_NS_S" || return 1
	ip -n "$NL_NS_C" addr add "$NL_CTL_IP/24" dev "$NL_VETH_C"
	ip -n "$NL_NS_S" addr add "$NL_SW_IP/24" dev "$NL_VETH_S"
	ip -n "$NL_NS_H1" addr add "$NL_H1_IP/24" dev a1-"$NL_ID"
	ip -n "$NL_NS_H2" addr add "$NL_H2_IP/24" dev a2-"$NL_ID"
	ip -n "$NL_NS_C" link set "$NL_VETH_C" up
	ip -n "$NL_NS_S" link set "$NL_VETH_S" up
	ip -n "$NL_NS_S" link set p1-"$NL_ID" up
	ip -n "$NL_NS_S" link set p2-"$NL_ID" up
	ip -n "$NL_NS_H1" link set a1-"$NL_ID" up
	ip -n "$NL_NS_H2" link set a2-"$NL_ID" up
	nl_wait_for 10 nl_link_up "$NL_NS_C" "$NL_VETH_C" ||
		nl_err "control veth $NL_VETH_C is not up"
}

# nl_link_up NS DEV - true if DEV in NS is operationally up.
nl_link_up() {
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate")" = up ]
}

# nl_vsctl ARGS... - ovs-vsctl against the private ovsdb-server.
nl_vsctl() { ovs-vsctl --timeout=10 "$@"; }

# nl_ofctl ARGS... - ovs-ofctl (bridge management sockets are in OVS_RUNDIR,
# so "ovs-ofctl dump-flows $NL_BR" never crosses the control veth).
nl_ofctl() { ovs-ofctl --timeout=20 "$@"; }

# nl_ovs_daemons_start - start ovsdb-server and ovs-vswitchd in the switch
# namespace (private db, sockets and logs in NL_DIR), no bridge yet.
nl_ovs_daemons_start() {
	ovsdb-tool create "$OVS_DBDIR/conf.db" "$NL_OVS_SCHEMA" || return 1
	nl_s ovsdb-server "$OVS_DBDIR/conf.db" \
		--remote="punix:$OVS_RUNDIR/db.sock" \
		--pidfile="$OVS_RUNDIR/ovsdb-server.pid" \
		--log-file="$OVS_LOGDIR/ovsdb-server.log" \
		--unixctl="$OVS_RUNDIR/ovsdb-server.ctl" \
		--detach --no-chdir 2>>"$OVS_LOGDIR/daemons.err" || return 1
	nl_track_pid "$(cat "$OVS_RUNDIR/ovsdb-server.pid")"
	nl_vsctl --no-wait init || return 1
	nl_s ovs-vswitchd "unix:$OVS_RUNDIR/db.sock" \
		--pidfile="$OVS_RUNDIR/ovs-vswitchd.pid" \
		--log-file="$OVS_LOGDIR/ovs-vswitchd.log" \
		--unixctl="$OVS_RUNDIR/ovs-vswitchd.ctl" \
		--detach --no-chdir 2>>"$OVS_LOGDIR/daemons.err" || return 1
	nl_track_pid "$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")"
}

# nl_ovs_start PROTOCOLS - start ovsdb-server and ovs-vswitchd in the switch
# namespace and create bridge NL_BR (datapath_type=netdev, fail_mode=secure,
# protocols=PROTOCOLS e.g. OpenFlow13) with ports p1-ID and p2-ID. No
# controller yet (nl_connect).
nl_ovs_start() {
	local proto=$1
	nl_ovs_daemons_start || return 1
	nl_vsctl add-br "$NL_BR" -- \
		set bridge "$NL_BR" datapath_type=netdev \
		protocols="$proto" fail_mode=secure \
		other_config:disable-in-band=true -- \
		add-port "$NL_BR" p1-"$NL_ID" -- \
		add-port "$NL_BR" p2-"$NL_ID" || return 1
	nl_wait_for 10 nl_ofctl -O "$proto" show "$NL_BR" ||
		nl_err "bridge $NL_BR does not answer"
}

# nl_controller_start PROTOCOLS [ARGS...] - start ovs-testcontroller in the
# controller namespace, listening on NL_CTL_IP:NL_OF_PORT, speaking only
# PROTOCOLS; ARGS are extra options (e.g. -n: no flows, so every data
# packet becomes PACKET_IN + PACKET_OUT). Sets NL_CTL_PID.
nl_controller_start() {
	local proto=$1
	shift
	ip netns exec "$NL_NS_C" ovs-testcontroller -O "$proto" "$@" \
		--unixctl="$OVS_RUNDIR/testcontroller.ctl" \
		--log-file="$OVS_LOGDIR/testcontroller.log" \
		"ptcp:$NL_OF_PORT:$NL_CTL_IP" >"$OVS_LOGDIR/testcontroller.out" 2>&1 &
	NL_CTL_PID=$!
	nl_track_pid "$NL_CTL_PID"
	nl_wait_for 10 nl_listening "$NL_NS_C" "$NL_OF_PORT" ||
		nl_err "ovs-testcontroller does not listen on $NL_OF_PORT"
}

# nl_listening NS PORT - true if a TCP socket listens on PORT in NS.
nl_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

# nl_established NS PORT - true if an established TCP connection uses PORT.
nl_established() {
	ip netns exec "$1" ss -Htn state established "( sport = :$2 or dport = :$2 )" |
		grep -q .
}

# nl_connect [INACTIVITY_PROBE_MS] [EXTRA_TARGET...] - point the bridge at
# the controller (and optional extra targets such as "ptcp:PORT:IP") and
# wait until the switch reports the controller connected.
nl_connect() {
	local probe=${1:-}
	shift || true
	nl_vsctl set-controller "$NL_BR" "tcp:$NL_CTL_IP:$NL_OF_PORT" "$@" || return 1
	if [ -n "$probe" ]; then
		local uuid
		for uuid in $(nl_vsctl --bare --columns=_uuid list controller); do
			nl_vsctl set controller "$uuid" inactivity_probe="$probe" ||
				return 1
		done
	fi
	nl_wait_for 15 nl_is_connected ||
		nl_err "switch did not connect to the controller"
}

# nl_is_connected [TARGET] - true if the controller TARGET (default the
# bridge's active controller tcp:NL_CTL_IP:NL_OF_PORT) of any bridge is
# connected.
nl_is_connected() {
	local target=${1:-tcp:$NL_CTL_IP:$NL_OF_PORT}
	nl_vsctl --columns=target,is_connected list controller |
		grep -A1 "\"$target\"" | grep -q "is_connected *: true"
}

# nl_disconnect - remove the controllers and wait until no TCP connection
# on NL_OF_PORT remains (a clean end of the OpenFlow stream).
nl_disconnect() {
	nl_vsctl del-controller "$NL_BR" || return 1
	nl_wait_for 10 nl_not nl_established "$NL_NS_C" "$NL_OF_PORT" ||
		nl_err "connection on port $NL_OF_PORT did not close"
}

# nl_not CMD... - negate CMD (for nl_wait_for).
nl_not() { ! "$@"; }

# nl_traffic COUNT [INTERVAL] - send COUNT UDP datagrams h1 -> h2 port 9
# (discard), INTERVAL seconds apart (default 0.1), with bash's /dev/udp so
# no ping binary is needed. Each datagram (and h1's ARP, and h2's ICMP
# port-unreachable answers) crosses the bridge; with a controller started
# with -n (no flows) each one is a PACKET_IN/PACKET_OUT exchange.
nl_traffic() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	nl_h1 bash -c 'for ((i = 0; i < $1; i++)); do
		echo "ofxdp test $i" >"/dev/udp/$2/9" || exit 1
		sleep "$3"
	done' nl_traffic "$1" "$NL_H2_IP" "${2:-0.1}"
}

# nl_ping COUNT [INTERVAL] - nl_traffic, or real ICMP pings when a ping
# binary is installed.
nl_ping() {
	if command -v ping >/dev/null; then
		nl_h1 ping -q -c "$1" -i "${2:-0.2}" -W 2 "$NL_H2_IP" >/dev/null
	else
		nl_traffic "$@"
	fi
}

# nl_cleanup - stop every tracked process (TERM, then KILL after 3 s), delete
# the namespaces and the temp dir. Safe to call more than once.
# nl_kill_pids PID... - SIGTERM each, wait up to 3 s, then SIGKILL the rest.
nl_kill_pids() {
	local pid
	for pid in "$@"; do
		kill "$pid" 2>/dev/null
	done
	for _ in $(seq 30); do
		local alive=0
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for pid in "$@"; do
		kill -9 "$pid" 2>/dev/null
	done
	return 0
}

nl_cleanup() {
	local ns
	nl_kill_pids "${NL_PIDS[@]}"
	NL_PIDS=()
	for ns in "${NL_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NL_NETNS=()
	if [ -n "${NL_DIR:-}" ] && [ -d "$NL_DIR" ] && [ "${NL_KEEP:-0}" != 1 ]; then
		rm -rf "$NL_DIR"
	fi
	return 0
}
