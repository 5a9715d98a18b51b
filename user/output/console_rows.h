/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console_rows.h - the console's views as tables of rows, built from the
 * published snapshots only (no terminal here): message types, the
 * subtypes of one type, switches, latency, recent events and the loss /
 * reassembly counters of the descriptor table. console_tui.c draws them.
 */
#ifndef OFX_CONSOLE_ROWS_H
#define OFX_CONSOLE_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/stats.h"
#include "output/console_events.h"

#define OFX_CROW_COLS 9
#define OFX_CROW_CELL 120

/**
 * struct ofx_ccol - one column.
 * @title:    header
 * @width:    cells are this wide; 0: what the others leave (else the
 *            first column takes it)
 * @left:     left-aligned (text)
 * @min_cols: shown only on terminals at least this wide (0: always)
 */
struct ofx_ccol {
	const char *title;
	int width;
	bool left;
	int min_cols;
};

/**
 * struct ofx_crow - one row: its cells as shown and their sort keys
 * (text columns: the row's natural order); @version/@type: the message
 * type of a types row (Enter shows its subtypes).
 */
struct ofx_crow {
	char cell[OFX_CROW_COLS][OFX_CROW_CELL];
	double key[OFX_CROW_COLS];
	uint8_t version, type;
};

/**
 * struct ofx_ctable - a view's rows.
 * @cols/@ncols: its columns
 * @rows/@n/@cap: its rows (the table owns them)
 * @note: one line about the view ("" if none)
 */
struct ofx_ctable {
	const struct ofx_ccol *cols;
	unsigned int ncols;
	struct ofx_crow *rows;
	unsigned int n, cap;
	char note[160];
};

/** enum ofx_cview - the console's views, in key order (1-6). */
enum ofx_cview {
	OFX_CV_TYPES,
	OFX_CV_SUBTYPES,
	OFX_CV_SWITCHES,
	OFX_CV_LATENCY,
	OFX_CV_EVENTS,
	OFX_CV_LOSS,
	OFX_CV_N,
};

/** ofx_cview_name() - "types", "subtypes", ... */
const char *ofx_cview_name(unsigned int view);

/**
 * struct ofx_csnap - what a view is built from: the newest snapshot @cur,
 * an older one @prev for rates (prev->ts_ns == 0: none; then rates from
 * @start_ns, from zero), the views @v (may be NULL), the recent events
 * @ev (may be NULL); subtypes of @sub_version/@sub_type only when
 * @sub_filter.
 */
struct ofx_csnap {
	const struct ofx_stats *cur;
	const struct ofx_stats *prev;
	const struct ofx_views *v;
	const struct ofx_cevents *ev;
	uint64_t start_ns;
	uint64_t epoch_offset_ns;
	bool sub_filter;
	uint8_t sub_version, sub_type;
};

/**
 * ofx_ctable_build() - fill @t (emptied first) with @view's rows from @s,
 * in their natural order. Return: 0 or -ENOMEM (then @t holds what fit).
 */
int ofx_ctable_build(struct ofx_ctable *t, unsigned int view,
		     const struct ofx_csnap *s);

/**
 * ofx_ctable_default_sort() - the column @view sorts by at first and
 * whether descending (@desc).
 */
unsigned int ofx_ctable_default_sort(unsigned int view, bool *desc);

/**
 * ofx_ctable_sort() - sort @t's rows by column @col (ascending, or
 * descending with @desc; equal keys keep their natural order).
 */
void ofx_ctable_sort(struct ofx_ctable *t, unsigned int col, bool desc);

/** ofx_ctable_free() - free @t's rows (not @t). */
void ofx_ctable_free(struct ofx_ctable *t);

/**
 * ofx_fmt_ns() - @ns as "812ns", "12.3us", "4.56ms", "1.23s" into @buf
 * (16 bytes). Return: @buf.
 */
const char *ofx_fmt_ns(uint64_t ns, char *buf);

/** ofx_fmt_count() - @n as "12345", "1.23M", "45.6G" within 8 chars. */
const char *ofx_fmt_count(uint64_t n, char *buf);

#endif
