// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * latency.c - request/reply matching and latency histograms (latency.h).
 *
 * Per connection: one open-addressing table (linear probing, backward-shift
 * deletion) of pending requests keyed by class (xid, buffer_id, frame
 * hash), requester direction and value. Linear probing keeps requests with
 * equal keys in the order they were inserted, so replies match the oldest
 * first. Per scope (overall, each switch) and kind x requester: a series
 * of histograms, cumulative and in two rings of time slots from which the
 * 10 s and 60 s windows are merged when views are built.
 */
#define _GNU_SOURCE /* hsearch_r */
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"
#include "openflow/of_conn.h"
#include "openflow/of_proto.h"

#define OFP_NO_BUFFER 0xffffffffu
#define TAB_MIN 16 /* initial table slots */

static const char *const kind_names[OFX_LAT_NKINDS] = {
	[OFX_LAT_ECHO] = "echo",
	[OFX_LAT_FEATURES] = "features",
	[OFX_LAT_GET_CONFIG] = "get_config",
	[OFX_LAT_BARRIER] = "barrier",
	[OFX_LAT_MULTIPART] = "multipart",
	[OFX_LAT_MULTIPART_COMPLETE] = "multipart_complete",
	[OFX_LAT_QUEUE_GET_CONFIG] = "queue_get_config",
	[OFX_LAT_ROLE] = "role",
	[OFX_LAT_GET_ASYNC] = "get_async",
	[OFX_LAT_PACKET_IN] = "packet_in",
};

const char *ofx_lat_kind_name(unsigned int kind)
{
	return kind < OFX_LAT_NKINDS ? kind_names[kind] : NULL;
}

const char *ofx_lat_from_name(unsigned int from)
{
	static const char *const n[OFX_LAT_NFROM] = {"controller", "switch"};

	return from < OFX_LAT_NFROM ? n[from] : NULL;
}

const char *ofx_lat_window_name(unsigned int w)
{
	static const char *const n[OFX_LAT_NWINDOWS] = {"all", "10s", "60s"};

	return w < OFX_LAT_NWINDOWS ? n[w] : NULL;
}

/* What a message is to the matcher. */
enum role {
	R_NONE = 0,
	R_REQ, /* request of kind */
	R_REP, /* reply of kind */
	R_ERROR, /* OFPT_ERROR: ends a request of any kind */
	R_PIN, /* PACKET_IN */
	R_POUT, /* PACKET_OUT */
	R_FMOD, /* FLOW_MOD */
};

struct cls {
	uint8_t role;
	uint8_t kind;
};

/*
 * Request/reply type pairs per version (OpenFlow 1.0.0 §5.1, 1.1.0 §A.1,
 * 1.2 §A.1, 1.3.5 §7.1, 1.4.1 §7.1, 1.5.1 §7.1): [kind] = {first version,
 * last version, request type, reply type}.
 */
static const struct pair {
	uint8_t kind, vmin, vmax, req, rep;
} pairs[] = {
	{OFX_LAT_ECHO, 1, 6, 2, 3},
	{OFX_LAT_FEATURES, 1, 6, 5, 6},
	{OFX_LAT_GET_CONFIG, 1, 6, 7, 8},
	{OFX_LAT_MULTIPART, 1, 1, 16, 17}, /* OFPT_STATS_REQUEST/REPLY */
	{OFX_LAT_BARRIER, 1, 1, 18, 19},
	{OFX_LAT_QUEUE_GET_CONFIG, 1, 1, 20, 21},
	{OFX_LAT_MULTIPART, 2, 6, 18, 19},
	{OFX_LAT_BARRIER, 2, 6, 20, 21},
	{OFX_LAT_QUEUE_GET_CONFIG, 2, 4 - 1, 22, 23}, /* gone in 1.4 */
	{OFX_LAT_ROLE, 3, 6, 24, 25},
	{OFX_LAT_GET_ASYNC, 4, 6, 26, 27},
};

static struct cls cls_of[OFX_NVERSIONS][OFX_NTYPES];

static void cls_init(void)
{
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		cls_of[v][1] = (struct cls){R_ERROR, 0};
		cls_of[v][10] = (struct cls){R_PIN, OFX_LAT_PACKET_IN};
		cls_of[v][13] = (struct cls){R_POUT, OFX_LAT_PACKET_IN};
		cls_of[v][14] = (struct cls){R_FMOD, OFX_LAT_PACKET_IN};
	}
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		for (uint8_t v = pairs[i].vmin; v <= pairs[i].vmax; v++) {
			cls_of[v][pairs[i].req] =
				(struct cls){R_REQ, pairs[i].kind};
			cls_of[v][pairs[i].rep] =
				(struct cls){R_REP, pairs[i].kind};
		}
	}
}

/* Key classes (top two bits of a key; a key is never 0). */
#define K_XID (1ull << 62)
#define K_BUF (2ull << 62)
#define K_DATA (3ull << 62)

/* A pending request. key 0: empty slot. */
struct req {
	uint64_t key;
	uint64_t ts;
	uint8_t kind;
	uint8_t from;
	uint8_t first; /* multipart: a reply part came */
};

/* A ring of time slots: the last @n slots of @len ns each. */
#define RING_MAX 7
struct slot {
	struct ofx_hist h;
	struct ofx_lat_counts c;
};
struct ring {
	uint64_t epoch; /* slot number (ts / len) of the newest slot */
	uint64_t next; /* first ts of the slot after the newest */
	struct slot s[RING_MAX];
};
static const struct {
	uint64_t len;
	unsigned int n;
} ring_def[2] = {
	{2000000000ull, 6}, /* 10 s window: 10 to 12 s */
	{10000000000ull, 7}, /* 60 s window: 60 to 70 s */
};

/* One kind x requester in one scope. */
struct series {
	struct ofx_hist all;
	struct ofx_lat_counts c;
	struct ring ring[2];
};

/* Overall or one switch. */
struct scope {
	char id[48];
	struct ofx_hist_pool *pool;
	struct series *s[OFX_LAT_NKINDS][OFX_LAT_NFROM];
};

/* The engine's state of one connection (struct of_conn.lat). */
struct lconn {
	struct lconn *prev, *next;
	struct of_conn *c;
	struct scope *sw;
	bool sw_known;
	bool sw_over; /* no scope: OFX_LAT_MAX_SCOPES reached */
	struct req *tab;
	uint32_t cap; /* slots, a power of two (0: no table yet) */
	uint32_t n; /* pending */
	uint64_t oldest; /* <= ts of every pending request */
};

struct ofx_latency {
	struct of_msg_sink sink;
	struct ofx_latency_stats *st;
	uint64_t window;
	ofx_latency_switch_id_fn switch_id;
	void *ctx;
	struct lconn *conns;
	struct ofx_hist_pool gpool; /* overall: no cap */
	struct ofx_hist_pool spool; /* per switch: capped */
	struct scope global;
	struct scope **scopes;
	unsigned int nscopes;
	struct hsearch_data by_id;
	bool by_id_ok;
	uint64_t now; /* latest time seen */
};

static inline uint8_t from_of_dir(uint8_t dir)
{
	return dir == OFX_DIR_IN ? OFX_LAT_FROM_SWITCH
				 : OFX_LAT_FROM_CONTROLLER;
}

/* ---- series ---- */

static struct series *series_get(struct scope *sc, unsigned int kind,
				 unsigned int from)
{
	struct series *s = sc->s[kind][from];

	if (__builtin_expect(s != NULL, 1))
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	ofx_hist_init(&s->all);
	for (int r = 0; r < 2; r++)
		for (unsigned int i = 0; i < RING_MAX; i++)
			ofx_hist_init(&s->ring[r].s[i].h);
	sc->s[kind][from] = s;
	return s;
}

/* Move ring @r of @s on to time @ts: slots older than the ring are
 * emptied. */
static void ring_advance(struct ring *g, int r, uint64_t ts,
			 struct ofx_hist_pool *pool)
{
	uint64_t len = ring_def[r].len, n = ring_def[r].n, e = ts / len;

	if (e <= g->epoch && g->next)
		return;
	for (uint64_t k = g->epoch + 1, steps = 0; k <= e && steps < n;
	     k++, steps++) {
		struct slot *sl = &g->s[k % n];

		ofx_hist_reset(&sl->h, pool);
		memset(&sl->c, 0, sizeof(sl->c));
	}
	if (!g->next) /* first use: every slot is empty already */
		g->epoch = e;
	g->epoch = e > g->epoch ? e : g->epoch;
	g->next = (g->epoch + 1) * len;
}

/* The newest slot of ring @r at time @ts (late times go to the newest). */
static inline struct slot *ring_slot(struct ring *g, int r, uint64_t ts,
				     struct ofx_hist_pool *pool)
{
	if (__builtin_expect(ts >= g->next, 0))
		ring_advance(g, r, ts, pool);
	return &g->s[g->epoch % ring_def[r].n];
}

static void series_sample(struct series *s, struct ofx_hist_pos pos, uint64_t v,
			  uint64_t ts, struct ofx_hist_pool *pool)
{
	if (ofx_hist_record_at(&s->all, pos, v, pool))
		return;
	for (int r = 0; r < 2; r++)
		ofx_hist_record_at(&ring_slot(&s->ring[r], r, ts, pool)->h, pos,
				   v, pool);
}

/* Which counter of struct ofx_lat_counts an outcome bumps. */
enum outcome {
	O_UNREPLIED = offsetof(struct ofx_lat_counts, unreplied),
	O_ERROR = offsetof(struct ofx_lat_counts, error_replies),
	O_ORPHAN = offsetof(struct ofx_lat_counts, orphan_replies),
	O_BY_BUF = offsetof(struct ofx_lat_counts, by_buffer_id),
	O_BY_DATA = offsetof(struct ofx_lat_counts, by_data),
};

static inline void bump(struct ofx_lat_counts *c, enum outcome o)
{
	(*(uint64_t *)((char *)c + o))++;
}

static void series_count(struct series *s, enum outcome o, uint64_t ts,
			 struct ofx_hist_pool *pool)
{
	bump(&s->c, o);
	for (int r = 0; r < 2; r++)
		bump(&ring_slot(&s->ring[r], r, ts, pool)->c, o);
}

/* ---- scopes ---- */

static struct scope *scope_of(struct ofx_latency *l, struct lconn *lc)
{
	char id[48];
	ENTRY e, *found;
	struct scope *sc;

	if (lc->sw_known)
		return lc->sw;
	lc->sw_known = true;
	lc->sw_over = false;
	lc->sw = NULL;
	if (!l->switch_id || !l->by_id_ok || !l->switch_id(l->ctx, lc->c, id))
		return NULL;
	e.key = id;
	if (hsearch_r(e, FIND, &found, &l->by_id)) {
		lc->sw = found->data;
		return lc->sw;
	}
	if (l->nscopes == OFX_LAT_MAX_SCOPES) {
		lc->sw_over = true;
		return NULL;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return NULL;
	memcpy(sc->id, id, sizeof(sc->id));
	sc->pool = &l->spool;
	e.key = sc->id;
	e.data = sc;
	if (!hsearch_r(e, ENTER, &found, &l->by_id)) {
		free(sc);
		return NULL;
	}
	l->scopes[l->nscopes++] = sc;
	l->st->scopes = l->nscopes;
	lc->sw = sc;
	return sc;
}

/* One matched pair of @kind/@from: @v ns, the reply at @ts. */
static void sample(struct ofx_latency *l, struct lconn *lc, unsigned int kind,
		   unsigned int from, uint64_t v, uint64_t ts)
{
	struct ofx_hist_pos pos = ofx_hist_pos_of(v);
	struct scope *sw = scope_of(l, lc);
	struct series *s = series_get(&l->global, kind, from);

	if (s)
		series_sample(s, pos, v, ts, &l->gpool);
	if (!sw) {
		if (lc->sw_over)
			l->st->scope_overflow++;
		return;
	}
	s = series_get(sw, kind, from);
	if (s)
		series_sample(s, pos, v, ts, &l->spool);
}

static void outcome(struct ofx_latency *l, struct lconn *lc, unsigned int kind,
		    unsigned int from, enum outcome o, uint64_t ts)
{
	struct scope *sw = scope_of(l, lc);
	struct series *s = series_get(&l->global, kind, from);

	if (s)
		series_count(s, o, ts, &l->gpool);
	if (sw && (s = series_get(sw, kind, from)))
		series_count(s, o, ts, &l->spool);
}

/* ---- pending requests ---- */

static inline uint32_t home(uint64_t key, uint32_t mask)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

/* Remove slot @i (backward-shift deletion keeps every chain intact and in
 * order). */
static void tab_del(struct lconn *lc, uint32_t i)
{
	uint32_t mask = lc->cap - 1, j = i, k;

	for (;;) {
		lc->tab[i].key = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!lc->tab[j].key)
				goto out;
			k = home(lc->tab[j].key, mask);
			/* move j to i unless its home lies in (i, j] */
			if (i <= j ? (k <= i || k > j) : (k <= i && k > j))
				break;
		}
		lc->tab[i] = lc->tab[j];
		i = j;
	}
out:
	lc->n--;
}

/* Re-insert every entry of @old (@ocap slots) into lc->tab, chain order
 * kept: start after an empty slot so no chain is split at the wrap. */
static void tab_rehash(struct lconn *lc, const struct req *old, uint32_t ocap)
{
	uint32_t start = 0, mask = lc->cap - 1;

	while (start < ocap && old[start].key)
		start++;
	for (uint32_t k = 1; k <= ocap; k++) {
		const struct req *e = &old[(start + k) & (ocap - 1)];
		uint32_t i;

		if (!e->key)
			continue;
		for (i = home(e->key, mask); lc->tab[i].key; i = (i + 1) & mask)
			;
		lc->tab[i] = *e;
	}
}

/* Count every pending request of @lc older than @now - window (all when
 * @all) as unreplied and drop it. */
static void sweep(struct ofx_latency *l, struct lconn *lc, uint64_t now,
		  bool all)
{
	struct req *old = lc->tab;
	uint32_t cap = lc->cap, kept = 0;
	uint64_t oldest = UINT64_MAX;

	if (!lc->n)
		return;
	lc->tab = calloc(cap, sizeof(*lc->tab));
	if (!lc->tab) { /* keep the table; try again later */
		lc->tab = old;
		return;
	}
	for (uint32_t i = 0; i < cap; i++) {
		struct req *e = &old[i];

		if (!e->key)
			continue;
		if (all || e->ts + l->window < now) {
			if (e->kind == OFX_LAT_MULTIPART && !e->first)
				outcome(l, lc, OFX_LAT_MULTIPART, e->from,
					O_UNREPLIED, now);
			outcome(l, lc,
				e->kind == OFX_LAT_MULTIPART
					? OFX_LAT_MULTIPART_COMPLETE
					: e->kind,
				e->from, O_UNREPLIED, now);
			e->key = 0;
			continue;
		}
		kept++;
		if (e->ts < oldest)
			oldest = e->ts;
	}
	l->st->pending -= lc->n - kept;
	lc->n = kept;
	lc->oldest = oldest;
	tab_rehash(lc, old, cap);
	free(old);
}

/* The pending request of index @i as unreplied (a table was full). */
static void evict(struct ofx_latency *l, struct lconn *lc, uint32_t i)
{
	struct req e = lc->tab[i];

	if (e.kind == OFX_LAT_MULTIPART && !e.first)
		outcome(l, lc, OFX_LAT_MULTIPART, e.from, O_UNREPLIED, e.ts);
	outcome(l, lc,
		e.kind == OFX_LAT_MULTIPART ? OFX_LAT_MULTIPART_COMPLETE
					    : e.kind,
		e.from, O_UNREPLIED, e.ts);
	tab_del(lc, i);
	l->st->pending--;
	l->st->pending_evicted++;
}

/* Room for one more request in @lc: grow, expire, or evict the oldest. */
static bool make_room(struct ofx_latency *l, struct lconn *lc, uint64_t now)
{
	struct req *old = lc->tab;
	uint32_t ocap = lc->cap, ncap, oldest_i = 0;

	if (lc->cap && (lc->n + 1) * 2 <= lc->cap &&
	    l->st->pending < OFX_LAT_PENDING_TOTAL)
		return true;
	if (lc->n && lc->oldest + l->window < now)
		sweep(l, lc, now, false);
	if (lc->cap && (lc->n + 1) * 2 <= lc->cap &&
	    l->st->pending < OFX_LAT_PENDING_TOTAL)
		return true;
	if (lc->n < OFX_LAT_PENDING_MAX &&
	    l->st->pending < OFX_LAT_PENDING_TOTAL) {
		ncap = lc->cap ? lc->cap * 2 : TAB_MIN;
		lc->tab = calloc(ncap, sizeof(*lc->tab));
		if (lc->tab) {
			lc->cap = ncap;
			if (old)
				tab_rehash(lc, old, ocap);
			free(old);
			return true;
		}
		lc->tab = old;
	}
	if (!lc->n) /* no memory, or the global cap and nothing of ours */
		return false;
	for (uint32_t i = 0; i < lc->cap; i++)
		if (lc->tab[i].key && (!lc->tab[oldest_i].key ||
				       lc->tab[i].ts < lc->tab[oldest_i].ts))
			oldest_i = i;
	evict(l, lc, oldest_i);
	return true;
}

static void req_add(struct ofx_latency *l, struct lconn *lc, uint64_t key,
		    uint8_t kind, uint8_t from, uint64_t ts)
{
	uint32_t i, mask;

	if (!make_room(l, lc, ts)) {
		l->st->pending_evicted++;
		outcome(l, lc, kind, from, O_UNREPLIED, ts);
		return;
	}
	mask = lc->cap - 1;
	for (i = home(key, mask); lc->tab[i].key; i = (i + 1) & mask)
		;
	lc->tab[i] =
		(struct req){.key = key, .ts = ts, .kind = kind, .from = from};
	if (!lc->n || ts < lc->oldest)
		lc->oldest = ts;
	lc->n++;
	l->st->pending++;
}

/* Slot of the oldest pending request with @key (and @kind unless it is
 * 0xff), or -1. */
static int64_t req_find(const struct lconn *lc, uint64_t key, uint8_t kind)
{
	uint32_t mask = lc->cap - 1, i;

	if (!lc->n)
		return -1;
	for (i = home(key, mask); lc->tab[i].key; i = (i + 1) & mask)
		if (lc->tab[i].key == key &&
		    (kind == 0xff || lc->tab[i].kind == kind))
			return i;
	return -1;
}

/* ---- messages ---- */

/* 64-bit hash of the frame a PACKET_IN/PACKET_OUT carries: its length and
 * first OFX_LAT_FRAME_BYTES bytes. Return: false when those bytes were not
 * captured. */
static bool frame_hash(const struct of_msg *m, uint64_t *h)
{
	const uint8_t *p;
	uint64_t x, w;
	size_t n;

	if (!m->dec.data_off || !m->dec.data_len)
		return false;
	n = m->dec.data_len < OFX_LAT_FRAME_BYTES ? m->dec.data_len
						  : OFX_LAT_FRAME_BYTES;
	if ((size_t)m->dec.data_off + n > m->caplen)
		return false;
	p = m->data + m->dec.data_off;
	x = 0x243f6a8885a308d3ull ^ m->dec.data_len;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		x = (x ^ w) * 0x9e3779b97f4a7c15ull;
		x ^= x >> 29;
	}
	if (n) {
		w = 0;
		memcpy(&w, p, n);
		x = (x ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ull;
		x ^= x >> 29;
	}
	*h = x;
	return true;
}

static inline uint64_t xid_key(uint8_t req_dir, uint32_t xid)
{
	return K_XID | (uint64_t)req_dir << 32 | xid;
}

/* A reply-type message of @kind: match, time, count. */
static void on_reply(struct ofx_latency *l, struct lconn *lc,
		     const struct of_msg *m, uint8_t kind)
{
	uint8_t req_dir = m->dir ^ 1, from = from_of_dir(req_dir);
	int64_t i = req_find(lc, xid_key(req_dir, m->xid), kind);
	struct req *e;
	uint64_t dt;

	if (i < 0) {
		outcome(l, lc, kind, from, O_ORPHAN, m->ts_ns);
		return;
	}
	e = &lc->tab[i];
	dt = m->ts_ns > e->ts ? m->ts_ns - e->ts : 0;
	if (dt > l->window) {
		if (kind == OFX_LAT_MULTIPART && !e->first)
			outcome(l, lc, OFX_LAT_MULTIPART, from, O_UNREPLIED,
				m->ts_ns);
		outcome(l, lc,
			kind == OFX_LAT_MULTIPART ? OFX_LAT_MULTIPART_COMPLETE
						  : kind,
			from, O_UNREPLIED, m->ts_ns);
		if (!e->first)
			outcome(l, lc, kind, from, O_ORPHAN, m->ts_ns);
		goto done;
	}
	if (kind != OFX_LAT_MULTIPART) {
		sample(l, lc, kind, from, dt, m->ts_ns);
		goto done;
	}
	if (!e->first) {
		sample(l, lc, OFX_LAT_MULTIPART, from, dt, m->ts_ns);
		e->first = 1;
	}
	if (m->dec.mp_more)
		return;
	sample(l, lc, OFX_LAT_MULTIPART_COMPLETE, from, dt, m->ts_ns);
done:
	tab_del(lc, (uint32_t)i);
	l->st->pending--;
}

/* An OFPT_ERROR: ends the oldest pending request with its xid. */
static void on_error(struct ofx_latency *l, struct lconn *lc,
		     const struct of_msg *m)
{
	uint8_t req_dir = m->dir ^ 1;
	int64_t i = req_find(lc, xid_key(req_dir, m->xid), 0xff);
	struct req *e;

	if (i < 0)
		return;
	e = &lc->tab[i];
	if (e->kind == OFX_LAT_MULTIPART && !e->first)
		outcome(l, lc, OFX_LAT_MULTIPART, e->from, O_ERROR, m->ts_ns);
	outcome(l, lc,
		e->kind == OFX_LAT_MULTIPART ? OFX_LAT_MULTIPART_COMPLETE
					     : e->kind,
		e->from, O_ERROR, m->ts_ns);
	tab_del(lc, (uint32_t)i);
	l->st->pending--;
}

/* PACKET_OUT / FLOW_MOD from the controller: the response to a PACKET_IN? */
static void on_pin_response(struct ofx_latency *l, struct lconn *lc,
			    const struct of_msg *m, bool pout)
{
	enum outcome by;
	uint64_t key, h, dt;
	int64_t i;

	if (m->dir != OFX_DIR_OUT)
		return;
	if (m->dec.has_buffer_id && m->dec.buffer_id != OFP_NO_BUFFER) {
		key = K_BUF | m->dec.buffer_id;
		by = O_BY_BUF;
	} else if (pout && frame_hash(m, &h)) {
		key = K_DATA | (h >> 2);
		by = O_BY_DATA;
	} else {
		return;
	}
	i = req_find(lc, key, OFX_LAT_PACKET_IN);
	if (i < 0) {
		if (by == O_BY_BUF)
			outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
				O_ORPHAN, m->ts_ns);
		return;
	}
	dt = m->ts_ns > lc->tab[i].ts ? m->ts_ns - lc->tab[i].ts : 0;
	if (dt > l->window) {
		outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
			O_UNREPLIED, m->ts_ns);
		if (by == O_BY_BUF)
			outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
				O_ORPHAN, m->ts_ns);
	} else {
		sample(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH, dt,
		       m->ts_ns);
		outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH, by,
			m->ts_ns);
	}
	tab_del(lc, (uint32_t)i);
	l->st->pending--;
}

static void on_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_latency *l = ctx;
	struct lconn *lc = m->conn->lat;
	struct cls k;
	uint64_t h;

	if (!lc || m->version >= OFX_NVERSIONS || m->type >= OFX_NTYPES)
		return;
	k = cls_of[m->version][m->type];
	if (k.role == R_NONE)
		return;
	if (m->ts_ns > l->now)
		l->now = m->ts_ns;
	if (lc->n && m->ts_ns > lc->oldest + l->window)
		sweep(l, lc, m->ts_ns, false);
	switch (k.role) {
	case R_REQ:
		req_add(l, lc, xid_key(m->dir, m->xid), k.kind,
			from_of_dir(m->dir), m->ts_ns);
		break;
	case R_REP:
		on_reply(l, lc, m, k.kind);
		break;
	case R_ERROR:
		on_error(l, lc, m);
		break;
	case R_PIN:
		if (m->dir != OFX_DIR_IN)
			break;
		if (m->dec.has_buffer_id && m->dec.buffer_id != OFP_NO_BUFFER)
			req_add(l, lc, K_BUF | m->dec.buffer_id,
				OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
				m->ts_ns);
		else if (frame_hash(m, &h))
			req_add(l, lc, K_DATA | (h >> 2), OFX_LAT_PACKET_IN,
				OFX_LAT_FROM_SWITCH, m->ts_ns);
		else
			l->st->unmatchable++;
		break;
	case R_POUT:
	case R_FMOD:
		on_pin_response(l, lc, m, k.role == R_POUT);
		break;
	}
}

static void conn_free(struct ofx_latency *l, struct lconn *lc)
{
	if (lc->prev)
		lc->prev->next = lc->next;
	else
		l->conns = lc->next;
	if (lc->next)
		lc->next->prev = lc->prev;
	lc->c->lat = NULL;
	free(lc->tab);
	free(lc);
}

static void on_conn(void *ctx, struct of_conn *c, enum of_conn_event ev)
{
	struct ofx_latency *l = ctx;
	struct lconn *lc = c->lat;

	switch (ev) {
	case OF_CONN_OPEN:
		lc = calloc(1, sizeof(*lc));
		if (!lc) {
			l->st->conn_nomem++;
			return;
		}
		lc->c = c;
		lc->next = l->conns;
		if (l->conns)
			l->conns->prev = lc;
		l->conns = lc;
		c->lat = lc;
		break;
	case OF_CONN_IDENTIFIED:
		if (lc)
			lc->sw_known = false;
		break;
	case OF_CONN_CLOSE:
		if (!lc)
			return;
		sweep(l, lc, l->now, true);
		conn_free(l, lc);
		break;
	}
}

/* ---- life cycle ---- */

struct ofx_latency *ofx_latency_new(const struct ofx_latency_opts *opts,
				    struct ofx_latency_stats *st,
				    ofx_latency_switch_id_fn switch_id,
				    void *ctx)
{
	struct ofx_latency *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (!cls_of[1][2].role)
		cls_init();
	l->scopes = calloc(OFX_LAT_MAX_SCOPES, sizeof(*l->scopes));
	l->by_id_ok = hcreate_r(OFX_LAT_MAX_SCOPES * 2, &l->by_id) != 0;
	if (!l->scopes || !l->by_id_ok) {
		ofx_latency_free(l);
		return NULL;
	}
	l->st = st;
	l->window = opts && opts->window_ns ? opts->window_ns
					    : OFX_LAT_WINDOW_DEFAULT_NS;
	l->spool.cap =
		opts && opts->memory ? opts->memory : OFX_LAT_MEMORY_DEFAULT;
	l->switch_id = switch_id;
	l->ctx = ctx;
	l->global.pool = &l->gpool;
	strcpy(l->global.id, "all");
	l->sink =
		(struct of_msg_sink){.msg = on_msg, .conn = on_conn, .ctx = l};
	return l;
}

const struct of_msg_sink *ofx_latency_sink(struct ofx_latency *l)
{
	return &l->sink;
}

void ofx_latency_tick(struct ofx_latency *l, uint64_t now_ns)
{
	if (now_ns > l->now)
		l->now = now_ns;
	for (struct lconn *lc = l->conns; lc; lc = lc->next)
		if (lc->n && lc->oldest + l->window < l->now)
			sweep(l, lc, l->now, false);
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	l->st->hist_dropped = l->gpool.dropped + l->spool.dropped;
}

void ofx_latency_finish(struct ofx_latency *l)
{
	for (struct lconn *lc = l->conns; lc; lc = lc->next)
		sweep(l, lc, l->now, true);
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	l->st->hist_dropped = l->gpool.dropped + l->spool.dropped;
}

static void series_free(struct series *s, struct ofx_hist_pool *pool)
{
	if (!s)
		return;
	ofx_hist_reset(&s->all, pool);
	for (int r = 0; r < 2; r++)
		for (unsigned int i = 0; i < RING_MAX; i++)
			ofx_hist_reset(&s->ring[r].s[i].h, pool);
	free(s);
}

static void scope_free(struct scope *sc)
{
	for (int k = 0; k < OFX_LAT_NKINDS; k++)
		for (int f = 0; f < OFX_LAT_NFROM; f++)
			series_free(sc->s[k][f], sc->pool);
}

void ofx_latency_free(struct ofx_latency *l)
{
	if (!l)
		return;
	while (l->conns)
		conn_free(l, l->conns);
	scope_free(&l->global);
	for (unsigned int i = 0; i < l->nscopes; i++) {
		scope_free(l->scopes[i]);
		free(l->scopes[i]);
	}
	free(l->scopes);
	if (l->by_id_ok)
		hdestroy_r(&l->by_id);
	free(l);
}

/* ---- views ---- */

static void counts_add(struct ofx_lat_counts *d, const struct ofx_lat_counts *s)
{
	d->unreplied += s->unreplied;
	d->error_replies += s->error_replies;
	d->orphan_replies += s->orphan_replies;
	d->by_buffer_id += s->by_buffer_id;
	d->by_data += s->by_data;
}

static void series_view(struct series *s, uint64_t now,
			struct ofx_hist_pool *pool, struct ofx_lat_view *v,
			unsigned int kind, unsigned int from)
{
	struct ofx_hist_pool tmp = {0};
	struct ofx_hist m;

	ofx_hist_summarize(&s->all, &v->e[OFX_LAT_ALL][kind][from].h);
	v->e[OFX_LAT_ALL][kind][from].c = s->c;
	for (int r = 0; r < 2; r++) {
		struct ofx_lat_entry *e = &v->e[1 + r][kind][from];
		struct ring *g = &s->ring[r];

		ring_slot(g, r, now, pool); /* empty the slots now too old */
		ofx_hist_init(&m);
		for (unsigned int i = 0; i < ring_def[r].n; i++) {
			ofx_hist_add(&m, &g->s[i].h, &tmp);
			counts_add(&e->c, &g->s[i].c);
		}
		ofx_hist_summarize(&m, &e->h);
		ofx_hist_reset(&m, &tmp);
	}
}

static void scope_view(struct scope *sc, uint64_t now, struct ofx_lat_view *v)
{
	memset(v, 0, sizeof(*v));
	for (int k = 0; k < OFX_LAT_NKINDS; k++)
		for (int f = 0; f < OFX_LAT_NFROM; f++)
			if (sc->s[k][f])
				series_view(sc->s[k][f], now, sc->pool, v, k,
					    f);
}

struct ofx_lat_views *ofx_latency_views(struct ofx_latency *l, uint64_t now_ns)
{
	struct ofx_lat_views *v = calloc(1, sizeof(*v));
	uint64_t now = now_ns > l->now ? now_ns : l->now;

	if (!v)
		return NULL;
	v->sw_id = calloc(l->nscopes + 1, sizeof(*v->sw_id));
	v->sw = calloc(l->nscopes + 1, sizeof(*v->sw));
	if (!v->sw_id || !v->sw) {
		ofx_lat_views_free(v);
		return NULL;
	}
	scope_view(&l->global, now, &v->global);
	for (unsigned int i = 0; i < l->nscopes; i++) {
		memcpy(v->sw_id[i], l->scopes[i]->id, sizeof(v->sw_id[i]));
		scope_view(l->scopes[i], now, &v->sw[i]);
	}
	v->nsw = l->nscopes;
	v->window_ns = l->window;
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	return v;
}

void ofx_lat_views_free(struct ofx_lat_views *v)
{
	if (!v)
		return;
	free(v->sw_id);
	free(v->sw);
	free(v);
}

const struct ofx_lat_view *ofx_lat_views_find(const struct ofx_lat_views *v,
					      const char *id)
{
	if (!v)
		return NULL;
	for (unsigned int i = 0; i < v->nsw; i++)
		if (!strcmp(v->sw_id[i], id))
			return &v->sw[i];
	return NULL;
}

bool ofx_lat_entry_used(const struct ofx_lat_entry *e)
{
	return e->h.count || e->c.unreplied || e->c.error_replies ||
	       e->c.orphan_replies;
}
