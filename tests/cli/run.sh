#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Command-line tests: help per command, errors naming their command, sizes
# and durations with units, --version, the configuration file (settings
# applied, command line winning, errors with file:line), REST hosts written
# out, the REST security options (token file permissions, CORS origin, TLS
# files), a rejected argument echoed short, error exits without leaks
# (an AddressSanitizer build, when it builds). No root needed, except the
# checks that say so (SKIP without root; they run in a network namespace of
# their own, unshare -n).
#
# Usage: tests/cli/run.sh        Env: OFXDP=path (default ./ofxdp)
# Prints "PASS name" or "FAIL name: reason" per check and ends with
# "N passed, M failed"; exit status 1 on any failure.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
OFXDP=${OFXDP:-./ofxdp}
OFXDP=$(cd "$(dirname "$OFXDP")" && pwd)/$(basename "$OFXDP")
PCAP=$ROOT/tests/fixtures/tcpdump-tests/of10_p3295.pcap # switch 10.0.0.50, port 6633
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

if [ ! -x "$OFXDP" ]; then
	echo "FAIL setup: $OFXDP not built (make)"
	echo "0 passed, 1 failed"
	exit 1
fi

# run ARGS... - ofxdp with ARGS (in directory $RUN_DIR if set); stdout in
# $OUT, stderr in $ERR, status $RC.
OUT=$TMP/out
ERR=$TMP/err
run() {
	(cd "${RUN_DIR:-.}" && exec timeout 20 "$OFXDP" "$@") >"$OUT" 2>"$ERR"
	RC=$?
}

# first_err - the first line ofxdp wrote to stderr.
first_err() { head -1 "$ERR"; }

# py_json FILE EXPR - EXPR (python, the document as d) of a JSON file.
py_json() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = eval(sys.argv[2])
print(json.dumps(r, sort_keys=True) if isinstance(r, (dict, list)) else r)' "$1" "$2" 2>/dev/null
}

# expect_usage NAME WANT_LINE ARGS... - usage error: exit 64, first stderr
# line exactly WANT_LINE, nothing on stdout.
expect_usage() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$RC" != 64 ]; then
		ko "$name" "exit $RC, want 64 ($(first_err))"
	elif [ "$(first_err)" != "$want" ]; then
		ko "$name" "got '$(first_err)', want '$want'"
	elif [ -s "$OUT" ]; then
		ko "$name" "wrote to stdout: $(head -1 "$OUT")"
	else
		ok "$name"
	fi
}

# expect_parsed NAME ARGS... - the command line parses: ofxdp gets as far as
# the (missing) interface nosuch0 and says so in one line, exit 1.
expect_parsed() {
	local name=$1
	shift
	run "$@"
	if [ "$RC" = 1 ] && [ "$(cat "$ERR")" = "ofxdp: no such interface: nosuch0" ]; then
		ok "$name"
	else
		ko "$name" "exit $RC: $(first_err)"
	fi
}

# ---------------------------------------------------------------------------
# Help.

run help
if [ "$RC" = 0 ] && grep -q "^Commands:" "$OUT" &&
	grep -q "^  attach IFACE" "$OUT" && grep -q "^  read FILE" "$OUT" &&
	grep -q "^  cleanup IFACE" "$OUT" && grep -q -- "--rest-host HOST" "$OUT"; then
	ok help
else
	ko help "exit $RC, output: $(head -3 "$OUT" | tr '\n' '|')"
fi
cp "$OUT" "$TMP/help.txt"

for a in -h --help; do
	run "$a"
	if [ "$RC" = 0 ] && grep -q "^Commands:" "$OUT" && cmp -s "$OUT" "$TMP/help.txt"; then
		ok "help_$a"
	else
		ko "help_$a" "exit $RC, differs from 'ofxdp help'"
	fi
done

run help attach
if [ "$RC" = 0 ] && [ "$(head -1 "$OUT")" = "Usage: ofxdp attach [OPTION...] IFACE" ] &&
	grep -q -- "--ring-size=SIZE" "$OUT" && grep -q -- "--config=FILE" "$OUT" &&
	grep -q "^Examples:" "$OUT" && grep -q "sudo ofxdp attach eth0" "$OUT" &&
	grep -q -- "--json  *console as NDJSON" "$OUT" && ! grep -q -- "--rest-host" "$OUT"; then
	ok help_attach
else
	ko help_attach "exit $RC, output: $(head -2 "$OUT" | tr '\n' '|')"
fi
cp "$OUT" "$TMP/help_attach.txt"

for a in --help -h; do
	run attach "$a"
	if [ "$RC" = 0 ] && [ "$(head -1 "$OUT")" = "Usage: ofxdp attach [OPTION...] IFACE" ] &&
		cmp -s "$OUT" "$TMP/help_attach.txt"; then
		ok "attach_$a"
	else
		ko "attach_$a" "exit $RC, differs from 'ofxdp help attach'"
	fi
done

run read -h
if [ "$RC" = 0 ] && [ "$(head -1 "$OUT")" = "Usage: ofxdp read [OPTION...] FILE" ] &&
	grep -q -- "--json" "$OUT" && ! grep -q -- "--ring-size" "$OUT" &&
	! grep -q -- "--mode" "$OUT"; then
	ok read_-h
else
	ko read_-h "exit $RC, output: $(head -2 "$OUT" | tr '\n' '|')"
fi

run help cleanup
if [ "$RC" = 0 ] && [ "$(head -1 "$OUT")" = "Usage: ofxdp cleanup [OPTION...] IFACE" ] &&
	! grep -q -- "--of-port" "$OUT"; then
	ok help_cleanup
else
	ko help_cleanup "exit $RC, output: $(head -2 "$OUT" | tr '\n' '|')"
fi

# ---------------------------------------------------------------------------
# Unknown commands, missing arguments: the error names the command.

run frobnicate eth0
if [ "$RC" = 64 ] &&
	[ "$(first_err)" = "ofxdp: unknown command 'frobnicate' (commands: attach, read, watch, cleanup, status, help, version)" ]; then
	ok unknown_command
else
	ko unknown_command "exit $RC: $(first_err)"
fi
run status --help
if [ "$RC" = 0 ] && grep -q "^Usage: ofxdp status" "$OUT"; then
	ok status_help
else
	ko status_help "exit $RC: $(head -1 "$OUT")"
fi
run status no-such-iface0
if [ "$RC" != 0 ] && grep -q "no such interface: no-such-iface0" "$ERR"; then
	ok status_bad_iface
else
	ko status_bad_iface "exit $RC: $(first_err)"
fi
run help
if grep -q "^  status \[IFACE\]" "$OUT"; then
	ok help_lists_status
else
	ko help_lists_status "$(grep -c . "$OUT") lines"
fi
run help frobnicate
if [ "$RC" = 64 ] && grep -q "unknown command 'frobnicate'" "$ERR"; then
	ok help_unknown_command
else
	ko help_unknown_command "exit $RC: $(first_err)"
fi
run
if [ "$RC" = 64 ] && grep -q "^Commands:" "$ERR"; then
	ok no_command
else
	ko no_command "exit $RC: $(first_err)"
fi

expect_usage cleanup_missing_iface "ofxdp cleanup: missing IFACE" cleanup
expect_usage read_missing_file "ofxdp read: missing FILE" read
if [ -e /etc/ofxdp/ofxdp.conf ]; then
	echo "SKIP attach_missing_iface: /etc/ofxdp/ofxdp.conf exists"
else
	expect_usage attach_missing_iface \
		"ofxdp attach: missing IFACE (or [capture] interface in the configuration file)" attach
fi
expect_usage oftraf_missing_ifname "ofxdp: missing --ifname IFACE" \
	--rest-host 127.0.0.1 --rest-port 18999 --server
expect_usage read_unknown_option "ofxdp read: unrecognized option '--ring-size'" \
	read "$PCAP" --ring-size 64M
expect_usage read_extra_argument "ofxdp read: unexpected argument 'extra'" \
	read "$PCAP" extra
expect_usage attach_server_without_rest \
	"ofxdp attach: --server needs a REST address (--rest HOST:PORT or [rest] address)" \
	attach nosuch0 --server

# ---------------------------------------------------------------------------
# Sizes and durations with units (nosuch0: parsed, then no such interface).

for s in 64M 1G 4096 64K 4K 256KiB 16m; do
	expect_parsed "ring_size_$s" attach nosuch0 --ring-size "$s"
done
for s in 0x1000 010000 " 4096" "4096 " 64Q 64Mx 3K 2G 2048 0 -4096 +4096 ""; do
	expect_usage "ring_size_rejected_'$s'" \
		"ofxdp attach: bad ring size '$s': want a power of two from 4K to 1G, e.g. 64M" \
		attach nosuch0 --ring-size "$s"
done
for d in 30s 5m 1h 250ms 2 1.5 0.5s; do
	expect_parsed "duration_$d" attach nosuch0 --duration "$d"
done
for d in nan inf -5 0 0s 0.0 1e3 "5 m" 5x " 5" 0x10 ""; do
	expect_usage "duration_rejected_'$d'" \
		"ofxdp attach: bad duration '$d': want a number > 0 with unit ms, s, m or h, e.g. 30s" \
		attach nosuch0 --duration "$d"
done
for i in 100ms 0.1 1 2s; do
	expect_parsed "interval_$i" attach nosuch0 --interval "$i"
done
expect_parsed attach_json attach nosuch0 --json
expect_usage attach_json_server \
	"ofxdp attach: --json is the console's form: --server has no console" \
	attach nosuch0 --json --rest 127.0.0.1:18999 --server
for i in 50ms 0.05 nan 0; do
	expect_usage "interval_rejected_$i" \
		"ofxdp attach: bad interval '$i': want a duration of at least 100ms, e.g. 1s or 500ms" \
		attach nosuch0 --interval "$i"
done
expect_parsed oftraf_command_line --rest-host 127.0.0.1 --rest-port 18999 \
	--of-port 6653 --ifname nosuch0 --server

# ---------------------------------------------------------------------------
# REST hosts are written out: "" or "0" never silently means every address.

REST_HOST_WANT="want an IPv4 address in full (0.0.0.0: every address), [IPv6] or a host name"
for h in 0 127.1 010.0.0.1 0x7f.0.0.1 "a b"; do
	expect_usage "rest_host_rejected_'$h'" \
		"ofxdp attach: bad REST host '$h' in '$h:18999': $REST_HOST_WANT" \
		attach nosuch0 --rest "$h:18999"
done
expect_usage "rest_empty_host" "ofxdp attach: bad REST address ':18999' (want HOST:PORT or [V6ADDR]:PORT)" \
	attach nosuch0 --rest ":18999"
for h in "" 0; do
	expect_usage "oftraf_rest_host_rejected_'$h'" \
		"ofxdp: bad REST host '$h' in '$h': $REST_HOST_WANT" \
		--rest-host "$h" --rest-port 18999 --ifname nosuch0
done
for a in 0.0.0.0:18999 "[::]:18999" "[::1]:18999" localhost:18999; do
	expect_parsed "rest_host_$a" attach nosuch0 --rest "$a"
done
printf '[rest]\naddress = 0:18999\n' >"$TMP/zero.conf"
run attach nosuch0 --config "$TMP/zero.conf"
if [ "$RC" = 1 ] && grep -q "zero.conf:2: bad value for \[rest\] address: '0:18999'" "$ERR"; then
	ok config_rest_host_zero
else
	ko config_rest_host_zero "exit $RC: $(first_err)"
fi

# A rejected argument is echoed short: 64 characters, then "...".
ports=$(seq -s, 1 10000)
run attach nosuch0 --of-port "$ports"
len=$(head -1 "$ERR" | wc -c)
if [ "$RC" = 64 ] && [ "$len" -lt 200 ] &&
	[ "$(first_err)" = "ofxdp attach: bad port list '${ports:0:64}...': want ports 1-65535, comma separated, at most 64" ]; then
	ok "long_port_list_echo_truncated ($len bytes, list ${#ports})"
else
	ko long_port_list_echo_truncated "exit $RC, $len bytes: $(first_err | cut -c1-120)"
fi
expect_usage short_arg_echoed_whole "ofxdp attach: bad ring size '64Q': want a power of two from 4K to 1G, e.g. 64M" \
	attach nosuch0 --ring-size 64Q

# read takes none of attach's options.
for o in "--mode tc" "--rest 127.0.0.1:18999" "--ring-size 64M" "--duration 5s" \
	"--interval 1s" "--server" "--pin" "--user nobody" "--rest-token x"; do
	# shellcheck disable=SC2086
	expect_usage "read_rejects_${o%% *}" "ofxdp read: unrecognized option '${o%% *}'" \
		read "$PCAP" $o
done

# ---------------------------------------------------------------------------
# REST security options (checked before the interface: no root needed).

printf '0123456789abcdefghijXYZ\n' >"$TMP/token"
chmod 600 "$TMP/token"
printf '0123456789abcdefghijXYZ\n' >"$TMP/token-644"
chmod 644 "$TMP/token-644"
expect_parsed rest_token_0600 attach nosuch0 --rest 127.0.0.1:18999 --rest-token "$TMP/token"
run attach nosuch0 --rest 127.0.0.1:18999 --rest-token "$TMP/token-644"
if [ "$RC" = 1 ] && [ "$(cat "$ERR")" = "ofxdp: REST token: $TMP/token-644 may be read or written by every user (mode 0644): refused; chmod o-rwx $TMP/token-644" ]; then
	ok rest_token_world_readable_refused
else
	ko rest_token_world_readable_refused "exit $RC: $(first_err)"
fi
run attach nosuch0 --rest 127.0.0.1:18999 --rest-token "$TMP/no-such-token"
if [ "$RC" = 1 ] && grep -q "REST token: cannot read $TMP/no-such-token: No such file" "$ERR"; then
	ok rest_token_missing
else
	ko rest_token_missing "exit $RC: $(first_err)"
fi
printf 'short\n' >"$TMP/token-short"
chmod 600 "$TMP/token-short"
run attach nosuch0 --rest 127.0.0.1:18999 --rest-token "$TMP/token-short"
if [ "$RC" = 1 ] && grep -q "token-short: want one line of 16 to 1024 characters" "$ERR"; then
	ok rest_token_too_short
else
	ko rest_token_too_short "exit $RC: $(first_err)"
fi
expect_usage rest_token_needs_rest \
	"ofxdp attach: --rest-cors, --rest-token and --rest-tls-* need a REST address (--rest HOST:PORT or [rest] address)" \
	attach nosuch0 --rest-token "$TMP/token"
expect_usage rest_tls_cert_needs_key "ofxdp attach: --rest-tls-cert and --rest-tls-key go together" \
	attach nosuch0 --rest 127.0.0.1:18999 --rest-tls-cert "$TMP/token"
for o in "*" null "https://x.org/" "x.org" "https://X.org"; do
	expect_usage "rest_cors_rejected_'$o'" \
		"ofxdp attach: bad CORS origin '$o': want an origin, e.g. https://dash.example.org:8443" \
		attach nosuch0 --rest 127.0.0.1:18999 --rest-cors "$o"
done
# --metrics-max-switches: 0 to 1024 switches with series of their own.
for n in 1025 -1 01 x ""; do
	expect_usage "metrics_max_switches_rejected_'$n'" \
		"ofxdp attach: bad --metrics-max-switches '$n': want a number of switches from 0 to 1024" \
		attach nosuch0 --rest 127.0.0.1:18999 --metrics-max-switches "$n"
done
for n in 0 1 1024; do
	expect_parsed "metrics_max_switches_$n" attach nosuch0 --rest 127.0.0.1:18999 --metrics-max-switches "$n"
done
run help attach
if [ "$RC" = 0 ] && grep -q -- "--metrics-max-switches=N" "$OUT" && grep -q "/metrics" "$OUT"; then
	ok help_attach_metrics
else
	ko help_attach_metrics "exit $RC: no --metrics-max-switches=N or /metrics in 'ofxdp help attach'"
fi
expect_parsed rest_cors_origin attach nosuch0 --rest 127.0.0.1:18999 --rest-cors https://dash.example.org:8443
run attach nosuch0 --user no-such-user-ofx
if [ "$RC" = 1 ] && [ "$(cat "$ERR")" = "ofxdp: no such user: no-such-user-ofx" ]; then
	ok user_unknown
else
	ko user_unknown "exit $RC: $(first_err)"
fi
expect_parsed user_nobody attach nosuch0 --user nobody
if [ -r "$TMP/token" ] && command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=localhost -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
	chmod 644 "$TMP/key.pem"
	run attach nosuch0 --rest 127.0.0.1:18999 --rest-tls-cert "$TMP/cert.pem" --rest-tls-key "$TMP/key.pem"
	if [ "$RC" = 1 ] && grep -q "REST TLS key: $TMP/key.pem may be read or written by every user" "$ERR"; then
		ok rest_tls_key_world_readable_refused
	else
		ko rest_tls_key_world_readable_refused "exit $RC: $(first_err)"
	fi
	chmod 600 "$TMP/key.pem"
	expect_parsed rest_tls_files attach nosuch0 --rest 127.0.0.1:18999 \
		--rest-tls-cert "$TMP/cert.pem" --rest-tls-key "$TMP/key.pem"
else
	skip rest_tls_files "openssl not installed"
fi
# The [rest] keys, files relative to the configuration file.
mkdir -p "$TMP/sec"
cp "$TMP/token-644" "$TMP/sec/tok"
printf '[capture]\nuser = nobody\n[rest]\naddress = 127.0.0.1:18999\ncors = http://localhost:3000\ntoken_file = tok\n' >"$TMP/sec/ofxdp.conf"
run attach nosuch0 --config "$TMP/sec/ofxdp.conf"
if [ "$RC" = 1 ] && grep -q "REST token: $TMP/sec/tok may be read or written by every user" "$ERR"; then
	ok config_rest_token_file_relative
else
	ko config_rest_token_file_relative "exit $RC: $(first_err)"
fi
chmod 600 "$TMP/sec/tok"
expect_parsed config_rest_security_keys attach nosuch0 --config "$TMP/sec/ofxdp.conf"
run help attach
if grep -q -- "--rest-token=FILE" "$OUT" && grep -q -- "--rest-cors=ORIGIN" "$OUT" &&
	grep -q -- "--rest-tls-cert=FILE" "$OUT" && grep -q -- "--user=NAME" "$OUT" &&
	grep -q "POST /stop" "$OUT"; then
	ok help_attach_rest_security
else
	ko help_attach_rest_security "missing options in 'ofxdp help attach'"
fi

# ---------------------------------------------------------------------------
# --version.

run --version
v=$(cat "$OUT")
if [ "$RC" = 0 ] && [[ "$v" =~ ^ofxdp\ [^\ ]+$ ]]; then
	ok "version ($v)"
else
	ko version "exit $RC: '$v'"
fi
for a in version "attach --version" "read -V"; do
	# shellcheck disable=SC2086
	run $a
	if [ "$RC" = 0 ] && [ -n "$v" ] && [ "$(cat "$OUT")" = "$v" ]; then
		ok "version_${a// /_}"
	else
		ko "version_${a// /_}" "exit $RC: '$(cat "$OUT")', want '$v'"
	fi
done

# ---------------------------------------------------------------------------
# Configuration file.

mkdir -p "$TMP/etc"
echo "10.0.0.50 file-switch" >"$TMP/etc/names.txt"
echo "10.0.0.50 cli-switch" >"$TMP/cli-names.txt"
cat >"$TMP/etc/ok.conf" <<'EOF'
# ofxdp configuration for the tests
[capture]
ports = 6633
ring_size = 4M ; comment

[switches]
names = names.txt
EOF

# read_check NAME WANT ARGS... - `ofxdp read PCAP ARGS --json` gives the
# ports and the name of switch 10.0.0.50 as WANT ("PORTS NAME").
read_check() {
	local name=$1 want=$2 got
	shift 2
	run read "$PCAP" "$@" --json
	if [ "$RC" != 0 ]; then
		ko "$name" "exit $RC: $(first_err)"
		return
	fi
	got=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
names = [s["name"] for s in d["switches"] if s["address"] == "10.0.0.50"]
print(d["ports"], names[0] if names else None)' "$OUT" 2>&1)
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		ko "$name" "got '$got', want '$want'"
	fi
}

# Control: without the file, ports 6653,6633 and no name.
read_check config_control "6653,6633 None"
# The file's ports and names (relative to the file) apply, run from
# elsewhere.
RUN_DIR=/ read_check config_applied "6633 file-switch" --config "$TMP/etc/ok.conf"
read_check config_overridden "6653,6633 cli-switch" --config "$TMP/etc/ok.conf" \
	--of-port 6653,6633 --switch-names "$TMP/cli-names.txt"
# Options before --config win too (the file is read after all options).
read_check config_overridden_before "6633,6653 file-switch" --of-port 6633,6653 -c "$TMP/etc/ok.conf"

# attach: [capture] interface is the IFACE unless the command line has one.
cat >"$TMP/attach.conf" <<'EOF'
[capture]
interface = nosuch0
mode = pcap
[rest]
address = [::1]:18999
server = yes
EOF
expect_parsed config_interface attach --config "$TMP/attach.conf"
run attach nosuch1 --config "$TMP/attach.conf"
if [ "$RC" = 1 ] && [ "$(cat "$ERR")" = "ofxdp: no such interface: nosuch1" ]; then
	ok config_interface_overridden
else
	ko config_interface_overridden "exit $RC: $(first_err)"
fi

# config_error NAME WANT_LINE CONTENT [COMMAND] - a file with CONTENT makes
# ofxdp exit 1 with exactly WANT_LINE (FILE stands for the file's path).
config_error() {
	local name=$1 want=$2 cmd=${4:-read}
	printf '%b' "$3" >"$TMP/$name.conf"
	want=${want//FILE/$TMP/$name.conf}
	if [ "$cmd" = read ]; then
		run read "$PCAP" --config "$TMP/$name.conf"
	else
		run attach nosuch0 --config "$TMP/$name.conf"
	fi
	if [ "$RC" != 1 ]; then
		ko "$name" "exit $RC, want 1: $(first_err)"
	elif [ "$(cat "$ERR")" != "$want" ]; then
		ko "$name" "got '$(cat "$ERR")', want '$want'"
	else
		ok "$name"
	fi
}

config_error config_unknown_key "ofxdp read: FILE:3: unknown key 'port' in [capture]" \
	'[capture]\nports = 6633\nport = 6633\n'
config_error config_unknown_section \
	"ofxdp read: FILE:4: unknown section [capturer] (want [capture], [rest], [switches], [events] or [threshold NAME])" \
	'# x\n[capture]\nports = 6633\n[capturer]\n'
config_error config_bad_threshold_window \
	"ofxdp read: FILE:4: bad value for [threshold t] window: '0' (want whole seconds, 1 to 60)" \
	'[threshold t]\nmetric = packet_in_rate\nvalue = 1\nwindow = 0\n'
config_error config_bad_threshold_key \
	"ofxdp read: FILE:2: unknown key 'limit' in [threshold t] (want metric, value, window, switch, kind or counter)" \
	'[threshold t]\nlimit = 1\n'
config_error config_bad_threshold_metric \
	"ofxdp: FILE: [threshold t]: unknown metric nope (see GET /api/v1/thresholds: metrics)" \
	'[threshold t]\nmetric = nope\nvalue = 1\n' attach
config_error config_bad_events_key "ofxdp read: FILE:2: unknown key 'hook' in [events]" \
	'[events]\nhook = /bin/true\n'
config_error config_key_outside_section "ofxdp read: FILE:2: key 'ports' outside a section" \
	'; comment\nports = 6633\n'
config_error config_bad_ring_size \
	"ofxdp read: FILE:5: bad value for [capture] ring_size: '0x1000' (want a power of two from 4K to 1G, e.g. 64M)" \
	'[capture]\n\n# c\nports = 6633\nring_size = 0x1000\n'
config_error config_bad_ports \
	"ofxdp attach: FILE:2: bad value for [capture] ports: '70000' (want ports 1-65535, comma separated, at most 64)" \
	'[capture]\nports = 70000\n' attach
config_error config_bad_server \
	"ofxdp attach: FILE:3: bad value for [rest] server: 'maybe' (want yes/no, true/false, on/off or 1/0)" \
	'[rest]\naddress = 127.0.0.1:18999\nserver = maybe\n' attach
config_error config_bad_address \
	"ofxdp attach: FILE:2: bad value for [rest] address: '127.0.0.1' (want HOST:PORT or [V6ADDR]:PORT)" \
	'[rest]\naddress = 127.0.0.1\n' attach
config_error config_bad_cors \
	"ofxdp attach: FILE:2: bad value for [rest] cors: '*' (want an origin, e.g. https://dash.example.org:8443)" \
	'[rest]\ncors = *\n' attach
config_error config_bad_metrics_switches \
	"ofxdp attach: FILE:2: bad value for [rest] metrics_max_switches: '2000' (want a number of switches from 0 to 1024)" \
	'[rest]\nmetrics_max_switches = 2000\n' attach
config_error config_bad_mode \
	"ofxdp attach: FILE:2: bad value for [capture] mode: 'xdpp' (want auto, xdp, tc or pcap)" \
	'[capture]\nmode = xdpp\n' attach
config_error config_syntax_error \
	"ofxdp read: FILE:3: syntax error (want [section], key = value or a # comment)" \
	'[capture]\nports = 6633\nring_size 64M\n'
# A value the command line overrides is still checked.
printf '[capture]\nports = 6633\nring_size = 64Q\n' >"$TMP/overridden-bad.conf"
run attach nosuch0 --ring-size 64M --config "$TMP/overridden-bad.conf"
if [ "$RC" = 1 ] && grep -q "overridden-bad.conf:3: bad value for \[capture\] ring_size" "$ERR"; then
	ok config_overridden_value_checked
else
	ko config_overridden_value_checked "exit $RC: $(first_err)"
fi
run read "$PCAP" --config "$TMP/no-such.conf"
if [ "$RC" = 1 ] &&
	[ "$(cat "$ERR")" = "ofxdp read: cannot read configuration file $TMP/no-such.conf: No such file or directory" ]; then
	ok config_missing_file
else
	ko config_missing_file "exit $RC: $(first_err)"
fi

# ---------------------------------------------------------------------------
# Latency options: the window's bounds, --no-latency.

for w in nan inf 0 0.5ms 2h -1s; do
	expect_usage "latency_window_rejected_'$w'" \
		"ofxdp read: bad latency window '$w': want a duration from 1ms to 1h, e.g. 5s" \
		read "$PCAP" --latency-window "$w"
done
run read "$PCAP" --of-port 6633 --json --latency-window 100ms
a=$(py_json "$OUT" 'd["latency"]["features"]["controller"]')
run read "$PCAP" --of-port 6633 --json
b=$(py_json "$OUT" 'd["latency"]["features"]["controller"]')
# p3295: the FEATURES_REPLY comes 807 ms after its request
if [ "$a" != "$b" ] && grep -q '"unreplied": 1' <<<"$a" &&
	grep -q '"count": 1' <<<"$b"; then
	ok "latency_window_applies"
else
	ko latency_window_applies "100ms: $a; default: $b"
fi
run read "$PCAP" --of-port 6633 --json --no-latency
if [ "$RC" = 0 ] && [ "$(py_json "$OUT" '"latency" in d')" = False ]; then
	ok "no_latency_read"
else
	ko no_latency_read "exit $RC: $(py_json "$OUT" 'd.get("latency")')"
fi

# ---------------------------------------------------------------------------
# Error exits free what they allocated: the same errors under an
# AddressSanitizer build (LeakSanitizer on), which must report nothing.

ASAN_BIN=$ROOT/build/asan/ofxdp
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" BUILD=build/asan \
	EXTRA_CFLAGS="-fsanitize=address -fno-omit-frame-pointer" \
	EXTRA_LDFLAGS=-fsanitize=address build/asan/ofxdp >"$TMP/asan-build.log" 2>&1; then
	printf 'not a capture' >"$TMP/garbage.pcap"
	printf '[capture]\nports = 70000\n' >"$TMP/bad-ports.conf"
	asan_case() {
		local want=$1 rc
		shift
		ASAN_OPTIONS=detect_leaks=1:exitcode=99 LSAN_OPTIONS=exitcode=98 \
			timeout 60 "$ASAN_BIN" "$@" >/dev/null 2>"$TMP/asan.err"
		rc=$?
		if [ "$rc" = "$want" ] && ! grep -q "Sanitizer" "$TMP/asan.err"; then
			ok "asan_clean_exit_$want: $*"
		else
			ko "asan_clean_exit_$want: $*" "exit $rc: $(grep -m1 "SUMMARY\|ERROR" "$TMP/asan.err")"
		fi
	}
	asan_case 64 read "$PCAP" --mode tc
	asan_case 64 read "$PCAP" --of-port 70000
	asan_case 1 read "$TMP/no-such.pcap"
	asan_case 1 read "$TMP/garbage.pcap" --json
	asan_case 1 read "$PCAP" --switch-names "$TMP/no-such-names"
	asan_case 1 read "$PCAP" --config "$TMP/bad-ports.conf"
	asan_case 0 read "$PCAP" --json
	asan_case 1 attach nosuch0 --rest 127.0.0.1:18999 --server
	asan_case 1 attach nosuch0 --rest 127.0.0.1:18999 --rest-token "$TMP/token-644"
	asan_case 1 attach nosuch0 --user no-such-user-ofx
	asan_case 64 attach nosuch0 --rest 0:18999
else
	skip asan_clean_exits "no AddressSanitizer build: $(grep -m1 -i error "$TMP/asan-build.log")"
fi

# ---------------------------------------------------------------------------
# Root: a live attach on lo stops after --duration (libpcap: no BPF needed).

if [ "$(id -u)" != 0 ]; then
	echo "SKIP attach_duration: needs root"
else
	start=$(date +%s%N)
	run attach lo --mode pcap --of-port 16699 --duration 1500ms --interval 250ms
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$RC" = 0 ] && [ "$ms" -ge 1400 ] && [ "$ms" -lt 6000 ] &&
		grep -q "^ofxdp: pcap mode: " "$ERR"; then
		ok "attach_duration (${ms} ms)"
	else
		ko attach_duration "exit $RC after ${ms} ms: $(first_err)"
	fi
fi

# Root: the console's plain lines to a pipe whose reader goes away: ofxdp
# stops (exit 1) with one warning, not at --duration.
if [ "$(id -u)" != 0 ]; then
	echo "SKIP attach_stdout_closed: needs root"
else
	start=$(date +%s%N)
	timeout 20 "$OFXDP" attach lo --mode pcap --of-port 16699 --interval 100ms \
		--duration 15s 2>"$ERR" | head -2 >"$OUT"
	rc=${PIPESTATUS[0]}
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$rc" = 1 ] && [ "$ms" -lt 10000 ] && [ "$(grep -c "^ts=.* in_msgs=0 " "$OUT")" = 2 ] &&
		[ "$(grep -vc "^ofxdp: pcap mode: " "$ERR")" = 1 ] &&
		grep -q "^ofxdp: warning: stdout closed: stopping$" "$ERR"; then
		ok "attach_stdout_closed (${ms} ms)"
	else
		ko attach_stdout_closed "exit $rc after ${ms} ms: $(tr '\n' '|' <"$ERR")"
	fi
fi

# Root, in a network namespace of its own (unshare -n: its own lo and
# ports): the REST address is printed as written ([::1]:PORT), and one that
# is not loopback draws a warning.
# run_ns ARGS... - run with ofxdp in a new network namespace, lo up.
run_ns() {
	unshare -n sh -c 'ip link set lo up && exec timeout 20 "$@"' sh "$OFXDP" "$@" \
		>"$OUT" 2>"$ERR"
	RC=$?
}
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
	skip rest_address_printed "needs root and unshare -n"
else
	live=(attach lo --mode pcap --of-port 16699 --server --duration 500ms)
	run_ns "${live[@]}" --rest "[::1]:18999"
	if [ "$RC" = 0 ] && grep -q "^ofxdp: pcap mode: .*; REST on \[::1\]:18999$" "$ERR" &&
		! grep -q "warning" "$ERR"; then
		ok rest_address_printed_v6
	else
		ko rest_address_printed_v6 "exit $RC: $(grep "REST on\|rror" "$ERR" | head -1)"
	fi
	run_ns "${live[@]}" --rest 127.0.0.1:18999
	if [ "$RC" = 0 ] && grep -q "REST on 127.0.0.1:18999$" "$ERR" && ! grep -q "warning" "$ERR"; then
		ok rest_loopback_no_warning
	else
		ko rest_loopback_no_warning "exit $RC: $(head -2 "$ERR" | tr '\n' '|')"
	fi
	run_ns "${live[@]}" --rest 0.0.0.0:18999
	if [ "$RC" = 0 ] && [ "$(first_err)" = "ofxdp: warning: REST on 0.0.0.0:18999 is not a loopback address: other hosts can connect and read every counter (switch addresses, datapath ids) and stop ofxdp without a token (--rest-token)" ]; then
		ok rest_any_address_warning
	else
		ko rest_any_address_warning "exit $RC: $(first_err)"
	fi
	run_ns "${live[@]}" --rest "[::]:18999" --rest-token "$TMP/token"
	if [ "$RC" = 0 ] && [ "$(first_err)" = "ofxdp: warning: REST on [::]:18999 is not a loopback address: other hosts can connect; the token travels in clear text (--rest-tls-cert, --rest-tls-key)" ]; then
		ok rest_any_address_token_warning
	else
		ko rest_any_address_token_warning "exit $RC: $(first_err)"
	fi
fi

# ---------------------------------------------------------------------------
# watch: bad input gets one clear error (exit 64), never a crash.

W=tests/fixtures/tcpdump-tests/of10_p3295.pcap
watch_err() { # NAME EXPECTED-FIRST-ERR-LINE ARGS...
	local name=$1 want=$2
	shift 2
	run watch "$@"
	if [ "$RC" = 64 ] && [ "$(first_err)" = "$want" ]; then
		ok "$name"
	else
		ko "$name" "exit $RC: $(first_err)"
	fi
}
watch_err watch_no_input "ofxdp watch: missing IFACE or -r FILE"
watch_err watch_both_inputs "ofxdp watch: IFACE or -r FILE, not both" eth0 -r "$W"
watch_err watch_bad_type "ofxdp watch: unknown message type 'PACKET_INN'" -r "$W" --type PACKET_IN,PACKET_INN
watch_err watch_bad_version "ofxdp watch: unknown version '1.6' (1.0 to 1.5)" -r "$W" --of-version 1.6
watch_err watch_bad_direction "ofxdp watch: direction 'sideways': in, out or both" -r "$W" -d sideways
watch_err watch_bad_switch "ofxdp watch: switch '0xzz': a datapath_id (0x1, 00:00:00:00:00:00:00:01) or IP[:port]" -r "$W" --switch 0xzz
watch_err watch_bad_xid "ofxdp watch: xid '-1': 0 to 4294967295" -r "$W" --xid -1
watch_err watch_bad_inner "ofxdp watch: bad frame filter 'ether hostt 1': can't parse filter expression: syntax error" -r "$W" --inner 'ether hostt 1'
watch_err watch_bad_count "ofxdp watch: bad count '0': want a number from 1" -r "$W" -c 0
watch_err watch_rotate_without_w "ofxdp watch: -C, -G and --print go with -w FILE" -r "$W" -C 10
watch_err watch_mode_with_file "ofxdp watch: --mode and --ring-size are for a live IFACE, not -r FILE" -r "$W" --mode tc
run watch -r "$W" -w /nonexistent-dir/x.pcap
if [ "$RC" = 1 ] && first_err | grep -q "^ofxdp: cannot write /nonexistent-dir/x.pcap: "; then
	ok watch_write_unwritable
else
	ko watch_write_unwritable "exit $RC: $(first_err)"
fi
run watch -r "$W" -c 3
if [ "$RC" = 0 ] && [ "$(wc -l <"$OUT")" = 3 ] && grep -q "^3 messages taken of " "$ERR"; then
	ok watch_count_limit
else
	ko watch_count_limit "exit $RC: $(wc -l <"$OUT") lines, $(tail -1 "$ERR")"
fi

summary
