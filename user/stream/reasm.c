// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * reasm.c - TCP reassembly per connection direction (rules in reasm.h).
 * Sequence numbers compare with serial arithmetic (RFC 9293 §3.4, RFC 1982).
 */
#include <stdlib.h>
#include <string.h>

#include "ofxdp.h"
#include "stream/reasm.h"

#define DEF_MAX_STREAMS 4096u
#define DEF_MAX_OOO_SEGS 4096u
#define DEF_MAX_OOO_BYTES (4u << 20)
#define DEF_MAX_TOTAL_OOO_BYTES (64ull << 20)
#define DEF_HOLE_TIMEOUT_NS 1000000000ull
#define DEF_IDLE_TIMEOUT_NS 300000000000ull

/* An out-of-order segment's payload, queued until the hole before it fills. */
struct ooo_seg {
	struct ooo_seg *next;
	uint64_t ts_ns;
	uint32_t seq;
	uint32_t len;
	uint8_t data[];
};

struct stream {
	struct ofx_flow_key key;
	struct stream *hnext;
	struct stream *lru_prev, *lru_next; /* head = most recently used */
	uint32_t next_seq; /* seq of the next byte to deliver */
	uint32_t syn_seq;
	bool has_syn;
	bool fin_pending;
	uint32_t fin_seq; /* seq just after the last data byte */
	struct ooo_seg *ooo; /* sorted by seq */
	struct ooo_seg *ooo_tail; /* last of ooo */
	uint32_t ooo_end; /* highest seq + len queued: appends at or past it
			   * need no scan (valid while ooo is not empty) */
	uint32_t ooo_n;
	uint32_t ooo_bytes;
	uint64_t hole_since_ns;
	uint64_t last_ts_ns;
	struct of_framer fr;
};

struct ofx_reasm {
	struct ofx_reasm_opts o;
	struct ofx_stats *st;
	struct stream **buckets;
	uint32_t mask;
	uint32_t nstreams;
	struct stream *lru_head, *lru_tail;
	uint64_t ooo_total;
};

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint32_t key_hash(const struct ofx_flow_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 4; i++) {
		h = (h ^ k->saddr[i]) * 0x100000001b3ull;
		h = (h ^ k->daddr[i]) * 0x100000001b3ull;
	}
	h = (h ^ ((uint32_t)k->sport << 16 | k->dport)) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

static bool key_eq(const struct ofx_flow_key *a, const struct ofx_flow_key *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	       a->family == b->family &&
	       !memcmp(a->saddr, b->saddr, sizeof(a->saddr)) &&
	       !memcmp(a->daddr, b->daddr, sizeof(a->daddr));
}

struct ofx_reasm *ofx_reasm_new(const struct ofx_reasm_opts *opts,
				struct ofx_stats *st)
{
	struct ofx_reasm *r = calloc(1, sizeof(*r));
	uint32_t nb = 16;

	if (!r)
		return NULL;
	if (opts)
		r->o = *opts;
	if (!r->o.max_streams)
		r->o.max_streams = DEF_MAX_STREAMS;
	if (!r->o.max_ooo_segs)
		r->o.max_ooo_segs = DEF_MAX_OOO_SEGS;
	if (!r->o.max_ooo_bytes)
		r->o.max_ooo_bytes = DEF_MAX_OOO_BYTES;
	if (!r->o.max_total_ooo_bytes)
		r->o.max_total_ooo_bytes = DEF_MAX_TOTAL_OOO_BYTES;
	if (!r->o.hole_timeout_ns)
		r->o.hole_timeout_ns = DEF_HOLE_TIMEOUT_NS;
	if (!r->o.idle_timeout_ns)
		r->o.idle_timeout_ns = DEF_IDLE_TIMEOUT_NS;
	while (nb < 2 * r->o.max_streams && nb < (1u << 24))
		nb <<= 1;
	r->buckets = calloc(nb, sizeof(*r->buckets));
	if (!r->buckets) {
		free(r);
		return NULL;
	}
	r->mask = nb - 1;
	r->st = st;
	return r;
}

static void lru_unlink(struct ofx_reasm *r, struct stream *s)
{
	if (s->lru_prev)
		s->lru_prev->lru_next = s->lru_next;
	else
		r->lru_head = s->lru_next;
	if (s->lru_next)
		s->lru_next->lru_prev = s->lru_prev;
	else
		r->lru_tail = s->lru_prev;
	s->lru_prev = s->lru_next = NULL;
}

static void lru_push_head(struct ofx_reasm *r, struct stream *s)
{
	s->lru_prev = NULL;
	s->lru_next = r->lru_head;
	if (r->lru_head)
		r->lru_head->lru_prev = s;
	r->lru_head = s;
	if (!r->lru_tail)
		r->lru_tail = s;
}

static void deliver(struct ofx_reasm *r, struct stream *s, const uint8_t *data,
		    uint32_t len)
{
	if (!len)
		return;
	of_framer_feed(&s->fr, data, len, r->st);
	s->next_seq += len;
}

static void ooo_pop(struct ofx_reasm *r, struct stream *s)
{
	struct ooo_seg *q = s->ooo;

	s->ooo = q->next;
	s->ooo_n--;
	s->ooo_bytes -= q->len;
	r->ooo_total -= q->len;
	r->st->reasm.ooo_bytes_queued = r->ooo_total;
	if (s->ooo)
		s->hole_since_ns = s->ooo->ts_ns;
	else
		s->ooo_tail = NULL;
	free(q);
}

/* Deliver queued segments that now continue the stream. */
static void drain(struct ofx_reasm *r, struct stream *s)
{
	while (s->ooo) {
		struct ooo_seg *q = s->ooo;
		int32_t d = seq_diff(q->seq, s->next_seq);

		if (d > 0)
			break;
		if ((uint32_t)-d >= q->len) {
			r->st->reasm.retrans_bytes += q->len;
		} else {
			r->st->reasm.retrans_bytes += (uint32_t)-d;
			deliver(r, s, q->data + (uint32_t)-d,
				q->len - (uint32_t)-d);
		}
		ooo_pop(r, s);
	}
}

/* Give up the hole before the first queued segment. */
static void skip_hole(struct ofx_reasm *r, struct stream *s)
{
	uint32_t gap = s->ooo->seq - s->next_seq;

	r->st->reasm.gaps++;
	r->st->reasm.gap_bytes += gap;
	of_framer_gap(&s->fr, gap, r->st);
	s->next_seq = s->ooo->seq;
	drain(r, s);
}

static void skip_all_holes(struct ofx_reasm *r, struct stream *s)
{
	while (s->ooo)
		skip_hole(r, s);
}

static void stream_free_queue(struct ofx_reasm *r, struct stream *s)
{
	while (s->ooo)
		ooo_pop(r, s);
}

static void stream_remove(struct ofx_reasm *r, struct stream *s,
			  uint64_t *reason)
{
	struct stream **pp = &r->buckets[key_hash(&s->key) & r->mask];

	skip_all_holes(r, s);
	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
	lru_unlink(r, s);
	r->nstreams--;
	r->st->reasm.streams_active = r->nstreams;
	(*reason)++;
	free(s);
}

static void stream_start(struct stream *s, const struct ofx_segment *seg,
			 struct ofx_stats *st)
{
	bool syn = seg->tcp_flags & OFX_TCP_SYN;

	s->has_syn = syn;
	s->syn_seq = seg->seq;
	s->next_seq = syn ? seg->seq + 1 : seg->seq;
	s->fin_pending = false;
	of_framer_init(&s->fr, seg->dir, syn);
	if (!syn)
		st->reasm.midstream_joins++;
}

static struct stream *stream_lookup(struct ofx_reasm *r,
				    const struct ofx_flow_key *k)
{
	struct stream *s = r->buckets[key_hash(k) & r->mask];

	while (s && !key_eq(&s->key, k))
		s = s->hnext;
	return s;
}

static struct stream *stream_create(struct ofx_reasm *r,
				    const struct ofx_segment *seg)
{
	struct stream *s;
	uint32_t b;

	if (r->nstreams >= r->o.max_streams && r->lru_tail)
		stream_remove(r, r->lru_tail, &r->st->reasm.streams_evicted);
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key = seg->key;
	b = key_hash(&s->key) & r->mask;
	s->hnext = r->buckets[b];
	r->buckets[b] = s;
	lru_push_head(r, s);
	r->nstreams++;
	r->st->reasm.streams_active = r->nstreams;
	r->st->reasm.streams_total++;
	stream_start(s, seg, r->st);
	return s;
}

static bool queue_full(const struct ofx_reasm *r, const struct stream *s,
		       uint32_t len)
{
	return s->ooo_n + 1 > r->o.max_ooo_segs ||
	       s->ooo_bytes + len > r->o.max_ooo_bytes ||
	       r->ooo_total + len > r->o.max_total_ooo_bytes;
}

static void feed_payload(struct ofx_reasm *r, struct stream *s, uint32_t seq,
			 const uint8_t *data, uint32_t len, uint64_t ts_ns);

/* Queue @len bytes at @seq (after next_seq), giving up holes, oldest
 * first, while the queue limits would be exceeded. */
static void enqueue(struct ofx_reasm *r, struct stream *s, uint32_t seq,
		    const uint8_t *data, uint32_t len, uint64_t ts_ns)
{
	struct ooo_seg **pp = &s->ooo, *q;

	while (queue_full(r, s, len)) {
		if (!s->ooo || seq_diff(seq, s->ooo->seq) < 0) {
			/* The oldest hole ends at this segment. */
			uint32_t gap = seq - s->next_seq;

			r->st->reasm.gaps++;
			r->st->reasm.gap_bytes += gap;
			of_framer_gap(&s->fr, gap, r->st);
			s->next_seq = seq;
			deliver(r, s, data, len);
			drain(r, s);
			return;
		}
		skip_hole(r, s);
		if (seq_diff(seq, s->next_seq) <= 0) {
			/* Now continues (or overlaps) the stream. */
			feed_payload(r, s, seq, data, len, ts_ns);
			return;
		}
	}
	/* Segments after a hole mostly arrive in order: append directly. */
	if (s->ooo_tail && seq_diff(seq, s->ooo_end) >= 0)
		pp = &s->ooo_tail->next;
	for (; *pp; pp = &(*pp)->next) {
		struct ooo_seg *c = *pp;

		if (seq_diff(c->seq, seq) <= 0 &&
		    seq_diff(c->seq + c->len, seq + len) >= 0) {
			r->st->reasm.ooo_dropped_segs++;
			return; /* wholly covered by queued data */
		}
		if (seq_diff(c->seq, seq) > 0)
			break;
	}
	q = malloc(sizeof(*q) + len);
	if (!q) {
		r->st->reasm.ooo_dropped_segs++;
		return;
	}
	q->ts_ns = ts_ns;
	q->seq = seq;
	q->len = len;
	memcpy(q->data, data, len);
	q->next = *pp;
	*pp = q;
	if (!q->next)
		s->ooo_tail = q;
	if (!s->ooo_n || seq_diff(seq + len, s->ooo_end) > 0)
		s->ooo_end = seq + len;
	if (!s->ooo_n || ts_ns < s->hole_since_ns)
		s->hole_since_ns = ts_ns;
	s->ooo_n++;
	s->ooo_bytes += len;
	r->ooo_total += len;
	r->st->reasm.ooo_bytes_queued = r->ooo_total;
	r->st->reasm.ooo_segs++;
}

static void feed_payload(struct ofx_reasm *r, struct stream *s, uint32_t seq,
			 const uint8_t *data, uint32_t len, uint64_t ts_ns)
{
	int32_t d = seq_diff(seq, s->next_seq);

	if (d > 0) {
		enqueue(r, s, seq, data, len, ts_ns);
		return;
	}
	if (d < 0) {
		if ((uint32_t)-d >= len) {
			r->st->reasm.retrans_segs++;
			r->st->reasm.retrans_bytes += len;
			return;
		}
		r->st->reasm.retrans_bytes += (uint32_t)-d;
		data += (uint32_t)-d;
		len -= (uint32_t)-d;
	}
	deliver(r, s, data, len);
	drain(r, s);
}

static void expire_holes(struct ofx_reasm *r, struct stream *s, uint64_t now_ns)
{
	while (s->ooo && now_ns > s->hole_since_ns &&
	       now_ns - s->hole_since_ns > r->o.hole_timeout_ns)
		skip_hole(r, s);
}

void ofx_reasm_feed(struct ofx_reasm *r, const struct ofx_segment *seg)
{
	struct stream *s = stream_lookup(r, &seg->key);
	uint8_t fl = seg->tcp_flags;
	uint32_t seq = seg->seq;

	if (!s) {
		/* A FIN or RST of a stream we do not track has nothing to
		 * close: ignore it rather than start a stream at its end. */
		if (fl & (OFX_TCP_FIN | OFX_TCP_RST))
			return;
		s = stream_create(r, seg);
		if (!s)
			return;
	} else {
		if ((fl & OFX_TCP_SYN) &&
		    !(s->has_syn && seq_diff(seq, s->syn_seq) >= 0 &&
		      seq_diff(seq + 1, s->next_seq) <= 0)) {
			/* A new connection on the same tuple. */
			skip_all_holes(r, s);
			stream_start(s, seg, r->st);
		}
		lru_unlink(r, s);
		lru_push_head(r, s);
	}
	s->last_ts_ns = seg->ts_ns;
	if (fl & OFX_TCP_SYN)
		seq++;
	if (s->ooo)
		expire_holes(r, s, seg->ts_ns);
	if (seg->cap_len)
		feed_payload(r, s, seq, seg->data, seg->cap_len, seg->ts_ns);
	if (fl & OFX_TCP_RST) {
		stream_remove(r, s, &r->st->reasm.streams_closed);
		return;
	}
	if (fl & OFX_TCP_FIN) {
		s->fin_pending = true;
		s->fin_seq = seq + seg->cap_len;
	}
	if (s->fin_pending && seq_diff(s->next_seq, s->fin_seq) >= 0)
		stream_remove(r, s, &r->st->reasm.streams_closed);
}

void ofx_reasm_tick(struct ofx_reasm *r, uint64_t now_ns)
{
	struct stream *s, *prev;

	for (s = r->lru_tail; s; s = prev) {
		prev = s->lru_prev;
		if (now_ns > s->last_ts_ns &&
		    now_ns - s->last_ts_ns > r->o.idle_timeout_ns) {
			stream_remove(r, s, &r->st->reasm.streams_idle);
			continue;
		}
		if (s->ooo)
			expire_holes(r, s, now_ns);
		if (s->fin_pending && seq_diff(s->next_seq, s->fin_seq) >= 0)
			stream_remove(r, s, &r->st->reasm.streams_closed);
	}
}

void ofx_reasm_flush(struct ofx_reasm *r)
{
	for (struct stream *s = r->lru_head; s; s = s->lru_next)
		skip_all_holes(r, s);
}

unsigned int ofx_reasm_conns(const struct ofx_reasm *r,
			     struct ofx_conn_info *out, unsigned int max)
{
	unsigned int n = 0;

	for (struct stream *s = r->lru_head; s && n < max; s = s->lru_next) {
		struct ofx_conn_info *c = &out[n++];

		c->key = s->key;
		c->dir = s->fr.dir;
		c->version = s->fr.version;
		c->has_dpid = s->fr.has_dpid;
		c->datapath_id = s->fr.datapath_id;
		c->msgs = s->fr.msgs;
		c->last_ts_ns = s->last_ts_ns;
	}
	return n;
}

void ofx_reasm_free(struct ofx_reasm *r)
{
	struct stream *s, *next;

	if (!r)
		return;
	for (s = r->lru_head; s; s = next) {
		next = s->lru_next;
		stream_free_queue(r, s);
		free(s);
	}
	free(r->buckets);
	free(r);
}
