#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# run.sh - benchmark ofxdp (xdp, tc, pcap modes) against tcpdump and tshark
# with the ofgen OpenFlow load generator (root).
#
#   tools/bench/run.sh           full run: every capture x every rate, then
#                                the live-connections step
#   tools/bench/run.sh --smoke   CI: tc mode, one modest rate, a few seconds;
#                                asserts zero loss and ofgen truth == ofxdp
#                                counts per version/direction/type
#   tools/bench/run.sh --conns   the live-connections step alone: ofxdp (tc
#                                mode) watching BENCH_LIVE_CONNS OpenFlow
#                                connections open at once (ofgen, a low
#                                rate); prints ofxdp's VmRSS with and
#                                without the ring buffer's pages and checks
#                                that every connection and message is
#                                counted exactly
#
# Two network namespaces joined by a veth pair (names and 10.210.N.0/24
# addresses carry the run id; nothing leaves the namespaces). `ofgen
# controller` and the capture run in the controller namespace on its veth end,
# `ofgen switches` in the other. Captures run one at a time; each step starts
# a fresh capture, waits until it is ready, records its CPU time
# (utime+stime, /proc/PID/stat), runs ofgen for BENCH_SECONDS, waits until
# the capture is idle (it has processed its backlog), records CPU, peak RSS
# (VmHWM) and, for the BPF modes, run_time_ns/run_cnt of its programs, reads
# its counts and stops it with SIGTERM. Results: build/bench/bench.md,
# build/bench/bench.json, raw files in build/bench/raw/.
#
# Environment:
#   BENCH_RATES     generated msgs/s over all connections (ofgen --rate),
#                   0 = unlimited (default "10000 50000 100000 200000 400000 1000000 0")
#   BENCH_SECONDS   seconds of generation per step (5)
#   BENCH_CAPTURES  subset of "xdp tc pcap tc-nolat tcpdump tshark
#                   watch-json watch-w" (all; tc-nolat = tc mode with
#                   --no-latency: the latency engine's cost is tc minus
#                   tc-nolat; watch-json = `ofxdp watch --mode tc --json`
#                   to /dev/null, watch-w = `ofxdp watch --mode tc -w` to a
#                   file in BENCH_OUT (deleted after the step): messages
#                   printed/written vs sent)
#   BENCH_WATCH_RATES  the rates of the watch-* captures (0: the top step)
#   BENCH_CONNS     emulated switches (4)
#   BENCH_VERSIONS  OpenFlow versions round-robin (1.0,1.3,1.4,1.5)
#   BENCH_BATCH     messages per write() (64)
#   BENCH_PIN_LEN   PACKET_IN message length in bytes (64)
#   BENCH_STATS_SIZE  flow stats/multipart reply size in bytes (30000)
#   BENCH_PORT      OpenFlow port (6653)
#   BENCH_OUT       output directory (build/bench)
#   BENCH_OFXDP     ofxdp binary (./ofxdp)
#   BENCH_OFXDP_ARGS  extra ofxdp options, e.g. "--ring-size 67108864"
#   BENCH_LIVE_CONNS  connections of the live-connections step (10000)
#   BENCH_LIVE_RATE   their msgs/s, all together (10000)
#   BENCH_LIVE_SECONDS  seconds of generation of that step (20)
#   BENCH_TSHARK_OPTS  extra tshark options ("-o gui.max_tree_depth:100000":
#                   with the default 500, tshark stops dissecting a frame
#                   after ~500 layers - a 64 KiB GSO/GRO segment holds up to
#                   1000 small OpenFlow messages - and logs "Dissector bug")

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/netns-lib.sh
. "$ROOT/tools/netns-lib.sh"
OFXDP=${BENCH_OFXDP:-$ROOT/ofxdp}
OFXDP_ARGS=${BENCH_OFXDP_ARGS:-}
OFGEN=$ROOT/build/ofgen
PY=$ROOT/tools/bench/bench.py

SMOKE=0
CONNS_ONLY=0
case "${1:-}" in
--smoke) SMOKE=1 ;;
--conns) CONNS_ONLY=1 ;;
"") ;;
-h | --help)
	sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: $0 [--smoke | --conns]" >&2
	exit 2
	;;
esac

if [ "$CONNS_ONLY" = 1 ]; then
	RATES=
	SECS=${BENCH_SECONDS:-5}
	CAPTURES=tc
elif [ "$SMOKE" = 1 ]; then
	RATES=${BENCH_RATES:-20000}
	SECS=${BENCH_SECONDS:-3}
	CAPTURES=${BENCH_CAPTURES:-tc}
else
	RATES=${BENCH_RATES:-10000 50000 100000 200000 400000 1000000 0}
	SECS=${BENCH_SECONDS:-5}
	CAPTURES=${BENCH_CAPTURES:-xdp tc tc-nolat pcap tcpdump tshark watch-json watch-w}
fi
WATCH_RATES=${BENCH_WATCH_RATES:-0}
RATES=${RATES//,/ }
CAPTURES=${CAPTURES//,/ }
CONNS=${BENCH_CONNS:-4}
LIVE_CONNS=${BENCH_LIVE_CONNS:-10000}
LIVE_RATE=${BENCH_LIVE_RATE:-10000}
LIVE_SECS=${BENCH_LIVE_SECONDS:-20}
VERSIONS=${BENCH_VERSIONS:-1.0,1.3,1.4,1.5}
BATCH=${BENCH_BATCH:-64}
PIN_LEN=${BENCH_PIN_LEN:-64}
STATS_SIZE=${BENCH_STATS_SIZE:-30000}
PORT=${BENCH_PORT:-6653}
TSHARK_OPTS=${BENCH_TSHARK_OPTS--o gui.max_tree_depth:100000}
REST_PORT=5599
OUT=${BENCH_OUT:-$ROOT/build/bench}
CLK_TCK=$(getconf CLK_TCK)
DRAIN_MAX=30 # seconds a capture may take to work off its backlog

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, BPF)"
[ -x "$OFXDP" ] || die "$OFXDP missing: run make"
[ -x "$OFGEN" ] || die "$OFGEN missing: run make"
for c in $CAPTURES; do
	case $c in
	xdp | tc | pcap | tc-nolat | watch-json | watch-w) ;;
	tcpdump | tshark) command -v "$c" >/dev/null || die "$c not installed" ;;
	*) die "unknown capture $c (xdp tc pcap tc-nolat tcpdump tshark watch-json watch-w)" ;;
	esac
done
case " $CAPTURES " in *" xdp "* | *" tc "* | *" tc-nolat "* | *" watch-"*)
	command -v bpftool >/dev/null || die "bpftool not installed" ;;
esac

ID=$$
N=$((ID % 250 + 1))
NS_C="obc-$ID"
NS_S="obs-$ID"
VETH_C="obvc-$ID"
VETH_S="obvs-$ID"
CTL_IP="10.210.$N.1"
SW_IP="10.210.$N.2"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ofxdp-bench.XXXXXX") || die "mktemp"
PIDS=()
NETNS=()
BPF_STATS_OLD=

cleanup() {
	nl_kill_pids "${PIDS[@]}"
	PIDS=()
	local ns
	for ns in "${NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NETNS=()
	if [ -n "$BPF_STATS_OLD" ]; then
		sysctl -q -w kernel.bpf_stats_enabled="$BPF_STATS_OLD" >/dev/null
		BPF_STATS_OLD=
	fi
	[ -d "$WORK" ] && rm -rf "$WORK"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# untrack PID - forget a pid that has exited (so cleanup never signals a
# reused pid).
untrack() {
	local p keep=()
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# wait_for SECONDS CMD... - run CMD every 0.1 s until it succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# wait_pid SECONDS PID - wait for a child to exit, killing it on timeout.
wait_pid() {
	local end=$((SECONDS + $1))
	while kill -0 "$2" 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			kill "$2" 2>/dev/null
			sleep 1
			kill -9 "$2" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$2" 2>/dev/null
	local rc=$?
	untrack "$2"
	return $rc
}

# tree_pids PID - PID and its direct children (tshark -> dumpcap).
tree_pids() {
	echo "$1"
	pgrep -P "$1" 2>/dev/null
}

# cpu_ticks PID... - sum of utime+stime (clock ticks) of the processes.
cpu_ticks() {
	local p s t=0
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		s=${s##*) }
		# shellcheck disable=SC2086 # split the fields
		set -- $s
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}

# hwm_kb PID... - sum of VmHWM (kB).
hwm_kb() {
	local p t=0 v
	for p in "$@"; do
		v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# bpf_snapshot PID FILE - one bpftool JSON object per BPF program that PID
# holds open (prog_id in /proc/PID/fdinfo), programs named ofx_* only.
bpf_snapshot() {
	local id
	: >"$2"
	for id in $(awk '/^prog_id:/ {print $2}' /proc/"$1"/fdinfo/* 2>/dev/null |
		sort -un); do
		bpftool -j prog show id "$id" 2>/dev/null | grep '"name":"ofx_' >>"$2"
		echo >>"$2"
	done
}

# net_counters TAG - TCP RetransSegs of both namespaces and the veth drop
# counters (diagnostics: where a loss comes from), as KEY=VALUE lines.
net_counters() {
	local ns dev
	for ns in "$NS_S" "$NS_C"; do
		echo "$1_retrans_${ns%%-*}=$(ip netns exec "$ns" awk \
			'/^Tcp:/ {n++} /^Tcp:/ && n == 2 {print $13}' /proc/net/snmp)"
	done
	for dev in "$NS_C:$VETH_C" "$NS_S:$VETH_S"; do
		ip -n "${dev%%:*}" -s -s link show "${dev#*:}" | awk -v t="$1" \
			-v d="${dev%%-*}" '/RX:/ {r = 1; next} /TX:/ {x = 1; next}
			r == 1 {print t "_" d "_rx_dropped=" $4; r = 2}
			x == 1 {print t "_" d "_tx_dropped=" $4; x = 2}'
	done
}

# host_busy - busy clock ticks of all CPUs (/proc/stat: all but idle, iowait).
host_busy() {
	awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}

rest_up() {
	ip netns exec "$NS_C" curl -sf -m 2 "http://127.0.0.1:$REST_PORT/api/v1/stats" >/dev/null
}

listening() {
	ip netns exec "$NS_C" ss -Hltn "sport = :$PORT" | grep -q .
}

# ---- topology ---------------------------------------------------------------

ip netns add "$NS_C" || die "ip netns add $NS_C"
NETNS+=("$NS_C")
ip netns add "$NS_S" || die "ip netns add $NS_S"
NETNS+=("$NS_S")
ip link add "$VETH_C" netns "$NS_C" type veth peer name "$VETH_S" netns "$NS_S" ||
	die "veth pair"
ip -n "$NS_C" link set lo up
ip -n "$NS_S" link set lo up
ip -n "$NS_C" addr add "$CTL_IP/24" dev "$VETH_C"
ip -n "$NS_S" addr add "$SW_IP/24" dev "$VETH_S"
ip -n "$NS_C" link set "$VETH_C" up
ip -n "$NS_S" link set "$VETH_S" up
link_up() {
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate")" = up ]
}
wait_for 10 link_up "$NS_C" "$VETH_C" || die "$VETH_C is not up"
wait_for 10 link_up "$NS_S" "$VETH_S" || die "$VETH_S is not up"

if [ -r /proc/sys/kernel/bpf_stats_enabled ]; then
	BPF_STATS_OLD=$(cat /proc/sys/kernel/bpf_stats_enabled)
	sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null
fi

DESC="$(date -u +%Y-%m-%dT%H:%MZ), kernel $(uname -r), $(nproc) CPUs; veth \
pair between two netns; ofgen: $CONNS connections, versions $VERSIONS, \
batch $BATCH, PACKET_IN $PIN_LEN bytes, default mix (packet_in=94,echo=2,\
barrier=2,port_status=1,error=1) plus ${STATS_SIZE}-byte flow stats/multipart \
replies every 100 ms per connection, controller answers PACKET_IN with \
PACKET_OUT/FLOW_MOD; $SECS s per step."
{
	echo "desc=$DESC"
	echo "captures=$CAPTURES"
	echo "rates=$RATES"
	echo "seconds=$SECS"
	echo "connections=$CONNS"
	echo "versions=$VERSIONS"
	echo "batch=$BATCH"
	echo "pin_len=$PIN_LEN"
	echo "stats_reply_size=$STATS_SIZE"
	echo "tshark_opts=$TSHARK_OPTS"
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
} >"$WORK/run.meta"

# ---- one step ---------------------------------------------------------------

# run_step CAPTURE RATE INDEX
run_step() {
	local cap=$1 rate=$2 dir
	dir=$WORK/$(printf '%02d' "$3")-$cap-$rate
	mkdir -p "$dir"
	local meta=$dir/meta
	{
		echo "capture=$cap"
		echo "rate=$rate"
		echo "clk_tck=$CLK_TCK"
	} >"$meta"
	local mpid='' tpid=''
	case $cap in
	xdp | tc | pcap | tc-nolat)
		local mode=$cap extra=''
		[ "$cap" = tc-nolat ] && mode=tc extra=--no-latency
		ip netns exec "$NS_C" "$OFXDP" attach "$VETH_C" --of-port "$PORT" \
			--mode "$mode" --rest "127.0.0.1:$REST_PORT" --server \
			$extra $OFXDP_ARGS >"$dir/mon.out" 2>"$dir/mon.err" &
		mpid=$!
		PIDS+=("$mpid")
		# REST answers (mode "starting") before the hooks are attached:
		# ready = the "MODE mode: HOOKS" line on stderr, then REST
		if ! wait_for 15 grep -q " mode: " "$dir/mon.err" ||
			! wait_for 5 rest_up; then
			echo "error=ofxdp did not start: $(head -c 300 "$dir/mon.err" | tr '\n' ' ')" >>"$meta"
			wait_pid 3 "$mpid"
			return 1
		fi
		;;
	watch-json | watch-w)
		local out=(--json)
		[ "$cap" = watch-w ] && out=(-w "$OUT/watch-$ID.pcap")
		# shellcheck disable=SC2086 # extra options, split
		ip netns exec "$NS_C" "$OFXDP" watch "$VETH_C" --of-port "$PORT" \
			--mode tc "${out[@]}" $OFXDP_ARGS >/dev/null 2>"$dir/mon.err" &
		mpid=$!
		PIDS+=("$mpid")
		if ! wait_for 15 grep -q " mode: " "$dir/mon.err"; then
			echo "error=ofxdp watch did not start: $(head -c 300 "$dir/mon.err" | tr '\n' ' ')" >>"$meta"
			wait_pid 3 "$mpid"
			return 1
		fi
		;;
	tcpdump)
		ip netns exec "$NS_C" tcpdump -i "$VETH_C" -n -w /dev/null \
			"tcp port $PORT" >"$dir/mon.out" 2>"$dir/mon.err" &
		mpid=$!
		PIDS+=("$mpid")
		wait_for 10 grep -q "listening on" "$dir/mon.err" || {
			echo "error=tcpdump did not start" >>"$meta"
			wait_pid 3 "$mpid"
			return 1
		}
		;;
	tshark)
		mkfifo "$dir/fifo"
		# shellcheck disable=SC2046,SC2086 # field list, options
		ip netns exec "$NS_C" tshark -i "$VETH_C" -n -f "tcp port $PORT" \
			$TSHARK_OPTS \
			-d "tcp.port==$PORT,openflow" -T fields -E occurrence=a \
			-E separator=';' $(python3 "$PY" fields) \
			>"$dir/fifo" 2>"$dir/mon.err" &
		mpid=$!
		PIDS+=("$mpid")
		python3 "$PY" tshark-count "$PORT" <"$dir/fifo" >"$dir/tshark.json" &
		tpid=$!
		PIDS+=("$tpid")
		wait_for 20 grep -q "Capturing on" "$dir/mon.err" || {
			echo "error=tshark did not start" >>"$meta"
			wait_pid 3 "$mpid"
			wait_pid 3 "$tpid"
			return 1
		}
		sleep 0.5 # dumpcap is forked after the banner
		;;
	esac
	local pids
	# shellcheck disable=SC2207
	pids=($(tree_pids "$mpid"))
	case $cap in xdp | tc | tc-nolat | watch-*) bpf_snapshot "$mpid" "$dir/bpf-before" ;; esac
	echo "cpu_before=$(cpu_ticks "${pids[@]}")" >>"$meta"
	net_counters before >>"$meta"
	echo "host_before=$(host_busy)" >>"$meta"

	# ofgen: controller first, then the switches
	# (--no-latency: ofgen's own latency bookkeeping halves its top rate;
	# the benchmark needs only its counts)
	ip netns exec "$NS_C" "$OFGEN" controller --listen "$CTL_IP:$PORT" \
		--versions "$VERSIONS" --expect "$CONNS" --duration $((SECS + 20)) \
		--no-latency -o "$dir/ctl.json" >"$dir/ctl.out" 2>"$dir/ctl.err" &
	local cpid=$!
	PIDS+=("$cpid")
	if ! wait_for 10 listening; then
		echo "error=ofgen controller does not listen" >>"$meta"
	else
		ip netns exec "$NS_S" timeout -k 5 $((SECS + 25)) "$OFGEN" switches \
			--connect "$CTL_IP:$PORT" -n "$CONNS" --versions "$VERSIONS" \
			--duration "$SECS" --rate "$rate" --batch "$BATCH" \
			--pin-len "$PIN_LEN" --stats-reply-size "$STATS_SIZE" \
			--no-latency -o "$dir/sw.json" >"$dir/sw.out" 2>"$dir/sw.err" &
		local spid=$!
		PIDS+=("$spid")
		wait_pid $((SECS + 30)) "$spid"
	fi
	wait_pid 25 "$cpid"
	echo "host_after=$(host_busy)" >>"$meta"

	# wait until the capture has worked off its backlog: CPU time grows by
	# at most 1 tick in 0.5 s, and at least 1.5 s after traffic (ofxdp
	# gives a stream hole 1 s)
	local t0=$SECONDS t0ns t1 a b
	t0ns=$(date +%s%N)
	sleep 1.5
	while :; do
		a=$(cpu_ticks "${pids[@]}")
		sleep 0.5
		b=$(cpu_ticks "${pids[@]}")
		[ $((b - a)) -le 1 ] && break
		[ $((SECONDS - t0)) -ge "$DRAIN_MAX" ] && break
	done
	t1=$(awk -v a="$t0ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	{
		echo "drain_s=$t1"
		echo "cpu_after=$(cpu_ticks "${pids[@]}")"
		echo "hwm_kb=$(hwm_kb "${pids[@]}")"
		net_counters after
	} >>"$meta"
	case $cap in xdp | tc | tc-nolat | watch-*) bpf_snapshot "$mpid" "$dir/bpf-after" ;; esac
	case $cap in
	xdp | tc | pcap | tc-nolat)
		ip netns exec "$NS_C" curl -sf -m 5 \
			"http://127.0.0.1:$REST_PORT/api/v1/stats" >"$dir/stats.json" ||
			rm -f "$dir/stats.json"
		;;
	esac
	kill -TERM "$mpid" 2>/dev/null
	wait_pid 10 "$mpid"
	echo "mon_rc=$?" >>"$meta"
	[ -n "$tpid" ] && wait_pid 10 "$tpid"
	if [ "$cap" = watch-w ]; then
		echo "written_file_bytes=$(stat -c %s "$OUT/watch-$ID.pcap" 2>/dev/null || echo 0)" >>"$meta"
		rm -f "$OUT/watch-$ID.pcap"*
	fi
	return 0
}

# ---- live connections -------------------------------------------------------

# stats_get FILE - ofxdp's /api/v1/stats into FILE.
stats_get() {
	ip netns exec "$NS_C" curl -sf -m 10 \
		"http://127.0.0.1:$REST_PORT/api/v1/stats" >"$1"
}

# conns_up N - ofxdp has seen N FEATURES_REPLYs (every switch's handshake
# done), asked with the small oftraf-compatible per-version counts (not
# /api/v1/stats: it lists every connection, and its rendering would be in
# the memory figures).
conns_up() {
	local v files=()
	for v in 10 13 14 15; do
		ip netns exec "$NS_C" curl -sf -m 5 \
			"http://127.0.0.1:$REST_PORT/get_of${v}_counts" \
			>"$WORK/poll$v.json" || return 1
		files+=("$WORK/poll$v.json")
	done
	python3 "$PY" conns-up "$1" "${files[@]}"
}

# mem_snapshot PID - VmRSS, VmHWM, RssAnon, RssFile, RssShmem (kB) and
# ring_rss_kb: the Rss of ofxdp's BPF mappings (the ring buffer; its data
# pages are mapped twice) from /proc/PID/smaps, as KEY=VALUE lines.
mem_snapshot() {
	awk '/^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem):/ {
		sub(":", "", $1); print $1 "_kb=" $2 }' "/proc/$1/status"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($0 ~ /anon_inode:bpf/) }
		/^Rss:/ && bpf { t += $2 }
		END { print "ring_rss_kb=" t + 0 }' "/proc/$1/smaps"
}

# run_conns_step DIR - LIVE_CONNS OpenFlow connections open at once
# (ofgen switches -> ofgen controller, LIVE_RATE msgs/s in all, no
# periodic stats/barrier requests, echo every 5 s) with ofxdp attached in
# tc mode. Once every handshake is seen: ofxdp's memory (mem_snapshot) and
# counters (during.json); after the run: its counters (stats.json) against
# ofgen's truth.
run_conns_step() {
	local dir=$1 n=$LIVE_CONNS need
	mkdir -p "$dir"
	local meta=$dir/meta
	{
		echo "capture=tc"
		echo "step=conns"
		echo "live_conns=$n"
		echo "rate=$LIVE_RATE"
		echo "clk_tck=$CLK_TCK"
	} >"$meta"
	need=$((n + 1024))
	if [ "$(ulimit -n)" -lt "$need" ]; then
		ulimit -Hn "$need" 2>/dev/null
		ulimit -n "$need" 2>/dev/null ||
			{ echo "error=ulimit -n $need failed" >>"$meta"; return 1; }
	fi
	# shellcheck disable=SC2086 # extra options, split
	ip netns exec "$NS_C" "$OFXDP" attach "$VETH_C" --of-port "$PORT" \
		--mode tc --rest "127.0.0.1:$REST_PORT" --server \
		$OFXDP_ARGS >"$dir/mon.out" 2>"$dir/mon.err" &
	local mpid=$!
	PIDS+=("$mpid")
	if ! wait_for 15 grep -q " mode: " "$dir/mon.err" ||
		! wait_for 5 rest_up; then
		echo "error=ofxdp did not start: $(head -c 300 "$dir/mon.err" | tr '\n' ' ')" >>"$meta"
		wait_pid 3 "$mpid"
		return 1
	fi
	echo "mem_start=$(mem_snapshot "$mpid" | tr '\n' ' ')" >>"$meta"
	ip netns exec "$NS_C" "$OFGEN" controller --listen "$CTL_IP:$PORT" \
		--versions "$VERSIONS" --expect "$n" --stats-interval 0 \
		--barrier-interval 0 --echo-interval 5000 \
		--duration $((LIVE_SECS + 90)) --no-latency \
		-o "$dir/ctl.json" >"$dir/ctl.out" 2>"$dir/ctl.err" &
	local cpid=$!
	PIDS+=("$cpid")
	if ! wait_for 10 listening; then
		echo "error=ofgen controller does not listen" >>"$meta"
		wait_pid 3 "$cpid"
		kill -TERM "$mpid" 2>/dev/null
		wait_pid 10 "$mpid"
		return 1
	fi
	ip netns exec "$NS_S" timeout -k 5 $((LIVE_SECS + 90)) "$OFGEN" switches \
		--connect "$CTL_IP:$PORT" -n "$n" --versions "$VERSIONS" \
		--duration "$LIVE_SECS" --rate "$LIVE_RATE" --batch 1 \
		--pin-len "$PIN_LEN" --stats-reply-size 1000 --drain 5000 \
		--no-latency -o "$dir/sw.json" >"$dir/sw.out" 2>"$dir/sw.err" &
	local spid=$!
	PIDS+=("$spid")
	local t0=$SECONDS
	if wait_for $((LIVE_SECS - 2)) conns_up "$n"; then
		echo "up_s=$((SECONDS - t0))" >>"$meta"
		sleep 2 # a views snapshot (every second) with all of them
		mem_snapshot "$mpid" >>"$meta"
		stats_get "$dir/during.json"
		echo "mem_after_stats=$(mem_snapshot "$mpid" | tr '\n' ' ')" >>"$meta"
	else
		echo "error=not all $n connections were up within $((LIVE_SECS - 2)) s" >>"$meta"
		stats_get "$dir/during.json"
	fi
	wait_pid $((LIVE_SECS + 90)) "$spid"
	wait_pid 30 "$cpid"
	sleep 2 # ofxdp works off what is left in the ring
	echo "hwm_kb=$(hwm_kb "$mpid")" >>"$meta"
	stats_get "$dir/stats.json" || rm -f "$dir/stats.json"
	kill -TERM "$mpid" 2>/dev/null
	wait_pid 10 "$mpid"
	echo "mon_rc=$?" >>"$meta"
	return 0
}

# ---- main -------------------------------------------------------------------

mkdir -p "$OUT"
if [ "$SMOKE" = 0 ] && [ "$CONNS_ONLY" = 0 ]; then
	# Per-packet cost of the BPF programs by payload size (no network),
	# first, on a quiet machine, without bpf_stats (its two clock reads per
	# run add ~80 ns here to every run, floor included).
	echo "bench: bpfbench (BPF_PROG_TEST_RUN by payload size)" >&2
	sysctl -q -w kernel.bpf_stats_enabled=0 >/dev/null 2>&1
	"$ROOT/build/bpfbench" -j "$OUT/bpfbench.json" >"$OUT/bpfbench.md" ||
		rm -f "$OUT/bpfbench.md"
	sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null 2>&1
fi

i=0
for cap in $CAPTURES; do
	rates=$RATES
	case $cap in watch-*) rates=$WATCH_RATES ;; esac
	for rate in $rates; do
		i=$((i + 1))
		printf 'bench: %-8s rate %-8s ... ' "$cap" "$rate" >&2
		start=$SECONDS
		run_step "$cap" "$rate" "$i"
		echo "$((SECONDS - start)) s" >&2
	done
done

if [ "$SMOKE" = 0 ]; then
	printf 'bench: tc       %s live connections ... ' "$LIVE_CONNS" >&2
	start=$SECONDS
	run_conns_step "$WORK/conns"
	echo "$((SECONDS - start)) s" >&2
fi

mkdir -p "$OUT"
RAW=$OUT/raw
[ "$CONNS_ONLY" = 1 ] && RAW=$OUT/raw-conns
rm -rf "$RAW"
cp -r "$WORK" "$RAW"
find "$RAW" -name fifo -delete
if [ "$SMOKE" = 1 ]; then
	python3 "$PY" smoke "$WORK"
	exit $?
fi
if [ "$CONNS_ONLY" = 1 ]; then
	python3 "$PY" conns "$WORK/conns"
	exit $?
fi
python3 "$PY" summarize "$WORK" "$OUT" || exit 1
echo "bench: wrote $OUT/bench.md and $OUT/bench.json" >&2
