// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_framer.c - OpenFlow message framing on a reassembled byte stream
 * (rules in of_framer.h; header layout OpenFlow 1.5.1 §7.1.1).
 */
#include <stdlib.h>
#include <string.h>

#include "openflow/of_framer.h"

#define OFPT_HELLO 0
/* Messages in a row in sync before their version filters resyncs. */
#define RESYNC_TRUST_RUN 4
/* Bytes one search may skip before it stops filtering by version. */
#define RESYNC_TRUST_SKIP (128u << 10)
/* Successor headers checked before a resync candidate is accepted. */
#define RESYNC_CHAIN 3

/* TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2): content type, legacy
 * version 3.x, 16-bit length of at most 2^14 + 2048 (TLSCiphertext). */
#define TLS_HDR_LEN 5
#define TLS_HANDSHAKE 22
#define TLS_TYPE_MIN 20 /* change_cipher_spec */
#define TLS_TYPE_MAX 23 /* application_data */
#define TLS_MINOR_MAX 4 /* 0x0304: TLS 1.3 */
#define TLS_REC_MAX ((1u << 14) + 2048)

void of_framer_init(struct of_framer *f, uint8_t tag, bool synced)
{
	f->have = 0;
	f->need = 0;
	f->body_left = 0;
	f->synced = synced;
	/* A join's first search is not a loss of framing: it is counted
	 * as a mid-stream join, not in resyncs. */
	f->searching = !synced;
	f->partial = false;
	f->resynced = false;
	f->unchecked = false;
	f->tag = tag;
	f->version = 0;
	f->run_version = 0;
	f->run = 0;
	f->trusted_version = 0;
	f->mode = synced ? OF_MODE_START : OF_MODE_OPENFLOW;
	f->lost = 0;
	f->search_skipped = 0;
	f->msgs = 0;
	f->bad = 0;
	f->tls_records = 0;
	f->big = NULL;
	f->heap = NULL;
}

void of_framer_release(struct of_framer *f)
{
	free(f->heap);
	f->heap = NULL;
}

/* The kept bytes: inline until a message needs more (grow_buf()). */
static inline uint8_t *fbuf(struct of_framer *f)
{
	return f->heap ? f->heap : f->small;
}

static inline const uint8_t *fbuf_c(const struct of_framer *f)
{
	return f->heap ? f->heap : f->small;
}

/* Room for @need kept bytes. Return: the room there is (OF_FRAMER_SMALL
 * when the heap buffer cannot be had: the decoders then see fewer). */
static size_t grow_buf(struct of_framer *f, size_t need)
{
	if (need <= OF_FRAMER_SMALL || f->heap)
		return need;
	f->heap = malloc(OF_PEEK_MAX);
	if (!f->heap)
		return OF_FRAMER_SMALL;
	memcpy(f->heap, f->small, f->have);
	return need;
}

void *of_whole_alloc(struct of_whole *w, uint32_t len)
{
	void *p;

	if (!w || !w->max)
		return NULL;
	if (w->used + len > w->max || !(p = malloc(len))) {
		w->denied++;
		return NULL;
	}
	w->used += len;
	return p;
}

void of_whole_free(struct of_whole *w, void *p, uint32_t len)
{
	if (!p)
		return;
	free(p);
	w->used -= len;
}

static inline uint16_t hdr_len(const uint8_t *h)
{
	return (uint16_t)(h[2] << 8 | h[3]);
}

static inline bool hdr_bad(const uint8_t *h)
{
	return h[0] < OFP_VERSION_MIN || h[0] > OFP_VERSION_MAX ||
	       hdr_len(h) < OFP_HEADER_LEN;
}

/* A header was seen in sync: track the run of one version. Trust a version
 * for resyncs only after RESYNC_TRUST_RUN messages in a row (HELLO aside:
 * it carries the sender's highest version, not the negotiated one). */
static inline void header_seen(struct of_framer *f, const uint8_t *h)
{
	f->version = h[0];
	if (h[1] == OFPT_HELLO)
		return;
	if (h[0] != f->run_version) {
		f->run_version = h[0];
		f->run = 0;
	}
	if (f->run < RESYNC_TRUST_RUN && ++f->run == RESYNC_TRUST_RUN)
		f->trusted_version = h[0];
}

/* Emit a message of which @bytes were fed. */
static inline void emit(struct of_framer *f, const uint8_t *data,
			uint32_t caplen, uint32_t bytes, uint64_t ts_ns,
			uint8_t flags, const struct of_framer_out *out)
{
	struct of_frame m = {
		.data = data,
		.caplen = caplen,
		.bytes = bytes,
		.ts_ns = ts_ns,
		.flags = flags,
	};

	if (f->partial)
		m.flags |= OF_FRAME_PARTIAL;
	if (f->resynced)
		m.flags |= OF_FRAME_RESYNCED;
	if (f->unchecked)
		m.flags |= OF_FRAME_UNCHECKED;
	f->partial = false;
	f->resynced = false;
	f->unchecked = false;
	f->msgs++;
	out->emit(out->ctx, f->tag, &m);
}

/* The message whose header is in fbuf(f) ends here: emit it with the bytes
 * fed of it (its length less those lost in gaps and those never fed). */
static inline void emit_buf(struct of_framer *f, uint64_t ts_ns, uint8_t flags,
			    const struct of_framer_out *out)
{
	uint32_t seen = hdr_len(fbuf(f)) - f->body_left - f->lost;

	f->lost = 0; /* (a message emitted in place never lost any) */
	if (f->big) {
		/* kept whole (no gap in it): its first @seen bytes */
		uint8_t *big = f->big;

		f->big = NULL;
		emit(f, big, seen, seen, ts_ns, flags, out);
		of_whole_free(out->whole, big, hdr_len(fbuf(f)));
	} else {
		emit(f, fbuf(f), f->have, seen, ts_ns, flags, out);
	}
	f->have = 0;
}

/* The current message lost bytes: it cannot be emitted whole. */
static void drop_big(struct of_framer *f, const struct of_framer_out *out)
{
	of_whole_free(out->whole, f->big, hdr_len(fbuf(f)));
	f->big = NULL;
}

static void start_search(struct of_framer *f, struct of_framing_stats *st)
{
	f->synced = false;
	f->run = 0;
	if (!f->searching) {
		f->searching = true;
		f->search_skipped = 0;
		st->resyncs++;
	}
}

/* @n more bytes passed over by the current search. */
static void search_skip(struct of_framer *f, uint64_t n,
			struct of_framing_stats *st)
{
	st->resync_skipped_bytes += n;
	f->search_skipped += n;
	if (f->search_skipped > RESYNC_TRUST_SKIP)
		f->trusted_version = 0; /* maybe trusted a false lock */
}

/* The 8-byte header in fbuf(f) is complete: start its message. Return false
 * if it is not a message (the framer then searches again). */
static bool begin_message(struct of_framer *f, const struct of_framer_out *out)
{
	struct of_framing_stats *st = out->st;
	uint16_t len;
	size_t need;

	if (hdr_bad(fbuf(f))) {
		/* Not a message: search again from the byte after this
		 * header's first byte. */
		st->bad_headers++;
		f->bad++;
		st->resync_skipped_bytes++;
		memmove(fbuf(f), fbuf(f) + 1, OFP_HEADER_LEN - 1);
		f->have = OFP_HEADER_LEN - 1;
		start_search(f, st);
		return false;
	}
	header_seen(f, fbuf(f));
	len = hdr_len(fbuf(f));
	need = of_peek_len(fbuf(f)[0], fbuf(f)[1]);
	if (need > len)
		need = len;
	if (need < OFP_HEADER_LEN)
		need = OFP_HEADER_LEN;
	f->need = (uint16_t)grow_buf(f, need);
	f->body_left = len - OFP_HEADER_LEN;
	if (out->whole && len > need) {
		f->big = of_whole_alloc(out->whole, len);
		if (f->big)
			memcpy(f->big, fbuf(f), f->have);
	}
	return true;
}

/* Synced: consume bytes until done or a bad header. Return: bytes used. */
static size_t feed_synced(struct of_framer *f, const uint8_t *data, size_t len,
			  uint64_t ts_ns, const struct of_framer_out *out)
{
	size_t used = 0;

	while (used < len) {
		size_t n, avail = len - used;

		if (f->have == 0 && avail >= OFP_HEADER_LEN) {
			/* Fast path: a whole message in this feed. */
			const uint8_t *h = data + used;
			uint16_t mlen = hdr_len(h);

			if (!hdr_bad(h) && avail >= mlen) {
				header_seen(f, h);
				emit(f, h, mlen, mlen, ts_ns, 0, out);
				used += mlen;
				continue;
			}
		}
		if (f->have < OFP_HEADER_LEN) {
			n = OFP_HEADER_LEN - f->have;
			if (n > avail)
				n = avail;
			memcpy(fbuf(f) + f->have, data + used, n);
			f->have += (uint16_t)n;
			used += n;
			if (f->have < OFP_HEADER_LEN)
				break;
			if (!begin_message(f, out))
				return used;
		} else if (f->have < f->need) {
			/* Keep the bytes the decoders need. */
			n = f->need - f->have;
			if (n > avail)
				n = avail;
			memcpy(fbuf(f) + f->have, data + used, n);
			if (f->big)
				memcpy(f->big + f->have, data + used, n);
			f->have += (uint16_t)n;
			f->body_left -= (uint32_t)n;
			used += n;
		} else {
			/* Skip the rest of the body without a look (or
			 * keep it whole). */
			n = f->body_left;
			if (n > avail)
				n = avail;
			if (f->big)
				memcpy(f->big + hdr_len(fbuf(f)) - f->body_left,
				       data + used, n);
			f->body_left -= (uint32_t)n;
			used += n;
		}
		if (f->body_left == 0)
			emit_buf(f, ts_ns, 0, out);
	}
	return used;
}

/* Byte @i of the virtual concatenation buf[0..have) + data. */
static inline uint8_t byte_at(const struct of_framer *f, const uint8_t *data,
			      size_t i)
{
	return i < f->have ? fbuf_c(f)[i] : data[i - f->have];
}

static void read_n(const struct of_framer *f, const uint8_t *data, size_t i,
		   uint8_t *out, int n)
{
	for (int k = 0; k < n; k++)
		out[k] = byte_at(f, data, i + (size_t)k);
}

static void read8(const struct of_framer *f, const uint8_t *data, size_t i,
		  uint8_t out[OFP_HEADER_LEN])
{
	read_n(f, data, i, out, OFP_HEADER_LEN);
}

/* Keep the last @max bytes of buf[0..have) + data[0..len) in buf for the
 * next feed. Return: bytes of the concatenation not kept. */
static size_t keep_tail(struct of_framer *f, const uint8_t *data, size_t len,
			size_t max)
{
	size_t total = f->have + len;
	size_t keep = total < max ? total : max;
	uint8_t tmp[OFP_HEADER_LEN];

	for (size_t i = 0; i < keep; i++)
		tmp[i] = byte_at(f, data, total - keep + i);
	memcpy(fbuf(f), tmp, keep);
	f->have = (uint16_t)keep;
	return total - keep;
}

/* Unsynced: search for a plausible header. Return: bytes of @data used. */
static size_t feed_unsynced(struct of_framer *f, const uint8_t *data,
			    size_t len, struct of_framing_stats *st)
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
		/* With a trusted version the stream is past its HELLO (the
		 * first message of each side, OpenFlow 1.5.1 §7.5.1): a
		 * HELLO there is a false lock. */
		if (!of_header_plausible(h) ||
		    (f->trusted_version &&
		     (h[0] != f->trusted_version || h[1] == OFPT_HELLO)))
			continue;
		/* Each successor at hand (up to RESYNC_CHAIN) must be a
		 * plausible header of the same version. */
		next = c + hdr_len(h);
		for (k = 0; k < RESYNC_CHAIN; k++) {
			if (next + OFP_HEADER_LEN > total)
				break;
			read8(f, data, next, nh);
			if (!of_header_plausible(nh) || nh[0] != h[0])
				break;
			next += hdr_len(nh);
		}
		if (k < RESYNC_CHAIN && next + OFP_HEADER_LEN <= total)
			continue;
		/* Found: resume synced framing at offset c. */
		search_skip(f, c, st);
		f->synced = true;
		f->searching = false;
		f->resynced = true;
		f->unchecked = k < RESYNC_CHAIN && next != total;
		if (c < f->have) {
			/* The header starts in the kept bytes: they become
			 * the first bytes of the header being collected. */
			memmove(fbuf(f), fbuf(f) + c, f->have - c);
			f->have -= (uint16_t)c;
			return 0;
		}
		c -= f->have;
		f->have = 0;
		return c;
	}
	/* Nothing yet: keep the last 7 bytes for the next feed. */
	search_skip(f, keep_tail(f, data, len, OFP_HEADER_LEN - 1), st);
	return len;
}

/* ---- TLS record layer ---- */

static inline uint16_t tls_len(const uint8_t *h)
{
	return (uint16_t)(h[3] << 8 | h[4]);
}

static inline bool tls_hdr_ok(const uint8_t *h)
{
	return h[0] >= TLS_TYPE_MIN && h[0] <= TLS_TYPE_MAX && h[1] == 3 &&
	       h[2] <= TLS_MINOR_MAX && tls_len(h) <= TLS_REC_MAX;
}

/* TLS byte and record counts of one feed, reported once. */
struct tls_acc {
	uint32_t records;
	uint64_t bytes;
};

static void tls_report(const struct of_framer *f, const struct tls_acc *a,
		       uint64_t ts_ns, const struct of_framer_out *out)
{
	if (out->tls)
		out->tls(out->ctx, f->tag, a->records, a->bytes, ts_ns);
}

/* Not a record header where one was due, without a gap: not TLS after
 * all. Search for OpenFlow from there (the caller leaves the header's
 * bytes in buf, or unconsumed). */
static void tls_broken(struct of_framer *f, struct of_framing_stats *st)
{
	st->tls_bad_records++;
	f->mode = OF_MODE_OPENFLOW;
	f->synced = false;
	f->searching = true; /* counted as a bad record, not a resync */
	f->search_skipped = 0;
	f->run = 0;
	f->body_left = 0;
}

/* TLS, synced: walk record headers, skip bodies. Return: bytes used. */
static size_t tls_synced(struct of_framer *f, const uint8_t *data, size_t len,
			 struct tls_acc *a, struct of_framing_stats *st)
{
	size_t used = 0;

	while (used < len) {
		size_t n, avail = len - used;
		const uint8_t *h;

		if (f->body_left) {
			n = f->body_left < avail ? f->body_left : avail;
			f->body_left -= (uint32_t)n;
			used += n;
			a->bytes += n;
			continue;
		}
		if (f->have == 0 && avail >= TLS_HDR_LEN) {
			h = data + used;
			if (!tls_hdr_ok(h)) {
				tls_broken(f, st);
				return used;
			}
			used += TLS_HDR_LEN;
		} else {
			n = TLS_HDR_LEN - f->have;
			if (n > avail)
				n = avail;
			memcpy(fbuf(f) + f->have, data + used, n);
			f->have += (uint16_t)n;
			used += n;
			if (f->have < TLS_HDR_LEN)
				break;
			h = fbuf(f);
			if (!tls_hdr_ok(h)) {
				tls_broken(f, st); /* buf keeps the header */
				return used;
			}
			f->have = 0;
		}
		f->body_left = tls_len(h);
		f->tls_records++;
		a->records++;
		a->bytes += TLS_HDR_LEN;
	}
	return used;
}

/* TLS after a gap: look for a record header whose successor, when at
 * hand, is one too. Bytes passed over are TLS bytes. Return: bytes used. */
static size_t tls_search(struct of_framer *f, const uint8_t *data, size_t len,
			 struct tls_acc *a)
{
	size_t total = f->have + len;
	uint8_t h[TLS_HDR_LEN];

	for (size_t c = 0; c + TLS_HDR_LEN <= total; c++) {
		size_t next;
		uint8_t t = byte_at(f, data, c);

		if (t < TLS_TYPE_MIN || t > TLS_TYPE_MAX)
			continue;
		read_n(f, data, c, h, TLS_HDR_LEN);
		if (!tls_hdr_ok(h))
			continue;
		next = c + TLS_HDR_LEN + tls_len(h);
		if (next + TLS_HDR_LEN <= total) {
			read_n(f, data, next, h, TLS_HDR_LEN);
			if (!tls_hdr_ok(h))
				continue;
		}
		a->bytes += c;
		f->synced = true;
		if (c < f->have) {
			memmove(fbuf(f), fbuf(f) + c, f->have - c);
			f->have -= (uint16_t)c;
			return 0;
		}
		c -= f->have;
		f->have = 0;
		return c;
	}
	a->bytes += keep_tail(f, data, len, TLS_HDR_LEN - 1);
	return len;
}

/* The stream's first bytes (SYN seen): TLS or OpenFlow? Return: bytes of
 * @data used (kept in buf while fewer than 3 are known). */
static size_t detect(struct of_framer *f, const uint8_t *data, size_t len)
{
	if (f->have + len < 3) {
		memcpy(fbuf(f) + f->have, data, len);
		f->have += (uint16_t)len;
		return len;
	}
	if (byte_at(f, data, 0) == TLS_HANDSHAKE && byte_at(f, data, 1) == 3 &&
	    byte_at(f, data, 2) <= TLS_MINOR_MAX)
		f->mode = OF_MODE_TLS;
	else
		f->mode = OF_MODE_OPENFLOW;
	return 0;
}

/* Feed in a mode other than OpenFlow (or the stream's start). */
static void feed_other(struct of_framer *f, const uint8_t *data, size_t len,
		       uint64_t ts_ns, const struct of_framer_out *out)
{
	struct tls_acc a = {0};
	size_t used;

	if (f->mode == OF_MODE_START) {
		used = detect(f, data, len);
		data += used;
		len -= used;
		if (f->mode == OF_MODE_START)
			return;
		if (f->mode == OF_MODE_OPENFLOW) {
			of_framer_feed(f, data, len, ts_ns, out);
			return;
		}
	}
	while (len && f->mode == OF_MODE_TLS) {
		used = f->synced ? tls_synced(f, data, len, &a, out->st)
				 : tls_search(f, data, len, &a);
		data += used;
		len -= used;
	}
	tls_report(f, &a, ts_ns, out);
	if (len)
		of_framer_feed(f, data, len, ts_ns, out);
}

void of_framer_feed(struct of_framer *f, const uint8_t *data, size_t len,
		    uint64_t ts_ns, const struct of_framer_out *out)
{
	if (__builtin_expect(f->mode != OF_MODE_OPENFLOW, 0)) {
		feed_other(f, data, len, ts_ns, out);
		return;
	}
	while (len) {
		size_t used = f->synced ? feed_synced(f, data, len, ts_ns, out)
					: feed_unsynced(f, data, len, out->st);
		data += used;
		len -= used;
	}
}

/* Synced with a header in fbuf(f): emit that message as lost (with the
 * bytes of it that were fed). */
static void emit_lost(struct of_framer *f, uint64_t ts_ns,
		      const struct of_framer_out *out)
{
	emit_buf(f, ts_ns, OF_FRAME_TRUNCATED, out);
	f->body_left = 0;
}

/* A gap in a TLS stream: inside a record's body the record layer holds;
 * else search for a record header. Bytes kept of a header were seen:
 * they count as TLS bytes. */
static void tls_gap(struct of_framer *f, uint64_t len, uint64_t ts_ns,
		    const struct of_framer_out *out)
{
	struct tls_acc a = {.bytes = f->have};

	if (f->synced && f->have == 0 && len <= f->body_left) {
		f->body_left -= (uint32_t)len;
		return;
	}
	if (f->synced)
		out->st->tls_resyncs++;
	f->synced = false;
	f->have = 0;
	f->body_left = 0;
	tls_report(f, &a, ts_ns, out);
}

void of_framer_gap(struct of_framer *f, uint64_t len, uint64_t ts_ns,
		   const struct of_framer_out *out)
{
	if (!len)
		return;
	if (f->mode == OF_MODE_TLS) {
		tls_gap(f, len, ts_ns, out);
		return;
	}
	if (f->mode == OF_MODE_START)
		f->mode = OF_MODE_OPENFLOW; /* the first bytes were lost */
	if (f->big)
		drop_big(f, out);
	if (f->synced && f->have >= OFP_HEADER_LEN && len <= f->body_left) {
		f->body_left -= (uint32_t)len;
		f->lost += (uint32_t)len;
		if (!f->partial) {
			f->partial = true;
			out->st->partial_msgs++;
		}
		/* Bytes after the gap are not at their offsets in buf. */
		f->need = f->have;
		if (f->body_left == 0)
			emit_buf(f, ts_ns, 0, out);
		return;
	}
	if (!f->synced) {
		/* Kept bytes are not contiguous with what follows. */
		out->st->resync_skipped_bytes += f->have;
		f->have = 0;
		start_search(f, out->st);
		return;
	}
	if (f->have >= OFP_HEADER_LEN) {
		f->partial = true; /* flagged; partial_msgs counts only
				    * messages the framer stayed in sync for */
		emit_lost(f, ts_ns, out);
	}
	f->have = 0;
	f->body_left = 0;
	f->partial = false;
	f->lost = 0;
	start_search(f, out->st);
}

void of_framer_end(struct of_framer *f, uint64_t ts_ns,
		   const struct of_framer_out *out)
{
	if (f->mode == OF_MODE_TLS) {
		/* the bytes of a record header cut by the end were seen */
		struct tls_acc a = {.bytes = f->have};

		f->have = 0;
		if (a.bytes)
			tls_report(f, &a, ts_ns, out);
		return;
	}
	if (f->mode == OF_MODE_OPENFLOW && f->synced &&
	    f->have >= OFP_HEADER_LEN)
		emit_lost(f, ts_ns, out);
}
