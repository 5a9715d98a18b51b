# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# prometheus_* integration cases (sourced by tests/integration/run.sh,
# which provides fail, note, py, rest_get, setup_ovs, start_ofxdp/
# stop_ofxdp, wait_rest_stable, OF_PORT, REST_PORT, W).
#
# prometheus_MODE: a real Prometheus server (private configuration and
#   data directory in the case's work directory, listening on loopback in
#   the controller namespace, scraping ofxdp's /metrics every second) while
#   Open vSwitch and ovs-testcontroller exchange handshake, PACKET_IN/OUT
#   and echo traffic. Once the traffic has stopped and ofxdp's counters
#   are stable, Prometheus's HTTP API (/api/v1/query) must hold exactly
#   what REST reports: every message and byte count per version,
#   direction and type (/api/v1/stats), per subtype, per switch
#   (/api/v1/switches), TCP segments and bytes (/get_of_counts), the
#   latency counts and histogram (/api/v1/latency), loss and reassembly
#   counters. promtool check metrics passes on a scrape.
# prometheus_token: with --rest-token, /metrics answers 401 without the
#   token; Prometheus scrapes it with `authorization: credentials_file`
#   (up = 1, its counts present) and a job without credentials gets
#   nothing (up = 0); [rest] metrics_max_switches = 0 in a configuration
#   file puts the switch into datapath_id="other".

PROM_PORT=19090

# prom_start CONFIG_BODY - a Prometheus server in the controller namespace
# with the scrape_configs CONFIG_BODY (YAML, indented two spaces), data in
# $W/prom; waits until it is ready.
prom_start() {
	command -v prometheus >/dev/null || skip "prometheus is missing (make deps)"
	mkdir -p "$W/prom/data"
	{
		echo "global:"
		echo "  scrape_interval: 1s"
		echo "  scrape_timeout: 900ms"
		echo "  evaluation_interval: 1s"
		echo "scrape_configs:"
		echo "$1"
	} >"$W/prom/prometheus.yml"
	promtool check config "$W/prom/prometheus.yml" >"$W/prom/check.out" 2>&1 ||
		fail "promtool check config: $(tail -2 "$W/prom/check.out" | tr '\n' ' ')"
	nl_listening "$NL_NS_C" "$PROM_PORT" && fail "port $PROM_PORT already in use in $NL_NS_C"
	ip netns exec "$NL_NS_C" prometheus --config.file="$W/prom/prometheus.yml" \
		--storage.tsdb.path="$W/prom/data" --web.listen-address="127.0.0.1:$PROM_PORT" \
		--log.level=warn >"$W/prom/prometheus.out" 2>&1 &
	PROM_PID=$!
	nl_track_pid "$PROM_PID"
	nl_wait_for 20 prom_ready ||
		fail "Prometheus not ready within 20 s: $(tail -3 "$W/prom/prometheus.out" | tr '\n' ' ')"
	note "Prometheus $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3) ready on 127.0.0.1:$PROM_PORT (pid $PROM_PID)"
}

prom_ready() {
	nl_c curl -sf --max-time 2 "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null ||
		! kill -0 "$PROM_PID" 2>/dev/null
}

# prom_stop - SIGTERM Prometheus by its pid and wait for it.
prom_stop() {
	kill -TERM "$PROM_PID" 2>/dev/null
	nl_wait_for 10 nl_not kill -0 "$PROM_PID" || fail "Prometheus did not stop within 10 s"
	wait "$PROM_PID" 2>/dev/null
	note "Prometheus stopped"
}

# prom_query EXPR - the JSON answer of /api/v1/query for EXPR (now).
prom_query() {
	nl_c curl -sf --max-time 5 -G "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode "query=$1"
}

# prom_scraped_after T JOB - Prometheus's latest scrape of JOB began after
# T (seconds since the epoch). (timestamp() of a plain selector: of an
# expression such as up == 1 it is the evaluation time.)
prom_scraped_after() {
	prom_query "timestamp(up{job=\"$2\"})" | py 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
sys.exit(0 if r and float(r[0]["value"][1]) > float(sys.argv[1]) else 1)' "$1"
}

case_prometheus() {
	local mode=$1 t0 expr
	setup_ovs 1.3
	start_ofxdp "$mode" "$OF_PORT"
	prom_start "  - job_name: ofxdp
    static_configs:
      - targets: ['127.0.0.1:$REST_PORT']"
	note "connecting the switch (inactivity_probe 1 s)"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	note "idle 6 s (echo probes; OVS probes after >= 5 s of silence)"
	sleep 6
	nl_ping 10 0.02 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	wait_rest_stable
	sleep 1.5 # switch and latency views: published once a second
	rest_get /api/v1/stats >"$W/stats.json" || fail "GET /api/v1/stats failed"
	rest_get /api/v1/switches >"$W/switches.json" || fail "GET /api/v1/switches failed"
	rest_get /api/v1/latency >"$W/latency.json" || fail "GET /api/v1/latency failed"
	rest_get /get_of_counts >"$W/tot.json" || fail "GET /get_of_counts failed"
	nl_c curl -sf --max-time 3 -D "$W/metrics.hdr" "http://127.0.0.1:$REST_PORT/metrics" \
		>"$W/metrics.txt" || fail "GET /metrics failed"
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$W/metrics.hdr" ||
		fail "/metrics: $(grep -i '^Content-Type' "$W/metrics.hdr")"
	[ "$(nl_c curl -s -I -o /dev/null -w '%{http_code}' --max-time 3 \
		"http://127.0.0.1:$REST_PORT/metrics")" = 200 ] || fail "HEAD /metrics is not 200"
	promtool check metrics <"$W/metrics.txt" >"$W/promtool.out" 2>&1 ||
		fail "promtool check metrics: $(head -5 "$W/promtool.out" | tr '\n' ' ')"
	note "promtool check metrics: OK ($(grep -c '^# TYPE' "$W/metrics.txt") families, $(grep -vc '^#' "$W/metrics.txt") samples)"
	cp "$W/metrics.txt" "$(dirname "$LOG")/integration-$CASE.metrics" # a sample to read
	t0=$(date +%s.%N)
	nl_wait_for 10 prom_scraped_after "$t0" ofxdp || fail "Prometheus did not scrape ofxdp within 10 s"
	prom_query 'up{job="ofxdp"}' | grep -q '"value":\[[0-9.]*,"1"\]' || fail "Prometheus's last scrape of ofxdp failed"
	for expr in ofxdp_messages_total ofxdp_message_bytes_total ofxdp_subtype_messages_total \
		ofxdp_subtype_message_bytes_total ofxdp_switch_messages_total \
		ofxdp_switch_message_bytes_total ofxdp_tcp_segments_total ofxdp_tcp_payload_bytes_total \
		ofxdp_response_seconds_count ofxdp_response_seconds_bucket ofxdp_requests_unreplied_total \
		ofxdp_ring_records_total ofxdp_ring_records_lost_total ofxdp_kernel_segments_total \
		ofxdp_connections_tracked_total ofxdp_connections_closed_total ofxdp_build_info; do
		prom_query "$expr" >"$W/q_$expr.json" || fail "Prometheus query $expr failed"
	done
	py 'import json, os, sys
w = sys.argv[1]
def q(name):
    d = json.load(open(os.path.join(w, "q_%s.json" % name)))
    assert d["status"] == "success", d
    out = {}
    for r in d["data"]["result"]:
        m = dict(r["metric"]); m.pop("__name__", None); m.pop("job", None); m.pop("instance", None)
        out[tuple(sorted(m.items()))] = float(r["value"][1])
    return out
def L(**kw):
    return tuple(sorted(kw.items()))
st = json.load(open(os.path.join(w, "stats.json")))
sws = json.load(open(os.path.join(w, "switches.json")))["switches"]
lat = json.load(open(os.path.join(w, "latency.json")))["overall"]
tot = json.load(open(os.path.join(w, "tot.json")))
bad = []
def same(what, prom, rest):
    if prom != rest:
        bad.append(what)
        print("MISMATCH %s:" % what)
        for k in sorted(set(prom) | set(rest)):
            if prom.get(k) != rest.get(k):
                print("  %s: Prometheus %s, REST %s" % (dict(k), prom.get(k), rest.get(k)))
    else:
        print("same %s: %d series" % (what, len(rest)))
def versions(vs, extra):
    msgs, byts, sm, sb = {}, {}, {}, {}
    for v, vo in vs.items():
        for d in ("in", "out"):
            for t, c in vo.get(d, {}).items():
                k = dict(extra, version=v, direction=d, type=t)
                msgs[L(**k)] = float(c["msgs"]); byts[L(**k)] = float(c["bytes"])
                for s, sc in c.get("subtypes", {}).items():
                    sm[L(subtype=s, **k)] = float(sc["msgs"]); sb[L(subtype=s, **k)] = float(sc["bytes"])
            m, b = vo["invalid_type"][d]
            if m:
                k = dict(extra, version=v, direction=d, type="invalid")
                msgs[L(**k)] = float(m); byts[L(**k)] = float(b)
    return msgs, byts, sm, sb
msgs, byts, sm, sb = versions(st["versions"], {})
same("messages per version/direction/type", q("ofxdp_messages_total"), msgs)
same("message bytes", q("ofxdp_message_bytes_total"), byts)
same("subtype messages", q("ofxdp_subtype_messages_total"), sm)
same("subtype bytes", q("ofxdp_subtype_message_bytes_total"), sb)
swm, swb = {}, {}
for s in sws:
    a, b, _, _ = versions(s["versions"], {"datapath_id": s["id"]})
    swm.update(a); swb.update(b)
same("per-switch messages", q("ofxdp_switch_messages_total"), swm)
same("per-switch bytes", q("ofxdp_switch_message_bytes_total"), swb)
same("TCP segments", q("ofxdp_tcp_segments_total"),
     {L(direction=d): float(tot["TCP_OF_%s_counts" % d][0]) for d in ("in", "out")})
same("TCP payload bytes", q("ofxdp_tcp_payload_bytes_total"),
     {L(direction=d): float(tot["TCP_OF_%s_counts" % d][1]) for d in ("in", "out")})
lc, lu = {}, {}
for k, fr in lat.items():
    for f, e in fr.items():
        lc[L(kind=k, **{"from": f})] = float(e["count"])
        lu[L(kind=k, **{"from": f})] = float(e["unreplied"])
same("latency counts", q("ofxdp_response_seconds_count"), lc)
same("unreplied requests", q("ofxdp_requests_unreplied_total"), lu)
inf = {k: v for k, v in q("ofxdp_response_seconds_bucket").items() if dict(k)["le"] == "+Inf"}
same("latency +Inf buckets", {tuple(x for x in k if x[0] != "le"): v for k, v in inf.items()}, lc)
loss = st["loss"]
same("ring records", q("ofxdp_ring_records_total"), {(): float(loss["records"])})
same("ring records lost", q("ofxdp_ring_records_lost_total"), {(): float(loss["records_lost"])})
same("kernel segments", q("ofxdp_kernel_segments_total"),
     {L(direction=d): float(loss["kernel"]["segs_" + d]) for d in ("in", "out")})
ra = st["reassembly"]
same("connections tracked", q("ofxdp_connections_tracked_total"), {(): float(ra["connections_total"])})
same("connections closed", q("ofxdp_connections_closed_total"),
     {L(reason="fin_rst"): float(ra["connections_closed"]), L(reason="idle"): float(ra["connections_idle"]),
      L(reason="evicted"): float(ra["connections_evicted"])})
if len(q("ofxdp_build_info")) != 1:
    bad.append("build_info")
# the traffic really happened
pin = msgs.get(L(version="1.3", direction="in", type="OFPT_PACKET_IN"), 0)
pout = msgs.get(L(version="1.3", direction="out", type="OFPT_PACKET_OUT"), 0)
echo = lc.get(L(kind="echo", **{"from": "switch"}), 0)
print("traffic: %d PACKET_IN, %d PACKET_OUT, %d echo pairs from the switch, %d switch(es)" % (pin, pout, echo, len(sws)))
if pin < 20 or pout < 20 or echo < 1 or len(sws) != 1:
    bad.append("traffic check")
sys.exit(1 if bad else 0)' "$W" || {
		note "GET /metrics, switch and latency lines: $(grep -E '^ofxdp_(switch_messages_total|response_seconds_count)' "$W/metrics.txt" | tr '\n' '|')"
		note "Prometheus: $(prom_query 'timestamp(ofxdp_switch_messages_total)' | head -c 600) t0 $t0"
		fail "Prometheus does not hold what REST reports (see the log)"
	}
	prom_query 'sum by (type) (ofxdp_messages_total{direction="in"})' >"$W/q_sum.json"
	note "Prometheus: sum by (type) (ofxdp_messages_total{direction=\"in\"}): $(py 'import json, sys
print(", ".join("%s=%s" % (r["metric"]["type"], r["value"][1]) for r in sorted(json.load(open(sys.argv[1]))["data"]["result"], key=lambda r: r["metric"]["type"])))' "$W/q_sum.json")"
	prom_stop
	stop_ofxdp
}

case_prometheus_token() {
	local code tok
	setup_ovs 1.3
	head -c 32 /dev/urandom | base64 >"$W/token"
	chmod 600 "$W/token"
	tok=$(cat "$W/token")
	printf '[rest]\nmetrics_max_switches = 0\n' >"$W/ofxdp.conf"
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --mode tc --of-port "$OF_PORT" \
		--rest "127.0.0.1:$REST_PORT" --server --rest-token "$W/token" \
		--config "$W/ofxdp.conf" >"$W/ofxdp.out" 2>&1 &
	OFX_PID=$!
	nl_track_pid "$OFX_PID"
	nl_wait_for 15 metrics_code_is 401 || fail "REST did not answer 401 on /metrics: $(head -2 "$W/ofxdp.out" | tr '\n' '|')"
	code=$(nl_c curl -s -o "$W/metrics.txt" -w "%{http_code}" --max-time 3 \
		-H "Authorization: Bearer $tok" "http://127.0.0.1:$REST_PORT/metrics")
	[ "$code" = 200 ] || fail "/metrics with the token: HTTP $code"
	code=$(nl_c curl -s -o /dev/null -w "%{http_code}" --max-time 3 \
		-H "Authorization: Bearer x${tok:1}" "http://127.0.0.1:$REST_PORT/metrics")
	[ "$code" = 401 ] || fail "/metrics with a wrong token: HTTP $code"
	promtool check metrics <"$W/metrics.txt" >"$W/promtool.out" 2>&1 ||
		fail "promtool check metrics: $(head -5 "$W/promtool.out" | tr '\n' ' ')"
	note "/metrics: 401 without or with a wrong token, 200 with it; promtool check metrics: OK"
	prom_start "  - job_name: with_token
    authorization:
      type: Bearer
      credentials_file: $W/token
    static_configs:
      - targets: ['127.0.0.1:$REST_PORT']
  - job_name: without_token
    static_configs:
      - targets: ['127.0.0.1:$REST_PORT']"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 5 0.05 || fail "data-plane traffic failed"
	nl_wait_for 10 prom_scraped_after "$(date +%s.%N)" with_token ||
		fail "Prometheus did not scrape with the token within 10 s"
	sleep 1.5 # a scrape of the other job too
	prom_query up >"$W/q_up.json" || fail "Prometheus query up failed"
	prom_query 'ofxdp_messages_total{type="OFPT_HELLO"}' >"$W/q_hello.json" ||
		fail "Prometheus query ofxdp_messages_total failed"
	prom_query 'ofxdp_switch_messages_total{type="OFPT_HELLO"}' >"$W/q_swhello.json" ||
		fail "Prometheus query ofxdp_switch_messages_total failed"
	py 'import json, sys
up = {r["metric"]["job"]: r["value"][1] for r in json.load(open(sys.argv[1]))["data"]["result"]}
hello = {(r["metric"]["job"], r["metric"]["direction"]): r["value"][1]
         for r in json.load(open(sys.argv[2]))["data"]["result"]}
print("up: %s; HELLO series: %s" % (up, hello))
assert up == {"with_token": "1", "without_token": "0"}, up
assert hello == {("with_token", "in"): "1", ("with_token", "out"): "1"}, hello
# [rest] metrics_max_switches = 0: the one switch is "other"
sw = {(r["metric"]["datapath_id"], r["metric"]["direction"]): r["value"][1]
      for r in json.load(open(sys.argv[3]))["data"]["result"]}
print("switch HELLO series (metrics_max_switches = 0): %s" % sw)
assert sw == {("other", "in"): "1", ("other", "out"): "1"}, sw' \
		"$W/q_up.json" "$W/q_hello.json" "$W/q_swhello.json" ||
		fail "the token does not decide what Prometheus can scrape (see the log)"
	prom_stop
	stop_ofxdp
}

# metrics_code_is CODE - GET /metrics (no token) answers CODE, or ofxdp is gone.
metrics_code_is() {
	[ "$(nl_c curl -s -o /dev/null -w "%{http_code}" --max-time 3 \
		"http://127.0.0.1:$REST_PORT/metrics")" = "$1" ] || ! kill -0 "$OFX_PID" 2>/dev/null
}
