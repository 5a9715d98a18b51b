/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * watch.h - `ofxdp watch`'s message consumer: every message the filter
 * takes is printed (a text line or NDJSON, output/msg_print.h) and/or
 * written to a pcap file (output/pcap_writer.h), up to a count.
 */
#ifndef OFX_WATCH_H
#define OFX_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/msg_filter.h"
#include "openflow/of_msg.h"
#include "output/pcap_writer.h"

/**
 * struct ofx_watch - the consumer's state.
 * @filter:    which messages (not owned)
 * @out:       where lines go, or NULL for none
 * @json:      NDJSON instead of text lines
 * @writer:    the pcap writer, or NULL (not owned)
 * @max:       stop after this many messages taken (0: no limit)
 * @epoch_offset_ns: added to message times (live: CLOCK_MONOTONIC)
 * @seen:      messages the pipeline delivered
 * @taken:     messages the filter took (and that were printed/written)
 * @print_errors: lines that could not be written (stdout closed, ENOMEM)
 * @done:      @max reached: the caller stops
 */
struct ofx_watch {
	const struct ofx_msg_filter *filter;
	FILE *out;
	bool json;
	struct ofx_pcap_writer *writer;
	uint64_t max;
	uint64_t epoch_offset_ns;
	uint64_t seen;
	uint64_t taken;
	uint64_t print_errors;
	bool done;
};

/** ofx_watch_sink() - the struct of_msg_sink that feeds @w. */
struct of_msg_sink ofx_watch_sink(struct ofx_watch *w);

/**
 * ofx_watch_summary() - one line to @f: messages seen and taken, lines
 * that failed, and the writer's figures.
 */
void ofx_watch_summary(const struct ofx_watch *w, FILE *f);

#endif
