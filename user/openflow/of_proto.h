/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_proto.h - OpenFlow 1.0-1.5 wire constants and name tables (one type
 * table per version, OpenFlow 1.0 §5.1, 1.3.5 §7.1, 1.5.1 §7.1).
 */
#ifndef OFX_OF_PROTO_H
#define OFX_OF_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#define OFP_HEADER_LEN 8 /* version, type, length, xid */
#define OFP_VERSION_MIN 1 /* 0x01 = OpenFlow 1.0 */
#define OFP_VERSION_MAX 6 /* 0x06 = OpenFlow 1.5 */
#define OFX_NVERSIONS 7 /* arrays indexed by wire version; [0] unused */
#define OFX_NTYPES 36 /* highest type of any version (1.5: 35) + 1 */

/** struct ofp_header_view - decoded common header (spec §7.1, all versions). */
struct ofp_header_view {
	uint8_t version;
	uint8_t type;
	uint16_t length; /* bytes, includes the 8-byte header */
	uint32_t xid;
};

/** of_version_name() - "1.0" ... "1.5" for wire version 1..6, else NULL. */
const char *of_version_name(uint8_t version);

/** of_version_tag() - "10","11",..,"15" (oftraf path style), else NULL. */
const char *of_version_tag(uint8_t version);

/**
 * of_max_type() - highest valid OFPT_* number of @version (21, 23, 25, 29,
 * 34, 35 for 1.0..1.5), or -1 for an unknown version.
 */
int of_max_type(uint8_t version);

/**
 * of_type_name() - spec name ("OFPT_PACKET_IN") of @type in @version, or
 * NULL when @version is unknown or @type is not valid in it (including the
 * unused 22/23 of 1.4 and 1.5).
 */
const char *of_type_name(uint8_t version, uint8_t type);

/* [version][type] -> spec name, NULL where not valid (of_type_name()). */
extern const char *const of_types[OFX_NVERSIONS][OFX_NTYPES];

/** of_type_valid() - of_type_name() != NULL (inline: once per message). */
static inline bool of_type_valid(uint8_t version, uint8_t type)
{
	return version < OFX_NVERSIONS && type < OFX_NTYPES &&
	       of_types[version][type] != NULL;
}

/**
 * of_header_plausible() - whether 8 bytes at @p look like an OpenFlow header:
 * known version, valid type for it, length >= 8. Used to resynchronise on a
 * stream joined mid-way or after a gap.
 */
bool of_header_plausible(const uint8_t *p);

/** enum of_sender - who may send a message type. */
enum of_sender {
	OF_SENDER_ANY = 0, /* symmetric (HELLO, ERROR, ECHO, EXPERIMENTER,
			    * BUNDLE_*), or not a valid type */
	OF_SENDER_SWITCH, /* replies, PACKET_IN, FLOW_REMOVED, PORT_STATUS.. */
	OF_SENDER_CONTROLLER, /* requests, FLOW_MOD, PACKET_OUT, SET_CONFIG.. */
};

/**
 * of_type_sender() - enum of_sender of @type in @version (OpenFlow 1.5.1
 * §7.1: controller-to-switch requests are answered by the switch;
 * asynchronous messages come from the switch). Compares names: not for a
 * per-message hot path.
 */
int of_type_sender(uint8_t version, uint8_t type);

/**
 * of_is_multipart() - whether @type is STATS_REQUEST/REPLY (1.0: 16/17,
 * 1.1-1.2: 18/19) or MULTIPART_REQUEST/REPLY (1.3+: 18/19) in @version.
 */
static inline bool of_is_multipart(uint8_t version, uint8_t type)
{
	if (version == 1)
		return type == 16 || type == 17;
	return version >= 2 && version <= OFP_VERSION_MAX &&
	       (type == 18 || type == 19);
}

/** of_parse_header() - decode the 8 bytes at @p into @h (no validation). */
void of_parse_header(const uint8_t *p, struct ofp_header_view *h);

#endif
