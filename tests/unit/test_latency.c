// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_latency.c - the latency engine (user/analysis/latency.c) on crafted
 * message sequences, and its histogram (user/analysis/hist.c) against
 * sorted lists: every case checks exact pair counts and outcomes, and the
 * figures within the histogram's stated error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/hist.h"
#include "analysis/latency.h"
#include "openflow/of_conn.h"

#define IN OFX_DIR_IN
#define OUT OFX_DIR_OUT
#define MS 1000000ull
#define S 1000000000ull
#define NOBUF 0xffffffffu

/* ---- histogram ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank of @pm per mille among @n sorted values. */
static uint64_t exact_pct(const uint64_t *v, size_t n, unsigned int pm)
{
	size_t r = (n * pm + 999) / 1000;

	return v[(r ? r : 1) - 1];
}

static void check_within(uint64_t got, uint64_t want)
{
	double err = want ? ((double)got - (double)want) / (double)want : 0;

	if (err < 0)
		err = -err;
	if (err > 1.0 / 128 + 1e-12)
		fail_msg("got %llu want %llu: error %.4f%% > 0.78%%",
			 (unsigned long long)got, (unsigned long long)want,
			 err * 100);
}

/* Random values of three shapes: percentiles within 1/128 of the sorted
 * list's, min/max/count/mean exact. */
static void test_hist_vs_sorted(void **state)
{
	static const unsigned int pms[] = {500, 900, 990, 999};
	const size_t n = 100003;
	uint64_t *v = malloc(n * sizeof(*v));

	(void)state;
	assert_non_null(v);
	srandom(42);
	for (int shape = 0; shape < 3; shape++) {
		struct ofx_hist_pool pool = {0};
		struct ofx_hist h;
		struct ofx_hist_summary s;
		unsigned __int128 sum = 0;

		ofx_hist_init(&h);
		for (size_t i = 0; i < n; i++) {
			uint64_t x = (uint64_t)random();

			if (shape == 0) /* small: exact range and above */
				x = x % 300;
			else if (shape == 1) /* 2 ms +- 10 % */
				x = 1800000 + x % 400000;
			else /* heavy tail: 10 us .. ~10 s */
				x = 10000ull << (x % 20) | (x & 0xfff);
			v[i] = x;
			sum += x;
			assert_int_equal(ofx_hist_record(&h, x, &pool), 0);
		}
		qsort(v, n, sizeof(*v), cmp_u64);
		ofx_hist_summarize(&h, &s);
		assert_int_equal(s.count, n);
		assert_int_equal(s.min, v[0]);
		assert_int_equal(s.max, v[n - 1]);
		assert_int_equal(s.mean, (uint64_t)(sum / n));
		check_within(s.p50, exact_pct(v, n, pms[0]));
		check_within(s.p90, exact_pct(v, n, pms[1]));
		check_within(s.p99, exact_pct(v, n, pms[2]));
		check_within(s.p999, exact_pct(v, n, pms[3]));
		if (shape == 0) /* below 128 ns every bucket is exact */
			assert_int_equal(ofx_hist_percentile(&h, 100),
					 exact_pct(v, n, 100));
		assert_true(pool.bytes > 0);
		ofx_hist_reset(&h, &pool);
		assert_int_equal(pool.bytes, 0);
	}
	free(v);
}

/* Nearest rank uses integers: p90 of 10 values is the 9th, not the 10th. */
static void test_hist_rank(void **state)
{
	struct ofx_hist_pool pool = {0};
	struct ofx_hist h;
	struct ofx_hist_summary s;

	(void)state;
	ofx_hist_init(&h);
	for (uint64_t i = 1; i <= 10; i++)
		ofx_hist_record(&h, i * 10, &pool);
	ofx_hist_summarize(&h, &s);
	assert_int_equal(s.p50, 50);
	assert_int_equal(s.p90, 90);
	assert_int_equal(s.p99, 100);
	ofx_hist_reset(&h, &pool);
}

/* Bucket layout: every value lies in its bucket, widths <= low / 64. */
static void test_hist_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 1; v < (1ull << (OFX_HIST_CHUNKS + 6));
	     v = v * 3 + 1) {
		struct ofx_hist_pos p = ofx_hist_pos_of(v);
		uint64_t lo = ofx_hist_bucket_low(p),
			 w = ofx_hist_bucket_width(p);

		assert_true(lo <= v && v < lo + w);
		assert_true(p.chunk < OFX_HIST_CHUNKS);
		if (v >= OFX_HIST_EXACT)
			assert_true(w * 64 <= lo);
	}
	/* beyond the range: the last bucket */
	assert_int_equal(ofx_hist_pos_of(UINT64_MAX).chunk,
			 OFX_HIST_CHUNKS - 1);
	assert_int_equal(ofx_hist_pos_of(1ull << 50).bucket, OFX_HIST_SUB - 1);
}

/* A pool cap drops what would need a new chunk, and counts it. */
static void test_hist_pool_cap(void **state)
{
	struct ofx_hist_pool pool = {.cap = 512};
	struct ofx_hist h;

	(void)state;
	ofx_hist_init(&h);
	assert_int_equal(ofx_hist_record(&h, 1000, &pool), 0); /* 512 B */
	assert_int_equal(ofx_hist_record(&h, 1001, &pool), 0); /* same */
	assert_int_equal(ofx_hist_record(&h, 5000000, &pool), -ENOMEM);
	assert_int_equal(pool.dropped, 1);
	assert_int_equal(h.count, 2);
	ofx_hist_reset(&h, &pool);
}

/* ---- the engine ---- */

struct fix {
	struct ofx_latency_stats st;
	struct ofx_latency *l;
	struct ofx_conn tcp[2];
	struct of_conn c[2];
	const struct of_msg_sink *sink;
};

static bool switch_id(void *ctx, const struct of_conn *c, char *buf)
{
	struct fix *f = ctx;

	snprintf(buf, 48, "sw%d", c == &f->c[0] ? 0 : 1);
	return true;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct ofx_latency_opts o = {.window_ns = 5 * S};

	if (!f)
		return -1;
	f->l = ofx_latency_new(&o, &f->st, switch_id, f);
	if (!f->l)
		return -1;
	f->sink = ofx_latency_sink(f->l);
	for (int i = 0; i < 2; i++) {
		f->c[i].tcp = &f->tcp[i];
		f->c[i].switch_half = 0;
		f->sink->conn(f->sink->ctx, &f->c[i], OF_CONN_OPEN);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	ofx_latency_free(f->l);
	free(f);
	return 0;
}

/* Emit a message of @version/@type/@xid in @dir at @ts on connection @ci. */
static void msg(struct fix *f, int ci, uint8_t version, uint8_t type,
		uint32_t xid, uint8_t dir, uint64_t ts)
{
	struct of_msg m = {.conn = &f->c[ci],
			   .version = version,
			   .type = type,
			   .xid = xid,
			   .dir = dir,
			   .ts_ns = ts,
			   .length = 8};
	uint8_t hdr[8] = {version, type, 0, 8};

	m.data = hdr;
	m.caplen = 8;
	f->sink->msg(f->sink->ctx, &m);
}

static void mp_reply(struct fix *f, uint32_t xid, bool more, uint64_t ts)
{
	struct of_msg m = {.conn = &f->c[0],
			   .version = 4,
			   .type = 19,
			   .xid = xid,
			   .dir = IN,
			   .ts_ns = ts,
			   .length = 16};
	uint8_t b[16] = {4, 19, 0, 16};

	m.data = b;
	m.caplen = 16;
	m.dec.mp_more = more;
	f->sink->msg(f->sink->ctx, &m);
}

/* A frame of 60 bytes whose byte 20 is @tag. */
static void frame(uint8_t *b, uint8_t tag)
{
	for (int i = 0; i < 60; i++)
		b[i] = (uint8_t)(i * 7);
	b[20] = tag;
}

/* PACKET_IN (@dir IN) or PACKET_OUT/FLOW_MOD (OUT), 1.3, with
 * @buffer_id, carrying the frame with @tag when @tag >= 0. */
static void pkt(struct fix *f, uint8_t type, uint32_t buffer_id, int tag,
		uint64_t ts)
{
	uint8_t b[128] = {4, type};
	struct of_msg m = {.conn = &f->c[0],
			   .version = 4,
			   .type = type,
			   .dir = type == 10 ? IN : OUT,
			   .ts_ns = ts,
			   .data = b,
			   .caplen = sizeof(b),
			   .length = sizeof(b)};

	m.dec.has_buffer_id = true;
	m.dec.buffer_id = buffer_id;
	if (tag >= 0) {
		frame(b + 40, (uint8_t)tag);
		m.dec.data_off = 40;
		m.dec.data_len = 60;
	}
	f->sink->msg(f->sink->ctx, &m);
}

static struct ofx_lat_views *views(struct fix *f, uint64_t now)
{
	struct ofx_lat_views *v = ofx_latency_views(f->l, now);

	assert_non_null(v);
	return v;
}

#define E(v, w, k, fr) (&(v)->global.e[w][k][fr])
#define CTL OFX_LAT_FROM_CONTROLLER
#define SW OFX_LAT_FROM_SWITCH

static void test_echo_pair(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	msg(f, 0, 4, 2, 100, OUT, 1 * S); /* controller's ECHO_REQUEST */
	msg(f, 0, 4, 3, 100, IN, 1 * S + 2 * MS);
	msg(f, 0, 4, 2, 7, IN, 2 * S); /* switch's ECHO_REQUEST */
	msg(f, 0, 4, 3, 7, OUT, 2 * S + 300000);
	v = views(f, 3 * S);
	e = E(v, OFX_LAT_ALL, OFX_LAT_ECHO, CTL);
	assert_int_equal(e->h.count, 1);
	assert_int_equal(e->h.min, 2 * MS);
	assert_int_equal(e->h.p50, 2 * MS);
	e = E(v, OFX_LAT_ALL, OFX_LAT_ECHO, SW);
	assert_int_equal(e->h.count, 1);
	assert_int_equal(e->h.max, 300000);
	assert_int_equal(f->st.pending, 0);
	/* per switch too */
	assert_int_equal(v->nsw, 1);
	assert_string_equal(v->sw_id[0], "sw0");
	assert_int_equal(v->sw[0].e[OFX_LAT_ALL][OFX_LAT_ECHO][CTL].h.count, 1);
	ofx_lat_views_free(v);
}

/* Replies out of order, duplicate xids (oldest first), xid reuse. */
static void test_order_dups_reuse(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	/* barrier 1.3 = 20/21: xid 1 at 0, xid 2 at 10 ms; 2 answered
	 * first */
	msg(f, 0, 4, 20, 1, OUT, 0 * MS);
	msg(f, 0, 4, 20, 2, OUT, 10 * MS);
	msg(f, 0, 4, 21, 2, IN, 15 * MS); /* 5 ms */
	msg(f, 0, 4, 21, 1, IN, 20 * MS); /* 20 ms */
	v = views(f, 1 * S);
	e = E(v, OFX_LAT_ALL, OFX_LAT_BARRIER, CTL);
	assert_int_equal(e->h.count, 2);
	assert_int_equal(e->h.min, 5 * MS);
	assert_int_equal(e->h.max, 20 * MS);
	ofx_lat_views_free(v);

	/* same xid twice pending: oldest first gives 200 and 200 (newest
	 * first would give 100 and 300) */
	msg(f, 0, 4, 5, 9, OUT, 1 * S); /* FEATURES_REQUEST */
	msg(f, 0, 4, 5, 9, OUT, 1 * S + 100 * MS);
	msg(f, 0, 4, 6, 9, IN, 1 * S + 200 * MS);
	msg(f, 0, 4, 6, 9, IN, 1 * S + 300 * MS);
	/* reuse after its reply */
	msg(f, 0, 4, 7, 9, OUT, 2 * S); /* GET_CONFIG_REQUEST */
	msg(f, 0, 4, 8, 9, IN, 2 * S + 10 * MS);
	msg(f, 0, 4, 7, 9, OUT, 2 * S + 20 * MS);
	msg(f, 0, 4, 8, 9, IN, 2 * S + 50 * MS);
	v = views(f, 3 * S);
	e = E(v, OFX_LAT_ALL, OFX_LAT_FEATURES, CTL);
	assert_int_equal(e->h.count, 2);
	assert_int_equal(e->h.min, 200 * MS);
	assert_int_equal(e->h.max, 200 * MS);
	e = E(v, OFX_LAT_ALL, OFX_LAT_GET_CONFIG, CTL);
	assert_int_equal(e->h.count, 2);
	assert_int_equal(e->h.min, 10 * MS);
	assert_int_equal(e->h.max, 30 * MS);
	assert_int_equal(e->c.orphan_replies, 0);
	assert_int_equal(f->st.pending, 0);
	ofx_lat_views_free(v);
}

/* A reply in the same direction, or on another connection, is not one. */
static void test_direction_and_connection(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 2, 5, OUT, 0);
	msg(f, 0, 4, 3, 5, OUT, 1 * MS); /* same direction: an orphan */
	msg(f, 1, 4, 3, 5, IN, 2 * MS); /* other connection: an orphan */
	msg(f, 0, 4, 3, 5, IN, 3 * MS);
	ofx_latency_finish(f->l); /* orphans count once nothing can match */
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.min, 3 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.orphan_replies, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, SW)->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* ERROR answers the oldest request with its xid, of any kind; versions
 * have their own numbers (1.0 barrier 18/19, stats 16/17). */
static void test_error_and_versions(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 1, 18, 40, OUT, 0); /* 1.0 BARRIER_REQUEST */
	msg(f, 0, 1, 1, 40, IN, 1 * MS); /* OFPT_ERROR */
	msg(f, 0, 1, 18, 41, OUT, 2 * MS);
	msg(f, 0, 1, 19, 41, IN, 4 * MS);
	msg(f, 0, 1, 16, 42, OUT, 5 * MS); /* 1.0 STATS_REQUEST */
	msg(f, 0, 1, 17, 42, IN, 9 * MS);
	msg(f, 0, 1, 1, 99, IN, 9 * MS); /* an error with no request */
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->c.error_replies, 1);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->h.min, 2 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->h.min, 4 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART_COMPLETE, CTL)->h.min,
			 4 * MS);
	assert_int_equal(f->st.pending, 0);
	ofx_lat_views_free(v);
}

/* A multipart reply in many parts: first part and last part. */
static void test_multipart_parts(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 18, 3, OUT, 0);
	mp_reply(f, 3, true, 10 * MS);
	for (int i = 0; i < 50; i++)
		mp_reply(f, 3, true, (11 + (uint64_t)i) * MS);
	mp_reply(f, 3, false, 90 * MS);
	mp_reply(f, 3, false, 95 * MS); /* nothing pending: an orphan */
	ofx_latency_finish(f->l);
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->h.min, 10 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART_COMPLETE, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART_COMPLETE, CTL)->h.min,
			 90 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* Unanswered: unreplied after the window (tick), the late reply is an
 * orphan; at the end everything pending is unreplied. */
static void test_unreplied(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 2, 1, OUT, 1 * S);
	msg(f, 0, 4, 2, 2, OUT, 3 * S);
	/* swept once the oldest is a quarter window past the window: 1 is
	 * then older than the window, 2 is not */
	ofx_latency_tick(f->l, 7300 * MS);
	v = views(f, 7300 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.unreplied, 1);
	assert_int_equal(f->st.pending, 1);
	ofx_lat_views_free(v);
	msg(f, 0, 4, 3, 1, IN, 7500 * MS); /* too late */
	msg(f, 0, 4, 18, 3, OUT, 7500 * MS); /* multipart, never answered */
	ofx_latency_finish(f->l);
	v = views(f, 8 * S);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.unreplied, 2);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.orphan_replies, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 0);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->c.unreplied, 1);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART_COMPLETE, CTL)->c.unreplied,
			 1);
	assert_int_equal(f->st.pending, 0);
	ofx_lat_views_free(v);
}

/* A reply later than the window, with no tick in between (a file): the
 * request is unreplied and the reply an orphan, all the same. */
static void test_late_reply_without_tick(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 20, 1, OUT, 0);
	msg(f, 0, 4, 21, 1, IN, 6 * S);
	ofx_latency_tick(f->l, 12 * S); /* the reply waited a window */
	v = views(f, 12 * S);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->h.count, 0);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->c.unreplied, 1);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* PACKET_IN -> PACKET_OUT/FLOW_MOD by buffer_id and by frame; never
 * answered; orphans only with a buffer_id; xids play no part. */
static void test_packet_in(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	pkt(f, 10, 500, 1, 0); /* buffered */
	pkt(f, 10, NOBUF, 2, 1 * MS); /* unbuffered, frame 2 */
	pkt(f, 10, NOBUF, 3, 2 * MS); /* unbuffered, never answered */
	pkt(f, 14, 500, -1, 3 * MS); /* FLOW_MOD buffer 500: 3 ms */
	pkt(f, 13, NOBUF, 9, 4 * MS); /* another frame: nothing */
	pkt(f, 14, NOBUF, -1, 4 * MS); /* FLOW_MOD without buffer: nothing */
	pkt(f, 13, NOBUF, 2, 5 * MS); /* frame 2: 4 ms */
	pkt(f, 13, 777, -1, 6 * MS); /* unknown buffer: orphan */
	ofx_latency_finish(f->l);
	v = views(f, 1 * S);
	e = E(v, 0, OFX_LAT_PACKET_IN, SW);
	assert_int_equal(e->h.count, 2);
	assert_int_equal(e->c.by_buffer_id, 1);
	assert_int_equal(e->c.by_data, 1);
	assert_int_equal(e->h.min, 3 * MS);
	assert_int_equal(e->h.max, 4 * MS);
	assert_int_equal(e->c.unreplied, 1);
	assert_int_equal(e->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* Equal frames answered oldest first. */
static void test_packet_in_same_frames(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	pkt(f, 10, NOBUF, 4, 0);
	pkt(f, 10, NOBUF, 4, 10 * MS);
	pkt(f, 13, NOBUF, 4, 20 * MS);
	pkt(f, 13, NOBUF, 4, 30 * MS);
	v = views(f, 1 * S);
	e = E(v, 0, OFX_LAT_PACKET_IN, SW);
	assert_int_equal(e->h.count, 2);
	assert_int_equal(e->h.min, 20 * MS);
	assert_int_equal(e->h.max, 20 * MS);
	ofx_lat_views_free(v);
}

/* Windows: the last 10 s and 60 s move on with time; "all" stays. */
static void test_windows(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 2, 1, OUT, 100 * S);
	msg(f, 0, 4, 3, 1, IN, 100 * S + 1 * MS);
	msg(f, 0, 4, 2, 2, OUT, 130 * S);
	msg(f, 0, 4, 3, 2, IN, 130 * S + 3 * MS);
	v = views(f, 131 * S);
	assert_int_equal(E(v, OFX_LAT_ALL, OFX_LAT_ECHO, CTL)->h.count, 2);
	assert_int_equal(E(v, OFX_LAT_10S, OFX_LAT_ECHO, CTL)->h.count, 1);
	assert_int_equal(E(v, OFX_LAT_10S, OFX_LAT_ECHO, CTL)->h.min, 3 * MS);
	assert_int_equal(E(v, OFX_LAT_60S, OFX_LAT_ECHO, CTL)->h.count, 2);
	ofx_lat_views_free(v);
	v = views(f, 200 * S);
	assert_int_equal(E(v, OFX_LAT_ALL, OFX_LAT_ECHO, CTL)->h.count, 2);
	assert_int_equal(E(v, OFX_LAT_10S, OFX_LAT_ECHO, CTL)->h.count, 0);
	assert_int_equal(E(v, OFX_LAT_60S, OFX_LAT_ECHO, CTL)->h.count, 0);
	ofx_lat_views_free(v);
}

/* Per switch: each connection's figures in its own scope. */
static void test_per_switch(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_view *a, *b;

	msg(f, 0, 4, 2, 1, OUT, 0);
	msg(f, 0, 4, 3, 1, IN, 1 * MS);
	msg(f, 1, 4, 2, 1, OUT, 0);
	msg(f, 1, 4, 3, 1, IN, 7 * MS);
	v = views(f, 1 * S);
	a = ofx_lat_views_find(v, "sw0");
	b = ofx_lat_views_find(v, "sw1");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->e[0][OFX_LAT_ECHO][CTL].h.max, 1 * MS);
	assert_int_equal(b->e[0][OFX_LAT_ECHO][CTL].h.max, 7 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 2);
	ofx_lat_views_free(v);
}

/* A full table drops the oldest quarter of its time span at once, as
 * unreplied and counted; the newest stay matchable. Four times the cap of
 * never-answered requests (a controller that drops PACKET_INs) keep the
 * table bounded. */
static void test_pending_cap(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const uint32_t n = 4 * OFX_LAT_PENDING_MAX;
	const struct ofx_lat_entry *e;

	for (uint32_t i = 0; i < n; i++) {
		pkt(f, 10, i, -1, (uint64_t)i * 1000);
		assert_true(f->st.pending <= OFX_LAT_PENDING_MAX);
	}
	/* each eviction drops about a quarter: a handful of passes */
	assert_true(f->st.pending_evicted >= n - OFX_LAT_PENDING_MAX);
	assert_true(f->st.pending >= OFX_LAT_PENDING_MAX / 2);
	assert_int_equal(f->st.pending + f->st.pending_evicted, n);
	pkt(f, 13, n - 1, -1, (uint64_t)n * 1000); /* newest still there */
	pkt(f, 13, 0, -1, (uint64_t)n * 1000); /* oldest was dropped */
	v = views(f, 1 * S);
	e = E(v, 0, OFX_LAT_PACKET_IN, SW);
	assert_int_equal(e->c.unreplied, f->st.pending_evicted);
	assert_int_equal(e->h.count, 1);
	assert_int_equal(e->h.min, 1000);
	assert_int_equal(e->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* Identical frames (or one reused xid): at most OFX_LAT_DUP_MAX pending,
 * the oldest gives way, counted; the rest still match oldest first. */
static void test_dup_cap(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const uint32_t n = 1000;

	for (uint32_t i = 0; i < n; i++)
		pkt(f, 10, NOBUF, 7, (uint64_t)i * 1000);
	assert_int_equal(f->st.pending, OFX_LAT_DUP_MAX);
	assert_int_equal(f->st.pending_evicted, n - OFX_LAT_DUP_MAX);
	pkt(f, 13, NOBUF, 7, (uint64_t)n * 1000);
	v = views(f, 1 * S);
	/* the oldest left is number n - DUP_MAX */
	assert_int_equal(E(v, 0, OFX_LAT_PACKET_IN, SW)->h.min,
			 (uint64_t)OFX_LAT_DUP_MAX * 1000);
	assert_int_equal(E(v, 0, OFX_LAT_PACKET_IN, SW)->c.unreplied,
			 n - OFX_LAT_DUP_MAX);
	ofx_lat_views_free(v);
}

/* The two directions out of time order (a direction held until proven):
 * a reply that reaches the engine before its request waits for it; a
 * reply captured before a request is never its reply. */
static void test_out_of_order_directions(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 0, 4, 3, 8, IN, 5 * MS); /* ECHO_REPLY first, captured later */
	msg(f, 0, 4, 2, 8, OUT, 2 * MS); /* its request */
	msg(f, 0, 4, 19, 0, IN, 10 * MS); /* MULTIPART_REPLY at 10 ms */
	msg(f, 0, 4, 18, 0, OUT, 11 * MS); /* a request after it, xid 0 */
	msg(f, 0, 4, 19, 0, IN, 15 * MS); /* its reply */
	ofx_latency_finish(f->l);
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.min, 3 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.orphan_replies, 0);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->h.min, 4 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_MULTIPART, CTL)->c.orphan_replies, 1);
	ofx_lat_views_free(v);
}

/* A sweep keeps requests with one key in their order (replies match the
 * oldest), whatever slots the expired ones leave: 300 trials with other
 * keys around them, the table's positions random per process. */
static void test_sweep_keeps_order(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	for (uint32_t t = 0; t < 300; t++) {
		uint64_t b = (100 + (uint64_t)t * 100) * S;

		msg(f, 0, 4, 2, 1000 + t, OUT, b); /* expires */
		for (uint32_t k = 0; k < 6; k++)
			msg(f, 0, 4, 20, 5000 + t * 8 + k, OUT, b + 3 * S);
		msg(f, 0, 4, 5, 7, OUT, b + 3000 * MS);
		msg(f, 0, 4, 5, 7, OUT, b + 3100 * MS);
		/* 6.5 s: the echo is swept, then the replies match */
		msg(f, 0, 4, 6, 7, IN, b + 6500 * MS);
		msg(f, 0, 4, 6, 7, IN, b + 6600 * MS);
		for (uint32_t k = 0; k < 6; k++)
			msg(f, 0, 4, 21, 5000 + t * 8 + k, IN, b + 6700 * MS);
	}
	v = views(f, 40000 * S);
	e = E(v, 0, OFX_LAT_FEATURES, CTL);
	assert_int_equal(e->h.count, 600);
	assert_int_equal(e->h.min, 3500 * MS); /* newest first: 3.4 s */
	assert_int_equal(e->h.max, 3500 * MS); /* ... and 3.6 s */
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.unreplied, 300);
	ofx_lat_views_free(v);
}

/* A steady trickle of unanswered requests: sweeps are a quarter window
 * apart, not one a message; every request still counts as unreplied. */
static void test_trickle_unanswered(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const uint32_t n = 2000;

	for (uint32_t i = 0; i < n; i++) /* 100 a second for 20 s */
		pkt(f, 10, 100000 + i, -1, (uint64_t)i * 10 * MS);
	ofx_latency_finish(f->l);
	v = views(f, 30 * S);
	assert_int_equal(E(v, 0, OFX_LAT_PACKET_IN, SW)->c.unreplied, n);
	ofx_lat_views_free(v);
}

/* The global cap full of one connection's requests: another connection
 * still measures its own (a reserve per connection). */
static void test_global_cap_reserve(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	f->st.pending = OFX_LAT_PENDING_TOTAL; /* as if others held all */
	for (uint32_t i = 0; i < 10; i++) {
		msg(f, 1, 4, 2, i, OUT, (uint64_t)i * MS);
		msg(f, 1, 4, 3, i, IN, (uint64_t)i * MS + 500000);
	}
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 10);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.unreplied, 0);
	ofx_lat_views_free(v);
	f->st.pending -= OFX_LAT_PENDING_TOTAL;
}

/* A connection known by its address first, then by its datapath_id: what
 * it measured moves with it (one switch, not two). */
static bool switch_id_by_stage(void *ctx, const struct of_conn *c, char *buf)
{
	(void)ctx;
	snprintf(buf, 48, "%s",
		 c->has_dpid ? "0x0000000000000001" : "10.0.0.1");
	return true;
}

static void test_identified_moves(void **state)
{
	struct ofx_latency_stats st = {0};
	struct ofx_latency *l =
		ofx_latency_new(NULL, &st, switch_id_by_stage, NULL);
	const struct of_msg_sink *k = ofx_latency_sink(l);
	struct ofx_conn tcp = {0};
	struct of_conn c = {.tcp = &tcp};
	struct ofx_lat_views *v;
	const struct ofx_lat_view *a, *b;
	uint8_t hdr[8] = {4, 2, 0, 8};
	struct of_msg m = {.conn = &c,
			   .version = 4,
			   .data = hdr,
			   .caplen = 8,
			   .length = 8};

	(void)state;
	k->conn(k->ctx, &c, OF_CONN_OPEN);
	m.type = 2, m.xid = 1, m.dir = OUT, m.ts_ns = 1 * S;
	k->msg(k->ctx, &m);
	m.type = 3, m.dir = IN, m.ts_ns = 1 * S + 2 * MS;
	k->msg(k->ctx, &m);
	c.has_dpid = true;
	k->conn(k->ctx, &c, OF_CONN_IDENTIFIED);
	m.type = 2, m.xid = 2, m.dir = OUT, m.ts_ns = 2 * S;
	k->msg(k->ctx, &m);
	m.type = 3, m.dir = IN, m.ts_ns = 2 * S + 4 * MS;
	k->msg(k->ctx, &m);
	v = ofx_latency_views(l, 3 * S);
	a = ofx_lat_views_find(v, "0x0000000000000001");
	b = ofx_lat_views_find(v, "10.0.0.1");
	assert_non_null(a);
	assert_int_equal(a->e[0][OFX_LAT_ECHO][CTL].h.count, 2);
	assert_true(!b || !b->e[0][OFX_LAT_ECHO][CTL].h.count);
	assert_int_equal(v->global.e[0][OFX_LAT_ECHO][CTL].h.count, 2);
	ofx_lat_views_free(v);
	k->conn(k->ctx, &c, OF_CONN_CLOSE);
	ofx_latency_free(l);
}

/* Behind the capture: measurement is shed (pending requests dropped, not
 * unreplied; requests and replies not looked at); caught up: measured
 * again, and a reply to a request sent while shedding is no orphan. */
static void test_shedding(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;
	const struct ofx_lat_entry *e;

	pkt(f, 10, 1, -1, 1 * MS); /* pending when shedding starts */
	/* a lag at a low rate is batching, not a backlog */
	ofx_latency_set_lag(f->l, OFX_LAT_LAG_HIGH_NS + 1, 1 * S);
	ofx_latency_set_lag(f->l, OFX_LAT_LAG_HIGH_NS + 1, 2 * S);
	assert_int_equal(f->st.shedding, 0);
	/* a burst within one drain: no rate yet */
	for (int i = 0; i < 2000; i++)
		msg(f, 0, 4, 0, 0, OUT, 1 * MS); /* HELLOs */
	ofx_latency_set_lag(f->l, OFX_LAT_LAG_HIGH_NS + 1, 2 * S + 1 * MS);
	assert_int_equal(f->st.shedding, 0);
	/* 20,000 messages in 20 ms: a million a second, and behind */
	for (int i = 0; i < 18000; i++)
		msg(f, 0, 4, 0, 0, OUT, 1 * MS);
	ofx_latency_set_lag(f->l, OFX_LAT_LAG_HIGH_NS + 1, 2 * S + 20 * MS);
	assert_int_equal(f->st.shedding, 1);
	assert_int_equal(f->st.shed_dropped, 1);
	pkt(f, 10, 2, -1, 2 * MS); /* shed */
	pkt(f, 13, 2, -1, 3 * MS);
	msg(f, 0, 4, 2, 9, OUT, 3 * MS); /* an echo request: not recorded */
	msg(f, 0, 4, 2, 8, OUT, 3 * MS); /* answered after shedding */
	msg(f, 0, 4, 3, 9, IN, 4 * MS); /* (its reply: not looked at) */
	assert_int_equal(f->st.shed_dropped, 1 + 3);
	ofx_latency_set_lag(f->l, OFX_LAT_LAG_LOW_NS - 1, 3 * S);
	assert_int_equal(f->st.shedding, 0);
	msg(f, 0, 4, 3, 8, IN, 5 * MS); /* no orphan: its request was shed */
	pkt(f, 10, 3, -1, 2000 * MS); /* a new second, measured again */
	pkt(f, 13, 3, -1, 2005 * MS);
	msg(f, 0, 4, 2, 7, OUT, 2006 * MS); /* timed again */
	msg(f, 0, 4, 3, 7, IN, 2007 * MS);
	ofx_latency_finish(f->l);
	v = views(f, 3 * S);
	e = E(v, 0, OFX_LAT_PACKET_IN, SW);
	assert_int_equal(e->h.count, 1);
	assert_int_equal(e->h.min, 5 * MS);
	assert_int_equal(e->c.unreplied, 0);
	assert_int_equal(f->st.pin_unsampled, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.count, 1);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->h.min, 1 * MS);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.orphan_replies, 0);
	assert_int_equal(E(v, 0, OFX_LAT_ECHO, CTL)->c.unreplied, 0);
	assert_int_equal(f->st.shed_dropped, 1 + 3 + 1);
	assert_int_equal(f->st.shed_periods, 1);
	ofx_lat_views_free(v);
}

/* A connection that closes with requests pending: unreplied. */
static void test_close(void **state)
{
	struct fix *f = *state;
	struct ofx_lat_views *v;

	msg(f, 1, 4, 20, 1, OUT, 0);
	f->sink->conn(f->sink->ctx, &f->c[1], OF_CONN_CLOSE);
	assert_null(f->c[1].lat);
	v = views(f, 1 * S);
	assert_int_equal(E(v, 0, OFX_LAT_BARRIER, CTL)->c.unreplied, 1);
	assert_int_equal(f->st.pending, 0);
	ofx_lat_views_free(v);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_vs_sorted),
		cmocka_unit_test(test_hist_rank),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_pool_cap),
		T(test_echo_pair),
		T(test_order_dups_reuse),
		T(test_direction_and_connection),
		T(test_error_and_versions),
		T(test_multipart_parts),
		T(test_unreplied),
		T(test_late_reply_without_tick),
		T(test_packet_in),
		T(test_packet_in_same_frames),
		T(test_windows),
		T(test_per_switch),
		T(test_pending_cap),
		T(test_dup_cap),
		T(test_out_of_order_directions),
		T(test_sweep_keeps_order),
		T(test_trickle_unanswered),
		T(test_global_cap_reserve),
		T(test_shedding),
		cmocka_unit_test(test_identified_moves),
		T(test_close),
	};

	return cmocka_run_group_tests_name("latency", tests, NULL, NULL);
}
