// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_console.c - the live console's parts that need no terminal: its
 * views as tables (cells, rates, the subtype filter, switches, loss in
 * descriptor-table order, sorting), the events found between snapshots,
 * and the plain line / NDJSON forms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/descs.h"
#include "output/console_events.h"
#include "output/console_lines.h"
#include "output/console_rows.h"
#include "ofx_test_util.h"

#define SEC 1000000000ull

static const struct ofx_run_info info = {
	.mode = "tc",
	.hooks = "tcx ingress + tcx egress on veth0",
	.ifname = "veth0",
	.ports = "6653",
	.start_ns = 100 * SEC,
};

/* 1.3: PACKET_IN (10) in, PACKET_OUT (13) out, MULTIPART_REQUEST (18)
 * with two subtypes; @scale times the counts, at @ts. */
static void fill(struct ofx_stats *st, uint64_t scale, uint64_t ts)
{
	ofx_stats_init(st);
	st->ts_ns = ts;
	st->msgs.of[4][10][OFX_DIR_IN] =
		(struct ofx_count){10 * scale, 1000 * scale};
	st->msgs.of[4][13][OFX_DIR_OUT] =
		(struct ofx_count){9 * scale, 900 * scale};
	st->msgs.of[4][18][OFX_DIR_OUT] =
		(struct ofx_count){3 * scale, 48 * scale};
	st->msgs.total[OFX_DIR_IN] = (struct ofx_count){10 * scale, 1000};
	st->msgs.total[OFX_DIR_OUT] = (struct ofx_count){12 * scale, 948};
	/* OFPMP_PORT_DESC (13) twice, OFPMP_DESC (0) once per scale */
	ofx_subtab_add(&st->sub.h, 4u << 24 | 18u << 16 | 1u << 8 | 0x80 | 1,
		       13, 0, 2 * scale, 32 * scale);
	ofx_subtab_add(&st->sub.h, 4u << 24 | 18u << 16 | 1u << 8 | 0x80 | 1, 0,
		       0, scale, 16 * scale);
	st->src.records_lost = scale - 1;
}

/* The row of @t whose first cell is @label, or NULL. */
static const struct ofx_crow *find(const struct ofx_ctable *t,
				   const char *label)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].cell[0], label))
			return &t->rows[i];
	return NULL;
}

static void test_types_and_sort(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_csnap s = {.cur = cur, .prev = prev, .start_ns = 100 * SEC};
	struct ofx_ctable t = {0};
	const struct ofx_crow *r;
	bool desc;

	(void)state;
	fill(prev, 1, 110 * SEC);
	fill(cur, 3, 112 * SEC);
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_TYPES, &s), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.rows[0].cell[0], "1.3 OFPT_PACKET_IN");
	assert_string_equal(t.rows[1].cell[0], "1.3 OFPT_PACKET_OUT");
	assert_string_equal(t.rows[2].cell[0], "1.3 OFPT_MULTIPART_REQUEST");
	r = &t.rows[0];
	assert_string_equal(r->cell[1], "30"); /* in msgs */
	assert_string_equal(r->cell[2], "0");
	assert_string_equal(r->cell[3], "10.0"); /* (30 - 10) / 2 s */
	assert_string_equal(r->cell[5], "3000"); /* in bytes */
	assert_int_equal(r->version, 4);
	assert_int_equal(r->type, 10);

	/* by out msgs, descending: PACKET_OUT 27, MULTIPART 9, PACKET_IN */
	ofx_ctable_sort(&t, 2, true);
	assert_string_equal(t.rows[0].cell[0], "1.3 OFPT_PACKET_OUT");
	assert_string_equal(t.rows[1].cell[0], "1.3 OFPT_MULTIPART_REQUEST");
	assert_string_equal(t.rows[2].cell[0], "1.3 OFPT_PACKET_IN");
	ofx_ctable_sort(&t, 0, false); /* natural order back */
	assert_string_equal(t.rows[0].cell[0], "1.3 OFPT_PACKET_IN");
	assert_int_equal(ofx_ctable_default_sort(OFX_CV_EVENTS, &desc), 0);
	assert_true(desc);

	/* no older snapshot: rates since the start, from zero */
	prev->ts_ns = 0;
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_TYPES, &s), 0);
	assert_string_equal(t.rows[0].cell[3], "2.5"); /* 30 / 12 s */
	ofx_ctable_free(&t);
	free(cur);
	free(prev);
}

static void test_subtypes(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_csnap s = {.cur = cur,
			      .prev = prev,
			      .sub_filter = true,
			      .sub_version = 4,
			      .sub_type = 18};
	struct ofx_ctable t = {0};
	const struct ofx_crow *r;

	(void)state;
	fill(prev, 1, 110 * SEC);
	fill(cur, 3, 111 * SEC);
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_SUBTYPES, &s), 0);
	assert_int_equal(t.n, 2);
	r = find(&t, "OFPMP_PORT_DESC");
	assert_non_null(r);
	assert_string_equal(r->cell[2], "6"); /* out msgs */
	assert_string_equal(r->cell[4], "4.0"); /* (6 - 2) / 1 s */
	assert_non_null(find(&t, "OFPMP_DESC"));
	assert_non_null(strstr(t.note, "1.3 OFPT_MULTIPART_REQUEST"));
	s.sub_type = 10; /* PACKET_IN: none */
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_SUBTYPES, &s), 0);
	assert_int_equal(t.n, 0);
	assert_non_null(strstr(t.note, "none counted"));
	ofx_ctable_free(&t);
	free(cur);
	free(prev);
}

static void test_loss(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_csnap s = {.cur = cur, .prev = prev};
	struct ofx_ctable t = {0};
	const struct ofx_crow *r;
	unsigned int want = 0, i = 0;
	const char *const groups[] = {"loss", "loss.kernel", "reassembly"};

	(void)state;
	fill(prev, 1, 110 * SEC);
	fill(cur, 5, 112 * SEC);
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_LOSS, &s), 0);
	/* every counter of the three groups, group by group, table order */
	for (unsigned int g = 0; g < 3; g++)
		for (size_t k = 0; k < ofx_ncounter_descs; k++)
			if (!strcmp(ofx_counter_descs[k].group, groups[g])) {
				assert_true(i < t.n);
				assert_string_equal(t.rows[i].cell[0],
						    ofx_counter_descs[k].name);
				assert_string_equal(t.rows[i].cell[1],
						    groups[g]);
				i++;
				want++;
			}
	assert_int_equal(t.n, want);
	r = find(&t, "records_lost");
	assert_string_equal(r->cell[2], "4");
	assert_string_equal(r->cell[3], "2.0"); /* (4 - 0) / 2 s */
	assert_string_equal(find(&t, "connections_active")->cell[3], "gauge");
	ofx_ctable_free(&t);
	free(cur);
	free(prev);
}

/* Views with one switch and the connections of @nopen/@nclosed ids. */
static struct ofx_views *views(const uint64_t *open, unsigned int nopen,
			       const uint64_t *closed, unsigned int nclosed)
{
	struct ofx_views *v = calloc(1, sizeof(*v));

	v->refs = 1;
	v->ts_ns = 120 * SEC;
	v->conns = calloc(nopen + nclosed + 1, sizeof(*v->conns));
	for (unsigned int i = 0; i < nopen + nclosed; i++) {
		struct ofx_conn_view *c = &v->conns[i];

		c->id = i < nopen ? open[i] : closed[i - nopen];
		c->family = 4;
		inet_pton(AF_INET, "10.0.0.2", c->sw_addr);
		inet_pton(AF_INET, "10.0.0.1", c->ctl_addr);
		c->sw_port = 40000;
		c->ctl_port = 6653;
		c->first_ns = 101 * SEC;
		c->last_ns = 111 * SEC;
		c->cnt[OFX_DIR_IN].msgs = 7;
		c->close_reason = i < nopen ? 0 : OFX_CLOSE_FIN;
	}
	v->nopen = nopen;
	v->nclosed = nclosed;
	v->sws = calloc(1, sizeof(*v->sws));
	v->nsw = 1;
	snprintf(v->sws[0].id, sizeof(v->sws[0].id), "0x%016x", 0xab);
	snprintf(v->sws[0].address, sizeof(v->sws[0].address), "10.0.0.2");
	v->sws[0].conns_total = nopen + nclosed;
	v->sws[0].conns_open = nopen;
	v->sws[0].first_ns = 101 * SEC;
	return v;
}

/* Whether one of the events of @e contains @text. */
static bool has_event(const struct ofx_cevents *e, const char *text)
{
	const struct ofx_cevent *ev;

	for (unsigned int i = 0; (ev = ofx_cevents_get(e, i)); i++)
		if (strstr(ev->text, text))
			return true;
	return false;
}

static void test_events(void **state)
{
	struct ofx_stats *st = ofxt_stats_new();
	struct ofx_cevents e = {0};
	const uint64_t one = 1, two[] = {1, 2};
	struct ofx_views *v;
	struct ofx_csnap s = {.cur = st, .ev = &e};
	struct ofx_ctable t = {0};

	(void)state;
	fill(st, 1, 110 * SEC);
	v = views(&one, 1, NULL, 0);
	assert_int_equal(ofx_cevents_update(&e, st, v), 2);
	ofx_views_put(v);
	assert_true(has_event(
		&e, "conn 1 opened: switch 10.0.0.2:40000, ctl 10.0.0.1:6653"));
	assert_true(has_event(&e, "switch 0x00000000000000ab appeared"));

	/* nothing new: no event */
	v = views(&one, 1, NULL, 0);
	assert_int_equal(ofx_cevents_update(&e, st, v), 0);
	ofx_views_put(v);

	/* 1 closed, 2 opened, 3 opened and closed in between; records lost */
	st->src.records_lost += 5;
	v = views(two + 1, 1, (const uint64_t[]){1, 3}, 2);
	assert_int_equal(ofx_cevents_update(&e, st, v), 5);
	ofx_views_put(v);
	assert_true(has_event(&e, "conn 1 closed (fin) after 10.0 s: 7 msgs"));
	assert_true(has_event(&e, "conn 2 opened"));
	assert_true(has_event(&e, "conn 3 opened"));
	assert_true(has_event(&e, "conn 3 closed (fin)"));
	assert_true(has_event(&e, "loss records_lost +5 (now 5)"));

	assert_int_equal(ofx_ctable_build(&t, OFX_CV_EVENTS, &s), 0);
	assert_int_equal(t.n, 7);
	assert_non_null(strstr(t.note, "no event stream"));
	ofx_ctable_free(&t);
	ofx_cevents_free(&e);
	free(st);
}

static void test_switches_view(void **state)
{
	struct ofx_stats *st = ofxt_stats_new();
	const uint64_t one = 1;
	struct ofx_views *v = views(&one, 1, NULL, 0);
	struct ofx_csnap s = {.cur = st, .v = v};
	struct ofx_ctable t = {0};

	(void)state;
	fill(st, 1, 110 * SEC);
	v->sws[0].total[OFX_DIR_IN].msgs = 50;
	v->sws[0].rate_total[OFX_DIR_IN].msgs = 30;
	v->sws[0].rate_dt = 2.0;
	assert_int_equal(ofx_ctable_build(&t, OFX_CV_SWITCHES, &s), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.rows[0].cell[0], "0x00000000000000ab");
	assert_string_equal(t.rows[0].cell[1], "up 1/1");
	assert_string_equal(t.rows[0].cell[2], "10.0");
	assert_string_equal(t.rows[0].cell[5], "-"); /* no latency figures */
	assert_string_equal(t.rows[0].cell[8], "10.0.0.2");
	ofx_ctable_free(&t);
	ofx_views_put(v);
	free(st);
}

static void test_line_and_ndjson(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	fill(prev, 1, 110 * SEC);
	fill(cur, 3, 112 * SEC);
	assert_int_equal(ofx_console_line(f, cur, prev, &info), 0);
	assert_int_equal(ofx_console_ndjson(f, cur, prev, NULL, &info), 0);
	fclose(f);
	assert_non_null(strstr(buf, " uptime_s=12.0 in_msgs=30 out_msgs=36 "
				    "in_msgs_per_s=10.0 out_msgs_per_s=12.0 "));
	assert_non_null(strstr(buf, " records_lost=2 pcap_drop=0\n{"));
	assert_memory_equal(buf, "ts=", 3);
	/* the NDJSON document: one line, the last */
	assert_non_null(strstr(buf, "\n{\"mode\":\"tc\","));
	assert_int_equal(buf[len - 1], '\n');
	assert_ptr_equal(strchr(strstr(buf, "\n{") + 1, '\n'), buf + len - 1);
	free(buf);
	free(cur);
	free(prev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_and_sort),
		cmocka_unit_test(test_subtypes),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_switches_view),
		cmocka_unit_test(test_line_and_ndjson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
