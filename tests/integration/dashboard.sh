# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# dashboard_* integration cases (sourced by tests/integration/run.sh,
# which provides fail, skip, note, setup_ovs, start_ofxdp/stop_ofxdp,
# wait_rest_stable, OF_PORT, REST_PORT, REST_TOKEN, W, LOG).
#
# dashboard_tc: the dashboard (GET /) in headless chromium driven by
#   selenium (tests/integration/dashboard.py), in the controller namespace,
#   while Open vSwitch and ovs-testcontroller exchange PACKET_IN/OUT for
#   pings: live updates with a non-zero rate; then, with the traffic
#   stopped and the counters stable, the numbers shown equal REST's (totals,
#   every switch's row, the events: switch_disconnected raised), a click
#   on the switch's row scopes the subtype view to it (equal to REST's
#   subtypes), headers sort, a screenshot goes to build/CASE.png, and any
#   SEVERE console entry fails the case.
# dashboard_token: the same with --rest-token, the page opened with
#   #token=TOKEN (REST refuses the counters without it).

# Debian's python3-selenium is a module of Debian's python3.
DASH_PY=/usr/bin/python3

case_dashboard() {
	local mode=$1 auth=${2:-} ping_pid dash_pid rc
	$DASH_PY -c 'import selenium' 2>/dev/null || skip "python3-selenium is missing (make deps)"
	if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
		skip "chromium or chromium-driver is missing (make deps)"
	fi
	setup_ovs 1.3
	if [ "$auth" = token ]; then
		head -c 32 /dev/urandom | base64 >"$W/token"
		chmod 600 "$W/token"
		REST_TOKEN=$(cat "$W/token")
		start_ofxdp "$mode" "$OF_PORT" --rest-token "$W/token"
	else
		start_ofxdp "$mode" "$OF_PORT"
	fi
	nl_connect 5000 || fail "switch did not connect"
	# no flows (ovs-testcontroller -n): every packet is a PACKET_IN/OUT
	# pair; 20 packets a second for at least 8 s and until the page went
	# live (a slow browser start), at most 45 s
	(
		end=$((SECONDS + 45)) n=0
		while { [ "$n" -lt 8 ] || [ ! -e "$W/dash.live" ]; } && [ "$SECONDS" -lt "$end" ]; do
			nl_ping 20 0.05 || exit 1
			n=$((n + 1))
		done
	) >"$W/ping.out" 2>&1 &
	ping_pid=$!
	nl_track_pid "$ping_pid"
	ip netns exec "$NL_NS_C" env HOME="$W" "$DASH_PY" "$ROOT/tests/integration/dashboard.py" \
		--url "http://127.0.0.1:$REST_PORT" --work "$W" \
		--shot "$(dirname "$LOG")/$CASE.png" ${REST_TOKEN:+--token-file "$W/token"} \
		>"$W/dash.out" 2>&1 &
	dash_pid=$!
	nl_track_pid "$dash_pid"
	nl_wait_for 40 dash_live_or_gone "$dash_pid" || fail "the page did not go live within 40 s"
	if [ ! -e "$W/dash.live" ]; then
		cat "$W/dash.out"
		fail "dashboard.py: $(grep -m1 'FAILED\|Error' "$W/dash.out" || tail -1 "$W/dash.out")"
	fi
	note "page live: $(grep -c '^dashboard: ok' "$W/dash.out") checks passed; stopping the traffic"
	wait "$ping_pid" || fail "data-plane traffic failed: $(tail -1 "$W/ping.out")"
	nl_disconnect || fail "disconnect failed"
	wait_rest_stable
	sleep 1.5 # switch views: published once a second
	touch "$W/dash.quiet"
	wait "$dash_pid"
	rc=$?
	cat "$W/dash.out"
	[ "$rc" = 0 ] ||
		fail "dashboard.py (exit $rc): $(grep -m1 'FAILED' "$W/dash.out" || tail -1 "$W/dash.out")"
	stop_ofxdp
}

# dash_live_or_gone PID - the page went live, or dashboard.py (PID) ended.
dash_live_or_gone() {
	[ -e "$W/dash.live" ] || ! kill -0 "$1" 2>/dev/null
}
