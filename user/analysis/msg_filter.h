/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * msg_filter.h - which messages a watcher wants: `ofxdp watch` options
 * and REST stream sessions share it. Every condition given must hold:
 * version, type (spec names, per version: "PACKET_IN" or
 * "OFPT_PACKET_IN", STATS_* and MULTIPART_* both accepted), subtype (as
 * of_subtype_name() prints it, "OFPMP_FLOW"; an error's type alone,
 * "OFPET_BAD_REQUEST", takes every code), direction, switch (datapath_id
 * or the switch's address), xid, and a libpcap filter expression run on
 * the Ethernet frame carried by PACKET_IN/PACKET_OUT (pcap_compile(),
 * pcap_offline_filter(); other messages never match it).
 */
#ifndef OFX_MSG_FILTER_H
#define OFX_MSG_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "openflow/of_msg.h"
#include "openflow/of_proto.h"

#define OFX_FILTER_SUBTYPES 16
#define OFX_FILTER_NAME_MAX 48

/**
 * struct ofx_msg_filter - the conditions (all zero: every message).
 * @versions:   bit v set: wire version v wanted (0: any)
 * @types:      [version] bit t set: type t wanted; @has_types: a type was
 *              given
 * @subtypes:   names as of_subtype_name() prints them (@nsub used)
 * @dir:        0 any, else OFX_DIR_IN + 1 or OFX_DIR_OUT + 1
 * @has_dpid/@dpid: the switch by datapath_id
 * @has_addr/@addr/@port: the switch by its address (@family 4 or 6,
 *              network order as struct ofx_flow_key; @port 0: any)
 * @has_xid/@xid: the xid
 * @inner:      compiled expression for the carried frame (@has_inner)
 */
struct ofx_msg_filter {
	uint8_t versions;
	bool has_types;
	uint64_t types[OFX_NVERSIONS];
	unsigned int nsub;
	char subtypes[OFX_FILTER_SUBTYPES][OFX_FILTER_NAME_MAX];
	uint8_t dir;
	bool has_dpid;
	uint64_t dpid;
	bool has_addr;
	uint8_t family;
	uint32_t addr[4];
	uint16_t port;
	bool has_xid;
	uint32_t xid;
	bool has_inner;
	struct bpf_program inner;
};

/**
 * ofx_msg_filter_set() - add the condition @key = @value to @f.
 * @key:   "version" ("1.0,1.3"), "type" (comma-separated names),
 *         "subtype" (names), "direction" ("in", "out", "both"), "switch"
 *         (datapath_id as 0x-hex, 16 hex digits or with colons, or
 *         IPv4[:port], [IPv6][:port]), "xid" (decimal or 0x-hex), "inner"
 *         (a pcap filter expression), "mac" (inner "ether host MAC")
 * @err:   on error, what is wrong (@errlen bytes)
 * Return: 0, or -EINVAL (bad value), -ENOENT (unknown key), -E2BIG (too
 * many subtypes).
 */
int ofx_msg_filter_set(struct ofx_msg_filter *f, const char *key,
		       const char *value, char *err, size_t errlen);

/**
 * ofx_msg_filter_match() - whether @m passes every condition of @f.
 * Cost: a few compares; the subtype's name and the frame filter only
 * for messages that passed the rest.
 */
bool ofx_msg_filter_match(const struct ofx_msg_filter *f,
			  const struct of_msg *m);

/** ofx_msg_filter_empty() - no condition: every message matches. */
bool ofx_msg_filter_empty(const struct ofx_msg_filter *f);

/** ofx_msg_filter_free() - free the compiled frame filter (then zeroed). */
void ofx_msg_filter_free(struct ofx_msg_filter *f);

#endif
