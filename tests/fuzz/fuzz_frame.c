// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_frame.c - libFuzzer harness for the userspace frame parser
 * (user/capture/frame.c, ofx_frame_parse) on arbitrary bytes.
 *
 * Input: byte 0 picks the link type (Ethernet, Linux cooked v1/v2, BSD
 * loopback NULL/LOOP, raw IP, IPv4, IPv6), bytes 1-2 (big endian) how many
 * bytes the frame had on the wire beyond what was captured (0: not
 * snapped); the rest is the captured frame, in a buffer of exactly that
 * size so that AddressSanitizer sees any read past the capture.
 * Besides the sanitizers, the segment a parse returns must point inside
 * the capture, claim no more than was captured and be on an OpenFlow port.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/frame.h"

static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
			   DLT_NULL,   DLT_LOOP,      DLT_RAW,
			   DLT_IPV4,   DLT_IPV6,      DLT_EN10MB};
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

static struct ofx_portset ports;

/* libFuzzer: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ofx_portset_parse("6653,6633", &ports))
		abort();
	return 0;
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_frame: %s\n", what);
		abort();
	}
}

/* libFuzzer: one input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ofx_segment seg;
	bool ip_short = false;
	enum ofx_frame_rc rc;
	size_t caplen, wirelen;
	uint8_t *pkt;
	int dlt;

	if (size < 3)
		return 0;
	dlt = dlts[data[0] % NDLTS];
	caplen = size - 3;
	wirelen = caplen + ((size_t)data[1] << 8 | data[2]);
	/* An exact-size copy (never NULL, even when empty). */
	pkt = malloc(caplen ? caplen : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data + 3, caplen);
	rc = ofx_frame_parse(dlt, pkt, caplen, wirelen, &ports, &seg,
			     &ip_short);
	check(rc == OFX_FRAME_OK || rc == OFX_FRAME_OTHER ||
		      rc == OFX_FRAME_MALFORMED,
	      "unknown result");
	if (rc == OFX_FRAME_OK) {
		check(seg.data >= pkt && seg.data <= pkt + caplen,
		      "payload outside the capture");
		check(seg.cap_len <= (size_t)(pkt + caplen - seg.data),
		      "cap_len beyond the capture");
		check(seg.cap_len <= seg.seg_len, "cap_len > seg_len");
		check(seg.first, "first not set");
		check(seg.key.family == 4 || seg.key.family == 6, "family");
		check(ofx_portset_has(&ports, seg.key.sport) ||
			      ofx_portset_has(&ports, seg.key.dport),
		      "segment not on an OpenFlow port");
		/* Touch every captured payload byte. */
		volatile uint8_t sum = 0;
		for (uint32_t i = 0; i < seg.cap_len; i++)
			sum += seg.data[i];
		(void)sum;
	}
	free(pkt);
	return 0;
}
