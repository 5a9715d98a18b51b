#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Loopback tests for ofgen (127.0.0.1, ephemeral ports). Runs the controller
# and switches roles against each other and checks that every message and
# byte one side reports as sent, the other side reports as received,
# per version and OFPT_* type. As root, with tcpdump and tshark, it also
# captures a run on lo and checks that tshark parses every message without
# malformed-packet expert info and counts the same per direction, version
# and type as ofgen's JSON.
#
#   tools/ofgen/test_ofgen.sh            (from the repository root)
#   OFGEN=path/to/ofgen tools/ofgen/test_ofgen.sh
#
# Prints "N passed, M failed" and exits non-zero if anything failed.
set -u

OFGEN=${OFGEN:-build/ofgen}
if [ ! -x "$OFGEN" ]; then
	echo "ofgen binary '$OFGEN' not found; run 'make build/ofgen'" >&2
	exit 2
fi
OFGEN=$(realpath "$OFGEN")
TMP=$(mktemp -d /tmp/ofgen-test.XXXXXX)
PASS=0
FAIL=0
SKIP=0
CTL_PID=
TCPDUMP_PID=

cleanup() {
	[ -n "$CTL_PID" ] && kill "$CTL_PID" 2>/dev/null
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() {
	echo "PASS: $1"
	PASS=$((PASS + 1))
}

nok() {
	echo "FAIL: $1"
	FAIL=$((FAIL + 1))
}

skip() {
	echo "SKIP: $1"
	SKIP=$((SKIP + 1))
}

# start_ctl NAME ARGS... : controller in the background, sets PORT.
start_ctl() {
	local name=$1
	shift
	rm -f "$TMP/$name.port"
	"$OFGEN" controller --listen 127.0.0.1:0 --port-file "$TMP/$name.port" \
		-o "$TMP/$name.c.json" "$@" 2>"$TMP/$name.c.err" &
	CTL_PID=$!
	for _ in $(seq 100); do
		[ -s "$TMP/$name.port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$TMP/$name.port" 2>/dev/null)
}

# wait_ctl: wait up to 10 s for the controller to exit; returns its status.
wait_ctl() {
	local i rc
	for i in $(seq 200); do
		kill -0 "$CTL_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$CTL_PID" 2>/dev/null; then
		kill "$CTL_PID"
		wait "$CTL_PID" 2>/dev/null
		CTL_PID=
		return 124
	fi
	wait "$CTL_PID"
	rc=$?
	CTL_PID=
	return $rc
}

# run_pair NAME "CTL ARGS" "SWITCH ARGS": one full run, JSON in $TMP.
run_pair() {
	local name=$1 cargs=$2 sargs=$3 src crc
	start_ctl "$name" $cargs
	if [ -z "$PORT" ]; then
		nok "$name: controller did not start ($(cat "$TMP/$name.c.err"))"
		return 1
	fi
	# shellcheck disable=SC2086
	"$OFGEN" switches --connect 127.0.0.1:"$PORT" -o "$TMP/$name.s.json" \
		$sargs 2>"$TMP/$name.s.err"
	src=$?
	wait_ctl
	crc=$?
	if [ $src -ne 0 ] || [ $crc -ne 0 ]; then
		nok "$name: exit status switches=$src controller=$crc: $(cat "$TMP/$name.s.err" "$TMP/$name.c.err" | head -5)"
		return 1
	fi
	return 0
}

# compare NAME N [EXTRA PYTHON CHECK]: switches.sent == controller.received
# and controller.sent == switches.received, exactly, per version and type.
compare() {
	local name=$1 n=$2 extra=${3:-}
	if python3 - "$TMP/$name.s.json" "$TMP/$name.c.json" "$n" "$extra" <<'EOF'; then
import json, sys
s = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
n = int(sys.argv[3])
extra = sys.argv[4]
errs = []
def diff(a, b, what):
    for v in sorted(set(a) | set(b)):
        for t in sorted(set(a.get(v, {})) | set(b.get(v, {}))):
            x = a.get(v, {}).get(t)
            y = b.get(v, {}).get(t)
            if x != y:
                errs.append("%s %s %s: %s vs %s" % (what, v, t, x, y))
diff(s["sent"], c["received"], "in (switches.sent vs controller.received)")
diff(c["sent"], s["received"], "out (controller.sent vs switches.received)")
for role, d in (("switches", s), ("controller", c)):
    if d["connections"] != n or d["connections_clean"] != n \
            or d["connections_failed"]:
        errs.append("%s connections %d clean %d failed %d, want %d" % (
            role, d["connections"], d["connections_clean"],
            d["connections_failed"], n))
pin = sum(t.get("OFPT_PACKET_IN", {}).get("msgs", 0)
          for t in s["sent"].values())
if pin == 0:
    errs.append("no PACKET_IN sent")
if s["totals"]["sent"] != c["totals"]["received"] or \
        c["totals"]["sent"] != s["totals"]["received"]:
    errs.append("totals differ")
if extra:
    r = eval(extra, {"s": s, "c": c})
    if r is not True:
        errs.append("extra check failed: %s -> %r" % (extra, r))
for e in errs[:20]:
    print("   ", e)
print("    in: %d msgs, out: %d msgs, %.0f msgs/s sent by the switches" % (
    s["totals"]["sent"]["msgs"], c["totals"]["sent"]["msgs"],
    s["rate_msgs_per_s"]))
sys.exit(1 if errs else 0)
EOF
		ok "$name: sent == received per version/type"
	else
		nok "$name: counts differ"
	fi
}

# Sum of msgs of TYPE over all versions of a direction, for extra checks.
# (used inside the python expressions below)
MSGS='lambda d, t: sum(v.get(t, {}).get("msgs", 0) for v in d.values())'

echo "== ofgen loopback tests ($OFGEN)"

# 1. --help of both roles
if "$OFGEN" switches --help | grep -q -- '--connect' &&
	"$OFGEN" controller --help | grep -q -- '--listen'; then
	ok "help: both roles document their options"
else
	nok "help"
fi

# 2. OpenFlow 1.0, modest rate
if run_pair v10 "" "-n 2 --version 1.0 -d 2 -r 20000"; then
	compare v10 2 "($MSGS)(s['sent'], 'OFPT_PACKET_IN') > 30000 and list(s['sent']) == ['1.0']"
fi

# 3. OpenFlow 1.3, modest rate, FLOW_MOD/PACKET_OUT ratio 25 %
if run_pair v13 "--flow-mod-pct 25 --echo-interval 100" \
	"-n 2 --version 1.3 -d 2 -r 20000"; then
	compare v13 2 "abs(c['sent']['1.3']['OFPT_FLOW_MOD']['msgs'] * 3 - c['sent']['1.3']['OFPT_PACKET_OUT']['msgs']) <= 8 and s['received']['1.3']['OFPT_ECHO_REQUEST']['msgs'] >= 15"
fi

# 4. 1.0 and 1.3 round robin, batching, multipart replies > 64 KB
#    (200000 bytes: 4 parts per reply, REPLY_MORE on the first 3)
if run_pair mixed "--stats-interval 50" \
	"-n 4 --versions 1.0,1.3 -d 2 -r 40000 -b 16 --stats-reply-size 200000"; then
	compare mixed 4 "s['sent']['1.0']['OFPT_STATS_REPLY']['msgs'] == 4 * s['received']['1.0']['OFPT_STATS_REQUEST']['msgs'] > 0 and s['sent']['1.3']['OFPT_MULTIPART_REPLY']['msgs'] == 4 * s['received']['1.3']['OFPT_MULTIPART_REQUEST']['msgs'] > 0"
fi

# 5. 1.4 and 1.5
if run_pair v1415 "" "-n 2 --versions 1.4,1.5 -d 1 -r 10000"; then
	compare v1415 2 "set(s['sent']) == {'1.4', '1.5'}"
fi

# 6. unlimited rate, batch 64: partial writes and backpressure
if run_pair flood "" "-n 2 --versions 1.0,1.3 -d 2 -b 64 --pin-len 64"; then
	compare flood 2 "s['rate_msgs_per_s'] > 100000"
fi

# 7. SIGINT ends the switches early; counts still match
start_ctl sigint
if [ -n "$PORT" ]; then
	"$OFGEN" switches --connect 127.0.0.1:"$PORT" -n 2 -d 60 -r 20000 \
		-o "$TMP/sigint.s.json" 2>"$TMP/sigint.s.err" &
	SW=$!
	sleep 1
	kill -INT $SW
	wait $SW
	src=$?
	wait_ctl
	crc=$?
	if [ $src -eq 0 ] && [ $crc -eq 0 ]; then
		compare sigint 2 "s['duration_s'] < 5"
	else
		nok "sigint: exit status switches=$src controller=$crc"
	fi
else
	nok "sigint: controller did not start"
fi

# 8. negative: no common version -> the run must be reported as failed
start_ctl novers --version 1.0 --expect 1
if [ -n "$PORT" ]; then
	"$OFGEN" switches --connect 127.0.0.1:"$PORT" -n 1 --version 1.3 -d 1 \
		-o "$TMP/novers.s.json" 2>"$TMP/novers.s.err"
	src=$?
	wait_ctl
	if [ $src -ne 0 ] && python3 -c "
import json, sys
s = json.load(open('$TMP/novers.s.json'))
sys.exit(0 if s['connections_failed'] == 1 and s['connections'] == 0 else 1)"; then
		ok "novers: version mismatch reported as a failed connection"
	else
		nok "novers: switches status $src, expected failure"
	fi
else
	nok "novers: controller did not start"
fi

# 9. wire format: tcpdump on lo + tshark as an independent parser
if [ "$(id -u)" -ne 0 ] || ! command -v tcpdump >/dev/null ||
	! command -v tshark >/dev/null; then
	skip "tshark: needs root, tcpdump and tshark"
else
	# 1.5 is not checked: tshark 4.0's openflow_v6 dissector throws on
	# every OXM field (also on Ryu's reference 1.5 messages).
	start_ctl wire --versions 1.0,1.3,1.4 --stats-interval 100 \
		--echo-interval 200
	tcpdump -i lo -s 0 -U --immediate-mode -B 16384 -w "$TMP/wire.pcap" \
		"host 127.0.0.1 and tcp port $PORT" 2>"$TMP/tcpdump.err" &
	TCPDUMP_PID=$!
	for _ in $(seq 100); do
		grep -q listening "$TMP/tcpdump.err" 2>/dev/null && break
		sleep 0.05
	done
	"$OFGEN" switches --connect 127.0.0.1:"$PORT" -n 3 \
		--versions 1.0,1.3,1.4 -d 1 -r 3000 -b 4 \
		--stats-reply-size 100000 -o "$TMP/wire.s.json" \
		2>"$TMP/wire.s.err"
	src=$?
	wait_ctl
	crc=$?
	sleep 1
	kill -INT $TCPDUMP_PID
	wait $TCPDUMP_PID 2>/dev/null
	TCPDUMP_PID=
	if [ $src -ne 0 ] || [ $crc -ne 0 ]; then
		nok "wire: ofgen exit status switches=$src controller=$crc"
	else
		compare wire 3
		tshark -r "$TMP/wire.pcap" -d tcp.port=="$PORT",openflow \
			-T fields -E separator='|' -E occurrence=a \
			-e tcp.dstport -e openflow_1_0.type -e openflow_v4.type \
			-e openflow_v5.type -e openflow_v6.type -e _ws.malformed \
			-e openflow_v4.multipart_reply.flags \
			-e openflow_v5.multipart_reply.flags \
			>"$TMP/wire.tsv" 2>"$TMP/tshark.err"
		tshark -r "$TMP/wire.pcap" -d tcp.port=="$PORT",openflow -q \
			-z expert,error >"$TMP/expert.txt" 2>&1
		if python3 - "$TMP/wire.tsv" "$PORT" "$TMP/wire.s.json" \
			"$TMP/wire.c.json" "$TMP/expert.txt" <<'EOF'; then
import collections, json, sys
tsv, port = sys.argv[1], sys.argv[2]
s = json.load(open(sys.argv[3]))
c = json.load(open(sys.argv[4]))
expert = open(sys.argv[5]).read()
# OFPT_* names per version, to key tshark's type numbers like the JSON
n10 = ["HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR",
       "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
       "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
       "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "PORT_MOD", "STATS_REQUEST",
       "STATS_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY"]
n13 = n10[:4] + ["EXPERIMENTER"] + n10[5:15] + [
    "GROUP_MOD", "PORT_MOD", "TABLE_MOD", "MULTIPART_REQUEST",
    "MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY"]
vers = {1: ("1.0", n10), 2: ("1.3", n13), 3: ("1.4", n13), 4: ("1.5", n13)}
cnt = {"in": collections.Counter(), "out": collections.Counter()}
errs = []
more = 0
malformed = 0
for line in open(tsv):
    f = line.rstrip("\n").split("|")
    if not f[0]:
        continue
    d = "in" if f[0].split(",")[0] == port else "out"
    if f[5]:
        malformed += 1
    for col, (v, nm) in vers.items():
        for t in filter(None, f[col].split(",")):
            cnt[d][(v, "OFPT_" + nm[int(t)])] += 1
    for col in (6, 7):
        more += sum(1 for x in filter(None, f[col].split(","))
                    if int(x, 0) & 1)
# tshark 1.3+ also dissects the offending header inside OFPT_ERROR as a
# message; ofgen's ERRORs carry exactly one ECHO_REQUEST header each.
for d in cnt:
    for (v, t), x in list(cnt[d].items()):
        if t == "OFPT_ERROR" and v != "1.0":
            cnt[d][(v, "OFPT_ECHO_REQUEST")] -= x
if malformed:
    errs.append("%d frames with malformed-packet info" % malformed)
if "Malformed" in expert:
    errs.append("tshark expert info reports Malformed")
def flat(d):
    return collections.Counter({(v, t): x["msgs"]
                                for v, ts in d.items()
                                for t, x in ts.items()})
for d, want in (("in", flat(s["sent"])), ("out", flat(c["sent"]))):
    for k in sorted(set(want) | set(cnt[d])):
        if want[k] != cnt[d][k]:
            errs.append("%s %s %s: ofgen %d, tshark %d" % (
                d, k[0], k[1], want[k], cnt[d][k]))
# 100000-byte flow replies: 2 parts each for 1.3/1.4, REPLY_MORE on one
req = sum(c["sent"][v].get("OFPT_MULTIPART_REQUEST", {}).get("msgs", 0)
          for v in ("1.3", "1.4") if v in c["sent"])
rep = sum(s["sent"][v].get("OFPT_MULTIPART_REPLY", {}).get("msgs", 0)
          for v in ("1.3", "1.4") if v in s["sent"])
if rep == 0 or more * 2 != rep:
    errs.append("REPLY_MORE on %d of %d multipart replies (requests %d)" %
                (more, rep, req))
for e in errs[:20]:
    print("   ", e)
print("    tshark: %d in, %d out messages, %d REPLY_MORE" % (
    sum(cnt["in"].values()), sum(cnt["out"].values()), more))
sys.exit(1 if errs else 0)
EOF
			ok "wire: tshark parses all messages, counts equal ofgen's JSON"
		else
			nok "wire: tshark disagrees (see above)"
		fi
	fi
fi

echo "$PASS passed, $FAIL failed${SKIP:+, $SKIP skipped}"
[ $FAIL -eq 0 ]
