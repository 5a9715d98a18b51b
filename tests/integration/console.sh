# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Integration cases of the live console (sourced by run.sh).
#
# console_tc, console_pcap: `ofxdp attach` with its full-screen console in
# a tmux pane of 80x24 (a private tmux server), REST on too, on an Open
# vSwitch <-> ovs-testcontroller connection with data-plane traffic. From
# `tmux capture-pane`: the status line (mode, interface); the types view's
# OFPT_PACKET_IN count equal to REST's /api/v1/stats once traffic
# stopped; sorted by "in msgs" PACKET_IN first, Enter on it shows its
# subtypes (adding up to its count); keys to the switches view (the bridge's datapath_id, up), the
# latency view (packet_in pairs), the events view (the connection opened,
# then closed), the loss view (its counters, rows beyond the screen);
# resized to 120x40 more rows and columns appear; q ends ofxdp with exit
# status 0, the terminal back on its normal screen in the modes it had
# (stty) with the final totals line. The 80x24 capture of the types view
# is kept as build/console-80x24.txt.
#
# console_lines: stdout not a terminal: one plain key=value line per
# interval (tc mode, REST on for the oracle) and, at the same time, one
# NDJSON snapshot per interval (--json, pcap mode) into files; every line
# parses, the final ones hold REST's totals; a third one whose stdout
# nobody reads (its console blocked in write(2)) counts the same (REST)
# and ends 2 s after SIGTERM with a warning; in a terminal whose TERM is
# "dumb" the console prints plain lines too; an error written to stderr
# while the full-screen console runs is on the terminal after it; a
# terminal stopped with ^S blocks only the console, given up 2 s after
# SIGTERM (the terminal restored).

# tm ARGS... - this case's private tmux server (its socket in the case's
# directory, which nl_cleanup removes).
tm() { tmux -S "$NL_DIR/tmux.sock" -f /dev/null "$@"; }

# tm_cleanup - kill the tmux server (its panes' processes with it).
tm_cleanup() { tm kill-server >/dev/null 2>&1 || true; }

# tm_pane_has WINDOW REGEX - that window's pane shows a line matching REGEX.
tm_pane_has() { tm capture-pane -p -t "$1" | grep -Eq -- "$2"; }

# pane - the pane's text now.
pane() { tm capture-pane -p -t console; }

# pane_has REGEX - the pane shows a line matching REGEX (grep -E).
pane_has() { pane | grep -Eq -- "$1"; }

# console_key KEYS REGEX WHAT - send KEYS, wait up to 5 s for REGEX; the
# screen goes to the log.
console_key() {
	tm send-keys -t console "$1"
	if ! nl_wait_for 5 pane_has "$2"; then
		pane | sed 's/^/  | /'
		fail "after key '$1': no $3 on the console"
	fi
	note "key '$1': $3"
	pane | grep . | sed 's/^/  | /'
}

# table_rows - rows of the table on the pane (between the column titles on
# line 4 and the last line).
table_rows() {
	pane | awk -v last="$(tm display -p -t console '#{pane_height}')" \
		'NR > 4 && NR < last && $0 ~ /[^ ]/' | wc -l
}

# rest_pin_in - OFPT_PACKET_IN messages in (OpenFlow 1.3) per REST.
rest_pin_in() {
	rest_get /api/v1/stats | py 'import json, sys
d = json.load(sys.stdin)
print(d["versions"]["1.3"]["in"].get("OFPT_PACKET_IN", {}).get("msgs", 0))'
}

# pane_pin_in - the types view's "in msgs" of 1.3 OFPT_PACKET_IN.
pane_pin_in() {
	pane | awk '$1 == "1.3" && $2 == "OFPT_PACKET_IN" { print $3 }'
}

# case_console_tui MODE
case_console_tui() {
	local mode=$1 dpid n24 n40 rest got
	command -v tmux >/dev/null || skip "tmux is missing (make deps)"
	trap 'tm_cleanup; nl_cleanup' EXIT
	setup_ovs 1.3
	cat >"$W/pane.sh" <<EOF
stty -g >"$W/stty.before"
ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$OF_PORT" \
	--mode "$mode" --rest "127.0.0.1:$REST_PORT" --interval 500ms 2>"$W/ofxdp.err"
echo \$? >"$W/rc"
stty -g >"$W/stty.after"
exec sleep 600
EOF
	tm new-session -d -s console -x 80 -y 24 "bash $W/pane.sh" ||
		fail "tmux new-session failed"
	nl_wait_for 15 rest_get /get_of_counts || {
		pane | sed 's/^/  | /'
		fail "ofxdp did not start: $(head -2 "$W/ofxdp.err" | tr '\n' ' ')"
	}
	grep -q "^ofxdp: $mode mode: " "$W/ofxdp.err" ||
		fail "asked for --mode $mode: $(head -1 "$W/ofxdp.err")"
	[ "$(tm display -p -t console '#{alternate_on}')" = 1 ] ||
		fail "the console did not switch to the alternate screen"
	nl_wait_for 5 pane_has "^ ofxdp  mode $mode  if $NL_VETH_C  up [0-9]+:[0-9]{2}:[0-9]{2}  loss ring 0 pcap 0" || {
		pane | sed 's/^/  | /'
		fail "no status line with mode $mode and interface $NL_VETH_C"
	}

	nl_connect 1000 || fail "switch did not connect"
	nl_ping 30 0.05 || fail "data-plane traffic failed"
	sleep 1
	wait_rest_stable
	# The types view (the first one) against REST, once both settled (a
	# host's ARP refresh can add a PACKET_IN at any moment: retry).
	for _ in $(seq 10); do
		rest=$(rest_pin_in)
		sleep 1.2 # two console refreshes
		got=$(pane_pin_in)
		[ -n "$got" ] && [ "$got" = "$rest" ] && [ "$(rest_pin_in)" = "$rest" ] && break
	done
	pane >"$ROOT/build/console-80x24.txt"
	note "80x24 types view (build/console-80x24.txt):"
	sed 's/^/  | /' "$ROOT/build/console-80x24.txt"
	[ "${rest:-0}" -ge 20 ] || fail "traffic check: REST counted ${rest:-0} PACKET_IN, want >= 20"
	[ "$got" = "$rest" ] ||
		fail "types view: OFPT_PACKET_IN in = '$got', REST /api/v1/stats says $rest"
	note "types view: 1.3 OFPT_PACKET_IN in $got = REST"
	pane_has "^version type \^ +in msgs +out msgs +in/s +out/s$" ||
		fail "types view: no column titles fitting 80 columns"
	pane_has "^1\.3 OFPT_PACKET_OUT +0 +[1-9]" || fail "types view: no PACKET_OUT out"
	[ "$(pane | awk 'length > 80' | wc -l)" = 0 ] || fail "a line wider than 80 columns"
	# Sorted by "in msgs" (descending), PACKET_IN is the first row; Enter
	# on it shows its subtypes (PACKET_IN reasons), all its messages.
	console_key ">" "^version type +in msgs v " "the types sorted by in msgs"
	pane | awk 'NR == 5 && $2 != "OFPT_PACKET_IN" { exit 1 }' ||
		fail "sorted by in msgs: PACKET_IN is not the first row"
	tm send-keys -t console g
	console_key Enter "subtypes of 1\.3 OFPT_PACKET_IN" "subtypes of PACKET_IN after Enter"
	[ "$(pane | awk '$1 ~ /^OFPR_/ { n += $2 } END { print n + 0 }')" = "$got" ] ||
		fail "subtypes of PACKET_IN do not add up to $got: $(pane | grep OFPR_ | tr -s ' ')"
	console_key b "^version type +in msgs v " "the types again after b"
	console_key "<" "^version type \^ " "the types in their order again"

	dpid=$(nl_vsctl get bridge "$NL_BR" datapath_id | tr -d '"')
	# fresh pairs for the views over the last 10 s
	nl_ping 5 0.05 || fail "data-plane traffic failed"
	console_key 3 "^0x$dpid +up 1/1 " "switch 0x$dpid (up 1/1) in the switches view"
	console_key 4 "^packet_in +switch +[1-9][0-9]* " "packet_in pairs in the latency view"
	console_key 5 "conn 1 opened: switch $NL_SW_IP:[0-9]+, ctl $NL_CTL_IP:$OF_PORT" \
		"connection opened event"
	pane_has "switch 0x$dpid appeared" || fail "events view: no 'switch 0x$dpid appeared'"
	console_key 6 "^records_lost +loss +0 " "records_lost in the loss view"
	n24=$(table_rows)
	pane_has "rows 1-$n24 of [0-9]+" || fail "loss view: no 'rows 1-$n24 of N' at 80x24"

	tm resize-window -t console -x 120 -y 40 || fail "tmux resize-window failed"
	nl_wait_for 5 pane_has "^counter \^ .* about$" || {
		pane | sed 's/^/  | /'
		fail "120x40: no 'about' column in the loss view"
	}
	n40=$(table_rows)
	note "loss view: $n24 rows at 80x24, $n40 at 120x40"
	[ "$n40" -ge $((n24 + 16)) ] || fail "120x40 shows $n40 table rows, 80x24 $n24"
	console_key t "^version type \^ .* in bytes +out bytes" "bytes columns in the 120-column types view"

	nl_disconnect || fail "disconnect failed"
	console_key e "conn 1 closed \((fin|rst)\) after" "connection closed event"

	tm send-keys -t console q
	nl_wait_for 5 test -s "$W/rc" || fail "q did not end ofxdp within 5 s"
	[ "$(cat "$W/rc")" = 0 ] || fail "ofxdp exited with status $(cat "$W/rc") after q"
	nl_wait_for 5 test -s "$W/stty.after" || fail "no terminal modes after exit"
	cmp -s "$W/stty.before" "$W/stty.after" ||
		fail "terminal modes not restored: $(cat "$W/stty.before") -> $(cat "$W/stty.after")"
	[ "$(tm display -p -t console '#{alternate_on}')" = 0 ] ||
		fail "still on the alternate screen after exit"
	pane | tr -d '\n' | grep -q "ts=.* in_msgs=[0-9]* out_msgs=" ||
		fail "no final totals line on the terminal"
	nl_listening "$NL_NS_C" "$REST_PORT" && fail "REST still listening after q"
	note "q: exit 0, terminal modes and normal screen restored"
}

# lines_ok FILE - every line of FILE is a complete console line; print the
# in_msgs of the last.
lines_ok() {
	py 'import re, sys
keys = ["ts", "uptime_s", "in_msgs", "out_msgs", "in_msgs_per_s",
        "out_msgs_per_s", "in_bytes", "out_bytes", "conns_open", "conns_total",
        "switches", "records_lost", "pcap_drop"]
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) >= 5, "%d lines" % len(lines)
for l in lines:
    kv = dict(p.split("=", 1) for p in l.split(" "))
    assert list(kv) == keys, l
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", kv["ts"]), l
    for k in keys[1:]:
        float(kv[k])
print(kv["in_msgs"], kv["out_msgs"])' "$1"
}

# ndjson_ok FILE - every line of FILE is a JSON snapshot; print the
# totals of the last.
ndjson_ok() {
	py 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) >= 5, "%d lines" % len(lines)
for l in lines:
    d = json.loads(l)
    assert d["mode"] == "pcap" and "versions" in d and "loss" in d, l[:200]
print(d["totals"]["in"]["msgs"], d["totals"]["out"]["msgs"])' "$1"
}

# console_blocked PID - a thread of PID sleeps in a pipe write.
console_blocked() {
	grep -q "pipe_write" /proc/"$1"/task/*/wchan 2>/dev/null
}

case_console_lines() {
	local want got pid
	setup_ovs 1.3
	start_ofxdp tc "$OF_PORT"
	# start_ofxdp runs --server: a second ofxdp prints the lines.
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$OF_PORT" \
		--mode tc --interval 300ms >"$W/lines.txt" 2>"$W/lines.err" &
	LN_PID=$!
	nl_track_pid "$LN_PID"
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$OF_PORT" \
		--mode pcap --json --interval 300ms >"$W/snap.ndjson" 2>"$W/snap.err" &
	JS_PID=$!
	nl_track_pid "$JS_PID"
	nl_wait_for 15 grep -q " mode: " "$W/lines.err" ||
		fail "console (lines) did not start: $(head -1 "$W/lines.err")"
	nl_wait_for 15 grep -q " mode: " "$W/snap.err" ||
		fail "console (--json) did not start: $(head -1 "$W/snap.err")"
	# A third one whose stdout nobody reads: its console thread blocks in
	# write(2) once the pipe is full; its capture must go on counting.
	mkfifo "$W/blocked.fifo"
	# shellcheck disable=SC2217 # holds the fifo's read end, never reads
	sleep 600 <"$W/blocked.fifo" &
	nl_track_pid $!
	ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$OF_PORT" \
		--mode tc --json --interval 100ms --rest "127.0.0.1:$((REST_PORT + 1))" \
		>"$W/blocked.fifo" 2>"$W/blocked.err" &
	BK_PID=$!
	nl_track_pid "$BK_PID"
	nl_wait_for 20 console_blocked "$BK_PID" ||
		fail "the console writing into an unread pipe never blocked: $(head -2 "$W/blocked.err")"
	note "console of ofxdp[$BK_PID] blocked in pipe_write"
	nl_connect 1000 || fail "switch did not connect"
	nl_ping 20 0.05 || fail "data-plane traffic failed"
	nl_disconnect || fail "disconnect failed"
	sleep 1
	wait_rest_stable
	want=$(rest_get /get_of_counts | py 'import json, sys
d = json.load(sys.stdin)
print(d["OF_in_counts"][0], d["OF_out_counts"][0])')
	console_blocked "$BK_PID" || fail "the console's write did not stay blocked"
	got=$(nl_c curl -sf --max-time 3 "http://127.0.0.1:$((REST_PORT + 1))/get_of_counts" | py 'import json, sys
d = json.load(sys.stdin)
print(d["OF_in_counts"][0], d["OF_out_counts"][0])')
	[ "$got" = "$want" ] ||
		fail "with its console blocked, ofxdp counted in/out $got, the other one $want"
	note "console blocked: the capture counted in/out $got all the same"
	kill -TERM "$BK_PID"
	nl_wait_for 5 nl_not kill -0 "$BK_PID" || fail "blocked console: no exit within 5 s of SIGTERM"
	wait "$BK_PID"
	got=$?
	[ "$got" = 1 ] || fail "blocked console: exit status $got, want 1"
	grep -q "^ofxdp: warning: console output blocked for 2 s: given up$" "$W/blocked.err" ||
		fail "blocked console: no warning: $(tail -2 "$W/blocked.err" | tr '\n' '|')"
	kill -INT "$LN_PID" "$JS_PID"
	nl_wait_for 5 nl_not kill -0 "$LN_PID" || fail "console (lines) did not stop on SIGINT"
	nl_wait_for 5 nl_not kill -0 "$JS_PID" || fail "console (--json) did not stop on SIGINT"
	wait "$LN_PID" || fail "console (lines) exited with status $?"
	wait "$JS_PID" || fail "console (--json) exited with status $?"
	note "lines: $(wc -l <"$W/lines.txt"), last: $(tail -1 "$W/lines.txt")"
	note "NDJSON snapshots: $(wc -l <"$W/snap.ndjson")"
	got=$(lines_ok "$W/lines.txt") || fail "the plain lines do not parse (see the log)"
	[ "$got" = "$want" ] || fail "last plain line: in/out msgs $got, REST $want"
	got=$(ndjson_ok "$W/snap.ndjson") || fail "the NDJSON snapshots do not parse (see the log)"
	[ "$got" = "$want" ] || fail "last NDJSON snapshot: in/out msgs $got, REST $want"
	[ "${want%% *}" -ge 20 ] || fail "traffic check: $want messages"
	grep -q $'\033' "$W/lines.txt" "$W/snap.ndjson" && fail "escape sequences in a file"
	stop_ofxdp

	# A terminal without cursor addressing: plain lines on it.
	command -v tmux >/dev/null || return 0
	trap 'tm_cleanup; nl_cleanup' EXIT
	tm new-session -d -s console -x 80 -y 24 \
		"TERM=dumb ip netns exec $NL_NS_C $OFXDP attach $NL_VETH_C --of-port $OF_PORT --mode pcap --interval 300ms --duration 2s 2>/dev/null; echo rc=\$?; exec sleep 600" ||
		fail "tmux new-session failed"
	nl_wait_for 10 pane_has "^rc=" || fail "TERM=dumb: ofxdp did not end"
	pane | grep -q "^rc=0$" || fail "TERM=dumb: $(pane | grep '^rc=')"
	[ "$(pane | grep -c "^ts=.* in_msgs=")" -ge 3 ] || {
		pane | sed 's/^/  | /'
		fail "TERM=dumb: no plain lines on the terminal"
	}
	note "TERM=dumb: plain lines"

	# What ofxdp writes to stderr while the full-screen console runs is
	# kept off the screen and written out when it ends: the interface
	# going away ends the console with its error on the normal screen.
	ip -n "$NL_NS_C" link add gone0 type veth peer name gone1 || fail "veth gone0"
	ip -n "$NL_NS_C" link set gone0 up
	tm new-window -d -n gone \
		"ip netns exec $NL_NS_C $OFXDP attach gone0 --of-port $OF_PORT --mode pcap --interval 300ms; echo rc=\$?; exec sleep 600" ||
		fail "tmux new-window failed"
	nl_wait_for 10 tm_pane_has gone "^ ofxdp  mode pcap  if gone0 " ||
		fail "no full-screen console on gone0"
	ip -n "$NL_NS_C" link del gone0
	nl_wait_for 10 tm_pane_has gone "^rc=" ||
		fail "ofxdp did not end when gone0 went away"
	tm capture-pane -p -t gone >"$W/gone.txt"
	if ! grep -q "^ofxdp: interface gone0 went away; stopping$" "$W/gone.txt" ||
		! grep -q "^rc=1$" "$W/gone.txt"; then
		sed 's/^/  | /' "$W/gone.txt"
		fail "the error written during the console is not on the terminal after it"
	fi
	note "stderr during the console: shown after it"

	# A terminal stopped with ^S: the full-screen console blocks in its
	# write, ofxdp ends 2 s after SIGTERM with a warning (exit 1), the
	# terminal started again and in its modes, on its normal screen.
	cat >"$W/xoff.sh" <<EOF
stty -g >"$W/xoff.before"
ip netns exec "$NL_NS_C" "$OFXDP" attach "$NL_VETH_C" --of-port "$OF_PORT" \
	--mode pcap --interval 100ms </dev/tty &
echo \$! >"$W/xoff.pid"
wait \$!
echo rc=\$?
stty -g >"$W/xoff.after"
exec sleep 600
EOF
	tm new-window -d -n xoff "bash $W/xoff.sh" || fail "tmux new-window failed"
	nl_wait_for 10 tm_pane_has xoff "^ ofxdp  mode pcap " ||
		fail "no full-screen console in the xoff window"
	tm send-keys -t xoff C-s
	pid=$(cat "$W/xoff.pid")
	nl_wait_for 10 grep -q "n_tty_write" /proc/"$pid"/task/*/stack ||
		fail "^S: the console is not blocked in its terminal write"
	note "^S: ofxdp[$pid]'s console blocked in n_tty_write"
	kill -TERM "$pid"
	nl_wait_for 6 test -s "$W/xoff.after" || fail "^S: no exit within 6 s of SIGTERM"
	tm capture-pane -p -t xoff >"$W/xoff.txt"
	if ! grep -q "^rc=1$" "$W/xoff.txt" ||
		! grep -q "^ofxdp: warning: console output blocked for 2 s: given up$" "$W/xoff.txt"; then
		sed 's/^/  | /' "$W/xoff.txt"
		fail "^S: want exit status 1 and the warning"
	fi
	cmp -s "$W/xoff.before" "$W/xoff.after" || fail "^S: terminal modes not restored"
	[ "$(tm display -p -t xoff '#{alternate_on}')" = 0 ] || fail "^S: still on the alternate screen"
	note "^S: given up after 2 s, terminal restored"
}
