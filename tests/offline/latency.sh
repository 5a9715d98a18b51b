#!/usr/bin/env bash
# Offline latency tests: ofxdp's request/reply latency ("latency" of
# `ofxdp read FILE --json`) against the tshark oracle
# tools/tshark-latency.py, on every capture the offline suite uses and on
# a synthetic capture with known latencies. The oracle itself is checked
# first against that known truth (and its comparison must see a
# difference). No root needed. Prints one line per case and
# "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OFXDP=${OFXDP:-./ofxdp}
ORACLE=${ORACLE:-tools/tshark-latency.py}
FIX=tests/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! command -v tshark >/dev/null; then
	echo "tshark is missing (make deps)"
	exit 2
fi

# ---- a synthetic capture with known latencies ----
# Two connections to port 6653, both opened by the switch: A speaks
# OpenFlow 1.3, B 1.0. Times are seconds after 1700000000 (pcap: us).
python3 - "$TMP/synthetic.pcap" <<'EOF'
import struct
import sys

T0 = 1700000000
frames = []  # (time in us, frame bytes)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Conn:
    """A TCP connection switch (sw) <-> controller (ctl)."""

    def __init__(self, sw, sw_port, ctl, ctl_port, t):
        self.ep = {True: (bytes(sw), sw_port), False: (bytes(ctl), ctl_port)}
        self.seq = {True: 1000, False: 5000}
        self.segment(t, True, b"", 0x02)                 # SYN
        self.segment(t + 10e-6, False, b"", 0x12)        # SYN-ACK
        self.segment(t + 20e-6, True, b"", 0x10)         # ACK

    def segment(self, t, from_sw, payload, flags=0x18):
        (sip, sport), (dip, dport) = self.ep[from_sw], self.ep[not from_sw]
        seq, ack = self.seq[from_sw], self.seq[not from_sw]
        if flags == 0x02:
            ack = 0
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4,
                          flags, 65535, 0, 0)
        pseudo = sip + dip + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp + payload)) + \
            tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                         len(frames) & 0xffff, 0x4000, 64, 6, 0, sip, dip)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = bytes([2, 0, 0, 0, 0, dip[3]]) + bytes([2, 0, 0, 0, 0, sip[3]]) \
            + b"\x08\x00"
        frames.append((round(t * 1e6), eth + ip + tcp + payload))
        self.seq[from_sw] = (seq + len(payload) + (flags & 0x02 != 0)) \
            & 0xffffffff

    def send(self, t, from_sw, *msgs):
        self.segment(t, from_sw, b"".join(msgs))


def of(ver, typ, xid, body=b""):
    return struct.pack("!BBHI", ver, typ, 8 + len(body), xid) + body


def frame(n, seed):
    """An Ethernet frame of n bytes."""
    head = bytes([0, 0, 0, 0, 0, seed]) + bytes([2, 0, 0, 0, 0, seed]) + \
        b"\x08\x00"
    return (head + bytes((seed * 7 + i) & 0xff for i in range(n)))[:n]


NOBUF = 0xffffffff


# OpenFlow 1.3 messages
def pin13(buf, data, total):
    match = struct.pack("!HHII4x", 1, 12, 0x80000004, 1)  # in_port 1
    return of(4, 10, 0, struct.pack("!IHBBQ", buf, total, 0, 0, 0) + match +
              b"\0\0" + data)


def pout13(xid, buf, data=b""):
    act = struct.pack("!HHIH6x", 0, 16, 2, 0xffff)  # output:2
    return of(4, 13, xid, struct.pack("!IIH6x", buf, 0xfffffffd, 16) + act +
              data)


def fmod13(xid, buf):
    return of(4, 14, xid, struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0,
                                      100, buf, NOBUF, NOBUF, 0) +
              struct.pack("!HH4x", 1, 4))


def mp13_part(xid, more, port):
    desc = struct.pack("!I4x6s2x16s8I", port, bytes([2, 0, 0, 0, 1, port]),
                       b"p%d" % port, 0, 0, 0, 0, 0, 0, 0, 0)
    return of(4, 19, xid, struct.pack("!HH4x", 13, more) + desc)


# OpenFlow 1.0 messages
def pin10(buf, data, total):
    return of(1, 10, 0, struct.pack("!IHHBx", buf, total, 1, 0) + data)


def pout10(xid, buf, data=b""):
    return of(1, 13, xid, struct.pack("!IHH", buf, 0xffff, 8) +
              struct.pack("!HHHH", 0, 8, 2, 0) + data)


def stats10_reply(xid, more):
    table = struct.pack("!B3x32sIIIQQ", 0, b"classifier", 0x3fffff, 1000,
                        0, 0, 0)
    return of(1, 17, xid, struct.pack("!HH", 3, more) + table)


# Connection A, OpenFlow 1.3
a = Conn([10, 0, 0, 1], 40000, [10, 0, 0, 2], 6653, 0.0)
a.send(0.001, True, of(4, 0, 1))
a.send(0.0011, False, of(4, 0, 1))
a.send(0.010, False, of(4, 5, 2))                  # FEATURES_REQUEST
feat = of(4, 6, 2, struct.pack("!QIBB2xII", 0xa, 256, 254, 0, 0x4f, 0))
a.send(0.0102, True, feat[:10])                    # the reply completes
a.send(0.0105, True, feat[10:])                    # here: 0.5 ms
a.send(1.000, False, of(4, 2, 10))                 # echo 1.5 ms
a.send(1.0015, True, of(4, 3, 10))
a.send(1.100, True, of(4, 2, 11))                  # echo from the switch
a.send(1.1025, False, of(4, 3, 11))                # 2.5 ms
barrier = of(4, 20, 20)
a.send(2.000, False, barrier)                      # barrier -> ERROR
a.send(2.0003, True, of(4, 1, 20, struct.pack("!HH", 1, 1) + barrier))
a.send(2.500, True, of(4, 1, 77, struct.pack("!HH", 1, 1)))  # ends nothing
a.send(3.000, False, of(4, 2, 30))                 # echo: reply at 8.5 s
a.send(3.500, True, of(4, 3, 99))                  # orphan echo reply
a.send(4.000, False, of(4, 2, 40))                 # duplicate xids:
a.send(4.001, False, of(4, 2, 40))                 # oldest first,
a.send(4.003, True, of(4, 3, 40))                  # 3 ms
a.send(4.006, True, of(4, 3, 40))                  # 5 ms
a.send(5.000, False, of(4, 18, 50, struct.pack("!HH4x", 13, 0)))  # PORT_DESC
a.send(5.002, True, mp13_part(50, 1, 1))           # first part: 2 ms
a.send(5.004, True, mp13_part(50, 1, 2))
a.send(5.007, True, mp13_part(50, 0, 3))           # complete: 7 ms
a.send(6.000, True, pin13(0x100, frame(64, 1), 200))  # buffered
a.send(6.0004, False, fmod13(60, NOBUF))           # no buffer: nothing
a.send(6.0008, False, fmod13(61, 0x100))           # 0.8 ms, by buffer_id
F = frame(100, 2)
a.send(6.100, True, pin13(NOBUF, F, 100))          # unbuffered
a.send(6.1005, False, pout13(62, NOBUF, frame(60, 3)))  # LLDP: nothing
a.send(6.1008, False, pout13(63, NOBUF, F + b"x" * 10))  # longer: no
F2 = F[:80] + bytes([F[80] ^ 0xff]) + F[81:]       # same length, same
a.send(6.1012, False, pout13(64, NOBUF, F2))       # 64 bytes: 1.2 ms
a.send(6.102, False, pout13(65, NOBUF, F))         # nothing pending
a.send(6.200, True, pin13(0x101, frame(64, 4), 300))
a.send(6.203, False, pout13(66, 0x101))            # 3 ms, by buffer_id
a.send(6.300, False, pout13(67, 0x999))            # orphan (packet_in)
a.send(7.000, True, pin13(NOBUF, frame(90, 5), 90))  # never answered
a.send(8.500, True, of(4, 3, 30))                  # 5.5 s: orphan
a.send(9.000, False, of(4, 20, 90))                # unanswered at the end
a.segment(9.500, True, b"", 0x10)

# Connection B, OpenFlow 1.0
b = Conn([10, 0, 0, 3], 40001, [10, 0, 0, 2], 6653, 0.400)
b.send(0.401, True, of(1, 0, 1))
b.send(0.4011, False, of(1, 0, 1))
b.send(0.500, False, of(1, 16, 7, struct.pack("!HH", 3, 0)),  # one segment:
       of(1, 18, 8))                               # stats + barrier
b.send(0.503, True, stats10_reply(7, 1))           # first part: 3 ms
b.send(0.509, True, stats10_reply(7, 0))           # complete: 9 ms
b.send(0.5097, True, of(1, 19, 8))                 # barrier 9.7 ms
G = frame(80, 6)
b.send(0.600, True, pin10(NOBUF, G, 80))
b.send(0.6004, False, pout10(70, NOBUF, G))        # 0.4 ms, by data
b.send(0.700, True, pin10(0x200, frame(64, 7), 300))
b.send(0.7021, False, pout10(71, 0x200))           # 2.1 ms, by buffer_id
b.send(0.900, False, of(1, 2, 5))                  # echo: exactly 5 s
b.send(1.000, False, of(1, 16, 9, struct.pack("!HH", 3, 0)))
b.send(1.001, True, stats10_reply(9, 1))           # first part: 1 ms
b.send(5.900, True, of(1, 3, 5))
b.send(6.500, True, stats10_reply(9, 0))           # complete after 5.5 s

frames.sort(key=lambda f: f[0])  # stable: each connection's order kept
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for t, fr in frames:
        out.write(struct.pack("<IIII", T0 + t // 10**6, t % 10**6, len(fr),
                              len(fr)) + fr)
EOF

# The truth of that capture (contract of issue 8), in ns.
cat >"$TMP/truth.json" <<'EOF'
{"latency": {
 "echo": {
  "controller": {"count": 4, "unreplied": 1, "error_replies": 0,
   "orphan_replies": 2, "min_ns": 1500000, "p50_ns": 3000000,
   "p90_ns": 5000000000, "p99_ns": 5000000000, "p999_ns": 5000000000,
   "max_ns": 5000000000, "mean_ns": 1252375000},
  "switch": {"count": 1, "unreplied": 0, "error_replies": 0,
   "orphan_replies": 0, "min_ns": 2500000, "p50_ns": 2500000,
   "p90_ns": 2500000, "p99_ns": 2500000, "p999_ns": 2500000,
   "max_ns": 2500000, "mean_ns": 2500000}},
 "features": {
  "controller": {"count": 1, "unreplied": 0, "error_replies": 0,
   "orphan_replies": 0, "min_ns": 500000, "p50_ns": 500000,
   "p90_ns": 500000, "p99_ns": 500000, "p999_ns": 500000,
   "max_ns": 500000, "mean_ns": 500000}},
 "barrier": {
  "controller": {"count": 1, "unreplied": 1, "error_replies": 1,
   "orphan_replies": 0, "min_ns": 9700000, "p50_ns": 9700000,
   "p90_ns": 9700000, "p99_ns": 9700000, "p999_ns": 9700000,
   "max_ns": 9700000, "mean_ns": 9700000}},
 "multipart": {
  "controller": {"count": 3, "unreplied": 0, "error_replies": 0,
   "orphan_replies": 0, "min_ns": 1000000, "p50_ns": 2000000,
   "p90_ns": 3000000, "p99_ns": 3000000, "p999_ns": 3000000,
   "max_ns": 3000000, "mean_ns": 2000000}},
 "multipart_complete": {
  "controller": {"count": 2, "unreplied": 1, "error_replies": 0,
   "orphan_replies": 0, "min_ns": 7000000, "p50_ns": 7000000,
   "p90_ns": 9000000, "p99_ns": 9000000, "p999_ns": 9000000,
   "max_ns": 9000000, "mean_ns": 8000000}},
 "packet_in": {
  "switch": {"count": 5, "unreplied": 1, "error_replies": 0,
   "orphan_replies": 1, "min_ns": 400000, "p50_ns": 1200000,
   "p90_ns": 3000000, "p99_ns": 3000000, "p999_ns": 3000000,
   "max_ns": 3000000, "mean_ns": 1500000,
   "matched_by_buffer_id": 3, "matched_by_data": 2}}
}}
EOF

# The oracle on the synthetic capture == the truth, exactly.
if ! $ORACLE "$TMP/synthetic.pcap" --of-port 6653 --json >"$TMP/synthetic.oracle.json" 2>"$TMP/synthetic.oracle.err"; then
	ko oracle_synthetic "oracle failed: $(head -1 "$TMP/synthetic.oracle.err")"
elif python3 - "$TMP/truth.json" "$TMP/synthetic.oracle.json" <<'EOF'; then
import json, sys
want = json.load(open(sys.argv[1]))["latency"]
got = json.load(open(sys.argv[2]))["latency"]
bad = 0
for kind in sorted(set(want) | set(got)):
    for side in sorted(set(want.get(kind, {})) | set(got.get(kind, {}))):
        w, g = want.get(kind, {}).get(side), got.get(kind, {}).get(side)
        for f in sorted(set(w or {}) | set(g or {})):
            wv, gv = (w or {}).get(f), (g or {}).get(f)
            if wv != gv:
                print("  %s/%s %s: oracle %s, truth %s" % (kind, side, f,
                                                         gv, wv))
                bad += 1
sys.exit(1 if bad else 0)
EOF
	ok oracle_synthetic
else
	ko oracle_synthetic "the oracle differs from the known truth"
fi

# The comparison accepts the truth and sees a changed value.
if $ORACLE "$TMP/synthetic.pcap" --of-port 6653 --compare "$TMP/truth.json" >"$TMP/cmp_same.out"; then
	ok oracle_compare_accepts
else
	cat "$TMP/cmp_same.out"
	ko oracle_compare_accepts "truth reported as different"
fi
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["latency"]["echo"]["controller"]["p90_ns"] = 4900000000 - 2000000
d["latency"]["packet_in"]["switch"]["matched_by_data"] = 1
json.dump(d, open(sys.argv[2], "w"))
' "$TMP/truth.json" "$TMP/changed.json"
echo '{"versions": {}}' >"$TMP/nolatency.json"
if $ORACLE "$TMP/synthetic.pcap" --of-port 6653 --compare "$TMP/changed.json" >"$TMP/cmp_changed.out" ||
	[ "$(grep -c 'DIFFERS' "$TMP/cmp_changed.out")" != 2 ]; then
	cat "$TMP/cmp_changed.out"
	ko oracle_compare_detects "want exit 1 and 2 differences"
elif $ORACLE "$TMP/synthetic.pcap" --of-port 6653 --compare "$TMP/nolatency.json" >"$TMP/cmp_none.out"; then
	ko oracle_compare_detects "no \"latency\" object accepted"
else
	ok oracle_compare_detects
fi

# latency NAME FILE PORTS [ORACLE_FLAG]: ofxdp read's "latency" == the
# oracle's (counters exactly, min/max within 1 us, percentiles and mean
# within 1 % + 1 us).
latency() {
	local name=$1 file=$2 ports=$3 flag=${4:-}
	if ! "$OFXDP" read "$file" --of-port "$ports" --json >"$TMP/$name.of.json" 2>"$TMP/$name.err"; then
		ko "latency_$name" "ofxdp read failed: $(head -1 "$TMP/$name.err")"
		return
	fi
	if $ORACLE "$file" --of-port "$ports" $flag --compare "$TMP/$name.of.json" >"$TMP/$name.cmp" 2>"$TMP/$name.cmp.err"; then
		ok "latency_$name ($(tail -1 "$TMP/$name.cmp" | sed 's/^[^:]*: //'))"
	else
		grep -E 'DIFFERS|no "latency"|cannot' "$TMP/$name.cmp"
		cat "$TMP/$name.cmp.err"
		ko "latency_$name" "differs from the tshark oracle"
	fi
}

latency synthetic "$TMP/synthetic.pcap" 6653
# The captures of tests/offline/run.sh, same ports and flags (the
# ericsson capture really lost segments: tshark must not wait for them).
latency of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633
latency of10_pf5240 $FIX/tcpdump-tests/of10_pf5240.pcap 6633
latency of10_s4810 $FIX/tcpdump-tests/of10_s4810.pcap 6633
latency of10_7050q_pcapng $FIX/tcpdump-tests/of10_7050q.pcapng 6633
latency of10_7050sx_bsn $FIX/tcpdump-tests/of10_7050sx_bsn.pcap 6653
latency of13_ericsson_lossy $FIX/tcpdump-tests/of13_ericsson.pcapng 6633 --lossy
latency ryu_replay_all_versions $FIX/ryu-replay/ryu-packet-data-replay.pcap 16692
latency malformed_oobr $FIX/tcpdump-tests/of10_7050sx_bsn-oobr.pcap 6653
# The other two malformed captures: ofxdp and tshark frame them
# differently (run.sh compares no counts there either): ofxdp must
# survive them and still print a "latency" object.
for f in of10_inv_OFPST_FLOW of10_inv_QUEUE_GET_CONFIG_REPLY; do
	if "$OFXDP" read "$FIX/tcpdump-tests/$f.pcap" --of-port 6653 --json >"$TMP/$f.json" 2>"$TMP/$f.err" &&
		python3 -c '
import json, sys
sys.exit(not isinstance(json.load(open(sys.argv[1])).get("latency"), dict))
' "$TMP/$f.json"; then
		ok "latency_malformed_$f (a \"latency\" object)"
	else
		ko "latency_malformed_$f" "no \"latency\" object or exit $? $(head -1 "$TMP/$f.err")"
	fi
done

summary
