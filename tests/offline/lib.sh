# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# lib.sh - what the offline suites share (sourced from the project root):
# OFXDP (the binary, default ./ofxdp), FIX (the fixtures), TMP (a temp
# directory removed at exit), ok NAME / ko NAME REASON (one line each,
# counted), summary ("N passed, M failed"; status 1 if any failed).
OFXDP=${OFXDP:-./ofxdp}
FIX=tests/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
