/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * events.h - the event log: what thresholds (thresholds.h) raise and clear,
 * numbered from 1, the last OFX_EVENTS_MAX kept; readers take the events
 * after an id (sFlow-RT's eventID semantics) and may wait for new ones.
 * Thread-safe: the threshold engine adds, REST threads read.
 */
#ifndef OFX_EVENTS_H
#define OFX_EVENTS_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define OFX_EVENTS_MAX 1024 /* events kept (the oldest go) */
#define OFX_EVENT_NAME 64 /* threshold name, bytes with the NUL */
#define OFX_EVENT_METRIC 64
#define OFX_EVENT_SWITCH 48

/**
 * struct ofx_event - one crossing of a threshold.
 * @id:        1, 2, ... in order
 * @ts_ns:     when it was seen, ns since the epoch
 * @threshold: the threshold's name
 * @metric:    its metric (thresholds.h catalog name)
 * @sw:        the switch (struct ofx_switch_view.id: datapath_id as
 *             "0x%016llx", or IP) for a per-switch metric; "" for all
 * @value:     the metric's value then (its unit: the catalog's)
 * @limit:     the threshold's value
 * @raised:    true: crossed above @limit; false: back at or below it
 */
struct ofx_event {
	uint64_t id;
	uint64_t ts_ns;
	char threshold[OFX_EVENT_NAME];
	char metric[OFX_EVENT_METRIC];
	char sw[OFX_EVENT_SWITCH];
	double value;
	double limit;
	bool raised;
};

/** A reader's wake-up: called (from the adding thread) once per add. */
typedef void (*ofx_event_wake_fn)(void *ctx);

/**
 * struct ofx_event_waiter - a reader waiting for events (owned by the
 * reader, linked into the log while registered; no limit on how many).
 * @fn/@ctx: called once when an event comes or the log closes
 */
struct ofx_event_waiter {
	ofx_event_wake_fn fn;
	void *ctx;
	struct ofx_event_waiter *prev, *next;
	bool linked;
};

#define OFX_EVENT_HOOKS_MAX 8 /* --on-event processes at once */

/** struct ofx_events - the log (opaque but for its counters). */
struct ofx_events;

/** ofx_events_new() - an empty log. Return: NULL on ENOMEM. */
struct ofx_events *ofx_events_new(void);

/** ofx_events_free() - free @ev. NULL is a no-op. */
void ofx_events_free(struct ofx_events *ev);

/**
 * ofx_events_set_hook() - run @argv (NULL-terminated, copied; @argv[0] a
 * path or a name looked up in PATH) for each event, with the event's JSON
 * as a last argument: stdin /dev/null, stdout to ofxdp's stderr, default
 * signal dispositions and an empty signal mask. Not waited for when
 * ofxdp exits. Return: 0, -ENOMEM.
 */
int ofx_events_set_hook(struct ofx_events *ev, char *const *argv);

/**
 * ofx_events_add() - number @e (its id is set), keep it, log it, run the
 * hook and wake the waiting readers.
 */
void ofx_events_add(struct ofx_events *ev, struct ofx_event *e);

/**
 * ofx_events_reap() - collect finished hook processes (counts a non-zero
 * exit in failed). Called by the engine's tick.
 */
void ofx_events_reap(struct ofx_events *ev);

/** ofx_events_last_id() - id of the newest event (0: none). */
uint64_t ofx_events_last_id(struct ofx_events *ev);

/**
 * ofx_events_json() - {"events": [newest first, at most @max, id >
 * @after], "lastEventID": N} as sFlow-RT's /events/json answers (the
 * event objects as ofx_event_json()). Return: NULL on ENOMEM.
 */
json_t *ofx_events_json(struct ofx_events *ev, uint64_t after, size_t max);

/** ofx_event_json() - one event as a JSON object. */
json_t *ofx_event_json(const struct ofx_event *e);

/**
 * ofx_events_copy() - copy up to @max events with id > @after, oldest
 * first, into @out. Return: how many.
 */
size_t ofx_events_copy(struct ofx_events *ev, uint64_t after,
		       struct ofx_event *out, size_t max);

/**
 * ofx_events_wait() - register @w (its fn and ctx set) to be called when
 * an event is added or the log closes, if nothing newer than @after is
 * there yet: returns 0 and the reader should sleep; 1: there is something
 * (or the log is closed) already, @w not registered. A registered @w is
 * called once (and unlinked), or removed by ofx_events_unwait().
 */
int ofx_events_wait(struct ofx_events *ev, uint64_t after,
		    struct ofx_event_waiter *w);

/** ofx_events_unwait() - unlink @w if it is still registered. */
void ofx_events_unwait(struct ofx_events *ev, struct ofx_event_waiter *w);

/** ofx_events_wake_all() - call every registered wake-up (a tick: waiters
 * check their deadlines) and forget them. */
void ofx_events_wake_all(struct ofx_events *ev);

/** ofx_events_close() - readers end (ofx_events_closed()), woken. */
void ofx_events_close(struct ofx_events *ev);

/** ofx_events_closed() - whether ofx_events_close() was called. */
bool ofx_events_closed(struct ofx_events *ev);

/** struct ofx_events_counts - for output: hooks run, failed, dropped. */
struct ofx_events_counts {
	uint64_t events;
	uint64_t hooks_started;
	uint64_t hooks_failed;
	uint64_t hooks_dropped;
};

/** ofx_events_counts() - @ev's counters now. */
void ofx_events_counts(struct ofx_events *ev, struct ofx_events_counts *c);

#endif
