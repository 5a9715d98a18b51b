// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * switches.c - per-connection counts, switch records, connection history
 * and their views (see switches.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/switches.h"

/* Entries of a subtype table cached per connection and direction. */
#define SUB_CACHE 2

/* A switch record: identity and the counts of its closed connections,
 * sparse (v's tables are unused here). */
struct sw {
	struct ofx_switch_view v; /* identity, connections, times, totals */
	unsigned int idx; /* its index in the views being built */
	uint8_t family;
	uint32_t addr[4]; /* keys an address record (no datapath_id) */
	struct ofx_subtab *types; /* per-type counts (ofx_typecount_id()) */
	/* subtypes of its closed connections and of its open connections
	 * counted here directly; grows to OFX_SWITCH_SUBTYPES entries */
	struct ofx_subtab *sub;
	uint32_t sub_gen; /* bumped when sub grows (its entries move) */
	uint64_t rate_ts; /* when the rate base was taken (0: not yet) */
	struct ofx_count rate_total[OFX_NDIRS]; /* the base of rates: */
	struct ofx_subtab *rate_types; /* its view's counts then (a list) */
};

/* The analysis state of one open connection (struct of_conn.stats). */
struct cstat {
	struct of_conn *c;
	struct cstat *prev, *next; /* list of open connections */
	struct sw *sw;
	bool direct; /* its record has a datapath_id: subtypes count there */
	uint32_t sgen; /* sw->sub_gen that scache's entries belong to */
	/* recently used entries of the global table and of the table its
	 * subtypes count in, per direction */
	struct ofx_subcount *gcache[OFX_NDIRS][SUB_CACHE];
	struct ofx_subcount *scache[OFX_NDIRS][SUB_CACHE];
	uint64_t msgs;
	/* version counted under each type and direction (a HELLO may carry
	 * another version than the session's, each side its own) */
	uint8_t ver[OFX_NTYPES][OFX_NDIRS];
	struct ofx_count type[OFX_NTYPES][OFX_NDIRS];
	struct ofx_count
		invalid[OFX_NDIRS]; /* types invalid in their version */
	struct ofx_count mixed[OFX_NDIRS]; /* a type seen in a second version */
	/* its subtypes while not direct (OFX_CONN_SUBTYPES entries, made at
	 * the first one) */
	struct ofx_subtab *sub;
};

struct ofx_switches {
	struct of_msg_sink sink;
	struct ofx_subtab *global; /* the global subtype table */
	const struct ofx_names *names;
	struct ofx_switches_stats *st;
	struct sw *sw[OFX_MAX_SWITCHES];
	unsigned int nsw;
	struct cstat *open;
	struct ofx_conn_view *hist; /* ring of closed connections */
	unsigned int hcap, hn, hnext;
};

/* The switch half of @c: decided, else the port rule. */
static int switch_half(const struct of_conn *c)
{
	if (c->switch_half >= 0)
		return c->switch_half;
	return c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1;
}

/* The datapath_id @c is known by: its own, else the map's for its address. */
static bool conn_dpid(const struct ofx_switches *s, const struct of_conn *c,
		      const uint32_t *sw_addr, uint64_t *dpid, uint8_t *src)
{
	const struct ofx_name *n;

	if (c->has_dpid) {
		*dpid = c->datapath_id;
		*src = c->dpid_source;
		return true;
	}
	n = ofx_names_by_addr(s->names, c->tcp->key.family, sw_addr);
	if (n && n->has_dpid) {
		*dpid = n->datapath_id;
		*src = OF_DPID_MAP;
		return true;
	}
	return false;
}

static void fmt_addr(uint8_t family, const uint32_t *addr, char *buf,
		     size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

static void fill_conn_view(const struct ofx_switches *s,
			   const struct of_conn *c, struct ofx_conn_view *v)
{
	const struct ofx_conn *t = c->tcp;
	int sh = switch_half(c);
	const struct ofx_name *n = NULL;

	memset(v, 0, sizeof(*v));
	v->id = t->id;
	v->family = t->key.family;
	if (sh == 0) {
		memcpy(v->sw_addr, t->key.saddr, sizeof(v->sw_addr));
		memcpy(v->ctl_addr, t->key.daddr, sizeof(v->ctl_addr));
		v->sw_port = t->key.sport;
		v->ctl_port = t->key.dport;
	} else {
		memcpy(v->sw_addr, t->key.daddr, sizeof(v->sw_addr));
		memcpy(v->ctl_addr, t->key.saddr, sizeof(v->ctl_addr));
		v->sw_port = t->key.dport;
		v->ctl_port = t->key.sport;
	}
	v->has_dpid =
		conn_dpid(s, c, v->sw_addr, &v->datapath_id, &v->dpid_source);
	v->has_aux = c->has_aux;
	v->auxiliary_id = c->auxiliary_id;
	if (v->has_dpid)
		n = ofx_names_by_dpid(s->names, v->datapath_id);
	if (!n)
		n = ofx_names_by_addr(s->names, v->family, v->sw_addr);
	if (n)
		snprintf(v->name, sizeof(v->name), "%s", n->name);
	v->version = c->version;
	v->role_source = c->role_source;
	v->close_reason = t->close_reason;
	v->midstream = t->midstream;
	v->first_ns = t->first_ns;
	v->last_ns = t->last_ns;
	memcpy(v->cnt, c->cnt, sizeof(v->cnt));
	memcpy(v->tcp, c->tcp_cnt, sizeof(v->tcp));
	v->protocol = of_conn_protocol(c);
	memcpy(v->tls, c->tls, sizeof(v->tls));
	memcpy(v->unverified, c->unverified, sizeof(v->unverified));
}

static struct sw *sw_find(struct ofx_switches *s, bool has_dpid, uint64_t dpid,
			  uint8_t family, const uint32_t *addr)
{
	for (unsigned int i = 0; i < s->nsw; i++) {
		struct sw *w = s->sw[i];

		if (has_dpid ? (w->v.has_dpid && w->v.datapath_id == dpid)
			     : (!w->v.has_dpid && w->family == family &&
				!memcmp(w->addr, addr, sizeof(w->addr))))
			return w;
	}
	return NULL;
}

/* The switch record of open connection @cs, found or created. */
static struct sw *sw_for(struct ofx_switches *s, struct cstat *cs)
{
	struct ofx_conn_view v;
	const struct ofx_name *n = NULL;
	struct sw *w;

	fill_conn_view(s, cs->c, &v);
	w = sw_find(s, v.has_dpid, v.datapath_id, v.family, v.sw_addr);
	if (!w) {
		if (s->nsw == OFX_MAX_SWITCHES) {
			s->st->switches_overflow++;
			return NULL;
		}
		w = calloc(1, sizeof(*w));
		if (!w) {
			s->st->switches_overflow++;
			return NULL;
		}
		w->family = v.family;
		memcpy(w->addr, v.sw_addr, sizeof(w->addr));
		w->v.has_dpid = v.has_dpid;
		w->v.datapath_id = v.datapath_id;
		w->v.dpid_source = v.dpid_source;
		if (v.has_dpid) {
			snprintf(w->v.id, sizeof(w->v.id), "0x%016" PRIx64,
				 v.datapath_id);
			n = ofx_names_by_dpid(s->names, v.datapath_id);
		} else {
			fmt_addr(v.family, v.sw_addr, w->v.id, sizeof(w->v.id));
		}
		if (!n)
			n = ofx_names_by_addr(s->names, v.family, v.sw_addr);
		if (n)
			snprintf(w->v.name, sizeof(w->v.name), "%s", n->name);
		w->v.first_ns = v.first_ns;
		s->sw[s->nsw++] = w;
		s->st->switches = s->nsw;
	}
	fmt_addr(v.family, v.sw_addr, w->v.address, sizeof(w->v.address));
	if (v.has_dpid && v.dpid_source < w->v.dpid_source)
		w->v.dpid_source = v.dpid_source; /* better evidence */
	w->v.conns_total++;
	w->v.conns_open++;
	return w;
}

static void sw_free(struct sw *w)
{
	free(w->types);
	free(w->sub);
	free(w->rate_types);
	free(w);
}

/* Add the subtype entries of @t to @w's table (it may grow). */
static void sw_merge_sub(struct sw *w, const struct ofx_subtab *t)
{
	const struct ofx_subcount *e;
	struct ofx_subtab *before = w->sub;

	if (!t)
		return;
	e = ofx_subtab_centries(t);
	for (uint32_t i = 0; i < t->cap; i++)
		if (e[i].id)
			ofx_subtab_add_grow(&w->sub, OFX_SWITCH_SUBTYPES,
					    e[i].id, e[i].key, e[i].det,
					    e[i].c.msgs, e[i].c.bytes);
	if (w->sub)
		w->sub->overflow += t->overflow;
	if (w->sub != before)
		w->sub_gen++;
}

/* Detach open connection @cs from its record; a record left without any
 * connection (it only ever had this one) is freed. */
static void sw_detach(struct ofx_switches *s, struct cstat *cs)
{
	struct sw *w = cs->sw;

	if (!w)
		return;
	w->v.conns_open--;
	w->v.conns_total--;
	cs->sw = NULL;
	if (w->v.conns_total)
		return;
	for (unsigned int i = 0; i < s->nsw; i++) {
		if (s->sw[i] == w) {
			s->sw[i] = s->sw[--s->nsw];
			s->st->switches = s->nsw;
			sw_free(w);
			return;
		}
	}
}

/* Add the counts of @cs into @m (not its subtypes). Messages of a type
 * seen in a second version on the same connection (garbage, or a broken
 * peer) count in the totals only. */
static void add_conn_counts(const struct cstat *cs, struct ofx_msgcounts *m)
{
	uint8_t cv = cs->c->version < OFX_NVERSIONS ? cs->c->version : 0;

	for (int d = 0; d < OFX_NDIRS; d++) {
		for (int t = 0; t < OFX_NTYPES; t++) {
			const struct ofx_count *c = &cs->type[t][d];
			struct ofx_count *o = &m->of[cs->ver[t][d]][t][d];

			if (!c->msgs)
				continue;
			o->msgs += c->msgs;
			o->bytes += c->bytes;
		}
		m->invalid[cv][d].msgs += cs->invalid[d].msgs;
		m->invalid[cv][d].bytes += cs->invalid[d].bytes;
		m->total[d].msgs += cs->c->cnt[d].msgs;
		m->total[d].bytes += cs->c->cnt[d].bytes;
	}
}

/* Attach @cs to its switch record (found or created). Once that record
 * has a datapath_id the connection's subtypes move there and later ones are
 * counted there directly: one table lookup per message. */
static void attach(struct ofx_switches *s, struct cstat *cs)
{
	memset(cs->scache, 0, sizeof(cs->scache));
	cs->sw = sw_for(s, cs);
	if (cs->sw && cs->sw->v.has_dpid && !cs->direct) {
		sw_merge_sub(cs->sw, cs->sub);
		free(cs->sub);
		cs->sub = NULL;
		cs->direct = true;
	}
	if (cs->sw) {
		cs->sgen = cs->sw->sub_gen;
	} else {
		/* no record to count in (switches_overflow): its subtypes
		 * are counted globally only */
		free(cs->sub);
		cs->sub = NULL;
	}
}

/*
 * ofx_subtab_count() into the growable table *@tp (up to @max_cap
 * entries) through @cs's cache of @dir. A table that grows moves its
 * entries: @cs's cache is dropped then. Return: true if it moved.
 */
static bool grow_count(struct ofx_subtab **tp, uint32_t max_cap,
		       struct cstat *cs, uint8_t dir, uint32_t id, uint64_t key,
		       uint64_t det, uint64_t bytes)
{
	struct ofx_subcount **cache = cs->scache[dir], *e;
	struct ofx_subtab *before = *tp;

	for (unsigned int i = 0; i < SUB_CACHE; i++) {
		e = cache[i];
		if (e && e->id == id && e->key == key && e->det == det) {
			e->c.msgs++;
			e->c.bytes += bytes;
			return false;
		}
	}
	e = ofx_subtab_add_grow(tp, max_cap, id, key, det, 1, bytes);
	if (*tp != before)
		memset(cs->scache, 0, sizeof(cs->scache));
	if (e) {
		for (unsigned int i = SUB_CACHE - 1; i > 0; i--)
			cache[i] = cache[i - 1];
		cache[0] = e;
	}
	return *tp != before;
}

/* A subtype count of direct @cs in its record's table: other connections
 * cache entries of it too, so a move bumps its generation, and caches of
 * an older one are dropped. */
static void sw_sub_count(struct cstat *cs, uint8_t dir, uint32_t id,
			 uint64_t key, uint64_t det, uint64_t bytes)
{
	struct sw *w = cs->sw;

	if (cs->sgen != w->sub_gen) {
		memset(cs->scache, 0, sizeof(cs->scache));
		cs->sgen = w->sub_gen;
	}
	if (grow_count(&w->sub, OFX_SWITCH_SUBTYPES, cs, dir, id, key, det,
		       bytes))
		cs->sgen = ++w->sub_gen;
}

/* A subtype count of @cs while not direct, in its own table (made at the
 * first one, growing to OFX_CONN_SUBTYPES entries). */
static void conn_sub_count(struct ofx_switches *s, struct cstat *cs,
			   uint8_t dir, uint32_t id, uint64_t key, uint64_t det,
			   uint64_t bytes)
{
	grow_count(&cs->sub, OFX_CONN_SUBTYPES, cs, dir, id, key, det, bytes);
	if (!cs->sub)
		s->st->conn_stats_nomem++;
}

static void on_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_switches *s = ctx;
	struct cstat *cs = m->conn->stats;
	struct ofx_count *c;
	uint64_t key, det;
	uint32_t id;

	if (!cs)
		return;
	if (!cs->sw && !cs->msgs)
		attach(s, cs);
	cs->msgs++;
	if (m->flags & OF_MSG_INVALID_TYPE) {
		c = &cs->invalid[m->dir];
	} else if (cs->ver[m->type][m->dir] &&
		   cs->ver[m->type][m->dir] != m->version) {
		c = &cs->mixed[m->dir];
	} else {
		cs->ver[m->type][m->dir] = m->version;
		c = &cs->type[m->type][m->dir];
		if (ofx_sub_of(m, &id, &key, &det)) {
			ofx_subtab_count(s->global, cs->gcache[m->dir],
					 SUB_CACHE, id, key, det, m->bytes);
			/* a connection without a switch record (table
			 * full: switches_overflow) counts them globally */
			if (cs->direct)
				sw_sub_count(cs, m->dir, id, key, det,
					     m->bytes);
			else if (cs->sw)
				conn_sub_count(s, cs, m->dir, id, key, det,
					       m->bytes);
		}
	}
	c->msgs++;
	c->bytes += m->bytes;
}

static void conn_open(struct ofx_switches *s, struct of_conn *c)
{
	struct cstat *cs = malloc(sizeof(*cs));

	c->stats = cs;
	if (!cs) {
		s->st->conn_stats_nomem++;
		return;
	}
	memset(cs, 0, sizeof(*cs));
	cs->c = c;
	cs->next = s->open;
	if (s->open)
		s->open->prev = cs;
	s->open = cs;
}

/* Add the counts of closing connection @cs to its record @w. */
static void sw_add_conn(struct sw *w, const struct cstat *cs)
{
	struct ofx_msgcounts *m = calloc(1, sizeof(*m));

	if (m) {
		add_conn_counts(cs, m);
		ofx_msgcounts_add_to_tab(m, &w->types, OFX_SWITCH_TYPES);
		for (int d = 0; d < OFX_NDIRS; d++) {
			w->v.total[d].msgs += m->total[d].msgs;
			w->v.total[d].bytes += m->total[d].bytes;
		}
		free(m);
	}
	sw_merge_sub(w, cs->sub);
}

static void conn_close(struct ofx_switches *s, struct of_conn *c)
{
	struct cstat *cs = c->stats;
	struct ofx_conn_view *v;

	if (!cs)
		return;
	if (cs->sw) {
		sw_add_conn(cs->sw, cs);
		cs->sw->v.conns_open--;
		if (c->tcp->last_ns > cs->sw->v.last_ns)
			cs->sw->v.last_ns = c->tcp->last_ns;
	}
	if (s->hcap) {
		v = &s->hist[s->hnext];
		fill_conn_view(s, c, v);
		s->hnext = (s->hnext + 1) % s->hcap;
		if (s->hn < s->hcap)
			s->hn++;
	}
	if (cs->prev)
		cs->prev->next = cs->next;
	else
		s->open = cs->next;
	if (cs->next)
		cs->next->prev = cs->prev;
	free(cs->sub);
	free(cs);
	c->stats = NULL;
}

static void on_conn(void *ctx, struct of_conn *c, enum of_conn_event ev)
{
	struct ofx_switches *s = ctx;
	struct cstat *cs = c->stats;

	switch (ev) {
	case OF_CONN_OPEN:
		conn_open(s, c);
		break;
	case OF_CONN_IDENTIFIED:
		/* Move to the datapath_id's record with all it counted. */
		if (cs && cs->msgs && !cs->direct) {
			sw_detach(s, cs);
			attach(s, cs);
		}
		break;
	case OF_CONN_CLOSE:
		conn_close(s, c);
		break;
	}
}

struct ofx_switches *ofx_switches_new(const struct ofx_names *names,
				      unsigned int history,
				      struct ofx_subtab *global,
				      struct ofx_switches_stats *st)
{
	struct ofx_switches *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->hcap = history ? history : OFX_CONN_HISTORY_DEFAULT;
	s->hist = calloc(s->hcap, sizeof(*s->hist));
	if (!s->hist) {
		free(s);
		return NULL;
	}
	s->names = names;
	s->global = global;
	s->st = st;
	s->sink =
		(struct of_msg_sink){.msg = on_msg, .conn = on_conn, .ctx = s};
	return s;
}

const struct of_msg_sink *ofx_switches_sink(struct ofx_switches *s)
{
	return &s->sink;
}

unsigned int ofx_switches_conn_views(struct ofx_switches *s, bool state_open,
				     struct ofx_conn_view *out,
				     unsigned int max)
{
	unsigned int n = 0;

	if (state_open) {
		for (struct cstat *cs = s->open; cs && n < max; cs = cs->next)
			fill_conn_view(s, cs->c, &out[n++]);
		return n;
	}
	for (unsigned int i = 0; i < s->hn && n < max; i++) {
		unsigned int k = (s->hnext + s->hcap - s->hn + i) % s->hcap;

		out[n++] = s->hist[k];
	}
	return n;
}

bool ofx_switches_conn_id(void *s, const struct of_conn *c, char *buf)
{
	const struct cstat *cs = c->stats;

	(void)s;
	if (!cs || !cs->sw)
		return false;
	memcpy(buf, cs->sw->v.id, sizeof(cs->sw->v.id));
	return true;
}

unsigned int ofx_switches_count(const struct ofx_switches *s)
{
	return s->nsw;
}

void ofx_switch_view_release(struct ofx_switch_view *w)
{
	free(w->types);
	free(w->sub);
	free(w->rate_types);
	w->types = w->sub = w->rate_types = NULL;
}

void ofx_switch_view_counts(const struct ofx_switch_view *w,
			    struct ofx_switch_counts *out)
{
	memset(out, 0, sizeof(*out));
	ofx_msgcounts_add_tab(&out->m, w->types);
	ofx_msgcounts_add_tab(&out->rate_base, w->rate_types);
	for (int d = 0; d < OFX_NDIRS; d++) {
		out->m.total[d] = w->total[d];
		out->rate_base.total[d] = w->rate_total[d];
	}
}

/* A list of the per-type counts of @m (NULL on ENOMEM). */
static struct ofx_subtab *types_list(const struct ofx_msgcounts *m)
{
	struct ofx_subtab *t = NULL, *l;

	ofx_msgcounts_add_to_tab(m, &t, OFX_SWITCH_TYPES);
	l = ofx_subtab_list(t);
	free(t);
	return l;
}

int ofx_switch_view_set_counts(struct ofx_switch_view *w,
			       const struct ofx_msgcounts *m,
			       const struct ofx_msgcounts *rate_base,
			       const struct ofx_subtab *sub)
{
	static const struct ofx_msgcounts zero;

	ofx_switch_view_release(w);
	if (!rate_base)
		rate_base = &zero;
	w->types = types_list(m);
	w->rate_types = types_list(rate_base);
	w->sub = ofx_subtab_list(sub);
	for (int d = 0; d < OFX_NDIRS; d++) {
		w->total[d] = m->total[d];
		w->rate_total[d] = rate_base->total[d];
	}
	if (!w->types || !w->rate_types || !w->sub) {
		ofx_switch_view_release(w);
		return -ENOMEM;
	}
	return 0;
}

/* The view of record @w with its open connections @open[0..n): its own
 * tables (NULL where no memory: counts missing from that view only).
 * @m: room for the expansion. */
static void build_view(const struct sw *w, struct cstat *const *open,
		       unsigned int n, struct ofx_msgcounts *m,
		       struct ofx_switch_view *out)
{
	struct ofx_subtab *sub = NULL;

	*out = w->v;
	memset(m, 0, sizeof(*m));
	ofx_msgcounts_add_tab(m, w->types);
	memcpy(m->total, w->v.total, sizeof(m->total));
	if (w->sub) {
		sub = ofx_subtab_new(w->sub->cap);
		if (sub)
			ofx_subtab_merge(sub, w->sub);
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct cstat *cs = open[i];
		const struct ofx_subcount *e;

		add_conn_counts(cs, m);
		if (cs->c->tcp->last_ns > out->last_ns)
			out->last_ns = cs->c->tcp->last_ns;
		if (!cs->sub)
			continue;
		e = ofx_subtab_centries(cs->sub);
		for (uint32_t k = 0; k < cs->sub->cap; k++)
			if (e[k].id)
				ofx_subtab_add_grow(&sub, OFX_SWITCH_SUBTYPES,
						    e[k].id, e[k].key, e[k].det,
						    e[k].c.msgs, e[k].c.bytes);
		if (sub)
			sub->overflow += cs->sub->overflow;
	}
	memcpy(out->total, m->total, sizeof(out->total));
	out->types = types_list(m);
	out->sub = ofx_subtab_list(sub);
	free(sub);
}

unsigned int ofx_switches_views(struct ofx_switches *s,
				struct ofx_switch_view *out, unsigned int max,
				uint64_t now_ns)
{
	unsigned int n = s->nsw < max ? s->nsw : max, nopen = 0, *first;
	struct cstat **open;
	struct ofx_msgcounts *m = malloc(sizeof(*m));

	/* the open connections of each switch together: first[i] is where
	 * those of switch i start in open[] */
	first = calloc(n + 2, sizeof(*first));
	for (struct cstat *cs = s->open; cs; cs = cs->next)
		nopen++;
	/* never NULL: open + from below must be a valid pointer (arithmetic
	 * on NULL, even + 0, is undefined) */
	open = malloc((nopen ? nopen : 1) * sizeof(*open));
	if (!m || !first || !open) {
		free(m);
		free(first);
		free(open);
		return 0;
	}
	for (unsigned int i = 0; i < s->nsw; i++)
		s->sw[i]->idx = i;
	for (struct cstat *cs = s->open; cs; cs = cs->next)
		if (cs->sw && cs->sw->idx < n)
			first[cs->sw->idx + 2]++;
	for (unsigned int i = 2; i < n + 2; i++)
		first[i] += first[i - 1];
	for (struct cstat *cs = s->open; cs; cs = cs->next)
		if (cs->sw && cs->sw->idx < n)
			open[first[cs->sw->idx + 1]++] = cs;
	for (unsigned int i = 0; i < n; i++) {
		struct sw *w = s->sw[i];
		struct ofx_switch_view *o = &out[i];
		unsigned int from = i ? first[i] : 0;

		build_view(w, open + from, first[i + 1] - from, m, o);
		/* Rates over the time since the last base, which moves on
		 * once it is a second old. */
		if (!w->rate_ts) {
			memcpy(o->rate_total, o->total, sizeof(o->total));
			o->rate_types = ofx_subtab_list(o->types);
		} else {
			memcpy(o->rate_total, w->rate_total, sizeof(o->total));
			o->rate_types = ofx_subtab_list(w->rate_types);
		}
		o->rate_dt = w->rate_ts && now_ns > w->rate_ts
				     ? (double)(now_ns - w->rate_ts) / 1e9
				     : 0.0;
		if (!w->rate_ts || now_ns - w->rate_ts >= 1000000000ull) {
			struct ofx_subtab *t = ofx_subtab_list(o->types);

			if (t || !o->types) {
				free(w->rate_types);
				w->rate_types = t;
				memcpy(w->rate_total, o->total,
				       sizeof(o->total));
				w->rate_ts = now_ns;
			}
		}
	}
	free(m);
	free(first);
	free(open);
	return n;
}

void ofx_switches_free(struct ofx_switches *s)
{
	if (!s)
		return;
	while (s->open) {
		struct cstat *cs = s->open;

		s->open = cs->next;
		cs->c->stats = NULL;
		free(cs->sub);
		free(cs);
	}
	for (unsigned int i = 0; i < s->nsw; i++)
		sw_free(s->sw[i]);
	free(s->hist);
	free(s);
}
