// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_proto.c - OpenFlow 1.0-1.5 message type tables (one per version, see
 * ../shared notes "Message types per version"; OpenFlow 1.0 §5.1,
 * 1.1 §A.1, 1.2 §A.1, 1.3.5 §7.1, 1.4.1 §7.1, 1.5.1 §7.1).
 */
#include <stddef.h>
#include <string.h>

#include "openflow/of_proto.h"

/* Types 0-14 are the same in every version but 4 (VENDOR in 1.0). */
#define OF_COMMON_TYPES(t4)                                                    \
	[0] = "OFPT_HELLO", [1] = "OFPT_ERROR", [2] = "OFPT_ECHO_REQUEST",     \
	[3] = "OFPT_ECHO_REPLY", [4] = t4, [5] = "OFPT_FEATURES_REQUEST",      \
	[6] = "OFPT_FEATURES_REPLY", [7] = "OFPT_GET_CONFIG_REQUEST",          \
	[8] = "OFPT_GET_CONFIG_REPLY", [9] = "OFPT_SET_CONFIG",                \
	[10] = "OFPT_PACKET_IN", [11] = "OFPT_FLOW_REMOVED",                   \
	[12] = "OFPT_PORT_STATUS", [13] = "OFPT_PACKET_OUT",                   \
	[14] = "OFPT_FLOW_MOD"

/* Types 15-21 of 1.1 and later (1.2+ rename 18/19 only from 1.3 on). */
#define OF11_TYPES_15_21(req, rep)                                             \
	[15] = "OFPT_GROUP_MOD", [16] = "OFPT_PORT_MOD",                       \
	[17] = "OFPT_TABLE_MOD", [18] = req, [19] = rep,                       \
	[20] = "OFPT_BARRIER_REQUEST", [21] = "OFPT_BARRIER_REPLY"

#define OF13_TYPES_24_29                                                       \
	[24] = "OFPT_ROLE_REQUEST", [25] = "OFPT_ROLE_REPLY",                  \
	[26] = "OFPT_GET_ASYNC_REQUEST", [27] = "OFPT_GET_ASYNC_REPLY",        \
	[28] = "OFPT_SET_ASYNC", [29] = "OFPT_METER_MOD"

#define OF14_TYPES_30_34                                                       \
	[30] = "OFPT_ROLE_STATUS", [31] = "OFPT_TABLE_STATUS",                 \
	[32] = "OFPT_REQUESTFORWARD", [33] = "OFPT_BUNDLE_CONTROL",            \
	[34] = "OFPT_BUNDLE_ADD_MESSAGE"

const char *const of_types[OFX_NVERSIONS][OFX_NTYPES] = {
	[1] = {OF_COMMON_TYPES("OFPT_VENDOR"), [15] = "OFPT_PORT_MOD",
	       [16] = "OFPT_STATS_REQUEST", [17] = "OFPT_STATS_REPLY",
	       [18] = "OFPT_BARRIER_REQUEST", [19] = "OFPT_BARRIER_REPLY",
	       [20] = "OFPT_QUEUE_GET_CONFIG_REQUEST",
	       [21] = "OFPT_QUEUE_GET_CONFIG_REPLY"},
	[2] = {OF_COMMON_TYPES("OFPT_EXPERIMENTER"),
	       OF11_TYPES_15_21("OFPT_STATS_REQUEST", "OFPT_STATS_REPLY"),
	       [22] = "OFPT_QUEUE_GET_CONFIG_REQUEST",
	       [23] = "OFPT_QUEUE_GET_CONFIG_REPLY"},
	[3] = {OF_COMMON_TYPES("OFPT_EXPERIMENTER"),
	       OF11_TYPES_15_21("OFPT_STATS_REQUEST", "OFPT_STATS_REPLY"),
	       [22] = "OFPT_QUEUE_GET_CONFIG_REQUEST",
	       [23] = "OFPT_QUEUE_GET_CONFIG_REPLY", [24] = "OFPT_ROLE_REQUEST",
	       [25] = "OFPT_ROLE_REPLY"},
	[4] = {OF_COMMON_TYPES("OFPT_EXPERIMENTER"),
	       OF11_TYPES_15_21("OFPT_MULTIPART_REQUEST",
				"OFPT_MULTIPART_REPLY"),
	       [22] = "OFPT_QUEUE_GET_CONFIG_REQUEST",
	       [23] = "OFPT_QUEUE_GET_CONFIG_REPLY", OF13_TYPES_24_29},
	[5] = {OF_COMMON_TYPES("OFPT_EXPERIMENTER"),
	       OF11_TYPES_15_21("OFPT_MULTIPART_REQUEST",
				"OFPT_MULTIPART_REPLY"),
	       OF13_TYPES_24_29, OF14_TYPES_30_34},
	[6] = {OF_COMMON_TYPES("OFPT_EXPERIMENTER"),
	       OF11_TYPES_15_21("OFPT_MULTIPART_REQUEST",
				"OFPT_MULTIPART_REPLY"),
	       OF13_TYPES_24_29,
	       OF14_TYPES_30_34, [35] = "OFPT_CONTROLLER_STATUS"},
};

static const int of_max_types[OFX_NVERSIONS] = {-1, 21, 23, 25, 29, 34, 35};

const char *of_version_name(uint8_t version)
{
	static const char *const names[OFX_NVERSIONS] = {
		NULL, "1.0", "1.1", "1.2", "1.3", "1.4", "1.5"};
	return version < OFX_NVERSIONS ? names[version] : NULL;
}

const char *of_version_tag(uint8_t version)
{
	static const char *const tags[OFX_NVERSIONS] = {NULL, "10", "11", "12",
							"13", "14", "15"};
	return version < OFX_NVERSIONS ? tags[version] : NULL;
}

int of_max_type(uint8_t version)
{
	return version < OFX_NVERSIONS ? of_max_types[version] : -1;
}

const char *of_type_name(uint8_t version, uint8_t type)
{
	if (version >= OFX_NVERSIONS || type >= OFX_NTYPES)
		return NULL;
	return of_types[version][type];
}

void of_parse_header(const uint8_t *p, struct ofp_header_view *h)
{
	h->version = p[0];
	h->type = p[1];
	h->length = (uint16_t)(p[2] << 8 | p[3]);
	h->xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
		 (uint32_t)p[6] << 8 | p[7];
}

bool of_header_plausible(const uint8_t *p)
{
	uint16_t len = (uint16_t)(p[2] << 8 | p[3]);

	return p[0] >= OFP_VERSION_MIN && p[0] <= OFP_VERSION_MAX &&
	       of_type_valid(p[0], p[1]) && len >= OFP_HEADER_LEN;
}

/* Types only a switch sends, and types only a controller sends (OpenFlow
 * 1.5.1 §7.1: controller-to-switch, asynchronous and symmetric messages;
 * the replies of controller-to-switch requests come from the switch). */
static const char *const switch_types[] = {
	"OFPT_FEATURES_REPLY",
	"OFPT_GET_CONFIG_REPLY",
	"OFPT_PACKET_IN",
	"OFPT_FLOW_REMOVED",
	"OFPT_PORT_STATUS",
	"OFPT_STATS_REPLY",
	"OFPT_MULTIPART_REPLY",
	"OFPT_BARRIER_REPLY",
	"OFPT_QUEUE_GET_CONFIG_REPLY",
	"OFPT_ROLE_REPLY",
	"OFPT_GET_ASYNC_REPLY",
	"OFPT_ROLE_STATUS",
	"OFPT_TABLE_STATUS",
	"OFPT_REQUESTFORWARD",
	"OFPT_CONTROLLER_STATUS",
};

static const char *const controller_types[] = {
	"OFPT_FEATURES_REQUEST", "OFPT_GET_CONFIG_REQUEST",
	"OFPT_SET_CONFIG",	 "OFPT_PACKET_OUT",
	"OFPT_FLOW_MOD",	 "OFPT_GROUP_MOD",
	"OFPT_PORT_MOD",	 "OFPT_TABLE_MOD",
	"OFPT_STATS_REQUEST",	 "OFPT_MULTIPART_REQUEST",
	"OFPT_BARRIER_REQUEST",	 "OFPT_QUEUE_GET_CONFIG_REQUEST",
	"OFPT_ROLE_REQUEST",	 "OFPT_GET_ASYNC_REQUEST",
	"OFPT_SET_ASYNC",	 "OFPT_METER_MOD",
};

static bool name_in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

int of_type_sender(uint8_t version, uint8_t type)
{
	const char *name = of_type_name(version, type);

	if (!name)
		return OF_SENDER_ANY;
	if (name_in(name, switch_types,
		    sizeof(switch_types) / sizeof(switch_types[0])))
		return OF_SENDER_SWITCH;
	if (name_in(name, controller_types,
		    sizeof(controller_types) / sizeof(controller_types[0])))
		return OF_SENDER_CONTROLLER;
	return OF_SENDER_ANY;
}
