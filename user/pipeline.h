/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline.h - the stages wired together: segments from any capture source
 * -> connections and reassembly (stream/) -> framing, decoding and roles
 * (openflow/) -> message events fanned out to the consumers (analysis/:
 * global counters, switches and connections; later latency, stream, ...)
 * -> published snapshots for output/.
 *
 * Memory of a connection (64-bit): the reassembler's struct conn 224 bytes,
 * struct of_conn 544 (each framer's buffer of up to OF_PEEK_MAX bytes is
 * allocated only once a message spans segments), the switches consumer's
 * struct cstat 1,408 (and,
 * while the connection has no datapath_id, its subtype table: at most 64
 * entries, 2 KiB), its view in the published snapshot 216 (up to two
 * snapshots alive), the latency engine's state, plus malloc's headers:
 * ~4.6 KiB per connection with its share of the switch records
 * (OFX_MAX_SWITCHES, a few KiB each) measured with 10,000 live
 * connections (tools/bench/run.sh --conns: 52.5 MiB besides the ring
 * buffer). The stream table (struct ofx_reasm_opts
 * max_conns, 32,768) so holds at most ~130 MiB; out-of-order queues are
 * bounded apart (max_total_ooo_bytes, 64 MiB of heap).
 */
#ifndef OFX_PIPELINE_H
#define OFX_PIPELINE_H

#include "analysis/latency.h"
#include "analysis/names.h"
#include "analysis/stats.h"
#include "analysis/switches.h"
#include "capture/segment.h"
#include "openflow/of_conn.h"
#include "stream/reasm.h"

/* Counter snapshots are published at most this often (ns), and on force. */
#define OFX_PUBLISH_INTERVAL_NS (50ull * 1000 * 1000)
/* Connection and switch views at most this often (ns), and on force. */
#define OFX_VIEWS_INTERVAL_NS (1000ull * 1000 * 1000)
/* Live: the lag behind the capture is checked every this many segments. */
#define OFX_LAG_CHECK_SEGS 32
/* Message consumers besides the built-in ones. */
#define OFX_MAX_CONSUMERS 8

/**
 * struct ofx_pipeline_opts - optional settings (NULL/0: defaults).
 * @reasm:   reassembly limits
 * @names:   switch names map (must outlive the pipeline)
 * @history: closed connections kept in the views (1024)
 * @latency: latency engine settings
 * @no_latency: run without the latency engine
 * @live:    segments come from a live capture (their times are the
 *           capture clock): the pipeline watches how far it lags
 */
struct ofx_pipeline_opts {
	const struct ofx_reasm_opts *reasm;
	const struct ofx_names *names;
	unsigned int history;
	const struct ofx_latency_opts *latency;
	bool no_latency;
	bool live;
};

/**
 * struct ofx_pipeline - one capture's processing state.
 * @live:  counters owned by the capture thread
 * @pub:   where snapshots go (readers: REST, console)
 */
struct ofx_pipeline {
	struct ofx_stats live;
	struct ofx_stats_pub *pub;
	struct ofx_reasm *reasm;
	struct of_session *of;
	struct ofx_switches *sw;
	struct ofx_latency *lat;
	struct of_msg_sink fanout;
	struct of_msg_sink consumers[OFX_MAX_CONSUMERS];
	unsigned int nconsumers;
	unsigned int history;
	bool is_live;
	uint32_t lag_check;
	uint32_t lag_check_tick; /* lag_check at the last tick */
	uint64_t last_publish_ns;
	uint64_t last_views_ns;
};

/**
 * ofx_pipeline_new() - a pipeline publishing into @pub; @opts may be NULL.
 * Return: NULL on ENOMEM.
 */
struct ofx_pipeline *ofx_pipeline_new(struct ofx_stats_pub *pub,
				      const struct ofx_pipeline_opts *opts);

/**
 * ofx_pipeline_subscribe() - add a consumer of message and connection
 * events (called after the built-in ones, in subscription order).
 * Return: 0, or -ENOSPC beyond OFX_MAX_CONSUMERS.
 */
int ofx_pipeline_subscribe(struct ofx_pipeline *p, const struct of_msg_sink *c);

/** ofx_pipeline_feed() - one segment from any source (the segment interface). */
void ofx_pipeline_feed(struct ofx_pipeline *p, const struct ofx_segment *seg);

/**
 * ofx_pipeline_tick() - housekeeping at @now_ns and publication of a
 * snapshot when OFX_PUBLISH_INTERVAL_NS passed (views every
 * OFX_VIEWS_INTERVAL_NS), or of both when @force.
 */
void ofx_pipeline_tick(struct ofx_pipeline *p, uint64_t now_ns, bool force);

/**
 * ofx_pipeline_finish() - end of input: deliver queued data, emit messages
 * cut by the end, publish counters and views. Connections stay open.
 */
void ofx_pipeline_finish(struct ofx_pipeline *p, uint64_t now_ns);

/** ofx_pipeline_free() - close everything and free @p. NULL is a no-op. */
void ofx_pipeline_free(struct ofx_pipeline *p);

#endif
