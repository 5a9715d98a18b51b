#!/usr/bin/env bash
# Offline tests of `ofxdp watch -r`: its lines against tshark's dissection
# of the same captures (every message one line, per version, direction,
# type and subtype); each filter selects exactly what tshark counts for
# the same condition; -w writes files that tshark and `ofxdp read` dissect
# into the same counts as the lines of the same filter; the frame filter
# (--inner) against tshark's dissection of the frames a -w file carries.
# No root needed. Prints one line per case and "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/offline/lib.sh
. tests/offline/lib.sh

# watch_counts OUT FILE PORTS [WATCH ARGS...]: the lines' counts to OUT
watch_counts() {
	local out=$1 file=$2 ports=$3
	shift 3
	"$OFXDP" watch -r "$file" -p "$ports" --json "$@" 2>"$out.err" |
		tools/watch-count.py >"$out"
}

# py EXPR FILES...: EXPR (python; docs as d[0], d[1], ...) printed
py() {
	python3 -c 'import json,sys
d = [json.load(open(f)) for f in sys.argv[2:]]
print(eval(sys.argv[1]))' "$@"
}

# Sum of msgs in a "versions" document (tshark's or watch-count's), of
# the versions given, matching a predicate on (dir, type, subtype).
SUM='lambda doc, vers, pred: sum(
 (s["msgs"] for v, vd in doc.get("versions", doc).items() if v in vers
  for dr, td in vd.items() if dr in ("in", "out")
  for t, c in td.items() if t.startswith("OFPT_")
  for s in ([c] if pred(dr, t, None) else [])))'

# all NAME FILE PORTS VERSIONS: every message one line, like tshark
all_lines() {
	local name=$1 file=$2 ports=$3 versions=$4
	watch_counts "$TMP/$name.w.json" "$file" "$ports"
	tools/tshark-ofcount.py "$file" "$ports" >"$TMP/$name.ts.json" || {
		ko "watch_all_$name" "tshark failed"
		return
	}
	if tools/ofcompare.py "$TMP/$name.ts.json" "$TMP/$name.w.json" \
		--subtypes --versions "$versions" >"$TMP/$name.cmp"; then
		ok "watch_all_$name ($(tail -2 "$TMP/$name.cmp" | head -1 | sed 's/.*: ofxdp/lines/'))"
	else
		cat "$TMP/$name.cmp"
		ko "watch_all_$name" "lines differ from tshark"
	fi
}

# filters NAME FILE PORTS VERSIONS: --type T for every type tshark saw,
# --direction, --subtype for every subtype: each equal to tshark's count
filters() {
	local name=$1 file=$2 ports=$3 versions=$4 bad=0 n=0 t d s want got
	local ts="$TMP/$name.ts.json"
	for t in $(py 'sorted({t[5:] for v, vd in d[0].items() if v in "'"$versions"'".split(",") for dr in ("in","out") for t in vd.get(dr, {})})' "$ts" | tr -d "[]',"); do
		want=$(py "($SUM)(d[0], '$versions'.split(','), lambda dr, ty, s: ty == 'OFPT_$t')" "$ts")
		watch_counts "$TMP/f.json" "$file" "$ports" --type "$t" --of-version "$versions"
		got=$(py 'd[0]["lines"]' "$TMP/f.json")
		n=$((n + 1))
		[ "$got" = "$want" ] || { echo "  --type $t: watch $got, tshark $want"; bad=1; }
	done
	for d in in out; do
		want=$(py "($SUM)(d[0], '$versions'.split(','), lambda dr, ty, s: dr == '$d')" "$ts")
		watch_counts "$TMP/f.json" "$file" "$ports" --direction $d --of-version "$versions"
		got=$(py 'd[0]["lines"]' "$TMP/f.json")
		n=$((n + 1))
		[ "$got" = "$want" ] || { echo "  --direction $d: watch $got, tshark $want"; bad=1; }
	done
	for s in $(py 'sorted({s for v, vd in d[0].items() if v in "'"$versions"'".split(",") for dr in ("in","out") for c in vd.get(dr, {}).values() for s in c.get("subtypes", {})})' "$ts" | tr -d "[]',"); do
		want=$(py 'sum(c["subtypes"][sys.argv[1]]["msgs"] for v, vd in d[0].items() if v in "'"$versions"'".split(",") for dr in ("in","out") for c in vd.get(dr, {}).values() if sys.argv[1] in c.get("subtypes", {}))' "$s" "$ts" 2>/dev/null ||
			python3 -c 'import json,sys
d = json.load(open(sys.argv[2]))
print(sum(c["subtypes"][sys.argv[1]]["msgs"] for v, vd in d.items() if v in sys.argv[3].split(",") for dr in ("in","out") for c in vd.get(dr, {}).values() if sys.argv[1] in c.get("subtypes", {})))' "$s" "$ts" "$versions")
		watch_counts "$TMP/f.json" "$file" "$ports" --subtype "$s" --of-version "$versions"
		got=$(py 'd[0]["lines"]' "$TMP/f.json")
		n=$((n + 1))
		[ "$got" = "$want" ] || { echo "  --subtype $s: watch $got, tshark $want"; bad=1; }
	done
	if [ $bad = 0 ] && [ $n -gt 2 ]; then
		ok "watch_filters_$name ($n filters, each equal to tshark's count)"
	else
		ko "watch_filters_$name" "a filter's count differs from tshark's (or none tried)"
	fi
}

# write NAME FILE PORTS VERSIONS [FILTER...]: -w, then tshark and
# `ofxdp read` on the file count what the lines of the same filter count
write_back() {
	local name=$1 file=$2 ports=$3 versions=$4
	shift 4
	watch_counts "$TMP/$name.lines.json" "$file" "$ports" "$@"
	if ! "$OFXDP" watch -r "$file" -p "$ports" "$@" -w "$TMP/$name.pcap" 2>"$TMP/$name.werr"; then
		ko "watch_write_$name" "watch -w failed: $(head -1 "$TMP/$name.werr")"
		return
	fi
	tools/tshark-ofcount.py "$TMP/$name.pcap" "$ports" >"$TMP/$name.back.ts.json" &&
		"$OFXDP" read "$TMP/$name.pcap" -p "$ports" --json >"$TMP/$name.back.of.json" || {
		ko "watch_write_$name" "re-reading the file failed"
		return
	}
	if tools/ofcompare.py "$TMP/$name.back.ts.json" "$TMP/$name.lines.json" \
		--subtypes --versions "$versions" >"$TMP/$name.c1" &&
		tools/ofcompare.py "$TMP/$name.back.ts.json" "$TMP/$name.back.of.json" \
			--subtypes --versions "$versions" >"$TMP/$name.c2" &&
		grep -q "not written: 0 not whole, 0 write errors" "$TMP/$name.werr"; then
		ok "watch_write_$name ($(tail -2 "$TMP/$name.c1" | head -1 | sed 's/.*: ofxdp/lines/'); $(tail -1 "$TMP/$name.werr"))"
	else
		cat "$TMP/$name.c1" "$TMP/$name.c2" "$TMP/$name.werr"
		ko "watch_write_$name" "the written file does not dissect into the lines' counts"
	fi
}

R=$FIX/ryu-replay/ryu-packet-data-replay.pcap
all_lines of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633 1.0
all_lines of10_s4810 $FIX/tcpdump-tests/of10_s4810.pcap 6633 1.0
all_lines of10_7050q_pcapng $FIX/tcpdump-tests/of10_7050q.pcapng 6633 1.0
all_lines ryu_replay $R 16692 1.0,1.3,1.4,1.5
filters of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633 1.0
filters ryu_replay $R 16692 1.0,1.3,1.4,1.5
write_back all_ryu_replay $R 16692 1.0,1.3,1.4,1.5
write_back pin_pout_fmod_ryu_replay $R 16692 1.0,1.3,1.4,1.5 \
	--type PACKET_IN,PACKET_OUT,FLOW_MOD
write_back of10_p3295 $FIX/tcpdump-tests/of10_p3295.pcap 6633 1.0
# (its FEATURES_REPLY spans segments: written whole)

# --inner: tshark dissects the frames the PACKET_IN/PACKET_OUTs of a -w
# file carry (raw IP: every Ethernet header in it is the frame one message
# carries); --inner must take exactly as many messages as tshark finds
# carried frames that are ARP, or from/to a MAC. (Versions tshark
# dissects: not 1.2.)
V=(--of-version 1.0,1.3,1.4,1.5)
"$OFXDP" watch -r "$R" -p 16692 --type PACKET_IN,PACKET_OUT "${V[@]}" -w "$TMP/pio.pcap" 2>/dev/null
# inner_oracle MAC: "messages ARP MAC" per tshark
inner_oracle() {
	tshark -r "$TMP/pio.pcap" -d tcp.port==16692,openflow -T fields \
		-E occurrence=a -E aggregator=, -E separator='|' \
		-e openflow_1_0.type -e openflow_v4.type -e openflow_v5.type \
		-e openflow_v6.type -e eth.type -e eth.src -e eth.dst 2>/dev/null |
		python3 -c '
import sys
mac = sys.argv[1]
n = arp = withmac = 0
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    types = [t for t in ",".join(f[0:4]).split(",") if t]
    et, src, dst = (x.split(",") if x else [] for x in f[4:7])
    n += sum(t in ("10", "13") for t in types)
    arp += sum(e == "0x0806" for e in et)
    withmac += sum(mac in (s, d) for s, d in zip(src, dst))
print(n, arp, withmac)' "$1"
}
mac=f2:0b:a4:7d:f8:ea
read -r total want_arp want_mac < <(inner_oracle "$mac")
got=$("$OFXDP" watch -r "$R" -p 16692 --type PACKET_IN,PACKET_OUT "${V[@]}" --inner arp 2>/dev/null | wc -l)
if [ "${want_arp:-0}" -gt 0 ] && [ "$want_arp" -lt "$total" ] && [ "$got" = "$want_arp" ]; then
	ok "watch_inner_arp ($got of $total PACKET_IN/PACKET_OUT carry ARP, as tshark dissects them)"
else
	ko "watch_inner_arp" "watch $got, tshark ${want_arp:-?} of ${total:-?}"
fi
got=$("$OFXDP" watch -r "$R" -p 16692 --type PACKET_IN,PACKET_OUT "${V[@]}" --inner "ether host $mac" 2>/dev/null | wc -l)
if [ "${want_mac:-0}" -gt 0 ] && [ "$got" = "$want_mac" ]; then
	ok "watch_inner_mac ($got carry $mac, as tshark dissects them)"
else
	ko "watch_inner_mac" "watch $got, tshark ${want_mac:-?}"
fi

summary
