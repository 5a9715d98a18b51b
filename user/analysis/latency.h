/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * latency.h - the latency engine: a consumer of message events that pairs
 * each request with its reply on the same connection and measures the
 * time between them, per kind x requester, overall and per switch,
 * cumulative and over sliding windows.
 *
 * Pairs (OpenFlow 1.5.1 §7.1, per version's type numbers):
 *  - by xid: ECHO, FEATURES, GET_CONFIG, BARRIER, STATS/MULTIPART (first
 *    reply part: "multipart"; the part without OFPMPF_REPLY_MORE:
 *    "multipart_complete"), QUEUE_GET_CONFIG (1.0-1.3), ROLE (1.2+),
 *    GET_ASYNC (1.3+). The reply is the first later message of the reply
 *    type with the same xid in the opposite direction; an OFPT_ERROR with
 *    that xid ends the oldest pending request of any kind (error_replies).
 *    Pending requests with equal kind, direction and xid are answered
 *    oldest first.
 *  - PACKET_IN -> the controller's first PACKET_OUT or FLOW_MOD for the
 *    same packet: by buffer_id when it is not OFP_NO_BUFFER, else a
 *    PACKET_OUT carrying an equal frame (same length, same first
 *    OFX_LAT_FRAME_BYTES bytes, compared by a 64-bit hash). Controllers
 *    choose their own xids, so the xid is not used (OpenFlow 1.5.1 §6.1.2).
 *
 * PACKET_INs are all measured up to OFX_LAT_PIN_FULL_RATE a second per
 * connection; above, 1 in 2^k of them (k from the previous second's
 * rate), chosen by a hash of their buffer_id or of a few words of their
 * frame so that exactly their responses are looked up: what a monitor at millions of messages a second can afford.
 * The figures are then those of the sample (pin_unsampled counts the
 * rest).
 *
 * The two directions of a connection may reach the engine out of time
 * order (the OpenFlow stage holds a direction's messages until its roles
 * are known or it is proven OpenFlow): a request is matched only by a
 * reply captured after it, and a reply without a request waits (at most
 * OFX_LAT_EARLY per connection, at most the window) for a request
 * captured before it before it counts as an orphan (PACKET_OUT and
 * FLOW_MOD do not wait).
 *
 * A request unanswered within the window (default 5 s, also at the end of a
 * file or of its connection) counts as unreplied; a reply that matches no
 * pending request (a mid-stream join, a late reply) as an orphan. For
 * PACKET_IN only PACKET_OUT/FLOW_MOD with a buffer_id can be orphans.
 *
 * Times are those of struct of_msg.ts_ns: the capture time of the segment
 * that completed each message, so a figure is what the capture point saw
 * between request and reply (on the controller's host: PACKET_IN ->
 * PACKET_OUT is the controller's processing plus its host's stack; the
 * controller's ECHO_REQUEST -> ECHO_REPLY is the network plus the switch).
 *
 * Memory and time are bounded: pending requests per connection
 * (OFX_LAT_PENDING_MAX), per key (OFX_LAT_DUP_MAX) and in all
 * (OFX_LAT_PENDING_TOTAL), histogram
 * chunks of the per-switch scopes (struct ofx_latency_opts.memory). What
 * does not fit is counted (struct ofx_latency_stats).
 */
#ifndef OFX_LATENCY_H
#define OFX_LATENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/hist.h"
#include "openflow/of_msg.h"

#define OFX_LAT_WINDOW_DEFAULT_NS 5000000000ull /* unreplied after 5 s */
#define OFX_LAT_PENDING_MAX 2048 /* pending requests per connection */
#define OFX_LAT_PENDING_TOTAL (1u << 17) /* ... in all connections */
/* ... that a connection may hold whatever the others hold */
#define OFX_LAT_PENDING_RESERVE 16
/* PACKET_INs a second on one connection measured all (above: sampled) */
#define OFX_LAT_PIN_FULL_RATE 20000
/* pending requests with one key (kind, requester, xid / buffer_id / frame) */
#define OFX_LAT_DUP_MAX 16
/* replies kept per connection while their request may still come */
#define OFX_LAT_EARLY 8
#define OFX_LAT_MEMORY_DEFAULT (64ull << 20) /* per-switch hist bytes */
#define OFX_LAT_FRAME_BYTES 64 /* frame bytes compared for PACKET_IN */
#define OFX_LAT_MAX_SCOPES 512 /* switches with latency figures of their own */

/** enum ofx_lat_kind - what is measured (output names: ofx_lat_kind_name). */
enum ofx_lat_kind {
	OFX_LAT_ECHO,
	OFX_LAT_FEATURES,
	OFX_LAT_GET_CONFIG,
	OFX_LAT_BARRIER,
	OFX_LAT_MULTIPART,
	OFX_LAT_MULTIPART_COMPLETE,
	OFX_LAT_QUEUE_GET_CONFIG,
	OFX_LAT_ROLE,
	OFX_LAT_GET_ASYNC,
	OFX_LAT_PACKET_IN,
	OFX_LAT_NKINDS,
};

/** enum ofx_lat_from - who sent the request. */
enum ofx_lat_from {
	OFX_LAT_FROM_CONTROLLER,
	OFX_LAT_FROM_SWITCH,
	OFX_LAT_NFROM,
};

/**
 * enum ofx_lat_window - the time a view covers: since start, the last
 * 10 s (10 to 12 s: six 2-s slots) or the last 60 s (60 to 70 s: seven
 * 10-s slots).
 */
enum ofx_lat_window {
	OFX_LAT_ALL,
	OFX_LAT_10S,
	OFX_LAT_60S,
	OFX_LAT_NWINDOWS,
};

/** ofx_lat_kind_name() - "echo", ..., "packet_in"; NULL if out of range. */
const char *ofx_lat_kind_name(unsigned int kind);

/** ofx_lat_from_name() - "controller" or "switch"; NULL if out of range. */
const char *ofx_lat_from_name(unsigned int from);

/** ofx_lat_window_name() - "all", "10s", "60s"; NULL if out of range. */
const char *ofx_lat_window_name(unsigned int w);

/**
 * struct ofx_lat_counts - outcomes besides the matched pairs.
 * @unreplied:      requests not answered within the window
 * @error_replies:  requests answered by an OFPT_ERROR
 * @orphan_replies: replies that matched no pending request
 * @by_buffer_id:   PACKET_INs matched by buffer_id
 * @by_data:        PACKET_INs matched by their frame
 */
struct ofx_lat_counts {
	uint64_t unreplied;
	uint64_t error_replies;
	uint64_t orphan_replies;
	uint64_t by_buffer_id;
	uint64_t by_data;
};

/** struct ofx_lat_entry - one kind x requester as output shows it. */
struct ofx_lat_entry {
	struct ofx_hist_summary h;
	struct ofx_lat_counts c;
};

/** struct ofx_lat_view - every kind x requester in every window. */
struct ofx_lat_view {
	struct ofx_lat_entry e[OFX_LAT_NWINDOWS][OFX_LAT_NKINDS][OFX_LAT_NFROM];
};

/*
 * Cumulative buckets of the overall figures since start (Prometheus
 * histograms): bound i is 1 us x 2^i (1 us to 16.78 s), each a bucket
 * boundary of struct ofx_hist (1000 x 2^i = 125 x 2^(i+3)), so the
 * count below it is exact.
 */
#define OFX_LAT_NBOUNDS 25

/** ofx_lat_bound_ns() - bound @i (< OFX_LAT_NBOUNDS), ns. */
static inline uint64_t ofx_lat_bound_ns(unsigned int i)
{
	return 1000ull << i;
}

/**
 * struct ofx_lat_buckets - one kind x requester overall since start.
 * @count:  pairs measured
 * @sum_ns: their latencies summed, ns
 * @below:  [i] pairs with a latency < ofx_lat_bound_ns(i) (cumulative)
 */
struct ofx_lat_buckets {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t below[OFX_LAT_NBOUNDS];
};

/**
 * struct ofx_lat_views - the latency part of the published views.
 * @global: every connection
 * @buckets: every connection since start, as cumulative buckets
 * @nsw/@sw_id/@sw: per switch scope: its id (as struct ofx_switch_view.id)
 *          and its view
 * @window_ns: requests count as unreplied after this long
 */
struct ofx_lat_views {
	uint64_t window_ns;
	struct ofx_lat_view global;
	struct ofx_lat_buckets buckets[OFX_LAT_NKINDS][OFX_LAT_NFROM];
	unsigned int nsw;
	char (*sw_id)[48];
	struct ofx_lat_view *sw;
};

/** ofx_lat_views_free() - free @v. NULL is a no-op. */
void ofx_lat_views_free(struct ofx_lat_views *v);

/** ofx_lat_views_find() - the view of switch @id in @v, or NULL. */
const struct ofx_lat_view *ofx_lat_views_find(const struct ofx_lat_views *v,
					      const char *id);

/** ofx_lat_entry_used() - whether any counter of @e is non-zero. */
bool ofx_lat_entry_used(const struct ofx_lat_entry *e);

/**
 * struct ofx_latency_stats - counters of the engine.
 * @pending:         requests waiting for their reply now
 * @pending_evicted: requests dropped unanswered because a table was full
 *                   (the oldest quarter of its time span at once) or
 *                   OFX_LAT_DUP_MAX requests with its key were pending
 *                   (the oldest of them); also counted unreplied
 * @conn_nomem:      connections not measured (no memory)
 * @hist_bytes:      bytes of histogram chunks now
 * @hist_dropped:    samples a per-switch histogram could not hold (memory
 *                   cap); the overall figures have them
 * @scopes:          switches with latency figures
 * @scope_overflow:  connections of switches beyond OFX_LAT_MAX_SCOPES
 *                   (counted overall only)
 * @unmatchable:     PACKET_INs without a buffer_id whose frame was not
 *                   captured (not measured)
 * @pin_unsampled:   PACKET_INs not measured: their connection sent more
 *                   than OFX_LAT_PIN_FULL_RATE a second, or the pipeline
 *                   lagged (ofx_latency_set_lag())
 * @shedding:        1 while measurement is shed (lag): no message is
 *                   looked at
 * @shed_periods:    times it started
 * @shed_dropped:    requests pending when it started (dropped, not
 *                   unreplied), replies waiting for their request then,
 *                   requests and replies while shedding, and replies
 *                   within a window after it whose request was not
 *                   recorded (not orphans)
 */
struct ofx_latency_stats {
	uint64_t pending;
	uint64_t pending_evicted;
	uint64_t conn_nomem;
	uint64_t hist_bytes;
	uint64_t hist_dropped;
	uint64_t scopes;
	uint64_t scope_overflow;
	uint64_t unmatchable;
	uint64_t pin_unsampled;
	uint64_t shedding;
	uint64_t shed_periods;
	uint64_t shed_dropped;
};

/**
 * struct ofx_latency_opts - settings (0: default).
 * @window_ns: unreplied after this long (OFX_LAT_WINDOW_DEFAULT_NS)
 * @memory:    cap on the histogram bytes of per-switch scopes
 *             (OFX_LAT_MEMORY_DEFAULT)
 */
struct ofx_latency_opts {
	uint64_t window_ns;
	uint64_t memory;
};

struct ofx_latency;

/**
 * ofx_latency_switch_id_fn - the switch id of a connection (struct
 * ofx_switch_view.id) into @buf (48 bytes). Return: false when it has none
 * (its samples then count overall only).
 */
typedef bool (*ofx_latency_switch_id_fn)(void *ctx, const struct of_conn *c,
					 char *buf);

/**
 * ofx_latency_new() - the engine, counting into @st (must outlive it);
 * @opts may be NULL; @switch_id/@ctx name a connection's switch (may be
 * NULL: no per-switch figures). Return: NULL on ENOMEM.
 */
struct ofx_latency *ofx_latency_new(const struct ofx_latency_opts *opts,
				    struct ofx_latency_stats *st,
				    ofx_latency_switch_id_fn switch_id,
				    void *ctx);

/** ofx_latency_sink() - its message/connection callbacks. */
const struct of_msg_sink *ofx_latency_sink(struct ofx_latency *l);

/**
 * ofx_latency_tick() - at @now_ns (the capture clock): requests older than
 * the window count as unreplied; windows move on.
 */
void ofx_latency_tick(struct ofx_latency *l, uint64_t now_ns);

/* Behind the capture by more than this (ns) while messages come faster
 * than OFX_LAT_SHED_MIN_RATE a second, PACKET_INs are not measured until
 * the lag is back under OFX_LAT_LAG_LOW_NS. (At low rates the capture
 * itself batches: the daemon drains the ring every 20 ms.) */
#define OFX_LAT_LAG_HIGH_NS 5000000ull
#define OFX_LAT_LAG_LOW_NS 1000000ull
#define OFX_LAT_SHED_MIN_RATE 500000ull

/**
 * ofx_latency_set_lag() - a live pipeline's lag behind the capture (ns:
 * time now minus the capture time of the segment it is processing; @now_ns
 * the time now). Above OFX_LAT_LAG_HIGH_NS, at more than
 * OFX_LAT_SHED_MIN_RATE messages a second, the engine sheds PACKET_IN measurement (the
 * requests that are most of a flood) until the lag falls under
 * OFX_LAT_LAG_LOW_NS: the monitor's counts come first. Shed PACKET_INs
 * count in pin_unsampled; PACKET_INs pending when shedding starts are
 * dropped (shed_dropped) and PACKET_OUT/FLOW_MOD are not looked up while
 * it lasts.
 */
void ofx_latency_set_lag(struct ofx_latency *l, uint64_t lag_ns,
			 uint64_t now_ns);

/**
 * ofx_latency_finish() - end of input: every pending request counts as
 * unreplied.
 */
void ofx_latency_finish(struct ofx_latency *l);

/**
 * ofx_latency_views() - the figures at @now_ns, overall and per switch.
 * Return: a new struct ofx_lat_views (free with ofx_lat_views_free()), or
 * NULL on ENOMEM.
 */
struct ofx_lat_views *ofx_latency_views(struct ofx_latency *l, uint64_t now_ns);

/** ofx_latency_free() - free @l. NULL is a no-op. */
void ofx_latency_free(struct ofx_latency *l);

#endif
