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
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"
#include "openflow/of_conn.h"
#include "openflow/of_proto.h"

#define OFP_NO_BUFFER 0xffffffffu
#define TAB_MIN 4 /* initial table slots */

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
	{OFX_LAT_QUEUE_GET_CONFIG, 2, 4, 22, 23}, /* 1.1-1.3; gone in 1.4 */
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

/*
 * Windows. Samples count in the series' cumulative histogram and in the
 * current 2-s slot of a ring of 6 (the 10 s window: 10 to 12 s). When a
 * 2-s slot stops being current it is merged into the 10-s slot of its time
 * in a ring of 7 (the 60 s window: the 10-s slots plus the current 2-s
 * slot, 60 to 70 s). So a sample costs two histogram updates per scope;
 * merging happens once per 2 s per series.
 */
#define FINE_NS 2000000000ull
#define FINE_N 6
#define COARSE_NS 10000000000ull
#define COARSE_N 7
struct slot {
	struct ofx_hist h;
	struct ofx_lat_counts c;
};

/* One kind x requester in one scope. */
struct series {
	struct ofx_hist all;
	struct ofx_lat_counts c;
	uint64_t fine_epoch; /* slot number (ts / FINE_NS) of the current */
	uint64_t fine_next; /* first ts after it (0: ring unused) */
	uint64_t coarse_epoch;
	uint64_t coarse_next;
	/* allocated when something counts in them (a sparse series, such
	 * as one echo every 5 s, holds a few) */
	struct slot *fine[FINE_N];
	struct slot *coarse[COARSE_N];
};

/* Read a slot that may not be allocated. */
static const struct slot slot_zero;
#define SLOT(p) ((p) ? (const struct slot *)(p) : &slot_zero)

/* Overall or one switch. */
struct scope {
	char id[48];
	struct ofx_hist_pool *pool;
	struct series *s[OFX_LAT_NKINDS][OFX_LAT_NFROM];
};

/* A reply waiting for its request (see early_push()). */
struct reply {
	uint64_t ts;
	uint32_t xid;
	uint8_t req_dir;
	uint8_t kind;
	bool more;
};

/* The engine's state of one connection (struct of_conn.lat). */
struct lconn {
	struct lconn *prev, *next;
	struct of_conn *c;
	struct scope *sw;
	bool sw_known;
	struct ofx_hist_pool *pool; /* of the scope its figures count in */
	/* PACKET_IN sampling: PACKET_INs in the current second of capture
	 * time (ending at @pin_next), 1 in 2^@pin_k measured in it, 2^
	 * @pin_k_prev in the second before */
	uint64_t pin_next;
	uint32_t pin_count;
	uint8_t pin_k;
	uint8_t pin_k_prev;
	uint8_t nearly;
	struct reply *early; /* [OFX_LAT_EARLY] replies before their request
			      * (allocated when one comes) */
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
	struct ofx_hist_pool gpool; /* @none's: no cap */
	struct ofx_hist_pool spool; /* per switch: capped */
	/* connections without a switch scope, and what a switch scope's
	 * memory cap could not hold: the overall figures are the sum of
	 * every scope and this one (so a pair is recorded once) */
	struct scope none;
	struct scope **scopes;
	unsigned int nscopes;
	struct hsearch_data by_id;
	bool by_id_ok;
	uint64_t now; /* latest time seen */
	uint64_t nmsgs; /* messages seen */
	uint64_t lag_at, lag_msgs; /* ofx_latency_set_lag(): rate base */
	uint64_t lag_rate; /* messages a second, over >= 10 ms */
	uint64_t shed_grace; /* replies before this time (capture clock) that
			      * find no request may be to requests not
			      * recorded while shedding: not orphans */
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
	sc->s[kind][from] = s;
	return s;
}

/* The slot at *@pp, allocated if need be (counted in @pool, within its
 * cap). Return: NULL on ENOMEM. */
static struct slot *slot_get(struct slot **pp, struct ofx_hist_pool *pool)
{
	if (__builtin_expect(*pp != NULL, 1))
		return *pp;
	if (pool->cap && pool->bytes + sizeof(**pp) > pool->cap)
		return NULL;
	*pp = calloc(1, sizeof(**pp));
	if (!*pp)
		return NULL;
	ofx_hist_init(&(*pp)->h);
	pool->bytes += sizeof(**pp);
	return *pp;
}

/* Empty the slot at *@pp: free it. */
static void slot_clear(struct slot **pp, struct ofx_hist_pool *pool)
{
	if (!*pp)
		return;
	ofx_hist_reset(&(*pp)->h, pool);
	free(*pp);
	*pp = NULL;
	pool->bytes -= sizeof(struct slot);
}

static void counts_add(struct ofx_lat_counts *d, const struct ofx_lat_counts *s)
{
	d->unreplied += s->unreplied;
	d->error_replies += s->error_replies;
	d->orphan_replies += s->orphan_replies;
	d->by_buffer_id += s->by_buffer_id;
	d->by_data += s->by_data;
}

/* Move the coarse ring on to slot number @e (empty the slots it reuses). */
static void coarse_advance(struct series *s, uint64_t e,
			   struct ofx_hist_pool *pool)
{
	if (s->coarse_next && e <= s->coarse_epoch)
		return;
	if (s->coarse_next)
		for (uint64_t k = s->coarse_epoch + 1, n = 0;
		     k <= e && n < COARSE_N; k++, n++)
			slot_clear(&s->coarse[k % COARSE_N], pool);
	s->coarse_epoch = e;
	s->coarse_next = (e + 1) * COARSE_NS;
}

/* Move the fine ring on to time @ts: the current slot goes into its
 * coarse slot, slots reused are emptied. */
static void fine_advance(struct series *s, uint64_t ts,
			 struct ofx_hist_pool *pool)
{
	uint64_t e = ts / FINE_NS;

	if (s->fine_next) {
		const struct slot *cur = s->fine[s->fine_epoch % FINE_N];
		uint64_t ce = s->fine_epoch * FINE_NS / COARSE_NS;

		if (cur && (cur->h.count || cur->c.unreplied ||
			    cur->c.error_replies || cur->c.orphan_replies)) {
			coarse_advance(s, ce, pool);
			if (ce + COARSE_N > s->coarse_epoch) {
				struct slot *c = slot_get(
					&s->coarse[ce % COARSE_N], pool);

				/* all or nothing; what the per-switch cap
				 * refuses is counted in hist_dropped */
				if (!c)
					pool->dropped += cur->h.count;
				else if (!ofx_hist_add(&c->h, &cur->h, pool))
					counts_add(&c->c, &cur->c);
			}
		}
		for (uint64_t k = s->fine_epoch + 1, n = 0;
		     k <= e && n < FINE_N; k++, n++)
			slot_clear(&s->fine[k % FINE_N], pool);
	}
	s->fine_epoch = e;
	s->fine_next = (e + 1) * FINE_NS;
}

/* Move the rings on to @ts (a time before the current slot counts
 * there). */
static inline void rings_at(struct series *s, uint64_t ts,
			    struct ofx_hist_pool *pool)
{
	if (__builtin_expect(ts >= s->fine_next, 0))
		fine_advance(s, ts, pool);
}

/* The current fine slot at time @ts, allocated if need be; NULL on
 * ENOMEM. */
static inline struct slot *fine_slot(struct series *s, uint64_t ts,
				     struct ofx_hist_pool *pool)
{
	rings_at(s, ts, pool);
	return slot_get(&s->fine[s->fine_epoch % FINE_N], pool);
}

/* Count @v in the cumulative histogram and the current slot, both or
 * neither. Return: 0, or -ENOMEM when the pool could not hold it (not
 * counted; the pool's dropped says so). */
static int series_sample(struct series *s, struct ofx_hist_pos pos, uint64_t v,
			 uint64_t ts, struct ofx_hist_pool *pool)
{
	struct slot *f = fine_slot(s, ts, pool);

	if (!f) {
		pool->dropped++;
		return -ENOMEM;
	}
	if (__builtin_expect(!s->all.chunk[pos.chunk] || !f->h.chunk[pos.chunk],
			     0) &&
	    (ofx_hist_reserve(&s->all, pos.chunk, pool) ||
	     ofx_hist_reserve(&f->h, pos.chunk, pool))) {
		pool->dropped++;
		return -ENOMEM;
	}
	ofx_hist_record_at(&s->all, pos, v, pool);
	ofx_hist_record_at(&f->h, pos, v, pool);
	return 0;
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
	struct slot *f = fine_slot(s, ts, pool);

	bump(&s->c, o);
	if (f)
		bump(&f->c, o);
	else
		pool->dropped++; /* in the cumulative count only */
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
	lc->sw = NULL;
	if (!l->switch_id || !l->by_id_ok || !l->switch_id(l->ctx, lc->c, id))
		return NULL;
	e.key = id;
	if (hsearch_r(e, FIND, &found, &l->by_id)) {
		lc->sw = found->data;
		return lc->sw;
	}
	if (l->nscopes == OFX_LAT_MAX_SCOPES) {
		l->st->scope_overflow++;
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

/* The series of @kind/@from of @lc's scope (its switch's, else
 * @l->none; the scope is cached per connection); NULL on ENOMEM. */
static inline struct series *ser_of(struct ofx_latency *l, struct lconn *lc,
				    unsigned int kind, unsigned int from)
{
	struct scope *sc = scope_of(l, lc);

	if (!sc)
		sc = &l->none;
	lc->pool = sc->pool;
	return series_get(sc, kind, from);
}

/* One matched pair of @kind/@from: @v ns, the reply at @ts; a PACKET_IN's
 * is matched by buffer_id (@by O_BY_BUF) or frame (O_BY_DATA), counted in
 * the cumulative counts only (-1: not a PACKET_IN). */
static void sample(struct ofx_latency *l, struct lconn *lc, unsigned int kind,
		   unsigned int from, uint64_t v, uint64_t ts, int by)
{
	struct series *s = ser_of(l, lc, kind, from);

	if (!s)
		return;
	if (__builtin_expect(
		    series_sample(s, ofx_hist_pos_of(v), v, ts, lc->pool) != 0,
		    0) &&
	    lc->pool != &l->gpool) {
		/* the switch's memory cap: keep the pair in the overall
		 * figures (hist_dropped counts what the switch lost) */
		s = series_get(&l->none, kind, from);
		if (s)
			series_sample(s, ofx_hist_pos_of(v), v, ts, &l->gpool);
	}
	if (s && by >= 0)
		bump(&s->c, (enum outcome)by);
}

static void outcome(struct ofx_latency *l, struct lconn *lc, unsigned int kind,
		    unsigned int from, enum outcome o, uint64_t ts)
{
	struct series *s = ser_of(l, lc, kind, from);

	if (s)
		series_count(s, o, ts, lc->pool);
}

/* ---- pending requests ---- */

/* Chosen at random per process: a peer cannot pick xids or buffer_ids
 * that collide in the tables. */
static uint64_t hash_seed;

static inline uint32_t home(uint64_t key, uint32_t mask)
{
	return (uint32_t)(((key ^ hash_seed) * 0x9e3779b97f4a7c15ull) >> 32) &
	       mask;
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

/* A slot of @t (@cap slots) that is empty: the start of no chain. */
static uint32_t empty_slot(const struct req *t, uint32_t cap)
{
	uint32_t i = 0;

	while (i < cap && t[i].key)
		i++;
	return i;
}

/* Re-insert every entry of @old (@ocap slots) into lc->tab in chain
 * order: from the slot after @start, a slot that was empty before any of
 * @old's entries were cleared, so that no chain is split at the wrap. */
static void tab_rehash(struct lconn *lc, const struct req *old, uint32_t ocap,
		       uint32_t start)
{
	uint32_t mask = lc->cap - 1;

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

/*
 * A multipart request's state (struct req.first): 0 no reply part yet, 1
 * its first part came (timed), 2 it timed out after its first part: kept
 * one more window so that its later parts are not orphans.
 */
#define MP_EXPIRED 2

/* Count pending request @e as unreplied (a multipart one without any
 * part: under both multipart kinds). */
static void unreplied(struct ofx_latency *l, struct lconn *lc,
		      const struct req *e, uint64_t ts)
{
	if (e->kind != OFX_LAT_MULTIPART) {
		outcome(l, lc, e->kind, e->from, O_UNREPLIED, ts);
		return;
	}
	if (e->first == MP_EXPIRED)
		return;
	if (!e->first)
		outcome(l, lc, OFX_LAT_MULTIPART, e->from, O_UNREPLIED, ts);
	outcome(l, lc, OFX_LAT_MULTIPART_COMPLETE, e->from, O_UNREPLIED, ts);
}

/* The time @e's window starts (one window later once MP_EXPIRED). */
static inline uint64_t since(const struct ofx_latency *l, const struct req *e)
{
	return e->first == MP_EXPIRED ? e->ts + l->window : e->ts;
}

/*
 * What sweep() drops. Expired requests are swept once the oldest is a
 * quarter window past the window (not at every message after it: a
 * connection with a steady trickle of unanswered requests would sweep its
 * whole table per message); matching checks the window itself, so the
 * figures do not depend on when sweeps run.
 */
enum sweep_mode {
	SWEEP_EXPIRED, /* older than the window at @now */
	SWEEP_ALL, /* everything (end of input or of the connection) */
	SWEEP_OLDEST, /* the oldest quarter of the time span (a full table) */
	SWEEP_SHED, /* all, not counted as unreplied (shedding) */
};

/*
 * Count pending requests of @lc as unreplied and drop them, by @mode, in
 * one pass (a new table: the survivors re-inserted in chain order).
 * SWEEP_OLDEST also counts them in pending_evicted: a full table drops
 * its oldest quarter at once, so inserts stay O(1) amortised.
 */
static void sweep(struct ofx_latency *l, struct lconn *lc, uint64_t now,
		  enum sweep_mode mode)
{
	struct req *old = lc->tab, *small;
	uint32_t cap = lc->cap, kept = 0, ncap = TAB_MIN, start;
	uint64_t oldest = UINT64_MAX, cut, lo = UINT64_MAX, hi = 0;

	if (!lc->n)
		return;
	if (mode == SWEEP_ALL) { /* nothing survives: no new table */
		for (uint32_t i = 0; i < cap; i++)
			if (old[i].key)
				unreplied(l, lc, &old[i], now);
		l->st->pending -= lc->n;
		lc->n = 0;
		lc->cap = 0;
		lc->tab = NULL;
		free(old);
		return;
	}
	if (mode == SWEEP_OLDEST) {
		for (uint32_t i = 0; i < cap; i++) {
			if (!old[i].key)
				continue;
			lo = since(l, &old[i]) < lo ? since(l, &old[i]) : lo;
			hi = since(l, &old[i]) > hi ? since(l, &old[i]) : hi;
		}
		cut = lo + (hi - lo) / 4 + 1; /* drops at least the oldest */
	} else if (mode == SWEEP_SHED) {
		cut = 0;
	} else {
		cut = now > l->window ? now - l->window : 0;
	}
	lc->tab = calloc(cap, sizeof(*lc->tab));
	if (!lc->tab) { /* keep the table; try again later */
		lc->tab = old;
		return;
	}
	start = empty_slot(old, cap); /* before any entry is cleared */
	for (uint32_t i = 0; i < cap; i++) {
		struct req *e = &old[i];

		if (!e->key)
			continue;
		if (mode == SWEEP_SHED) {
			l->st->shed_dropped++;
			e->key = 0;
			continue;
		}
		if (since(l, e) < cut) {
			unreplied(l, lc, e, now);
			if (mode == SWEEP_OLDEST)
				l->st->pending_evicted++;
			if (mode == SWEEP_EXPIRED &&
			    e->kind == OFX_LAT_MULTIPART && e->first == 1) {
				/* later parts: no orphans */
				e->first = MP_EXPIRED;
			} else {
				e->key = 0;
				continue;
			}
		}
		kept++;
		if (since(l, e) < oldest)
			oldest = since(l, e);
	}
	l->st->pending -= lc->n - kept;
	lc->n = kept;
	lc->oldest = oldest;
	/* the table shrinks with what it holds (a burst does not keep a
	 * large table for the connection's life) */
	while (ncap < cap && ncap < 2 * (kept + 1))
		ncap *= 2;
	if (ncap < cap && (small = calloc(ncap, sizeof(*small)))) {
		free(lc->tab);
		lc->tab = small;
		lc->cap = ncap;
	}
	tab_rehash(lc, old, cap, start);
	free(old);
}

/* Room for one more request in @lc: grow, expire, or evict the oldest. */
static bool make_room(struct ofx_latency *l, struct lconn *lc, uint64_t now)
{
	struct req *old;
	uint32_t ocap, ncap;

	/* each connection may hold OFX_LAT_PENDING_RESERVE requests
	 * whatever the others hold */
	bool global_ok = l->st->pending < OFX_LAT_PENDING_TOTAL ||
			 lc->n < OFX_LAT_PENDING_RESERVE;

	if (lc->cap && (lc->n + 1) * 2 <= lc->cap && global_ok)
		return true;
	if (lc->n && lc->oldest + l->window < now)
		sweep(l, lc, now, SWEEP_EXPIRED);
	global_ok = l->st->pending < OFX_LAT_PENDING_TOTAL ||
		    lc->n < OFX_LAT_PENDING_RESERVE;
	if (lc->cap && (lc->n + 1) * 2 <= lc->cap && global_ok)
		return true;
	if (lc->n < OFX_LAT_PENDING_MAX && global_ok) {
		/* the table as it is now: sweep() above may have replaced
		 * (and freed) the one we came with */
		old = lc->tab;
		ocap = lc->cap;
		ncap = lc->cap ? lc->cap * 2 : TAB_MIN;
		lc->tab = calloc(ncap, sizeof(*lc->tab));
		if (lc->tab) {
			lc->cap = ncap;
			if (old)
				tab_rehash(lc, old, ocap,
					   empty_slot(old, ocap));
			free(old);
			return true;
		}
		lc->tab = old;
	}
	if (!lc->n) /* no memory, or the global cap and nothing of ours */
		return false;
	sweep(l, lc, now, SWEEP_OLDEST);
	return (lc->n + 1) * 2 <= lc->cap;
}

static void req_add(struct ofx_latency *l, struct lconn *lc, uint64_t key,
		    uint8_t kind, uint8_t from, uint64_t ts)
{
	uint32_t i, mask;

	if (!make_room(l, lc, ts)) {
		struct req e = {.kind = kind, .from = from};

		l->st->pending_evicted++;
		unreplied(l, lc, &e, ts);
		return;
	}
	mask = lc->cap - 1;
	for (;;) {
		uint32_t dups = 0, first = 0;

		for (i = home(key, mask); lc->tab[i].key; i = (i + 1) & mask) {
			if (lc->tab[i].key == key && lc->tab[i].kind == kind &&
			    !dups++)
				first = i;
		}
		if (dups < OFX_LAT_DUP_MAX)
			break;
		/* equal keys pending (a peer reusing one xid, identical
		 * frames): the oldest gives way, so chains stay short */
		unreplied(l, lc, &lc->tab[first], ts);
		tab_del(lc, first);
		l->st->pending--;
		l->st->pending_evicted++;
	}
	lc->tab[i] =
		(struct req){.key = key, .ts = ts, .kind = kind, .from = from};
	if (!lc->n || ts < lc->oldest)
		lc->oldest = ts;
	lc->n++;
	l->st->pending++;
}

/* Slot of the oldest pending request with @key (and @kind unless it is
 * 0xff), or -1. */
static int64_t req_find(const struct lconn *lc, uint64_t key, uint8_t kind,
			uint64_t max_ts)
{
	uint32_t mask = lc->cap - 1, i;

	if (!lc->n)
		return -1;
	for (i = home(key, mask); lc->tab[i].key; i = (i + 1) & mask)
		if (lc->tab[i].key == key && lc->tab[i].ts <= max_ts &&
		    (kind == 0xff ? lc->tab[i].first != MP_EXPIRED
				  : lc->tab[i].kind == kind))
			return i;
	return -1;
}

/* ---- messages ---- */

static inline uint64_t rotl(uint64_t x, unsigned int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* 64-bit hash of the frame a PACKET_IN/PACKET_OUT carries: its length and
 * first OFX_LAT_FRAME_BYTES bytes. Return: false when those bytes were not
 * captured. */
static bool frame_hash(const struct of_msg *m, uint64_t *h)
{
	const uint64_t K = 0x243f6a8885a308d3ull; /* digits of pi */
	uint64_t x;
	const uint8_t *p;
	size_t n;

	if (!m->dec.data_off || !m->dec.data_len)
		return false;
	n = m->dec.data_len < OFX_LAT_FRAME_BYTES ? m->dec.data_len
						  : OFX_LAT_FRAME_BYTES;
	if ((size_t)m->dec.data_off + n > m->caplen)
		return false;
	p = m->data + m->dec.data_off;
	/* eight 8-byte words at min(8k, n - 8): every byte of the first n
	 * (the last words overlap when n < 64), no copy, no loop, folded
	 * by rotate-xor (one operation a word), then mixed */
	if (n >= 8) {
		size_t e = n - 8;
#define W(k) ld64(p + (8 * (k) < e ? 8 * (k) : e))
		x = W(0) ^ rotl(W(1), 9) ^ rotl(W(2), 18) ^ rotl(W(3), 27) ^
		    rotl(W(4), 36) ^ rotl(W(5), 45) ^ rotl(W(6), 54) ^
		    rotl(W(7), 63);
#undef W
	} else {
		x = 0;
		memcpy(&x, p, n);
	}
	x = (x ^ K) * 0x9e3779b97f4a7c15ull + m->dec.data_len;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	*h = x;
	return true;
}

static inline uint64_t xid_key(uint8_t req_dir, uint32_t xid)
{
	return K_XID | (uint64_t)req_dir << 32 | xid;
}

/*
 * A reply (or OFPT_ERROR: @kind 0xff) as the matcher sees it. Messages of
 * the two directions of a connection can reach the engine out of time
 * order (the OpenFlow stage holds the messages of a direction until it is
 * proven OpenFlow, or until the roles are known): a reply that matches no
 * request waits in a small per-connection queue (OFX_LAT_EARLY) for a
 * request sent before it, and counts as an orphan only when it leaves the
 * queue unmatched (full, older than the window, end).
 */

static bool reply_match(struct ofx_latency *l, struct lconn *lc,
			const struct reply *r);

/* Orphan outcome of early reply @r (errors without a request count
 * nowhere). */
static void early_orphan(struct ofx_latency *l, struct lconn *lc,
			 const struct reply *r)
{
	if (r->kind == 0xff)
		return;
	if (r->ts < l->shed_grace) /* its request may have been shed */
		l->st->shed_dropped++;
	else
		outcome(l, lc, r->kind, from_of_dir(r->req_dir), O_ORPHAN,
			r->ts);
}

/* Keep unmatched reply @r: the oldest waiting one gives way when full. */
static void early_push(struct ofx_latency *l, struct lconn *lc,
		       const struct reply *r)
{
	if (!lc->early) {
		lc->early = malloc(OFX_LAT_EARLY * sizeof(*lc->early));
		if (!lc->early) {
			early_orphan(l, lc, r);
			return;
		}
	}
	if (lc->nearly == OFX_LAT_EARLY) {
		early_orphan(l, lc, &lc->early[0]);
		memmove(lc->early, lc->early + 1,
			sizeof(lc->early[0]) * (OFX_LAT_EARLY - 1));
		lc->nearly--;
	}
	lc->early[lc->nearly++] = *r;
}

/* Waiting replies older than the window at @now (all when @all) become
 * orphans. */
static void early_expire(struct ofx_latency *l, struct lconn *lc, uint64_t now,
			 bool all)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < lc->nearly; i++) {
		if (all || lc->early[i].ts + l->window < now)
			early_orphan(l, lc, &lc->early[i]);
		else
			lc->early[k++] = lc->early[i];
	}
	lc->nearly = k;
}

/* Request @kind (xid @xid, from @dir at @ts) was just added: replies that
 * came before it and wait for it are matched now, in order. */
static void early_match(struct ofx_latency *l, struct lconn *lc, uint8_t dir,
			uint32_t xid, uint8_t kind, uint64_t ts)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < lc->nearly; i++) {
		struct reply r = lc->early[i];

		if (r.req_dir == dir && r.xid == xid && r.ts >= ts &&
		    (r.kind == kind || r.kind == 0xff) &&
		    reply_match(l, lc, &r))
			continue;
		lc->early[k++] = r;
	}
	lc->nearly = k;
}

/* Match reply @r (an OFPT_ERROR when its kind is 0xff) to its request:
 * time it and count. Return: false when no request was pending. */
static bool reply_match(struct ofx_latency *l, struct lconn *lc,
			const struct reply *r)
{
	uint8_t kind = r->kind, from = from_of_dir(r->req_dir);
	int64_t i;
	struct req *e;
	uint64_t dt;

	if (kind == 0xff) {
		i = req_find(lc, xid_key(r->req_dir, r->xid), 0xff, r->ts);
		if (i < 0)
			return false;
		e = &lc->tab[i];
		if (r->ts - e->ts > l->window) { /* an error, but too late */
			unreplied(l, lc, e, r->ts);
			goto done;
		}
		if (e->kind == OFX_LAT_MULTIPART && !e->first)
			outcome(l, lc, OFX_LAT_MULTIPART, e->from, O_ERROR,
				r->ts);
		outcome(l, lc,
			e->kind == OFX_LAT_MULTIPART
				? OFX_LAT_MULTIPART_COMPLETE
				: e->kind,
			e->from, O_ERROR, r->ts);
		goto done;
	}
	i = req_find(lc, xid_key(r->req_dir, r->xid), kind, r->ts);
	if (i < 0)
		return false;
	e = &lc->tab[i];
	if (e->first == MP_EXPIRED) { /* a later part of a timed-out reply */
		if (!r->more)
			goto done;
		return true;
	}
	dt = r->ts - e->ts;
	if (dt > l->window) {
		unreplied(l, lc, e, r->ts);
		if (e->first) { /* multipart: its first part was in time */
			e->first = MP_EXPIRED;
			if (r->more)
				return true;
		} else {
			outcome(l, lc, kind, from, O_ORPHAN, r->ts);
		}
		goto done;
	}
	if (kind != OFX_LAT_MULTIPART) {
		sample(l, lc, kind, from, dt, r->ts, -1);
		goto done;
	}
	if (!e->first) {
		sample(l, lc, OFX_LAT_MULTIPART, from, dt, r->ts, -1);
		e->first = 1;
	}
	if (r->more)
		return true;
	sample(l, lc, OFX_LAT_MULTIPART_COMPLETE, from, dt, r->ts, -1);
done:
	tab_del(lc, (uint32_t)i);
	l->st->pending--;
	return true;
}

/* A reply-type message of @kind, or an OFPT_ERROR (@kind 0xff). */
static void on_reply(struct ofx_latency *l, struct lconn *lc,
		     const struct of_msg *m, uint8_t kind)
{
	struct reply r = {.ts = m->ts_ns,
			  .xid = m->xid,
			  .req_dir = m->dir ^ 1,
			  .kind = kind,
			  .more = m->dec.mp_more};

	if (!reply_match(l, lc, &r))
		early_push(l, lc, &r);
}

/* Sampling bits of a PACKET_IN key's hash (not those that index tables). */
static inline uint32_t sel_bits(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40);
}

/*
 * Sampling bits of the frame a PACKET_IN/PACKET_OUT carries, cheaply (three
 * words, where frames of one flow differ: source MAC, IPv4 id, the last
 * bytes of the first 64; overlapping in a short frame), so that an
 * unsampled message costs no full frame_hash(). Return: false when the
 * frame was not captured.
 */
static bool frame_sel(const struct of_msg *m, uint32_t *sel)
{
	size_t n = m->dec.data_len < OFX_LAT_FRAME_BYTES ? m->dec.data_len
							 : OFX_LAT_FRAME_BYTES;
	const uint8_t *p = m->data + m->dec.data_off;
	uint64_t x = 0;

	if (!m->dec.data_off || !n || (size_t)m->dec.data_off + n > m->caplen)
		return false;
	if (n >= 8) {
		size_t e = n - 8;

		x = ld64(p + (6 < e ? 6 : e)) ^
		    rotl(ld64(p + (16 < e ? 16 : e)), 21) ^
		    rotl(ld64(p + e), 42);
	} else {
		memcpy(&x, p, n);
	}
	*sel = sel_bits(x ^ n);
	return true;
}

/*
 * Whether the PACKET_IN with sampling bits @sel (frame_sel(), else
 * sel_bits() of its key) is measured. Above OFX_LAT_PIN_FULL_RATE
 * PACKET_INs a second on a connection, 1 in 2^k of them are (k from the
 * previous second's count), chosen by their key's hash so that the
 * response, which has the same key, is looked up for exactly those.
 */
static bool pin_sampled(struct ofx_latency *l, struct lconn *lc, uint32_t sel,
			uint64_t ts)
{
	if (__builtin_expect(l->st->shedding != 0, 0)) {
		/* behind the capture: as if this second's rate were top */
		lc->pin_k = 16;
		lc->pin_count++;
		l->st->pin_unsampled++;
		return false;
	}
	if (__builtin_expect(ts >= lc->pin_next, 0)) {
		uint64_t rate = ts < lc->pin_next + 1000000000ull
					? lc->pin_count
					: 0; /* a quiet second between */
		uint8_t k = 0;

		while (k < 16 && (rate >> k) > OFX_LAT_PIN_FULL_RATE)
			k++;
		lc->pin_k_prev = lc->pin_k;
		lc->pin_k = k;
		lc->pin_count = 0;
		lc->pin_next = (ts / 1000000000ull + 1) * 1000000000ull;
	}
	lc->pin_count++;
	if (!lc->pin_k || !(sel & ((1u << lc->pin_k) - 1)))
		return true;
	l->st->pin_unsampled++;
	return false;
}

/* PACKET_OUT / FLOW_MOD from the controller: the response to a PACKET_IN? */
static void on_pin_response(struct ofx_latency *l, struct lconn *lc,
			    const struct of_msg *m, bool pout)
{
	enum outcome by;
	uint64_t key, h, dt;
	uint32_t sel, mask;
	int64_t i;

	if (m->dir != OFX_DIR_OUT || l->st->shedding)
		return;
	/* sampling: look up only what the PACKET_IN side may have measured
	 * (the finer of this second's and the last second's rates) */
	mask = (1u << (lc->pin_k < lc->pin_k_prev ? lc->pin_k
						  : lc->pin_k_prev)) -
	       1;
	/* nothing pending: nothing to time (only a buffer_id without
	 * sampling can be an orphan) */
	if (!lc->n && (mask || !m->dec.has_buffer_id ||
		       m->dec.buffer_id == OFP_NO_BUFFER))
		return;
	if (m->dec.has_buffer_id && m->dec.buffer_id != OFP_NO_BUFFER) {
		key = K_BUF | m->dec.buffer_id;
		by = O_BY_BUF;
		if (sel_bits(key) & mask)
			return;
	} else if (pout) {
		if (!frame_sel(m, &sel) || (sel & mask) || !frame_hash(m, &h))
			return; /* not captured, or not measured */
		key = K_DATA | (h >> 2);
		by = O_BY_DATA;
	} else {
		return;
	}
	i = req_find(lc, key, OFX_LAT_PACKET_IN, m->ts_ns);
	if (i < 0) {
		/* an unknown buffer_id is an orphan unless sampling may have
		 * left its PACKET_IN out */
		if (by == O_BY_BUF && !lc->pin_k && !lc->pin_k_prev &&
		    m->ts_ns >= l->shed_grace)
			outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
				O_ORPHAN, m->ts_ns);
		return;
	}
	dt = m->ts_ns - lc->tab[i].ts;
	if (dt > l->window) {
		outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
			O_UNREPLIED, m->ts_ns);
		if (by == O_BY_BUF)
			outcome(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
				O_ORPHAN, m->ts_ns);
	} else {
		sample(l, lc, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH, dt,
		       m->ts_ns, (int)by);
	}
	tab_del(lc, (uint32_t)i);
	l->st->pending--;
}

static void on_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_latency *l = ctx;
	struct lconn *lc = m->conn->lat;
	struct cls k;
	uint32_t sel;
	uint64_t h;

	l->nmsgs++;
	if (!lc || m->version >= OFX_NVERSIONS || m->type >= OFX_NTYPES)
		return;
	k = cls_of[m->version][m->type];
	if (k.role == R_NONE)
		return;
	/* shedding: every message costs a compare, no more */
	if (__builtin_expect(l->st->shedding != 0, 0)) {
		if (k.role == R_PIN)
			l->st->pin_unsampled++;
		else if (k.role < R_PIN)
			l->st->shed_dropped++; /* a request or reply */
		return;
	}
	if (m->ts_ns > l->now)
		l->now = m->ts_ns;
	/* the switch now, while the switches consumer has its record (at
	 * close it is gone before this consumer sees the close) */
	if (__builtin_expect(!lc->sw_known, 0))
		scope_of(l, lc);
	if (lc->n && m->ts_ns > lc->oldest + l->window + l->window / 4)
		sweep(l, lc, m->ts_ns, SWEEP_EXPIRED);
	if (lc->nearly && m->ts_ns > lc->early[0].ts + l->window)
		early_expire(l, lc, m->ts_ns, false);
	switch (k.role) {
	case R_REQ:
		req_add(l, lc, xid_key(m->dir, m->xid), k.kind,
			from_of_dir(m->dir), m->ts_ns);
		if (__builtin_expect(lc->nearly != 0, 0))
			early_match(l, lc, m->dir, m->xid, k.kind, m->ts_ns);
		break;
	case R_REP:
		on_reply(l, lc, m, k.kind);
		break;
	case R_ERROR:
		on_reply(l, lc, m, 0xff);
		break;
	case R_PIN:
		if (m->dir != OFX_DIR_IN)
			break;
		if (m->dec.has_buffer_id && m->dec.buffer_id != OFP_NO_BUFFER) {
			h = K_BUF | m->dec.buffer_id;
			if (pin_sampled(l, lc, sel_bits(h), m->ts_ns))
				req_add(l, lc, h, OFX_LAT_PACKET_IN,
					OFX_LAT_FROM_SWITCH, m->ts_ns);
			break;
		}
		if (__builtin_expect(l->st->shedding != 0, 0)) {
			pin_sampled(l, lc, 0, m->ts_ns); /* counts it */
			break;
		}
		if (!frame_sel(m, &sel)) {
			l->st->unmatchable++;
			break;
		}
		if (!pin_sampled(l, lc, sel, m->ts_ns) || !frame_hash(m, &h))
			break; /* not measured: no frame hash */
		h = K_DATA | (h >> 2);
		req_add(l, lc, h, OFX_LAT_PACKET_IN, OFX_LAT_FROM_SWITCH,
			m->ts_ns);
		break;
	case R_POUT:
	case R_FMOD:
		on_pin_response(l, lc, m, k.role == R_POUT);
		break;
	}
}

/* Add series @from into @to and empty @from (kept allocated: connections
 * cache pointers to it), both moved on to @l->now first so that their
 * slots line up. */
static void series_move(struct ofx_latency *l, struct series *from,
			struct ofx_hist_pool *fpool, struct series *to,
			struct ofx_hist_pool *tpool)
{
	rings_at(from, l->now, fpool);
	rings_at(to, l->now, tpool);
	coarse_advance(from, l->now / COARSE_NS, fpool);
	coarse_advance(to, l->now / COARSE_NS, tpool);
	ofx_hist_add(&to->all, &from->all, tpool);
	counts_add(&to->c, &from->c);
	for (unsigned int i = 0; i < FINE_N + COARSE_N; i++) {
		struct slot **a =
			i < FINE_N ? &from->fine[i] : &from->coarse[i - FINE_N];
		struct slot **b =
			i < FINE_N ? &to->fine[i] : &to->coarse[i - FINE_N];

		if (*a && slot_get(b, tpool) &&
		    !ofx_hist_add(&(*b)->h, &(*a)->h, tpool))
			counts_add(&(*b)->c, &(*a)->c);
		slot_clear(a, fpool);
	}
	ofx_hist_reset(&from->all, fpool);
	memset(&from->c, 0, sizeof(from->c));
}

/* Move everything of scope @from (an address) into @to (a datapath_id). */
static void scope_move(struct ofx_latency *l, struct scope *from,
		       struct scope *to)
{
	for (int k = 0; k < OFX_LAT_NKINDS; k++)
		for (int f = 0; f < OFX_LAT_NFROM; f++) {
			struct series *a = from->s[k][f], *b;

			if (!a || !(b = series_get(to, k, f)))
				continue;
			series_move(l, a, from->pool, b, to->pool);
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
	free(lc->early);
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
		if (lc) {
			struct scope *old = lc->sw_known ? lc->sw : NULL, *sc;

			lc->sw_known = false;
			sc = scope_of(l, lc);
			/* what it measured under its address moves to its
			 * datapath_id, as the switches consumer moves its
			 * counts */
			if (old && sc && old != sc && strncmp(old->id, "0x", 2))
				scope_move(l, old, sc);
		}
		break;
	case OF_CONN_CLOSE:
		if (!lc)
			return;
		sweep(l, lc, l->now, SWEEP_ALL);
		early_expire(l, lc, l->now, true);
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
	if (!hash_seed && getrandom(&hash_seed, sizeof(hash_seed), 0) < 0)
		hash_seed = (uint64_t)(uintptr_t)l ^ 0x5bd1e995ull;
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
	l->none.pool = &l->gpool;
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
	for (struct lconn *lc = l->conns; lc; lc = lc->next) {
		if (lc->n && lc->oldest + l->window + l->window / 4 < l->now)
			sweep(l, lc, l->now, SWEEP_EXPIRED);
		if (lc->nearly && lc->early[0].ts + l->window < l->now)
			early_expire(l, lc, l->now, false);
	}
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	l->st->hist_dropped = l->gpool.dropped + l->spool.dropped;
}

void ofx_latency_set_lag(struct ofx_latency *l, uint64_t lag_ns,
			 uint64_t now_ns)
{
	uint64_t dt = now_ns - l->lag_at;

	/* messages a second over the last 10 ms or more (a lag at a low
	 * rate is the capture's batching, not a backlog; within one batch
	 * the rate between two calls means nothing) */
	if (!l->lag_at || now_ns < l->lag_at) {
		l->lag_at = now_ns;
		l->lag_msgs = l->nmsgs;
	} else if (dt >= 10000000ull) {
		l->lag_rate = (l->nmsgs - l->lag_msgs) * 1000000000ull / dt;
		l->lag_at = now_ns;
		l->lag_msgs = l->nmsgs;
	}
	if (!l->st->shedding && lag_ns > OFX_LAT_LAG_HIGH_NS &&
	    l->lag_rate > OFX_LAT_SHED_MIN_RATE) {
		l->st->shedding = 1;
		l->st->shed_periods++;
		/* their replies are not looked up while shedding: drop the
		 * pending requests and the waiting replies (shed_dropped,
		 * not unreplied, not orphans) */
		for (struct lconn *lc = l->conns; lc; lc = lc->next) {
			sweep(l, lc, l->now, SWEEP_SHED);
			l->st->shed_dropped += lc->nearly;
			lc->nearly = 0;
		}
	} else if (l->st->shedding && lag_ns < OFX_LAT_LAG_LOW_NS) {
		l->st->shedding = 0;
		/* replies to requests sent while shedding come for up to a
		 * window: not orphans */
		l->shed_grace = l->now + l->window;
	}
}

void ofx_latency_finish(struct ofx_latency *l)
{
	for (struct lconn *lc = l->conns; lc; lc = lc->next) {
		sweep(l, lc, l->now, SWEEP_ALL);
		early_expire(l, lc, l->now, true);
	}
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	l->st->hist_dropped = l->gpool.dropped + l->spool.dropped;
}

static void series_free(struct series *s, struct ofx_hist_pool *pool)
{
	if (!s)
		return;
	ofx_hist_reset(&s->all, pool);
	for (unsigned int i = 0; i < FINE_N; i++)
		slot_clear(&s->fine[i], pool);
	for (unsigned int i = 0; i < COARSE_N; i++)
		slot_clear(&s->coarse[i], pool);
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
	scope_free(&l->none);
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

/* Overall figures being summed: per kind x requester x window. */
struct acc {
	struct ofx_hist h[OFX_LAT_NWINDOWS][OFX_LAT_NKINDS][OFX_LAT_NFROM];
	struct ofx_hist_pool pool;
};

/* Window views of @s at @now into @v[kind][from], and added to @acc. */
static void series_view(struct series *s, uint64_t now,
			struct ofx_hist_pool *pool, struct ofx_lat_view *v,
			unsigned int kind, unsigned int from, struct acc *acc,
			struct ofx_lat_view *g)
{
	struct ofx_lat_entry *e[OFX_LAT_NWINDOWS];
	struct ofx_hist_pool tmp = {0};
	struct ofx_hist m[OFX_LAT_NWINDOWS];
	const struct slot *cur;

	for (int w = 0; w < OFX_LAT_NWINDOWS; w++) {
		e[w] = &v->e[w][kind][from];
		ofx_hist_init(&m[w]);
	}
	e[OFX_LAT_ALL]->c = s->c;
	/* move both rings on to now: slots too old are emptied */
	rings_at(s, now, pool);
	coarse_advance(s, now / COARSE_NS, pool);
	cur = SLOT(s->fine[s->fine_epoch % FINE_N]);
	for (unsigned int i = 0; i < FINE_N; i++) {
		ofx_hist_add(&m[OFX_LAT_10S], &SLOT(s->fine[i])->h, &tmp);
		counts_add(&e[OFX_LAT_10S]->c, &SLOT(s->fine[i])->c);
	}
	for (unsigned int i = 0; i < COARSE_N; i++) {
		ofx_hist_add(&m[OFX_LAT_60S], &SLOT(s->coarse[i])->h, &tmp);
		counts_add(&e[OFX_LAT_60S]->c, &SLOT(s->coarse[i])->c);
	}
	ofx_hist_add(&m[OFX_LAT_60S], &cur->h, &tmp);
	counts_add(&e[OFX_LAT_60S]->c, &cur->c);
	/* matched_by_* are cumulative only */
	for (int w = OFX_LAT_10S; w < OFX_LAT_NWINDOWS; w++)
		e[w]->c.by_buffer_id = e[w]->c.by_data = 0;
	for (int w = 0; w < OFX_LAT_NWINDOWS; w++) {
		const struct ofx_hist *h = w == OFX_LAT_ALL ? &s->all : &m[w];

		if (v != g)
			ofx_hist_summarize(h, &e[w]->h);
		ofx_hist_add(&acc->h[w][kind][from], h, &acc->pool);
		counts_add(&g->e[w][kind][from].c, &e[w]->c);
		ofx_hist_reset(&m[w], &tmp);
	}
}

static void scope_view(struct scope *sc, uint64_t now, struct ofx_lat_view *v,
		       struct acc *acc, struct ofx_lat_view *g)
{
	struct ofx_lat_view junk;

	if (v == g) /* @l->none: into the overall figures only */
		v = &junk;
	memset(v, 0, sizeof(*v));
	for (int k = 0; k < OFX_LAT_NKINDS; k++)
		for (int f = 0; f < OFX_LAT_NFROM; f++)
			if (sc->s[k][f])
				series_view(sc->s[k][f], now, sc->pool, v, k, f,
					    acc, g);
}

/* The cumulative buckets of @h into @b. */
static void buckets_of(const struct ofx_hist *h, struct ofx_lat_buckets *b)
{
	uint64_t bound[OFX_LAT_NBOUNDS];

	b->count = h->count;
	b->sum_ns = h->sum;
	for (unsigned int i = 0; i < OFX_LAT_NBOUNDS; i++)
		bound[i] = ofx_lat_bound_ns(i);
	ofx_hist_counts_below(h, bound, OFX_LAT_NBOUNDS, b->below);
}

struct ofx_lat_views *ofx_latency_views(struct ofx_latency *l, uint64_t now_ns)
{
	struct ofx_lat_views *v = calloc(1, sizeof(*v));
	uint64_t now = now_ns > l->now ? now_ns : l->now;
	struct acc *acc = calloc(1, sizeof(*acc));

	if (!v || !acc)
		goto fail;
	v->sw_id = calloc(l->nscopes + 1, sizeof(*v->sw_id));
	v->sw = calloc(l->nscopes + 1, sizeof(*v->sw));
	if (!v->sw_id || !v->sw)
		goto fail;
	for (int w = 0; w < OFX_LAT_NWINDOWS; w++)
		for (int k = 0; k < OFX_LAT_NKINDS; k++)
			for (int f = 0; f < OFX_LAT_NFROM; f++)
				ofx_hist_init(&acc->h[w][k][f]);
	scope_view(&l->none, now, &v->global, acc, &v->global);
	for (unsigned int i = 0; i < l->nscopes; i++) {
		memcpy(v->sw_id[i], l->scopes[i]->id, sizeof(v->sw_id[i]));
		scope_view(l->scopes[i], now, &v->sw[i], acc, &v->global);
	}
	for (int w = 0; w < OFX_LAT_NWINDOWS; w++)
		for (int k = 0; k < OFX_LAT_NKINDS; k++)
			for (int f = 0; f < OFX_LAT_NFROM; f++) {
				ofx_hist_summarize(&acc->h[w][k][f],
						   &v->global.e[w][k][f].h);
				if (w == OFX_LAT_ALL)
					buckets_of(&acc->h[w][k][f],
						   &v->buckets[k][f]);
				ofx_hist_reset(&acc->h[w][k][f], &acc->pool);
			}
	free(acc);
	v->nsw = l->nscopes;
	v->window_ns = l->window;
	l->st->hist_bytes = l->gpool.bytes + l->spool.bytes;
	return v;
fail:
	free(acc);
	ofx_lat_views_free(v);
	return NULL;
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
