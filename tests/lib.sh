# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# tests/lib.sh - what the shell test suites share: PASS/FAIL/SKIP lines and
# the closing "N passed, M failed" line. Source it, then call ok/ko/skip
# per check and finish with `summary` (its status: 1 if anything failed).

pass=0
fail=0

# ok NAME - a check passed.
ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}

# ko NAME REASON - a check failed.
ko() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
}

# skip NAME WHY - a check that cannot run here.
skip() {
	echo "SKIP $1: $2"
}

# summary - the closing line; returns 1 if any check failed.
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
