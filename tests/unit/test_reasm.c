// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_reasm.c - TCP stream reassembly (user/stream/reasm.c) feeding the OpenFlow
 * framer: every case checks the exact message and byte counts in struct
 * ofx_stats and the reassembly counters the rules in reasm.h define.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "ofx_test_util.h"
#include "stream/reasm.h"

#define IN OFX_DIR_IN
#define OUT OFX_DIR_OUT
#define SYN OFX_TCP_SYN
#define ACK OFX_TCP_ACK
#define FIN OFX_TCP_FIN
#define RST OFX_TCP_RST
#define PSH OFX_TCP_PSH

/*
 * The switch->controller test stream S (OpenFlow 1.3, 448 bytes):
 *   [0,8)     HELLO
 *   [8,40)    FEATURES_REPLY, datapath_id 0x0000000000000abc
 *   [40,140)  PACKET_IN
 *   [140,148) ECHO_REQUEST
 *   [148,448) MULTIPART_REPLY
 */
#define S_LEN 448
#define S_DPID 0xabcull

static uint8_t S[S_LEN];

static void build_s(void)
{
	size_t off = 0;

	off += ofxt_msg(S + off, 4, 0, 8, 1);
	off += ofxt_msg(S + off, 4, 6, 32, 2);
	S[8 + 15] = 0xbc; /* datapath_id: message bytes 8..15 */
	S[8 + 14] = 0x0a;
	off += ofxt_msg(S + off, 4, 10, 100, 3);
	off += ofxt_msg(S + off, 4, 2, 8, 4);
	off += ofxt_msg(S + off, 4, 19, 300, 5);
	assert_int_equal(off, S_LEN);
}

/*
 * The controller->switch stream C (OpenFlow 1.3, 116 bytes): HELLO 8,
 * FEATURES_REQUEST 8, SET_CONFIG 12, FLOW_MOD 80, BARRIER_REQUEST 8.
 */
#define C_LEN 116
static uint8_t C[C_LEN];

static void build_c(void)
{
	size_t off = 0;

	off += ofxt_msg(C + off, 4, 0, 8, 1);
	off += ofxt_msg(C + off, 4, 5, 8, 2);
	off += ofxt_msg(C + off, 4, 9, 12, 3);
	off += ofxt_msg(C + off, 4, 14, 80, 4);
	off += ofxt_msg(C + off, 4, 20, 8, 5);
	assert_int_equal(off, C_LEN);
}

struct ctx {
	struct ofx_stats *st;
	struct ofx_reasm *r;
	struct ofx_flow_key kin; /* switch 10.0.0.1:40000 -> 10.0.0.2:6653 */
	struct ofx_flow_key kout; /* the reverse */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	build_s();
	build_c();
	c->st = ofxt_stats_new();
	c->kin = ofxt_key(1, 40000, 2, 6653);
	c->kout = ofxt_key_rev(&c->kin);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ofx_reasm_free(c->r);
	free(c->st);
	free(c);
	return 0;
}

static void new_reasm(struct ctx *c, const struct ofx_reasm_opts *o)
{
	c->r = ofx_reasm_new(o, c->st);
	assert_non_null(c->r);
}

/* Feed one segment of direction IN (key kin) or OUT (key kout). */
static void seg(struct ctx *c, int dir, uint64_t ts, uint32_t seq,
		uint8_t flags, const uint8_t *data, uint32_t len)
{
	struct ofx_segment s = ofxt_seg(dir == IN ? &c->kin : &c->kout, dir, ts,
					seq, flags, data, len);

	ofx_reasm_feed(c->r, &s);
}

/* Bytes [from, to) of S, sent at ISN-relative offset (seq = isn+1+from). */
static void s_part(struct ctx *c, uint64_t ts, uint32_t isn, uint32_t from,
		   uint32_t to, uint8_t flags)
{
	seg(c, IN, ts, isn + 1 + from, flags | ACK, S + from, to - from);
}

/* The whole of S counted @times in direction @dir. */
static void assert_s(const struct ctx *c, int dir, uint64_t times)
{
	const struct ofx_stats *st = c->st;

	assert_int_equal(st->of_total[dir].msgs, 5 * times);
	assert_int_equal(st->of_total[dir].bytes, S_LEN * times);
	assert_int_equal(st->of[4][0][dir].msgs, times);
	assert_int_equal(st->of[4][0][dir].bytes, 8 * times);
	assert_int_equal(st->of[4][6][dir].msgs, times);
	assert_int_equal(st->of[4][6][dir].bytes, 32 * times);
	assert_int_equal(st->of[4][10][dir].msgs, times);
	assert_int_equal(st->of[4][10][dir].bytes, 100 * times);
	assert_int_equal(st->of[4][2][dir].msgs, times);
	assert_int_equal(st->of[4][2][dir].bytes, 8 * times);
	assert_int_equal(st->of[4][19][dir].msgs, times);
	assert_int_equal(st->of[4][19][dir].bytes, 300 * times);
	assert_int_equal(ofxt_of_msgs(st, dir), 5 * times);
	assert_int_equal(st->bad_headers, 0);
}

static void assert_total(const struct ctx *c, int dir, uint64_t msgs,
			 uint64_t bytes)
{
	assert_int_equal(c->st->of_total[dir].msgs, msgs);
	assert_int_equal(c->st->of_total[dir].bytes, bytes);
}

/* No loss, no reordering, no retransmission seen. */
static void assert_clean(const struct ctx *c)
{
	const struct ofx_reasm_stats *rs = &c->st->reasm;

	assert_int_equal(rs->retrans_segs, 0);
	assert_int_equal(rs->retrans_bytes, 0);
	assert_int_equal(rs->ooo_segs, 0);
	assert_int_equal(rs->ooo_dropped_segs, 0);
	assert_int_equal(rs->gaps, 0);
	assert_int_equal(rs->gap_bytes, 0);
	assert_int_equal(rs->resyncs, 0);
	assert_int_equal(rs->resync_skipped_bytes, 0);
	assert_int_equal(rs->partial_msgs, 0);
	assert_int_equal(rs->ooo_bytes_queued, 0);
}

/* Find the tracked stream with key @k. */
static int find_conn(const struct ctx *c, const struct ofx_flow_key *k,
		     struct ofx_conn_info *out)
{
	struct ofx_conn_info ci[16];
	unsigned int n = ofx_reasm_conns(c->r, ci, 16);

	for (unsigned int i = 0; i < n; i++) {
		if (ci[i].key.sport == k->sport &&
		    ci[i].key.dport == k->dport &&
		    ci[i].key.saddr[0] == k->saddr[0] &&
		    ci[i].key.daddr[0] == k->daddr[0]) {
			if (out)
				*out = ci[i];
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static void test_syn_in_order(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1000;
	struct ofx_conn_info ci;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.streams_total, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
	assert_total(c, IN, 0, 0);

	/* cuts inside a header (3), a body (50, 200) */
	s_part(c, 2, isn, 0, 3, 0);
	assert_total(c, IN, 0, 0);
	s_part(c, 3, isn, 3, 50, 0);
	assert_total(c, IN, 3, 140); /* HELLO, FEATURES_REPLY, PACKET_IN */
	s_part(c, 4, isn, 50, 200, PSH);
	assert_total(c, IN, 5, S_LEN);
	s_part(c, 5, isn, 200, S_LEN, PSH);
	assert_s(c, IN, 1);
	assert_clean(c);
	assert_total(c, OUT, 0, 0);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.streams_total, 1);

	assert_true(find_conn(c, &c->kin, &ci));
	assert_int_equal(ci.dir, IN);
	assert_int_equal(ci.version, 4);
	assert_int_equal(ci.msgs, 5);
	assert_true(ci.has_dpid);
	assert_int_equal(ci.datapath_id, S_DPID);
	assert_int_equal(ci.last_ts_ns, 5);
}

/* S twice, one byte per segment. */
static void test_one_byte_segments(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 77;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	for (uint32_t i = 0; i < S_LEN; i++)
		s_part(c, 2 + i, isn, i, i + 1, 0);
	for (uint32_t i = 0; i < S_LEN; i++)
		seg(c, IN, 1000 + i, isn + 1 + S_LEN + i, ACK, S + i, 1);
	assert_s(c, IN, 2);
	assert_clean(c);
}

static void test_retrans_whole(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 5000;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 200, 0);
	s_part(c, 3, isn, 0, 200, 0); /* retransmission */
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, 200);
	assert_total(c, IN, 5, S_LEN); /* MULTIPART_REPLY header at 148 */
	s_part(c, 4, isn, 200, S_LEN, 0);
	s_part(c, 5, isn, 200, S_LEN, 0); /* again */
	s_part(c, 6, isn, 140, 148, 0); /* an old piece */
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.retrans_segs, 3);
	assert_int_equal(c->st->reasm.retrans_bytes, 200 + 248 + 8);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
}

static void test_partial_overlap(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 5000;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 150, 0);
	s_part(c, 3, isn, 100, 300, 0); /* 50 old bytes */
	assert_int_equal(c->st->reasm.retrans_segs, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 50);
	s_part(c, 4, isn, 299, S_LEN, 0); /* 1 old byte */
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.retrans_segs, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 51);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
	assert_int_equal(c->st->reasm.partial_msgs, 0);
}

static void test_ooo_two(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 200, S_LEN, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 248);
	assert_total(c, IN, 0, 0);
	s_part(c, 3, isn, 0, 200, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
}

static void test_ooo_three_reversed(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 300, S_LEN, 0);
	s_part(c, 3, isn, 100, 300, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 348);
	assert_total(c, IN, 0, 0);
	s_part(c, 4, isn, 0, 100, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_dropped_segs, 0);
	/* the stream continues in order afterwards */
	seg(c, IN, 5, isn + 1 + S_LEN, ACK, S, S_LEN);
	assert_s(c, IN, 2);
}

/* Queued segments overlapping each other: trimmed on delivery. */
static void test_ooo_overlaps(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 200, S_LEN, 0); /* queued */
	s_part(c, 3, isn, 150, 300, 0); /* queued, 100 bytes overlap */
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_dropped_segs, 0);
	s_part(c, 4, isn, 0, 150, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
	/* [150,300) and [200,448) share 100 bytes: decoded once */
	assert_int_equal(c->st->reasm.retrans_bytes, 100);
	assert_int_equal(c->st->reasm.retrans_segs, 0);
}

/* A queued segment wholly covered by queued data is dropped. */
static void test_ooo_duplicate(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 200, S_LEN, 0); /* queued */
	s_part(c, 3, isn, 200, S_LEN, 0); /* same again */
	s_part(c, 4, isn, 250, 300, 0); /* inside it */
	assert_int_equal(c->st->reasm.ooo_dropped_segs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 248);
	assert_total(c, IN, 0, 0);
	s_part(c, 5, isn, 0, 200, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
	print_message("ooo_duplicate: ooo_segs %" PRIu64
		      " retrans_segs %" PRIu64 " retrans_bytes %" PRIu64 "\n",
		      c->st->reasm.ooo_segs, c->st->reasm.retrans_segs,
		      c->st->reasm.retrans_bytes);
}

/*
 * The queue's last segment is not always the one that ends last: a
 * segment inside an earlier, longer one is still found to be covered.
 */
static void test_ooo_covered_not_by_tail(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 300, 310, 0); /* queued: the tail */
	s_part(c, 3, isn, 250, 440, 0); /* queued before it, ends later */
	s_part(c, 4, isn, 350, 360, 0); /* inside [250,440) */
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_dropped_segs, 1);
	s_part(c, 5, isn, 0, 250, 0);
	s_part(c, 6, isn, 440, S_LEN, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
}

static void test_seq_wraparound(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 0xffffff00u; /* data 0xffffff01..: wraps at 255 */

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 100, 0);
	s_part(c, 3, isn, 100, 300, 0); /* spans 2^32; PACKET_IN.. */
	s_part(c, 4, isn, 0, 100, 0); /* retransmission from before the wrap */
	s_part(c, 5, isn, 300, S_LEN, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, 100);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);

	/* Second connection: out of order across the wrap. */
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;
	const uint32_t isn2 = 0xffffffa0u; /* 95 bytes before the wrap */
	static const uint32_t cuts[][2] = {{300, S_LEN}, {90, 300}, {0, 90}};

	s = ofxt_seg(&k2, IN, 10, isn2, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	for (int i = 0; i < 3; i++) {
		s = ofxt_seg(&k2, IN, 11 + i, isn2 + 1 + cuts[i][0], ACK,
			     S + cuts[i][0], cuts[i][1] - cuts[i][0]);
		ofx_reasm_feed(c->r, &s);
	}
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 100);
	assert_int_equal(c->st->reasm.resyncs, 0);
	assert_int_equal(c->st->reasm.streams_active, 2);
}

/* First segment seen 37 bytes before the end of a message: resync. */
static void test_midstream_join(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[37 + S_LEN];
	const uint32_t seq = 123456789;

	memset(buf, 0, 37);
	memcpy(buf + 37, S, S_LEN);
	new_reasm(c, NULL);
	seg(c, IN, 1, seq, ACK, buf, 100);
	assert_int_equal(c->st->reasm.midstream_joins, 1);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.streams_total, 1);
	seg(c, IN, 2, seq + 100, ACK, buf + 100, sizeof(buf) - 100);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.resyncs, 1);
	assert_int_equal(c->st->reasm.resync_skipped_bytes, 37);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.retrans_segs, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
}

/*
 * Hole [60,120) inside PACKET_IN's body ([40,140)): [120,448) queued at
 * t=20; hole_timeout 1000 ns. Given up only when open longer than that.
 */
static void setup_hole(struct ctx *c, const struct ofx_reasm_opts *o,
		       uint32_t isn)
{
	new_reasm(c, o);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 10, isn, 0, 60, 0);
	s_part(c, 20, isn, 120, S_LEN, 0);
	assert_total(c, IN, 3, 140);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 328);
}

/* After the hole [60,120) was given up: everything else counted. */
static void assert_hole_given_up(const struct ctx *c)
{
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_int_equal(c->st->reasm.partial_msgs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	/* the hole was inside a body: the framer stayed in sync */
	assert_int_equal(c->st->reasm.resyncs, 0);
	assert_int_equal(c->st->reasm.resync_skipped_bytes, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
}

static void test_hole_timeout_tick(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};

	setup_hole(c, &o, 42);
	ofx_reasm_tick(c->r, 500);
	ofx_reasm_tick(c->r, 1019);
	ofx_reasm_tick(c->r, 1020); /* open exactly 1000 ns: not longer */
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_total(c, IN, 3, 140);
	ofx_reasm_tick(c->r, 1021);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.streams_active, 1);
	/* in-order data after it still flows */
	seg(c, IN, 1100, 42 + 1 + S_LEN, ACK, S, 8);
	assert_total(c, IN, 6, S_LEN + 8);
}

static void test_hole_timeout_feed(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;

	setup_hole(c, &o, 42);
	/* a segment of another stream does not touch this hole's timer
	 * before it expires */
	s = ofxt_seg(&k2, IN, 900, 7, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.gaps, 0);
	/* the next segment of this stream at t=2000: hole given up in feed */
	seg(c, IN, 2000, 42 + 1 + S_LEN, ACK, S, 8);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_int_equal(c->st->reasm.partial_msgs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_total(c, IN, 6, S_LEN + 8);
	assert_int_equal(c->st->of[4][0][IN].msgs, 2);
	assert_int_equal(c->st->reasm.resyncs, 0);
}

/* Filling the hole before the timeout: no gap. */
static void test_hole_filled_in_time(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};

	setup_hole(c, &o, 42);
	s_part(c, 900, 42, 60, 120, 0);
	ofx_reasm_tick(c->r, 5000);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.gap_bytes, 0);
	assert_int_equal(c->st->reasm.partial_msgs, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
}

static void test_hole_max_ooo_segs(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_ooo_segs = 2};

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, 200, 0);
	s_part(c, 4, 9, 200, 300, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 180);
	s_part(c, 5, 9, 300, S_LEN, 0); /* a third would exceed 2 */
	assert_hole_given_up(c);
}

static void test_hole_max_ooo_bytes(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_ooo_bytes = 200};

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, 300, 0); /* 180 queued */
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 180);
	s_part(c, 4, 9, 300, S_LEN, 0); /* +148 would exceed 200 */
	assert_hole_given_up(c);
}

static void test_hole_max_total_ooo_bytes(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_total_ooo_bytes = 500};
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, S_LEN, 0); /* 328 queued */
	s = ofxt_seg(&k2, IN, 4, 1000, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	s = ofxt_seg(&k2, IN, 5, 1001, ACK, S, 60);
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.gaps, 0);
	/* 328 more would make 656 > 500: one hole is given up */
	s = ofxt_seg(&k2, IN, 6, 1001 + 120, ACK, S + 120, S_LEN - 120);
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_true(c->st->reasm.ooo_bytes_queued <= 500);
	ofx_reasm_flush(c->r);
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.gaps, 2);
	assert_int_equal(c->st->reasm.gap_bytes, 120);
	assert_int_equal(c->st->reasm.partial_msgs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
}

static void test_flush(void **state)
{
	struct ctx *c = *state;

	setup_hole(c, NULL, 42);
	ofx_reasm_flush(c->r);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.streams_active, 1); /* kept */
	assert_int_equal(c->st->reasm.streams_closed, 0);
	seg(c, IN, 30, 42 + 1 + S_LEN, ACK, S, 8);
	assert_total(c, IN, 6, S_LEN + 8);
	/* flush with nothing queued changes nothing */
	ofx_reasm_flush(c->r);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_total(c, IN, 6, S_LEN + 8);
}

static void test_fin(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	assert_int_equal(c->st->reasm.streams_active, 2);
	s_part(c, 3, isn, 0, S_LEN, 0);
	seg(c, IN, 4, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.streams_closed, 1);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.streams_total, 2);
	assert_false(find_conn(c, &c->kin, NULL));
	assert_true(find_conn(c, &c->kout, NULL));

	/* FIN carried by the last data segment of the other direction */
	seg(c, OUT, 5, 9001, ACK, C, 50);
	seg(c, OUT, 6, 9051, FIN | ACK, C + 50, C_LEN - 50);
	assert_total(c, OUT, 5, C_LEN);
	assert_int_equal(c->st->reasm.streams_closed, 2);
	assert_int_equal(c->st->reasm.streams_active, 0);
	assert_clean(c);
}

/* FIN seen before the data before it: close only when that is delivered. */
static void test_fin_out_of_order(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 200, 0);
	seg(c, IN, 3, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	assert_int_equal(c->st->reasm.streams_closed, 0);
	assert_int_equal(c->st->reasm.streams_active, 1);
	s_part(c, 4, isn, 200, S_LEN, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.streams_closed, 1);
	assert_int_equal(c->st->reasm.streams_active, 0);
	assert_int_equal(c->st->reasm.gaps, 0);

	/* data + FIN queued out of order, then the hole fills */
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;

	s = ofxt_seg(&k2, IN, 10, 50, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	s = ofxt_seg(&k2, IN, 11, 51 + 200, FIN | ACK, S + 200, S_LEN - 200);
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.streams_active, 1);
	s = ofxt_seg(&k2, IN, 12, 51, ACK, S, 200);
	ofx_reasm_feed(c->r, &s);
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.streams_closed, 2);
	assert_int_equal(c->st->reasm.streams_active, 0);
	assert_int_equal(c->st->reasm.streams_total, 2);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
}

static void test_rst(void **state)
{
	struct ctx *c = *state;

	setup_hole(c, NULL, 42);
	seg(c, IN, 30, 42 + 1 + 60, RST, NULL, 0);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.streams_closed, 1);
	assert_int_equal(c->st->reasm.streams_active, 0);
	assert_int_equal(c->st->reasm.streams_total, 1);
	assert_false(find_conn(c, &c->kin, NULL));
}

static void test_idle_timeout(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.idle_timeout_ns = 10000};

	new_reasm(c, &o);
	seg(c, IN, 100, 7, SYN, NULL, 0);
	s_part(c, 200, 7, 0, S_LEN, 0);
	seg(c, OUT, 5000, 9000, SYN | ACK, NULL, 0);
	ofx_reasm_tick(c->r, 10199);
	assert_int_equal(c->st->reasm.streams_active, 2);
	assert_int_equal(c->st->reasm.streams_idle, 0);
	ofx_reasm_tick(c->r, 10201);
	assert_int_equal(c->st->reasm.streams_idle, 1);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_false(find_conn(c, &c->kin, NULL));
	assert_true(find_conn(c, &c->kout, NULL));
	ofx_reasm_tick(c->r, 15001);
	assert_int_equal(c->st->reasm.streams_idle, 2);
	assert_int_equal(c->st->reasm.streams_active, 0);
	assert_int_equal(c->st->reasm.streams_closed, 0);
	assert_int_equal(c->st->reasm.streams_total, 2);
	assert_s(c, IN, 1);
	assert_clean(c);
}

static void test_max_streams(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_streams = 2};
	struct ofx_flow_key ka = ofxt_key(1, 1001, 2, 6653);
	struct ofx_flow_key kb = ofxt_key(1, 1002, 2, 6653);
	struct ofx_flow_key kc = ofxt_key(1, 1003, 2, 6653);
	struct ofx_segment s;

	new_reasm(c, &o);
	s = ofxt_seg(&ka, IN, 1, 100, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	s = ofxt_seg(&kb, IN, 2, 200, SYN, NULL, 0);
	ofx_reasm_feed(c->r, &s);
	s = ofxt_seg(&ka, IN, 3, 101, ACK, S, 8); /* A used again */
	ofx_reasm_feed(c->r, &s);
	s = ofxt_seg(&kc, IN, 4, 300, SYN, NULL, 0); /* evicts B */
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.streams_evicted, 1);
	assert_int_equal(c->st->reasm.streams_active, 2);
	assert_int_equal(c->st->reasm.streams_total, 3);
	assert_true(find_conn(c, &ka, NULL));
	assert_false(find_conn(c, &kb, NULL));
	assert_true(find_conn(c, &kc, NULL));

	/* B comes back without SYN: a mid-stream join evicting A */
	s = ofxt_seg(&kb, IN, 5, 201, ACK, S, 8);
	ofx_reasm_feed(c->r, &s);
	assert_int_equal(c->st->reasm.streams_evicted, 2);
	assert_int_equal(c->st->reasm.streams_active, 2);
	assert_int_equal(c->st->reasm.streams_total, 4);
	assert_int_equal(c->st->reasm.midstream_joins, 1);
	assert_false(find_conn(c, &ka, NULL));
	assert_true(find_conn(c, &kb, NULL));
	assert_true(find_conn(c, &kc, NULL));
	assert_total(c, IN, 2, 16);
	assert_int_equal(c->st->of[4][0][IN].msgs, 2);
}

/* Both directions of one connection, same seq numbers, interleaved. */
static void test_both_directions(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1000;
	struct ofx_conn_info ci;

	new_reasm(c, NULL);
	seg(c, OUT, 1, isn, SYN, NULL, 0); /* controller connects? any */
	seg(c, IN, 2, isn, SYN | ACK, NULL, 0);
	seg(c, OUT, 3, isn + 1, ACK, C, 16); /* HELLO, FEATURES_REQUEST */
	s_part(c, 4, isn, 0, 30, 0);
	seg(c, OUT, 5, isn + 1 + 16, ACK, C + 16, 20);
	s_part(c, 6, isn, 30, 300, 0);
	seg(c, OUT, 7, isn + 1 + 36, ACK, C + 36, C_LEN - 36);
	s_part(c, 8, isn, 300, S_LEN, 0);
	seg(c, OUT, 9, isn + 1, ACK, C, 16); /* retransmission (OUT) */

	assert_s(c, IN, 1);
	assert_total(c, OUT, 5, C_LEN);
	assert_int_equal(c->st->of[4][0][OUT].msgs, 1);
	assert_int_equal(c->st->of[4][5][OUT].msgs, 1);
	assert_int_equal(c->st->of[4][9][OUT].bytes, 12);
	assert_int_equal(c->st->of[4][14][OUT].bytes, 80);
	assert_int_equal(c->st->of[4][20][OUT].msgs, 1);
	assert_int_equal(c->st->of[4][6][OUT].msgs, 0);
	assert_int_equal(c->st->reasm.streams_active, 2);
	assert_int_equal(c->st->reasm.streams_total, 2);
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, 16);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);

	assert_true(find_conn(c, &c->kin, &ci));
	assert_int_equal(ci.dir, IN);
	assert_int_equal(ci.msgs, 5);
	assert_true(ci.has_dpid);
	assert_int_equal(ci.datapath_id, S_DPID);
	assert_true(find_conn(c, &c->kout, &ci));
	assert_int_equal(ci.dir, OUT);
	assert_int_equal(ci.msgs, 5);
	assert_false(ci.has_dpid);
}

/*
 * A SYN on a tracked stream starts it afresh (connection reuse). The old
 * connection's hole is given up and its queued data delivered first (as
 * on RST), then the new connection is framed from its first byte.
 */
static void test_syn_restart(void **state)
{
	struct ctx *c = *state;

	new_reasm(c, NULL);
	seg(c, IN, 1, 1000, SYN, NULL, 0);
	s_part(c, 2, 1000, 0, 60, 0); /* ends inside PACKET_IN */
	/* queued behind a hole: ECHO_REQUEST + MULTIPART_REPLY's header */
	s_part(c, 3, 1000, 120, 200, 0);
	assert_total(c, IN, 3, 140);
	seg(c, IN, 4, 777777, SYN, NULL, 0);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_total(c, IN, 5, S_LEN);
	seg(c, IN, 5, 777778, ACK, S, S_LEN);
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->bad_headers, 0);
}

/* A retransmitted SYN does not restart the stream. */
static void test_syn_retransmitted(void **state)
{
	struct ctx *c = *state;

	new_reasm(c, NULL);
	seg(c, IN, 1, 1000, SYN, NULL, 0);
	seg(c, IN, 2, 1000, SYN, NULL, 0);
	s_part(c, 3, 1000, 0, 60, 0);
	seg(c, IN, 4, 1000, SYN, NULL, 0);
	s_part(c, 5, 1000, 60, S_LEN, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.streams_total, 1);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.resyncs, 0);
	assert_int_equal(c->st->reasm.partial_msgs, 0);
}

/* Pure ACKs change nothing. */
static void test_pure_ack(void **state)
{
	struct ctx *c = *state;

	new_reasm(c, NULL);
	seg(c, IN, 1, 1000, SYN, NULL, 0);
	seg(c, IN, 2, 1001, ACK, NULL, 0);
	seg(c, IN, 3, 5000, ACK, NULL, 0); /* odd seq, no payload */
	s_part(c, 4, 1000, 0, S_LEN, 0);
	seg(c, IN, 5, 1001 + S_LEN, ACK, NULL, 0);
	assert_s(c, IN, 1);
	assert_clean(c);
	assert_int_equal(c->st->reasm.streams_active, 1);
	assert_int_equal(c->st->reasm.streams_total, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_syn_in_order),
		T(test_one_byte_segments),
		T(test_retrans_whole),
		T(test_partial_overlap),
		T(test_ooo_two),
		T(test_ooo_three_reversed),
		T(test_ooo_overlaps),
		T(test_ooo_duplicate),
		T(test_ooo_covered_not_by_tail),
		T(test_seq_wraparound),
		T(test_midstream_join),
		T(test_hole_timeout_tick),
		T(test_hole_timeout_feed),
		T(test_hole_filled_in_time),
		T(test_hole_max_ooo_segs),
		T(test_hole_max_ooo_bytes),
		T(test_hole_max_total_ooo_bytes),
		T(test_flush),
		T(test_fin),
		T(test_fin_out_of_order),
		T(test_rst),
		T(test_idle_timeout),
		T(test_max_streams),
		T(test_both_directions),
		T(test_syn_restart),
		T(test_syn_retransmitted),
		T(test_pure_ack),
	};
#undef T

	return cmocka_run_group_tests_name("reasm", tests, NULL, NULL);
}
