/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * hist.h - log-linear latency histogram (HdrHistogram's layout, 2
 * significant digits): values below OFX_HIST_EXACT ns have a bucket each;
 * above, each power-of-two range [2^e, 2^(e+1)) is split into
 * OFX_HIST_SUB equal buckets. A bucket is at most 1/64 of its lower bound
 * wide, so its midpoint is within 1/128 (0.78 %) of any value in it.
 *
 * Memory is bounded per histogram (OFX_HIST_CHUNKS chunks of at most
 * OFX_HIST_EXACT counters) and allocated per power-of-two range on first
 * use, so a histogram costs what its values span: ~1 KiB for a latency
 * that varies within one range. A pool caps the chunks of a set of
 * histograms; a value that would need a chunk beyond the cap is dropped
 * and counted there.
 */
#ifndef OFX_HIST_H
#define OFX_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define OFX_HIST_EXACT 128 /* values < 128 ns: one bucket per ns */
#define OFX_HIST_SUB 64 /* buckets per power of two above */
/* chunk 0: [0, 128); chunk k >= 1: [2^(k+6), 2^(k+7)), k <= 37: values
 * up to 2^44 ns (4.9 h, beyond any window) have their bucket; larger ones
 * count in the last bucket (min/max stay exact) */
#define OFX_HIST_CHUNKS 38

/**
 * struct ofx_hist_pool - the chunk memory of a set of histograms.
 * @bytes:   chunk bytes allocated now
 * @cap:     most @bytes may reach (0: no cap)
 * @dropped: values not recorded because @cap was reached or malloc failed
 */
struct ofx_hist_pool {
	uint64_t bytes;
	uint64_t cap;
	uint64_t dropped;
};

/**
 * struct ofx_hist - one histogram of values in ns. Zero-initialised is
 * empty. @min/@max are exact (@min is UINT64_MAX when empty); @sum may
 * wrap after 2^64 ns of total.
 */
struct ofx_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t *chunk[OFX_HIST_CHUNKS];
};

/**
 * struct ofx_hist_summary - what output shows of a histogram, ns.
 * Percentiles by nearest rank (the value of rank ceil(p * count)), as the
 * midpoint of its bucket clamped to [min, max]. All 0 when count is 0.
 */
struct ofx_hist_summary {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	uint64_t mean;
	uint64_t p50;
	uint64_t p90;
	uint64_t p99;
	uint64_t p999;
};

/** struct ofx_hist_pos - where a value counts: chunk and bucket in it. */
struct ofx_hist_pos {
	uint8_t chunk;
	uint8_t bucket;
};

/** ofx_hist_pos_of() - chunk and bucket of @v ns (constant time). */
static inline struct ofx_hist_pos ofx_hist_pos_of(uint64_t v)
{
	unsigned int e;

	if (v < OFX_HIST_EXACT)
		return (struct ofx_hist_pos){0, (uint8_t)v};
	e = 63u - (unsigned int)__builtin_clzll(v); /* 7..63 */
	if (__builtin_expect(e >= OFX_HIST_CHUNKS + 6, 0))
		return (struct ofx_hist_pos){OFX_HIST_CHUNKS - 1,
					     OFX_HIST_SUB - 1};
	return (struct ofx_hist_pos){(uint8_t)(e - 6),
				     (uint8_t)((v >> (e - 6)) - OFX_HIST_SUB)};
}

/**
 * ofx_hist_init() - an empty histogram (same as zeroing it, but with
 * @min at UINT64_MAX).
 */
void ofx_hist_init(struct ofx_hist *h);

/**
 * ofx_hist_reserve() - allocate chunk @chunk of @h if it has none.
 * Return: 0, or -ENOMEM (@pool's cap, or malloc).
 */
int ofx_hist_reserve(struct ofx_hist *h, unsigned int chunk,
		     struct ofx_hist_pool *pool);

/**
 * ofx_hist_record_new() - ofx_hist_record_at() when the chunk of @pos is
 * not allocated yet (out of line).
 */
int ofx_hist_record_new(struct ofx_hist *h, struct ofx_hist_pos pos, uint64_t v,
			struct ofx_hist_pool *pool);

/**
 * ofx_hist_record_at() - count one value @v ns at @pos (ofx_hist_pos_of(@v),
 * computed once for several histograms). Inline: once per sample.
 * Return: 0, or -ENOMEM when its chunk could not be allocated within
 * @pool's cap (the value is then not counted in @h at all, and
 * @pool->dropped counts it).
 */
static inline int ofx_hist_record_at(struct ofx_hist *h,
				     struct ofx_hist_pos pos, uint64_t v,
				     struct ofx_hist_pool *pool)
{
	uint64_t *c = h->chunk[pos.chunk];

	if (__builtin_expect(!c, 0))
		return ofx_hist_record_new(h, pos, v, pool);
	c[pos.bucket]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	return 0;
}

/** ofx_hist_record() - ofx_hist_record_at(@h, ofx_hist_pos_of(@v), ...). */
static inline int ofx_hist_record(struct ofx_hist *h, uint64_t v,
				  struct ofx_hist_pool *pool)
{
	return ofx_hist_record_at(h, ofx_hist_pos_of(v), v, pool);
}

/**
 * ofx_hist_add() - add @src's buckets, count, sum, min and max to @dst,
 * all or nothing.
 * Return: 0, or -ENOMEM if a chunk of @dst could not be allocated (@dst is
 * then unchanged; @pool->dropped counts @src's values).
 */
int ofx_hist_add(struct ofx_hist *dst, const struct ofx_hist *src,
		 struct ofx_hist_pool *pool);

/**
 * ofx_hist_subtract() - remove @src's buckets, count and sum from @dst,
 * which must hold them (@src was added to it). min/max are left as they
 * are: a window's extremes come from its parts.
 */
void ofx_hist_subtract(struct ofx_hist *dst, const struct ofx_hist *src);

/** ofx_hist_reset() - empty @h and give its chunks back to @pool. */
void ofx_hist_reset(struct ofx_hist *h, struct ofx_hist_pool *pool);

/**
 * ofx_hist_percentile() - the value at nearest rank ceil(@permille * count
 * / 1000) (integer arithmetic; 1 <= @permille <= 1000), as its bucket's
 * midpoint clamped to [min, max]; 0 when empty.
 */
uint64_t ofx_hist_percentile(const struct ofx_hist *h, unsigned int permille);

/** ofx_hist_summarize() - count, min, max, mean, p50/p90/p99/p99.9 of @h. */
void ofx_hist_summarize(const struct ofx_hist *h, struct ofx_hist_summary *s);

/** ofx_hist_bucket_low() - lowest value of bucket @pos, ns. */
uint64_t ofx_hist_bucket_low(struct ofx_hist_pos pos);

/** ofx_hist_bucket_width() - values in bucket @pos (1 below 128 ns). */
uint64_t ofx_hist_bucket_width(struct ofx_hist_pos pos);

/**
 * ofx_hist_count_le() - values <= @v ns, counting a bucket whole when its
 * midpoint is <= @v (for cumulative buckets such as Prometheus's le).
 */
uint64_t ofx_hist_count_le(const struct ofx_hist *h, uint64_t v);

/**
 * ofx_hist_counts_below() - into @out[j], the values < @v[j] ns for @n
 * ascending bounds @v, each exact when it is a bucket boundary (a value
 * below OFX_HIST_EXACT, or m x 2^k with m < 128: no bucket straddles it);
 * otherwise the bucket that holds @v[j] is left out whole. One pass.
 */
void ofx_hist_counts_below(const struct ofx_hist *h, const uint64_t *v,
			   unsigned int n, uint64_t *out);

#endif
