#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Run the libFuzzer harnesses built in DIR (make fuzz / make fuzz-smoke).
#
# Usage: tests/fuzz/run.sh [--smoke] DIR SECONDS JOBS NAME...
#   Each harness NAME (DIR/NAME) first replays its committed corpus
#   (tests/fuzz/corpus/NAME, -runs=0), then fuzzes for SECONDS with the work
#   corpus DIR/corpus-NAME (seeded from the committed one; kept between
#   runs; --smoke: a fresh DIR/smoke-corpus-NAME each time, leaving that
#   one alone), tests/fuzz/openflow.dict for
#   fuzz_stream and fuzz_read, crashes written to DIR/artifacts-NAME/.
#   JOBS harnesses run at once.
#   One summary line per harness; exit status 1 on any finding.
#   fuzz_parse_diff loads BPF programs: skipped (said so) when not root.
set -u

smoke=0
if [ "${1:-}" = "--smoke" ]; then
	smoke=1
	shift
fi
dir=$1 secs=$2 jobs=$3
shift 3
src=$(cd "$(dirname "$0")" && pwd)

max_len() {
	case $1 in
	fuzz_frame) echo 2048 ;;
	fuzz_parse_diff) echo 1514 ;;
	fuzz_stream) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

# One harness; writes its summary line to DIR/NAME.summary, returns 1 on a
# finding.
run_one() {
	local name=$1 bin=$dir/$1 seeds=$src/corpus/$1 log=$dir/$1.log
	local work=$dir/corpus-$1 art=$dir/artifacts-$1/ sum=$dir/$1.summary
	local opts=() rc execs eps cov ft n finding

	if [ "$name" = fuzz_parse_diff ] && [ "$(id -u)" -ne 0 ]; then
		echo "$name: skipped (needs root: loads the BPF programs)" >"$sum"
		return 0
	fi
	if [ "$smoke" = 1 ]; then
		work=$dir/smoke-corpus-$1
		rm -rf "$work"
	fi
	mkdir -p "$work" "$art"
	case $name in
	fuzz_stream | fuzz_read) opts+=("-dict=$src/openflow.dict") ;;
	esac
	opts+=("-max_len=$(max_len "$name")" "-artifact_prefix=$art" -timeout=30
		-print_final_stats=1)
	# The committed corpus, as regression inputs.
	if ! "$bin" "${opts[@]}" -runs=0 "$seeds" >"$log" 2>&1; then
		finding=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
		echo "$name: FAILED replaying tests/fuzz/corpus/$name: ${finding:-see $log}" >"$sum"
		return 1
	fi
	"$bin" "${opts[@]}" -max_total_time="$secs" "$work" "$seeds" >>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	n=$(find "$work" -type f | wc -l)
	finding=0
	if [ "$rc" -ne 0 ]; then
		finding=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
		finding="${finding:-exit $rc, see $log}"
	fi
	printf '%s: %s execs, %s exec/s, cov %s, ft %s, corpus %s, findings %s\n' \
		"$name" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$n" \
		"$finding" >"$sum"
	[ "$rc" -eq 0 ]
}

status=0
running=0
for name in "$@"; do
	rm -f "$dir/$name.summary"
	if [ "$jobs" -gt 1 ]; then
		run_one "$name" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || status=1
			running=$((running - 1))
		fi
	else
		run_one "$name" || status=1
		cat "$dir/$name.summary"
	fi
done
if [ "$jobs" -gt 1 ]; then
	while [ "$running" -gt 0 ]; do
		wait -n || status=1
		running=$((running - 1))
	done
	for name in "$@"; do
		cat "$dir/$name.summary"
	done
fi
exit $status
