// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_stream.c - libFuzzer harness for everything after the frame parser:
 * the reassembler (stream/reasm.c), the OpenFlow framer, decoders and
 * connection roles (openflow/) and every message consumer (analysis/:
 * counters, switches, latency), driven through struct ofx_pipeline as the
 * capture sources drive it (feed, tick, finish, free), with `ofxdp
 * watch`'s consumer subscribed as `watch -w` subscribes it: every message
 * printed (text, or NDJSON when bit 5 of byte 0 is set) to /dev/null and
 * written whole to a pcap file in /dev/shm (messages kept whole across
 * segments, within a small budget so that its limit is reached too).
 *
 * Input: byte 0 chooses the latency settings; then segments, each
 *   byte 0  bits 0-1 connection (of 4; number 3 is IPv6), bit 2 direction
 *           (1: controller -> switch), bits 3-5 SYN, FIN, RST, bit 6 no
 *           ACK, bit 7 an absolute seq follows (4 bytes) instead of a
 *           small delta
 *   byte 1  seq delta from the half's next expected seq (signed)
 *   byte 2  time step: < 0xc0 in 100 us, else (b - 0xbf) seconds; the
 *           pipeline is ticked whenever time moves
 *   byte 3-4 payload length (big endian, at most what is left)
 *   byte 5  bits 0-6: bytes of the segment not captured (seg_len >
 *           cap_len, a snap length); bit 7: delivered in two chunks, as
 *           the BPF ring delivers a segment larger than a record (same
 *           seg_len, the second with first = false; SYN on the first
 *           only, FIN and RST on the last only)
 *   [4 bytes absolute seq], then the payload.
 * The reassembler's limits are small (3 connections, short queues and
 * timeouts) so that eviction, queue limits and expiry are reached, and so
 * is the history of closed connections (4 kept). tests/fuzz/gen_seeds.py
 * writes seeds in this format.
 */
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofx_fuzz_util.h"
#include "ofxdp.h"
#include "output/watch.h"
#include "pipeline.h"

#define NCONNS 4
#define HDR 6
/* Bytes of messages kept whole at once (`watch -w`: 64 MiB). */
#define WHOLE_MAX 8192

static FILE *devnull;
static const struct ofx_msg_filter all; /* every message */

/* libFuzzer: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = ofxf_setup("stream");
	return 0;
}

/* libFuzzer: one input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ofx_reasm_opts ro = {
		.max_conns = 3,
		.max_ooo_segs = 8,
		.max_ooo_bytes = 4096,
		.max_total_ooo_bytes = 12288,
		.hole_timeout_ns = 200ull * 1000 * 1000,
		.idle_timeout_ns = 20ull * 1000 * 1000 * 1000,
		.evict_idle_ns = 5ull * 1000 * 1000 * 1000,
	};
	struct ofx_latency_opts lo = {0};
	struct ofx_pipeline_opts po = {
		.reasm = &ro, .history = 4, .latency = &lo};
	uint32_t next[NCONNS][2];
	uint64_t ts = 1000ull * 1000 * 1000 * 1000; /* 1000 s */
	struct ofx_pcap_writer_opts wo = {.path = ofxf_path};
	struct ofx_watch w = {.filter = &all, .out = devnull};
	struct of_msg_sink sink = ofx_watch_sink(&w);
	struct ofx_stats_pub *pub;
	struct ofx_pipeline *p;
	char err[256];
	size_t off = 1;

	if (size < 1)
		return 0;
	/* Window 1 ms .. 1.5 s; a tight histogram memory cap now and then. */
	lo.window_ns = (uint64_t)(data[0] & 0x0f) * 100000000 + 1000000;
	if (data[0] & 0x10)
		lo.memory = 4096u << (data[0] >> 5);
	po.no_latency = (data[0] & 0xf0) == 0xf0;
	pub = ofx_stats_pub_new(ts);
	p = pub ? ofx_pipeline_new(pub, &po) : NULL;
	if (!p || ofx_pipeline_subscribe(p, &sink) ||
	    ofx_pcap_writer_open(&wo, &w.writer, err, sizeof(err))) {
		ofx_pipeline_free(p);
		ofx_stats_pub_free(pub);
		return 0;
	}
	w.json = data[0] & 0x20;
	of_session_set_whole(p->of, WHOLE_MAX);
	for (int c = 0; c < NCONNS; c++)
		for (int d = 0; d < 2; d++)
			next[c][d] = 0xfffff000u + (uint32_t)c * 0x10000000u +
				     (uint32_t)d * 0x1000u;

	while (size - off >= HDR) {
		const uint8_t *h = data + off;
		int c = h[0] & 3, d = h[0] >> 2 & 1;
		uint8_t flags = (h[0] & 0x40) ? 0 : OFX_TCP_ACK;
		uint32_t seq, len, cut;
		uint64_t step;
		struct ofx_segment s;

		off += HDR;
		if (h[0] & 0x08)
			flags |= OFX_TCP_SYN;
		if (h[0] & 0x10)
			flags |= OFX_TCP_FIN;
		if (h[0] & 0x20)
			flags |= OFX_TCP_RST;
		seq = next[c][d] + (uint32_t)(int32_t)(int8_t)h[1];
		if (h[0] & 0x80) {
			if (size - off < 4)
				break;
			seq = (uint32_t)data[off] << 24 |
			      (uint32_t)data[off + 1] << 16 |
			      (uint32_t)data[off + 2] << 8 | data[off + 3];
			off += 4;
		}
		step = h[2] < 0xc0 ? (uint64_t)h[2] * 100000
				   : (uint64_t)(h[2] - 0xbf) * 1000000000;
		len = (uint32_t)h[3] << 8 | h[4];
		if (len > size - off)
			len = (uint32_t)(size - off);
		/* The first chunk's length (all of it: one chunk). */
		cut = (h[5] & 0x80) && len >= 2 ? len / 2 : len;

		memset(&s, 0, sizeof(s));
		s.key.family = c == 3 ? 6 : 4;
		/* The switch is 10.0.0.1 (::1), the controller 10.0.0.2 on
		 * port 6653; dir OUT (controller -> switch) from port 6653. */
		if (c == 3) {
			s.key.saddr[3] = d ? htobe32(2) : htobe32(1);
			s.key.daddr[3] = d ? htobe32(1) : htobe32(2);
		} else {
			s.key.saddr[0] =
				d ? htobe32(0x0a000002) : htobe32(0x0a000001);
			s.key.daddr[0] =
				d ? htobe32(0x0a000001) : htobe32(0x0a000002);
		}
		s.key.sport = d ? 6653 : (uint16_t)(40000 + c);
		s.key.dport = d ? (uint16_t)(40000 + c) : 6653;
		s.dir = d ? OFX_DIR_OUT : OFX_DIR_IN;
		s.tcp_flags = flags;
		s.seq = seq;
		s.seg_len = len + (h[5] & 0x7f);
		s.first = true;
		s.data = data + off;
		if (step) {
			ts += step;
			ofx_pipeline_tick(p, ts, false);
		}
		s.ts_ns = ts;
		s.cap_len = cut;
		if (cut < len)
			s.tcp_flags = flags & ~(OFX_TCP_FIN | OFX_TCP_RST);
		ofx_pipeline_feed(p, &s);
		if (cut < len) {
			s.seq = seq + cut;
			s.cap_len = len - cut;
			s.data = data + off + cut;
			s.tcp_flags = flags & ~OFX_TCP_SYN;
			s.first = false;
			ofx_pipeline_feed(p, &s);
		}
		next[c][d] = seq + s.seg_len + !!(flags & OFX_TCP_SYN) +
			     !!(flags & OFX_TCP_FIN);
		off += len;
	}
	ofx_pipeline_finish(p, ts);
	ofx_pipeline_tick(p, ts + 3600ull * 1000 * 1000 * 1000, true);
	ofx_pipeline_free(p);
	/* after the pipeline: closing connections reaches the writer */
	ofx_pcap_writer_close(w.writer);
	unlink(ofxf_path);
	ofx_stats_pub_free(pub);
	return 0;
}
