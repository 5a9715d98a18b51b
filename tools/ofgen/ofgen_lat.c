// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen latency: samples per request kind and requesting side with exact
 * nearest-rank percentiles, the requests this role sent and waits for
 * (matched by xid, buffer_id or frame), and the "latency" JSON object in
 * ofxdp's shape.
 *
 * "answer" (requests this role answered): from the read() that completed
 * the request to the write() that took the answer's last byte.
 * "round_trip" (requests this role sent): from the write() that took the
 * request's last byte to the read() that completed the reply.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ofgen.h"

#define SAMPLE_CAP (4u << 20) /* samples kept per series, then reservoir */
#define SAMPLE_CAP0 4096
#define PEND_CAP (1u << 20) /* tracked requests per kind and connection */
#define PEND_CAP0 64

struct series {
	uint64_t count; /* samples, also those the reservoir dropped */
	uint64_t unreplied, untracked;
	uint64_t min, max;
	unsigned __int128 sum;
	uint64_t *v; /* kept samples */
	size_t n, cap;
};

static struct series ser[OFG_LK_MAX][2];
static bool lat_ctl;
static uint64_t rng_state;
bool ofg_lat_on = true;

void ofg_lat_init(bool controller, bool on, uint64_t seed)
{
	lat_ctl = controller;
	ofg_lat_on = on;
	rng_state = seed;
}

uint64_t ofg_rand(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static enum ofg_side self(void)
{
	return lat_ctl ? OFG_SIDE_CONTROLLER : OFG_SIDE_SWITCH;
}

static enum ofg_side peer(void)
{
	return lat_ctl ? OFG_SIDE_SWITCH : OFG_SIDE_CONTROLLER;
}

void ofg_lat_sample(enum ofg_lk k, enum ofg_side from, uint64_t ns)
{
	struct series *s = &ser[k][from];

	if (!ofg_lat_on)
		return;
	if (ns > OFG_LAT_WINDOW_NS) {
		s->unreplied++;
		return;
	}
	if (!s->count || ns < s->min)
		s->min = ns;
	if (ns > s->max)
		s->max = ns;
	s->count++;
	s->sum += ns;
	if (s->n == s->cap && s->cap < SAMPLE_CAP) {
		size_t cap = s->cap ? 2 * s->cap : SAMPLE_CAP0;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));

		if (v) {
			s->v = v;
			s->cap = cap;
		}
	}
	if (s->n < s->cap) {
		s->v[s->n++] = ns;
	} else if (s->n) { /* reservoir sampling (algorithm R) */
		uint64_t j = ofg_rand_below(s->count);

		if (j < s->n)
			s->v[j] = ns;
	}
}

void ofg_lat_unreplied(enum ofg_lk k, enum ofg_side from, uint64_t n)
{
	if (ofg_lat_on)
		ser[k][from].unreplied += n;
}

/* ---- pending requests ---- */

static struct ofg_pend *pend_of(struct ofg_conn *c, enum ofg_lk k)
{
	return &c->pend[k == OFG_LK_MULTIPART_COMPLETE ? OFG_LK_MULTIPART : k];
}

static struct ofg_pend_ent *ent(const struct ofg_pend *p, uint64_t i)
{
	return &p->e[i & (p->cap - 1)];
}

static void unreplied_ent(enum ofg_lk k, const struct ofg_pend_ent *e)
{
	if (k == OFG_LK_MULTIPART) {
		if (!(e->flags & OFG_PEND_FIRST))
			ofg_lat_unreplied(OFG_LK_MULTIPART, self(), 1);
		ofg_lat_unreplied(OFG_LK_MULTIPART_COMPLETE, self(), 1);
	} else {
		ofg_lat_unreplied(k, self(), 1);
	}
}

/* Retire answered entries, and written ones older than the window. */
static void pend_prune(struct ofg_pend *p, enum ofg_lk k, uint64_t now)
{
	while (p->head < p->stamp) {
		struct ofg_pend_ent *e = ent(p, p->head);

		if (!(e->flags & OFG_PEND_DONE)) {
			if (now <= e->t_sent + OFG_LAT_WINDOW_NS)
				break;
			unreplied_ent(k, e);
		}
		p->head++;
	}
}

static int pend_grow(struct ofg_pend *p)
{
	size_t cap = p->cap ? 2 * p->cap : PEND_CAP0;
	struct ofg_pend_ent *e = malloc(cap * sizeof(*e));
	uint64_t i, n = p->tail - p->head;

	if (!e)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		e[i] = *ent(p, p->head + i);
	free(p->e);
	p->e = e;
	p->cap = cap;
	p->stamp -= p->head;
	p->retry = p->retry > p->head ? p->retry - p->head : 0;
	p->hint = 0;
	p->tail = n;
	p->head = 0;
	return 0;
}

/*
 * Drop answered entries behind an unanswered head (order kept); returns
 * how many were dropped.
 */
static uint64_t pend_compact(struct ofg_pend *p)
{
	uint64_t i, w = p->head, stamp = p->stamp;

	for (i = p->head; i < p->tail; i++) {
		struct ofg_pend_ent *e = ent(p, i);

		if (i < p->stamp && (e->flags & OFG_PEND_DONE)) {
			stamp--;
			continue;
		}
		if (w != i)
			*ent(p, w) = *e;
		w++;
	}
	i = p->tail - w;
	p->stamp = stamp;
	p->tail = w;
	p->hint = 0;
	return i;
}

/* Make room for one entry: compact, grow; false if the limit is hit. */
static bool pend_room(struct ofg_pend *p)
{
	uint64_t freed;

	if (p->tail - p->head < p->cap)
		return true;
	if (!p->cap)
		return !pend_grow(p);
	if (p->tail < p->retry) /* the last compaction freed little */
		return false;
	freed = pend_compact(p);
	if (freed >= p->cap / 4)
		return true;
	if (p->cap < PEND_CAP && !pend_grow(p))
		return true;
	p->retry = p->tail + p->cap / 8;
	return freed > 0;
}

bool ofg_pend_push(struct ofg_conn *c, enum ofg_lk k, uint32_t key,
		   uint8_t flags, uint64_t now_ns)
{
	struct ofg_pend *p = pend_of(c, k);
	struct ofg_pend_ent *e;

	if (!ofg_lat_on)
		return false;
	pend_prune(p, k, now_ns);
	if (!pend_room(p)) {
		ser[k][self()].untracked++;
		return false;
	}
	e = ent(p, p->tail++);
	e->t_sent = 0;
	e->key = key;
	e->flags = flags;
	return true;
}

struct ofg_pend_ent *ofg_pend_find(struct ofg_conn *c, enum ofg_lk k,
				   uint32_t key)
{
	struct ofg_pend *p = pend_of(c, k);
	uint64_t lo = p->head, hi = p->stamp;
	uint32_t base, d;

	if (lo == hi)
		return NULL;
	/* answers mostly come in order: try the entry after the last match */
	if (p->hint > lo && p->hint < hi && ent(p, p->hint)->key == key) {
		lo = p->hint;
		goto found;
	}
	/* keys increase modulo 2^32: compare their distance from the head */
	base = ent(p, lo)->key;
	d = key - base;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if ((uint32_t)(ent(p, mid)->key - base) < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->stamp || ent(p, lo)->key != key)
		return NULL;
found:
	if (ent(p, lo)->flags & OFG_PEND_DONE)
		return NULL;
	p->hint = lo + 1;
	return ent(p, lo);
}

struct ofg_pend_ent *ofg_pend_find_if(struct ofg_conn *c, enum ofg_lk k,
				      bool (*pred)(const struct ofg_pend_ent *e,
						   void *arg),
				      void *arg)
{
	struct ofg_pend *p = pend_of(c, k);
	uint64_t i;

	for (i = p->head; i < p->stamp; i++) {
		struct ofg_pend_ent *e = ent(p, i);

		if (!(e->flags & OFG_PEND_DONE) && pred(e, arg))
			return e;
	}
	return NULL;
}

void ofg_pend_answered(struct ofg_conn *c, enum ofg_lk k,
		       struct ofg_pend_ent *e, bool last)
{
	uint64_t ns = c->rx_ns > e->t_sent ? c->rx_ns - e->t_sent : 0;

	if (k == OFG_LK_MULTIPART) {
		if (!(e->flags & OFG_PEND_FIRST)) {
			ofg_lat_sample(OFG_LK_MULTIPART, self(), ns);
			e->flags |= OFG_PEND_FIRST;
		}
		if (!last)
			return;
		ofg_lat_sample(OFG_LK_MULTIPART_COMPLETE, self(), ns);
	} else {
		ofg_lat_sample(k, self(), ns);
	}
	e->flags |= OFG_PEND_DONE;
	pend_prune(pend_of(c, k), k, c->rx_ns);
}

void ofg_lat_written(struct ofg_conn *c, const struct ofg_txrec *r,
		     uint64_t now_ns)
{
	enum ofg_lk k = r->lat & OFG_LAT_KIND;

	if (r->lat & OFG_LAT_ANSWER) {
		uint64_t ns = now_ns > r->t_ns ? now_ns - r->t_ns : 0;

		ofg_lat_sample(k, peer(), ns);
		if (r->lat & OFG_LAT_LAST)
			ofg_lat_sample(OFG_LK_MULTIPART_COMPLETE, peer(), ns);
	} else if (r->lat & OFG_LAT_REQUEST) {
		struct ofg_pend *p = pend_of(c, k);

		if (p->stamp < p->tail)
			ent(p, p->stamp++)->t_sent = now_ns ? now_ns : 1;
	}
}

static void answer_lost(uint8_t lat)
{
	if (!(lat & OFG_LAT_ANSWER))
		return;
	ofg_lat_unreplied(lat & OFG_LAT_KIND, peer(), 1);
	if (lat & OFG_LAT_LAST)
		ofg_lat_unreplied(OFG_LK_MULTIPART_COMPLETE, peer(), 1);
}

void ofg_lat_conn_end(struct ofg_conn *c)
{
	uint64_t i;
	int k;

	if (c->recs)
		for (i = c->rec_head; i < c->rec_tail; i++) {
			struct ofg_txrec *r = &c->recs[i & c->rec_mask];

			answer_lost(r->lat);
			r->lat = 0;
		}
	for (i = c->dm_head; i < c->dm_tail; i++) {
		struct ofg_dmsg *d = &c->dm[i & (c->dm_cap - 1)];

		answer_lost(d->lat);
		d->lat = 0;
	}
	for (k = 0; k < OFG_LK_MAX; k++) {
		struct ofg_pend *p = &c->pend[k];

		for (i = p->head; i < p->stamp; i++)
			if (!(ent(p, i)->flags & OFG_PEND_DONE))
				unreplied_ent(k, ent(p, i));
		free(p->e);
		memset(p, 0, sizeof(*p));
	}
}

/* ---- JSON ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the value of rank ceil(permille / 1000 * n). */
static json_t *pct(const struct series *s, uint64_t permille)
{
	uint64_t rank = (permille * s->n + 999) / 1000;

	if (!s->n)
		return json_null();
	return json_integer((json_int_t)s->v[rank ? rank - 1 : 0]);
}

static json_t *series_json(struct series *s, const char *measured)
{
	json_t *o = json_object();
	bool any = s->count > 0;

	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	json_object_set_new(o, "measured", json_string(measured));
	json_object_set_new(o, "count", json_integer((json_int_t)s->count));
	json_object_set_new(o, "unreplied",
			    json_integer((json_int_t)s->unreplied));
	if (s->untracked)
		json_object_set_new(o, "untracked",
				    json_integer((json_int_t)s->untracked));
	json_object_set_new(o, "min_ns",
			    any ? json_integer((json_int_t)s->min)
				: json_null());
	json_object_set_new(o, "p50_ns", pct(s, 500));
	json_object_set_new(o, "p90_ns", pct(s, 900));
	json_object_set_new(o, "p99_ns", pct(s, 990));
	json_object_set_new(o, "p999_ns", pct(s, 999));
	json_object_set_new(o, "max_ns",
			    any ? json_integer((json_int_t)s->max)
				: json_null());
	json_object_set_new(o, "mean_ns",
			    any ? json_integer((json_int_t)(s->sum / s->count))
				: json_null());
	json_object_set_new(o, "samples_kept", json_integer((json_int_t)s->n));
	return o;
}

void *ofg_lat_json(void)
{
	static const char *const side[2] = {"controller", "switch"};
	json_t *o = json_object();
	int k, f;

	for (k = 0; k < OFG_LK_MAX; k++) {
		json_t *ko = NULL;

		for (f = 0; f < 2; f++) {
			struct series *s = &ser[k][f];

			if (!s->count && !s->unreplied && !s->untracked)
				continue;
			if (!ko)
				ko = json_object();
			json_object_set_new(
				ko, side[f],
				series_json(s, f == (int)self() ? "round_trip"
								: "answer"));
		}
		if (ko)
			json_object_set_new(o, ofg_lk_name(k), ko);
	}
	return o;
}
