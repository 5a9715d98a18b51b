#!/usr/bin/env bash
# Offline tests: `ofxdp read` on real third-party captures, compared with
# tshark's OpenFlow dissection of the same files (per version, type,
# direction: messages and bytes; per subtype; per connection: in/out
# messages and bytes, datapath_id; per switch: in/out, per type and
# subtype), and survival of malformed captures.
# No root needed. Prints one line per case and "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/offline/lib.sh
. tests/offline/lib.sh

if ! command -v tshark >/dev/null; then
	echo "tshark is missing (make deps)"
	exit 2
fi

# compare NAME FILE PORTS [VERSIONS [TSHARK_FLAG]]: ofxdp read == tshark
compare() {
	local name=$1 file=$2 ports=$3 versions=${4:-1.0,1.3,1.4,1.5} flag=${5:-}
	if ! "$OFXDP" read "$file" --of-port "$ports" --json >"$TMP/$name.of.json" 2>"$TMP/$name.err"; then
		ko "$name" "ofxdp read failed: $(head -1 "$TMP/$name.err")"
		return
	fi
	tools/tshark-ofcount.py "$file" "$ports" $flag >"$TMP/$name.ts.json" || {
		ko "$name" "tshark failed"
		return
	}
	if tools/ofcompare.py "$TMP/$name.ts.json" "$TMP/$name.of.json" \
		--versions "$versions" --label "$name" >"$TMP/$name.cmp"; then
		ok "$name ($(tail -1 "$TMP/$name.cmp" | sed 's/.*: total/total/'))"
	else
		cat "$TMP/$name.cmp"
		ko "$name" "counts differ from tshark"
	fi
}

# compare_detail NAME FILE PORTS [VERSIONS [TSHARK_FLAG]]: three cases,
# NAME_subtypes (ofxdp read == tshark per version, direction, type and
# subtype), NAME_connections (per TCP connection, matched by the switch
# and controller endpoints: in/out messages and bytes, datapath_id) and
# NAME_switches (ofxdp's "switches" == tshark's connections grouped by
# datapath_id, else switch address: in/out totals, per version, direction,
# type and subtype).
compare_detail() {
	local name=$1 file=$2 ports=$3 versions=${4:-1.0,1.3,1.4,1.5} flag=${5:-} what
	if ! "$OFXDP" read "$file" --of-port "$ports" --json >"$TMP/$name.d.of.json" 2>"$TMP/$name.d.err"; then
		for what in subtypes connections switches; do
			ko "${name}_$what" "ofxdp read failed: $(head -1 "$TMP/$name.d.err")"
		done
		return
	fi
	if ! tools/tshark-ofcount.py "$file" "$ports" --connections $flag >"$TMP/$name.d.ts.json"; then
		for what in subtypes connections switches; do
			ko "${name}_$what" "tshark failed"
		done
		return
	fi
	for what in subtypes connections switches; do
		if tools/ofcompare.py "$TMP/$name.d.ts.json" "$TMP/$name.d.of.json" \
			--no-types --$what --versions "$versions" --label "${name}_$what" \
			>"$TMP/${name}_$what.cmp"; then
			ok "${name}_$what ($(tail -1 "$TMP/${name}_$what.cmp" | sed 's/^[^:]*: //'))"
		else
			cat "$TMP/${name}_$what.cmp"
			ko "${name}_$what" "$what differ from tshark"
		fi
	done
}

compare of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633
compare of10_pf5240 $FIX/tcpdump-tests/of10_pf5240.pcap 6633
compare of10_s4810 $FIX/tcpdump-tests/of10_s4810.pcap 6633
compare of10_7050q_pcapng $FIX/tcpdump-tests/of10_7050q.pcapng 6633
compare of10_7050sx_bsn $FIX/tcpdump-tests/of10_7050sx_bsn.pcap 6653
compare of13_ericsson_lossy $FIX/tcpdump-tests/of13_ericsson.pcapng 6633 \
	1.0,1.3,1.4,1.5 --lossy
compare ryu_replay_all_versions $FIX/ryu-replay/ryu-packet-data-replay.pcap 16692

# Subtypes and connections of the same captures. Directions follow the
# connection's roles (switch/controller, decided by message types) for
# ofxdp and the tshark oracle alike. The ericsson capture really lost
# segments: tshark must not wait for them (--lossy), as above.
compare_detail of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633
compare_detail of10_pf5240 $FIX/tcpdump-tests/of10_pf5240.pcap 6633
compare_detail of10_s4810 $FIX/tcpdump-tests/of10_s4810.pcap 6633
compare_detail of10_7050q_pcapng $FIX/tcpdump-tests/of10_7050q.pcapng 6633
compare_detail of10_7050sx_bsn $FIX/tcpdump-tests/of10_7050sx_bsn.pcap 6653
compare_detail of13_ericsson_lossy $FIX/tcpdump-tests/of13_ericsson.pcapng 6633 \
	1.0,1.3,1.4,1.5 --lossy
# The OpenFlow 1.2 connection: tshark does not dissect it, so only its
# presence is checked (tools/ofcompare.py: undissected_versions).
compare_detail ryu_replay_all_versions $FIX/ryu-replay/ryu-packet-data-replay.pcap 16692

# OpenFlow 1.2: tshark has no dissector; every .packet file of 1.2 was sent
# twice, so ofxdp must count exactly twice the number of files.
want=$(($(ls $FIX/ryu-packet_data/of12/*.packet | wc -l) * 2))
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["versions"].get("1.2", {})
print(sum(c["msgs"] for dr in ("in", "out") for c in d.get(dr, {}).values()))
' "$TMP/ryu_replay_all_versions.of.json" 2>/dev/null)
if [ "$got" = "$want" ]; then
	ok "ryu_replay_of12 ($got messages)"
else
	ko "ryu_replay_of12" "ofxdp counted ${got:-nothing}, want $want"
fi

# Malformed captures: exit 0, no crash, and the countable part counted.
for f in of10_7050sx_bsn-oobr of10_inv_OFPST_FLOW of10_inv_QUEUE_GET_CONFIG_REPLY; do
	if "$OFXDP" read "$FIX/tcpdump-tests/$f.pcap" --of-port 6653 --json >"$TMP/$f.json" 2>"$TMP/$f.err" &&
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/$f.json"; then
		ok "malformed_$f"
	else
		ko "malformed_$f" "exit $? $(head -1 "$TMP/$f.err")"
	fi
done
compare oobr_vendor_counted $FIX/tcpdump-tests/of10_7050sx_bsn-oobr.pcap 6653
compare_detail oobr_vendor_counted $FIX/tcpdump-tests/of10_7050sx_bsn-oobr.pcap 6653

# Out-of-order flood: 640 connections x 4096 one-byte segments behind
# holes that capture time never expires; the memory the queues really hold
# stays under the out-of-order cap (peak RSS vs a control run).
out=$(python3 tests/offline/ooo_flood.py "$OFXDP" 2>&1)
case $? in
0) ok "read_ooo_flood_memory ($out)" ;;
77) echo "SKIP read_ooo_flood_memory: $out" ;;
*) ko "read_ooo_flood_memory" "$(echo "$out" | tr '\n' ' ')" ;;
esac

# A missing file is one clear error and a non-zero exit.
if "$OFXDP" read "$TMP/nonexistent.pcap" >/dev/null 2>"$TMP/missing.err"; then
	ko "read_missing_file" "exit 0"
elif [ "$(wc -l <"$TMP/missing.err")" -ne 1 ]; then
	ko "read_missing_file" "want one line, got: $(cat "$TMP/missing.err")"
else
	ok "read_missing_file"
fi

summary
