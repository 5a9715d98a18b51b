/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * thresholds.h - thresholds over the published counters and their events
 * (sFlow-RT's semantics: a threshold names a metric and a value; an event
 * is raised when the metric goes above the value, and cleared when it is
 * back at or below it). The engine evaluates every threshold once a
 * second on the newest published snapshot, in a thread of its own: the
 * capture never waits for it.
 *
 * Metrics (ofx_thr_metrics[]): per switch (one state per switch, or only
 * the switch named by a threshold's "switch") or global. Rates are the
 * growth of a counter over the threshold's window (1 to 60 s, the
 * samples of the last ticks) divided by the seconds between the samples.
 * Definition (JSON, REST PUT /api/v1/thresholds/NAME, or a [threshold
 * NAME] section of the configuration file):
 *   {"metric": "packet_in_rate", "value": 1000, "window": 10,
 *    "switch": "0x0000000000000001", "kind": "packet_in",
 *    "counter": "loss.records_lost"}
 * "metric" and "value" are required; "window" defaults to 10 s; "kind"
 * (response_p99 only) a latency kind; "counter" (metric "counter" only)
 * GROUP.NAME of a counter of /api/v1/stats.
 */
#ifndef OFX_THRESHOLDS_H
#define OFX_THRESHOLDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analysis/events.h"
#include "analysis/stats.h"

#define OFX_THR_MAX 64 /* thresholds defined at once */
#define OFX_THR_WINDOW_MAX 60 /* s */
#define OFX_THR_SWITCHES_MAX 1024 /* switches with a state (more: ignored) */
#define OFX_THR_TICK_NS 1000000000ull

/** struct ofx_thr_metric - one metric thresholds may name. */
struct ofx_thr_metric {
	const char *name;
	const char *unit;
	const char *help;
	bool per_switch;
};

/** The metric catalog, and its length. */
extern const struct ofx_thr_metric ofx_thr_metrics[];
extern const unsigned int ofx_thr_nmetrics;

struct ofx_thresholds;

/**
 * ofx_thr_new() - thresholds whose events go to @ev (must outlive them),
 * with the built-in defaults when @defaults. Return: NULL on ENOMEM.
 */
struct ofx_thresholds *ofx_thr_new(struct ofx_events *ev, bool defaults);

/** ofx_thr_free() - stop the engine (ofx_thr_start()) and free @t. */
void ofx_thr_free(struct ofx_thresholds *t);

/**
 * ofx_thr_put() - define threshold @name (1-63 of [A-Za-z0-9_.-]) by
 * @def (see above); a threshold of that name is replaced (its raised
 * states forgotten). Return: 0 created, 1 replaced, -EINVAL (@err, 256
 * bytes, says why), -ENOSPC (OFX_THR_MAX defined), -ENOMEM.
 */
int ofx_thr_put(struct ofx_thresholds *t, const char *name, const json_t *def,
		char *err, size_t errlen);

/** ofx_thr_delete() - forget @name. Return: 0, -ENOENT. */
int ofx_thr_delete(struct ofx_thresholds *t, const char *name);

/**
 * ofx_thr_get() - @name's definition and state ({"name", "metric", ...,
 * "builtin", "raised": [switches] or bool}); NULL if there is none.
 */
json_t *ofx_thr_get(struct ofx_thresholds *t, const char *name);

/** ofx_thr_list() - {"thresholds": [...], "metrics": [catalog]}. */
json_t *ofx_thr_list(struct ofx_thresholds *t);

/**
 * ofx_thr_eval() - one tick: sample @cur and @v (NULL: no switches) taken
 * at @now_ns (monotonic), evaluate every threshold, add the events
 * (stamped @now_ns + @epoch_offset_ns).
 */
void ofx_thr_eval(struct ofx_thresholds *t, const struct ofx_stats *cur,
		  const struct ofx_views *v, uint64_t now_ns,
		  uint64_t epoch_offset_ns);

/**
 * ofx_thr_start() - evaluate @pub's newest snapshot every
 * OFX_THR_TICK_NS in a thread (it also reaps hooks and wakes the event
 * readers, who check their deadlines); events are stamped with the
 * snapshot's time + @epoch_offset_ns. Return: 0, or a negative errno.
 */
int ofx_thr_start(struct ofx_thresholds *t, struct ofx_stats_pub *pub,
		  uint64_t epoch_offset_ns);

#endif
