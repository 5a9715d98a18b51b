/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console_events.h - recent events for the console, derived from
 * successive published snapshots (there is no event stream in the
 * pipeline yet): connections that opened or closed, switches that appeared
 * and loss counters that grew since the previous snapshot seen; and the
 * threshold events (analysis/events.h) as they are logged. An event
 * is as precise as the snapshots are frequent (the console's --interval).
 */
#ifndef OFX_CONSOLE_EVENTS_H
#define OFX_CONSOLE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/events.h"
#include "analysis/stats.h"

#define OFX_CEVENTS_MAX 256 /* events kept (the oldest go) */
#define OFX_CEVENT_TEXT 112

/** struct ofx_cevent - one event: when (the capture clock) and what. */
struct ofx_cevent {
	uint64_t ts_ns;
	uint64_t seq;
	char text[OFX_CEVENT_TEXT];
};

/** struct ofx_cevents - the last OFX_CEVENTS_MAX events and what was seen. */
struct ofx_cevents {
	struct ofx_cevent ring[OFX_CEVENTS_MAX];
	unsigned int n;
	uint64_t seq;
	bool primed;
	uint64_t *open_ids, *closed_ids;
	unsigned int nopen, nclosed;
	char (*sw_ids)[48];
	unsigned int nsw;
	uint64_t *loss; /* the watched loss counters, last seen */
	uint64_t thr_last; /* the last threshold event taken */
};

/**
 * ofx_cevents_update() - compare @cur and @v (may be NULL) with what @e
 * saw last and add the events. The first call records the loss counters
 * without events (connections and switches already there count as opened
 * and appeared). Return: events added, or -ENOMEM.
 */
int ofx_cevents_update(struct ofx_cevents *e, const struct ofx_stats *cur,
		       const struct ofx_views *v);

/**
 * ofx_cevents_thresholds() - add the threshold events of @ev (events.h)
 * not seen yet, stamped on the capture clock (their time less
 * @epoch_offset_ns). Return: events added.
 */
int ofx_cevents_thresholds(struct ofx_cevents *e, struct ofx_events *ev,
			   uint64_t epoch_offset_ns);

/** ofx_cevents_get() - the @i-th newest event (0: newest), or NULL. */
const struct ofx_cevent *ofx_cevents_get(const struct ofx_cevents *e,
					 unsigned int i);

/** ofx_cevents_free() - free what @e holds (not @e). */
void ofx_cevents_free(struct ofx_cevents *e);

#endif
