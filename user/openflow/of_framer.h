/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_framer.h - cuts one in-order TCP byte stream into OpenFlow messages
 * (framing by the header's length field, OpenFlow 1.5.1 §7.1) and emits
 * each one as a struct of_frame. Streaming: a message wholly inside the
 * bytes of one feed is emitted in place (no copy); one that spans feeds is
 * emitted from a copy of its first of_peek_len() bytes (at most OF_PEEK_MAX),
 * the rest of its body is skipped without a look.
 *
 * Rules:
 * - Synced: a message is emitted once, when its last byte has been fed
 *   (its timestamp is that feed's), or earlier when the stream loses it
 *   (below). A header with an unknown version (not 1..6) or length < 8 is
 *   not a message: bad_headers += 1 and the framer drops to unsynced,
 *   scanning again from the byte after that header's first byte (which
 *   counts in resync_skipped_bytes).
 * - Unsynced (mid-stream join, bad header, gap): resyncs += 1 when the
 *   search starts, except the first search of a stream joined mid-stream
 *   (a join is not a loss of framing: the reassembler counts it in
 *   midstream_joins); the framer looks at each byte offset for a header that
 *   of_header_plausible() accepts and whose successors - up to 3, as many
 *   as lie in the bytes at hand - are plausible headers of the same
 *   version; bytes passed over are added to resync_skipped_bytes. Once 4
 *   messages in a row (HELLO aside) were framed in sync with one version,
 *   the search takes only headers of that version and no HELLO (the
 *   first message of a side, never one after those), until it has skipped
 *   128 KiB in vain. Up to 7 bytes at the end of a feed are kept for the
 *   next feed. The first message after a search carries OF_FRAME_RESYNCED,
 *   and OF_FRAME_UNCHECKED too unless 3 successors were checked or the
 *   chain ended exactly at the end of the data at hand (a false lock on
 *   bytes inside a message claims a length past them).
 * - of_framer_gap(len): inside the current body (len <= body_left) the
 *   framer stays synced, the message is marked OF_FRAME_PARTIAL (counted
 *   once in partial_msgs) and keeps the bytes it had before the gap;
 *   otherwise (in a header, or beyond the body) a message whose header was
 *   seen is emitted with OF_FRAME_PARTIAL | OF_FRAME_TRUNCATED and the
 *   framer drops to unsynced.
 * - of_framer_end(): the stream ended; a message whose header was seen is
 *   emitted with OF_FRAME_TRUNCATED. So every header seen in sync is
 *   emitted exactly once.
 * - Bytes: a message's struct of_frame.bytes are the bytes of it that were
 *   fed (its length unless a gap or the end cut it), never more.
 * - TLS: a stream that starts (SYN seen) with a TLS record header (0x16
 *   0x03 0x00-0x04, RFC 8446 §5.1) is not OpenFlow: the framer follows its
 *   record layer instead (every header must have content type 20-23,
 *   version 0x0300-0x0304 and length <= 2^14 + 2048) and reports its
 *   records and bytes to @tls of struct of_framer_out; it emits no message.
 *   A gap inside a record's body keeps the record layer; any other gap
 *   makes the framer search for a record header whose successor, when at
 *   hand, is one too (bytes passed over still count as TLS bytes). A bad
 *   record header without a gap ends TLS (tls_bad_records += 1): the
 *   stream is searched for OpenFlow headers from that header on.
 */
#ifndef OFX_OF_FRAMER_H
#define OFX_OF_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/of_decode.h"
#include "openflow/of_proto.h"

/** Flags of a struct of_frame (and of struct of_msg). */
enum of_frame_flags {
	OF_FRAME_PARTIAL = 0x01, /* bytes of the message were lost in a gap */
	OF_FRAME_TRUNCATED = 0x02, /* the stream ended or lost sync inside it */
	OF_FRAME_RESYNCED = 0x04, /* first message after a resync search */
	OF_FRAME_UNCHECKED = 0x08, /* ... whose chain of successors the search
				    * could not follow to the end of the data
				    * at hand (a length reaching past it) */
};

/** enum of_stream_mode - what a framer is following (struct of_framer.mode). */
enum of_stream_mode {
	OF_MODE_OPENFLOW = 0, /* OpenFlow messages */
	OF_MODE_START, /* synced at the stream's start: first 3 bytes pending */
	OF_MODE_TLS, /* a TLS record layer */
};

/**
 * struct of_framing_stats - framing counters (all streams summed).
 * @bad_headers:          headers with length < 8 or an unknown version in a
 *                        synced stream (the stream then resynchronises)
 * @resyncs:              searches for a plausible header (mid-stream joins,
 *                        gaps that left a message, bad headers)
 * @resync_skipped_bytes: bytes passed over while searching, bytes
 * @partial_msgs:         messages whose body lost bytes in a gap while the
 *                        framer stayed in sync
 * @tls_bad_records:      TLS record headers that were not (TLS ended there)
 * @tls_resyncs:          searches for a TLS record header after a gap
 */
struct of_framing_stats {
	uint64_t bad_headers;
	uint64_t resyncs;
	uint64_t resync_skipped_bytes;
	uint64_t partial_msgs;
	uint64_t tls_bad_records;
	uint64_t tls_resyncs;
};

/**
 * struct of_frame - one framed message.
 * @data:   its first @caplen bytes (header included); valid during the call
 * @caplen: bytes at @data: the whole message when it lay in one feed (or
 *          was kept whole, struct of_whole), else min(length,
 *          of_peek_len(version, type)) or fewer after a gap
 * @bytes:  bytes of the message that were fed: its length field, less
 *          what a gap or the end of the stream cut off
 * @ts_ns:  timestamp of the feed that completed (or lost) it, ns
 * @flags:  enum of_frame_flags
 */
struct of_frame {
	const uint8_t *data;
	uint32_t caplen;
	uint32_t bytes;
	uint64_t ts_ns;
	uint8_t flags;
};

/**
 * struct of_whole - heap bytes framers and holds may spend so that a
 * message spanning feeds is emitted whole (of_session_set_whole()).
 * @max:    bytes held at once at most (0: off, messages spanning feeds
 *          keep their first of_peek_len() bytes only)
 * @used:   bytes held now
 * @denied: messages that kept only their first bytes because @max was
 *          reached (or malloc failed)
 */
struct of_whole {
	uint64_t max;
	uint64_t used;
	uint64_t denied;
};

/**
 * of_whole_alloc() - @len bytes charged to @w. Return: NULL when @w is
 * off, or over its budget (counted in denied), or out of memory.
 */
void *of_whole_alloc(struct of_whole *w, uint32_t len);

/** of_whole_free() - give back @p of @len bytes (NULL: no-op). */
void of_whole_free(struct of_whole *w, void *p, uint32_t len);

/**
 * struct of_framer_out - where a framer's messages and counters go.
 * @emit:  called once per message with the framer's @tag and @ctx
 * @tls:   called (if not NULL) once per feed, gap or end of a TLS stream
 *         with the TLS records whose header was seen and the stream bytes
 *         consumed as TLS since the previous call (the first call tells
 *         that the stream is TLS)
 * @ctx:   passed to @emit and @tls
 * @st:    framing counters to add to
 * @whole: budget for emitting messages that span feeds whole (NULL: the
 *         first bytes only); the same for every feed of a framer
 */
struct of_framer_out {
	void (*emit)(void *ctx, uint8_t tag, const struct of_frame *m);
	void (*tls)(void *ctx, uint8_t tag, uint32_t records, uint64_t bytes,
		    uint64_t ts_ns);
	void *ctx;
	struct of_framing_stats *st;
	struct of_whole *whole;
};

/* Bytes a framer keeps inline: a header, a resync tail (7), a TLS record
 * header (5); more (of_peek_len()) go to a heap buffer. */
#define OF_FRAMER_SMALL 16

/**
 * struct of_framer - framing state of one stream direction.
 * @small:       first bytes of the current message (or resync window),
 *               while no more than OF_FRAMER_SMALL are kept
 * @heap:        OF_PEEK_MAX bytes that take their place from the first
 *               message that keeps more (most connections never do: one
 *               segment per message); freed by of_framer_release()
 * @have:        bytes in @buf
 * @need:        bytes of the current message to keep in @buf
 * @body_left:   bytes of the current message not yet fed
 * @synced:      the next byte is a message boundary or inside a message
 *               whose header was seen
 * @searching:   unsynced and the search was already counted in resyncs
 * @partial:     the current message lost bytes in a gap
 * @resynced:    the next message is the first after a search
 * @unchecked:   ... and its chain was not followed to the data's end
 * @tag:         caller's tag, passed to emit (the connection half)
 * @version:     version of the last header seen in sync (0: none yet)
 * @run_version/@run: version and length of the current run of messages
 *               framed in sync (HELLO not counted)
 * @trusted_version: version that filters resync candidates (0: none)
 * @mode:        enum of_stream_mode
 * @lost:        bytes of the current message lost in gaps
 * @search_skipped: bytes the current search has passed over
 * @msgs:        messages emitted
 * @bad:         bad headers seen in sync in this stream (a caller that
 *               sees it change knows the framing broke without a gap)
 * @tls_records: TLS record headers seen
 * @big:         the current message whole, being filled (NULL: only its
 *               first bytes in @buf), charged to struct of_whole
 */
struct of_framer {
	uint8_t small[OF_FRAMER_SMALL];
	uint8_t *heap;
	uint16_t have;
	uint16_t need;
	uint32_t body_left;
	bool synced;
	bool searching;
	bool partial;
	bool resynced;
	bool unchecked;
	uint8_t tag;
	uint8_t version;
	uint8_t run_version;
	uint8_t run;
	uint8_t trusted_version;
	uint8_t mode;
	uint32_t lost;
	uint64_t search_skipped;
	uint64_t msgs;
	uint32_t bad;
	uint32_t tls_records;
	uint8_t *big;
};

/**
 * of_framer_init() - start a stream tagged @tag. @synced = true when the
 * stream is known to start on a message boundary (SYN seen: TLS is
 * recognised by its first bytes); false to search for a plausible header
 * first (joined mid-stream). A framer used before must be released first
 * (of_framer_release()).
 */
void of_framer_init(struct of_framer *f, uint8_t tag, bool synced);

/**
 * of_framer_release() - free what @f holds (its heap buffer; a message
 * kept whole is freed by of_framer_end() or a gap). Idempotent.
 */
void of_framer_release(struct of_framer *f);

/**
 * of_framer_feed() - consume @len in-order bytes at @data captured at
 * @ts_ns, emitting every message completed to @out.
 */
void of_framer_feed(struct of_framer *f, const uint8_t *data, size_t len,
		    uint64_t ts_ns, const struct of_framer_out *out);

/**
 * of_framer_gap() - @len bytes of the stream were lost (noticed at @ts_ns).
 * Inside the current message's body the framer stays in sync (the message
 * is marked partial); otherwise it emits the message it had started and
 * drops to resync mode.
 */
void of_framer_gap(struct of_framer *f, uint64_t len, uint64_t ts_ns,
		   const struct of_framer_out *out);

/**
 * of_framer_end() - the stream ended at @ts_ns: emit the message whose
 * header was seen but not its end (OF_FRAME_TRUNCATED).
 */
void of_framer_end(struct of_framer *f, uint64_t ts_ns,
		   const struct of_framer_out *out);

#endif
