// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * reasm.c - TCP connections and per-half reassembly (rules in reasm.h).
 * Sequence numbers compare with serial arithmetic (RFC 9293 §3.4, RFC 1982).
 */
#include <stdlib.h>
#include <string.h>

#include "ofxdp.h"
#include "stream/reasm.h"

#define DEF_MAX_CONNS 32768u
#define DEF_EVICT_IDLE_NS 60000000000ull
#define DEF_MAX_OOO_SEGS 4096u
#define DEF_MAX_OOO_BYTES (4u << 20)
#define DEF_MAX_TOTAL_OOO_BYTES (64ull << 20)
/* glibc's default M_MMAP_THRESHOLD: larger requests are mmapped. */
#define MALLOC_MMAP_THRESHOLD (128u << 10)
#define DEF_HOLE_TIMEOUT_NS 1000000000ull
#define DEF_IDLE_TIMEOUT_NS 300000000000ull
/* Connections closed by FIN or RST are remembered this long (capture
 * time), like TCP's TIME_WAIT, so that retransmissions of their data are
 * recognised instead of opening a new connection mid-stream. */
#define TIME_WAIT_NS 5000000000ull
/* Closed connections remembered at once (direct-mapped by tuple). */
#define TIME_WAIT_SLOTS 4096u

/* Adjacent out-of-order segments are appended to one queue entry up to
 * this much payload (growing it geometrically). */
#define OOO_COALESCE_MAX (64u << 10)

/* Capture times one queue entry keeps for the segments appended to it
 * (a segment with another time than the last one's, beyond these, starts
 * a new entry). */
#define OOO_MARKS 4

/* Out-of-order payload queued until the hole before it fills: one
 * segment, or adjacent ones appended to it (coalesced), with the capture
 * time of each run of them: bytes from mark_off[k] on were captured at
 * mark_ts[k] (mark 0: offset 0, @ts_ns). */
struct ooo_seg {
	struct ooo_seg *next;
	uint64_t ts_ns; /* of its first segment */
	uint32_t seq;
	uint32_t len;
	uint32_t cap; /* room for payload (the whole allocation) */
	uint8_t nmarks; /* marks after mark 0 */
	uint32_t mark_off[OOO_MARKS];
	uint64_t mark_ts[OOO_MARKS];
	uint8_t data[];
};

/* Capture time of the last bytes appended to @q. */
static inline uint64_t ooo_last_ts(const struct ooo_seg *q)
{
	return q->nmarks ? q->mark_ts[q->nmarks - 1] : q->ts_ns;
}

/* One direction of a connection. */
struct half {
	bool started; /* next_seq is valid */
	bool fin_pending;
	bool finished; /* delivered everything up to its FIN */
	uint32_t next_seq; /* seq of the next byte to deliver */
	uint32_t syn_seq;
	uint32_t fin_seq; /* seq just after the last data byte */
	uint64_t fin_ts_ns; /* capture time of its FIN */
	struct ooo_seg *ooo; /* sorted by seq */
	struct ooo_seg *ooo_tail; /* last of ooo */
	uint32_t ooo_end; /* highest seq + len queued: appends at or past it
			   * need no scan (valid while ooo is not empty) */
	uint32_t ooo_n; /* queue entries */
	uint64_t ooo_mem; /* bytes the queue holds: ooo_cost() of each */
	uint64_t hole_since_ns;
};

/* Eviction classes, evicted in this order (rules in reasm.h). */
enum conn_class {
	CLS_DEAD, /* a FIN seen */
	CLS_UNVERIFIED, /* the next stage has not recognised its protocol */
	CLS_LIVE,
	NCLS,
};

struct conn {
	struct ofx_conn pub;
	struct conn *hnext;
	/* its class's list; head = most recently used */
	struct conn *lru_prev, *lru_next;
	uint8_t cls; /* enum conn_class */
	struct half h[2];
};

/* A closed connection: where each half's data ended. */
struct time_wait {
	struct ofx_flow_key key; /* half 0's direction; family 0: empty */
	uint32_t end_seq[2];
	bool started[2];
	uint8_t tag; /* the connection's tw_tag */
	uint64_t until_ns;
};

struct ofx_reasm {
	struct ofx_reasm_opts o;
	const struct ofx_stream_ops *ops;
	struct ofx_reasm_stats *st;
	struct conn **buckets;
	uint32_t mask;
	uint32_t nconns;
	uint64_t next_id;
	uint64_t now_ns; /* ts of the segment or tick being processed */
	struct conn *lru_head[NCLS], *lru_tail[NCLS];
	uint32_t ncls[NCLS];
	uint64_t ooo_total; /* ooo_mem of all halves */
	struct time_wait *tw; /* TIME_WAIT_SLOTS entries */
};

const char *ofx_close_reason_name(uint8_t reason)
{
	static const char *const names[] = {
		[OFX_CLOSE_FIN] = "fin",       [OFX_CLOSE_RST] = "rst",
		[OFX_CLOSE_IDLE] = "idle",     [OFX_CLOSE_EVICTED] = "evicted",
		[OFX_CLOSE_REUSED] = "reused", [OFX_CLOSE_END] = "end",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint64_t ep_hash(const uint32_t *addr, uint16_t port)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ port;

	for (int i = 0; i < 4; i++)
		h = (h ^ addr[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* The same for both orientations of a tuple. */
static uint32_t key_hash(const struct ofx_flow_key *k)
{
	uint64_t h = ep_hash(k->saddr, k->sport) + ep_hash(k->daddr, k->dport);

	return (uint32_t)(h ^ (h >> 32));
}

/* 0: @k is @c's half 0; 1: its reverse; -1: another tuple. */
static int key_half(const struct ofx_flow_key *c, const struct ofx_flow_key *k)
{
	if (c->family != k->family)
		return -1;
	if (c->sport == k->sport && c->dport == k->dport &&
	    !memcmp(c->saddr, k->saddr, sizeof(c->saddr)) &&
	    !memcmp(c->daddr, k->daddr, sizeof(c->daddr)))
		return 0;
	if (c->sport == k->dport && c->dport == k->sport &&
	    !memcmp(c->saddr, k->daddr, sizeof(c->saddr)) &&
	    !memcmp(c->daddr, k->saddr, sizeof(c->daddr)))
		return 1;
	return -1;
}

struct ofx_reasm *ofx_reasm_new(const struct ofx_reasm_opts *opts,
				const struct ofx_stream_ops *ops,
				struct ofx_reasm_stats *st)
{
	struct ofx_reasm *r = calloc(1, sizeof(*r));
	uint32_t nb = 16;

	if (!r)
		return NULL;
	if (opts)
		r->o = *opts;
	if (!r->o.max_conns)
		r->o.max_conns = DEF_MAX_CONNS;
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
	if (!r->o.evict_idle_ns)
		r->o.evict_idle_ns = DEF_EVICT_IDLE_NS;
	while (nb < 2 * r->o.max_conns && nb < (1u << 24))
		nb <<= 1;
	r->buckets = calloc(nb, sizeof(*r->buckets));
	r->tw = calloc(TIME_WAIT_SLOTS, sizeof(*r->tw));
	if (!r->buckets || !r->tw) {
		free(r->buckets);
		free(r->tw);
		free(r);
		return NULL;
	}
	r->mask = nb - 1;
	r->ops = ops;
	r->st = st;
	return r;
}

static void lru_unlink(struct ofx_reasm *r, struct conn *c)
{
	if (c->lru_prev)
		c->lru_prev->lru_next = c->lru_next;
	else
		r->lru_head[c->cls] = c->lru_next;
	if (c->lru_next)
		c->lru_next->lru_prev = c->lru_prev;
	else
		r->lru_tail[c->cls] = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
	r->ncls[c->cls]--;
}

static void lru_push_head(struct ofx_reasm *r, struct conn *c)
{
	c->lru_prev = NULL;
	c->lru_next = r->lru_head[c->cls];
	if (r->lru_head[c->cls])
		r->lru_head[c->cls]->lru_prev = c;
	r->lru_head[c->cls] = c;
	if (!r->lru_tail[c->cls])
		r->lru_tail[c->cls] = c;
	r->ncls[c->cls]++;
	r->st->connections_unverified = r->ncls[CLS_UNVERIFIED];
}

static uint8_t conn_class(const struct conn *c)
{
	if (c->h[0].fin_pending || c->h[1].fin_pending)
		return CLS_DEAD;
	return c->pub.app_verified ? CLS_LIVE : CLS_UNVERIFIED;
}

/* @c was used: to the head of its class's list, its class updated. */
static void conn_touch(struct ofx_reasm *r, struct conn *c)
{
	lru_unlink(r, c);
	c->cls = conn_class(c);
	lru_push_head(r, c);
}

/*
 * Bytes a malloc(@n) takes from the heap, as glibc's allocator does it on
 * 64-bit (the one Debian ships): the request plus a size_t header in
 * 16-byte granules, 32 bytes at least; from the mmap threshold (128 KiB)
 * on, whole pages plus two size_t. Other allocators round alike or less.
 */
static size_t malloc_cost(size_t n)
{
	const size_t hdr = sizeof(size_t);
	size_t c;

	if (n >= MALLOC_MMAP_THRESHOLD)
		return (n + 2 * hdr + 4095) & ~(size_t)4095;
	c = (n + hdr + 15) & ~(size_t)15;
	return c < 4 * hdr ? 4 * hdr : c;
}

/* Payload room of a queue entry allocated for @len bytes: the rounding
 * malloc adds anyway is room too (requested, so usable). */
static uint32_t ooo_room(uint32_t len)
{
	size_t n = sizeof(struct ooo_seg) + len;

	if (n >= MALLOC_MMAP_THRESHOLD - 64)
		return len;
	return (uint32_t)(malloc_cost(n) - sizeof(size_t) -
			  sizeof(struct ooo_seg));
}

/* Bytes a queue entry with @cap bytes of payload room holds. */
static size_t ooo_cost(uint32_t cap)
{
	return malloc_cost(sizeof(struct ooo_seg) + cap);
}

uint64_t ofx_reasm_ooo_cost(uint32_t len)
{
	return ooo_cost(ooo_room(len));
}

/* Hand @len bytes to the upper stage, captured at @ts_ns. */
static void deliver(struct ofx_reasm *r, struct conn *c, int hi,
		    const uint8_t *data, uint32_t len, uint64_t ts_ns)
{
	if (!len)
		return;
	r->ops->data(r->ops->ctx, &c->pub, hi, data, len, ts_ns);
	c->h[hi].next_seq += len;
}

static void ooo_pop(struct ofx_reasm *r, struct half *h)
{
	struct ooo_seg *q = h->ooo;

	h->ooo = q->next;
	h->ooo_n--;
	h->ooo_mem -= ooo_cost(q->cap);
	r->ooo_total -= ooo_cost(q->cap);
	r->st->ooo_bytes_queued = r->ooo_total;
	if (h->ooo)
		h->hole_since_ns = h->ooo->ts_ns;
	else
		h->ooo_tail = NULL;
	free(q);
}

/*
 * Deliver queued segments that now continue the half. After a hole was
 * filled (@own_ts false) their bytes became whole now; after a hole was
 * given up (@own_ts true: the capture missed bytes the endpoints had) each
 * keeps its own capture time, so messages are timed as they passed.
 */
static void drain(struct ofx_reasm *r, struct conn *c, int hi, bool own_ts)
{
	struct half *h = &c->h[hi];

	while (h->ooo) {
		struct ooo_seg *q = h->ooo;
		/* bytes of it already delivered: 0 .. 2^31 (not -d: d may
		 * be INT32_MIN) */
		uint32_t seen = h->next_seq - q->seq;

		if (seq_diff(q->seq, h->next_seq) > 0)
			break;
		if (seen >= q->len) {
			r->st->retrans_bytes += q->len;
		} else if (!own_ts) {
			r->st->retrans_bytes += seen;
			deliver(r, c, hi, q->data + seen, q->len - seen,
				r->now_ns);
		} else {
			/* each run of appended segments at its own time */
			r->st->retrans_bytes += seen;
			for (unsigned int k = 0; k <= q->nmarks; k++) {
				uint32_t a = k ? q->mark_off[k - 1] : 0;
				uint32_t b =
					k < q->nmarks ? q->mark_off[k] : q->len;

				if (a < seen)
					a = seen;
				if (a < b)
					deliver(r, c, hi, q->data + a, b - a,
						k ? q->mark_ts[k - 1]
						  : q->ts_ns);
			}
		}
		ooo_pop(r, h);
	}
}

/* Give up @gap bytes before seq @to of half @hi. */
static void give_up(struct ofx_reasm *r, struct conn *c, int hi, uint32_t to)
{
	uint32_t gap = to - c->h[hi].next_seq;

	r->st->gaps++;
	r->st->gap_bytes += gap;
	r->ops->gap(r->ops->ctx, &c->pub, hi, gap, r->now_ns);
	c->h[hi].next_seq = to;
}

/* Give up the hole before the first queued segment. */
static void skip_hole(struct ofx_reasm *r, struct conn *c, int hi)
{
	give_up(r, c, hi, c->h[hi].ooo->seq);
	drain(r, c, hi, true);
}

/* Half @h saw its FIN but data before it is missing and nothing is
 * queued behind the hole: the bytes [next_seq, fin_seq) were lost. A FIN
 * further ahead than the out-of-order queue would ever hold (a stale or
 * forged one) is no proof of a hole: it stays pending, and later data is
 * still delivered. */
static bool fin_hole(const struct ofx_reasm *r, const struct half *h)
{
	int32_t d = seq_diff(h->next_seq, h->fin_seq);

	return h->fin_pending && !h->finished && !h->ooo && d < 0 &&
	       (uint32_t) - (int64_t)d <= r->o.max_ooo_bytes;
}

static void skip_all_holes(struct ofx_reasm *r, struct conn *c)
{
	for (int hi = 0; hi < 2; hi++) {
		while (c->h[hi].ooo)
			skip_hole(r, c, hi);
		if (fin_hole(r, &c->h[hi]))
			give_up(r, c, hi, c->h[hi].fin_seq);
	}
}

static void conn_close(struct ofx_reasm *r, struct conn *c, uint8_t reason,
		       uint64_t *counter)
{
	struct conn **pp = &r->buckets[key_hash(&c->pub.key) & r->mask];

	skip_all_holes(r, c);
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	lru_unlink(r, c);
	r->st->connections_unverified = r->ncls[CLS_UNVERIFIED];
	r->nconns--;
	r->st->connections_active = r->nconns;
	if (counter)
		(*counter)++;
	c->pub.close_reason = reason;
	r->ops->close(r->ops->ctx, &c->pub);
	if (reason == OFX_CLOSE_FIN || reason == OFX_CLOSE_RST) {
		struct time_wait *t =
			&r->tw[key_hash(&c->pub.key) & (TIME_WAIT_SLOTS - 1)];

		t->key = c->pub.key;
		for (int hi = 0; hi < 2; hi++) {
			t->started[hi] = c->h[hi].started;
			t->end_seq[hi] = c->h[hi].next_seq;
		}
		t->tag = c->pub.tw_tag; /* set by ops->close at the latest */
		t->until_ns = r->now_ns + TIME_WAIT_NS;
	}
	free(c);
}

/* Start half @hi at segment @seg. */
static void half_start(struct conn *c, int hi, const struct ofx_segment *seg)
{
	struct half *h = &c->h[hi];
	bool syn = seg->tcp_flags & OFX_TCP_SYN;

	h->started = true;
	h->syn_seq = seg->seq;
	h->next_seq = syn ? seg->seq + 1 : seg->seq;
	c->pub.syn[hi] = syn;
	c->pub.port_dir[hi] = seg->dir;
	c->pub.port_dir[!hi] = !seg->dir;
	if (syn && !(seg->tcp_flags & OFX_TCP_ACK))
		c->pub.opener = (int8_t)hi;
}

static struct conn *conn_lookup(struct ofx_reasm *r,
				const struct ofx_flow_key *k, int *hi)
{
	struct conn *c = r->buckets[key_hash(k) & r->mask];

	for (; c; c = c->hnext) {
		*hi = key_half(&c->pub.key, k);
		if (*hi >= 0)
			return c;
	}
	return NULL;
}

/* The connection to evict for a new one and the counter of its class:
 * the least recently used dead one; else the least recently used of the
 * others if it has been idle longer than evict_idle_ns (dead too); else
 * the least recently used unverified one; else the least recently used
 * live one. */
static struct conn *victim(struct ofx_reasm *r, uint64_t **counter)
{
	struct conn *u = r->lru_tail[CLS_UNVERIFIED];
	struct conn *l = r->lru_tail[CLS_LIVE];
	struct conn *old =
		u && (!l || u->pub.last_ns <= l->pub.last_ns) ? u : l;

	if (r->lru_tail[CLS_DEAD]) {
		*counter = &r->st->connections_evicted_dead;
		return r->lru_tail[CLS_DEAD];
	}
	if (old && r->now_ns > old->pub.last_ns &&
	    r->now_ns - old->pub.last_ns > r->o.evict_idle_ns) {
		*counter = &r->st->connections_evicted_dead;
		return old;
	}
	if (u) {
		*counter = &r->st->connections_evicted_unverified;
		return u;
	}
	*counter = &r->st->connections_evicted_live;
	return l;
}

static struct conn *conn_create(struct ofx_reasm *r,
				const struct ofx_segment *seg)
{
	struct conn *c;
	uint64_t *counter;
	uint32_t b;

	if (r->nconns >= r->o.max_conns) {
		c = victim(r, &counter);
		if (c) {
			(*counter)++;
			conn_close(r, c, OFX_CLOSE_EVICTED,
				   &r->st->connections_evicted);
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pub.key = seg->key;
	c->pub.id = ++r->next_id;
	c->pub.first_ns = seg->ts_ns;
	c->pub.last_ns = seg->ts_ns;
	c->pub.opener = -1;
	c->pub.midstream = !(seg->tcp_flags & OFX_TCP_SYN);
	b = key_hash(&c->pub.key) & r->mask;
	c->hnext = r->buckets[b];
	r->buckets[b] = c;
	c->cls = CLS_UNVERIFIED;
	lru_push_head(r, c);
	r->nconns++;
	r->st->connections_active = r->nconns;
	r->st->connections_total++;
	if (c->pub.midstream)
		r->st->midstream_joins++;
	half_start(c, 0, seg);
	r->ops->open(r->ops->ctx, &c->pub);
	return c;
}

/* Would @entries more queue entries holding @mem more bytes exceed a
 * limit of half @h or the global one? */
static bool queue_full(const struct ofx_reasm *r, const struct half *h,
		       uint64_t mem, uint32_t entries)
{
	return h->ooo_n + entries > r->o.max_ooo_segs ||
	       h->ooo_mem + mem > r->o.max_ooo_bytes ||
	       r->ooo_total + mem > r->o.max_total_ooo_bytes;
}

/*
 * How @len bytes at @seq would be queued in @h: appended to the last
 * entry (its room suffices: *@mem = 0, return true), or in a new entry
 * with *@room bytes of payload room that holds *@mem bytes. A segment
 * that continues the last entry but does not fit gets a new entry with
 * room for twice the last one's payload (up to OOO_COALESCE_MAX), so that
 * a run of small adjacent segments takes a few entries, not one each.
 */
static bool plan_entry(const struct half *h, uint32_t seq, uint32_t len,
		       uint64_t ts_ns, uint32_t *room, uint64_t *mem)
{
	const struct ooo_seg *t = h->ooo_tail;
	uint32_t want = len;

	if (t && t->seq + t->len == seq && h->ooo_end == seq &&
	    (ts_ns == ooo_last_ts(t) || t->nmarks < OOO_MARKS)) {
		if (t->cap - t->len >= len) {
			*mem = 0;
			return true;
		}
		if (len < OOO_COALESCE_MAX) {
			want = t->len < OOO_COALESCE_MAX / 2 ? 2 * t->len
							     : OOO_COALESCE_MAX;
			if (want < len)
				want = len;
		}
	}
	*room = ooo_room(want);
	*mem = ooo_cost(*room);
	return false;
}

static void feed_payload(struct ofx_reasm *r, struct conn *c, int hi,
			 uint32_t seq, const uint8_t *data, uint32_t len,
			 uint64_t ts_ns);

/* Queue @len bytes at @seq (after next_seq), giving up holes, oldest
 * first, while the queue limits would be exceeded (ooo_limit_gaps). */
static void enqueue(struct ofx_reasm *r, struct conn *c, int hi, uint32_t seq,
		    const uint8_t *data, uint32_t len, uint64_t ts_ns)
{
	struct half *h = &c->h[hi];
	struct ooo_seg **pp = &h->ooo, *q;
	uint32_t room = 0;
	uint64_t mem;
	bool append;

	for (;;) {
		append = plan_entry(h, seq, len, ts_ns, &room, &mem);
		if (!queue_full(r, h, mem, append ? 0 : 1))
			break;
		r->st->ooo_limit_gaps++;
		if (!h->ooo || seq_diff(seq, h->ooo->seq) < 0) {
			/* The oldest hole ends at this segment. */
			give_up(r, c, hi, seq);
			deliver(r, c, hi, data, len, r->now_ns);
			drain(r, c, hi, false);
			return;
		}
		skip_hole(r, c, hi);
		if (seq_diff(seq, h->next_seq) <= 0) {
			/* Now continues (or overlaps) the stream. */
			feed_payload(r, c, hi, seq, data, len, ts_ns);
			return;
		}
	}
	if (append) {
		q = h->ooo_tail;
		if (ts_ns != ooo_last_ts(q)) {
			q->mark_off[q->nmarks] = q->len;
			q->mark_ts[q->nmarks++] = ts_ns;
		}
		memcpy(q->data + q->len, data, len);
		q->len += len;
		h->ooo_end = seq + len;
		r->st->ooo_segs++;
		return;
	}
	/* Segments after a hole mostly arrive in order: append directly. */
	if (h->ooo_tail && seq_diff(seq, h->ooo_end) >= 0)
		pp = &h->ooo_tail->next;
	for (; *pp; pp = &(*pp)->next) {
		struct ooo_seg *e = *pp;

		if (seq_diff(e->seq, seq) <= 0 &&
		    seq_diff(e->seq + e->len, seq + len) >= 0) {
			r->st->ooo_dropped_segs++;
			return; /* wholly covered by queued data */
		}
		if (seq_diff(e->seq, seq) > 0)
			break;
	}
	q = malloc(sizeof(*q) + room);
	if (!q) {
		r->st->ooo_dropped_segs++;
		return;
	}
	q->ts_ns = ts_ns;
	q->seq = seq;
	q->len = len;
	q->cap = room;
	q->nmarks = 0;
	memcpy(q->data, data, len);
	q->next = *pp;
	*pp = q;
	if (!q->next)
		h->ooo_tail = q;
	if (!h->ooo_n || seq_diff(seq + len, h->ooo_end) > 0)
		h->ooo_end = seq + len;
	if (!h->ooo_n || ts_ns < h->hole_since_ns)
		h->hole_since_ns = ts_ns;
	h->ooo_n++;
	h->ooo_mem += mem;
	r->ooo_total += mem;
	r->st->ooo_bytes_queued = r->ooo_total;
	r->st->ooo_segs++;
}

static void feed_payload(struct ofx_reasm *r, struct conn *c, int hi,
			 uint32_t seq, const uint8_t *data, uint32_t len,
			 uint64_t ts_ns)
{
	int32_t d = seq_diff(seq, c->h[hi].next_seq);

	if (d > 0) {
		enqueue(r, c, hi, seq, data, len, ts_ns);
		return;
	}
	if (d < 0) {
		/* bytes already delivered: 1 .. 2^31 (d may be INT32_MIN) */
		uint32_t seen = c->h[hi].next_seq - seq;

		if (seen >= len) {
			r->st->retrans_segs++;
			r->st->retrans_bytes += len;
			return;
		}
		r->st->retrans_bytes += seen;
		data += seen;
		len -= seen;
	}
	deliver(r, c, hi, data, len, r->now_ns);
	drain(r, c, hi, false);
}

static void expire_holes(struct ofx_reasm *r, struct conn *c, int hi,
			 uint64_t now_ns)
{
	struct half *h = &c->h[hi];

	while (h->ooo && now_ns > h->hole_since_ns &&
	       now_ns - h->hole_since_ns > r->o.hole_timeout_ns)
		skip_hole(r, c, hi);
	/* The data before a FIN lost at the end: a hole behind the FIN,
	 * open since the FIN was seen. */
	if (fin_hole(r, h) && now_ns > h->fin_ts_ns &&
	    now_ns - h->fin_ts_ns > r->o.hole_timeout_ns)
		give_up(r, c, hi, h->fin_seq);
}

/* Mark half @hi finished once its FIN is reached; close the connection
 * when both are. Return: true if the connection was closed. */
static bool check_fin(struct ofx_reasm *r, struct conn *c, int hi)
{
	struct half *h = &c->h[hi];

	if (h->fin_pending && !h->finished &&
	    seq_diff(h->next_seq, h->fin_seq) >= 0)
		h->finished = true;
	if (c->h[0].finished && c->h[1].finished) {
		conn_close(r, c, OFX_CLOSE_FIN, &r->st->connections_closed);
		return true;
	}
	return false;
}

/* A SYN on half @hi that is not a retransmission of its SYN. */
static bool is_new_syn(const struct conn *c, int hi, uint32_t seq)
{
	const struct half *h = &c->h[hi];

	if (!h->started)
		return false;
	return !(c->pub.syn[hi] && seq_diff(seq, h->syn_seq) >= 0 &&
		 seq_diff(seq + 1, h->next_seq) <= 0);
}

/* A segment of a connection closed by FIN or RST less than TIME_WAIT_NS
 * ago whose payload all lies before where that half's data ended: a
 * retransmission, counted as one, that must not open a new connection;
 * the next stage still sees it (ops->late_segment: a segment on the
 * wire). */
static bool retrans_after_close(struct ofx_reasm *r,
				const struct ofx_segment *seg)
{
	struct time_wait *t =
		&r->tw[key_hash(&seg->key) & (TIME_WAIT_SLOTS - 1)];
	int hi;

	if (!t->key.family || r->now_ns > t->until_ns)
		return false;
	hi = key_half(&t->key, &seg->key);
	if (hi < 0 || !t->started[hi] ||
	    seq_diff(seg->seq + seg->cap_len, t->end_seq[hi]) > 0)
		return false;
	r->st->retrans_segs++;
	r->st->retrans_bytes += seg->cap_len;
	if (r->ops->late_segment)
		r->ops->late_segment(r->ops->ctx, t->tag, hi, seg);
	return true;
}

void ofx_reasm_feed(struct ofx_reasm *r, const struct ofx_segment *seg)
{
	uint8_t fl = seg->tcp_flags;
	uint32_t seq = seg->seq;
	struct conn *c;
	struct half *h;
	int hi = 0;

	r->now_ns = seg->ts_ns;
	c = conn_lookup(r, &seg->key, &hi);
	if (c && (fl & OFX_TCP_SYN) && is_new_syn(c, hi, seq)) {
		/* A new connection on the same tuple. */
		conn_close(r, c, OFX_CLOSE_REUSED, &r->st->connections_closed);
		c = NULL;
	}
	if (!c) {
		/* Only a SYN or payload starts a connection: a bare ACK,
		 * FIN or RST of an untracked one has nothing to say. */
		if (!(fl & OFX_TCP_SYN) && !seg->cap_len)
			return;
		if (!(fl & OFX_TCP_SYN) && retrans_after_close(r, seg))
			return;
		c = conn_create(r, seg);
		if (!c)
			return;
		hi = 0;
	} else {
		conn_touch(r, c);
		c->pub.last_ns = seg->ts_ns;
		if (!c->h[hi].started) {
			/* A half starts at its SYN, data or FIN: a bare ACK
			 * (a keepalive probe sits one byte early) says
			 * nothing of where its data starts. */
			if (!(fl & (OFX_TCP_SYN | OFX_TCP_FIN | OFX_TCP_RST)) &&
			    !seg->cap_len)
				return;
			half_start(c, hi, seg);
		}
	}
	h = &c->h[hi];
	c->pub.last_ns = seg->ts_ns;
	if (r->ops->segment)
		r->ops->segment(r->ops->ctx, &c->pub, hi, seg);
	if (fl & OFX_TCP_SYN)
		seq++;
	if (h->ooo || fin_hole(r, h))
		expire_holes(r, c, hi, seg->ts_ns);
	if (seg->cap_len)
		feed_payload(r, c, hi, seq, seg->data, seg->cap_len,
			     seg->ts_ns);
	if (fl & OFX_TCP_RST) {
		conn_close(r, c, OFX_CLOSE_RST, &r->st->connections_closed);
		return;
	}
	if (fl & OFX_TCP_FIN) {
		if (!h->fin_pending)
			h->fin_ts_ns = seg->ts_ns;
		h->fin_pending = true;
		h->fin_seq = seq + seg->cap_len;
	}
	if (!check_fin(r, c, hi) && c->cls != conn_class(c))
		conn_touch(r, c); /* a FIN, or the next stage verified it */
}

/* Housekeeping of @c at @now_ns (ofx_reasm_tick()). */
static void tick_conn(struct ofx_reasm *r, struct conn *c, uint64_t now_ns)
{
	if (now_ns > c->pub.last_ns &&
	    now_ns - c->pub.last_ns > r->o.idle_timeout_ns) {
		conn_close(r, c, OFX_CLOSE_IDLE, &r->st->connections_idle);
		return;
	}
	for (int hi = 0; hi < 2; hi++)
		if (c->h[hi].ooo || fin_hole(r, &c->h[hi]))
			expire_holes(r, c, hi, now_ns);
	if (check_fin(r, c, 0))
		return;
	check_fin(r, c, 1);
}

void ofx_reasm_tick(struct ofx_reasm *r, uint64_t now_ns)
{
	struct conn *c, *prev;

	r->now_ns = now_ns;
	for (int k = 0; k < NCLS; k++) {
		for (c = r->lru_tail[k]; c; c = prev) {
			prev = c->lru_prev;
			tick_conn(r, c, now_ns);
		}
	}
}

void ofx_reasm_flush(struct ofx_reasm *r)
{
	for (int k = 0; k < NCLS; k++)
		for (struct conn *c = r->lru_head[k]; c; c = c->lru_next)
			skip_all_holes(r, c);
}

void ofx_reasm_foreach(struct ofx_reasm *r,
		       void (*fn)(void *ctx, struct ofx_conn *c), void *ctx)
{
	for (int k = 0; k < NCLS; k++)
		for (struct conn *c = r->lru_head[k]; c; c = c->lru_next)
			fn(ctx, &c->pub);
}

void ofx_reasm_free(struct ofx_reasm *r)
{
	if (!r)
		return;
	for (int k = 0; k < NCLS; k++)
		while (r->lru_head[k])
			conn_close(r, r->lru_head[k], OFX_CLOSE_END, NULL);
	free(r->tw);
	free(r->buckets);
	free(r);
}
