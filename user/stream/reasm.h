/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * reasm.h - TCP stream reassembly per connection direction (RFC 9293 seq
 * space): in-order delivery to an OpenFlow framer, retransmissions and
 * overlaps trimmed (never decoded twice), out-of-order segments held in a
 * bounded queue, seq wraparound, mid-stream joins, FIN/RST/idle cleanup and
 * memory caps. Every gap, resync and drop is counted in struct ofx_stats.
 *
 * Rules (what the counters mean, exactly):
 * - A stream is one direction of a connection, keyed by its 4-tuple. It is
 *   created by its first segment: with SYN, the next expected seq is seq+1
 *   and the framer starts synced; without SYN (joined mid-stream) the next
 *   expected seq is the segment's seq, the framer starts unsynced (searches
 *   for a plausible header) and midstream_joins is incremented.
 *   A SYN on an existing stream that is not a retransmission of its SYN
 *   starts it afresh (connection reuse): its holes are given up and queued
 *   data delivered first. A FIN or RST of an untracked stream creates
 *   nothing.
 * - Payload wholly before the next expected seq (serial arithmetic, so seq
 *   wraparound works): retrans_segs += 1, retrans_bytes += its length;
 *   partly before: the old prefix is trimmed and added to retrans_bytes, the
 *   rest is processed.
 * - Payload after the next expected seq: copied into the stream's
 *   out-of-order queue (sorted by seq), ooo_segs += 1. A queued segment
 *   wholly covered by already queued data is dropped (ooo_dropped_segs).
 *   When the hole fills, queued data is delivered in order, overlaps trimmed
 *   (counted in retrans_bytes).
 * - A hole is given up (gaps += 1, gap_bytes += its size, the framer is
 *   told via of_framer_gap(), delivery continues with the queued data) when
 *   the queue would exceed max_ooo_segs / max_ooo_bytes / the global
 *   max_total_ooo_bytes, when it has been open longer than hole_timeout_ns
 *   (measured from the ts_ns of the first segment queued behind it, checked
 *   in ofx_reasm_feed() and ofx_reasm_tick()), on RST, and on flush.
 * - FIN: once the stream has delivered everything up to the FIN's seq
 *   (FIN in order) the stream is removed (streams_closed). RST: holes given
 *   up, queued data delivered, stream removed (streams_closed).
 * - Segments without payload and without SYN/FIN/RST change nothing but
 *   may create the stream.
 * - Streams idle for idle_timeout_ns are removed by ofx_reasm_tick()
 *   (streams_idle); beyond max_streams the least recently used stream is
 *   removed (streams_evicted).
 */
#ifndef OFX_REASM_H
#define OFX_REASM_H

#include <stdint.h>

#include "openflow/of_framer.h"
#include "capture/segment.h"
#include "analysis/stats.h"

/**
 * struct ofx_reasm_opts - limits; 0 in a field selects the default.
 * @max_streams:        connection directions tracked at once (4096); the
 *                      least recently used is evicted beyond it
 * @max_ooo_segs:       out-of-order segments held per stream (4096)
 * @max_ooo_bytes:      out-of-order payload bytes held per stream (4 MiB)
 * @max_total_ooo_bytes: out-of-order payload bytes held in all (64 MiB)
 * @hole_timeout_ns:    a hole not filled for this long is given up (1 s)
 * @idle_timeout_ns:    a stream without segments for this long is removed (300 s)
 */
struct ofx_reasm_opts {
	uint32_t max_streams;
	uint32_t max_ooo_segs;
	uint32_t max_ooo_bytes;
	uint64_t max_total_ooo_bytes;
	uint64_t hole_timeout_ns;
	uint64_t idle_timeout_ns;
};

struct ofx_reasm;

/**
 * ofx_reasm_new() - create a reassembler counting into @st (which must
 * outlive it). @opts may be NULL for defaults. Return: NULL on ENOMEM.
 */
struct ofx_reasm *ofx_reasm_new(const struct ofx_reasm_opts *opts,
				struct ofx_stats *st);

/**
 * ofx_reasm_feed() - process one segment (or chunk). Payload bytes are
 * copied only when queued out of order.
 */
void ofx_reasm_feed(struct ofx_reasm *r, const struct ofx_segment *seg);

/**
 * ofx_reasm_tick() - housekeeping at time @now_ns (same clock as the
 * segments' ts_ns): give up holes older than hole_timeout_ns, remove streams
 * idle longer than idle_timeout_ns.
 */
void ofx_reasm_tick(struct ofx_reasm *r, uint64_t now_ns);

/**
 * ofx_reasm_flush() - end of input: give up every hole, deliver all queued
 * data, keep the streams.
 */
void ofx_reasm_flush(struct ofx_reasm *r);

/**
 * ofx_reasm_conns() - copy up to @max tracked streams into @out.
 * Return: the number copied.
 */
unsigned int ofx_reasm_conns(const struct ofx_reasm *r,
			     struct ofx_conn_info *out, unsigned int max);

/** ofx_reasm_free() - free all streams and queued data. NULL is a no-op. */
void ofx_reasm_free(struct ofx_reasm *r);

#endif
