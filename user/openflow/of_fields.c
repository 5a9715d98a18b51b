// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_fields.c - the key fields of one message for display (of_fields.h).
 * Structure offsets per version follow the specs cited there (and Ryu's
 * ofproto_v1_x.py pack strings).
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "openflow/of_fields.h"
#include "openflow/of_proto.h"

#define OFP10 1
#define OFP11 2
#define OFP12 3
#define OFP13 4
#define OFP15 6

/* Type numbers with key fields (1.0 / 1.1+ where they differ). */
#define T_ERROR 1
#define T_ECHO_REQUEST 2
#define T_ECHO_REPLY 3
#define T_FEATURES_REPLY 6
#define T_PACKET_IN 10
#define T_FLOW_REMOVED 11
#define T_PORT_STATUS 12
#define T_PACKET_OUT 13
#define T_FLOW_MOD 14
#define T_ROLE_REQUEST 24 /* 1.2+ */
#define T_ROLE_REPLY 25

#define NO_BUFFER 0xffffffffu
#define OXM_CLASS_BASIC 0x8000

/* The message being read: bytes usable are min(caplen, length). */
struct rd {
	const uint8_t *p;
	size_t n;
	struct of_fields *out;
};

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static struct of_field *add(struct of_fields *o, uint8_t group,
			    const char *name)
{
	struct of_field *f;

	if (o->n >= OF_FIELDS_MAX)
		return NULL;
	f = &o->f[o->n++];
	f->name = name;
	f->group = group;
	f->number = false;
	f->u = 0;
	f->value[0] = '\0';
	return f;
}

static void add_u(struct of_fields *o, uint8_t g, const char *name, uint64_t v)
{
	struct of_field *f = add(o, g, name);

	if (!f)
		return;
	f->number = true;
	f->u = v;
	snprintf(f->value, sizeof(f->value), "%llu", (unsigned long long)v);
}

static void add_hex(struct of_fields *o, uint8_t g, const char *name,
		    uint64_t v)
{
	struct of_field *f = add(o, g, name);

	if (f)
		snprintf(f->value, sizeof(f->value), "0x%llx",
			 (unsigned long long)v);
}

static void add_str(struct of_fields *o, uint8_t g, const char *name,
		    const char *v)
{
	struct of_field *f = add(o, g, name);

	if (f)
		snprintf(f->value, sizeof(f->value), "%s", v);
}

static void add_mac(struct of_fields *o, uint8_t g, const char *name,
		    const uint8_t *m)
{
	struct of_field *f = add(o, g, name);

	if (f)
		snprintf(f->value, sizeof(f->value),
			 "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
}

static void add_ip(struct of_fields *o, uint8_t g, const char *name, int af,
		   const uint8_t *a)
{
	struct of_field *f = add(o, g, name);

	if (f && !inet_ntop(af, a, f->value, sizeof(f->value)))
		f->value[0] = '\0';
}

/* Port numbers: reserved ones by name (1.0: 16 bits, 1.1+: 32 bits). */
static void add_port(struct of_fields *o, uint8_t g, const char *name,
		     uint32_t port, bool wide)
{
	static const char *const reserved[] = {"in_port", "table", "normal",
					       "flood",	  "all",   "controller",
					       "local",	  "any"};
	uint32_t base = wide ? 0xfffffff8u : 0xfff8u;

	if (port >= base && port - base < 8) {
		add_str(o, g, name, reserved[port - base]);
		return;
	}
	if (!wide && port == 0xff00) {
		add_str(o, g, name, "max");
		return;
	}
	add_u(o, g, name, port);
}

static void add_buffer(struct of_fields *o, uint32_t id)
{
	if (id == NO_BUFFER)
		add_str(o, OF_FG_MSG, "buffer_id", "none");
	else
		add_u(o, OF_FG_MSG, "buffer_id", id);
}

/* ---- the carried Ethernet frame ---- */

#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1 0x9100
#define ETH_P_ARP 0x0806
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd

static void l4_fields(struct of_fields *o, uint8_t proto, const uint8_t *p,
		      size_t n)
{
	const uint8_t g = OF_FG_FRAME;

	if ((proto == 6 || proto == 17 || proto == 132) && n >= 4) {
		add_u(o, g, "tp_src", be16(p));
		add_u(o, g, "tp_dst", be16(p + 2));
	} else if ((proto == 1 || proto == 58) && n >= 2) {
		add_u(o, g, proto == 1 ? "icmp_type" : "icmpv6_type", p[0]);
		add_u(o, g, proto == 1 ? "icmp_code" : "icmpv6_code", p[1]);
	}
}

unsigned int of_frame_fields(const uint8_t *p, size_t len,
			     struct of_fields *out)
{
	const uint8_t g = OF_FG_FRAME;
	unsigned int before = out->n;
	size_t off = 12;
	uint16_t type;

	if (len < 14)
		return 0;
	add_mac(out, g, "eth_dst", p);
	add_mac(out, g, "eth_src", p + 6);
	type = be16(p + off);
	while ((type == ETH_P_8021Q || type == ETH_P_8021AD ||
		type == ETH_P_QINQ1) &&
	       off + 6 <= len) {
		add_u(out, g, "vlan_vid", be16(p + off + 2) & 0x0fff);
		off += 4;
		type = be16(p + off);
	}
	off += 2;
	{
		struct of_field *f = add(out, g, "eth_type");

		if (f)
			snprintf(f->value, sizeof(f->value), "0x%04x", type);
	}
	p += off;
	len -= off;
	if (type == ETH_P_ARP && len >= 28) {
		add_u(out, g, "arp_op", be16(p + 6));
		add_ip(out, g, "arp_spa", AF_INET, p + 14);
		add_ip(out, g, "arp_tpa", AF_INET, p + 24);
	} else if (type == ETH_P_IP && len >= 20 && (p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 0xf) * 4;

		add_ip(out, g, "ipv4_src", AF_INET, p + 12);
		add_ip(out, g, "ipv4_dst", AF_INET, p + 16);
		add_u(out, g, "ip_proto", p[9]);
		/* first fragment only carries the L4 header */
		if (ihl >= 20 && ihl <= len && !(be16(p + 6) & 0x1fff))
			l4_fields(out, p[9], p + ihl, len - ihl);
	} else if (type == ETH_P_IPV6 && len >= 40) {
		add_ip(out, g, "ipv6_src", AF_INET6, p + 8);
		add_ip(out, g, "ipv6_dst", AF_INET6, p + 24);
		add_u(out, g, "ip_proto", p[6]);
		l4_fields(out, p[6], p + 40, len - 40);
	}
	return out->n - before;
}

/* ---- matches ---- */

/* OpenFlow 1.0 struct ofp_match (40 bytes, §5.2.3): the fields its
 * wildcards do not cover. */
static void match10(struct of_fields *o, const uint8_t *m)
{
	const uint8_t g = OF_FG_MATCH;
	uint32_t w = be32(m);
	unsigned int src_bits = (w >> 8) & 0x3f, dst_bits = (w >> 14) & 0x3f;
	struct of_field *f;

	if (!(w & 1))
		add_port(o, g, "in_port", be16(m + 4), false);
	if (!(w & (1u << 2)))
		add_mac(o, g, "eth_src", m + 6);
	if (!(w & (1u << 3)))
		add_mac(o, g, "eth_dst", m + 12);
	if (!(w & (1u << 1)))
		add_u(o, g, "vlan_vid", be16(m + 18));
	if (!(w & (1u << 20)))
		add_u(o, g, "vlan_pcp", m[20]);
	if (!(w & (1u << 4)) && (f = add(o, g, "eth_type")))
		snprintf(f->value, sizeof(f->value), "0x%04x", be16(m + 22));
	if (!(w & (1u << 21)))
		add_u(o, g, "ip_dscp", m[24] >> 2);
	if (!(w & (1u << 5)))
		add_u(o, g, "ip_proto", m[25]);
	if (src_bits < 32 && (f = add(o, g, "ipv4_src"))) {
		inet_ntop(AF_INET, m + 28, f->value, sizeof(f->value));
		if (src_bits)
			snprintf(f->value + strlen(f->value),
				 sizeof(f->value) - strlen(f->value), "/%u",
				 32 - src_bits);
	}
	if (dst_bits < 32 && (f = add(o, g, "ipv4_dst"))) {
		inet_ntop(AF_INET, m + 32, f->value, sizeof(f->value));
		if (dst_bits)
			snprintf(f->value + strlen(f->value),
				 sizeof(f->value) - strlen(f->value), "/%u",
				 32 - dst_bits);
	}
	if (!(w & (1u << 6)))
		add_u(o, g, "tp_src", be16(m + 36));
	if (!(w & (1u << 7)))
		add_u(o, g, "tp_dst", be16(m + 38));
}

/* OXM basic fields (OpenFlow 1.5.1 §7.2.3.7), by oxm_field. */
static const char *const oxm_names[] = {
	"in_port",     "in_phy_port", "metadata",    "eth_dst",
	"eth_src",     "eth_type",    "vlan_vid",    "vlan_pcp",
	"ip_dscp",     "ip_ecn",      "ip_proto",    "ipv4_src",
	"ipv4_dst",    "tcp_src",     "tcp_dst",     "udp_src",
	"udp_dst",     "sctp_src",    "sctp_dst",    "icmpv4_type",
	"icmpv4_code", "arp_op",      "arp_spa",     "arp_tpa",
	"arp_sha",     "arp_tha",     "ipv6_src",    "ipv6_dst",
	"ipv6_flabel", "icmpv6_type", "icmpv6_code", "ipv6_nd_target",
	"ipv6_nd_sll", "ipv6_nd_tll", "mpls_label",  "mpls_tc",
	"mpls_bos",    "pbb_isid",    "tunnel_id",   "ipv6_exthdr",
	NULL,	       "pbb_uca",     "tcp_flags",   "actset_output",
	"packet_type",
};

/* One OXM TLV's value (@len bytes, half of them mask when @hasmask). */
static void oxm_value(struct of_field *f, uint8_t field, const uint8_t *v,
		      uint8_t len, bool hasmask)
{
	uint8_t vlen = hasmask ? len / 2 : len;
	char *s = f->value;
	size_t room = sizeof(f->value);

	if (vlen == 6 && (field == 3 || field == 4 || field == 24 ||
			  field == 25 || field == 32 || field == 33)) {
		snprintf(s, room, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1],
			 v[2], v[3], v[4], v[5]);
	} else if (vlen == 4 &&
		   (field == 11 || field == 12 || field == 22 || field == 23)) {
		inet_ntop(AF_INET, v, s, (socklen_t)room);
	} else if (vlen == 16 && (field == 26 || field == 27 || field == 31)) {
		inet_ntop(AF_INET6, v, s, (socklen_t)room);
	} else if (field == 5 && vlen == 2) {
		snprintf(s, room, "0x%04x", be16(v));
	} else if (vlen <= 8 && !hasmask && field != 2 && field != 38) {
		uint64_t u = 0;

		for (uint8_t i = 0; i < vlen; i++)
			u = u << 8 | v[i];
		if (field == 6) /* OFPVID_PRESENT | vid */
			u &= 0x0fff;
		f->number = true;
		f->u = u;
		snprintf(s, room, "%llu", (unsigned long long)u);
		return;
	} else {
		uint64_t u = 0;

		for (uint8_t i = 0; i < vlen && i < 8; i++)
			u = u << 8 | v[i];
		snprintf(s, room, "0x%llx", (unsigned long long)u);
	}
	if (hasmask && vlen <= 8) {
		uint64_t m = 0;
		size_t l = strlen(s);

		for (uint8_t i = 0; i < vlen; i++)
			m = m << 8 | v[vlen + i];
		snprintf(s + l, room - l, "/0x%llx", (unsigned long long)m);
	}
}

/* An OXM match (struct ofp_match of 1.2+, §7.2.3) at @off of @r. Return:
 * its padded length, or 0 when it does not fit. */
static size_t match_oxm(struct rd *r, size_t off)
{
	size_t mlen, end, i;

	if (off + 4 > r->n) {
		r->out->truncated = true;
		return 0;
	}
	mlen = be16(r->p + off + 2);
	if (mlen < 4)
		return 0;
	end = off + mlen;
	if (end > r->n) {
		r->out->truncated = true;
		end = r->n;
	}
	for (i = off + 4; i + 4 <= end;) {
		uint16_t cls = be16(r->p + i);
		uint8_t field = r->p[i + 2] >> 1, len = r->p[i + 3];
		bool hasmask = r->p[i + 2] & 1;
		struct of_field *f;

		if (i + 4 + len > end)
			break;
		if (cls == OXM_CLASS_BASIC &&
		    field < sizeof(oxm_names) / sizeof(oxm_names[0]) &&
		    oxm_names[field]) {
			if (field == 0 && len == 4 && !hasmask) {
				add_port(r->out, OF_FG_MATCH, "in_port",
					 be32(r->p + i + 4), true);
			} else if ((f = add(r->out, OF_FG_MATCH,
					    oxm_names[field]))) {
				oxm_value(f, field, r->p + i + 4, len, hasmask);
			}
		} else if ((f = add(r->out, OF_FG_MATCH, "oxm"))) {
			snprintf(f->value, sizeof(f->value), "0x%04x:%u/%u",
				 cls, field, len);
		}
		i += 4 + len;
	}
	return (mlen + 7) / 8 * 8;
}

/* ---- per type ---- */

/* The carried frame at @off of @r (@len bytes claimed). */
static void frame_at(struct rd *r, size_t off, size_t len)
{
	if (off >= r->n || !len)
		return;
	if (off + len > r->n) {
		r->out->truncated = true;
		len = r->n - off;
	}
	of_frame_fields(r->p + off, len, r->out);
}

static void packet_in(struct rd *r, uint8_t v)
{
	struct of_fields *o = r->out;
	size_t need = v == OFP10 ? 18 : v == OFP11 ? 24 : v == OFP12 ? 16 : 24;
	size_t mlen, data;

	if (r->n < need) {
		o->truncated = true;
		return;
	}
	add_buffer(o, be32(r->p + 8));
	if (v == OFP10) {
		add_u(o, OF_FG_MSG, "total_len", be16(r->p + 12));
		add_port(o, OF_FG_MSG, "in_port", be16(r->p + 14), false);
		frame_at(r, 18, r->n - 18);
		return;
	}
	if (v == OFP11) {
		add_port(o, OF_FG_MSG, "in_port", be32(r->p + 12), true);
		add_u(o, OF_FG_MSG, "total_len", be16(r->p + 20));
		add_u(o, OF_FG_MSG, "table_id", r->p[23]);
		frame_at(r, 24, r->n - 24);
		return;
	}
	add_u(o, OF_FG_MSG, "total_len", be16(r->p + 12));
	add_u(o, OF_FG_MSG, "table_id", r->p[15]);
	if (v >= OFP13)
		add_hex(o, OF_FG_MSG, "cookie", be64(r->p + 16));
	mlen = match_oxm(r, v == OFP12 ? 16 : 24);
	if (!mlen)
		return;
	data = (v == OFP12 ? 16 : 24) + mlen + 2;
	if (data <= r->n)
		frame_at(r, data, r->n - data);
}

static void packet_out(struct rd *r, uint8_t v)
{
	struct of_fields *o = r->out;
	size_t alen, data;

	if (r->n < (v == OFP10 ? 16u : 24u)) {
		o->truncated = true;
		return;
	}
	add_buffer(o, be32(r->p + 8));
	if (v == OFP10) {
		add_port(o, OF_FG_MSG, "in_port", be16(r->p + 12), false);
		alen = be16(r->p + 14);
		add_u(o, OF_FG_MSG, "actions_len", alen);
		data = 16 + alen;
	} else if (v < OFP15) {
		add_port(o, OF_FG_MSG, "in_port", be32(r->p + 12), true);
		alen = be16(r->p + 16);
		add_u(o, OF_FG_MSG, "actions_len", alen);
		data = 24 + alen;
	} else {
		size_t mlen;

		alen = be16(r->p + 12);
		add_u(o, OF_FG_MSG, "actions_len", alen);
		mlen = match_oxm(r, 16);
		if (!mlen)
			return;
		data = 16 + mlen + alen;
	}
	if (data <= r->n)
		frame_at(r, data, r->n - data);
}

static const char *const fm_commands[] = {"add", "modify", "modify_strict",
					  "delete", "delete_strict"};

static void flow_mod(struct rd *r, uint8_t v)
{
	struct of_fields *o = r->out;
	const uint8_t *p = r->p;
	uint16_t cmd;

	if (v == OFP10) {
		if (r->n < 72) {
			o->truncated = true;
			return;
		}
		cmd = be16(p + 56);
		add_str(o, OF_FG_MSG, "command",
			cmd < 5 ? fm_commands[cmd] : "?");
		add_hex(o, OF_FG_MSG, "cookie", be64(p + 48));
		add_u(o, OF_FG_MSG, "priority", be16(p + 62));
		add_u(o, OF_FG_MSG, "idle_timeout", be16(p + 58));
		add_u(o, OF_FG_MSG, "hard_timeout", be16(p + 60));
		add_buffer(o, be32(p + 64));
		add_port(o, OF_FG_MSG, "out_port", be16(p + 68), false);
		add_hex(o, OF_FG_MSG, "flags", be16(p + 70));
		match10(o, p + 8);
		return;
	}
	if (r->n < 48) {
		o->truncated = true;
		return;
	}
	cmd = p[25];
	add_str(o, OF_FG_MSG, "command", cmd < 5 ? fm_commands[cmd] : "?");
	add_u(o, OF_FG_MSG, "table_id", p[24]);
	add_hex(o, OF_FG_MSG, "cookie", be64(p + 8));
	add_u(o, OF_FG_MSG, "priority", be16(p + 30));
	add_u(o, OF_FG_MSG, "idle_timeout", be16(p + 26));
	add_u(o, OF_FG_MSG, "hard_timeout", be16(p + 28));
	add_buffer(o, be32(p + 32));
	add_port(o, OF_FG_MSG, "out_port", be32(p + 36), true);
	add_hex(o, OF_FG_MSG, "flags", be16(p + 44));
	if (v >= OFP12)
		match_oxm(r, 48);
}

static void flow_removed(struct rd *r, uint8_t v)
{
	struct of_fields *o = r->out;
	const uint8_t *p = r->p;

	if (v == OFP10) {
		if (r->n < 60) {
			o->truncated = true;
			return;
		}
		add_hex(o, OF_FG_MSG, "cookie", be64(p + 48));
		add_u(o, OF_FG_MSG, "priority", be16(p + 56));
		match10(o, p + 8);
		return;
	}
	if (r->n < 24) {
		o->truncated = true;
		return;
	}
	add_hex(o, OF_FG_MSG, "cookie", be64(p + 8));
	add_u(o, OF_FG_MSG, "priority", be16(p + 16));
	add_u(o, OF_FG_MSG, "table_id", p[19]);
	if (v >= OFP12)
		match_oxm(r, v >= OFP15 ? 24 : 48);
}

unsigned int of_fields_get(const uint8_t *msg, size_t caplen,
			   struct of_fields *out)
{
	struct rd r = {.p = msg, .out = out};
	uint8_t v, t;
	size_t len;

	out->n = 0;
	out->truncated = false;
	out->malformed = false;
	if (caplen < OFP_HEADER_LEN)
		return 0;
	v = msg[0];
	t = msg[1];
	len = be16(msg + 2);
	if (len < OFP_HEADER_LEN)
		return 0;
	r.n = caplen < len ? caplen : len;
	if (caplen < len)
		out->truncated = true;
	switch (t) {
	case T_PACKET_IN:
		packet_in(&r, v);
		break;
	case T_PACKET_OUT:
		packet_out(&r, v);
		break;
	case T_FLOW_MOD:
		flow_mod(&r, v);
		break;
	case T_FLOW_REMOVED:
		flow_removed(&r, v);
		break;
	case T_PORT_STATUS:
		if (r.n >= 20)
			add_port(out, OF_FG_MSG, "port_no",
				 v == OFP10 ? be16(msg + 16) : be32(msg + 16),
				 v != OFP10);
		break;
	case T_FEATURES_REPLY:
		if (r.n >= 24) {
			add_hex(out, OF_FG_MSG, "datapath_id", be64(msg + 8));
			add_u(out, OF_FG_MSG, "n_buffers", be32(msg + 16));
			add_u(out, OF_FG_MSG, "n_tables", msg[20]);
			if (v >= OFP13)
				add_u(out, OF_FG_MSG, "auxiliary_id", msg[21]);
		}
		break;
	case T_ECHO_REQUEST:
	case T_ECHO_REPLY:
		add_u(out, OF_FG_MSG, "data_len", len - OFP_HEADER_LEN);
		break;
	case T_ROLE_REQUEST:
	case T_ROLE_REPLY:
		if (v >= OFP12 && r.n >= 24)
			add_hex(out, OF_FG_MSG, "generation_id",
				be64(msg + 16));
		break;
	default:
		break;
	}
	return out->n;
}
