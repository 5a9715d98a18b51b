// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pipeline.c - segments from any source -> TCP counters -> reassembly ->
 * OpenFlow framing -> published snapshots.
 */
#include <errno.h>
#include <string.h>

#include "pipeline.h"

int ofx_pipeline_init(struct ofx_pipeline *p, struct ofx_stats_pub *pub,
		      const struct ofx_reasm_opts *opts)
{
	memset(p, 0, sizeof(*p));
	p->pub = pub;
	p->reasm = ofx_reasm_new(opts, &p->live);
	return p->reasm ? 0 : -ENOMEM;
}

void ofx_pipeline_feed(struct ofx_pipeline *p, const struct ofx_segment *seg)
{
	if (seg->first && seg->seg_len) {
		p->live.tcp[seg->dir].msgs++;
		p->live.tcp[seg->dir].bytes += seg->seg_len;
	}
	ofx_reasm_feed(p->reasm, seg);
}

static void publish(struct ofx_pipeline *p, uint64_t now_ns)
{
	unsigned int n = ofx_reasm_conns(p->reasm, p->conns, OFX_PUB_MAX_CONNS);

	ofx_stats_publish(p->pub, &p->live, p->conns, n, now_ns);
	p->last_publish_ns = now_ns;
}

void ofx_pipeline_tick(struct ofx_pipeline *p, uint64_t now_ns, bool force)
{
	if (!force && now_ns - p->last_publish_ns < OFX_PUBLISH_INTERVAL_NS)
		return;
	ofx_reasm_tick(p->reasm, now_ns);
	publish(p, now_ns);
}

void ofx_pipeline_finish(struct ofx_pipeline *p, uint64_t now_ns)
{
	ofx_reasm_flush(p->reasm);
	publish(p, now_ns);
}

void ofx_pipeline_destroy(struct ofx_pipeline *p)
{
	ofx_reasm_free(p->reasm);
	p->reasm = NULL;
}
