// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * counters.c - message counter sets and subtype tables (see counters.h).
 */
#include <string.h>

#include "analysis/counters.h"

void ofx_subtab_init(struct ofx_subtab *t, uint32_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->overflow = 0;
	memset(ofx_subtab_entries(t), 0, cap * sizeof(struct ofx_subcount));
}

static inline uint32_t sub_hash(uint32_t id, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)id << 40)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) ^ id;
}

void ofx_subtab_add(struct ofx_subtab *t, uint8_t version, uint8_t type,
		    uint8_t dir, uint8_t kind, uint64_t key, uint64_t msgs,
		    uint64_t bytes)
{
	struct ofx_subcount *e = ofx_subtab_entries(t);
	uint32_t id = (uint32_t)version << 24 | (uint32_t)type << 16 |
		      (uint32_t)dir << 8 | kind;
	uint32_t mask = t->cap - 1;

	if (!t->cap) {
		t->overflow += msgs;
		return;
	}

	for (uint32_t i = sub_hash(id, key) & mask;; i = (i + 1) & mask) {
		struct ofx_subcount *s = &e[i];

		if (s->kind == kind && s->key == key && s->type == type &&
		    s->version == version && s->dir == dir) {
			s->c.msgs += msgs;
			s->c.bytes += bytes;
			return;
		}
		if (s->kind)
			continue;
		if (t->n + 1 > t->cap / 4 * 3) {
			t->overflow += msgs;
			return;
		}
		s->version = version;
		s->type = type;
		s->dir = dir;
		s->kind = kind;
		s->key = key;
		s->c.msgs = msgs;
		s->c.bytes = bytes;
		t->n++;
		return;
	}
}

void ofx_subtab_merge(struct ofx_subtab *dst, const struct ofx_subtab *src)
{
	const struct ofx_subcount *e = ofx_subtab_centries(src);

	for (uint32_t i = 0; i < src->cap; i++)
		if (e[i].kind)
			ofx_subtab_add(dst, e[i].version, e[i].type, e[i].dir,
				       e[i].kind, e[i].key, e[i].c.msgs,
				       e[i].c.bytes);
	dst->overflow += src->overflow;
}

uint64_t ofx_details_key(const struct of_decoded *d)
{
	uint64_t k = 0;

	for (unsigned int i = 0; i < d->ndetails && i < OF_MAX_DETAILS; i++) {
		uint64_t v = d->detail[i].key;

		switch (d->detail[i].kind) {
		case OF_DET_HELLO_VERSIONS:
			k |= v & 0xffffffffull;
			break;
		case OF_DET_BUFFERED:
			k |= ((v ? 1ull : 0ull) + 1) << 32;
			break;
		case OF_DET_ETH:
			k |= ((v & 0x7) + 1) << 34;
			break;
		case OF_DET_TABLE:
			k |= ((v & 0xff) + 1) << 38;
			break;
		}
	}
	return k;
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
		   const struct of_msg *m, bool details)
{
	struct ofx_count *c;

	if (m->flags & OF_MSG_INVALID_TYPE)
		c = &mc->invalid[m->version][m->dir];
	else
		c = &mc->of[m->version][m->type][m->dir];
	c->msgs++;
	c->bytes += m->length;
	mc->total[m->dir].msgs++;
	mc->total[m->dir].bytes += m->length;
	if (!t || (m->flags & OF_MSG_INVALID_TYPE))
		return;
	if (m->dec.sub_kind)
		ofx_subtab_add(t, m->version, m->type, m->dir, m->dec.sub_kind,
			       m->dec.sub, 1, m->length);
	if (m->dec.malformed)
		ofx_subtab_add(t, m->version, m->type, m->dir,
			       OFX_SUBK_MALFORMED, 0, 1, m->length);
	if (of_is_multipart(m->version, m->type) && !m->dec.mp_more &&
	    !m->dec.malformed)
		ofx_subtab_add(t, m->version, m->type, m->dir,
			       OFX_SUBK_TRANSACTIONS, 0, 1, m->length);
	if (details && m->dec.ndetails)
		ofx_subtab_add(t, m->version, m->type, m->dir, OFX_SUBK_DETAILS,
			       ofx_details_key(&m->dec), 1, m->length);
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
