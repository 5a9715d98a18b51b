/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline.h - segments in, counters out: counts TCP segments, runs the
 * reassembler (which runs the framers) and publishes snapshots.
 */
#ifndef OFX_PIPELINE_H
#define OFX_PIPELINE_H

#include "stream/reasm.h"
#include "capture/segment.h"
#include "analysis/stats.h"

/* Snapshots are published at most this often (ns), and on every tick. */
#define OFX_PUBLISH_INTERVAL_NS (50ull * 1000 * 1000)

/**
 * struct ofx_pipeline - one capture's processing state.
 * @live:  counters owned by the capture thread
 * @pub:   where snapshots go (readers: REST, console)
 * @reasm: the reassembler
 */
struct ofx_pipeline {
	struct ofx_stats live;
	struct ofx_stats_pub *pub;
	struct ofx_reasm *reasm;
	uint64_t last_publish_ns;
	struct ofx_conn_info conns[OFX_PUB_MAX_CONNS]; /* scratch for publish */
};

/**
 * ofx_pipeline_init() - set up @p publishing into @pub.
 * Return: 0 or -ENOMEM.
 */
int ofx_pipeline_init(struct ofx_pipeline *p, struct ofx_stats_pub *pub,
		      const struct ofx_reasm_opts *opts);

/** ofx_pipeline_feed() - one segment from any source (the segment interface). */
void ofx_pipeline_feed(struct ofx_pipeline *p, const struct ofx_segment *seg);

/**
 * ofx_pipeline_tick() - reassembly housekeeping at @now_ns and publication of
 * a snapshot when OFX_PUBLISH_INTERVAL_NS passed (or @force).
 */
void ofx_pipeline_tick(struct ofx_pipeline *p, uint64_t now_ns, bool force);

/** ofx_pipeline_finish() - end of input: flush reassembly and publish. */
void ofx_pipeline_finish(struct ofx_pipeline *p, uint64_t now_ns);

/** ofx_pipeline_destroy() - free what init allocated. */
void ofx_pipeline_destroy(struct ofx_pipeline *p);

#endif
