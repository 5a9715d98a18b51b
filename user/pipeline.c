// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pipeline.c - segments from any source -> connections and reassembly ->
 * OpenFlow framing, decoding and roles -> consumers -> published snapshots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* Every message: the global counters, then each consumer. */
static void fan_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_pipeline *p = ctx;

	/* types here; subtypes in the switches consumer, which caches the
	 * table entries per connection */
	ofx_count_msg(&p->live.msgs, NULL, m);
	for (unsigned int i = 0; i < p->nconsumers; i++)
		p->consumers[i].msg(p->consumers[i].ctx, m);
}

static void fan_conn(void *ctx, struct of_conn *c, enum of_conn_event ev)
{
	struct ofx_pipeline *p = ctx;

	for (unsigned int i = 0; i < p->nconsumers; i++)
		if (p->consumers[i].conn)
			p->consumers[i].conn(p->consumers[i].ctx, c, ev);
}

int ofx_pipeline_subscribe(struct ofx_pipeline *p, const struct of_msg_sink *c)
{
	if (p->nconsumers == OFX_MAX_CONSUMERS)
		return -ENOSPC;
	p->consumers[p->nconsumers++] = *c;
	return 0;
}

struct ofx_pipeline *ofx_pipeline_new(struct ofx_stats_pub *pub,
				      const struct ofx_pipeline_opts *opts)
{
	struct ofx_pipeline *p = calloc(1, sizeof(*p));
	static const struct ofx_pipeline_opts none;

	if (!p)
		return NULL;
	if (!opts)
		opts = &none;
	ofx_stats_init(&p->live);
	p->pub = pub;
	p->history = opts->history ? opts->history : OFX_CONN_HISTORY_DEFAULT;
	p->is_live = opts->live;
	p->fanout = (struct of_msg_sink){
		.msg = fan_msg, .conn = fan_conn, .ctx = p};
	p->sw = ofx_switches_new(opts->names, opts->history, &p->live.sub.h,
				 &p->live.sw);
	p->of = of_session_new(&p->fanout, &p->live.of);
	if (p->sw && p->of)
		p->reasm =
			ofx_reasm_new(opts->reasm, of_session_stream_ops(p->of),
				      &p->live.reasm);
	if (!p->reasm) {
		ofx_pipeline_free(p);
		return NULL;
	}
	ofx_pipeline_subscribe(p, ofx_switches_sink(p->sw));
	if (!opts->no_latency) {
		p->lat = ofx_latency_new(opts->latency, &p->live.lat,
					 ofx_switches_conn_id, p->sw);
		if (!p->lat) {
			ofx_pipeline_free(p);
			return NULL;
		}
		ofx_pipeline_subscribe(p, ofx_latency_sink(p->lat));
	}
	return p;
}

void ofx_pipeline_feed(struct ofx_pipeline *p, const struct ofx_segment *seg)
{
	if (!p->live.first_seg_ns)
		p->live.first_seg_ns = seg->ts_ns;
	p->live.last_seg_ns = seg->ts_ns;
	/* live: how far processing lags the capture (the latency engine
	 * sheds its sampled work while it is behind: counting first) */
	if (p->is_live && p->lat &&
	    !(++p->lag_check & (OFX_LAG_CHECK_SEGS - 1))) {
		uint64_t now = ofx_now_ns();

		ofx_latency_set_lag(
			p->lat, now > seg->ts_ns ? now - seg->ts_ns : 0, now);
	}
	ofx_reasm_feed(p->reasm, seg);
}

static void publish_views(struct ofx_pipeline *p, uint64_t now_ns)
{
	struct ofx_views *v = calloc(1, sizeof(*v));
	unsigned int nopen = (unsigned int)p->live.reasm.connections_active;
	unsigned int nsw = ofx_switches_count(p->sw);

	if (!v)
		return;
	v->conns = calloc(nopen + p->history + 1, sizeof(*v->conns));
	v->sws = calloc(nsw + 1, sizeof(*v->sws));
	if (!v->conns || !v->sws) {
		free(v->conns);
		free(v->sws);
		free(v);
		return;
	}
	v->nopen = ofx_switches_conn_views(p->sw, true, v->conns, nopen);
	v->nclosed = ofx_switches_conn_views(p->sw, false, v->conns + v->nopen,
					     p->history);
	v->nsw = ofx_switches_views(p->sw, v->sws, nsw, now_ns);
	if (p->lat)
		v->lat = ofx_latency_views(p->lat, now_ns);
	v->ts_ns = now_ns;
	ofx_stats_publish_views(p->pub, v);
	p->last_views_ns = now_ns;
}

static void tick_conn(void *ctx, struct ofx_conn *c)
{
	struct ofx_pipeline *p = ctx;

	of_session_tick(p->of, c, p->last_publish_ns);
}

void ofx_pipeline_tick(struct ofx_pipeline *p, uint64_t now_ns, bool force)
{
	if (!force && now_ns - p->last_publish_ns < OFX_PUBLISH_INTERVAL_NS)
		return;
	ofx_reasm_tick(p->reasm, now_ns);
	p->last_publish_ns = now_ns;
	ofx_reasm_foreach(p->reasm, tick_conn, p);
	/* live and no segment since the last tick: caught up (a shedding
	 * engine stops shedding; it would wait for the next segments) */
	if (p->is_live && p->lat && p->lag_check == p->lag_check_tick)
		ofx_latency_set_lag(p->lat, 0, now_ns);
	p->lag_check_tick = p->lag_check;
	if (p->lat)
		ofx_latency_tick(p->lat, now_ns);
	ofx_stats_publish(p->pub, &p->live, now_ns);
	if (force || now_ns - p->last_views_ns >= OFX_VIEWS_INTERVAL_NS)
		publish_views(p, now_ns);
}

static void end_conn(void *ctx, struct ofx_conn *c)
{
	struct ofx_pipeline *p = ctx;

	of_session_end(p->of, c);
}

void ofx_pipeline_finish(struct ofx_pipeline *p, uint64_t now_ns)
{
	ofx_reasm_flush(p->reasm);
	ofx_reasm_foreach(p->reasm, end_conn, p);
	if (p->lat)
		ofx_latency_finish(p->lat);
	ofx_stats_publish(p->pub, &p->live, now_ns);
	publish_views(p, now_ns);
}

void ofx_pipeline_free(struct ofx_pipeline *p)
{
	if (!p)
		return;
	ofx_reasm_free(p->reasm);
	ofx_latency_free(p->lat);
	of_session_free(p->of);
	ofx_switches_free(p->sw);
	free(p);
}
