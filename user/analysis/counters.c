// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * counters.c - message counter sets and subtype tables (see counters.h).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/counters.h"

void ofx_subtab_init(struct ofx_subtab *t, uint32_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->overflow = 0;
	memset(ofx_subtab_entries(t), 0, cap * sizeof(struct ofx_subcount));
}

static inline uint32_t sub_hash(uint32_t id, uint64_t key, uint64_t det)
{
	uint64_t h = (key ^ det ^ ((uint64_t)id << 32)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) ^ (uint32_t)(det >> 29);
}

struct ofx_subcount *ofx_subtab_add(struct ofx_subtab *t, uint32_t id,
				    uint64_t key, uint64_t det, uint64_t msgs,
				    uint64_t bytes)
{
	struct ofx_subcount *e = ofx_subtab_entries(t);
	uint32_t mask = t->cap - 1;

	if (!t->cap) {
		t->overflow += msgs;
		return NULL;
	}
	for (uint32_t i = sub_hash(id, key, det) & mask;; i = (i + 1) & mask) {
		struct ofx_subcount *s = &e[i];

		if (s->id == id && s->key == key && s->det == det) {
			s->c.msgs += msgs;
			s->c.bytes += bytes;
			return s;
		}
		if (s->id)
			continue;
		if (t->n + 1 > t->cap / 4 * 3) {
			t->overflow += msgs;
			return NULL;
		}
		s->id = id;
		s->key = key;
		s->det = det;
		s->c.msgs = msgs;
		s->c.bytes = bytes;
		t->n++;
		return s;
	}
}

void ofx_subtab_merge(struct ofx_subtab *dst, const struct ofx_subtab *src)
{
	const struct ofx_subcount *e = ofx_subtab_centries(src);

	for (uint32_t i = 0; i < src->cap; i++)
		if (e[i].id)
			ofx_subtab_add(dst, e[i].id, e[i].key, e[i].det,
				       e[i].c.msgs, e[i].c.bytes);
	dst->overflow += src->overflow;
}

struct ofx_subtab *ofx_subtab_new(uint32_t cap)
{
	struct ofx_subtab *t =
		malloc(sizeof(*t) + cap * sizeof(struct ofx_subcount));

	if (t)
		ofx_subtab_init(t, cap);
	return t;
}

struct ofx_subcount *ofx_subtab_add_grow(struct ofx_subtab **tp,
					 uint32_t max_cap, uint32_t id,
					 uint64_t key, uint64_t det,
					 uint64_t msgs, uint64_t bytes)
{
	struct ofx_subtab *t = *tp, *g;

	if (!t) {
		t = ofx_subtab_new(max_cap < 16 ? max_cap : 16);
		if (!t)
			return NULL;
		*tp = t;
	}
	if (t->n + 1 > t->cap / 4 * 3 && t->cap < max_cap) {
		g = ofx_subtab_new(t->cap * 2);
		if (g) {
			g->overflow = t->overflow;
			t->overflow = 0;
			ofx_subtab_merge(g, t);
			free(t);
			*tp = t = g;
		}
	}
	return ofx_subtab_add(t, id, key, det, msgs, bytes);
}

struct ofx_subtab *ofx_subtab_list(const struct ofx_subtab *t)
{
	uint32_t n = t ? t->n : 0, k = 0;
	struct ofx_subtab *l =
		malloc(sizeof(*l) + n * sizeof(struct ofx_subcount));
	struct ofx_subcount *e;

	if (!l)
		return NULL;
	l->cap = l->n = n;
	l->overflow = t ? t->overflow : 0;
	e = ofx_subtab_entries(l);
	for (uint32_t i = 0; t && i < t->cap && k < n; i++)
		if (ofx_subtab_centries(t)[i].id)
			e[k++] = ofx_subtab_centries(t)[i];
	return l;
}

void ofx_msgcounts_add_to_tab(const struct ofx_msgcounts *m,
			      struct ofx_subtab **tp, uint32_t max_cap)
{
	for (uint8_t v = 0; v < OFX_NVERSIONS; v++) {
		for (uint8_t d = 0; d < OFX_NDIRS; d++) {
			const struct ofx_count *c = &m->invalid[v][d];

			if (c->msgs || c->bytes)
				ofx_subtab_add_grow(
					tp, max_cap,
					ofx_typecount_id(v, OFX_TYPE_INVALID,
							 d),
					0, 0, c->msgs, c->bytes);
			for (uint8_t t = 0; t < OFX_NTYPES; t++) {
				c = &m->of[v][t][d];
				if (c->msgs || c->bytes)
					ofx_subtab_add_grow(
						tp, max_cap,
						ofx_typecount_id(v, t, d), 0, 0,
						c->msgs, c->bytes);
			}
		}
	}
}

void ofx_msgcounts_add_tab(struct ofx_msgcounts *m, const struct ofx_subtab *t)
{
	const struct ofx_subcount *e = t ? ofx_subtab_centries(t) : NULL;

	for (uint32_t i = 0; t && i < t->cap; i++) {
		uint8_t v = ofx_subcount_version(&e[i]);
		uint8_t ty = ofx_subcount_type(&e[i]);
		uint8_t d = ofx_subcount_dir(&e[i]);
		struct ofx_count *c;

		if (!e[i].id || v >= OFX_NVERSIONS || d >= OFX_NDIRS)
			continue;
		if (ty == OFX_TYPE_INVALID)
			c = &m->invalid[v][d];
		else if (ty < OFX_NTYPES)
			c = &m->of[v][ty][d];
		else
			continue;
		c->msgs += e[i].c.msgs;
		c->bytes += e[i].c.bytes;
	}
}

int ofx_details_split(uint64_t key, struct of_detail *out)
{
	int n = 0;

	if (key & 0xffffffffull)
		out[n++] = (struct of_detail){OF_DET_HELLO_VERSIONS,
					      key & 0xffffffffull};
	if ((key >> 32) & 0x3)
		out[n++] = (struct of_detail){OF_DET_BUFFERED,
					      ((key >> 32) & 0x3) - 1};
	if ((key >> 34) & 0xf)
		out[n++] =
			(struct of_detail){OF_DET_ETH, ((key >> 34) & 0xf) - 1};
	if ((key >> 38) & 0x1ff)
		out[n++] = (struct of_detail){OF_DET_TABLE,
					      ((key >> 38) & 0x1ff) - 1};
	return n;
}

void ofx_count_msg(struct ofx_msgcounts *mc, struct ofx_subtab *t,
		   const struct of_msg *m)
{
	struct ofx_count *c;
	uint64_t key, det;
	uint32_t id;

	if (m->flags & OF_MSG_INVALID_TYPE)
		c = &mc->invalid[m->version][m->dir];
	else
		c = &mc->of[m->version][m->type][m->dir];
	c->msgs++;
	c->bytes += m->bytes;
	mc->total[m->dir].msgs++;
	mc->total[m->dir].bytes += m->bytes;
	if (t && !(m->flags & OF_MSG_INVALID_TYPE) &&
	    ofx_sub_of(m, &id, &key, &det))
		ofx_subtab_add(t, id, key, det, 1, m->bytes);
}

bool ofx_msgcounts_version_seen(const struct ofx_msgcounts *m, uint8_t version)
{
	if (version >= OFX_NVERSIONS)
		return false;
	for (int d = 0; d < OFX_NDIRS; d++) {
		if (m->invalid[version][d].msgs)
			return true;
		for (int t = 0; t < OFX_NTYPES; t++)
			if (m->of[version][t][d].msgs)
				return true;
	}
	return false;
}

void ofx_msgcounts_merge(struct ofx_msgcounts *dst,
			 const struct ofx_msgcounts *src)
{
	const struct ofx_count *s = &src->of[0][0][0];
	struct ofx_count *d = &dst->of[0][0][0];
	size_t n = sizeof(*src) / sizeof(struct ofx_count);

	for (size_t i = 0; i < n; i++) {
		d[i].msgs += s[i].msgs;
		d[i].bytes += s[i].bytes;
	}
}

static int subrow_cmp(const void *a, const void *b)
{
	const struct ofx_subrow *x = a, *y = b;
	uint64_t mx = x->c[0].msgs + x->c[1].msgs;
	uint64_t my = y->c[0].msgs + y->c[1].msgs;

	if (x->version != y->version)
		return x->version - y->version;
	if (x->type != y->type)
		return x->type - y->type;
	if (mx != my)
		return mx < my ? 1 : -1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->key < y->key ? -1 : x->key > y->key;
}

struct ofx_subrow *ofx_subtab_rows(const struct ofx_subtab *t, bool only,
				   uint8_t version, uint8_t type, size_t *n)
{
	const struct ofx_subcount *e = ofx_subtab_centries(t);
	struct ofx_subrow *r = calloc(t->n + 1, sizeof(*r));
	size_t k = 0;

	*n = 0;
	if (!r)
		return NULL;
	for (uint32_t i = 0; i < t->cap; i++) {
		const struct ofx_subcount *x = &e[i];
		struct ofx_subrow row = {
			.version = ofx_subcount_version(x),
			.type = ofx_subcount_type(x),
			.kind = ofx_subcount_kind(x),
			.key = x->key,
		};
		uint8_t d = ofx_subcount_dir(x);
		size_t j;

		if (!x->id || !row.kind || d >= OFX_NDIRS ||
		    (only && (row.version != version || row.type != type)))
			continue;
		for (j = 0; j < k && !ofx_subrow_same(&r[j], &row); j++)
			;
		if (j == k)
			r[k++] = row;
		r[j].c[d].msgs += x->c.msgs;
		r[j].c[d].bytes += x->c.bytes;
	}
	qsort(r, k, sizeof(*r), subrow_cmp);
	*n = k;
	return r;
}
