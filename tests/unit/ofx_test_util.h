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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofxdp.h"
#include "openflow/of_proto.h"
#include "capture/segment.h"
#include "analysis/stats.h"

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
	struct ofx_stats *st = calloc(1, sizeof(*st));

	if (!st) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	return st;
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
			n += st->of[v][t][dir].msgs;
	return n;
}

/** ofxt_of_bytes() - sum of of[*][*][dir].bytes. */
static inline uint64_t ofxt_of_bytes(const struct ofx_stats *st, int dir)
{
	uint64_t n = 0;

	for (int v = 0; v < OFX_NVERSIONS; v++)
		for (int t = 0; t < OFX_NTYPES; t++)
			n += st->of[v][t][dir].bytes;
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

#endif
