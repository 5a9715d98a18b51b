/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * descs.h - the descriptor table of every scalar counter in struct
 * ofx_stats: where it is, its name, group, help text and unit. JSON and the
 * console and Prometheus (/metrics) are generated from it, so adding a
 * counter is one row in descs.c.
 */
#ifndef OFX_DESCS_H
#define OFX_DESCS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/stats.h"

/** enum ofx_desc_kind - counter (only grows) or gauge (goes both ways). */
enum ofx_desc_kind {
	OFX_COUNTER,
	OFX_GAUGE,
};

/**
 * struct ofx_counter_desc - one scalar counter.
 * @group: JSON object it appears in ("reassembly", "protocols", "loss",
 *         "loss.kernel", "switches", "subtypes")
 * @name:  its key there
 * @help:  one line for humans
 * @unit:  "events", "bytes", "segments", "messages", "records",
 *         "connections", "streams" (directions of connections), "switches"
 * @kind:  enum ofx_desc_kind
 * @off:   byte offset of its uint64_t in struct ofx_stats
 * @prom:  its Prometheus family: ofxdp_<prom>, "_total" appended for a
 *         counter; the unit in the name where it has one (_bytes)
 * @prom_labels: its labels in that family ('direction="in"'), NULL: none
 *         (rows of a family with labels are adjacent in the table)
 * @prom_help: the family's HELP when @help describes one labelled series
 *         (set on the family's first row), NULL: @help
 */
struct ofx_counter_desc {
	const char *group;
	const char *name;
	const char *help;
	const char *unit;
	uint8_t kind;
	size_t off;
	const char *prom;
	const char *prom_labels;
	const char *prom_help;
};

/** The table, and its length. */
extern const struct ofx_counter_desc ofx_counter_descs[];
extern const size_t ofx_ncounter_descs;

/** ofx_desc_value() - the value of @d in @st. */
static inline uint64_t ofx_desc_value(const struct ofx_counter_desc *d,
				      const struct ofx_stats *st)
{
	return *(const uint64_t *)((const char *)st + d->off);
}

#endif
