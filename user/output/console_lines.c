// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console_lines.c - the console as plain periodic lines or NDJSON (see
 * console_lines.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include "output/console_lines.h"
#include "output/report.h"

int ofx_console_line(FILE *f, const struct ofx_stats *cur,
		     const struct ofx_stats *prev,
		     const struct ofx_run_info *info)
{
	const struct ofx_stats *base = NULL;
	uint64_t start = info->start_ns;
	double dt = 0.0, r[OFX_NDIRS];
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];

	if (prev && prev->ts_ns && cur->ts_ns > prev->ts_ns) {
		base = prev;
		dt = (double)(cur->ts_ns - prev->ts_ns) / 1e9;
	} else if (cur->ts_ns > start) {
		dt = (double)(cur->ts_ns - start) / 1e9;
	}
	for (int d = 0; d < OFX_NDIRS; d++) {
		uint64_t then = base ? base->msgs.total[d].msgs : 0;

		r[d] = dt > 0 && cur->msgs.total[d].msgs >= then
			       ? (double)(cur->msgs.total[d].msgs - then) / dt
			       : 0.0;
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f,
		"ts=%s uptime_s=%.1f in_msgs=%" PRIu64 " out_msgs=%" PRIu64
		" in_msgs_per_s=%.1f out_msgs_per_s=%.1f in_bytes=%" PRIu64
		" out_bytes=%" PRIu64 " conns_open=%" PRIu64
		" conns_total=%" PRIu64 " switches=%" PRIu64
		" records_lost=%" PRIu64 " pcap_drop=%" PRIu64 "\n",
		ts,
		cur->ts_ns > start ? (double)(cur->ts_ns - start) / 1e9 : 0.0,
		cur->msgs.total[0].msgs, cur->msgs.total[1].msgs, r[0], r[1],
		cur->msgs.total[0].bytes, cur->msgs.total[1].bytes,
		cur->reasm.connections_active, cur->reasm.connections_total,
		cur->sw.switches, cur->src.records_lost,
		cur->src.pcap_drop + cur->src.pcap_ifdrop);
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int ofx_console_ndjson(FILE *f, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, const struct ofx_views *v,
		       const struct ofx_run_info *info)
{
	json_t *j = ofx_json_full(cur, prev, v, info);
	int rc = 0;

	if (!j)
		return -ENOMEM;
	if (json_dumpf(j, f,
		       JSON_COMPACT | JSON_PRESERVE_ORDER |
			       JSON_REAL_PRECISION(15)) ||
	    fputc('\n', f) == EOF || fflush(f))
		rc = -EIO;
	json_decref(j);
	return rc;
}
