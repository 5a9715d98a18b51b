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
#include <malloc.h>

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
	struct ofxt_stack *k; /* the real stream + OpenFlow stages */
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

	ofxt_stack_free(c->k);
	free(c->st);
	free(c);
	return 0;
}

static void new_reasm(struct ctx *c, const struct ofx_reasm_opts *o)
{
	c->k = ofxt_stack_new(o, c->st);
}

/* Feed one segment of direction IN (key kin) or OUT (key kout). */
static void seg(struct ctx *c, int dir, uint64_t ts, uint32_t seq,
		uint8_t flags, const uint8_t *data, uint32_t len)
{
	struct ofx_segment s = ofxt_seg(dir == IN ? &c->kin : &c->kout, dir, ts,
					seq, flags, data, len);

	ofx_reasm_feed(c->k->r, &s);
}

/* Bytes [from, to) of S, sent at ISN-relative offset (seq = isn+1+from). */
static void s_part(struct ctx *c, uint64_t ts, uint32_t isn, uint32_t from,
		   uint32_t to, uint8_t flags)
{
	seg(c, IN, ts, isn + 1 + from, flags | ACK, S + from, to - from);
}

/* S counted @times in direction @dir, of whose PACKET_INs @lost_pin bytes
 * and MULTIPART_REPLYs @lost_mp bytes (in all) were never seen: messages
 * count the bytes seen of them. */
static void assert_s_seen(const struct ctx *c, int dir, uint64_t times,
			  uint64_t lost_pin, uint64_t lost_mp)
{
	const struct ofx_stats *st = c->st;

	assert_int_equal(st->msgs.total[dir].msgs, 5 * times);
	assert_int_equal(st->msgs.total[dir].bytes,
			 S_LEN * times - lost_pin - lost_mp);
	assert_int_equal(st->msgs.of[4][0][dir].msgs, times);
	assert_int_equal(st->msgs.of[4][0][dir].bytes, 8 * times);
	assert_int_equal(st->msgs.of[4][6][dir].msgs, times);
	assert_int_equal(st->msgs.of[4][6][dir].bytes, 32 * times);
	assert_int_equal(st->msgs.of[4][10][dir].msgs, times);
	assert_int_equal(st->msgs.of[4][10][dir].bytes, 100 * times - lost_pin);
	assert_int_equal(st->msgs.of[4][2][dir].msgs, times);
	assert_int_equal(st->msgs.of[4][2][dir].bytes, 8 * times);
	assert_int_equal(st->msgs.of[4][19][dir].msgs, times);
	assert_int_equal(st->msgs.of[4][19][dir].bytes, 300 * times - lost_mp);
	assert_int_equal(ofxt_of_msgs(st, dir), 5 * times);
	assert_int_equal(st->of.framing.bad_headers, 0);
}

/* The whole of S counted @times in direction @dir. */
static void assert_s(const struct ctx *c, int dir, uint64_t times)
{
	assert_s_seen(c, dir, times, 0, 0);
}

/* A macro, so that a failure names the caller's line. */
#define assert_total(c, dir, m_, b_)                                           \
	do {                                                                   \
		assert_int_equal((c)->st->msgs.total[dir].msgs, (m_));         \
		assert_int_equal((c)->st->msgs.total[dir].bytes, (b_));        \
	} while (0)

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
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
	assert_int_equal(rs->ooo_bytes_queued, 0);
}

struct find {
	const struct ofx_flow_key *k;
	struct ofx_conn *found;
	int half;
};

static void find_cb(void *ctx, struct ofx_conn *t)
{
	struct find *f = ctx;
	const struct ofx_flow_key *k = f->k;

	if (t->key.sport == k->sport && t->key.dport == k->dport &&
	    t->key.saddr[0] == k->saddr[0] && t->key.daddr[0] == k->daddr[0]) {
		f->found = t;
		f->half = 0;
	} else if (t->key.sport == k->dport && t->key.dport == k->sport &&
		   t->key.saddr[0] == k->daddr[0] &&
		   t->key.daddr[0] == k->saddr[0]) {
		f->found = t;
		f->half = 1;
	}
}

/* The OpenFlow state of the open connection with key @k (either
 * orientation), NULL if none; *@half: @k's half. */
static struct of_conn *find_conn(const struct ctx *c,
				 const struct ofx_flow_key *k, int *half)
{
	struct find f = {.k = k};

	ofx_reasm_foreach(c->k->r, find_cb, &f);
	if (half)
		*half = f.half;
	return f.found ? f.found->app : NULL;
}

/* ------------------------------------------------------------------ */

static void test_syn_in_order(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1000;
	struct of_conn *oc;
	int half;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
	assert_total(c, IN, 0, 0);

	/* cuts inside a header (3), a body (50, 200) */
	s_part(c, 2, isn, 0, 3, 0);
	assert_total(c, IN, 0, 0);
	s_part(c, 3, isn, 3, 50, 0);
	/* messages count once complete: HELLO (held until FEATURES_REPLY
	 * told the role), FEATURES_REPLY */
	assert_total(c, IN, 2, 40);
	s_part(c, 4, isn, 50, 200, PSH);
	assert_total(c, IN, 4, 148); /* + PACKET_IN, ECHO_REQUEST */
	s_part(c, 5, isn, 200, S_LEN, PSH);
	assert_s(c, IN, 1);
	assert_clean(c);
	assert_total(c, OUT, 0, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);

	oc = find_conn(c, &c->kin, &half);
	assert_non_null(oc);
	assert_int_equal(of_conn_dir(oc, half), IN);
	assert_int_equal(oc->role_source, OF_ROLE_MESSAGES);
	assert_int_equal(oc->version, 4);
	assert_int_equal(oc->cnt[IN].msgs, 5);
	assert_int_equal(oc->cnt[OUT].msgs, 0);
	assert_true(oc->has_dpid);
	assert_int_equal(oc->dpid_source, OF_DPID_FEATURES);
	assert_int_equal(oc->datapath_id, S_DPID);
	assert_int_equal(oc->tcp->last_ns, 5);
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
	assert_total(c, IN, 4, 148); /* MULTIPART_REPLY [148,448) not yet */
	s_part(c, 4, isn, 200, S_LEN, 0);
	s_part(c, 5, isn, 200, S_LEN, 0); /* again */
	s_part(c, 6, isn, 140, 148, 0); /* an old piece */
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.retrans_segs, 3);
	assert_int_equal(c->st->reasm.retrans_bytes, 200 + 248 + 8);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
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
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
}

static void test_ooo_two(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 200, S_LEN, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(248));
	assert_total(c, IN, 0, 0);
	s_part(c, 3, isn, 0, 200, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
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
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(148) + ofx_reasm_ooo_cost(200));
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
	assert_int_equal(c->st->of.framing.resyncs, 0);
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
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(248));
	assert_total(c, IN, 0, 0);
	s_part(c, 5, isn, 0, 200, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
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
	ofx_reasm_feed(c->k->r, &s);
	for (int i = 0; i < 3; i++) {
		s = ofxt_seg(&k2, IN, 11 + i, isn2 + 1 + cuts[i][0], ACK,
			     S + cuts[i][0], cuts[i][1] - cuts[i][0]);
		ofx_reasm_feed(c->k->r, &s);
	}
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 100);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->reasm.connections_active, 2);
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
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);
	seg(c, IN, 2, seq + 100, ACK, buf + 100, sizeof(buf) - 100);
	assert_s(c, IN, 1);
	/* a join's search is not a resync */
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 37);
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
	assert_total(c, IN, 2, 40); /* PACKET_IN [40,140) not complete */
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(328));
}

/* After the hole [60,120) was given up: everything else counted, the
 * PACKET_IN with the 40 bytes seen of it. */
static void assert_hole_given_up(const struct ctx *c)
{
	assert_s_seen(c, IN, 1, 60, 0);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	/* the hole was inside a body: the framer stayed in sync */
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
}

static void test_hole_timeout_tick(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};

	setup_hole(c, &o, 42);
	ofx_reasm_tick(c->k->r, 500);
	ofx_reasm_tick(c->k->r, 1019);
	ofx_reasm_tick(c->k->r, 1020); /* open exactly 1000 ns: not longer */
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_total(c, IN, 2, 40);
	ofx_reasm_tick(c->k->r, 1021);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.connections_active, 1);
	/* in-order data after it still flows */
	seg(c, IN, 1100, 42 + 1 + S_LEN, ACK, S, 8);
	assert_total(c, IN, 6, S_LEN - 60 + 8);
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
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.gaps, 0);
	/* the next segment of this stream at t=2000: hole given up in feed */
	seg(c, IN, 2000, 42 + 1 + S_LEN, ACK, S, 8);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_total(c, IN, 6, S_LEN - 60 + 8);
	assert_int_equal(c->st->msgs.of[4][0][IN].msgs, 2);
	assert_int_equal(c->st->of.framing.resyncs, 0);
}

/* Filling the hole before the timeout: no gap. */
static void test_hole_filled_in_time(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};

	setup_hole(c, &o, 42);
	s_part(c, 900, 42, 60, 120, 0);
	ofx_reasm_tick(c->k->r, 5000);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.gap_bytes, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
}

static void test_hole_max_ooo_segs(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_ooo_segs = 2};

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, 200, 0);
	/* continues [120,200), whose entry has no room for it: a second
	 * entry, with room for twice the first one's 80 bytes */
	s_part(c, 4, 9, 200, 300, 0);
	assert_int_equal(c->st->reasm.ooo_segs, 2);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(80) + ofx_reasm_ooo_cost(160));
	/* 100 bytes in the second entry, no room for 148 more: a third
	 * entry would exceed 2 */
	s_part(c, 5, 9, 300, S_LEN, 0);
	assert_hole_given_up(c);
}

static void test_hole_max_ooo_bytes(void **state)
{
	struct ctx *c = *state;
	/* room for the memory of one 180-byte entry */
	struct ofx_reasm_opts o = {.max_ooo_bytes =
					   (uint32_t)ofx_reasm_ooo_cost(180)};

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, 300, 0); /* 180 queued */
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(180));
	s_part(c, 4, 9, 300, S_LEN, 0); /* +148 would exceed it */
	assert_int_equal(c->st->reasm.ooo_limit_gaps, 1);
	assert_hole_given_up(c);
}

static void test_hole_max_total_ooo_bytes(void **state)
{
	struct ctx *c = *state;
	/* room for one 328-byte entry and a half */
	struct ofx_reasm_opts o = {.max_total_ooo_bytes =
					   ofx_reasm_ooo_cost(328) * 3 / 2};
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;

	new_reasm(c, &o);
	seg(c, IN, 1, 9, SYN, NULL, 0);
	s_part(c, 2, 9, 0, 60, 0);
	s_part(c, 3, 9, 120, S_LEN, 0); /* 328 queued */
	s = ofxt_seg(&k2, IN, 4, 1000, SYN, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&k2, IN, 5, 1001, ACK, S, 60);
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.gaps, 0);
	/* a second 328-byte entry would exceed it: one hole is given up */
	s = ofxt_seg(&k2, IN, 6, 1001 + 120, ACK, S + 120, S_LEN - 120);
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_int_equal(c->st->reasm.ooo_limit_gaps, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued,
			 ofx_reasm_ooo_cost(328));
	ofx_reasm_flush(c->k->r);
	assert_s_seen(c, IN, 2, 120, 0);
	assert_int_equal(c->st->reasm.gaps, 2);
	assert_int_equal(c->st->reasm.gap_bytes, 120);
	assert_int_equal(c->st->of.framing.partial_msgs, 2);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
}

static void test_flush(void **state)
{
	struct ctx *c = *state;

	setup_hole(c, NULL, 42);
	ofx_reasm_flush(c->k->r);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.connections_active, 1); /* kept */
	assert_int_equal(c->st->reasm.connections_closed, 0);
	seg(c, IN, 30, 42 + 1 + S_LEN, ACK, S, 8);
	assert_total(c, IN, 6, S_LEN - 60 + 8);
	/* flush with nothing queued changes nothing */
	ofx_reasm_flush(c->k->r);
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_total(c, IN, 6, S_LEN - 60 + 8);
}

static void test_fin(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	/* one connection owns both directions */
	assert_int_equal(c->st->reasm.connections_active, 1);
	s_part(c, 3, isn, 0, S_LEN, 0);
	seg(c, IN, 4, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	assert_s(c, IN, 1);
	/* one FIN closes a direction, not the connection */
	assert_int_equal(c->st->reasm.connections_closed, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_non_null(find_conn(c, &c->kin, NULL));

	/* FIN carried by the last data segment of the other direction */
	seg(c, OUT, 5, 9001, ACK, C, 50);
	seg(c, OUT, 6, 9051, FIN | ACK, C + 50, C_LEN - 50);
	assert_total(c, OUT, 5, C_LEN);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_null(find_conn(c, &c->kin, NULL));
	/* the final ACK opens nothing */
	seg(c, IN, 7, isn + 2 + S_LEN, ACK, NULL, 0);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_clean(c);
}

/* The last data before a FIN lost for good (nothing queued behind the
 * hole): given up after hole_timeout_ns as a gap up to the FIN, then the
 * connection closes; and at the end of input, the same hole is counted.
 * (It once stayed open until the idle timeout, the bytes in no counter.) */
static void test_fin_after_lost_tail(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};
	const uint32_t isn = 300;

	new_reasm(c, &o);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	s_part(c, 3, isn, 0, 140, 0); /* HELLO .. PACKET_IN */
	/* [140, S_LEN) lost, then the FIN; the other half closes cleanly */
	seg(c, IN, 10, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	seg(c, OUT, 11, 9001, FIN | ACK, NULL, 0);
	ofx_reasm_tick(c->k->r, 500);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.gaps, 0);
	ofx_reasm_tick(c->k->r, 1011); /* open longer than 1000 ns */
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, S_LEN - 140);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);

	/* the same at the end of input (ofxdp read): counted by the flush */
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s = ofxt_seg(&k2, IN, 20, 50, SYN, NULL, 0);

	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&k2, IN, 21, 51, ACK, S, 100);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&k2, IN, 22, 51 + 400, FIN | ACK, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	ofx_reasm_flush(c->k->r);
	assert_int_equal(c->st->reasm.gaps, 2);
	assert_int_equal(c->st->reasm.gap_bytes, S_LEN - 140 + 300);
}

/* A FIN further ahead than any queue would hold (stale, forged) is no
 * proof of a hole: nothing is given up, the data that follows is
 * delivered, not taken for retransmissions. */
static void test_fin_far_ahead_ignored(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.hole_timeout_ns = 1000};
	const uint32_t isn = 300;

	new_reasm(c, &o);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	s_part(c, 3, isn, 0, 140, 0);
	seg(c, IN, 4, isn + 1 + (512u << 20), FIN | ACK, NULL, 0);
	ofx_reasm_tick(c->k->r, 5000);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.gap_bytes, 0);
	s_part(c, 6000, isn, 140, S_LEN, 0); /* the rest of the stream */
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
}

/* FIN seen before the data before it: close only when that is delivered. */
static void test_fin_out_of_order(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, FIN | ACK, NULL, 0); /* the other half is done */
	s_part(c, 2, isn, 0, 200, 0);
	seg(c, IN, 3, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	assert_int_equal(c->st->reasm.connections_closed, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
	s_part(c, 4, isn, 200, S_LEN, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.gaps, 0);

	/* data + FIN queued out of order, then the hole fills */
	struct ofx_flow_key k2 = ofxt_key(3, 40001, 2, 6653);
	struct ofx_segment s;

	struct ofx_flow_key k2r = ofxt_key_rev(&k2);

	s = ofxt_seg(&k2, IN, 10, 50, SYN, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&k2r, OUT, 10, 7000, FIN | ACK, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&k2, IN, 11, 51 + 200, FIN | ACK, S + 200, S_LEN - 200);
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.connections_active, 1);
	s = ofxt_seg(&k2, IN, 12, 51, ACK, S, 200);
	ofx_reasm_feed(c->k->r, &s);
	assert_s(c, IN, 2);
	assert_int_equal(c->st->reasm.connections_closed, 2);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.connections_total, 2);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
}

static void test_rst(void **state)
{
	struct ctx *c = *state;

	setup_hole(c, NULL, 42);
	seg(c, IN, 30, 42 + 1 + 60, RST, NULL, 0);
	assert_hole_given_up(c);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.connections_total, 1);
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
	/* idle counts from the connection's latest segment, either way */
	ofx_reasm_tick(c->k->r, 10201);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_idle, 0);
	ofx_reasm_tick(c->k->r, 15000); /* idle exactly 10000 ns */
	assert_int_equal(c->st->reasm.connections_idle, 0);
	assert_non_null(find_conn(c, &c->kout, NULL));
	ofx_reasm_tick(c->k->r, 15001);
	assert_int_equal(c->st->reasm.connections_idle, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.connections_closed, 0);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_null(find_conn(c, &c->kin, NULL));
	assert_s(c, IN, 1);
	assert_clean(c);
}

static void test_max_conns(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_conns = 2};
	struct ofx_flow_key ka = ofxt_key(1, 1001, 2, 6653);
	struct ofx_flow_key kb = ofxt_key(1, 1002, 2, 6653);
	struct ofx_flow_key kc = ofxt_key(1, 1003, 2, 6653);
	struct ofx_segment s;

	new_reasm(c, &o);
	s = ofxt_seg(&ka, IN, 1, 100, SYN, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&kb, IN, 2, 200, SYN, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&ka, IN, 3, 101, ACK, S, 8); /* A used again */
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&kc, IN, 4, 300, SYN, NULL, 0); /* evicts B */
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.connections_evicted, 1);
	assert_int_equal(c->st->reasm.connections_active, 2);
	assert_int_equal(c->st->reasm.connections_total, 3);
	assert_true(find_conn(c, &ka, NULL));
	assert_false(find_conn(c, &kb, NULL));
	assert_true(find_conn(c, &kc, NULL));

	/* B comes back without SYN: a mid-stream join evicting A */
	s = ofxt_seg(&kb, IN, 5, 201, ACK, S, 8);
	ofx_reasm_feed(c->k->r, &s);
	assert_int_equal(c->st->reasm.connections_evicted, 2);
	assert_int_equal(c->st->reasm.connections_active, 2);
	assert_int_equal(c->st->reasm.connections_total, 4);
	assert_int_equal(c->st->reasm.midstream_joins, 1);
	assert_false(find_conn(c, &ka, NULL));
	assert_true(find_conn(c, &kb, NULL));
	assert_true(find_conn(c, &kc, NULL));
	/* A's HELLO was emitted at its eviction (role by the opener);
	 * B's waits for a message that tells the roles */
	assert_total(c, IN, 1, 8);
	ofxt_stack_free(c->k); /* closes B: its HELLO, by the port rule */
	c->k = NULL;
	assert_total(c, IN, 2, 16);
	assert_int_equal(c->st->msgs.of[4][0][IN].msgs, 2);
}

/* Both directions of one connection, same seq numbers, interleaved. */
static void test_both_directions(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1000;
	struct of_conn *oc;
	int half;

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
	assert_int_equal(c->st->msgs.of[4][0][OUT].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][5][OUT].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][9][OUT].bytes, 12);
	assert_int_equal(c->st->msgs.of[4][14][OUT].bytes, 80);
	assert_int_equal(c->st->msgs.of[4][20][OUT].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][6][OUT].msgs, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, 16);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);

	/* One connection owns both directions; the SYN came from the
	 * controller side, but the messages say which side is the switch. */
	oc = find_conn(c, &c->kin, &half);
	assert_non_null(oc);
	assert_ptr_equal(find_conn(c, &c->kout, NULL), oc);
	assert_int_equal(of_conn_dir(oc, half), IN);
	assert_int_equal(oc->tcp->opener, !half);
	assert_int_equal(oc->role_source, OF_ROLE_MESSAGES);
	assert_int_equal(oc->cnt[IN].msgs, 5);
	assert_int_equal(oc->cnt[OUT].msgs, 5);
	assert_true(oc->has_dpid);
	assert_int_equal(oc->datapath_id, S_DPID);
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
	assert_total(c, IN, 2, 40);
	seg(c, IN, 4, 777777, SYN, NULL, 0);
	/* the old connection ended: its PACKET_IN (partial), ECHO_REQUEST
	 * and the MULTIPART_REPLY cut by the end are emitted, with the
	 * bytes seen of them: PACKET_IN 40 of 100, MULTIPART_REPLY 52 of
	 * 300 */
	assert_int_equal(c->st->reasm.gaps, 1);
	assert_int_equal(c->st->reasm.gap_bytes, 60);
	assert_total(c, IN, 5, S_LEN - 60 - 248);
	seg(c, IN, 5, 777778, ACK, S, S_LEN);
	assert_s_seen(c, IN, 2, 60, 248);
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
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
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
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
	assert_int_equal(c->st->reasm.connections_active, 1);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
}

/* An RST from either side closes the whole connection. */
static void test_rst_closes_both(void **state)
{
	struct ctx *c = *state;

	new_reasm(c, NULL);
	seg(c, IN, 1, 10, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	s_part(c, 3, 10, 0, S_LEN, 0);
	seg(c, OUT, 4, 9001, ACK, C, C_LEN);
	assert_int_equal(c->st->reasm.connections_active, 1);
	seg(c, OUT, 5, 9001 + C_LEN, RST, NULL, 0);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_null(find_conn(c, &c->kin, NULL));
	assert_s(c, IN, 1);
	assert_total(c, OUT, 5, C_LEN);
}

/*
 * A switch that listens (ovs-ofctl to a `ptcp:` port): the controller
 * opens the connection to the OpenFlow port, so the port rule and the
 * opener rule both say the wrong side is the switch; the messages decide.
 */
static void test_passive_switch_roles(void **state)
{
	struct ctx *c = *state;
	/* ovs-ofctl 10.0.0.2:50000 -> switch 10.0.0.1:6634 (an OF port) */
	struct ofx_flow_key kc = ofxt_key(2, 50000, 1, 6634);
	struct ofx_flow_key ks = ofxt_key_rev(&kc);
	uint8_t ctl[64], sw[128];
	size_t nc = 0, ns = 0;
	struct ofx_segment sg;
	struct of_conn *oc;
	int half;

	nc += ofxt_msg(ctl + nc, 4, 0, 8, 1); /* HELLO */
	nc += ofxt_msg(ctl + nc, 4, 18, 16, 2); /* MULTIPART_REQUEST */
	ns += ofxt_msg(sw + ns, 4, 0, 8, 7); /* HELLO */
	ns += ofxt_msg(sw + ns, 4, 19, 16, 2); /* MULTIPART_REPLY */
	new_reasm(c, NULL);
	sg = ofxt_seg(&kc, IN, 1, 100, SYN, NULL, 0); /* IN by port */
	ofx_reasm_feed(c->k->r, &sg);
	sg = ofxt_seg(&ks, OUT, 2, 500, SYN | ACK, NULL, 0);
	ofx_reasm_feed(c->k->r, &sg);
	/* both HELLOs first: neutral, held */
	sg = ofxt_seg(&kc, IN, 3, 101, ACK, ctl, 8);
	ofx_reasm_feed(c->k->r, &sg);
	sg = ofxt_seg(&ks, OUT, 4, 501, ACK, sw, 8);
	ofx_reasm_feed(c->k->r, &sg);
	assert_total(c, IN, 0, 0);
	assert_total(c, OUT, 0, 0);
	sg = ofxt_seg(&kc, IN, 5, 109, ACK, ctl + 8, 16);
	ofx_reasm_feed(c->k->r, &sg);
	sg = ofxt_seg(&ks, OUT, 6, 509, ACK, sw + 8, 16);
	ofx_reasm_feed(c->k->r, &sg);
	/* the request came from the controller: out; the reply in */
	assert_int_equal(c->st->msgs.of[4][18][OUT].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][19][IN].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][0][IN].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][0][OUT].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][18][IN].msgs, 0);
	oc = find_conn(c, &ks, &half);
	assert_non_null(oc);
	assert_int_equal(oc->switch_half, half);
	assert_int_equal(oc->role_source, OF_ROLE_MESSAGES);
	assert_int_equal(oc->tcp->opener, !half);
	assert_int_equal(oc->version, 4);
	/* TCP segments count by role too, those before it included */
	assert_int_equal(oc->tcp_cnt[IN].msgs, 2);
	assert_int_equal(oc->tcp_cnt[OUT].msgs, 2);
	assert_int_equal(c->st->of.tcp[IN].bytes, 24);
}

/* Echoes only, joined mid-stream: the port rule decides, at the latest
 * when the connection ends; nothing is lost meanwhile. */
static void test_role_fallback(void **state)
{
	struct ctx *c = *state;
	uint8_t e[8 * 10];
	size_t n = 0;

	for (int i = 0; i < 10; i++)
		n += ofxt_msg(e + n, 4, 2, 8, (uint32_t)i);
	new_reasm(c, NULL);
	seg(c, IN, 1, 1000, ACK, e, 8 * 3);
	assert_total(c, IN, 0, 0); /* held: ECHO is sent by both sides */
	seg(c, IN, 2, 1000 + 24, ACK, e + 24, 8 * 7);
	/* more than OF_PENDING_MAX held: decided by the port rule */
	assert_total(c, IN, 10, 80);
	assert_int_equal(c->st->of.pending_released_by_fallback,
			 OF_PENDING_MAX);
	assert_int_equal(find_conn(c, &c->kin, NULL)->role_source,
			 OF_ROLE_PORT);
}

/* A keepalive probe (bare ACK one byte before the data) as the first
 * segment of a half does not start it: its data is not held as out of
 * order behind a phantom one-byte hole. */
static void test_keepalive_first(void **state)
{
	struct ctx *c = *state;

	new_reasm(c, NULL);
	seg(c, IN, 1, 5000, ACK, S, 8); /* joined mid-stream: HELLO */
	seg(c, OUT, 2, 8999, ACK, NULL, 0); /* keepalive of the other half */
	seg(c, OUT, 3, 9000, ACK, C, C_LEN);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_total(c, OUT, 5, C_LEN);
}

/* The last data segment retransmitted after both FINs closed the
 * connection: recognised, not counted again, no new connection. */
static void test_retrans_after_close(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	s_part(c, 3, isn, 0, S_LEN, 0);
	seg(c, IN, 4, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	seg(c, OUT, 5, 9001, FIN | ACK, NULL, 0);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	s_part(c, 6, isn, 148, S_LEN, 0); /* retransmitted */
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->reasm.connections_active, 0);
	assert_int_equal(c->st->reasm.midstream_joins, 0);
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, S_LEN - 148);
	assert_s(c, IN, 1);
	/* 5 s later the tuple is free: a segment there is a join */
	s_part(c, 6 + 5000000001ull, isn, 148, S_LEN, 0);
	assert_int_equal(c->st->reasm.connections_total, 2);
	assert_int_equal(c->st->reasm.midstream_joins, 1);
}

/* Segments of a closed connection (its TIME_WAIT) are still TCP segments
 * of that OpenFlow connection on the wire: TCP_OF_in/out count them in
 * their direction (as they count retransmissions while it is open, and as
 * a capture of the wire does), messages not again. The impairing path's
 * integration cases (tests/integration/impair.sh) found them missing. */
static void test_retrans_after_close_tcp_counts(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 300;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	seg(c, OUT, 2, 9000, SYN | ACK, NULL, 0);
	s_part(c, 3, isn, 0, S_LEN, 0);
	seg(c, OUT, 4, 9001, ACK, C, C_LEN);
	seg(c, IN, 5, isn + 1 + S_LEN, FIN | ACK, NULL, 0);
	seg(c, OUT, 6, 9001 + C_LEN, FIN | ACK, NULL, 0);
	assert_int_equal(c->st->reasm.connections_closed, 1);
	assert_int_equal(c->st->of.tcp[IN].msgs, 1);
	assert_int_equal(c->st->of.tcp[IN].bytes, S_LEN);
	assert_int_equal(c->st->of.tcp[OUT].msgs, 1);
	assert_int_equal(c->st->of.tcp[OUT].bytes, C_LEN);
	/* after the final ACK: each side's last data segment again */
	seg(c, IN, 7, isn + 2 + S_LEN, ACK, NULL, 0);
	s_part(c, 8, isn, 148, S_LEN, 0);
	seg(c, OUT, 9, 9001 + 28, ACK, C + 28, C_LEN - 28);
	assert_int_equal(c->st->reasm.retrans_segs, 2);
	assert_int_equal(c->st->reasm.connections_total, 1);
	assert_int_equal(c->st->of.tcp[IN].msgs, 2);
	assert_int_equal(c->st->of.tcp[IN].bytes, S_LEN + S_LEN - 148);
	assert_int_equal(c->st->of.tcp[OUT].msgs, 2);
	assert_int_equal(c->st->of.tcp[OUT].bytes, C_LEN + C_LEN - 28);
	assert_s(c, IN, 1);
	assert_total(c, OUT, 5, C_LEN);
}

/* Kinds of connection for the eviction tests. */
enum { LIVE, DEAD, UNVERIFIED };

/*
 * Connection @k (switch side) at time @ts: SYN, SYN|ACK, then
 * LIVE: a HELLO each way (OpenFlow verified);
 * DEAD: the same, then the switch's FIN (closing);
 * UNVERIFIED: 16 bytes that are no OpenFlow header from the switch.
 */
static void open_kind(struct ctx *c, const struct ofx_flow_key *k, uint64_t ts,
		      int kind)
{
	static const uint8_t junk[16] = {0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa,
					 0x99, 0x88, 0x77, 0x66, 0x55, 0x44,
					 0x33, 0x22, 0x11, 0x00};
	struct ofx_flow_key rk = ofxt_key_rev(k);
	struct ofx_segment s;

	s = ofxt_seg(k, IN, ts, 100, SYN, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&rk, OUT, ts, 500, SYN | ACK, NULL, 0);
	ofx_reasm_feed(c->k->r, &s);
	if (kind == UNVERIFIED) {
		s = ofxt_seg(k, IN, ts, 101, ACK, junk, sizeof(junk));
		ofx_reasm_feed(c->k->r, &s);
		return;
	}
	s = ofxt_seg(k, IN, ts, 101, ACK, S, 8);
	ofx_reasm_feed(c->k->r, &s);
	s = ofxt_seg(&rk, OUT, ts, 501, ACK, C, 8);
	ofx_reasm_feed(c->k->r, &s);
	if (kind == DEAD) {
		s = ofxt_seg(k, IN, ts, 109, FIN | ACK, NULL, 0);
		ofx_reasm_feed(c->k->r, &s);
	}
}

/*
 * A full table evicts dead connections first, then unverified ones, live
 * OpenFlow connections last, whatever their age: the live ones are the
 * oldest here.
 */
static void test_evict_prefers_dead_unverified(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_conns = 6};
	struct ofx_flow_key live[3], dead, unv[2], nw[4];

	new_reasm(c, &o);
	for (int i = 0; i < 3; i++) {
		live[i] = ofxt_key(1, (uint16_t)(1000 + i), 2, 6653);
		open_kind(c, &live[i], 10 + i, LIVE);
	}
	dead = ofxt_key(1, 2000, 2, 6653);
	open_kind(c, &dead, 20, DEAD);
	for (int i = 0; i < 2; i++) {
		unv[i] = ofxt_key(1, (uint16_t)(3000 + i), 2, 6653);
		open_kind(c, &unv[i], 30 + i, UNVERIFIED);
	}
	assert_int_equal(c->st->reasm.connections_active, 6);
	assert_int_equal(c->st->reasm.connections_unverified, 2);
	assert_int_equal(c->st->reasm.connections_evicted, 0);

	/* the dead one goes first */
	nw[0] = ofxt_key(1, 4000, 2, 6653);
	open_kind(c, &nw[0], 40, LIVE);
	assert_int_equal(c->st->reasm.connections_evicted, 1);
	assert_int_equal(c->st->reasm.connections_evicted_dead, 1);
	assert_null(find_conn(c, &dead, NULL));
	/* then the unverified ones, least recently used first */
	nw[1] = ofxt_key(1, 4001, 2, 6653);
	open_kind(c, &nw[1], 41, LIVE);
	assert_null(find_conn(c, &unv[0], NULL));
	assert_non_null(find_conn(c, &unv[1], NULL));
	nw[2] = ofxt_key(1, 4002, 2, 6653);
	open_kind(c, &nw[2], 42, LIVE);
	assert_null(find_conn(c, &unv[1], NULL));
	assert_int_equal(c->st->reasm.connections_evicted_unverified, 2);
	assert_int_equal(c->st->reasm.connections_unverified, 0);
	/* every live one survived so far */
	for (int i = 0; i < 3; i++)
		assert_non_null(find_conn(c, &live[i], NULL));
	assert_int_equal(c->st->reasm.connections_evicted_live, 0);

	/* only live ones left: the least recently used live one goes */
	nw[3] = ofxt_key(1, 4003, 2, 6653);
	open_kind(c, &nw[3], 43, LIVE);
	assert_null(find_conn(c, &live[0], NULL));
	assert_non_null(find_conn(c, &live[1], NULL));
	assert_int_equal(c->st->reasm.connections_evicted_live, 1);
	assert_int_equal(c->st->reasm.connections_evicted, 4);
	assert_int_equal(c->st->reasm.connections_active, 6);
	/* each class's counter adds up to the total */
	assert_int_equal(c->st->reasm.connections_evicted_dead +
				 c->st->reasm.connections_evicted_unverified +
				 c->st->reasm.connections_evicted_live,
			 c->st->reasm.connections_evicted);
}

/* A live connection idle longer than evict_idle_ns is evicted like a dead
 * one, before an unverified one in use. */
static void test_evict_idle_live(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_conns = 2, .evict_idle_ns = 1000};
	struct ofx_flow_key l = ofxt_key(1, 1000, 2, 6653);
	struct ofx_flow_key u = ofxt_key(1, 1001, 2, 6653);
	struct ofx_flow_key n = ofxt_key(1, 1002, 2, 6653);

	new_reasm(c, &o);
	open_kind(c, &l, 10, LIVE);
	open_kind(c, &u, 900, UNVERIFIED);
	open_kind(c, &n, 1010, UNVERIFIED); /* l idle exactly 1000 ns */
	assert_non_null(find_conn(c, &l, NULL));
	assert_null(find_conn(c, &u, NULL));
	assert_int_equal(c->st->reasm.connections_evicted_unverified, 1);
	open_kind(c, &u, 1011, UNVERIFIED); /* l idle 1001 ns: dead */
	assert_null(find_conn(c, &l, NULL));
	assert_non_null(find_conn(c, &n, NULL));
	assert_int_equal(c->st->reasm.connections_evicted_dead, 1);
	assert_int_equal(c->st->reasm.connections_evicted_live, 0);
}

/*
 * A run of adjacent one-byte segments after a hole coalesces into a few
 * queue entries (each new one with room for twice the last one's
 * payload), not one entry each; filling the hole delivers all in order.
 */
static void test_ooo_coalesce(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 3;

	new_reasm(c, NULL);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 8, 0);
	/* hole [8,9); captured together (one time: an entry keeps only
	 * OOO_MARKS times of the segments appended to it) */
	for (uint32_t i = 9; i < S_LEN; i++)
		s_part(c, 3, isn, i, i + 1, 0);
	assert_int_equal(c->st->reasm.ooo_segs, S_LEN - 9);
	assert_int_equal(c->st->reasm.ooo_dropped_segs, 0);
	print_message("ooo_coalesce: %u one-byte segments queued in %" PRIu64
		      " bytes (one entry each: %" PRIu64 ")\n",
		      S_LEN - 9, c->st->reasm.ooo_bytes_queued,
		      (S_LEN - 9) * ofx_reasm_ooo_cost(1));
	assert_true(c->st->reasm.ooo_bytes_queued <=
		    2 * ofx_reasm_ooo_cost(S_LEN));
	assert_total(c, IN, 0, 0);
	s_part(c, 500, isn, 8, 9, 0);
	assert_s(c, IN, 1);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.retrans_bytes, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
}

/* Bytes malloc holds now (heap chunks in use + mmapped chunks). */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/*
 * 100,000 one-byte out-of-order segments, none adjacent to another (no
 * coalescing), behind one hole, limits out of the way: ooo_bytes_queued
 * says at least what the allocator really holds for them, and not much
 * more.
 */
static void test_ooo_memory_accounted(void **state)
{
	struct ctx *c = *state;
	struct ofx_reasm_opts o = {.max_ooo_segs = 1u << 20,
				   .max_ooo_bytes = 1u << 30,
				   .max_total_ooo_bytes = 1ull << 32};
	const uint32_t n = 100000, isn = 7;
	uint8_t b = 0;
	size_t before, held;

	new_reasm(c, &o);
	seg(c, IN, 1, isn, SYN, NULL, 0);
	s_part(c, 2, isn, 0, 8, 0); /* HELLO: the connection is set up */
	before = heap_in_use();
	for (uint32_t i = 0; i < n; i++)
		seg(c, IN, 3, isn + 1 + 10 + 2 * i, ACK, &b, 1);
	held = heap_in_use() - before;
	assert_int_equal(c->st->reasm.ooo_segs, n);
	if (!held) {
		/* another allocator (ASan's) that mallinfo2() does not see */
		print_message(
			"ooo_memory: mallinfo2() sees no heap: skipped\n");
		skip();
	}
	assert_int_equal(c->st->reasm.gaps, 0);
	print_message("ooo_memory: %u one-byte segments hold %zu bytes, "
		      "ooo_bytes_queued %" PRIu64 "\n",
		      n, held, c->st->reasm.ooo_bytes_queued);
	/* (a few bytes of the heap's own bookkeeping, e.g. a fencepost
	 * when it grows, belong to no request) */
	assert_true(c->st->reasm.ooo_bytes_queued + 64 >= held);
	/* honest, not a wild over-estimate */
	assert_true(c->st->reasm.ooo_bytes_queued <= held + held / 4);
	ofx_reasm_flush(c->k->r);
	assert_int_equal(c->st->reasm.ooo_bytes_queued, 0);
	assert_int_equal(c->st->reasm.gaps, n);
}

/*
 * The global cap bounds what the queues really hold: 64 connections
 * with 4,000 one-byte out-of-order segments each (256,000 segments)
 * under a 1 MiB cap.
 */
static void test_ooo_global_cap_bounds_memory(void **state)
{
	struct ctx *c = *state;
	const uint64_t cap = 1u << 20;
	struct ofx_reasm_opts o = {.max_ooo_segs = 1u << 20,
				   .max_ooo_bytes = 1u << 30,
				   .max_total_ooo_bytes = cap};
	const uint32_t nconn = 64, n = 4000;
	struct ofx_flow_key k[64];
	struct ofx_segment s;
	uint8_t b = 0;
	size_t before, held;

	new_reasm(c, &o);
	for (uint32_t j = 0; j < nconn; j++) {
		k[j] = ofxt_key(1, (uint16_t)(20000 + j), 2, 6653);
		s = ofxt_seg(&k[j], IN, 1, 1000, SYN, NULL, 0);
		ofx_reasm_feed(c->k->r, &s);
		s = ofxt_seg(&k[j], IN, 2, 1001, ACK, S, 8);
		ofx_reasm_feed(c->k->r, &s);
	}
	before = heap_in_use();
	for (uint32_t j = 0; j < nconn; j++) {
		for (uint32_t i = 0; i < n; i++) {
			s = ofxt_seg(&k[j], IN, 3, 1001 + 10 + 2 * i, ACK, &b,
				     1);
			ofx_reasm_feed(c->k->r, &s);
		}
	}
	held = heap_in_use() - before;
	print_message("ooo_global_cap: %u segments under a %" PRIu64
		      "-byte cap hold %zu bytes, ooo_bytes_queued %" PRIu64
		      ", gaps %" PRIu64 "\n",
		      nconn * n, cap, held, c->st->reasm.ooo_bytes_queued,
		      c->st->reasm.gaps);
	assert_true(c->st->reasm.ooo_bytes_queued <= cap);
	assert_true(held <= cap);
	assert_true(c->st->reasm.gaps > 0);
	/* every hole given up here was given up for the cap */
	assert_int_equal(c->st->reasm.ooo_limit_gaps, c->st->reasm.gaps);
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
		T(test_fin_far_ahead_ignored),
		T(test_fin_after_lost_tail),
		T(test_fin_out_of_order),
		T(test_rst),
		T(test_idle_timeout),
		T(test_max_conns),
		T(test_both_directions),
		T(test_syn_restart),
		T(test_syn_retransmitted),
		T(test_pure_ack),
		T(test_rst_closes_both),
		T(test_passive_switch_roles),
		T(test_role_fallback),
		T(test_keepalive_first),
		T(test_retrans_after_close),
		T(test_retrans_after_close_tcp_counts),
		T(test_evict_prefers_dead_unverified),
		T(test_evict_idle_live),
		T(test_ooo_coalesce),
		T(test_ooo_memory_accounted),
		T(test_ooo_global_cap_bounds_memory),
	};
#undef T

	return cmocka_run_group_tests_name("reasm", tests, NULL, NULL);
}
