// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frame.c - link layer -> IPv4/IPv6 -> TCP payload, for libpcap sources
 * (IEEE 802.1Q for VLAN tags, RFC 791, RFC 8200, RFC 9293 §3.1).
 */
#include <pcap/dlt.h>
#include <string.h>

#include "capture/frame.h"
#include "ofxdp.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1 0x9100
#define IPPROTO_TCP_ 6
#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT 8

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
		size_t o = 12;
		uint16_t et;
		int tags = 0;

		if (caplen < 14)
			return OFX_FRAME_MALFORMED;
		et = rd16(pkt + o);
		o += 2;
		while ((et == ETH_P_8021Q || et == ETH_P_8021AD ||
			et == ETH_P_QINQ1) &&
		       tags++ < MAX_VLAN_TAGS) {
			if (caplen < o + 4)
				return OFX_FRAME_MALFORMED;
			et = rd16(pkt + o + 2);
			o += 4;
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
				  struct ofx_segment *seg)
{
	uint16_t proto;
	size_t off, l4, ip_end;
	uint8_t nexthdr;
	int rc;

	if (wirelen < caplen)
		wirelen = caplen;
	rc = link_layer(dlt, pkt, caplen, &proto, &off);
	if (rc)
		return rc;
	memset(&seg->key, 0, sizeof(seg->key));
	if (proto == ETH_P_IPV4) {
		size_t ihl;
		uint16_t tot;

		if (caplen < off + 20 || (pkt[off] >> 4) != 4)
			return OFX_FRAME_MALFORMED;
		ihl = (size_t)(pkt[off] & 0x0f) * 4;
		if (ihl < 20 || caplen < off + ihl)
			return OFX_FRAME_MALFORMED;
		if (pkt[off + 9] != IPPROTO_TCP_)
			return OFX_FRAME_OTHER;
		if (rd16(pkt + off + 6) & 0x1fff)
			return OFX_FRAME_OTHER; /* not the first fragment */
		tot = rd16(pkt + off + 2);
		/* tot_len is 0 on GSO frames: the frame length counts. */
		ip_end = tot ? off + tot : wirelen;
		if (tot && tot < ihl)
			return OFX_FRAME_MALFORMED;
		seg->key.family = 4;
		memcpy(&seg->key.saddr[0], pkt + off + 12, 4);
		memcpy(&seg->key.daddr[0], pkt + off + 16, 4);
		l4 = off + ihl;
	} else if (proto == ETH_P_IPV6) {
		uint16_t plen;

		if (caplen < off + 40 || (pkt[off] >> 4) != 6)
			return OFX_FRAME_MALFORMED;
		plen = rd16(pkt + off + 4);
		ip_end = plen ? off + 40 + plen : wirelen;
		nexthdr = pkt[off + 6];
		seg->key.family = 6;
		memcpy(seg->key.saddr, pkt + off + 8, 16);
		memcpy(seg->key.daddr, pkt + off + 24, 16);
		l4 = off + 40;
		for (int i = 0; i < MAX_IPV6_EXT && nexthdr != IPPROTO_TCP_;
		     i++) {
			if (nexthdr != 0 && nexthdr != 43 && nexthdr != 60 &&
			    nexthdr != 44)
				return OFX_FRAME_OTHER;
			if (caplen < l4 + 8)
				return OFX_FRAME_MALFORMED;
			if (nexthdr == 44) {
				if (rd16(pkt + l4 + 2) & 0xfff8)
					return OFX_FRAME_OTHER;
				nexthdr = pkt[l4];
				l4 += 8;
			} else {
				nexthdr = pkt[l4];
				l4 += ((size_t)pkt[l4 + 1] + 1) * 8;
			}
		}
		if (nexthdr != IPPROTO_TCP_)
			return OFX_FRAME_OTHER;
	} else {
		return OFX_FRAME_OTHER;
	}
	{
		size_t doff, pay, plen, cap;
		uint16_t sport, dport;

		if (caplen < l4 + 20)
			return OFX_FRAME_MALFORMED;
		doff = (size_t)(pkt[l4 + 12] >> 4) * 4;
		if (doff < 20 || caplen < l4 + doff)
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
		if (ip_end < pay)
			return OFX_FRAME_MALFORMED;
		plen = ip_end - pay;
		cap = caplen > pay ? caplen - pay : 0;
		if (cap > plen)
			cap = plen; /* Ethernet padding is not payload */
		seg->key.sport = sport;
		seg->key.dport = dport;
		seg->seq = rd32(pkt + l4 + 4);
		seg->tcp_flags = pkt[l4 + 13];
		seg->seg_len = (uint32_t)plen;
		seg->cap_len = (uint32_t)cap;
		seg->data = pkt + pay;
		seg->first = true;
	}
	return OFX_FRAME_OK;
}
