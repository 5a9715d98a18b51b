// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_switches.c - switch records and views (user/analysis/switches.c)
 * through the real pipeline (reassembly, OpenFlow, switches): a switch's
 * compact view holds exactly its counts while its growable tables grow
 * under the per-connection caches of several connections.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ofx_test_util.h"
#include "pipeline.h"

#define IN OFX_DIR_IN
#define OUT OFX_DIR_OUT
#define DPID 0x42ull

/* One TCP connection as the test drives it: switch side @sw (half 0). */
struct tconn {
	struct ofx_flow_key sw, ctl;
	uint32_t sw_seq, ctl_seq;
};

struct ctx {
	struct ofx_stats_pub *pub;
	struct ofx_pipeline *p;
	uint64_t ts;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->pub = ofx_stats_pub_new(1);
	assert_non_null(c->pub);
	c->p = ofx_pipeline_new(c->pub, NULL);
	assert_non_null(c->p);
	c->ts = 1000;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ofx_pipeline_free(c->p);
	ofx_stats_pub_free(c->pub);
	free(c);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void feed(struct ctx *c, const struct ofx_flow_key *k, uint8_t dir,
		 uint32_t *seq, uint8_t flags, const uint8_t *data,
		 uint32_t len)
{
	struct ofx_segment s =
		ofxt_seg(k, dir, c->ts++, *seq, flags, data, len);

	ofx_pipeline_feed(c->p, &s);
	*seq += len + ((flags & OFX_TCP_SYN) ? 1 : 0);
}

/* A 1.3 connection from 10.0.0.@a:@sport to the controller: SYN, SYN|ACK,
 * HELLOs, FEATURES_REQUEST and, when @dpid, a FEATURES_REPLY naming it. */
static void open_conn(struct ctx *c, struct tconn *t, uint8_t a, uint16_t sport,
		      uint64_t dpid)
{
	uint8_t buf[32];

	t->sw = ofxt_key(a, sport, 100, 6653);
	t->ctl = ofxt_key_rev(&t->sw);
	t->sw_seq = 1000u * sport;
	t->ctl_seq = 7000u * sport;
	feed(c, &t->sw, IN, &t->sw_seq, OFX_TCP_SYN, NULL, 0);
	feed(c, &t->ctl, OUT, &t->ctl_seq, OFX_TCP_SYN | OFX_TCP_ACK, NULL, 0);
	ofxt_msg(buf, 4, 0, 8, 1);
	feed(c, &t->sw, IN, &t->sw_seq, OFX_TCP_ACK, buf, 8);
	feed(c, &t->ctl, OUT, &t->ctl_seq, OFX_TCP_ACK, buf, 8);
	ofxt_msg(buf, 4, 5, 8, 2);
	feed(c, &t->ctl, OUT, &t->ctl_seq, OFX_TCP_ACK, buf, 8);
	if (!dpid)
		return;
	ofxt_msg(buf, 4, 6, 32, 2);
	for (int i = 0; i < 8; i++)
		buf[8 + i] = (uint8_t)(dpid >> (56 - 8 * i));
	feed(c, &t->sw, IN, &t->sw_seq, OFX_TCP_ACK, buf, 32);
}

/* An ERROR @etype/@code from the switch side of @t. */
static void error_from(struct ctx *c, struct tconn *t, uint16_t etype,
		       uint16_t code)
{
	uint8_t buf[12];

	ofxt_msg(buf, 4, 1, 12, 9);
	put16(buf + 8, etype);
	put16(buf + 10, code);
	feed(c, &t->sw, IN, &t->sw_seq, OFX_TCP_ACK, buf, 12);
}

static const struct ofx_switch_view *find_sw(const struct ofx_views *v,
					     bool has_dpid, uint64_t dpid)
{
	for (unsigned int i = 0; i < v->nsw; i++)
		if (v->sws[i].conns_total && v->sws[i].has_dpid == has_dpid &&
		    (!has_dpid || v->sws[i].datapath_id == dpid))
			return &v->sws[i];
	return NULL;
}

static const struct ofx_subcount *find_entry(const struct ofx_subtab *t,
					     const struct ofx_subcount *e)
{
	const struct ofx_subcount *x = ofx_subtab_centries(t);

	for (uint32_t i = 0; i < t->cap; i++)
		if (x[i].id == e->id && x[i].key == e->key &&
		    x[i].det == e->det)
			return &x[i];
	return NULL;
}

/*
 * Two connections of one switch (datapath_id 0x42, so both count their
 * subtypes in its record directly, through their caches) send 150
 * distinct ERROR codes each, three rounds; while one adds entries (the
 * switch's table grows from 16 entries to 512, moving them) the other
 * repeats one ERROR whose entry it caches. Its view must hold exactly what the global table holds (only this
 * switch sends subtypes), per type and per subtype.
 */
static void test_switch_table_grows_under_caches(void **state)
{
	struct ctx *c = *state;
	struct tconn a, b;
	struct ofx_views *v;
	const struct ofx_switch_view *w;
	struct ofx_switch_counts *sc = malloc(sizeof(*sc));
	const struct ofx_subtab *g = &c->p->live.sub.h;
	const struct ofx_subcount *ge = ofx_subtab_centries(g);
	uint32_t n = 0;

	assert_non_null(sc);
	open_conn(c, &a, 1, 40000, DPID);
	open_conn(c, &b, 1, 40001, DPID);
	for (int round = 0; round < 3; round++) {
		/* a adds entries (the table grows) while b hits its cached
		 * entry of 3/0; then the other way round */
		for (uint16_t code = 0; code < 150; code++) {
			error_from(c, &a, 1, code);
			error_from(c, &b, 3, 0);
		}
		for (uint16_t code = 0; code < 150; code++) {
			error_from(c, &b, 2, code);
			error_from(c, &a, 3, 0);
		}
	}
	ofx_pipeline_tick(c->p, c->ts, true);
	v = ofx_stats_views(c->pub);
	assert_non_null(v);
	w = find_sw(v, true, DPID);
	assert_non_null(w);
	assert_int_equal(w->conns_open, 2);
	assert_non_null(w->sub);
	assert_int_equal(w->sub->overflow, 0);
	/* every global entry, once per switch entry, same counts */
	for (uint32_t i = 0; i < g->cap; i++) {
		const struct ofx_subcount *e;

		if (!ge[i].id)
			continue;
		n++;
		e = find_entry(w->sub, &ge[i]);
		assert_non_null(e);
		assert_int_equal(e->c.msgs, ge[i].c.msgs);
		assert_int_equal(e->c.bytes, ge[i].c.bytes);
	}
	assert_int_equal(w->sub->n, n);
	assert_true(n >= 301); /* 300 ERROR codes + type 3 code 0 (+ HELLO) */
	ofx_switch_view_counts(w, sc);
	assert_int_equal(sc->m.of[4][1][IN].msgs, 3 * 150 * 4);
	assert_int_equal(sc->m.of[4][1][IN].bytes, 3 * 150 * 4 * 12);
	assert_memory_equal(sc->m.of, c->p->live.msgs.of, sizeof(sc->m.of));
	assert_memory_equal(sc->m.total, c->p->live.msgs.total,
			    sizeof(sc->m.total));
	print_message("switch view: %zu bytes + %u subtype entries, "
		      "%u type entries\n",
		      sizeof(*w), w->sub->n, w->types ? w->types->n : 0);
	ofx_views_put(v);
	free(sc);
}

/*
 * A connection without datapath_id counts its subtypes in its own table
 * (growing to OFX_CONN_SUBTYPES entries); its address record's view adds
 * them, exactly. When the connection closes they move to the record.
 */
static void test_conn_table_grows(void **state)
{
	struct ctx *c = *state;
	struct tconn t;
	struct ofx_views *v;
	const struct ofx_switch_view *w;

	open_conn(c, &t, 7, 41000, 0);
	for (int round = 0; round < 2; round++)
		for (uint16_t code = 0; code < 40; code++)
			error_from(c, &t, 5, code);
	for (int closed = 0; closed < 2; closed++) {
		ofx_pipeline_tick(c->p, c->ts, true);
		v = ofx_stats_views(c->pub);
		assert_non_null(v);
		w = find_sw(v, false, 0);
		assert_non_null(w);
		assert_int_equal(w->conns_open, closed ? 0 : 1);
		assert_non_null(w->sub);
		for (uint16_t code = 0; code < 40; code++) {
			const struct ofx_subcount *e = NULL;
			const struct ofx_subcount *x =
				ofx_subtab_centries(w->sub);

			for (uint32_t i = 0; i < w->sub->cap; i++)
				if (ofx_subcount_kind(&x[i]) == OF_SUB_ERROR &&
				    x[i].key == (5u << 16 | code))
					e = &x[i];
			assert_non_null(e);
			assert_int_equal(e->c.msgs, 2);
		}
		ofx_views_put(v);
		/* the switch closes: FIN both ways */
		feed(c, &t.sw, IN, &t.sw_seq, OFX_TCP_FIN | OFX_TCP_ACK, NULL,
		     0);
		feed(c, &t.ctl, OUT, &t.ctl_seq, OFX_TCP_FIN | OFX_TCP_ACK,
		     NULL, 0);
	}
	assert_int_equal(c->p->live.reasm.connections_closed, 1);
}

/* The view of a switch is small: its counts are lists of what it has. */
static void test_view_is_compact(void **state)
{
	(void)state;
	assert_true(sizeof(struct ofx_switch_view) <= 512);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_switch_table_grows_under_caches),
		T(test_conn_table_grows),
		T(test_view_is_compact),
	};
#undef T

	return cmocka_run_group_tests_name("switches", tests, NULL, NULL);
}
