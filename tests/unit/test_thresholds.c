// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_thresholds.c - thresholds over synthetic snapshots, one tick a
 * second: per-switch rates raise and clear, global counters, scoping,
 * definitions refused, the event log's ids, long-poll waits and the
 * --on-event hook (a real process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/descs.h"
#include "analysis/events.h"
#include "analysis/switches.h"
#include "analysis/thresholds.h"
#include "ofx_test_util.h"

#define SEC 1000000000ull
#define OFPT_PACKET_IN 10

struct ctx {
	struct ofx_events *ev;
	struct ofx_thresholds *t;
	struct ofx_stats *st;
	struct ofx_msgcounts *m;
	uint64_t now;
	uint64_t pin[2]; /* PACKET_INs of switches 1 and 2 so far */
	uint32_t open[2];
	uint32_t total[2];
	unsigned int nsw; /* switches in the views (0: both) */
	unsigned int first; /* the first of them shown */
	int nodpid; /* 1-based index of a switch known by address (0: none) */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->ev = ofx_events_new();
	c->t = ofx_thr_new(c->ev, false);
	c->st = ofxt_stats_new();
	c->m = calloc(1, sizeof(*c->m));
	assert_non_null(c->t);
	assert_non_null(c->m);
	c->now = 100 * SEC;
	c->open[0] = c->open[1] = 1;
	c->total[0] = c->total[1] = 1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ofx_thr_free(c->t);
	ofx_events_free(c->ev);
	free(c->st);
	free(c->m);
	free(c);
	return 0;
}

/* One tick: switches 1 and 2 (datapath_ids) with their counts now. */
static void tick(struct ctx *c)
{
	struct ofx_views *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	v->refs = 1;
	v->nsw = c->nsw ? c->nsw : 2;
	v->sws = calloc(2, sizeof(*v->sws));
	assert_non_null(v->sws);
	for (unsigned int k = 0; k < v->nsw; k++) {
		unsigned int i = k + c->first;
		struct ofx_switch_view *w = &v->sws[k];

		snprintf(w->id, sizeof(w->id), "0x%016x", i + 1);
		w->has_dpid = c->nodpid != (int)i + 1;
		w->datapath_id = (uint64_t)i + 1;
		w->conns_open = c->open[i];
		w->conns_total = c->total[i];
		memset(c->m, 0, sizeof(*c->m));
		c->m->of[4][OFPT_PACKET_IN][OFX_DIR_IN].msgs = c->pin[i];
		c->m->total[OFX_DIR_IN].msgs = c->pin[i];
		assert_int_equal(
			ofx_switch_view_set_counts(w, c->m, NULL, NULL), 0);
	}
	c->st->ts_ns = c->now;
	ofx_thr_eval(c->t, c->st, v, c->now, 0);
	ofx_views_put(v);
	c->now += SEC;
}

static void put(struct ctx *c, const char *name, const char *def)
{
	char err[256] = "";
	json_t *j = json_loads(def, 0, NULL);

	assert_non_null(j);
	if (ofx_thr_put(c->t, name, j, err, sizeof(err)) < 0)
		fail_msg("put %s: %s", name, err);
	json_decref(j);
}

static size_t events(struct ctx *c, uint64_t after, struct ofx_event *e)
{
	return ofx_events_copy(c->ev, after, e, 16);
}

/* A per-switch rate: raised for the switch that crosses, cleared when it
 * is back, the other switch never. */
static void test_rate_raise_clear(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e[16];

	put(c, "pin",
	    "{\"metric\": \"packet_in_rate\", \"value\": 50, "
	    "\"window\": 2}");
	tick(c); /* the first sample: no rate yet */
	for (int s = 0; s < 3; s++) {
		c->pin[0] += 100; /* 100/s > 50 */
		c->pin[1] += 10;
		tick(c);
	}
	assert_int_equal(events(c, 0, e), 1);
	assert_int_equal(e[0].id, 1);
	assert_true(e[0].raised);
	assert_string_equal(e[0].sw, "0x0000000000000001");
	assert_string_equal(e[0].threshold, "pin");
	assert_string_equal(e[0].metric, "packet_in_rate");
	assert_true(e[0].value > 99 && e[0].value < 101);
	assert_true(e[0].limit == 50);
	/* quiet: the 2-s window falls under 50/s within 2 ticks */
	for (int s = 0; s < 3; s++)
		tick(c);
	assert_int_equal(events(c, 0, e), 2);
	assert_false(e[1].raised);
	assert_string_equal(e[1].sw, "0x0000000000000001");
	assert_true(e[1].value <= 50);
}

/* "switch" scopes a threshold to one switch (any dpid notation). */
static void test_switch_scope(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e[16];

	put(c, "pin2",
	    "{\"metric\": \"packet_in_rate\", \"value\": 5, "
	    "\"window\": 1, \"switch\": \"00:00:00:00:00:00:00:02\"}");
	tick(c);
	c->pin[0] += 100;
	c->pin[1] += 100;
	tick(c);
	assert_int_equal(events(c, 0, e), 1);
	assert_string_equal(e[0].sw, "0x0000000000000002");
}

/* disconnected and reconnects read the switch views. */
static void test_disconnect_flap(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e[16];

	put(c, "down", "{\"metric\": \"disconnected\", \"value\": 0}");
	put(c, "flap",
	    "{\"metric\": \"reconnects\", \"value\": 2, "
	    "\"window\": 60}");
	tick(c);
	assert_int_equal(events(c, 0, e), 0);
	c->open[1] = 0;
	tick(c);
	assert_int_equal(events(c, 0, e), 1);
	assert_string_equal(e[0].threshold, "down");
	assert_string_equal(e[0].sw, "0x0000000000000002");
	assert_true(e[0].raised);
	for (int k = 0; k < 3; k++) { /* three reconnects */
		c->open[1] = 1;
		c->total[1]++;
		tick(c);
	}
	assert_int_equal(events(c, 0, e), 3);
	assert_string_equal(e[1].threshold, "down");
	assert_false(e[1].raised);
	assert_string_equal(e[2].threshold, "flap");
	assert_true(e[2].raised);
	assert_true(e[2].value == 3);
}

/* A global counter's rate (loss.records_lost) and a gauge's value. */
static void test_counter(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e[16];

	put(c, "lost",
	    "{\"metric\": \"counter\", \"counter\": "
	    "\"loss.records_lost\", \"value\": 0, \"window\": 1}");
	put(c, "loss", "{\"metric\": \"capture_loss\", \"value\": 9}");
	tick(c);
	c->st->src.records_lost = 10;
	tick(c);
	assert_int_equal(events(c, 0, e), 2);
	assert_string_equal(e[0].metric, "loss.records_lost");
	assert_true(e[0].value > 9.9 && e[0].value < 10.1);
	assert_string_equal(e[1].metric, "capture_loss");
	assert_true(e[1].sw[0] == '\0');
	/* no more loss: 0/s over 1 s; 10 over 2 s (the 10-s window's
	 * oldest sample) is 5/s */
	tick(c);
	assert_int_equal(events(c, 2, e), 2);
	assert_false(e[0].raised);
	assert_false(e[1].raised);
	assert_true(e[1].value > 4.9 && e[1].value < 5.1);
}

/* Definitions that are refused, each with a reason; replace and delete. */
static void test_bad_definitions(void **state)
{
	struct ctx *c = *state;
	static const char *const bad[] = {
		"[]",
		"{\"value\": 1}",
		"{\"metric\": \"packet_in_rate\"}",
		"{\"metric\": \"nope\", \"value\": 1}",
		"{\"metric\": \"packet_in_rate\", \"value\": \"x\"}",
		"{\"metric\": \"packet_in_rate\", \"value\": 1, \"window\": 0}",
		"{\"metric\": \"packet_in_rate\", \"value\": 1, \"window\": "
		"61}",
		"{\"metric\": \"capture_loss\", \"value\": 1, \"switch\": "
		"\"0x1\"}",
		"{\"metric\": \"counter\", \"value\": 1}",
		"{\"metric\": \"counter\", \"value\": 1, \"counter\": \"x.y\"}",
		"{\"metric\": \"response_p99\", \"value\": 1, \"kind\": \"x\"}",
		"{\"metric\": \"packet_in_rate\", \"value\": 1, \"bogus\": 1}",
	};
	char err[256];
	json_t *j;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		err[0] = '\0';
		if (ofx_thr_put(c->t, "x", j, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
		json_decref(j);
	}
	j = json_pack("{s:s, s:i}", "metric", "error_rate", "value", 1);
	assert_int_equal(ofx_thr_put(c->t, "a b", j, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ofx_thr_put(c->t, "ok", j, err, sizeof(err)), 0);
	assert_int_equal(ofx_thr_put(c->t, "ok", j, err, sizeof(err)), 1);
	json_decref(j);
	j = ofx_thr_get(c->t, "ok");
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "metric")),
			    "error_rate");
	json_decref(j);
	assert_int_equal(ofx_thr_delete(c->t, "ok"), 0);
	assert_int_equal(ofx_thr_delete(c->t, "ok"), -ENOENT);
	assert_null(ofx_thr_get(c->t, "ok"));
}

/* The built-in thresholds are there (and only with defaults). */
static void test_builtins(void **state)
{
	struct ctx *c = *state;
	struct ofx_thresholds *t = ofx_thr_new(c->ev, true);
	json_t *l = ofx_thr_list(t), *l0 = ofx_thr_list(c->t);

	assert_int_equal(json_array_size(json_object_get(l, "thresholds")), 7);
	assert_int_equal(json_array_size(json_object_get(l0, "thresholds")), 0);
	assert_int_equal(json_array_size(json_object_get(l, "metrics")),
			 ofx_thr_nmetrics);
	json_decref(l);
	json_decref(l0);
	ofx_thr_free(t);
}

/* Key order does not matter; kind only with response_p99. */
static void test_key_order(void **state)
{
	struct ctx *c = *state;
	static const char *const ok[] = {
		"{\"counter\": \"loss.records_lost\", \"value\": 1, "
		"\"metric\": \"counter\"}",
		"{\"kind\": \"echo\", \"metric\": \"response_p99\", "
		"\"value\": 1}",
	};
	char err[256];
	json_t *j;

	for (size_t i = 0; i < 2; i++) {
		j = json_loads(ok[i], 0, NULL);
		if (ofx_thr_put(c->t, "k", j, err, sizeof(err)) < 0)
			fail_msg("refused %s: %s", ok[i], err);
		json_decref(j);
	}
	j = json_loads("{\"metric\": \"counter\", \"counter\": "
		       "\"loss.records_lost\", \"value\": 1, \"kind\": "
		       "\"echo\"}",
		       0, NULL);
	assert_int_equal(ofx_thr_put(c->t, "k", j, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kind"));
	json_decref(j);
	j = json_pack("{s:s, s:i}", "metric", "error_rate", "value", 1);
	assert_int_equal(ofx_thr_put(c->t, "..", j, err, sizeof(err)), -EINVAL);
	json_decref(j);
}

/* A raised threshold deleted, or whose switch leaves the views, is
 * cleared with its last value; a switch never identified is not
 * "disconnected". */
static void test_cleared_when_gone(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e[16];

	put(c, "down", "{\"metric\": \"disconnected\", \"value\": 0}");
	put(c, "pin",
	    "{\"metric\": \"packet_in_rate\", \"value\": 5, "
	    "\"window\": 1}");
	c->open[0] = c->open[1] = 0;
	c->nodpid = 2; /* switch 2 is known by its address only */
	tick(c);
	assert_int_equal(events(c, 0, e), 1);
	assert_string_equal(e[0].sw, "0x0000000000000001");
	c->pin[0] += 100;
	tick(c);
	assert_int_equal(events(c, 1, e), 1);
	assert_string_equal(e[0].threshold, "pin");
	assert_true(e[0].raised);
	assert_int_equal(ofx_thr_delete(c->t, "pin"), 0);
	assert_int_equal(events(c, 2, e), 1);
	assert_string_equal(e[0].threshold, "pin");
	assert_false(e[0].raised);
	assert_true(e[0].value > 99); /* its last value */
	c->nsw = 1; /* switch 1 leaves the views: "down" is cleared */
	c->first = 1;
	tick(c);
	assert_int_equal(events(c, 3, e), 1);
	assert_string_equal(e[0].threshold, "down");
	assert_string_equal(e[0].sw, "0x0000000000000001");
	assert_false(e[0].raised);
}

static int woken;

static void wake(void *ctx)
{
	(void)ctx;
	woken++;
}

/* Events after an id, newest first, lastEventID; a waiter is woken once. */
static void test_log_and_wait(void **state)
{
	struct ctx *c = *state;
	struct ofx_event e = {.value = 1, .limit = 0, .raised = true};
	struct ofx_event_waiter w = {.fn = wake, .ctx = c}, w2 = w;
	json_t *doc, *list;

	woken = 0;
	assert_int_equal(ofx_events_wait(c->ev, 0, &w), 0);
	assert_int_equal(ofx_events_wait(c->ev, 0, &w2), 0);
	ofx_events_unwait(c->ev, &w2); /* gone: not called */
	assert_false(w2.linked);
	snprintf(e.threshold, sizeof(e.threshold), "t");
	ofx_events_add(c->ev, &e);
	ofx_events_add(c->ev, &e);
	assert_int_equal(woken, 1);
	assert_false(w.linked);
	assert_int_equal(ofx_events_wait(c->ev, 1, &w), 1);
	doc = ofx_events_json(c->ev, 0, 100);
	list = json_object_get(doc, "events");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(list, 0), "eventID")),
			 2);
	assert_int_equal(
		json_integer_value(json_object_get(doc, "lastEventID")), 2);
	json_decref(doc);
	doc = ofx_events_json(c->ev, 1, 100);
	assert_int_equal(json_array_size(json_object_get(doc, "events")), 1);
	json_decref(doc);
	ofx_events_close(c->ev);
	assert_int_equal(ofx_events_wait(c->ev, 2, &w), 1);
}

/* --on-event: the program runs with the event's JSON as its argument. */
static void test_hook(void **state)
{
	struct ctx *c = *state;
	char dir[] = "/tmp/ofxdp-hook.XXXXXX", out[64], line[512] = "";
	char *argv[] = {"/bin/sh", "-c", "printf '%s' \"$1\" > \"$0\"", out,
			NULL};
	struct ofx_event e = {.value = 3, .limit = 1, .raised = true};
	FILE *f = NULL;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/event", dir);
	/* sh -c SCRIPT $0 $1: $0 = the output file, $1 = the event */
	assert_int_equal(ofx_events_set_hook(c->ev, argv), 0);
	snprintf(e.threshold, sizeof(e.threshold), "h");
	ofx_events_add(c->ev, &e);
	for (int i = 0; i < 200 && !f; i++) {
		usleep(10000);
		ofx_events_reap(c->ev);
		f = fopen(out, "r");
		if (f && !fgets(line, sizeof(line), f)) {
			fclose(f);
			f = NULL;
		}
	}
	assert_non_null(f);
	fclose(f);
	assert_non_null(strstr(line, "\"threshold\":\"h\""));
	assert_non_null(strstr(line, "\"state\":\"raised\""));
	unlink(out);
	rmdir(dir);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rate_raise_clear), T(test_switch_scope),
		T(test_disconnect_flap),  T(test_counter),
		T(test_bad_definitions),  T(test_builtins),
		T(test_log_and_wait),	  T(test_hook),
		T(test_key_order),	  T(test_cleared_when_gone),
	};
#undef T

	return cmocka_run_group_tests_name("thresholds", tests, NULL, NULL);
}
