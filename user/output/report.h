/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * report.h - counters and views as JSON (jansson): oftraf's exact shapes
 * and ofxdp's full documents (report_json.c); and as console / plain-text
 * tables (report_text.c).
 */
#ifndef OFX_REPORT_H
#define OFX_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "analysis/stats.h"
#include "output/rest.h"

/**
 * ofx_json_of_counts() - oftraf /get_of_counts:
 * {"OF_in_counts":[m,b],"OF_out_counts":[m,b],"TCP_OF_in_counts":[s,b],
 *  "TCP_OF_out_counts":[s,b]}. Return: new reference, NULL on ENOMEM.
 */
json_t *ofx_json_of_counts(const struct ofx_stats *st);

/**
 * ofx_json_version_counts() - oftraf /get_of10_counts (@version 1) or
 * /get_of13_counts (4): {"OF10_in_counts":{"OFPT_HELLO":[m,b],..},
 * "OF10_out_counts":{..}}; a type appears once seen. Works for any version.
 */
json_t *ofx_json_version_counts(const struct ofx_stats *st, uint8_t version);

/**
 * ofx_json_full() - /api/v1/stats and `read --json`: run facts, totals and
 * rates over [prev, cur] (prev->ts_ns == 0 or prev NULL: since
 * @info->start_ns from zero; rates_from_capture: over capture time),
 * every version x direction x type with subtypes, details, malformed
 * bodies and multipart transactions, the descriptor-table counters, and
 * the connections of @v (may be NULL); for a file (@info->file) also the
 * switches of @v.
 */
json_t *ofx_json_full(const struct ofx_stats *cur, const struct ofx_stats *prev,
		      const struct ofx_views *v,
		      const struct ofx_run_info *info);

/**
 * ofx_json_connections() - {"connections": [...]}: the open (@state 1),
 * closed (0) or all (-1) connections of @v.
 */
json_t *ofx_json_connections(const struct ofx_views *v, int state,
			     const struct ofx_run_info *info);

/**
 * ofx_json_connections_page() - as ofx_json_connections(), only the
 * @limit connections from the @offset-th on, and "total" (how many of
 * that state there are), "offset" and "limit".
 */
json_t *ofx_json_connections_page(const struct ofx_views *v, int state,
				  size_t offset, size_t limit,
				  const struct ofx_run_info *info);

/**
 * ofx_json_latency() - the latency figures of @v (may be NULL: {}) in
 * @window (enum ofx_lat_window): {KIND: {FROM: {"count", "unreplied",
 * "error_replies", "orphan_replies", ["matched_by_buffer_id",
 * "matched_by_data",] "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
 * "max_ns", "mean_ns"}}}, KIND and FROM as ofx_lat_kind_name() /
 * ofx_lat_from_name(), only those with a non-zero count; percentiles null
 * without pairs. Return: new reference, NULL on ENOMEM.
 */
json_t *ofx_json_latency(const struct ofx_lat_view *v, unsigned int window);

/**
 * ofx_json_latency_doc() - /api/v1/latency: {"enabled" (false: engine off
 * or nothing published yet), "window": "all"|"10s"|"60s",
 * "unreplied_after_ns": N, "overall": LATENCY, "switches": [{"id",
 * "datapath_id", "name", "latency": LATENCY}]} in @window, LATENCY as
 * ofx_json_latency(); switches without figures in @window are left out.
 */
json_t *ofx_json_latency_doc(const struct ofx_views *v, unsigned int window);

/** ofx_json_switches() - {"switches": [...]} of @v. */
json_t *ofx_json_switches(const struct ofx_views *v,
			  const struct ofx_run_info *info);

/**
 * ofx_json_switch() - one switch object (as in /api/v1/switches), with its
 * "latency" from @lat when not NULL: {"all": LATENCY, "10s": LATENCY}
 * ("10s" live only), LATENCY as ofx_json_latency().
 */
json_t *ofx_json_switch(const struct ofx_switch_view *w,
			const struct ofx_lat_views *lat,
			const struct ofx_run_info *info);

/**
 * ofx_views_find_switch() - the switch of @v whose id is @id: a
 * datapath_id (0x-hex, 16 hex digits, colon form) or an address.
 * Return: NULL if none.
 */
const struct ofx_switch_view *ofx_views_find_switch(const struct ofx_views *v,
						    const char *id);

/**
 * ofx_console_print() - one console frame (fits 80 columns and @rows
 * lines): header, totals and rates per direction, per-type rows with their
 * subtypes for each version seen, the busiest switches, loss counters.
 * @clear: start with an ANSI clear-screen.
 */
void ofx_console_print(FILE *out, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, const struct ofx_views *v,
		       const struct ofx_run_info *info, int clear,
		       unsigned int rows);

/**
 * ofx_text_report() - final counters of `ofxdp read` as plain text tables:
 * every type with its subtypes, messages and bytes, the switches, the
 * descriptor-table counters.
 */
void ofx_text_report(FILE *out, const struct ofx_stats *st,
		     const struct ofx_views *v,
		     const struct ofx_run_info *info);

#endif
