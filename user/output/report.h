/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * report.h - counters as JSON (jansson) in the oftraf shapes and ofxdp's
 * full shape, and as a console table.
 */
#ifndef OFX_REPORT_H
#define OFX_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "output/rest.h"
#include "analysis/stats.h"

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
 * ofx_json_full() - /api/v1/stats: every version, type and direction,
 * totals, rates over [prev, cur] (prev->ts_ns == 0 or prev NULL: rates
 * since @start_ns from zero), loss and reassembly counters, connections and
 * @info. @conns may be NULL when @nconns is 0.
 */
json_t *ofx_json_full(const struct ofx_stats *cur, const struct ofx_stats *prev,
		      uint64_t start_ns, const struct ofx_conn_info *conns,
		      unsigned int nconns, const struct ofx_run_info *info);

/**
 * ofx_console_print() - one console frame: header (mode, interface, uptime),
 * totals and rates per direction, a per-type table for each version seen,
 * loss counters. @clear: start with an ANSI clear-screen.
 */
void ofx_console_print(FILE *out, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, uint64_t start_ns,
		       const struct ofx_run_info *info, int clear);

/**
 * ofx_text_report() - final counters of `ofxdp read` as plain text tables
 * (same content as the console without rates).
 */
void ofx_text_report(FILE *out, const struct ofx_stats *st,
		     const struct ofx_run_info *info);

#endif
