// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen message builders: well-formed OpenFlow 1.0, 1.3, 1.4 and 1.5
 * messages (fixed sizes per the specifications, big endian).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofgen.h"

/* Wire types per logical message: [0] = 1.0, [1] = 1.3 and later. */
static const int type_tab[OFG_MSG_MAX][2] = {
	[OFG_HELLO] = {0, 0},
	[OFG_ERROR] = {1, 1},
	[OFG_ECHO_REQUEST] = {2, 2},
	[OFG_ECHO_REPLY] = {3, 3},
	[OFG_FEATURES_REQUEST] = {5, 5},
	[OFG_FEATURES_REPLY] = {6, 6},
	[OFG_PACKET_IN] = {10, 10},
	[OFG_PORT_STATUS] = {12, 12},
	[OFG_PACKET_OUT] = {13, 13},
	[OFG_FLOW_MOD] = {14, 14},
	[OFG_STATS_REQUEST] = {16, 18},
	[OFG_STATS_REPLY] = {17, 19},
	[OFG_BARRIER_REQUEST] = {18, 20},
	[OFG_BARRIER_REPLY] = {19, 21},
};

bool ofg_version_supported(uint8_t ver)
{
	return ver == OFG_V10 || ver == OFG_V13 || ver == OFG_V14 ||
	       ver == OFG_V15;
}

int ofg_type(uint8_t ver, enum ofg_msg m)
{
	if (!ofg_version_supported(ver) || m >= OFG_MSG_MAX)
		return -1;
	return type_tab[m][ver == OFG_V10 ? 0 : 1];
}

/* Tiny big-endian writer. */
struct w {
	uint8_t *p;
	size_t n;
};

static inline void p8(struct w *w, uint8_t v)
{
	w->p[w->n++] = v;
}

static inline void p16(struct w *w, uint16_t v)
{
	p8(w, v >> 8);
	p8(w, v);
}

static inline void p32(struct w *w, uint32_t v)
{
	p16(w, v >> 16);
	p16(w, v);
}

static inline void p64(struct w *w, uint64_t v)
{
	p32(w, v >> 32);
	p32(w, v);
}

static inline void pz(struct w *w, size_t n)
{
	memset(w->p + w->n, 0, n);
	w->n += n;
}

static inline void pb(struct w *w, const void *d, size_t n)
{
	memcpy(w->p + w->n, d, n);
	w->n += n;
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void hdr(struct w *w, uint8_t ver, enum ofg_msg m, uint32_t xid)
{
	p8(w, ver);
	p8(w, (uint8_t)ofg_type(ver, m));
	p16(w, 0); /* length, fixed by fin() */
	p32(w, xid);
}

static size_t fin(struct w *w)
{
	set16(w->p + 2, (uint16_t)w->n);
	return w->n;
}

/* 1.3+ ofp_match with a single OXM in_port: 4 + 8 bytes, padded to 16. */
static void oxm_match_in_port(struct w *w, uint32_t port)
{
	p16(w, 1); /* OFPMT_OXM */
	p16(w, 12); /* length excluding padding */
	p32(w, 0x80000000u | 0 << 9 | 4); /* OPENFLOW_BASIC, IN_PORT, len 4 */
	p32(w, port);
	pz(w, 4);
}

/* 1.0 ofp_match (40 bytes) matching only in_port (or nothing). */
static void match10(struct w *w, int in_port)
{
	uint32_t all = (1u << 22) - 1; /* OFPFW_ALL */

	p32(w, in_port >= 0 ? all & ~1u : all); /* OFPFW_IN_PORT = 1 */
	p16(w, in_port >= 0 ? (uint16_t)in_port : 0);
	pz(w, 34);
}

/* Output action to @port: 8 bytes (1.0) or 16 bytes (1.3+). */
static void action_output(struct w *w, uint8_t ver, uint32_t port)
{
	p16(w, 0); /* OFPAT_OUTPUT */
	if (ver == OFG_V10) {
		p16(w, 8);
		p16(w, (uint16_t)port);
		p16(w, 0);
	} else {
		p16(w, 16);
		p32(w, port);
		p16(w, 0xffff); /* OFPCML_NO_BUFFER */
		pz(w, 6);
	}
}

/* OFPIT_APPLY_ACTIONS with one output action: 24 bytes. */
static void instr_apply_output(struct w *w, uint8_t ver, uint32_t port)
{
	p16(w, 4); /* OFPIT_APPLY_ACTIONS */
	p16(w, 24);
	pz(w, 4);
	action_output(w, ver, port);
}

size_t ofg_build_hello(uint8_t *b, uint8_t ver, uint32_t bitmap, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_HELLO, xid);
	if (ver >= OFG_V13 && bitmap) {
		p16(&w, 1); /* OFPHET_VERSIONBITMAP */
		p16(&w, 8);
		p32(&w, bitmap);
	}
	return fin(&w);
}

size_t ofg_build_simple(uint8_t *b, uint8_t ver, enum ofg_msg m, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, m, xid);
	return fin(&w);
}

size_t ofg_build_features_reply(uint8_t *b, uint8_t ver, uint64_t dpid,
				uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_FEATURES_REPLY, xid);
	p64(&w, dpid);
	p32(&w, 256); /* n_buffers */
	if (ver == OFG_V10) {
		p8(&w, 1); /* n_tables */
		pz(&w, 3);
		p32(&w, 0x87); /* FLOW|TABLE|PORT_STATS|ARP_MATCH_IP */
		p32(&w, 0xfff); /* supported actions */
	} else {
		p8(&w, 254); /* n_tables */
		p8(&w, 0); /* auxiliary_id */
		pz(&w, 2);
		p32(&w, 0x4f); /* FLOW|TABLE|PORT|GROUP_STATS|QUEUE_STATS */
		p32(&w, 0); /* reserved */
	}
	return fin(&w);
}

size_t ofg_packet_in_len(uint8_t ver, size_t data_len)
{
	return (ver == OFG_V10 ? 18 : 42) + data_len;
}

/*
 * Ethernet-looking payload: dst, src 02:00:00:00:00:00 (the sequence
 * number goes there, ofg_frame_set_seq()), ethertype 0x88b5, counting
 * bytes.
 */
static void frame_data(struct w *w, size_t len)
{
	static const uint8_t eth[14] = {0, 0, 0, 0, 0, 2,    2,
					0, 0, 0, 0, 0, 0x88, 0xb5};
	size_t i;

	for (i = 0; i < len; i++)
		w->p[w->n + i] = i < sizeof(eth) ? eth[i] : (uint8_t)i;
	w->n += len;
}

void ofg_frame_set_seq(uint8_t *frame, size_t len, uint64_t seq)
{
	size_t i;

	/* bytes 7..11: seq bits 39..0, big endian (byte 6 stays 02) */
	for (i = 7; i < 12 && i < len; i++)
		frame[i] = (uint8_t)(seq >> (8 * (11 - i)));
}

size_t ofg_build_packet_in(uint8_t *b, uint8_t ver, uint32_t in_port,
			   size_t data_len, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_PACKET_IN, xid);
	p32(&w, OFG_NO_BUFFER);
	p16(&w, (uint16_t)data_len); /* total_len */
	if (ver == OFG_V10) {
		p16(&w, (uint16_t)in_port);
		p8(&w, 0); /* OFPR_NO_MATCH */
		p8(&w, 0);
	} else {
		p8(&w, 0); /* OFPR_NO_MATCH / OFPR_TABLE_MISS */
		p8(&w, 0); /* table_id */
		p64(&w, 0); /* cookie */
		oxm_match_in_port(&w, in_port);
		pz(&w, 2);
	}
	frame_data(&w, data_len);
	return fin(&w);
}

int ofg_parse_packet_in(const uint8_t *m, size_t len, uint32_t *buffer_id,
			uint32_t *in_port, const uint8_t **data,
			size_t *data_len)
{
	size_t off, mlen;

	if (len < 12)
		return -EINVAL;
	*buffer_id = ofg_get32(m + 8);
	if (m[0] == OFG_V10) {
		if (len < 18)
			return -EINVAL;
		*in_port = ofg_get16(m + 14);
		off = 18;
	} else {
		if (len < 32)
			return -EINVAL;
		mlen = ofg_get16(m + 26);
		if (mlen < 4)
			return -EINVAL;
		off = 24 + ((mlen + 7) & ~(size_t)7) + 2;
		if (off > len)
			return -EINVAL;
		*in_port = 0;
		/* first OXM: OPENFLOW_BASIC IN_PORT, no mask, 4 bytes */
		if (mlen >= 12 && ofg_get32(m + 28) == 0x80000004u)
			*in_port = ofg_get32(m + 32);
	}
	*data = m + off;
	*data_len = len - off;
	return 0;
}

int ofg_parse_packet_out(const uint8_t *m, size_t len, uint32_t *buffer_id,
			 const uint8_t **data, size_t *data_len)
{
	size_t off;

	if (len < 16)
		return -EINVAL;
	*buffer_id = ofg_get32(m + 8);
	if (m[0] == OFG_V10) {
		/* buffer_id, in_port u16, actions_len u16, actions */
		off = 16 + ofg_get16(m + 14);
	} else if (m[0] == OFG_V15) {
		/* buffer_id, actions_len u16, pad, ofp_match, actions */
		size_t mlen;

		if (len < 20)
			return -EINVAL;
		mlen = ofg_get16(m + 18);
		if (mlen < 4)
			return -EINVAL;
		off = 16 + ((mlen + 7) & ~(size_t)7) + ofg_get16(m + 12);
	} else {
		/* buffer_id, in_port u32, actions_len u16, pad 6, actions */
		if (len < 24)
			return -EINVAL;
		off = 24 + ofg_get16(m + 16);
	}
	if (off > len)
		return -EINVAL;
	*data = m + off;
	*data_len = len - off;
	return 0;
}

int ofg_parse_flow_mod_buffer_id(const uint8_t *m, size_t len,
				 uint32_t *buffer_id)
{
	size_t off = m[0] == OFG_V10 ? 64 : 32;

	if (len < off + 4)
		return -EINVAL;
	*buffer_id = ofg_get32(m + off);
	return 0;
}

size_t ofg_build_packet_out(uint8_t *b, uint8_t ver, uint32_t in_port,
			    const uint8_t *data, size_t data_len, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_PACKET_OUT, xid);
	p32(&w, OFG_NO_BUFFER);
	if (ver == OFG_V10) {
		p16(&w, (uint16_t)in_port);
		p16(&w, 8); /* actions_len */
		action_output(&w, ver, 0xfffb); /* OFPP_FLOOD */
	} else if (ver == OFG_V15) {
		p16(&w, 16); /* actions_len */
		pz(&w, 2);
		oxm_match_in_port(&w, in_port);
		action_output(&w, ver, 0xfffffffbu);
	} else {
		p32(&w, in_port);
		p16(&w, 16); /* actions_len */
		pz(&w, 6);
		action_output(&w, ver, 0xfffffffbu);
	}
	if (data_len)
		pb(&w, data, data_len);
	return fin(&w);
}

size_t ofg_build_flow_mod(uint8_t *b, uint8_t ver, uint32_t in_port,
			  uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_FLOW_MOD, xid);
	if (ver == OFG_V10) {
		match10(&w, (int)(in_port & 0xffff));
		p64(&w, 0x0f6e0000u); /* cookie */
		p16(&w, 0); /* OFPFC_ADD */
		p16(&w, 10); /* idle_timeout */
		p16(&w, 30); /* hard_timeout */
		p16(&w, 0x8000); /* priority */
		p32(&w, OFG_NO_BUFFER);
		p16(&w, 0xffff); /* out_port OFPP_NONE */
		p16(&w, 0); /* flags */
		/* 72 bytes so far */
		action_output(&w, ver, 2);
	} else {
		p64(&w, 0x0f6e0000u); /* cookie */
		p64(&w, 0); /* cookie_mask */
		p8(&w, 0); /* table_id */
		p8(&w, 0); /* OFPFC_ADD */
		p16(&w, 10);
		p16(&w, 30);
		p16(&w, 0x8000);
		p32(&w, OFG_NO_BUFFER);
		p32(&w, 0xffffffffu); /* OFPP_ANY */
		p32(&w, 0xffffffffu); /* OFPG_ANY */
		p16(&w, 0); /* flags */
		p16(&w, 0); /* pad (1.3) / importance (1.4+) */
		/* 48 + match = 64 */
		oxm_match_in_port(&w, in_port);
		instr_apply_output(&w, ver, 2);
	}
	return fin(&w);
}

size_t ofg_build_port_status(uint8_t *b, uint8_t ver, uint32_t port,
			     uint32_t xid)
{
	static const uint8_t mac[6] = {0x02, 0x0f, 0x6e, 0, 0, 1};
	char name[16] = {0};
	struct w w = {b, 0};

	snprintf(name, sizeof(name), "ofgen-p%u", (unsigned)(port % 100000));
	hdr(&w, ver, OFG_PORT_STATUS, xid);
	p8(&w, 2); /* OFPPR_MODIFY */
	pz(&w, 7);
	if (ver == OFG_V10) {
		p16(&w, (uint16_t)port);
		pb(&w, mac, 6);
		pb(&w, name, 16);
		p32(&w, 0); /* config */
		p32(&w, 0); /* state */
		p32(&w, 0xa0); /* curr: 1GB_FD | COPPER */
		p32(&w, 0xa0);
		p32(&w, 0xa0);
		p32(&w, 0);
	} else if (ver == OFG_V13) {
		p32(&w, port);
		pz(&w, 4);
		pb(&w, mac, 6);
		pz(&w, 2);
		pb(&w, name, 16);
		p32(&w, 0);
		p32(&w, 0);
		p32(&w, 0x820); /* curr: 1GB_FD | COPPER */
		p32(&w, 0x820);
		p32(&w, 0x820);
		p32(&w, 0);
		p32(&w, 1000000); /* curr_speed kbps */
		p32(&w, 1000000);
	} else {
		p32(&w, port);
		p16(&w, 72); /* ofp_port length incl. properties */
		pz(&w, 2);
		pb(&w, mac, 6);
		pz(&w, 2);
		pb(&w, name, 16);
		p32(&w, 0);
		p32(&w, 0);
		p16(&w, 0); /* OFPPDPT_ETHERNET */
		p16(&w, 32);
		pz(&w, 4);
		p32(&w, 0x820);
		p32(&w, 0x820);
		p32(&w, 0x820);
		p32(&w, 0);
		p32(&w, 1000000);
		p32(&w, 1000000);
	}
	return fin(&w);
}

size_t ofg_build_error(uint8_t *b, uint8_t ver, uint16_t type, uint16_t code,
		       const uint8_t *data, size_t data_len, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_ERROR, xid);
	p16(&w, type);
	p16(&w, code);
	if (data_len)
		pb(&w, data, data_len);
	return fin(&w);
}

size_t ofg_build_flow_stats_request(uint8_t *b, uint8_t ver, uint32_t xid)
{
	struct w w = {b, 0};

	hdr(&w, ver, OFG_STATS_REQUEST, xid);
	p16(&w, 1); /* OFPST_FLOW / OFPMP_FLOW / OFPMP_FLOW_DESC */
	p16(&w, 0); /* flags */
	if (ver == OFG_V10) {
		match10(&w, -1);
		p8(&w, 0xff); /* all tables */
		p8(&w, 0);
		p16(&w, 0xffff); /* OFPP_NONE */
	} else {
		pz(&w, 4);
		p8(&w, 0xff); /* OFPTT_ALL */
		pz(&w, 3);
		p32(&w, 0xffffffffu); /* OFPP_ANY */
		p32(&w, 0xffffffffu); /* OFPG_ANY */
		pz(&w, 4);
		p64(&w, 0); /* cookie */
		p64(&w, 0); /* cookie_mask */
		p16(&w, 1); /* empty OXM match */
		p16(&w, 4);
		pz(&w, 4);
	}
	return fin(&w);
}

/* One flow entry of the reply; returns its length. */
static size_t flow_entry(struct w *w, uint8_t ver, uint32_t i)
{
	size_t start = w->n;

	p16(w, 0); /* length, fixed below */
	if (ver == OFG_V15) {
		pz(w, 2);
		p8(w, 0); /* table_id */
		p8(w, 0);
		p16(w, 0x8000); /* priority */
		p16(w, 10);
		p16(w, 30);
		p16(w, 0); /* flags */
		p16(w, 0); /* importance */
		p64(w, i); /* cookie */
		oxm_match_in_port(w, i + 1);
		/* ofp_stats: packet_count and byte_count OXS, 28 -> 32 */
		p16(w, 0);
		p16(w, 28);
		p32(w, 0x80020000u | 4 << 9 | 8); /* OFPXST_OFB_PACKET_COUNT */
		p64(w, 1000 + i);
		p32(w, 0x80020000u | 5 << 9 | 8); /* OFPXST_OFB_BYTE_COUNT */
		p64(w, 64000 + 64 * (uint64_t)i);
		pz(w, 4);
		instr_apply_output(w, ver, 2);
	} else {
		p8(w, 0); /* table_id */
		p8(w, 0);
		if (ver == OFG_V10)
			match10(w, (int)((i + 1) & 0xffff));
		p32(w, 100); /* duration_sec */
		p32(w, 0); /* duration_nsec */
		p16(w, 0x8000);
		p16(w, 10);
		p16(w, 30);
		if (ver == OFG_V10) {
			pz(w, 6);
		} else {
			p16(w, 0); /* flags */
			pz(w, 4); /* pad (1.3) / importance + pad (1.4) */
		}
		p64(w, i); /* cookie */
		p64(w, 1000 + i); /* packet_count */
		p64(w, 64000 + 64 * (uint64_t)i); /* byte_count */
		if (ver == OFG_V10) {
			action_output(w, ver, 2);
		} else {
			oxm_match_in_port(w, i + 1);
			instr_apply_output(w, ver, 2);
		}
	}
	set16(w->p + start, (uint16_t)(w->n - start));
	return w->n - start;
}

uint8_t *ofg_build_flow_stats_reply(uint8_t ver, size_t total, size_t *len)
{
	size_t hlen = ver == OFG_V10 ? 12 : 16;
	uint8_t probe[256];
	struct w pw = {probe, 0};
	size_t elen = flow_entry(&pw, ver, 0);
	size_t per_part = (OFG_MAX_MSG - hlen) / elen;
	size_t nent = total > hlen + elen ? (total - hlen) / elen : 1;
	size_t nparts = (nent + per_part - 1) / per_part;
	size_t cap = nparts * hlen + nent * elen, done = 0;
	uint8_t *buf = malloc(cap);
	struct w w = {buf, 0};

	if (!buf)
		return NULL;
	while (done < nent) {
		size_t k = nent - done < per_part ? nent - done : per_part;
		size_t start = w.n, j;
		struct w mw;

		p8(&w, ver);
		p8(&w, (uint8_t)ofg_type(ver, OFG_STATS_REPLY));
		p16(&w, 0);
		p32(&w, 0);
		p16(&w, 1); /* FLOW / FLOW_DESC */
		p16(&w, done + k < nent ? 1 : 0); /* OFPSF_REPLY_MORE */
		if (ver != OFG_V10)
			pz(&w, 4);
		for (j = 0; j < k; j++)
			flow_entry(&w, ver, (uint32_t)(done + j));
		mw.p = buf + start;
		mw.n = w.n - start;
		fin(&mw);
		done += k;
	}
	*len = w.n;
	return buf;
}
