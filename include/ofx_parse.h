/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofx_parse.h - the one rule set by which both parsers find a TCP segment
 * and its payload in a frame: the BPF programs (bpf/ofxdp.bpf.c: XDP and
 * TC, in place or through load helpers) and the libpcap sources
 * (user/capture/frame.c: `--mode pcap` and `ofxdp read`). The constants
 * and the decisions are declared here once and used by both;
 * tests/unit/test_parse_diff.c feeds the same frames to both and requires
 * the same results.
 *
 * Included by BPF C (after vmlinux.h) and by userspace C, like ofxdp.h.
 * Values are in host byte order.
 *
 * The rules (IEEE 802.1Q, RFC 791, RFC 8200, RFC 9293 §3.1):
 *
 * 1. VLAN: at most OFX_MAX_VLAN_TAGS tags follow the Ethernet header, each
 *    with TPID 0x8100 (802.1Q), 0x88a8 (802.1ad) or 0x9100 (pre-standard
 *    QinQ), in any order. A frame with more tags is not parsed (a third
 *    tag's TPID is not an IP ethertype). On TC hooks the kernel may
 *    already have moved an outer 0x8100/0x88a8 tag into skb metadata: the
 *    program then sees one tag fewer.
 * 2. IPv4: version 4, IHL >= 5 (options skipped), protocol TCP. A
 *    non-first fragment (offset != 0) has no TCP header: not a segment. A
 *    first fragment is parsed; its payload is that fragment's.
 * 3. IPv6: version 6. Hop-by-hop (0), routing (43), fragment (44) and
 *    destination options (60) headers are followed, at most
 *    OFX_IPV6_MAX_EXT of them; a fragment header with a non-zero offset,
 *    any other next header (AH, ESP, ...) or more extension headers: not a
 *    segment.
 * 4. TCP: data offset >= 5 (options skipped); the headers up to the end
 *    of the TCP header must lie in the frame (else malformed).
 * 5. Lengths: the frame length is the length on the wire (skb->len, the
 *    XDP buffer, libpcap's len - never the snap length). The IP length
 *    (IPv4 tot_len, IPv6 40 + payload_len; 0 means unknown, as on GSO and
 *    BIG TCP skbs and jumbograms) shorter than the IP and TCP headers is
 *    malformed. Payload = frame length - headers, trimmed to what the IP
 *    length leaves when that is less (Ethernet padding is not payload).
 *    When the IP length claims more than the frame holds, the payload is
 *    what the frame holds - bytes never seen are never claimed - and the
 *    segment is counted in ip_len_short (struct ofx_kstats; the source's
 *    counter in pcap modes): the receiving IP stack drops such a packet,
 *    so it is also a sign of a broken path or forged traffic.
 * 6. Ports: a segment whose destination port is an OpenFlow port goes
 *    "in", else one whose source port is goes "out", else it is not ours.
 * 7. Delivery: a segment with payload, SYN, FIN or RST goes on to
 *    reassembly; a bare ACK is only counted (ofx_seg_wanted()).
 */
#ifndef OFX_PARSE_H
#define OFX_PARSE_H

#include "ofxdp.h"

#define OFX_ETH_HLEN 14
#define OFX_VLAN_HLEN 4
#define OFX_MAX_VLAN_TAGS 2

#define OFX_ETH_P_IPV4 0x0800
#define OFX_ETH_P_IPV6 0x86dd
#define OFX_TPID_8021Q 0x8100
#define OFX_TPID_8021AD 0x88a8
#define OFX_TPID_QINQ 0x9100

#define OFX_IPPROTO_TCP 6
#define OFX_IPV4_HLEN 20 /* without options */
#define OFX_IPV4_FRAG_OFFSET 0x1fff /* frag_off: offset in 8-byte units */
#define OFX_IPV6_HLEN 40 /* fixed header */
#define OFX_IPV6_EXT_MIN 8 /* bytes every extension header has */
#define OFX_IPV6_MAX_EXT 4
#define OFX_TCP_HLEN 20 /* without options */

#define OFX_PARSE_INLINE static inline __attribute__((always_inline))

/** ofx_vlan_tpid() - whether @tpid is a VLAN tag's TPID (rule 1). */
OFX_PARSE_INLINE int ofx_vlan_tpid(__u16 tpid)
{
	return tpid == OFX_TPID_8021Q || tpid == OFX_TPID_8021AD ||
	       tpid == OFX_TPID_QINQ;
}

/**
 * ofx_ipv6_ext_followed() - whether the IPv6 next header @nh is an
 * extension header that the parsers skip (rule 3).
 */
OFX_PARSE_INLINE int ofx_ipv6_ext_followed(__u8 nh)
{
	return nh == 0 /* hop-by-hop options */ || nh == 43 /* routing */ ||
	       nh == 44 /* fragment */ || nh == 60 /* destination options */;
}

/**
 * ofx_ipv6_ext_len() - length in bytes of the IPv6 extension header of
 * type @nh (ofx_ipv6_ext_followed()) whose first OFX_IPV6_EXT_MIN bytes
 * are @h (rule 3).
 * Return: 8..2048, or 0 when parsing stops here: a non-first fragment (no
 * TCP header after it), or @nh not followed.
 */
OFX_PARSE_INLINE __u32 ofx_ipv6_ext_len(__u8 nh, const __u8 *h)
{
	if (nh == 44) /* fragment: offset in the upper 13 bits of bytes 2-3 */
		return (((__u32)h[2] << 8 | h[3]) & 0xfff8) ? 0 : 8;
	if (!ofx_ipv6_ext_followed(nh))
		return 0;
	return ((__u32)h[1] + 1) * 8;
}

/**
 * ofx_tcp_payload() - payload length of a TCP segment by rule 5.
 * @frame_len: frame length on the wire, from the link header on (bytes)
 * @ip_off:    offset of the IP header in the frame
 * @hdrs:      offset of the TCP payload (IP options or extension headers
 *             and TCP options included), >= @ip_off
 * @ip_len:    the IP length from the IP header on: IPv4 tot_len, IPv6
 *             40 + payload_len; 0 = unknown
 * @pay:       the payload length, bytes
 * @ip_short:  set to 1 when @ip_len claims more than the frame holds,
 *             else to 0
 * Return: 0, or -1 if the frame or @ip_len is shorter than the headers
 * (malformed; @pay is then undefined).
 */
OFX_PARSE_INLINE int ofx_tcp_payload(__u64 frame_len, __u64 ip_off, __u64 hdrs,
				     __u64 ip_len, __u64 *pay, int *ip_short)
{
	__u64 by_ip;

	*ip_short = 0;
	if (frame_len < hdrs)
		return -1;
	*pay = frame_len - hdrs;
	if (!ip_len)
		return 0;
	if (ip_len < hdrs - ip_off)
		return -1;
	by_ip = ip_len - (hdrs - ip_off);
	if (by_ip < *pay)
		*pay = by_ip; /* link-layer padding */
	else if (by_ip > *pay)
		*ip_short = 1;
	return 0;
}

/**
 * ofx_seg_wanted() - whether a segment with @pay_len payload bytes and
 * TCP flags @flags (OFX_TCP_* of ofxdp.h) goes on to reassembly (rule 7).
 */
OFX_PARSE_INLINE int ofx_seg_wanted(__u64 pay_len, __u8 flags)
{
	return pay_len || (flags & (OFX_TCP_SYN | OFX_TCP_FIN | OFX_TCP_RST));
}

#endif /* OFX_PARSE_H */
