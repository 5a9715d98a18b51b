/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console.h - the live console of `ofxdp attach`, on a thread of its own
 * that reads the published snapshots (as REST does): the capture thread
 * never waits for the terminal or for whoever reads stdout.
 *
 * What it shows: with --json, one NDJSON snapshot per interval; else on a
 * terminal (stdin and stdout ttys, a TERM with cursor addressing) the
 * full-screen UI of console_tui.h; else one plain line per interval
 * (console_lines.h).
 */
#ifndef OFX_CONSOLE_H
#define OFX_CONSOLE_H

#include <stdbool.h>

#include "analysis/events.h"
#include "analysis/stats.h"
#include "output/rest.h"

/** enum ofx_console_kind - what the console prints. */
enum ofx_console_kind {
	OFX_CONSOLE_TUI,
	OFX_CONSOLE_LINES,
	OFX_CONSOLE_JSON,
};

/**
 * struct ofx_console_opts - how to run it.
 * @pub:        the publication to read
 * @info:       the run's facts (must outlive the console)
 * @interval_s: a snapshot every this many seconds
 * @json:       NDJSON snapshots whatever stdout is
 * @stop_flag:  set to 1 when the user quits the full-screen UI (q)
 * @events:     threshold events shown in the full-screen events view
 *              (NULL: none); must outlive the console
 */
struct ofx_console_opts {
	struct ofx_stats_pub *pub;
	const struct ofx_run_info *info;
	double interval_s;
	bool json;
	volatile int *stop_flag;
	struct ofx_events *events;
};

struct ofx_console;

/**
 * ofx_console_start() - choose the kind and start the thread (the
 * full-screen UI takes the terminal now). Return: 0 or -errno.
 */
int ofx_console_start(const struct ofx_console_opts *o,
		      struct ofx_console **out);

/** ofx_console_kind() - the kind @c chose. */
enum ofx_console_kind ofx_console_kind(const struct ofx_console *c);

/**
 * ofx_console_stop() - end the console once the last snapshot is
 * published: plain lines and NDJSON print it; the full-screen UI gives
 * the terminal back and leaves the final totals as one plain line. Joins
 * the thread and frees @c; output blocked for 2 s more (a pipe nobody
 * reads, a terminal stopped with ^S) is given up (said once, the final
 * snapshot not written). NULL is a no-op. Return: 0, -EIO when stdout
 * could not be written, -EPIPE when its reader was gone (the console then
 * set the stop flag and said so), -ETIMEDOUT when its output was given up
 * (said so).
 */
int ofx_console_stop(struct ofx_console *c);

#endif
