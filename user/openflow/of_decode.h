/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_decode.h - per-message decoder of OpenFlow 1.0-1.5 subtypes: the
 * stats/multipart type, error type/code, experimenter id/type, reasons,
 * commands and roles of one message, plus a few secondary details (buffered
 * or not, carried Ethernet frame class, table id, HELLO version bitmap).
 *
 * Hot path: of_decode() runs once per message; it allocates nothing, does no
 * string work and reads at most min(caplen, length) bytes, of which it needs
 * no more than of_peek_len() (<= OF_PEEK_MAX). The name functions are cold.
 *
 * Offsets: OpenFlow 1.0.0 §5, 1.1.0 §A, 1.2 §A, 1.3.5 §7, 1.4.1 §7,
 * 1.5.1 §7 (cross-checked with Ryu's ofproto_v1_x.py pack strings).
 */
#ifndef OFX_OF_DECODE_H
#define OFX_OF_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OF_PEEK_MAX 512 /* bytes of a message the decoder ever reads */

/** enum of_sub_kind - how struct of_decoded.sub is to be read. */
enum of_sub_kind {
	OF_SUB_NONE = 0, /* the type has no subtype (or it was not readable) */
	OF_SUB_CODE, /* an enum value of the type: stats/multipart type,
		      * PACKET_IN reason, FLOW_MOD command, FLOW_REMOVED reason,
		      * PORT_STATUS reason, GROUP_MOD / METER_MOD command,
		      * ROLE_REQUEST/REPLY/STATUS role, BUNDLE_CONTROL type,
		      * TABLE_STATUS reason, CONTROLLER_STATUS reason,
		      * REQUESTFORWARD reason (from the forwarded type) */
	OF_SUB_ERROR, /* ERROR: key = type << 16 | code */
	OF_SUB_EXP, /* experimenter (VENDOR/EXPERIMENTER message, 1.2+
		     * experimenter multipart, OFPET_EXPERIMENTER error):
		     * key = (u64)experimenter_id << 32 | exp_type */
	OF_SUB_EXP_ID, /* experimenter id only (1.0 VENDOR message shorter
			* than 16 bytes, 1.0 vendor / 1.1 experimenter
			* stats): key = id */
};

/** enum of_detail_kind - what struct of_detail.key means. */
enum of_detail_kind {
	OF_DET_BUFFERED =
		1, /* key 1 buffered, 0 not (buffer_id != NO_BUFFER) */
	OF_DET_ETH, /* key enum of_eth_class of the carried frame */
	OF_DET_TABLE, /* key table_id */
	OF_DET_HELLO_VERSIONS, /* key = version bitmap (bit v = wire version v) */
};

/**
 * enum of_eth_class - class of the Ethernet frame carried by PACKET_IN /
 * PACKET_OUT, from its ethertype after 802.1Q/802.1ad tags. OF_ETH_LLDP
 * includes BSN's BDDP (0x8942), which carries the same discovery TLVs.
 */
enum of_eth_class {
	OF_ETH_OTHER,
	OF_ETH_LLDP,
	OF_ETH_ARP,
	OF_ETH_IPV4,
	OF_ETH_IPV6,
};

#define OF_MAX_DETAILS 4

/** struct of_detail - one secondary property of a message. */
struct of_detail {
	uint8_t kind; /* enum of_detail_kind */
	uint32_t key; /* every detail fits 32 bits (the HELLO bitmap) */
};

/**
 * struct of_decoded - what of_decode() found in one message.
 *
 * Fields that do not apply to the message's type are 0/false.
 */
struct of_decoded {
	uint64_t sub; /* primary subtype, see enum of_sub_kind */
	uint64_t datapath_id; /* FEATURES_REPLY */
	struct of_detail detail[OF_MAX_DETAILS]; /* secondary, counted too */
	uint32_t buffer_id; /* PACKET_IN, PACKET_OUT, FLOW_MOD */
	/* HELLO: bitmap from the VERSIONBITMAP element (1.3.1+), else
	 * 1u << header version */
	uint32_t hello_versions;
	uint32_t role; /* ROLE_REQUEST/REPLY/STATUS: OFPCR_ROLE_* */
	uint16_t total_len; /* PACKET_IN: full length of the frame, bytes */
	/*
	 * PACKET_IN / PACKET_OUT: offset of the carried frame from the message
	 * start and its bytes within the message (0, 0: none). data_len counts
	 * the bytes the header's length covers, captured or not.
	 */
	uint16_t data_off;
	uint16_t data_len;
	/* carried frame's ethertype after 802.1Q/QinQ tags; 0: none, not
	 * captured, or an 802.3 length field */
	uint16_t ethertype;
	uint8_t sub_kind; /* enum of_sub_kind */
	uint8_t ndetails; /* used entries of detail[] */
	uint8_t auxiliary_id; /* FEATURES_REPLY 1.3+ */
	bool has_dpid;
	bool has_buffer_id;
	/*
	 * The header's length is too short for the type's fixed part, or a
	 * length inside the message (match, actions, HELLO element) points past
	 * its end. Nothing beyond the header's length is ever read.
	 */
	bool malformed;
	/* fewer captured bytes than needed to decode: partial decode */
	bool truncated;
	/* STATS/MULTIPART request or reply: the MORE flag (bit 0 of flags) */
	bool mp_more;
};

/**
 * of_decode() - decode the subtype and details of one message.
 * @msg:    the message, header included.
 * @caplen: bytes available at @msg; may be less than the header's length
 *          (only the first bytes were kept) or more (bytes of what follows).
 * @d:      result; cleared first.
 *
 * Never reads beyond min(@caplen, header length). Unknown versions and types
 * decode to OF_SUB_NONE without error. A header length below the type's
 * fixed part (OpenFlow 1.3 MULTIPART 16, ERROR 12, PACKET_IN 34, FLOW_MOD 56,
 * 1.0 FLOW_MOD 72, ...) is malformed and decodes nothing more. When only an
 * experimenter id is missing (cut by the length: malformed, or by @caplen:
 * truncated), what was read is kept: OF_SUB_ERROR for an OFPET_EXPERIMENTER
 * error, OF_SUB_CODE 0xffff for a multipart, OF_SUB_EXP_ID for a VENDOR.
 *
 * Return: 0, or -EINVAL when @caplen < 8 (@d is then cleared).
 */
int of_decode(const uint8_t *msg, size_t caplen, struct of_decoded *d);

/**
 * of_peek_len() - bytes of a message of @version/@type that of_decode()
 * needs from its start (header included) to decode everything it decodes:
 * small for most types (24 multipart, 16 error/experimenter, 72 FLOW_MOD
 * 1.0), OF_PEEK_MAX for PACKET_IN/PACKET_OUT (match/actions, then the carried
 * Ethernet/VLAN header). 8 for types without a subtype or unknown ones.
 */
size_t of_peek_len(uint8_t version, uint8_t type);

/**
 * of_subtype_name() - spec name of a subtype into @buf.
 * @version, @type: the message's header fields.
 * @kind, @key:     struct of_decoded.sub_kind and .sub.
 * @buf, @len:      output, NUL-terminated and truncated to fit (@len may be 0).
 *
 * Names follow the spec of @version: "OFPST_FLOW" (1.0-1.2 stats),
 * "OFPMP_PORT_DESC", "OFPR_NO_MATCH", "OFPFC_ADD", "OFPRR_*", "OFPPR_*",
 * "OFPGC_*", "OFPMC_*", "OFPCR_ROLE_*", "OFPBCT_*", "OFPTR_*", "OFPCSR_*",
 * "OFPRFR_*"; errors "OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE"; experimenters
 * "NICIRA:20" (well-known ids by name, else "0x%08x:%u"), an id alone for
 * OF_SUB_EXP_ID, "OFPET_EXPERIMENTER/NICIRA:5" for experimenter errors.
 * Unknown numbers: the prefix and the number ("OFPMP_99", "OFPR_9",
 * "OFPET_BAD_REQUEST/99", "OFPET_77/3"). OF_SUB_NONE: "".
 *
 * Return: the length of the full name (as snprintf: may be >= @len).
 */
int of_subtype_name(uint8_t version, uint8_t type, uint8_t kind, uint64_t key,
		    char *buf, size_t len);

/**
 * of_detail_name() - name of a detail into @buf (@len bytes, NUL-terminated,
 * truncated to fit): "buffered"/"unbuffered", "eth:LLDP", "eth:ARP",
 * "eth:IPv4", "eth:IPv6", "eth:other", "table:N", "versions:1.0,1.3"
 * (unknown wire versions as "0xNN"). Unknown @kind: "detail:N".
 *
 * Return: the length of the full name (as snprintf).
 */
int of_detail_name(uint8_t kind, uint64_t key, char *buf, size_t len);

/**
 * of_experimenter_name() - "NICIRA", "ONF", "BSN", "HP", "HP_LABS",
 * "NETRONOME", "INTEL" for well-known experimenter ids, else NULL.
 */
const char *of_experimenter_name(uint32_t id);

/**
 * of_lldp_dpid() - datapath id a controller put in a discovery frame.
 * @frame: Ethernet frame from its destination MAC; 802.1Q/802.1ad tags are
 *         skipped; ethertype 0x88cc (LLDP) or 0x8942 (BDDP).
 * @len:   bytes at @frame.
 * @dpid:  result.
 *
 * Recognised encodings (only unambiguous ones):
 *  - Chassis ID TLV, subtype 7 (locally assigned), "dpid:" + 16 hex digits
 *    (Ryu, os-ken, Faucet);
 *  - Chassis ID TLV, subtype 4 (MAC) with an 8-byte value: the full dpid
 *    (OpenDaylight openflowplugin);
 *  - organisationally specific TLV, OUI 00:26:e1 subtype 0, 8 bytes of dpid
 *    (Floodlight, Beacon);
 *  - organisationally specific TLV, OUI a4:23:05 subtype 2 (ONOS device id),
 *    "of:" + 16 hex digits.
 * A 6-byte chassis MAC derived from the dpid (Floodlight, ONOS) loses its
 * top 16 bits and is not used.
 *
 * Return: 0 with *@dpid set, or -ENOENT.
 */
int of_lldp_dpid(const uint8_t *frame, size_t len, uint64_t *dpid);

/** of_detail_find() - key of the first detail of @kind in @d, if any. */
static inline bool of_detail_find(const struct of_decoded *d, uint8_t kind,
				  uint64_t *key)
{
	for (unsigned int i = 0; i < d->ndetails && i < OF_MAX_DETAILS; i++) {
		if (d->detail[i].kind == kind) {
			*key = d->detail[i].key;
			return true;
		}
	}
	return false;
}

#endif
