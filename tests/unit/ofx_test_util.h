/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofx_test_util.h - helpers shared by the cmocka unit tests: build OpenFlow
 * messages and TCP segments, load fixture files, sum counters.
 *
 * Include after <cmocka.h> and its prerequisites.
 */
#ifndef OFX_TEST_UTIL_H
#define OFX_TEST_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "capture/segment.h"
#include "ofxdp.h"
#include "openflow/of_conn.h"
#include "openflow/of_framer.h"
#include "openflow/of_proto.h"
#include "stream/reasm.h"

/**
 * ofxt_hdr() - write an OpenFlow header (version, type, length, xid; length
 * and xid big endian) at @p.
 */
static inline void ofxt_hdr(uint8_t *p, uint8_t version, uint8_t type,
			    uint16_t len, uint32_t xid)
{
	p[0] = version;
	p[1] = type;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	p[4] = xid >> 24;
	p[5] = (xid >> 16) & 0xff;
	p[6] = (xid >> 8) & 0xff;
	p[7] = xid & 0xff;
}

/**
 * ofxt_msg() - write a whole message of @len bytes at @p: header, then a
 * body of zero bytes (version 0 is never plausible, so a body can never be
 * mistaken for a header while resynchronising). @len must be >= 8.
 * Return: @len.
 */
static inline size_t ofxt_msg(uint8_t *p, uint8_t version, uint8_t type,
			      uint16_t len, uint32_t xid)
{
	memset(p, 0, len);
	ofxt_hdr(p, version, type, len, xid);
	return len;
}

/** ofxt_stats_new() - a zeroed struct ofx_stats on the heap. */
static inline struct ofx_stats *ofxt_stats_new(void)
{
	struct ofx_stats *st = malloc(sizeof(*st));

	if (!st) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	ofx_stats_init(st);
	return st;
}

/**
 * ofxt_msg_from() - the struct of_msg of the framed message @f travelling
 * in direction @dir (header fields, flags, decode), without a connection.
 */
static inline struct of_msg ofxt_msg_from(const struct of_frame *f, uint8_t dir)
{
	struct of_msg m;

	memset(&m, 0, sizeof(m));
	m.data = f->data;
	m.caplen = f->caplen;
	m.version = f->data[0];
	m.type = f->data[1];
	m.length = (uint16_t)(f->data[2] << 8 | f->data[3]);
	m.bytes = (uint16_t)f->bytes;
	m.dir = dir;
	m.flags = f->flags;
	if (!of_type_valid(m.version, m.type))
		m.flags |= OF_MSG_INVALID_TYPE;
	m.ts_ns = f->ts_ns;
	of_decode(f->data, f->caplen, &m.dec);
	return m;
}

/* Framer output for tests: count each message into the struct ofx_stats
 * @ctx, in the direction given as the framer's tag. */
static inline void ofxt_count_frame(void *ctx, uint8_t tag,
				    const struct of_frame *f)
{
	struct ofx_stats *st = ctx;
	struct of_msg m = ofxt_msg_from(f, tag);

	ofx_count_msg(&st->msgs, &st->sub.h, &m);
}

/** ofxt_framer_out() - framer output counting into @st (see above). */
static inline struct of_framer_out ofxt_framer_out(struct ofx_stats *st)
{
	return (struct of_framer_out){
		.emit = ofxt_count_frame, .ctx = st, .st = &st->of.framing};
}

/** struct ofxt_stack - reassembler + OpenFlow stage counting into @st. */
struct ofxt_stack {
	struct ofx_stats *st;
	struct of_msg_sink sink;
	struct of_session *of;
	struct ofx_reasm *r;
	struct of_conn *last; /* the connection of the latest message */
};

static inline void ofxt_stack_msg(void *ctx, const struct of_msg *m)
{
	struct ofxt_stack *k = ctx;

	k->last = (struct of_conn *)m->conn;
	ofx_count_msg(&k->st->msgs, &k->st->sub.h, m);
}

static inline void ofxt_stack_conn(void *ctx, struct of_conn *c,
				   enum of_conn_event ev)
{
	struct ofxt_stack *k = ctx;

	if (ev == OF_CONN_CLOSE && k->last == c)
		k->last = NULL;
}

/**
 * ofxt_stack_new() - the real stream + OpenFlow stages (reasm.c,
 * of_conn.c) counting every message into @st, as the pipeline does.
 */
static inline struct ofxt_stack *ofxt_stack_new(const struct ofx_reasm_opts *o,
						struct ofx_stats *st)
{
	struct ofxt_stack *k = calloc(1, sizeof(*k));

	if (!k)
		abort();
	k->st = st;
	k->sink = (struct of_msg_sink){
		.msg = ofxt_stack_msg, .conn = ofxt_stack_conn, .ctx = k};
	k->of = of_session_new(&k->sink, &st->of);
	k->r = ofx_reasm_new(o, of_session_stream_ops(k->of), &st->reasm);
	if (!k->of || !k->r)
		abort();
	return k;
}

/** ofxt_stack_free() - close every connection and free @k. */
static inline void ofxt_stack_free(struct ofxt_stack *k)
{
	if (!k)
		return;
	ofx_reasm_free(k->r);
	of_session_free(k->of);
	free(k);
}

/**
 * ofxt_key() - the connection direction 10.0.0.@a:@sport -> 10.0.0.@b:@dport
 * (IPv4, addresses in network byte order, ports in host order).
 */
static inline struct ofx_flow_key ofxt_key(uint8_t a, uint16_t sport, uint8_t b,
					   uint16_t dport)
{
	struct ofx_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.saddr[0] = htonl(0x0a000000u | a);
	k.daddr[0] = htonl(0x0a000000u | b);
	k.sport = sport;
	k.dport = dport;
	return k;
}

/** ofxt_key_rev() - the opposite direction of @k. */
static inline struct ofx_flow_key ofxt_key_rev(const struct ofx_flow_key *k)
{
	struct ofx_flow_key r = *k;

	memcpy(r.saddr, k->daddr, sizeof(r.saddr));
	memcpy(r.daddr, k->saddr, sizeof(r.daddr));
	r.sport = k->dport;
	r.dport = k->sport;
	return r;
}

/**
 * ofxt_seg() - a whole (unchunked, first = true) segment of @len payload
 * bytes at @data with TCP @seq and @flags at time @ts_ns.
 */
static inline struct ofx_segment ofxt_seg(const struct ofx_flow_key *k,
					  uint8_t dir, uint64_t ts_ns,
					  uint32_t seq, uint8_t flags,
					  const uint8_t *data, uint32_t len)
{
	struct ofx_segment s;

	memset(&s, 0, sizeof(s));
	s.key = *k;
	s.ts_ns = ts_ns;
	s.seq = seq;
	s.seg_len = len;
	s.cap_len = len;
	s.data = data;
	s.dir = dir;
	s.tcp_flags = flags;
	s.first = true;
	return s;
}

/** ofxt_of_msgs() - sum of of[version][*][dir].msgs over all versions/types. */
static inline uint64_t ofxt_of_msgs(const struct ofx_stats *st, int dir)
{
	uint64_t n = 0;

	for (int v = 0; v < OFX_NVERSIONS; v++)
		for (int t = 0; t < OFX_NTYPES; t++)
			n += st->msgs.of[v][t][dir].msgs;
	return n;
}

/** ofxt_of_bytes() - sum of of[*][*][dir].bytes. */
static inline uint64_t ofxt_of_bytes(const struct ofx_stats *st, int dir)
{
	uint64_t n = 0;

	for (int v = 0; v < OFX_NVERSIONS; v++)
		for (int t = 0; t < OFX_NTYPES; t++)
			n += st->msgs.of[v][t][dir].bytes;
	return n;
}

/**
 * ofxt_fixture_dir() - directory holding the fixtures: $OFX_FIXTURES or
 * tests/fixtures (relative to the repository root, where `make unit` runs).
 */
static inline const char *ofxt_fixture_dir(void)
{
	const char *d = getenv("OFX_FIXTURES");

	return d && *d ? d : "tests/fixtures";
}

/**
 * ofxt_read_file() - read all of @path into a malloc'd buffer.
 * Return: the buffer (caller frees) and its size in @len, NULL on error.
 */
static inline uint8_t *ofxt_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

/** ofxt_rng() - xorshift32 step (fixed-seed reproducible split points). */
static inline uint32_t ofxt_rng(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/** ofxt_free_port() - a TCP port on 127.0.0.1 that was free a moment ago
 * (the kernel's pick), host order. */
static inline uint16_t ofxt_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

#endif
