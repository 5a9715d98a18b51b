/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofx_test_frames.h - Ethernet frame templates for the parser tests: one
 * table of frames (valid IPv4/IPv6, VLAN tags of every TPID, QinQ, IP
 * options, IPv6 extension headers, fragments, inconsistent lengths, bad
 * data offsets, truncations, other ports and protocols) and the builder
 * that turns a template into bytes. tests/unit/test_parse_diff.c feeds
 * every frame to the BPF programs and to frame.c.
 *
 * Include after <stdint.h>, <stdbool.h>, <string.h>.
 */
#ifndef OFX_TEST_FRAMES_H
#define OFX_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* OpenFlow ports the tests put in the port set. */
#define OFXT_PORT_A 6653
#define OFXT_PORT_B 6633

/* Frames are at most this long (XDP test runs take one page). */
#define OFXT_FRAME_MAX 2048

/**
 * struct ofxt_frame - one frame template. Zero fields take the defaults of
 * a consistent TCP segment 40000 -> 6653 with 8 payload bytes.
 * @name:       what the frame tests
 * @tags:       VLAN TPIDs, outer first, 0-terminated (up to 3)
 * @ethertype:  written after the tags; 0: by @family
 * @family:     4 or 6 (0: 4)
 * @ip_ver:     version nibble written; 0: @family
 * @ihl:        IPv4 IHL written; 0: 5 + @ip_opt / 4
 * @ip_opt:     IPv4 option bytes (NOPs)
 * @proto:      IP protocol / last next header; 0: TCP
 * @frag_off:   IPv4 frag_off field (flags and offset)
 * @ext:        IPv6 extension header types in order (@next_ext of them)
 * @n_ext:      how many
 * @ext_units:  hdr ext len of the non-fragment extension headers (each is
 *              (units + 1) * 8 bytes)
 * @v6_frag:    offset/flags field of a fragment header
 * @sport/@dport/@seq/@ack/@flags: TCP (defaults 40000, 6653, 1000, 2000,
 *              PSH|ACK; @flags_set: use @flags even when 0)
 * @tcp_opt:    TCP option bytes (NOPs)
 * @doff:       data offset written (its low 4 bits: 0x10 writes 0); 0:
 *              5 + @tcp_opt / 4
 * @pay:        payload bytes (@pay_set: use @pay even when 0; else 8)
 * @ip_len_adj: added to the IP length field (IPv4 tot_len, IPv6
 *              payload_len)
 * @ip_len_zero: IP length field 0 (GSO, jumbo)
 * @pad_to:     zero padding up to this frame length
 * @cut:        the frame ends after this many bytes (0: whole)
 * @not_ours:   expected: no TCP segment on an OpenFlow port (rules of
 *              include/ofx_parse.h); else one, with @pay bytes of payload
 * @ip_short:   expected: the IP length claims more than the frame holds
 * @want_pay:   expected payload length + 1 (0: @pay, less a negative
 *              @ip_len_adj)
 */
struct ofxt_frame {
	const char *name;
	uint16_t tags[4];
	uint16_t ethertype;
	uint8_t family;
	uint8_t ip_ver;
	uint8_t ihl;
	uint8_t ip_opt;
	uint8_t proto;
	uint16_t frag_off;
	uint8_t ext[6];
	uint8_t n_ext;
	uint8_t ext_units;
	uint16_t v6_frag;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	bool flags_set;
	uint8_t tcp_opt;
	uint8_t doff;
	uint16_t pay;
	bool pay_set;
	int ip_len_adj;
	bool ip_len_zero;
	uint16_t pad_to;
	uint16_t cut;
	bool not_ours;
	bool ip_short;
	uint16_t want_pay;
};

/* TCP flag bits (RFC 9293 §3.1), as OFX_TCP_* in ofxdp.h. */
#define OFXT_FIN 0x01
#define OFXT_SYN 0x02
#define OFXT_RST 0x04
#define OFXT_PSH 0x08
#define OFXT_ACK 0x10

static const struct ofxt_frame ofxt_frames[] = {
	{.name = "ipv4"},
	{.name = "ipv6", .family = 6},
	{.name = "ipv4 out (source port is the OF port)",
	 .sport = OFXT_PORT_A,
	 .dport = 40000},
	{.name = "ipv4 second OF port", .dport = OFXT_PORT_B},
	{.name = "ipv4 seq wraps", .seq = 0xfffffffc, .pay = 600},
	{.name = "ipv6 1000 bytes", .family = 6, .pay = 1000},
	/* VLAN tags */
	{.name = "vlan 0x8100", .tags = {0x8100}},
	{.name = "vlan 0x88a8", .tags = {0x88a8}},
	{.name = "vlan 0x9100", .tags = {0x9100}},
	{.name = "ipv6 vlan 0x9100", .tags = {0x9100}, .family = 6},
	{.name = "qinq 0x88a8 0x8100", .tags = {0x88a8, 0x8100}},
	{.name = "qinq 0x9100 0x8100", .tags = {0x9100, 0x8100}},
	{.name = "qinq 0x8100 0x8100", .tags = {0x8100, 0x8100}},
	{.name = "qinq 0x9100 0x9100 ipv6",
	 .tags = {0x9100, 0x9100},
	 .family = 6},
	{.name = "three tags",
	 .not_ours = true,
	 .tags = {0x88a8, 0x8100, 0x8100}},
	{.name = "vlan tag cut", .not_ours = true, .tags = {0x9100}, .cut = 16},
	{.name = "second vlan tag cut",
	 .not_ours = true,
	 .tags = {0x88a8, 0x9100},
	 .cut = 20},
	/* IPv4 header */
	{.name = "ipv4 options 12", .ip_opt = 12},
	{.name = "ipv4 ihl 15, tcp doff 15", .ip_opt = 40, .tcp_opt = 40},
	{.name = "ipv4 ihl 4", .not_ours = true, .ihl = 4},
	{.name = "ipv4 ihl 15 beyond the frame",
	 .not_ours = true,
	 .ihl = 15,
	 .pay_set = true},
	{.name = "ipv4 version 5", .not_ours = true, .ip_ver = 5},
	{.name = "ipv4 first fragment (MF)", .frag_off = 0x2000},
	{.name = "ipv4 DF", .frag_off = 0x4000},
	{.name = "ipv4 non-first fragment", .not_ours = true, .frag_off = 185},
	{.name = "ipv4 last fragment", .not_ours = true, .frag_off = 0x0100},
	{.name = "udp to the OF port", .not_ours = true, .proto = 17},
	/* lengths */
	{.name = "ipv4 tot_len beyond the frame",
	 .ip_short = true,
	 .ip_len_adj = 337},
	{.name = "ipv4 tot_len 1 beyond", .ip_short = true, .ip_len_adj = 1},
	{.name = "vlan 0x9100 tot_len beyond",
	 .ip_short = true,
	 .tags = {0x9100},
	 .ip_len_adj = 100},
	{.name = "ipv4 tot_len < headers", .not_ours = true, .ip_len_adj = -9},
	{.name = "ipv4 tot_len < IP header",
	 .not_ours = true,
	 .ip_len_adj = -40},
	{.name = "ipv4 tot_len = headers", .ip_len_adj = -8},
	{.name = "ipv4 tot_len 0 (GSO)", .ip_len_zero = true, .pay = 900},
	{.name = "ipv4 padded to 60", .pay = 2, .pad_to = 60},
	{.name = "ipv4 padded, bare ACK",
	 .pay_set = true,
	 .flags = OFXT_ACK,
	 .pad_to = 60},
	{.name = "ipv4 tot_len short of frame", .ip_len_adj = -3},
	{.name = "ipv6 payload_len beyond the frame",
	 .ip_short = true,
	 .family = 6,
	 .ip_len_adj = 200},
	{.name = "ipv6 payload_len < tcp header",
	 .not_ours = true,
	 .family = 6,
	 .ip_len_adj = -9},
	{.name = "ipv6 payload_len 0", .family = 6, .ip_len_zero = true},
	{.name = "ipv6 padded (payload_len short)",
	 .family = 6,
	 .ip_len_adj = -5},
	/* IPv6 extension headers */
	{.name = "ipv6 hop-by-hop", .family = 6, .ext = {0}, .n_ext = 1},
	{.name = "ipv6 hop-by-hop 24 bytes",
	 .family = 6,
	 .ext = {0},
	 .n_ext = 1,
	 .ext_units = 2},
	{.name = "ipv6 dest opts + routing",
	 .family = 6,
	 .ext = {60, 43},
	 .n_ext = 2},
	{.name = "ipv6 first fragment",
	 .family = 6,
	 .ext = {44},
	 .n_ext = 1,
	 .v6_frag = 1},
	{.name = "ipv6 non-first fragment",
	 .not_ours = true,
	 .family = 6,
	 .ext = {44},
	 .n_ext = 1,
	 .v6_frag = 185 << 3},
	{.name = "ipv6 four extension headers",
	 .family = 6,
	 .ext = {0, 60, 43, 44},
	 .n_ext = 4},
	{.name = "ipv6 five extension headers",
	 .not_ours = true,
	 .family = 6,
	 .ext = {0, 60, 43, 44, 60},
	 .n_ext = 5},
	{.name = "ipv6 AH",
	 .not_ours = true,
	 .family = 6,
	 .ext = {51},
	 .n_ext = 1},
	{.name = "ipv6 ext + payload_len beyond",
	 .ip_short = true,
	 .family = 6,
	 .ext = {60},
	 .n_ext = 1,
	 .ip_len_adj = 50},
	{.name = "ipv6 ext header cut",
	 .not_ours = true,
	 .family = 6,
	 .ext = {0},
	 .n_ext = 1,
	 .cut = 14 + 40 + 4},
	{.name = "ipv6 808-byte ext header, frame ends in it",
	 .not_ours = true,
	 .family = 6,
	 .ext = {0},
	 .n_ext = 1,
	 .ext_units = 100,
	 .cut = 14 + 40 + 100},
	{.name = "ipv6 version 4", .not_ours = true, .family = 6, .ip_ver = 4},
	{.name = "udp ipv6", .not_ours = true, .family = 6, .proto = 17},
	/* TCP header */
	{.name = "tcp options 12", .tcp_opt = 12},
	{.name = "tcp doff 4", .not_ours = true, .doff = 4},
	{.name = "tcp doff 0",
	 .not_ours = true,
	 .doff = 0x10 /* written as 0 */},
	{.name = "tcp doff 15 beyond the frame",
	 .not_ours = true,
	 .doff = 15,
	 .pay_set = true},
	{.name = "tcp doff 15 beyond the frame by 1",
	 .not_ours = true,
	 .doff = 15,
	 .pay = 39},
	{.name = "ipv6 tcp doff 3", .not_ours = true, .family = 6, .doff = 3},
	/* flags */
	{.name = "SYN", .flags = OFXT_SYN, .pay_set = true, .tcp_opt = 20},
	{.name = "SYN|ACK out",
	 .flags = OFXT_SYN | OFXT_ACK,
	 .pay_set = true,
	 .sport = OFXT_PORT_A,
	 .dport = 40000},
	{.name = "bare ACK", .flags = OFXT_ACK, .pay_set = true},
	{.name = "FIN|ACK", .flags = OFXT_FIN | OFXT_ACK, .pay_set = true},
	{.name = "RST", .flags = OFXT_RST, .pay_set = true},
	{.name = "FIN with data", .flags = OFXT_FIN | OFXT_PSH | OFXT_ACK},
	{.name = "no flags, data", .flags_set = true},
	/* truncations */
	{.name = "cut in tcp header", .not_ours = true, .cut = 14 + 20 + 10},
	{.name = "cut at tcp header end",
	 .cut = 14 + 20 + 20,
	 .ip_short = true,
	 .want_pay = 0 + 1},
	{.name = "cut 3 bytes into the payload",
	 .cut = 14 + 20 + 20 + 3,
	 .ip_short = true,
	 .want_pay = 3 + 1},
	{.name = "cut in ip header", .not_ours = true, .cut = 14 + 12},
	{.name = "ipv6 cut in tcp header",
	 .not_ours = true,
	 .family = 6,
	 .cut = 14 + 40 + 19},
	{.name = "ipv4 options cut",
	 .not_ours = true,
	 .ip_opt = 20,
	 .cut = 14 + 30},
	/* not ours */
	{.name = "tcp port 80", .not_ours = true, .dport = 80},
	{.name = "tcp 6652 -> 6654",
	 .not_ours = true,
	 .sport = 6652,
	 .dport = 6654},
	{.name = "arp", .not_ours = true, .ethertype = 0x0806},
	{.name = "vlan arp",
	 .not_ours = true,
	 .tags = {0x8100},
	 .ethertype = 0x0806},
};

#define OFXT_NFRAMES (sizeof(ofxt_frames) / sizeof(ofxt_frames[0]))

static inline void ofxt_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void ofxt_put32(uint8_t *p, uint32_t v)
{
	ofxt_put16(p, v >> 16);
	ofxt_put16(p + 2, v & 0xffff);
}

/* Payload byte @k: a pattern no header shifted by < 256 bytes repeats. */
static inline uint8_t ofxt_pay_byte(size_t k)
{
	return (uint8_t)(k * 31 + 17);
}

/**
 * ofxt_build() - write the frame of template @f into @buf (@cap bytes,
 * >= OFXT_FRAME_MAX).
 * Return: its length, or 0 if it does not fit.
 */
static inline size_t ofxt_build(const struct ofxt_frame *f, uint8_t *buf,
				size_t cap)
{
	int family = f->family ? f->family : 4;
	uint8_t proto = f->proto ? f->proto : 6;
	size_t pay = f->pay || f->pay_set ? f->pay : 8;
	size_t tcp_hl = 20 + f->tcp_opt, ip_hl, ext_len = 0, off = 12, len;
	uint16_t et =
		f->ethertype ? f->ethertype : (family == 4 ? 0x0800 : 0x86dd);
	uint8_t *ip, *l4;
	int i;

	if (cap < OFXT_FRAME_MAX)
		return 0;
	memset(buf, 0, cap);
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (i = 0; i < 4 && f->tags[i]; i++) {
		ofxt_put16(buf + off, f->tags[i]);
		ofxt_put16(buf + off + 2, 100 + i); /* TCI: VLAN id */
		off += 4;
	}
	ofxt_put16(buf + off, et);
	off += 2;
	if (et == 0x0806) { /* ARP request */
		memcpy(buf + off, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
		return f->pad_to > off + 28 ? f->pad_to : off + 28;
	}
	ip = buf + off;
	if (family == 4) {
		ip_hl = 20 + f->ip_opt;
		ip[0] = (uint8_t)((f->ip_ver ? f->ip_ver : 4) << 4 |
				  (f->ihl ? f->ihl : ip_hl / 4));
		ip[8] = 64;
		ip[9] = proto;
		ofxt_put16(ip + 4, 0x1234);
		ofxt_put16(ip + 6, f->frag_off);
		memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		memset(ip + 20, 1, f->ip_opt); /* NOP options */
	} else {
		ip_hl = 40;
		ip[0] = (uint8_t)((f->ip_ver ? f->ip_ver : 6) << 4);
		ip[7] = 64;
		memcpy(ip + 8,
		       "\xfd\x00\x00\x00\x00\x00\x00\x00"
		       "\x00\x00\x00\x00\x00\x00\x00\x01",
		       16);
		memcpy(ip + 24,
		       "\xfd\x00\x00\x00\x00\x00\x00\x00"
		       "\x00\x00\x00\x00\x00\x00\x00\x02",
		       16);
		ip[6] = f->n_ext ? f->ext[0] : proto;
		for (i = 0; i < f->n_ext; i++) {
			uint8_t *h = ip + 40 + ext_len;
			size_t hl =
				f->ext[i] == 44 ? 8 : (f->ext_units + 1) * 8;

			if (off + 40 + ext_len + hl > cap)
				return 0;
			h[0] = i + 1 < f->n_ext ? f->ext[i + 1] : proto;
			if (f->ext[i] == 44)
				ofxt_put16(h + 2, f->v6_frag);
			else
				h[1] = f->ext_units;
			ext_len += hl;
		}
	}
	l4 = ip + ip_hl + ext_len;
	if ((size_t)(l4 - buf) + tcp_hl + pay > cap)
		return 0;
	ofxt_put16(l4, f->sport ? f->sport : 40000);
	ofxt_put16(l4 + 2, f->dport ? f->dport : OFXT_PORT_A);
	if (proto == 17) {
		ofxt_put16(l4 + 4, 8 + pay);
		tcp_hl = 8;
	} else {
		ofxt_put32(l4 + 4, f->seq ? f->seq : 1000);
		ofxt_put32(l4 + 8, f->ack ? f->ack : 2000);
		l4[12] =
			(uint8_t)((f->doff ? f->doff & 0x0f : tcp_hl / 4) << 4);
		l4[13] = f->flags || f->flags_set ? f->flags
						  : OFXT_PSH | OFXT_ACK;
		ofxt_put16(l4 + 14, 65535);
		memset(l4 + 20, 1, f->tcp_opt); /* NOP options */
	}
	len = (size_t)(l4 - buf) + tcp_hl;
	for (size_t k = 0; k < pay; k++)
		buf[len + k] = ofxt_pay_byte(k);
	len += pay;
	if (!f->ip_len_zero) {
		long v = (long)(len - (size_t)(ip - buf)) + f->ip_len_adj;

		if (family == 6)
			v -= 40;
		ofxt_put16(family == 4 ? ip + 2 : ip + 4, (uint16_t)v);
	}
	if (f->pad_to > len)
		len = f->pad_to;
	if (f->cut && f->cut < len)
		len = f->cut;
	return len;
}

#endif /* OFX_TEST_FRAMES_H */
