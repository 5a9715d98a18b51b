// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_decode.c - per-message decoder of OpenFlow 1.0-1.5 subtypes and their
 * spec names (see of_decode.h). Offsets and fixed sizes per version: OpenFlow
 * 1.0.0 §5, 1.1.0 §A, 1.2 §A, 1.3.5 §7, 1.4.1 §7, 1.5.1 §7; checked against
 * Ryu's ofproto_v1_x.py struct formats and Wireshark's value strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "openflow/of_decode.h"
#include "openflow/of_proto.h"

#define OFP_NO_BUFFER 0xffffffffu
#define OFP_EXP_TYPE 0xffffu /* OFPST_VENDOR, OFPMP_EXPERIMENTER, OFPET_... */
#define ETH_HLEN 14
#define ETH_MAX_TAGS 4 /* 802.1Q/802.1ad tags skipped before the ethertype */

/* Message types the decoder looks into, independent of the wire number. */
enum of_kind {
	K_OTHER = 0,
	K_HELLO,
	K_ERROR,
	K_EXPERIMENTER,
	K_FEATURES_REPLY,
	K_PACKET_IN,
	K_FLOW_REMOVED,
	K_PORT_STATUS,
	K_PACKET_OUT,
	K_FLOW_MOD,
	K_GROUP_MOD,
	K_TABLE_MOD,
	K_STATS_REQUEST,
	K_STATS_REPLY,
	K_ROLE_REQUEST,
	K_ROLE_REPLY,
	K_METER_MOD,
	K_ROLE_STATUS,
	K_TABLE_STATUS,
	K_REQUESTFORWARD,
	K_BUNDLE_CONTROL,
	K_CONTROLLER_STATUS,
};

/* Types 0-14 are the same in every version (4: VENDOR = EXPERIMENTER). */
#define KINDS_COMMON                                                           \
	[0] = K_HELLO, [1] = K_ERROR, [4] = K_EXPERIMENTER,                    \
	[6] = K_FEATURES_REPLY, [10] = K_PACKET_IN, [11] = K_FLOW_REMOVED,     \
	[12] = K_PORT_STATUS, [13] = K_PACKET_OUT, [14] = K_FLOW_MOD
/* 1.1+: 15 GROUP_MOD, 17 TABLE_MOD, 18/19 STATS (MULTIPART from 1.3). */
#define KINDS_11                                                               \
	[15] = K_GROUP_MOD, [17] = K_TABLE_MOD, [18] = K_STATS_REQUEST,        \
	[19] = K_STATS_REPLY
#define KINDS_12 [24] = K_ROLE_REQUEST, [25] = K_ROLE_REPLY
#define KINDS_13 [29] = K_METER_MOD
#define KINDS_14                                                               \
	[30] = K_ROLE_STATUS, [31] = K_TABLE_STATUS, [32] = K_REQUESTFORWARD,  \
	[33] = K_BUNDLE_CONTROL

static const uint8_t of_kinds[OFX_NVERSIONS][OFX_NTYPES] = {
	[1] = {KINDS_COMMON, [16] = K_STATS_REQUEST, [17] = K_STATS_REPLY},
	[2] = {KINDS_COMMON, KINDS_11},
	[3] = {KINDS_COMMON, KINDS_11, KINDS_12},
	[4] = {KINDS_COMMON, KINDS_11, KINDS_12, KINDS_13},
	[5] = {KINDS_COMMON, KINDS_11, KINDS_12, KINDS_13, KINDS_14},
	[6] = {KINDS_COMMON, KINDS_11, KINDS_12, KINDS_13,
	       KINDS_14, [35] = K_CONTROLLER_STATUS},
};

static inline enum of_kind of_kind(uint8_t version, uint8_t type)
{
	if (version >= OFX_NVERSIONS || type >= OFX_NTYPES)
		return K_OTHER;
	return (enum of_kind)of_kinds[version][type];
}

/*
 * Fixed part of each type (bytes, header included) per wire version; a
 * header length below it is malformed. 0: not a type of that version.
 */
static const uint8_t fixed_len[][OFX_NVERSIONS] = {
	/*                    -  1.0  1.1  1.2  1.3  1.4  1.5 */
	[K_HELLO] = {0, 8, 8, 8, 8, 8, 8},
	[K_ERROR] = {0, 12, 12, 12, 12, 12, 12},
	[K_EXPERIMENTER] = {0, 12, 16, 16, 16, 16, 16},
	[K_FEATURES_REPLY] = {0, 32, 32, 32, 32, 32, 32},
	/* 1.2+: struct size + the 2 pad bytes after the (minimal) match */
	[K_PACKET_IN] = {0, 18, 24, 26, 34, 34, 34},
	[K_FLOW_REMOVED] = {0, 88, 136, 56, 56, 56, 32},
	[K_PORT_STATUS] = {0, 64, 80, 80, 80, 56, 56},
	[K_PACKET_OUT] = {0, 16, 24, 24, 24, 24, 24},
	[K_FLOW_MOD] = {0, 72, 136, 56, 56, 56, 56},
	[K_GROUP_MOD] = {0, 0, 16, 16, 16, 16, 24},
	[K_TABLE_MOD] = {0, 0, 16, 16, 16, 16, 16},
	[K_STATS_REQUEST] = {0, 12, 16, 16, 16, 16, 16},
	[K_STATS_REPLY] = {0, 12, 16, 16, 16, 16, 16},
	[K_ROLE_REQUEST] = {0, 0, 0, 24, 24, 24, 24},
	[K_ROLE_REPLY] = {0, 0, 0, 24, 24, 24, 24},
	[K_METER_MOD] = {0, 0, 0, 0, 16, 16, 16},
	[K_ROLE_STATUS] = {0, 0, 0, 0, 0, 24, 24},
	[K_TABLE_STATUS] = {0, 0, 0, 0, 0, 24, 24},
	[K_REQUESTFORWARD] = {0, 0, 0, 0, 0, 16, 16},
	[K_BUNDLE_CONTROL] = {0, 0, 0, 0, 0, 16, 16},
	[K_CONTROLLER_STATUS] = {0, 0, 0, 0, 0, 0, 24},
};

/* ------------------------------------------------------------------ */
/* bounds-checked big-endian loads */

struct dctx {
	const uint8_t *p;
	uint32_t length; /* header length */
	uint32_t lim; /* min(caplen, length): never read at or past it */
	uint8_t version;
	struct of_decoded *d;
};

static inline uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) << 32 | ld32(p + 4);
}

/*
 * have() - whether @n bytes at @off may be read. If not, flag why: past the
 * header's length (malformed) or past the captured bytes (truncated).
 */
static inline bool have(struct dctx *c, uint32_t off, uint32_t n)
{
	if (off + n <= c->lim)
		return true;
	if (off + n > c->length)
		c->d->malformed = true;
	else
		c->d->truncated = true;
	return false;
}

static inline void add_detail(struct of_decoded *d, uint8_t kind, uint64_t key)
{
	if (d->ndetails < OF_MAX_DETAILS) {
		d->detail[d->ndetails].kind = kind;
		d->detail[d->ndetails].key = (uint32_t)key;
		d->ndetails++;
	}
}

static inline void set_sub(struct of_decoded *d, uint8_t kind, uint64_t key)
{
	d->sub_kind = kind;
	d->sub = key;
}

/* OF_SUB_CODE from the u8 / u16 field at @off, if readable. */
static inline void sub_u8(struct dctx *c, uint32_t off)
{
	if (have(c, off, 1))
		set_sub(c->d, OF_SUB_CODE, c->p[off]);
}

static inline void sub_u16(struct dctx *c, uint32_t off)
{
	if (have(c, off, 2))
		set_sub(c->d, OF_SUB_CODE, ld16(c->p + off));
}

static inline void table_u8(struct dctx *c, uint32_t off)
{
	if (have(c, off, 1))
		add_detail(c->d, OF_DET_TABLE, c->p[off]);
}

static inline void buffer_u32(struct dctx *c, uint32_t off)
{
	struct of_decoded *d = c->d;

	if (!have(c, off, 4))
		return;
	d->buffer_id = ld32(c->p + off);
	d->has_buffer_id = true;
	add_detail(d, OF_DET_BUFFERED, d->buffer_id != OFP_NO_BUFFER);
}

/* ------------------------------------------------------------------ */
/* carried frames (PACKET_IN / PACKET_OUT) */

static inline bool is_vlan_tpid(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8 || et == 0x9100;
}

static inline enum of_eth_class eth_class(uint16_t et)
{
	switch (et) {
	case 0x88cc: /* LLDP */
	case 0x8942: /* BSN BDDP */
		return OF_ETH_LLDP;
	case 0x0806:
		return OF_ETH_ARP;
	case 0x0800:
		return OF_ETH_IPV4;
	case 0x86dd:
		return OF_ETH_IPV6;
	default:
		return OF_ETH_OTHER;
	}
}

/* The frame runs from @off to the end of the message. */
static void decode_frame(struct dctx *c, uint32_t off)
{
	struct of_decoded *d = c->d;
	uint32_t et_off = off + 12;
	uint16_t et;

	if (off > c->length) {
		d->malformed = true;
		return;
	}
	if (off == c->length)
		return;
	d->data_off = (uint16_t)off;
	d->data_len = (uint16_t)(c->length - off);
	if (d->data_len < ETH_HLEN)
		return;
	for (int tags = 0;; tags++) {
		if (et_off + 2 > c->length)
			return; /* the frame ends inside its tags */
		if (!have(c, et_off, 2))
			return;
		et = ld16(c->p + et_off);
		if (!is_vlan_tpid(et) || tags == ETH_MAX_TAGS)
			break;
		et_off += 4;
	}
	d->ethertype = et >= 0x0600 ? et : 0;
	add_detail(d, OF_DET_ETH, eth_class(et));
}

/* Offset just past the padded OXM match at @moff, or 0 if unknown. */
static uint32_t match_end(struct dctx *c, uint32_t moff)
{
	uint16_t mlen;

	if (!have(c, moff + 2, 2))
		return 0;
	mlen = ld16(c->p + moff + 2);
	if (mlen < 4) {
		c->d->malformed = true;
		return 0;
	}
	return moff + (((uint32_t)mlen + 7) & ~7u);
}

/* ------------------------------------------------------------------ */
/* per-type decoders; the header length is >= the type's fixed part */

static void dec_hello(struct dctx *c)
{
	struct of_decoded *d = c->d;
	uint32_t off = OFP_HEADER_LEN;

	d->hello_versions = c->version < 32 ? 1u << c->version : 0;
	/* Elements (1.3.1+): type u16, length u16 (header included), padded
	 * to 8; older versions' bodies are to be ignored. */
	while (c->version >= 4 && off + 4 <= c->length) {
		uint16_t etype, elen;

		if (!have(c, off, 4))
			break;
		etype = ld16(c->p + off);
		elen = ld16(c->p + off + 2);
		if (elen < 4 || off + elen > c->length) {
			d->malformed = true;
			break;
		}
		if (etype == 1 /* OFPHET_VERSIONBITMAP */ && elen >= 8) {
			if (have(c, off + 4, 4))
				d->hello_versions = ld32(c->p + off + 4);
			break;
		}
		off += ((uint32_t)elen + 7) & ~7u;
	}
	add_detail(d, OF_DET_HELLO_VERSIONS, d->hello_versions);
}

static void dec_error(struct dctx *c)
{
	uint16_t type, code;

	if (!have(c, 8, 4))
		return;
	type = ld16(c->p + 8);
	code = ld16(c->p + 10);
	set_sub(c->d, OF_SUB_ERROR, (uint32_t)type << 16 | code);
	/* 1.2+ ofp_error_experimenter_msg: type, exp_type, experimenter. */
	if (type == OFP_EXP_TYPE && c->version >= 3 && have(c, 12, 4))
		set_sub(c->d, OF_SUB_EXP,
			(uint64_t)ld32(c->p + 12) << 32 | code);
}

static void dec_experimenter(struct dctx *c)
{
	uint32_t id;

	if (!have(c, 8, 4))
		return;
	id = ld32(c->p + 8);
	set_sub(c->d, OF_SUB_EXP_ID, id);
	/*
	 * 1.2+: exp_type at 12. 1.0 VENDOR / 1.1 EXPERIMENTER have no type in
	 * the spec, but the vendors' own headers (Nicira, BSN) put a u32
	 * subtype there; a 1.0 VENDOR shorter than 16 bytes has none.
	 */
	if (c->length >= 16 && have(c, 12, 4))
		set_sub(c->d, OF_SUB_EXP, (uint64_t)id << 32 | ld32(c->p + 12));
}

static void dec_stats(struct dctx *c)
{
	struct of_decoded *d = c->d;
	uint32_t body = c->version == 1 ? 12 : 16;
	uint16_t type;

	if (!have(c, 8, 4))
		return;
	type = ld16(c->p + 8);
	d->mp_more = ld16(c->p + 10) & 1;
	set_sub(d, OF_SUB_CODE, type);
	if (type != OFP_EXP_TYPE)
		return;
	/*
	 * Vendor/experimenter body: id + exp_type (1.2+). 1.0 and 1.1 have
	 * the id only in the spec; as for VENDOR messages, the u32 after it
	 * is the vendor's subtype (Nicira's nicira_stats_msg, BSN) when the
	 * message has those bytes.
	 */
	if (c->version <= 2) {
		if (c->length >= body + 8 && have(c, body, 8))
			set_sub(d, OF_SUB_EXP,
				(uint64_t)ld32(c->p + body) << 32 |
					ld32(c->p + body + 4));
		else if (have(c, body, 4))
			set_sub(d, OF_SUB_EXP_ID, ld32(c->p + body));
	} else if (have(c, body, 8)) {
		set_sub(d, OF_SUB_EXP,
			(uint64_t)ld32(c->p + body) << 32 |
				ld32(c->p + body + 4));
	}
}

static void dec_features_reply(struct dctx *c)
{
	struct of_decoded *d = c->d;

	if (!have(c, 8, 8))
		return;
	d->datapath_id = ld64(c->p + 8);
	d->has_dpid = true;
	if (c->version >= 4 && have(c, 21, 1))
		d->auxiliary_id = c->p[21];
}

static void dec_packet_in(struct dctx *c)
{
	struct of_decoded *d = c->d;
	uint32_t moff, mend;

	buffer_u32(c, 8);
	switch (c->version) {
	case 1: /* total_len@12, in_port@14, reason@16, pad, data@18 */
		if (have(c, 12, 2))
			d->total_len = ld16(c->p + 12);
		sub_u8(c, 16);
		decode_frame(c, 18);
		return;
	case 2: /* in_port@12, in_phy_port@16, total_len@20, reason@22,
		 * table_id@23, data@24 */
		if (have(c, 20, 2))
			d->total_len = ld16(c->p + 20);
		sub_u8(c, 22);
		table_u8(c, 23);
		decode_frame(c, 24);
		return;
	default: /* total_len@12, reason@14, table_id@15, [cookie@16],
		  * match, pad 2, data */
		if (have(c, 12, 2))
			d->total_len = ld16(c->p + 12);
		sub_u8(c, 14);
		table_u8(c, 15);
		moff = c->version == 3 ? 16 : 24;
		mend = match_end(c, moff);
		if (mend)
			decode_frame(c, mend + 2);
		return;
	}
}

static void dec_packet_out(struct dctx *c)
{
	uint32_t aoff, alen_off;

	buffer_u32(c, 8);
	switch (c->version) {
	case 1: /* in_port u16@12, actions_len@14, actions@16 */
		alen_off = 14;
		aoff = 16;
		break;
	case 6: /* actions_len@12, pad 2, match@16, actions */
		alen_off = 12;
		aoff = match_end(c, 16);
		if (!aoff)
			return;
		break;
	default: /* in_port u32@12, actions_len@16, pad 6, actions@24 */
		alen_off = 16;
		aoff = 24;
		break;
	}
	if (!have(c, alen_off, 2))
		return;
	decode_frame(c, aoff + ld16(c->p + alen_off));
}

static void dec_flow_mod(struct dctx *c)
{
	uint16_t cmd;

	if (c->version == 1) {
		/* match@8 (40), cookie@48, command u16@56, buffer_id@64 */
		buffer_u32(c, 64);
		if (!have(c, 56, 2))
			return;
		cmd = ld16(c->p + 56);
		/* Open vSwitch's flow_mod_table_id extension
		 * (NXT_FLOW_MOD_TABLE_ID) puts the table in the high byte;
		 * plain 1.0 commands are 0-4. */
		if (cmd >> 8 && (cmd & 0xff) <= 4) {
			set_sub(c->d, OF_SUB_CODE, cmd & 0xff);
			add_detail(c->d, OF_DET_TABLE, cmd >> 8);
		} else {
			set_sub(c->d, OF_SUB_CODE, cmd);
		}
		return;
	}
	/* cookie@8, cookie_mask@16, table_id@24, command@25, buffer_id@32 */
	sub_u8(c, 25);
	buffer_u32(c, 32);
	table_u8(c, 24);
}

static void dec_flow_removed(struct dctx *c)
{
	switch (c->version) {
	case 1: /* match@8, cookie@48, priority@56, reason@58 */
		sub_u8(c, 58);
		return;
	case 6: /* table_id@8, reason@9 */
		sub_u8(c, 9);
		table_u8(c, 8);
		return;
	default: /* cookie@8, priority@16, reason@18, table_id@19 */
		sub_u8(c, 18);
		table_u8(c, 19);
		return;
	}
}

static void dec_role(struct dctx *c)
{
	if (!have(c, 8, 4))
		return;
	c->d->role = ld32(c->p + 8);
	set_sub(c->d, OF_SUB_CODE, c->d->role);
}

static void dec_requestforward(struct dctx *c)
{
	/* The forwarded request follows the header; its type gives the
	 * OFPRFR_* reason. */
	if (!have(c, 9, 1))
		return;
	if (c->p[9] == 15) /* OFPT_GROUP_MOD */
		set_sub(c->d, OF_SUB_CODE, 0);
	else if (c->p[9] == 29) /* OFPT_METER_MOD */
		set_sub(c->d, OF_SUB_CODE, 1);
}

int of_decode(const uint8_t *msg, size_t caplen, struct of_decoded *d)
{
	struct dctx c;
	enum of_kind kind;

	memset(d, 0, sizeof(*d));
	if (caplen < OFP_HEADER_LEN)
		return -EINVAL;
	c.p = msg;
	c.version = msg[0];
	c.length = ld16(msg + 2);
	c.lim = caplen < c.length ? (uint32_t)caplen : c.length;
	c.d = d;
	if (c.length < OFP_HEADER_LEN) {
		d->malformed = true;
		return 0;
	}
	kind = of_kind(c.version, msg[1]);
	if (kind == K_OTHER)
		return 0;
	if (c.length < fixed_len[kind][c.version]) {
		d->malformed = true;
		return 0;
	}

	switch (kind) {
	case K_HELLO:
		dec_hello(&c);
		break;
	case K_ERROR:
		dec_error(&c);
		break;
	case K_EXPERIMENTER:
		dec_experimenter(&c);
		break;
	case K_FEATURES_REPLY:
		dec_features_reply(&c);
		break;
	case K_PACKET_IN:
		dec_packet_in(&c);
		break;
	case K_FLOW_REMOVED:
		dec_flow_removed(&c);
		break;
	case K_PORT_STATUS: /* reason@8 */
		sub_u8(&c, 8);
		break;
	case K_PACKET_OUT:
		dec_packet_out(&c);
		break;
	case K_FLOW_MOD:
		dec_flow_mod(&c);
		break;
	case K_GROUP_MOD: /* command u16@8 */
	case K_METER_MOD:
		sub_u16(&c, 8);
		break;
	case K_TABLE_MOD: /* table_id@8 */
		table_u8(&c, 8);
		break;
	case K_STATS_REQUEST:
	case K_STATS_REPLY:
		dec_stats(&c);
		break;
	case K_ROLE_REQUEST:
	case K_ROLE_REPLY:
	case K_ROLE_STATUS: /* role u32@8 */
		dec_role(&c);
		break;
	case K_TABLE_STATUS: /* reason@8, ofp_table_desc@16: table_id@18 */
		sub_u8(&c, 8);
		table_u8(&c, 18);
		break;
	case K_REQUESTFORWARD:
		dec_requestforward(&c);
		break;
	case K_BUNDLE_CONTROL: /* bundle_id@8, type u16@12 */
		sub_u16(&c, 12);
		break;
	case K_CONTROLLER_STATUS: /* ofp_controller_status@8: reason@16 */
		sub_u8(&c, 16);
		break;
	case K_OTHER:
		break;
	}
	return 0;
}

size_t of_peek_len(uint8_t version, uint8_t type)
{
	switch (of_kind(version, type)) {
	case K_HELLO:
		return 32; /* the VERSIONBITMAP element leads the body */
	case K_ERROR:
	case K_EXPERIMENTER:
		return 16;
	case K_FEATURES_REPLY:
		return 24;
	case K_PACKET_IN:
	case K_PACKET_OUT:
		return OF_PEEK_MAX;
	case K_FLOW_MOD:
		return version == 1 ? 72 : 40;
	case K_FLOW_REMOVED:
		return version == 1 ? 64 : version == 6 ? 16 : 24;
	case K_STATS_REQUEST:
	case K_STATS_REPLY:
		return version == 1 ? 20 : 24; /* 1.0: vendor id + subtype */
	case K_TABLE_STATUS:
	case K_CONTROLLER_STATUS:
		return 24;
	case K_PORT_STATUS:
	case K_GROUP_MOD:
	case K_TABLE_MOD:
	case K_ROLE_REQUEST:
	case K_ROLE_REPLY:
	case K_METER_MOD:
	case K_ROLE_STATUS:
	case K_REQUESTFORWARD:
	case K_BUNDLE_CONTROL:
		return 16;
	case K_OTHER:
		break;
	}
	return OFP_HEADER_LEN;
}

/* ------------------------------------------------------------------ */
/* names (cold) */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct name_list {
	const char *prefix;
	const char *const *names; /* without the prefix; NULL: unassigned */
	uint16_t n;
};

/* Stats (1.0-1.2) and multipart (1.3+) types. */
static const char *const st_names[] = {
	"DESC",	 "FLOW",  "AGGREGATE",	"TABLE",	  "PORT",
	"QUEUE", "GROUP", "GROUP_DESC", "GROUP_FEATURES",
};
static const char *const mp13_names[] = {
	"DESC",		  "FLOW",      "AGGREGATE",    "TABLE",
	"PORT_STATS",	  "QUEUE",     "GROUP",	       "GROUP_DESC",
	"GROUP_FEATURES", "METER",     "METER_CONFIG", "METER_FEATURES",
	"TABLE_FEATURES", "PORT_DESC",
};
static const char *const mp14_names[] = {
	"DESC",		  "FLOW",	 "AGGREGATE",	 "TABLE",
	"PORT_STATS",	  "QUEUE_STATS", "GROUP",	 "GROUP_DESC",
	"GROUP_FEATURES", "METER",	 "METER_CONFIG", "METER_FEATURES",
	"TABLE_FEATURES", "PORT_DESC",	 "TABLE_DESC",	 "QUEUE_DESC",
	"FLOW_MONITOR",
};
static const char *const mp15_names[] = {
	"DESC",		  "FLOW_DESC",	 "AGGREGATE_STATS",   "TABLE_STATS",
	"PORT_STATS",	  "QUEUE_STATS", "GROUP_STATS",	      "GROUP_DESC",
	"GROUP_FEATURES", "METER_STATS", "METER_DESC",	      "METER_FEATURES",
	"TABLE_FEATURES", "PORT_DESC",	 "TABLE_DESC",	      "QUEUE_DESC",
	"FLOW_MONITOR",	  "FLOW_STATS",	 "CONTROLLER_STATUS", "BUNDLE_FEATURES",
};
static const struct name_list stats_lists[OFX_NVERSIONS] = {
	[1] = {"OFPST_", st_names, 6},
	[2] = {"OFPST_", st_names, 8},
	[3] = {"OFPST_", st_names, 9},
	[4] = {"OFPMP_", mp13_names, NELEM(mp13_names)},
	[5] = {"OFPMP_", mp14_names, NELEM(mp14_names)},
	[6] = {"OFPMP_", mp15_names, NELEM(mp15_names)},
};

static const char *const pin_reason_10[] = {"NO_MATCH", "ACTION",
					    "INVALID_TTL"};
static const char *const pin_reason_14[] = {"TABLE_MISS",  "APPLY_ACTION",
					    "INVALID_TTL", "ACTION_SET",
					    "GROUP",	   "PACKET_OUT"};
static const struct name_list pin_lists[OFX_NVERSIONS] = {
	[1] = {"OFPR_", pin_reason_10, 2}, [2] = {"OFPR_", pin_reason_10, 2},
	[3] = {"OFPR_", pin_reason_10, 3}, [4] = {"OFPR_", pin_reason_10, 3},
	[5] = {"OFPR_", pin_reason_14, 6}, [6] = {"OFPR_", pin_reason_14, 6},
};

static const char *const fr_reason[] = {"IDLE_TIMEOUT", "HARD_TIMEOUT",
					"DELETE",	"GROUP_DELETE",
					"METER_DELETE", "EVICTION"};
static const struct name_list fr_lists[OFX_NVERSIONS] = {
	[1] = {"OFPRR_", fr_reason, 3}, [2] = {"OFPRR_", fr_reason, 4},
	[3] = {"OFPRR_", fr_reason, 4}, [4] = {"OFPRR_", fr_reason, 4},
	[5] = {"OFPRR_", fr_reason, 6}, [6] = {"OFPRR_", fr_reason, 6},
};

static const char *const fc_names[] = {"ADD", "MODIFY", "MODIFY_STRICT",
				       "DELETE", "DELETE_STRICT"};
static const char *const pr_names[] = {"ADD", "DELETE", "MODIFY"};
static const char *const gc_names[] = {
	"ADD", "MODIFY", "DELETE", "INSERT_BUCKET", NULL, "REMOVE_BUCKET"};
static const char *const mc_names[] = {"ADD", "MODIFY", "DELETE"};
static const char *const role_names[] = {"NOCHANGE", "EQUAL", "MASTER",
					 "SLAVE"};
static const char *const bct_names[] = {
	"OPEN_REQUEST",	  "OPEN_REPLY",	  "CLOSE_REQUEST",   "CLOSE_REPLY",
	"COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY",
};
static const char *const tr_names[] = {NULL, NULL, NULL, "VACANCY_DOWN",
				       "VACANCY_UP"};
static const char *const csr_names[] = {
	"REQUEST",	    "CHANNEL_STATUS",	  "ROLE",
	"CONTROLLER_ADDED", "CONTROLLER_REMOVED", "SHORT_ID",
	"EXPERIMENTER",
};
static const char *const rfr_names[] = {"GROUP_MOD", "METER_MOD"};

/* Error codes (OFPET_*): later versions append, err_types[] counts. */
static const char *const hfc[] = {"INCOMPATIBLE", "EPERM"};
static const char *const brc10[] = {
	"BAD_VERSION", "BAD_TYPE",     "BAD_STAT",
	"BAD_VENDOR",  "BAD_SUBTYPE",  "EPERM",
	"BAD_LEN",     "BUFFER_EMPTY", "BUFFER_UNKNOWN",
};
static const char *const brc11[] = {
	"BAD_VERSION",	  "BAD_TYPE",	  "BAD_STAT", "BAD_EXPERIMENTER",
	"BAD_SUBTYPE",	  "EPERM",	  "BAD_LEN",  "BUFFER_EMPTY",
	"BUFFER_UNKNOWN", "BAD_TABLE_ID",
};
static const char *const brc12[] = {
	"BAD_VERSION",	  "BAD_TYPE",	  "BAD_STAT", "BAD_EXPERIMENTER",
	"BAD_EXP_TYPE",	  "EPERM",	  "BAD_LEN",  "BUFFER_EMPTY",
	"BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT",
	"BAD_PACKET",
};
static const char *const brc13[] = {
	"BAD_VERSION",
	"BAD_TYPE",
	"BAD_MULTIPART",
	"BAD_EXPERIMENTER",
	"BAD_EXP_TYPE",
	"EPERM",
	"BAD_LEN",
	"BUFFER_EMPTY",
	"BUFFER_UNKNOWN",
	"BAD_TABLE_ID",
	"IS_SLAVE",
	"BAD_PORT",
	"BAD_PACKET",
	"MULTIPART_BUFFER_OVERFLOW",
	"MULTIPART_REQUEST_TIMEOUT",
	"MULTIPART_REPLY_TIMEOUT",
	"MULTIPART_BAD_SCHED",
	"PIPELINE_FIELDS_ONLY",
	"UNKNOWN",
};
static const char *const bac10[] = {
	"BAD_TYPE",	   "BAD_LEN",	   "BAD_VENDOR",
	"BAD_VENDOR_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT",
	"EPERM",	   "TOO_MANY",	   "BAD_QUEUE",
};
static const char *const bac11[] = {
	"BAD_TYPE",
	"BAD_LEN",
	"BAD_EXPERIMENTER",
	"BAD_EXPERIMENTER_TYPE",
	"BAD_OUT_PORT",
	"BAD_ARGUMENT",
	"EPERM",
	"TOO_MANY",
	"BAD_QUEUE",
	"BAD_OUT_GROUP",
	"MATCH_INCONSISTENT",
	"UNSUPPORTED_ORDER",
	"BAD_TAG",
};
static const char *const bac12[] = {
	"BAD_TYPE",
	"BAD_LEN",
	"BAD_EXPERIMENTER",
	"BAD_EXP_TYPE",
	"BAD_OUT_PORT",
	"BAD_ARGUMENT",
	"EPERM",
	"TOO_MANY",
	"BAD_QUEUE",
	"BAD_OUT_GROUP",
	"MATCH_INCONSISTENT",
	"UNSUPPORTED_ORDER",
	"BAD_TAG",
	"BAD_SET_TYPE",
	"BAD_SET_LEN",
	"BAD_SET_ARGUMENT",
	"BAD_SET_MASK",
	"BAD_METER",
};
static const char *const bic11[] = {
	"UNKNOWN_INST",	  "UNSUP_INST",		 "BAD_TABLE_ID",
	"UNSUP_METADATA", "UNSUP_METADATA_MASK", "UNSUP_EXP_INST",
};
static const char *const bic12[] = {
	"UNKNOWN_INST",
	"UNSUP_INST",
	"BAD_TABLE_ID",
	"UNSUP_METADATA",
	"UNSUP_METADATA_MASK",
	"BAD_EXPERIMENTER",
	"BAD_EXP_TYPE",
	"BAD_LEN",
	"EPERM",
	"DUP_INST",
};
static const char *const bmc[] = {
	"BAD_TYPE",	    "BAD_LEN",	     "BAD_TAG",	  "BAD_DL_ADDR_MASK",
	"BAD_NW_ADDR_MASK", "BAD_WILDCARDS", "BAD_FIELD", "BAD_VALUE",
	"BAD_MASK",	    "BAD_PREREQ",    "DUP_FIELD", "EPERM",
};
static const char *const fmfc10[] = {
	"ALL_TABLES_FULL",   "OVERLAP",	    "EPERM",
	"BAD_EMERG_TIMEOUT", "BAD_COMMAND", "UNSUPPORTED",
};
static const char *const fmfc11[] = {
	"UNKNOWN",   "TABLE_FULL",   "BAD_TABLE_ID", "OVERLAP",
	"EPERM",     "BAD_TIMEOUT",  "BAD_COMMAND",  "BAD_FLAGS",
	"CANT_SYNC", "BAD_PRIORITY", "IS_SYNC",
};
static const char *const gmfc[] = {
	"GROUP_EXISTS",	     "INVALID_GROUP",  "WEIGHT_UNSUPPORTED",
	"OUT_OF_GROUPS",     "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED",
	"WATCH_UNSUPPORTED", "LOOP",	       "UNKNOWN_GROUP",
	"CHAINED_GROUP",     "BAD_TYPE",       "BAD_COMMAND",
	"BAD_BUCKET",	     "BAD_WATCH",      "EPERM",
	"UNKNOWN_BUCKET",    "BUCKET_EXISTS",
};
static const char *const pmfc[] = {"BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG",
				   "BAD_ADVERTISE", "EPERM"};
static const char *const tmfc[] = {"BAD_TABLE", "BAD_CONFIG", "EPERM"};
static const char *const qofc[] = {"BAD_PORT", "BAD_QUEUE", "EPERM"};
static const char *const scfc[] = {"BAD_FLAGS", "BAD_LEN", "EPERM"};
static const char *const rrfc[] = {"STALE", "UNSUP", "BAD_ROLE", "ID_UNSUP",
				   "ID_IN_USE"};
static const char *const mmfc[] = {
	"UNKNOWN",     "METER_EXISTS",	 "INVALID_METER", "UNKNOWN_METER",
	"BAD_COMMAND", "BAD_FLAGS",	 "BAD_RATE",	  "BAD_BURST",
	"BAD_BAND",    "BAD_BAND_VALUE", "OUT_OF_METERS", "OUT_OF_BANDS",
};
static const char *const tffc13[] = {"BAD_TABLE", "BAD_METADATA", "BAD_TYPE",
				     "BAD_LEN",	  "BAD_ARGUMENT", "EPERM"};
/* 1.4 moved 2-4 to OFPET_BAD_PROPERTY; 1.5 added 6-10 */
static const char *const tffc14[] = {
	"BAD_TABLE",	"BAD_METADATA", NULL,	    NULL,
	NULL,		"EPERM",	"BAD_CAP",  "BAD_MAX_ENT",
	"BAD_FEATURES", "BAD_COMMAND",	"TOO_MANY",
};
static const char *const bpc[] = {
	"BAD_TYPE",	"BAD_LEN",	 "BAD_VALUE",
	"TOO_MANY",	"DUP_TYPE",	 "BAD_EXPERIMENTER",
	"BAD_EXP_TYPE", "BAD_EXP_VALUE", "EPERM",
};
static const char *const acfc[] = {"INVALID", "UNSUPPORTED", "EPERM"};
static const char *const mofc[] = {
	"UNKNOWN",     "MONITOR_EXISTS", "INVALID_MONITOR", "UNKNOWN_MONITOR",
	"BAD_COMMAND", "BAD_FLAGS",	 "BAD_TABLE_ID",    "BAD_OUT",
};
static const char *const bfc[] = {
	"UNKNOWN",
	"EPERM",
	"BAD_ID",
	"BUNDLE_EXIST",
	"BUNDLE_CLOSED",
	"OUT_OF_BUNDLES",
	"BAD_TYPE",
	"BAD_FLAGS",
	"MSG_BAD_LEN",
	"MSG_BAD_XID",
	"MSG_UNSUP",
	"MSG_CONFLICT",
	"MSG_TOO_MANY",
	"MSG_FAILED",
	"TIMEOUT",
	"BUNDLE_IN_PROGRESS",
	"SCHED_NOT_SUPPORTED",
	"SCHED_FUTURE",
	"SCHED_PAST",
};

/*
 * Error types by their 1.1+ number (1.0's are renumbered by err10_types):
 * codes[v] and ncodes[v] are the code names and how many of them wire
 * version v defines; codes[v] NULL: the type does not exist in v.
 */
struct err_type {
	const char *name; /* without "OFPET_" */
	const char *prefix; /* of its codes */
	const char *const *codes[OFX_NVERSIONS];
	uint8_t ncodes[OFX_NVERSIONS];
};

static const struct err_type err_types[] = {
	{"HELLO_FAILED",
	 "OFPHFC_",
	 {0, hfc, hfc, hfc, hfc, hfc, hfc},
	 {0, 2, 2, 2, 2, 2, 2}},
	{"BAD_REQUEST",
	 "OFPBRC_",
	 {0, brc10, brc11, brc12, brc13, brc13, brc13},
	 {0, 9, 10, 13, 14, 16, 19}},
	{"BAD_ACTION",
	 "OFPBAC_",
	 {0, bac10, bac11, bac12, bac12, bac12, bac12},
	 {0, 9, 13, 16, 16, 16, 18}},
	{"BAD_INSTRUCTION",
	 "OFPBIC_",
	 {0, 0, bic11, bic12, bic12, bic12, bic12},
	 {0, 0, 6, 9, 9, 10, 10}},
	{"BAD_MATCH",
	 "OFPBMC_",
	 {0, 0, bmc, bmc, bmc, bmc, bmc},
	 {0, 0, 8, 12, 12, 12, 12}},
	{"FLOW_MOD_FAILED",
	 "OFPFMFC_",
	 {0, fmfc10, fmfc11, fmfc11, fmfc11, fmfc11, fmfc11},
	 {0, 6, 7, 8, 8, 10, 11}},
	{"GROUP_MOD_FAILED",
	 "OFPGMFC_",
	 {0, 0, gmfc, gmfc, gmfc, gmfc, gmfc},
	 {0, 0, 9, 15, 15, 15, 17}},
	{"PORT_MOD_FAILED",
	 "OFPPMFC_",
	 {0, pmfc, pmfc, pmfc, pmfc, pmfc, pmfc},
	 {0, 2, 4, 5, 5, 5, 5}},
	{"TABLE_MOD_FAILED",
	 "OFPTMFC_",
	 {0, 0, tmfc, tmfc, tmfc, tmfc, tmfc},
	 {0, 0, 2, 3, 3, 3, 3}},
	{"QUEUE_OP_FAILED",
	 "OFPQOFC_",
	 {0, qofc, qofc, qofc, qofc, qofc, qofc},
	 {0, 3, 3, 3, 3, 3, 3}},
	{"SWITCH_CONFIG_FAILED",
	 "OFPSCFC_",
	 {0, 0, scfc, scfc, scfc, scfc, scfc},
	 {0, 0, 2, 3, 3, 3, 3}},
	{"ROLE_REQUEST_FAILED",
	 "OFPRRFC_",
	 {0, 0, 0, rrfc, rrfc, rrfc, rrfc},
	 {0, 0, 0, 3, 3, 3, 5}},
	{"METER_MOD_FAILED",
	 "OFPMMFC_",
	 {0, 0, 0, 0, mmfc, mmfc, mmfc},
	 {0, 0, 0, 0, 12, 12, 12}},
	{"TABLE_FEATURES_FAILED",
	 "OFPTFFC_",
	 {0, 0, 0, 0, tffc13, tffc14, tffc14},
	 {0, 0, 0, 0, 6, 6, 11}},
	{"BAD_PROPERTY",
	 "OFPBPC_",
	 {0, 0, 0, 0, 0, bpc, bpc},
	 {0, 0, 0, 0, 0, 9, 9}},
	{"ASYNC_CONFIG_FAILED",
	 "OFPACFC_",
	 {0, 0, 0, 0, 0, acfc, acfc},
	 {0, 0, 0, 0, 0, 3, 3}},
	{"FLOW_MONITOR_FAILED",
	 "OFPMOFC_",
	 {0, 0, 0, 0, 0, mofc, mofc},
	 {0, 0, 0, 0, 0, 8, 8}},
	{"BUNDLE_FAILED",
	 "OFPBFC_",
	 {0, 0, 0, 0, 0, bfc, bfc},
	 {0, 0, 0, 0, 0, 16, 19}},
};

/* 1.0 error types 0-5 as err_types[] indices (1.0 §5.4.4). */
static const uint8_t err10_types[] = {0, 1, 2, 5, 7, 9};

static const struct {
	uint32_t id;
	const char *name;
} experimenters[] = {
	{0x00002320, "NICIRA"}, /* Nicira / Open vSwitch (NX_VENDOR_ID) */
	{0x4f4e4600, "ONF"}, /* ONF extensions ("ONF\0") */
	{0x005c16c7, "BSN"}, /* Big Switch Networks */
	{0x00002481, "HP"}, /* Hewlett-Packard */
	{0x000004ea, "HP_LABS"}, /* HP Labs (OVS HPL_VENDOR_ID) */
	{0x0000154d, "NETRONOME"}, /* OVS NTR_VENDOR_ID */
	{0x0000aa01, "INTEL"}, /* OVS INTEL_VENDOR_ID */
};

const char *of_experimenter_name(uint32_t id)
{
	for (size_t i = 0; i < NELEM(experimenters); i++)
		if (experimenters[i].id == id)
			return experimenters[i].name;
	return NULL;
}

static const char *list_name(const struct name_list *l, uint64_t key)
{
	if (!l->names || key >= l->n)
		return NULL;
	return l->names[key];
}

/* "PREFIX_NAME", or "PREFIX_<key>" for an unknown number. */
static int fmt_list(char *buf, size_t len, const struct name_list *l,
		    uint64_t key)
{
	const char *n = list_name(l, key);

	if (n)
		return snprintf(buf, len, "%s%s", l->prefix, n);
	return snprintf(buf, len, "%s%" PRIu64, l->prefix, key);
}

static int fmt_exp(char *buf, size_t len, const char *pre, uint32_t id,
		   bool with_type, uint32_t exp_type)
{
	const char *n = of_experimenter_name(id);

	if (!with_type)
		return n ? snprintf(buf, len, "%s%s", pre, n)
			 : snprintf(buf, len, "%s0x%08" PRIx32, pre, id);
	if (n)
		return snprintf(buf, len, "%s%s:%" PRIu32, pre, n, exp_type);
	return snprintf(buf, len, "%s0x%08" PRIx32 ":%" PRIu32, pre, id,
			exp_type);
}

static int fmt_error(char *buf, size_t len, uint8_t version, uint32_t key)
{
	uint16_t type = key >> 16, code = key & 0xffff;
	const struct err_type *et = NULL;
	unsigned int idx = type;
	const char *cn = NULL;

	if (version == 1)
		idx = type < NELEM(err10_types) ? err10_types[type] : 0xffff;
	if (version < OFX_NVERSIONS && idx < NELEM(err_types) &&
	    err_types[idx].codes[version])
		et = &err_types[idx];
	if (type == OFP_EXP_TYPE && version >= 3)
		return snprintf(buf, len, "OFPET_EXPERIMENTER/%u", code);
	if (!et)
		return snprintf(buf, len, "OFPET_%u/%u", type, code);
	if (code < et->ncodes[version])
		cn = et->codes[version][code];
	if (cn)
		return snprintf(buf, len, "OFPET_%s/%s%s", et->name, et->prefix,
				cn);
	return snprintf(buf, len, "OFPET_%s/%u", et->name, code);
}

static const struct name_list fc_list = {"OFPFC_", fc_names, 5};
static const struct name_list pr_list = {"OFPPR_", pr_names, 3};
static const struct name_list gc_list = {"OFPGC_", gc_names, 3};
static const struct name_list gc15_list = {"OFPGC_", gc_names, 6};
static const struct name_list mc_list = {"OFPMC_", mc_names, 3};
static const struct name_list role_list = {"OFPCR_ROLE_", role_names, 4};
static const struct name_list bct_list = {"OFPBCT_", bct_names,
					  NELEM(bct_names)};
static const struct name_list tr_list = {"OFPTR_", tr_names, NELEM(tr_names)};
static const struct name_list csr_list = {"OFPCSR_", csr_names,
					  NELEM(csr_names)};
static const struct name_list rfr_list = {"OFPRFR_", rfr_names,
					  NELEM(rfr_names)};

/* Name list of an OF_SUB_CODE subtype of @version/@type, or NULL. */
static const struct name_list *code_list(uint8_t version, uint8_t type)
{
	switch (of_kind(version, type)) {
	case K_STATS_REQUEST:
	case K_STATS_REPLY:
		return &stats_lists[version];
	case K_PACKET_IN:
		return &pin_lists[version];
	case K_FLOW_REMOVED:
		return &fr_lists[version];
	case K_FLOW_MOD:
		return &fc_list;
	case K_PORT_STATUS:
		return &pr_list;
	case K_GROUP_MOD:
		return version == 6 ? &gc15_list : &gc_list;
	case K_METER_MOD:
		return &mc_list;
	case K_ROLE_REQUEST:
	case K_ROLE_REPLY:
	case K_ROLE_STATUS:
		return &role_list;
	case K_BUNDLE_CONTROL:
		return &bct_list;
	case K_TABLE_STATUS:
		return &tr_list;
	case K_CONTROLLER_STATUS:
		return &csr_list;
	case K_REQUESTFORWARD:
		return &rfr_list;
	default:
		return NULL;
	}
}

int of_subtype_name(uint8_t version, uint8_t type, uint8_t kind, uint64_t key,
		    char *buf, size_t len)
{
	enum of_kind k = of_kind(version, type);
	const struct name_list *l;

	switch (kind) {
	case OF_SUB_CODE:
		if ((k == K_STATS_REQUEST || k == K_STATS_REPLY) &&
		    key == OFP_EXP_TYPE)
			return snprintf(buf, len, "%s",
					version == 1   ? "OFPST_VENDOR"
					: version <= 3 ? "OFPST_EXPERIMENTER"
						       : "OFPMP_EXPERIMENTER");
		l = code_list(version, type);
		if (!l)
			return snprintf(buf, len, "%" PRIu64, key);
		return fmt_list(buf, len, l, key);
	case OF_SUB_ERROR:
		return fmt_error(buf, len, version, (uint32_t)key);
	case OF_SUB_EXP:
		return fmt_exp(buf, len,
			       k == K_ERROR ? "OFPET_EXPERIMENTER/" : "",
			       (uint32_t)(key >> 32), true, (uint32_t)key);
	case OF_SUB_EXP_ID:
		return fmt_exp(buf, len, "", (uint32_t)key, false, 0);
	default:
		return snprintf(buf, len, "%s", "");
	}
}

int of_detail_name(uint8_t kind, uint64_t key, char *buf, size_t len)
{
	static const char *const eth[] = {
		[OF_ETH_OTHER] = "other", [OF_ETH_LLDP] = "LLDP",
		[OF_ETH_ARP] = "ARP",	  [OF_ETH_IPV4] = "IPv4",
		[OF_ETH_IPV6] = "IPv6",
	};
	size_t n = 0;
	bool first = true;
	int r;

	switch (kind) {
	case OF_DET_BUFFERED:
		return snprintf(buf, len, "%s",
				key ? "buffered" : "unbuffered");
	case OF_DET_ETH:
		if (key < NELEM(eth))
			return snprintf(buf, len, "eth:%s", eth[key]);
		return snprintf(buf, len, "eth:%" PRIu64, key);
	case OF_DET_TABLE:
		return snprintf(buf, len, "table:%" PRIu64, key);
	case OF_DET_HELLO_VERSIONS:
		r = snprintf(buf, len, "versions:");
		n = (size_t)r;
		if (!(key & 0xffffffffu))
			return (int)n + snprintf(n < len ? buf + n : NULL,
						 n < len ? len - n : 0, "none");
		for (unsigned int v = 0; v < 32; v++) {
			const char *vn;

			if (!(key >> v & 1))
				continue;
			vn = of_version_name((uint8_t)v);
			r = vn ? snprintf(n < len ? buf + n : NULL,
					  n < len ? len - n : 0, "%s%s",
					  first ? "" : ",", vn)
			       : snprintf(n < len ? buf + n : NULL,
					  n < len ? len - n : 0, "%s0x%02x",
					  first ? "" : ",", v);
			n += (size_t)r;
			first = false;
		}
		return (int)n;
	default:
		return snprintf(buf, len, "detail:%u", kind);
	}
}

/* ------------------------------------------------------------------ */
/* LLDP */

static int hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly 16 hex digits at @p into *@out. */
static bool parse_hex16(const uint8_t *p, uint64_t *out)
{
	uint64_t x = 0;

	for (int i = 0; i < 16; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return false;
		x = x << 4 | (uint64_t)h;
	}
	*out = x;
	return true;
}

int of_lldp_dpid(const uint8_t *frame, size_t len, uint64_t *dpid)
{
	static const uint8_t oui_of[3] = {0x00, 0x26, 0xe1};
	static const uint8_t oui_onlab[3] = {0xa4, 0x23, 0x05};
	size_t off = 12;
	uint16_t et = 0;

	for (int tags = 0;; tags++) {
		if (off + 2 > len)
			return -ENOENT;
		et = ld16(frame + off);
		if (!is_vlan_tpid(et) || tags == ETH_MAX_TAGS)
			break;
		off += 4;
	}
	if (et != 0x88cc && et != 0x8942)
		return -ENOENT;
	off += 2;
	/* TLVs: type (7 bits) | length (9 bits), then the value. */
	while (off + 2 <= len) {
		uint16_t h = ld16(frame + off);
		unsigned int type = h >> 9, l = h & 0x1ff;
		const uint8_t *v = frame + off + 2;

		if (type == 0 || off + 2 + l > len)
			break; /* End of LLDPDU, or cut short */
		if (type == 1 && l == 1 + 5 + 16 && v[0] == 7 &&
		    !memcmp(v + 1, "dpid:", 5) && parse_hex16(v + 6, dpid))
			return 0;
		if (type == 1 && l == 1 + 8 && v[0] == 4) {
			*dpid = ld64(v + 1);
			return 0;
		}
		if (type == 127 && l == 3 + 1 + 8 && !memcmp(v, oui_of, 3) &&
		    v[3] == 0) {
			*dpid = ld64(v + 4);
			return 0;
		}
		if (type == 127 && l == 3 + 1 + 3 + 16 &&
		    !memcmp(v, oui_onlab, 3) && v[3] == 2 &&
		    !memcmp(v + 4, "of:", 3) && parse_hex16(v + 7, dpid))
			return 0;
		off += 2 + l;
	}
	return -ENOENT;
}
