// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_verify.c - what is counted as OpenFlow, through the real stream and
 * OpenFlow stages (reasm.c, of_conn.c, of_framer.c): TLS on an OpenFlow
 * port, random bytes after a SYN, a HELLO-first stream, mid-stream joins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "ofx_test_util.h"
#include "stream/reasm.h"

#define IN OFX_DIR_IN
#define OUT OFX_DIR_OUT
#define SYN OFX_TCP_SYN
#define ACK OFX_TCP_ACK
#define MSS 1448

struct ctx {
	struct ofx_stats *st;
	struct ofxt_stack *k;
	struct ofx_flow_key kin; /* switch 10.0.0.1:40000 -> 10.0.0.2:6653 */
	struct ofx_flow_key kout; /* the reverse */
	uint32_t seq[2]; /* next seq of each direction */
	uint64_t ts;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	c->st = ofxt_stats_new();
	c->k = ofxt_stack_new(NULL, c->st);
	c->kin = ofxt_key(1, 40000, 2, 6653);
	c->kout = ofxt_key_rev(&c->kin);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ofxt_stack_free(c->k);
	free(c->st);
	free(c);
	return 0;
}

static void seg(struct ctx *c, int dir, uint8_t flags, const uint8_t *p,
		uint32_t len)
{
	struct ofx_segment s = ofxt_seg(dir == IN ? &c->kin : &c->kout, dir,
					++c->ts, c->seq[dir], flags, p, len);

	ofx_reasm_feed(c->k->r, &s);
	c->seq[dir] += len + ((flags & SYN) ? 1 : 0);
}

/* The handshake: SYN from the switch side (IN), SYN-ACK back. */
static void handshake(struct ctx *c)
{
	c->seq[IN] = 1000;
	c->seq[OUT] = 9000;
	seg(c, IN, SYN, NULL, 0);
	seg(c, OUT, SYN | ACK, NULL, 0);
}

/* @len bytes of direction @dir in segments of at most @mss bytes. */
static void send_all(struct ctx *c, int dir, const uint8_t *p, size_t len,
		     uint32_t mss)
{
	while (len) {
		uint32_t n = len < mss ? (uint32_t)len : mss;

		seg(c, dir, ACK, p, n);
		p += n;
		len -= n;
	}
}

static void end_cb(void *ctx, struct ofx_conn *t)
{
	struct ofxt_stack *k = ctx;

	of_session_end(k->of, t);
}

/* End of input, as `ofxdp read` ends: holes given up, streams ended. */
static void finish(struct ctx *c)
{
	ofx_reasm_flush(c->k->r);
	ofx_reasm_foreach(c->k->r, end_cb, c->k);
}

struct find {
	struct of_conn *c;
};

static void find_cb(void *ctx, struct ofx_conn *t)
{
	struct find *f = ctx;

	f->c = t->app;
}

/* The OpenFlow state of the (only) open connection. */
static struct of_conn *the_conn(const struct ctx *c)
{
	struct find f = {0};

	ofx_reasm_foreach(c->k->r, find_cb, &f);
	assert_non_null(f.c);
	return f.c;
}

static uint64_t of_total_msgs(const struct ofx_stats *st)
{
	return st->msgs.total[IN].msgs + st->msgs.total[OUT].msgs;
}

static uint64_t unverified_msgs(const struct ofx_stats *st)
{
	return st->of.unverified[IN].msgs + st->of.unverified[OUT].msgs;
}

static void fill_random(uint8_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(ofxt_rng(&seed) >> 7);
}

/* ------------------------------------------------------------------ */
/* (a) TLS on the OpenFlow port */

/* A TLS record header (RFC 8446 §5.1) and @len body bytes from @seed;
 * Return: bytes written. */
static size_t tls_record(uint8_t *p, uint8_t type, uint8_t minor, uint16_t len,
			 uint32_t seed)
{
	p[0] = type;
	p[1] = 3;
	p[2] = minor;
	p[3] = (uint8_t)(len >> 8);
	p[4] = (uint8_t)len;
	fill_random(p + 5, len, seed);
	return 5u + len;
}

/*
 * A TLS 1.2/1.3-shaped conversation: ClientHello (record version 0x0301),
 * then ChangeCipherSpec, Finished and application data; the server's
 * ServerHello, Certificate, ... Application data records carry, in their
 * encrypted bytes, a chain of plausible OpenFlow 1.3 headers (what a
 * resynchronising OpenFlow framer would lock onto).
 */
static size_t tls_client(uint8_t *p, unsigned int *nrec)
{
	size_t n = 0;

	n += tls_record(p + n, 22, 1, 512, 1); /* ClientHello */
	n += tls_record(p + n, 20, 3, 1, 2); /* ChangeCipherSpec */
	n += tls_record(p + n, 23, 3, 53, 3); /* Finished (encrypted) */
	*nrec = 3;
	for (unsigned int i = 0; i < 40; i++) {
		size_t at = n + 5 + 16;

		n += tls_record(p + n, 23, 3, (uint16_t)(100 + 37 * i),
				100 + i);
		/* four ECHO_REQUESTs of OpenFlow 1.3, back to back */
		for (int m = 0; m < 4; m++)
			ofxt_hdr(p + at + 8 * m, 4, 2, 8, (uint32_t)m);
		(*nrec)++;
	}
	n += tls_record(p + n, 21, 3, 26, 7); /* close_notify alert */
	(*nrec)++;
	return n;
}

static size_t tls_server(uint8_t *p, unsigned int *nrec)
{
	size_t n = 0;

	n += tls_record(p + n, 22, 3, 90, 11); /* ServerHello */
	n += tls_record(p + n, 22, 3, 1200, 12); /* Certificate */
	n += tls_record(p + n, 22, 3, 4, 13); /* ServerHelloDone */
	n += tls_record(p + n, 20, 3, 1, 14);
	n += tls_record(p + n, 23, 3, 53, 15);
	*nrec = 5;
	for (unsigned int i = 0; i < 30; i++) {
		size_t at = n + 5 + 40;

		n += tls_record(p + n, 23, 3, (uint16_t)(16384 - 500 * i),
				200 + i);
		for (int m = 0; m < 4; m++)
			ofxt_hdr(p + at + 8 * m, 4, 19, 8, (uint32_t)m);
		(*nrec)++;
	}
	return n;
}

static void test_tls_not_openflow(void **state)
{
	struct ctx *c = *state;
	static uint8_t cl[64 << 10], sv[512 << 10];
	unsigned int ncr, nsr;
	size_t ncl = tls_client(cl, &ncr), nsv = tls_server(sv, &nsr);

	assert_true(ncl <= sizeof(cl) && nsv <= sizeof(sv));
	handshake(c);
	seg(c, IN, ACK, cl, 1); /* a 1-byte first segment */
	send_all(c, IN, cl + 1, 516, 100);
	send_all(c, OUT, sv, nsv, MSS);
	send_all(c, IN, cl + 517, ncl - 517, 777);
	finish(c);

	assert_int_equal(ofxt_of_msgs(c->st, IN), 0);
	assert_int_equal(ofxt_of_msgs(c->st, OUT), 0);
	assert_int_equal(c->st->msgs.total[IN].msgs, 0);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 0);
	assert_int_equal(c->st->msgs.total[IN].bytes, 0);
	assert_int_equal(c->st->msgs.total[OUT].bytes, 0);
	/* TCP payload still counts as TCP */
	assert_int_equal(c->st->of.tcp[IN].bytes, ncl);
	assert_int_equal(c->st->of.tcp[OUT].bytes, nsv);
	/* TLS: one connection, every record and byte, by the opener rule
	 * (the SYN sender is the switch: in) */
	assert_int_equal(c->st->of.tls_connections, 1);
	assert_int_equal(c->st->of.tls[IN].msgs, ncr);
	assert_int_equal(c->st->of.tls[IN].bytes, ncl);
	assert_int_equal(c->st->of.tls[OUT].msgs, nsr);
	assert_int_equal(c->st->of.tls[OUT].bytes, nsv);
	assert_int_equal(unverified_msgs(c->st), 0);
	assert_int_equal(c->st->of.framing.tls_bad_records, 0);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 0);
	assert_int_equal(of_conn_protocol(the_conn(c)), OF_PROTO_TLS);
	assert_string_equal(of_protocol_name(OF_PROTO_TLS), "tls");
	assert_int_equal(the_conn(c)->role_source, OF_ROLE_OPENER);
	assert_int_equal(the_conn(c)->tls[OUT].bytes, nsv);
}

/* TLS through gaps: one inside a record's body keeps the record layer;
 * one across a record boundary makes it search for a record header; the
 * bytes seen are TLS bytes, never OpenFlow. */
static void test_tls_gaps(void **state)
{
	struct ctx *c = *state;
	static uint8_t sv[512 << 10];
	unsigned int nsr;
	size_t nsv = tls_server(sv, &nsr);
	/* [0,1394) handshake records; the first application data record
	 * [1394, 1394 + 16389): a hole in its body; then a hole from the
	 * middle of the third into the fourth record */
	size_t h1 = 1394 + 3000, h1_end = h1 + 1000;
	size_t r3 = 1394 + 16389 + 15889;
	size_t h2 = r3 + 100, h2_end = r3 + 15389 + 500;

	handshake(c);
	send_all(c, OUT, sv, h1, MSS);
	c->seq[OUT] += (uint32_t)(h1_end - h1);
	send_all(c, OUT, sv + h1_end, h2 - h1_end, MSS);
	c->seq[OUT] += (uint32_t)(h2_end - h2);
	send_all(c, OUT, sv + h2_end, nsv - h2_end, MSS);
	finish(c);
	assert_int_equal(c->st->reasm.gaps, 2);
	assert_int_equal(of_total_msgs(c->st), 0);
	assert_int_equal(unverified_msgs(c->st), 0);
	assert_int_equal(c->st->of.tls_connections, 1);
	assert_int_equal(c->st->of.tls[OUT].bytes,
			 nsv - (h1_end - h1) - (h2_end - h2));
	assert_int_equal(c->st->of.framing.tls_resyncs, 1);
	assert_int_equal(c->st->of.framing.tls_bad_records, 0);
	/* the record whose header fell in the hole is not counted */
	assert_int_equal(c->st->of.tls[OUT].msgs, nsr - 1);
}

/* A stream that starts like TLS but whose record layer breaks is not TLS
 * from there on: searched for OpenFlow, whose messages must be proven. */
static void test_tls_record_layer_breaks(void **state)
{
	struct ctx *c = *state;
	uint8_t b[4096];
	size_t n = tls_record(b, 22, 1, 200, 5);
	uint32_t seed = 77;

	fill_random(b + n, 3000, 99);
	b[n] = 0x99; /* not a record type */
	for (size_t i = n; i < n + 3000; i++)
		if (b[i] >= 1 && b[i] <= 6)
			b[i] = (uint8_t)(0x80 | (ofxt_rng(&seed) & 0x7f));
	n += 3000;
	handshake(c);
	send_all(c, IN, b, n, MSS);
	finish(c);
	assert_int_equal(c->st->of.framing.tls_bad_records, 1);
	assert_int_equal(c->st->of.tls_connections, 1);
	assert_int_equal(c->st->of.tls[IN].msgs, 1);
	assert_int_equal(c->st->of.tls[IN].bytes, 205);
	assert_int_equal(of_total_msgs(c->st), 0);
	/* the rest was searched (no version byte in it: all skipped but the
	 * 7 bytes a search keeps for the next feed) */
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 3000 - 7);
	assert_int_equal(c->st->of.framing.resyncs, 0);
}

/* ------------------------------------------------------------------ */
/* (b) random bytes after a SYN */

#define RANDOM_IN (4u << 20)
#define RANDOM_OUT (1u << 20)

static void test_random_after_syn(void **state)
{
	struct ctx *c = *state;
	uint8_t *in = malloc(RANDOM_IN), *out = malloc(RANDOM_OUT);
	uint64_t of_msgs, of_bytes;

	assert_non_null(in);
	assert_non_null(out);
	fill_random(in, RANDOM_IN, 0x5eed);
	fill_random(out, RANDOM_OUT, 0xbeef);
	handshake(c);
	send_all(c, IN, in, RANDOM_IN, MSS);
	send_all(c, OUT, out, RANDOM_OUT, MSS);
	finish(c);

	of_msgs = c->st->msgs.total[IN].msgs + c->st->msgs.total[OUT].msgs;
	of_bytes = c->st->msgs.total[IN].bytes + c->st->msgs.total[OUT].bytes;
	print_message("random after SYN: %u + %u bytes -> OpenFlow %" PRIu64
		      " msgs %" PRIu64 " bytes\n",
		      RANDOM_IN, RANDOM_OUT, of_msgs, of_bytes);
	print_message("  unverified %" PRIu64 " msgs %" PRIu64
		      " bytes, bad headers %" PRIu64 "\n",
		      unverified_msgs(c->st),
		      c->st->of.unverified[IN].bytes +
			      c->st->of.unverified[OUT].bytes,
		      c->st->of.framing.bad_headers);
	/* no benefit of the doubt for a chain at the end of a stream seen
	 * from its SYN (it once counted up to OF_HOLD_MAX a direction) */
	assert_int_equal(of_msgs, 0);
	assert_int_equal(c->st->of.unproven_at_end, 0);
	assert_int_equal(c->st->of.verified_by_chain, 0);
	/* what was framed counts as unverified, with the bytes seen */
	assert_true(unverified_msgs(c->st) > 10);
	assert_true(of_bytes + c->st->of.unverified[IN].bytes <=
		    RANDOM_IN + RANDOM_OUT);
	assert_true(c->st->of.unverified[IN].bytes <= RANDOM_IN);
	assert_true(c->st->of.unverified[OUT].bytes <= RANDOM_OUT);
	assert_int_equal(c->st->of.tls_connections, 0);
	assert_int_equal(of_conn_protocol(the_conn(c)), OF_PROTO_UNVERIFIED);
	free(in);
	free(out);
}

/* ------------------------------------------------------------------ */
/* (c) a HELLO-first connection: counted at once and exactly as before */

static void test_hello_first_exact(void **state)
{
	struct ctx *c = *state;
	uint8_t sw[600], ctl[200];
	size_t ns = 0, nc = 0;

	ns += ofxt_msg(sw + ns, 4, 0, 16, 1); /* HELLO with a bitmap */
	ns += ofxt_msg(sw + ns, 4, 6, 32, 2); /* FEATURES_REPLY */
	ns += ofxt_msg(sw + ns, 4, 10, 300, 3); /* PACKET_IN */
	ns += ofxt_msg(sw + ns, 4, 3, 8, 4); /* ECHO_REPLY */
	ns += ofxt_msg(sw + ns, 4, 19, 200, 5); /* MULTIPART_REPLY */
	nc += ofxt_msg(ctl + nc, 4, 0, 8, 1); /* HELLO */
	nc += ofxt_msg(ctl + nc, 4, 5, 8, 2); /* FEATURES_REQUEST */
	nc += ofxt_msg(ctl + nc, 4, 13, 40, 3); /* PACKET_OUT */
	nc += ofxt_msg(ctl + nc, 4, 2, 8, 4); /* ECHO_REQUEST */
	handshake(c);
	seg(c, OUT, ACK, ctl, 16); /* HELLO + FEATURES_REQUEST */
	seg(c, IN, ACK, sw, 48); /* HELLO + FEATURES_REPLY */
	/* counted at once: nothing waits for a proof */
	assert_int_equal(c->st->msgs.total[IN].msgs, 2);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 2);
	seg(c, IN, ACK, sw + 48, 5); /* cut inside a header */
	send_all(c, IN, sw + 53, ns - 53, 97);
	send_all(c, OUT, ctl + 16, nc - 16, 7);
	assert_int_equal(c->st->msgs.total[IN].msgs, 5);
	assert_int_equal(c->st->msgs.total[IN].bytes, ns);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 4);
	assert_int_equal(c->st->msgs.total[OUT].bytes, nc);
	assert_int_equal(c->st->msgs.of[4][10][IN].bytes, 300);
	assert_int_equal(c->st->msgs.of[4][13][OUT].msgs, 1);
	finish(c);
	assert_int_equal(c->st->msgs.total[IN].msgs, 5);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 4);
	assert_int_equal(unverified_msgs(c->st), 0);
	assert_int_equal(c->st->of.verified_by_chain, 0);
	assert_int_equal(c->st->of.unproven_at_end, 0);
	assert_int_equal(c->st->of.version_contradictions, 0);
	assert_int_equal(of_conn_protocol(the_conn(c)), OF_PROTO_OPENFLOW);
}

/* After a HELLO exchange negotiated 1.3, a 1.0 message contradicts it:
 * not OpenFlow (unverified); the next 1.3 one proves the stream again
 * (the other half is verified). */
static void test_version_contradiction(void **state)
{
	struct ctx *c = *state;
	uint8_t sw[64], ctl[16];
	size_t ns = 0;

	ofxt_msg(ctl, 4, 0, 8, 1);
	ns += ofxt_msg(sw + ns, 4, 0, 8, 1); /* HELLO 1.3 */
	ns += ofxt_msg(sw + ns, 4, 3, 8, 2); /* ECHO_REPLY 1.3 */
	ns += ofxt_msg(sw + ns, 1, 10, 20, 3); /* PACKET_IN 1.0 */
	ns += ofxt_msg(sw + ns, 4, 10, 24, 4); /* PACKET_IN 1.3 */
	handshake(c);
	seg(c, OUT, ACK, ctl, 8);
	seg(c, IN, ACK, sw, (uint32_t)ns);
	assert_int_equal(c->st->of.version_contradictions, 1);
	assert_int_equal(c->st->msgs.total[IN].msgs, 3);
	assert_int_equal(c->st->msgs.total[IN].bytes, 40);
	assert_int_equal(c->st->msgs.of[1][10][IN].msgs, 0);
	assert_int_equal(c->st->of.unverified[IN].msgs, 1);
	assert_int_equal(c->st->of.unverified[IN].bytes, 20);
}

/* ------------------------------------------------------------------ */
/* (d) mid-stream joins */

/* Joined mid-stream (no SYN): counted once a chain of 4 plausible
 * headers proved the stream, then every message from the first. */
static void test_midstream_counted_after_proof(void **state)
{
	struct ctx *c = *state;
	uint8_t b[2000];
	size_t n = 0, first;

	memset(b, 0xee, 13); /* the tail of a message before the join */
	n = 13;
	first = n;
	for (int i = 0; i < 6; i++)
		n += ofxt_msg(b + n, 4, 10, (uint16_t)(100 + 10 * i),
			      (uint32_t)i);
	c->seq[IN] = 5000;
	seg(c, IN, ACK, b, 13 + 100 + 110); /* two PACKET_INs */
	seg(c, IN, ACK, b + 223, 120); /* a third */
	assert_int_equal(c->st->msgs.total[IN].msgs, 0); /* not proven yet */
	assert_int_equal(of_conn_protocol(the_conn(c)), OF_PROTO_UNVERIFIED);
	seg(c, IN, ACK, b + 343, (uint32_t)(n - 343)); /* three more */
	assert_int_equal(c->st->msgs.total[IN].msgs, 6);
	assert_int_equal(c->st->msgs.total[IN].bytes, n - first);
	assert_int_equal(c->st->msgs.of[4][10][IN].msgs, 6);
	assert_int_equal(c->st->of.verified_by_chain, 1);
	assert_int_equal(of_conn_protocol(the_conn(c)), OF_PROTO_OPENFLOW);
	finish(c);
	assert_int_equal(c->st->msgs.total[IN].msgs, 6);
	assert_int_equal(unverified_msgs(c->st), 0);
	assert_int_equal(c->st->of.unproven_at_end, 0);
}

/* Both halves joined mid-stream: their chains of one version add up. */
static void test_midstream_joint_proof(void **state)
{
	struct ctx *c = *state;
	uint8_t a[64], b[64];

	ofxt_msg(a, 4, 10, 32, 1); /* PACKET_IN */
	ofxt_msg(a + 32, 4, 10, 32, 2);
	ofxt_msg(b, 4, 13, 24, 1); /* PACKET_OUT */
	ofxt_msg(b + 24, 4, 13, 24, 2);
	c->seq[IN] = 5000;
	c->seq[OUT] = 7000;
	seg(c, IN, ACK, a, 32);
	seg(c, OUT, ACK, b, 24);
	seg(c, IN, ACK, a + 32, 32);
	assert_int_equal(of_total_msgs(c->st), 0);
	seg(c, OUT, ACK, b + 24, 24); /* the fourth */
	assert_int_equal(c->st->msgs.total[IN].msgs, 2);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 2);
	assert_int_equal(c->st->msgs.total[OUT].bytes, 48);
	assert_int_equal(c->st->of.verified_by_chain, 2);
}

/* A short mid-stream connection that ends before a proof: its unbroken
 * chain is counted when it ends (a capture's last seconds). */
static void test_midstream_short_counted_at_end(void **state)
{
	struct ctx *c = *state;
	uint8_t b[64], r[64];
	size_t n = 0, m = 0;

	n += ofxt_msg(b + n, 4, 2, 8, 7); /* ECHO_REQUEST */
	n += ofxt_msg(b + n, 4, 10, 40, 8); /* PACKET_IN */
	m += ofxt_msg(r + m, 4, 3, 8, 7); /* ECHO_REPLY */
	c->seq[IN] = 5000;
	c->seq[OUT] = 7000;
	seg(c, IN, ACK, b, (uint32_t)n);
	seg(c, OUT, ACK, r, (uint32_t)m);
	assert_int_equal(of_total_msgs(c->st), 0); /* held */
	finish(c);
	assert_int_equal(c->st->msgs.total[IN].msgs, 2);
	assert_int_equal(c->st->msgs.total[IN].bytes, 48);
	assert_int_equal(c->st->msgs.total[OUT].msgs, 1);
	assert_int_equal(c->st->msgs.total[OUT].bytes, 8);
	assert_int_equal(c->st->of.unproven_at_end, 3);
	assert_int_equal(unverified_msgs(c->st), 0);
}

/* After a SYN, bytes that are no OpenFlow (a bad header in sync), then
 * one plausible message that ends with the stream: not OpenFlow (this
 * chain at the end of a garbage connection was counted as OpenFlow). */
static void test_junk_then_chain_at_end(void **state)
{
	struct ctx *c = *state;
	uint8_t b[400];
	size_t n = 200;

	memset(b, 0xee, n);
	n += ofxt_msg(b + n, 4, 10, 100, 1); /* PACKET_IN */
	handshake(c);
	seg(c, IN, ACK, b, (uint32_t)n);
	seg(c, IN, OFX_TCP_FIN | ACK, NULL, 0);
	finish(c);
	assert_true(c->st->of.framing.bad_headers >= 1);
	assert_int_equal(of_total_msgs(c->st), 0);
	assert_int_equal(c->st->of.unproven_at_end, 0);
	assert_int_equal(c->st->of.unverified[IN].msgs, 1);
	assert_int_equal(c->st->of.unverified[IN].bytes, 100);
}

/* Joined mid-stream into random bytes: no OpenFlow. */
static void test_midstream_random(void **state)
{
	struct ctx *c = *state;
	uint8_t *in = malloc(RANDOM_OUT);
	uint64_t of_msgs;

	assert_non_null(in);
	fill_random(in, RANDOM_OUT, 0xfeed);
	c->seq[IN] = 5000;
	send_all(c, IN, in, RANDOM_OUT, MSS);
	finish(c);
	of_msgs = c->st->msgs.total[IN].msgs;
	print_message("random mid-stream: %u bytes -> OpenFlow %" PRIu64
		      " msgs %" PRIu64 " bytes\n",
		      RANDOM_OUT, of_msgs, c->st->msgs.total[IN].bytes);
	assert_int_equal(of_msgs, 0); /* its framing broke: no benefit */
	assert_true(c->st->msgs.total[IN].bytes +
			    c->st->of.unverified[IN].bytes +
			    c->st->of.unverified[OUT].bytes <=
		    RANDOM_OUT);
	assert_true(unverified_msgs(c->st) > 0);
	free(in);
}

/* ------------------------------------------------------------------ */
/* (e) a message cut by a gap counts the bytes seen of it */

/* HELLO, then a 1000-byte PACKET_IN of which 300 bytes are sent, then
 * ECHO_REQUESTs after a hole; @how: 0 the hole is given up (a gap),
 * 1 the input ends, 2 the connection is reset. */
static void cut_message(struct ctx *c, int how)
{
	uint8_t b[1100], ctl[8];
	size_t n = ofxt_msg(b, 4, 0, 8, 1);

	n += ofxt_msg(b + n, 4, 10, 1000, 2);
	ofxt_msg(ctl, 4, 0, 8, 1);
	handshake(c);
	seg(c, OUT, ACK, ctl, 8);
	seg(c, IN, ACK, b, 8 + 300);
	if (how == 0) {
		c->seq[IN] += 700 + 100; /* lost: the rest and more */
		ofxt_msg(b, 4, 2, 8, 3);
		ofxt_msg(b + 8, 4, 2, 8, 4);
		seg(c, IN, ACK, b, 16);
	} else if (how == 2) {
		seg(c, IN, OFX_TCP_RST, NULL, 0);
	}
	finish(c);
}

static void test_gap_counts_seen(void **state)
{
	struct ctx *c = *state;

	cut_message(c, 0);
	assert_int_equal(c->st->reasm.gaps, 1);
	/* PACKET_IN: 300 bytes seen of 1000 */
	assert_int_equal(c->st->msgs.of[4][10][IN].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][10][IN].bytes, 300);
	assert_int_equal(c->st->msgs.total[IN].bytes, 8 + 300 + 16);
}

static void test_reset_counts_seen(void **state)
{
	struct ctx *c = *state;

	cut_message(c, 2);
	assert_int_equal(c->st->msgs.of[4][10][IN].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][10][IN].bytes, 300);
}

/* Cut by the end of the input (a capture's end), with no gap in it: the
 * rest was sent, only not captured; counted whole, as tshark does. */
static void test_input_end_counts_length(void **state)
{
	struct ctx *c = *state;

	cut_message(c, 1);
	assert_int_equal(c->st->msgs.of[4][10][IN].msgs, 1);
	assert_int_equal(c->st->msgs.of[4][10][IN].bytes, 1000);
}

/* ------------------------------------------------------------------ */
/* (f) a resync on a verified half proves itself again */

/* A verified half loses a segment; the next one starts with bytes inside
 * a message that read as a 1.3 ERROR header of 16384 bytes (its successor
 * beyond the data at hand: the resync cannot check it). A second gap past
 * that false message's end, then 4 ECHO_REQUESTs. @tail: ECHOs sent. */
static void false_lock(struct ctx *c, int tail)
{
	uint8_t b[64], ctl[8];
	size_t n = 0;

	ofxt_msg(ctl, 4, 0, 8, 1);
	handshake(c);
	seg(c, OUT, ACK, ctl, 8);
	n = ofxt_msg(b, 4, 0, 8, 1);
	n += ofxt_msg(b + n, 4, 2, 8, 2);
	seg(c, IN, ACK, b, n);
	c->seq[IN] += 1000; /* lost */
	memset(b, 0, 32);
	b[0] = 4; /* "version 4, OFPT_ERROR, length 0x4000" */
	b[1] = 1;
	b[2] = 0x40;
	seg(c, IN, ACK, b, 32);
	c->seq[IN] += 20000; /* lost: past the false message's end */
	n = 0;
	for (int i = 0; i < tail; i++)
		n += ofxt_msg(b + n, 4, 2, 8, 10 + (uint32_t)i);
	seg(c, IN, ACK, b, n);
	finish(c);
}

static void test_resync_false_lock_unverified(void **state)
{
	struct ctx *c = *state;

	false_lock(c, 4);
	assert_int_equal(c->st->reasm.gaps, 2);
	/* never an ERROR by type: its chain broke at the next resync */
	assert_int_equal(c->st->msgs.of[4][1][IN].msgs, 0);
	assert_int_equal(c->st->of.unverified[IN].msgs, 1);
	assert_int_equal(c->st->of.unverified[IN].bytes, 32);
	/* the ECHOs prove the half again by their own run */
	assert_int_equal(c->st->msgs.of[4][2][IN].msgs, 1 + 4);
	assert_int_equal(c->st->of.held.msgs, 0);
	assert_int_equal(c->st->of.held.bytes, 0);
}

/* Fewer than 4 after the resync: an unbroken chain cut short by the end
 * of the stream counts (unproven_at_end), the false lock still does not. */
static void test_resync_short_chain_at_end(void **state)
{
	struct ctx *c = *state;

	false_lock(c, 2);
	assert_int_equal(c->st->msgs.of[4][1][IN].msgs, 0);
	assert_int_equal(c->st->msgs.of[4][2][IN].msgs, 1 + 2);
	assert_int_equal(c->st->of.unproven_at_end, 2);
	assert_int_equal(c->st->of.held.msgs, 0);
}

/* A half joined mid-stream holds 2 PACKET_INs; a gap ends at a message
 * boundary, then only the first 40 bytes of a real 1000-byte PACKET_IN
 * (its length reaches past them: an unchecked resync) before another
 * gap, then 4 PACKET_INs. The cut message alone is unverified: the chain
 * held before it counts. */
static void test_midstream_unconfirmed_alone(void **state)
{
	struct ctx *c = *state;
	uint8_t b[1200];
	size_t n = 0;

	c->seq[IN] = 5000;
	for (int i = 0; i < 2; i++)
		n += ofxt_msg(b + n, 4, 10, 100, (uint32_t)i);
	seg(c, IN, ACK, b, (uint32_t)n);
	c->seq[IN] += 300; /* lost: whole messages */
	ofxt_msg(b, 4, 10, 1000, 7);
	seg(c, IN, ACK, b, 40);
	c->seq[IN] += 2000; /* lost: the rest of it and more */
	n = 0;
	for (int i = 0; i < 4; i++)
		n += ofxt_msg(b + n, 4, 10, 100, 10 + (uint32_t)i);
	seg(c, IN, ACK, b, (uint32_t)n);
	finish(c);
	assert_int_equal(c->st->msgs.of[4][10][IN].msgs, 2 + 4);
	assert_int_equal(c->st->of.unverified[IN].msgs, 1);
	assert_int_equal(c->st->of.unverified[IN].bytes, 40);
	assert_int_equal(c->st->of.held.msgs, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tls_not_openflow),
		T(test_tls_gaps),
		T(test_tls_record_layer_breaks),
		T(test_random_after_syn),
		T(test_hello_first_exact),
		T(test_version_contradiction),
		T(test_midstream_counted_after_proof),
		T(test_midstream_joint_proof),
		T(test_midstream_short_counted_at_end),
		T(test_junk_then_chain_at_end),
		T(test_midstream_random),
		T(test_gap_counts_seen),
		T(test_reset_counts_seen),
		T(test_input_end_counts_length),
		T(test_resync_false_lock_unverified),
		T(test_resync_short_chain_at_end),
		T(test_midstream_unconfirmed_alone),
	};
#undef T

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
