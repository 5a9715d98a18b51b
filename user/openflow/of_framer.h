/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_framer.h - cuts one in-order TCP byte stream into OpenFlow messages
 * (framing by the header's length field, OpenFlow 1.5.1 §7.1) and counts
 * each one. Streaming: keeps at most OFX_FRAMER_PEEK bytes of each message,
 * never the body.
 *
 * Rules:
 * - Synced: a message is counted when its 8-byte header is complete:
 *   of_total[dir] and (valid type) of[version][type][dir] or (invalid type
 *   for a known version) of_invalid[version][dir], msgs += 1 and
 *   bytes += the header's length field. The next length - 8 bytes are skipped.
 * - A header with an unknown version (not 1..6) or length < 8 is not a
 *   message: bad_headers += 1 and the framer drops to unsynced, scanning
 *   again from the byte after that header's first byte (which counts in
 *   reasm.resync_skipped_bytes).
 * - Unsynced (mid-stream join, bad header, gap): reasm.resyncs += 1 when
 *   the search starts; the framer looks at each byte offset for a header
 *   that of_header_plausible() accepts and whose successors - up to 3, as
 *   many as lie in the bytes at hand - are plausible headers of the same
 *   version; bytes passed over are added to reasm.resync_skipped_bytes.
 *   Once 4 messages in a row (HELLO aside) were framed in sync with one
 *   version, the search takes only headers of that version, until it has
 *   skipped 128 KiB in vain. Up to 7 bytes at the end of a feed are kept
 *   for the next feed.
 * - of_framer_gap(len): inside the current body (len <= body_left) the
 *   framer stays synced, body_left -= len and the message counts once in
 *   reasm.partial_msgs; otherwise (in a header, or beyond the body) it
 *   drops to unsynced.
 * - FEATURES_REPLY (type 6, any version): datapath_id (bytes 8-15, big
 *   endian) is recorded when the message's first 16 bytes are seen.
 */
#ifndef OFX_OF_FRAMER_H
#define OFX_OF_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/stats.h"

/* Bytes of each message kept for decoding: header plus FEATURES_REPLY's
 * datapath_id (offset 8, 8 bytes). */
#define OFX_FRAMER_PEEK 16

/**
 * struct of_framer - framing state of one stream direction.
 * @peek:        first bytes of the current message (or resync window)
 * @have:        bytes in @peek
 * @body_left:   bytes of the current message still to skip after @peek
 * @synced:      true when the next byte is known to be a message boundary
 *               or inside a message whose header was seen
 * @searching:   unsynced and the search was already counted in resyncs
 * @partial:     the current message lost bytes in a gap
 * @dir:         enum ofx_dir, for the counters
 * @version:     version of the last valid header seen (0: none yet)
 * @run_version/@run: version and length of the current run of messages
 *               framed in sync (HELLO not counted)
 * @trusted_version: version that filters resync candidates (0: none)
 * @search_skipped: bytes the current search has passed over
 * @datapath_id: from a FEATURES_REPLY, host order; @has_dpid says if seen
 * @msgs:        messages counted on this stream
 */
struct of_framer {
	uint8_t peek[OFX_FRAMER_PEEK];
	uint8_t have;
	uint32_t body_left;
	bool synced;
	bool searching;
	bool partial;
	uint8_t dir;
	uint8_t version;
	uint8_t run_version;
	uint8_t run;
	uint8_t trusted_version;
	uint64_t search_skipped;
	bool has_dpid;
	uint64_t datapath_id;
	uint64_t msgs;
};

/**
 * of_framer_init() - start a stream in direction @dir. @synced = true when
 * the stream is known to start on a message boundary (SYN seen); false to
 * search for a plausible header first (joined mid-stream).
 */
void of_framer_init(struct of_framer *f, uint8_t dir, bool synced);

/**
 * of_framer_feed() - consume @len in-order bytes at @data, counting every
 * message whose header completes into @st (of, of_invalid, of_total,
 * bad_headers, reasm.resyncs, reasm.resync_skipped_bytes, partial_msgs).
 */
void of_framer_feed(struct of_framer *f, const uint8_t *data, size_t len,
		    struct ofx_stats *st);

/**
 * of_framer_gap() - @len bytes of the stream were lost. If they fall inside
 * the current message's body the framer stays in sync (the message is marked
 * partial); otherwise it drops to resync mode.
 */
void of_framer_gap(struct of_framer *f, uint64_t len, struct ofx_stats *st);

#endif
