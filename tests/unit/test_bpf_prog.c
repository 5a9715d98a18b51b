// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_bpf_prog.c - run the ofxdp BPF programs (ofx_tc_ingress, ofx_xdp)
 * on synthetic frames with BPF_PROG_TEST_RUN and check the ring buffer
 * records and per-CPU counters they produce.
 *
 * Needs root (loading BPF); every test is skipped otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ofxdp.h"
#include "ofxdp.skel.h"

#define TC_ACT_UNSPEC_U32 0xffffffffu
#define XDP_PASS_U32 2u

#define MAX_RECS 32

/* ofx_parse_mode for this pass of main(): 2 = in-place parser only,
 * 1 = helper-based parser only. */
static int parse_mode;
#define MAX_PAY 20000

struct rec {
	struct ofx_rec_hdr h;
	size_t size; /* record size as delivered */
	uint8_t pay[MAX_PAY];
};

struct fix {
	struct ofxdp_bpf *skel;
	struct ring_buffer *rb;
	struct rec *recs;
	int nrecs;
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct fix *f = ctx;
	struct rec *r;

	if (f->nrecs >= MAX_RECS)
		return 0;
	r = &f->recs[f->nrecs++];
	memset(&r->h, 0, sizeof(r->h));
	r->size = size;
	if (size >= sizeof(r->h))
		memcpy(&r->h, data, sizeof(r->h));
	if (size > sizeof(r->h)) {
		size_t n = size - sizeof(r->h);

		memcpy(r->pay, (uint8_t *)data + sizeof(r->h),
		       n < MAX_PAY ? n : MAX_PAY);
	}
	return 0;
}

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	if (l == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/*
 * Load the skeleton; @xdp_frags: load ofx_xdp with BPF_F_XDP_HAS_FRAGS;
 * @wakeup_bytes: the programs' consumer wake-up threshold (0: every record).
 */
static int load(void **state, bool xdp_frags, uint64_t wakeup_bytes)
{
	struct fix *f;
	__u16 port = OFX_DEFAULT_PORT;
	__u8 one = 1;

	*state = NULL;
	if (geteuid() != 0)
		return 0; /* every test then calls skip() */
	libbpf_set_print(quiet);
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->recs = calloc(MAX_RECS, sizeof(*f->recs));
	assert_non_null(f->recs);
	f->skel = ofxdp_bpf__open();
	assert_non_null(f->skel);
	/* Small ring: tests produce a few records. */
	assert_int_equal(
		bpf_map__set_max_entries(f->skel->maps.ofx_rb, 1 << 20), 0);
	if (xdp_frags)
		assert_int_equal(bpf_program__set_flags(f->skel->progs.ofx_xdp,
							BPF_F_XDP_HAS_FRAGS),
				 0);
	f->skel->rodata->ofx_wakeup_bytes = wakeup_bytes;
	f->skel->rodata->ofx_parse_mode = parse_mode;
	assert_int_equal(ofxdp_bpf__load(f->skel), 0);
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(f->skel->maps.ofx_ports), &port,
				    &one, BPF_ANY),
		0);
	f->rb = ring_buffer__new(bpf_map__fd(f->skel->maps.ofx_rb), on_rec, f,
				 NULL);
	assert_non_null(f->rb);
	*state = f;
	return 0;
}

/* The loaded fixture, or skip the test when not running as root. */
static struct fix *fixture(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static int setup(void **state)
{
	return load(state, false, 0);
}

static int setup_wake(void **state)
{
	return load(state, false, 1024);
}

static int setup_frags(void **state)
{
	return load(state, true, 0);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (!f)
		return 0;
	ring_buffer__free(f->rb);
	ofxdp_bpf__destroy(f->skel);
	free(f->recs);
	free(f);
	return 0;
}

/* ---- frame builder ---- */

struct pkt_spec {
	int family; /* 4 or 6 */
	int ntags; /* VLAN tags: 0, 1 (802.1Q), 2 (802.1ad + 802.1Q) */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *pay;
	size_t pay_len;
	size_t pad_to; /* pad the frame with zeros to this length */
	uint16_t frag_off; /* IPv4 frag_off field, host order */
	uint8_t tcp_opt_len; /* TCP option bytes (multiple of 4) */
};

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

static const uint8_t v4_src[4] = {10, 0, 0, 1};
static const uint8_t v4_dst[4] = {10, 0, 0, 2};
static const uint8_t v6_src[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0,
				   0,	 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_dst[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0,
				   0,	 0, 0, 0, 0, 0, 0, 2};

/* Build the frame into @buf (@cap bytes); return its length. */
static size_t build(const struct pkt_spec *s, uint8_t *buf, size_t cap)
{
	size_t off = 12, tcp_len = 20 + s->tcp_opt_len, ip_len, len;
	uint8_t *ip, *tcp;

	memset(buf, 0, cap);
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (s->ntags == 2) {
		put16(buf + off, 0x88a8);
		put16(buf + off + 2, 100);
		off += 4;
	}
	if (s->ntags >= 1) {
		put16(buf + off, 0x8100);
		put16(buf + off + 2, 200);
		off += 4;
	}
	put16(buf + off, s->family == 4 ? 0x0800 : 0x86dd);
	off += 2;
	ip = buf + off;
	if (s->family == 4) {
		ip_len = 20;
		ip[0] = 0x45;
		put16(ip + 2, ip_len + tcp_len + s->pay_len);
		put16(ip + 6, s->frag_off);
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, v4_src, 4);
		memcpy(ip + 16, v4_dst, 4);
	} else {
		ip_len = 40;
		ip[0] = 0x60;
		put16(ip + 4, tcp_len + s->pay_len);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, v6_src, 16);
		memcpy(ip + 24, v6_dst, 16);
	}
	tcp = ip + ip_len;
	put16(tcp, s->sport);
	put16(tcp + 2, s->dport);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, s->ack);
	tcp[12] = (tcp_len / 4) << 4;
	tcp[13] = s->flags;
	put16(tcp + 14, 65535);
	len = off + ip_len + tcp_len;
	assert_true(len + s->pay_len <= cap);
	if (s->pay_len)
		memcpy(buf + len, s->pay, s->pay_len);
	len += s->pay_len;
	if (s->pad_to > len) {
		assert_true(s->pad_to <= cap);
		len = s->pad_to;
	}
	return len;
}

/* Run @prog on @len bytes of @buf; return the program's return value. */
static uint32_t run(struct fix *f, struct bpf_program *prog, const uint8_t *buf,
		    size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		print_error("test run of %s on %zu bytes: %d\n",
			    bpf_program__name(prog), len, err);
	assert_int_equal(err, 0);
	ring_buffer__consume(f->rb);
	return opts.retval;
}

static void kstats_sum(struct fix *f, struct ofx_kstats *sum)
{
	int n = libbpf_num_possible_cpus(), i, d;
	struct ofx_kstats *pc;
	__u32 zero = 0;

	assert_true(n > 0);
	pc = calloc(n, sizeof(*pc));
	assert_non_null(pc);
	assert_int_equal(
		bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.ofx_kstats),
				    &zero, pc),
		0);
	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < n; i++) {
		for (d = 0; d < OFX_NDIRS; d++) {
			sum->segs[d] += pc[i].segs[d];
			sum->bytes[d] += pc[i].bytes[d];
		}
		sum->records += pc[i].records;
		sum->reserve_fail += pc[i].reserve_fail;
		sum->reserve_fail_bytes += pc[i].reserve_fail_bytes;
		sum->trunc_bytes += pc[i].trunc_bytes;
		sum->wakeups += pc[i].wakeups;
		if (pc[i].ring_hwm > sum->ring_hwm)
			sum->ring_hwm = pc[i].ring_hwm;
	}
	free(pc);
}

static const uint8_t hello[8] = {0x04, 0x00, 0x00, 0x08,
				 0x00, 0x00, 0x00, 0x01};

static struct pkt_spec hello_spec(int family, int ntags)
{
	struct pkt_spec s = {
		.family = family,
		.ntags = ntags,
		.sport = 40000,
		.dport = OFX_DEFAULT_PORT,
		.seq = 1000,
		.ack = 2000,
		.flags = OFX_TCP_PSH | OFX_TCP_ACK,
		.pay = hello,
		.pay_len = sizeof(hello),
	};
	return s;
}

/* Check one hello record against @s as seen by @hook. */
static void check_hello(const struct rec *r, const struct pkt_spec *s,
			uint8_t hook)
{
	assert_int_equal(r->size, sizeof(r->h) + OFX_CLASS_S);
	assert_int_equal(r->h.family, s->family);
	if (s->family == 4) {
		assert_memory_equal(&r->h.saddr[0], v4_src, 4);
		assert_memory_equal(&r->h.daddr[0], v4_dst, 4);
		assert_int_equal(r->h.saddr[1] | r->h.saddr[2] | r->h.saddr[3],
				 0);
		assert_int_equal(r->h.daddr[1] | r->h.daddr[2] | r->h.daddr[3],
				 0);
	} else {
		assert_memory_equal(r->h.saddr, v6_src, 16);
		assert_memory_equal(r->h.daddr, v6_dst, 16);
	}
	assert_int_equal(r->h.sport, s->sport);
	assert_int_equal(r->h.dport, s->dport);
	assert_int_equal(r->h.seq, s->seq);
	assert_int_equal(r->h.ack, s->ack);
	assert_int_equal(r->h.seg_len, s->pay_len);
	assert_int_equal(r->h.cap_len, s->pay_len);
	assert_int_equal(r->h.dir, OFX_DIR_IN);
	assert_int_equal(r->h.tcp_flags, s->flags);
	assert_int_equal(r->h.hook, hook);
	assert_int_equal(r->h.chunk, 0);
	assert_int_equal(r->h.nchunks, 1);
	assert_memory_equal(r->pay, s->pay, s->pay_len);
}

static void hello_case(void **state, int family, int ntags, bool xdp)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(family, ntags);
	struct ofx_kstats ks;
	uint8_t buf[256];
	size_t len = build(&s, buf, sizeof(buf));
	uint32_t ret;

	if (xdp) {
		ret = run(f, f->skel->progs.ofx_xdp, buf, len);
		assert_int_equal(ret, XDP_PASS_U32);
	} else {
		ret = run(f, f->skel->progs.ofx_tc_ingress, buf, len);
		assert_int_equal(ret, TC_ACT_UNSPEC_U32);
	}
	assert_int_equal(f->nrecs, 1);
	check_hello(&f->recs[0], &s, xdp ? OFX_HOOK_XDP : OFX_HOOK_TC_INGRESS);
	assert_int_equal(f->recs[0].h.rec_seq, 0);
	kstats_sum(f, &ks);
	assert_int_equal(ks.segs[OFX_DIR_IN], 1);
	assert_int_equal(ks.segs[OFX_DIR_OUT], 0);
	assert_int_equal(ks.bytes[OFX_DIR_IN], sizeof(hello));
	assert_int_equal(ks.records, 1);
	assert_int_equal(ks.reserve_fail, 0);
	assert_int_equal(ks.trunc_bytes, 0);
}

static void test_tc_ipv4_hello(void **state)
{
	hello_case(state, 4, 0, false);
}

static void test_xdp_ipv4_hello(void **state)
{
	hello_case(state, 4, 0, true);
}

static void test_tc_vlan(void **state)
{
	hello_case(state, 4, 1, false);
}

static void test_xdp_qinq(void **state)
{
	hello_case(state, 4, 2, true);
}

static void test_tc_qinq(void **state)
{
	hello_case(state, 4, 2, false);
}

static void test_tc_ipv6(void **state)
{
	hello_case(state, 6, 0, false);
}

static void test_xdp_ipv6_vlan(void **state)
{
	hello_case(state, 6, 1, true);
}

/* Source port on the OF port: controller -> switch. */
static void test_tc_dir_out(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	struct ofx_kstats ks;
	uint8_t buf[256];
	size_t len;

	s.sport = OFX_DEFAULT_PORT;
	s.dport = 40000;
	len = build(&s, buf, sizeof(buf));
	assert_int_equal(run(f, f->skel->progs.ofx_tc_egress, buf, len),
			 TC_ACT_UNSPEC_U32);
	assert_int_equal(f->nrecs, 1);
	assert_int_equal(f->recs[0].h.dir, OFX_DIR_OUT);
	assert_int_equal(f->recs[0].h.hook, OFX_HOOK_TC_EGRESS);
	assert_int_equal(f->recs[0].h.sport, OFX_DEFAULT_PORT);
	kstats_sum(f, &ks);
	assert_int_equal(ks.segs[OFX_DIR_OUT], 1);
	assert_int_equal(ks.segs[OFX_DIR_IN], 0);
}

/* Neither port is an OF port: nothing recorded or counted. */
static void test_other_port(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	struct ofx_kstats ks;
	uint8_t buf[256];
	size_t len;

	s.dport = 80;
	len = build(&s, buf, sizeof(buf));
	assert_int_equal(run(f, f->skel->progs.ofx_tc_ingress, buf, len),
			 TC_ACT_UNSPEC_U32);
	assert_int_equal(run(f, f->skel->progs.ofx_xdp, buf, len),
			 XDP_PASS_U32);
	assert_int_equal(f->nrecs, 0);
	kstats_sum(f, &ks);
	assert_int_equal(ks.segs[OFX_DIR_IN] + ks.segs[OFX_DIR_OUT], 0);
}

/* Frames cut inside the TCP header, or shorter than Ethernet. */
static void test_truncated(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	struct ofx_kstats ks;
	uint8_t buf[256];
	size_t cut;

	build(&s, buf, sizeof(buf));
	/* Ethernet 14 + IPv4 20 + 10 of 20 TCP header bytes. */
	cut = 14 + 20 + 10;
	assert_int_equal(run(f, f->skel->progs.ofx_tc_ingress, buf, cut),
			 TC_ACT_UNSPEC_U32);
	assert_int_equal(run(f, f->skel->progs.ofx_xdp, buf, cut),
			 XDP_PASS_U32);
	/* Ethernet header and one IP byte (TC test runs refuse IPv4 < 34). */
	assert_int_equal(run(f, f->skel->progs.ofx_xdp, buf, 15), XDP_PASS_U32);
	/* VLAN tag announced, frame ends inside it. */
	s.ntags = 1;
	build(&s, buf, sizeof(buf));
	assert_int_equal(run(f, f->skel->progs.ofx_tc_ingress, buf, 16),
			 TC_ACT_UNSPEC_U32);
	assert_int_equal(run(f, f->skel->progs.ofx_xdp, buf, 16), XDP_PASS_U32);
	/* IPv6 frame ending inside the TCP header. */
	s.ntags = 0;
	s.family = 6;
	build(&s, buf, sizeof(buf));
	assert_int_equal(
		run(f, f->skel->progs.ofx_tc_ingress, buf, 14 + 40 + 10),
		TC_ACT_UNSPEC_U32);
	assert_int_equal(f->nrecs, 0);
	kstats_sum(f, &ks);
	assert_int_equal(ks.segs[OFX_DIR_IN], 0);
}

/* IP says more payload than the frame holds: capture what is there. */
static void test_short_payload(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	uint8_t buf[256];
	size_t len = build(&s, buf, sizeof(buf));

	run(f, f->skel->progs.ofx_tc_ingress, buf, len - 3);
	assert_int_equal(f->nrecs, 1);
	assert_int_equal(f->recs[0].h.cap_len, 5);
	assert_int_equal(f->recs[0].h.seg_len, 5);
	assert_memory_equal(f->recs[0].pay, hello, 5);
}

/* Ethernet padding beyond the IP length is not payload. */
static void test_padding_trimmed(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	uint8_t two[2] = {0xab, 0xcd};
	uint8_t buf[256];
	size_t len;

	s.pay = two;
	s.pay_len = 2;
	s.pad_to = 60;
	len = build(&s, buf, sizeof(buf));
	assert_int_equal(len, 60);
	run(f, f->skel->progs.ofx_xdp, buf, len);
	run(f, f->skel->progs.ofx_tc_ingress, buf, len);
	assert_int_equal(f->nrecs, 2);
	assert_int_equal(f->recs[0].h.cap_len, 2);
	assert_int_equal(f->recs[1].h.cap_len, 2);
	/* Record numbers are per CPU; the test may have moved between runs. */
	assert_int_equal(f->recs[1].h.rec_seq,
			 f->recs[1].h.cpu == f->recs[0].h.cpu ? 1 : 0);
}

/* SYN and FIN without payload give records; a bare ACK only counts. */
static void test_flags_no_payload(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	struct ofx_kstats ks;
	uint8_t buf[256];
	size_t len;

	s.pay_len = 0;
	s.tcp_opt_len = 12; /* options: doff = 8 */
	s.flags = OFX_TCP_SYN;
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_tc_ingress, buf, len);
	s.flags = OFX_TCP_ACK;
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_tc_ingress, buf, len);
	s.flags = OFX_TCP_FIN | OFX_TCP_ACK;
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_xdp, buf, len);
	assert_int_equal(f->nrecs, 2);
	assert_int_equal(f->recs[0].h.tcp_flags, OFX_TCP_SYN);
	assert_int_equal(f->recs[0].h.cap_len, 0);
	assert_int_equal(f->recs[0].size, sizeof(struct ofx_rec_hdr));
	assert_int_equal(f->recs[1].h.tcp_flags, OFX_TCP_FIN | OFX_TCP_ACK);
	kstats_sum(f, &ks);
	assert_int_equal(ks.segs[OFX_DIR_IN], 3);
	assert_int_equal(ks.records, 2);
}

/* A non-first IPv4 fragment is not parsed as TCP. */
static void test_fragment_skipped(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	uint8_t buf[256];
	size_t len;

	s.frag_off = 185; /* offset 1480 bytes */
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_tc_ingress, buf, len);
	assert_int_equal(f->nrecs, 0);
	s.frag_off = 0x2000; /* MF, offset 0: first fragment has TCP */
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_tc_ingress, buf, len);
	assert_int_equal(f->nrecs, 1);
}

static void fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* ~3000 bytes: one record in the large size class. */
static void test_tc_3000(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 1);
	static uint8_t pay[3000], buf[3200];
	struct ofx_kstats ks;
	size_t len;

	fill_pattern(pay, sizeof(pay));
	s.pay = pay;
	s.pay_len = sizeof(pay);
	len = build(&s, buf, sizeof(buf));
	assert_int_equal(run(f, f->skel->progs.ofx_tc_ingress, buf, len),
			 TC_ACT_UNSPEC_U32);
	assert_int_equal(f->nrecs, 1);
	assert_int_equal(f->recs[0].size,
			 sizeof(struct ofx_rec_hdr) + OFX_CLASS_L);
	assert_int_equal(f->recs[0].h.cap_len, sizeof(pay));
	assert_int_equal(f->recs[0].h.seg_len, sizeof(pay));
	assert_int_equal(f->recs[0].h.nchunks, 1);
	assert_memory_equal(f->recs[0].pay, pay, sizeof(pay));
	kstats_sum(f, &ks);
	assert_int_equal(ks.bytes[OFX_DIR_IN], sizeof(pay));
}

/* 1000 bytes: the middle size class. */
static void test_xdp_1000(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(6, 0);
	static uint8_t pay[1000], buf[1200];
	size_t len;

	fill_pattern(pay, sizeof(pay));
	s.pay = pay;
	s.pay_len = sizeof(pay);
	len = build(&s, buf, sizeof(buf));
	run(f, f->skel->progs.ofx_xdp, buf, len);
	assert_int_equal(f->nrecs, 1);
	assert_int_equal(f->recs[0].size,
			 sizeof(struct ofx_rec_hdr) + OFX_CLASS_M);
	assert_int_equal(f->recs[0].h.cap_len, sizeof(pay));
	assert_memory_equal(f->recs[0].pay, pay, sizeof(pay));
}

/*
 * 20000 bytes through an xdp.frags program (test runs accept ~60 KB
 * multi-buffer frames): two chunks, 16384 + 3616 bytes, seq advancing.
 */
static void test_xdp_frags_chunks(void **state)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	static uint8_t pay[20000], buf[20200];
	struct ofx_kstats ks;
	size_t len;

	fill_pattern(pay, sizeof(pay));
	s.pay = pay;
	s.pay_len = sizeof(pay);
	s.seq = 0xffffff00; /* chunk 1's seq wraps */
	len = build(&s, buf, sizeof(buf));
	assert_int_equal(run(f, f->skel->progs.ofx_xdp, buf, len),
			 XDP_PASS_U32);
	assert_int_equal(f->nrecs, 2);
	assert_int_equal(f->recs[0].h.chunk, 0);
	assert_int_equal(f->recs[1].h.chunk, 1);
	assert_int_equal(f->recs[0].h.nchunks, 2);
	assert_int_equal(f->recs[1].h.nchunks, 2);
	assert_int_equal(f->recs[0].h.cap_len, OFX_CHUNK_MAX);
	assert_int_equal(f->recs[1].h.cap_len, sizeof(pay) - OFX_CHUNK_MAX);
	assert_int_equal(f->recs[0].h.seg_len, sizeof(pay));
	assert_int_equal(f->recs[1].h.seg_len, sizeof(pay));
	assert_int_equal(f->recs[0].h.seq, 0xffffff00u);
	assert_int_equal(f->recs[1].h.seq,
			 (uint32_t)(0xffffff00u + OFX_CHUNK_MAX));
	assert_int_equal(f->recs[1].h.cpu, f->recs[0].h.cpu);
	assert_int_equal(f->recs[1].h.rec_seq, f->recs[0].h.rec_seq + 1);
	assert_memory_equal(f->recs[0].pay, pay, OFX_CHUNK_MAX);
	assert_memory_equal(f->recs[1].pay, pay + OFX_CHUNK_MAX,
			    sizeof(pay) - OFX_CHUNK_MAX);
	kstats_sum(f, &ks);
	assert_int_equal(ks.records, 2);
	assert_int_equal(ks.bytes[OFX_DIR_IN], sizeof(pay));
	assert_int_equal(ks.trunc_bytes, 0);
}

/*
 * Without a threshold every record wakes the consumer; with one, records
 * wait silently (a drain on the timer gets them) until the threshold.
 */
static void test_wakeup_threshold(void **state, bool batched)
{
	struct fix *f = fixture(state);
	struct pkt_spec s = hello_spec(4, 0);
	static uint8_t big[3000];
	struct ofx_kstats ks;
	uint8_t buf[4096];
	size_t len = build(&s, buf, sizeof(buf));
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = len,
		    .repeat = 1);

	assert_int_equal(
		bpf_prog_test_run_opts(
			bpf_program__fd(f->skel->progs.ofx_tc_ingress), &o),
		0);
	/* One small record (< 1024 bytes in the ring). */
	assert_int_equal(ring_buffer__poll(f->rb, 0), batched ? 0 : 1);
	assert_int_equal(f->nrecs, batched ? 0 : 1);
	assert_int_equal(ring_buffer__consume(f->rb), batched ? 1 : 0);
	assert_int_equal(f->nrecs, 1);

	/* A 4 KiB-class record crosses the threshold: a forced wake-up. */
	s.pay = big;
	s.pay_len = sizeof(big);
	len = build(&s, buf, sizeof(buf));
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.data_in = buf;
	o.data_size_in = len;
	o.repeat = 1;
	assert_int_equal(
		bpf_prog_test_run_opts(
			bpf_program__fd(f->skel->progs.ofx_tc_ingress), &o),
		0);
	assert_int_equal(ring_buffer__poll(f->rb, 0), 1);
	assert_int_equal(f->nrecs, 2);
	assert_int_equal(f->recs[1].h.cap_len, sizeof(big));
	kstats_sum(f, &ks);
	/* Only the batched policy forces (and counts) wake-ups; the ring
	 * held about 4.5 KiB at most. */
	assert_int_equal(ks.wakeups, batched ? 1 : 0);
	assert_true(ks.ring_hwm >= (batched ? 4096u : 0u));
	assert_true(ks.ring_hwm < 8192);
}

static void test_wakeup_every_record(void **state)
{
	test_wakeup_threshold(state, false);
}

static void test_wakeup_batched(void **state)
{
	test_wakeup_threshold(state, true);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TF(fn) cmocka_unit_test_setup_teardown(fn, setup_frags, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tc_ipv4_hello),
		T(test_xdp_ipv4_hello),
		T(test_tc_vlan),
		T(test_tc_qinq),
		T(test_xdp_qinq),
		T(test_tc_ipv6),
		T(test_xdp_ipv6_vlan),
		T(test_tc_dir_out),
		T(test_other_port),
		T(test_truncated),
		T(test_short_payload),
		T(test_padding_trimmed),
		T(test_flags_no_payload),
		T(test_fragment_skipped),
		T(test_tc_3000),
		T(test_xdp_1000),
		TF(test_xdp_frags_chunks),
		T(test_wakeup_every_record),
		cmocka_unit_test_setup_teardown(test_wakeup_batched, setup_wake,
						teardown),
	};

	int failed;

	/* Headers are linear in every test frame: the in-place parser must
	 * handle them all without its fallback; the second pass runs every
	 * case through the helper-based parser instead. */
	parse_mode = 2;
	failed = cmocka_run_group_tests_name("direct parse", tests, NULL, NULL);
	parse_mode = 1;
	failed +=
		cmocka_run_group_tests_name("helper parse", tests, NULL, NULL);
	return failed;
}
