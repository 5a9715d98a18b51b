/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * segment.h - the one segment interface that every capture source (BPF ring
 * buffer, live libpcap, pcap file) feeds into the pipeline.
 */
#ifndef OFX_SEGMENT_H
#define OFX_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct ofx_flow_key - one direction of a TCP connection.
 * @saddr/@daddr: network byte order; IPv4 uses word 0 and zeroes the rest
 * @sport/@dport: host byte order
 * @family: 4 or 6
 */
struct ofx_flow_key {
	uint32_t saddr[4];
	uint32_t daddr[4];
	uint16_t sport;
	uint16_t dport;
	uint8_t family;
	uint8_t pad[3];
};

/**
 * struct ofx_segment - a TCP segment (or one chunk of one) on an OpenFlow port.
 * @key:       the connection direction it travels in
 * @ts_ns:     capture time in ns (monotonic for live sources, epoch for files)
 * @seq:       TCP seq of data[0]
 * @seg_len:   payload length of the whole original segment, bytes
 * @cap_len:   bytes available at @data (< seg_len when chunked or truncated)
 * @data:      payload bytes; valid only during the feed call
 * @dir:       enum ofx_dir
 * @tcp_flags: OFX_TCP_* bits of the segment; when a segment is split into
 *             chunks, SYN is set on the first chunk only and FIN/RST on the
 *             last chunk only
 * @first:     true for the first chunk of a segment (counts the segment once)
 */
struct ofx_segment {
	struct ofx_flow_key key;
	uint64_t ts_ns;
	uint32_t seq;
	uint32_t seg_len;
	uint32_t cap_len;
	const uint8_t *data;
	uint8_t dir;
	uint8_t tcp_flags;
	bool first;
};

/**
 * struct ofx_portset - set of OpenFlow TCP ports (host byte order).
 * @ports: the ports; @n: how many (<= OFX_MAX_PORTS from ofxdp.h)
 */
struct ofx_portset {
	uint16_t ports[64];
	unsigned int n;
};

/**
 * ofx_portset_parse() - parse "6653,6633" into @set.
 * Return: 0, or -EINVAL on an empty list, a non-number, 0, a value > 65535
 * or more than 64 ports.
 */
int ofx_portset_parse(const char *s, struct ofx_portset *set);

/** ofx_portset_has() - whether @port (host order) is in @set. */
bool ofx_portset_has(const struct ofx_portset *set, uint16_t port);

/**
 * ofx_portset_format() - "6653,6633" into @buf of @len bytes (truncated to fit).
 */
void ofx_portset_format(const struct ofx_portset *set, char *buf, size_t len);

#endif
