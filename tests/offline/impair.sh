#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Offline impairing-path tests: clean third-party captures made impaired
# by tools/impair/pcap_impair.py (deterministic per seed: duplicated,
# reordered segments, losses repaired by later retransmissions, some
# repacketized over two segments, and around each FIN the last data
# segment after the FIN, retransmitted after the FIN or after the final
# ACK), then `ofxdp read --json` compared with tshark reassembling out of
# order (tools/tshark-ofcount.py: -o tcp.reassemble_out_of_order:TRUE):
# per version, direction and type (messages, bytes), per subtype, per
# connection and TCP segments with payload per direction, exact (1.1 and
# 1.2, which tshark does not dissect, are left out as in run.sh). The
# impairments of all seeds of a capture must include every kind the
# capture allows (so the cases cannot pass on a clean copy).
# No root needed. Prints one line per case and "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
OFXDP=${OFXDP:-./ofxdp}
FIX=tests/fixtures
IMPAIR=tools/impair/pcap_impair.py
SEEDS=${IMPAIR_SEEDS:-1 2 3 4}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib.sh
. tests/lib.sh

command -v tshark >/dev/null || {
	echo "tshark is missing (make deps)"
	exit 2
}

# impaired NAME FILE PORT KINDS - for each seed: impair FILE, compare
# ofxdp with tshark (types, then connections); then check that the seeds
# together applied each of KINDS (comma-separated pcap_impair.py counts).
impaired() {
	local name=$1 file=$2 port=$3 kinds=$4 seed c what
	for seed in $SEEDS; do
		c="${name}_seed$seed"
		if ! $IMPAIR "$file" "$TMP/$c.pcap" --seed "$seed" --dup 5 \
			--reorder 5 --late 5 --merge 5 --fin 100 >"$TMP/$c.imp" 2>"$TMP/$c.imp.err"; then
			ko "$c" "pcap_impair.py failed: $(head -1 "$TMP/$c.imp.err")"
			continue
		fi
		if ! "$OFXDP" read "$TMP/$c.pcap" --of-port "$port" --json \
			>"$TMP/$c.of.json" 2>"$TMP/$c.err"; then
			ko "$c" "ofxdp read failed: $(head -1 "$TMP/$c.err")"
			continue
		fi
		if ! tools/tshark-ofcount.py "$TMP/$c.pcap" "$port" --connections \
			>"$TMP/$c.ts.json"; then
			ko "$c" "tshark failed"
			continue
		fi
		local bad=0 summary=""
		for what in types subtypes connections; do
			local flag=""
			[ "$what" = types ] || flag="--no-types --$what"
			# shellcheck disable=SC2086 # flag: zero or two words
			if ! tools/ofcompare.py "$TMP/$c.ts.json" "$TMP/$c.of.json" $flag \
				--versions 1.0,1.3,1.4,1.5 --label "$c" >"$TMP/$c.$what.cmp"; then
				cat "$TMP/$c.$what.cmp"
				bad=1
			fi
			summary="$summary$(tail -1 "$TMP/$c.$what.cmp" | sed 's/^[^:]*: //'); "
		done
		# TCP segments with payload and their bytes per direction (every
		# copy on the wire, retransmissions after the close too) against
		# the tshark fields of the same frames; "in" = sent by a switch
		# endpoint of the oracle's connections.
		tshark -r "$TMP/$c.pcap" -Y "tcp.len > 0 && tcp.port == $port" -T fields \
			-e ip.src -e ipv6.src -e tcp.srcport -e tcp.len 2>/dev/null >"$TMP/$c.segs"
		if ! python3 -c '
import json, sys
ts = json.load(open(sys.argv[1]))
of = json.load(open(sys.argv[2]))["tcp"]
sw = {c["switch"] for c in ts.get("connections", [])}
want = {"in": [0, 0], "out": [0, 0]}
for line in open(sys.argv[3]):
    v4, v6, sport, n = line.rstrip("\n").split("\t")
    src = ("[%s]:%s" % (v6, sport)) if v6 else "%s:%s" % (v4, sport)
    w = want["in" if src in sw else "out"]
    w[0] += 1
    w[1] += int(n)
got = {d: [of[d]["segments"], of[d]["bytes"]] for d in ("in", "out")}
print("tcp segments/bytes: ofxdp %s, tshark %s" % (got, want))
sys.exit(got != want)' "$TMP/$c.ts.json" "$TMP/$c.of.json" "$TMP/$c.segs" >"$TMP/$c.tcp.cmp"; then
			cat "$TMP/$c.tcp.cmp"
			bad=1
		fi
		if [ "$bad" = 0 ]; then
			ok "$c ($(cat "$TMP/$c.imp"); $summary$(cat "$TMP/$c.tcp.cmp"))"
		else
			ko "$c" "counts differ from tshark (impairments $(cat "$TMP/$c.imp"))"
		fi
	done
	local missing
	missing=$(cat "$TMP/$name"_seed*.imp | python3 -c '
import json, sys
tot = {}
for line in sys.stdin:
    for k, v in json.loads(line).items():
        tot[k] = tot.get(k, 0) + v
print(" ".join(k for k in sys.argv[1].split(",") if not tot.get(k)))' "$kinds")
	if [ -z "$missing" ]; then
		ok "${name}_impaired (every seed together: $kinds)"
	else
		ko "${name}_impaired" "no $missing over seeds $SEEDS"
	fi
}

ALL=dup,reorder,late,merge,fin_reorder,fin_retrans,final_ack_retrans
impaired of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633 dup,late,merge,fin_retrans,final_ack_retrans
impaired of10_pf5240 $FIX/tcpdump-tests/of10_pf5240.pcap 6633 dup,merge,fin_reorder,fin_retrans,final_ack_retrans
impaired of10_s4810 $FIX/tcpdump-tests/of10_s4810.pcap 6633 $ALL
impaired ryu_replay $FIX/ryu-replay/ryu-packet-data-replay.pcap 16692 $ALL
# no FIN in this one: duplicates, reordering, retransmissions
impaired of10_7050sx_bsn $FIX/tcpdump-tests/of10_7050sx_bsn.pcap 6653 dup,reorder,late,merge

summary
