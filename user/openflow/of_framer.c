// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_framer.c - OpenFlow message framing on a reassembled byte stream
 * (rules in of_framer.h; header layout OpenFlow 1.5.1 §7.1.1).
 */
#include <string.h>

#include "openflow/of_framer.h"

#define OFPT_HELLO 0
#define OFPT_FEATURES_REPLY 6
/* Messages in a row in sync before their version filters resyncs. */
#define RESYNC_TRUST_RUN 4
/* Bytes one search may skip before it stops filtering by version. */
#define RESYNC_TRUST_SKIP (128u << 10)
#define DPID_END 16 /* FEATURES_REPLY: datapath_id at bytes 8..15 */

void of_framer_init(struct of_framer *f, uint8_t dir, bool synced)
{
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->synced = synced;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* A complete header sits in f->peek[0..7]: count the message. */
static void count_message(struct of_framer *f, struct ofx_stats *st)
{
	struct ofp_header_view h;
	struct ofx_count *c;

	of_parse_header(f->peek, &h);
	if (of_type_valid(h.version, h.type))
		c = &st->of[h.version][h.type][f->dir];
	else
		c = &st->of_invalid[h.version][f->dir];
	c->msgs++;
	c->bytes += h.length;
	st->of_total[f->dir].msgs++;
	st->of_total[f->dir].bytes += h.length;
	f->version = h.version;
	/* Trust a version for resyncs only after RESYNC_TRUST_RUN messages
	 * in a row in sync (HELLO aside: it carries the sender's highest
	 * version, not the negotiated one). */
	if (h.type != OFPT_HELLO) {
		if (h.version != f->run_version) {
			f->run_version = h.version;
			f->run = 0;
		}
		if (f->run < RESYNC_TRUST_RUN && ++f->run == RESYNC_TRUST_RUN)
			f->trusted_version = h.version;
	}
	f->msgs++;
	f->partial = false;
	f->body_left = h.length - OFP_HEADER_LEN;
}

static void start_search(struct of_framer *f, struct ofx_stats *st)
{
	f->synced = false;
	f->run = 0;
	if (!f->searching) {
		f->searching = true;
		f->search_skipped = 0;
		st->reasm.resyncs++;
	}
}

/* @n more bytes passed over by the current search. */
static void search_skip(struct of_framer *f, uint64_t n, struct ofx_stats *st)
{
	st->reasm.resync_skipped_bytes += n;
	f->search_skipped += n;
	if (f->search_skipped > RESYNC_TRUST_SKIP)
		f->trusted_version = 0; /* maybe trusted a false lock */
}

/* Synced: consume bytes until done or a bad header. Return: bytes used. */
static size_t feed_synced(struct of_framer *f, const uint8_t *data, size_t len,
			  struct ofx_stats *st)
{
	size_t used = 0;

	while (used < len) {
		size_t n;

		if (f->have < OFP_HEADER_LEN) {
			n = OFP_HEADER_LEN - f->have;
			if (n > len - used)
				n = len - used;
			memcpy(f->peek + f->have, data + used, n);
			f->have += n;
			used += n;
			if (f->have < OFP_HEADER_LEN)
				break;
			if (f->peek[0] < OFP_VERSION_MIN ||
			    f->peek[0] > OFP_VERSION_MAX ||
			    (f->peek[2] << 8 | f->peek[3]) < OFP_HEADER_LEN) {
				/* Not a message: search again from the byte
				 * after this header's first byte. */
				st->bad_headers++;
				st->reasm.resync_skipped_bytes++;
				memmove(f->peek, f->peek + 1,
					OFP_HEADER_LEN - 1);
				f->have = OFP_HEADER_LEN - 1;
				start_search(f, st);
				return used;
			}
			count_message(f, st);
			if (f->body_left == 0)
				f->have = 0;
			continue;
		}
		/* In the body: keep FEATURES_REPLY's datapath_id, skip the
		 * rest without looking at it. */
		if (f->peek[1] == OFPT_FEATURES_REPLY && f->have < DPID_END &&
		    f->body_left + f->have >= DPID_END) {
			n = DPID_END - f->have;
			if (n > len - used)
				n = len - used;
			memcpy(f->peek + f->have, data + used, n);
			f->have += n;
			used += n;
			f->body_left -= n;
			if (f->have == DPID_END) {
				f->datapath_id = be64(f->peek + 8);
				f->has_dpid = true;
			}
		} else {
			n = f->body_left;
			if (n > len - used)
				n = len - used;
			used += n;
			f->body_left -= n;
		}
		if (f->body_left == 0)
			f->have = 0;
	}
	return used;
}

/* Byte @i of the virtual concatenation peek[0..have) + data. */
static inline uint8_t byte_at(const struct of_framer *f, const uint8_t *data,
			      size_t i)
{
	return i < f->have ? f->peek[i] : data[i - f->have];
}

static void read8(const struct of_framer *f, const uint8_t *data, size_t i,
		  uint8_t out[OFP_HEADER_LEN])
{
	for (int k = 0; k < OFP_HEADER_LEN; k++)
		out[k] = byte_at(f, data, i + (size_t)k);
}

/* Successor headers checked before a resync candidate is accepted. */
#define RESYNC_CHAIN 3

/* Unsynced: search for a plausible header. Return: bytes of @data used. */
static size_t feed_unsynced(struct of_framer *f, const uint8_t *data,
			    size_t len, struct ofx_stats *st)
{
	size_t total = f->have + len;
	uint8_t h[OFP_HEADER_LEN], nh[OFP_HEADER_LEN];
	size_t c;
	int k;

	start_search(f, st);
	for (c = 0; c + OFP_HEADER_LEN <= total; c++) {
		size_t next;

		if (byte_at(f, data, c) < OFP_VERSION_MIN ||
		    byte_at(f, data, c) > OFP_VERSION_MAX)
			continue;
		read8(f, data, c, h);
		if (!of_header_plausible(h) ||
		    (f->trusted_version && h[0] != f->trusted_version))
			continue;
		/* Each successor at hand (up to RESYNC_CHAIN) must be a
		 * plausible header of the same version. */
		next = c + (size_t)(h[2] << 8 | h[3]);
		for (k = 0; k < RESYNC_CHAIN; k++) {
			if (next + OFP_HEADER_LEN > total)
				break;
			read8(f, data, next, nh);
			if (!of_header_plausible(nh) || nh[0] != h[0])
				break;
			next += (size_t)(nh[2] << 8 | nh[3]);
		}
		if (k < RESYNC_CHAIN && next + OFP_HEADER_LEN <= total)
			continue;
		/* Found: resume synced framing at offset c. */
		search_skip(f, c, st);
		f->synced = true;
		f->searching = false;
		if (c < f->have) {
			/* The header starts in the kept bytes: they become
			 * the first bytes of the header being collected. */
			memmove(f->peek, f->peek + c, f->have - c);
			f->have -= (uint8_t)c;
			return 0;
		}
		c -= f->have;
		f->have = 0;
		return c;
	}
	/* Nothing yet: keep the last 7 bytes for the next feed. */
	{
		size_t keep =
			total < OFP_HEADER_LEN - 1 ? total : OFP_HEADER_LEN - 1;
		uint8_t tmp[OFP_HEADER_LEN];

		for (size_t k = 0; k < keep; k++)
			tmp[k] = byte_at(f, data, total - keep + k);
		memcpy(f->peek, tmp, keep);
		search_skip(f, total - keep, st);
		f->have = (uint8_t)keep;
	}
	return len;
}

void of_framer_feed(struct of_framer *f, const uint8_t *data, size_t len,
		    struct ofx_stats *st)
{
	while (len) {
		size_t used = f->synced ? feed_synced(f, data, len, st)
					: feed_unsynced(f, data, len, st);
		data += used;
		len -= used;
	}
}

void of_framer_gap(struct of_framer *f, uint64_t len, struct ofx_stats *st)
{
	if (!len)
		return;
	if (f->synced && f->have >= OFP_HEADER_LEN && len <= f->body_left) {
		f->body_left -= (uint32_t)len;
		if (!f->partial) {
			f->partial = true;
			st->reasm.partial_msgs++;
		}
		/* Bytes after the gap are not where datapath_id would be. */
		if (f->have < DPID_END)
			f->have = DPID_END;
		if (f->body_left == 0)
			f->have = 0;
		return;
	}
	if (!f->synced) {
		/* Kept bytes are not contiguous with what follows. */
		st->reasm.resync_skipped_bytes += f->have;
		f->have = 0;
		start_search(f, st);
		return;
	}
	f->have = 0;
	f->body_left = 0;
	f->partial = false;
	start_search(f, st);
}
