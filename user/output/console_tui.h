/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console_tui.h - the live console as a top-like full-screen terminal UI
 * (ncurses): a status line (mode, interface, uptime, loss, hooks), totals,
 * six views (types, subtypes, switches, latency, events, loss) switched,
 * scrolled and sorted with keys. It only draws what it is given
 * (console_rows.h tables of the published snapshots) and reads keys: one
 * thread (console.c) owns it.
 */
#ifndef OFX_CONSOLE_TUI_H
#define OFX_CONSOLE_TUI_H

#include <stdio.h>

#include "analysis/stats.h"
#include "output/rest.h"

struct ofx_tui;

/**
 * ofx_tui_usable() - whether a full-screen UI can run: stdin and stdout
 * are terminals and TERM names one with cursor addressing.
 */
int ofx_tui_usable(void);

/**
 * ofx_tui_open() - take over the terminal (stdin/stdout) for @info's run.
 * Return: 0, -ENOTTY (no usable terminal: nothing changed) or -ENOMEM.
 */
int ofx_tui_open(const struct ofx_run_info *info, struct ofx_tui **out);

/**
 * ofx_tui_set_events() - show @ev's threshold events (analysis/events.h;
 * must outlive @t) in the events view too.
 */
void ofx_tui_set_events(struct ofx_tui *t, struct ofx_events *ev);

/**
 * ofx_tui_update() - a new snapshot: @cur, the older @prev (rates) and
 * the views @v (may be NULL; the TUI takes this reference), as read from
 * the publication; redraws. The TUI keeps copies of the counters.
 */
void ofx_tui_update(struct ofx_tui *t, const struct ofx_stats *cur,
		    const struct ofx_stats *prev, struct ofx_views *v);

/**
 * ofx_tui_keys() - wait up to @timeout_ms for keys and act on them
 * (views, selection, sort, help; a terminal resize redraws).
 * Return: 1 when the user asked to quit (q), 2 for a snapshot now
 * (space), else 0.
 */
int ofx_tui_keys(struct ofx_tui *t, int timeout_ms);

/**
 * ofx_tui_message() - show @line (a message ofxdp wrote to stderr) on
 * the bottom line for a while.
 */
void ofx_tui_message(struct ofx_tui *t, const char *line);

/** ofx_tui_close() - give the terminal back as it was; free @t. */
void ofx_tui_close(struct ofx_tui *t);

#endif
