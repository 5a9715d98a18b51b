/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_fields.h - the key fields of one message, for people: what `ofxdp
 * watch` prints per message and its NDJSON carries (PACKET_IN: buffer,
 * in_port, table, cookie, the carried frame's addresses; FLOW_MOD:
 * command, table, priority, cookie, timeouts, match; ...).
 *
 * Cold path: runs only for messages that are shown. Reads at most
 * min(caplen, length) bytes; what is not captured is left out (the result
 * says so). Offsets: OpenFlow 1.0.0 §5, 1.1.0 §A, 1.2 §A, 1.3.5 §7, 1.5.1
 * §7; OXM fields OpenFlow 1.5.1 §7.2.3.7; the carried frame IEEE 802.3,
 * RFC 826, RFC 791, RFC 8200.
 */
#ifndef OFX_OF_FIELDS_H
#define OFX_OF_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** enum of_field_group - where a field belongs (text prefix, JSON object). */
enum of_field_group {
	OF_FG_MSG = 0, /* the message's own fields */
	OF_FG_MATCH, /* its match (FLOW_MOD, FLOW_REMOVED, PACKET_IN 1.2+) */
	OF_FG_FRAME, /* the Ethernet frame carried by PACKET_IN/PACKET_OUT */
	OF_FG_N,
};

#define OF_FIELDS_MAX 48
#define OF_FIELD_VALUE_MAX 48 /* "ffff:...:ffff/ffff:..." fits */

/**
 * struct of_field - one field.
 * @name:   spec-style lower-case name ("buffer_id", "in_port", "eth_src",
 *          "ipv4_dst"); static storage
 * @group:  enum of_field_group
 * @number: @value is a decimal integer (JSON: a number), @u holds it
 * @u:      the value when @number
 * @value:  the value as text (hex with 0x, MAC, dotted quad, IPv6, names)
 */
struct of_field {
	const char *name;
	uint8_t group;
	bool number;
	uint64_t u;
	char value[OF_FIELD_VALUE_MAX];
};

/**
 * struct of_fields - the fields of one message, in wire order per group.
 * @n:         entries used in @f
 * @truncated: fields were left out because bytes were not captured
 * @malformed: a length inside the message points past its end
 */
struct of_fields {
	unsigned int n;
	bool truncated;
	bool malformed;
	struct of_field f[OF_FIELDS_MAX];
};

/**
 * of_fields_get() - the key fields of the message at @msg.
 * @msg:    the message, header included
 * @caplen: bytes at @msg (may be less than its length)
 * @out:    result (cleared first)
 *
 * Types without key fields give none. Return: number of fields.
 */
unsigned int of_fields_get(const uint8_t *msg, size_t caplen,
			   struct of_fields *out);

/**
 * of_frame_fields() - fields of an Ethernet frame (@len bytes at @p) into
 * @out's OF_FG_FRAME group: eth_src, eth_dst, vlan_vid (each 802.1Q/ad
 * tag), eth_type, then arp_op/arp_spa/arp_tpa, or ipv4/ipv6 src, dst,
 * ip_proto and TCP/UDP/SCTP ports or ICMP type. Return: fields added.
 */
unsigned int of_frame_fields(const uint8_t *p, size_t len,
			     struct of_fields *out);

#endif
