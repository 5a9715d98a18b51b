/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * frame.h - parse a captured link-layer frame (Ethernet with 802.1Q/QinQ,
 * Linux cooked v1/v2, BSD loopback, raw IP) down to its TCP payload, for
 * the libpcap sources. The BPF programs do the same parsing in the kernel,
 * by the same rules (include/ofx_parse.h).
 */
#ifndef OFX_FRAME_H
#define OFX_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/segment.h"

/** enum ofx_frame_rc - result of ofx_frame_parse(). */
enum ofx_frame_rc {
	OFX_FRAME_OK = 0, /* @seg filled */
	OFX_FRAME_OTHER = 1, /* valid, but not TCP on an OpenFlow port */
	OFX_FRAME_MALFORMED = 2, /* truncated or inconsistent headers */
};

/**
 * ofx_frame_parse() - parse @caplen captured bytes of a frame of link type
 * @dlt (DLT_* value) whose original length was @wirelen, by the rules of
 * include/ofx_parse.h (VLAN tags, IP options, IPv6 extension headers,
 * lengths) that the BPF programs follow too.
 * On OFX_FRAME_OK @seg->data points into @pkt; seg_len is the payload
 * length (ofx_tcp_payload(): the frame's, trimmed to the IP length),
 * cap_len what was captured of it; dir from @ports; first = true; and
 * *@ip_short (if @ip_short is not NULL) tells whether the IP length
 * claimed more than the frame holds (to be counted). The headers up to the
 * end of the TCP header must have been captured (else malformed).
 */
enum ofx_frame_rc ofx_frame_parse(int dlt, const uint8_t *pkt, size_t caplen,
				  size_t wirelen,
				  const struct ofx_portset *ports,
				  struct ofx_segment *seg, bool *ip_short);

#endif
