/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats.h - every counter ofxdp keeps, and consistent snapshots of them for
 * readers on other threads (REST, console, bpftool map export).
 *
 * The pipeline thread owns a live struct ofx_stats and updates it without
 * locks; ofx_stats_publish() copies it under a mutex into the published
 * snapshot, from which readers copy under the same mutex: readers never see
 * a torn set of counters.
 */
#ifndef OFX_STATS_H
#define OFX_STATS_H

#include <pthread.h>
#include <stdint.h>

#include "ofxdp.h"
#include "openflow/of_proto.h"
#include "capture/segment.h"

/** struct ofx_count - a message (or segment) count and its bytes. */
struct ofx_count {
	uint64_t msgs;
	uint64_t bytes;
};

/**
 * struct ofx_reasm_stats - TCP reassembly counters (all directions summed).
 * @streams_active:    connection directions tracked now
 * @streams_total:     connection directions ever tracked
 * @streams_closed:    removed after FIN or RST
 * @streams_idle:      removed after the idle timeout
 * @streams_evicted:   removed because the stream table was full (LRU)
 * @retrans_segs:      segments whose payload had been seen entirely before
 * @retrans_bytes:     payload bytes seen twice (retransmissions, overlaps), not decoded again
 * @ooo_segs:          segments that arrived ahead of a hole and were queued
 * @ooo_dropped_segs:  out-of-order segments dropped (queue full or duplicate)
 * @gaps:              holes given up on (never filled): stream skipped forward
 * @gap_bytes:         bytes in those holes (never seen)
 * @midstream_joins:   streams first seen without their SYN
 * @resyncs:           times the framer searched for an OpenFlow header
 * @resync_skipped_bytes: bytes discarded while searching for a header
 * @partial_msgs:      messages counted whose body was partly lost in a gap
 * @ooo_bytes_queued:  bytes held in out-of-order queues now
 */
struct ofx_reasm_stats {
	uint64_t streams_active;
	uint64_t streams_total;
	uint64_t streams_closed;
	uint64_t streams_idle;
	uint64_t streams_evicted;
	uint64_t retrans_segs;
	uint64_t retrans_bytes;
	uint64_t ooo_segs;
	uint64_t ooo_dropped_segs;
	uint64_t gaps;
	uint64_t gap_bytes;
	uint64_t midstream_joins;
	uint64_t resyncs;
	uint64_t resync_skipped_bytes;
	uint64_t partial_msgs;
	uint64_t ooo_bytes_queued;
};

/**
 * struct ofx_source_stats - capture source counters.
 * @records:        ring records (BPF) or frames (pcap) received by userspace
 * @records_lost:   ring records never received (gaps in rec_seq)
 * @kernel:         summed per-CPU BPF counters (zero in pcap modes)
 * @pcap_recv/@pcap_drop/@pcap_ifdrop: libpcap's pcap_stats (live pcap only)
 * @non_tcp:        frames on the capture that were not TCP on an OF port
 * @malformed:      frames whose Ethernet/IP/TCP headers did not parse
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
};

/**
 * struct ofx_stats - all counters at one instant.
 * @of:         [version][type][dir] messages and bytes (bytes = header length
 *              field), for valid types only
 * @of_invalid: [version][dir] messages whose type is not valid in their version
 * @of_total:   [dir] all framed messages (valid and invalid types)
 * @tcp:        [dir] TCP segments with payload and their payload bytes, as
 *              seen by the pipeline (one per original segment)
 * @bad_headers: headers with length < 8 or an unknown version in a synced
 *              stream (the stream then resynchronises)
 * @ts_ns:      CLOCK_MONOTONIC time of the snapshot, ns
 */
struct ofx_stats {
	struct ofx_count of[OFX_NVERSIONS][OFX_NTYPES][OFX_NDIRS];
	struct ofx_count of_invalid[OFX_NVERSIONS][OFX_NDIRS];
	struct ofx_count of_total[OFX_NDIRS];
	struct ofx_count tcp[OFX_NDIRS];
	uint64_t bad_headers;
	struct ofx_reasm_stats reasm;
	struct ofx_source_stats src;
	uint64_t ts_ns;
};

/**
 * struct ofx_conn_info - one tracked stream direction, for reporting.
 * @key: its tuple; @dir: enum ofx_dir; @version: last header version seen;
 * @datapath_id: from FEATURES_REPLY (valid if @has_dpid); @msgs: messages;
 * @last_ts_ns: time of its last segment
 */
struct ofx_conn_info {
	struct ofx_flow_key key;
	uint8_t dir;
	uint8_t version;
	bool has_dpid;
	uint64_t datapath_id;
	uint64_t msgs;
	uint64_t last_ts_ns;
};

/* Streams kept in a published snapshot at most. */
#define OFX_PUB_MAX_CONNS 256

/**
 * struct ofx_stats_pub - the published snapshot and the one before it.
 * @cur:  the newest published snapshot
 * @prev: a snapshot published at least 1 s before @cur (for rates);
 *        prev.ts_ns == 0 until one exists
 * @conns/@nconns: tracked streams at @cur's time
 * @start_ns: when monitoring started (CLOCK_MONOTONIC, ns)
 */
struct ofx_stats_pub {
	pthread_mutex_t lock;
	struct ofx_stats cur;
	struct ofx_stats prev;
	struct ofx_conn_info conns[OFX_PUB_MAX_CONNS];
	unsigned int nconns;
	uint64_t start_ns;
};

/** ofx_stats_pub_init() - zero @pub and set its start time to @now_ns. */
void ofx_stats_pub_init(struct ofx_stats_pub *pub, uint64_t now_ns);

/**
 * ofx_stats_publish() - copy @live (stamped with @now_ns) and @nconns
 * (clamped to OFX_PUB_MAX_CONNS) entries of @conns into @pub.
 */
void ofx_stats_publish(struct ofx_stats_pub *pub, const struct ofx_stats *live,
		       const struct ofx_conn_info *conns, unsigned int nconns,
		       uint64_t now_ns);

/**
 * ofx_stats_read() - copy the published snapshot into @cur and, when
 * @prev is not NULL, the older one into @prev (prev->ts_ns == 0: none yet).
 */
void ofx_stats_read(struct ofx_stats_pub *pub, struct ofx_stats *cur,
		    struct ofx_stats *prev);

/**
 * ofx_stats_read_conns() - copy up to @max published streams into @out.
 * Return: the number copied.
 */
unsigned int ofx_stats_read_conns(struct ofx_stats_pub *pub,
				  struct ofx_conn_info *out, unsigned int max);

/** ofx_now_ns() - CLOCK_MONOTONIC now, ns. */
uint64_t ofx_now_ns(void);

#endif
