/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console_lines.h - the live console when stdout is not a terminal: one
 * plain line per interval (key=value pairs: totals, rates, connections,
 * loss), or with --json one NDJSON snapshot per interval (the document of
 * /api/v1/stats, ofx_json_full(), on one line).
 */
#ifndef OFX_CONSOLE_LINES_H
#define OFX_CONSOLE_LINES_H

#include <stdio.h>

#include "analysis/stats.h"
#include "output/rest.h"

/**
 * ofx_console_line() - one line about @cur to @f: "ts=... uptime_s=...
 * in_msgs=N out_msgs=N in_msgs_per_s=X out_msgs_per_s=X in_bytes=N
 * out_bytes=N conns_open=N conns_total=N switches=N records_lost=N
 * pcap_drop=N" (pcap_drop: libpcap's and the interface's), rates over [@prev, @cur] (prev->ts_ns == 0: since
 * @info->start_ns). Return: 0 or -EIO.
 */
int ofx_console_line(FILE *f, const struct ofx_stats *cur,
		     const struct ofx_stats *prev,
		     const struct ofx_run_info *info);

/**
 * ofx_console_ndjson() - ofx_json_full(@cur, @prev, @v, @info) as one
 * line to @f. Return: 0, -ENOMEM or -EIO.
 */
int ofx_console_ndjson(FILE *f, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, const struct ofx_views *v,
		       const struct ofx_run_info *info);

#endif
