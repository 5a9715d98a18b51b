// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_frame.c - link-layer frame parsing down to the TCP payload
 * (ofx_frame_parse in user/capture/frame.c): Ethernet, 802.1Q, QinQ, Linux cooked
 * v1/v2, BSD loopback, raw IP; IPv4 (with options) and IPv6; truncated and
 * inconsistent headers; frames that are not TCP on an OpenFlow port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "ofx_test_util.h"
#include "capture/frame.h"

/* ------------------------------------------------------------------ */
/* frame builder */

enum l2 { L2_ETH, L2_SLL, L2_SLL2, L2_NULL, L2_RAW };

struct spec {
	enum l2 l2;
	int vlans; /* 802.1Q tags (Ethernet); with qinq the outer is 0x88a8 */
	int qinq;
	int ipv6;
	int ip_opt; /* IPv4 option bytes (multiple of 4) */
	int tcp_opt; /* TCP option bytes (multiple of 4) */
	uint8_t proto; /* 6 = TCP */
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;
	uint32_t payload;
	int tot_len_zero; /* IPv4 tot_len / IPv6 payload_len = 0 (GSO) */
	uint16_t frag; /* IPv4 frag_off field (host order) */
	uint32_t null_family; /* DLT_NULL family (host order), 0: AF_INET */
	uint8_t v6_ext; /* IPv6 extension header before TCP: 0 (hop-by-hop
			 * if v6_ext_set), 44 fragment, 60 destination opts */
	int v6_ext_set;
	uint16_t v6_frag; /* fragment header offset/flags field */
};

struct built {
	uint8_t buf[70000];
	size_t len; /* whole frame */
	size_t payload_off;
	size_t l3_off;
};

static const uint8_t v4src[4] = {10, 0, 0, 1};
static const uint8_t v4dst[4] = {10, 0, 0, 2};
static const uint8_t v6src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0,	0,    0,    0,	  0, 0, 0, 1};
static const uint8_t v6dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				  0,	0,    0,    0,	  0, 0, 0, 2};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void build(const struct spec *s, struct built *b)
{
	uint8_t *p = b->buf;
	size_t off = 0, ip_hl, tcp_hl, l4len;
	uint16_t ethertype = s->ipv6 ? 0x86dd : 0x0800;

	memset(b, 0, sizeof(*b));
	switch (s->l2) {
	case L2_ETH:
		memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01",
		       12);
		off = 12;
		for (int i = 0; i < s->vlans; i++) {
			put16(p + off, (s->qinq && i == 0) ? 0x88a8 : 0x8100);
			put16(p + off + 2, 100 + i); /* TCI: VLAN id */
			off += 4;
		}
		put16(p + off, ethertype);
		off += 2;
		break;
	case L2_SLL:
		put16(p, 0); /* packet type: to us */
		put16(p + 2, 1); /* ARPHRD_ETHER */
		put16(p + 4, 6);
		memcpy(p + 6, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
		put16(p + 14, ethertype);
		off = 16;
		break;
	case L2_SLL2:
		put16(p, ethertype);
		put16(p + 2, 0);
		put32(p + 4, 3); /* ifindex */
		put16(p + 8, 1); /* ARPHRD_ETHER */
		p[10] = 4; /* outgoing */
		p[11] = 6;
		memcpy(p + 12, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
		off = 20;
		break;
	case L2_NULL: {
		uint32_t fam = s->null_family ? s->null_family : 2;

		memcpy(p, &fam, 4); /* host byte order */
		off = 4;
		break;
	}
	case L2_RAW:
		off = 0;
		break;
	}

	b->l3_off = off;
	tcp_hl = 20 + s->tcp_opt;
	l4len = (s->proto == 17 ? 8 : tcp_hl) + s->payload;
	if (!s->ipv6) {
		ip_hl = 20 + s->ip_opt;
		p[off] = 0x40 | (ip_hl / 4);
		put16(p + off + 2, s->tot_len_zero ? 0 : ip_hl + l4len);
		put16(p + off + 4, 0x1234);
		put16(p + off + 6, s->frag);
		p[off + 8] = 64;
		p[off + 9] = s->proto;
		memcpy(p + off + 12, v4src, 4);
		memcpy(p + off + 16, v4dst, 4);
		for (int i = 0; i < s->ip_opt; i++)
			p[off + 20 + i] = 1; /* NOP options */
	} else {
		ip_hl = 40;
		p[off] = 0x60;
		p[off + 6] = s->proto;
		p[off + 7] = 64;
		memcpy(p + off + 8, v6src, 16);
		memcpy(p + off + 24, v6dst, 16);
		if (s->v6_ext_set) {
			p[off + 6] = s->v6_ext;
			p[off + 40] = s->proto; /* next header */
			p[off + 41] = 0; /* 8 bytes */
			if (s->v6_ext == 44)
				put16(p + off + 42, s->v6_frag);
			ip_hl += 8;
			l4len += 8;
		}
		put16(p + off + 4, s->tot_len_zero ? 0 : l4len);
	}
	off += ip_hl;

	put16(p + off, s->sport);
	put16(p + off + 2, s->dport);
	if (s->proto == 17) {
		put16(p + off + 4, 8 + s->payload);
		off += 8;
	} else {
		put32(p + off + 4, s->seq);
		put32(p + off + 8, 0xa0a0a0a0);
		p[off + 12] = (tcp_hl / 4) << 4;
		p[off + 13] = s->flags;
		put16(p + off + 14, 65535);
		for (int i = 0; i < s->tcp_opt; i++)
			p[off + 20 + i] = 1; /* NOP */
		off += tcp_hl;
	}
	b->payload_off = off;
	for (uint32_t i = 0; i < s->payload; i++)
		p[off + i] = (uint8_t)(0x30 + i);
	b->len = off + s->payload;
}

static int dlt_of(enum l2 l2)
{
	switch (l2) {
	case L2_ETH:
		return DLT_EN10MB;
	case L2_SLL:
		return DLT_LINUX_SLL;
	case L2_SLL2:
		return DLT_LINUX_SLL2;
	case L2_NULL:
		return DLT_NULL;
	case L2_RAW:
		return DLT_RAW;
	}
	return -1;
}

static struct ofx_portset ports; /* 6653,6633 */

static void assert_rc(const struct spec *s, struct built *b, size_t caplen,
		      size_t wirelen, enum ofx_frame_rc want);

static int setup(void **state)
{
	struct built *b = malloc(sizeof(*b));

	if (!b)
		return -1;
	if (ofx_portset_parse("6653,6633", &ports))
		return -1;
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static enum ofx_frame_rc parse(const struct spec *s, struct built *b,
			       size_t caplen, size_t wirelen,
			       struct ofx_segment *seg)
{
	bool ip_short = true;
	enum ofx_frame_rc rc;

	memset(seg, 0xa5, sizeof(*seg));
	rc = ofx_frame_parse(dlt_of(s->l2), b->buf, caplen, wirelen, &ports,
			     seg, &ip_short);
	/* every frame built here has a consistent IP length */
	assert_false(ip_short);
	return rc;
}

/* A TCP frame to/from the OF port: check every field of the segment. */
static void check_ok(const struct spec *s, struct built *b, size_t caplen,
		     size_t wirelen, uint32_t want_seg_len,
		     uint32_t want_cap_len, int want_dir)
{
	struct ofx_segment seg;
	enum ofx_frame_rc rc = parse(s, b, caplen, wirelen, &seg);

	if (rc != OFX_FRAME_OK)
		fail_msg("l2 %d vlans %d ipv6 %d: rc %d, want OK", s->l2,
			 s->vlans, s->ipv6, rc);
	assert_int_equal(seg.key.family, s->ipv6 ? 6 : 4);
	if (s->ipv6) {
		assert_memory_equal(seg.key.saddr, v6src, 16);
		assert_memory_equal(seg.key.daddr, v6dst, 16);
	} else {
		assert_memory_equal(&seg.key.saddr[0], v4src, 4);
		assert_memory_equal(&seg.key.daddr[0], v4dst, 4);
		for (int i = 1; i < 4; i++) {
			assert_int_equal(seg.key.saddr[i], 0);
			assert_int_equal(seg.key.daddr[i], 0);
		}
	}
	assert_int_equal(seg.key.sport, s->sport);
	assert_int_equal(seg.key.dport, s->dport);
	assert_int_equal(seg.seq, s->seq);
	assert_int_equal(seg.tcp_flags, s->flags);
	assert_int_equal(seg.seg_len, want_seg_len);
	assert_int_equal(seg.cap_len, want_cap_len);
	assert_ptr_equal(seg.data, b->buf + b->payload_off);
	assert_int_equal(seg.dir, want_dir);
	assert_true(seg.first);
	if (want_cap_len)
		assert_int_equal(seg.data[0], 0x30);
}

static struct spec tcp_in(void)
{
	struct spec s = {
		.l2 = L2_ETH,
		.proto = 6,
		.sport = 40000,
		.dport = 6653,
		.seq = 0x01020304,
		.flags = OFX_TCP_PSH | OFX_TCP_ACK,
		.payload = 24,
	};
	return s;
}

static void test_eth_ipv4_in_out(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	build(&s, b);
	assert_int_equal(b->len, 14 + 20 + 20 + 24);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.sport = 6653;
	s.dport = 40000;
	s.seq = 0xfffffff0;
	s.flags = OFX_TCP_ACK | OFX_TCP_FIN;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_OUT);

	/* second port of the set */
	s.sport = 50000;
	s.dport = 6633;
	s.flags = OFX_TCP_SYN;
	s.payload = 0;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 0, 0, OFX_DIR_IN);
}

static void test_vlan(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.vlans = 1;
	build(&s, b);
	assert_int_equal(b->payload_off, 18 + 40);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.vlans = 2;
	s.qinq = 1; /* 802.1ad outer tag */
	build(&s, b);
	assert_int_equal(b->payload_off, 22 + 40);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.qinq = 0; /* two 0x8100 tags */
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.ipv6 = 1;
	s.vlans = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
}

static void test_ipv6(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.ipv6 = 1;
	s.payload = 1000;
	build(&s, b);
	assert_int_equal(b->payload_off, 14 + 40 + 20);
	check_ok(&s, b, b->len, b->len, 1000, 1000, OFX_DIR_IN);

	s.sport = 6653;
	s.dport = 33333;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 1000, 1000, OFX_DIR_OUT);
}

/* IPv6 extension headers before TCP. */
static void test_ipv6_ext(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.ipv6 = 1;
	s.v6_ext_set = 1;
	s.v6_ext = 0; /* hop-by-hop */
	build(&s, b);
	assert_int_equal(b->payload_off, 14 + 48 + 20);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.v6_ext = 60; /* destination options */
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.v6_ext = 44; /* first fragment (offset 0, M set): TCP follows */
	s.v6_frag = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.v6_frag = 185 << 3; /* non-first fragment */
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);
	/* extension header cut off */
	s.v6_ext = 0;
	build(&s, b);
	assert_rc(&s, b, 14 + 40 + 4, b->len, OFX_FRAME_MALFORMED);
}

static void test_linux_sll(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.l2 = L2_SLL;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.ipv6 = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.l2 = L2_SLL2;
	s.ipv6 = 0;
	build(&s, b);
	assert_int_equal(b->payload_off, 20 + 40);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.ipv6 = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
}

static void test_bsd_loopback(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.l2 = L2_NULL;
	build(&s, b);
	assert_int_equal(b->payload_off, 4 + 40);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	/* IPv6: AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS) */
	static const uint32_t fam6[] = {24, 28, 30};

	/* written by a host of the other byte order */
	s.null_family = 0x02000000;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.ipv6 = 1;
	for (int i = 0; i < 3; i++) {
		s.null_family = fam6[i];
		build(&s, b);
		check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	}
}

static void test_raw_ip(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.l2 = L2_RAW;
	build(&s, b);
	assert_int_equal(b->payload_off, 40);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
	s.ipv6 = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
}

static void test_ip_tcp_options(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.ip_opt = 12;
	build(&s, b);
	assert_int_equal(b->payload_off, 14 + 32 + 20);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.ip_opt = 40; /* IHL 15 */
	s.tcp_opt = 40; /* doff 15 */
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);

	s.ip_opt = 0;
	s.tcp_opt = 12; /* timestamps */
	s.ipv6 = 1;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 24, 24, OFX_DIR_IN);
}

/* tot_len 0 (GSO): the payload length comes from the frame's length. */
static void test_gso_tot_len_zero(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.tot_len_zero = 1;
	s.payload = 60000;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 60000, 60000, OFX_DIR_IN);
	/* snapped to 200 bytes: seg_len from the wire length */
	check_ok(&s, b, 200, b->len, 60000, 200 - 54, OFX_DIR_IN);

	s.l2 = L2_RAW;
	build(&s, b);
	check_ok(&s, b, b->len, b->len, 60000, 60000, OFX_DIR_IN);
}

/* Snap length shorter than the frame: seg_len from the IP header. */
static void test_snaplen(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.payload = 1400;
	build(&s, b);
	check_ok(&s, b, 96, b->len, 1400, 96 - 54, OFX_DIR_IN);
	check_ok(&s, b, 54, b->len, 1400, 0, OFX_DIR_IN);
	s.ipv6 = 1;
	build(&s, b);
	check_ok(&s, b, 100, b->len, 1400, 100 - 74, OFX_DIR_IN);
}

/* Ethernet pads short frames to 60 bytes: padding is not payload. */
static void test_eth_padding(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.payload = 0;
	s.flags = OFX_TCP_ACK;
	build(&s, b);
	check_ok(&s, b, 60, 60, 0, 0, OFX_DIR_IN);
	s.payload = 2;
	build(&s, b);
	check_ok(&s, b, 60, 60, 2, 2, OFX_DIR_IN);
}

static void assert_rc(const struct spec *s, struct built *b, size_t caplen,
		      size_t wirelen, enum ofx_frame_rc want)
{
	struct ofx_segment seg;
	enum ofx_frame_rc rc = parse(s, b, caplen, wirelen, &seg);

	if (rc != want)
		fail_msg("l2 %d vlans %d ipv6 %d proto %u ports %u->%u "
			 "caplen %zu: rc %d, want %d",
			 s->l2, s->vlans, s->ipv6, s->proto, s->sport, s->dport,
			 caplen, rc, want);
}

/* Every cut before the end of the TCP header is malformed. */
static void test_truncated(void **state)
{
	struct built *b = *state;
	static const struct {
		enum l2 l2;
		int vlans, ipv6, ip_opt, tcp_opt;
	} v[] = {
		{L2_ETH, 0, 0, 0, 0},  {L2_ETH, 1, 0, 0, 0},
		{L2_ETH, 2, 0, 0, 0},  {L2_ETH, 0, 1, 0, 0},
		{L2_ETH, 0, 0, 8, 12}, {L2_SLL, 0, 0, 0, 0},
		{L2_SLL2, 0, 1, 0, 0}, {L2_NULL, 0, 0, 0, 0},
		{L2_RAW, 0, 0, 0, 0},  {L2_RAW, 0, 1, 0, 4},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct spec s = tcp_in();

		s.l2 = v[i].l2;
		s.vlans = v[i].vlans;
		s.ipv6 = v[i].ipv6;
		s.ip_opt = v[i].ip_opt;
		s.tcp_opt = v[i].tcp_opt;
		build(&s, b);
		for (size_t cut = 0; cut < b->payload_off; cut++)
			assert_rc(&s, b, cut, b->len, OFX_FRAME_MALFORMED);
		check_ok(&s, b, b->payload_off, b->len, 24, 0, OFX_DIR_IN);
	}
}

static void test_inconsistent(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();
	size_t ip, tcp;

	build(&s, b);
	ip = b->l3_off;
	tcp = ip + 20;

	b->buf[ip] = 0x44; /* IHL 4 < 5 */
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_MALFORMED);
	build(&s, b);
	b->buf[tcp + 12] = 4 << 4; /* doff 4 < 5 */
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_MALFORMED);
	build(&s, b);
	put16(b->buf + ip + 2, 30); /* tot_len shorter than IP + TCP headers */
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_MALFORMED);
	build(&s, b);
	b->buf[tcp + 12] = 15 << 4; /* TCP header (60) beyond the frame */
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_MALFORMED);
}

static void test_other(void **state)
{
	struct built *b = *state;
	struct spec s = tcp_in();

	s.proto = 17; /* UDP to 6653 */
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);
	s.ipv6 = 1;
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);

	s = tcp_in(); /* TCP, no OpenFlow port */
	s.dport = 80;
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);
	s.dport = 6654;
	s.sport = 6652;
	s.l2 = L2_RAW;
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);

	s = tcp_in(); /* non-first IPv4 fragment: no TCP header in it */
	s.frag = 185; /* offset 1480 bytes */
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);
	s.frag = 0x2000 | 185; /* MF too */
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);

	s = tcp_in(); /* ARP */
	build(&s, b);
	put16(b->buf + 12, 0x0806);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);

	s = tcp_in(); /* ICMP */
	s.proto = 1;
	build(&s, b);
	assert_rc(&s, b, b->len, b->len, OFX_FRAME_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_ipv4_in_out),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_linux_sll),
		cmocka_unit_test(test_bsd_loopback),
		cmocka_unit_test(test_raw_ip),
		cmocka_unit_test(test_ip_tcp_options),
		cmocka_unit_test(test_gso_tot_len_zero),
		cmocka_unit_test(test_snaplen),
		cmocka_unit_test(test_eth_padding),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_inconsistent),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests_name("frame", tests, setup, teardown);
}
