// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_reasm_halfspace.c - TCP reassembly (user/stream/reasm.c) with
 * segments exactly 2^31 bytes from the next expected seq, where the serial
 * difference is INT32_MIN: computing the bytes already seen must not negate
 * it (undefined behaviour; `make unit-san` builds this test with
 * -fsanitize=undefined -fno-sanitize-recover=undefined, so such a
 * negation aborts the test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ofx_test_util.h"
#include "stream/reasm.h"

#define HALF 0x80000000u /* 2^31 */

static uint8_t hello[8]; /* OpenFlow 1.3 HELLO */
static uint8_t features[32]; /* FEATURES_REPLY: the sender is the switch */
static uint8_t junk[512];

struct ctx {
	struct ofx_stats *st;
	struct ofxt_stack *k;
	struct ofx_flow_key key;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	ofxt_msg(hello, 4, 0, 8, 1);
	ofxt_msg(features, 4, 6, 32, 2);
	c->st = ofxt_stats_new();
	c->key = ofxt_key(1, 40000, 2, 6653);
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

static void feed(struct ctx *c, uint64_t ts, uint32_t seq, uint8_t flags,
		 const uint8_t *data, uint32_t len)
{
	struct ofx_segment s =
		ofxt_seg(&c->key, OFX_DIR_IN, ts, seq, flags, data, len);

	ofx_reasm_feed(c->k->r, &s);
}

/*
 * In-order data, then a segment 2^31 after the next expected seq: serially
 * "before" it (RFC 1982: the difference is INT32_MIN), so a
 * retransmission of 2^31 bytes ago, counted and not delivered; the stream
 * goes on.
 */
static void test_segment_half_space_away(void **state)
{
	struct ctx *c = *state;
	const uint32_t isn = 1000;

	c->k = ofxt_stack_new(NULL, c->st);
	feed(c, 1, isn, OFX_TCP_SYN, NULL, 0);
	feed(c, 2, isn + 1, OFX_TCP_ACK, hello, sizeof(hello));
	feed(c, 3, isn + 1 + sizeof(hello) + HALF, OFX_TCP_ACK, junk, 100);
	assert_int_equal(c->st->reasm.retrans_segs, 1);
	assert_int_equal(c->st->reasm.retrans_bytes, 100);
	assert_int_equal(c->st->reasm.ooo_segs, 0);
	feed(c, 4, isn + 1 + sizeof(hello), OFX_TCP_ACK, features,
	     sizeof(features));
	assert_int_equal(c->st->msgs.total[OFX_DIR_IN].msgs, 2);
	assert_int_equal(c->st->msgs.total[OFX_DIR_IN].bytes, 40);
	assert_int_equal(c->st->reasm.gaps, 0);
	assert_int_equal(c->st->reasm.connections_active, 1);
}

/*
 * A queued segment that drain() finds exactly 2^31 before the next
 * expected seq. Queued segments that span more than 2^31 bytes of seq
 * space are not kept in serial order: with at most 3 queued per half, C
 * (at 293) is appended after B (at 2^31 - 45); when the hole before B
 * times out, delivery jumps to B's end, 2^31 + 293, and C is next.
 */
static void test_drain_half_space_behind(void **state)
{
	struct ctx *c = *state;
	const struct ofx_reasm_opts o = {.max_ooo_segs = 3,
					 .hole_timeout_ns = 1000};
	const uint32_t base = 77777; /* seq of the first data byte */

	c->k = ofxt_stack_new(&o, c->st);
	feed(c, 1, base - 1, OFX_TCP_SYN, NULL, 0);
	feed(c, 3, base + 55, OFX_TCP_ACK, junk, 17); /* A */
	feed(c, 4, base + HALF - 45, OFX_TCP_ACK, junk, 338); /* B */
	feed(c, 5, base + 293, OFX_TCP_ACK, junk, 86); /* C */
	/* queue full: the hole before A is given up */
	feed(c, 6, base + HALF - 259, OFX_TCP_ACK, junk, 290);
	/* the hole before B times out: B delivered, then C is 2^31 behind */
	feed(c, 2006, base + 143, OFX_TCP_ACK, junk, 398);
	assert_true(c->st->reasm.gaps >= 2);
	assert_true(c->st->reasm.retrans_bytes >= 86);
	assert_int_equal(c->st->reasm.connections_active, 1);
	ofx_reasm_flush(c->k->r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_segment_half_space_away,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_half_space_behind,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
