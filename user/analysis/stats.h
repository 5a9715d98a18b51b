/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats.h - every counter ofxdp keeps, and consistent snapshots of them for
 * readers on other threads (REST, console, bpftool map export).
 *
 * The pipeline thread owns a live struct ofx_stats and updates it without
 * locks; ofx_stats_publish() copies it under a mutex into the published
 * snapshot, from which readers copy under the same mutex: readers never see
 * a torn set of counters. Connection and switch views are published as a
 * reference-counted struct ofx_views, replaced at most once a second.
 */
#ifndef OFX_STATS_H
#define OFX_STATS_H

#include <pthread.h>
#include <stdint.h>

#include "analysis/counters.h"
#include "analysis/latency.h"
#include "analysis/switches.h"
#include "capture/segment.h"
#include "ofxdp.h"
#include "openflow/of_conn.h"
#include "openflow/of_proto.h"
#include "stream/reasm.h"

/* Subtype entries of the global counter set. */
#define OFX_GLOBAL_SUBTYPES 4096

/**
 * struct ofx_source_stats - capture source counters.
 * @records:        ring records (BPF) or frames (pcap) received by userspace
 * @records_lost:   ring records never received (gaps in rec_seq)
 * @kernel:         summed per-CPU BPF counters (zero in pcap modes)
 * @pcap_recv/@pcap_drop/@pcap_ifdrop: libpcap's pcap_stats (live pcap only)
 * @non_tcp:        frames on the capture that were not TCP on an OF port
 * @malformed:      frames whose Ethernet/IP/TCP headers did not parse
 * @ip_len_short:   segments on an OF port whose IP length claimed more than
 *                  the frame holds (payload taken from the frame; from the
 *                  kernel counter in BPF modes)
 */
struct ofx_source_stats {
	uint64_t records;
	uint64_t records_lost;
	struct ofx_kstats kernel;
	uint64_t pcap_recv;
	uint64_t pcap_drop;
	uint64_t pcap_ifdrop;
	uint64_t non_tcp;
	uint64_t malformed;
	uint64_t ip_len_short;
};

/**
 * struct ofx_stats - all counters at one instant.
 * @msgs:  messages and bytes per version x type x direction (global)
 * @of:    the OpenFlow stage: TCP segments per direction, framing
 * @reasm: connections and reassembly
 * @src:   the capture source
 * @sw:    the switches stage
 * @lat:   the latency engine
 * @ts_ns: time of the snapshot (the capture clock), ns
 * @first_seg_ns/@last_seg_ns: capture time of the first and the latest
 *        segment (rates over capture time in `read`)
 * @sub:   global subtypes, details, malformed bodies, transactions
 */
struct ofx_stats {
	struct ofx_msgcounts msgs;
	struct of_session_stats of;
	struct ofx_reasm_stats reasm;
	struct ofx_source_stats src;
	struct ofx_switches_stats sw;
	struct ofx_latency_stats lat;
	uint64_t ts_ns;
	uint64_t first_seg_ns;
	uint64_t last_seg_ns;
	OFX_SUBTAB(OFX_GLOBAL_SUBTYPES) sub;
};

/** ofx_stats_init() - zero @st and size its subtype table. */
void ofx_stats_init(struct ofx_stats *st);

/**
 * struct ofx_views - connection and switch views at one instant.
 * @conns:   @nopen open connections, then @nclosed closed ones (oldest
 *           first)
 * @sws/@nsw: switches
 * @lat:     latency figures, overall and per switch (NULL: engine off)
 * @ts_ns:   when they were taken
 */
struct ofx_views {
	int refs;
	struct ofx_conn_view *conns;
	unsigned int nopen;
	unsigned int nclosed;
	struct ofx_switch_view *sws;
	unsigned int nsw;
	struct ofx_lat_views *lat;
	uint64_t ts_ns;
};

/** ofx_views_put() - drop a reference taken by ofx_stats_views(). */
void ofx_views_put(struct ofx_views *v);

/**
 * struct ofx_stats_pub - the published snapshot and the one before it.
 * @cur:  the newest published snapshot
 * @prev: a snapshot published at least 1 s before @cur (for rates);
 *        prev.ts_ns == 0 until one exists
 * @views: the newest views (NULL until published)
 * @start_ns: when monitoring started (the capture clock, ns)
 * @epoch_offset_ns: add to a capture-clock time to get ns since the epoch
 *        (0 when the clock already is the epoch, as in files)
 */
struct ofx_stats_pub {
	pthread_mutex_t lock;
	struct ofx_stats cur;
	struct ofx_stats prev;
	struct ofx_views *views;
	uint64_t start_ns;
	uint64_t epoch_offset_ns;
};

/** ofx_stats_pub_new() - a zeroed publication with start time @now_ns. */
struct ofx_stats_pub *ofx_stats_pub_new(uint64_t now_ns);

/** ofx_stats_pub_free() - free @pub and its views. NULL is a no-op. */
void ofx_stats_pub_free(struct ofx_stats_pub *pub);

/** ofx_stats_publish() - copy @live (stamped with @now_ns) into @pub. */
void ofx_stats_publish(struct ofx_stats_pub *pub, const struct ofx_stats *live,
		       uint64_t now_ns);

/** ofx_stats_publish_views() - replace @pub's views by @v (takes it). */
void ofx_stats_publish_views(struct ofx_stats_pub *pub, struct ofx_views *v);

/**
 * ofx_stats_read() - copy the published snapshot into @cur and, when
 * @prev is not NULL, the older one into @prev (prev->ts_ns == 0: none yet).
 */
void ofx_stats_read(struct ofx_stats_pub *pub, struct ofx_stats *cur,
		    struct ofx_stats *prev);

/**
 * ofx_stats_views() - a reference to the newest views (NULL: none yet);
 * release it with ofx_views_put().
 */
struct ofx_views *ofx_stats_views(struct ofx_stats_pub *pub);

/** ofx_now_ns() - CLOCK_MONOTONIC now, ns. */
uint64_t ofx_now_ns(void);

/** ofx_epoch_offset_ns() - CLOCK_REALTIME - CLOCK_MONOTONIC now, ns. */
uint64_t ofx_epoch_offset_ns(void);

#endif
