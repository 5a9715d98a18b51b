// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hist.c - log-linear latency histogram (see hist.h for the layout).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/hist.h"

/* Buckets of chunk @k. */
static inline unsigned int chunk_len(unsigned int k)
{
	return k ? OFX_HIST_SUB : OFX_HIST_EXACT;
}

void ofx_hist_init(struct ofx_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static uint64_t *chunk_get(struct ofx_hist *h, unsigned int k,
			   struct ofx_hist_pool *pool)
{
	size_t bytes = chunk_len(k) * sizeof(uint64_t);

	if (h->chunk[k])
		return h->chunk[k];
	if (pool->cap && pool->bytes + bytes > pool->cap)
		return NULL;
	h->chunk[k] = calloc(chunk_len(k), sizeof(uint64_t));
	if (h->chunk[k])
		pool->bytes += bytes;
	return h->chunk[k];
}

int ofx_hist_record_new(struct ofx_hist *h, struct ofx_hist_pos pos, uint64_t v,
			struct ofx_hist_pool *pool)
{
	if (!chunk_get(h, pos.chunk, pool)) {
		pool->dropped++;
		return -ENOMEM;
	}
	return ofx_hist_record_at(h, pos, v, pool);
}

int ofx_hist_reserve(struct ofx_hist *h, unsigned int chunk,
		     struct ofx_hist_pool *pool)
{
	return chunk_get(h, chunk, pool) ? 0 : -ENOMEM;
}

int ofx_hist_add(struct ofx_hist *dst, const struct ofx_hist *src,
		 struct ofx_hist_pool *pool)
{
	for (unsigned int k = 0; k < OFX_HIST_CHUNKS; k++) {
		if (src->chunk[k] && !chunk_get(dst, k, pool)) {
			pool->dropped += src->count;
			return -ENOMEM;
		}
	}
	for (unsigned int k = 0; k < OFX_HIST_CHUNKS; k++) {
		if (!src->chunk[k])
			continue;
		for (unsigned int i = 0; i < chunk_len(k); i++)
			dst->chunk[k][i] += src->chunk[k][i];
	}
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->count && src->min < dst->min)
		dst->min = src->min;
	if (src->count && src->max > dst->max)
		dst->max = src->max;
	return 0;
}

void ofx_hist_subtract(struct ofx_hist *dst, const struct ofx_hist *src)
{
	for (unsigned int k = 0; k < OFX_HIST_CHUNKS; k++) {
		if (!src->chunk[k] || !dst->chunk[k])
			continue;
		for (unsigned int i = 0; i < chunk_len(k); i++)
			dst->chunk[k][i] -= src->chunk[k][i];
	}
	dst->count -= src->count;
	dst->sum -= src->sum;
}

void ofx_hist_reset(struct ofx_hist *h, struct ofx_hist_pool *pool)
{
	for (unsigned int k = 0; k < OFX_HIST_CHUNKS; k++) {
		if (!h->chunk[k])
			continue;
		free(h->chunk[k]);
		if (pool)
			pool->bytes -= chunk_len(k) * sizeof(uint64_t);
	}
	ofx_hist_init(h);
}

uint64_t ofx_hist_bucket_low(struct ofx_hist_pos pos)
{
	if (!pos.chunk)
		return pos.bucket;
	return (uint64_t)(OFX_HIST_SUB + pos.bucket) << pos.chunk;
}

uint64_t ofx_hist_bucket_width(struct ofx_hist_pos pos)
{
	return pos.chunk ? 1ull << pos.chunk : 1;
}

/* Midpoint of bucket @pos clamped to [min, max] of @h. */
static uint64_t bucket_value(const struct ofx_hist *h, struct ofx_hist_pos pos)
{
	uint64_t v = ofx_hist_bucket_low(pos) + ofx_hist_bucket_width(pos) / 2;

	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

/* The values at ranks @rank[0..n-1] (ascending), into @out. */
static void values_at(const struct ofx_hist *h, const uint64_t *rank,
		      unsigned int n, uint64_t *out)
{
	uint64_t seen = 0;
	unsigned int j = 0;

	for (unsigned int k = 0; k < OFX_HIST_CHUNKS && j < n; k++) {
		const uint64_t *c = h->chunk[k];

		if (!c)
			continue;
		for (unsigned int i = 0; i < chunk_len(k) && j < n; i++) {
			if (!c[i])
				continue;
			seen += c[i];
			while (j < n && seen >= rank[j])
				out[j++] = bucket_value(
					h, (struct ofx_hist_pos){(uint8_t)k,
								 (uint8_t)i});
		}
	}
	/* counts missing from the buckets (cannot happen but for a wrapped
	 * subtraction): the largest value */
	while (j < n)
		out[j++] = h->max;
}

/* Nearest rank of the @permille-th per-mille among @count values: ceil(
 * @permille * @count / 1000) in integers (no rounding surprise such as
 * 0.9 * 10 = 9.000000000000002), within 1..count. */
static uint64_t rank_of(unsigned int permille, uint64_t count)
{
	unsigned __int128 r =
		((unsigned __int128)count * permille + 999) / 1000;

	if (r < 1)
		return 1;
	return r > count ? count : (uint64_t)r;
}

uint64_t ofx_hist_percentile(const struct ofx_hist *h, unsigned int permille)
{
	uint64_t rank, v;

	if (!h->count)
		return 0;
	rank = rank_of(permille, h->count);
	values_at(h, &rank, 1, &v);
	return v;
}

void ofx_hist_summarize(const struct ofx_hist *h, struct ofx_hist_summary *s)
{
	uint64_t rank[4], v[4];

	memset(s, 0, sizeof(*s));
	if (!h->count)
		return;
	s->count = h->count;
	s->min = h->min;
	s->max = h->max;
	s->mean = h->sum / h->count;
	rank[0] = rank_of(500, h->count);
	rank[1] = rank_of(900, h->count);
	rank[2] = rank_of(990, h->count);
	rank[3] = rank_of(999, h->count);
	values_at(h, rank, 4, v);
	s->p50 = v[0];
	s->p90 = v[1];
	s->p99 = v[2];
	s->p999 = v[3];
}

uint64_t ofx_hist_count_le(const struct ofx_hist *h, uint64_t v)
{
	uint64_t n = 0;

	for (unsigned int k = 0; k < OFX_HIST_CHUNKS; k++) {
		const uint64_t *c = h->chunk[k];

		if (!c)
			continue;
		for (unsigned int i = 0; i < chunk_len(k); i++) {
			struct ofx_hist_pos p = {(uint8_t)k, (uint8_t)i};

			if (ofx_hist_bucket_low(p) +
				    ofx_hist_bucket_width(p) / 2 >
			    v)
				return n;
			n += c[i];
		}
	}
	return n;
}

void ofx_hist_counts_below(const struct ofx_hist *h, const uint64_t *v,
			   unsigned int n, uint64_t *out)
{
	uint64_t seen = 0;
	unsigned int j = 0;

	for (unsigned int k = 0; k < OFX_HIST_CHUNKS && j < n; k++) {
		const uint64_t *c = h->chunk[k];

		if (!c)
			continue; /* no value in its range */
		for (unsigned int i = 0; i < chunk_len(k) && j < n; i++) {
			struct ofx_hist_pos p = {(uint8_t)k, (uint8_t)i};
			uint64_t high = ofx_hist_bucket_low(p) +
					ofx_hist_bucket_width(p);

			while (j < n && high > v[j])
				out[j++] = seen;
			seen += c[i];
		}
	}
	while (j < n)
		out[j++] = seen;
}
