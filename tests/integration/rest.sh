# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# rest_* and privdrop_* integration cases (sourced by
# tests/integration/run.sh, which provides fail, note, py, rest_get,
# start_ofxdp/stop_ofxdp, start_tcpdump/stop_tcpdump, wait_rest_stable,
# compare_all, setup_ovs, bpf_attached, OF_PORT, REST_PORT, W).
#
# rest_security: a live ofxdp with REST over TLS (a self-signed certificate
#   made here) and a bearer token: 401 without the token, the certificate
#   verified by curl, plain HTTP refused, no CORS header, GET/HEAD /stop and
#   a cross-origin POST refused, POST /stop ending ofxdp with nothing left
#   attached; then --rest-cors answering that one origin.
# rest_slow_clients: 400 slow connections trickling a header line (from
#   another address every 4 s, from the real clients' own address every
#   2 s) while 20 curl requests must each succeed within 3 s, and the
#   OpenFlow traffic of the same minute is counted exactly (tshark oracle).
# privdrop_tc, privdrop_pcap, privdrop_clsact: `attach --user nobody`
#   runs as nobody with no capabilities (clsact, where detaching needs it:
#   CAP_NET_ADMIN permitted only), counts exactly, and leaves nothing
#   attached at exit.

SLOW_CLIENTS="$ROOT/tests/integration/slow_clients.py"

# https_code PATH [CURL_ARGS...] - the HTTP status of GET PATH over TLS
# (certificate $W/cert.pem verified), "000" if no HTTP answer.
https_code() {
	local path=$1
	shift
	nl_c curl -s -o /dev/null -w "%{http_code}" --max-time 3 \
		--cacert "$W/cert.pem" "$@" "https://127.0.0.1:$REST_PORT$path"
}

# alive - ofxdp still runs.
alive() { kill -0 "$OFX_PID" 2>/dev/null; }

# tls_up - REST over TLS answers 401 (no token given), or ofxdp is gone.
tls_up() { [ "$(https_code /get_of_counts)" = 401 ] || ! alive; }

case_rest_security() {
	local auth code tok
	nl_topology || fail "topology setup failed"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$W/key.pem" -out "$W/cert.pem" 2>"$W/openssl.err" ||
		fail "openssl: $(head -1 "$W/openssl.err")"
	chmod 600 "$W/key.pem"
	head -c 32 /dev/urandom | base64 >"$W/token"
	chmod 600 "$W/token"
	tok=$(cat "$W/token")
	auth="Authorization: Bearer $tok"

	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --mode tc --of-port "$OF_PORT" \
		--rest "127.0.0.1:$REST_PORT" --server --rest-token "$W/token" \
		--rest-tls-cert "$W/cert.pem" --rest-tls-key "$W/key.pem" >"$W/ofxdp.out" 2>&1 &
	OFX_PID=$!
	nl_track_pid "$OFX_PID"
	nl_wait_for 15 tls_up && alive ||
		fail "REST over TLS did not answer: $(head -2 "$W/ofxdp.out" | tr '\n' '|')"
	note "ofxdp: $(grep " mode: " "$W/ofxdp.out")"
	grep -q "REST on 127.0.0.1:$REST_PORT (HTTPS)$" "$W/ofxdp.out" || fail "no '(HTTPS)' in: $(cat "$W/ofxdp.out")"
	grep -q "warning" "$W/ofxdp.out" && fail "a warning on loopback: $(grep warning "$W/ofxdp.out")"

	# Without the token, or with a wrong one: 401 and the challenge.
	nl_c curl -s -D "$W/h401.txt" -o /dev/null --max-time 3 --cacert "$W/cert.pem" \
		"https://127.0.0.1:$REST_PORT/api/v1/stats"
	grep -qi "^HTTP/1.1 401" "$W/h401.txt" || fail "no 401 without token: $(head -1 "$W/h401.txt")"
	grep -qi '^WWW-Authenticate: Bearer realm="ofxdp"' "$W/h401.txt" || fail "no WWW-Authenticate"
	code=$(https_code /get_of_counts -H "Authorization: Bearer x${tok:1}")
	[ "$code" = 401 ] || fail "wrong token: HTTP $code"
	# With it, over a verified TLS connection: the document, no CORS header.
	nl_c curl -sf -D "$W/h200.txt" -o "$W/tot.json" --max-time 3 --cacert "$W/cert.pem" \
		-H "$auth" "https://127.0.0.1:$REST_PORT/get_of_counts" ||
		fail "GET with token over verified TLS failed"
	py 'import json, sys; d = json.load(open(sys.argv[1])); assert "OF_in_counts" in d' "$W/tot.json" ||
		fail "no counts document: $(cat "$W/tot.json")"
	grep -qi "^Access-Control-Allow-Origin" "$W/h200.txt" && fail "CORS header without --rest-cors"
	# Plain HTTP to the TLS port gets no HTTP answer.
	code=$(nl_c curl -s -o /dev/null -w "%{http_code}" --max-time 3 -H "$auth" \
		"http://127.0.0.1:$REST_PORT/get_of_counts")
	[ "$code" != 200 ] || fail "plain HTTP answered 200 on the TLS port"
	note "TLS: verified, 401 without/with a wrong token, 200 with it, plain HTTP: $code"

	# Nothing that stops answers GET or HEAD; a browser of another origin
	# cannot POST it.
	code=$(https_code /stop -H "$auth")
	[ "$code" = 405 ] || fail "GET /stop: HTTP $code, want 405"
	code=$(https_code /stop -H "$auth" -I)
	[ "$code" = 405 ] || fail "HEAD /stop: HTTP $code, want 405"
	code=$(https_code /stop -H "$auth" -X POST -H "Origin: http://evil.example")
	[ "$code" = 403 ] || fail "cross-origin POST /stop: HTTP $code, want 403"
	code=$(https_code /stop -X POST)
	[ "$code" = 401 ] || fail "POST /stop without token: HTTP $code, want 401"
	sleep 0.5
	alive || fail "ofxdp stopped by a refused request"
	note "GET/HEAD /stop 405, cross-origin POST 403, tokenless POST 401; still running"
	code=$(https_code /stop -H "$auth" -X POST)
	[ "$code" = 200 ] || fail "POST /stop: HTTP $code"
	nl_wait_for 5 nl_not alive || fail "POST /stop did not end ofxdp within 5 s"
	wait "$OFX_PID" || fail "ofxdp exited with $? after POST /stop"
	[ -z "$(bpf_attached)" ] || fail "programs left after POST /stop"

	# --rest-cors: that origin in the replies, a preflight for it.
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --mode tc --of-port "$OF_PORT" \
		--rest "127.0.0.1:$REST_PORT" --server --rest-cors http://localhost:3000 \
		>"$W/ofxdp2.out" 2>&1 &
	OFX_PID=$!
	nl_track_pid "$OFX_PID"
	nl_wait_for 15 rest_get /get_of_counts >/dev/null || fail "REST did not answer"
	nl_c curl -s -D "$W/hcors.txt" -o /dev/null --max-time 3 -H "Origin: http://localhost:3000" \
		"http://127.0.0.1:$REST_PORT/api/v1/stats"
	grep -qi "^Access-Control-Allow-Origin: http://localhost:3000" "$W/hcors.txt" ||
		fail "no CORS header for the configured origin: $(tr -d '\r' <"$W/hcors.txt" | tr '\n' '|')"
	nl_c curl -s -D "$W/hpre.txt" -o /dev/null --max-time 3 -X OPTIONS \
		-H "Origin: http://localhost:3000" -H "Access-Control-Request-Method: POST" \
		"http://127.0.0.1:$REST_PORT/stop"
	grep -qi "^Access-Control-Allow-Methods: POST" "$W/hpre.txt" || fail "no preflight answer"
	note "CORS: $(grep -i "^Access-Control-Allow-Origin" "$W/hcors.txt" | tr -d '\r')"
	stop_ofxdp
}

case_rest_slow_clients() {
	local out ping_pid
	setup_ovs 1.3
	start_ofxdp tc "$OF_PORT"
	start_tcpdump "$OF_PORT"
	nl_connect 1000 || fail "switch did not connect"
	# OpenFlow traffic all along (PACKET_IN/OUT), counted at the end.
	nl_ping 60 0.3 >"$W/ping.out" 2>&1 &
	ping_pid=$!
	nl_track_pid "$ping_pid"
	out=$(nl_c python3 "$SLOW_CLIENTS" 127.0.0.1 "$REST_PORT" --slow 400 \
		--slow-src 127.0.0.2 --period 4 --real 20 --max-time 3)
	note "$out"
	grep -q "real: 20/20 ok" <<<"$out" || fail "slow clients from another address: $out"
	out=$(nl_c python3 "$SLOW_CLIENTS" 127.0.0.1 "$REST_PORT" --slow 400 \
		--slow-src 127.0.0.1 --period 2 --real 20 --max-time 3)
	note "$out"
	grep -q "real: 20/20 ok" <<<"$out" || fail "slow clients from the same address: $out"
	wait "$ping_pid" || fail "data-plane traffic failed: $(tail -2 "$W/ping.out")"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$OF_PORT" 1.3 1
	require_ts "$W/ts.json" 1.3 in OFPT_PACKET_IN 20
	stop_ofxdp
}

# proc_field PID NAME - a field of /proc/PID/status (tabs squeezed).
proc_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '
}

# case_privdrop MODE - attach --user nobody: identity and capabilities
# once attached, exact counts, clean detach. MODE clsact: tc with clsact
# filters (OFXDP_FORCE_CLSACT=1), whose detach needs CAP_NET_ADMIN.
case_privdrop() {
	local mode=$1 want_prm=0000000000000000 nobody uid gid out
	nobody=$(id -u nobody) && gid=$(id -g nobody) || skip "no user nobody"
	setup_ovs 1.3
	if [ "$mode" = clsact ]; then
		want_prm=0000000000001000 # CAP_NET_ADMIN (12), for the detach
		OFXDP_FORCE_CLSACT=1 start_ofxdp tc "$OF_PORT" --user nobody
	else
		start_ofxdp "$mode" "$OF_PORT" --user nobody
	fi
	note "ofxdp: $(head -1 "$W/ofxdp.out")"
	grep -q "^ofxdp: running as user nobody: uid $nobody, gid $gid, " "$W/ofxdp.out" ||
		fail "no 'running as user nobody' line: $(head -1 "$W/ofxdp.out")"
	uid=$(proc_field "$OFX_PID" Uid)
	note "/proc/$OFX_PID/status: Uid $uid; Gid $(proc_field "$OFX_PID" Gid);" \
		"Groups '$(proc_field "$OFX_PID" Groups)'; CapEff $(proc_field "$OFX_PID" CapEff);" \
		"CapPrm $(proc_field "$OFX_PID" CapPrm); CapBnd $(proc_field "$OFX_PID" CapBnd);" \
		"CapAmb $(proc_field "$OFX_PID" CapAmb); NoNewPrivs $(proc_field "$OFX_PID" NoNewPrivs)"
	[ "$uid" = "$nobody $nobody $nobody $nobody" ] || fail "Uid: $uid"
	[ "$(proc_field "$OFX_PID" Gid)" = "$gid $gid $gid $gid" ] || fail "Gid wrong"
	[ -z "$(proc_field "$OFX_PID" Groups)" ] || fail "supplementary groups left"
	[ "$(proc_field "$OFX_PID" CapEff)" = 0000000000000000 ] || fail "CapEff not empty"
	[ "$(proc_field "$OFX_PID" CapPrm)" = "$want_prm" ] ||
		fail "CapPrm $(proc_field "$OFX_PID" CapPrm), want $want_prm"
	[ "$(proc_field "$OFX_PID" CapBnd)" = 0000000000000000 ] || fail "CapBnd not empty"
	[ "$(proc_field "$OFX_PID" CapAmb)" = 0000000000000000 ] || fail "CapAmb not empty"
	[ "$(proc_field "$OFX_PID" NoNewPrivs)" = 1 ] || fail "no_new_privs not set"

	# Counting goes on as nobody: exact against tshark.
	start_tcpdump "$OF_PORT"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	stop_tcpdump
	wait_rest_stable
	compare_all "$W/cap.pcap" "$OF_PORT" 1.3 1
	require_ts "$W/ts.json" 1.3 in OFPT_PACKET_IN 20
	# kernel counters too (bpf(2) on map fds without CAP_BPF)
	if [ "$mode" != pcap ]; then
		rest_get /api/v1/stats | py 'import json, sys
k = json.load(sys.stdin)["loss"]["kernel"]
assert k["segs_in"] > 0 and k["segs_out"] > 0, k' ||
			fail "kernel counters not read as nobody"
	fi

	# Exit: SIGTERM, status 0, nothing attached.
	stop_ofxdp
	[ -z "$(bpf_attached)" ] || fail "programs left after exit: $(bpf_attached | tr '\n' ' ')"
	out=$(nl_c tc filter show dev "$NL_VETH_C" ingress; nl_c tc filter show dev "$NL_VETH_C" egress)
	[ -z "$out" ] || fail "tc filters left: $out"
	nl_c tc qdisc show dev "$NL_VETH_C" | grep -q clsact && fail "clsact qdisc left"
	# (ofxdp status IFACE also lists links of other namespaces whose
	# interface has the same ifindex: look for this process's only.)
	out=$(ip netns exec "$NL_NS_C" "$OFXDP" status "$NL_VETH_C" 2>&1)
	grep -q "ofxdp\[$OFX_PID\]" <<<"$out" && fail "ofxdp status after exit: $out"
	note "after exit: nothing attached (bpftool net, tc, no link held by ofxdp[$OFX_PID])"
}
