// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frame.c - link layer -> IPv4/IPv6 -> TCP payload, for libpcap sources
 * (IEEE 802.1Q for VLAN tags, RFC 791, RFC 8200, RFC 9293 §3.1), by the
 * rule set the BPF programs share (include/ofx_parse.h).
 */
#include <pcap/dlt.h>
#include <string.h>

#include "capture/frame.h"
#include "ofx_parse.h"
#include "ofxdp.h"

#define ETH_P_IPV4 OFX_ETH_P_IPV4
#define ETH_P_IPV6 OFX_ETH_P_IPV6

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Find the layer-3 protocol and offset. Return: 0 ok, else an rc. */
static int link_layer(int dlt, const uint8_t *pkt, size_t caplen,
		      uint16_t *proto, size_t *off)
{
	switch (dlt) {
	case DLT_EN10MB: {
		size_t o = OFX_ETH_HLEN;
		uint16_t et;

		if (caplen < OFX_ETH_HLEN)
			return OFX_FRAME_MALFORMED;
		et = rd16(pkt + o - 2);
		for (int tags = 0;
		     tags < OFX_MAX_VLAN_TAGS && ofx_vlan_tpid(et); tags++) {
			if (caplen < o + OFX_VLAN_HLEN)
				return OFX_FRAME_MALFORMED;
			et = rd16(pkt + o + 2);
			o += OFX_VLAN_HLEN;
		}
		*proto = et;
		*off = o;
		return 0;
	}
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return OFX_FRAME_MALFORMED;
		*proto = rd16(pkt + 14);
		*off = 16;
		return 0;
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return OFX_FRAME_MALFORMED;
		*proto = rd16(pkt);
		*off = 20;
		return 0;
	case DLT_NULL:
	case DLT_LOOP: {
		uint32_t fam;

		if (caplen < 4)
			return OFX_FRAME_MALFORMED;
		if (dlt == DLT_LOOP) {
			fam = rd32(pkt);
		} else {
			memcpy(&fam, pkt,
			       4); /* host byte order of the writer */
			if (fam > 0xffff)
				fam = __builtin_bswap32(fam);
		}
		/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30. */
		if (fam == 2)
			*proto = ETH_P_IPV4;
		else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			*proto = ETH_P_IPV6;
		else
			return OFX_FRAME_OTHER;
		*off = 4;
		return 0;
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (caplen < 1)
			return OFX_FRAME_MALFORMED;
		*proto = (pkt[0] >> 4) == 6 ? ETH_P_IPV6 : ETH_P_IPV4;
		*off = 0;
		return 0;
	default:
		return OFX_FRAME_OTHER;
	}
}

enum ofx_frame_rc ofx_frame_parse(int dlt, const uint8_t *pkt, size_t caplen,
				  size_t wirelen,
				  const struct ofx_portset *ports,
				  struct ofx_segment *seg, bool *ip_short)
{
	uint16_t proto, sport, dport;
	size_t off, l4, ip_len, doff, pay, cap;
	__u64 plen;
	uint8_t nexthdr;
	int rc, short_ip;

	if (wirelen < caplen)
		wirelen = caplen;
	if (ip_short)
		*ip_short = false;
	rc = link_layer(dlt, pkt, caplen, &proto, &off);
	if (rc)
		return rc;
	memset(&seg->key, 0, sizeof(seg->key));
	if (proto == ETH_P_IPV4) {
		size_t ihl;

		if (caplen < off + OFX_IPV4_HLEN || (pkt[off] >> 4) != 4)
			return OFX_FRAME_MALFORMED;
		ihl = (size_t)(pkt[off] & 0x0f) * 4;
		if (ihl < OFX_IPV4_HLEN || caplen < off + ihl)
			return OFX_FRAME_MALFORMED;
		if (pkt[off + 9] != OFX_IPPROTO_TCP)
			return OFX_FRAME_OTHER;
		if (rd16(pkt + off + 6) & OFX_IPV4_FRAG_OFFSET)
			return OFX_FRAME_OTHER; /* not the first fragment */
		ip_len = rd16(pkt + off + 2); /* 0 on GSO frames: unknown */
		if (ip_len && ip_len < ihl)
			return OFX_FRAME_MALFORMED;
		seg->key.family = 4;
		memcpy(&seg->key.saddr[0], pkt + off + 12, 4);
		memcpy(&seg->key.daddr[0], pkt + off + 16, 4);
		l4 = off + ihl;
	} else if (proto == ETH_P_IPV6) {
		int i;

		if (caplen < off + OFX_IPV6_HLEN || (pkt[off] >> 4) != 6)
			return OFX_FRAME_MALFORMED;
		ip_len = rd16(pkt + off + 4);
		if (ip_len) /* 0: jumbogram or GSO, unknown */
			ip_len += OFX_IPV6_HLEN;
		nexthdr = pkt[off + 6];
		seg->key.family = 6;
		memcpy(seg->key.saddr, pkt + off + 8, 16);
		memcpy(seg->key.daddr, pkt + off + 24, 16);
		l4 = off + OFX_IPV6_HLEN;
		for (i = 0; i < OFX_IPV6_MAX_EXT && nexthdr != OFX_IPPROTO_TCP;
		     i++) {
			uint32_t len;

			if (!ofx_ipv6_ext_followed(nexthdr))
				return OFX_FRAME_OTHER;
			if (caplen < l4 + OFX_IPV6_EXT_MIN)
				return OFX_FRAME_MALFORMED;
			len = ofx_ipv6_ext_len(nexthdr, pkt + l4);
			if (!len)
				return OFX_FRAME_OTHER;
			nexthdr = pkt[l4];
			l4 += len;
		}
		if (nexthdr != OFX_IPPROTO_TCP)
			return OFX_FRAME_OTHER;
	} else {
		return OFX_FRAME_OTHER;
	}

	if (caplen < l4 + OFX_TCP_HLEN)
		return OFX_FRAME_MALFORMED;
	doff = (size_t)(pkt[l4 + 12] >> 4) * 4;
	if (doff < OFX_TCP_HLEN || caplen < l4 + doff)
		return OFX_FRAME_MALFORMED;
	sport = rd16(pkt + l4);
	dport = rd16(pkt + l4 + 2);
	if (ofx_portset_has(ports, dport))
		seg->dir = OFX_DIR_IN;
	else if (ofx_portset_has(ports, sport))
		seg->dir = OFX_DIR_OUT;
	else
		return OFX_FRAME_OTHER;
	pay = l4 + doff;
	if (ofx_tcp_payload(wirelen, off, pay, ip_len, &plen, &short_ip))
		return OFX_FRAME_MALFORMED;
	cap = caplen - pay; /* caplen >= pay: the TCP header was captured */
	if (cap > (size_t)plen)
		cap = (size_t)plen; /* Ethernet padding is not payload */
	seg->key.sport = sport;
	seg->key.dport = dport;
	seg->seq = rd32(pkt + l4 + 4);
	seg->tcp_flags = pkt[l4 + 13];
	seg->seg_len = (uint32_t)plen;
	seg->cap_len = (uint32_t)cap;
	seg->data = pkt + pay;
	seg->first = true;
	if (ip_short)
		*ip_short = short_ip;
	return OFX_FRAME_OK;
}
