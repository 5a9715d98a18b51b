# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# events_* integration cases (sourced by tests/integration/run.sh, which
# provides fail, note, py, rest_get, setup_ovs, start_ofxdp/stop_ofxdp,
# OF_PORT, REST_PORT, W).
#
# events_MODE: thresholds and events with Open vSwitch and a no-flow
#   ovs-testcontroller (every data-plane packet is a PACKET_IN). A
#   threshold from the configuration file (packet_in_rate > 10/s over
#   2 s, every switch) and one PUT over REST once the switch is known
#   (the same, scoped to its datapath_id); a Server-Sent Events reader and
#   the --on-event hook (a script that appends its argument) run
#   throughout. Checks:
#   - a long poll with nothing to report returns after its timeout (3 s)
#     with no event; one waiting when the traffic starts returns with the
#     first event, before its 30-s timeout;
#   - while h1 pings h2 (about 40 PACKET_INs/s) both thresholds are raised
#     for the switch, with a value between 10 and 200/s, and GET
#     /api/v1/thresholds/NAME lists the switch as raised; once the
#     traffic stops both are cleared (value <= 10); when the switch
#     disconnects the built-in switch_disconnected is raised for it;
#   - the events REST lists, the SSE stream and the hook saw are the same
#     ids, in order, with the same content;
#   - bad requests: a bad definition 400, an unknown threshold 404, a bad
#     timeout 400, POST on /api/v1/events 405.

# events_list - every event kept (oldest first) as JSON lines.
events_list() {
	rest_get "/api/v1/events?eventID=0&maxEvents=1024" | py 'import json, sys
for e in reversed(json.load(sys.stdin)["events"]):
    print(json.dumps(e, sort_keys=True))'
}

# has_event THRESHOLD STATE [SWITCH] - an event of THRESHOLD in STATE.
has_event() {
	events_list | py 'import json, sys
want = sys.argv[1:]
for line in sys.stdin:
    e = json.loads(line)
    if e["threshold"] == want[0] and e["state"] == want[1] and (len(want) < 3 or e["switch"] == want[2]):
        sys.exit(0)
sys.exit(1)' "$@"
}

# raised_for NAME SWITCH - GET /api/v1/thresholds/NAME lists SWITCH raised.
raised_for() {
	rest_get "/api/v1/thresholds/$1" | py 'import json, sys
sys.exit(0 if sys.argv[1] in json.load(sys.stdin)["raised"] else 1)' "$2"
}

# http_code METHOD PATH [BODY] - the status of a request to ofxdp.
http_code() {
	nl_c curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" \
		${3:+-d "$3"} "http://127.0.0.1:$REST_PORT$2"
}

case_events() {
	local mode=$1 dpid t0 t1 code lp_pid sse_pid
	setup_ovs 1.3
	cat >"$W/hook.sh" <<EOF
#!/bin/sh
printf '%s\n' "\$1" >>"$W/hook.out"
EOF
	chmod +x "$W/hook.sh"
	cat >"$W/ofxdp.conf" <<EOF
[events]
default_thresholds = yes
[threshold pin_cfg]
metric = packet_in_rate
value = 10
window = 2
EOF
	start_ofxdp "$mode" "$OF_PORT" --config "$W/ofxdp.conf" --on-event "$W/hook.sh"
	nl_c curl -sN --max-time 120 "http://127.0.0.1:$REST_PORT/api/v1/events?format=sse" \
		>"$W/sse.out" 2>/dev/null &
	sse_pid=$!
	nl_track_pid "$sse_pid"

	# a long poll with nothing to report ends at its timeout
	t0=$(date +%s.%N)
	rest_get_long "/api/v1/events?eventID=0&timeout=3" >"$W/lp0.json" ||
		fail "long poll (timeout=3) failed"
	t1=$(date +%s.%N)
	py 'import json, sys
d = json.load(open(sys.argv[1])); dt = float(sys.argv[3]) - float(sys.argv[2])
print("long poll without events: %.2f s, %s" % (dt, d))
sys.exit(0 if d["events"] == [] and 2.5 <= dt <= 6 else 1)' "$W/lp0.json" "$t0" "$t1" ||
		fail "a long poll with nothing to report did not wait for its timeout"
	# one waiting for the first event
	nl_c curl -sf --max-time 40 "http://127.0.0.1:$REST_PORT/api/v1/events?eventID=0&timeout=30" \
		>"$W/lp1.json" &
	lp_pid=$!
	nl_track_pid "$lp_pid"

	note "connecting the switch"
	nl_connect 1000 || fail "switch did not connect"
	nl_wait_for 10 switch_known || fail "the switch's datapath_id did not show"
	dpid=$(rest_get /api/v1/switches | py 'import json, sys
print([s["id"] for s in json.load(sys.stdin)["switches"] if s["datapath_id"]][0])')
	note "switch $dpid"
	code=$(http_code PUT /api/v1/thresholds/pin_rest \
		"{\"metric\": \"packet_in_rate\", \"value\": 10, \"window\": 2, \"switch\": \"$dpid\"}")
	[ "$code" = 201 ] || fail "PUT /api/v1/thresholds/pin_rest: $code (want 201)"
	[ "$(http_code PUT /api/v1/thresholds/bad '{"metric": "packet_in_rate"}')" = 400 ] ||
		fail "a definition without a value was not refused with 400"
	[ "$(http_code DELETE /api/v1/thresholds/nope)" = 404 ] || fail "DELETE of an unknown threshold: not 404"
	[ "$(http_code GET /api/v1/thresholds/nope)" = 404 ] || fail "GET of an unknown threshold: not 404"
	[ "$(http_code GET '/api/v1/events?timeout=999')" = 400 ] || fail "timeout=999 was not refused with 400"
	[ "$(http_code POST /api/v1/events '{}')" = 405 ] || fail "POST /api/v1/events: not 405"

	note "h1 pings h2: every packet is a PACKET_IN"
	nl_ping 80 0.05 &
	local ping_pid=$!
	nl_wait_for 15 raised_for pin_rest "$dpid" || fail "pin_rest not raised for $dpid while pinging"
	raised_for pin_cfg "$dpid" || fail "pin_cfg not raised for $dpid while pinging"
	wait "$ping_pid" || fail "data-plane traffic failed"
	wait "$lp_pid" || fail "the waiting long poll failed"
	py 'import json, sys
d = json.load(open(sys.argv[1]))
print("waiting long poll returned %d event(s), lastEventID %d" % (len(d["events"]), d["lastEventID"]))
sys.exit(0 if d["events"] and d["events"][-1]["state"] == "raised" else 1)' "$W/lp1.json" ||
		fail "the waiting long poll did not return the first event"
	nl_wait_for 10 has_event pin_rest cleared "$dpid" || fail "pin_rest not cleared once the traffic stopped"
	nl_wait_for 5 has_event pin_cfg cleared "$dpid" || fail "pin_cfg not cleared once the traffic stopped"
	nl_disconnect || fail "disconnect failed"
	nl_wait_for 10 has_event switch_disconnected raised "$dpid" ||
		fail "switch_disconnected not raised for $dpid"
	sleep 1.5 # the hook and the SSE stream: the last event
	events_list >"$W/events.ndjson"
	cp "$W/events.ndjson" "$(dirname "$LOG")/integration-$CASE.events" # a sample to read
	stop_ofxdp
	nl_wait_for 5 nl_not kill -0 "$sse_pid" || fail "the SSE stream did not end when ofxdp stopped"
	py 'import json, sys
rest = [json.loads(l) for l in open(sys.argv[1])]
sse = [json.loads(l[len("data: "):]) for l in open(sys.argv[2]) if l.startswith("data: ")]
ids = [int(l[len("id: "):]) for l in open(sys.argv[2]) if l.startswith("id: ")]
hook = [json.loads(l) for l in open(sys.argv[3])] if sys.argv[3] else []
dpid = sys.argv[4]
bad = []
for e in rest:
    print("event %d %s %s %s %s %.3f (limit %g)" % (e["eventID"], e["threshold"], e["state"], e["switch"], e["metric"], e["value"], e["limit"]))
if [e["eventID"] for e in rest] != list(range(1, len(rest) + 1)):
    bad.append("event ids are not 1..N")
def norm(l):
    return [json.dumps({k: (round(v, 6) if isinstance(v, float) else v) for k, v in e.items()}, sort_keys=True) for e in l]
if norm(sse) != norm(rest) or ids != [e["eventID"] for e in rest]:
    bad.append("the SSE stream saw %d events, REST lists %d (or they differ)" % (len(sse), len(rest)))
hook.sort(key=lambda e: e["eventID"])
if norm(hook) != norm(rest):
    bad.append("the hook saw %d events, REST lists %d (or they differ)" % (len(hook), len(rest)))
def first(name, state):
    for e in rest:
        if e["threshold"] == name and e["state"] == state and e["switch"] == dpid:
            return e
    bad.append("no %s %s event for %s" % (name, state, dpid))
    return None
for name in ("pin_cfg", "pin_rest"):
    r, c = first(name, "raised"), first(name, "cleared")
    if r and not 10 < r["value"] < 200:
        bad.append("%s raised with %g PACKET_INs/s" % (name, r["value"]))
    if r and c and not (c["eventID"] > r["eventID"] and c["value"] <= 10):
        bad.append("%s cleared out of order or above its value" % name)
d = first("switch_disconnected", "raised")
if d and d["value"] != 1:
    bad.append("switch_disconnected value %g" % d["value"])
for b in bad:
    print("MISMATCH " + b)
sys.exit(1 if bad else 0)' "$W/events.ndjson" "$W/sse.out" "$([ -s "$W/hook.out" ] && echo "$W/hook.out")" "$dpid" ||
		fail "events do not match (see the log)"
}

# switch_known - /api/v1/switches lists a switch by its datapath_id.
switch_known() {
	rest_get /api/v1/switches | py 'import json, sys
sys.exit(0 if any(s["datapath_id"] for s in json.load(sys.stdin)["switches"]) else 1)'
}

# rest_get_long PATH - rest_get with room for a long poll (40 s).
rest_get_long() {
	nl_c curl -sf --max-time 40 "http://127.0.0.1:$REST_PORT$1"
}
