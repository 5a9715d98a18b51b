/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * reasm.h - TCP connections and stream reassembly (RFC 9293 seq space).
 * One struct ofx_conn per TCP connection owns both directions ("halves");
 * each half is reassembled into in-order bytes for the next stage:
 * retransmissions and overlaps trimmed (never delivered twice),
 * out-of-order segments held in a bounded queue, seq wraparound,
 * mid-stream joins, FIN/RST/idle closing and memory caps. Every gap and
 * drop is counted in struct ofx_reasm_stats.
 *
 * Rules (what the counters mean, exactly):
 * - A connection is keyed by its 4-tuple in either orientation; half 0 is
 *   the direction of the segment that created it. It is created by a SYN or
 *   by a segment with payload (a bare ACK, FIN or RST of an untracked
 *   connection creates nothing). Without SYN it is a mid-stream join
 *   (midstream_joins += 1).
 * - Each half starts at its SYN (next expected seq = seq + 1, the next stage
 *   is told the half starts on a message boundary: ofx_conn.syn[half]) or at
 *   its first segment's seq. A SYN that is not a retransmission of the
 *   half's SYN (a new connection on the same tuple) closes the connection
 *   (OFX_CLOSE_REUSED) and opens a new one.
 * - Payload wholly before the next expected seq (serial arithmetic, so seq
 *   wraparound works): retrans_segs += 1, retrans_bytes += its length;
 *   partly before: the old prefix is trimmed and added to retrans_bytes.
 * - Payload after the next expected seq: copied into the half's
 *   out-of-order queue (sorted by seq), ooo_segs += 1. A segment that
 *   continues the queue's last entry is appended to it while it has room
 *   (adjacent segments coalesce; a new entry after a full one gets room
 *   for twice its payload, up to 64 KiB). A queued segment wholly covered
 *   by already queued data is dropped (ooo_dropped_segs). When the hole fills, queued
 *   data is delivered in order, overlaps trimmed (counted in
 *   retrans_bytes), at the time of the segment that filled it.
 * - Queue memory is counted as the heap holds it: each entry's header and
 *   payload room with malloc's rounding (ofx_reasm_ooo_cost()), never
 *   the payload alone; ooo_bytes_queued is that sum over all halves.
 * - A hole is given up (gaps += 1, gap_bytes += its size, ops->gap is
 *   called, delivery continues with the queued data, each segment at its
 *   own capture time: the endpoints had it then) when queueing a
 *   segment would exceed max_ooo_segs entries or max_ooo_bytes of memory
 *   of its half, or max_total_ooo_bytes of memory of all halves (each such
 *   hole also counts in ooo_limit_gaps; the oldest hole of the segment's
 *   half goes first, and when that half queues nothing yet the hole before
 *   the segment itself), when it has been open longer than hole_timeout_ns
 *   (measured from the ts_ns of the first segment queued behind it,
 *   checked in ofx_reasm_feed() and ofx_reasm_tick()), on RST and on
 *   close. Data lost just before a FIN, with nothing queued behind it, is
 *   such a hole too (up to the FIN's seq), open since the FIN was seen:
 *   given up the same way, after which the half is finished.
 * - A half is finished once it has delivered everything up to its FIN. The
 *   connection closes (connections_closed, ops->close) when both halves are
 *   finished (OFX_CLOSE_FIN) or at an RST of either half (OFX_CLOSE_RST).
 * - A connection closed by FIN or RST is remembered for 5 s of capture
 *   time (like TCP's TIME_WAIT): a segment without SYN whose payload lies
 *   wholly before where its half's data ended is a retransmission
 *   (retrans_segs, retrans_bytes) and opens nothing.
 * - Connections idle for idle_timeout_ns are closed by ofx_reasm_tick()
 *   (connections_idle, OFX_CLOSE_IDLE).
 * - Beyond max_conns a connection is evicted (connections_evicted,
 *   OFX_CLOSE_EVICTED) to make room for the new one, chosen by class:
 *   dead ones first (a FIN seen in either direction; or, when there is
 *   none, the least recently used of the others if it has seen no segment
 *   for evict_idle_ns: connections_evicted_dead), then unverified ones
 *   (the next stage has not set ofx_conn.app_verified:
 *   connections_evicted_unverified), live ones last
 *   (connections_evicted_live); the least recently used one of its class.
 *   Connections closed by FIN or RST take no room in the table (their
 *   TIME_WAIT memory is separate).
 * - Delivery timestamps: data and gaps are passed on with the ts_ns of the
 *   segment (or tick) that made them deliverable.
 */
#ifndef OFX_REASM_H
#define OFX_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/segment.h"

/**
 * struct ofx_reasm_stats - TCP connection and reassembly counters.
 * @connections_active:  connections tracked now
 * @connections_total:   connections ever tracked
 * @connections_closed:  closed by FIN exchange, RST or a new SYN
 * @connections_idle:    closed after the idle timeout
 * @connections_evicted: closed because the table was full, the sum of:
 * @connections_evicted_dead:       ... closing (FIN seen) or idle ones
 * @connections_evicted_unverified: ... ones not recognised by the next stage
 * @connections_evicted_live:       ... live ones (the table held nothing
 *                                  else)
 * @connections_unverified: connections tracked now that the next stage has
 *                     not recognised (ofx_conn.app_verified not set)
 * @retrans_segs:      segments whose payload had been seen entirely before
 * @retrans_bytes:     payload bytes seen twice (retransmissions, overlaps)
 * @ooo_segs:          segments that arrived ahead of a hole and were queued
 * @ooo_dropped_segs:  out-of-order segments dropped (covered, or no memory)
 * @ooo_limit_gaps:    holes given up because an out-of-order queue limit
 *                     was reached (also in @gaps)
 * @gaps:              holes given up on (never filled): stream skipped on
 * @gap_bytes:         bytes in those holes (never seen)
 * @midstream_joins:   connections first seen without their SYN
 * @ooo_bytes_queued:  heap bytes out-of-order queues hold now (entry
 *                     headers, payload room, malloc's rounding)
 */
struct ofx_reasm_stats {
	uint64_t connections_active;
	uint64_t connections_total;
	uint64_t connections_closed;
	uint64_t connections_idle;
	uint64_t connections_evicted;
	uint64_t connections_evicted_dead;
	uint64_t connections_evicted_unverified;
	uint64_t connections_evicted_live;
	uint64_t connections_unverified;
	uint64_t retrans_segs;
	uint64_t retrans_bytes;
	uint64_t ooo_segs;
	uint64_t ooo_dropped_segs;
	uint64_t ooo_limit_gaps;
	uint64_t gaps;
	uint64_t gap_bytes;
	uint64_t midstream_joins;
	uint64_t ooo_bytes_queued;
};

/** enum ofx_close_reason - why a connection ended (ofx_conn.close_reason). */
enum ofx_close_reason {
	OFX_CLOSE_NONE = 0, /* open */
	OFX_CLOSE_FIN, /* both halves finished */
	OFX_CLOSE_RST, /* RST from either side */
	OFX_CLOSE_IDLE, /* no segment for idle_timeout_ns */
	OFX_CLOSE_EVICTED, /* table full, least recently used */
	OFX_CLOSE_REUSED, /* a new SYN on the same tuple */
	OFX_CLOSE_END, /* end of input (ofx_reasm_free) */
};

/** ofx_close_reason_name() - "fin", "rst", ...; NULL for OFX_CLOSE_NONE. */
const char *ofx_close_reason_name(uint8_t reason);

/**
 * struct ofx_conn - one TCP connection, both directions.
 * @key:          half 0's direction (saddr:sport -> daddr:dport); half 1
 *                is the reverse
 * @id:           1, 2, ... in creation order
 * @first_ns/@last_ns: ts_ns of its first and latest segment
 * @port_dir:     each half's direction by the port rule (the capture's
 *                struct ofx_segment.dir of that half)
 * @syn:          each half started with its SYN (on a message boundary)
 * @opener:       half that sent a SYN without ACK, -1 if none was seen
 * @midstream:    created by a segment without SYN
 * @close_reason: enum ofx_close_reason, set before ops->close
 * @app_verified: set by the next stage once the connection carries its
 *                protocol (OpenFlow: of_conn.c); unverified connections
 *                are evicted before verified ones
 * @app:          the next stage's state of this connection (ops->open
 *                sets it, ops->close frees it)
 * @tw_tag:       a value the next stage may set (in ops->close at the
 *                latest) that the closed connection's TIME_WAIT entry
 *                keeps and hands to ops->late_segment (0 by default)
 */
struct ofx_conn {
	struct ofx_flow_key key;
	uint64_t id;
	uint64_t first_ns;
	uint64_t last_ns;
	uint8_t port_dir[2];
	bool syn[2];
	int8_t opener;
	bool midstream;
	uint8_t close_reason;
	bool app_verified;
	void *app;
	uint8_t tw_tag;
};

/**
 * struct ofx_stream_ops - the next stage, called in stream order.
 * @open:    a connection was created (before its first segment)
 * @segment: a segment (or chunk) of @half arrived, before reassembly
 * @data:    @len in-order bytes of @half, made deliverable at @ts_ns (the
 *           capture time of the segment that completed them, see above)
 * @gap:     @len bytes of @half were lost (a hole given up)
 * @close:   the connection ends (queued data already delivered); @c is
 *           freed after the call
 * @late_segment: (optional) a retransmission of a connection closed by
 *           FIN or RST less than 5 s ago (its TIME_WAIT, see
 *           ofx_reasm_feed()): @tw_tag is what the connection's tw_tag
 *           was at its close, @half the half that sent @seg; its data is
 *           not delivered again
 * @ctx:     first argument of each
 */
struct ofx_stream_ops {
	void (*open)(void *ctx, struct ofx_conn *c);
	void (*segment)(void *ctx, struct ofx_conn *c, int half,
			const struct ofx_segment *seg);
	void (*data)(void *ctx, struct ofx_conn *c, int half, const uint8_t *p,
		     uint32_t len, uint64_t ts_ns);
	void (*gap)(void *ctx, struct ofx_conn *c, int half, uint64_t len,
		    uint64_t ts_ns);
	void (*close)(void *ctx, struct ofx_conn *c);
	void (*late_segment)(void *ctx, uint8_t tw_tag, int half,
			     const struct ofx_segment *seg);
	void *ctx;
};

/**
 * struct ofx_reasm_opts - limits; 0 in a field selects the default.
 * @max_conns:          connections tracked at once (32768; the memory a
 *                      connection costs: see pipeline.h); beyond it one
 *                      is evicted (rules above)
 * @max_ooo_segs:       out-of-order queue entries per half (4096)
 * @max_ooo_bytes:      heap bytes an out-of-order queue holds per half
 *                      (4 MiB; as ofx_reasm_ooo_cost() counts them)
 * @max_total_ooo_bytes: heap bytes all out-of-order queues hold (64 MiB)
 * @hole_timeout_ns:    a hole not filled for this long is given up (1 s)
 * @idle_timeout_ns:    a connection without segments for this long is
 *                      closed (300 s)
 * @evict_idle_ns:      a connection without segments for this long is
 *                      evicted like a dead one (60 s)
 */
struct ofx_reasm_opts {
	uint32_t max_conns;
	uint32_t max_ooo_segs;
	uint32_t max_ooo_bytes;
	uint64_t max_total_ooo_bytes;
	uint64_t hole_timeout_ns;
	uint64_t idle_timeout_ns;
	uint64_t evict_idle_ns;
};

struct ofx_reasm;

/**
 * ofx_reasm_new() - create a reassembler counting into @st and calling
 * @ops (both must outlive it). @opts may be NULL for defaults.
 * Return: NULL on ENOMEM.
 */
struct ofx_reasm *ofx_reasm_new(const struct ofx_reasm_opts *opts,
				const struct ofx_stream_ops *ops,
				struct ofx_reasm_stats *st);

/**
 * ofx_reasm_ooo_cost() - heap bytes a queue entry holding one
 * out-of-order segment of @len payload bytes takes (header, payload room,
 * malloc's rounding): what ooo_bytes_queued and the memory limits count.
 */
uint64_t ofx_reasm_ooo_cost(uint32_t len);

/**
 * ofx_reasm_feed() - process one segment (or chunk). Payload bytes are
 * copied only when queued out of order.
 */
void ofx_reasm_feed(struct ofx_reasm *r, const struct ofx_segment *seg);

/**
 * ofx_reasm_tick() - housekeeping at time @now_ns (same clock as the
 * segments' ts_ns): give up holes older than hole_timeout_ns, close
 * connections idle longer than idle_timeout_ns.
 */
void ofx_reasm_tick(struct ofx_reasm *r, uint64_t now_ns);

/**
 * ofx_reasm_flush() - end of input: give up every hole, deliver all queued
 * data, keep the connections.
 */
void ofx_reasm_flush(struct ofx_reasm *r);

/**
 * ofx_reasm_foreach() - call @fn for each open connection (class by class,
 * most recently used first in each). @fn must not feed or close
 * connections.
 */
void ofx_reasm_foreach(struct ofx_reasm *r,
		       void (*fn)(void *ctx, struct ofx_conn *c), void *ctx);

/**
 * ofx_reasm_free() - close every connection (OFX_CLOSE_END, ops->close
 * called) and free everything. NULL is a no-op.
 */
void ofx_reasm_free(struct ofx_reasm *r);

#endif
